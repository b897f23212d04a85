//! Text normalisation for `short_text` answers: how a student's text and an accepted answer are
//! brought to one form before they are compared.
//!
//! Always: Unicode NFC (so a precomposed `é` equals `e` + U+0301), leading and trailing
//! whitespace removed, every inner run of whitespace (spaces, tabs, line breaks, no-break spaces)
//! collapsed to one space, and the Arabic tatweel U+0640 (a stretching stroke that never changes
//! a word) removed. Unless `case_sensitive`: lower case (`Ä` = `ä`; `ß` stays `ß`, it is not
//! folded to `ss`). With `accent_insensitive`: after canonical decomposition (NFD) every combining
//! mark is dropped, so `é` = `e`, `ñ` = `n`, `ü` = `u`, `ç` = `c`, `ё` = `е`, `й` = `и` and the
//! Arabic harakat (fatha, damma, kasra, sukun, shadda, tanwin, dagger alef) are ignored. Letters
//! that are not a base letter plus a mark stay as they are: `ß` != `ss`, `ø` != `o`, `ł` != `l`.
//! Width is folded always, the way an IME's full-width and half-width modes differ: full-width
//! Latin letters, digits and punctuation (`Ａ１！`) become ASCII, the ideographic space a space,
//! and half-width katakana (`ｶﾀｶﾅ`) full-width (`カタカナ`), by NFKC applied to those forms only
//! (other compatibility characters, such as `①` or `ﬁ`, are left alone).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// ARABIC TATWEEL (kashida), U+0640.
const TATWEEL: char = '\u{0640}';

/// `text` in the form answers are compared in (see the module doc).
pub fn normalize(text: &str, case_sensitive: bool, accent_insensitive: bool) -> String {
    let folded = fold_width(text);
    let mut collapsed = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    let cased = if case_sensitive {
        collapsed
    } else {
        collapsed.to_lowercase()
    };
    if accent_insensitive {
        cased
            .nfd()
            .filter(|&c| c != TATWEEL && !is_combining_mark(c))
            .nfc()
            .collect()
    } else {
        cased.nfc().filter(|&c| c != TATWEEL).collect()
    }
}

/// Full-width ASCII forms (U+FF01..=U+FF5E), the ideographic space (U+3000) and the half-width
/// katakana block (U+FF61..=U+FF9F) in their usual form; everything else unchanged. Half-width
/// katakana go through NFKC as a run, so a voiced mark (ﾞ) joins the kana before it (ｶﾞ = ガ).
fn fold_width(text: &str) -> std::borrow::Cow<'_, str> {
    let is_width_form =
        |c: char| matches!(c, '\u{3000}' | '\u{FF01}'..='\u{FF5E}' | '\u{FF61}'..='\u{FF9F}');
    if !text.chars().any(is_width_form) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if is_width_form(c) {
            run.push(c);
        } else {
            if !run.is_empty() {
                out.extend(run.nfkc());
                run.clear();
            }
            out.push(c);
        }
    }
    out.extend(run.nfkc());
    std::borrow::Cow::Owned(out)
}

/// Whether `response` equals one of `accepted` once both are normalised the same way. A response
/// that normalises to nothing never matches.
pub fn matches_any(
    response: &str,
    accepted: &[String],
    case_sensitive: bool,
    accent_insensitive: bool,
) -> bool {
    let given = normalize(response, case_sensitive, accent_insensitive);
    !given.is_empty()
        && accepted
            .iter()
            .any(|answer| normalize(answer, case_sensitive, accent_insensitive) == given)
}

#[cfg(test)]
mod width_tests {
    use super::normalize;

    #[test]
    fn full_and_half_width_forms_compare_equal() {
        assert_eq!(normalize("ＡＢＣ　１２３！", false, false), "abc 123!");
        assert_eq!(normalize("ｶﾀｶﾅ", false, false), "カタカナ");
        assert_eq!(normalize("ｶﾞｲﾄﾞ", false, false), "ガイド");
        assert_eq!(normalize("お問い合わせ", false, false), "お問い合わせ");
        // Dakuten are part of the word unless accents are ignored on purpose.
        assert_ne!(normalize("が", false, false), normalize("か", false, false));
        assert_eq!(normalize("①", false, false), "①");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Case- and accent-insensitive equality, the most forgiving setting.
    fn same_loose(a: &str, b: &str) -> bool {
        normalize(a, false, true) == normalize(b, false, true)
    }

    #[test]
    fn trims_collapses_whitespace_and_composes() {
        assert_eq!(
            normalize("  Guten \t\n Tag\u{00A0} ", true, false),
            "Guten Tag"
        );
        assert_eq!(normalize("cafe\u{0301}", true, false), "caf\u{00E9}");
        assert_eq!(normalize(" \u{3000} ", false, false), "");
    }

    #[test]
    fn spanish_and_portuguese_accents() {
        assert!(same_loose("Está bien", "esta bien"));
        assert!(same_loose("  ESTÁ   BIEN ", "está bien"));
        assert!(same_loose("não", "nao"));
        assert!(same_loose("Ação", "acao"));
        assert!(same_loose("año", "ano"));
        // Without accent_insensitive the accent matters, the case does not.
        assert_ne!(
            normalize("Está bien", false, false),
            normalize("esta bien", false, false)
        );
        assert_eq!(
            normalize("Está bien", false, false),
            normalize("ESTÁ BIEN", false, false)
        );
        // Case-sensitive keeps the case.
        assert_ne!(normalize("Está", true, true), normalize("está", true, true));
        assert_eq!(normalize("Está", true, true), "Esta");
    }

    #[test]
    fn german_umlauts_fold_but_sharp_s_stays() {
        assert!(same_loose("Grüße", "Gruße"));
        assert!(!same_loose("Grüße", "Grusse"));
        assert!(!same_loose("Straße", "Strasse"));
        assert_eq!(normalize("GRÜẞE", false, true), "gruße");
    }

    #[test]
    fn russian_yo_and_short_i() {
        assert!(same_loose("ёлка", "елка"));
        assert!(same_loose("Ёлка", "ЕЛКА"));
        assert!(!same_loose("ёлка", "ялка"));
        assert_eq!(normalize("ёлка", false, false), "ёлка");
        assert_ne!(
            normalize("ёлка", false, false),
            normalize("елка", false, false)
        );
        assert!(same_loose("йод", "иод"));
    }

    #[test]
    fn arabic_harakat_and_tatweel() {
        assert!(same_loose("مَرْحَبًا", "مرحبا"));
        assert!(same_loose("مُحَمَّد", "محمد"));
        // Tatweel is ignored in every setting.
        assert_eq!(normalize("مرحـــبا", true, false), "مرحبا");
        assert!(same_loose("مَرْحــَبًا", "مرحبا"));
        // Without accent_insensitive the harakat count.
        assert_ne!(normalize("مَرْحَبًا", false, false), "مرحبا");
    }

    #[test]
    fn letters_without_marks_stay_distinct() {
        assert!(!same_loose("ø", "o"));
        assert!(!same_loose("ł", "l"));
    }

    #[test]
    fn matches_any_accepted_answer() {
        let accepted = vec!["Guten Tag".to_owned(), "Hallo".to_owned()];
        assert!(matches_any(" guten   TAG ", &accepted, false, false));
        assert!(matches_any("hallo", &accepted, false, false));
        assert!(!matches_any("hallo", &accepted, true, false));
        assert!(!matches_any("Tschüss", &accepted, false, true));
        assert!(!matches_any("   ", &accepted, false, false));
    }
}
