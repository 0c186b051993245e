//! Requests that can't be replayed: a signed request is accepted once, and
//! only when it was signed for a host this deployment serves.
//!
//! SigV4 alone accepts a captured request again and again for 15 minutes
//! (its date check), and at any deployment holding the same keys. So the
//! host records each signature it accepts (under a keyed hash, until the
//! date check would refuse it anyway) and refuses one it has seen, and the
//! signed `host` header must be one of the deployment's own.

use crate::error::Error;
use crate::record::Secret;
use crate::sigv4::MAX_CLOCK_SKEW_MS;

/// Where a used signature is recorded, and for how long: until a request
/// with that date could no longer pass the date check (its date plus 15
/// minutes), plus a second for the clocks' rounding.
pub fn signature_record(
    secret: &Secret,
    signature: &str,
    signed_at_ms: u64,
    now_ms: u64,
) -> (String, u32) {
    let key = secret.signature_key(signature);
    let until_ms = signed_at_ms.saturating_add(MAX_CLOCK_SKEW_MS);
    let ttl_seconds = until_ms.saturating_sub(now_ms).div_ceil(1000).saturating_add(1);
    (key, u32::try_from(ttl_seconds).unwrap_or(u32::MAX))
}

/// The refusal of a signature seen before.
pub fn replayed() -> Error {
    Error::forbidden("This signed request was already used; sign it again to retry.")
}

/// The hosts a deployment answers to: `ALLOWED_HOSTS` (hostnames, each with
/// an optional port), or a fixed list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedHosts {
    entries: Vec<(String, Option<u16>)>,
}

impl AllowedHosts {
    /// Development mode's: the loopback names, any port.
    pub fn loopback() -> AllowedHosts {
        AllowedHosts {
            entries: ["127.0.0.1", "localhost", "[::1]"].map(|h| (h.to_owned(), None)).to_vec(),
        }
    }

    /// Reads `ALLOWED_HOSTS`: comma-separated `host` or `host:port`.
    pub fn parse(setting: &str) -> Result<AllowedHosts, Error> {
        let mut entries = Vec::new();
        for (i, entry) in setting.split(',').map(str::trim).enumerate() {
            let bad = |why: &str| {
                Error::bad_field("ALLOWED_HOSTS", format!("ALLOWED_HOSTS entry {}: {why}", i + 1))
            };
            if entry.is_empty() {
                return Err(bad("is empty"));
            }
            let (host, port) = split_port(entry)
                .ok_or_else(|| bad("has a port that is not a number from 1 to 65535"))?;
            let valid = host.starts_with('[') && host.ends_with(']')
                || (!host.is_empty()
                    && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'));
            if !valid {
                return Err(bad("must be a hostname or an IP address, with an optional :port"));
            }
            entries.push((host.to_ascii_lowercase(), port));
        }
        Ok(AllowedHosts { entries })
    }

    /// Whether a request signed with this `host` header is for this
    /// deployment. An entry without a port allows any port.
    pub fn allows(&self, host_header: &str) -> bool {
        let Some((host, port)) = split_port(host_header.trim()) else { return false };
        let host = host.to_ascii_lowercase();
        self.entries.iter().any(|(h, p)| *h == host && (p.is_none() || *p == port))
    }
}

/// Whether a signed `host` header names the host of the request's own URL
/// (a deployment without `ALLOWED_HOSTS`): the same name, any case, and the
/// same port.
pub fn same_host(host_header: &str, url_host: &str) -> bool {
    match (split_port(host_header.trim()), split_port(url_host)) {
        (Some((a, pa)), Some((b, pb))) => a.eq_ignore_ascii_case(b) && pa == pb,
        _ => false,
    }
}

/// `host[:port]`, with IPv6 literals in brackets; None for a bad port.
fn split_port(s: &str) -> Option<(&str, Option<u16>)> {
    let colon = if s.starts_with('[') { s.find("]:").map(|i| i + 1) } else { s.rfind(':') };
    match colon {
        None => Some((s, None)),
        Some(i) => {
            let port: u16 = s[i + 1..].parse().ok().filter(|&p| p != 0)?;
            Some((&s[..i], Some(port)))
        }
    }
}

/// The refusal of a request signed for another host.
pub fn wrong_host(host_header: &str) -> Error {
    Error::forbidden(format!(
        "This request was signed for host {}, which this deployment does not serve.",
        crate::member::quote(host_header)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_kept_until_its_date_check_would_refuse_it() {
        let secret = Secret::new(b"a test secret of thirty-two byte").unwrap();
        let (key, ttl) = signature_record(&secret, "abc", 1_000_000, 1_000_000);
        assert!(key.starts_with("sig_") && !key.contains("abc"));
        assert_eq!(ttl, 15 * 60 + 1);
        // Signed 10 minutes ago: 5 minutes left.
        assert_eq!(signature_record(&secret, "abc", 1_000_000, 1_000_000 + 600_000).1, 5 * 60 + 1);
        // Signed 10 minutes in the future (the check allows 15): 25 minutes.
        assert_eq!(signature_record(&secret, "abc", 1_600_000, 1_000_000).1, 25 * 60 + 1);
        assert_ne!(key, signature_record(&secret, "abd", 1_000_000, 1_000_000).0);
        assert_eq!(replayed().exception, crate::Exception::Forbidden);
    }

    #[test]
    fn allowed_hosts_match_name_and_port() {
        let hosts = AllowedHosts::parse("otp.example.com, api.example.com:8443,[::1]").unwrap();
        assert!(hosts.allows("otp.example.com"));
        assert!(hosts.allows("OTP.Example.com:443"), "no port in the entry: any port");
        assert!(hosts.allows("api.example.com:8443"));
        assert!(!hosts.allows("api.example.com:443"));
        assert!(!hosts.allows("api.example.com"));
        assert!(hosts.allows("[::1]"));
        assert!(!hosts.allows("evil.example.com"));
        assert!(!hosts.allows("otp.example.com.evil.com"));
        assert!(!hosts.allows("otp.example.com:x"));
        let dev = AllowedHosts::loopback();
        assert!(
            dev.allows("127.0.0.1:8787") && dev.allows("localhost:1") && dev.allows("[::1]:8788")
        );
        assert!(!dev.allows("192.168.1.2:8787"));
    }

    #[test]
    fn without_a_setting_the_url_names_the_host() {
        assert!(same_host("Otp.Example.com:8443", "otp.example.com:8443"));
        assert!(same_host("otp.example.com", "otp.example.com"));
        assert!(!same_host("otp.example.com:8443", "otp.example.com"));
        assert!(!same_host("evil.example.com", "otp.example.com"));
        assert!(!same_host("otp.example.com:x", "otp.example.com"));
    }

    #[test]
    fn bad_settings_name_the_entry() {
        let e = AllowedHosts::parse("a.example.com,,b").unwrap_err();
        assert_eq!(e.message, "ALLOWED_HOSTS entry 2: is empty");
        let e = AllowedHosts::parse("a.example.com:99999").unwrap_err();
        assert_eq!(
            e.message,
            "ALLOWED_HOSTS entry 1: has a port that is not a number from 1 to 65535"
        );
        let e = AllowedHosts::parse("https://a.example.com").unwrap_err();
        assert!(e.message.starts_with("ALLOWED_HOSTS entry 1: "), "{}", e.message);
        assert_eq!(e.field, Some("ALLOWED_HOSTS"));
    }
}
