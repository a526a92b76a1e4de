//! Reading the NEN 7513 access log (controle op toegang).

use super::{
    context::ContextExt,
    ids,
    pagination::{self, Conn, TotalCount},
};
use crate::{
    audit,
    error::{AppError, AppResult},
    policy,
};
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{AccessAction, access_event};
use sea_orm::{EntityTrait, QueryFilter};

/// Result of walking an organisation's chain and holding it against its signed checkpoints.
#[derive(SimpleObject)]
pub struct ChainReport {
    pub entries_checked: i64,
    pub valid: bool,
    /// The first entry whose link, hash or persons do not match, or the first one missing.
    pub first_broken_seq: Option<i64>,
    /// The size of the newest signed checkpoint the chain was held against.
    pub checkpoint_size: Option<i64>,
    /// What is wrong, in words.
    pub problem: Option<String>,
}

impl From<audit::ChainReport> for ChainReport {
    fn from(r: audit::ChainReport) -> Self {
        let audit::ChainReport { entries_checked, valid, first_broken_seq, checkpoint_size, problem } = r;
        Self { entries_checked, valid, first_broken_seq, checkpoint_size, problem }
    }
}

/// Toegangslog-regel: one access to a person's record. Entries of one request that did the
/// same to the same part of several records are one event; `seq` and the hashes are the
/// event's place in the chain.
pub struct AccessLogEntry(access_event::Model);

#[Object]
impl AccessLogEntry {
    /// Position in the organisation's hash chain.
    async fn seq(&self) -> i64 {
        self.0.seq.unwrap_or_default()
    }
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    /// Token subject of the user who acted.
    async fn actor_subject(&self) -> &str {
        &self.0.actor_subject
    }
    async fn actor_worker_id(&self) -> Option<ID> {
        self.0.actor_worker_id.map(|w| ids::encode("Worker", w))
    }
    async fn actor_roles(&self) -> Vec<&str> {
        self.0.actor_roles.split(',').filter(|r| !r.is_empty()).collect()
    }
    async fn actor_partner(&self) -> Option<&str> {
        self.0.actor_partner.as_deref()
    }
    async fn action(&self) -> AccessAction {
        self.0.action
    }
    /// Which parts of the record were accessed (e.g. `identity`, `trajectory`, `custody`);
    /// the entry concerns each of its persons in each of these parts.
    async fn areas(&self) -> Vec<&str> {
        self.0.area.split(',').collect()
    }
    /// Grondslag: role, relationship, grant or override.
    async fn ground(&self) -> &str {
        &self.0.ground
    }
    async fn request_id(&self) -> &str {
        &self.0.request_id
    }
    async fn client_address(&self) -> Option<&str> {
        self.0.client_address.as_deref()
    }
    async fn user_agent(&self) -> Option<&str> {
        self.0.user_agent.as_deref()
    }
    async fn hash(&self) -> &str {
        self.0.hash.as_deref().unwrap_or_default()
    }
    async fn prev_hash(&self) -> &str {
        self.0.prev_hash.as_deref().unwrap_or_default()
    }
}

#[derive(Default)]
pub struct AccessLogQuery;

#[Object]
impl AccessLogQuery {
    /// Who accessed this person's record (a Person or Child id), oldest first.
    #[graphql(complexity = "first.or(last).unwrap_or(20) as usize * child_complexity")]
    async fn access_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person whose record was accessed (NEN 7513: who read it, when, on what ground).")]
        person_id: ID,
        #[graphql(desc = "At most this many, from the start (after `after`); at most `limits.max_page_size`.")]
        first: Option<i32>,
        #[graphql(desc = "Cursor: the ones after it (the `endCursor` of the page before).")] after: Option<String>,
        #[graphql(desc = "At most this many, from the end (before `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor: the ones before it (the `startCursor` of the page after).")] before: Option<String>,
    ) -> AppResult<Conn<AccessLogEntry>> {
        let p = ctx.principal()?;
        policy::read_access_log(p)?;
        let person = ids::decode(&person_id, "Person", "personId")
            .or_else(|_| ids::decode(&person_id, "Child", "personId"))
            .map_err(|_| AppError::invalid("personId", "not a Person or Child id"))?;
        let page = pagination::page(first, after, last, before, ctx.state().max_page_size)?;
        // The newest events are sealed first, so that every entry has its place in the chain.
        audit::seal(&ctx.state().writer, &ctx.state().settings.sealer, p.organisation_id).await?;
        let backend = ctx.db().get_database_backend();
        let organisation_id = p.organisation_id;
        let total = match audit::counted_in_index(backend, organisation_id, person) {
            Some(count) => TotalCount::from_statement(count),
            None => TotalCount::of(
                ctx,
                &access_event::Entity::find().filter(audit::naming(backend, organisation_id, person)),
                access_event::Column::Id,
            ),
        };
        let select = access_event::Entity::find().filter(audit::naming_in_order(backend, organisation_id, person));
        let (mut rows, prev, next) = pagination::fetch(ctx, select, access_event::Column::Id, &page).await?;
        rows.retain(|e| audit::names(e, person));
        Ok(pagination::connection(rows, prev, next, total, |e| e.id, AccessLogEntry))
    }

    /// Seals your organisation's newest access-log entries, then walks the chain and holds it
    /// against its signed checkpoints.
    async fn verify_access_log(&self, ctx: &Context<'_>) -> AppResult<ChainReport> {
        let p = ctx.principal()?;
        policy::read_access_log(p)?;
        let (writer, sealer) = (&ctx.state().writer, &ctx.state().settings.sealer);
        audit::seal(writer, sealer, p.organisation_id).await?;
        Ok(audit::verify(writer, sealer, p.organisation_id).await?.into())
    }
}
