//! Warm handover (warme overdracht; norm 11a): draft, preview, send, and follow the
//! receiver's answers to the joint meeting and completion. Referrals from partners wait here
//! for a worker to admit the family.

use super::{
    context::{ContextExt, in_transaction},
    families::Family,
    ids,
    loaders::{HandoverId, HandoversOf, ReferralId},
    method::{check, decode_into, recorded_by},
    organisation::Worker,
    partners::{ChainPartner, PartnerMessage},
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::handovers::{self, AREA, DraftHandover, children_of},
    error::{AppError, AppResult},
    policy,
};
use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{
    ConsentScope, HandoverDirection, HandoverStatus, MessageStatus, ReferralStatus, handover as handover_row, referral,
};
use integrations::youth_team::TeamMessage;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// Warme overdracht.
pub struct Handover(pub(super) handover_row::Model);

impl Handover {
    /// A handover of the viewer's organisation, read as the family's handovers are.
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        let h = ctx.loader().load_one(HandoverId(id)).await?.ok_or(AppError::NotFound("handover"))?;
        Self::read(ctx, h)
    }

    /// A family's handovers, oldest first (`handovers(familyId)` and `Family.handovers`).
    pub async fn of_family(ctx: &Context<'_>, family_id: Uuid) -> AppResult<Vec<Self>> {
        policy::read_cases(ctx.principal()?)?;
        let rows = ctx.loader().load_one(HandoversOf(family_id)).await?.unwrap_or_default();
        rows.into_iter().map(|h| Self::read(ctx, h)).collect()
    }

    /// A handover row already loaded (within the organisation), read as `find` reads it.
    pub fn read(ctx: &Context<'_>, h: handover_row::Model) -> AppResult<Self> {
        let ground = policy::read_cases(ctx.principal()?)?;
        for c in children_of(&h) {
            ctx.log_read(c, AREA, &ground);
        }
        Ok(Self(h))
    }
}

#[Object]
impl Handover {
    pub async fn id(&self) -> ID {
        ids::encode("Handover", self.0.id)
    }
    async fn direction(&self) -> HandoverDirection {
        self.0.direction
    }
    /// DELIVERED once the receiver's system took the package and nothing further came back.
    async fn status(&self, ctx: &Context<'_>) -> AppResult<HandoverStatus> {
        if self.0.status == HandoverStatus::Sent
            && let Some(m) = message_of(ctx, self.0.message_id).await?
            && matches!(m.0.status, MessageStatus::Delivered | MessageStatus::Acknowledged)
        {
            return Ok(HandoverStatus::Delivered);
        }
        Ok(self.0.status)
    }
    async fn partner(&self, ctx: &Context<'_>) -> AppResult<ChainPartner> {
        ChainPartner::load(ctx, self.0.partner_id).await
    }
    async fn family_id(&self) -> ID {
        ids::encode("Family", self.0.family_id)
    }
    async fn child_ids(&self) -> Vec<ID> {
        children_of(&self.0).into_iter().map(|c| ids::encode("Child", c)).collect()
    }
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    async fn question(&self) -> &str {
        &self.0.question
    }
    async fn meeting_proposed_at(&self) -> Option<DateTime<Utc>> {
        self.0.meeting_proposed_at
    }
    async fn meeting_place(&self) -> Option<&str> {
        self.0.meeting_place.as_deref()
    }
    async fn went_well(&self) -> Option<&str> {
        self.0.went_well.as_deref()
    }
    async fn open_worries(&self) -> Option<&str> {
        self.0.open_worries.as_deref()
    }
    async fn safety_monitoring(&self) -> Option<&str> {
        self.0.safety_monitoring.as_deref()
    }
    async fn decline_reason(&self) -> Option<&str> {
        self.0.decline_reason.as_deref()
    }
    async fn meeting_held_on(&self) -> Option<Date> {
        self.0.meeting_held_on.map(Date)
    }
    async fn meeting_notes(&self) -> Option<&str> {
        self.0.meeting_notes.as_deref()
    }
    async fn message(&self, ctx: &Context<'_>) -> AppResult<Option<PartnerMessage>> {
        message_of(ctx, self.0.message_id).await
    }
    async fn created_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.created_by_worker_id).await
    }
}

async fn message_of(ctx: &Context<'_>, id: Option<Uuid>) -> AppResult<Option<PartnerMessage>> {
    match id {
        Some(id) => Ok(Some(PartnerMessage::load(ctx, id).await?)),
        None => Ok(None),
    }
}

/// A part left out of the package for want of consent.
#[derive(SimpleObject)]
pub struct OmittedPart {
    child_id: ID,
    part: ConsentScope,
    reason: String,
}

/// The package exactly as it would be sent now, and what is left out.
#[derive(SimpleObject)]
pub struct HandoverPreview {
    /// Versioned JSON (`integrations/schemas/handover-package.v1.json`).
    package: Json<serde_json::Value>,
    omitted_parts: Vec<OmittedPart>,
}

/// Aanmelding from a partner: the family it asks us to take in.
pub struct Referral(referral::Model);

impl Referral {
    /// A referral to the viewer's organisation, for those who may admit families.
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        policy::edit_cases(ctx.principal()?)?;
        ctx.loader().load_one(ReferralId(id)).await?.map(Self).ok_or(AppError::NotFound("referral"))
    }
}

#[derive(SimpleObject)]
pub struct ReferredMember {
    role: String,
    given_name: String,
    family_name: String,
    date_of_birth: Date,
    /// The BSN as the partner sent it, for the admission.
    bsn: Option<String>,
}

#[Object]
impl Referral {
    pub async fn id(&self) -> ID {
        ids::encode("Referral", self.0.id)
    }
    async fn status(&self) -> ReferralStatus {
        self.0.status
    }
    async fn partner(&self, ctx: &Context<'_>) -> AppResult<ChainPartner> {
        ChainPartner::load(ctx, self.0.partner_id).await
    }
    async fn reason(&self) -> Option<String> {
        match self.message() {
            Some(TeamMessage::Referral { reason, .. }) => Some(reason),
            _ => None,
        }
    }
    async fn question(&self) -> Option<String> {
        match self.message() {
            Some(TeamMessage::Referral { question, .. }) => Some(question),
            _ => None,
        }
    }
    async fn contact_name(&self) -> Option<String> {
        match self.message() {
            Some(TeamMessage::Referral { contact, .. }) => Some(contact.name),
            _ => None,
        }
    }
    /// The family as referred, to fill in `admitFamily` (with `referralId`).
    async fn members(&self) -> Vec<ReferredMember> {
        match self.message() {
            Some(TeamMessage::Referral { members, .. }) => members
                .into_iter()
                .map(|m| ReferredMember {
                    role: m.role,
                    given_name: m.given_name,
                    family_name: m.family_name,
                    date_of_birth: Date(m.date_of_birth),
                    bsn: m.bsn,
                })
                .collect(),
            _ => vec![],
        }
    }
    async fn family(&self, ctx: &Context<'_>) -> AppResult<Option<Family>> {
        match self.0.family_id {
            Some(id) => Ok(Some(Family::find(ctx, id).await?)),
            None => Ok(None),
        }
    }
}

impl Referral {
    fn message(&self) -> Option<TeamMessage> {
        serde_json::from_str(&self.0.payload).ok()
    }
}

#[derive(Default)]
pub struct HandoverQuery;

#[Object]
impl HandoverQuery {
    /// A family's handovers.
    async fn handovers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The family whose handovers are listed.")] family_id: ID,
    ) -> AppResult<Vec<Handover>> {
        Handover::of_family(ctx, ids::decode(&family_id, "Family", "familyId")?).await
    }

    /// The package as it would be sent now: only consented parts, never an address.
    async fn handover_preview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The handover whose package is shown, exactly as it would be sent.")] id: ID,
    ) -> AppResult<HandoverPreview> {
        let id = ids::decode(&id, "Handover", "id")?;
        let preview = handovers::preview_handover(ctx.principal()?, ctx.db(), id).await?;
        for c in preview.children {
            ctx.log_read(c, AREA, &preview.ground);
        }
        for (other, _) in &preview.built.others {
            ctx.log_read(*other, "identity", &preview.ground);
        }
        Ok(HandoverPreview {
            package: Json(serde_json::to_value(&preview.built.package).map_err(AppError::internal)?),
            omitted_parts: preview
                .built
                .omitted
                .into_iter()
                .map(|o| OmittedPart { child_id: ids::encode("Child", o.child_id), part: o.part, reason: o.reason })
                .collect(),
        })
    }

    /// Referrals from partners, newest first.
    async fn referrals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only referrals in this status.")] status: Option<ReferralStatus>,
    ) -> AppResult<Vec<Referral>> {
        let p = ctx.principal()?;
        policy::edit_cases(p)?;
        let mut q = referral::Entity::find().filter(referral::Column::OrganisationId.eq(p.organisation_id));
        if let Some(s) = status {
            q = q.filter(referral::Column::Status.eq(s));
        }
        Ok(q.order_by_desc(referral::Column::Id).all(ctx.db()).await?.into_iter().map(Referral).collect())
    }
}

#[derive(InputObject)]
pub struct CreateHandoverInput {
    pub family_id: ID,
    /// The children handed over; all children of the family when left out.
    pub child_ids: Option<Vec<ID>>,
    /// A partner with the YOUTH_TEAM adapter.
    pub partner_id: ID,
    pub direction: HandoverDirection,
    pub reason: String,
    /// What is asked of the receiver.
    pub question: String,
    /// The proposed joint meeting; leave out when date and place are to be agreed.
    pub meeting_proposed_at: Option<DateTime<Utc>>,
    pub meeting_place: Option<String>,
    pub went_well: Option<String>,
    pub open_worries: Option<String>,
    /// Agreements on monitoring safety after departure.
    pub safety_monitoring: Option<String>,
}

#[derive(InputObject)]
pub struct RecordHandoverMeetingInput {
    pub id: ID,
    pub held_on: Date,
    pub notes: Option<String>,
}

payload! {
    /// The result of `createHandover`.
    CreateHandoverPayload { handover: Handover, family: Family = |r| r.0.family_id }
}

payload! {
    /// The result of `sendHandover`.
    SendHandoverPayload { handover: Handover, family: Family = |r| r.0.family_id }
}

payload! {
    /// The result of `recordHandoverMeeting`.
    RecordHandoverMeetingPayload { handover: Handover, family: Family = |r| r.0.family_id }
}

payload! {
    /// The result of `completeHandover`.
    CompleteHandoverPayload { handover: Handover, family: Family = |r| r.0.family_id }
}

payload! {
    /// The result of `declineReferral`.
    DeclineReferralPayload { referral: Referral }
}

#[derive(Default)]
pub struct HandoverMutation;

#[Object]
impl HandoverMutation {
    /// Drafts a warm handover of one or more children of a family.
    async fn create_handover(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: CreateHandoverInput,
    ) -> AppResult<CreateHandoverPayload> {
        let mut v = Vec::new();
        let family_id = decode_into(&input.family_id, "Family", "input.familyId", &mut v);
        let partner_id = decode_into(&input.partner_id, "ChainPartner", "input.partnerId", &mut v);
        let child_ids: Option<Vec<Uuid>> = input.child_ids.as_ref().map(|ids| {
            ids.iter()
                .enumerate()
                .filter_map(|(i, id)| decode_into(id, "Child", &format!("input.childIds[{i}]"), &mut v))
                .collect()
        });
        check(v)?;
        let command = DraftHandover {
            family_id: family_id.expect("checked"),
            child_ids,
            partner_id: partner_id.expect("checked"),
            direction: input.direction,
            reason: input.reason,
            question: input.question,
            meeting_proposed_at: input.meeting_proposed_at,
            meeting_place: input.meeting_place,
            went_well: input.went_well,
            open_worries: input.open_worries,
            safety_monitoring: input.safety_monitoring,
        };
        in_transaction(ctx, async |actor, txn| handovers::draft_handover(actor, txn, command).await)
            .await
            .map(|r| CreateHandoverPayload::new(Handover(r)))
    }

    /// Sends a drafted handover: the package (consented parts only) goes to the outbox.
    async fn send_handover(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The drafted handover to send.")] id: ID,
    ) -> AppResult<SendHandoverPayload> {
        let id = ids::decode(&id, "Handover", "id")?;
        in_transaction(ctx, async |actor, txn| handovers::send_handover(actor, txn, id).await)
            .await
            .map(|r| SendHandoverPayload::new(Handover(r)))
    }

    /// Records the joint meeting (warme overdracht in person) after the receiver accepted.
    async fn record_handover_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordHandoverMeetingInput,
    ) -> AppResult<RecordHandoverMeetingPayload> {
        let id = ids::decode(&input.id, "Handover", "input.id")?;
        in_transaction(ctx, async |actor, txn| {
            handovers::record_meeting(actor, txn, id, input.held_on.0, input.notes).await
        })
        .await
        .map(|r| RecordHandoverMeetingPayload::new(Handover(r)))
    }

    /// Closes a handover after the joint meeting.
    async fn complete_handover(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The handover whose warm handover is completed.")] id: ID,
    ) -> AppResult<CompleteHandoverPayload> {
        let id = ids::decode(&id, "Handover", "id")?;
        in_transaction(ctx, async |actor, txn| handovers::complete_handover(actor, txn, id).await)
            .await
            .map(|r| CompleteHandoverPayload::new(Handover(r)))
    }

    /// Declines a referral (e.g. no place, or not our target group).
    async fn decline_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The referral to decline.")] id: ID,
    ) -> AppResult<DeclineReferralPayload> {
        let id = ids::decode(&id, "Referral", "id")?;
        in_transaction(ctx, async |actor, txn| handovers::decline_referral(actor, txn, id).await)
            .await
            .map(|r| DeclineReferralPayload::new(Referral(r)))
    }
}
