//! Partner secrets at rest: sealed with ChaCha20-Poly1305 under one server key, so a copy
//! of the database alone does not give away the OAuth2 client secrets and signing keys.

use base64::{Engine, engine::general_purpose::STANDARD};
use chacha20poly1305::{
    ChaCha20Poly1305, KeyInit, Nonce,
    aead::{Aead, AeadCore, OsRng},
};

const PREFIX: &str = "v1:";

#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("the secrets key must be 32 bytes, base64-encoded")]
    Key,
    #[error("a sealed secret could not be opened (wrong key or damaged value)")]
    Open,
}

impl SecretBox {
    pub fn from_base64(key: &str) -> Result<Self, SecretError> {
        let bytes = STANDARD.decode(key.trim()).map_err(|_| SecretError::Key)?;
        let cipher = ChaCha20Poly1305::new_from_slice(&bytes).map_err(|_| SecretError::Key)?;
        Ok(Self { cipher })
    }

    /// A new random key, base64-encoded.
    pub fn generate_key() -> String {
        STANDARD.encode(ChaCha20Poly1305::generate_key(&mut OsRng))
    }

    /// `v1:` + base64(nonce ‖ ciphertext); a fresh nonce every time.
    pub fn seal(&self, secret: &str) -> String {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        out.extend(self.cipher.encrypt(&nonce, secret.as_bytes()).expect("encryption of a short secret"));
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<String, SecretError> {
        let raw = sealed.strip_prefix(PREFIX).and_then(|s| STANDARD.decode(s).ok()).ok_or(SecretError::Open)?;
        let (nonce, ciphertext) = raw.split_at_checked(12).ok_or(SecretError::Open)?;
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| SecretError::Open)?;
        let plain = self.cipher.decrypt(&Nonce::from(nonce), ciphertext).map_err(|_| SecretError::Open)?;
        String::from_utf8(plain).map_err(|_| SecretError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key() {
        let b = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        let sealed = b.seal("client-secret");
        assert!(!sealed.contains("client-secret"));
        assert_ne!(sealed, b.seal("client-secret"), "fresh nonce per seal");
        assert_eq!(b.open(&sealed).unwrap(), "client-secret");
        let other = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        assert_eq!(other.open(&sealed), Err(SecretError::Open));
        assert_eq!(b.open("v1:AAAA"), Err(SecretError::Open));
        assert!(SecretBox::from_base64("short").is_err());
    }
}
