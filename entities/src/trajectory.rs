//! Trajectory (begeleidingstraject): one child's track as a client.
use crate::{AftercareDecision, CareSetting, EndReason, Phase};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trajectory")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub child_id: Uuid,
    pub family_id: Uuid,
    pub responsible_worker_id: Uuid,
    pub phase: Phase,
    pub setting: CareSetting,
    pub admission_date: Date,
    /// When the current phase began; the start of phase 1 is the admission date.
    pub phase_started_on: Date,
    pub end_date: Option<Date>,
    pub end_reason: Option<EndReason>,
    /// Verwachte vertrekdatum, recorded on entering phase 3.
    pub expected_departure_on: Option<Date>,
    /// Besluit over overdracht/nazorg, recorded on closing.
    pub aftercare_decision: Option<AftercareDecision>,
    pub aftercare_note: Option<String>,
    /// When the aftercare was decided (in phase 3, or at closing).
    pub aftercare_decided_on: Option<Date>,
    /// The warm handover the decision led to.
    pub aftercare_handover_id: Option<Uuid>,
    /// Afspraken over het monitoren van de veiligheid na vertrek (IB 2514, 2532).
    pub safety_monitoring: Option<String>,
    /// Why phase 1 was left without every activity done, when that happened.
    pub phase1_exit_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
