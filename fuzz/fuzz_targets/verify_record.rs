//! Stored records and guesses through verify: any record text and any time.
//! A record verify can't read is an InternalServerErrorException; a readable
//! one answers exactly as its fields say, and a rewritten record reads back.
#![no_main]

use arbitrary::Arbitrary;
use edge_otp::otp::{verify, VerifyAction, VerifyReason};
use edge_otp::params::VerifyOtpParameters;
use edge_otp::record::{Record, Secret};
use edge_otp::Exception;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    application_id: &'a str,
    reference_id: &'a str,
    destination: &'a str,
    otp: &'a str,
    stored: Stored<'a>,
    now_ms: u64,
}

#[derive(Arbitrary, Debug)]
enum Stored<'a> {
    Nothing,
    /// Any text, as a corrupt or hostile store could hold.
    Text(&'a str),
    /// A well-formed record, of the code guessed or of another.
    Fields {
        created_at_ms: u64,
        expires_at_ms: u64,
        attempts_left: u32,
        wrong_guesses: u32,
        code: Option<&'a str>,
    },
}

fuzz_target!(|input: Input| {
    let secret = Secret::new(b"fuzzing secret, 32 bytes long..").unwrap();
    let Input { application_id, reference_id, destination, otp, now_ms, .. } = input;
    let params = VerifyOtpParameters {
        reference_id: reference_id.into(),
        destination_identity: destination.into(),
        otp: otp.into(),
    };
    let stored = match input.stored {
        Stored::Nothing => None,
        Stored::Text(text) => Some(text.to_owned()),
        Stored::Fields { created_at_ms, expires_at_ms, attempts_left, wrong_guesses, code } => {
            let code = code.unwrap_or(otp);
            let code_hash = secret.code_hash(application_id, reference_id, destination, code);
            let record = Record {
                code_hash,
                created_at_ms,
                expires_at_ms,
                attempts_left,
                wrong_guesses,
                delivered_at_ms: Some(created_at_ms),
                prior: None,
            };
            Some(record.encode())
        }
    };
    let result = verify(&secret, application_id, &params, stored.as_deref(), now_ms);
    if edge_otp::otp::check_application_id(application_id).is_err() {
        assert_eq!(result.unwrap_err().exception, Exception::BadRequest);
        return;
    }
    let Some(stored) = stored else {
        let step = result.expect("no record is an answer");
        assert_eq!(
            (step.reason, step.action, step.valid),
            (VerifyReason::NotFound, VerifyAction::Keep, false)
        );
        return;
    };
    let record = match Record::decode(&stored) {
        Ok(record) => record,
        Err(_) => {
            assert_eq!(result.unwrap_err().exception, Exception::InternalServerError);
            return;
        }
    };
    let step = result.expect("a readable record is an answer");
    assert_eq!(step.valid, step.reason == VerifyReason::Valid);
    let right = |record: &Record| {
        record.code_hash == secret.code_hash(application_id, reference_id, destination, otp)
    };
    if record.is_pending() {
        // Its own code never verifies; only its prior's, valid and not spent.
        let prior_valid = record
            .prior
            .as_deref()
            .is_some_and(|p| p.is_live(now_ms) && p.attempts_left > 0 && right(p));
        assert_eq!(step.valid, prior_valid);
        return;
    }
    let right = right(&record);
    if now_ms >= record.expires_at_ms {
        assert_eq!((step.reason, &step.action), (VerifyReason::Expired, &VerifyAction::Delete));
    } else if record.attempts_left == 0 {
        assert_eq!(
            (step.reason, &step.action),
            (VerifyReason::AttemptsExhausted, &VerifyAction::Keep)
        );
    } else if right {
        assert_eq!((step.reason, &step.action), (VerifyReason::Valid, &VerifyAction::Delete));
    } else {
        assert_eq!(step.reason, VerifyReason::Mismatch);
        assert_eq!(step.attempts_left, record.attempts_left - 1);
        let VerifyAction::Write { record: written, ttl_seconds } = &step.action else {
            panic!("a mismatch rewrites the record: {:?}", step.action);
        };
        let expected = Record {
            attempts_left: record.attempts_left - 1,
            wrong_guesses: record.wrong_guesses.saturating_add(1),
            ..record.clone()
        };
        assert_eq!(Record::decode(written), Ok(expected));
        // The store keeps it until it expires, or as long as a TTL can say.
        let remaining_ms = record.expires_at_ms - now_ms;
        assert!(*ttl_seconds >= 1);
        let until_expiry = u64::from(*ttl_seconds) * 1000 >= remaining_ms;
        assert!(until_expiry || *ttl_seconds == u32::MAX, "{ttl_seconds} s < {remaining_ms} ms");
    }
});
