//! The "kerntaken × fasen" board: per core task and phase, the activities of the method
//! (bijlage 1) and whether the child's records show them done. Derived, never stored.

use entities::{CoreTask, Phase};

/// What the records of one child's trajectory show, gathered once per child.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub age: i32,
    pub first_contact: bool,
    pub network_mapped_with_parent: bool,
    pub intake: bool,
    pub screenings: usize,
    pub safety_assessments: usize,
    pub safety_plan: bool,
    /// The newest safety assessment judged the situation GOOD: no safety plan is needed
    /// ("maatregelen en veiligheidsplan indien nodig", IB 2146).
    pub judged_safe: bool,
    pub action_plan: bool,
    pub evaluated: bool,
    pub child_talks: usize,
    pub parent_talks: usize,
    pub parent_child_talks: usize,
    pub non_accompanying_parent_contacts: usize,
    pub has_non_accompanying_parent: bool,
    pub network_members: usize,
    pub network_contacts: usize,
    pub three_way_talks: usize,
    /// No cadence item (kindgesprek, oudergesprek, evaluation) is overdue.
    pub on_cadence: bool,
    pub expected_departure_known: bool,
    pub aftercare_decided: bool,
    /// The parents agreed to the child's support, or it is given under the legal guideline.
    pub support_agreed: bool,
}

/// One activity of the method.
pub struct Activity {
    pub key: &'static str,
    pub core_task: CoreTask,
    pub phase: Phase,
    /// The activity as the method names it (Dutch).
    pub description: &'static str,
    applies: fn(&Facts) -> bool,
    done: fn(&Facts) -> bool,
}

fn always(_: &Facts) -> bool {
    true
}
fn from_four(f: &Facts) -> bool {
    f.age >= 4
}

use CoreTask::*;
use Phase::*;

pub const ACTIVITIES: &[Activity] = &[
    Activity { key: "FIRST_CONTACT", core_task: ChildInView, phase: Phase1, description: "Eerste contact: warm welkom, informatie en aandacht voor risico's", applies: always, done: |f| f.first_contact },
    Activity { key: "CHILD_INTAKE", core_task: ChildInView, phase: Phase1, description: "Kinderintake", applies: always, done: |f| f.intake },
    Activity { key: "SAFETY_ASSESSMENT", core_task: ChildInView, phase: Phase1, description: "Veiligheidstaxatie (Signs of Safety)", applies: always, done: |f| f.safety_assessments > 0 },
    Activity { key: "SCREENING", core_task: ChildInView, phase: Phase1, description: "Screening (SDQ; CRIES-13 bij vermoeden van trauma)", applies: from_four, done: |f| f.screenings > 0 },
    Activity { key: "ACTION_PLAN", core_task: ChildInView, phase: Phase1, description: "Actieplan met doelen in eigen woorden", applies: always, done: |f| f.action_plan },
    Activity { key: "CHILD_SUPPORT_CONSENT", core_task: ParentsAndParenting, phase: Phase1, description: "Toestemming van de gezaghebbende ouder(s) voor begeleiding van het kind", applies: always, done: |f| f.support_agreed },
    Activity { key: "PARENT_TALK", core_task: ParentsAndParenting, phase: Phase1, description: "Oudergesprek over het kind", applies: always, done: |f| f.parent_talks > 0 },
    Activity { key: "SAFETY_PLAN", core_task: LivingClimate, phase: Phase1, description: "Veiligheidsplan in taal van het kind, indien nodig", applies: |f| !f.judged_safe, done: |f| f.safety_plan },
    Activity { key: "NETWORK_MAPPED", core_task: Network, phase: Phase1, description: "Netwerk (school, clubs, gezag) met de ouder in kaart", applies: always, done: |f| f.network_mapped_with_parent || f.network_members > 0 },
    Activity { key: "INVOLVED_PROFESSIONALS", core_task: ChainCooperation, phase: Phase1, description: "Betrokken hulpverlening en school in kaart", applies: always, done: |f| f.intake },
    Activity { key: "CHILD_TALKS", core_task: ChildInView, phase: Phase2, description: "Kindgesprekken, minstens elke twee weken", applies: from_four, done: |f| f.child_talks > 0 && f.on_cadence },
    Activity { key: "EVALUATION", core_task: ChildInView, phase: Phase2, description: "Evaluatie van de doelen met ouder en kind, elke zes weken", applies: always, done: |f| f.evaluated && f.on_cadence },
    Activity { key: "PARENT_TALKS", core_task: ParentsAndParenting, phase: Phase2, description: "Wekelijks oudergesprek over het kind", applies: always, done: |f| f.parent_talks > 0 && f.on_cadence },
    Activity { key: "PARENT_CHILD_TALK", core_task: ParentsAndParenting, phase: Phase2, description: "Ouder-kindgesprek", applies: always, done: |f| f.parent_child_talks > 0 },
    Activity { key: "SAFETY_REVIEWED", core_task: LivingClimate, phase: Phase2, description: "Veiligheid opnieuw getaxeerd", applies: always, done: |f| f.safety_assessments > 1 },
    Activity { key: "NETWORK_CONTACT", core_task: Network, phase: Phase2, description: "Contact met het netwerk van het kind", applies: always, done: |f| f.network_contacts > 0 },
    Activity { key: "NON_ACCOMPANYING_PARENT", core_task: Network, phase: Phase2, description: "Contact met de niet-meegekomen ouder, als dat veilig is", applies: |f| f.has_non_accompanying_parent, done: |f| f.non_accompanying_parent_contacts > 0 },
    Activity { key: "THREE_WAY_TALK", core_task: ChainCooperation, phase: Phase2, description: "Driegesprek met ouder en school of ketenpartner", applies: always, done: |f| f.three_way_talks > 0 },
    Activity { key: "DEPARTURE_KNOWN", core_task: ChildInView, phase: Phase3, description: "Vertrek bekend en met het kind besproken", applies: always, done: |f| f.expected_departure_known },
    Activity { key: "AFTERCARE_DECIDED", core_task: ChainCooperation, phase: Phase3, description: "Warme overdracht of nazorg besloten", applies: always, done: |f| f.aftercare_decided },
];

/// One activity of bijlage 1 on the kerntaken × fasen board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardItem {
    /// Stable key of the activity, e.g. FIRST_CONTACT.
    pub key: &'static str,
    /// Kerntaak.
    pub core_task: CoreTask,
    /// Fase.
    pub phase: Phase,
    /// The activity as the method names it.
    pub description: &'static str,
    pub done: bool,
}

/// The activities that apply to this child, in catalogue order, each done or open.
pub fn board(facts: &Facts) -> Vec<BoardItem> {
    ACTIVITIES
        .iter()
        .filter(|a| (a.applies)(facts))
        .map(|a| BoardItem { key: a.key, core_task: a.core_task, phase: a.phase, description: a.description, done: (a.done)(facts) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item<'a>(b: &'a [BoardItem], key: &str) -> Option<&'a BoardItem> {
        b.iter().find(|i| i.key == key)
    }

    #[test]
    fn a_new_child_has_every_activity_open() {
        let b = board(&Facts { age: 7, ..Facts::default() });
        assert!(b.iter().all(|i| !i.done));
        assert!(item(&b, "SCREENING").is_some());
        assert!(item(&b, "NON_ACCOMPANYING_PARENT").is_none(), "applies only when there is such a parent");
    }

    #[test]
    fn a_safety_plan_is_asked_for_unless_the_newest_assessment_is_good() {
        assert!(item(&board(&Facts { age: 7, ..Facts::default() }), "SAFETY_PLAN").is_some(), "before any assessment");
        assert!(item(&board(&Facts { age: 7, safety_assessments: 1, judged_safe: true, ..Facts::default() }), "SAFETY_PLAN").is_none());
        assert!(item(&board(&Facts { age: 7, safety_assessments: 1, ..Facts::default() }), "SAFETY_PLAN").is_some());
    }

    #[test]
    fn young_children_have_no_screening_or_child_talks() {
        let b = board(&Facts { age: 2, ..Facts::default() });
        assert!(item(&b, "SCREENING").is_none());
        assert!(item(&b, "CHILD_TALKS").is_none());
    }

    #[test]
    fn records_mark_activities_done() {
        let f = Facts {
            age: 9,
            first_contact: true,
            intake: true,
            safety_assessments: 2,
            child_talks: 3,
            on_cadence: true,
            aftercare_decided: true,
            ..Facts::default()
        };
        let b = board(&f);
        for key in ["FIRST_CONTACT", "CHILD_INTAKE", "SAFETY_ASSESSMENT", "SAFETY_REVIEWED", "CHILD_TALKS", "AFTERCARE_DECIDED", "INVOLVED_PROFESSIONALS"] {
            assert!(item(&b, key).unwrap().done, "{key}");
        }
        assert!(!item(&b, "ACTION_PLAN").unwrap().done);
        let late = board(&Facts { on_cadence: false, ..f });
        assert!(!item(&late, "CHILD_TALKS").unwrap().done, "talks held but overdue now");
    }

    #[test]
    fn every_core_task_has_work_in_phase_1_and_keys_are_unique() {
        for task in [ChildInView, ParentsAndParenting, LivingClimate, Network, ChainCooperation] {
            assert!(ACTIVITIES.iter().any(|a| a.core_task == task && a.phase == Phase1), "{task:?}");
        }
        let mut keys: Vec<_> = ACTIVITIES.iter().map(|a| a.key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), ACTIVITIES.len());
    }
}
