//! What every record of the method shares: it belongs to one child's open trajectory, is
//! written under the policy module and appears in the access log.

use super::{Actor, trajectories};
use crate::{
    audit::{self, AccessEvent},
    auth::Principal,
    error::{AppError, AppResult, Violation},
    policy::{self, Ground},
};
use chrono::{NaiveDate, Utc};
use entities::{AccessAction, Phase, trajectory};
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

/// Checks that `principal` may record the method for the child, and finds and locks the child's
/// trajectory in their organisation (NOT_FOUND otherwise), which must be open.
async fn open(
    principal: &Principal,
    txn: &DatabaseTransaction,
    child_id: Uuid,
) -> AppResult<(Ground, trajectory::Model)> {
    let ground = policy::record_method(principal)?;
    let trajectory = trajectories::for_update(txn, principal.organisation_id, child_id).await?;
    if trajectory.phase == Phase::Closed {
        return Err(AppError::Conflict("the child's trajectory is closed".into()));
    }
    Ok((ground, trajectory))
}

/// A write to a child's method records in progress, inside the caller's transaction.
pub struct RecordWrite<'a> {
    pub txn: &'a DatabaseTransaction,
    pub actor: Actor<'a>,
    pub ground: Ground,
    pub trajectory: trajectory::Model,
    pub child_id: Uuid,
}

impl<'a> RecordWrite<'a> {
    /// Starts a write to the child's records: checks the role, finds and locks the open trajectory.
    pub async fn begin(actor: Actor<'a>, txn: &'a DatabaseTransaction, child_id: Uuid) -> AppResult<Self> {
        let (ground, trajectory) = open(actor.principal, txn, child_id).await?;
        Ok(Self { txn, actor, ground, trajectory, child_id })
    }

    pub fn organisation_id(&self) -> Uuid {
        self.actor.principal.organisation_id
    }

    /// The worker recording, if the principal is one.
    pub fn worker_id(&self) -> Option<Uuid> {
        self.actor.principal.worker_id
    }

    /// Logs the change of `area` of the child's record.
    pub async fn log(&self, action: AccessAction, area: &'static str) -> AppResult<()> {
        let event = AccessEvent::new(self.child_id, action, area, &self.ground);
        audit::append(self.txn, self.actor.principal, self.actor.meta, &[event]).await
    }
}

/// A record's date: today when left out, never in the future nor before admission.
pub fn record_date(date: Option<NaiveDate>, admission_date: NaiveDate, field: &str) -> AppResult<NaiveDate> {
    let today = Utc::now().date_naive();
    let d = date.unwrap_or(today);
    if d > today {
        return Err(AppError::invalid(field, "this date lies in the future"));
    }
    if d < admission_date {
        return Err(AppError::invalid(field, "this date lies before the admission"));
    }
    Ok(d)
}

/// A text field as given, trimmed; `None` when left out or blank.
pub fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Fails with every violation collected, if there are any.
pub fn check(violations: Vec<Violation>) -> AppResult<()> {
    if violations.is_empty() { Ok(()) } else { Err(AppError::BadUserInput(violations)) }
}
