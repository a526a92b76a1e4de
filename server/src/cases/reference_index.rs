//! The Verwijsindex as the organisation uses it: registering and withdrawing signals, the
//! daily expiry, and what its notices change.

use super::{
    Actor,
    partners::{consent_subject, own_organisation, partner_in_org, permit, queue, system_principal},
    records::RecordWrite,
};
use crate::{
    audit::{self, AccessEvent, RequestMeta},
    auth::Principal,
    domain::{age::age_on, consent::ConsentSubject, reference_index::check_period},
    error::{AppError, AppResult},
    policy,
};
use chrono::{NaiveDate, Utc};
use entities::{
    AccessAction, ConsentPurpose, ConsentScope, MatchKind, MessageKind, PartnerKind, SignalStatus, WithdrawalReason,
    chain_partner, organisation, person, reference_index_match, reference_index_signal, worker,
};
use integrations::{
    outbox,
    verwijsindex::{ContactPoint, Notice, Registration, Withdrawal},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::borrow::Cow;
use uuid::Uuid;

pub const AREA: &str = "reference-index";
const LIVE: [SignalStatus; 2] = [SignalStatus::Requested, SignalStatus::Registered];

/// The organisation's active Verwijsindex partner, if it has one.
pub async fn partner_of<C: ConnectionTrait>(db: &C, organisation_id: Uuid) -> AppResult<Option<chain_partner::Model>> {
    Ok(chain_partner::Entity::find()
        .filter(chain_partner::Column::OrganisationId.eq(organisation_id))
        .filter(chain_partner::Column::Kind.eq(PartnerKind::Verwijsindex))
        .filter(chain_partner::Column::Active.eq(true))
        .order_by_asc(chain_partner::Column::Id)
        .one(db)
        .await?)
}

/// Who the signal names as the way to reach us.
pub struct Contact {
    pub worker: worker::Model,
    pub phone: Option<String>,
    pub email: Option<String>,
}

pub struct Registering<'a> {
    pub actor: &'a Principal,
    pub meta: &'a RequestMeta,
    /// The ground of the actor's change, for the access log.
    pub ground: Cow<'static, str>,
    pub organisation: &'a organisation::Model,
    pub partner: &'a chain_partner::Model,
}

impl Registering<'_> {
    /// Registers a signal for `child` and queues it for the Verwijsindex, in `db` (the
    /// caller's transaction). Only the BSN, our organisation, the contact and the period go.
    pub async fn register<C: ConnectionTrait>(
        &self,
        db: &C,
        child: &person::Model,
        subject: &ConsentSubject,
        contact: Contact,
        start_on: Option<NaiveDate>,
        end_on: Option<NaiveDate>,
    ) -> AppResult<reference_index_signal::Model> {
        let bsn = child.bsn.clone().ok_or_else(|| {
            AppError::invalid("input.childId", "the child has no BSN; the Verwijsindex registers children by BSN")
        })?;
        let today = Utc::now().date_naive();
        let start_on = start_on.unwrap_or(today);
        let end_on = check_period(start_on, end_on, child.date_of_birth, today)
            .map_err(|(field, msg)| AppError::invalid(field, msg))?;
        let phone = contact.phone.or_else(|| self.organisation.reference_index_contact_phone.clone());
        let email = contact
            .email
            .or_else(|| self.organisation.reference_index_contact_email.clone())
            .or_else(|| Some(contact.worker.email.clone()).filter(|e| !e.trim().is_empty()));
        if phone.is_none() && email.is_none() {
            return Err(AppError::invalid(
                "input.contactPhone",
                "give a phone number or e-mail address, or set the organisation's Verwijsindex contact line",
            ));
        }
        let live = reference_index_signal::Entity::find()
            .filter(reference_index_signal::Column::ChildId.eq(child.id))
            .filter(reference_index_signal::Column::Status.is_in(LIVE))
            .one(db)
            .await?;
        if live.is_some() {
            return Err(AppError::Conflict("the child already has a signal in the Verwijsindex".into()));
        }
        let permit =
            permit(db, subject, self.partner, ConsentPurpose::ShareWithPartner, &[ConsentScope::Identity], Utc::now())
                .await?;
        let now = Utc::now();
        let signal = reference_index_signal::Model {
            id: Uuid::now_v7(),
            organisation_id: self.organisation.id,
            child_id: child.id,
            partner_id: self.partner.id,
            status: SignalStatus::Requested,
            contact_worker_id: Some(contact.worker.id),
            contact_name: contact.worker.name.clone(),
            contact_phone: phone,
            contact_email: email,
            start_on,
            end_on,
            registered_at: None,
            ended_at: None,
            withdrawal_reason: None,
            withdrawal_note: None,
            parent_informed_on: None,
            parent_informed_by_worker_id: None,
            child_informed_on: None,
            child_informed_by_worker_id: None,
            recorded_by_worker_id: self.actor.worker_id,
            created_at: now,
            updated_at: now,
        };
        reference_index_signal::Entity::insert(reference_index_signal::ActiveModel::from(signal.clone()))
            .exec_without_returning(db)
            .await?;
        let registration =
            Registration { signal_id: signal.id, bsn, contact: self.contact_point(&signal), start_on, end_on };
        queue(
            db,
            self.actor,
            self.meta,
            std::slice::from_ref(&permit),
            MessageKind::ReferenceIndexRegister,
            Some(signal.id),
            &registration,
        )
        .await?;
        self.log(db, child.id, AccessAction::Create).await?;
        Ok(signal)
    }

    fn contact_point(&self, s: &reference_index_signal::Model) -> ContactPoint {
        ContactPoint {
            organisation: self.organisation.name.clone(),
            name: s.contact_name.clone(),
            phone: s.contact_phone.clone(),
            email: s.contact_email.clone(),
        }
    }

    /// Withdraws a live signal and tells the Verwijsindex the reason code (never the note).
    pub async fn withdraw<C: ConnectionTrait>(
        &self,
        db: &C,
        signal: reference_index_signal::Model,
        subject: &ConsentSubject,
        reason: WithdrawalReason,
        note: Option<String>,
    ) -> AppResult<reference_index_signal::Model> {
        if !LIVE.contains(&signal.status) {
            return Err(AppError::Conflict(format!("the signal is {} already", signal.status.as_str().to_lowercase())));
        }
        let permit =
            permit(db, subject, self.partner, ConsentPurpose::ShareWithPartner, &[ConsentScope::Identity], Utc::now())
                .await?;
        let now = Utc::now();
        let mut a: reference_index_signal::ActiveModel = signal.into();
        a.status = Set(SignalStatus::Withdrawn);
        a.ended_at = Set(Some(now));
        a.withdrawal_reason = Set(Some(reason));
        a.withdrawal_note = Set(note);
        a.updated_at = Set(now);
        let saved = a.update(db).await?;
        let withdrawal = Withdrawal { signal_id: saved.id, reason: reason.into() };
        queue(
            db,
            self.actor,
            self.meta,
            std::slice::from_ref(&permit),
            MessageKind::ReferenceIndexWithdraw,
            Some(saved.id),
            &withdrawal,
        )
        .await?;
        self.log(db, saved.child_id, AccessAction::Update).await?;
        Ok(saved)
    }

    async fn log<C: ConnectionTrait>(&self, db: &C, child_id: Uuid, action: AccessAction) -> AppResult<()> {
        let event = AccessEvent {
            person_id: Some(child_id),
            action,
            area: AREA,
            ground: self.ground.clone(),
            organisation_id: None,
        };
        audit::append(db, self.actor, self.meta, &[event]).await
    }
}

/// The organisation's policy of registering every child with a BSN at admission
/// (Tussenvoorziening): queues a signal per such child, naming its responsible worker.
pub async fn register_at_admission<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    meta: &RequestMeta,
    ground: &crate::policy::Ground,
    children: &[(person::Model, Uuid)],
) -> AppResult<()> {
    if children.iter().all(|(c, _)| c.bsn.is_none()) {
        return Ok(());
    }
    let organisation = own_organisation(db, actor.organisation_id).await?;
    if !organisation.reference_index_register_at_admission {
        return Ok(());
    }
    let Some(partner) = partner_of(db, organisation.id).await? else {
        tracing::warn!("registering at admission is on, but there is no active Verwijsindex partner");
        return Ok(());
    };
    let registering =
        Registering { actor, meta, ground: ground.label(), organisation: &organisation, partner: &partner };
    for (child, worker_id) in children.iter().filter(|(c, _)| c.bsn.is_some()) {
        let worker = worker::Entity::find_by_id(*worker_id).one(db).await?.ok_or(AppError::NotFound("worker"))?;
        let (_, subject) = consent_subject(db, organisation.id, child.id).await?;
        let contact = Contact { worker, phone: None, email: None };
        registering.register(db, child, &subject, contact, None, None).await?;
    }
    Ok(())
}

/// The daily job: signals past their end date (two years, or the 23rd birthday) expire.
/// Returns how many did.
pub async fn expire_due<C: ConnectionTrait>(db: &C, today: NaiveDate) -> AppResult<usize> {
    let due = reference_index_signal::Entity::find()
        .filter(reference_index_signal::Column::Status.is_in(LIVE))
        .filter(reference_index_signal::Column::EndOn.lte(today))
        .all(db)
        .await?;
    let now = Utc::now();
    let meta = RequestMeta { request_id: format!("job-{}", Uuid::now_v7()), ..Default::default() };
    for s in &due {
        let mut a: reference_index_signal::ActiveModel = s.clone().into();
        a.status = Set(SignalStatus::Expired);
        a.ended_at = Set(Some(now));
        a.updated_at = Set(now);
        a.update(db).await?;
        let actor = system_principal(s.organisation_id, "job:reference-index-expiry", None);
        let event = AccessEvent {
            person_id: Some(s.child_id),
            action: AccessAction::Update,
            area: AREA,
            ground: "job:signal-end-date".into(),
            organisation_id: None,
        };
        audit::append(db, &actor, &meta, &[event]).await?;
    }
    Ok(due.len())
}

/// Applies a notice from the organisation's Verwijsindex partner, in the inbox transaction.
pub async fn apply<C: ConnectionTrait>(
    db: &C,
    partner: &chain_partner::Model,
    message_id: &str,
    notice: Notice,
) -> AppResult<()> {
    let signal_id = match &notice {
        Notice::Registered { signal_id, .. }
        | Notice::Match { signal_id, .. }
        | Notice::FamilyMatch { signal_id, .. } => *signal_id,
    };
    let signal = reference_index_signal::Entity::find_by_id(signal_id)
        .filter(reference_index_signal::Column::OrganisationId.eq(partner.organisation_id))
        .filter(reference_index_signal::Column::PartnerId.eq(partner.id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("signalId", "no such signal of ours"))?;
    let now = Utc::now();
    let (kind, other, matched_on) = match notice {
        Notice::Registered { message_id: acknowledged, .. } => {
            outbox::acknowledge(db, partner, acknowledged).await?;
            if signal.status == SignalStatus::Requested {
                let mut a: reference_index_signal::ActiveModel = signal.clone().into();
                a.status = Set(SignalStatus::Registered);
                a.registered_at = Set(Some(now));
                a.updated_at = Set(now);
                a.update(db).await?;
            }
            return Ok(());
        }
        Notice::Match { other, matched_on, .. } => (MatchKind::Match, other, matched_on),
        Notice::FamilyMatch { other, matched_on, .. } => (MatchKind::FamilyMatch, other, matched_on),
    };
    reference_index_match::ActiveModel::from(reference_index_match::Model {
        id: Uuid::now_v7(),
        organisation_id: signal.organisation_id,
        signal_id: signal.id,
        child_id: signal.child_id,
        kind,
        other_organisation: other.organisation,
        other_contact_name: other.name,
        other_contact_phone: other.phone,
        other_contact_email: other.email,
        matched_on,
        created_at: now,
    })
    .insert(db)
    .await?;
    let actor = system_principal(signal.organisation_id, &format!("partner:{}", partner.slug), Some(&partner.slug));
    let meta = RequestMeta { request_id: format!("inbox-{message_id}"), ..Default::default() };
    let event = AccessEvent {
        person_id: Some(signal.child_id),
        action: AccessAction::Create,
        area: AREA,
        ground: format!("partner-message:{message_id}").into(),
        organisation_id: None,
    };
    audit::append(db, &actor, &meta, &[event]).await
}

/// Registering a signal for a child (BSN required).
#[derive(Debug, Clone)]
pub struct RegisterSignal {
    pub child_id: Uuid,
    /// The contact worker; the actor's worker when left out.
    pub contact_worker_id: Option<Uuid>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub start_on: Option<NaiveDate>,
    pub end_on: Option<NaiveDate>,
}

/// Registers a signal for the child in the Verwijsindex. Only the fact of involvement and how
/// to reach us is sent.
pub async fn register_signal(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RegisterSignal,
) -> AppResult<reference_index_signal::Model> {
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let org = own_organisation(txn, w.organisation_id()).await?;
    let partner = partner_of(txn, org.id)
        .await?
        .ok_or_else(|| AppError::Conflict("the organisation has no active Verwijsindex partner".into()))?;
    let worker_id = match cmd.contact_worker_id {
        Some(id) => id,
        None => w.worker_id().ok_or_else(|| AppError::invalid("input.contactWorkerId", "name the contact worker"))?,
    };
    let worker = worker::Entity::find_by_id(worker_id)
        .filter(worker::Column::OrganisationId.eq(org.id))
        .filter(worker::Column::Active.eq(true))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::invalid("input.contactWorkerId", "no such active worker"))?;
    let (child, subject) = consent_subject(txn, org.id, w.child_id).await?;
    let contact = Contact { worker, phone: cmd.contact_phone, email: cmd.contact_email };
    registering(&w, &org, &partner).register(txn, &child, &subject, contact, cmd.start_on, cmd.end_on).await
}

/// Withdraws a signal; the Verwijsindex gets the reason code only, the note stays here.
pub async fn withdraw_signal(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    id: Uuid,
    reason: WithdrawalReason,
    note: Option<String>,
) -> AppResult<reference_index_signal::Model> {
    let (w, signal) = signal_for_write(actor, txn, id).await?;
    let org = own_organisation(txn, w.organisation_id()).await?;
    let partner = partner_in_org(txn, org.id, signal.partner_id).await?;
    let (_, subject) = consent_subject(txn, org.id, w.child_id).await?;
    registering(&w, &org, &partner).withdraw(txn, signal, &subject, reason, note).await
}

/// Records that the parent (and the child from 12) were told of the registration, by the actor.
pub async fn record_informed(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    id: Uuid,
    parent_informed_on: Option<NaiveDate>,
    child_informed_on: Option<NaiveDate>,
) -> AppResult<reference_index_signal::Model> {
    let (w, signal) = signal_for_write(actor, txn, id).await?;
    let today = Utc::now().date_naive();
    if parent_informed_on.is_none() && child_informed_on.is_none() {
        return Err(AppError::invalid("input.parentInformedOn", "give when the parent or the child was informed"));
    }
    for (date, field) in [(parent_informed_on, "input.parentInformedOn"), (child_informed_on, "input.childInformedOn")]
    {
        if date.is_some_and(|d| d > today || d < signal.created_at.date_naive()) {
            return Err(AppError::invalid(field, "between the registration and today"));
        }
    }
    if let Some(d) = child_informed_on {
        let (child, _) = consent_subject(txn, w.organisation_id(), w.child_id).await?;
        if age_on(child.date_of_birth, d) < 12 {
            return Err(AppError::invalid(
                "input.childInformedOn",
                "a child is informed from 12; the parent is informed for a younger child",
            ));
        }
    }
    let mut a: reference_index_signal::ActiveModel = signal.into();
    if let Some(d) = parent_informed_on {
        a.parent_informed_on = Set(Some(d));
        a.parent_informed_by_worker_id = Set(w.worker_id());
    }
    if let Some(d) = child_informed_on {
        a.child_informed_on = Set(Some(d));
        a.child_informed_by_worker_id = Set(w.worker_id());
    }
    a.updated_at = Set(Utc::now());
    let saved = a.update(txn).await?;
    w.log(AccessAction::Update, AREA).await?;
    Ok(saved)
}

/// The organisation's Verwijsindex practice.
#[derive(Debug, Clone)]
pub struct SetPolicy {
    pub register_at_admission: bool,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

/// Sets the organisation's Verwijsindex practice (admin or team lead). Registering at admission
/// needs an active Verwijsindex partner.
pub async fn set_policy(actor: Actor<'_>, txn: &DatabaseTransaction, cmd: SetPolicy) -> AppResult<organisation::Model> {
    let p = actor.principal;
    policy::manage_partners(p)?;
    if cmd.register_at_admission && partner_of(txn, p.organisation_id).await?.is_none() {
        return Err(AppError::invalid("input.registerAtAdmission", "register an active Verwijsindex partner first"));
    }
    let mut a: organisation::ActiveModel = own_organisation(txn, p.organisation_id).await?.into();
    a.reference_index_register_at_admission = Set(cmd.register_at_admission);
    a.reference_index_contact_phone = Set(cmd.contact_phone.filter(|s| !s.trim().is_empty()));
    a.reference_index_contact_email = Set(cmd.contact_email.filter(|s| !s.trim().is_empty()));
    a.updated_at = Set(Utc::now());
    Ok(a.update(txn).await?)
}

/// A signal of the actor's organisation, with a write opened on its child.
async fn signal_for_write<'a>(
    actor: Actor<'a>,
    txn: &'a DatabaseTransaction,
    id: Uuid,
) -> AppResult<(RecordWrite<'a>, reference_index_signal::Model)> {
    // Locked, so that simultaneous changes of one signal (two withdrawals) run one after the
    // other and the second sees the first: one withdrawal goes to the Verwijsindex.
    let found = reference_index_signal::Entity::find_by_id(id)
        .filter(reference_index_signal::Column::OrganisationId.eq(actor.principal.organisation_id))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("signal"))?;
    let w = RecordWrite::begin(actor, txn, found.child_id).await?;
    Ok((w, found))
}

fn registering<'a>(
    w: &'a RecordWrite<'a>,
    organisation: &'a organisation::Model,
    partner: &'a chain_partner::Model,
) -> Registering<'a> {
    Registering { actor: w.actor.principal, meta: w.actor.meta, ground: w.ground.label(), organisation, partner }
}
