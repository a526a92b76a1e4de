//! Ages and age bands (leeftijdsgroepen 0–4, 4–12, 12–18).

use chrono::{Datelike, Months, NaiveDate};

/// Completed years on `on`. Defined by subtracting whole years from `on`, the same way
/// [`born_on_or_before`] bounds are made, so that filters and computed ages always agree
/// (also for children born on 29 February).
pub fn age_on(date_of_birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - date_of_birth.year();
    if years > 0 && date_of_birth > years_before(on, years) {
        years -= 1;
    }
    years.max(0)
}

/// The latest date of birth of someone who is at least `years` old on `on`.
pub fn born_on_or_before(on: NaiveDate, years: i32) -> NaiveDate {
    years_before(on, years)
}

fn years_before(on: NaiveDate, years: i32) -> NaiveDate {
    on.checked_sub_months(Months::new(12 * years as u32)).unwrap_or(NaiveDate::MIN)
}

/// Age band (leeftijdsgroep) used by the method for activities and instruments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeBand {
    /// 0 tot 4 jaar.
    Age0To4,
    /// 4 tot 12 jaar.
    Age4To12,
    /// 12 tot 18 jaar.
    Age12To18,
}

impl AgeBand {
    /// The band for an age; none for adults.
    pub fn for_age(age: i32) -> Option<Self> {
        match age {
            ..4 => Some(Self::Age0To4),
            4..12 => Some(Self::Age4To12),
            12..18 => Some(Self::Age12To18),
            _ => None,
        }
    }

    /// Age range `[from, to)` in years.
    pub fn years(self) -> (i32, i32) {
        match self {
            Self::Age0To4 => (0, 4),
            Self::Age4To12 => (4, 12),
            Self::Age12To18 => (12, 18),
        }
    }

    /// Dates of birth in this band on `on`: born after the first date and on or before the second.
    pub fn birth_dates(self, on: NaiveDate) -> (NaiveDate, NaiveDate) {
        let (from, to) = self.years();
        (born_on_or_before(on, to), born_on_or_before(on, from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn age_counts_completed_years() {
        assert_eq!(age_on(d(2020, 6, 15), d(2026, 6, 14)), 5);
        assert_eq!(age_on(d(2020, 6, 15), d(2026, 6, 15)), 6);
        assert_eq!(age_on(d(2026, 1, 1), d(2026, 11, 24)), 0);
        assert_eq!(age_on(d(2027, 1, 1), d(2026, 11, 24)), 0);
    }

    #[test]
    fn leap_day_birthdays_are_consistent_with_band_filters() {
        let dob = d(2020, 2, 29);
        for on in [d(2021, 2, 27), d(2021, 2, 28), d(2021, 3, 1), d(2024, 2, 28), d(2024, 2, 29)] {
            for years in 0..6 {
                assert_eq!(age_on(dob, on) >= years, dob <= born_on_or_before(on, years), "{on} {years}");
            }
        }
    }

    #[test]
    fn bands_and_their_birth_dates_agree() {
        let today = d(2026, 11, 24);
        let mut dob = d(2007, 1, 1);
        while dob <= today {
            let band = AgeBand::for_age(age_on(dob, today));
            for b in [AgeBand::Age0To4, AgeBand::Age4To12, AgeBand::Age12To18] {
                let (after, on_or_before) = b.birth_dates(today);
                assert_eq!(band == Some(b), dob > after && dob <= on_or_before, "{dob} {b:?}");
            }
            dob = dob.succ_opt().unwrap();
        }
    }
}
