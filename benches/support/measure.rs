//! What the benches measure besides HTTP: CPU seconds from /proc (this process split into the app
//! and the load generator, whose threads are named `bench-client`, and the PostgreSQL backends of
//! the bench database), and pgbench runs of a script against the bench database with the CPU its
//! backends and pgbench itself spend per transaction.

use std::time::{Duration, Instant};

/// pgbench's worker threads (`-j`): one per core of the machine the benches run on.
pub const PGBENCH_THREADS: usize = 2;

/// CPU seconds (user + system) used so far, read from /proc (clock ticks of 1/100 s).
#[derive(Clone, Copy, Default)]
pub struct Cpu {
    /// This process but the load generator: caravan's HTTP workers, blocking pool, r2d2.
    pub app: f64,
    /// The load generator: the bench's own runtime, whose threads are named `bench-client`.
    pub client: f64,
    /// The PostgreSQL backends connected to the bench database.
    pub db: f64,
}

/// The command name and utime + stime ticks of a `/proc/.../stat` line.
pub fn stat_ticks(stat: &str) -> Option<(&str, u64)> {
    let (open, close) = (stat.find('(')?, stat.rfind(')')?);
    let fields: Vec<&str> = stat.get(close + 2..)?.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((&stat[open + 1..close], utime + stime))
}

pub fn cpu_now(database: Option<&str>) -> Cpu {
    let mut cpu = Cpu::default();
    for task in std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
    {
        if let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) {
            match stat_ticks(&stat) {
                Some((comm, t)) if comm.starts_with("bench-client") => cpu.client += t as f64,
                Some((_, t)) => cpu.app += t as f64,
                None => {}
            }
        }
    }
    if let Some(name) = database {
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            let cmdline = String::from_utf8_lossy(&cmdline);
            if !cmdline.starts_with("postgres: ") || !cmdline.contains(name) {
                continue;
            }
            if let Some((_, t)) = std::fs::read_to_string(entry.path().join("stat"))
                .ok()
                .as_deref()
                .and_then(stat_ticks)
            {
                cpu.db += t as f64;
            }
        }
    }
    Cpu {
        app: cpu.app / 100.0,
        client: cpu.client / 100.0,
        db: cpu.db / 100.0,
    }
}

pub struct PgbenchRun {
    pub tps: f64,
    pub processed: String,
    pub failed: String,
    pub latency: String,
    pub aborted: bool,
    pub statement_latencies: Vec<String>,
    /// CPU ms per transaction of the bench database's backends and of pgbench, sampled shortly
    /// before a timed run ends.
    pub cpu_per_tx: Option<(f64, f64)>,
}

pub enum Length {
    Seconds(u64),
    TransactionsPerClient(usize),
}

pub fn process_cpu(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .as_deref()
        .and_then(stat_ticks)
        .map_or(0.0, |(_, t)| t as f64 / 100.0)
}

pub fn pgbench(
    url: &str,
    database: &str,
    script: &std::path::Path,
    defines: &[(String, String)],
    length: Length,
    clients: usize,
) -> PgbenchRun {
    let mut cmd = std::process::Command::new("pgbench");
    cmd.args(["-n", "-M", "prepared", "-r"]).args([
        "-c",
        &clients.to_string(),
        "-j",
        &PGBENCH_THREADS.to_string(),
    ]);
    let timed = match length {
        Length::Seconds(s) => {
            cmd.args(["-T", &s.to_string()]);
            Some(s)
        }
        Length::TransactionsPerClient(t) => {
            cmd.args(["-t", &t.to_string()]);
            None
        }
    };
    for (name, value) in defines {
        cmd.arg("-D").arg(format!("{name}={value}"));
    }
    cmd.arg("-f").arg(script).arg(url);
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let before = cpu_now(Some(database));
    let started = Instant::now();
    let child = cmd.spawn().expect("run pgbench");
    // The backends of pgbench's connections exit with it: read their CPU just before the end.
    let sampled = timed.map(|s| {
        std::thread::sleep(Duration::from_secs(s).saturating_sub(Duration::from_millis(500)));
        (
            cpu_now(Some(database)).db - before.db,
            process_cpu(child.id()),
            started.elapsed().as_secs_f64(),
        )
    });
    let output = child.wait_with_output().expect("pgbench output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let field = |prefix: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or("?")
            .trim()
            .to_owned()
    };
    let tps = field("tps = ")
        .split_whitespace()
        .next()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0.0);
    let statement_latencies = stdout
        .lines()
        .skip_while(|l| !l.starts_with("statement latencies"))
        .skip(1)
        .map(|l| short(l.trim(), 150))
        .collect();
    let aborted = !output.status.success() || stderr.contains("aborted");
    if aborted {
        for line in stderr.lines().take(5) {
            println!("  pgbench: {line}");
        }
    }
    PgbenchRun {
        tps,
        processed: field("number of transactions actually processed: "),
        failed: field("number of failed transactions: "),
        latency: field("latency average = "),
        aborted,
        statement_latencies,
        cpu_per_tx: sampled.map(|(db, own, secs)| {
            let tx = (tps * secs).max(1.0);
            (1e3 * db / tx, 1e3 * own / tx)
        }),
    }
}

pub fn short(sql: &str, n: usize) -> String {
    if sql.chars().count() > n {
        format!("{}...", sql.chars().take(n).collect::<String>())
    } else {
        sql.to_owned()
    }
}

/// Runs the bench `f` on the load generator's own runtime, whose threads are named `bench-client`
/// so that their CPU can be told apart from caravan's (actix workers and the blocking pool).
pub fn on_client_runtime<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("bench-client")
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}
