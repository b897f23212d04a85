//! Set-up shared by the benchmarks: settings for an app under load (no login throttling, quiet
//! mail worker), a database of the bench's own on the PostgreSQL server `BENCH_DATABASE_URL` names,
//! the bench's database choice, a JSON POST helper, and latency percentiles. Included by each bench with `#[path = "support/mod.rs"] mod support;`.
#![allow(dead_code)]

pub mod capture;
pub mod measure;
pub mod quiz_course;

use std::time::Duration;

/// The server binary's allocator (see `src/main.rs`), so a bench measures the server as shipped.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use caravan::config::{MailTransport, Secret, Settings};
use diesel::connection::SimpleConnection;
use diesel::Connection;

/// Settings for a bench app on `database_url`, writing mail under `dir`.
pub fn settings(dir: &std::path::Path, database_url: String) -> Settings {
    Settings {
        database_url,
        bind: "127.0.0.1:0".into(),
        metrics_bind: None,
        public_url: "http://bench.invalid".into(),
        production: false,
        jwt_secret: Secret("bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz".into()),
        jwt_previous_secrets: Vec::new(),
        jwt_issuer: "caravan".into(),
        jwt_audience: "caravan-api".into(),
        access_token_ttl: Duration::from_secs(900),
        refresh_token_ttl: Duration::from_secs(3600),
        mail_transport: MailTransport::File(dir.join("mail")),
        mail_from: "Caravan <bench@caravan.test>".into(),
        mail_poll_interval: Duration::from_millis(500),
        mail_retry_base: Duration::from_secs(1),
        web_dir: None,
        courses_dir: dir.join("courses"),
        cors_origins: Vec::new(),
        json_limit: 1 << 20,
        import_limit: 1 << 22,
        db_pool_size: 16,
        db_pool_timeout: Duration::from_secs(5),
        login_limit_per_account: u32::MAX,
        login_limit_per_ip: u32::MAX,
        login_window: Duration::from_secs(900),
        trust_forwarded_for: false,
        import_courses_on_empty: false,
        certificate_key: Secret("Y2FyYXZhbi10ZXN0LWNlcnRpZmljYXRlLWtleS0zMiE=".into()),
        digest_interval: Duration::from_secs(3600),
    }
}

/// An environment variable parsed as `T`, or `default`.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The bench's own database on the server `BENCH_DATABASE_URL` names; dropped when this goes.
pub struct PgDatabase {
    pub admin_url: String,
    pub name: String,
}

impl PgDatabase {
    pub fn create(admin_url: &str) -> (PgDatabase, String) {
        let name = format!("caravan_bench_{}", uuid::Uuid::now_v7().simple());
        let mut admin = diesel::PgConnection::establish(admin_url).expect("connect to PostgreSQL");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create the bench database");
        let mut url = url::Url::parse(admin_url).expect("BENCH_DATABASE_URL is a URL");
        url.set_path(&format!("/{name}"));
        (
            PgDatabase {
                admin_url: admin_url.to_owned(),
                name,
            },
            url.to_string(),
        )
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let dropped = diesel::PgConnection::establish(&self.admin_url)
            .map_err(|e| e.to_string())
            .and_then(|mut c| {
                c.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                    self.name
                ))
                .map_err(|e| e.to_string())
            });
        match dropped {
            Ok(()) => println!("dropped database {}", self.name),
            Err(e) => println!("could not drop database {}: {e}", self.name),
        }
    }
}

/// The database a bench runs on: its own PostgreSQL database when `BENCH_DATABASE_URL` is set
/// (dropped with the returned guard), otherwise a SQLite file under `dir`.
pub fn bench_database(dir: &std::path::Path) -> (Option<PgDatabase>, String) {
    match std::env::var("BENCH_DATABASE_URL") {
        Ok(admin) => {
            let (db, url) = PgDatabase::create(&admin);
            (Some(db), url)
        }
        Err(_) => (None, format!("sqlite://{}", dir.join("bench.db").display())),
    }
}

/// POSTs `body` as JSON, with a bearer token if given; the status and the JSON body (null if none).
pub async fn post(
    client: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let mut req = client.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

/// Logs `email` in with `password`; its access token and user id.
pub async fn login(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> (String, String) {
    let (status, body) = post(
        client,
        format!("{base}/api/v1/auth/login"),
        None,
        serde_json::json!({"email": email, "password": password}),
    )
    .await;
    assert_eq!(status, 200, "login {email}: {body}");
    (
        body["access_token"].as_str().expect("token").to_owned(),
        body["user"]["id"].as_str().expect("user id").to_owned(),
    )
}

/// Registers `email` with `password`, logs them in and enrolls them in `course`; their access
/// token and user id.
pub async fn enrolled_student(
    client: &reqwest::Client,
    base: &str,
    course: &str,
    email: &str,
    password: &str,
) -> (String, String) {
    let (status, body) = post(
        client,
        format!("{base}/api/v1/auth/register"),
        None,
        serde_json::json!({"email": email, "password": password, "display_name": email}),
    )
    .await;
    assert_eq!(status, 201, "register {email}: {body}");
    let (token, user_id) = login(client, base, email, password).await;
    let (status, body) = post(
        client,
        format!("{base}/api/v1/courses/{course}/enroll"),
        Some(&token),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(status, 201, "enroll {email}: {body}");
    (token, user_id)
}

/// Waits until the mail worker has delivered every mail the set-up queued (one per registration),
/// so that its work is not counted in the measured runs.
pub async fn mail_delivered(db: &caravan::db::Pool) {
    use caravan::schema::outbox;
    use diesel::prelude::*;
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let db = db.clone();
        let pending: i64 = tokio::task::spawn_blocking(move || {
            let mut conn = db.get().expect("connection");
            outbox::table
                .filter(outbox::status.eq("pending"))
                .count()
                .get_result::<i64>(&mut **conn)
                .expect("count pending mail")
        })
        .await
        .expect("join");
        if pending == 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{pending} mails still pending after 2 minutes"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The `p` quantile (0..=1) of sorted latencies.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}
