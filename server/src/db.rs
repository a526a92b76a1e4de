//! Database connection: SQLite by default, PostgreSQL via `DATABASE_URL`.

use crate::{config::Config, metrics::Metrics};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use std::{sync::Arc, time::Duration};

/// Connects the pool that writes, switches SQLite to WAL, and counts every statement into `metrics`.
pub async fn connect(config: &Config, metrics: Arc<Metrics>) -> anyhow::Result<DatabaseConnection> {
    let max = if config.is_sqlite() { 1 } else { config.database_max_connections };
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(max)
        .min_connections(if config.is_sqlite() { 1 } else { 0 })
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let mut db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers of other processes (backups, `veerkracht migrate --status`) run
        // beside the server; foreign keys are on by default in sqlx.
        db.execute_unprepared("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;").await?;
    }
    db.set_metric_callback(move |_| metrics.sql_statement());
    Ok(db)
}

/// The connections reads go through. On SQLite a pool of read-only connections beside the one
/// writer: WAL lets them read a committed snapshot while the writer writes, so reads run in
/// parallel and never queue behind a write. On PostgreSQL (and for an in-memory SQLite
/// database, which a second pool cannot see) the writer's pool itself.
pub async fn connect_reader(config: &Config, writer: &DatabaseConnection, metrics: Arc<Metrics>) -> anyhow::Result<DatabaseConnection> {
    if !config.is_sqlite() || config.database_url.contains(":memory:") || config.database_url.contains("mode=memory") {
        return Ok(writer.clone());
    }
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.database_max_connections.max(1))
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| o.read_only(true).create_if_missing(false));
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(move |_| metrics.sql_statement());
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// One line per migration: its name and whether it is applied.
pub async fn migration_status(db: &DatabaseConnection) -> anyhow::Result<Vec<(String, bool)>> {
    let list = Migrator::get_migration_with_status(db).await?;
    Ok(list
        .iter()
        .map(|m| (m.name().to_string(), m.status() == migrations::MigrationStatus::Applied))
        .collect())
}
