//! AWS Signature Version 4 for JS hosts: checking incoming requests and
//! signing outgoing ones.

use super::error::to_js_error;
use super::{now, to_js, JsResult};
use crate::replay;
use crate::sigv4;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A request whose signature checked out: who signed it, the signature,
/// and when it says it was signed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct VerifiedSignature {
    access_key_id: String,
    /// The region of the credential scope (the ARNs of `sms-voice` answers name it).
    region: String,
    signature: String,
    signed_at_ms: u64,
}

/// Header lists cross as flat `[name, value, name, value, …]` arrays.
fn header_pairs(flat: &[String]) -> Vec<(&str, &str)> {
    flat.chunks_exact(2).map(|pair| (pair[0].as_str(), pair[1].as_str())).collect()
}

/// Checks an incoming request's SigV4 signature for `service`, looking up
/// secrets among `accessKeyIds` and `secretAccessKeys` (same order).
/// Answers who signed, with the signature; throws ForbiddenException worded
/// as AWS words it.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = verifySignature, unchecked_return_type = "VerifiedSignature")]
pub fn verify_signature(
    method: &str,
    path: &str,
    query: &str,
    headers: Vec<String>,
    body: &[u8],
    service: &str,
    #[wasm_bindgen(js_name = accessKeyIds)] access_key_ids: Vec<String>,
    #[wasm_bindgen(js_name = secretAccessKeys)] secret_access_keys: Vec<String>,
    #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
) -> JsResult<JsValue> {
    let now_ms = now(now_ms)?;
    let headers = header_pairs(&headers);
    let request = sigv4::Request { method, path, query, headers: &headers, body };
    let lookup = |id: &str| {
        let i = access_key_ids.iter().position(|known| known == id)?;
        secret_access_keys.get(i).cloned()
    };
    let v = sigv4::verify(&request, service, now_ms, lookup).map_err(to_js_error)?;
    to_js(&VerifiedSignature {
        access_key_id: v.access_key_id,
        region: v.region,
        signature: v.signature,
        signed_at_ms: v.signed_at_ms,
    })
}

/// The hosts a deployment answers to (`ALLOWED_HOSTS`, or the loopback
/// names in development).
#[wasm_bindgen]
pub struct AllowedHosts(replay::AllowedHosts);

#[wasm_bindgen]
impl AllowedHosts {
    /// Reads `ALLOWED_HOSTS`: comma-separated hostnames, each with an
    /// optional port; throws BadRequestException naming a bad entry.
    #[wasm_bindgen(constructor)]
    pub fn new(setting: &str) -> JsResult<AllowedHosts> {
        replay::AllowedHosts::parse(setting).map(AllowedHosts).map_err(to_js_error)
    }

    /// `127.0.0.1`, `localhost` and `[::1]`, any port.
    pub fn loopback() -> AllowedHosts {
        AllowedHosts(replay::AllowedHosts::loopback())
    }

    /// Whether a request signed with this `host` header is for this deployment.
    pub fn allows(&self, host: &str) -> bool {
        self.0.allows(host)
    }
}

/// Whether a signed `host` header names the host of the request's own URL:
/// the rule when a deployment sets no `ALLOWED_HOSTS`.
#[wasm_bindgen(js_name = sameHost)]
pub fn same_host(host: &str, url_host: &str) -> bool {
    replay::same_host(host, url_host)
}

/// Throws the ForbiddenException of a request signed for another host.
#[wasm_bindgen(js_name = refuseHost)]
pub fn refuse_host(host: &str) -> JsResult<()> {
    Err(to_js_error(replay::wrong_host(host)))
}

/// Throws the ForbiddenException of a signature used before.
#[wasm_bindgen(js_name = refuseReplay)]
pub fn refuse_replay() -> JsResult<()> {
    Err(to_js_error(replay::replayed()))
}

/// Signs an outgoing request to an AWS service; answers the headers to add,
/// flat as `[name, value, …]`.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(
    method: &str,
    host: &str,
    path: &str,
    query: &str,
    headers: Vec<String>,
    body: &[u8],
    #[wasm_bindgen(js_name = accessKeyId)] access_key_id: &str,
    #[wasm_bindgen(js_name = secretAccessKey)] secret_access_key: &str,
    #[wasm_bindgen(js_name = sessionToken)] session_token: Option<String>,
    region: &str,
    service: &str,
    #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
) -> JsResult<Vec<String>> {
    let now_ms = now(now_ms)?;
    let headers = header_pairs(&headers);
    let request = sigv4::Request { method, path, query, headers: &headers, body };
    let amz_date = sigv4::amz_date_from_ms(now_ms);
    let signed = sigv4::sign(
        &request,
        host,
        &sigv4::SigningParams {
            access_key_id,
            secret_access_key,
            session_token: session_token.as_deref(),
            region,
            service,
            amz_date: &amz_date,
            normalize_path: true,
        },
    )
    .map_err(to_js_error)?;
    Ok(signed.into_iter().flat_map(|(name, value)| [name.to_owned(), value]).collect())
}
