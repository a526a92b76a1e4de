//! Municipalities that an organisation lets read its norm figures (aggregates only). A grant is
//! revoked, not deleted: who could read what, and when, stays on record.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("municipality_access")
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(string_len("municipality", 60))
                .col(uuid_null("granted_by_worker_id"))
                .col(timestamp_with_time_zone("granted_at"))
                .col(uuid_null("revoked_by_worker_id"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("municipality_access", "organisation_id", "organisation"))
                .take(),
        )
        .await?;
        m.create_index(index("municipality_access", &["municipality", "organisation_id"], false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("municipality_access").take()).await
    }
}
