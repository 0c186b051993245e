//! The verifier of incoming requests: the Authorization header parsed, the
//! scope, time and body hash checked, then the signature compared.

use super::canonical::sort_small;
use super::date::{amz_date_from_ms, ms_from_amz_date, ms_from_http_date};
use super::sign::{compute_signature, Scope};
use super::{Request, ALGORITHM, TERMINATOR};
use crate::error::Error;
use crate::hash::{constant_time_eq, hex, sha256};

/// How far a request's time may be from now, in either direction.
pub const MAX_CLOCK_SKEW_MS: u64 = 15 * 60 * 1000;

/// Who signed an accepted request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The access key ID the request was signed with.
    pub access_key_id: String,
    /// The region of its credential scope.
    pub region: String,
    /// The request's signature (hex), for refusing it a second time.
    pub signature: String,
    /// When the request says it was signed (ms since the epoch).
    pub signed_at_ms: u64,
}

/// Checks an incoming request's SigV4 Authorization header for `service`
/// (any region) at `now_ms`; `lookup` maps an access key id to its secret.
/// Every failure is a ForbiddenException worded as AWS words it.
pub fn verify(
    req: &Request,
    service: &str,
    now_ms: u64,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Verified, Error> {
    let header = req.header("authorization").ok_or_else(|| forbidden(MISSING_TOKEN))?;
    let date_header = req.header("x-amz-date").or_else(|| req.header("date"));
    let auth = parse_authorization(header, date_header.is_some())?;
    let credential = parse_credential(auth.credential)?;
    let (amz_date, request_ms) = request_time(date_header.unwrap_or_default())?;
    check_scope(&credential, service, &amz_date)?;
    let signed_headers = parse_signed_headers(auth.signed_headers)?;
    if signed_headers.len() > MAX_SIGNED_ITEMS || req.query.split('&').count() > MAX_SIGNED_ITEMS {
        return Err(forbidden("The request has too many query parameters or signed headers."));
    }
    check_clock_skew(&amz_date, request_ms, now_ms)?;
    let secret = lookup(credential.access_key_id).ok_or_else(|| forbidden(INVALID_TOKEN))?;
    check_declared_payload_hash(req)?;

    let scope = Scope { date: credential.date, region: credential.region, service };
    let expected = compute_signature(req, &signed_headers, true, &amz_date, &scope, &secret);
    if !constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        return Err(forbidden(SIGNATURE_MISMATCH));
    }
    Ok(Verified {
        access_key_id: credential.access_key_id.to_string(),
        region: credential.region.to_string(),
        signature: expected,
        signed_at_ms: request_ms,
    })
}

const MISSING_TOKEN: &str = "Missing Authentication Token";
const INVALID_TOKEN: &str = "The security token included in the request is invalid.";
const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the \
    signature you provided. Check your AWS Secret Access Key and signing method. Consult the \
    service documentation for details.";

fn forbidden(message: impl Into<String>) -> Error {
    Error::forbidden(message)
}

/// The three parameters of `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
struct Authorization<'a> {
    credential: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

/// Splits the header; whatever is missing (including a date header) is
/// reported together. Under another scheme every parameter counts as missing.
fn parse_authorization(header: &str, has_date: bool) -> Result<Authorization<'_>, Error> {
    let (scheme, params) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
    let param = |key: &str| {
        if scheme != ALGORITHM {
            return None;
        }
        params
            .split(',')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let (credential, signature, signed_headers) =
        (param("Credential"), param("Signature"), param("SignedHeaders"));

    let mut missing = Vec::new();
    if credential.is_none() {
        missing.push("Authorization header requires 'Credential' parameter.");
    }
    if signature.is_none() {
        missing.push("Authorization header requires 'Signature' parameter.");
    }
    if signed_headers.is_none() {
        missing.push("Authorization header requires 'SignedHeaders' parameter.");
    }
    if !has_date {
        missing.push(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        );
    }
    match (credential, signed_headers, signature) {
        (Some(credential), Some(signed_headers), Some(signature)) if has_date => {
            Ok(Authorization { credential, signed_headers, signature })
        }
        _ => Err(forbidden(missing.join(" "))),
    }
}

/// `AKID/YYYYMMDD/region/service/aws4_request`.
struct Credential<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    terminator: &'a str,
}

fn parse_credential(credential: &str) -> Result<Credential<'_>, Error> {
    match credential.split('/').collect::<Vec<_>>()[..] {
        [access_key_id, date, region, service, terminator] => {
            Ok(Credential { access_key_id, date, region, service, terminator })
        }
        _ => Err(forbidden(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. \
             keyid/date/region/service/term, got '{credential}'"
        ))),
    }
}

fn check_scope(credential: &Credential, service: &str, amz_date: &str) -> Result<(), Error> {
    if credential.region.is_empty() {
        return Err(forbidden("Credential should be scoped to a valid region, not ''. "));
    }
    if credential.service != service {
        return Err(forbidden(format!(
            "Credential should be scoped to correct service: '{service}'. "
        )));
    }
    if credential.terminator != TERMINATOR {
        return Err(forbidden(format!(
            "Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{}'. ",
            credential.terminator
        )));
    }
    if credential.date != &amz_date[..8] {
        return Err(forbidden(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
             from HTTP: '{}' != '{}', from '{amz_date}'.",
            credential.date,
            &amz_date[..8]
        )));
    }
    Ok(())
}

/// More query parameters or signed headers than any AWS client sends; a
/// bound keeps the cost of checking a hostile request small.
const MAX_SIGNED_ITEMS: usize = 100;

/// Normalized like the signer's; Host must be among them, as AWS requires.
fn parse_signed_headers(list: &str) -> Result<Vec<String>, Error> {
    let mut names: Vec<String> =
        list.split(';').map(|n| n.trim().to_ascii_lowercase()).filter(|n| !n.is_empty()).collect();
    sort_small(&mut names);
    names.dedup();
    if !names.iter().any(|n| n == "host") {
        return Err(forbidden(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    Ok(names)
}

/// The request time in SigV4 form and in milliseconds, from X-Amz-Date or
/// else Date, which may also be an HTTP date ("Sun, 30 Aug 2015 12:36:00 GMT").
fn request_time(value: &str) -> Result<(String, u64), Error> {
    let value = value.trim();
    if let Some(ms) = ms_from_amz_date(value) {
        return Ok((value.to_string(), ms));
    }
    match ms_from_http_date(value) {
        Some(ms) => Ok((amz_date_from_ms(ms), ms)),
        None => Err(forbidden(format!(
            "Date must be in ISO-8601 'basic format'. Got '{value}'. See \
             http://en.wikipedia.org/wiki/ISO_8601"
        ))),
    }
}

/// At most [`MAX_CLOCK_SKEW_MS`] either way; exactly that much is accepted.
fn check_clock_skew(amz_date: &str, request_ms: u64, now_ms: u64) -> Result<(), Error> {
    let now = amz_date_from_ms(now_ms);
    if request_ms.saturating_add(MAX_CLOCK_SKEW_MS) < now_ms {
        let earliest = amz_date_from_ms(now_ms - MAX_CLOCK_SKEW_MS);
        return Err(forbidden(format!(
            "Signature expired: {amz_date} is now earlier than {earliest} ({now} - 15 min.)"
        )));
    }
    if request_ms > now_ms.saturating_add(MAX_CLOCK_SKEW_MS) {
        let latest = amz_date_from_ms(now_ms + MAX_CLOCK_SKEW_MS);
        return Err(forbidden(format!(
            "Signature not yet current: {amz_date} is still later than {latest} ({now} + 15 min.)"
        )));
    }
    Ok(())
}

/// A declared body hash stands in for the body in the canonical request, so
/// it must be the body's real hash, or a captured signature could carry a
/// different body. ("UNSIGNED-PAYLOAD" is refused the same way.)
fn check_declared_payload_hash(req: &Request) -> Result<(), Error> {
    match req.header("x-amz-content-sha256") {
        Some(declared) if declared.trim() != hex(&sha256(req.body)) => Err(forbidden(
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        )),
        _ => Ok(()),
    }
}
