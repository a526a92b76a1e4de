//! SeaORM entities (one module per table) and the domain value types they use.
//!
//! The public API is not derived from these models: the server maps them to
//! hand-written GraphQL types. Only enums are shared, so that the GraphQL enum
//! and the stored value cannot drift apart.

pub mod bsn;
pub mod values;

pub mod access_log;
pub mod access_log_head;
pub mod custody;
pub mod family;
pub mod family_membership;
pub mod location;
pub mod organisation;
pub mod person;
pub mod phase_change;
pub mod trajectory;
pub mod worker;
pub mod worker_role;

pub use bsn::{Bsn, BsnError};
pub use values::*;
