//! Spend caps: the SMS segments an application may send per UTC hour, UTC
//! day and calendar month (UTC), like Pinpoint's monthly SMS spending limit.
//! Segments are counted as [`crate::sms`] computes them (GSM-7 or UCS-2), and
//! a cap is never passed: a send whose segments would go over it is refused
//! until its window resets.
//!
//! One small record per application, stored under a keyed hash
//! ([`crate::record::Secret::spend_key`]) and written with compare-and-swap.

use crate::error::{Error, Exception};
use crate::limits::{seconds_until, Refusal, Rule};
use crate::policy::{Mode, SpendCaps};
use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime};

const HOUR_MS: u64 = 3_600_000;
const DAY_MS: u64 = 24 * HOUR_MS;

/// Segments sent in the current hour, day and month: `[window index, segments]`
/// each, the index counting hours, days or months (year × 12 + month − 1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct SpendRecord {
    /// This hour's.
    #[serde(rename = "h", default)]
    pub hour: (u32, u32),
    /// This day's.
    #[serde(rename = "d", default)]
    pub day: (u32, u32),
    /// This month's.
    #[serde(rename = "m", default)]
    pub month: (u32, u32),
}

/// Which window a cap is per.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Period {
    /// The UTC hour.
    Hour,
    /// The UTC day.
    Day,
    /// The calendar month, UTC.
    Month,
}

/// The segments sent in each window, this send's not included, for the
/// decision's log event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SpendFigures {
    /// This UTC hour's segments.
    pub hour: u32,
    /// This UTC day's.
    pub day: u32,
    /// This calendar month's.
    pub month: u32,
    /// This send's.
    pub segments: u32,
}

/// The windows `now_ms` falls in, and when each ends (ms).
fn windows(now_ms: u64) -> [(Period, u32, u64); 3] {
    let hour = now_ms / HOUR_MS;
    let day = now_ms / DAY_MS;
    let at = OffsetDateTime::from_unix_timestamp((now_ms / 1000) as i64)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let (year, month) = (at.year(), at.month());
    let (next_year, next_month) =
        if month == Month::December { (year + 1, Month::January) } else { (year, month.next()) };
    let month_ends = Date::from_calendar_date(next_year, next_month, 1)
        .map(|d| d.midnight().assume_utc().unix_timestamp() as u64 * 1000)
        .unwrap_or(u64::MAX);
    let month_index = (year.max(0) as u32) * 12 + u32::from(u8::from(month)) - 1;
    [
        (Period::Hour, hour as u32, (hour + 1) * HOUR_MS),
        (Period::Day, day as u32, (day + 1) * DAY_MS),
        (Period::Month, month_index, month_ends),
    ]
}

impl SpendRecord {
    /// The record as stored; none is an empty one.
    pub fn decode(stored: Option<&str>) -> Result<SpendRecord, Error> {
        match stored {
            None => Ok(SpendRecord::default()),
            Some(text) => serde_json::from_str(text).map_err(|_| {
                Error::new(Exception::InternalServerError, "A stored spend counter is unreadable")
            }),
        }
    }

    /// Compact JSON.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a spend record serializes")
    }

    fn counter(&mut self, period: Period) -> &mut (u32, u32) {
        match period {
            Period::Hour => &mut self.hour,
            Period::Day => &mut self.day,
            Period::Month => &mut self.month,
        }
    }

    /// The segments sent in the window `index` of `period` (0 once it has passed).
    fn used(&mut self, period: Period, index: u32) -> u32 {
        let c = self.counter(period);
        if c.0 == index {
            c.1
        } else {
            0
        }
    }
}

/// How long a TTL the record needs: until the month ends, at most 31 days.
pub const TTL_SECONDS: u32 = 31 * 24 * 3600;

/// A send of `segments` segments: refused when it would take a window past
/// its cap; an allowed one is counted in every window.
pub fn admit_spend(
    caps: &SpendCaps,
    mode: Mode,
    record: &SpendRecord,
    segments: u32,
    now_ms: u64,
) -> (Option<Refusal>, Option<SpendRecord>, SpendFigures) {
    let mut next = record.clone();
    let [h, d, m] = windows(now_ms);
    let figures = SpendFigures {
        hour: next.used(h.0, h.1),
        day: next.used(d.0, d.1),
        month: next.used(m.0, m.1),
        segments,
    };
    if mode == Mode::Off || !caps.any() {
        return (None, None, figures);
    }
    let refusal = [(h, caps.hour), (d, caps.day), (m, caps.month)].into_iter().find_map(
        |((period, index, ends_ms), cap)| {
            let cap = cap?;
            let used = next.used(period, index);
            if used.saturating_add(segments) <= cap {
                return None;
            }
            let retry = seconds_until(ends_ms - now_ms);
            let name = match period {
                Period::Hour => "hour (UTC)",
                Period::Day => "day (UTC)",
                Period::Month => "calendar month (UTC)",
            };
            Some(Refusal {
                rule: Rule::SpendCaps,
                limit: cap,
                window_seconds: ((ends_ms - now_ms) / 1000) as u32,
                count: used,
                retry_after_seconds: retry,
                message: format!(
                    "This application's SMS spend cap is reached: {used} of {cap} segments sent \
                     this {name}; sends resume in {retry} seconds"
                ),
                mode,
            })
        },
    );
    if refusal.as_ref().is_some_and(|r| r.mode == Mode::Enforce) {
        return (refusal, None, figures);
    }
    for (period, index, _) in [h, d, m] {
        let used = next.used(period, index);
        *next.counter(period) = (index, used + segments);
    }
    (refusal, Some(next), figures)
}

/// Takes back `segments` counted at `sent_at_ms` for a send that did not go.
pub fn unspend(record: &SpendRecord, segments: u32, sent_at_ms: u64) -> Option<SpendRecord> {
    let mut next = record.clone();
    let mut changed = false;
    for (period, index, _) in windows(sent_at_ms) {
        let c = next.counter(period);
        if c.0 == index && c.1 > 0 {
            c.1 = c.1.saturating_sub(segments);
            changed = true;
        }
    }
    changed.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-01-31T23:00:00Z: the last hour of a month.
    const T0: u64 = 1_769_900_400_000;
    const H: u64 = 3_600_000;

    fn caps(hour: Option<u32>, day: Option<u32>, month: Option<u32>) -> SpendCaps {
        SpendCaps { hour, day, month }
    }

    fn spend(c: &SpendCaps, r: &SpendRecord, segments: u32, at: u64) -> SpendRecord {
        let (refusal, next, _) = admit_spend(c, Mode::Enforce, r, segments, at);
        assert_eq!(refusal, None);
        next.unwrap()
    }

    #[test]
    fn an_hour_cap_is_never_passed_and_resets_on_the_hour() {
        let c = caps(Some(5), None, None);
        let r = spend(&c, &SpendRecord::default(), 3, T0);
        let r = spend(&c, &r, 2, T0 + 1000);
        let (refusal, next, figures) = admit_spend(&c, Mode::Enforce, &r, 1, T0 + 1800 * 1000);
        let refusal = refusal.unwrap();
        assert_eq!((refusal.rule, refusal.count, refusal.limit), (Rule::SpendCaps, 5, 5));
        assert_eq!(refusal.retry_after_seconds, 1800);
        assert_eq!(
            refusal.message,
            "This application's SMS spend cap is reached: 5 of 5 segments sent this hour (UTC); \
             sends resume in 1800 seconds"
        );
        assert_eq!((next, figures.hour), (None, 5));
        // A 2-segment message with 4 used would pass the cap: refused too.
        let r4 = spend(&c, &SpendRecord::default(), 4, T0);
        assert!(admit_spend(&c, Mode::Enforce, &r4, 2, T0).0.is_some());
        assert!(admit_spend(&c, Mode::Enforce, &r4, 1, T0).0.is_none());
        // At the hour it resets.
        assert!(admit_spend(&c, Mode::Enforce, &r, 1, T0 + H - 1).0.is_some());
        assert!(admit_spend(&c, Mode::Enforce, &r, 1, T0 + H).0.is_none());
    }

    #[test]
    fn a_month_cap_holds_until_the_first_of_the_next_month() {
        let c = caps(None, None, Some(2));
        // 2026-01-01T00:00:00Z, a month before T0's next hour.
        let first = T0 + H - 31 * 24 * H;
        let r = spend(&c, &SpendRecord::default(), 2, first);
        let refused = admit_spend(&c, Mode::Enforce, &r, 1, T0).0.unwrap();
        assert_eq!(refused.retry_after_seconds, 3600, "until 2026-02-01T00:00:00Z");
        assert!(refused.message.contains("this calendar month (UTC)"));
        assert!(admit_spend(&c, Mode::Enforce, &r, 1, T0 + H).0.is_none());
        // December rolls over to January.
        let dec = 1_798_675_200_000; // 2026-12-31T00:00:00Z
        let r = spend(&c, &SpendRecord::default(), 2, dec);
        assert_eq!(
            admit_spend(&c, Mode::Enforce, &r, 1, dec).0.unwrap().retry_after_seconds,
            86_400
        );
    }

    #[test]
    fn a_day_cap_counts_every_hour_of_the_day() {
        let c = caps(Some(100), Some(3), None);
        let day = T0 - 23 * H; // 2026-01-31T00:00:00Z
        let r = spend(&c, &SpendRecord::default(), 1, day);
        let r = spend(&c, &r, 2, day + 5 * H);
        let refused = admit_spend(&c, Mode::Enforce, &r, 1, day + 10 * H).0.unwrap();
        assert_eq!((refused.count, refused.retry_after_seconds), (3, 14 * 3600));
    }

    #[test]
    fn monitor_counts_and_refuses_nothing_off_counts_nothing() {
        let c = caps(Some(1), None, None);
        let r = spend(&c, &SpendRecord::default(), 1, T0);
        let (refusal, next, _) = admit_spend(&c, Mode::Monitor, &r, 1, T0);
        assert_eq!(refusal.unwrap().mode, Mode::Monitor);
        assert_eq!(next.unwrap().hour.1, 2);
        assert_eq!(admit_spend(&c, Mode::Off, &r, 1, T0).1, None);
        assert_eq!(
            admit_spend(&SpendCaps::default(), Mode::Enforce, &r, 1, T0).1,
            None,
            "no caps, no counter"
        );
    }

    #[test]
    fn segments_taken_back_and_records_round_trip() {
        let c = caps(Some(10), Some(10), Some(10));
        let r = spend(&c, &SpendRecord::default(), 3, T0);
        let back = unspend(&r, 3, T0).unwrap();
        assert_eq!((back.hour.1, back.day.1, back.month.1), (0, 0, 0));
        let text = r.encode();
        assert_eq!(
            text,
            format!("{{\"h\":[{},3],\"d\":[{},3],\"m\":[{},3]}}", T0 / H, T0 / (24 * H), 2026 * 12)
        );
        assert_eq!(SpendRecord::decode(Some(&text)).unwrap(), r);
    }
}
