//! How each indicator of the catalogue is counted: its population, with a `detail` per child,
//! when a child meets it, and the reason shown in the drill-down.

use super::{
    NormScope,
    populations::{
        Frame, Sql, activities_in_period, base, contacts_in_period, custodies, evaluations, first_contacts, flag,
        goals, in_care, in_care_families, intakes, keys, other_parents, plans, psycho_education_in_period,
        safety_assessments, scale_answered, scale_change, screenings, sdq_change, sdqs, tracks, trajectory_col,
    },
};
use chrono::Days;
use entities::{
    AftercareDecision, ContactKind, EndReason, HandoverStatus, SafetyRespondent, contact, handover, location,
    placement, quality_assessment, reporting_code_step, reporting_code_track, trajectory, worker,
};
use sea_orm::sea_query::{Alias, Cond, Expr, ExprTrait, Func, Query, SelectStatement};

/// A process indicator of IB 1949-1966: children in care at least 42 days of the period (of
/// those, the ones `narrowed` to), and whether they have a record of `$summary`.
macro_rules! has_record {
    ($summary:ident, $what:literal $(, $narrowed:ident)?) => {
        Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.in_care(42)$(.add(f.$narrowed()))?,
                detail: |f| flag(f.has($summary), 1),
            },
            met: |detail| detail.eq(1),
            reason: |met, _| if met { concat!("with ", $what).into() } else { concat!("without ", $what).into() },
        }
    };
}

/// A safety-scale outcome: the change of `$respondent`'s score from the first assessment to the
/// latest, for the children in care who answered at least twice.
macro_rules! safety_scale {
    ($respondent:expr) => {
        Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| {
                    f.in_care(1).add(f.number(scale_answered($respondent, Some(f.s.period.to)), "rows").gte(2))
                },
                detail: |f| scale_change(f.s, $respondent),
            },
            met: |change| change.gt(0),
            reason: |_, change| match change.unwrap_or_default() {
                0 => "safety scale unchanged".into(),
                up if up > 0 => format!("safety scale up {up}"),
                down => format!("safety scale down {}", -down),
            },
        }
    };
}

/// Who an indicator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Counts {
    Children,
    Workers,
    Locations,
}

/// Whose rows an indicator counts, and each one's `detail`.
pub(super) enum Population {
    /// Children's trajectories in the period's frame: which are counted, and the detail of each
    /// (read only for those counted).
    Trajectories { counted: fn(&Frame) -> Cond, detail: fn(&Frame) -> Expr },
    /// Rows of their own (Meldcode tracks, workers, locations), selected as `key`, `child_id`
    /// and `detail`.
    Rows(fn(&Sql, &NormScope) -> SelectStatement),
}

/// How one indicator is counted.
pub(super) struct Definition {
    pub counts: Counts,
    pub population: Population,
    /// Met, as a condition on the detail.
    pub met: fn(Expr) -> Expr,
    /// Why a child is in or out, from its detail.
    pub reason: fn(bool, Option<i64>) -> String,
}

/// 0 when `cond` holds, else `bit`: one bit per part missing (a part without a record is
/// missing too).
fn missing(cond: Expr, bit: i64) -> Expr {
    Expr::case(cond, 0).finally(bit).into()
}

pub(super) fn definition(code: &str) -> Option<Definition> {
    Some(match code {
        "1" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.admitted(7),
                detail: |f| f.days_from_admission(f.get(first_contacts, "first_on")),
            },
            met: |days| days.lte(7),
            reason: |_, days| match days {
                Some(d) => format!("first contact on day {d}"),
                None => "no first contact".into(),
            },
        },
        "1a" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.admitted(7),
                detail: |f| f.get(first_contacts, "complete"),
            },
            met: |complete| complete.eq(1),
            reason: |met, detail| match (met, detail) {
                (true, _) => "welcome, house rules, complaints procedure and confidant covered".into(),
                (false, Some(_)) => {
                    "first contact without all of welcome, house rules, complaints procedure and confidant".into()
                }
                (false, None) => "no first contact".into(),
            },
        },
        "6c" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| Cond::all().add(f.left_phase_1().between(f.s.period.from, f.s.period.to)),
                // 1: the activities recorded; 2: left with an exit reason instead; 3: the parent
                // who did not come along was not looked into (IB 2167).
                detail: |f| {
                    Expr::case(trajectory_col(trajectory::Column::Phase1ExitReason).is_not_null(), 2)
                        .case(Cond::all().add(f.came_with_one_parent()).add(f.has(other_parents).not()), 3)
                        .finally(1)
                        .into()
                },
            },
            met: |outcome| outcome.eq(1),
            reason: |_, outcome| match outcome {
                Some(1) => "left phase 1 with its activities recorded".into(),
                Some(2) => "left phase 1 with an exit reason instead of all its activities".into(),
                _ => "left phase 1 without looking into the parent who did not come along".into(),
            },
        },
        "6c.2" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| Cond::all().add(f.left_phase_1().between(f.s.period.from, f.s.period.to)),
                detail: |f| f.days_from_admission(f.left_phase_1()),
            },
            met: |days| days.lte(crate::domain::phase::PHASE_1_MAX_DAYS),
            reason: |_, days| format!("left phase 1 on day {}", days.unwrap_or_default()),
        },
        "7" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.in_care(14).add(f.born_by(4)),
                detail: |f| f.number(contacts_in_period, "child_talks"),
            },
            met: |talks| talks.gt(0),
            reason: |_, talks| match talks.unwrap_or_default() {
                0 => "no kindgesprek in the period".into(),
                1 => "1 kindgesprek in the period".into(),
                n => format!("{n} kindgesprekken in the period"),
            },
        },
        "8" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.admitted(42),
                detail: |f| f.days_from_admission(f.get(plans, "first_on")),
            },
            met: |days| days.lte(42),
            reason: |_, days| match days {
                Some(d) => format!("action plan on day {d}"),
                None => "no action plan".into(),
            },
        },
        "10" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.in_care(28).add(f.born_by(4)),
                detail: |f| f.number(psycho_education_in_period, "rows"),
            },
            met: |offered| offered.gt(0),
            reason: |met, _| {
                if met {
                    "psycho-education offered in the period".into()
                } else {
                    "no psycho-education offered in the period".into()
                }
            },
        },
        "2g" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.in_care(28).add(f.born_by(4)),
                detail: |f| f.number(activities_in_period, "rows"),
            },
            met: |took_part| took_part.gt(0),
            reason: |met, _| {
                if met {
                    "took part in an activity in the period".into()
                } else {
                    "no activity taken part in during the period".into()
                }
            },
        },
        "3" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.in_care(42),
                // Days from the latest assessment to the period's end, or to the day the child left.
                detail: |f| f.sql.days(f.get(safety_assessments, "latest_on"), f.until()),
            },
            met: |days| days.lte(90),
            reason: |_, days| match days {
                Some(d) => format!("last safety assessment {d} days before the period's end or leaving"),
                None => "no safety assessment".into(),
            },
        },
        "9a" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.admitted(28).add(f.born_by(8)).add(f.get(first_contacts, "trauma_seen").eq(1)),
                detail: |f| f.days_from_admission(f.probe(screenings, "first_cries_on")),
            },
            met: |days| days.lte(28),
            reason: |_, days| match days {
                Some(d) => format!("CRIES-13 on day {d}"),
                None => "no CRIES-13".into(),
            },
        },
        "11d.2" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.in_care(28),
                detail: |f| f.number(contacts_in_period, "network_contacts"),
            },
            met: |contacts| contacts.gt(0),
            reason: |met, _| {
                if met { "a network contact in the period".into() } else { "no network contact in the period".into() }
            },
        },
        "1c" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.admitted(14),
                // One bit per part missing.
                detail: |f| {
                    let intake_within_14 = f.days_from_admission(f.get(intakes, "first_on")).lte(14);
                    missing(f.get(first_contacts, "network_mapped").eq(1), 1)
                        .add(missing(f.has(custodies), 2))
                        .add(missing(intake_within_14, 4))
                },
            },
            met: |missing| missing.eq(0),
            reason: |met, missing| {
                if met {
                    return "network mapped with the parent, custody recorded, intake within 14 days".into();
                }
                let missing = missing.unwrap_or_default();
                let parts: Vec<_> = [
                    (1, "network not mapped with the parent"),
                    (2, "no custody recorded"),
                    (4, "no intake within 14 days"),
                ]
                .into_iter()
                .filter(|(bit, _)| missing & bit != 0)
                .map(|(_, part)| part)
                .collect();
                parts.join(", ")
            },
        },
        "2a" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.closed_in(),
                detail: |_| {
                    let placement_col = |c| Expr::col((placement::Entity, c));
                    // A placement that began during the stay is a move (the first began before
                    // it). Read per child who left: few, and dated by their own stay.
                    let moves = Query::select()
                        .expr(Func::count(placement_col(placement::Column::Id)))
                        .from(placement::Entity)
                        .and_where(
                            placement_col(placement::Column::FamilyId)
                                .equals((trajectory::Entity, trajectory::Column::FamilyId)),
                        )
                        .and_where(
                            placement_col(placement::Column::FromDate)
                                .gt(trajectory_col(trajectory::Column::AdmissionDate)),
                        )
                        .and_where(
                            placement_col(placement::Column::FromDate).lte(trajectory_col(trajectory::Column::EndDate)),
                        )
                        .to_owned();
                    Expr::from(moves)
                },
            },
            met: |moves| moves.eq(0),
            reason: |_, moves| match moves.unwrap_or_default() {
                0 => "no move during the stay".into(),
                1 => "1 move during the stay".into(),
                n => format!("{n} moves during the stay"),
            },
        },
        "2a.2" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.closed_in(),
                detail: |f| f.days_from_admission(trajectory_col(trajectory::Column::EndDate)),
            },
            // A length, not a pass or fail: every stay counts.
            met: |_| Expr::val(1).eq(1),
            reason: |_, days| format!("stayed {} days", days.unwrap_or_default()),
        },
        "4" => Definition {
            counts: Counts::Children,
            population: Population::Rows(|sql, s| {
                let track = |c| Expr::col((reporting_code_track::Entity, c));
                let decided = Query::select()
                    .expr(Func::min(Expr::col((reporting_code_step::Entity, reporting_code_step::Column::RecordedOn))))
                    .from(reporting_code_step::Entity)
                    .and_where(
                        Expr::col((reporting_code_step::Entity, reporting_code_step::Column::TrackId))
                            .equals((reporting_code_track::Entity, reporting_code_track::Column::Id)),
                    )
                    .and_where(Expr::col((reporting_code_step::Entity, reporting_code_step::Column::Step)).eq(5))
                    .and_where(
                        Expr::col((reporting_code_step::Entity, reporting_code_step::Column::Decision)).is_not_null(),
                    )
                    .to_owned();
                // Closed without a report (steps 1–3 did not confirm the suspicion) is followed
                // through as well.
                let done = Func::coalesce([Expr::from(decided), track(reporting_code_track::Column::ClosedOn)]);
                tracks(s)
                    .and_where(
                        track(reporting_code_track::Column::OpenedOn)
                            .between(s.period.from, s.period.to - Days::new(42)),
                    )
                    .expr_as(sql.days(track(reporting_code_track::Column::OpenedOn), done.into()), Alias::new("detail"))
                    .to_owned()
            }),
            met: |detail| detail.lte(42),
            reason: |_, days| match days {
                Some(d) => format!("Meldcode followed through on day {d}"),
                None => "Meldcode track still open".into(),
            },
        },
        "6a" => Definition {
            counts: Counts::Workers,
            population: Population::Rows(|sql, s| {
                let worker_col = |c| Expr::col((worker::Entity, c));
                let responsible = base(s)
                    .cond_where(in_care(sql, s, 1))
                    .expr_as(trajectory_col(trajectory::Column::ResponsibleWorkerId), Alias::new("worker"))
                    .to_owned();
                let talked = Query::select()
                    .column(contact::Column::RecordedByWorkerId)
                    .from(contact::Entity)
                    .and_where(Expr::col(contact::Column::Kind).eq(ContactKind::ChildTalk.as_str()))
                    .and_where(Expr::col(contact::Column::HeldOn).between(s.period.from, s.period.to))
                    .and_where(Expr::col(contact::Column::TrajectoryId).in_subquery(keys(base(s))))
                    .to_owned();
                let number = worker_col(worker::Column::SkjRegistrationNumber);
                let expires = worker_col(worker::Column::SkjRegistrationExpiresOn);
                // 1: registered at the period's end; 2: the registration had lapsed; 0: none.
                let registration = Expr::case(number.is_null(), 0)
                    .case(Cond::all().add(expires.clone().is_not_null()).add(expires.lt(s.period.to)), 2)
                    .finally(1);
                Query::select()
                    .expr_as(worker_col(worker::Column::Id), Alias::new("key"))
                    .expr_as(Expr::val(Option::<uuid::Uuid>::None), Alias::new("child_id"))
                    .expr_as(registration, Alias::new("detail"))
                    .from(worker::Entity)
                    .and_where(worker_col(worker::Column::OrganisationId).eq(s.organisation_id))
                    .cond_where(
                        Cond::any()
                            .add(
                                worker_col(worker::Column::Id).in_subquery(
                                    Query::select()
                                        .column(Alias::new("worker"))
                                        .from_subquery(responsible, Alias::new("r"))
                                        .to_owned(),
                                ),
                            )
                            .add(worker_col(worker::Column::Id).in_subquery(talked)),
                    )
                    .to_owned()
            }),
            met: |detail| detail.eq(1),
            reason: |_, registration| match registration {
                Some(1) => "SKJ-registered at the period's end".into(),
                Some(2) => "SKJ registration lapsed before the period's end".into(),
                _ => "no SKJ registration recorded".into(),
            },
        },
        "6b" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.admitted(42).add(f.born_by(4)),
                detail: |f| {
                    Expr::case(f.get(intakes, "child_experience").eq(1), 1)
                        .case(f.probe(scale_answered(SafetyRespondent::Child, None), "rows").gt(0), 2)
                        .case(f.get(evaluations, "child_took_part").eq(1), 3)
                        .finally(0)
                        .into()
                },
            },
            met: |voice| voice.gt(0),
            reason: |_, voice| match voice {
                Some(1) => "the child's own experience recorded at the intake".into(),
                Some(2) => "the child scored the safety scale".into(),
                Some(3) => "the child took part in an evaluation".into(),
                _ => "the child's own view not recorded".into(),
            },
        },
        "8b" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.in_care(1).add(f.born_by(4)).add(f.number(evaluations, "in_period").gt(0)),
                detail: |f| f.number(evaluations, "without_child_in_period"),
            },
            met: |missed| missed.eq(0),
            reason: |_, missed| match missed.unwrap_or_default() {
                0 => "took part in every evaluation of the period".into(),
                1 => "not at 1 evaluation of the period".into(),
                n => format!("not at {n} evaluations of the period"),
            },
        },
        "8c" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.in_care(42).add(f.get(plans, "first_on").lte(f.s.period.to - Days::new(42))),
                detail: |f| {
                    let last_looked_at = Func::coalesce([f.get(evaluations, "latest_on"), f.get(plans, "latest_on")]);
                    f.sql.days(last_looked_at.into(), f.until())
                },
            },
            met: |days| days.lte(49),
            reason: |_, days| {
                format!("plan last evaluated {} days before the period's end or leaving", days.unwrap_or_default())
            },
        },
        "8e" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.in_care(28),
                detail: |f| f.number(goals, "for_parents"),
            },
            met: |goals| goals.gt(0),
            reason: |met, _| {
                if met {
                    "a goal for the parents in the plan".into()
                } else {
                    "no goal for the parents (g to j) in the plan".into()
                }
            },
        },
        "11a" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| {
                    let end_reason = trajectory_col(trajectory::Column::EndReason);
                    f.closed_in().add(
                        Cond::any()
                            .add(end_reason.clone().is_null())
                            .add(end_reason.ne(EndReason::LeftWithoutNotice.as_str())),
                    )
                },
                detail: |_| {
                    let decision = || trajectory_col(trajectory::Column::AftercareDecision);
                    let meeting_held = trajectory_col(trajectory::Column::AftercareHandoverId).in_subquery(
                        Query::select()
                            .column(handover::Column::Id)
                            .from(handover::Entity)
                            .and_where(
                                Expr::col(handover::Column::Status)
                                    .is_in([HandoverStatus::MeetingHeld.as_str(), HandoverStatus::Completed.as_str()]),
                            )
                            .to_owned(),
                    );
                    Expr::case(
                        Cond::all().add(decision().eq(AftercareDecision::WarmHandover.as_str())).add(meeting_held),
                        1,
                    )
                    .case(decision().eq(AftercareDecision::WarmHandover.as_str()), 2)
                    .case(decision().eq(AftercareDecision::NoFollowUpNeeded.as_str()), 3)
                    .case(decision().eq(AftercareDecision::AftercareByShelter.as_str()), 4)
                    .case(decision().eq(AftercareDecision::NotReachable.as_str()), 5)
                    .finally(0)
                    .into()
                },
            },
            met: |aftercare| aftercare.is_in([1, 3]),
            reason: |_, aftercare| match aftercare {
                Some(1) => "warm handover, its meeting held".into(),
                Some(2) => "warm handover without its meeting held".into(),
                Some(3) => "no follow-up needed".into(),
                Some(4) => "aftercare by the shelter itself".into(),
                Some(5) => "could not be reached for aftercare".into(),
                _ => "no aftercare decided".into(),
            },
        },
        "11d" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.admitted(10).add(f.born_by(4)).add(f.born_by(18).not()),
                detail: |f| f.days_from_admission(f.get(intakes, "first_at_school_on")),
            },
            met: |days| days.lte(7),
            reason: |_, days| match days {
                Some(d) => format!("at school by the intake on day {d}"),
                None => "no school recorded at an intake".into(),
            },
        },
        "11e" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.closed_in(),
                detail: |_| {
                    let reason = || trajectory_col(trajectory::Column::EndReason);
                    Expr::case(reason().eq(EndReason::IndependentHousing.as_str()), 1)
                        .case(reason().eq(EndReason::ReturnedHome.as_str()), 2)
                        .case(reason().eq(EndReason::TransferredElsewhere.as_str()), 3)
                        .case(reason().eq(EndReason::PlacedOutOfHome.as_str()), 4)
                        .case(reason().eq(EndReason::LeftWithoutNotice.as_str()), 5)
                        .finally(0)
                        .into()
                },
            },
            met: |home| home.is_in([1, 2]),
            reason: |_, home| match home {
                Some(1) => "left for independent housing".into(),
                Some(2) => "returned home".into(),
                Some(3) => "transferred elsewhere".into(),
                Some(4) => "placed out of home".into(),
                Some(5) => "left without notice".into(),
                _ => "left for another reason".into(),
            },
        },
        "reach" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.in_care(1).add(f.born_by(18).not()),
                detail: |f| flag(f.get(first_contacts, "first_on").lte(f.s.period.to), 1),
            },
            met: |reached| reached.eq(1),
            reason: |met, _| {
                if met { "reached: a first contact recorded".into() } else { "no first contact recorded".into() }
            },
        },
        "hours_per_child" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.in_care(1),
                detail: |f| f.number(contacts_in_period, "minutes"),
            },
            met: |minutes| minutes.gt(0),
            reason: |_, minutes| format!("{} minutes of contact in the period", minutes.unwrap_or_default()),
        },
        "process.intake" => has_record!(intakes, "an intake"),
        "process.safety" => has_record!(safety_assessments, "a safety assessment"),
        "process.plan" => has_record!(plans, "an action plan"),
        "process.parent" => {
            has_record!(other_parents, "the parent who did not come along looked into", came_with_one_parent)
        }
        "outcome.safety.worker" => safety_scale!(SafetyRespondent::Worker),
        "outcome.safety.parent" => safety_scale!(SafetyRespondent::Parent),
        "outcome.safety.child" => safety_scale!(SafetyRespondent::Child),
        "outcome.sdq" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.in_care(1).add(f.number(sdqs, "rows").gte(2)),
                detail: |f| sdq_change(f.sql, f.s),
            },
            met: |change| change.gte(0),
            reason: |_, change| match change {
                Some(0) => "SDQ band the same".into(),
                Some(better) if better > 0 => "SDQ band better".into(),
                Some(_) => "SDQ band worse".into(),
                None => "SDQ without a band".into(),
            },
        },
        "outcome.goals" => Definition {
            counts: Counts::Children,
            population: Population::Trajectories {
                counted: |f| f.closed_in().add(f.number(goals, "rows").gt(0)),
                // Achieved goals in the thousands, all goals below.
                detail: |f| f.number(goals, "achieved").mul(1000).add(f.number(goals, "rows")),
            },
            // At least half the goals achieved.
            met: |detail| detail.clone().div(1000).mul(2).gte(detail.modulo(1000)),
            reason: |_, detail| {
                let detail = detail.unwrap_or_default();
                format!("{} of {} goals achieved at the last evaluation", detail / 1000, detail % 1000)
            },
        },
        "5" => Definition {
            counts: Counts::Locations,
            population: Population::Rows(|_, s| {
                let location_col = |c| Expr::col((location::Entity, c));
                // Locations where a child of the scope stayed during the period.
                let housed = Query::select()
                    .column((placement::Entity, placement::Column::LocationId))
                    .from(placement::Entity)
                    .and_where(
                        Expr::col((placement::Entity, placement::Column::FamilyId)).in_subquery(
                            Query::select()
                                .column(Alias::new("family_id"))
                                .from_subquery(in_care_families(s), Alias::new("families"))
                                .to_owned(),
                        ),
                    )
                    .and_where(Expr::col((placement::Entity, placement::Column::FromDate)).lte(s.period.to))
                    .cond_where(
                        Cond::any()
                            .add(Expr::col((placement::Entity, placement::Column::UntilDate)).is_null())
                            .add(Expr::col((placement::Entity, placement::Column::UntilDate)).gte(s.period.from)),
                    )
                    .to_owned();
                // A self-assessment signed in the twelve months up to the period's end.
                let signed = Query::select()
                    .expr(Expr::val(1))
                    .from(quality_assessment::Entity)
                    .and_where(
                        Expr::col((quality_assessment::Entity, quality_assessment::Column::LocationId))
                            .equals((location::Entity, location::Column::Id)),
                    )
                    .and_where(
                        Expr::col((quality_assessment::Entity, quality_assessment::Column::SignedOn))
                            .between(s.period.to - Days::new(365), s.period.to),
                    )
                    .to_owned();
                let mut q = Query::select();
                q.expr_as(location_col(location::Column::Id), Alias::new("key"))
                    .expr_as(Expr::val(Option::<uuid::Uuid>::None), Alias::new("child_id"))
                    .expr_as(flag(Expr::exists(signed), 1), Alias::new("detail"))
                    .from(location::Entity)
                    .and_where(location_col(location::Column::OrganisationId).eq(s.organisation_id))
                    .and_where(location_col(location::Column::Id).in_subquery(housed));
                if let Some(id) = s.location_id {
                    q.and_where(location_col(location::Column::Id).eq(id));
                }
                if let Some(kind) = s.location_kind {
                    q.and_where(location_col(location::Column::Kind).eq(kind.as_str()));
                }
                q
            }),
            met: |detail| detail.eq(1),
            reason: |met, _| {
                if met {
                    "self-assessment signed in the twelve months up to the period's end".into()
                } else {
                    "no signed self-assessment in the twelve months up to the period's end".into()
                }
            },
        },
        _ => return None,
    })
}
