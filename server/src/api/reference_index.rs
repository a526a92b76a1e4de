//! The Verwijsindex risicojongeren on the child: signals, their matches, and that parent
//! and child were informed; the organisation's policy of registering at admission.

use super::{
    children::Child,
    context::{ContextExt, in_transaction},
    ids,
    loaders::MessagesAbout,
    method::{read_records, recorded_by},
    organisation::Worker,
    partners::PartnerMessage,
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::{
        partners::own_organisation,
        reference_index::{self, AREA, RegisterSignal, SetPolicy},
    },
    error::{AppError, AppResult},
    policy,
};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{
    MatchKind, SignalStatus, WithdrawalReason, organisation, reference_index_match, reference_index_signal,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

crate::child_records_loader!(
    /// The Verwijsindex signals of a child.
    SignalsOf,
    reference_index_signal
);
crate::parts_loader!(
    /// The matches on a signal.
    MatchesOf,
    reference_index_match,
    SignalId,
    signal_id
);

/// Signaal in de Verwijsindex: that we are involved with the child. Never why.
pub struct ReferenceIndexSignal(reference_index_signal::Model);

super::ids::find_in_child_list!(ReferenceIndexSignal, reference_index_signal, |r| r.0.id, |ctx, child, trajectory| {
    signals_of(ctx, child)
});

#[Object]
impl ReferenceIndexSignal {
    pub async fn id(&self) -> ID {
        ids::encode("ReferenceIndexSignal", self.0.id)
    }
    async fn status(&self) -> SignalStatus {
        self.0.status
    }
    async fn contact_worker(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.contact_worker_id).await
    }
    async fn contact_name(&self) -> &str {
        &self.0.contact_name
    }
    async fn contact_phone(&self) -> Option<&str> {
        self.0.contact_phone.as_deref()
    }
    async fn contact_email(&self) -> Option<&str> {
        self.0.contact_email.as_deref()
    }
    async fn start_on(&self) -> Date {
        Date(self.0.start_on)
    }
    /// Two years after the start or the 23rd birthday at the latest; it expires then.
    async fn end_on(&self) -> Date {
        Date(self.0.end_on)
    }
    async fn registered_at(&self) -> Option<DateTime<Utc>> {
        self.0.registered_at
    }
    /// When it was withdrawn or expired.
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.0.ended_at
    }
    async fn withdrawal_reason(&self) -> Option<WithdrawalReason> {
        self.0.withdrawal_reason
    }
    /// Our own note on the withdrawal; it is not sent.
    async fn withdrawal_note(&self) -> Option<&str> {
        self.0.withdrawal_note.as_deref()
    }
    async fn parent_informed_on(&self) -> Option<Date> {
        self.0.parent_informed_on.map(Date)
    }
    async fn parent_informed_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.parent_informed_by_worker_id).await
    }
    async fn child_informed_on(&self) -> Option<Date> {
        self.0.child_informed_on.map(Date)
    }
    async fn child_informed_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.child_informed_by_worker_id).await
    }
    /// Matches and family matches the Verwijsindex reported.
    async fn matches(&self, ctx: &Context<'_>) -> AppResult<Vec<ReferenceIndexMatch>> {
        Ok(ctx
            .loader()
            .load_one(MatchesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(ReferenceIndexMatch)
            .collect())
    }
    /// The messages to the Verwijsindex about this signal, with their delivery status.
    async fn messages(&self, ctx: &Context<'_>) -> AppResult<Vec<PartnerMessage>> {
        let rows = ctx.loader().load_one(MessagesAbout(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(PartnerMessage).collect())
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// Match (or gezinsmatch): another organisation is involved with this child (or a sibling).
pub struct ReferenceIndexMatch(reference_index_match::Model);

impl ReferenceIndexMatch {
    /// A match, when its signal is found.
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        let row = reference_index_match::Entity::find_by_id(id)
            .filter(reference_index_match::Column::OrganisationId.eq(ctx.principal()?.organisation_id))
            .one(ctx.db())
            .await?
            .ok_or(AppError::NotFound("reference index match"))?;
        ReferenceIndexSignal::find(ctx, row.signal_id).await?;
        Ok(Self(row))
    }
}

#[Object]
impl ReferenceIndexMatch {
    pub async fn id(&self) -> ID {
        ids::encode("ReferenceIndexMatch", self.0.id)
    }
    async fn kind(&self) -> MatchKind {
        self.0.kind
    }
    async fn other_organisation(&self) -> &str {
        &self.0.other_organisation
    }
    async fn other_contact_name(&self) -> &str {
        &self.0.other_contact_name
    }
    async fn other_contact_phone(&self) -> Option<&str> {
        self.0.other_contact_phone.as_deref()
    }
    async fn other_contact_email(&self) -> Option<&str> {
        self.0.other_contact_email.as_deref()
    }
    async fn matched_on(&self) -> Date {
        Date(self.0.matched_on)
    }
}

pub async fn signals_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Vec<ReferenceIndexSignal>> {
    read_records(ctx, child_id, AREA)?;
    Ok(ctx
        .loader()
        .load_one(SignalsOf(child_id))
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(ReferenceIndexSignal)
        .collect())
}

/// The organisation's Verwijsindex practice.
#[derive(SimpleObject)]
pub struct ReferenceIndexPolicy {
    /// Register every child with a BSN at admission (the Tussenvoorziening practice).
    register_at_admission: bool,
    /// The central phone number signals carry when the worker gives none.
    contact_phone: Option<String>,
    contact_email: Option<String>,
}

impl From<&organisation::Model> for ReferenceIndexPolicy {
    fn from(o: &organisation::Model) -> Self {
        Self {
            register_at_admission: o.reference_index_register_at_admission,
            contact_phone: o.reference_index_contact_phone.clone(),
            contact_email: o.reference_index_contact_email.clone(),
        }
    }
}

#[derive(Default)]
pub struct ReferenceIndexQuery;

#[Object]
impl ReferenceIndexQuery {
    async fn reference_index_policy(&self, ctx: &Context<'_>) -> AppResult<ReferenceIndexPolicy> {
        let p = ctx.principal()?;
        policy::read_organisation(p)?;
        Ok((&own_organisation(ctx.db(), p.organisation_id).await?).into())
    }
}

#[derive(InputObject)]
pub struct RegisterReferenceIndexSignalInput {
    pub child_id: ID,
    /// The worker the signal names; defaults to you.
    pub contact_worker_id: Option<ID>,
    /// Defaults to the organisation's Verwijsindex contact line.
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    /// Defaults to today.
    pub start_on: Option<Date>,
    /// Defaults to the latest allowed: two years, or the day before the 23rd birthday.
    pub end_on: Option<Date>,
}

#[derive(InputObject)]
pub struct WithdrawReferenceIndexSignalInput {
    pub id: ID,
    pub reason: WithdrawalReason,
    /// Kept here, never sent.
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct RecordReferenceIndexInformedInput {
    pub id: ID,
    /// When the parent was told of the registration.
    pub parent_informed_on: Option<Date>,
    /// When the child was told (from 12).
    pub child_informed_on: Option<Date>,
}

#[derive(InputObject)]
pub struct ReferenceIndexPolicyInput {
    pub register_at_admission: bool,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

payload! {
    /// The result of `registerReferenceIndexSignal`.
    RegisterReferenceIndexSignalPayload { reference_index_signal: ReferenceIndexSignal, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `withdrawReferenceIndexSignal`.
    WithdrawReferenceIndexSignalPayload { reference_index_signal: ReferenceIndexSignal, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `recordReferenceIndexInformed`.
    RecordReferenceIndexInformedPayload { reference_index_signal: ReferenceIndexSignal, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `setReferenceIndexPolicy`.
    SetReferenceIndexPolicyPayload { reference_index_policy: ReferenceIndexPolicy }
}

#[derive(Default)]
pub struct ReferenceIndexMutation;

#[Object]
impl ReferenceIndexMutation {
    /// Registers a signal for the child in the Verwijsindex (BSN required). Only the fact of
    /// involvement and how to reach us is sent.
    async fn register_reference_index_signal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RegisterReferenceIndexSignalInput,
    ) -> AppResult<RegisterReferenceIndexSignalPayload> {
        let command = RegisterSignal {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            contact_worker_id: input
                .contact_worker_id
                .map(|id| ids::decode(&id, "Worker", "input.contactWorkerId"))
                .transpose()?,
            contact_phone: input.contact_phone,
            contact_email: input.contact_email,
            start_on: input.start_on.map(|d| d.0),
            end_on: input.end_on.map(|d| d.0),
        };
        in_transaction(ctx, async |actor, txn| reference_index::register_signal(actor, txn, command).await)
            .await
            .map(|r| RegisterReferenceIndexSignalPayload::new(ReferenceIndexSignal(r)))
    }

    /// Withdraws a signal; the Verwijsindex gets the reason code only.
    async fn withdraw_reference_index_signal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: WithdrawReferenceIndexSignalInput,
    ) -> AppResult<WithdrawReferenceIndexSignalPayload> {
        let id = ids::decode(&input.id, "ReferenceIndexSignal", "input.id")?;
        in_transaction(ctx, async |actor, txn| {
            reference_index::withdraw_signal(actor, txn, id, input.reason, input.note).await
        })
        .await
        .map(|r| WithdrawReferenceIndexSignalPayload::new(ReferenceIndexSignal(r)))
    }

    /// Records that the parent (and the child from 12) were told of the registration, by you.
    async fn record_reference_index_informed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordReferenceIndexInformedInput,
    ) -> AppResult<RecordReferenceIndexInformedPayload> {
        let id = ids::decode(&input.id, "ReferenceIndexSignal", "input.id")?;
        let (parent, child) = (input.parent_informed_on.map(|d| d.0), input.child_informed_on.map(|d| d.0));
        in_transaction(ctx, async |actor, txn| reference_index::record_informed(actor, txn, id, parent, child).await)
            .await
            .map(|r| RecordReferenceIndexInformedPayload::new(ReferenceIndexSignal(r)))
    }

    /// Sets the organisation's Verwijsindex practice (admin or team lead). Registering at
    /// admission needs an active Verwijsindex partner.
    async fn set_reference_index_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: ReferenceIndexPolicyInput,
    ) -> AppResult<SetReferenceIndexPolicyPayload> {
        let command = SetPolicy {
            register_at_admission: input.register_at_admission,
            contact_phone: input.contact_phone,
            contact_email: input.contact_email,
        };
        let saved =
            in_transaction(ctx, async |actor, txn| reference_index::set_policy(actor, txn, command).await).await?;
        Ok(SetReferenceIndexPolicyPayload::new((&saved).into()))
    }
}
