//! Partner simulators: real HTTP servers implementing the partner's side of a protocol, for
//! the tests and the demo. What every simulator shares lives here: registered clients, an
//! OAuth2 client-credentials token endpoint, signature checks on what arrives (with replay
//! protection by message id), signed callbacks to our inbox, and switches to make the
//! partner unavailable.

pub mod school;
pub mod verwijsindex;
pub mod youth_team;

use crate::signing;
use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use serde::{Deserialize, Serialize};
use std::{
    collections::{HashMap, HashSet},
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use uuid::Uuid;

/// One organisation using the partner: its credentials and where it takes callbacks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SimClient {
    pub client_id: String,
    pub client_secret: String,
    pub signing_secret: String,
    /// Our inbound endpoint for this organisation: `…/partners/{partner}/inbox`; without
    /// one, the client gets no callbacks.
    pub callback_url: Option<String>,
}

/// A message that reached a simulator's protocol endpoint, verified.
#[derive(Debug, Clone)]
pub struct Received {
    pub client_id: String,
    pub message_id: String,
    pub path: String,
    pub body: serde_json::Value,
    /// A repeat of a message id already applied.
    pub duplicate: bool,
    /// The sender's W3C trace context, when it sent one.
    pub traceparent: Option<String>,
}

/// How the simulated partner behaves right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    Up,
    /// Every protocol request is answered with this status.
    Failing(StatusCode),
}

pub struct Common {
    clients: Mutex<HashMap<String, SimClient>>,
    tokens: Mutex<HashMap<String, (String, Instant)>>,
    token_lifetime: Mutex<Duration>,
    tokens_issued: Mutex<u32>,
    seen: Mutex<HashSet<(String, String)>>,
    received: Mutex<Vec<Received>>,
    availability: Mutex<Availability>,
    /// How long a protocol request takes to answer once received (a slow partner).
    response_delay: Mutex<Duration>,
    /// Callbacks started and not yet finished, so that a test can wait for them to land.
    callbacks_running: Arc<tokio::sync::watch::Sender<usize>>,
    http: reqwest::Client,
}

impl Default for Common {
    fn default() -> Self {
        Self {
            clients: Mutex::default(),
            tokens: Mutex::default(),
            token_lifetime: Mutex::new(Duration::from_secs(3600)),
            tokens_issued: Mutex::default(),
            seen: Mutex::default(),
            received: Mutex::default(),
            availability: Mutex::new(Availability::Up),
            response_delay: Mutex::default(),
            callbacks_running: Arc::new(tokio::sync::watch::Sender::new(0)),
            http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("HTTP client"),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().expect("simulator state lock")
}

/// Why a protocol request was refused.
pub struct Refusal(pub StatusCode, pub String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

impl Common {
    pub fn add_client(&self, client: SimClient) {
        lock(&self.clients).insert(client.client_id.clone(), client);
    }

    pub fn client(&self, client_id: &str) -> Option<SimClient> {
        lock(&self.clients).get(client_id).cloned()
    }

    pub fn set_availability(&self, a: Availability) {
        *lock(&self.availability) = a;
    }

    /// Makes every protocol request take `delay` to answer after it was received.
    pub fn set_response_delay(&self, delay: Duration) {
        *lock(&self.response_delay) = delay;
    }

    /// Forgets every issued token, as if they all expired.
    pub fn expire_tokens(&self) {
        lock(&self.tokens).clear();
    }

    pub fn tokens_issued(&self) -> u32 {
        *lock(&self.tokens_issued)
    }

    pub fn received(&self) -> Vec<Received> {
        lock(&self.received).clone()
    }

    fn issue_token(&self, headers: &HeaderMap, form: &HashMap<String, String>) -> Result<(String, u64), Refusal> {
        let (id, secret) = basic_credentials(headers)
            .or_else(|| Some((form.get("client_id")?.clone(), form.get("client_secret")?.clone())))
            .ok_or_else(|| Refusal(StatusCode::UNAUTHORIZED, "invalid_client".into()))?;
        if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
            return Err(Refusal(StatusCode::BAD_REQUEST, "unsupported_grant_type".into()));
        }
        match self.client(&id) {
            Some(c) if c.client_secret == secret => {}
            _ => return Err(Refusal(StatusCode::UNAUTHORIZED, "invalid_client".into())),
        }
        let lifetime = *lock(&self.token_lifetime);
        let token = Uuid::new_v4().simple().to_string();
        lock(&self.tokens).insert(token.clone(), (id, Instant::now() + lifetime));
        *lock(&self.tokens_issued) += 1;
        Ok((token, lifetime.as_secs()))
    }

    /// Checks availability, the bearer token and the signature, and records the message.
    /// Returns the client, the message id and whether it was seen before.
    pub async fn accept(
        &self,
        path: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(SimClient, String, bool), Refusal> {
        let accepted = self.check_and_record(path, headers, body);
        let delay = *lock(&self.response_delay);
        tokio::time::sleep(delay).await;
        accepted
    }

    fn check_and_record(
        &self,
        path: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(SimClient, String, bool), Refusal> {
        if let Availability::Failing(status) = *lock(&self.availability) {
            return Err(Refusal(status, "temporarily unavailable".into()));
        }
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| Refusal(StatusCode::UNAUTHORIZED, "a bearer token is required".into()))?;
        let client_id = match lock(&self.tokens).get(token) {
            Some((client, expires)) if *expires > Instant::now() => client.clone(),
            _ => return Err(Refusal(StatusCode::UNAUTHORIZED, "invalid or expired token".into())),
        };
        let client =
            self.client(&client_id).ok_or_else(|| Refusal(StatusCode::UNAUTHORIZED, "unknown client".into()))?;
        let id = signing::verify(client.signing_secret.as_bytes(), headers, body)
            .map_err(|e| Refusal(StatusCode::UNAUTHORIZED, e.to_string()))?;
        let duplicate = !lock(&self.seen).insert((client_id.clone(), id.clone()));
        let json = serde_json::from_slice(body).map_err(|e| Refusal(StatusCode::BAD_REQUEST, e.to_string()))?;
        lock(&self.received).push(Received {
            client_id,
            message_id: id.clone(),
            path: path.into(),
            body: json,
            duplicate,
            traceparent: headers.get("traceparent").and_then(|v| v.to_str().ok()).map(str::to_string),
        });
        Ok((client, id, duplicate))
    }

    /// Runs `callbacks` in the background, as a partner answers after it has taken a message.
    /// Call it before answering the request that causes them, so that [`Common::settled`]
    /// waits for them.
    pub fn call_back_later(&self, callbacks: impl Future<Output = ()> + Send + 'static) {
        struct Finished(Arc<tokio::sync::watch::Sender<usize>>);
        impl Drop for Finished {
            fn drop(&mut self) {
                self.0.send_modify(|n| *n -= 1);
            }
        }
        self.callbacks_running.send_modify(|n| *n += 1);
        let finished = Finished(self.callbacks_running.clone());
        tokio::spawn(async move {
            callbacks.await;
            drop(finished);
        });
    }

    /// Waits until every callback started so far has been answered by our inbox (whose
    /// effects are committed before it answers).
    pub async fn settled(&self) {
        let mut running = self.callbacks_running.subscribe();
        running.wait_for(|n| *n == 0).await.expect("the sender lives in self");
    }

    /// Posts `body` to the client's callback URL, signed with its secret, retrying a few
    /// times while our side is unavailable.
    pub async fn call_back(&self, client: &SimClient, body: &serde_json::Value) {
        let Some(url) = &client.callback_url else { return };
        let id = format!("msg_{}", Uuid::now_v7().simple());
        let text = body.to_string();
        for attempt in 0..5u32 {
            let Ok(headers) =
                signing::sign(client.signing_secret.as_bytes(), &id, chrono::Utc::now().timestamp(), text.as_bytes())
            else {
                return;
            };
            let res = self
                .http
                .post(url)
                .headers(headers)
                .header("content-type", "application/json")
                .body(text.clone())
                .send()
                .await;
            let status = res.map(|r| r.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            if !status.is_server_error() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100 * 2u64.pow(attempt))).await;
        }
    }
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let encoded = headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    // RFC 6749 §2.3.1: both parts are form-urlencoded.
    let unescape = |s: &str| url_decode(s);
    Some((unescape(id)?, unescape(secret)?))
}

fn url_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = [bytes.next()?, bytes.next()?];
                out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            }
            b => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

async fn token(State(common): State<Arc<Common>>, headers: HeaderMap, body: String) -> Response {
    let form: HashMap<String, String> = body
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            Some((url_decode(k)?, url_decode(v)?))
        })
        .collect();
    match common.issue_token(&headers, &form) {
        Ok((token, expires_in)) => {
            Json(serde_json::json!({ "access_token": token, "token_type": "bearer", "expires_in": expires_in }))
                .into_response()
        }
        Err(r) => (r.0, Json(serde_json::json!({ "error": r.1 }))).into_response(),
    }
}

async fn register_client(State(common): State<Arc<Common>>, Json(client): Json<SimClient>) -> StatusCode {
    common.add_client(client);
    StatusCode::NO_CONTENT
}

/// The routes every simulator has: `POST /oauth/token` and `POST /_sim/clients` (to register
/// an organisation from the demo).
pub fn common_routes(common: Arc<Common>) -> Router {
    Router::new().route("/oauth/token", post(token)).route("/_sim/clients", post(register_client)).with_state(common)
}

/// Serves `router` on `listener` in the background; returns the address.
pub async fn spawn(router: Router, listener: tokio::net::TcpListener) -> std::io::Result<SocketAddr> {
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "simulator stopped");
        }
    });
    Ok(addr)
}
