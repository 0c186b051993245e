//! `Verification`: one VerifyOtpMessage, checked, that a host steps
//! through its store, a compare-and-swap round at a time.

use super::decision::*;
use super::engine::Shared;
use super::error::to_js_error;
use super::{now, to_js, JsResult};
use crate::limits::{self, History};
use crate::otp::{self, VerifyReason};
use crate::policy::{Mode, Rules};
use crate::pumping::{self, CountryRecord, PrefixRecord};
use crate::record::Record;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// One VerifyOtpMessage, checked: its storage key, and a step per round.
#[wasm_bindgen]
pub struct Verification {
    pub(super) shared: Rc<Shared>,
    pub(super) rules: Rules,
    pub(super) number_key: String,
    pub(super) prefix_key: String,
    pub(super) country_key: String,
    pub(super) inner: otp::Verification,
    /// Why the last step answered as it did: whether the reserved guess stands.
    pub(super) last_reason: Cell<Option<VerifyReason>>,
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
        self.last_reason.set(Some(step.reason));
        to_js(&step)
    }

    /// Whether the guess `reserve` counted stays counted against the number:
    /// only when the last step compared a wrong code. Otherwise (a right
    /// code, or none compared: expired, used up, not found) `release`
    /// takes it back.
    #[wasm_bindgen(getter, js_name = guessStands)]
    pub fn guess_stands(&self) -> bool {
        self.last_reason.get() == Some(VerifyReason::Mismatch)
    }
}
