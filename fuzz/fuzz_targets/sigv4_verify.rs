//! SigV4 verification of any request: arbitrary headers (Authorization
//! included), query, body and time are refused as ForbiddenException; a
//! request signed by `sign` verifies exactly when its time is within the
//! allowed skew, and not once its body or method is changed; a signed
//! request with one header edited anywhere (the Authorization header's
//! parameters, the date) is refused as ForbiddenException unless the edit
//! left it meaning the same.
#![no_main]

use arbitrary::Arbitrary;
use edge_otp::hash::{hex, sha256};
use edge_otp::sigv4::{self, amz_date_from_ms, Request, SigningParams, MAX_CLOCK_SKEW_MS};
use edge_otp::Exception;
use libfuzzer_sys::fuzz_target;

const SERVICE: &str = "mobiletargeting";
const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
    secret: &'a str,
    now_ms: u64,
    how: How<'a>,
}

#[derive(Arbitrary, Debug)]
enum How<'a> {
    /// The headers as given, Authorization (if any) included.
    AsGiven,
    /// Signed at `signed_ms` for `region`, maybe with a declared body hash,
    /// then maybe changed, and checked `skew_ms` later (instead of `now_ms`).
    Signed {
        signed_ms: u64,
        skew_ms: i32,
        region: &'a str,
        declare_body_hash: bool,
        change: Change<'a>,
    },
}

#[derive(Arbitrary, Debug, PartialEq)]
enum Change<'a> {
    Nothing,
    Body,
    Method,
    /// Of the header at `index` (mod the count sent), `cut` bytes from `at`
    /// (as far as they go) replaced by `insert`.
    Header {
        index: u8,
        at: u16,
        cut: u8,
        insert: &'a str,
    },
}

fuzz_target!(|input: Input| {
    let Input { method, path, query, body, secret, .. } = input;
    let lookup = |id: &str| (id == ACCESS_KEY_ID).then(|| secret.to_owned());
    let How::Signed { signed_ms, skew_ms, region, declare_body_hash, change } = input.how else {
        let now_ms = input.now_ms;
        let req = Request { method, path, query, headers: &input.headers, body };
        if let Err(e) = sigv4::verify(&req, SERVICE, now_ms, lookup) {
            assert_eq!(e.exception, Exception::Forbidden, "{e:?}");
        }
        return;
    };

    // What a real client sends: header names are HTTP tokens, and the signer
    // sets Host, the date and Authorization itself.
    let body_hash = hex(&sha256(body));
    let mut headers: Vec<(&str, &str)> = input
        .headers
        .into_iter()
        .filter(|(name, _)| is_token(name) && !name.eq_ignore_ascii_case("x-amz-content-sha256"))
        .collect();
    if declare_body_hash {
        headers.push(("X-Amz-Content-Sha256", &body_hash));
    }
    let region =
        if region.is_empty() || !region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            "us-east-1"
        } else {
            region
        };
    // Up to a little past 9999, the last year SigV4's dates can write.
    let signed_ms = signed_ms % 260_000_000_000_000;
    // Within about twice the allowed skew either way: half the runs in time.
    let now_ms = signed_ms.saturating_add_signed((skew_ms % 1_900_000).into());
    let amz_date = amz_date_from_ms(signed_ms);
    let req = Request { method, path, query, headers: &headers, body };
    let params = SigningParams {
        access_key_id: ACCESS_KEY_ID,
        secret_access_key: secret,
        session_token: None,
        region,
        service: SERVICE,
        amz_date: &amz_date,
        normalize_path: true,
    };
    let Ok(added) = sigv4::sign(&req, "pinpoint.us-east-1.amazonaws.com", &params) else {
        assert!(amz_date.len() > 16, "only a date past 9999 can't be signed: {amz_date}");
        return;
    };
    let mut sent: Vec<(&str, String)> = vec![("Host", "pinpoint.us-east-1.amazonaws.com".into())];
    sent.extend(headers.iter().filter(|(n, _)| !is_set_by_signer(n)).map(|&(n, v)| (n, v.into())));
    sent.extend(added.into_iter());
    if let Change::Header { index, at, cut, insert } = change {
        let count = sent.len();
        let value = &mut sent[usize::from(index) % count].1;
        let start = floor_char_boundary(value, usize::from(at));
        let end = floor_char_boundary(value, start + usize::from(cut));
        value.replace_range(start..end, insert);
    }
    let sent: Vec<(&str, &str)> = sent.iter().map(|(n, v)| (*n, v.as_str())).collect();

    let changed_body = [body, b"!"].concat();
    let changed_method = format!("{method}X");
    let req = match change {
        Change::Nothing | Change::Header { .. } => Request { headers: &sent, ..req },
        Change::Body => Request { headers: &sent, body: &changed_body, ..req },
        Change::Method => Request { headers: &sent, method: &changed_method, ..req },
    };
    let result = sigv4::verify(&req, SERVICE, now_ms, lookup);
    if let Change::Header { .. } = change {
        match result {
            Ok(v) => {
                assert_eq!((v.access_key_id.as_str(), v.region.as_str()), (ACCESS_KEY_ID, region))
            }
            Err(e) => assert_eq!(e.exception, Exception::Forbidden, "{e:?}"),
        }
        return;
    }

    let request_ms = signed_ms / 1000 * 1000;
    let in_time = request_ms.abs_diff(now_ms) <= MAX_CLOCK_SKEW_MS;
    let signed_names = {
        let mut names: Vec<String> = sent
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("authorization"))
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        names.sort();
        names.dedup();
        names.len()
    };
    let within_bounds = signed_names <= 100 && query.split('&').count() <= 100;
    match result {
        Ok(v) => {
            assert!(change == Change::Nothing && in_time && within_bounds);
            assert_eq!((v.access_key_id.as_str(), v.region.as_str()), (ACCESS_KEY_ID, region));
        }
        Err(e) => {
            assert_eq!(e.exception, Exception::Forbidden, "{e:?}");
            assert!(change != Change::Nothing || !in_time || !within_bounds, "{e:?}");
        }
    }
});

/// The largest char boundary of `s` at or before `i`.
fn floor_char_boundary(s: &str, i: usize) -> usize {
    (0..=i.min(s.len())).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

/// An HTTP header name (RFC 9110 token).
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn is_set_by_signer(name: &str) -> bool {
    ["host", "x-amz-date", "x-amz-security-token", "authorization"]
        .iter()
        .any(|s| name.eq_ignore_ascii_case(s))
}
