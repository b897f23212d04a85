//! Transactional email through an outbox.
//!
//! A request that causes an email writes it to the `outbox` table in its own transaction, so a
//! rolled-back request sends nothing and an SMTP outage never fails a request. The [`worker`]
//! delivers pending rows with retries and backoff. Transports: `.eml` files in a folder (default,
//! nothing to set up) or SMTP.

pub mod templates;
pub mod worker;

use diesel::prelude::*;

use crate::db::sql_types::{Id, Timestamp};
use crate::db::DbConn;
use crate::schema::outbox;

/// A rendered message, ready for the outbox.
#[derive(Debug, Clone)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Queues `message`; call inside the transaction of the action that causes it.
pub fn enqueue(conn: &mut DbConn, message: &Message) -> QueryResult<Id> {
    let id = Id::new();
    let now = Timestamp::now();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(id),
            outbox::to_address.eq(&message.to),
            outbox::subject.eq(&message.subject),
            outbox::text_body.eq(&message.text),
            outbox::html_body.eq(&message.html),
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}
