//! The core as WebAssembly, through its JS boundary, in Node and in Chromium:
//! `wasm-pack test --node` and `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use edge_otp::wasm::{languages, render, validate, Engine};
use js_sys::{Error, JsString, Reflect, JSON};
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
    engine.verification(APP, verify_params(otp)).unwrap().step(record, now).unwrap()
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
    assert_eq!(JsString::from(error.name()), "BadRequestException");
    assert_eq!(JsString::from(error.message()), "CodeLength must be between 5 and 8, got 9");
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("CodeLength"));
    assert_eq!(get(&e, "status").as_f64(), Some(400.0));

    let e = engine.send(APP, JsValue::from_str("[1,"), NOW).unwrap_err();
    assert_eq!(text(&e, "name"), "BadRequestException");
    assert_eq!(get(&e, "field"), JsValue::UNDEFINED);

    let verification = engine.verification(APP, verify_params("1")).unwrap();
    let e = verification.step(Some("garbage".into()), NOW).unwrap_err();
    assert_eq!(text(&e, "name"), "InternalServerErrorException");
    assert_eq!(get(&e, "status").as_f64(), Some(500.0));

    let e = Engine::new("short", JsValue::UNDEFINED).err().unwrap();
    assert_eq!(text(&e, "name"), "InternalServerErrorException");
    let e = engine.send(APP, object(PARAMS), f64::NAN).unwrap_err();
    assert_eq!(text(&e, "name"), "InternalServerErrorException");
}

#[wasm_bindgen_test]
fn validate_render_and_languages_answer_objects() {
    let v = validate(object(r#"{"Channel":"sms","CodeLength":"6"}"#)).unwrap();
    assert_eq!(get(&v, "parameters"), JsValue::NULL);
    let errors: js_sys::Array = get(&v, "errors").dyn_into().unwrap();
    let fields: Vec<String> = errors.iter().map(|e| text(&e, "field")).collect();
    assert_eq!(
        fields,
        ["BrandName", "CodeLength", "OriginationIdentity", "DestinationIdentity", "ReferenceId"]
    );
    let v = validate(object(PARAMS)).unwrap();
    assert_eq!(text(&get(&v, "parameters"), "Language"), "en-US");

    let m = render("ja-jp", "123456", "ACME").unwrap();
    assert_eq!(text(&m, "encoding"), "UCS-2");
    assert_eq!(text(&m, "body"), "ACMEのワンタイムパスワードは123456です。");
    assert_eq!(text(&render("xx", "1", "b").unwrap_err(), "name"), "BadRequestException");

    let all: js_sys::Array = languages().unwrap().dyn_into().unwrap();
    assert_eq!(all.length(), 13);
    assert_eq!(text(&all.get(10), "tag"), "pt-BR");
}
