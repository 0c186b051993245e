//! What the host stores between a send and its verifies, and under which key.
//!
//! Neither holds the code or the phone number: the key is an HMAC of
//! (application id, ReferenceId, DestinationIdentity) and the record keeps an
//! HMAC of those and the code, both under a secret only the host knows. The
//! record is a short dotted string that any key-value store can hold:
//!
//! `3.<created at ms>.<expires at ms>.<attempts left>.<wrong guesses>.<code HMAC, base64url>.<delivered>`
//!
//! `<delivered>` is when the provider accepted the SMS (ms), or `p` while the
//! SMS is pending: written before delivery, a record's own code never
//! verifies until the host confirms it was delivered. A pending record
//! carries, after its own fields, the six fields of its *prior*: the last
//! delivered record for the same key, still valid when the send began, which
//! is the one that verifies meanwhile and comes back if the delivery fails.
//!
//! Wrong guesses count across the codes sent for one (application,
//! ReferenceId, DestinationIdentity) while protection is on, so a resend
//! can't buy a fresh set of guesses. Format 1 records (without the count)
//! and format 2 records (without the delivery) still read, as delivered when
//! they were made (those formats were only written for codes sent at once).

use crate::error::{Error, Exception};
use crate::hash::{base64url, HmacKey};

/// The record format written now; the first field of every record.
pub const FORMAT_VERSION: u32 = 3;

/// Storage keys start with this, so they are easy to tell apart in a shared store.
pub const KEY_PREFIX: &str = "otp_";
/// Number histories' keys start with this.
pub const NUMBER_KEY_PREFIX: &str = "num_";
/// Prefix counters' keys start with this ([`crate::pumping`]).
pub const PREFIX_KEY_PREFIX: &str = "pfx_";
/// Country counters' keys start with this ([`crate::pumping`]).
pub const COUNTRY_KEY_PREFIX: &str = "cty_";
/// Spend counters' keys start with this ([`crate::spend`]).
pub const SPEND_KEY_PREFIX: &str = "spd_";
/// Used signatures' keys start with this.
pub const SIGNATURE_KEY_PREFIX: &str = "sig_";

/// Shortest secret accepted: HMAC keys below 128 bits invite brute force.
pub const MIN_SECRET_BYTES: usize = 16;

/// The host's secret, ready to key every HMAC of a record.
#[derive(Clone)]
pub struct Secret(HmacKey);

impl Secret {
    /// Refuses a secret shorter than `MIN_SECRET_BYTES`.
    pub fn new(secret: &[u8]) -> Result<Secret, Error> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(Error::new(
                Exception::InternalServerError,
                format!(
                    "The OTP secret must be at least {MIN_SECRET_BYTES} bytes, got {}",
                    secret.len()
                ),
            ));
        }
        Ok(Secret(HmacKey::new(secret)))
    }

    /// The storage key of a (application id, ReferenceId, DestinationIdentity):
    /// URL-safe, 47 characters, and telling nothing of the phone number.
    pub fn storage_key(
        &self,
        application_id: &str,
        reference_id: &str,
        destination: &str,
    ) -> String {
        let mac = self.mac(b"edge-otp storage key v1", [application_id, reference_id, destination]);
        format!("{KEY_PREFIX}{}", base64url(&mac))
    }

    /// The HMAC of a code for its (application id, ReferenceId, DestinationIdentity).
    pub fn code_hash(
        &self,
        application_id: &str,
        reference_id: &str,
        destination: &str,
        code: &str,
    ) -> String {
        let mac = self.mac(b"edge-otp code v1", [application_id, reference_id, destination, code]);
        base64url(&mac)
    }

    /// The storage key of a used request signature: telling nothing of it.
    pub fn signature_key(&self, signature: &str) -> String {
        let mac = self.mac(b"edge-otp signature key v1", [signature]);
        format!("{SIGNATURE_KEY_PREFIX}{}", base64url(&mac))
    }

    /// The storage key of a number's history (send and wrong-guess times)
    /// within an application: telling nothing of the number.
    pub fn number_key(&self, application_id: &str, destination: &str) -> String {
        let mac = self.mac(b"edge-otp number key v1", [application_id, destination]);
        format!("{NUMBER_KEY_PREFIX}{}", base64url(&mac))
    }

    /// The storage key of a number prefix's counters within an application.
    pub fn prefix_key(&self, application_id: &str, prefix: &str) -> String {
        let mac = self.mac(b"edge-otp prefix key v1", [application_id, prefix]);
        format!("{PREFIX_KEY_PREFIX}{}", base64url(&mac))
    }

    /// The storage key of a country's counters within an application.
    pub fn country_key(&self, application_id: &str, region: &str) -> String {
        let mac = self.mac(b"edge-otp country key v1", [application_id, region]);
        format!("{COUNTRY_KEY_PREFIX}{}", base64url(&mac))
    }

    /// The storage key of an application's spend counters.
    pub fn spend_key(&self, application_id: &str) -> String {
        let mac = self.mac(b"edge-otp spend key v1", [application_id]);
        format!("{SPEND_KEY_PREFIX}{}", base64url(&mac))
    }

    /// An HMAC with a purpose label, then each field prefixed by its length,
    /// so that no two different field lists hash the same bytes.
    pub(crate) fn mac<const N: usize>(&self, purpose: &[u8], fields: [&str; N]) -> [u8; 32] {
        let lengths = fields.map(|f| (f.len() as u32).to_be_bytes());
        let mut parts: [&[u8]; 10] = [&[]; 10];
        parts[0] = purpose;
        parts[1] = b"\0";
        for (i, (field, length)) in fields.iter().zip(&lengths).enumerate() {
            parts[2 + 2 * i] = length;
            parts[3 + 2 * i] = field.as_bytes();
        }
        self.0.mac(&parts[..2 + 2 * N])
    }
}

/// The host's secrets, newest first, as the `OTP_SECRET` setting lists them:
/// the first (the current one) makes every new record and key, and each
/// still verifies the records it made, so the secret can be rotated without
/// voiding the codes in flight.
#[derive(Clone)]
pub struct Secrets(Vec<Secret>);

impl Secrets {
    /// `OTP_SECRET`: one secret, or, when it starts with `[`, a JSON array
    /// of secrets, newest first. Errors name a secret by its place in the
    /// list, never by its value.
    pub fn from_setting(setting: &str) -> Result<Secrets, Error> {
        if !setting.starts_with('[') {
            return Ok(Secrets::from(Secret::new(setting.as_bytes())?));
        }
        let bad = |message: String| Error::new(Exception::InternalServerError, message);
        // serde_json's own message could quote a secret: say only what is wrong.
        let list: Vec<String> = serde_json::from_str(setting).map_err(|_| {
            bad("The OTP secret starts with '[' but is not a JSON array of strings".into())
        })?;
        if list.is_empty() {
            return Err(bad("The OTP secret's list is empty: it needs at least one secret".into()));
        }
        let count = list.len();
        let secrets = list.iter().enumerate().map(|(i, secret)| {
            Secret::new(secret.as_bytes()).map_err(|_| {
                bad(format!(
                    "Secret {} of {count} in the OTP secret's list must be at least \
                     {MIN_SECRET_BYTES} bytes, got {}",
                    i + 1,
                    secret.len()
                ))
            })
        });
        Ok(Secrets(secrets.collect::<Result<_, _>>()?))
    }

    /// The secret every new record, number history and signature is made under.
    pub fn current(&self) -> &Secret {
        &self.0[0]
    }

    /// Every secret, the current one first.
    pub fn all(&self) -> &[Secret] {
        &self.0
    }

    /// The storage key of a (application id, ReferenceId, DestinationIdentity)
    /// under each secret, the current one's first: where its record may be.
    pub fn storage_keys(
        &self,
        application_id: &str,
        reference_id: &str,
        destination: &str,
    ) -> Vec<String> {
        self.0.iter().map(|s| s.storage_key(application_id, reference_id, destination)).collect()
    }
}

impl From<Secret> for Secrets {
    fn from(secret: Secret) -> Secrets {
        Secrets(vec![secret])
    }
}

/// A stored code: its HMAC, when it was made, delivered and expires, the
/// guesses left, and, while its SMS is pending, the code it would replace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The code's HMAC under the secret (base64url), never the code.
    pub code_hash: String,
    /// When the code was made (ms since the epoch).
    pub created_at_ms: u64,
    /// When the code expires (ms since the epoch).
    pub expires_at_ms: u64,
    /// Guesses the code still allows.
    pub attempts_left: u32,
    /// Wrong guesses against this code and, with protection on, the codes
    /// it replaced.
    pub wrong_guesses: u32,
    /// When the provider accepted its SMS (ms since the epoch); `None` while
    /// the SMS is pending, when the code itself never verifies.
    pub delivered_at_ms: Option<u64>,
    /// While pending: the last delivered record for the same key, if one was
    /// valid when this send began. It verifies meanwhile, and comes back if
    /// the delivery fails. Always delivered, never with a prior of its own.
    pub prior: Option<Box<Record>>,
}

impl Record {
    /// The record as stored: its format version and fields, dot-separated.
    pub fn encode(&self) -> String {
        let mut stored = format!("{FORMAT_VERSION}.{}", self.fields());
        if let (None, Some(prior)) = (self.delivered_at_ms, &self.prior) {
            stored.push('.');
            stored.push_str(&prior.fields());
        }
        stored
    }

    fn fields(&self) -> String {
        let delivered = match self.delivered_at_ms {
            Some(ms) => ms.to_string(),
            None => "p".to_owned(),
        };
        format!(
            "{}.{}.{}.{}.{}.{delivered}",
            self.created_at_ms,
            self.expires_at_ms,
            self.attempts_left,
            self.wrong_guesses,
            self.code_hash
        )
    }

    /// Whether its SMS is still pending (its own code does not verify).
    pub fn is_pending(&self) -> bool {
        self.delivered_at_ms.is_none()
    }

    /// Whether `other` is this record, made by the same send, whatever
    /// guesses or deliveries changed since.
    pub fn same_code(&self, other: &Record) -> bool {
        self.code_hash == other.code_hash && self.created_at_ms == other.created_at_ms
    }

    /// Whether the code is still valid at `now_ms` (not expired; maybe spent).
    pub fn is_live(&self, now_ms: u64) -> bool {
        now_ms < self.expires_at_ms
    }

    /// How long a store must keep it from `now_ms`: until it and its prior
    /// expire, rounded up to a second (at least one), saturated rather than
    /// wrapped for a record expiring centuries on (a corrupt store).
    pub fn ttl_seconds(&self, now_ms: u64) -> u32 {
        let until = self.prior.as_ref().map_or(0, |p| p.expires_at_ms).max(self.expires_at_ms);
        u32::try_from(until.saturating_sub(now_ms).div_ceil(1000)).unwrap_or(u32::MAX).max(1)
    }

    /// Reads a stored record; an unreadable one is an `InternalServerErrorException`.
    pub fn decode(stored: &str) -> Result<Record, Error> {
        let unreadable = || {
            Error::new(
                Exception::InternalServerError,
                format!("A stored OTP record is unreadable (expected format {FORMAT_VERSION})"),
            )
        };
        let fields: Vec<&str> = stored.split('.').collect();
        let (own, prior) = match (fields[0], fields.len()) {
            ("1", 5) => (Record::read(&fields[1..], 1), None),
            ("2", 6) => (Record::read(&fields[1..], 2), None),
            ("3", 7) => (Record::read(&fields[1..], 3), None),
            ("3", 13) => (Record::read(&fields[1..7], 3), Some(Record::read(&fields[7..], 3))),
            _ => return Err(unreadable()),
        };
        let mut own = own.ok_or_else(unreadable)?;
        if let Some(prior) = prior {
            let prior = prior.ok_or_else(unreadable)?;
            // Only a pending record has a prior, and a prior is delivered.
            if !own.is_pending() || prior.is_pending() {
                return Err(unreadable());
            }
            own.prior = Some(Box::new(prior));
        }
        Ok(own)
    }

    /// One record's fields in format `version`, without a prior.
    fn read(fields: &[&str], version: u32) -> Option<Record> {
        let number = |s: &str| {
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse::<u64>().ok()
            } else {
                None
            }
        };
        let mut fields = fields.iter().copied();
        let created_at_ms = number(fields.next()?)?;
        let expires_at_ms = number(fields.next()?)?;
        let attempts_left = u32::try_from(number(fields.next()?)?).ok()?;
        let wrong_guesses =
            if version == 1 { 0 } else { u32::try_from(number(fields.next()?)?).ok()? };
        let code_hash = fields.next()?;
        let is_hash = code_hash.len() == 43
            && code_hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !is_hash {
            return None;
        }
        let delivered_at_ms = match version {
            1 | 2 => Some(created_at_ms),
            _ => match fields.next()? {
                "p" => None,
                ms => Some(number(ms)?),
            },
        };
        Some(Record {
            code_hash: code_hash.to_owned(),
            created_at_ms,
            expires_at_ms,
            attempts_left,
            wrong_guesses,
            delivered_at_ms,
            prior: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::new(b"0123456789abcdef0123456789abcdef").unwrap()
    }

    #[test]
    fn secrets_shorter_than_16_bytes_are_refused() {
        let e = Secret::new(b"0123456789abcde").err().unwrap();
        assert_eq!(e.exception, Exception::InternalServerError);
        assert_eq!(e.message, "The OTP secret must be at least 16 bytes, got 15");
        assert!(Secret::new(b"0123456789abcdef").is_ok());
    }

    #[test]
    fn the_setting_lists_secrets_newest_first() {
        let one = Secrets::from_setting("0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(one.all().len(), 1);
        let key = |s: &Secret| s.storage_key("app", "ref", "+12065550007");
        assert_eq!(key(one.current()), key(&secret()));
        // A secret holding commas, spaces or brackets is one secret.
        let odd = Secrets::from_setting("a, b c] [d, e, f, g, h, i").unwrap();
        assert_eq!(odd.all().len(), 1);
        let two = Secrets::from_setting(
            r#"["the newer secret, 32 bytes long.", "0123456789abcdef0123456789abcdef"]"#,
        )
        .unwrap();
        assert_eq!(two.all().len(), 2);
        assert_eq!(key(&two.all()[1]), key(&secret()));
        assert_ne!(key(two.current()), key(&secret()));
        assert_eq!(
            two.storage_keys("app", "ref", "+12065550007"),
            [key(two.current()), key(&secret())]
        );
    }

    #[test]
    fn a_bad_list_says_what_is_wrong_without_a_secret() {
        let long = "0123456789abcdef0123456789abcdef";
        let short = |n| {
            format!("Secret {n} of 2 in the OTP secret's list must be at least 16 bytes, got 7")
        };
        let not_json = "The OTP secret starts with '[' but is not a JSON array of strings";
        for (setting, expected) in [
            (format!(r#"["{long}", "hunter2"]"#), short(2)),
            (format!(r#"["hunter2", "{long}"]"#), short(1)),
            ("[]".into(), "The OTP secret's list is empty: it needs at least one secret".into()),
            (format!(r#"["{long}", 12345678901234567]"#), not_json.into()),
            (format!("[{long}]"), not_json.into()),
            (format!(r#"["{long}""#), not_json.into()),
        ] {
            let e = Secrets::from_setting(&setting).err().unwrap();
            assert_eq!(e.exception, Exception::InternalServerError);
            assert_eq!(e.message, expected, "{setting}");
        }
        let e = Secrets::from_setting("hunter2").err().unwrap();
        assert_eq!(e.message, "The OTP secret must be at least 16 bytes, got 7");
    }

    #[test]
    fn storage_keys_are_url_safe_short_and_distinct() {
        let s = secret();
        let key = s.storage_key("app", "ref", "+12065550007");
        assert_eq!(key.len(), 47);
        assert!(key.len() <= 64);
        assert!(key.starts_with("otp_"));
        assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(key, s.storage_key("app", "ref", "+12065550007"), "deterministic");
        let others = [
            s.storage_key("app2", "ref", "+12065550007"),
            s.storage_key("app", "ref2", "+12065550007"),
            s.storage_key("app", "ref", "+12065550008"),
            // Moving bytes between fields must not collide.
            s.storage_key("appr", "ef", "+12065550007"),
            Secret::new(b"another secret of 32 bytes......").unwrap().storage_key(
                "app",
                "ref",
                "+12065550007",
            ),
        ];
        for other in others {
            assert_ne!(key, other);
        }
    }

    #[test]
    fn number_keys_are_per_application_and_tell_nothing_of_the_number() {
        let s = secret();
        let key = s.number_key("app", "+12065550007");
        assert!(key.starts_with("num_") && key.len() == 47);
        assert!(!key.contains("2065550007"));
        assert_ne!(key, s.number_key("app2", "+12065550007"));
        assert_ne!(key, s.number_key("app", "+12065550008"));
        assert_ne!(&key[4..], &s.storage_key("app", "", "+12065550007")[4..]);
    }

    #[test]
    fn counter_keys_are_per_application_and_tell_nothing() {
        let s = secret();
        let p = s.prefix_key("app", "+12065550");
        let c = s.country_key("app", "US");
        let m = s.spend_key("app");
        for (key, prefix) in [(&p, "pfx_"), (&c, "cty_"), (&m, "spd_")] {
            assert!(key.starts_with(prefix) && key.len() == 47, "{key}");
        }
        assert!(!p.contains("2065550"));
        assert_ne!(p, s.prefix_key("app2", "+12065550"));
        assert_ne!(c, s.country_key("app", "CA"));
        assert_ne!(m, s.spend_key("app2"));
        assert_ne!(&c[4..], &s.prefix_key("app", "US")[4..], "each purpose its own hash");
    }

    #[test]
    fn code_hashes_depend_on_every_field_and_differ_from_keys() {
        let s = secret();
        let h = s.code_hash("app", "ref", "+12065550007", "123456");
        assert_eq!(h.len(), 43);
        for other in [
            s.code_hash("app", "ref", "+12065550007", "123457"),
            s.code_hash("app", "ref", "+12065550008", "123456"),
            s.code_hash("app", "reg", "+12065550007", "123456"),
            s.code_hash("apq", "ref", "+12065550007", "123456"),
        ] {
            assert_ne!(h, other);
        }
        assert!(!s.storage_key("app", "ref", "+12065550007").contains(&h));
    }

    #[test]
    fn hmacs_match_an_independent_computation() {
        // HMAC-SHA256(secret, "edge-otp code v1\0" || len-prefixed fields),
        // written out by hand so a change of layout can't pass unnoticed.
        let mut message = b"edge-otp code v1\0".to_vec();
        for field in ["app", "ref", "+12065550007", "123456"] {
            message.extend((field.len() as u32).to_be_bytes());
            message.extend(field.as_bytes());
        }
        let expected = crate::hash::hmac_sha256(b"0123456789abcdef0123456789abcdef", &[&message]);
        assert_eq!(
            secret().code_hash("app", "ref", "+12065550007", "123456"),
            base64url(&expected)
        );
    }

    #[test]
    fn records_round_trip() {
        let record = Record {
            code_hash: secret().code_hash("app", "ref", "+12065550007", "123456"),
            created_at_ms: 1_764_115_200_000,
            expires_at_ms: 1_764_116_100_000,
            attempts_left: 3,
            wrong_guesses: 2,
            delivered_at_ms: Some(1_764_115_201_000),
            prior: None,
        };
        let stored = record.encode();
        let hash = &record.code_hash;
        assert_eq!(stored, format!("3.1764115200000.1764116100000.3.2.{hash}.1764115201000"));
        assert_eq!(Record::decode(&stored).unwrap(), record);
        // Pending, alone and with its prior (whose own prior is never written).
        let pending =
            Record { delivered_at_ms: None, created_at_ms: 1_764_115_260_000, ..record.clone() };
        let stored = pending.encode();
        assert_eq!(stored, format!("3.1764115260000.1764116100000.3.2.{hash}.p"));
        assert_eq!(Record::decode(&stored).unwrap(), pending);
        let with_prior = Record { prior: Some(Box::new(record.clone())), ..pending.clone() };
        let stored = with_prior.encode();
        assert_eq!(
            stored,
            format!(
                "3.1764115260000.1764116100000.3.2.{hash}.p.\
                 1764115200000.1764116100000.3.2.{hash}.1764115201000"
            )
        );
        assert_eq!(Record::decode(&stored).unwrap(), with_prior);
        assert_eq!(with_prior.ttl_seconds(1_764_115_260_000), 840);
        // A delivered record drops a prior it was given: only pending ones carry one.
        let odd = Record { prior: Some(Box::new(record.clone())), ..record.clone() };
        assert_eq!(odd.encode(), record.encode());
        // Formats 1 and 2, written when a record was stored as its SMS left:
        // delivered when made, format 1 before wrong guesses were counted.
        let made = Record { delivered_at_ms: Some(1_764_115_200_000), ..record.clone() };
        let v2 = format!("2.1764115200000.1764116100000.3.2.{hash}");
        assert_eq!(Record::decode(&v2).unwrap(), made);
        let v1 = format!("1.1764115200000.1764116100000.3.{hash}");
        assert_eq!(Record::decode(&v1).unwrap(), Record { wrong_guesses: 0, ..made });
    }

    #[test]
    fn unreadable_records_are_errors() {
        let hash = "A".repeat(43);
        let bad = [
            String::new(),
            "garbage".into(),
            format!("2.1.2.3.{hash}"),
            format!("3.1.2.3.0.{hash}"),
            format!("2.1.2.3.x.{hash}"),
            format!("1.1.2.3.{hash}.extra"),
            format!("1.1.2.{hash}"),
            format!("1.x.2.3.{hash}"),
            format!("1.1.2.-3.{hash}"),
            format!("1.1.2.+3.{hash}"),
            format!("1.1.2.4294967296.{hash}"),
            format!("1.1.99999999999999999999.3.{hash}"),
            "1.1.2.3.short".into(),
            format!("1.1.2.3.{}=", "A".repeat(42)),
            format!("3.1.2.3.0.{hash}"),
            format!("3.1.2.3.0.{hash}.x"),
            format!("3.1.2.3.0.{hash}.-1"),
            format!("3.1.2.3.0.{hash}.p.1.2.3.0.{hash}"),
            // Only a pending record has a prior, and a prior is delivered.
            format!("3.1.2.3.0.{hash}.5.1.2.3.0.{hash}.5"),
            format!("3.1.2.3.0.{hash}.p.1.2.3.0.{hash}.p"),
            format!("3.1.2.3.0.{hash}.p.1.2.3.0.{hash}.5.extra"),
            format!("4.1.2.3.0.{hash}.5"),
            format!("0.1.2.3.{hash}"),
        ];
        for stored in bad {
            let e = Record::decode(&stored).unwrap_err();
            assert_eq!(e.exception, Exception::InternalServerError, "{stored:?}");
        }
    }
}
