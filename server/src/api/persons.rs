//! Persons (persoon): the identity part of a child's or adult's record.

use super::{context::ContextExt, ids, loaders::PersonId, scalars::Date};
use crate::{
    audit::{self, AccessEvent},
    domain::{
        admission::{AGE_OF_MAJORITY, check_bsn, check_date_of_birth},
        age::age_on,
    },
    error::{AppError, AppResult, Violation},
    policy::{self, Ground},
};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::Utc;
use entities::{AccessAction, Sex, custody, person, trajectory};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use uuid::Uuid;

/// Persoon: a child or an adult as registered.
pub struct Person(pub person::Model);

impl Person {
    /// Wraps a record for the response; the read is written to the access log.
    pub fn read(ctx: &Context<'_>, model: person::Model, ground: &Ground) -> Self {
        ctx.log_read(model.id, "identity", ground);
        Self(model)
    }

    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        let ground = policy::read_cases(ctx.principal()?)?;
        let model = ctx.loader().load_one(PersonId(id)).await?.ok_or(AppError::NotFound("person"))?;
        Ok(Self::read(ctx, model, &ground))
    }
}

#[Object]
impl Person {
    pub async fn id(&self) -> ID {
        ids::encode("Person", self.0.id)
    }
    /// Voornaam.
    async fn given_name(&self) -> &str {
        &self.0.given_name
    }
    /// Achternaam.
    async fn family_name(&self) -> &str {
        &self.0.family_name
    }
    /// Geboortedatum.
    async fn date_of_birth(&self) -> Date {
        Date(self.0.date_of_birth)
    }
    /// Age in completed years today.
    async fn age(&self) -> i32 {
        age_on(self.0.date_of_birth, Utc::now().date_naive())
    }
    /// Burgerservicenummer, when known.
    async fn bsn(&self) -> Option<&str> {
        self.0.bsn.as_deref()
    }
    /// Geslacht as recorded.
    async fn sex(&self) -> Sex {
        self.0.sex
    }
    /// Gender identity in the person's own words, when recorded.
    async fn gender_identity(&self) -> Option<&str> {
        self.0.gender_identity.as_deref()
    }
}


#[derive(InputObject)]
pub struct UpdatePersonInput {
    pub id: ID,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub date_of_birth: Option<Date>,
    /// A new BSN; `null` removes it.
    pub bsn: MaybeUndefined<String>,
    pub sex: Option<Sex>,
    /// `null` removes it.
    pub gender_identity: MaybeUndefined<String>,
}

#[derive(Default)]
pub struct PersonMutation;

#[Object]
impl PersonMutation {
    /// Corrects a person's record. Every change is in the access log.
    async fn update_person(&self, ctx: &Context<'_>, input: UpdatePersonInput) -> AppResult<Person> {
        let p = ctx.principal()?;
        let ground = policy::edit_cases(p)?;
        let id = ids::decode(&input.id, "Person", "input.id")?;
        let txn = ctx.db().begin().await?;
        let current = person::Entity::find_by_id(id)
            .filter(person::Column::OrganisationId.eq(p.organisation_id))
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound("person"))?;

        let today = Utc::now().date_naive();
        let mut v: Vec<Violation> = Vec::new();
        let mut model: person::ActiveModel = current.clone().into();
        for (value, field, column) in [
            (&input.given_name, "input.givenName", &mut model.given_name),
            (&input.family_name, "input.familyName", &mut model.family_name),
        ] {
            if let Some(name) = value {
                if name.trim().is_empty() {
                    v.push(Violation::new(field, "must not be empty"));
                }
                *column = Set(name.trim().to_string());
            }
        }
        if let Some(Date(dob)) = input.date_of_birth {
            check_date_of_birth(dob, "input.dateOfBirth", today, &mut v);
            check_dob_still_fits(&txn, id, dob, &mut v).await?;
            model.date_of_birth = Set(dob);
        }
        match &input.bsn {
            MaybeUndefined::Value(b) => {
                if let Some(bsn) = check_bsn(b, "input.bsn", &mut v) {
                    model.bsn = Set(Some(bsn.to_string()));
                }
            }
            MaybeUndefined::Null => model.bsn = Set(None),
            MaybeUndefined::Undefined => {}
        }
        if let Some(sex) = input.sex {
            model.sex = Set(sex);
        }
        match &input.gender_identity {
            MaybeUndefined::Value(g) => model.gender_identity = Set(Some(g.clone())),
            MaybeUndefined::Null => model.gender_identity = Set(None),
            MaybeUndefined::Undefined => {}
        }
        if !v.is_empty() {
            return Err(AppError::BadUserInput(v));
        }
        if let Set(Some(bsn)) = &model.bsn {
            crate::cases::admission::ensure_bsn_free(&txn, p.organisation_id, bsn, Some(id)).await?;
        }
        model.updated_at = Set(Utc::now());
        let updated = model.update(&txn).await?;
        audit::append(&txn, p, &ctx.state().meta, &[AccessEvent::new(id, AccessAction::Update, "identity", &ground)]).await?;
        txn.commit().await?;
        Ok(Person::read(ctx, updated, &ground))
    }
}

/// A corrected date of birth must keep the record consistent: a child with a trajectory
/// stays under 18 at admission, and a custodian stays an adult.
async fn check_dob_still_fits<C: ConnectionTrait>(db: &C, id: Uuid, dob: chrono::NaiveDate, v: &mut Vec<Violation>) -> AppResult<()> {
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
