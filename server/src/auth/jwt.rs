//! JWT validation against an issuer's JWKS, with keys cached by `kid`.

use super::{ClaimNames, Claims, PerToken};
use crate::error::{AppError, AppResult};
use futures::future::{BoxFuture, FutureExt, Shared};
use jsonwebtoken::{
    Algorithm, DecodingKey, Validation,
    jwk::{AlgorithmParameters, Jwk, KeyAlgorithm, PublicKeyUse},
};
use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};
use tokio::sync::{Mutex, RwLock};

/// An unknown `kid` (a key the issuer just rotated in) refetches the keys at once, but at most
/// this often, so that tokens with made-up key ids cannot make us hammer the identity provider.
const MISS_REFETCH_INTERVAL: Duration = Duration::from_secs(5);

/// After a failed fetch, requests go on with the keys we had for this long before one tries again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);

/// How long a fetch of the keys may take. Every request waiting for a key waits this long at
/// most, and all of them wait on the same fetch.
const FETCH_TIMEOUT: Duration = Duration::from_secs(3);

type Keys = HashMap<String, (DecodingKey, Algorithm)>;

/// The one fetch of the keys in flight, shared by every request that needs it.
type Fetch = Shared<BoxFuture<'static, Result<Arc<Keys>, Arc<str>>>>;

/// Leeway on `exp` and `nbf` for clocks that differ a little.
const LEEWAY_SECONDS: u64 = 30;

#[derive(Clone)]
pub struct JwtValidator {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: String,
    audience: String,
    claims: ClaimNames,
    jwks_url: JwksSource,
    refresh_every: Duration,
    http: reqwest::Client,
    keys: RwLock<KeyCache>,
    in_flight: Mutex<Option<Fetch>>,
    /// Tokens whose signature was checked, kept until they expire: a client sends the same
    /// token with every request, and checking an ES256 signature again each time was a fifth
    /// of the time of a small request.
    verified: PerToken<Claims>,
}

pub enum JwksSource {
    Url(String),
    /// Discover `jwks_uri` from the issuer's OpenID configuration.
    Discover,
}

#[derive(Default)]
struct KeyCache {
    keys: Arc<Keys>,
    fetched_at: Option<Instant>,
    /// The last fetch, whether it succeeded or not.
    tried_at: Option<Instant>,
    /// The last fetch asked for by a key we did not know.
    missed_at: Option<Instant>,
}

fn unauthenticated(msg: &str) -> AppError {
    AppError::Unauthenticated(msg.into())
}

impl JwtValidator {
    pub fn new(
        issuer: String,
        audience: String,
        claims: ClaimNames,
        jwks_url: JwksSource,
        refresh_every: Duration,
    ) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(FETCH_TIMEOUT)
            .build()
            .expect("a reqwest client with static settings builds");
        Self {
            inner: Arc::new(Inner {
                issuer,
                audience,
                claims,
                jwks_url,
                refresh_every,
                http,
                keys: RwLock::default(),
                in_flight: Mutex::new(None),
                verified: PerToken::default(),
            }),
        }
    }

    pub async fn validate(&self, token: &str) -> AppResult<Claims> {
        if let Some(claims) = self.inner.verified.get(token) {
            return Ok(claims);
        }
        let claims = self.check(token).await?;
        let until = u64::try_from(claims.exp).unwrap_or_default() + LEEWAY_SECONDS;
        self.inner.verified.insert(token, claims.clone(), until);
        Ok(claims)
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
        let payload = jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| {
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
        let claims =
            self.inner.claims.read(payload).map_err(|e| AppError::Unauthenticated(format!("token invalid: {e}")))?;
        let now = jsonwebtoken::get_current_timestamp();
        if claims.iat.and_then(|iat| u64::try_from(iat).ok()).is_some_and(|iat| iat > now + LEEWAY_SECONDS) {
            return Err(unauthenticated("token issued in the future (iat)"));
        }
        Ok(claims)
    }

    async fn key(&self, kid: &str) -> AppResult<(DecodingKey, Algorithm)> {
        let (known, may_fetch, miss) = {
            let cache = self.inner.keys.read().await;
            let known = cache.keys.get(kid).cloned();
            let fresh = cache.fetched_at.is_some_and(|t| t.elapsed() < self.inner.refresh_every);
            let tried_within = |d: Duration| cache.tried_at.is_some_and(|t| t.elapsed() < d);
            match &known {
                Some(k) if fresh => return Ok(k.clone()),
                // Due for a refresh; after a failure, go on with the old keys for a while.
                Some(_) => (known, !tried_within(RETRY_AFTER_FAILURE), false),
                None if cache.fetched_at.is_none() => (None, !tried_within(RETRY_AFTER_FAILURE), false),
                // A key we do not know: a rotation, picked up at once (rate-limited).
                None => (None, cache.missed_at.is_none_or(|t| t.elapsed() >= MISS_REFETCH_INTERVAL), true),
            }
        };
        if !may_fetch {
            return known.ok_or_else(|| unauthenticated("token signed with an unknown key"));
        }
        if miss {
            self.inner.keys.write().await.missed_at = Some(Instant::now());
        }
        match self.refetch().await {
            Ok(keys) => keys.get(kid).cloned().ok_or_else(|| unauthenticated("token signed with an unknown key")),
            // Keep serving with the keys we had rather than lock everyone out.
            Err(_) => known.ok_or_else(|| unauthenticated("the token issuer's keys are not available")),
        }
    }

    /// Fetches the keys, or joins the fetch already under way: however many requests need the
    /// keys at once, the issuer is asked once and all of them get its answer (or its failure)
    /// together, within `FETCH_TIMEOUT`.
    async fn refetch(&self) -> Result<Arc<Keys>, Arc<str>> {
        let fetch = {
            let mut in_flight = self.inner.in_flight.lock().await;
            match &*in_flight {
                Some(fetch) => fetch.clone(),
                None => {
                    let this = self.clone();
                    let fetch = async move {
                        let result = this.fetch().await;
                        let mut cache = this.inner.keys.write().await;
                        cache.tried_at = Some(Instant::now());
                        let result = match result {
                            Ok(keys) => {
                                cache.keys = Arc::new(keys);
                                cache.fetched_at = cache.tried_at;
                                Ok(cache.keys.clone())
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "could not fetch the issuer's keys");
                                Err(Arc::from(e.to_string()))
                            }
                        };
                        drop(cache);
                        *this.inner.in_flight.lock().await = None;
                        result
                    }
                    .boxed()
                    .shared();
                    *in_flight = Some(fetch.clone());
                    fetch
                }
            }
        };
        fetch.await
    }

    async fn fetch(&self) -> anyhow::Result<Keys> {
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
        #[derive(serde::Deserialize)]
        struct Set {
            keys: Vec<serde_json::Value>,
        }
        let set: Set = self.inner.http.get(url).send().await?.error_for_status()?.json().await?;
        // Key by key: a set may hold keys we cannot use (Keycloak publishes an RSA-OAEP
        // encryption key beside its signing keys), which must not cost us the others.
        Ok(set.keys.into_iter().filter_map(|jwk| serde_json::from_value::<Jwk>(jwk).ok()).filter_map(usable).collect())
    }
}

/// A signing key of an algorithm we accept, by its id.
fn usable(jwk: Jwk) -> Option<(String, (DecodingKey, Algorithm))> {
    if jwk.common.public_key_use.as_ref().is_some_and(|u| *u != PublicKeyUse::Signature) {
        return None;
    }
    let alg = match (&jwk.algorithm, &jwk.common.key_algorithm) {
        (AlgorithmParameters::EllipticCurve(_), None | Some(KeyAlgorithm::ES256)) => Algorithm::ES256,
        (AlgorithmParameters::RSA(_), None | Some(KeyAlgorithm::RS256)) => Algorithm::RS256,
        _ => return None,
    };
    Some((jwk.common.key_id.clone()?, (DecodingKey::from_jwk(&jwk).ok()?, alg)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::dev_issuer::DevIssuer;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};

    /// An identity provider on loopback serving a JWKS that can change or hang.
    #[derive(Default)]
    struct Provider {
        jwks: std::sync::Mutex<serde_json::Value>,
        hangs: AtomicBool,
        fetches: AtomicUsize,
    }

    async fn serve(provider: Arc<Provider>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks", listener.local_addr().unwrap());
        let app = axum::Router::new().route(
            "/jwks",
            axum::routing::get(move || async move {
                provider.fetches.fetch_add(1, SeqCst);
                if provider.hangs.load(SeqCst) {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                }
                axum::Json(provider.jwks.lock().unwrap().clone())
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    fn signing_key() -> DevIssuer {
        let dir = tempfile::tempdir().unwrap();
        DevIssuer::load_or_create(&dir.path().join("key.pem")).unwrap()
    }

    fn token(key: &DevIssuer) -> String {
        let exp = jsonwebtoken::get_current_timestamp() + 600;
        let claims: Claims = serde_json::from_value(serde_json::json!({
            "iss": "urn:test", "aud": "veerkracht", "sub": "user", "exp": exp, "org": "haven", "roles": []
        }))
        .unwrap();
        key.sign(&claims).unwrap()
    }

    fn validator(url: String) -> JwtValidator {
        JwtValidator::new(
            "urn:test".into(),
            "veerkracht".into(),
            ClaimNames::default(),
            JwksSource::Url(url),
            Duration::from_secs(300),
        )
    }

    /// A key the provider rotated in is used at once; a made-up key id right after does not
    /// send us to the provider again.
    #[tokio::test]
    async fn a_rotated_key_is_picked_up_at_once() {
        let provider = Arc::new(Provider::default());
        let (old, new, stranger) = (signing_key(), signing_key(), signing_key());
        *provider.jwks.lock().unwrap() = old.jwks();
        let validator = validator(serve(provider.clone()).await);
        assert_eq!(validator.validate(&token(&old)).await.unwrap().sub, "user");
        *provider.jwks.lock().unwrap() = new.jwks();
        assert_eq!(validator.validate(&token(&new)).await.unwrap().sub, "user", "the new key, without waiting");
        assert_eq!(provider.fetches.load(SeqCst), 2);
        assert!(validator.validate(&token(&stranger)).await.is_err());
        assert_eq!(provider.fetches.load(SeqCst), 2, "an unknown key right after a refetch is refused without one");
    }

    /// A hanging provider is asked once, however many requests wait for its keys, and they all
    /// get their answer within the fetch's timeout, not one timeout after another.
    #[tokio::test]
    async fn requests_waiting_on_a_hanging_provider_share_one_fetch() {
        let provider = Arc::new(Provider::default());
        let key = signing_key();
        *provider.jwks.lock().unwrap() = key.jwks();
        provider.hangs.store(true, SeqCst);
        let validator = validator(serve(provider.clone()).await);
        let token = token(&key);
        let started = Instant::now();
        let results = futures::future::join_all((0..8).map(|_| validator.validate(&token))).await;
        assert!(results.iter().all(Result::is_err));
        assert!(started.elapsed() < FETCH_TIMEOUT + Duration::from_secs(2), "{:?}", started.elapsed());
        assert_eq!(provider.fetches.load(SeqCst), 1);
        // Right after the failure a request is answered at once, without asking again.
        let again = Instant::now();
        assert!(validator.validate(&token).await.is_err());
        assert!(again.elapsed() < Duration::from_secs(1));
        assert_eq!(provider.fetches.load(SeqCst), 1);
    }
}
