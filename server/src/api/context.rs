//! Per-request state and the helpers resolvers use to reach it.

use super::{batch::Batcher, loaders::Loaders};
use crate::{
    audit::{AccessEvent, AuditBuffer, RequestMeta},
    auth::Principal,
    cases::Actor,
    error::{AppError, AppResult},
    policy::Ground,
};
use async_graphql::Context;
use entities::AccessAction;
use integrations::{
    live::{self, Bus},
    secrets::SecretBox,
};
use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};
use std::sync::Arc;
use uuid::Uuid;

/// What every request may need beyond the database, built once per application.
#[derive(Clone)]
pub struct ApiSettings {
    /// Largest `first`/`last` a connection accepts.
    pub max_page_size: u64,
    /// Most aliases a document may use.
    pub max_aliases: usize,
    /// Seals partner secrets given through the API.
    pub secrets: Arc<SecretBox>,
    /// Where partners may be reached (checked when their URLs are saved).
    pub egress: Arc<integrations::egress::EgressPolicy>,
    /// The base URL partners reach us at, for their inbox URL.
    pub public_base_url: String,
    /// Seals the access log before it is read or checked.
    pub sealer: Arc<crate::audit::Sealer>,
    /// Where committed changes are announced to subscriptions (of every replica).
    pub live: Bus,
}

impl ApiSettings {
    pub async fn new(config: &crate::config::Config, db: &DatabaseConnection) -> anyhow::Result<Self> {
        Ok(Self {
            max_page_size: config.limits.max_page_size,
            max_aliases: config.limits.max_aliases,
            secrets: Arc::new(config.secrets()?),
            egress: Arc::new(config.egress()),
            public_base_url: config
                .partners
                .public_base_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", config.listen)),
            sealer: Arc::new(config.sealer()?),
            live: Bus::start(db, &config.database_url).await?,
        })
    }
}

pub struct RequestState {
    /// For reads (see `db::connect_reader`).
    pub db: DatabaseConnection,
    /// For use cases, which write.
    pub writer: DatabaseConnection,
    pub principal: Option<Principal>,
    pub meta: RequestMeta,
    pub audit: Arc<AuditBuffer>,
    pub loader: Batcher<Loaders>,
    pub max_page_size: u64,
    pub settings: ApiSettings,
}

impl RequestState {
    /// The state of one request (or one subscription): fresh loaders and an empty audit buffer.
    pub fn new(
        writer: &DatabaseConnection,
        reader: &DatabaseConnection,
        principal: Option<Principal>,
        meta: RequestMeta,
        settings: &ApiSettings,
    ) -> Self {
        let organisation_id = principal.as_ref().map_or(Uuid::nil(), |p| p.organisation_id);
        Self {
            db: reader.clone(),
            writer: writer.clone(),
            principal,
            meta,
            audit: Arc::new(AuditBuffer::default()),
            loader: Batcher::new(Loaders { db: reader.clone(), organisation_id }),
            max_page_size: settings.max_page_size,
            settings: settings.clone(),
        }
    }
}

pub trait ContextExt {
    fn state(&self) -> &RequestState;

    fn db(&self) -> &DatabaseConnection {
        &self.state().db
    }

    fn loader(&self) -> &Batcher<Loaders> {
        &self.state().loader
    }

    /// The principal acting in this request and where the request came from, for use cases.
    fn actor(&self) -> AppResult<Actor<'_>> {
        Ok(Actor { principal: self.principal()?, meta: &self.state().meta })
    }

    fn principal(&self) -> AppResult<&Principal> {
        self.state().principal.as_ref().ok_or_else(|| AppError::Unauthenticated("a bearer token is required".into()))
    }

    /// Records a read of part of a person's record in the request's access log.
    fn log_read(&self, person_id: Uuid, area: &'static str, ground: &Ground) {
        self.state().audit.record(AccessEvent::new(person_id, AccessAction::Read, area, ground));
    }
}

impl ContextExt for Context<'_> {
    fn state(&self) -> &RequestState {
        self.data_unchecked::<RequestState>()
    }
}

/// Runs one use case in a transaction of its own, committed when the case succeeds (a failed
/// case rolls back: nothing half-written), and announces what it changed to subscriptions.
pub async fn in_transaction<T>(
    ctx: &Context<'_>,
    case: impl AsyncFnOnce(Actor<'_>, &DatabaseTransaction) -> AppResult<T>,
) -> AppResult<T> {
    let actor = ctx.actor()?;
    let txn = ctx.state().writer.begin().await?;
    let (out, changes) = live::noting(case(actor, &txn)).await;
    let out = out?;
    ctx.state().settings.live.commit(txn, changes).await?;
    // What the request primed before this change may be stale now; a payload's fields (and a
    // later mutation of the same document) read what was committed.
    ctx.loader().forget();
    Ok(out)
}
