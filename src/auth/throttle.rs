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
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    attempts: i32,
    #[diesel(sql_type = Ts)]
    window_start: Timestamp,
}

/// `{rows}` is one `(#k, #now, 1)` per key; `#now` and `#cutoff` name the last two binds.
const UPSERT: &str = "INSERT INTO login_throttle (key, window_start, attempts) VALUES {rows} \
     ON CONFLICT (key) DO UPDATE SET \
       attempts = CASE WHEN login_throttle.window_start < #cutoff THEN 1 ELSE login_throttle.attempts + 1 END, \
       window_start = CASE WHEN login_throttle.window_start < #cutoff THEN #now ELSE login_throttle.window_start END \
     RETURNING key, attempts, window_start";

fn upsert_sql(conn: &DbConn, keys: usize) -> String {
    let rows: Vec<String> = (1..=keys).map(|k| format!("(#{k}, #now, 1)")).collect();
    let sql = UPSERT
        .replace("{rows}", &rows.join(", "))
        .replace("#now", &format!("#{}", keys + 1))
        .replace("#cutoff", &format!("#{}", keys + 2));
    crate::db::dialect(conn, &sql)
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
    let sql = upsert_sql(conn, 1);
    let counter: Counter = crate::per_backend!(conn, |c| {
        diesel::sql_query(&sql)
            .bind::<Text, _>(key)
            .bind::<Ts, _>(w.now)
            .bind::<Ts, _>(w.cutoff)
            .get_result(c)
    })?;
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
    let sql = upsert_sql(conn, 2);
    let counters: Vec<Counter> = crate::per_backend!(conn, |c| {
        diesel::sql_query(&sql)
            .bind::<Text, _>(ip_key)
            .bind::<Text, _>(account_key)
            .bind::<Ts, _>(w.now)
            .bind::<Ts, _>(w.cutoff)
            .load(c)
    })?;
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

/// Clears an account's counter after a successful login.
pub fn reset(conn: &mut DbConn, key: &str) -> QueryResult<usize> {
    diesel::delete(login_throttle::table.filter(login_throttle::key.eq(key))).execute(conn)
}
