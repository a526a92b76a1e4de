//! Persons (persoon): the identity part of a child's or adult's record.

use super::{
    context::{ContextExt, in_transaction},
    ids,
    loaders::PersonId,
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::persons::{self, UpdatePerson},
    domain::age::age_on,
    error::{AppError, AppResult},
    policy::{self, Ground},
};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::Utc;
use entities::{Sex, person};
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

payload! {
    /// The result of `updatePerson`.
    UpdatePersonPayload { person: Person }
}

#[derive(Default)]
pub struct PersonMutation;

/// `null` removes a value, leaving the field out keeps it.
fn change<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Value(v) => Some(Some(v)),
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Undefined => None,
    }
}

#[Object]
impl PersonMutation {
    /// Corrects a person's record. Every change is in the access log.
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: UpdatePersonInput,
    ) -> AppResult<UpdatePersonPayload> {
        let command = UpdatePerson {
            id: ids::decode(&input.id, "Person", "input.id")?,
            given_name: input.given_name,
            family_name: input.family_name,
            date_of_birth: input.date_of_birth.map(|d| d.0),
            bsn: change(input.bsn),
            sex: input.sex,
            gender_identity: change(input.gender_identity),
        };
        let (updated, ground) =
            in_transaction(ctx, async |actor, txn| persons::update_person(actor, txn, command).await).await?;
        Ok(UpdatePersonPayload::new(Person::read(ctx, updated, &ground)))
    }
}
