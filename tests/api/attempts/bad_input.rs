//! Bad input on attempts: malformed answers, someone else's attempt and refused starts are answered
//! with a problem and store nothing.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::accounts::{member, school, student, School};
use crate::support::attempts::{
    answers, draft_course, enroll, get_attempt, published_course, question_ids, save, saved_map,
    start, started, stored, submit,
};
use crate::support::courses::COMPETENCY;
use crate::support::quizzes::{numeric, options, quiz, single_choice};

#[tokio::test]
async fn bad_answers_foreign_attempts_and_refused_starts_store_nothing() {
    let app = spawn_app().await;
    let school = school(&app, "bad-college").await;
    let other = student(&app, &school, "other@bad.test").await;
    let student = student(&app, &school, "student@bad.test").await;
    let built = published_course(
        &app,
        &school,
        "bad-quiz",
        quiz(
            json!({"attempt_limit": 2}),
            vec![
                single_choice("risk-point", &["rail", "gate"], "rail"),
                json!({
                    "id": "sea-rules",
                    "kind": "multiple_choice",
                    "prompt": "Which rules are for sea transport only?",
                    "points": 2,
                    "competencies": [COMPETENCY],
                    "options": options(&["fob", "fca", "cif", "dap"]),
                    "answers": ["fob", "cif"],
                }),
                numeric("insurance", 110.0, 0.0, "absolute", 1, "%"),
            ],
        ),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;
    enroll(&app, &student, &built.course).await;
    enroll(&app, &other, &built.course).await;
    let attempt = started(&app, &student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("id").to_owned();
    let good = vec![
        ("risk-point", json!({"choice": "rail"})),
        ("sea-rules", json!({"choices": ["fob"]})),
        ("insurance", json!({"value": 110})),
    ];
    let saved = save(&app, &student, &attempt_id, answers(&ids, &good)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let before = stored(&app, &attempt_id).await;
    assert_eq!(before.answers, saved_map(&ids, &good));

    let sea = ids["sea-rules"].clone();
    let risk = ids["risk-point"].clone();
    let insurance = ids["insurance"].clone();
    let huge: Vec<&str> = vec!["fob"; 100_000];
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "a multiple_choice answer of the wrong shape",
            json!([{"question_id": sea, "response": {"choices": "a"}}]),
            "answers[0].response",
        ),
        (
            "a response with an unknown field",
            json!([{"question_id": risk, "response": {"choice": "rail", "score": 1}}]),
            "answers[0].response",
        ),
        (
            "an unknown question id",
            json!([{"question_id": uuid::Uuid::now_v7().to_string(), "response": {"choice": "rail"}}]),
            "answers[0].question_id",
        ),
        (
            "an option id of another question",
            json!([{"question_id": risk, "response": {"choice": "fob"}}]),
            "answers[0].response.choice",
        ),
        (
            "a 100,000-element array",
            json!([{"question_id": sea, "response": {"choices": huge}}]),
            "answers[0].response.choices",
        ),
        (
            "NaN as a string number",
            json!([{"question_id": insurance, "response": {"value": "NaN"}}]),
            "answers[0].response.value",
        ),
        (
            "inf as a string number",
            json!([{"question_id": insurance, "response": {"value": "inf"}}]),
            "answers[0].response.value",
        ),
        (
            "a good answer next to a bad one",
            json!([
                {"question_id": risk, "response": {"choice": "gate"}},
                {"question_id": sea, "response": {"choices": ["fob", "fob"]}},
            ]),
            "answers[1].response.choices.1",
        ),
    ];
    for (what, list, field) in &cases {
        let reply = save(&app, &student, &attempt_id, list.clone()).await;
        reply.assert_problem(422, "validation_failed");
        let errors = reply.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: no errors in {}", reply.body));
        assert!(
            errors.iter().any(|e| e["field"] == *field),
            "{what}: no error for {field} in {}",
            reply.body
        );
        assert!(
            reply.body.to_string().len() < 10_000,
            "{what}: the error echoes the input"
        );
        assert_eq!(
            stored(&app, &attempt_id).await.answers,
            before.answers,
            "{what}: answers changed"
        );
        // The same answers in a submit grade nothing.
        let refused = submit(
            &app,
            &student,
            &attempt_id,
            json!({ "answers": list }),
            None,
        )
        .await;
        refused.assert_problem(422, "validation_failed");
        let row = stored(&app, &attempt_id).await;
        assert_eq!(
            (row.status.as_str(), &row.answers),
            ("open", &before.answers),
            "{what}: submit stored something"
        );
    }
    // A number literal JSON cannot carry, and a body that is not the request's shape.
    let raw =
        format!(r#"{{"answers":[{{"question_id":"{insurance}","response":{{"value":NaN}}}}]}}"#);
    let reply = Reply::from(
        app.client
            .put(app.url(&format!("/attempts/{attempt_id}/answers")))
            .bearer_auth(&student)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert!(
        [400, 422].contains(&reply.status),
        "NaN literal: {} {}",
        reply.status,
        reply.body
    );
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    // 100,000 answers are more than the body limit allows: refused before anything is read.
    let many: Vec<Value> = (0..100_000)
        .map(|_| json!({"question_id": risk, "response": {"choice": "gate"}}))
        .collect();
    let reply = save(&app, &student, &attempt_id, Value::Array(many)).await;
    assert!(
        [413, 422].contains(&reply.status),
        "100,000 answers: {} {}",
        reply.status,
        reply.body
    );
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    for body in [
        json!({"answers": {"choice": "rail"}}),
        json!({"answers": [], "status": "graded"}),
    ] {
        let reply = app
            .request(
                Method::PUT,
                &format!("/attempts/{attempt_id}/answers"),
                Some(&student),
                Some(body.clone()),
            )
            .await;
        assert!(
            [400, 422].contains(&reply.status),
            "{body}: {} {}",
            reply.status,
            reply.body
        );
    }
    let row = stored(&app, &attempt_id).await;
    assert_eq!(
        (row.status.as_str(), &row.answers),
        ("open", &before.answers)
    );

    // Another student's attempt does not exist for them.
    get_attempt(&app, &other, &attempt_id)
        .await
        .assert_problem(404, "not_found");
    save(
        &app,
        &other,
        &attempt_id,
        answers(&ids, &[("risk-point", json!({"choice": "gate"}))]),
    )
    .await
    .assert_problem(404, "not_found");
    submit(&app, &other, &attempt_id, json!({}), None)
        .await
        .assert_problem(404, "not_found");
    submit(&app, &other, &attempt_id, json!({}), Some("theirs"))
        .await
        .assert_problem(404, "not_found");
    let row = stored(&app, &attempt_id).await;
    assert_eq!(
        (row.status.as_str(), &row.answers),
        ("open", &before.answers)
    );

    // One attempt at a time, and no more than the limit.
    start(&app, &student, &built.quiz, None)
        .await
        .assert_problem(409, "attempt_in_progress");
    assert_eq!(app.count("quiz_attempts").await, 1);
    let graded = submit(&app, &student, &attempt_id, json!({}), None).await;
    assert_eq!(graded.status, 200, "{}", graded.body);
    let closed = stored(&app, &attempt_id).await;

    // Saving or submitting again after the submit.
    save(
        &app,
        &student,
        &attempt_id,
        answers(&ids, &[("risk-point", json!({"choice": "gate"}))]),
    )
    .await
    .assert_problem(409, "attempt_closed");
    submit(&app, &student, &attempt_id, json!({}), None)
        .await
        .assert_problem(409, "attempt_closed");
    let row = stored(&app, &attempt_id).await;
    assert_eq!(row.answers, closed.answers);
    assert_eq!(row.score, closed.score);
    assert_eq!(row.submitted_at, closed.submitted_at);

    let second = started(&app, &student, &built.quiz).await;
    let second_id = second["id"].as_str().expect("id").to_owned();
    assert_eq!(second["number"], 2);
    let done = submit(&app, &student, &second_id, json!({}), None).await;
    assert_eq!(done.status, 200, "{}", done.body);
    start(&app, &student, &built.quiz, None)
        .await
        .assert_problem(409, "attempt_limit_reached");
    start(&app, &student, &built.quiz, Some("after-the-limit"))
        .await
        .assert_problem(409, "attempt_limit_reached");
    assert_eq!(app.count("quiz_attempts").await, 2);

    // Not enrolled: 403. A course the student cannot see: 404, enrolled or not.
    let unenrolled = published_course(
        &app,
        &school,
        "bad-unenrolled",
        quiz(
            json!({}),
            vec![single_choice("risk-point", &["rail", "gate"], "rail")],
        ),
    )
    .await;
    start(&app, &student, &unenrolled.quiz, None)
        .await
        .assert_problem(403, "forbidden");
    let draft = draft_course(
        &app,
        &school,
        "bad-draft",
        quiz(
            json!({}),
            vec![single_choice("risk-point", &["rail", "gate"], "rail")],
        ),
    )
    .await;
    app.post(
        &format!("/courses/{}/enroll", draft.course),
        Some(&student),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    start(&app, &student, &draft.quiz, None)
        .await
        .assert_problem(404, "not_found");
    let (elsewhere, elsewhere_admin) = app.org_with_admin(&school.root, "bad-elsewhere").await;
    let foreign_school = School {
        root: school.root.clone(),
        org: elsewhere,
        admin: elsewhere_admin,
        instructor: String::new(),
    };
    let (foreign_teacher, _) = member(
        &app,
        &foreign_school.org,
        &foreign_school.admin,
        "teacher@bad-elsewhere.test",
        "instructor",
    )
    .await;
    let foreign_school = School {
        instructor: foreign_teacher,
        ..foreign_school
    };
    let foreign = published_course(
        &app,
        &foreign_school,
        "bad-foreign",
        quiz(
            json!({}),
            vec![single_choice("risk-point", &["rail", "gate"], "rail")],
        ),
    )
    .await;
    app.post(
        &format!("/courses/{}/enroll", foreign.course),
        Some(&student),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    start(&app, &student, &foreign.quiz, None)
        .await
        .assert_problem(404, "not_found");
    start(
        &app,
        &student,
        &uuid::Uuid::now_v7().to_string(),
        Some("nowhere"),
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(app.count("quiz_attempts").await, 2);
    assert_eq!(app.count("enrollments").await, 2);
}
