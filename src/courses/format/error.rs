//! [`Diagnostic`]: one problem in a course file, with the file, the 1-based line when known and a
//! message, displayed as `path:line: message` (the output of `caravan courses validate`).

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file (or, for a missing file or an unexpected folder, the folder) the problem is in.
    pub path: PathBuf,
    /// 1-based line, when the problem sits on a line rather than in a missing piece.
    pub line: Option<usize>,
    /// The key (`competencies`, `questions.2.answer`) or part (`body`) it concerns, when known.
    pub field: Option<String>,
    pub message: String,
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            field: None,
            message: message.into(),
        }
    }

    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// Where the checks of one run put their findings. Checks push and carry on, so a run reports
/// every problem it can see instead of stopping at the first.
///
/// Two kinds: a problem that makes the files no well-formed course (syntax, types, ids, references)
/// and one that only keeps a well-formed draft from being published (a quiz without questions, a
/// lesson without sources, an empty module). A draft is saved
/// with the second kind; publishing, import and `caravan courses validate` refuse both.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    list: Vec<Diagnostic>,
    before_publish: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, path: &Path, line: Option<usize>, message: impl Into<String>) {
        self.list.push(Diagnostic::new(path, line, message));
    }

    pub fn push_field(
        &mut self,
        path: &Path,
        line: Option<usize>,
        field: &str,
        message: impl Into<String>,
    ) {
        self.list
            .push(Diagnostic::new(path, line, message).with_field(field));
    }

    /// A problem that blocks publishing only (see the type's doc).
    pub fn push_before_publish(
        &mut self,
        path: &Path,
        line: Option<usize>,
        field: &str,
        message: impl Into<String>,
    ) {
        self.before_publish
            .push(Diagnostic::new(path, line, message).with_field(field));
    }

    /// Problems that make the files no well-formed draft.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Every problem, of both kinds.
    pub fn total(&self) -> usize {
        self.list.len() + self.before_publish.len()
    }

    /// Every finding in file order and, within a file, line order (problems without a line first),
    /// which is how an author fixes them.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.list.append(&mut self.before_publish);
        sorted(self.list)
    }

    /// (problems that make no draft, problems that block publishing), each sorted.
    pub fn into_parts(self) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        (sorted(self.list), sorted(self.before_publish))
    }
}

fn sorted(mut list: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // Stable sort: two findings on the same line keep the order the checks found them in.
    list.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_path_line_and_message_like_the_readme() {
        let d = Diagnostic::new(
            "courses/eu-gpsr/course.toml",
            Some(7),
            "unknown competency code \"law.safety\"",
        );
        assert_eq!(
            d.to_string(),
            "courses/eu-gpsr/course.toml:7: unknown competency code \"law.safety\""
        );
        let d = Diagnostic::new("courses/eu-gpsr/01-basics", None, "module.toml is missing");
        assert_eq!(
            d.to_string(),
            "courses/eu-gpsr/01-basics: module.toml is missing"
        );
    }
}
