//! Cadence of the method (DESIGN.md §2): a kindgesprek every 2 weeks from age 4, an
//! oudergesprek about the child every week, an evaluation 6 weeks after the last one (or
//! after the action plan), and phase 1 at most 6 weeks. Computed from the records, never stored.
//! `api::cadence` states the same rules in SQL for the `overdue` filter; a test keeps the two equal.

use super::{age::age_on, phase::PHASE_1_MAX_DAYS};
use chrono::{Days, NaiveDate};
use entities::{ContactKind, Phase};

pub const CHILD_TALK_EVERY_DAYS: u64 = 14;
pub const PARENT_TALK_EVERY_DAYS: u64 = 7;
pub const EVALUATION_EVERY_DAYS: u64 = 42;
/// Kindgesprekken are held with children from this age.
pub const CHILD_TALK_FROM_AGE: i32 = 4;

/// Contact kinds that count as an oudergesprek about the child.
pub const PARENT_TALK_KINDS: [ContactKind; 2] = [ContactKind::ParentTalk, ContactKind::ParentChildTalk];

/// What the cadence of one trajectory depends on.
#[derive(Clone, Debug, Default)]
pub struct CadenceFacts {
    pub phase: Option<Phase>,
    pub admission_date: NaiveDate,
    pub date_of_birth: NaiveDate,
    pub last_child_talk: Option<NaiveDate>,
    pub last_parent_talk: Option<NaiveDate>,
    /// When the action plan was drawn up; evaluations are due only once there is a plan.
    pub plan_drawn_up_on: Option<NaiveDate>,
    pub last_evaluation: Option<NaiveDate>,
}

/// Kind of a due item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueKind {
    /// Kindgesprek (every 2 weeks, from age 4).
    ChildTalk,
    /// Oudergesprek about the child (weekly).
    ParentTalk,
    /// Evaluatie van het plan van aanpak (every 6 weeks).
    Evaluation,
    /// End of phase 1 (6 weeks after admission).
    Phase1End,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Due {
    pub kind: DueKind,
    pub due_on: NaiveDate,
}

impl Due {
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.due_on < today
    }
}

fn after(date: NaiveDate, days: u64) -> NaiveDate {
    date + Days::new(days)
}

/// Everything due for an open trajectory; nothing for a closed one.
pub fn due_items(f: &CadenceFacts, today: NaiveDate) -> Vec<Due> {
    let mut items = Vec::new();
    if matches!(f.phase, None | Some(Phase::Closed)) {
        return items;
    }
    if age_on(f.date_of_birth, today) >= CHILD_TALK_FROM_AGE {
        let since = f.last_child_talk.unwrap_or(f.admission_date);
        items.push(Due { kind: DueKind::ChildTalk, due_on: after(since, CHILD_TALK_EVERY_DAYS) });
    }
    let since = f.last_parent_talk.unwrap_or(f.admission_date);
    items.push(Due { kind: DueKind::ParentTalk, due_on: after(since, PARENT_TALK_EVERY_DAYS) });
    if let Some(plan) = f.plan_drawn_up_on {
        let since = f.last_evaluation.unwrap_or(plan);
        items.push(Due { kind: DueKind::Evaluation, due_on: after(since, EVALUATION_EVERY_DAYS) });
    }
    if f.phase == Some(Phase::Phase1) {
        items.push(Due { kind: DueKind::Phase1End, due_on: after(f.admission_date, PHASE_1_MAX_DAYS as u64) });
    }
    items
}

pub fn next_due(f: &CadenceFacts, today: NaiveDate, kind: DueKind) -> Option<NaiveDate> {
    due_items(f, today).into_iter().find(|d| d.kind == kind).map(|d| d.due_on)
}

/// Anything overdue for this child.
pub fn overdue(f: &CadenceFacts, today: NaiveDate) -> bool {
    due_items(f, today).iter().any(|d| d.overdue(today))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts() -> CadenceFacts {
        CadenceFacts {
            phase: Some(Phase::Phase1),
            admission_date: d("2026-11-02"),
            date_of_birth: d("2018-05-01"),
            ..Default::default()
        }
    }

    #[test]
    fn first_talks_are_due_from_admission() {
        let f = facts();
        let today = d("2026-11-10");
        assert_eq!(next_due(&f, today, DueKind::ChildTalk), Some(d("2026-11-16")));
        assert_eq!(next_due(&f, today, DueKind::ParentTalk), Some(d("2026-11-09")));
        assert_eq!(next_due(&f, today, DueKind::Phase1End), Some(d("2026-12-14")));
        assert_eq!(next_due(&f, today, DueKind::Evaluation), None);
        assert!(overdue(&f, today), "the weekly oudergesprek was due yesterday");
        assert!(!overdue(&f, d("2026-11-09")), "due today is not overdue");
    }

    #[test]
    fn held_talks_move_the_next_due_date() {
        let f = CadenceFacts { last_child_talk: Some(d("2026-11-12")), last_parent_talk: Some(d("2026-11-09")), ..facts() };
        let today = d("2026-11-16");
        assert_eq!(next_due(&f, today, DueKind::ChildTalk), Some(d("2026-11-26")));
        assert_eq!(next_due(&f, today, DueKind::ParentTalk), Some(d("2026-11-16")));
        assert!(!overdue(&f, today));
    }

    #[test]
    fn no_child_talks_under_four_and_nothing_when_closed() {
        let baby = CadenceFacts { date_of_birth: d("2024-01-01"), ..facts() };
        assert_eq!(next_due(&baby, d("2026-11-10"), DueKind::ChildTalk), None);
        let closed = CadenceFacts { phase: Some(Phase::Closed), ..facts() };
        assert!(due_items(&closed, d("2027-06-01")).is_empty());
    }

    #[test]
    fn evaluations_every_six_weeks_after_the_plan() {
        let f = CadenceFacts { phase: Some(Phase::Phase2), plan_drawn_up_on: Some(d("2026-11-20")), ..facts() };
        assert_eq!(next_due(&f, d("2026-12-01"), DueKind::Evaluation), Some(d("2027-01-01")));
        let f = CadenceFacts { last_evaluation: Some(d("2027-01-03")), ..f };
        assert_eq!(next_due(&f, d("2027-01-05"), DueKind::Evaluation), Some(d("2027-02-14")));
        assert_eq!(next_due(&f, d("2027-01-05"), DueKind::Phase1End), None);
    }
}
