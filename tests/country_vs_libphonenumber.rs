//! src/country.rs against libphonenumber itself: the PyPI package
//! phonenumbers in .venv (the version the table was made from) draws a few
//! thousand numbers with a fixed seed and says which region each is in
//! (tests/libphonenumber/numbers.py); `region_of` must agree wherever
//! libphonenumber finds a region, and every region's calling code and
//! possible lengths must be libphonenumber's.
//!
//! Without .venv's phonenumbers (a clone not set up with `sh scripts/setup.sh
//! --test`, or the packed crate) this says so and skips; the project's test
//! command (scripts/test.sh) sets EDGE_OTP_REQUIRE_LIBPHONENUMBER so that it
//! fails there instead.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use edge_otp::country::{checked_region, region_of, regions, Region, PHONENUMBERS_VERSION};

const COUNT: usize = 5000;
const SEED: u64 = 2026;

/// libphonenumber's output, or None (after saying why) when it can't run here.
fn libphonenumber() -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv/bin/python");
    let script = root.join("tests/libphonenumber/numbers.py");
    let output = python.is_file().then(|| {
        Command::new(&python)
            .arg(&script)
            .args([COUNT.to_string(), SEED.to_string()])
            .output()
            .expect("runs .venv/bin/python")
    });
    match output {
        Some(out) if out.status.success() => Some(String::from_utf8(out.stdout).unwrap()),
        other => {
            let why = match other {
                Some(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
                None => String::from("no .venv/bin/python"),
            };
            assert!(
                std::env::var_os("EDGE_OTP_REQUIRE_LIBPHONENUMBER").is_none(),
                "libphonenumber (.venv's phonenumbers) must run here: {why}"
            );
            eprintln!("skipped: libphonenumber can't run here ({why}); sh scripts/setup.sh --test installs it");
            None
        }
    }
}

#[derive(Default)]
struct Tally {
    numbers: usize,
    agree: usize,
    /// libphonenumber found a region; so must we, the same.
    found: usize,
    /// Found by libphonenumber and valid there.
    valid: usize,
    /// Of the numbers with a region, those checked_region refused for their length.
    impossible_length: usize,
    /// libphonenumber found none for a number no region accepts (inside a
    /// shared code), where the table answers its prefix's region.
    invalid_given_prefix_region: usize,
    /// parse refused the number (e.g. a national number too short).
    unparsed: usize,
    /// parse read a national prefix after the calling code (+44 020...).
    national_prefix: usize,
}

#[test]
fn regions_agree_with_libphonenumber() {
    let Some(output) = libphonenumber() else { return };
    let mut lines = output.lines();
    let version = lines.next().and_then(|l| l.strip_prefix("version ")).unwrap();
    assert_eq!(
        version, PHONENUMBERS_VERSION,
        ".venv has phonenumbers {version}, the table is from {PHONENUMBERS_VERSION}: \
         regenerate it (scripts/country-table.py) or sh scripts/setup.sh --test"
    );

    let mut known = BTreeMap::new();
    let mut tally = Tally::default();
    let mut wrong = Vec::new();
    for line in lines {
        let fields: Vec<&str> = line.split(' ').collect();
        match fields[..] {
            ["region", code, calling_code, lengths] => {
                let lengths: Vec<u8> = lengths.split(',').map(|n| n.parse().unwrap()).collect();
                known.insert(code.to_string(), (calling_code.parse::<u16>().unwrap(), lengths));
            }
            ["number", e164, theirs, valid, stripped] => {
                tally.numbers += 1;
                let region = region_of(e164);
                let ours = region.map(|r| r.code).unwrap_or("-");
                if let Some(region) = region {
                    // Refused exactly when libphonenumber's lengths for the region lack it.
                    let national = e164.len() - 1 - region.calling_code.to_string().len();
                    let possible = known[region.code].1.iter().any(|&n| usize::from(n) == national);
                    match checked_region(e164) {
                        Ok(found) => assert!(possible && found == Some(region), "{e164}"),
                        Err(e) => {
                            assert!(!possible, "{e164}: {e}");
                            assert!(
                                e.message.contains(region.code) && e.message.contains(e164),
                                "{e}"
                            );
                            tally.impossible_length += 1;
                        }
                    }
                }
                let valid = valid == "1";
                if ours == theirs {
                    tally.agree += 1;
                }
                match theirs {
                    "!" => tally.unparsed += 1,
                    // libphonenumber dropped a national prefix written after the calling code
                    // (+358 04...): the table takes the digits as they are.
                    _ if stripped == "1" => tally.national_prefix += 1,
                    "-" if ours != "-" => {
                        // Only inside a shared code, and only for a number no region has.
                        let code = region.unwrap().calling_code;
                        let shared = known.values().filter(|(c, _)| *c == code).count() > 1;
                        if shared && !valid {
                            tally.invalid_given_prefix_region += 1;
                        } else {
                            wrong.push(format!("{e164}: libphonenumber none, ours {ours}"));
                        }
                    }
                    "-" => {}
                    _ => {
                        tally.found += 1;
                        tally.valid += usize::from(valid);
                        if ours != theirs {
                            wrong.push(format!("{e164}: libphonenumber {theirs}, ours {ours}"));
                        }
                    }
                }
            }
            _ => panic!("unexpected line from numbers.py: {line}"),
        }
    }
    eprintln!(
        "{} numbers: the same region as libphonenumber for {} ({:.2}%); it found one for {} \
         ({} valid), ours differs on {}; {} invalid numbers in shared codes get their prefix's \
         region where it finds none; {} it could not parse; {} it read with a national prefix \
         after the calling code; {} refused for their length",
        tally.numbers,
        tally.agree,
        100.0 * tally.agree as f64 / tally.numbers as f64,
        tally.found,
        tally.valid,
        wrong.len(),
        tally.invalid_given_prefix_region,
        tally.unparsed,
        tally.national_prefix,
        tally.impossible_length,
    );
    assert_eq!(tally.numbers, COUNT);
    // Enough numbers of each kind that the comparison means something.
    assert!(tally.found > COUNT / 2 && tally.valid > COUNT / 3, "too few numbers with a region");
    assert!(wrong.is_empty(), "{} disagreements:\n{}", wrong.len(), wrong.join("\n"));

    // Every region of libphonenumber, with its calling code and lengths, and no other.
    let ours: BTreeMap<String, (u16, Vec<u8>)> = regions()
        .iter()
        .map(|r: &Region| (r.code.to_string(), (r.calling_code, r.possible_lengths.to_vec())))
        .collect();
    assert_eq!(ours, known);
}
