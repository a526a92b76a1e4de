//! One of the five Meldcode steps, as recorded.
use crate::MeldcodeDecision;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reporting_code_step")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub track_id: Uuid,
    pub step: i32,
    pub recorded_on: Date,
    pub worker_id: Option<Uuid>,
    pub outcome: String,
    pub consulted_veilig_thuis: Option<bool>,
    pub decision: Option<MeldcodeDecision>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
