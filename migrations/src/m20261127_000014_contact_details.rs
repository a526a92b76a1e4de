//! What funders and the method ask of a contact besides its date: how long it took (hours per
//! child, IB 1043-1050), what it was about (topic tags for the activities of bijlage 1 that
//! are talks on a subject), and whether a kindgesprek was held with the child alone (NK fn. 6).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in
            [integer_null("duration_minutes"), json("topics").default("[]").take(), boolean_null("individual")]
        {
            m.alter_table(Table::alter().table("contact").add_column(column).take()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["individual", "topics", "duration_minutes"] {
            m.alter_table(Table::alter().table("contact").drop_column(column).take()).await?;
        }
        Ok(())
    }
}
