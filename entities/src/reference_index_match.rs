//! Match or gezinsmatch from the Verwijsindex: another organisation is involved with this child or a sibling.
use crate::MatchKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reference_index_match")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub signal_id: Uuid,
    pub child_id: Uuid,
    pub kind: MatchKind,
    pub other_organisation: String,
    pub other_contact_name: String,
    pub other_contact_phone: Option<String>,
    pub other_contact_email: Option<String>,
    pub matched_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
