//! A Meldcode track opened by a 'niet goed genoeg' safety judgement.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reporting_code_track")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    /// The child's trajectory; none for a child of the family who did not come to the shelter.
    pub trajectory_id: Option<Uuid>,
    pub family_id: Uuid,
    pub recorded_by_worker_id: Option<Uuid>,
    /// What opened the track.
    pub signal: crate::ReportingCodeSignal,
    pub signal_description: Option<String>,
    /// The "niet goed genoeg" assessment that opened it, if one did.
    pub safety_assessment_id: Option<Uuid>,
    pub opened_on: Date,
    pub closed_on: Option<Date>,
    pub close_reason: Option<crate::ReportingCodeCloseReason>,
    /// Why the suspicion was not confirmed, or a note on closing.
    pub close_note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
