//! The operator's own URL: a JSON POST of the SMS, optionally signed with
//! HMAC-SHA256 so the receiver can tell it came from this service. Any 2xx
//! answer counts as delivered; the answer carries no codes.

use super::{required, HttpRequest, Url};
use crate::error::Error;
use crate::hash::{hex, HmacKey};
use crate::otp::Sms;
use crate::sms::Encoding;
use serde::{Deserialize, Serialize};

/// How status messages name this provider.
pub const TITLE: &str = "The SMS webhook";
/// `sha256=` and the hex HMAC-SHA256, under the secret, of `{timestamp}.{body}`.
pub const SIGNATURE_HEADER: &str = "X-Edge-OTP-Signature";
/// Unix seconds when the POST was signed: signed with the body, it lets
/// receivers refuse replays.
pub const TIMESTAMP_HEADER: &str = "X-Edge-OTP-Timestamp";

/// No `Debug`: it holds the signing secret.
#[derive(Clone, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct WebhookSettings {
    /// Where to POST.
    #[serde(deserialize_with = "super::text")]
    pub url: String,
    /// Signs each POST when given.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub secret: Option<String>,
}

/// The SMS webhook, its URL checked and its secret ready to sign.
pub struct Webhook {
    url: String,
    key: Option<HmacKey>,
}

impl Webhook {
    /// Checks the settings: the URL is required and must be a URL; an empty secret signs nothing.
    pub fn new(s: &WebhookSettings) -> Result<Webhook, Error> {
        required("url", &s.url)?;
        let url = Url::parse("The webhook URL", &s.url)?.href();
        let key = s.secret.as_deref().filter(|secret| !secret.is_empty());
        Ok(Webhook { url, key: key.map(|secret| HmacKey::new(secret.as_bytes())) })
    }

    /// The JSON POST of `sms`, signed when there is a secret; `now_ms` is its timestamp.
    pub fn request(&self, sms: &Sms, now_ms: u64) -> HttpRequest {
        let body = serde_json::to_vec(&WebhookSms {
            to: &sms.to,
            from: &sms.from,
            body: &sms.body,
            encoding: sms.encoding,
            segments: sms.segments,
            entity_id: sms.entity_id.as_deref(),
            template_id: sms.template_id.as_deref(),
            message_id: &sms.message_id,
        })
        .expect("strings serialize");
        let mut headers = vec![("content-type", "application/json".to_owned())];
        if let Some(key) = &self.key {
            let timestamp = (now_ms / 1000).to_string();
            let mac = key.mac(&[timestamp.as_bytes(), b".", &body]);
            headers.push((TIMESTAMP_HEADER, timestamp));
            headers.push((SIGNATURE_HEADER, format!("sha256={}", hex(&mac))));
        }
        HttpRequest { method: "POST", url: self.url.clone(), headers, body }
    }
}

/// The JSON document each POST carries, as the README shows it.
#[derive(Serialize)]
struct WebhookSms<'a> {
    to: &'a str,
    from: &'a str,
    body: &'a str,
    encoding: Encoding,
    segments: u32,
    /// India's DLT ids: null when absent.
    #[serde(rename = "EntityId")]
    entity_id: Option<&'a str>,
    #[serde(rename = "TemplateId")]
    template_id: Option<&'a str>,
    #[serde(rename = "MessageId")]
    message_id: &'a str,
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::tests::sms;
    use super::super::{Provider, ProviderSettings};
    use super::*;
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    const SECRET: &str = "whsec-do-not-leak-4f1e";

    pub fn provider(secret: Option<&str>) -> Provider {
        let settings = WebhookSettings {
            url: "https://hooks.example/sms?tenant=a".into(),
            secret: secret.map(str::to_owned),
        };
        Provider::new(&ProviderSettings::Webhook(settings)).unwrap()
    }

    fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
        request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// What a receiver does, with its own HMAC: recompute it over
    /// "timestamp.body" as received and compare.
    fn receiver_accepts(request: &HttpRequest, secret: &str) -> bool {
        let timestamp = header(request, "x-edge-otp-timestamp").unwrap_or_default();
        let Some(given) = header(request, "x-edge-otp-signature") else { return false };
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(&request.body);
        let expected: [u8; 32] = mac.finalize().into_bytes().into();
        given == format!("sha256={}", hex(&expected))
    }

    #[test]
    fn posts_the_sms_as_json_signed_with_the_time() {
        let india = Sms {
            entity_id: Some("1101".into()),
            template_id: Some("1107".into()),
            ..sms("Your code: 123456")
        };
        let request = provider(Some(SECRET)).request(&india, 1_795_694_400_999).unwrap();
        assert_eq!(
            (request.method, request.url.as_str()),
            ("POST", "https://hooks.example/sms?tenant=a")
        );
        assert_eq!(header(&request, "content-type"), Some("application/json"));
        assert_eq!(
            String::from_utf8(request.body.clone()).unwrap(),
            r#"{"to":"+12065550007","from":"+18555550142","body":"Your code: 123456","encoding":"GSM-7","segments":1,"EntityId":"1101","TemplateId":"1107","MessageId":"2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c"}"#
        );
        assert_eq!(header(&request, "x-edge-otp-timestamp"), Some("1795694400"));
        assert!(receiver_accepts(&request, SECRET));
        assert!(!receiver_accepts(&request, "another secret"));
        let edited = String::from_utf8(request.body.clone()).unwrap().replace("123456", "654321");
        assert!(!receiver_accepts(&HttpRequest { body: edited.into_bytes(), ..request }, SECRET));
    }

    #[test]
    fn without_a_secret_nothing_is_signed_and_absent_ids_are_null() {
        for secret in [None, Some("")] {
            let request = provider(secret).request(&sms("x"), 0).unwrap();
            assert_eq!(request.headers, [("content-type", "application/json".to_owned())]);
            let json: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
            assert_eq!(
                (&json["EntityId"], &json["TemplateId"]),
                (&serde_json::Value::Null, &serde_json::Value::Null)
            );
        }
    }

    #[test]
    fn the_url_is_checked_without_repeating_it() {
        let settings =
            WebhookSettings { url: "ftp://hooks.example/T0KEN-SECRET".into(), secret: None };
        let e = Webhook::new(&settings).err().unwrap();
        assert_eq!(e.message, "The webhook URL must be an absolute http or https URL.");
    }
}
