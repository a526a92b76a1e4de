//! NEN 7513 access log (toegangslogging): one event per request, action, part of the record and
//! ground, for the persons in `access_event_person`. Appended without a lock; the sequencer
//! seals it once into the organisation's hash chain (`seq`, `prev_hash`, `hash`).
use crate::AccessAction;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub occurred_at: DateTimeUtc,
    /// The token subject of whoever acted.
    pub actor_subject: String,
    pub actor_worker_id: Option<Uuid>,
    /// Roles held at the time, comma-separated.
    pub actor_roles: String,
    pub actor_partner: Option<String>,
    pub action: AccessAction,
    /// Which part of the record (e.g. identity, trajectory, custody).
    pub area: String,
    /// On what grounds access was given (role, relationship, grant, override).
    pub ground: String,
    pub request_id: String,
    pub client_address: Option<String>,
    pub user_agent: Option<String>,
    /// How many persons the event concerns (rows in `access_event_person`).
    pub person_count: i32,
    /// Position in the organisation's chain, from 1; none until sealed.
    pub seq: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
