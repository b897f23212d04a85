//! Structured logging: JSON lines on stdout (or readable text with `CARAVAN_LOG_FORMAT=pretty`),
//! filtered by `RUST_LOG` (default `info`). Each request runs in a span carrying its request id,
//! which is also returned to the client as `x-request-id`.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let pretty = std::env::var("CARAVAN_LOG_FORMAT").is_ok_and(|v| v == "pretty");
    // try_init: tests build several apps in one process and only the first installs the subscriber.
    let result = if pretty {
        fmt().with_env_filter(filter).try_init()
    } else {
        fmt()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_env_filter(filter)
            .try_init()
    };
    let _ = result;
}
