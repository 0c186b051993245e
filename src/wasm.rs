//! The JavaScript boundary: the only module that knows about wasm-bindgen.
//!
//! Structured values cross as JSON text, one string each way per call: a
//! single crossing is much cheaper than building JS objects field by field.
//! The hand-written `pkg/engine.js` turns them back into objects. Every
//! failure leaves here as a JS `Error` whose `name` is the Pinpoint exception
//! and which carries `status` and `field`, made in one place ([`to_js_error`]).

use crate::code::Entropy;
use crate::error::{Error, Exception};
use crate::json::{self, Writer};
use crate::otp::{self, Action};
use crate::params::{self, SendOtpParameters, VerifyOtpParameters};
use crate::record::Secret;
use crate::sigv4;
use crate::template::{self, Language};
use crate::value::Body;
use wasm_bindgen::prelude::*;

type JsResult<T> = Result<T, JsValue>;

/// Every error crosses into JS here.
fn to_js_error(e: Error) -> JsValue {
    let js = js_sys::Error::new(&e.message);
    js.set_name(e.exception.name());
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&js, &JsValue::from_str(k), &v);
    let _ = set("status", JsValue::from(e.exception.status()));
    if let Some(field) = e.field {
        let _ = set("field", JsValue::from_str(field));
    }
    js.into()
}

/// The host's clock reading; anything else is a host bug.
fn now(now_ms: f64) -> JsResult<u64> {
    if (0.0..=9_007_199_254_740_991.0).contains(&now_ms) {
        Ok(now_ms as u64)
    } else {
        Err(to_js_error(Error::new(
            Exception::InternalServerError,
            "nowMs must be a whole number of milliseconds since the epoch",
        )))
    }
}

/// SendOTPMessageRequestParameters as checked, defaults filled in.
fn checked_parameters(p: &SendOtpParameters) -> String {
    Writer::object()
        .string("Channel", "SMS")
        .string("BrandName", &p.brand_name)
        .number("CodeLength", p.code_length.into())
        .number("ValidityPeriod", p.validity_period.into())
        .number("AllowedAttempts", p.allowed_attempts.into())
        .string("Language", p.language.tag())
        .string("OriginationIdentity", &p.origination_identity)
        .string("DestinationIdentity", &p.destination_identity)
        .string("ReferenceId", &p.reference_id)
        .optional_string("EntityId", p.entity_id.as_deref())
        .optional_string("TemplateId", p.template_id.as_deref())
        .finish()
}

/// Checks SendOtpMessage parameters (JSON text), answering every broken rule,
/// one per field, instead of throwing: for forms that show errors as typed.
#[wasm_bindgen]
pub fn validate(parameters: &str) -> String {
    let checked = Body::from_json(parameters)
        .map_err(|e| vec![e])
        .and_then(|body| SendOtpParameters::check_all(&body));
    match checked {
        Ok(p) => {
            Writer::object().raw("parameters", &checked_parameters(&p)).raw("errors", "[]").finish()
        }
        Err(errors) => Writer::object()
            .raw("parameters", "null")
            .raw(
                "errors",
                &json::array(errors.iter().map(|e| {
                    Writer::object()
                        .raw("field", &e.field.map_or("null".to_owned(), json::string))
                        .string("message", &e.message)
                        .finish()
                })),
            )
            .finish(),
    }
}

/// The SMS text for a code and brand in one of the 13 languages.
#[wasm_bindgen]
pub fn render(
    language: &str,
    otp: &str,
    #[wasm_bindgen(js_name = brandName)] brand_name: &str,
) -> JsResult<String> {
    let language = Language::from_tag(language).ok_or_else(|| {
        to_js_error(Error::bad_field(
            params::LANGUAGE,
            format!("Unknown Language {}", crate::value::quote(language)),
        ))
    })?;
    let m = template::render(language, otp, brand_name);
    Ok(Writer::object()
        .string("body", &m.body)
        .string("encoding", m.encoding.name())
        .number("segments", m.segments.into())
        .finish())
}

/// The 13 languages, each with its own name and template.
#[wasm_bindgen]
pub fn languages() -> String {
    json::array(Language::ALL.iter().map(|l| {
        Writer::object()
            .string("tag", l.tag())
            .string("nativeName", l.native_name())
            .string("template", l.template())
            .finish()
    }))
}

/// SendOtpMessage and VerifyOtpMessage under one secret. Holds no OTP state:
/// records go to and come from the host's store.
#[wasm_bindgen]
pub struct Engine {
    secret: Secret,
    /// Random bytes drawn a few hundred at a time: each draw crosses into
    /// Web Crypto. Filled on first use, never while the module loads.
    entropy: Entropy,
}

#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new(secret: &str) -> JsResult<Engine> {
        let secret = Secret::new(secret.as_bytes()).map_err(to_js_error)?;
        Ok(Engine { secret, entropy: Entropy::new() })
    }

    /// Checks the parameters (JSON text), draws a code, and says what to
    /// store and what to send.
    pub fn send(
        &mut self,
        application_id: &str,
        parameters: &str,
        now_ms: f64,
    ) -> JsResult<String> {
        let now_ms = now(now_ms)?;
        let body = Body::from_json(parameters).map_err(to_js_error)?;
        let p = SendOtpParameters::from_body(&body).map_err(to_js_error)?;
        let s = otp::send(&self.secret, application_id, &p, now_ms, &mut self.entropy)
            .map_err(to_js_error)?;
        let sms = &s.sms;
        let sms_json = Writer::object()
            .string("messageId", &sms.message_id)
            .string("to", &sms.to)
            .string("from", &sms.from)
            .string("originationKind", sms.origination_kind.name())
            .string("body", &sms.body)
            .string("encoding", sms.encoding.name())
            .number("segments", sms.segments.into())
            .optional_string("entityId", sms.entity_id.as_deref())
            .optional_string("templateId", sms.template_id.as_deref())
            .finish();
        Ok(Writer::object()
            .string("storageKey", &s.storage_key)
            .string("record", &s.record)
            .number("ttlSeconds", s.ttl_seconds.into())
            .number("expiresAtMs", s.expires_at_ms)
            .raw("sms", &sms_json)
            .finish())
    }

    /// The storage key of a request's record, from the ReferenceId and
    /// DestinationIdentity in its parameters (JSON text, send or verify).
    #[wasm_bindgen(js_name = storageKey)]
    pub fn storage_key(&self, application_id: &str, parameters: &str) -> JsResult<String> {
        otp::check_application_id(application_id).map_err(to_js_error)?;
        let body = Body::from_json(parameters).map_err(to_js_error)?;
        let (reference_id, destination) = params::record_address(&body).map_err(to_js_error)?;
        Ok(self.secret.storage_key(application_id, &reference_id, &destination))
    }

    /// The verify transition: the answer, and what to do to the record read
    /// under the storage key (`record` is absent when there was none).
    pub fn verify(
        &self,
        application_id: &str,
        parameters: &str,
        record: Option<String>,
        now_ms: f64,
    ) -> JsResult<String> {
        let now_ms = now(now_ms)?;
        let body = Body::from_json(parameters).map_err(to_js_error)?;
        let p = VerifyOtpParameters::from_body(&body).map_err(to_js_error)?;
        let v = otp::verify(&self.secret, application_id, &p, record.as_deref(), now_ms)
            .map_err(to_js_error)?;
        let mut out = Writer::object();
        out.bool("valid", v.valid)
            .string("reason", v.reason.name())
            .number("attemptsLeft", v.attempts_left.into());
        match &v.action {
            Action::Keep => out.string("action", "keep"),
            Action::Delete => out.string("action", "delete"),
            Action::Write { record, ttl_seconds } => out
                .string("action", "write")
                .string("record", record)
                .number("ttlSeconds", (*ttl_seconds).into()),
        };
        Ok(out.finish())
    }
}

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

/// An `Error` for the exception named (e.g. `NotFoundException`), made like
/// every other error of the core, for failures the host detects itself.
#[wasm_bindgen(js_name = pinpointError)]
pub fn pinpoint_error(name: &str, message: &str) -> JsValue {
    let exception = Exception::from_name(name).unwrap_or(Exception::InternalServerError);
    to_js_error(Error::new(exception, message))
}

/// What an SMS provider's answer means for Pinpoint's result:
/// `{DeliveryStatus, StatusCode, StatusMessage}` as JSON text. `outcome` is
/// `http` (with `httpStatus`, and the provider's error code and message id
/// when its body had them), `timeout` or `network-error`.
#[wasm_bindgen(js_name = deliveryStatus)]
pub fn delivery_status(
    provider: &str,
    outcome: &str,
    #[wasm_bindgen(js_name = httpStatus)] http_status: u16,
    #[wasm_bindgen(js_name = errorCode)] error_code: Option<String>,
    #[wasm_bindgen(js_name = messageId)] message_id: Option<String>,
) -> JsResult<String> {
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
    let d = delivery::delivery(provider, answer);
    Ok(Writer::object()
        .string("DeliveryStatus", d.status.name())
        .number("StatusCode", d.status_code.into())
        .string("StatusMessage", &d.status_message)
        .finish())
}
