//! `Engine`: SendOtpMessage and VerifyOtpMessage under one secret, one
//! protection policy and the deployment's messages, and the `Sending` and
//! `Verification` a host steps through with its store.

use super::error::to_js_error;
use super::protect::ProtectCall;
use super::{now, request, to_js, JsResult};
use crate::code::Entropy;
use crate::error::Error;
use crate::limits::{self, Decision, History, Refusal};
use crate::otp;
use crate::otp_templates::{self, AppMessages, OtpTemplates};
use crate::params::SendOtpParameters;
use crate::policy::{Mode, Policy, Rules};
use crate::record::Secrets;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// What every object an engine hands out shares.
pub(super) struct Shared {
    pub(super) secrets: Secrets,
    policy: Policy,
    templates: Option<OtpTemplates>,
    /// Seeded from Web Crypto on the first send, never while loading.
    entropy: RefCell<Entropy>,
}

/// SendOtpMessage and VerifyOtpMessage under the deployment's secrets. Holds
/// no OTP state: records go to and come from the host's store.
#[wasm_bindgen]
pub struct Engine {
    shared: Rc<Shared>,
}

/// The deployment's settings an engine runs under; every member optional.
#[derive(Default, Deserialize, tsify::Tsify)]
pub struct EngineOptions {
    /// `OTP_POLICY`: the protection, as JSON text or the same object (`{}`
    /// enforces the defaults). Without it, none: Pinpoint's behaviour (the
    /// service's configuration asks for protection by default).
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "string | PolicySetting", optional)]
    policy: JsValue,
    /// `OTP_TEMPLATES`: each application's messages, as JSON text or as the
    /// same object. Without it, every message is Pinpoint's.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "string | OtpTemplatesSetting", optional)]
    templates: JsValue,
}

#[wasm_bindgen]
impl Engine {
    /// `secret` is `OTP_SECRET`: one secret, or a JSON array of them, newest
    /// first (new records use the first; each verifies the records it made).
    #[wasm_bindgen(constructor)]
    pub fn new(
        secret: &str,
        #[wasm_bindgen(unchecked_param_type = "EngineOptions")] options: JsValue,
    ) -> JsResult<Engine> {
        let options: EngineOptions = super::options(options, "The engine's")?;
        let policy = policy_option(options.policy).map_err(to_js_error)?;
        let templates = templates(options.templates).map_err(to_js_error)?;
        let secrets = Secrets::from_setting(secret).map_err(to_js_error)?;
        let entropy = RefCell::new(Entropy::new());
        Ok(Engine { shared: Rc::new(Shared { secrets, policy, templates, entropy }) })
    }

    /// Checks the parameters (an object, or JSON text as a string or bytes),
    /// draws a code, and says what to store and what to send: Pinpoint's
    /// send, for hosts that don't keep a number's history.
    #[wasm_bindgen(unchecked_return_type = "SendResult")]
    pub fn send(
        &self,
        #[wasm_bindgen(js_name = applicationId)] application_id: &str,
        #[wasm_bindgen(
            unchecked_param_type = "SendOtpMessageRequestParameters | string | Uint8Array"
        )]
        parameters: JsValue,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let sending = self.sending(application_id, parameters)?;
        sending.issue(None, now_ms)
    }

    /// A SendOtpMessage checked once: its keys, whether the number may be
    /// sent a code now, and the code.
    pub fn sending(
        &self,
        #[wasm_bindgen(js_name = applicationId)] application_id: &str,
        #[wasm_bindgen(
            unchecked_param_type = "SendOtpMessageRequestParameters | string | Uint8Array"
        )]
        parameters: JsValue,
    ) -> JsResult<Sending> {
        let messages = messages(&self.shared.templates, application_id);
        let params = request::send_parameters(&parameters, extended_languages(messages))
            .map_err(to_js_error)?;
        otp::check_application_id(application_id).map_err(to_js_error)?;
        let secrets = &self.shared.secrets;
        let destination = &params.destination_identity;
        Ok(Sending {
            storage_keys: secrets.storage_keys(application_id, &params.reference_id, destination),
            number_key: secrets.current().number_key(application_id, destination),
            rules: self.shared.policy.rules(application_id).clone(),
            application_id: application_id.to_owned(),
            params,
            shared: Rc::clone(&self.shared),
        })
    }

    /// The SMS a send of these parameters would deliver, with `otp` as its
    /// code: for previews. Throws what send would (a broken rule, a DLT
    /// mismatch); draws no code and makes no record.
    #[wasm_bindgen(unchecked_return_type = "RenderedMessage")]
    pub fn preview(
        &self,
        #[wasm_bindgen(js_name = applicationId)] application_id: &str,
        #[wasm_bindgen(
            unchecked_param_type = "SendOtpMessageRequestParameters | string | Uint8Array"
        )]
        parameters: JsValue,
        otp: &str,
    ) -> JsResult<JsValue> {
        let messages = messages(&self.shared.templates, application_id);
        let p = request::send_parameters(&parameters, extended_languages(messages))
            .map_err(to_js_error)?;
        let message = otp::message(&p, messages, otp).map_err(to_js_error)?;
        to_js(&super::message::RenderedMessage::from(message))
    }

    /// Checks a VerifyOtpMessage's parameters once and finds its record's
    /// storage key; the host then steps it through its compare-and-swap loop.
    pub fn verification(
        &self,
        #[wasm_bindgen(js_name = applicationId)] application_id: &str,
        #[wasm_bindgen(
            unchecked_param_type = "VerifyOtpMessageRequestParameters | string | Uint8Array"
        )]
        parameters: JsValue,
    ) -> JsResult<Verification> {
        let p = request::verify_parameters(&parameters).map_err(to_js_error)?;
        let secrets = &self.shared.secrets;
        let number_key = secrets.current().number_key(application_id, &p.destination_identity);
        let inner = otp::Verification::new(secrets, application_id, p).map_err(to_js_error)?;
        Ok(Verification {
            rules: self.shared.policy.rules(application_id).clone(),
            number_key,
            inner,
            shared: Rc::clone(&self.shared),
        })
    }

    /// Whether signed requests may be used once only (the deployment's policy).
    #[wasm_bindgen(getter, js_name = singleUseSignatures)]
    pub fn single_use_signatures(&self) -> bool {
        let rules = self.shared.policy.deployment();
        rules.mode != Mode::Off && rules.single_use_signatures
    }

    /// Where to record a signature accepted at `nowMs`, and for how long
    /// (until its date check would refuse it anyway).
    #[wasm_bindgen(js_name = signatureRecord, unchecked_return_type = "SignatureRecord")]
    pub fn signature_record(
        &self,
        signature: &str,
        #[wasm_bindgen(js_name = signedAtMs)] signed_at_ms: f64,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let (key, ttl_seconds) = crate::replay::signature_record(
            self.shared.secrets.current(),
            signature,
            now(signed_at_ms)?,
            now(now_ms)?,
        );
        to_js(&SignatureRecord { key, ttl_seconds })
    }

    /// A request of the protect-configuration API (`X-Amz-Target` and the
    /// body's bytes), checked: its application must be among
    /// `applicationIds` (absent: any); its ARNs name `region`.
    #[wasm_bindgen(js_name = protectCall)]
    pub fn protect_call(
        &self,
        target: Option<String>,
        body: &[u8],
        region: &str,
        #[wasm_bindgen(js_name = applicationIds)] application_ids: Option<Vec<String>>,
        #[wasm_bindgen(js_name = requestId)] request_id: String,
    ) -> ProtectCall {
        ProtectCall::new(
            Rc::clone(&self.shared),
            target.as_deref(),
            body,
            region,
            application_ids.as_deref(),
            request_id,
        )
    }

    /// The deployment's policy as it is in force, for the start banner.
    #[wasm_bindgen(getter, unchecked_return_type = "Rules")]
    pub fn policy(&self) -> JsResult<JsValue> {
        to_js(self.shared.policy.deployment())
    }
}

/// The application's entry of `OTP_TEMPLATES`, if any.
fn messages<'a>(
    templates: &'a Option<OtpTemplates>,
    application_id: &str,
) -> Option<&'a AppMessages> {
    templates.as_ref()?.for_application(application_id)
}

fn extended_languages(messages: Option<&AppMessages>) -> bool {
    messages.is_some_and(AppMessages::extended_languages)
}

/// `OTP_TEMPLATES` as JSON text or an object; its problems, all of them, in
/// one error, a line each.
fn templates(value: JsValue) -> Result<Option<OtpTemplates>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let read = OtpTemplates::from_json(&setting_text(value, otp_templates::SETTING)?);
    read.map(Some).map_err(|problems| {
        let lines: Vec<_> = problems.into_iter().map(|e| e.message).collect();
        Error::bad_field(otp_templates::SETTING, lines.join("\n"))
    })
}

/// `OTP_POLICY` as JSON text or an object; absent, no protection.
fn policy_option(policy: JsValue) -> Result<Policy, Error> {
    if policy.is_undefined() || policy.is_null() {
        Ok(Policy::new(Rules::off()))
    } else {
        Policy::from_json(&setting_text(policy, crate::policy::SETTING)?)
    }
}

/// A setting as JSON text: `pkg/engine.js` writes an object given as one,
/// so that each setting is read by one deserializer (a second would double
/// its code in the .wasm).
fn setting_text(value: JsValue, setting: &'static str) -> Result<String, Error> {
    value
        .as_string()
        .ok_or_else(|| Error::bad_field(setting, format!("{setting} must be JSON text")))
}

/// Where a used signature is kept, and for how long.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SignatureRecord {
    key: String,
    ttl_seconds: u32,
}

/// A decision on a number's history, as the host applies it: go ahead or
/// not, what a rule said (also when only monitored), and what to write back
/// under the number's key (compare-and-swap; start over if it lost).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Admission {
    allowed: bool,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    refusal: Option<Refusal>,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    write: Option<HistoryWrite>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct HistoryWrite {
    history: String,
    ttl_seconds: u32,
}

/// One of the core's decisions on a number's history, as the host applies it.
fn judge(
    rules: &Rules,
    history: Option<String>,
    now_ms: f64,
    decide: fn(&Rules, &History, u64) -> Decision,
) -> JsResult<JsValue> {
    let now_ms = now(now_ms)?;
    let history = History::decode(history.as_deref()).map_err(to_js_error)?;
    to_js(&admission(rules, decide(rules, &history, now_ms)))
}

fn admission(rules: &Rules, decision: Decision) -> Admission {
    let write = decision
        .history
        .as_ref()
        .map(|h| HistoryWrite { history: h.encode(), ttl_seconds: rules.history_seconds() });
    Admission { allowed: decision.allowed(), refusal: decision.refusal, write }
}

/// A send the stored rule set stops: the address's result, and whether
/// it is refused (in `monitor` mode it is only logged).
#[derive(Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Screening {
    delivery: crate::provider::Delivery,
    refused: bool,
}

/// One SendOtpMessage, checked.
#[wasm_bindgen]
pub struct Sending {
    shared: Rc<Shared>,
    rules: Rules,
    application_id: String,
    params: SendOtpParameters,
    storage_keys: Vec<String>,
    number_key: String,
}

#[wasm_bindgen]
impl Sending {
    /// Where the code's record is stored.
    #[wasm_bindgen(getter, js_name = storageKey)]
    pub fn storage_key(&self) -> String {
        self.storage_keys[0].clone()
    }

    /// `storageKey`, then where each older secret kept the record this code
    /// replaces: remove those once the new record is stored.
    #[wasm_bindgen(getter, js_name = storageKeys)]
    pub fn storage_keys(&self) -> Vec<String> {
        self.storage_keys.clone()
    }

    /// Where the number's history is stored.
    #[wasm_bindgen(getter, js_name = numberKey)]
    pub fn number_key(&self) -> String {
        self.number_key.clone()
    }

    /// Where the application's rule set (its protect configuration) is stored.
    #[wasm_bindgen(getter, js_name = ruleSetKey)]
    pub fn rule_set_key(&self) -> String {
        crate::protect::document::storage_key(&self.application_id)
    }

    /// The DestinationIdentity, E.164: the key of the send's result.
    #[wasm_bindgen(getter, js_name = destinationIdentity)]
    pub fn destination_identity(&self) -> String {
        self.params.destination_identity.clone()
    }

    /// What the rule set stored under `ruleSetKey` (null when none) says of
    /// this send: null to go on, or the address's result and whether it is
    /// refused (false in `monitor` mode: log it and send).
    #[wasm_bindgen(unchecked_return_type = "Screening | null")]
    pub fn screen(
        &self,
        stored: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let delivery = crate::protect::screen(
            &self.shared.secrets,
            &self.application_id,
            &self.params.destination_identity,
            stored.as_deref(),
            now_ms,
        )
        .map_err(to_js_error)?;
        let refused = self.rules.mode == Mode::Enforce;
        to_js(&delivery.map(|delivery| Screening { delivery, refused }))
    }

    /// Whether the policy judges this send at all (false: mode `off`, and
    /// the number's history need not be read).
    #[wasm_bindgen(getter)]
    pub fn protected(&self) -> bool {
        self.rules.mode != Mode::Off
    }

    /// May the number be sent a code now? `history` is what the store holds
    /// under `numberKey` (null when nothing).
    #[wasm_bindgen(unchecked_return_type = "Admission")]
    pub fn admit(
        &self,
        history: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        judge(&self.rules, history, now_ms, limits::admit_send)
    }

    /// The code: what to store under `storageKey` in place of `prior` (the
    /// record there now, or null) and the SMS to deliver.
    #[wasm_bindgen(unchecked_return_type = "SendResult")]
    pub fn issue(
        &self,
        prior: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let carry = self.rules.mode == Mode::Enforce;
        let mut entropy = self.shared.entropy.borrow_mut();
        let sent = otp::send_replacing(
            self.shared.secrets.current(),
            &self.application_id,
            &self.params,
            messages(&self.shared.templates, &self.application_id),
            prior.as_deref(),
            carry,
            now_ms,
            &mut entropy,
        )
        .map_err(to_js_error)?;
        to_js(&sent)
    }
}

/// One VerifyOtpMessage, checked: its storage key, and a step per round.
#[wasm_bindgen]
pub struct Verification {
    shared: Rc<Shared>,
    rules: Rules,
    number_key: String,
    inner: otp::Verification,
}

#[wasm_bindgen]
impl Verification {
    /// Where the record of the code being verified is stored when the
    /// current secret made it.
    #[wasm_bindgen(getter, js_name = storageKey)]
    pub fn storage_key(&self) -> String {
        self.inner.storage_key().to_owned()
    }

    /// Where the record may be: `storageKey`, then each older secret's key.
    /// Read them in order and step the first record found, under its key.
    #[wasm_bindgen(getter, js_name = storageKeys)]
    pub fn storage_keys(&self) -> Vec<String> {
        self.inner.storage_keys().to_vec()
    }

    /// Where the number's history is stored.
    #[wasm_bindgen(getter, js_name = numberKey)]
    pub fn number_key(&self) -> String {
        self.number_key.clone()
    }

    /// Whether the policy judges this verify at all.
    #[wasm_bindgen(getter)]
    pub fn protected(&self) -> bool {
        self.rules.mode != Mode::Off
    }

    /// May a code be tried against the number now? An allowed try is
    /// counted as a wrong guess at `nowMs` until [`Self::release`] takes it
    /// back (a right code, or none compared).
    #[wasm_bindgen(unchecked_return_type = "Admission")]
    pub fn reserve(
        &self,
        history: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        judge(&self.rules, history, now_ms, limits::reserve_guess)
    }

    /// Takes back the guess reserved at `reservedAtMs`: the history to write
    /// (compare-and-swap), or null when there is nothing to take back.
    #[wasm_bindgen(unchecked_return_type = "HistoryWrite | null")]
    pub fn release(
        &self,
        history: Option<String>,
        #[wasm_bindgen(js_name = reservedAtMs)] reserved_at_ms: f64,
    ) -> JsResult<JsValue> {
        let reserved_at_ms = now(reserved_at_ms)?;
        let history = History::decode(history.as_deref()).map_err(to_js_error)?;
        let write = limits::release_guess(&history, reserved_at_ms).map(|h| HistoryWrite {
            history: h.encode(),
            ttl_seconds: self.rules.history_seconds(),
        });
        to_js(&write)
    }

    /// The answer and the store operation for the record read under
    /// `storageKey` (one of `storageKeys`; absent, the first), null when
    /// there was none.
    #[wasm_bindgen(unchecked_return_type = "VerifyStep")]
    pub fn step(
        &self,
        record: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
        #[wasm_bindgen(js_name = storageKey)] storage_key: Option<String>,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let key = storage_key.as_deref().unwrap_or(self.inner.storage_key());
        let step = self
            .inner
            .step(&self.shared.secrets, key, record.as_deref(), now_ms)
            .map_err(to_js_error)?;
        to_js(&step)
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** SendOTPMessageRequestParameters, as Pinpoint's API takes them. */
export type SendOtpMessageRequestParameters = SendOtpMessageRequest<never>;
/** VerifyOTPMessageRequestParameters, as Pinpoint's API takes them. */
export type VerifyOtpMessageRequestParameters = VerifyOtpMessageRequest<never>;
/** OTP_POLICY: each member optional (the defaults fill in). */
export interface PolicySetting {
  mode?: Mode;
  sendCooldownSeconds?: number;
  sendsPerNumber?: Window[];
  wrongGuessesPerNumber?: Window;
  singleUseSignatures?: boolean;
  applications?: Record<string, Omit<PolicySetting, "applications" | "singleUseSignatures">>;
}
"#;
