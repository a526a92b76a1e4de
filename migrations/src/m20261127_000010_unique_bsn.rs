//! A BSN is registered at most once per organisation, enforced by the database: the check in
//! code looked before it inserted, and simultaneous admissions of one person each passed it
//! (seen on PostgreSQL: up to seven persons holding one BSN). Replaces the plain index.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        // Existing duplicates are persons to be merged or corrected by people, not by a migration.
        let duplicates = db
            .query_one_raw(Statement::from_string(
                m.get_database_backend(),
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM person WHERE bsn IS NOT NULL GROUP BY organisation_id, bsn HAVING COUNT(*) > 1) d",
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if duplicates > 0 {
            return Err(DbErr::Migration(format!(
                "{duplicates} BSN(s) are registered for more than one person of an organisation; correct or merge those persons \
                 (SELECT organisation_id, bsn FROM person WHERE bsn IS NOT NULL GROUP BY 1, 2 HAVING COUNT(*) > 1) and start again"
            )));
        }
        m.drop_index(Index::drop().name("ix_person_organisation_id_bsn").table("person").to_owned()).await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_person_bsn ON person (organisation_id, bsn) WHERE bsn IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ux_person_bsn").table("person").to_owned()).await?;
        m.create_index(crate::index("person", &["organisation_id", "bsn"], false)).await
    }
}
