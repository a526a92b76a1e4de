//! SeaORM entities (one module per table) and the domain value types they use.
//!
//! The public API is not derived from these models: the server maps them to
//! hand-written GraphQL types. Only enums are shared, so that the GraphQL enum
//! and the stored value cannot drift apart.

pub mod bsn;
pub mod values;

pub mod access_checkpoint;
pub mod access_event;
pub mod access_log_head;
pub mod action_plan;
pub mod board_result;
pub mod chain_partner;
pub mod child_activity;
pub mod consent;
pub mod contact;
pub mod custody;
pub mod evaluation;
pub mod family;
pub mod family_membership;
pub mod first_contact;
pub mod goal;
pub mod goal_action;
pub mod goal_progress;
pub mod handle_with_care_notice;
pub mod handover;
pub mod inbox_message;
pub mod intake;
pub mod intake_observation;
pub mod intake_participant;
pub mod involvement;
pub mod json_text;
pub mod living_climate_check;
pub mod location;
pub mod municipality_access;
pub mod network_member;
pub mod non_accompanying_parent;
pub mod organisation;
pub mod outbox_message;
pub mod partner_grant;
pub mod person;
pub mod phase_change;
pub mod placement;
pub mod psycho_education;
pub mod quality_assessment;
pub mod reference_index_match;
pub mod reference_index_signal;
pub mod referral;
pub mod reporting_code_step;
pub mod reporting_code_track;
pub mod safety_assessment;
pub mod safety_plan;
pub mod safety_scale_score;
pub mod school_enrolment;
pub mod screening;
pub mod trajectory;
pub mod worker;
pub mod worker_role;

pub use bsn::{Bsn, BsnError};
pub use json_text::JsonText;
pub use values::*;
