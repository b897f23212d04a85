//! Writes of one transaction that are known together, sent to PostgreSQL as one statement.
//!
//! A graded attempt ends in four writes to four tables (its competency evidence, the levels it
//! moves, the quiz result and the enrollment's figures), each computed beforehand in Rust from
//! what the transaction read. On PostgreSQL every statement costs a round trip, which on a
//! submit costs both sides more CPU than most of the writes themselves, so the writes go as one:
//! `WITH w0 AS (<write>), w1 AS (<write>) <last write>`. SQLite, where a statement is a function
//! call and `WITH` cannot hold an `INSERT` or `UPDATE`, runs them one after another.
//!
//! What the writes of one batch must be, because PostgreSQL runs them on one snapshot: none reads
//! what another writes, and no two touch the same row. Writes declared with
//! [`prepared_statement!`](crate::prepared_statement) stay prepared inside a batch too: a batch of
//! the same writes has the same text, and is cached under it.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, RunQueryDsl};

use super::DbConn;

/// A write that can join a batch: one statement written for both backends.
pub trait Write {
    fn on_pg(&self) -> &dyn QueryFragment<Pg>;
    fn on_sqlite(&self) -> &dyn QueryFragment<Sqlite>;
}

impl<T: QueryFragment<Pg> + QueryFragment<Sqlite>> Write for T {
    fn on_pg(&self) -> &dyn QueryFragment<Pg> {
        self
    }
    fn on_sqlite(&self) -> &dyn QueryFragment<Sqlite> {
        self
    }
}

/// Runs `writes` in their order, as one statement on PostgreSQL.
pub fn execute(conn: &mut DbConn, writes: &[&dyn Write]) -> QueryResult<()> {
    match conn {
        DbConn::Pg(c) if !writes.is_empty() => {
            Together(writes).execute(c)?;
        }
        DbConn::Pg(_) => {}
        DbConn::Sqlite(c) => {
            for write in writes {
                Alone(write.on_sqlite()).execute(c)?;
            }
        }
    }
    Ok(())
}

/// The writes of a batch as one PostgreSQL statement. Its text is built from its writes' texts,
/// so it is cached under its text.
struct Together<'a>(&'a [&'a dyn Write]);

impl QueryId for Together<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Conn> RunQueryDsl<Conn> for Together<'_> {}

impl QueryFragment<Pg> for Together<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let Some((last, before)) = self.0.split_last() else {
            return Ok(());
        };
        for (i, write) in before.iter().enumerate() {
            out.push_sql(if i == 0 { "WITH " } else { ", " });
            out.push_sql(&format!("w{i} AS ("));
            write.on_pg().walk_ast(out.reborrow())?;
            out.push_sql(")");
        }
        if !before.is_empty() {
            out.push_sql(" ");
        }
        last.on_pg().walk_ast(out.reborrow())
    }
}

/// One write of a batch run alone on SQLite, cached under its text.
struct Alone<'a>(&'a dyn QueryFragment<Sqlite>);

impl QueryId for Alone<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Conn> RunQueryDsl<Conn> for Alone<'_> {}

impl QueryFragment<Sqlite> for Alone<'_> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.0.walk_ast(out)
    }
}
