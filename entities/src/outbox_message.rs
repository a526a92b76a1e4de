//! A message to a chain partner, written in the transaction of the change that causes it and delivered at least once by the delivery worker.
use crate::{MessageKind, MessageStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_message")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub partner_id: Uuid,
    /// The child the message is about, if any.
    pub child_id: Option<Uuid>,
    /// The record the message is about, e.g. a Verwijsindex signal.
    pub subject_id: Option<Uuid>,
    pub kind: MessageKind,
    /// The JSON body exactly as it is sent (and signed).
    pub payload: String,
    pub status: MessageStatus,
    pub attempts: i32,
    pub next_attempt_at_ms: i64,
    /// While a worker holds the message; after this, another worker may take it over.
    pub leased_until_ms: Option<i64>,
    /// The claim the message is held under; only its holder records the attempt's outcome.
    pub claim_token: Option<Uuid>,
    pub last_error: Option<String>,
    /// The ground the share rests on (consent, override or statute), as logged.
    pub ground: String,
    pub sent_at: Option<DateTimeUtc>,
    pub delivered_at: Option<DateTimeUtc>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
