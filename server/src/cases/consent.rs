//! Consent (toestemming): recorded decisions of the child and the custodial parents, their
//! withdrawal, and the audited override when sharing is needed without consent.

use super::{
    Actor,
    partners::{consent_subject, input_partner},
    records::{RecordWrite, check},
};
use crate::{
    audit::{self, AccessEvent},
    error::{AppError, AppResult, Violation},
    policy,
};
use chrono::{Days, NaiveDate, Utc};
use entities::{AccessAction, ConsentDecision, ConsentPurpose, ConsentScope, PartnerKind, consent, list_to_json};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

/// An override is for the sharing at hand: it lapses after this many days unless shorter.
const OVERRIDE_DAYS: u64 = 14;
const AREA: &str = "consent";

/// A decision on sharing parts of the child's record, given or refused.
#[derive(Debug, Clone)]
pub struct RecordConsent {
    pub child_id: Uuid,
    pub purpose: ConsentPurpose,
    /// One partner; or none, and `partner_kind` for every partner of a kind.
    pub partner_id: Option<Uuid>,
    pub partner_kind: Option<PartnerKind>,
    pub scope: Vec<ConsentScope>,
    /// Given or refused; an override is recorded with [`override_consent`].
    pub decision: ConsentDecision,
    /// Who decided: under 12 the custodial parents, 12–15 the child and the custodial parents,
    /// from 16 the child (WGBO).
    pub decided_by: Vec<Uuid>,
    /// Today when left out.
    pub decided_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Records consent given or refused. Who must decide follows the WGBO ages; the error names who
/// is missing.
pub async fn record_consent(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordConsent,
) -> AppResult<consent::Model> {
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let today = Utc::now().date_naive();
    let mut v = Vec::new();
    if cmd.decision == ConsentDecision::Override {
        v.push(Violation::new("input.decision", "an override is recorded with overrideConsent"));
    }
    check_target(cmd.purpose, cmd.partner_id, cmd.partner_kind, &cmd.scope, &mut v);
    let decided_on = cmd.decided_on.unwrap_or(today);
    if decided_on > today {
        v.push(Violation::new("input.decidedOn", "this date lies in the future"));
    }
    if cmd.valid_until.is_some_and(|u| u < decided_on) {
        v.push(Violation::new("input.validUntil", "must not lie before the decision"));
    }
    check(v)?;
    let (_, subject) = consent_subject(txn, w.organisation_id(), w.child_id).await?;
    let deciders = match cmd.decision {
        ConsentDecision::Refused => subject.check_refusers(&cmd.decided_by, decided_on),
        _ => subject.check_deciders(&cmd.decided_by, decided_on),
    };
    deciders.map_err(|m| AppError::invalid("input.decidedBy", m))?;
    if let Some(id) = cmd.partner_id {
        input_partner(txn, w.organisation_id(), id, "input.partnerId").await?;
    }
    let row = consent::Model {
        id: Uuid::now_v7(),
        organisation_id: w.organisation_id(),
        child_id: w.child_id,
        purpose: cmd.purpose,
        partner_id: cmd.partner_id,
        partner_kind: cmd.partner_kind,
        scope: list_to_json(&dedup(cmd.scope)),
        decision: cmd.decision,
        given_by: serde_json::to_value(&cmd.decided_by).map_err(AppError::internal)?,
        reason: cmd.note,
        decided_on,
        valid_until: cmd.valid_until,
        withdrawn_at: None,
        withdrawal_reason: None,
        recorded_by_worker_id: w.worker_id(),
        created_at: Utc::now(),
    };
    let saved = consent::ActiveModel::from(row).insert(txn).await?;
    w.log(AccessAction::Create, AREA).await?;
    Ok(saved)
}

/// Records that consent was withdrawn; from then on it carries no share.
pub async fn withdraw_consent(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    id: Uuid,
    reason: &str,
) -> AppResult<consent::Model> {
    if reason.trim().is_empty() {
        return Err(AppError::invalid("input.reason", "say why consent was withdrawn"));
    }
    // Locked, so that of two simultaneous withdrawals the second sees the first.
    let found = consent::Entity::find_by_id(id)
        .filter(consent::Column::OrganisationId.eq(actor.principal.organisation_id))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("consent"))?;
    if found.decision != ConsentDecision::Given || found.withdrawn_at.is_some() {
        return Err(AppError::Conflict("only consent given and not yet withdrawn can be withdrawn".into()));
    }
    let w = RecordWrite::begin(actor, txn, found.child_id).await?;
    let mut a: consent::ActiveModel = found.into();
    a.withdrawn_at = Set(Some(Utc::now()));
    a.withdrawal_reason = Set(Some(reason.trim().into()));
    let saved = a.update(txn).await?;
    w.log(AccessAction::Update, AREA).await?;
    Ok(saved)
}

/// Sharing without consent on a legal ground (doorbreken van het beroepsgeheim).
#[derive(Debug, Clone)]
pub struct OverrideConsent {
    pub child_id: Uuid,
    pub purpose: ConsentPurpose,
    /// The partner shared with; none for the child's support.
    pub partner_id: Option<Uuid>,
    pub scope: Vec<ConsentScope>,
    /// The legal ground and why sharing (or the child's support) cannot wait for consent; kept
    /// in the record and the access log.
    pub reason: String,
    /// At most (and by default) 14 days from today.
    pub valid_until: Option<NaiveDate>,
}

/// A team lead or the behavioural expert records the reason; it is in the access log and
/// lapses within 14 days.
pub async fn override_consent(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: OverrideConsent,
) -> AppResult<consent::Model> {
    let p = actor.principal;
    let ground = policy::override_consent(p)?;
    let today = Utc::now().date_naive();
    let latest = today + Days::new(OVERRIDE_DAYS);
    let mut v = Vec::new();
    check_target(cmd.purpose, cmd.partner_id, None, &cmd.scope, &mut v);
    if cmd.reason.trim().len() < 20 {
        v.push(Violation::new("input.reason", "state the legal ground and why sharing cannot wait for consent"));
    }
    let valid_until = cmd.valid_until.unwrap_or(latest);
    if valid_until < today || valid_until > latest {
        v.push(Violation::new("input.validUntil", format!("an override runs from today to at most {latest}")));
    }
    check(v)?;
    consent_subject(txn, p.organisation_id, cmd.child_id).await?;
    if let Some(id) = cmd.partner_id {
        input_partner(txn, p.organisation_id, id, "input.partnerId").await?;
    }
    let row = consent::Model {
        id: Uuid::now_v7(),
        organisation_id: p.organisation_id,
        child_id: cmd.child_id,
        purpose: cmd.purpose,
        partner_id: cmd.partner_id,
        partner_kind: None,
        scope: list_to_json(&dedup(cmd.scope)),
        decision: ConsentDecision::Override,
        given_by: serde_json::json!([]),
        reason: Some(cmd.reason.trim().into()),
        decided_on: today,
        valid_until: Some(valid_until),
        withdrawn_at: None,
        withdrawal_reason: None,
        recorded_by_worker_id: p.worker_id,
        created_at: Utc::now(),
    };
    let saved = consent::ActiveModel::from(row).insert(txn).await?;
    let event = AccessEvent {
        person_id: Some(cmd.child_id),
        action: AccessAction::Create,
        area: "consent-override",
        ground: ground.label(),
        organisation_id: None,
    };
    audit::append(txn, p, actor.meta, &[event]).await?;
    Ok(saved)
}

/// Checks the target (one partner or a kind of partner) and the scope of a share; consent to
/// the child's support names neither.
fn check_target(
    purpose: ConsentPurpose,
    partner: Option<Uuid>,
    kind: Option<PartnerKind>,
    scope: &[ConsentScope],
    v: &mut Vec<Violation>,
) {
    if purpose == ConsentPurpose::ChildSupport {
        if partner.is_some() || kind.is_some() {
            v.push(Violation::new("input.partnerId", "consent to the child's support names no partner"));
        }
        if !scope.is_empty() {
            v.push(Violation::new(
                "input.scope",
                "consent to the child's support covers the support, not parts of the record",
            ));
        }
        return;
    }
    if partner.is_some() == kind.is_some() {
        v.push(Violation::new("input.partnerId", "give either a partner or a kind of partner"));
    }
    if scope.is_empty() {
        v.push(Violation::new("input.scope", "name at least one part of the record"));
    }
}

fn dedup(scope: Vec<ConsentScope>) -> Vec<ConsentScope> {
    let mut out: Vec<ConsentScope> = Vec::with_capacity(scope.len());
    for s in scope {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}
