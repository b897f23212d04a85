//! Login throttling per account and per client IP, kept in the database.
//!
//! Each attempt increments its counters in one atomic upsert *before* the password is checked, so
//! parallel requests cannot slip past the limit between a read and a write, and several Caravan
//! instances behind a load balancer share the same counters.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::sql_types::{Timestamp, Ts};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::schema::login_throttle;

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    attempts: i32,
    #[diesel(sql_type = Ts)]
    window_start: Timestamp,
}

const UPSERT: &str = "INSERT INTO login_throttle (key, window_start, attempts) VALUES (#1, #2, 1) \
     ON CONFLICT (key) DO UPDATE SET \
       attempts = CASE WHEN login_throttle.window_start < #3 THEN 1 ELSE login_throttle.attempts + 1 END, \
       window_start = CASE WHEN login_throttle.window_start < #3 THEN #2 ELSE login_throttle.window_start END \
     RETURNING attempts, window_start";

/// Counts one attempt against `key` and fails with 429 once more than `limit` attempts fall in the
/// current window.
pub fn count_attempt(
    conn: &mut DbConn,
    key: &str,
    limit: u32,
    window: Duration,
) -> Result<(), ApiError> {
    let now = Timestamp::now();
    let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::minutes(15));
    let cutoff = Timestamp::from(now.0 - window);
    let sql = crate::db::dialect(conn, UPSERT);
    let counter: Counter = crate::per_backend!(conn, |c| {
        diesel::sql_query(&sql)
            .bind::<Text, _>(key)
            .bind::<Ts, _>(now)
            .bind::<Ts, _>(cutoff)
            .get_result(c)
    })?;
    if counter.attempts as u32 > limit {
        let reopens = counter.window_start.0 + window;
        let retry_after_secs = (reopens - now.0).num_seconds().max(1) as u64;
        return Err(ApiError::TooManyRequests { retry_after_secs });
    }
    Ok(())
}

/// Clears an account's counter after a successful login.
pub fn reset(conn: &mut DbConn, key: &str) -> QueryResult<usize> {
    diesel::delete(login_throttle::table.filter(login_throttle::key.eq(key))).execute(conn)
}
