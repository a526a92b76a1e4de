//! A Handle with Care notice sent to a school after an incident.
use crate::IncidentKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "handle_with_care_notice")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub partner_id: Uuid,
    pub incident_kind: IncidentKind,
    pub occurred_at: DateTimeUtc,
    /// The start of the next school day after the incident.
    pub due_by: DateTimeUtc,
    /// The outbox message carrying the notice.
    pub message_id: Uuid,
    /// The planned driegesprek (parent, worker, school contact).
    pub contact_id: Option<Uuid>,
    pub recorded_by_worker_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
