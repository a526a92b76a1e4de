//! On PostgreSQL the persons an access event names are compressed with LZ4 instead of the
//! default pglz: a page's list of some 130 ids is compressed on every read logged and
//! decompressed when the sequencer seals it, and pglz was a thirtieth of the database's work
//! on the nested caseload page (LZ4 compresses it as small, several times faster). Only new
//! events are written so; older ones stay as they are and read the same. A PostgreSQL built
//! without LZ4 keeps pglz.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "DO $$ BEGIN
                        ALTER TABLE access_event ALTER COLUMN persons SET COMPRESSION lz4;
                    EXCEPTION WHEN feature_not_supported THEN NULL;
                    END $$",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared("ALTER TABLE access_event ALTER COLUMN persons SET COMPRESSION pglz")
                .await?;
        }
        Ok(())
    }
}
