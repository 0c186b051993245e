//! The core as WebAssembly, through its JS boundary, in Node and in Chromium:
//! `wasm-pack test --node` and `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use edge_otp::wasm::{languages, render, validate, Engine};
use js_sys::{Error, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

const SECRET: &str = "a test secret of thirty-two byte";
const APP: &str = "7f3c9a0d2b8e4f61a5c0d9e8b7a6f5e4";
const NOW: f64 = 1_764_115_200_000.0;
const PARAMS: &str = r#"{"Channel":"SMS","BrandName":"ExampleCorp","OriginationIdentity":"+18555550142",
    "DestinationIdentity":"+12065550007","ReferenceId":"SampleReferenceId","CodeLength":8}"#;

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

/// A JS object, as a host passes one.
fn object(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

fn text(value: &JsValue, key: &str) -> String {
    get(value, key).as_string().unwrap_or_else(|| panic!("{key} is not a string"))
}

fn verify_params(otp: &str) -> JsValue {
    object(&format!(
        r#"{{"ReferenceId":"SampleReferenceId","DestinationIdentity":"+12065550007","Otp":"{otp}"}}"#
    ))
}

/// The code, read from the SMS as a user would.
fn code_in(sent: &JsValue) -> String {
    text(&get(sent, "sms"), "body").chars().filter(char::is_ascii_digit).collect()
}

/// One verify step of `otp` against `record`.
fn step(engine: &Engine, otp: &str, record: Option<String>, now: f64) -> JsValue {
    engine.verification(APP, verify_params(otp)).unwrap().step(record, now, None).unwrap()
}

#[wasm_bindgen_test]
fn codes_come_from_web_crypto_and_differ() {
    let engine = Engine::new(SECRET, JsValue::UNDEFINED).unwrap();
    let codes: Vec<String> =
        (0..50).map(|_| code_in(&engine.send(APP, object(PARAMS), NOW).unwrap())).collect();
    assert!(codes.iter().all(|c| c.len() == 8));
    let mut distinct = codes.clone();
    distinct.sort();
    distinct.dedup();
    assert!(distinct.len() >= 49, "50 codes of 8 random digits should not repeat: {codes:?}");
}

#[wasm_bindgen_test]
fn json_text_and_objects_are_the_same_request() {
    let engine = Engine::new(SECRET, JsValue::UNDEFINED).unwrap();
    let from_text = engine.send(APP, JsValue::from_str(PARAMS), NOW).unwrap();
    let from_bytes =
        engine.send(APP, js_sys::Uint8Array::from(PARAMS.as_bytes()).into(), NOW).unwrap();
    let from_object = engine.send(APP, object(PARAMS), NOW).unwrap();
    for sent in [&from_text, &from_bytes] {
        assert_eq!(text(sent, "storageKey"), text(&from_object, "storageKey"));
        assert_eq!(code_in(sent).len(), 8);
    }
}

#[wasm_bindgen_test]
fn send_then_verify_once() {
    let engine = Engine::new(SECRET, JsValue::UNDEFINED).unwrap();
    let sent = engine.send(APP, object(PARAMS), NOW).unwrap();
    assert_eq!(get(&sent, "ttlSeconds").as_f64(), Some(900.0));
    assert!(text(&sent, "storageKey").starts_with("otp_"));
    let record = text(&sent, "record");
    assert!(!record.contains(&code_in(&sent)) && !record.contains("2065550007"));
    let verification = engine.verification(APP, verify_params("x")).unwrap();
    assert_eq!(verification.storage_key(), text(&sent, "storageKey"));

    let v = step(&engine, &code_in(&sent), Some(record), NOW + 1.0);
    assert_eq!(get(&v, "valid"), JsValue::TRUE);
    assert_eq!(text(&get(&v, "action"), "kind"), "delete");
    // Once deleted, the same code finds nothing.
    let v = step(&engine, &code_in(&sent), None, NOW + 2.0);
    assert_eq!((get(&v, "valid"), text(&v, "reason")), (JsValue::FALSE, "NotFound".to_owned()));
}

#[wasm_bindgen_test]
fn a_code_made_under_an_older_secret_verifies_under_its_key() {
    const NEWER: &str = "the secret that replaces it, 32";
    let old = Engine::new(SECRET, JsValue::UNDEFINED).unwrap();
    let sent = old.send(APP, object(PARAMS), NOW).unwrap();
    let rotated = Engine::new(&format!(r#"["{NEWER}", "{SECRET}"]"#), JsValue::UNDEFINED).unwrap();
    let verification = rotated.verification(APP, verify_params(&code_in(&sent))).unwrap();
    let keys = verification.storage_keys();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], verification.storage_key());
    assert_eq!(keys[1], text(&sent, "storageKey"));
    let record = Some(text(&sent, "record"));
    let v = verification.step(record.clone(), NOW, Some(keys[1].clone())).unwrap();
    assert_eq!(text(&v, "reason"), "Valid");
    // Without its key, the record is compared under the newer secret.
    let v = verification.step(record.clone(), NOW, None).unwrap();
    assert_eq!(text(&v, "reason"), "Mismatch");
    let e = verification.step(record, NOW, Some("otp_elsewhere".into())).unwrap_err();
    assert_eq!(text(&e, "name"), "InternalServerErrorException");
    let sent = rotated.send(APP, object(PARAMS), NOW).unwrap();
    assert_eq!(text(&sent, "storageKey"), keys[0]);
    let e = Engine::new(r#"["long enough to be a secret", "short"]"#, JsValue::UNDEFINED)
        .err()
        .unwrap();
    assert_eq!(
        text(&e, "message"),
        "Secret 2 of 2 in the OTP secret's list must be at least 16 bytes, got 5"
    );
}

#[wasm_bindgen_test]
fn wrong_codes_lock_the_record() {
    let engine = Engine::new(SECRET, JsValue::UNDEFINED).unwrap();
    let sent = engine.send(APP, object(PARAMS), NOW).unwrap();
    let wrong = if code_in(&sent) == "00000000" { "00000001" } else { "00000000" };
    let mut record = text(&sent, "record");
    for left in [2.0, 1.0, 0.0] {
        let v = step(&engine, wrong, Some(record), NOW);
        assert_eq!(text(&v, "reason"), "Mismatch");
        assert_eq!(get(&v, "attemptsLeft").as_f64(), Some(left));
        assert_eq!(text(&get(&v, "action"), "kind"), "write");
        record = text(&get(&v, "action"), "record");
    }
    let v = step(&engine, &code_in(&sent), Some(record), NOW);
    assert_eq!(
        (get(&v, "valid"), text(&v, "reason")),
        (JsValue::FALSE, "AttemptsExhausted".into())
    );
}

#[wasm_bindgen_test]
fn errors_are_js_errors_named_after_pinpoint_exceptions() {
    let engine = Engine::new(SECRET, JsValue::UNDEFINED).unwrap();
    let bad = PARAMS.replace("\"CodeLength\":8", "\"CodeLength\":9");
    let e = engine.send(APP, object(&bad), NOW).unwrap_err();
    let error: &Error = e.dyn_ref().expect("an Error");
    assert_eq!(error.name(), "BadRequestException");
    assert_eq!(error.message(), "CodeLength must be between 5 and 8, got 9");
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("CodeLength"));
    assert_eq!(get(&e, "status").as_f64(), Some(400.0));

    let e = engine.send(APP, JsValue::from_str("[1,"), NOW).unwrap_err();
    assert_eq!(text(&e, "name"), "BadRequestException");
    assert_eq!(get(&e, "field"), JsValue::UNDEFINED);

    let verification = engine.verification(APP, verify_params("1")).unwrap();
    let e = verification.step(Some("garbage".into()), NOW, None).unwrap_err();
    assert_eq!(text(&e, "name"), "InternalServerErrorException");
    assert_eq!(get(&e, "status").as_f64(), Some(500.0));

    let e = Engine::new("short", JsValue::UNDEFINED).err().unwrap();
    assert_eq!(text(&e, "name"), "InternalServerErrorException");
    let e = engine.send(APP, object(PARAMS), f64::NAN).unwrap_err();
    assert_eq!(text(&e, "name"), "InternalServerErrorException");
}

#[wasm_bindgen_test]
fn validate_render_and_languages_answer_objects() {
    let v = validate(object(r#"{"Channel":"sms","CodeLength":"6"}"#), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&v, "parameters"), JsValue::NULL);
    let errors: js_sys::Array = get(&v, "errors").dyn_into().unwrap();
    let fields: Vec<String> = errors.iter().map(|e| text(&e, "field")).collect();
    assert_eq!(
        fields,
        ["BrandName", "CodeLength", "OriginationIdentity", "DestinationIdentity", "ReferenceId"]
    );
    let v = validate(object(PARAMS), JsValue::UNDEFINED).unwrap();
    assert_eq!(text(&get(&v, "parameters"), "Language"), "en-US");

    let m = render("ja-jp", "123456", "ACME").unwrap();
    assert_eq!(text(&m, "encoding"), "UCS-2");
    assert_eq!(text(&m, "body"), "ACMEのワンタイムパスワードは123456です。");
    assert_eq!(text(&render("xx", "1", "b").unwrap_err(), "name"), "BadRequestException");

    let m = render("HI-in", "123456", "Acme").unwrap();
    assert_eq!(text(&m, "body"), "आपका Acme OTP 123456 है।");

    let all: js_sys::Array = languages().unwrap().dyn_into().unwrap();
    assert_eq!(all.length(), 35);
    assert_eq!(text(&all.get(10), "tag"), "pt-BR");
    let pinpoint: Vec<bool> = all.iter().map(|l| get(&l, "pinpoint") == JsValue::TRUE).collect();
    assert_eq!(pinpoint.iter().filter(|&&p| p).count(), 13);
    assert!(pinpoint[..13].iter().all(|&p| p), "Pinpoint's 13 come first");
    assert_eq!(text(&all.get(13), "tag"), "ar-SA");
    assert_eq!(get(&all.get(13), "rightToLeft"), JsValue::TRUE);

    // Extended languages only when the form's deployment takes them.
    let hindi = PARAMS.replace("\"CodeLength\":8", "\"Language\":\"hi-IN\"");
    let v = validate(object(&hindi), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&v, "parameters"), JsValue::NULL);
    let v = validate(object(&hindi), object(r#"{"extendedLanguages":true}"#)).unwrap();
    assert_eq!(text(&get(&v, "parameters"), "Language"), "hi-IN");
}

/// `OTP_TEMPLATES` for every application: a template, the WebOTP line, a
/// DLT template, extended languages.
const TEMPLATES: &str = r#"{"applications": {"*": {
    "templates": {"en-US": "{{otp}} is your {{brand}} code.", "hi-IN": "{{otp}} आपका {{brand}} OTP है"},
    "webOtpDomain": "example.com",
    "dlt": {"1107": {"text": "{#var#} is your {#var#} code.\n\n@example.com #{#var#}"}},
    "segmentBudget": 2,
    "extendedLanguages": true
}}}"#;

#[wasm_bindgen_test]
fn templates_as_json_text_write_the_sms() {
    // The core reads settings as JSON text (pkg/engine.js writes an object
    // given as one; tests/js/engine.test.js covers that).
    for templates in [JsValue::from_str(TEMPLATES)] {
        let options = js_sys::Object::new();
        Reflect::set(&options, &"templates".into(), &templates).unwrap();
        let mut engine = Engine::new(SECRET, options.into()).unwrap();
        let dlt = PARAMS.replace("\"CodeLength\":8", "\"TemplateId\":\"1107\"");
        let sms = get(&engine.send(APP, object(&dlt), NOW).unwrap(), "sms");
        let code = &text(&sms, "body")[..6];
        let expected = format!("{code} is your ExampleCorp code.\n\n@example.com #{code}");
        assert_eq!(text(&sms, "body"), expected);
        let hindi = PARAMS.replace("\"CodeLength\":8", "\"Language\":\"hi-IN\"");
        let sms = get(&engine.send(APP, object(&hindi), NOW).unwrap(), "sms");
        assert!(text(&sms, "body").contains("आपका ExampleCorp OTP है\n\n@example.com #"));
        // A preview is what a send writes, with the code given.
        let m = engine.preview(APP, object(&dlt), "123456").unwrap();
        assert_eq!(text(&m, "body"), "123456 is your ExampleCorp code.\n\n@example.com #123456");
        assert_eq!(text(&m, "encoding"), "GSM-7");
        assert_eq!(get(&m, "segments").as_f64(), Some(1.0));
        // German falls back to the default text, which DLT 1107 does not match.
        let german = dlt.replace("\"TemplateId\"", "\"Language\":\"de-DE\",\"TemplateId\"");
        let e = engine.send(APP, object(&german), NOW).unwrap_err();
        assert_eq!(
            (text(&e, "name"), text(&e, "field")),
            ("BadRequestException".into(), "TemplateId".into())
        );
        assert!(text(&e, "message").starts_with("the message does not match DLT template \"1107\""));
    }
    // Without templates, an extended language is Pinpoint's error.
    let mut engine = Engine::new(SECRET, JsValue::UNDEFINED).unwrap();
    let hindi = PARAMS.replace("\"CodeLength\":8", "\"Language\":\"hi-IN\"");
    let e = engine.send(APP, object(&hindi), NOW).unwrap_err();
    assert!(text(&e, "message").starts_with("Language must be one of de-DE, en-GB"));
}

#[wasm_bindgen_test]
fn bad_templates_refuse_the_engine_naming_every_field() {
    let bad = r#"{"applications": {"a": {"templates": {"en-US": "{{code}}"}, "webOtpDomain": "https://x"}}}"#;
    for templates in [JsValue::from_str(bad)] {
        let options = js_sys::Object::new();
        Reflect::set(&options, &"templates".into(), &templates).unwrap();
        let e = Engine::new(SECRET, options.into()).err().unwrap();
        assert_eq!(text(&e, "name"), "BadRequestException");
        assert_eq!(text(&e, "field"), "OTP_TEMPLATES");
        let lines: Vec<String> = text(&e, "message").lines().map(String::from).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].starts_with("OTP_TEMPLATES.applications.a.webOtpDomain: "), "{lines:?}");
        assert!(lines[1].starts_with(
            "OTP_TEMPLATES.applications.a.templates.en-US: a template must contain {{otp}}"
        ));
    }
    // Shape problems name the path too.
    let options =
        object(r#"{"templates": "{\"applications\": {\"a\": {\"segmentBudget\": \"1\"}}}"}"#);
    let e = Engine::new(SECRET, options).err().unwrap();
    assert!(
        text(&e, "message").starts_with(
            "OTP_TEMPLATES.applications.a.segmentBudget: invalid type: string \"1\", expected u32"
        ),
        "{}",
        text(&e, "message")
    );
    // Not text: the host's bug (pkg/engine.js writes objects as text).
    let options = object(r#"{"templates": {"applications": {}}}"#);
    let e = Engine::new(SECRET, options).err().unwrap();
    assert_eq!(text(&e, "message"), "OTP_TEMPLATES must be JSON text");
}
