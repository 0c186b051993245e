//! SMS pumping: prefix velocity and country budgets, judged by how many of
//! the codes sent were verified.
//!
//! Pumping sends codes to many numbers that nobody owns, so no per-number
//! limit sees it; what gives it away is that its codes are never entered.
//! Two counters tell: one per number prefix (the number less its last 3
//! digits, a block of 1,000 numbers) and one per country, each of sends and
//! of codes verified, in minute buckets over the last hour (the country's
//! also in hour buckets over the last 7 days, to learn its budget). A
//! verified code is counted in the bucket of its send. Counters are stored
//! under keyed hashes ([`crate::record::Secret::prefix_key`],
//! [`crate::record::Secret::country_key`]) and written with
//! compare-and-swap, like number histories.
//!
//! - **Prefix velocity** (after Twilio Verify's Fraud Guard): a prefix whose
//!   last hour already holds `prefixSends` sends, fewer than
//!   `minVerifiedRatio` of them verified, is blocked for 12 hours, twice as
//!   long each time it is blocked again within a week (a week at most).
//! - **Country budget** (after Authgear's per-country budgets): a country
//!   whose last hour holds as many unverified sends as its budget is refused
//!   more into its prefixes that carry unverified traffic (a send in the
//!   last hour, fewer than `minVerifiedRatio` of them verified) until some
//!   leave the hour or get verified; a prefix with no send in the hour, or
//!   whose codes get verified, is still served, so people signing in are
//!   not refused for an attack on other prefixes. The budget is
//!   `countryBudgets`' or max(20, 3 × the most unverified sends of any whole
//!   hour in the last 7 days).

use crate::error::{Error, Exception};
use crate::limits::{seconds_until, Refusal, Rule};
use crate::policy::{Mode, Rules};
use serde::{Deserialize, Serialize};

const MINUTE_MS: u64 = 60_000;
const HOUR_MS: u64 = 3_600_000;
const WEEK_MS: u64 = 7 * 24 * HOUR_MS;
/// The least learnt country budget, and how many times the busiest hour's
/// unverified sends it allows.
pub const COUNTRY_BUDGET_FLOOR: u32 = 20;
/// See [`COUNTRY_BUDGET_FLOOR`].
pub const COUNTRY_BUDGET_FACTOR: u32 = 3;

/// The prefix of an E.164 number: all but its last 3 digits.
pub fn prefix_of(e164: &str) -> &str {
    &e164[..e164.len().saturating_sub(3).max(1)]
}

/// Sends and verified codes in one minute or hour: `[index, sends, verified]`,
/// the index counting minutes (or hours) since the epoch.
type Bucket = (u32, u32, u32);

fn index(at_ms: u64, unit_ms: u64) -> u32 {
    (at_ms / unit_ms).try_into().unwrap_or(u32::MAX)
}

/// Adds a send (`sends`) or a verified code (`verified`) to the bucket of
/// `at_ms`; a verified code only to a bucket that has a send.
fn add(buckets: &mut Vec<Bucket>, at: u32, sends: i64, verified: u32) {
    match buckets.iter_mut().find(|b| b.0 == at) {
        Some(b) => {
            b.1 = (i64::from(b.1) + sends).max(0) as u32;
            b.2 = (b.2 + verified).min(b.1);
        }
        None if sends > 0 => {
            buckets.push((at, sends as u32, 0));
            buckets.sort_unstable_by_key(|b| b.0);
        }
        None => {}
    }
    buckets.retain(|b| b.1 > 0);
}

/// Sends and verified codes in the buckets from `from` on.
fn totals(buckets: &[Bucket], from: u32) -> (u32, u32) {
    buckets.iter().filter(|b| b.0 >= from).fold((0, 0), |(s, v), b| (s + b.1, v + b.2))
}

fn decode<T: for<'de> Deserialize<'de> + Default>(
    stored: Option<&str>,
    what: &str,
) -> Result<T, Error> {
    match stored {
        None => Ok(T::default()),
        Some(text) => serde_json::from_str(text).map_err(|_| {
            Error::new(Exception::InternalServerError, format!("A stored {what} is unreadable"))
        }),
    }
}

/// A prefix's counters: minute buckets of the last hour, and its blocks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct PrefixRecord {
    /// Minute buckets of the last hour, oldest first.
    #[serde(rename = "m", default)]
    pub minutes: Vec<Bucket>,
    /// Until when the prefix is blocked (ms since the epoch; 0: it is not).
    #[serde(rename = "u", default)]
    pub blocked_until_ms: u64,
    /// When each block of the last week began, oldest first.
    #[serde(rename = "b", default)]
    pub blocks: Vec<u64>,
    /// When the protect-configuration API last lifted the prefix's block,
    /// as far as this record has taken it in (ms since the epoch; 0: never).
    #[serde(rename = "l", default, skip_serializing_if = "is_zero")]
    pub lifted_ms: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A country's counters: minute buckets of the last hour, and the unverified
/// sends of each hour of the last 7 days (only their most matters, so one
/// number an hour: the record is written on every send to the country).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct CountryRecord {
    /// Minute buckets of the last hour, oldest first.
    #[serde(rename = "m", default)]
    pub minutes: Vec<Bucket>,
    /// The hour (since the epoch) `hours` starts at.
    #[serde(rename = "f", default)]
    pub first_hour: u32,
    /// Unverified sends per hour from `first_hour` on, one entry an hour.
    #[serde(rename = "h", default)]
    pub hours: Vec<u32>,
}

impl PrefixRecord {
    /// The record as stored; none is an empty one.
    pub fn decode(stored: Option<&str>) -> Result<PrefixRecord, Error> {
        decode(stored, "prefix counter")
    }

    /// Compact JSON.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a prefix record serializes")
    }

    fn pruned(&self, now_ms: u64) -> PrefixRecord {
        let from = index(now_ms, MINUTE_MS).saturating_sub(59);
        PrefixRecord {
            minutes: self.minutes.iter().copied().filter(|b| b.0 >= from).collect(),
            blocked_until_ms: if self.blocked_until_ms > now_ms {
                self.blocked_until_ms
            } else {
                0
            },
            blocks: self.blocks.iter().copied().filter(|&t| t + WEEK_MS > now_ms).collect(),
            lifted_ms: self.lifted_ms,
        }
    }

    /// Takes in a lift at `lifted_ms` (DeleteProtectConfigurationRuleSetNumberOverride
    /// of the prefix), once: the block under way ends unless it began after the
    /// lift, the blocks lifted no longer double the next, and the sends before
    /// the lift (whose unverified codes made the block) no longer count.
    /// The record as a send sees it with the protect configuration's lift
    /// at `lifted_ms`, if one is kept (see [`admit_prefix`]).
    pub fn lifted(&self, lifted_ms: Option<u64>) -> PrefixRecord {
        let mut record = self.clone();
        if let Some(lifted_ms) = lifted_ms {
            record.lift(lifted_ms);
        }
        record
    }

    fn lift(&mut self, lifted_ms: u64) {
        if lifted_ms <= self.lifted_ms {
            return;
        }
        if self.blocks.last().is_none_or(|&began| began <= lifted_ms) {
            self.blocked_until_ms = 0;
        }
        self.blocks.retain(|&began| began > lifted_ms);
        let minute = index(lifted_ms, MINUTE_MS);
        self.minutes.retain(|b| b.0 > minute);
        self.lifted_ms = lifted_ms;
    }
}

impl CountryRecord {
    /// The record as stored; none is an empty one.
    pub fn decode(stored: Option<&str>) -> Result<CountryRecord, Error> {
        decode(stored, "country counter")
    }

    /// Compact JSON.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a country record serializes")
    }

    fn pruned(&self, now_ms: u64) -> CountryRecord {
        let minute = index(now_ms, MINUTE_MS).saturating_sub(59);
        let from = index(now_ms, HOUR_MS).saturating_sub(7 * 24);
        let drop = (from.saturating_sub(self.first_hour) as usize).min(self.hours.len());
        CountryRecord {
            minutes: self.minutes.iter().copied().filter(|b| b.0 >= minute).collect(),
            first_hour: self.first_hour.max(from),
            hours: self.hours[drop..].to_vec(),
        }
    }

    /// The budget learnt from the last 7 days' whole hours.
    fn learnt_budget(&self, now_ms: u64) -> u32 {
        let this_hour = index(now_ms, HOUR_MS);
        let whole = (this_hour.saturating_sub(self.first_hour) as usize).min(self.hours.len());
        let peak = self.hours[..whole].iter().copied().max().unwrap_or(0);
        COUNTRY_BUDGET_FLOOR.max(COUNTRY_BUDGET_FACTOR.saturating_mul(peak))
    }

    /// Adds `change` to the unverified sends of the hour of `at_ms` (a send
    /// +1; a verified code or a send taken back -1, never below 0).
    fn add_hour(&mut self, at_ms: u64, change: i32) {
        let hour = index(at_ms, HOUR_MS);
        if self.hours.is_empty() {
            if change <= 0 {
                return;
            }
            self.first_hour = hour;
        }
        let Some(i) = hour.checked_sub(self.first_hour).map(|i| i as usize) else { return };
        if i >= self.hours.len() {
            if change <= 0 {
                return;
            }
            self.hours.resize(i + 1, 0);
        }
        self.hours[i] = self.hours[i].saturating_add_signed(change);
    }
}

/// What the prefix rule saw, for the decision's log event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct PrefixFigures {
    /// The prefix (a number less its last 3 digits: no one's number).
    pub prefix: String,
    /// Sends to it in the last hour, this one not included.
    pub sends: u32,
    /// Of those, codes verified.
    pub verified: u32,
    /// verified / sends (1 with no sends).
    pub ratio: f64,
    /// Until when it is blocked, if it is (ms since the epoch).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub blocked_until_ms: Option<u64>,
}

/// What the country rule saw, for the decision's log event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct CountryFigures {
    /// The ISO 3166-1 region, or `ZZ` when unknown.
    pub region: String,
    /// Sends to it in the last hour, this one not included.
    pub sends: u32,
    /// Of those, codes not verified (yet).
    pub unverified: u32,
    /// Its hourly budget of unverified sends.
    pub budget: u32,
}

/// A pumping rule's decision on its counter: what it said, what it saw, and
/// the counter to write back (compare-and-swap; None: leave it).
#[derive(Clone, Debug, PartialEq)]
pub struct Judged<R, F> {
    /// The refusal, enforced or only monitored.
    pub refusal: Option<Refusal>,
    /// The counter to write back.
    pub record: Option<R>,
    /// What the rule saw.
    pub figures: F,
}

impl<R, F> Judged<R, F> {
    /// Whether the send goes ahead.
    pub fn allowed(&self) -> bool {
        self.refusal.as_ref().is_none_or(|r| r.mode != Mode::Enforce)
    }
}

impl<F> Judged<PrefixRecord, F> {
    /// When this send blocked the prefix (enforced): the block's record, for
    /// the protect configuration's list of prefix blocks.
    pub fn started_block(&self) -> Option<&PrefixRecord> {
        self.record.as_ref().filter(|_| !self.allowed())
    }
}

/// A send into `prefix`: refused while the prefix is blocked, and blocked
/// (12 hours, doubling within a week) when its last hour already has
/// `prefixSends` sends and too few verified. An allowed send is counted.
/// `lifted_ms`: when the protect configuration last lifted the prefix's
/// block, if it keeps a lift of it.
pub fn admit_prefix(
    rules: &Rules,
    mode: Mode,
    prefix: &str,
    record: &PrefixRecord,
    lifted_ms: Option<u64>,
    now_ms: u64,
) -> Judged<PrefixRecord, PrefixFigures> {
    let mut next = record.pruned(now_ms);
    if let Some(lifted_ms) = lifted_ms {
        next.lift(lifted_ms);
    }
    let (sends, verified) = totals(&next.minutes, 0);
    let ratio = if sends == 0 { 1.0 } else { f64::from(verified) / f64::from(sends) };
    let mut figures = PrefixFigures {
        prefix: prefix.to_owned(),
        sends,
        verified,
        ratio,
        blocked_until_ms: (next.blocked_until_ms > 0).then_some(next.blocked_until_ms),
    };
    if mode == Mode::Off {
        return Judged { refusal: None, record: None, figures };
    }
    let refuse = |until_ms: u64, message: String| Refusal {
        rule: Rule::PrefixVelocity,
        limit: rules.prefix_sends,
        window_seconds: 3600,
        count: sends,
        retry_after_seconds: seconds_until(until_ms - now_ms),
        message,
        mode,
    };
    if next.blocked_until_ms > now_ms {
        let retry = seconds_until(next.blocked_until_ms - now_ms);
        let refusal = refuse(
            next.blocked_until_ms,
            format!(
                "Sends to numbers starting {prefix} are blocked: too few of their codes were \
                 verified; the next is allowed in {retry} seconds"
            ),
        );
        return Judged { refusal: Some(refusal), record: None, figures };
    }
    let pumped = sends >= rules.prefix_sends
        && f64::from(verified) < rules.min_verified_ratio * f64::from(sends);
    if pumped {
        let doublings = next.blocks.len().min(10) as u32;
        let block_ms = ((u64::from(rules.prefix_block_seconds) * 1000) << doublings).min(WEEK_MS);
        let until_ms = now_ms + block_ms;
        let retry = seconds_until(block_ms);
        let refusal = refuse(
            until_ms,
            format!(
                "Sends to numbers starting {prefix} are blocked: {verified} of the last hour's \
                 {sends} codes were verified (at least {}% must be); the next is allowed in \
                 {retry} seconds",
                (rules.min_verified_ratio * 100.0).round()
            ),
        );
        if mode == Mode::Enforce {
            next.blocked_until_ms = until_ms;
            next.blocks.push(now_ms);
            figures.blocked_until_ms = Some(until_ms);
            return Judged { refusal: Some(refusal), record: Some(next), figures };
        }
        add(&mut next.minutes, index(now_ms, MINUTE_MS), 1, 0);
        return Judged { refusal: Some(refusal), record: Some(next), figures };
    }
    add(&mut next.minutes, index(now_ms, MINUTE_MS), 1, 0);
    Judged { refusal: None, record: Some(next), figures }
}

/// When the prefix's last hour stops carrying unverified traffic (a send,
/// fewer than `minVerifiedRatio` of them verified) as its minutes leave it,
/// if it carries some now.
fn unverified_until(rules: &Rules, prefix: &PrefixRecord, now_ms: u64) -> Option<u64> {
    let minutes = prefix.pruned(now_ms).minutes;
    let carries = |from: u32| {
        let (sends, verified) = totals(&minutes, from);
        sends > 0 && f64::from(verified) < rules.min_verified_ratio * f64::from(sends)
    };
    if !carries(0) {
        return None;
    }
    // The oldest minute whose leaving clears it (the last one's always does).
    minutes.iter().find(|b| !carries(b.0 + 1)).map(|b| (u64::from(b.0) + 60) * MINUTE_MS)
}

/// A send to `region`'s numbers, into the prefix whose counters are
/// `prefix` (as read for [`admit_prefix`]; None: not known, so it counts as
/// carrying unverified traffic). While the last hour's unverified sends fill
/// the country's budget, a send is refused into a prefix that carries
/// unverified traffic (a send in the last hour, fewer than
/// `minVerifiedRatio` of them verified); a prefix with no send in the hour,
/// or whose codes get verified, is still served. An allowed send is counted.
pub fn admit_country(
    rules: &Rules,
    mode: Mode,
    region: &str,
    record: &CountryRecord,
    prefix: Option<(&str, &PrefixRecord)>,
    now_ms: u64,
) -> Judged<CountryRecord, CountryFigures> {
    let mut next = record.pruned(now_ms);
    let budget =
        rules.country_budgets.get(region).copied().unwrap_or_else(|| next.learnt_budget(now_ms));
    let (sends, verified) = totals(&next.minutes, 0);
    let unverified = sends - verified;
    let figures = CountryFigures { region: region.to_owned(), sends, unverified, budget };
    if mode == Mode::Off {
        return Judged { refusal: None, record: None, figures };
    }
    let mut refusal = None;
    let prefix_until = match prefix {
        Some((_, p)) => unverified_until(rules, p, now_ms),
        None => Some(now_ms + HOUR_MS),
    };
    if let (true, Some(prefix_until)) = (unverified >= budget, prefix_until) {
        // The oldest minute whose leaving brings the count under the budget.
        let mut left = unverified;
        let leaving = next.minutes.iter().find(|b| {
            left -= b.1 - b.2;
            left < budget
        });
        let until_ms = leaving.map_or(now_ms + HOUR_MS, |b| (u64::from(b.0) + 60) * MINUTE_MS);
        // Allowed again when the country is back under its budget, or the
        // prefix no longer carries unverified traffic, whichever comes first.
        let until_ms = until_ms.min(prefix_until);
        let retry = seconds_until(until_ms.saturating_sub(now_ms).max(1));
        let into = match prefix {
            Some((name, p)) => {
                let (s, v) = totals(&p.pruned(now_ms).minutes, 0);
                format!(" (and {v} of the {s} sent to numbers starting {name} were verified)")
            }
            None => String::new(),
        };
        refusal = Some(Refusal {
            rule: Rule::CountryBudget,
            limit: budget,
            window_seconds: 3600,
            count: unverified,
            retry_after_seconds: retry,
            message: format!(
                "Too many unverified codes sent to {region} numbers: {unverified} in the last \
                 hour, its budget is {budget}{into}; the next is allowed in {retry} seconds"
            ),
            mode,
        });
    }
    let judged = Judged { refusal, record: None, figures };
    if !judged.allowed() {
        return judged;
    }
    add(&mut next.minutes, index(now_ms, MINUTE_MS), 1, 0);
    next.add_hour(now_ms, 1);
    Judged { record: Some(next), ..judged }
}

/// Takes back a send counted at `sent_at_ms` that did not go (a later rule
/// refused it): the record to write, or None when it is no longer there.
pub fn unsend_prefix(record: &PrefixRecord, sent_at_ms: u64) -> Option<PrefixRecord> {
    let mut next = record.clone();
    let at = index(sent_at_ms, MINUTE_MS);
    next.minutes.iter().any(|b| b.0 == at).then(|| {
        add(&mut next.minutes, at, -1, 0);
        next
    })
}

/// See [`unsend_prefix`].
pub fn unsend_country(record: &CountryRecord, sent_at_ms: u64) -> Option<CountryRecord> {
    let mut next = record.clone();
    let at = index(sent_at_ms, MINUTE_MS);
    next.minutes.iter().any(|b| b.0 == at).then(|| {
        add(&mut next.minutes, at, -1, 0);
        next.add_hour(sent_at_ms, -1);
        next
    })
}

/// A code sent at `sent_at_ms` was verified: counted in its send's minute,
/// while that is in the last hour (None: nothing to write).
pub fn verified_prefix(
    record: &PrefixRecord,
    sent_at_ms: u64,
    now_ms: u64,
) -> Option<PrefixRecord> {
    let mut next = record.pruned(now_ms);
    let at = index(sent_at_ms, MINUTE_MS);
    let before = next.minutes.clone();
    add(&mut next.minutes, at, 0, 1);
    (next.minutes != before).then_some(next)
}

/// See [`verified_prefix`]; the country's hour bucket counts it too.
pub fn verified_country(
    record: &CountryRecord,
    sent_at_ms: u64,
    now_ms: u64,
) -> Option<CountryRecord> {
    let mut next = record.pruned(now_ms);
    let before = next.minutes.clone();
    add(&mut next.minutes, index(sent_at_ms, MINUTE_MS), 0, 1);
    // Counted in its hour only when counted in its minute: a code's send
    // is counted once, and the last hour's sends are all in minute buckets.
    if next.minutes == before {
        return None;
    }
    next.add_hour(sent_at_ms, -1);
    Some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-11-26T00:00:00Z, on a whole hour.
    const T0: u64 = 1_764_115_200_000;
    const S: u64 = 1000;
    const M: u64 = 60 * S;
    const H: u64 = 60 * M;

    fn rules() -> Rules {
        Rules::defaults()
    }

    /// `n` sends into the prefix at `at`, each admitted.
    fn sends(record: &mut PrefixRecord, n: u32, at: u64) {
        for i in 0..n {
            let j = admit_prefix(&rules(), Mode::Enforce, "+1206555", record, None, at);
            assert!(j.allowed(), "send {i}: {:?}", j.refusal);
            *record = j.record.unwrap();
        }
    }

    #[test]
    fn the_prefix_is_its_number_less_three_digits() {
        assert_eq!(prefix_of("+12065550100"), "+12065550");
        assert_eq!(prefix_of("+4479"), "+4");
        assert_eq!(prefix_of("+12"), "+");
    }

    #[test]
    fn the_eleventh_unverified_send_in_an_hour_blocks_the_prefix_for_12_hours() {
        let mut r = PrefixRecord::default();
        sends(&mut r, 10, T0);
        let j = admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, None, T0 + 30 * M);
        let refusal = j.refusal.unwrap();
        assert_eq!((refusal.rule, refusal.count, refusal.limit), (Rule::PrefixVelocity, 10, 10));
        assert_eq!(refusal.retry_after_seconds, 12 * 3600);
        assert_eq!(
            refusal.message,
            "Sends to numbers starting +1206555 are blocked: 0 of the last hour's 10 codes were \
             verified (at least 20% must be); the next is allowed in 43200 seconds"
        );
        assert_eq!((j.figures.sends, j.figures.verified, j.figures.ratio), (10, 0, 0.0));
        let r = j.record.unwrap();
        assert_eq!(r.blocked_until_ms, T0 + 30 * M + 12 * H);
        // Blocked to the millisecond, even once the hour's sends have left.
        let during =
            admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, None, T0 + 30 * M + 12 * H - 1);
        assert_eq!(during.refusal.unwrap().retry_after_seconds, 1);
        assert!(during.record.is_none(), "a refused send is not counted");
        assert!(admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, None, T0 + 30 * M + 12 * H)
            .allowed());
    }

    #[test]
    fn a_block_within_a_week_doubles() {
        let mut r = PrefixRecord::default();
        let mut at = T0;
        // The 5th begins 180 hours in, when the blocks that began at 0 and at
        // 12 hours have left the week: 2 remain, so 4 × 12 hours.
        for expected_hours in [12, 24, 48, 96, 48] {
            sends(&mut r, 10, at);
            let j = admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, None, at);
            assert_eq!(j.refusal.unwrap().retry_after_seconds as u64, expected_hours * 3600);
            r = j.record.unwrap();
            at = r.blocked_until_ms;
        }
        // Never more than a week.
        let many = PrefixRecord { blocks: vec![T0; 6], ..PrefixRecord::default() };
        let mut many = many;
        sends(&mut many, 10, T0 + H);
        let j = admit_prefix(&rules(), Mode::Enforce, "+1206555", &many, None, T0 + H);
        assert_eq!(j.refusal.unwrap().retry_after_seconds, 7 * 24 * 3600);
        // A block that began exactly a week ago no longer counts.
        let r2 = PrefixRecord { blocks: vec![T0], ..PrefixRecord::default() };
        let mut fresh = r2.clone();
        sends(&mut fresh, 10, T0 + 7 * 24 * H);
        let j = admit_prefix(&rules(), Mode::Enforce, "+1206555", &fresh, None, T0 + 7 * 24 * H);
        assert_eq!(
            j.refusal.unwrap().retry_after_seconds,
            12 * 3600,
            "a week later: 12 hours again"
        );
        let mut recent = r2;
        sends(&mut recent, 10, T0 + 7 * 24 * H - 1);
        let j =
            admit_prefix(&rules(), Mode::Enforce, "+1206555", &recent, None, T0 + 7 * 24 * H - 1);
        assert_eq!(j.refusal.unwrap().retry_after_seconds, 24 * 3600);
    }

    #[test]
    fn a_lift_ends_the_block_forgets_its_sends_and_does_not_double_the_next() {
        let mut r = PrefixRecord::default();
        sends(&mut r, 10, T0);
        let j = admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, None, T0 + M);
        assert_eq!(j.started_block().map(|b| b.blocked_until_ms), Some(T0 + M + 12 * H));
        r = j.record.unwrap();
        let during = admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, None, T0 + 2 * M);
        assert!(!during.allowed() && during.started_block().is_none(), "a block goes on: not new");
        // Lifted at T0 + 3 minutes: the next send goes, and is the only one counted.
        let lift = Some(T0 + 3 * M);
        let j = admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, lift, T0 + 4 * M);
        assert!(j.allowed(), "{:?}", j.refusal);
        assert_eq!((j.figures.sends, j.figures.blocked_until_ms), (0, None));
        r = j.record.unwrap();
        assert_eq!((r.lifted_ms, r.blocks.len(), totals(&r.minutes, 0).0), (T0 + 3 * M, 0, 1));
        // The lift is taken in once: the sends after it count again, and
        // 10 more unverified block for 12 hours, not 24.
        sends(&mut r, 9, T0 + 5 * M);
        let j = admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, lift, T0 + 6 * M);
        assert_eq!(j.refusal.unwrap().retry_after_seconds, 12 * 3600);
        r = j.record.unwrap();
        // An old lift doesn't end a block that began after it.
        assert!(!admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, lift, T0 + 7 * M).allowed());
        assert_eq!(PrefixRecord::decode(Some(&r.encode())).unwrap(), r);
    }

    #[test]
    fn verified_traffic_is_never_blocked() {
        let mut r = PrefixRecord::default();
        // 100 sends in the hour, 1 in 5 verified: exactly the ratio.
        for i in 0..100 {
            let at = T0 + i * 30 * S;
            sends(&mut r, 1, at);
            if i % 5 == 0 {
                r = verified_prefix(&r, at, at + 10 * S).unwrap();
            }
        }
        let j = admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, None, T0 + 50 * M);
        assert!(j.allowed(), "{:?}", j.refusal);
        assert_eq!((j.figures.sends, j.figures.verified), (100, 20));
        // One short of the ratio blocks.
        let mut r = PrefixRecord::default();
        sends(&mut r, 10, T0);
        r = verified_prefix(&r, T0, T0).unwrap();
        assert!(
            !admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, None, T0).allowed(),
            "1 of 10"
        );
        r = verified_prefix(&r, T0, T0).unwrap();
        assert!(
            admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, None, T0).allowed(),
            "2 of 10"
        );
    }

    #[test]
    fn sends_leave_the_hour_minute_by_minute() {
        let mut r = PrefixRecord::default();
        sends(&mut r, 5, T0);
        sends(&mut r, 5, T0 + 10 * M);
        assert!(
            !admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, None, T0 + 60 * M - 1).allowed()
        );
        let j = admit_prefix(&rules(), Mode::Enforce, "+1206555", &r, None, T0 + 60 * M);
        assert!(j.allowed());
        assert_eq!(j.figures.sends, 5, "the first minute's 5 have left");
        assert_eq!(j.record.unwrap().minutes.len(), 2, "and are pruned");
    }

    #[test]
    fn monitor_and_off_refuse_nothing() {
        let mut r = PrefixRecord::default();
        sends(&mut r, 10, T0);
        let j = admit_prefix(&rules(), Mode::Monitor, "+1206555", &r, None, T0);
        assert!(j.allowed());
        assert_eq!(j.refusal.as_ref().unwrap().mode, Mode::Monitor);
        let next = j.record.unwrap();
        assert_eq!(
            (next.blocked_until_ms, totals(&next.minutes, 0).0),
            (0, 11),
            "counted, not blocked"
        );
        let off = admit_prefix(&rules(), Mode::Off, "+1206555", &r, None, T0);
        assert_eq!((off.refusal, off.record), (None, None));
    }

    #[test]
    fn a_send_taken_back_no_longer_counts() {
        let mut r = PrefixRecord::default();
        sends(&mut r, 2, T0);
        let back = unsend_prefix(&r, T0).unwrap();
        assert_eq!(totals(&back.minutes, 0), (1, 0));
        assert_eq!(unsend_prefix(&r, T0 + 5 * M), None);
    }

    /// A prefix with one send, not verified, in the minute of `at`.
    fn unverified_prefix(at: u64) -> PrefixRecord {
        PrefixRecord { minutes: vec![(index(at, MINUTE_MS), 1, 0)], ..PrefixRecord::default() }
    }

    /// A send to a US number into a prefix that carries unverified traffic.
    fn us_country(
        rules: &Rules,
        mode: Mode,
        record: &CountryRecord,
        at: u64,
    ) -> Judged<CountryRecord, CountryFigures> {
        admit_country(rules, mode, "US", record, Some(("+1206555", &unverified_prefix(at))), at)
    }

    fn country_sends(record: &mut CountryRecord, n: u32, at: u64) {
        for i in 0..n {
            let j = us_country(&rules(), Mode::Enforce, record, at);
            assert!(j.allowed(), "send {i}: {:?}", j.refusal);
            *record = j.record.unwrap();
        }
    }

    #[test]
    fn a_new_country_s_budget_is_20_unverified_an_hour() {
        let mut c = CountryRecord::default();
        country_sends(&mut c, 10, T0);
        country_sends(&mut c, 10, T0 + 20 * M);
        let j = us_country(&rules(), Mode::Enforce, &c, T0 + 30 * M);
        let r = j.refusal.unwrap();
        assert_eq!((r.rule, r.count, r.limit), (Rule::CountryBudget, 20, 20));
        // Back under when the first minute's 10 leave, at T0 + 60 minutes.
        assert_eq!(r.retry_after_seconds, 30 * 60);
        assert_eq!(
            r.message,
            "Too many unverified codes sent to US numbers: 20 in the last hour, its budget is 20 \
             (and 0 of the 1 sent to numbers starting +1206555 were verified); the next is \
             allowed in 1800 seconds"
        );
        assert!(!us_country(&rules(), Mode::Enforce, &c, T0 + 60 * M - 1).allowed());
        assert!(us_country(&rules(), Mode::Enforce, &c, T0 + 60 * M).allowed());
        // Verifying one brings it under at once.
        let v = verified_country(&c, T0 + 20 * M, T0 + 30 * M).unwrap();
        assert!(us_country(&rules(), Mode::Enforce, &v, T0 + 30 * M).allowed());
    }

    #[test]
    fn over_its_budget_a_country_refuses_only_prefixes_with_unverified_traffic() {
        let mut c = CountryRecord::default();
        country_sends(&mut c, 20, T0);
        let at = T0 + 30 * M;
        let judge = |p: &PrefixRecord| {
            admit_country(&rules(), Mode::Enforce, "GB", &c, Some(("+447400000", p)), at)
        };
        // A prefix with no send in the hour is served, and counted.
        let fresh = judge(&PrefixRecord::default());
        assert!(fresh.allowed(), "{:?}", fresh.refusal);
        assert_eq!(totals(&fresh.record.unwrap().minutes, 0), (21, 0));
        // Its sends gone from the hour (the 60th minute back), too.
        let old = PrefixRecord {
            minutes: vec![(index(at - 60 * M, MINUTE_MS), 5, 0)],
            ..PrefixRecord::default()
        };
        assert!(judge(&old).allowed(), "a send an hour old has left");
        let in_hour = PrefixRecord {
            minutes: vec![(index(at - 59 * M, MINUTE_MS), 5, 0)],
            ..PrefixRecord::default()
        };
        let r = judge(&in_hour).refusal.unwrap();
        // It no longer carries unverified traffic when that minute leaves, a
        // minute from now: before the country is back under (T0 + 60 minutes).
        assert_eq!(
            (r.rule, r.count, r.limit, r.retry_after_seconds),
            (Rule::CountryBudget, 20, 20, 60)
        );
        assert_eq!(
            r.message,
            "Too many unverified codes sent to GB numbers: 20 in the last hour, its budget is 20 \
             (and 0 of the 5 sent to numbers starting +447400000 were verified); the next is \
             allowed in 60 seconds"
        );
        // At minVerifiedRatio (1 of 5) it is served; one short of it, not.
        let verified = |sends, v| PrefixRecord {
            minutes: vec![(index(T0, MINUTE_MS), sends, v)],
            ..PrefixRecord::default()
        };
        assert!(judge(&verified(5, 1)).allowed(), "1 of 5 verified");
        assert!(judge(&verified(100, 20)).allowed(), "20 of 100 verified");
        let short = judge(&verified(100, 19)).refusal.unwrap();
        assert_eq!(short.retry_after_seconds, 30 * 60, "until the country is back under");
        // One unverified send is enough: an attack spread one number a
        // prefix gets one SMS per prefix an hour while the country is over.
        assert!(!judge(&verified(1, 0)).allowed());
        // A prefix unknown counts as carrying unverified traffic.
        assert!(!admit_country(&rules(), Mode::Enforce, "GB", &c, None, at).allowed());
        // Under the budget, any prefix is served.
        let mut under = CountryRecord::default();
        country_sends(&mut under, 19, T0);
        let j = admit_country(
            &rules(),
            Mode::Enforce,
            "GB",
            &under,
            Some(("+447400000", &verified(50, 0))),
            at,
        );
        assert!(j.allowed(), "{:?}", j.refusal);
        // Monitor serves the attacked prefix and says what enforce would do.
        let j = admit_country(
            &rules(),
            Mode::Monitor,
            "GB",
            &c,
            Some(("+447400000", &verified(1, 0))),
            at,
        );
        assert!(j.allowed());
        assert_eq!(j.refusal.unwrap().mode, Mode::Monitor);
    }

    #[test]
    fn the_budget_learns_three_times_the_busiest_hour_of_the_week() {
        let mut c = CountryRecord::default();
        country_sends(&mut c, 15, T0); // 15 unverified in hour 0
                                       // An hour later the budget is max(20, 45).
        let j = us_country(&rules(), Mode::Enforce, &c, T0 + H);
        assert_eq!(j.figures.budget, 45);
        // The current hour doesn't teach itself: within hour 0 it is 20.
        assert_eq!(us_country(&rules(), Mode::Enforce, &c, T0 + H - 1).figures.budget, 20);
        // After 7 days hour 0 has left.
        assert_eq!(us_country(&rules(), Mode::Enforce, &c, T0 + 7 * 24 * H).figures.budget, 45);
        assert_eq!(us_country(&rules(), Mode::Enforce, &c, T0 + 7 * 24 * H + H).figures.budget, 20);
        // Codes verified are no longer unverified: 10 of 15 left, so 30.
        let mut v = c.clone();
        for _ in 0..5 {
            v = verified_country(&v, T0, T0 + 10 * S).unwrap();
        }
        assert_eq!(us_country(&rules(), Mode::Enforce, &v, T0 + H).figures.budget, 30);
        // A fixed budget replaces the learnt one.
        let fixed = Rules { country_budgets: [("US".to_owned(), 3)].into(), ..rules() };
        let j = us_country(&fixed, Mode::Enforce, &c, T0 + H);
        assert_eq!(j.figures.budget, 3);
    }

    #[test]
    fn records_round_trip_compactly() {
        let mut r = PrefixRecord::default();
        sends(&mut r, 3, T0);
        let text = r.encode();
        assert_eq!(text, format!("{{\"m\":[[{},3,0]],\"u\":0,\"b\":[]}}", T0 / M));
        assert_eq!(PrefixRecord::decode(Some(&text)).unwrap(), r);
        assert_eq!(PrefixRecord::decode(None).unwrap(), PrefixRecord::default());
        assert_eq!(
            CountryRecord::decode(Some("[")).unwrap_err().exception,
            Exception::InternalServerError
        );
        // A week of traffic every minute stays bounded: 60 minute buckets, 169 hours.
        let mut c = CountryRecord::default();
        for minute in 0..(8 * 24 * 60) {
            c = us_country(&rules(), Mode::Monitor, &c, T0 + minute * M).record.unwrap();
        }
        assert_eq!((c.minutes.len(), c.hours.len()), (60, 169));
        assert_eq!(c.first_hour as u64, (T0 + 8 * 24 * H - M) / H - 168);
        assert!(c.encode().len() < 2000, "{} bytes", c.encode().len());
        assert_eq!(CountryRecord::decode(Some(&c.encode())).unwrap(), c);
    }
}
