//! The JavaScript boundary: the only module that knows about wasm-bindgen,
//! one file per exported concept.
//!
//! Structured values cross as JS objects through serde-wasm-bindgen in both
//! directions; their TypeScript declarations are generated from the Rust
//! types (tsify) into `pkg/wasm/edge_otp.d.ts`. Every failure leaves as a JS
//! `Error` made in one place (`error::to_js_error`); `pkg/engine.js` turns
//! it into the package's `PinpointError`.

mod decision;
mod engine;
mod error;
mod message;
mod protect;
mod provider;
mod request;
mod sending;
mod signature;
mod verification;

pub use engine::Engine;
pub use error::exceptions;
pub use message::{languages, render, validate};
pub use protect::{protect_error, ProtectCall};
pub use provider::{check_url_setting, feedback_key, host_result, Provider};
pub use sending::Sending;
pub use signature::{
    refuse_host, refuse_replay, same_host, sign_request, verify_signature, AllowedHosts,
};
pub use verification::Verification;

use crate::error::{Error, Exception};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

type JsResult<T> = Result<T, JsValue>;

/// Objects, not `Map`s, for the structs and maps that cross; `None` as null
/// (optional members that may be absent are skipped instead).
const SERIALIZER: serde_wasm_bindgen::Serializer = serde_wasm_bindgen::Serializer::new()
    .serialize_maps_as_objects(true)
    .serialize_missing_as_null(true);

/// A Rust value as a JS object.
fn to_js<T: Serialize>(value: &T) -> JsResult<JsValue> {
    value
        .serialize(&SERIALIZER)
        .map_err(|e| error::to_js_error(Error::new(Exception::InternalServerError, e.to_string())))
}

/// The host's clock reading; anything else is a host bug.
fn now(now_ms: f64) -> JsResult<u64> {
    if (0.0..=9_007_199_254_740_991.0).contains(&now_ms) {
        Ok(now_ms as u64)
    } else {
        Err(error::to_js_error(Error::new(
            Exception::InternalServerError,
            "nowMs must be a whole number of milliseconds since the epoch",
        )))
    }
}

/// An options object (absent: the defaults); a malformed one is the host's bug.
fn options<T: DeserializeOwned + Default>(value: JsValue, of: &str) -> JsResult<T> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        error::to_js_error(Error::new(
            Exception::InternalServerError,
            format!("{of} options could not be read: {}", js_message(e)),
        ))
    })
}

/// A serde-wasm-bindgen error's message; it is a JS Error, whose text would
/// start with "Error: ".
fn js_message(e: serde_wasm_bindgen::Error) -> String {
    js_sys::Error::from(JsValue::from(e)).message().into()
}
