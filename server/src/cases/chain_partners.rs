//! Ketenpartners: registering the organisation's chain partners and how messages are exchanged
//! with them, and sending a failed message again.

use super::{
    Actor,
    records::{check, non_empty},
};
use crate::{
    error::{AppError, AppResult, Violation},
    policy,
};
use chrono::Utc;
use entities::{ContactPerson, PartnerAdapter, PartnerKind, chain_partner, outbox_message};
use integrations::{egress::EgressPolicy, outbox, secrets::SecretBox};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Unchanged, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};
use uuid::Uuid;

/// How messages go to a partner; on a change, fields left `None` stay as they are.
#[derive(Debug, Clone, Default)]
pub struct PartnerSettings {
    pub adapter: Option<PartnerAdapter>,
    /// A blank URL or client id clears it.
    pub endpoint_url: Option<String>,
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    /// Stored sealed; never read back.
    pub client_secret: Option<String>,
    /// Stored sealed; at least 16 characters.
    pub signing_secret: Option<String>,
    pub contact_persons: Option<Vec<ContactPerson>>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct RegisterPartner {
    /// Short name, unique in the organisation: lowercase letters, digits and dashes.
    pub slug: String,
    pub name: String,
    pub kind: PartnerKind,
    pub settings: PartnerSettings,
}

#[derive(Debug, Clone)]
pub struct ChangePartner {
    pub id: Uuid,
    pub name: Option<String>,
    pub kind: Option<PartnerKind>,
    pub settings: PartnerSettings,
}

pub async fn register_partner(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    secrets: &SecretBox,
    egress: &EgressPolicy,
    cmd: RegisterPartner,
) -> AppResult<chain_partner::Model> {
    let p = actor.principal;
    policy::manage_partners(p)?;
    let now = Utc::now();
    let mut v = Vec::new();
    if !crate::domain::is_slug(&cmd.slug) {
        v.push(Violation::new("input.slug", "2–60 lowercase letters, digits or dashes"));
    }
    let mut model = chain_partner::Model {
        id: Uuid::now_v7(),
        organisation_id: p.organisation_id,
        slug: cmd.slug,
        name: cmd.name.trim().into(),
        kind: cmd.kind,
        adapter: PartnerAdapter::None,
        endpoint_url: None,
        token_url: None,
        client_id: None,
        client_secret_sealed: None,
        signing_secret_sealed: None,
        contact_persons: serde_json::json!([]),
        active: true,
        agreement_signed_on: None,
        agreement_valid_until: None,
        created_at: now,
        updated_at: now,
    };
    apply(&mut model, cmd.settings, secrets, &mut v)?;
    check_addresses(&model, egress, &mut v).await;
    check(v)?;
    // The unique index decides, also between simultaneous requests for one slug.
    let inserted = chain_partner::Entity::insert(chain_partner::ActiveModel::from(model.clone()))
        .on_conflict(
            OnConflict::columns([chain_partner::Column::OrganisationId, chain_partner::Column::Slug])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    if inserted == 0 {
        return Err(AppError::invalid("input.slug", "another partner has this slug"));
    }
    Ok(model)
}

/// Changes a partner; secrets given replace the stored ones.
pub async fn change_partner(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    secrets: &SecretBox,
    egress: &EgressPolicy,
    cmd: ChangePartner,
) -> AppResult<chain_partner::Model> {
    let p = actor.principal;
    policy::manage_partners(p)?;
    let mut m = super::partners::partner_in_org(txn, p.organisation_id, cmd.id).await?;
    if let Some(n) = cmd.name {
        m.name = n.trim().into();
    }
    m.kind = cmd.kind.unwrap_or(m.kind);
    m.updated_at = Utc::now();
    let mut v = Vec::new();
    apply(&mut m, cmd.settings, secrets, &mut v)?;
    check_addresses(&m, egress, &mut v).await;
    check(v)?;
    let mut a = chain_partner::ActiveModel::from(m.clone()).reset_all();
    a.id = Unchanged(m.id);
    a.update(txn).await?;
    Ok(m)
}

/// Puts a failed or dead message back in the queue, attempts counted from zero.
pub async fn retry_message(actor: Actor<'_>, txn: &DatabaseTransaction, id: Uuid) -> AppResult<outbox_message::Model> {
    let p = actor.principal;
    policy::retry_partner_message(p)?;
    let find = || {
        outbox_message::Entity::find_by_id(id)
            .filter(outbox_message::Column::OrganisationId.eq(p.organisation_id))
            .one(txn)
    };
    let found = find().await?.ok_or(AppError::NotFound("partner message"))?;
    if !outbox::retry(txn, &found).await? {
        return Err(AppError::Conflict(format!(
            "only failed or dead messages are retried; this one is {}",
            found.status.as_str()
        )));
    }
    find().await?.ok_or(AppError::NotFound("partner message"))
}

/// Applies `s` to the partner as it will be stored and checks the result.
fn apply(
    m: &mut chain_partner::Model,
    s: PartnerSettings,
    secrets: &SecretBox,
    v: &mut Vec<Violation>,
) -> AppResult<()> {
    m.adapter = s.adapter.unwrap_or(m.adapter);
    if s.endpoint_url.is_some() {
        m.endpoint_url = non_empty(s.endpoint_url);
    }
    if s.token_url.is_some() {
        m.token_url = non_empty(s.token_url);
    }
    if s.client_id.is_some() {
        m.client_id = non_empty(s.client_id);
    }
    if let Some(secret) = &s.client_secret {
        m.client_secret_sealed = Some(secrets.seal(secret));
    }
    if let Some(secret) = &s.signing_secret {
        m.signing_secret_sealed = Some(secrets.seal(secret));
    }
    if let Some(c) = s.contact_persons {
        m.contact_persons = serde_json::to_value(c).map_err(AppError::internal)?;
    }
    m.active = s.active.unwrap_or(m.active);
    check_partner(m, s.signing_secret.as_deref(), v);
    Ok(())
}

/// Checks a partner as it will be stored; `fresh_signing` is a signing secret given now.
fn check_partner(p: &chain_partner::Model, fresh_signing: Option<&str>, v: &mut Vec<Violation>) {
    if p.name.trim().is_empty() {
        v.push(Violation::new("input.name", "a name is required"));
    }
    check_url(&p.endpoint_url, "input.endpointUrl", v);
    check_url(&p.token_url, "input.tokenUrl", v);
    if p.token_url.is_some() != p.client_id.is_some() {
        v.push(Violation::new("input.clientId", "a token URL and a client id go together"));
    }
    if p.client_id.is_some() && p.client_secret_sealed.is_none() {
        v.push(Violation::new("input.clientSecret", "a client id needs its client secret"));
    }
    if fresh_signing.is_some_and(|s| s.len() < 16) {
        v.push(Violation::new("input.signingSecret", "use at least 16 characters"));
    }
    if p.adapter == PartnerAdapter::Verwijsindex && p.kind != PartnerKind::Verwijsindex {
        v.push(Violation::new("input.adapter", "the Verwijsindex adapter is for a partner of kind VERWIJSINDEX"));
    }
    if p.adapter != PartnerAdapter::None {
        if p.endpoint_url.is_none() {
            v.push(Violation::new("input.endpointUrl", "an adapter needs the partner's endpoint"));
        }
        if p.signing_secret_sealed.is_none() {
            v.push(Violation::new("input.signingSecret", "an adapter needs a signing secret"));
        }
    }
}

/// The partner's URLs must not point into the deployment's own network (SSRF), judged now
/// by their addresses as resolved; the delivery worker judges them again when connecting.
async fn check_addresses(p: &chain_partner::Model, egress: &EgressPolicy, v: &mut Vec<Violation>) {
    for (url, field) in [(&p.endpoint_url, "input.endpointUrl"), (&p.token_url, "input.tokenUrl")] {
        let Some(url) = url.as_deref().and_then(|u| reqwest::Url::parse(u).ok()) else { continue };
        if let Err(why) = egress.check_url_resolved(&url).await {
            v.push(Violation::new(field, format!("not a partner address: {why}")));
        }
    }
}

fn check_url(url: &Option<String>, field: &str, v: &mut Vec<Violation>) {
    if let Some(u) = url
        && !reqwest::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
    {
        v.push(Violation::new(field, "an http(s) URL is expected"));
    }
}
