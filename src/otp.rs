//! SendOtpMessage and VerifyOtpMessage as pure functions of their inputs.
//!
//! The host reads and writes the store; these functions say what to write.
//! Time comes in as milliseconds since the epoch: the core has no clock.

use crate::code::Entropy;
use crate::error::{Error, Exception};
use crate::identity::OriginationKind;
use crate::member::quote;
use crate::otp_templates::{self, AppMessages};
use crate::params::{SendOtpParameters, VerifyOtpParameters};
use crate::record::{Record, Secret, Secrets};
use crate::sms::Encoding;
use crate::template::Message;
use serde::Serialize;

/// The application ids Pinpoint's paths carry: letters, digits, `.`, `_`, `-`.
pub fn check_application_id(application_id: &str) -> Result<(), Error> {
    let ok = (1..=64).contains(&application_id.len())
        && application_id.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::bad_field(
            "ApplicationId",
            format!(
                "ApplicationId must be 1 to 64 letters, digits, '.', '_' or '-', got {}",
                quote(application_id)
            ),
        ))
    }
}

/// The SMS a send asks the host to deliver; read back when the host hands it
/// to a provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Sms {
    /// The message id SendOtpMessage answers, 40 lowercase letters and digits.
    pub message_id: String,
    /// The DestinationIdentity, E.164.
    pub to: String,
    /// The OriginationIdentity, as given.
    pub from: String,
    /// What kind of sender `from` is.
    pub origination_kind: OriginationKind,
    /// The text, code included.
    pub body: String,
    /// GSM-7 or UCS-2, whichever the text needs.
    pub encoding: Encoding,
    /// How many SMS segments the text takes.
    pub segments: u32,
    /// India DLT identifiers, passed through.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub entity_id: Option<String>,
    /// India DLT template ID, passed through.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub template_id: Option<String>,
}

/// What a send asks the host to do: store `record` under `storage_key` for
/// `ttl_seconds` (replacing any earlier code), then deliver `sms`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SendResult {
    /// The keyed hash of (application, ReferenceId, DestinationIdentity) the record goes under.
    pub storage_key: String,
    /// The encoded record: the code's HMAC, never the code.
    pub record: String,
    /// ValidityPeriod in seconds: how long the store keeps the record.
    pub ttl_seconds: u32,
    /// When the code expires (ms since the epoch).
    pub expires_at_ms: u64,
    /// Guesses the new code allows: AllowedAttempts, less the wrong guesses
    /// carried over from the code it replaces when protection is on.
    pub attempts_left: u32,
    /// The SMS to deliver.
    pub sms: Sms,
}

/// SendOtpMessage as Pinpoint does it: a fresh code with every attempt.
/// `messages` is the application's entry of `OTP_TEMPLATES`, if any
/// (`compose` writes the SMS from it); a send it refuses (a DLT mismatch)
/// stores and sends nothing.
pub fn send(
    secret: &Secret,
    application_id: &str,
    params: &SendOtpParameters,
    messages: Option<&AppMessages>,
    now_ms: u64,
    entropy: &mut Entropy,
) -> Result<SendResult, Error> {
    send_replacing(secret, application_id, params, messages, None, false, now_ms, entropy)
}

/// SendOtpMessage replacing `prior`, the record stored under the same key
/// (if any). With `carry_guesses` (protection on), the wrong guesses made
/// against a code still valid count against the new one, so resending
/// can't buy more guesses; with none left, the new code is dead until the
/// last code's validity has passed.
#[allow(clippy::too_many_arguments)]
pub fn send_replacing(
    secret: &Secret,
    application_id: &str,
    params: &SendOtpParameters,
    messages: Option<&AppMessages>,
    prior: Option<&str>,
    carry_guesses: bool,
    now_ms: u64,
    entropy: &mut Entropy,
) -> Result<SendResult, Error> {
    check_application_id(application_id)?;
    // An unreadable prior record is replaced like any other.
    let wrong_guesses = match prior.map(Record::decode) {
        Some(Ok(prior)) if carry_guesses && now_ms < prior.expires_at_ms => prior.wrong_guesses,
        _ => 0,
    };
    let code = entropy.code(params.code_length)?;
    #[cfg(feature = "test-trap")]
    if params.brand_name == "edge-otp:trap" {
        panic!("the test build's trap");
    }
    let message_id = entropy.message_id()?;
    let (reference_id, destination) = (&params.reference_id, &params.destination_identity);
    let ttl_seconds = params.validity_period * 60;
    let expires_at_ms = now_ms + u64::from(ttl_seconds) * 1000;
    let attempts_left = params.allowed_attempts.saturating_sub(wrong_guesses);
    let record = Record {
        code_hash: secret.code_hash(application_id, reference_id, destination, &code),
        created_at_ms: now_ms,
        expires_at_ms,
        attempts_left,
        wrong_guesses,
    };
    let message = message(params, messages, &code)?;
    Ok(SendResult {
        storage_key: secret.storage_key(application_id, reference_id, destination),
        record: record.encode(),
        ttl_seconds,
        expires_at_ms,
        attempts_left,
        sms: Sms {
            message_id,
            to: destination.clone(),
            from: params.origination_identity.clone(),
            origination_kind: params.origination_kind,
            body: message.body,
            encoding: message.encoding,
            segments: message.segments,
            entity_id: params.entity_id.clone(),
            template_id: params.template_id.clone(),
        },
    })
}

/// The SMS text a send of `params` writes for `code` (see
/// `otp_templates::compose`), or why it may not be sent.
pub fn message(
    params: &SendOtpParameters,
    messages: Option<&AppMessages>,
    code: &str,
) -> Result<Message, Error> {
    otp_templates::compose(
        messages,
        params.language,
        code,
        &params.brand_name,
        params.validity_period,
        params.template_id.as_deref(),
    )
}

/// Why a verify answered as it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum VerifyReason {
    /// The right code, in time, with attempts left. The record is used up.
    Valid,
    /// A wrong code. One attempt is used.
    Mismatch,
    /// The code's ValidityPeriod has passed.
    Expired,
    /// Every allowed attempt was used; even the right code fails now.
    AttemptsExhausted,
    /// No code was sent, it was used already, or a newer one replaced it.
    NotFound,
}

impl VerifyReason {
    /// The reason's name as the API writes it, e.g. `AttemptsExhausted`.
    pub fn name(self) -> &'static str {
        match self {
            VerifyReason::Valid => "Valid",
            VerifyReason::Mismatch => "Mismatch",
            VerifyReason::Expired => "Expired",
            VerifyReason::AttemptsExhausted => "AttemptsExhausted",
            VerifyReason::NotFound => "NotFound",
        }
    }
}

/// What the host must do to the stored record after a verify.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum VerifyAction {
    /// Leave the store as it is.
    Keep,
    /// Replace the record, if it is still the one read (compare-and-swap).
    Write {
        /// The new encoded record.
        record: String,
        /// How long the store keeps it: until the code expires.
        #[serde(rename = "ttlSeconds")]
        ttl_seconds: u32,
    },
    /// Remove the record, if it is still the one read.
    Delete,
}

/// One step of a verify: the answer, and what to do to the record read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct VerifyStep {
    /// Whether the code matched: VerifyOtpMessage's `Valid`.
    pub valid: bool,
    /// Why it is valid or not.
    pub reason: VerifyReason,
    /// Guesses the code still allows.
    pub attempts_left: u32,
    /// What the host does to the record it read.
    pub action: VerifyAction,
}

/// A VerifyOtpMessage checked once: its parameters and the storage keys the
/// record they name may be under, one per secret. The host reads those keys
/// in order, asks [`Self::step`] what to do with the first record found, and
/// applies it under that key with compare-and-swap; when the record changed
/// meanwhile it reads again and steps again, without checking anything twice.
#[derive(Clone, Debug)]
pub struct Verification {
    application_id: String,
    params: VerifyOtpParameters,
    storage_keys: Vec<String>,
}

impl Verification {
    /// Checks the application id and works out the storage keys, one per secret.
    pub fn new(
        secrets: &Secrets,
        application_id: &str,
        params: VerifyOtpParameters,
    ) -> Result<Verification, Error> {
        check_application_id(application_id)?;
        let storage_keys = secrets.storage_keys(
            application_id,
            &params.reference_id,
            &params.destination_identity,
        );
        Ok(Verification { application_id: application_id.to_owned(), params, storage_keys })
    }

    /// Where the record is stored when the current secret made it.
    pub fn storage_key(&self) -> &str {
        &self.storage_keys[0]
    }

    /// Where the record may be stored: under the current secret's key, then
    /// each older secret's. A new send replaces older records, so the first
    /// key holding one is the record to step.
    pub fn storage_keys(&self) -> &[String] {
        &self.storage_keys
    }

    /// The verify transition: from the record (if any) read under
    /// `storage_key`, one of [`Self::storage_keys`], the answer and what
    /// becomes of the record. The code is compared under the secret that
    /// made that key, in constant time, and only after expiry and attempts
    /// are checked.
    pub fn step(
        &self,
        secrets: &Secrets,
        storage_key: &str,
        stored: Option<&str>,
        now_ms: u64,
    ) -> Result<VerifyStep, Error> {
        let secret = self
            .storage_keys
            .iter()
            .position(|key| key == storage_key)
            .and_then(|i| secrets.all().get(i))
            .ok_or_else(|| {
                Error::new(
                    Exception::InternalServerError,
                    "The record was read under a key this verification does not use",
                )
            })?;
        step(secret, &self.application_id, &self.params, stored, now_ms)
    }
}

/// A whole verify in one call, for hosts without concurrency to fear.
pub fn verify(
    secret: &Secret,
    application_id: &str,
    params: &VerifyOtpParameters,
    stored: Option<&str>,
    now_ms: u64,
) -> Result<VerifyStep, Error> {
    let secrets = Secrets::from(secret.clone());
    let verification = Verification::new(&secrets, application_id, params.clone())?;
    verification.step(&secrets, verification.storage_key(), stored, now_ms)
}

fn step(
    secret: &Secret,
    application_id: &str,
    params: &VerifyOtpParameters,
    stored: Option<&str>,
    now_ms: u64,
) -> Result<VerifyStep, Error> {
    let answer = |reason, action, attempts_left| VerifyStep {
        valid: reason == VerifyReason::Valid,
        reason,
        action,
        attempts_left,
    };
    let Some(stored) = stored else {
        return Ok(answer(VerifyReason::NotFound, VerifyAction::Keep, 0));
    };
    let record = Record::decode(stored)?;
    if now_ms >= record.expires_at_ms {
        return Ok(answer(VerifyReason::Expired, VerifyAction::Delete, 0));
    }
    if record.attempts_left == 0 {
        return Ok(answer(VerifyReason::AttemptsExhausted, VerifyAction::Keep, 0));
    }
    let guess = secret.code_hash(
        application_id,
        &params.reference_id,
        &params.destination_identity,
        &params.otp,
    );
    if crate::hash::constant_time_eq(guess.as_bytes(), record.code_hash.as_bytes()) {
        return Ok(answer(VerifyReason::Valid, VerifyAction::Delete, 0));
    }
    // A spent record stays until it expires, so later guesses, even right
    // ones, keep failing as AttemptsExhausted instead of NotFound.
    let attempts_left = record.attempts_left - 1;
    // Saturated, not wrapped: a record expiring centuries on (a corrupt
    // store) must not get a TTL that wraps to almost nothing.
    let ttl_seconds =
        u32::try_from((record.expires_at_ms - now_ms).div_ceil(1000)).unwrap_or(u32::MAX);
    let wrong_guesses = record.wrong_guesses.saturating_add(1);
    let record = Record { attempts_left, wrong_guesses, ..record }.encode();
    Ok(answer(VerifyReason::Mismatch, VerifyAction::Write { record, ttl_seconds }, attempts_left))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_764_115_200_000;
    const APP: &str = "7f3c9a0d2b8e4f61a5c0d9e8b7a6f5e4";

    fn secret() -> Secret {
        Secret::new(b"a test secret of thirty-two byte").unwrap()
    }

    /// The minimal request with the members in `extra` (", "-led) added or replaced.
    fn params(extra: &str) -> SendOtpParameters {
        let mut request: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
            r#"{"Channel": "SMS", "BrandName": "ExampleCorp", "OriginationIdentity": "+18555550142",
                "DestinationIdentity": "+12065550007", "ReferenceId": "SampleReferenceId"}"#,
        )
        .unwrap();
        let extra: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&format!("{{{}}}", extra.trim_start_matches(", "))).unwrap();
        request.extend(extra);
        SendOtpParameters::from_json(&serde_json::to_vec(&request).unwrap(), false).unwrap()
    }

    fn sent(extra: &str) -> SendResult {
        send(&secret(), APP, &params(extra), None, NOW, &mut Entropy::new()).unwrap()
    }

    /// The code, read back from the SMS the way a user would.
    fn code_of(s: &SendResult) -> String {
        s.sms.body.chars().filter(char::is_ascii_digit).collect()
    }

    fn guess(otp: &str) -> VerifyOtpParameters {
        VerifyOtpParameters {
            reference_id: "SampleReferenceId".into(),
            destination_identity: "+12065550007".into(),
            otp: otp.into(),
        }
    }

    fn check(stored: Option<&str>, otp: &str, now_ms: u64) -> VerifyStep {
        verify(&secret(), APP, &guess(otp), stored, now_ms).unwrap()
    }

    /// The record after applying a verification's action to `stored`.
    fn apply(stored: Option<String>, v: &VerifyStep) -> Option<String> {
        match &v.action {
            VerifyAction::Keep => stored,
            VerifyAction::Write { record, .. } => Some(record.clone()),
            VerifyAction::Delete => None,
        }
    }

    #[test]
    fn send_produces_a_key_record_and_sms() {
        let s = sent(
            r#", "CodeLength": 8, "ValidityPeriod": 20, "AllowedAttempts": 5, "EntityId": "E1", "TemplateId": "T1""#,
        );
        let code = code_of(&s);
        assert_eq!(code.len(), 8);
        assert_eq!(s.sms.body, format!("This is your One Time Password: {code} from ExampleCorp"));
        assert_eq!((s.sms.to.as_str(), s.sms.from.as_str()), ("+12065550007", "+18555550142"));
        assert_eq!((s.sms.encoding, s.sms.segments), (Encoding::Gsm7, 1));
        assert_eq!(s.sms.origination_kind, OriginationKind::PhoneNumber);
        assert_eq!(
            (s.sms.entity_id.as_deref(), s.sms.template_id.as_deref()),
            (Some("E1"), Some("T1"))
        );
        assert_eq!(s.ttl_seconds, 20 * 60);
        assert_eq!(s.expires_at_ms, NOW + 20 * 60 * 1000);
        assert_eq!(s.storage_key, secret().storage_key(APP, "SampleReferenceId", "+12065550007"));
        let record = Record::decode(&s.record).unwrap();
        assert_eq!(record.attempts_left, 5);
        assert_eq!(record.created_at_ms, NOW);
        assert_eq!(record.expires_at_ms, s.expires_at_ms);
    }

    #[test]
    fn message_ids_are_like_pinpoints() {
        let a = sent("").sms.message_id;
        let b = sent("").sms.message_id;
        assert_ne!(a, b);
        assert_eq!(a.len(), 40);
        assert!(a.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{a}");
    }

    #[test]
    fn a_verification_knows_its_key_and_steps_without_rechecking() {
        let s = sent("");
        let secrets = Secrets::from(secret());
        let v = Verification::new(&secrets, APP, guess(&code_of(&s))).unwrap();
        assert_eq!(v.storage_key(), s.storage_key);
        assert_eq!(v.storage_keys(), std::slice::from_ref(&s.storage_key));
        // Stepping twice over the same record answers the same, as a host
        // retrying a lost compare-and-swap needs.
        let first = v.step(&secrets, &s.storage_key, Some(&s.record), NOW).unwrap();
        let again = v.step(&secrets, &s.storage_key, Some(&s.record), NOW).unwrap();
        assert_eq!(first, again);
        assert_eq!(first.reason, VerifyReason::Valid);
        let e = v.step(&secrets, "otp_another", Some(&s.record), NOW).unwrap_err();
        assert_eq!(e.exception, Exception::InternalServerError);
        let e = Verification::new(&secrets, "bad app", guess("1")).unwrap_err();
        assert_eq!(e.field, Some("ApplicationId"));
    }

    /// A verify of `otp` against a store, as a host runs it: the first of
    /// the verification's keys holding a record is stepped, under that key.
    fn verify_in(
        store: &mut std::collections::HashMap<String, String>,
        secrets: &Secrets,
        otp: &str,
    ) -> VerifyReason {
        let v = Verification::new(secrets, APP, guess(otp)).unwrap();
        let key = v.storage_keys().iter().find(|k| store.contains_key(*k));
        let key = key.unwrap_or(&v.storage_keys()[0]).clone();
        let step = v.step(secrets, &key, store.get(&key).map(String::as_str), NOW).unwrap();
        match apply(store.remove(&key), &step) {
            Some(record) => store.insert(key, record),
            None => None,
        };
        step.reason
    }

    #[test]
    fn a_code_sent_before_a_rotation_verifies_once_after_it() {
        let (a, b) = ("a test secret of thirty-two byte", "the secret that replaces it, 32");
        let only_a = Secrets::from_setting(a).unwrap();
        let b_then_a = Secrets::from_setting(&format!(r#"["{b}", "{a}"]"#)).unwrap();
        let only_b = Secrets::from_setting(b).unwrap();
        let s = send(only_a.current(), APP, &params(""), None, NOW, &mut Entropy::new()).unwrap();
        let code = code_of(&s);
        let mut store = std::collections::HashMap::from([(s.storage_key.clone(), s.record)]);

        // Only the new secret listed: the record made under the old one is not found.
        assert_eq!(verify_in(&mut store.clone(), &only_b, &code), VerifyReason::NotFound);
        // Both listed, the new first: the old code is valid, once.
        let v = Verification::new(&b_then_a, APP, guess(&code)).unwrap();
        assert_eq!(v.storage_keys()[1], s.storage_key, "the old key comes second");
        assert_ne!(v.storage_keys()[0], s.storage_key);
        let wrong = if code == "000000" { "000001" } else { "000000" };
        assert_eq!(verify_in(&mut store, &b_then_a, wrong), VerifyReason::Mismatch);
        assert_eq!(verify_in(&mut store, &b_then_a, &code), VerifyReason::Valid);
        assert_eq!(verify_in(&mut store, &b_then_a, &code), VerifyReason::NotFound);

        // A new send is made under the new secret, and verifies under it.
        let s = send(b_then_a.current(), APP, &params(""), None, NOW, &mut Entropy::new()).unwrap();
        assert_eq!(s.storage_key, v.storage_keys()[0]);
        assert_ne!(
            s.storage_key,
            only_a.current().storage_key(APP, "SampleReferenceId", "+12065550007")
        );
        let code = code_of(&s);
        let mut store = std::collections::HashMap::from([(s.storage_key.clone(), s.record)]);
        assert_eq!(verify_in(&mut store.clone(), &only_a, &code), VerifyReason::NotFound);
        assert_eq!(verify_in(&mut store.clone(), &only_b, &code), VerifyReason::Valid);
        assert_eq!(verify_in(&mut store, &b_then_a, &code), VerifyReason::Valid);
    }

    #[test]
    fn a_record_is_compared_under_the_secret_of_its_key() {
        let s = sent("");
        let other = Secret::new(b"a different secret of 32 bytes!!").unwrap();
        let secrets = Secrets::from_setting(
            r#"["a different secret of 32 bytes!!", "a test secret of thirty-two byte"]"#,
        )
        .unwrap();
        let v = Verification::new(&secrets, APP, guess(&code_of(&s))).unwrap();
        let step = |key: &str| v.step(&secrets, key, Some(&s.record), NOW).unwrap().reason;
        assert_eq!(step(&v.storage_keys()[1]), VerifyReason::Valid);
        // Read under the current key, the old secret's record can't match.
        assert_eq!(step(&v.storage_keys()[0]), VerifyReason::Mismatch);
        assert_eq!(
            v.storage_keys()[0],
            other.storage_key(APP, "SampleReferenceId", "+12065550007")
        );
    }

    #[test]
    fn neither_record_nor_key_holds_the_code_or_the_phone_number() {
        for _ in 0..200 {
            let s = sent(r#", "CodeLength": 5"#);
            let code = code_of(&s);
            // The record's times are digits too (1764115200000): a 5-digit
            // code turns up in them by chance one send in 5,000, so the
            // code is looked for in everything but them.
            let record = Record::decode(&s.record).unwrap();
            let not_times =
                format!("{}.{}.{}", record.attempts_left, record.wrong_guesses, record.code_hash);
            assert_eq!(s.record, format!("2.{NOW}.{}.{not_times}", record.expires_at_ms));
            for stored in [&not_times, &s.storage_key] {
                assert!(!stored.contains(&code), "{stored} holds {code}");
                for secret_text in ["+12065550007", "12065550007", "2065550007", "5550007"] {
                    assert!(!stored.contains(secret_text), "{stored} holds {secret_text}");
                }
            }
        }
    }

    #[test]
    fn the_right_code_is_valid_once() {
        let s = sent("");
        let v = check(Some(&s.record), &code_of(&s), NOW + 1000);
        assert_eq!(
            (v.valid, v.reason, &v.action),
            (true, VerifyReason::Valid, &VerifyAction::Delete)
        );
        let stored = apply(Some(s.record.clone()), &v);
        let v = check(stored.as_deref(), &code_of(&s), NOW + 2000);
        assert_eq!(
            (v.valid, v.reason, &v.action),
            (false, VerifyReason::NotFound, &VerifyAction::Keep)
        );
    }

    #[test]
    fn a_wrong_code_uses_one_attempt_until_none_are_left() {
        let s = sent(r#", "AllowedAttempts": 3"#);
        let wrong = if code_of(&s) == "000000" { "000001" } else { "000000" };
        let mut stored = Some(s.record.clone());
        for left in [2, 1, 0] {
            let v = check(stored.as_deref(), wrong, NOW + 1000);
            assert_eq!((v.valid, v.reason, v.attempts_left), (false, VerifyReason::Mismatch, left));
            let VerifyAction::Write { record, ttl_seconds } = &v.action else { panic!("{v:?}") };
            assert_eq!(Record::decode(record).unwrap().attempts_left, left);
            assert_eq!(*ttl_seconds, 15 * 60 - 1);
            stored = apply(stored, &v);
        }
        // Locked out: even the right code fails, and the record stays put.
        let v = check(stored.as_deref(), &code_of(&s), NOW + 2000);
        assert_eq!(
            (v.valid, v.reason, &v.action),
            (false, VerifyReason::AttemptsExhausted, &VerifyAction::Keep)
        );
    }

    #[test]
    fn the_last_attempt_can_still_succeed() {
        let s = sent(r#", "AllowedAttempts": 1"#);
        let v = check(Some(&s.record), &code_of(&s), NOW);
        assert_eq!((v.valid, v.reason), (true, VerifyReason::Valid));
        let s = sent(r#", "AllowedAttempts": 2"#);
        let wrong = if code_of(&s) == "000000" { "000001" } else { "000000" };
        let v = check(Some(&s.record), wrong, NOW);
        let stored = apply(Some(s.record.clone()), &v);
        let v = check(stored.as_deref(), &code_of(&s), NOW);
        assert_eq!((v.valid, v.reason), (true, VerifyReason::Valid));
    }

    #[test]
    fn codes_expire_at_the_end_of_the_validity_period() {
        let s = sent(r#", "ValidityPeriod": 5"#);
        let just_before = s.expires_at_ms - 1;
        let v = check(Some(&s.record), "000000", just_before);
        let VerifyAction::Write { ttl_seconds, .. } = v.action else { panic!() };
        assert_eq!(ttl_seconds, 1, "the remaining millisecond rounds up to a second");
        let v = check(Some(&s.record), &code_of(&s), just_before);
        assert_eq!(v.reason, VerifyReason::Valid);
        for now in [s.expires_at_ms, s.expires_at_ms + 3_600_000] {
            let v = check(Some(&s.record), &code_of(&s), now);
            assert_eq!(
                (v.valid, v.reason, &v.action),
                (false, VerifyReason::Expired, &VerifyAction::Delete)
            );
        }
    }

    #[test]
    fn with_protection_a_resend_keeps_the_wrong_guesses_made() {
        let p = params(r#", "AllowedAttempts": 3"#);
        let first = sent("");
        let wrong = if code_of(&first) == "000000" { "000001" } else { "000000" };
        let mut stored = Some(first.record.clone());
        for _ in 0..2 {
            let v = check(stored.as_deref(), wrong, NOW);
            stored = apply(stored, &v);
        }
        let resend = |prior: Option<&str>, carry, now| {
            send_replacing(&secret(), APP, &p, None, prior, carry, now, &mut Entropy::new())
                .unwrap()
        };
        // Pinpoint's way: a fresh set of guesses.
        assert_eq!(resend(stored.as_deref(), false, NOW).attempts_left, 3);
        // Protected: 3 allowed less the 2 made.
        let second = resend(stored.as_deref(), true, NOW + 1000);
        assert_eq!(second.attempts_left, 1);
        assert_eq!(Record::decode(&second.record).unwrap().wrong_guesses, 2);
        let v = check(Some(&second.record), wrong, NOW + 2000);
        assert_eq!((v.reason, v.attempts_left), (VerifyReason::Mismatch, 0));
        let v =
            check(apply(Some(second.record.clone()), &v).as_deref(), &code_of(&second), NOW + 3000);
        assert_eq!(v.reason, VerifyReason::AttemptsExhausted, "the right code is dead too");
        // Once the last code has expired, the count starts over.
        let later = resend(stored.as_deref(), true, first.expires_at_ms);
        assert_eq!(later.attempts_left, 3);
        // A resend with no guesses left sends a dead code.
        let spent =
            Record { attempts_left: 0, wrong_guesses: 3, ..Record::decode(&first.record).unwrap() };
        assert_eq!(resend(Some(&spent.encode()), true, NOW).attempts_left, 0);
    }

    #[test]
    fn a_new_send_replaces_the_old_code() {
        let first = sent("");
        let mut second = sent("");
        while code_of(&second) == code_of(&first) {
            second = sent("");
        }
        assert_eq!(first.storage_key, second.storage_key, "same key: the store overwrites");
        let v = check(Some(&second.record), &code_of(&first), NOW);
        assert_eq!(v.reason, VerifyReason::Mismatch);
        let v = check(Some(&second.record), &code_of(&second), NOW);
        assert_eq!(v.reason, VerifyReason::Valid);
    }

    #[test]
    fn a_code_is_bound_to_its_application_reference_and_phone() {
        let s = sent("");
        let code = code_of(&s);
        let other_app =
            verify(&secret(), "other-app", &guess(&code), Some(&s.record), NOW).unwrap();
        assert_eq!(other_app.reason, VerifyReason::Mismatch);
        let mut other_ref = guess(&code);
        other_ref.reference_id = "Other".into();
        let v = verify(&secret(), APP, &other_ref, Some(&s.record), NOW).unwrap();
        assert_eq!(v.reason, VerifyReason::Mismatch);
        let other_secret = Secret::new(b"a different secret of 32 bytes!!").unwrap();
        let v = verify(&other_secret, APP, &guess(&code), Some(&s.record), NOW).unwrap();
        assert_eq!(v.reason, VerifyReason::Mismatch);
    }

    #[test]
    fn guesses_of_any_shape_are_mismatches() {
        let s = sent("");
        let code = code_of(&s);
        for g in [&code[..5], &format!("{code}0"), " 123456", "abcdef", "١٢٣٤٥٦"] {
            assert_eq!(check(Some(&s.record), g, NOW).reason, VerifyReason::Mismatch, "{g}");
        }
    }

    #[test]
    fn the_applications_messages_write_the_sms_and_a_dlt_mismatch_sends_nothing() {
        let setting = crate::otp_templates::OtpTemplates::from_json(
            r#"{"applications": {"*": {
                "templates": {"en-US": "{{otp}} is your {{brand}} code, valid {{minutes}} minutes."},
                "webOtpDomain": "example.com",
                "dlt": {"1107": {"text": "{#var#} is your {#var#} code, valid {#var#} minutes.\n\n@example.com #{#var#}"}}
            }}}"#,
        )
        .unwrap();
        let messages = setting.for_application(APP);
        let send_with =
            |extra: &str| send(&secret(), APP, &params(extra), messages, NOW, &mut Entropy::new());
        let s = send_with(r#", "ValidityPeriod": 10, "TemplateId": "1107""#).unwrap();
        let code = &s.sms.body[..6];
        assert_eq!(
            s.sms.body,
            format!("{code} is your ExampleCorp code, valid 10 minutes.\n\n@example.com #{code}")
        );
        assert_eq!((s.sms.encoding, s.sms.segments), (Encoding::Gsm7, 1));
        assert_eq!(s.sms.template_id.as_deref(), Some("1107"));
        // German falls back to the default text, which is not the registered one.
        let e = send_with(r#", "Language": "de-DE", "TemplateId": "1107""#).unwrap_err();
        assert_eq!((e.exception, e.field), (Exception::BadRequest, Some("TemplateId")));
        let expected = "the message does not match DLT template \"1107\"";
        assert!(e.message.starts_with(expected), "{}", e.message);
    }

    #[test]
    fn unreadable_records_and_bad_application_ids_are_errors() {
        let e = verify(&secret(), APP, &guess("123456"), Some("garbage"), NOW).unwrap_err();
        assert_eq!(e.exception, Exception::InternalServerError);
        for bad in ["", "a/b", "app id", &"a".repeat(65)] {
            let e = verify(&secret(), bad, &guess("123456"), None, NOW).unwrap_err();
            assert_eq!((e.exception, e.field), (Exception::BadRequest, Some("ApplicationId")));
            let e = send(&secret(), bad, &params(""), None, NOW, &mut Entropy::new()).unwrap_err();
            assert_eq!(e.field, Some("ApplicationId"));
        }
        assert!(check_application_id(&"a".repeat(64)).is_ok());
        assert!(check_application_id("my-app_1.2").is_ok());
    }

    #[test]
    fn other_languages_and_brands_reach_the_sms() {
        let s = sent(r#", "Language": "ja-jp", "BrandName": "例え株式会社""#);
        assert_eq!(s.sms.encoding, Encoding::Ucs2);
        assert!(s.sms.body.starts_with("例え株式会社のワンタイムパスワードは"));
        assert_eq!(code_of(&s).len(), 6);
    }
}
