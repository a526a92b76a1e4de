//! When a Handle with Care notice is due: before the next school day starts, in Dutch time.
//! School days are Monday to Friday from 08:30; school holidays are not known here, so a
//! notice during a holiday is due by the next weekday — earlier than needed, never later.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

const SCHOOL_STARTS: (u32, u32) = (8, 30);

/// The last Sunday of `month` in `year`.
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next_month =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    let last = next_month.expect("valid month") - Days::new(1);
    last - Days::new(last.weekday().num_days_from_sunday() as u64)
}

/// Dutch time's offset from UTC in hours at `at`: CEST (+2) from the last Sunday of March
/// 01:00 UTC to the last Sunday of October 01:00 UTC, CET (+1) otherwise.
fn offset_hours(at: DateTime<Utc>) -> i64 {
    let year = at.year();
    let utc = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(1, 0, 0).expect("valid time"));
    if at >= utc(last_sunday(year, 3)) && at < utc(last_sunday(year, 10)) { 2 } else { 1 }
}

/// The start of the first school day after `at`.
pub fn next_school_day_start(at: DateTime<Utc>) -> DateTime<Utc> {
    let local = at.naive_utc() + chrono::Duration::hours(offset_hours(at));
    let start = NaiveTime::from_hms_opt(SCHOOL_STARTS.0, SCHOOL_STARTS.1, 0).expect("valid time");
    let mut day = local.date();
    loop {
        let school_day = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let candidate = day.and_time(start);
        if school_day && candidate > local {
            // Convert back with the offset in force at that moment.
            let guess = Utc.from_utc_datetime(&(candidate - chrono::Duration::hours(1)));
            return Utc.from_utc_datetime(&(candidate - chrono::Duration::hours(offset_hours(guess))));
        }
        day = day + Days::new(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn due_before_the_next_school_morning_in_dutch_time() {
        // Tuesday 25 November 2026, 20:00 Dutch time (CET) → Wednesday 08:30 CET = 07:30 UTC.
        assert_eq!(next_school_day_start(utc("2026-11-25T19:00:00Z")), utc("2026-11-26T07:30:00Z"));
        // Wednesday 06:00 CET, before school → the same morning.
        assert_eq!(next_school_day_start(utc("2026-11-25T05:00:00Z")), utc("2026-11-25T07:30:00Z"));
        // Friday evening → Monday.
        assert_eq!(next_school_day_start(utc("2026-11-27T18:00:00Z")), utc("2026-11-30T07:30:00Z"));
        // Summer time: Thursday 11 June 2026 22:00 CEST → Friday 08:30 CEST = 06:30 UTC.
        assert_eq!(next_school_day_start(utc("2026-06-11T20:00:00Z")), utc("2026-06-12T06:30:00Z"));
        // Over the October change: Saturday 24 Oct (CEST) → Monday 26 Oct 08:30 CET = 07:30 UTC.
        assert_eq!(next_school_day_start(utc("2026-10-24T12:00:00Z")), utc("2026-10-26T07:30:00Z"));
    }

    #[test]
    fn summer_time_runs_between_the_last_sundays_of_march_and_october() {
        assert_eq!(last_sunday(2026, 3), "2026-03-29".parse::<NaiveDate>().unwrap());
        assert_eq!(last_sunday(2026, 10), "2026-10-25".parse::<NaiveDate>().unwrap());
        assert_eq!(offset_hours(utc("2026-03-29T00:59:00Z")), 1);
        assert_eq!(offset_hours(utc("2026-03-29T01:00:00Z")), 2);
        assert_eq!(offset_hours(utc("2026-10-25T01:00:00Z")), 1);
    }
}
