//! Published versions: a graded attempt keeps the score of the version it was taken on when the
//! author changes the key and publishes again.

use serde_json::json;

use crate::helpers::*;
use crate::support::accounts::{school, student};
use crate::support::attempts::{
    answers, assert_close, enroll, get_attempt, published_course, question_ids, results, shown,
    started, stored, submit,
};
use crate::support::courses::publish;
use crate::support::quizzes::{numeric, quiz, single_choice};

#[tokio::test]
async fn a_graded_attempt_keeps_its_score_when_the_author_changes_the_key_and_republishes() {
    let app = spawn_app().await;
    let school = school(&app, "version-college").await;
    let student = student(&app, &school, "student@version.test").await;
    let built = published_course(
        &app,
        &school,
        "version-quiz",
        quiz(
            json!({"attempt_limit": 3, "shuffle_questions": false}),
            vec![
                single_choice("risk-point", &["rail", "gate"], "rail"),
                numeric("insurance", 110.0, 0.0, "absolute", 1, "%"),
            ],
        ),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;
    enroll(&app, &student, &built.course).await;
    let responses = vec![
        ("risk-point", json!({"choice": "rail"})),
        ("insurance", json!({"value": 110})),
    ];

    let first = started(&app, &student, &built.quiz).await;
    let first_id = first["id"].as_str().expect("id").to_owned();
    let old_prompt = shown(&first, &ids["risk-point"])["prompt"].clone();
    let graded = submit(
        &app,
        &student,
        &first_id,
        json!({"answers": answers(&ids, &responses)}),
        None,
    )
    .await;
    assert_eq!(graded.status, 200, "{}", graded.body);
    assert_close(
        graded.body["result"]["score"].as_f64().expect("score"),
        2.0,
        "first",
    );
    let before = stored(&app, &first_id).await;

    let edited = app
        .patch(
            &format!("/questions/{}", ids["risk-point"]),
            Some(&school.instructor),
            json!({"answer": "gate", "prompt": "Revised: pick one."}),
        )
        .await;
    assert_eq!(edited.status, 204, "{}", edited.body);
    // An unpublished draft changes nothing for the student.
    let read = get_attempt(&app, &student, &first_id).await;
    assert_eq!(read.body, graded.body);
    publish(&app, &school.instructor, &built.course).await;
    assert_eq!(
        question_ids(&app, &school.instructor, &built.quiz).await,
        ids,
        "question ids are stable across versions"
    );

    let read = get_attempt(&app, &student, &first_id).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(
        read.body, graded.body,
        "the old attempt shows its own version"
    );
    assert_eq!(shown(&read.body, &ids["risk-point"])["prompt"], old_prompt);
    let after = stored(&app, &first_id).await;
    assert_eq!(after.score, before.score);
    assert_eq!(after.version, before.version);
    assert_eq!(after.answers, before.answers);

    // A new attempt is put and graded by the new version.
    let second = started(&app, &student, &built.quiz).await;
    let second_id = second["id"].as_str().expect("id").to_owned();
    assert_eq!(
        shown(&second, &ids["risk-point"])["prompt"],
        "Revised: pick one."
    );
    let regraded = submit(
        &app,
        &student,
        &second_id,
        json!({"answers": answers(&ids, &responses)}),
        None,
    )
    .await;
    assert_eq!(regraded.status, 200, "{}", regraded.body);
    let per_question = results(&regraded.body);
    assert_eq!(per_question[&ids["risk-point"]].2, "incorrect");
    assert_eq!(per_question[&ids["insurance"]].2, "correct");
    assert_close(
        regraded.body["result"]["score"].as_f64().expect("score"),
        1.0,
        "second",
    );
    let row = stored(&app, &second_id).await;
    assert_ne!(row.version, before.version, "started from the new version");
    assert_close(row.score.expect("score"), 1.0, "stored second score");

    let third = started(&app, &student, &built.quiz).await;
    let third_id = third["id"].as_str().expect("id").to_owned();
    let right_now = vec![
        ("risk-point", json!({"choice": "gate"})),
        ("insurance", json!({"value": 110})),
    ];
    let graded = submit(
        &app,
        &student,
        &third_id,
        json!({"answers": answers(&ids, &right_now)}),
        None,
    )
    .await;
    assert_close(
        graded.body["result"]["score"].as_f64().expect("score"),
        2.0,
        "third",
    );
    assert_close(
        stored(&app, &first_id).await.score.expect("score"),
        2.0,
        "the first attempt still",
    );
}
