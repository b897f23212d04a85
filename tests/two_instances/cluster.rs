//! Two real `caravan` processes (the built binary) on one fresh PostgreSQL database, each on its
//! own free port with its own log file, sending mail to one SMTP sink. The test talks to them
//! over HTTP only, as a load balancer would.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::json;

use crate::helpers::{
    new_postgres_database, without_tls, Api, CERTIFICATE_KEY, JWT_SECRET, PASSWORD,
};
use crate::smtp::SmtpSink;

/// The PostgreSQL the test creates its databases in, unless `TEST_DATABASE_URL` names another.
const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
/// How long an instance may take to answer `/readyz` (a debug build importing the seed catalog).
const READY_WITHIN: Duration = Duration::from_secs(120);

/// A database of its own for one test, dropped when the test ends (its name also starts with
/// `caravan_test_`, which CI drops, should the test be killed before).
pub struct TestDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl TestDatabase {
    /// Creates the database. PostgreSQL is required: an unreachable server fails the test.
    pub fn create() -> TestDatabase {
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| DEFAULT_ADMIN_URL.to_owned());
        let admin_url = without_tls(&admin_url);
        let url = new_postgres_database(&admin_url);
        let name = url::Url::parse(&url).expect("database URL").path()[1..].to_owned();
        TestDatabase {
            admin_url,
            name,
            url,
        }
    }

    /// Counts the rows `sql` (a `SELECT COUNT(*) AS n ...`) finds, straight from the database.
    pub fn count(&self, sql: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = PgConnection::establish(&self.url).expect("connect to the test database");
        diesel::sql_query(sql)
            .get_result::<Count>(&mut conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .n
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// One running `caravan serve`.
pub struct Instance {
    pub name: String,
    base_url: String,
    client: reqwest::Client,
    log: PathBuf,
    child: Child,
}

impl Api for Instance {
    fn address(&self) -> &str {
        &self.base_url
    }

    fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl Instance {
    /// Logs in with the test password; returns the access token.
    pub async fn login(&self, email: &str) -> String {
        let login = self
            .post(
                "/auth/login",
                None,
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        login.assert_status(200);
        login.body["access_token"]
            .as_str()
            .expect("access token")
            .to_owned()
    }

    /// Everything the instance has logged so far (JSON lines).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn wait_until_ready(&mut self) {
        let started = Instant::now();
        while started.elapsed() < READY_WITHIN {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited with {status} before it was ready:\n{}",
                    self.name,
                    self.log_text()
                );
            }
            if let Ok(res) = self.client.get(self.url("/readyz")).send().await {
                if res.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{} was not ready within {READY_WITHIN:?}:\n{}",
            self.name,
            self.log_text()
        );
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Two instances sharing one database and one SMTP sink. Settings beyond the shared ones are
/// given per start, so a test can restart the pair with others (as a deploy does).
pub struct Cluster {
    // Fields drop in this order: the processes stop before their database is dropped.
    pub instances: Vec<Instance>,
    pub db: TestDatabase,
    pub smtp: SmtpSink,
    client: reqwest::Client,
    dir: tempfile::TempDir,
}

impl Cluster {
    /// Creates a fresh database and starts two instances on it at the same moment.
    pub async fn start(settings: &[(&str, &str)]) -> Cluster {
        let mut cluster = Cluster {
            instances: Vec::new(),
            db: TestDatabase::create(),
            smtp: SmtpSink::start(),
            client: reqwest::Client::builder()
                // Shorter than the server's 5 s keep-alive, so a connection the server is closing
                // is never reused.
                .pool_idle_timeout(Duration::from_secs(2))
                .build()
                .expect("HTTP client"),
            dir: tempfile::tempdir().expect("tempdir"),
        };
        cluster.restart(settings).await;
        cluster
    }

    /// Stops the running instances, if any, and starts two again with `settings`; returns once
    /// both answer `/readyz`.
    pub async fn restart(&mut self, settings: &[(&str, &str)]) {
        self.instances.clear();
        // Both processes are spawned before either is waited for, so they start together.
        self.instances = ["caravan1", "caravan2"]
            .into_iter()
            .map(|name| self.spawn(name, settings))
            .collect();
        for instance in &mut self.instances {
            instance.wait_until_ready().await;
        }
    }

    pub fn instance(&self, i: usize) -> &Instance {
        &self.instances[i % self.instances.len()]
    }

    /// The environment every `caravan` command of this cluster runs with.
    fn command(&self, settings: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_caravan"));
        // Nothing of the caller's own Caravan settings leaks in.
        for (key, _) in std::env::vars() {
            if key.starts_with("CARAVAN_") || key == "DATABASE_URL" || key == "RUST_LOG" {
                cmd.env_remove(key);
            }
        }
        cmd.current_dir(self.dir.path())
            .env("DATABASE_URL", &self.db.url)
            .env("CARAVAN_PUBLIC_URL", "http://caravan.test")
            .env("CARAVAN_JWT_SECRET", JWT_SECRET)
            .env("CARAVAN_CERTIFICATE_KEY", CERTIFICATE_KEY)
            .env("CARAVAN_MAIL_TRANSPORT", "smtp")
            .env("CARAVAN_SMTP_URL", self.smtp.url())
            .env("CARAVAN_MAIL_POLL_MS", "50")
            .env("CARAVAN_MAIL_RETRY_BASE_MS", "100")
            .env("CARAVAN_IMPORT_COURSES_ON_EMPTY", "false")
            .env("CARAVAN_DB_POOL_SIZE", "6")
            // The scheduler says at debug level when it finds this week's digest already done.
            .env("RUST_LOG", "info,caravan::jobs=debug");
        for (key, value) in settings {
            cmd.env(key, value);
        }
        cmd
    }

    fn spawn(&self, name: &str, settings: &[(&str, &str)]) -> Instance {
        let port = free_port();
        let log = self.dir.path().join(format!("{name}.log"));
        let out = std::fs::File::create(&log).expect("log file");
        let child = self
            .command(settings)
            .arg("serve")
            .env("CARAVAN_BIND", format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log file"))
            .stderr(out)
            .spawn()
            .expect("start caravan");
        Instance {
            name: name.to_owned(),
            base_url: format!("http://127.0.0.1:{port}"),
            client: self.client.clone(),
            log,
            child,
        }
    }

    /// Creates a platform admin the way an operator does (`caravan admin create`) and logs in.
    pub async fn platform_admin(&self, email: &str) -> String {
        use std::io::Write as _;
        let mut admin = self
            .command(&[])
            .args(["admin", "create", "--email", email])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run caravan admin create");
        writeln!(admin.stdin.take().expect("stdin"), "{PASSWORD}").expect("password");
        let out = admin.wait_with_output().expect("caravan admin create");
        assert!(
            out.status.success(),
            "caravan admin create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.instance(0).login(email).await
    }

    /// Waits until the outbox holds no undelivered message: from then on, what the SMTP sink has
    /// is everything the instances will ever send for what happened so far.
    pub async fn wait_for_outbox_delivered(&self) {
        wait_until("every outbox message delivered", || {
            self.db
                .count("SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'")
                == 0
        })
        .await;
    }
}

/// Polls `done` every 50 ms for up to 30 s; fails the test with `what` when it never holds.
pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for: {what}");
}

/// A port free at the moment of asking (the instance binds it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}
