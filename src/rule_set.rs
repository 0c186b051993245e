//! Where a code may be sent: country rules and number overrides, in the
//! words of AWS End User Messaging's protect configurations.
//!
//! ```json
//! {
//!   "countries": {"default": "FILTER", "rules": {"US": "ALLOW", "CU": "BLOCK", "GB": "MONITOR"}},
//!   "numbers": {"+12065550100": {"action": "ALLOW", "expires": "2026-12-31T00:00:00Z"}}
//! }
//! ```
//!
//! A country's [`ProtectStatus`] says what the pumping rules (prefix
//! velocity, country budgets) do with sends to it:
//!
//! - `FILTER`: they judge every send, each in its own mode. The built-in
//!   default for every country, so that a deployment is protected without
//!   listing any.
//! - `ALLOW`: sends go ahead without them, as AWS's ALLOW skips its
//!   artificially-inflated-traffic filter.
//! - `MONITOR`: they judge and log every send but refuse none.
//! - `BLOCK`: no send goes; the address is answered `PERMANENT_FAILURE`.
//!
//! A number override wins over its country's rule: `ALLOW` skips every
//! pumping rule for that number, `BLOCK` refuses it; once its `expires` has
//! passed it no longer counts. The per-number limits and the spend caps
//! apply whatever the rule set says.
//!
//! A rule set comes from `OTP_POLICY` and, at run time, from the store (AWS's
//! protect-configuration API writes it there); [`decide`] lays the stored one
//! over the policy's, the stored one winning.

use crate::error::Error;
use crate::identity::is_e164;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// What a country rule does: AWS's `ProtectStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum ProtectStatus {
    /// Send without the pumping rules.
    Allow,
    /// Send nothing: the address is answered `PERMANENT_FAILURE`.
    Block,
    /// Send; the pumping rules judge and log, and refuse nothing.
    Monitor,
    /// Send if the pumping rules allow it (the built-in default).
    Filter,
}

/// What a number override does: AWS's `ProtectConfigurationRuleOverrideAction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum OverrideAction {
    /// Send without any pumping rule.
    Allow,
    /// Send nothing to this number.
    Block,
}

impl From<OverrideAction> for ProtectStatus {
    fn from(action: OverrideAction) -> ProtectStatus {
        match action {
            OverrideAction::Allow => ProtectStatus::Allow,
            OverrideAction::Block => ProtectStatus::Block,
        }
    }
}

/// One number's override, until it expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct NumberOverride {
    /// ALLOW or BLOCK.
    pub action: OverrideAction,
    /// When it stops counting (ms since the epoch); absent, never. Written
    /// as RFC 3339 text, e.g. `"2026-12-31T00:00:00Z"`.
    #[serde(
        rename = "expires",
        default,
        with = "rfc3339",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string", optional))]
    pub expires_at_ms: Option<u64>,
}

impl NumberOverride {
    /// Whether the override counts at `now_ms` (it expires at its `expires`).
    pub fn in_force(&self, now_ms: u64) -> bool {
        self.expires_at_ms.is_none_or(|at| now_ms < at)
    }
}

/// Each country's rule, by ISO 3166-1 alpha-2 code, and the rule for the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct CountryRules {
    /// The rule for countries not in `rules` (absent: the next layer's, or FILTER).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub default: Option<ProtectStatus>,
    /// Rules by region code, e.g. `"US"`.
    #[serde(default)]
    pub rules: BTreeMap<String, ProtectStatus>,
}

/// Country rules and number overrides: one layer (the policy's, or the stored one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct RuleSet {
    /// Rules by country.
    #[serde(default)]
    pub countries: CountryRules,
    /// Overrides by E.164 number.
    #[serde(default)]
    pub numbers: BTreeMap<String, NumberOverride>,
}

/// Whether `code` is written as an ISO 3166-1 alpha-2 code: two capital letters.
pub fn is_region_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Which layer a rule came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Origin {
    /// Set at run time, kept in the store (the protect-configuration API).
    Stored,
    /// `OTP_POLICY`.
    Policy,
    /// Nobody set one: FILTER.
    BuiltIn,
}

/// Which kind of rule decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Source {
    /// The number's own override.
    NumberOverride,
    /// The rule for the number's country.
    CountryRule,
    /// The rule for countries without one (also numbers of no known region).
    CountryDefault,
}

/// The rule that applies to a destination, and where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Verdict {
    /// What happens to the send.
    pub action: ProtectStatus,
    /// Which kind of rule said so.
    pub source: Source,
    /// Which layer it is in.
    pub origin: Origin,
}

impl Verdict {
    /// Words for logs and the blocked address's StatusMessage.
    pub fn describe(&self, region: Option<&str>) -> String {
        let layer = match self.origin {
            Origin::Stored => "the protect configuration's",
            Origin::Policy => "OTP_POLICY's",
            Origin::BuiltIn => "the built-in",
        };
        match self.source {
            Source::NumberOverride => format!("{layer} number override"),
            Source::CountryRule => {
                format!("{layer} country rule for {}", region.unwrap_or("this region"))
            }
            Source::CountryDefault => format!("{layer} default country rule"),
        }
    }
}

impl RuleSet {
    /// Checks region codes (two capital letters) and numbers (E.164);
    /// problems name the member under `at`, e.g. `OTP_POLICY.countries`.
    pub fn check(&self, at: &str) -> Result<(), Error> {
        let bad = |message: String| Err(Error::bad_field(crate::policy::SETTING, message));
        for code in self.countries.rules.keys() {
            if !is_region_code(code) {
                return bad(format!(
                    "{at}.countries.rules.{code}: a country is its ISO 3166-1 alpha-2 code, \
                     two capital letters (e.g. US)"
                ));
            }
        }
        for number in self.numbers.keys() {
            if !is_e164(number) {
                return bad(format!(
                    "{at}.numbers: {number:?} is not a phone number in E.164 format (+, then up \
                     to 15 digits)"
                ));
            }
        }
        Ok(())
    }

    /// The number's override in force at `now_ms`, if any.
    pub fn number_override(&self, e164: &str, now_ms: u64) -> Option<&NumberOverride> {
        self.numbers.get(e164).filter(|o| o.in_force(now_ms))
    }
}

/// The rule for sending to `e164` (of `region`, None when unknown) at
/// `now_ms`: a number override in force (the stored one first), else the
/// country's rule (stored first), else the default (stored first), else
/// FILTER. A rule for the country beats any layer's default.
pub fn decide(
    policy: &RuleSet,
    stored: Option<&RuleSet>,
    region: Option<&str>,
    e164: &str,
    now_ms: u64,
) -> Verdict {
    let layers =
        || stored.map(|s| (s, Origin::Stored)).into_iter().chain([(policy, Origin::Policy)]);
    let verdict = |action, source, origin| Verdict { action, source, origin };
    layers()
        .find_map(|(set, origin)| {
            let o = set.number_override(e164, now_ms)?;
            Some(verdict(o.action.into(), Source::NumberOverride, origin))
        })
        .or_else(|| {
            let region = region?;
            layers().find_map(|(set, origin)| {
                Some(verdict(*set.countries.rules.get(region)?, Source::CountryRule, origin))
            })
        })
        .or_else(|| {
            layers().find_map(|(set, origin)| {
                Some(verdict(set.countries.default?, Source::CountryDefault, origin))
            })
        })
        .unwrap_or(verdict(ProtectStatus::Filter, Source::CountryDefault, Origin::BuiltIn))
}

/// RFC 3339 text for an optional time in ms since the epoch.
mod rfc3339 {
    use super::*;
    use serde::de::Error as _;

    pub fn serialize<S: serde::Serializer>(at: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            None => s.serialize_none(),
            Some(ms) => s.serialize_str(&format(*ms).map_err(serde::ser::Error::custom)?),
        }
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| parse(&t).map_err(D::Error::custom)).transpose()
    }

    pub(super) fn format(ms: u64) -> Result<String, String> {
        let nanos = i128::from(ms) * 1_000_000;
        let at = OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|e| e.to_string())?;
        at.format(&Rfc3339).map_err(|e| e.to_string())
    }

    pub(super) fn parse(text: &str) -> Result<u64, String> {
        let at = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
            format!("{text:?} is not an RFC 3339 time, e.g. \"2026-12-31T00:00:00Z\"")
        })?;
        u64::try_from(at.unix_timestamp_nanos() / 1_000_000)
            .map_err(|_| format!("{text:?} is before 1970"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: u64 = 1_798_761_600_000; // 2027-01-01T00:00:00Z

    fn set(json: &str) -> RuleSet {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reads_the_issue_s_example_and_writes_it_back() {
        let s = set(
            r#"{"countries": {"default": "ALLOW", "rules": {"US": "ALLOW", "CU": "BLOCK", "GB": "MONITOR"}},
                        "numbers": {"+12065550100": {"action": "ALLOW", "expires": "2026-12-31T00:00:00Z"}}}"#,
        );
        assert_eq!(s.countries.rules["CU"], ProtectStatus::Block);
        let o = s.numbers["+12065550100"];
        assert_eq!(o.expires_at_ms, Some(T - 86_400_000));
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains(r#""expires":"2026-12-31T00:00:00Z""#), "{text}");
        assert_eq!(set(&text), s);
        assert!(s.check("OTP_POLICY").is_ok());
    }

    #[test]
    fn bad_members_are_named() {
        let e = serde_json::from_str::<RuleSet>(r#"{"countries": {"rules": {"US": "DENY"}}}"#);
        assert!(e.unwrap_err().to_string().contains("unknown variant `DENY`"));
        let e = serde_json::from_str::<RuleSet>(
            r#"{"numbers": {"+1": {"action": "ALLOW", "expires": "tomorrow"}}}"#,
        );
        assert!(e.unwrap_err().to_string().contains("is not an RFC 3339 time"));
        let e = serde_json::from_str::<RuleSet>(r#"{"numbers": {"+1": {"action": "MONITOR"}}}"#);
        assert!(e.is_err(), "a number override is ALLOW or BLOCK");
        let e =
            set(r#"{"countries": {"rules": {"usa": "BLOCK"}}}"#).check("OTP_POLICY").unwrap_err();
        assert!(
            e.message.starts_with("OTP_POLICY.countries.rules.usa: a country is"),
            "{}",
            e.message
        );
        let e = set(r#"{"numbers": {"12065550100": {"action": "BLOCK"}}}"#).check("X").unwrap_err();
        assert!(e.message.starts_with("X.numbers: \"12065550100\" is not"), "{}", e.message);
    }

    #[test]
    fn nothing_set_is_filter() {
        let v = decide(&RuleSet::default(), None, Some("US"), "+12065550100", T);
        assert_eq!(
            v,
            Verdict {
                action: ProtectStatus::Filter,
                source: Source::CountryDefault,
                origin: Origin::BuiltIn
            }
        );
        assert_eq!(v.describe(Some("US")), "the built-in default country rule");
    }

    #[test]
    fn a_number_override_beats_its_country_until_it_expires() {
        let p = set(r#"{"countries": {"rules": {"US": "BLOCK"}},
                        "numbers": {"+12065550100": {"action": "ALLOW", "expires": "2027-01-01T00:00:00Z"}}}"#);
        let at = |now| decide(&p, None, Some("US"), "+12065550100", now);
        assert_eq!(
            (at(T - 1).action, at(T - 1).source),
            (ProtectStatus::Allow, Source::NumberOverride)
        );
        // Exactly at its expiry it no longer counts.
        assert_eq!((at(T).action, at(T).source), (ProtectStatus::Block, Source::CountryRule));
        assert_eq!(at(T).describe(Some("US")), "OTP_POLICY's country rule for US");
        assert_eq!(
            decide(&p, None, Some("US"), "+12065550101", T - 1).action,
            ProtectStatus::Block
        );
    }

    #[test]
    fn the_stored_layer_wins() {
        let p =
            set(r#"{"countries": {"default": "BLOCK", "rules": {"US": "ALLOW", "GB": "MONITOR"}},
                        "numbers": {"+12065550100": {"action": "BLOCK"}}}"#);
        let s = set(r#"{"countries": {"rules": {"US": "BLOCK"}},
                        "numbers": {"+12065550100": {"action": "ALLOW"},
                                    "+12065550101": {"action": "ALLOW", "expires": "2020-01-01T00:00:00Z"}}}"#);
        let d = |region, n| decide(&p, Some(&s), region, n, T);
        assert_eq!(
            d(Some("US"), "+12065550100"),
            Verdict {
                action: ProtectStatus::Allow,
                source: Source::NumberOverride,
                origin: Origin::Stored
            }
        );
        assert_eq!(
            d(Some("US"), "+12065550101"),
            Verdict {
                action: ProtectStatus::Block,
                source: Source::CountryRule,
                origin: Origin::Stored
            },
            "an expired override is no override"
        );
        assert_eq!(d(Some("GB"), "+447700900000").origin, Origin::Policy);
        assert_eq!(
            d(Some("FR"), "+33612345678"),
            Verdict {
                action: ProtectStatus::Block,
                source: Source::CountryDefault,
                origin: Origin::Policy
            }
        );
        assert_eq!(
            d(None, "+99912345678").source,
            Source::CountryDefault,
            "no region: the default"
        );
        let stored_default = set(r#"{"countries": {"default": "MONITOR"}}"#);
        let v = decide(&p, Some(&stored_default), Some("US"), "+12065550199", T);
        assert_eq!(
            (v.action, v.origin),
            (ProtectStatus::Allow, Origin::Policy),
            "a country's rule beats a default"
        );
        assert_eq!(
            decide(&p, Some(&stored_default), Some("FR"), "+33612345678", T).action,
            ProtectStatus::Monitor
        );
    }
}
