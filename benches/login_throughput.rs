//! Login throughput against the ceiling of the same machine: the raw argon2id verification rate
//! with the same parameters, measured in the same run. While logins run, a probe measures how
//! quickly /healthz answers, which shows that hashing never blocks the async workers.
//!
//! Run with `cargo bench --bench login_throughput` (SQLite), or with `BENCH_DATABASE_URL=postgres://...`;
//! `BENCH_ROUNDS` sets how many ceiling/storm rounds alternate (default 8).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use caravan::security::password::{hash_blocking, verify_with_memory};
use caravan::startup::Application;

#[path = "support/mod.rs"]
mod support;
use support::*;

const PASSWORD: &str = "violet-harbour-lantern-42";
const USERS: usize = 16;
const CLIENTS: usize = 16;
// Short rounds, many of them: this machine's speed drifts within seconds (a shared VM), so the
// mean over many alternations compares like with like better than a few long ones.
const STORM_RUN: Duration = Duration::from_secs(3);
const CEILING_RUN: Duration = Duration::from_secs(2);
const DEFAULT_ROUNDS: usize = 8;

/// Verifications per second with every core busy: the ceiling for logins.
fn raw_argon2_rate(run: Duration) -> f64 {
    let hash = hash_blocking(PASSWORD).expect("hash");
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (hash, count) = (hash.clone(), count.clone());
            std::thread::spawn(move || {
                // The same verification routine the server uses, each thread reusing its memory:
                // the fastest these cores can check passwords.
                let mut memory = Vec::new();
                while start.elapsed() < run {
                    assert!(verify_with_memory(PASSWORD, &hash, &mut memory));
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("thread");
    }
    count.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// Logs in from `CLIENTS` concurrent clients for `STORM_RUN` while probing /healthz; returns
/// logins per second, failed logins and the probe latencies.
async fn storm(
    client: &reqwest::Client,
    base: &str,
    emails: &[String],
) -> (f64, u64, Vec<Duration>) {
    let stop = Arc::new(AtomicBool::new(false));
    let logins = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut workers = Vec::new();
    for c in 0..CLIENTS {
        let (client, base, stop, logins, failures) = (
            client.clone(),
            base.to_owned(),
            stop.clone(),
            logins.clone(),
            failures.clone(),
        );
        let email = emails[c % USERS].clone();
        workers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let r = client
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&serde_json::json!({"email": email, "password": PASSWORD}))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == 200 => logins.fetch_add(1, Ordering::Relaxed),
                    _ => failures.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    let probe = {
        let (client, base, stop) = (client.clone(), base.to_owned(), stop.clone());
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                if client
                    .get(format!("{base}/healthz"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 200)
                {
                    samples.push(t.elapsed());
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            samples
        })
    };
    tokio::time::sleep(STORM_RUN).await;
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let samples = probe.await.expect("probe");
    (
        logins.load(Ordering::Relaxed) as f64 / elapsed,
        failures.load(Ordering::Relaxed),
        samples,
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let database_url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let app = Application::build(settings(dir.path(), database_url.clone()))
        .await
        .expect("app");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let stamp = uuid::Uuid::now_v7().simple().to_string();
    let emails: Vec<String> = (0..USERS)
        .map(|i| format!("bench{i}-{stamp}@example.com"))
        .collect();
    for email in &emails {
        let r = client
            .post(format!("{base}/api/v1/auth/register"))
            .json(
                &serde_json::json!({"email": email, "password": PASSWORD, "display_name": "Bench"}),
            )
            .send()
            .await
            .expect("register");
        assert_eq!(r.status(), 201);
    }

    println!(
        "caravan login benchmark ({} cores, argon2id m=19456 KiB t=2 p=1)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    println!(
        "backend: {}",
        if database_url.starts_with("postgres") {
            "postgresql"
        } else {
            "sqlite"
        }
    );
    // The machine's speed drifts (a shared VM), so ceiling and storm alternate in rounds and the
    // totals compare like with like.
    let mut ceiling_total = 0.0;
    let mut logins_total = 0.0;
    let mut samples = Vec::new();
    let mut failed = 0;
    let rounds = env_or("BENCH_ROUNDS", DEFAULT_ROUNDS).max(1);
    for round in 1..=rounds {
        let ceiling = tokio::task::spawn_blocking(|| raw_argon2_rate(CEILING_RUN))
            .await
            .expect("ceiling");
        let (rate, fails, mut probe) = storm(&client, &base, &emails).await;
        println!(
            "round {round}: raw argon2id verifications/s {ceiling:.1}, logins/s over HTTP {rate:.1} ({:.1}%)",
            100.0 * rate / ceiling
        );
        ceiling_total += ceiling;
        logins_total += rate;
        failed += fails;
        samples.append(&mut probe);
    }
    samples.sort();
    let (ceiling, rate) = (ceiling_total / rounds as f64, logins_total / rounds as f64);
    println!(
        "raw argon2id verifications/s (ceiling, all cores, mean of {rounds} rounds): {ceiling:.1}"
    );
    println!(
        "logins/s over HTTP ({CLIENTS} concurrent clients, mean of {rounds} rounds): {rate:.1}"
    );
    println!("failed logins: {failed}");
    println!(
        "logins/s as share of the argon2 ceiling: {:.1}% (target >= 90%)",
        100.0 * rate / ceiling
    );
    println!(
        "/healthz during the storm: {} probes, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        samples.len(),
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        samples.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
}
