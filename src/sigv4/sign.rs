//! The string to sign, the signing key and the signature, and the signer of
//! outgoing requests.

use std::fmt;

use super::canonical::{canonical_request, signed_header_names};
use super::date::ms_from_amz_date;
use super::{Request, ALGORITHM, TERMINATOR};
use crate::error::Error;
use crate::hash::{hex, hmac_sha256, sha256, Digest32};

/// `date/region/service/aws4_request`.
pub fn credential_scope(date: &str, region: &str, service: &str) -> String {
    format!("{date}/{region}/{service}/{TERMINATOR}")
}

/// `AWS4-HMAC-SHA256`, the date, the credential scope and the hex SHA-256 of the canonical request,
/// one per line.
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
pub(super) fn compute_signature(
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

pub(super) struct Scope<'a> {
    pub date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

impl fmt::Display for Scope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&credential_scope(self.date, self.region, self.service))
    }
}

/// What the signer needs besides the request. No `Debug`: it holds a secret.
pub struct SigningParams<'a> {
    /// The access key ID named in the Authorization header.
    pub access_key_id: &'a str,
    /// The secret access key the signing key is derived from.
    pub secret_access_key: &'a str,
    /// For temporary credentials: sent and signed as `X-Amz-Security-Token`.
    pub session_token: Option<&'a str>,
    /// The region of the credential scope, e.g. `us-east-1`.
    pub region: &'a str,
    /// The service of the credential scope, e.g. `sms-voice`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_key_matches_the_aws_documentation_example() {
        // From "Examples of how to derive a signing key for Signature Version 4".
        let key =
            signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        assert_eq!(hex(&key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    }
}
