//! Capturing the SQL the app issues: installed as diesel's default instrumentation, every
//! connection the app opens records the thread and the text of each query it starts (SQL, then
//! `-- binds: [...]`) while [`CAPTURE`] is on.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::thread::ThreadId;

use diesel::connection::{set_default_instrumentation, Instrumentation, InstrumentationEvent};

/// Whether queries are being recorded.
pub static CAPTURE: AtomicBool = AtomicBool::new(false);
static CAPTURED: Mutex<Vec<(ThreadId, String)>> = Mutex::new(Vec::new());

fn capture_sql() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(|event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            if CAPTURE.load(Ordering::Relaxed) {
                captured().push((std::thread::current().id(), query.to_string()));
            }
        }
    }))
}

/// Installs the capture for every connection opened from now on (before the app starts).
pub fn install() {
    set_default_instrumentation(capture_sql).expect("install the SQL capture");
}

/// The queries recorded so far, with the thread that ran each.
pub fn captured() -> MutexGuard<'static, Vec<(ThreadId, String)>> {
    CAPTURED.lock().unwrap_or_else(|e| e.into_inner())
}
