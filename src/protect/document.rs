//! The rule set a protect configuration keeps in the store: its country
//! rules per number capability and its number overrides, as one small JSON
//! document per application, changed with compare-and-swap.
//!
//! No phone number is stored in plaintext: an override is found by a keyed
//! hash of (application, number), and the number itself, which
//! `ListProtectConfigurationRuleSetNumberOverrides` must answer, is sealed
//! with XChaCha20-Poly1305 under a key derived from the secret with HMAC
//! (a random 24-byte nonce each, the entry's hash as associated data, so a
//! sealed number can't be moved to another entry). While `OTP_SECRET`
//! lists several secrets, lookups try each secret's hash, and every write
//! seals the document's numbers again under the current one.
//!
//! It also lists the prefixes the prefix-velocity rule blocked (a prefix is
//! no one's number, so it is kept in plaintext, with its country), so that
//! the API can list them and lift them: the prefix's counter decides, this
//! list only tells, and a lift kept here is what the counter takes in on
//! the next send into the prefix.
//!
//! `{"v":1,"countries":{"SMS:CU":"BLOCK"},"numbers":["<hash>.<nonce+sealed>.<A|B>.<created ms>.<expires ms or empty>"],
//! "blocks":["+12065550.US.<began ms>.<until ms>.<times in a week>.<lifted ms or empty>"]}`,
//! the overrides in the order of their hashes (an order for paging that
//! tells nothing of the numbers), the blocks in the order of their prefixes.

use crate::error::{Error, Exception};
use crate::hash::{base64url, sha256};
use crate::record::{Secret, Secrets};
pub use crate::rule_set::{OverrideAction, ProtectStatus};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Rule sets' storage keys start with this.
pub const KEY_PREFIX: &str = "rul_";
/// How long the store keeps a rule set after its last change: ten years,
/// since a rule stays until it is changed (each write renews it).
pub const TTL_SECONDS: u32 = 10 * 365 * 86_400;
/// The most number overrides one protect configuration holds, so that its
/// document stays well under every store's value limit (128 KiB on
/// Durable Objects): about 180 bytes each.
pub const MAX_OVERRIDES: usize = 500;
/// The most prefix blocks (and lifts) one protect configuration keeps:
/// about 70 bytes each, so that with [`MAX_OVERRIDES`] the document stays
/// under 128 KiB. When full, the block that ends first makes room.
pub const MAX_BLOCKS: usize = 200;
/// How long a lift is kept: a block counts (doubling the next) for a week
/// after it began, and no block is longer.
const WEEK_MS: u64 = 7 * 86_400_000;
/// The document format written now.
const FORMAT: u32 = 1;
const NONCE_BYTES: usize = 24;

/// Where an application's rule set is stored. Not keyed by the secret: the
/// key names only the application, and rules must outlive a rotation.
pub fn storage_key(application_id: &str) -> String {
    let mut input = b"edge-otp rule set v1\0".to_vec();
    input.extend(application_id.as_bytes());
    format!("{KEY_PREFIX}{}", base64url(&sha256(&input)))
}

/// A number override as stored, the number only sealed: one dotted string
/// (`key.sealed.A|B.created.expires`), ordered by its key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
struct StoredOverride {
    /// The keyed hash of (application, number), base64url.
    key: String,
    /// Nonce and sealed number, base64url.
    sealed: String,
    action: OverrideAction,
    created_ms: u64,
    expires_ms: Option<u64>,
}

impl Ord for StoredOverride {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl PartialOrd for StoredOverride {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<StoredOverride> for String {
    fn from(o: StoredOverride) -> String {
        let action = if o.action == OverrideAction::Allow { "A" } else { "B" };
        let expires = o.expires_ms.map(|e| e.to_string()).unwrap_or_default();
        format!("{}.{}.{action}.{}.{expires}", o.key, o.sealed, o.created_ms)
    }
}

impl TryFrom<String> for StoredOverride {
    type Error = &'static str;

    fn try_from(text: String) -> Result<StoredOverride, &'static str> {
        const BAD: &str = "a number override is unreadable";
        let fields: Vec<&str> = text.split('.').collect();
        let [key, sealed, action, created, expires] = fields[..] else { return Err(BAD) };
        let action = match action {
            "A" => OverrideAction::Allow,
            "B" => OverrideAction::Block,
            _ => return Err(BAD),
        };
        let expires_ms = match expires {
            "" => None,
            e => Some(e.parse().map_err(|_| BAD)?),
        };
        Ok(StoredOverride {
            key: key.to_owned(),
            sealed: sealed.to_owned(),
            action,
            created_ms: created.parse().map_err(|_| BAD)?,
            expires_ms,
        })
    }
}

/// A number override as read back, its number opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberOverride {
    /// E.164.
    pub number: String,
    /// What it does.
    pub action: OverrideAction,
    /// When it was put (ms since the epoch).
    pub created_ms: u64,
    /// When it stops applying, if ever.
    pub expires_ms: Option<u64>,
    /// The keyed hash it is found by: opaque, for paging.
    pub key: String,
}

/// A prefix block as stored: one dotted string
/// (`prefix.region.began.until.times.lifted`, region and lifted empty when
/// none), as overrides are, so that no more serde code is needed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
struct StoredBlock {
    /// The prefix: a number less its last 3 digits, E.164's `+` first.
    prefix: String,
    /// The country of the send that blocked it, when known.
    region: Option<String>,
    /// When the block began (ms since the epoch).
    began_ms: u64,
    /// When it ends.
    until_ms: u64,
    /// How many times the prefix was blocked in the week up to this block.
    times: u32,
    /// When the API lifted it, if it did.
    lifted_ms: Option<u64>,
}

impl From<StoredBlock> for String {
    fn from(b: StoredBlock) -> String {
        let region = b.region.unwrap_or_default();
        let lifted = b.lifted_ms.map(|l| l.to_string()).unwrap_or_default();
        format!("{}.{region}.{}.{}.{}.{lifted}", b.prefix, b.began_ms, b.until_ms, b.times)
    }
}

impl TryFrom<String> for StoredBlock {
    type Error = &'static str;

    fn try_from(text: String) -> Result<StoredBlock, &'static str> {
        const BAD: &str = "a prefix block is unreadable";
        let fields: Vec<&str> = text.split('.').collect();
        let [prefix, region, began, until, times, lifted] = fields[..] else { return Err(BAD) };
        let number = |s: &str| s.parse::<u64>().map_err(|_| BAD);
        Ok(StoredBlock {
            prefix: prefix.to_owned(),
            region: (!region.is_empty()).then(|| region.to_owned()),
            began_ms: number(began)?,
            until_ms: number(until)?,
            times: times.parse().map_err(|_| BAD)?,
            lifted_ms: if lifted.is_empty() { None } else { Some(number(lifted)?) },
        })
    }
}

impl StoredBlock {
    /// Whether it is kept at `now_ms`: a block until it ends, a lift a week
    /// after the block began.
    fn kept(&self, now_ms: u64) -> bool {
        match self.lifted_ms {
            None => self.until_ms > now_ms,
            Some(_) => self.began_ms + WEEK_MS > now_ms,
        }
    }
}

/// A prefix block the prefix-velocity rule started, as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefixBlock {
    /// The prefix (`+12065550`).
    pub prefix: String,
    /// Its country, when known.
    pub region: Option<String>,
    /// When it began (ms since the epoch).
    pub began_ms: u64,
    /// When it ends.
    pub until_ms: u64,
    /// How many times the prefix was blocked in the week up to this block.
    pub times: u32,
}

impl From<&StoredBlock> for PrefixBlock {
    fn from(b: &StoredBlock) -> PrefixBlock {
        PrefixBlock {
            prefix: b.prefix.clone(),
            region: b.region.clone(),
            began_ms: b.began_ms,
            until_ms: b.until_ms,
            times: b.times,
        }
    }
}

/// The whole stored rule set of one protect configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSetDocument {
    #[serde(rename = "v")]
    format: u32,
    /// `<number capability>:<ISO country code>` (`SMS:CU`) → status.
    #[serde(default)]
    countries: BTreeMap<String, ProtectStatus>,
    #[serde(default)]
    numbers: Vec<StoredOverride>,
    /// Prefix blocks and lifts, by prefix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    blocks: Vec<StoredBlock>,
}

/// Fills a buffer with random bytes: getrandom in production.
pub type Fill<'a> = &'a mut dyn FnMut(&mut [u8]) -> Result<(), Error>;

/// The platform's random source, asked only when a number is sealed.
pub fn os_random(buffer: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(buffer).map_err(|e| {
        Error::new(
            Exception::InternalServerError,
            format!("No secure random source is available: {e}"),
        )
    })
}

fn unreadable() -> Error {
    Error::new(
        Exception::InternalServerError,
        format!("A stored rule set is unreadable (expected format {FORMAT})"),
    )
}

impl RuleSetDocument {
    /// What the store holds under [`storage_key`] (None: an empty rule set).
    pub fn decode(stored: Option<&str>) -> Result<RuleSetDocument, Error> {
        let Some(text) = stored else {
            return Ok(RuleSetDocument { format: FORMAT, ..RuleSetDocument::default() });
        };
        let document: RuleSetDocument = serde_json::from_str(text).map_err(|_| unreadable())?;
        if document.format != FORMAT {
            return Err(unreadable());
        }
        Ok(document)
    }

    /// The document as stored.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a rule set serializes")
    }

    /// The country rules for a number capability, by country code, in order.
    pub fn country_rules(&self, capability: &str) -> Vec<(&str, ProtectStatus)> {
        self.countries
            .iter()
            .filter_map(|(key, status)| {
                let country = key.strip_prefix(capability)?.strip_prefix(':')?;
                Some((country, *status))
            })
            .collect()
    }

    /// Sets the given countries' rules for a number capability; the others stay.
    pub fn update_countries(
        &mut self,
        capability: &str,
        updates: &BTreeMap<String, ProtectStatus>,
    ) {
        let keyed =
            updates.iter().map(|(country, status)| (format!("{capability}:{country}"), *status));
        self.countries.extend(keyed);
    }

    /// The override in force for `number` at `now_ms`, if any: its action
    /// and when it expires.
    pub fn number_override(
        &self,
        secrets: &Secrets,
        application_id: &str,
        number: &str,
        now_ms: u64,
    ) -> Option<(OverrideAction, Option<u64>)> {
        let keys: Vec<String> =
            secrets.all().iter().map(|s| entry_key(s, application_id, number)).collect();
        let found = self.numbers.iter().find(|o| live(o, now_ms) && keys.contains(&o.key));
        found.map(|o| (o.action, o.expires_ms))
    }

    /// Every override in force, opened, in the order of their hashes.
    pub fn overrides(
        &self,
        secrets: &Secrets,
        application_id: &str,
        now_ms: u64,
    ) -> Vec<NumberOverride> {
        self.numbers
            .iter()
            .filter(|o| live(o, now_ms))
            .filter_map(|o| {
                let (_, number) = open_any(secrets, application_id, o)?;
                Some(NumberOverride {
                    number,
                    action: o.action,
                    created_ms: o.created_ms,
                    expires_ms: o.expires_ms,
                    key: o.key.clone(),
                })
            })
            .collect()
    }

    /// Puts an override for `number`, replacing one there. False when the
    /// configuration already holds [`MAX_OVERRIDES`] others.
    #[allow(clippy::too_many_arguments)]
    pub fn put(
        &mut self,
        secrets: &Secrets,
        application_id: &str,
        number: &str,
        action: OverrideAction,
        expires_ms: Option<u64>,
        now_ms: u64,
        fill: Fill,
    ) -> Result<bool, Error> {
        self.reseal(secrets, application_id, now_ms, fill)?;
        let current = secrets.current();
        let key = entry_key(current, application_id, number);
        self.numbers.retain(|o| o.key != key);
        if self.numbers.len() >= MAX_OVERRIDES {
            return Ok(false);
        }
        let sealed = seal(current, application_id, &key, number, fill)?;
        let at = self.numbers.partition_point(|o| o.key < key);
        let entry = StoredOverride { key, sealed, action, created_ms: now_ms, expires_ms };
        self.numbers.insert(at, entry);
        Ok(true)
    }

    /// Removes the override in force for `number`; answers it, if there was one.
    pub fn remove(
        &mut self,
        secrets: &Secrets,
        application_id: &str,
        number: &str,
        now_ms: u64,
        fill: Fill,
    ) -> Result<Option<NumberOverride>, Error> {
        self.reseal(secrets, application_id, now_ms, fill)?;
        let key = entry_key(secrets.current(), application_id, number);
        let Some(i) = self.numbers.iter().position(|o| o.key == key) else { return Ok(None) };
        let o = self.numbers.remove(i);
        Ok(Some(NumberOverride {
            number: number.to_owned(),
            action: o.action,
            created_ms: o.created_ms,
            expires_ms: o.expires_ms,
            key: o.key,
        }))
    }

    /// Records that the prefix-velocity rule blocked `prefix` (of `region`)
    /// from `began_ms` to `until_ms`, the `times`-th time in a week: in place
    /// of what was kept of the prefix (an earlier block or lift). When
    /// [`MAX_BLOCKS`] are kept, the block that ends first (a lift when there
    /// is no block) makes room.
    pub fn record_block(&mut self, block: PrefixBlock, now_ms: u64) {
        self.blocks.retain(|b| b.kept(now_ms) && b.prefix != block.prefix);
        if self.blocks.len() >= MAX_BLOCKS {
            let first = self
                .blocks
                .iter()
                .enumerate()
                .min_by_key(|(_, b)| (b.lifted_ms.is_none(), b.until_ms))
                .map(|(i, _)| i);
            if let Some(i) = first {
                self.blocks.remove(i);
            }
        }
        let at = self.blocks.partition_point(|b| b.prefix < block.prefix);
        let stored = StoredBlock {
            prefix: block.prefix,
            region: block.region,
            began_ms: block.began_ms,
            until_ms: block.until_ms,
            times: block.times,
            lifted_ms: None,
        };
        self.blocks.insert(at, stored);
    }

    /// Every prefix block in force at `now_ms` (not ended, not lifted), by prefix.
    pub fn prefix_blocks(&self, now_ms: u64) -> Vec<PrefixBlock> {
        let current = |b: &&StoredBlock| b.lifted_ms.is_none() && b.until_ms > now_ms;
        self.blocks.iter().filter(current).map(PrefixBlock::from).collect()
    }

    /// Lifts the block of `prefix` in force at `now_ms`, answering it (None:
    /// there is none). The lift is kept for the prefix's counter to take in.
    pub fn lift_block(&mut self, prefix: &str, now_ms: u64) -> Option<PrefixBlock> {
        self.blocks.retain(|b| b.kept(now_ms));
        let block = self
            .blocks
            .iter_mut()
            .find(|b| b.prefix == prefix && b.lifted_ms.is_none() && b.until_ms > now_ms)?;
        block.lifted_ms = Some(now_ms);
        Some(PrefixBlock::from(&*block))
    }

    /// When the block of `prefix` was last lifted, if a lift is kept.
    pub fn lifted_at(&self, prefix: &str) -> Option<u64> {
        self.blocks.iter().find(|b| b.prefix == prefix).and_then(|b| b.lifted_ms)
    }

    /// Before every write: drops expired overrides and those no listed
    /// secret opens, and seals again under the current secret those an
    /// older one made; drops the blocks and lifts no longer kept.
    pub fn reseal(
        &mut self,
        secrets: &Secrets,
        application_id: &str,
        now_ms: u64,
        fill: Fill,
    ) -> Result<(), Error> {
        self.blocks.retain(|b| b.kept(now_ms));
        let current = secrets.current();
        let mut kept = Vec::with_capacity(self.numbers.len());
        for o in self.numbers.drain(..).filter(|o| live(o, now_ms)) {
            match open_any(secrets, application_id, &o) {
                Some((0, _)) => kept.push(o),
                Some((_, number)) => {
                    let key = entry_key(current, application_id, &number);
                    let sealed = seal(current, application_id, &key, &number, fill)?;
                    kept.push(StoredOverride { key, sealed, ..o });
                }
                None => {}
            }
        }
        // Resealed entries have new keys: back into the keys' order.
        crate::sigv4::sort_small(&mut kept);
        self.numbers = kept;
        Ok(())
    }
}

fn live(o: &StoredOverride, now_ms: u64) -> bool {
    o.expires_ms.is_none_or(|expires| expires > now_ms)
}

/// The keyed hash an override of `number` is found by.
fn entry_key(secret: &Secret, application_id: &str, number: &str) -> String {
    base64url(&secret.mac(b"edge-otp number override v1", [application_id, number]))
}

/// The sealing key of an application's rule set under `secret`.
fn cipher(secret: &Secret, application_id: &str) -> XChaCha20Poly1305 {
    let key = secret.mac(b"edge-otp rule set seal v1", [application_id]);
    XChaCha20Poly1305::new(&key.into())
}

fn seal(
    secret: &Secret,
    application_id: &str,
    key: &str,
    number: &str,
    fill: Fill,
) -> Result<String, Error> {
    let mut nonce = [0u8; NONCE_BYTES];
    fill(&mut nonce)?;
    let payload = Payload { msg: number.as_bytes(), aad: key.as_bytes() };
    let sealed = cipher(secret, application_id)
        .encrypt(XNonce::from_slice(&nonce), payload)
        .map_err(|_| Error::new(Exception::InternalServerError, "A number could not be sealed"))?;
    Ok(base64url(&[&nonce[..], &sealed].concat()))
}

/// The number an entry seals and the index of the secret that opens it.
fn open_any(
    secrets: &Secrets,
    application_id: &str,
    o: &StoredOverride,
) -> Option<(usize, String)> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&o.sealed).ok()?;
    if bytes.len() < NONCE_BYTES {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
    secrets.all().iter().enumerate().find_map(|(i, secret)| {
        let payload = Payload { msg: sealed, aad: o.key.as_bytes() };
        let opened =
            cipher(secret, application_id).decrypt(XNonce::from_slice(nonce), payload).ok()?;
        Some((i, String::from_utf8(opened).ok()?))
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub const SECRET: &str = "0123456789abcdef0123456789abcdef";
    const OLD: &str = "an older secret of thirty-two b.";
    const NOW: u64 = 1_795_694_400_000;

    pub fn counter() -> impl FnMut(&mut [u8]) -> Result<(), Error> {
        let mut n = 0u64;
        move |buffer: &mut [u8]| {
            n += 1;
            buffer.fill(0);
            buffer[..8].copy_from_slice(&n.to_le_bytes());
            Ok(())
        }
    }

    fn secrets(setting: &str) -> Secrets {
        Secrets::from_setting(setting).unwrap()
    }

    #[test]
    fn overrides_are_found_by_hash_and_listed_opened_but_never_stored_in_plaintext() {
        let s = secrets(SECRET);
        let mut fill = counter();
        let mut doc = RuleSetDocument::decode(None).unwrap();
        assert!(doc
            .put(&s, "app", "+12065550100", OverrideAction::Block, None, NOW, &mut fill)
            .unwrap());
        assert!(doc
            .put(
                &s,
                "app",
                "+447700900123",
                OverrideAction::Allow,
                Some(NOW + 1000),
                NOW,
                &mut fill
            )
            .unwrap());
        let stored = doc.encode();
        for plain in ["2065550100", "7700900123"] {
            assert!(!stored.contains(plain), "{stored}");
        }
        let doc = RuleSetDocument::decode(Some(&stored)).unwrap();
        assert_eq!(
            doc.number_override(&s, "app", "+12065550100", NOW),
            Some((OverrideAction::Block, None))
        );
        assert_eq!(doc.number_override(&s, "other", "+12065550100", NOW), None);
        assert_eq!(doc.number_override(&s, "app", "+12065550101", NOW), None);
        assert_eq!(
            doc.number_override(&s, "app", "+447700900123", NOW + 999),
            Some((OverrideAction::Allow, Some(NOW + 1000)))
        );
        assert_eq!(doc.number_override(&s, "app", "+447700900123", NOW + 1000), None, "expired");
        let mut listed: Vec<String> =
            doc.overrides(&s, "app", NOW).into_iter().map(|o| o.number).collect();
        listed.sort();
        assert_eq!(listed, ["+12065550100", "+447700900123"]);
        assert_eq!(doc.overrides(&s, "app", NOW + 1000).len(), 1);
        // Another secret opens nothing and finds nothing.
        let other = secrets("a different secret, thirty-two b.");
        assert!(doc.overrides(&other, "app", NOW).is_empty());
        assert_eq!(doc.number_override(&other, "app", "+12065550100", NOW), None);
    }

    #[test]
    fn a_sealed_number_moved_to_another_entry_does_not_open() {
        let s = secrets(SECRET);
        let mut fill = counter();
        let mut doc = RuleSetDocument::decode(None).unwrap();
        doc.put(&s, "app", "+12065550100", OverrideAction::Block, None, NOW, &mut fill).unwrap();
        doc.put(&s, "app", "+12065550101", OverrideAction::Block, None, NOW, &mut fill).unwrap();
        let sealed = doc.numbers[0].sealed.clone();
        doc.numbers[1].sealed = sealed;
        assert_eq!(doc.overrides(&s, "app", NOW).len(), 1);
    }

    #[test]
    fn puts_replace_removes_answer_and_writes_reseal_after_a_rotation() {
        let old = secrets(OLD);
        let mut fill = counter();
        let mut doc = RuleSetDocument::decode(None).unwrap();
        doc.put(&old, "app", "+12065550100", OverrideAction::Block, None, NOW, &mut fill).unwrap();
        doc.put(&old, "app", "+12065550102", OverrideAction::Block, Some(NOW + 5), NOW, &mut fill)
            .unwrap();
        let rotated = secrets(&format!(r#"["{SECRET}", "{OLD}"]"#));
        assert_eq!(
            doc.number_override(&rotated, "app", "+12065550100", NOW),
            Some((OverrideAction::Block, None))
        );
        // A write under the rotation seals every number under the new secret
        // and drops what expired.
        doc.put(&rotated, "app", "+12065550100", OverrideAction::Allow, None, NOW + 10, &mut fill)
            .unwrap();
        assert_eq!(doc.numbers.len(), 1);
        let new_only = secrets(SECRET);
        assert_eq!(
            doc.number_override(&new_only, "app", "+12065550100", NOW),
            Some((OverrideAction::Allow, None))
        );
        let removed =
            doc.remove(&new_only, "app", "+12065550100", NOW, &mut fill).unwrap().unwrap();
        assert_eq!((removed.action, removed.created_ms), (OverrideAction::Allow, NOW + 10));
        assert_eq!(doc.remove(&new_only, "app", "+12065550100", NOW, &mut fill).unwrap(), None);
    }

    #[test]
    fn the_quota_holds_and_country_rules_merge() {
        let s = secrets(SECRET);
        let mut fill = counter();
        let mut doc = RuleSetDocument::decode(None).unwrap();
        for i in 0..MAX_OVERRIDES {
            let number = format!("+1206555{i:04}");
            assert!(doc
                .put(&s, "app", &number, OverrideAction::Block, None, NOW, &mut fill)
                .unwrap());
        }
        assert!(!doc
            .put(&s, "app", "+19995550000", OverrideAction::Block, None, NOW, &mut fill)
            .unwrap());
        assert!(
            doc.put(&s, "app", "+12065550000", OverrideAction::Allow, None, NOW, &mut fill)
                .unwrap(),
            "a replacement fits"
        );
        assert!(doc.encode().len() < 128 * 1024, "{} bytes", doc.encode().len());
        doc.update_countries("SMS", &[("GB".into(), ProtectStatus::Monitor)].into());
        doc.update_countries("SMS", &[("CU".into(), ProtectStatus::Block)].into());
        doc.update_countries("SMSX", &[("CU".into(), ProtectStatus::Allow)].into());
        assert_eq!(
            doc.country_rules("SMS"),
            [("CU", ProtectStatus::Block), ("GB", ProtectStatus::Monitor)]
        );
        assert!(doc.country_rules("VOICE").is_empty());
        let keys: Vec<&str> = doc.numbers.iter().map(|o| o.key.as_str()).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "kept in the keys' order");
    }

    fn block(prefix: &str, began_ms: u64, times: u32) -> PrefixBlock {
        PrefixBlock {
            prefix: prefix.into(),
            region: Some("US".into()),
            began_ms,
            until_ms: began_ms + 12 * 3_600_000,
            times,
        }
    }

    #[test]
    fn prefix_blocks_are_listed_lifted_and_kept_bounded() {
        let mut doc = RuleSetDocument::decode(None).unwrap();
        assert!(!doc.encode().contains("blocks"), "no list until a block");
        doc.record_block(block("+12065551", NOW, 1), NOW);
        doc.record_block(block("+12065550", NOW, 1), NOW);
        let doc = RuleSetDocument::decode(Some(&doc.encode())).unwrap();
        let mut doc = doc;
        let listed: Vec<String> = doc.prefix_blocks(NOW).into_iter().map(|b| b.prefix).collect();
        assert_eq!(listed, ["+12065550", "+12065551"]);
        assert!(doc.prefix_blocks(NOW + 12 * 3_600_000).is_empty(), "ended");
        // A lift: no longer listed, kept for the counter; a second finds none.
        let lifted = doc.lift_block("+12065550", NOW + 5).unwrap();
        assert_eq!((lifted.began_ms, lifted.times), (NOW, 1));
        assert_eq!(doc.lift_block("+12065550", NOW + 6), None);
        assert_eq!(doc.lift_block("+1206555", NOW + 6), None, "prefixes match whole");
        assert_eq!(doc.lifted_at("+12065550"), Some(NOW + 5));
        assert_eq!(doc.lifted_at("+12065551"), None);
        assert_eq!(doc.prefix_blocks(NOW).len(), 1);
        // A new block replaces the lift.
        doc.record_block(block("+12065550", NOW + 10, 2), NOW + 10);
        assert_eq!(doc.lifted_at("+12065550"), None);
        assert_eq!(doc.prefix_blocks(NOW + 10)[0].times, 2);
        // Lifts are kept a week after their block began, then dropped.
        doc.lift_block("+12065550", NOW + 20).unwrap();
        doc.record_block(block("+12065552", NOW + WEEK_MS + 10, 1), NOW + WEEK_MS + 10);
        assert_eq!(doc.lifted_at("+12065550"), None);
        // Bounded: the block that ends first makes room.
        let mut doc = RuleSetDocument::decode(None).unwrap();
        for i in 0..MAX_BLOCKS + 5 {
            doc.record_block(block(&format!("+1206{i:05}"), NOW + i as u64, 1), NOW);
        }
        let kept = doc.prefix_blocks(NOW);
        assert_eq!(kept.len(), MAX_BLOCKS);
        assert_eq!(kept[0].prefix, "+120600005", "the first 5 ended first");
        // About 70 bytes each: with MAX_OVERRIDES' 180 each, under 128 KiB.
        let bytes = doc.encode().len();
        assert!(bytes < MAX_BLOCKS * 80 && bytes + MAX_OVERRIDES * 180 < 128 * 1024, "{bytes}");
    }

    #[test]
    fn unreadable_documents_are_internal_errors_and_keys_name_the_application() {
        for bad in [
            "",
            "{",
            r#"{"v":2}"#,
            r#"{"v":1,"numbers":[{"k":1}]}"#,
            r#"{"v":1,"numbers":["k.n.X.1."]}"#,
            r#"{"v":1,"numbers":["k.n.A.1"]}"#,
            r#"{"v":1,"numbers":["k.n.A.x."]}"#,
            r#"{"v":1,"blocks":["+1206.US.1.2.1"]}"#,
            r#"{"v":1,"blocks":["+1206.US.1.2.x."]}"#,
        ] {
            let e = RuleSetDocument::decode(Some(bad)).unwrap_err();
            assert_eq!(e.exception, Exception::InternalServerError, "{bad}");
        }
        assert!(storage_key("app").starts_with("rul_"));
        assert_ne!(storage_key("app"), storage_key("app2"));
        assert_eq!(storage_key("app").len(), 47);
    }
}
