//! What the API's view of every method record shares: who recorded it, reading it under the
//! policy with an access-log entry, and decoding ids into field errors. Writing them is
//! `cases::records`.

pub use crate::cases::records::check;
use crate::{
    api::{context::ContextExt, loaders::WorkerId, organisation::Worker},
    error::{AppError, AppResult, Violation},
    policy::{self, Ground},
};
use async_graphql::{Context, ID};
use uuid::Uuid;

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
