//! JSON text in and out, just as much as the API needs: request bodies are
//! read into a [`Body`] (members of a top-level object, kept with their JSON
//! kinds; nested values skipped with a loop, never the stack), and answers
//! are written with [`Writer`]. Numbers stay as the literal text the client
//! sent, so error messages can quote them exactly.

use crate::error::Error;
use crate::value::{quote, Body, Value};

/// Reads a request body. Text that is not JSON is a BadRequestException;
/// any JSON value is a body, for the parameter rules to judge.
pub fn parse_body(text: &str) -> Result<Body, Error> {
    let mut reader = Reader { text: text.as_bytes(), at: 0 };
    let body = reader.body().map_err(|expected| {
        let (line, column) = reader.line_and_column();
        let found = match reader.peek() {
            None => "the end".to_owned(),
            Some(_) => quote(&text[reader.at..].chars().take(1).collect::<String>()),
        };
        Error::bad_request(format!(
            "The request body is not valid JSON: expected {expected} at line {line} column \
             {column}, found {found}"
        ))
    })?;
    Ok(body)
}

/// What was expected where reading stopped.
type Expected = &'static str;

struct Reader<'a> {
    text: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8, expected: Expected) -> Result<(), Expected> {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(expected)
        }
    }

    fn line_and_column(&self) -> (usize, usize) {
        let before = &self.text[..self.at.min(self.text.len())];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = 1 + String::from_utf8_lossy(&before[line_start..]).chars().count();
        (line, column)
    }

    fn body(&mut self) -> Result<Body, Expected> {
        self.skip_whitespace();
        let body = if self.peek() == Some(b'{') {
            self.at += 1;
            Body::Object(self.members()?)
        } else {
            Body::NotAnObject(self.value()?)
        };
        self.skip_whitespace();
        match self.peek() {
            None => Ok(body),
            Some(_) => Err("the end of the text"),
        }
    }

    /// The members of an object whose `{` was just read.
    fn members(&mut self) -> Result<Vec<(String, Value)>, Expected> {
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(members);
        }
        loop {
            self.eat(b'"', "a member name in double quotes")?;
            let name = self.string()?;
            self.eat(b':', "':'")?;
            members.push((name, self.value()?));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(members);
                }
                _ => return Err("',' or '}'"),
            }
        }
    }

    fn value(&mut self) -> Result<Value, Expected> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'"') => {
                self.at += 1;
                Ok(Value::String(self.string()?))
            }
            Some(b'[') => self.skip_nested().map(|()| Value::Array),
            Some(b'{') => self.skip_nested().map(|()| Value::Object),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            _ => Err("a JSON value"),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, Expected> {
        if self.text[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err("a JSON value")
        }
    }

    /// A number, checked against JSON's grammar and kept as written.
    fn number(&mut self) -> Result<String, Expected> {
        let start = self.at;
        let digits = |r: &mut Self| {
            let from = r.at;
            while let Some(b'0'..=b'9') = r.peek() {
                r.at += 1;
            }
            r.at > from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        if self.peek() == Some(b'0') {
            self.at += 1;
        } else if !digits(self) {
            return Err("a digit");
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !digits(self) {
                return Err("a digit after '.'");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if !digits(self) {
                return Err("a digit in the exponent");
            }
        }
        Ok(String::from_utf8_lossy(&self.text[start..self.at]).into_owned())
    }

    /// The rest of a string whose opening quote was just read.
    fn string(&mut self) -> Result<String, Expected> {
        let mut out = Vec::new();
        loop {
            let start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.extend_from_slice(&self.text[start..self.at]);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    // The input is a &str and escapes decode to chars.
                    return String::from_utf8(out).map_err(|_| "UTF-8 text");
                }
                Some(b'\\') => {
                    self.at += 1;
                    let c = self.escape()?;
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                Some(_) => return Err("a control character to be escaped"),
                None => return Err("'\"' to end the string"),
            }
        }
    }

    fn escape(&mut self) -> Result<char, Expected> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                let unit = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate must be followed by its low half.
                    if !self.text[self.at..].starts_with(b"\\u") {
                        return Err("the low half of a surrogate pair");
                    }
                    self.at += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err("the low half of a surrogate pair");
                    }
                    0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    unit
                };
                return char::from_u32(code).ok_or("a Unicode scalar value");
            }
            _ => return Err("an escape sequence"),
        };
        self.at += 1;
        Ok(c)
    }

    fn hex4(&mut self) -> Result<u32, Expected> {
        let digits = self.text.get(self.at..self.at + 4).ok_or("four hex digits")?;
        let mut n = 0;
        for &d in digits {
            n = n * 16 + (d as char).to_digit(16).ok_or("four hex digits")?;
        }
        self.at += 4;
        Ok(n)
    }

    /// Skips an array or object (at its opening bracket) with a counter, not
    /// recursion: any depth costs no stack. Contents are checked loosely
    /// (brackets must balance and strings must end); nothing in them is used.
    fn skip_nested(&mut self) -> Result<(), Expected> {
        let mut open: Vec<u8> = Vec::new();
        loop {
            match self.peek() {
                Some(b @ (b'[' | b'{')) => {
                    open.push(if b == b'[' { b']' } else { b'}' });
                    self.at += 1;
                }
                Some(b @ (b']' | b'}')) => {
                    if open.pop() != Some(b) {
                        return Err("matching brackets");
                    }
                    self.at += 1;
                    if open.is_empty() {
                        return Ok(());
                    }
                }
                Some(b'"') => {
                    self.at += 1;
                    self.string()?;
                }
                Some(_) => self.at += 1,
                None => return Err("matching brackets"),
            }
        }
    }
}

/// Writes a JSON object member by member.
pub struct Writer {
    out: String,
    first: bool,
}

impl Writer {
    pub fn object() -> Writer {
        let mut out = String::with_capacity(512);
        out.push('{');
        Writer { out, first: true }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_string(&mut self.out, key);
        self.out.push(':');
        &mut self.out
    }

    pub fn string(&mut self, key: &str, value: &str) -> &mut Writer {
        write_string(self.key(key), value);
        self
    }

    /// A string member, left out when `None`.
    pub fn optional_string(&mut self, key: &str, value: Option<&str>) -> &mut Writer {
        if let Some(value) = value {
            self.string(key, value);
        }
        self
    }

    pub fn number(&mut self, key: &str, value: u64) -> &mut Writer {
        let out = self.key(key);
        out.push_str(&value.to_string());
        self
    }

    pub fn bool(&mut self, key: &str, value: bool) -> &mut Writer {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    /// A member whose value is already JSON text.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Writer {
        self.key(key).push_str(json);
        self
    }

    pub fn finish(&mut self) -> String {
        self.out.push('}');
        std::mem::take(&mut self.out)
    }
}

/// A JSON array of values that are already JSON text.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    format!("[{}]", items.join(","))
}

/// A JSON string literal of `s`.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_string(&mut out, s);
    out
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    // Copy runs of characters that need no escape in one go.
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        run = i + 1;
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&s[run..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exception;

    fn members(text: &str) -> Vec<(String, Value)> {
        match parse_body(text).unwrap() {
            Body::Object(members) => members,
            other => panic!("{other:?}"),
        }
    }

    fn error(text: &str) -> String {
        let e = parse_body(text).unwrap_err();
        assert_eq!(e.exception, Exception::BadRequest);
        e.message
    }

    #[test]
    fn reads_members_with_their_kinds() {
        let m = members(
            r#" { "a" : 1, "b": "x", "c": true, "d": null, "e": [1, [2, {"f": "]"}]],
                  "g": {"h": {}}, "i": false, "j": -0.5e+3 } "#,
        );
        let expected = [
            ("a", Value::Number("1".into())),
            ("b", Value::String("x".into())),
            ("c", Value::Bool(true)),
            ("d", Value::Null),
            ("e", Value::Array),
            ("g", Value::Object),
            ("i", Value::Bool(false)),
            ("j", Value::Number("-0.5e+3".into())),
        ];
        assert_eq!(m.len(), expected.len());
        for ((name, value), (en, ev)) in m.iter().zip(expected) {
            assert_eq!((name.as_str(), value), (en, &ev));
        }
        assert_eq!(members("{}"), vec![]);
        assert_eq!(members("{\"a\":{}}"), vec![("a".to_owned(), Value::Object)]);
    }

    #[test]
    fn reads_other_top_level_values_by_kind() {
        let cases = [
            ("[]", Value::Array),
            ("[1, {\"a\": [2]}]", Value::Array),
            ("\"SMS\"", Value::String("SMS".into())),
            ("null", Value::Null),
            ("  42 ", Value::Number("42".into())),
        ];
        for (text, value) in cases {
            assert_eq!(parse_body(text).unwrap(), Body::NotAnObject(value), "{text}");
        }
    }

    #[test]
    fn decodes_every_escape() {
        let m = members(r#"{"s": "q\" b\\ s\/ \b\f\n\r\t \u00e9 \u65E5 \ud83d\ude00"}"#);
        assert_eq!(m[0].1, Value::String("q\" b\\ s/ \u{8}\u{c}\n\r\t é 日 😀".into()));
        let m = members("{\"raw\": \"é日😀\"}");
        assert_eq!(m[0].1, Value::String("é日😀".into()));
    }

    #[test]
    fn refuses_what_is_not_json_saying_where() {
        let cases = [
            ("", "expected a JSON value at line 1 column 1, found the end"),
            ("{", "expected a member name in double quotes at line 1 column 2, found the end"),
            ("{\"a\" 1}", "expected ':' at line 1 column 6, found \"1\""),
            ("{\"a\": }", "expected a JSON value at line 1 column 7, found \"}\""),
            (
                "{\"a\": 1,}",
                "expected a member name in double quotes at line 1 column 9, found \"}\"",
            ),
            ("{\"a\": 1 \"b\": 2}", "expected ',' or '}' at line 1 column 9, found \"\\\"\""),
            ("{'a': 1}", "expected a member name in double quotes at line 1 column 2, found \"'\""),
            ("{\"a\": 01}", "expected ',' or '}' at line 1 column 8, found \"1\""),
            ("{\"a\": 1.}", "expected a digit after '.' at line 1 column 9, found \"}\""),
            ("{\"a\": 1e}", "expected a digit in the exponent at line 1 column 9, found \"}\""),
            ("{\"a\": -}", "expected a digit at line 1 column 8, found \"}\""),
            ("{\"a\": +1}", "expected a JSON value at line 1 column 7, found \"+\""),
            ("{\"a\": tru}", "expected a JSON value at line 1 column 7, found \"t\""),
            ("{\"a\": NaN}", "expected a JSON value at line 1 column 7, found \"N\""),
            (
                "{\"a\": \"x\ny\"}",
                "expected a control character to be escaped at line 1 column 9, found \"\\u000A\"",
            ),
            ("{\"a\": \"\\x\"}", "expected an escape sequence at line 1 column 9, found \"x\""),
            ("{\"a\": \"\\u12\"}", "expected four hex digits at line 1 column 10, found \"1\""),
            (
                "{\"a\": \"\\ud800\"}",
                "expected the low half of a surrogate pair at line 1 column 14, found \"\\\"\"",
            ),
            ("{\"a\": \"abc", "expected '\"' to end the string at line 1 column 11, found the end"),
            ("{\"a\": [1, 2}", "expected matching brackets at line 1 column 12, found \"}\""),
            ("{\"a\": [[[", "expected matching brackets at line 1 column 10, found the end"),
            ("{} {}", "expected the end of the text at line 1 column 4, found \"{\""),
            ("{\n  \"a\": tru\n}", "expected a JSON value at line 2 column 8, found \"t\""),
            ("\u{FEFF}{}", "expected a JSON value at line 1 column 1, found \"\u{feff}\""),
        ];
        for (text, message) in cases {
            assert_eq!(
                error(text),
                format!("The request body is not valid JSON: {message}"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn any_depth_of_nesting_is_skipped_without_recursion() {
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(1_000_000), "]".repeat(1_000_000));
        assert_eq!(members(&deep), vec![("a".to_owned(), Value::Array)]);
        let deep = format!("{}{}", "[{\"x\":".repeat(100_000), "0}]".repeat(100_000));
        assert_eq!(parse_body(&deep).unwrap(), Body::NotAnObject(Value::Array));
    }

    #[test]
    fn writes_objects_with_escaped_strings() {
        let text = Writer::object()
            .string("s", "a\"b\\c\nd\u{1}é😀")
            .number("n", 18_446_744_073_709_551_615)
            .bool("t", true)
            .optional_string("absent", None)
            .optional_string("present", Some("x"))
            .raw("r", &array(["1".to_owned(), string("two")]))
            .finish();
        assert_eq!(
            text,
            r#"{"s":"a\"b\\c\nd\u0001é😀","n":18446744073709551615,"t":true,"present":"x","r":[1,"two"]}"#
        );
        assert_eq!(Writer::object().finish(), "{}");
        assert_eq!(array([]), "[]");
    }

    #[test]
    fn what_it_writes_reads_back() {
        let original = "control \u{0}\u{1f} quote \" backslash \\ slash / unicode ü 😀";
        let text = Writer::object().string("s", original).finish();
        assert_eq!(members(&text), vec![("s".to_owned(), Value::String(original.into()))]);
    }
}
