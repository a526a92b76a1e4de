//! A local identity provider on loopback that issues tokens shaped as Keycloak and Entra ID
//! issue them: RS256 with a `kid`, keys published as each publishes them — Keycloak with
//! OpenID discovery under its realm and an encryption key beside the signing key, Entra ID per
//! tenant with `x5t`, `x5c` and `issuer` on each key and no `alg`.

use axum::{Json, Router, extract::Path, routing::get};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// The Keycloak realm the provider serves.
pub const REALM: &str = "veerkracht";
const KID: &str = "Zb9e6nIj5oS5mJ0rD_7a3X0uq1lqzW7n2bV1mNQf4Ck";

pub struct IdentityProvider {
    base: String,
    key: EncodingKey,
}

impl IdentityProvider {
    pub async fn start() -> Self {
        let key = EncodingKey::from_rsa_pem(include_bytes!("../fixtures/identity-provider/rsa-key.pem"))
            .expect("the fixture key reads");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let issuer = format!("{base}/realms/{REALM}");
        let discovery = json!({
            "issuer": issuer,
            "jwks_uri": format!("{issuer}/protocol/openid-connect/certs"),
            "token_endpoint": format!("{issuer}/protocol/openid-connect/token"),
            "id_token_signing_alg_values_supported": ["RS256"],
        });
        let app = Router::new()
            .route(
                &format!("/realms/{REALM}/.well-known/openid-configuration"),
                get(move || async move { Json(discovery) }),
            )
            .route(&format!("/realms/{REALM}/protocol/openid-connect/certs"), get(keycloak_keys))
            .route("/{tenant}/discovery/v2.0/keys", get(entra_keys));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("identity provider runs") });
        Self { base, key }
    }

    /// `iss` of the Keycloak realm: its discovery document lives beneath it.
    pub fn keycloak_issuer(&self) -> String {
        format!("{}/realms/{REALM}", self.base)
    }

    /// `iss` of an Entra ID tenant's v2.0 tokens, as Microsoft's cloud writes it. Its keys
    /// are not at that address here, so a server is given [`Self::entra_jwks_url`].
    pub fn entra_issuer(tenant: &str) -> String {
        format!("https://login.microsoftonline.com/{tenant}/v2.0")
    }

    pub fn entra_jwks_url(&self, tenant: &str) -> String {
        format!("{}/{tenant}/discovery/v2.0/keys", self.base)
    }

    /// Signs a payload as the provider does: RS256, typ JWT, the published key's id.
    pub fn sign(&self, payload: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(KID.into());
        jsonwebtoken::encode(&header, payload, &self.key).expect("sign")
    }
}

fn public_key() -> Value {
    serde_json::from_str(include_str!("../fixtures/identity-provider/rsa-public.jwk.json"))
        .expect("the fixture JWK reads")
}

fn with(mut key: Value, fields: Value) -> Value {
    key.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
    key
}

async fn keycloak_keys() -> Json<Value> {
    Json(json!({ "keys": [
        with(public_key(), json!({ "kid": KID, "use": "sig", "alg": "RS256", "x5c": ["MIIC"], "x5t": "x", "x5t#S256": "y" })),
        with(public_key(), json!({ "kid": "enc-key", "use": "enc", "alg": "RSA-OAEP", "x5c": ["MIIC"] })),
    ]}))
}

async fn entra_keys(Path(tenant): Path<String>) -> Json<Value> {
    let issuer = IdentityProvider::entra_issuer(&tenant);
    Json(json!({ "keys": [
        with(public_key(), json!({ "kid": KID, "use": "sig", "x5t": KID, "x5c": ["MIIC"], "issuer": issuer })),
    ]}))
}
