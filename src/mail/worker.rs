//! Delivers the outbox. Rows are claimed before sending (PostgreSQL: `FOR UPDATE SKIP LOCKED`;
//! SQLite: an immediate transaction), so any number of instances can run a worker without sending
//! a message twice. Connection failures and 4xx replies are retried with exponential backoff;
//! 5xx replies and too many attempts move a message to `dead`.

use std::time::Duration;

use diesel::prelude::*;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{FileTransport, SmtpTransport, Transport as _};
use tokio::sync::watch;

use crate::config::MailTransport;
use crate::db::sql_types::{Id, Timestamp};
use crate::db::{self, DbConn, Pool};
use crate::error::ApiError;
use crate::schema::outbox;

/// How long a claimed message stays reserved for the instance that claimed it.
const CLAIM_LEASE_SECS: i64 = 120;
const MAX_ATTEMPTS: i32 = 12;
const BATCH: i64 = 20;

#[derive(Clone)]
pub enum Transport {
    File(FileTransport),
    Smtp(SmtpTransport),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

/// Why a delivery failed, which decides whether it is tried again.
enum Failure {
    Retry(String),
    Permanent(String),
}

impl Mailer {
    pub fn new(transport: &MailTransport, from: &str) -> anyhow::Result<Self> {
        let transport = match transport {
            MailTransport::File(dir) => {
                std::fs::create_dir_all(dir)?;
                Transport::File(FileTransport::new(dir))
            }
            MailTransport::Smtp(url) => Transport::Smtp(
                SmtpTransport::from_url(url)?
                    .timeout(Some(Duration::from_secs(10)))
                    .build(),
            ),
        };
        Ok(Self {
            transport,
            from: from.parse()?,
        })
    }

    fn send(&self, row: &OutboxRow) -> Result<(), Failure> {
        let to: Mailbox = row
            .to_address
            .parse()
            .map_err(|e| Failure::Permanent(format!("bad recipient: {e}")))?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&row.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(row.text_body.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(row.html_body.clone()),
                    ),
            )
            .map_err(|e| Failure::Permanent(format!("cannot build message: {e}")))?;
        match &self.transport {
            Transport::File(t) => t
                .send(&message)
                .map(|_| ())
                .map_err(|e| Failure::Retry(e.to_string())),
            Transport::Smtp(t) => t.send(&message).map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    Failure::Permanent(e.to_string())
                } else {
                    Failure::Retry(e.to_string())
                }
            }),
        }
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: Id,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub attempts: i32,
}

/// Reserves up to `BATCH` due messages for this worker: marks them leased in one transaction,
/// then reads them. The query is written once; PostgreSQL adds `FOR UPDATE SKIP LOCKED` so
/// workers on several instances take different rows, SQLite needs nothing more, since its
/// `BEGIN IMMEDIATE` lets one writer in at a time.
fn claim(conn: &mut DbConn) -> QueryResult<Vec<OutboxRow>> {
    let now = Timestamp::now();
    let lease = now.plus(chrono::Duration::seconds(CLAIM_LEASE_SECS));
    let due = outbox::table
        .filter(outbox::status.eq("pending"))
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::locked_until
                .is_null()
                .or(outbox::locked_until.lt(now)),
        )
        .order(outbox::next_attempt_at)
        .limit(BATCH)
        .select(outbox::id);
    let ids: Vec<Id> = db::in_transaction(conn, |conn| {
        let ids: Vec<Id> = match conn {
            DbConn::Pg(c) => due.for_update().skip_locked().load(c)?,
            DbConn::Sqlite(c) => due.load(c)?,
        };
        diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
            .set(outbox::locked_until.eq(lease))
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(ids)
    })?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    outbox::table
        .filter(outbox::id.eq_any(&ids))
        .select(OutboxRow::as_select())
        .load(conn)
}

fn record_sent(conn: &mut DbConn, id: Id, attempts: i32) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq("sent"),
            outbox::sent_at.eq(Timestamp::now()),
            outbox::attempts.eq(attempts + 1),
            outbox::locked_until.eq(None::<Timestamp>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
}

fn record_failure(
    conn: &mut DbConn,
    id: Id,
    attempts: i32,
    error: &str,
    permanent: bool,
    base: Duration,
) -> QueryResult<usize> {
    let attempts = attempts + 1;
    let dead = permanent || attempts >= MAX_ATTEMPTS;
    // Exponential backoff capped at an hour: base, 2*base, 4*base ...
    let backoff = base
        .saturating_mul(1u32 << (attempts - 1).clamp(0, 16) as u32)
        .min(Duration::from_secs(3600));
    let next = Timestamp::now()
        .plus(chrono::Duration::from_std(backoff).unwrap_or(chrono::Duration::hours(1)));
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(if dead { "dead" } else { "pending" }),
            outbox::attempts.eq(attempts),
            outbox::next_attempt_at.eq(next),
            outbox::locked_until.eq(None::<Timestamp>),
            outbox::last_error.eq(Some(error.chars().take(2000).collect::<String>())),
        ))
        .execute(conn)
}

/// Claims and sends one batch; returns how many messages were attempted.
pub async fn deliver_due(
    pool: &Pool,
    mailer: &Mailer,
    retry_base: Duration,
) -> Result<usize, ApiError> {
    let batch = db::run(pool, |c| Ok(claim(c)?)).await?;
    let n = batch.len();
    for row in batch {
        let m = mailer.clone();
        let (row, outcome) = actix_web::web::block(move || {
            let outcome = m.send(&row);
            (row, outcome)
        })
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("mail task failed: {e}")))?;
        let (id, attempts) = (row.id, row.attempts);
        match outcome {
            Ok(()) => {
                tracing::info!(outbox_id = %id, "email sent");
                db::run(pool, move |c| Ok(record_sent(c, id, attempts)?)).await?;
            }
            Err(failure) => {
                let (error, permanent) = match failure {
                    Failure::Retry(e) => (e, false),
                    Failure::Permanent(e) => (e, true),
                };
                tracing::warn!(outbox_id = %id, %error, permanent, "email delivery failed");
                db::run(pool, move |c| {
                    Ok(record_failure(
                        c, id, attempts, &error, permanent, retry_base,
                    )?)
                })
                .await?;
            }
        }
    }
    Ok(n)
}

/// Runs until `shutdown` turns true, finishing the batch in hand before it returns.
pub async fn run(
    pool: Pool,
    mailer: Mailer,
    poll: Duration,
    retry_base: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        match deliver_due(&pool, &mailer, retry_base).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "outbox poll failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            break;
        }
    }
}
