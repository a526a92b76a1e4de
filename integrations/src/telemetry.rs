//! Tracing across systems: W3C Trace Context (`traceparent`) for requests that come in and
//! messages that go out, and an OTLP exporter that sends the spans to an OpenTelemetry
//! collector (OTLP/HTTP with JSON encoding) when one is configured.

use rand::RngCore;
use std::time::{Duration, SystemTime};
use tokio::sync::mpsc;

/// Where a piece of work sits in a distributed trace: the caller's trace (or a new one) and a
/// span of our own within it.
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
    /// `sampled`: whether a trace we start is recorded (when an exporter is configured); a
    /// caller's trace keeps the caller's decision.
    pub fn from_header(traceparent: Option<&str>, sampled: bool) -> Self {
        match traceparent.and_then(parse) {
            Some((trace_id, parent_id, flags)) => {
                Self { trace_id, parent_id: Some(parent_id), span_id: random_hex::<8>(), sampled: flags & 1 == 1 }
            }
            None => Self::root(sampled),
        }
    }

    /// A new trace (a delivery attempt of the outbox worker, a request without `traceparent`).
    pub fn root(sampled: bool) -> Self {
        Self { trace_id: random_hex::<16>(), parent_id: None, span_id: random_hex::<8>(), sampled }
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
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a span stands for, as OTLP numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    /// A request we answer.
    Server = 2,
    /// A request we make (a delivery to a partner).
    Client = 3,
}

/// A finished span.
#[derive(Debug, Clone)]
pub struct Span {
    pub name: String,
    pub kind: SpanKind,
    pub context: TraceContext,
    pub start: SystemTime,
    pub end: SystemTime,
    pub attributes: Vec<(&'static str, Attribute)>,
    pub failed: bool,
}

#[derive(Debug, Clone)]
pub enum Attribute {
    Text(String),
    Number(i64),
}

/// Hands finished spans to the exporting task; without a collector configured it takes none.
#[derive(Clone, Default)]
pub struct Exporter {
    spans: Option<mpsc::Sender<Span>>,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exporter").field("enabled", &self.enabled()).finish()
    }
}

/// Spans waiting for the next batch; beyond this, new ones are dropped rather than letting a
/// slow collector hold memory.
const QUEUE: usize = 4096;
const BATCH: usize = 512;
const BATCH_EVERY: Duration = Duration::from_secs(1);

impl Exporter {
    /// Starts the task that sends spans in batches to `{endpoint}/v1/traces` (at most every
    /// second, or when 512 are waiting). A collector that fails or is slow costs the spans of that
    /// batch, never a request.
    pub fn start(endpoint: &str, service: &str) -> Self {
        let (tx, mut rx) = mpsc::channel::<Span>(QUEUE);
        let url = format!("{}/v1/traces", endpoint.trim_end_matches('/'));
        let service = service.to_string();
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("static client settings");
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            loop {
                let deadline = tokio::time::sleep(BATCH_EVERY);
                tokio::pin!(deadline);
                let open = loop {
                    tokio::select! {
                        span = rx.recv() => match span {
                            Some(span) => {
                                batch.push(span);
                                if batch.len() >= BATCH { break true }
                            }
                            None => break false,
                        },
                        () = &mut deadline => break true,
                    }
                };
                if !batch.is_empty() {
                    let body = encode(&service, &batch);
                    batch.clear();
                    match http.post(&url).json(&body).send().await.map(|r| r.error_for_status()) {
                        Ok(Ok(_)) => {}
                        Ok(Err(e)) => tracing::warn!(error = %e, "the trace collector refused spans"),
                        Err(e) => tracing::warn!(error = %e, "could not send spans to the trace collector"),
                    }
                }
                if !open {
                    break;
                }
            }
        });
        Self { spans: Some(tx) }
    }

    pub fn enabled(&self) -> bool {
        self.spans.is_some()
    }

    /// Whether a span in `context` would be exported: a collector is configured and the trace
    /// is sampled. Callers build spans only then.
    pub fn wants(&self, context: &TraceContext) -> bool {
        self.spans.is_some() && context.sampled
    }

    /// Queues a span for export (dropped when the queue is full or it is not wanted).
    pub fn record(&self, span: Span) {
        if let Some(spans) = &self.spans
            && span.context.sampled
        {
            let _ = spans.try_send(span);
        }
    }
}

/// An `ExportTraceServiceRequest` in OTLP's JSON encoding: ids as hex, times as decimal strings
/// of nanoseconds, 64-bit integers as strings, enums as numbers.
pub fn encode(service: &str, spans: &[Span]) -> serde_json::Value {
    let nanos = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos().to_string();
    let attribute = |(key, value): &(&str, Attribute)| match value {
        Attribute::Text(s) => serde_json::json!({ "key": key, "value": { "stringValue": s } }),
        Attribute::Number(n) => serde_json::json!({ "key": key, "value": { "intValue": n.to_string() } }),
    };
    let spans: Vec<serde_json::Value> = spans
        .iter()
        .map(|s| {
            let mut span = serde_json::json!({
                "traceId": s.context.trace_id,
                "spanId": s.context.span_id,
                "name": s.name,
                "kind": s.kind as i32,
                "startTimeUnixNano": nanos(s.start),
                "endTimeUnixNano": nanos(s.end),
                "attributes": s.attributes.iter().map(attribute).collect::<Vec<_>>(),
                // STATUS_CODE_ERROR, or unset.
                "status": if s.failed { serde_json::json!({ "code": 2 }) } else { serde_json::json!({}) },
            });
            if let Some(parent) = &s.context.parent_id {
                span["parentSpanId"] = parent.clone().into();
            }
            span
        })
        .collect();
    serde_json::json!({ "resourceSpans": [{
        "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": service } }] },
        "scopeSpans": [{ "scope": { "name": "veerkracht", "version": env!("CARGO_PKG_VERSION") }, "spans": spans }],
    }]})
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALLER: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_valid_traceparent_is_joined_with_a_span_of_our_own() {
        let trace = TraceContext::from_header(Some(CALLER), false);
        assert_eq!(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(trace.parent_id.as_deref(), Some("00f067aa0ba902b7"));
        assert!(trace.sampled);
        assert_ne!(trace.span_id, "00f067aa0ba902b7");
        let out = trace.traceparent();
        assert!(out.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-") && out.ends_with("-01"), "{out}");
        assert_eq!(parse(&out).unwrap().1, trace.span_id);
        // A later version with more fields is read up to what version 00 defines.
        let future = TraceContext::from_header(Some(&format!("cc{}-what-comes-next", &CALLER[2..])), false);
        assert_eq!(future.trace_id, trace.trace_id);
    }

    #[test]
    fn spans_are_encoded_as_otlp_json() {
        let context = TraceContext::from_header(Some(CALLER), false);
        let start = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        let span = Span {
            name: "POST /graphql".into(),
            kind: SpanKind::Server,
            context: context.clone(),
            start,
            end: start + Duration::from_millis(5),
            attributes: vec![("http.response.status_code", Attribute::Number(200))],
            failed: false,
        };
        let body = encode("veerkracht", &[span]);
        let encoded = &body["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
        assert_eq!(encoded["traceId"], "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(encoded["parentSpanId"], "00f067aa0ba902b7");
        assert_eq!(encoded["spanId"], context.span_id);
        assert_eq!(encoded["kind"], 2);
        assert_eq!(encoded["startTimeUnixNano"], "1700000000123000000");
        assert_eq!(encoded["endTimeUnixNano"], "1700000000128000000");
        assert_eq!(encoded["attributes"][0]["value"]["intValue"], "200");
        assert_eq!(body["resourceSpans"][0]["resource"]["attributes"][0]["value"]["stringValue"], "veerkracht");
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
            let trace = TraceContext::from_header(Some(bad), true);
            assert_eq!(trace.parent_id, None, "{bad:?}");
            assert_eq!(trace.trace_id.len(), 32);
            assert_ne!(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
            assert!(trace.sampled, "a trace of our own, recorded as asked");
        }
    }
}
