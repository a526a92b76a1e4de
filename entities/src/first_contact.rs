//! First contact (eerste contact, norm 1): warm welcome, practical information, risks, network.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "first_contact")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub trajectory_id: Uuid,
    pub recorded_by_worker_id: Option<Uuid>,
    pub contact_on: Date,
    pub warm_welcome: bool,
    pub house_rules_explained: bool,
    pub complaints_procedure_explained: bool,
    /// Vertrouwenspersoon explained.
    pub confidant_explained: bool,
    pub risk_violence: bool,
    pub risk_trauma: bool,
    pub risk_development: bool,
    pub risk_notes: Option<String>,
    /// School, clubs and custody mapped with the parent.
    pub network_mapped_with_parent: bool,
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
