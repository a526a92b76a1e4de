//! On SQLite, "who accessed this person's record" becomes a full-text index over the persons
//! of the sealed events (FTS5: one posting list per person), in place of a row per event and
//! person (`access_event_person`). The sequencer wrote some 130 such rows for every logged
//! page of a caseload, into three B-trees, and held SQLite's one writer for about a quarter
//! of every second under load, with every request's log entry waiting behind it; the same
//! events cost the full-text index about a tenth of that. PostgreSQL keeps its GIN index
//! (migration 9).
//!
//! A document is a sealed event; its id is the event's place in its organisation's chain,
//! offset by the organisation's number (`access_event_person_scope`): `scope × 2^40 + seq`.
//! The index holds no content of its own (`content=''`): the list it was built from is the
//! event's hashed `persons`, and `audit::verify` holds the one against the other.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: [&str; 8] = [
    "CREATE TABLE access_event_person_scope (
        organisation_id uuid_text NOT NULL PRIMARY KEY REFERENCES organisation (id),
        scope integer NOT NULL UNIQUE)",
    "CREATE TRIGGER access_event_person_scope_no_update BEFORE UPDATE ON access_event_person_scope
     BEGIN SELECT RAISE(ABORT, 'access_event_person_scope is append-only'); END",
    "CREATE TRIGGER access_event_person_scope_no_delete BEFORE DELETE ON access_event_person_scope
     BEGIN SELECT RAISE(ABORT, 'access_event_person_scope is append-only'); END",
    // A person's id is one token: `-` joins, `,` (the list's separator) splits. `detail=none`
    // keeps which events name a person and nothing else (no positions).
    "CREATE VIRTUAL TABLE access_event_person_index USING fts5(
        persons, content='', detail=none, tokenize=\"ascii tokenchars '-'\")",
    // FTS5 merges its segments as a transaction adds one; merging when 8 of a size have
    // gathered instead of 4 took the sealing of a nested page's events from 39 to 31 ms per 300
    // on the benchmark's data, with the longest from 557 to 467 ms.
    "INSERT INTO access_event_person_index (access_event_person_index, rank) VALUES ('automerge', 8)",
    "INSERT INTO access_event_person_scope (organisation_id, scope)
     SELECT organisation_id, row_number() OVER (ORDER BY organisation_id) FROM access_log_head",
    "INSERT INTO access_event_person_index (rowid, persons)
     SELECT s.scope * 1099511627776 + e.seq, e.persons
     FROM access_event e JOIN access_event_person_scope s ON s.organisation_id = e.organisation_id
     WHERE e.seq IS NOT NULL",
    "DROP TABLE access_event_person",
];

/// Back to a row per sealed event and person, split from the events' lists (as 16-byte uuids,
/// as sqlx writes them).
const DOWN: [&str; 7] = [
    r#"CREATE TABLE "access_event_person" ( "event_id" uuid_text NOT NULL, "person_id" uuid_text NOT NULL,
        "organisation_id" uuid_text NOT NULL, PRIMARY KEY ("event_id", "person_id"),
        FOREIGN KEY ("event_id") REFERENCES "access_event" ("id") ON DELETE RESTRICT )"#,
    r#"CREATE INDEX "ix_access_event_person_organisation_id_person_id_event_id"
        ON "access_event_person" ("organisation_id", "person_id", "event_id")"#,
    r#"INSERT OR IGNORE INTO access_event_person (event_id, person_id, organisation_id)
        SELECT e.id, unhex(replace(listed.value, '-', '')), e.organisation_id
        FROM access_event e, json_each('["' || replace(e.persons, ',', '","') || '"]') listed
        WHERE e.seq IS NOT NULL AND json_valid('["' || replace(e.persons, ',', '","') || '"]')
            AND length(unhex(replace(listed.value, '-', ''))) = 16"#,
    "CREATE TRIGGER access_event_person_no_update BEFORE UPDATE ON access_event_person
     BEGIN SELECT RAISE(ABORT, 'access_event_person is append-only'); END",
    "CREATE TRIGGER access_event_person_no_delete BEFORE DELETE ON access_event_person
     BEGIN SELECT RAISE(ABORT, 'access_event_person is append-only'); END",
    "DROP TABLE access_event_person_index",
    "DROP TABLE access_event_person_scope",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, &UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, &DOWN).await
    }
}

/// `statements` in order, on SQLite only.
async fn run(m: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    if m.get_database_backend() == DbBackend::Sqlite {
        for sql in statements {
            m.get_connection().execute_unprepared(sql).await?;
        }
    }
    Ok(())
}
