//! Signaal in de Verwijsindex risicojongeren: the fact that we are involved with a child. Never its reason.
use crate::{SignalStatus, WithdrawalReason};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reference_index_signal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub partner_id: Uuid,
    pub status: SignalStatus,
    pub contact_worker_id: Option<Uuid>,
    pub contact_name: String,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub start_on: Date,
    /// At most 2 years after the start, and before the child's 23rd birthday.
    pub end_on: Date,
    pub registered_at: Option<DateTimeUtc>,
    /// When it was withdrawn or expired.
    pub ended_at: Option<DateTimeUtc>,
    pub withdrawal_reason: Option<WithdrawalReason>,
    /// Kept here; never sent.
    pub withdrawal_note: Option<String>,
    pub parent_informed_on: Option<Date>,
    pub parent_informed_by_worker_id: Option<Uuid>,
    pub child_informed_on: Option<Date>,
    pub child_informed_by_worker_id: Option<Uuid>,
    pub recorded_by_worker_id: Option<Uuid>,
    pub updated_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
