//! Live changes, for subscriptions: what changed (kind and ids, never a person's data),
//! announced only once the change is committed.
//!
//! A workflow's writes note their changes ([`note`]) while it runs inside [`noting`]; whoever
//! commits its transaction hands them to [`Bus::commit`]. On PostgreSQL that is a `NOTIFY` in
//! the transaction itself, which the database delivers to every replica's listener at commit,
//! and never for a transaction rolled back. An embedded SQLite database has one process, so the
//! changes go straight to its subscribers after the commit.

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, Statement};
use serde::{Deserialize, Serialize};
use std::{cell::RefCell, sync::Arc, time::Duration};
use tokio::sync::broadcast;
use uuid::Uuid;

/// The PostgreSQL channel every replica listens on.
const CHANNEL: &str = "veerkracht_live";

/// Changes per NOTIFY: PostgreSQL's payload limit is 8000 bytes; one change is about 110.
const PER_NOTIFY: usize = 40;

/// Changes a slow subscriber may lag behind before it misses some (and is told so).
const BUFFER: usize = 1024;

/// What kind of thing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Subject {
    /// A person's record was written (created, updated, deleted): what an agenda is made of.
    Person,
    /// A message to a partner was queued, sent, delivered, acknowledged, failed or retried.
    PartnerMessage,
    /// A warm handover changed status.
    Handover,
    /// A partner sent a referral.
    Referral,
}

/// One change: what, which one, in which organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Change {
    #[serde(rename = "o")]
    pub organisation_id: Uuid,
    #[serde(rename = "s")]
    pub subject: Subject,
    #[serde(rename = "i")]
    pub id: Uuid,
}

impl Change {
    pub fn new(organisation_id: Uuid, subject: Subject, id: Uuid) -> Self {
        Self { organisation_id, subject, id }
    }
}

tokio::task_local! {
    static NOTED: RefCell<Vec<Change>>;
}

/// Remembers a change of the workflow running inside [`noting`]; outside one (a seeder, a
/// migration) there is nobody to tell and it is dropped.
pub fn note(change: Change) {
    let _ = NOTED.try_with(|noted| noted.borrow_mut().push(change));
}

/// Runs `work`, collecting the changes it notes, each once.
pub async fn noting<F: Future>(work: F) -> (F::Output, Vec<Change>) {
    NOTED
        .scope(RefCell::new(Vec::new()), async {
            let out = work.await;
            let mut changes = NOTED.with(|noted| noted.take());
            let mut seen = std::collections::HashSet::new();
            changes.retain(|c| seen.insert(*c));
            (out, changes)
        })
        .await
}

/// Carries committed changes to this process's subscribers, and on PostgreSQL to every replica's.
#[derive(Clone)]
pub struct Bus {
    /// A change, or `None` where changes were lost (the listener's connection dropped).
    local: broadcast::Sender<Option<Change>>,
    postgres: bool,
    _listener: Option<Arc<AbortOnDrop>>,
}

impl std::fmt::Debug for Bus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bus").field("postgres", &self.postgres).finish_non_exhaustive()
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Default for Bus {
    /// A bus for one process (SQLite, tests of parts).
    fn default() -> Self {
        Self { local: broadcast::channel(BUFFER).0, postgres: false, _listener: None }
    }
}

impl Bus {
    /// A bus that only announces, for a process with no subscribers (the delivery command):
    /// on PostgreSQL its changes still reach every replica.
    pub fn announcing(db: &DatabaseConnection) -> Self {
        Self { postgres: db.get_database_backend() == sea_orm::DatabaseBackend::Postgres, ..Self::default() }
    }

    /// The bus for `db`: on PostgreSQL it also listens, on a connection of its own to
    /// `database_url`, for what every replica announces, this one included.
    pub async fn start(db: &DatabaseConnection, database_url: &str) -> Result<Self, DbErr> {
        let bus = Self::announcing(db);
        if !bus.postgres {
            return Ok(bus);
        }
        let mut listener = sqlx::postgres::PgListener::connect(database_url).await.map_err(sqlx_err)?;
        listener.listen(CHANNEL).await.map_err(sqlx_err)?;
        let local = bus.local.clone();
        let task = tokio::spawn(async move {
            loop {
                match listener.try_recv().await {
                    Ok(Some(n)) => match serde_json::from_str::<Vec<Change>>(n.payload()) {
                        Ok(changes) => changes.into_iter().for_each(|c| drop(local.send(Some(c)))),
                        Err(e) => tracing::warn!(error = %e, "ignored a live notification that is not ours"),
                    },
                    // The connection was lost (the next call opens another): what was announced
                    // meanwhile is gone, so every subscriber is told it missed changes.
                    Ok(None) => {
                        tracing::warn!("the live listener lost its connection; reconnecting");
                        let _ = local.send(None);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "the live listener cannot reach the database; retrying");
                        let _ = local.send(None);
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(Self { _listener: Some(Arc::new(AbortOnDrop(task))), ..bus })
    }

    /// Commits `txn` and announces `changes`, which it made: in the transaction on PostgreSQL
    /// (so that they reach subscribers only if it commits), after the commit otherwise.
    pub async fn commit(&self, txn: DatabaseTransaction, changes: Vec<Change>) -> Result<(), DbErr> {
        if self.postgres {
            self.notify(&txn, &changes).await?;
            txn.commit().await
        } else {
            txn.commit().await?;
            changes.into_iter().for_each(|c| drop(self.local.send(Some(c))));
            Ok(())
        }
    }

    /// Announces changes already committed on `db` (writes made outside a transaction).
    pub async fn publish(&self, db: &DatabaseConnection, changes: Vec<Change>) -> Result<(), DbErr> {
        if self.postgres {
            self.notify(db, &changes).await
        } else {
            changes.into_iter().for_each(|c| drop(self.local.send(Some(c))));
            Ok(())
        }
    }

    async fn notify<C: ConnectionTrait>(&self, db: &C, changes: &[Change]) -> Result<(), DbErr> {
        for chunk in changes.chunks(PER_NOTIFY) {
            let payload = serde_json::to_string(chunk).expect("changes serialise");
            db.execute_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            ))
            .await?;
        }
        Ok(())
    }

    /// Every change from now on, of every organisation (subscribers filter their own), and
    /// `None` where changes were lost. A subscriber that falls more than a thousand changes
    /// behind is told it lagged.
    pub fn subscribe(&self) -> broadcast::Receiver<Option<Change>> {
        self.local.subscribe()
    }
}

fn sqlx_err(e: sqlx::Error) -> DbErr {
    DbErr::Conn(sea_orm::RuntimeErr::Internal(format!("live listener: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn noting_collects_each_change_once_and_nothing_outside() {
        let a = Change::new(Uuid::nil(), Subject::Person, Uuid::from_u128(1));
        let b = Change::new(Uuid::nil(), Subject::Handover, Uuid::from_u128(2));
        note(a); // outside: dropped, no panic
        let ((), changes) = noting(async {
            note(a);
            note(b);
            note(a);
        })
        .await;
        assert_eq!(changes, vec![a, b]);
    }

    #[test]
    fn a_full_notification_fits_postgres_payload_limit() {
        let c = Change::new(Uuid::max(), Subject::PartnerMessage, Uuid::max());
        let payload = serde_json::to_string(&vec![c; PER_NOTIFY]).unwrap();
        assert!(payload.len() < 8000, "{} bytes", payload.len());
    }
}
