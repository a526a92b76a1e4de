//! Warme overdracht: handing one or more children of a family over to a partner.
use crate::{HandoverDirection, HandoverStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "handover")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub partner_id: Uuid,
    pub family_id: Uuid,
    /// The children handed over: a JSON array of person ids.
    pub children: Json,
    pub direction: HandoverDirection,
    pub reason: String,
    /// What is asked of the receiver.
    pub question: String,
    /// The proposed joint meeting; none means date and place are to be agreed.
    pub meeting_proposed_at: Option<DateTimeUtc>,
    pub meeting_place: Option<String>,
    pub went_well: Option<String>,
    pub open_worries: Option<String>,
    pub safety_monitoring: Option<String>,
    pub status: HandoverStatus,
    pub decline_reason: Option<String>,
    /// The outbox message that carried the package.
    pub message_id: Option<Uuid>,
    pub meeting_held_on: Option<Date>,
    pub meeting_notes: Option<String>,
    pub created_by_worker_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
