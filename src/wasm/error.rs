//! Every error crosses into JS here, and the host learns from here which
//! exceptions exist.

use crate::error::{Error, Exception};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// An `Error` whose `name` is the Pinpoint exception, with `status` and,
/// when a parameter is at fault, `field`.
pub fn to_js_error(e: Error) -> JsValue {
    let js = js_sys::Error::new(&e.message);
    js.set_name(e.exception.name());
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&js, &JsValue::from_str(k), &v);
    let _ = set("status", JsValue::from(e.exception.status()));
    if let Some(field) = e.field {
        let _ = set("field", JsValue::from_str(field));
    }
    js.into()
}

#[derive(Serialize)]
struct ExceptionInfo {
    name: &'static str,
    status: u16,
}

/// Pinpoint's exceptions with their HTTP statuses: the only names a
/// `PinpointError` may carry.
#[wasm_bindgen(unchecked_return_type = "{ name: PinpointExceptionName; status: number }[]")]
pub fn exceptions() -> JsValue {
    let all: Vec<ExceptionInfo> = Exception::ALL
        .iter()
        .map(|e| ExceptionInfo { name: e.name(), status: e.status() })
        .collect();
    super::to_js(&all).expect("a list of names serializes")
}

#[wasm_bindgen(typescript_custom_section)]
const EXCEPTION_NAMES: &str = r#"
export type PinpointExceptionName =
  | "BadRequestException" | "ForbiddenException" | "NotFoundException"
  | "MethodNotAllowedException" | "PayloadTooLargeException"
  | "TooManyRequestsException" | "InternalServerErrorException";
"#;
