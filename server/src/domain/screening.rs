//! The screening engine. Instruments are data (`server/instruments/*.json`): items by number,
//! answer options with their scores, reverse keys, subscales with prorating minimums, bands per
//! informant and a risk flag on the total. Nothing here knows SDQ or CRIES-13 by name, and no
//! item wording is shipped: items are numbers.

use crate::error::Violation;
use serde::{Deserialize, Serialize};
use std::{collections::BTreeMap, sync::LazyLock};

/// Who filled in the form (informant).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Informant {
    /// Ouder (parent form).
    Parent,
    /// Leerkracht (teacher form).
    Teacher,
    /// Jongere / kind zelf (self-report).
    #[serde(rename = "SELF")]
    SelfReport,
}

impl Informant {
    pub fn as_str(self) -> &'static str {
        match self {
            Informant::Parent => "PARENT",
            Informant::Teacher => "TEACHER",
            Informant::SelfReport => "SELF",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Informant::Parent, Informant::Teacher, Informant::SelfReport].into_iter().find(|i| i.as_str() == s)
    }
}

/// Band of a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Band {
    /// Normaal.
    Normal,
    /// Twijfelachtig (borderline).
    Borderline,
    /// Zorgelijk (abnormal).
    Abnormal,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Instrument {
    pub code: String,
    pub version: String,
    pub name: String,
    pub item_count: u32,
    pub informants: Vec<InformantRange>,
    pub options: Vec<AnswerOption>,
    pub reverse_keyed: Vec<u32>,
    pub subscales: Vec<Subscale>,
    pub total: Total,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InformantRange {
    pub informant: Informant,
    pub min_age: i32,
    pub max_age: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    pub code: String,
    pub score: u32,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Subscale {
    pub code: String,
    pub name: String,
    pub items: Vec<u32>,
    /// With fewer answered items the subscale cannot be scored; with fewer than all it is prorated.
    pub min_answered: usize,
    #[serde(default)]
    pub bands: BTreeMap<Informant, Vec<BandRange>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Total {
    pub code: String,
    pub name: String,
    pub subscales: Vec<String>,
    #[serde(default)]
    pub bands: BTreeMap<Informant, Vec<BandRange>>,
    pub flag: Option<Flag>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandRange {
    pub band: Band,
    pub min: u32,
    pub max: u32,
}

/// A flag raised when the total reaches a threshold (e.g. CRIES-13 ≥ 30: raised risk of PTSS).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Flag {
    pub code: String,
    pub at_or_above: u32,
    pub description: String,
}

/// One answer: item number and answer option code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub item: u32,
    pub answer: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleScore {
    pub code: String,
    pub score: u32,
    pub answered: usize,
    pub prorated: bool,
    pub band: Option<Band>,
}

/// Computed outcome of one administration; stored next to the answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub subscales: Vec<ScaleScore>,
    pub total: ScaleScore,
    /// The code of the flag raised, if any.
    pub flag: Option<String>,
}

/// Every instrument the system knows, newest version of each.
pub static INSTRUMENTS: LazyLock<Vec<Instrument>> = LazyLock::new(|| {
    [include_str!("../../instruments/sdq.json"), include_str!("../../instruments/cries-13.json")]
        .iter()
        .map(|json| {
            let instrument: Instrument = serde_json::from_str(json).expect("instrument definitions are valid JSON");
            instrument.check().unwrap_or_else(|e| panic!("instrument {}: {e}", instrument.code));
            instrument
        })
        .collect()
});

pub fn instrument(code: &str) -> Option<&'static Instrument> {
    INSTRUMENTS.iter().find(|i| i.code == code)
}

impl Instrument {
    /// Consistency of the definition itself (run once at load and in the unit tests).
    fn check(&self) -> Result<(), String> {
        let mut seen = vec![false; self.item_count as usize + 1];
        for s in &self.subscales {
            for &item in &s.items {
                if item == 0 || item > self.item_count || std::mem::replace(&mut seen[item as usize], true) {
                    return Err(format!("item {item} of subscale {} is out of range or in two subscales", s.code));
                }
            }
            if s.min_answered == 0 || s.min_answered > s.items.len() {
                return Err(format!("subscale {}: minAnswered out of range", s.code));
            }
        }
        if seen.iter().skip(1).any(|s| !s) {
            return Err("every item belongs to a subscale".into());
        }
        for code in &self.total.subscales {
            if !self.subscales.iter().any(|s| &s.code == code) {
                return Err(format!("total refers to unknown subscale {code}"));
            }
        }
        Ok(())
    }

    pub fn informant_range(&self, informant: Informant) -> Option<&InformantRange> {
        self.informants.iter().find(|r| r.informant == informant)
    }

    fn max_option_score(&self) -> u32 {
        self.options.iter().map(|o| o.score).max().unwrap_or(0)
    }

    /// Scores one administration, or says what is wrong with the input (fields under `field`).
    pub fn score(
        &self,
        informant: Informant,
        child_age: i32,
        answers: &[Answer],
        field: &str,
    ) -> Result<Outcome, Vec<Violation>> {
        let mut v = Vec::new();
        match self.informant_range(informant) {
            None => v.push(Violation::new(
                format!("{field}.informant"),
                format!("{} has no {} form", self.code, informant.as_str()),
            )),
            Some(r) if child_age < r.min_age || child_age > r.max_age => v.push(Violation::new(
                format!("{field}.informant"),
                format!(
                    "the {} form of {} is for ages {} to {}; the child is {child_age}",
                    informant.as_str(),
                    self.code,
                    r.min_age,
                    r.max_age
                ),
            )),
            Some(_) => {}
        }
        let max = self.max_option_score();
        let mut scores: BTreeMap<u32, u32> = BTreeMap::new();
        for (i, a) in answers.iter().enumerate() {
            if a.item == 0 || a.item > self.item_count {
                v.push(Violation::new(
                    format!("{field}.answers[{i}].item"),
                    format!("{} has no item {}; items are 1 to {}", self.code, a.item, self.item_count),
                ));
                continue;
            }
            let Some(option) = self.options.iter().find(|o| o.code == a.answer) else {
                let allowed: Vec<&str> = self.options.iter().map(|o| o.code.as_str()).collect();
                v.push(Violation::new(
                    format!("{field}.answers[{i}].answer"),
                    format!(
                        "item {}: {:?} is not an answer of {}; one of {}",
                        a.item,
                        a.answer,
                        self.code,
                        allowed.join(", ")
                    ),
                ));
                continue;
            };
            let score = if self.reverse_keyed.contains(&a.item) { max - option.score } else { option.score };
            if scores.insert(a.item, score).is_some() {
                v.push(Violation::new(
                    format!("{field}.answers[{i}].item"),
                    format!("item {} is answered twice", a.item),
                ));
            }
        }
        let mut subscales = Vec::new();
        for s in &self.subscales {
            let answered: Vec<u32> = s.items.iter().filter_map(|i| scores.get(i).copied()).collect();
            if answered.len() < s.min_answered {
                let missing: Vec<String> =
                    s.items.iter().filter(|i| !scores.contains_key(i)).map(u32::to_string).collect();
                v.push(Violation::new(
                    format!("{field}.answers"),
                    format!(
                        "too few items of {} ({}): {} of {} answered, at least {} needed; unanswered: item {}",
                        s.code,
                        s.name,
                        answered.len(),
                        s.items.len(),
                        s.min_answered,
                        missing.join(", item ")
                    ),
                ));
                continue;
            }
            let raw: u32 = answered.iter().sum();
            let (n, k) = (s.items.len() as u32, answered.len() as u32);
            // Prorated to the full subscale, rounded half up: raw × n / k.
            let score = (2 * raw * n + k) / (2 * k);
            subscales.push(ScaleScore {
                code: s.code.clone(),
                score,
                answered: answered.len(),
                prorated: k < n,
                band: band(&s.bands, informant, score),
            });
        }
        if !v.is_empty() {
            return Err(v);
        }
        let in_total: Vec<&ScaleScore> = subscales.iter().filter(|s| self.total.subscales.contains(&s.code)).collect();
        let score = in_total.iter().map(|s| s.score).sum();
        let total = ScaleScore {
            code: self.total.code.clone(),
            score,
            answered: in_total.iter().map(|s| s.answered).sum(),
            prorated: in_total.iter().any(|s| s.prorated),
            band: band(&self.total.bands, informant, score),
        };
        let flag = self.total.flag.as_ref().filter(|f| score >= f.at_or_above).map(|f| f.code.clone());
        Ok(Outcome { subscales, total, flag })
    }
}

fn band(bands: &BTreeMap<Informant, Vec<BandRange>>, informant: Informant, score: u32) -> Option<Band> {
    bands.get(&informant)?.iter().find(|b| (b.min..=b.max).contains(&score)).map(|b| b.band)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sdq() -> &'static Instrument {
        instrument("SDQ").unwrap()
    }
    fn cries() -> &'static Instrument {
        instrument("CRIES_13").unwrap()
    }
    fn answers(pairs: &[(u32, &str)]) -> Vec<Answer> {
        pairs.iter().map(|(item, a)| Answer { item: *item, answer: a.to_string() }).collect()
    }
    fn fields(r: Result<Outcome, Vec<Violation>>) -> Vec<String> {
        r.unwrap_err().into_iter().map(|v| v.field).collect()
    }

    #[test]
    fn definitions_load_and_are_consistent() {
        assert_eq!(INSTRUMENTS.len(), 2);
        assert_eq!(sdq().item_count, 25);
        assert_eq!(cries().item_count, 13);
    }

    #[test]
    fn sdq_reverse_keys_and_prorating() {
        // All 25 answered "certainly true": normal items 2, reverse-keyed (7, 11, 14, 21, 25) 0.
        let all: Vec<Answer> = (1..=25).map(|i| Answer { item: i, answer: "CERTAINLY_TRUE".into() }).collect();
        let o = sdq().score(Informant::Parent, 9, &all, "input").unwrap();
        let by = |c: &str| o.subscales.iter().find(|s| s.code == c).unwrap().score;
        assert_eq!(by("EMOTIONAL_SYMPTOMS"), 10);
        assert_eq!(by("CONDUCT_PROBLEMS"), 8);
        assert_eq!(by("HYPERACTIVITY"), 6);
        assert_eq!(by("PEER_PROBLEMS"), 6);
        assert_eq!(by("PROSOCIAL"), 10);
        assert_eq!(o.total.score, 30);
        assert_eq!(o.total.band, Some(Band::Abnormal));

        // The reference's example: 4 points from 3 emotional items → 6.67 → 7.
        let mut some = all.clone();
        some.retain(|a| a.item != 16 && a.item != 24);
        some.iter_mut().filter(|a| [3, 8].contains(&a.item)).for_each(|a| a.answer = "CERTAINLY_TRUE".into());
        some.iter_mut().filter(|a| a.item == 13).for_each(|a| a.answer = "NOT_TRUE".into());
        let o = sdq().score(Informant::Parent, 9, &some, "input").unwrap();
        let emotional = &o.subscales[0];
        assert_eq!((emotional.score, emotional.answered, emotional.prorated), (7, 3, true));
    }

    #[test]
    fn sdq_bands_per_informant() {
        // Total 14: borderline for a parent, borderline for a teacher, normal for self-report.
        let mut a: Vec<Answer> = (1..=25).map(|i| Answer { item: i, answer: "NOT_TRUE".into() }).collect();
        // Reverse-keyed items answered "not true" score 2: 7 → conduct 2, 21 + 25 → hyper 4, 11 + 14 → peer 4.
        for x in a.iter_mut().filter(|x| [3, 8].contains(&x.item)) {
            x.answer = "CERTAINLY_TRUE".into();
        }
        let total = |i| sdq().score(i, 12, &a, "input").unwrap().total;
        assert_eq!(total(Informant::Parent).score, 14);
        assert_eq!(total(Informant::Parent).band, Some(Band::Borderline));
        assert_eq!(total(Informant::Teacher).band, Some(Band::Borderline));
        assert_eq!(total(Informant::SelfReport).band, Some(Band::Normal));
    }

    #[test]
    fn cries_risk_flag_from_30() {
        let mut a = answers(&[(1, "OFTEN"), (2, "OFTEN"), (3, "OFTEN"), (4, "OFTEN"), (5, "OFTEN"), (6, "OFTEN")]);
        a.extend((7..=13).map(|i| Answer { item: i, answer: "NOT_AT_ALL".into() }));
        let o = cries().score(Informant::SelfReport, 10, &a, "input").unwrap();
        assert_eq!(o.total.score, 30);
        assert_eq!(o.flag.as_deref(), Some("RAISED_PTSS_RISK"));
        a[0].answer = "SOMETIMES".into();
        let o = cries().score(Informant::SelfReport, 10, &a, "input").unwrap();
        assert_eq!((o.total.score, o.flag), (28, None));
        assert_eq!(o.total.band, None);
    }

    #[test]
    fn invalid_input_names_the_item() {
        let mut a: Vec<Answer> = (1..=25).map(|i| Answer { item: i, answer: "NOT_TRUE".into() }).collect();
        a.push(Answer { item: 26, answer: "NOT_TRUE".into() });
        a[6].answer = "OFTEN".into();
        assert_eq!(
            fields(sdq().score(Informant::Parent, 8, &a, "input")),
            ["input.answers[6].answer", "input.answers[25].item"]
        );
        // Self-report under 11, CRIES-13 has no parent form.
        let ok: Vec<Answer> = (1..=25).map(|i| Answer { item: i, answer: "NOT_TRUE".into() }).collect();
        assert_eq!(fields(sdq().score(Informant::SelfReport, 10, &ok, "input")), ["input.informant"]);
        assert_eq!(fields(cries().score(Informant::Parent, 10, &[], "input"))[0], "input.informant");
        // CRIES-13 is never prorated: one item left out is too few.
        let twelve: Vec<Answer> = (1..=12).map(|i| Answer { item: i, answer: "RARELY".into() }).collect();
        let err = cries().score(Informant::SelfReport, 10, &twelve, "input").unwrap_err();
        assert_eq!(err[0].field, "input.answers");
        assert!(err[0].message.contains("item 13"), "{}", err[0].message);
        // SDQ: two of five emotional items is too few.
        let few: Vec<Answer> = ok.iter().filter(|a| ![3, 8, 13].contains(&a.item)).cloned().collect();
        assert!(
            sdq().score(Informant::Parent, 8, &few, "input").unwrap_err()[0]
                .message
                .contains("item 3, item 8, item 13")
        );
    }

    /// SDQ scored straight from the reference table, independently of the data file.
    fn sdq_by_hand(answers: &BTreeMap<u32, u32>) -> Option<(Vec<u32>, u32)> {
        const SCALES: [[u32; 5]; 5] =
            [[3, 8, 13, 16, 24], [5, 7, 12, 18, 22], [2, 10, 15, 21, 25], [6, 11, 14, 19, 23], [1, 4, 9, 17, 20]];
        const REVERSE: [u32; 5] = [7, 11, 14, 21, 25];
        let mut scores = Vec::new();
        for scale in SCALES {
            let got: Vec<u32> = scale
                .iter()
                .filter_map(|i| answers.get(i).map(|&a| if REVERSE.contains(i) { 2 - a } else { a }))
                .collect();
            if got.len() < 3 {
                return None;
            }
            let prorated = got.iter().sum::<u32>() as f64 * 5.0 / got.len() as f64;
            scores.push((prorated + 0.5).floor() as u32);
        }
        let total = scores[..4].iter().sum();
        Some((scores, total))
    }

    fn cries_by_hand(answers: &[u32; 13]) -> (u32, bool) {
        let total: u32 = answers.iter().map(|&a| [0, 1, 3, 5][a as usize]).sum();
        (total, total >= 30)
    }

    proptest! {
        #[test]
        fn sdq_matches_the_reference_table(raw in proptest::collection::btree_map(1u32..=25, 0u32..=2, 0..=25)) {
            let codes = ["NOT_TRUE", "SOMEWHAT_TRUE", "CERTAINLY_TRUE"];
            let input: Vec<Answer> = raw.iter().map(|(&item, &a)| Answer { item, answer: codes[a as usize].into() }).collect();
            let engine = sdq().score(Informant::Parent, 10, &input, "input");
            match (sdq_by_hand(&raw), engine) {
                (Some((scales, total)), Ok(o)) => {
                    prop_assert_eq!(o.subscales.iter().map(|s| s.score).collect::<Vec<_>>(), scales);
                    prop_assert_eq!(o.total.score, total);
                    let band = if total <= 13 { Band::Normal } else if total <= 16 { Band::Borderline } else { Band::Abnormal };
                    prop_assert_eq!(o.total.band, Some(band));
                }
                (None, Err(v)) => prop_assert!(v.iter().all(|v| v.field == "input.answers")),
                (expected, got) => prop_assert!(false, "by hand {:?}, engine {:?}", expected, got),
            }
        }

        #[test]
        fn cries_matches_the_reference(raw in proptest::array::uniform13(0u32..4)) {
            let codes = ["NOT_AT_ALL", "RARELY", "SOMETIMES", "OFTEN"];
            let input: Vec<Answer> = raw.iter().enumerate().map(|(i, &a)| Answer { item: i as u32 + 1, answer: codes[a as usize].into() }).collect();
            let o = cries().score(Informant::SelfReport, 12, &input, "input").unwrap();
            let (total, risk) = cries_by_hand(&raw);
            prop_assert_eq!(o.total.score, total);
            prop_assert_eq!(o.flag.is_some(), risk);
        }
    }
}
