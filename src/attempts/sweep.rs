//! The background sweep that closes and grades attempts left open past their deadline, so an
//! abandoned attempt counts with its saved answers even when nobody opens it again. Safe to run on
//! every instance: closing is conditional on the attempt still being open. It also issues the
//! certificates held back while a review policy hid a result (see `learning::visibility`).

use std::time::Duration;

use tokio::sync::watch;

use crate::db::{self, Pool};
use crate::state::Ctx;

pub async fn run(pool: Pool, ctx: Ctx, every: Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        let sweep = ctx.clone();
        match db::transaction(&pool, move |conn| super::store::sweep_expired(conn, &sweep)).await {
            Ok(n) if n > 0 => tracing::info!(closed = n, "closed attempts past their deadline"),
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "attempt sweep failed"),
        }
        let held = ctx.clone();
        match db::transaction(&pool, move |conn| {
            crate::learning::progress::issue_held_certificates(conn, &held, 200)
        })
        .await
        {
            Ok(n) if n > 0 => {
                tracing::info!(issued = n, "certificates issued once results were revealed")
            }
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "held certificate sweep failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            break;
        }
    }
}
