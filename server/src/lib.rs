//! Veerkracht: every child in the shelter a client in their own right.

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
pub mod metrics;
pub mod policy;
pub mod seed;
