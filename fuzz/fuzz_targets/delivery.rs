//! A provider's answer as Pinpoint's delivery result: any provider, status,
//! headers and body (the provider's own document, read as JSON when it is
//! one). Only a 2xx is delivered; the status message is our own plain words,
//! quoting at most a cleaned code or id, never raw provider text.
#![no_main]

use arbitrary::Arbitrary;
use edge_otp::provider::{result, Answer, DeliveryStatus, HttpAnswer, Provider, ProviderSettings};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Outcome {
    Http { status: u16, headers: Vec<(String, String)>, body: String },
    Timeout,
    NetworkError,
    TransportError,
}

const SETTINGS: [&str; 3] = [
    r#"{"kind": "twilio", "accountSid": "AC0123456789abcdef0123456789abcdef", "authToken": "token"}"#,
    r#"{"kind": "aws-sms", "region": "us-east-1", "accessKeyId": "AKID", "secretAccessKey": "secret"}"#,
    r#"{"kind": "webhook", "url": "https://hooks.example/sms", "secret": "s"}"#,
];

fuzz_target!(|input: (u8, Outcome)| {
    // A provider, or none (a transport of the host's own).
    let choice = usize::from(input.0) % (SETTINGS.len() + 1);
    let provider = SETTINGS.get(choice).map(|json| {
        let settings: ProviderSettings = serde_json::from_str(json).expect("the settings read");
        Provider::new(&settings).expect("the settings are valid")
    });
    let answer = match input.1 {
        Outcome::Http { status, headers, body } => {
            Answer::Http(HttpAnswer { status, headers, body })
        }
        Outcome::Timeout => Answer::Timeout,
        Outcome::NetworkError => Answer::NetworkError,
        Outcome::TransportError => Answer::TransportError,
    };
    let d = result(provider.as_ref(), &answer);
    let message = &d.status_message;
    assert!(message.chars().all(|c| c.is_ascii_graphic() || c == ' '), "{message:?}");
    assert!(message.len() <= 200, "{message:?}");
    match &answer {
        Answer::Timeout => {
            assert_eq!((d.status, d.status_code), (DeliveryStatus::TemporaryFailure, 504))
        }
        Answer::NetworkError => {
            assert_eq!((d.status, d.status_code), (DeliveryStatus::TemporaryFailure, 502))
        }
        Answer::TransportError => {
            assert_eq!((d.status, d.status_code), (DeliveryStatus::UnknownFailure, 500))
        }
        Answer::Http(http) => {
            if (200..300).contains(&http.status) {
                assert_eq!((d.status, d.status_code), (DeliveryStatus::Successful, 200));
            } else {
                assert_ne!(d.status, DeliveryStatus::Successful);
                assert_eq!(d.status_code, http.status);
                assert!(message.contains(&format!("HTTP {}", http.status)), "{message}");
            }
        }
        _ => {}
    }
});
