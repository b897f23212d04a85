//! Email through a real SMTP server on 127.0.0.1: an outage delays mail but never fails a request
//! or loses a message.

use std::net::TcpListener;
use std::time::Duration;

use caravan::config::MailTransport;

use crate::helpers::*;

#[tokio::test]
async fn registration_succeeds_while_smtp_is_down_and_the_email_arrives_once_it_is_back() {
    // Reserve a port, then free it so nothing listens there yet.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_app_with(|s| {
        s.mail_transport = MailTransport::Smtp(format!("smtp://127.0.0.1:{port}"))
    })
    .await;

    let r = app.register("offline@example.com", "Offline").await;
    assert_eq!(r.status, 201, "the request does not wait for SMTP");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let failed_attempts = app.count("outbox").await;
    assert_eq!(failed_attempts, 1);

    let messages = SmtpInbox::serve(TcpListener::bind(("127.0.0.1", port)).unwrap());

    let mut delivered = Vec::new();
    for _ in 0..200 {
        delivered = messages.lock().unwrap().clone();
        if !delivered.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        delivered.len(),
        1,
        "delivered exactly once after the outage"
    );
    assert!(delivered[0].contains("To: offline@example.com"));
    assert!(delivered[0].contains("/verify-email?token="));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(messages.lock().unwrap().len(), 1, "not sent twice");
}
