//! Inzage gemeente: a municipality an organisation lets read its norm figures, aggregates only.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "municipality_access")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// The municipality's slug, as in its users' `municipality` claim (e.g. `utrecht`).
    pub municipality: String,
    pub granted_by_worker_id: Option<Uuid>,
    pub granted_at: DateTimeUtc,
    pub revoked_by_worker_id: Option<Uuid>,
    /// None while the access stands.
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
