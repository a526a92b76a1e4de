//! How each indicator of the catalogue is counted: its population, with a `detail` per child,
//! when a child meets it, and the reason shown in the drill-down.

use super::{
    NormScope,
    populations::{
        Sql, admitted, base, born_by, came_with_one_parent, closed_in, evaluations, flag, has, held_in_period, in_care,
        in_care_families, in_period, keys, left_phase_1, left_phase_1_in, of_trajectory, safety_scale_change, tracks,
        trajectory_col, until,
    },
};
use crate::domain::screening::Informant;
use chrono::Days;
use entities::{
    AftercareDecision, ContactKind, EducationKind, EndReason, GoalStatus, HandoverStatus, SafetyRespondent,
    action_plan, child_activity, contact, custody, evaluation, first_contact, goal, goal_progress, handover, intake,
    location, non_accompanying_parent, placement, psycho_education, quality_assessment, reporting_code_step,
    reporting_code_track, safety_assessment, safety_scale_score, screening, trajectory, worker,
};
use sea_orm::sea_query::{Alias, Cond, Expr, ExprTrait, Func, Order, Query, SelectStatement, SimpleExpr};

/// A process indicator of IB 1949-1966: children in care at least 42 days of the period (of
/// those, the ones `narrowed` to), and whether they have a record of `$entity`.
macro_rules! has_record {
    ($entity:ident, $what:literal $(, $narrowed:expr)?) => {
        Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let record = flag(has($entity::Entity, $entity::Column::TrajectoryId), 1);
                in_care(sql, s, 42)$(.and_where($narrowed))?.expr_as(record, Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).eq(1),
            reason: |met, _| if met { concat!("with ", $what).into() } else { concat!("without ", $what).into() },
        }
    };
}

/// A safety-scale outcome: the change of `$respondent`'s score from the first assessment to the
/// latest.
macro_rules! safety_scale {
    ($respondent:expr) => {
        Definition {
            counts: Counts::Children,
            population: |sql, s| safety_scale_change(sql, s, $respondent),
            met: || Expr::col(Alias::new("detail")).gt(0),
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

/// How one indicator is counted.
pub(super) struct Definition {
    /// Whose rows the population selects as `key` (children also as `child_id`).
    pub counts: Counts,
    /// The children counted, each with its `detail`.
    pub population: fn(&Sql, &NormScope) -> SelectStatement,
    /// Met, as a condition on `detail`.
    pub met: fn() -> SimpleExpr,
    /// Why a child is in or out, from its detail.
    pub reason: fn(bool, Option<i64>) -> String,
}

pub(super) fn definition(code: &str) -> Option<Definition> {
    Some(match code {
        "1" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let first = of_trajectory(
                    first_contact::Entity,
                    Func::min(Expr::col((first_contact::Entity, first_contact::Column::ContactOn))),
                    first_contact::Column::TrajectoryId,
                )
                .to_owned();
                admitted(s, 7)
                    .expr_as(
                        sql.days(trajectory_col(trajectory::Column::AdmissionDate), Expr::from(first)),
                        Alias::new("detail"),
                    )
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).lte(7),
            reason: |_, days| match days {
                Some(d) => format!("first contact on day {d}"),
                None => "no first contact".into(),
            },
        },
        "1a" => Definition {
            counts: Counts::Children,
            population: |_, s| {
                let all_four = Cond::all()
                    .add(Expr::col(first_contact::Column::WarmWelcome).eq(true))
                    .add(Expr::col(first_contact::Column::HouseRulesExplained).eq(true))
                    .add(Expr::col(first_contact::Column::ComplaintsProcedureExplained).eq(true))
                    .add(Expr::col(first_contact::Column::ConfidantExplained).eq(true));
                let complete = of_trajectory(
                    first_contact::Entity,
                    Func::max(Expr::case(all_four, 1).finally(0)),
                    first_contact::Column::TrajectoryId,
                )
                .to_owned();
                admitted(s, 7).expr_as(Expr::from(complete), Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).eq(1),
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
            population: |_, s| {
                let parent_looked_into = of_trajectory(
                    non_accompanying_parent::Entity,
                    Expr::val(1),
                    non_accompanying_parent::Column::TrajectoryId,
                );
                // 1: the activities recorded; 2: left with an exit reason instead; 3: the parent
                // who did not come along was not looked into (IB 2167).
                let outcome = Expr::case(trajectory_col(trajectory::Column::Phase1ExitReason).is_not_null(), 2)
                    .case(Cond::all().add(came_with_one_parent()).add(Expr::exists(parent_looked_into).not()), 3)
                    .finally(1);
                left_phase_1_in(s).expr_as(outcome, Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).eq(1),
            reason: |_, outcome| match outcome {
                Some(1) => "left phase 1 with its activities recorded".into(),
                Some(2) => "left phase 1 with an exit reason instead of all its activities".into(),
                _ => "left phase 1 without looking into the parent who did not come along".into(),
            },
        },
        "6c.2" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let days = sql.days(trajectory_col(trajectory::Column::AdmissionDate), Expr::from(left_phase_1()));
                left_phase_1_in(s).expr_as(days, Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).lte(crate::domain::phase::PHASE_1_MAX_DAYS),
            reason: |_, days| format!("left phase 1 on day {}", days.unwrap_or_default()),
        },
        "7" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let talks = held_in_period(s, ContactKind::ChildTalk);
                in_care(sql, s, 14).and_where(born_by(s, 4)).expr_as(Expr::from(talks), Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).gt(0),
            reason: |_, talks| match talks.unwrap_or_default() {
                0 => "no kindgesprek in the period".into(),
                1 => "1 kindgesprek in the period".into(),
                n => format!("{n} kindgesprekken in the period"),
            },
        },
        "8" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let plan = of_trajectory(
                    action_plan::Entity,
                    Func::min(Expr::col((action_plan::Entity, action_plan::Column::DrawnUpOn))),
                    action_plan::Column::TrajectoryId,
                )
                .to_owned();
                admitted(s, 42)
                    .expr_as(
                        sql.days(trajectory_col(trajectory::Column::AdmissionDate), Expr::from(plan)),
                        Alias::new("detail"),
                    )
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).lte(42),
            reason: |_, days| match days {
                Some(d) => format!("action plan on day {d}"),
                None => "no action plan".into(),
            },
        },
        "10" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let offered = in_period(
                    s,
                    psycho_education::Entity,
                    psycho_education::Column::TrajectoryId,
                    psycho_education::Column::OfferedOn,
                );
                in_care(sql, s, 28)
                    .and_where(born_by(s, 4))
                    .expr_as(Expr::from(offered), Alias::new("detail"))
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).gt(0),
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
            population: |sql, s| {
                let took_part = in_period(
                    s,
                    child_activity::Entity,
                    child_activity::Column::TrajectoryId,
                    child_activity::Column::HeldOn,
                )
                .and_where(Expr::col((child_activity::Entity, child_activity::Column::ChildTookPart)).eq(true))
                .to_owned();
                in_care(sql, s, 28)
                    .and_where(born_by(s, 4))
                    .expr_as(Expr::from(took_part), Alias::new("detail"))
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).gt(0),
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
            population: |sql, s| {
                // Days from the latest assessment to the period's end, or to the day the child left.
                let latest = of_trajectory(
                    safety_assessment::Entity,
                    Func::max(Expr::col((safety_assessment::Entity, safety_assessment::Column::AssessedOn))),
                    safety_assessment::Column::TrajectoryId,
                )
                .and_where(
                    Expr::col((safety_assessment::Entity, safety_assessment::Column::AssessedOn)).lte(s.period.to),
                )
                .to_owned();
                in_care(sql, s, 42).expr_as(sql.days(Expr::from(latest), until(s)), Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).lte(90),
            reason: |_, days| match days {
                Some(d) => format!("last safety assessment {d} days before the period's end or leaving"),
                None => "no safety assessment".into(),
            },
        },
        "9a" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let cries = of_trajectory(
                    screening::Entity,
                    Func::min(Expr::col((screening::Entity, screening::Column::AdministeredOn))),
                    screening::Column::TrajectoryId,
                )
                .and_where(Expr::col((screening::Entity, screening::Column::Instrument)).eq("CRIES_13"))
                .to_owned();
                let trauma_seen = Query::select()
                    .column(first_contact::Column::TrajectoryId)
                    .from(first_contact::Entity)
                    .and_where(Expr::col(first_contact::Column::RiskTrauma).eq(true))
                    .to_owned();
                admitted(s, 28)
                    .and_where(born_by(s, 8))
                    .and_where(trajectory_col(trajectory::Column::Id).in_subquery(trauma_seen))
                    .expr_as(
                        sql.days(trajectory_col(trajectory::Column::AdmissionDate), Expr::from(cries)),
                        Alias::new("detail"),
                    )
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).lte(28),
            reason: |_, days| match days {
                Some(d) => format!("CRIES-13 on day {d}"),
                None => "no CRIES-13".into(),
            },
        },
        "11d.2" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let contacts = held_in_period(s, ContactKind::NetworkContact);
                in_care(sql, s, 28).expr_as(Expr::from(contacts), Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).gt(0),
            reason: |met, _| {
                if met { "a network contact in the period".into() } else { "no network contact in the period".into() }
            },
        },
        "1c" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let admission = || trajectory_col(trajectory::Column::AdmissionDate);
                let mapped = of_trajectory(first_contact::Entity, Expr::val(1), first_contact::Column::TrajectoryId)
                    .and_where(
                        Expr::col((first_contact::Entity, first_contact::Column::NetworkMappedWithParent)).eq(true),
                    )
                    .to_owned();
                let custody = Query::select()
                    .expr(Expr::val(1))
                    .from(custody::Entity)
                    .and_where(
                        Expr::col((custody::Entity, custody::Column::ChildId))
                            .equals((trajectory::Entity, trajectory::Column::ChildId)),
                    )
                    .to_owned();
                let intake = of_trajectory(intake::Entity, Expr::val(1), intake::Column::TrajectoryId)
                    .and_where(sql.days(admission(), Expr::col((intake::Entity, intake::Column::HeldOn))).lte(14))
                    .to_owned();
                // One bit per part missing.
                let missing = flag(Expr::exists(mapped).not(), 1)
                    .add(flag(Expr::exists(custody).not(), 2))
                    .add(flag(Expr::exists(intake).not(), 4));
                admitted(s, 14).expr_as(missing, Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).eq(0),
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
            population: |_, s| {
                let placement_col = |c| Expr::col((placement::Entity, c));
                // A placement that began during the stay is a move (the first began before it).
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
                closed_in(s).expr_as(Expr::from(moves), Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).eq(0),
            reason: |_, moves| match moves.unwrap_or_default() {
                0 => "no move during the stay".into(),
                1 => "1 move during the stay".into(),
                n => format!("{n} moves during the stay"),
            },
        },
        "2a.2" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let stay = sql.days(
                    trajectory_col(trajectory::Column::AdmissionDate),
                    trajectory_col(trajectory::Column::EndDate),
                );
                closed_in(s).expr_as(stay, Alias::new("detail")).to_owned()
            },
            // A length, not a pass or fail: every stay counts.
            met: || Expr::val(1).eq(1),
            reason: |_, days| format!("stayed {} days", days.unwrap_or_default()),
        },
        "4" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
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
            },
            met: || Expr::col(Alias::new("detail")).lte(42),
            reason: |_, days| match days {
                Some(d) => format!("Meldcode followed through on day {d}"),
                None => "Meldcode track still open".into(),
            },
        },
        "6a" => Definition {
            counts: Counts::Workers,
            population: |sql, s| {
                let worker_col = |c| Expr::col((worker::Entity, c));
                let responsible = in_care(sql, s, 1)
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
            },
            met: || Expr::col(Alias::new("detail")).eq(1),
            reason: |_, registration| match registration {
                Some(1) => "SKJ-registered at the period's end".into(),
                Some(2) => "SKJ registration lapsed before the period's end".into(),
                _ => "no SKJ registration recorded".into(),
            },
        },
        "6b" => Definition {
            counts: Counts::Children,
            population: |_, s| {
                let at_intake = of_trajectory(intake::Entity, Expr::val(1), intake::Column::TrajectoryId)
                    .and_where(Expr::col((intake::Entity, intake::Column::ChildExperience)).is_not_null())
                    .to_owned();
                let on_the_scale = Query::select()
                    .expr(Expr::val(1))
                    .from(safety_scale_score::Entity)
                    .and_where(
                        Expr::col((safety_scale_score::Entity, safety_scale_score::Column::Respondent))
                            .eq(SafetyRespondent::Child.as_str()),
                    )
                    .and_where(
                        Expr::col((safety_scale_score::Entity, safety_scale_score::Column::AssessmentId)).in_subquery(
                            of_trajectory(
                                safety_assessment::Entity,
                                Expr::col((safety_assessment::Entity, safety_assessment::Column::Id)),
                                safety_assessment::Column::TrajectoryId,
                            ),
                        ),
                    )
                    .to_owned();
                let at_an_evaluation = evaluations(Expr::val(1))
                    .and_where(Expr::col((evaluation::Entity, evaluation::Column::ChildTookPart)).eq(true))
                    .to_owned();
                let voice = Expr::case(Expr::exists(at_intake), 1)
                    .case(Expr::exists(on_the_scale), 2)
                    .case(Expr::exists(at_an_evaluation), 3)
                    .finally(0);
                admitted(s, 42).and_where(born_by(s, 4)).expr_as(voice, Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).gt(0),
            reason: |_, voice| match voice {
                Some(1) => "the child's own experience recorded at the intake".into(),
                Some(2) => "the child scored the safety scale".into(),
                Some(3) => "the child took part in an evaluation".into(),
                _ => "the child's own view not recorded".into(),
            },
        },
        "8b" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let in_period =
                    || Expr::col((evaluation::Entity, evaluation::Column::HeldOn)).between(s.period.from, s.period.to);
                let without_child = evaluations(Func::count(Expr::col((evaluation::Entity, evaluation::Column::Id))))
                    .and_where(in_period())
                    .and_where(Expr::col((evaluation::Entity, evaluation::Column::ChildTookPart)).eq(false))
                    .to_owned();
                in_care(sql, s, 1)
                    .and_where(born_by(s, 4))
                    .and_where(Expr::exists(evaluations(Expr::val(1)).and_where(in_period()).to_owned()))
                    .expr_as(Expr::from(without_child), Alias::new("detail"))
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).eq(0),
            reason: |_, missed| match missed.unwrap_or_default() {
                0 => "took part in every evaluation of the period".into(),
                1 => "not at 1 evaluation of the period".into(),
                n => format!("not at {n} evaluations of the period"),
            },
        },
        "8c" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let drawn_up = || Expr::col((action_plan::Entity, action_plan::Column::DrawnUpOn));
                let first_plan =
                    of_trajectory(action_plan::Entity, Func::min(drawn_up()), action_plan::Column::TrajectoryId);
                let latest_plan =
                    of_trajectory(action_plan::Entity, Func::max(drawn_up()), action_plan::Column::TrajectoryId);
                let evaluated = evaluations(Func::max(Expr::col((evaluation::Entity, evaluation::Column::HeldOn))))
                    .and_where(Expr::col((evaluation::Entity, evaluation::Column::HeldOn)).lte(s.period.to))
                    .to_owned();
                let last_looked_at = Func::coalesce([Expr::from(evaluated), Expr::from(latest_plan)]);
                in_care(sql, s, 42)
                    .and_where(Expr::expr(Expr::from(first_plan)).lte(s.period.to - Days::new(42)))
                    .expr_as(sql.days(last_looked_at.into(), until(s)), Alias::new("detail"))
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).lte(49),
            reason: |_, days| {
                format!("plan last evaluated {} days before the period's end or leaving", days.unwrap_or_default())
            },
        },
        "8e" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let serves = |letter: &str| {
                    Expr::col((goal::Entity, goal::Column::SubGoals)).cast_as("TEXT").like(format!("%\"{letter}\"%"))
                };
                let parent_goals = Query::select()
                    .expr(Func::count(Expr::col((goal::Entity, goal::Column::Id))))
                    .from(goal::Entity)
                    .and_where(Expr::col((goal::Entity, goal::Column::PlanId)).in_subquery(of_trajectory(
                        action_plan::Entity,
                        Expr::col((action_plan::Entity, action_plan::Column::Id)),
                        action_plan::Column::TrajectoryId,
                    )))
                    .cond_where(Cond::any().add(serves("G")).add(serves("H")).add(serves("I")).add(serves("J")))
                    .to_owned();
                in_care(sql, s, 28).expr_as(Expr::from(parent_goals), Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).gt(0),
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
            population: |_, s| {
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
                let aftercare = Expr::case(
                    Cond::all().add(decision().eq(AftercareDecision::WarmHandover.as_str())).add(meeting_held),
                    1,
                )
                .case(decision().eq(AftercareDecision::WarmHandover.as_str()), 2)
                .case(decision().eq(AftercareDecision::NoFollowUpNeeded.as_str()), 3)
                .case(decision().eq(AftercareDecision::AftercareByShelter.as_str()), 4)
                .case(decision().eq(AftercareDecision::NotReachable.as_str()), 5)
                .finally(0);
                let end_reason = trajectory_col(trajectory::Column::EndReason);
                closed_in(s)
                    .cond_where(
                        Cond::any()
                            .add(end_reason.clone().is_null())
                            .add(end_reason.ne(EndReason::LeftWithoutNotice.as_str())),
                    )
                    .expr_as(aftercare, Alias::new("detail"))
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).is_in([1, 3]),
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
            population: |sql, s| {
                let at_school = of_trajectory(
                    intake::Entity,
                    Func::min(Expr::col((intake::Entity, intake::Column::HeldOn))),
                    intake::Column::TrajectoryId,
                )
                .and_where(
                    Expr::col((intake::Entity, intake::Column::EducationKind)).eq(EducationKind::School.as_str()),
                )
                .to_owned();
                admitted(s, 10)
                    .and_where(born_by(s, 4))
                    .and_where(born_by(s, 18).not())
                    .expr_as(
                        sql.days(trajectory_col(trajectory::Column::AdmissionDate), Expr::from(at_school)),
                        Alias::new("detail"),
                    )
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).lte(7),
            reason: |_, days| match days {
                Some(d) => format!("at school by the intake on day {d}"),
                None => "no school recorded at an intake".into(),
            },
        },
        "11e" => Definition {
            counts: Counts::Children,
            population: |_, s| {
                let reason = || trajectory_col(trajectory::Column::EndReason);
                let home = Expr::case(reason().eq(EndReason::IndependentHousing.as_str()), 1)
                    .case(reason().eq(EndReason::ReturnedHome.as_str()), 2)
                    .case(reason().eq(EndReason::TransferredElsewhere.as_str()), 3)
                    .case(reason().eq(EndReason::PlacedOutOfHome.as_str()), 4)
                    .case(reason().eq(EndReason::LeftWithoutNotice.as_str()), 5)
                    .finally(0);
                closed_in(s).expr_as(home, Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).is_in([1, 2]),
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
            population: |sql, s| {
                let reached = of_trajectory(first_contact::Entity, Expr::val(1), first_contact::Column::TrajectoryId)
                    .and_where(Expr::col((first_contact::Entity, first_contact::Column::ContactOn)).lte(s.period.to))
                    .to_owned();
                in_care(sql, s, 1)
                    .and_where(born_by(s, 18).not())
                    .expr_as(flag(Expr::exists(reached), 1), Alias::new("detail"))
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).eq(1),
            reason: |met, _| {
                if met { "reached: a first contact recorded".into() } else { "no first contact recorded".into() }
            },
        },
        "hours_per_child" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let minutes = of_trajectory(
                    contact::Entity,
                    Func::coalesce([
                        Expr::from(Func::sum(Expr::col((contact::Entity, contact::Column::DurationMinutes)))),
                        Expr::val(0),
                    ]),
                    contact::Column::TrajectoryId,
                )
                .and_where(Expr::col((contact::Entity, contact::Column::HeldOn)).between(s.period.from, s.period.to))
                .to_owned();
                in_care(sql, s, 1).expr_as(Expr::from(minutes), Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).gt(0),
            reason: |_, minutes| format!("{} minutes of contact in the period", minutes.unwrap_or_default()),
        },
        "process.intake" => has_record!(intake, "an intake"),
        "process.safety" => has_record!(safety_assessment, "a safety assessment"),
        "process.plan" => has_record!(action_plan, "an action plan"),
        "process.parent" => has_record!(
            non_accompanying_parent,
            "the parent who did not come along looked into",
            came_with_one_parent()
        ),
        "outcome.safety.worker" => safety_scale!(SafetyRespondent::Worker),
        "outcome.safety.parent" => safety_scale!(SafetyRespondent::Parent),
        "outcome.safety.child" => safety_scale!(SafetyRespondent::Child),
        "outcome.sdq" => Definition {
            counts: Counts::Children,
            population: |sql, s| {
                let sdqs = || {
                    of_trajectory(screening::Entity, Expr::val(1), screening::Column::TrajectoryId)
                        .and_where(Expr::col((screening::Entity, screening::Column::Instrument)).eq("SDQ"))
                        .and_where(
                            Expr::col((screening::Entity, screening::Column::Informant)).eq(Informant::Parent.as_str()),
                        )
                        .and_where(Expr::col((screening::Entity, screening::Column::AdministeredOn)).lte(s.period.to))
                        .to_owned()
                };
                let band = |order: Order| {
                    let rank = sql.band_rank(Expr::col((screening::Entity, screening::Column::Result)));
                    let mut q = sdqs();
                    q.clear_selects();
                    q.expr(rank)
                        .order_by((screening::Entity, screening::Column::AdministeredOn), order.clone())
                        .order_by((screening::Entity, screening::Column::CreatedAt), order)
                        .limit(1)
                        .to_owned()
                };
                let mut count = sdqs();
                count.clear_selects();
                count.expr(Func::count(Expr::col((screening::Entity, screening::Column::Id))));
                // Bands run NORMAL 0 to ABNORMAL 2: first minus latest is the improvement.
                in_care(sql, s, 1)
                    .and_where(Expr::expr(Expr::from(count)).gte(2))
                    .expr_as(
                        Expr::expr(Expr::from(band(Order::Asc))).sub(Expr::from(band(Order::Desc))),
                        Alias::new("detail"),
                    )
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).gte(0),
            reason: |_, change| match change {
                Some(0) => "SDQ band the same".into(),
                Some(better) if better > 0 => "SDQ band better".into(),
                Some(_) => "SDQ band worse".into(),
                None => "SDQ without a band".into(),
            },
        },
        "outcome.goals" => Definition {
            counts: Counts::Children,
            population: |_, s| {
                let goals_of_trajectory = || {
                    Query::select()
                        .expr(Func::count(Expr::col((goal::Entity, goal::Column::Id))))
                        .from(goal::Entity)
                        .and_where(Expr::col((goal::Entity, goal::Column::PlanId)).in_subquery(of_trajectory(
                            action_plan::Entity,
                            Expr::col((action_plan::Entity, action_plan::Column::Id)),
                            action_plan::Column::TrajectoryId,
                        )))
                        .to_owned()
                };
                // A goal's status at its latest evaluation.
                let latest_status = Query::select()
                    .column((goal_progress::Entity, goal_progress::Column::Status))
                    .from(goal_progress::Entity)
                    .inner_join(
                        evaluation::Entity,
                        Expr::col((evaluation::Entity, evaluation::Column::Id))
                            .equals((goal_progress::Entity, goal_progress::Column::EvaluationId)),
                    )
                    .and_where(
                        Expr::col((goal_progress::Entity, goal_progress::Column::GoalId))
                            .equals((goal::Entity, goal::Column::Id)),
                    )
                    .order_by((evaluation::Entity, evaluation::Column::HeldOn), Order::Desc)
                    .order_by((goal_progress::Entity, goal_progress::Column::CreatedAt), Order::Desc)
                    .limit(1)
                    .to_owned();
                let achieved = goals_of_trajectory()
                    .and_where(Expr::expr(Expr::from(latest_status)).eq(GoalStatus::Achieved.as_str()))
                    .to_owned();
                let total = goals_of_trajectory();
                // Achieved goals in the thousands, all goals below.
                let detail = Expr::expr(Expr::from(achieved)).mul(1000).add(Expr::from(total.clone()));
                closed_in(s)
                    .and_where(Expr::expr(Expr::from(total)).gt(0))
                    .expr_as(detail, Alias::new("detail"))
                    .to_owned()
            },
            // At least half the goals achieved.
            met: || Expr::cust("(\"detail\" / 1000) * 2 >= \"detail\" % 1000"),
            reason: |_, detail| {
                let detail = detail.unwrap_or_default();
                format!("{} of {} goals achieved at the last evaluation", detail / 1000, detail % 1000)
            },
        },
        "5" => Definition {
            counts: Counts::Locations,
            population: |_, s| {
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
            },
            met: || Expr::col(Alias::new("detail")).eq(1),
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
