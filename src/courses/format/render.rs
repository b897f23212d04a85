//! Writing a [`CourseFile`] back in the format, laid out like the hand-written files (options as
//! inline tables one per line, the manifest keys in README order), so that an export reads like
//! the seed catalog and parses back to the same model.
//!
//! The TOML is written by hand rather than through `toml`'s serializer: it needs the crate's
//! `display` feature, and its layout of nested arrays of tables (`[[questions.options]]`) is far
//! from what authors write.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model::{Choice, CourseFile, Question, QuestionKind, Quiz, Variable};

/// Relative path (with `/`) -> content of every file of the course folder.
pub fn render_course(file: &CourseFile) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let c = &file.course;
    let mut out = String::new();
    line(&mut out, "slug", &string(&c.slug));
    line(&mut out, "title", &string(&c.title));
    line(&mut out, "summary", &string(&c.summary));
    line(&mut out, "language", &string(&c.language));
    line(&mut out, "level", &string(c.level.as_str()));
    line(&mut out, "estimated_hours", &number(c.estimated_hours));
    line(&mut out, "competencies", &strings(&c.competencies));
    line(&mut out, "markets", &strings(&c.markets));
    line(&mut out, "prerequisites", &strings(&c.prerequisites));
    line(&mut out, "completion", &string(c.completion.as_str()));
    if let Some(min_score) = c.min_score {
        line(&mut out, "min_score", &number(min_score));
    }
    if let Some(original) = &c.edition_of {
        line(&mut out, "edition_of", &string(original));
    }
    files.insert("course.toml".to_owned(), out);

    for module in &file.modules {
        let folder = format!("{:02}-{}", module.position, module.module.slug);
        let mut out = String::new();
        line(&mut out, "slug", &string(&module.module.slug));
        line(&mut out, "title", &string(&module.module.title));
        if let Some(summary) = &module.module.summary {
            line(&mut out, "summary", &string(summary));
        }
        files.insert(format!("{folder}/module.toml"), out);

        for lesson in &module.lessons {
            let l = &lesson.lesson;
            let mut out = String::from("+++\n");
            line(&mut out, "slug", &string(&l.slug));
            line(&mut out, "title", &string(&l.title));
            line(&mut out, "minutes", &l.minutes.to_string());
            line(&mut out, "competencies", &strings(&l.competencies));
            out.push_str("+++\n");
            out.push_str(&lesson.body);
            let name = format!("{folder}/{:02}-{}.md", lesson.position, l.slug);
            files.insert(name, out);
        }
        if let Some(quiz) = &module.quiz {
            files.insert(format!("{folder}/quiz.toml"), render_quiz(quiz));
        }
    }
    files
}

fn render_quiz(quiz: &Quiz) -> String {
    let s = &quiz.settings;
    let mut out = String::new();
    line(&mut out, "slug", &string(&s.slug));
    line(&mut out, "title", &string(&s.title));
    line(&mut out, "passing_score", &number(s.passing_score));
    line(&mut out, "attempt_limit", &s.attempt_limit.to_string());
    line(
        &mut out,
        "time_limit_minutes",
        &s.time_limit_minutes.to_string(),
    );
    line(
        &mut out,
        "shuffle_questions",
        &s.shuffle_questions.to_string(),
    );
    line(&mut out, "shuffle_options", &s.shuffle_options.to_string());
    line(
        &mut out,
        "grading_method",
        &string(s.grading_method.as_str()),
    );
    line(&mut out, "review", &string(s.review.as_str()));
    line(&mut out, "draw", &s.draw.to_string());
    if let Some(t) = &s.opens_at {
        line(&mut out, "opens_at", &string(t));
    }
    if let Some(t) = &s.closes_at {
        line(&mut out, "closes_at", &string(t));
    }
    if !s.draw_from.is_empty() {
        let rules: Vec<String> = s
            .draw_from
            .iter()
            .map(|r| {
                format!(
                    "{{ competency = {}, count = {} }}",
                    string(&r.competency),
                    r.count
                )
            })
            .collect();
        line(&mut out, "draw_from", &format!("[{}]", rules.join(", ")));
    }
    for question in &quiz.questions {
        out.push_str("\n[[questions]]\n");
        render_question(&mut out, question);
    }
    out
}

fn render_question(out: &mut String, q: &Question) {
    line(out, "id", &string(&q.id));
    line(out, "kind", &string(q.kind.tag().as_str()));
    line(out, "prompt", &string(&q.prompt));
    line(out, "points", &number(q.points));
    line(out, "competencies", &strings(&q.competencies));
    if let Some(feedback) = &q.feedback {
        line(out, "feedback", &string(feedback));
    }
    match &q.kind {
        QuestionKind::SingleChoice { options, answer } => {
            line(out, "options", &choices(options));
            line(out, "answer", &string(answer));
        }
        QuestionKind::MultipleChoice { options, answers } => {
            line(out, "options", &choices(options));
            line(out, "answers", &strings(answers));
        }
        QuestionKind::TrueFalse { answer } => line(out, "answer", &answer.to_string()),
        QuestionKind::ShortText {
            accepted,
            case_sensitive,
            accent_insensitive,
        } => {
            line(out, "accepted", &strings(accepted));
            line(out, "case_sensitive", &case_sensitive.to_string());
            line(out, "accent_insensitive", &accent_insensitive.to_string());
        }
        QuestionKind::Numeric {
            answer,
            tolerance,
            tolerance_kind,
            unit,
        } => {
            line(out, "answer", &number(*answer));
            line(out, "tolerance", &number(*tolerance));
            line(out, "tolerance_kind", &string(tolerance_kind.as_str()));
            if let Some(unit) = unit {
                line(out, "unit", &string(unit));
            }
        }
        QuestionKind::Ordering { items } => line(out, "items", &choices(items)),
        QuestionKind::Matching {
            left,
            right,
            answer,
        } => {
            line(out, "left", &choices(left));
            line(out, "right", &choices(right));
            let pairs: Vec<String> = (answer.iter())
                .map(|(l, r)| format!("{} = {}", key(l), string(r)))
                .collect();
            line(out, "answer", &format!("{{ {} }}", pairs.join(", ")));
        }
        QuestionKind::Calculated {
            formula,
            variables,
            tolerance,
            tolerance_kind,
            unit,
        } => {
            line(out, "formula", &string(formula));
            line(out, "variables", &list_of(variables, variable));
            line(out, "tolerance", &number(*tolerance));
            line(out, "tolerance_kind", &string(tolerance_kind.as_str()));
            if let Some(unit) = unit {
                line(out, "unit", &string(unit));
            }
        }
        QuestionKind::Essay { rubric } => line(out, "rubric", &string(rubric)),
    }
}

fn line(out: &mut String, key: &str, value: &str) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{key} = {value}");
}

fn choices(list: &[Choice]) -> String {
    list_of(list, |c| {
        format!("{{ id = {}, text = {} }}", string(&c.id), string(&c.text))
    })
}

fn variable(v: &Variable) -> String {
    format!(
        "{{ name = {}, min = {}, max = {}, decimals = {} }}",
        string(&v.name),
        number(v.min),
        number(v.max),
        v.decimals
    )
}

/// One entry per line, as authors write option lists; a single entry stays on one line.
fn list_of<T>(items: &[T], render: impl Fn(&T) -> String) -> String {
    match items {
        [] => "[]".to_owned(),
        [only] => format!("[{}]", render(only)),
        _ => {
            let mut out = String::from("[\n");
            for item in items {
                let _ = writeln!(out, "  {},", render(item));
            }
            out.push(']');
            out
        }
    }
}

fn strings(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A bare key when TOML allows one, a quoted key otherwise.
fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        k.to_owned()
    } else {
        string(k)
    }
}

/// A TOML basic string. Text with line breaks becomes a multi-line string so that long Markdown
/// prompts stay readable in a diff.
fn string(s: &str) -> String {
    let multiline = s.contains('\n');
    let mut out = String::from(if multiline { "\"\"\"\n" } else { "\"" });
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if multiline => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push_str(if multiline { "\"\"\"" } else { "\"" });
    out
}

/// Whole numbers as integers (`estimated_hours = 6`, not `6.0`); others in the shortest form that
/// reads back to the same `f64`.
fn number(n: f64) -> String {
    if n.is_nan() {
        "nan".to_owned()
    } else if n.is_infinite() {
        if n > 0.0 { "inf" } else { "-inf" }.to_owned()
    } else if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        // Debug prints `1e16` or `0.7`: valid TOML floats, and exact round trips.
        format!("{n:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_strings_and_numbers_that_toml_reads_back() {
        #[derive(serde::Deserialize)]
        struct V {
            s: String,
            n: f64,
        }
        for s in [
            "plain",
            "say \"hi\"",
            "a\\b",
            "two\nlines\n",
            "tab\tand\r\n",
            "\u{7}bell",
        ] {
            for n in [0.0, 6.0, 0.7, -2.5, 1e20, 1.5e-7, 123456789.125] {
                let text = format!("s = {}\nn = {}\n", string(s), number(n));
                let back: V = toml::from_str(&text).unwrap();
                assert_eq!((back.s.as_str(), back.n), (s, n), "{text}");
            }
        }
        assert_eq!(number(6.0), "6");
        assert_eq!(key("l1"), "l1");
        assert_eq!(key("a b"), "\"a b\"");
    }
}
