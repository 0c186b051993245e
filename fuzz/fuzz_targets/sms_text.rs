//! Template rendering and segment counting: any text is at least one
//! segment, no more than its units need (a segment loses at most one unit to
//! a split it avoids), GSM-7 exactly when every character is in GSM 03.38;
//! a template filled with its own placeholders is itself; a rendered
//! message holds the code and brand as given, measured as its body.
#![no_main]

use edge_otp::sms::{gsm7_septets, measure, Encoding};
use edge_otp::template::{fill, render, Language};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u8, &str, &str, &str)| {
    let (language, otp, brand, text) = input;
    check_measure(text);

    assert_eq!(fill(text, "{{otp}}", "{{brand}}", "{{minutes}}"), text);

    let language = Language::WITH_EXTENDED[usize::from(language) % Language::WITH_EXTENDED.len()];
    let message = render(language, otp, brand);
    assert!(message.body.contains(otp));
    if language.template().contains("{{brand}}") {
        assert!(message.body.contains(brand));
    }
    assert_eq!((message.encoding, message.segments), measure(&message.body));
});

fn check_measure(text: &str) {
    let (encoding, segments) = measure(text);
    let gsm7: Option<u64> = text.chars().map(|c| gsm7_septets(c).map(u64::from)).sum();
    let (units, single, per_part) = match (encoding, gsm7) {
        (Encoding::Gsm7, Some(septets)) => (septets, 160, 153),
        (Encoding::Ucs2, None) => (text.encode_utf16().count() as u64, 70, 67),
        _ => panic!("{encoding:?} for {text:?}"),
    };
    assert!(segments >= 1);
    let segments = u64::from(segments);
    if units <= single {
        assert_eq!(segments, 1, "{units} units");
    } else {
        assert!(segments >= units.div_ceil(per_part), "{segments} segments for {units} units");
        assert!((segments - 1) * (per_part - 1) < units, "{segments} segments for {units} units");
    }
}
