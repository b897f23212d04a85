//! The organization progress report at scale: 5,000 trainees x 20 courses = 100,000 rows.
//!
//! Set-up (timed, not part of the figures): `caravan migrate` against a fresh database (a temporary
//! SQLite file, or with `BENCH_DATABASE_URL` a PostgreSQL database of the bench's own), then the
//! data of `support/progress_data.rs` written straight into it (the same data, from a fixed seed,
//! on both backends), then the real `caravan serve` binary started as a separate process on a free
//! port so that its memory can be read from `/proc/<pid>/status`. The org admin and 16 detailed
//! trainees log in over HTTP; one trainee takes one real quiz attempt, which is then copied into
//! the detailed trainees' graded attempts.
//!
//! Measured, over HTTP against that process:
//! - the CSV export `GET /api/v1/orgs/{org}/reports/progress?format=csv` end to end (`EXPORTS`
//!   runs): seconds, time to first byte, bytes and records counted while streaming (100,000 +
//!   header expected, each enrollment id once: repeated rows are reported with their positions),
//!   and the server's memory: VmRSS just before, the highest VmRSS sampled every 5 ms during the
//!   export, and VmHWM (reset through `/proc/<pid>/clear_refs` before each run, so it is the
//!   kernel's own peak for that export);
//! - next to it, the ceiling measured in the same run: the report's SQL (`reports::progress::rows`
//!   written out with literals) run alone in one statement on a plain diesel connection fetching
//!   every row (and, on PostgreSQL, `psql \copy (...) TO '/dev/null'`), printed as "CSV export X s
//!   vs query Y s = Z x (target <= 2x)"; with it, one 1000-row keyset page and every page walked
//!   as the export walks them, and their plans (`EXPLAIN ANALYZE` on PostgreSQL, `EXPLAIN QUERY
//!   PLAN` on SQLite); on PostgreSQL the statements the server ran during the first export are read
//!   from `pg_stat_activity`, to check that the bench's SQL is the app's;
//! - JSON: the first page at limit=50 and limit=200 and a cohort's first page, `SEQUENTIAL`
//!   requests each (p50/p99), then every page at limit=200 following `next_cursor` (early pages
//!   against late pages shows whether paging is keyset or offset);
//! - `GET /api/v1/me/progress` (20 enrollments each) from 16 concurrent clients for `BENCH_SECONDS`
//!   (default 10) after a 2 s warm-up: requests/s, p50/p99.
//!
//! Run with `cargo bench --bench progress_report` (SQLite), or with
//! `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench progress_report`.
//! `BENCH_TRAINEES` shrinks the organization while working on it; `BENCH_WALK=0` skips the paging
//! walk. Nothing is asserted about timings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use caravan::db::sql_types::{Id, Timestamp, Ts, Uid};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Double, Integer, Nullable, Text};
use serde_json::{json, Value};

#[path = "support/progress_data.rs"]
mod progress_data;
#[path = "support/mod.rs"]
mod support;
use progress_data::{Dataset, Spec, PASSWORD};
use support::{bench_database, env_or, percentile, post};

const CLIENTS: usize = 16;
const EXPORTS: usize = 3;
const CEILING_RUNS: usize = 3;
const SEQUENTIAL: usize = 200;
const WARMUP: Duration = Duration::from_secs(2);

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    percentile(&v, 0.5)
}

// --- the server process ---

struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Server {
    fn pid(&self) -> u32 {
        self.child.id()
    }
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `caravan <arg>` with the deployment environment of API.md, in `dir`.
fn caravan(arg: &str, dir: &Path, database_url: &str, port: u16, secret: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_caravan"));
    cmd.arg(arg)
        .current_dir(dir)
        .env("DATABASE_URL", database_url)
        .env("CARAVAN_BIND", format!("127.0.0.1:{port}"))
        .env("CARAVAN_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("CARAVAN_JWT_SECRET", secret)
        .env("CARAVAN_MAIL_TRANSPORT", "file")
        .env("CARAVAN_MAIL_DIR", dir.join("mail"))
        .env("CARAVAN_COURSES_DIR", dir.join("courses"))
        .env("CARAVAN_IMPORT_COURSES_ON_EMPTY", "false")
        .env("CARAVAN_SECRET_FILE", dir.join("jwt-secret"))
        .env("CARAVAN_ACCESS_TOKEN_TTL_SECS", "7200")
        .env("CARAVAN_LOGIN_LIMIT_PER_IP", "100000");
    cmd
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn wait_ready(server: &mut Server, client: &reqwest::Client) -> Duration {
    let start = Instant::now();
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("caravan serve exited with {status}:\n{}", server.log_tail());
        }
        if let Ok(r) = client.get(format!("{}/readyz", server.base)).send().await {
            if r.status() == 200 {
                return start.elapsed();
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "caravan serve not ready after 120 s:\n{}",
            server.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// --- memory of the server ---

/// A `kB` field of `/proc/<pid>/status` (VmRSS, VmHWM).
fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

/// Resets the process's VmHWM to its current RSS (Linux >= 4.0, our own child).
fn reset_hwm(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

/// Samples VmRSS every 5 ms on a thread of its own until finished; returns (max KiB, samples).
struct RssSampler {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<(u64, usize)>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let (mut max, mut n) = (0, 0);
            while !flag.load(Ordering::Relaxed) {
                max = max.max(status_kib(pid, "VmRSS"));
                n += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
            (max.max(status_kib(pid, "VmRSS")), n + 1)
        });
        RssSampler { stop, handle }
    }
    fn finish(self) -> (u64, usize) {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().expect("sampler")
    }
}

/// On PostgreSQL: the statements other connections of the bench database are running, sampled
/// every 10 ms until finished; returns each distinct statement with the samples it was seen in.
struct ActivitySampler {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<BTreeMap<String, usize>>,
}

#[derive(QueryableByName)]
struct Activity {
    #[diesel(sql_type = Text)]
    query: String,
}

impl ActivitySampler {
    fn start(url: &str) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (flag, url) = (stop.clone(), url.to_owned());
        let handle = std::thread::spawn(move || {
            let mut seen = BTreeMap::new();
            let Ok(mut conn) = diesel::PgConnection::establish(&url) else {
                return seen;
            };
            while !flag.load(Ordering::Relaxed) {
                let rows: Vec<Activity> = diesel::sql_query(
                    "SELECT query FROM pg_stat_activity WHERE datname = current_database() \
                     AND pid <> pg_backend_pid() AND state = 'active' AND backend_type = 'client backend'",
                )
                .load(&mut conn)
                .unwrap_or_default();
                for r in rows {
                    *seen.entry(r.query).or_default() += 1;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            seen
        });
        ActivitySampler { stop, handle }
    }
    fn finish(self) -> BTreeMap<String, usize> {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().expect("activity sampler")
    }
}

// --- requests ---

async fn login(client: &reqwest::Client, base: &str, email: &str) -> String {
    support::login(client, base, email, PASSWORD).await.0
}

/// One real quiz attempt (started and submitted over HTTP, every answer right) of a detailed
/// trainee with an active or completed enrollment; returns (attempt id, user, quiz).
async fn template_attempt(
    client: &reqwest::Client,
    base: &str,
    data: &Dataset,
    tokens: &[String],
) -> Result<(Id, Id, Id), String> {
    let (d, c) = (0..data.detailed.len())
        .flat_map(|d| (0..data.courses.len()).map(move |c| (d, c)))
        .find(|&(d, c)| data.detailed_status[d][c] != "withdrawn")
        .ok_or("no active enrollment")?;
    let quiz = data.courses[c].quizzes[0];
    let (status, attempt) = post(
        client,
        format!("{base}/api/v1/quizzes/{}/attempts", quiz.0),
        Some(&tokens[d]),
        json!({}),
    )
    .await;
    if status != 201 {
        return Err(format!("start attempt: {status} {attempt}"));
    }
    let answers: Vec<Value> = attempt["questions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|q| {
            let response = match q["kind"].as_str() {
                Some("true_false") => json!({"value": true}),
                _ => json!({"choice": "a"}),
            };
            json!({"question_id": q["question_id"], "response": response})
        })
        .collect();
    let id = attempt["id"].as_str().unwrap_or_default().to_owned();
    let (status, body) = post(
        client,
        format!("{base}/api/v1/attempts/{id}/submit"),
        Some(&tokens[d]),
        json!({ "answers": answers }),
    )
    .await;
    if status != 200 {
        return Err(format!("submit attempt: {status} {body}"));
    }
    let id = uuid::Uuid::parse_str(&id).map_err(|e| e.to_string())?;
    Ok((Id(id), data.detailed[d].id, quiz.into()))
}

// --- the CSV export ---

struct Export {
    status: u16,
    secs: Duration,
    ttfb: Duration,
    bytes: u64,
    records: u64,
    /// Distinct first fields (enrollment ids) among the records after the header.
    distinct: usize,
    /// The first repeated records: (record, the earlier record with the same enrollment id).
    repeats: Vec<(u64, u64)>,
    header: String,
    content_type: String,
    framing: String,
    rss_before: u64,
    rss_peak: u64,
    samples: usize,
    hwm: Option<u64>,
    rss_after: u64,
}

/// Counts CSV records (newlines outside quotes), keeps the header line, and collects each
/// record's first field (the enrollment id) to count the distinct ones.
#[derive(Default)]
struct RecordCounter {
    in_quotes: bool,
    records: u64,
    header: Vec<u8>,
    last: u8,
    /// Still in the first field of the current record.
    first_field: bool,
    field: Vec<u8>,
    /// Enrollment id -> the record (1 = the first after the header) it first appeared in.
    ids: std::collections::HashMap<Vec<u8>, u64>,
    /// The first few repeats: (record, the earlier record with the same id).
    repeats: Vec<(u64, u64)>,
}

impl RecordCounter {
    fn feed(&mut self, chunk: &[u8]) {
        for &b in chunk {
            if self.records == 0 && b != b'\n' && self.header.len() < 2000 {
                self.header.push(b);
            }
            if self.first_field && self.records > 0 {
                if b == b',' && !self.in_quotes {
                    self.first_field = false;
                    let id = std::mem::take(&mut self.field);
                    if let Some(first) = self.ids.insert(id, self.records) {
                        if self.repeats.len() < 5 {
                            self.repeats.push((self.records, first));
                        }
                    }
                } else {
                    self.field.push(b);
                }
            }
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\n' if !self.in_quotes => {
                    self.records += 1;
                    self.first_field = true;
                }
                _ => {}
            }
            self.last = b;
        }
    }
    fn total(&self) -> u64 {
        self.records + u64::from(self.last != b'\n' && self.last != 0)
    }
}

async fn export_csv(client: &reqwest::Client, url: &str, token: &str, pid: u32) -> Export {
    let rss_before = status_kib(pid, "VmRSS");
    let hwm_reset = reset_hwm(pid);
    let sampler = RssSampler::start(pid);
    let start = Instant::now();
    let mut r = client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("export request");
    let status = r.status().as_u16();
    let header = |name: reqwest::header::HeaderName| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let content_type = header(reqwest::header::CONTENT_TYPE);
    let framing = match r.content_length() {
        Some(n) => format!("Content-Length {n}"),
        None => header(reqwest::header::TRANSFER_ENCODING),
    };
    let (mut counter, mut bytes, mut ttfb) = (RecordCounter::default(), 0u64, None);
    while let Some(chunk) = r.chunk().await.expect("export body") {
        ttfb.get_or_insert_with(|| start.elapsed());
        bytes += chunk.len() as u64;
        counter.feed(&chunk);
    }
    let secs = start.elapsed();
    let (rss_peak, samples) = sampler.finish();
    Export {
        status,
        secs,
        ttfb: ttfb.unwrap_or(secs),
        bytes,
        records: counter.total(),
        distinct: counter.ids.len(),
        repeats: counter.repeats.clone(),
        header: String::from_utf8_lossy(&counter.header).into_owned(),
        content_type,
        framing,
        rss_before,
        rss_peak,
        samples,
        hwm: hwm_reset.then(|| status_kib(pid, "VmHWM")),
        rss_after: status_kib(pid, "VmRSS"),
    }
}

// --- the ceiling: the report's query alone ---

/// The SQL of `reports::progress::rows` with the organization as a literal: the organization's
/// student members' enrollments in its own and platform-wide courses, with trainee and course, in
/// (trainee, course) order. `page` = Some((after, limit)) makes it one keyset page of the export
/// (1000 rows at a time, after the (user_id, course_id) of the previous page's last row); None is
/// the whole report in one statement.
fn report_sql(org: Id, page: Option<(Option<(Id, Id)>, usize)>) -> String {
    let org = org.0;
    let (after, limit) = match page {
        Some((after, limit)) => (
            after.map_or(String::new(), |(u, c)| {
                format!(
                    " AND m.user_id >= '{0}' AND e.user_id >= '{0}' AND (m.user_id > '{0}' OR e.course_id > '{1}')",
                    u.0, c.0
                )
            }),
            format!(" LIMIT {limit}"),
        ),
        None => (String::new(), String::new()),
    };
    format!(
        "SELECT e.id AS enrollment_id, m.user_id, u.email, u.display_name, e.course_id, \
         c.slug AS course_slug, c.title AS course_title, e.status, e.percent, e.score, \
         e.lessons_done, e.lessons_total, e.quizzes_passed, e.quizzes_total, e.enrolled_at, \
         e.last_activity_at, e.completed_at \
         FROM memberships m JOIN enrollments e ON e.user_id = m.user_id \
         JOIN users u ON u.id = m.user_id JOIN courses c ON c.id = e.course_id \
         WHERE m.org_id = '{org}' AND m.role = 'student' \
         AND (c.org_id = '{org}' OR c.org_id IS NULL){after} \
         ORDER BY m.user_id, e.course_id{limit}"
    )
}

#[derive(QueryableByName)]
struct ReportRow {
    #[diesel(sql_type = Uid)]
    enrollment_id: Id,
    #[diesel(sql_type = Uid)]
    user_id: Id,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Text)]
    display_name: String,
    #[diesel(sql_type = Uid)]
    course_id: Id,
    #[diesel(sql_type = Text)]
    course_slug: String,
    #[diesel(sql_type = Text)]
    course_title: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Double)]
    percent: f64,
    #[diesel(sql_type = Nullable<Double>)]
    score: Option<f64>,
    #[diesel(sql_type = Integer)]
    lessons_done: i32,
    #[diesel(sql_type = Integer)]
    lessons_total: i32,
    #[diesel(sql_type = Integer)]
    quizzes_passed: i32,
    #[diesel(sql_type = Integer)]
    quizzes_total: i32,
    #[diesel(sql_type = Ts)]
    enrolled_at: Timestamp,
    #[diesel(sql_type = Nullable<Ts>)]
    last_activity_at: Option<Timestamp>,
    #[diesel(sql_type = Nullable<Ts>)]
    completed_at: Option<Timestamp>,
}

/// The rows written as CSV to nowhere, the way the report formats them.
fn write_csv(rows: &[ReportRow]) -> u64 {
    let mut w = csv::Writer::from_writer(std::io::sink());
    let ts = |t: &Option<Timestamp>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    for r in rows {
        let record = [
            r.enrollment_id.to_string(),
            r.user_id.to_string(),
            r.email.clone(),
            r.display_name.clone(),
            r.course_id.to_string(),
            r.course_slug.clone(),
            r.course_title.clone(),
            r.status.clone(),
            r.percent.to_string(),
            r.score.map(|s| s.to_string()).unwrap_or_default(),
            r.lessons_done.to_string(),
            r.lessons_total.to_string(),
            r.quizzes_passed.to_string(),
            r.quizzes_total.to_string(),
            r.enrolled_at.to_rfc3339(),
            ts(&r.last_activity_at),
            ts(&r.completed_at),
        ];
        w.write_record(&record).expect("csv");
    }
    w.flush().expect("flush");
    rows.len() as u64
}

struct Ceiling {
    /// The query through diesel, as the app runs it.
    fetched: Fetched,
    /// PostgreSQL: `psql \copy (...) TO '/dev/null'` per run, and psql's own start-up.
    copy: Vec<Duration>,
    psql_startup: Option<Duration>,
    /// PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) of the whole query and of the middle page;
    /// SQLite: EXPLAIN QUERY PLAN of the middle page.
    plans: Vec<(&'static str, Vec<String>)>,
}

/// Rows per page of the CSV export (`reports::csv_stream::PAGE_ROWS`).
const PAGE: usize = 1000;

/// What `fetch_runs` measured.
struct Fetched {
    /// Query + fetching every row into structs, per run.
    fetch: Vec<Duration>,
    /// The same and writing them as CSV to a sink, per run.
    fetch_csv: Vec<Duration>,
    rows: usize,
    /// One keyset page of `PAGE` rows: the first, and one from the middle (median of 5 each).
    pages: [Duration; 2],
    /// Every page of the report walked as the export walks it, and the rows it returned.
    walk: Duration,
    walked: usize,
    /// The keyset (user_id, course_id) of the middle row.
    middle: (Id, Id),
}

fn fetch_runs<C>(conn: &mut C, org: Id) -> Fetched
where
    C: diesel::Connection,
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, C, ReportRow>,
{
    let sql = report_sql(org, None);
    let (mut fetch, mut fetch_csv, mut rows) = (Vec::new(), Vec::new(), 0);
    let mut middle = None;
    for _ in 0..CEILING_RUNS {
        let t = Instant::now();
        let loaded: Vec<ReportRow> = diesel::sql_query(&sql).load(conn).expect("report query");
        fetch.push(t.elapsed());
        write_csv(&loaded);
        fetch_csv.push(t.elapsed());
        rows = loaded.len();
        middle = loaded.get(rows / 2).map(|r| (r.user_id, r.course_id));
    }
    let middle = middle.expect("report rows");
    let mut time = |sql: String| {
        median(
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    let _: Vec<ReportRow> = diesel::sql_query(&sql).load(conn).expect("page");
                    t.elapsed()
                })
                .collect(),
        )
    };
    let pages = [
        time(report_sql(org, Some((None, PAGE)))),
        time(report_sql(org, Some((Some(middle), PAGE)))),
    ];
    let t = Instant::now();
    let (mut after, mut walked) = (None, 0);
    loop {
        let page: Vec<ReportRow> = diesel::sql_query(report_sql(org, Some((after, PAGE))))
            .load(conn)
            .expect("page");
        walked += page.len();
        match page.last() {
            Some(r) if page.len() == PAGE => after = Some((r.user_id, r.course_id)),
            _ => break,
        }
    }
    Fetched {
        fetch,
        fetch_csv,
        rows,
        pages,
        walk: t.elapsed(),
        walked,
        middle,
    }
}

fn psql(url: &str, command: &str) -> Option<Duration> {
    let t = Instant::now();
    let out = Command::new("psql")
        .args([url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", command])
        .stdout(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        println!(
            "psql failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    Some(t.elapsed())
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

#[derive(QueryableByName)]
struct SqlitePlanLine {
    #[diesel(sql_type = Text)]
    detail: String,
}

fn ceiling(database_url: &str, org: Id) -> Ceiling {
    if database_url.starts_with("postgres") {
        let mut conn = diesel::PgConnection::establish(database_url).expect("connect");
        let f = fetch_runs(&mut conn, org);
        let mut explain = |sql: String| {
            diesel::sql_query(format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"))
                .load::<PlanLine>(&mut conn)
                .map(|v| v.into_iter().map(|l| l.line).collect())
                .unwrap_or_else(|e| vec![format!("EXPLAIN failed: {e}")])
        };
        let plans = vec![
            ("the whole report", explain(report_sql(org, None))),
            (
                "one page from the middle",
                explain(report_sql(org, Some((Some(f.middle), PAGE)))),
            ),
        ];
        let psql_startup = psql(database_url, "SELECT 1");
        let copy = if psql_startup.is_some() {
            let sql = report_sql(org, None);
            let command = format!("\\copy ({sql}) TO '/dev/null' WITH (FORMAT csv, HEADER)");
            (0..CEILING_RUNS)
                .filter_map(|_| psql(database_url, &command))
                .collect()
        } else {
            Vec::new()
        };
        Ceiling {
            fetched: f,
            copy,
            psql_startup,
            plans,
        }
    } else {
        let path = caravan::db::sqlite_path(database_url);
        let mut conn = diesel::SqliteConnection::establish(path).expect("open");
        conn.batch_execute("PRAGMA busy_timeout = 5000")
            .expect("pragma");
        let f = fetch_runs(&mut conn, org);
        let mut explain = |sql: String| {
            diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load::<SqlitePlanLine>(&mut conn)
                .map(|v| v.into_iter().map(|l| l.detail).collect())
                .unwrap_or_else(|e| vec![format!("EXPLAIN QUERY PLAN failed: {e}")])
        };
        let plans = vec![(
            "one page from the middle (EXPLAIN QUERY PLAN)",
            explain(report_sql(org, Some((Some(f.middle), PAGE)))),
        )];
        Ceiling {
            fetched: f,
            copy: Vec::new(),
            psql_startup: None,
            plans,
        }
    }
}

// --- JSON pages ---

struct Latencies {
    sorted: Vec<Duration>,
    statuses: BTreeMap<u16, usize>,
    bytes: usize,
    items: usize,
    more: bool,
}

impl Latencies {
    fn line(&self, label: &str) -> String {
        let failures: usize = self
            .statuses
            .iter()
            .filter(|(s, _)| **s != 200)
            .map(|(_, n)| n)
            .sum();
        format!(
            "{label:<34} p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms  {:>3} items, {:>6} B{}{}",
            ms(percentile(&self.sorted, 0.5)),
            ms(percentile(&self.sorted, 0.99)),
            ms(self.sorted.last().copied().unwrap_or_default()),
            self.items,
            self.bytes,
            if self.more {
                ", next_cursor"
            } else {
                ", last page"
            },
            if failures > 0 {
                format!("  FAILED: {:?}", self.statuses)
            } else {
                String::new()
            }
        )
    }
}

/// `n` requests of `url` one after another.
async fn sequential(client: &reqwest::Client, url: &str, token: &str, n: usize) -> Latencies {
    let mut out = Latencies {
        sorted: Vec::with_capacity(n),
        statuses: BTreeMap::new(),
        bytes: 0,
        items: 0,
        more: false,
    };
    for i in 0..n {
        let t = Instant::now();
        let r = client
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        let body = r.bytes().await.expect("body");
        out.sorted.push(t.elapsed());
        *out.statuses.entry(status).or_default() += 1;
        if i == 0 {
            let v: Value = serde_json::from_slice(&body).unwrap_or_default();
            out.bytes = body.len();
            out.items = v["items"].as_array().map_or(0, Vec::len);
            out.more = v["next_cursor"].is_string();
        }
    }
    out.sorted.sort();
    out
}

/// Every page at `limit`, following `next_cursor`: (items, distinct enrollment ids, per-page
/// latencies in order, total).
async fn walk(
    client: &reqwest::Client,
    base_url: &str,
    token: &str,
) -> Result<(usize, usize, Vec<Duration>, Duration), String> {
    let start = Instant::now();
    let (mut items, mut pages, mut cursor) = (0, Vec::new(), None::<String>);
    let mut ids = std::collections::HashSet::new();
    loop {
        let mut url = url::Url::parse(base_url).expect("url");
        if let Some(c) = &cursor {
            url.query_pairs_mut().append_pair("cursor", c);
        }
        let t = Instant::now();
        let r = client
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = r.status().as_u16();
        let v: Value = r.json().await.map_err(|e| e.to_string())?;
        pages.push(t.elapsed());
        if status != 200 {
            return Err(format!("page {}: {status} {v}", pages.len()));
        }
        for item in v["items"].as_array().map(Vec::as_slice).unwrap_or_default() {
            items += 1;
            ids.insert(
                item["enrollment_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        match v["next_cursor"].as_str() {
            Some(c) if pages.len() < 10_000 => cursor = Some(c.to_owned()),
            _ => break,
        }
    }
    Ok((items, ids.len(), pages, start.elapsed()))
}

// --- GET /me/progress under load ---

#[derive(Default)]
struct Load {
    ok: usize,
    statuses: BTreeMap<u16, usize>,
    errors: usize,
    latencies: Vec<Duration>,
}

async fn drive(
    client: &reqwest::Client,
    url: &str,
    tokens: &[String],
    run: Duration,
) -> (Load, f64) {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (client, url, token, stop) = (
                client.clone(),
                url.to_owned(),
                tokens[c % tokens.len()].clone(),
                stop.clone(),
            );
            tokio::spawn(async move {
                let mut out = Load::default();
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    match client.get(&url).bearer_auth(&token).send().await {
                        Ok(r) => {
                            let status = r.status().as_u16();
                            match r.bytes().await {
                                Ok(_) if status == 200 => {
                                    out.ok += 1;
                                    out.latencies.push(t.elapsed());
                                }
                                Ok(_) => *out.statuses.entry(status).or_default() += 1,
                                Err(_) => out.errors += 1,
                            }
                        }
                        Err(_) => out.errors += 1,
                    }
                }
                out
            })
        })
        .collect();
    tokio::time::sleep(run).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = Load::default();
    for w in workers {
        let out = w.await.expect("client");
        total.ok += out.ok;
        total.errors += out.errors;
        total.latencies.extend(out.latencies);
        for (s, n) in out.statuses {
            *total.statuses.entry(s).or_default() += n;
        }
    }
    total.latencies.sort();
    (total, start.elapsed().as_secs_f64())
}

// --- the run ---

/// What the measurements share.
struct Run {
    client: reqwest::Client,
    base: String,
    pid: u32,
    database_url: String,
    backend: &'static str,
    pg: bool,
    admin: String,
    tokens: Vec<String>,
    expected_rows: usize,
    summary: Vec<String>,
}

impl Run {
    /// The CSV exports; returns the median seconds.
    async fn csv_exports(&mut self, report: &str) -> Duration {
        println!(
            "\nCSV export: GET {report}?format=csv ({EXPORTS} runs, body streamed and counted)"
        );
        let mut secs = Vec::new();
        for i in 0..EXPORTS {
            let activity = (i == 0 && self.pg).then(|| ActivitySampler::start(&self.database_url));
            let url = format!("{report}?format=csv");
            let e = export_csv(&self.client, &url, &self.admin, self.pid).await;
            let statements = activity.map(ActivitySampler::finish);
            if i == 0 {
                println!(
                    "  status {}, Content-Type {:?}, {}",
                    e.status, e.content_type, e.framing
                );
                println!("  header: {}", e.header);
            }
            let rows = e.records.saturating_sub(1) as usize;
            let mut check = if rows == self.expected_rows {
                String::new()
            } else {
                format!(" (EXPECTED {})", self.expected_rows)
            };
            if e.distinct != rows {
                check.push_str(&format!(
                    " -- ONLY {} DISTINCT enrollment ids: {} rows repeated (record, same as \
                     record: {:?})",
                    e.distinct,
                    rows - e.distinct.min(rows),
                    e.repeats
                ));
            }
            let hwm = e.hwm.map_or("not resettable".to_owned(), |h| {
                format!("{:.1} MiB", mib(h))
            });
            println!(
                "  run {}: {:.3} s (first byte after {:.1} ms), {:.2} MB, {rows} rows{check}; \
                 server VmRSS {:.1} MiB before, peak {:.1} MiB sampled ({} samples, +{:.1} MiB), \
                 VmHWM {hwm}, {:.1} MiB after",
                i + 1,
                e.secs.as_secs_f64(),
                ms(e.ttfb),
                e.bytes as f64 / 1e6,
                mib(e.rss_before),
                mib(e.rss_peak),
                e.samples,
                mib(e.rss_peak.saturating_sub(e.rss_before)),
                mib(e.rss_after),
            );
            if let Some(statements) = statements {
                println!(
                    "  statements PostgreSQL ran for the server during run 1 \
                     (pg_stat_activity, sampled every 10 ms):"
                );
                for (sql, n) in &statements {
                    let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                    println!("    [{n} samples] {sql}");
                }
            }
            if i == 0 {
                self.summary.push(format!(
                    "CSV export {:.3} s, {rows} rows{check}, {:.2} MB; server VmRSS {:.1} MiB \
                     before, peak {:.1} MiB (+{:.1} MiB), VmHWM {hwm}",
                    e.secs.as_secs_f64(),
                    e.bytes as f64 / 1e6,
                    mib(e.rss_before),
                    mib(e.rss_peak),
                    mib(e.rss_peak.saturating_sub(e.rss_before)),
                ));
            }
            secs.push(e.secs);
        }
        median(secs)
    }

    /// The report query alone, and the export against it when there was one.
    async fn ceiling(&mut self, org: Id, export: Option<Duration>) {
        println!(
            "\nceiling: the report query alone, same data, same run ({CEILING_RUNS} runs each)"
        );
        println!("  SQL: {}", report_sql(org, None));
        let url = self.database_url.clone();
        let ceiling = tokio::task::spawn_blocking(move || ceiling(&url, org))
            .await
            .expect("ceiling");
        let c = &ceiling.fetched;
        let runs = |v: &[Duration]| v.iter().map(|d| ms(*d).round()).collect::<Vec<_>>();
        let (fetch, fetch_csv) = (median(c.fetch.clone()), median(c.fetch_csv.clone()));
        println!(
            "  diesel {} connection, fetch every row: {:?} ms -> median {:.3} s, {} rows",
            self.backend,
            runs(&c.fetch),
            fetch.as_secs_f64(),
            c.rows
        );
        println!(
            "  the same plus writing the rows as CSV to a sink: median {:.3} s",
            fetch_csv.as_secs_f64()
        );
        println!(
            "  one keyset page of {PAGE} rows (the export's unit): first page {:.2} ms, a page \
             from the middle {:.2} ms; every page walked as the export does: {:.3} s ({} rows)",
            ms(c.pages[0]),
            ms(c.pages[1]),
            c.walk.as_secs_f64(),
            c.walked
        );
        for (label, plan) in &ceiling.plans {
            println!("  plan of {label}:");
            for l in plan {
                println!("    {l}");
            }
        }
        let mut reference = if self.pg {
            ("PostgreSQL query (diesel fetch)", fetch)
        } else {
            ("SQLite query (diesel fetch)", fetch)
        };
        if let Some(startup) = ceiling.psql_startup.filter(|_| !ceiling.copy.is_empty()) {
            let copy = median(ceiling.copy.clone());
            let net = copy.saturating_sub(startup);
            println!(
                "  psql \\copy (...) TO '/dev/null' CSV: {:?} ms -> median {:.3} s, {:.3} s net of \
                 psql's start-up and connection ({:.0} ms for `SELECT 1`)",
                runs(&ceiling.copy),
                copy.as_secs_f64(),
                net.as_secs_f64(),
                ms(startup)
            );
            reference = ("PostgreSQL query (psql \\copy to /dev/null, net)", net);
        }
        let Some(export) = export else { return };
        let vs = |reference: Duration| export.as_secs_f64() / reference.as_secs_f64();
        let ratio = vs(reference.1);
        let line = format!(
            "CSV export {:.3} s vs {} {:.3} s = {ratio:.2} x (target <= 2x){}",
            export.as_secs_f64(),
            reference.0,
            reference.1.as_secs_f64(),
            if ratio <= 2.0 { "" } else { "  -- OVER TARGET" }
        );
        println!("  {line}");
        println!(
            "  (against the diesel fetch {:.2} x, against the fetch plus CSV formatting {:.2} x)",
            vs(fetch),
            vs(fetch_csv)
        );
        self.summary.push(line);
    }

    async fn json_pages(&mut self, report: &str, cohort: Id) {
        println!("\nJSON pages ({SEQUENTIAL} sequential requests each)");
        for (label, query) in [
            ("first page, limit=50", "limit=50".to_owned()),
            ("first page, limit=200", "limit=200".to_owned()),
            (
                "one cohort's first page, limit=50",
                format!("limit=50&cohort_id={}", cohort.0),
            ),
        ] {
            let url = format!("{report}?{query}");
            let l = sequential(&self.client, &url, &self.admin, SEQUENTIAL).await;
            let line = l.line(label);
            println!("  {line}");
            self.summary.push(format!("JSON {line}"));
        }
        if env_or("BENCH_WALK", 1) != 1 {
            return;
        }
        let url = format!("{report}?limit=200");
        match walk(&self.client, &url, &self.admin).await {
            Ok((items, distinct, pages, total)) => {
                let head = median(pages.iter().take(10).copied().collect());
                let tail = median(pages.iter().rev().take(10).copied().collect());
                let n = pages.len();
                let mut sorted = pages;
                sorted.sort();
                let mut check = if items == self.expected_rows {
                    String::new()
                } else {
                    format!(" (EXPECTED {})", self.expected_rows)
                };
                if distinct != items {
                    check.push_str(&format!(" -- ONLY {distinct} DISTINCT enrollment ids"));
                }
                let line = format!(
                    "every page at limit=200: {n} pages, {items} items{check} in {:.2} s; \
                     per page p50 {:.2} ms, p99 {:.2} ms; first 10 pages median {:.2} ms, \
                     last 10 {:.2} ms",
                    total.as_secs_f64(),
                    ms(percentile(&sorted, 0.5)),
                    ms(percentile(&sorted, 0.99)),
                    ms(head),
                    ms(tail)
                );
                println!("  {line}");
                self.summary.push(format!("JSON {line}"));
            }
            Err(e) => println!("  paging walk failed: {e}"),
        }
    }

    async fn me_progress(&mut self, run: Duration) {
        let me = format!("{}/api/v1/me/progress", self.base);
        let r = self
            .client
            .get(&me)
            .bearer_auth(&self.tokens[0])
            .send()
            .await
            .expect("me/progress");
        let status = r.status().as_u16();
        let body = r.bytes().await.unwrap_or_default();
        let v: Value = serde_json::from_slice(&body).unwrap_or_default();
        let count = |field: &str| v[field].as_array().map_or(0, Vec::len);
        println!(
            "\nGET /api/v1/me/progress: status {status}, {} B, {} courses, {} competencies, \
             {} markets; {CLIENTS} clients over {} trainees, {:.0} s warm-up",
            body.len(),
            count("courses"),
            count("competencies"),
            count("markets"),
            self.tokens.len(),
            WARMUP.as_secs_f64()
        );
        let _ = drive(&self.client, &me, &self.tokens, WARMUP).await;
        let (load, secs) = drive(&self.client, &me, &self.tokens, run).await;
        let line = format!(
            "GET /me/progress: {:.1} req/s at {CLIENTS} clients over {secs:.1} s, p50 {:.2} ms, \
             p99 {:.2} ms, max {:.2} ms; non-200 {:?}, transport errors {}",
            load.ok as f64 / secs,
            ms(percentile(&load.latencies, 0.5)),
            ms(percentile(&load.latencies, 0.99)),
            ms(load.latencies.last().copied().unwrap_or_default()),
            load.statuses,
            load.errors
        );
        println!("  {line}");
        self.summary.push(line);
    }
}

/// `caravan migrate`, then the data written straight into the database.
async fn set_up_data(
    dir: &Path,
    database_url: &str,
    port: u16,
    secret: &str,
    spec: Spec,
) -> Dataset {
    let t = Instant::now();
    let out = caravan("migrate", dir, database_url, port, secret)
        .output()
        .expect("run caravan migrate");
    assert!(
        out.status.success(),
        "caravan migrate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("caravan migrate: {:.2} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let hash = caravan::security::password::hash_blocking(PASSWORD).expect("hash");
    println!(
        "one argon2id hash with the app's hasher, shared by every account: {:.0} ms",
        ms(t.elapsed())
    );
    let pool = caravan::db::build_pool(database_url, 1, Duration::from_secs(30)).expect("pool");
    let t = Instant::now();
    let (data, generated, settled) = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        let data = progress_data::generate(&mut conn, &spec, &hash).expect("generate");
        let generated = t.elapsed();
        let settled = progress_data::settle(&mut conn).expect("settle");
        (data, generated, settled)
    })
    .await
    .expect("generate");
    let total_rows: usize = data.rows.iter().map(|(_, n)| n).sum();
    println!(
        "data generated in {:.2} s ({total_rows} rows), then {settled} in {:.2} s",
        generated.as_secs_f64(),
        (t.elapsed() - generated).as_secs_f64()
    );
    for (table, n) in &data.rows {
        println!("  {table:<28} {n:>8}");
    }
    println!("  enrollments by status: {:?}", data.statuses);
    data
}

/// One real attempt over HTTP, copied into every detailed trainee's graded attempts.
async fn add_attempts(run: &Run, data: &Dataset) {
    let t = Instant::now();
    match template_attempt(&run.client, &run.base, data, &run.tokens).await {
        Ok((template, user, quiz)) => {
            let url = run.database_url.clone();
            let n = tokio::task::block_in_place(|| {
                let pool = caravan::db::build_pool(&url, 1, Duration::from_secs(30))?;
                let mut conn = pool.get()?;
                progress_data::clone_attempts(&mut conn, data, template, (user, quiz))
            })
            .expect("clone attempts");
            println!(
                "graded quiz attempts of the {} detailed trainees: 1 over HTTP + {n} copies, {:.2} s",
                data.detailed.len(),
                t.elapsed().as_secs_f64()
            );
        }
        Err(e) => println!("NOTE: no quiz attempts for the detailed trainees ({e})"),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let run_for = Duration::from_secs(env_or("BENCH_SECONDS", 10));
    let spec = Spec {
        trainees: env_or("BENCH_TRAINEES", 5_000),
        ..Spec::default()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (pg_database, database_url) = bench_database(dir.path());
    let pg = pg_database.is_some();
    let backend = if pg { "postgresql" } else { "sqlite" };
    println!(
        "caravan progress report benchmark ({} cores): {} trainees x {} courses, backend {backend}{}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        spec.trainees,
        spec.courses,
        pg_database
            .as_ref()
            .map(|d| format!(" (fresh database {})", d.name))
            .unwrap_or_default()
    );

    // --- set-up ---
    let port = free_port();
    let secret = format!(
        "bench-{}-{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let data = set_up_data(dir.path(), &database_url, port, &secret, spec).await;
    let log = dir.path().join("server.log");
    let log_file = std::fs::File::create(&log).expect("server log");
    let child = caravan("serve", dir.path(), &database_url, port, &secret)
        .stdout(log_file.try_clone().expect("log"))
        .stderr(log_file)
        .spawn()
        .expect("spawn caravan serve");
    let mut server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        log,
    };
    let client = reqwest::Client::new();
    let ready = wait_ready(&mut server, &client).await;
    let (pid, base) = (server.pid(), server.base.clone());
    println!(
        "caravan serve (pid {pid}) ready in {:.2} s; VmRSS {:.1} MiB",
        ready.as_secs_f64(),
        mib(status_kib(pid, "VmRSS"))
    );
    let admin = login(&client, &base, &data.admin_email).await;
    let mut tokens = Vec::new();
    for t in &data.detailed {
        tokens.push(login(&client, &base, &t.email).await);
    }
    let mut run = Run {
        client,
        base,
        pid,
        database_url,
        backend,
        pg,
        admin,
        tokens,
        expected_rows: spec.trainees * spec.courses,
        summary: Vec::new(),
    };
    add_attempts(&run, &data).await;

    // --- the progress report ---
    let report = format!(
        "{}/api/v1/orgs/{}/reports/progress",
        run.base, data.org_id.0
    );
    let probe = run
        .client
        .get(format!("{report}?limit=1"))
        .bearer_auth(&run.admin)
        .send()
        .await
        .expect("probe");
    let available = probe.status() == 200;
    let export = if available {
        let _ = probe.bytes().await;
        Some(run.csv_exports(&report).await)
    } else {
        let status = probe.status().as_u16();
        let body: String = probe
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect();
        println!("\nGET {report}?limit=1 answered {status}: {body} -- report measurements skipped");
        None
    };
    run.ceiling(data.org_id, export).await;
    if available {
        run.json_pages(&report, data.cohorts[0]).await;
    }
    run.me_progress(run_for).await;
    println!(
        "server after the run: VmRSS {:.1} MiB, VmHWM {:.1} MiB (since the last reset)",
        mib(status_kib(pid, "VmRSS")),
        mib(status_kib(pid, "VmHWM"))
    );

    println!(
        "\nsummary ({backend}, {} trainees x {} courses = {} rows):",
        spec.trainees, spec.courses, run.expected_rows
    );
    for l in &run.summary {
        println!("  {l}");
    }
    drop(server);
    drop(pg_database);
}
