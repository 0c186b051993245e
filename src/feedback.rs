//! Feedback to the SMS provider: where the provider's id of a sent code's
//! message is kept until the code is verified, so that a valid verify can
//! report the message received (AWS End User Messaging's
//! `PutMessageFeedback`).
//!
//! It is kept apart from the code's record (whose format stays as it is),
//! under the record's own keyed hash with another prefix: the entry lives
//! as long as the record, is found from whichever storage key the verify
//! found the record under (during a rotation of `OTP_SECRET` too), and
//! tells nothing of the number. The provider's message id is no secret.

use crate::record::KEY_PREFIX;

/// Feedback entries' keys start with this.
pub const FEEDBACK_KEY_PREFIX: &str = "fbk_";

/// The key of the feedback entry of the record stored under `storage_key`;
/// None for a key that is not a record's.
pub fn feedback_key(storage_key: &str) -> Option<String> {
    let hash = storage_key.strip_prefix(KEY_PREFIX)?;
    Some(format!("{FEEDBACK_KEY_PREFIX}{hash}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Secret;

    #[test]
    fn a_records_feedback_key_shares_its_hash_only() {
        let s = Secret::new(b"0123456789abcdef0123456789abcdef").unwrap();
        let record = s.storage_key("app", "ref", "+12065550007");
        let key = feedback_key(&record).unwrap();
        assert!(key.starts_with("fbk_") && key.len() == record.len());
        assert_eq!(key[4..], record[4..]);
        assert_ne!(key, feedback_key(&s.storage_key("app", "ref", "+12065550008")).unwrap());
        assert_eq!(feedback_key("num_abc"), None);
    }
}
