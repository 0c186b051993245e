//! One-time codes and message ids: uniform draws from a CSPRNG.
//!
//! The generator is rand's `StdRng` (ChaCha12), seeded from the platform
//! through getrandom (Web Crypto's `getRandomValues` on WebAssembly, the OS
//! elsewhere) the first time a code is asked for, never before: Cloudflare
//! Workers refuse random values while a module loads, and nothing here runs
//! at load time. Seeding once per engine keeps each code off the Web Crypto
//! boundary.

use crate::error::{Error, Exception};
use rand::distr::{Distribution, Uniform};
use rand::rngs::StdRng;
use rand::SeedableRng;

/// Pinpoint's SMS message ids: 40 lowercase letters and digits.
pub const MESSAGE_ID_LENGTH: usize = 40;
const MESSAGE_ID_ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// The random source of one engine, seeded on first use.
#[derive(Default)]
pub struct Entropy {
    rng: Option<StdRng>,
}

impl Entropy {
    /// A source not yet seeded: the platform is asked for a seed on first use, never at module
    /// load.
    pub fn new() -> Entropy {
        Entropy { rng: None }
    }

    /// A source seeded from `seed`: reproducible, for tests only.
    pub fn from_seed(seed: u64) -> Entropy {
        Entropy { rng: Some(StdRng::seed_from_u64(seed)) }
    }

    fn rng(&mut self) -> Result<&mut StdRng, Error> {
        if self.rng.is_none() {
            let rng = StdRng::try_from_os_rng().map_err(|e| {
                Error::new(
                    Exception::InternalServerError,
                    format!("No secure random source is available: {e}"),
                )
            })?;
            self.rng = Some(rng);
        }
        Ok(self.rng.as_mut().expect("seeded above"))
    }

    /// A code of `length` digits (1 to 9), leading zeros kept. Uniform over
    /// all 10^length codes: rand's `Uniform` rejects the biased tail of each
    /// draw (Lemire's method), so no code is likelier than another.
    pub fn code(&mut self, length: u32) -> Result<String, Error> {
        assert!((1..=9).contains(&length), "code lengths fit in a u32 draw");
        let codes = Uniform::new(0, 10u32.pow(length)).expect("a non-empty range");
        let n = codes.sample(self.rng()?);
        Ok(format!("{n:0width$}", width = length as usize))
    }

    /// A message id like Pinpoint's: 40 characters from a-z and 0-9.
    pub fn message_id(&mut self) -> Result<String, Error> {
        let index = Uniform::new(0, MESSAGE_ID_ALPHABET.len()).expect("a non-empty range");
        let rng = self.rng()?;
        Ok((0..MESSAGE_ID_LENGTH).map(|_| MESSAGE_ID_ALPHABET[index.sample(rng)] as char).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_length_asked_for_and_only_digits() {
        let mut entropy = Entropy::new();
        for length in 5..=8 {
            for _ in 0..1000 {
                let code = entropy.code(length).unwrap();
                assert_eq!(code.len(), length as usize);
                assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
            }
        }
    }

    #[test]
    fn leading_zeros_are_kept() {
        // One code in ten starts with 0, so 200 codes have some.
        let mut entropy = Entropy::from_seed(7);
        let codes: Vec<String> = (0..200).map(|_| entropy.code(5).unwrap()).collect();
        assert!(codes.iter().any(|c| c.starts_with('0')), "{codes:?}");
        assert!(codes.iter().all(|c| c.len() == 5));
    }

    #[test]
    fn the_platform_source_differs_between_engines() {
        let a: Vec<String> = (0..4).map(|_| Entropy::new().code(8).unwrap()).collect();
        assert!(a.windows(2).any(|w| w[0] != w[1]), "{a:?}");
    }

    #[test]
    fn message_ids_look_like_pinpoints() {
        let mut entropy = Entropy::new();
        let ids: Vec<String> = (0..100).map(|_| entropy.message_id().unwrap()).collect();
        for id in &ids {
            assert_eq!(id.len(), 40);
            assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{id}");
        }
        let mut distinct = ids.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), ids.len());
        // Every character of the alphabet turns up across 4,000 draws.
        let all: String = ids.concat();
        assert!(MESSAGE_ID_ALPHABET.iter().all(|&c| all.contains(c as char)));
    }

    /// Pearson's chi-square over digit counts. With 9 degrees of freedom the
    /// statistic exceeds 37.7 with probability 2.0e-5 for a fair source, so
    /// the 30 checks here falsely fail about once in 1,700 runs of the suite.
    fn chi_square(counts: &[u64; 10]) -> f64 {
        let total: u64 = counts.iter().sum();
        let expected = total as f64 / 10.0;
        counts.iter().map(|&c| (c as f64 - expected).powi(2) / expected).sum()
    }

    const CRITICAL: f64 = 37.7;

    #[test]
    fn digits_are_uniform_in_every_position() {
        let mut entropy = Entropy::new();
        for length in 5..=8usize {
            let mut overall = [0u64; 10];
            let mut by_position = vec![[0u64; 10]; length];
            for _ in 0..100_000 {
                let code = entropy.code(length as u32).unwrap();
                for (position, digit) in code.bytes().enumerate() {
                    let d = (digit - b'0') as usize;
                    overall[d] += 1;
                    by_position[position][d] += 1;
                }
            }
            let stat = chi_square(&overall);
            assert!(stat < CRITICAL, "length {length}: chi-square {stat:.1} over {overall:?}");
            for (position, counts) in by_position.iter().enumerate() {
                let stat = chi_square(counts);
                assert!(stat < CRITICAL, "length {length} position {position}: {stat:.1}");
            }
        }
    }

    #[test]
    fn the_chi_square_check_can_fail() {
        // A source that never yields 9 in the last position must be caught.
        let mut counts = [10_000u64; 10];
        counts[9] = 0;
        counts[0] += 10_000;
        assert!(chi_square(&counts) > CRITICAL);
        // And so must a digit drawn as (random byte % 10), where 0-5 come
        // up 26 times in 256 and 6-9 only 25, over a million digits.
        let mut folded = [0u64; 10];
        for byte in 0..=255u32 {
            folded[(byte % 10) as usize] += 4_000;
        }
        assert!(chi_square(&folded) > CRITICAL, "{:.1}", chi_square(&folded));
        // And a fair tally passes.
        assert!(chi_square(&[10_000; 10]) < CRITICAL);
    }
}
