//! SigV4's dates: milliseconds since the epoch <-> YYYYMMDDTHHMMSSZ, and the
//! HTTP date a `Date` header may carry instead.

const MS_PER_DAY: u64 = 86_400_000;

/// `YYYYMMDDTHHMMSSZ` for a time in milliseconds since 1970 (UTC; the
/// milliseconds are dropped).
pub fn amz_date_from_ms(ms: u64) -> String {
    let (year, month, day) = civil_from_days((ms / MS_PER_DAY) as i64);
    let secs = ms % MS_PER_DAY / 1000;
    format!("{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

/// The inverse of [`amz_date_from_ms`]; `None` unless the text is exactly a
/// valid `YYYYMMDDTHHMMSSZ` from 1970 on.
pub fn ms_from_amz_date(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if !s.is_ascii() || b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = &s[range];
        digits.bytes().all(|d| d.is_ascii_digit()).then(|| digits.parse().ok())?
    };
    ms_from_civil(num(0..4)?, num(4..6)?, num(6..8)?, num(9..11)?, num(11..13)?, num(13..15)?)
}

/// An HTTP date (RFC 7231 IMF-fixdate), the form of the `Date` header.
pub(super) fn ms_from_http_date(s: &str) -> Option<u64> {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let parts: Vec<&str> = s.split_ascii_whitespace().collect();
    let [weekday, day, month, year, time, "GMT"] = parts[..] else { return None };
    if !weekday.ends_with(',') || day.len() != 2 || year.len() != 4 {
        return None;
    }
    let month = MONTHS.iter().position(|&m| m == month)? as u32 + 1;
    let hms: Vec<u32> = time.split(':').map(|t| t.parse().ok()).collect::<Option<_>>()?;
    let [hour, minute, second] = hms[..] else { return None };
    ms_from_civil(year.parse().ok()?, month, day.parse().ok()?, hour, minute, second)
}

fn ms_from_civil(year: u32, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> Option<u64> {
    let valid = year >= 1970
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && hour < 24
        && min < 60
        && sec < 60;
    if !valid {
        return None;
    }
    let days = days_from_civil(year as i64, month, day) as u64;
    Some(days * MS_PER_DAY + (hour as u64 * 3600 + min as u64 * 60 + sec as u64) * 1000)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm: count in 400-year eras of years starting in March).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month as i64 + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_dates_round_trip() {
        let cases = [
            (0, "19700101T000000Z"),
            (1_440_938_160_000, "20150830T123600Z"),
            (951_782_400_000, "20000229T000000Z"), // leap day of a century leap year
            (951_868_799_000, "20000229T235959Z"),
            (1_709_164_800_000, "20240229T000000Z"),
            (2_147_483_647_000, "20380119T031407Z"), // the last second of signed 32-bit time
            (2_147_483_648_000, "20380119T031408Z"),
            (4_107_542_400_000, "21000301T000000Z"), // 2100 is not a leap year
            (253_402_300_799_000, "99991231T235959Z"),
        ];
        for (ms, text) in cases {
            assert_eq!(amz_date_from_ms(ms), text);
            assert_eq!(ms_from_amz_date(text), Some(ms), "{text}");
        }
        assert_eq!(amz_date_from_ms(1_440_938_160_999), "20150830T123600Z");
    }

    #[test]
    fn malformed_amz_dates_are_refused() {
        for text in [
            "",
            "20150830T123600",
            "2015-08-30T12:36:00Z",
            "20150830 123600Z",
            "20150230T123600Z",
            "21000229T000000Z",
            "20151301T000000Z",
            "20150830T240000Z",
            "20150830T126000Z",
            "19691231T235959Z",
            "2015083OT123600Z",
            "+2015830T123600Z",
        ] {
            assert_eq!(ms_from_amz_date(text), None, "{text}");
        }
    }

    #[test]
    fn http_dates_parse() {
        assert_eq!(ms_from_http_date("Sun, 30 Aug 2015 12:36:00 GMT"), Some(1_440_938_160_000));
        assert_eq!(ms_from_http_date("Sun, 30 Aug 2015 12:36:00 UTC"), None);
        assert_eq!(ms_from_http_date("30 Aug 2015 12:36:00 GMT"), None);
    }
}
