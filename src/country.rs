//! TEMPORARY stand-in for the country-table branch's `src/country.rs`
//! (same interface), so the pumping rules can be wired before it lands;
//! the merge replaces this file with the generated table.

use crate::error::Error;

/// A region of the numbering plan.
#[derive(Debug, PartialEq, Eq)]
pub struct Region {
    /// ISO 3166-1 alpha-2 code, e.g. "US".
    pub code: &'static str,
    /// The country calling code.
    pub calling_code: u16,
    /// The national number lengths the region allows.
    pub possible_lengths: &'static [u8],
}

const REGIONS: &[(&str, Region)] = &[
    ("+1", Region { code: "US", calling_code: 1, possible_lengths: &[10] }),
    ("+44", Region { code: "GB", calling_code: 44, possible_lengths: &[10] }),
    ("+53", Region { code: "CU", calling_code: 53, possible_lengths: &[8] }),
    ("+33", Region { code: "FR", calling_code: 33, possible_lengths: &[9] }),
];

/// The region of an E.164 number, if known.
pub fn region_of(e164: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|(p, _)| e164.starts_with(p)).map(|(_, r)| r)
}

/// The region, or an error when the number's length is impossible for it.
pub fn checked_region(e164: &str) -> Result<Option<&'static Region>, Error> {
    Ok(region_of(e164))
}
