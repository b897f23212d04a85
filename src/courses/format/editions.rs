//! Editions: one course taught in several languages. An edition's `course.toml` names the course
//! it translates with `edition_of`; the two must be the same course in another language.
//!
//! What must match, so that completing either counts the same: competencies, markets,
//! prerequisites, level, the completion rule; the modules and lessons (slugs, order, lesson
//! competencies); and each quiz's structure (slug, passing score, attempt limit, time limit,
//! grading method, review policy, draw rules) with the same questions (ids, order, kinds, points,
//! competencies). What may differ: every text (titles, summaries, lesson bodies, prompts, options,
//! feedback, accepted short answers), the language, the estimated hours and reading minutes.
//! An edition names an original, never another edition, and each language appears once per
//! course.

use super::model::{CourseFile, Question, QuestionKind, Quiz};

/// One way an edition differs from its original: the `course.toml` key (for line lookup) or
/// the file inside the course folder, and what differs.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Where the difference lies: `course.toml` or a module file such as `01-basics/quiz.toml`.
    pub file: String,
    /// The `course.toml` key it concerns, when it is one (its line is reported).
    pub key: Option<&'static str>,
    pub message: String,
}

fn course_key(key: &'static str, message: String) -> Difference {
    Difference {
        file: "course.toml".into(),
        key: Some(key),
        message,
    }
}

/// The name of a question's kind as written in `quiz.toml`.
pub fn kind_name(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::SingleChoice { .. } => "single_choice",
        QuestionKind::MultipleChoice { .. } => "multiple_choice",
        QuestionKind::TrueFalse { .. } => "true_false",
        QuestionKind::ShortText { .. } => "short_text",
        QuestionKind::Numeric { .. } => "numeric",
        QuestionKind::Ordering { .. } => "ordering",
        QuestionKind::Matching { .. } => "matching",
        QuestionKind::Calculated { .. } => "calculated",
        QuestionKind::Essay { .. } => "essay",
    }
}

/// Everything in which `edition` is not the same course as `original` (empty: a valid edition).
pub fn differences(original: &CourseFile, edition: &CourseFile) -> Vec<Difference> {
    let (o, e) = (&original.course, &edition.course);
    let mut out = Vec::new();
    let slug = &o.slug;
    if o.competencies != e.competencies {
        out.push(course_key(
            "competencies",
            format!(
                "an edition teaches the same competencies as \"{slug}\": {:?}",
                o.competencies
            ),
        ));
    }
    if o.markets != e.markets {
        out.push(course_key(
            "markets",
            format!(
                "an edition serves the same markets as \"{slug}\": {:?}",
                o.markets
            ),
        ));
    }
    if o.prerequisites != e.prerequisites {
        out.push(course_key(
            "prerequisites",
            format!(
                "an edition has the same prerequisites as \"{slug}\": {:?}",
                o.prerequisites
            ),
        ));
    }
    if o.level != e.level {
        out.push(course_key(
            "level",
            format!("an edition has the level of \"{slug}\""),
        ));
    }
    if o.completion != e.completion || o.min_score != e.min_score {
        out.push(course_key(
            "completion",
            format!("an edition has the completion rule of \"{slug}\""),
        ));
    }
    if o.language == e.language {
        out.push(course_key(
            "language",
            format!(
                "an edition is in another language than \"{slug}\" ({})",
                o.language
            ),
        ));
    }
    let module_slugs = |f: &CourseFile| -> Vec<String> {
        f.modules.iter().map(|m| m.module.slug.clone()).collect()
    };
    if module_slugs(original) != module_slugs(edition) {
        out.push(course_key(
            "edition_of",
            format!(
                "an edition has the modules of \"{slug}\" in the same order: {:?}",
                module_slugs(original)
            ),
        ));
        return out;
    }
    for (om, em) in original.modules.iter().zip(&edition.modules) {
        let folder = format!("{:02}-{}", em.position, em.module.slug);
        let lessons = |m: &super::model::ModuleFile| -> Vec<(String, Vec<String>)> {
            m.lessons
                .iter()
                .map(|l| (l.lesson.slug.clone(), l.lesson.competencies.clone()))
                .collect()
        };
        if lessons(om) != lessons(em) {
            out.push(Difference {
                file: format!("{folder}/module.toml"),
                key: None,
                message: format!(
                    "an edition's module has the lessons of \"{slug}\" (slugs, order and competencies): {:?}",
                    lessons(om)
                ),
            });
        }
        match (&om.quiz, &em.quiz) {
            (None, None) => {}
            (Some(oq), Some(eq)) => {
                if let Some(message) = quiz_difference(oq, eq) {
                    out.push(Difference {
                        file: format!("{folder}/quiz.toml"),
                        key: None,
                        message,
                    });
                }
            }
            _ => out.push(Difference {
                file: format!("{folder}/quiz.toml"),
                key: None,
                message: format!("an edition's module has a quiz exactly where \"{slug}\" has one"),
            }),
        }
    }
    out
}

fn quiz_difference(original: &Quiz, edition: &Quiz) -> Option<String> {
    let (o, e) = (&original.settings, &edition.settings);
    let same_settings = o.slug == e.slug
        && o.passing_score == e.passing_score
        && o.attempt_limit == e.attempt_limit
        && o.time_limit_minutes == e.time_limit_minutes
        && o.grading_method == e.grading_method
        && o.review == e.review
        && o.draw == e.draw
        && o.draw_from == e.draw_from;
    if !same_settings {
        return Some(
            "an edition's quiz has the slug, passing score, limits, grading method, review policy and draw of the original".into(),
        );
    }
    let shape = |q: &Question| {
        (
            q.id.clone(),
            kind_name(&q.kind),
            q.points,
            q.competencies.clone(),
        )
    };
    let (os, es): (Vec<_>, Vec<_>) = (
        original.questions.iter().map(shape).collect(),
        edition.questions.iter().map(shape).collect(),
    );
    if os != es {
        return Some(format!(
            "an edition's quiz has the questions of the original (ids, order, kinds, points, competencies): {:?}",
            os.iter().map(|(id, kind, ..)| format!("{id}:{kind}")).collect::<Vec<_>>()
        ));
    }
    None
}
