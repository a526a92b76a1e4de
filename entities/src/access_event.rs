//! NEN 7513 access log (toegangslogging): one event per request, action, part of the record and
//! ground, naming the persons it concerns. Appended without a lock, in one statement; the
//! sequencer seals it once into the organisation's hash chain (`seq`, `prev_hash`, `hash`) and
//! indexes its persons (PostgreSQL: a GIN index over `persons`; SQLite: the full-text index
//! `access_event_person_index`).
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
    /// The persons whose record it concerns: their ids, sorted, comma-separated.
    pub persons: String,
    /// Position in the organisation's chain, from 1; none until sealed.
    pub seq: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
