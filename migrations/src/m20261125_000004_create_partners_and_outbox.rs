//! Chain partners and their involvement with children, consent, the outbox and inbox of
//! partner messages, and the Verwijsindex signals with their matches.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(pk_uuid("id"))
        .col(uuid("organisation_id"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut fk(name, "organisation_id", "organisation"))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("chain_partner")
                .col(string_len("slug", 60))
                .col(string("name"))
                .col(string_len("kind", 40))
                .col(string_len("adapter", 40))
                .col(string_null("endpoint_url"))
                .col(string_null("token_url"))
                .col(string_null("client_id"))
                // Sealed (encrypted) with the server's secrets key; never returned by the API.
                .col(text_null("client_secret_sealed"))
                .col(text_null("signing_secret_sealed"))
                .col(json("contact_persons"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;
        m.create_index(index("chain_partner", &["organisation_id", "slug"], true)).await?;

        m.create_table(
            table("involvement")
                .col(uuid("child_id"))
                .col(uuid_null("partner_id"))
                .col(string_null("professional_name"))
                .col(string("role"))
                .col(string_null("phone"))
                .col(string_null("email"))
                .col(date("since"))
                .col(date_null("until"))
                .col(uuid_null("recorded_by_worker_id"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("involvement", "child_id", "person"))
                .foreign_key(&mut fk("involvement", "partner_id", "chain_partner"))
                .take(),
        )
        .await?;
        m.create_index(index("involvement", &["child_id"], false)).await?;

        m.create_table(
            table("consent")
                .col(uuid("child_id"))
                .col(string_len("purpose", 40))
                .col(uuid_null("partner_id"))
                .col(string_len_null("partner_kind", 40))
                .col(json("scope"))
                .col(string_len("decision", 40))
                .col(json("given_by"))
                .col(text_null("reason"))
                .col(date("decided_on"))
                .col(date_null("valid_until"))
                .col(timestamp_with_time_zone_null("withdrawn_at"))
                .col(text_null("withdrawal_reason"))
                .col(uuid_null("recorded_by_worker_id"))
                .foreign_key(&mut fk("consent", "child_id", "person"))
                .foreign_key(&mut fk("consent", "partner_id", "chain_partner"))
                .take(),
        )
        .await?;
        m.create_index(index("consent", &["child_id"], false)).await?;

        m.create_table(
            table("outbox_message")
                .col(uuid("partner_id"))
                .col(uuid_null("child_id"))
                .col(uuid_null("subject_id"))
                .col(string_len("kind", 60))
                .col(text("payload"))
                .col(string_len("status", 40))
                .col(integer("attempts"))
                // Milliseconds since the epoch: compared in SQL the same way on both databases.
                .col(big_integer("next_attempt_at_ms"))
                .col(big_integer_null("leased_until_ms"))
                .col(text_null("last_error"))
                .col(string("ground"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(timestamp_with_time_zone_null("delivered_at"))
                .col(timestamp_with_time_zone_null("acknowledged_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("outbox_message", "partner_id", "chain_partner"))
                .take(),
        )
        .await?;
        m.create_index(index("outbox_message", &["status", "next_attempt_at_ms"], false)).await?;
        m.create_index(index("outbox_message", &["child_id"], false)).await?;
        m.create_index(index("outbox_message", &["subject_id"], false)).await?;

        m.create_table(
            table("inbox_message")
                .col(uuid("partner_id"))
                .col(string("message_id"))
                .col(string_len("kind", 60))
                .col(text("payload"))
                .foreign_key(&mut fk("inbox_message", "partner_id", "chain_partner"))
                .take(),
        )
        .await?;
        m.create_index(index("inbox_message", &["partner_id", "message_id"], true)).await?;

        m.create_table(
            table("reference_index_signal")
                .col(uuid("child_id"))
                .col(uuid("partner_id"))
                .col(string_len("status", 40))
                .col(uuid_null("contact_worker_id"))
                .col(string("contact_name"))
                .col(string_null("contact_phone"))
                .col(string_null("contact_email"))
                .col(date("start_on"))
                .col(date("end_on"))
                .col(timestamp_with_time_zone_null("registered_at"))
                .col(timestamp_with_time_zone_null("ended_at"))
                .col(string_len_null("withdrawal_reason", 40))
                .col(text_null("withdrawal_note"))
                .col(date_null("parent_informed_on"))
                .col(uuid_null("parent_informed_by_worker_id"))
                .col(date_null("child_informed_on"))
                .col(uuid_null("child_informed_by_worker_id"))
                .col(uuid_null("recorded_by_worker_id"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("reference_index_signal", "child_id", "person"))
                .foreign_key(&mut fk("reference_index_signal", "partner_id", "chain_partner"))
                .take(),
        )
        .await?;
        m.create_index(index("reference_index_signal", &["child_id"], false)).await?;
        m.create_index(index("reference_index_signal", &["status", "end_on"], false)).await?;

        m.create_table(
            table("reference_index_match")
                .col(uuid("signal_id"))
                .col(uuid("child_id"))
                .col(string_len("kind", 40))
                .col(string("other_organisation"))
                .col(string("other_contact_name"))
                .col(string_null("other_contact_phone"))
                .col(string_null("other_contact_email"))
                .col(date("matched_on"))
                .foreign_key(&mut fk("reference_index_match", "signal_id", "reference_index_signal"))
                .foreign_key(&mut fk("reference_index_match", "child_id", "person"))
                .take(),
        )
        .await?;
        m.create_index(index("reference_index_match", &["signal_id"], false)).await?;

        // The organisation's Verwijsindex practice: register every child with a BSN at
        // admission (Tussenvoorziening), and the central contact line signals carry.
        for mut def in [
            boolean("reference_index_register_at_admission").default(false).take(),
            string_null("reference_index_contact_phone"),
            string_null("reference_index_contact_email"),
        ] {
            m.alter_table(Table::alter().table("organisation").add_column(&mut def).take()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in
            ["reference_index_register_at_admission", "reference_index_contact_phone", "reference_index_contact_email"]
        {
            m.alter_table(Table::alter().table("organisation").drop_column(column).take()).await?;
        }
        for t in [
            "reference_index_match",
            "reference_index_signal",
            "inbox_message",
            "outbox_message",
            "consent",
            "involvement",
            "chain_partner",
        ] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
