//! The lines that let a phone fill the code in one tap.
//!
//! - WebOTP / origin-bound one-time codes (WICG "Origin-bound one-time codes
//!   delivered via SMS", used by Chrome and Safari): the message's last line
//!   is `@<host> #<code>`, one space between, nothing before the `@`.
//! - Android's SMS Retriever: the message carries the app's 11-character hash
//!   and is at most 140 bytes, i.e. one segment.
//!
//! Both go after the text, past a blank line as in the specification's
//! examples; the WebOTP line last because it must be, the hash just above it.

/// The host a WebOTP line binds the code to, e.g. `example.com`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebOtpDomain(String);

impl WebOtpDomain {
    /// A DNS host name in lowercase ASCII (internationalized names in their
    /// `xn--` form): labels of 1 to 63 letters, digits and inner hyphens,
    /// 253 characters at most, not an IP address.
    pub fn parse(host: &str) -> Result<WebOtpDomain, String> {
        if host.contains("://") || host.contains(['/', ':', '@', '#', ' ']) {
            return Err(format!(
                "webOtpDomain must be a host only, like example.com (no scheme, port, path, \
                 '@' or '#'), got {host:?}"
            ));
        }
        let labels_ok = host.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
        let top_is_numeric =
            host.rsplit('.').next().is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()));
        if !labels_ok || host.len() > 253 || top_is_numeric {
            return Err(format!(
                "webOtpDomain must be a host name in lowercase letters, digits, hyphens and dots \
                 (xn-- for international names), labels of 1 to 63 characters, not an IP \
                 address, got {host:?}"
            ));
        }
        Ok(WebOtpDomain(host.to_owned()))
    }

    /// The host name, as parsed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `@example.com #123456`
    pub fn line(&self, otp: &str) -> String {
        format!("@{} #{otp}", self.0)
    }
}

/// The 11 characters that tell Google Play services which app an SMS is for:
/// the start of the base64 of a SHA-256 of its package and signing key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AndroidAppHash(String);

impl AndroidAppHash {
    /// Accepts exactly 11 base64 characters (A-Z a-z 0-9 + /), the hash SMS Retriever computes for
    /// the app.
    pub fn parse(hash: &str) -> Result<AndroidAppHash, String> {
        let base64 = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/';
        if hash.chars().count() == 11 && hash.chars().all(base64) {
            Ok(AndroidAppHash(hash.to_owned()))
        } else {
            Err(format!(
                "androidAppHash must be the 11 base64 characters (A-Z a-z 0-9 + /) that SMS \
                 Retriever computes for the app, got {hash:?}"
            ))
        }
    }

    /// The 11 characters, as parsed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Adds the autofill lines an application has to a message's text.
pub fn append(
    body: &mut String,
    otp: &str,
    app_hash: Option<&AndroidAppHash>,
    web_otp: Option<&WebOtpDomain>,
) {
    if app_hash.is_none() && web_otp.is_none() {
        return;
    }
    body.push('\n');
    if let Some(hash) = app_hash {
        body.push('\n');
        body.push_str(hash.as_str());
    }
    if let Some(domain) = web_otp {
        body.push('\n');
        body.push_str(&domain.line(otp));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sms::{measure, Encoding};

    fn domain(host: &str) -> WebOtpDomain {
        WebOtpDomain::parse(host).unwrap()
    }

    fn hash() -> AndroidAppHash {
        AndroidAppHash::parse("FA+9qCX9VSu").unwrap()
    }

    fn appended(
        body: &str,
        app_hash: Option<&AndroidAppHash>,
        web: Option<&WebOtpDomain>,
    ) -> String {
        let mut body = body.to_owned();
        append(&mut body, "123456", app_hash, web);
        body
    }

    /// The WICG specification's parser: the last line, `@host`, one space,
    /// `#code`, each token running to ASCII whitespace.
    fn parse_origin_bound(message: &str) -> Option<(&str, &str)> {
        let line = message.rsplit('\n').next()?;
        let rest = line.strip_prefix('@')?;
        let (host, rest) = rest.split_once(' ')?;
        let code = rest.strip_prefix('#')?.split(|c: char| c.is_ascii_whitespace()).next()?;
        (!host.is_empty() && !code.is_empty()).then_some((host, code))
    }

    #[test]
    fn the_web_otp_line_ends_the_message_after_a_blank_line() {
        let body = appended("Your code: 123456", None, Some(&domain("example.com")));
        assert_eq!(body, "Your code: 123456\n\n@example.com #123456");
        assert_eq!(parse_origin_bound(&body), Some(("example.com", "123456")));
    }

    #[test]
    fn the_app_hash_goes_on_its_own_line_above_the_web_otp_line() {
        let both = appended("Your code: 123456", Some(&hash()), Some(&domain("example.com")));
        assert_eq!(both, "Your code: 123456\n\nFA+9qCX9VSu\n@example.com #123456");
        assert_eq!(parse_origin_bound(&both), Some(("example.com", "123456")));
        let hash_only = appended("Your code: 123456", Some(&hash()), None);
        assert_eq!(hash_only, "Your code: 123456\n\nFA+9qCX9VSu");
        assert!(hash_only.ends_with("FA+9qCX9VSu"), "SMS Retriever's older rule: end with it");
        assert_eq!(parse_origin_bound(&hash_only), None);
        assert_eq!(appended("Your code: 123456", None, None), "Your code: 123456");
    }

    #[test]
    fn the_lines_count_in_the_segments() {
        // GSM-7: 160 septets in one segment. The WebOTP line with its blank
        // line is 2 + 20 = 22 septets here, so 138 of text still fit.
        let web = domain("example.com");
        assert_eq!(measure(&appended(&"a".repeat(138), None, Some(&web))), (Encoding::Gsm7, 1));
        assert_eq!(measure(&appended(&"a".repeat(139), None, Some(&web))), (Encoding::Gsm7, 2));
        // UCS-2: 70 units; 22 of them for the line leaves 48.
        assert_eq!(measure(&appended(&"日".repeat(48), None, Some(&web))), (Encoding::Ucs2, 1));
        assert_eq!(measure(&appended(&"日".repeat(49), None, Some(&web))), (Encoding::Ucs2, 2));
        // The hash adds its 11 characters and a line break.
        let both = |n| appended(&"a".repeat(n), Some(&hash()), Some(&web));
        assert_eq!(measure(&both(126)), (Encoding::Gsm7, 1));
        assert_eq!(measure(&both(127)), (Encoding::Gsm7, 2));
    }

    #[test]
    fn domains_are_hosts() {
        for host in
            ["example.com", "a.b.example.co.uk", "xn--bcher-kva.example", "localhost", "a-1.io"]
        {
            assert_eq!(domain(host).as_str(), host);
        }
        let long_label = format!("{}.com", "a".repeat(64));
        let long_host = format!("{}.com", vec!["a".repeat(63); 4].join("."));
        for bad in [
            "",
            "https://example.com",
            "example.com/",
            "example.com:443",
            "Example.com",
            "exa mple.com",
            "bücher.example",
            "-a.com",
            "a-.com",
            "a..com",
            ".example.com",
            "example.com.",
            "192.168.0.1",
            "@example.com",
            "example.com #1",
            &long_label,
            &long_host,
        ] {
            assert!(WebOtpDomain::parse(bad).is_err(), "{bad:?}");
        }
        assert!(WebOtpDomain::parse(&format!("{}.com", "a".repeat(63))).is_ok());
    }

    #[test]
    fn app_hashes_are_11_base64_characters() {
        for good in ["FA+9qCX9VSu", "abcdefghijk", "0123456789/"] {
            assert_eq!(AndroidAppHash::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "FA+9qCX9VS",
            "FA+9qCX9VSuu",
            "FA+9qCX9VS=",
            "FA-9qCX9VSu",
            "FA 9qCX9VSu",
            "FA+9qCX9VSé",
        ] {
            assert!(AndroidAppHash::parse(bad).is_err(), "{bad:?}");
        }
    }
}
