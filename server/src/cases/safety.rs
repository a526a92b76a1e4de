//! Safety first (Signs of Safety, Meldcode): safety assessments with their 0–10 scales, the
//! versioned safety plan in the child's words, and the Meldcode track that a "niet goed genoeg"
//! or any other signal opens.

use super::{
    Actor,
    records::{RecordWrite, check, non_empty, record_date},
};
use crate::{
    audit::{self, AccessEvent},
    domain::{
        age::age_on,
        cadence::CHILD_TALK_FROM_AGE,
        meldcode::{self, RecordedStep},
    },
    error::{AppError, AppResult, Violation},
    policy::{self, Ground},
};
use chrono::{NaiveDate, Utc};
use entities::{
    AccessAction, MeldcodeDecision, MembershipRole, ReportingCodeSignal, SafetyAgreement, SafetyJudgement,
    SafetyRespondent, SafetyTool, family, family_membership, list_to_json, person, reporting_code_step,
    reporting_code_track, safety_assessment, safety_plan, safety_scale_score,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Query,
};
use uuid::Uuid;

/// One answer on the safety scale.
#[derive(Debug, Clone)]
pub struct ScaleAnswer {
    pub respondent: SafetyRespondent,
    /// For a parent: the registered person.
    pub respondent_person_id: Option<Uuid>,
    pub respondent_name: Option<String>,
    /// 0 (certain the child will be harmed again) to 10 (safe enough).
    pub score: i32,
}

/// Veiligheidstaxatie (Signs of Safety).
#[derive(Debug, Clone)]
pub struct RecordSafetyAssessment {
    pub child_id: Uuid,
    /// Today when left out.
    pub assessed_on: Option<NaiveDate>,
    pub worries: String,
    pub complicating_factors: Option<String>,
    pub what_works_well: Option<String>,
    pub safety_goals: String,
    pub judgement: SafetyJudgement,
    pub tools_used: Vec<SafetyTool>,
    pub scores: Vec<ScaleAnswer>,
}

/// Records a safety assessment with its scale answers. A judgement "niet goed genoeg" opens a
/// Meldcode track (unless one is open already), in the same transaction.
pub async fn record_safety_assessment(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordSafetyAssessment,
) -> AppResult<safety_assessment::Model> {
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let assessed_on = record_date(cmd.assessed_on, w.trajectory.admission_date, "input.assessedOn")?;
    let mut v = Vec::new();
    let worries = required(&cmd.worries, "input.worries", &mut v);
    let safety_goals = required(&cmd.safety_goals, "input.safetyGoals", &mut v);
    let child = person::Entity::find_by_id(w.child_id).one(txn).await?.ok_or(AppError::NotFound("child"))?;
    for (i, s) in cmd.scores.iter().enumerate() {
        let field = |f: &str| format!("input.scores[{i}].{f}");
        if !(0..=10).contains(&s.score) {
            v.push(Violation::new(field("score"), "the scale runs from 0 to 10"));
        }
        if s.respondent == SafetyRespondent::Child && age_on(child.date_of_birth, assessed_on) < CHILD_TALK_FROM_AGE {
            v.push(Violation::new(field("respondent"), "the scale is asked of children from 4"));
        }
        if s.respondent_person_id.is_some() && s.respondent != SafetyRespondent::Parent {
            v.push(Violation::new(field("respondentPersonId"), "only a parent is named by person"));
        }
    }
    // A named parent must be an adult of the child's family.
    if cmd.scores.iter().any(|s| s.respondent_person_id.is_some()) {
        let adults: Vec<Uuid> = family_membership::Entity::find()
            .filter(family_membership::Column::FamilyId.eq(w.trajectory.family_id))
            .all(txn)
            .await?
            .into_iter()
            .filter(|m| m.role != MembershipRole::Child)
            .map(|m| m.person_id)
            .collect();
        for (i, s) in cmd.scores.iter().enumerate() {
            if s.respondent_person_id.is_some_and(|p| !adults.contains(&p)) {
                v.push(Violation::new(
                    format!("input.scores[{i}].respondentPersonId"),
                    "not an adult of the child's family",
                ));
            }
        }
    }
    check(v)?;
    let now = Utc::now();
    let assessment = safety_assessment::ActiveModel::from(safety_assessment::Model {
        id: Uuid::now_v7(),
        organisation_id: w.organisation_id(),
        child_id: w.child_id,
        trajectory_id: w.trajectory.id,
        recorded_by_worker_id: w.worker_id(),
        assessed_on,
        worries,
        complicating_factors: cmd.complicating_factors,
        what_works_well: cmd.what_works_well,
        safety_goals,
        judgement: cmd.judgement,
        tools_used: list_to_json(&cmd.tools_used),
        created_at: now,
        updated_at: now,
    })
    .insert(txn)
    .await?;
    let scores: Vec<safety_scale_score::ActiveModel> = cmd
        .scores
        .into_iter()
        .map(|s| {
            safety_scale_score::Model {
                id: Uuid::now_v7(),
                assessment_id: assessment.id,
                respondent: s.respondent,
                respondent_person_id: s.respondent_person_id,
                respondent_name: s.respondent_name,
                score: s.score,
                created_at: now,
            }
            .into()
        })
        .collect();
    if !scores.is_empty() {
        safety_scale_score::Entity::insert_many(scores).exec_without_returning(txn).await?;
    }
    if assessment.judgement == SafetyJudgement::NotGoodEnough && open_track_of(txn, w.child_id).await?.is_none() {
        let subject = TrackSubject {
            ground: w.ground.clone(),
            child_id: w.child_id,
            trajectory_id: Some(w.trajectory.id),
            family_id: w.trajectory.family_id,
        };
        let opened = OpenTrack {
            signal: ReportingCodeSignal::SafetyAssessment,
            description: None,
            safety_assessment_id: Some(assessment.id),
            opened_on: assessed_on,
        };
        insert_track(actor, txn, &subject, opened).await?;
    }
    w.log(AccessAction::Create, "safety").await?;
    Ok(assessment)
}

/// Veiligheidsplan: a new version, in language the child understands.
#[derive(Debug, Clone)]
pub struct RecordSafetyPlan {
    pub child_id: Uuid,
    pub child_language_text: String,
    pub agreements: Vec<SafetyAgreement>,
    /// Who agreed to this version (names).
    pub agreed_by: Vec<String>,
    pub review_on: NaiveDate,
}

/// Records a new version of the child's safety plan; it becomes the current one. Only the
/// responsible worker, a team lead or the behavioural expert write (and read) it.
pub async fn record_safety_plan(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordSafetyPlan,
) -> AppResult<safety_plan::Model> {
    let mut w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    w.ground = policy::read_safety_plan(actor.principal, w.trajectory.responsible_worker_id)?;
    let mut v = Vec::new();
    let text = required(&cmd.child_language_text, "input.childLanguageText", &mut v);
    let agreed_by: Vec<String> = cmd.agreed_by.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
    if agreed_by.is_empty() {
        v.push(Violation::new("input.agreedBy", "a safety plan is agreed by someone"));
    }
    for (i, a) in cmd.agreements.iter().enumerate() {
        if a.who.trim().is_empty() || a.what.trim().is_empty() {
            v.push(Violation::new(format!("input.agreements[{i}]"), "an agreement says who does what"));
        }
    }
    if cmd.review_on < Utc::now().date_naive() {
        v.push(Violation::new("input.reviewOn", "the review date lies in the past"));
    }
    check(v)?;
    // Versions count per child (unique over re-admissions too).
    let latest = safety_plan::Entity::find()
        .filter(safety_plan::Column::ChildId.eq(w.child_id))
        .order_by_desc(safety_plan::Column::Version)
        .one(txn)
        .await?;
    let now = Utc::now();
    let saved = safety_plan::ActiveModel::from(safety_plan::Model {
        id: Uuid::now_v7(),
        organisation_id: w.organisation_id(),
        child_id: w.child_id,
        trajectory_id: w.trajectory.id,
        recorded_by_worker_id: w.worker_id(),
        version: latest.map_or(1, |p| p.version + 1),
        child_language_text: text,
        agreements: serde_json::to_value(&cmd.agreements).map_err(AppError::internal)?,
        agreed_by: agreed_by.into(),
        review_on: cmd.review_on,
        created_at: now,
        updated_at: now,
    })
    .insert(txn)
    .await?;
    w.log(AccessAction::Create, "safety-plan").await?;
    Ok(saved)
}

/// A step of a Meldcode track (the five steps of the Meldcode huiselijk geweld en
/// kindermishandeling), recorded by the actor.
#[derive(Debug, Clone)]
pub struct RecordReportingCodeStep {
    pub track_id: Uuid,
    pub step: i32,
    /// Today when left out.
    pub recorded_on: Option<NaiveDate>,
    /// What happened and was concluded.
    pub outcome: String,
    /// Step 2 only.
    pub consulted_veilig_thuis: Option<bool>,
    /// Step 4: the weighing; step 5: the decision.
    pub decision: Option<MeldcodeDecision>,
}

pub async fn record_reporting_code_step(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordReportingCodeStep,
) -> AppResult<reporting_code_track::Model> {
    let (subject, track, steps) = track_for_write(actor, txn, cmd.track_id).await?;
    let recorded_on = record_date(cmd.recorded_on, track.opened_on, "input.recordedOn")?;
    let mut v = Vec::new();
    let outcome = required(&cmd.outcome, "input.outcome", &mut v);
    if let Err(mut e) = meldcode::check_step(&steps, cmd.step, cmd.decision, cmd.consulted_veilig_thuis) {
        v.append(&mut e);
    }
    check(v)?;
    reporting_code_step::ActiveModel::from(reporting_code_step::Model {
        id: Uuid::now_v7(),
        track_id: track.id,
        step: cmd.step,
        recorded_on,
        worker_id: actor.principal.worker_id,
        outcome,
        consulted_veilig_thuis: cmd.consulted_veilig_thuis,
        decision: cmd.decision,
        created_at: Utc::now(),
    })
    .insert(txn)
    .await?;
    subject.log(actor, txn, AccessAction::Update).await?;
    Ok(track)
}

/// Closing a Meldcode track.
#[derive(Debug, Clone, Default)]
pub struct CloseReportingCodeTrack {
    pub track_id: Uuid,
    /// Today when left out.
    pub closed_on: Option<NaiveDate>,
    /// Steps 1 to 3 did not confirm the suspicion: closed without a step-5 decision.
    pub suspicion_not_confirmed: bool,
    /// Why (required when the suspicion was not confirmed).
    pub note: Option<String>,
}

/// Closes a Meldcode track: once step 5 is decided, or without a report when steps 1 to 3 did
/// not confirm the suspicion, with the reason.
pub async fn close_reporting_code_track(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: CloseReportingCodeTrack,
) -> AppResult<reporting_code_track::Model> {
    let (subject, track, steps) = track_for_write(actor, txn, cmd.track_id).await?;
    let reason = meldcode::check_close(&steps, cmd.suspicion_not_confirmed, cmd.note.as_deref())
        .map_err(AppError::BadUserInput)?;
    let closed_on = record_date(cmd.closed_on, track.opened_on, "input.closedOn")?;
    let mut m: reporting_code_track::ActiveModel = track.into();
    m.closed_on = Set(Some(closed_on));
    m.close_reason = Set(Some(reason));
    m.close_note = Set(non_empty(cmd.note));
    m.updated_at = Set(Utc::now());
    let saved = m.update(txn).await?;
    subject.log(actor, txn, AccessAction::Update).await?;
    Ok(saved)
}

/// Opening a Meldcode track on a signal other than a safety assessment.
#[derive(Debug, Clone)]
pub struct OpenReportingCodeTrack {
    /// An admitted child, or a child of the family who did not come to the shelter.
    pub child_id: Uuid,
    pub signal: ReportingCodeSignal,
    pub description: String,
    /// Today when left out.
    pub opened_on: Option<NaiveDate>,
}

/// Opens a Meldcode track on any signal or suspicion of domestic violence or child abuse: a
/// risk at the first contact, a disclosure, an observation (review §2.8) — also for a child of
/// the family who did not come along (norm 4). One open track per child at a time.
pub async fn open_reporting_code_track(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: OpenReportingCodeTrack,
) -> AppResult<reporting_code_track::Model> {
    let mut v = Vec::new();
    if cmd.signal == ReportingCodeSignal::SafetyAssessment {
        v.push(Violation::new(
            "input.signal",
            "a \"niet goed genoeg\" safety assessment opens its own track; record the assessment",
        ));
    }
    let description = required(&cmd.description, "input.description", &mut v);
    check(v)?;
    let subject = TrackSubject::lock(actor, txn, cmd.child_id).await?;
    let today = Utc::now().date_naive();
    let opened_on = cmd.opened_on.unwrap_or(today);
    if opened_on > today {
        return Err(AppError::invalid("input.openedOn", "this date lies in the future"));
    }
    if open_track_of(txn, cmd.child_id).await?.is_some() {
        return Err(AppError::Conflict("a Meldcode track is open for this child; record the signal in it".into()));
    }
    let opened =
        OpenTrack { signal: cmd.signal, description: Some(description), safety_assessment_id: None, opened_on };
    let track = insert_track(actor, txn, &subject, opened).await?;
    subject.log(actor, txn, AccessAction::Create).await?;
    Ok(track)
}

/// Who a Meldcode track is about, checked under the policy and locked for the write: an
/// admitted child (its trajectory) or a child of the family who did not come (the family).
struct TrackSubject {
    ground: Ground,
    child_id: Uuid,
    trajectory_id: Option<Uuid>,
    family_id: Uuid,
}

impl TrackSubject {
    async fn lock(actor: Actor<'_>, txn: &DatabaseTransaction, child_id: Uuid) -> AppResult<Self> {
        match RecordWrite::begin(actor, txn, child_id).await {
            Ok(w) => Ok(Self {
                ground: w.ground,
                child_id,
                trajectory_id: Some(w.trajectory.id),
                family_id: w.trajectory.family_id,
            }),
            Err(AppError::NotFound(_)) => {
                let p = actor.principal;
                let ground = policy::record_method(p)?;
                let membership = family_membership::Entity::find()
                    .filter(family_membership::Column::PersonId.eq(child_id))
                    .filter(family_membership::Column::Role.eq(MembershipRole::ChildNotAdmitted))
                    .filter(
                        family_membership::Column::FamilyId.in_subquery(
                            Query::select()
                                .column(family::Column::Id)
                                .from(family::Entity)
                                .and_where(family::Column::OrganisationId.eq(p.organisation_id))
                                .to_owned(),
                        ),
                    )
                    .one(txn)
                    .await?
                    .ok_or(AppError::NotFound("child"))?;
                // The family's row serialises writes about its children who are not admitted.
                family::Entity::find_by_id(membership.family_id).lock_exclusive().one(txn).await?;
                Ok(Self { ground, child_id, trajectory_id: None, family_id: membership.family_id })
            }
            Err(e) => Err(e),
        }
    }

    async fn log(&self, actor: Actor<'_>, txn: &DatabaseTransaction, action: AccessAction) -> AppResult<()> {
        audit::append(
            txn,
            actor.principal,
            actor.meta,
            &[AccessEvent::new(self.child_id, action, "safety", &self.ground)],
        )
        .await
    }
}

struct OpenTrack {
    signal: ReportingCodeSignal,
    description: Option<String>,
    safety_assessment_id: Option<Uuid>,
    opened_on: NaiveDate,
}

async fn insert_track(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    subject: &TrackSubject,
    t: OpenTrack,
) -> AppResult<reporting_code_track::Model> {
    let now = Utc::now();
    Ok(reporting_code_track::ActiveModel::from(reporting_code_track::Model {
        id: Uuid::now_v7(),
        organisation_id: actor.principal.organisation_id,
        child_id: subject.child_id,
        trajectory_id: subject.trajectory_id,
        family_id: subject.family_id,
        recorded_by_worker_id: actor.principal.worker_id,
        signal: t.signal,
        signal_description: t.description,
        safety_assessment_id: t.safety_assessment_id,
        opened_on: t.opened_on,
        closed_on: None,
        close_reason: None,
        close_note: None,
        created_at: now,
        updated_at: now,
    })
    .insert(txn)
    .await?)
}

/// The child's open Meldcode track, if any.
async fn open_track_of(txn: &DatabaseTransaction, child_id: Uuid) -> AppResult<Option<reporting_code_track::Model>> {
    Ok(reporting_code_track::Entity::find()
        .filter(reporting_code_track::Column::ChildId.eq(child_id))
        .filter(reporting_code_track::Column::ClosedOn.is_null())
        .one(txn)
        .await?)
}

fn required(text: &str, field: &str, v: &mut Vec<Violation>) -> String {
    let t = text.trim();
    if t.is_empty() {
        v.push(Violation::new(field, "this cannot be empty"));
    }
    t.to_string()
}

/// An open track of the actor's organisation with its steps, its child checked and locked.
async fn track_for_write(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    id: Uuid,
) -> AppResult<(TrackSubject, reporting_code_track::Model, Vec<RecordedStep>)> {
    let of_organisation = || {
        reporting_code_track::Entity::find_by_id(id)
            .filter(reporting_code_track::Column::OrganisationId.eq(actor.principal.organisation_id))
    };
    let found = of_organisation().one(txn).await?.ok_or(AppError::NotFound("reporting code track"))?;
    let w = TrackSubject::lock(actor, txn, found.child_id).await?;
    // Read again under the lock.
    let track = of_organisation().one(txn).await?.ok_or(AppError::NotFound("reporting code track"))?;
    if track.closed_on.is_some() {
        return Err(AppError::Conflict("this Meldcode track is closed".into()));
    }
    let steps = reporting_code_step::Entity::find()
        .filter(reporting_code_step::Column::TrackId.eq(id))
        .order_by_asc(reporting_code_step::Column::Id)
        .all(txn)
        .await?
        .into_iter()
        .map(|s| RecordedStep { step: s.step, decision: s.decision })
        .collect();
    Ok((w, track, steps))
}
