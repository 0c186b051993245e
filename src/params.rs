//! SendOtpMessage and VerifyOtpMessage parameters: every rule Pinpoint applies
//! to them, in one place, with messages that name the field, the rule and the
//! value given.

use crate::error::Error;
use crate::identity::{is_e164, OriginationKind};
use crate::template::Language;
use crate::value::{self, quote, Body, Integer, Value};

/// A whole-number parameter with its bounds and Pinpoint's default.
#[derive(Clone, Copy, Debug)]
pub struct IntRule {
    pub field: &'static str,
    pub min: u32,
    pub max: u32,
    pub default: u32,
}

/// A text parameter with its bounds in characters (Unicode scalar values).
#[derive(Clone, Copy, Debug)]
pub struct TextRule {
    pub field: &'static str,
    pub min_chars: usize,
    pub max_chars: usize,
}

pub const CODE_LENGTH: IntRule = IntRule { field: "CodeLength", min: 5, max: 8, default: 6 };
/// Minutes.
pub const VALIDITY_PERIOD: IntRule =
    IntRule { field: "ValidityPeriod", min: 5, max: 60, default: 15 };
pub const ALLOWED_ATTEMPTS: IntRule =
    IntRule { field: "AllowedAttempts", min: 1, max: 5, default: 3 };

pub const BRAND_NAME: TextRule = TextRule { field: "BrandName", min_chars: 1, max_chars: 20 };
pub const REFERENCE_ID: TextRule = TextRule { field: "ReferenceId", min_chars: 1, max_chars: 48 };
/// India DLT identifiers, passed through to the SMS.
pub const ENTITY_ID: TextRule = TextRule { field: "EntityId", min_chars: 1, max_chars: 64 };
pub const TEMPLATE_ID: TextRule = TextRule { field: "TemplateId", min_chars: 1, max_chars: 64 };
/// The code a user typed back. Any string is a guess; the bound keeps it sane.
pub const OTP: TextRule = TextRule { field: "Otp", min_chars: 1, max_chars: 64 };

pub const CHANNEL: &str = "Channel";
pub const LANGUAGE: &str = "Language";
pub const ORIGINATION_IDENTITY: &str = "OriginationIdentity";
pub const DESTINATION_IDENTITY: &str = "DestinationIdentity";

/// SendOTPMessageRequestParameters, checked, with defaults filled in.
/// Channel is always SMS, the only channel Pinpoint sends codes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendOtpParameters {
    pub brand_name: String,
    pub code_length: u32,
    /// Minutes.
    pub validity_period: u32,
    pub allowed_attempts: u32,
    pub language: Language,
    pub origination_identity: String,
    pub origination_kind: OriginationKind,
    pub destination_identity: String,
    pub reference_id: String,
    pub entity_id: Option<String>,
    pub template_id: Option<String>,
}

/// VerifyOTPMessageRequestParameters, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOtpParameters {
    pub reference_id: String,
    pub destination_identity: String,
    pub otp: String,
}

impl SendOtpParameters {
    /// Checks a request, answering with the first broken rule, as Pinpoint does.
    pub fn from_body(body: &Body) -> Result<SendOtpParameters, Error> {
        SendOtpParameters::check_all(body).map_err(|mut errors| errors.remove(0))
    }

    /// Checks a request, answering with every broken rule (one per field), so
    /// a form can show each beside its field.
    pub fn check_all(body: &Body) -> Result<SendOtpParameters, Vec<Error>> {
        let mut errors = Vec::new();
        if let Body::NotAnObject(value) = body {
            return Err(vec![not_an_object(value)]);
        }
        let mut ok = |e| errors.push(e);
        let channel = channel(body).map_err(&mut ok).ok();
        let brand_name = required_text(body, BRAND_NAME).map_err(&mut ok).ok();
        let code_length = integer(body, CODE_LENGTH).map_err(&mut ok).ok();
        let validity_period = integer(body, VALIDITY_PERIOD).map_err(&mut ok).ok();
        let allowed_attempts = integer(body, ALLOWED_ATTEMPTS).map_err(&mut ok).ok();
        let language = language(body).map_err(&mut ok).ok();
        let origination = origination_identity(body).map_err(&mut ok).ok();
        let destination_identity = destination_identity(body).map_err(&mut ok).ok();
        let reference_id = required_text(body, REFERENCE_ID).map_err(&mut ok).ok();
        let entity_id = optional_text(body, ENTITY_ID).map_err(&mut ok).ok();
        let template_id = optional_text(body, TEMPLATE_ID).map_err(&mut ok).ok();
        let checked = (|| {
            channel?;
            let (origination_identity, origination_kind) = origination?;
            Some(SendOtpParameters {
                brand_name: brand_name?,
                code_length: code_length?,
                validity_period: validity_period?,
                allowed_attempts: allowed_attempts?,
                language: language?,
                origination_identity,
                origination_kind,
                destination_identity: destination_identity?,
                reference_id: reference_id?,
                entity_id: entity_id?,
                template_id: template_id?,
            })
        })();
        checked.ok_or(errors)
    }
}

impl VerifyOtpParameters {
    pub fn from_body(body: &Body) -> Result<VerifyOtpParameters, Error> {
        if let Body::NotAnObject(value) = body {
            return Err(not_an_object(value));
        }
        Ok(VerifyOtpParameters {
            reference_id: required_text(body, REFERENCE_ID)?,
            destination_identity: destination_identity(body)?,
            otp: otp(body)?,
        })
    }
}

/// The ReferenceId and DestinationIdentity of either kind of request: all
/// that is needed to find its record.
pub fn record_address(body: &Body) -> Result<(String, String), Error> {
    if let Body::NotAnObject(value) = body {
        return Err(not_an_object(value));
    }
    Ok((required_text(body, REFERENCE_ID)?, destination_identity(body)?))
}

fn not_an_object(value: &Value) -> Error {
    Error::bad_request(format!("The request body must be a JSON object, got {}", value.describe()))
}

fn missing(field: &'static str) -> Error {
    Error::bad_field(field, format!("{field} is required"))
}

/// A member that must be a string if present.
fn string<'a>(body: &'a Body, field: &'static str) -> Result<Option<&'a str>, Error> {
    match body.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Error::bad_field(
            field,
            format!("{field} must be a string, got {}", other.describe()),
        )),
    }
}

fn required_string<'a>(body: &'a Body, field: &'static str) -> Result<&'a str, Error> {
    string(body, field)?.ok_or_else(|| missing(field))
}

fn channel(body: &Body) -> Result<(), Error> {
    let channel = required_string(body, CHANNEL)?;
    if channel.eq_ignore_ascii_case("SMS") {
        Ok(())
    } else {
        Err(Error::bad_field(CHANNEL, format!("Channel must be SMS, got {}", quote(channel))))
    }
}

/// The length in characters when it is outside the rule's bounds.
fn length_outside(s: &str, rule: TextRule) -> Option<usize> {
    let chars = s.chars().count();
    (!(rule.min_chars..=rule.max_chars).contains(&chars)).then_some(chars)
}

fn check_text(s: &str, rule: TextRule) -> Result<String, Error> {
    let field = rule.field;
    if let Some(chars) = length_outside(s, rule) {
        return Err(Error::bad_field(
            field,
            format!(
                "{field} must be {} to {} characters, got {chars} characters ({})",
                rule.min_chars,
                rule.max_chars,
                quote(s)
            ),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(Error::bad_field(
            field,
            format!("{field} must not contain control characters, got {}", quote(s)),
        ));
    }
    Ok(s.to_owned())
}

fn required_text(body: &Body, rule: TextRule) -> Result<String, Error> {
    check_text(required_string(body, rule.field)?, rule)
}

fn optional_text(body: &Body, rule: TextRule) -> Result<Option<String>, Error> {
    string(body, rule.field)?.map(|s| check_text(s, rule)).transpose()
}

fn integer(body: &Body, rule: IntRule) -> Result<u32, Error> {
    let field = rule.field;
    let (literal, n) = match body.get(field) {
        None => return Ok(rule.default),
        Some(Value::Number(literal)) => (literal, value::integer(literal)),
        Some(other) => {
            return Err(Error::bad_field(
                field,
                format!("{field} must be an integer, got {}", other.describe()),
            ))
        }
    };
    match n {
        Integer::Exact(n) if (rule.min as i64..=rule.max as i64).contains(&n) => Ok(n as u32),
        Integer::Exact(_) | Integer::Huge { .. } => Err(Error::bad_field(
            field,
            format!(
                "{field} must be between {} and {}, got {}",
                rule.min,
                rule.max,
                Value::Number(literal.clone()).describe()
            ),
        )),
        Integer::Fraction => Err(Error::bad_field(
            field,
            format!(
                "{field} must be an integer, got {}",
                Value::Number(literal.clone()).describe()
            ),
        )),
    }
}

fn language(body: &Body) -> Result<Language, Error> {
    let Some(tag) = string(body, LANGUAGE)? else { return Ok(Language::DEFAULT) };
    Language::from_tag(tag).ok_or_else(|| {
        let tags: Vec<&str> = Language::ALL.iter().map(|l| l.tag()).collect();
        Error::bad_field(
            LANGUAGE,
            format!("Language must be one of {}, got {}", tags.join(", "), quote(tag)),
        )
    })
}

fn origination_identity(body: &Body) -> Result<(String, OriginationKind), Error> {
    let s = required_string(body, ORIGINATION_IDENTITY)?;
    match OriginationKind::of(s) {
        Some(kind) => Ok((s.to_owned(), kind)),
        None => Err(Error::bad_field(
            ORIGINATION_IDENTITY,
            format!(
                "OriginationIdentity must be an E.164 phone number, a short code (3 to 8 digits), \
                 an alphanumeric sender ID (1 to 11 letters, digits or spaces, with at least one \
                 letter), or an AWS End User Messaging phone number ID, pool ID or ARN, got {}",
                quote(s)
            ),
        )),
    }
}

fn destination_identity(body: &Body) -> Result<String, Error> {
    let s = required_string(body, DESTINATION_IDENTITY)?;
    if is_e164(s) {
        Ok(s.to_owned())
    } else {
        Err(Error::bad_field(
            DESTINATION_IDENTITY,
            format!(
                "DestinationIdentity must be a phone number in E.164 format (+, then up to 15 \
                 digits, the first not 0, e.g. +12065550100), got {}",
                quote(s)
            ),
        ))
    }
}

/// The code a user typed. Never echoed: it may be the right one.
fn otp(body: &Body) -> Result<String, Error> {
    let field = OTP.field;
    let otp = match body.get(field) {
        None => return Err(missing(field)),
        Some(Value::String(s)) => s,
        Some(other) => {
            let kind = match other {
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                Value::Array => "an array",
                _ => "an object",
            };
            return Err(Error::bad_field(field, format!("Otp must be a string, got {kind}")));
        }
    };
    if let Some(chars) = length_outside(otp, OTP) {
        return Err(Error::bad_field(
            field,
            format!("Otp must be {} to {} characters, got {chars}", OTP.min_chars, OTP.max_chars),
        ));
    }
    Ok(otp.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exception;
    use crate::value::tests::body;

    const MINIMAL: &str = r#""Channel": "SMS", "BrandName": "ExampleCorp",
        "OriginationIdentity": "+18555550142", "DestinationIdentity": "+12065550007",
        "ReferenceId": "SampleReferenceId""#;

    /// The minimal valid request with `extra` members added (later ones win).
    fn send(extra: &str) -> Result<SendOtpParameters, Error> {
        let sep = if extra.is_empty() { "" } else { ", " };
        SendOtpParameters::from_body(&body(&format!("{{{MINIMAL}{sep}{extra}}}")))
    }

    fn send_error(extra: &str) -> Error {
        let e = send(extra).expect_err(extra);
        assert_eq!(e.exception, Exception::BadRequest, "{extra}");
        e
    }

    fn assert_rejects(extra: &str, field: &str, message: &str) {
        let e = send_error(extra);
        assert_eq!(e.field, Some(field), "{extra}");
        assert_eq!(e.message, message, "{extra}");
    }

    #[test]
    fn the_minimal_request_gets_pinpoints_defaults() {
        let p = send("").unwrap();
        assert_eq!(
            p,
            SendOtpParameters {
                brand_name: "ExampleCorp".into(),
                code_length: 6,
                validity_period: 15,
                allowed_attempts: 3,
                language: Language::EnUs,
                origination_identity: "+18555550142".into(),
                origination_kind: OriginationKind::PhoneNumber,
                destination_identity: "+12065550007".into(),
                reference_id: "SampleReferenceId".into(),
                entity_id: None,
                template_id: None,
            }
        );
    }

    #[test]
    fn integers_at_just_inside_and_just_outside_their_bounds() {
        for rule in [CODE_LENGTH, VALIDITY_PERIOD, ALLOWED_ATTEMPTS] {
            let f = rule.field;
            let get = |p: SendOtpParameters| match f {
                "CodeLength" => p.code_length,
                "ValidityPeriod" => p.validity_period,
                _ => p.allowed_attempts,
            };
            for n in [rule.min, rule.min + 1, rule.max - 1, rule.max] {
                assert_eq!(get(send(&format!("\"{f}\": {n}")).unwrap()), n, "{f} {n}");
            }
            assert_eq!(get(send(&format!("\"{f}\": null")).unwrap()), rule.default);
            for n in [rule.min - 1, rule.max + 1] {
                assert_rejects(
                    &format!("\"{f}\": {n}"),
                    f,
                    &format!("{f} must be between {} and {}, got {n}", rule.min, rule.max),
                );
            }
        }
        assert_rejects(
            r#""CodeLength": 9"#,
            "CodeLength",
            "CodeLength must be between 5 and 8, got 9",
        );
        assert_rejects(
            r#""CodeLength": 4"#,
            "CodeLength",
            "CodeLength must be between 5 and 8, got 4",
        );
    }

    #[test]
    fn integers_of_the_wrong_type_or_size() {
        let cases = [
            (r#""CodeLength": "6""#, "CodeLength must be an integer, got \"6\""),
            (r#""CodeLength": 6.5"#, "CodeLength must be an integer, got 6.5"),
            (r#""CodeLength": true"#, "CodeLength must be an integer, got true"),
            (r#""CodeLength": [6]"#, "CodeLength must be an integer, got an array"),
            (r#""CodeLength": {"n": 6}"#, "CodeLength must be an integer, got an object"),
            (r#""CodeLength": -6"#, "CodeLength must be between 5 and 8, got -6"),
            (r#""CodeLength": 1e300"#, "CodeLength must be between 5 and 8, got 1e300"),
            (r#""CodeLength": -1e300"#, "CodeLength must be between 5 and 8, got -1e300"),
            (r#""CodeLength": 6e-1"#, "CodeLength must be an integer, got 6e-1"),
            (
                r#""CodeLength": 18446744073709551621"#,
                "CodeLength must be between 5 and 8, got 18446744073709551621",
            ),
            (
                r#""AllowedAttempts": 4294967297"#,
                "AllowedAttempts must be between 1 and 5, got 4294967297",
            ),
        ];
        for (extra, message) in cases {
            let e = send_error(extra);
            assert_eq!(e.message, message, "{extra}");
        }
        // A whole number written with a fraction or exponent is that number.
        assert_eq!(send(r#""CodeLength": 7.0"#).unwrap().code_length, 7);
        assert_eq!(send(r#""CodeLength": 0.7e1"#).unwrap().code_length, 7);
    }

    #[test]
    fn brand_name_counts_characters_not_bytes() {
        for brand in [
            "A",
            "ExampleCorp",
            &"x".repeat(20),
            &"é".repeat(20),
            &"株".repeat(20),
            &"😀".repeat(20),
        ] {
            let p = send(&format!("\"BrandName\": \"{brand}\"")).unwrap();
            assert_eq!(p.brand_name, brand);
        }
        for brand in [&"x".repeat(21), &"é".repeat(21), &"株".repeat(21), &"😀".repeat(21)] {
            let e = send_error(&format!("\"BrandName\": \"{brand}\""));
            assert_eq!(e.field, Some("BrandName"));
            assert_eq!(
                e.message,
                format!("BrandName must be 1 to 20 characters, got 21 characters (\"{brand}\")")
            );
        }
        assert_rejects(
            r#""BrandName": """#,
            "BrandName",
            "BrandName must be 1 to 20 characters, got 0 characters (\"\")",
        );
    }

    #[test]
    fn control_characters_are_refused_in_text() {
        assert_rejects(
            r#""BrandName": "Acme\u0007""#,
            "BrandName",
            "BrandName must not contain control characters, got \"Acme\\u0007\"",
        );
        assert_rejects(
            r#""ReferenceId": "a\nb""#,
            "ReferenceId",
            "ReferenceId must not contain control characters, got \"a\\u000Ab\"",
        );
        assert_eq!(send_error(r#""EntityId": "\u0000""#).field, Some("EntityId"));
        assert_eq!(send_error(r#""TemplateId": "x\u007f""#).field, Some("TemplateId"));
    }

    #[test]
    fn required_fields() {
        for field in
            ["Channel", "BrandName", "OriginationIdentity", "DestinationIdentity", "ReferenceId"]
        {
            let without: String = MINIMAL
                .split(",")
                .filter(|m| !m.contains(&format!("\"{field}\"")))
                .collect::<Vec<_>>()
                .join(",");
            let e = SendOtpParameters::from_body(&body(&format!("{{{without}}}"))).unwrap_err();
            assert_eq!(
                (e.field, e.message.as_str()),
                (Some(field), &*format!("{field} is required"))
            );
            let e = send_error(&format!("\"{field}\": null"));
            assert_eq!(e.message, format!("{field} is required"));
            let e = send_error(&format!("\"{field}\": 5"));
            assert_eq!(e.message, format!("{field} must be a string, got 5"));
        }
    }

    #[test]
    fn channel_is_sms_in_any_case() {
        for channel in ["SMS", "sms", "Sms"] {
            assert!(send(&format!("\"Channel\": \"{channel}\"")).is_ok(), "{channel}");
        }
        assert_rejects(r#""Channel": "EMAIL""#, "Channel", "Channel must be SMS, got \"EMAIL\"");
        assert_rejects(r#""Channel": "SMS ""#, "Channel", "Channel must be SMS, got \"SMS \"");
    }

    #[test]
    fn language_is_matched_case_insensitively_and_answered_canonically() {
        for language in Language::ALL {
            let lower = language.tag().to_lowercase();
            assert_eq!(send(&format!("\"Language\": \"{lower}\"")).unwrap().language, language);
        }
        let e = send_error(r#""Language": "en""#);
        assert_eq!(e.field, Some("Language"));
        assert_eq!(
            e.message,
            "Language must be one of de-DE, en-GB, en-US, es-419, es-ES, fr-CA, fr-FR, it-IT, \
             ja-JP, ko-KR, pt-BR, zh-CN, zh-TW, got \"en\""
        );
    }

    #[test]
    fn origination_identity_kinds() {
        let p = send(r#""OriginationIdentity": "ExampleCorp""#).unwrap();
        assert_eq!(p.origination_kind, OriginationKind::SenderId);
        let p = send(r#""OriginationIdentity": "12345""#).unwrap();
        assert_eq!(p.origination_kind, OriginationKind::ShortCode);
        let e = send_error(r#""OriginationIdentity": "Example_Corp""#);
        assert_eq!(e.field, Some("OriginationIdentity"));
        assert!(e.message.ends_with("got \"Example_Corp\""), "{}", e.message);
    }

    #[test]
    fn destination_identity_is_e164() {
        assert_eq!(
            send(r#""DestinationIdentity": "+123456789012345""#).unwrap().destination_identity,
            "+123456789012345"
        );
        for bad in ["2065550007", "+1234567890123456", "+02065550007", "+1 206 555 0007"] {
            let e = send_error(&format!("\"DestinationIdentity\": \"{bad}\""));
            assert_eq!(e.field, Some("DestinationIdentity"));
            assert!(e.message.ends_with(&format!("got \"{bad}\"")), "{}", e.message);
        }
    }

    #[test]
    fn reference_id_bounds() {
        let id = "r".repeat(48);
        assert_eq!(send(&format!("\"ReferenceId\": \"{id}\"")).unwrap().reference_id, id);
        let e = send_error(&format!("\"ReferenceId\": \"{}\"", "r".repeat(49)));
        assert!(e.message.starts_with("ReferenceId must be 1 to 48 characters, got 49 characters"));
        let e = send_error(r#""ReferenceId": """#);
        assert!(e.message.starts_with("ReferenceId must be 1 to 48 characters, got 0 characters"));
    }

    #[test]
    fn dlt_identifiers_are_optional_but_never_empty_or_too_long() {
        let p =
            send(r#""EntityId": "1101234567890", "TemplateId": "1107161234567890123""#).unwrap();
        assert_eq!(p.entity_id.as_deref(), Some("1101234567890"));
        assert_eq!(p.template_id.as_deref(), Some("1107161234567890123"));
        for field in ["EntityId", "TemplateId"] {
            let ok = "9".repeat(64);
            assert!(send(&format!("\"{field}\": \"{ok}\"")).is_ok());
            for bad in [String::new(), "9".repeat(65)] {
                let e = send_error(&format!("\"{field}\": \"{bad}\""));
                assert_eq!(e.field, Some(field));
                assert!(e.message.starts_with(&format!("{field} must be 1 to 64 characters")));
            }
            let e = send_error(&format!("\"{field}\": 1101234567890"));
            assert_eq!(e.message, format!("{field} must be a string, got 1101234567890"));
        }
    }

    #[test]
    fn unknown_fields_are_ignored() {
        assert!(send(r#""Unknown": [1, 2, 3], "channel": 5"#).is_ok());
    }

    #[test]
    fn a_body_that_is_not_an_object() {
        for (json, got) in [("[]", "an array"), ("\"x\"", "\"x\""), ("null", "null"), ("6", "6")] {
            let e = SendOtpParameters::from_body(&body(json)).unwrap_err();
            assert_eq!(e.exception, Exception::BadRequest);
            assert_eq!(e.field, None);
            assert_eq!(e.message, format!("The request body must be a JSON object, got {got}"));
            let e = VerifyOtpParameters::from_body(&body(json)).unwrap_err();
            assert_eq!(e.message, format!("The request body must be a JSON object, got {got}"));
        }
    }

    #[test]
    fn check_all_reports_every_field_in_pinpoint_order() {
        let errors = SendOtpParameters::check_all(&body(
            r#"{"Channel": "SMS", "CodeLength": 9, "Language": "xx", "DestinationIdentity": "555"}"#,
        ))
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.unwrap()).collect();
        assert_eq!(
            fields,
            [
                "BrandName",
                "CodeLength",
                "Language",
                "OriginationIdentity",
                "DestinationIdentity",
                "ReferenceId"
            ]
        );
        // from_body answers with the first of them.
        let first = SendOtpParameters::from_body(&body(r#"{"Channel": "SMS", "CodeLength": 9}"#));
        assert_eq!(first.unwrap_err().field, Some("BrandName"));
    }

    #[test]
    fn verify_parameters() {
        let p = VerifyOtpParameters::from_body(&body(
            r#"{"ReferenceId": "ref", "DestinationIdentity": "+12065550007", "Otp": "012345"}"#,
        ))
        .unwrap();
        assert_eq!(
            p,
            VerifyOtpParameters {
                reference_id: "ref".into(),
                destination_identity: "+12065550007".into(),
                otp: "012345".into()
            }
        );
        let base = r#""ReferenceId": "ref", "DestinationIdentity": "+12065550007""#;
        let cases = [
            ("", "Otp", "Otp is required"),
            (r#", "Otp": 12345"#, "Otp", "Otp must be a string, got a number"),
            (r#", "Otp": """#, "Otp", "Otp must be 1 to 64 characters, got 0"),
        ];
        for (extra, field, message) in cases {
            let e =
                VerifyOtpParameters::from_body(&body(&format!("{{{base}{extra}}}"))).unwrap_err();
            assert_eq!((e.field, e.message.as_str()), (Some(field), message));
        }
        let e = VerifyOtpParameters::from_body(&body(&format!(
            r#"{{{base}, "Otp": "{}"}}"#,
            "1".repeat(65)
        )))
        .unwrap_err();
        assert_eq!(e.message, "Otp must be 1 to 64 characters, got 65", "the guess is not echoed");
        let e = VerifyOtpParameters::from_body(&body(r#"{"Otp": "12345"}"#)).unwrap_err();
        assert_eq!(e.field, Some("ReferenceId"));
        let e = VerifyOtpParameters::from_body(&body(
            r#"{"ReferenceId": "r", "DestinationIdentity": "12", "Otp": "12345"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.field, Some("DestinationIdentity"));
    }

    #[test]
    fn record_address_reads_either_request() {
        let b = body(r#"{"ReferenceId": "ref", "DestinationIdentity": "+12065550007"}"#);
        assert_eq!(record_address(&b).unwrap(), ("ref".to_owned(), "+12065550007".to_owned()));
        assert_eq!(record_address(&body("{}")).unwrap_err().field, Some("ReferenceId"));
    }
}
