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
use entities::{AccessAction, access_log};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Result of walking an organisation's chain.
#[derive(SimpleObject)]
pub struct ChainReport {
    pub entries_checked: i64,
    pub valid: bool,
    /// The first entry whose link or hash does not match, if any.
    pub first_broken_seq: Option<i64>,
}

impl From<audit::ChainReport> for ChainReport {
    fn from(r: audit::ChainReport) -> Self {
        Self { entries_checked: r.entries_checked, valid: r.valid, first_broken_seq: r.first_broken_seq }
    }
}

/// Toegangslog-regel: one access to a person's record.
pub struct AccessLogEntry(access_log::Model);

#[Object]
impl AccessLogEntry {
    /// Position in the organisation's hash chain.
    async fn seq(&self) -> i64 {
        self.0.seq
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
    /// Which part of the record.
    async fn area(&self) -> &str {
        &self.0.area
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
        &self.0.hash
    }
    async fn prev_hash(&self) -> &str {
        &self.0.prev_hash
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
        person_id: ID,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<Conn<AccessLogEntry>> {
        let p = ctx.principal()?;
        policy::read_access_log(p)?;
        let person = ids::decode(&person_id, "Person", "personId")
            .or_else(|_| ids::decode(&person_id, "Child", "personId"))
            .map_err(|_| AppError::invalid("personId", "not a Person or Child id"))?;
        let page = pagination::page(first, after, last, before, ctx.state().max_page_size)?;
        let select = access_log::Entity::find()
            .filter(access_log::Column::OrganisationId.eq(p.organisation_id))
            .filter(access_log::Column::PersonId.eq(person));
        let total = TotalCount::of(ctx, &select, access_log::Column::Id);
        let (rows, prev, next) = pagination::fetch(ctx, select, access_log::Column::Id, &page).await?;
        Ok(pagination::connection(rows, prev, next, total, |e| e.id, AccessLogEntry))
    }

    /// Walks your organisation's access-log chain and reports whether it is intact.
    async fn verify_access_log(&self, ctx: &Context<'_>) -> AppResult<ChainReport> {
        let p = ctx.principal()?;
        policy::read_access_log(p)?;
        Ok(audit::verify(ctx.db(), p.organisation_id).await?.into())
    }
}
