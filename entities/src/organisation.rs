//! Organisation (opvangorganisatie): the tenant boundary.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// Register every child with a BSN in the Verwijsindex at admission (Tussenvoorziening).
    pub reference_index_register_at_admission: bool,
    /// The central phone number and e-mail signals carry as the way to reach us.
    pub reference_index_contact_phone: Option<String>,
    pub reference_index_contact_email: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
