//! Quiz submission throughput: `POST /api/v1/attempts/{id}/submit` of a 10-question quiz (every
//! kind but essay), graded and stored in one transaction, from 16 concurrent clients.
//!
//! Set-up (not measured): a platform admin imports and publishes a course whose quiz allows
//! unlimited attempts without a time limit and reveals results immediately; 64 students register,
//! log in, enroll and each start one attempt over HTTP. The app refuses a second open attempt per
//! student and quiz, so the pool of open attempts the measurement submits is made by copying each
//! student's started attempt row in SQL (new id and number, the same questions and seed); every
//! submit then closes a different open attempt, sending all 10 answers in its body (and an
//! `Idempotency-Key`, as a careful client does; `BENCH_IDEMPOTENCY=0` leaves it out).
//!
//! Measured, over HTTP: submissions/s at 16 concurrent clients (closed loop, 10 s, after a 2 s
//! warm-up) with p50/p99 latency; then an open loop paced at half that peak rate (requests issued at
//! fixed intervals across 16 workers, latency counted from the scheduled send time) with p50/p99.
//! Each run also prints the CPU per submit of caravan, of the load generator (the bench's own
//! runtime, threads named `bench-client`) and, on PostgreSQL, of the bench database's backends.
//!
//! On PostgreSQL also the ceiling: the SQL statements of one real submit are captured with diesel's
//! default instrumentation and replayed by `pgbench -n -M prepared -c 16 -j 2 -T 10` against the same
//! database in the same run, each transaction closing a different open attempt drawn from a pool
//! (the output lists what differs from the app). The HTTP peak and pgbench alternate for two rounds
//! (the machine is shared and its speed drifts). The summary prints submissions/s, pgbench tps, their
//! ratio (target >= 70%) and the p99 at half the peak rate (target < 50 ms); before it, two
//! diagnostics: what one read and parse of the stored course version costs (a submit does it once
//! per `course_versions` read) and which statements diesel does not keep prepared. Nothing is
//! asserted about timings.
//!
//! Run with `cargo bench --bench submissions` (SQLite in a temporary directory), or with
//! `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench submissions`:
//! the bench then creates a fresh database `caravan_bench_<uuid>` on that server, uses it and drops
//! it at the end. `BENCH_SECONDS` (default 10) sets the measured periods, `BENCH_ROUNDS` (default 2)
//! the rounds, while working on it; `BENCH_DEBUG=1` prints every captured statement with its binds.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use caravan::config::{MailTransport, Secret, Settings};
use caravan::db::{DbConn, Pool as DbPool};
use caravan::startup::Application;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use futures::StreamExt;
use serde_json::{json, Value};

#[path = "support/mod.rs"]
mod support;
use support::capture::{self, captured, CAPTURE};
use support::measure::*;
use support::quiz_course::{self, response_for};
use support::*;

const PASSWORD: &str = "violet-harbour-lantern-42";
const STUDENTS: usize = 64;
const CLIENTS: usize = 16;
const RUN: Duration = Duration::from_secs(10);
const WARMUP: Duration = Duration::from_secs(2);
/// Attempts copied per INSERT statement while filling the pool.
const BATCH: usize = 500;
/// Transactions per pgbench client in the short run that sizes the pool for the measured one.
const PGBENCH_PROBE_TX: usize = 150;
/// App and pgbench runs alternate this many times (the machine is shared; its speed drifts).
const ROUNDS: usize = 2;

fn settings(dir: &std::path::Path, database_url: String) -> Settings {
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
        access_token_ttl: Duration::from_secs(3600),
        refresh_token_ttl: Duration::from_secs(3600),
        mail_transport: MailTransport::File(dir.join("mail")),
        mail_from: "Caravan <bench@caravan.test>".into(),
        mail_poll_interval: Duration::from_secs(60),
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

// --- a fresh PostgreSQL database of our own ---

// --- students and the pool of open attempts ---

struct Student {
    token: String,
    user_id: String,
    /// The attempt the student started over HTTP; the pool copies it.
    template: String,
    /// The submit body: all 10 answers.
    body: String,
}

#[derive(Clone)]
struct Pooled {
    attempt: String,
    student: usize,
}

/// Makes open attempts by copying the students' started attempts, round robin over the students.
struct Attempts {
    db: DbPool,
    next_number: Vec<i32>,
    turn: usize,
    /// The next `n` of `caravan_bench_pool`, the attempts pgbench draws.
    next_pgbench: i64,
}

impl Attempts {
    /// `count` new open attempts; with `for_pgbench` they are also listed in `caravan_bench_pool`.
    fn make(&mut self, students: &[Student], count: usize, for_pgbench: bool) -> Vec<Pooled> {
        let mut conn = self.db.get().expect("connection");
        let pg = matches!(&**conn, DbConn::Pg(_));
        let (uuid, jsonb) = if pg { ("::uuid", "::jsonb") } else { ("", "") };
        let mut made = Vec::with_capacity(count);
        let mut left = count;
        while left > 0 {
            let n = left.min(BATCH);
            left -= n;
            let mut values = Vec::with_capacity(n);
            let mut pool_rows = Vec::with_capacity(n);
            for _ in 0..n {
                let s = self.turn % students.len();
                self.turn += 1;
                self.next_number[s] += 1;
                let id = uuid::Uuid::now_v7().to_string();
                values.push(format!(
                    "('{id}', {}, '{}')",
                    self.next_number[s], students[s].template
                ));
                if for_pgbench {
                    pool_rows.push(format!(
                        "({}, '{id}', '{}', 'pgbench-{id}')",
                        self.next_pgbench, students[s].user_id
                    ));
                    self.next_pgbench += 1;
                }
                made.push(Pooled {
                    attempt: id,
                    student: s,
                });
            }
            let copy = format!(
                "INSERT INTO quiz_attempts (id, quiz_id, course_id, version_id, user_id, number, \
                 status, seed, questions, answers, started_at) \
                 SELECT v.column1{uuid}, t.quiz_id, t.course_id, t.version_id, t.user_id, \
                 v.column2, 'open', t.seed, t.questions, '{{}}'{jsonb}, t.started_at \
                 FROM (VALUES {}) AS v JOIN quiz_attempts t ON t.id = v.column3{uuid}",
                values.join(",")
            );
            conn.transaction::<_, diesel::result::Error, _>(|c| {
                c.batch_execute(&copy)?;
                if for_pgbench {
                    c.batch_execute(&format!(
                        "INSERT INTO caravan_bench_pool (n, attempt_id, user_id, idem_key) VALUES {}",
                        pool_rows.join(",")
                    ))?;
                }
                Ok(())
            })
            .expect("copy attempts");
        }
        if pg {
            conn.batch_execute("ANALYZE quiz_attempts")
                .expect("analyze");
            if for_pgbench {
                conn.batch_execute("ANALYZE caravan_bench_pool")
                    .expect("analyze");
            }
        }
        made
    }
}

// --- driving submits over HTTP ---

#[derive(Clone)]
struct Ctx {
    client: reqwest::Client,
    base: String,
    students: Arc<Vec<Student>>,
    queue: Arc<Mutex<Vec<Pooled>>>,
    idempotency: bool,
}

impl Ctx {
    fn take(&self) -> Option<Pooled> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }

    fn queued(&self) -> usize {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    fn fill(&self, more: Vec<Pooled>) {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        // Submit in creation order (the pool is popped from the end).
        let mut more = more;
        more.reverse();
        more.append(&mut q);
        *q = more;
    }

    fn request(&self, p: &Pooled, key: Option<String>) -> reqwest::RequestBuilder {
        let s = &self.students[p.student];
        let mut req = self
            .client
            .post(format!(
                "{}/api/v1/attempts/{}/submit",
                self.base, p.attempt
            ))
            .bearer_auth(&s.token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(s.body.clone());
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        req
    }

    /// Submits `p`; the status when the whole response arrived.
    async fn submit(&self, p: &Pooled) -> Option<u16> {
        let key = self.idempotency.then(|| format!("bench-{}", p.attempt));
        let r = self.request(p, key).send().await.ok()?;
        let status = r.status().as_u16();
        r.bytes().await.ok()?;
        Some(status)
    }
}

#[derive(Default)]
struct Outcome {
    ok: u64,
    statuses: BTreeMap<u16, u64>,
    transport_errors: u64,
    latencies: Vec<Duration>,
    /// Paced requests whose worker was still busy at their scheduled time.
    late: u64,
    ran_dry: bool,
    /// Paced runs: the slowest latency of the requests due in each second of the run.
    worst_by_second: BTreeMap<u64, Duration>,
}

impl Outcome {
    fn record(&mut self, status: Option<u16>, latency: Duration) {
        match status {
            Some(200) => {
                self.ok += 1;
                self.latencies.push(latency);
            }
            Some(s) => *self.statuses.entry(s).or_default() += 1,
            None => self.transport_errors += 1,
        }
    }

    fn merge(&mut self, other: Outcome) {
        self.ok += other.ok;
        for (s, n) in other.statuses {
            *self.statuses.entry(s).or_default() += n;
        }
        self.transport_errors += other.transport_errors;
        self.latencies.extend(other.latencies);
        self.late += other.late;
        self.ran_dry |= other.ran_dry;
        for (second, d) in other.worst_by_second {
            let worst = self.worst_by_second.entry(second).or_default();
            *worst = (*worst).max(d);
        }
    }

    fn failures(&self) -> String {
        let non_200: u64 = self.statuses.values().sum::<u64>() + self.transport_errors;
        if non_200 == 0 {
            return "0".to_owned();
        }
        let mut parts: Vec<String> = self
            .statuses
            .iter()
            .map(|(s, n)| format!("{n}x{s}"))
            .collect();
        if self.transport_errors > 0 {
            parts.push(format!("{} transport errors", self.transport_errors));
        }
        format!("{non_200} ({})", parts.join(", "))
    }
}

/// `CLIENTS` clients each submitting one attempt after another for `run`.
async fn closed_loop(ctx: &Ctx, run: Duration) -> (Outcome, f64) {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (ctx, stop) = (ctx.clone(), stop.clone());
            tokio::spawn(async move {
                let mut out = Outcome::default();
                while !stop.load(Ordering::Relaxed) {
                    let Some(p) = ctx.take() else {
                        out.ran_dry = true;
                        break;
                    };
                    let t = Instant::now();
                    let status = ctx.submit(&p).await;
                    out.record(status, t.elapsed());
                }
                out
            })
        })
        .collect();
    tokio::time::sleep(run).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = Outcome::default();
    for w in workers {
        total.merge(w.await.expect("client task"));
    }
    (total, start.elapsed().as_secs_f64())
}

/// An open loop: request `i` is due at `i / rate` seconds, on worker `i % CLIENTS`; its latency
/// counts from when it was due, so a worker that falls behind shows in the figures.
async fn paced(ctx: &Ctx, rate: f64, run: Duration) -> (Outcome, f64) {
    let total = (rate * run.as_secs_f64()).round() as usize;
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let workers: Vec<_> = (0..CLIENTS)
        .map(|w| {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let mut out = Outcome::default();
                for i in (w..total).step_by(CLIENTS) {
                    let due = start + Duration::from_secs_f64(i as f64 / rate);
                    if tokio::time::Instant::now() > due + Duration::from_millis(1) {
                        out.late += 1;
                    }
                    tokio::time::sleep_until(due).await;
                    let Some(p) = ctx.take() else {
                        out.ran_dry = true;
                        break;
                    };
                    let status = ctx.submit(&p).await;
                    let latency = due.elapsed();
                    out.record(status, latency);
                    let worst = out
                        .worst_by_second
                        .entry((i as f64 / rate) as u64)
                        .or_default();
                    *worst = (*worst).max(latency);
                }
                out
            })
        })
        .collect();
    let mut out = Outcome::default();
    for w in workers {
        out.merge(w.await.expect("paced worker"));
    }
    (out, start.elapsed().as_secs_f64())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

struct Figures {
    rate: f64,
    p50: f64,
    p99: f64,
    max: f64,
}

fn report(label: &str, mut out: Outcome, secs: f64) -> Figures {
    out.latencies.sort();
    let worst = std::mem::take(&mut out.worst_by_second);
    let f = Figures {
        rate: out.ok as f64 / secs,
        p50: ms(percentile(&out.latencies, 0.5)),
        p99: ms(percentile(&out.latencies, 0.99)),
        max: ms(out.latencies.last().copied().unwrap_or_default()),
    };
    println!(
        "{label:<44} {:>9.1} {:>9.2} {:>9.2} {:>9.2}  non-200: {}{}{}",
        f.rate,
        f.p50,
        f.p99,
        f.max,
        out.failures(),
        if out.late > 0 {
            format!(", {} sent late", out.late)
        } else {
            String::new()
        },
        if out.ran_dry {
            " [POOL OF OPEN ATTEMPTS RAN DRY: figure not valid]"
        } else {
            ""
        }
    );
    if !worst.is_empty() {
        let line: Vec<String> = worst
            .iter()
            .map(|(s, d)| format!("{s}s:{:.0}", ms(*d)))
            .collect();
        println!(
            "  slowest request due in each second (ms): {}",
            line.join(" ")
        );
    }
    f
}

/// Prints the CPU used between two [`cpu_now`] readings, per submit and in cores.
fn report_cpu(before: Cpu, after: Cpu, secs: f64, submits: f64, pg: bool) {
    let part = |name: &str, cpu: f64| {
        format!(
            "{name} {:.2} ms ({:.2} cores)",
            1e3 * cpu / submits.max(1.0),
            cpu / secs
        )
    };
    let mut parts = vec![
        part("caravan", after.app - before.app),
        part("load generator", after.client - before.client),
    ];
    if pg {
        parts.push(part("postgres backends", after.db - before.db));
    }
    println!("  CPU per submit: {}", parts.join(", "));
}

// --- set-up over HTTP ---

/// Registers, logs in, enrolls and starts one attempt; returns the student.
async fn student(
    client: reqwest::Client,
    base: String,
    course: String,
    quiz: String,
    i: usize,
) -> Student {
    let email = format!("student{i}@bench.test");
    let (token, user_id) = enrolled_student(&client, &base, &course, &email, PASSWORD).await;
    let (status, attempt) = post(
        &client,
        format!("{base}/api/v1/quizzes/{quiz}/attempts"),
        Some(&token),
        json!({}),
    )
    .await;
    assert_eq!(status, 201, "start: {attempt}");
    let questions = attempt["questions"].as_array().expect("questions");
    assert_eq!(questions.len(), 10, "the quiz has 10 questions");
    let answers: Vec<Value> = questions
        .iter()
        .map(|q| json!({"question_id": q["question_id"], "response": response_for(q, i)}))
        .collect();
    Student {
        token,
        user_id,
        template: attempt["id"].as_str().expect("attempt id").to_owned(),
        body: json!({ "answers": answers }).to_string(),
    }
}

// --- the pgbench replay ---

/// One captured statement: its SQL and its bind values as diesel's Debug prints them.
struct Statement {
    sql: String,
    binds: Vec<String>,
}

/// Splits diesel's `[a, b, ...]` Debug list of binds at its top-level commas.
fn split_binds(list: &str) -> Vec<String> {
    let inner = list
        .trim()
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or("");
    let (mut out, mut cur) = (Vec::new(), String::new());
    let (mut depth, mut in_str, mut escaped) = (0i32, false, false);
    for ch in inner.chars() {
        if in_str {
            cur.push(ch);
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_str = false;
            }
            continue;
        }
        match ch {
            '"' => in_str = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(cur.trim().to_owned());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

/// The text of a Rust Debug string literal.
fn unescape(debug: &str) -> Option<String> {
    let inner = debug.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            'u' => {
                let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            other => out.push(other),
        }
    }
    Some(out)
}

fn wrapped<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.strip_prefix(prefix)?.strip_suffix(')')
}

/// The UUID of an id bind: `Id(uuid)`, or a typed id around one (`AttemptId(Id(uuid))`).
fn id_in(token: &str) -> Option<&str> {
    if let Some(id) = wrapped(token, "Id(") {
        return Some(id);
    }
    let open = token.find("(Id(")?;
    let name = &token[..open];
    if name.is_empty() || !name.chars().all(char::is_alphanumeric) {
        return None;
    }
    token[open + 4..].strip_suffix("))")
}

/// What a placeholder becomes in the script.
enum Replay {
    /// A per-transaction variable drawn from the pool.
    Drawn(&'static str),
    Const(String),
    Null,
    /// A JSON document: read back from the row the captured statement wrote.
    Json,
}

struct Known {
    attempt: String,
    user: String,
    key: Option<String>,
}

fn classify(token: &str, known: &Known) -> Result<Replay, String> {
    let token = wrapped(token, "Some(").unwrap_or(token);
    if token == "None" {
        return Ok(Replay::Null);
    }
    if token.starts_with("JsonValue(") {
        return Ok(Replay::Json);
    }
    if let Some(id) = id_in(token) {
        return Ok(if id == known.attempt {
            Replay::Drawn("aid")
        } else if id == known.user {
            Replay::Drawn("uid")
        } else {
            Replay::Const(id.to_owned())
        });
    }
    // `= ANY($n)` over ids or words: a PostgreSQL array literal.
    if let Some(items) = token.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let ids = items
            .split(", ")
            .filter(|i| !i.is_empty())
            .map(|i| {
                let item = match id_in(i) {
                    Some(id) => Some(id.to_owned()),
                    // Text items, quoted as a PostgreSQL array literal quotes them.
                    None => unescape(i)
                        .map(|t| format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))),
                };
                item.ok_or_else(|| format!("cannot replay the array {token}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Replay::Const(format!("{{{}}}", ids.join(","))));
    }
    if let Some(t) = wrapped(token, "Timestamp(") {
        return Ok(Replay::Const(t.to_owned()));
    }
    if token.starts_with('"') {
        let text = unescape(token).ok_or_else(|| format!("cannot read the string {token}"))?;
        return Ok(if known.key.as_deref() == Some(text.as_str()) {
            Replay::Drawn("ikey")
        } else {
            Replay::Const(text)
        });
    }
    if token == "true" || token == "false" || token.parse::<f64>().is_ok() {
        return Ok(Replay::Const(token.to_owned()));
    }
    // A state stored as text (`db::status`): its Debug name, stored in snake case.
    if token.starts_with(|c: char| c.is_ascii_uppercase())
        && token.chars().all(|c| c.is_ascii_alphanumeric())
    {
        let mut word = String::new();
        for (i, c) in token.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                word.push('_');
            }
            word.push(c.to_ascii_lowercase());
        }
        return Ok(Replay::Const(word));
    }
    Err(format!("cannot replay the bind value {token}"))
}

/// The column a placeholder at byte `pos` of `sql` is assigned or compared to: `"col" = $n`.
fn column_before(sql: &str, pos: usize) -> Option<String> {
    let before = sql[..pos].trim_end().strip_suffix('=')?.trim_end();
    let before = before.strip_suffix('"')?;
    let start = before.rfind('"')?;
    Some(before[start + 1..].to_owned())
}

struct Script {
    text: String,
    /// `-D name=value` for each constant.
    defines: Vec<(String, String)>,
    notes: Vec<String>,
}

/// Turns the captured statements into a pgbench script. `json_of(column)` reads back a JSON column
/// of the captured attempt.
fn build_script(
    statements: &[Statement],
    known: &Known,
    json_of: &dyn Fn(&str) -> Option<String>,
) -> Result<Script, String> {
    const DRAW: &str = "SELECT attempt_id AS aid, user_id AS uid, idem_key AS ikey \
                        FROM caravan_bench_pool WHERE n = (SELECT nextval('caravan_bench_seq')) \\gset";
    let mut text = String::new();
    let mut defines = Vec::new();
    let mut notes = Vec::new();
    let mut drawn = false;
    for (i, st) in statements.iter().enumerate() {
        if st.sql.trim() == "SELECT 1" && !drawn {
            text.push_str(DRAW);
            text.push('\n');
            drawn = true;
            notes.push(
                "the pool's check-out ping `SELECT 1` is replaced by one statement that draws \
                 the transaction's open attempt, its student and idempotency key from \
                 caravan_bench_pool (an index probe and a nextval where the app runs SELECT 1)"
                    .to_owned(),
            );
            continue;
        }
        if i == 0 {
            text.push_str(DRAW);
            text.push('\n');
            drawn = true;
            notes.push(
                "an extra first statement draws the transaction's open attempt, its student and \
                 idempotency key from caravan_bench_pool (the app ran no check-out ping to \
                 replace)"
                    .to_owned(),
            );
        }
        let sql = st.sql.replace('\n', " ");
        let bytes = sql.as_bytes();
        let mut out = String::new();
        let mut k = 0;
        while k < bytes.len() {
            if bytes[k] == b'$' && k + 1 < bytes.len() && bytes[k + 1].is_ascii_digit() {
                let mut end = k + 1;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
                let n: usize = sql[k + 1..end].parse().map_err(|e| format!("{e}"))?;
                let token = st
                    .binds
                    .get(n - 1)
                    .ok_or_else(|| format!("statement {i} has no bind ${n}: {sql}"))?;
                match classify(token, known)? {
                    Replay::Drawn(var) => out.push_str(&format!(":{var}")),
                    Replay::Null => out.push_str("NULL"),
                    Replay::Const(v) => {
                        let name = format!("s{}_{n}", i + 1);
                        out.push_str(&format!(":{name}"));
                        defines.push((name, v));
                    }
                    Replay::Json => {
                        let column = column_before(&sql, k)
                            .ok_or_else(|| format!("no column for the JSON bind ${n}: {sql}"))?;
                        let v = json_of(&column)
                            .ok_or_else(|| format!("cannot read back the JSON of {column}"))?;
                        let name = format!("s{}_{n}", i + 1);
                        out.push_str(&format!(":{name}"));
                        defines.push((name, v));
                    }
                }
                k = end;
            } else {
                let ch = sql[k..].chars().next().unwrap_or(' ');
                out.push(ch);
                k += ch.len_utf8();
            }
        }
        text.push_str(out.trim_end_matches(';'));
        text.push_str(";\n");
    }
    Ok(Script {
        text,
        defines,
        notes,
    })
}

/// Sends one submit with SQL capture on; returns the statements of the request's own thread.
async fn capture(ctx: &Ctx, p: &Pooled, key: Option<String>) -> Vec<Statement> {
    captured().clear();
    CAPTURE.store(true, Ordering::SeqCst);
    let r = ctx.request(p, key).send().await.expect("submit");
    let status = r.status().as_u16();
    let body = r.text().await.unwrap_or_default();
    CAPTURE.store(false, Ordering::SeqCst);
    assert_eq!(status, 200, "captured submit: {body}");
    let all = std::mem::take(&mut *captured());
    if std::env::var("BENCH_DEBUG").is_ok() {
        for (t, q) in &all {
            println!("captured {t:?}: {}", short(q, 300));
        }
    }
    // Background workers (mail outbox, attempt sweep) may have queried meanwhile: keep the thread
    // that ran the submit's UPDATE.
    let threads: HashSet<ThreadId> = all
        .iter()
        .filter(|(_, q)| q.starts_with("UPDATE ") && q.contains("quiz_attempts"))
        .map(|(t, _)| *t)
        .collect();
    all.into_iter()
        .filter(|(t, _)| threads.contains(t))
        .map(|(_, q)| match q.split_once(" -- binds: ") {
            Some((sql, binds)) => Statement {
                sql: sql.trim().to_owned(),
                binds: split_binds(binds),
            },
            None => Statement {
                sql: q.trim().to_owned(),
                binds: Vec::new(),
            },
        })
        .collect()
}

/// Microseconds of the work a submit repeats for each `course_versions` read: loading the stored
/// files of the attempt's course version (one query, JSON to a map) and parsing them into a course.
fn version_costs(db: &DbPool, attempt: &str) -> (f64, f64, usize) {
    use caravan::courses::store::{parse_stored, version_files};
    use caravan::db::sql_types::Id;
    use caravan::schema::quiz_attempts;
    let mut conn = db.get().expect("connection");
    let id: Id = attempt.parse().expect("attempt id");
    let version: caravan::db::sql_types::VersionId = quiz_attempts::table
        .find(id)
        .select(quiz_attempts::version_id)
        .first(&mut **conn)
        .expect("the attempt's version");
    let (_, files) = version_files(&mut conn, version).expect("version files");
    let bytes = files.iter().map(|(k, v)| k.len() + v.len()).sum();
    let timed = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        let mut n = 0u32;
        while n < 20 || start.elapsed() < Duration::from_millis(500) {
            f();
            n += 1;
        }
        start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    };
    let load = timed(&mut || {
        std::hint::black_box(version_files(&mut conn, version).expect("version files"));
    });
    let parse = timed(&mut || {
        std::hint::black_box(parse_stored(&files).expect("parse"));
    });
    (load, parse, bytes)
}

/// Whether each captured statement is among the prepared statements diesel keeps on a pooled
/// connection (`pg_prepared_statements`): one that is not is parsed and planned on every execution.
fn prepared_check(db: &DbPool, statements: &[Statement]) -> Vec<(usize, bool)> {
    let mut conn = db.get().expect("connection");
    let DbConn::Pg(c) = &mut **conn else {
        return Vec::new();
    };
    let prepared: Vec<String> =
        diesel::sql_query("SELECT statement AS value FROM pg_prepared_statements")
            .load::<TextRow>(c)
            .expect("pg_prepared_statements")
            .into_iter()
            .map(|r| r.value.trim().to_owned())
            .collect();
    statements
        .iter()
        .enumerate()
        .filter(|(_, st)| !st.binds.is_empty())
        .map(|(i, st)| (i + 1, prepared.contains(&st.sql)))
        .collect()
}

/// Transactions pgbench has started so far (the pool sequence) and pool attempts it closed.
fn pgbench_effect(db: &DbPool) -> (i64, i64) {
    let mut conn = db.get().expect("connection");
    let DbConn::Pg(c) = &mut **conn else {
        return (0, 0);
    };
    let row: TextRow = diesel::sql_query(
        "SELECT (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM caravan_bench_seq) \
         || ' ' || (SELECT count(*) FROM caravan_bench_pool p JOIN quiz_attempts a \
         ON a.id = p.attempt_id WHERE a.status <> 'open') AS value",
    )
    .get_result(c)
    .expect("pgbench effect");
    let mut parts = row.value.split(' ').map(|v| v.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

#[derive(QueryableByName)]
struct TextRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

fn main() {
    on_client_runtime(bench());
}

async fn bench() {
    capture::install();
    let run = Duration::from_secs(env_or("BENCH_SECONDS", RUN.as_secs()));
    let rounds = env_or("BENCH_ROUNDS", ROUNDS).max(1);
    let idempotency = env_or("BENCH_IDEMPOTENCY", 1u8) != 0;
    let dir = tempfile::tempdir().expect("tempdir");
    let (pg_database, database_url) = bench_database(dir.path());
    let db_name = pg_database.as_ref().map(|d| d.name.clone());
    let pg = db_name.is_some();
    let app = Application::build(settings(dir.path(), database_url.clone()))
        .await
        .expect("app");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.pool();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();

    // --- set-up ---
    let started = Instant::now();
    let published = quiz_course::publish(&client, &base, &db, "root@caravan.test", PASSWORD).await;
    let (course, quiz) = (published.course, published.quiz);
    let students: Vec<Student> = futures::stream::iter(0..STUDENTS)
        .map(|i| {
            student(
                client.clone(),
                base.clone(),
                course.clone(),
                quiz.clone(),
                i,
            )
        })
        .buffered(8)
        .collect()
        .await;
    let ctx = Ctx {
        client: client.clone(),
        base: base.clone(),
        students: Arc::new(students),
        queue: Arc::new(Mutex::new(Vec::new())),
        idempotency,
    };
    if pg {
        let mut conn = db.get().expect("connection");
        conn.batch_execute(
            "CREATE TABLE caravan_bench_pool (n BIGINT PRIMARY KEY, attempt_id UUID NOT NULL, \
             user_id UUID NOT NULL, idem_key TEXT NOT NULL); CREATE SEQUENCE caravan_bench_seq;",
        )
        .expect("pgbench pool table");
    }
    let mut attempts = Attempts {
        db: db.clone(),
        next_number: vec![1; STUDENTS],
        turn: 0,
        next_pgbench: 1,
    };
    let make = |attempts: &mut Attempts, count: usize, for_pgbench: bool| {
        tokio::task::block_in_place(|| attempts.make(&ctx.students, count, for_pgbench))
    };
    // Tops the queue of open attempts up to `want` before a run.
    let top_up = |attempts: &mut Attempts, want: usize| {
        let have = ctx.queued();
        if have < want {
            ctx.fill(make(attempts, want - have, false));
        }
    };
    top_up(&mut attempts, 4000);

    println!(
        "caravan quiz submission benchmark ({} cores, {CLIENTS} concurrent clients, {} s per run, \
         {rounds} rounds)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        run.as_secs()
    );
    match &db_name {
        Some(name) => println!("backend: postgresql (fresh database {name})"),
        None => println!("backend: sqlite"),
    }
    println!(
        "quiz: 10 questions (single_choice x2, multiple_choice, true_false, short_text, numeric x2, \
         ordering, matching, calculated), unlimited attempts, no time limit, review immediately"
    );
    println!(
        "{STUDENTS} students; each submit closes a different open attempt with all 10 answers{}",
        if idempotency {
            " and an Idempotency-Key"
        } else {
            " (no Idempotency-Key)"
        }
    );
    mail_delivered(&db).await;
    println!("set-up took {:.1} s", started.elapsed().as_secs_f64());

    // --- one submit with its SQL captured ---
    let sample = ctx.take().expect("an open attempt");
    let sample_key = idempotency.then(|| format!("capture-{}", sample.attempt));
    let statements = capture(&ctx, &sample, sample_key.clone()).await;
    println!();
    println!(
        "one submit issues {} statements on its connection:",
        statements.len()
    );
    for (i, st) in statements.iter().enumerate() {
        println!("  {:>2}. {}", i + 1, short(&st.sql, 150));
    }

    // --- the pgbench script (PostgreSQL) ---
    let script = if pg {
        let readback_pool = db.clone();
        let attempt = sample.attempt.clone();
        let json_of = move |column: &str| -> Option<String> {
            let mut conn = readback_pool.get().ok()?;
            let DbConn::Pg(c) = &mut **conn else {
                return None;
            };
            let column = column.replace('"', "");
            diesel::sql_query(format!(
                "SELECT \"{column}\"::text AS value FROM quiz_attempts WHERE id = '{attempt}'"
            ))
            .get_result::<TextRow>(c)
            .ok()
            .map(|r| r.value)
        };
        let known = Known {
            attempt: sample.attempt.clone(),
            user: ctx.students[sample.student].user_id.clone(),
            key: sample_key,
        };
        match tokio::task::block_in_place(|| build_script(&statements, &known, &json_of)) {
            Err(e) => {
                println!("no pgbench replay: {e}");
                None
            }
            Ok(script) => {
                let path = dir.path().join("submit.sql");
                std::fs::write(&path, &script.text).expect("write the script");
                println!();
                println!("pgbench script (constants are -D variables with the captured values):");
                for line in script.text.lines() {
                    println!("  {}", short(line, 200));
                }
                for (name, value) in &script.defines {
                    println!("  -D {name}={}", short(value, 80));
                }
                for note in &script.notes {
                    println!("differs from the app: {note}");
                }
                println!(
                    "differs from the app: constants (quiz id, version id, answers, grade, \
                     submitted_at, response body, ...) are the captured request's values in every \
                     transaction; each transaction still locks and updates one different open \
                     attempt (1 row) and inserts one new idempotency key (1 row)"
                );
                Some((path, script.defines))
            }
        }
    } else {
        None
    };

    // --- HTTP peak, alternating with the pgbench ceiling ---
    println!();
    println!(
        "{:<44} {:>9} {:>9} {:>9} {:>9}",
        "HTTP submits", "per s", "p50 ms", "p99 ms", "max ms"
    );
    let (warm, secs) = closed_loop(&ctx, WARMUP).await;
    let warm = report("warm-up (16 clients, closed loop)", warm, secs);
    let mut estimate = warm.rate;
    let mut tps_guess: Option<f64> = None;
    let mut peaks = Vec::new();
    let mut ceilings = Vec::new();
    for round in 1..=rounds {
        top_up(
            &mut attempts,
            (estimate * run.as_secs_f64() * 1.6) as usize + 500,
        );
        let cpu = cpu_now(db_name.as_deref());
        let (out, secs) = closed_loop(&ctx, run).await;
        let cpu_after = cpu_now(db_name.as_deref());
        let peak = report(
            &format!("round {round}: peak (16 clients, closed loop)"),
            out,
            secs,
        );
        report_cpu(cpu, cpu_after, secs, peak.rate * secs, pg);
        estimate = peak.rate;
        let Some((path, defines)) = &script else {
            peaks.push(peak);
            continue;
        };
        // pgbench connects as the app's pool does (no TLS to a server on this machine).
        let pgbench_url = caravan::db::connection_url(&database_url);
        let (url, name) = (pgbench_url.as_str(), db_name.as_deref().unwrap_or(""));
        if tps_guess.is_none() {
            make(&mut attempts, CLIENTS * PGBENCH_PROBE_TX + 200, true);
            let probe = tokio::task::block_in_place(|| {
                pgbench(
                    url,
                    name,
                    path,
                    defines,
                    Length::TransactionsPerClient(PGBENCH_PROBE_TX),
                    CLIENTS,
                )
            });
            println!(
                "  pgbench sizing run: {} transactions, tps {:.1}",
                probe.processed, probe.tps
            );
            tps_guess = Some(probe.tps.max(100.0));
        }
        let mut result = None;
        for _ in 0..2 {
            let guess = tps_guess.unwrap_or(1000.0);
            make(
                &mut attempts,
                (guess * run.as_secs_f64() * 1.6) as usize + 1000,
                true,
            );
            let r = tokio::task::block_in_place(|| {
                pgbench(
                    url,
                    name,
                    path,
                    defines,
                    Length::Seconds(run.as_secs()),
                    CLIENTS,
                )
            });
            if !r.aborted {
                result = Some(r);
                break;
            }
            println!("  pgbench run aborted; retrying with a larger pool of attempts");
            tps_guess = Some(guess.max(r.tps) * 3.0);
        }
        let Some(r) = result else {
            println!("  pgbench did not complete a run");
            peaks.push(peak);
            continue;
        };
        tps_guess = Some(r.tps);
        let (drawn, closed) = tokio::task::block_in_place(|| pgbench_effect(&db));
        println!(
            "  pgbench so far: {drawn} transactions drew an attempt, {closed} attempts closed ({})",
            if drawn == closed {
                "equal: every UPDATE changed one open attempt, as the app's does"
            } else {
                "DIFFERENT: some transactions did not close their attempt"
            }
        );
        println!(
            "round {round}: pgbench -n -M prepared -c {CLIENTS} -j {PGBENCH_THREADS} -T {}: {} \
             transactions, failed {}, latency average {}, tps {:.1}",
            run.as_secs(),
            r.processed,
            r.failed,
            r.latency,
            r.tps
        );
        if let Some((db_ms, own_ms)) = r.cpu_per_tx {
            println!(
                "  CPU per transaction: postgres backends {db_ms:.2} ms, pgbench {own_ms:.2} ms"
            );
        }
        println!(
            "round {round}: app {:.1} submissions/s vs pgbench {:.1} tps: {:.1}%",
            peak.rate,
            r.tps,
            100.0 * peak.rate / r.tps.max(f64::MIN_POSITIVE)
        );
        if round == rounds {
            println!("  pgbench latency per statement (ms), failures:");
            for l in &r.statement_latencies {
                println!("    {l}");
            }
        }
        peaks.push(peak);
        ceilings.push(r.tps);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let peak_rate = mean(&peaks.iter().map(|p| p.rate).collect::<Vec<_>>());

    // --- half the peak rate, paced ---
    let half = peak_rate / 2.0;
    top_up(&mut attempts, (half * run.as_secs_f64()) as usize + 100);
    let cpu = cpu_now(db_name.as_deref());
    let (out, secs) = paced(&ctx, half, run).await;
    let cpu_after = cpu_now(db_name.as_deref());
    let at_half = report(
        &format!("half peak ({half:.1}/s paced, 16 workers)"),
        out,
        secs,
    );
    report_cpu(cpu, cpu_after, secs, at_half.rate * secs, pg);

    // --- where a submit's work goes ---
    println!();
    let reads = statements
        .iter()
        .filter(|st| st.sql.contains("course_versions"))
        .count();
    let costs_pool = db.clone();
    let sample_attempt = sample.attempt.clone();
    let (load, parse, bytes) =
        tokio::task::block_in_place(|| version_costs(&costs_pool, &sample_attempt));
    println!(
        "the course version ({bytes} bytes of files) is read {reads} times per submit: \
         {load:.0} us to load it (query + JSON), {parse:.0} us to parse it, each time, on an idle \
         server"
    );
    if pg {
        let checked = tokio::task::block_in_place(|| prepared_check(&db, &statements));
        let unprepared: Vec<String> = checked
            .iter()
            .filter(|(_, cached)| !cached)
            .map(|(n, _)| n.to_string())
            .collect();
        println!(
            "statements with binds kept prepared by diesel on a pooled connection: {} of {}{}",
            checked.len() - unprepared.len(),
            checked.len(),
            if unprepared.is_empty() {
                String::new()
            } else {
                format!(
                    " (parsed and planned by PostgreSQL on every execution: {}; diesel never \
                     caches UPDATE statements, pgbench -M prepared plans them once, so this is \
                     work the ceiling does not do)",
                    unprepared.join(", ")
                )
            }
        );
    }

    // --- summary ---
    println!();
    println!("backend: {}", if pg { "postgresql" } else { "sqlite" });
    println!(
        "app submissions/s over HTTP ({CLIENTS} clients, mean of {} rounds): {peak_rate:.1} \
         (p50 {:.2} ms, p99 {:.2} ms in the last round)",
        peaks.len(),
        peaks.last().map_or(0.0, |p| p.p50),
        peaks.last().map_or(0.0, |p| p.p99),
    );
    if !ceilings.is_empty() {
        let ceiling = mean(&ceilings);
        let app: Vec<f64> = peaks.iter().take(ceilings.len()).map(|p| p.rate).collect();
        println!(
            "pgbench tps, the same statements ({CLIENTS} clients, mean of {} rounds): {ceiling:.1}",
            ceilings.len()
        );
        println!(
            "ratio app / pgbench: {:.1}% (target >= 70%)",
            100.0 * mean(&app) / ceiling
        );
    }
    println!(
        "p99 at half the peak rate ({half:.1}/s): {:.2} ms (target < 50 ms), p50 {:.2} ms",
        at_half.p99, at_half.p50
    );
    drop(db);
    drop(pg_database);
}
