//! The local development issuer: an ES256 key in a PEM file, a JWKS served by the server at
//! `/dev-issuer/jwks.json`, and tokens printed by `veerkracht dev-token`. Tokens it signs go
//! through exactly the same JWKS validation as those of a real OIDC provider.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::{SecretKey, elliptic_curve::sec1::ToEncodedPoint};
use sha2::{Digest, Sha256};
use std::path::Path;

pub const DEFAULT_ISSUER: &str = "urn:veerkracht:dev-issuer";
pub const JWKS_PATH: &str = "/dev-issuer/jwks.json";

pub struct DevIssuer {
    key: SecretKey,
    encoding: EncodingKey,
    kid: String,
}

impl DevIssuer {
    /// Loads the key from `path`, creating it (readable by the owner only) when missing.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        Self::from_pem(&crate::keys::load_or_create(path)?)
    }

    pub fn from_pem(pem: &str) -> anyhow::Result<Self> {
        let key = crate::keys::from_pem(pem)?;
        let encoding = EncodingKey::from_ec_pem(pem.as_bytes())?;
        let point = key.public_key().to_encoded_point(false);
        let digest = Sha256::digest(point.as_bytes());
        let kid = hex::encode(&digest[..8]);
        Ok(Self { key, encoding, kid })
    }

    /// Signs a payload: [`Claims`](super::Claims) as `ClaimNames::write` lays them out, or any
    /// shape a test wants to send.
    pub fn sign(&self, claims: &impl serde::Serialize) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &self.encoding)?)
    }

    /// The public key as a JSON Web Key Set.
    pub fn jwks(&self) -> serde_json::Value {
        let point = self.key.public_key().to_encoded_point(false);
        let coord = |c: Option<&p256::FieldBytes>| c.map(|b| URL_SAFE_NO_PAD.encode(b)).unwrap_or_default();
        serde_json::json!({
            "keys": [{
                "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig",
                "kid": self.kid, "x": coord(point.x()), "y": coord(point.y()),
            }]
        })
    }
}
