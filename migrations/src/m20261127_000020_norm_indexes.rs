//! Indexes for the norm figures, which read the records per trajectory (a case page reads them
//! per child): without them a figure over 50,000 children scans a table once per child.

use crate::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &[&str]); 7] = [
    ("safety_assessment", &["trajectory_id", "assessed_on"]),
    ("screening", &["trajectory_id", "instrument"]),
    ("contact", &["trajectory_id", "kind", "held_on"]),
    ("child_activity", &["trajectory_id"]),
    ("psycho_education", &["trajectory_id"]),
    ("non_accompanying_parent", &["trajectory_id"]),
    ("goal_progress", &["goal_id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in INDEXES {
            m.create_index(index(table, columns, false)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in INDEXES {
            m.drop_index(Index::drop().name(format!("ix_{table}_{}", columns.join("_"))).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
