//! The country of a phone number: the region (ISO 3166-1 alpha-2 code) of an
//! E.164 number as libphonenumber finds it, from the table that
//! scripts/country-table.py generates from libphonenumber's metadata into
//! src/country_table.rs. Inside a shared calling code (+1's NANP countries,
//! +7, +44, ...) the region is that of the longest matching prefix.

use crate::country_table::{NO_REGION, PREFIXES, PREFIX_REGIONS, REGIONS};
use crate::error::Error;
use crate::params::DESTINATION_IDENTITY;

pub use crate::country_table::PHONENUMBERS_VERSION;

/// A region of the world's numbering plan: its ISO 3166-1 alpha-2 code
/// (libphonenumber's region code, e.g. "US", "CA", "JM", "GB", "GG", "KZ"),
/// its country calling code, and the national number lengths it allows.
#[derive(Debug, PartialEq, Eq)]
pub struct Region {
    /// ISO 3166-1 alpha-2 code, as libphonenumber spells it.
    pub code: &'static str,
    /// Country calling code, e.g. 1 for the NANP countries.
    pub calling_code: u16,
    /// Lengths a national number of the region may have (libphonenumber's
    /// possible lengths, its local-only ones left out), ascending.
    pub possible_lengths: &'static [u8],
}

/// Every region libphonenumber knows (non-geographic codes aside), by code.
pub fn regions() -> &'static [Region] {
    REGIONS
}

/// The region of an E.164 number (already checked as E.164 by params.rs), as
/// libphonenumber finds it; None for a non-geographic code (+800, +882, ...),
/// an unassigned one, or a prefix of a shared code that no region has (e.g.
/// an unassigned NANP area code). Inside a shared code, a number that no
/// region would accept as valid gets the region of its prefix, where
/// libphonenumber answers none.
pub fn region_of(e164: &str) -> Option<&'static Region> {
    let digits = e164.strip_prefix('+')?.as_bytes();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Each prefix as a number (the first digit is never 0), the longest first;
    // a prefix too long for the table's integers can't be in it.
    let mut prefixes = [0u32; 10];
    let mut value = 0u64;
    let mut count = 0;
    for &d in digits.iter().take(prefixes.len()) {
        value = value * 10 + u64::from(d - b'0');
        let Ok(prefix) = u32::try_from(value) else { break };
        prefixes[count] = prefix;
        count += 1;
    }
    let found =
        prefixes[..count].iter().rev().find_map(|prefix| PREFIXES.binary_search(prefix).ok())?;
    match PREFIX_REGIONS[found] {
        NO_REGION => None,
        region => REGIONS.get(usize::from(region)),
    }
}

/// The same, refusing with `BadRequestException` a number whose national
/// number has a length its region never has.
pub fn checked_region(e164: &str) -> Result<Option<&'static Region>, Error> {
    let Some(region) = region_of(e164) else { return Ok(None) };
    let national = e164.len() - 1 - region.calling_code.to_string().len();
    match u8::try_from(national) {
        Ok(length) if region.possible_lengths.contains(&length) => Ok(Some(region)),
        _ => Err(Error::bad_field(
            DESTINATION_IDENTITY,
            format!(
                "DestinationIdentity is not a possible phone number in {} (+{}): a national \
                 number there has {} digits, got {} in {e164:?}",
                region.code,
                region.calling_code,
                lengths(region.possible_lengths),
                national,
            ),
        )),
    }
}

/// Lengths as a reader says them: "10", "9 or 10", "7, 9 or 10", "6 to 12".
fn lengths(lengths: &[u8]) -> String {
    let contiguous = lengths.windows(2).all(|w| w[1] == w[0] + 1);
    match lengths {
        [] => String::from("no"),
        [one] => one.to_string(),
        [first, .., last] if contiguous && lengths.len() > 2 => format!("{first} to {last}"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(u8::to_string).collect();
            format!("{} or {last}", init.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exception;

    fn code(e164: &str) -> Option<&'static str> {
        region_of(e164).map(|r| r.code)
    }

    #[test]
    fn nanp_countries_are_told_apart_by_area_code() {
        for (number, region) in [
            ("+12065550100", "US"), // Seattle
            ("+14165550100", "CA"), // Toronto
            ("+16045550100", "CA"), // Vancouver
            ("+18765550100", "JM"), // Jamaica
            ("+16585550100", "JM"), // Jamaica's second area code
            ("+17875550100", "PR"), // Puerto Rico
            ("+19395550100", "PR"),
            ("+12425550100", "BS"), // Bahamas
            ("+14415550100", "BM"), // Bermuda
            ("+18685550100", "TT"), // Trinidad and Tobago
            ("+16715550100", "GU"), // Guam
            ("+13405550100", "VI"), // US Virgin Islands
            ("+18095550100", "DO"), // Dominican Republic
            ("+18295550100", "DO"),
            ("+18005550100", "US"), // toll-free: libphonenumber answers the first region
        ] {
            assert_eq!(code(number), Some(region), "{number}");
            assert_eq!(region_of(number).unwrap().calling_code, 1);
        }
    }

    #[test]
    fn kazakhstan_shares_russias_code() {
        assert_eq!(code("+74951234567"), Some("RU")); // Moscow
        assert_eq!(code("+79123456789"), Some("RU")); // a Russian mobile
        assert_eq!(code("+77012345678"), Some("KZ")); // a Kazakh mobile
        assert_eq!(code("+77172123456"), Some("KZ")); // Astana
        assert_eq!(region_of("+77012345678").unwrap().calling_code, 7);
    }

    #[test]
    fn crown_dependencies_share_the_uks_code() {
        assert_eq!(code("+442071234567"), Some("GB")); // London
        assert_eq!(code("+447400123456"), Some("GB")); // a UK mobile
        assert_eq!(code("+441481256789"), Some("GG")); // Guernsey
        assert_eq!(code("+447781123456"), Some("GG"));
        assert_eq!(code("+441534456789"), Some("JE")); // Jersey
        assert_eq!(code("+447797123456"), Some("JE"));
        assert_eq!(code("+441624756789"), Some("IM")); // Isle of Man
        assert_eq!(code("+447624123456"), Some("IM"));
    }

    #[test]
    fn single_region_codes_and_others() {
        assert_eq!(code("+33612345678"), Some("FR"));
        assert_eq!(code("+4915112345678"), Some("DE"));
        assert_eq!(code("+919876543210"), Some("IN"));
        assert_eq!(code("+2348031234567"), Some("NG"));
        assert_eq!(code("+390669812345"), Some("VA")); // the Vatican inside Italy's +39
        assert_eq!(code("+393123456789"), Some("IT"));
        assert_eq!(code("+262269612345"), Some("YT")); // Mayotte inside Réunion's +262
        assert_eq!(code("+262262123456"), Some("RE"));
    }

    #[test]
    fn non_geographic_and_unassigned_codes_have_no_region() {
        assert_eq!(code("+80012345678"), None); // international freephone
        assert_eq!(code("+882123456789"), None); // international networks
        assert_eq!(code("+8812345678"), None); // global mobile satellite
        assert_eq!(code("+2921234567"), None); // unassigned
        assert_eq!(code("+9991234567"), None);
        assert_eq!(code("+19995550100"), None); // an unassigned NANP area code
        assert_eq!(code("+13705550100"), None);
        assert_eq!(checked_region("+80012345678"), Ok(None));
    }

    #[test]
    fn possible_lengths_come_with_the_region() {
        let us = region_of("+12065550100").unwrap();
        assert_eq!((us.code, us.calling_code, us.possible_lengths), ("US", 1, &[10][..]));
        assert_eq!(checked_region("+12065550100"), Ok(Some(us)));
        assert_eq!(checked_region("+447400123456").unwrap().map(|r| r.code), Some("GB"));
    }

    #[test]
    fn impossible_lengths_are_refused_naming_region_and_lengths() {
        let e = checked_region("+1206555010").unwrap_err();
        assert_eq!(e.exception, Exception::BadRequest);
        assert_eq!(e.field, Some("DestinationIdentity"));
        assert_eq!(
            e.message,
            "DestinationIdentity is not a possible phone number in US (+1): a national number \
             there has 10 digits, got 9 in \"+1206555010\""
        );
        let e = checked_region("+4420712345").unwrap_err();
        assert_eq!(
            e.message,
            "DestinationIdentity is not a possible phone number in GB (+44): a national number \
             there has 7, 9 or 10 digits, got 8 in \"+4420712345\""
        );
        assert!(checked_region("+3361234567").is_err()); // FR: 9 digits
        assert!(checked_region("+33612345678").is_ok());
    }

    #[test]
    fn lengths_read_as_a_sentence() {
        assert_eq!(lengths(&[10]), "10");
        assert_eq!(lengths(&[9, 10]), "9 or 10");
        assert_eq!(lengths(&[7, 9, 10]), "7, 9 or 10");
        assert_eq!(lengths(&[6, 7, 8, 9]), "6 to 9");
    }

    #[test]
    fn the_table_is_sorted_and_points_at_regions() {
        assert!(PREFIXES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(PREFIXES.len(), PREFIX_REGIONS.len());
        assert!(PREFIX_REGIONS.iter().all(|&r| r == NO_REGION || usize::from(r) < REGIONS.len()));
        assert!(REGIONS.windows(2).all(|w| w[0].code < w[1].code));
    }
}
