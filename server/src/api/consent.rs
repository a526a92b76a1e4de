//! Consent (toestemming): recorded decisions of the child and the custodial parents, their
//! withdrawal, and the audited override when sharing is needed without consent.

use super::{
    context::ContextExt,
    ids,
    method::{RecordWrite, check, decode_into, read_records, recorded_by},
    organisation::Worker,
    partners::{ChainPartner, input_partner},
    scalars::Date,
};
use crate::{
    audit::{self, AccessEvent},
    error::{AppError, AppResult, Violation},
    cases::partners::consent_subject,
    policy,
};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Days, NaiveDate, Utc};
use entities::{AccessAction, ConsentDecision, ConsentPurpose, ConsentScope, PartnerKind, consent, list_from_json, list_to_json};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

crate::child_records_loader!(
    /// The consent records of a child.
    ConsentsOf,
    consent
);

/// An override is for the sharing at hand: it lapses after this many days unless shorter.
const OVERRIDE_DAYS: u64 = 14;
const AREA: &str = "consent";

/// Toestemming: a decision on sharing parts of the child's record.
pub struct Consent(consent::Model);

#[Object]
impl Consent {
    async fn id(&self) -> ID {
        ids::encode("Consent", self.0.id)
    }
    async fn purpose(&self) -> ConsentPurpose {
        self.0.purpose
    }
    /// The one partner it concerns, if not a kind of partner.
    async fn partner(&self, ctx: &Context<'_>) -> AppResult<Option<ChainPartner>> {
        match self.0.partner_id {
            Some(id) => Ok(Some(ChainPartner::load(ctx, id).await?)),
            None => Ok(None),
        }
    }
    /// Every partner of this kind.
    async fn partner_kind(&self) -> Option<PartnerKind> {
        self.0.partner_kind
    }
    async fn scope(&self) -> Vec<ConsentScope> {
        list_from_json(&self.0.scope)
    }
    async fn decision(&self) -> ConsentDecision {
        self.0.decision
    }
    /// The persons who decided (the child and/or the custodial parents).
    async fn decided_by(&self) -> Vec<ID> {
        serde_json::from_value::<Vec<Uuid>>(self.0.given_by.clone()).unwrap_or_default().into_iter().map(|p| ids::encode("Person", p)).collect()
    }
    /// Why an override was needed, or what was said with a refusal.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    async fn decided_on(&self) -> Date {
        Date(self.0.decided_on)
    }
    async fn valid_until(&self) -> Option<Date> {
        self.0.valid_until.map(Date)
    }
    async fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
        self.0.withdrawn_at
    }
    async fn withdrawal_reason(&self) -> Option<&str> {
        self.0.withdrawal_reason.as_deref()
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

pub async fn consents_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Vec<Consent>> {
    read_records(ctx, child_id, AREA)?;
    Ok(ctx.loader().load_one(ConsentsOf(child_id)).await?.unwrap_or_default().into_iter().map(Consent).collect())
}

/// The decision to record: given or refused (an override has its own mutation).
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum ConsentChoice {
    Given,
    Refused,
}

#[derive(InputObject)]
pub struct RecordConsentInput {
    pub child_id: ID,
    pub purpose: ConsentPurpose,
    /// One partner; or leave out and give `partnerKind` for every partner of a kind.
    pub partner_id: Option<ID>,
    pub partner_kind: Option<PartnerKind>,
    pub scope: Vec<ConsentScope>,
    pub decision: ConsentChoice,
    /// Person ids of who decided: under 12 the custodial parents, 12–15 the child and the
    /// custodial parents, from 16 the child (WGBO).
    pub decided_by: Vec<ID>,
    /// Defaults to today.
    pub decided_on: Option<Date>,
    pub valid_until: Option<Date>,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct WithdrawConsentInput {
    pub id: ID,
    pub reason: String,
}

#[derive(InputObject)]
pub struct OverrideConsentInput {
    pub child_id: ID,
    pub purpose: ConsentPurpose,
    pub partner_id: ID,
    pub scope: Vec<ConsentScope>,
    /// The legal ground and why sharing cannot wait for consent; kept in the record and the access log.
    pub reason: String,
    /// At most (and by default) 14 days.
    pub valid_until: Option<Date>,
}

/// Validates the target (partner or kind) and scope shared by consent inputs.
fn check_target(partner: &Option<ID>, kind: Option<PartnerKind>, scope: &[ConsentScope], v: &mut Vec<Violation>) -> Option<Uuid> {
    let partner_id = partner.as_ref().and_then(|id| decode_into(id, "ChainPartner", "input.partnerId", v));
    if partner.is_some() == kind.is_some() {
        v.push(Violation::new("input.partnerId", "give either a partner or a kind of partner"));
    }
    if scope.is_empty() {
        v.push(Violation::new("input.scope", "name at least one part of the record"));
    }
    partner_id
}

fn check_dates(decided_on: NaiveDate, valid_until: Option<NaiveDate>, today: NaiveDate, v: &mut Vec<Violation>) {
    if decided_on > today {
        v.push(Violation::new("input.decidedOn", "this date lies in the future"));
    }
    if valid_until.is_some_and(|u| u < decided_on) {
        v.push(Violation::new("input.validUntil", "must not lie before the decision"));
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

#[derive(Default)]
pub struct ConsentMutation;

#[Object]
impl ConsentMutation {
    /// Records consent given or refused. Who must decide follows the WGBO ages; the error
    /// names who is missing.
    async fn record_consent(&self, ctx: &Context<'_>, input: RecordConsentInput) -> AppResult<Consent> {
        let w = RecordWrite::begin(ctx, &input.child_id, "input.childId").await?;
        let today = Utc::now().date_naive();
        let mut v = Vec::new();
        let partner_id = check_target(&input.partner_id, input.partner_kind, &input.scope, &mut v);
        let decided_by: Vec<Uuid> = input
            .decided_by
            .iter()
            .enumerate()
            .filter_map(|(i, id)| decode_into(id, "Person", &format!("input.decidedBy[{i}]"), &mut v))
            .collect();
        let decided_on = input.decided_on.map_or(today, |d| d.0);
        let valid_until = input.valid_until.map(|d| d.0);
        check_dates(decided_on, valid_until, today, &mut v);
        check(v)?;
        let (_, subject) = consent_subject(&w.txn, w.principal.organisation_id, w.child_id).await?;
        subject.check_deciders(&decided_by, decided_on).map_err(|m| AppError::invalid("input.decidedBy", m))?;
        if let Some(id) = partner_id {
            input_partner(&w.txn, w.principal.organisation_id, id, "input.partnerId").await?;
        }
        let row = consent::Model {
            id: Uuid::now_v7(),
            organisation_id: w.principal.organisation_id,
            child_id: w.child_id,
            purpose: input.purpose,
            partner_id,
            partner_kind: input.partner_kind,
            scope: list_to_json(&dedup(input.scope)),
            decision: match input.decision {
                ConsentChoice::Given => ConsentDecision::Given,
                ConsentChoice::Refused => ConsentDecision::Refused,
            },
            given_by: serde_json::to_value(&decided_by).map_err(AppError::internal)?,
            reason: input.note,
            decided_on,
            valid_until,
            withdrawn_at: None,
            withdrawal_reason: None,
            recorded_by_worker_id: w.worker_id(),
            created_at: Utc::now(),
        };
        let saved = consent::ActiveModel::from(row).insert(&w.txn).await?;
        w.commit(ctx, AccessAction::Create, AREA).await?;
        Ok(Consent(saved))
    }

    /// Records that consent was withdrawn; from now on it carries no share.
    async fn withdraw_consent(&self, ctx: &Context<'_>, input: WithdrawConsentInput) -> AppResult<Consent> {
        let id = ids::decode(&input.id, "Consent", "input.id")?;
        if input.reason.trim().is_empty() {
            return Err(AppError::invalid("input.reason", "say why consent was withdrawn"));
        }
        let org = ctx.principal()?.organisation_id;
        let found = consent::Entity::find_by_id(id)
            .filter(consent::Column::OrganisationId.eq(org))
            .one(ctx.db())
            .await?
            .ok_or(AppError::NotFound("consent"))?;
        if found.decision != ConsentDecision::Given || found.withdrawn_at.is_some() {
            return Err(AppError::Conflict("only consent given and not yet withdrawn can be withdrawn".into()));
        }
        let w = RecordWrite::begin_for(ctx, found.child_id).await?;
        let mut a: consent::ActiveModel = found.into();
        a.withdrawn_at = Set(Some(Utc::now()));
        a.withdrawal_reason = Set(Some(input.reason.trim().into()));
        let saved = a.update(&w.txn).await?;
        w.commit(ctx, AccessAction::Update, AREA).await?;
        Ok(Consent(saved))
    }

    /// Shares without consent on a legal ground (doorbreken van het beroepsgeheim): a team
    /// lead or the behavioural expert records the reason; it is in the access log and lapses
    /// within 14 days.
    async fn override_consent(&self, ctx: &Context<'_>, input: OverrideConsentInput) -> AppResult<Consent> {
        let p = ctx.principal()?;
        let ground = policy::override_consent(p)?;
        let child_id = ids::decode(&input.child_id, "Child", "input.childId")?;
        let today = Utc::now().date_naive();
        let latest = today + Days::new(OVERRIDE_DAYS);
        let mut v = Vec::new();
        let partner_id = check_target(&Some(input.partner_id), None, &input.scope, &mut v);
        if input.reason.trim().len() < 20 {
            v.push(Violation::new("input.reason", "state the legal ground and why sharing cannot wait for consent"));
        }
        let valid_until = input.valid_until.map_or(latest, |d| d.0);
        if valid_until < today || valid_until > latest {
            v.push(Violation::new("input.validUntil", format!("an override runs from today to at most {latest}")));
        }
        check(v)?;
        let txn = ctx.db().begin().await?;
        consent_subject(&txn, p.organisation_id, child_id).await?;
        if let Some(id) = partner_id {
            input_partner(&txn, p.organisation_id, id, "input.partnerId").await?;
        }
        let row = consent::Model {
            id: Uuid::now_v7(),
            organisation_id: p.organisation_id,
            child_id,
            purpose: input.purpose,
            partner_id,
            partner_kind: None,
            scope: list_to_json(&dedup(input.scope)),
            decision: ConsentDecision::Override,
            given_by: serde_json::json!([]),
            reason: Some(input.reason.trim().into()),
            decided_on: today,
            valid_until: Some(valid_until),
            withdrawn_at: None,
            withdrawal_reason: None,
            recorded_by_worker_id: p.worker_id,
            created_at: Utc::now(),
        };
        let saved = consent::ActiveModel::from(row).insert(&txn).await?;
        let event = AccessEvent { person_id: child_id, action: AccessAction::Create, area: "consent-override", ground: ground.label() };
        audit::append(&txn, p, &ctx.state().meta, &[event]).await?;
        txn.commit().await?;
        Ok(Consent(saved))
    }
}

