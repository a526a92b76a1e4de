//! The request id: a client's own is kept, so that one request can be followed across systems
//! (its trace context is `integrations::telemetry`).

use axum::http::HeaderMap;

/// The client's `x-request-id` when it is well-formed (1–128 of letters, digits and `._:-`):
/// it is logged and written to the access log, so anything else is replaced by our own.
pub fn client_request_id(headers: &HeaderMap) -> Option<String> {
    let id = headers.get("x-request-id")?.to_str().ok()?;
    let well_formed = (1..=128).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
    well_formed.then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: &'static str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, value.parse().unwrap());
        headers
    }

    #[test]
    fn only_a_well_formed_request_id_is_kept() {
        assert_eq!(client_request_id(&headers("x-request-id", "web-7f3a:42")).as_deref(), Some("web-7f3a:42"));
        assert_eq!(client_request_id(&headers("x-request-id", "two words")), None);
        assert_eq!(client_request_id(&headers("x-request-id", &"a".repeat(129))), None);
        assert_eq!(client_request_id(&HeaderMap::new()), None);
    }
}
