//! AWS End User Messaging SMS: `SendTextMessage` of PinpointSMSVoiceV2 in
//! the JSON protocol, signed with SigV4 for `sms-voice` by the crate's own
//! signer. Errors name their exception in `x-amzn-ErrorType` or in the
//! body's `__type`; a sent message answers its `MessageId`, to which
//! `PutMessageFeedback` later reports that the code was received.

use super::{required, DeliveryStatus, HttpAnswer, HttpRequest, Reply, Url};
use crate::error::{Error, Exception};
use crate::otp::Sms;
use crate::sigv4;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// How status messages name this provider.
pub const TITLE: &str = "AWS End User Messaging SMS";
const SERVICE: &str = "sms-voice";
const TARGET: &str = "PinpointSMSVoiceV2.SendTextMessage";
const FEEDBACK_TARGET: &str = "PinpointSMSVoiceV2.PutMessageFeedback";
const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// No `Debug`: it holds credentials.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct AwsSmsSettings {
    /// e.g. us-east-1
    #[serde(deserialize_with = "super::text")]
    pub region: String,
    /// The access key ID of the credentials that sign each request.
    #[serde(deserialize_with = "super::text")]
    pub access_key_id: String,
    /// Its secret access key.
    #[serde(deserialize_with = "super::text")]
    pub secret_access_key: String,
    /// For temporary credentials.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub session_token: Option<String>,
    /// Replaces `https://sms-voice.{region}.amazonaws.com` (tests, VPC endpoints).
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub endpoint: Option<String>,
}

/// AWS End User Messaging SMS, its settings checked and its endpoint parsed.
pub struct AwsSms {
    url: Url,
    settings: AwsSmsSettings,
}

impl AwsSms {
    /// Checks the settings: region, access key ID and secret access key are required, the region
    /// must look like one.
    pub fn new(s: &AwsSmsSettings) -> Result<AwsSms, Error> {
        required("region", &s.region)?;
        required("accessKeyId", &s.access_key_id)?;
        required("secretAccessKey", &s.secret_access_key)?;
        let region_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if !s.region.chars().all(region_char) {
            return Err(super::setting_error(
                "region must be an AWS region, such as us-east-1.".into(),
            ));
        }
        let default = format!("https://sms-voice.{}.amazonaws.com", s.region);
        let url = Url::parse("The AWS SMS endpoint", s.endpoint.as_deref().unwrap_or(&default))?;
        let session_token = s.session_token.clone().filter(|t| !t.is_empty());
        Ok(AwsSms { url, settings: AwsSmsSettings { session_token, ..s.clone() } })
    }

    /// The signed `SendTextMessage` request that delivers `sms`; `now_ms` dates its signature.
    pub fn request(&self, sms: &Sms, now_ms: u64) -> Result<HttpRequest, Error> {
        // India's DLT registration, where this API expects it.
        let india = (sms.entity_id.is_some() || sms.template_id.is_some()).then_some(
            DestinationCountryParameters {
                entity_id: sms.entity_id.as_deref(),
                template_id: sms.template_id.as_deref(),
            },
        );
        let body = serde_json::to_vec(&SendTextMessage {
            destination_phone_number: &sms.to,
            origination_identity: &sms.from,
            message_body: &sms.body,
            message_type: "TRANSACTIONAL",
            destination_country_parameters: india,
        })
        .expect("strings serialize");
        self.signed(TARGET, body, now_ms)
    }

    /// The signed `PutMessageFeedback` request that tells AWS the message
    /// `message_id` (what `SendTextMessage` answered) was received: its code
    /// was verified, so AWS's own filtering learns from our conversions.
    pub fn feedback_request(&self, message_id: &str, now_ms: u64) -> Result<HttpRequest, Error> {
        if message_id_of(Some(message_id.to_owned())).is_none() {
            return Err(Error::new(
                Exception::InternalServerError,
                "A message id for PutMessageFeedback must be 1 to 64 of A-Z a-z 0-9 _ : / -",
            ));
        }
        let body = serde_json::to_vec(&PutMessageFeedback {
            message_id,
            message_feedback_status: "RECEIVED",
        })
        .expect("strings serialize");
        self.signed(FEEDBACK_TARGET, body, now_ms)
    }

    /// A JSON 1.0 request of `target` with `body`, signed at `now_ms`.
    fn signed(&self, target: &str, body: Vec<u8>, now_ms: u64) -> Result<HttpRequest, Error> {
        let headers = [("content-type", CONTENT_TYPE), ("x-amz-target", target)];
        let s = &self.settings;
        let signature = sigv4::sign(
            &sigv4::Request {
                method: "POST",
                path: &self.url.path,
                query: &self.url.query,
                headers: &headers,
                body: &body,
            },
            &self.url.host,
            &sigv4::SigningParams {
                access_key_id: &s.access_key_id,
                secret_access_key: &s.secret_access_key,
                session_token: s.session_token.as_deref(),
                region: &s.region,
                service: SERVICE,
                amz_date: &sigv4::amz_date_from_ms(now_ms),
                normalize_path: true,
            },
        )?;
        Ok(HttpRequest {
            method: "POST",
            url: self.url.href(),
            headers: [
                ("content-type", CONTENT_TYPE.to_owned()),
                ("x-amz-target", target.to_owned()),
            ]
            .into_iter()
            .chain(signature)
            .collect(),
            body,
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendTextMessage<'a> {
    destination_phone_number: &'a str,
    origination_identity: &'a str,
    message_body: &'a str,
    message_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    destination_country_parameters: Option<DestinationCountryParameters<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PutMessageFeedback<'a> {
    message_id: &'a str,
    message_feedback_status: &'a str,
}

#[derive(Serialize)]
struct DestinationCountryParameters<'a> {
    #[serde(rename = "IN_ENTITY_ID", skip_serializing_if = "Option::is_none")]
    entity_id: Option<&'a str>,
    #[serde(rename = "IN_TEMPLATE_ID", skip_serializing_if = "Option::is_none")]
    template_id: Option<&'a str>,
}

/// AWS's answer document: a sent message or an exception.
#[derive(Default, Deserialize)]
struct Answer<'a> {
    #[serde(rename = "MessageId", borrow)]
    message_id: Option<&'a RawValue>,
    #[serde(rename = "__type", borrow)]
    error_type: Option<&'a RawValue>,
}

pub(super) fn read(answer: &HttpAnswer) -> Reply {
    let json: Answer = answer.json();
    let error_code = match answer.header("x-amzn-errortype") {
        Some(name) => Some(name.to_owned()),
        None => super::member_text(json.error_type),
    };
    Reply { status: answer.status, error_code, message_id: super::member_text(json.message_id) }
}

/// The `MessageId` of an answer that sent a message, when it is one
/// `PutMessageFeedback` takes (the model's `[A-Za-z0-9_:/-]{1,64}`).
pub(super) fn sent_message_id(answer: &HttpAnswer) -> Option<String> {
    if !(200..300).contains(&answer.status) {
        return None;
    }
    message_id_of(read(answer).message_id)
}

fn message_id_of(id: Option<String>) -> Option<String> {
    id.filter(|id| {
        (1..=64).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"_:/-".contains(&b))
    })
}

/// The JSON protocol's exception names for SendTextMessage and for every
/// AWS endpoint (signatures, tokens).
pub(super) fn status_of_code(code: &str) -> Option<DeliveryStatus> {
    use DeliveryStatus::*;
    match code {
        "ThrottlingException" | "ServiceQuotaExceededException" | "TooManyRequestsException" => {
            Some(Throttled)
        }
        "InternalServerException" | "ServiceUnavailableException" => Some(TemporaryFailure),
        "ValidationException"
        | "ConflictException"
        | "ResourceNotFoundException"
        | "AccessDeniedException"
        | "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "IncompleteSignature"
        | "MissingAuthenticationTokenException"
        | "ExpiredTokenException" => Some(PermanentFailure),
        _ => None,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::tests::sms;
    use super::super::{Answer, Provider, ProviderSettings};
    use super::*;

    pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE0123456789";
    pub const SECRET_ACCESS_KEY: &str = "aws-secret-do-not-leak/K7MDENG+bPxRfiCY";
    pub const SESSION_TOKEN: &str = "aws-session-token-do-not-leak-FwoGZXIvYXdz";
    /// 2026-11-26T12:00:00Z
    const NOW: u64 = 1_795_694_400_000;

    fn settings(session_token: Option<&str>) -> AwsSmsSettings {
        AwsSmsSettings {
            region: "ap-south-1".into(),
            access_key_id: ACCESS_KEY_ID.into(),
            secret_access_key: SECRET_ACCESS_KEY.into(),
            session_token: session_token.map(str::to_owned),
            endpoint: None,
        }
    }

    pub fn provider(session_token: Option<&str>) -> Provider {
        Provider::new(&ProviderSettings::AwsSms(settings(session_token))).unwrap()
    }

    /// The request as AWS receives it, checked by the crate's verifier.
    fn verify(request: &HttpRequest, secret: &str) -> Result<String, Error> {
        let url = Url::parse("url", &request.url).unwrap();
        let mut headers: Vec<(&str, &str)> = vec![("host", &url.host)];
        headers.extend(request.headers.iter().map(|(n, v)| (*n, v.as_str())));
        let req = sigv4::Request {
            method: request.method,
            path: &url.path,
            query: &url.query,
            headers: &headers,
            body: &request.body,
        };
        let lookup = |id: &str| (id == ACCESS_KEY_ID).then(|| secret.to_owned());
        sigv4::verify(&req, SERVICE, NOW, lookup).map(|signer| signer.access_key_id)
    }

    fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
        request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    #[test]
    fn sends_text_message_in_the_json_protocol_signed_for_sms_voice() {
        let request = provider(None).request(&sms("Your code: 123456"), NOW).unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(request.url, "https://sms-voice.ap-south-1.amazonaws.com/");
        assert_eq!(header(&request, "content-type"), Some(CONTENT_TYPE));
        assert_eq!(header(&request, "x-amz-target"), Some(TARGET));
        assert_eq!(header(&request, "x-amz-date"), Some("20261126T120000Z"));
        assert_eq!(header(&request, "x-amz-security-token"), None);
        assert!(header(&request, "authorization").unwrap().starts_with(&format!(
            "AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/20261126/ap-south-1/sms-voice/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="
        )));
        assert_eq!(
            String::from_utf8(request.body.clone()).unwrap(),
            r#"{"DestinationPhoneNumber":"+12065550007","OriginationIdentity":"+18555550142","MessageBody":"Your code: 123456","MessageType":"TRANSACTIONAL"}"#
        );
        assert_eq!(verify(&request, SECRET_ACCESS_KEY).unwrap(), ACCESS_KEY_ID);
        assert!(verify(&request, "another secret").is_err());
        let tampered = HttpRequest {
            body: String::from_utf8(request.body.clone())
                .unwrap()
                .replace("123456", "654321")
                .into_bytes(),
            ..request
        };
        assert!(verify(&tampered, SECRET_ACCESS_KEY).is_err());
    }

    #[test]
    fn a_session_token_is_sent_and_signed_and_india_ids_go_in_country_parameters() {
        let india = Sms {
            entity_id: Some("1101000000000001".into()),
            template_id: Some("1107000000000002".into()),
            ..sms("x")
        };
        let request = provider(Some(SESSION_TOKEN)).request(&india, NOW).unwrap();
        assert_eq!(header(&request, "x-amz-security-token"), Some(SESSION_TOKEN));
        assert!(header(&request, "authorization").unwrap().contains(
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,"
        ));
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(
            body["DestinationCountryParameters"],
            serde_json::json!({"IN_ENTITY_ID": "1101000000000001", "IN_TEMPLATE_ID": "1107000000000002"})
        );
        assert_eq!(verify(&request, SECRET_ACCESS_KEY).unwrap(), ACCESS_KEY_ID);
        let only_template = Sms { entity_id: None, ..india };
        let request = provider(None).request(&only_template, NOW).unwrap();
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(
            body["DestinationCountryParameters"],
            serde_json::json!({"IN_TEMPLATE_ID": "1107000000000002"})
        );
    }

    #[test]
    fn feedback_reports_the_sent_message_received_signed_for_sms_voice() {
        let aws = provider(Some(SESSION_TOKEN));
        let sent = answer(200, &[], r#"{"MessageId": "0a1b2c3d-aws-message-id"}"#);
        let id = aws.feedback_id(&sent).unwrap();
        assert_eq!(id, "0a1b2c3d-aws-message-id");
        let request = aws.feedback_request(&id, NOW).unwrap().unwrap();
        assert_eq!(request.url, "https://sms-voice.ap-south-1.amazonaws.com/");
        assert_eq!(header(&request, "x-amz-target"), Some(FEEDBACK_TARGET));
        assert_eq!(header(&request, "content-type"), Some(CONTENT_TYPE));
        assert_eq!(
            String::from_utf8(request.body.clone()).unwrap(),
            r#"{"MessageId":"0a1b2c3d-aws-message-id","MessageFeedbackStatus":"RECEIVED"}"#
        );
        assert_eq!(verify(&request, SECRET_ACCESS_KEY).unwrap(), ACCESS_KEY_ID);
        // Only a sent message with a well-formed id has one to report.
        for refused in [
            answer(400, &[], r#"{"MessageId": "x"}"#),
            answer(200, &[], r#"{}"#),
            answer(200, &[], r#"{"MessageId": "has spaces"}"#),
            answer(200, &[], &format!(r#"{{"MessageId": "{}"}}"#, "a".repeat(65))),
        ] {
            assert_eq!(aws.feedback_id(&refused), None);
        }
        assert!(aws.feedback_request("bad id", NOW).unwrap().is_err());
        // Other providers take no feedback.
        let twilio =
            Provider::new(&ProviderSettings::Twilio(crate::provider::twilio::TwilioSettings {
                account_sid: "AC00000000000000000000000000000000".into(),
                auth_token: "t".into(),
                base_url: None,
            }))
            .unwrap();
        assert!(twilio.feedback_request("x", NOW).is_none());
        assert_eq!(twilio.feedback_id(&sent), None);
    }

    #[test]
    fn an_endpoint_with_a_port_and_path_is_signed_as_sent() {
        let s = AwsSmsSettings {
            endpoint: Some("http://127.0.0.1:4566/sms/".into()),
            ..settings(None)
        };
        let request =
            Provider::new(&ProviderSettings::AwsSms(s)).unwrap().request(&sms("x"), NOW).unwrap();
        assert_eq!(request.url, "http://127.0.0.1:4566/sms/");
        assert_eq!(verify(&request, SECRET_ACCESS_KEY).unwrap(), ACCESS_KEY_ID);
        let s = AwsSmsSettings { endpoint: Some("not a url".into()), ..settings(None) };
        assert_eq!(
            AwsSms::new(&s).err().unwrap().message,
            "The AWS SMS endpoint must be an absolute http or https URL."
        );
    }

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Answer {
        Answer::Http(HttpAnswer {
            status,
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            body: body.into(),
        })
    }

    #[test]
    fn exception_names_come_from_the_header_or_the_body() {
        let aws = provider(None);
        let d = aws.result(&answer(200, &[], r#"{"MessageId": "0a1b2c3d-aws-message-id"}"#));
        assert_eq!(d.status_message, "MessageId: 0a1b2c3d-aws-message-id");
        let in_header = answer(
            400,
            &[("X-Amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/com.amazonaws.pinpointsmsvoicev2/")],
            r#"{"message": "Rate exceeded"}"#,
        );
        let in_body = answer(
            400,
            &[],
            r#"{"__type": "com.amazonaws.pinpointsmsvoicev2#ThrottlingException", "message": "x"}"#,
        );
        for answer in [in_header, in_body] {
            let d = aws.result(&answer);
            assert_eq!((d.status, d.status_code), (DeliveryStatus::Throttled, 400));
            assert_eq!(
                d.status_message,
                "AWS End User Messaging SMS is throttling messages (HTTP 400, ThrottlingException); try again later."
            );
        }
        // AWS quoting our signed request back is never repeated.
        let echo = format!(
            "The Canonical String should have been 'POST / x-amz-security-token:{SESSION_TOKEN}'"
        );
        let d = aws.result(&answer(403, &[("x-amzn-errortype", &echo)], "{}"));
        assert_eq!(d.status, DeliveryStatus::PermanentFailure);
        assert!(!d.status_message.contains(SESSION_TOKEN));
    }
}
