//! The SMS providers edge-otp delivers through. Each has a module with all
//! that is its own: its settings, the HTTP request it sends for an SMS, and
//! how its answers read. What they share is here: what an answer means in
//! Pinpoint's terms, the `DeliveryStatus`, `StatusCode` and `StatusMessage`
//! of a SendOtpMessage result. The host only makes the HTTP call and reports
//! what came back, or that nothing did.
//!
//! Status messages are made of our own words and the provider's error code
//! only: a provider's own error text can quote the request (an AWS signature
//! mismatch quotes the signed headers, session token included), so it never
//! reaches a client.

pub mod aws_sms;
pub mod twilio;
pub mod webhook;

use crate::error::{Error, Exception};
use crate::otp::Sms;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// Pinpoint's per-address delivery outcomes that a provider call can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum DeliveryStatus {
    /// The provider accepted the SMS, or the host kept it.
    Successful,
    /// The provider refused for now: too many messages.
    Throttled,
    /// Worth retrying: the provider is having trouble, or could not be reached.
    TemporaryFailure,
    /// Not worth retrying unchanged: bad number, refused credentials, opted out.
    PermanentFailure,
    /// An answer that says nothing either way.
    UnknownFailure,
}

/// A SendOtpMessage result for one address, in Pinpoint's member names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Delivery {
    /// Successful, or how the delivery failed.
    #[serde(rename = "DeliveryStatus")]
    pub status: DeliveryStatus,
    /// 200 when delivered, as Pinpoint answers; otherwise the provider's
    /// HTTP status, 504 for a timeout, 502 for no connection and 500 for a
    /// transport that failed.
    pub status_code: u16,
    /// `MessageId: …` when delivered; otherwise what happened, in our words and the provider's
    /// error code, never its error text.
    pub status_message: String,
}

/// A provider's settings as the host gives them; `kind` is its
/// `SMS_TRANSPORT` name. No `Debug`: they hold credentials. (JS objects are
/// read in two passes instead, see `src/wasm/provider.rs`; this derive reads
/// JSON and declares the type.)
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum ProviderSettings {
    /// An HTTP POST of the SMS as JSON to the operator's URL.
    Webhook(webhook::WebhookSettings),
    /// Twilio's Messages API.
    Twilio(twilio::TwilioSettings),
    /// AWS End User Messaging SMS (`SendTextMessage`).
    AwsSms(aws_sms::AwsSmsSettings),
}

/// A provider, its settings checked.
pub enum Provider {
    /// An HTTP POST of the SMS as JSON to the operator's URL.
    Webhook(webhook::Webhook),
    /// Twilio's Messages API.
    Twilio(twilio::Twilio),
    /// AWS End User Messaging SMS (`SendTextMessage`).
    AwsSms(aws_sms::AwsSms),
}

/// The HTTP request that delivers one SMS. No `Debug`: it holds credentials.
#[derive(Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct HttpRequest {
    /// `POST`, for every provider.
    pub method: &'static str,
    /// The full URL.
    pub url: String,
    /// Header names and values, credentials included.
    pub headers: Vec<(&'static str, String)>,
    /// The request body as bytes.
    #[serde(with = "serde_bytes")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Uint8Array"))]
    pub body: Vec<u8>,
}

/// What came back from one attempt to deliver an SMS. (Read from JS as
/// [`ProviderSettings`] are.)
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Answer {
    /// The provider's HTTP response.
    Http(HttpAnswer),
    /// No answer within the host's time limit.
    Timeout,
    /// No connection: refused, reset, DNS, TLS.
    NetworkError,
    /// A transport of the host's own threw.
    TransportError,
    /// The host kept the SMS itself under its message id, as the dev inbox does.
    Kept {
        /// The id the host kept it under.
        #[serde(rename = "messageId")]
        message_id: String,
    },
}

/// An HTTP response as received: headers as `[name, value]` pairs, and the
/// body as text.
#[derive(Debug, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct HttpAnswer {
    /// The HTTP status.
    pub status: u16,
    /// Headers as `[name, value]` pairs.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl HttpAnswer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as the provider's JSON document; a body that isn't one
    /// (an HTML error page) reads as an empty document.
    fn json<'a, T: Deserialize<'a> + Default>(&'a self) -> T {
        serde_json::from_str(&self.body).unwrap_or_default()
    }
}

/// A JSON member whose text may be quoted: a string's content, or a
/// number as written (Twilio's error codes are numbers).
fn member_text(raw: Option<&RawValue>) -> Option<String> {
    let text = raw?.get();
    if text.starts_with('"') {
        serde_json::from_str(text).ok()
    } else {
        Some(text.to_owned())
    }
}

/// What an HTTP answer says, once its provider has read it: the provider's
/// error code and its id for the message, when the answer had them.
#[derive(Debug, Default)]
struct Reply {
    status: u16,
    error_code: Option<String>,
    message_id: Option<String>,
}

impl Provider {
    /// Checks the settings; errors name the setting, never its value.
    pub fn new(settings: &ProviderSettings) -> Result<Provider, Error> {
        Ok(match settings {
            ProviderSettings::Webhook(s) => Provider::Webhook(webhook::Webhook::new(s)?),
            ProviderSettings::Twilio(s) => Provider::Twilio(twilio::Twilio::new(s)?),
            ProviderSettings::AwsSms(s) => Provider::AwsSms(aws_sms::AwsSms::new(s)?),
        })
    }

    /// The request that delivers `sms`; `now_ms` dates its signature.
    pub fn request(&self, sms: &Sms, now_ms: u64) -> Result<HttpRequest, Error> {
        match self {
            Provider::Webhook(p) => Ok(p.request(sms, now_ms)),
            Provider::Twilio(p) => Ok(p.request(sms)),
            Provider::AwsSms(p) => p.request(sms, now_ms),
        }
    }

    /// What `answer` means.
    pub fn result(&self, answer: &Answer) -> Delivery {
        result(Some(self), answer)
    }

    /// The provider's id of the message a delivery's `answer` sent, when
    /// the provider takes feedback on it (AWS End User Messaging SMS only).
    pub fn feedback_id(&self, answer: &Answer) -> Option<String> {
        match (self, answer) {
            (Provider::AwsSms(_), Answer::Http(http)) => aws_sms::sent_message_id(http),
            _ => None,
        }
    }

    /// Whether the provider takes feedback on the messages it sent.
    pub fn takes_feedback(&self) -> bool {
        matches!(self, Provider::AwsSms(_))
    }

    /// The request that reports the message `feedback_id` received, for a
    /// provider that takes feedback; None for the others.
    pub fn feedback_request(
        &self,
        feedback_id: &str,
        now_ms: u64,
    ) -> Option<Result<HttpRequest, Error>> {
        match self {
            Provider::AwsSms(p) => Some(p.feedback_request(feedback_id, now_ms)),
            Provider::Webhook(_) | Provider::Twilio(_) => None,
        }
    }

    /// How status messages name the provider.
    fn title(&self) -> &'static str {
        match self {
            Provider::Webhook(_) => webhook::TITLE,
            Provider::Twilio(_) => twilio::TITLE,
            Provider::AwsSms(_) => aws_sms::TITLE,
        }
    }

    fn read(&self, answer: &HttpAnswer) -> Reply {
        match self {
            Provider::Webhook(_) => Reply { status: answer.status, ..Reply::default() },
            Provider::Twilio(_) => twilio::read(answer),
            Provider::AwsSms(_) => aws_sms::read(answer),
        }
    }

    /// What a provider error code means whatever the HTTP status; None leaves
    /// the status to decide.
    fn status_of_code(&self, code: &str) -> Option<DeliveryStatus> {
        match self {
            Provider::Webhook(_) => None,
            Provider::Twilio(_) => twilio::status_of_code(code),
            Provider::AwsSms(_) => aws_sms::status_of_code(code),
        }
    }
}

/// How status messages name a transport of the host's own.
const HOST_TITLE: &str = "The SMS transport";

/// What `answer` means from `provider`, or, without one, from a transport of
/// the host's own (the dev inbox, or one the application wrote).
pub fn result(provider: Option<&Provider>, answer: &Answer) -> Delivery {
    use DeliveryStatus::*;
    let title = provider.map_or(HOST_TITLE, Provider::title);
    match answer {
        Answer::Http(http) => {
            let reply = match provider {
                Some(p) => p.read(http),
                None => Reply { status: http.status, ..Reply::default() },
            };
            meaning(provider, reply)
        }
        Answer::Kept { message_id } => delivered(title, Some(message_id)),
        // The provider may still send it; the caller can't know, and the
        // code is withdrawn either way, so a retry is the way on.
        Answer::Timeout => {
            failure(TemporaryFailure, 504, format!("{title} did not answer in time."))
        }
        Answer::NetworkError => {
            failure(TemporaryFailure, 502, format!("{title} could not be reached."))
        }
        Answer::TransportError => failure(UnknownFailure, 500, format!("{title} failed.")),
    }
}

/// The longest provider code or message id quoted in a status message.
const MAX_QUOTED: usize = 64;

/// What an HTTP reply means: its provider's error code decides when it has
/// a meaning of its own, otherwise its status does.
fn meaning(provider: Option<&Provider>, reply: Reply) -> Delivery {
    use DeliveryStatus::*;
    let title = provider.map_or(HOST_TITLE, Provider::title);
    let status = reply.status;
    if (200..300).contains(&status) {
        return delivered(title, reply.message_id.as_deref());
    }
    let code = reply.error_code.as_deref().and_then(clean_code);
    let by_code = code.as_deref().and_then(|c| provider?.status_of_code(c));
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

/// Delivered, as Pinpoint reports it: 200, and the message id when there is
/// one fit to quote.
fn delivered(title: &str, message_id: Option<&str>) -> Delivery {
    let message = match message_id.and_then(|id| quotable(id.trim())) {
        Some(id) => format!("MessageId: {id}"),
        None => format!("{title} accepted the message."),
    };
    Delivery { status: DeliveryStatus::Successful, status_code: 200, status_message: message }
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

/// `text` if it is short and plain enough to put in a message, else None.
fn quotable(text: &str) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    (!text.is_empty() && text.len() <= MAX_QUOTED && text.chars().all(plain))
        .then(|| text.to_owned())
}

// ---------------------------------------------------------------------------
// Settings

/// A deployment that can't deliver is misconfigured: an internal error, as
/// for the OTP secret, whose message names the setting and never its value.
fn setting_error(message: String) -> Error {
    Error::new(Exception::InternalServerError, message)
}

/// A text setting: undefined or null reads as empty, which [`required`]
/// refuses naming the setting (serde names an absent one).
fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// A setting the provider can't do without.
fn required(name: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(setting_error(format!("{name} is not set.")));
    }
    Ok(())
}

/// An absolute http(s) URL setting, split as requests and signatures need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// `scheme://host[:port]`, lowercase, without a default port.
    origin: String,
    /// What goes in the Host header.
    host: String,
    /// From the first `/`, as given (percent-encoded).
    path: String,
    /// After the `?`, as given; the fragment is dropped, as fetch drops it.
    query: String,
}

impl Url {
    /// `name` names the setting in the error, which never repeats the text
    /// (a webhook URL can hold a token). Only plain ASCII URLs are taken, so
    /// what is signed here is what fetch sends.
    pub fn parse(name: &str, text: &str) -> Result<Url, Error> {
        let bad = || setting_error(format!("{name} must be an absolute http or https URL."));
        let (scheme, rest) = text.split_once("://").ok_or_else(bad)?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => "80",
            "https" => "443",
            _ => return Err(bad()),
        };
        let (authority, rest) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
        let authority = authority.to_ascii_lowercase();
        // A port follows the last ':' unless that is inside an IPv6 literal.
        let (host, port) = match authority.rfind(':') {
            Some(i) if !authority[i..].contains(']') => {
                (&authority[..i], Some(&authority[i + 1..]))
            }
            _ => (authority.as_str(), None),
        };
        let host_char =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
        let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let rest = rest.split('#').next().unwrap_or_default();
        let path_char = |c: char| c.is_ascii_graphic() && c != '\\';
        if host.is_empty()
            || !host.chars().all(host_char)
            || !port_ok
            || !rest.chars().all(path_char)
        {
            return Err(bad());
        }
        let host = match port {
            Some(port) if port != default_port => format!("{host}:{port}"),
            _ => host.to_owned(),
        };
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        Ok(Url {
            origin: format!("{scheme}://{host}"),
            host,
            path: if path.is_empty() { "/".into() } else { path.into() },
            query: query.into(),
        })
    }

    /// The URL as text: origin, path and query when there is one.
    pub fn href(&self) -> String {
        let Url { origin, path, query, .. } = self;
        if query.is_empty() {
            format!("{origin}{path}")
        } else {
            format!("{origin}{path}?{query}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DeliveryStatus::*;
    use super::*;

    /// An SMS as a send makes it.
    pub(super) fn sms(body: &str) -> Sms {
        Sms {
            message_id: "2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c".into(),
            to: "+12065550007".into(),
            from: "+18555550142".into(),
            origination_kind: crate::identity::OriginationKind::PhoneNumber,
            body: body.into(),
            encoding: crate::sms::Encoding::Gsm7,
            segments: 1,
            entity_id: None,
            template_id: None,
        }
    }

    /// One provider of each kind, with settings that pass.
    pub(super) fn all() -> [Provider; 3] {
        [webhook::tests::provider(None), twilio::tests::provider(), aws_sms::tests::provider(None)]
    }

    fn http(status: u16, code: Option<&str>) -> Reply {
        Reply { status, error_code: code.map(str::to_owned), message_id: None }
    }

    fn delivery(provider: &Provider, reply: Reply) -> Delivery {
        meaning(Some(provider), reply)
    }

    fn outcome(provider: &Provider, reply: Reply) -> (DeliveryStatus, u16) {
        let d = delivery(provider, reply);
        (d.status, d.status_code)
    }

    fn twilio() -> Provider {
        twilio::tests::provider()
    }

    fn aws_sms() -> Provider {
        aws_sms::tests::provider(None)
    }

    fn webhook() -> Provider {
        webhook::tests::provider(None)
    }

    #[test]
    fn any_2xx_is_delivered_and_reported_as_pinpoint_does() {
        for status in [200, 201, 202, 204] {
            let reply = Reply { status, error_code: None, message_id: Some("SM0123abc".into()) };
            assert_eq!(
                delivery(&twilio(), reply),
                Delivery {
                    status: Successful,
                    status_code: 200,
                    status_message: "MessageId: SM0123abc".into()
                }
            );
        }
        let d = delivery(&webhook(), http(204, None));
        assert_eq!(d.status_message, "The SMS webhook accepted the message.");
    }

    #[test]
    fn http_statuses_map_when_no_code_decides() {
        for provider in all() {
            let provider = &provider;
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
        let d = twilio().result(&Answer::Timeout);
        assert_eq!((d.status, d.status_code), (TemporaryFailure, 504));
        assert_eq!(d.status_message, "Twilio did not answer in time.");
        let d = aws_sms().result(&Answer::NetworkError);
        assert_eq!((d.status, d.status_code), (TemporaryFailure, 502));
        assert_eq!(d.status_message, "AWS End User Messaging SMS could not be reached.");
    }

    #[test]
    fn aws_exception_names_decide_over_the_status() {
        // The JSON protocol answers throttling with 400.
        let d = delivery(&aws_sms(), http(400, Some("ThrottlingException")));
        assert_eq!((d.status, d.status_code), (Throttled, 400));
        assert_eq!(
            d.status_message,
            "AWS End User Messaging SMS is throttling messages (HTTP 400, ThrottlingException); \
             try again later."
        );
        let qualified = "com.amazonaws.pinpointsmsvoicev2#ServiceQuotaExceededException";
        assert_eq!(outcome(&aws_sms(), http(402, Some(qualified))), (Throttled, 402));
        let with_uri = "InternalServerException:http://internal.amazon.com/coral/";
        assert_eq!(outcome(&aws_sms(), http(500, Some(with_uri))), (TemporaryFailure, 500));
        let d = delivery(&aws_sms(), http(409, Some("ConflictException")));
        assert_eq!(d.status, PermanentFailure);
        assert_eq!(
            d.status_message,
            "AWS End User Messaging SMS refused the message (HTTP 409, ConflictException)."
        );
        // Unknown names fall back to the status, and are still quoted.
        let d = delivery(&aws_sms(), http(503, Some("SomeNewException")));
        assert_eq!(d.status, TemporaryFailure);
        assert!(d.status_message.contains("HTTP 503, SomeNewException"));
    }

    #[test]
    fn twilio_codes_decide_over_the_status() {
        assert_eq!(outcome(&twilio(), http(400, Some("14107"))), (Throttled, 400));
        assert_eq!(outcome(&twilio(), http(429, Some("20429"))), (Throttled, 429));
        assert_eq!(outcome(&twilio(), http(400, Some("21211"))), (PermanentFailure, 400));
        assert_eq!(outcome(&twilio(), http(500, Some("20500"))), (TemporaryFailure, 500));
        // A code is only a Twilio code from Twilio.
        assert_eq!(outcome(&webhook(), http(400, Some("14107"))), (PermanentFailure, 400));
        assert_eq!(outcome(&twilio(), http(400, Some("ThrottlingException"))).0, PermanentFailure);
    }

    #[test]
    fn refused_credentials_are_named_without_quoting_them() {
        let d = delivery(&twilio(), http(401, None));
        assert_eq!(d.status_message, "Twilio refused the credentials it was given (HTTP 401).");
        let d = delivery(&twilio(), http(401, Some("20003")));
        assert_eq!(d.status_message, "Twilio refused the message (HTTP 401, 20003).");
    }

    #[test]
    fn provider_text_is_quoted_only_when_short_and_plain() {
        let secretish = "The Canonical String should have been POST / x-amz-security-token:abc";
        let d = delivery(&aws_sms(), http(403, Some(secretish)));
        assert_eq!(
            d.status_message,
            "AWS End User Messaging SMS refused the credentials it was given (HTTP 403)."
        );
        let long = "A".repeat(MAX_QUOTED + 1);
        let d = delivery(&webhook(), http(500, Some(&long)));
        assert!(!d.status_message.contains(&long));
        let reply =
            Reply { status: 200, error_code: None, message_id: Some("id\nInjected: 1".into()) };
        assert_eq!(
            delivery(&webhook(), reply).status_message,
            "The SMS webhook accepted the message."
        );
    }

    #[test]
    fn provider_kinds_are_the_sms_transport_names() {
        for (settings, title) in [
            (r#"{"kind": "webhook", "url": "https://x"}"#, webhook::TITLE),
            (r#"{"kind": "twilio", "accountSid": "AC1", "authToken": "t"}"#, twilio::TITLE),
            (
                r#"{"kind": "aws-sms", "region": "r", "accessKeyId": "a", "secretAccessKey": "s"}"#,
                aws_sms::TITLE,
            ),
        ] {
            let settings: ProviderSettings = serde_json::from_str(settings).unwrap();
            assert_eq!(Provider::new(&settings).unwrap().title(), title);
        }
        assert!(serde_json::from_str::<ProviderSettings>(r#"{"kind": "dev"}"#).is_err());
        assert_eq!(serde_json::to_value(Successful).unwrap(), "SUCCESSFUL");
        assert_eq!(serde_json::to_value(UnknownFailure).unwrap(), "UNKNOWN_FAILURE");
    }

    #[test]
    fn the_hosts_own_transports_get_their_results_here_too() {
        let kept = Answer::Kept { message_id: "2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c".into() };
        assert_eq!(
            result(None, &kept),
            Delivery {
                status: Successful,
                status_code: 200,
                status_message: "MessageId: 2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c".into()
            }
        );
        assert_eq!(
            result(None, &Answer::TransportError),
            Delivery {
                status: UnknownFailure,
                status_code: 500,
                status_message: "The SMS transport failed.".into()
            }
        );
    }

    #[test]
    fn answers_read_from_the_hosts_objects() {
        let answer: Answer = serde_json::from_str(
            r#"{"kind": "http", "status": 429, "headers": [["retry-after", "1"]], "body": ""}"#,
        )
        .unwrap();
        assert_eq!(outcome_of(&answer), (Throttled, 429));
        for (kind, status) in [("timeout", 504), ("network-error", 502), ("transport-error", 500)] {
            let answer: Answer = serde_json::from_str(&format!(r#"{{"kind": "{kind}"}}"#)).unwrap();
            assert_eq!(outcome_of(&answer).1, status);
        }
        let kept: Answer = serde_json::from_str(r#"{"kind": "kept", "messageId": "m1"}"#).unwrap();
        assert_eq!(result(None, &kept).status_message, "MessageId: m1");
    }

    fn outcome_of(answer: &Answer) -> (DeliveryStatus, u16) {
        let d = webhook().result(answer);
        (d.status, d.status_code)
    }

    #[test]
    fn url_settings_are_plain_absolute_http_urls() {
        let url = Url::parse("U", "HTTPS://Example.COM:443/a%20b/c?x=1&y=2#frag").unwrap();
        assert_eq!(url.host, "example.com");
        assert_eq!((url.path.as_str(), url.query.as_str()), ("/a%20b/c", "x=1&y=2"));
        assert_eq!(url.href(), "https://example.com/a%20b/c?x=1&y=2");
        let url = Url::parse("U", "http://127.0.0.1:8787").unwrap();
        assert_eq!(
            (url.host.as_str(), url.href().as_str()),
            ("127.0.0.1:8787", "http://127.0.0.1:8787/")
        );
        assert_eq!(Url::parse("U", "http://[::1]:80/x").unwrap().host, "[::1]");
        for bad in [
            "not a url",
            "ftp://hooks.example/T0KEN-SECRET",
            "https://",
            "https://user:T0KEN@example.com/",
            "https://example.com:/",
            "https://example.com:44x/",
            "https://exa mple.com/",
            "https://example.com/a b",
            "https://example.com/\u{e9}",
            "https://example.com\\x",
            " https://example.com/",
        ] {
            let e = Url::parse("SMS_WEBHOOK_URL", bad).unwrap_err();
            assert_eq!(e.message, "SMS_WEBHOOK_URL must be an absolute http or https URL.");
            assert_eq!(e.exception, Exception::InternalServerError);
        }
    }
}
