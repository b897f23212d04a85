//! Course catalog throughput: `GET /api/v1/courses` over 10,000 published, platform-wide courses.
//!
//! The bench generates the catalog straight into the database (the same deterministic data on both
//! backends), then drives the listing over HTTP from 16 concurrent anonymous clients, one fixed
//! period per scenario: the first page, paging with cursors, each filter (competency, market,
//! language, level), combined filters and the `q` search with one and with two words and with
//! Chinese words (lesson text, found through the trigram-indexed `course_search`). For each it
//! prints requests/s, p50/p99 latency and the non-200 responses. On PostgreSQL it then captures the
//! SQL the handler really issues (a diesel instrumentation installed before the app is built) and
//! prints `EXPLAIN (ANALYZE, BUFFERS)` for each scenario's catalog query, saying whether the plan
//! used an index and whether it scanned `courses` sequentially. Nothing is asserted about timings.
//!
//! Run with `cargo bench --bench catalog` (SQLite in a temporary directory), or with
//! `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench catalog`:
//! the bench then creates a fresh database `caravan_bench_<uuid>` on that server, uses it and
//! drops it at the end. After loading it runs `VACUUM (ANALYZE)` rather than only `ANALYZE`: a bulk
//! load leaves the rows in the GIN trigram index's pending list, which the planner prices so high
//! that `q` never uses the index until a vacuum (autovacuum, in a real deployment) flushes it;
//! `BENCH_SKIP_VACUUM=1` runs only `ANALYZE`, to see that state right after a bulk import.
//! `BENCH_COURSES`, `BENCH_SECONDS` and `BENCH_SCENARIOS` (words of scenario names, comma-separated)
//! shrink the run while working on it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use caravan::db::sql_types::Id;
use caravan::db::{DbConn, Pool};
use caravan::startup::Application;
use diesel::connection::{
    set_default_instrumentation, Instrumentation, InstrumentationEvent, SimpleConnection,
};
use diesel::prelude::*;

#[path = "support/mod.rs"]
mod support;
use support::*;

const COURSES: usize = 10_000;
/// Courses per transaction (one multi-row INSERT per table).
const BATCH: usize = 500;
const CLIENTS: usize = 16;
const RUN: Duration = Duration::from_secs(5);
const WARMUP: Duration = Duration::from_secs(1);
const LIMIT: i64 = 50;
/// Requests per representative request sent one after another, for its latency alone.
const SEQUENTIAL: usize = 100;

// --- capturing the SQL the handler issues ---

static CAPTURE: AtomicBool = AtomicBool::new(false);
static CAPTURED: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());
static CONNECTIONS: AtomicUsize = AtomicUsize::new(0);

/// Installed as diesel's default instrumentation: every connection the app opens records the text
/// of each query it starts (SQL, then `-- binds: [...]`) with a number for the connection, while
/// `CAPTURE` is on.
fn capture_sql() -> Option<Box<dyn Instrumentation>> {
    let connection = CONNECTIONS.fetch_add(1, Ordering::Relaxed);
    Some(Box::new(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            if CAPTURE.load(Ordering::Relaxed) {
                captured().push((connection, query.to_string()));
            }
        }
    }))
}

fn captured() -> std::sync::MutexGuard<'static, Vec<(usize, String)>> {
    CAPTURED.lock().unwrap_or_else(|e| e.into_inner())
}

// --- a fresh PostgreSQL database of our own ---

// --- deterministic catalog generation ---

/// splitmix64: the same sequence on every machine, so both backends get the same catalog.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }
    /// Skewed towards the front of a list, so some words and codes are common and others rare.
    fn skewed(&mut self, n: usize) -> usize {
        ((self.unit().powf(2.2) * n as f64) as usize).min(n - 1)
    }
    fn weighted<'a>(&mut self, table: &[(&'a str, u32)]) -> &'a str {
        let total: u32 = table.iter().map(|(_, w)| w).sum();
        let mut pick = self.below(total as usize) as u32;
        for (value, weight) in table {
            if pick < *weight {
                return value;
            }
            pick -= weight;
        }
        table[0].0
    }
}

/// Trade and e-commerce vocabulary, most frequent first.
const WORDS: &[&str] = &[
    "export",
    "marketplace",
    "customs",
    "shipping",
    "listing",
    "logistics",
    "compliance",
    "supplier",
    "pricing",
    "payments",
    "returns",
    "warehouse",
    "duties",
    "invoice",
    "sourcing",
    "packaging",
    "inspection",
    "freight",
    "tariff",
    "advertising",
    "analytics",
    "negotiation",
    "fulfilment",
    "certification",
    "labelling",
    "branding",
    "wholesale",
    "quotation",
    "contract",
    "vat",
    "incoterms",
    "dropshipping",
    "origin",
    "consignment",
    "localisation",
    "reviews",
    "conversion",
    "storefront",
    "forwarder",
    "container",
    "pallet",
    "declaration",
    "quota",
    "sanctions",
    "warranty",
    "trademark",
    "patent",
    "recall",
    "ioss",
    "clearance",
];

/// Specialist words that about one course in 250 mentions each.
const RARE_WORDS: &[&str] = &["chargeback", "bonded", "manifest", "demurrage", "drawback"];

const LANGUAGES: &[(&str, u32)] = &[
    ("en", 40),
    ("es", 10),
    ("es-MX", 4),
    ("pt-BR", 8),
    ("de", 8),
    ("fr", 8),
    ("ar", 6),
    ("ru", 6),
    ("it", 3),
    ("tr", 3),
    ("pl", 2),
    ("ja", 2),
];

const LEVELS: &[(&str, u32)] = &[("beginner", 45), ("intermediate", 35), ("advanced", 20)];

struct Course {
    id: uuid::Uuid,
    slug: String,
    title: String,
    summary: String,
    language: &'static str,
    level: &'static str,
    hours: f64,
    created_at: String,
    competencies: Vec<&'static str>,
    markets: Vec<&'static str>,
}

fn capitalized(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `count` different entries of `from`, the front ones more often.
fn distinct<T: PartialEq + Copy>(rng: &mut Rng, from: &[T], count: usize) -> Vec<T> {
    let mut out = Vec::new();
    while out.len() < count.min(from.len()) {
        let pick = from[rng.skewed(from.len())];
        if !out.contains(&pick) {
            out.push(pick);
        }
    }
    out
}

fn generate(count: usize) -> Vec<Course> {
    let framework = caravan::catalog::framework();
    let codes: Vec<&'static str> = framework.competencies().map(|c| c.code.as_str()).collect();
    let countries: Vec<&'static str> = framework
        .markets
        .iter()
        .map(|m| m.country.as_str())
        .collect();
    let mut rng = Rng(0x00ca_7a7a_2026);
    // Time-ordered UUID v7 ids, a minute apart, as the app's own ids would be.
    let base_ms: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    (0..count)
        .map(|i| {
            let mut w = || WORDS[rng.skewed(WORDS.len())];
            let (a, b, c, d, e, f) = (w(), w(), w(), w(), w(), w());
            let market = &framework.markets[rng.below(framework.markets.len())].name;
            let title = match rng.below(6) {
                0 => format!("{} and {b} for {market}", capitalized(a)),
                1 => format!("{} {b} essentials", capitalized(a)),
                2 => format!("Practical {a} for cross-border sellers"),
                3 => format!("{} {b}: from basics to practice", capitalized(a)),
                4 => format!("Selling in {market}: {a} and {b}"),
                _ => format!("Mastering {a} and {b}"),
            };
            let mut summary = format!(
                "Learn {c}, {d} and {e} for buyers in {market}. Covers {f} {a} with case studies, \
                 checklists and {b} templates."
            );
            if rng.below(50) == 0 {
                let rare = RARE_WORDS[rng.below(RARE_WORDS.len())];
                summary.push_str(&format!(" Includes a note on {rare}."));
            }
            let stem: String = title
                .to_lowercase()
                .split(|ch: char| !ch.is_alphanumeric())
                .filter(|s| !s.is_empty())
                .take(5)
                .collect::<Vec<_>>()
                .join("-");
            let slug = format!("{stem}-{i:05}");
            let ms = base_ms + i as u64 * 60_000;
            let mut random = [0u8; 10];
            random[..8].copy_from_slice(&rng.next().to_be_bytes());
            random[8..].copy_from_slice(&rng.next().to_be_bytes()[..2]);
            let created_at = chrono::DateTime::from_timestamp_millis(ms as i64)
                .expect("valid time")
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            let n_comp = 1 + rng.below(3);
            let n_markets = rng.below(6);
            Course {
                id: uuid::Builder::from_unix_timestamp_millis(ms, &random).into_uuid(),
                slug,
                title,
                summary,
                language: rng.weighted(LANGUAGES),
                level: rng.weighted(LEVELS),
                hours: 1.0 + rng.below(80) as f64 / 2.0,
                created_at,
                competencies: distinct(&mut rng, &codes, n_comp),
                markets: distinct(&mut rng, &countries, n_markets),
            }
        })
        .collect()
}

/// Lesson text in Chinese for the search scenarios (words of two to four characters).
const CHINESE_LESSONS: [&str; 4] = [
    "进口关税按海关估价计算，卖家应在申报前确认商品编码。",
    "海外仓可以缩短配送时间，退货也能在目的国处理。",
    "欧盟增值税一站式申报适用于低价值包裹。",
    "跨境电商卖家需要了解目的国的产品安全法规。",
];

/// A SQL string literal; the same text is valid on both backends.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Loads the catalog with one multi-row INSERT per table and batch, each batch in a transaction.
/// UUIDs and timestamps go in as text literals in the form the app writes them (hyphenated UUIDs,
/// RFC 3339 with microseconds and `Z`): PostgreSQL casts them to `uuid`/`timestamptz`, SQLite
/// stores them as they are.
fn load(pool: &Pool, courses: &[Course]) -> (usize, usize) {
    let mut conn = pool.get().expect("connection");
    let (mut comp_rows, mut market_rows) = (0, 0);
    for chunk in courses.chunks(BATCH) {
        let mut course_sql = String::from(
            "INSERT INTO courses (id, slug, org_id, owner_id, status, published_version_id, \
             draft_version_id, title, summary, language, level, estimated_hours, search_text, \
             created_at, updated_at, published_at, course_key) VALUES ",
        );
        let mut search_sql = String::from("INSERT INTO course_search (course_id, body) VALUES ");
        let mut comp_sql =
            String::from("INSERT INTO course_competencies (course_id, code) VALUES ");
        let mut market_sql =
            String::from("INSERT INTO course_markets (course_id, country) VALUES ");
        let (mut first_comp, mut first_market) = (true, true);
        for (n, c) in chunk.iter().enumerate() {
            let id = lit(&c.id.to_string());
            let search_text = format!("{} {} {}", c.title, c.summary, c.slug).to_lowercase();
            let ts = lit(&c.created_at);
            if n > 0 {
                course_sql.push(',');
            }
            course_sql.push_str(&format!(
                "({id},{},NULL,NULL,'published',NULL,NULL,{},{},{},{},{:.1},{},{ts},{ts},{ts},{id})",
                lit(&c.slug),
                lit(&c.title),
                lit(&c.summary),
                lit(c.language),
                lit(c.level),
                c.hours,
                lit(&search_text),
            ));
            // What q= searches: the catalog text, and for one course in eight a lesson in
            // Chinese, so the Chinese scenarios find a realistic share of the catalog.
            let mut body = search_text.clone();
            if n % 8 == 0 {
                body.push('\n');
                body.push_str(CHINESE_LESSONS[(n / 8) % CHINESE_LESSONS.len()]);
            }
            if n > 0 {
                search_sql.push(',');
            }
            search_sql.push_str(&format!("({id},{})", lit(&body)));
            for code in &c.competencies {
                if !std::mem::take(&mut first_comp) {
                    comp_sql.push(',');
                }
                comp_sql.push_str(&format!("({id},{})", lit(code)));
                comp_rows += 1;
            }
            for country in &c.markets {
                if !std::mem::take(&mut first_market) {
                    market_sql.push(',');
                }
                market_sql.push_str(&format!("({id},{})", lit(country)));
                market_rows += 1;
            }
        }
        conn.transaction::<_, diesel::result::Error, _>(|c| {
            c.batch_execute(&course_sql)?;
            c.batch_execute(&search_sql)?;
            c.batch_execute(&comp_sql)?;
            if !first_market {
                c.batch_execute(&market_sql)?;
            }
            Ok(())
        })
        .expect("insert a batch of courses");
    }
    if let DbConn::Pg(c) = &mut **conn {
        // VACUUM as well as ANALYZE: the rows went into the GIN trigram index's pending list,
        // which every index scan reads in full and the planner prices in, so until a vacuum
        // flushes it (autovacuum would, soon after a bulk load) the search never uses the index.
        let sql = if std::env::var("BENCH_SKIP_VACUUM").is_ok() {
            "ANALYZE courses, course_search, course_competencies, course_markets"
        } else {
            "VACUUM (ANALYZE) courses, course_search, course_competencies, course_markets"
        };
        c.batch_execute(sql).expect("vacuum analyze");
    }
    (comp_rows, market_rows)
}

// --- requests ---

/// One catalog request, as the query string a client sends.
#[derive(Debug, Clone, Default)]
struct Query {
    competency: Option<String>,
    market: Option<String>,
    language: Option<String>,
    level: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
}

impl Query {
    fn path(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        let fields = [
            ("competency", &self.competency),
            ("market", &self.market),
            ("language", &self.language),
            ("level", &self.level),
            ("q", &self.q),
        ];
        for (k, v) in fields {
            if let Some(v) = v {
                s.append_pair(k, v);
            }
        }
        s.append_pair("limit", &LIMIT.to_string());
        if let Some(c) = &self.cursor {
            s.append_pair("cursor", c);
        }
        format!("/api/v1/courses?{}", s.finish())
    }

    /// The values the handler binds, in its order (status, competency, market, language and its
    /// `tag-%` pattern, level, each search word (its escape character only when it holds a LIKE
    /// wildcard), the cursor, the limit),
    /// as SQL literals for `EXECUTE`.
    fn bind_literals(&self, cursor_id: Option<Id>) -> Vec<String> {
        let mut out = vec![lit("published")];
        if let Some(c) = &self.competency {
            out.push(lit(c));
        }
        if let Some(m) = &self.market {
            out.push(lit(&m.to_ascii_uppercase()));
        }
        if let Some(l) = &self.language {
            let tag = caravan::domain::LanguageTag::parse(l).expect("valid language tag");
            out.push(lit(tag.as_str()));
            out.push(lit(&format!("{}-%", tag.as_str())));
        }
        if let Some(l) = &self.level {
            out.push(lit(l));
        }
        for word in self.q.iter().flat_map(|q| q.split_whitespace()) {
            out.push(lit(&format!("%{}%", word.to_lowercase())));
            if word.contains(['%', '_', '\\']) {
                out.push(lit("\\"));
            }
        }
        if let Some(id) = cursor_id {
            out.push(lit(&id.to_string()));
        }
        out.push((LIMIT + 1).to_string());
        out
    }
}

fn cursor(id: uuid::Uuid) -> String {
    caravan::pagination::encode_cursor(Id(id))
}

type MakeQuery = Arc<dyn Fn(usize, usize) -> Query + Send + Sync>;

enum Kind {
    /// Client `c`'s `i`-th request.
    Fixed(MakeQuery),
    /// Each client walks the catalog page by page following `next`, from its own starting point,
    /// and starts over at the first page after the last.
    Paging(Arc<Vec<Option<String>>>),
}

struct Scenario {
    name: &'static str,
    kind: Kind,
}

#[derive(Default)]
struct Outcome {
    ok: u64,
    statuses: BTreeMap<u16, u64>,
    transport_errors: u64,
    latencies: Vec<Duration>,
}

impl Outcome {
    fn merge(&mut self, other: Outcome) {
        self.ok += other.ok;
        for (s, n) in other.statuses {
            *self.statuses.entry(s).or_default() += n;
        }
        self.transport_errors += other.transport_errors;
        self.latencies.extend(other.latencies);
    }
}

/// The `next` link of a page (`</api/v1/courses?...&cursor=...>; rel="next"`).
fn next_link(r: &reqwest::Response) -> Option<String> {
    let link = r.headers().get(reqwest::header::LINK)?.to_str().ok()?;
    let start = link.find('<')? + 1;
    let end = link.find('>')?;
    Some(link[start..end].to_owned())
}

async fn client_loop(
    client: reqwest::Client,
    base: String,
    c: usize,
    kind: Arc<Kind>,
    stop: Arc<AtomicBool>,
) -> Outcome {
    let mut out = Outcome::default();
    let first_page = Query::default().path();
    let mut next: Option<String> = match &*kind {
        Kind::Paging(starts) => Some(
            Query {
                cursor: starts[c % starts.len()].clone(),
                ..Query::default()
            }
            .path(),
        ),
        Kind::Fixed(_) => None,
    };
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let path = match &*kind {
            Kind::Fixed(make) => make(c, i).path(),
            Kind::Paging(_) => next.take().unwrap_or_else(|| first_page.clone()),
        };
        i += 1;
        let t = Instant::now();
        match client.get(format!("{base}{path}")).send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                if matches!(&*kind, Kind::Paging(_)) {
                    next = next_link(&r);
                }
                let body = r.bytes().await;
                if status == 200 && body.is_ok() {
                    out.ok += 1;
                    out.latencies.push(t.elapsed());
                } else if body.is_err() {
                    out.transport_errors += 1;
                } else {
                    *out.statuses.entry(status).or_default() += 1;
                }
            }
            Err(_) => out.transport_errors += 1,
        }
    }
    out
}

/// Runs `kind` from `CLIENTS` concurrent clients for `run`; returns the outcome and the seconds.
async fn drive(
    client: &reqwest::Client,
    base: &str,
    kind: Arc<Kind>,
    run: Duration,
) -> (Outcome, f64) {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|c| {
            tokio::spawn(client_loop(
                client.clone(),
                base.to_owned(),
                c,
                kind.clone(),
                stop.clone(),
            ))
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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn scenarios(ids: &[uuid::Uuid]) -> Vec<Scenario> {
    let framework = caravan::catalog::framework();
    let codes: Vec<String> = framework.competencies().map(|c| c.code.clone()).collect();
    let markets: Vec<(String, Vec<String>)> = framework
        .markets
        .iter()
        .map(|m| (m.country.clone(), m.required.clone()))
        .collect();
    let languages = ["en", "es", "pt-BR", "de", "fr", "ar", "ru", "it"];
    let levels = ["beginner", "intermediate", "advanced"];
    // Words from frequent to rare, and two-word searches of both kinds.
    let one_word = [
        "customs",
        "warehouse",
        "incoterms",
        "export",
        "chargeback",
        "germany",
        "tariff",
        "manifest",
    ];
    let two_words = [
        "customs duties",
        "marketplace listing",
        "export brazil",
        "warehouse returns",
        "incoterms freight",
        "vat compliance",
        "bonded container",
        "shipping japan",
    ];
    let per_client = ids.len().max(1) / CLIENTS;
    let starts: Vec<Option<String>> = (0..CLIENTS)
        .map(|c| (c > 0).then(|| cursor(ids[c * per_client - 1])))
        .collect();
    let (countries, any_code) = (markets.clone(), codes[0].clone());
    vec![
        Scenario {
            name: "first page (limit 50)",
            kind: Kind::Fixed(Arc::new(|_, _| Query::default())),
        },
        Scenario {
            name: "paging with cursors",
            kind: Kind::Paging(Arc::new(starts)),
        },
        Scenario {
            name: "filter: competency",
            kind: Kind::Fixed(Arc::new(move |c, i| Query {
                competency: Some(codes[(c * 7 + i) % codes.len()].clone()),
                ..Query::default()
            })),
        },
        Scenario {
            name: "filter: market",
            kind: Kind::Fixed(Arc::new(move |c, i| Query {
                market: Some(countries[(c * 5 + i) % countries.len()].0.clone()),
                ..Query::default()
            })),
        },
        Scenario {
            name: "filter: language",
            kind: Kind::Fixed(Arc::new(move |c, i| Query {
                language: Some(languages[(c + i) % languages.len()].into()),
                ..Query::default()
            })),
        },
        Scenario {
            name: "filter: level",
            kind: Kind::Fixed(Arc::new(move |c, i| Query {
                level: Some(levels[(c + i) % levels.len()].into()),
                ..Query::default()
            })),
        },
        Scenario {
            name: "combined: market+competency+level",
            kind: Kind::Fixed(Arc::new(move |c, i| {
                let (country, required) = &markets[(c * 3 + i) % markets.len()];
                let competency = required
                    .get((c + i) % required.len().max(1))
                    .cloned()
                    .unwrap_or_else(|| any_code.clone());
                Query {
                    market: Some(country.clone()),
                    competency: Some(competency),
                    level: Some(levels[(c + 2 * i) % levels.len()].into()),
                    ..Query::default()
                }
            })),
        },
        Scenario {
            name: "q: one word",
            kind: Kind::Fixed(Arc::new(move |c, i| Query {
                q: Some(one_word[(c + i) % one_word.len()].into()),
                ..Query::default()
            })),
        },
        Scenario {
            name: "q: Chinese word",
            kind: Kind::Fixed(Arc::new(move |c, i| Query {
                q: Some(["关税", "退货", "海外仓", "增值税"][(c + i) % 4].into()),
                ..Query::default()
            })),
        },
        Scenario {
            name: "q: two words",
            kind: Kind::Fixed(Arc::new(move |c, i| Query {
                q: Some(two_words[(c + i) % two_words.len()].into()),
                ..Query::default()
            })),
        },
    ]
}

/// A request whose SQL is captured and explained: a label, the request and, for paging, the id
/// its cursor names.
struct Sample {
    label: &'static str,
    query: Query,
    cursor_id: Option<Id>,
}

/// Representative requests, one or two per scenario.
fn explain_samples(ids: &[uuid::Uuid]) -> Vec<Sample> {
    let mid = ids[ids.len() / 2];
    let sample = |label, query| Sample {
        label,
        query,
        cursor_id: None,
    };
    let q = Query::default;
    vec![
        sample("first page", q()),
        Sample {
            label: "paging (cursor in the middle)",
            query: Query {
                cursor: Some(cursor(mid)),
                ..q()
            },
            cursor_id: Some(Id(mid)),
        },
        sample(
            "competency=trade.incoterms",
            Query {
                competency: Some("trade.incoterms".into()),
                ..q()
            },
        ),
        sample(
            "market=DE",
            Query {
                market: Some("DE".into()),
                ..q()
            },
        ),
        sample(
            "language=es",
            Query {
                language: Some("es".into()),
                ..q()
            },
        ),
        sample(
            "language=it (rarer language)",
            Query {
                language: Some("it".into()),
                ..q()
            },
        ),
        sample(
            "language=ko (no such courses)",
            Query {
                language: Some("ko".into()),
                ..q()
            },
        ),
        sample(
            "level=advanced",
            Query {
                level: Some("advanced".into()),
                ..q()
            },
        ),
        sample(
            "market=DE&competency=law.product_safety&level=beginner",
            Query {
                market: Some("DE".into()),
                competency: Some("law.product_safety".into()),
                level: Some("beginner".into()),
                ..q()
            },
        ),
        sample(
            "q=customs (frequent word)",
            Query {
                q: Some("customs".into()),
                ..q()
            },
        ),
        sample(
            "q=chargeback (rare word)",
            Query {
                q: Some("chargeback".into()),
                ..q()
            },
        ),
        sample(
            "q=manifest (rare word)",
            Query {
                q: Some("manifest".into()),
                ..q()
            },
        ),
        sample(
            "q=customs duties",
            Query {
                q: Some("customs duties".into()),
                ..q()
            },
        ),
        sample(
            "q=bonded container (rare + common)",
            Query {
                q: Some("bonded container".into()),
                ..q()
            },
        ),
        sample(
            "q=海外仓 (Chinese, three characters: trigram index)",
            Query {
                q: Some("海外仓".into()),
                ..q()
            },
        ),
        sample(
            "q=关税 (Chinese, two characters: shorter than a trigram)",
            Query {
                q: Some("关税".into()),
                ..q()
            },
        ),
    ]
}

// --- EXPLAIN on PostgreSQL ---

#[derive(diesel::QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
    line: String,
}

/// The highest `$n` placeholder in `sql`.
fn placeholders(sql: &str) -> usize {
    sql.match_indices('$')
        .filter_map(|(i, _)| {
            let digits: String = sql[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .max()
        .unwrap_or(0)
}

/// The `Id(...)` values of a captured bind list, as one PostgreSQL array literal.
fn id_array_literal(binds: &str) -> String {
    let ids: Vec<&str> = binds
        .split("Id(")
        .skip(1)
        .filter_map(|s| s.split(')').next())
        .collect();
    lit(&format!("{{{}}}", ids.join(",")))
}

/// Index names a plan used, and the tables it read sequentially.
fn plan_summary(plan: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut indexes, mut seq) = (Vec::new(), Vec::new());
    for line in plan {
        let l = line.trim_start().trim_start_matches("->").trim_start();
        let used = if l.starts_with("Index Scan") || l.starts_with("Index Only Scan") {
            l.split_once(" using ")
        } else if l.starts_with("Bitmap Index Scan") {
            l.split_once(" on ")
        } else {
            None
        };
        if let Some((node, rest)) = used {
            let entry = format!("{node} {}", rest.split_whitespace().next().unwrap_or(""));
            if !indexes.contains(&entry) {
                indexes.push(entry);
            }
        }
        if let Some(rest) = l.strip_prefix("Seq Scan on ") {
            let table = rest.split_whitespace().next().unwrap_or("").to_owned();
            if !seq.contains(&table) {
                seq.push(table);
            }
        }
    }
    (indexes, seq)
}

/// Rows the plan's scans read and then threw away (`Rows Removed by Filter` times the node's
/// loops): how much of the work an index did not narrow down.
fn rows_filtered_out(plan: &[String]) -> u64 {
    let mut loops = 1;
    let mut total = 0;
    for line in plan {
        if let Some(l) = line.split(" loops=").nth(1) {
            loops = l.trim_end_matches(')').parse().unwrap_or(1);
        }
        if let Some(n) = line.trim().strip_prefix("Rows Removed by Filter: ") {
            total += n.parse::<u64>().unwrap_or(0) * loops;
        }
    }
    total
}

/// Says so when a plan throws away at least half the catalog: whatever index it walks, it reads
/// (nearly) the whole `courses` table.
fn full_walk_note(plan: &[String], courses: usize) -> String {
    let filtered = rows_filtered_out(plan) as usize;
    if filtered * 2 >= courses {
        format!(" -- READS {filtered} OF {courses} COURSES: in effect a full scan")
    } else {
        String::new()
    }
}

/// `PREPARE`s the captured statement (its `$n` placeholders typed by PostgreSQL from context, as
/// diesel's typed binds are), runs it `warmups` times and then explains `EXECUTE` with `literals`.
/// With no warm-up the plan is a custom plan for these values, as for the first executions of the
/// app's statement on a connection.
fn explain_after(
    conn: &mut diesel::PgConnection,
    sql: &str,
    literals: &[String],
    warmups: usize,
) -> Vec<String> {
    conn.batch_execute(&format!("PREPARE caravan_bench_q AS {sql}"))
        .expect("prepare the captured statement");
    let args = literals.join(", ");
    let plan = (0..warmups)
        .try_for_each(|_| conn.batch_execute(&format!("EXECUTE caravan_bench_q({args})")))
        .and_then(|()| {
            diesel::sql_query(format!(
                "EXPLAIN (ANALYZE, BUFFERS) EXECUTE caravan_bench_q({args})"
            ))
            .load::<PlanLine>(conn)
        })
        .map(|lines| lines.into_iter().map(|l| l.line).collect());
    conn.batch_execute("DEALLOCATE caravan_bench_q")
        .expect("deallocate");
    plan.expect("explain")
}

fn explain(conn: &mut diesel::PgConnection, sql: &str, literals: &[String]) -> Vec<String> {
    explain_after(conn, sql, literals, 0)
}

/// diesel keeps the statement prepared on each pooled connection (boxed queries are cached by
/// their SQL text), and from its sixth execution PostgreSQL may replace the custom plans with one
/// generic plan that ignores the values. Explains the sixth execution; returns a verdict suffix
/// when PostgreSQL switched.
fn generic_plan_check(
    conn: &mut diesel::PgConnection,
    sql: &str,
    literals: &[String],
    courses: usize,
) -> String {
    let plan = explain_after(conn, sql, literals, 5);
    // A generic plan shows the parameters (`$1`) where a custom plan shows the values.
    if !plan.iter().any(|l| l.contains("$1")) {
        println!(
            "sixth execution of the cached statement: PostgreSQL keeps a custom plan (for a \
             connection that ran only these values; one that saw costlier custom plans may have \
             switched: compare the single-client latency above)"
        );
        return String::new();
    }
    println!("sixth execution of the cached statement: PostgreSQL switched to a GENERIC plan:");
    for line in &plan {
        println!("    {line}");
    }
    let (indexes, seq) = plan_summary(&plan);
    let summary = format!(
        "; GENERIC plan from the 6th execution: {}{}, {} rows filtered out, {}",
        if indexes.is_empty() {
            "no index".to_owned()
        } else {
            indexes.join(", ")
        },
        if seq.is_empty() {
            String::new()
        } else {
            format!(", Seq Scan on {}", seq.join(", "))
        },
        rows_filtered_out(&plan),
        total_cost_and_time(&plan)
    ) + &full_walk_note(&plan, courses);
    println!("verdict after warm-up{}", summary.replacen(';', ":", 1));
    summary
}

fn total_cost_and_time(plan: &[String]) -> String {
    let cost = plan
        .first()
        .and_then(|l| l.split("..").nth(1))
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or("?");
    let time = plan
        .iter()
        .find_map(|l| l.trim().strip_prefix("Execution Time: "))
        .unwrap_or("?");
    format!("estimated cost {cost}, execution {time}")
}

/// Explains one statement, prints the plan and returns the verdict line.
fn explain_and_judge(
    conn: &mut diesel::PgConnection,
    sql: &str,
    literals: &[String],
    courses: usize,
) -> String {
    let plan = explain(conn, sql, literals);
    for line in &plan {
        println!("  {line}");
    }
    let (indexes, seq) = plan_summary(&plan);
    let mut verdict = if indexes.is_empty() {
        "NO index used".to_owned()
    } else {
        format!("index used: {}", indexes.join(", "))
    };
    verdict.push_str(&format!(
        "; {} rows filtered out; {}",
        rows_filtered_out(&plan),
        total_cost_and_time(&plan)
    ));
    if !seq.is_empty() {
        verdict.push_str(&format!("; Seq Scan on {}", seq.join(", ")));
    }
    if seq.iter().any(|t| t == "courses") {
        verdict.push_str(" -- SEQUENTIAL SCAN OF courses");
        println!("verdict: {verdict}");
        // Would an index serve it? Plan the same statement once more with seq scans disabled.
        conn.batch_execute("SET enable_seqscan = off")
            .expect("set enable_seqscan");
        let alternative = explain(conn, sql, literals);
        conn.batch_execute("RESET enable_seqscan")
            .expect("reset enable_seqscan");
        println!(
            "the same statement with enable_seqscan = off (diagnostic only, not what the app runs):"
        );
        for line in &alternative {
            println!("    {line}");
        }
        let (alt_indexes, _) = plan_summary(&alternative);
        println!(
            "chosen plan: {}; with seq scans off: {} ({})",
            total_cost_and_time(&plan),
            total_cost_and_time(&alternative),
            if alt_indexes.is_empty() {
                "no index can serve it".to_owned()
            } else {
                alt_indexes.join(", ")
            }
        );
        verdict.push_str(&format!(
            " [with seq scans off: {}, {}]",
            alt_indexes.join(", "),
            total_cost_and_time(&alternative)
        ));
    } else {
        verdict.push_str(&full_walk_note(&plan, courses));
        println!("verdict: {verdict}");
    }
    verdict
}

/// Latencies of `SEQUENTIAL` requests for `query` from one client, sorted: what the request costs
/// without concurrency, through the app's real statement and plan caches.
async fn sequential_latencies(
    client: &reqwest::Client,
    base: &str,
    query: &Query,
) -> Vec<Duration> {
    let url = format!("{base}{}", query.path());
    let mut out = Vec::with_capacity(SEQUENTIAL);
    for _ in 0..SEQUENTIAL {
        let t = Instant::now();
        let r = client.get(&url).send().await.expect("catalog request");
        assert_eq!(r.status(), 200, "{url}");
        r.bytes().await.expect("body");
        out.push(t.elapsed());
    }
    out.sort();
    out
}

/// A captured statement: its SQL and the Debug list of its binds.
type Statement = (String, String);

/// Sends `query` once with SQL capture on; returns the statements it issued, the page size and
/// whether another page followed.
async fn capture(
    client: &reqwest::Client,
    base: &str,
    query: &Query,
) -> (Vec<Statement>, usize, bool) {
    captured().clear();
    CAPTURE.store(true, Ordering::SeqCst);
    let r = client
        .get(format!("{base}{}", query.path()))
        .send()
        .await
        .expect("catalog request");
    let status = r.status();
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    CAPTURE.store(false, Ordering::SeqCst);
    assert_eq!(status, 200, "{}: {body}", query.path());
    let items = body["items"].as_array().map_or(0, Vec::len);
    let more = body["next_cursor"].is_string();
    // The statements of the connection that ran the catalog query (the outbox worker polls on
    // another connection meanwhile).
    let captured = captured();
    let handler = captured
        .iter()
        .find(|(_, s)| statement_table(s) == "courses")
        .map(|(c, _)| *c);
    let statements = captured
        .iter()
        .filter(|(c, _)| Some(*c) == handler)
        .map(|(_, s)| match s.split_once(" -- binds: ") {
            Some((sql, binds)) => (sql.trim().to_owned(), binds.trim().to_owned()),
            None => (s.trim().to_owned(), String::new()),
        })
        .collect();
    (statements, items, more)
}

/// The short name of a captured statement: its first table, or the statement itself when it reads
/// none (`SELECT 1`, the pool's check-out test).
fn statement_table(sql: &str) -> &str {
    match sql.split_once(" FROM ") {
        Some((_, rest)) => rest
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(|c| c == '"' || c == '`'),
        None => sql,
    }
}

fn explain_all(
    pool: &Pool,
    report: Vec<(Sample, Vec<Statement>)>,
    courses: usize,
) -> Vec<(String, String)> {
    let mut conn = pool.get().expect("connection");
    let DbConn::Pg(pg) = &mut **conn else {
        unreachable!("explained on PostgreSQL only")
    };
    let mut verdicts = Vec::new();
    for (n, (sample, statements)) in report.into_iter().enumerate() {
        println!();
        println!("=== {}: GET {}", sample.label, sample.query.path());
        let Some((sql, binds)) = statements
            .iter()
            .find(|(sql, _)| statement_table(sql) == "courses")
        else {
            println!("no SELECT ... FROM \"courses\" statement was captured");
            verdicts.push((sample.label.to_owned(), "not captured".to_owned()));
            continue;
        };
        let literals = sample.query.bind_literals(sample.cursor_id);
        println!("SQL: {sql}");
        println!("captured binds: {binds}");
        println!("EXECUTE with:   ({})", literals.join(", "));
        if placeholders(sql) != literals.len() {
            println!(
                "cannot explain: the statement has {} placeholders, the bench knows {} values",
                placeholders(sql),
                literals.len()
            );
            verdicts.push((sample.label.to_owned(), "placeholder mismatch".to_owned()));
            continue;
        }
        let mut verdict = explain_and_judge(pg, sql, &literals, courses);
        verdict.push_str(&generic_plan_check(pg, sql, &literals, courses));
        verdicts.push((sample.label.to_owned(), verdict));
        // The two summary queries (competencies and markets of the page's rows) have the same
        // shape for every scenario; explain them once.
        if n == 0 {
            for (sql, binds) in statements.iter().filter(|(sql, _)| {
                matches!(
                    statement_table(sql),
                    "course_competencies" | "course_markets"
                )
            }) {
                let table = statement_table(sql);
                println!();
                println!("=== {}: page summary query on {table}", sample.label);
                println!("SQL: {sql}");
                println!("captured binds: {} ids", binds.matches("Id(").count());
                let verdict = explain_and_judge(pg, sql, &[id_array_literal(binds)], courses);
                verdicts.push((format!("{} (summary: {table})", sample.label), verdict));
            }
        }
    }
    verdicts
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    set_default_instrumentation(capture_sql).expect("install the SQL capture");
    let courses_wanted: usize = env_or("BENCH_COURSES", COURSES).max(CLIENTS);
    let run = Duration::from_secs(env_or("BENCH_SECONDS", RUN.as_secs()));
    let dir = tempfile::tempdir().expect("tempdir");
    let (pg_database, database_url) = bench_database(dir.path());
    let app = Application::build(settings(dir.path(), database_url.clone()))
        .await
        .expect("app");
    let base = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool();
    tokio::spawn(app.run_until_stopped());

    let started = Instant::now();
    let courses = tokio::task::spawn_blocking(move || generate(courses_wanted))
        .await
        .expect("generate");
    let generated = started.elapsed();
    let ids: Vec<uuid::Uuid> = courses.iter().map(|c| c.id).collect();
    let load_pool = pool.clone();
    let (comp_rows, market_rows) = tokio::task::spawn_blocking(move || load(&load_pool, &courses))
        .await
        .expect("load");
    let loaded = started.elapsed();

    println!(
        "caravan catalog benchmark ({} cores, {CLIENTS} concurrent clients, {} s per scenario)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        run.as_secs_f64()
    );
    match &pg_database {
        Some(db) => println!("backend: postgresql (fresh database {})", db.name),
        None => println!("backend: sqlite"),
    }
    println!(
        "courses: {} published, platform-wide; {comp_rows} competency rows, {market_rows} market rows",
        ids.len()
    );
    println!(
        "generated in {:.2} s, loaded in {:.2} s{}",
        generated.as_secs_f64(),
        (loaded - generated).as_secs_f64(),
        if pg_database.is_none() {
            ""
        } else if std::env::var("BENCH_SKIP_VACUUM").is_ok() {
            " (including ANALYZE; no VACUUM: BENCH_SKIP_VACUUM)"
        } else {
            " (including VACUUM ANALYZE)"
        }
    );

    let client = reqwest::Client::new();
    // `BENCH_SCENARIOS=q:,paging` runs only the scenarios whose names contain one of the words.
    let only = std::env::var("BENCH_SCENARIOS").unwrap_or_default();
    let scenarios: Vec<Scenario> = scenarios(&ids)
        .into_iter()
        .filter(|s| only.is_empty() || only.split(',').any(|w| s.name.contains(w)))
        .collect();
    // Warm the pool, the caches and the HTTP connections before the first measurement.
    let _ = drive(
        &client,
        &base,
        Arc::new(Kind::Fixed(Arc::new(|_, _| Query::default()))),
        WARMUP,
    )
    .await;
    println!();
    println!(
        "{:<36} {:>9} {:>9} {:>9} {:>9}  non-200",
        "scenario", "req/s", "p50 ms", "p99 ms", "max ms"
    );
    let mut failures = 0;
    for s in scenarios {
        let (mut outcome, secs) = drive(&client, &base, Arc::new(s.kind), run).await;
        outcome.latencies.sort();
        let non_200: u64 = outcome.statuses.values().sum::<u64>() + outcome.transport_errors;
        failures += non_200;
        let detail = if non_200 == 0 {
            "0".to_owned()
        } else {
            let mut parts: Vec<String> = outcome
                .statuses
                .iter()
                .map(|(s, n)| format!("{n}x{s}"))
                .collect();
            if outcome.transport_errors > 0 {
                parts.push(format!("{} transport errors", outcome.transport_errors));
            }
            format!("{non_200} ({})", parts.join(", "))
        };
        println!(
            "{:<36} {:>9.1} {:>9.2} {:>9.2} {:>9.2}  {detail}",
            s.name,
            outcome.ok as f64 / secs,
            ms(percentile(&outcome.latencies, 0.5)),
            ms(percentile(&outcome.latencies, 0.99)),
            ms(outcome.latencies.last().copied().unwrap_or_default()),
        );
    }
    println!("non-200 responses in all scenarios: {failures}");

    // The SQL behind each scenario: captured from the handler, explained on PostgreSQL.
    println!();
    println!(
        "representative requests: {SEQUENTIAL} requests from one client (the app's statement \
         cache and PostgreSQL's plan cache warmed by the scenarios), then one with its SQL captured"
    );
    let mut report = Vec::new();
    for sample in explain_samples(&ids) {
        let alone = sequential_latencies(&client, &base, &sample.query).await;
        let (statements, items, more) = capture(&client, &base, &sample.query).await;
        let tables: Vec<&str> = statements.iter().map(|(s, _)| statement_table(s)).collect();
        println!(
            "  {:<56} p50 {:>6.2} ms, p99 {:>6.2} ms; {items:>2} items{}; statements: {}",
            sample.label,
            ms(percentile(&alone, 0.5)),
            ms(percentile(&alone, 0.99)),
            if more { ", more pages" } else { ", last page" },
            tables.join(", ")
        );
        report.push((sample, statements));
    }
    if pg_database.is_none() {
        println!("(EXPLAIN ANALYZE runs on PostgreSQL only: set BENCH_DATABASE_URL)");
        return;
    }
    let explain_pool = pool.clone();
    let course_count = ids.len();
    let verdicts =
        tokio::task::spawn_blocking(move || explain_all(&explain_pool, report, course_count))
            .await
            .expect("explain");
    println!();
    println!("plan summary (catalog query of each sample):");
    for (label, verdict) in verdicts {
        println!("  {label:<56} {verdict}");
    }
    drop(pool);
    drop(pg_database);
}
