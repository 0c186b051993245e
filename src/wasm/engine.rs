//! `Engine`: SendOtpMessage and VerifyOtpMessage under one secret, and the
//! `Verification` a verify steps through.

use super::error::to_js_error;
use super::{now, request, to_js, JsResult};
use crate::code::Entropy;
use crate::error::Error;
use crate::otp;
use crate::otp_templates::{self, AppMessages, OtpTemplates};
use crate::record::Secret;
use serde::Deserialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// SendOtpMessage and VerifyOtpMessage under one secret. Holds no OTP state:
/// records go to and come from the host's store.
#[wasm_bindgen]
pub struct Engine {
    secret: Rc<Secret>,
    /// Seeded from Web Crypto on the first send, never while loading.
    entropy: Entropy,
    templates: Option<OtpTemplates>,
}

/// The deployment's settings an engine runs under; every member optional.
#[derive(Default, Deserialize, tsify::Tsify)]
pub struct EngineOptions {
    /// `OTP_TEMPLATES`: each application's messages, as JSON text or as the
    /// same object. Without it, every message is Pinpoint's.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "string | OtpTemplatesSetting", optional)]
    templates: JsValue,
}

#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new(
        secret: &str,
        #[wasm_bindgen(unchecked_param_type = "EngineOptions")] options: JsValue,
    ) -> JsResult<Engine> {
        let options: EngineOptions = super::options(options, "The engine's")?;
        let templates = templates(options.templates).map_err(to_js_error)?;
        let secret = Secret::new(secret.as_bytes()).map_err(to_js_error)?;
        Ok(Engine { secret: Rc::new(secret), entropy: Entropy::new(), templates })
    }

    /// Checks the parameters (an object, or JSON text as a string or bytes),
    /// draws a code, and says what to store and what to send.
    #[wasm_bindgen(unchecked_return_type = "SendResult")]
    pub fn send(
        &mut self,
        #[wasm_bindgen(js_name = applicationId)] application_id: &str,
        #[wasm_bindgen(unchecked_param_type = "SendOtpMessageRequestParameters | string | Uint8Array")]
        parameters: JsValue,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let messages = messages(&self.templates, application_id);
        let p = request::send_parameters(&parameters, extended_languages(messages))
            .map_err(to_js_error)?;
        let sent = otp::send(&self.secret, application_id, &p, messages, now_ms, &mut self.entropy)
            .map_err(to_js_error)?;
        to_js(&sent)
    }

    /// The SMS a send of these parameters would deliver, with `otp` as its
    /// code: for previews. Throws what send would (a broken rule, a DLT
    /// mismatch); draws no code and makes no record.
    #[wasm_bindgen(unchecked_return_type = "RenderedMessage")]
    pub fn preview(
        &self,
        #[wasm_bindgen(js_name = applicationId)] application_id: &str,
        #[wasm_bindgen(unchecked_param_type = "SendOtpMessageRequestParameters | string | Uint8Array")]
        parameters: JsValue,
        otp: &str,
    ) -> JsResult<JsValue> {
        let messages = messages(&self.templates, application_id);
        let p = request::send_parameters(&parameters, extended_languages(messages))
            .map_err(to_js_error)?;
        let message = otp::message(&p, messages, otp).map_err(to_js_error)?;
        to_js(&super::message::RenderedMessage::from(message))
    }

    /// Checks a VerifyOtpMessage's parameters once and finds its record's
    /// storage key; the host then steps it through its compare-and-swap loop.
    pub fn verification(
        &self,
        #[wasm_bindgen(js_name = applicationId)] application_id: &str,
        #[wasm_bindgen(unchecked_param_type = "VerifyOtpMessageRequestParameters | string | Uint8Array")]
        parameters: JsValue,
    ) -> JsResult<Verification> {
        let p = request::verify_parameters(&parameters).map_err(to_js_error)?;
        let inner = otp::Verification::new(&self.secret, application_id, p).map_err(to_js_error)?;
        Ok(Verification { secret: Rc::clone(&self.secret), inner })
    }
}

/// The application's entry of `OTP_TEMPLATES`, if any.
fn messages<'a>(
    templates: &'a Option<OtpTemplates>,
    application_id: &str,
) -> Option<&'a AppMessages> {
    templates.as_ref()?.for_application(application_id)
}

fn extended_languages(messages: Option<&AppMessages>) -> bool {
    messages.is_some_and(AppMessages::extended_languages)
}

/// `OTP_TEMPLATES` as JSON text or an object; its problems, all of them, in
/// one error, a line each.
fn templates(value: JsValue) -> Result<Option<OtpTemplates>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let read = match value.as_string() {
        Some(json) => OtpTemplates::from_json(&json),
        None => {
            let object = serde_wasm_bindgen::Deserializer::from(value);
            OtpTemplates::from_deserializer(object, super::js_message)
        }
    };
    read.map(Some).map_err(|problems| {
        let lines: Vec<_> = problems.into_iter().map(|e| e.message).collect();
        Error::bad_field(otp_templates::SETTING, lines.join("\n"))
    })
}

/// One VerifyOtpMessage, checked: its storage key, and a step per round.
#[wasm_bindgen]
pub struct Verification {
    secret: Rc<Secret>,
    inner: otp::Verification,
}

#[wasm_bindgen]
impl Verification {
    /// Where the record of the code being verified is stored.
    #[wasm_bindgen(getter, js_name = storageKey)]
    pub fn storage_key(&self) -> String {
        self.inner.storage_key().to_owned()
    }

    /// The answer and the store operation for the record read under the
    /// storage key (null when there was none).
    #[wasm_bindgen(unchecked_return_type = "VerifyStep")]
    pub fn step(
        &self,
        record: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let step = self.inner.step(&self.secret, record.as_deref(), now_ms).map_err(to_js_error)?;
        to_js(&step)
    }
}

#[wasm_bindgen(typescript_custom_section)]
const REQUEST_PARAMETERS: &str = r#"
/** SendOTPMessageRequestParameters, as Pinpoint's API takes them. */
export type SendOtpMessageRequestParameters = SendOtpMessageRequest<never>;
/** VerifyOTPMessageRequestParameters, as Pinpoint's API takes them. */
export type VerifyOtpMessageRequestParameters = VerifyOtpMessageRequest<never>;
"#;
