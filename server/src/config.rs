//! Configuration: one typed struct, loaded once from an optional TOML file and from
//! environment variables (`VEERKRACHT_…`, nested keys joined by `__`, plus `DATABASE_URL`).

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};
use std::{net::SocketAddr, path::PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// GraphiQL, introspection and the local development token issuer are on.
    Development,
    /// Everything for developers is off unless switched on explicitly; logs are JSON.
    Production,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub mode: Mode,
    /// `sqlite://file?mode=rwc` or `postgres://…`.
    pub database_url: String,
    /// Connection pool size. On SQLite the size of the pool of read-only connections: writes
    /// always go through one connection (SQLite has one writer anyway, and one connection rules
    /// out lock-upgrade deadlocks between transactions).
    pub database_max_connections: u32,
    /// How long a request waits for a database connection before it is answered 503
    /// SERVICE_UNAVAILABLE: while the database is down, requests fail fast instead of piling up.
    pub database_acquire_timeout_ms: u64,
    pub listen: SocketAddr,
    /// On SIGTERM: how long requests in flight and the delivery worker's sends may take to
    /// finish before the process exits (claims of messages not sent by then are released).
    pub shutdown_grace_seconds: u64,
    pub auth: AuthConfig,
    pub graphql: GraphqlConfig,
    pub limits: LimitsConfig,
    /// Origins allowed by CORS; empty means no cross-origin access.
    pub cors_allowed_origins: Vec<String>,
    /// `text` or `json`; defaults to text in development and JSON in production.
    pub log_format: Option<LogFormat>,
    pub partners: PartnersConfig,
    pub delivery: DeliveryConfig,
    pub audit: AuditConfig,
    pub telemetry: TelemetryConfig,
}

/// Traces: where spans go.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetryConfig {
    /// An OpenTelemetry collector's OTLP/HTTP address (e.g. `http://otel-collector:4318`): the
    /// spans of requests and partner deliveries are sent to `{this}/v1/traces`. Unset: none.
    pub otlp_endpoint: Option<String>,
    /// `service.name` of the spans.
    pub service_name: String,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self { otlp_endpoint: None, service_name: "veerkracht".into() }
    }
}

/// The access log's sequencer and its signed checkpoints.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// PEM (PKCS#8) of the P-256 key that signs checkpoints, kept outside the database.
    /// Required in production; in development kept in `checkpoint_key_path`.
    pub checkpoint_key: Option<String>,
    /// Development only: file holding the checkpoint key, created when missing.
    pub checkpoint_key_path: PathBuf,
    /// Where a copy of every checkpoint is appended, a file per organisation: storage that
    /// whoever administers the database cannot rewrite.
    pub checkpoint_dir: PathBuf,
    /// How often `serve` seals new access-log events into the chain; 0 leaves it to
    /// `veerkracht verify-access-log` and the access-log queries, which seal first.
    pub seal_interval_ms: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            checkpoint_key: None,
            checkpoint_key_path: PathBuf::from("veerkracht-checkpoint-key.pem"),
            checkpoint_dir: PathBuf::from("veerkracht-checkpoints"),
            seal_interval_ms: 1000,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PartnersConfig {
    /// Base64 of 32 random bytes: seals partner client secrets and signing secrets in the
    /// database. Required in production; in development kept in `secrets_key_path`.
    pub secrets_key: Option<String>,
    /// Development only: file holding the secrets key, created when missing.
    pub secrets_key_path: PathBuf,
    /// The address partners reach us at (e.g. `https://api.example.nl`), for the inbox URL
    /// shown on each partner. Defaults to the listen address.
    pub public_base_url: Option<String>,
    /// Hosts (names or addresses) partners may be reached at even though they are internal:
    /// loopback, private, link-local and unique-local addresses are refused otherwise
    /// (development allows loopback, for the simulators).
    pub allowed_hosts: Vec<String>,
}

/// The delivery worker that drains the outbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeliveryConfig {
    /// Run the worker inside `serve` (off for a replica that only answers requests, or when
    /// `veerkracht deliver` runs apart).
    pub worker: bool,
    pub poll_interval_ms: u64,
    pub batch_size: u64,
    pub concurrency: usize,
    /// How long a worker holds a message it is sending before another may take it over.
    pub lease_seconds: u64,
    pub retry_base_ms: u64,
    pub retry_cap_ms: u64,
    pub max_attempts: u32,
    pub http_timeout_seconds: u64,
}

impl Default for PartnersConfig {
    fn default() -> Self {
        Self {
            secrets_key: None,
            secrets_key_path: PathBuf::from("veerkracht-secrets.key"),
            public_base_url: None,
            allowed_hosts: Vec::new(),
        }
    }
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            worker: true,
            poll_interval_ms: 500,
            batch_size: 200,
            concurrency: 32,
            lease_seconds: 60,
            retry_base_ms: 2_000,
            retry_cap_ms: 15 * 60 * 1000,
            max_attempts: 12,
            http_timeout_seconds: 20,
        }
    }
}

impl DeliveryConfig {
    fn worker_settings(
        &self,
        egress: integrations::egress::EgressPolicy,
        shutdown_grace: u64,
    ) -> integrations::outbox::WorkerSettings {
        use std::time::Duration;
        integrations::outbox::WorkerSettings {
            retry: integrations::backoff::RetryPolicy {
                base: Duration::from_millis(self.retry_base_ms),
                cap: Duration::from_millis(self.retry_cap_ms),
                max_attempts: self.max_attempts,
            },
            lease: Duration::from_secs(self.lease_seconds),
            batch: self.batch_size,
            concurrency: self.concurrency,
            poll_interval: Duration::from_millis(self.poll_interval_ms),
            http_timeout: Duration::from_secs(self.http_timeout_seconds),
            egress: std::sync::Arc::new(egress),
            shutdown_grace: Duration::from_secs(shutdown_grace),
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// Expected `iss` claim.
    pub issuer: String,
    /// Expected `aud` claim.
    pub audience: String,
    /// Where the issuer publishes its keys. When unset: the development issuer's own JWKS if
    /// it is enabled, otherwise discovered from `{issuer}/.well-known/openid-configuration`.
    pub jwks_url: Option<String>,
    /// Serve the local development issuer (`/dev-issuer/jwks.json`, `veerkracht dev-token`).
    /// Defaults to on in development, off in production.
    pub dev_issuer: Option<bool>,
    /// PKCS#8 PEM file with the development issuer's P-256 key; created when missing.
    pub dev_key_path: PathBuf,
    /// Keys are refetched at least this often, and on an unknown `kid` at once (at most every
    /// 5 s).
    pub jwks_refresh_seconds: u64,
    /// Where the token carries the organisation, roles, worker id, partner, municipality and
    /// name (e.g. `roles = "realm_access.roles"` for Keycloak's realm roles).
    pub claims: crate::auth::ClaimNames,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GraphqlConfig {
    /// Defaults to on in development, off in production.
    pub introspection: Option<bool>,
    /// "Did you mean …" hints in validation errors; defaults like introspection.
    pub suggestions: Option<bool>,
    /// GraphiQL at `/`; defaults to on in development only.
    pub graphiql: Option<bool>,
    /// Persisted-documents manifests of the frontends (graphql-codegen's, Relay's or Apollo's):
    /// their operations are answered by `documentId`.
    pub trusted_documents: Vec<PathBuf>,
    /// Run only the documents of those manifests; defaults to on in production when any are
    /// given, off in development.
    pub only_trusted_documents: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_aliases: usize,
    pub max_body_bytes: usize,
    /// Largest `first`/`last` a connection accepts.
    pub max_page_size: u64,
    pub request_timeout_seconds: u64,
    /// How often a subscription connection's access is read again (worker deactivated, roles
    /// changed): the longest a connection outlives a change of its worker's access.
    pub live_recheck_seconds: u64,
    /// How often a WebSocket ping goes to each subscription connection. It keeps quiet
    /// connections open through proxies, and a peer that answered none since the last one
    /// is gone (its network dropped without a close): its connection ends.
    pub live_ping_seconds: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Development,
            database_url: "sqlite://veerkracht.sqlite?mode=rwc".into(),
            database_max_connections: 10,
            database_acquire_timeout_ms: 2000,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            shutdown_grace_seconds: 10,
            auth: AuthConfig::default(),
            graphql: GraphqlConfig::default(),
            limits: LimitsConfig::default(),
            cors_allowed_origins: Vec::new(),
            log_format: None,
            partners: PartnersConfig::default(),
            delivery: DeliveryConfig::default(),
            audit: AuditConfig::default(),
            telemetry: TelemetryConfig::default(),
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            issuer: crate::auth::dev_issuer::DEFAULT_ISSUER.into(),
            audience: "veerkracht".into(),
            jwks_url: None,
            dev_issuer: None,
            dev_key_path: PathBuf::from("veerkracht-dev-key.pem"),
            jwks_refresh_seconds: 3600,
            claims: crate::auth::ClaimNames::default(),
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            max_depth: 12,
            max_complexity: 20_000,
            max_aliases: 30,
            max_body_bytes: 256 * 1024,
            max_page_size: 100,
            request_timeout_seconds: 30,
            live_recheck_seconds: 30,
            live_ping_seconds: 25,
        }
    }
}

/// Kubernetes gives every pod the links of each Service in its namespace: a Service named
/// `veerkracht` brings `VEERKRACHT_SERVICE_HOST`, `VEERKRACHT_SERVICE_PORT[_<NAME>]`,
/// `VEERKRACHT_PORT` and `VEERKRACHT_PORT_<N>_TCP[_PROTO|_PORT|_ADDR]`. They are not settings
/// (no setting is named so), so they are passed over while a typo is still refused.
fn kubernetes_service_link(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    let port_link = key.strip_prefix("port_").is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    key == "port" || port_link || key == "service_host" || key == "service_port" || key.starts_with("service_port_")
}

impl Config {
    /// Loads defaults, then `veerkracht.toml` (or the file named by `VEERKRACHT_CONFIG`),
    /// then the environment.
    pub fn load() -> Result<Self, Box<figment::Error>> {
        let file = std::env::var("VEERKRACHT_CONFIG").unwrap_or_else(|_| "veerkracht.toml".into());
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .merge(
                Env::prefixed("VEERKRACHT_")
                    .ignore(&["CONFIG"])
                    .filter(|key| !kubernetes_service_link(key.as_str()))
                    .split("__"),
            )
            .extract()
            .map_err(Box::new)
    }

    fn development(&self) -> bool {
        self.mode == Mode::Development
    }
    pub fn dev_issuer_enabled(&self) -> bool {
        self.auth.dev_issuer.unwrap_or(self.development())
    }
    pub fn introspection_enabled(&self) -> bool {
        self.graphql.introspection.unwrap_or(self.development())
    }
    pub fn suggestions_enabled(&self) -> bool {
        self.graphql.suggestions.unwrap_or(self.introspection_enabled())
    }
    pub fn graphiql_enabled(&self) -> bool {
        self.graphql.graphiql.unwrap_or(self.development())
    }
    pub fn only_trusted_documents(&self) -> bool {
        self.graphql.only_trusted_documents.unwrap_or(!self.development() && !self.graphql.trusted_documents.is_empty())
    }
    pub fn log_format(&self) -> LogFormat {
        self.log_format.unwrap_or(if self.development() { LogFormat::Text } else { LogFormat::Json })
    }
    /// How the delivery worker runs.
    pub fn worker_settings(&self) -> integrations::outbox::WorkerSettings {
        self.delivery.worker_settings(self.egress(), self.shutdown_grace_seconds)
    }

    /// Where partner traffic may go: https only in production, loopback only in development.
    pub fn egress(&self) -> integrations::egress::EgressPolicy {
        integrations::egress::EgressPolicy {
            allowed_hosts: self.partners.allowed_hosts.clone(),
            allow_loopback: self.mode == Mode::Development,
            require_https: self.mode == Mode::Production,
        }
    }

    /// The key that seals partner secrets: configured, or in development a local key file.
    pub fn secrets(&self) -> anyhow::Result<integrations::secrets::SecretBox> {
        use integrations::secrets::SecretBox;
        if let Some(key) = &self.partners.secrets_key {
            return Ok(SecretBox::from_base64(key)?);
        }
        anyhow::ensure!(
            self.development(),
            "partners.secrets_key (VEERKRACHT_PARTNERS__SECRETS_KEY) is required in production"
        );
        let path = &self.partners.secrets_key_path;
        let key = match std::fs::read_to_string(path) {
            Ok(k) => k,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let k = SecretBox::generate_key();
                let mut file = std::fs::OpenOptions::new();
                file.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
                std::io::Write::write_all(&mut file.open(path)?, k.as_bytes())?;
                k
            }
            Err(e) => return Err(e.into()),
        };
        Ok(SecretBox::from_base64(&key)?)
    }

    /// The access log's checkpoint signer: the configured key, or in development a local key file.
    pub fn sealer(&self) -> anyhow::Result<crate::audit::Sealer> {
        let pem = match &self.audit.checkpoint_key {
            Some(pem) => pem.clone(),
            None => {
                anyhow::ensure!(
                    self.development(),
                    "audit.checkpoint_key (VEERKRACHT_AUDIT__CHECKPOINT_KEY) is required in production"
                );
                crate::keys::load_or_create(&self.audit.checkpoint_key_path)?
            }
        };
        crate::audit::Sealer::new(&pem, self.audit.checkpoint_dir.clone())
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_configuration() {
        let c = Config::default();
        assert!(c.is_sqlite());
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(c.dev_issuer_enabled() && c.graphiql_enabled() && c.introspection_enabled());
    }

    #[test]
    fn production_switches_developer_aids_off() {
        let c = Config { mode: Mode::Production, ..Config::default() };
        assert!(!c.dev_issuer_enabled() && !c.graphiql_enabled() && !c.introspection_enabled());
        assert!(!c.suggestions_enabled() && !c.only_trusted_documents(), "nothing to trust");
        let mut with_manifest = c.clone();
        with_manifest.graphql.trusted_documents = vec![PathBuf::from("persisted-documents.json")];
        assert!(with_manifest.only_trusted_documents());
        with_manifest.mode = Mode::Development;
        assert!(!with_manifest.only_trusted_documents(), "off in development");
        assert_eq!(c.log_format(), LogFormat::Json);
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API
    fn environment_overrides_and_unknown_keys_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("DATABASE_URL", "postgres://localhost/vk");
            jail.set_env("VEERKRACHT_LIMITS__MAX_DEPTH", "7");
            let c = Config::load().map_err(|e| *e)?;
            assert_eq!(c.database_url, "postgres://localhost/vk");
            assert_eq!(c.limits.max_depth, 7);
            jail.set_env("VEERKRACHT_NO_SUCH_SETTING", "1");
            assert!(Config::load().is_err());
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API
    fn kubernetes_service_links_are_passed_over_and_typos_still_refused() {
        figment::Jail::expect_with(|jail| {
            // What a pod sees for a Service `veerkracht` with a port named http on 8080.
            for (key, value) in [
                ("VEERKRACHT_SERVICE_HOST", "10.96.0.17"),
                ("VEERKRACHT_SERVICE_PORT", "8080"),
                ("VEERKRACHT_SERVICE_PORT_HTTP", "8080"),
                ("VEERKRACHT_PORT", "tcp://10.96.0.17:8080"),
                ("VEERKRACHT_PORT_8080_TCP", "tcp://10.96.0.17:8080"),
                ("VEERKRACHT_PORT_8080_TCP_PROTO", "tcp"),
                ("VEERKRACHT_PORT_8080_TCP_PORT", "8080"),
                ("VEERKRACHT_PORT_8080_TCP_ADDR", "10.96.0.17"),
            ] {
                jail.set_env(key, value);
            }
            jail.set_env("VEERKRACHT_LIMITS__MAX_DEPTH", "9");
            assert_eq!(Config::load().map_err(|e| *e)?.limits.max_depth, 9);
            jail.set_env("VEERKRACHT_PORTS", "8080");
            assert!(Config::load().is_err(), "a typo is still refused");
            Ok(())
        });
    }
}
