//! Requests from JS: an object (read by serde-wasm-bindgen into the same
//! request type an HTTP body is read into), or JSON text as a string or
//! bytes (an HTTP body, read by serde_json).
//!
//! An object's members are read as [`JsMember`]s: only what the rules look
//! at (a string's text, a number, the kind of anything else), so nested
//! values are never copied into Rust.

use crate::body;
use crate::error::Error;
use crate::member::{Input, Member};
use crate::params::{
    SendOtpMessageRequest, SendOtpParameters, VerifyOtpMessageRequest, VerifyOtpParameters,
};
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// Reads `parameters` into a request type: `Json` for text, `Js` for objects.
fn read<Json: DeserializeOwned, Js: DeserializeOwned>(
    parameters: &JsValue,
) -> Result<Request<Json, Js>, Error> {
    if let Some(text) = parameters.as_string() {
        return body::from_json(text.as_bytes()).map(Request::Json);
    }
    if let Some(bytes) = parameters.dyn_ref::<js_sys::Uint8Array>() {
        return body::from_json(&bytes.to_vec()).map(Request::Json);
    }
    if parameters.is_object() && !js_sys::Array::is_array(parameters) {
        return serde_wasm_bindgen::from_value(parameters.clone())
            .map(Request::Js)
            .map_err(|e| Error::bad_request(format!("The parameters could not be read: {e}")));
    }
    let value: Option<JsMember> = serde_wasm_bindgen::from_value(parameters.clone()).ok().flatten();
    Err(body::not_an_object(&value.map_or("null".to_owned(), |v| v.input().describe())))
}

enum Request<Json, Js> {
    Json(Json),
    Js(Js),
}

/// SendOtpMessage parameters from JS, checked (`extended_languages`: see
/// [`SendOtpParameters::check`]).
pub fn send_parameters(
    parameters: &JsValue,
    extended_languages: bool,
) -> Result<SendOtpParameters, Error> {
    match read::<SendOtpMessageRequest, SendOtpMessageRequest<JsMember>>(parameters)? {
        Request::Json(r) => SendOtpParameters::check(&r, extended_languages),
        Request::Js(r) => SendOtpParameters::check(&r, extended_languages),
    }
}

/// SendOtpMessage parameters from JS, checked field by field (for forms).
pub fn send_parameters_all(
    parameters: &JsValue,
    extended_languages: bool,
) -> Result<SendOtpParameters, Vec<Error>> {
    match read::<SendOtpMessageRequest, SendOtpMessageRequest<JsMember>>(parameters) {
        Err(e) => Err(vec![e]),
        Ok(Request::Json(r)) => SendOtpParameters::check_all(&r, extended_languages),
        Ok(Request::Js(r)) => SendOtpParameters::check_all(&r, extended_languages),
    }
}

/// VerifyOtpMessage parameters from JS, checked.
pub fn verify_parameters(parameters: &JsValue) -> Result<VerifyOtpParameters, Error> {
    match read::<VerifyOtpMessageRequest, VerifyOtpMessageRequest<JsMember>>(parameters)? {
        Request::Json(r) => VerifyOtpParameters::check(&r),
        Request::Js(r) => VerifyOtpParameters::check(&r),
    }
}

/// A member of a JS object, as the rules see it.
#[derive(Debug)]
pub enum JsMember {
    String(String),
    Number(f64),
    Bool(bool),
    Array,
    Object,
}

impl Member for JsMember {
    fn input(&self) -> Input<'_> {
        match self {
            JsMember::String(s) => Input::String(Cow::Borrowed(s)),
            // As JS writes it (`6.5`, `1e+300`): the client wrote it in JS.
            JsMember::Number(n) => Input::Number(Cow::Owned(
                js_sys::Number::from(*n)
                    .to_string_with_radix(10)
                    .map(String::from)
                    .unwrap_or_default(),
            )),
            JsMember::Bool(b) => Input::Bool(*b),
            JsMember::Array => Input::Array,
            JsMember::Object => Input::Object,
        }
    }
}

impl<'de> Deserialize<'de> for JsMember {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<JsMember, D::Error> {
        deserializer.deserialize_any(JsMemberVisitor)
    }
}

struct JsMemberVisitor;

impl<'de> Visitor<'de> for JsMemberVisitor {
    type Value = JsMember;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<JsMember, E> {
        Ok(JsMember::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<JsMember, E> {
        Ok(JsMember::Number(n as f64))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<JsMember, E> {
        Ok(JsMember::Number(n as f64))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<JsMember, E> {
        Ok(JsMember::Number(n))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<JsMember, E> {
        Ok(JsMember::String(s.to_owned()))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<JsMember, E> {
        Ok(JsMember::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsMember, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(JsMember::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsMember, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(JsMember::Object)
    }
}
