//! Records the method asks for that had no place (review §2, §3.2, §5): the investigation of the
//! non-accompanying parent, the living-climate checklist, children's activities with
//! participation, psycho-education, results of bijlage 1 that only a worker can confirm, the
//! aftercare decision before closing (linked to its handover, with how safety is monitored),
//! and who filled in a teacher form.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 5] =
    ["non_accompanying_parent", "living_climate_check", "child_activity", "psycho_education", "board_result"];

/// The columns every record of a child's trajectory has first.
fn record(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(pk_uuid("id"))
        .col(uuid("organisation_id"))
        .col(uuid("child_id"))
        .col(uuid("trajectory_id"))
        .col(uuid_null("recorded_by_worker_id"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut fk(name, "organisation_id", "organisation"))
        .foreign_key(&mut fk(name, "child_id", "person"))
        .foreign_key(&mut fk(name, "trajectory_id", "trajectory"))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            record("non_accompanying_parent")
                .col(uuid_null("person_id"))
                .col(string_len_null("name", 200))
                .col(date("investigated_on"))
                .col(boolean_null("has_custody"))
                .col(string_len("risk", 40))
                .col(text_null("informed_how"))
                .col(text_null("involvement"))
                .col(text_null("contact_arrangement"))
                .col(string_len("outcome", 40))
                .col(text_null("notes"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("non_accompanying_parent", "person_id", "person"))
                .take(),
        )
        .await?;
        m.create_table(
            record("living_climate_check")
                .col(string_len("phase", 40))
                .col(date("checked_on"))
                .col(json("met"))
                .col(text_null("notes"))
                .take(),
        )
        .await?;
        m.create_table(
            record("child_activity")
                .col(date("held_on"))
                .col(string_len("kind", 40))
                .col(text("description"))
                .col(boolean("child_took_part"))
                .col(boolean_null("parent_took_part"))
                .col(boolean("continues_after_departure"))
                .take(),
        )
        .await?;
        m.create_table(
            record("psycho_education")
                .col(date("offered_on"))
                .col(string_len("audience", 40))
                .col(string_len("form", 40))
                .col(boolean("external"))
                .col(boolean("took_part"))
                .col(text_null("topic"))
                .col(integer_null("duration_minutes"))
                .take(),
        )
        .await?;
        m.create_table(
            record("board_result").col(string_len("key", 60)).col(date("achieved_on")).col(text_null("note")).take(),
        )
        .await?;
        for table in TABLES {
            m.create_index(index(table, &["child_id"], false)).await?;
        }
        m.create_index(index("board_result", &["trajectory_id", "key"], true)).await?;
        for column in
            [date_null("aftercare_decided_on"), uuid_null("aftercare_handover_id"), text_null("safety_monitoring")]
        {
            m.alter_table(Table::alter().table("trajectory").add_column(column).take()).await?;
        }
        m.alter_table(Table::alter().table("screening").add_column(string_len_null("filled_in_by", 40)).take()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("screening").drop_column("filled_in_by").take()).await?;
        for column in ["safety_monitoring", "aftercare_handover_id", "aftercare_decided_on"] {
            m.alter_table(Table::alter().table("trajectory").drop_column(column).take()).await?;
        }
        for table in TABLES {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
