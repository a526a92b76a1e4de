//! Partner grant: workers of a chain partner (e.g. a wijkteam) may take part in one child's
//! intake until `valid_until`, backed by consent of scope "co-run intake".
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_grant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub partner_id: Uuid,
    pub child_id: Uuid,
    /// The consent (or override) it rests on, as logged.
    pub ground: String,
    pub valid_until: Date,
    pub revoked_at: Option<DateTimeUtc>,
    pub granted_by_worker_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
