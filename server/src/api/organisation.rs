//! The organisation itself: viewer, locations and workers.

use super::scalars::Date;
use super::{
    context::ContextExt,
    ids,
    loaders::{LocationId, OrganisationId, RolesOf, WorkerId},
    pagination::{self, Conn, TotalCount},
};
use crate::{
    error::{AppError, AppResult},
    policy,
};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::Utc;
use entities::{CareSetting, LocationKind, Role, location, organisation, worker, worker_role};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait, sea_query::Query};
use uuid::Uuid;

/// Opvangorganisatie: a shelter organisation, the tenant boundary.
pub struct Organisation(pub organisation::Model);

impl Organisation {
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        let p = ctx.principal()?;
        policy::organisation_member(p)?;
        let org = ctx.loader().load_one(OrganisationId(id)).await?.ok_or(AppError::NotFound("organisation"))?;
        Ok(Self(org))
    }
}

#[Object]
impl Organisation {
    pub async fn id(&self) -> ID {
        ids::encode("Organisation", self.0.id)
    }
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
}

/// Opvanglocatie.
pub struct Location(pub location::Model);

/// A postal address.
#[derive(SimpleObject)]
pub struct Address {
    street: String,
    postal_code: String,
    city: String,
}

impl Location {
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        policy::read_organisation(ctx.principal()?)?;
        let l = ctx.loader().load_one(LocationId(id)).await?.ok_or(AppError::NotFound("location"))?;
        Ok(Self(l))
    }
}

#[Object]
impl Location {
    pub async fn id(&self) -> ID {
        ids::encode("Location", self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// VO (vrouwenopvang) or MO (maatschappelijke opvang).
    async fn kind(&self) -> LocationKind {
        self.0.kind
    }
    async fn setting(&self) -> CareSetting {
        self.0.setting
    }
    /// Geheim adres: the address of this location never leaves the organisation.
    async fn secret_address(&self) -> bool {
        self.0.secret_address
    }
    /// The address; null when it is secret and your role does not need it.
    async fn address(&self, ctx: &Context<'_>) -> AppResult<Option<Address>> {
        let visible = !self.0.secret_address || policy::see_secret_address(ctx.principal()?);
        Ok(visible.then(|| Address {
            street: self.0.street.clone(),
            postal_code: self.0.postal_code.clone(),
            city: self.0.city.clone(),
        }))
    }
}

/// Medewerker.
pub struct Worker(pub worker::Model);

impl Worker {
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        policy::read_organisation(ctx.principal()?)?;
        let w = ctx.loader().load_one(WorkerId(id)).await?.ok_or(AppError::NotFound("worker"))?;
        Ok(Self(w))
    }
}

// A partner user reaches a worker only through records a grant shows (who recorded an
// intake, who took part) and sees the name alone: every other field is guarded here, on the
// type, so that no field that returns a worker can forget it.
/// Medewerker: a worker of the organisation. Partner users see the name only.
#[Object]
impl Worker {
    #[graphql(guard = "OrganisationMember")]
    pub async fn id(&self) -> ID {
        ids::encode("Worker", self.0.id)
    }
    /// Display name; the one field partner users see.
    async fn name(&self) -> &str {
        &self.0.name
    }
    #[graphql(guard = "OrganisationMember")]
    async fn email(&self) -> &str {
        &self.0.email
    }
    #[graphql(guard = "OrganisationMember")]
    async fn active(&self) -> bool {
        self.0.active
    }
    #[graphql(guard = "OrganisationMember")]
    async fn roles(&self, ctx: &Context<'_>) -> AppResult<Vec<Role>> {
        Ok(ctx.loader().load_one(RolesOf(self.0.id)).await?.unwrap_or_default())
    }
    /// SKJ-registratienummer.
    #[graphql(guard = "OrganisationMember")]
    async fn skj_registration_number(&self) -> Option<&str> {
        self.0.skj_registration_number.as_deref()
    }
    #[graphql(guard = "OrganisationMember")]
    async fn skj_registration_expires_on(&self) -> Option<Date> {
        self.0.skj_registration_expires_on.map(Date)
    }
    /// Registered with the SKJ today (for the streefnorm of 75% registered workers).
    #[graphql(guard = "OrganisationMember")]
    async fn skj_registered(&self) -> bool {
        self.0.skj_registration_number.is_some()
            && self.0.skj_registration_expires_on.is_some_and(|d| d >= Utc::now().date_naive())
    }
}

/// Only the organisation's own users see more of a worker than the name.
struct OrganisationMember;

impl async_graphql::Guard for OrganisationMember {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        Ok(policy::organisation_member(ctx.principal()?)?)
    }
}

/// Who is asking: the authenticated user.
pub struct Viewer;

#[Object]
impl Viewer {
    /// The token subject.
    async fn subject(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(ctx.principal()?.subject.clone())
    }
    async fn roles(&self, ctx: &Context<'_>) -> AppResult<Vec<Role>> {
        Ok(ctx.principal()?.roles.clone())
    }
    async fn organisation(&self, ctx: &Context<'_>) -> AppResult<Organisation> {
        Organisation::find(ctx, ctx.principal()?.organisation_id).await
    }
    /// Your worker record, if you are a worker of the organisation.
    async fn worker(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        let p = ctx.principal()?;
        match p.worker_id {
            Some(id) => Ok(ctx.loader().load_one(WorkerId(id)).await?.map(Worker)),
            None => Ok(None),
        }
    }
    /// The chain partner you work for, when you are a partner user.
    async fn partner(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        Ok(ctx.principal()?.partner.clone())
    }
}

#[derive(InputObject, Default)]
pub struct LocationFilter {
    pub kind: Option<LocationKind>,
    pub setting: Option<CareSetting>,
}

#[derive(InputObject, Default)]
pub struct WorkerFilter {
    /// Only workers holding this role.
    pub role: Option<Role>,
    pub active: Option<bool>,
}

#[derive(Default)]
pub struct OrganisationQuery;

#[Object]
impl OrganisationQuery {
    /// The authenticated user.
    async fn viewer(&self, ctx: &Context<'_>) -> AppResult<Viewer> {
        ctx.principal()?;
        Ok(Viewer)
    }

    #[graphql(complexity = "first.or(last).unwrap_or(20) as usize * child_complexity")]
    async fn locations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only those matching this filter.")] filter: Option<LocationFilter>,
        #[graphql(desc = "At most this many, from the start (after `after`); at most `limits.max_page_size`.")]
        first: Option<i32>,
        #[graphql(desc = "Cursor: the ones after it (the `endCursor` of the page before).")] after: Option<String>,
        #[graphql(desc = "At most this many, from the end (before `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor: the ones before it (the `startCursor` of the page after).")] before: Option<String>,
    ) -> AppResult<Conn<Location>> {
        let p = ctx.principal()?;
        policy::read_organisation(p)?;
        let page = pagination::page(first, after, last, before, ctx.state().max_page_size)?;
        let filter = filter.unwrap_or_default();
        let select = location::Entity::find()
            .filter(location::Column::OrganisationId.eq(p.organisation_id))
            .apply_if(filter.kind, |q, k| q.filter(location::Column::Kind.eq(k)))
            .apply_if(filter.setting, |q, s| q.filter(location::Column::Setting.eq(s)));
        let total = TotalCount::of(ctx, &select, location::Column::Id);
        let (rows, prev, next) = pagination::fetch(ctx, select, location::Column::Id, &page).await?;
        Ok(pagination::connection(rows, prev, next, total, |l| l.id, Location))
    }

    #[graphql(complexity = "first.or(last).unwrap_or(20) as usize * child_complexity")]
    async fn workers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only those matching this filter.")] filter: Option<WorkerFilter>,
        #[graphql(desc = "At most this many, from the start (after `after`); at most `limits.max_page_size`.")]
        first: Option<i32>,
        #[graphql(desc = "Cursor: the ones after it (the `endCursor` of the page before).")] after: Option<String>,
        #[graphql(desc = "At most this many, from the end (before `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor: the ones before it (the `startCursor` of the page after).")] before: Option<String>,
    ) -> AppResult<Conn<Worker>> {
        let p = ctx.principal()?;
        policy::read_organisation(p)?;
        let page = pagination::page(first, after, last, before, ctx.state().max_page_size)?;
        let filter = filter.unwrap_or_default();
        let select = worker::Entity::find()
            .filter(worker::Column::OrganisationId.eq(p.organisation_id))
            .apply_if(filter.active, |q, a| q.filter(worker::Column::Active.eq(a)))
            .apply_if(filter.role, |q, role| {
                q.filter(
                    worker::Column::Id.in_subquery(
                        Query::select()
                            .column(worker_role::Column::WorkerId)
                            .from(worker_role::Entity)
                            .and_where(worker_role::Column::Role.eq(role))
                            .to_owned(),
                    ),
                )
            });
        let total = TotalCount::of(ctx, &select, worker::Column::Id);
        let (rows, prev, next) = pagination::fetch(ctx, select, worker::Column::Id, &page).await?;
        Ok(pagination::connection(rows, prev, next, total, |w| w.id, Worker))
    }
}
