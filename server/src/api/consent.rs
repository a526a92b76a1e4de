//! Consent (toestemming): recorded decisions of the child and the custodial parents, their
//! withdrawal, and the audited override when sharing is needed without consent.

use super::{
    children::Child,
    context::{ContextExt, in_transaction},
    ids,
    method::{check, decode_into, read_records, recorded_by},
    organisation::Worker,
    partners::ChainPartner,
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::consent::{OverrideConsent, RecordConsent, override_consent, record_consent, withdraw_consent},
    error::AppResult,
};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use entities::{ConsentDecision, ConsentPurpose, ConsentScope, PartnerKind, consent, list_from_json};
use uuid::Uuid;

crate::child_records_loader!(
    /// The consent records of a child.
    ConsentsOf,
    consent
);

const AREA: &str = "consent";

/// Toestemming: a decision on sharing parts of the child's record.
pub struct Consent(consent::Model);

super::ids::find_in_child_list!(Consent, consent, |r| r.0.id, |ctx, child, trajectory| consents_of(ctx, child));

#[Object]
impl Consent {
    pub async fn id(&self) -> ID {
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
        serde_json::from_value::<Vec<Uuid>>(self.0.given_by.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|p| ids::encode("Person", p))
            .collect()
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
    /// The parts shared; none for CHILD_SUPPORT.
    #[graphql(default)]
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

impl RecordConsentInput {
    fn into_command(self) -> AppResult<RecordConsent> {
        let child_id = ids::decode(&self.child_id, "Child", "input.childId")?;
        let mut v = Vec::new();
        let partner_id = self.partner_id.and_then(|id| decode_into(&id, "ChainPartner", "input.partnerId", &mut v));
        let decided_by = self
            .decided_by
            .iter()
            .enumerate()
            .filter_map(|(i, id)| decode_into(id, "Person", &format!("input.decidedBy[{i}]"), &mut v))
            .collect();
        check(v)?;
        Ok(RecordConsent {
            child_id,
            purpose: self.purpose,
            partner_id,
            partner_kind: self.partner_kind,
            scope: self.scope,
            decision: match self.decision {
                ConsentChoice::Given => ConsentDecision::Given,
                ConsentChoice::Refused => ConsentDecision::Refused,
            },
            decided_by,
            decided_on: self.decided_on.map(|d| d.0),
            valid_until: self.valid_until.map(|d| d.0),
            note: self.note,
        })
    }
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
    /// The partner shared with; left out for CHILD_SUPPORT.
    pub partner_id: Option<ID>,
    #[graphql(default)]
    pub scope: Vec<ConsentScope>,
    /// The legal ground and why sharing (or the child's support) cannot wait for consent; kept
    /// in the record and the access log.
    pub reason: String,
    /// At most (and by default) 14 days.
    pub valid_until: Option<Date>,
}

payload! {
    /// The result of `recordConsent`.
    RecordConsentPayload { consent: Consent, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `withdrawConsent`.
    WithdrawConsentPayload { consent: Consent, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `overrideConsent`.
    OverrideConsentPayload { consent: Consent, child: Child = |r| r.0.child_id }
}

#[derive(Default)]
pub struct ConsentMutation;

#[Object]
impl ConsentMutation {
    /// Records consent given or refused. Who must decide follows the WGBO ages; the error
    /// names who is missing.
    async fn record_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordConsentInput,
    ) -> AppResult<RecordConsentPayload> {
        let command = input.into_command()?;
        in_transaction(ctx, async |actor, txn| record_consent(actor, txn, command).await)
            .await
            .map(|r| RecordConsentPayload::new(Consent(r)))
    }

    /// Records that consent was withdrawn; from now on it carries no share.
    async fn withdraw_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: WithdrawConsentInput,
    ) -> AppResult<WithdrawConsentPayload> {
        let id = ids::decode(&input.id, "Consent", "input.id")?;
        in_transaction(ctx, async |actor, txn| withdraw_consent(actor, txn, id, &input.reason).await)
            .await
            .map(|r| WithdrawConsentPayload::new(Consent(r)))
    }

    /// Shares without consent on a legal ground (doorbreken van het beroepsgeheim): a team
    /// lead or the behavioural expert records the reason; it is in the access log and lapses
    /// within 14 days.
    async fn override_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: OverrideConsentInput,
    ) -> AppResult<OverrideConsentPayload> {
        let command = OverrideConsent {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            purpose: input.purpose,
            partner_id: input
                .partner_id
                .as_ref()
                .map(|id| ids::decode(id, "ChainPartner", "input.partnerId"))
                .transpose()?,
            scope: input.scope,
            reason: input.reason,
            valid_until: input.valid_until.map(|d| d.0),
        };
        in_transaction(ctx, async |actor, txn| override_consent(actor, txn, command).await)
            .await
            .map(|r| OverrideConsentPayload::new(Consent(r)))
    }
}
