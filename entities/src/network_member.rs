//! Netwerkpersoon: someone who finds it important that this child is doing well.
use crate::NetworkRelation;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "network_member")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    /// The registered person, e.g. the non-accompanying parent.
    pub person_id: Option<Uuid>,
    pub name: String,
    pub relation: NetworkRelation,
    pub role_for_child: Option<String>,
    /// Whether contact with the child is safe.
    pub contact_safe: bool,
    pub restrictions: Option<String>,
    pub contact_details: Option<String>,
    pub what_they_can_do: Option<String>,
    /// Agreed to be named to chain partners (in a handover package).
    pub agreed_to_be_named: bool,
    pub recorded_by_worker_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
