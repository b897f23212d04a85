//! Parse-don't-validate newtypes for values that cross the API boundary. A handler turns raw
//! request strings into these once; code past that point can rely on them being well formed.

mod roles;

pub use roles::{OrgKind, Role};

use crate::error::FieldError;

/// A syntactically valid email address, trimmed and lowercased so that lookups are exact.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let normalized = raw.trim().to_lowercase();
        if normalized.len() > 254 {
            return Err("is longer than 254 characters".into());
        }
        if !email_address::EmailAddress::is_valid(&normalized) || !normalized.contains('.') {
            return Err("is not a valid email address".into());
        }
        Ok(Email(normalized))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A password a user chose: 8 to 128 characters, no composition rules, and not one that an
/// attacker would guess early (estimated by zxcvbn, which knows the common-password lists).
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([redacted])")
    }
}

pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;

impl Password {
    /// `context` holds the user's own email and name, which make weak passwords.
    pub fn parse(raw: &str, context: &[&str]) -> Result<Password, String> {
        // Count characters only up to the limit: a megabyte-long password is rejected without
        // walking all of it.
        let chars = raw.chars().take(PASSWORD_MAX_CHARS + 1).count();
        if chars < PASSWORD_MIN_CHARS {
            return Err(format!(
                "must have at least {PASSWORD_MIN_CHARS} characters"
            ));
        }
        if chars > PASSWORD_MAX_CHARS {
            return Err(format!("must have at most {PASSWORD_MAX_CHARS} characters"));
        }
        // The user's own words count as guessable also without their spaces ("Ana Lima" and
        // "AnaLima") and as a whole (an email, not only its parts).
        let mut words: Vec<String> = Vec::with_capacity(context.len() * 2);
        for item in context {
            words.push((*item).to_owned());
            let squashed: String = item.split_whitespace().collect();
            if squashed != *item {
                words.push(squashed);
            }
        }
        let lower = raw.to_lowercase();
        let is_own_word = |word: &String| {
            let word = word.to_lowercase();
            word.chars().count() >= 3
                && lower.contains(&word)
                && lower.chars().count() < word.chars().count() + 4
        };
        if words.iter().any(is_own_word) {
            return Err("must not be your name or email address".into());
        }
        let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let estimate = zxcvbn::zxcvbn(raw, &word_refs);
        if (estimate.score() as u8) < 2 {
            return Err(
                "is too common or too easy to guess; choose a longer or less predictable one"
                    .into(),
            );
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A URL-safe identifier: lowercase ASCII letters, digits and single hyphens, 2 to 80 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Slug, String> {
        let ok = (1..=80).contains(&raw.len())
            && raw.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if ok {
            Ok(Slug(raw.to_owned()))
        } else {
            Err("must be 1-80 lowercase letters, digits and single hyphens".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A BCP 47 language tag in its canonical case (`pt-BR`, `es`, `zh-Hans`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(raw: &str) -> Result<LanguageTag, String> {
        let tag = language_tags::LanguageTag::parse(raw.trim())
            .map_err(|e| format!("is not a BCP 47 language tag: {e}"))?;
        let canonical = tag
            .canonicalize()
            .map_err(|e| format!("is not a canonical language tag: {e}"))?;
        let mut out = canonical.primary_language().to_owned();
        if let Some(script) = canonical.script() {
            out.push('-');
            out.push_str(script);
        }
        if let Some(region) = canonical.region() {
            out.push('-');
            out.push_str(region);
        }
        Ok(LanguageTag(out))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A human-facing name (display name, organization or cohort name): trimmed, 1 to `max` characters.
pub fn parse_name(raw: &str, max: usize) -> Result<String, String> {
    let trimmed = raw.trim();
    let n = trimmed.chars().count();
    if n == 0 {
        return Err("must not be empty".into());
    }
    if n > max {
        return Err(format!("must have at most {max} characters"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(trimmed.to_owned())
}

/// Collects field errors while parsing a request so the client sees all of them at once.
#[derive(Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the error of `result` under `field` and returns its value, if any.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(message) => {
                self.errors.push(FieldError::new(field, message));
                None
            }
        }
    }

    /// Returns the collected errors as a 422, or `Ok` when there were none.
    pub fn finish(self) -> Result<(), crate::error::ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(crate::error::ApiError::Validation(self.errors))
        }
    }
}

/// Refuses text holding a control character other than tab, line feed and carriage return (a NUL
/// byte, an escape): no name, description, reason or answer needs one, PostgreSQL cannot store
/// NUL, and terminals and spreadsheets act on the others.
pub fn no_control_chars(text: &str) -> Result<(), String> {
    match text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        Some(c) => Err(format!(
            "must not contain control characters (found U+{:04X})",
            c as u32
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod control_tests {
    use super::no_control_chars;

    #[test]
    fn nul_and_escape_are_refused_and_line_breaks_kept() {
        assert!(no_control_chars("Spring 2026\n\tgroup").is_ok());
        assert!(no_control_chars("a\u{0}b").is_err());
        assert!(no_control_chars("\u{1b}[31m").is_err());
    }
}
