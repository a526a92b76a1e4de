//! Verwijsindex signals: how long a signal may run. It expires on its end date
//! (`partners::reference_index::expire_due`).

use super::age::age_on;
use chrono::{Months, NaiveDate};

/// A signal runs at most this long.
pub const MAX_MONTHS: u32 = 24;
/// Signals end on the child's 23rd birthday at the latest.
pub const AGE_LIMIT: u32 = 23;

/// The last day a signal started on `start` may run: two years later or the child's 23rd
/// birthday, whichever comes first.
pub fn latest_end(start: NaiveDate, date_of_birth: NaiveDate) -> NaiveDate {
    let two_years = start.checked_add_months(Months::new(MAX_MONTHS)).unwrap_or(NaiveDate::MAX);
    let birthday = date_of_birth.checked_add_months(Months::new(12 * AGE_LIMIT)).unwrap_or(NaiveDate::MAX);
    two_years.min(birthday)
}

/// Checks a registration's dates; returns the end date (the latest allowed when none is
/// asked) or the field and message of the problem.
pub fn check_period(
    start: NaiveDate,
    end: Option<NaiveDate>,
    date_of_birth: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, (&'static str, String)> {
    if start > today {
        return Err(("input.startOn", "a signal cannot start in the future".into()));
    }
    if age_on(date_of_birth, start) >= AGE_LIMIT as i32 {
        return Err(("input.childId", "the Verwijsindex registers young people under 23 only".into()));
    }
    let latest = latest_end(start, date_of_birth);
    match end {
        None => Ok(latest),
        Some(e) if e <= start => Err(("input.endOn", "the end date must lie after the start date".into())),
        Some(e) if e > latest => Err((
            "input.endOn",
            format!("a signal runs at most two years and ends by the 23rd birthday: {latest} at the latest"),
        )),
        Some(e) => Ok(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_signal_ends_after_two_years_or_on_the_23rd_birthday() {
        assert_eq!(latest_end(d("2026-11-25"), d("2016-03-01")), d("2028-11-25"));
        assert_eq!(latest_end(d("2026-11-25"), d("2004-06-30")), d("2027-06-30"));
        assert_eq!(latest_end(d("2024-02-29"), d("2020-01-01")), d("2026-02-28"));
    }

    #[test]
    fn periods_are_checked_with_their_field() {
        let today = d("2026-11-25");
        assert_eq!(check_period(today, None, d("2016-03-01"), today), Ok(d("2028-11-25")));
        assert_eq!(check_period(today, Some(d("2027-01-01")), d("2016-03-01"), today), Ok(d("2027-01-01")));
        assert_eq!(check_period(today, Some(d("2028-11-26")), d("2016-03-01"), today).unwrap_err().0, "input.endOn");
        assert_eq!(check_period(today, Some(today), d("2016-03-01"), today).unwrap_err().0, "input.endOn");
        assert_eq!(check_period(d("2026-11-26"), None, d("2016-03-01"), today).unwrap_err().0, "input.startOn");
        assert_eq!(check_period(today, None, d("2003-01-01"), today).unwrap_err().0, "input.childId");
    }
}
