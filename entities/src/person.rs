//! Person (persoon): a child or an adult.
use crate::Sex;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Date,
    /// Elfproef-checked BSN; optional because many children arrive without one known.
    pub bsn: Option<String>,
    pub sex: Sex,
    /// Gender identity in the person's own words, when it differs from the recorded sex.
    pub gender_identity: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
