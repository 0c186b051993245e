//! The OTP_TEMPLATES setting, then compose. A refused setting is a list of
//! BadRequestExceptions on OTP_TEMPLATES, each starting with its path; an
//! accepted one keeps its promise: every template of an application, filled
//! with any brand and code the rules allow (in the template's own encoding),
//! fits the application's segment budget, and one segment with an app hash.
#![no_main]

use edge_otp::otp_templates::{compose, OtpTemplates, SETTING};
use edge_otp::sms::{measure, Encoding};
use edge_otp::template::{fill, render, Language};
use edge_otp::Exception;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else { return };
    let setting = match OtpTemplates::from_json(json) {
        Ok(setting) => setting,
        Err(problems) => {
            assert!(!problems.is_empty());
            for e in problems {
                assert_eq!((e.exception, e.field), (Exception::BadRequest, Some(SETTING)));
                assert!(e.message.starts_with(SETTING), "{}", e.message);
            }
            return;
        }
    };
    let value: serde_json::Value = serde_json::from_str(json).expect("an accepted setting is JSON");
    let applications = value["applications"].as_object().expect("applications");
    for (id, entry) in applications {
        let app = setting.for_application(id).expect("each application has its entry");
        let budget = if app.android_app_hash().is_some() { 1 } else { app.segment_budget() };
        for language in Language::WITH_EXTENDED {
            let template = app.template(language);
            if template == language.template() {
                continue; // the default message, not the application's own
            }
            let (own, _) = measure(&fill(template, "", "", ""));
            let brands: [&str; 3] = match own {
                Encoding::Gsm7 => ["A", "{{otp}}", "€€€€€€€€€€€€€€€€€€€€"],
                Encoding::Ucs2 => ["A", "{{otp}}", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"],
            };
            for brand in brands {
                for (otp, minutes) in [("00000", 5), ("12345678", 60)] {
                    let message = compose(Some(app), language, otp, brand, minutes, None)
                        .expect("no TemplateId, no DLT check");
                    assert_eq!(message.encoding, own, "{:?}", message.body);
                    assert!(
                        message.segments <= budget,
                        "{} > {budget}: {:?}",
                        message.segments,
                        message.body
                    );
                    assert!(message.body.contains(otp));
                }
            }
        }
        let dlt_ids =
            entry.get("dlt").and_then(|d| d.as_object()).into_iter().flat_map(|d| d.keys());
        for template_id in dlt_ids.map(String::as_str).chain(["not registered"]) {
            let language = Language::DEFAULT;
            let otp = "987650";
            match compose(Some(app), language, otp, "ExampleCorp", 15, Some(template_id)) {
                Ok(message) => assert!(message.body.contains(otp)),
                Err(e) => {
                    assert_eq!((e.exception, e.field), (Exception::BadRequest, Some("TemplateId")));
                    // A mismatch report masks the code (unless the setting has its digits).
                    let masked = !e.message.contains(otp) || json.contains(otp);
                    assert!(masked, "{}", e.message);
                }
            }
        }
    }
    let default = compose(None, Language::DEFAULT, "123456", "ExampleCorp", 15, None);
    assert_eq!(default, Ok(render(Language::DEFAULT, "123456", "ExampleCorp")));
});
