//! Persons (persoon): corrections to the identity part of a child's or adult's record.

use super::Actor;
use crate::{
    audit::{self, AccessEvent},
    domain::{
        admission::{AGE_OF_MAJORITY, check_bsn, check_date_of_birth},
        age::age_on,
    },
    error::{AppError, AppResult, Violation},
    policy::{self, Ground},
};
use chrono::{NaiveDate, Utc};
use entities::{AccessAction, Sex, custody, person, trajectory};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    SqlErr,
};
use uuid::Uuid;

/// A correction of a person's record. `None` leaves a field as it is; for the optional fields,
/// `Some(None)` removes the value.
#[derive(Debug, Clone, Default)]
pub struct UpdatePerson {
    pub id: Uuid,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub bsn: Option<Option<String>>,
    pub sex: Option<Sex>,
    pub gender_identity: Option<Option<String>>,
}

/// Corrects a person's record; the change is in the access log. Returns the record and the
/// ground on which the actor may read it.
pub async fn update_person(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: UpdatePerson,
) -> AppResult<(person::Model, Ground)> {
    let p = actor.principal;
    let ground = policy::edit_cases(p)?;
    let current = person::Entity::find_by_id(cmd.id)
        .filter(person::Column::OrganisationId.eq(p.organisation_id))
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("person"))?;

    let today = Utc::now().date_naive();
    let mut v: Vec<Violation> = Vec::new();
    let mut model: person::ActiveModel = current.into();
    for (value, field, column) in [
        (&cmd.given_name, "input.givenName", &mut model.given_name),
        (&cmd.family_name, "input.familyName", &mut model.family_name),
    ] {
        if let Some(name) = value {
            if name.trim().is_empty() {
                v.push(Violation::new(field, "must not be empty"));
            }
            *column = Set(name.trim().to_string());
        }
    }
    if let Some(dob) = cmd.date_of_birth {
        check_date_of_birth(dob, "input.dateOfBirth", today, &mut v);
        check_dob_still_fits(txn, cmd.id, dob, &mut v).await?;
        model.date_of_birth = Set(dob);
    }
    match &cmd.bsn {
        Some(Some(b)) => {
            if let Some(bsn) = check_bsn(b, "input.bsn", &mut v) {
                model.bsn = Set(Some(bsn.to_string()));
            }
        }
        Some(None) => model.bsn = Set(None),
        None => {}
    }
    if let Some(sex) = cmd.sex {
        model.sex = Set(sex);
    }
    if let Some(g) = cmd.gender_identity {
        model.gender_identity = Set(g);
    }
    if !v.is_empty() {
        return Err(AppError::BadUserInput(v));
    }
    model.updated_at = Set(Utc::now());
    // The unique index `ux_person_bsn` decides whether the BSN is free (a look first would
    // race with another registration of it).
    let updated = model.update(txn).await.map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Taken(Violation::new(
            "input.bsn",
            "a person with this BSN is already registered in your organisation",
        )),
        _ => e.into(),
    })?;
    audit::append(txn, p, actor.meta, &[AccessEvent::new(cmd.id, AccessAction::Update, "identity", &ground)]).await?;
    Ok((updated, ground))
}

/// A corrected date of birth must keep the record consistent: a child with a trajectory
/// stays under 18 at admission, and a custodian stays an adult.
async fn check_dob_still_fits<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    dob: NaiveDate,
    v: &mut Vec<Violation>,
) -> AppResult<()> {
    let trajectories = trajectory::Entity::find().filter(trajectory::Column::ChildId.eq(id)).all(db).await?;
    if trajectories.iter().any(|t| age_on(dob, t.admission_date) >= AGE_OF_MAJORITY) {
        v.push(Violation::new("input.dateOfBirth", "a child must be under 18 at admission"));
    }
    let holds_custody = custody::Entity::find().filter(custody::Column::CustodianId.eq(id)).one(db).await?.is_some();
    if holds_custody && age_on(dob, Utc::now().date_naive()) < AGE_OF_MAJORITY {
        v.push(Violation::new("input.dateOfBirth", "this person holds custody and must be an adult"));
    }
    Ok(())
}
