//! The child's network: "who finds it important that this child is doing well?" — with
//! whether contact is safe, and what each person can do.

use super::{
    Actor,
    records::{RecordWrite, check},
};
use crate::error::{AppError, AppResult, Violation};
use chrono::Utc;
use entities::{AccessAction, NetworkRelation, network_member, person};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

const AREA: &str = "network";

/// Netwerkpersoon: what is recorded about a person in the child's network.
#[derive(Debug, Clone)]
pub struct NetworkMemberDetails {
    pub name: String,
    pub relation: NetworkRelation,
    /// A registered person, e.g. the non-accompanying parent.
    pub person_id: Option<Uuid>,
    pub role_for_child: Option<String>,
    pub contact_safe: bool,
    /// Required when contact is not safe.
    pub restrictions: Option<String>,
    pub contact_details: Option<String>,
    pub what_they_can_do: Option<String>,
    pub agreed_to_be_named: bool,
}

/// Adds a person to the child's network.
pub async fn add_network_member(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    child_id: Uuid,
    member: NetworkMemberDetails,
) -> AppResult<network_member::Model> {
    let w = RecordWrite::begin(actor, txn, child_id).await?;
    check_member(&w, &member).await?;
    let mut a = network_member::ActiveModel {
        id: Set(Uuid::now_v7()),
        organisation_id: Set(w.organisation_id()),
        child_id: Set(w.child_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    apply(&mut a, member, w.worker_id());
    let saved = a.insert(txn).await?;
    w.log(AccessAction::Create, AREA).await?;
    Ok(saved)
}

/// Replaces everything recorded about a network member.
pub async fn update_network_member(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    id: Uuid,
    member: NetworkMemberDetails,
) -> AppResult<network_member::Model> {
    let (w, found) = member_for_write(actor, txn, id).await?;
    check_member(&w, &member).await?;
    let mut a: network_member::ActiveModel = found.into();
    apply(&mut a, member, w.worker_id());
    let saved = a.update(txn).await?;
    w.log(AccessAction::Update, AREA).await?;
    Ok(saved)
}

/// Removes a person from the child's network.
pub async fn remove_network_member(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    id: Uuid,
) -> AppResult<network_member::Model> {
    let (w, found) = member_for_write(actor, txn, id).await?;
    network_member::Entity::delete_by_id(found.id).exec(txn).await?;
    w.log(AccessAction::Delete, AREA).await?;
    Ok(found)
}

/// Validates a member and checks its person within the organisation.
async fn check_member(w: &RecordWrite<'_>, m: &NetworkMemberDetails) -> AppResult<()> {
    let mut v = Vec::new();
    if m.name.trim().is_empty() {
        v.push(Violation::new("input.member.name", "a name is required"));
    }
    if !m.contact_safe && m.restrictions.as_deref().is_none_or(|r| r.trim().is_empty()) {
        v.push(Violation::new("input.member.restrictions", "contact is not safe: say what the restrictions are"));
    }
    check(v)?;
    if let Some(p) = m.person_id {
        let found = person::Entity::find_by_id(p)
            .filter(person::Column::OrganisationId.eq(w.organisation_id()))
            .one(w.txn)
            .await?;
        if found.is_none() {
            return Err(AppError::invalid("input.member.personId", "no such person in your organisation"));
        }
    }
    Ok(())
}

fn apply(a: &mut network_member::ActiveModel, m: NetworkMemberDetails, worker: Option<Uuid>) {
    a.name = Set(m.name.trim().into());
    a.relation = Set(m.relation);
    a.person_id = Set(m.person_id);
    a.role_for_child = Set(m.role_for_child);
    a.contact_safe = Set(m.contact_safe);
    a.restrictions = Set(m.restrictions);
    a.contact_details = Set(m.contact_details);
    a.what_they_can_do = Set(m.what_they_can_do);
    a.agreed_to_be_named = Set(m.agreed_to_be_named);
    a.recorded_by_worker_id = Set(worker);
    a.updated_at = Set(Utc::now());
}

/// A network member of the actor's organisation, with a write opened on its child.
async fn member_for_write<'a>(
    actor: Actor<'a>,
    txn: &'a DatabaseTransaction,
    id: Uuid,
) -> AppResult<(RecordWrite<'a>, network_member::Model)> {
    let found = network_member::Entity::find_by_id(id)
        .filter(network_member::Column::OrganisationId.eq(actor.principal.organisation_id))
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("network member"))?;
    let w = RecordWrite::begin(actor, txn, found.child_id).await?;
    Ok((w, found))
}
