//! Student reads, flat in history: the routes a student's frontend calls on every page, each
//! measured for a light student (one attempt) and a heavy one (500 attempts of the same quiz),
//! next to `GET /api/v1/me` (one authenticated indexed read: the
//! practical ceiling of a student read) measured in the same run.
//!
//! Set-up (not measured), all over HTTP: the seed catalog of `courses/` is imported at start, a
//! platform admin imports and publishes the benches' quiz course (`support/quiz_course.rs`: ten
//! questions, unlimited attempts, results shown at once), and the two students register, enroll
//! and start and submit their attempts.
//!
//! Measured: for each route and each student, requests/s and p99 latency from 16 concurrent
//! clients (closed loop, `BENCH_SECONDS` each, default 5, after a 1 s warm-up), each right after
//! `GET /me` for the same student (the machine is shared and its speed drifts within a run), and
//! the size of the heavy student's response; then a table with each route's rate as a share of
//! the `GET /me` measured before it (target: at least 50%) and the heavy student's share against
//! the light one's (target: within 20%). On PostgreSQL it then captures the SQL each
//! route issues for the heavy student (diesel's default instrumentation) and prints, per query,
//! the rows it returned and `EXPLAIN (ANALYZE, BUFFERS)` of it with its captured values. Nothing is
//! asserted about timings.
//!
//! Run with `cargo bench --bench student_reads` (SQLite in a temporary directory), or with
//! `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench student_reads`:
//! the bench then creates a fresh database `caravan_bench_<uuid>` on that server and drops it at
//! the end. `BENCH_ATTEMPTS` (default 500) sets the heavy student's history. Both students are
//! enrolled in 50 courses (the seed catalog, topped up with copies of the quiz course), so the
//! two differ only in their attempt history; after set-up the bench runs `VACUUM (ANALYZE)`
//! (`ANALYZE` on SQLite), the state autovacuum keeps a running database in.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use caravan::startup::Application;
use diesel::prelude::*;
use serde_json::{json, Value};

#[path = "support/mod.rs"]
mod support;
use support::capture::{self, captured, CAPTURE};
use support::quiz_course::{self, response_for};
use support::*;

const PASSWORD: &str = "bench-passphrase-violet-harbour";
const CLIENTS: usize = 16;
const ENROLLMENTS: usize = 50;
const WARMUP: Duration = Duration::from_secs(1);

// --- the students ---

struct Student {
    label: &'static str,
    token: String,
    attempts: usize,
    enrollments: usize,
}

async fn request(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = client.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let reply = req.send().await.expect("request");
    let status = reply.status().as_u16();
    (status, reply.json().await.unwrap_or_default())
}

/// What the students are made in: the server, the catalog's course ids, the bench course and quiz.
struct Setup {
    client: reqwest::Client,
    base: String,
    catalog: Vec<String>,
    course: String,
    quiz: String,
}

/// Registers and logs in a student, enrolls them in the bench course and catalog courses up to
/// `enrollments` in all, and makes `attempts` graded attempts of the bench quiz.
async fn student(
    setup: &Setup,
    label: &'static str,
    attempts: usize,
    enrollments: usize,
) -> Student {
    let wanted = enrollments;
    let Setup {
        client,
        base,
        catalog,
        course,
        quiz,
    } = setup;
    let email = format!("{label}@bench.test");
    let (token, _) = enrolled_student(client, base, course, &email, PASSWORD).await;
    let mut enrollments = 1;
    for id in catalog {
        if enrollments >= wanted {
            break;
        }
        // Courses with prerequisites refuse; the catalog has enough without.
        let (status, _) = post(
            client,
            format!("{base}/api/v1/courses/{id}/enroll"),
            Some(&token),
            json!({}),
        )
        .await;
        if status == 201 {
            enrollments += 1;
        }
    }
    for i in 0..attempts {
        let (status, attempt) = post(
            client,
            format!("{base}/api/v1/quizzes/{quiz}/attempts"),
            Some(&token),
            json!({}),
        )
        .await;
        assert_eq!(status, 201, "start: {attempt}");
        let answers: Vec<Value> = attempt["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .map(|q| json!({"question_id": q["question_id"], "response": response_for(q, i)}))
            .collect();
        let id = attempt["id"].as_str().expect("attempt id");
        let (status, body) = post(
            client,
            format!("{base}/api/v1/attempts/{id}/submit"),
            Some(&token),
            json!({ "answers": answers }),
        )
        .await;
        assert_eq!(status, 200, "submit: {body}");
    }
    Student {
        label,
        token,
        attempts,
        enrollments,
    }
}

// --- measuring ---

struct Figures {
    rate: f64,
    p99: Duration,
    failures: usize,
}

/// `GET url` from `CLIENTS` concurrent clients for `run` after a warm-up.
async fn measure(client: &reqwest::Client, url: &str, token: &str, run: Duration) -> Figures {
    let warm_until = Instant::now() + WARMUP;
    let until = warm_until + run;
    let workers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (client, url, token) = (client.clone(), url.to_owned(), token.to_owned());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = 0;
                loop {
                    let sent = Instant::now();
                    if sent >= until {
                        break;
                    }
                    let ok = match client.get(&url).bearer_auth(&token).send().await {
                        Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    if sent >= warm_until {
                        latencies.push(sent.elapsed());
                        failures += usize::from(!ok);
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failures = 0;
    for w in workers {
        let (l, f) = w.await.expect("worker");
        latencies.extend(l);
        failures += f;
    }
    latencies.sort();
    Figures {
        rate: latencies.len() as f64 / run.as_secs_f64(),
        p99: percentile(&latencies, 0.99),
        failures,
    }
}

// --- EXPLAIN on PostgreSQL ---

#[derive(diesel::QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
    line: String,
}

/// The values of diesel's `-- binds: [...]` as SQL literals PostgreSQL coerces to each
/// parameter's type: `Id(x)` and other wrappers give their inner value, strings are quoted.
fn literals(binds: &str) -> Option<Vec<String>> {
    let inner = binds.trim().strip_prefix('[')?.strip_suffix(']')?;
    let mut values = Vec::new();
    let (mut depth, mut quoted, mut escaped, mut current) = (0, false, false, String::new());
    for c in inner.chars() {
        match c {
            _ if escaped => {
                current.push(c);
                escaped = false;
            }
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '(' | '[' if !quoted => {
                depth += 1;
                current.push(c);
            }
            ')' | ']' if !quoted => {
                depth -= 1;
                current.push(c);
            }
            ',' if !quoted && depth == 0 => values.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if !current.trim().is_empty() {
        values.push(current);
    }
    values
        .iter()
        .map(|v| {
            let mut v = v.trim();
            while let Some(open) = v.find('(') {
                v = v[open + 1..].strip_suffix(')')?;
            }
            Some(match v {
                "None" => "NULL".to_owned(),
                // A stored state (`db::status`) prints its variant, `NeedsGrading`; the column
                // holds its snake_case word, `needs_grading`.
                _ if v.starts_with(|c: char| c.is_ascii_uppercase())
                    && v.chars().all(|c| c.is_ascii_alphanumeric()) =>
                {
                    let mut word = String::new();
                    for c in v.chars() {
                        if c.is_ascii_uppercase() && !word.is_empty() {
                            word.push('_');
                        }
                        word.push(c.to_ascii_lowercase());
                    }
                    format!("'{word}'")
                }
                _ => format!("'{}'", v.replace('\'', "''")),
            })
        })
        .collect()
}

/// The plan of one captured query, run with its captured values written in as literals (the plan
/// PostgreSQL makes for the first executions of a prepared statement, which plan for the values
/// given). Literals rather than PREPARE and EXECUTE: a parameter bound to NULL in a UNION's
/// select list has no type PostgreSQL could infer without the types diesel sends along.
fn explain(conn: &mut diesel::PgConnection, captured: &str) -> Result<Vec<String>, String> {
    let (sql, binds) = captured
        .split_once("-- binds:")
        .ok_or("no binds in the captured query")?;
    let values = literals(binds).ok_or("cannot read the binds")?;
    let mut sql = sql.to_owned();
    // From the highest number down, so that `$1` is not taken for the start of `$12`.
    for (i, value) in values.iter().enumerate().rev() {
        sql = sql.replace(&format!("${}", i + 1), value);
    }
    diesel::sql_query(format!("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) {sql}"))
        .load::<PlanLine>(conn)
        .map(|lines| lines.into_iter().map(|l| l.line).collect())
        .map_err(|e| e.to_string())
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(bench());
}

async fn bench() {
    capture::install();
    let run = Duration::from_secs(env_or("BENCH_SECONDS", 5));
    let heavy_attempts = env_or("BENCH_ATTEMPTS", 500usize);
    let dir = tempfile::tempdir().expect("tempdir");
    let (pg_database, database_url) = bench_database(dir.path());
    let mut settings = support::settings(dir.path(), database_url.clone());
    settings.courses_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("courses");
    settings.import_courses_on_empty = true;
    let started = Instant::now();
    let app = Application::build(settings).await.expect("app");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.pool();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();

    let published = quiz_course::publish(&client, &base, &db, "root@bench.test", PASSWORD).await;
    let (root, course, quiz) = (published.root, published.course, published.quiz);
    let (_, page) = request(
        &client,
        reqwest::Method::GET,
        format!("{base}/api/v1/courses?limit=100"),
        &root,
        None,
    )
    .await;
    let mut catalog: Vec<String> = page["items"]
        .as_array()
        .expect("catalog items")
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .filter(|id| *id != course)
        .collect();
    // Copies of the quiz course under other slugs, until there are enough to enroll in.
    for n in catalog.len()..ENROLLMENTS {
        let mut files = quiz_course::course_files();
        let course_toml = files.get_mut("course.toml").expect("course.toml");
        *course_toml = course_toml.replace("submission-bench", &format!("reads-extra-{n}"));
        let (status, body) = post(
            &client,
            format!("{base}/api/v1/courses/import"),
            Some(&root),
            json!({"files": files, "publish": true}),
        )
        .await;
        assert_eq!(status, 200, "import: {body}");
        catalog.push(body["course"]["id"].as_str().expect("course id").to_owned());
    }
    let setup = Setup {
        client: client.clone(),
        base: base.clone(),
        catalog,
        course: course.clone(),
        quiz,
    };
    // Both students have as many enrollments, so the two differ only in their attempt history.
    let light = student(&setup, "light", 1, ENROLLMENTS).await;
    let heavy = student(&setup, "heavy", heavy_attempts, ENROLLMENTS).await;

    // The state a running deployment is in: statistics gathered, and on PostgreSQL the visibility
    // map set by (auto)vacuum, which index-only scans rely on.
    {
        use diesel::connection::SimpleConnection;
        let mut conn = db.get().expect("connection");
        let sql = if pg_database.is_some() {
            "VACUUM (ANALYZE)"
        } else {
            "ANALYZE"
        };
        conn.batch_execute(sql).expect("vacuum and analyze");
    }

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "caravan student reads benchmark ({cores} cores, {CLIENTS} concurrent clients, {} s per \
         route and student)",
        run.as_secs()
    );
    match &pg_database {
        Some(d) => println!("backend: postgresql (fresh database {})", d.name),
        None => println!("backend: sqlite"),
    }
    println!(
        "catalog: {} published courses; set-up took {:.1} s",
        setup.catalog.len() + 1,
        started.elapsed().as_secs_f64()
    );
    for s in [&light, &heavy] {
        println!(
            "student {}: {} enrollments, {} graded attempts",
            s.label, s.enrollments, s.attempts
        );
    }

    let routes: Vec<(&str, String)> = vec![
        ("GET /me", "/api/v1/me".into()),
        ("GET /me/progress", "/api/v1/me/progress".into()),
        (
            "GET /me/courses/{id}/progress",
            format!("/api/v1/me/courses/{course}/progress"),
        ),
        ("GET /me/enrollments", "/api/v1/me/enrollments".into()),
        ("GET /me/certificates", "/api/v1/me/certificates".into()),
        ("GET /courses", "/api/v1/courses".into()),
        ("GET /courses/{id}", format!("/api/v1/courses/{course}")),
    ];
    // The machine's speed drifts over a run (it is shared), so each route is compared with GET /me
    // measured right before it, for the same student.
    let me_url = format!("{base}/api/v1/me");
    let mut figures = Vec::new();
    // `BENCH_ONLY=progress` measures only the routes whose name holds it (for profiling one).
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    for (name, path) in routes.iter().filter(|(name, _)| name.contains(&only)) {
        let url = format!("{base}{path}");
        let (mut bytes, mut rows) = (0, Vec::new());
        for student in [&light, &heavy] {
            let me = measure(&client, &me_url, &student.token, run).await;
            let route = measure(&client, &url, &student.token, run).await;
            if student.label == "heavy" {
                let reply = client.get(&url).bearer_auth(&student.token).send().await;
                bytes = match reply {
                    Ok(r) => r.bytes().await.map_or(0, |b| b.len()),
                    Err(_) => 0,
                };
            }
            rows.push((me, route));
        }
        let (light_me, l) = rows.remove(0);
        let (heavy_me, h) = rows.remove(0);
        println!(
            "  {name:<30} light {:>6.0} req/s p99 {:>6.2} ms (me {:>6.0}) | heavy {:>6.0} req/s p99 {:>6.2} ms (me {:>6.0}) | {bytes} B{}",
            l.rate,
            l.p99.as_secs_f64() * 1e3,
            light_me.rate,
            h.rate,
            h.p99.as_secs_f64() * 1e3,
            heavy_me.rate,
            if l.failures + h.failures > 0 {
                format!("  ({} non-200)", l.failures + h.failures)
            } else {
                String::new()
            }
        );
        figures.push((name, l, h, light_me.rate, heavy_me.rate));
    }

    println!();
    println!(
        "summary (targets: every route >= 50% of GET /me measured just before it; heavy within 20% \
         of light)"
    );
    println!(
        "  {:<30} {:>12} {:>12} {:>14}",
        "route", "light / me", "heavy / me", "heavy / light"
    );
    let mut misses = 0;
    for (name, l, h, light_me, heavy_me) in &figures {
        let (share_light, share_heavy) = (l.rate / light_me, h.rate / heavy_me);
        // Flatness from the shares: each against its own adjacent GET /me, so drift cancels.
        let flat = share_heavy / share_light;
        let ok = share_light >= 0.5 && share_heavy >= 0.5 && flat >= 0.8;
        misses += usize::from(!ok);
        println!(
            "  {name:<30} {:>11.0}% {:>11.0}% {:>13.0}%  {}",
            share_light * 100.0,
            share_heavy * 100.0,
            flat * 100.0,
            if ok { "ok" } else { "MISSED" }
        );
    }
    println!(
        "{} of {} routes meet both targets",
        figures.len() - misses,
        figures.len()
    );

    // A connection of its own for EXPLAIN on PostgreSQL, kept out of the server's pool.
    let mut explainer = pg_database
        .is_some()
        .then(|| diesel::PgConnection::establish(&database_url).expect("connect for EXPLAIN"));
    println!();
    match explainer {
        Some(_) => println!("the SQL each route issues for the heavy student, with its plan:"),
        None => println!("the SQL each route issues for the heavy student:"),
    }
    for (name, path) in routes.iter().filter(|(name, _)| name.contains(&only)) {
        captured().clear();
        CAPTURE.store(true, Ordering::Relaxed);
        let (status, _) = request(
            &client,
            reqwest::Method::GET,
            format!("{base}{path}"),
            &heavy.token,
            None,
        )
        .await;
        CAPTURE.store(false, Ordering::Relaxed);
        assert_eq!(status, 200, "{name}");
        let queries = std::mem::take(&mut *captured());
        println!();
        println!("== {name}: {} queries", queries.len());
        for (i, (_, q)) in queries.iter().enumerate() {
            let sql = q.split("-- binds:").next().unwrap_or(q).trim();
            println!("  {}. {}", i + 1, sql.chars().take(220).collect::<String>());
            let Some(pg) = explainer.as_mut() else {
                continue;
            };
            // A UNION's SQL opens with the parenthesised first SELECT.
            if !sql
                .trim_start_matches(|c: char| c == '(' || c.is_whitespace())
                .to_ascii_uppercase()
                .starts_with("SELECT")
            {
                continue;
            }
            match explain(pg, q) {
                Ok(plan) => plan.iter().for_each(|l| println!("       {l}")),
                Err(e) => println!("       (no plan: {e})"),
            }
        }
    }
    drop(pg_database);
}
