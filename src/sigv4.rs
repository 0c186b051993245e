//! AWS Signature Version 4, header form: the canonical request, the string to
//! sign, the signing key and the signature, shared by a verifier for incoming
//! requests and a signer for outgoing ones. No I/O and no clock: the host
//! passes the time and looks up secrets.

use crate::error::Error;
use crate::hash::{constant_time_eq, hex, hmac_sha256, sha256, Digest32};

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The last element of every credential scope.
const TERMINATOR: &str = "aws4_request";

/// How far a request's time may be from now, in either direction.
pub const MAX_CLOCK_SKEW_MS: u64 = 15 * 60 * 1000;

/// An HTTP request as the host received it or is about to send it.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    /// As on the wire: percent-encoded, without the query.
    pub path: &'a str,
    /// As on the wire, without the leading '?'.
    pub query: &'a str,
    /// Names in any case; a name may repeat.
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// The first value of a header, whatever the case of its name.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.iter().find(|(n, _)| n.trim().eq_ignore_ascii_case(name)).map(|&(_, v)| v)
    }
}

// ---------------------------------------------------------------------------
// Canonical request

/// The canonical request over `signed_headers` (lowercase, sorted, as
/// returned by [`signed_header_names`]). `normalize_path` removes dot
/// segments, as every service but S3 expects.
pub fn canonical_request(req: &Request, signed_headers: &[String], normalize_path: bool) -> String {
    [
        req.method,
        &canonical_uri(req.path, normalize_path),
        &canonical_query(req.query),
        &canonical_headers(req.headers, signed_headers),
        &signed_headers.join(";"),
        &payload_hash(req),
    ]
    .join("\n")
}

/// The path, optionally normalized, then URI-encoded once more. The wire path
/// is already encoded, so this is SigV4's double encoding for non-S3 services.
pub fn canonical_uri(path: &str, normalize: bool) -> String {
    let path = if path.is_empty() { "/" } else { path };
    if normalize {
        uri_encode(remove_dot_segments(path).as_bytes(), false)
    } else {
        uri_encode(path.as_bytes(), false)
    }
}

/// Dot-segment removal as the AWS SDKs do it: RFC 3986 section 5.2.4, and
/// empty segments ("//") collapse too. A trailing slash survives only if the
/// path ended with one.
pub fn remove_dot_segments(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    out.push('/');
    out.push_str(&segments.join("/"));
    if path.ends_with('/') && !segments.is_empty() {
        out.push('/');
    }
    out
}

/// Each parameter decoded then re-encoded, so that equivalent spellings sign
/// alike, and sorted by encoded name then value.
pub fn canonical_query(query: &str) -> String {
    let mut params: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (uri_encode(&percent_decode(name), true), uri_encode(&percent_decode(value), true))
        })
        .collect();
    sort_small(&mut params);
    params.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("&")
}

/// One `name:values\n` line per signed header; repeated headers join with ','.
fn canonical_headers(headers: &[(&str, &str)], signed_headers: &[String]) -> String {
    let mut out = String::new();
    for name in signed_headers {
        let values: Vec<String> = headers
            .iter()
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| trim_header_value(v))
            .collect();
        out.push_str(name);
        out.push(':');
        out.push_str(&values.join(","));
        out.push('\n');
    }
    out
}

/// Leading and trailing whitespace removed and inner runs collapsed to one
/// space; line breaks of folded values count as whitespace.
pub fn trim_header_value(value: &str) -> String {
    value.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// The distinct header names, lowercase and sorted: what the signer signs.
pub fn signed_header_names(headers: &[(&str, &str)]) -> Vec<String> {
    let mut names: Vec<String> =
        headers.iter().map(|(n, _)| n.trim().to_ascii_lowercase()).collect();
    sort_small(&mut names);
    names.dedup();
    names
}

/// The client's declared body hash if it sent one (S3-style
/// `x-amz-content-sha256`), otherwise the body's own.
fn payload_hash(req: &Request) -> String {
    match req.header("x-amz-content-sha256") {
        Some(declared) => declared.trim().to_string(),
        None => hex(&sha256(req.body)),
    }
}

/// Percent-encoding with uppercase hex, leaving only RFC 3986 unreserved
/// characters (and '/' in paths) as they are.
pub fn uri_encode(bytes: &[u8], encode_slash: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || (b == b'/' && !encode_slash) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0x0f) as usize] as char);
        }
    }
    out
}

/// `%XX` sequences to bytes; anything else, including a malformed '%', is
/// kept as it is. '+' stays '+': SigV4 does not treat it as a space.
pub fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&hi), Some(&lo)) => {
                hex_value(hi).zip(hex_value(lo)).map(|(h, l)| h << 4 | l)
            }
            _ => None,
        };
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

fn hex_value(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

// ---------------------------------------------------------------------------
// String to sign, signing key, signature

/// `date/region/service/aws4_request`.
pub fn credential_scope(date: &str, region: &str, service: &str) -> String {
    format!("{date}/{region}/{service}/{TERMINATOR}")
}

pub fn string_to_sign(amz_date: &str, credential_scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{credential_scope}\n{}",
        hex(&sha256(canonical_request.as_bytes()))
    )
}

/// The key derived for one day, region and service; `date` is YYYYMMDD.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Digest32 {
    let k_secret = format!("AWS4{secret}");
    let k_date = hmac_sha256(k_secret.as_bytes(), &[date.as_bytes()]);
    let k_region = hmac_sha256(&k_date, &[region.as_bytes()]);
    let k_service = hmac_sha256(&k_region, &[service.as_bytes()]);
    hmac_sha256(&k_service, &[TERMINATOR.as_bytes()])
}

/// Lowercase hex, as it appears in the Authorization header.
pub fn signature(signing_key: &Digest32, string_to_sign: &str) -> String {
    hex(&hmac_sha256(signing_key, &[string_to_sign.as_bytes()]))
}

/// The one path from a request to its signature, used by signer and verifier.
fn compute_signature(
    req: &Request,
    signed_headers: &[String],
    normalize_path: bool,
    amz_date: &str,
    scope: &Scope,
    secret: &str,
) -> String {
    let canonical = canonical_request(req, signed_headers, normalize_path);
    let to_sign = string_to_sign(amz_date, &scope.to_string(), &canonical);
    signature(&signing_key(secret, scope.date, scope.region, scope.service), &to_sign)
}

struct Scope<'a> {
    date: &'a str,
    region: &'a str,
    service: &'a str,
}

impl std::fmt::Display for Scope<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&credential_scope(self.date, self.region, self.service))
    }
}

// ---------------------------------------------------------------------------
// Signer

/// What the signer needs besides the request. No `Debug`: it holds a secret.
pub struct SigningParams<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
    pub region: &'a str,
    pub service: &'a str,
    /// YYYYMMDDTHHMMSSZ, from the host's clock.
    pub amz_date: &'a str,
    /// True for every service but S3.
    pub normalize_path: bool,
}

/// Headers the signer sets itself; copies among the given headers are ignored.
const SIGNER_HEADERS: [&str; 4] = ["host", "x-amz-date", "x-amz-security-token", "authorization"];

/// Signs `req` (whose headers should not include Host) for `host`. Returns the
/// headers to add: `X-Amz-Security-Token` (with a session token),
/// `X-Amz-Date` and `Authorization`. Host, X-Amz-Date, the token and every
/// given header are signed; to sign the body hash as S3 does, pass
/// `x-amz-content-sha256` among the headers.
pub fn sign(
    req: &Request,
    host: &str,
    params: &SigningParams,
) -> Result<Vec<(&'static str, String)>, Error> {
    if ms_from_amz_date(params.amz_date).is_none() {
        return Err(Error::bad_request(format!(
            "X-Amz-Date must be YYYYMMDDTHHMMSSZ, got '{}'",
            params.amz_date
        )));
    }
    let mut headers = vec![("host", host), ("x-amz-date", params.amz_date)];
    if let Some(token) = params.session_token {
        headers.push(("x-amz-security-token", token));
    }
    headers.extend(
        req.headers
            .iter()
            .filter(|(n, _)| !SIGNER_HEADERS.iter().any(|s| n.trim().eq_ignore_ascii_case(s))),
    );
    let signed_headers = signed_header_names(&headers);
    let scope =
        Scope { date: &params.amz_date[..8], region: params.region, service: params.service };
    let signature = compute_signature(
        &Request { headers: &headers, ..*req },
        &signed_headers,
        params.normalize_path,
        params.amz_date,
        &scope,
        params.secret_access_key,
    );

    let mut out = Vec::with_capacity(3);
    if let Some(token) = params.session_token {
        out.push(("X-Amz-Security-Token", token.to_string()));
    }
    out.push(("X-Amz-Date", params.amz_date.to_string()));
    out.push((
        "Authorization",
        format!(
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={}, Signature={signature}",
            params.access_key_id,
            signed_headers.join(";")
        ),
    ));
    Ok(out)
}

// ---------------------------------------------------------------------------
// Verifier

/// Who signed an accepted request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub access_key_id: String,
    pub region: String,
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

/// Insertion sort: header and query lists are short (the verifier bounds
/// them), and the standard library's sorts add kilobytes to the wasm.
fn sort_small<T: Ord>(items: &mut [T]) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && items[j - 1] > items[j] {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
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

// ---------------------------------------------------------------------------
// Dates: milliseconds since the epoch <-> YYYYMMDDTHHMMSSZ

const MS_PER_DAY: u64 = 86_400_000;

/// `YYYYMMDDTHHMMSSZ` for a time in milliseconds since 1970 (UTC; the
/// milliseconds are dropped).
pub fn amz_date_from_ms(ms: u64) -> String {
    let (year, month, day) = civil_from_days((ms / MS_PER_DAY) as i64);
    let secs = ms % MS_PER_DAY / 1000;
    format!("{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

/// The inverse of [`amz_date_from_ms`]; `None` unless the text is exactly a
/// valid `YYYYMMDDTHHMMSSZ` from 1970 on.
pub fn ms_from_amz_date(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if !s.is_ascii() || b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = &s[range];
        digits.bytes().all(|d| d.is_ascii_digit()).then(|| digits.parse().ok())?
    };
    ms_from_civil(num(0..4)?, num(4..6)?, num(6..8)?, num(9..11)?, num(11..13)?, num(13..15)?)
}

/// An HTTP date (RFC 7231 IMF-fixdate), the form of the `Date` header.
fn ms_from_http_date(s: &str) -> Option<u64> {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let parts: Vec<&str> = s.split_ascii_whitespace().collect();
    let [weekday, day, month, year, time, "GMT"] = parts[..] else { return None };
    if !weekday.ends_with(',') || day.len() != 2 || year.len() != 4 {
        return None;
    }
    let month = MONTHS.iter().position(|&m| m == month)? as u32 + 1;
    let hms: Vec<u32> = time.split(':').map(|t| t.parse().ok()).collect::<Option<_>>()?;
    let [hour, minute, second] = hms[..] else { return None };
    ms_from_civil(year.parse().ok()?, month, day.parse().ok()?, hour, minute, second)
}

fn ms_from_civil(year: u32, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> Option<u64> {
    let valid = year >= 1970
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && hour < 24
        && min < 60
        && sec < 60;
    if !valid {
        return None;
    }
    let days = days_from_civil(year as i64, month, day) as u64;
    Some(days * MS_PER_DAY + (hour as u64 * 3600 + min as u64 * 60 + sec as u64) * 1000)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm: count in 400-year eras of years starting in March).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month as i64 + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encode_keeps_only_unreserved_characters() {
        let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        assert_eq!(uri_encode(unreserved.as_bytes(), true), unreserved);
        assert_eq!(uri_encode(b"a b/c", false), "a%20b/c");
        assert_eq!(uri_encode(b"a b/c", true), "a%20b%2Fc");
        assert_eq!(uri_encode("\u{1234}".as_bytes(), true), "%E1%88%B4");
        assert_eq!(uri_encode(b"+=&%*", true), "%2B%3D%26%25%2A");
    }

    #[test]
    fn canonical_uri_encodes_the_wire_path_again() {
        assert_eq!(canonical_uri("/a%20b/c", true), "/a%2520b/c");
        assert_eq!(canonical_uri("/example space/", false), "/example%20space/");
        assert_eq!(canonical_uri("", true), "/");
        assert_eq!(canonical_uri("/a/../b", false), "/a/../b");
    }

    #[test]
    fn percent_decode_tolerates_malformed_escapes() {
        assert_eq!(percent_decode("%E1%88%B4=x"), "\u{1234}=x".as_bytes());
        assert_eq!(percent_decode("%2b%2B+"), b"+++");
        assert_eq!(percent_decode("100%"), b"100%");
        assert_eq!(percent_decode("%zz%4"), b"%zz%4");
    }

    #[test]
    fn canonical_query_sorts_and_reencodes() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(
            canonical_query("Param-3=x&Param=y&%E1%88%B4=z"),
            "%E1%88%B4=z&Param=y&Param-3=x"
        );
        assert_eq!(canonical_query("flag&x=a b&&y=%41"), "flag=&x=a%20b&y=A");
    }

    #[test]
    fn remove_dot_segments_follows_the_sdks() {
        let cases = [
            ("/", "/"),
            ("//", "/"),
            ("/./", "/"),
            ("/./example", "/example"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("//example//", "/example/"),
            ("/a/b/../c/./d", "/a/c/d"),
            ("/../a", "/a"),
            ("/a/b/..", "/a"),
            ("/v1/apps/abc/otp", "/v1/apps/abc/otp"),
        ];
        for (path, expected) in cases {
            assert_eq!(remove_dot_segments(path), expected, "{path}");
        }
    }

    #[test]
    fn header_values_are_trimmed_and_collapsed() {
        assert_eq!(trim_header_value(" value1"), "value1");
        assert_eq!(trim_header_value("\"a   b   c\" "), "\"a b c\"");
        assert_eq!(trim_header_value("value1\n  value2\r\n\t value3"), "value1 value2 value3");
        assert_eq!(trim_header_value("   "), "");
    }

    #[test]
    fn signed_header_names_are_lowercase_sorted_distinct() {
        let headers = [("X-Amz-Date", "1"), ("Host", "h"), ("my-header", "a"), ("My-Header", "b")];
        assert_eq!(signed_header_names(&headers), ["host", "my-header", "x-amz-date"]);
    }

    #[test]
    fn amz_dates_round_trip() {
        let cases = [
            (0, "19700101T000000Z"),
            (1_440_938_160_000, "20150830T123600Z"),
            (951_782_400_000, "20000229T000000Z"), // leap day of a century leap year
            (951_868_799_000, "20000229T235959Z"),
            (1_709_164_800_000, "20240229T000000Z"),
            (2_147_483_647_000, "20380119T031407Z"), // the last second of signed 32-bit time
            (2_147_483_648_000, "20380119T031408Z"),
            (4_107_542_400_000, "21000301T000000Z"), // 2100 is not a leap year
            (253_402_300_799_000, "99991231T235959Z"),
        ];
        for (ms, text) in cases {
            assert_eq!(amz_date_from_ms(ms), text);
            assert_eq!(ms_from_amz_date(text), Some(ms), "{text}");
        }
        assert_eq!(amz_date_from_ms(1_440_938_160_999), "20150830T123600Z");
    }

    #[test]
    fn malformed_amz_dates_are_refused() {
        for text in [
            "",
            "20150830T123600",
            "2015-08-30T12:36:00Z",
            "20150830 123600Z",
            "20150230T123600Z",
            "21000229T000000Z",
            "20151301T000000Z",
            "20150830T240000Z",
            "20150830T126000Z",
            "19691231T235959Z",
            "2015083OT123600Z",
            "+2015830T123600Z",
        ] {
            assert_eq!(ms_from_amz_date(text), None, "{text}");
        }
    }

    #[test]
    fn http_dates_parse() {
        assert_eq!(ms_from_http_date("Sun, 30 Aug 2015 12:36:00 GMT"), Some(1_440_938_160_000));
        assert_eq!(ms_from_http_date("Sun, 30 Aug 2015 12:36:00 UTC"), None);
        assert_eq!(ms_from_http_date("30 Aug 2015 12:36:00 GMT"), None);
    }

    #[test]
    fn signing_key_matches_the_aws_documentation_example() {
        // From "Examples of how to derive a signing key for Signature Version 4".
        let key =
            signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        assert_eq!(hex(&key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    }
}
