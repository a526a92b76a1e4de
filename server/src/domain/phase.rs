//! Phases of a child's trajectory: 1 aanmelding, opname en verkenning (at most 6 weeks),
//! 2 begeleiding, 3 afronding, then closed.

use crate::error::Violation;
use chrono::NaiveDate;
use entities::{EndReason, Phase};

/// Phase 1 may last six weeks from admission.
pub const PHASE_1_MAX_DAYS: i64 = 42;

pub fn next(phase: Phase) -> Option<Phase> {
    match phase {
        Phase::Phase1 => Some(Phase::Phase2),
        Phase::Phase2 => Some(Phase::Phase3),
        Phase::Phase3 => Some(Phase::Closed),
        Phase::Closed => None,
    }
}

/// Checks a phase change. Phases move forward one step at a time, except that phase 3 can go
/// back to phase 2 when the departure falls through; a trajectory may be closed from any open
/// phase (a family can leave at any moment), but only with an end reason, and an end reason
/// makes no sense for any other move.
pub fn check_transition(current: Phase, target: Phase, end_reason: Option<EndReason>) -> Result<(), Violation> {
    if current == Phase::Closed {
        return Err(Violation::new("input.to", "the trajectory is already closed"));
    }
    if target == Phase::Closed {
        return match end_reason {
            Some(_) => Ok(()),
            None => Err(Violation::new("input.endReason", "closing a trajectory needs an end reason")),
        };
    }
    if end_reason.is_some() {
        return Err(Violation::new("input.endReason", "an end reason is only given when closing"));
    }
    if next(current) != Some(target) && !(current == Phase::Phase3 && target == Phase::Phase2) {
        return Err(Violation::new(
            "input.to",
            format!(
                "a trajectory in {} can move to {} or be closed",
                current.as_str(),
                next(current).map_or("-", Phase::as_str)
            ),
        ));
    }
    Ok(())
}

/// Phase 1 running longer than six weeks (fase 1 overschreden).
pub fn phase_1_overdue(phase: Phase, admission_date: NaiveDate, today: NaiveDate) -> bool {
    phase == Phase::Phase1 && (today - admission_date).num_days() > PHASE_1_MAX_DAYS
}

#[cfg(test)]
mod tests {
    use super::*;
    use Phase::*;

    #[test]
    fn phases_move_forward_one_step() {
        assert!(check_transition(Phase1, Phase2, None).is_ok());
        assert!(check_transition(Phase2, Phase3, None).is_ok());
        assert!(check_transition(Phase3, Closed, Some(EndReason::IndependentHousing)).is_ok());
        assert_eq!(check_transition(Phase1, Phase3, None).unwrap_err().field, "input.to");
        assert_eq!(check_transition(Phase2, Phase1, None).unwrap_err().field, "input.to");
        assert_eq!(check_transition(Phase2, Phase2, None).unwrap_err().field, "input.to");
        assert!(check_transition(Phase3, Phase2, None).is_ok(), "the departure fell through");
        assert_eq!(check_transition(Phase3, Phase1, None).unwrap_err().field, "input.to");
    }

    #[test]
    fn closing_needs_an_end_reason_and_is_final() {
        assert_eq!(check_transition(Phase3, Closed, None).unwrap_err().field, "input.endReason");
        assert!(check_transition(Phase1, Closed, Some(EndReason::LeftWithoutNotice)).is_ok());
        assert_eq!(check_transition(Phase1, Phase2, Some(EndReason::Other)).unwrap_err().field, "input.endReason");
        assert_eq!(check_transition(Closed, Phase1, None).unwrap_err().field, "input.to");
    }

    #[test]
    fn phase_1_is_overdue_after_six_weeks() {
        let admitted = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        assert!(!phase_1_overdue(Phase1, admitted, admitted + chrono::Days::new(42)));
        assert!(phase_1_overdue(Phase1, admitted, admitted + chrono::Days::new(43)));
        assert!(!phase_1_overdue(Phase2, admitted, admitted + chrono::Days::new(100)));
    }
}
