//! What runs beside the HTTP server: the delivery worker draining the outbox, and the daily
//! expiry of Verwijsindex signals.

use crate::{app::AppState, partners::reference_index};
use integrations::outbox::DeliveryWorker;
use std::{future::Future, time::Duration};

const DAILY: Duration = Duration::from_secs(24 * 60 * 60);

pub fn delivery_worker(state: &AppState) -> DeliveryWorker {
    DeliveryWorker::new(state.db.clone(), state.secrets.clone(), state.config.delivery.worker_settings())
}

pub fn spawn(state: &AppState, stop_worker: impl Future<Output = ()> + Send + 'static, stop_daily: impl Future<Output = ()> + Send + 'static) {
    let worker = delivery_worker(state);
    tokio::spawn(async move { worker.run(stop_worker).await });
    let db = state.db.clone();
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
}
