//! `OTP_TEMPLATES`: each application's own messages, checked whole when the
//! service starts, and the one function that writes the SMS a send delivers.
//!
//! ```json
//! {"applications": {
//!   "my-app": {
//!     "templates": {"en-US": "{{otp}} is your {{brand}} code. It expires in {{minutes}} minutes."},
//!     "segmentBudget": 1,
//!     "webOtpDomain": "example.com",
//!     "androidAppHash": "FA+9qCX9VSu",
//!     "dlt": {"1107161234567890123": {"text": "{#var#} is your {#var#} code. It expires in {#var#} minutes.\n\n@example.com #{#var#}", "maxVarLength": 30}},
//!     "extendedLanguages": true
//!   },
//!   "*": {"webOtpDomain": "example.com"}
//! }}
//! ```
//!
//! An application id's entry applies whole; `*` serves the applications
//! without one. A language without a template of the application's falls
//! back to the default message (`Language::template`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::error::Category;

use crate::autofill::{self, AndroidAppHash, WebOtpDomain};
use crate::dlt::{DltTemplate, DEFAULT_MAX_VAR_LENGTH};
use crate::error::Error;
use crate::sms::{self, Encoding};
use crate::template::{self, Language, Message, Piece, PLACEHOLDERS};

/// The setting's name, which starts every problem's path.
pub const SETTING: &str = "OTP_TEMPLATES";

/// The key whose entry serves every application without its own.
pub const EVERY_APPLICATION: &str = "*";

/// The request field a DLT mismatch is reported against.
const TEMPLATE_ID: &str = "TemplateId";

/// The longest values a template can be filled with: BrandName is at most
/// 20 characters, codes at most 8 digits, ValidityPeriod at most 60 minutes.
const LONGEST_BRAND_CHARS: usize = 20;
const LONGEST_OTP: &str = "00000000";
const LONGEST_MINUTES: &str = "60";

/// Every application's messages, as configured.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OtpTemplates {
    applications: Vec<(String, AppMessages)>,
}

/// One application's messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppMessages {
    templates: Vec<(Language, String)>,
    segment_budget: u32,
    web_otp_domain: Option<WebOtpDomain>,
    android_app_hash: Option<AndroidAppHash>,
    dlt: Vec<(String, DltTemplate)>,
    extended_languages: bool,
}

impl OtpTemplates {
    /// Reads and checks the setting, answering every problem at once, each
    /// as a `BadRequestException` on `OTP_TEMPLATES` whose message starts
    /// with the path of the field at fault.
    pub fn from_json(json: &str) -> Result<OtpTemplates, Vec<Error>> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let raw = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            // A syntax error has no field to name, only a line and column.
            let path = e.path().to_string();
            let at = match e.inner().classify() {
                Category::Data if path != "." => format!("{SETTING}.{path}"),
                _ => SETTING.to_owned(),
            };
            vec![problem(&at, e.into_inner())]
        })?;
        deserializer.end().map_err(|e| vec![problem(SETTING, e)])?;
        OtpTemplates::check(raw)
    }

    /// The same from any serde format: a JS object, through
    /// serde-wasm-bindgen, is read into the same types and checked alike.
    /// `describe` words the format's own errors.
    pub fn from_deserializer<'de, D: Deserializer<'de>, M: fmt::Display>(
        deserializer: D,
        describe: impl FnOnce(D::Error) -> M,
    ) -> Result<OtpTemplates, Vec<Error>> {
        let raw = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            let at = if path == "." { SETTING.to_owned() } else { format!("{SETTING}.{path}") };
            vec![problem(&at, describe(e.into_inner()))]
        })?;
        OtpTemplates::check(raw)
    }

    fn check(Object(raw): Object<RawSetting>) -> Result<OtpTemplates, Vec<Error>> {
        let mut problems = Vec::new();
        let mut applications = Vec::new();
        for (id, Object(app)) in raw.applications.0 {
            let path = format!("{SETTING}.applications.{id}");
            if id != EVERY_APPLICATION && crate::otp::check_application_id(&id).is_err() {
                problems.push(problem(
                    &path,
                    "an application id is 1 to 64 letters, digits, '.', '_' or '-', or * for \
                     every application",
                ));
            }
            if let Some(app) = AppMessages::check(app, &path, &mut problems) {
                applications.push((id, app));
            }
        }
        if problems.is_empty() {
            Ok(OtpTemplates { applications })
        } else {
            Err(problems)
        }
    }

    /// The application's entry, else the `*` entry, else none: the
    /// application sends the default messages.
    pub fn for_application(&self, application_id: &str) -> Option<&AppMessages> {
        find(&self.applications, application_id)
            .or_else(|| find(&self.applications, EVERY_APPLICATION))
    }
}

impl AppMessages {
    /// The application's template for the language, or the default message.
    pub fn template(&self, language: Language) -> &str {
        find(&self.templates, &language).map_or(language.template(), String::as_str)
    }

    /// The most segments any of the application's templates may take.
    pub fn segment_budget(&self) -> u32 {
        self.segment_budget
    }

    /// The host WebOTP lines bind codes to, if the application has one.
    pub fn web_otp_domain(&self) -> Option<&WebOtpDomain> {
        self.web_otp_domain.as_ref()
    }

    /// The app hash for Android's SMS Retriever, if the application has one.
    pub fn android_app_hash(&self) -> Option<&AndroidAppHash> {
        self.android_app_hash.as_ref()
    }

    /// Whether sends may use languages beyond Pinpoint's 13.
    pub fn extended_languages(&self) -> bool {
        self.extended_languages
    }

    /// The registered DLT template for a TemplateId.
    pub fn dlt(&self, template_id: &str) -> Option<&DltTemplate> {
        find(&self.dlt, template_id)
    }

    /// Turns the raw entry into checked settings, pushing each problem.
    fn check(raw: RawApp, path: &str, problems: &mut Vec<Error>) -> Option<AppMessages> {
        let before = problems.len();
        let segment_budget = raw.segment_budget.unwrap_or(1);
        if segment_budget == 0 {
            problems.push(problem(&format!("{path}.segmentBudget"), "must be at least 1"));
        }
        let web_otp_domain = raw.web_otp_domain.map(|d| WebOtpDomain::parse(&d)).transpose();
        let web_otp_domain = web_otp_domain
            .map_err(|e| problems.push(problem(&format!("{path}.webOtpDomain"), e)))
            .ok()
            .flatten();
        let android_app_hash = raw.android_app_hash.map(|h| AndroidAppHash::parse(&h)).transpose();
        let android_app_hash = android_app_hash
            .map_err(|e| problems.push(problem(&format!("{path}.androidAppHash"), e)))
            .ok()
            .flatten();
        let mut app = AppMessages {
            templates: Vec::new(),
            segment_budget,
            web_otp_domain,
            android_app_hash,
            dlt: Vec::new(),
            extended_languages: raw.extended_languages,
        };
        for (tag, text) in raw.templates.0 {
            let at = format!("{path}.templates.{tag}");
            let Some(language) = Language::from_tag_with_extended(&tag) else {
                let tags: Vec<_> = Language::WITH_EXTENDED.iter().map(|l| l.tag()).collect();
                problems.push(problem(
                    &at,
                    format!("unknown language; use one of {}", tags.join(", ")),
                ));
                continue;
            };
            if !language.is_pinpoint() && !app.extended_languages {
                problems.push(problem(
                    &at,
                    format!(
                        "{} is not one of Pinpoint's 13 languages: set extendedLanguages to true \
                         to send it",
                        language.tag()
                    ),
                ));
            }
            if find(&app.templates, &language).is_some() {
                problems.push(problem(&at, format!("a second template for {}", language.tag())));
                continue;
            }
            for message in app.template_problems(&text) {
                problems.push(problem(&at, message));
            }
            app.templates.push((language, text));
        }
        for (id, Object(raw_dlt)) in raw.dlt.0 {
            let at = format!("{path}.dlt.{id}");
            if !(1..=64).contains(&id.chars().count()) || id.chars().any(char::is_control) {
                problems.push(problem(&at, "a TemplateId is 1 to 64 characters"));
            }
            let max = raw_dlt.max_var_length.unwrap_or(DEFAULT_MAX_VAR_LENGTH);
            match DltTemplate::parse(&raw_dlt.text, max) {
                Ok(dlt) => {
                    app.dlt.push((id, dlt));
                }
                Err(e) => problems.push(problem(&at, e)),
            }
        }
        (problems.len() == before).then_some(app)
    }

    /// What is wrong with a template's text, given this application's lines.
    fn template_problems(&self, text: &str) -> Vec<String> {
        let mut found = Vec::new();
        let pieces: Vec<_> = template::pieces(text).collect();
        if !pieces.contains(&Piece::Otp) {
            found.push("a template must contain {{otp}}".to_owned());
        }
        for piece in &pieces {
            if let Piece::Unknown(written) = piece {
                let known: Vec<_> = PLACEHOLDERS.iter().map(|(w, _)| *w).collect();
                found.push(format!("unknown placeholder {written}; use {}", known.join(", ")));
            }
        }
        if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
            found.push("control characters other than line breaks cannot be sent".to_owned());
        }
        if !found.is_empty() {
            return found;
        }
        let (encoding, segments) = self.longest_rendering(text);
        let lines = match (&self.android_app_hash, &self.web_otp_domain) {
            (Some(_), Some(_)) => ", the app hash and the WebOTP line",
            (Some(_), None) => ", the app hash",
            (None, Some(_)) => ", the WebOTP line",
            (None, None) => "",
        };
        let longest = format!(
            "its longest rendering (a {LONGEST_BRAND_CHARS}-character brand, an 8-digit code, \
             {LONGEST_MINUTES} minutes{lines}) takes {segments} {} segments",
            encoding.name()
        );
        if self.android_app_hash.is_some() && segments > 1 {
            found.push(format!(
                "{longest}, but SMS Retriever reads only messages of 140 bytes, one segment"
            ));
        } else if segments > self.segment_budget {
            found.push(format!("{longest}, over segmentBudget {}", self.segment_budget));
        }
        found
    }

    /// The most a template can cost in its own encoding: a GSM-7 template
    /// with a brand of extension characters (two septets each), a UCS-2 one
    /// with a brand outside the Basic Multilingual Plane (two units each).
    fn longest_rendering(&self, text: &str) -> (Encoding, u32) {
        let (encoding, _) = sms::measure(&template::fill(text, "", "", ""));
        let brand = match encoding {
            Encoding::Gsm7 => "€",
            Encoding::Ucs2 => "😀",
        }
        .repeat(LONGEST_BRAND_CHARS);
        let mut body = template::fill(text, LONGEST_OTP, &brand, LONGEST_MINUTES);
        autofill::append(
            &mut body,
            LONGEST_OTP,
            self.android_app_hash.as_ref(),
            self.web_otp_domain.as_ref(),
        );
        sms::measure(&body)
    }
}

/// The value of `key` in a setting's few entries (a list in the order
/// written: smaller code than a map, and as fast for a handful).
fn find<'a, K: std::borrow::Borrow<Q>, Q: PartialEq + ?Sized, V>(
    entries: &'a [(K, V)],
    key: &Q,
) -> Option<&'a V> {
    entries.iter().find(|(k, _)| k.borrow() == key).map(|(_, v)| v)
}

fn problem(path: &str, message: impl fmt::Display) -> Error {
    Error::bad_field(SETTING, format!("{path}: {message}"))
}

/// The SMS a send delivers: the application's template for the language or
/// the default message, filled; then the application's app hash and WebOTP
/// lines; then, when the send names a TemplateId and the application
/// registers DLT templates, the check that the text matches, before any SMS
/// is sent. Without `app`, Pinpoint's message exactly.
pub fn compose(
    app: Option<&AppMessages>,
    language: Language,
    otp: &str,
    brand: &str,
    validity_minutes: u32,
    template_id: Option<&str>,
) -> Result<Message, Error> {
    let Some(app) = app else {
        return Ok(template::render(language, otp, brand));
    };
    let mut body =
        template::fill(app.template(language), otp, brand, &validity_minutes.to_string());
    autofill::append(&mut body, otp, app.android_app_hash(), app.web_otp_domain());
    if let Some(id) = template_id.filter(|_| !app.dlt.is_empty()) {
        let Some(dlt) = app.dlt(id) else {
            let known: Vec<_> = app.dlt.iter().map(|(id, _)| id.as_str()).collect();
            return Err(Error::bad_field(
                TEMPLATE_ID,
                format!(
                    "TemplateId {id:?} is not a DLT template registered for this application \
                     (registered: {})",
                    known.join(", ")
                ),
            ));
        };
        dlt.check(&body, otp).map_err(|mismatch| {
            Error::bad_field(
                TEMPLATE_ID,
                format!("the message does not match DLT template {id:?}: {mismatch}"),
            )
        })?;
    }
    Ok(Message::new(body))
}

/// The setting as written, before its rules are checked; in TypeScript,
/// `OtpTemplatesSetting`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(rename = "OtpTemplatesSetting"))]
struct RawSetting {
    /// Per application id, or `*` for every application without its own entry.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, OtpTemplatesApplication>"))]
    applications: UniqueMap<Object<RawApp>>,
}

/// One application's messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(rename = "OtpTemplatesApplication"))]
struct RawApp {
    /// Per Language tag (any case), the message with `{{otp}}`, `{{brand}}`
    /// and `{{minutes}}`; a language without one gets the default message.
    #[serde(default)]
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "Partial<Record<LanguageTag, string>>", optional)
    )]
    templates: UniqueMap<String>,
    /// The most segments a template may take (1).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    segment_budget: Option<u32>,
    /// Ends each message with the WebOTP line `@<domain> #<code>`.
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    web_otp_domain: Option<String>,
    /// The Android SMS Retriever app hash, on its own line.
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    android_app_hash: Option<String>,
    /// Per TemplateId, the text registered on India's DLT.
    #[serde(default)]
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "Record<string, DltTemplateSetting>", optional)
    )]
    dlt: UniqueMap<Object<RawDlt>>,
    /// Accept the languages beyond Pinpoint's 13 (false).
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    extended_languages: bool,
}

/// A DLT template as registered.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(rename = "DltTemplateSetting"))]
struct RawDlt {
    /// The registered text, `{#var#}` for each variable.
    text: String,
    /// The most characters a variable may take (30).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    max_var_length: Option<usize>,
}

/// A JSON object only: serde's derived structs would also read an array of
/// their fields in order, which no one means in a setting.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for Fields<T> {
            type Value = Object<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Object<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Object)
            }
        }

        deserializer.deserialize_map(Fields(PhantomData))
    }
}

/// A JSON object whose keys must differ: serde_json would otherwise keep the
/// last of two equal keys without a word.
struct UniqueMap<V>(Vec<(String, V)>);

impl<V> Default for UniqueMap<V> {
    fn default() -> Self {
        UniqueMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for UniqueMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for Entries<V> {
            type Value = UniqueMap<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UniqueMap<V>, A::Error> {
                let mut entries: Vec<(String, V)> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(de::Error::custom(format_args!("duplicate key {key:?}")));
                    }
                    entries.push((key, map.next_value()?));
                }
                Ok(UniqueMap(entries))
            }
        }

        deserializer.deserialize_map(Entries(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exception;

    fn problems(json: &str) -> Vec<String> {
        let errors = OtpTemplates::from_json(json).expect_err("refused");
        for e in &errors {
            assert_eq!((e.exception, e.field), (Exception::BadRequest, Some(SETTING)));
        }
        errors.into_iter().map(|e| e.message).collect()
    }

    /// One application, `my-app`, with the given fields.
    fn app_problems(fields: &str) -> Vec<String> {
        problems(&format!(r#"{{"applications": {{"my-app": {{{fields}}}}}}}"#))
    }

    fn app(fields: &str) -> AppMessages {
        let json = format!(r#"{{"applications": {{"my-app": {{{fields}}}}}}}"#);
        let setting = OtpTemplates::from_json(&json).unwrap_or_else(|e| panic!("{e:?}"));
        setting.for_application("my-app").unwrap().clone()
    }

    fn template(text: &str) -> String {
        serde_json::to_string(text).unwrap()
    }

    #[test]
    fn a_full_setting_reads_and_applications_fall_back_to_star() {
        let setting = OtpTemplates::from_json(
            r#"{"applications": {
                "my-app": {
                    "templates": {"en-US": "{{otp}} is your {{brand}} code.", "sv-se": "{{otp}} är din kod för {{brand}}."},
                    "segmentBudget": 2,
                    "webOtpDomain": "example.com",
                    "androidAppHash": "FA+9qCX9VSu",
                    "dlt": {"1107161234567890123": {"text": "{#var#} is your {#var#} code.\n\nFA+9qCX9VSu\n@example.com #{#var#}", "maxVarLength": 20}},
                    "extendedLanguages": true
                },
                "*": {}
            }}"#,
        )
        .unwrap();
        let mine = setting.for_application("my-app").unwrap();
        assert_eq!(mine.template(Language::EnUs), "{{otp}} is your {{brand}} code.");
        assert_eq!(mine.template(Language::SvSe), "{{otp}} är din kod för {{brand}}.");
        assert_eq!(mine.template(Language::FrFr), Language::FrFr.template());
        assert_eq!(mine.segment_budget(), 2);
        assert_eq!(mine.web_otp_domain().unwrap().as_str(), "example.com");
        assert_eq!(mine.android_app_hash().unwrap().as_str(), "FA+9qCX9VSu");
        assert_eq!(mine.dlt("1107161234567890123").unwrap().max_var_length(), 20);
        assert!(mine.dlt("1107161234567890124").is_none());
        assert!(mine.extended_languages());
        let other = setting.for_application("other-app").unwrap();
        assert_eq!(other.template(Language::EnUs), Language::EnUs.template());
        assert_eq!(other.segment_budget(), 1);
        assert!(other.web_otp_domain().is_none() && other.android_app_hash().is_none());
        assert!(!other.extended_languages());

        let without_star = OtpTemplates::from_json(r#"{"applications": {"my-app": {}}}"#).unwrap();
        assert!(without_star.for_application("my-app").is_some());
        assert!(without_star.for_application("other-app").is_none());
    }

    #[test]
    fn the_shape_is_checked_and_each_problem_names_its_field() {
        let cases = [
            (
                r#"{"applications": {"my-app": {"templatez": {}}}}"#,
                "OTP_TEMPLATES.applications.my-app.templatez: unknown field `templatez`, expected one of `templates`, `segmentBudget`, `webOtpDomain`, `androidAppHash`, `dlt`, `extendedLanguages` at line 1 column 40",
            ),
            (
                r#"{"applications": {}, "application": {}}"#,
                "OTP_TEMPLATES.application: unknown field `application`, expected `applications` at line 1 column 34",
            ),
            (
                r#"{"applications": {"my-app": {"templates": {"en-US": 5}}}}"#,
                "OTP_TEMPLATES.applications.my-app.templates.en-US: invalid type: integer `5`, expected a string at line 1 column 53",
            ),
            (
                r#"{"applications": {"my-app": {"segmentBudget": "1"}}}"#,
                "OTP_TEMPLATES.applications.my-app.segmentBudget: invalid type: string \"1\", expected u32 at line 1 column 49",
            ),
            (
                r#"{"applications": {"my-app": {"dlt": {"1": {"text": "{#var#}", "maxVarLength": -1}}}}}"#,
                "OTP_TEMPLATES.applications.my-app.dlt.1.maxVarLength: invalid value: integer `-1`, expected usize at line 1 column 80",
            ),
            (
                r#"{"applications": {"my-app": {"dlt": {"1": {"txt": "{#var#}"}}}}}"#,
                "OTP_TEMPLATES.applications.my-app.dlt.1.txt: unknown field `txt`, expected `text` or `maxVarLength` at line 1 column 48",
            ),
            (
                r#"{"applications": {"my-app": "yes"}}"#,
                "OTP_TEMPLATES.applications.my-app: invalid type: string \"yes\", expected an object at line 1 column 33",
            ),
            (r#"[{}]"#, "OTP_TEMPLATES: invalid type: sequence, expected an object at line 1 column 0"),
            (
                r#"{"applications": {"my-app": [{}]}}"#,
                "OTP_TEMPLATES.applications.my-app: invalid type: sequence, expected an object at line 1 column 28",
            ),
            (r#"{}"#, "OTP_TEMPLATES: missing field `applications` at line 1 column 2"),
            (r#"{"applications": {}} {}"#, "OTP_TEMPLATES: trailing characters at line 1 column 22"),
            (r#"{"applications": {"#, "OTP_TEMPLATES: EOF while parsing an object at line 1 column 18"),
            ("", "OTP_TEMPLATES: EOF while parsing a value at line 1 column 0"),
        ];
        for (json, expected) in cases {
            assert_eq!(problems(json), [expected], "{json}");
        }
    }

    #[test]
    fn any_serde_format_reads_into_the_same_setting() {
        // What a JS object is through serde-wasm-bindgen: values, no text.
        let json = r#"{"applications": {"my-app": {
            "templates": {"en-US": "{{otp}} is your {{brand}} code."},
            "webOtpDomain": "example.com",
            "dlt": {"1107": {"text": "{#var#} is your {#var#} code.\n\n@example.com #{#var#}"}}
        }}}"#;
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            OtpTemplates::from_deserializer(value, |e| e).unwrap(),
            OtpTemplates::from_json(json).unwrap()
        );
        // Problems name the same paths, without a line and column.
        let bad = serde_json::json!({"applications": {"my-app": {"segmentBudget": "1", "x": 1}}});
        let e = OtpTemplates::from_deserializer(bad, |e| e).unwrap_err();
        assert_eq!(
            e[0].message,
            "OTP_TEMPLATES.applications.my-app.segmentBudget: invalid type: string \"1\", expected u32"
        );
        let bad =
            serde_json::json!({"applications": {"my-app": {"templates": {"en-US": "{{code}}"}}}});
        let e = OtpTemplates::from_deserializer(bad, |e| e).unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].message.starts_with("OTP_TEMPLATES.applications.my-app.templates.en-US: "));
        let e = OtpTemplates::from_deserializer(serde_json::json!([]), |e| e).unwrap_err();
        assert_eq!(e[0].message, "OTP_TEMPLATES: invalid type: sequence, expected an object");
    }

    #[test]
    fn duplicate_keys_are_refused_at_every_level() {
        let cases = [
            (
                r#"{"applications": {"a": {}, "a": {}}}"#,
                "OTP_TEMPLATES.applications: duplicate key \"a\"",
            ),
            (
                r#"{"applications": {"a": {"templates": {"en-US": "{{otp}}", "en-US": "{{otp}}!"}}}}"#,
                "OTP_TEMPLATES.applications.a.templates: duplicate key \"en-US\"",
            ),
            (
                r#"{"applications": {"a": {"dlt": {"1": {"text": "{#var#}"}, "1": {"text": "{#var#}"}}}}}"#,
                "OTP_TEMPLATES.applications.a.dlt: duplicate key \"1\"",
            ),
            (
                r#"{"applications": {"a": {"segmentBudget": 1, "segmentBudget": 2}}}"#,
                "OTP_TEMPLATES.applications.a: duplicate field `segmentBudget`",
            ),
            (
                r#"{"applications": {}, "applications": {}}"#,
                "OTP_TEMPLATES: duplicate field `applications`",
            ),
        ];
        for (json, expected) in cases {
            let found = problems(json);
            assert_eq!(found.len(), 1, "{json}");
            assert!(found[0].starts_with(expected), "{json}: {found:?}");
        }
        // The same language written twice in different case.
        assert_eq!(
            app_problems(r#""templates": {"en-US": "{{otp}}", "EN-us": "{{otp}}!"}"#),
            ["OTP_TEMPLATES.applications.my-app.templates.EN-us: a second template for en-US"]
        );
    }

    #[test]
    fn template_rules() {
        let at = "OTP_TEMPLATES.applications.my-app.templates";
        let cases = [
            (r#""en-US": "Your code is ready""#, format!("{at}.en-US: a template must contain {{{{otp}}}}")),
            (
                r#""en-US": "{{otp}} from {{company}}""#,
                format!("{at}.en-US: unknown placeholder {{{{company}}}}; use {{{{otp}}}}, {{{{brand}}}}, {{{{minutes}}}}"),
            ),
            (
                r#""en-US": "{{OTP}}""#,
                format!("{at}.en-US: a template must contain {{{{otp}}}}"),
            ),
            (
                r#""en-US": "{{otp}}\u0007""#,
                format!("{at}.en-US: control characters other than line breaks cannot be sent"),
            ),
            (
                r#""xx-XX": "{{otp}}""#,
                format!("{at}.xx-XX: unknown language; use one of {}", Language::WITH_EXTENDED.map(|l| l.tag()).join(", ")),
            ),
            (
                r#""hi-IN": "{{otp}}""#,
                format!("{at}.hi-IN: hi-IN is not one of Pinpoint's 13 languages: set extendedLanguages to true to send it"),
            ),
        ];
        for (templates, expected) in cases {
            let found = app_problems(&format!(r#""templates": {{{templates}}}"#));
            assert!(found.contains(&expected), "{templates}: {found:?}");
        }
        assert_eq!(
            app_problems(r#""templates": {"en-US": "{{code}}"}"#),
            [
                format!("{at}.en-US: a template must contain {{{{otp}}}}"),
                format!("{at}.en-US: unknown placeholder {{{{code}}}}; use {{{{otp}}}}, {{{{brand}}}}, {{{{minutes}}}}"),
            ]
        );
        // Each placeholder may appear any number of times, line breaks too.
        app(r#""templates": {"en-US": "{{otp}}\r\n{{otp}} {{brand}}{{brand}} {{minutes}}"}"#);
        app(r#""templates": {"hi-IN": "{{otp}}"}, "extendedLanguages": true"#);
    }

    #[test]
    fn every_problem_of_every_application_is_answered_at_once() {
        let found = problems(
            r#"{"applications": {
                "bad id!": {"segmentBudget": 0},
                "a": {"templates": {"en-US": "x", "fr-FR": "{{otp}} {{x}}"}, "webOtpDomain": "https://a.com", "androidAppHash": "short"},
                "b": {"dlt": {"1": {"text": "no variable"}, "2": {"text": "{#var#}", "maxVarLength": 0}}}
            }}"#,
        );
        let paths: Vec<_> = found.iter().map(|m| m.split(": ").next().unwrap()).collect();
        assert_eq!(
            paths,
            [
                "OTP_TEMPLATES.applications.bad id!",
                "OTP_TEMPLATES.applications.bad id!.segmentBudget",
                "OTP_TEMPLATES.applications.a.webOtpDomain",
                "OTP_TEMPLATES.applications.a.androidAppHash",
                "OTP_TEMPLATES.applications.a.templates.en-US",
                "OTP_TEMPLATES.applications.a.templates.fr-FR",
                "OTP_TEMPLATES.applications.b.dlt.1",
                "OTP_TEMPLATES.applications.b.dlt.2",
            ],
            "{found:#?}"
        );
        assert!(found[1].ends_with("segmentBudget: must be at least 1"));
        assert!(found[6].contains("needs a {#var#}"), "{}", found[6]);
        assert!(found[7].ends_with("maxVarLength must be at least 1"), "{}", found[7]);
        let long_id = format!(r#""dlt": {{"{}": {{"text": "{{#var#}}"}}}}"#, "1".repeat(65));
        assert!(app_problems(&long_id)[0].ends_with("a TemplateId is 1 to 64 characters"));
    }

    #[test]
    fn a_gsm7_template_fits_its_budget_with_the_longest_brand_code_and_minutes() {
        // 20 brand characters of two septets each, 8 digits and a space:
        // 49 septets, so 111 of fixed text still fit in 160.
        let fits = |text: &str, extra: &str| {
            app_problems(&format!(r#""templates": {{"en-US": {}}}{extra}"#, template(text)))
        };
        app(&format!(
            r#""templates": {{"en-US": {}}}"#,
            template(&format!("{{{{otp}}}} {{{{brand}}}}{}", "a".repeat(111)))
        ));
        assert_eq!(
            fits(&format!("{{{{otp}}}} {{{{brand}}}}{}", "a".repeat(112)), ""),
            ["OTP_TEMPLATES.applications.my-app.templates.en-US: its longest rendering (a 20-character brand, an 8-digit code, 60 minutes) takes 2 GSM-7 segments, over segmentBudget 1"]
        );
        // {{minutes}} counts as its longest, two digits.
        app(&format!(
            r#""templates": {{"en-US": {}}}"#,
            template(&format!("{{{{otp}}}} {{{{brand}}}}{}{{{{minutes}}}}", "a".repeat(109)))
        ));
        assert_eq!(
            fits(&format!("{{{{otp}}}} {{{{brand}}}}{}{{{{minutes}}}}", "a".repeat(110)), "").len(),
            1
        );
        // A larger budget takes longer templates.
        app(&format!(
            r#""templates": {{"en-US": {}}}, "segmentBudget": 2"#,
            template(&"a{{otp}}".repeat(30))
        ));
        assert_eq!(fits(&"a{{otp}}".repeat(30), "").len(), 1);
    }

    #[test]
    fn a_ucs2_template_fits_its_budget_with_the_longest_brand() {
        // 20 brand characters outside the Basic Multilingual Plane are 40
        // UTF-16 units; with 8 digits and a space, 21 units of text fit in 70.
        app(&format!(
            r#""templates": {{"ja-JP": {}}}"#,
            template(&format!("{{{{otp}}}} {{{{brand}}}}{}", "日".repeat(21)))
        ));
        assert_eq!(
            app_problems(&format!(r#""templates": {{"ja-JP": {}}}"#, template(&format!("{{{{otp}}}} {{{{brand}}}}{}", "日".repeat(22))))),
            ["OTP_TEMPLATES.applications.my-app.templates.ja-JP: its longest rendering (a 20-character brand, an 8-digit code, 60 minutes) takes 2 UCS-2 segments, over segmentBudget 1"]
        );
    }

    #[test]
    fn the_web_otp_line_and_app_hash_count_in_the_budget() {
        let text = |n: usize| template(&format!("{{{{otp}}}} {{{{brand}}}}{}", "a".repeat(n)));
        // "\n\n@example.com #12345678": 24 septets.
        let web = r#", "webOtpDomain": "example.com""#;
        app(&format!(r#""templates": {{"en-US": {}}}{web}"#, text(87)));
        assert_eq!(
            app_problems(&format!(r#""templates": {{"en-US": {}}}{web}"#, text(88))),
            ["OTP_TEMPLATES.applications.my-app.templates.en-US: its longest rendering (a 20-character brand, an 8-digit code, 60 minutes, the WebOTP line) takes 2 GSM-7 segments, over segmentBudget 1"]
        );
        // "\n\nFA+9qCX9VSu": 13 septets; SMS Retriever wants one segment
        // whatever the budget.
        let hash = r#", "androidAppHash": "FA+9qCX9VSu", "segmentBudget": 3"#;
        app(&format!(r#""templates": {{"en-US": {}}}{hash}"#, text(98)));
        assert_eq!(
            app_problems(&format!(r#""templates": {{"en-US": {}}}{hash}"#, text(99))),
            ["OTP_TEMPLATES.applications.my-app.templates.en-US: its longest rendering (a 20-character brand, an 8-digit code, 60 minutes, the app hash) takes 2 GSM-7 segments, but SMS Retriever reads only messages of 140 bytes, one segment"]
        );
        // Both: 13 + 1 + 22 = 36 septets of lines.
        let both = r#", "androidAppHash": "FA+9qCX9VSu", "webOtpDomain": "example.com""#;
        app(&format!(r#""templates": {{"en-US": {}}}{both}"#, text(75)));
        assert!(app_problems(&format!(r#""templates": {{"en-US": {}}}{both}"#, text(76)))[0]
            .contains("the app hash and the WebOTP line) takes 2 GSM-7 segments"));
    }

    #[test]
    fn bad_domains_and_hashes_are_named() {
        assert_eq!(
            app_problems(r#""webOtpDomain": "example.com/login""#),
            ["OTP_TEMPLATES.applications.my-app.webOtpDomain: webOtpDomain must be a host only, like example.com (no scheme, port, path, '@' or '#'), got \"example.com/login\""]
        );
        let found = app_problems(r#""androidAppHash": "FA+9qCX9VS""#);
        assert!(
            found[0].starts_with(
                "OTP_TEMPLATES.applications.my-app.androidAppHash: androidAppHash must be the 11"
            ),
            "{found:?}"
        );
    }

    const OTP: &str = "481526";

    #[test]
    fn without_a_setting_the_message_is_pinpoints() {
        for language in Language::WITH_EXTENDED {
            let message = compose(None, language, OTP, "Acme", 15, Some("1107")).unwrap();
            assert_eq!(message, template::render(language, OTP, "Acme"));
        }
    }

    #[test]
    fn a_custom_template_is_filled_and_other_languages_fall_back() {
        let mine = app(
            r#""templates": {"en-US": "{{otp}} is your {{brand}} code. It expires in {{minutes}} minutes."}"#,
        );
        let message = compose(Some(&mine), Language::EnUs, OTP, "Acme", 15, None).unwrap();
        assert_eq!(message.body, "481526 is your Acme code. It expires in 15 minutes.");
        assert_eq!((message.encoding, message.segments), (Encoding::Gsm7, 1));
        let message = compose(Some(&mine), Language::DeDe, OTP, "Acme", 15, None).unwrap();
        assert_eq!(message.body, "Ihr Einmalpasswort von Acme lautet: 481526");
        // Values are inserted literally.
        let message = compose(Some(&mine), Language::EnUs, OTP, "{{minutes}}", 5, None).unwrap();
        assert_eq!(message.body, "481526 is your {{minutes}} code. It expires in 5 minutes.");
    }

    #[test]
    fn the_autofill_lines_end_the_message_in_both_encodings() {
        let mine = app(
            r#""webOtpDomain": "example.com", "androidAppHash": "FA+9qCX9VSu", "segmentBudget": 2"#,
        );
        let message = compose(Some(&mine), Language::EnUs, OTP, "Acme", 15, None).unwrap();
        assert_eq!(
            message.body,
            "This is your One Time Password: 481526 from Acme\n\nFA+9qCX9VSu\n@example.com #481526"
        );
        assert_eq!((message.encoding, message.segments), (Encoding::Gsm7, 1));
        let message = compose(Some(&mine), Language::JaJp, OTP, "例え株式会社", 15, None).unwrap();
        assert_eq!(
            message.body,
            "例え株式会社のワンタイムパスワードは481526です。\n\nFA+9qCX9VSu\n@example.com #481526"
        );
        // 27 + 2 + 11 + 1 + 20 = 61 UTF-16 units.
        assert_eq!((message.encoding, message.segments), (Encoding::Ucs2, 1));
        // A brand of 18 characters makes 73.
        let brand = "例え株式会社".repeat(3);
        let message = compose(Some(&mine), Language::JaJp, OTP, &brand, 15, None).unwrap();
        assert_eq!((message.encoding, message.segments), (Encoding::Ucs2, 2));
    }

    fn india() -> AppMessages {
        app(
            r#""templates": {"en-US": "{{otp}} is your {{brand}} code. It expires in {{minutes}} minutes."},
               "webOtpDomain": "example.com",
               "dlt": {"1107161234567890123": {"text": "{#var#} is your {#var#} code. It expires in {#var#} minutes.\n\n@example.com #{#var#}"}}"#,
        )
    }

    #[test]
    fn a_send_matching_its_dlt_template_goes_out() {
        let india = india();
        let message =
            compose(Some(&india), Language::EnUs, OTP, "Acme", 15, Some("1107161234567890123"))
                .unwrap();
        assert_eq!(
            message.body,
            "481526 is your Acme code. It expires in 15 minutes.\n\n@example.com #481526"
        );
        // No TemplateId: nothing to match.
        assert!(compose(Some(&india), Language::EnUs, OTP, "Acme", 15, None).is_ok());
        // An application without DLT templates passes TemplateId through.
        let plain = app(r#""webOtpDomain": "example.com""#);
        assert!(compose(Some(&plain), Language::EnUs, OTP, "Acme", 15, Some("1107")).is_ok());
    }

    #[test]
    fn a_send_not_matching_its_dlt_template_is_refused_naming_where() {
        let india = india();
        let id = Some("1107161234567890123");
        // The default German text is not the registered one.
        let e = compose(Some(&india), Language::DeDe, OTP, "Acme", 15, id).unwrap_err();
        assert_eq!((e.exception, e.field), (Exception::BadRequest, Some("TemplateId")));
        assert_eq!(
            e.message,
            "the message does not match DLT template \"1107161234567890123\": at character 5 (after \"Ihr \") \
             expected \"is your \", got \"Einmalpasswort von A…\""
        );
        // A brand longer than the variable allows.
        let e =
            compose(Some(&india), Language::EnUs, OTP, "A Very Long Brand Name Limited Co", 15, id)
                .unwrap_err();
        assert!(
            e.message.contains("{#var#} number 2 at character 16 would be 33 characters"),
            "{}",
            e.message
        );
        assert!(!e.message.contains(OTP), "{}", e.message);
        // An unregistered TemplateId.
        let e = compose(Some(&india), Language::EnUs, OTP, "Acme", 15, Some("1107000000000000000"))
            .unwrap_err();
        assert_eq!(e.field, Some("TemplateId"));
        assert_eq!(
            e.message,
            "TemplateId \"1107000000000000000\" is not a DLT template registered for this application \
             (registered: 1107161234567890123)"
        );
    }

    #[test]
    fn the_messages_page_shows_what_compose_sends() {
        let page = include_str!("../docs/messages.md");
        let shows = |text: &str| assert!(page.contains(&format!("```\n{text}\n```")), "{text}");
        // The page's setting is valid, and composes the messages it shows.
        let json = page.split("```json\n").nth(1).unwrap().split("```").next().unwrap();
        let setting = OtpTemplates::from_json(json).unwrap();
        let shop = setting.for_application("shop");
        let id = Some("1107161234567890123");
        shows(&compose(shop, Language::EnUs, "123456", "Acme", 10, id).unwrap().body);
        shows(&compose(shop, Language::DeDe, "123456", "Acme", 10, None).unwrap().body);
        shows(&compose(shop, Language::DeDe, "123456", "Acme", 10, id).unwrap_err().message);
        let refused = problems(
            r#"{"applications": {"shop": {"templates": {
                "en-US": "Your {{brand}} code is {{code}}",
                "fr-FR": "{{otp}} est votre code {{brand}}. Il expire dans {{minutes}} minutes. Ne le communiquez à personne, même pas à un conseiller {{brand}}."
            }}}}"#,
        );
        shows(&refused.join("\n"));
        for language in Language::WITH_EXTENDED {
            let message = template::render(language, "123456", "Acme");
            let row = format!(
                "| {} | {} | {} | {} |",
                language.tag(),
                language.native_name(),
                message.body,
                message.encoding.name()
            );
            assert!(page.contains(&row), "{row}");
        }
    }
}
