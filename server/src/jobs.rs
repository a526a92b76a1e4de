//! What runs beside the HTTP server: the access log's sequencer, the delivery worker draining
//! the outbox, the daily expiry of Verwijsindex signals, and on SQLite the hourly refresh of
//! the planner's statistics.

use crate::{
    audit::{self, Sealer},
    cases::reference_index,
};
use integrations::outbox::DeliveryWorker;
use sea_orm::DatabaseConnection;
use std::{future::Future, sync::Arc, time::Duration};

const DAILY: Duration = Duration::from_secs(24 * 60 * 60);

/// Starts the delivery worker and the daily jobs; returns the worker's task, which `serve`
/// waits for on shutdown (the worker releases what it could not send).
pub fn spawn(
    db: DatabaseConnection,
    worker: DeliveryWorker,
    stop_worker: impl Future<Output = ()> + Send + 'static,
    stop_daily: impl Future<Output = ()> + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    let worker = tokio::spawn(async move { worker.run(stop_worker).await });
    tokio::spawn(async move {
        tokio::pin!(stop_daily);
        loop {
            match reference_index::expire_due(&db, chrono::Utc::now().date_naive()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "Verwijsindex signals expired"),
                Err(e) => tracing::error!(error = %e, "expiring Verwijsindex signals failed"),
            }
            tokio::select! {
                _ = &mut stop_daily => return,
                _ = tokio::time::sleep(DAILY) => {}
            }
        }
    });
    worker
}

/// Seals new access-log events into their organisation's chain every `every`.
pub fn spawn_sequencer(
    db: DatabaseConnection,
    sealer: Arc<Sealer>,
    every: Duration,
    stop: impl Future<Output = ()> + Send + 'static,
) {
    tokio::spawn(async move {
        tokio::pin!(stop);
        loop {
            if let Err(e) = audit::seal_all(&db, &sealer).await {
                tracing::error!(error = %e, "sealing the access log failed");
            }
            tokio::select! {
                _ = &mut stop => return,
                _ = tokio::time::sleep(every) => {}
            }
        }
    });
}

/// Refreshes SQLite's planner statistics every hour (see [`crate::db::optimize`]).
pub fn spawn_optimizer(db: DatabaseConnection, stop: impl Future<Output = ()> + Send + 'static) {
    tokio::spawn(async move {
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = &mut stop => return,
                _ = tokio::time::sleep(Duration::from_secs(60 * 60)) => {}
            }
            if let Err(e) = crate::db::optimize(&db).await {
                tracing::error!(error = %e, "refreshing SQLite's statistics failed");
            }
        }
    });
}
