//! Placement history (verblijfsgeschiedenis): every location a family stayed at, from when until
//! when. Moving a family used to overwrite its location; norm 2a counts moves. Each existing
//! family gets the placement it is in, from its admission.

use crate::{fk, index};
use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("placement")
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(uuid("family_id"))
                .col(uuid("location_id"))
                .col(date("from_date"))
                .col(date_null("until_date"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("placement", "organisation_id", "organisation"))
                .foreign_key(&mut fk("placement", "family_id", "family"))
                .foreign_key(&mut fk("placement", "location_id", "location"))
                .take(),
        )
        .await?;
        m.create_index(index("placement", &["family_id"], false)).await?;
        // The family's id serves as its first placement's: ids only need to be unique, and the
        // statement stays one INSERT … SELECT on both databases.
        let backfill = Query::insert()
            .into_table("placement")
            .columns(["id", "organisation_id", "family_id", "location_id", "from_date", "created_at"])
            .select_from(
                Query::select()
                    .columns(["id", "organisation_id", "id", "location_id", "admitted_on", "created_at"])
                    .from("family")
                    .take(),
            )
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .take();
        m.get_connection().execute(&backfill).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("placement").take()).await?;
        Ok(())
    }
}
