//! Each claim of outbox messages carries a token, so that only the worker holding the current
//! claim can record an attempt's outcome or extend its lease: a worker whose lease lapsed and
//! whose message was taken over can no longer overwrite the newer attempt.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("outbox_message").add_column(uuid_null("claim_token")).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("outbox_message").drop_column("claim_token").to_owned()).await
    }
}
