//! The reporting period of the norm figures: a year, a quarter, a month, or any range of days.

use chrono::{Datelike, Days, Months, NaiveDate};
use std::fmt;

/// A period of whole days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Year,
    Quarter,
    Month,
    Days,
}

/// Why a period could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError(pub String);

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const FORMS: &str = "give a year (2026), a quarter (2026-Q3), a month (2026-11) or days (2026-07-01..2026-09-30)";

impl Period {
    /// Reads "2026", "2026-Q3", "2026-11" or "2026-07-01..2026-09-30".
    pub fn parse(s: &str) -> Result<Self, PeriodError> {
        let s = s.trim();
        let bad = || PeriodError(format!("{s:?} is no period: {FORMS}"));
        if let Some((from, to)) = s.split_once("..") {
            let day = |d: &str| {
                d.trim().parse::<NaiveDate>().ok().filter(|d| (1900..=9999).contains(&d.year())).ok_or_else(bad)
            };
            let (from, to) = (day(from)?, day(to)?);
            if to < from {
                return Err(PeriodError("the period ends before it begins".into()));
            }
            return Ok(Self { from, to, kind: Kind::Days });
        }
        let year = |y: &str| y.parse::<i32>().ok().filter(|y| (1900..=9999).contains(y)).ok_or_else(bad);
        let first = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad);
        let (from, months, kind) = match s.split_once('-') {
            None => (first(year(s)?, 1)?, 12, Kind::Year),
            Some((y, q)) if q.starts_with(['Q', 'q']) => {
                let q: u32 = q[1..].parse().ok().filter(|q| (1..=4).contains(q)).ok_or_else(bad)?;
                (first(year(y)?, q * 3 - 2)?, 3, Kind::Quarter)
            }
            Some((y, m)) => {
                let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
                (first(year(y)?, m)?, 1, Kind::Month)
            }
        };
        let to = from + Months::new(months) - Days::new(1);
        Ok(Self { from, to, kind })
    }

    /// The period before this one of the same kind: the previous year, quarter or month, or as
    /// many days just before.
    pub fn previous(&self) -> Self {
        match self.kind {
            Kind::Days => {
                let length = Days::new(self.days() as u64);
                Self { from: self.from - length, to: self.from - Days::new(1), kind: Kind::Days }
            }
            kind => {
                let months = match kind {
                    Kind::Year => 12,
                    Kind::Quarter => 3,
                    _ => 1,
                };
                let from = self.from - Months::new(months);
                Self { from, to: self.from - Days::new(1), kind }
            }
        }
    }

    /// Number of days, both ends included.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period as written: "2026-Q3", "2026-11", "2026" or "2026-07-01..2026-09-30".
    pub fn label(&self) -> String {
        match self.kind {
            Kind::Year => self.from.year().to_string(),
            Kind::Quarter => format!("{}-Q{}", self.from.year(), self.from.month0() / 3 + 1),
            Kind::Month => format!("{}-{:02}", self.from.year(), self.from.month()),
            Kind::Days => format!("{}..{}", self.from, self.to),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn reads_every_form() {
        let q = Period::parse("2026-Q3").unwrap();
        assert_eq!((q.from, q.to, q.days()), (d("2026-07-01"), d("2026-09-30"), 92));
        let m = Period::parse("2024-02").unwrap();
        assert_eq!((m.from, m.to), (d("2024-02-01"), d("2024-02-29")));
        let y = Period::parse("2026").unwrap();
        assert_eq!((y.from, y.to), (d("2026-01-01"), d("2026-12-31")));
        let r = Period::parse("2026-07-15..2026-08-14").unwrap();
        assert_eq!((r.from, r.to, r.days()), (d("2026-07-15"), d("2026-08-14"), 31));
        for p in ["2026-Q3", "2024-02", "2026", "2026-07-15..2026-08-14"] {
            assert_eq!(Period::parse(p).unwrap().label(), p);
        }
    }

    #[test]
    fn refuses_what_is_no_period() {
        for s in [
            "",
            "2026-Q5",
            "2026-13",
            "26",
            "Q3",
            "2026-09-30..2026-07-01",
            "2026-02-30..2026-03-01",
            "volgend jaar",
            "-262143-01-01..-262143-01-05",
            "+20000-01-01..+20000-01-02",
        ] {
            assert!(Period::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn the_previous_period_is_of_the_same_kind() {
        assert_eq!(Period::parse("2026-Q1").unwrap().previous().label(), "2025-Q4");
        assert_eq!(Period::parse("2026-03").unwrap().previous().label(), "2026-02");
        assert_eq!(Period::parse("2026").unwrap().previous().label(), "2025");
        assert_eq!(Period::parse("2026-07-15..2026-08-14").unwrap().previous().label(), "2026-06-14..2026-07-14");
    }
}
