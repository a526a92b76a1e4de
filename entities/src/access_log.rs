//! NEN 7513 access log (toegangslogging): append-only and hash-chained per organisation.
use crate::AccessAction;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// Position in the organisation's chain, starting at 1.
    pub seq: i64,
    pub occurred_at: DateTimeUtc,
    /// The token subject of whoever acted.
    pub actor_subject: String,
    pub actor_worker_id: Option<Uuid>,
    /// Roles held at the time, comma-separated.
    pub actor_roles: String,
    pub actor_partner: Option<String>,
    pub person_id: Uuid,
    pub action: AccessAction,
    /// Which part of the record (e.g. identity, trajectory, custody).
    pub area: String,
    pub request_id: String,
    pub client_address: Option<String>,
    pub user_agent: Option<String>,
    /// On what grounds access was given (role, relationship, grant, override).
    pub ground: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
