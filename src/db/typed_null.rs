//! A NULL of a given SQL type, written into the statement as `CAST(NULL AS type)`.
//!
//! The reads on every student page fetch rows of several kinds in one `UNION ALL`, each kind
//! leaving the others' columns NULL. A NULL bound as a parameter would do for the server, which
//! receives the parameter's type with it, but the statement's text alone would not say the type
//! (EXPLAIN of the captured statement fails on a column that is NULL in two branches), and every
//! such NULL would be one more value to send. The cast says the type in the SQL itself; SQLite
//! accepts any type name in a cast and yields NULL. The expression has a static query id, so the
//! statement stays prepared and is found by type (see `db::columns!`).

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::ValidGrouping;
use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Double, Integer, Nullable, SqlType, Text};
use diesel::QueryResult;

use super::sql_types::{AnyJson, Ts, Uid};

/// The PostgreSQL name of an SQL type, for the cast.
pub trait CastName: SqlType + diesel::sql_types::SingleValue + 'static {
    const NAME: &'static str;
}

/// `CastName` for each SQL type a union's NULL column takes.
macro_rules! cast_names {
    ($($sql_type:ty => $name:literal,)*) => {
        $(impl CastName for $sql_type {
            const NAME: &'static str = $name;
        })*
    };
}

cast_names! {
    Uid => "uuid",
    Ts => "timestamptz",
    AnyJson => "jsonb",
    Text => "text",
    Double => "float8",
    Integer => "int4",
    Bool => "bool",
}

/// `CAST(NULL AS type)`, an expression of type `Nullable<ST>` (see the module doc).
#[derive(Debug, Clone, Copy)]
pub struct TypedNull<ST>(PhantomData<ST>);

/// A NULL of SQL type `ST` for a select list: `null::<Uid>()`.
pub fn null<ST: CastName>() -> TypedNull<ST> {
    TypedNull(PhantomData)
}

impl<ST: CastName> Expression for TypedNull<ST> {
    type SqlType = Nullable<ST>;
}

impl<ST: CastName, DB: Backend> QueryFragment<DB> for TypedNull<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("CAST(NULL AS ");
        out.push_sql(ST::NAME);
        out.push_sql(")");
        Ok(())
    }
}

impl<ST: CastName> QueryId for TypedNull<ST> {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<ST: CastName, GB> ValidGrouping<GB> for TypedNull<ST> {
    type IsAggregate = is_aggregate::Never;
}

impl<ST: CastName, QS> AppearsOnTable<QS> for TypedNull<ST> {}

impl<ST: CastName, QS> SelectableExpression<QS> for TypedNull<ST> {}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;

    use super::*;

    // A table of its own: `db` sits below `schema` and does not use it.
    diesel::table! {
        quiz_results (quiz_id) {
            quiz_id -> Integer,
        }
    }

    #[test]
    fn a_typed_null_names_its_type_in_the_sql_and_binds_nothing() {
        let query =
            quiz_results::table.select((quiz_results::quiz_id, null::<Ts>(), null::<Uid>()));
        let sql = diesel::debug_query::<diesel::pg::Pg, _>(&query).to_string();
        assert!(
            sql.contains("CAST(NULL AS timestamptz), CAST(NULL AS uuid)"),
            "{sql}"
        );
        assert!(sql.contains("binds: []"), "{sql}");
    }
}
