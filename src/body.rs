//! Request bodies as JSON text: bytes go straight into serde_json, strictly.
//! Invalid UTF-8, a byte order mark, invalid JSON anywhere (nested values
//! included) and a parameter given twice are each a BadRequestException that
//! names the problem: a lenient parser would let two readers of one body
//! disagree on what it says.

use crate::error::Error;
use crate::member::Member;
use serde::de::DeserializeOwned;
use serde_json::error::Category;
use serde_json::value::RawValue;

/// Reads a request body into `T`, a request type whose members are all
/// optional (the parameter rules decide what is missing).
pub fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::bad_request(format!(
            "The request body is not valid UTF-8 (an invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    if text.starts_with('\u{feff}') {
        return Err(Error::bad_request(
            "The request body must not start with a byte order mark (U+FEFF)",
        ));
    }
    serde_json::from_str(text).map_err(|e| explain(text, e))
}

/// The error for a body that is not a JSON object, given as described.
pub fn not_an_object(described: &str) -> Error {
    Error::bad_request(format!("The request body must be a JSON object, got {described}"))
}

fn explain(text: &str, e: serde_json::Error) -> Error {
    match e.classify() {
        Category::Data => {
            if let Some(name) = duplicate_field(&e.to_string()) {
                return Error::bad_request(format!(
                    "The request body has {name} more than once; give each parameter once"
                ));
            }
            // Every member is optional, so the only other mismatch is the
            // body's own type.
            match serde_json::from_str::<Box<RawValue>>(text) {
                Ok(raw) if raw.get() == "null" => not_an_object("null"),
                Ok(raw) if !raw.get().starts_with('{') => not_an_object(&raw.input().describe()),
                _ => Error::bad_request(format!("The request body is not valid: {e}")),
            }
        }
        Category::Syntax | Category::Eof | Category::Io => {
            Error::bad_request(format!("The request body is not valid JSON: {e}"))
        }
    }
}

/// The member named in serde's "duplicate field `X`" error.
fn duplicate_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("duplicate field `")?;
    rest.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exception;
    use serde::Deserialize;
    use serde_json::Value;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Request {
        destination_identity: Option<Value>,
        reference_id: Option<Value>,
    }

    fn error(body: &[u8]) -> String {
        let e = from_json::<Request>(body).unwrap_err();
        assert_eq!((e.exception, e.field), (Exception::BadRequest, None));
        e.message
    }

    #[test]
    fn reads_members_and_ignores_unknown_ones() {
        let r: Request =
            from_json(br#"{"ReferenceId": "r", "Other": {"deep": [1, {"x": null}]}}"#).unwrap();
        assert_eq!(r.reference_id, Some(Value::String("r".into())));
        assert_eq!(r.destination_identity, None);
    }

    #[test]
    fn a_parameter_given_twice_is_named() {
        let message = "The request body has DestinationIdentity more than once; give each \
                       parameter once";
        let twice = br#"{"DestinationIdentity": "+1", "DestinationIdentity": "+2"}"#;
        assert_eq!(error(twice), message);
        // An escaped spelling is the same name.
        let escaped = br#"{"DestinationIdentity": "+1", "Destinati\u006fnIdentity": "+2"}"#;
        assert_eq!(error(escaped), message);
    }

    #[test]
    fn invalid_json_anywhere_is_refused() {
        for body in [
            &br#"{"ReferenceId": "r", "X": [1,,,garbage here]}"#[..],
            br#"{"ReferenceId": "r",}"#,
            br#"{"ReferenceId": "r"} trailing"#,
            br#"{"ReferenceId": "\ud800"}"#,
            br#"{"ReferenceId": "\udc00x"}"#,
            br#"{"ReferenceId": 'r'}"#,
            br#"{"ReferenceId": 01}"#,
            b"",
        ] {
            let message = error(body);
            assert!(
                message.starts_with("The request body is not valid JSON: "),
                "{}: {message}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn invalid_utf8_and_byte_order_marks_are_refused() {
        assert_eq!(
            error(b"{\"ReferenceId\": \"a\xff\"}"),
            "The request body is not valid UTF-8 (an invalid byte at offset 18)"
        );
        assert_eq!(
            error(b"\xef\xbb\xbf{}"),
            "The request body must not start with a byte order mark (U+FEFF)"
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_says_what_it_is() {
        for (body, got) in [("[]", "an array"), ("\"x\"", "\"x\""), ("null", "null"), ("6", "6")] {
            assert_eq!(
                error(body.as_bytes()),
                format!("The request body must be a JSON object, got {got}")
            );
        }
    }
}
