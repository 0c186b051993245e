//! What an SMS body costs: its encoding and its number of segments.
//!
//! A body that fits the GSM 03.38 default alphabet goes as GSM-7: 160 septets
//! in one segment, 153 per segment once concatenated, and each character of
//! the extension table taking two septets (escape plus character). Anything
//! else goes as UCS-2: 70 UTF-16 units in one segment, 67 once concatenated.
//! Phones never split an escape sequence or a surrogate pair across segments,
//! so neither does the count.

/// The GSM 03.38 default alphabet, less the escape code.
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                          ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The extension table: reached through the escape code, two septets each.
const GSM7_EXTENSION: &str = "\u{0C}^{}\\[~]|€";

/// How an SMS body is sent: GSM-7 or UCS-2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Encoding {
    /// The GSM 03.38 default alphabet and its extension table, 7 bits a character.
    #[serde(rename = "GSM-7")]
    Gsm7,
    /// UTF-16, for any text GSM-7 cannot carry.
    #[serde(rename = "UCS-2")]
    Ucs2,
}

impl Encoding {
    /// The name used in the API: `GSM-7` or `UCS-2`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "UCS-2",
        }
    }

    /// Units in a message that fits one segment, and per segment beyond that
    /// (the rest of each segment carries the concatenation header).
    fn capacity(self) -> (u32, u32) {
        match self {
            Encoding::Gsm7 => (160, 153),
            Encoding::Ucs2 => (70, 67),
        }
    }

    /// Units the character takes: septets for GSM-7, UTF-16 units for UCS-2.
    fn units(self, c: char) -> u32 {
        match self {
            Encoding::Gsm7 => gsm7_septets(c).unwrap_or(1),
            Encoding::Ucs2 => c.len_utf16() as u32,
        }
    }
}

/// Septets a character takes in GSM-7, or `None` when it is not in GSM 03.38.
pub fn gsm7_septets(c: char) -> Option<u32> {
    // Bodies are mostly ASCII: look those up in a table built at compile
    // time rather than searching the alphabet for every character.
    const ASCII: [u8; 128] = ascii_septets();
    match c {
        c if c.is_ascii() => Some(ASCII[c as usize] as u32).filter(|&n| n > 0),
        '€' => Some(2),
        c if GSM7_BASIC.contains(c) => Some(1),
        _ => None,
    }
}

/// Septets per ASCII character (0: not in GSM 03.38).
const fn ascii_septets() -> [u8; 128] {
    let mut table = [0u8; 128];
    let (basic, extension) = (GSM7_BASIC.as_bytes(), GSM7_EXTENSION.as_bytes());
    let mut i = 0;
    while i < basic.len() {
        if basic[i] < 128 {
            table[basic[i] as usize] = 1;
        }
        i += 1;
    }
    let mut i = 0;
    while i < extension.len() {
        if extension[i] < 128 {
            table[extension[i] as usize] = 2;
        }
        i += 1;
    }
    table
}

/// The encoding an SMS body needs and the number of segments it takes.
pub fn measure(body: &str) -> (Encoding, u32) {
    let gsm7_septets: Option<u32> = body.chars().map(gsm7_septets).sum();
    match gsm7_septets {
        Some(septets) => (Encoding::Gsm7, segments(body, Encoding::Gsm7, septets)),
        None => {
            let units = body.encode_utf16().count() as u32;
            (Encoding::Ucs2, segments(body, Encoding::Ucs2, units))
        }
    }
}

fn segments(body: &str, encoding: Encoding, total: u32) -> u32 {
    let (single, per_part) = encoding.capacity();
    if total <= single {
        return 1;
    }
    let mut parts = 1;
    let mut used = 0;
    for c in body.chars() {
        let units = encoding.units(c);
        if used + units > per_part {
            parts += 1;
            used = 0;
        }
        used += units;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_alphabet_has_127_characters_plus_escape() {
        assert_eq!(GSM7_BASIC.chars().count(), 127);
        assert_eq!(GSM7_EXTENSION.chars().count(), 10);
        for c in GSM7_BASIC.chars() {
            assert!(!GSM7_EXTENSION.contains(c), "{c:?} is in both tables");
        }
    }

    #[test]
    fn classifies_characters() {
        for c in ['A', 'z', '0', '@', '$', '_', 'é', 'ñ', 'Ä', 'ß', 'Ω', '\n', '\r', '¿', ' ']
        {
            assert_eq!(gsm7_septets(c), Some(1), "{c:?}");
        }
        for c in ['^', '{', '}', '\\', '[', ']', '~', '|', '€', '\u{0C}'] {
            assert_eq!(gsm7_septets(c), Some(2), "{c:?}");
        }
        for c in ['`', 'á', 'ó', 'ú', 'ç', '\t', '☕', '日', '😀'] {
            assert_eq!(gsm7_septets(c), None, "{c:?}");
        }
    }

    #[test]
    fn gsm7_segments_at_the_bounds() {
        let cases = [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)];
        for (len, parts) in cases {
            assert_eq!(measure(&"a".repeat(len)), (Encoding::Gsm7, parts), "{len} septets");
        }
        assert_eq!(measure(""), (Encoding::Gsm7, 1));
    }

    #[test]
    fn extension_characters_count_twice() {
        assert_eq!(measure(&"€".repeat(80)), (Encoding::Gsm7, 1)); // 160 septets
        assert_eq!(measure(&"€".repeat(81)), (Encoding::Gsm7, 2)); // 162 septets
        assert_eq!(measure(&format!("{}{}", "a".repeat(158), "{")), (Encoding::Gsm7, 1));
        assert_eq!(measure(&format!("{}{}", "a".repeat(159), "{")), (Encoding::Gsm7, 2));
    }

    #[test]
    fn an_escape_sequence_is_not_split_across_segments() {
        // 152 septets, then a two-septet character that would straddle the
        // 153-septet boundary: it moves whole to the second segment.
        let body = format!("{}€{}", "a".repeat(152), "a".repeat(151));
        assert_eq!(measure(&body), (Encoding::Gsm7, 2));
        let body = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(measure(&body), (Encoding::Gsm7, 3));
    }

    #[test]
    fn ucs2_segments_at_the_bounds() {
        let cases = [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)];
        for (len, parts) in cases {
            assert_eq!(measure(&"日".repeat(len)), (Encoding::Ucs2, parts), "{len} units");
        }
    }

    #[test]
    fn ucs2_counts_utf16_units_and_keeps_surrogate_pairs_whole() {
        assert_eq!(measure(&"😀".repeat(35)), (Encoding::Ucs2, 1)); // 70 units
        assert_eq!(measure(&"😀".repeat(36)), (Encoding::Ucs2, 2)); // 72 units
                                                                    // 66 units, then a pair that would straddle the 67-unit boundary.
        let body = format!("{}😀{}", "日".repeat(66), "日".repeat(65));
        assert_eq!(measure(&body), (Encoding::Ucs2, 2));
        let body = format!("{}😀{}", "日".repeat(66), "日".repeat(66));
        assert_eq!(measure(&body), (Encoding::Ucs2, 3));
    }

    #[test]
    fn one_character_outside_gsm7_makes_the_whole_body_ucs2() {
        let body = format!("{}ó", "a".repeat(69));
        assert_eq!(measure(&body), (Encoding::Ucs2, 1));
        let body = format!("{}ó", "a".repeat(70));
        assert_eq!(measure(&body), (Encoding::Ucs2, 2));
    }

    #[test]
    fn names() {
        assert_eq!(Encoding::Gsm7.name(), "GSM-7");
        assert_eq!(Encoding::Ucs2.name(), "UCS-2");
    }
}
