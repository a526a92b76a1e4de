//! The case model: organisations, locations, workers, families, persons, custody, trajectories.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn stamped(table: &'static str) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(pk_uuid("id"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(stamped("organisation").col(string_uniq("slug")).col(string("name")).take()).await?;

        m.create_table(
            stamped("location")
                .col(uuid("organisation_id"))
                .col(string("name"))
                .col(string_len("kind", 40))
                .col(string_len("setting", 40))
                .col(boolean("secret_address"))
                .col(string("street"))
                .col(string("postal_code"))
                .col(string("city"))
                .foreign_key(&mut fk("location", "organisation_id", "organisation"))
                .take(),
        )
        .await?;
        m.create_index(index("location", &["organisation_id"], false)).await?;

        m.create_table(
            stamped("worker")
                .col(uuid("organisation_id"))
                .col(string("name"))
                .col(string("email"))
                .col(string_null("skj_registration_number"))
                .col(date_null("skj_registration_expires_on"))
                .col(boolean("active"))
                .foreign_key(&mut fk("worker", "organisation_id", "organisation"))
                .take(),
        )
        .await?;
        m.create_index(index("worker", &["organisation_id"], false)).await?;

        m.create_table(
            Table::create()
                .table("worker_role")
                .col(uuid("worker_id"))
                .col(string_len("role", 40))
                .primary_key(Index::create().col("worker_id").col("role"))
                .foreign_key(&mut fk("worker_role", "worker_id", "worker"))
                .take(),
        )
        .await?;

        m.create_table(
            stamped("family")
                .col(uuid("organisation_id"))
                .col(uuid("location_id"))
                .col(date("admitted_on"))
                .foreign_key(&mut fk("family", "organisation_id", "organisation"))
                .foreign_key(&mut fk("family", "location_id", "location"))
                .take(),
        )
        .await?;
        m.create_index(index("family", &["organisation_id", "id"], false)).await?;
        m.create_index(index("family", &["location_id"], false)).await?;

        m.create_table(
            stamped("person")
                .col(uuid("organisation_id"))
                .col(string("given_name"))
                .col(string("family_name"))
                .col(date("date_of_birth"))
                .col(string_len_null("bsn", 9))
                .col(string_len("sex", 40))
                .col(string_null("gender_identity"))
                .foreign_key(&mut fk("person", "organisation_id", "organisation"))
                .take(),
        )
        .await?;
        m.create_index(index("person", &["organisation_id", "bsn"], false)).await?;

        m.create_table(
            stamped("family_membership")
                .col(uuid("family_id"))
                .col(uuid("person_id"))
                .col(string_len("role", 40))
                .foreign_key(&mut fk("family_membership", "family_id", "family"))
                .foreign_key(&mut fk("family_membership", "person_id", "person"))
                .take(),
        )
        .await?;
        m.create_index(index("family_membership", &["family_id", "person_id"], true)).await?;
        m.create_index(index("family_membership", &["person_id"], false)).await?;

        m.create_table(
            stamped("custody")
                .col(uuid("child_id"))
                .col(uuid("custodian_id"))
                .foreign_key(&mut fk("custody", "child_id", "person"))
                .foreign_key(&mut fk("custody", "custodian_id", "person"))
                .take(),
        )
        .await?;
        m.create_index(index("custody", &["child_id", "custodian_id"], true)).await?;

        m.create_table(
            stamped("trajectory")
                .col(uuid("organisation_id"))
                .col(uuid("child_id"))
                .col(uuid("family_id"))
                .col(uuid("responsible_worker_id"))
                .col(string_len("phase", 40))
                .col(string_len("setting", 40))
                .col(date("admission_date"))
                .col(date("phase_started_on"))
                .col(date_null("end_date"))
                .col(string_len_null("end_reason", 40))
                .foreign_key(&mut fk("trajectory", "organisation_id", "organisation"))
                .foreign_key(&mut fk("trajectory", "child_id", "person"))
                .foreign_key(&mut fk("trajectory", "family_id", "family"))
                .foreign_key(&mut fk("trajectory", "responsible_worker_id", "worker"))
                .take(),
        )
        .await?;
        m.create_index(index("trajectory", &["child_id"], false)).await?;
        m.create_index(index("trajectory", &["organisation_id", "phase"], false)).await?;
        m.create_index(index("trajectory", &["responsible_worker_id"], false)).await?;

        m.create_table(
            Table::create()
                .table("phase_change")
                .col(pk_uuid("id"))
                .col(uuid("trajectory_id"))
                .col(string_len_null("from_phase", 40))
                .col(string_len("to_phase", 40))
                .col(date("effective_on"))
                .col(uuid_null("changed_by_worker_id"))
                .col(text_null("note"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("phase_change", "trajectory_id", "trajectory"))
                .foreign_key(&mut fk("phase_change", "changed_by_worker_id", "worker"))
                .take(),
        )
        .await?;
        m.create_index(index("phase_change", &["trajectory_id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "phase_change",
            "trajectory",
            "custody",
            "family_membership",
            "person",
            "family",
            "worker_role",
            "worker",
            "location",
            "organisation",
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
