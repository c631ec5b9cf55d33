//! Text that is safe to keep and to show: which characters a map may not hold (format.md
//! "Refused on load"), and how a value is quoted in a message: escaped and cut short.

use std::fmt::Write;

/// Characters longer than this are cut from a value quoted in a message.
pub const QUOTE_LIMIT: usize = 60;

/// A character a text in a map may not hold: a control character other than tab and
/// newline (U+0000–U+001F, U+007F–U+009F) or a Unicode noncharacter (U+FDD0–U+FDEF and
/// the last two code points of every plane, such as U+FFFF). Such text could not be
/// written as XML (SVG, HTML report) nor shown safely in a terminal.
pub fn is_refused(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || is_noncharacter(c)
}

fn is_noncharacter(c: char) -> bool {
    let u = c as u32;
    (0xFDD0..=0xFDEF).contains(&u) || (u & 0xFFFE) == 0xFFFE
}

/// The first refused character of `text` and its position (1-based, in characters).
pub fn first_refused(text: &str) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|(_, c)| is_refused(*c))
        .map(|(i, c)| (i + 1, c))
}

/// `U+001B`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// `text` with every control character written as an escape (`\n`, `\t`, `\r`,
/// `\u{1b}`), so it stays on one line and cannot drive a terminal.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text.chars());
    out
}

fn push_escaped(out: &mut String, chars: impl Iterator<Item = char>) {
    for c in chars {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_noncharacter(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// `text` as a message quotes it: control characters escaped and, past
/// [`QUOTE_LIMIT`] characters, cut short with a count of what was left out.
pub fn shown(text: &str) -> String {
    let mut out = String::new();
    push_escaped(&mut out, text.chars().take(QUOTE_LIMIT));
    // Counting is linear in the text, never a copy of it.
    let rest = text.chars().skip(QUOTE_LIMIT).count();
    if rest > 0 {
        let _ = write!(out, "… ({rest} more characters)");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_and_newline_are_allowed_other_controls_and_noncharacters_are_not() {
        for c in ['\t', '\n', 'a', 'é', '\u{a0}', '\u{fffd}', '😀'] {
            assert!(!is_refused(c), "{c:?}");
        }
        for c in [
            '\0',
            '\u{1b}',
            '\u{7}',
            '\r',
            '\u{7f}',
            '\u{85}',
            '\u{9f}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{fdd0}',
            '\u{1fffe}',
            '\u{10ffff}',
        ] {
            assert!(is_refused(c), "{c:?}");
        }
    }

    #[test]
    fn a_long_value_is_cut_short_and_controls_are_escaped() {
        let long = "x".repeat(1000);
        let s = shown(&long);
        assert!(s.starts_with(&"x".repeat(QUOTE_LIMIT)));
        assert!(s.ends_with("… (940 more characters)"), "{s}");
        assert_eq!(shown("a\u{1b}[2Jb\r\n"), "a\\u{1b}[2Jb\\r\\n");
        assert_eq!(first_refused("ab\u{7}"), Some((3, '\u{7}')));
        assert_eq!(code_point('\u{7}'), "U+0007");
    }
}
