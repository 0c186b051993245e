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

/// One window as a decision leaves it: what it counts and what it has left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct WindowCount {
    /// The most events the window allows.
    pub limit: u32,
    /// The window's length in seconds.
    pub window_seconds: u32,
    /// The events inside it now (an allowed one included).
    pub count: u32,
    /// How many more it allows now: `limit - count`, 0 when full.
    pub left: u32,
}

/// Where a number's sends stand after a send's decision (the send included
/// when it was allowed): what a caller shows as "sends left" and "send again
/// in".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SendStanding {
    /// The fewest sends any window has left: the tightest window's `left`
    /// (absent when the policy has no send windows, only the cooldown).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub sends_left: Option<u32>,
    /// Each send window, in the policy's order.
    pub windows: Vec<WindowCount>,
    /// Seconds until the next send is allowed, rounded up (0: now): the
    /// cooldown, or a full window's wait when that is longer.
    pub next_send_in_seconds: u32,
}

/// Where a number's wrong guesses stand after a verify's reservation: the
/// guess being checked counts as wrong until a right code gives it back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct GuessStanding {
    /// Wrong guesses the number has left in its window.
    pub wrong_guesses_left: u32,
    /// The wrong-guess window.
    pub window: WindowCount,
    /// Seconds until a guess is allowed again, rounded up (0: now).
    pub next_guess_in_seconds: u32,
}

/// Where a number stands after a decision, by what was decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Standing {
    /// After a SendOtpMessage's decision.
    Sends(SendStanding),
    /// After a VerifyOtpMessage's reservation.
    WrongGuesses(GuessStanding),
}

/// A decision on a number's history: the refusal, if any rule refused, where
/// the number stands, and the history to write back (None: leave it as it
/// is). With the policy off there is no decision: all three are None.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The rule that refused, if any.
    pub refusal: Option<Refusal>,
    /// What the number has left, and when its next try is allowed.
    pub standing: Option<Standing>,
    /// The history to write back with compare-and-swap; `None`: leave it as it is.
    pub history: Option<History>,
}

impl Decision {
    /// No decision: the policy is off.
    const NONE: Decision = Decision { refusal: None, standing: None, history: None };

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

/// One rule's window over the history as it is now: what it counts, and,
/// when it is full, how long until enough events have left it for one more.
#[derive(Clone, Copy, Debug)]
struct Judged {
    rule: Rule,
    window: Window,
    count: u32,
    /// `Some` when the window is full.
    wait_ms: Option<u64>,
}

impl Judged {
    /// The events of `times` inside the window ending now (an event exactly
    /// `window_seconds` old has left it).
    fn new(rule: Rule, window: Window, times: &[u64], now_ms: u64) -> Judged {
        let span = u64::from(window.window_seconds) * 1000;
        let inside: Vec<u64> = times.iter().copied().filter(|&t| t + span > now_ms).collect();
        let count = inside.len() as u32;
        // The oldest one whose leaving brings the count under the limit.
        let wait_ms = (count >= window.limit)
            .then(|| inside[(count - window.limit) as usize] + span - now_ms);
        Judged { rule, window, count, wait_ms }
    }

    fn counted(&self) -> WindowCount {
        WindowCount {
            limit: self.window.limit,
            window_seconds: self.window.window_seconds,
            count: self.count,
            left: self.window.limit.saturating_sub(self.count),
        }
    }

    /// The refusal a full window answers with.
    fn refusal(&self, mode: Mode) -> Option<Refusal> {
        let wait_ms = self.wait_ms?;
        let retry = seconds_until(wait_ms);
        let (count, seconds) = (self.count, self.window.window_seconds);
        let message = match self.rule {
            Rule::SendCooldown => format!(
                "A code was sent to this number {} seconds ago; the next is allowed in {retry} \
                 seconds",
                (u64::from(seconds) * 1000 - wait_ms) / 1000
            ),
            Rule::SendsPerNumber => format!(
                "Too many codes sent to this number: {count} in the last {}; the next is \
                 allowed in {retry} seconds",
                describe_window(seconds)
            ),
            Rule::WrongGuessesPerNumber => format!(
                "Too many wrong codes for this number: {count} in the last {}; try again in \
                 {retry} seconds",
                describe_window(seconds)
            ),
            // Judged in their own files (rule_set, pumping, spend), never here.
            Rule::CountryRules | Rule::PrefixVelocity | Rule::CountryBudget | Rule::SpendCaps => {
                return None
            }
        };
        Some(Refusal {
            rule: self.rule,
            limit: self.window.limit,
            window_seconds: seconds,
            count,
            retry_after_seconds: retry,
            message,
            mode,
        })
    }
}

/// The send rules that are not off, over these send times, each with its
/// mode: the cooldown (a window of one send), then each send window.
fn judge_sends(rules: &Rules, sends: &[u64], now_ms: u64) -> Vec<(Judged, Mode)> {
    let cooldown = Window { limit: 1, window_seconds: rules.send_cooldown_seconds };
    let cooldown_mode = rules.mode_of(|m| m.send_cooldown);
    let windows_mode = rules.mode_of(|m| m.sends_per_number);
    std::iter::once((Rule::SendCooldown, cooldown, cooldown_mode))
        .chain(rules.sends_per_number.iter().map(|&w| (Rule::SendsPerNumber, w, windows_mode)))
        .filter(|&(_, _, mode)| mode != Mode::Off)
        .map(|(rule, window, mode)| (Judged::new(rule, window, sends, now_ms), mode))
        .collect()
}

/// The full rule that waits longest (the first of equals): its wait is when
/// the next try is allowed, since no rule gets stricter as time passes.
fn longest<'a>(judged: impl Iterator<Item = &'a Judged>) -> Option<&'a Judged> {
    judged.filter(|j| j.wait_ms.is_some()).fold(None, |best, j| match best {
        Some(b) if b.wait_ms >= j.wait_ms => Some(b),
        _ => Some(j),
    })
}

/// The refusal of the full enforced rule that waits longest, so that its
/// Retry-After is when the next send is allowed; with none, of the
/// monitored one that waits longest (reported, refusing nothing).
fn send_refusal(judged: &[(Judged, Mode)]) -> Option<Refusal> {
    [Mode::Enforce, Mode::Monitor].into_iter().find_map(|mode| {
        longest(judged.iter().filter(|(_, m)| *m == mode).map(|(j, _)| j))
            .and_then(|j| j.refusal(mode))
    })
}

fn send_standing(rules: &Rules, sends: &[u64], now_ms: u64) -> Standing {
    let judged = judge_sends(rules, sends, now_ms);
    let windows: Vec<WindowCount> = judged
        .iter()
        .filter(|(j, _)| j.rule == Rule::SendsPerNumber)
        .map(|(j, _)| j.counted())
        .collect();
    // As the rules that are on see it (monitored ones too: what they would refuse).
    let next = longest(judged.iter().map(|(j, _)| j)).and_then(|j| j.wait_ms);
    Standing::Sends(SendStanding {
        sends_left: windows.iter().map(|w| w.left).min(),
        windows,
        next_send_in_seconds: next.map_or(0, seconds_until),
    })
}

fn guess_standing(rules: &Rules, guesses: &[u64], now_ms: u64) -> Standing {
    let judged =
        Judged::new(Rule::WrongGuessesPerNumber, rules.wrong_guesses_per_number, guesses, now_ms);
    let window = judged.counted();
    Standing::WrongGuesses(GuessStanding {
        wrong_guesses_left: window.left,
        window,
        next_guess_in_seconds: judged.wait_ms.map_or(0, seconds_until),
    })
}

/// SendOtpMessage to a number: the cooldown since its last code and each
/// send window; a refusal names the rule that waits longest, so that its
/// Retry-After is when the next send is allowed. An allowed send is added to
/// the history; a refused one is not (it sends nothing), except under
/// `monitor`, where it is sent.
pub fn admit_send(rules: &Rules, history: &History, now_ms: u64) -> Decision {
    if rules.mode == Mode::Off {
        return Decision::NONE;
    }
    let judged = judge_sends(rules, &history.sends, now_ms);
    let mut decision = Decision { refusal: send_refusal(&judged), standing: None, history: None };
    // With every send rule off there is nothing to count.
    if decision.allowed() && !judged.is_empty() {
        let mut next = pruned(rules, history, now_ms);
        next.sends.push(now_ms);
        let keep = rules.sends_kept();
        if next.sends.len() > keep {
            next.sends.drain(..next.sends.len() - keep);
        }
        decision.history = Some(next);
    }
    let sends = decision.history.as_ref().unwrap_or(history);
    decision.standing = Some(send_standing(rules, &sends.sends, now_ms));
    decision
}

/// A VerifyOtpMessage about to compare a code for a number: refused once
/// the number's wrong guesses fill their window. An allowed one is counted
/// now, before the comparison, so that concurrent guesses can't overshoot
/// the budget; [`release_guess`] takes it back when the code was right (or
/// no code was compared).
pub fn reserve_guess(rules: &Rules, history: &History, now_ms: u64) -> Decision {
    if rules.mode == Mode::Off {
        return Decision::NONE;
    }
    let window = rules.wrong_guesses_per_number;
    let mode = rules.mode_of(|m| m.wrong_guesses_per_number);
    let judged = Judged::new(Rule::WrongGuessesPerNumber, window, &history.guesses, now_ms);
    let refusal = if mode == Mode::Off { None } else { judged.refusal(mode) };
    let mut decision = Decision { refusal, standing: None, history: None };
    // Off, the guess is not counted; its standing still says where the number stands.
    if decision.allowed() && mode != Mode::Off {
        let mut next = pruned(rules, history, now_ms);
        next.guesses.push(now_ms);
        let keep = window.limit as usize;
        if next.guesses.len() > keep {
            next.guesses.drain(..next.guesses.len() - keep);
        }
        decision.history = Some(next);
    }
    let guesses = decision.history.as_ref().unwrap_or(history);
    decision.standing = Some(guess_standing(rules, &guesses.guesses, now_ms));
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
    use crate::policy::RuleModes;

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
        assert_eq!(d, Decision { refusal: None, standing: None, history: None });
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

    fn sends_of(d: &Decision) -> SendStanding {
        match d.standing.clone() {
            Some(Standing::Sends(s)) => s,
            other => panic!("not a send standing: {other:?}"),
        }
    }

    fn guesses_of(d: &Decision) -> GuessStanding {
        match d.standing.clone() {
            Some(Standing::WrongGuesses(g)) => g,
            other => panic!("not a guess standing: {other:?}"),
        }
    }

    #[test]
    fn an_allowed_send_says_what_is_left_and_when_the_next_is_allowed() {
        let d = admit_send(&rules(), &History::default(), T0);
        assert!(d.refusal.is_none());
        let s = sends_of(&d);
        assert_eq!((s.sends_left, s.next_send_in_seconds), (Some(4), 30));
        assert_eq!(
            s.windows,
            [
                WindowCount { limit: 5, window_seconds: 600, count: 1, left: 4 },
                WindowCount { limit: 20, window_seconds: 86_400, count: 1, left: 19 },
            ]
        );
        // Each later moment counts down, rounded up: 29.9 s later, 1 s is left.
        let h = d.history.unwrap();
        let refused = admit_send(&rules(), &h, T0 + 29_900);
        let s = sends_of(&refused);
        assert_eq!(
            (s.sends_left, s.next_send_in_seconds),
            (Some(4), 1),
            "a refused send is not counted"
        );
        assert_eq!(refused.refusal.unwrap().retry_after_seconds, s.next_send_in_seconds);
        assert_eq!(sends_of(&admit_send(&rules(), &h, T0 + 30_000)).sends_left, Some(3));
    }

    #[test]
    fn the_fifth_send_in_ten_minutes_says_none_are_left_until_the_first_leaves() {
        let h = sent_at(&[0, 30, 60, 90]);
        let d = admit_send(&rules(), &h, T0 + 120 * S);
        let s = sends_of(&d);
        assert_eq!(s.sends_left, Some(0));
        assert_eq!(s.windows[0].count, 5);
        assert_eq!(s.windows[1].left, 15);
        assert_eq!(
            s.next_send_in_seconds, 480,
            "the window, longer than the cooldown: the first send leaves at 600 s"
        );
        let h = d.history.unwrap();
        let last_ms = admit_send(&rules(), &h, T0 + 600 * S - 1);
        assert_eq!(sends_of(&last_ms).next_send_in_seconds, 1);
        let s = sends_of(&admit_send(&rules(), &h, T0 + 600 * S));
        assert_eq!(
            (s.sends_left, s.next_send_in_seconds),
            (Some(0), 30),
            "that send fills the window again"
        );
    }

    #[test]
    fn a_refusal_names_the_rule_that_waits_longest() {
        // At 125 s the cooldown would allow a send at 150 s, but the window not before 600 s.
        let h = sent_at(&[0, 30, 60, 90, 120]);
        let d = admit_send(&rules(), &h, T0 + 125 * S);
        let r = d.refusal.unwrap();
        assert_eq!((r.rule, r.retry_after_seconds), (Rule::SendsPerNumber, 475));
        assert_eq!(sends_of(&admit_send(&rules(), &h, T0 + 125 * S)).next_send_in_seconds, 475);
        // Equal waits: the cooldown, the first rule, names it.
        let one =
            Rules { sends_per_number: vec![Window { limit: 1, window_seconds: 30 }], ..rules() };
        let h1 = admit_send(&one, &History::default(), T0).history.unwrap();
        assert_eq!(admit_send(&one, &h1, T0 + S).refusal.unwrap().rule, Rule::SendCooldown);
    }

    #[test]
    fn without_send_windows_only_the_cooldown_is_reported() {
        let cooldown_only = Rules { sends_per_number: vec![], ..rules() };
        let s = sends_of(&admit_send(&cooldown_only, &History::default(), T0));
        assert_eq!((s.sends_left, s.windows.len(), s.next_send_in_seconds), (None, 0, 30));
        let no_cooldown = Rules { send_cooldown_seconds: 0, ..rules() };
        let s = sends_of(&admit_send(&no_cooldown, &History::default(), T0));
        assert_eq!((s.sends_left, s.next_send_in_seconds), (Some(4), 0));
    }

    #[test]
    fn each_per_number_rule_has_its_own_mode() {
        let with = |modes: RuleModes| Rules { modes, ..rules() };
        // Five sends 30 s apart fill the 10-minute window.
        let h = sent_at(&[0, 30, 60, 90, 120]);
        let at = T0 + 130 * S; // 10 s after the last: the cooldown too is full
                               // Both enforced: the window, which waits longest, names the refusal.
        let d = admit_send(&rules(), &h, at);
        let r = d.refusal.unwrap();
        assert_eq!(
            (r.rule, r.mode, r.retry_after_seconds),
            (Rule::SendsPerNumber, Mode::Enforce, 470)
        );
        // The window monitored: the enforced cooldown refuses, for its 20 s.
        let windows_monitored =
            with(RuleModes { sends_per_number: Mode::Monitor, ..RuleModes::default() });
        let d = admit_send(&windows_monitored, &h, at);
        let r = d.refusal.unwrap();
        assert_eq!(
            (r.rule, r.mode, r.retry_after_seconds),
            (Rule::SendCooldown, Mode::Enforce, 20)
        );
        assert!(d.history.is_none());
        // Once the cooldown has passed, only the monitored window is full: reported, the send goes and is counted.
        let d = admit_send(&windows_monitored, &h, T0 + 150 * S);
        assert!(d.allowed());
        let r = d.refusal.unwrap();
        assert_eq!((r.rule, r.mode), (Rule::SendsPerNumber, Mode::Monitor));
        assert_eq!(d.history.unwrap().sends.len(), 6);
        // The window off: the cooldown alone; the standing shows no window.
        let windows_off = with(RuleModes { sends_per_number: Mode::Off, ..RuleModes::default() });
        let d = admit_send(&windows_off, &h, T0 + 150 * S);
        assert_eq!(d.refusal, None);
        let s = sends_of(&d);
        assert_eq!((s.windows.len(), s.sends_left, s.next_send_in_seconds), (0, None, 30));
        // Both off: nothing refused, nothing counted.
        let both_off = with(RuleModes {
            send_cooldown: Mode::Off,
            sends_per_number: Mode::Off,
            ..RuleModes::default()
        });
        let d = admit_send(&both_off, &h, at);
        assert_eq!((d.refusal, d.history), (None, None));
        // The top-level mode still softens each: monitor over an enforced rule monitors.
        let top_monitor = Rules { mode: Mode::Monitor, ..rules() };
        assert_eq!(admit_send(&top_monitor, &h, at).refusal.unwrap().mode, Mode::Monitor);
        // Wrong guesses: monitored, the 11th is reported and counted; off, nothing is.
        let mut g = History::default();
        for i in 0..10 {
            g = reserve_guess(&rules(), &g, T0 + i * S).history.unwrap();
        }
        assert!(!reserve_guess(&rules(), &g, T0 + 10 * S).allowed());
        let monitored =
            with(RuleModes { wrong_guesses_per_number: Mode::Monitor, ..RuleModes::default() });
        let d = reserve_guess(&monitored, &g, T0 + 10 * S);
        assert!(d.allowed());
        assert_eq!(d.refusal.unwrap().mode, Mode::Monitor);
        assert_eq!(
            d.history.unwrap().guesses.len(),
            10,
            "counted, the oldest dropped past the limit"
        );
        let off = with(RuleModes { wrong_guesses_per_number: Mode::Off, ..RuleModes::default() });
        let d = reserve_guess(&off, &g, T0 + 10 * S);
        assert_eq!(
            guesses_of(&d).wrong_guesses_left,
            0,
            "its standing still says where the number stands"
        );
        assert_eq!((d.refusal, d.history), (None, None));
    }

    #[test]
    fn monitor_counts_past_the_limit_and_reports_none_left() {
        let monitor = Rules { mode: Mode::Monitor, ..rules() };
        let mut h = History::default();
        for i in 0..6 {
            let d = admit_send(&monitor, &h, T0 + i * S);
            assert!(d.allowed());
            h = d.history.unwrap();
        }
        let d = admit_send(&monitor, &h, T0 + 6 * S);
        let s = sends_of(&d);
        assert_eq!((s.windows[0].count, s.sends_left), (7, Some(0)));
        assert_eq!(
            s.next_send_in_seconds,
            600 - 4,
            "until the 3rd of the 7 leaves the window (at 602 s), which brings the count under 5"
        );
    }

    #[test]
    fn a_reserved_guess_says_how_many_wrong_guesses_are_left() {
        let mut h = History::default();
        for i in 0..10 {
            let d = reserve_guess(&rules(), &h, T0 + i * 60 * S);
            let g = guesses_of(&d);
            assert_eq!(g.wrong_guesses_left, 9 - i as u32, "guess {i}");
            assert_eq!(g.window.count, i as u32 + 1);
            let next = if i == 9 { 3600 - 540 } else { 0 };
            assert_eq!(g.next_guess_in_seconds, next, "guess {i}");
            h = d.history.unwrap();
        }
        let refused = reserve_guess(&rules(), &h, T0 + 600 * S);
        let g = guesses_of(&refused);
        assert_eq!((g.wrong_guesses_left, g.next_guess_in_seconds), (0, 3000));
        assert_eq!(refused.refusal.unwrap().retry_after_seconds, 3000);
        let released = release_guess(&h, T0 + 540 * S).unwrap();
        assert_eq!(
            guesses_of(&reserve_guess(&rules(), &released, T0 + 600 * S)).wrong_guesses_left,
            0
        );
    }

    #[test]
    fn standings_are_tagged_by_kind() {
        let send = admit_send(&rules(), &History::default(), T0).standing.unwrap();
        assert_eq!(
            serde_json::to_string(&send).unwrap(),
            r#"{"kind":"sends","sendsLeft":4,"windows":[{"limit":5,"windowSeconds":600,"count":1,"left":4},{"limit":20,"windowSeconds":86400,"count":1,"left":19}],"nextSendInSeconds":30}"#
        );
        let guess = reserve_guess(&rules(), &History::default(), T0).standing.unwrap();
        assert_eq!(
            serde_json::to_string(&guess).unwrap(),
            r#"{"kind":"wrongGuesses","wrongGuessesLeft":9,"window":{"limit":10,"windowSeconds":3600,"count":1,"left":9},"nextGuessInSeconds":0}"#
        );
    }
}
