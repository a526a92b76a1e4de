//! Resultaat: a result of bijlage 1 that no other record shows, confirmed by a worker
//! (e.g. "Kind voelt zich welkom", IB 2219).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "board_result")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub trajectory_id: Uuid,
    pub recorded_by_worker_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// The board item's key.
    pub key: String,
    pub achieved_on: Date,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
