//! Trajectory (begeleidingstraject): one child's track as a client.
use crate::{CareSetting, EndReason, Phase};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trajectory")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub family_id: Uuid,
    pub responsible_worker_id: Uuid,
    pub phase: Phase,
    pub setting: CareSetting,
    pub admission_date: Date,
    /// When the current phase began; the start of phase 1 is the admission date.
    pub phase_started_on: Date,
    pub end_date: Option<Date>,
    pub end_reason: Option<EndReason>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
