//! The request body as the rules see it: the members of a JSON object, each
//! kept with its JSON kind, so that a rule can say "must be an integer, got
//! \"6\"" instead of failing inside a deserializer. Numbers keep the literal
//! text the client sent; nested arrays and objects are recorded by kind only.
//! [`crate::json`] reads bodies from text.

use crate::error::Error;

/// A member of the request object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number as written, e.g. `6`, `6.0`, `1e300`.
    Number(String),
    String(String),
    Array,
    Object,
}

/// The top-level request: the members of a JSON object in their order, or the
/// kind of whatever else was sent instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Object(Vec<(String, Value)>),
    NotAnObject(Value),
}

impl Body {
    /// Reads a request body from JSON text.
    pub fn from_json(text: &str) -> Result<Body, Error> {
        crate::json::parse_body(text)
    }

    /// The value of member `name`; a member given as `null` counts as absent,
    /// as in AWS's own services.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            // The last of duplicate members wins, as with JSON.parse.
            Body::Object(members) => members.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v),
            Body::NotAnObject(_) => None,
        }
        .filter(|v| **v != Value::Null)
    }
}

impl Value {
    /// How the value reads in an error message: `"6"`, `9`, `6.5`, `an array`.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "null".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Number(literal) => cut(literal),
            Value::String(s) => quote(s),
            Value::Array => "an array".to_owned(),
            Value::Object => "an object".to_owned(),
        }
    }
}

/// What a JSON number literal denotes, as far as whole-number rules care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Integer {
    /// A whole number that fits an i64 (`7`, `7.0`, `7e0`, `0.7e1`).
    Exact(i64),
    /// A whole number beyond ±9.2e18, e.g. `1e300`.
    Huge { negative: bool },
    /// Not a whole number (`6.5`, `1e-3`).
    Fraction,
}

/// Reads a JSON number literal (already checked against JSON's grammar)
/// exactly, without going through floating point.
pub fn integer(literal: &str) -> Integer {
    let (negative, unsigned) = match literal.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, literal),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], &unsigned[i + 1..]),
        None => (unsigned, "0"),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = format!("{whole}{fraction}");
    let significant = digits.trim_start_matches('0');
    let trimmed = significant.trim_end_matches('0');
    if trimmed.is_empty() {
        return Integer::Exact(0);
    }
    // Value = trimmed × 10^scale. Exponents beyond any i64 are clamped: they
    // mean "astronomically large" or "vanishingly small" either way.
    let exponent: i64 = exponent.parse().unwrap_or(if exponent.starts_with('-') {
        i64::MIN / 2
    } else {
        i64::MAX / 2
    });
    let scale = exponent
        .saturating_sub(fraction.len() as i64)
        .saturating_add((significant.len() - trimmed.len()) as i64);
    if scale < 0 {
        return Integer::Fraction;
    }
    if trimmed.len() as i64 + scale > 18 {
        return Integer::Huge { negative };
    }
    let magnitude = trimmed.parse::<i64>().unwrap_or(0) * 10i64.pow(scale as u32);
    Integer::Exact(if negative { -magnitude } else { magnitude })
}

/// A string quoted for a message: JSON-style escapes for quotes and control
/// characters, and cut after 64 characters so a huge value stays readable.
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
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters of a value shown in a message before it is cut.
const SHOWN: usize = 64;

fn cut(literal: &str) -> String {
    match literal.char_indices().nth(SHOWN) {
        Some((i, _)) => format!("{}…", &literal[..i]),
        None => literal.to_owned(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a body from JSON text, as the tests of every rule do.
    pub(crate) fn body(json: &str) -> Body {
        Body::from_json(json).expect("test JSON parses")
    }

    #[test]
    fn get_reads_members_and_treats_null_as_absent() {
        let b = body(r#"{"a": 1, "b": "x", "d": null, "e": [1]}"#);
        assert_eq!(b.get("a"), Some(&Value::Number("1".into())));
        assert_eq!(b.get("b"), Some(&Value::String("x".into())));
        assert_eq!(b.get("d"), None);
        assert_eq!(b.get("e"), Some(&Value::Array));
        assert_eq!(b.get("missing"), None);
        assert_eq!(body("[1]").get("a"), None);
    }

    #[test]
    fn the_last_duplicate_member_wins() {
        assert_eq!(body(r#"{"a": 1, "a": 2}"#).get("a"), Some(&Value::Number("2".into())));
    }

    #[test]
    fn integers_are_read_exactly() {
        let cases = [
            ("0", Integer::Exact(0)),
            ("-0", Integer::Exact(0)),
            ("0.000", Integer::Exact(0)),
            ("7", Integer::Exact(7)),
            ("-7", Integer::Exact(-7)),
            ("7.0", Integer::Exact(7)),
            ("7.000e0", Integer::Exact(7)),
            ("0.7e1", Integer::Exact(7)),
            ("70e-1", Integer::Exact(7)),
            ("6E+1", Integer::Exact(60)),
            ("4294967297", Integer::Exact(4_294_967_297)),
            ("999999999999999999", Integer::Exact(999_999_999_999_999_999)),
            ("1000000000000000000", Integer::Huge { negative: false }),
            ("18446744073709551621", Integer::Huge { negative: false }),
            ("1e300", Integer::Huge { negative: false }),
            ("-1e300", Integer::Huge { negative: true }),
            ("1e99999999999999999999999", Integer::Huge { negative: false }),
            ("6.5", Integer::Fraction),
            ("1e-3", Integer::Fraction),
            ("0.1", Integer::Fraction),
            ("1e-99999999999999999999999", Integer::Fraction),
            ("5.0000000000000000000001", Integer::Fraction),
        ];
        for (literal, expected) in cases {
            assert_eq!(integer(literal), expected, "{literal}");
        }
    }

    #[test]
    fn describes_values_as_sent() {
        assert_eq!(Value::Number("9".into()).describe(), "9");
        assert_eq!(Value::Number("1e300".into()).describe(), "1e300");
        assert_eq!(Value::Number("1".repeat(70)).describe(), format!("{}…", "1".repeat(64)));
        assert_eq!(Value::String("6".into()).describe(), "\"6\"");
        assert_eq!(Value::Bool(false).describe(), "false");
        assert_eq!(Value::Null.describe(), "null");
        assert_eq!(Value::Array.describe(), "an array");
        assert_eq!(Value::Object.describe(), "an object");
    }

    #[test]
    fn quotes_escape_controls_and_cut_long_strings() {
        assert_eq!(quote("a\"b\\c\u{7}"), "\"a\\\"b\\\\c\\u0007\"");
        let long = "x".repeat(100);
        assert_eq!(quote(&long), format!("\"{}…\"", "x".repeat(64)));
        assert_eq!(quote(&"é".repeat(64)), format!("\"{}\"", "é".repeat(64)));
    }
}
