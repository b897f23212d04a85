//! The quiz job end to end, as a student does it: start an attempt of the 10-question quiz
//! (`POST /api/v1/quizzes/{id}/attempts`), answer all 10 questions from what the start returned and
//! submit them (`POST /api/v1/attempts/{id}/submit`), graded. 8 clients; each owns its own
//! students and goes round them one after another, so a student has at most one open attempt and
//! no two clients wait on the same student's rows (enrollment, quiz result, mastery).
//!
//! Set-up (not measured): a platform admin imports and publishes the benches' quiz course;
//! `BENCH_STUDENTS` students (default 240) register, log in and enroll over HTTP.
//!
//! Measured, over HTTP: start+submit cycles/s at 8 clients (closed loop, 10 s after a 2 s warm-up)
//! with the p50/p99 of a whole cycle, and the CPU per cycle read from /proc: caravan (this process
//! but the load generator, whose threads are named `bench-client`), the load generator and, on
//! PostgreSQL, the bench database's backends. Target: caravan + its backends at most 2.0 ms per
//! cycle. Before the runs, one cycle is made with diesel's instrumentation on and the statements
//! of its start and its submit are listed.
//!
//! On PostgreSQL also the lean ceiling: a hand-written pgbench script of the same two
//! transactions at their leanest, leaving the same rows behind (an attempt started from the
//! student's newest; then that attempt closed with its grade, its competency evidence, the
//! student's mastery, their quiz result and their enrollment figures), run by `pgbench -n -M
//! prepared -c 8` with each client on its own students too. The app's cycles/s is printed against
//! its transactions/s, with the backends' CPU of both. App and pgbench alternate for two rounds
//! (the machine's speed drifts). Nothing is asserted about timings.
//!
//! Run with `cargo bench --bench attempt_cycle` (SQLite in a temporary directory) or with
//! `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench attempt_cycle`
//! (a fresh database `caravan_bench_<uuid>` on that server, dropped at the end). `BENCH_SECONDS`
//! (default 10), `BENCH_ROUNDS` (default 2) and `BENCH_CLIENTS` (default 8) change the runs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use caravan::startup::Application;
use diesel::connection::SimpleConnection;
use futures::StreamExt;
use serde_json::{json, Value};

#[path = "support/mod.rs"]
mod support;
use support::capture::{self, captured, CAPTURE};
use support::measure::*;
use support::quiz_course::{self, response_for};
use support::*;

const PASSWORD: &str = "violet-harbour-lantern-42";
const STUDENTS: usize = 240;
const CLIENTS: usize = 8;
const RUN: Duration = Duration::from_secs(10);
const WARMUP: Duration = Duration::from_secs(2);
const ROUNDS: usize = 2;
/// Server CPU (caravan and its PostgreSQL backends) one start+submit may cost.
const TARGET_MS: f64 = 2.0;

// --- students and their cycles ---

struct Student {
    token: String,
    user_id: String,
}

/// Registers, logs in and enrolls student `i`.
async fn student(client: reqwest::Client, base: String, course: String, i: usize) -> Student {
    let email = format!("cycle{i}@bench.test");
    let (token, user_id) = enrolled_student(&client, &base, &course, &email, PASSWORD).await;
    Student { token, user_id }
}

#[derive(Clone)]
struct Ctx {
    client: reqwest::Client,
    base: String,
    quiz: String,
    students: Arc<Vec<Student>>,
    clients: usize,
}

impl Ctx {
    /// Starts an attempt for student `s`, answers every question it shows and submits; the
    /// status of the first request that did not succeed, or None for a transport error.
    async fn cycle(&self, s: usize) -> Result<(), Option<u16>> {
        let student = &self.students[s];
        let started = self
            .client
            .post(format!(
                "{}/api/v1/quizzes/{}/attempts",
                self.base, self.quiz
            ))
            .bearer_auth(&student.token)
            .json(&json!({}))
            .send()
            .await
            .map_err(|_| None)?;
        if started.status().as_u16() != 201 {
            return Err(Some(started.status().as_u16()));
        }
        let attempt: Value = started.json().await.map_err(|_| None)?;
        let answers: Vec<Value> = attempt["questions"]
            .as_array()
            .map(|qs| {
                qs.iter()
                    .map(|q| json!({"question_id": q["question_id"], "response": response_for(q, s)}))
                    .collect()
            })
            .unwrap_or_default();
        let id = attempt["id"].as_str().unwrap_or_default();
        let submitted = self
            .client
            .post(format!("{}/api/v1/attempts/{id}/submit", self.base))
            .bearer_auth(&student.token)
            .json(&json!({ "answers": answers }))
            .send()
            .await
            .map_err(|_| None)?;
        let status = submitted.status().as_u16();
        submitted.bytes().await.map_err(|_| None)?;
        if status == 200 {
            Ok(())
        } else {
            Err(Some(status))
        }
    }
}

#[derive(Default)]
struct Outcome {
    cycles: u64,
    failures: Vec<Option<u16>>,
    latencies: Vec<Duration>,
}

/// `ctx.clients` clients, client `w` going round students `w`, `w + clients`, ... for `run`.
async fn closed_loop(ctx: &Ctx, run: Duration) -> (Outcome, f64) {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let workers: Vec<_> = (0..ctx.clients)
        .map(|w| {
            let (ctx, stop) = (ctx.clone(), stop.clone());
            tokio::spawn(async move {
                let mut out = Outcome::default();
                let own: Vec<usize> = (w..ctx.students.len()).step_by(ctx.clients).collect();
                for s in own.iter().cycle() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let t = Instant::now();
                    match ctx.cycle(*s).await {
                        Ok(()) => {
                            out.cycles += 1;
                            out.latencies.push(t.elapsed());
                        }
                        Err(e) => out.failures.push(e),
                    }
                }
                out
            })
        })
        .collect();
    tokio::time::sleep(run).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = Outcome::default();
    for w in workers {
        let out = w.await.expect("worker");
        total.cycles += out.cycles;
        total.failures.extend(out.failures);
        total.latencies.extend(out.latencies);
    }
    (total, start.elapsed().as_secs_f64())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

// --- the lean ceiling ---

/// The two transactions of a start+submit at their leanest. `:s` is one of the client's own
/// students; the grade, answers and questions are those of a real graded attempt
/// (`caravan_bench_template`), so the rows written are the app's in shape and size.
const LEAN_SCRIPT: &str = r#"\set s :client_id + :clients * random(0, :per_client - 1)
BEGIN;
INSERT INTO quiz_attempts (id, quiz_id, course_id, version_id, user_id, number, status, seed, questions, answers, started_at) SELECT gen_random_uuid(), :quiz::uuid, :course::uuid, :version::uuid, b.user_id, coalesce((SELECT max(a.number) FROM quiz_attempts a WHERE a.user_id = b.user_id AND a.quiz_id = :quiz::uuid), 0) + 1, 'open', 7, t.questions, '{}', now() FROM caravan_bench_students b, caravan_bench_template t WHERE b.n = :s RETURNING id AS attempt, user_id AS uid \gset
COMMIT;
BEGIN;
UPDATE quiz_attempts a SET status = 'graded', answers = t.answers, submitted_at = now(), score = t.score, max_score = t.max_score, result = t.result FROM caravan_bench_template t WHERE a.id = :attempt::uuid AND a.status = 'open';
INSERT INTO competency_evidence (attempt_id, competency, user_id, share, points, observed_at) SELECT :attempt::uuid, 'trade.incoterms', :uid::uuid, t.score / t.max_score, t.max_score, now() FROM caravan_bench_template t;
INSERT INTO competency_mastery (user_id, competency, level, evidence_count, mastered, updated_at) SELECT :uid::uuid, 'trade.incoterms', t.score / t.max_score, 1, t.score / t.max_score >= 0.8, now() FROM caravan_bench_template t ON CONFLICT (user_id, competency) DO UPDATE SET level = (competency_mastery.level * least(competency_mastery.evidence_count, 9) + excluded.level) / (least(competency_mastery.evidence_count, 9) + 1), evidence_count = competency_mastery.evidence_count + 1, mastered = excluded.mastered, updated_at = excluded.updated_at;
INSERT INTO quiz_results AS r (user_id, quiz_id, course_id, share, passed, attempts_graded, pending, updated_at, shares_sum, best_share, first_share, last_share) SELECT :uid::uuid, :quiz::uuid, :course::uuid, t.score / t.max_score, t.score / t.max_score >= 0.7, 1, 0, now(), t.score / t.max_score, t.score / t.max_score, t.score / t.max_score, t.score / t.max_score FROM caravan_bench_template t ON CONFLICT (user_id, quiz_id) DO UPDATE SET share = greatest(r.best_share, excluded.share), passed = greatest(r.best_share, excluded.share) >= 0.7, attempts_graded = r.attempts_graded + 1, shares_sum = r.shares_sum + excluded.share, best_share = greatest(r.best_share, excluded.share), last_share = excluded.share, updated_at = excluded.updated_at RETURNING share, passed::int AS passed \gset
UPDATE enrollments SET score = :share, quizzes_passed = :passed, percent = 100.0 * (lessons_done + :passed) / greatest(lessons_total + quizzes_total, 1), last_activity_at = now() WHERE user_id = :uid::uuid AND course_id = :course::uuid;
COMMIT;
"#;

/// The lean ceiling's tables: the students by number and one real graded attempt.
fn lean_setup(db: &caravan::db::Pool, students: &[Student]) {
    let rows: Vec<String> = students
        .iter()
        .enumerate()
        .map(|(n, s)| format!("({n}, '{}')", s.user_id))
        .collect();
    let mut conn = db.get().expect("connection");
    conn.batch_execute(&format!(
        "CREATE TABLE caravan_bench_students (n INT PRIMARY KEY, user_id UUID NOT NULL); \
         INSERT INTO caravan_bench_students VALUES {}; \
         CREATE TABLE caravan_bench_template AS SELECT questions, answers, result, score, max_score \
         FROM quiz_attempts WHERE status = 'graded' LIMIT 1; \
         ANALYZE;",
        rows.join(",")
    ))
    .expect("lean ceiling tables");
}

// --- the run ---

fn main() {
    on_client_runtime(bench());
}

async fn bench() {
    capture::install();
    let run = Duration::from_secs(env_or("BENCH_SECONDS", RUN.as_secs()));
    let rounds = env_or("BENCH_ROUNDS", ROUNDS).max(1);
    let clients = env_or("BENCH_CLIENTS", CLIENTS).max(1);
    let count = env_or("BENCH_STUDENTS", STUDENTS).max(clients);
    // Every client owns the same number of students (pgbench draws from that many).
    let count = count - count % clients;
    let dir = tempfile::tempdir().expect("tempdir");
    let (pg_database, database_url) = bench_database(dir.path());
    let db_name = pg_database.as_ref().map(|d| d.name.clone());
    let app = Application::build(settings(dir.path(), database_url.clone()))
        .await
        .expect("app");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.pool();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();

    let started = Instant::now();
    let published = quiz_course::publish(&client, &base, &db, "root@caravan.test", PASSWORD).await;
    let students: Vec<Student> = futures::stream::iter(0..count)
        .map(|i| student(client.clone(), base.clone(), published.course.clone(), i))
        .buffered(8)
        .collect()
        .await;
    let ctx = Ctx {
        client: client.clone(),
        base: base.clone(),
        quiz: published.quiz.clone(),
        students: Arc::new(students),
        clients,
    };
    println!(
        "caravan start+submit benchmark ({} cores, {clients} clients, {} s per run, {rounds} rounds)",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        run.as_secs()
    );
    match &db_name {
        Some(name) => println!("backend: postgresql (fresh database {name})"),
        None => println!("backend: sqlite"),
    }
    println!(
        "quiz: 10 questions, unlimited attempts, no time limit, grading method highest, review \
         immediately; {count} students, {} per client",
        count / clients
    );
    mail_delivered(&db).await;
    println!("set-up took {:.1} s", started.elapsed().as_secs_f64());

    // One cycle with its SQL listed, then a warm-up.
    ctx.cycle(0).await.expect("a first cycle");
    captured().clear();
    CAPTURE.store(true, Ordering::SeqCst);
    ctx.cycle(0).await.expect("the captured cycle");
    CAPTURE.store(false, Ordering::SeqCst);
    // The SQL of each statement without its binds.
    let statements: Vec<String> = std::mem::take(&mut *captured())
        .into_iter()
        .map(|(_, query)| {
            query
                .split(" -- binds:")
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    println!("\nstatements of one start+submit ({}):", statements.len());
    for (i, sql) in statements.iter().enumerate() {
        println!("  {:>2}. {}", i + 1, short(sql, 140));
    }
    closed_loop(&ctx, WARMUP).await;

    let pg = db_name.is_some();
    let lean_script = dir.path().join("lean.sql");
    if pg {
        let (db, students) = (db.clone(), ctx.students.clone());
        tokio::task::spawn_blocking(move || lean_setup(&db, &students))
            .await
            .expect("join");
        std::fs::write(&lean_script, LEAN_SCRIPT).expect("write the lean script");
    }
    // The published version the students' attempts are started from.
    let version = if pg {
        let mut conn = db.get().expect("connection");
        let rows: Vec<VersionRow> = diesel::RunQueryDsl::load(
            diesel::sql_query("SELECT version_id::text AS version_id FROM quiz_attempts LIMIT 1"),
            &mut **conn,
        )
        .expect("the version");
        rows.into_iter().next().expect("an attempt").version_id
    } else {
        String::new()
    };
    let mut app_rates = Vec::new();
    let mut app_server_ms = Vec::new();
    let mut lean_rates = Vec::new();
    let mut lean_db_ms = Vec::new();
    for round in 1..=rounds {
        let before = cpu_now(db_name.as_deref());
        let (mut out, secs) = closed_loop(&ctx, run).await;
        let after = cpu_now(db_name.as_deref());
        out.latencies.sort();
        let rate = out.cycles as f64 / secs;
        let per = |cpu: f64| 1e3 * cpu / (out.cycles.max(1) as f64);
        let (app_ms, client_ms, db_ms) = (
            per(after.app - before.app),
            per(after.client - before.client),
            per(after.db - before.db),
        );
        println!(
            "\nround {round}: app over HTTP: {rate:.1} start+submit/s, p50 {:.1} ms, p99 {:.1} ms \
             per cycle, failures {}",
            ms(percentile(&out.latencies, 0.5)),
            ms(percentile(&out.latencies, 0.99)),
            out.failures.len()
        );
        if let Some(first) = out.failures.first() {
            println!("  first failure: {first:?}");
        }
        let server = app_ms + if pg { db_ms } else { 0.0 };
        println!(
            "  CPU per start+submit: caravan {app_ms:.2} ms{}, server total {server:.2} ms \
             (target <= {TARGET_MS:.1}); load generator {client_ms:.2} ms",
            if pg {
                format!(", postgres backends {db_ms:.2} ms")
            } else {
                String::new()
            }
        );
        app_rates.push(rate);
        app_server_ms.push(server);
        if let Some(name) = &db_name {
            let defines = vec![
                ("clients".to_owned(), clients.to_string()),
                ("per_client".to_owned(), (count / clients).to_string()),
                ("quiz".to_owned(), published.quiz.clone()),
                ("course".to_owned(), published.course.clone()),
                ("version".to_owned(), version.clone()),
            ];
            // pgbench connects as the app's pool does (no TLS to a server on this machine).
            let url = caravan::db::connection_url(&database_url);
            let (name, path) = (name.clone(), lean_script.clone());
            let r = tokio::task::spawn_blocking(move || {
                pgbench(
                    &url,
                    &name,
                    &path,
                    &defines,
                    Length::Seconds(run.as_secs()),
                    clients,
                )
            })
            .await
            .expect("join");
            let (db_ms, own_ms) = r.cpu_per_tx.unwrap_or_default();
            println!(
                "  lean ceiling, pgbench -c {clients}: {:.1} tps (start+submit), latency {}, \
                 failed {}{}; postgres backends {db_ms:.2} ms, pgbench {own_ms:.2} ms per cycle",
                r.tps,
                r.latency,
                r.failed,
                if r.aborted { " (ABORTED)" } else { "" }
            );
            if round == 1 {
                for line in &r.statement_latencies {
                    println!("    {line}");
                }
            }
            lean_rates.push(r.tps);
            lean_db_ms.push(db_ms);
        }
    }

    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    println!("\nsummary ({} rounds):", rounds);
    println!(
        "  app: {:.1} start+submit/s, server CPU {:.2} ms per cycle (target <= {TARGET_MS:.1} ms): {}",
        mean(&app_rates),
        mean(&app_server_ms),
        if mean(&app_server_ms) <= TARGET_MS {
            "met"
        } else {
            "MISSED"
        }
    );
    if pg {
        println!(
            "  lean ceiling: {:.1} tps at {:.2} ms of postgres CPU per cycle; app at {:.0}% of it",
            mean(&lean_rates),
            mean(&lean_db_ms),
            100.0 * mean(&app_rates) / mean(&lean_rates).max(1e-9)
        );
    }
    drop(pg_database);
}

#[derive(diesel::QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version_id: String,
}
