//! AWS Signature Version 4, header form: the canonical request, the string to
//! sign, the signing key and the signature, shared by a verifier for incoming
//! requests and a signer for outgoing ones. No I/O and no clock: the host
//! passes the time and looks up secrets.

mod canonical;
mod date;
mod sign;
mod verify;

pub(crate) use canonical::sort_small;
pub use canonical::{
    canonical_query, canonical_request, canonical_uri, percent_decode, remove_dot_segments,
    signed_header_names, trim_header_value, uri_encode,
};
pub use date::{amz_date_from_ms, ms_from_amz_date};
pub use sign::{credential_scope, sign, signature, signing_key, string_to_sign, SigningParams};
pub use verify::{verify, Verified, MAX_CLOCK_SKEW_MS};

/// The algorithm name in every Authorization header and string to sign.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The last element of every credential scope.
const TERMINATOR: &str = "aws4_request";

/// An HTTP request as the host received it or is about to send it.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// The HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// As on the wire: percent-encoded, without the query.
    pub path: &'a str,
    /// As on the wire, without the leading '?'.
    pub query: &'a str,
    /// Names in any case; a name may repeat.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body, hashed into the signature.
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// The first value of a header, whatever the case of its name.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.iter().find(|(n, _)| n.trim().eq_ignore_ascii_case(name)).map(|&(_, v)| v)
    }
}
