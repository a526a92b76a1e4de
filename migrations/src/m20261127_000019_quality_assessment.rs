//! Het Kwaliteitsinstrument Veerkracht (IB 920-932): a location's self-assessment for a year,
//! scored per item, with its improvement plan, signed by a manager.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("quality_assessment")
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(uuid("location_id"))
                .col(integer("year"))
                .col(json("scores"))
                .col(text_null("improvement_plan"))
                .col(uuid_null("signed_by_worker_id"))
                .col(date_null("signed_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("quality_assessment", "organisation_id", "organisation"))
                .foreign_key(&mut fk("quality_assessment", "location_id", "location"))
                .foreign_key(&mut fk("quality_assessment", "signed_by_worker_id", "worker"))
                .take(),
        )
        .await?;
        m.create_index(index("quality_assessment", &["location_id", "year"], true)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("quality_assessment").take()).await
    }
}
