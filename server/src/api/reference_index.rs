//! The Verwijsindex risicojongeren on the child: signals, their matches, and that parent
//! and child were informed; the organisation's policy of registering at admission.

use super::{
    context::ContextExt,
    loaders::MessagesAbout,
    ids,
    method::{RecordWrite, read_records, recorded_by},
    organisation::Worker,
    partners::PartnerMessage,
    scalars::Date,
};
use crate::{
    domain::age::age_on,
    error::{AppError, AppResult},
    cases::{
        partners::{consent_subject, own_organisation},
        reference_index::{AREA, Contact, Registering, partner_of},
    },
    policy,
};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{
    AccessAction, MatchKind, SignalStatus, WithdrawalReason, organisation, reference_index_match, reference_index_signal,
    worker,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
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

#[Object]
impl ReferenceIndexSignal {
    async fn id(&self) -> ID {
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
        Ok(ctx.loader().load_one(MatchesOf(self.0.id)).await?.unwrap_or_default().into_iter().map(ReferenceIndexMatch).collect())
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

#[Object]
impl ReferenceIndexMatch {
    async fn id(&self) -> ID {
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
    Ok(ctx.loader().load_one(SignalsOf(child_id)).await?.unwrap_or_default().into_iter().map(ReferenceIndexSignal).collect())
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

/// A signal of the organisation, with a write opened on its child.
async fn signal_for_write<'a>(ctx: &'a Context<'_>, id: &ID) -> AppResult<(RecordWrite<'a>, reference_index_signal::Model)> {
    let id = ids::decode(id, "ReferenceIndexSignal", "input.id")?;
    let org = ctx.principal()?.organisation_id;
    let found = reference_index_signal::Entity::find_by_id(id)
        .filter(reference_index_signal::Column::OrganisationId.eq(org))
        .one(ctx.db())
        .await?
        .ok_or(AppError::NotFound("signal"))?;
    let w = RecordWrite::begin_for(ctx, found.child_id).await?;
    Ok((w, found))
}

fn registering<'a>(ctx: &'a Context<'_>, w: &'a RecordWrite<'a>, organisation: &'a organisation::Model, partner: &'a entities::chain_partner::Model) -> Registering<'a> {
    Registering { actor: w.principal, meta: &ctx.state().meta, ground: w.ground.label(), organisation, partner }
}

#[derive(Default)]
pub struct ReferenceIndexMutation;

#[Object]
impl ReferenceIndexMutation {
    /// Registers a signal for the child in the Verwijsindex (BSN required). Only the fact of
    /// involvement and how to reach us is sent.
    async fn register_reference_index_signal(&self, ctx: &Context<'_>, input: RegisterReferenceIndexSignalInput) -> AppResult<ReferenceIndexSignal> {
        let w = RecordWrite::begin(ctx, &input.child_id, "input.childId").await?;
        let org = own_organisation(&w.txn, w.principal.organisation_id).await?;
        let partner = partner_of(&w.txn, org.id)
            .await?
            .ok_or_else(|| AppError::Conflict("the organisation has no active Verwijsindex partner".into()))?;
        let worker_id = match &input.contact_worker_id {
            Some(id) => ids::decode(id, "Worker", "input.contactWorkerId")?,
            None => w.principal.worker_id.ok_or_else(|| AppError::invalid("input.contactWorkerId", "name the contact worker"))?,
        };
        let worker = worker::Entity::find_by_id(worker_id)
            .filter(worker::Column::OrganisationId.eq(org.id))
            .filter(worker::Column::Active.eq(true))
            .one(&w.txn)
            .await?
            .ok_or_else(|| AppError::invalid("input.contactWorkerId", "no such active worker"))?;
        let (child, subject) = consent_subject(&w.txn, org.id, w.child_id).await?;
        let contact = Contact { worker, phone: input.contact_phone, email: input.contact_email };
        let signal = registering(ctx, &w, &org, &partner)
            .register(&w.txn, &child, &subject, contact, input.start_on.map(|d| d.0), input.end_on.map(|d| d.0))
            .await?;
        w.txn.commit().await?;
        Ok(ReferenceIndexSignal(signal))
    }

    /// Withdraws a signal; the Verwijsindex gets the reason code only.
    async fn withdraw_reference_index_signal(&self, ctx: &Context<'_>, input: WithdrawReferenceIndexSignalInput) -> AppResult<ReferenceIndexSignal> {
        let (w, signal) = signal_for_write(ctx, &input.id).await?;
        let org = own_organisation(&w.txn, w.principal.organisation_id).await?;
        let partner = super::partners::partner_in_org(&w.txn, org.id, signal.partner_id).await?;
        let (_, subject) = consent_subject(&w.txn, org.id, w.child_id).await?;
        let saved = registering(ctx, &w, &org, &partner).withdraw(&w.txn, signal, &subject, input.reason, input.note).await?;
        w.txn.commit().await?;
        Ok(ReferenceIndexSignal(saved))
    }

    /// Records that the parent (and the child from 12) were told of the registration, by you.
    async fn record_reference_index_informed(&self, ctx: &Context<'_>, input: RecordReferenceIndexInformedInput) -> AppResult<ReferenceIndexSignal> {
        let (w, signal) = signal_for_write(ctx, &input.id).await?;
        let today = Utc::now().date_naive();
        if input.parent_informed_on.is_none() && input.child_informed_on.is_none() {
            return Err(AppError::invalid("input.parentInformedOn", "give when the parent or the child was informed"));
        }
        for (date, field) in [(&input.parent_informed_on, "input.parentInformedOn"), (&input.child_informed_on, "input.childInformedOn")] {
            if date.as_ref().is_some_and(|d| d.0 > today || d.0 < signal.created_at.date_naive()) {
                return Err(AppError::invalid(field, "between the registration and today"));
            }
        }
        if let Some(d) = &input.child_informed_on {
            let (child, _) = consent_subject(&w.txn, w.principal.organisation_id, w.child_id).await?;
            if age_on(child.date_of_birth, d.0) < 12 {
                return Err(AppError::invalid("input.childInformedOn", "a child is informed from 12; the parent is informed for a younger child"));
            }
        }
        let mut a: reference_index_signal::ActiveModel = signal.into();
        if let Some(d) = input.parent_informed_on {
            a.parent_informed_on = Set(Some(d.0));
            a.parent_informed_by_worker_id = Set(w.worker_id());
        }
        if let Some(d) = input.child_informed_on {
            a.child_informed_on = Set(Some(d.0));
            a.child_informed_by_worker_id = Set(w.worker_id());
        }
        a.updated_at = Set(Utc::now());
        let saved = a.update(&w.txn).await?;
        w.commit(ctx, AccessAction::Update, AREA).await?;
        Ok(ReferenceIndexSignal(saved))
    }

    /// Sets the organisation's Verwijsindex practice (admin or team lead). Registering at
    /// admission needs an active Verwijsindex partner.
    async fn set_reference_index_policy(&self, ctx: &Context<'_>, input: ReferenceIndexPolicyInput) -> AppResult<ReferenceIndexPolicy> {
        let p = ctx.principal()?;
        policy::manage_partners(p)?;
        let txn = ctx.db().begin().await?;
        if input.register_at_admission && partner_of(&txn, p.organisation_id).await?.is_none() {
            return Err(AppError::invalid("input.registerAtAdmission", "register an active Verwijsindex partner first"));
        }
        let mut a: organisation::ActiveModel = own_organisation(&txn, p.organisation_id).await?.into();
        a.reference_index_register_at_admission = Set(input.register_at_admission);
        a.reference_index_contact_phone = Set(input.contact_phone.filter(|s| !s.trim().is_empty()));
        a.reference_index_contact_email = Set(input.contact_email.filter(|s| !s.trim().is_empty()));
        a.updated_at = Set(Utc::now());
        let saved = a.update(&txn).await?;
        txn.commit().await?;
        Ok((&saved).into())
    }
}

