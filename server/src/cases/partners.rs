//! Working with chain partners: the sharing gate every outbound message passes, and what the
//! other partner use cases share (the consent subject, the system principal for inbound work).

use crate::{
    audit::{self, AccessEvent, RequestMeta},
    auth::Principal,
    domain::consent::{ConsentRecord, ConsentSubject, Permit, SharePartner, may_share},
    error::{AppError, AppResult},
};
use chrono::{DateTime, Utc};
use entities::{
    AccessAction, ConsentPurpose, ConsentScope, MessageKind, chain_partner, consent, custody, list_from_json,
    organisation, outbox_message, person,
};
use integrations::outbox::{self, NewMessage};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// The principal's own organisation row (settings such as the Verwijsindex policy).
pub async fn own_organisation<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<organisation::Model> {
    organisation::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound("organisation"))
}

/// One of the organisation's chain partners (NOT_FOUND otherwise).
pub async fn partner_in_org<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    id: Uuid,
) -> AppResult<chain_partner::Model> {
    chain_partner::Entity::find_by_id(id)
        .filter(chain_partner::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("chain partner"))
}

/// A partner named in an input `field`: one of the organisation's, or a field error.
pub async fn input_partner<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    id: Uuid,
    field: &str,
) -> AppResult<chain_partner::Model> {
    match partner_in_org(db, organisation_id, id).await {
        Err(AppError::NotFound(_)) => Err(AppError::invalid(field, "no such partner")),
        other => other,
    }
}

/// The child of `organisation_id` with the persons who have custody.
pub async fn consent_subject<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    child_id: Uuid,
) -> AppResult<(person::Model, ConsentSubject)> {
    let child = person::Entity::find_by_id(child_id)
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("child"))?;
    let custodians = custody::Entity::find().filter(custody::Column::ChildId.eq(child_id)).all(db).await?;
    let subject = ConsentSubject {
        child_id,
        date_of_birth: child.date_of_birth,
        custodians: custodians.into_iter().map(|c| c.custodian_id).collect(),
    };
    Ok((child, subject))
}

pub fn consent_record(c: &consent::Model) -> ConsentRecord {
    ConsentRecord {
        id: c.id,
        purpose: c.purpose,
        partner_id: c.partner_id,
        partner_kind: c.partner_kind,
        scope: list_from_json(&c.scope),
        decision: c.decision,
        decided_by: serde_json::from_value(c.given_by.clone()).unwrap_or_default(),
        decided_on: c.decided_on,
        valid_until: c.valid_until,
        withdrawn_at: c.withdrawn_at,
    }
}

/// Asks the gate whether `parts` of the child's record may go to `partner` now; a refusal
/// is FORBIDDEN with the reason.
pub async fn permit<C: ConnectionTrait>(
    db: &C,
    subject: &ConsentSubject,
    partner: &chain_partner::Model,
    purpose: ConsentPurpose,
    parts: &[ConsentScope],
    at: DateTime<Utc>,
) -> AppResult<Permit> {
    let records = consent_records(db, subject.child_id).await?;
    permit_from(&records, subject, partner, purpose, parts, at)
}

/// The child's consent records in the order they were made.
pub async fn consent_records<C: ConnectionTrait>(db: &C, child_id: Uuid) -> AppResult<Vec<ConsentRecord>> {
    let consents = consent::Entity::find()
        .filter(consent::Column::ChildId.eq(child_id))
        .order_by_asc(consent::Column::Id)
        .all(db)
        .await?;
    Ok(consents.iter().map(consent_record).collect())
}

/// [`permit`] over consent records already loaded (several questions about one child).
pub fn permit_from(
    records: &[ConsentRecord],
    subject: &ConsentSubject,
    partner: &chain_partner::Model,
    purpose: ConsentPurpose,
    parts: &[ConsentScope],
    at: DateTime<Utc>,
) -> AppResult<Permit> {
    may_share(subject, SharePartner { id: partner.id, kind: partner.kind }, purpose, parts, at, records)
        .map_err(|r| AppError::Forbidden(format!("{} ({})", r.reason, r.part.as_str())))
}

/// Queues a message under the permits for the children it concerns, in the caller's
/// transaction, and logs the share (an export of each part, on its ground) in the access log.
pub async fn queue<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    meta: &RequestMeta,
    permits: &[Permit],
    kind: MessageKind,
    subject_id: Option<Uuid>,
    payload: &impl serde::Serialize,
) -> AppResult<outbox_message::Model> {
    let first = permits.first().ok_or_else(|| AppError::internal(anyhow::anyhow!("a message without a permit")))?;
    let events: Vec<AccessEvent> = permits
        .iter()
        .flat_map(|permit| {
            permit.grounds.iter().map(|(part, ground)| AccessEvent {
                person_id: Some(permit.child_id),
                action: AccessAction::Export,
                area: part.as_str(),
                ground: ground.label().into(),
                organisation_id: None,
            })
        })
        .collect();
    audit::append(db, actor, meta, &events).await?;
    let mut grounds: Vec<String> = permits.iter().map(Permit::label).collect();
    grounds.dedup();
    let message = NewMessage {
        organisation_id: actor.organisation_id,
        partner_id: first.partner_id,
        child_id: Some(first.child_id),
        subject_id,
        kind,
        payload: serde_json::to_string(payload).map_err(AppError::internal)?,
        ground: grounds.join(","),
    };
    Ok(outbox::enqueue(db, Uuid::now_v7(), message).await?)
}

/// The actor recorded for what a partner's message or a scheduled job changes.
pub fn system_principal(organisation_id: Uuid, actor: &str, partner: Option<&str>) -> Principal {
    Principal {
        subject: actor.into(),
        organisation_id,
        organisation_slug: String::new(),
        worker_id: None,
        roles: vec![],
        partner: partner.map(str::to_string),
        municipality: None,
    }
}
