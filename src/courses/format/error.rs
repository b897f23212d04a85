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
    pub message: String,
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            message: message.into(),
        }
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
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, path: &Path, line: Option<usize>, message: impl Into<String>) {
        self.list.push(Diagnostic::new(path, line, message));
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// The findings in file order and, within a file, line order (problems without a line first),
    /// which is how an author fixes them.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        // Stable sort: two findings on the same line keep the order the checks found them in.
        self.list
            .sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
        self.list
    }
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
