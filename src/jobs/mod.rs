//! Scheduled jobs: a loop beside the HTTP server that wakes every `CARAVAN_DIGEST_INTERVAL_SECS`
//! and runs the jobs that are due. Each job run is claimed by inserting a `job_runs(job, period)`
//! row in the transaction that does the work, so any number of instances can run the scheduler and
//! exactly one of them does each period's work (the others find the row taken and move on).

pub mod digest;
pub mod digest_email;

use std::time::Duration;

use diesel::prelude::*;
use tokio::sync::watch;

use crate::db::sql_types::Timestamp;
use crate::db::{self, DbConn, Pool};
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
            Ok(None) => tracing::debug!(%period, "weekly digest already done"),
            Err(e) => {
                tracing::warn!(%period, error = %e, "weekly digest failed; retrying at the next wake-up")
            }
        }
    }
}

/// Claims `job` for `period`: true when this transaction inserted its `job_runs` row, false when
/// another run (on this or another instance) already did. `ON CONFLICT DO NOTHING` waits for a
/// concurrent claim to commit or roll back and then inserts nothing, so a lost race is a plain
/// false, not an error, and the transaction stays usable on PostgreSQL.
pub fn claim(conn: &mut DbConn, job: &str, period: &str, now: Timestamp) -> QueryResult<bool> {
    let row = (
        job_runs::job.eq(job),
        job_runs::period.eq(period),
        job_runs::ran_at.eq(now),
    );
    let inserted = crate::per_backend!(conn, |c| diesel::insert_into(job_runs::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}
