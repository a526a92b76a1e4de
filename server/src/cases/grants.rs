//! Partner grants: a neighbourhood team co-runs one child's intake. The responsible worker (or a
//! team lead) grants it, backed by consent of purpose CO_RUN_INTAKE, for 14 days by default, and
//! can revoke it.

use super::{
    Actor,
    partners::{consent_subject, input_partner, partner_in_org, permit},
    records::{RecordWrite, non_empty},
};
use crate::{
    audit::{self, AccessEvent},
    auth::Principal,
    error::{AppError, AppResult},
    policy::{self, Ground},
};
use chrono::{Days, NaiveDate, Utc};
use entities::{AccessAction, ConsentPurpose, ConsentScope, intake_observation, partner_grant, person, trajectory};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

/// How long a grant runs unless the worker says otherwise.
pub const DEFAULT_DAYS: u64 = 14;
/// What a grant shares: the intake and who the child is.
pub const PARTS: [ConsentScope; 2] = [ConsentScope::Intake, ConsentScope::Identity];
const AREA: &str = "partner-grants";
/// What a partner user reads under a grant.
pub const READ_AREAS: [&str; 3] = ["identity", "family", "intake"];

/// Lets a partner's workers co-run the child's intake.
#[derive(Debug, Clone)]
pub struct CreateGrant {
    pub child_id: Uuid,
    pub partner_id: Uuid,
    /// At most, and by default, 14 days from today.
    pub valid_until: Option<NaiveDate>,
}

/// Needs consent of purpose CO_RUN_INTAKE covering INTAKE and IDENTITY for that partner.
pub async fn create_grant(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: CreateGrant,
) -> AppResult<partner_grant::Model> {
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    policy::grant_partner_access(actor.principal, w.trajectory.responsible_worker_id)?;
    let today = Utc::now().date_naive();
    let latest = today + Days::new(DEFAULT_DAYS);
    let valid_until = cmd.valid_until.unwrap_or(latest);
    if valid_until < today || valid_until > latest {
        return Err(AppError::invalid("input.validUntil", format!("from today to at most {latest}")));
    }
    let partner = input_partner(txn, w.organisation_id(), cmd.partner_id, "input.partnerId").await?;
    let (_, subject) = consent_subject(txn, w.organisation_id(), w.child_id).await?;
    let permit = permit(txn, &subject, &partner, ConsentPurpose::CoRunIntake, &PARTS, Utc::now()).await?;
    let saved = partner_grant::ActiveModel::from(partner_grant::Model {
        id: Uuid::now_v7(),
        organisation_id: w.organisation_id(),
        partner_id: partner.id,
        child_id: w.child_id,
        ground: permit.label(),
        valid_until,
        revoked_at: None,
        granted_by_worker_id: w.worker_id(),
        created_at: Utc::now(),
    })
    .insert(txn)
    .await?;
    w.log(AccessAction::Create, AREA).await?;
    Ok(saved)
}

/// Ends a grant now.
pub async fn revoke_grant(actor: Actor<'_>, txn: &DatabaseTransaction, id: Uuid) -> AppResult<partner_grant::Model> {
    // Locked, so that of two simultaneous revocations the second sees the first.
    let found = partner_grant::Entity::find_by_id(id)
        .filter(partner_grant::Column::OrganisationId.eq(actor.principal.organisation_id))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("grant"))?;
    let w = RecordWrite::begin(actor, txn, found.child_id).await?;
    policy::grant_partner_access(actor.principal, w.trajectory.responsible_worker_id)?;
    if found.revoked_at.is_some() {
        return Err(AppError::Conflict("this grant was revoked already".into()));
    }
    let mut a: partner_grant::ActiveModel = found.into();
    a.revoked_at = Set(Some(Utc::now()));
    let saved = a.update(txn).await?;
    w.log(AccessAction::Update, AREA).await?;
    Ok(saved)
}

/// The grant a partner user names, checked for them: theirs, running, the partner active and
/// the consent behind it still standing (it may have been withdrawn since).
pub async fn use_grant<C: ConnectionTrait>(
    principal: &Principal,
    db: &C,
    id: Uuid,
) -> AppResult<(partner_grant::Model, Ground)> {
    let grant = partner_grant::Entity::find_by_id(id)
        .filter(partner_grant::Column::OrganisationId.eq(principal.organisation_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("grant"))?;
    let partner =
        partner_in_org(db, grant.organisation_id, grant.partner_id).await.map_err(|_| AppError::NotFound("grant"))?;
    let ground = policy::use_partner_grant(principal, &grant, &partner.slug, Utc::now().date_naive())?;
    if !partner.active {
        return Err(AppError::Forbidden("the partner is no longer active".into()));
    }
    let (_, subject) = consent_subject(db, principal.organisation_id, grant.child_id).await?;
    permit(db, &subject, &partner, ConsentPurpose::CoRunIntake, &PARTS, Utc::now()).await?;
    Ok((grant, ground))
}

/// What a grant opens to a partner user: the child and the trajectory whose intake they co-run.
pub struct GrantedIntake {
    pub grant: partner_grant::Model,
    pub child: person::Model,
    pub trajectory: trajectory::Model,
    /// The ground to log the reads of [`READ_AREAS`] under.
    pub ground: Ground,
}

pub async fn granted_intake<C: ConnectionTrait>(
    principal: &Principal,
    db: &C,
    grant_id: Uuid,
) -> AppResult<GrantedIntake> {
    let (grant, ground) = use_grant(principal, db, grant_id).await?;
    let child = person::Entity::find_by_id(grant.child_id).one(db).await?.ok_or(AppError::NotFound("child"))?;
    let trajectory = super::trajectories::current(db, grant.organisation_id, grant.child_id).await?;
    Ok(GrantedIntake { grant, child, trajectory, ground })
}

/// Waarneming: what a partner's worker adds to the granted intake.
#[derive(Debug, Clone)]
pub struct AddObservation {
    pub grant_id: Uuid,
    pub observation: String,
    pub agreements: Option<String>,
}

pub async fn add_observation(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: AddObservation,
) -> AppResult<intake_observation::Model> {
    if cmd.observation.trim().is_empty() {
        return Err(AppError::invalid("input.observation", "write the observation"));
    }
    let p = actor.principal;
    let (grant, ground) = use_grant(p, txn, cmd.grant_id).await?;
    let saved = intake_observation::ActiveModel::from(intake_observation::Model {
        id: Uuid::now_v7(),
        organisation_id: grant.organisation_id,
        grant_id: grant.id,
        child_id: grant.child_id,
        author: p.subject.clone(),
        observation: cmd.observation.trim().into(),
        agreements: non_empty(cmd.agreements),
        created_at: Utc::now(),
    })
    .insert(txn)
    .await?;
    audit::append(txn, p, actor.meta, &[AccessEvent::new(grant.child_id, AccessAction::Create, "intake", &ground)])
        .await?;
    Ok(saved)
}
