//! Warm handovers to youth and neighbourhood teams, and referrals received from them.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("handover")
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(uuid("partner_id"))
                .col(uuid("family_id"))
                .col(json("children"))
                .col(string_len("direction", 40))
                .col(text("reason"))
                .col(text("question"))
                .col(timestamp_with_time_zone_null("meeting_proposed_at"))
                .col(string_null("meeting_place"))
                .col(text_null("went_well"))
                .col(text_null("open_worries"))
                .col(text_null("safety_monitoring"))
                .col(string_len("status", 40))
                .col(text_null("decline_reason"))
                .col(uuid_null("message_id"))
                .col(date_null("meeting_held_on"))
                .col(text_null("meeting_notes"))
                .col(uuid_null("created_by_worker_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("handover", "organisation_id", "organisation"))
                .foreign_key(&mut fk("handover", "partner_id", "chain_partner"))
                .foreign_key(&mut fk("handover", "family_id", "family"))
                .take(),
        )
        .await?;
        m.create_index(index("handover", &["family_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("referral")
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(uuid("partner_id"))
                .col(uuid("external_id"))
                .col(text("payload"))
                .col(string_len("status", 40))
                .col(uuid_null("family_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("referral", "organisation_id", "organisation"))
                .foreign_key(&mut fk("referral", "partner_id", "chain_partner"))
                .take(),
        )
        .await?;
        m.create_index(index("referral", &["partner_id", "external_id"], true)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("referral").take()).await?;
        m.drop_table(Table::drop().table("handover").take()).await?;
        Ok(())
    }
}
