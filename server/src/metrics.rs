//! Prometheus metrics in text exposition format, kept in plain atomics.

use chrono::{DateTime, Utc};
use entities::MessageStatus;
use integrations::outbox::Backlog;
use std::{
    fmt::Write,
    sync::atomic::{AtomicU64, Ordering::Relaxed},
    time::Duration,
};

const LATENCY_BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];
/// From queueing to delivery: a partner that answers at once takes under a second; one that is
/// down for a while takes its retries (minutes to hours).
const DELIVERY_BUCKETS: [f64; 9] = [0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 14400.0];
const ERROR_CODES: [&str; 6] = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "INTERNAL"];

#[derive(Default)]
pub struct Metrics {
    sql_statements: AtomicU64,
    /// Of those, the ones `/metrics` itself ran (the outbox figures): told apart so that a
    /// count of a request's statements can leave the scrapes around it out.
    scrape_statements: AtomicU64,
    http_by_class: [AtomicU64; 5],
    latency: Histogram<{ LATENCY_BUCKETS.len() }>,
    graphql_errors: [AtomicU64; ERROR_CODES.len()],
    delivery: Histogram<{ DELIVERY_BUCKETS.len() }>,
    live_connections: AtomicU64,
}

/// A cumulative histogram in atomics.
struct Histogram<const N: usize> {
    buckets: [AtomicU64; N],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl<const N: usize> Default for Histogram<N> {
    fn default() -> Self {
        Self {
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
        }
    }
}

impl<const N: usize> Histogram<N> {
    fn observe(&self, bounds: &[f64; N], value: Duration) {
        let secs = value.as_secs_f64();
        for (bucket, le) in self.buckets.iter().zip(bounds) {
            if secs <= *le {
                bucket.fetch_add(1, Relaxed);
            }
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_micros.fetch_add(value.as_micros() as u64, Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str, bounds: &[f64; N]) {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} histogram");
        for (b, le) in self.buckets.iter().zip(bounds) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{le}\"}} {}", b.load(Relaxed));
        }
        let count = self.count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum {}", self.sum_micros.load(Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "{name}_count {count}");
    }
}

impl Metrics {
    pub fn sql_statement(&self) {
        self.sql_statements.fetch_add(1, Relaxed);
    }

    pub fn sql_statements(&self) -> u64 {
        self.sql_statements.load(Relaxed)
    }

    /// A statement run to answer `/metrics`.
    pub fn scrape_statement(&self) {
        self.scrape_statements.fetch_add(1, Relaxed);
    }

    pub fn http_response(&self, status: u16, elapsed: Duration) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.http_by_class[class].fetch_add(1, Relaxed);
        self.latency.observe(&LATENCY_BUCKETS, elapsed);
    }

    /// A message reached its partner this long after it was queued.
    pub fn delivery(&self, waited: Duration) {
        self.delivery.observe(&DELIVERY_BUCKETS, waited);
    }

    pub fn graphql_error(&self, code: &str) {
        if let Some(i) = ERROR_CODES.iter().position(|c| *c == code) {
            self.graphql_errors[i].fetch_add(1, Relaxed);
        }
    }

    /// The errors of a response, by the code `finalize_errors` gave them.
    pub fn graphql_errors(&self, errors: &[async_graphql::ServerError]) {
        for e in errors {
            if let Some(async_graphql::Value::String(code)) = e.extensions.as_ref().and_then(|x| x.get("code")) {
                self.graphql_error(code);
            }
        }
    }

    /// WebSocket connections open now.
    pub fn live_connections(&self) -> u64 {
        self.live_connections.load(Relaxed)
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP veerkracht_sql_statements_total SQL statements executed.");
        let _ = writeln!(out, "# TYPE veerkracht_sql_statements_total counter");
        let _ = writeln!(out, "veerkracht_sql_statements_total {}", self.sql_statements());
        let _ = writeln!(
            out,
            "# HELP veerkracht_scrape_sql_statements_total SQL statements run to answer /metrics (counted in veerkracht_sql_statements_total too)."
        );
        let _ = writeln!(out, "# TYPE veerkracht_scrape_sql_statements_total counter");
        let _ = writeln!(out, "veerkracht_scrape_sql_statements_total {}", self.scrape_statements.load(Relaxed));
        let _ = writeln!(out, "# HELP veerkracht_http_responses_total HTTP responses by status class.");
        let _ = writeln!(out, "# TYPE veerkracht_http_responses_total counter");
        for (i, c) in self.http_by_class.iter().enumerate() {
            let _ = writeln!(out, "veerkracht_http_responses_total{{class=\"{}xx\"}} {}", i + 1, c.load(Relaxed));
        }
        self.latency.render(
            &mut out,
            "veerkracht_http_request_duration_seconds",
            "HTTP request latency.",
            &LATENCY_BUCKETS,
        );
        let _ = writeln!(out, "# HELP veerkracht_graphql_errors_total GraphQL errors by extensions.code.");
        let _ = writeln!(out, "# TYPE veerkracht_graphql_errors_total counter");
        for (c, code) in self.graphql_errors.iter().zip(ERROR_CODES) {
            let _ = writeln!(out, "veerkracht_graphql_errors_total{{code=\"{code}\"}} {}", c.load(Relaxed));
        }
        self.delivery.render(
            &mut out,
            "veerkracht_outbox_delivery_seconds",
            "Time from queueing a partner message to its delivery, for messages this process delivered.",
            &DELIVERY_BUCKETS,
        );
        let _ = writeln!(out, "# HELP veerkracht_live_connections Open GraphQL WebSocket connections (subscriptions).");
        let _ = writeln!(out, "# TYPE veerkracht_live_connections gauge");
        let _ = writeln!(out, "veerkracht_live_connections {}", self.live_connections.load(Relaxed));
        out
    }

    /// Counts an open WebSocket connection for as long as the returned guard lives.
    pub fn live_connection(self: &std::sync::Arc<Self>) -> impl Drop + Send + use<> {
        struct Open(std::sync::Arc<Metrics>);
        impl Drop for Open {
            fn drop(&mut self) {
                self.0.live_connections.fetch_sub(1, Relaxed);
            }
        }
        self.live_connections.fetch_add(1, Relaxed);
        Open(self.clone())
    }
}

/// The outbox as the database holds it (the same figures from every replica).
pub fn render_outbox(out: &mut String, backlog: &[Backlog], now: DateTime<Utc>) {
    let help = "Partner messages not delivered yet, by status (DEAD: given up).";
    let _ = writeln!(out, "# HELP veerkracht_outbox_messages {help}");
    let _ = writeln!(out, "# TYPE veerkracht_outbox_messages gauge");
    for status in integrations::outbox::BACKLOG {
        let count = backlog.iter().find(|b| b.status == status).map_or(0, |b| b.count);
        let _ = writeln!(out, "veerkracht_outbox_messages{{status=\"{}\"}} {count}", status.as_str());
    }
    // Waiting: queued, being sent, or failed and due again (not DEAD).
    let oldest = backlog.iter().filter(|b| b.status != MessageStatus::Dead).filter_map(|b| b.oldest).min();
    let age = oldest.map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1e3);
    let _ = writeln!(
        out,
        "# HELP veerkracht_outbox_oldest_waiting_seconds Age of the oldest message not delivered yet (0 when none waits)."
    );
    let _ = writeln!(out, "# TYPE veerkracht_outbox_oldest_waiting_seconds gauge");
    let _ = writeln!(out, "veerkracht_outbox_oldest_waiting_seconds {age}");
}

/// The process's CPU, memory and file descriptors, named as Prometheus client libraries name
/// them, read from `/proc/self` (Linux; elsewhere nothing).
pub fn render_process(out: &mut String) {
    #[cfg(target_os = "linux")]
    if let Some(p) = linux::read() {
        let mut metric = |name: &str, kind: &str, help: &str, value: f64| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            let _ = writeln!(out, "{name} {value}");
        };
        metric(
            "process_cpu_seconds_total",
            "counter",
            "Total user and system CPU time spent in seconds.",
            p.cpu_seconds,
        );
        metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", p.resident_bytes);
        metric("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", p.virtual_bytes);
        metric(
            "process_start_time_seconds",
            "gauge",
            "Start time of the process since unix epoch in seconds.",
            p.start_time,
        );
        metric("process_open_fds", "gauge", "Number of open file descriptors.", p.open_fds);
        if let Some(max) = p.max_fds {
            metric("process_max_fds", "gauge", "Maximum number of open file descriptors.", max);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = out;
}

#[cfg(target_os = "linux")]
mod linux {
    pub struct Process {
        pub cpu_seconds: f64,
        pub resident_bytes: f64,
        pub virtual_bytes: f64,
        pub start_time: f64,
        pub open_fds: f64,
        pub max_fds: Option<f64>,
    }

    pub fn read() -> Option<Process> {
        // SAFETY: sysconf only reads a system constant.
        let (ticks, page) = unsafe { (libc::sysconf(libc::_SC_CLK_TCK), libc::sysconf(libc::_SC_PAGESIZE)) };
        let (ticks, page) = (ticks.max(1) as f64, page.max(1) as f64);
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Fields after the command name, which is in parentheses and may hold spaces.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<f64>().ok());
        let boot_time = std::fs::read_to_string("/proc/stat")
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix("btime ").and_then(|t| t.trim().parse::<f64>().ok()))?;
        let max_fds = std::fs::read_to_string("/proc/self/limits").ok().and_then(|limits| {
            limits
                .lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3)?.parse().ok())
        });
        Some(Process {
            cpu_seconds: (field(14)? + field(15)?) / ticks,
            virtual_bytes: field(23)?,
            resident_bytes: field(24)? * page,
            start_time: boot_time + field(22)? / ticks,
            open_fds: std::fs::read_dir("/proc/self/fd").ok()?.count() as f64,
            max_fds,
        })
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

    #[test]
    fn outbox_backlog_and_delivery_latency() {
        let m = Metrics::default();
        m.delivery(Duration::from_millis(300));
        m.delivery(Duration::from_secs(120));
        let mut text = m.render();
        assert!(text.contains("veerkracht_outbox_delivery_seconds_bucket{le=\"0.5\"} 1\n"), "{text}");
        assert!(text.contains("veerkracht_outbox_delivery_seconds_bucket{le=\"300\"} 2\n"), "{text}");
        assert!(text.contains("veerkracht_outbox_delivery_seconds_count 2\n"));
        let now = Utc::now();
        let backlog = [
            Backlog { status: MessageStatus::Queued, count: 3, oldest: Some(now - chrono::Duration::seconds(90)) },
            Backlog { status: MessageStatus::Dead, count: 1, oldest: Some(now - chrono::Duration::days(3)) },
        ];
        render_outbox(&mut text, &backlog, now);
        assert!(text.contains("veerkracht_outbox_messages{status=\"QUEUED\"} 3\n"));
        assert!(text.contains("veerkracht_outbox_messages{status=\"DEAD\"} 1\n"));
        assert!(text.contains("veerkracht_outbox_messages{status=\"FAILED\"} 0\n"));
        assert!(text.contains("veerkracht_outbox_oldest_waiting_seconds 90\n"), "a dead message does not wait: {text}");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn process_figures_are_read_from_proc() {
        let mut text = String::new();
        render_process(&mut text);
        let value = |name: &str| {
            text.lines().find_map(|l| l.strip_prefix(&format!("{name} "))).and_then(|v| v.parse::<f64>().ok())
        };
        assert!(value("process_resident_memory_bytes").unwrap() > 1e6, "{text}");
        assert!(value("process_open_fds").unwrap() >= 3.0);
        let started = value("process_start_time_seconds").unwrap();
        let now = Utc::now().timestamp() as f64;
        assert!(started <= now + 1.0 && started > now - 86_400.0, "{started} vs {now}");
        assert!(value("process_cpu_seconds_total").unwrap() >= 0.0);
    }
}
