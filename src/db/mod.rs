//! Storage: one diesel connection type over PostgreSQL and SQLite, its r2d2 pool, embedded migrations
//! and `run`, which moves every database call off the async workers onto the blocking pool.
//!
//! The backend is chosen at run time by the URL scheme (`postgres://` or `sqlite://`), so one binary
//! serves the embedded default and production. Queries written once against [`DbConn`] run on both;
//! the few statements diesel cannot express for the multi backend (upserts, `RETURNING`,
//! `FOR UPDATE SKIP LOCKED`) use [`per_backend!`].

pub mod batch;
pub mod prepared;
pub mod sql_types;
pub mod status;
pub mod typed_null;

use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::R2D2Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::ApiError;

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// How long after its last successful use a pooled connection is trusted without a ping. Under
/// load every connection is in constant use, so the ping (a round trip per checkout) is skipped;
/// one left idle, as after a database restart, is pinged before it is handed out.
const TRUSTED_AFTER_USE: Duration = Duration::from_millis(500);

/// A pooled connection and what the pool needs to know of it: when it last worked, and whether a
/// request saw it fail (then the pool drops it instead of handing it out again).
pub struct PoolConn {
    conn: DbConn,
    worked_at: Instant,
    failed: bool,
}

impl PoolConn {
    /// Records how work on this connection ended: `error` is the error it ended with, if any.
    pub fn settle(&mut self, error: Option<&ApiError>) {
        match error {
            // The connection may be gone; an internal error may have left it in any state.
            Some(ApiError::Unavailable(_) | ApiError::Internal(_)) => self.failed = true,
            _ => self.worked_at = Instant::now(),
        }
    }
}

impl Deref for PoolConn {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        &self.conn
    }
}

impl DerefMut for PoolConn {
    fn deref_mut(&mut self) -> &mut DbConn {
        &mut self.conn
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConn = r2d2::PooledConnection<ConnectionManager>;

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Declares a tuple of columns as a const, naming each column once:
/// `columns!(pub ROWS = table::a, table::b)`. Selecting such a tuple (rather than a `Selectable`
/// struct's `as_select()`) gives the query a static query id; run on the backend's own connection
/// (`per_backend!`; `DbConn` renders every query's SQL to pass it on), diesel then finds its
/// prepared statement by type instead of building the SQL on every call to look it up by text.
/// For the reads on every student page (measured: a tenth of the CPU of GET /me/progress).
#[macro_export]
macro_rules! columns {
    ($(#[$doc:meta])* $vis:vis $name:ident = $($column:path),+ $(,)?) => {
        $(#[$doc])*
        $vis const $name: ($($column,)+) = ($($column,)+);
    };
}

/// Runs one statement per backend: `per_backend!(conn, |c| expr)` compiles `expr` once with `c` as a
/// `PgConnection` and once as a `SqliteConnection`.
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Pg(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn of_url(url: &str) -> anyhow::Result<Backend> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite://") || url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            anyhow::bail!("DATABASE_URL must start with postgres:// or sqlite://")
        }
    }
}

/// The path SQLite opens for a `sqlite://` URL (`sqlite://caravan.db`, `sqlite:///abs/path.db`).
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

/// Opens connections itself rather than using diesel's stock manager, which dispatches on the URL
/// by trial and hides the real connection error.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: String,
    backend: Backend,
}

impl ConnectionManager {
    pub fn new(url: &str) -> anyhow::Result<Self> {
        Ok(Self {
            url: connection_url(url),
            backend: Backend::of_url(url)?,
        })
    }
}

/// The URL connections are opened with: `url`, except that a PostgreSQL server on this machine
/// (a loopback address or a Unix socket) named without an `sslmode` is reached without TLS.
/// libpq's default (`prefer`) would encrypt every message to a server whose traffic never leaves
/// the host; that costs about a fifth of the CPU of a quiz submit on both sides and protects
/// nothing. An explicit `sslmode` in the URL is always kept.
pub fn connection_url(url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return url.to_owned();
    };
    if !matches!(parsed.scheme(), "postgres" | "postgresql")
        || parsed.query_pairs().any(|(k, _)| k == "sslmode")
    {
        return url.to_owned();
    }
    let host_param = parsed
        .query_pairs()
        .find(|(k, _)| k == "host")
        .map(|(_, v)| v.into_owned());
    let local = match (&host_param, parsed.host()) {
        // `?host=/run/postgresql`: a Unix socket.
        (Some(h), _) => h.starts_with('/'),
        (None, Some(url::Host::Ipv4(ip))) => ip.is_loopback(),
        (None, Some(url::Host::Ipv6(ip))) => ip.is_loopback(),
        // `postgres:` is not a scheme the URL standard knows, so an IPv4 address stays a name.
        (None, Some(url::Host::Domain(name))) => {
            name == "localhost"
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        (None, None) => true,
    };
    if !local {
        return url.to_owned();
    }
    let mut local_url = parsed;
    local_url
        .query_pairs_mut()
        .append_pair("sslmode", "disable");
    local_url.to_string()
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Connection(#[from] diesel::ConnectionError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = PoolConn;
    type Error = ConnectError;

    fn connect(&self) -> Result<PoolConn, ConnectError> {
        let conn = match self.backend {
            Backend::Postgres => DbConn::Pg(diesel::PgConnection::establish(&self.url)?),
            Backend::Sqlite => {
                let mut conn = diesel::SqliteConnection::establish(sqlite_path(&self.url))?;
                // WAL lets readers proceed during a write; busy_timeout makes writers queue instead
                // of failing with SQLITE_BUSY under parallel requests.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )?;
                DbConn::Sqlite(conn)
            }
        };
        Ok(PoolConn {
            conn,
            worked_at: Instant::now(),
            failed: false,
        })
    }

    fn is_valid(&self, conn: &mut PoolConn) -> Result<(), ConnectError> {
        if conn.worked_at.elapsed() < TRUSTED_AFTER_USE {
            return Ok(());
        }
        conn.conn.ping().map_err(ConnectError::Query)?;
        conn.worked_at = Instant::now();
        Ok(())
    }

    fn has_broken(&self, conn: &mut PoolConn) -> bool {
        conn.failed || conn.conn.is_broken()
    }
}

/// Builds the pool without opening connections up front, so the server starts (and `/readyz`
/// reports the outage) even when PostgreSQL is down.
pub fn build_pool(url: &str, max_size: u32, timeout: Duration) -> anyhow::Result<Pool> {
    let manager = ConnectionManager::new(url)?;
    let max_size = if manager.backend == Backend::Sqlite {
        // One writer at a time is all SQLite does; a few connections serve concurrent reads.
        max_size.min(8)
    } else {
        max_size
    };
    Ok(r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        .connection_timeout(timeout)
        .test_on_check_out(true)
        .build_unchecked(manager))
}

/// Applies pending migrations for whichever backend `conn` is.
pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConn::Pg(c) => c.run_pending_migrations(PG_MIGRATIONS).map(|v| v.len()),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(applied)
}

/// The advisory-lock key of [`with_startup_lock`] (any fixed number no other lock uses).
const STARTUP_LOCK_KEY: i64 = 0x6361_7261_7661_6e01;

/// Runs `f` holding the startup lock, so instances started together on one PostgreSQL database do
/// their first-start work (migrations, the seed-catalog import) one at a time. Without it two
/// migrators create the same tables at once and one dies (`duplicate key value violates unique
/// constraint "pg_type_typname_nsp_index"`), and two importers both find no course.
///
/// The lock is a session advisory lock on a connection of its own, outside the pool: it never
/// takes a connection `f` may need, and PostgreSQL releases it when that connection closes, even
/// if the process dies holding it. SQLite needs none: its writers already queue on the file lock.
pub fn with_startup_lock<T>(
    database_url: &str,
    f: impl FnOnce() -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    if Backend::of_url(database_url)? != Backend::Postgres {
        return f();
    }
    let mut lock = diesel::PgConnection::establish(database_url)?;
    let advisory = |conn: &mut diesel::PgConnection, call: &str| {
        diesel::sql_query(format!("SELECT {call}($1)"))
            .bind::<diesel::sql_types::BigInt, _>(STARTUP_LOCK_KEY)
            .execute(conn)
    };
    advisory(&mut lock, "pg_advisory_lock")?;
    let outcome = f();
    // Closing the connection would release it too; unlocking says so at once.
    let _ = advisory(&mut lock, "pg_advisory_unlock");
    outcome
}

/// True when every embedded migration has been applied.
pub fn migrations_current(conn: &mut DbConn) -> anyhow::Result<bool> {
    let pending = match conn {
        DbConn::Pg(c) => c.has_pending_migration(PG_MIGRATIONS),
        DbConn::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("cannot read migration state: {e}"))?;
    Ok(!pending)
}

/// Runs `f` with a pooled connection on the blocking thread pool. Pool exhaustion or an unreachable
/// database becomes 503; everything else keeps the error `f` returned.
pub async fn run<T, F>(pool: &Pool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(ApiError::from)?;
        let outcome = f(&mut conn);
        conn.settle(outcome.as_ref().err());
        outcome
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

/// Runs `f` in one transaction on a pooled connection (see [`run`]).
pub async fn transaction<T, F>(pool: &Pool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    run(pool, move |conn| in_transaction(conn, f)).await
}

/// Runs `f` in a transaction that takes SQLite's write lock at `BEGIN IMMEDIATE`.
///
/// A deferred SQLite transaction that reads and then writes fails at once with SQLITE_BUSY when
/// another connection wrote in between (the busy timeout cannot help an upgrade), so under parallel
/// requests every read-then-write transaction would fail at random. PostgreSQL gets a plain `BEGIN`.
pub fn in_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    match conn {
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
    }
    let outcome = f(conn);
    let finish = |conn: &mut DbConn, commit: bool| -> diesel::QueryResult<()> {
        match (conn, commit) {
            (DbConn::Pg(c), true) => AnsiTransactionManager::commit_transaction(c),
            (DbConn::Pg(c), false) => AnsiTransactionManager::rollback_transaction(c),
            (DbConn::Sqlite(c), true) => AnsiTransactionManager::commit_transaction(c),
            (DbConn::Sqlite(c), false) => AnsiTransactionManager::rollback_transaction(c),
        }
    };
    match outcome {
        Ok(value) => match finish(conn, true) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = finish(conn, false);
                Err(e.into())
            }
        },
        Err(e) => {
            finish(conn, false)?;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::connection_url;
    use diesel::{Connection, RunQueryDsl, SqliteConnection};

    /// .cargo/config.toml builds the embedded SQLite without STAT4 (which re-prepares cached
    /// statements on every new bind once ANALYZE has run) and without memory statistics (a global
    /// mutex on every allocation); a build that lost those flags fails here.
    #[test]
    fn the_embedded_sqlite_is_built_for_cached_statements_and_threads() {
        #[derive(diesel::QueryableByName)]
        struct Used {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            stat4: i32,
            #[diesel(sql_type = diesel::sql_types::Integer)]
            memstatus: i32,
        }
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        let used: Used = diesel::sql_query(
            "SELECT sqlite_compileoption_used('ENABLE_STAT4') AS stat4, \
             sqlite_compileoption_used('DEFAULT_MEMSTATUS=0') AS memstatus",
        )
        .get_result(&mut conn)
        .expect("compile options");
        assert_eq!(used.stat4, 0, "SQLite was built with STAT4");
        assert_eq!(used.memstatus, 1, "SQLite was built with memory statistics");
    }

    #[test]
    fn a_server_on_this_machine_is_reached_without_tls_unless_the_url_says_otherwise() {
        assert_eq!(
            connection_url("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
        );
        assert_eq!(
            connection_url("postgresql://u:p@localhost/db?application_name=caravan"),
            "postgresql://u:p@localhost/db?application_name=caravan&sslmode=disable"
        );
        assert_eq!(
            connection_url("postgres://u@[::1]/db"),
            "postgres://u@[::1]/db?sslmode=disable"
        );
        assert_eq!(
            connection_url("postgres:///db?host=/run/postgresql"),
            "postgres:///db?host=/run/postgresql&sslmode=disable"
        );
        // Kept as given: another host, an explicit sslmode, SQLite.
        for kept in [
            "postgres://u@db.internal:5432/caravan",
            "postgres://u@10.0.0.5/caravan",
            "postgres://u@127.0.0.1/caravan?sslmode=require",
            "sqlite://caravan.db",
        ] {
            assert_eq!(connection_url(kept), kept);
        }
    }
}
