//! The kerntaken × fasen board of a child: what its records show (`facts`, for the pure rules
//! in `domain::board`), and a worker confirming a result that no record can show.

use super::{
    Actor,
    records::{RecordWrite, non_empty, record_date},
};
use crate::{
    domain::{
        age::age_on,
        board::{self, Activity, Assessment, Facts, HeldContact, ItemKind, Rule},
        cadence::{self, CadenceFacts},
        consent::{ConsentRecord, support_agreed},
        screening::{Band, Informant, Outcome},
    },
    error::{AppError, AppResult},
};
use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    AccessAction, ContactTopic, CoreTask, HandoverStatus, MembershipRole, Phase, SafetyRespondent, ScreeningFollowUp,
    SignalStatus, action_plan, board_result, child_activity, contact, evaluation, first_contact, goal_action, handover,
    intake, involvement, list_from_json, living_climate_check, network_member, non_accompanying_parent, person,
    phase_change, psycho_education, reference_index_signal, reporting_code_track, safety_assessment, safety_plan,
    safety_scale_score, screening, trajectory,
};
use sea_orm::{ActiveModelTrait, DatabaseTransaction};
use uuid::Uuid;

/// Everything the board reads about one child, as loaded (any trajectory; `facts` keeps the
/// current one's).
#[derive(Default)]
pub struct BoardRecords {
    pub phase_history: Vec<phase_change::Model>,
    pub first_contacts: Vec<first_contact::Model>,
    pub intakes: Vec<intake::Model>,
    pub involvements: Vec<involvement::Model>,
    pub screenings: Vec<screening::Model>,
    pub assessments: Vec<safety_assessment::Model>,
    /// The scale scores of those assessments.
    pub scores: Vec<safety_scale_score::Model>,
    pub safety_plans: Vec<safety_plan::Model>,
    pub tracks: Vec<reporting_code_track::Model>,
    pub plans: Vec<action_plan::Model>,
    /// The actions and evaluations of those plans.
    pub actions: Vec<goal_action::Model>,
    pub evaluations: Vec<evaluation::Model>,
    pub contacts: Vec<contact::Model>,
    pub network: Vec<network_member::Model>,
    /// The roles in the child's family.
    pub family_roles: Vec<MembershipRole>,
    pub consents: Vec<ConsentRecord>,
    pub cadence: super::caseload::CadenceRecords,
    pub non_accompanying_parents: Vec<non_accompanying_parent::Model>,
    pub living_climate: Vec<living_climate_check::Model>,
    pub activities: Vec<child_activity::Model>,
    pub psycho_education: Vec<psycho_education::Model>,
    pub signals: Vec<reference_index_signal::Model>,
    /// The handover the aftercare decision links to.
    pub aftercare_handover: Option<handover::Model>,
    pub confirmed: Vec<board_result::Model>,
}

/// What the board's rules look at, from the records of the child's current trajectory.
pub fn facts(child: &person::Model, t: &trajectory::Model, r: BoardRecords, now: DateTime<Utc>) -> Facts {
    let today = now.date_naive();
    let current = t.id;
    let first_entry =
        |phase: Phase| r.phase_history.iter().filter(|c| c.to_phase == phase).map(|c| c.effective_on).min();
    let first_contact = r.first_contacts.iter().find(|x| x.trajectory_id == current);
    let screenings: Vec<_> = r.screenings.iter().filter(|x| x.trajectory_id == current).collect();
    let sdq =
        |informant: Informant| screenings.iter().any(|s| s.instrument == "SDQ" && s.informant == informant.as_str());
    let raised = |s: &screening::Model| {
        s.result
            .parse::<Outcome>()
            .is_ok_and(|o| o.flag.is_some() || matches!(o.total.band, Some(Band::Borderline | Band::Abnormal)))
    };
    let assessments: Vec<_> = r.assessments.iter().filter(|x| x.trajectory_id == current).collect();
    let plans: Vec<Uuid> = r.plans.iter().filter(|x| x.trajectory_id == current).map(|p| p.id).collect();
    let cadence_facts: CadenceFacts = super::caseload::facts(t, child.date_of_birth, r.cadence.clone());
    let mut assessments_sorted: Vec<Assessment> = assessments
        .iter()
        .map(|a| Assessment {
            on: a.assessed_on,
            judgement: a.judgement,
            worker_score: r
                .scores
                .iter()
                .find(|s| s.assessment_id == a.id && s.respondent == SafetyRespondent::Worker)
                .map(|s| s.score),
        })
        .collect();
    assessments_sorted.sort_by_key(|a| a.on);
    Facts {
        today,
        age: age_on(child.date_of_birth, today),
        phase: t.phase,
        admission_date: t.admission_date,
        phase2_on: first_entry(Phase::Phase2),
        phase3_on: first_entry(Phase::Phase3),
        closed_on: t.end_date,
        expected_departure_on: t.expected_departure_on,
        cadence: cadence::due_items(&cadence_facts, today),
        contacts: r
            .contacts
            .iter()
            .filter(|c| c.trajectory_id == current)
            .filter_map(|c| {
                Some(HeldContact {
                    kind: c.kind,
                    held_on: c.held_on?,
                    topics: list_from_json::<ContactTopic>(&c.topics),
                    core_tasks: list_from_json::<CoreTask>(&c.core_tasks),
                })
            })
            .collect(),
        first_contact: first_contact.is_some(),
        house_rules_explained: first_contact.is_some_and(|f| f.house_rules_explained),
        intake: r.intakes.iter().any(|x| x.trajectory_id == current),
        existing_help_known: r
            .intakes
            .iter()
            .any(|x| x.trajectory_id == current && x.existing_help.as_deref().is_some_and(|h| !h.trim().is_empty())),
        involvements: r.involvements.iter().map(|i| (i.since, i.until)).collect(),
        sdq_parent: sdq(Informant::Parent),
        sdq_self: sdq(Informant::SelfReport),
        screening_discussed: screenings.iter().any(|s| s.instrument == "SDQ" && s.discussed_with_parent_on.is_some()),
        screening_raised: screenings.iter().any(|s| raised(s)),
        screening_referred: screenings
            .iter()
            .any(|s| matches!(s.follow_up, Some(ScreeningFollowUp::FurtherAssessment | ScreeningFollowUp::Referral))),
        assessments: assessments_sorted,
        safety_plan: r.safety_plans.iter().any(|x| x.trajectory_id == current),
        reporting_code_track: r.tracks.iter().any(|x| x.trajectory_id == Some(current)),
        action_plan: !plans.is_empty(),
        goal_actions: !r.actions.is_empty(),
        evaluations: r
            .evaluations
            .iter()
            .filter(|e| plans.contains(&e.plan_id))
            .map(|e| (e.held_on, e.parent_took_part))
            .collect(),
        network_members: r.network.len(),
        network_support_known: r
            .network
            .iter()
            .any(|m| m.what_they_can_do.as_deref().is_some_and(|w| !w.trim().is_empty())),
        support_agreed: support_agreed(&r.consents, now),
        came_with_one_parent: r.family_roles.iter().filter(|role| **role == MembershipRole::CaringParent).count() < 2,
        non_accompanying_parent: r
            .non_accompanying_parents
            .iter()
            .filter(|x| x.trajectory_id == current)
            .max_by_key(|x| x.investigated_on)
            .map(|x| x.outcome),
        living_climate: r
            .living_climate
            .iter()
            .filter(|x| x.trajectory_id == current)
            .map(|x| (x.phase, list_from_json(&x.met)))
            .collect(),
        activities: r
            .activities
            .iter()
            .filter(|x| x.trajectory_id == current)
            .map(|a| Activity {
                on: a.held_on,
                kind: a.kind,
                child_took_part: a.child_took_part,
                continues_after_departure: a.continues_after_departure,
            })
            .collect(),
        psycho_education: r
            .psycho_education
            .iter()
            .filter(|x| x.trajectory_id == current)
            .map(|p| (p.audience, p.took_part))
            .collect(),
        registered_in_reference_index: r.signals.iter().any(|s| s.status == SignalStatus::Registered),
        aftercare: t.aftercare_decision,
        handover_accepted: r.aftercare_handover.as_ref().is_some_and(|h| {
            matches!(h.status, HandoverStatus::Accepted | HandoverStatus::MeetingHeld | HandoverStatus::Completed)
        }),
        safety_monitoring: t.safety_monitoring.as_deref().is_some_and(|s| !s.trim().is_empty())
            || r.aftercare_handover
                .as_ref()
                .and_then(|h| h.safety_monitoring.as_deref())
                .is_some_and(|s| !s.trim().is_empty()),
        confirmed: r.confirmed.iter().filter(|x| x.trajectory_id == current).map(|x| x.key.clone()).collect(),
    }
}

/// A result confirmed by a worker.
#[derive(Debug, Clone)]
pub struct ConfirmBoardResult {
    pub child_id: Uuid,
    pub key: String,
    /// Today when left out.
    pub achieved_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Confirms a result of bijlage 1 that no record shows (e.g. "Kind voelt zich welkom"). Results
/// the records show, and activities, cannot be confirmed by hand: their records decide.
pub async fn confirm_board_result(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: ConfirmBoardResult,
) -> AppResult<board_result::Model> {
    let item = board::CATALOGUE
        .iter()
        .find(|i| i.key == cmd.key)
        .ok_or_else(|| AppError::invalid("input.key", "no such board item"))?;
    if item.kind != ItemKind::Result || !matches!(item.rule, Rule::Confirmed) {
        return Err(AppError::invalid("input.key", "this item is read from the records; record those instead"));
    }
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let achieved_on = record_date(cmd.achieved_on, w.trajectory.admission_date, "input.achievedOn")?;
    let saved = board_result::ActiveModel::from(board_result::Model {
        id: Uuid::now_v7(),
        organisation_id: w.organisation_id(),
        child_id: w.child_id,
        trajectory_id: w.trajectory.id,
        recorded_by_worker_id: w.worker_id(),
        created_at: Utc::now(),
        key: item.key.into(),
        achieved_on,
        note: non_empty(cmd.note),
    })
    .insert(txn)
    .await?;
    w.log(AccessAction::Create, "board").await?;
    Ok(saved)
}
