//! Twilio's Messages API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`
//! with the form fields To, From and Body and HTTP basic auth (account SID,
//! auth token). It answers a message resource (`{"sid": …}`) or an error
//! whose code is a number (`{"code": 21211, "message": …}`).

use super::{required, DeliveryStatus, HttpAnswer, HttpRequest, Reply, Url};
use crate::error::Error;
use crate::otp::Sms;
use crate::sigv4::uri_encode;
use serde::Deserialize;
use serde_json::value::RawValue;

/// How status messages name this provider.
pub const TITLE: &str = "Twilio";
const BASE_URL: &str = "https://api.twilio.com";

/// Twilio's settings. No `Debug`: they hold the auth token.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct TwilioSettings {
    /// The account SID (`AC…`): the user name of basic auth and part of the URL.
    #[serde(deserialize_with = "super::text")]
    pub account_sid: String,
    /// The auth token: the password of basic auth.
    #[serde(deserialize_with = "super::text")]
    pub auth_token: String,
    /// Replaces `https://api.twilio.com` (tests); its path is kept.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub base_url: Option<String>,
}

/// Twilio's Messages API, its settings checked.
pub struct Twilio {
    url: String,
    /// `Basic` and base64 of `{AccountSid}:{AuthToken}`.
    authorization: String,
}

impl Twilio {
    /// Checks the settings: account SID and auth token are required, the base URL must be a URL.
    pub fn new(s: &TwilioSettings) -> Result<Twilio, Error> {
        required("accountSid", &s.account_sid)?;
        required("authToken", &s.auth_token)?;
        let base = Url::parse("The Twilio base URL", s.base_url.as_deref().unwrap_or(BASE_URL))?;
        let dir = base.path.trim_end_matches('/');
        let sid = uri_encode(s.account_sid.as_bytes(), true);
        let credentials = format!("{}:{}", s.account_sid, s.auth_token);
        Ok(Twilio {
            url: format!("{}{dir}/2010-04-01/Accounts/{sid}/Messages.json", base.origin),
            authorization: format!("Basic {}", crate::hash::base64(credentials.as_bytes())),
        })
    }

    /// The form POST that delivers `sms`, with basic auth.
    pub fn request(&self, sms: &Sms) -> HttpRequest {
        let fields = [("To", &sms.to), ("From", &sms.from), ("Body", &sms.body)];
        let form: Vec<String> = fields
            .iter()
            .map(|(name, value)| format!("{name}={}", uri_encode(value.as_bytes(), true)))
            .collect();
        HttpRequest {
            method: "POST",
            url: self.url.clone(),
            headers: vec![
                ("authorization", self.authorization.clone()),
                ("content-type", "application/x-www-form-urlencoded".into()),
                ("accept", "application/json".into()),
            ],
            body: form.join("&").into_bytes(),
        }
    }
}

/// Twilio's answer document: a message resource or an error.
#[derive(Default, Deserialize)]
struct Answer<'a> {
    #[serde(borrow)]
    code: Option<&'a RawValue>,
    #[serde(borrow)]
    sid: Option<&'a RawValue>,
}

pub(super) fn read(answer: &HttpAnswer) -> Reply {
    let json: Answer = answer.json();
    Reply {
        status: answer.status,
        error_code: super::member_text(json.code),
        message_id: super::member_text(json.sid),
    }
}

/// https://www.twilio.com/docs/api/errors
pub(super) fn status_of_code(code: &str) -> Option<DeliveryStatus> {
    use DeliveryStatus::*;
    match code {
        "20429" | "14107" | "30001" => Some(Throttled),
        "20500" | "20503" => Some(TemporaryFailure),
        "20003" | "20404" | "21211" | "21212" | "21408" | "21610" | "21614" => {
            Some(PermanentFailure)
        }
        _ => None,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::tests::sms;
    use super::super::{Answer, Provider, ProviderSettings};
    use super::*;

    pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
    pub const AUTH_TOKEN: &str = "twilio-token-do-not-leak-9a8b";

    pub fn settings() -> TwilioSettings {
        TwilioSettings {
            account_sid: ACCOUNT_SID.into(),
            auth_token: AUTH_TOKEN.into(),
            base_url: None,
        }
    }

    pub fn provider() -> Provider {
        Provider::new(&ProviderSettings::Twilio(settings())).unwrap()
    }

    #[test]
    fn posts_the_form_to_the_accounts_messages_with_basic_auth() {
        let request = provider().request(&sms("Código: 123456 & más +1 = 2"), 0).unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.url,
            format!("https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json")
        );
        assert_eq!(
            request.headers,
            [
                (
                    "authorization",
                    // base64 of "AC0123456789abcdef0123456789abcdef:twilio-token-do-not-leak-9a8b"
                    "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjp0d2lsaW8tdG9rZW4tZG8tbm90LWxlYWstOWE4Yg=="
                        .to_owned()
                ),
                ("content-type", "application/x-www-form-urlencoded".into()),
                ("accept", "application/json".into()),
            ]
        );
        // '+' must not read as a space: E.164 numbers start with one.
        assert_eq!(
            String::from_utf8(request.body).unwrap(),
            "To=%2B12065550007&From=%2B18555550142\
             &Body=C%C3%B3digo%3A%20123456%20%26%20m%C3%A1s%20%2B1%20%3D%202"
        );
    }

    #[test]
    fn a_base_url_keeps_its_path_and_the_sid_is_encoded() {
        let settings = TwilioSettings {
            account_sid: "AC/1 ?".into(),
            base_url: Some("http://127.0.0.1:8080/twilio/?ignored#x".into()),
            ..settings()
        };
        let twilio = Twilio::new(&settings).unwrap();
        assert_eq!(
            twilio.url,
            "http://127.0.0.1:8080/twilio/2010-04-01/Accounts/AC%2F1%20%3F/Messages.json"
        );
        let settings = TwilioSettings { base_url: Some("http://h/twilio".into()), ..settings };
        assert!(Twilio::new(&settings).unwrap().url.starts_with("http://h/twilio/2010-04-01/"));
    }

    #[test]
    fn settings_are_checked_naming_the_setting_only() {
        let message = |s: TwilioSettings| Twilio::new(&s).err().unwrap().message;
        assert_eq!(
            message(TwilioSettings { auth_token: "".into(), ..settings() }),
            "authToken is not set."
        );
        let s = TwilioSettings { base_url: Some("ftp://T0KEN".into()), ..settings() };
        assert_eq!(message(s), "The Twilio base URL must be an absolute http or https URL.");
        // Unset reads as empty; absent, serde names it.
        let unset: ProviderSettings =
            serde_json::from_str(r#"{"kind": "twilio", "accountSid": null, "authToken": "t"}"#)
                .unwrap();
        assert_eq!(Provider::new(&unset).err().unwrap().message, "accountSid is not set.");
        let absent =
            serde_json::from_str::<ProviderSettings>(r#"{"kind": "twilio", "authToken": "t"}"#);
        assert!(absent.err().unwrap().to_string().starts_with("missing field `accountSid`"));
    }

    fn answer(status: u16, body: &str) -> Answer {
        Answer::Http(HttpAnswer { status, headers: vec![], body: body.into() })
    }

    #[test]
    fn answers_read_the_sid_and_numeric_codes() {
        let twilio = provider();
        let d = twilio.result(&answer(201, r#"{"sid": "SM0123", "status": "queued"}"#));
        assert_eq!(
            (d.status, d.status_message.as_str()),
            (DeliveryStatus::Successful, "MessageId: SM0123")
        );
        let error = r#"{"code": 14107, "message": "Error 14107", "more_info": "x", "status": 400}"#;
        let d = twilio.result(&answer(400, error));
        assert_eq!(d.status, DeliveryStatus::Throttled);
        assert_eq!(
            d.status_message,
            "Twilio is throttling messages (HTTP 400, 14107); try again later."
        );
        assert_eq!(
            twilio.result(&answer(400, r#"{"code": "21211"}"#)).status,
            DeliveryStatus::PermanentFailure
        );
        // What isn't a Twilio document leaves the status to decide.
        for body in ["<html>busy</html>", r#"{"code": {"x": 1}}"#, r#"["code"]"#, ""] {
            let d = twilio.result(&answer(503, body));
            assert_eq!(d.status_message, "Twilio failed for now (HTTP 503); try again later.");
        }
        // An echo of our credentials is never quoted.
        let echo = format!(r#"{{"code": "Basic {AUTH_TOKEN}", "message": "{AUTH_TOKEN}"}}"#);
        let d = twilio.result(&answer(401, &echo));
        assert_eq!(d.status, DeliveryStatus::PermanentFailure);
        assert!(!d.status_message.contains(AUTH_TOKEN));
    }
}
