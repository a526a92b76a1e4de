//! The black-box suite in one binary (one link instead of one per file, and a fraction of the
//! disk). `postgres.rs` and `outage.rs` stay binaries of their own: they look at, or cut, every
//! database socket of their process.

mod admission;
mod audit;
mod auth;
mod board;
mod cases;
mod fuzz;
mod handle_with_care;
mod handovers;
mod http;
mod intake;
mod isolation;
mod live;
mod method;
mod norms;
mod partner_grants;
mod partners;
mod payloads;
mod rows;
mod schema;
mod seed;
mod statements;
mod sub_goals;
