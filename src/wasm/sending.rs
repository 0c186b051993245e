//! `Sending`: one SendOtpMessage, checked, that a host steps through its
//! protection rules, its store and its transport.

use super::decision::*;
use super::engine::{messages, Shared};
use super::error::to_js_error;
use super::{now, to_js, JsResult};
use crate::error::Error;
use crate::limits::{self, History, Refusal, Rule};
use crate::otp;
use crate::params::SendOtpParameters;
use crate::policy::{Mode, Rules};
use crate::protect::document::{PrefixBlock, RuleSetDocument};
use crate::provider::{Delivery, DeliveryStatus};
use crate::pumping::{self, CountryRecord, PrefixRecord};
use crate::rule_set::{self, ProtectStatus};
use crate::spend::{self, SpendRecord};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// One SendOtpMessage, checked.
#[wasm_bindgen]
pub struct Sending {
    pub(super) shared: Rc<Shared>,
    pub(super) rules: Rules,
    pub(super) application_id: String,
    pub(super) params: SendOtpParameters,
    pub(super) storage_keys: Vec<String>,
    pub(super) number_key: String,
    pub(super) prefix_key: String,
    pub(super) country_key: String,
    pub(super) spend_key: String,
    pub(super) region: Option<&'static str>,
    pub(super) segments: u32,
    /// What [`Sending::screen`] found the rule set says (FILTER until then).
    pub(super) action: Cell<ProtectStatus>,
    /// When the protect configuration last lifted the prefix's block, as
    /// [`Sending::screen`] found it.
    pub(super) lifted_ms: Cell<Option<u64>>,
    /// The prefix block this send started, if it did: what `recordBlock` records.
    pub(super) block: RefCell<Option<PrefixBlock>>,
    /// The record the last `issue` made: what `confirm` and `withdraw` look for.
    pub(super) issued: RefCell<Option<String>>,
    /// The prefix's counters as the last `admitPrefix` read them: the
    /// country budget refuses only prefixes that carry unverified traffic.
    pub(super) prefix_record: RefCell<Option<PrefixRecord>>,
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
