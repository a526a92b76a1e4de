//! Leef- en opvoedklimaat: the checklist of the core task Positief leef- en opvoedklimaat for
//! one phase, as found on one day (IB 2200-2225, 2387, 2599).
use crate::Phase;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "living_climate_check")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub trajectory_id: Uuid,
    pub recorded_by_worker_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub phase: Phase,
    pub checked_on: Date,
    /// The items of the phase's checklist found in order (`LivingClimateItem` names).
    pub met: Json,
    pub notes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
