//! Niet-meegekomen ouder: what the investigation of the parent who did not come along found
//! (IB 525-531, 1678-1688; bijlage 1 Ouders en opvoeding, fase 1, IB 2167).
use crate::{NonAccompanyingParentOutcome, ParentRisk};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "non_accompanying_parent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub trajectory_id: Uuid,
    pub recorded_by_worker_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// The parent, when registered as a person (a family member).
    pub person_id: Option<Uuid>,
    /// The parent's name, when not registered.
    pub name: Option<String>,
    pub investigated_on: Date,
    /// Gezag; none when not known.
    pub has_custody: Option<bool>,
    pub risk: ParentRisk,
    /// How the parent is kept informed about the child.
    pub informed_how: Option<String>,
    /// How the parent is involved in the child's support.
    pub involvement: Option<String>,
    /// Omgangsregeling: contact between parent and child.
    pub contact_arrangement: Option<String>,
    pub outcome: NonAccompanyingParentOutcome,
    pub notes: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
