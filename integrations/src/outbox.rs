//! The transactional outbox and its delivery worker.
//!
//! A message is written in the transaction of the change that causes it. Workers claim due
//! messages with one `UPDATE … RETURNING` (on PostgreSQL over `FOR UPDATE SKIP LOCKED`, so
//! replicas never take the same message), holding a lease while they send. A worker that dies
//! mid-send leaves the message SENT with a lapsed lease; the next claim takes it again and it
//! is sent once more with the same id, which receivers use to drop the duplicate.

use crate::{
    backoff::RetryPolicy,
    live::{self, Change, Subject},
    oauth::ClientCredentials,
    partner::adapter,
    secrets::SecretBox,
    telemetry::{Attribute, Span, SpanKind, TraceContext},
    transport::{PartnerEndpoint, SendError, Transport},
};
use chrono::Utc;
use entities::{MessageKind, MessageStatus, chain_partner, outbox_message};
use futures::StreamExt;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, LockBehavior, LockType, Order, Query},
};
use std::{collections::HashMap, sync::Arc, time::Duration};
use uuid::Uuid;

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// A message to queue; the caller has established the ground it may be shared on.
pub struct NewMessage {
    pub organisation_id: Uuid,
    pub partner_id: Uuid,
    pub child_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub kind: MessageKind,
    pub payload: String,
    pub ground: String,
}

/// Writes `message` to the outbox on `db` (the caller's transaction). Its id, a UUIDv7, is
/// the message id partners see and the idempotency key.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    message: NewMessage,
) -> Result<outbox_message::Model, DbErr> {
    let now = Utc::now();
    let row = outbox_message::Model {
        id,
        organisation_id: message.organisation_id,
        partner_id: message.partner_id,
        child_id: message.child_id,
        subject_id: message.subject_id,
        kind: message.kind,
        payload: message.payload,
        status: MessageStatus::Queued,
        attempts: 0,
        next_attempt_at_ms: now.timestamp_millis(),
        leased_until_ms: None,
        claim_token: None,
        last_error: None,
        ground: message.ground,
        sent_at: None,
        delivered_at: None,
        acknowledged_at: None,
        created_at: now,
        updated_at: now,
    };
    outbox_message::Entity::insert(outbox_message::ActiveModel::from(row.clone())).exec_without_returning(db).await?;
    live::note(Change::new(row.organisation_id, Subject::PartnerMessage, id));
    Ok(row)
}

/// Claims up to `limit` due messages for `lease` under a new claim token: queued or failed
/// ones whose time has come, and sent ones whose worker's lease lapsed.
pub async fn claim(db: &DatabaseConnection, limit: u64, lease: Duration) -> Result<Vec<outbox_message::Model>, DbErr> {
    use outbox_message::Column as C;
    use sea_orm::sea_query::ExprTrait;
    let backend = db.get_database_backend();
    let now = Utc::now();
    let now_ms = now.timestamp_millis();
    let mut due = Query::select();
    due.column(C::Id)
        .from(outbox_message::Entity)
        .cond_where(
            Condition::any()
                .add(
                    C::Status.is_in([MessageStatus::Queued, MessageStatus::Failed]).and(C::NextAttemptAtMs.lte(now_ms)),
                )
                .add(C::Status.eq(MessageStatus::Sent).and(C::LeasedUntilMs.lt(now_ms))),
        )
        .order_by(C::NextAttemptAtMs, Order::Asc)
        .limit(limit);
    if backend == DatabaseBackend::Postgres {
        // Replicas claiming at once skip each other's rows instead of waiting for them.
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let update = Query::update()
        .table(outbox_message::Entity)
        .value(C::Status, MessageStatus::Sent.as_str())
        .value(C::Attempts, Expr::col(C::Attempts).add(1))
        .value(C::LeasedUntilMs, now_ms + lease.as_millis() as i64)
        .value(C::ClaimToken, Uuid::now_v7())
        .value(C::SentAt, now)
        .value(C::UpdatedAt, now)
        .and_where(C::Id.in_subquery(due))
        .returning_all()
        .to_owned();
    outbox_message::Entity::find().from_raw_sql(backend.build(&update)).all(db).await
}

/// Puts the messages of a claim that were not sent back in the queue, due now.
async fn release(db: &DatabaseConnection, claim_token: Uuid) -> Result<u64, DbErr> {
    let res = outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, Expr::value(MessageStatus::Queued.as_str()))
        .col_expr(outbox_message::Column::LeasedUntilMs, Expr::value(Option::<i64>::None))
        .col_expr(outbox_message::Column::ClaimToken, Expr::value(Option::<Uuid>::None))
        .col_expr(outbox_message::Column::NextAttemptAtMs, Expr::value(now_ms()))
        .filter(outbox_message::Column::ClaimToken.eq(claim_token))
        .filter(outbox_message::Column::Status.eq(MessageStatus::Sent))
        .exec(db)
        .await?;
    tracing::info!(released = res.rows_affected, "claims of unsent messages released on shutdown");
    Ok(res.rows_affected)
}

/// Extends the lease of the messages of a claim still being sent.
async fn extend(db: &DatabaseConnection, claim_token: Uuid, lease: Duration) -> Result<(), DbErr> {
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::LeasedUntilMs, Expr::value(now_ms() + lease.as_millis() as i64))
        .filter(outbox_message::Column::ClaimToken.eq(claim_token))
        .filter(outbox_message::Column::Status.eq(MessageStatus::Sent))
        .exec(db)
        .await?;
    Ok(())
}

/// How an attempt ended.
pub enum Outcome {
    Delivered,
    Failed(SendError),
}

/// Records the outcome of an attempt on a message still SENT under our claim: an
/// acknowledgement may have overtaken it, which is then kept, and a worker whose claim was
/// taken over records nothing.
pub async fn record(
    db: &DatabaseConnection,
    message: &outbox_message::Model,
    outcome: Outcome,
    policy: &RetryPolicy,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let mut update = outbox_message::ActiveModel {
        updated_at: Set(now),
        leased_until_ms: Set(None),
        claim_token: Set(None),
        ..Default::default()
    };
    match outcome {
        Outcome::Delivered => {
            update.status = Set(MessageStatus::Delivered);
            update.delivered_at = Set(Some(now));
            update.last_error = Set(None);
        }
        Outcome::Failed(error) => {
            let retry_in = match &error {
                SendError::Retryable(_) => policy.next_delay(message.attempts.max(0) as u32, &mut rand::thread_rng()),
                SendError::Permanent(_) => None,
            };
            update.last_error = Set(Some(error.to_string()));
            match retry_in {
                Some(delay) => {
                    update.status = Set(MessageStatus::Failed);
                    update.next_attempt_at_ms = Set(now.timestamp_millis() + delay.as_millis() as i64);
                }
                None => update.status = Set(MessageStatus::Dead),
            }
        }
    }
    let res = outbox_message::Entity::update_many()
        .set(update)
        .filter(outbox_message::Column::Id.eq(message.id))
        .filter(outbox_message::Column::Status.eq(MessageStatus::Sent))
        .filter(outbox_message::Column::ClaimToken.eq(message.claim_token))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        tracing::debug!(message_id = %message.id, "outcome not recorded: the message was acknowledged or taken over");
    }
    Ok(())
}

/// The partner confirmed it processed message `id` (of our organisation's partner).
pub async fn acknowledge<C: ConnectionTrait>(db: &C, partner: &chain_partner::Model, id: Uuid) -> Result<bool, DbErr> {
    let now = Utc::now();
    let res = outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, Expr::value(MessageStatus::Acknowledged.as_str()))
        .col_expr(outbox_message::Column::AcknowledgedAt, Expr::value(now))
        .col_expr(outbox_message::Column::LeasedUntilMs, Expr::value(Option::<i64>::None))
        .col_expr(outbox_message::Column::UpdatedAt, Expr::value(now))
        .filter(outbox_message::Column::Id.eq(id))
        .filter(outbox_message::Column::PartnerId.eq(partner.id))
        .filter(outbox_message::Column::Status.is_in([
            MessageStatus::Sent,
            MessageStatus::Delivered,
            MessageStatus::Failed,
        ]))
        .exec(db)
        .await?;
    let acknowledged = res.rows_affected == 1;
    if acknowledged {
        live::note(Change::new(partner.organisation_id, Subject::PartnerMessage, id));
    }
    Ok(acknowledged)
}

/// An admin's retry of a failed or dead message: queued again, attempts from zero.
pub async fn retry<C: ConnectionTrait>(db: &C, message: &outbox_message::Model) -> Result<bool, DbErr> {
    let now = Utc::now();
    let res = outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, Expr::value(MessageStatus::Queued.as_str()))
        .col_expr(outbox_message::Column::Attempts, Expr::value(0))
        .col_expr(outbox_message::Column::NextAttemptAtMs, Expr::value(now.timestamp_millis()))
        .col_expr(outbox_message::Column::UpdatedAt, Expr::value(now))
        .filter(outbox_message::Column::Id.eq(message.id))
        .filter(outbox_message::Column::Status.is_in([MessageStatus::Failed, MessageStatus::Dead]))
        .exec(db)
        .await?;
    let retried = res.rows_affected == 1;
    if retried {
        live::note(Change::new(message.organisation_id, Subject::PartnerMessage, message.id));
    }
    Ok(retried)
}

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub retry: RetryPolicy,
    pub lease: Duration,
    pub batch: u64,
    /// Messages sent at the same time.
    pub concurrency: usize,
    pub poll_interval: Duration,
    pub http_timeout: Duration,
    /// Where partner traffic may go.
    pub egress: Arc<crate::egress::EgressPolicy>,
    /// On shutdown, how long the sends under way may take before their claims are released.
    pub shutdown_grace: Duration,
    /// Told, for every message delivered, how long it took from queueing to delivery.
    pub delivered: DeliveryLatency,
    /// Where each attempt's span goes (a trace of its own, carried to the partner).
    pub telemetry: crate::telemetry::Exporter,
    /// Where each change of a message's status is announced (subscriptions).
    pub live: crate::live::Bus,
}

/// Where the worker reports each delivery's latency (the server's metrics).
#[derive(Clone)]
pub struct DeliveryLatency(pub Arc<dyn Fn(Duration) + Send + Sync>);

impl Default for DeliveryLatency {
    fn default() -> Self {
        Self(Arc::new(|_| {}))
    }
}

impl std::fmt::Debug for DeliveryLatency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeliveryLatency")
    }
}

/// Messages of one status across the outbox, and when the oldest of them was queued.
#[derive(Debug, Clone)]
pub struct Backlog {
    pub status: MessageStatus,
    pub count: i64,
    pub oldest: Option<chrono::DateTime<Utc>>,
}

/// The statuses an operator watches: messages still on their way, and those given up on.
/// Delivered and acknowledged ones (nearly every row, ever more) are left out, so that a scrape
/// reads the status index for the few that matter and not the whole table.
pub const BACKLOG: [MessageStatus; 4] =
    [MessageStatus::Queued, MessageStatus::Sent, MessageStatus::Failed, MessageStatus::Dead];

/// The outbox's [`BACKLOG`] by status, in one grouped statement, with when the oldest of each
/// was queued.
pub async fn backlog(db: &DatabaseConnection) -> Result<Vec<Backlog>, DbErr> {
    use sea_orm::QuerySelect;
    let rows: Vec<(MessageStatus, i64, Option<chrono::DateTime<Utc>>)> = outbox_message::Entity::find()
        .filter(outbox_message::Column::Status.is_in(BACKLOG))
        .select_only()
        .column(outbox_message::Column::Status)
        .column_as(outbox_message::Column::Id.count(), "count")
        .column_as(outbox_message::Column::CreatedAt.min(), "oldest")
        .group_by(outbox_message::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(status, count, oldest)| Backlog { status, count, oldest }).collect())
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            lease: Duration::from_secs(60),
            batch: 200,
            concurrency: 32,
            poll_interval: Duration::from_millis(500),
            http_timeout: Duration::from_secs(20),
            egress: Arc::default(),
            shutdown_grace: Duration::from_secs(10),
            delivered: DeliveryLatency::default(),
            telemetry: crate::telemetry::Exporter::default(),
            live: crate::live::Bus::default(),
        }
    }
}

/// Drains the outbox. Several can run, in one process or in several replicas.
pub struct DeliveryWorker {
    db: DatabaseConnection,
    secrets: Arc<SecretBox>,
    transport: Transport,
    settings: WorkerSettings,
}

impl DeliveryWorker {
    pub fn new(db: DatabaseConnection, secrets: Arc<SecretBox>, settings: WorkerSettings) -> Self {
        let transport = Transport::new(settings.http_timeout, settings.egress.clone());
        Self { db, secrets, transport, settings }
    }

    /// Claims one batch and attempts every message in it; returns how many were attempted.
    pub async fn run_once(&self) -> Result<usize, DbErr> {
        let batch = claim(&self.db, self.settings.batch, self.settings.lease).await?;
        self.send(batch).await
    }

    /// Attempts every message of a claimed batch, extending the claim's lease meanwhile.
    async fn send(&self, batch: Vec<outbox_message::Model>) -> Result<usize, DbErr> {
        if batch.is_empty() {
            return Ok(0);
        }
        self.announce(&batch).await;
        let partner_ids: Vec<Uuid> = batch.iter().map(|m| m.partner_id).collect();
        let partners: HashMap<Uuid, chain_partner::Model> = chain_partner::Entity::find()
            .filter(chain_partner::Column::Id.is_in(partner_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let count = batch.len();
        let claim_token = batch[0].claim_token.expect("a claimed message carries its claim");
        let sending = futures::stream::iter(batch)
            .map(|message| {
                let partner = partners.get(&message.partner_id);
                async move {
                    let outcome = match self.attempt(partner, &message).await {
                        Ok(()) => {
                            let waited = Utc::now() - message.created_at;
                            (self.settings.delivered.0)(waited.to_std().unwrap_or_default());
                            Outcome::Delivered
                        }
                        Err(e) => {
                            tracing::warn!(message_id = %message.id, attempts = message.attempts, error = %e, "delivery failed");
                            Outcome::Failed(e)
                        }
                    };
                    record(&self.db, &message, outcome, &self.settings.retry).await?;
                    self.announce(std::slice::from_ref(&message)).await;
                    Ok(())
                }
            })
            .buffer_unordered(self.settings.concurrency)
            .collect::<Vec<Result<(), DbErr>>>();
        // The claim's lease is extended while its messages are being sent, however slow the
        // partners: no other worker takes over a message that is still on its way.
        let heartbeat = async {
            loop {
                tokio::time::sleep(self.settings.lease / 3).await;
                if let Err(e) = extend(&self.db, claim_token, self.settings.lease).await {
                    tracing::warn!(error = %e, "could not extend the lease of messages being sent");
                }
            }
        };
        let results = tokio::select! {
            results = sending => results,
            () = heartbeat => unreachable!("the heartbeat never ends"),
        };
        results.into_iter().collect::<Result<(), _>>()?;
        Ok(count)
    }

    async fn attempt(
        &self,
        partner: Option<&chain_partner::Model>,
        message: &outbox_message::Model,
    ) -> Result<(), SendError> {
        let partner = partner.ok_or_else(|| SendError::Permanent("the partner no longer exists".into()))?;
        if !partner.active {
            return Err(SendError::Retryable("the partner is not active".into()));
        }
        let path = adapter(partner.adapter).and_then(|a| a.outbound_path(message.kind)).ok_or_else(|| {
            SendError::Permanent(format!("{} does not take {} messages", partner.name, message.kind.as_str()))
        })?;
        let endpoint = self.endpoint(partner)?;
        let telemetry = &self.settings.telemetry;
        let context = TraceContext::root(telemetry.enabled());
        let start = std::time::SystemTime::now();
        let sent = self
            .transport
            .send(&endpoint, path, &message.id.to_string(), &message.payload, &context.traceparent())
            .await;
        if !telemetry.wants(&context) {
            return sent;
        }
        // What was sent to whom, never what it said.
        telemetry.record(Span {
            name: format!("deliver {}", message.kind.as_str()),
            kind: SpanKind::Client,
            context,
            start,
            end: std::time::SystemTime::now(),
            attributes: vec![
                ("veerkracht.message.id", Attribute::Text(message.id.to_string())),
                ("veerkracht.partner.id", Attribute::Text(partner.id.to_string())),
                ("veerkracht.message.attempt", Attribute::Number(i64::from(message.attempts))),
            ],
            failed: sent.is_err(),
        });
        sent
    }

    fn endpoint(&self, p: &chain_partner::Model) -> Result<PartnerEndpoint, SendError> {
        let open = |sealed: &Option<String>, what: &str| -> Result<String, SendError> {
            let sealed =
                sealed.as_ref().ok_or_else(|| SendError::Retryable(format!("no {what} configured for the partner")))?;
            self.secrets.open(sealed).map_err(|e| SendError::Retryable(format!("{what}: {e}")))
        };
        let base_url = p
            .endpoint_url
            .clone()
            .ok_or_else(|| SendError::Retryable("no endpoint configured for the partner".into()))?;
        let credentials = match (&p.token_url, &p.client_id) {
            (Some(token_url), Some(client_id)) => Some(ClientCredentials {
                token_url: token_url.clone(),
                client_id: client_id.clone(),
                client_secret: open(&p.client_secret_sealed, "client secret")?,
                scopes: vec![],
            }),
            _ => None,
        };
        Ok(PartnerEndpoint {
            base_url,
            credentials,
            signing_secret: open(&p.signing_secret_sealed, "signing secret")?.into_bytes(),
        })
    }

    /// Tells subscribers that these messages changed status, and so the handovers they carry
    /// (whose DELIVERED is the package's delivery). A change not announced is not worth failing
    /// a delivery over: the status itself is recorded.
    async fn announce(&self, messages: &[outbox_message::Model]) {
        let changes = messages
            .iter()
            .flat_map(|m| {
                let handover = (m.kind == MessageKind::HandoverPackage)
                    .then_some(m.subject_id)
                    .flatten()
                    .map(|h| Change::new(m.organisation_id, Subject::Handover, h));
                std::iter::once(Change::new(m.organisation_id, Subject::PartnerMessage, m.id)).chain(handover)
            })
            .collect();
        if let Err(e) = self.settings.live.publish(&self.db, changes).await {
            tracing::warn!(error = %e, "could not announce a delivery's status change");
        }
    }

    /// Runs until `shutdown` resolves: drains while there is work, then polls. On shutdown the
    /// sends under way get `shutdown_grace` to finish; the claims of messages not sent by then
    /// are released, so that the next worker sends them at once rather than after the lease.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let claimed = tokio::select! {
                _ = &mut shutdown => return,
                claimed = claim(&self.db, self.settings.batch, self.settings.lease) => claimed,
            };
            match claimed {
                Ok(batch) if !batch.is_empty() => {
                    if self.send_or_release(batch, &mut shutdown).await.is_break() {
                        return;
                    }
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "delivery worker could not reach the outbox"),
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(self.settings.poll_interval) => {}
            }
        }
    }

    /// Sends a claimed batch. When `shutdown` comes first the sends get `shutdown_grace` to
    /// finish and what is still unsent is released; then the worker is to stop.
    async fn send_or_release(
        &self,
        batch: Vec<outbox_message::Model>,
        shutdown: &mut std::pin::Pin<&mut impl std::future::Future<Output = ()>>,
    ) -> std::ops::ControlFlow<()> {
        let claim_token = batch[0].claim_token;
        let sending = self.send(batch);
        tokio::pin!(sending);
        let sent = tokio::select! {
            sent = &mut sending => sent,
            _ = shutdown => {
                if tokio::time::timeout(self.settings.shutdown_grace, sending).await.is_err()
                    && let Some(token) = claim_token
                    && let Err(e) = release(&self.db, token).await
                {
                    tracing::error!(error = %e, "could not release the claim of unsent messages");
                }
                return std::ops::ControlFlow::Break(());
            }
        };
        if let Err(e) = sent {
            tracing::error!(error = %e, "delivery worker could not record outcomes");
        }
        std::ops::ControlFlow::Continue(())
    }
}
