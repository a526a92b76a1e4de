//! A signed checkpoint of an organisation's access-log chain: its size and the hash of its last
//! event, signed with a key kept outside the database. A copy is also kept outside it.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_checkpoint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    /// Events in the chain at the checkpoint.
    #[sea_orm(primary_key, auto_increment = false)]
    pub size: i64,
    /// Hash of event `size` (the chain's head).
    pub root: String,
    pub signed_at: DateTimeUtc,
    /// Which signing key (the SHA-256 of its public key, hex).
    pub key_id: String,
    /// ECDSA P-256 signature over the checkpoint's statement, base64.
    pub signature: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
