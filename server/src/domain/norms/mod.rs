//! The Normenkader kinderen in de MO and the Veerkracht figures as data (method-review §4): the
//! reporting period, and the catalogue of indicators with their thresholds. How each indicator
//! is counted is SQL in `cases::norms`; this module holds what does not touch a database.

mod period;

pub use period::{Period, PeriodError};

/// Whether a higher figure is better (most norms) or a lower one (e.g. moves per child).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// What the figure is: a share of the children counted, or a mean over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ratio {
    /// Numerator over denominator: the children who meet it, 0 to 1.
    Share,
    /// The numerator (a sum, e.g. of moves) per child counted, divided by `per` (60 turns
    /// minutes into hours).
    Mean { per: u32 },
}

/// How an indicator is counted, or why it cannot be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Counted from the records by `cases::norms` under this name.
    Counted,
    /// The records the indicator needs are not kept (yet); the texts (English, Dutch) say which.
    NotRecordable(&'static str, &'static str),
}

/// One indicator of the catalogue.
#[derive(Debug)]
pub struct Indicator {
    /// As in the spec: `1`, `1a`, … `11e`; a second indicator of a norm gets `.2`; the
    /// Veerkracht figures `reach`, `hours_per_child` and `process.*`.
    pub code: &'static str,
    /// The norm it belongs to (`1` for 1a, 1b, …); empty for the Veerkracht figures.
    pub norm: &'static str,
    pub name: &'static str,
    pub name_nl: &'static str,
    /// Who is counted (noemer).
    pub denominator: &'static str,
    /// Who of them meet it (teller), or what is summed for a mean.
    pub numerator: &'static str,
    /// The denominator and numerator in Dutch, for the report.
    pub denominator_nl: &'static str,
    pub numerator_nl: &'static str,
    /// The figure that counts as met; none where the sources give no threshold (a trend).
    pub threshold: Option<f64>,
    pub better: Better,
    pub ratio: Ratio,
    pub measure: Measure,
}

/// A figure's counts: how many children are counted, and how many of them meet the indicator
/// (for a mean: the sum over them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub numerator: i64,
    pub denominator: i64,
}

/// Where a figure stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Met,
    NotMet,
    /// A figure to follow over time: the sources set no threshold.
    NoThreshold,
    /// Nobody counted in the period.
    NoData,
    NotRecordable,
    /// Hidden from an aggregate-only reader: a count this small points at persons.
    Suppressed,
}

impl Status {
    /// As in the GraphQL enum and the reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "MET",
            Status::NotMet => "NOT_MET",
            Status::NoThreshold => "NO_THRESHOLD",
            Status::NoData => "NO_DATA",
            Status::NotRecordable => "NOT_RECORDABLE",
            Status::Suppressed => "SUPPRESSED",
        }
    }

    /// In Dutch, for the printed report.
    pub fn label_nl(self) -> &'static str {
        match self {
            Status::Met => "gehaald",
            Status::NotMet => "niet gehaald",
            Status::NoThreshold => "trend",
            Status::NoData => "geen gegevens",
            Status::NotRecordable => "niet vast te leggen",
            Status::Suppressed => "niet getoond (kleine aantallen)",
        }
    }
}

/// Counts from 1 to this many are not shown to aggregate-only readers (the usual small-cell
/// rule of Dutch statistics, n < 5; method-review §4 requirement 2).
pub const SMALLEST_SHOWN: i64 = 5;

/// Whether a count would point at a handful of persons: any group of 1 to 4 children, those
/// who meet it or those who do not; for a mean, the children counted or the sum (one move in
/// a year points at a family).
pub fn too_small(c: Count, ratio: Ratio) -> bool {
    let small = |n: i64| (1..SMALLEST_SHOWN).contains(&n);
    match ratio {
        Ratio::Share => small(c.numerator) || small(c.denominator - c.numerator),
        Ratio::Mean { .. } => small(c.numerator) || small(c.denominator),
    }
}

impl Indicator {
    /// The figure: a share or a mean; none when nobody is counted.
    pub fn figure(&self, c: Count) -> Option<f64> {
        (c.denominator > 0).then(|| {
            let per = match self.ratio {
                Ratio::Share => 1.0,
                Ratio::Mean { per } => f64::from(per),
            };
            c.numerator as f64 / c.denominator as f64 / per
        })
    }

    /// Where the figure stands; `aggregate_only` readers get small counts suppressed.
    pub fn status(&self, c: Option<Count>, aggregate_only: bool) -> Status {
        if let Measure::NotRecordable(..) = self.measure {
            return Status::NotRecordable;
        }
        let Some(c) = c else { return Status::NoData };
        if aggregate_only && too_small(c, self.ratio) {
            return Status::Suppressed;
        }
        match (self.figure(c), self.threshold) {
            (None, _) => Status::NoData,
            (Some(_), None) => Status::NoThreshold,
            (Some(f), Some(t)) => {
                let met = match self.better {
                    Better::Higher => f >= t,
                    Better::Lower => f <= t,
                };
                if met { Status::Met } else { Status::NotMet }
            }
        }
    }

    const fn lower_is_better(self) -> Self {
        Self { better: Better::Lower, ..self }
    }

    const fn mean(self, per: u32) -> Self {
        Self { ratio: Ratio::Mean { per }, ..self }
    }

    const fn nl(self, denominator_nl: &'static str, numerator_nl: &'static str) -> Self {
        Self { denominator_nl, numerator_nl, ..self }
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
    Indicator {
        code,
        norm,
        name,
        name_nl,
        denominator,
        numerator,
        denominator_nl: "",
        numerator_nl: "",
        threshold,
        better: Better::Higher,
        ratio: Ratio::Share,
        measure: Measure::Counted,
    }
}

const fn not_recordable(
    code: &'static str,
    norm: &'static str,
    name_nl: &'static str,
    name: &'static str,
    needs: &'static str,
    needs_nl: &'static str,
) -> Indicator {
    Indicator { measure: Measure::NotRecordable(needs, needs_nl), ..counted(code, norm, name_nl, name, "", "", None) }
}

const IN_CARE_28: &str = "children in care at least 28 days of the period";
const IN_CARE_42: &str = "children in care at least 42 days of the period";
const LEFT: &str = "children who left care in the period";

/// The indicators, in the order of the Normenkader, then the Veerkracht figures. Thresholds are
/// the spec's proposals, except the SKJ streefnorm of 75 %, the sources' only number (NK 310).
pub static CATALOGUE: &[Indicator] = &[
    counted(
        "1",
        "1",
        "Eerste contact binnen 7 dagen",
        "First contact within 7 days",
        "children admitted in the period at least 7 days before its end",
        "those with a first contact on or before admission + 7 days",
        Some(0.95),
    ).nl("kinderen opgenomen in de periode, minstens 7 dagen voor het einde", "van wie het eerste contact uiterlijk 7 dagen na de opname was"),
    counted(
        "1a",
        "1",
        "Warm welkom compleet",
        "Warm welcome complete",
        "children admitted in the period at least 7 days before its end",
        "those whose first contact covered the welcome, house rules, complaints procedure and confidant",
        Some(0.90),
    ).nl("kinderen opgenomen in de periode, minstens 7 dagen voor het einde", "van wie het eerste contact het welkom, de huisregels, de klachtenregeling en de vertrouwenspersoon besprak"),
    not_recordable("1b", "1", "Risico's beoordeeld bij start", "Risks assessed at the start", "the first contact cannot tell \"no risk seen\" from \"not looked at\"", "het eerste contact onderscheidt 'geen risico gezien' niet van 'niet naar gekeken'"),
    counted(
        "1c",
        "1",
        "Netwerk en gezag in kaart",
        "Network and custody mapped",
        "children admitted in the period at least 14 days before its end",
        "those whose network was mapped with the parent, with custody recorded and an intake within 14 days",
        Some(0.90),
    ).nl("kinderen opgenomen in de periode, minstens 14 dagen voor het einde", "van wie het netwerk met de ouder in kaart is gebracht, het gezag is vastgelegd en de intake binnen 14 dagen was"),
    counted(
        "2a",
        "2a",
        "Verhuisbewegingen per kind",
        "Moves per child",
        LEFT,
        "the moves from one location to another during their stay",
        Some(1.0),
    ).nl("kinderen die in de periode zijn uitgestroomd", "het aantal verhuizingen naar een andere locatie tijdens hun verblijf")
    .mean(1)
    .lower_is_better(),
    counted("2a.2", "2a", "Verblijfsduur", "Length of stay", LEFT, "their days from admission to leaving", None).nl("kinderen die in de periode zijn uitgestroomd", "hun dagen van opname tot vertrek")
        .mean(1)
        .lower_is_better(),
    not_recordable("2b", "2", "Kindveilige locatie", "Child-safe location", "no child-safety check of a location and no incident register are kept", "er wordt geen kindveiligheidscheck van een locatie en geen incidentenregister bijgehouden"),
    not_recordable("2c", "2", "Terugtrekplek", "A place to withdraw", "the facilities of a location are not recorded", "de voorzieningen van een locatie worden niet vastgelegd"),
    not_recordable("2d", "2", "Buitenspelen", "Safe outdoor play", "the facilities of a location are not recorded", "de voorzieningen van een locatie worden niet vastgelegd"),
    not_recordable("2e", "2", "Speelgoed geregeld", "Toys arranged", "the living-climate checklist has no item for toys and entertainment", "de checklist leefklimaat heeft geen punt voor speelgoed en vermaak"),
    not_recordable("2f", "2", "Eigen school behouden", "Own school kept", "the school before admission and the distance to it are not recorded", "de school van voor de opname en de afstand ernaartoe worden niet vastgelegd"),
    counted(
        "2g",
        "2g",
        "Buitenschoolse activiteit",
        "Activities outside school",
        "children from 4 in care at least 28 days of the period",
        "those with an activity they took part in during the period",
        Some(0.75),
    ).nl("kinderen vanaf 4 jaar, minstens 28 dagen van de periode in de opvang", "die in de periode aan een activiteit hebben meegedaan"),
    counted(
        "3",
        "3",
        "Veiligheid actueel in beeld",
        "Safety currently in view",
        IN_CARE_42,
        "those with a safety assessment in the 90 days up to the period's end (or their leaving)",
        Some(0.90),
    ).nl("kinderen minstens 42 dagen van de periode in de opvang", "met een veiligheidstaxatie in de 90 dagen tot het einde van de periode (of hun vertrek)"),
    counted(
        "4",
        "4",
        "Meldcode doorlopen",
        "Reporting code followed through",
        "Meldcode tracks opened in the period at least 42 days before its end (children who came along or not)",
        "those decided in step 5, or closed when steps 1 to 3 did not confirm the suspicion, within 42 days",
        Some(0.90),
    ).nl("Meldcode-trajecten gestart in de periode, minstens 42 dagen voor het einde (van kinderen die wel of niet zijn meegekomen)", "besloten in stap 5, of afgesloten omdat stap 1 tot 3 het vermoeden niet bevestigden, binnen 42 dagen"),
    counted(
        "5",
        "5",
        "Kwaliteitsinstrument Veerkracht ingevuld",
        "Veerkracht quality instrument completed",
        "locations where children of the scope stayed in the period",
        "those with a self-assessment (kwaliteitsinstrument) signed in the twelve months up to its end",
        Some(1.0),
    ).nl("locaties waar kinderen in de periode verbleven", "met een zelfevaluatie (kwaliteitsinstrument) ondertekend in de twaalf maanden tot het einde van de periode"),
    counted(
        "6a",
        "6a",
        "SKJ-registratie kindbegeleiders",
        "Child workers registered with SKJ",
        "workers who held a kindgesprek in the period or were responsible for a child in care",
        "those with an SKJ registration valid at the period's end",
        Some(0.75),
    ).nl("medewerkers die in de periode een kindgesprek voerden of verantwoordelijk waren voor een kind in de opvang", "met een SKJ-registratie die aan het einde van de periode geldig was"),
    counted(
        "6b",
        "6b",
        "Stem van het kind vastgelegd",
        "The child's voice recorded",
        "children from 4 admitted in the period at least 42 days before its end",
        "those whose own view is recorded: at the intake, on the safety scale, or taking part in an evaluation",
        Some(0.90),
    ).nl("kinderen vanaf 4 jaar opgenomen in de periode, minstens 42 dagen voor het einde", "van wie de eigen kijk is vastgelegd: bij de intake, op de veiligheidsschaal of als deelnemer aan een evaluatie"),
    counted(
        "6c",
        "6c",
        "Methodiektrouw fase 1",
        "Faithful to the method in phase 1",
        "children who left phase 1 in the period",
        "those who left it with its activities recorded (no exit reason) and, when they came with one parent, the other looked into",
        Some(0.80),
    ).nl("kinderen die in de periode fase 1 hebben afgerond", "met de activiteiten van fase 1 vastgelegd (geen reden voor afwijken) en, als ze met één ouder kwamen, de andere ouder in beeld"),
    counted(
        "6c.2",
        "6c",
        "Fase 1 binnen 6 weken",
        "Phase 1 within six weeks",
        "children who left phase 1 in the period",
        "those who left it within 42 days of admission",
        Some(0.90),
    ).nl("kinderen die in de periode fase 1 hebben afgerond", "binnen 42 dagen na de opname"),
    counted(
        "7",
        "7",
        "Bereik kindgesprekken",
        "Children's talks reached",
        "children from 4 in care at least 14 days of the period",
        "those with a kindgesprek held in the period",
        Some(0.95),
    ).nl("kinderen vanaf 4 jaar, minstens 14 dagen van de periode in de opvang", "met een kindgesprek in de periode"),
    counted(
        "8",
        "8",
        "Plan tijdig",
        "Action plan on time",
        "children admitted in the period at least 42 days before its end",
        "those with an action plan within 42 days of admission",
        Some(0.90),
    ).nl("kinderen opgenomen in de periode, minstens 42 dagen voor het einde", "met een actieplan binnen 42 dagen na de opname"),
    not_recordable("8a", "8", "Afweging passend plan", "Weighing which plan fits", "the organisation's procedure for weighing plans is a document, not a record", "de afweging van plannen is een procedure van de organisatie, geen registratie"),
    counted(
        "8b",
        "8",
        "Kind bij evaluatie",
        "Child at the evaluation",
        "children from 4 whose plan was evaluated in the period",
        "those who took part in every evaluation of the period",
        Some(0.80),
    ).nl("kinderen vanaf 4 jaar van wie het plan in de periode is geëvalueerd", "die bij elke evaluatie van de periode waren"),
    counted(
        "8c",
        "8",
        "Plan actief gemonitord",
        "Plan actively monitored",
        "children in care at least 42 days of the period with an action plan at least 42 days old at its end",
        "those whose plan was evaluated (or drawn up) in the 49 days up to the period's end (or their leaving)",
        Some(0.90),
    ).nl("kinderen minstens 42 dagen van de periode in de opvang, met een actieplan van minstens 42 dagen oud aan het einde", "van wie het plan in de 49 dagen tot het einde van de periode (of hun vertrek) is geëvalueerd of opgesteld"),
    not_recordable("8d", "8", "Plan uitgelegd aan kind", "Plan explained to the child", "every plan has a summary in the child's language, but whether it was explained is not recorded", "elk plan heeft een samenvatting in de taal van het kind, maar of het is uitgelegd wordt niet vastgelegd"),
    counted(
        "8e",
        "8",
        "Gezinsbrede aanpak",
        "Whole-family approach",
        IN_CARE_28,
        "those whose plan has a goal for the parents (sub-goals g to j)",
        Some(0.80),
    ).nl("kinderen minstens 28 dagen van de periode in de opvang", "met een doel voor de ouders in het plan (subdoelen g tot en met j)"),
    counted(
        "9a",
        "9a",
        "Traumascreening bij signalen",
        "Trauma screening on signs",
        "children from 8 admitted in the period at least 28 days before its end, with a trauma risk seen at the first contact",
        "those who had a CRIES-13 within 28 days of admission",
        Some(0.80),
    ).nl("kinderen vanaf 8 jaar opgenomen in de periode, minstens 28 dagen voor het einde, met een traumarisico gezien bij het eerste contact", "met een CRIES-13 binnen 28 dagen na de opname"),
    counted(
        "10",
        "10",
        "Psycho-educatie aangeboden",
        "Psycho-education offered",
        "children from 4 in care at least 28 days of the period",
        "those offered psycho-education (themselves or a parent) in the period",
        Some(0.50),
    ).nl("kinderen vanaf 4 jaar, minstens 28 dagen van de periode in de opvang", "aan wie (of aan wier ouder) in de periode psycho-educatie is aangeboden"),
    counted(
        "11a",
        "11a",
        "Warme overdracht bij uitstroom",
        "Warm handover at departure",
        "children who left care in the period, other than without notice",
        "those whose aftercare was a warm handover with its meeting held, or no follow-up needed",
        Some(0.80),
    ).nl("kinderen die in de periode zijn uitgestroomd, anders dan zonder bericht", "met als nazorg een warme overdracht met het overdrachtsgesprek gehouden, of geen vervolg nodig"),
    not_recordable("11b", "11", "Afspraken met de gemeente", "Agreements with the municipality", "agreements with the municipality on youth care are not recorded", "afspraken met de gemeente over jeugdhulp worden niet vastgelegd"),
    not_recordable("11c", "11", "Dekking samenwerkingsafspraken", "Agreements on every life domain", "partner kinds do not cover every life domain (no debt help)", "de soorten partners dekken niet elk leefdomein (geen schuldhulp)"),
    counted(
        "11d",
        "11d",
        "Naar school",
        "At school",
        "children from 4 to 17 admitted in the period at least 10 days before its end",
        "those recorded at a school at an intake within 7 days of admission",
        Some(0.90),
    ).nl("kinderen van 4 tot 18 jaar opgenomen in de periode, minstens 10 dagen voor het einde", "bij een intake binnen 7 dagen na de opname ingeschreven op een school"),
    counted(
        "11d.2",
        "11d",
        "Contacten behouden",
        "Contacts kept",
        IN_CARE_28,
        "those with a contact with their network held in the period",
        Some(0.75),
    ).nl("kinderen minstens 28 dagen van de periode in de opvang", "met een contact met hun netwerk in de periode"),
    counted(
        "11e",
        "11e",
        "Uitstroom naar een gewoon thuis",
        "Leaving for an ordinary home",
        LEFT,
        "those who left for independent housing or back home",
        None,
    ).nl("kinderen die in de periode zijn uitgestroomd", "die vertrokken naar een eigen woning of terug naar huis"),
    counted(
        "reach",
        "",
        "Bereik",
        "Reach",
        "children under 18 in care in the period",
        "those reached with Veerkracht: a first contact recorded (IB 1849-1856)",
        None,
    ).nl("kinderen onder 18 jaar in de opvang in de periode", "bereikt met Veerkracht: een eerste contact vastgelegd"),
    counted(
        "hours_per_child",
        "",
        "Uren per kind",
        "Hours per child",
        "children in care in the period",
        "the minutes of contact held with them in the period, in hours per child (budget: 2 hours a week, IB 1043-1044)",
        None,
    ).nl("kinderen in de opvang in de periode", "de minuten contact met hen in de periode, in uren per kind (budget: 2 uur per week)")
    .mean(60),
    counted(
        "outcome.safety.worker",
        "",
        "Veiligheidsschaal medewerker verbeterd",
        "Safety scale improved (worker)",
        "children in care in the period scored by the worker at two assessments or more",
        "those whose latest score up to the period's end is higher than their first",
        None,
    ).nl("kinderen in de opvang in de periode, door de medewerker gescoord bij twee taxaties of meer", "van wie de laatste score tot het einde van de periode hoger is dan de eerste"),
    counted(
        "outcome.safety.parent",
        "",
        "Veiligheidsschaal ouder verbeterd",
        "Safety scale improved (parent)",
        "children in care in the period scored by a parent at two assessments or more",
        "those whose latest score up to the period's end is higher than their first",
        None,
    ).nl("kinderen in de opvang in de periode, door een ouder gescoord bij twee taxaties of meer", "van wie de laatste score tot het einde van de periode hoger is dan de eerste"),
    counted(
        "outcome.safety.child",
        "",
        "Veiligheidsschaal kind verbeterd",
        "Safety scale improved (child)",
        "children in care in the period who scored themselves at two assessments or more",
        "those whose latest score up to the period's end is higher than their first",
        None,
    ).nl("kinderen in de opvang in de periode die zichzelf bij twee taxaties of meer scoorden", "van wie de laatste score tot het einde van de periode hoger is dan de eerste"),
    counted(
        "outcome.sdq",
        "",
        "SDQ-band niet verslechterd",
        "SDQ band not worse",
        "children in care in the period with two parent SDQs or more",
        "those whose latest band is the same as or better than their first",
        None,
    ).nl("kinderen in de opvang in de periode met twee SDQ's van een ouder of meer", "van wie de laatste band gelijk aan of beter dan de eerste is"),
    counted(
        "outcome.goals",
        "",
        "Doelen bereikt",
        "Goals achieved",
        "children who left care in the period with goals in their plan",
        "those with at least half their goals achieved at the last evaluation",
        None,
    ).nl("kinderen die in de periode zijn uitgestroomd, met doelen in hun plan", "die bij de laatste evaluatie minstens de helft van hun doelen bereikten"),
    counted("process.intake", "", "Aandacht bij de intake", "Attention at intake", IN_CARE_42, "those with an intake (IB 1953)", None).nl("kinderen minstens 42 dagen van de periode in de opvang", "met een intake"),
    counted("process.safety", "", "Veiligheid in kaart", "Safety mapped", IN_CARE_42, "those with a safety assessment (IB 1956)", None).nl("kinderen minstens 42 dagen van de periode in de opvang", "met een veiligheidstaxatie"),
    counted("process.plan", "", "Actieplan", "Action plan", IN_CARE_42, "those with an action plan (IB 1959)", None).nl("kinderen minstens 42 dagen van de periode in de opvang", "met een actieplan"),
    counted(
        "process.parent",
        "",
        "Aandacht voor de niet-meegekomen ouder",
        "Attention to the parent who did not come along",
        "children in care at least 42 days of the period who came with one parent",
        "those for whom the other parent was looked into (IB 1965-1966)",
        None,
    ).nl("kinderen minstens 42 dagen van de periode in de opvang die met één ouder kwamen", "van wie de andere ouder in beeld is gebracht"),
];

pub fn indicator(code: &str) -> Option<&'static Indicator> {
    CATALOGUE.iter().find(|i| i.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_indicator_is_described_in_dutch() {
        for i in CATALOGUE {
            match i.measure {
                Measure::Counted => assert!(!i.denominator_nl.is_empty() && !i.numerator_nl.is_empty(), "{}", i.code),
                Measure::NotRecordable(_, nl) => assert!(!nl.is_empty(), "{}", i.code),
            }
        }
    }

    #[test]
    fn codes_are_unique_and_belong_to_their_norm() {
        let mut codes: Vec<_> = CATALOGUE.iter().map(|i| i.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), CATALOGUE.len());
        assert!(
            CATALOGUE
                .iter()
                .filter(|i| i.ratio == Ratio::Share)
                .filter_map(|i| i.threshold)
                .all(|t| (0.0..=1.0).contains(&t))
        );
        assert!(CATALOGUE.iter().all(|i| i.code.starts_with(i.norm) || i.norm.is_empty()));
    }

    #[test]
    fn status_follows_the_threshold_in_the_direction_of_better() {
        let count = |numerator, denominator| Some(Count { numerator, denominator });
        let one = indicator("1").unwrap();
        assert_eq!(one.status(count(95, 100), false), Status::Met);
        assert_eq!(one.status(count(94, 100), false), Status::NotMet);
        assert_eq!(one.status(count(0, 0), false), Status::NoData);
        let moves = indicator("2a").unwrap();
        assert_eq!(moves.status(count(10, 10), false), Status::Met);
        assert_eq!(moves.status(count(11, 10), false), Status::NotMet);
        assert_eq!(indicator("11e").unwrap().status(count(3, 10), false), Status::NoThreshold);
        assert_eq!(indicator("1b").unwrap().status(None, false), Status::NotRecordable);
    }

    #[test]
    fn a_mean_is_per_child_in_its_unit() {
        let hours = indicator("hours_per_child").unwrap();
        assert_eq!(hours.figure(Count { numerator: 600, denominator: 5 }), Some(2.0));
        assert_eq!(hours.figure(Count { numerator: 0, denominator: 0 }), None);
    }

    #[test]
    fn counts_of_one_to_four_are_suppressed_for_aggregate_readers() {
        let one = indicator("1").unwrap();
        let status = |numerator, denominator| one.status(Some(Count { numerator, denominator }), true);
        assert_eq!(status(4, 100), Status::Suppressed);
        assert_eq!(status(96, 100), Status::Suppressed, "4 children who do not meet it");
        assert_eq!(status(5, 100), Status::NotMet);
        assert_eq!(status(100, 100), Status::Met, "nobody outside: nothing to point at");
        assert_eq!(status(0, 0), Status::NoData);
        assert_eq!(status(0, 4), Status::Suppressed);
        assert_eq!(
            one.status(Some(Count { numerator: 4, denominator: 100 }), false),
            Status::NotMet,
            "the organisation sees its own"
        );
        let stay = indicator("2a.2").unwrap();
        assert_eq!(stay.status(Some(Count { numerator: 30, denominator: 4 }), true), Status::Suppressed);
        assert_eq!(stay.status(Some(Count { numerator: 300, denominator: 5 }), true), Status::NoThreshold);
        let moves = indicator("2a").unwrap();
        assert_eq!(
            moves.status(Some(Count { numerator: 1, denominator: 60 }), true),
            Status::Suppressed,
            "one move points at a family"
        );
        assert_eq!(moves.status(Some(Count { numerator: 0, denominator: 60 }), true), Status::Met);
    }
}
