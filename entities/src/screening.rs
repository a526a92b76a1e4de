//! A screening instrument administration: the answers as given and the scores computed from them.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "screening")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub trajectory_id: Uuid,
    pub recorded_by_worker_id: Option<Uuid>,
    pub instrument: String,
    pub instrument_version: String,
    pub informant: String,
    pub administered_on: Date,
    /// The answers as given, by item number (`domain::screening::Answer`s).
    #[sea_orm(column_type = "Json")]
    pub answers: crate::JsonText,
    /// The scores computed from them (`domain::screening::Outcome`).
    #[sea_orm(column_type = "Json")]
    pub result: crate::JsonText,
    /// The result talked through with the parent (IB 2134).
    pub discussed_with_parent_on: Option<Date>,
    /// The result talked through with the child, as fits its age.
    pub discussed_with_child_on: Option<Date>,
    pub follow_up: Option<crate::ScreeningFollowUp>,
    /// Why, in the worker's words; required for NO_FURTHER_STEP.
    pub follow_up_note: Option<String>,
    /// Who filled in a teacher form: the teacher or the worker (IB 438-439).
    pub filled_in_by: Option<crate::TeacherFormBy>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
