//! GraphQL over WebSocket at `/graphql`, in the `graphql-transport-ws` protocol of the
//! `graphql-ws` library: subscriptions (and queries and mutations, run as over HTTP). A browser
//! cannot put headers on a WebSocket, so the bearer token comes in `connection_init`'s payload
//! (`{"Authorization": "Bearer …"}`). The connection is closed when the token expires; the
//! client connects again with a new one.

use crate::{
    api,
    audit::RequestMeta,
    error::{AppError, finalize_errors},
    http::AppState,
};
use async_graphql::{
    Data, Executor, Request, Response, ServerError,
    http::{WebSocket as Protocol, WebSocketProtocols, WsMessage},
};
use axum::{
    body::Bytes,
    extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade},
    http::StatusCode,
    response::{IntoResponse, Response as HttpResponse},
};
use futures::{SinkExt, StreamExt, stream::BoxStream};
use std::{
    collections::HashSet,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};
use tokio::{sync::oneshot, time::Instant};

/// The only subprotocol spoken: graphql-ws's. (The older `graphql-ws` subprotocol of
/// subscriptions-transport-ws is unmaintained and not offered.)
const SUBPROTOCOL: &str = "graphql-transport-ws";

/// How long a client may take to send `connection_init` (the protocol's 4408 after it).
const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Operations one connection may run at once: each holds reads for every change.
const MAX_OPERATIONS: usize = 50;

/// WebSocket close code "service restart": graphql-ws clients connect again (to another replica).
const RESTARTING: u16 = 1012;

// Close codes of the protocol (graphql-ws PROTOCOL.md).
const BAD_REQUEST: u16 = 4400;
const UNAUTHORIZED: u16 = 4401;
const FORBIDDEN: u16 = 4403;
const INIT_TIMED_OUT: u16 = 4408;
const SUBSCRIBER_EXISTS: u16 = 4409;

/// Accepts the upgrade when the client speaks the protocol.
pub fn upgrade(state: AppState, meta: RequestMeta, ws: WebSocketUpgrade) -> HttpResponse {
    // A message is a GraphQL request: no larger than one over HTTP.
    let ws = ws.protocols([SUBPROTOCOL]).max_message_size(state.config.limits.max_body_bytes);
    if ws.selected_protocol().is_none() {
        return (StatusCode::BAD_REQUEST, format!("offer the {SUBPROTOCOL} subprotocol (graphql-ws)")).into_response();
    }
    ws.on_upgrade(move |socket| serve(state, meta, socket))
}

/// Who a connection acts for, from its `connection_init`.
struct Session {
    principal: crate::auth::Principal,
}

async fn serve(state: AppState, meta: RequestMeta, socket: WebSocket) {
    let _open = state.metrics.live_connection();
    let (mut sink, incoming) = socket.split();
    // The operations under way by id: a `subscribe` with an id in use closes the connection
    // (4409), where async-graphql would silently replace the running operation.
    let operations = Arc::new(std::sync::Mutex::new(HashSet::<String>::new()));
    let (duplicate_tx, mut duplicate_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let seen = operations.clone();
    // Whether anything (a pong, a message) came since the last ping.
    let heard = Arc::new(AtomicBool::new(true));
    let hearing = heard.clone();
    let incoming = incoming.take_while(|m| std::future::ready(m.is_ok())).filter_map(move |m| {
        hearing.store(true, Ordering::Relaxed);
        let bytes = match m {
            Ok(Message::Text(text)) => Bytes::from(text),
            Ok(Message::Binary(bytes)) => bytes,
            _ => return std::future::ready(None),
        };
        let fresh = match serde_json::from_slice::<Envelope>(&bytes) {
            Ok(Envelope { kind, id: Some(id) }) if kind == "subscribe" => {
                let fresh = seen.lock().expect("operations").insert(id.clone());
                if !fresh {
                    let _ = duplicate_tx.send(id);
                }
                fresh
            }
            Ok(Envelope { kind, id: Some(id) }) if kind == "complete" => {
                seen.lock().expect("operations").remove(&id);
                true
            }
            _ => true,
        };
        std::future::ready(fresh.then_some(bytes))
    });
    let (session_tx, session_rx) = oneshot::channel::<(String, crate::auth::Principal, Instant)>();
    let refused = Arc::new(AtomicBool::new(false));
    let init_state = state.clone();
    let init_refused = refused.clone();
    let request_id = meta.request_id.clone();
    let executor = LiveExecutor { state: state.clone(), meta, running: Arc::default() };
    let mut outgoing = Protocol::new(executor, incoming, WebSocketProtocols::GraphQLWS)
        .on_connection_init(move |payload| async move {
            match authenticate(&init_state, &payload).await {
                Ok((token, principal, expires_at)) => {
                    let _ = session_tx.send((token, principal.clone(), expires_at));
                    let mut data = Data::default();
                    data.insert(Session { principal });
                    Ok(data)
                }
                Err(e) => {
                    init_refused.store(true, Ordering::Relaxed);
                    Err(async_graphql::Error::new(e.to_string()))
                }
            }
        })
        .keepalive_timeout(None);
    // Closed when no `connection_init` came in time, when the token expires, and when the
    // worker's access is no longer what it was (read again every half minute).
    let deadline = async {
        let Ok(session) = tokio::time::timeout(INIT_TIMEOUT, session_rx).await else {
            return (INIT_TIMED_OUT, "Connection initialisation timeout");
        };
        let Ok((token, principal, expires_at)) = session else { return std::future::pending().await };
        let expired = tokio::time::sleep_until(expires_at);
        tokio::pin!(expired);
        let every = Duration::from_secs(state.config.limits.live_recheck_seconds.max(1));
        let mut recheck = tokio::time::interval_at(Instant::now() + every, every);
        loop {
            tokio::select! {
                () = &mut expired => return (FORBIDDEN, "the token expired; connect again with a new one"),
                _ = recheck.tick() => match state.authenticate(&token).await {
                    Ok(now) if now == principal => {}
                    Ok(_) | Err(AppError::Unauthenticated(_) | AppError::Forbidden(_)) => {
                        return (FORBIDDEN, "your access changed; connect again");
                    }
                    // The database briefly unreachable says nothing about the worker.
                    Err(e) => tracing::warn!(error = %e, "could not read a live connection's access again"),
                },
            }
        }
    };
    tokio::pin!(deadline);
    // A server shutting down closes its connections (HTTP requests finish within the grace
    // period, but a subscription never finishes).
    let stopping = async {
        match state.stopping.clone() {
            Some(mut stopping) => drop(stopping.wait_for(|s| *s).await),
            None => std::future::pending().await,
        }
    };
    tokio::pin!(stopping);
    // A ping keeps an idle connection open through load balancers and proxies that cut silent
    // ones (often after 60 seconds); browsers answer it themselves. A peer that answered none
    // since the last is gone without a close (its network dropped): the connection ends, as
    // graphql-ws's own server does, rather than reading every change for no one.
    let every = Duration::from_secs(state.config.limits.live_ping_seconds.max(1));
    let mut ping = tokio::time::interval_at(Instant::now() + every, every);
    loop {
        let message = tokio::select! {
            _ = ping.tick() => {
                if !heard.swap(false, Ordering::Relaxed) {
                    tracing::info!(%request_id, "a live connection answered no ping: dropped");
                    break;
                }
                if sink.send(Message::Ping(Bytes::new())).await.is_err() {
                    break;
                }
                continue;
            }
            message = outgoing.next() => match message {
                Some(m) => m,
                None => break,
            },
            (code, reason) = &mut deadline => WsMessage::Close(code, reason.into()),
            Some(id) = duplicate_rx.recv() => WsMessage::Close(SUBSCRIBER_EXISTS, format!("Subscriber for {id} already exists")),
            () = &mut stopping => WsMessage::Close(RESTARTING, "the server is restarting; connect again".into()),
        };
        let (frame, last) = match message {
            WsMessage::Text(text) => {
                // An operation that ended frees its id. Results (`next`, the large and frequent
                // messages, whose type async-graphql writes first) are not parsed for it.
                if !text.starts_with(r#"{"type":"next""#)
                    && let Ok(Envelope { kind, id: Some(id) }) = serde_json::from_str::<Envelope>(&text)
                    && (kind == "complete" || kind == "error")
                {
                    operations.lock().expect("operations").remove(&id);
                }
                (Message::Text(text.into()), false)
            }
            WsMessage::Close(code, reason) => {
                let code = close_code(code, refused.load(Ordering::Relaxed));
                (Message::Close(Some(CloseFrame { code, reason: close_reason(reason).into() })), true)
            }
        };
        if sink.send(frame).await.is_err() || last {
            break;
        }
    }
}

/// The type and id of a protocol message (the payload is skipped).
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
}

/// A close frame's reason, which may hold at most 123 bytes (RFC 6455, 5.5): async-graphql's
/// can quote a client's message at length.
fn close_reason(mut reason: String) -> String {
    if reason.len() > 123 {
        let mut end = 120;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
        reason.push_str("...");
    }
    reason
}

/// async-graphql's close codes where the protocol names others: a refused `connection_init`
/// is 4403 Forbidden, a message that is not the protocol's 4400, a subscription before the
/// handshake 4401 Unauthorized.
fn close_code(code: u16, init_refused: bool) -> u16 {
    match code {
        1002 if init_refused => FORBIDDEN,
        1002 => BAD_REQUEST,
        1011 => UNAUTHORIZED,
        other => other,
    }
}

/// The token of a `connection_init` payload: `Authorization` (or `authorization`) as a bearer
/// header's value, or a bare `token`.
async fn authenticate(
    state: &AppState,
    payload: &serde_json::Value,
) -> Result<(String, crate::auth::Principal, Instant), AppError> {
    let header = payload.get("Authorization").or_else(|| payload.get("authorization")).and_then(|v| v.as_str());
    let token = match header {
        Some(value) => value
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim()),
        None => payload.get("token").and_then(|v| v.as_str()),
    }
    .ok_or_else(|| {
        AppError::Unauthenticated("send the bearer token in connection_init: {\"Authorization\": \"Bearer …\"}".into())
    })?;
    let (principal, exp) = state.authenticate_until(token).await?;
    // At most a day ahead: an absurd `exp` must not overflow the clock.
    let left = (exp - chrono::Utc::now().timestamp()).clamp(0, 86_400) as u64;
    Ok((token.to_string(), principal, Instant::now() + Duration::from_secs(left)))
}

/// Runs each operation of a connection for its principal, through the trusted documents and
/// the access log as over HTTP.
#[derive(Clone)]
struct LiveExecutor {
    state: AppState,
    meta: RequestMeta,
    /// Operations of this connection under way (see `MAX_OPERATIONS`).
    running: Arc<AtomicUsize>,
}

/// Counts an operation as running for as long as its stream lives.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Executor for LiveExecutor {
    async fn execute(&self, request: Request) -> Response {
        self.execute_stream(request, None).next().await.unwrap_or_default()
    }

    fn execute_stream(&self, mut request: Request, session: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        let id = self.meta.request_id.clone();
        let principal = session
            .as_deref()
            .and_then(|data| data.get(&std::any::TypeId::of::<Session>()))
            .and_then(|s| s.downcast_ref::<Session>())
            .map(|s| s.principal.clone());
        let Some(principal) = principal else {
            let e: async_graphql::Error = AppError::Unauthenticated("connection_init first".into()).into();
            return self.single(e.into_server_error(async_graphql::Pos::default()), &id);
        };
        if let Err(refusal) = self.state.trusted.resolve(&mut request, None) {
            return self.single(refusal.error(), &id);
        }
        if self.running.fetch_add(1, Ordering::Relaxed) >= MAX_OPERATIONS {
            self.running.fetch_sub(1, Ordering::Relaxed);
            let message = format!("at most {MAX_OPERATIONS} operations run at once on one connection");
            let e: async_graphql::Error = AppError::invalid("id", message).into();
            return self.single(e.into_server_error(async_graphql::Pos::default()), &id);
        }
        let running = Running(self.running.clone());
        let s = &self.state;
        let metrics = s.metrics.clone();
        api::execute_stream(&s.schemas, &s.db, &s.reader, principal, self.meta.clone(), &s.api, request)
            .map(move |mut response| {
                let _running = &running;
                finalize_errors(&mut response.errors, &id);
                metrics.graphql_errors(&response.errors);
                response
            })
            .boxed()
    }
}

impl LiveExecutor {
    /// One error as an operation's whole answer, counted as over HTTP.
    fn single(&self, error: ServerError, id: &str) -> BoxStream<'static, Response> {
        let mut errors = vec![error];
        finalize_errors(&mut errors, id);
        self.state.metrics.graphql_errors(&errors);
        futures::stream::once(async { Response::from_errors(errors) }).boxed()
    }
}
