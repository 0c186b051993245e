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
/// `ttl_seconds`, then deliver `sms`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SendResult {
    /// The keyed hash of (application, ReferenceId, DestinationIdentity) the record goes under.
    pub storage_key: String,
    /// The encoded record: the code's HMAC, never the code.
    pub record: String,
    /// How long the store keeps the record: ValidityPeriod in seconds, or
    /// longer while it carries a prior code that expires later.
    pub ttl_seconds: u32,
    /// When the code expires (ms since the epoch).
    pub expires_at_ms: u64,
    /// Guesses the new code allows: AllowedAttempts, less the wrong guesses
    /// carried over from the code it replaces when protection is on.
    pub attempts_left: u32,
    /// The SMS to deliver.
    pub sms: Sms,
}

/// SendOtpMessage as Pinpoint does it: a fresh code with every attempt, its
/// record already counted as delivered. `messages` is the application's
/// entry of `OTP_TEMPLATES`, if any (`compose` writes the SMS from it); a
/// send it refuses (a DLT mismatch) stores and sends nothing. For hosts
/// without a failed delivery to undo; others [`issue`] and [`confirm`].
pub fn send(
    secret: &Secret,
    application_id: &str,
    params: &SendOtpParameters,
    messages: Option<&AppMessages>,
    now_ms: u64,
    entropy: &mut Entropy,
) -> Result<SendResult, Error> {
    let (record, mut sent) = draw(secret, application_id, params, messages, 0, now_ms, entropy)?;
    sent.record = Record { delivered_at_ms: Some(now_ms), ..record }.encode();
    Ok(sent)
}

/// SendOtpMessage in place of `current`, the record stored under the same
/// key (if any): a *pending* record, whose own code does not verify until
/// [`confirm`] says its SMS was delivered, carrying as its prior the last
/// delivered code that is still valid (`current` itself, or the prior of a
/// send still pending), which keeps verifying meanwhile and comes back if
/// the delivery fails ([`withdraw`]). With `carry_guesses` (protection on),
/// the wrong guesses made against a code still valid count against the new
/// one, so resending can't buy more guesses; with none left, the new code
/// is dead until the last code's validity has passed.
#[allow(clippy::too_many_arguments)]
pub fn issue(
    secret: &Secret,
    application_id: &str,
    params: &SendOtpParameters,
    messages: Option<&AppMessages>,
    current: Option<&str>,
    carry_guesses: bool,
    now_ms: u64,
    entropy: &mut Entropy,
) -> Result<SendResult, Error> {
    // An unreadable record is replaced like any other, and never comes back.
    let current = current.and_then(|c| Record::decode(c).ok());
    let prior = current.as_ref().and_then(|c| last_delivered(c, now_ms));
    let wrong_guesses = match &current {
        Some(c) if carry_guesses => {
            let live = |r: &Record| if r.is_live(now_ms) { r.wrong_guesses } else { 0 };
            live(c).max(c.prior.as_deref().map_or(0, live))
        }
        _ => 0,
    };
    let (record, mut sent) =
        draw(secret, application_id, params, messages, wrong_guesses, now_ms, entropy)?;
    let record = Record { prior: prior.map(Box::new), ..record };
    sent.ttl_seconds = record.ttl_seconds(now_ms);
    sent.record = record.encode();
    Ok(sent)
}

/// The last delivered code in `current` still valid at `now_ms`: itself
/// when delivered, its prior while pending.
fn last_delivered(current: &Record, now_ms: u64) -> Option<Record> {
    let delivered = if current.is_pending() { current.prior.as_deref()? } else { current };
    delivered.is_live(now_ms).then(|| Record { prior: None, ..delivered.clone() })
}

/// A fresh code for `params` with `wrong_guesses` already made against it:
/// its record, pending and without a prior, and the send's answer (whose
/// `record` the caller fills in).
fn draw(
    secret: &Secret,
    application_id: &str,
    params: &SendOtpParameters,
    messages: Option<&AppMessages>,
    wrong_guesses: u32,
    now_ms: u64,
    entropy: &mut Entropy,
) -> Result<(Record, SendResult), Error> {
    check_application_id(application_id)?;
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
        delivered_at_ms: None,
        prior: None,
    };
    let message = message(params, messages, &code)?;
    let sent = SendResult {
        storage_key: secret.storage_key(application_id, reference_id, destination),
        record: String::new(),
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
    };
    Ok((record, sent))
}

/// After the provider accepted the SMS of `issued` (the record [`issue`]
/// made) at `delivered_at_ms`: what to write in place of `current`, the
/// record under its key now, so that the code of the last SMS delivered is
/// the one that verifies. Still ours: it becomes delivered, with the
/// guesses made meanwhile. Another send's, pending (issued after ours): ours
/// becomes its prior. Another send's, delivered before ours: ours replaces
/// it. Gone (a code used or expired), or unreadable: ours is written, as a
/// new send after it would be. A record delivered after ours, there or as a
/// prior, stays. Replacing or joining another code keeps the more wrong
/// guesses of the two, so a race never buys guesses.
pub fn confirm(
    issued: &str,
    current: Option<&str>,
    delivered_at_ms: u64,
    now_ms: u64,
) -> Result<VerifyAction, Error> {
    let ours = Record::decode(issued)?;
    if !ours.is_live(now_ms) {
        return Ok(VerifyAction::Keep);
    }
    let delivered = |r: Record| Record { delivered_at_ms: Some(delivered_at_ms), prior: None, ..r };
    let later = |r: &Record| {
        r.is_live(now_ms) && (r.same_code(&ours) || r.delivered_at_ms >= Some(delivered_at_ms))
    };
    let current = current.and_then(|c| Record::decode(c).ok());
    let record = match current {
        None => delivered(ours),
        Some(c) if c.is_pending() && c.same_code(&ours) => delivered(c),
        Some(c) if c.is_pending() => {
            if c.prior.as_deref().is_some_and(later) {
                return Ok(VerifyAction::Keep);
            }
            let prior = worst(delivered(ours), c.prior.as_deref(), now_ms);
            Record { prior: Some(Box::new(prior)), ..c }
        }
        Some(c) if later(&c) => return Ok(VerifyAction::Keep),
        Some(c) => worst(delivered(ours), Some(&c), now_ms),
    };
    Ok(write(record, now_ms))
}

/// After the SMS of `issued` was not delivered: what to do to `current`,
/// the record under its key now. Still ours: its prior comes back as it is
/// now (guesses made meanwhile counted), or, without one, the record goes.
/// Anyone else's: it stays.
pub fn withdraw(issued: &str, current: Option<&str>, now_ms: u64) -> Result<VerifyAction, Error> {
    let ours = Record::decode(issued)?;
    let Some(current) = current.and_then(|c| Record::decode(c).ok()) else {
        return Ok(VerifyAction::Keep);
    };
    if !(current.is_pending() && current.same_code(&ours)) {
        return Ok(VerifyAction::Keep);
    }
    Ok(match current.prior {
        Some(prior) if prior.is_live(now_ms) => write(*prior, now_ms),
        _ => VerifyAction::Delete,
    })
}

/// `record` with the more wrong guesses (and the fewer attempts) of itself
/// and `other`, when `other` is still valid.
fn worst(record: Record, other: Option<&Record>, now_ms: u64) -> Record {
    match other {
        Some(o) if o.is_live(now_ms) => Record {
            attempts_left: record.attempts_left.min(o.attempts_left),
            wrong_guesses: record.wrong_guesses.max(o.wrong_guesses),
            ..record
        },
        _ => record,
    }
}

fn write(record: Record, now_ms: u64) -> VerifyAction {
    VerifyAction::Write { ttl_seconds: record.ttl_seconds(now_ms), record: record.encode() }
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
    if record.is_pending() {
        return Ok(step_pending(secret, application_id, params, record, now_ms));
    }
    if !record.is_live(now_ms) {
        return Ok(answer(VerifyReason::Expired, VerifyAction::Delete, 0));
    }
    if record.attempts_left == 0 {
        return Ok(answer(VerifyReason::AttemptsExhausted, VerifyAction::Keep, 0));
    }
    if matches(secret, application_id, params, &record) {
        return Ok(answer(VerifyReason::Valid, VerifyAction::Delete, 0));
    }
    // A spent record stays until it expires, so later guesses, even right
    // ones, keep failing as AttemptsExhausted instead of NotFound.
    let attempts_left = record.attempts_left - 1;
    let wrong_guesses = record.wrong_guesses.saturating_add(1);
    let record = Record { attempts_left, wrong_guesses, ..record };
    Ok(answer(VerifyReason::Mismatch, write(record, now_ms), attempts_left))
}

/// A verify while a send is pending: its own code never verifies (its SMS
/// may never arrive); the guess is for its prior, the last code delivered.
/// A wrong guess counts against both, as it would have against the new code
/// had it replaced the old one at once; a right one uses the prior up.
fn step_pending(
    secret: &Secret,
    application_id: &str,
    params: &VerifyOtpParameters,
    record: Record,
    now_ms: u64,
) -> VerifyStep {
    let answer = |reason, action, attempts_left| VerifyStep {
        valid: reason == VerifyReason::Valid,
        reason,
        action,
        attempts_left,
    };
    // Without its prior; gone altogether once its own code has expired too.
    let without_prior = |record: Record| {
        if record.is_live(now_ms) {
            write(Record { prior: None, ..record }, now_ms)
        } else {
            VerifyAction::Delete
        }
    };
    let Some(prior) = record.prior.as_deref() else {
        let action = if record.is_live(now_ms) { VerifyAction::Keep } else { VerifyAction::Delete };
        return answer(VerifyReason::NotFound, action, 0);
    };
    if !prior.is_live(now_ms) {
        return answer(VerifyReason::Expired, without_prior(record), 0);
    }
    if prior.attempts_left == 0 {
        return answer(VerifyReason::AttemptsExhausted, VerifyAction::Keep, 0);
    }
    if matches(secret, application_id, params, prior) {
        return answer(VerifyReason::Valid, without_prior(record), 0);
    }
    let attempts_left = prior.attempts_left - 1;
    let prior = Record {
        attempts_left,
        wrong_guesses: prior.wrong_guesses.saturating_add(1),
        ..prior.clone()
    };
    let record = Record {
        attempts_left: record.attempts_left.saturating_sub(1),
        wrong_guesses: record.wrong_guesses.saturating_add(1),
        prior: Some(Box::new(prior)),
        ..record
    };
    answer(VerifyReason::Mismatch, write(record, now_ms), attempts_left)
}

/// Whether the guess is `record`'s code, compared in constant time.
fn matches(
    secret: &Secret,
    application_id: &str,
    params: &VerifyOtpParameters,
    record: &Record,
) -> bool {
    let guess = secret.code_hash(
        application_id,
        &params.reference_id,
        &params.destination_identity,
        &params.otp,
    );
    crate::hash::constant_time_eq(guess.as_bytes(), record.code_hash.as_bytes())
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
            assert_eq!(s.record, format!("3.{NOW}.{}.{not_times}.{NOW}", record.expires_at_ms));
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
            issue(&secret(), APP, &p, None, prior, carry, now, &mut Entropy::new()).unwrap()
        };
        // Pinpoint's way: a fresh set of guesses.
        assert_eq!(resend(stored.as_deref(), false, NOW).attempts_left, 3);
        // Protected: 3 allowed less the 2 made.
        let second = resend(stored.as_deref(), true, NOW + 1000);
        assert_eq!(second.attempts_left, 1);
        assert_eq!(Record::decode(&second.record).unwrap().wrong_guesses, 2);
        let delivered = delivered(&second, NOW + 1500);
        let v = check(Some(&delivered), wrong, NOW + 2000);
        assert_eq!((v.reason, v.attempts_left), (VerifyReason::Mismatch, 0));
        let v = check(apply(Some(delivered), &v).as_deref(), &code_of(&second), NOW + 3000);
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

    /// `issued`'s record once its SMS is delivered at `at`, its key holding it still.
    fn delivered(issued: &SendResult, at: u64) -> String {
        match confirm(&issued.record, Some(&issued.record), at, at).unwrap() {
            VerifyAction::Write { record, .. } => record,
            other => panic!("{other:?}"),
        }
    }

    /// The store after `action` on what it held.
    fn after(stored: Option<&str>, action: VerifyAction) -> Option<String> {
        match action {
            VerifyAction::Keep => stored.map(str::to_owned),
            VerifyAction::Write { record, .. } => Some(record),
            VerifyAction::Delete => None,
        }
    }

    fn reissue(current: Option<&str>, carry: bool, now: u64) -> SendResult {
        let p = params(r#", "AllowedAttempts": 3"#);
        issue(&secret(), APP, &p, None, current, carry, now, &mut Entropy::new()).unwrap()
    }

    /// A code unlike each of `codes`, for a wrong guess.
    fn unlike(codes: &[&str]) -> String {
        (0..).map(|n| format!("{n:06}")).find(|c| !codes.contains(&c.as_str())).unwrap()
    }

    #[test]
    fn engine_sends_are_delivered_at_once_issued_ones_pending() {
        let s = sent("");
        assert_eq!(Record::decode(&s.record).unwrap().delivered_at_ms, Some(NOW));
        let i = reissue(None, true, NOW);
        let record = Record::decode(&i.record).unwrap();
        assert!(record.is_pending() && record.prior.is_none());
        assert_eq!(i.ttl_seconds, 15 * 60);
    }

    #[test]
    fn a_pending_code_never_verifies_while_its_prior_does() {
        let first = reissue(None, true, NOW);
        let first_delivered = delivered(&first, NOW + 10);
        let second = reissue(Some(&first_delivered), true, NOW + 1000);
        let (old, new) = (code_of(&first), code_of(&second));
        let record = Record::decode(&second.record).unwrap();
        assert!(record.is_pending());
        assert_eq!(record.prior.as_deref(), Some(&Record::decode(&first_delivered).unwrap()));
        // The new code, not delivered yet, is a wrong guess at the old one.
        if new != old {
            let v = check(Some(&second.record), &new, NOW + 2000);
            assert_eq!((v.valid, v.reason, v.attempts_left), (false, VerifyReason::Mismatch, 2));
        }
        // The old code verifies, once, and the pending send stays.
        let v = check(Some(&second.record), &old, NOW + 2000);
        assert_eq!((v.valid, v.reason), (true, VerifyReason::Valid));
        let stored = after(Some(&second.record), v.action).unwrap();
        let left = Record::decode(&stored).unwrap();
        assert!(left.is_pending() && left.prior.is_none() && left.same_code(&record));
        let v = check(Some(&stored), &old, NOW + 3000);
        assert_eq!((v.reason, v.action), (VerifyReason::NotFound, VerifyAction::Keep));
        // Once confirmed, the new code verifies, the old one no more.
        let confirmed = after(
            Some(&stored),
            confirm(&second.record, Some(&stored), NOW + 4000, NOW + 4000).unwrap(),
        )
        .unwrap();
        if new != old {
            assert_eq!(check(Some(&confirmed), &old, NOW + 5000).reason, VerifyReason::Mismatch);
        }
        assert_eq!(check(Some(&confirmed), &new, NOW + 5000).reason, VerifyReason::Valid);
    }

    #[test]
    fn guesses_while_pending_count_against_the_prior_and_carry_to_the_new_code() {
        for carry in [true, false] {
            let first = reissue(None, carry, NOW);
            let stored = delivered(&first, NOW);
            let wrong = |s: &SendResult| unlike(&[&code_of(&first), &code_of(s)]);
            let second = reissue(Some(&stored), carry, NOW + 1000);
            let v = check(Some(&second.record), &wrong(&second), NOW + 2000);
            assert_eq!((v.reason, v.attempts_left), (VerifyReason::Mismatch, 2));
            let VerifyAction::Write { ttl_seconds, .. } = &v.action else { panic!() };
            assert_eq!(*ttl_seconds, 15 * 60 - 1, "until the later of the two expires");
            let stored = after(Some(&second.record), v.action).unwrap();
            let record = Record::decode(&stored).unwrap();
            let prior = record.prior.as_deref().unwrap();
            assert_eq!((prior.attempts_left, prior.wrong_guesses), (2, 1));
            // As the guess would have hit the new code at once in Pinpoint.
            assert_eq!((record.attempts_left, record.wrong_guesses), (2, 1));
            let confirmed = confirm(&second.record, Some(&stored), NOW + 3000, NOW + 3000).unwrap();
            let confirmed = Record::decode(&after(None, confirmed).unwrap()).unwrap();
            assert_eq!((confirmed.attempts_left, confirmed.wrong_guesses), (2, 1));
            assert_eq!((confirmed.delivered_at_ms, confirmed.prior), (Some(NOW + 3000), None));
        }
    }

    #[test]
    fn a_spent_or_expired_prior_answers_as_it_would_alone() {
        let first = reissue(None, true, NOW);
        let spent = Record {
            attempts_left: 0,
            wrong_guesses: 3,
            ..Record::decode(&delivered(&first, NOW)).unwrap()
        };
        let second = reissue(Some(&spent.encode()), true, NOW + 1000);
        assert_eq!(second.attempts_left, 0, "the guesses carried");
        let v = check(Some(&second.record), &code_of(&first), NOW + 2000);
        assert_eq!((v.reason, v.action), (VerifyReason::AttemptsExhausted, VerifyAction::Keep));
        // Past the prior's expiry: Expired, and the pending send stays without it.
        let p = params(r#", "ValidityPeriod": 60"#);
        let third = issue(
            &secret(),
            APP,
            &p,
            None,
            Some(&second.record),
            true,
            NOW + 2000,
            &mut Entropy::new(),
        )
        .unwrap();
        let v = check(Some(&third.record), &code_of(&first), first.expires_at_ms);
        assert_eq!(v.reason, VerifyReason::Expired);
        let left = Record::decode(&after(Some(&third.record), v.action).unwrap()).unwrap();
        assert!(left.is_pending() && left.prior.is_none());
        // A pending record left behind past its own expiry goes.
        let v = check(Some(&third.record), "000000", third.expires_at_ms);
        assert_eq!((v.reason, v.action), (VerifyReason::Expired, VerifyAction::Delete));
        let alone = reissue(None, true, NOW);
        let v = check(Some(&alone.record), &code_of(&alone), NOW + 1);
        assert_eq!((v.reason, v.action), (VerifyReason::NotFound, VerifyAction::Keep));
        let v = check(Some(&alone.record), &code_of(&alone), alone.expires_at_ms);
        assert_eq!((v.reason, v.action), (VerifyReason::NotFound, VerifyAction::Delete));
        // An expired prior is not carried into a new send, nor its guesses.
        let fourth = reissue(Some(&spent.encode()), true, first.expires_at_ms);
        let record = Record::decode(&fourth.record).unwrap();
        assert_eq!((record.prior, record.attempts_left), (None, 3));
    }

    #[test]
    fn a_failed_delivery_puts_the_prior_back_as_it_is_now() {
        let first = reissue(None, true, NOW);
        let stored = delivered(&first, NOW);
        let second = reissue(Some(&stored), true, NOW + 1000);
        let wrong = unlike(&[&code_of(&first), &code_of(&second)]);
        let v = check(Some(&second.record), &wrong, NOW + 2000);
        let now_stored = after(Some(&second.record), v.action).unwrap();
        let action = withdraw(&second.record, Some(&now_stored), NOW + 3000).unwrap();
        let VerifyAction::Write { record, ttl_seconds } = action else { panic!("{action:?}") };
        let expected =
            Record { attempts_left: 2, wrong_guesses: 1, ..Record::decode(&stored).unwrap() };
        assert_eq!(Record::decode(&record).unwrap(), expected);
        assert_eq!(ttl_seconds, 15 * 60 - 3);
        assert_eq!(check(Some(&record), &code_of(&first), NOW + 4000).reason, VerifyReason::Valid);
        // Without a prior (none sent, or used meanwhile), the record goes.
        let alone = reissue(None, true, NOW);
        assert_eq!(
            withdraw(&alone.record, Some(&alone.record), NOW).unwrap(),
            VerifyAction::Delete
        );
        // Past the prior's expiry, it does not come back.
        let late = withdraw(&second.record, Some(&second.record), first.expires_at_ms).unwrap();
        assert_eq!(late, VerifyAction::Delete);
        // Anyone else's record stays: a later send's, a delivered one, none, garbage.
        let third = reissue(Some(&second.record), true, NOW + 1500);
        for other in [Some(third.record.as_str()), Some(stored.as_str()), None, Some("garbage")] {
            assert_eq!(withdraw(&second.record, other, NOW + 2000).unwrap(), VerifyAction::Keep);
        }
        // A confirmed record is no longer withdrawn.
        let confirmed = delivered(&second, NOW + 1200);
        assert_eq!(
            withdraw(&second.record, Some(&confirmed), NOW + 2000).unwrap(),
            VerifyAction::Keep
        );
    }

    #[test]
    fn a_confirmation_makes_the_last_code_delivered_the_one_that_verifies() {
        let p0 = reissue(None, true, NOW);
        let p0 = delivered(&p0, NOW);
        let a = reissue(Some(&p0), true, NOW + 1000);
        let b = reissue(Some(&a.record), true, NOW + 1001);
        let b_rec = Record::decode(&b.record).unwrap();
        assert_eq!(
            b_rec.prior.as_deref(),
            Some(&Record::decode(&p0).unwrap()),
            "a pending send is no prior"
        );
        // a is delivered while b is pending: a becomes b's prior.
        let action = confirm(&a.record, Some(&b.record), NOW + 2000, NOW + 2000).unwrap();
        let stored = after(Some(&b.record), action).unwrap();
        let record = Record::decode(&stored).unwrap();
        assert!(record.same_code(&b_rec));
        let prior = record.prior.as_deref().unwrap();
        assert!(prior.same_code(&Record::decode(&a.record).unwrap()));
        assert_eq!(prior.delivered_at_ms, Some(NOW + 2000));
        assert_eq!(check(Some(&stored), &code_of(&a), NOW + 2500).reason, VerifyReason::Valid);
        // Applying it again changes nothing.
        let again = confirm(&a.record, Some(&stored), NOW + 2000, NOW + 2100).unwrap();
        assert_eq!(again, VerifyAction::Keep);
        // b fails: a comes back. b is delivered instead: b alone.
        let back =
            after(Some(&stored), withdraw(&b.record, Some(&stored), NOW + 3000).unwrap()).unwrap();
        assert!(Record::decode(&back).unwrap().same_code(&Record::decode(&a.record).unwrap()));
        let b_done = after(
            Some(&stored),
            confirm(&b.record, Some(&stored), NOW + 3000, NOW + 3000).unwrap(),
        )
        .unwrap();
        let b_done_rec = Record::decode(&b_done).unwrap();
        assert!(b_done_rec.same_code(&b_rec) && b_done_rec.prior.is_none());
        assert_eq!(b_done_rec.delivered_at_ms, Some(NOW + 3000));
        // A delivery that finished earlier than what is there changes nothing;
        // one that finished later replaces it.
        let late = confirm(&a.record, Some(&b_done), NOW + 2999, NOW + 3500).unwrap();
        assert_eq!(late, VerifyAction::Keep);
        let later = after(
            Some(&b_done),
            confirm(&a.record, Some(&b_done), NOW + 3001, NOW + 3500).unwrap(),
        )
        .unwrap();
        assert!(Record::decode(&later).unwrap().same_code(&Record::decode(&a.record).unwrap()));
        // Nor does it displace a later delivery kept as a pending send's prior.
        let c = reissue(Some(&b_done), true, NOW + 3100);
        let kept = confirm(&a.record, Some(&c.record), NOW + 2999, NOW + 3200).unwrap();
        assert_eq!(kept, VerifyAction::Keep);
        // Nothing there (a code used, a send withdrawn) or garbage: ours is written.
        for current in [None, Some("garbage")] {
            let written =
                after(current, confirm(&a.record, current, NOW + 2000, NOW + 2000).unwrap())
                    .unwrap();
            assert_eq!(check(Some(&written), &code_of(&a), NOW + 2500).reason, VerifyReason::Valid);
        }
        // A code past its validity is never written.
        let expired = confirm(&a.record, None, a.expires_at_ms, a.expires_at_ms).unwrap();
        assert_eq!(expired, VerifyAction::Keep);
    }

    #[test]
    fn a_race_never_buys_guesses() {
        let a = reissue(None, true, NOW);
        let b = reissue(Some(&a.record), true, NOW + 1);
        // b delivered first, then guessed at twice; a, delivered later, takes its place.
        let b_done = delivered(&b, NOW + 10);
        let wrong = unlike(&[&code_of(&a), &code_of(&b)]);
        let mut stored = Some(b_done);
        for _ in 0..2 {
            let v = check(stored.as_deref(), &wrong, NOW + 20);
            stored = after(stored.as_deref(), v.action);
        }
        let a_done = confirm(&a.record, stored.as_deref(), NOW + 30, NOW + 30).unwrap();
        let a_done = Record::decode(&after(None, a_done).unwrap()).unwrap();
        assert_eq!((a_done.attempts_left, a_done.wrong_guesses), (1, 2));
    }

    /// Any interleaving of concurrent sends, each read-decide-write atomic as
    /// compare-and-swap makes it: the code of the last SMS delivered is the
    /// one that verifies, and no other; with none delivered, the code
    /// delivered before them, as it was.
    #[test]
    fn concurrent_sends_leave_the_last_code_delivered_valid_and_no_other() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut random = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for round in 0..2000 {
            let mut store: Option<String> = None;
            let mut now = NOW;
            let mut before = None;
            if round % 2 == 0 {
                let p = reissue(None, true, now);
                store = Some(delivered(&p, now));
                before = Some(p);
            }
            let sends = 2 + random(4);
            // Each send: issue, the provider's answer, then confirm or
            // withdraw (a store round trip later), interleaved at random.
            let mut issued: Vec<Option<SendResult>> = vec![None; sends];
            let mut answered: Vec<Option<Option<u64>>> = vec![None; sends];
            let mut steps: Vec<usize> = (0..sends).flat_map(|i| [i, i, i]).collect();
            let mut last_delivered: Option<(u64, usize)> = None;
            while !steps.is_empty() {
                let i = steps.remove(random(steps.len()));
                now += 1;
                match (&issued[i], answered[i]) {
                    (None, _) => issued[i] = Some(reissue(store.as_deref(), true, now)),
                    (Some(_), None) => {
                        let delivered = random(3) != 0;
                        answered[i] = Some(delivered.then_some(now));
                        if delivered {
                            last_delivered = Some((now, i));
                        }
                    }
                    (Some(s), Some(delivered_at)) => {
                        let action = match delivered_at {
                            Some(at) => confirm(&s.record, store.as_deref(), at, now).unwrap(),
                            None => withdraw(&s.record, store.as_deref(), now).unwrap(),
                        };
                        store = after(store.as_deref(), action);
                    }
                }
            }
            let valid = issued.iter().flatten().chain(&before).filter(|s| {
                check(store.as_deref(), &code_of(s), now + 1).reason == VerifyReason::Valid
            });
            let valid: Vec<_> = valid.map(|s| s.sms.message_id.clone()).collect();
            let expected = match last_delivered {
                Some((_, i)) => issued[i].as_ref(),
                None => before.as_ref(),
            };
            let expected: Vec<_> = expected.iter().map(|s| s.sms.message_id.clone()).collect();
            // Codes drawn twice by chance verify for each other: skip those rounds.
            let codes: std::collections::HashSet<_> =
                issued.iter().flatten().chain(&before).map(code_of).collect();
            if codes.len() == issued.len() + usize::from(before.is_some()) {
                assert_eq!(valid, expected, "round {round}");
            }
        }
    }
}
