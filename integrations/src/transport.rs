//! Outbound HTTP to partners: an OAuth2 client-credentials token (cached per partner), the
//! body signed in the Standard Webhooks form, and the message id as idempotency key.

use crate::{
    egress::{CheckedResolver, EgressPolicy},
    oauth::{ClientCredentials, TokenCache},
    signing,
};
use reqwest::StatusCode;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

/// Where and how to reach one partner, with its secrets opened.
#[derive(Debug, Clone)]
pub struct PartnerEndpoint {
    pub base_url: String,
    pub credentials: Option<ClientCredentials>,
    pub signing_secret: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: the partner is down, overloaded or timed out.
    #[error("{0}")]
    Retryable(String),
    /// Trying again will not help: the partner refused the message itself.
    #[error("{0}")]
    Permanent(String),
}

pub struct Transport {
    http: reqwest::Client,
    egress: Arc<EgressPolicy>,
    tokens: Mutex<HashMap<String, Arc<TokenCache>>>,
}

impl Transport {
    pub fn new(timeout: Duration, egress: Arc<EgressPolicy>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            // Never follow a partner's redirect with a signed body and a bearer token.
            .redirect(reqwest::redirect::Policy::none())
            // Names resolve only to addresses the policy allows (checked at connect time, so a
            // name re-pointed inside after it was saved is still refused).
            .dns_resolver(Arc::new(CheckedResolver(egress.clone())))
            .build()
            .expect("HTTP client");
        Self { http, egress, tokens: Mutex::new(HashMap::new()) }
    }

    /// URLs written with an address (which skip the resolver) or `localhost`.
    fn check(&self, url: &str) -> Result<(), SendError> {
        let url = reqwest::Url::parse(url).map_err(|e| SendError::Permanent(format!("not a URL: {e}")))?;
        self.egress.check_url(&url).map_err(|why| SendError::Permanent(format!("not a partner address: {why}")))
    }

    fn token_cache(&self, c: &ClientCredentials) -> Arc<TokenCache> {
        // Keyed by the credentials themselves, so changed credentials get a new token.
        let key = format!("{}\u{0}{}\u{0}{}", c.token_url, c.client_id, c.client_secret);
        let mut caches = self.tokens.lock().expect("token cache lock");
        caches.entry(key).or_insert_with(|| Arc::new(TokenCache::new(c.clone(), self.http.clone()))).clone()
    }

    /// Posts `body` to `path` under the partner's endpoint, signed, with message id `id`.
    /// A refused token (401) is renewed once straight away.
    /// Sends one message; `traceparent` names the attempt's span, so the partner's handling
    /// joins our trace.
    pub async fn send(
        &self,
        endpoint: &PartnerEndpoint,
        path: &str,
        id: &str,
        body: &str,
        traceparent: &str,
    ) -> Result<(), SendError> {
        let tokens = endpoint.credentials.as_ref().map(|c| self.token_cache(c));
        let url = format!("{}{path}", endpoint.base_url.trim_end_matches('/'));
        self.check(&url)?;
        if let Some(c) = &endpoint.credentials {
            self.check(&c.token_url)?;
        }
        for renewed in [false, true] {
            let mut req = self
                .http
                .post(&url)
                .header("content-type", "application/json")
                .header("idempotency-key", id)
                .header("traceparent", traceparent);
            if let Some(t) = &tokens {
                let token = t.token().await.map_err(|e| SendError::Retryable(format!("token: {e}")))?;
                req = req.bearer_auth(token);
            }
            let timestamp = chrono::Utc::now().timestamp();
            let headers = signing::sign(&endpoint.signing_secret, id, timestamp, body.as_bytes())
                .map_err(|e| SendError::Permanent(e.to_string()))?;
            let res = req
                .headers(headers)
                .body(body.to_string())
                .send()
                .await
                .map_err(|e| SendError::Retryable(describe(e)))?;
            let status = res.status();
            if status.is_success() {
                return Ok(());
            }
            if status == StatusCode::UNAUTHORIZED
                && let Some(t) = &tokens
                && !renewed
            {
                t.invalidate().await;
                continue;
            }
            // The status only: a body could carry whatever the other side holds (seen: an
            // internal service's configuration, through an endpoint pointed inside).
            let error = status.to_string();
            return Err(if retryable(status) { SendError::Retryable(error) } else { SendError::Permanent(error) });
        }
        Err(SendError::Retryable("the partner refused a freshly issued token".into()))
    }
}

fn retryable(status: StatusCode) -> bool {
    status.is_server_error()
        || matches!(
            status,
            StatusCode::UNAUTHORIZED
                | StatusCode::REQUEST_TIMEOUT
                | StatusCode::TOO_MANY_REQUESTS
                | StatusCode::CONFLICT
        )
}

/// A reqwest error without the URL's query or anything from the body.
fn describe(e: reqwest::Error) -> String {
    if e.is_connect() {
        "connection refused or unreachable".into()
    } else if e.is_timeout() {
        "timed out".into()
    } else {
        e.without_url().to_string()
    }
}
