//! Inzage gemeente: the organisation's admin lets a municipality read its norm figures
//! (aggregates only, small counts suppressed) and can take that back. A revoked access is kept.

use super::Actor;
use crate::{
    domain::is_slug,
    error::{AppError, AppResult},
    policy,
};
use chrono::Utc;
use entities::municipality_access;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// The access a municipality holds to an organisation's figures now, if any.
pub async fn standing<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    municipality: &str,
) -> AppResult<Option<municipality_access::Model>> {
    Ok(municipality_access::Entity::find()
        .filter(municipality_access::Column::OrganisationId.eq(organisation_id))
        .filter(municipality_access::Column::Municipality.eq(municipality))
        .filter(municipality_access::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

/// Lets `municipality` read the organisation's aggregate figures. Granting twice is a conflict.
pub async fn grant(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    municipality: String,
) -> AppResult<municipality_access::Model> {
    let p = actor.principal;
    policy::manage_municipality_access(p)?;
    if !is_slug(&municipality) {
        return Err(AppError::invalid(
            "municipality",
            "2–60 lowercase letters, digits or dashes, as in the municipality's tokens",
        ));
    }
    // The organisation's row locked: of two simultaneous grants the second sees the first.
    entities::organisation::Entity::find_by_id(p.organisation_id).lock_exclusive().one(txn).await?;
    if standing(txn, p.organisation_id, &municipality).await?.is_some() {
        return Err(AppError::Conflict(format!("{municipality} has access already")));
    }
    let access = municipality_access::Model {
        id: Uuid::now_v7(),
        organisation_id: p.organisation_id,
        municipality,
        granted_by_worker_id: p.worker_id,
        granted_at: Utc::now(),
        revoked_by_worker_id: None,
        revoked_at: None,
    };
    municipality_access::ActiveModel::from(access.clone()).insert(txn).await?;
    Ok(access)
}

/// Takes the access back; from now on the municipality's users are refused.
pub async fn revoke(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    municipality: &str,
) -> AppResult<municipality_access::Model> {
    let p = actor.principal;
    policy::manage_municipality_access(p)?;
    let found = municipality_access::Entity::find()
        .filter(municipality_access::Column::OrganisationId.eq(p.organisation_id))
        .filter(municipality_access::Column::Municipality.eq(municipality))
        .filter(municipality_access::Column::RevokedAt.is_null())
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("municipality access"))?;
    let mut a: municipality_access::ActiveModel = found.into();
    a.revoked_at = Set(Some(Utc::now()));
    a.revoked_by_worker_id = Set(p.worker_id);
    Ok(a.update(txn).await?)
}

/// Every access the organisation granted, standing and revoked, newest first.
pub async fn list<C: ConnectionTrait>(actor: Actor<'_>, db: &C) -> AppResult<Vec<municipality_access::Model>> {
    policy::manage_municipality_access(actor.principal)?;
    Ok(municipality_access::Entity::find()
        .filter(municipality_access::Column::OrganisationId.eq(actor.principal.organisation_id))
        .order_by_desc(municipality_access::Column::GrantedAt)
        .all(db)
        .await?)
}
