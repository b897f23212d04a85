//! Statements diesel would parse and plan again on every execution, kept prepared instead.
//!
//! Diesel keeps a prepared statement per connection for queries it knows to have a fixed SQL text,
//! but treats every `UPDATE`, every upsert (`ON CONFLICT ... DO UPDATE`) and every insert of a
//! list of rows as one whose text might change, so it sends each of them to be parsed and planned
//! anew. Wrapped in [`Kept`], such a statement is cached under its SQL text (with its bind types),
//! exactly as diesel caches any statement without a static query id. That is right for statements
//! whose text takes a few shapes only: a fixed set of columns, a row list as long as a quiz's
//! competencies. Never wrap one whose text grows with the data without a small bound.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

/// `Q`, kept prepared on each connection under its SQL text.
pub struct Kept<Q>(pub Q);

/// `.kept()` on any statement.
pub trait Keep: Sized {
    fn kept(self) -> Kept<Self> {
        Kept(self)
    }
}

impl<Q> Keep for Q {}

impl<Q> QueryId for Kept<Q> {
    type QueryId = ();
    // No id of its own: the statement cache keys it by its SQL text.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Kept<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for Kept<Q> {}

impl<Q, DB> QueryFragment<DB> for Kept<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}
