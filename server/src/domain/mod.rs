//! Domain rules of the method as plain functions, tested next to them. Resolvers call these.

pub mod admission;
pub mod age;
pub mod board;
pub mod cadence;
pub mod consent;
pub mod meldcode;
pub mod method;
pub mod norms;
pub mod phase;
pub mod quality;
pub mod reference_index;
pub mod school_day;
pub mod screening;
pub mod sub_goals;

/// A slug as chain partners and municipalities are named in tokens and URLs: 2–60 lowercase
/// letters, digits or dashes.
pub fn is_slug(s: &str) -> bool {
    (2..=60).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
