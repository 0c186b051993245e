//! One-time codes: uniformly random decimal strings, leading zeros allowed.
//!
//! Randomness comes from the platform (Web Crypto's `getRandomValues` on
//! WebAssembly, the OS elsewhere) only when a code is asked for: Cloudflare
//! Workers refuse random values while a module loads, and nothing here runs
//! at load time.

use crate::error::{Error, Exception};

/// Random bytes drawn in one call to the platform and handed out as needed,
/// since each call into Web Crypto crosses the WebAssembly boundary.
pub struct Entropy {
    buf: [u8; 256],
    used: usize,
}

impl Entropy {
    pub fn new() -> Entropy {
        Entropy { buf: [0; 256], used: 256 }
    }

    pub fn fill(&mut self, out: &mut [u8]) -> Result<(), Error> {
        for b in out {
            if self.used == self.buf.len() {
                getrandom::fill(&mut self.buf).map_err(|e| {
                    Error::new(
                        Exception::InternalServerError,
                        format!("No secure random source is available: {e}"),
                    )
                })?;
                self.used = 0;
            }
            *b = self.buf[self.used];
            self.used += 1;
        }
        Ok(())
    }

    pub fn next_u32(&mut self) -> Result<u32, Error> {
        let mut b = [0; 4];
        self.fill(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
}

impl Default for Entropy {
    fn default() -> Self {
        Entropy::new()
    }
}

/// A code of `length` digits (1 to 9) from the platform's secure random source.
pub fn generate(length: u32, entropy: &mut Entropy) -> Result<String, Error> {
    generate_from(length, || entropy.next_u32())
}

/// A code of `length` digits from uniform 32-bit draws. Draws at or above the
/// largest multiple of 10^length are thrown away, so every code is equally
/// likely (no modulo bias).
pub fn generate_from(
    length: u32,
    mut next_u32: impl FnMut() -> Result<u32, Error>,
) -> Result<String, Error> {
    assert!((1..=9).contains(&length), "code lengths fit in a u32 draw");
    let modulus = 10u32.pow(length);
    let limit = rejection_limit(modulus);
    loop {
        let draw = next_u32()?;
        if draw < limit {
            return Ok(format!("{:0width$}", draw % modulus, width = length as usize));
        }
    }
}

/// The largest multiple of `modulus` that fits in 2^32, as a bound on draws.
fn rejection_limit(modulus: u32) -> u32 {
    let span = 1u64 << 32;
    (span - span % modulus as u64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_length_asked_for_and_only_digits() {
        let mut entropy = Entropy::new();
        for length in 5..=8 {
            for _ in 0..1000 {
                let code = generate(length, &mut entropy).unwrap();
                assert_eq!(code.len(), length as usize);
                assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
            }
        }
    }

    #[test]
    fn leading_zeros_are_kept() {
        let mut draws = [7u32].into_iter();
        assert_eq!(generate_from(6, || Ok(draws.next().unwrap())).unwrap(), "000007");
        let mut draws = [0u32].into_iter();
        assert_eq!(generate_from(8, || Ok(draws.next().unwrap())).unwrap(), "00000000");
    }

    #[test]
    fn draws_in_the_biased_tail_are_rejected() {
        for length in 5..=8 {
            let modulus = 10u32.pow(length);
            let limit = rejection_limit(modulus);
            assert_eq!(limit as u64 % modulus as u64, 0);
            assert!((1u64 << 32) - (limit as u64) < modulus as u64);
            // The last draw below the limit is used...
            let mut draws = [limit - 1].into_iter();
            let expected = format!("{:0w$}", modulus - 1, w = length as usize);
            assert_eq!(generate_from(length, || Ok(draws.next().unwrap())).unwrap(), expected);
            // ...and the first at the limit, or the largest, is drawn again.
            let mut draws = [limit, u32::MAX, 42].into_iter();
            let expected = format!("{:0w$}", 42, w = length as usize);
            assert_eq!(generate_from(length, || Ok(draws.next().unwrap())).unwrap(), expected);
        }
    }

    #[test]
    fn entropy_hands_out_fresh_bytes_across_refills() {
        let mut entropy = Entropy::new();
        let mut a = [0u8; 100];
        let mut b = [0u8; 100];
        entropy.fill(&mut a).unwrap();
        entropy.fill(&mut b).unwrap();
        assert_ne!(a, b);
        assert_ne!(a[..64], a[64..]);
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
                let code = generate(length as u32, &mut entropy).unwrap();
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
        // And a fair tally passes.
        assert!(chi_square(&[10_000; 10]) < CRITICAL);
    }
}
