//! Writes on the hot paths as statements of their own, which stay prepared on every connection.
//!
//! Diesel keeps a statement prepared per connection only when it can tell the statement's text
//! is fixed: it never does so for an `UPDATE`, an upsert (`ON CONFLICT ... DO UPDATE`) or an insert
//! of a list of rows, and sends each of those to be parsed and planned again on every execution.
//! On PostgreSQL that cost about 180 µs of its CPU per submitted attempt (five such writes; the
//! planning alone, measured with pg_stat_statements). Overriding diesel's verdict on a wrapper is
//! not enough: `PgConnection` asks it of a reference to the statement, whose check walks the
//! wrapped statement and finds the unsafe marker again.
//!
//! A statement declared with [`prepared_statement!`] writes its own SQL, the same text on both
//! backends, and never marks itself unsafe. One whose text is fixed gets a static query id, so
//! diesel finds it in its cache without building the text; one whose text has a few shapes (a
//! row list as long as a quiz's competencies) is cached under its text.

/// Declares the diesel plumbing of a hand-written statement type `Name<'a>`: its query id, `execute`
/// and the same SQL on PostgreSQL and SQLite from one body.
///
/// `prepared_statement!(fixed Name, |this, out| { ... })` for a statement whose text never
/// changes (a static query id); `prepared_statement!(by_text Name, |this, out| { ... })` for one
/// whose text takes a few shapes, cached under its text. The body writes the statement with
/// `out.push_sql` and `out.push_bind_param`, `this` being the statement.
#[macro_export]
macro_rules! prepared_statement {
    (fixed $name:ident, |$this:ident, $out:ident| $body:block) => {
        impl diesel::query_builder::QueryId for $name<'_> {
            type QueryId = $name<'static>;
            const HAS_STATIC_QUERY_ID: bool = true;
        }
        $crate::prepared_statement!(@walk $name, |$this, $out| $body);
    };
    (by_text $name:ident, |$this:ident, $out:ident| $body:block) => {
        impl diesel::query_builder::QueryId for $name<'_> {
            type QueryId = ();
            // No id: the statement cache keys it by its SQL text.
            const HAS_STATIC_QUERY_ID: bool = false;
        }
        $crate::prepared_statement!(@walk $name, |$this, $out| $body);
    };
    (@walk $name:ident, |$this:ident, $out:ident| $body:block) => {
        impl<Conn> diesel::RunQueryDsl<Conn> for $name<'_> {}

        impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for $name<'_> {
            fn walk_ast<'b>(
                &'b self,
                mut $out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
            ) -> diesel::QueryResult<()> {
                let $this = self;
                $body
            }
        }

        impl diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> for $name<'_> {
            fn walk_ast<'b>(
                &'b self,
                mut $out: diesel::query_builder::AstPass<'_, 'b, diesel::sqlite::Sqlite>,
            ) -> diesel::QueryResult<()> {
                let $this = self;
                $body
            }
        }
    };
}

/// Writes `binds` as a comma-separated list of bound parameters, each with its SQL type:
/// `binds!(out, Uid => &this.user, Text => this.code)`.
#[macro_export]
macro_rules! binds {
    ($out:ident, $($ty:ty => $value:expr),+ $(,)?) => {{
        let mut first = true;
        $(
            if !first {
                $out.push_sql(", ");
            }
            first = false;
            $out.push_bind_param::<$ty, _>($value)?;
        )+
        let _ = first;
    }};
}

/// Writes an `UPDATE`'s `SET` list of bound values, each with its SQL type:
/// `assignments!(out, "status": Text => &this.status, "score": Nullable<Double> => &this.score)`.
#[macro_export]
macro_rules! assignments {
    ($out:ident, $($column:literal : $ty:ty => $value:expr),+ $(,)?) => {{
        let mut first = true;
        $(
            $out.push_sql(if first { concat!($column, " = ") } else { concat!(", ", $column, " = ") });
            first = false;
            $out.push_bind_param::<$ty, _>($value)?;
        )+
        let _ = first;
    }};
}
