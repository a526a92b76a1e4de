//! What every record of the method shares: it belongs to one child's open trajectory, is
//! written under the policy module and appears in the access log.

pub use crate::cases::records::check;
use crate::{
    cases::records,
    audit::{self, AccessEvent},
    auth::Principal,
    error::{AppError, AppResult, Violation},
    api::{context::ContextExt, loaders::WorkerId, organisation::Worker},
    policy::{self, Ground},
};
use async_graphql::{Context, ID};
use entities::{AccessAction, trajectory};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use uuid::Uuid;

/// A write to a child's record in progress: the transaction, who writes, and on what grounds.
pub struct RecordWrite<'a> {
    pub txn: DatabaseTransaction,
    pub principal: &'a Principal,
    pub ground: Ground,
    pub trajectory: trajectory::Model,
    pub child_id: Uuid,
}

impl<'a> RecordWrite<'a> {
    /// Starts a write to a child's method records: checks the role, finds the child's
    /// trajectory in the principal's organisation (NOT_FOUND otherwise) and requires it to be
    /// open. `field` names the child id in the input.
    pub async fn begin(ctx: &'a Context<'_>, child: &ID, field: &str) -> AppResult<Self> {
        Self::begin_for(ctx, super::ids::decode(child, "Child", field)?).await
    }

    /// As [`RecordWrite::begin`], for a child found through one of its records.
    pub async fn begin_for(ctx: &'a Context<'_>, child_id: Uuid) -> AppResult<Self> {
        let principal = ctx.principal()?;
        let txn = ctx.db().begin().await?;
        let (ground, trajectory) = records::open(principal, &txn, child_id).await?;
        Ok(Self { txn, principal, ground, trajectory, child_id })
    }

    pub fn worker_id(&self) -> Option<Uuid> {
        self.principal.worker_id
    }

    /// Logs the change in `area` and commits.
    pub async fn commit(self, ctx: &Context<'_>, action: AccessAction, area: &'static str) -> AppResult<()> {
        let event = AccessEvent::new(self.child_id, action, area, &self.ground);
        audit::append(&self.txn, self.principal, &ctx.state().meta, &[event]).await?;
        self.txn.commit().await?;
        Ok(())
    }
}

/// The worker who recorded something, if known.
pub async fn recorded_by(ctx: &Context<'_>, worker: Option<Uuid>) -> AppResult<Option<Worker>> {
    match worker {
        Some(id) => Ok(ctx.loader().load_one(WorkerId(id)).await?.map(Worker)),
        None => Ok(None),
    }
}

/// Decodes an optional id into `violations` rather than failing at the first bad one.
pub fn decode_into(id: &ID, kind: &'static str, field: &str, violations: &mut Vec<Violation>) -> Option<Uuid> {
    match super::ids::decode(id, kind, field) {
        Ok(u) => Some(u),
        Err(AppError::BadUserInput(mut e)) => {
            violations.append(&mut e);
            None
        }
        Err(_) => None,
    }
}

/// Checks that the principal may read the method's records and logs the read of `area`
/// of the child's record. Returns the ground for further checks.
pub fn read_records(ctx: &Context<'_>, child_id: Uuid, area: &'static str) -> AppResult<Ground> {
    let ground = policy::read_cases(ctx.principal()?)?;
    ctx.log_read(child_id, area, &ground);
    Ok(ground)
}
