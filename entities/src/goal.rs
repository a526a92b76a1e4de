//! A goal of an action plan, in the family's own words.
use crate::CoreTask;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "goal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub plan_id: Uuid,
    pub text: String,
    /// Sub-goals a–j it serves.
    pub sub_goals: Json,
    pub core_task: CoreTask,
    /// Set when the sub-goals were stored under the letters' old meanings and no counterpart
    /// existed (migration 12); cleared when the goal is revised.
    pub needs_review: bool,
    /// What the old letters meant, for whoever reviews the goal.
    pub review_note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
