//! `Engine`: SendOtpMessage and VerifyOtpMessage under one secret, one
//! protection policy and the deployment's messages, and the `Sending` and
//! `Verification` a host steps through with its store.

use super::error::to_js_error;
use super::protect::ProtectCall;
use super::{now, request, to_js, JsResult};
use crate::code::Entropy;
use crate::error::Error;
use crate::error::Exception;
use crate::limits::{self, Decision, History, Refusal, Rule, Standing};
use crate::otp;
use crate::otp_templates::{self, AppMessages, OtpTemplates};
use crate::params::SendOtpParameters;
use crate::policy::{Mode, Policy, Rules};
use crate::protect::document::{PrefixBlock, RuleSetDocument};
use crate::provider::{Delivery, DeliveryStatus};
use crate::pumping::{self, CountryFigures, CountryRecord, PrefixFigures, PrefixRecord};
use crate::record::{Record, Secrets};
use crate::rule_set::{self, ProtectStatus, Verdict};
use crate::spend::{self, SpendFigures, SpendRecord};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// What every object an engine hands out shares.
pub(super) struct Shared {
    pub(super) secrets: Secrets,
    pub(super) policy: Policy,
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
    /// send, for hosts that don't keep a number's history, its record valid
    /// at once (a host that must undo a failed delivery uses `sending`).
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
        let now_ms = now(now_ms)?;
        let mut entropy = self.shared.entropy.borrow_mut();
        let sent = otp::send(
            self.shared.secrets.current(),
            application_id,
            &sending.params,
            messages(&self.shared.templates, application_id),
            now_ms,
            &mut entropy,
        )
        .map_err(to_js_error)?;
        to_js(&sent)
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
        let rules = self.shared.policy.rules(application_id).clone();
        // With protection on, a number must be possible for its region;
        // off, the send stays Pinpoint's exactly.
        let region = match rules.mode {
            Mode::Off => None,
            _ => crate::country::checked_region(destination).map_err(to_js_error)?.map(|r| r.code),
        };
        // What the SMS will cost, as the code's digits don't change it.
        let segments = if rules.mode != Mode::Off && rules.spend_caps.any() {
            let placeholder = "0".repeat(params.code_length as usize);
            otp::message(&params, messages, &placeholder).map_err(to_js_error)?.segments
        } else {
            0
        };
        let current = secrets.current();
        // The counters' keys only when something will read them (three HMACs).
        let protected = rules.mode != Mode::Off;
        let key = |make: &dyn Fn() -> String| if protected { make() } else { String::new() };
        Ok(Sending {
            storage_keys: secrets.storage_keys(application_id, &params.reference_id, destination),
            number_key: current.number_key(application_id, destination),
            prefix_key: key(&|| {
                current.prefix_key(application_id, pumping::prefix_of(destination))
            }),
            country_key: key(&|| {
                current.country_key(application_id, region.unwrap_or(UNKNOWN_REGION))
            }),
            spend_key: key(&|| current.spend_key(application_id)),
            region,
            segments,
            action: Cell::new(ProtectStatus::Filter),
            lifted_ms: Cell::new(None),
            block: RefCell::new(None),
            rules,
            application_id: application_id.to_owned(),
            params,
            issued: RefCell::new(None),
            prefix_record: RefCell::new(None),
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
        let destination = &p.destination_identity;
        let current = secrets.current();
        let number_key = current.number_key(application_id, destination);
        let rules = self.shared.policy.rules(application_id).clone();
        // The counters' keys only when a verified code will be counted.
        let (prefix_key, country_key) = if counts_verified(&rules) {
            let region = crate::country::region_of(destination).map_or(UNKNOWN_REGION, |r| r.code);
            (
                current.prefix_key(application_id, pumping::prefix_of(destination)),
                current.country_key(application_id, region),
            )
        } else {
            (String::new(), String::new())
        };
        let inner = otp::Verification::new(secrets, application_id, p).map_err(to_js_error)?;
        Ok(Verification {
            rules,
            number_key,
            prefix_key,
            country_key,
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
/// not, what a rule said (also when only monitored), where the number stands
/// (what it has left and when its next try is allowed: for the caller to
/// show), and what to write back under the number's key (compare-and-swap;
/// start over if it lost). With the policy off there is no standing.
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
    standing: Option<Standing>,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    write: Option<HistoryWrite>,
    /// What the prefix rule saw (`admitPrefix`).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<PrefixFigures>,
    /// What the country rule saw (`admitCountry`).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<CountryFigures>,
    /// What the spend caps saw (`admitSpend`).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    spend: Option<SpendFigures>,
    /// This send blocked its prefix (`admitPrefix`): record the block in
    /// the protect configuration's rule set with `recordBlock`.
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    block_started: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct HistoryWrite {
    history: String,
    ttl_seconds: u32,
}

/// Whether the prefix and country rules judge by verified codes at all.
fn counts_verified(rules: &Rules) -> bool {
    rules.mode_of(|m| m.prefix_velocity) != Mode::Off
        || rules.mode_of(|m| m.country_budget) != Mode::Off
}

/// The region counters use for numbers of no known region (ISO 3166's
/// user-assigned "unknown").
const UNKNOWN_REGION: &str = "ZZ";

/// A counter a send writes, for taking a send back and counting a verified code.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Counter {
    /// The number's history (`numberKey`).
    Number,
    /// The prefix's counters (`prefixKey`).
    Prefix,
    /// The country's counters (`countryKey`).
    Country,
    /// The application's spend (`spendKey`).
    Spend,
}

/// What the rule set says of a send: the rule that applies and where it
/// came from, and, for a BLOCK, the refusal (also when only monitored) and,
/// when enforced, the address's result to answer instead of sending.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Screen {
    verdict: Verdict,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'static str>,
    /// Whether the prefix and country rules judge this send (`admitPrefix`, `admitCountry`).
    pumping: bool,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    refusal: Option<Refusal>,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked: Option<Delivery>,
}

/// A `Counter` from the host; anything else is a host bug.
fn counter_of(value: JsValue) -> JsResult<Counter> {
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        to_js_error(Error::new(
            Exception::InternalServerError,
            format!("Not a counter: {}", super::js_message(e)),
        ))
    })
}

fn counter_write(record: Option<String>, ttl_seconds: u32) -> Option<HistoryWrite> {
    record.map(|history| HistoryWrite { history, ttl_seconds })
}

/// How long counters are kept: a prefix's blocks count for a week, a
/// country's hours for 7 days and the one under way.
const PREFIX_TTL_SECONDS: u32 = 7 * 86_400;
const COUNTRY_TTL_SECONDS: u32 = 7 * 86_400 + 3600;

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
    Admission {
        allowed: decision.allowed(),
        refusal: decision.refusal,
        standing: decision.standing,
        write,
        prefix: None,
        country: None,
        spend: None,
        block_started: false,
    }
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
    prefix_key: String,
    country_key: String,
    spend_key: String,
    region: Option<&'static str>,
    segments: u32,
    /// What [`Sending::screen`] found the rule set says (FILTER until then).
    action: Cell<ProtectStatus>,
    /// When the protect configuration last lifted the prefix's block, as
    /// [`Sending::screen`] found it.
    lifted_ms: Cell<Option<u64>>,
    /// The prefix block this send started, if it did: what `recordBlock` records.
    block: RefCell<Option<PrefixBlock>>,
    /// The record the last `issue` made: what `confirm` and `withdraw` look for.
    issued: RefCell<Option<String>>,
    /// The prefix's counters as the last `admitPrefix` read them: the
    /// country budget refuses only prefixes that carry unverified traffic.
    prefix_record: RefCell<Option<PrefixRecord>>,
}

impl Sending {
    /// A pumping rule's mode for this send: its own, softened by the
    /// country's rule (ALLOW: off; MONITOR: monitor).
    fn pumping_mode(&self, rule: fn(&crate::policy::RuleModes) -> Mode) -> Mode {
        let mode = self.rules.mode_of(rule);
        match self.action.get() {
            ProtectStatus::Allow => Mode::Off,
            ProtectStatus::Monitor => mode.under(Mode::Monitor),
            ProtectStatus::Filter | ProtectStatus::Block => mode,
        }
    }
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

    /// Where the prefix's counters are stored.
    #[wasm_bindgen(getter, js_name = prefixKey)]
    pub fn prefix_key(&self) -> String {
        self.prefix_key.clone()
    }

    /// Where the country's counters are stored.
    #[wasm_bindgen(getter, js_name = countryKey)]
    pub fn country_key(&self) -> String {
        self.country_key.clone()
    }

    /// Where the application's spend is stored, when it has spend caps in
    /// force (otherwise nothing is counted).
    #[wasm_bindgen(getter, js_name = spendKey)]
    pub fn spend_key(&self) -> Option<String> {
        let counted =
            self.rules.mode_of(|m| m.spend_caps) != Mode::Off && self.rules.spend_caps.any();
        counted.then(|| self.spend_key.clone())
    }

    /// The destination's ISO 3166-1 region, when known (and protection on).
    #[wasm_bindgen(getter)]
    pub fn region(&self) -> Option<String> {
        self.region.map(str::to_owned)
    }

    /// The SMS segments the code's message takes (counted when spend caps are set).
    #[wasm_bindgen(getter)]
    pub fn segments(&self) -> u32 {
        self.segments
    }

    /// What the rule set says of this send: `stored` is what the store
    /// holds under `ruleSetKey` (the protect configuration's rule set, null
    /// when none), laid over OTP_POLICY's. Call it first: the prefix and country rules follow it.
    #[wasm_bindgen(unchecked_return_type = "Screen")]
    pub fn screen(
        &self,
        stored: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let destination = &self.params.destination_identity;
        // The protect configuration's document, as the rule set it is for this destination.
        let (stored, lifted_ms) = crate::protect::stored_rule_set(
            &self.shared.secrets,
            &self.application_id,
            destination,
            stored.as_deref(),
            now_ms,
        )
        .map_err(to_js_error)?;
        self.lifted_ms.set(lifted_ms);
        let verdict = rule_set::decide(
            &self.rules.rule_set,
            stored.as_ref(),
            self.region,
            destination,
            now_ms,
        );
        let mode = self.rules.mode_of(|m| m.country_rules);
        // With the country rules off, the rule set says nothing: FILTER.
        let action = if mode == Mode::Off { ProtectStatus::Filter } else { verdict.action };
        self.action.set(action);
        let refusal = (action == ProtectStatus::Block).then(|| {
            let rule = verdict.describe(self.region);
            Refusal {
                rule: Rule::CountryRules,
                limit: 0,
                window_seconds: 0,
                count: 0,
                retry_after_seconds: 0,
                message: format!("Not sent: {rule} blocks this destination."),
                mode,
            }
        });
        let blocked = refusal.as_ref().filter(|r| r.mode == Mode::Enforce).map(|r| Delivery {
            status: DeliveryStatus::PermanentFailure,
            status_code: 403,
            status_message: r.message.clone(),
        });
        let pumping = self.pumping_mode(|m| m.prefix_velocity) != Mode::Off
            || self.pumping_mode(|m| m.country_budget) != Mode::Off;
        to_js(&Screen { verdict, region: self.region, pumping, refusal, blocked })
    }

    /// May one more code go into the number's prefix? `record` is what the
    /// store holds under `prefixKey`.
    #[wasm_bindgen(js_name = admitPrefix, unchecked_return_type = "Admission")]
    pub fn admit_prefix(
        &self,
        record: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let record = PrefixRecord::decode(record.as_deref()).map_err(to_js_error)?;
        let prefix = pumping::prefix_of(&self.params.destination_identity);
        let mode = self.pumping_mode(|m| m.prefix_velocity);
        // With its own rule off, the prefix is still counted (as monitor
        // does) while the country budget looks at it.
        let counting = if mode == Mode::Off && self.pumping_mode(|m| m.country_budget) != Mode::Off
        {
            Mode::Monitor
        } else {
            mode
        };
        let lifted_ms = self.lifted_ms.get();
        let mut j =
            pumping::admit_prefix(&self.rules, counting, prefix, &record, lifted_ms, now_ms);
        if mode == Mode::Off {
            j.refusal = None;
        }
        // As the country budget must see it: without the sends a lift forgave.
        *self.prefix_record.borrow_mut() = Some(record.lifted(lifted_ms));
        let block = j.started_block().map(|r| PrefixBlock {
            prefix: prefix.to_owned(),
            region: self.region.map(str::to_owned),
            began_ms: now_ms,
            until_ms: r.blocked_until_ms,
            times: r.blocks.len() as u32,
        });
        let block_started = block.is_some();
        *self.block.borrow_mut() = block;
        to_js(&Admission {
            block_started,
            standing: None,
            allowed: j.allowed(),
            write: counter_write(j.record.as_ref().map(PrefixRecord::encode), PREFIX_TTL_SECONDS),
            refusal: j.refusal,
            prefix: Some(j.figures),
            country: None,
            spend: None,
        })
    }

    /// When this send blocked its prefix (`blockStarted`): the protect
    /// configuration's rule set `stored` (what the store holds under
    /// `ruleSetKey`) with the block recorded, so that the API lists it and
    /// can lift it; null when this send started no block.
    #[wasm_bindgen(js_name = recordBlock, unchecked_return_type = "HistoryWrite | null")]
    pub fn record_block(
        &self,
        stored: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let Some(block) = self.block.borrow().clone() else { return Ok(JsValue::NULL) };
        let mut document = RuleSetDocument::decode(stored.as_deref()).map_err(to_js_error)?;
        document.record_block(block, now_ms);
        to_js(&counter_write(Some(document.encode()), crate::protect::document::TTL_SECONDS))
    }

    /// May one more code go to the number's country? `record` is what the
    /// store holds under `countryKey`. Over its budget, a country refuses
    /// only prefixes that carry unverified traffic, as `admitPrefix` read
    /// the prefix's counters (call it first; without it, every send over the
    /// budget is refused).
    #[wasm_bindgen(js_name = admitCountry, unchecked_return_type = "Admission")]
    pub fn admit_country(
        &self,
        record: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let record = CountryRecord::decode(record.as_deref()).map_err(to_js_error)?;
        let region = self.region.unwrap_or(UNKNOWN_REGION);
        let mode = self.pumping_mode(|m| m.country_budget);
        let prefix_record = self.prefix_record.borrow();
        let prefix = prefix_record
            .as_ref()
            .map(|p| (pumping::prefix_of(&self.params.destination_identity), p));
        let j = pumping::admit_country(&self.rules, mode, region, &record, prefix, now_ms);
        to_js(&Admission {
            standing: None,
            allowed: j.allowed(),
            write: counter_write(j.record.as_ref().map(CountryRecord::encode), COUNTRY_TTL_SECONDS),
            refusal: j.refusal,
            prefix: None,
            country: Some(j.figures),
            spend: None,
            block_started: false,
        })
    }

    /// May the application spend this send's segments? `record` is what
    /// the store holds under `spendKey`.
    #[wasm_bindgen(js_name = admitSpend, unchecked_return_type = "Admission")]
    pub fn admit_spend(
        &self,
        record: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let record = SpendRecord::decode(record.as_deref()).map_err(to_js_error)?;
        let mode = self.rules.mode_of(|m| m.spend_caps);
        let (refusal, next, figures) =
            spend::admit_spend(&self.rules.spend_caps, mode, &record, self.segments, now_ms);
        let allowed = refusal.as_ref().is_none_or(|r| r.mode != Mode::Enforce);
        to_js(&Admission {
            standing: None,
            allowed,
            write: counter_write(next.as_ref().map(SpendRecord::encode), spend::TTL_SECONDS),
            refusal,
            prefix: None,
            country: None,
            spend: Some(figures),
            block_started: false,
        })
    }

    /// Takes back this send from a counter it was counted in at `sentAtMs`,
    /// when a later rule refused it: what to write (compare-and-swap), or
    /// null when there is nothing to take back.
    #[wasm_bindgen(unchecked_return_type = "HistoryWrite | null")]
    pub fn unsend(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Counter")] counter: JsValue,
        record: Option<String>,
        #[wasm_bindgen(js_name = sentAtMs)] sent_at_ms: f64,
    ) -> JsResult<JsValue> {
        let counter = counter_of(counter)?;
        let at = now(sent_at_ms)?;
        let stored = record.as_deref();
        let write = match counter {
            Counter::Number => {
                let h = History::decode(stored).map_err(to_js_error)?;
                counter_write(
                    limits::unsend(&h, at).map(|h| h.encode()),
                    self.rules.history_seconds(),
                )
            }
            Counter::Prefix => {
                let r = PrefixRecord::decode(stored).map_err(to_js_error)?;
                counter_write(
                    pumping::unsend_prefix(&r, at).map(|r| r.encode()),
                    PREFIX_TTL_SECONDS,
                )
            }
            Counter::Country => {
                let r = CountryRecord::decode(stored).map_err(to_js_error)?;
                counter_write(
                    pumping::unsend_country(&r, at).map(|r| r.encode()),
                    COUNTRY_TTL_SECONDS,
                )
            }
            Counter::Spend => {
                let r = SpendRecord::decode(stored).map_err(to_js_error)?;
                counter_write(
                    spend::unspend(&r, self.segments, at).map(|r| r.encode()),
                    spend::TTL_SECONDS,
                )
            }
        };
        to_js(&write)
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

    /// The code: the pending record to store under `storageKey` in place of
    /// `current` (the record there now, or null; compare-and-swap), and the
    /// SMS to deliver. Its code verifies only once `confirm` is applied.
    #[wasm_bindgen(unchecked_return_type = "SendResult")]
    pub fn issue(
        &self,
        current: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let now_ms = now(now_ms)?;
        let carry = self.rules.mode == Mode::Enforce;
        let mut entropy = self.shared.entropy.borrow_mut();
        let sent = otp::issue(
            self.shared.secrets.current(),
            &self.application_id,
            &self.params,
            messages(&self.shared.templates, &self.application_id),
            current.as_deref(),
            carry,
            now_ms,
            &mut entropy,
        )
        .map_err(to_js_error)?;
        *self.issued.borrow_mut() = Some(sent.record.clone());
        to_js(&sent)
    }

    /// The provider accepted the SMS at `deliveredAtMs`: what to do to
    /// `current`, the record under `storageKey` now (compare-and-swap; read
    /// again and ask again if it changed), so that the last code delivered
    /// is the one that verifies. `nowMs` is `deliveredAtMs` when absent.
    #[wasm_bindgen(unchecked_return_type = "VerifyAction")]
    pub fn confirm(
        &self,
        current: Option<String>,
        #[wasm_bindgen(js_name = deliveredAtMs)] delivered_at_ms: f64,
        #[wasm_bindgen(js_name = nowMs)] now_ms: Option<f64>,
    ) -> JsResult<JsValue> {
        let issued = self.issued()?;
        let delivered_at_ms = now(delivered_at_ms)?;
        let now_ms = now_ms.map(now).transpose()?.unwrap_or(delivered_at_ms);
        let action = otp::confirm(&issued, current.as_deref(), delivered_at_ms, now_ms)
            .map_err(to_js_error)?;
        to_js(&action)
    }

    /// The SMS was not delivered: what to do to `current`, the record under
    /// `storageKey` now (compare-and-swap), so that the code delivered before
    /// it is back as it is.
    #[wasm_bindgen(unchecked_return_type = "VerifyAction")]
    pub fn withdraw(
        &self,
        current: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let issued = self.issued()?;
        let action =
            otp::withdraw(&issued, current.as_deref(), now(now_ms)?).map_err(to_js_error)?;
        to_js(&action)
    }

    fn issued(&self) -> Result<String, JsValue> {
        self.issued.borrow().clone().ok_or_else(|| {
            to_js_error(Error::new(
                crate::error::Exception::InternalServerError,
                "confirm and withdraw come after issue",
            ))
        })
    }
}

/// One VerifyOtpMessage, checked: its storage key, and a step per round.
#[wasm_bindgen]
pub struct Verification {
    shared: Rc<Shared>,
    rules: Rules,
    number_key: String,
    prefix_key: String,
    country_key: String,
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

    /// Where the prefix's counters are stored.
    #[wasm_bindgen(getter, js_name = prefixKey)]
    pub fn prefix_key(&self) -> String {
        self.prefix_key.clone()
    }

    /// Where the country's counters are stored.
    #[wasm_bindgen(getter, js_name = countryKey)]
    pub fn country_key(&self) -> String {
        self.country_key.clone()
    }

    /// Whether a verified code is counted for its prefix and country (the
    /// pumping rules judge by it): `countVerified` on each.
    #[wasm_bindgen(getter, js_name = countsVerified)]
    pub fn counts_verified(&self) -> bool {
        counts_verified(&self.rules)
    }

    /// Counts a verified code in the prefix's or the country's counters, in
    /// the minute it was sent: `record` is the counter as stored, `code`
    /// the code's record as the verify read it. The counter to write
    /// (compare-and-swap), or null when there is nothing to count.
    #[wasm_bindgen(js_name = countVerified, unchecked_return_type = "HistoryWrite | null")]
    pub fn count_verified(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Counter")] counter: JsValue,
        record: Option<String>,
        code: &str,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<JsValue> {
        let counter = counter_of(counter)?;
        let now_ms = now(now_ms)?;
        let sent_at = Record::decode(code).map_err(to_js_error)?.created_at_ms;
        let stored = record.as_deref();
        let write = match counter {
            Counter::Prefix => {
                let r = PrefixRecord::decode(stored).map_err(to_js_error)?;
                counter_write(
                    pumping::verified_prefix(&r, sent_at, now_ms).map(|r| r.encode()),
                    PREFIX_TTL_SECONDS,
                )
            }
            Counter::Country => {
                let r = CountryRecord::decode(stored).map_err(to_js_error)?;
                counter_write(
                    pumping::verified_country(&r, sent_at, now_ms).map(|r| r.encode()),
                    COUNTRY_TTL_SECONDS,
                )
            }
            Counter::Number | Counter::Spend => None,
        };
        to_js(&write)
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
  countries?: CountryRules;
  numbers?: Record<string, NumberOverride>;
  prefixSends?: number;
  minVerifiedRatio?: number;
  prefixBlockSeconds?: number;
  countryBudgets?: Record<string, number>;
  spendCaps?: SpendCaps;
  modes?: Partial<RuleModes>;
  applications?: Record<string, Omit<PolicySetting, "applications" | "singleUseSignatures">>;
}
"#;
