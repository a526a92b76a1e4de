//! Aanmelding: a family a partner asks the shelter to take in, waiting for a worker to admit it.
use crate::ReferralStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referral")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub partner_id: Uuid,
    /// The partner's id of the referral.
    pub external_id: Uuid,
    /// The referral message as received.
    pub payload: String,
    pub status: ReferralStatus,
    /// The family admitted from it.
    pub family_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
