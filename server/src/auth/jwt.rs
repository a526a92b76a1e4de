//! JWT validation against an issuer's JWKS, with keys cached by `kid`.

use super::Claims;
use crate::error::{AppError, AppResult};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};
use tokio::sync::{Mutex, RwLock};

/// An unknown `kid` triggers a refetch at most this often, so that garbage tokens cannot
/// make us hammer the identity provider.
const MISS_REFETCH_INTERVAL: Duration = Duration::from_secs(60);

/// Tokens whose signature was checked, kept until they expire: a client sends the same token
/// with every request, and checking an ES256 signature again each time was a fifth of the
/// time of a small request. Bounded so that many distinct tokens cannot grow it without end.
const VERIFIED_CAPACITY: usize = 10_000;

/// Leeway on `exp` and `nbf` for clocks that differ a little.
const LEEWAY_SECONDS: u64 = 30;

#[derive(Clone)]
pub struct JwtValidator {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: String,
    audience: String,
    jwks_url: JwksSource,
    refresh_every: Duration,
    http: reqwest::Client,
    keys: RwLock<KeyCache>,
    fetch_lock: Mutex<()>,
    verified: std::sync::Mutex<HashMap<String, Claims>>,
}

pub enum JwksSource {
    Url(String),
    /// Discover `jwks_uri` from the issuer's OpenID configuration.
    Discover,
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, (DecodingKey, Algorithm)>,
    fetched_at: Option<Instant>,
}

fn unauthenticated(msg: &str) -> AppError {
    AppError::Unauthenticated(msg.into())
}

impl JwtValidator {
    pub fn new(issuer: String, audience: String, jwks_url: JwksSource, refresh_every: Duration) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("a reqwest client with static settings builds");
        Self {
            inner: Arc::new(Inner {
                issuer,
                audience,
                jwks_url,
                refresh_every,
                http,
                keys: RwLock::default(),
                fetch_lock: Mutex::new(()),
                verified: std::sync::Mutex::default(),
            }),
        }
    }

    pub async fn validate(&self, token: &str) -> AppResult<Claims> {
        let now = jsonwebtoken::get_current_timestamp();
        let unexpired = |c: &Claims| u64::try_from(c.exp).is_ok_and(|exp| exp + LEEWAY_SECONDS > now);
        if let Some(claims) = self.verified().get(token).filter(|c| unexpired(c)) {
            return Ok(claims.clone());
        }
        let claims = self.check(token).await?;
        let mut verified = self.verified();
        if verified.len() >= VERIFIED_CAPACITY {
            verified.retain(|_, c| unexpired(c));
            if verified.len() >= VERIFIED_CAPACITY {
                verified.clear();
            }
        }
        verified.insert(token.to_string(), claims.clone());
        Ok(claims)
    }

    fn verified(&self) -> std::sync::MutexGuard<'_, HashMap<String, Claims>> {
        // The map holds only checked claims: a panic elsewhere cannot leave it wrong.
        self.inner.verified.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Checks the token's signature, issuer, audience and lifetime.
    async fn check(&self, token: &str) -> AppResult<Claims> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| unauthenticated("malformed token"))?;
        if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
            return Err(unauthenticated("token algorithm not accepted"));
        }
        let kid = header.kid.ok_or_else(|| unauthenticated("token has no key id"))?;
        let (key, alg) = self.key(&kid).await?;
        if alg != header.alg {
            return Err(unauthenticated("token algorithm does not match its key"));
        }
        let mut validation = Validation::new(alg);
        validation.set_issuer(&[&self.inner.issuer]);
        validation.set_audience(&[&self.inner.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation).map(|data| data.claims).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind::*;
            match e.kind() {
                ExpiredSignature => unauthenticated("token expired"),
                InvalidAudience => unauthenticated("token audience not accepted"),
                InvalidIssuer => unauthenticated("token issuer not accepted"),
                InvalidSignature => unauthenticated("token signature invalid"),
                ImmatureSignature => unauthenticated("token not valid yet (nbf)"),
                _ => unauthenticated("token invalid"),
            }
        })?;
        let now = jsonwebtoken::get_current_timestamp();
        if claims.iat.and_then(|iat| u64::try_from(iat).ok()).is_some_and(|iat| iat > now + LEEWAY_SECONDS) {
            return Err(unauthenticated("token issued in the future (iat)"));
        }
        Ok(claims)
    }

    async fn key(&self, kid: &str) -> AppResult<(DecodingKey, Algorithm)> {
        {
            let cache = self.inner.keys.read().await;
            let fresh = cache.fetched_at.is_some_and(|t| t.elapsed() < self.inner.refresh_every);
            if let (true, Some(k)) = (fresh, cache.keys.get(kid)) {
                return Ok(k.clone());
            }
        }
        let _guard = self.inner.fetch_lock.lock().await;
        let (stale_key, may_fetch) = {
            let cache = self.inner.keys.read().await;
            let fresh = cache.fetched_at.is_some_and(|t| t.elapsed() < self.inner.refresh_every);
            match cache.keys.get(kid) {
                // Another request refreshed the keys while we waited.
                Some(k) if fresh => return Ok(k.clone()),
                Some(k) => (Some(k.clone()), true),
                None => (None, cache.fetched_at.is_none_or(|t| t.elapsed() >= MISS_REFETCH_INTERVAL)),
            }
        };
        if may_fetch {
            match self.fetch().await {
                Ok(keys) => {
                    let mut cache = self.inner.keys.write().await;
                    *cache = KeyCache { keys, fetched_at: Some(Instant::now()) };
                    if let Some(k) = cache.keys.get(kid) {
                        return Ok(k.clone());
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not fetch the issuer's keys");
                    // Keep serving with the keys we had rather than lock everyone out.
                    if let Some(k) = stale_key {
                        return Ok(k);
                    }
                    return Err(AppError::Unauthenticated("the token issuer's keys are not available".into()));
                }
            }
        }
        Err(unauthenticated("token signed with an unknown key"))
    }

    async fn fetch(&self) -> anyhow::Result<HashMap<String, (DecodingKey, Algorithm)>> {
        let url = match &self.inner.jwks_url {
            JwksSource::Url(url) => url.clone(),
            JwksSource::Discover => {
                let config_url =
                    format!("{}/.well-known/openid-configuration", self.inner.issuer.trim_end_matches('/'));
                let doc: serde_json::Value =
                    self.inner.http.get(config_url).send().await?.error_for_status()?.json().await?;
                doc["jwks_uri"]
                    .as_str()
                    .ok_or_else(|| anyhow::anyhow!("no jwks_uri in OpenID configuration"))?
                    .to_string()
            }
        };
        let set: JwkSet = self.inner.http.get(url).send().await?.error_for_status()?.json().await?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let (Some(kid), Ok(key)) = (jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk)) else { continue };
            let alg = match &jwk.algorithm {
                jsonwebtoken::jwk::AlgorithmParameters::EllipticCurve(_) => Algorithm::ES256,
                jsonwebtoken::jwk::AlgorithmParameters::RSA(_) => Algorithm::RS256,
                _ => continue,
            };
            keys.insert(kid, (key, alg));
        }
        Ok(keys)
    }
}
