//! The data of the progress-report benchmark, generated straight into a migrated database: one
//! organization (a vocational college) with an org admin and `trainees` student members in
//! `cohorts` cohorts, `courses` published courses of its own, and every trainee enrolled in every
//! course with varied progress figures (status, percent, score, lessons and quizzes done, last
//! activity, completion) that follow the app's own rules (`learning::progress::figures`).
//!
//! The courses are generated course trees (2-5 modules of 2-4 lessons, each module with a quiz)
//! created through `courses::store::create_course`, so their catalog rows, versions and item ids
//! are exactly what an import makes. Everything else goes in as multi-row INSERTs of literal values
//! (`BATCH` rows each) in one transaction; the SQL text is the same on both backends (PostgreSQL
//! casts the quoted UUIDs, timestamps and JSON to their column types, SQLite stores the text the
//! app writes). A fixed seed gives the same trainees, enrollments and figures on both backends and
//! in every run; only the 20 course ids differ (the store makes them, time-ordered, so every order
//! by course id is the same).
//!
//! Every account gets one password hash made once with the app's real argon2id hasher, so any of
//! them can log in with [`PASSWORD`]. The `detailed` trainees (spread over the id range) also get
//! their `lesson_completions` and `quiz_results` rows, agreeing with their enrollment figures, and
//! every trainee gets `competency_mastery` rows from their quiz results. [`clone_attempts`] then
//! adds the detailed trainees' graded quiz attempts by copying one real attempt.
#![allow(dead_code)]

use std::collections::BTreeMap;

use caravan::courses::store::{create_course, find_course, Files};
use caravan::db::sql_types::Id;
use caravan::db::DbConn;
use caravan::learning::mastery::{decaying_average, MASTERY_THRESHOLD};
use caravan::learning::progress::items_of;
use diesel::connection::SimpleConnection;
use diesel::Connection;

/// Every generated account's password.
pub const PASSWORD: &str = "harbour-violet-ledger-2026";
/// Rows per INSERT statement.
const BATCH: usize = 1000;
/// The generated data's "now": every date lies before it (2026-11-30T00:00:00Z).
const NOW: i64 = 1_796_083_200;
/// Time base of the generated UUID v7 ids (2026-01-01T00:00:00Z), in milliseconds.
const ID_BASE_MS: u64 = 1_767_225_600_000;
const PASSING: f64 = 0.7;

#[derive(Clone, Copy)]
pub struct Spec {
    pub trainees: usize,
    pub courses: usize,
    pub cohorts: usize,
    /// Trainees with lesson completions, quiz results and (later) attempts: the /me/progress callers.
    pub detailed: usize,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            trainees: 5_000,
            courses: 20,
            cohorts: 20,
            detailed: 16,
            seed: 0x00ca_7a7a_5eed,
        }
    }
}

pub struct CourseInfo {
    pub id: Id,
    pub version: Id,
    pub slug: String,
    pub lessons: Vec<caravan::db::sql_types::ItemId>,
    pub quizzes: Vec<caravan::db::sql_types::ItemId>,
    pub competencies: Vec<String>,
    pub min_score: Option<f64>,
}

pub struct Trainee {
    pub id: Id,
    pub email: String,
}

/// A detailed trainee's result on one quiz (a `quiz_results` row).
pub struct QuizResult {
    pub user: Id,
    pub course: usize,
    pub quiz: Id,
    pub share: f64,
    pub attempts: usize,
    pub at: i64,
}

pub struct Dataset {
    pub org_id: Id,
    pub admin_email: String,
    pub cohorts: Vec<Id>,
    pub courses: Vec<CourseInfo>,
    pub detailed: Vec<Trainee>,
    /// Status of each detailed trainee's enrollment per course (same order as `courses`).
    pub detailed_status: Vec<Vec<&'static str>>,
    pub results: Vec<QuizResult>,
    /// Rows written per table, in the order written.
    pub rows: Vec<(&'static str, usize)>,
    /// Enrollments per status.
    pub statuses: BTreeMap<&'static str, usize>,
}

/// splitmix64: the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }
    /// A time-ordered UUID v7 `ms` after the id base, random in its other bits.
    fn id(&mut self, ms: u64) -> Id {
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.next().to_be_bytes());
        random[8..].copy_from_slice(&self.next().to_be_bytes()[..2]);
        Id(uuid::Builder::from_unix_timestamp_millis(ID_BASE_MS + ms, &random).into_uuid())
    }
}

/// A quoted SQL literal, valid on both backends.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}
/// A timestamp literal in the form the app writes (RFC 3339, microseconds, `Z`).
fn ts(secs: i64) -> String {
    let t = chrono::DateTime::from_timestamp(secs, 0).expect("valid time");
    q(&t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
}
fn opt_ts(secs: Option<i64>) -> String {
    secs.map_or_else(|| "NULL".to_owned(), ts)
}
fn id(i: Id) -> String {
    q(&i.0.to_string())
}

/// Collects rows of one table and writes them `BATCH` at a time.
struct Insert {
    table: &'static str,
    head: String,
    sql: String,
    pending: usize,
    total: usize,
}

impl Insert {
    fn new(table: &'static str, columns: &str) -> Self {
        Insert {
            table,
            head: format!("INSERT INTO {table} ({columns}) VALUES "),
            sql: String::new(),
            pending: 0,
            total: 0,
        }
    }
    fn row(&mut self, conn: &mut DbConn, values: String) -> diesel::QueryResult<()> {
        self.sql
            .push_str(if self.pending == 0 { &self.head } else { "," });
        self.sql.push('(');
        self.sql.push_str(&values);
        self.sql.push(')');
        self.pending += 1;
        self.total += 1;
        if self.pending == BATCH {
            self.flush(conn)?;
        }
        Ok(())
    }
    fn flush(&mut self, conn: &mut DbConn) -> diesel::QueryResult<()> {
        if self.pending > 0 {
            conn.batch_execute(&self.sql)?;
            self.sql.clear();
            self.pending = 0;
        }
        Ok(())
    }
    fn finish(
        mut self,
        conn: &mut DbConn,
        rows: &mut Vec<(&'static str, usize)>,
    ) -> diesel::QueryResult<()> {
        self.flush(conn)?;
        rows.push((self.table, self.total));
        Ok(())
    }
}

const TOPICS: &[(&str, &str)] = &[
    ("incoterms-in-practice", "Incoterms 2020 in practice"),
    ("eu-vat-and-ioss", "EU VAT and the IOSS for online sellers"),
    ("marketplace-listings", "Marketplace listings that convert"),
    ("customs-declarations", "Customs declarations step by step"),
    ("cross-border-returns", "Cross-border returns and refunds"),
    ("product-safety-gpsr", "Product safety under the GPSR"),
    (
        "payments-and-chargebacks",
        "Payments, currencies and chargebacks",
    ),
    (
        "freight-and-forwarders",
        "Freight, forwarders and containers",
    ),
    ("supplier-sourcing", "Sourcing and vetting suppliers"),
    ("pricing-for-export", "Pricing for export markets"),
    ("german-customer-service", "German for customer service"),
    ("spanish-for-sellers", "Spanish for marketplace sellers"),
    ("trademarks-abroad", "Protecting trademarks abroad"),
    ("packaging-and-labelling", "Packaging and labelling rules"),
    ("warehouse-and-fulfilment", "Warehousing and fulfilment"),
    ("advertising-analytics", "Advertising and analytics"),
    (
        "consumer-protection-eu",
        "EU consumer protection for e-commerce",
    ),
    ("gulf-marketplaces", "Selling on Gulf marketplaces"),
    (
        "brazil-import-rules",
        "Brazil's import rules for small parcels",
    ),
    (
        "inspection-and-quality",
        "Pre-shipment inspection and quality",
    ),
];

/// The files of generated course `n` and whether its completion rule is `min_score`.
fn course_files(n: usize, rng: &mut Rng, codes: &[String], countries: &[String]) -> (Files, bool) {
    let (topic, title) = TOPICS[n % TOPICS.len()];
    let slug = format!("{topic}-{n:02}");
    let comps: Vec<String> = (0..1 + rng.below(3))
        .map(|_| codes[rng.below(codes.len())].clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let markets: Vec<String> = (0..rng.below(4))
        .map(|_| countries[rng.below(countries.len())].clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let list = |v: &[String]| {
        v.iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let min_score = n % 4 == 3;
    let mut files = Files::new();
    files.insert(
        "course.toml".into(),
        format!(
            "slug = \"{slug}\"\ntitle = \"{title}\"\nsummary = \"What a cross-border seller needs to know about {topic}.\"\n\
             language = \"{}\"\nlevel = \"{}\"\nestimated_hours = {}\ncompetencies = [{}]\nmarkets = [{}]\n\
             prerequisites = []\ncompletion = \"{}\"\n{}",
            ["en", "en", "es", "de", "pt-BR"][n % 5],
            ["beginner", "intermediate", "advanced"][n % 3],
            2 + rng.below(10),
            list(&comps),
            list(&markets),
            if min_score { "min_score" } else { "all_passed" },
            if min_score { "min_score = 0.7\n" } else { "" },
        ),
    );
    let comp = |rng: &mut Rng| format!("[\"{}\"]", comps[rng.below(comps.len())]);
    for m in 0..2 + rng.below(4) {
        let dir = format!("{:02}-part-{}", m + 1, m + 1);
        files.insert(
            format!("{dir}/module.toml"),
            format!(
                "slug = \"part-{}\"\ntitle = \"{title}: part {}\"\n",
                m + 1,
                m + 1
            ),
        );
        for l in 0..2 + rng.below(3) {
            let body =
                "A trainee reads this paragraph to learn the rule, the documents it needs and \
                        the mistakes sellers make most often when they ship abroad. "
                    .repeat(6);
            files.insert(
                format!("{dir}/{:02}-lesson-{}.md", l + 1, l + 1),
                format!(
                    "+++\nslug = \"lesson-{}\"\ntitle = \"Lesson {} of part {}\"\nminutes = {}\ncompetencies = {}\n+++\n\n\
                     # Lesson {} of part {}\n\n{body}\n\n## Sources\n\n- Regulation (EU) 2023/988, Article 4.\n",
                    l + 1, l + 1, m + 1, 5 + rng.below(20), comp(rng), l + 1, m + 1
                ),
            );
        }
        let mut quiz = format!(
            "slug = \"check-{}\"\ntitle = \"Check: part {}\"\npassing_score = {PASSING}\nattempt_limit = 0\n\
             time_limit_minutes = 0\nshuffle_questions = true\nshuffle_options = true\ngrading_method = \"highest\"\n\
             review = \"{}\"\ndraw = 0\n",
            m + 1,
            m + 1,
            if n % 5 == 4 && m == 0 { "never" } else { "immediately" }
        );
        for k in 0..3 + rng.below(3) {
            // Every single choice is answered by "a" and every true/false by true (the bench's
            // template attempt answers them so).
            if k % 2 == 0 {
                quiz.push_str(&format!(
                    "\n[[questions]]\nid = \"q{k}\"\nkind = \"single_choice\"\nprompt = \"Which document does question {k} need?\"\n\
                     points = 1\ncompetencies = {}\noptions = [\n  {{ id = \"a\", text = \"The commercial invoice\" }},\n  \
                     {{ id = \"b\", text = \"A packing list only\" }},\n  {{ id = \"c\", text = \"Nothing\" }},\n]\nanswer = \"a\"\n",
                    comp(rng)
                ));
            } else {
                quiz.push_str(&format!(
                    "\n[[questions]]\nid = \"q{k}\"\nkind = \"true_false\"\nprompt = \"Statement {k} holds for EU buyers.\"\n\
                     points = 1\ncompetencies = {}\nanswer = true\n",
                    comp(rng)
                ));
            }
        }
        files.insert(format!("{dir}/quiz.toml"), quiz);
    }
    (files, min_score)
}

/// One enrollment's generated figures.
struct Progress {
    status: &'static str,
    enrolled_at: i64,
    withdrawn_at: Option<i64>,
    lessons_done: usize,
    /// Per quiz: (share, graded attempts) when attempted.
    quizzes: Vec<Option<(f64, usize)>>,
    last_activity: Option<i64>,
    completed_at: Option<i64>,
}

fn progress(rng: &mut Rng, lessons: usize, quizzes: usize) -> Progress {
    let enrolled_at = NOW - (10 + rng.below(190) as i64) * 86_400 - rng.below(86_400) as i64;
    let activity = |rng: &mut Rng| enrolled_at + ((NOW - enrolled_at) as f64 * rng.unit()) as i64;
    let profile = rng.unit();
    let mut p = Progress {
        status: "active",
        enrolled_at,
        withdrawn_at: None,
        lessons_done: 0,
        quizzes: vec![None; quizzes],
        last_activity: None,
        completed_at: None,
    };
    if profile < 0.10 {
        return p; // enrolled, not started
    }
    if profile < 0.42 {
        // Completed: every lesson, every quiz passed.
        p.status = "completed";
        p.lessons_done = lessons;
        for r in &mut p.quizzes {
            *r = Some((
                ((PASSING + rng.unit() * (1.0 - PASSING)) * 100.0).round() / 100.0,
                1 + rng.below(2),
            ));
        }
        p.last_activity = Some(activity(rng));
        p.completed_at = p.last_activity;
        return p;
    }
    // Under way (or withdrawn part way): never every lesson, so never complete.
    let f = rng.unit();
    p.lessons_done = ((f * lessons as f64) as usize).clamp(1, lessons - 1);
    let reached = ((f * quizzes as f64).round() as usize).min(quizzes);
    for r in p.quizzes.iter_mut().take(reached) {
        *r = Some((
            ((0.35 + rng.unit() * 0.65) * 100.0).round() / 100.0,
            1 + rng.below(3),
        ));
    }
    p.last_activity = Some(activity(rng));
    if profile > 0.93 {
        p.status = "withdrawn";
        p.withdrawn_at = p.last_activity.map(|t| t + 86_400);
    }
    p
}

const FIRST: &[&str] = &[
    "Ana", "Lucas", "Fatima", "Olga", "Mehmet", "Chen", "Aisha", "João", "Sofía", "Dmitri", "Nour",
    "Priya", "Kwame", "Léa", "Yusuf", "Mariana", "Hiroshi", "Zainab", "Pavel", "Elif",
];
const LAST: &[&str] = &[
    "Silva",
    "Müller",
    "Al-Rashid",
    "Ivanova",
    "Yılmaz",
    "García",
    "O'Connor",
    "Nguyen",
    "Kowalski",
    "Haddad",
    "Santos",
    "Petrov",
    "Okafor",
    "Dubois",
    "Rossi",
    "Kim",
    "Fernández",
    "Novak",
    "Mensah",
    "Schmidt",
];

/// Generates the whole data set in one transaction; `password_hash` is every account's hash.
pub fn generate(conn: &mut DbConn, spec: &Spec, password_hash: &str) -> anyhow::Result<Dataset> {
    conn.transaction::<_, anyhow::Error, _>(|conn| generate_in(conn, spec, password_hash))
}

fn generate_in(conn: &mut DbConn, spec: &Spec, password_hash: &str) -> anyhow::Result<Dataset> {
    let mut rng = Rng(spec.seed);
    let framework = caravan::catalog::framework();
    let codes: Vec<String> = framework.competencies().map(|c| c.code.clone()).collect();
    let countries: Vec<String> = framework
        .markets
        .iter()
        .map(|m| m.country.clone())
        .collect();
    let mut rows = Vec::new();
    let created = ts(NOW - 400 * 86_400);

    let org_id = rng.id(0);
    let admin_id = rng.id(1);
    let admin_email = "admin@bench-college.test".to_owned();
    conn.batch_execute(&format!(
        "INSERT INTO organizations (id, name, slug, kind, created_at, updated_at) VALUES \
         ({}, 'Bench Vocational College', 'bench-college', 'vocational_college', {created}, {created})",
        id(org_id)
    ))?;
    let user_cols = "id, email, password_hash, display_name, locale, target_markets, languages, \
                     email_verified_at, is_platform_admin, created_at, updated_at";
    let mut users = Insert::new("users", user_cols);
    users.row(conn, format!(
        "{}, {}, {}, 'College Admin', 'en', '[]', '[\"en\"]', {created}, FALSE, {created}, {created}",
        id(admin_id), q(&admin_email), q(password_hash)
    ))?;
    users.flush(conn)?;

    // Courses through the store, owned by the organization and its admin.
    let mut courses = Vec::with_capacity(spec.courses);
    for n in 0..spec.courses {
        let (files, min_score) = course_files(n, &mut rng, &codes, &countries);
        let file = caravan::courses::parse_course_from_files(&files).map_err(|d| {
            anyhow::anyhow!(
                "generated course {n} is invalid: {}",
                d.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })?;
        let course_id = create_course(
            conn,
            &files,
            &file,
            Some(caravan::db::sql_types::OrgId(org_id)),
            Some(caravan::db::sql_types::UserId(admin_id)),
            true,
        )
        .map_err(|e| anyhow::anyhow!("create course {n}: {e:?}"))?;
        let (lessons, quizzes) = items_of(course_id, &file);
        courses.push(CourseInfo {
            id: course_id.into(),
            version: find_course(conn, course_id)?
                .published_version_id
                .expect("published")
                .into(),
            slug: file.course.slug.clone(),
            lessons,
            quizzes,
            competencies: file.course.competencies.clone(),
            min_score: min_score.then_some(PASSING),
        });
    }
    rows.push(("courses (through the store)", courses.len()));

    let mut memberships = Insert::new("memberships", "id, org_id, user_id, role, created_at");
    memberships.row(
        conn,
        format!(
            "{}, {}, {}, 'org_admin', {created}",
            id(rng.id(2)),
            id(org_id),
            id(admin_id)
        ),
    )?;
    let cohort_ids: Vec<Id> = (0..spec.cohorts).map(|c| rng.id(10 + c as u64)).collect();
    let mut cohorts = Insert::new(
        "cohorts",
        "id, org_id, name, description, created_at, updated_at",
    );
    for (c, cid) in cohort_ids.iter().enumerate() {
        cohorts.row(
            conn,
            format!(
                "{}, {}, 'Intake 2026 group {:02}', 'Generated cohort', {created}, {created}",
                id(*cid),
                id(org_id),
                c + 1
            ),
        )?;
    }
    cohorts.finish(conn, &mut rows)?;

    let mut cohort_members = Insert::new("cohort_members", "cohort_id, user_id, added_at");
    let mut enrollments = Insert::new(
        "enrollments",
        "id, user_id, course_id, status, source, enrolled_at, withdrawn_at, percent, score, \
         lessons_done, lessons_total, quizzes_passed, quizzes_total, last_activity_at, completed_at",
    );
    let mut completions = Insert::new(
        "lesson_completions",
        "user_id, lesson_id, course_id, completed_at",
    );
    let mut quiz_results = Insert::new(
        "quiz_results",
        "user_id, quiz_id, course_id, share, passed, attempts_graded, pending, updated_at",
    );
    let mut mastery = Insert::new(
        "competency_mastery",
        "user_id, competency, level, evidence_count, mastered, updated_at",
    );
    let stride = (spec.trainees / spec.detailed.max(1)).max(1);
    let mut detailed = Vec::new();
    let mut detailed_status = Vec::new();
    let mut results = Vec::new();
    let mut statuses: BTreeMap<&'static str, usize> = BTreeMap::new();
    let per_cohort = spec.trainees.div_ceil(spec.cohorts.max(1));
    let mut trainees = Vec::with_capacity(spec.trainees);
    for t in 0..spec.trainees {
        // Ids a second apart (by index) so that the id order is the generation order.
        let user = rng.id(1_000 + t as u64 * 1_000);
        let email = format!("trainee{t:05}@bench-college.test");
        let mut name = format!(
            "{} {}",
            FIRST[rng.below(FIRST.len())],
            LAST[rng.below(LAST.len())]
        );
        if t % 97 == 5 {
            name = format!("{}, \"{}\"", LAST[t % LAST.len()], FIRST[t % FIRST.len()]);
            // CSV quoting
        }
        let locale = ["en", "es", "pt-BR", "ar", "ru", "de"][rng.below(6)];
        let targets: Vec<String> = (0..1 + rng.below(3))
            .map(|_| format!("\"{}\"", countries[rng.below(countries.len())]))
            .collect();
        users.row(conn, format!(
            "{}, {}, {}, {}, '{locale}', '[{}]', '[\"en\",\"{locale}\"]', {created}, FALSE, {created}, {created}",
            id(user), q(&email), q(password_hash), q(&name), targets.join(",")
        ))?;
        trainees.push((user, email, rng.id(2_000 + t as u64 * 1_000)));
    }
    // Every user before any row that refers to one.
    users.finish(conn, &mut rows)?;
    for (t, (user, _, membership)) in trainees.iter().enumerate() {
        let (user, org) = (id(*user), id(org_id));
        let values = format!("{}, {org}, {user}, 'student', {created}", id(*membership));
        memberships.row(conn, values)?;
        if let Some(cohort) = cohort_ids.get(t / per_cohort) {
            cohort_members.row(conn, format!("{}, {user}, {created}", id(*cohort)))?;
        }
    }
    memberships.finish(conn, &mut rows)?;
    cohort_members.finish(conn, &mut rows)?;

    for (t, (user, email, _)) in trainees.into_iter().enumerate() {
        let is_detailed = t % stride == 0 && detailed.len() < spec.detailed;
        let mut evidence: BTreeMap<&str, (Vec<f64>, i64)> = BTreeMap::new();
        let mut my_status = Vec::new();
        for (c, course) in courses.iter().enumerate() {
            let (lt, qt) = (course.lessons.len(), course.quizzes.len());
            let p = progress(&mut rng, lt, qt);
            let passed = p
                .quizzes
                .iter()
                .flatten()
                .filter(|(s, _)| *s + 1e-9 >= PASSING)
                .count();
            let graded = p.quizzes.iter().flatten().count();
            let done = if course.min_score.is_some() {
                graded
            } else {
                passed
            };
            let percent =
                ((p.lessons_done + done) as f64 * 100.0 / (lt + qt) as f64 * 10.0).round() / 10.0;
            let score = (graded > 0).then(|| {
                p.quizzes
                    .iter()
                    .map(|r| r.map_or(0.0, |(s, _)| s))
                    .sum::<f64>()
                    / qt as f64
            });
            *statuses.entry(p.status).or_default() += 1;
            my_status.push(p.status);
            enrollments.row(conn, format!(
                "{}, {}, {}, '{}', '{}', {}, {}, {percent}, {}, {}, {lt}, {passed}, {qt}, {}, {}",
                id(rng.id(3_000 + (t * spec.courses + c) as u64)), id(user), id(course.id), p.status,
                if rng.below(10) == 0 { "self" } else { "cohort" },
                ts(p.enrolled_at), opt_ts(p.withdrawn_at),
                score.map_or_else(|| "NULL".to_owned(), |s| format!("{s:.6}")),
                p.lessons_done, opt_ts(p.last_activity), opt_ts(p.completed_at)
            ))?;
            let last = p.last_activity.unwrap_or(p.enrolled_at);
            for (share, _) in p.quizzes.iter().flatten() {
                for code in &course.competencies {
                    let e = evidence.entry(code).or_insert((Vec::new(), 0));
                    e.0.push(*share);
                    e.1 = e.1.max(last);
                }
            }
            if !is_detailed {
                continue;
            }
            let span = (last - p.enrolled_at).max(1);
            for (k, lesson) in course.lessons.iter().take(p.lessons_done).enumerate() {
                let at = p.enrolled_at + span * (k as i64 + 1) / p.lessons_done as i64;
                completions.row(
                    conn,
                    format!(
                        "{}, {}, {}, {}",
                        id(user),
                        id((*lesson).into()),
                        id(course.id),
                        ts(at)
                    ),
                )?;
            }
            for (quiz, r) in course.quizzes.iter().zip(&p.quizzes) {
                let Some((share, attempts)) = *r else {
                    continue;
                };
                quiz_results.row(
                    conn,
                    format!(
                        "{}, {}, {}, {share}, {}, {attempts}, 0, {}",
                        id(user),
                        id((*quiz).into()),
                        id(course.id),
                        if share + 1e-9 >= PASSING {
                            "TRUE"
                        } else {
                            "FALSE"
                        },
                        ts(last)
                    ),
                )?;
                results.push(QuizResult {
                    user,
                    course: c,
                    quiz: (*quiz).into(),
                    share,
                    attempts,
                    at: last,
                });
            }
        }
        for (code, (shares, at)) in evidence {
            let level = decaying_average(&shares).unwrap_or(0.0);
            mastery.row(
                conn,
                format!(
                    "{}, {}, {level:.4}, {}, {}, {}",
                    id(user),
                    q(code),
                    shares.len(),
                    if level + 1e-9 >= MASTERY_THRESHOLD {
                        "TRUE"
                    } else {
                        "FALSE"
                    },
                    ts(at)
                ),
            )?;
        }
        if is_detailed {
            detailed.push(Trainee { id: user, email });
            detailed_status.push(my_status);
        }
    }
    enrollments.finish(conn, &mut rows)?;
    completions.finish(conn, &mut rows)?;
    quiz_results.finish(conn, &mut rows)?;
    mastery.finish(conn, &mut rows)?;
    Ok(Dataset {
        org_id,
        admin_email,
        cohorts: cohort_ids,
        courses,
        detailed,
        detailed_status,
        results,
        rows,
        statuses,
    })
}

/// After generation: statistics for PostgreSQL's planner (what autovacuum would do soon after a
/// bulk load), or a WAL checkpoint for SQLite so the server starts from a compact file. Returns
/// what it did.
pub fn settle(conn: &mut DbConn) -> anyhow::Result<&'static str> {
    Ok(match conn {
        DbConn::Pg(c) => {
            c.batch_execute(
                "VACUUM (ANALYZE) users, memberships, cohorts, cohort_members, courses, enrollments, \
                 lesson_completions, quiz_results, competency_mastery",
            )?;
            "VACUUM (ANALYZE)"
        }
        DbConn::Sqlite(c) => {
            c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")?;
            "WAL checkpoint (no ANALYZE: the app never runs it)"
        }
    })
}

/// Gives every detailed trainee's quiz result its graded attempts (`attempts` of them, numbered
/// from 1, the last with the result's share) by copying the real attempt `template` (its seed,
/// questions, answers and grade JSON), except for `skip`'s (user, quiz), which the template is.
/// Returns the attempts written.
pub fn clone_attempts(
    conn: &mut DbConn,
    data: &Dataset,
    template: Id,
    skip: (Id, Id),
) -> anyhow::Result<usize> {
    let pg = matches!(conn, DbConn::Pg(_));
    let (uuid, tstz, float) = if pg {
        ("::uuid", "::timestamptz", "::float8")
    } else {
        ("", "", "")
    };
    let mut rng = Rng(0xa77e_3417);
    let mut values = Vec::new();
    let mut n = 0usize;
    for r in data.results.iter().filter(|r| (r.user, r.quiz) != skip) {
        let course = &data.courses[r.course];
        for number in 1..=r.attempts {
            let share = if number == r.attempts {
                r.share
            } else {
                (r.share * (0.5 + rng.unit() * 0.5) * 100.0).round() / 100.0
            };
            let submitted = r.at - ((r.attempts - number) as i64) * 86_400;
            values.push(format!(
                "({}, {}, {}, {}, {}, {number}, {}, {}, {share})",
                id(rng.id(9_000_000_000 + n as u64)),
                id(r.quiz),
                id(course.id),
                id(course.version),
                id(r.user),
                ts(submitted - 900),
                ts(submitted)
            ));
            n += 1;
        }
    }
    conn.transaction::<_, anyhow::Error, _>(|conn| {
        for chunk in values.chunks(BATCH) {
            conn.batch_execute(&format!(
                "INSERT INTO quiz_attempts (id, quiz_id, course_id, version_id, user_id, number, status, \
                 seed, questions, answers, started_at, deadline, submitted_at, score, max_score, result) \
                 SELECT v.column1{uuid}, v.column2{uuid}, v.column3{uuid}, v.column4{uuid}, v.column5{uuid}, \
                 v.column6, 'graded', t.seed, t.questions, t.answers, v.column7{tstz}, NULL, v.column8{tstz}, \
                 v.column9{float} * t.max_score, t.max_score, t.result \
                 FROM (VALUES {}) AS v JOIN quiz_attempts t ON t.id = {}{uuid}",
                chunk.join(","),
                id(template)
            ))?;
        }
        Ok(())
    })?;
    if let DbConn::Pg(c) = conn {
        c.batch_execute("ANALYZE quiz_attempts")?;
    }
    Ok(n)
}
