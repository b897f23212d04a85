//! Scheduled jobs: a loop beside the HTTP server that wakes every `CARAVAN_DIGEST_INTERVAL_SECS`
//! and runs the jobs that are due. Each job run is claimed by inserting a `job_runs(job, period)`
//! row in the transaction that does the work, so any number of instances can run the scheduler and
//! exactly one of them does each period's work (the others hit the primary key and move on).

pub mod digest;
pub mod digest_email;

use std::time::Duration;

use diesel::prelude::*;
use tokio::sync::watch;

use crate::db::sql_types::Timestamp;
use crate::db::{self, DbConn, Pool};
use crate::error::{ApiError, ApiResult};
use crate::schema::job_runs;

/// Runs the scheduler until `shutdown` turns true. The first run comes one interval after start,
/// so a restart never races the instance it replaces for the same work.
pub async fn run(
    pool: Pool,
    public_url: String,
    every: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            break;
        }
        let now = Timestamp::now();
        let period = digest::iso_week(now);
        let base = public_url.clone();
        let claimed = period.clone();
        let outcome = db::transaction(&pool, move |conn| {
            if !claim(conn, digest::JOB, &claimed, now)? {
                return Ok(None);
            }
            digest::queue_weekly(conn, &base, now).map(Some)
        })
        .await;
        match outcome {
            Ok(Some(sent)) => tracing::info!(%period, emails = sent, "weekly digest queued"),
            Ok(None) | Err(ApiError::Conflict { .. }) => {
                tracing::debug!(%period, "weekly digest already done")
            }
            Err(e) => {
                tracing::warn!(%period, error = %e, "weekly digest failed; retrying at the next wake-up")
            }
        }
    }
}

/// Claims `job` for `period`: true when this transaction inserted its `job_runs` row, false when
/// another run (on this or another instance) already did. On PostgreSQL the losing insert aborts
/// the transaction, so a lost claim is reported as an error that rolls back; see [`run`].
pub fn claim(conn: &mut DbConn, job: &str, period: &str, now: Timestamp) -> ApiResult<bool> {
    use diesel::result::{DatabaseErrorKind, Error};
    let already: i64 = job_runs::table
        .filter(job_runs::job.eq(job))
        .filter(job_runs::period.eq(period))
        .count()
        .get_result(conn)?;
    if already > 0 {
        return Ok(false);
    }
    match diesel::insert_into(job_runs::table)
        .values((
            job_runs::job.eq(job),
            job_runs::period.eq(period),
            job_runs::ran_at.eq(now),
        ))
        .execute(conn)
    {
        Ok(_) => Ok(true),
        // Someone else inserted it between our read and our write: their run does the work. The
        // error rolls this transaction back (PostgreSQL would refuse to go on with it anyway).
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Err(
            ApiError::conflict("job_already_ran", format!("{job} {period} already ran")),
        ),
        Err(e) => Err(e.into()),
    }
}
