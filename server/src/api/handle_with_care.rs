//! Handle with Care (schools): the cooperation agreement, the child's school with "parents
//! informed", the notice after an incident — due before the next school day — and the
//! driegesprek it sets up.

use super::{
    children::Child,
    context::{ContextExt, in_transaction},
    ids,
    method::{read_records, recorded_by},
    organisation::Worker,
    partners::{ChainPartner, PartnerMessage},
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::handle_with_care::{self, AREA, RecordCooperationAgreement, RecordSchoolEnrolment, SendHandleWithCare},
    error::AppResult,
};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use entities::{IncidentKind, MessageStatus, handle_with_care_notice, school_enrolment};
use uuid::Uuid;

crate::child_records_loader!(
    /// The school enrolment of a child (at most one).
    EnrolmentOf,
    school_enrolment
);
crate::child_records_loader!(
    /// The Handle with Care notices about a child.
    NoticesOf,
    handle_with_care_notice
);

/// The school a child attends, for Handle with Care.
pub struct SchoolEnrolment(school_enrolment::Model);

#[Object]
impl SchoolEnrolment {
    async fn school(&self, ctx: &Context<'_>) -> AppResult<ChainPartner> {
        ChainPartner::load(ctx, self.0.partner_id).await
    }
    /// When the parents were told the school takes part in Handle with Care.
    async fn parents_informed_on(&self) -> Option<Date> {
        self.0.parents_informed_on.map(Date)
    }
    async fn parents_informed_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.parents_informed_by_worker_id).await
    }
}

/// A Handle with Care notice sent to the child's school.
pub struct HandleWithCareNotice(handle_with_care_notice::Model);

super::ids::find_in_child_list!(HandleWithCareNotice, handle_with_care_notice, |r| r.0.id, |ctx, child, trajectory| {
    notices_of(ctx, child)
});

#[Object]
impl HandleWithCareNotice {
    pub async fn id(&self) -> ID {
        ids::encode("HandleWithCareNotice", self.0.id)
    }
    async fn incident_kind(&self) -> IncidentKind {
        self.0.incident_kind
    }
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    /// The start of the next school day after the incident.
    async fn due_by(&self) -> DateTime<Utc> {
        self.0.due_by
    }
    /// Delivered before the school day started: true or false once known; null while it
    /// is on its way and there is still time.
    async fn on_time(&self, ctx: &Context<'_>) -> AppResult<Option<bool>> {
        let m = PartnerMessage::load(ctx, self.0.message_id).await?.0;
        Ok(match m.delivered_at {
            Some(at) => Some(at <= self.0.due_by),
            None if Utc::now() > self.0.due_by || m.status == MessageStatus::Dead => Some(false),
            None => None,
        })
    }
    async fn school(&self, ctx: &Context<'_>) -> AppResult<ChainPartner> {
        ChainPartner::load(ctx, self.0.partner_id).await
    }
    /// The message carrying the notice, with its delivery status.
    async fn message(&self, ctx: &Context<'_>) -> AppResult<PartnerMessage> {
        PartnerMessage::load(ctx, self.0.message_id).await
    }
    /// The planned driegesprek (parent, worker, school contact); holding it is recorded
    /// with `recordContactHeld`.
    async fn planned_conversation_id(&self) -> Option<ID> {
        self.0.contact_id.map(|c| ids::encode("Contact", c))
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

pub async fn enrolment_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Option<SchoolEnrolment>> {
    read_records(ctx, child_id, AREA)?;
    Ok(ctx.loader().load_one(EnrolmentOf(child_id)).await?.and_then(|e| e.into_iter().next()).map(SchoolEnrolment))
}

pub async fn notices_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Vec<HandleWithCareNotice>> {
    read_records(ctx, child_id, AREA)?;
    Ok(ctx
        .loader()
        .load_one(NoticesOf(child_id))
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(HandleWithCareNotice)
        .collect())
}

#[derive(InputObject)]
pub struct CooperationAgreementInput {
    pub partner_id: ID,
    pub signed_on: Date,
    pub valid_until: Option<Date>,
}

#[derive(InputObject)]
pub struct SchoolEnrolmentInput {
    pub child_id: ID,
    /// A chain partner of kind SCHOOL.
    pub school_id: ID,
    /// When the parents were told about Handle with Care (by you).
    pub parents_informed_on: Option<Date>,
}

#[derive(InputObject)]
pub struct SendHandleWithCareInput {
    pub child_id: ID,
    pub incident_kind: IncidentKind,
    pub occurred_at: DateTime<Utc>,
}

payload! {
    /// The result of `recordCooperationAgreement`.
    RecordCooperationAgreementPayload { chain_partner: ChainPartner }
}

payload! {
    /// The result of `recordSchoolEnrolment`.
    RecordSchoolEnrolmentPayload { school_enrolment: SchoolEnrolment, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `sendHandleWithCare`.
    SendHandleWithCarePayload { handle_with_care_notice: HandleWithCareNotice, child: Child = |r| r.0.child_id }
}

#[derive(Default)]
pub struct HandleWithCareMutation;

#[Object]
impl HandleWithCareMutation {
    /// Records a cooperation agreement with a partner (admin or team lead), e.g. a school's
    /// Handle with Care agreement.
    async fn record_cooperation_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: CooperationAgreementInput,
    ) -> AppResult<RecordCooperationAgreementPayload> {
        let command = RecordCooperationAgreement {
            partner_id: ids::decode(&input.partner_id, "ChainPartner", "input.partnerId")?,
            signed_on: input.signed_on.0,
            valid_until: input.valid_until.map(|d| d.0),
        };
        in_transaction(ctx, async |actor, txn| {
            handle_with_care::record_cooperation_agreement(actor, txn, command).await
        })
        .await
        .map(|r| RecordCooperationAgreementPayload::new(ChainPartner(r)))
    }

    /// Records the child's school and, when known, that the parents were informed.
    async fn record_school_enrolment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: SchoolEnrolmentInput,
    ) -> AppResult<RecordSchoolEnrolmentPayload> {
        let command = RecordSchoolEnrolment {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            school_id: ids::decode(&input.school_id, "ChainPartner", "input.schoolId")?,
            parents_informed_on: input.parents_informed_on.map(|d| d.0),
        };
        in_transaction(ctx, async |actor, txn| handle_with_care::record_school_enrolment(actor, txn, command).await)
            .await
            .map(|r| RecordSchoolEnrolmentPayload::new(SchoolEnrolment(r)))
    }

    /// Sends the school's designated contact person a Handle with Care notice (name, date of
    /// birth, school, code word — nothing else) and plans a driegesprek for the next school
    /// day. Needs the child's school, an agreement in force with it, parents informed, and
    /// consent (purpose HANDLE_WITH_CARE, part IDENTITY) or an override.
    async fn send_handle_with_care(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: SendHandleWithCareInput,
    ) -> AppResult<SendHandleWithCarePayload> {
        let command = SendHandleWithCare {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            incident_kind: input.incident_kind,
            occurred_at: input.occurred_at,
        };
        in_transaction(ctx, async |actor, txn| handle_with_care::send_handle_with_care(actor, txn, command).await)
            .await
            .map(|r| SendHandleWithCarePayload::new(HandleWithCareNotice(r)))
    }
}
