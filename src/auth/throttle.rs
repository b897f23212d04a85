//! Login throttling per account and per client IP, kept in the database.
//!
//! Each attempt increments its counters in one atomic upsert *before* the password is checked, so
//! parallel requests cannot slip past the limit between a read and a write, and several Caravan
//! instances behind a load balancer share the same counters.
//!
//! On PostgreSQL the counters are committed asynchronously (see [`Dialect::LIGHT_COMMIT`]): a
//! counted attempt is visible to every session and instance the moment its statement returns, as
//! the guarantee above needs, but its commit does not wait for the WAL to reach the disk. A crash
//! of PostgreSQL can then forget the last fraction of a second of counters, which only ever lets
//! an attacker a few more guesses once; in return a login saves a disk flush, the most expensive
//! part of the statement on a virtual machine's disk.

use std::time::Duration;

use diesel::backend::Backend;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Integer, Text};
use diesel::sqlite::Sqlite;

use crate::db::sql_types::{Timestamp, Ts};
use crate::db::DbConn;
use crate::error::ApiError;

/// What the throttle's statements write differently per backend.
trait Dialect: Backend {
    /// A condition that always holds, written into each throttle write's `WHERE`. On PostgreSQL it
    /// sets `synchronous_commit` off for the statement's own transaction (a local setting, gone
    /// when it ends), so that commit does not wait for the WAL flush; the statement stays one
    /// round trip, where `SET LOCAL` would need a transaction block around it. SQLite commits to
    /// its own file in the process and needs nothing.
    const LIGHT_COMMIT: &'static str;
}

impl Dialect for Pg {
    const LIGHT_COMMIT: &'static str = "set_config('synchronous_commit', 'off', true) IS NOT NULL";
}

impl Dialect for Sqlite {
    const LIGHT_COMMIT: &'static str = "true";
}

/// One key's counter after an attempt was counted.
struct Counter {
    key: String,
    attempts: i32,
    window_start: Timestamp,
}

/// Counts one attempt against each of `N` keys in one statement: inserts each key's counter, or
/// moves it on (starting a new window once the old one has passed), and returns the counters.
///
/// A query type of its own with a static query id, so diesel keeps it prepared on each pooled
/// connection: written as a raw `sql_query` or as an `ON CONFLICT DO UPDATE` with the query
/// builder, it would be parsed and planned again on every login.
struct CountAttempts<'a, const N: usize> {
    keys: [&'a str; N],
    now: Timestamp,
    cutoff: Timestamp,
}

impl<const N: usize> QueryId for CountAttempts<'_, N> {
    type QueryId = CountAttempts<'static, N>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<const N: usize> Query for CountAttempts<'_, N> {
    type SqlType = (Text, Integer, Ts);
}

impl<Conn, const N: usize> RunQueryDsl<Conn> for CountAttempts<'_, N> {}

impl<DB, const N: usize> QueryFragment<DB> for CountAttempts<'_, N>
where
    DB: Dialect + HasSqlType<Ts>,
    str: ToSql<Text, DB>,
    Timestamp: ToSql<Ts, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        // The rows come from a SELECT so that the statement has a WHERE for the light commit (both
        // backends accept `INSERT ... SELECT ... WHERE ... ON CONFLICT`).
        out.push_sql(
            "INSERT INTO login_throttle (key, window_start, attempts) SELECT * FROM (VALUES ",
        );
        for (i, key) in self.keys.iter().enumerate() {
            out.push_sql(if i == 0 { "(" } else { ", (" });
            out.push_bind_param::<Text, str>(key)?;
            out.push_sql(", ");
            out.push_bind_param::<Ts, _>(&self.now)?;
            out.push_sql(", 1)");
        }
        out.push_sql(") AS counted WHERE ");
        light_commit(&mut out);
        out.push_sql(
            " ON CONFLICT (key) DO UPDATE SET attempts = CASE WHEN login_throttle.window_start < ",
        );
        out.push_bind_param::<Ts, _>(&self.cutoff)?;
        out.push_sql(" THEN 1 ELSE login_throttle.attempts + 1 END, window_start = CASE WHEN login_throttle.window_start < ");
        out.push_bind_param::<Ts, _>(&self.cutoff)?;
        out.push_sql(" THEN ");
        out.push_bind_param::<Ts, _>(&self.now)?;
        out.push_sql(" ELSE login_throttle.window_start END RETURNING key, attempts, window_start");
        Ok(())
    }
}

/// Counts one attempt against each of `keys` (see [`CountAttempts`]).
fn count<const N: usize>(
    conn: &mut DbConn,
    keys: [&str; N],
    w: &Window,
) -> QueryResult<Vec<Counter>> {
    let query = CountAttempts {
        keys,
        now: w.now,
        cutoff: w.cutoff,
    };
    let rows: Vec<(String, i32, Timestamp)> = crate::per_backend!(conn, |c| query.load(c))?;
    Ok(rows
        .into_iter()
        .map(|(key, attempts, window_start)| Counter {
            key,
            attempts,
            window_start,
        })
        .collect())
}

struct Window {
    now: Timestamp,
    cutoff: Timestamp,
    length: chrono::Duration,
}

impl Window {
    fn new(window: Duration) -> Window {
        let now = Timestamp::now();
        let length = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::minutes(15));
        Window {
            now,
            cutoff: Timestamp::from(now.0 - length),
            length,
        }
    }

    /// 429 when `counter` is over `limit`, with the seconds until its window reopens.
    fn check(&self, counter: &Counter, limit: u32) -> Result<(), ApiError> {
        if counter.attempts as u32 > limit {
            let reopens = counter.window_start.0 + self.length;
            let retry_after_secs = (reopens - self.now.0).num_seconds().max(1) as u64;
            return Err(ApiError::TooManyRequests { retry_after_secs });
        }
        Ok(())
    }
}

/// Counts one attempt against `key` and fails with 429 once more than `limit` attempts fall in the
/// current window.
pub fn count_attempt(
    conn: &mut DbConn,
    key: &str,
    limit: u32,
    window: Duration,
) -> Result<(), ApiError> {
    let w = Window::new(window);
    let counter = count(conn, [key], &w)?
        .pop()
        .ok_or(diesel::result::Error::NotFound)?;
    w.check(&counter, limit)
}

/// Counts a login attempt against the client IP and the account in one statement (one round trip
/// on the hot path of every login), failing with 429 when either is over its limit. Answers how
/// many attempts the account's window holds now, this one included.
pub fn count_login_attempt(
    conn: &mut DbConn,
    (ip_key, ip_limit): (&str, u32),
    (account_key, account_limit): (&str, u32),
    window: Duration,
) -> Result<u32, ApiError> {
    let w = Window::new(window);
    let counters = count(conn, [ip_key, account_key], &w)?;
    let mut account_attempts = 1;
    for counter in &counters {
        let limit = if counter.key == ip_key {
            ip_limit
        } else {
            account_attempts = u32::try_from(counter.attempts).unwrap_or(u32::MAX);
            account_limit
        };
        w.check(counter, limit)?;
    }
    Ok(account_attempts)
}

/// Clears a key's counter: no attempts, in a window that starts now. The row stays (an update in
/// place, where a delete would have the next attempt insert it and its index entry again), and is
/// committed lightly like every throttle write. A statement type of its own for the same reason
/// as [`CountAttempts`].
struct ResetCounter<'a> {
    key: &'a str,
    now: Timestamp,
}

crate::prepared_statement!(fixed ResetCounter, |this, out| {
    out.push_sql("UPDATE login_throttle SET attempts = 0, window_start = ");
    out.push_bind_param::<Ts, _>(&this.now)?;
    out.push_sql(" WHERE key = ");
    out.push_bind_param::<Text, str>(this.key)?;
    out.push_sql(" AND ");
    light_commit(&mut out);
    Ok(())
});

/// Writes the backend's [`Dialect::LIGHT_COMMIT`] condition.
fn light_commit<DB: Dialect>(out: &mut AstPass<'_, '_, DB>) {
    out.push_sql(DB::LIGHT_COMMIT);
}

/// Clears an account's counter after a successful login.
pub fn reset(conn: &mut DbConn, key: &str) -> QueryResult<usize> {
    let query = ResetCounter {
        key,
        now: Timestamp::now(),
    };
    crate::per_backend!(conn, |c| query.execute(c))
}
