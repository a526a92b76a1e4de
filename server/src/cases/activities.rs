//! Records of the method that had no place before (review §2, §3.2, §5): the investigation of
//! the non-accompanying parent, the living-climate checklist, children's activities,
//! psycho-education, and the aftercare decision taken in phase 3.

use super::{
    Actor,
    records::{RecordWrite, check, non_empty, record_date},
    trajectories,
};
use crate::{
    audit::{self, AccessEvent},
    error::{AppError, AppResult, Violation},
    policy,
};
use chrono::{NaiveDate, Utc};
use entities::{
    AccessAction, ActivityKind, AftercareDecision, HandoverDirection, HandoverStatus, LivingClimateItem,
    MembershipRole, NonAccompanyingParentOutcome, ParentRisk, Phase, PsychoEducationAudience, PsychoEducationForm,
    child_activity, family_membership, handover, list_to_json, living_climate_check, non_accompanying_parent,
    psycho_education, trajectory,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

/// What the investigation of the non-accompanying parent found.
#[derive(Debug, Clone)]
pub struct NonAccompanyingParentFindings {
    /// The parent as a member of the family (role NON_ACCOMPANYING_PARENT), or else a name.
    pub person_id: Option<Uuid>,
    pub name: Option<String>,
    /// Today when left out.
    pub investigated_on: Option<NaiveDate>,
    pub has_custody: Option<bool>,
    pub risk: ParentRisk,
    pub informed_how: Option<String>,
    pub involvement: Option<String>,
    pub contact_arrangement: Option<String>,
    pub outcome: NonAccompanyingParentOutcome,
    pub notes: Option<String>,
}

/// Records what looking into the parent who did not come along found (IB 525-531, 1678-1688):
/// who, custody, risk, how informed and involved, the contact arrangement, the outcome. A
/// parent who is a danger is never "involved"; one kept informed or involved says how.
pub async fn record_non_accompanying_parent(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    child_id: Uuid,
    found: NonAccompanyingParentFindings,
) -> AppResult<non_accompanying_parent::Model> {
    let w = RecordWrite::begin(actor, txn, child_id).await?;
    let investigated_on = record_date(found.investigated_on, w.trajectory.admission_date, "input.investigatedOn")?;
    let name = non_empty(found.name);
    let informed_how = non_empty(found.informed_how);
    let involvement = non_empty(found.involvement);
    let mut v = Vec::new();
    match (found.person_id, &name) {
        (None, None) if found.outcome != NonAccompanyingParentOutcome::NoParent => {
            v.push(Violation::new("input.personId", "name the parent: a family member or a name"))
        }
        (Some(_), Some(_)) => v.push(Violation::new("input.name", "give either the family member or a name")),
        _ => {}
    }
    if found.risk == ParentRisk::Danger && found.outcome == NonAccompanyingParentOutcome::Involved {
        v.push(Violation::new("input.outcome", "a parent who is a danger to the child is not involved in its support"));
    }
    if matches!(found.outcome, NonAccompanyingParentOutcome::Involved | NonAccompanyingParentOutcome::KeptInformed)
        && informed_how.is_none()
    {
        v.push(Violation::new("input.informedHow", "say how the parent is kept informed"));
    }
    if found.outcome == NonAccompanyingParentOutcome::Involved && involvement.is_none() {
        v.push(Violation::new("input.involvement", "say how the parent is involved"));
    }
    check(v)?;
    if let Some(parent) = found.person_id {
        let member = family_membership::Entity::find()
            .filter(family_membership::Column::FamilyId.eq(w.trajectory.family_id))
            .filter(family_membership::Column::PersonId.eq(parent))
            .filter(family_membership::Column::Role.eq(MembershipRole::NonAccompanyingParent))
            .one(txn)
            .await?;
        if member.is_none() {
            return Err(AppError::invalid("input.personId", "not a non-accompanying parent in the child's family"));
        }
    }
    let now = Utc::now();
    let saved = non_accompanying_parent::ActiveModel::from(non_accompanying_parent::Model {
        id: Uuid::now_v7(),
        organisation_id: w.organisation_id(),
        child_id: w.child_id,
        trajectory_id: w.trajectory.id,
        recorded_by_worker_id: w.worker_id(),
        created_at: now,
        person_id: found.person_id,
        name,
        investigated_on,
        has_custody: found.has_custody,
        risk: found.risk,
        informed_how,
        involvement,
        contact_arrangement: non_empty(found.contact_arrangement),
        outcome: found.outcome,
        notes: non_empty(found.notes),
        updated_at: now,
    })
    .insert(txn)
    .await?;
    w.log(AccessAction::Create, "non_accompanying_parent").await?;
    if let Some(parent) = saved.person_id {
        let event = AccessEvent::new(parent, AccessAction::Create, "non_accompanying_parent", &w.ground);
        audit::append(txn, actor.principal, actor.meta, &[event]).await?;
    }
    Ok(saved)
}

/// The living-climate checklist of the current phase as found on one day.
#[derive(Debug, Clone)]
pub struct LivingClimateCheck {
    pub child_id: Uuid,
    /// Today when left out.
    pub checked_on: Option<NaiveDate>,
    /// The items of the current phase's checklist found in order; the others were not.
    pub met: Vec<LivingClimateItem>,
    pub notes: Option<String>,
}

pub async fn record_living_climate_check(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: LivingClimateCheck,
) -> AppResult<living_climate_check::Model> {
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let checked_on = record_date(cmd.checked_on, w.trajectory.admission_date, "input.checkedOn")?;
    let phase = w.trajectory.phase;
    let v = cmd
        .met
        .iter()
        .enumerate()
        .filter(|(_, item)| item.phase() != phase)
        .map(|(i, item)| {
            Violation::new(
                format!("input.met[{i}]"),
                format!("{} is on the checklist of {}", item.as_str(), item.phase().as_str()),
            )
        })
        .collect();
    check(v)?;
    let mut met: Vec<LivingClimateItem> = Vec::with_capacity(cmd.met.len());
    for item in cmd.met {
        if !met.contains(&item) {
            met.push(item);
        }
    }
    let saved = living_climate_check::ActiveModel::from(living_climate_check::Model {
        id: Uuid::now_v7(),
        organisation_id: w.organisation_id(),
        child_id: w.child_id,
        trajectory_id: w.trajectory.id,
        recorded_by_worker_id: w.worker_id(),
        created_at: Utc::now(),
        phase,
        checked_on,
        met: list_to_json(&met),
        notes: non_empty(cmd.notes),
    })
    .insert(txn)
    .await?;
    w.log(AccessAction::Create, "living_climate").await?;
    Ok(saved)
}

/// One child at an activity.
#[derive(Debug, Clone)]
pub struct Participant {
    pub child_id: Uuid,
    pub took_part: bool,
    pub parent_took_part: Option<bool>,
}

/// An activity for one or more children, each with whether they took part.
#[derive(Debug, Clone)]
pub struct RecordActivity {
    pub kind: ActivityKind,
    pub description: String,
    /// Today when left out.
    pub held_on: Option<NaiveDate>,
    pub continues_after_departure: bool,
    pub children: Vec<Participant>,
}

/// Records an activity once per child invited (IB 2391-2398), each child's record written and
/// logged on its own.
pub async fn record_activity(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordActivity,
) -> AppResult<Vec<child_activity::Model>> {
    let mut v = Vec::new();
    if cmd.description.trim().is_empty() {
        v.push(Violation::new("input.description", "say what the activity was"));
    }
    if cmd.children.is_empty() {
        v.push(Violation::new("input.children", "name at least one child"));
    }
    for (i, c) in cmd.children.iter().enumerate() {
        if cmd.children[..i].iter().any(|o| o.child_id == c.child_id) {
            v.push(Violation::new(format!("input.children[{i}].childId"), "this child is named twice"));
        }
    }
    check(v)?;
    // Trajectories are locked in one order (by child), so that two activities naming the same
    // children cannot wait on each other; the records come back in the order given.
    let mut order: Vec<usize> = (0..cmd.children.len()).collect();
    order.sort_by_key(|&i| cmd.children[i].child_id);
    let mut saved = Vec::with_capacity(order.len());
    for i in order {
        let c = &cmd.children[i];
        let w = RecordWrite::begin(actor, txn, c.child_id).await?;
        // One date for all: before this child's admission it is refused on the date itself.
        let held_on = record_date(cmd.held_on, w.trajectory.admission_date, "input.heldOn")?;
        let row = child_activity::ActiveModel::from(child_activity::Model {
            id: Uuid::now_v7(),
            organisation_id: w.organisation_id(),
            child_id: w.child_id,
            trajectory_id: w.trajectory.id,
            recorded_by_worker_id: w.worker_id(),
            created_at: Utc::now(),
            held_on,
            kind: cmd.kind,
            description: cmd.description.trim().into(),
            child_took_part: c.took_part,
            parent_took_part: c.parent_took_part,
            continues_after_departure: cmd.continues_after_departure,
        })
        .insert(txn)
        .await?;
        w.log(AccessAction::Create, "activities").await?;
        saved.push((i, row));
    }
    saved.sort_by_key(|(i, _)| *i);
    Ok(saved.into_iter().map(|(_, row)| row).collect())
}

/// Psycho-education offered to the child or a parent.
#[derive(Debug, Clone)]
pub struct RecordPsychoEducation {
    pub child_id: Uuid,
    pub audience: PsychoEducationAudience,
    pub form: PsychoEducationForm,
    pub external: bool,
    pub took_part: bool,
    /// Today when left out.
    pub offered_on: Option<NaiveDate>,
    pub topic: Option<String>,
    pub duration_minutes: Option<i32>,
}

/// Records psycho-education offered (and whether it was taken up) for norm 10; a session
/// nobody took part in has no duration.
pub async fn record_psycho_education(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordPsychoEducation,
) -> AppResult<psycho_education::Model> {
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let offered_on = record_date(cmd.offered_on, w.trajectory.admission_date, "input.offeredOn")?;
    let mut v = Vec::new();
    match cmd.duration_minutes {
        Some(m) if !(1..=600).contains(&m) => {
            v.push(Violation::new("input.durationMinutes", "between 1 and 600 minutes"))
        }
        Some(_) if !cmd.took_part => {
            v.push(Violation::new("input.durationMinutes", "only for psycho-education that was taken part in"))
        }
        _ => {}
    }
    check(v)?;
    let saved = psycho_education::ActiveModel::from(psycho_education::Model {
        id: Uuid::now_v7(),
        organisation_id: w.organisation_id(),
        child_id: w.child_id,
        trajectory_id: w.trajectory.id,
        recorded_by_worker_id: w.worker_id(),
        created_at: Utc::now(),
        offered_on,
        audience: cmd.audience,
        form: cmd.form,
        external: cmd.external,
        took_part: cmd.took_part,
        topic: non_empty(cmd.topic),
        duration_minutes: cmd.duration_minutes,
    })
    .insert(txn)
    .await?;
    w.log(AccessAction::Create, "psycho_education").await?;
    Ok(saved)
}

/// The decision on follow-up help, taken in phase 3.
#[derive(Debug, Clone)]
pub struct DecideAftercare {
    pub child_id: Uuid,
    pub decision: AftercareDecision,
    /// The warm handover it leads to; required for WARM_HANDOVER.
    pub handover_id: Option<Uuid>,
    /// How the child's safety is monitored after departure (IB 2514, 2532).
    pub safety_monitoring: Option<String>,
    pub note: Option<String>,
}

/// Decides the aftercare in phase 3 (IB 2519, 2671), before the family leaves; closing then
/// needs no decision of its own. A warm handover names the handover, which must be an outflow
/// or throughflow handover of this child that was not declined. Only the responsible worker or
/// a team lead.
pub async fn decide_aftercare(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: DecideAftercare,
) -> AppResult<trajectory::Model> {
    let p = actor.principal;
    let t = trajectories::for_update(txn, p.organisation_id, cmd.child_id).await?;
    let ground = policy::change_phase(p, t.responsible_worker_id)?;
    if t.phase != Phase::Phase3 {
        return Err(AppError::Conflict(format!(
            "aftercare is decided in phase 3; the trajectory is in {}",
            t.phase.as_str()
        )));
    }
    match (cmd.decision, cmd.handover_id) {
        (AftercareDecision::WarmHandover, None) => {
            return Err(AppError::invalid("input.handoverId", "a warm handover names its handover"));
        }
        (AftercareDecision::WarmHandover, Some(id)) => {
            let h = handover::Entity::find_by_id(id)
                .filter(handover::Column::OrganisationId.eq(p.organisation_id))
                .filter(handover::Column::FamilyId.eq(t.family_id))
                .one(txn)
                .await?
                .ok_or_else(|| AppError::invalid("input.handoverId", "no handover of this child's family"))?;
            let problem = if !super::handovers::children_of(&h).contains(&cmd.child_id) {
                Some("the handover does not include this child")
            } else if h.direction == HandoverDirection::Inflow {
                Some("an inflow handover brought the child in; aftercare is an outflow or throughflow handover")
            } else if h.status == HandoverStatus::Declined {
                Some("the partner declined this handover")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(AppError::invalid("input.handoverId", problem));
            }
        }
        (_, Some(_)) => return Err(AppError::invalid("input.handoverId", "only a warm handover names a handover")),
        (_, None) => {}
    }
    let mut m: trajectory::ActiveModel = t.into();
    m.aftercare_decision = Set(Some(cmd.decision));
    m.aftercare_decided_on = Set(Some(Utc::now().date_naive()));
    m.aftercare_handover_id = Set(cmd.handover_id);
    m.safety_monitoring = Set(non_empty(cmd.safety_monitoring));
    m.aftercare_note = Set(non_empty(cmd.note));
    m.updated_at = Set(Utc::now());
    let t = m.update(txn).await?;
    audit::append(txn, p, actor.meta, &[AccessEvent::new(cmd.child_id, AccessAction::Update, "trajectory", &ground)])
        .await?;
    Ok(t)
}
