//! Database migrations, one file per change, named by date and purpose.
//! Every migration runs on SQLite and PostgreSQL.

pub use sea_orm_migration::{migrator::MigrationStatus, prelude::*};

mod m20261124_000001_create_case_model;
mod m20261124_000002_create_access_log;
mod m20261124_000003_create_method_records;
mod m20261125_000004_create_partners_and_outbox;
mod m20261125_000005_create_handle_with_care;
mod m20261125_000006_create_partner_grants;
mod m20261125_000007_create_handovers_and_referrals;
mod m20261127_000008_access_events;
mod m20261127_000009_person_index;
mod m20261127_000010_unique_bsn;
mod m20261127_000011_outbox_claims;
mod m20261127_000012_sub_goals;
mod m20261127_000013_placements;
mod m20261127_000014_contact_details;
mod m20261127_000015_screening_follow_up;
mod m20261127_000016_method_activities;
mod m20261127_000017_meldcode_signals;
mod m20261127_000018_municipality_access;
mod m20261127_000019_quality_assessment;
mod m20261127_000020_norm_indexes;
mod m20261128_000021_access_log_lz4;
mod m20261129_000022_person_index_fts;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_case_model::Migration),
            Box::new(m20261124_000002_create_access_log::Migration),
            Box::new(m20261124_000003_create_method_records::Migration),
            Box::new(m20261125_000004_create_partners_and_outbox::Migration),
            Box::new(m20261125_000005_create_handle_with_care::Migration),
            Box::new(m20261125_000006_create_partner_grants::Migration),
            Box::new(m20261125_000007_create_handovers_and_referrals::Migration),
            Box::new(m20261127_000008_access_events::Migration),
            Box::new(m20261127_000009_person_index::Migration),
            Box::new(m20261127_000010_unique_bsn::Migration),
            Box::new(m20261127_000011_outbox_claims::Migration),
            Box::new(m20261127_000012_sub_goals::Migration),
            Box::new(m20261127_000013_placements::Migration),
            Box::new(m20261127_000014_contact_details::Migration),
            Box::new(m20261127_000015_screening_follow_up::Migration),
            Box::new(m20261127_000016_method_activities::Migration),
            Box::new(m20261127_000017_meldcode_signals::Migration),
            Box::new(m20261127_000018_municipality_access::Migration),
            Box::new(m20261127_000019_quality_assessment::Migration),
            Box::new(m20261127_000020_norm_indexes::Migration),
            Box::new(m20261128_000021_access_log_lz4::Migration),
            Box::new(m20261129_000022_person_index_fts::Migration),
        ]
    }
}

/// A foreign key from `table.column` to `target.id`.
pub(crate) fn fk(table: &'static str, column: &'static str, target: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

pub(crate) fn index(table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_"))).table(table);
    for c in columns {
        stmt.col(*c);
    }
    if unique {
        stmt.unique();
    }
    stmt.take()
}
