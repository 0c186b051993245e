//! `Engine`: SendOtpMessage and VerifyOtpMessage under one secret, one
//! protection policy and the deployment's messages; it hands out the
//! `Sending` and `Verification` a host steps through with its store.

use super::decision::*;
use super::error::to_js_error;
use super::protect::ProtectCall;
use super::sending::Sending;
use super::verification::Verification;
use super::{now, request, to_js, JsResult};
use crate::code::Entropy;
use crate::error::Error;
use crate::otp;
use crate::otp_templates::{self, AppMessages, OtpTemplates};
use crate::policy::{Mode, Policy, Rules};
use crate::pumping::{self};
use crate::record::Secrets;
use crate::rule_set::ProtectStatus;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// What every object an engine hands out shares.
pub(super) struct Shared {
    pub(super) secrets: Secrets,
    pub(super) policy: Policy,
    pub(super) templates: Option<OtpTemplates>,
    /// Seeded from Web Crypto on the first send, never while loading.
    pub(super) entropy: RefCell<Entropy>,
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
            last_reason: Default::default(),
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
pub(super) fn messages<'a>(
    templates: &'a Option<OtpTemplates>,
    application_id: &str,
) -> Option<&'a AppMessages> {
    templates.as_ref()?.for_application(application_id)
}

pub(super) fn extended_languages(messages: Option<&AppMessages>) -> bool {
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
