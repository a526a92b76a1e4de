//! Message signatures in the Standard Webhooks form: `webhook-id`, `webhook-timestamp` and
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. The id doubles as the
//! idempotency key; receivers reject timestamps more than five minutes off.

use http::{HeaderMap, HeaderValue};
use standardwebhooks::{HEADER_WEBHOOK_ID, HEADER_WEBHOOK_SIGNATURE, HEADER_WEBHOOK_TIMESTAMP, Webhook, WebhookError};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("missing or malformed signature headers")]
    Headers,
    #[error("signature timestamp outside the accepted window")]
    Timestamp,
    #[error("signature does not match")]
    Mismatch,
    #[error("the body is not UTF-8 text")]
    Body,
    #[error("webhook-id must be 1 to 128 visible ASCII characters")]
    Id,
}

/// Longest `webhook-id` accepted. Standard Webhooks ids are short (`msg_` and a KSUID, or a
/// UUID); the id is stored for deduplication, so an unbounded one would let a partner fill the
/// inbox table with a single header.
pub const MAX_ID_LEN: usize = 128;

/// The headers that carry a signature for `body`.
pub fn sign(secret: &[u8], id: &str, timestamp: i64, body: &[u8]) -> Result<HeaderMap, SignatureError> {
    let signature = Webhook::from_bytes(secret.to_vec())
        .and_then(|w| w.sign(id, timestamp, body))
        .map_err(|_| SignatureError::Body)?;
    let mut headers = HeaderMap::new();
    let value = |s: &str| HeaderValue::from_str(s).map_err(|_| SignatureError::Headers);
    headers.insert(HEADER_WEBHOOK_ID, value(id)?);
    headers.insert(HEADER_WEBHOOK_TIMESTAMP, value(&timestamp.to_string())?);
    headers.insert(HEADER_WEBHOOK_SIGNATURE, value(&signature)?);
    Ok(headers)
}

/// Verifies `body` against the signature headers, within five minutes of now.
/// Returns the message id, which the receiver uses to drop duplicates.
pub fn verify(secret: &[u8], headers: &HeaderMap, body: &[u8]) -> Result<String, SignatureError> {
    let id = headers.get(HEADER_WEBHOOK_ID).ok_or(SignatureError::Headers)?.as_bytes();
    if id.is_empty() || id.len() > MAX_ID_LEN || !id.iter().all(u8::is_ascii_graphic) {
        return Err(SignatureError::Id);
    }
    let hook = Webhook::from_bytes(secret.to_vec()).map_err(|_| SignatureError::Headers)?;
    hook.verify(body, headers).map_err(|e| match e {
        WebhookError::TimestampTooOldError | WebhookError::FutureTimestampError => SignatureError::Timestamp,
        WebhookError::InvalidSignature => SignatureError::Mismatch,
        WebhookError::InvalidPayload => SignatureError::Body,
        _ => SignatureError::Headers,
    })?;
    headers.get(HEADER_WEBHOOK_ID).and_then(|v| v.to_str().ok()).map(str::to_string).ok_or(SignatureError::Headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a shared secret of the partner";

    fn now() -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
    }

    #[test]
    fn a_signed_message_verifies_and_yields_its_id() {
        let headers = sign(SECRET, "msg_1", now(), b"{\"a\":1}").unwrap();
        assert_eq!(verify(SECRET, &headers, b"{\"a\":1}"), Ok("msg_1".to_string()));
    }

    #[test]
    fn tampering_wrong_keys_and_old_timestamps_are_rejected() {
        let headers = sign(SECRET, "msg_1", now(), b"{\"a\":1}").unwrap();
        assert_eq!(verify(SECRET, &headers, b"{\"a\":2}"), Err(SignatureError::Mismatch));
        assert_eq!(verify(b"another secret", &headers, b"{\"a\":1}"), Err(SignatureError::Mismatch));
        let old = sign(SECRET, "msg_1", now() - 301, b"{}").unwrap();
        assert_eq!(verify(SECRET, &old, b"{}"), Err(SignatureError::Timestamp));
        let future = sign(SECRET, "msg_1", now() + 301, b"{}").unwrap();
        assert_eq!(verify(SECRET, &future, b"{}"), Err(SignatureError::Timestamp));
        assert_eq!(verify(SECRET, &HeaderMap::new(), b"{}"), Err(SignatureError::Headers));
    }

    #[test]
    fn the_signature_matches_the_standard_webhooks_formula() {
        // v1,base64(HMAC-SHA256(secret, "id.timestamp.body")), computed independently.
        let headers = sign(b"key", "id1", 1_700_000_000, b"body").unwrap();
        let mac = hmac_sha256(b"key", b"id1.1700000000.body");
        use base64::Engine;
        let expected = format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac));
        assert_eq!(headers[HEADER_WEBHOOK_SIGNATURE], expected.as_str());
    }

    /// HMAC-SHA256 from its definition (RFC 2104), independent of the crate under test.
    fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut k = [0u8; 64];
        k[..key.len()].copy_from_slice(key);
        let inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).chain(msg.iter().copied()).collect();
        let inner_hash = Sha256::digest(&inner);
        let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(inner_hash.iter().copied()).collect();
        Sha256::digest(&outer).into()
    }
}
