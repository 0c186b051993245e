//! The five operations: each request read and checked against the service
//! model's shapes (every member at fault named at once, as AWS does), then
//! applied to the stored rule set, answering the model's result shape.
//!
//! Members are read as raw JSON and each into its own type, so that one
//! wrong member doesn't hide the others (and no generic JSON value, whose
//! code the .wasm would carry, is needed).

use super::configuration::Configuration;
use super::document::{self, Fill, OverrideAction, ProtectStatus, RuleSetDocument};
use super::protocol::{ApiError, ErrorType, FieldProblem, Operation, ProtectResponse};
use crate::body;
use crate::hash::{base64url, sha256};
use crate::record::Secrets;
use crate::rule_set::{CountryRules, RuleSet};
use crate::sigv4::ms_from_amz_date;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

type Raw = Option<Box<RawValue>>;

/// Every member any of the five operations takes; each operation reads its
/// own and ignores the rest, as AWS ignores members it doesn't know.
#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Members {
    protect_configuration_id: Raw,
    destination_phone_number: Raw,
    action: Raw,
    expiration_timestamp: Raw,
    client_token: Raw,
    filters: Raw,
    next_token: Raw,
    max_results: Raw,
    number_capability: Raw,
    country_rule_set_updates: Raw,
}

/// A `ProtectConfigurationRuleSetNumberOverrideFilterItem`, its members raw.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FilterItem {
    name: Raw,
    values: Raw,
}

/// A `ProtectConfigurationCountryRuleSetInformation`, its member raw.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CountryInformation {
    protect_status: Raw,
}

const NUMBER_CAPABILITIES: [&str; 4] = ["SMS", "VOICE", "MMS", "RCS"];
const FILTER_NAMES: [&str; 7] = [
    "iso-country-code",
    "destination-phone-number-begins-with",
    "action",
    "expires-before",
    "expires-after",
    "created-before",
    "created-after",
];
/// ListProtectConfigurationRuleSetNumberOverrides' page size without MaxResults.
const DEFAULT_PAGE: usize = 100;

/// A request's own part, checked.
#[derive(Clone, Debug, PartialEq)]
enum Checked {
    Put { number: String, action: OverrideAction, expires_ms: Option<u64> },
    Delete { number: String },
    List { filters: Vec<(String, Vec<String>)>, after: Option<String>, max_results: usize },
    Update { capability: String, updates: BTreeMap<String, ProtectStatus> },
    Get { capability: String },
}

/// One request of the protect-configuration API, checked: its operation,
/// its configuration, and what it asks.
#[derive(Clone, Debug, PartialEq)]
pub struct ProtectCall {
    /// The operation `X-Amz-Target` named.
    pub operation: Operation,
    /// The protect configuration the request names.
    pub configuration: Configuration,
    request: Checked,
}

/// What a call asks of the host: write `write` under the rule set's key
/// (compare-and-swap against what was read; start over if it lost), then
/// answer `response`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The new document, when the call changed it.
    pub write: Option<String>,
    /// The HTTP answer.
    pub response: ProtectResponse,
}

/// The result shapes: every one starts with the configuration's ARN and id.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Answer<'a> {
    protect_configuration_arn: &'a str,
    protect_configuration_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    number_capability: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country_rule_set: Option<CountryRuleSet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_set_number_overrides: Option<Vec<OverrideAnswer<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<&'a str>,
    // A number override's members, for Put and Delete.
    #[serde(skip_serializing_if = "Option::is_none")]
    destination_phone_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_timestamp: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<OverrideAction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iso_country_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration_timestamp: Option<u64>,
}

impl<'a> Answer<'a> {
    /// With a number override's members, for Put and Delete.
    fn with_override(self, o: OverrideAnswer<'a>) -> Answer<'a> {
        Answer {
            destination_phone_number: Some(o.destination_phone_number),
            created_timestamp: Some(o.created_timestamp),
            action: Some(o.action),
            iso_country_code: o.iso_country_code,
            expiration_timestamp: o.expiration_timestamp,
            ..self
        }
    }
}

/// `ProtectConfigurationCountryRuleSet`: country code → `{ProtectStatus}`.
struct CountryRuleSet(Vec<(&'static str, ProtectStatus)>);

/// `ProtectConfigurationCountryRuleSetInformation`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CountryRule {
    protect_status: ProtectStatus,
}

impl Serialize for CountryRuleSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let rules = self.0.iter().map(|(country, s)| (country, CountryRule { protect_status: *s }));
        serializer.collect_map(rules)
    }
}

/// `ProtectConfigurationRuleSetNumberOverride`: timestamps in epoch seconds,
/// as the JSON protocol writes them; `IsoCountryCode` when the number's
/// region is known.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct OverrideAnswer<'a> {
    destination_phone_number: &'a str,
    created_timestamp: u64,
    action: OverrideAction,
    #[serde(skip_serializing_if = "Option::is_none")]
    iso_country_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration_timestamp: Option<u64>,
}

impl<'a> From<&'a Listed> for OverrideAnswer<'a> {
    fn from(o: &'a Listed) -> Self {
        OverrideAnswer {
            destination_phone_number: &o.number,
            created_timestamp: o.created_ms / 1000,
            action: o.action,
            iso_country_code: o.region.as_deref(),
            expiration_timestamp: o.expires_ms.map(|ms| ms / 1000),
        }
    }
}

/// One entry of ListProtectConfigurationRuleSetNumberOverrides: a number
/// override, or a prefix block (the prefix as its DestinationPhoneNumber,
/// BLOCK until the block ends).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Listed {
    /// The order of the list, for paging: the override's keyed hash, or a
    /// hash of the prefix (43 base64url characters either way).
    key: String,
    /// E.164, or a blocked prefix (`+12065550`).
    number: String,
    action: OverrideAction,
    created_ms: u64,
    expires_ms: Option<u64>,
    region: Option<String>,
}

impl Ord for Listed {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

impl PartialOrd for Listed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Listed {
    fn from_override(o: document::NumberOverride) -> Listed {
        Listed {
            region: region(&o.number).map(str::to_owned),
            number: o.number,
            action: o.action,
            created_ms: o.created_ms,
            expires_ms: o.expires_ms,
            key: o.key,
        }
    }

    fn from_block(application_id: &str, b: document::PrefixBlock) -> Listed {
        let mut input = b"edge-otp prefix block v1\0".to_vec();
        input.extend(application_id.as_bytes());
        input.push(0);
        input.extend(b.prefix.as_bytes());
        Listed {
            key: base64url(&sha256(&input)),
            number: b.prefix,
            action: OverrideAction::Block,
            created_ms: b.began_ms,
            expires_ms: Some(b.until_ms),
            region: b.region,
        }
    }
}

impl ProtectCall {
    /// Reads and checks a request: the operation from `X-Amz-Target`, the
    /// body as the model's input shape, the configuration among the
    /// applications `served` (None: any), its ARN in `region`.
    pub fn check(
        target: Option<&str>,
        body_bytes: &[u8],
        served: Option<&[String]>,
        region: &str,
    ) -> Result<ProtectCall, ApiError> {
        let operation = Operation::from_target(target)?;
        let members: Members = body::from_json(body_bytes)
            .map_err(|e| ApiError::invalid("CANNOT_PARSE", e.message))?;
        let mut c = Checker::default();
        let id = c.string(
            "ProtectConfigurationId",
            &members.protect_configuration_id,
            true,
            256,
            |s| s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_:/-".contains(&b)),
            "[A-Za-z0-9_:/-]+",
        );
        let capability = |c: &mut Checker| {
            c.enumerated("NumberCapability", &members.number_capability, &NUMBER_CAPABILITIES, true)
                .unwrap_or_default()
        };
        let request = match operation {
            Operation::PutNumberOverride => {
                c.string(
                    "ClientToken",
                    &members.client_token,
                    false,
                    64,
                    |s| s.bytes().all(|b| (b'!'..=b'~').contains(&b)),
                    "[!-~]+",
                );
                let number = c.phone_number(&members.destination_phone_number);
                let action = c.enumerated("Action", &members.action, &["ALLOW", "BLOCK"], true);
                let expires_ms = c.timestamp("ExpirationTimestamp", &members.expiration_timestamp);
                Checked::Put {
                    number: number.unwrap_or_default(),
                    action: if action.as_deref() == Some("ALLOW") {
                        OverrideAction::Allow
                    } else {
                        OverrideAction::Block
                    },
                    expires_ms,
                }
            }
            Operation::DeleteNumberOverride => Checked::Delete {
                number: c.phone_number(&members.destination_phone_number).unwrap_or_default(),
            },
            Operation::ListNumberOverrides => {
                let filters = c.filters(&members.filters);
                let token = c.string("NextToken", &members.next_token, false, 1024, |_| true, ".+");
                let max_results = c.integer("MaxResults", &members.max_results, 1, 100);
                Checked::List {
                    filters,
                    after: token,
                    max_results: max_results.map_or(DEFAULT_PAGE, |n| n as usize),
                }
            }
            Operation::UpdateCountryRuleSet => Checked::Update {
                capability: capability(&mut c),
                updates: c.country_updates(&members.country_rule_set_updates),
            },
            Operation::GetCountryRuleSet => Checked::Get { capability: capability(&mut c) },
        };
        if !c.problems.is_empty() {
            return Err(ApiError::fields(c.problems));
        }
        let configuration = Configuration::find(&id.unwrap_or_default(), served, region)?;
        Ok(ProtectCall { operation, configuration, request })
    }

    /// Where the configuration's rule set is stored.
    pub fn storage_key(&self) -> String {
        document::storage_key(&self.configuration.application_id)
    }

    /// Applies the call to the rule set `stored` under [`Self::storage_key`]
    /// (None: nothing yet) at `now_ms`; `policy` is `OTP_POLICY`'s rule set
    /// for the application, the layer under the stored one.
    pub fn apply(
        &self,
        secrets: &Secrets,
        policy: &RuleSet,
        stored: Option<&str>,
        now_ms: u64,
        fill: Fill,
    ) -> Result<Outcome, ApiError> {
        let internal = |e: crate::Error| ApiError::from_error(&e);
        let mut doc = RuleSetDocument::decode(stored).map_err(internal)?;
        let app = self.configuration.application_id.as_str();
        let mut answer = Answer {
            protect_configuration_arn: &self.configuration.arn,
            protect_configuration_id: &self.configuration.id,
            number_capability: None,
            country_rule_set: None,
            rule_set_number_overrides: None,
            next_token: None,
            destination_phone_number: None,
            created_timestamp: None,
            action: None,
            iso_country_code: None,
            expiration_timestamp: None,
        };
        let outcome = |write: Option<&RuleSetDocument>, answer: &Answer| Outcome {
            write: write.map(RuleSetDocument::encode),
            response: ProtectResponse::ok(answer),
        };
        match &self.request {
            Checked::Put { number, action, expires_ms } => {
                if expires_ms.is_some_and(|e| e <= now_ms) {
                    return Err(ApiError::fields(vec![FieldProblem {
                        name: "ExpirationTimestamp".into(),
                        message: "Value at 'ExpirationTimestamp' failed to satisfy constraint: \
                                  Member must be in the future"
                            .into(),
                    }]));
                }
                let fits = doc
                    .put(secrets, app, number, *action, *expires_ms, now_ms, fill)
                    .map_err(internal)?;
                if !fits {
                    return Err(ApiError::new(
                        ErrorType::ServiceQuotaExceeded,
                        format!(
                            "A protect configuration holds at most {} number overrides.",
                            document::MAX_OVERRIDES
                        ),
                    ));
                }
                let put = Listed {
                    number: number.clone(),
                    action: *action,
                    created_ms: now_ms,
                    expires_ms: *expires_ms,
                    region: region(number).map(str::to_owned),
                    key: String::new(),
                };
                let answer = answer.with_override(OverrideAnswer::from(&put));
                Ok(outcome(Some(&doc), &answer))
            }
            Checked::Delete { number } => {
                // The number's override; else the block of the prefix it names.
                let removed = doc.remove(secrets, app, number, now_ms, fill).map_err(internal)?;
                let removed = match removed {
                    Some(o) => Some(Listed::from_override(o)),
                    None => doc.lift_block(number, now_ms).map(|b| Listed::from_block(app, b)),
                };
                let Some(o) = removed else {
                    let id = &self.configuration.id;
                    return Err(ApiError::not_found(
                        super::configuration::RESOURCE_TYPE,
                        id,
                        format!(
                            "Protect configuration {id} has no number override for that number."
                        ),
                    ));
                };
                let answer = answer.with_override(OverrideAnswer::from(&o));
                Ok(outcome(Some(&doc), &answer))
            }
            Checked::List { filters, after, max_results } => {
                let overrides = doc.overrides(secrets, app, now_ms).into_iter();
                let blocks = doc.prefix_blocks(now_ms).into_iter();
                let mut listed: Vec<Listed> = overrides
                    .map(Listed::from_override)
                    .chain(blocks.map(|b| Listed::from_block(app, b)))
                    .collect();
                crate::sigv4::sort_small(&mut listed);
                listed.retain(|o| filters.iter().all(|(name, values)| matches(o, name, values)));
                if let Some(after) = after {
                    if !is_key(after) {
                        return Err(ApiError::invalid(
                            "INVALID_NEXT_TOKEN",
                            "The NextToken is not one this service gave.",
                        ));
                    }
                    listed.retain(|o| o.key.as_str() > after.as_str());
                }
                let more = listed.len() > *max_results;
                listed.truncate(*max_results);
                answer.next_token = listed.last().filter(|_| more).map(|o| o.key.as_str());
                answer.rule_set_number_overrides =
                    Some(listed.iter().map(OverrideAnswer::from).collect());
                Ok(outcome(None, &answer))
            }
            Checked::Update { capability, updates } => {
                doc.reseal(secrets, app, now_ms, fill).map_err(internal)?;
                doc.update_countries(capability, updates);
                answer.number_capability = Some(capability);
                answer.country_rule_set = Some(country_rule_set(&doc, capability, policy));
                Ok(outcome(Some(&doc), &answer))
            }
            Checked::Get { capability } => {
                answer.number_capability = Some(capability);
                answer.country_rule_set = Some(country_rule_set(&doc, capability, policy));
                Ok(outcome(None, &answer))
            }
        }
    }
}

/// Every region of the country table with the status in force for the
/// capability, as AWS answers every country it serves: the stored rule,
/// else (for SMS, the only capability codes are sent by) OTP_POLICY's rule
/// or default, else the built-in FILTER; `rule_set::decide` says which.
fn country_rule_set(doc: &RuleSetDocument, capability: &str, policy: &RuleSet) -> CountryRuleSet {
    // Inserted one by one: collecting would sort, and a sort adds kilobytes to the .wasm.
    let mut rules = BTreeMap::new();
    for (country, status) in doc.country_rules(capability) {
        rules.insert(country.to_owned(), status);
    }
    let stored =
        RuleSet { countries: CountryRules { default: None, rules }, numbers: BTreeMap::new() };
    let none = RuleSet::default();
    let policy = if capability == "SMS" { policy } else { &none };
    let regions = crate::country::regions().iter().map(|r| {
        // No number: "" has no override, so the country's rule decides.
        let verdict = crate::rule_set::decide(policy, Some(&stored), Some(r.code), "", 0);
        (r.code, verdict.action)
    });
    CountryRuleSet(regions.collect())
}

/// Whether an entry passes one filter (any of its values).
fn matches(o: &Listed, name: &str, values: &[String]) -> bool {
    let when = |ms: Option<u64>, before: bool| {
        values
            .iter()
            .filter_map(|v| filter_time(v))
            .any(|t| ms.is_some_and(|ms| if before { ms < t } else { ms > t }))
    };
    match name {
        "action" => values
            .iter()
            .any(|v| *v == if o.action == OverrideAction::Allow { "ALLOW" } else { "BLOCK" }),
        "destination-phone-number-begins-with" => values.iter().any(|v| {
            let digits = v.strip_prefix('+').unwrap_or(v);
            o.number[1..].starts_with(digits)
        }),
        "created-before" => when(Some(o.created_ms), true),
        "created-after" => when(Some(o.created_ms), false),
        "expires-before" => when(o.expires_ms, true),
        "expires-after" => when(o.expires_ms, false),
        "iso-country-code" => o.region.as_ref().is_some_and(|r| values.contains(r)),
        _ => false,
    }
}

/// The ISO 3166-1 region of an E.164 number, when known.
fn region(e164: &str) -> Option<&'static str> {
    crate::country::region_of(e164).map(|r| r.code)
}

/// A filter's time: epoch seconds, or ISO 8601 UTC (`2026-12-31T00:00:00Z`).
fn filter_time(value: &str) -> Option<u64> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok()?.checked_mul(1000);
    }
    let basic: String = value.chars().filter(|c| *c != '-' && *c != ':').collect();
    ms_from_amz_date(&basic)
}

/// Whether a NextToken is shaped like the keys this service hands out.
fn is_key(token: &str) -> bool {
    token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A raw member as `T`, if it is one.
fn read<T: DeserializeOwned>(raw: &RawValue) -> Option<T> {
    serde_json::from_str(raw.get()).ok()
}

/// Checks members against the model's constraints, keeping every problem.
#[derive(Default)]
struct Checker {
    problems: Vec<FieldProblem>,
}

impl Checker {
    fn problem(&mut self, name: &str, constraint: impl AsRef<str>) {
        self.problems.push(FieldProblem {
            name: name.to_owned(),
            message: format!(
                "Value at '{name}' failed to satisfy constraint: {}",
                constraint.as_ref()
            ),
        });
    }

    /// A member given (null counts as absent); a problem when a required one is not.
    fn present<'a>(&mut self, name: &str, value: &'a Raw, required: bool) -> Option<&'a RawValue> {
        match value.as_deref() {
            Some(raw) if raw.get() != "null" => Some(raw),
            _ => {
                if required {
                    self.problem(name, "Member must not be null");
                }
                None
            }
        }
    }

    /// A string of 1 to `max` characters matching `pattern`.
    fn string(
        &mut self,
        name: &str,
        value: &Raw,
        required: bool,
        max: usize,
        pattern: impl Fn(&str) -> bool,
        pattern_text: &str,
    ) -> Option<String> {
        let raw = self.present(name, value, required)?;
        let Some(s) = read::<String>(raw) else {
            self.problem(name, "Member must be a string");
            return None;
        };
        let length = s.chars().count();
        if length < 1 || length > max {
            self.problem(name, format!("Member must have length between 1 and {max}"));
            None
        } else if !pattern(&s) {
            self.problem(
                name,
                format!("Member must satisfy regular expression pattern: {pattern_text}"),
            );
            None
        } else {
            Some(s)
        }
    }

    /// `PhoneNumber`: `\+?[1-9][0-9]{1,18}`, kept as E.164 with its `+`.
    fn phone_number(&mut self, value: &Raw) -> Option<String> {
        const NAME: &str = "DestinationPhoneNumber";
        let ok = |s: &str| {
            let digits = s.strip_prefix('+').unwrap_or(s).as_bytes();
            (2..=19).contains(&digits.len())
                && (b'1'..=b'9').contains(&digits[0])
                && digits.iter().all(u8::is_ascii_digit)
        };
        let s = self.string(NAME, value, true, 20, ok, r"\+?[1-9][0-9]{1,18}")?;
        Some(if s.starts_with('+') { s } else { format!("+{s}") })
    }

    fn enumerated(
        &mut self,
        name: &str,
        value: &Raw,
        set: &[&str],
        required: bool,
    ) -> Option<String> {
        let raw = self.present(name, value, required)?;
        match read::<String>(raw) {
            Some(s) if set.contains(&s.as_str()) => Some(s),
            _ => {
                self.problem(
                    name,
                    format!("Member must satisfy enum value set: [{}]", set.join(", ")),
                );
                None
            }
        }
    }

    /// A timestamp: epoch seconds, as the JSON protocol sends it.
    fn timestamp(&mut self, name: &str, value: &Raw) -> Option<u64> {
        let raw = self.present(name, value, false)?;
        match read::<f64>(raw) {
            Some(s) if (0.0..=253_402_300_799.0).contains(&s) => Some((s * 1000.0).round() as u64),
            _ => {
                self.problem(name, "Member must be a timestamp in epoch seconds");
                None
            }
        }
    }

    fn integer(&mut self, name: &str, value: &Raw, min: u64, max: u64) -> Option<u64> {
        let raw = self.present(name, value, false)?;
        match read::<u64>(raw) {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.problem(name, format!("Member must be an integer between {min} and {max}"));
                None
            }
        }
    }

    fn filters(&mut self, value: &Raw) -> Vec<(String, Vec<String>)> {
        const NAME: &str = "Filters";
        let Some(raw) = self.present(NAME, value, false) else { return Vec::new() };
        let Some(items) = read::<Vec<FilterItem>>(raw) else {
            self.problem(NAME, "Member must be a list of {Name, Values}");
            return Vec::new();
        };
        if items.len() > 100 {
            self.problem(NAME, "Member must have length less than or equal to 100");
            return Vec::new();
        }
        let mut filters = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let at = format!("{NAME}.{}", i + 1);
            let name = self.enumerated(&format!("{at}.Name"), &item.name, &FILTER_NAMES, true);
            let ok_value = |s: &String| {
                (1..=128).contains(&s.len())
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"/.:+_-".contains(&b))
            };
            let values = item.values.as_deref().and_then(read::<Vec<String>>);
            match values {
                Some(list) if (1..=20).contains(&list.len()) && list.iter().all(ok_value) => {
                    let timed = name
                        .as_deref()
                        .is_some_and(|n| n.ends_with("-before") || n.ends_with("-after"));
                    if timed && list.iter().any(|v| filter_time(v).is_none()) {
                        self.problem(
                            &format!("{at}.Values"),
                            "Member must be timestamps (epoch seconds or ISO 8601 UTC)",
                        );
                    } else if let Some(name) = name {
                        filters.push((name, list));
                    }
                }
                _ => self.problem(
                    &format!("{at}.Values"),
                    r"Member must be a list of 1 to 20 values, each matching [/\.:A-Za-z0-9+_-]+ (1 to 128 characters)",
                ),
            }
        }
        filters
    }

    fn country_updates(&mut self, value: &Raw) -> BTreeMap<String, ProtectStatus> {
        const NAME: &str = "CountryRuleSetUpdates";
        let Some(raw) = self.present(NAME, value, true) else { return BTreeMap::new() };
        let Some(map) = read::<BTreeMap<String, CountryInformation>>(raw) else {
            self.problem(NAME, "Member must be a map of country codes to {ProtectStatus}");
            return BTreeMap::new();
        };
        if map.is_empty() || map.len() > 300 {
            self.problem(NAME, "Member must have between 1 and 300 entries");
            return BTreeMap::new();
        }
        let mut updates = BTreeMap::new();
        for (country, information) in &map {
            if !(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase())) {
                self.problem(
                    &format!("{NAME}.key"),
                    "Member must satisfy regular expression pattern: [A-Z]{2}",
                );
                continue;
            }
            let regions = crate::country::regions();
            if regions.binary_search_by(|r| r.code.cmp(country)).is_err() {
                self.problem(
                    &format!("{NAME}.key"),
                    format!(
                        "Member must be the ISO 3166-1 code of a supported country or region, \
                         not {country}"
                    ),
                );
                continue;
            }
            let status = self.enumerated(
                &format!("{NAME}.{country}.ProtectStatus"),
                &information.protect_status,
                &["ALLOW", "BLOCK", "MONITOR", "FILTER"],
                true,
            );
            let status = match status.as_deref() {
                Some("ALLOW") => ProtectStatus::Allow,
                Some("BLOCK") => ProtectStatus::Block,
                Some("MONITOR") => ProtectStatus::Monitor,
                Some("FILTER") => ProtectStatus::Filter,
                _ => continue,
            };
            updates.insert(country.clone(), status);
        }
        updates
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protect::document::tests::{counter, SECRET};
    use serde_json::{json, Value};

    const NOW: u64 = 1_795_694_400_000;
    const APP: &str = "7353f53e6885409fa32d07cedexample";

    fn id() -> String {
        format!("protect-{APP}")
    }

    /// OTP_POLICY's rule set under the stored one.
    fn policy() -> RuleSet {
        serde_json::from_str(r#"{"countries": {"default": "MONITOR", "rules": {"US": "ALLOW"}}}"#)
            .unwrap()
    }

    fn target(op: &str) -> String {
        format!("PinpointSMSVoiceV2.{op}")
    }

    fn call(op: &str, body: Value) -> Result<ProtectCall, ApiError> {
        ProtectCall::check(Some(&target(op)), body.to_string().as_bytes(), None, "us-east-1")
    }

    /// Runs a call against `stored`, answering the new document (or the
    /// old one) and the response body.
    fn run(
        stored: &mut Option<String>,
        op: &str,
        body: Value,
        now: u64,
    ) -> Result<Value, ApiError> {
        let secrets = Secrets::from_setting(SECRET).unwrap();
        let c = call(op, body)?;
        let outcome = c.apply(&secrets, &policy(), stored.as_deref(), now, &mut counter())?;
        assert_eq!(outcome.write.is_some(), c.operation.writes());
        if let Some(write) = outcome.write {
            *stored = Some(write);
        }
        assert_eq!(outcome.response.status, 200);
        Ok(serde_json::from_str(&outcome.response.body).unwrap())
    }

    fn problems(e: ApiError) -> Vec<(String, String)> {
        assert_eq!((e.kind, e.reason), (ErrorType::Validation, Some("FIELD_VALIDATION_FAILED")));
        e.fields.into_iter().map(|f| (f.name, f.message)).collect()
    }

    #[test]
    fn put_list_delete_an_override() {
        let mut stored = None;
        let arn =
            format!("arn:aws:sms-voice:us-east-1:000000000000:protect-configuration/{}", id());
        let put = run(&mut stored, "PutProtectConfigurationRuleSetNumberOverride", json!({
            "ProtectConfigurationId": id(), "DestinationPhoneNumber": "+12065550100", "Action": "BLOCK",
            "ExpirationTimestamp": 1_798_761_600, "ClientToken": "abc-123"
        }), NOW).unwrap();
        assert_eq!(
            put,
            json!({
                "ProtectConfigurationArn": arn, "ProtectConfigurationId": id(),
                "DestinationPhoneNumber": "+12065550100", "CreatedTimestamp": 1_795_694_400,
                "Action": "BLOCK", "IsoCountryCode": "US", "ExpirationTimestamp": 1_798_761_600
            })
        );
        // Without its '+', as the model allows: the same number.
        run(&mut stored, "PutProtectConfigurationRuleSetNumberOverride", json!({
            "ProtectConfigurationId": arn, "DestinationPhoneNumber": "447400900123", "Action": "ALLOW"
        }), NOW + 1500).unwrap();
        let list = run(
            &mut stored,
            "ListProtectConfigurationRuleSetNumberOverrides",
            json!({"ProtectConfigurationId": id()}),
            NOW,
        )
        .unwrap();
        let mut numbers: Vec<&str> = list["RuleSetNumberOverrides"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["DestinationPhoneNumber"].as_str().unwrap())
            .collect();
        numbers.sort();
        assert_eq!(numbers, ["+12065550100", "+447400900123"]);
        assert!(list.get("NextToken").is_none());
        let allowed = run(
            &mut stored,
            "ListProtectConfigurationRuleSetNumberOverrides",
            json!({
                "ProtectConfigurationId": id(), "Filters": [{"Name": "action", "Values": ["ALLOW"]}]
            }),
            NOW,
        )
        .unwrap();
        assert_eq!(
            allowed["RuleSetNumberOverrides"],
            json!([{
                "DestinationPhoneNumber": "+447400900123", "CreatedTimestamp": 1_795_694_401, "Action": "ALLOW", "IsoCountryCode": "GB"
            }])
        );
        for (filter, count) in [
            (json!({"Name": "destination-phone-number-begins-with", "Values": ["+1206"]}), 1),
            (json!({"Name": "destination-phone-number-begins-with", "Values": ["44", "1"]}), 2),
            (json!({"Name": "expires-before", "Values": ["2027-01-02T00:00:00Z"]}), 1),
            (json!({"Name": "expires-after", "Values": ["1798761600"]}), 0),
            (json!({"Name": "created-after", "Values": ["1795694400"]}), 1),
            (json!({"Name": "iso-country-code", "Values": ["US"]}), 1),
            (json!({"Name": "iso-country-code", "Values": ["GB", "US"]}), 2),
            (json!({"Name": "iso-country-code", "Values": ["CU"]}), 0),
        ] {
            let page = run(
                &mut stored,
                "ListProtectConfigurationRuleSetNumberOverrides",
                json!({
                    "ProtectConfigurationId": id(), "Filters": [filter.clone()]
                }),
                NOW,
            )
            .unwrap();
            assert_eq!(page["RuleSetNumberOverrides"].as_array().unwrap().len(), count, "{filter}");
        }
        // Pages of one, joined by NextToken.
        let first = run(
            &mut stored,
            "ListProtectConfigurationRuleSetNumberOverrides",
            json!({"ProtectConfigurationId": id(), "MaxResults": 1}),
            NOW,
        )
        .unwrap();
        let token = first["NextToken"].as_str().unwrap().to_owned();
        let second = run(
            &mut stored,
            "ListProtectConfigurationRuleSetNumberOverrides",
            json!({"ProtectConfigurationId": id(), "MaxResults": 1, "NextToken": token}),
            NOW,
        )
        .unwrap();
        assert!(second.get("NextToken").is_none());
        assert_ne!(first["RuleSetNumberOverrides"], second["RuleSetNumberOverrides"]);
        let deleted = run(
            &mut stored,
            "DeleteProtectConfigurationRuleSetNumberOverride",
            json!({
                "ProtectConfigurationId": id(), "DestinationPhoneNumber": "+12065550100"
            }),
            NOW,
        )
        .unwrap();
        assert_eq!(deleted["Action"], "BLOCK");
        assert_eq!(deleted["CreatedTimestamp"], 1_795_694_400);
        let e = run(
            &mut stored,
            "DeleteProtectConfigurationRuleSetNumberOverride",
            json!({
                "ProtectConfigurationId": id(), "DestinationPhoneNumber": "+12065550100"
            }),
            NOW,
        )
        .unwrap_err();
        assert_eq!(
            (e.kind, e.resource),
            (ErrorType::ResourceNotFound, Some(("protect-configuration", id())))
        );
        let e = run(
            &mut stored,
            "ListProtectConfigurationRuleSetNumberOverrides",
            json!({"ProtectConfigurationId": id(), "NextToken": "x"}),
            NOW,
        )
        .unwrap_err();
        assert_eq!((e.kind, e.reason), (ErrorType::Validation, Some("INVALID_NEXT_TOKEN")));
    }

    #[test]
    fn update_and_get_country_rules_of_every_region() {
        let mut stored = None;
        let get = json!({"ProtectConfigurationId": id(), "NumberCapability": "SMS"});
        let regions = crate::country::regions();
        let status =
            |answer: &Value, code: &str| answer["CountryRuleSet"][code]["ProtectStatus"].clone();
        // Nothing stored: the policy's rule for US, its default for the rest.
        let first =
            run(&mut stored, "GetProtectConfigurationCountryRuleSet", get.clone(), NOW).unwrap();
        assert_eq!(first["CountryRuleSet"].as_object().unwrap().len(), regions.len());
        assert!(regions.len() > 200 && regions.len() <= 300, "AWS's map holds 1 to 300");
        assert_eq!(
            (status(&first, "US"), status(&first, "CU")),
            (json!("ALLOW"), json!("MONITOR"))
        );
        let updated = run(&mut stored, "UpdateProtectConfigurationCountryRuleSet", json!({
            "ProtectConfigurationId": id(), "NumberCapability": "SMS",
            "CountryRuleSetUpdates": {"CU": {"ProtectStatus": "BLOCK"}, "GB": {"ProtectStatus": "MONITOR"}, "US": {"ProtectStatus": "FILTER"}}
        }), NOW).unwrap();
        assert_eq!(updated["NumberCapability"], "SMS");
        assert_eq!(updated["CountryRuleSet"].as_object().unwrap().len(), regions.len());
        run(
            &mut stored,
            "UpdateProtectConfigurationCountryRuleSet",
            json!({
                "ProtectConfigurationId": id(), "NumberCapability": "SMS",
                "CountryRuleSetUpdates": {"GB": {"ProtectStatus": "ALLOW"}}
            }),
            NOW,
        )
        .unwrap();
        let got = run(&mut stored, "GetProtectConfigurationCountryRuleSet", get, NOW).unwrap();
        let statuses: Vec<Value> =
            ["CU", "GB", "US", "JM"].iter().map(|c| status(&got, c)).collect();
        assert_eq!(statuses, [json!("BLOCK"), json!("ALLOW"), json!("FILTER"), json!("MONITOR")]);
        assert_eq!(got["ProtectConfigurationId"], id());
        // Other capabilities: their stored rules, else the built-in FILTER (the policy is SMS's).
        let voice = run(
            &mut stored,
            "GetProtectConfigurationCountryRuleSet",
            json!({"ProtectConfigurationId": id(), "NumberCapability": "VOICE"}),
            NOW,
        )
        .unwrap();
        assert_eq!(
            (status(&voice, "CU"), status(&voice, "US")),
            (json!("FILTER"), json!("FILTER"))
        );
        // Only the table's regions: ZZ and XK-like codes it lacks are refused.
        let e = run(&mut stored, "UpdateProtectConfigurationCountryRuleSet", json!({
            "ProtectConfigurationId": id(), "NumberCapability": "SMS",
            "CountryRuleSetUpdates": {"ZZ": {"ProtectStatus": "BLOCK"}, "CU": {"ProtectStatus": "ALLOW"}}
        }), NOW).unwrap_err();
        assert_eq!(
            problems(e),
            [(
                "CountryRuleSetUpdates.key".into(),
                "Value at 'CountryRuleSetUpdates.key' failed to satisfy constraint: Member must \
                 be the ISO 3166-1 code of a supported country or region, not ZZ"
                    .into()
            )]
        );
    }

    #[test]
    fn prefix_blocks_are_listed_as_block_overrides_and_deleting_one_lifts_it() {
        let secrets = Secrets::from_setting(SECRET).unwrap();
        let mut doc = RuleSetDocument::decode(None).unwrap();
        let block = document::PrefixBlock {
            prefix: "+12065550".into(),
            region: Some("US".into()),
            began_ms: NOW,
            until_ms: NOW + 43_200_000,
            times: 1,
        };
        doc.record_block(block, NOW);
        let mut stored = Some(doc.encode());
        run(&mut stored, "PutProtectConfigurationRuleSetNumberOverride", json!({
            "ProtectConfigurationId": id(), "DestinationPhoneNumber": "+12065550123", "Action": "ALLOW"
        }), NOW).unwrap();
        let list = |stored: &mut Option<String>, filters: Value| {
            let body = json!({"ProtectConfigurationId": id(), "Filters": filters});
            run(stored, "ListProtectConfigurationRuleSetNumberOverrides", body, NOW + 1000).unwrap()
                ["RuleSetNumberOverrides"]
                .clone()
        };
        let the_block = json!({
            "DestinationPhoneNumber": "+12065550", "CreatedTimestamp": NOW / 1000, "Action": "BLOCK",
            "IsoCountryCode": "US", "ExpirationTimestamp": NOW / 1000 + 43_200
        });
        assert_eq!(
            list(&mut stored, json!([{"Name": "action", "Values": ["BLOCK"]}])),
            json!([the_block])
        );
        assert_eq!(list(&mut stored, json!([])).as_array().unwrap().len(), 2);
        for (filter, count) in [
            (json!({"Name": "iso-country-code", "Values": ["US"]}), 2),
            (json!({"Name": "destination-phone-number-begins-with", "Values": ["+1206555"]}), 2),
            (json!({"Name": "expires-after", "Values": ["1795694401"]}), 1),
        ] {
            assert_eq!(
                list(&mut stored, json!([filter.clone()])).as_array().unwrap().len(),
                count,
                "{filter}"
            );
        }
        // Paged one at a time, the block among the overrides.
        let first = run(
            &mut stored,
            "ListProtectConfigurationRuleSetNumberOverrides",
            json!({"ProtectConfigurationId": id(), "MaxResults": 1}),
            NOW,
        )
        .unwrap();
        let token = first["NextToken"].as_str().unwrap();
        let second = run(
            &mut stored,
            "ListProtectConfigurationRuleSetNumberOverrides",
            json!({"ProtectConfigurationId": id(), "MaxResults": 1, "NextToken": token}),
            NOW,
        )
        .unwrap();
        assert!(second.get("NextToken").is_none());
        assert_ne!(first["RuleSetNumberOverrides"], second["RuleSetNumberOverrides"]);
        // Deleting the prefix lifts the block: a lift the next send's screen finds.
        let delete = json!({"ProtectConfigurationId": id(), "DestinationPhoneNumber": "+12065550"});
        let deleted = run(
            &mut stored,
            "DeleteProtectConfigurationRuleSetNumberOverride",
            delete.clone(),
            NOW + 2000,
        )
        .unwrap();
        assert_eq!(
            (deleted["Action"].clone(), deleted["ExpirationTimestamp"].clone()),
            (json!("BLOCK"), the_block["ExpirationTimestamp"].clone())
        );
        assert_eq!(list(&mut stored, json!([{"Name": "action", "Values": ["BLOCK"]}])), json!([]));
        let (_, lifted) = crate::protect::stored_rule_set(
            &secrets,
            APP,
            "+12065550999",
            stored.as_deref(),
            NOW + 3000,
        )
        .unwrap();
        assert_eq!(lifted, Some(NOW + 2000));
        let e =
            run(&mut stored, "DeleteProtectConfigurationRuleSetNumberOverride", delete, NOW + 3000)
                .unwrap_err();
        assert_eq!(e.kind, ErrorType::ResourceNotFound);
        // The ALLOW override is still there, and a block that ended is not listed.
        assert_eq!(list(&mut stored, json!([])).as_array().unwrap().len(), 1);
    }

    #[test]
    fn each_member_is_checked_and_every_problem_named() {
        let put = "PutProtectConfigurationRuleSetNumberOverride";
        let e = call(put, json!({})).unwrap_err();
        assert_eq!(problems(e), [
            ("ProtectConfigurationId".into(), "Value at 'ProtectConfigurationId' failed to satisfy constraint: Member must not be null".into()),
            ("DestinationPhoneNumber".into(), "Value at 'DestinationPhoneNumber' failed to satisfy constraint: Member must not be null".into()),
            ("Action".into(), "Value at 'Action' failed to satisfy constraint: Member must not be null".into()),
        ]);
        let e = call(
            put,
            json!({"ProtectConfigurationId": "protect x", "DestinationPhoneNumber": "+0123",
            "Action": "allow", "ExpirationTimestamp": "tomorrow", "ClientToken": ""}),
        )
        .unwrap_err();
        let named: Vec<String> = problems(e).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            named,
            [
                "ProtectConfigurationId",
                "ClientToken",
                "DestinationPhoneNumber",
                "Action",
                "ExpirationTimestamp"
            ]
        );
        let e = call(put, json!({"ProtectConfigurationId": id(), "DestinationPhoneNumber": "+12065550100", "Action": "DENY"})).unwrap_err();
        assert_eq!(problems(e), [("Action".into(), "Value at 'Action' failed to satisfy constraint: Member must satisfy enum value set: [ALLOW, BLOCK]".into())]);
        for number in ["+1", "12345678901234567890", "+1206555010x", "+1 206 555 0100"] {
            let e = call(put, json!({"ProtectConfigurationId": id(), "DestinationPhoneNumber": number, "Action": "BLOCK"})).unwrap_err();
            assert_eq!(problems(e)[0].0, "DestinationPhoneNumber", "{number}");
        }
        let list = "ListProtectConfigurationRuleSetNumberOverrides";
        for (body, field) in [
            (json!({"MaxResults": 0}), "MaxResults"),
            (json!({"MaxResults": 101}), "MaxResults"),
            (json!({"MaxResults": "10"}), "MaxResults"),
            (json!({"NextToken": ""}), "NextToken"),
            (json!({"Filters": {}}), "Filters"),
            (json!({"Filters": [{"Name": "colour", "Values": ["x"]}]}), "Filters.1.Name"),
            (json!({"Filters": [{"Name": "action", "Values": []}]}), "Filters.1.Values"),
            (json!({"Filters": [{"Name": "action", "Values": ["a b"]}]}), "Filters.1.Values"),
            (
                json!({"Filters": [{"Name": "created-after", "Values": ["soon"]}]}),
                "Filters.1.Values",
            ),
        ] {
            let mut body = body;
            body["ProtectConfigurationId"] = json!(id());
            let e = call(list, body.clone()).unwrap_err();
            assert_eq!(problems(e)[0].0, field, "{body}");
        }
        let update = "UpdateProtectConfigurationCountryRuleSet";
        for (body, field) in [
            (json!({"NumberCapability": "SMS"}), "CountryRuleSetUpdates"),
            (
                json!({"NumberCapability": "FAX", "CountryRuleSetUpdates": {"CU": {"ProtectStatus": "BLOCK"}}}),
                "NumberCapability",
            ),
            (
                json!({"NumberCapability": "SMS", "CountryRuleSetUpdates": {}}),
                "CountryRuleSetUpdates",
            ),
            (
                json!({"NumberCapability": "SMS", "CountryRuleSetUpdates": {"cu": {"ProtectStatus": "BLOCK"}}}),
                "CountryRuleSetUpdates.key",
            ),
            (
                json!({"NumberCapability": "SMS", "CountryRuleSetUpdates": {"CU": {"ProtectStatus": "DENY"}}}),
                "CountryRuleSetUpdates.CU.ProtectStatus",
            ),
            (
                json!({"NumberCapability": "SMS", "CountryRuleSetUpdates": {"CU": {}}}),
                "CountryRuleSetUpdates.CU.ProtectStatus",
            ),
        ] {
            let mut body = body;
            body["ProtectConfigurationId"] = json!(id());
            let e = call(update, body.clone()).unwrap_err();
            assert_eq!(problems(e)[0].0, field, "{body}");
        }
        let e =
            call("GetProtectConfigurationCountryRuleSet", json!({"ProtectConfigurationId": id()}))
                .unwrap_err();
        assert_eq!(problems(e)[0].0, "NumberCapability");
        let e = call(
            "DeleteProtectConfigurationRuleSetNumberOverride",
            json!({"ProtectConfigurationId": id()}),
        )
        .unwrap_err();
        assert_eq!(problems(e)[0].0, "DestinationPhoneNumber");
    }

    #[test]
    fn bodies_that_are_not_json_and_unknown_configurations_are_refused() {
        for body in [&b"{"[..], b"[]", b"\xff", b"{\"Action\": 1, \"Action\": 2}"] {
            let e = ProtectCall::check(
                Some(&target("GetProtectConfigurationCountryRuleSet")),
                body,
                None,
                "us-east-1",
            )
            .unwrap_err();
            assert_eq!(
                (e.kind, e.reason),
                (ErrorType::Validation, Some("CANNOT_PARSE")),
                "{body:?}"
            );
        }
        let served = ["shop".to_owned()];
        let e = ProtectCall::check(
            Some(&target("GetProtectConfigurationCountryRuleSet")),
            br#"{"ProtectConfigurationId": "protect-0123456789abcdef0123456789abcdef", "NumberCapability": "SMS"}"#,
            Some(&served),
            "us-east-1",
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorType::ResourceNotFound);
        let e = ProtectCall::check(
            Some("PinpointSMSVoiceV2.SendTextMessage"),
            b"{}",
            None,
            "us-east-1",
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorType::UnknownOperation);
    }

    #[test]
    fn an_expiry_in_the_past_is_refused() {
        let mut stored = None;
        let e = run(&mut stored, "PutProtectConfigurationRuleSetNumberOverride", json!({
            "ProtectConfigurationId": id(), "DestinationPhoneNumber": "+12065550100", "Action": "BLOCK",
            "ExpirationTimestamp": 1_795_694_400
        }), NOW).unwrap_err();
        assert_eq!(problems(e)[0].0, "ExpirationTimestamp");
        assert!(stored.is_none());
    }
}
