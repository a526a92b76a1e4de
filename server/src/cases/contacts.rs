//! Contacts (kindgesprek, oudergesprek, driegesprek, …): planned and held, with who took part,
//! the core tasks served, a short summary and agreements. The cadence is computed from them.

use super::{
    Actor,
    records::{RecordWrite, check, record_date},
};
use crate::{
    domain::phase::PHASE_1_MAX_DAYS,
    error::{AppError, AppResult, Violation},
};
use chrono::{Days, NaiveDate, Utc};
use entities::{AccessAction, ContactKind, ContactTopic, CoreTask, contact, list_to_json};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

/// How far ahead a contact can be planned: within the longest a phase-1 period lasts, twice.
const PLAN_AHEAD_DAYS: u64 = 2 * PHASE_1_MAX_DAYS as u64;

const AREA: &str = "contacts";

/// A contact about the child: held (with a summary) or planned.
#[derive(Debug, Clone)]
pub struct RecordContact {
    pub child_id: Uuid,
    pub kind: ContactKind,
    /// For a contact still to be held: the day it is planned (may lie in the future).
    pub planned_on: Option<NaiveDate>,
    /// When it was held; today when neither date is given.
    pub held_on: Option<NaiveDate>,
    pub participants: Vec<String>,
    pub core_tasks: Vec<CoreTask>,
    pub summary: Option<String>,
    pub agreements: Option<String>,
    pub details: HeldDetails,
}

/// How a contact went, beyond its summary.
#[derive(Debug, Clone, Default)]
pub struct HeldDetails {
    /// 1 to 600 minutes.
    pub duration_minutes: Option<i32>,
    pub topics: Vec<ContactTopic>,
    /// Only for a kindgesprek: held with this child alone, apart from brothers and sisters.
    pub individual: Option<bool>,
}

impl HeldDetails {
    fn check(&self, kind: ContactKind, held: bool, v: &mut Vec<Violation>) {
        if self.duration_minutes.is_some_and(|m| !(1..=600).contains(&m)) {
            v.push(Violation::new("input.durationMinutes", "from 1 to 600 minutes"));
        }
        if !held && self.duration_minutes.is_some() {
            v.push(Violation::new("input.durationMinutes", "a contact still to be held has no duration yet"));
        }
        if self.individual.is_some() && kind != ContactKind::ChildTalk {
            v.push(Violation::new(
                "input.individual",
                "only a kindgesprek is held with the child alone or with siblings",
            ));
        }
    }

    fn apply(self, m: &mut contact::ActiveModel) {
        m.duration_minutes = Set(self.duration_minutes);
        m.topics = Set(list_to_json(&self.topics));
        m.individual = Set(self.individual);
    }
}

pub async fn record_contact(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordContact,
) -> AppResult<contact::Model> {
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let saved = insert_contact(&w, cmd).await?;
    w.log(AccessAction::Create, AREA).await?;
    Ok(saved)
}

/// Creates a planned or held contact inside an open write; also for other records that plan a
/// contact (the driegesprek after a Handle with Care notice).
pub async fn insert_contact(w: &RecordWrite<'_>, cmd: RecordContact) -> AppResult<contact::Model> {
    let mut v = Vec::new();
    let participants = check_participants(&cmd.participants, &mut v);
    let (planned_on, held_on) = match (cmd.planned_on, cmd.held_on) {
        (Some(p), None) => {
            let today = Utc::now().date_naive();
            if p < w.trajectory.admission_date {
                v.push(Violation::new("input.plannedOn", "this date lies before the admission"));
            } else if p > today + Days::new(PLAN_AHEAD_DAYS) {
                v.push(Violation::new("input.plannedOn", format!("plan at most {PLAN_AHEAD_DAYS} days ahead")));
            }
            (Some(p), None)
        }
        (planned, held) => (planned, Some(record_date(held, w.trajectory.admission_date, "input.heldOn")?)),
    };
    if held_on.is_some() {
        require_summary(cmd.summary.as_deref(), &mut v);
    }
    cmd.details.check(cmd.kind, held_on.is_some(), &mut v);
    check(v)?;
    let now = Utc::now();
    let mut row = contact::ActiveModel::from(contact::Model {
        id: Uuid::now_v7(),
        organisation_id: w.organisation_id(),
        child_id: w.child_id,
        trajectory_id: w.trajectory.id,
        recorded_by_worker_id: w.worker_id(),
        kind: cmd.kind,
        planned_on,
        held_on,
        participants: participants.into(),
        core_tasks: list_to_json(&cmd.core_tasks),
        summary: cmd.summary,
        agreements: cmd.agreements,
        duration_minutes: None,
        topics: list_to_json::<ContactTopic>(&[]),
        individual: None,
        created_at: now,
        updated_at: now,
    });
    cmd.details.apply(&mut row);
    Ok(row.insert(w.txn).await?)
}

/// That a planned contact was held.
#[derive(Debug, Clone)]
pub struct RecordContactHeld {
    pub contact_id: Uuid,
    /// Today when left out.
    pub held_on: Option<NaiveDate>,
    pub participants: Vec<String>,
    pub core_tasks: Vec<CoreTask>,
    pub summary: Option<String>,
    pub agreements: Option<String>,
    pub details: HeldDetails,
}

pub async fn record_contact_held(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordContactHeld,
) -> AppResult<contact::Model> {
    let of_organisation = |id| {
        contact::Entity::find_by_id(id).filter(contact::Column::OrganisationId.eq(actor.principal.organisation_id))
    };
    let planned = of_organisation(cmd.contact_id).one(txn).await?.ok_or(AppError::NotFound("contact"))?;
    let w = RecordWrite::begin(actor, txn, planned.child_id).await?;
    // Read again under the trajectory's lock, so that two workers cannot both mark it held.
    let planned = of_organisation(cmd.contact_id).one(txn).await?.ok_or(AppError::NotFound("contact"))?;
    if planned.held_on.is_some() {
        return Err(AppError::Conflict("this contact has already been recorded as held".into()));
    }
    if planned.trajectory_id != w.trajectory.id {
        return Err(AppError::Conflict("this contact belongs to an earlier trajectory".into()));
    }
    let mut v = Vec::new();
    let participants = check_participants(&cmd.participants, &mut v);
    let held_on = record_date(cmd.held_on, w.trajectory.admission_date, "input.heldOn")?;
    require_summary(cmd.summary.as_deref(), &mut v);
    cmd.details.check(planned.kind, true, &mut v);
    check(v)?;
    let mut m: contact::ActiveModel = planned.into();
    cmd.details.apply(&mut m);
    m.held_on = Set(Some(held_on));
    m.participants = Set(participants.into());
    m.core_tasks = Set(list_to_json(&cmd.core_tasks));
    m.summary = Set(cmd.summary);
    m.agreements = Set(cmd.agreements);
    m.recorded_by_worker_id = Set(w.worker_id());
    m.updated_at = Set(Utc::now());
    let saved = m.update(txn).await?;
    w.log(AccessAction::Update, AREA).await?;
    Ok(saved)
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
