//! Chain partners (ketenpartners), who is involved with a child (betrokkenheid), and the
//! messages exchanged with partners with their delivery status.

use super::{
    children::Child,
    context::{ContextExt, in_transaction},
    ids,
    loaders::{ChainPartnerId, OutboxMessageId},
    method::{read_records, recorded_by},
    organisation::Worker,
    pagination::{self, Conn, TotalCount},
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::{
        chain_partners::{self, ChangePartner, PartnerSettings, RegisterPartner},
        involvements::{self, AddInvolvement},
    },
    error::{AppError, AppResult},
    policy,
};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{
    ContactPerson, MessageKind, MessageStatus, PartnerAdapter, PartnerKind, chain_partner, involvement, outbox_message,
};
use integrations::partner::adapter;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};
use uuid::Uuid;

crate::child_records_loader!(
    /// The partners and professionals involved with a child.
    InvolvementsOf,
    involvement
);

/// What a partner adapter sends and receives.
#[derive(SimpleObject)]
pub struct PartnerCapabilities {
    pub sends: Vec<MessageKind>,
    pub receives: Vec<MessageKind>,
}

/// Ketenpartner. Secrets are write-only: the API says whether they are set, never what they are.
pub struct ChainPartner(pub chain_partner::Model);

impl ChainPartner {
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        policy::read_organisation(ctx.principal()?)?;
        Self::load(ctx, id).await
    }

    /// The partner a record refers to, batched per request.
    pub async fn load(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        ctx.loader().load_one(ChainPartnerId(id)).await?.map(Self).ok_or(AppError::NotFound("chain partner"))
    }
}

#[Object]
impl ChainPartner {
    pub async fn id(&self) -> ID {
        ids::encode("ChainPartner", self.0.id)
    }
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> PartnerKind {
        self.0.kind
    }
    async fn adapter(&self) -> PartnerAdapter {
        self.0.adapter
    }
    async fn endpoint_url(&self) -> Option<&str> {
        self.0.endpoint_url.as_deref()
    }
    async fn token_url(&self) -> Option<&str> {
        self.0.token_url.as_deref()
    }
    async fn client_id(&self) -> Option<&str> {
        self.0.client_id.as_deref()
    }
    /// Whether an OAuth2 client secret is stored (sealed); it is never returned.
    async fn has_client_secret(&self) -> bool {
        self.0.client_secret_sealed.is_some()
    }
    /// Whether the message signing secret is stored (sealed); it is never returned.
    async fn has_signing_secret(&self) -> bool {
        self.0.signing_secret_sealed.is_some()
    }
    async fn contact_persons(&self) -> Vec<ContactPerson> {
        serde_json::from_value(self.0.contact_persons.clone()).unwrap_or_default()
    }
    async fn active(&self) -> bool {
        self.0.active
    }
    /// Samenwerkingsafspraak, e.g. Handle with Care with a school.
    async fn agreement_signed_on(&self) -> Option<Date> {
        self.0.agreement_signed_on.map(Date)
    }
    async fn agreement_valid_until(&self) -> Option<Date> {
        self.0.agreement_valid_until.map(Date)
    }
    /// Where this partner posts its messages to us (signed).
    async fn inbox_url(&self, ctx: &Context<'_>) -> String {
        format!("{}/partners/{}/inbox", ctx.state().settings.public_base_url.trim_end_matches('/'), self.0.id)
    }
    async fn capabilities(&self) -> PartnerCapabilities {
        let c = adapter(self.0.adapter).map(|a| a.capabilities());
        PartnerCapabilities {
            sends: c.map(|c| c.sends.to_vec()).unwrap_or_default(),
            receives: c.map(|c| c.receives.to_vec()).unwrap_or_default(),
        }
    }
}

/// Betrokkenheid: a partner or professional involved with a child.
pub struct Involvement(involvement::Model);

super::ids::find_in_child_list!(Involvement, involvement, |r| r.0.id, |ctx, child, trajectory| involvements_of(
    ctx, child
));

#[Object]
impl Involvement {
    pub async fn id(&self) -> ID {
        ids::encode("Involvement", self.0.id)
    }
    async fn partner(&self, ctx: &Context<'_>) -> AppResult<Option<ChainPartner>> {
        match self.0.partner_id {
            Some(id) => Ok(Some(ChainPartner::load(ctx, id).await?)),
            None => Ok(None),
        }
    }
    async fn professional_name(&self) -> Option<&str> {
        self.0.professional_name.as_deref()
    }
    /// Their role with the child, e.g. "jeugdarts" or "ambulant hulpverlener".
    async fn role(&self) -> &str {
        &self.0.role
    }
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    async fn since(&self) -> Date {
        Date(self.0.since)
    }
    async fn until(&self) -> Option<Date> {
        self.0.until.map(Date)
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

pub async fn involvements_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Vec<Involvement>> {
    read_records(ctx, child_id, "involvements")?;
    Ok(ctx
        .loader()
        .load_one(InvolvementsOf(child_id))
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(Involvement)
        .collect())
}

/// A message to a chain partner and how far its delivery got. The content is not shown:
/// it is what the partner received, logged as a share in the access log.
pub struct PartnerMessage(pub outbox_message::Model);

impl PartnerMessage {
    /// A message of the viewer's organisation, for those who may follow partner messages.
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        policy::read_partner_messages(ctx.principal()?)?;
        Self::load(ctx, id).await
    }

    /// A message a record refers to, batched per request.
    pub async fn load(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        ctx.loader().load_one(OutboxMessageId(id)).await?.map(Self).ok_or(AppError::NotFound("partner message"))
    }
}

fn millis(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
}

#[Object]
impl PartnerMessage {
    pub async fn id(&self) -> ID {
        ids::encode("PartnerMessage", self.0.id)
    }
    /// The id partners see (`webhook-id`), also the idempotency key.
    async fn message_id(&self) -> String {
        self.0.id.to_string()
    }
    async fn partner(&self, ctx: &Context<'_>) -> AppResult<ChainPartner> {
        ChainPartner::load(ctx, self.0.partner_id).await
    }
    async fn kind(&self) -> MessageKind {
        self.0.kind
    }
    async fn status(&self) -> MessageStatus {
        self.0.status
    }
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// The error of the last failed attempt.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// When a failed message is tried again.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.status == MessageStatus::Failed).then(|| millis(self.0.next_attempt_at_ms)).flatten()
    }
    /// The ground the share rests on: consent, override or statute.
    async fn ground(&self) -> &str {
        &self.0.ground
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.sent_at
    }
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
    async fn acknowledged_at(&self) -> Option<DateTime<Utc>> {
        self.0.acknowledged_at
    }
    async fn child_id(&self) -> Option<ID> {
        self.0.child_id.map(|c| ids::encode("Child", c))
    }
}

#[derive(InputObject, Default)]
pub struct PartnerMessageFilter {
    pub status: Option<MessageStatus>,
    pub partner_id: Option<ID>,
    pub child_id: Option<ID>,
}

#[derive(Default)]
pub struct PartnerQuery;

#[Object]
impl PartnerQuery {
    /// The organisation's chain partners, active ones first by name.
    async fn chain_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only partners of this kind.")] kind: Option<PartnerKind>,
    ) -> AppResult<Vec<ChainPartner>> {
        let p = ctx.principal()?;
        policy::read_organisation(p)?;
        let mut rows = chain_partner::Entity::find()
            .filter(chain_partner::Column::OrganisationId.eq(p.organisation_id))
            .apply_if(kind, |q, k| q.filter(chain_partner::Column::Kind.eq(k)))
            .all(ctx.db())
            .await?;
        rows.sort_by(|a, b| b.active.cmp(&a.active).then_with(|| a.name.cmp(&b.name)));
        Ok(rows.into_iter().map(ChainPartner).collect())
    }

    /// Messages to partners, newest last, for following up deliveries (team lead, admin).
    #[graphql(complexity = "first.or(last).unwrap_or(20) as usize * child_complexity")]
    async fn partner_messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only those matching this filter.")] filter: Option<PartnerMessageFilter>,
        #[graphql(desc = "At most this many, from the start (after `after`); at most `limits.max_page_size`.")]
        first: Option<i32>,
        #[graphql(desc = "Cursor: the ones after it (the `endCursor` of the page before).")] after: Option<String>,
        #[graphql(desc = "At most this many, from the end (before `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor: the ones before it (the `startCursor` of the page after).")] before: Option<String>,
    ) -> AppResult<Conn<PartnerMessage>> {
        let p = ctx.principal()?;
        policy::read_partner_messages(p)?;
        let page = pagination::page(first, after, last, before, ctx.state().max_page_size)?;
        let f = filter.unwrap_or_default();
        let partner =
            f.partner_id.as_ref().map(|id| ids::decode(id, "ChainPartner", "filter.partnerId")).transpose()?;
        let child = f.child_id.as_ref().map(|id| ids::decode(id, "Child", "filter.childId")).transpose()?;
        let select = outbox_message::Entity::find()
            .filter(outbox_message::Column::OrganisationId.eq(p.organisation_id))
            .apply_if(f.status, |q, s| q.filter(outbox_message::Column::Status.eq(s)))
            .apply_if(partner, |q, id| q.filter(outbox_message::Column::PartnerId.eq(id)))
            .apply_if(child, |q, id| q.filter(outbox_message::Column::ChildId.eq(id)));
        let total = TotalCount::of(ctx, &select, outbox_message::Column::Id);
        let (rows, prev, next) = pagination::fetch(ctx, select, outbox_message::Column::Id, &page).await?;
        Ok(pagination::connection(rows, prev, next, total, |m| m.id, PartnerMessage))
    }
}

#[derive(InputObject)]
pub struct ChainPartnerInput {
    /// Short name, unique in the organisation: lowercase letters, digits and dashes.
    pub slug: String,
    pub name: String,
    pub kind: PartnerKind,
    #[graphql(default_with = "PartnerAdapter::None")]
    pub adapter: PartnerAdapter,
    pub endpoint_url: Option<String>,
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    /// Write-only; stored sealed.
    #[graphql(secret)]
    pub client_secret: Option<String>,
    /// Write-only; stored sealed. At least 16 characters.
    #[graphql(secret)]
    pub signing_secret: Option<String>,
    #[graphql(default)]
    pub contact_persons: Vec<ContactPerson>,
    #[graphql(default = true)]
    pub active: bool,
}

/// Changes to a partner; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateChainPartnerInput {
    pub id: ID,
    pub name: Option<String>,
    pub kind: Option<PartnerKind>,
    pub adapter: Option<PartnerAdapter>,
    pub endpoint_url: Option<String>,
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    #[graphql(secret)]
    pub client_secret: Option<String>,
    #[graphql(secret)]
    pub signing_secret: Option<String>,
    pub contact_persons: Option<Vec<ContactPerson>>,
    pub active: Option<bool>,
}

#[derive(InputObject)]
pub struct AddInvolvementInput {
    pub child_id: ID,
    /// The partner organisation, when known as a chain partner.
    pub partner_id: Option<ID>,
    pub professional_name: Option<String>,
    pub role: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Defaults to today.
    pub since: Option<Date>,
}

#[derive(InputObject)]
pub struct EndInvolvementInput {
    pub id: ID,
    /// Defaults to today.
    pub until: Option<Date>,
}

payload! {
    /// The result of `createChainPartner`.
    CreateChainPartnerPayload { chain_partner: ChainPartner }
}

payload! {
    /// The result of `updateChainPartner`.
    UpdateChainPartnerPayload { chain_partner: ChainPartner }
}

payload! {
    /// The result of `addInvolvement`.
    AddInvolvementPayload { involvement: Involvement, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `endInvolvement`.
    EndInvolvementPayload { involvement: Involvement, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `retryPartnerMessage`.
    RetryPartnerMessagePayload { partner_message: PartnerMessage }
}

#[derive(Default)]
pub struct PartnerMutation;

#[Object]
impl PartnerMutation {
    /// Registers a chain partner and, optionally, how messages are exchanged with it.
    async fn create_chain_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: ChainPartnerInput,
    ) -> AppResult<CreateChainPartnerPayload> {
        let command = RegisterPartner {
            slug: input.slug,
            name: input.name,
            kind: input.kind,
            settings: PartnerSettings {
                adapter: Some(input.adapter),
                endpoint_url: input.endpoint_url,
                token_url: input.token_url,
                client_id: input.client_id,
                client_secret: input.client_secret,
                signing_secret: input.signing_secret,
                contact_persons: Some(input.contact_persons),
                active: Some(input.active),
            },
        };
        in_transaction(ctx, async |actor, txn| {
            chain_partners::register_partner(
                actor,
                txn,
                &ctx.state().settings.secrets,
                &ctx.state().settings.egress,
                command,
            )
            .await
        })
        .await
        .map(|r| CreateChainPartnerPayload::new(ChainPartner(r)))
    }

    /// Changes a partner; secrets given replace the stored ones.
    async fn update_chain_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: UpdateChainPartnerInput,
    ) -> AppResult<UpdateChainPartnerPayload> {
        let command = ChangePartner {
            id: ids::decode(&input.id, "ChainPartner", "input.id")?,
            name: input.name,
            kind: input.kind,
            settings: PartnerSettings {
                adapter: input.adapter,
                endpoint_url: input.endpoint_url,
                token_url: input.token_url,
                client_id: input.client_id,
                client_secret: input.client_secret,
                signing_secret: input.signing_secret,
                contact_persons: input.contact_persons,
                active: input.active,
            },
        };
        in_transaction(ctx, async |actor, txn| {
            chain_partners::change_partner(
                actor,
                txn,
                &ctx.state().settings.secrets,
                &ctx.state().settings.egress,
                command,
            )
            .await
        })
        .await
        .map(|r| UpdateChainPartnerPayload::new(ChainPartner(r)))
    }

    /// Records that a partner or professional is involved with a child.
    async fn add_involvement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: AddInvolvementInput,
    ) -> AppResult<AddInvolvementPayload> {
        let command = AddInvolvement {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            partner_id: input.partner_id.map(|id| ids::decode(&id, "ChainPartner", "input.partnerId")).transpose()?,
            professional_name: input.professional_name,
            role: input.role,
            phone: input.phone,
            email: input.email,
            since: input.since.map(|d| d.0),
        };
        in_transaction(ctx, async |actor, txn| involvements::add_involvement(actor, txn, command).await)
            .await
            .map(|r| AddInvolvementPayload::new(Involvement(r)))
    }

    /// Records that an involvement ended.
    async fn end_involvement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: EndInvolvementInput,
    ) -> AppResult<EndInvolvementPayload> {
        let id = ids::decode(&input.id, "Involvement", "input.id")?;
        in_transaction(ctx, async |actor, txn| {
            involvements::end_involvement(actor, txn, id, input.until.map(|d| d.0)).await
        })
        .await
        .map(|r| EndInvolvementPayload::new(Involvement(r)))
    }

    /// Puts a failed or dead message back in the queue, attempts counted from zero (admin).
    async fn retry_partner_message(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The FAILED or DEAD message to send again.")] id: ID,
    ) -> AppResult<RetryPartnerMessagePayload> {
        let id = ids::decode(&id, "PartnerMessage", "id")?;
        in_transaction(ctx, async |actor, txn| chain_partners::retry_message(actor, txn, id).await)
            .await
            .map(|r| RetryPartnerMessagePayload::new(PartnerMessage(r)))
    }
}
