//! Stored data that no longer reads as what it should be (a hand-edited row, a bad restore) is a
//! server error with a generic body, never a view built from empty defaults that a student or a
//! report would take for real data.

use caravan::db::sql_types::{Id, JsonValue};
use caravan::schema::quiz_attempts;
use diesel::prelude::*;
use serde_json::json;

use crate::helpers::*;
use crate::support::accounts::{school, student};
use crate::support::attempts::{enroll, get_attempt, published_course, started};
use crate::support::quizzes::{quiz, single_choice};

#[tokio::test]
async fn an_attempt_whose_stored_questions_are_corrupt_is_a_500_not_an_empty_attempt() {
    let app = spawn_app().await;
    let school = school(&app, "corrupt-college").await;
    let student = student(&app, &school, "student@corrupt.test").await;
    let built = published_course(
        &app,
        &school,
        "corrupt-quiz",
        quiz(
            json!({}),
            vec![single_choice("risk-point", &["rail", "gate"], "rail")],
        ),
    )
    .await;
    enroll(&app, &student, &built.course).await;
    let attempt = started(&app, &student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("id").to_owned();
    let before = get_attempt(&app, &student, &attempt_id).await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert_eq!(before.body["questions"].as_array().map(Vec::len), Some(1));

    // The questions column holds JSON of the wrong shape.
    let id: Id = attempt_id.parse().expect("attempt id");
    let n = app
        .db(move |c| {
            diesel::update(quiz_attempts::table.find(id))
                .set(quiz_attempts::questions.eq(JsonValue(json!({"not": "a list"}))))
                .execute(c)
                .expect("questions overwritten")
        })
        .await;
    assert_eq!(n, 1);

    let after = get_attempt(&app, &student, &attempt_id).await;
    assert_eq!(after.status, 500, "{}", after.body);
    assert_eq!(after.body["code"], "internal_error", "{}", after.body);
    let text = after.body.to_string();
    assert!(
        !text.contains("corrupt") && !text.contains("questions"),
        "the body tells nothing of the storage: {text}"
    );
}
