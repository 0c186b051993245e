//! SendOtpMessage and VerifyOtpMessage parameters: every rule Pinpoint applies
//! to them, in one place, with messages that name the field, the rule and the
//! value given.
//!
//! A request arrives either as JSON text (an HTTP body, read by
//! [`crate::body::from_json`]) or as a JS object (read by serde-wasm-bindgen
//! at the boundary); both land in the same request type, whose members are
//! [`Member`]s as sent, and the rules here check them.

use crate::error::Error;
use crate::identity::{is_e164, OriginationKind};
use crate::member::{quote, Input, Member};
use crate::template::Language;
use crate::unicode_tables::{FORMAT_AND_SEPARATORS, FORMAT_AND_SEPARATOR_NAMES, PRIVATE_USE};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A whole-number parameter with its bounds and Pinpoint's default.
#[derive(Clone, Copy, Debug)]
pub struct IntRule {
    /// The parameter's Pinpoint name.
    pub field: &'static str,
    /// The least value allowed.
    pub min: u32,
    /// The greatest value allowed.
    pub max: u32,
    /// The value when the parameter is absent.
    pub default: u32,
}

/// A text parameter with its bounds in characters (Unicode scalar values).
#[derive(Clone, Copy, Debug)]
pub struct TextRule {
    /// The parameter's Pinpoint name.
    pub field: &'static str,
    /// The fewest characters allowed.
    pub min_chars: usize,
    /// The most characters allowed.
    pub max_chars: usize,
}

/// CodeLength: 5 to 8 digits; default 6.
pub const CODE_LENGTH: IntRule = IntRule { field: "CodeLength", min: 5, max: 8, default: 6 };
/// Minutes.
pub const VALIDITY_PERIOD: IntRule =
    IntRule { field: "ValidityPeriod", min: 5, max: 60, default: 15 };
/// AllowedAttempts: 1 to 5 guesses; default 3.
pub const ALLOWED_ATTEMPTS: IntRule =
    IntRule { field: "AllowedAttempts", min: 1, max: 5, default: 3 };

/// BrandName: 1 to 20 characters.
pub const BRAND_NAME: TextRule = TextRule { field: "BrandName", min_chars: 1, max_chars: 20 };
/// ReferenceId: 1 to 48 characters.
pub const REFERENCE_ID: TextRule = TextRule { field: "ReferenceId", min_chars: 1, max_chars: 48 };
/// India DLT identifiers, passed through to the SMS.
pub const ENTITY_ID: TextRule = TextRule { field: "EntityId", min_chars: 1, max_chars: 64 };
/// India DLT template ID, passed through to the SMS.
pub const TEMPLATE_ID: TextRule = TextRule { field: "TemplateId", min_chars: 1, max_chars: 64 };
/// The code a user typed back. Any string is a guess; the bound keeps it sane.
pub const OTP: TextRule = TextRule { field: "Otp", min_chars: 1, max_chars: 64 };

/// The Channel parameter's name.
pub const CHANNEL: &str = "Channel";
/// The Language parameter's name.
pub const LANGUAGE: &str = "Language";
/// The OriginationIdentity parameter's name.
pub const ORIGINATION_IDENTITY: &str = "OriginationIdentity";
/// The DestinationIdentity parameter's name.
pub const DESTINATION_IDENTITY: &str = "DestinationIdentity";

/// SendOTPMessageRequestParameters as sent: each member as the client wrote
/// it (`M`: raw JSON text, or a JS value), or `None` when absent or null (AWS
/// treats null as absent). Unknown members are ignored, as AWS does; a
/// member given twice is refused.
///
/// Its TypeScript declaration (`SendOtpMessageRequestParameters`) says what
/// a valid request holds: the members the rules accept.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "M: Deserialize<'de>"))]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SendOtpMessageRequest<M = Box<RawValue>> {
    /// Only `SMS` (any case).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub channel: Option<M>,
    /// 1 to 20 characters.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub brand_name: Option<M>,
    /// 5 to 8 digits; default 6.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number", optional))]
    pub code_length: Option<M>,
    /// Minutes, 5 to 60; default 15.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number", optional))]
    pub validity_period: Option<M>,
    /// 1 to 5; default 3.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number", optional))]
    pub allowed_attempts: Option<M>,
    /// A language tag, any case; default en-US.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string", optional))]
    pub language: Option<M>,
    /// E.164 number, short code, sender ID, or AWS End User Messaging phone
    /// number ID, pool ID or ARN.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub origination_identity: Option<M>,
    /// E.164.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub destination_identity: Option<M>,
    /// 1 to 48 characters.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub reference_id: Option<M>,
    /// India DLT entity ID, passed through to the SMS.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string", optional))]
    pub entity_id: Option<M>,
    /// India DLT template ID, passed through to the SMS.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string", optional))]
    pub template_id: Option<M>,
}

/// VerifyOTPMessageRequestParameters as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "M: Deserialize<'de>"))]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct VerifyOtpMessageRequest<M = Box<RawValue>> {
    /// 1 to 48 characters: the ReferenceId the code was sent with.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub reference_id: Option<M>,
    /// E.164: the number the code was sent to.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub destination_identity: Option<M>,
    /// The code the user typed.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub otp: Option<M>,
}

/// A member's view, or `None` when absent.
type Given<'a> = Option<Input<'a>>;

fn given<M: Member>(member: &Option<M>) -> Given<'_> {
    member.as_ref().map(Member::input)
}

/// The only channel Pinpoint sends codes on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Channel {
    /// SMS.
    #[default]
    #[serde(rename = "SMS")]
    Sms,
}

/// SendOTPMessageRequestParameters, checked, with defaults filled in: what
/// `validate` answers, in Pinpoint's names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SendOtpParameters {
    /// Always SMS.
    pub channel: Channel,
    /// 1 to 20 characters.
    pub brand_name: String,
    /// 5 to 8 digits.
    pub code_length: u32,
    /// Minutes.
    pub validity_period: u32,
    /// 1 to 5 guesses.
    pub allowed_attempts: u32,
    /// The language of the default message.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "LanguageTag"))]
    pub language: Language,
    /// As given: an E.164 number, short code, sender ID or AWS End User Messaging ID or ARN.
    pub origination_identity: String,
    /// Which of those `origination_identity` is.
    #[serde(skip)]
    pub origination_kind: OriginationKind,
    /// E.164.
    pub destination_identity: String,
    /// 1 to 48 characters.
    pub reference_id: String,
    /// India DLT entity ID, passed through to the SMS.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub entity_id: Option<String>,
    /// India DLT template ID, passed through to the SMS.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub template_id: Option<String>,
}

/// VerifyOTPMessageRequestParameters, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOtpParameters {
    /// 1 to 48 characters.
    pub reference_id: String,
    /// E.164.
    pub destination_identity: String,
    /// The code the user typed, 1 to 64 characters.
    pub otp: String,
}

/// `extended_languages` in the checks below: whether the deployment accepts
/// the languages beyond Pinpoint's 13 (see `Language::EXTENDED`); without
/// it, `Language` is exactly Pinpoint's.
impl SendOtpParameters {
    /// Reads and checks a request body (JSON text).
    pub fn from_json(body: &[u8], extended_languages: bool) -> Result<SendOtpParameters, Error> {
        let request = crate::body::from_json::<SendOtpMessageRequest>(body)?;
        SendOtpParameters::check(&request, extended_languages)
    }

    /// Checks a request, answering with the first broken rule, as Pinpoint does.
    pub fn check<M: Member>(
        request: &SendOtpMessageRequest<M>,
        extended_languages: bool,
    ) -> Result<SendOtpParameters, Error> {
        SendOtpParameters::check_all(request, extended_languages)
            .map_err(|mut errors| errors.remove(0))
    }

    /// Checks a request, answering with every broken rule (one per field), so
    /// a form can show each beside its field.
    pub fn check_all<M: Member>(
        r: &SendOtpMessageRequest<M>,
        extended_languages: bool,
    ) -> Result<SendOtpParameters, Vec<Error>> {
        let mut errors = Vec::new();
        let mut ok = |e| errors.push(e);
        let channel = channel(given(&r.channel)).map_err(&mut ok).ok();
        let brand_name = required_text(given(&r.brand_name), BRAND_NAME).map_err(&mut ok).ok();
        let code_length = integer(given(&r.code_length), CODE_LENGTH).map_err(&mut ok).ok();
        let validity_period =
            integer(given(&r.validity_period), VALIDITY_PERIOD).map_err(&mut ok).ok();
        let allowed_attempts =
            integer(given(&r.allowed_attempts), ALLOWED_ATTEMPTS).map_err(&mut ok).ok();
        let language = language(given(&r.language), extended_languages).map_err(&mut ok).ok();
        let origination =
            origination_identity(given(&r.origination_identity)).map_err(&mut ok).ok();
        let destination_identity =
            destination_identity(given(&r.destination_identity)).map_err(&mut ok).ok();
        let reference_id =
            required_text(given(&r.reference_id), REFERENCE_ID).map_err(&mut ok).ok();
        let entity_id = optional_text(given(&r.entity_id), ENTITY_ID).map_err(&mut ok).ok();
        let template_id = optional_text(given(&r.template_id), TEMPLATE_ID).map_err(&mut ok).ok();
        let checked = (|| {
            let (origination_identity, origination_kind) = origination?;
            Some(SendOtpParameters {
                channel: channel?,
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
    /// Reads and checks a request body (JSON text).
    pub fn from_json(body: &[u8]) -> Result<VerifyOtpParameters, Error> {
        VerifyOtpParameters::check(&crate::body::from_json::<VerifyOtpMessageRequest>(body)?)
    }

    /// Checks a request, answering with the first broken rule.
    pub fn check<M: Member>(r: &VerifyOtpMessageRequest<M>) -> Result<VerifyOtpParameters, Error> {
        Ok(VerifyOtpParameters {
            reference_id: required_text(given(&r.reference_id), REFERENCE_ID)?,
            destination_identity: destination_identity(given(&r.destination_identity))?,
            otp: otp(given(&r.otp))?,
        })
    }
}

fn missing(field: &'static str) -> Error {
    Error::bad_field(field, format!("{field} is required"))
}

/// A member that must be a string if present.
fn string(member: Given<'_>, field: &'static str) -> Result<Option<String>, Error> {
    match member {
        None => Ok(None),
        Some(Input::String(s)) => Ok(Some(s.into_owned())),
        Some(Input::Invalid(why)) => {
            Err(Error::bad_field(field, format!("{field} is not valid text: {why}")))
        }
        Some(other) => Err(Error::bad_field(
            field,
            format!("{field} must be a string, got {}", other.describe()),
        )),
    }
}

fn required_string(member: Given<'_>, field: &'static str) -> Result<String, Error> {
    string(member, field)?.ok_or_else(|| missing(field))
}

fn channel(member: Given<'_>) -> Result<Channel, Error> {
    let channel = required_string(member, CHANNEL)?;
    if channel.eq_ignore_ascii_case("SMS") {
        Ok(Channel::Sms)
    } else {
        Err(Error::bad_field(CHANNEL, format!("Channel must be SMS, got {}", quote(&channel))))
    }
}

/// The length in characters when it is outside the rule's bounds.
fn length_outside(s: &str, rule: TextRule) -> Option<usize> {
    let chars = s.chars().count();
    (!(rule.min_chars..=rule.max_chars).contains(&chars)).then_some(chars)
}

/// Checks text in this order, answering with the first broken rule: its
/// length (whatever it holds, a wrong length is wrong), then control
/// characters (with the message they have always had), then the first
/// character [`refused_character`] names.
fn check_text(s: String, rule: TextRule) -> Result<String, Error> {
    let field = rule.field;
    if let Some(chars) = length_outside(&s, rule) {
        return Err(Error::bad_field(
            field,
            format!(
                "{field} must be {} to {} characters, got {chars} characters ({})",
                rule.min_chars,
                rule.max_chars,
                quote(&s)
            ),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(Error::bad_field(
            field,
            format!("{field} must not contain control characters, got {}", quote(&s)),
        ));
    }
    // Named, not quoted: echoing a U+202E would turn the message around too.
    if let Some(refused) = s.chars().find_map(refused_character) {
        return Err(Error::bad_field(field, format!("{field} must not contain {refused}")));
    }
    Ok(s)
}

/// A character refused in text besides control characters, as a message
/// names it (`U+XXXX` and its name), or `None` when it is allowed:
/// - format characters (Cf): bidi overrides and isolates reorder what follows
///   (U+202E before a code shows it reversed), zero-width ones make two
///   different strings look alike. That includes U+200D ZERO WIDTH JOINER, so
///   a ZWJ emoji sequence (👨‍👩‍👧) is refused: telling an emoji's joiner from
///   one hidden inside a word needs emoji data the core doesn't carry, and a
///   single emoji, with U+FE0F (a mark, not Cf), passes;
/// - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR break lines;
/// - private-use characters (Co) mean nothing outside one vendor's font;
/// - noncharacters are never for interchange.
pub(crate) fn refused_character(c: char) -> Option<String> {
    let cp = u32::from(c);
    if let Some(name) = format_name(cp) {
        return Some(format!("U+{cp:04X} {name}"));
    }
    if PRIVATE_USE.iter().any(|&(first, last)| (first..=last).contains(&cp)) {
        return Some(format!("U+{cp:04X} (a private-use character)"));
    }
    if (0xFDD0..=0xFDEF).contains(&cp) || cp & 0xFFFE == 0xFFFE {
        return Some(format!("U+{cp:04X} (a noncharacter)"));
    }
    None
}

/// The name of a format character or separator, or `None` for any other.
fn format_name(cp: u32) -> Option<&'static str> {
    let mut line = 0;
    for &(first, last) in FORMAT_AND_SEPARATORS {
        if (first..=last).contains(&cp) {
            return FORMAT_AND_SEPARATOR_NAMES.lines().nth(line + (cp - first) as usize);
        }
        line += (last - first + 1) as usize;
    }
    None
}

fn required_text(member: Given<'_>, rule: TextRule) -> Result<String, Error> {
    check_text(required_string(member, rule.field)?, rule)
}

fn optional_text(member: Given<'_>, rule: TextRule) -> Result<Option<String>, Error> {
    string(member, rule.field)?.map(|s| check_text(s, rule)).transpose()
}

/// A whole number within the rule's bounds. A number written with a zero
/// fraction or an exponent (`7.0`, `0.7e1`) is that whole number, as in
/// JSON's number model; the message quotes the literal as sent.
fn integer(member: Given<'_>, rule: IntRule) -> Result<u32, Error> {
    let field = rule.field;
    let literal = match member {
        None => return Ok(rule.default),
        Some(Input::Number(literal)) => literal,
        Some(other) => {
            return Err(Error::bad_field(
                field,
                format!("{field} must be an integer, got {}", other.describe()),
            ))
        }
    };
    let shown = || Input::Number(literal.clone()).describe();
    let out_of_range = || {
        let (min, max) = (rule.min, rule.max);
        Error::bad_field(field, format!("{field} must be between {min} and {max}, got {}", shown()))
    };
    // An integer literal, or else the nearest double; serde_json refuses a
    // literal too large for a double (`1e400`), which is out of range too.
    let n = match literal.parse::<i64>() {
        Ok(n) => n as f64,
        Err(_) => serde_json::from_str::<f64>(&literal).map_err(|_| out_of_range())?,
    };
    if n.is_finite() && n.fract() != 0.0 {
        return Err(Error::bad_field(
            field,
            format!("{field} must be an integer, got {}", shown()),
        ));
    }
    if (f64::from(rule.min)..=f64::from(rule.max)).contains(&n) {
        Ok(n as u32)
    } else {
        Err(out_of_range())
    }
}

/// One of Pinpoint's 13 languages, or of all of them with extended languages on.
fn language(member: Given<'_>, extended_languages: bool) -> Result<Language, Error> {
    let Some(tag) = string(member, LANGUAGE)? else { return Ok(Language::DEFAULT) };
    let (found, offered) = if extended_languages {
        (Language::from_tag_with_extended(&tag), &Language::WITH_EXTENDED[..])
    } else {
        (Language::from_tag(&tag), &Language::ALL[..])
    };
    found.ok_or_else(|| {
        let tags: Vec<&str> = offered.iter().map(|l| l.tag()).collect();
        Error::bad_field(
            LANGUAGE,
            format!("Language must be one of {}, got {}", tags.join(", "), quote(&tag)),
        )
    })
}

fn origination_identity(member: Given<'_>) -> Result<(String, OriginationKind), Error> {
    let s = required_string(member, ORIGINATION_IDENTITY)?;
    match OriginationKind::of(&s) {
        Some(kind) => Ok((s, kind)),
        None => Err(Error::bad_field(
            ORIGINATION_IDENTITY,
            format!(
                "OriginationIdentity must be an E.164 phone number, a short code (3 to 8 digits), \
                 an alphanumeric sender ID (1 to 11 letters, digits or spaces, with at least one \
                 letter), or an AWS End User Messaging phone number ID, pool ID or ARN, got {}",
                quote(&s)
            ),
        )),
    }
}

fn destination_identity(member: Given<'_>) -> Result<String, Error> {
    let s = required_string(member, DESTINATION_IDENTITY)?;
    if is_e164(&s) {
        Ok(s)
    } else {
        Err(Error::bad_field(
            DESTINATION_IDENTITY,
            format!(
                "DestinationIdentity must be a phone number in E.164 format (+, then up to 15 \
                 digits, the first not 0, e.g. +12065550100), got {}",
                quote(&s)
            ),
        ))
    }
}

/// The code a user typed. Never echoed: it may be the right one.
fn otp(member: Given<'_>) -> Result<String, Error> {
    let field = OTP.field;
    let otp = match member {
        None => return Err(missing(field)),
        Some(Input::String(s)) => s,
        Some(Input::Invalid(why)) => {
            return Err(Error::bad_field(field, format!("Otp is not valid text: {why}")))
        }
        Some(other) => {
            let kind = match other {
                Input::Number(_) => "a number",
                Input::Bool(_) => "a boolean",
                Input::Array => "an array",
                _ => "an object",
            };
            return Err(Error::bad_field(field, format!("Otp must be a string, got {kind}")));
        }
    };
    if let Some(chars) = length_outside(&otp, OTP) {
        return Err(Error::bad_field(
            field,
            format!("Otp must be {} to {} characters, got {chars}", OTP.min_chars, OTP.max_chars),
        ));
    }
    Ok(otp.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exception;

    const MINIMAL: &str = r#""Channel": "SMS", "BrandName": "ExampleCorp",
        "OriginationIdentity": "+18555550142", "DestinationIdentity": "+12065550007",
        "ReferenceId": "SampleReferenceId""#;

    /// The minimal valid request with `extra` members added or replaced,
    /// checked as Pinpoint does.
    fn send(extra: &str) -> Result<SendOtpParameters, Error> {
        send_with(extra, false)
    }

    fn send_with(extra: &str, extended_languages: bool) -> Result<SendOtpParameters, Error> {
        // Raw values, so numbers keep their literal through the merge.
        let object = |text: &str| -> std::collections::BTreeMap<String, Box<RawValue>> {
            serde_json::from_str(&format!("{{{text}}}")).expect("test JSON parses")
        };
        let mut request = object(MINIMAL);
        request.extend(object(extra));
        SendOtpParameters::from_json(&serde_json::to_vec(&request).unwrap(), extended_languages)
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
                channel: Channel::Sms,
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
            // Once a panic (overflow) in a hand-written reader: now plain out of range.
            (
                r#""CodeLength": 1e9223372036854775807"#,
                "CodeLength must be between 5 and 8, got 1e9223372036854775807",
            ),
            (r#""CodeLength": 1e400"#, "CodeLength must be between 5 and 8, got 1e400"),
            (r#""CodeLength": 1E+400"#, "CodeLength must be between 5 and 8, got 1E+400"),
            (r#""CodeLength": -1e400"#, "CodeLength must be between 5 and 8, got -1e400"),
            (r#""CodeLength": -0"#, "CodeLength must be between 5 and 8, got -0"),
            (r#""CodeLength": 6.000001"#, "CodeLength must be an integer, got 6.000001"),
        ];
        for (extra, message) in cases {
            let e = send_error(extra);
            assert_eq!(e.message, message, "{extra}");
        }
        // A whole number written with a fraction or exponent is that number.
        assert_eq!(send(r#""CodeLength": 7.0"#).unwrap().code_length, 7);
        assert_eq!(send(r#""CodeLength": 0.7e1"#).unwrap().code_length, 7);
        assert_eq!(send(r#""CodeLength": 6e0"#).unwrap().code_length, 6);
        assert_eq!(send(r#""CodeLength": 6.0"#).unwrap().code_length, 6);
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

    /// The minimal request with `c` inside its BrandName.
    fn brand_with(c: char) -> Result<SendOtpParameters, Error> {
        send(&format!("\"BrandName\": \"Ac{c}me\""))
    }

    #[test]
    fn the_unicode_tables_hold_known_entries() {
        for (cp, name) in [
            (0x00AD, "SOFT HYPHEN"),
            (0x200B, "ZERO WIDTH SPACE"),
            (0x200D, "ZERO WIDTH JOINER"),
            (0x202E, "RIGHT-TO-LEFT OVERRIDE"),
            (0x2028, "LINE SEPARATOR"),
            (0x2029, "PARAGRAPH SEPARATOR"),
            (0x2066, "LEFT-TO-RIGHT ISOLATE"),
            (0x2069, "POP DIRECTIONAL ISOLATE"),
            (0xFEFF, "ZERO WIDTH NO-BREAK SPACE"),
            (0x1D173, "MUSICAL SYMBOL BEGIN BEAM"),
            (0xE0001, "LANGUAGE TAG"),
            (0xE007F, "CANCEL TAG"),
        ] {
            assert_eq!(format_name(cp), Some(name), "U+{cp:04X}");
        }
        for cp in [0x0020, 0x00AC, 0x00AE, 0x200A, 0x2010, 0x202F, 0xFE0F, 0xE0100, 0x10FFFF] {
            assert_eq!(format_name(cp), None, "U+{cp:04X}");
        }
        // Ranges in order and apart, with a name for each code point.
        assert!(FORMAT_AND_SEPARATORS.windows(2).all(|w| w[0].1 + 1 < w[1].0));
        let code_points: u32 = FORMAT_AND_SEPARATORS.iter().map(|&(a, b)| b - a + 1).sum();
        let names = FORMAT_AND_SEPARATOR_NAMES.lines().count();
        assert_eq!(names, code_points as usize);
        assert!(FORMAT_AND_SEPARATOR_NAMES.lines().all(|name| !name.is_empty()));
        // Unicode 14 has 165; newer versions have added more, not fewer.
        assert!(names >= 165, "{names}");
        // The private-use ranges are fixed by Unicode's stability policy.
        assert_eq!(PRIVATE_USE, [(0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD)]);
    }

    #[test]
    fn format_characters_and_separators_are_refused_by_name() {
        for (c, name) in [
            ('\u{00AD}', "SOFT HYPHEN"),
            ('\u{200B}', "ZERO WIDTH SPACE"),
            ('\u{200C}', "ZERO WIDTH NON-JOINER"),
            ('\u{200D}', "ZERO WIDTH JOINER"),
            ('\u{200F}', "RIGHT-TO-LEFT MARK"),
            ('\u{2028}', "LINE SEPARATOR"),
            ('\u{2029}', "PARAGRAPH SEPARATOR"),
            ('\u{202A}', "LEFT-TO-RIGHT EMBEDDING"),
            ('\u{202E}', "RIGHT-TO-LEFT OVERRIDE"),
            ('\u{2060}', "WORD JOINER"),
            ('\u{2064}', "INVISIBLE PLUS"),
            ('\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
            ('\u{2067}', "RIGHT-TO-LEFT ISOLATE"),
            ('\u{2068}', "FIRST STRONG ISOLATE"),
            ('\u{2069}', "POP DIRECTIONAL ISOLATE"),
            ('\u{FEFF}', "ZERO WIDTH NO-BREAK SPACE"),
            ('\u{FFF9}', "INTERLINEAR ANNOTATION ANCHOR"),
            ('\u{E0001}', "LANGUAGE TAG"),
            ('\u{E007F}', "CANCEL TAG"),
        ] {
            let e = brand_with(c).expect_err(name);
            assert_eq!(e.exception, Exception::BadRequest);
            assert_eq!(e.field, Some("BrandName"));
            assert_eq!(e.message, format!("BrandName must not contain U+{:04X} {name}", c as u32));
        }
    }

    #[test]
    fn private_use_characters_and_noncharacters_are_refused() {
        for cp in [0xE000, 0xF8FF, 0xF0000, 0xFFFFD, 0x100000, 0x10FFFD] {
            let c = char::from_u32(cp).unwrap();
            let e = brand_with(c).expect_err("private use");
            assert_eq!(
                e.message,
                format!("BrandName must not contain U+{cp:04X} (a private-use character)")
            );
        }
        for cp in [0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x1FFFF, 0xFFFFE, 0x10FFFE, 0x10FFFF] {
            let c = char::from_u32(cp).unwrap();
            let e = brand_with(c).expect_err("noncharacter");
            assert_eq!(
                e.message,
                format!("BrandName must not contain U+{cp:04X} (a noncharacter)")
            );
        }
    }

    #[test]
    fn characters_beside_the_refused_ranges_are_allowed() {
        for c in [
            '\u{00AC}',  // NOT SIGN, before SOFT HYPHEN
            '\u{00AE}',  // REGISTERED SIGN
            '\u{200A}',  // HAIR SPACE, before ZERO WIDTH SPACE
            '\u{2010}',  // HYPHEN, after RIGHT-TO-LEFT MARK
            '\u{2027}',  // HYPHENATION POINT, before LINE SEPARATOR
            '\u{202F}',  // NARROW NO-BREAK SPACE, after RIGHT-TO-LEFT OVERRIDE
            '\u{205F}',  // MEDIUM MATHEMATICAL SPACE, before WORD JOINER
            '\u{2070}',  // SUPERSCRIPT ZERO, after the deprecated format characters
            '\u{2122}',  // TRADE MARK SIGN
            '\u{D7FB}',  // the last Hangul jamo before private use
            '\u{F900}',  // CJK COMPATIBILITY IDEOGRAPH-F900, after private use
            '\u{FDCF}',  // before the noncharacters U+FDD0..U+FDEF
            '\u{FDF0}',  // after them
            '\u{FE0F}',  // VARIATION SELECTOR-16 is Mn, not Cf
            '\u{FEFC}',  // before ZERO WIDTH NO-BREAK SPACE
            '\u{FFFD}',  // REPLACEMENT CHARACTER, before the noncharacter U+FFFE
            '\u{FF01}',  // FULLWIDTH EXCLAMATION MARK
            '\u{1FBF9}', // SEGMENTED DIGIT NINE, before U+1FFFE
            '\u{20000}', // CJK UNIFIED IDEOGRAPH-20000, after U+1FFFF
            '\u{E0100}', // VARIATION SELECTOR-17, after CANCEL TAG
            '\u{E01EF}', // VARIATION SELECTOR-256, before plane 15's private use
        ] {
            let p = brand_with(c).unwrap_or_else(|e| panic!("U+{:04X}: {}", c as u32, e.message));
            assert_eq!(p.brand_name, format!("Ac{c}me"));
        }
    }

    #[test]
    fn emoji_pass_unless_joined_or_tagged() {
        // An emoji with VARIATION SELECTOR-16, a keycap, a skin tone, a flag.
        for brand in [
            "Acme \u{2764}\u{FE0F}",
            "1\u{FE0F}\u{20E3} Bank",
            "\u{1F44D}\u{1F3FD}",
            "\u{1F1EE}\u{1F1F3} Pay",
        ] {
            assert_eq!(send(&format!("\"BrandName\": \"{brand}\"")).unwrap().brand_name, brand);
        }
        // A ZWJ sequence is refused: its U+200D is Cf like any hidden joiner
        // (see refused_character), and a flag of tags is refused for its tags.
        assert_rejects(
            "\"BrandName\": \"\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\"",
            "BrandName",
            "BrandName must not contain U+200D ZERO WIDTH JOINER",
        );
        assert_rejects(
            "\"BrandName\": \"\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}\"",
            "BrandName",
            "BrandName must not contain U+E0067 TAG LATIN SMALL LETTER G",
        );
    }

    #[test]
    fn text_rules_apply_in_order_length_controls_then_characters() {
        // A wrong length is answered first, whatever the text holds.
        let e = send_error(&format!("\"BrandName\": \"\u{202E}{}\"", "x".repeat(20)));
        assert!(
            e.message.starts_with("BrandName must be 1 to 20 characters, got 21"),
            "{}",
            e.message
        );
        // Control characters keep their message, wherever they are.
        let e = send_error("\"BrandName\": \"\u{202E}Acme\\u0007\"");
        assert!(e.message.starts_with("BrandName must not contain control characters"));
        // Then the first refused character is the one named.
        assert_rejects(
            "\"BrandName\": \"A\u{2066}B\u{202E}\u{E000}\"",
            "BrandName",
            "BrandName must not contain U+2066 LEFT-TO-RIGHT ISOLATE",
        );
    }

    #[test]
    fn every_checked_text_field_refuses_format_characters() {
        for field in ["BrandName", "ReferenceId", "EntityId", "TemplateId"] {
            assert_rejects(
                &format!("\"{field}\": \"12\u{202E}34\""),
                field,
                &format!("{field} must not contain U+202E RIGHT-TO-LEFT OVERRIDE"),
            );
        }
        let body = format!(
            r#"{{"ReferenceId": "login{}", "DestinationIdentity": "+12065550007", "Otp": "1"}}"#,
            '\u{2069}'
        );
        let e = VerifyOtpParameters::from_json(body.as_bytes()).unwrap_err();
        assert_eq!(
            (e.field, e.message.as_str()),
            (Some("ReferenceId"), "ReferenceId must not contain U+2069 POP DIRECTIONAL ISOLATE")
        );
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
            let without = format!("{{{without}}}");
            let e = SendOtpParameters::from_json(without.as_bytes(), false).unwrap_err();
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
    fn a_lone_surrogate_is_refused_not_a_crash() {
        assert_rejects(
            r#""BrandName": "Acme\ud800""#,
            "BrandName",
            "BrandName is not valid text: unexpected end of hex escape at line 1 column 12",
        );
        let e = VerifyOtpParameters::from_json(
            br#"{"ReferenceId": "r", "DestinationIdentity": "+12065550007", "Otp": "\udc00"}"#,
        )
        .unwrap_err();
        assert_eq!(
            (e.field, e.message.starts_with("Otp is not valid text: ")),
            (Some("Otp"), true)
        );
        assert!(!e.message.contains("dc00"), "the guess is not echoed");
        // In a member nobody reads, it is ignored like the member.
        assert!(send(r#""Unknown": "\udc00""#).is_ok());
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
    fn extended_languages_are_accepted_only_when_turned_on() {
        for language in Language::EXTENDED {
            let tag = format!("\"Language\": \"{}\"", language.tag().to_uppercase());
            // Refused with exactly Pinpoint's message...
            let e = send_error(&tag);
            assert_eq!(e.field, Some("Language"));
            assert_eq!(
                e.message,
                format!(
                    "Language must be one of de-DE, en-GB, en-US, es-419, es-ES, fr-CA, fr-FR, \
                     it-IT, ja-JP, ko-KR, pt-BR, zh-CN, zh-TW, got \"{}\"",
                    language.tag().to_uppercase()
                )
            );
            // ...and accepted, answered canonically, when the deployment turns them on.
            assert_eq!(send_with(&tag, true).unwrap().language, language);
        }
        for language in Language::ALL {
            let tag = format!("\"Language\": \"{}\"", language.tag());
            assert_eq!(send_with(&tag, true).unwrap().language, language);
        }
        let e = send_with(r#""Language": "xx-XX""#, true).unwrap_err();
        let all: Vec<_> = Language::WITH_EXTENDED.iter().map(|l| l.tag()).collect();
        assert_eq!(e.message, format!("Language must be one of {}, got \"xx-XX\"", all.join(", ")));
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
            let e = SendOtpParameters::from_json(json.as_bytes(), false).unwrap_err();
            assert_eq!(e.exception, Exception::BadRequest);
            assert_eq!(e.field, None);
            assert_eq!(e.message, format!("The request body must be a JSON object, got {got}"));
            let e = VerifyOtpParameters::from_json(json.as_bytes()).unwrap_err();
            assert_eq!(e.message, format!("The request body must be a JSON object, got {got}"));
        }
    }

    #[test]
    fn check_all_reports_every_field_in_pinpoint_order() {
        let errors = SendOtpParameters::check_all(
            &crate::body::from_json::<SendOtpMessageRequest>(
                br#"{"Channel": "SMS", "CodeLength": 9, "Language": "xx", "DestinationIdentity": "555"}"#,
            )
            .unwrap(),
            false,
        )
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
        // from_json answers with the first of them.
        let first = SendOtpParameters::from_json(br#"{"Channel": "SMS", "CodeLength": 9}"#, false);
        assert_eq!(first.unwrap_err().field, Some("BrandName"));
    }

    #[test]
    fn verify_parameters() {
        let p = VerifyOtpParameters::from_json(
            br#"{"ReferenceId": "ref", "DestinationIdentity": "+12065550007", "Otp": "012345"}"#,
        )
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
            let e = VerifyOtpParameters::from_json(format!("{{{base}{extra}}}").as_bytes())
                .unwrap_err();
            assert_eq!((e.field, e.message.as_str()), (Some(field), message));
        }
        let e = VerifyOtpParameters::from_json(
            format!(r#"{{{base}, "Otp": "{}"}}"#, "1".repeat(65)).as_bytes(),
        )
        .unwrap_err();
        assert_eq!(e.message, "Otp must be 1 to 64 characters, got 65", "the guess is not echoed");
        let e = VerifyOtpParameters::from_json(br#"{"Otp": "12345"}"#).unwrap_err();
        assert_eq!(e.field, Some("ReferenceId"));
        let e = VerifyOtpParameters::from_json(
            br#"{"ReferenceId": "r", "DestinationIdentity": "12", "Otp": "12345"}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, Some("DestinationIdentity"));
    }
}
