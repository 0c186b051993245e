//! What an SMS provider's answer means in Pinpoint's terms: the
//! `DeliveryStatus`, `StatusCode` and `StatusMessage` of a SendOtpMessage
//! result. The host makes the HTTP call and reports what came back (a status
//! and the provider's error code, or no answer at all); the meaning is here.
//!
//! Status messages are made of our own words and the provider's error code
//! only: a provider's own error text can quote the request (an AWS signature
//! mismatch quotes the signed headers, session token included), so it never
//! reaches a client.

/// Pinpoint's per-address delivery outcomes that a provider call can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum DeliveryStatus {
    Successful,
    Throttled,
    /// Worth retrying: the provider is having trouble, or could not be reached.
    TemporaryFailure,
    /// Not worth retrying unchanged: bad number, refused credentials, opted out.
    PermanentFailure,
    /// An answer that says nothing either way.
    UnknownFailure,
}

impl DeliveryStatus {
    pub fn name(self) -> &'static str {
        match self {
            DeliveryStatus::Successful => "SUCCESSFUL",
            DeliveryStatus::Throttled => "THROTTLED",
            DeliveryStatus::TemporaryFailure => "TEMPORARY_FAILURE",
            DeliveryStatus::PermanentFailure => "PERMANENT_FAILURE",
            DeliveryStatus::UnknownFailure => "UNKNOWN_FAILURE",
        }
    }
}

/// The providers edge-otp delivers through, each with its own error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    /// A POST of the SMS as JSON to the operator's own URL.
    Webhook,
    /// Twilio's Messages API; error codes are numbers (`{"code": 21211}`).
    Twilio,
    /// AWS End User Messaging SMS (`SendTextMessage`); error codes are
    /// exception names (`ThrottlingException`).
    AwsSms,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Webhook, Provider::Twilio, Provider::AwsSms];

    /// The name configuration uses (`SMS_TRANSPORT`).
    pub fn name(self) -> &'static str {
        match self {
            Provider::Webhook => "webhook",
            Provider::Twilio => "twilio",
            Provider::AwsSms => "aws-sms",
        }
    }

    pub fn from_name(name: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.name() == name)
    }

    /// How status messages name the provider.
    fn title(self) -> &'static str {
        match self {
            Provider::Webhook => "The SMS webhook",
            Provider::Twilio => "Twilio",
            Provider::AwsSms => "AWS End User Messaging SMS",
        }
    }

    /// What a provider error code means whatever the HTTP status; None leaves
    /// the status to decide.
    fn status_of_code(self, code: &str) -> Option<DeliveryStatus> {
        use DeliveryStatus::*;
        match (self, code) {
            // https://www.twilio.com/docs/api/errors
            (Provider::Twilio, "20429" | "14107" | "30001") => Some(Throttled),
            (Provider::Twilio, "20500" | "20503") => Some(TemporaryFailure),
            (
                Provider::Twilio,
                "20003" | "20404" | "21211" | "21212" | "21408" | "21610" | "21614",
            ) => Some(PermanentFailure),
            // The JSON protocol's exception names for SendTextMessage and
            // for every AWS endpoint (signatures, tokens).
            (
                Provider::AwsSms,
                "ThrottlingException"
                | "ServiceQuotaExceededException"
                | "TooManyRequestsException",
            ) => Some(Throttled),
            (Provider::AwsSms, "InternalServerException" | "ServiceUnavailableException") => {
                Some(TemporaryFailure)
            }
            (
                Provider::AwsSms,
                "ValidationException"
                | "ConflictException"
                | "ResourceNotFoundException"
                | "AccessDeniedException"
                | "UnrecognizedClientException"
                | "InvalidSignatureException"
                | "IncompleteSignature"
                | "MissingAuthenticationTokenException"
                | "ExpiredTokenException",
            ) => Some(PermanentFailure),
            _ => None,
        }
    }
}

/// What came back from one call to a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer<'a> {
    /// An HTTP response, with the provider's error code and its id for the
    /// message when the body had them (raw: they are cleaned here).
    Http { status: u16, error_code: Option<&'a str>, message_id: Option<&'a str> },
    /// No answer within the host's time limit.
    Timeout,
    /// No connection: refused, reset, DNS, TLS.
    NetworkError,
}

/// A SendOtpMessage result for one address, in Pinpoint's member names.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Delivery {
    #[serde(rename = "DeliveryStatus")]
    pub status: DeliveryStatus,
    /// 200 when delivered, as Pinpoint answers; otherwise the provider's
    /// HTTP status, 504 for a timeout and 502 for no connection.
    pub status_code: u16,
    pub status_message: String,
}

/// The longest provider code or message id quoted in a status message.
const MAX_QUOTED: usize = 64;

/// The meaning of `answer` from `provider`.
pub fn delivery(provider: Provider, answer: Answer) -> Delivery {
    use DeliveryStatus::*;
    let title = provider.title();
    let (status, code) = match answer {
        Answer::Timeout => {
            // The provider may still send it; the caller can't know, and the
            // code is withdrawn either way, so a retry is the way on.
            return failure(TemporaryFailure, 504, format!("{title} did not answer in time."));
        }
        Answer::NetworkError => {
            return failure(TemporaryFailure, 502, format!("{title} could not be reached."));
        }
        Answer::Http { status, error_code, message_id } => {
            if (200..300).contains(&status) {
                let message = match message_id.and_then(clean_message_id) {
                    Some(id) => format!("MessageId: {id}"),
                    None => format!("{title} accepted the message."),
                };
                return Delivery { status: Successful, status_code: 200, status_message: message };
            }
            (status, error_code.and_then(clean_code))
        }
    };
    let by_code = code.as_deref().and_then(|c| provider.status_of_code(c));
    let outcome = by_code.unwrap_or(match status {
        429 => Throttled,
        408 | 500..=599 => TemporaryFailure,
        400..=499 => PermanentFailure,
        _ => UnknownFailure,
    });
    let detail = match &code {
        Some(code) => format!("HTTP {status}, {code}"),
        None => format!("HTTP {status}"),
    };
    let message = match outcome {
        Throttled => format!("{title} is throttling messages ({detail}); try again later."),
        TemporaryFailure => format!("{title} failed for now ({detail}); try again later."),
        PermanentFailure if by_code.is_none() && matches!(status, 401 | 403) => {
            format!("{title} refused the credentials it was given ({detail}).")
        }
        PermanentFailure => format!("{title} refused the message ({detail})."),
        UnknownFailure | Successful => {
            format!("{title} answered in a way that does not say whether it sent the message ({detail}).")
        }
    };
    failure(outcome, status, message)
}

fn failure(status: DeliveryStatus, status_code: u16, message: String) -> Delivery {
    Delivery { status, status_code, status_message: message }
}

/// An error code as it may be quoted: AWS's `namespace#Name:uri` forms reduced
/// to the name, nothing but letters, digits, `_`, `.` and `-`, and bounded.
fn clean_code(raw: &str) -> Option<String> {
    let name = raw.rsplit('#').next().unwrap_or(raw);
    let name = name.split(':').next().unwrap_or(name).trim();
    quotable(name)
}

fn clean_message_id(raw: &str) -> Option<String> {
    quotable(raw.trim())
}

/// `text` if it is short and plain enough to put in a message, else None.
fn quotable(text: &str) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    (!text.is_empty() && text.len() <= MAX_QUOTED && text.chars().all(plain))
        .then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::DeliveryStatus::*;
    use super::*;

    fn http<'a>(status: u16, code: Option<&'a str>) -> Answer<'a> {
        Answer::Http { status, error_code: code, message_id: None }
    }

    fn outcome(provider: Provider, answer: Answer) -> (DeliveryStatus, u16) {
        let d = delivery(provider, answer);
        (d.status, d.status_code)
    }

    #[test]
    fn any_2xx_is_delivered_and_reported_as_pinpoint_does() {
        for status in [200, 201, 202, 204] {
            let answer = Answer::Http { status, error_code: None, message_id: Some("SM0123abc") };
            assert_eq!(
                delivery(Provider::Twilio, answer),
                Delivery {
                    status: Successful,
                    status_code: 200,
                    status_message: "MessageId: SM0123abc".into()
                }
            );
        }
        let d = delivery(Provider::Webhook, http(204, None));
        assert_eq!(d.status_message, "The SMS webhook accepted the message.");
    }

    #[test]
    fn http_statuses_map_when_no_code_decides() {
        for provider in Provider::ALL {
            assert_eq!(outcome(provider, http(429, None)), (Throttled, 429));
            assert_eq!(outcome(provider, http(408, None)), (TemporaryFailure, 408));
            for status in [500, 502, 503, 504, 599] {
                assert_eq!(outcome(provider, http(status, None)), (TemporaryFailure, status));
            }
            for status in [400, 401, 403, 404, 409, 422] {
                assert_eq!(outcome(provider, http(status, None)), (PermanentFailure, status));
            }
            for status in [100, 301, 302, 304, 0, 600] {
                assert_eq!(outcome(provider, http(status, None)), (UnknownFailure, status));
            }
        }
    }

    #[test]
    fn no_answer_is_a_temporary_failure() {
        let d = delivery(Provider::Twilio, Answer::Timeout);
        assert_eq!((d.status, d.status_code), (TemporaryFailure, 504));
        assert_eq!(d.status_message, "Twilio did not answer in time.");
        let d = delivery(Provider::AwsSms, Answer::NetworkError);
        assert_eq!((d.status, d.status_code), (TemporaryFailure, 502));
        assert_eq!(d.status_message, "AWS End User Messaging SMS could not be reached.");
    }

    #[test]
    fn aws_exception_names_decide_over_the_status() {
        // The JSON protocol answers throttling with 400.
        let d = delivery(Provider::AwsSms, http(400, Some("ThrottlingException")));
        assert_eq!((d.status, d.status_code), (Throttled, 400));
        assert_eq!(
            d.status_message,
            "AWS End User Messaging SMS is throttling messages (HTTP 400, ThrottlingException); \
             try again later."
        );
        let qualified = "com.amazonaws.pinpointsmsvoicev2#ServiceQuotaExceededException";
        assert_eq!(outcome(Provider::AwsSms, http(402, Some(qualified))), (Throttled, 402));
        let with_uri = "InternalServerException:http://internal.amazon.com/coral/";
        assert_eq!(outcome(Provider::AwsSms, http(500, Some(with_uri))), (TemporaryFailure, 500));
        let d = delivery(Provider::AwsSms, http(409, Some("ConflictException")));
        assert_eq!(d.status, PermanentFailure);
        assert_eq!(
            d.status_message,
            "AWS End User Messaging SMS refused the message (HTTP 409, ConflictException)."
        );
        // Unknown names fall back to the status, and are still quoted.
        let d = delivery(Provider::AwsSms, http(503, Some("SomeNewException")));
        assert_eq!(d.status, TemporaryFailure);
        assert!(d.status_message.contains("HTTP 503, SomeNewException"));
    }

    #[test]
    fn twilio_codes_decide_over_the_status() {
        assert_eq!(outcome(Provider::Twilio, http(400, Some("14107"))), (Throttled, 400));
        assert_eq!(outcome(Provider::Twilio, http(429, Some("20429"))), (Throttled, 429));
        assert_eq!(outcome(Provider::Twilio, http(400, Some("21211"))), (PermanentFailure, 400));
        assert_eq!(outcome(Provider::Twilio, http(500, Some("20500"))), (TemporaryFailure, 500));
        // A code is only a Twilio code from Twilio.
        assert_eq!(outcome(Provider::Webhook, http(400, Some("14107"))), (PermanentFailure, 400));
        assert_eq!(
            outcome(Provider::Twilio, http(400, Some("ThrottlingException"))).0,
            PermanentFailure
        );
    }

    #[test]
    fn refused_credentials_are_named_without_quoting_them() {
        let d = delivery(Provider::Twilio, http(401, None));
        assert_eq!(d.status_message, "Twilio refused the credentials it was given (HTTP 401).");
        let d = delivery(Provider::Twilio, http(401, Some("20003")));
        assert_eq!(d.status_message, "Twilio refused the message (HTTP 401, 20003).");
    }

    #[test]
    fn provider_text_is_quoted_only_when_short_and_plain() {
        let secretish = "The Canonical String should have been POST / x-amz-security-token:abc";
        let d = delivery(Provider::AwsSms, http(403, Some(secretish)));
        assert_eq!(
            d.status_message,
            "AWS End User Messaging SMS refused the credentials it was given (HTTP 403)."
        );
        let long = "A".repeat(MAX_QUOTED + 1);
        let d = delivery(Provider::Webhook, http(500, Some(&long)));
        assert!(!d.status_message.contains(&long));
        let answer =
            Answer::Http { status: 200, error_code: None, message_id: Some("id\nInjected: 1") };
        assert_eq!(
            delivery(Provider::Webhook, answer).status_message,
            "The SMS webhook accepted the message."
        );
    }

    #[test]
    fn provider_names_round_trip() {
        for provider in Provider::ALL {
            assert_eq!(Provider::from_name(provider.name()), Some(provider));
        }
        assert_eq!(Provider::from_name("dev"), None);
        assert_eq!(Successful.name(), "SUCCESSFUL");
        assert_eq!(UnknownFailure.name(), "UNKNOWN_FAILURE");
    }
}
