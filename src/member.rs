//! A request member as the client sent it, before any rule: from JSON text
//! (a raw slice of the body, so a number keeps its exact literal) or from a
//! JS object (read at the boundary, `wasm::request`). The parameter rules
//! see one view of both, and messages quote what was sent.

use serde_json::value::RawValue;
use std::borrow::Cow;

/// What a member holds, as the rules care.
#[derive(Clone, Debug, PartialEq)]
pub enum Input<'a> {
    /// A string, JSON escapes resolved.
    String(Cow<'a, str>),
    /// The number's literal as written (`6`, `6.0`, `1e300`, `-0`).
    Number(Cow<'a, str>),
    /// `true` or `false`.
    Bool(bool),
    /// An array; its content is not kept, no rule reads it.
    Array,
    /// An object; its content is not kept, no rule reads it.
    Object,
    /// A string JSON's grammar allows but that is no text: a lone surrogate
    /// escape (`"\ud800"`). Why, in serde_json's words.
    Invalid(String),
}

/// A member type a request can be read into.
pub trait Member {
    /// The member's value, for the rules.
    fn input(&self) -> Input<'_>;
}

/// From JSON text: the member's raw text, already validated by serde_json.
impl Member for Box<RawValue> {
    fn input(&self) -> Input<'_> {
        let text = self.get();
        match text.as_bytes()[0] {
            b'"' => match serde_json::from_str::<Cow<str>>(text) {
                Ok(s) => Input::String(s),
                Err(e) => Input::Invalid(e.to_string()),
            },
            b't' => Input::Bool(true),
            b'f' => Input::Bool(false),
            b'[' => Input::Array,
            b'{' => Input::Object,
            // Null never reaches here: an `Option` member reads it as absent.
            _ => Input::Number(Cow::Borrowed(text)),
        }
    }
}

/// Characters of a value shown in a message before it is cut.
const SHOWN: usize = 64;

/// A string in double quotes, with `"`, `\`, control characters and the
/// characters text parameters refuse (a U+202E would turn the message
/// around) escaped, and anything past 64 characters cut.
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in s.chars().enumerate() {
        if i == SHOWN {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || crate::params::refused_character(c).is_some() => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Input<'_> {
    /// The value as a message names it: `"text"`, `6.5` (as written),
    /// `true`, `an array`, `an object`.
    pub fn describe(&self) -> String {
        match self {
            Input::String(s) => quote(s),
            Input::Number(literal) => match literal.char_indices().nth(SHOWN) {
                Some((i, _)) => format!("{}…", &literal[..i]),
                None => literal.to_string(),
            },
            Input::Bool(b) => b.to_string(),
            Input::Array => "an array".to_owned(),
            Input::Object => "an object".to_owned(),
            Input::Invalid(_) => "a string that is not valid text".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> String {
        let raw: Box<RawValue> = serde_json::from_str(text).unwrap();
        raw.input().describe()
    }

    #[test]
    fn json_text_is_described_as_sent() {
        assert_eq!(raw("9"), "9");
        assert_eq!(raw("1e300"), "1e300");
        assert_eq!(raw("1E+300"), "1E+300");
        assert_eq!(raw("6.0"), "6.0");
        assert_eq!(raw("-0"), "-0");
        assert_eq!(raw(&"1".repeat(70)), format!("{}…", "1".repeat(64)));
        assert_eq!(raw("\"6\""), "\"6\"");
        assert_eq!(raw(r#""a\u0041\n""#), "\"aA\\u000A\"");
        assert_eq!(raw("false"), "false");
        assert_eq!(raw("[1]"), "an array");
        assert_eq!(raw("{}"), "an object");
        assert_eq!(raw(r#""\ud800""#), "a string that is not valid text");
    }

    #[test]
    fn quotes_escape_controls_and_cut_long_strings() {
        assert_eq!(quote("a\"b\\c\u{7}"), "\"a\\\"b\\\\c\\u0007\"");
        let long = "x".repeat(100);
        assert_eq!(quote(&long), format!("\"{}…\"", "x".repeat(64)));
        assert_eq!(quote(&"é".repeat(64)), format!("\"{}\"", "é".repeat(64)));
        assert_eq!(quote("a\u{202E}b\u{2028}"), "\"a\\u202Eb\\u2028\"");
    }
}
