//! Ketenpartner: an organisation we work with around children, and how we exchange messages with it.
use crate::{PartnerAdapter, PartnerKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chain_partner")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// Short name, unique within the organisation; also names the partner in inbound URLs' logs.
    pub slug: String,
    pub name: String,
    pub kind: PartnerKind,
    pub adapter: PartnerAdapter,
    /// Base URL of the partner's API.
    pub endpoint_url: Option<String>,
    /// OAuth2 token endpoint (client credentials).
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    /// Sealed with the server's secrets key; never returned by the API.
    pub client_secret_sealed: Option<String>,
    /// Shared secret for message signatures, sealed like the client secret.
    pub signing_secret_sealed: Option<String>,
    /// Contactpersonen: [{name, role, phone, email}].
    pub contact_persons: Json,
    pub active: bool,
    /// Samenwerkingsafspraak (e.g. Handle with Care with a school): signed on, valid until.
    pub agreement_signed_on: Option<Date>,
    pub agreement_valid_until: Option<Date>,
    pub updated_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
