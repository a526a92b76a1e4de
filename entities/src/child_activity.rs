//! Activiteit: something the shelter organised for the child, and whether the child (and the
//! parent) took part (IB 2391-2398, 2606, 2613).
use crate::ActivityKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "child_activity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub trajectory_id: Uuid,
    pub recorded_by_worker_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub held_on: Date,
    pub kind: ActivityKind,
    pub description: String,
    pub child_took_part: bool,
    pub parent_took_part: Option<bool>,
    /// The activity goes on after the stay (e.g. a club near the new home): continuity (IB 2613).
    pub continues_after_departure: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
