//! What a protection rule decided, as the host applies it: the admission,
//! the counter to write back, the rule set's screen of a send.

use super::error::to_js_error;
use super::{now, to_js, JsResult};
use crate::error::Error;
use crate::error::Exception;
use crate::limits::{Decision, History, Refusal, Standing};
use crate::policy::{Mode, Rules};
use crate::provider::Delivery;
use crate::pumping::{CountryFigures, PrefixFigures};
use crate::rule_set::Verdict;
use crate::spend::SpendFigures;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// A decision on a number's history, as the host applies it: go ahead or
/// not, what a rule said (also when only monitored), where the number stands
/// (what it has left and when its next try is allowed: for the caller to
/// show), and what to write back under the number's key (compare-and-swap;
/// start over if it lost). With the policy off there is no standing.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Admission {
    pub(super) allowed: bool,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) refusal: Option<Refusal>,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) standing: Option<Standing>,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) write: Option<HistoryWrite>,
    /// What the prefix rule saw (`admitPrefix`).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) prefix: Option<PrefixFigures>,
    /// What the country rule saw (`admitCountry`).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) country: Option<CountryFigures>,
    /// What the spend caps saw (`admitSpend`).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) spend: Option<SpendFigures>,
    /// This send blocked its prefix (`admitPrefix`): record the block in
    /// the protect configuration's rule set with `recordBlock`.
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(super) block_started: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct HistoryWrite {
    pub(super) history: String,
    pub(super) ttl_seconds: u32,
}

/// Whether the prefix and country rules judge by verified codes at all.
pub(super) fn counts_verified(rules: &Rules) -> bool {
    rules.mode_of(|m| m.prefix_velocity) != Mode::Off
        || rules.mode_of(|m| m.country_budget) != Mode::Off
}

/// The region counters use for numbers of no known region (ISO 3166's
/// user-assigned "unknown").
pub(super) const UNKNOWN_REGION: &str = "ZZ";

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
    pub(super) verdict: Verdict,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) region: Option<&'static str>,
    /// Whether the prefix and country rules judge this send (`admitPrefix`, `admitCountry`).
    pub(super) pumping: bool,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) refusal: Option<Refusal>,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) blocked: Option<Delivery>,
}

/// A `Counter` from the host; anything else is a host bug.
pub(super) fn counter_of(value: JsValue) -> JsResult<Counter> {
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        to_js_error(Error::new(
            Exception::InternalServerError,
            format!("Not a counter: {}", super::js_message(e)),
        ))
    })
}

pub(super) fn counter_write(record: Option<String>, ttl_seconds: u32) -> Option<HistoryWrite> {
    record.map(|history| HistoryWrite { history, ttl_seconds })
}

/// How long counters are kept: a prefix's blocks count for a week, a
/// country's hours for 7 days and the one under way.
pub(super) const PREFIX_TTL_SECONDS: u32 = 7 * 86_400;
pub(super) const COUNTRY_TTL_SECONDS: u32 = 7 * 86_400 + 3600;

/// One of the core's decisions on a number's history, as the host applies it.
pub(super) fn judge(
    rules: &Rules,
    history: Option<String>,
    now_ms: f64,
    decide: fn(&Rules, &History, u64) -> Decision,
) -> JsResult<JsValue> {
    let now_ms = now(now_ms)?;
    let history = History::decode(history.as_deref()).map_err(to_js_error)?;
    to_js(&admission(rules, decide(rules, &history, now_ms)))
}

pub(super) fn admission(rules: &Rules, decision: Decision) -> Admission {
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
