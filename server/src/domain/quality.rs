//! Het Kwaliteitsinstrument Veerkracht (IB 920-932): a self-assessment per location, "a
//! checklist with items for each kerntaak plus general items"; a manager fills it in and
//! computes the scores on the total and on the parts; the outcome is the basis of an
//! improvement plan. The sources name the instrument, not its items: the items below are drawn
//! from the method's own requirements (bijlage 1, the competences and training of IB 795-860,
//! the reflection meetings of IB 1103), and where a norm figure measures an item the
//! self-assessment is pre-filled from it (method-review §6: "its evidence prefilled from §4
//! figures").

use entities::CoreTask;

/// The part of the instrument an item belongs to: a kerntaak, or the general items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    CoreTask(CoreTask),
    General,
}

/// One item of the checklist.
#[derive(Debug)]
pub struct Item {
    /// Stable key, e.g. `CHILD_IN_VIEW_FIRST_CONTACT`.
    pub key: &'static str,
    pub part: Part,
    pub text_nl: &'static str,
    pub text: &'static str,
    /// The norm figure that measures it, when one does: the self-assessment suggests a score.
    pub figure: Option<&'static str>,
}

/// How far an item is realised (niet / deels / volledig).
pub const MAX_SCORE: u8 = 2;

const fn item(
    key: &'static str,
    part: Part,
    text_nl: &'static str,
    text: &'static str,
    figure: Option<&'static str>,
) -> Item {
    Item { key, part, text_nl, text, figure }
}

use CoreTask::*;
use Part::General;

pub static ITEMS: &[Item] = &[
    item(
        "CHILD_IN_VIEW_FIRST_CONTACT",
        Part::CoreTask(ChildInView),
        "Elk kind heeft binnen een week een eerste contact met een eigen begeleider.",
        "Every child has a first contact with its own worker within a week.",
        Some("1"),
    ),
    item(
        "CHILD_IN_VIEW_TALKS",
        Part::CoreTask(ChildInView),
        "Met elk kind vanaf 4 jaar worden individuele kindgesprekken gevoerd.",
        "Every child from 4 has individual talks.",
        Some("7"),
    ),
    item(
        "CHILD_IN_VIEW_SAFETY",
        Part::CoreTask(ChildInView),
        "De veiligheid van elk kind is systematisch en actueel in kaart gebracht.",
        "Every child's safety is assessed systematically and kept current.",
        Some("3"),
    ),
    item(
        "CHILD_IN_VIEW_PLAN",
        Part::CoreTask(ChildInView),
        "Elk kind heeft binnen zes weken een actieplan.",
        "Every child has an action plan within six weeks.",
        Some("8"),
    ),
    item(
        "CHILD_IN_VIEW_TRAUMA",
        Part::CoreTask(ChildInView),
        "Bij signalen van trauma wordt gescreend en zo nodig doorverwezen.",
        "Trauma signs are screened and referred where needed.",
        Some("9a"),
    ),
    item(
        "PARENTS_PSYCHO_EDUCATION",
        Part::CoreTask(ParentsAndParenting),
        "Ouders krijgen psycho-educatie over de gevolgen van geweld voor hun kind.",
        "Parents are offered psycho-education on what violence does to their child.",
        Some("10"),
    ),
    item(
        "PARENTS_OTHER_PARENT",
        Part::CoreTask(ParentsAndParenting),
        "De niet-meegekomen ouder wordt in beeld gebracht en waar veilig betrokken.",
        "The parent who did not come along is looked into and involved where safe.",
        Some("process.parent"),
    ),
    item(
        "PARENTS_FAMILY_GOALS",
        Part::CoreTask(ParentsAndParenting),
        "Het plan bevat doelen voor de ouders (subdoelen g tot j).",
        "The plan has goals for the parents (sub-goals g to j).",
        Some("8e"),
    ),
    item(
        "PARENTS_WEEKLY_TALKS",
        Part::CoreTask(ParentsAndParenting),
        "Met de ouder wordt wekelijks over het kind gesproken.",
        "The worker talks with the parent about the child every week.",
        None,
    ),
    item(
        "CLIMATE_CHECKLIST",
        Part::CoreTask(LivingClimate),
        "Het leefklimaat wordt per fase met de checklist nagelopen.",
        "The living climate is checked with the checklist in every phase.",
        None,
    ),
    item(
        "CLIMATE_ACTIVITIES",
        Part::CoreTask(LivingClimate),
        "Kinderen doen mee aan activiteiten, ook buiten school.",
        "Children take part in activities, also outside school.",
        Some("2g"),
    ),
    item(
        "CLIMATE_SAFE_LOCATION",
        Part::CoreTask(LivingClimate),
        "De locatie is kindveilig en heeft een plek om je terug te trekken en te spelen.",
        "The location is child-safe, with a place to withdraw and to play.",
        None,
    ),
    item(
        "NETWORK_MAPPED",
        Part::CoreTask(Network),
        "Netwerk en gezag zijn met de ouder in kaart gebracht.",
        "Network and custody are mapped with the parent.",
        Some("1c"),
    ),
    item(
        "NETWORK_CONTACTS",
        Part::CoreTask(Network),
        "Kinderen houden contact met belangrijke mensen uit hun netwerk.",
        "Children keep in touch with the people who matter to them.",
        Some("11d.2"),
    ),
    item(
        "NETWORK_SCHOOL",
        Part::CoreTask(Network),
        "Kinderen gaan snel (weer) naar school.",
        "Children are at school again soon.",
        Some("11d"),
    ),
    item(
        "CHAIN_HANDOVER",
        Part::CoreTask(ChainCooperation),
        "Bij vertrek wordt het kind warm overgedragen.",
        "Children are handed over warmly when they leave.",
        Some("11a"),
    ),
    item(
        "CHAIN_MELDCODE",
        Part::CoreTask(ChainCooperation),
        "De Meldcode wordt binnen zes weken doorlopen.",
        "The reporting code is followed through within six weeks.",
        Some("4"),
    ),
    item(
        "CHAIN_AGREEMENTS",
        Part::CoreTask(ChainCooperation),
        "Er zijn afspraken met ketenpartners voor tijdige verwijzing.",
        "There are agreements with chain partners for timely referral.",
        None,
    ),
    item(
        "GENERAL_BASIC_TRAINING",
        General,
        "Alle kind-/gezinsbegeleiders hebben de Veerkracht-basistraining gevolgd.",
        "Every child and family worker has had the Veerkracht basic training.",
        None,
    ),
    item(
        "GENERAL_REFLECTION",
        General,
        "Eens per maand is er een reflectiebijeenkomst met een Veerkracht-deskundige.",
        "A reflection meeting with a Veerkracht expert takes place every month.",
        None,
    ),
    item(
        "GENERAL_BEHAVIOURAL_EXPERT",
        General,
        "Begeleiders kunnen een gedragsdeskundige consulteren.",
        "Workers can consult a behavioural expert.",
        None,
    ),
    item(
        "GENERAL_SKJ",
        General,
        "Kindbegeleiders zijn SKJ-geregistreerd.",
        "Child workers are registered with SKJ.",
        Some("6a"),
    ),
];

pub fn item_by_key(key: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.key == key)
}

/// The parts in the instrument's order: the five kerntaken, then the general items.
pub fn parts() -> [Part; 6] {
    [
        Part::CoreTask(ChildInView),
        Part::CoreTask(ParentsAndParenting),
        Part::CoreTask(LivingClimate),
        Part::CoreTask(Network),
        Part::CoreTask(ChainCooperation),
        General,
    ]
}

/// The score a figure suggests: fully (2) at or beyond its threshold (80 % for a trend), partly
/// (1) at half of it, else not (0).
pub fn suggested_score(share: f64, threshold: Option<f64>) -> u8 {
    let target = threshold.unwrap_or(0.8);
    if share >= target {
        2
    } else if share >= target / 2.0 {
        1
    } else {
        0
    }
}

/// A part's or the total score: points over the maximum of the items answered, 0 to 1.
pub fn score<'a>(answers: impl IntoIterator<Item = &'a u8>) -> Option<f64> {
    let (points, max) =
        answers.into_iter().fold((0u32, 0u32), |(p, m), s| (p + u32::from(*s), m + u32::from(MAX_SCORE)));
    (max > 0).then(|| f64::from(points) / f64::from(max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_has_items_and_keys_are_unique() {
        for part in parts() {
            assert!(ITEMS.iter().any(|i| i.part == part), "{part:?} has no items");
        }
        let mut keys: Vec<_> = ITEMS.iter().map(|i| i.key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), ITEMS.len());
    }

    #[test]
    fn every_figure_named_is_a_counted_indicator() {
        for figure in ITEMS.iter().filter_map(|i| i.figure) {
            let indicator = crate::domain::norms::indicator(figure).unwrap_or_else(|| panic!("no indicator {figure}"));
            assert_eq!(indicator.measure, crate::domain::norms::Measure::Counted, "{figure}");
        }
    }

    #[test]
    fn suggestions_follow_the_threshold() {
        assert_eq!(suggested_score(0.95, Some(0.95)), 2);
        assert_eq!(suggested_score(0.94, Some(0.95)), 1);
        assert_eq!(suggested_score(0.47, Some(0.95)), 0);
        assert_eq!(suggested_score(0.8, None), 2);
    }

    #[test]
    fn scores_are_points_over_the_maximum() {
        assert_eq!(score(&[2, 1, 0, 1]), Some(0.5));
        assert_eq!(score(&[]), None);
    }
}
