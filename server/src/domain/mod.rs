//! Domain rules of the method as plain functions, tested next to them. Resolvers call these.

pub mod admission;
pub mod age;
pub mod board;
pub mod cadence;
pub mod consent;
pub mod meldcode;
pub mod norms;
pub mod method;
pub mod phase;
pub mod reference_index;
pub mod school_day;
pub mod screening;
pub mod sub_goals;
