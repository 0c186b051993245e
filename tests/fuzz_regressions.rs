//! Inputs the fuzz targets in fuzz/ once failed on, each with what it must
//! answer now. `cargo test` runs them without the fuzzing toolchain.

use edge_otp::otp::{verify, VerifyAction, VerifyReason};
use edge_otp::params::VerifyOtpParameters;
use edge_otp::record::{Record, Secret};

/// verify_record: a wrong guess against a readable record that expires
/// ~584 million years on made the rewritten record's TTL wrap (`as u32`),
/// so the store was told to keep it 2,589,494,734 s instead of the maximum.
#[test]
fn a_record_expiring_centuries_on_gets_the_longest_ttl_not_a_wrapped_one() {
    let secret = Secret::new(b"fuzzing secret, 32 bytes long..").unwrap();
    let params = VerifyOtpParameters {
        reference_id: String::new(),
        destination_identity: String::new(),
        otp: String::new(),
    };
    let record = Record {
        code_hash: secret.code_hash("H", "", "", ":\0"),
        created_at_ms: 4_282_032_896,
        expires_at_ms: 18_444_774_001_905_101_088,
        attempts_left: 3_911_188_479,
        wrong_guesses: 0,
        delivered_at_ms: Some(4_282_032_896),
        prior: None,
    };
    let step = verify(&secret, "H", &params, Some(&record.encode()), 0).unwrap();
    assert_eq!(step.reason, VerifyReason::Mismatch);
    let VerifyAction::Write { record: written, ttl_seconds } = step.action else {
        panic!("a mismatch rewrites the record: {:?}", step.action);
    };
    assert_eq!(ttl_seconds, u32::MAX);
    assert_eq!(
        Record::decode(&written),
        Ok(Record { attempts_left: 3_911_188_478, wrong_guesses: 1, ..record })
    );
}
