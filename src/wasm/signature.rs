//! AWS Signature Version 4 for JS hosts: checking incoming requests and
//! signing outgoing ones.

use super::error::to_js_error;
use super::{now, JsResult};
use crate::sigv4;
use wasm_bindgen::prelude::*;

/// Header lists cross as flat `[name, value, name, value, …]` arrays.
fn header_pairs(flat: &[String]) -> Vec<(&str, &str)> {
    flat.chunks_exact(2).map(|pair| (pair[0].as_str(), pair[1].as_str())).collect()
}

/// Checks an incoming request's SigV4 signature for `service`, looking up
/// secrets among `accessKeyIds` and `secretAccessKeys` (same order).
/// Answers the access key id that signed; throws ForbiddenException worded
/// as AWS words it.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = verifySignature)]
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
) -> JsResult<String> {
    let now_ms = now(now_ms)?;
    let headers = header_pairs(&headers);
    let request = sigv4::Request { method, path, query, headers: &headers, body };
    let lookup = |id: &str| {
        let i = access_key_ids.iter().position(|known| known == id)?;
        secret_access_keys.get(i).cloned()
    };
    let signer = sigv4::verify(&request, service, now_ms, lookup).map_err(to_js_error)?;
    Ok(signer.access_key_id)
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
