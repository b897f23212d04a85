//! Taking a quiz: a student enrolls, reads the course's lessons, starts an attempt that shows no
//! key, autosaves and submits, and is graded exactly by the documented scoring schemes, also when
//! the quiz draws a subset of its questions.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::accounts::{school, student};
use crate::support::attempts::{
    answers, assert_close, enroll, get_attempt, numbers_in, published_course, question_ids,
    results, save, saved_map, shown, started, stored, submit, time_of,
};
use crate::support::leaks::{assert_attempt_hides_keys, assert_no_keys};
use crate::support::quizzes::{every_kind, quiz, single_choice};

#[tokio::test]
async fn a_student_enrolls_takes_a_quiz_without_seeing_any_key_and_is_graded_exactly() {
    let app = spawn_app().await;
    let school = school(&app, "take-college").await;
    let student = student(&app, &school, "student@take.test").await;
    let built = published_course(
        &app,
        &school,
        "take-quiz",
        quiz(json!({"time_limit_minutes": 20}), every_kind()),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;

    let enrolled = enroll(&app, &student, &built.course).await;
    assert_eq!(enrolled.body["course_id"], built.course.as_str());
    assert_eq!(enrolled.body["status"], "active");
    assert_eq!(enrolled.body["source"], "self");
    assert_no_keys("enroll", &enrolled.body);
    app.post(
        &format!("/courses/{}/enroll", built.course),
        Some(&student),
        json!({}),
    )
    .await
    .assert_problem(409, "already_enrolled");
    assert_eq!(app.count("enrollments").await, 1);
    let mine = app.get("/me/enrollments", Some(&student)).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(mine.body.as_array().map(Vec::len), Some(1), "{}", mine.body);
    assert_eq!(mine.body[0]["course_id"], built.course.as_str());

    // The attempt: every question with its kind's fields, and nothing of a key.
    let attempt = started(&app, &student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("attempt id").to_owned();
    assert_attempt_hides_keys("the new attempt", &attempt);
    assert_eq!(attempt["status"], "open");
    assert_eq!(attempt["number"], 1);
    assert_eq!(attempt["quiz_id"], built.quiz.as_str());
    assert_eq!(attempt["course_id"], built.course.as_str());
    assert_eq!(attempt["answers"], json!({}));
    let deadline = time_of(&attempt["deadline"]) - time_of(&attempt["started_at"]);
    assert_eq!(deadline.num_seconds(), 20 * 60, "{attempt}");
    let shown_ids: BTreeSet<&str> = attempt["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["question_id"].as_str().expect("id"))
        .collect();
    let all_ids: BTreeSet<&str> = ids.values().map(String::as_str).collect();
    assert_eq!(shown_ids, all_ids, "every question is shown once");

    let set = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .unwrap_or_else(|| panic!("not a list: {v}"))
            .iter()
            .map(|c| {
                assert!(c["text"].is_string(), "{c}");
                c["id"].as_str().expect("id").to_owned()
            })
            .collect()
    };
    let strings =
        |list: &[&str]| -> BTreeSet<String> { list.iter().map(|s| (*s).to_owned()).collect() };
    let choice_fields = ["options", "items", "left", "right"];
    let expect_only = |key: &str, present: &[&str]| {
        let q = shown(&attempt, &ids[key]);
        for field in choice_fields {
            assert_eq!(
                q.get(field).is_some(),
                present.contains(&field),
                "{key}.{field}: {q}"
            );
        }
        q.clone()
    };
    let q = expect_only("risk-point", &["options"]);
    assert_eq!(q["kind"], "single_choice");
    assert_eq!(set(&q["options"]), strings(&["rail", "gate"]));
    let q = expect_only("sea-rules", &["options"]);
    assert_eq!(q["kind"], "multiple_choice");
    assert_eq!(q["points"], 6.0);
    assert_eq!(
        set(&q["options"]),
        strings(&["fob", "fca", "cif", "dap", "exw"])
    );
    let q = expect_only("steps", &["items"]);
    assert_eq!(q["kind"], "ordering");
    assert_eq!(set(&q["items"]), strings(&["s1", "s2", "s3", "s4", "s5"]));
    let q = expect_only("codes", &["left", "right"]);
    assert_eq!(q["kind"], "matching");
    assert_eq!(set(&q["left"]), strings(&["l-exw", "l-fca", "l-ddp"]));
    assert_eq!(set(&q["right"]), strings(&["r-exw", "r-fca", "r-ddp"]));
    for key in ["greeting", "greeting-strict", "greeting-case", "tf"] {
        let q = expect_only(key, &[]);
        assert!(q.get("unit").is_none(), "{q}");
    }
    let q = expect_only("insurance", &[]);
    assert_eq!((&q["kind"], &q["unit"]), (&json!("numeric"), &json!("%")));
    let q = expect_only("weight", &[]);
    assert_eq!(q["kind"], "calculated");
    assert_eq!(q["unit"], "kg");
    let prompt = q["prompt"].as_str().expect("prompt");
    assert!(
        !prompt.contains('{') && !prompt.contains('}'),
        "the calculated prompt shows its placeholders: {prompt}"
    );
    let drawn = numbers_in(prompt);
    assert_eq!(drawn.len(), 2, "two drawn values in {prompt:?}");
    let (w, n) = (drawn[0], drawn[1]);
    assert!(
        (1.5..=9.5).contains(&w) && (2.0..=12.0).contains(&n),
        "{prompt}"
    );
    assert_eq!(n.fract(), 0.0, "n has no decimals: {prompt}");

    // Autosave in two rounds; a later save replaces an earlier response to the same question.
    let first: Vec<(&str, Value)> = vec![
        ("risk-point", json!({"choice": "gate"})),
        ("sea-rules", json!({"choices": ["fob", "cif", "dap"]})),
        ("insured", json!({"choices": ["cip", "fca"]})),
        ("steps", json!({"order": ["s5", "s1", "s2", "s3", "s4"]})),
        (
            "codes",
            json!({"pairs": {"l-exw": "r-exw", "l-fca": "r-ddp"}}),
        ),
    ];
    let saved = save(&app, &student, &attempt_id, answers(&ids, &first)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_attempt_hides_keys("the saved attempt", &saved.body);
    assert_eq!(saved.body["answers"], saved_map(&ids, &first));
    let second: Vec<(&str, Value)> = vec![
        ("risk-point", json!({"choice": "rail"})),
        ("greeting", json!({"text": "  esta   BIEN "})),
        ("greeting-strict", json!({"text": "Esta bien"})),
        ("greeting-case", json!({"text": "ESTÁ BIEN"})),
        ("insurance", json!({"value": 110.4})),
        ("freight", json!({"value": "203"})),
        (
            "weight",
            json!({"value": ((w * n) * 1000.0).round() / 1000.0}),
        ),
    ];
    let saved = save(&app, &student, &attempt_id, answers(&ids, &second)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let mut all: Vec<(&str, Value)> = first[1..].to_vec();
    all.extend(second.iter().cloned());
    assert_eq!(saved.body["answers"], saved_map(&ids, &all));
    let read = get_attempt(&app, &student, &attempt_id).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_attempt_hides_keys("GET of the open attempt", &read.body);
    assert_eq!(read.body["answers"], saved_map(&ids, &all));
    assert_eq!(
        read.body["questions"], attempt["questions"],
        "same questions"
    );
    let row = stored(&app, &attempt_id).await;
    assert_eq!(row.status, "open");
    assert_eq!(row.answers, saved_map(&ids, &all));
    assert_eq!(row.score, None);

    // The last answer comes with the submit.
    let last = vec![("tf", json!({"value": false}))];
    let submitted = submit(
        &app,
        &student,
        &attempt_id,
        json!({"answers": answers(&ids, &last)}),
        None,
    )
    .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    let body = &submitted.body;
    assert_eq!(body["status"], "graded");
    assert!(body["submitted_at"].is_string(), "{body}");
    all.extend(last);
    assert_eq!(body["answers"], saved_map(&ids, &all));
    let expected: Vec<(&str, f64, f64, &str)> = vec![
        ("risk-point", 1.0, 1.0, "correct"),
        // 2 of 5 correct: both right and one wrong = 1 - 1/3.
        ("sea-rules", 4.0, 6.0, "partial"),
        // One right and one wrong = 1/2 - 1/3 = 1/6.
        ("insured", 1.0, 6.0, "partial"),
        // The last item moved to the top keeps 3 of 4 neighbouring pairs.
        ("steps", 3.0, 4.0, "partial"),
        // One of three pairs right, one unpaired.
        ("codes", 1.0, 3.0, "partial"),
        ("greeting", 1.0, 1.0, "correct"),
        ("greeting-strict", 0.0, 1.0, "incorrect"),
        ("greeting-case", 1.0, 1.0, "correct"),
        ("insurance", 2.0, 2.0, "correct"),
        ("freight", 0.0, 1.0, "incorrect"),
        ("weight", 2.0, 2.0, "correct"),
        ("tf", 0.0, 1.0, "incorrect"),
    ];
    let graded = results(body);
    assert_eq!(graded.len(), expected.len(), "{body}");
    for (key, score, max, verdict) in &expected {
        let (s, m, v) = graded
            .get(&ids[*key])
            .unwrap_or_else(|| panic!("no result for {key}: {body}"));
        assert_close(*s, *score, &format!("score of {key}"));
        assert_close(*m, *max, &format!("max of {key}"));
        assert_eq!(v, verdict, "verdict on {key}");
    }
    let result = &body["result"];
    assert_close(result["score"].as_f64().expect("score"), 16.0, "quiz score");
    assert_close(result["max"].as_f64().expect("max"), 29.0, "quiz max");
    assert_close(
        result["share"].as_f64().expect("share"),
        16.0 / 29.0,
        "share",
    );
    assert_eq!(result["passed"], true);
    assert_eq!(result["needs_grading"], false);
    let correct_of = |key: &str| {
        result["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .find(|q| q["question_id"] == ids[key].as_str())
            .expect("question result")
            .clone()
    };
    assert_eq!(
        correct_of("risk-point")["correct_answer"],
        json!({"choice": "rail"})
    );
    assert!(correct_of("risk-point")["feedback"]
        .as_str()
        .is_some_and(|f| f.contains("FEEDBACK-SENTINEL")));
    assert_eq!(
        correct_of("steps")["correct_answer"],
        json!({"order": ["s1", "s2", "s3", "s4", "s5"]})
    );
    assert_close(
        correct_of("weight")["correct_answer"]["value"]
            .as_f64()
            .expect("calculated key"),
        w * n,
        "calculated key",
    );

    let row = stored(&app, &attempt_id).await;
    assert_eq!(row.status, "graded");
    assert_close(row.score.expect("stored score"), 16.0, "stored score");
    assert_close(row.max.expect("stored max"), 29.0, "stored max");
    assert_eq!(row.answers, saved_map(&ids, &all));
    assert!(row.submitted_at.is_some());

    let again = get_attempt(&app, &student, &attempt_id).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body, submitted.body, "GET shows what submit returned");
    assert_eq!(app.count("quiz_attempts").await, 1);
}

/// API.md: GET /lessons/{id} is for enrolled students and authors.
#[tokio::test]
async fn an_enrolled_student_reads_the_lessons_of_the_course_and_others_do_not() {
    let app = spawn_app().await;
    let school = school(&app, "lesson-college").await;
    let enrolled = student(&app, &school, "student@lesson.test").await;
    let bystander = student(&app, &school, "bystander@lesson.test").await;
    let built = published_course(
        &app,
        &school,
        "lesson-quiz",
        quiz(
            json!({}),
            vec![single_choice("risk-point", &["rail", "gate"], "rail")],
        ),
    )
    .await;
    enroll(&app, &enrolled, &built.course).await;
    let path = format!("/lessons/{}", built.lesson);

    let lesson = app.get(&path, Some(&enrolled)).await;
    assert_eq!(
        lesson.status, 200,
        "an enrolled student reads a lesson: {}",
        lesson.body
    );
    assert_eq!(lesson.body["title"], "Where risk and cost pass");
    assert_no_keys("GET /lessons/{id}", &lesson.body);
    let refused = app.get(&path, Some(&bystander)).await;
    assert!(
        [403, 404].contains(&refused.status),
        "a student who is not enrolled: {} {}",
        refused.status,
        refused.body
    );
}

#[tokio::test]
async fn a_quiz_that_draws_questions_shows_and_grades_only_the_drawn_ones() {
    let app = spawn_app().await;
    let school = school(&app, "draw-college").await;
    let student = student(&app, &school, "student@draw.test").await;
    let keys = ["q1", "q2", "q3", "q4", "q5"];
    let built = published_course(
        &app,
        &school,
        "draw-quiz",
        quiz(
            json!({"draw": 2, "shuffle_questions": false, "shuffle_options": false}),
            keys.iter()
                .map(|k| single_choice(k, &["rail", "gate", "quay"], "rail"))
                .collect(),
        ),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;
    enroll(&app, &student, &built.course).await;
    let attempt = started(&app, &student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("id").to_owned();
    assert_attempt_hides_keys("a drawn attempt", &attempt);
    let drawn: Vec<&str> = attempt["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["question_id"].as_str().expect("id"))
        .collect();
    assert_eq!(drawn.len(), 2, "{attempt}");
    // Without shuffling, the drawn questions keep the authored order, and so do the options.
    let authored: Vec<&str> = keys
        .iter()
        .map(|k| ids[*k].as_str())
        .filter(|id| drawn.contains(id))
        .collect();
    assert_eq!(drawn, authored);
    for q in attempt["questions"].as_array().expect("questions") {
        let order: Vec<&str> = q["options"]
            .as_array()
            .expect("options")
            .iter()
            .map(|o| o["id"].as_str().expect("id"))
            .collect();
        assert_eq!(order, ["rail", "gate", "quay"]);
    }

    // A question of the quiz that was not drawn is not a question of this attempt.
    let left_out = keys
        .iter()
        .find(|k| !drawn.contains(&ids[**k].as_str()))
        .expect("a question left out");
    let reply = save(
        &app,
        &student,
        &attempt_id,
        answers(&ids, &[(*left_out, json!({"choice": "rail"}))]),
    )
    .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.body["errors"][0]["field"], "answers[0].question_id");
    assert_eq!(stored(&app, &attempt_id).await.answers, json!({}));

    let both: Vec<Value> = drawn
        .iter()
        .map(|id| json!({"question_id": id, "response": {"choice": "rail"}}))
        .collect();
    let graded = submit(&app, &student, &attempt_id, json!({"answers": both}), None).await;
    assert_eq!(graded.status, 200, "{}", graded.body);
    assert_close(
        graded.body["result"]["score"].as_f64().expect("score"),
        2.0,
        "score",
    );
    assert_close(
        graded.body["result"]["max"].as_f64().expect("max"),
        2.0,
        "only drawn questions count",
    );
    assert_eq!(results(&graded.body).len(), 2);
}
