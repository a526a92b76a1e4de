//! Veerkracht: every child in the shelter a client in their own right.
//!
//! Layers, with imports only running downwards:
//!
//! - [`http`]: axum — the router, middleware, the GraphQL endpoint, the partner inbox, health
//!   and metrics;
//! - [`api`]: GraphQL types and resolvers only — decode ids and inputs, call one use case, map
//!   the result; DataLoaders for reads;
//! - [`cases`]: one async function per workflow (principal, transaction, typed command → typed
//!   outcome), used alike by the API, the inbox, the jobs and the seeders; nothing there knows
//!   GraphQL or HTTP;
//! - [`domain`] (pure rules of the method), [`policy`] (who may do what), [`audit`] (the NEN
//!   7513 access log), then the `entities` crate.

pub mod api;
pub mod audit;
pub mod auth;
pub mod bench;
pub mod cases;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod jobs;
pub mod keys;
pub mod metrics;
pub mod policy;
pub mod reports;
pub mod seed;
