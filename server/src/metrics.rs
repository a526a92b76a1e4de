//! Prometheus metrics in text exposition format, kept in plain atomics.

use std::{
    fmt::Write,
    sync::atomic::{AtomicU64, Ordering::Relaxed},
    time::Duration,
};

const LATENCY_BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];
const ERROR_CODES: [&str; 6] = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "INTERNAL"];

#[derive(Default)]
pub struct Metrics {
    sql_statements: AtomicU64,
    http_by_class: [AtomicU64; 5],
    latency_buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    graphql_errors: [AtomicU64; ERROR_CODES.len()],
}

impl Metrics {
    pub fn sql_statement(&self) {
        self.sql_statements.fetch_add(1, Relaxed);
    }

    pub fn sql_statements(&self) -> u64 {
        self.sql_statements.load(Relaxed)
    }

    pub fn http_response(&self, status: u16, elapsed: Duration) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.http_by_class[class].fetch_add(1, Relaxed);
        let secs = elapsed.as_secs_f64();
        for (bucket, le) in self.latency_buckets.iter().zip(LATENCY_BUCKETS) {
            if secs <= le {
                bucket.fetch_add(1, Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Relaxed);
        self.latency_sum_micros.fetch_add(elapsed.as_micros() as u64, Relaxed);
    }

    pub fn graphql_error(&self, code: &str) {
        if let Some(i) = ERROR_CODES.iter().position(|c| *c == code) {
            self.graphql_errors[i].fetch_add(1, Relaxed);
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP veerkracht_sql_statements_total SQL statements executed.");
        let _ = writeln!(out, "# TYPE veerkracht_sql_statements_total counter");
        let _ = writeln!(out, "veerkracht_sql_statements_total {}", self.sql_statements());
        let _ = writeln!(out, "# HELP veerkracht_http_responses_total HTTP responses by status class.");
        let _ = writeln!(out, "# TYPE veerkracht_http_responses_total counter");
        for (i, c) in self.http_by_class.iter().enumerate() {
            let _ = writeln!(out, "veerkracht_http_responses_total{{class=\"{}xx\"}} {}", i + 1, c.load(Relaxed));
        }
        let _ = writeln!(out, "# HELP veerkracht_http_request_duration_seconds HTTP request latency.");
        let _ = writeln!(out, "# TYPE veerkracht_http_request_duration_seconds histogram");
        for (b, le) in self.latency_buckets.iter().zip(LATENCY_BUCKETS) {
            let _ = writeln!(out, "veerkracht_http_request_duration_seconds_bucket{{le=\"{le}\"}} {}", b.load(Relaxed));
        }
        let count = self.latency_count.load(Relaxed);
        let _ = writeln!(out, "veerkracht_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.latency_sum_micros.load(Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "veerkracht_http_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "veerkracht_http_request_duration_seconds_count {count}");
        let _ = writeln!(out, "# HELP veerkracht_graphql_errors_total GraphQL errors by extensions.code.");
        let _ = writeln!(out, "# TYPE veerkracht_graphql_errors_total counter");
        for (c, code) in self.graphql_errors.iter().zip(ERROR_CODES) {
            let _ = writeln!(out, "veerkracht_graphql_errors_total{{code=\"{code}\"}} {}", c.load(Relaxed));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.sql_statement();
        m.sql_statement();
        m.http_response(200, Duration::from_millis(20));
        m.http_response(404, Duration::from_millis(300));
        m.graphql_error("NOT_FOUND");
        let text = m.render();
        assert!(text.contains("veerkracht_sql_statements_total 2\n"));
        assert!(text.contains("veerkracht_http_responses_total{class=\"2xx\"} 1\n"));
        assert!(text.contains("veerkracht_http_responses_total{class=\"4xx\"} 1\n"));
        assert!(text.contains("veerkracht_http_request_duration_seconds_bucket{le=\"0.025\"} 1\n"));
        assert!(text.contains("veerkracht_http_request_duration_seconds_bucket{le=\"0.5\"} 2\n"));
        assert!(text.contains("veerkracht_graphql_errors_total{code=\"NOT_FOUND\"} 1\n"));
    }
}
