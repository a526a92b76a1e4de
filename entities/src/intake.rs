//! Kinderintake: structured answers about the child's world.
use crate::EducationKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "intake")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub trajectory_id: Uuid,
    pub recorded_by_worker_id: Option<Uuid>,
    pub held_on: Date,
    pub education_kind: EducationKind,
    pub education_name: Option<String>,
    pub education_contact_name: Option<String>,
    pub education_contact_phone: Option<String>,
    pub education_contact_email: Option<String>,
    /// Clubs and activities (verenigingen).
    pub clubs: Option<String>,
    /// Health, including the jeugdarts.
    pub health: Option<String>,
    pub existing_help: Option<String>,
    pub custody_situation: Option<String>,
    /// How the child experiences the situation, in their words (from age 4).
    pub child_experience: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
