//! Partner grants: a neighbourhood team co-running one child's intake, time-limited and
//! consent-backed, with the observations its workers add.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("partner_grant")
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(uuid("partner_id"))
                .col(uuid("child_id"))
                .col(string("ground"))
                .col(date("valid_until"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(uuid_null("granted_by_worker_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("partner_grant", "organisation_id", "organisation"))
                .foreign_key(&mut fk("partner_grant", "partner_id", "chain_partner"))
                .foreign_key(&mut fk("partner_grant", "child_id", "person"))
                .take(),
        )
        .await?;
        m.create_index(index("partner_grant", &["child_id"], false)).await?;
        m.create_index(index("partner_grant", &["partner_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("intake_observation")
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(uuid("grant_id"))
                .col(uuid("child_id"))
                .col(string("author"))
                .col(text("observation"))
                .col(text_null("agreements"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("intake_observation", "organisation_id", "organisation"))
                .foreign_key(&mut fk("intake_observation", "grant_id", "partner_grant"))
                .foreign_key(&mut fk("intake_observation", "child_id", "person"))
                .take(),
        )
        .await?;
        m.create_index(index("intake_observation", &["child_id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("intake_observation").take()).await?;
        m.drop_table(Table::drop().table("partner_grant").take()).await?;
        Ok(())
    }
}
