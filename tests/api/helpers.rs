//! The test harness: `spawn_app()` runs the real application on a random port against a fresh
//! database (a temp SQLite file, or a new PostgreSQL database when `TEST_DATABASE_URL` is set), with
//! typed helpers for the requests most tests make.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use caravan::config::{MailTransport, Secret, Settings};
use caravan::db::{DbConn, Pool};
use caravan::startup::Application;
use diesel::prelude::*;
use mailin_embedded::{response, Response};
use serde_json::{json, Value};

pub const PASSWORD: &str = "violet-harbour-lantern-42";
pub const JWT_SECRET: &str = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
/// Base64 of the 32-byte Ed25519 seed test apps sign certificates with.
pub const CERTIFICATE_KEY: &str = "Y2FyYXZhbi10ZXN0LWNlcnRpZmljYXRlLWtleS0zMiE=";

pub struct TestApp {
    pub address: String,
    /// `http://127.0.0.1:PORT` of the separate metrics listener, when the settings ask for one.
    pub metrics_address: Option<String>,
    pub client: reqwest::Client,
    pub pool: Pool,
    pub mail_dir: PathBuf,
    pub database_url: String,
    _dir: tempfile::TempDir,
}

/// Settings for a test app; `customize` may change them before the app is built.
pub fn test_settings(dir: &std::path::Path, database_url: String) -> Settings {
    Settings {
        database_url,
        bind: "127.0.0.1:0".into(),
        metrics_bind: None,
        public_url: "http://caravan.test".into(),
        production: false,
        jwt_secret: Secret(JWT_SECRET.into()),
        jwt_previous_secrets: Vec::new(),
        jwt_issuer: "caravan".into(),
        jwt_audience: "caravan-api".into(),
        access_token_ttl: Duration::from_secs(900),
        refresh_token_ttl: Duration::from_secs(3600),
        mail_transport: MailTransport::File(dir.join("mail")),
        mail_from: "Caravan <no-reply@caravan.test>".into(),
        mail_poll_interval: Duration::from_millis(50),
        mail_retry_base: Duration::from_millis(100),
        web_dir: None,
        courses_dir: dir.join("courses"),
        cors_origins: vec!["https://app.caravan.test".into()],
        json_limit: 1024 * 1024,
        import_limit: 4 * 1024 * 1024,
        db_pool_size: 8,
        db_pool_timeout: Duration::from_millis(1500),
        login_limit_per_account: 10,
        login_limit_per_ip: 1000,
        login_window: Duration::from_secs(900),
        trust_forwarded_for: false,
        import_courses_on_empty: false,
        certificate_key: Secret(CERTIFICATE_KEY.into()),
        digest_interval: Duration::from_secs(3600),
    }
}

/// A fresh database URL: a new PostgreSQL database under `TEST_DATABASE_URL`, else a SQLite file.
/// An unreachable PostgreSQL fails the test loudly; it is never skipped.
pub fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => new_postgres_database(&base),
        _ => format!("sqlite://{}", dir.join("caravan.db").display()),
    }
}

/// `url` with `sslmode=disable` unless it names a mode. The test server is on loopback and needs
/// no TLS; with it, libpq's OpenSSL state is torn down by exit handlers while pool threads still
/// hold TLS connections, which can corrupt the heap as a test process exits after every test
/// passed (`free(): invalid size`, SIGABRT).
pub fn without_tls(url: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("the PostgreSQL URL is a URL");
    if !parsed.query_pairs().any(|(k, _)| k == "sslmode") {
        parsed.query_pairs_mut().append_pair("sslmode", "disable");
    }
    parsed.to_string()
}

/// Creates a database named `caravan_test_*` (CI drops those) on the server of `admin_url` and
/// returns its URL. An unreachable PostgreSQL fails the test loudly.
pub fn new_postgres_database(admin_url: &str) -> String {
    let admin_url = &without_tls(admin_url);
    let mut admin = PgConnection::establish(admin_url).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL at {admin_url} is not reachable (TEST_DATABASE_URL names the server): {e}"
        )
    });
    let name = format!("caravan_test_{}", uuid::Uuid::now_v7().simple());
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .expect("create test database");
    let mut url = url::Url::parse(admin_url).expect("the PostgreSQL URL is a URL");
    url.set_path(&name);
    url.to_string()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(customize: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let database_url = fresh_database(dir.path());
    spawn_on(dir, database_url, customize).await
}

impl TestApp {
    /// A second app on this app's database, started as an upgraded instance starts: migrating and
    /// running what is pending in the database first. Both keep serving.
    pub async fn start_again(&self) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        spawn_on(dir, self.database_url.clone(), |_| {}).await
    }
}

async fn spawn_on(
    dir: tempfile::TempDir,
    database_url: String,
    customize: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = test_settings(dir.path(), database_url.clone());
    customize(&mut settings);
    let mail_dir = match &settings.mail_transport {
        MailTransport::File(d) => d.clone(),
        MailTransport::Smtp(_) => dir.path().join("mail"),
    };
    let app = Application::build(settings)
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app.metrics_port().map(|p| format!("http://127.0.0.1:{p}"));
    let pool = app.pool();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        metrics_address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // Shorter than the server's 5 s keep-alive, so the client never reuses a connection
            // the server is closing at that moment.
            .pool_idle_timeout(Duration::from_secs(2))
            .build()
            .expect("client"),
        pool,
        mail_dir,
        database_url,
        _dir: dir,
    }
}

/// A response read once: status, headers and JSON body (Null when the body is not JSON).
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub async fn from(res: reqwest::Response) -> Reply {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        Reply {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json error with `status` and `code`.
    #[track_caller]
    pub fn assert_status(&self, status: u16) {
        assert_eq!(self.status, status, "{}", self.body);
    }

    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "errors are problem+json; body: {}",
            self.body
        );
        assert_eq!(self.body["code"], code, "body: {}", self.body);
        assert_eq!(self.body["status"], status);
    }
}

/// Requests by path to a running Caravan: a test app in this process or a `caravan` process.
/// Paths outside `/api/`, the probes, `/metrics` and `/docs` are under `/api/v1`.
#[allow(async_fn_in_trait)] // only these tests implement and call it
pub trait Api {
    /// `http://127.0.0.1:PORT` of the server.
    fn address(&self) -> &str;
    fn client(&self) -> &reqwest::Client;

    fn url(&self, path: &str) -> String {
        if path.starts_with('/')
            && !path.starts_with("/api/")
            && !path.starts_with("/healthz")
            && !path.starts_with("/readyz")
            && !path.starts_with("/metrics")
            && !path.starts_with("/docs")
        {
            format!("{}/api/v1{}", self.address(), path)
        } else {
            format!("{}{}", self.address(), path)
        }
    }

    async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        send(self.client().request(method, self.url(path)), token, body).await
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(reqwest::Method::PATCH, path, token, Some(body))
            .await
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(reqwest::Method::GET, path, token, None).await
    }

    async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(reqwest::Method::DELETE, path, token, None)
            .await
    }
}

impl Api for TestApp {
    fn address(&self) -> &str {
        &self.address
    }

    fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl TestApp {
    /// Sends a raw body with a content type (for malformed JSON and CSV).
    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Reply {
        let mut req = self
            .client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Reply::from(req.send().await.expect("request sent")).await
    }

    pub async fn register(&self, email: &str, name: &str) -> Reply {
        self.post(
            "/auth/register",
            None,
            json!({"email": email, "password": PASSWORD, "display_name": name}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.post(
            "/auth/login",
            None,
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// Registers and logs in; returns (access token, user id).
    pub async fn user(&self, email: &str) -> (String, String) {
        let r = self
            .register(email, email.split('@').next().unwrap_or("Trainee"))
            .await;
        assert_eq!(r.status, 201, "register {email}: {}", r.body);
        let l = self.login(email, PASSWORD).await;
        assert_eq!(l.status, 200, "login {email}: {}", l.body);
        (
            l.body["access_token"].as_str().expect("token").to_owned(),
            l.body["user"]["id"].as_str().expect("id").to_owned(),
        )
    }

    /// A platform admin created the way an operator does (`caravan admin create`), logged in.
    pub async fn platform_admin(&self) -> String {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            caravan::admin::create_platform_admin(&pool, "root@caravan.test", PASSWORD, "Root")
                .expect("admin created")
        })
        .await
        .expect("join");
        let l = self.login("root@caravan.test", PASSWORD).await;
        assert_eq!(l.status, 200, "{}", l.body);
        l.body["access_token"].as_str().expect("token").to_owned()
    }

    /// Creates an organization with an org admin; returns (org id, org admin token).
    pub async fn org_with_admin(&self, root: &str, slug: &str) -> (String, String) {
        let org = self
            .post("/orgs", Some(root), json!({"name": format!("College {slug}"), "slug": slug, "kind": "vocational_college"}))
            .await;
        assert_eq!(org.status, 201, "{}", org.body);
        let org_id = org.body["id"].as_str().expect("org id").to_owned();
        let email = format!("admin@{slug}.test");
        let (token, _) = self.user(&email).await;
        let add = self
            .add_member(
                &format!("/orgs/{org_id}/members"),
                Some(root),
                json!({"email": email, "role": "org_admin"}),
            )
            .await;
        assert_eq!(add.status, 201, "{}", add.body);
        (org_id, token)
    }

    /// Adds a registered person to an organization the only way there is: the admin invites
    /// (`path` and `body` as for `POST /orgs/{org_id}/members`), and the person, with their email
    /// verified, accepts at `/me/invitations`. Returns the invitation reply (201 when it worked;
    /// any other reply is returned as it is, with nothing accepted).
    pub async fn add_member(&self, path: &str, admin: Option<&str>, body: Value) -> Reply {
        let invited = self.post(path, admin, body.clone()).await;
        if invited.status != 201 {
            return invited;
        }
        let email = body["email"].as_str().expect("email").to_owned();
        self.verify_email_of(&email).await;
        let login = self.login(&email, PASSWORD).await;
        assert_eq!(login.status, 200, "login {email}: {}", login.body);
        let token = login.body["access_token"]
            .as_str()
            .expect("token")
            .to_owned();
        let id = invited.body["invitation"]["id"]
            .as_str()
            .expect("invitation id");
        let accepted = self
            .post(
                &format!("/me/invitations/{id}/accept"),
                Some(&token),
                json!({}),
            )
            .await;
        assert_eq!(accepted.status, 200, "accept {email}: {}", accepted.body);
        invited
    }

    /// Marks `email` verified, as following the emailed link would.
    pub async fn verify_email_of(&self, email: &str) {
        let email = email.to_owned();
        self.db(move |c| {
            use caravan::schema::users;
            diesel::update(users::table.filter(users::email.eq(email)))
                .set(users::email_verified_at.eq(caravan::db::sql_types::Timestamp::now()))
                .execute(c)
                .expect("verified")
        })
        .await;
    }

    /// Runs a query against the app's database.
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut DbConn) -> T + Send + 'static,
    ) -> T {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || f(&mut pool.get().expect("db connection")))
            .await
            .expect("join")
    }

    pub async fn count(&self, table: &'static str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        self.db(move |c| {
            caravan::per_backend!(c, |c| diesel::sql_query(format!(
                "SELECT COUNT(*) AS n FROM {table}"
            ))
            .get_result::<Count>(c)
            .expect("count")
            .n)
        })
        .await
    }

    /// Every email written by the file transport, oldest first, as decoded text.
    pub fn emails(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(&self.mail_dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|raw| decode_quoted_printable(&raw))
            .collect()
    }

    /// Waits for the outbox worker to deliver an email to `to` whose text contains `needle`.
    pub async fn wait_for_email(&self, to: &str, needle: &str) -> String {
        self.wait_for_emails(to, needle, 1).await.remove(0)
    }

    /// Waits until `count` emails to `to` containing `needle` have been delivered; returns them
    /// all, oldest first.
    pub async fn wait_for_emails(&self, to: &str, needle: &str, count: usize) -> Vec<String> {
        for _ in 0..200 {
            let found: Vec<String> = self
                .emails()
                .into_iter()
                .filter(|m| m.contains(&format!("To: {to}")) && m.contains(needle))
                .collect();
            if found.len() >= count {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "fewer than {count} emails to {to} containing {needle:?}; have: {:?}",
            self.emails()
        );
    }
}

/// Sends `req` with a bearer `token` and a JSON `body`, when given, and reads the reply.
pub async fn send(
    mut req: reqwest::RequestBuilder,
    token: Option<&str>,
    body: Option<Value>,
) -> Reply {
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    Reply::from(req.send().await.expect("request sent")).await
}

/// A real SMTP server (mailin-embedded) keeping the decoded text of every message it accepts.
#[derive(Clone, Default)]
pub struct SmtpInbox {
    messages: Arc<Mutex<Vec<String>>>,
    current: Vec<u8>,
}

impl SmtpInbox {
    /// Serves SMTP on `listener` from a thread for the rest of the test process; returns the
    /// messages it will have accepted.
    pub fn serve(listener: std::net::TcpListener) -> Arc<Mutex<Vec<String>>> {
        let inbox = SmtpInbox::default();
        let messages = inbox.messages.clone();
        std::thread::spawn(move || {
            let mut server = mailin_embedded::Server::new(inbox);
            server
                .with_name("smtp.caravan.test")
                .with_tcp_listener(listener);
            let _ = server.serve();
        });
        messages
    }
}

impl mailin_embedded::Handler for SmtpInbox {
    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.current.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let text = String::from_utf8_lossy(&self.current).into_owned();
        self.messages
            .lock()
            .unwrap()
            .push(decode_quoted_printable(&text));
        response::OK
    }
}

/// Undoes the quoted-printable soft line breaks and `=3D` escapes lettre uses for long lines.
pub fn decode_quoted_printable(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The `token=` value of the first link in an email.
pub fn token_in(email: &str) -> String {
    let start = email.find("token=").expect("email has a token link") + "token=".len();
    email[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}
