//! The GraphQL endpoint over HTTP: POST for everything, GET for queries only.
//! Answers `application/graphql-response+json` when the client accepts it (with 4xx on
//! request errors, per GraphQL over HTTP), and `application/json` otherwise.

use crate::{
    api::{self, Confirmed},
    audit::RequestMeta,
    error::{AppError, AppResult, finalize_errors},
    http::{AppState, RequestId, trusted::Refusal},
};
use async_graphql::{
    ServerError,
    parser::types::{DocumentOperations, OperationType},
};
use axum::{
    body::Bytes,
    extract::{
        ConnectInfo, RawQuery, State,
        rejection::BytesRejection,
        ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection},
    },
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use std::net::SocketAddr;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

pub async fn post(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    axum::Extension(RequestId(id)): axum::Extension<RequestId>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let media = Media::from(&headers);
    let body = match body {
        Ok(b) => b,
        Err(rejection) => return request_error(media, rejection.status(), &rejection.body_text(), &id),
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.starts_with("application/json") {
        return request_error(media, StatusCode::UNSUPPORTED_MEDIA_TYPE, "send the request as application/json", &id);
    }
    match serde_json::from_slice::<async_graphql::Request>(&body) {
        Ok(mut request) => {
            let document_id = serde_json::from_slice::<DocumentId>(&body).ok().and_then(|d| d.document_id);
            if let Err(refusal) = state.trusted.resolve(&mut request, document_id.as_deref()) {
                return refused(&state, media, &refusal, &id);
            }
            execute(state, client, id, headers, media, request).await
        }
        Err(e) => {
            request_error(media, StatusCode::BAD_REQUEST, &format!("the body is not a GraphQL request: {e}"), &id)
        }
    }
}

pub async fn get(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    axum::Extension(RequestId(id)): axum::Extension<RequestId>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    websocket: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    // The same URL serves subscriptions over a WebSocket.
    if let Ok(ws) = websocket {
        return super::live::upgrade(state, request_meta(&id, client, &headers), ws);
    }
    let media = Media::from(&headers);
    let query = query.as_deref().unwrap_or("");
    let mut request = match async_graphql::http::parse_query_string(query) {
        Ok(r) => r,
        Err(e) => return request_error(media, StatusCode::BAD_REQUEST, &format!("not a GraphQL request: {e}"), &id),
    };
    let document_id = serde_urlencoded::from_str::<DocumentId>(query).ok().and_then(|d| d.document_id);
    // A trusted document by id: known before the method check, which reads the document.
    if let Err(refusal) = state.trusted.resolve(&mut request, document_id.as_deref()) {
        return refused(&state, media, &refusal, &id);
    }
    // GET is for reading: a mutation over GET could be triggered by a link or an image tag.
    if is_mutation(&mut request) {
        let mut res = request_error(media, StatusCode::METHOD_NOT_ALLOWED, "mutations must be sent with POST", &id);
        res.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return res;
    }
    execute(state, client, id, headers, media, request).await
}

/// `documentId` of GraphQL over HTTP's trusted documents, beside the request's other keys.
#[derive(serde::Deserialize)]
struct DocumentId {
    #[serde(rename = "documentId")]
    document_id: Option<String>,
}

fn is_mutation(request: &mut async_graphql::Request) -> bool {
    operation_type(request) == Some(OperationType::Mutation)
}

/// The type of the operation `request` runs; none when its document does not parse or does
/// not say which operation.
fn operation_type(request: &mut async_graphql::Request) -> Option<OperationType> {
    let name = request.operation_name.clone();
    let doc = request.parsed_query().ok()?;
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name.as_str()).map(|op| op.node.ty),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next().map(|op| op.node.ty),
        _ => None,
    }
}

/// Runs `request` for the bearer of `token` (anonymous without one).
///
/// A query of a token seen before runs at once for the principal the token had then, while
/// the principal is read again beside it: the answer leaves only when the two agree, so a
/// deactivated worker is still refused, and a worker whose roles changed gets the answer of
/// the roles they have now (the query runs again). Anything else waits for its principal,
/// since a mutation must not write for roles no longer held.
async fn answer<T>(
    state: &AppState,
    token: Option<&str>,
    meta: RequestMeta,
    mut request: async_graphql::Request,
    shape: impl Fn(async_graphql::Response) -> T,
) -> AppResult<T> {
    let AppState { schemas, db, reader, api: settings, .. } = state;
    let Some(token) = token else {
        return api::execute(schemas, db, reader, None, meta, settings, request, shape).await;
    };
    let claims = state.validator.validate(token).await?;
    let is_query = operation_type(&mut request) == Some(OperationType::Query);
    let Some(known) = state.principals.get(token).filter(|_| is_query) else {
        let principal = state.read_principal(token, claims).await?;
        return api::execute(schemas, db, reader, Some(principal), meta, settings, request, shape).await;
    };
    let again = api::copy_request(&request);
    let current = async { state.read_principal(token, claims).await.map(Some) };
    let confirmed =
        api::execute_confirmed(schemas, db, reader, Some(known), current, meta.clone(), settings, request, &shape);
    match confirmed.await? {
        Confirmed::Answered(shaped) => Ok(shaped),
        Confirmed::Changed(now) => api::execute(schemas, db, reader, now, meta, settings, again, shape).await,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Media {
    Json,
    GraphqlResponse,
}

impl Media {
    fn from(headers: &HeaderMap) -> Self {
        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
        if accept.contains(GRAPHQL_RESPONSE) { Media::GraphqlResponse } else { Media::Json }
    }

    fn content_type(self) -> &'static str {
        match self {
            Media::Json => "application/json",
            Media::GraphqlResponse => GRAPHQL_RESPONSE,
        }
    }
}

async fn execute(
    state: AppState,
    client: SocketAddr,
    id: String,
    headers: HeaderMap,
    media: Media,
    request: async_graphql::Request,
) -> Response {
    let meta = request_meta(&id, client, &headers);
    // Nothing is returned that was not logged: if the access log cannot be written, the
    // client gets an error instead of the data.
    match answer(&state, bearer(&headers), meta, request, |response| reply(media, response, &id)).await {
        Ok((reply, errors)) => {
            state.metrics.graphql_errors(&errors);
            reply
        }
        Err(e) => {
            state.metrics.graphql_error(e.code());
            error_response(media, e, &id)
        }
    }
}

/// The HTTP response carrying `response`, and its errors (to be counted once it is sent).
fn reply(media: Media, mut response: async_graphql::Response, id: &str) -> (Response, Vec<ServerError>) {
    finalize_errors(&mut response.errors, id);
    // A request error (nothing executed: parse, validation, limits) has errors without a path.
    let request_failed = !response.errors.is_empty()
        && response.data == async_graphql::Value::Null
        && response.errors.iter().all(|e| e.path.is_empty());
    // Nothing could be read because the database is unreachable: a status load balancers and
    // clients retry on.
    let unavailable = response.data == async_graphql::Value::Null
        && response.errors.iter().any(|e| {
            e.extensions.as_ref().and_then(|x| x.get("code"))
                == Some(&async_graphql::Value::from("SERVICE_UNAVAILABLE"))
        });
    let status = if unavailable {
        StatusCode::SERVICE_UNAVAILABLE
    } else if media == Media::GraphqlResponse && request_failed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let reply = if request_failed {
        // Nothing executed, so no `data` entry at all (GraphQL over HTTP; the spec's "should
        // not be present"), not `"data": null`.
        json(media, status, &serde_json::json!({ "errors": response.errors }))
    } else {
        json(media, status, &response)
    };
    (reply, response.errors)
}

/// A document not run (see [`Refusal`]): a request error, 400 for `graphql-response+json` and
/// 200 for `application/json` (where Apollo Client looks for these in the body).
fn refused(state: &AppState, media: Media, refusal: &Refusal, id: &str) -> Response {
    state.metrics.graphql_error(refusal.message_and_code().1);
    let status = if media == Media::GraphqlResponse { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    request_errors(media, status, vec![refusal.error()], id)
}

fn request_meta(id: &str, client: SocketAddr, headers: &HeaderMap) -> RequestMeta {
    RequestMeta {
        request_id: id.to_string(),
        client_address: Some(client.ip().to_string()),
        user_agent: headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

fn json<T: serde::Serialize>(media: Media, status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, media.content_type())], bytes).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not serialise a response");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A request that failed as a whole, answered with the error's HTTP status.
fn error_response(media: Media, err: AppError, id: &str) -> Response {
    let status = err.status();
    let e: async_graphql::Error = err.into();
    let mut errors = vec![e.into_server_error(async_graphql::Pos::default())];
    for e in &mut errors {
        e.locations.clear();
    }
    let mut res = request_errors(media, status, errors, id);
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    res
}

fn request_error(media: Media, status: StatusCode, message: &str, id: &str) -> Response {
    request_errors(media, status, vec![ServerError::new(message, None)], id)
}

/// An error before anything executed: no `data` entry (`finalize_errors` gives each its code).
fn request_errors(media: Media, status: StatusCode, mut errors: Vec<ServerError>, id: &str) -> Response {
    finalize_errors(&mut errors, id);
    json(media, status, &serde_json::json!({ "errors": errors }))
}
