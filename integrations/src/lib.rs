//! Partner protocols: the Verwijsindex, youth and neighbourhood teams, schools (Handle with
//! Care), and the transactional outbox that delivers to them. Dependencies point one way:
//! `server → integrations → entities`.

pub mod backoff;
pub mod egress;
pub mod live;
pub mod oauth;
pub mod outbox;
pub mod partner;
pub mod school;
pub mod secrets;
pub mod signing;
pub mod simulator;
pub mod telemetry;
pub mod transport;
pub mod verwijsindex;
pub mod youth_team;
