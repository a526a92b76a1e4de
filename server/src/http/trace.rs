//! W3C Trace Context (`traceparent`) and the request id: a request joins its caller's trace, and
//! a client's own request id is kept, so that one request can be followed across systems.

use axum::http::HeaderMap;
use rand::RngCore;

/// Where this request sits in a distributed trace: the caller's trace (or a new one) and a span
/// of our own within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    pub trace_id: String,
    /// The caller's span, when it sent a valid `traceparent`.
    pub parent_id: Option<String>,
    pub span_id: String,
    pub sampled: bool,
}

impl TraceContext {
    /// Joins the trace of the request's `traceparent` when it is valid; starts a new one when
    /// it is missing or malformed (the spec's rule: a bad header is ignored, not repaired).
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let span_id = random_hex::<8>();
        match headers.get("traceparent").and_then(|v| v.to_str().ok()).and_then(parse) {
            Some((trace_id, parent_id, flags)) => {
                Self { trace_id, parent_id: Some(parent_id), span_id, sampled: flags & 1 == 1 }
            }
            None => Self { trace_id: random_hex::<16>(), parent_id: None, span_id, sampled: false },
        }
    }

    /// The `traceparent` naming our span: in the response, and for whatever we call on.
    pub fn traceparent(&self) -> String {
        format!("00-{}-{}-{}", self.trace_id, self.span_id, if self.sampled { "01" } else { "00" })
    }
}

/// `version-traceid-parentid-flags`, lowercase hex. Version 00 is exactly that; a later version
/// may carry more after it, which is passed over; version ff is invalid, as are all-zero ids.
fn parse(header: &str) -> Option<(String, String, u8)> {
    let header = header.trim();
    let hex =
        |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let (version, rest) = header.split_once('-')?;
    if !hex(version, 2) || version == "ff" || (version == "00" && rest.len() != 52) {
        return None;
    }
    if version != "00" && rest.len() > 52 && !rest[52..].starts_with('-') {
        return None;
    }
    let mut parts = rest.get(..52)?.split('-');
    let (trace_id, parent_id, flags) = (parts.next()?, parts.next()?, parts.next()?);
    let valid = hex(trace_id, 32)
        && hex(parent_id, 16)
        && hex(flags, 2)
        && trace_id.bytes().any(|b| b != b'0')
        && parent_id.bytes().any(|b| b != b'0');
    valid.then(|| (trace_id.to_string(), parent_id.to_string(), u8::from_str_radix(flags, 16).unwrap_or(0)))
}

fn random_hex<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

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

    const CALLER: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_valid_traceparent_is_joined_with_a_span_of_our_own() {
        let trace = TraceContext::from_headers(&headers("traceparent", CALLER));
        assert_eq!(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(trace.parent_id.as_deref(), Some("00f067aa0ba902b7"));
        assert!(trace.sampled);
        assert_ne!(trace.span_id, "00f067aa0ba902b7");
        let out = trace.traceparent();
        assert!(out.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-") && out.ends_with("-01"), "{out}");
        assert_eq!(parse(&out).unwrap().1, trace.span_id);
        // A later version with more fields is read up to what version 00 defines.
        let future =
            TraceContext::from_headers(&headers("traceparent", &format!("cc{}-what-comes-next", &CALLER[2..])));
        assert_eq!(future.trace_id, trace.trace_id);
    }

    #[test]
    fn a_malformed_traceparent_starts_a_new_trace() {
        for bad in [
            "",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
        ] {
            let trace = TraceContext::from_headers(&headers("traceparent", bad));
            assert_eq!(trace.parent_id, None, "{bad:?}");
            assert_eq!(trace.trace_id.len(), 32);
            assert_ne!(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        }
    }

    #[test]
    fn only_a_well_formed_request_id_is_kept() {
        assert_eq!(client_request_id(&headers("x-request-id", "web-7f3a:42")).as_deref(), Some("web-7f3a:42"));
        assert_eq!(client_request_id(&headers("x-request-id", "two words")), None);
        assert_eq!(client_request_id(&headers("x-request-id", &"a".repeat(129))), None);
        assert_eq!(client_request_id(&HeaderMap::new()), None);
    }
}
