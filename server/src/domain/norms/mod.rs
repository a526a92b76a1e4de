//! The Normenkader kinderen in de MO and the Veerkracht figures as data (method-review §4): the
//! reporting period, and the catalogue of indicators with their thresholds. How each indicator
//! is counted is SQL in `cases::norms`; this module holds what does not touch a database.

mod period;

pub use period::{Period, PeriodError};

/// Whether a higher share is better (most norms) or a lower one (e.g. moves per child).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// How an indicator is counted, or why it cannot be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Counted from the records by `cases::norms` under this name.
    Counted,
    /// The records the indicator needs are not kept (yet); the text says which.
    NotRecordable(&'static str),
}

/// One indicator of the catalogue.
#[derive(Debug)]
pub struct Indicator {
    /// As in the spec: `1`, `1a`, … `11e`; a second indicator of a norm gets `.2`.
    pub code: &'static str,
    /// The norm it belongs to (`1` for 1a, 1b, …); empty for the Veerkracht figures.
    pub norm: &'static str,
    pub name: &'static str,
    pub name_nl: &'static str,
    /// Who is counted (noemer).
    pub denominator: &'static str,
    /// Who of them meet it (teller).
    pub numerator: &'static str,
    /// The share that counts as met; none where the sources give no threshold.
    pub threshold: Option<f64>,
    pub better: Better,
    pub measure: Measure,
}

impl Indicator {
    /// Met, given a share; none without a threshold.
    pub fn met(&self, share: f64) -> Option<bool> {
        self.threshold.map(|t| match self.better {
            Better::Higher => share >= t,
            Better::Lower => share <= t,
        })
    }
}

const fn counted(
    code: &'static str,
    norm: &'static str,
    name_nl: &'static str,
    name: &'static str,
    denominator: &'static str,
    numerator: &'static str,
    threshold: Option<f64>,
) -> Indicator {
    Indicator { code, norm, name, name_nl, denominator, numerator, threshold, better: Better::Higher, measure: Measure::Counted }
}

const fn not_recordable(code: &'static str, norm: &'static str, name_nl: &'static str, name: &'static str, needs: &'static str) -> Indicator {
    Indicator { code, norm, name, name_nl, denominator: "", numerator: "", threshold: None, better: Better::Higher, measure: Measure::NotRecordable(needs) }
}

/// The indicators, in the order of the Normenkader. Thresholds marked as proposals in the
/// spec are proposals; the SKJ streefnorm of 75 % is the sources' only number (NK 310).
pub static CATALOGUE: &[Indicator] = &[
    counted(
        "1",
        "1",
        "Eerste contact binnen 7 dagen",
        "First contact within 7 days",
        "children admitted in the period at least 7 days before its end",
        "those with a first contact on or before admission + 7 days",
        Some(0.95),
    ),
    counted(
        "1a",
        "1",
        "Warm welkom compleet",
        "Warm welcome complete",
        "children admitted in the period at least 7 days before its end",
        "those whose first contact covered the welcome, house rules, complaints procedure and confidant",
        Some(0.90),
    ),
    not_recordable("1b", "1", "Risico's beoordeeld bij start", "Risks assessed at the start", "the first contact cannot tell \"no risk seen\" from \"not looked at\""),
    counted(
        "2g",
        "2g",
        "Buitenschoolse activiteit",
        "Activities outside school",
        "children from 4 in care at least 28 days of the period",
        "those with an activity they took part in during the period",
        Some(0.75),
    ),
    counted(
        "3",
        "3",
        "Veiligheid actueel in beeld",
        "Safety currently in view",
        "children in care at least 42 days of the period",
        "those with a safety assessment in the 90 days up to the period's end (or their leaving)",
        Some(0.90),
    ),
    counted(
        "6c",
        "6c",
        "Methodiektrouw fase 1",
        "Faithful to the method in phase 1",
        "children who left phase 1 in the period",
        "those who left it with its activities recorded (no exit reason) and, when they came with one parent, the other looked into",
        Some(0.80),
    ),
    counted(
        "6c.2",
        "6c",
        "Fase 1 binnen 6 weken",
        "Phase 1 within six weeks",
        "children who left phase 1 in the period",
        "those who left it within 42 days of admission",
        Some(0.90),
    ),
    counted(
        "7",
        "7",
        "Bereik kindgesprekken",
        "Children's talks reached",
        "children from 4 in care at least 14 days of the period",
        "those with a kindgesprek held in the period",
        Some(0.95),
    ),
    counted(
        "8",
        "8",
        "Plan tijdig",
        "Action plan on time",
        "children admitted in the period at least 42 days before its end",
        "those with an action plan within 42 days of admission",
        Some(0.90),
    ),
    counted(
        "9a",
        "9a",
        "Traumascreening bij signalen",
        "Trauma screening on signs",
        "children from 8 admitted in the period at least 28 days before its end, with a trauma risk seen at the first contact",
        "those who had a CRIES-13 within 28 days of admission",
        Some(0.80),
    ),
    counted(
        "10",
        "10",
        "Psycho-educatie aangeboden",
        "Psycho-education offered",
        "children from 4 in care at least 28 days of the period",
        "those offered psycho-education (themselves or a parent) in the period",
        Some(0.50),
    ),
    counted(
        "11d.2",
        "11d",
        "Contacten behouden",
        "Contacts kept",
        "children in care at least 28 days of the period",
        "those with a contact with their network held in the period",
        Some(0.75),
    ),
];

pub fn indicator(code: &str) -> Option<&'static Indicator> {
    CATALOGUE.iter().find(|i| i.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_thresholds_are_shares() {
        let mut codes: Vec<_> = CATALOGUE.iter().map(|i| i.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), CATALOGUE.len());
        assert!(CATALOGUE.iter().filter_map(|i| i.threshold).all(|t| (0.0..=1.0).contains(&t)));
        assert!(CATALOGUE.iter().all(|i| i.code.starts_with(i.norm) || i.norm.is_empty()));
    }

    #[test]
    fn met_follows_the_direction_of_better() {
        let one = indicator("1").unwrap();
        assert_eq!(one.met(0.95), Some(true));
        assert_eq!(one.met(0.949), Some(false));
        let lower = Indicator { better: Better::Lower, threshold: Some(1.0), ..counted("x", "", "", "", "", "", None) };
        assert_eq!(lower.met(0.8), Some(true));
    }
}
