//! The sub-goals a–j of the Veerkracht method (subdoelen, IB 172-205), as the method words them.
//! §1.2 and the verantwoording table (IB 1408-1506) agree and are authoritative; §3 cites some
//! letters wrongly (IB 1358-1360, 1392-1395).

use entities::SubGoal;

/// Whom a sub-goal concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concern {
    /// a–f: subdoelen gericht op het kind.
    Child,
    /// g–j: subdoelen gericht op de ouders, de meegekomen en de niet-meegekomen ouder (IB 193-194).
    Parent,
}

/// One sub-goal: its letter, whom it concerns, and the method's sentence with an English rendering.
#[derive(Debug, Clone, Copy)]
pub struct Definition {
    pub letter: SubGoal,
    pub concerns: Concern,
    pub description: &'static str,
    pub description_nl: &'static str,
}

const fn child(letter: SubGoal, description_nl: &'static str, description: &'static str) -> Definition {
    Definition { letter, concerns: Concern::Child, description, description_nl }
}

const fn parent(letter: SubGoal, description_nl: &'static str, description: &'static str) -> Definition {
    Definition { letter, concerns: Concern::Parent, description, description_nl }
}

/// a–j in order (IB 174-205; OCR slips of the source corrected).
pub const SUB_GOALS: [Definition; 10] = [
    child(
        SubGoal::A,
        "Het kind verkeert in een veilige situatie, zonder mishandeling, verwaarlozing of geweld.",
        "The child is in a safe situation, free from abuse, neglect or violence.",
    ),
    child(
        SubGoal::B,
        "Het kind ervaart veiligheid, rust en stabiliteit in de dagelijkse leefsituatie.",
        "The child experiences safety, calm and stability in its daily life.",
    ),
    child(
        SubGoal::C,
        "Het kind begrijpt, passend bij zijn leeftijd, ontwikkelingsniveau en belevingswereld, wat er aan de hand is \
         en wat er gaat gebeuren in de nabije toekomst (grip op de situatie).",
        "The child understands, as fits its age, developmental level and world of experience, what is going on and \
         what will happen in the near future (a grip on the situation).",
    ),
    child(
        SubGoal::D,
        "Het kind is (afhankelijk van de leeftijd) in staat zijn gevoelens over de gebeurtenissen te uiten en heeft \
         grip op zijn emoties; schuldgevoel en gevoelens van machteloosheid zijn verminderd, het gevoel van kracht is vergroot.",
        "The child is able (depending on its age) to express its feelings about the events and has a grip on its \
         emotions; guilt and feelings of powerlessness have lessened, its sense of strength has grown.",
    ),
    child(
        SubGoal::E,
        "Het kind ervaart steun van personen die belangrijk voor hem zijn en heeft contact met vriendjes en vriendinnetjes.",
        "The child experiences support from people who matter to it and has contact with friends.",
    ),
    child(
        SubGoal::F,
        "Mogelijke problemen en posttraumatische klachten of de risico's hierop zijn in kaart gebracht; indien nodig \
         is passende hulp geregeld.",
        "Possible problems and post-traumatic complaints, or the risk of them, have been mapped; where needed, \
         suitable help has been arranged.",
    ),
    parent(
        SubGoal::G,
        "De ouder is zich bewust van de gevolgen van de situatie voor hun kind en begrijpt wat het kind nodig heeft.",
        "The parent is aware of the consequences of the situation for their child and understands what the child needs.",
    ),
    parent(
        SubGoal::H,
        "De ouder is, zo nodig met steun van hun netwerk, in staat het kind emotionele veiligheid (affectie, \
         bescherming, steun en begrip) te bieden en te ondersteunen in zijn of haar ontwikkeling.",
        "The parent is able, with support from their network where needed, to give the child emotional safety \
         (affection, protection, support and understanding) and to support its development.",
    ),
    parent(
        SubGoal::I,
        "Voor de ouder is duidelijk welke rol en taak hij/zij vervult in de verzorging en opvoeding van het kind.",
        "It is clear to the parent what role and task he or she has in caring for and raising the child \
         (for each parent, including the parent who is not present: IB 1477-1479).",
    ),
    parent(
        SubGoal::J,
        "Mogelijke problemen in de ouder-kind relatie of in de opvoeding zijn in kaart gebracht; indien nodig is \
         passende ondersteuning of hulp geregeld.",
        "Possible problems in the parent–child relationship or in parenting have been mapped; where needed, \
         suitable support or help has been arranged.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn every_letter_once_in_order_a_to_f_for_the_child_and_g_to_j_for_the_parents() {
        let letters: Vec<SubGoal> = SUB_GOALS.iter().map(|d| d.letter).collect();
        assert_eq!(letters, SubGoal::iter().collect::<Vec<_>>());
        for d in SUB_GOALS {
            let expected = if "ABCDEF".contains(d.letter.as_str()) { Concern::Child } else { Concern::Parent };
            assert_eq!(d.concerns, expected, "{}", d.letter.as_str());
        }
    }

    #[test]
    fn the_method_s_own_words() {
        // IB 172-205, e.g. f (problems and post-traumatic complaints) and i (each parent's role),
        // which the first version of this module lacked.
        assert!(SUB_GOALS[5].description_nl.starts_with("Mogelijke problemen en posttraumatische klachten"));
        assert!(SUB_GOALS[8].description_nl.starts_with("Voor de ouder is duidelijk welke rol en taak"));
        assert!(SUB_GOALS.iter().all(|d| d.description_nl.ends_with('.') && d.description.ends_with(['.', ')'])));
    }
}
