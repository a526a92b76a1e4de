//! Partner grants: a neighbourhood team co-runs one child's intake. The responsible worker (or a
//! team lead) grants it, backed by consent of purpose CO_RUN_INTAKE, for 14 days by default, and
//! can revoke it.

use super::{
    Actor,
    partners::{consent_subject, input_partner, permit},
    records::RecordWrite,
};
use crate::{
    error::{AppError, AppResult},
    policy,
};
use chrono::{Days, NaiveDate, Utc};
use entities::{AccessAction, ConsentPurpose, ConsentScope, partner_grant};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

/// How long a grant runs unless the worker says otherwise.
pub const DEFAULT_DAYS: u64 = 14;
/// What a grant shares: the intake and who the child is.
pub const PARTS: [ConsentScope; 2] = [ConsentScope::Intake, ConsentScope::Identity];
const AREA: &str = "partner-grants";

/// Lets a partner's workers co-run the child's intake.
#[derive(Debug, Clone)]
pub struct CreateGrant {
    pub child_id: Uuid,
    pub partner_id: Uuid,
    /// At most, and by default, 14 days from today.
    pub valid_until: Option<NaiveDate>,
}

/// Needs consent of purpose CO_RUN_INTAKE covering INTAKE and IDENTITY for that partner.
pub async fn create_grant(actor: Actor<'_>, txn: &DatabaseTransaction, cmd: CreateGrant) -> AppResult<partner_grant::Model> {
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
    let found = partner_grant::Entity::find_by_id(id)
        .filter(partner_grant::Column::OrganisationId.eq(actor.principal.organisation_id))
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
