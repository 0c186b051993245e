//! A provider's answer as Pinpoint's delivery result: any status, error code
//! and message id. Only a 2xx is delivered; the status message is our own
//! plain words, quoting at most a cleaned code or id, never raw provider text.
#![no_main]

use arbitrary::Arbitrary;
use edge_otp::delivery::{delivery, Answer, DeliveryStatus, Provider};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Outcome<'a> {
    Http { status: u16, error_code: Option<&'a str>, message_id: Option<&'a str> },
    Timeout,
    NetworkError,
}

fuzz_target!(|input: (u8, Outcome)| {
    let provider = Provider::ALL[usize::from(input.0) % Provider::ALL.len()];
    let answer = match input.1 {
        Outcome::Http { status, error_code, message_id } => {
            Answer::Http { status, error_code, message_id }
        }
        Outcome::Timeout => Answer::Timeout,
        Outcome::NetworkError => Answer::NetworkError,
    };
    let d = delivery(provider, answer);
    let message = &d.status_message;
    assert!(message.chars().all(|c| c.is_ascii_graphic() || c == ' '), "{message:?}");
    assert!(message.len() <= 200, "{message:?}");
    match answer {
        Answer::Timeout => {
            assert_eq!((d.status, d.status_code), (DeliveryStatus::TemporaryFailure, 504))
        }
        Answer::NetworkError => {
            assert_eq!((d.status, d.status_code), (DeliveryStatus::TemporaryFailure, 502))
        }
        Answer::Http { status, error_code, .. } => {
            if (200..300).contains(&status) {
                assert_eq!((d.status, d.status_code), (DeliveryStatus::Successful, 200));
            } else {
                assert_ne!(d.status, DeliveryStatus::Successful);
                assert_eq!(d.status_code, status);
                assert!(message.contains(&format!("HTTP {status}")), "{message}");
                // Without a code the status alone decides.
                if error_code.is_none() {
                    let by_status = match status {
                        429 => DeliveryStatus::Throttled,
                        408 | 500..=599 => DeliveryStatus::TemporaryFailure,
                        400..=499 => DeliveryStatus::PermanentFailure,
                        _ => DeliveryStatus::UnknownFailure,
                    };
                    assert_eq!(d.status, by_status);
                }
            }
        }
    }
});
