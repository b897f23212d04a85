//! What an attempt shows: the questions drawn and shuffled for it from a published version, and
//! their student views, which never carry an answer key, feedback or a rubric.

use crate::quizzes::wire::{CorrectAnswer, TruthOrNumber};
use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::courses::format::{Choice, CourseFile, Question, QuestionKind, Quiz};
use crate::courses::store::{item_id, question_path};
use crate::db::sql_types::{CourseId, ItemId};
use crate::quizzes::{draw_variables, render_prompt, Draw};

/// One question as it was put to the student.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub question_id: ItemId,
    /// The question's id in quiz.toml.
    pub key: String,
    pub draw: Draw,
    /// Option, item or right-hand ids in the order shown (empty: as authored).
    pub order: Vec<String>,
}

/// A question as the student sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudentQuestion {
    #[schema(value_type = String, format = Uuid)]
    pub question_id: ItemId,
    /// The question's kind; its response takes the shape this kind names.
    #[schema(value_type = crate::courses::format::KindTag)]
    pub kind: String,
    /// Markdown; calculated questions show the values drawn for this attempt.
    pub prompt: String,
    pub points: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<ChoiceView>>,
    /// Ordering: the items to put in order, shuffled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<ChoiceView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<Vec<ChoiceView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right: Option<Vec<ChoiceView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChoiceView {
    pub id: String,
    pub text: String,
}

/// The quiz of module `module_slug` in `file`.
pub fn quiz_of<'a>(file: &'a CourseFile, module_slug: &str) -> Option<&'a Quiz> {
    file.modules
        .iter()
        .find(|m| m.module.slug == module_slug)
        .and_then(|m| m.quiz.as_ref())
}

fn ids(list: &[Choice]) -> Vec<String> {
    list.iter().map(|c| c.id.clone()).collect()
}

/// Picks and orders the questions of a new attempt from `seed`: `draw` questions at random when the
/// quiz draws from a pool, shuffled questions and options as the quiz asks, variables drawn for
/// calculated questions. The same seed always gives the same attempt.
pub fn build(course_id: CourseId, module_slug: &str, quiz: &Quiz, seed: u64) -> Vec<Snapshot> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut chosen: Vec<&Question> = quiz.questions.iter().collect();
    let draw = quiz.settings.draw as usize;
    if !quiz.settings.draw_from.is_empty() {
        // Pools by competency: `count` questions assessing each code, never one question twice.
        let mut picked: Vec<&Question> = Vec::new();
        for rule in &quiz.settings.draw_from {
            let mut pool: Vec<&Question> = quiz
                .questions
                .iter()
                .filter(|q| {
                    q.competencies.contains(&rule.competency)
                        && !picked.iter().any(|p| p.id == q.id)
                })
                .collect();
            pool.shuffle(&mut rng);
            picked.extend(pool.into_iter().take(rule.count as usize));
        }
        chosen = picked;
        if quiz.settings.shuffle_questions {
            chosen.shuffle(&mut rng);
        } else {
            chosen.sort_by_key(|q| quiz.questions.iter().position(|x| x.id == q.id));
        }
    } else if draw > 0 && draw < chosen.len() {
        chosen.shuffle(&mut rng);
        chosen.truncate(draw);
        if !quiz.settings.shuffle_questions {
            // Keep the authored order among the drawn questions.
            chosen.sort_by_key(|q| quiz.questions.iter().position(|x| x.id == q.id));
        }
    } else if quiz.settings.shuffle_questions {
        chosen.shuffle(&mut rng);
    }
    chosen
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            let mut order = match &q.kind {
                QuestionKind::SingleChoice { options, .. }
                | QuestionKind::MultipleChoice { options, .. } => {
                    if quiz.settings.shuffle_options {
                        ids(options)
                    } else {
                        Vec::new()
                    }
                }
                // Items in the correct order would give the answer away: always shuffled.
                QuestionKind::Ordering { items, .. } => ids(items),
                QuestionKind::Matching { right, .. } => ids(right),
                _ => Vec::new(),
            };
            order.shuffle(&mut rng);
            Snapshot {
                question_id: item_id(course_id, &question_path(module_slug, &q.id)),
                key: q.id.clone(),
                draw: draw_variables(q, seed.wrapping_add(i as u64 + 1)),
                order,
            }
        })
        .collect()
}

fn ordered(list: &[Choice], order: &[String]) -> Vec<ChoiceView> {
    let view = |c: &Choice| ChoiceView {
        id: c.id.clone(),
        text: c.text.clone(),
    };
    if order.is_empty() {
        return list.iter().map(view).collect();
    }
    let by_id: BTreeMap<&str, &Choice> = list.iter().map(|c| (c.id.as_str(), c)).collect();
    order
        .iter()
        .filter_map(|id| by_id.get(id.as_str()).map(|c| view(c)))
        .collect()
}

/// The student's view of `question` as snapshotted.
pub fn student_view(question: &Question, snap: &Snapshot) -> StudentQuestion {
    let mut view = StudentQuestion {
        question_id: snap.question_id,
        kind: question.kind.tag().as_str().to_owned(),
        prompt: render_prompt(question, &snap.draw),
        points: question.points,
        options: None,
        items: None,
        left: None,
        right: None,
        unit: None,
    };
    match &question.kind {
        QuestionKind::SingleChoice { options, .. }
        | QuestionKind::MultipleChoice { options, .. } => {
            view.options = Some(ordered(options, &snap.order));
        }
        QuestionKind::Ordering { items } => view.items = Some(ordered(items, &snap.order)),
        QuestionKind::Matching { left, right, .. } => {
            view.left = Some(ordered(left, &[]));
            view.right = Some(ordered(right, &snap.order));
        }
        QuestionKind::Numeric { unit, .. } | QuestionKind::Calculated { unit, .. } => {
            view.unit = unit.clone()
        }
        QuestionKind::TrueFalse { .. }
        | QuestionKind::ShortText { .. }
        | QuestionKind::Essay { .. } => {}
    }
    view
}

/// The answer key of `question` in the API's response shape (`None` for an essay), shown only
/// when the review policy allows.
pub fn correct_answer(question: &Question, draw: &Draw) -> Option<CorrectAnswer> {
    Some(match &question.kind {
        QuestionKind::SingleChoice { answer, .. } => CorrectAnswer::Choice {
            choice: answer.clone(),
        },
        QuestionKind::MultipleChoice { answers, .. } => CorrectAnswer::Choices {
            choices: answers.clone(),
        },
        QuestionKind::TrueFalse { answer } => CorrectAnswer::Value {
            value: Some(TruthOrNumber::Truth(*answer)),
        },
        QuestionKind::ShortText { accepted, .. } => CorrectAnswer::Text {
            text: accepted.first().cloned(),
            accepted: accepted.clone(),
        },
        QuestionKind::Numeric { answer, .. } => CorrectAnswer::Value {
            value: Some(TruthOrNumber::Number(*answer)),
        },
        QuestionKind::Ordering { items } => CorrectAnswer::Order { order: ids(items) },
        QuestionKind::Matching { answer, .. } => CorrectAnswer::Pairs {
            pairs: answer.clone(),
        },
        QuestionKind::Calculated { .. } => CorrectAnswer::Value {
            value: crate::quizzes::expected_answer(question, draw)
                .ok()
                .map(TruthOrNumber::Number),
        },
        QuestionKind::Essay { .. } => return None,
    })
}
