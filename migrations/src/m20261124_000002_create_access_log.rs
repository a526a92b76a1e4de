//! NEN 7513 access log: append-only (enforced by triggers) and hash-chained per organisation.

use crate::{fk, index};
use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("access_log")
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(big_integer("seq"))
                .col(timestamp_with_time_zone("occurred_at"))
                .col(string("actor_subject"))
                .col(uuid_null("actor_worker_id"))
                .col(string("actor_roles"))
                .col(string_null("actor_partner"))
                .col(uuid("person_id"))
                .col(string_len("action", 40))
                .col(string("area"))
                .col(string("request_id"))
                .col(string_null("client_address"))
                .col(text_null("user_agent"))
                .col(string("ground"))
                .col(string_len("prev_hash", 64))
                .col(string_len("hash", 64))
                .foreign_key(&mut fk("access_log", "organisation_id", "organisation"))
                .take(),
        )
        .await?;
        m.create_index(index("access_log", &["organisation_id", "seq"], true)).await?;
        m.create_index(index("access_log", &["person_id"], false)).await?;

        m.create_table(
            Table::create()
                .table("access_log_head")
                .col(uuid("organisation_id").primary_key())
                .col(big_integer("seq"))
                .col(string_len("hash", 64))
                .foreign_key(&mut fk("access_log_head", "organisation_id", "organisation"))
                .take(),
        )
        .await?;

        // The log is append-only: refuse UPDATE and DELETE in the database itself, so that
        // no code path (or hand-run SQL) can rewrite history without dropping the trigger.
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION access_log_append_only() RETURNS trigger AS $$
                     BEGIN RAISE EXCEPTION 'access_log is append-only'; END; $$ LANGUAGE plpgsql;
                     CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON access_log
                     FOR EACH ROW EXECUTE FUNCTION access_log_append_only();",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
                     BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
                     BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "DROP TRIGGER access_log_no_update ON access_log; DROP FUNCTION access_log_append_only();",
                )
                .await?;
        }
        m.drop_table(Table::drop().table("access_log_head").take()).await?;
        m.drop_table(Table::drop().table("access_log").take()).await?;
        Ok(())
    }
}
