//! The canonical request: the one text that signer and verifier both hash.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

use super::Request;
use crate::hash::{hex, sha256};

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

/// Everything but RFC 3986's unreserved characters is percent-encoded.
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
/// In a path '/' separates segments and stays.
const RESERVED_IN_PATH: &AsciiSet = &RESERVED.remove(b'/');

/// Percent-encoding with uppercase hex, leaving only RFC 3986 unreserved
/// characters (and '/' in paths) as they are.
pub fn uri_encode(bytes: &[u8], encode_slash: bool) -> String {
    let set = if encode_slash { RESERVED } else { RESERVED_IN_PATH };
    percent_encoding::percent_encode(bytes, set).to_string()
}

/// `%XX` sequences to bytes; anything else, including a malformed '%', is
/// kept as it is. '+' stays '+': SigV4 does not treat it as a space.
pub fn percent_decode(s: &str) -> Vec<u8> {
    percent_encoding::percent_decode_str(s).collect()
}

/// Insertion sort: header and query lists are short (the verifier bounds
/// them), and the standard library's sorts add kilobytes to the wasm.
pub(crate) fn sort_small<T: Ord>(items: &mut [T]) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && items[j - 1] > items[j] {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
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
}
