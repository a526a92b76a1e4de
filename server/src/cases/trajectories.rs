//! Begeleidingstraject: opening a child's trajectory, its responsible worker, and moving it
//! through the phases of the method.

use super::Actor;
use crate::{
    audit::{self, AccessEvent},
    domain::{
        method::{Phase1Activities, PhaseChangeInput, check_method},
        phase,
    },
    error::{AppError, AppResult, Violation},
    policy,
};
use chrono::{NaiveDate, Utc};
use entities::{
    AccessAction, AftercareDecision, CareSetting, EndReason, Phase, Role, phase_change, trajectory, worker, worker_role,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Query,
};
use std::collections::HashSet;
use uuid::Uuid;

/// A new trajectory in phase 1, with its first history entry.
pub fn open(
    organisation_id: Uuid,
    child_id: Uuid,
    family_id: Uuid,
    responsible_worker_id: Uuid,
    setting: CareSetting,
    admission_date: NaiveDate,
    by_worker: Option<Uuid>,
) -> (trajectory::Model, phase_change::Model) {
    let now = Utc::now();
    let id = Uuid::now_v7();
    let t = trajectory::Model {
        id,
        organisation_id,
        child_id,
        family_id,
        responsible_worker_id,
        phase: Phase::Phase1,
        setting,
        admission_date,
        phase_started_on: admission_date,
        end_date: None,
        end_reason: None,
        expected_departure_on: None,
        aftercare_decision: None,
        aftercare_note: None,
        aftercare_decided_on: None,
        aftercare_handover_id: None,
        safety_monitoring: None,
        phase1_exit_reason: None,
        created_at: now,
        updated_at: now,
    };
    let change = phase_change::Model {
        id: Uuid::now_v7(),
        trajectory_id: id,
        from_phase: None,
        to_phase: Phase::Phase1,
        effective_on: admission_date,
        changed_by_worker_id: by_worker,
        note: None,
        created_at: now,
    };
    (t, change)
}

/// Checks that every `(worker, field)` names an active child and family worker of the
/// organisation, in one statement however many there are.
pub async fn check_responsible_workers<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    workers: &[(Uuid, String)],
) -> AppResult<()> {
    if workers.is_empty() {
        return Ok(());
    }
    let wanted: Vec<Uuid> = workers.iter().map(|(w, _)| *w).collect::<HashSet<_>>().into_iter().collect();
    let found: HashSet<Uuid> = worker::Entity::find()
        .filter(worker::Column::Id.is_in(wanted.clone()))
        .filter(worker::Column::OrganisationId.eq(organisation_id))
        .filter(worker::Column::Active.eq(true))
        .filter(
            worker::Column::Id.in_subquery(
                Query::select()
                    .column(worker_role::Column::WorkerId)
                    .from(worker_role::Entity)
                    .and_where(worker_role::Column::Role.eq(Role::ChildFamilyWorker))
                    .and_where(worker_role::Column::WorkerId.is_in(wanted))
                    .to_owned(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|w| w.id)
        .collect();
    let violations: Vec<Violation> = workers
        .iter()
        .filter(|(w, _)| !found.contains(w))
        .map(|(_, field)| Violation::new(field.clone(), "not an active child and family worker of your organisation"))
        .collect();
    if violations.is_empty() { Ok(()) } else { Err(AppError::BadUserInput(violations)) }
}

fn current_of(organisation_id: Uuid, child_id: Uuid) -> sea_orm::Select<trajectory::Entity> {
    trajectory::Entity::find()
        .filter(trajectory::Column::ChildId.eq(child_id))
        .filter(trajectory::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(trajectory::Column::Id)
}

/// The current (latest) trajectory of a child of the organisation.
pub async fn current<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    child_id: Uuid,
) -> AppResult<trajectory::Model> {
    current_of(organisation_id, child_id).one(db).await?.ok_or(AppError::NotFound("child"))
}

/// The current trajectory of a child of the organisation, locked for the change.
pub async fn for_update<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    child_id: Uuid,
) -> AppResult<trajectory::Model> {
    current_of(organisation_id, child_id).lock_exclusive().one(db).await?.ok_or(AppError::NotFound("child"))
}

/// Which phase 1 activities are recorded for a trajectory (five existence checks; the SDQ only
/// from the child's fourth birthday).
pub async fn phase1_activities<C: ConnectionTrait>(db: &C, t: &trajectory::Model) -> AppResult<Phase1Activities> {
    use entities::{action_plan, first_contact, intake, person, safety_assessment, screening};
    let born = person::Entity::find_by_id(t.child_id).one(db).await?.ok_or(AppError::NotFound("child"))?.date_of_birth;
    // The SDQ is for children from 4, as the kindgesprek (IB 436-439, 460-461).
    let sdq_due =
        crate::domain::age::age_on(born, Utc::now().date_naive()) >= crate::domain::cadence::CHILD_TALK_FROM_AGE;
    Ok(Phase1Activities {
        first_contact: first_contact::Entity::find()
            .filter(first_contact::Column::TrajectoryId.eq(t.id))
            .one(db)
            .await?
            .is_some(),
        intake: intake::Entity::find().filter(intake::Column::TrajectoryId.eq(t.id)).one(db).await?.is_some(),
        safety_assessment: safety_assessment::Entity::find()
            .filter(safety_assessment::Column::TrajectoryId.eq(t.id))
            .one(db)
            .await?
            .is_some(),
        action_plan: action_plan::Entity::find()
            .filter(action_plan::Column::TrajectoryId.eq(t.id))
            .one(db)
            .await?
            .is_some(),
        sdq: !sdq_due
            || screening::Entity::find()
                .filter(screening::Column::TrajectoryId.eq(t.id))
                .filter(screening::Column::Instrument.eq("SDQ"))
                .one(db)
                .await?
                .is_some(),
    })
}

/// Makes a worker the child's responsible kind- en gezinsbegeleider.
#[derive(Debug, Clone)]
pub struct AssignResponsibleWorker {
    pub child_id: Uuid,
    pub worker_id: Uuid,
}

pub async fn assign_responsible_worker(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: AssignResponsibleWorker,
) -> AppResult<trajectory::Model> {
    let p = actor.principal;
    let ground = policy::assign_responsible_worker(p)?;
    let t = for_update(txn, p.organisation_id, cmd.child_id).await?;
    if t.phase == Phase::Closed {
        return Err(AppError::Conflict("the trajectory is closed".into()));
    }
    check_responsible_workers(txn, p.organisation_id, &[(cmd.worker_id, "input.workerId".into())]).await?;
    let mut m: trajectory::ActiveModel = t.into();
    m.responsible_worker_id = Set(cmd.worker_id);
    m.updated_at = Set(Utc::now());
    let t = m.update(txn).await?;
    audit::append(txn, p, actor.meta, &[AccessEvent::new(cmd.child_id, AccessAction::Update, "trajectory", &ground)])
        .await?;
    Ok(t)
}

/// A move to another phase, or the close of the trajectory.
#[derive(Debug, Clone, Default)]
pub struct AdvancePhase {
    pub child_id: Uuid,
    /// The next phase when left out.
    pub to: Option<Phase>,
    /// Today when left out.
    pub effective_on: Option<NaiveDate>,
    /// Required when closing.
    pub end_reason: Option<EndReason>,
    /// Besluit over overdracht en nazorg; required when closing.
    pub aftercare_decision: Option<AftercareDecision>,
    pub aftercare_note: Option<String>,
    /// Verwachte vertrekdatum; required when entering phase 3.
    pub expected_departure_on: Option<NaiveDate>,
    /// Why phase 1 ends before its activities are all recorded; only then needed.
    pub phase1_exit_reason: Option<String>,
    pub note: Option<String>,
}

/// Moves a child's trajectory to the next phase (1 → 2 → 3), or closes it with an end reason
/// and the aftercare decision. Leaving phase 1 needs its activities recorded (or a reason);
/// entering phase 3 records the expected departure. Only the responsible worker or a team lead.
pub async fn advance_phase(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: AdvancePhase,
) -> AppResult<trajectory::Model> {
    let p = actor.principal;
    let today = Utc::now().date_naive();
    let t = for_update(txn, p.organisation_id, cmd.child_id).await?;
    let ground = policy::change_phase(p, t.responsible_worker_id)?;
    let target = match cmd.to.or_else(|| phase::next(t.phase)) {
        Some(target) => target,
        None => return Err(AppError::invalid("input.to", "the trajectory is already closed")),
    };
    phase::check_transition(t.phase, target, cmd.end_reason).map_err(|v| AppError::BadUserInput(vec![v]))?;
    let effective_on = cmd.effective_on.unwrap_or(today);
    if effective_on > today {
        return Err(AppError::invalid("input.effectiveOn", "a phase change cannot be dated in the future"));
    }
    if effective_on < t.phase_started_on {
        return Err(AppError::invalid("input.effectiveOn", "the new phase cannot begin before the current one"));
    }
    let done = if t.phase == Phase::Phase1 { phase1_activities(txn, &t).await? } else { Phase1Activities::default() };
    let change = PhaseChangeInput {
        phase1_exit_reason: cmd.phase1_exit_reason.as_deref(),
        expected_departure_on: cmd.expected_departure_on,
        // A decision taken in phase 3 (`decide_aftercare`) stands at closing.
        aftercare_decision: cmd.aftercare_decision.or(t.aftercare_decision.filter(|_| target == Phase::Closed)),
        note: cmd.note.as_deref(),
    };
    check_method(t.phase, target, done, &change, effective_on).map_err(AppError::BadUserInput)?;
    let from = t.phase;
    let mut m: trajectory::ActiveModel = t.into();
    m.phase = Set(target);
    m.phase_started_on = Set(effective_on);
    match target {
        // Back from phase 3: the departure that was expected fell through, and with it the
        // aftercare decided for it.
        Phase::Phase2 if from == Phase::Phase3 => {
            m.expected_departure_on = Set(None);
            m.aftercare_decision = Set(None);
            m.aftercare_decided_on = Set(None);
            m.aftercare_handover_id = Set(None);
        }
        Phase::Phase2 => m.phase1_exit_reason = Set(change.phase1_exit_reason.map(|r| r.trim().to_string())),
        Phase::Phase3 => m.expected_departure_on = Set(change.expected_departure_on),
        Phase::Closed => {
            m.end_date = Set(Some(effective_on));
            m.end_reason = Set(cmd.end_reason);
            if cmd.aftercare_decision.is_some() {
                m.aftercare_decision = Set(cmd.aftercare_decision);
                m.aftercare_decided_on = Set(Some(effective_on));
                m.aftercare_note = Set(cmd.aftercare_note);
            }
        }
        Phase::Phase1 => {}
    }
    m.updated_at = Set(Utc::now());
    let t = m.update(txn).await?;
    phase_change::ActiveModel::from(phase_change::Model {
        id: Uuid::now_v7(),
        trajectory_id: t.id,
        from_phase: Some(from),
        to_phase: target,
        effective_on,
        changed_by_worker_id: p.worker_id,
        note: cmd.note,
        created_at: Utc::now(),
    })
    .insert(txn)
    .await?;
    audit::append(txn, p, actor.meta, &[AccessEvent::new(cmd.child_id, AccessAction::Update, "trajectory", &ground)])
        .await?;
    Ok(t)
}

/// The expected departure moves (verwachte vertrekdatum), in phase 3. Only the responsible
/// worker or a team lead.
pub async fn change_expected_departure(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    child_id: Uuid,
    on: NaiveDate,
) -> AppResult<trajectory::Model> {
    let p = actor.principal;
    let t = for_update(txn, p.organisation_id, child_id).await?;
    let ground = policy::change_phase(p, t.responsible_worker_id)?;
    if t.phase != Phase::Phase3 {
        return Err(AppError::Conflict(format!(
            "the expected departure is kept in phase 3; the trajectory is in {}",
            t.phase.as_str()
        )));
    }
    if on < t.phase_started_on {
        return Err(AppError::invalid(
            "input.expectedDepartureOn",
            "the expected departure lies before the start of phase 3",
        ));
    }
    let mut m: trajectory::ActiveModel = t.into();
    m.expected_departure_on = Set(Some(on));
    m.updated_at = Set(Utc::now());
    let t = m.update(txn).await?;
    audit::append(txn, p, actor.meta, &[AccessEvent::new(child_id, AccessAction::Update, "trajectory", &ground)])
        .await?;
    Ok(t)
}
