//! Betrokkenheid: the professionals and partners involved with a child, and the end of it.

use super::{
    Actor,
    partners::input_partner,
    records::{check, non_empty},
};
use crate::{
    audit::{self, AccessEvent},
    error::{AppError, AppResult, Violation},
    policy,
};
use chrono::{NaiveDate, Utc};
use entities::{AccessAction, involvement, person};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

const AREA: &str = "involvements";

/// A professional or partner involved with the child.
#[derive(Debug, Clone)]
pub struct AddInvolvement {
    pub child_id: Uuid,
    /// The partner organisation, when known as a chain partner.
    pub partner_id: Option<Uuid>,
    pub professional_name: Option<String>,
    pub role: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Today when left out.
    pub since: Option<NaiveDate>,
}

pub async fn add_involvement(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: AddInvolvement,
) -> AppResult<involvement::Model> {
    let p = actor.principal;
    let ground = policy::manage_involvements(p)?;
    let mut v = Vec::new();
    let professional_name = non_empty(cmd.professional_name);
    if cmd.partner_id.is_none() && professional_name.is_none() {
        v.push(Violation::new("input.partnerId", "name the partner or the professional"));
    }
    if cmd.role.trim().is_empty() {
        v.push(Violation::new("input.role", "a role is required"));
    }
    check(v)?;
    let child = person::Entity::find_by_id(cmd.child_id)
        .filter(person::Column::OrganisationId.eq(p.organisation_id))
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("child"))?;
    if let Some(id) = cmd.partner_id {
        input_partner(txn, p.organisation_id, id, "input.partnerId").await?;
    }
    let now = Utc::now();
    let saved = involvement::ActiveModel::from(involvement::Model {
        id: Uuid::now_v7(),
        organisation_id: p.organisation_id,
        child_id: child.id,
        partner_id: cmd.partner_id,
        professional_name,
        role: cmd.role.trim().into(),
        phone: non_empty(cmd.phone),
        email: non_empty(cmd.email),
        since: cmd.since.unwrap_or(now.date_naive()),
        until: None,
        recorded_by_worker_id: p.worker_id,
        created_at: now,
        updated_at: now,
    })
    .insert(txn)
    .await?;
    audit::append(txn, p, actor.meta, &[AccessEvent::new(child.id, AccessAction::Create, AREA, &ground)]).await?;
    Ok(saved)
}

/// Records that an involvement ended; `until` is today when left out.
pub async fn end_involvement(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    id: Uuid,
    until: Option<NaiveDate>,
) -> AppResult<involvement::Model> {
    let p = actor.principal;
    let ground = policy::manage_involvements(p)?;
    let found = involvement::Entity::find_by_id(id)
        .filter(involvement::Column::OrganisationId.eq(p.organisation_id))
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("involvement"))?;
    let until = until.unwrap_or(Utc::now().date_naive());
    if until < found.since {
        return Err(AppError::invalid("input.until", "an involvement cannot end before it began"));
    }
    let child_id = found.child_id;
    let mut a: involvement::ActiveModel = found.into();
    a.until = Set(Some(until));
    a.updated_at = Set(Utc::now());
    let saved = a.update(txn).await?;
    audit::append(txn, p, actor.meta, &[AccessEvent::new(child_id, AccessAction::Update, AREA, &ground)]).await?;
    Ok(saved)
}
