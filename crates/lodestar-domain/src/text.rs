//! Text people type: one-line fields (names, titles, search words) and long text (a bio,
//! a description). Every text field is parsed through one of the two checkers here, so the
//! rules are written once.
//!
//! - **One line:** no control character at all (NUL, escape, tab, line breaks, C1
//!   controls), no Unicode line or paragraph separator, and no bidirectional formatting
//!   character (the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069 and
//!   the marks U+200E, U+200F, U+061C). A name shown inline in a sentence ("Ada mentors
//!   Bo") must not be able to reorder the text around it or hide what it says.
//! - **Long text:** line breaks and tabs are the only control characters allowed;
//!   `\r\n` and a lone `\r` (what browsers send from a text area) become `\n`. Bidirectional
//!   characters are allowed, because writers of right-to-left languages use them in prose,
//!   and a page shows long text in a block of its own, which ends their effect.
//!
//! Besides keeping the pages honest, this keeps NUL out of the database: PostgreSQL refuses
//! it in text, so it must be a field error, not a failed query.

use thiserror::Error;

/// Why a text was refused. The messages are written to follow a field's name.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum TextError {
    #[error("must not contain control characters")]
    Control,
    #[error("must be a single line")]
    LineBreak,
    #[error("must not contain bidirectional control characters (such as U+202E)")]
    Bidi,
    #[error("must be at most {0} characters")]
    TooLong(usize),
}

/// Checks one line of text as it is, without trimming.
pub fn check_line(text: &str) -> Result<(), TextError> {
    for c in text.chars() {
        if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}') {
            return Err(TextError::LineBreak);
        }
        if c.is_control() {
            return Err(TextError::Control);
        }
        if is_bidi_control(c) {
            return Err(TextError::Bidi);
        }
    }
    Ok(())
}

/// Trims `raw` and checks it is one line of at most `max` characters.
pub fn one_line(raw: &str, max: usize) -> Result<String, TextError> {
    let text = raw.trim();
    check_line(text)?;
    if text.chars().count() > max {
        return Err(TextError::TooLong(max));
    }
    Ok(text.to_owned())
}

/// Trims `raw`, turns every line ending into `\n`, and checks it has no control character
/// other than line breaks and tabs and is at most `max` characters long.
pub fn multi_line(raw: &str, max: usize) -> Result<String, TextError> {
    let text = raw.trim().replace("\r\n", "\n").replace('\r', "\n");
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(TextError::Control);
    }
    if text.chars().count() > max {
        return Err(TextError::TooLong(max));
    }
    Ok(text)
}

/// The characters that change the direction text is laid out in.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_line_is_trimmed_and_bounded() {
        assert_eq!(
            one_line("  Platform engineer ", 40),
            Ok("Platform engineer".into())
        );
        assert_eq!(one_line("ñandú 日本 👩🏽‍💻", 40), Ok("ñandú 日本 👩🏽‍💻".into()));
        assert_eq!(one_line(&"x".repeat(41), 40), Err(TextError::TooLong(40)));
    }

    #[test]
    fn a_line_refuses_control_characters_and_line_breaks() {
        for bad in ["a\0b", "a\u{1b}[31mb", "a\tb", "a\u{7f}", "a\u{9b}b"] {
            assert_eq!(one_line(bad, 40), Err(TextError::Control), "{bad:?}");
        }
        for bad in ["a\nb", "a\rb", "a\u{2028}b", "a\u{2029}b", "a\u{85}b"] {
            assert_eq!(one_line(bad, 40), Err(TextError::LineBreak), "{bad:?}");
        }
    }

    #[test]
    fn a_line_refuses_every_bidirectional_control() {
        for c in ('\u{202A}'..='\u{202E}')
            .chain('\u{2066}'..='\u{2069}')
            .chain(['\u{200E}', '\u{200F}', '\u{061C}'])
        {
            assert_eq!(
                one_line(&format!("evil{c}gpj.exe"), 40),
                Err(TextError::Bidi),
                "U+{:04X}",
                u32::from(c)
            );
        }
        // Right-to-left letters themselves are text, not controls.
        assert!(one_line("שלום עליכם", 40).is_ok());
    }

    #[test]
    fn long_text_keeps_line_breaks_and_tabs_only() {
        assert_eq!(
            multi_line("  one\r\ntwo\rthree\n\tfour  ", 100),
            Ok("one\ntwo\nthree\n\tfour".into())
        );
        for bad in ["a\0b", "a\u{1b}b", "a\u{7}b", "a\u{9f}b"] {
            assert_eq!(multi_line(bad, 100), Err(TextError::Control), "{bad:?}");
        }
        assert_eq!(
            multi_line(&"x".repeat(101), 100),
            Err(TextError::TooLong(100))
        );
    }

    #[test]
    fn the_messages_read_after_a_field_name() {
        assert_eq!(
            TextError::Control.to_string(),
            "must not contain control characters"
        );
    }

    proptest! {
        #[test]
        fn an_accepted_line_has_no_control_or_bidi_character(raw in "\\PC{0,3}[\\x00-\\x20\\u{200E}\\u{202E}\\u{2066}]?\\PC{0,3}") {
            if let Ok(text) = one_line(&raw, 100) {
                prop_assert!(!text.chars().any(|c| c.is_control() || is_bidi_control(c)));
            }
        }

        #[test]
        fn accepted_long_text_has_only_newlines_and_tabs_among_controls(raw in "[a-z\\x00-\\x1f\\x7f]{0,12}") {
            if let Ok(text) = multi_line(&raw, 100) {
                prop_assert!(text.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
            }
        }
    }
}
