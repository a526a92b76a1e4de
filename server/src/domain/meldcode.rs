//! The Meldcode huiselijk geweld en kindermishandeling as a track of five steps:
//! 1 map signals (kindcheck) · 2 consult a colleague and/or Veilig Thuis · 3 talk with parent
//! and child · 4 weigh (afwegingskader) · 5 decide: organise help and/or report.

use crate::error::Violation;
use entities::{
    MeldcodeDecision::{self, *},
    ReportingCodeCloseReason,
};

pub const STEPS: i32 = 5;

/// A step as recorded so far.
#[derive(Clone, Copy, Debug)]
pub struct RecordedStep {
    pub step: i32,
    pub decision: Option<MeldcodeDecision>,
}

/// The step-4 weighing in force: the latest one recorded.
fn weighing(steps: &[RecordedStep]) -> Option<MeldcodeDecision> {
    steps.iter().rev().find(|s| s.step == 4).and_then(|s| s.decision)
}

/// Checks a new step against the track so far. Steps follow each other, each recorded once
/// (its outcome tells everything that happened in it); steps 4 and 5 carry
/// a decision of their own kind, and after "acute or structural unsafety" the decision must
/// include a report to Veilig Thuis.
pub fn check_step(
    recorded: &[RecordedStep],
    step: i32,
    decision: Option<MeldcodeDecision>,
    consulted_veilig_thuis: Option<bool>,
) -> Result<(), Vec<Violation>> {
    let mut v = Vec::new();
    if !(1..=STEPS).contains(&step) {
        v.push(Violation::new("input.step", "the Meldcode has steps 1 to 5"));
        return Err(v);
    }
    let reached = recorded.iter().map(|s| s.step).max().unwrap_or(0);
    if step <= reached {
        v.push(Violation::new("input.step", format!("step {step} is already recorded")));
    } else if step > reached + 1 {
        v.push(Violation::new("input.step", format!("step {} comes first", reached + 1)));
    }
    if consulted_veilig_thuis.is_some() && step != 2 {
        v.push(Violation::new("input.consultedVeiligThuis", "only step 2 is a consultation"));
    }
    match (step, decision) {
        (4, Some(AcuteOrStructuralUnsafety | NoAcuteOrStructuralUnsafety)) => {}
        (4, _) => v.push(Violation::new("input.decision", "step 4 weighs: acute or structural unsafety, or not")),
        (5, Some(d @ (Report | OrganiseHelp | ReportAndOrganiseHelp))) => {
            if weighing(recorded) == Some(AcuteOrStructuralUnsafety) && d == OrganiseHelp {
                v.push(Violation::new(
                    "input.decision",
                    "acute or structural unsafety was weighed in step 4: report to Veilig Thuis",
                ));
            }
        }
        (5, _) => v.push(Violation::new("input.decision", "step 5 decides: report, organise help, or both")),
        (_, Some(_)) => v.push(Violation::new("input.decision", "only steps 4 and 5 carry a decision")),
        (_, None) => {}
    }
    if v.is_empty() { Ok(()) } else { Err(v) }
}

/// How a track may close: after step 5 is decided, or — the suspicion not confirmed by steps
/// 1 to 3 (afwegingsvraag 1 of the afwegingskader) — without a report, with the reason why.
pub fn check_close(
    recorded: &[RecordedStep],
    not_confirmed: bool,
    note: Option<&str>,
) -> Result<ReportingCodeCloseReason, Vec<Violation>> {
    let decided = recorded.iter().any(|s| s.step == 5 && s.decision.is_some());
    if !not_confirmed {
        return if decided {
            Ok(ReportingCodeCloseReason::Decided)
        } else {
            Err(vec![Violation::new(
                "input.trackId",
                "a Meldcode track is closed after step 5 is decided, or with suspicionNotConfirmed when steps 1 to 3 did not confirm it",
            )])
        };
    }
    let mut v = Vec::new();
    let reached = recorded.iter().map(|s| s.step).max().unwrap_or(0);
    if reached < 3 {
        v.push(Violation::new(
            "input.suspicionNotConfirmed",
            format!("steps 1 to 3 come first; step {} is next", reached + 1),
        ));
    } else if decided {
        v.push(Violation::new("input.suspicionNotConfirmed", "step 5 was decided: the suspicion was confirmed"));
    } else if weighing(recorded) == Some(AcuteOrStructuralUnsafety) {
        v.push(Violation::new(
            "input.suspicionNotConfirmed",
            "acute or structural unsafety was weighed in step 4: report to Veilig Thuis",
        ));
    }
    if note.is_none_or(|n| n.trim().is_empty()) {
        v.push(Violation::new("input.note", "say why the suspicion was not confirmed"));
    }
    if v.is_empty() { Ok(ReportingCodeCloseReason::SuspicionNotConfirmed) } else { Err(v) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(step: i32, decision: Option<MeldcodeDecision>) -> RecordedStep {
        RecordedStep { step, decision }
    }

    fn field(r: Result<(), Vec<Violation>>) -> String {
        r.unwrap_err()[0].field.clone()
    }

    #[test]
    fn steps_follow_each_other_once() {
        assert!(check_step(&[], 1, None, None).is_ok());
        assert_eq!(field(check_step(&[], 3, None, None)), "input.step");
        let so_far = [s(1, None), s(2, None)];
        assert_eq!(field(check_step(&so_far, 2, None, Some(true))), "input.step");
        assert!(check_step(&so_far, 3, None, None).is_ok());
        assert_eq!(field(check_step(&so_far, 3, None, Some(true))), "input.consultedVeiligThuis");
        assert_eq!(field(check_step(&so_far, 6, None, None)), "input.step");
    }

    #[test]
    fn decisions_belong_to_steps_four_and_five() {
        let three = [s(1, None), s(2, None), s(3, None)];
        assert_eq!(field(check_step(&three, 4, None, None)), "input.decision");
        assert_eq!(field(check_step(&three, 4, Some(Report), None)), "input.decision");
        assert!(check_step(&three, 4, Some(NoAcuteOrStructuralUnsafety), None).is_ok());
        assert_eq!(field(check_step(&three[..2], 3, Some(Report), None)), "input.decision");
    }

    #[test]
    fn acute_unsafety_must_be_reported() {
        let weighed = [s(1, None), s(2, None), s(3, None), s(4, Some(AcuteOrStructuralUnsafety))];
        assert_eq!(field(check_step(&weighed, 5, Some(OrganiseHelp), None)), "input.decision");
        assert!(check_step(&weighed, 5, Some(ReportAndOrganiseHelp), None).is_ok());
        let safe = [s(1, None), s(2, None), s(3, None), s(4, Some(NoAcuteOrStructuralUnsafety))];
        assert!(check_step(&safe, 5, Some(OrganiseHelp), None).is_ok());
    }

    #[test]
    fn closing_needs_step_five_decided() {
        let weighed = [s(1, None), s(2, None), s(3, None), s(4, Some(NoAcuteOrStructuralUnsafety))];
        assert_eq!(check_close(&weighed, false, None).unwrap_err()[0].field, "input.trackId");
        let decided = [s(4, Some(NoAcuteOrStructuralUnsafety)), s(5, Some(OrganiseHelp))];
        assert_eq!(check_close(&decided, false, None), Ok(ReportingCodeCloseReason::Decided));
    }

    #[test]
    fn a_suspicion_steps_1_to_3_did_not_confirm_closes_without_a_report() {
        let three = [s(1, None), s(2, None), s(3, None)];
        let why = Some("Blauwe plek van de val op het schoolplein; school bevestigt.");
        assert_eq!(check_close(&three, true, why), Ok(ReportingCodeCloseReason::SuspicionNotConfirmed));
        let fields = |r: Result<ReportingCodeCloseReason, Vec<Violation>>| {
            r.unwrap_err().into_iter().map(|v| v.field).collect::<Vec<_>>()
        };
        assert_eq!(fields(check_close(&three[..2], true, None)), ["input.suspicionNotConfirmed", "input.note"]);
        let acute = [s(1, None), s(2, None), s(3, None), s(4, Some(AcuteOrStructuralUnsafety))];
        assert_eq!(fields(check_close(&acute, true, why)), ["input.suspicionNotConfirmed"]);
        let decided =
            [s(1, None), s(2, None), s(3, None), s(4, Some(NoAcuteOrStructuralUnsafety)), s(5, Some(OrganiseHelp))];
        assert_eq!(fields(check_close(&decided, true, why)), ["input.suspicionNotConfirmed"]);
    }
}
