//! The protect-configuration API for JS hosts: a request checked once, then
//! a step per compare-and-swap round on the stored rule set; every answer,
//! errors included, made here in the JSON 1.0 protocol's shapes.

use super::engine::Shared;
use super::{now, to_js, JsResult};
use crate::error::{Error, Exception};
use crate::protect::document::{self, os_random};
use crate::protect::operations;
use crate::protect::protocol::{ApiError, ProtectResponse};
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// One request of the protect-configuration API, checked (or already refused).
#[wasm_bindgen]
pub struct ProtectCall {
    shared: Rc<Shared>,
    call: Result<operations::ProtectCall, ApiError>,
    request_id: String,
}

/// What one round asks: write `write` (compare-and-swap against what was
/// read) when there is one, then answer `response`.
#[derive(Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct ProtectStep {
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    write: Option<RuleSetWrite>,
    response: ProtectResponse,
}

/// A rule set to store under the call's `storageKey`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct RuleSetWrite {
    document: String,
    ttl_seconds: u32,
}

impl ProtectCall {
    pub(super) fn new(
        shared: Rc<Shared>,
        target: Option<&str>,
        body: &[u8],
        region: &str,
        served: Option<&[String]>,
        request_id: String,
    ) -> ProtectCall {
        let call = operations::ProtectCall::check(target, body, served, region);
        ProtectCall { shared, call, request_id }
    }
}

#[wasm_bindgen]
impl ProtectCall {
    /// Where the configuration's rule set is stored; null when the request
    /// is refused already (then `step(null)` answers the refusal).
    #[wasm_bindgen(getter, js_name = storageKey)]
    pub fn storage_key(&self) -> Option<String> {
        self.call.as_ref().ok().map(operations::ProtectCall::storage_key)
    }

    /// The round for the rule set read under `storageKey` (null when none).
    #[wasm_bindgen(unchecked_return_type = "ProtectStep")]
    pub fn step(
        &self,
        stored: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let outcome = self.call.as_ref().map_err(Clone::clone).and_then(|call| {
            let app = &call.configuration.application_id;
            let policy = &self.shared.policy.rules(app).rule_set;
            call.apply(&self.shared.secrets, policy, stored.as_deref(), now_ms, &mut os_random)
        });
        let step = match outcome {
            Ok(o) => ProtectStep {
                write: o
                    .write
                    .map(|document| RuleSetWrite { document, ttl_seconds: document::TTL_SECONDS }),
                response: o.response,
            },
            Err(e) => ProtectStep { write: None, response: e.response(&self.request_id) },
        };
        to_js(&step)
    }
}

/// The answer, in the JSON 1.0 protocol's shapes, to a request of the
/// protect-configuration API the host refused itself: `name` and `message`
/// of its PinpointError (a signature refused, a body too large, the store
/// down), as the exception of the service model it corresponds to.
#[wasm_bindgen(js_name = protectError, unchecked_return_type = "ProtectResponse")]
pub fn protect_error(
    name: &str,
    message: &str,
    #[wasm_bindgen(js_name = requestId)] request_id: &str,
) -> JsResult<JsValue> {
    let exception = Exception::from_name(name).unwrap_or(Exception::InternalServerError);
    to_js(&ApiError::from_error(&Error::new(exception, message)).response(request_id))
}
