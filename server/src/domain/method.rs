//! What the method requires before a trajectory moves on: leaving phase 1 needs the
//! activities of Kind in beeld done (or a recorded reason why not), entering phase 3 needs
//! the expected departure, and closing needs the decision on handover and aftercare.

use crate::error::Violation;
use chrono::NaiveDate;
use entities::{AftercareDecision, Phase};

/// The phase 1 activities that are recorded for a trajectory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Phase1Activities {
    pub first_contact: bool,
    pub intake: bool,
    pub safety_assessment: bool,
    pub action_plan: bool,
    /// An SDQ is recorded, or the child is under 4 (the SDQ's forms start at 4; "Screenen",
    /// IB 2134).
    pub sdq: bool,
}

impl Phase1Activities {
    /// Names of the activities still open.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            (self.first_contact, "first contact"),
            (self.intake, "intake"),
            (self.safety_assessment, "safety assessment"),
            (self.sdq, "SDQ screening (from 4)"),
            (self.action_plan, "action plan"),
        ]
        .into_iter()
        .filter_map(|(done, name)| (!done).then_some(name))
        .collect()
    }
}

/// What a phase change brings along.
#[derive(Debug, Clone, Default)]
pub struct PhaseChangeInput<'a> {
    pub phase1_exit_reason: Option<&'a str>,
    pub expected_departure_on: Option<NaiveDate>,
    pub aftercare_decision: Option<AftercareDecision>,
    /// Why phase 3 goes back to phase 2 (the departure fell through); only then needed.
    pub note: Option<&'a str>,
}

pub fn check_method(
    from: Phase,
    to: Phase,
    done: Phase1Activities,
    input: &PhaseChangeInput,
    effective_on: NaiveDate,
) -> Result<(), Vec<Violation>> {
    let mut v = Vec::new();
    let reason = input.phase1_exit_reason.map(str::trim).filter(|r| !r.is_empty());
    if from == Phase::Phase1 && to == Phase::Phase2 {
        let missing = done.missing();
        if !missing.is_empty() && reason.is_none() {
            v.push(Violation::new(
                "input.phase1ExitReason",
                format!(
                    "phase 1 still lacks: {}; record them or give the reason to move on without",
                    missing.join(", ")
                ),
            ));
        }
    } else if input.phase1_exit_reason.is_some() {
        v.push(Violation::new("input.phase1ExitReason", "only given when leaving phase 1 for phase 2"));
    }
    match (to, input.expected_departure_on) {
        (Phase::Phase3, None) => {
            v.push(Violation::new("input.expectedDepartureOn", "entering phase 3 records the expected departure"))
        }
        (Phase::Phase3, Some(d)) if d < effective_on => v.push(Violation::new(
            "input.expectedDepartureOn",
            "the expected departure lies before the start of phase 3",
        )),
        (Phase::Phase3, Some(_)) => {}
        (_, Some(_)) => v.push(Violation::new("input.expectedDepartureOn", "only given when entering phase 3")),
        (_, None) => {}
    }
    if from == Phase::Phase3 && to == Phase::Phase2 && input.note.is_none_or(|n| n.trim().is_empty()) {
        v.push(Violation::new("input.note", "say why the departure fell through"));
    }
    match (to, input.aftercare_decision) {
        (Phase::Closed, None) => {
            v.push(Violation::new("input.aftercareDecision", "closing records the decision on handover and aftercare"))
        }
        (Phase::Closed, Some(_)) | (_, None) => {}
        (_, Some(_)) => v.push(Violation::new("input.aftercareDecision", "only given when closing")),
    }
    if v.is_empty() { Ok(()) } else { Err(v) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Phase::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }
    const ALL: Phase1Activities =
        Phase1Activities { first_contact: true, intake: true, safety_assessment: true, action_plan: true, sdq: true };

    fn fields(r: Result<(), Vec<Violation>>) -> Vec<String> {
        r.err().unwrap_or_default().into_iter().map(|v| v.field).collect()
    }

    #[test]
    fn leaving_phase_1_needs_its_activities_or_a_reason() {
        let none = PhaseChangeInput::default();
        assert!(check_method(Phase1, Phase2, ALL, &none, day(1)).is_ok());
        let some = Phase1Activities { intake: false, ..ALL };
        let err = check_method(Phase1, Phase2, some, &none, day(1)).unwrap_err();
        assert_eq!(err[0].field, "input.phase1ExitReason");
        assert!(err[0].message.contains("intake"), "{}", err[0].message);
        let reason =
            PhaseChangeInput { phase1_exit_reason: Some("crisis placement, intake planned next week"), ..none.clone() };
        assert!(check_method(Phase1, Phase2, some, &reason, day(1)).is_ok());
        let blank = PhaseChangeInput { phase1_exit_reason: Some("  "), ..none };
        assert_eq!(fields(check_method(Phase1, Phase2, some, &blank, day(1))), ["input.phase1ExitReason"]);
    }

    #[test]
    fn phase_1_ends_with_an_sdq_from_age_four() {
        let err =
            check_method(Phase1, Phase2, Phase1Activities { sdq: false, ..ALL }, &PhaseChangeInput::default(), day(1))
                .unwrap_err();
        assert_eq!(err[0].field, "input.phase1ExitReason");
        assert!(err[0].message.contains("SDQ"), "{}", err[0].message);
    }

    #[test]
    fn going_back_from_phase_3_says_why() {
        assert_eq!(fields(check_method(Phase3, Phase2, ALL, &PhaseChangeInput::default(), day(5))), ["input.note"]);
        let why = PhaseChangeInput { note: Some("de woning ging niet door"), ..Default::default() };
        assert!(check_method(Phase3, Phase2, ALL, &why, day(5)).is_ok());
    }

    #[test]
    fn phase_3_needs_the_expected_departure() {
        assert_eq!(
            fields(check_method(Phase2, Phase3, ALL, &PhaseChangeInput::default(), day(5))),
            ["input.expectedDepartureOn"]
        );
        let early = PhaseChangeInput { expected_departure_on: Some(day(4)), ..Default::default() };
        assert_eq!(fields(check_method(Phase2, Phase3, ALL, &early, day(5))), ["input.expectedDepartureOn"]);
        let ok = PhaseChangeInput { expected_departure_on: Some(day(20)), ..Default::default() };
        assert!(check_method(Phase2, Phase3, ALL, &ok, day(5)).is_ok());
        assert_eq!(fields(check_method(Phase1, Phase2, ALL, &ok, day(5))), ["input.expectedDepartureOn"]);
    }

    #[test]
    fn closing_needs_the_aftercare_decision() {
        assert_eq!(
            fields(check_method(Phase3, Closed, ALL, &PhaseChangeInput::default(), day(5))),
            ["input.aftercareDecision"]
        );
        let decided =
            PhaseChangeInput { aftercare_decision: Some(AftercareDecision::WarmHandover), ..Default::default() };
        assert!(check_method(Phase3, Closed, ALL, &decided, day(5)).is_ok());
        // A family can leave during phase 1; the activities of phase 1 are not required then.
        assert!(check_method(Phase1, Closed, Phase1Activities::default(), &decided, day(5)).is_ok());
        assert_eq!(
            fields(check_method(Phase2, Phase3, ALL, &decided, day(5))),
            ["input.expectedDepartureOn", "input.aftercareDecision"]
        );
    }
}
