//! OAuth2 client credentials for a partner's API: one token, cached until shortly before it
//! expires, refreshed on demand (also when the partner answers 401 to a token we thought valid).

use oauth2::{AuthUrl, ClientId, ClientSecret, Scope, TokenResponse, TokenUrl, basic::BasicClient};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Tokens are renewed this long before they expire, so none expires in flight.
const EARLY_RENEWAL: Duration = Duration::from_secs(30);
/// Used when the token endpoint does not say how long a token lives.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

#[derive(Debug, Clone)]
pub struct ClientCredentials {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: Vec<String>,
}

pub struct TokenCache {
    credentials: ClientCredentials,
    http: reqwest::Client,
    token: Mutex<Option<(String, Instant)>>,
}

impl TokenCache {
    pub fn new(credentials: ClientCredentials, http: reqwest::Client) -> Self {
        Self { credentials, http, token: Mutex::new(None) }
    }

    /// A token valid for at least the next half minute.
    pub async fn token(&self) -> anyhow::Result<String> {
        let mut slot = self.token.lock().await;
        if let Some((token, expires)) = slot.as_ref()
            && Instant::now() + EARLY_RENEWAL < *expires
        {
            return Ok(token.clone());
        }
        let (token, lifetime) = self.fetch().await?;
        *slot = Some((token.clone(), Instant::now() + lifetime));
        Ok(token)
    }

    /// Forgets the cached token, e.g. after the partner refused it.
    pub async fn invalidate(&self) {
        *self.token.lock().await = None;
    }

    async fn fetch(&self) -> anyhow::Result<(String, Duration)> {
        let c = &self.credentials;
        let client = BasicClient::new(ClientId::new(c.client_id.clone()))
            .set_client_secret(ClientSecret::new(c.client_secret.clone()))
            // Required by the type, unused by the client-credentials grant.
            .set_auth_uri(AuthUrl::new(c.token_url.clone())?)
            .set_token_uri(TokenUrl::new(c.token_url.clone())?);
        let mut request = client.exchange_client_credentials();
        for scope in &c.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let response =
            request.request_async(&self.http).await.map_err(|e| anyhow::anyhow!("token request failed: {e}"))?;
        let lifetime = response.expires_in().unwrap_or(DEFAULT_LIFETIME);
        Ok((response.access_token().secret().clone(), lifetime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{Json, Router, routing::post};
    use std::sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    };

    /// A token endpoint on loopback that hands out numbered tokens with a given lifetime.
    async fn token_server(lifetime: u64) -> (String, Arc<AtomicU32>) {
        let issued = Arc::new(AtomicU32::new(0));
        let counter = issued.clone();
        let app = Router::new().route(
            "/token",
            post(move || {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                async move { Json(serde_json::json!({ "access_token": format!("t{n}"), "token_type": "bearer", "expires_in": lifetime })) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/token", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (url, issued)
    }

    fn cache(url: String) -> TokenCache {
        let creds =
            ClientCredentials { token_url: url, client_id: "us".into(), client_secret: "s".into(), scopes: vec![] };
        TokenCache::new(creds, reqwest::Client::new())
    }

    #[tokio::test]
    async fn tokens_are_cached_until_shortly_before_expiry() {
        let (url, issued) = token_server(3600).await;
        let c = cache(url);
        assert_eq!(c.token().await.unwrap(), "t1");
        assert_eq!(c.token().await.unwrap(), "t1");
        assert_eq!(issued.load(Ordering::SeqCst), 1);
        c.invalidate().await;
        assert_eq!(c.token().await.unwrap(), "t2");
    }

    #[tokio::test]
    async fn short_lived_tokens_are_renewed() {
        let (url, issued) = token_server(10).await; // within the early-renewal margin
        let c = cache(url);
        assert_eq!(c.token().await.unwrap(), "t1");
        assert_eq!(c.token().await.unwrap(), "t2");
        assert_eq!(issued.load(Ordering::SeqCst), 2);
    }
}
