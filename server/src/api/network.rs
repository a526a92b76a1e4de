//! The child's network: "who finds it important that this child is doing well?" — with
//! whether contact is safe, and what each person can do.

use super::{
    ids,
    method::{RecordWrite, check, decode_into, read_records, recorded_by},
    organisation::Worker,
};
use crate::{
    error::{AppError, AppResult, Violation},
    api::context::ContextExt,
};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::Utc;
use entities::{AccessAction, NetworkRelation, network_member, person};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

crate::child_records_loader!(
    /// The network members of a child.
    NetworkOf,
    network_member
);

/// Netwerkpersoon.
pub struct NetworkMember(network_member::Model);

#[Object]
impl NetworkMember {
    async fn id(&self) -> ID {
        ids::encode("NetworkMember", self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn relation(&self) -> NetworkRelation {
        self.0.relation
    }
    /// The registered person, e.g. the non-accompanying parent (with custody on the person).
    async fn person_id(&self) -> Option<ID> {
        self.0.person_id.map(|id| ids::encode("Person", id))
    }
    /// Their role for the child ("who finds it important that this child is doing well?").
    async fn role_for_child(&self) -> Option<&str> {
        self.0.role_for_child.as_deref()
    }
    /// Whether contact with the child is safe (contact veilig).
    async fn contact_safe(&self) -> bool {
        self.0.contact_safe
    }
    /// Restrictions on contact (e.g. only supervised).
    async fn restrictions(&self) -> Option<&str> {
        self.0.restrictions.as_deref()
    }
    async fn contact_details(&self) -> Option<&str> {
        self.0.contact_details.as_deref()
    }
    async fn what_they_can_do(&self) -> Option<&str> {
        self.0.what_they_can_do.as_deref()
    }
    /// Agreed to be named to chain partners, e.g. in a warm handover.
    async fn agreed_to_be_named(&self) -> bool {
        self.0.agreed_to_be_named
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// The child's network.
pub async fn network_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Vec<NetworkMember>> {
    read_records(ctx, child_id, "network")?;
    Ok(ctx.loader().load_one(NetworkOf(child_id)).await?.unwrap_or_default().into_iter().map(NetworkMember).collect())
}

#[derive(InputObject)]
pub struct NetworkMemberInput {
    pub name: String,
    pub relation: NetworkRelation,
    /// A registered person, e.g. the non-accompanying parent.
    pub person_id: Option<ID>,
    pub role_for_child: Option<String>,
    pub contact_safe: bool,
    /// Required when contact is not safe.
    pub restrictions: Option<String>,
    pub contact_details: Option<String>,
    pub what_they_can_do: Option<String>,
    #[graphql(default)]
    pub agreed_to_be_named: bool,
}

#[derive(InputObject)]
pub struct AddNetworkMemberInput {
    pub child_id: ID,
    pub member: NetworkMemberInput,
}

#[derive(InputObject)]
pub struct UpdateNetworkMemberInput {
    pub id: ID,
    /// Replaces everything recorded about the member.
    pub member: NetworkMemberInput,
}

#[derive(InputObject)]
pub struct RemoveNetworkMemberInput {
    pub id: ID,
}

/// Validates a member and checks its person within the organisation.
async fn check_member(w: &RecordWrite<'_>, m: &NetworkMemberInput) -> AppResult<Option<Uuid>> {
    let mut v = Vec::new();
    if m.name.trim().is_empty() {
        v.push(Violation::new("input.member.name", "a name is required"));
    }
    if !m.contact_safe && m.restrictions.as_deref().is_none_or(|r| r.trim().is_empty()) {
        v.push(Violation::new("input.member.restrictions", "contact is not safe: say what the restrictions are"));
    }
    let person = m.person_id.as_ref().and_then(|id| decode_into(id, "Person", "input.member.personId", &mut v));
    check(v)?;
    if let Some(p) = person {
        let found = person::Entity::find_by_id(p).filter(person::Column::OrganisationId.eq(w.principal.organisation_id)).one(&w.txn).await?;
        if found.is_none() {
            return Err(AppError::invalid("input.member.personId", "no such person in your organisation"));
        }
    }
    Ok(person)
}

fn apply(a: &mut network_member::ActiveModel, m: NetworkMemberInput, person: Option<Uuid>, worker: Option<Uuid>) {
    a.name = Set(m.name.trim().into());
    a.relation = Set(m.relation);
    a.person_id = Set(person);
    a.role_for_child = Set(m.role_for_child);
    a.contact_safe = Set(m.contact_safe);
    a.restrictions = Set(m.restrictions);
    a.contact_details = Set(m.contact_details);
    a.what_they_can_do = Set(m.what_they_can_do);
    a.agreed_to_be_named = Set(m.agreed_to_be_named);
    a.recorded_by_worker_id = Set(worker);
    a.updated_at = Set(Utc::now());
}

/// A member of the principal's organisation, with a write opened on its child.
async fn member_for_write<'a>(ctx: &'a Context<'_>, id: &ID) -> AppResult<(RecordWrite<'a>, network_member::Model)> {
    let id = ids::decode(id, "NetworkMember", "input.id")?;
    let org = ctx.principal()?.organisation_id;
    let found = network_member::Entity::find_by_id(id)
        .filter(network_member::Column::OrganisationId.eq(org))
        .one(ctx.db())
        .await?
        .ok_or(AppError::NotFound("network member"))?;
    let w = RecordWrite::begin_for(ctx, found.child_id).await?;
    Ok((w, found))
}

#[derive(Default)]
pub struct NetworkMutation;

#[Object]
impl NetworkMutation {
    /// Adds a person to the child's network.
    async fn add_network_member(&self, ctx: &Context<'_>, input: AddNetworkMemberInput) -> AppResult<NetworkMember> {
        let w = RecordWrite::begin(ctx, &input.child_id, "input.childId").await?;
        let person = check_member(&w, &input.member).await?;
        let now = Utc::now();
        let mut a = network_member::ActiveModel {
            id: Set(Uuid::now_v7()),
            organisation_id: Set(w.principal.organisation_id),
            child_id: Set(w.child_id),
            created_at: Set(now),
            ..Default::default()
        };
        apply(&mut a, input.member, person, w.worker_id());
        let saved = a.insert(&w.txn).await?;
        w.commit(ctx, AccessAction::Create, "network").await?;
        Ok(NetworkMember(saved))
    }

    /// Replaces what is recorded about a network member.
    async fn update_network_member(&self, ctx: &Context<'_>, input: UpdateNetworkMemberInput) -> AppResult<NetworkMember> {
        let (w, found) = member_for_write(ctx, &input.id).await?;
        let person = check_member(&w, &input.member).await?;
        let mut a: network_member::ActiveModel = found.into();
        apply(&mut a, input.member, person, w.worker_id());
        let saved = a.update(&w.txn).await?;
        w.commit(ctx, AccessAction::Update, "network").await?;
        Ok(NetworkMember(saved))
    }

    /// Removes a person from the child's network; returns the id removed.
    async fn remove_network_member(&self, ctx: &Context<'_>, input: RemoveNetworkMemberInput) -> AppResult<ID> {
        let (w, found) = member_for_write(ctx, &input.id).await?;
        network_member::Entity::delete_by_id(found.id).exec(&w.txn).await?;
        w.commit(ctx, AccessAction::Delete, "network").await?;
        Ok(input.id)
    }
}
