//! The benches' quiz course: one module with one lesson and a 10-question quiz (every kind but
//! essay) that allows unlimited attempts without a time limit and reveals results immediately, and
//! a response of the right shape for each question a student is shown.

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// The published quiz course and the platform admin who imported it.
pub struct Published {
    /// The admin's access token.
    pub root: String,
    pub course: String,
    pub quiz: String,
}

/// Creates the platform admin `email` (password `password`) on `pool`, logs them in and imports
/// and publishes the quiz course over HTTP.
pub async fn publish(
    client: &reqwest::Client,
    base: &str,
    pool: &caravan::db::Pool,
    email: &str,
    password: &str,
) -> Published {
    let (pool, admin, secret) = (pool.clone(), email.to_owned(), password.to_owned());
    tokio::task::spawn_blocking(move || {
        caravan::admin::create_platform_admin(&pool, &admin, &secret, "Root")
            .expect("admin created")
    })
    .await
    .expect("join");
    let (root, _) = super::login(client, base, email, password).await;
    let (status, body) = super::post(
        client,
        format!("{base}/api/v1/courses/import"),
        Some(&root),
        json!({"files": course_files(), "publish": true}),
    )
    .await;
    assert_eq!(status, 200, "import: {body}");
    let id = |v: &Value| v.as_str().expect("an id").to_owned();
    Published {
        root,
        course: id(&body["course"]["id"]),
        quiz: id(&body["course"]["modules"][0]["quiz"]["id"]),
    }
}

pub const QUIZ: &str = r#"slug = "check"
title = "Check: Incoterms 2020 in practice"
passing_score = 0.7
attempt_limit = 0
time_limit_minutes = 0
shuffle_questions = true
shuffle_options = true
grading_method = "highest"
review = "immediately"
draw = 0

[[questions]]
id = "most-buyer-obligations"
kind = "single_choice"
prompt = "Which Incoterms 2020 rule puts the most obligations on the buyer?"
points = 1
competencies = ["trade.incoterms"]
feedback = "Under EXW the buyer even loads the goods and clears them for export."
options = [
  { id = "a", text = "EXW" },
  { id = "b", text = "FCA" },
  { id = "c", text = "DAP" },
  { id = "d", text = "DDP" },
]
answer = "a"

[[questions]]
id = "any-mode-rules"
kind = "multiple_choice"
prompt = "Which rules may be used for any mode of transport? Select all that apply."
points = 2
competencies = ["trade.incoterms"]
feedback = "FOB and CIF are for sea and inland waterway transport only."
options = [
  { id = "a", text = "FCA" },
  { id = "b", text = "CPT" },
  { id = "c", text = "FOB" },
  { id = "d", text = "DAP" },
  { id = "e", text = "CIF" },
]
answers = ["a", "b", "d"]

[[questions]]
id = "fob-containers"
kind = "true_false"
prompt = "FOB suits containerised goods handed to the carrier at an inland terminal."
points = 1
competencies = ["trade.incoterms"]
feedback = "False: use FCA when goods are handed over before they are on board."
answer = false

[[questions]]
id = "unloaded-rule"
kind = "short_text"
prompt = "Which three-letter rule is the only one under which the seller unloads at destination?"
points = 1
competencies = ["trade.incoterms"]
feedback = "Delivered at Place Unloaded."
accepted = ["DPU"]
case_sensitive = false

[[questions]]
id = "rule-count"
kind = "numeric"
prompt = "How many rules does Incoterms 2020 define?"
points = 1
competencies = ["trade.incoterms"]
feedback = "Seven for any mode and four for sea and inland waterways."
answer = 11
tolerance = 0
tolerance_kind = "absolute"
unit = "rules"

[[questions]]
id = "risk-order"
kind = "ordering"
prompt = "Order the rules from least to most obligations for the seller."
points = 2
competencies = ["trade.incoterms"]
feedback = "EXW, FCA, CPT, DAP, DDP."
items = [
  { id = "exw", text = "EXW" },
  { id = "fca", text = "FCA" },
  { id = "cpt", text = "CPT" },
  { id = "dap", text = "DAP" },
  { id = "ddp", text = "DDP" },
]

[[questions]]
id = "risk-passes"
kind = "matching"
prompt = "Match each rule with where the risk passes to the buyer."
points = 3
competencies = ["trade.incoterms"]
feedback = "Risk passes at delivery, which each rule defines."
left = [
  { id = "l1", text = "FOB" },
  { id = "l2", text = "CPT" },
  { id = "l3", text = "DAP" },
]
right = [
  { id = "r1", text = "On board the vessel at the port of shipment" },
  { id = "r2", text = "On handing over to the first carrier" },
  { id = "r3", text = "At destination, ready for unloading" },
  { id = "r4", text = "At the seller's premises, not loaded" },
]
answer = { l1 = "r1", l2 = "r2", l3 = "r3" }

[[questions]]
id = "cif-insurance"
kind = "calculated"
prompt = "Goods worth {goods} EUR ship for {freight} EUR under CIF. The seller insures 110 % of the CIF value at a premium of {rate} %. What is the premium in EUR?"
points = 2
competencies = ["trade.incoterms"]
feedback = "Premium = (goods + freight) x 1.1 x rate / 100."
formula = "round((goods + freight) * 1.1 * rate / 100, 2)"
variables = [
  { name = "goods", min = 1000, max = 9000, decimals = 0 },
  { name = "freight", min = 100, max = 900, decimals = 0 },
  { name = "rate", min = 0.2, max = 0.8, decimals = 1 },
]
tolerance = 0.01
tolerance_kind = "absolute"
unit = "EUR"

[[questions]]
id = "ddp-import-vat"
kind = "single_choice"
prompt = "Under DDP, who pays import VAT in the buyer's country?"
points = 1
competencies = ["trade.incoterms"]
feedback = "DDP: the seller clears the goods for import and pays duties and taxes."
options = [
  { id = "a", text = "The buyer" },
  { id = "b", text = "The seller" },
  { id = "c", text = "The carrier" },
]
answer = "b"

[[questions]]
id = "insurance-share"
kind = "numeric"
prompt = "CIP requires insurance for at least what percentage of the contract price?"
points = 1
competencies = ["trade.incoterms"]
feedback = "110 % of the contract price, Institute Cargo Clauses (A)."
answer = 110
tolerance = 0.05
tolerance_kind = "relative"
unit = "%"
"#;

pub fn course_files() -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "course.toml".to_owned(),
            "slug = \"submission-bench\"\ntitle = \"Incoterms in practice\"\nsummary = \"Where risk and cost pass from seller to buyer.\"\nlanguage = \"en\"\nlevel = \"beginner\"\nestimated_hours = 1\ncompetencies = [\"trade.incoterms\"]\nmarkets = []\nprerequisites = []\ncompletion = \"all_passed\"\n".to_owned(),
        ),
        ("01-m/module.toml".to_owned(), "slug = \"m\"\ntitle = \"The rules\"\n".to_owned()),
        (
            "01-m/01-l.md".to_owned(),
            "+++\nslug = \"l\"\ntitle = \"The eleven rules\"\nminutes = 5\ncompetencies = [\"trade.incoterms\"]\n+++\n\n# The eleven rules\n\nText.\n\n## Sources\n\n- ICC Incoterms 2020.\n".to_owned(),
        ),
        ("01-m/quiz.toml".to_owned(), QUIZ.to_owned()),
    ])
}

/// A response in the shape of the question's kind, built from the student's view of it; `i`
/// varies the choices so that some answers are right and some wrong.
pub fn response_for(q: &Value, i: usize) -> Value {
    let ids = |field: &str| -> Vec<String> {
        q[field]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    match q["kind"].as_str().unwrap_or_default() {
        "single_choice" => {
            let options = ids("options");
            json!({"choice": options[i % options.len()]})
        }
        "multiple_choice" => {
            let options = ids("options");
            json!({"choices": options.iter().skip(i % 2).take(3).collect::<Vec<_>>()})
        }
        "true_false" => json!({"value": i.is_multiple_of(2)}),
        "short_text" => json!({"text": if i.is_multiple_of(2) { "dpu" } else { "DAP" }}),
        "numeric" => json!({"value": 11 + (i % 3) as i64 * 50}),
        "calculated" => json!({"value": 42.17}),
        "ordering" => json!({"order": ids("items")}),
        "matching" => {
            let (left, right) = (ids("left"), ids("right"));
            let pairs: serde_json::Map<String, Value> = left
                .iter()
                .enumerate()
                .map(|(n, l)| (l.clone(), json!(right[(n + i) % right.len()])))
                .collect();
            json!({ "pairs": pairs })
        }
        other => panic!("unexpected question kind {other}"),
    }
}
