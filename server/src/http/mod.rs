//! The HTTP application: state, router, middleware and serving.

mod graphiql;
mod graphql;
mod inbox;
mod live;
mod trace;
pub mod trusted;

use crate::{
    api::{self, Schemas, context::ApiSettings},
    auth::{
        Claims, KnownPrincipals, Principal,
        dev_issuer::{self, DevIssuer},
        jwt::{JwksSource, JwtValidator},
        resolve_principal,
    },
    config::Config,
    db,
    error::AppResult,
    metrics::Metrics,
};
use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderName, HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use integrations::{
    outbox::DeliveryWorker,
    secrets::SecretBox,
    telemetry::{Attribute, Exporter, Span, SpanKind, TraceContext},
};
use sea_orm::DatabaseConnection;
use std::{
    future::Future,
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};
use tokio::net::TcpListener;
use tower_http::{catch_panic::CatchPanicLayer, cors::CorsLayer};
use tracing::Instrument;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    /// Writes (and reads inside a write's transaction).
    pub db: DatabaseConnection,
    /// Reads outside a transaction; see [`db::connect_reader`].
    pub reader: DatabaseConnection,
    pub schemas: Schemas,
    pub validator: JwtValidator,
    /// The principal of each token at its last request.
    pub principals: Arc<KnownPrincipals>,
    pub dev_issuer: Option<Arc<DevIssuer>>,
    pub metrics: Arc<Metrics>,
    /// Seals and opens partner secrets.
    pub secrets: Arc<SecretBox>,
    pub api: ApiSettings,
    pub trusted: Arc<trusted::TrustedDocuments>,
    /// Where spans go (an OTLP collector, or nowhere).
    pub telemetry: Exporter,
    /// Turns true when the server begins to shut down (set by [`run`]): subscriptions close.
    pub stopping: Option<tokio::sync::watch::Receiver<bool>>,
}

/// The request id of the current request: the client's `x-request-id` when well-formed, else
/// generated here. It is on every log line of the request and in the access log.
#[derive(Clone)]
pub struct RequestId(pub String);

impl AppState {
    /// Connects to the database, applies pending migrations, and sets up token validation.
    /// `local_addr` is where this server listens: the development issuer's JWKS is fetched
    /// from there, through the same HTTP path as a real issuer's.
    pub async fn new(config: Config, local_addr: SocketAddr) -> anyhow::Result<Self> {
        let metrics = Arc::new(Metrics::default());
        let db = db::connect(&config, metrics.clone()).await?;
        db::migrate(&db).await?;
        let reader = db::connect_reader(&config, &db, metrics.clone()).await?;
        let dev_issuer = if config.dev_issuer_enabled() {
            Some(Arc::new(DevIssuer::load_or_create(&config.auth.dev_key_path)?))
        } else {
            None
        };
        let jwks = match (&config.auth.jwks_url, &dev_issuer) {
            (Some(url), _) => JwksSource::Url(url.clone()),
            (None, Some(_)) => JwksSource::Url(format!("http://{local_addr}{}", dev_issuer::JWKS_PATH)),
            (None, None) => JwksSource::Discover,
        };
        config.auth.claims.check()?;
        let validator = JwtValidator::new(
            config.auth.issuer.clone(),
            config.auth.audience.clone(),
            config.auth.claims.clone(),
            jwks,
            Duration::from_secs(config.auth.jwks_refresh_seconds),
        );
        let trusted =
            trusted::TrustedDocuments::load(&config.graphql.trusted_documents, config.only_trusted_documents())?;
        if config.only_trusted_documents() {
            tracing::info!(documents = trusted.len(), "only trusted documents run");
        }
        let trusted = Arc::new(trusted);
        let telemetry = match &config.telemetry.otlp_endpoint {
            Some(endpoint) => Exporter::start(endpoint, &config.telemetry.service_name),
            None => Exporter::default(),
        };
        let schemas = api::build_schemas(&config);
        let api = ApiSettings::new(&config, &db).await?;
        let secrets = api.secrets.clone();
        Ok(Self {
            config: Arc::new(config),
            db,
            reader,
            schemas,
            validator,
            principals: Arc::default(),
            dev_issuer,
            metrics,
            secrets,
            api,
            trusted,
            telemetry,
            stopping: None,
        })
    }

    /// How the delivery worker runs, reporting each delivery's latency to the metrics.
    pub fn worker_settings(&self) -> integrations::outbox::WorkerSettings {
        let metrics = self.metrics.clone();
        integrations::outbox::WorkerSettings {
            delivered: integrations::outbox::DeliveryLatency(Arc::new(move |waited| metrics.delivery(waited))),
            telemetry: self.telemetry.clone(),
            live: self.api.live.clone(),
            ..self.config.worker_settings()
        }
    }

    pub async fn authenticate(&self, token: &str) -> AppResult<Principal> {
        Ok(self.authenticate_until(token).await?.0)
    }

    /// The principal of `token`, and when the token expires (Unix seconds).
    pub async fn authenticate_until(&self, token: &str) -> AppResult<(Principal, i64)> {
        let claims = self.validator.validate(token).await?;
        let exp = claims.exp;
        Ok((resolve_principal(&self.reader, claims).await?, exp))
    }

    /// The principal of `token` with `claims` (validated), read now and remembered for the
    /// token's next request.
    pub async fn read_principal(&self, token: &str, claims: Claims) -> AppResult<Principal> {
        let until = u64::try_from(claims.exp).unwrap_or_default();
        let principal = resolve_principal(&self.reader, claims).await;
        match &principal {
            Ok(p) => self.principals.insert(token, p.clone(), until),
            Err(_) => self.principals.remove(token),
        }
        principal
    }

    pub fn router(&self) -> Router {
        let mut router = Router::new()
            .route("/graphql", get(graphql::get).post(graphql::post))
            .route("/partners/{partner}/inbox", axum::routing::post(inbox::receive))
            .route("/healthz", get(|| async { "ok" }))
            .route("/readyz", get(readyz))
            .route("/metrics", get(metrics));
        if self.config.graphiql_enabled() {
            router = router.merge(graphiql::routes());
        }
        if self.dev_issuer.is_some() {
            router = router
                .route(dev_issuer::JWKS_PATH, get(dev_jwks))
                .route("/dev-issuer/.well-known/openid-configuration", get(dev_openid_configuration));
        }
        let cors = CorsLayer::new()
            .allow_origin(
                self.config
                    .cors_allowed_origins
                    .iter()
                    .filter_map(|o| o.parse::<HeaderValue>().ok())
                    .collect::<Vec<_>>(),
            )
            .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::ACCEPT,
                HeaderName::from_static("x-request-id"),
                HeaderName::from_static("traceparent"),
            ])
            // A browser client reads these to quote a request to support, or to join its trace.
            .expose_headers([HeaderName::from_static("x-request-id"), HeaderName::from_static("traceparent")]);
        router
            .layer(DefaultBodyLimit::max(self.config.limits.max_body_bytes))
            .layer(middleware::from_fn_with_state(self.clone(), time_limit))
            .layer(CatchPanicLayer::custom(|_| {
                tracing::error!("handler panicked");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(serde_json::json!({
                        "errors": [{"message": "Internal error.", "extensions": {"code": "INTERNAL"}}]
                    })),
                )
                    .into_response()
            }))
            .layer(cors)
            .layer(middleware::from_fn_with_state(self.clone(), request_context))
            .with_state(self.clone())
    }
}

/// Gives every request an id and a tracing span carrying it, and records metrics.
/// A request running past `limits.request_timeout_seconds` is dropped and answered 503 with a
/// GraphQL error body, code TIMEOUT, so that a client tells it from an outage.
async fn time_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = Duration::from_secs(state.config.limits.request_timeout_seconds);
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({
                "errors": [{
                    "message": format!("the request took longer than {} s and was stopped", limit.as_secs()),
                    "extensions": { "code": "TIMEOUT" }
                }]
            })),
        )
            .into_response(),
    }
}

async fn request_context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let id = trace::client_request_id(req.headers()).unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let traceparent = req.headers().get("traceparent").and_then(|v| v.to_str().ok());
    let trace = TraceContext::from_header(traceparent, state.telemetry.enabled());
    // What the exported span needs, taken only when there is one to export.
    let exported = state
        .telemetry
        .wants(&trace)
        .then(|| (req.method().to_string(), req.uri().path().to_string(), SystemTime::now()));
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        trace_id = %trace.trace_id,
        span_id = %trace.span_id,
        parent_span_id = trace.parent_id.as_deref(),
        method = %req.method(),
        path = %req.uri().path()
    );
    let started = Instant::now();
    let mut res = next.run(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    state.metrics.http_response(res.status().as_u16(), elapsed);
    span.in_scope(|| {
        tracing::info!(status = res.status().as_u16(), elapsed_ms = elapsed.as_millis() as u64, "response")
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&trace.traceparent()) {
        res.headers_mut().insert("traceparent", v);
    }
    if let Some((method, path, start)) = exported {
        let status = res.status().as_u16();
        state.telemetry.record(Span {
            name: format!("{method} {path}"),
            kind: SpanKind::Server,
            context: trace,
            start,
            end: SystemTime::now(),
            attributes: vec![
                ("http.request.method", Attribute::Text(method)),
                ("url.path", Attribute::Text(path)),
                ("http.response.status_code", Attribute::Number(i64::from(status))),
                ("veerkracht.request_id", Attribute::Text(id)),
            ],
            failed: status >= 500,
        });
    }
    res
}

/// Ready when the database answers within a second: an orchestrator probing during an outage
/// gets its answer before its own probe times out.
async fn readyz(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(Duration::from_secs(1), state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        outcome => {
            let error = outcome.map_or_else(
                |_| "no answer within a second".to_string(),
                |r| r.err().map(|e| e.to_string()).unwrap_or_default(),
            );
            tracing::warn!(error, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database not reachable").into_response()
        }
    }
}

/// Prometheus text: this process's counters and figures, and the outbox as the database holds
/// it (left out, with a warning, when the database does not answer within a second).
async fn metrics(State(state): State<AppState>) -> Response {
    let mut text = state.metrics.render();
    crate::metrics::render_process(&mut text);
    let backlog = tokio::time::timeout(Duration::from_secs(1), integrations::outbox::backlog(&state.reader)).await;
    state.metrics.scrape_statement();
    match backlog {
        Ok(Ok(backlog)) => crate::metrics::render_outbox(&mut text, &backlog, chrono::Utc::now()),
        Ok(Err(e)) => tracing::warn!(error = %e, "outbox figures left out of the metrics"),
        Err(_) => tracing::warn!("outbox figures left out of the metrics: no answer within a second"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

async fn dev_jwks(State(state): State<AppState>) -> Response {
    match &state.dev_issuer {
        Some(issuer) => Json(issuer.jwks()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn dev_openid_configuration(State(state): State<AppState>, req: Request) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost").to_string();
    Json(serde_json::json!({
        "issuer": state.config.auth.issuer,
        "jwks_uri": format!("http://{host}{}", dev_issuer::JWKS_PATH),
        "id_token_signing_alg_values_supported": ["ES256"],
    }))
    .into_response()
}

/// Serves on `listener` until `shutdown` resolves. Tests bind port 0 and pass the listener.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let state = AppState::new(config, listener.local_addr()?).await?;
    run(state, listener, shutdown).await
}

/// Serves an already set-up application, with the delivery worker and the daily jobs
/// alongside when the configuration asks for them.
pub async fn run(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "serving");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let state = AppState { stopping: Some(stopped.clone()), ..state };
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    if state.db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        crate::jobs::spawn_optimizer(state.db.clone(), until_stopped(stopped.clone()));
    }
    if state.config.audit.seal_interval_ms > 0 {
        let every = Duration::from_millis(state.config.audit.seal_interval_ms);
        crate::jobs::spawn_sequencer(state.db.clone(), state.api.sealer.clone(), every, until_stopped(stopped.clone()));
    }
    let worker = state.config.delivery.worker.then(|| {
        let worker = DeliveryWorker::new(state.db.clone(), state.secrets.clone(), state.worker_settings());
        crate::jobs::spawn(state.db.clone(), worker, until_stopped(stopped.clone()), until_stopped(stopped.clone()))
    });
    // On shutdown: stop accepting, let requests in flight finish within the grace period.
    let grace = Duration::from_secs(state.config.shutdown_grace_seconds);
    // Without TCP_NODELAY the last part of a response longer than a segment waits for the
    // client's acknowledgement of the parts before it, which the client may delay up to 40 ms.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "could not set TCP_NODELAY on a client connection");
        }
    });
    let serving = axum::serve(listener, state.router().into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(until_stopped(stopped.clone()));
    let grace_over = async {
        until_stopped(stopped).await;
        tokio::time::sleep(grace).await;
    };
    let metrics = state.metrics.clone();
    tokio::select! {
        served = serving => served?,
        () = grace_over => tracing::warn!("requests still in flight at the end of the shutdown grace period"),
    }
    // WebSocket connections left the HTTP server at their upgrade, so it does not wait for
    // them: wait here (briefly) until each has sent its 1012 close and ended.
    let closed = async {
        while metrics.live_connections() > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    if tokio::time::timeout(Duration::from_secs(2), closed).await.is_err() {
        tracing::warn!("WebSocket connections still open at shutdown");
    }
    // The worker finishes its sends within the same grace period and releases the rest.
    if let Some(worker) = worker
        && tokio::time::timeout(grace + Duration::from_secs(1), worker).await.is_err()
    {
        tracing::warn!("the delivery worker did not stop in time");
    }
    Ok(())
}
