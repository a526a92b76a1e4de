//! A screening's result discussed with parent and child, and what follows it (a raised score
//! asks for further assessment, a referral, or a reasoned decision).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            date_null("discussed_with_parent_on"),
            date_null("discussed_with_child_on"),
            string_len_null("follow_up", 40),
            text_null("follow_up_note"),
        ] {
            m.alter_table(Table::alter().table("screening").add_column(column).take()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["follow_up_note", "follow_up", "discussed_with_child_on", "discussed_with_parent_on"] {
            m.alter_table(Table::alter().table("screening").drop_column(column).take()).await?;
        }
        Ok(())
    }
}
