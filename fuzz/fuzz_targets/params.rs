//! Request bodies through the parameter rules: the same bytes as a
//! SendOtpMessage body (first broken rule, and every broken rule) and as a
//! VerifyOtpMessage body. An accepted request is within every bound, a
//! refused one is a BadRequestException, and both readings of a send agree.
#![no_main]

use edge_otp::identity::{is_e164, OriginationKind};
use edge_otp::params::{
    SendOtpMessageRequest, SendOtpParameters, TextRule, VerifyOtpParameters, ALLOWED_ATTEMPTS,
    BRAND_NAME, CODE_LENGTH, ENTITY_ID, OTP, REFERENCE_ID, TEMPLATE_ID, VALIDITY_PERIOD,
};
use edge_otp::template::Language;
use edge_otp::{Error, Exception};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    send(body);
    verify(body);
});

fn send(body: &[u8]) {
    // Half the inputs as a deployment with extended languages reads them.
    let extended = body.first().is_some_and(|b| b & 1 == 1);
    let first = SendOtpParameters::from_json(body, extended);
    match edge_otp::body::from_json::<SendOtpMessageRequest>(body) {
        Err(e) => {
            assert_eq!(first, Err(e.clone()), "one reading of the body");
            assert_bad_request(&e);
        }
        Ok(request) => match SendOtpParameters::check_all(&request, extended) {
            Ok(p) => {
                assert_eq!(first.as_ref(), Ok(&p));
                assert_within_bounds(&p, extended);
                // What was accepted reads back as itself.
                let again = serde_json::to_vec(&p).expect("parameters serialize");
                assert_eq!(SendOtpParameters::from_json(&again, extended), Ok(p));
            }
            Err(errors) => {
                assert!(!errors.is_empty());
                assert_eq!(first, Err(errors[0].clone()), "check answers the first of check_all");
                for (i, e) in errors.iter().enumerate() {
                    assert_bad_request(e);
                    let field = e.field.expect("a broken rule names its field");
                    assert!(e.message.starts_with(field), "{e:?}");
                    assert!(errors[..i].iter().all(|o| o.field != e.field), "one error per field");
                }
            }
        },
    }
}

fn verify(body: &[u8]) {
    match VerifyOtpParameters::from_json(body) {
        Ok(p) => {
            assert_text(&p.reference_id, REFERENCE_ID);
            assert!(is_e164(&p.destination_identity));
            assert!((OTP.min_chars..=OTP.max_chars).contains(&p.otp.chars().count()));
        }
        Err(e) => {
            assert_bad_request(&e);
            // The code a user typed is never echoed: it may be the right one.
            if e.field == Some(OTP.field) {
                let m = &e.message;
                let fixed = m == "Otp is required"
                    || m.starts_with("Otp must be a string, got ")
                        && !m.contains('"')
                        && m.len() < 40
                    || m.strip_prefix("Otp must be 1 to 64 characters, got ")
                        .is_some_and(|n| n.parse::<usize>().is_ok());
                assert!(fixed, "{m}");
            }
        }
    }
}

fn assert_bad_request(e: &Error) {
    assert_eq!(e.exception, Exception::BadRequest, "{e:?}");
    assert!(!e.message.is_empty());
}

fn assert_text(s: &str, rule: TextRule) {
    assert!((rule.min_chars..=rule.max_chars).contains(&s.chars().count()), "{}", rule.field);
    assert!(!s.chars().any(char::is_control), "{}", rule.field);
}

fn assert_within_bounds(p: &SendOtpParameters, extended: bool) {
    for (n, rule) in [
        (p.code_length, CODE_LENGTH),
        (p.validity_period, VALIDITY_PERIOD),
        (p.allowed_attempts, ALLOWED_ATTEMPTS),
    ] {
        assert!((rule.min..=rule.max).contains(&n), "{}: {n}", rule.field);
    }
    assert_text(&p.brand_name, BRAND_NAME);
    assert_text(&p.reference_id, REFERENCE_ID);
    if let Some(id) = &p.entity_id {
        assert_text(id, ENTITY_ID);
    }
    if let Some(id) = &p.template_id {
        assert_text(id, TEMPLATE_ID);
    }
    let languages: &[Language] = if extended { &Language::WITH_EXTENDED } else { &Language::ALL };
    assert!(languages.contains(&p.language));
    assert_eq!(OriginationKind::of(&p.origination_identity), Some(p.origination_kind));
    assert!(is_e164(&p.destination_identity));
}
