//! The request body as the core sees it: a flat JSON object whose members are
//! kept with their JSON type, so that a rule can say "must be an integer, got
//! \"6\"" instead of failing inside a deserializer.
//!
//! Nested arrays and objects are recorded by kind only, and skipped without
//! recursing into them: a body of ten thousand nested brackets costs nothing.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A member of the request object.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array,
    Object,
}

/// The top-level request: the members of a JSON object in their order, or the
/// kind of whatever else was sent instead.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Object(Vec<(String, Value)>),
    NotAnObject(Value),
}

impl Body {
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
            Value::Number(n) => describe_number(*n),
            Value::String(s) => quote(s),
            Value::Array => "an array".to_owned(),
            Value::Object => "an object".to_owned(),
        }
    }
}

/// Numbers as JavaScript prints them, so messages match what the caller sent.
fn describe_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_owned()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else if n.abs() >= 1e21 {
        let s = format!("{n:e}");
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        }
    } else if n == n.trunc() {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

/// A string quoted for a message: JSON-style escapes for quotes and control
/// characters, and cut after 64 characters so a huge value stays readable.
pub fn quote(s: &str) -> String {
    const SHOWN: usize = 64;
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

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Object)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = Body;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry::<String, Value>()? {
            members.push(member);
        }
        Ok(Body::Object(members))
    }
    // Anything else is kept by kind, to be refused with a clear message.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Body, A::Error> {
        ValueVisitor.visit_seq(seq).map(Body::NotAnObject)
    }
    fn visit_unit<E>(self) -> Result<Body, E> {
        Ok(Body::NotAnObject(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Body, E> {
        Ok(Body::NotAnObject(Value::Null))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Body, E> {
        Ok(Body::NotAnObject(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Body, E> {
        Ok(Body::NotAnObject(Value::Number(v as f64)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Body, E> {
        Ok(Body::NotAnObject(Value::Number(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Body, E> {
        Ok(Body::NotAnObject(Value::Number(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Body, E> {
        Ok(Body::NotAnObject(Value::String(v.to_owned())))
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Body, D::Error> {
        d.deserialize_any(BodyVisitor)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a body from JSON text, as the tests of every rule do.
    pub(crate) fn body(json: &str) -> Body {
        serde_json::from_str(json).expect("test JSON parses")
    }

    #[test]
    fn keeps_members_with_their_json_types() {
        let b = body(r#"{"a": 1, "b": "x", "c": true, "d": null, "e": [1, [2]], "f": {"g": {}}}"#);
        assert_eq!(b.get("a"), Some(&Value::Number(1.0)));
        assert_eq!(b.get("b"), Some(&Value::String("x".into())));
        assert_eq!(b.get("c"), Some(&Value::Bool(true)));
        assert_eq!(b.get("d"), None, "null counts as absent");
        assert_eq!(b.get("e"), Some(&Value::Array));
        assert_eq!(b.get("f"), Some(&Value::Object));
        assert_eq!(b.get("missing"), None);
    }

    #[test]
    fn the_last_duplicate_member_wins() {
        assert_eq!(body(r#"{"a": 1, "a": 2}"#).get("a"), Some(&Value::Number(2.0)));
    }

    #[test]
    fn other_top_level_values_are_kept_by_kind() {
        assert_eq!(body("[1, 2]"), Body::NotAnObject(Value::Array));
        assert_eq!(body("\"text\""), Body::NotAnObject(Value::String("text".into())));
        assert_eq!(body("null"), Body::NotAnObject(Value::Null));
        assert_eq!(body("7"), Body::NotAnObject(Value::Number(7.0)));
        assert_eq!(body("[1]").get("a"), None);
    }

    #[test]
    fn deep_nesting_below_the_top_is_skipped() {
        // serde_json stops at depth 128 on its own; the point here is that
        // nested values are recorded by kind without being built.
        let nested = format!("{{\"a\": {}{}}}", "[".repeat(100), "]".repeat(100));
        assert_eq!(body(&nested).get("a"), Some(&Value::Array));
    }

    #[test]
    fn describes_values_as_javascript_prints_them() {
        assert_eq!(Value::Number(9.0).describe(), "9");
        assert_eq!(Value::Number(-0.0).describe(), "-0");
        assert_eq!(Value::Number(6.5).describe(), "6.5");
        assert_eq!(Value::Number(1e21).describe(), "1e+21");
        assert_eq!(Value::Number(1e300).describe(), "1e+300");
        assert_eq!(Value::Number(f64::INFINITY).describe(), "Infinity");
        assert_eq!(Value::Number(123456789012345680000.0).describe(), "123456789012345683968");
        assert_eq!(Value::String("6".into()).describe(), "\"6\"");
        assert_eq!(Value::Bool(false).describe(), "false");
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
