//! Veiligheidstaxatie (Signs of Safety).
use crate::SafetyJudgement;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "safety_assessment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub trajectory_id: Uuid,
    pub recorded_by_worker_id: Option<Uuid>,
    pub assessed_on: Date,
    /// Worries, including danger statements (zorgen, gevaarsuitspraken).
    pub worries: String,
    pub complicating_factors: Option<String>,
    pub what_works_well: Option<String>,
    /// What needs to happen (veiligheidsdoelen).
    pub safety_goals: String,
    pub judgement: SafetyJudgement,
    pub tools_used: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
