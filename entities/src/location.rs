//! Location (opvanglocatie).
use crate::{CareSetting, LocationKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "location")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub kind: LocationKind,
    pub setting: CareSetting,
    /// Geheim adres: the address never leaves the organisation.
    pub secret_address: bool,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
