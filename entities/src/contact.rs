//! Contact (gesprek / contactmoment) about a child, planned or held.
use crate::ContactKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub trajectory_id: Uuid,
    pub recorded_by_worker_id: Option<Uuid>,
    pub kind: ContactKind,
    pub planned_on: Option<Date>,
    pub held_on: Option<Date>,
    /// Names of those who took part.
    pub participants: Json,
    /// Core tasks (kerntaken) the contact served.
    pub core_tasks: Json,
    pub summary: Option<String>,
    pub agreements: Option<String>,
    /// How long it took, for hours per child (IB 1043-1050).
    pub duration_minutes: Option<i32>,
    /// What it was about (`ContactTopic` names).
    pub topics: Json,
    /// A kindgesprek held with this child alone, apart from brothers and sisters (NK fn. 6).
    pub individual: Option<bool>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
