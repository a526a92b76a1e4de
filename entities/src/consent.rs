//! Toestemming: a decision about sharing part of a child's record with a partner (or a kind of partner), or an override without consent.
use crate::{ConsentDecision, ConsentPurpose, PartnerKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub purpose: ConsentPurpose,
    /// One partner, or every partner of `partner_kind`.
    pub partner_id: Option<Uuid>,
    pub partner_kind: Option<PartnerKind>,
    /// The parts covered: a JSON array of `ConsentScope` names.
    pub scope: Json,
    pub decision: ConsentDecision,
    /// The persons who decided: a JSON array of person ids (the child and/or custodial parents).
    pub given_by: Json,
    /// Why an override was needed, or what a refusal said.
    pub reason: Option<String>,
    pub decided_on: Date,
    pub valid_until: Option<Date>,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub withdrawal_reason: Option<String>,
    pub recorded_by_worker_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
