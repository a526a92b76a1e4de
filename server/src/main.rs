//! The `veerkracht` command: serve, migrate, seed-demo, seed-bench, seed-access-log, dev-token,
//! verify-access-log, print-schema.

use anyhow::Context;
use clap::{Parser, Subcommand};
use entities::{Role, organisation, worker, worker_role};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Query};
use server::{
    auth::{Claims, MUNICIPALITY_ROLE, dev_issuer::DevIssuer},
    config::{Config, LogFormat},
    db,
    metrics::Metrics,
};
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "veerkracht",
    version,
    about = "Veerkracht backend: every child in the shelter a client in their own right"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Report {
    /// The norm figures (Normenkader) of an organisation over a period, read as its quality
    /// officer would (logged in its access log); to stdout unless --output is given.
    Norms {
        /// Organisation slug, e.g. `de-haven`.
        #[arg(long)]
        organisation: String,
        /// "2026-Q3", "2026-11", "2026" or "2026-07-01..2026-09-30".
        #[arg(long)]
        period: String,
        /// html (printable, in Dutch), csv or json.
        #[arg(long, default_value = "html")]
        format: String,
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations and serve (the default).
    Serve {
        /// Load the demo data set first (when not yet present).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations, or show their status.
    Migrate {
        #[arg(long)]
        status: bool,
    },
    /// Load a realistic demo data set: two organisations, locations, workers, families.
    SeedDemo,
    /// Load generated families into a fresh organisation (`bench`), for the load tests in `bench/`.
    SeedBench {
        #[arg(long, default_value_t = 20_000)]
        families: usize,
        /// The organisation's slug; another one beside `bench` for measuring two at once.
        #[arg(long, default_value = "bench")]
        organisation: String,
    },
    /// Print a bearer token signed by the local development issuer.
    DevToken {
        /// Organisation slug, e.g. `de-haven` (not for a municipality user).
        #[arg(long, required_unless_present = "municipality")]
        organisation: Option<String>,
        /// CHILD_FAMILY_WORKER, BEHAVIOURAL_EXPERT, TEAM_LEAD, ORG_ADMIN, QUALITY_OFFICER, or
        /// MUNICIPALITY (with --municipality).
        #[arg(long)]
        role: String,
        /// Municipality slug, e.g. `utrecht`, for a municipality user (role MUNICIPALITY).
        #[arg(long)]
        municipality: Option<String>,
        /// Worker id (UUID or GraphQL id); by default a worker of the organisation with that role.
        #[arg(long)]
        worker: Option<String>,
        /// Chain partner slug, for a partner user.
        #[arg(long)]
        partner: Option<String>,
        /// Validity in minutes.
        #[arg(long, default_value_t = 480)]
        minutes: i64,
    },
    /// Deliver queued partner messages: drain the outbox and stop, or keep going with --watch.
    Deliver {
        #[arg(long)]
        watch: bool,
    },
    /// Benchmark delivery: queue N messages to an in-process Verwijsindex simulator on
    /// loopback, drain them, and print throughput and enqueue-to-delivered latency.
    BenchDelivery {
        #[arg(long, default_value_t = 10_000)]
        messages: usize,
    },
    /// Append a large access log for `bench/access-log.sh`: `--events` unsealed events of the
    /// organisation, `--per-person` of them naming one person, whose GraphQL id is printed.
    SeedAccessLog {
        #[arg(long, default_value = "bench")]
        organisation: String,
        #[arg(long, default_value_t = 2_000_000)]
        events: usize,
        #[arg(long, default_value_t = 10_000)]
        per_person: usize,
    },
    /// Expire Verwijsindex signals past their end date (the daily job `serve` also runs).
    ExpireSignals,
    /// Run a partner simulator, for demos.
    Simulate {
        #[command(subcommand)]
        partner: Simulated,
    },
    /// Verify every organisation's access-log hash chain.
    VerifyAccessLog,
    /// Print the GraphQL schema (SDL).
    PrintSchema,
    /// Write a report, e.g. `report norms --organisation de-haven --period 2026-Q3 --format html`.
    Report {
        #[command(subcommand)]
        report: Report,
    },
}

#[derive(Subcommand)]
enum Simulated {
    /// The Verwijsindex: OAuth2 token endpoint at /oauth/token, signals at /signals.
    /// Register an organisation with `POST /_sim/clients` (clientId, clientSecret,
    /// signingSecret, callbackUrl) and parents with `POST /_sim/parents`.
    Verwijsindex {
        #[arg(long, default_value_t = 9100)]
        port: u16,
    },
    /// A school taking Handle with Care notices at /handle-with-care/notices; it refuses any
    /// field beyond the allowed ones. Register clients with `POST /_sim/clients`.
    School {
        #[arg(long, default_value_t = 9200)]
        port: u16,
    },
    /// A youth/neighbourhood team taking handover packages at /handovers, each validated
    /// against the published JSON Schema.
    YouthTeam {
        #[arg(long, default_value_t = 9300)]
        port: u16,
    },
}

// A request allocates many small, short-lived values (rows, resolver futures, JSON); with
// glibc's allocator a fifth of the server's time on the benchmark page went to malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let config = match Config::load() {
        Ok(config) => config,
        Err(e) => {
            unconfigured_failure(&format!("reading configuration: {e}"));
            return std::process::ExitCode::FAILURE;
        }
    };
    init_tracing(&config);
    let json = config.log_format() == LogFormat::Json;
    match run(cli, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // In JSON mode every line on stderr is a JSON log record, the last one too.
        Err(e) if json => {
            tracing::error!(error = format!("{e:#}"), "stopped");
            std::process::ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("Error: {e:?}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A failure before the configuration, and so the log format, is known: a JSON record when the
/// environment asks for JSON logs or production (where logs are JSON), plain text otherwise.
fn unconfigured_failure(message: &str) {
    let var = |key: &str| std::env::var(key).unwrap_or_default().to_ascii_lowercase();
    let json = match var("VEERKRACHT_LOG_FORMAT").as_str() {
        "json" => true,
        "text" => false,
        _ => var("VEERKRACHT_MODE") == "production",
    };
    if json {
        let record = serde_json::json!({
            "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "level": "ERROR",
            "fields": { "message": message },
            "target": "veerkracht",
        });
        eprintln!("{record}");
    } else {
        eprintln!("Error: {message}");
    }
}

async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            if demo {
                let db = connect(&config).await?;
                db::migrate(&db).await?;
                if server::seed::seed_demo(&db).await? {
                    tracing::info!("demo data loaded");
                }
                db.close().await?;
                tracing::info!(
                    "demo data ready; get a token with: cargo run -- dev-token --organisation de-haven --role TEAM_LEAD"
                );
            }
            let listener = tokio::net::TcpListener::bind(config.listen)
                .await
                .with_context(|| format!("binding {}", config.listen))?;
            tracing::info!("Veerkracht listening on http://{}", listener.local_addr()?);
            server::http::serve(config, listener, shutdown_signal()).await
        }
        Command::Migrate { status } => {
            let db = connect(&config).await?;
            if status {
                for (name, applied) in db::migration_status(&db).await? {
                    println!("{} {name}", if applied { "applied" } else { "pending" });
                }
            } else {
                db::migrate(&db).await?;
                println!("migrations applied");
            }
            Ok(())
        }
        Command::SeedDemo => {
            let db = connect(&config).await?;
            db::migrate(&db).await?;
            if server::seed::seed_demo(&db).await? {
                println!("demo data loaded: organisations de-haven and het-anker");
            } else {
                println!("demo data already present");
            }
            Ok(())
        }
        Command::SeedBench { families, organisation } => {
            let db = connect(&config).await?;
            db::migrate(&db).await?;
            server::seed::seed_bench(&db, &organisation, families).await?;
            println!("benchmark data loaded: {families} families in organisation {organisation}");
            Ok(())
        }
        Command::DevToken { organisation, role, municipality, worker, partner, minutes } => {
            anyhow::ensure!(config.dev_issuer_enabled(), "the development issuer is switched off (auth.dev_issuer)");
            let issuer = DevIssuer::load_or_create(&config.auth.dev_key_path)?;
            let now = chrono::Utc::now().timestamp();
            if role == MUNICIPALITY_ROLE {
                let municipality = municipality.context("a municipality user needs --municipality, e.g. utrecht")?;
                let claims = Claims {
                    iss: config.auth.issuer.clone(),
                    aud: config.auth.audience.clone().into(),
                    sub: format!("dev-municipality-{municipality}"),
                    exp: now + minutes * 60,
                    iat: Some(now),
                    nbf: None,
                    org: String::new(),
                    roles: vec![role],
                    worker_id: None,
                    partner: None,
                    municipality: Some(municipality),
                    name: None,
                };
                println!("{}", issuer.sign(&config.auth.claims.write(&claims))?);
                return Ok(());
            }
            anyhow::ensure!(municipality.is_none(), "--municipality goes with --role MUNICIPALITY");
            let organisation = organisation.context("--organisation is required")?;
            let role = Role::parse(&role).with_context(|| format!("unknown role {role}"))?;
            let db = connect(&config).await?;
            db::migrate(&db).await?;
            let org = organisation::Entity::find()
                .filter(organisation::Column::Slug.eq(&organisation))
                .one(&db)
                .await?
                .with_context(|| {
                    format!("no organisation {organisation:?}; load demo data with `veerkracht seed-demo`")
                })?;
            let worker_id = match (worker, &partner) {
                (Some(w), _) => Some(parse_worker_id(&w)?),
                (None, Some(_)) => None,
                (None, None) => worker::Entity::find()
                    .filter(worker::Column::OrganisationId.eq(org.id))
                    .filter(worker::Column::Active.eq(true))
                    .filter(
                        worker::Column::Id.in_subquery(
                            Query::select()
                                .column(worker_role::Column::WorkerId)
                                .from(worker_role::Entity)
                                .and_where(worker_role::Column::Role.eq(role))
                                .to_owned(),
                        ),
                    )
                    .one(&db)
                    .await?
                    .map(|w| w.id),
            };
            let subject = worker_id.map_or_else(|| format!("dev-{}", role.as_str().to_lowercase()), |w| w.to_string());
            let claims = Claims {
                iss: config.auth.issuer.clone(),
                aud: config.auth.audience.clone().into(),
                sub: subject,
                exp: now + minutes * 60,
                iat: Some(now),
                nbf: None,
                org: org.slug,
                roles: vec![role.as_str().to_string()],
                worker_id,
                partner,
                municipality: None,
                name: None,
            };
            println!("{}", issuer.sign(&config.auth.claims.write(&claims))?);
            Ok(())
        }
        Command::Deliver { watch } => {
            let db = connect(&config).await?;
            db::migrate(&db).await?;
            let secrets = Arc::new(config.secrets()?);
            let settings = integrations::outbox::WorkerSettings {
                live: integrations::live::Bus::announcing(&db),
                ..config.worker_settings()
            };
            let worker = integrations::outbox::DeliveryWorker::new(db, secrets, settings);
            if watch {
                worker.run(shutdown_signal()).await;
            } else {
                let mut attempted = 0;
                loop {
                    match worker.run_once().await? {
                        0 => break,
                        n => attempted += n,
                    }
                }
                println!("{attempted} delivery attempts; messages that failed wait for their next attempt");
            }
            Ok(())
        }
        Command::BenchDelivery { messages } => server::bench::delivery(&config, messages).await,
        Command::SeedAccessLog { organisation, events, per_person } => {
            let person = server::bench::access_log(&config, &organisation, events, per_person).await?;
            println!("{}", server::api::ids::encode("Person", person).0);
            Ok(())
        }
        Command::ExpireSignals => {
            let db = connect(&config).await?;
            db::migrate(&db).await?;
            let n = server::cases::reference_index::expire_due(&db, chrono::Utc::now().date_naive())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{n} signals expired");
            Ok(())
        }
        Command::Simulate { partner } => {
            use integrations::simulator::{school::School, verwijsindex::Verwijsindex, youth_team::YouthTeam};
            let port = match partner {
                Simulated::Verwijsindex { port } | Simulated::School { port } | Simulated::YouthTeam { port } => port,
            };
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                .await
                .with_context(|| format!("binding port {port}"))?;
            // Each simulator's server task holds it; the handle is not needed here.
            let (name, addr) = match partner {
                Simulated::Verwijsindex { .. } => ("Verwijsindex", Verwijsindex::start(listener).await?.1),
                Simulated::School { .. } => ("School", School::start(listener).await?.1),
                Simulated::YouthTeam { .. } => ("Youth team", YouthTeam::start(listener).await?.1),
            };
            tracing::info!("{name} simulator on http://{addr} (token endpoint http://{addr}/oauth/token)");
            shutdown_signal().await;
            Ok(())
        }
        Command::VerifyAccessLog => {
            let db = connect(&config).await?;
            let sealer = config.sealer()?;
            let mut all_valid = true;
            for org in organisation::Entity::find().all(&db).await? {
                let failed = |e: server::error::AppError| anyhow::anyhow!("{e}");
                server::audit::seal(&db, &sealer, org.id).await.map_err(failed)?;
                let report = server::audit::verify(&db, &sealer, org.id).await.map_err(failed)?;
                all_valid &= report.valid;
                let checkpoint =
                    report.checkpoint_size.map_or("no checkpoint".into(), |n| format!("checkpoint at {n}"));
                println!(
                    "{}: {} entries, {checkpoint}, {}",
                    org.slug,
                    report.entries_checked,
                    match &report.problem {
                        None => "chain intact".to_string(),
                        Some(problem) => format!("BROKEN: {problem}"),
                    }
                );
            }
            anyhow::ensure!(all_valid, "the access log has been altered");
            Ok(())
        }
        Command::Report { report: Report::Norms { organisation, period, format, output } } => {
            let format = server::reports::Format::parse(&format).context("--format is html, csv or json")?;
            let db = connect(&config).await?;
            db::migrate(&db).await?;
            let file = server::reports::norm_report_as_operator(&db, &organisation, period, format)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            match output {
                Some(path) => {
                    std::fs::write(&path, file.body).with_context(|| format!("writing {}", path.display()))?
                }
                None => print!("{}", file.body),
            }
            Ok(())
        }
        Command::PrintSchema => {
            print!("{}", server::api::sdl());
            Ok(())
        }
    }
}

fn parse_worker_id(raw: &str) -> anyhow::Result<uuid::Uuid> {
    if let Ok(u) = uuid::Uuid::parse_str(raw) {
        return Ok(u);
    }
    server::api::ids::decode(&async_graphql::ID(raw.to_string()), "Worker", "worker")
        .map_err(|_| anyhow::anyhow!("{raw:?} is neither a UUID nor a Worker id"))
}

async fn connect(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    db::connect(config, Arc::new(Metrics::default())).await.with_context(|| "connecting to the database")
}

fn init_tracing(config: &Config) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match config.log_format() {
        LogFormat::Json => {
            builder.json().init();
            // A panic's report, too, as a JSON record instead of the default text.
            std::panic::set_hook(Box::new(|info| tracing::error!(panic = %info, "panicked")));
        }
        LogFormat::Text => builder.init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
