//! Rules at run time through AWS's own API: the subset of AWS End User
//! Messaging SMS's protect-configuration API that manages a deployment's
//! country rules and number overrides (`PinpointSMSVoiceV2.*` in the JSON
//! 1.0 protocol, SigV4 service `sms-voice`), so that the AWS CLI and SDKs
//! manage them unchanged, and how a send consults them.

pub mod configuration;
pub mod document;
pub mod operations;
pub mod protocol;

use crate::error::Error;
use crate::record::Secrets;
use crate::rule_set::{CountryRules, NumberOverride, RuleSet};
use document::RuleSetDocument;

/// The protect configuration's stored rule set (what the store holds under
/// [`document::storage_key`], None when nothing) as the `RuleSet` it is for
/// a send to `destination` at `now_ms`: its SMS country rules, and the
/// destination's number override when one is in force. `rule_set::decide`
/// lays it over `OTP_POLICY`'s, the stored one winning. Also answers when
/// the block of the destination's prefix was last lifted, if a lift is kept.
pub fn stored_rule_set(
    secrets: &Secrets,
    application_id: &str,
    destination: &str,
    stored: Option<&str>,
    now_ms: u64,
) -> Result<(Option<RuleSet>, Option<u64>), Error> {
    let Some(text) = stored else { return Ok((None, None)) };
    let document = RuleSetDocument::decode(Some(text))?;
    let lifted_ms = document.lifted_at(crate::pumping::prefix_of(destination));
    let rules = document.country_rules("SMS");
    let countries = CountryRules {
        default: None,
        rules: rules.into_iter().map(|(country, status)| (country.to_owned(), status)).collect(),
    };
    let number = document.number_override(secrets, application_id, destination, now_ms);
    let numbers = number
        .map(|(action, expires_at_ms)| {
            (destination.to_owned(), NumberOverride { action, expires_at_ms })
        })
        .into_iter()
        .collect();
    Ok((Some(RuleSet { countries, numbers }), lifted_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule_set::{decide, Origin, ProtectStatus, Source};
    use document::tests::{counter, SECRET};
    use document::OverrideAction;

    const NOW: u64 = 1_795_694_400_000;

    #[test]
    fn the_stored_rules_win_over_the_policy_for_their_destination_only() {
        let secrets = Secrets::from_setting(SECRET).unwrap();
        let mut doc = RuleSetDocument::decode(None).unwrap();
        let mut fill = counter();
        doc.put(
            &secrets,
            "app",
            "+12065550100",
            OverrideAction::Block,
            Some(NOW + 10),
            NOW,
            &mut fill,
        )
        .unwrap();
        doc.update_countries("SMS", &[("CU".into(), ProtectStatus::Block)].into());
        doc.update_countries("VOICE", &[("US".into(), ProtectStatus::Block)].into());
        let stored = doc.encode();
        let policy: RuleSet =
            serde_json::from_str(r#"{"countries": {"rules": {"US": "ALLOW", "CU": "ALLOW"}}}"#)
                .unwrap();
        let verdict = |number: &str, region: &str, now: u64| {
            let set =
                stored_rule_set(&secrets, "app", number, Some(&stored), now).unwrap().0.unwrap();
            assert!(set.numbers.keys().all(|n| n == number), "only the destination's override");
            decide(&policy, Some(&set), Some(region), number, now)
        };
        let v = verdict("+12065550100", "US", NOW);
        assert_eq!(
            (v.action, v.source, v.origin),
            (ProtectStatus::Block, Source::NumberOverride, Origin::Stored)
        );
        // Expired: the policy's country rule again (VOICE rules don't apply to SMS).
        let v = verdict("+12065550100", "US", NOW + 10);
        assert_eq!((v.action, v.origin), (ProtectStatus::Allow, Origin::Policy));
        let v = verdict("+5351234567", "CU", NOW);
        assert_eq!(
            (v.action, v.source, v.origin),
            (ProtectStatus::Block, Source::CountryRule, Origin::Stored)
        );
        assert_eq!(stored_rule_set(&secrets, "app", "+1", None, NOW).unwrap(), (None, None));
        assert!(stored_rule_set(&secrets, "app", "+1", Some("{"), NOW).is_err());
    }
}
