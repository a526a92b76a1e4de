//! Cadence of the method (DESIGN.md §2): a kindgesprek every 2 weeks from age 4 (IB 254, 460),
//! a child under 4 seen with the parent as often (IB 463-466), an oudergesprek about the child
//! every week (IB 252-254), an evaluation 6 weeks after the last one or after the action plan
//! (IB 360), the safety plan reviewed on its review date (IB 1634-1635), and phase 1 at most
//! 6 weeks (IB 245). Computed from the records, never stored.
//! `api::cadence` states the same rules in SQL for the `overdue` filter; a test keeps the two equal.

use super::{age::age_on, phase::PHASE_1_MAX_DAYS};
use chrono::{Days, NaiveDate};
use entities::{ContactKind, Phase};

pub const CHILD_TALK_EVERY_DAYS: u64 = 14;
pub const PARENT_TALK_EVERY_DAYS: u64 = 7;
pub const EVALUATION_EVERY_DAYS: u64 = 42;
/// Kindgesprekken are held with children from this age.
pub const CHILD_TALK_FROM_AGE: i32 = 4;

/// Contact kinds that count as the weekly oudergesprek about the child. An ouder-kindgesprek
/// is an action that follows from those talks, not one of them (IB 255-257, 478-481).
pub const PARENT_TALK_KINDS: [ContactKind; 1] = [ContactKind::ParentTalk];
/// A child under 4 is seen with the parent, by observing the child and the parent–child
/// interaction (IB 463-466), as often as an older child has a kindgesprek.
pub const SEEN_WITH_PARENT_KINDS: [ContactKind; 2] = [ContactKind::Observation, ContactKind::ParentChildTalk];

/// What the cadence of one trajectory depends on.
#[derive(Clone, Debug, Default)]
pub struct CadenceFacts {
    pub phase: Option<Phase>,
    pub admission_date: NaiveDate,
    pub date_of_birth: NaiveDate,
    pub last_child_talk: Option<NaiveDate>,
    pub last_parent_talk: Option<NaiveDate>,
    /// The last time a child under 4 was seen with the parent.
    pub last_seen_with_parent: Option<NaiveDate>,
    /// When the action plan was drawn up; evaluations are due only once there is a plan.
    pub plan_drawn_up_on: Option<NaiveDate>,
    pub last_evaluation: Option<NaiveDate>,
    /// The review date of the newest safety plan.
    pub safety_plan_review_on: Option<NaiveDate>,
}

/// Kind of a due item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueKind {
    /// Kindgesprek (every 2 weeks, from age 4).
    ChildTalk,
    /// A child under 4 seen with the parent: observation (every 2 weeks).
    SeenWithParent,
    /// Oudergesprek about the child (weekly).
    ParentTalk,
    /// Evaluatie van het plan van aanpak (every 6 weeks).
    Evaluation,
    /// Review of the safety plan (evaluatie veiligheidsplan), on the plan's review date.
    SafetyPlanReview,
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
        // A child who turns 4 during the stay has its first talk due two weeks after the
        // birthday, not on it.
        let since = f.last_child_talk.unwrap_or(std::cmp::max(f.admission_date, fourth_birthday(f.date_of_birth)));
        items.push(Due { kind: DueKind::ChildTalk, due_on: after(since, CHILD_TALK_EVERY_DAYS) });
    } else {
        let since = f.last_seen_with_parent.unwrap_or(f.admission_date);
        items.push(Due { kind: DueKind::SeenWithParent, due_on: after(since, CHILD_TALK_EVERY_DAYS) });
    }
    let since = f.last_parent_talk.unwrap_or(f.admission_date);
    items.push(Due { kind: DueKind::ParentTalk, due_on: after(since, PARENT_TALK_EVERY_DAYS) });
    if let Some(plan) = f.plan_drawn_up_on {
        let since = f.last_evaluation.unwrap_or(plan);
        items.push(Due { kind: DueKind::Evaluation, due_on: after(since, EVALUATION_EVERY_DAYS) });
    }
    if let Some(review_on) = f.safety_plan_review_on {
        items.push(Due { kind: DueKind::SafetyPlanReview, due_on: review_on });
    }
    if f.phase == Some(Phase::Phase1) {
        items.push(Due { kind: DueKind::Phase1End, due_on: after(f.admission_date, PHASE_1_MAX_DAYS as u64) });
    }
    items
}

/// The day a child turns 4: kindgesprekken start then.
fn fourth_birthday(date_of_birth: NaiveDate) -> NaiveDate {
    date_of_birth.checked_add_months(chrono::Months::new(12 * CHILD_TALK_FROM_AGE as u32)).unwrap_or(NaiveDate::MAX)
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
        let f =
            CadenceFacts { last_child_talk: Some(d("2026-11-12")), last_parent_talk: Some(d("2026-11-09")), ..facts() };
        let today = d("2026-11-16");
        assert_eq!(next_due(&f, today, DueKind::ChildTalk), Some(d("2026-11-26")));
        assert_eq!(next_due(&f, today, DueKind::ParentTalk), Some(d("2026-11-16")));
        assert!(!overdue(&f, today));
    }

    #[test]
    fn under_four_the_child_is_seen_with_the_parent_instead_and_nothing_when_closed() {
        let baby = CadenceFacts { date_of_birth: d("2024-01-01"), ..facts() };
        assert_eq!(next_due(&baby, d("2026-11-10"), DueKind::ChildTalk), None);
        assert_eq!(next_due(&baby, d("2026-11-10"), DueKind::SeenWithParent), Some(d("2026-11-16")));
        let seen = CadenceFacts { last_seen_with_parent: Some(d("2026-11-12")), ..baby };
        assert_eq!(next_due(&seen, d("2026-11-20"), DueKind::SeenWithParent), Some(d("2026-11-26")));
        let closed = CadenceFacts { phase: Some(Phase::Closed), ..facts() };
        assert!(due_items(&closed, d("2027-06-01")).is_empty());
    }

    #[test]
    fn a_child_turning_four_during_the_stay_is_not_overdue_on_its_birthday() {
        let f = CadenceFacts { date_of_birth: d("2022-11-20"), ..facts() };
        assert_eq!(next_due(&f, d("2026-11-19"), DueKind::ChildTalk), None);
        assert_eq!(next_due(&f, d("2026-11-20"), DueKind::ChildTalk), Some(d("2026-12-04")));
        assert_eq!(next_due(&f, d("2026-11-20"), DueKind::SeenWithParent), None);
    }

    #[test]
    fn an_ouder_kindgesprek_is_not_the_weekly_oudergesprek() {
        assert!(!PARENT_TALK_KINDS.contains(&ContactKind::ParentChildTalk));
    }

    #[test]
    fn the_safety_plan_is_due_for_review_on_its_date() {
        let f = CadenceFacts {
            safety_plan_review_on: Some(d("2026-12-01")),
            last_parent_talk: Some(d("2026-11-28")),
            last_child_talk: Some(d("2026-11-28")),
            ..facts()
        };
        assert_eq!(next_due(&f, d("2026-11-30"), DueKind::SafetyPlanReview), Some(d("2026-12-01")));
        assert!(!overdue(&f, d("2026-12-01")));
        assert!(overdue(&f, d("2026-12-02")));
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
