//! Per-number protection: how many codes a number may be sent, how soon
//! after the last, and how many wrong codes may be tried against it, as pure
//! decisions over the number's history.
//!
//! The history is one small record per (application, DestinationIdentity),
//! stored by the host under a keyed hash ([`crate::record::Secret::number_key`]):
//! the times of the last sends and of the last wrong guesses, nothing else.
//! The host writes it back with compare-and-swap, so on a strongly
//! consistent store every limit holds exactly under concurrency.

use crate::error::{Error, Exception};
use crate::policy::{Mode, Rules, Window};
use serde::{Deserialize, Serialize};

/// A number's recent history: send times and wrong-guess times (ms, oldest
/// first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct History {
    /// When codes were sent to the number (ms since the epoch).
    #[serde(rename = "s", default)]
    pub sends: Vec<u64>,
    /// When wrong codes were tried against the number (ms since the epoch).
    #[serde(rename = "g", default)]
    pub guesses: Vec<u64>,
}

impl History {
    /// The history as stored; no record reads as an empty history, an unreadable one is an
    /// `InternalServerErrorException`.
    pub fn decode(stored: Option<&str>) -> Result<History, Error> {
        match stored {
            None => Ok(History::default()),
            Some(text) => serde_json::from_str(text).map_err(|_| {
                Error::new(Exception::InternalServerError, "A stored number history is unreadable")
            }),
        }
    }

    /// The history as stored: compact JSON.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a history serializes")
    }
}

/// Which rule a decision is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Rule {
    /// The least time between two codes sent to a number.
    SendCooldown,
    /// The most codes sent to a number in a window.
    SendsPerNumber,
    /// The most wrong codes tried against a number in a window.
    WrongGuessesPerNumber,
    /// A BLOCK country rule or number override (`crate::rule_set`).
    CountryRules,
    /// A prefix blocked for too few verified codes (`crate::pumping`).
    PrefixVelocity,
    /// A country's hourly budget of unverified sends (`crate::pumping`).
    CountryBudget,
    /// The application's SMS segments per hour, day or month (`crate::spend`).
    SpendCaps,
}

/// A rule that would refuse: what it counted and when the next try is allowed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Refusal {
    /// The rule that would refuse.
    pub rule: Rule,
    /// The most events the rule allows in its window (1 for the cooldown).
    pub limit: u32,
    /// The rule's window (the cooldown itself for `sendCooldown`).
    pub window_seconds: u32,
    /// The events counted in the window.
    pub count: u32,
    /// Seconds until the next try is allowed, rounded up: the `Retry-After`.
    pub retry_after_seconds: u32,
    /// The TooManyRequestsException message.
    pub message: String,
    /// `enforce` refuses; `monitor` only reports.
    pub mode: Mode,
}

impl Refusal {
    /// The error a refusal answers with when it is enforced.
    pub fn error(&self) -> Error {
        Error::new(Exception::TooManyRequests, self.message.clone())
    }
}

/// A decision on a number's history: the refusal, if any rule refused, and
/// the history to write back (None: leave it as it is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The rule that refused, if any.
    pub refusal: Option<Refusal>,
    /// The history to write back with compare-and-swap; `None`: leave it as it is.
    pub history: Option<History>,
}

impl Decision {
    /// Whether the request goes ahead: nothing refused, or only monitored.
    pub fn allowed(&self) -> bool {
        self.refusal.as_ref().is_none_or(|r| r.mode != Mode::Enforce)
    }
}

/// Milliseconds to whole seconds, rounded up: a Retry-After never early.
pub(crate) fn seconds_until(ms: u64) -> u32 {
    ms.div_ceil(1000).try_into().unwrap_or(u32::MAX)
}

/// A window's length in words, for messages.
fn describe_window(seconds: u32) -> String {
    match seconds {
        3600 => "hour".to_owned(),
        86_400 => "24 hours".to_owned(),
        s if s % 86_400 == 0 => format!("{} days", s / 86_400),
        s if s % 3600 == 0 => format!("{} hours", s / 3600),
        60 => "minute".to_owned(),
        s if s % 60 == 0 => format!("{} minutes", s / 60),
        s => format!("{s} seconds"),
    }
}

/// The events of `times` inside the window ending now (an event exactly
/// `window_seconds` old has left it), and when enough of them will have
/// left for one more to fit.
fn judge(times: &[u64], window: Window, now_ms: u64) -> Option<(u32, u64)> {
    let span = u64::from(window.window_seconds) * 1000;
    let inside: Vec<u64> = times.iter().copied().filter(|&t| t + span > now_ms).collect();
    let count = inside.len() as u32;
    if count < window.limit {
        return None;
    }
    // The oldest one whose leaving brings the count under the limit.
    let leaving = inside[(count - window.limit) as usize];
    Some((count, leaving + span - now_ms))
}

/// SendOtpMessage to a number: the cooldown since its last code, then each
/// send window. An allowed send is added to the history; a refused one is
/// not (it sends nothing), except under `monitor`, where it is sent.
pub fn admit_send(rules: &Rules, history: &History, now_ms: u64) -> Decision {
    if rules.mode == Mode::Off {
        return Decision { refusal: None, history: None };
    }
    let refusal = cooldown(rules, history, now_ms).or_else(|| {
        rules.sends_per_number.iter().find_map(|&window| {
            let (count, wait_ms) = judge(&history.sends, window, now_ms)?;
            let retry = seconds_until(wait_ms);
            Some(Refusal {
                rule: Rule::SendsPerNumber,
                limit: window.limit,
                window_seconds: window.window_seconds,
                count,
                retry_after_seconds: retry,
                message: format!(
                    "Too many codes sent to this number: {count} in the last {}; the next is \
                     allowed in {retry} seconds",
                    describe_window(window.window_seconds)
                ),
                mode: rules.mode,
            })
        })
    });
    let refusal = refusal.map(|r| Refusal { mode: rules.mode, ..r });
    let mut decision = Decision { refusal, history: None };
    if decision.allowed() {
        let mut next = pruned(rules, history, now_ms);
        next.sends.push(now_ms);
        let keep = rules.sends_kept();
        if next.sends.len() > keep {
            next.sends.drain(..next.sends.len() - keep);
        }
        decision.history = Some(next);
    }
    decision
}

fn cooldown(rules: &Rules, history: &History, now_ms: u64) -> Option<Refusal> {
    let last = *history.sends.last()?;
    let cooldown_ms = u64::from(rules.send_cooldown_seconds) * 1000;
    let ago_ms = now_ms.saturating_sub(last);
    if ago_ms >= cooldown_ms {
        return None;
    }
    let retry = seconds_until(cooldown_ms - ago_ms);
    Some(Refusal {
        rule: Rule::SendCooldown,
        limit: 1,
        window_seconds: rules.send_cooldown_seconds,
        count: 1,
        retry_after_seconds: retry,
        message: format!(
            "A code was sent to this number {} seconds ago; the next is allowed in {retry} seconds",
            ago_ms / 1000
        ),
        mode: rules.mode,
    })
}

/// A VerifyOtpMessage about to compare a code for a number: refused once
/// the number's wrong guesses fill their window. An allowed one is counted
/// now, before the comparison, so that concurrent guesses can't overshoot
/// the budget; [`release_guess`] takes it back when the code was right (or
/// no code was compared).
pub fn reserve_guess(rules: &Rules, history: &History, now_ms: u64) -> Decision {
    if rules.mode == Mode::Off {
        return Decision { refusal: None, history: None };
    }
    let window = rules.wrong_guesses_per_number;
    let refusal = judge(&history.guesses, window, now_ms).map(|(count, wait_ms)| {
        let retry = seconds_until(wait_ms);
        Refusal {
            rule: Rule::WrongGuessesPerNumber,
            limit: window.limit,
            window_seconds: window.window_seconds,
            count,
            retry_after_seconds: retry,
            message: format!(
                "Too many wrong codes for this number: {count} in the last {}; try again in \
                 {retry} seconds",
                describe_window(window.window_seconds)
            ),
            mode: rules.mode,
        }
    });
    let mut decision = Decision { refusal, history: None };
    if decision.allowed() {
        let mut next = pruned(rules, history, now_ms);
        next.guesses.push(now_ms);
        let keep = window.limit as usize;
        if next.guesses.len() > keep {
            next.guesses.drain(..next.guesses.len() - keep);
        }
        decision.history = Some(next);
    }
    decision
}

/// Takes back a guess counted by [`reserve_guess`] at `reserved_ms`.
pub fn release_guess(history: &History, reserved_ms: u64) -> Option<History> {
    let i = history.guesses.iter().rposition(|&t| t == reserved_ms)?;
    let mut next = history.clone();
    next.guesses.remove(i);
    Some(next)
}

/// Takes back a send counted by [`admit_send`] at `sent_at_ms` that did not
/// go (a later rule refused it).
pub fn unsend(history: &History, sent_at_ms: u64) -> Option<History> {
    let i = history.sends.iter().rposition(|&t| t == sent_at_ms)?;
    let mut next = history.clone();
    next.sends.remove(i);
    Some(next)
}

/// The history without what no window can count any more.
fn pruned(rules: &Rules, history: &History, now_ms: u64) -> History {
    let keep_from = now_ms.saturating_sub(u64::from(rules.history_seconds()) * 1000);
    History {
        sends: history.sends.iter().copied().filter(|&t| t > keep_from).collect(),
        guesses: history.guesses.iter().copied().filter(|&t| t > keep_from).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_764_115_200_000;
    const S: u64 = 1000;

    fn rules() -> Rules {
        Rules::defaults()
    }

    /// Sends at the given seconds after T0, each admitted, as the host would.
    fn sent_at(seconds: &[u64]) -> History {
        let mut h = History::default();
        for &s in seconds {
            let d = admit_send(&rules(), &h, T0 + s * S);
            assert!(d.allowed(), "send at {s}s: {:?}", d.refusal);
            h = d.history.unwrap();
        }
        h
    }

    #[test]
    fn the_cooldown_holds_to_the_millisecond() {
        let h = sent_at(&[0]);
        let d = admit_send(&rules(), &h, T0 + 29_900);
        let r = d.refusal.unwrap();
        assert_eq!((r.rule, r.retry_after_seconds), (Rule::SendCooldown, 1));
        assert_eq!(
            r.message,
            "A code was sent to this number 29 seconds ago; the next is allowed in 1 seconds"
        );
        assert!(d.history.is_none(), "a refused send is not counted");
        assert!(admit_send(&rules(), &h, T0 + 30_000).allowed());
        let early = admit_send(&rules(), &h, T0 + 1000).refusal.unwrap();
        assert_eq!(early.retry_after_seconds, 29);
    }

    #[test]
    fn the_sixth_send_in_ten_minutes_is_refused_until_the_first_leaves() {
        let h = sent_at(&[0, 30, 60, 90, 120]);
        let r = admit_send(&rules(), &h, T0 + 288 * S).refusal.unwrap();
        assert_eq!((r.rule, r.limit, r.count, r.window_seconds), (Rule::SendsPerNumber, 5, 5, 600));
        assert_eq!(r.retry_after_seconds, 312);
        assert_eq!(
            r.message,
            "Too many codes sent to this number: 5 in the last 10 minutes; the next is allowed in 312 seconds"
        );
        // Exact at the bound: the first send leaves the window at 600 s.
        assert!(!admit_send(&rules(), &h, T0 + 600 * S - 1).allowed());
        assert!(admit_send(&rules(), &h, T0 + 600 * S).allowed());
    }

    #[test]
    fn twenty_a_day() {
        let times: Vec<u64> = (0..20).map(|i| i * 700).collect(); // 5 per 10 minutes never binds
        let h = sent_at(&times);
        assert_eq!(h.sends.len(), 20);
        let at = 20 * 700;
        let r = admit_send(&rules(), &h, T0 + at * S).refusal.unwrap();
        assert_eq!((r.limit, r.window_seconds, r.count), (20, 86_400, 20));
        assert_eq!(r.retry_after_seconds as u64, 86_400 - at);
        assert!(r.message.contains("20 in the last 24 hours"), "{}", r.message);
        assert!(admit_send(&rules(), &h, T0 + 86_400 * S).allowed());
    }

    #[test]
    fn monitor_refuses_nothing_but_says_what_it_would_have() {
        let monitor = Rules { mode: Mode::Monitor, ..rules() };
        let h = sent_at(&[0]);
        let d = admit_send(&monitor, &h, T0 + S);
        assert!(d.allowed());
        assert_eq!(
            d.refusal.as_ref().map(|r| (r.rule, r.mode)),
            Some((Rule::SendCooldown, Mode::Monitor))
        );
        assert_eq!(d.history.unwrap().sends.len(), 2, "a monitored send is sent, so counted");
    }

    #[test]
    fn off_decides_nothing_and_keeps_no_history() {
        let off = Rules::off();
        let d = admit_send(&off, &sent_at(&[0]), T0);
        assert_eq!(d, Decision { refusal: None, history: None });
        assert_eq!(reserve_guess(&off, &History::default(), T0).history, None);
    }

    #[test]
    fn wrong_guesses_per_number_hold_for_an_hour() {
        let mut h = History::default();
        for i in 0..10 {
            let d = reserve_guess(&rules(), &h, T0 + i * 60 * S);
            assert!(d.allowed(), "guess {i}");
            h = d.history.unwrap();
        }
        let r = reserve_guess(&rules(), &h, T0 + 600 * S).refusal.unwrap();
        assert_eq!((r.rule, r.count, r.limit), (Rule::WrongGuessesPerNumber, 10, 10));
        assert_eq!(r.retry_after_seconds, 3000);
        assert_eq!(
            r.message,
            "Too many wrong codes for this number: 10 in the last hour; try again in 3000 seconds"
        );
        assert_eq!(r.error().exception, Exception::TooManyRequests);
        assert!(reserve_guess(&rules(), &h, T0 + 3600 * S).allowed());
    }

    #[test]
    fn a_released_guess_no_longer_counts() {
        let d = reserve_guess(&rules(), &History::default(), T0);
        let h = d.history.unwrap();
        assert_eq!(h.guesses, [T0]);
        assert_eq!(release_guess(&h, T0).unwrap().guesses, Vec::<u64>::new());
        assert_eq!(release_guess(&h, T0 + 1), None, "only the reservation itself");
    }

    #[test]
    fn a_send_taken_back_no_longer_counts() {
        let h = sent_at(&[0, 40]);
        assert_eq!(unsend(&h, T0 + 40 * S).unwrap().sends, [T0]);
        assert_eq!(unsend(&h, T0 + 41 * S), None);
    }

    #[test]
    fn histories_round_trip_and_hold_nothing_else() {
        let h = sent_at(&[0, 40]);
        let text = h.encode();
        assert_eq!(text, format!("{{\"s\":[{},{}],\"g\":[]}}", T0, T0 + 40 * S));
        assert_eq!(History::decode(Some(&text)).unwrap(), h);
        assert_eq!(History::decode(None).unwrap(), History::default());
        assert_eq!(
            History::decode(Some("x")).unwrap_err().exception,
            Exception::InternalServerError
        );
    }

    #[test]
    fn old_history_is_pruned_on_write() {
        let h = sent_at(&[0]);
        let d = admit_send(&rules(), &h, T0 + 86_400 * S + 1);
        assert_eq!(d.history.unwrap().sends, [T0 + 86_400 * S + 1]);
    }
}
