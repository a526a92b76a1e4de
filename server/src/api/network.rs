//! The child's network: "who finds it important that this child is doing well?" — with
//! whether contact is safe, and what each person can do.

use super::{
    children::Child,
    context::{ContextExt, in_transaction},
    ids,
    method::{read_records, recorded_by},
    organisation::Worker,
    payload::payload,
};
use crate::{
    cases::network::{self, NetworkMemberDetails},
    error::AppResult,
};
use async_graphql::{Context, ID, InputObject, Object};
use entities::{NetworkRelation, network_member};
use uuid::Uuid;

crate::child_records_loader!(
    /// The network members of a child.
    NetworkOf,
    network_member
);

/// Netwerkpersoon.
pub struct NetworkMember(network_member::Model);

super::ids::find_in_child_list!(NetworkMember, network_member, |r| r.0.id, |ctx, child, trajectory| network_of(
    ctx, child
));

#[Object]
impl NetworkMember {
    pub async fn id(&self) -> ID {
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

impl NetworkMemberInput {
    fn details(self) -> AppResult<NetworkMemberDetails> {
        Ok(NetworkMemberDetails {
            person_id: self.person_id.map(|id| ids::decode(&id, "Person", "input.member.personId")).transpose()?,
            name: self.name,
            relation: self.relation,
            role_for_child: self.role_for_child,
            contact_safe: self.contact_safe,
            restrictions: self.restrictions,
            contact_details: self.contact_details,
            what_they_can_do: self.what_they_can_do,
            agreed_to_be_named: self.agreed_to_be_named,
        })
    }
}

payload! {
    /// The result of `addNetworkMember`.
    AddNetworkMemberPayload { network_member: NetworkMember, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `updateNetworkMember`.
    UpdateNetworkMemberPayload { network_member: NetworkMember, child: Child = |r| r.0.child_id }
}

pub struct RemoveNetworkMemberPayload {
    removed_id: Uuid,
    child_id: Uuid,
}

/// The result of `removeNetworkMember`.
#[Object]
impl RemoveNetworkMemberPayload {
    /// The id of the member removed, to drop from a client's cache.
    async fn removed_network_member_id(&self) -> ID {
        ids::encode("NetworkMember", self.removed_id)
    }
    /// The child whose network it was, read under its own rules: null with an error when the
    /// viewer may not read it.
    async fn child(&self, ctx: &Context<'_>) -> AppResult<Option<Child>> {
        ids::found(Child::find(ctx, self.child_id).await)
    }
    /// The query root, to read again in the same round trip what the change touched.
    async fn query(&self) -> super::Query {
        super::Query::default()
    }
}

#[derive(Default)]
pub struct NetworkMutation;

#[Object]
impl NetworkMutation {
    /// Adds a person to the child's network.
    async fn add_network_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: AddNetworkMemberInput,
    ) -> AppResult<AddNetworkMemberPayload> {
        let child_id = ids::decode(&input.child_id, "Child", "input.childId")?;
        let member = input.member.details()?;
        in_transaction(ctx, async |actor, txn| network::add_network_member(actor, txn, child_id, member).await)
            .await
            .map(|r| AddNetworkMemberPayload::new(NetworkMember(r)))
    }

    /// Replaces what is recorded about a network member.
    async fn update_network_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: UpdateNetworkMemberInput,
    ) -> AppResult<UpdateNetworkMemberPayload> {
        let id = ids::decode(&input.id, "NetworkMember", "input.id")?;
        let member = input.member.details()?;
        in_transaction(ctx, async |actor, txn| network::update_network_member(actor, txn, id, member).await)
            .await
            .map(|r| UpdateNetworkMemberPayload::new(NetworkMember(r)))
    }

    /// Removes a person from the child's network.
    async fn remove_network_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RemoveNetworkMemberInput,
    ) -> AppResult<RemoveNetworkMemberPayload> {
        let id = ids::decode(&input.id, "NetworkMember", "input.id")?;
        in_transaction(ctx, async |actor, txn| network::remove_network_member(actor, txn, id).await)
            .await
            .map(|removed| RemoveNetworkMemberPayload { removed_id: removed.id, child_id: removed.child_id })
    }
}
