//! The access log without a lock: one event per request, action, area and ground naming the
//! persons it concerns, appended without touching a shared row. A sequencer later gives each
//! event its place in the organisation's hash chain (`seq`, `prev_hash`, `hash`, filled once),
//! indexes its persons (`access_event_person`) and writes signed checkpoints
//! (`access_checkpoint`). Existing entries move over as one event each, sealed again.

use crate::{fk, index};
use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const GUARDS_POSTGRES: &str = "
CREATE FUNCTION access_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;
CREATE FUNCTION access_event_seal_once() RETURNS trigger AS $$
BEGIN
  IF OLD.seq IS NOT NULL OR (NEW.id, NEW.organisation_id, NEW.occurred_at, NEW.actor_subject, NEW.actor_worker_id,
     NEW.actor_roles, NEW.actor_partner, NEW.action, NEW.area, NEW.ground, NEW.request_id, NEW.client_address,
     NEW.user_agent, NEW.persons) IS DISTINCT FROM (OLD.id, OLD.organisation_id, OLD.occurred_at,
     OLD.actor_subject, OLD.actor_worker_id, OLD.actor_roles, OLD.actor_partner, OLD.action, OLD.area, OLD.ground,
     OLD.request_id, OLD.client_address, OLD.user_agent, OLD.persons) THEN
    RAISE EXCEPTION 'access_event is append-only; only the sequencer seals an event, once';
  END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER access_event_no_update BEFORE UPDATE ON access_event FOR EACH ROW EXECUTE FUNCTION access_event_seal_once();
CREATE TRIGGER access_event_no_delete BEFORE DELETE ON access_event FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
CREATE TRIGGER access_event_no_truncate BEFORE TRUNCATE ON access_event FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only();
CREATE TRIGGER access_event_person_no_change BEFORE UPDATE OR DELETE ON access_event_person FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
CREATE TRIGGER access_event_person_no_truncate BEFORE TRUNCATE ON access_event_person FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only();
CREATE TRIGGER access_checkpoint_no_change BEFORE UPDATE OR DELETE ON access_checkpoint FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
CREATE TRIGGER access_checkpoint_no_truncate BEFORE TRUNCATE ON access_checkpoint FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only();
";

const GUARDS_SQLITE: [&str; 6] = [
    "CREATE TRIGGER access_event_no_update BEFORE UPDATE ON access_event
     WHEN OLD.seq IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.organisation_id IS NOT OLD.organisation_id
       OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.actor_subject IS NOT OLD.actor_subject
       OR NEW.actor_worker_id IS NOT OLD.actor_worker_id OR NEW.actor_roles IS NOT OLD.actor_roles
       OR NEW.actor_partner IS NOT OLD.actor_partner OR NEW.action IS NOT OLD.action OR NEW.area IS NOT OLD.area
       OR NEW.ground IS NOT OLD.ground OR NEW.request_id IS NOT OLD.request_id
       OR NEW.client_address IS NOT OLD.client_address OR NEW.user_agent IS NOT OLD.user_agent
       OR NEW.persons IS NOT OLD.persons
     BEGIN SELECT RAISE(ABORT, 'access_event is append-only; only the sequencer seals an event, once'); END;",
    "CREATE TRIGGER access_event_no_delete BEFORE DELETE ON access_event
     BEGIN SELECT RAISE(ABORT, 'access_event is append-only'); END;",
    "CREATE TRIGGER access_event_person_no_update BEFORE UPDATE ON access_event_person
     BEGIN SELECT RAISE(ABORT, 'access_event_person is append-only'); END;",
    "CREATE TRIGGER access_event_person_no_delete BEFORE DELETE ON access_event_person
     BEGIN SELECT RAISE(ABORT, 'access_event_person is append-only'); END;",
    "CREATE TRIGGER access_checkpoint_no_update BEFORE UPDATE ON access_checkpoint
     BEGIN SELECT RAISE(ABORT, 'access_checkpoint is append-only'); END;",
    "CREATE TRIGGER access_checkpoint_no_delete BEFORE DELETE ON access_checkpoint
     BEGIN SELECT RAISE(ABORT, 'access_checkpoint is append-only'); END;",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("access_event")
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(timestamp_with_time_zone("occurred_at"))
                .col(string("actor_subject"))
                .col(uuid_null("actor_worker_id"))
                .col(string("actor_roles"))
                .col(string_null("actor_partner"))
                .col(string_len("action", 40))
                .col(string("area"))
                .col(string("ground"))
                .col(string("request_id"))
                .col(string_null("client_address"))
                .col(text_null("user_agent"))
                .col(text("persons"))
                .col(big_integer_null("seq"))
                .col(string_len_null("prev_hash", 64))
                .col(string_len_null("hash", 64))
                .foreign_key(&mut fk("access_event", "organisation_id", "organisation"))
                .take(),
        )
        .await?;
        m.create_index(index("access_event", &["organisation_id", "seq"], true)).await?;
        // The sequencer's queue: the events not sealed yet, in id order.
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_access_event_unsealed ON access_event (organisation_id, id) WHERE seq IS NULL",
            )
            .await?;
        m.create_table(
            Table::create()
                .table("access_event_person")
                .col(uuid("event_id"))
                .col(uuid("person_id"))
                .col(uuid("organisation_id"))
                .primary_key(Index::create().col("event_id").col("person_id"))
                .foreign_key(&mut fk("access_event_person", "event_id", "access_event"))
                .take(),
        )
        .await?;
        // "Who accessed this person's record": the person's events, in order.
        m.create_index(index("access_event_person", &["organisation_id", "person_id", "event_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("access_checkpoint")
                .col(uuid("organisation_id"))
                .col(big_integer("size"))
                .col(string_len("root", 64))
                .col(timestamp_with_time_zone("signed_at"))
                .col(string("key_id"))
                .col(text("signature"))
                .primary_key(Index::create().col("organisation_id").col("size"))
                .foreign_key(&mut fk("access_checkpoint", "organisation_id", "organisation"))
                .take(),
        )
        .await?;

        let db = m.get_connection();
        // A uuid as text, as the server writes it (SQLite keeps uuids as 16-byte blobs).
        let person = match m.get_database_backend() {
            DbBackend::Postgres => "person_id::text".to_string(),
            _ => {
                let hex = "lower(hex(person_id))";
                format!(
                    "substr({hex}, 1, 8) || '-' || substr({hex}, 9, 4) || '-' || substr({hex}, 13, 4) || '-' || substr({hex}, 17, 4) || '-' || substr({hex}, 21, 12)"
                )
            }
        };
        db.execute_unprepared(&format!(
            "INSERT INTO access_event (id, organisation_id, occurred_at, actor_subject, actor_worker_id, actor_roles,
               actor_partner, action, area, ground, request_id, client_address, user_agent, persons)
             SELECT id, organisation_id, occurred_at, actor_subject, actor_worker_id, actor_roles, actor_partner,
               action, area, ground, request_id, client_address, user_agent, {person} FROM access_log"
        ))
        .await?;
        // The moved entries are sealed again, in the order of their ids (time order).
        db.execute_unprepared("UPDATE access_log_head SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000'")
            .await?;
        match m.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "DROP TRIGGER access_log_no_update ON access_log; DROP FUNCTION access_log_append_only();",
                )
                .await?;
                db.execute_unprepared(GUARDS_POSTGRES).await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;").await?;
                for guard in GUARDS_SQLITE {
                    db.execute_unprepared(guard).await?;
                }
            }
        }
        m.drop_table(Table::drop().table("access_log").take()).await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Going back would re-chain the log under the old scheme; restore a backup instead.
        Err(DbErr::Migration("the access log cannot be moved back to one row per person; restore a backup".into()))
    }
}
