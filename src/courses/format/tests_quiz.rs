//! Bad input in `quiz.toml`: settings, question ids, fields per kind and the rules of every kind.
//! A first question's common fields sit on lines 13-16 and its kind's fields start on line 17.

use super::tests_fixture::*;

const QUIZ: &str = "01-basics/quiz.toml";

fn single_choice(id: &str) -> String {
    question(id, "single_choice", SINGLE_CHOICE_REST)
}

fn with_settings(from: &str, to: &str) -> Vec<String> {
    let mut files = course_files();
    edit(&mut files, QUIZ, from, to);
    errors(&files)
}

#[test]
fn checks_quiz_settings() {
    assert_eq!(
        with_settings("passing_score = 0.7", "passing_score = 1.5"),
        ["01-basics/quiz.toml:3: passing_score must be between 0 and 1, found 1.5"]
    );
    assert_eq!(
        with_settings("\"highest\"", "\"best\""),
        ["01-basics/quiz.toml:8: unknown variant `best`, expected one of `highest`, `latest`, `average`, `first`"]
    );
    assert_eq!(
        with_settings("\"immediately\"", "\"later\""),
        ["01-basics/quiz.toml:9: unknown variant `later`, expected one of `immediately`, `after_deadline`, `never`"]
    );
    assert_eq!(
        with_settings("draw = 0", "draw = 2"),
        ["01-basics/quiz.toml:10: draw is 2 but the quiz has only 1 question"]
    );
    assert_eq!(
        quiz_errors(&[]),
        ["01-basics/quiz.toml: the quiz has no questions"]
    );
}

#[test]
fn question_ids_are_slugs_used_once() {
    assert_eq!(
        quiz_errors(&[single_choice("q1"), single_choice("q1")]),
        ["01-basics/quiz.toml:24: duplicate question id \"q1\" (first used on line 13)"]
    );
    assert_eq!(
        quiz_errors(&[single_choice("Q 1")]),
        ["01-basics/quiz.toml:13: question id \"Q 1\" must be 1-80 lowercase letters, digits and single hyphens"]
    );
}

#[test]
fn checks_the_fields_every_question_has() {
    // A bad common field does not hide the rules of the kind (the answer on line 21).
    let q = single_choice("q1").replace("[\"law.product_safety\"]", "[\"law.safety\"]");
    let q = q.replace("answer = \"b\"\n", "answer = \"z\"\npoints = 0\n");
    assert_eq!(
        quiz_errors(&[q]),
        [
            "01-basics/quiz.toml:16: question \"q1\": unknown competency code \"law.safety\"",
            "01-basics/quiz.toml:21: question \"q1\": answer \"z\" is not one of the options a, b",
            "01-basics/quiz.toml:22: question \"q1\": points must be a positive number, found 0",
        ]
    );
    let q = single_choice("q1").replace("answer = \"b\"", "answr = \"b\"");
    let unknown = quiz_errors(&[q]);
    assert_eq!(unknown.len(), 1);
    assert!(
        unknown[0].starts_with("01-basics/quiz.toml:21: question \"q1\": unknown field `answr`, expected one of `id`, `kind`,"),
        "{unknown:?}"
    );
    assert_eq!(
        quiz_errors(&[question("q1", "fill_in", "")]),
        ["01-basics/quiz.toml:14: question \"q1\": unknown variant `fill_in`, expected one of `single_choice`, `multiple_choice`, `true_false`, `short_text`, `numeric`, `ordering`, `matching`, `calculated`, `essay`"]
    );
}

#[test]
fn each_kind_takes_its_own_fields() {
    let q = question("q1", "true_false", "answer = true\nrubric = \"Not here\"\n");
    assert_eq!(
        quiz_errors(&[q]),
        ["01-basics/quiz.toml:18: question \"q1\": field \"rubric\" does not belong to kind \"true_false\""]
    );
    let q = question("q1", "numeric", "answer = 12.5\n");
    assert_eq!(
        quiz_errors(&[q]),
        [
            "01-basics/quiz.toml:14: question \"q1\": kind \"numeric\" needs field \"tolerance\"",
            "01-basics/quiz.toml:14: question \"q1\": kind \"numeric\" needs field \"tolerance_kind\"",
        ]
    );
}

#[test]
fn single_choice_options_and_answer() {
    // The example of courses/README.md.
    let rest = "options = [\n  { id = \"a\", text = \"A\" },\n  { id = \"b\", text = \"B\" },\n  \
                { id = \"c\", text = \"C\" },\n  { id = \"d\", text = \"D\" },\n]\nanswer = \"e\"\n";
    assert_eq!(
        quiz_errors(&[question("q3", "single_choice", rest)]),
        ["01-basics/quiz.toml:23: question \"q3\": answer \"e\" is not one of the options a, b, c, d"]
    );
    let rest = "options = [{ id = \"a\", text = \"Only\" }]\nanswer = \"a\"\n";
    assert_eq!(
        quiz_errors(&[question("q1", "single_choice", rest)]),
        ["01-basics/quiz.toml:17: question \"q1\": needs 2 to 10 options, found 1"]
    );
    let eleven: Vec<String> = (0..11)
        .map(|i| format!("{{ id = \"o{i}\", text = \"{i}\" }}"))
        .collect();
    let rest = format!("options = [{}]\nanswer = \"o1\"\n", eleven.join(", "));
    assert_eq!(
        quiz_errors(&[question("q1", "single_choice", &rest)]),
        ["01-basics/quiz.toml:17: question \"q1\": needs 2 to 10 options, found 11"]
    );
    let q = single_choice("q1").replace("id = \"b\", text = \"No\"", "id = \"a\", text = \"\"");
    assert_eq!(
        quiz_errors(&[q]),
        [
            "01-basics/quiz.toml:19: question \"q1\": option id \"a\" is used twice",
            "01-basics/quiz.toml:19: question \"q1\": option \"a\" has no text",
            "01-basics/quiz.toml:21: question \"q1\": answer \"b\" is not one of the options a, a",
        ]
    );
}

#[test]
fn multiple_choice_answers_are_a_non_empty_subset() {
    let options = "options = [{ id = \"a\", text = \"A\" }, { id = \"b\", text = \"B\" }]\n";
    let q = question("q1", "multiple_choice", &format!("{options}answers = []\n"));
    assert_eq!(
        quiz_errors(&[q]),
        ["01-basics/quiz.toml:18: question \"q1\": answers must name at least one option"]
    );
    let rest = format!("{options}answers = [\n  \"a\",\n  \"z\",\n  \"a\",\n]\n");
    assert_eq!(
        quiz_errors(&[question("q1", "multiple_choice", &rest)]),
        [
            "01-basics/quiz.toml:20: question \"q1\": answer \"z\" is not one of the options a, b",
            "01-basics/quiz.toml:21: question \"q1\": answer \"a\" is listed twice",
        ]
    );
}

#[test]
fn true_false_short_text_and_essay() {
    assert_eq!(
        quiz_errors(&[question("q1", "true_false", "answer = \"yes\"\n")]),
        ["01-basics/quiz.toml:17: question \"q1\": answer must be true or false, found a string"]
    );
    assert_eq!(
        quiz_errors(&[question("q1", "short_text", "accepted = []\n")]),
        ["01-basics/quiz.toml:17: question \"q1\": accepted must list at least one answer"]
    );
    let rest = "accepted = [\"Guten Tag\", \" \"]\ncase_sensitive = true\n";
    assert_eq!(
        quiz_errors(&[question("q1", "short_text", rest)]),
        ["01-basics/quiz.toml:17: question \"q1\": accepted answer 2 is empty"]
    );
    assert_eq!(
        quiz_errors(&[question("q1", "essay", "rubric = \"  \"\n")]),
        ["01-basics/quiz.toml:17: question \"q1\": rubric must not be empty"]
    );
}

#[test]
fn numeric_answer_and_tolerance() {
    let rest = |answer: &str, tolerance: &str, kind: &str| {
        format!("answer = {answer}\ntolerance = {tolerance}\ntolerance_kind = \"{kind}\"\nunit = \"EUR\"\n")
    };
    let q = |answer, tolerance, kind| question("q1", "numeric", &rest(answer, tolerance, kind));
    assert_eq!(
        quiz_errors(&[q("12.5", "0.01", "absolute")]),
        Vec::<String>::new()
    );
    assert_eq!(
        quiz_errors(&[q("\"12.5\"", "-1", "absolute")]),
        ["01-basics/quiz.toml:17: question \"q1\": answer must be a number, found a string"]
    );
    assert_eq!(
        quiz_errors(&[q("nan", "-1", "relative")]),
        [
            "01-basics/quiz.toml:17: question \"q1\": answer must be a finite number, found NaN",
            "01-basics/quiz.toml:18: question \"q1\": tolerance must be a finite number >= 0, found -1",
        ]
    );
    assert_eq!(
        quiz_errors(&[q("1", "0", "percent")]),
        ["01-basics/quiz.toml:19: question \"q1\": unknown variant `percent`, expected `absolute` or `relative`"]
    );
}

#[test]
fn ordering_needs_two_items_with_unique_ids() {
    let rest = "items = [{ id = \"only\", text = \"Only\" }]\n";
    assert_eq!(
        quiz_errors(&[question("q1", "ordering", rest)]),
        ["01-basics/quiz.toml:17: question \"q1\": needs at least 2 items, found 1"]
    );
    let rest = "items = [\n  { id = \"x\", text = \"1\" },\n  { id = \"x\", text = \"2\" },\n]\n";
    assert_eq!(
        quiz_errors(&[question("q1", "ordering", rest)]),
        ["01-basics/quiz.toml:19: question \"q1\": item id \"x\" is used twice"]
    );
}

#[test]
fn matching_pairs_every_left_item_with_a_right_item() {
    let sides = "left = [{ id = \"l1\", text = \"1\" }, { id = \"l2\", text = \"2\" }]\n\
                 right = [{ id = \"r1\", text = \"A\" }, { id = \"r2\", text = \"B\" }]\n";
    let q = |answer: &str| question("q1", "matching", &format!("{sides}answer = {answer}\n"));
    assert_eq!(
        quiz_errors(&[q("{ l1 = \"r2\", l2 = \"r1\" }")]),
        Vec::<String>::new()
    );
    assert_eq!(
        quiz_errors(&[q("{\n  l1 = \"r9\",\n  l3 = \"r1\",\n}")]),
        [
            "01-basics/quiz.toml:19: question \"q1\": answer has no pair for left item \"l2\"",
            "01-basics/quiz.toml:20: question \"q1\": answer pairs \"l1\" with \"r9\", which is not one of the right items r1, r2",
            "01-basics/quiz.toml:21: question \"q1\": answer pairs \"l3\", which is not one of the left items l1, l2",
        ]
    );
    assert_eq!(
        quiz_errors(&[q("\"r1\"")]),
        ["01-basics/quiz.toml:19: question \"q1\": answer must be a table of left id = right id pairs, found a string"]
    );
}

fn calculated(prompt: &str, formula: &str, variables: &str) -> String {
    format!(
        "id = \"q1\"\nkind = \"calculated\"\nprompt = \"{prompt}\"\ncompetencies = [\"law.product_safety\"]\n\
         formula = \"{formula}\"\nvariables = [\n{variables}]\ntolerance = 0.01\ntolerance_kind = \"absolute\"\n"
    )
}

const PRICE: &str = "  { name = \"price\", min = 10, max = 20, decimals = 2 },\n";

#[test]
fn calculated_formula_and_variables() {
    let ok = calculated("Price {price}?", "round(price * 1.19, 2)", PRICE);
    assert_eq!(quiz_errors(&[ok]), Vec::<String>::new());
    assert_eq!(
        quiz_errors(&[calculated("Price {price}?", "price * * 2", PRICE)]),
        ["01-basics/quiz.toml:17: question \"q1\": formula \"price * * 2\" does not parse: expected a number, a variable, a function or `(`, found `*` at column 9"]
    );
    assert_eq!(
        quiz_errors(&[calculated("Price {price}?", "price * (1 + vat)", PRICE)]),
        ["01-basics/quiz.toml:17: question \"q1\": formula uses \"vat\", which is not a declared variable (declared: price)"]
    );
    let bad = "  { name = \"price\", min = 20, max = 10, decimals = 7 },\n  { name = \"max\", min = 1, max = 2, decimals = 0 },\n";
    assert_eq!(
        quiz_errors(&[calculated("Price {price}?", "price", bad)]),
        [
            "01-basics/quiz.toml:19: question \"q1\": variable \"price\" has min 20 greater than max 10",
            "01-basics/quiz.toml:19: question \"q1\": variable \"price\" has decimals 7, allowed are 0 to 6",
            "01-basics/quiz.toml:20: question \"q1\": variable name \"max\" is the name of a function",
            "01-basics/quiz.toml:20: question \"q1\": the prompt does not show variable \"max\" as {max}",
        ]
    );
    let units = "  { name = \"units\", min = 0, max = 100, decimals = 0 },\n";
    assert_eq!(
        quiz_errors(&[calculated("Mould cost over {units} units?", "5000 / units", units)]),
        ["01-basics/quiz.toml:17: question \"q1\": formula gives inf with every variable at its min (units = 0)"]
    );
}

#[test]
fn reports_every_bad_question_not_just_the_first() {
    let questions = [
        question("q1", "true_false", "answer = 1\n"),
        question("q2", "essay", ""),
        single_choice("q3").replace("answer = \"b\"", "answer = \"c\""),
    ];
    assert_eq!(
        quiz_errors(&questions),
        [
            "01-basics/quiz.toml:17: question \"q1\": answer must be true or false, found a number",
            "01-basics/quiz.toml:21: question \"q2\": kind \"essay\" needs field \"rubric\"",
            "01-basics/quiz.toml:34: question \"q3\": answer \"c\" is not one of the options a, b",
        ]
    );
}
