//! The message itself: checking parameters for forms, rendering, languages.

use super::error::to_js_error;
use super::{request, to_js, JsResult};
use crate::error::Error;
use crate::member::quote;
use crate::params::{self, SendOtpParameters};
use crate::template::{self, Language, Message};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// A broken rule, for a form to show beside its field.
#[derive(Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct FieldError {
    /// The parameter at fault; null when the request as a whole is.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    field: Option<&'static str>,
    message: String,
}

/// Every broken rule, or the parameters as checked with defaults filled in.
#[derive(Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Validation {
    #[cfg_attr(target_arch = "wasm32", tsify(type = "SendOtpParameters | null"))]
    parameters: Option<SendOtpParameters>,
    errors: Vec<FieldError>,
}

/// How `validate` checks: as the deployment the form sends to does.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct ValidateOptions {
    /// Accept the languages beyond Pinpoint's 13, as a deployment with
    /// `extendedLanguages` does (false).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    extended_languages: bool,
}

/// Checks SendOtpMessage parameters, answering every broken rule, one per
/// field, instead of throwing: for forms that show errors as typed.
#[wasm_bindgen(unchecked_return_type = "Validation")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "unknown")] parameters: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ValidateOptions")] options: JsValue,
) -> JsResult<JsValue> {
    let options: ValidateOptions = super::options(options, "validate's")?;
    let validation = match request::send_parameters_all(&parameters, options.extended_languages) {
        Ok(p) => Validation { parameters: Some(p), errors: Vec::new() },
        Err(errors) => Validation {
            parameters: None,
            errors: errors
                .into_iter()
                .map(|e: Error| FieldError { field: e.field, message: e.message })
                .collect(),
        },
    };
    to_js(&validation)
}

/// The SMS text of a rendered message, with what it costs to send.
#[derive(Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct RenderedMessage {
    body: String,
    encoding: crate::sms::Encoding,
    segments: u32,
}

impl From<Message> for RenderedMessage {
    fn from(m: Message) -> RenderedMessage {
        RenderedMessage { body: m.body, encoding: m.encoding, segments: m.segments }
    }
}

/// The default SMS text for a code and brand in any of the languages,
/// Pinpoint's and the extended ones.
#[wasm_bindgen(unchecked_return_type = "RenderedMessage")]
pub fn render(
    language: &str,
    otp: &str,
    #[wasm_bindgen(js_name = brandName)] brand_name: &str,
) -> JsResult<JsValue> {
    let language = Language::from_tag_with_extended(language).ok_or_else(|| {
        to_js_error(Error::bad_field(
            params::LANGUAGE,
            format!("Unknown Language {}", quote(language)),
        ))
    })?;
    to_js(&RenderedMessage::from(template::render(language, otp, brand_name)))
}

/// A language with its own name and template, for pickers.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct LanguageInfo {
    #[cfg_attr(target_arch = "wasm32", tsify(type = "LanguageTag"))]
    tag: Language,
    /// The language's name in itself, e.g. "Deutsch (Deutschland)".
    native_name: &'static str,
    template: &'static str,
    /// One of Pinpoint's 13; the others are sent only with `extendedLanguages`.
    pinpoint: bool,
    /// Arabic and Hebrew.
    right_to_left: bool,
}

/// Every language, Pinpoint's 13 first, each with its own name and template.
#[wasm_bindgen(unchecked_return_type = "LanguageInfo[]")]
pub fn languages() -> JsResult<JsValue> {
    let all: Vec<LanguageInfo> = Language::WITH_EXTENDED
        .iter()
        .map(|&l| LanguageInfo {
            tag: l,
            native_name: l.native_name(),
            template: l.template(),
            pinpoint: l.is_pinpoint(),
            right_to_left: l.is_right_to_left(),
        })
        .collect();
    to_js(&all)
}
