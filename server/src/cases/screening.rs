//! Screening (SDQ, CRIES-13): answers stored by item number, scores computed by the engine in
//! `domain::screening`, never typed in by a worker.

use super::{
    Actor,
    records::{RecordWrite, record_date},
};
use crate::{
    domain::{
        age::age_on,
        screening::{self, Answer, Informant},
    },
    error::{AppError, AppResult},
};
use chrono::{NaiveDate, Utc};
use entities::{AccessAction, person, screening as screening_row};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait};
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
}

/// Records a screening's answers with the scores, band and flag the engine computes from them.
pub async fn record_screening(actor: Actor<'_>, txn: &DatabaseTransaction, cmd: RecordScreening) -> AppResult<screening_row::Model> {
    let instrument = screening::instrument(&cmd.instrument).ok_or_else(|| {
        let known: Vec<&str> = screening::INSTRUMENTS.iter().map(|i| i.code.as_str()).collect();
        AppError::invalid("input.instrument", format!("unknown instrument; one of {}", known.join(", ")))
    })?;
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
        answers: serde_json::to_value(&cmd.answers).map_err(AppError::internal)?,
        result: serde_json::to_value(&outcome).map_err(AppError::internal)?,
        created_at: now,
        updated_at: now,
    })
    .insert(txn)
    .await?;
    w.log(AccessAction::Create, "screening").await?;
    Ok(saved)
}
