//! Use cases: every workflow of the system, one async function each, callable alike from the
//! GraphQL API, the partner inbox, the daily jobs, the seeders and the command line. A use case
//! takes the acting principal, the connection or transaction to work in and a typed command; it
//! asks the policy, applies the domain rules, writes rows and access-log events in the
//! transaction it is given, and queues partner messages. Nothing here knows GraphQL or HTTP.

pub mod activities;
pub mod admission;
pub mod board;
pub mod caseload;
pub mod chain_partners;
pub mod consent;
pub mod contacts;
pub mod grants;
pub mod handle_with_care;
pub mod handovers;
pub mod intake;
pub mod involvements;
pub mod municipality_access;
pub mod network;
pub mod norms;
pub mod partners;
pub mod persons;
pub mod plans;
pub mod quality;
pub mod records;
pub mod reference_index;
pub mod safety;
pub mod screening;
pub mod trajectories;

use crate::{audit::RequestMeta, auth::Principal};

/// Who acts, and from where: what every use case needs to ask the policy and to write the
/// access log (NEN 7513: who, and from which request and client).
#[derive(Clone, Copy)]
pub struct Actor<'a> {
    pub principal: &'a Principal,
    pub meta: &'a RequestMeta,
}
