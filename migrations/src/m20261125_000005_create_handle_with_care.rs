//! Handle with Care: the cooperation agreement with a school, which school a child attends
//! (and that the parents were informed), and the notices sent.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for mut def in [date_null("agreement_signed_on"), date_null("agreement_valid_until")] {
            m.alter_table(Table::alter().table("chain_partner").add_column(&mut def).take()).await?;
        }
        m.create_table(
            Table::create()
                .table("school_enrolment")
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(uuid("child_id"))
                .col(uuid("partner_id"))
                .col(date_null("parents_informed_on"))
                .col(uuid_null("parents_informed_by_worker_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("school_enrolment", "organisation_id", "organisation"))
                .foreign_key(&mut fk("school_enrolment", "child_id", "person"))
                .foreign_key(&mut fk("school_enrolment", "partner_id", "chain_partner"))
                .take(),
        )
        .await?;
        m.create_index(index("school_enrolment", &["child_id"], true)).await?;
        m.create_table(
            Table::create()
                .table("handle_with_care_notice")
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(uuid("child_id"))
                .col(uuid("partner_id"))
                .col(string_len("incident_kind", 40))
                .col(timestamp_with_time_zone("occurred_at"))
                .col(timestamp_with_time_zone("due_by"))
                .col(uuid("message_id"))
                .col(uuid_null("contact_id"))
                .col(uuid_null("recorded_by_worker_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("handle_with_care_notice", "organisation_id", "organisation"))
                .foreign_key(&mut fk("handle_with_care_notice", "child_id", "person"))
                .foreign_key(&mut fk("handle_with_care_notice", "partner_id", "chain_partner"))
                .foreign_key(&mut fk("handle_with_care_notice", "message_id", "outbox_message"))
                .foreign_key(&mut fk("handle_with_care_notice", "contact_id", "contact"))
                .take(),
        )
        .await?;
        m.create_index(index("handle_with_care_notice", &["child_id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("handle_with_care_notice").take()).await?;
        m.drop_table(Table::drop().table("school_enrolment").take()).await?;
        for column in ["agreement_signed_on", "agreement_valid_until"] {
            m.alter_table(Table::alter().table("chain_partner").drop_column(column).take()).await?;
        }
        Ok(())
    }
}
