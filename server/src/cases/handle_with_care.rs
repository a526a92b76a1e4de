//! Handle with Care: the cooperation agreement with a school, the child's school enrolment, and
//! the notice to the school's contact person before the next school day, with the driegesprek
//! (parent, worker, school contact) planned after it.

use super::{
    Actor,
    contacts::{self, RecordContact},
    partners::{consent_subject, input_partner, partner_in_org, permit, queue},
    records::RecordWrite,
};
use crate::{
    domain::school_day::next_school_day_start,
    error::{AppError, AppResult},
    policy,
};
use chrono::{DateTime, Days, NaiveDate, Utc};
use entities::{
    AccessAction, ConsentPurpose, ConsentScope, ContactKind, ContactPerson, IncidentKind, MessageKind, PartnerAdapter,
    PartnerKind, chain_partner, handle_with_care_notice, school_enrolment, worker,
};
use integrations::school::{CodeWord, HandleWithCareNotice as Notice, NoticeChild};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

pub const AREA: &str = "handle-with-care";

/// A cooperation agreement with a partner, e.g. a school's Handle with Care agreement.
#[derive(Debug, Clone)]
pub struct RecordCooperationAgreement {
    pub partner_id: Uuid,
    pub signed_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
}

/// Records a cooperation agreement (admin or team lead).
pub async fn record_cooperation_agreement(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordCooperationAgreement,
) -> AppResult<chain_partner::Model> {
    let p = actor.principal;
    policy::manage_partners(p)?;
    if cmd.valid_until.is_some_and(|u| u < cmd.signed_on) {
        return Err(AppError::invalid("input.validUntil", "must not lie before the signing"));
    }
    if cmd.signed_on > Utc::now().date_naive() {
        return Err(AppError::invalid("input.signedOn", "this date lies in the future"));
    }
    let found = input_partner(txn, p.organisation_id, cmd.partner_id, "input.partnerId").await?;
    let mut a: chain_partner::ActiveModel = found.into();
    a.agreement_signed_on = Set(Some(cmd.signed_on));
    a.agreement_valid_until = Set(cmd.valid_until);
    a.updated_at = Set(Utc::now());
    Ok(a.update(txn).await?)
}

/// The school a child attends and, when known, when the parents were told about Handle with Care.
#[derive(Debug, Clone)]
pub struct RecordSchoolEnrolment {
    pub child_id: Uuid,
    /// A chain partner of kind SCHOOL.
    pub school_id: Uuid,
    pub parents_informed_on: Option<NaiveDate>,
}

pub async fn record_school_enrolment(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordSchoolEnrolment,
) -> AppResult<school_enrolment::Model> {
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let school = input_partner(txn, w.organisation_id(), cmd.school_id, "input.schoolId").await?;
    if school.kind != PartnerKind::School {
        return Err(AppError::invalid("input.schoolId", "this partner is not a school"));
    }
    let informed = cmd.parents_informed_on;
    if informed.is_some_and(|d| d > Utc::now().date_naive()) {
        return Err(AppError::invalid("input.parentsInformedOn", "this date lies in the future"));
    }
    let now = Utc::now();
    let existing =
        school_enrolment::Entity::find().filter(school_enrolment::Column::ChildId.eq(w.child_id)).one(txn).await?;
    let is_new = existing.is_none();
    let mut m = existing.unwrap_or(school_enrolment::Model {
        id: Uuid::now_v7(),
        organisation_id: w.organisation_id(),
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
    let saved = if is_new { a.insert(txn).await? } else { a.update(txn).await? };
    w.log(if is_new { AccessAction::Create } else { AccessAction::Update }, AREA).await?;
    Ok(saved)
}

/// An incident after which the school should know before the next school day.
#[derive(Debug, Clone)]
pub struct SendHandleWithCare {
    pub child_id: Uuid,
    pub incident_kind: IncidentKind,
    pub occurred_at: DateTime<Utc>,
}

/// Sends the school's designated contact person a Handle with Care notice (name, date of birth,
/// school, code word — nothing else) and plans a driegesprek for the next school day. Needs the
/// child's school, an agreement in force with it, parents informed, and consent (purpose
/// HANDLE_WITH_CARE, part IDENTITY) or an override.
pub async fn send_handle_with_care(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: SendHandleWithCare,
) -> AppResult<handle_with_care_notice::Model> {
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let now = Utc::now();
    if cmd.occurred_at > now {
        return Err(AppError::invalid("input.occurredAt", "this moment lies in the future"));
    }
    if cmd.occurred_at.date_naive() + Days::new(7) < w.trajectory.admission_date {
        return Err(AppError::invalid("input.occurredAt", "more than a week before the admission"));
    }
    let org = w.organisation_id();
    let enrolment = school_enrolment::Entity::find()
        .filter(school_enrolment::Column::ChildId.eq(w.child_id))
        .one(txn)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "input.childId",
                "no school is known for this child; record it with recordSchoolEnrolment",
            )
        })?;
    let school = partner_in_org(txn, org, enrolment.partner_id).await?;
    if !agreement_in_force(&school, now.date_naive()) {
        return Err(AppError::invalid(
            "input.childId",
            format!("there is no Handle with Care agreement in force with {}", school.name),
        ));
    }
    if enrolment.parents_informed_on.is_none() {
        return Err(AppError::invalid("input.childId", "the parents have not been informed about Handle with Care"));
    }
    if !school.active || school.adapter != PartnerAdapter::School {
        return Err(AppError::invalid(
            "input.childId",
            format!("{} has no active Handle with Care connection", school.name),
        ));
    }
    let contacts: Vec<ContactPerson> = serde_json::from_value(school.contact_persons.clone()).unwrap_or_default();
    let contact = contacts.into_iter().find(|c| c.handle_with_care).ok_or_else(|| {
        AppError::invalid("input.childId", format!("{} has no designated Handle with Care contact person", school.name))
    })?;
    let (child, subject) = consent_subject(txn, org, w.child_id).await?;
    let permit = permit(txn, &subject, &school, ConsentPurpose::HandleWithCare, &[ConsentScope::Identity], now).await?;
    let notice_id = Uuid::now_v7();
    let notice = Notice {
        notice_id,
        child: NoticeChild {
            given_name: child.given_name.clone(),
            family_name: child.family_name.clone(),
            date_of_birth: child.date_of_birth,
        },
        school: school.name.clone(),
        contact_person: contact.name.clone(),
        code_word: CodeWord::HandleWithCare,
    };
    let message = queue(
        txn,
        actor.principal,
        actor.meta,
        std::slice::from_ref(&permit),
        MessageKind::HandleWithCareNotice,
        Some(notice_id),
        &notice,
    )
    .await?;
    let due_by = next_school_day_start(cmd.occurred_at);
    let worker_name = match w.worker_id() {
        Some(id) => worker::Entity::find_by_id(id).one(txn).await?.map(|w| w.name),
        None => None,
    };
    let talk = contacts::insert_contact(
        &w,
        RecordContact {
            child_id: w.child_id,
            kind: ContactKind::ThreeWayTalk,
            planned_on: Some(due_by.date_naive().max(now.date_naive())),
            held_on: None,
            participants: ["parent".to_string()]
                .into_iter()
                .chain(worker_name)
                .chain([format!("{} ({})", contact.name, school.name)])
                .collect(),
            core_tasks: vec![],
            summary: None,
            agreements: None,
            details: Default::default(),
        },
    )
    .await?;
    let saved = handle_with_care_notice::ActiveModel::from(handle_with_care_notice::Model {
        id: notice_id,
        organisation_id: org,
        child_id: w.child_id,
        partner_id: school.id,
        incident_kind: cmd.incident_kind,
        occurred_at: cmd.occurred_at,
        due_by,
        message_id: message.id,
        contact_id: Some(talk.id),
        recorded_by_worker_id: w.worker_id(),
        created_at: now,
    })
    .insert(txn)
    .await?;
    w.log(AccessAction::Create, AREA).await?;
    Ok(saved)
}

fn agreement_in_force(p: &chain_partner::Model, on: NaiveDate) -> bool {
    p.agreement_signed_on.is_some_and(|s| s <= on) && p.agreement_valid_until.is_none_or(|u| on <= u)
}
