//! Handle with Care (schools): the cooperation agreement, the child's school with "parents
//! informed", the notice after an incident — due before the next school day — and the
//! driegesprek it sets up.

use super::{
    contacts::{RecordContactInput, insert_contact},
    context::ContextExt,
    ids,
    method::{RecordWrite, read_records, recorded_by},
    organisation::Worker,
    partners::{ChainPartner, ContactPerson, PartnerMessage, input_partner, partner_in_org},
    scalars::Date,
};
use crate::{
    domain::school_day::next_school_day_start,
    error::{AppError, AppResult},
    cases::partners::{consent_subject, permit, queue},
    policy,
};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Days, Utc};
use entities::{
    AccessAction, ConsentPurpose, ConsentScope, ContactKind, IncidentKind, MessageKind, MessageStatus, PartnerAdapter, PartnerKind,
    chain_partner, handle_with_care_notice, school_enrolment,
};
use integrations::school::{CodeWord, HandleWithCareNotice as Notice, NoticeChild};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

const AREA: &str = "handle-with-care";

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

#[Object]
impl HandleWithCareNotice {
    async fn id(&self) -> ID {
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
    Ok(ctx.loader().load_one(NoticesOf(child_id)).await?.unwrap_or_default().into_iter().map(HandleWithCareNotice).collect())
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

fn agreement_in_force(p: &chain_partner::Model, on: chrono::NaiveDate) -> bool {
    p.agreement_signed_on.is_some_and(|s| s <= on) && p.agreement_valid_until.is_none_or(|u| on <= u)
}

#[derive(Default)]
pub struct HandleWithCareMutation;

#[Object]
impl HandleWithCareMutation {
    /// Records a cooperation agreement with a partner (admin or team lead), e.g. a school's
    /// Handle with Care agreement.
    async fn record_cooperation_agreement(&self, ctx: &Context<'_>, input: CooperationAgreementInput) -> AppResult<ChainPartner> {
        let p = ctx.principal()?;
        policy::manage_partners(p)?;
        let id = ids::decode(&input.partner_id, "ChainPartner", "input.partnerId")?;
        if input.valid_until.as_ref().is_some_and(|u| u.0 < input.signed_on.0) {
            return Err(AppError::invalid("input.validUntil", "must not lie before the signing"));
        }
        if input.signed_on.0 > Utc::now().date_naive() {
            return Err(AppError::invalid("input.signedOn", "this date lies in the future"));
        }
        let txn = ctx.db().begin().await?;
        let found = input_partner(&txn, p.organisation_id, id, "input.partnerId").await?;
        let mut a: chain_partner::ActiveModel = found.into();
        a.agreement_signed_on = Set(Some(input.signed_on.0));
        a.agreement_valid_until = Set(input.valid_until.map(|d| d.0));
        a.updated_at = Set(Utc::now());
        let saved = a.update(&txn).await?;
        txn.commit().await?;
        Ok(ChainPartner(saved))
    }

    /// Records the child's school and, when known, that the parents were informed.
    async fn record_school_enrolment(&self, ctx: &Context<'_>, input: SchoolEnrolmentInput) -> AppResult<SchoolEnrolment> {
        let w = RecordWrite::begin(ctx, &input.child_id, "input.childId").await?;
        let school_id = ids::decode(&input.school_id, "ChainPartner", "input.schoolId")?;
        let school = input_partner(&w.txn, w.principal.organisation_id, school_id, "input.schoolId").await?;
        if school.kind != PartnerKind::School {
            return Err(AppError::invalid("input.schoolId", "this partner is not a school"));
        }
        let informed = input.parents_informed_on.map(|d| d.0);
        if informed.is_some_and(|d| d > Utc::now().date_naive()) {
            return Err(AppError::invalid("input.parentsInformedOn", "this date lies in the future"));
        }
        let now = Utc::now();
        let existing = school_enrolment::Entity::find().filter(school_enrolment::Column::ChildId.eq(w.child_id)).one(&w.txn).await?;
        let is_new = existing.is_none();
        let mut m = existing.unwrap_or(school_enrolment::Model {
            id: Uuid::now_v7(),
            organisation_id: w.principal.organisation_id,
            child_id: w.child_id,
            partner_id: school.id,
            parents_informed_on: None,
            parents_informed_by_worker_id: None,
            created_at: now,
            updated_at: now,
        });
        m.partner_id = school.id;
        m.parents_informed_on = informed;
        m.parents_informed_by_worker_id = informed.and(w.worker_id());
        m.updated_at = now;
        let a = school_enrolment::ActiveModel::from(m).reset_all();
        let saved = if is_new { a.insert(&w.txn).await? } else { a.update(&w.txn).await? };
        w.commit(ctx, AccessAction::Update, AREA).await?;
        Ok(SchoolEnrolment(saved))
    }

    /// Sends the school's designated contact person a Handle with Care notice (name, date of
    /// birth, school, code word — nothing else) and plans a driegesprek for the next school
    /// day. Needs the child's school, an agreement in force with it, parents informed, and
    /// consent (purpose HANDLE_WITH_CARE, part IDENTITY) or an override.
    async fn send_handle_with_care(&self, ctx: &Context<'_>, input: SendHandleWithCareInput) -> AppResult<HandleWithCareNotice> {
        let w = RecordWrite::begin(ctx, &input.child_id, "input.childId").await?;
        let now = Utc::now();
        if input.occurred_at > now {
            return Err(AppError::invalid("input.occurredAt", "this moment lies in the future"));
        }
        if input.occurred_at.date_naive() + Days::new(7) < w.trajectory.admission_date {
            return Err(AppError::invalid("input.occurredAt", "more than a week before the admission"));
        }
        let org = w.principal.organisation_id;
        let enrolment = school_enrolment::Entity::find()
            .filter(school_enrolment::Column::ChildId.eq(w.child_id))
            .one(&w.txn)
            .await?
            .ok_or_else(|| AppError::invalid("input.childId", "no school is known for this child; record it with recordSchoolEnrolment"))?;
        let school = partner_in_org(&w.txn, org, enrolment.partner_id).await?;
        if !agreement_in_force(&school, now.date_naive()) {
            return Err(AppError::invalid("input.childId", format!("there is no Handle with Care agreement in force with {}", school.name)));
        }
        if enrolment.parents_informed_on.is_none() {
            return Err(AppError::invalid("input.childId", "the parents have not been informed about Handle with Care"));
        }
        if !school.active || school.adapter != PartnerAdapter::School {
            return Err(AppError::invalid("input.childId", format!("{} has no active Handle with Care connection", school.name)));
        }
        let contacts: Vec<ContactPerson> = serde_json::from_value(school.contact_persons.clone()).unwrap_or_default();
        let contact = contacts
            .into_iter()
            .find(|c| c.handle_with_care)
            .ok_or_else(|| AppError::invalid("input.childId", format!("{} has no designated Handle with Care contact person", school.name)))?;
        let (child, subject) = consent_subject(&w.txn, org, w.child_id).await?;
        let permit = permit(&w.txn, &subject, &school, ConsentPurpose::HandleWithCare, &[ConsentScope::Identity], now).await?;
        let notice_id = Uuid::now_v7();
        let notice = Notice {
            notice_id,
            child: NoticeChild { given_name: child.given_name.clone(), family_name: child.family_name.clone(), date_of_birth: child.date_of_birth },
            school: school.name.clone(),
            contact_person: contact.name.clone(),
            code_word: CodeWord::HandleWithCare,
        };
        let message = queue(&w.txn, w.principal, &ctx.state().meta, std::slice::from_ref(&permit), MessageKind::HandleWithCareNotice, Some(notice_id), &notice).await?;
        let due_by = next_school_day_start(input.occurred_at);
        let worker_name = match w.worker_id() {
            Some(id) => entities::worker::Entity::find_by_id(id).one(&w.txn).await?.map(|w| w.name),
            None => None,
        };
        let talk = insert_contact(&w, RecordContactInput {
            child_id: input.child_id.clone(),
            kind: ContactKind::ThreeWayTalk,
            planned_on: Some(Date(due_by.date_naive().max(now.date_naive()))),
            held_on: None,
            participants: ["parent".to_string()].into_iter().chain(worker_name).chain([format!("{} ({})", contact.name, school.name)]).collect(),
            core_tasks: vec![],
            summary: None,
            agreements: None,
        })
        .await?;
        let saved = handle_with_care_notice::ActiveModel::from(handle_with_care_notice::Model {
            id: notice_id,
            organisation_id: org,
            child_id: w.child_id,
            partner_id: school.id,
            incident_kind: input.incident_kind,
            occurred_at: input.occurred_at,
            due_by,
            message_id: message.id,
            contact_id: Some(talk.id),
            recorded_by_worker_id: w.worker_id(),
            created_at: now,
        })
        .insert(&w.txn)
        .await?;
        w.commit(ctx, AccessAction::Create, AREA).await?;
        Ok(HandleWithCareNotice(saved))
    }
}
