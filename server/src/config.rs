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
    /// Connection pool size. SQLite always uses one connection: it has one writer anyway,
    /// and one connection rules out lock-upgrade deadlocks between transactions.
    pub database_max_connections: u32,
    pub listen: SocketAddr,
    pub auth: AuthConfig,
    pub graphql: GraphqlConfig,
    pub limits: LimitsConfig,
    /// Origins allowed by CORS; empty means no cross-origin access.
    pub cors_allowed_origins: Vec<String>,
    /// `text` or `json`; defaults to text in development and JSON in production.
    pub log_format: Option<LogFormat>,
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
    /// Keys are refetched at least this often, and on an unknown `kid` at most once a minute.
    pub jwks_refresh_seconds: u64,
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
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Development,
            database_url: "sqlite://veerkracht.sqlite?mode=rwc".into(),
            database_max_connections: 10,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            auth: AuthConfig::default(),
            graphql: GraphqlConfig::default(),
            limits: LimitsConfig::default(),
            cors_allowed_origins: Vec::new(),
            log_format: None,
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
        }
    }
}

impl Config {
    /// Loads defaults, then `veerkracht.toml` (or the file named by `VEERKRACHT_CONFIG`),
    /// then the environment.
    pub fn load() -> Result<Self, Box<figment::Error>> {
        let file = std::env::var("VEERKRACHT_CONFIG").unwrap_or_else(|_| "veerkracht.toml".into());
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .merge(Env::prefixed("VEERKRACHT_").ignore(&["CONFIG"]).split("__"))
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
    pub fn log_format(&self) -> LogFormat {
        self.log_format.unwrap_or(if self.development() { LogFormat::Text } else { LogFormat::Json })
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
        assert!(!c.suggestions_enabled());
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
}
