//! The SMTP server both instances send to: a real one on 127.0.0.1 (see `helpers::SmtpInbox`),
//! so a test counts what the instances actually sent.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::cluster::wait_until;
use crate::helpers::SmtpInbox;

pub struct SmtpSink {
    port: u16,
    messages: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    /// Serves on a free port for the rest of the test process.
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("SMTP listener");
        let port = listener.local_addr().expect("SMTP port").port();
        SmtpSink {
            port,
            messages: SmtpInbox::serve(listener),
        }
    }

    /// The `CARAVAN_SMTP_URL` of the sink.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages sent to `to` whose text contains `needle`.
    pub fn received(&self, to: &str, needle: &str) -> Vec<String> {
        let header = format!("To: {to}");
        self.messages
            .lock()
            .expect("messages")
            .iter()
            .filter(|m| m.contains(&header) && m.contains(needle))
            .cloned()
            .collect()
    }

    /// How many messages arrived in all.
    pub fn total(&self) -> usize {
        self.messages.lock().expect("messages").len()
    }

    /// Waits for a message to `to` containing `needle` and returns it.
    pub async fn wait_for(&self, to: &str, needle: &str) -> String {
        wait_until(&format!("an email to {to} containing {needle:?}"), || {
            !self.received(to, needle).is_empty()
        })
        .await;
        self.received(to, needle).remove(0)
    }
}
