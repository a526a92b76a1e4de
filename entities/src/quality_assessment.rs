//! Kwaliteitsinstrument Veerkracht: a location's self-assessment for a year (IB 920-932).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quality_assessment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub location_id: Uuid,
    pub year: i32,
    /// The score of each item answered, by item key: `{"CHILD_IN_VIEW_TALKS": 2, …}` (0 to 2).
    pub scores: Json,
    /// Verbeterplan: what the location will improve, from the outcome.
    pub improvement_plan: Option<String>,
    pub signed_by_worker_id: Option<Uuid>,
    /// None while it is a draft; signed, it no longer changes.
    pub signed_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
