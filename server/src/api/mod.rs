//! The GraphQL API: one module per area of the schema, each owning its types, queries,
//! mutations and loaders. Resolvers stay thin: policy check, domain function, mapping.

mod access_log;
mod activities;
pub mod batch;
mod board;
mod cadence;
mod children;
mod consent;
mod contacts;
pub mod context;
mod families;
mod handle_with_care;
mod handovers;
pub mod ids;
mod intake;
mod limits;
mod live;
pub mod loaders;
mod method;
mod network;
mod norms;
mod organisation;
mod pagination;
mod partner_grants;
mod partners;
mod payload;
mod persons;
mod plans;
mod quality;
mod reference_index;
mod safety;
mod scalars;
mod screening;

use crate::{
    audit::{self, AuditBuffer, RequestMeta},
    auth::Principal,
    config::Config,
    error::AppResult,
};
use async_graphql::{MergedObject, Schema};
use context::RequestState;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(MergedObject, Default)]
pub struct Query(
    organisation::OrganisationQuery,
    families::FamilyQuery,
    children::ChildQuery,
    access_log::AccessLogQuery,
    cadence::AgendaQuery,
    MethodQuery,
    partners::PartnerQuery,
    reference_index::ReferenceIndexQuery,
    partner_grants::PartnerGrantQuery,
    handovers::HandoverQuery,
    ids::NodeQuery,
);

/// The method's catalogues.
#[derive(MergedObject, Default)]
pub struct MethodQuery(
    screening::ScreeningQuery,
    plans::PlanQuery,
    norms::NormQuery,
    norms::MunicipalityAccessQuery,
    quality::QualityQuery,
);

// The mutation root, merged from one part per area. The parts are grouped in a shallow tree,
// not one long list: each merged part nests the resolver future of the next, and a list of
// fifteen nests deeper than the compiler's layout query depth allows in a release build
// ("queries overflow the depth limit"). Keep each group to about six parts. (Plain comments:
// a doc comment would become the type's description in the schema.)
#[derive(MergedObject, Default)]
pub struct Mutation(CaseMutation, MethodMutation, BoardMutationGroup, PartnerMutationGroup);

/// Families, children, persons.
#[derive(MergedObject, Default)]
pub struct CaseMutation(families::FamilyMutation, children::ChildMutation, persons::PersonMutation);

/// The method's records.
#[derive(MergedObject, Default)]
pub struct MethodMutation(
    intake::IntakeMutation,
    contacts::ContactMutation,
    safety::SafetyMutation,
    screening::ScreeningMutation,
    plans::PlanMutation,
    network::NetworkMutation,
);

/// The board and the records it reads that came with it.
#[derive(MergedObject, Default)]
pub struct BoardMutationGroup(
    activities::ActivityMutation,
    board::BoardMutation,
    norms::NormMutation,
    quality::QualityMutation,
);

/// Chain partners and what is shared with them.
#[derive(MergedObject, Default)]
pub struct PartnerMutationGroup(
    partners::PartnerMutation,
    consent::ConsentMutation,
    reference_index::ReferenceIndexMutation,
    handle_with_care::HandleWithCareMutation,
    partner_grants::PartnerGrantMutation,
    handovers::HandoverMutation,
);

pub type AppSchema = Schema<Query, Mutation, live::LiveSubscription>;

/// The schema, and while introspection is on a second one without the depth limit, for
/// documents that ask for nothing but the schema itself: the introspection query graphql-js
/// writes (what GraphiQL, codegen and Postman send) nests 15 deep through `ofType`, and its
/// depth follows the type system, not the data, so the limit guards nothing there (GraphQL
/// Armor exempts it the same way).
#[derive(Clone)]
pub struct Schemas {
    pub main: AppSchema,
    introspection: Option<AppSchema>,
}

impl Schemas {
    /// The schema to run `request` on: the one without the depth limit only when every
    /// operation of its document selects introspection fields alone, and then restricted to
    /// them, so that no data is read past the limit.
    fn for_request(&self, request: &mut async_graphql::Request) -> &AppSchema {
        let Some(introspection) = &self.introspection else { return &self.main };
        match request.parsed_query() {
            Ok(doc) if limits::only_introspection(doc) => {
                request.introspection_mode = async_graphql::IntrospectionMode::IntrospectionOnly;
                introspection
            }
            _ => &self.main,
        }
    }
}

/// Builds the schemas with the configured limits. Per-request data (principal, loaders,
/// audit buffer) is attached to each request, not to the schema.
pub fn build_schemas(config: &Config) -> Schemas {
    let introspection = config.introspection_enabled().then(|| build(config, usize::MAX));
    Schemas { main: build(config, config.limits.max_depth), introspection }
}

fn build(config: &Config, max_depth: usize) -> AppSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), live::LiveSubscription)
        .limit_depth(max_depth)
        .limit_complexity(config.limits.max_complexity)
        .limit_directives(10);
    if !config.introspection_enabled() {
        builder = builder.disable_introspection();
    }
    if !config.suggestions_enabled() {
        builder = builder.disable_suggestions();
    }
    builder.finish()
}

/// The SDL as checked in at the repository root (`schema.graphql`).
pub fn sdl() -> String {
    build_schemas(&Config::default()).main.sdl()
}

/// Executes one request for `principal` with fresh loaders, then writes the reads it made
/// to the access log. Fails when the log cannot be written: nothing is returned unlogged.
///
/// `shape` makes the response into what the caller sends (its bytes), while the log's entry
/// is written: it runs during that round trip instead of after it.
#[allow(clippy::too_many_arguments)]
pub async fn execute<T>(
    schemas: &Schemas,
    writer: &DatabaseConnection,
    reader: &DatabaseConnection,
    principal: Option<Principal>,
    meta: RequestMeta,
    settings: &context::ApiSettings,
    request: async_graphql::Request,
    shape: impl Fn(async_graphql::Response) -> T,
) -> AppResult<T> {
    let (response, reads) = run(schemas, writer, reader, principal.clone(), &meta, settings, request).await;
    logged(writer, principal.as_ref(), &meta, &reads, response, shape).await
}

/// What [`execute_confirmed`] came to.
pub enum Confirmed<T> {
    /// The principal held: the answer, its reads logged.
    Answered(T),
    /// The principal read now differs from the one the request ran for: nothing is returned
    /// or logged, and the request is to run again for this one.
    Changed(Option<Principal>),
}

/// Executes `request` for `principal` while `current` reads who the caller is now, and
/// answers only when the two agree, writing the reads to the access log (see [`execute`]). A
/// query of a token seen before runs so, without waiting for its principal to be read first.
/// `current` failing (the worker deactivated) fails the request.
#[allow(clippy::too_many_arguments)]
pub async fn execute_confirmed<T>(
    schemas: &Schemas,
    writer: &DatabaseConnection,
    reader: &DatabaseConnection,
    principal: Option<Principal>,
    current: impl Future<Output = AppResult<Option<Principal>>>,
    meta: RequestMeta,
    settings: &context::ApiSettings,
    request: async_graphql::Request,
    shape: impl Fn(async_graphql::Response) -> T,
) -> AppResult<Confirmed<T>> {
    let ran = run(schemas, writer, reader, principal.clone(), &meta, settings, request);
    let ((response, reads), current) = futures::join!(ran, current);
    let current = current?;
    if current != principal {
        return Ok(Confirmed::Changed(current));
    }
    let shaped = logged(writer, principal.as_ref(), &meta, &reads, response, shape).await?;
    Ok(Confirmed::Answered(shaped))
}

/// `response` shaped, once its reads are in the access log.
async fn logged<T>(
    writer: &DatabaseConnection,
    principal: Option<&Principal>,
    meta: &RequestMeta,
    reads: &AuditBuffer,
    response: async_graphql::Response,
    shape: impl Fn(async_graphql::Response) -> T,
) -> AppResult<T> {
    let Some(principal) = principal else { return Ok(shape(response)) };
    // The insert is sent at the first poll; the shaping runs while it is on its way.
    let (written, shaped) = futures::join!(audit::flush(writer, principal, meta, reads), async { shape(response) });
    written?;
    Ok(shaped)
}

/// Runs `request` with fresh loaders: its response, and the reads it made, not yet logged.
async fn run(
    schemas: &Schemas,
    writer: &DatabaseConnection,
    reader: &DatabaseConnection,
    principal: Option<Principal>,
    meta: &RequestMeta,
    settings: &context::ApiSettings,
    mut request: async_graphql::Request,
) -> (async_graphql::Response, Arc<AuditBuffer>) {
    if let Err(e) = limits::check(&mut request, settings.max_aliases) {
        return (async_graphql::Response::from_errors(vec![e]), Arc::default());
    }
    let schema = schemas.for_request(&mut request);
    let state = RequestState::new(writer, reader, principal, meta.clone(), settings);
    let (reads, loader) = (state.audit.clone(), state.loader.clone());
    (loader.run(schema.execute(request.data(state))).await, reads)
}

/// A copy of `request` as the client sent it, to run again.
pub fn copy_request(request: &async_graphql::Request) -> async_graphql::Request {
    let mut copy = async_graphql::Request::new(request.query.clone()).variables(request.variables.clone());
    copy.operation_name = request.operation_name.clone();
    copy.extensions = request.extensions.clone();
    copy
}

/// Executes one operation sent over a WebSocket (a subscription, or a query or mutation) for
/// `principal`. Each response leaves only once the reads that made it are in the access log;
/// when the log cannot be written, the client gets the error instead of the data.
pub fn execute_stream(
    schemas: &Schemas,
    writer: &DatabaseConnection,
    reader: &DatabaseConnection,
    principal: Principal,
    meta: RequestMeta,
    settings: &context::ApiSettings,
    mut request: async_graphql::Request,
) -> futures::stream::BoxStream<'static, async_graphql::Response> {
    use futures::StreamExt;
    if let Err(e) = limits::check(&mut request, settings.max_aliases) {
        return futures::stream::once(async { async_graphql::Response::from_errors(vec![e]) }).boxed();
    }
    let schema = schemas.for_request(&mut request).clone();
    let state = RequestState::new(writer, reader, Some(principal.clone()), meta.clone(), settings);
    let (audit_buffer, loader) = (state.audit.clone(), state.loader.clone());
    let writer = writer.clone();
    // Each response is made under the batcher, as a request over HTTP is.
    let responses = futures::stream::unfold(schema.execute_stream(request.data(state)), move |mut stream| {
        let loader = loader.clone();
        async move { loader.run(stream.next()).await.map(|response| (response, stream)) }
    });
    responses
        .then(move |response| {
            let (writer, principal, meta, audit_buffer) =
                (writer.clone(), principal.clone(), meta.clone(), audit_buffer.clone());
            async move {
                match audit::flush(&writer, &principal, &meta, &audit_buffer).await {
                    Ok(()) => response,
                    Err(e) => async_graphql::Response::from_errors(vec![
                        async_graphql::Error::from(e).into_server_error(async_graphql::Pos::default()),
                    ]),
                }
            }
        })
        .boxed()
}
