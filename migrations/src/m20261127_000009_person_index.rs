//! On PostgreSQL, "who accessed this person's record" becomes a GIN index over the persons of
//! the sealed events, in place of a row per event and person (`access_event_person`). Writing
//! those rows — two B-trees and a foreign-key check each, some 250 per page of 50 families —
//! was two thirds of the database's work for a page; a GIN entry costs about a quarter of a
//! row, and being derived from the hashed column it leaves nothing apart from the chain to
//! tamper with. SQLite has no inverted index and keeps the table (see `audit`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The expression the index is built on; `audit::naming` queries the same one.
const PERSONS_INDEX: &str = "CREATE INDEX ix_access_event_persons ON access_event
    USING gin ((string_to_array(persons, ',')::uuid[])) WHERE seq IS NOT NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Postgres {
            let db = m.get_connection();
            db.execute_unprepared(PERSONS_INDEX).await?;
            db.execute_unprepared("DROP TABLE access_event_person").await?;
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the person index of the access log cannot be moved back; restore a backup".into()))
    }
}
