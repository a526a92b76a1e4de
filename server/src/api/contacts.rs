//! Contacts (kindgesprek, oudergesprek, driegesprek, …): planned and held, with who took part,
//! the core tasks served, a short summary and agreements. The cadence is computed from them.

use super::{
    ids,
    method::{RecordWrite, check, read_records, record_date, recorded_by},
    organisation::Worker,
    scalars::Date,
};
use crate::{
    domain::phase::PHASE_1_MAX_DAYS,
    error::{AppError, AppResult, Violation},
    api::context::ContextExt,
};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{Days, Utc};
use entities::{AccessAction, ContactKind, CoreTask, contact, list_from_json, list_to_json};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

crate::child_records_loader!(
    /// The contacts about a child.
    ContactsOf,
    contact
);

/// Contact: a conversation or visit about the child, planned or held.
pub struct Contact(pub contact::Model);

#[Object]
impl Contact {
    async fn id(&self) -> ID {
        ids::encode("Contact", self.0.id)
    }
    async fn kind(&self) -> ContactKind {
        self.0.kind
    }
    /// When it is planned, for a contact still to be held (gepland).
    async fn planned_on(&self) -> Option<Date> {
        self.0.planned_on.map(Date)
    }
    /// When it was held; empty while only planned.
    async fn held_on(&self) -> Option<Date> {
        self.0.held_on.map(Date)
    }
    /// Who took part (deelnemers).
    async fn participants(&self) -> Vec<String> {
        serde_json::from_value(self.0.participants.clone()).unwrap_or_default()
    }
    /// Kerntaken served.
    async fn core_tasks(&self) -> Vec<CoreTask> {
        list_from_json(&self.0.core_tasks)
    }
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// Afspraken.
    async fn agreements(&self) -> Option<&str> {
        self.0.agreements.as_deref()
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// The child's contacts in its current trajectory, newest first; only held or only planned
/// ones when `held` is given.
pub async fn contacts_of(
    ctx: &Context<'_>,
    child_id: Uuid,
    trajectory_id: Uuid,
    kind: Option<ContactKind>,
    held: Option<bool>,
) -> AppResult<Vec<Contact>> {
    read_records(ctx, child_id, "contacts")?;
    let all = ctx.loader().load_one(ContactsOf(child_id)).await?.unwrap_or_default();
    let mut list: Vec<Contact> = all
        .into_iter()
        .filter(|c| c.trajectory_id == trajectory_id)
        .filter(|c| kind.is_none_or(|k| c.kind == k))
        .filter(|c| held.is_none_or(|h| c.held_on.is_some() == h))
        .map(Contact)
        .collect();
    list.sort_by_key(|c| std::cmp::Reverse(c.0.held_on.or(c.0.planned_on)));
    Ok(list)
}

#[derive(InputObject)]
pub struct RecordContactInput {
    pub child_id: ID,
    pub kind: ContactKind,
    /// For a contact still to be held: the day it is planned (may lie in the future).
    pub planned_on: Option<Date>,
    /// When it was held; today when neither date is given.
    pub held_on: Option<Date>,
    #[graphql(default)]
    pub participants: Vec<String>,
    #[graphql(default)]
    pub core_tasks: Vec<CoreTask>,
    pub summary: Option<String>,
    pub agreements: Option<String>,
}

#[derive(InputObject)]
pub struct RecordContactHeldInput {
    /// A planned contact.
    pub contact_id: ID,
    /// Today when left out.
    pub held_on: Option<Date>,
    #[graphql(default)]
    pub participants: Vec<String>,
    #[graphql(default)]
    pub core_tasks: Vec<CoreTask>,
    pub summary: Option<String>,
    pub agreements: Option<String>,
}

fn check_participants(participants: &[String], v: &mut Vec<Violation>) -> Vec<String> {
    participants
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let p = p.trim();
            if p.is_empty() {
                v.push(Violation::new(format!("input.participants[{i}]"), "a participant needs a name"));
                None
            } else {
                Some(p.to_string())
            }
        })
        .collect()
}

fn require_summary(summary: Option<&str>, v: &mut Vec<Violation>) {
    if summary.is_none_or(|s| s.trim().is_empty()) {
        v.push(Violation::new("input.summary", "a held contact needs a short summary"));
    }
}

/// How far ahead a contact can be planned: within the longest a phase-1 period lasts, twice.
const PLAN_AHEAD_DAYS: u64 = 2 * PHASE_1_MAX_DAYS as u64;

/// Creates a planned or held contact inside an open write; used by other records that plan
/// a contact (e.g. a driegesprek after Handle with Care).
pub async fn insert_contact(w: &RecordWrite<'_>, input: RecordContactInput) -> AppResult<contact::Model> {
    let mut v = Vec::new();
    let participants = check_participants(&input.participants, &mut v);
    let (planned_on, held_on) = match (input.planned_on, input.held_on) {
        (Some(p), None) => {
            let today = Utc::now().date_naive();
            if p.0 < w.trajectory.admission_date {
                v.push(Violation::new("input.plannedOn", "this date lies before the admission"));
            } else if p.0 > today + Days::new(PLAN_AHEAD_DAYS) {
                v.push(Violation::new("input.plannedOn", format!("plan at most {PLAN_AHEAD_DAYS} days ahead")));
            }
            (Some(p.0), None)
        }
        (planned, held) => (planned.map(|d| d.0), Some(record_date(held, w.trajectory.admission_date, "input.heldOn")?)),
    };
    if held_on.is_some() {
        require_summary(input.summary.as_deref(), &mut v);
    }
    check(v)?;
    let now = Utc::now();
    Ok(contact::ActiveModel::from(contact::Model {
        id: Uuid::now_v7(),
        organisation_id: w.principal.organisation_id,
        child_id: w.child_id,
        trajectory_id: w.trajectory.id,
        recorded_by_worker_id: w.worker_id(),
        kind: input.kind,
        planned_on,
        held_on,
        participants: participants.into(),
        core_tasks: list_to_json(&input.core_tasks),
        summary: input.summary,
        agreements: input.agreements,
        created_at: now,
        updated_at: now,
    })
    .insert(&w.txn)
    .await?)
}

#[derive(Default)]
pub struct ContactMutation;

#[Object]
impl ContactMutation {
    /// Records a contact about the child: held (with a summary) or planned.
    async fn record_contact(&self, ctx: &Context<'_>, input: RecordContactInput) -> AppResult<Contact> {
        let w = RecordWrite::begin(ctx, &input.child_id, "input.childId").await?;
        let saved = insert_contact(&w, input).await?;
        w.commit(ctx, AccessAction::Create, "contacts").await?;
        Ok(Contact(saved))
    }

    /// Records that a planned contact was held.
    async fn record_contact_held(&self, ctx: &Context<'_>, input: RecordContactHeldInput) -> AppResult<Contact> {
        let id = ids::decode(&input.contact_id, "Contact", "input.contactId")?;
        let org = ctx.principal()?.organisation_id;
        let planned = contact::Entity::find_by_id(id)
            .filter(contact::Column::OrganisationId.eq(org))
            .one(ctx.db())
            .await?
            .ok_or(AppError::NotFound("contact"))?;
        let w = RecordWrite::begin_for(ctx, planned.child_id).await?;
        // Re-read under the trajectory lock so two workers cannot both mark it held.
        let planned = contact::Entity::find_by_id(id).one(&w.txn).await?.ok_or(AppError::NotFound("contact"))?;
        if planned.held_on.is_some() {
            return Err(AppError::Conflict("this contact has already been recorded as held".into()));
        }
        if planned.trajectory_id != w.trajectory.id {
            return Err(AppError::Conflict("this contact belongs to an earlier trajectory".into()));
        }
        let mut v = Vec::new();
        let participants = check_participants(&input.participants, &mut v);
        let held_on = record_date(input.held_on, w.trajectory.admission_date, "input.heldOn")?;
        require_summary(input.summary.as_deref(), &mut v);
        check(v)?;
        let mut m: contact::ActiveModel = planned.into();
        m.held_on = Set(Some(held_on));
        m.participants = Set(participants.into());
        m.core_tasks = Set(list_to_json(&input.core_tasks));
        m.summary = Set(input.summary);
        m.agreements = Set(input.agreements);
        m.recorded_by_worker_id = Set(w.worker_id());
        m.updated_at = Set(Utc::now());
        let saved = m.update(&w.txn).await?;
        w.commit(ctx, AccessAction::Update, "contacts").await?;
        Ok(Contact(saved))
    }
}
