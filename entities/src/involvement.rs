//! Betrokkenheid: a partner or professional involved with a child, since when, in what role.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "involvement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub partner_id: Option<Uuid>,
    pub professional_name: Option<String>,
    pub role: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub since: Date,
    pub until: Option<Date>,
    pub recorded_by_worker_id: Option<Uuid>,
    pub updated_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
