//! Psycho-educatie offered to the child or a parent, individually or in a group, in-house or
//! elsewhere, and whether they took part (norm 10, NK 169; PP9 121-138).
use crate::{PsychoEducationAudience, PsychoEducationForm};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "psycho_education")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub trajectory_id: Uuid,
    pub recorded_by_worker_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub offered_on: Date,
    pub audience: PsychoEducationAudience,
    pub form: PsychoEducationForm,
    /// Given by another organisation (extern).
    pub external: bool,
    pub took_part: bool,
    pub topic: Option<String>,
    pub duration_minutes: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
