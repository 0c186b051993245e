//! `Provider`: an SMS provider made once from its settings, which says what
//! HTTP request delivers an SMS and what the answer means. The host only
//! makes the call.

use super::error::to_js_error;
use super::{now, to_js, JsResult};
use crate::error::{Error, Exception};
use crate::provider::{self, Answer, ProviderSettings, Url};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// An SMS provider made once from its settings: the request for each SMS, and what
/// the answer means.
#[wasm_bindgen]
pub struct Provider(provider::Provider);

#[wasm_bindgen]
impl Provider {
    /// Checks the settings; errors name the setting, never its value.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ProviderSettings")] settings: JsValue,
    ) -> JsResult<Provider> {
        let settings = settings_from_js(settings).map_err(to_js_error)?;
        provider::Provider::new(&settings).map(Provider).map_err(to_js_error)
    }

    /// The HTTP request that delivers `sms`, signed at `nowMs`.
    #[wasm_bindgen(unchecked_return_type = "HttpRequest")]
    pub fn request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Sms")] sms: JsValue,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let sms = from_js(sms, "The SMS").map_err(to_js_error)?;
        to_js(&self.0.request(&sms, now_ms).map_err(to_js_error)?)
    }

    /// The provider's id of the message a delivery's answer sent, when the
    /// provider takes feedback on it (AWS End User Messaging SMS); else null.
    #[wasm_bindgen(js_name = feedbackId)]
    pub fn feedback_id(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Answer")] answer: JsValue,
    ) -> JsResult<Option<String>> {
        Ok(self.0.feedback_id(&answer_from_js(answer).map_err(to_js_error)?))
    }

    /// Whether the provider takes feedback on the messages it sent.
    #[wasm_bindgen(getter, js_name = takesFeedback)]
    pub fn takes_feedback(&self) -> bool {
        self.0.takes_feedback()
    }

    /// The HTTP request that reports the message `feedbackId` received,
    /// signed at `nowMs`; null for a provider that takes no feedback.
    #[wasm_bindgen(js_name = feedbackRequest, unchecked_return_type = "HttpRequest | null")]
    pub fn feedback_request(
        &self,
        #[wasm_bindgen(js_name = feedbackId)] feedback_id: &str,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        match self.0.feedback_request(feedback_id, now_ms) {
            None => Ok(JsValue::NULL),
            Some(request) => to_js(&request.map_err(to_js_error)?),
        }
    }

    /// What the provider's answer means for Pinpoint's result.
    #[wasm_bindgen(unchecked_return_type = "Delivery")]
    pub fn result(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Answer")] answer: JsValue,
    ) -> JsResult<JsValue> {
        to_js(&self.0.result(&answer_from_js(answer).map_err(to_js_error)?))
    }
}

/// The result of an SMS the host delivered without a provider: kept (the
/// dev inbox), or a transport of its own that threw.
#[wasm_bindgen(js_name = hostResult, unchecked_return_type = "Delivery")]
pub fn host_result(
    #[wasm_bindgen(unchecked_param_type = "Answer")] answer: JsValue,
) -> JsResult<JsValue> {
    to_js(&provider::result(None, &answer_from_js(answer).map_err(to_js_error)?))
}

/// Where the provider's message id of the code stored under `storageKey`
/// is kept for feedback (null for a key that is not a record's).
#[wasm_bindgen(js_name = feedbackKey)]
pub fn feedback_key(#[wasm_bindgen(js_name = storageKey)] storage_key: &str) -> Option<String> {
    crate::feedback::feedback_key(storage_key)
}

/// Checks a URL setting as a provider will, so that an error can name the
/// variable it was read from; never repeats the URL.
#[wasm_bindgen(js_name = checkUrlSetting)]
pub fn check_url_setting(name: &str, url: &str) -> JsResult<()> {
    Url::parse(name, url).map(drop).map_err(to_js_error)
}

// Tagged objects are read in two passes, the `kind` and then the members as
// that kind's: JS objects can be read twice, and serde's one-pass reading of
// internally tagged enums would add its buffering of every value to the
// wasm. The kinds are those of the core's enums (tests/js/transports/ sends
// each one).

/// The `kind` of a tagged object.
fn kind_from_js<K: DeserializeOwned>(value: &JsValue, what: &str) -> Result<K, Error> {
    let kind = member(value, "kind");
    if kind.is_undefined() {
        return Err(Error::new(
            Exception::InternalServerError,
            format!("{what}: missing field `kind`."),
        ));
    }
    from_js(kind, what)
}

/// `ProviderSettings`' kinds.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum SettingsKind {
    Webhook,
    Twilio,
    AwsSms,
}

fn settings_from_js(value: JsValue) -> Result<ProviderSettings, Error> {
    const WHAT: &str = "The SMS provider settings";
    Ok(match kind_from_js(&value, WHAT)? {
        SettingsKind::Webhook => ProviderSettings::Webhook(from_js(value, WHAT)?),
        SettingsKind::Twilio => ProviderSettings::Twilio(from_js(value, WHAT)?),
        SettingsKind::AwsSms => ProviderSettings::AwsSms(from_js(value, WHAT)?),
    })
}

/// `Answer`'s kinds.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum AnswerKind {
    Http,
    Timeout,
    NetworkError,
    TransportError,
    Kept,
}

fn answer_from_js(value: JsValue) -> Result<Answer, Error> {
    const WHAT: &str = "The provider's answer";
    Ok(match kind_from_js(&value, WHAT)? {
        AnswerKind::Http => Answer::Http(from_js(value, WHAT)?),
        AnswerKind::Timeout => Answer::Timeout,
        AnswerKind::NetworkError => Answer::NetworkError,
        AnswerKind::TransportError => Answer::TransportError,
        AnswerKind::Kept => {
            Answer::Kept { message_id: from_js(member(&value, "messageId"), WHAT)? }
        }
    })
}

fn member(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or_default()
}

/// A host object read into `T`. A host that passes the wrong shape has a
/// bug: an internal error that never repeats a value (settings hold
/// credentials, an SMS a phone number and a code).
fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, Error> {
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        let detail = e.to_string();
        // serde words these with names only.
        let message =
            if detail.starts_with("missing field") || detail.starts_with("unknown variant") {
                format!("{what}: {detail}.")
            } else {
                format!("{what} has a member of the wrong type.")
            };
        Error::new(Exception::InternalServerError, message)
    })
}
