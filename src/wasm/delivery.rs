//! What an SMS provider's answer means in Pinpoint's terms.

use super::error::to_js_error;
use super::{to_js, JsResult};
use crate::error::{Error, Exception};
use wasm_bindgen::prelude::*;

/// What an SMS provider's answer means for Pinpoint's result:
/// `{DeliveryStatus, StatusCode, StatusMessage}`. `outcome` is
/// `http` (with `httpStatus`, and the provider's error code and message id
/// when its body had them), `timeout` or `network-error`.
#[wasm_bindgen(js_name = deliveryStatus, unchecked_return_type = "Delivery")]
pub fn delivery_status(
    provider: &str,
    outcome: &str,
    #[wasm_bindgen(js_name = httpStatus)] http_status: u16,
    #[wasm_bindgen(js_name = errorCode)] error_code: Option<String>,
    #[wasm_bindgen(js_name = messageId)] message_id: Option<String>,
) -> JsResult<JsValue> {
    use crate::delivery::{self, Answer, Provider};
    let host_bug = |what: &str| to_js_error(Error::new(Exception::InternalServerError, what));
    let provider = Provider::from_name(provider).ok_or_else(|| host_bug("unknown SMS provider"))?;
    let answer = match outcome {
        "http" => Answer::Http {
            status: http_status,
            error_code: error_code.as_deref(),
            message_id: message_id.as_deref(),
        },
        "timeout" => Answer::Timeout,
        "network-error" => Answer::NetworkError,
        _ => return Err(host_bug("outcome must be http, timeout or network-error")),
    };
    to_js(&delivery::delivery(provider, answer))
}
