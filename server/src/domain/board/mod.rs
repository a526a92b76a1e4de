//! The "kerntaken × fasen" board (bijlage 1, IB 2114-2691): for each of the 56 activities and
//! 46 results of the method, in its core task and phase, whether the child's records show it
//! done, and otherwise whether it is due now, overdue, for a later phase or not applicable —
//! with the reason. Derived from the records, never stored; the catalogue is in `catalogue`.

mod catalogue;

pub use catalogue::CATALOGUE;

use super::cadence::{Due, DueKind};
use chrono::{Days, NaiveDate};
use entities::{
    ActivityKind, AftercareDecision, ContactKind, ContactTopic, CoreTask, LivingClimateItem,
    NonAccompanyingParentOutcome, Phase, PsychoEducationAudience, SafetyJudgement,
};
use std::collections::HashSet;

/// Activity or result of bijlage 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// Activiteit.
    Activity,
    /// Resultaat.
    Result,
}

/// Whether the method asks for the item with every child (kern) or leaves it to the worker
/// (facultatief); IB 2074-2082.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Importance {
    Core,
    Optional,
}

/// Where an item stands for the child today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Done,
    /// Open in the current phase, not late.
    Due,
    Overdue,
    /// Belongs to a phase the child has not reached.
    Later,
    NotApplicable,
}

/// A contact that was held.
#[derive(Debug, Clone)]
pub struct HeldContact {
    pub kind: ContactKind,
    pub held_on: NaiveDate,
    pub topics: Vec<ContactTopic>,
    pub core_tasks: Vec<CoreTask>,
}

/// A safety assessment, as far as the board looks at it.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub on: NaiveDate,
    pub judgement: SafetyJudgement,
    /// The worker's score on the 0–10 scale.
    pub worker_score: Option<i32>,
}

/// An activity the child was invited to.
#[derive(Debug, Clone)]
pub struct Activity {
    pub on: NaiveDate,
    pub kind: ActivityKind,
    pub child_took_part: bool,
    pub continues_after_departure: bool,
}

/// What the records of one child's current trajectory show, gathered once per child.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub today: NaiveDate,
    pub age: i32,
    pub phase: Phase,
    pub admission_date: NaiveDate,
    /// When the child first entered phase 2, phase 3, and when the trajectory closed.
    pub phase2_on: Option<NaiveDate>,
    pub phase3_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub expected_departure_on: Option<NaiveDate>,
    /// The cadence's due items today (`cadence::due_items`).
    pub cadence: Vec<Due>,
    pub contacts: Vec<HeldContact>,
    pub first_contact: bool,
    pub house_rules_explained: bool,
    pub intake: bool,
    /// The intake names help that was already there.
    pub existing_help_known: bool,
    /// Involved professionals: (since, until).
    pub involvements: Vec<(NaiveDate, Option<NaiveDate>)>,
    pub sdq_parent: bool,
    pub sdq_self: bool,
    /// An SDQ result discussed with the parent (IB 440).
    pub screening_discussed: bool,
    /// A raised screening result: a band above normal or a flag.
    pub screening_raised: bool,
    /// A screening was followed by further assessment or a referral.
    pub screening_referred: bool,
    pub assessments: Vec<Assessment>,
    pub safety_plan: bool,
    pub reporting_code_track: bool,
    pub action_plan: bool,
    pub goal_actions: bool,
    /// Evaluations: (held on, a parent took part).
    pub evaluations: Vec<(NaiveDate, bool)>,
    pub network_members: usize,
    /// Network members for whom is recorded what they can do for the family.
    pub network_support_known: bool,
    /// Consent of the parents with a say to the child's support, or the legal guideline's override.
    pub support_agreed: bool,
    /// The child came with one parent (or none): the other is always looked into (IB 525-531).
    pub came_with_one_parent: bool,
    pub non_accompanying_parent: Option<NonAccompanyingParentOutcome>,
    /// Living-climate checks: (phase, items found in order).
    pub living_climate: Vec<(Phase, Vec<LivingClimateItem>)>,
    pub activities: Vec<Activity>,
    /// Psycho-education: (for whom, took part).
    pub psycho_education: Vec<(PsychoEducationAudience, bool)>,
    pub registered_in_reference_index: bool,
    pub aftercare: Option<AftercareDecision>,
    /// The handover the aftercare decision links to was accepted (or further).
    pub handover_accepted: bool,
    /// Agreements on monitoring safety after departure are recorded.
    pub safety_monitoring: bool,
    /// Results a worker confirmed (board keys).
    pub confirmed: HashSet<String>,
}

/// How an item is decided.
pub enum Rule {
    /// Done once, from the records; `applies` gives the reason when it does not apply.
    Once { applies: fn(&Facts) -> Result<(), &'static str>, done: fn(&Facts) -> bool },
    /// A rhythm of the cadence, in its own phase; done while on time.
    Rhythm {
        applies: fn(&Facts) -> Result<(), &'static str>,
        due: fn(&Facts) -> DueKind,
        held: fn(&Facts, Phase) -> bool,
    },
    /// A result only a worker can confirm (`confirmBoardResult`).
    Confirmed,
}

/// One activity or result of bijlage 1.
pub struct Item {
    pub key: &'static str,
    pub core_task: CoreTask,
    pub phase: Phase,
    pub kind: ItemKind,
    pub importance: Importance,
    /// The item as bijlage 1 names it (Dutch).
    pub description: &'static str,
    /// Line of the interventiebeschrijving.
    pub source_line: u32,
    /// Days from admission within which it is due (otherwise: by the end of its phase).
    pub within_days: Option<u64>,
    pub rule: Rule,
}

/// One line of the board: an item of the catalogue and where it stands for the child.
pub struct BoardItem {
    pub item: &'static Item,
    pub state: State,
    /// What it waits for, when it was or is due, or why it does not apply.
    pub reason: Option<String>,
}

impl BoardItem {
    pub fn done(&self) -> bool {
        self.state == State::Done
    }
}

/// Every item of the catalogue, in order, with its state for this child.
pub fn board(f: &Facts) -> Vec<BoardItem> {
    CATALOGUE
        .iter()
        .map(|item| {
            let (state, reason) = state_of(item, f);
            BoardItem { item, state, reason }
        })
        .collect()
}

fn rank(p: Phase) -> u8 {
    match p {
        Phase::Phase1 => 1,
        Phase::Phase2 => 2,
        Phase::Phase3 => 3,
        Phase::Closed => 4,
    }
}

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Phase1 => "phase 1",
        Phase::Phase2 => "phase 2",
        Phase::Phase3 => "phase 3",
        Phase::Closed => "closing",
    }
}

impl Facts {
    /// Whether the child reached `phase` (a closed trajectory may have skipped phases).
    fn reached(&self, phase: Phase) -> bool {
        match phase {
            Phase::Phase1 => true,
            Phase::Phase2 => self.phase2_on.is_some(),
            Phase::Phase3 => self.phase3_on.is_some(),
            Phase::Closed => self.closed_on.is_some(),
        }
    }

    /// Whether `day` lies in `phase` (from its first start until the next phase began).
    pub fn in_phase(&self, phase: Phase, day: NaiveDate) -> bool {
        let starts = [Some(self.admission_date), self.phase2_on, self.phase3_on, self.closed_on];
        let i = rank(phase) as usize - 1;
        let Some(from) = starts[i] else { return false };
        let until = starts[i + 1..].iter().flatten().min().copied();
        day >= from && until.is_none_or(|u| day < u)
    }

    /// A contact of one of `kinds` (any kind when empty) held in `phase` (any phase when None)
    /// about `topic` (any when None).
    pub fn held(&self, kinds: &[ContactKind], phase: Option<Phase>, topic: Option<ContactTopic>) -> bool {
        self.contacts.iter().any(|c| {
            (kinds.is_empty() || kinds.contains(&c.kind))
                && phase.is_none_or(|p| self.in_phase(p, c.held_on))
                && topic.is_none_or(|t| c.topics.contains(&t))
        })
    }

    /// A held contact that served `task` in `phase`.
    pub fn served(&self, task: CoreTask, phase: Phase) -> bool {
        self.contacts.iter().any(|c| c.core_tasks.contains(&task) && self.in_phase(phase, c.held_on))
    }

    pub fn climate(&self, item: LivingClimateItem) -> bool {
        self.living_climate.iter().any(|(_, met)| met.contains(&item))
    }

    /// The child needs outside help looked into: a raised screening result or a referral.
    pub fn needs_outside_help(&self) -> bool {
        self.screening_raised || self.screening_referred
    }

    /// The newest safety assessment judged the situation GOOD: no safety plan is needed
    /// ("maatregelen en veiligheidsplan indien nodig", IB 2146).
    pub fn judged_safe(&self) -> bool {
        self.assessments.iter().max_by_key(|a| a.on).is_some_and(|a| a.judgement == SafetyJudgement::Good)
    }

    fn due(&self, kind: DueKind) -> Option<Due> {
        self.cadence.iter().find(|d| d.kind == kind).copied()
    }
}

fn state_of(item: &Item, f: &Facts) -> (State, Option<String>) {
    let applies = match &item.rule {
        Rule::Once { applies, .. } | Rule::Rhythm { applies, .. } => applies(f),
        Rule::Confirmed => Ok(()),
    };
    let current = rank(f.phase);
    let own = rank(item.phase);
    // A later phase's item waits for that phase: whether it applies is judged then (a need
    // for outside help, say, may still arise).
    if own > current && !item_done(item, f) {
        return (State::Later, Some(format!("from {}", phase_name(item.phase))));
    }
    if let Err(why) = applies {
        return (State::NotApplicable, Some(why.into()));
    }
    if let Rule::Rhythm { due, held, .. } = &item.rule {
        let held = held(f, item.phase);
        if own < current {
            return past_phase(item, f, held);
        }
        return match f.due(due(f)) {
            Some(d) if d.overdue(f.today) => (State::Overdue, Some(format!("was due on {}", d.due_on))),
            Some(d) if held => (State::Done, Some(format!("next due on {}", d.due_on))),
            Some(d) => (State::Due, Some(format!("first due on {}", d.due_on))),
            // Nothing scheduled (e.g. evaluations before there is a plan).
            None if held => (State::Done, None),
            None => (State::Due, None),
        };
    }
    if item_done(item, f) {
        return (State::Done, None);
    }
    if own < current {
        return past_phase(item, f, false);
    }
    // In its own phase: late after its own deadline, or for phase 1 after six weeks (IB 245).
    let deadline = match (item.within_days, item.phase) {
        (Some(days), _) => Some(f.admission_date + Days::new(days)),
        (None, Phase::Phase1) => Some(f.admission_date + Days::new(super::phase::PHASE_1_MAX_DAYS as u64)),
        (None, Phase::Phase3) => f.expected_departure_on,
        _ => None,
    };
    match deadline {
        Some(d) if d < f.today => (State::Overdue, Some(format!("was due by {d}"))),
        Some(d) => (State::Due, Some(format!("due by {d}"))),
        None => (State::Due, None),
    }
}

/// A one-off item the records show done (a rhythm is judged by its due dates instead).
fn item_done(item: &Item, f: &Facts) -> bool {
    match &item.rule {
        Rule::Once { done, .. } => done(f),
        Rule::Confirmed => f.confirmed.contains(item.key),
        Rule::Rhythm { .. } => false,
    }
}

/// An item of a phase the child has left (or, when closed, never reached).
fn past_phase(item: &Item, f: &Facts, done: bool) -> (State, Option<String>) {
    if done {
        (State::Done, None)
    } else if !f.reached(item.phase) {
        (State::NotApplicable, Some(format!("the trajectory closed before {}", phase_name(item.phase))))
    } else {
        (State::Overdue, Some(format!("not done in {}", phase_name(item.phase))))
    }
}

#[cfg(test)]
mod tests;
