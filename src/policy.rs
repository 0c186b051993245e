//! `OTP_POLICY`: the protection a deployment enforces, monitors or turns
//! off, checked whole when the service starts.
//!
//! ```json
//! {
//!   "mode": "enforce",
//!   "sendCooldownSeconds": 30,
//!   "sendsPerNumber": [{"limit": 5, "windowSeconds": 600}, {"limit": 20, "windowSeconds": 86400}],
//!   "wrongGuessesPerNumber": {"limit": 10, "windowSeconds": 3600},
//!   "singleUseSignatures": true,
//!   "countries": {"default": "FILTER", "rules": {}},
//!   "numbers": {},
//!   "prefixSends": 10,
//!   "minVerifiedRatio": 0.2,
//!   "prefixBlockSeconds": 43200,
//!   "countryBudgets": {},
//!   "spendCaps": {},
//!   "modes": {"sendCooldown": "enforce", "sendsPerNumber": "enforce", "wrongGuessesPerNumber": "enforce",
//!             "countryRules": "enforce", "prefixVelocity": "enforce", "countryBudget": "enforce", "spendCaps": "enforce"},
//!   "applications": {"<application id>": {"sendCooldownSeconds": 60}}
//! }
//! ```
//!
//! Every member is optional: what is left out takes the default above
//! (Twilio Verify allows 5 sends per 10 minutes; NIST SP 800-63B §5.2.2 caps
//! consecutive failed attempts at 100 per account, and 10 an hour is far
//! below it while leaving room for typos; Twilio's Fraud Guard blocks a
//! pumped prefix for 12 hours). `countries` and `numbers` are a
//! [`RuleSet`]; `spendCaps` (`{"hour": n, "day": n, "month": n}`, SMS
//! segments) has no default: a budget is the deployment's to set.

use crate::error::Error;
use crate::rule_set::{CountryRules, NumberOverride, RuleSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The setting's name, which starts every problem's path.
pub const SETTING: &str = "OTP_POLICY";

/// What a rule does when it would refuse.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Mode {
    /// Refuse.
    #[default]
    Enforce,
    /// Decide and log what would have been refused; refuse nothing.
    Monitor,
    /// Decide nothing: Pinpoint's behaviour exactly.
    Off,
}

/// At most `limit` events in any `window_seconds`, sliding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Window {
    /// The most events allowed in the window.
    pub limit: u32,
    /// The window's length in seconds.
    pub window_seconds: u32,
}

/// SMS segments an application may send per UTC hour, UTC day and calendar
/// month (UTC); each absent one is no cap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SpendCaps {
    /// Segments per UTC hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub hour: Option<u32>,
    /// Segments per UTC day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub day: Option<u32>,
    /// Segments per calendar month, UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub month: Option<u32>,
}

impl SpendCaps {
    /// Whether any cap is set (none: nothing to count).
    pub fn any(&self) -> bool {
        self.hour.is_some() || self.day.is_some() || self.month.is_some()
    }
}

/// Each rule's own mode; the top-level `mode` can only soften it (`off`
/// there turns every rule off, `monitor` makes every rule monitor).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct RuleModes {
    /// The least time between two codes sent to a number.
    #[serde(default)]
    pub send_cooldown: Mode,
    /// The send windows per number.
    #[serde(default)]
    pub sends_per_number: Mode,
    /// The wrong-guess window per number.
    #[serde(default)]
    pub wrong_guesses_per_number: Mode,
    /// BLOCK countries and number overrides.
    #[serde(default)]
    pub country_rules: Mode,
    /// Prefix blocks judged by verification rate.
    #[serde(default)]
    pub prefix_velocity: Mode,
    /// Hourly budgets of unverified sends per country.
    #[serde(default)]
    pub country_budget: Mode,
    /// The application's spend caps.
    #[serde(default)]
    pub spend_caps: Mode,
}

impl Mode {
    /// This rule's mode under the top-level one: the softer of the two.
    pub fn under(self, top: Mode) -> Mode {
        match (top, self) {
            (Mode::Off, _) | (_, Mode::Off) => Mode::Off,
            (Mode::Monitor, _) | (_, Mode::Monitor) => Mode::Monitor,
            _ => Mode::Enforce,
        }
    }
}

/// The rules that apply to one application.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Rules {
    /// Whether the rules refuse, only report, or do nothing.
    pub mode: Mode,
    /// The least time between two codes sent to a number.
    pub send_cooldown_seconds: u32,
    /// The most codes sent to a number, per window.
    pub sends_per_number: Vec<Window>,
    /// The most wrong codes tried against a number in a window.
    pub wrong_guesses_per_number: Window,
    /// Whether a signed request may be used once only.
    pub single_use_signatures: bool,
    /// Country rules and number overrides.
    #[serde(flatten)]
    pub rule_set: RuleSet,
    /// A prefix (a number less its last 3 digits) with this many sends in
    /// the last hour, too few of them verified, is blocked.
    pub prefix_sends: u32,
    /// The share of a prefix's sends that must be verified (0 to 1).
    pub min_verified_ratio: f64,
    /// How long a prefix is blocked the first time in a week; each further
    /// block within the week doubles it (a week at most).
    pub prefix_block_seconds: u32,
    /// Fixed hourly budgets of unverified sends by country, in place of the
    /// one learnt from the last 7 days.
    pub country_budgets: BTreeMap<String, u32>,
    /// SMS segments the application may send per hour, day and month.
    pub spend_caps: SpendCaps,
    /// Each rule's own mode.
    pub modes: RuleModes,
}

impl Rules {
    /// The defaults a deployment enforces when it sets no policy.
    pub fn defaults() -> Rules {
        Rules {
            mode: Mode::Enforce,
            send_cooldown_seconds: 30,
            sends_per_number: vec![
                Window { limit: 5, window_seconds: 600 },
                Window { limit: 20, window_seconds: 86_400 },
            ],
            wrong_guesses_per_number: Window { limit: 10, window_seconds: 3600 },
            single_use_signatures: true,
            rule_set: RuleSet::default(),
            prefix_sends: 10,
            min_verified_ratio: 0.2,
            prefix_block_seconds: 12 * 3600,
            country_budgets: BTreeMap::new(),
            spend_caps: SpendCaps::default(),
            modes: RuleModes::default(),
        }
    }

    /// A rule's mode in force: its own under the top-level one.
    pub fn mode_of(&self, rule: fn(&RuleModes) -> Mode) -> Mode {
        rule(&self.modes).under(self.mode)
    }

    /// No protection: what development mode runs without a policy.
    pub fn off() -> Rules {
        Rules { mode: Mode::Off, ..Rules::defaults() }
    }

    /// How long a number's history must be kept to judge every window.
    pub fn history_seconds(&self) -> u32 {
        self.sends_per_number
            .iter()
            .map(|w| w.window_seconds)
            .chain([self.send_cooldown_seconds, self.wrong_guesses_per_number.window_seconds])
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// How many past sends must be kept to judge every window.
    pub fn sends_kept(&self) -> usize {
        self.sends_per_number.iter().map(|w| w.limit as usize).max().unwrap_or(0).max(1)
    }
}

/// Members an application may override.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Overrides {
    mode: Option<Mode>,
    send_cooldown_seconds: Option<u32>,
    sends_per_number: Option<Vec<Window>>,
    wrong_guesses_per_number: Option<Window>,
    countries: Option<CountryRules>,
    numbers: Option<BTreeMap<String, NumberOverride>>,
    prefix_sends: Option<u32>,
    min_verified_ratio: Option<f64>,
    prefix_block_seconds: Option<u32>,
    country_budgets: Option<BTreeMap<String, u32>>,
    spend_caps: Option<SpendCaps>,
    modes: Option<RuleModes>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Setting {
    mode: Option<Mode>,
    send_cooldown_seconds: Option<u32>,
    sends_per_number: Option<Vec<Window>>,
    wrong_guesses_per_number: Option<Window>,
    countries: Option<CountryRules>,
    numbers: Option<BTreeMap<String, NumberOverride>>,
    prefix_sends: Option<u32>,
    min_verified_ratio: Option<f64>,
    prefix_block_seconds: Option<u32>,
    country_budgets: Option<BTreeMap<String, u32>>,
    spend_caps: Option<SpendCaps>,
    modes: Option<RuleModes>,
    single_use_signatures: Option<bool>,
    #[serde(default)]
    applications: BTreeMap<String, Overrides>,
}

/// The whole policy: the deployment's rules and each application's.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    rules: Rules,
    applications: BTreeMap<String, Rules>,
}

impl Policy {
    /// The policy a deployment with no `OTP_POLICY` runs: the defaults in
    /// production, off in development.
    pub fn new(rules: Rules) -> Policy {
        Policy { rules, applications: BTreeMap::new() }
    }

    /// Reads `OTP_POLICY`. Members left out take the defaults, whatever
    /// the deployment: setting a policy at all turns protection on (in
    /// development too, where `{"mode": "enforce"}` is the way to try it).
    pub fn from_json(text: &str) -> Result<Policy, Error> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let policy = Policy::read(&mut deserializer)?;
        deserializer.end().map_err(|e| Error::bad_field(SETTING, format!("{SETTING}: {e}")))?;
        Ok(policy)
    }

    /// Reads the setting from any serde source (JSON text, a JS object).
    pub fn read<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Policy, Error>
    where
        D::Error: std::fmt::Display,
    {
        let setting: Setting = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            let at = if path == "." { SETTING.to_owned() } else { format!("{SETTING}.{path}") };
            Error::bad_field(SETTING, format!("{at}: {}", e.inner()))
        })?;
        let deployment = Overrides {
            mode: setting.mode,
            send_cooldown_seconds: setting.send_cooldown_seconds,
            sends_per_number: setting.sends_per_number,
            wrong_guesses_per_number: setting.wrong_guesses_per_number,
            countries: setting.countries,
            numbers: setting.numbers,
            prefix_sends: setting.prefix_sends,
            min_verified_ratio: setting.min_verified_ratio,
            prefix_block_seconds: setting.prefix_block_seconds,
            country_budgets: setting.country_budgets,
            spend_caps: setting.spend_caps,
            modes: setting.modes,
        };
        let base = apply(&Rules::defaults(), &deployment);
        let base =
            Rules { single_use_signatures: setting.single_use_signatures.unwrap_or(true), ..base };
        check(&base, SETTING)?;
        let mut applications = BTreeMap::new();
        for (id, overrides) in &setting.applications {
            crate::otp::check_application_id(id).map_err(|e| {
                Error::bad_field(SETTING, format!("{SETTING}.applications.{id}: {}", e.message))
            })?;
            let rules = apply(&base, overrides);
            check(&rules, &format!("{SETTING}.applications.{id}"))?;
            applications.insert(id.clone(), rules);
        }
        Ok(Policy { rules: base, applications })
    }

    /// The rules for an application: its own, or the deployment's.
    pub fn rules(&self, application_id: &str) -> &Rules {
        self.applications.get(application_id).unwrap_or(&self.rules)
    }

    /// The deployment's rules (single-use signatures are deployment-wide).
    pub fn deployment(&self) -> &Rules {
        &self.rules
    }
}

fn apply(base: &Rules, o: &Overrides) -> Rules {
    Rules {
        mode: o.mode.unwrap_or(base.mode),
        send_cooldown_seconds: o.send_cooldown_seconds.unwrap_or(base.send_cooldown_seconds),
        sends_per_number: o
            .sends_per_number
            .clone()
            .unwrap_or_else(|| base.sends_per_number.clone()),
        wrong_guesses_per_number: o
            .wrong_guesses_per_number
            .unwrap_or(base.wrong_guesses_per_number),
        single_use_signatures: base.single_use_signatures,
        rule_set: RuleSet {
            countries: o.countries.clone().unwrap_or_else(|| base.rule_set.countries.clone()),
            numbers: o.numbers.clone().unwrap_or_else(|| base.rule_set.numbers.clone()),
        },
        prefix_sends: o.prefix_sends.unwrap_or(base.prefix_sends),
        min_verified_ratio: o.min_verified_ratio.unwrap_or(base.min_verified_ratio),
        prefix_block_seconds: o.prefix_block_seconds.unwrap_or(base.prefix_block_seconds),
        country_budgets: o.country_budgets.clone().unwrap_or_else(|| base.country_budgets.clone()),
        spend_caps: o.spend_caps.unwrap_or(base.spend_caps),
        modes: o.modes.unwrap_or(base.modes),
    }
}

/// Bounds that keep every rule meaningful: a window of a week at most, and
/// limits a number's history can hold.
fn check(rules: &Rules, at: &str) -> Result<(), Error> {
    const WEEK: u32 = 7 * 86_400;
    let bad = |field: &str, message: String| {
        Err(Error::bad_field(SETTING, format!("{at}.{field}: {message}")))
    };
    if rules.send_cooldown_seconds > WEEK {
        return bad(
            "sendCooldownSeconds",
            format!("must be at most {WEEK} (a week), got {}", rules.send_cooldown_seconds),
        );
    }
    for (i, w) in rules.sends_per_number.iter().enumerate() {
        check_window(w).or_else(|m| bad(&format!("sendsPerNumber[{i}]"), m))?;
    }
    check_window(&rules.wrong_guesses_per_number).or_else(|m| bad("wrongGuessesPerNumber", m))?;
    rules.rule_set.check(at)?;
    if !(1..=1000).contains(&rules.prefix_sends) {
        return bad(
            "prefixSends",
            format!("must be between 1 and 1000, got {}", rules.prefix_sends),
        );
    }
    if !(0.0..=1.0).contains(&rules.min_verified_ratio) {
        return bad(
            "minVerifiedRatio",
            format!("must be between 0 and 1, got {}", rules.min_verified_ratio),
        );
    }
    if !(60..=WEEK).contains(&rules.prefix_block_seconds) {
        return bad(
            "prefixBlockSeconds",
            format!("must be between 60 and {WEEK} (a week), got {}", rules.prefix_block_seconds),
        );
    }
    for (code, &budget) in &rules.country_budgets {
        if !crate::rule_set::is_region_code(code) {
            return bad(
                &format!("countryBudgets.{code}"),
                "a country is its ISO 3166-1 alpha-2 code, two capital letters (e.g. US)".into(),
            );
        }
        if budget == 0 {
            return bad(&format!("countryBudgets.{code}"), "must be at least 1, got 0".into());
        }
    }
    let caps = &rules.spend_caps;
    for (name, cap) in [("hour", caps.hour), ("day", caps.day), ("month", caps.month)] {
        if cap == Some(0) {
            return bad(&format!("spendCaps.{name}"), "must be at least 1 segment, got 0".into());
        }
    }
    Ok(())
}

fn check_window(w: &Window) -> Result<(), String> {
    if !(1..=1000).contains(&w.limit) {
        return Err(format!("limit must be between 1 and 1000, got {}", w.limit));
    }
    if !(1..=7 * 86_400).contains(&w.window_seconds) {
        return Err(format!(
            "windowSeconds must be between 1 and 604800 (a week), got {}",
            w.window_seconds
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        Policy::from_json(text).unwrap_err().message
    }

    #[test]
    fn an_empty_policy_is_the_defaults() {
        let p = Policy::from_json("{}").unwrap();
        assert_eq!(p.rules("any"), &Rules::defaults());
        assert_eq!(
            Policy::from_json(r#"{"mode": "enforce"}"#).unwrap().rules("x"),
            &Rules::defaults()
        );
    }

    #[test]
    fn members_and_applications_override_the_defaults() {
        let p = Policy::from_json(
            r#"{"mode": "monitor", "sendsPerNumber": [{"limit": 3, "windowSeconds": 60}],
                "singleUseSignatures": false,
                "applications": {"strict": {"sendCooldownSeconds": 60, "mode": "enforce"}}}"#,
        )
        .unwrap();
        let base = p.rules("other");
        assert_eq!(base.mode, Mode::Monitor);
        assert_eq!(base.sends_per_number, vec![Window { limit: 3, window_seconds: 60 }]);
        assert_eq!(base.send_cooldown_seconds, 30);
        assert!(!base.single_use_signatures);
        let strict = p.rules("strict");
        assert_eq!((strict.mode, strict.send_cooldown_seconds), (Mode::Enforce, 60));
        assert_eq!(
            strict.sends_per_number, base.sends_per_number,
            "the rest comes from the deployment"
        );
    }

    #[test]
    fn problems_name_the_field() {
        assert_eq!(error(r#"{"mode": "block"}"#).split(':').next(), Some("OTP_POLICY.mode"));
        assert!(error(r#"{"mode": "block"}"#).contains("unknown variant `block`"));
        assert!(
            error(r#"{"sendCooldown": 5}"#)
                .starts_with("OTP_POLICY.sendCooldown: unknown field `sendCooldown`"),
            "{}",
            error(r#"{"sendCooldown": 5}"#)
        );
        assert!(
            error(r#"{"sendsPerNumber": [{"limit": 5}]}"#)
                .starts_with("OTP_POLICY.sendsPerNumber[0]: missing field `windowSeconds`"),
            "{}",
            error(r#"{"sendsPerNumber": [{"limit": 5}]}"#)
        );
        assert_eq!(
            error(r#"{"sendsPerNumber": [{"limit": 0, "windowSeconds": 60}]}"#),
            "OTP_POLICY.sendsPerNumber[0]: limit must be between 1 and 1000, got 0"
        );
        assert_eq!(
            error(r#"{"applications": {"a": {"wrongGuessesPerNumber": {"limit": 10, "windowSeconds": 0}}}}"#),
            "OTP_POLICY.applications.a.wrongGuessesPerNumber: windowSeconds must be between 1 and 604800 (a week), got 0"
        );
        assert!(error(r#"{"applications": {"a b": {}}}"#)
            .starts_with("OTP_POLICY.applications.a b: ApplicationId must be"));
        assert!(error("{").contains("EOF while parsing"), "{}", error("{"));
        assert!(error(r#"{"sendCooldownSeconds": -1}"#)
            .starts_with("OTP_POLICY.sendCooldownSeconds: invalid value"));
        assert!(error("{} {}").starts_with("OTP_POLICY: trailing characters"));
        assert_eq!(Policy::from_json("[]").unwrap_err().field, Some(SETTING));
    }

    #[test]
    fn pumping_members_are_read_and_checked() {
        let p = Policy::from_json(
            r#"{"countries": {"rules": {"CU": "BLOCK"}},
                "numbers": {"+12065550100": {"action": "ALLOW", "expires": "2026-12-31T00:00:00Z"}},
                "prefixSends": 20, "minVerifiedRatio": 0.5, "countryBudgets": {"GB": 100},
                "spendCaps": {"month": 10000}, "modes": {"prefixVelocity": "monitor"},
                "applications": {"a": {"spendCaps": {"hour": 5}, "mode": "monitor"}}}"#,
        )
        .unwrap();
        let base = p.rules("x");
        assert_eq!(base.rule_set.countries.rules["CU"], crate::rule_set::ProtectStatus::Block);
        assert_eq!((base.prefix_sends, base.min_verified_ratio), (20, 0.5));
        assert_eq!(base.spend_caps.month, Some(10_000));
        assert_eq!(base.mode_of(|m| m.prefix_velocity), Mode::Monitor);
        assert_eq!(base.mode_of(|m| m.country_budget), Mode::Enforce);
        let a = p.rules("a");
        assert_eq!(
            (a.spend_caps.hour, a.spend_caps.month),
            (Some(5), None),
            "spendCaps is replaced whole"
        );
        assert_eq!(
            a.mode_of(|m| m.spend_caps),
            Mode::Monitor,
            "the top-level mode softens each rule"
        );
        assert_eq!(a.country_budgets["GB"], 100);
        assert_eq!(Rules::off().mode_of(|m| m.country_rules), Mode::Off);
        for (text, message) in [
            (r#"{"prefixSends": 0}"#, "OTP_POLICY.prefixSends: must be between 1 and 1000, got 0"),
            (r#"{"minVerifiedRatio": 1.5}"#, "OTP_POLICY.minVerifiedRatio: must be between 0 and 1, got 1.5"),
            (r#"{"prefixBlockSeconds": 10}"#, "OTP_POLICY.prefixBlockSeconds: must be between 60 and 604800 (a week), got 10"),
            (r#"{"countryBudgets": {"uk": 5}}"#, "OTP_POLICY.countryBudgets.uk: a country is its ISO 3166-1 alpha-2 code, two capital letters (e.g. US)"),
            (r#"{"countryBudgets": {"GB": 0}}"#, "OTP_POLICY.countryBudgets.GB: must be at least 1, got 0"),
            (r#"{"spendCaps": {"day": 0}}"#, "OTP_POLICY.spendCaps.day: must be at least 1 segment, got 0"),
        ] {
            assert_eq!(error(text), message);
        }
        assert!(error(r#"{"modes": {"prefix": "off"}}"#)
            .starts_with("OTP_POLICY.modes.prefix: unknown field"));
        // The per-number rules are named in modes too; the rest stay enforced.
        let per_number_policy = Policy::from_json(
            r#"{"modes": {"sendCooldown": "off", "sendsPerNumber": "monitor", "wrongGuessesPerNumber": "monitor"}}"#,
        )
        .unwrap();
        let per_number = per_number_policy.rules("x");
        assert_eq!(
            [
                per_number.mode_of(|m| m.send_cooldown),
                per_number.mode_of(|m| m.sends_per_number),
                per_number.mode_of(|m| m.wrong_guesses_per_number),
                per_number.mode_of(|m| m.prefix_velocity),
            ],
            [Mode::Off, Mode::Monitor, Mode::Monitor, Mode::Enforce]
        );
        assert_eq!(
            error(r#"{"modes": {"sendCooldown": "sometimes"}}"#).split(':').next(),
            Some("OTP_POLICY.modes.sendCooldown")
        );
        assert!(error(r#"{"spendCaps": {"week": 1}}"#)
            .starts_with("OTP_POLICY.spendCaps.week: unknown field"));
        assert!(error(r#"{"countries": {"rules": {"US": "DENY"}}}"#)
            .starts_with("OTP_POLICY.countries.rules.US: unknown variant `DENY`"));
        assert!(
            error(r#"{"numbers": {"+1206": {"action": "ALLOW", "expires": "soon"}}}"#)
                .starts_with("OTP_POLICY.numbers.+1206.expires"),
            "{}",
            error(r#"{"numbers": {"+1206": {"action": "ALLOW", "expires": "soon"}}}"#)
        );
    }

    #[test]
    fn history_covers_the_longest_window() {
        let r = Rules::defaults();
        assert_eq!(r.history_seconds(), 86_400);
        assert_eq!(r.sends_kept(), 20);
    }
}
