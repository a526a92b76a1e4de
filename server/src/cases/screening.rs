//! Screening (SDQ, CRIES-13): answers stored by item number, scores computed by the engine in
//! `domain::screening`, never typed in by a worker.

use super::{
    Actor,
    records::{RecordWrite, check, non_empty, record_date},
};
use crate::{
    domain::{
        age::age_on,
        screening::{self, Answer, Informant},
    },
    error::{AppError, AppResult, Violation},
};
use chrono::{NaiveDate, Utc};
use entities::{AccessAction, JsonText, ScreeningFollowUp, TeacherFormBy, person, screening as screening_row};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Afname: one informant's answers to an instrument.
#[derive(Debug, Clone)]
pub struct RecordScreening {
    pub child_id: Uuid,
    /// Instrument code (see `domain::screening::INSTRUMENTS`).
    pub instrument: String,
    pub informant: Informant,
    /// Today when left out.
    pub administered_on: Option<NaiveDate>,
    pub answers: Vec<Answer>,
    /// For a teacher form: whether the teacher or the worker filled it in (required then).
    pub filled_in_by: Option<TeacherFormBy>,
}

/// Records a screening's answers with the scores, band and flag the engine computes from them.
pub async fn record_screening(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordScreening,
) -> AppResult<screening_row::Model> {
    let instrument = screening::instrument(&cmd.instrument).ok_or_else(|| {
        let known: Vec<&str> = screening::INSTRUMENTS.iter().map(|i| i.code.as_str()).collect();
        AppError::invalid("input.instrument", format!("unknown instrument; one of {}", known.join(", ")))
    })?;
    match (cmd.informant, cmd.filled_in_by) {
        (Informant::Teacher, None) => {
            return Err(AppError::invalid(
                "input.filledInBy",
                "say whether the teacher or the worker filled in the teacher form",
            ));
        }
        (Informant::Parent | Informant::SelfReport, Some(_)) => {
            return Err(AppError::invalid("input.filledInBy", "only for a teacher form"));
        }
        _ => {}
    }
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let administered_on = record_date(cmd.administered_on, w.trajectory.admission_date, "input.administeredOn")?;
    let child = person::Entity::find_by_id(w.child_id).one(txn).await?.ok_or(AppError::NotFound("child"))?;
    let outcome = instrument
        .score(cmd.informant, age_on(child.date_of_birth, administered_on), &cmd.answers, "input")
        .map_err(AppError::BadUserInput)?;
    let now = Utc::now();
    let saved = screening_row::ActiveModel::from(screening_row::Model {
        id: Uuid::now_v7(),
        organisation_id: w.organisation_id(),
        child_id: w.child_id,
        trajectory_id: w.trajectory.id,
        recorded_by_worker_id: w.worker_id(),
        instrument: instrument.code.clone(),
        instrument_version: instrument.version.clone(),
        informant: cmd.informant.as_str().into(),
        administered_on,
        answers: JsonText::of(&cmd.answers).map_err(AppError::internal)?,
        result: JsonText::of(&outcome).map_err(AppError::internal)?,
        discussed_with_parent_on: None,
        discussed_with_child_on: None,
        follow_up: None,
        follow_up_note: None,
        filled_in_by: cmd.filled_in_by,
        created_at: now,
        updated_at: now,
    })
    .insert(txn)
    .await?;
    w.log(AccessAction::Create, "screening").await?;
    Ok(saved)
}

/// The result discussed and what follows it.
#[derive(Debug, Clone)]
pub struct RecordScreeningFollowUp {
    pub screening_id: Uuid,
    pub discussed_with_parent_on: Option<NaiveDate>,
    pub discussed_with_child_on: Option<NaiveDate>,
    pub follow_up: Option<ScreeningFollowUp>,
    pub note: Option<String>,
}

/// Records that a screening's result was discussed with the parent and the child, and what
/// follows it; what is left out stays as it was. A decision to take no further step says why.
pub async fn record_screening_follow_up(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordScreeningFollowUp,
) -> AppResult<screening_row::Model> {
    let found = screening_row::Entity::find_by_id(cmd.screening_id)
        .filter(screening_row::Column::OrganisationId.eq(actor.principal.organisation_id))
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("screening"))?;
    let w = RecordWrite::begin(actor, txn, found.child_id).await?;
    let mut v = Vec::new();
    let today = Utc::now().date_naive();
    for (day, field) in [
        (cmd.discussed_with_parent_on, "input.discussedWithParentOn"),
        (cmd.discussed_with_child_on, "input.discussedWithChildOn"),
    ] {
        match day {
            Some(d) if d > today => v.push(Violation::new(field, "this date lies in the future")),
            Some(d) if d < found.administered_on => v.push(Violation::new(field, "before the screening was taken")),
            _ => {}
        }
    }
    let note = non_empty(cmd.note);
    match (cmd.follow_up, &note) {
        (Some(ScreeningFollowUp::NoFurtherStep), None) => {
            v.push(Violation::new("input.note", "say why no further step follows"))
        }
        (None, Some(_)) => v.push(Violation::new("input.note", "a note goes with a followUp")),
        _ => {}
    }
    check(v)?;
    let mut m: screening_row::ActiveModel = found.into();
    if let Some(d) = cmd.discussed_with_parent_on {
        m.discussed_with_parent_on = Set(Some(d));
    }
    if let Some(d) = cmd.discussed_with_child_on {
        m.discussed_with_child_on = Set(Some(d));
    }
    if let Some(f) = cmd.follow_up {
        m.follow_up = Set(Some(f));
        m.follow_up_note = Set(note);
    }
    m.updated_at = Set(Utc::now());
    let saved = m.update(txn).await?;
    w.log(AccessAction::Update, "screening").await?;
    Ok(saved)
}
