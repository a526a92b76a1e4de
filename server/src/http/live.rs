//! GraphQL over WebSocket at `/graphql`, in the `graphql-transport-ws` protocol of the
//! `graphql-ws` library: subscriptions (and queries and mutations, run as over HTTP). A browser
//! cannot put headers on a WebSocket, so the bearer token comes in `connection_init`'s payload
//! (`{"Authorization": "Bearer …"}`). The connection is closed when the token expires; the
//! client connects again with a new one.

use crate::{
    api,
    audit::RequestMeta,
    error::{AppError, finalize_errors},
    http::{AppState, trusted::Refusal},
};
use async_graphql::{
    Data, ErrorExtensionValues, Executor, Request, Response, ServerError,
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
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};
use tokio::{sync::oneshot, time::Instant};

/// The only subprotocol spoken: graphql-ws's. (The older `graphql-ws` subprotocol of
/// subscriptions-transport-ws is unmaintained and not offered.)
const SUBPROTOCOL: &str = "graphql-transport-ws";

/// How long a client may take to send `connection_init` (the protocol's 4408 after it).
const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// A WebSocket ping this often keeps an idle connection open through load balancers and
/// proxies that cut silent ones (often after 60 seconds); browsers answer it themselves.
const PING_EVERY: Duration = Duration::from_secs(25);

/// WebSocket close code "service restart": graphql-ws clients connect again (to another replica).
const RESTARTING: u16 = 1012;

// Close codes of the protocol (graphql-ws PROTOCOL.md).
const BAD_REQUEST: u16 = 4400;
const UNAUTHORIZED: u16 = 4401;
const FORBIDDEN: u16 = 4403;
const INIT_TIMED_OUT: u16 = 4408;

/// Accepts the upgrade when the client speaks the protocol.
pub fn upgrade(state: AppState, meta: RequestMeta, ws: WebSocketUpgrade) -> HttpResponse {
    let ws = ws.protocols([SUBPROTOCOL]);
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
    let incoming = incoming.take_while(|m| std::future::ready(m.is_ok())).filter_map(|m| {
        std::future::ready(match m {
            Ok(Message::Text(text)) => Some(Bytes::from(text)),
            Ok(Message::Binary(bytes)) => Some(bytes),
            _ => None,
        })
    });
    let (expiry_tx, expiry_rx) = oneshot::channel::<Instant>();
    let refused = Arc::new(AtomicBool::new(false));
    let init_state = state.clone();
    let init_refused = refused.clone();
    let executor = LiveExecutor { state: state.clone(), meta };
    let mut outgoing = Protocol::new(executor, incoming, WebSocketProtocols::GraphQLWS)
        .on_connection_init(move |payload| async move {
            match authenticate(&init_state, &payload).await {
                Ok((principal, expires_at)) => {
                    let _ = expiry_tx.send(expires_at);
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
    // Closed when the token expires, or when no `connection_init` came in time.
    let deadline = async {
        match tokio::time::timeout(INIT_TIMEOUT, expiry_rx).await {
            Ok(Ok(expires_at)) => {
                tokio::time::sleep_until(expires_at).await;
                (FORBIDDEN, "the token expired; connect again with a new one")
            }
            Ok(Err(_)) => std::future::pending().await,
            Err(_) => (INIT_TIMED_OUT, "Connection initialisation timeout"),
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
    let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    loop {
        let message = tokio::select! {
            _ = ping.tick() => {
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
            () = &mut stopping => WsMessage::Close(RESTARTING, "the server is restarting; connect again".into()),
        };
        let (frame, last) = match message {
            WsMessage::Text(text) => (Message::Text(text.into()), false),
            WsMessage::Close(code, reason) => {
                let code = close_code(code, refused.load(Ordering::Relaxed));
                (Message::Close(Some(CloseFrame { code, reason: reason.into() })), true)
            }
        };
        if sink.send(frame).await.is_err() || last {
            break;
        }
    }
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
) -> Result<(crate::auth::Principal, Instant), AppError> {
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
    let left = u64::try_from(exp - chrono::Utc::now().timestamp()).unwrap_or(0);
    Ok((principal, Instant::now() + Duration::from_secs(left)))
}

/// Runs each operation of a connection for its principal, through the trusted documents and
/// the access log as over HTTP.
#[derive(Clone)]
struct LiveExecutor {
    state: AppState,
    meta: RequestMeta,
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
            return single(e.into_server_error(async_graphql::Pos::default()), &id);
        };
        if let Err(refusal) = self.state.trusted.resolve(&mut request, None) {
            return single(refused(&refusal), &id);
        }
        let s = &self.state;
        api::execute_stream(&s.schemas, &s.db, &s.reader, principal, self.meta.clone(), &s.api, request)
            .map(move |mut response| {
                finalize_errors(&mut response.errors, &id);
                response
            })
            .boxed()
    }
}

fn refused(refusal: &Refusal) -> ServerError {
    let (message, code) = refusal.message_and_code();
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

fn single(error: ServerError, id: &str) -> BoxStream<'static, Response> {
    let mut errors = vec![error];
    finalize_errors(&mut errors, id);
    futures::stream::once(async { Response::from_errors(errors) }).boxed()
}
