//! Test harness: `spawn_app()` starts the real router on 127.0.0.1:0 against a fresh
//! database and returns a handle to talk to it over HTTP.
//!
//! Database: a SQLite file in a temporary directory, or — when `TEST_DATABASE_URL` points at
//! PostgreSQL (`postgres://user:pass@host/db`) — a new database created per test on that server.

use chrono::{Days, NaiveDate, Utc};
use entities::{AccessAction, CareSetting, LocationKind, Role, access_event, location, organisation, person, worker};
use sea_orm::{ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use server::{
    api::ids,
    auth::{Claims, dev_issuer::DevIssuer},
    config::Config,
    http::AppState,
    seed::{self, NewLocation},
};
use std::collections::BTreeSet;
use tokio::{net::TcpListener, sync::oneshot};
use uuid::Uuid;

pub mod identity_provider;
pub mod live;

pub use serde_json;

/// Calls `f` with each socket this process has open (from `/proc/self/fd`): to check the socket
/// options of the server's connections, which live in the test's process.
#[cfg(target_os = "linux")]
pub fn for_each_socket(mut f: impl FnMut(socket2::SockRef<'_>)) {
    for entry in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        let Ok(fd) = entry.file_name().to_string_lossy().parse::<std::os::fd::RawFd>() else { continue };
        if !std::fs::read_link(entry.path()).is_ok_and(|l| l.to_string_lossy().starts_with("socket:")) {
            continue;
        }
        // SAFETY: the process's own descriptors; on one closed meanwhile the calls fail.
        let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
        f(socket2::SockRef::from(&fd));
    }
}

pub struct TestApp {
    pub addr: std::net::SocketAddr,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub config: Config,
    pub issuer: DevIssuer,
    /// The server's state (its metrics, for deliveries the test drives).
    pub state: AppState,
    /// The harness's own connection for checking the access log: outside the server's pools,
    /// so its statements neither count in the server's metrics nor wait for its writer.
    log_reader: DatabaseConnection,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _dir: tempfile::TempDir,
    /// Last, so the server and the connections above are gone first; shared with replicas.
    database: std::sync::Arc<FreshDatabase>,
}

/// Which database this run of the suite uses.
pub fn database_kind() -> &'static str {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => "postgres",
        _ => "sqlite",
    }
}

/// A new, empty database for one test: a SQLite file in `dir`, or a database on the
/// `TEST_DATABASE_URL` server, dropped again when the test is done with it.
pub async fn fresh_database(dir: &std::path::Path) -> FreshDatabase {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => {
            let name = format!("vk_test_{}", Uuid::now_v7().simple());
            let conn = Database::connect(&admin).await.expect("connect to TEST_DATABASE_URL");
            drop_stale_databases(&conn).await;
            conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
            conn.close().await.ok();
            let (base, query) = admin.split_once('?').map_or((admin.as_str(), None), |(b, q)| (b, Some(q)));
            let (server, _db) = base.rsplit_once('/').expect("a database name in TEST_DATABASE_URL");
            let url = match query {
                Some(q) => format!("{server}/{name}?{q}"),
                None => format!("{server}/{name}"),
            };
            FreshDatabase { url, on_server: Some((admin, name)) }
        }
        _ => FreshDatabase { url: format!("sqlite://{}?mode=rwc", dir.join("test.sqlite").display()), on_server: None },
    }
}

/// A test's own database. One on a PostgreSQL server is dropped when this is: a whole suite's
/// databases left behind fill a CI machine's disk (they did, at about 10 MB each).
pub struct FreshDatabase {
    pub url: String,
    /// The admin URL and the database's name, for a database on a server.
    on_server: Option<(String, String)>,
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let Some((admin, name)) = self.on_server.take() else { return };
        // A failed test's database stays for inspection, until a run an hour later drops it.
        if std::thread::panicking() {
            return;
        }
        // Drop runs inside the test's runtime, which cannot wait on itself: a thread of its own.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                let conn = Database::connect(&admin).await.expect("connect to TEST_DATABASE_URL");
                conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .expect("drop test database");
                conn.close().await.ok();
            })
        })
        .join()
        .expect("drop test database");
    }
}

/// A failed test's database is left behind for inspection; the first test of a run drops those
/// of runs that started more than an hour ago (their names carry a UUIDv7, which tells when), so that
/// repeated runs on one server do not pile them up.
async fn drop_stale_databases(conn: &DatabaseConnection) {
    static ONCE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    ONCE.get_or_init(async || {
        let hour_ago = Utc::now().timestamp_millis() - 3_600_000;
        let rows = conn
            .query_all_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                "SELECT datname FROM pg_database WHERE datname LIKE 'vk_test_%'",
            ))
            .await
            .expect("list test databases");
        for row in rows {
            let name: String = row.try_get("", "datname").expect("datname");
            let started = Uuid::parse_str(&name["vk_test_".len()..]).ok().and_then(|id| id.get_timestamp()).map(|t| {
                let (secs, nanos) = t.to_unix();
                secs as i64 * 1000 + i64::from(nanos / 1_000_000)
            });
            if started.is_some_and(|t| t < hour_ago) {
                conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok();
            }
        }
    })
    .await;
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app after letting the test adjust its configuration.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().unwrap();
    let database = std::sync::Arc::new(fresh_database(dir.path()).await);
    let mut config = Config { database_url: database.url.clone(), ..Config::default() };
    config.auth.dev_key_path = dir.path().join("dev-key.pem");
    config.partners.secrets_key_path = dir.path().join("secrets.key");
    config.audit.checkpoint_key_path = dir.path().join("checkpoint-key.pem");
    config.audit.checkpoint_dir = dir.path().join("checkpoints");
    // Sealing happens on demand (accessLog, verifyAccessLog), so that no job's statements
    // mix into a test's count.
    config.audit.seal_interval_ms = 0;
    config.partners.public_base_url = Some(format!("http://{addr}"));
    // Tests drive delivery themselves (`TestApp::deliver`), with a quick retry schedule.
    config.delivery.worker = false;
    config.delivery.retry_base_ms = 20;
    config.delivery.retry_cap_ms = 80;
    config.delivery.max_attempts = 4;
    adjust(&mut config);
    start(config, database, listener, dir).await
}

/// Another server on the same database, with the same keys: a replica behind the load balancer.
pub async fn spawn_replica(app: &TestApp) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let mut config = app.config.clone();
    config.partners.public_base_url = Some(format!("http://{}", listener.local_addr().unwrap()));
    start(config, app.database.clone(), listener, tempfile::tempdir().expect("temp dir")).await
}

/// Serves `config` on `listener`; `database` is the database itself, for the harness's own
/// connection (the server's may go through something a test put between).
async fn start(
    config: Config,
    database: std::sync::Arc<FreshDatabase>,
    listener: TcpListener,
    dir: tempfile::TempDir,
) -> TestApp {
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(config.clone(), addr).await.expect("app state");
    let db = state.db.clone();
    let server_state = state.clone();
    // Connected as the server connects (TCP_NODELAY on PostgreSQL, read-only on SQLite), but
    // counting its statements apart, and straight to the database when a test put something
    // between the server and it.
    let own = Config { database_url: database.url.clone(), ..config.clone() };
    let own_metrics = std::sync::Arc::new(server::metrics::Metrics::default());
    let log_reader = if own.is_sqlite() {
        server::db::connect_reader(&own, &db, own_metrics).await
    } else {
        server::db::connect(&own, own_metrics).await
    }
    .expect("connect the log reader");
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        server::http::run(state, listener, async {
            rx.await.ok();
        })
        .await
        .expect("server runs");
    });
    let issuer = DevIssuer::load_or_create(&config.auth.dev_key_path).expect("dev key");
    TestApp {
        addr,
        client: reqwest::Client::new(),
        db,
        config,
        issuer,
        state: server_state,
        log_reader,
        shutdown: Some(tx),
        server: Some(server),
        _dir: dir,
        database,
    }
}

impl TestApp {
    /// Stops the server as SIGTERM does and waits until it has finished.
    pub async fn shut_down(&mut self) {
        self.shutdown.take().map(|tx| tx.send(()));
        if let Some(server) = self.server.take() {
            server.await.expect("server task");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Claims valid for this app, for tests to alter.
    pub fn claims(&self, org: &str, roles: &[Role], worker: Option<Uuid>) -> Claims {
        let now = Utc::now().timestamp();
        Claims {
            iss: self.config.auth.issuer.clone(),
            aud: self.config.auth.audience.clone().into(),
            sub: worker.map_or_else(|| "test-user".into(), |w| w.to_string()),
            exp: now + 600,
            iat: Some(now),
            nbf: None,
            org: org.into(),
            roles: roles.iter().map(|r| r.as_str().to_string()).collect(),
            worker_id: worker,
            partner: None,
            municipality: None,
            name: None,
        }
    }

    /// A municipality user's token: role MUNICIPALITY, no organisation.
    pub fn municipality_token(&self, municipality: &str) -> String {
        let claims = Claims {
            roles: vec![server::auth::MUNICIPALITY_ROLE.into()],
            municipality: Some(municipality.into()),
            sub: format!("{municipality}-user"),
            ..self.claims("", &[], None)
        };
        self.sign(&claims)
    }

    /// Signs claims laid out as the app's configuration says (`auth.claims`).
    pub fn sign(&self, claims: &Claims) -> String {
        self.issuer.sign(&self.config.auth.claims.write(claims)).expect("sign")
    }

    /// POSTs a GraphQL request and returns the HTTP status and the JSON body.
    pub async fn post(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut req = self.client.post(self.url("/graphql")).json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let request_id = res.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
        let body: Value = res.json().await.expect("json body");
        if let Some(request_id) = request_id {
            self.assert_persons_logged(&request_id, &body).await;
        }
        (status, body)
    }

    /// NEN 7513: every person whose record a response shows is in the access log under that
    /// response's request id. Runs for every request of the suite, so a new field or path that
    /// returns a person without logging fails whichever test first uses it.
    pub async fn assert_persons_logged(&self, request_id: &str, body: &Value) {
        if body["data"].is_null() {
            return;
        }
        let persons = person::Entity::find().all(&self.log_reader).await.expect("read persons");
        let logged: BTreeSet<Uuid> = access_event::Entity::find()
            .filter(access_event::Column::RequestId.eq(request_id))
            .all(&self.log_reader)
            .await
            .expect("read the access log")
            .iter()
            .flat_map(|e| e.persons.split(',').filter_map(|p| Uuid::parse_str(p).ok()).collect::<Vec<_>>())
            .collect();
        let mut unlogged = Vec::new();
        for_each_object(&body["data"], &mut |fields| {
            let shows = persons_shown(fields, &persons);
            if !shows.is_empty() && !shows.iter().any(|p| logged.contains(p)) {
                unlogged.push(Value::Object(fields.clone()));
            }
        });
        assert!(
            unlogged.is_empty(),
            "persons shown but not in the access log of request {request_id}: {unlogged:?} (logged: {logged:?})"
        );
    }

    /// POSTs a GraphQL request that must succeed; returns `data`.
    pub async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.post(Some(token), query, variables).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// POSTs a GraphQL request that must fail; returns its first error.
    pub async fn gql_error(&self, token: &str, query: &str, variables: Value) -> Value {
        let (_, body) = self.post(Some(token), query, variables).await;
        body["errors"][0].clone()
    }

    /// Sends one request `n` times at once (as simultaneous clicks or retries would); returns how
    /// many succeeded and the error codes of the others, sorted.
    pub async fn at_once(&self, token: &str, query: &str, variables: Value, n: usize) -> (usize, Vec<String>) {
        let answers = futures::future::join_all((0..n).map(|_| self.post(Some(token), query, variables.clone()))).await;
        let mut codes: Vec<String> = answers
            .iter()
            .filter_map(|(_, body)| body["errors"][0]["extensions"]["code"].as_str().map(str::to_string))
            .collect();
        codes.sort();
        (n - codes.len(), codes)
    }

    /// One round of the delivery worker, as `serve` runs it; returns the messages attempted.
    pub async fn deliver(&self) -> usize {
        let secrets = std::sync::Arc::new(self.config.secrets().expect("secrets key"));
        integrations::outbox::DeliveryWorker::new(self.db.clone(), secrets, self.state.worker_settings())
            .run_once()
            .await
            .expect("delivery round")
    }

    /// The server's count of SQL statements executed so far.
    /// Scrapes' own statements (the outbox figures) left out: a difference of two readings is
    /// what ran between them.
    pub async fn sql_statements(&self) -> u64 {
        let text = self.client.get(self.url("/metrics")).send().await.unwrap().text().await.unwrap();
        let counter = |name: &str| -> u64 {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("{name} in /metrics"))
        };
        counter("veerkracht_sql_statements_total") - counter("veerkracht_scrape_sql_statements_total")
    }
}

fn for_each_object(value: &Value, visit: &mut impl FnMut(&serde_json::Map<String, Value>)) {
    match value {
        Value::Object(fields) => {
            visit(fields);
            fields.values().for_each(|v| for_each_object(v, visit));
        }
        Value::Array(items) => items.iter().for_each(|v| for_each_object(v, visit)),
        _ => {}
    }
}

/// Whom one object of a response shows (any of them, when names are shared): the person whose
/// id it carries (`Person`, or `Child`, whose id is its person's) beside other fields, or
/// whose given name or BSN it holds — also where there is no id to go by (a partner's view of
/// a family, a handover package).
fn persons_shown(fields: &serde_json::Map<String, Value>, persons: &[person::Model]) -> Vec<Uuid> {
    let by_id = fields
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| ["Person", "Child"].iter().find_map(|kind| ids::uuid_of(id, kind)))
        .filter(|_| fields.keys().any(|k| k != "id" && k != "__typename"));
    if let Some(person) = by_id {
        return vec![person];
    }
    let texts: Vec<&str> = fields.values().filter_map(Value::as_str).collect();
    persons
        .iter()
        .filter(|p| texts.contains(&p.given_name.as_str()) || p.bsn.as_deref().is_some_and(|bsn| texts.contains(&bsn)))
        .map(|p| p.id)
        .collect()
}

/// An organisation with a secret residential location, an ambulant one, a worker of each
/// role, and tokens for them.
pub struct Org {
    pub org: organisation::Model,
    pub secret_location: location::Model,
    pub ambulant_location: location::Model,
    pub worker: worker::Model,
    pub other_worker: worker::Model,
    pub expert: worker::Model,
    pub lead: worker::Model,
    pub admin: worker::Model,
    pub worker_token: String,
    pub other_worker_token: String,
    pub expert_token: String,
    pub lead_token: String,
    pub admin_token: String,
}

impl Org {
    pub fn location_id(&self) -> String {
        ids::encode("Location", self.secret_location.id).0
    }
    pub fn worker_gid(w: &worker::Model) -> String {
        ids::encode("Worker", w.id).0
    }
}

pub async fn org(app: &TestApp, slug: &str) -> Org {
    let db = &app.db;
    let org = seed::create_organisation(db, slug, &format!("Organisation {slug}")).await.unwrap();
    let secret_location = seed::create_location(
        db,
        org.id,
        NewLocation {
            name: "Safe house",
            kind: LocationKind::Vo,
            setting: CareSetting::Residential,
            secret_address: true,
            street: "Geheimstraat 1",
            postal_code: "1234 AB",
            city: "Utrecht",
        },
    )
    .await
    .unwrap();
    let ambulant_location = seed::create_location(
        db,
        org.id,
        NewLocation {
            name: "Ambulant team",
            kind: LocationKind::Vo,
            setting: CareSetting::Ambulant,
            secret_address: false,
            street: "Open 2",
            postal_code: "1234 AC",
            city: "Utrecht",
        },
    )
    .await
    .unwrap();
    let worker = seed::create_worker(db, org.id, &format!("Wendy {slug}"), &[Role::ChildFamilyWorker]).await.unwrap();
    let other_worker =
        seed::create_worker(db, org.id, &format!("Olaf {slug}"), &[Role::ChildFamilyWorker]).await.unwrap();
    let expert = seed::create_worker(db, org.id, &format!("Gerda {slug}"), &[Role::BehaviouralExpert]).await.unwrap();
    let lead = seed::create_worker(db, org.id, &format!("Tom {slug}"), &[Role::TeamLead]).await.unwrap();
    let admin = seed::create_worker(db, org.id, &format!("Ada {slug}"), &[Role::OrgAdmin]).await.unwrap();
    let token = |w: &worker::Model, role: Role| app.sign(&app.claims(slug, &[role], Some(w.id)));
    Org {
        worker_token: token(&worker, Role::ChildFamilyWorker),
        other_worker_token: token(&other_worker, Role::ChildFamilyWorker),
        expert_token: token(&expert, Role::BehaviouralExpert),
        lead_token: token(&lead, Role::TeamLead),
        admin_token: token(&admin, Role::OrgAdmin),
        org,
        secret_location,
        ambulant_location,
        worker,
        other_worker,
        expert,
        lead,
        admin,
    }
}

/// Installs the locked npm dependencies of `tests/<dir>` once (`npm ci`), for tests that check
/// against a tool from npm; returns the directory. Needs Node.js and npm.
pub fn npm_package(dir: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    if !dir.join("node_modules/.package-lock.json").exists() {
        let npm = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&dir)
            .output()
            .unwrap_or_else(|e| panic!("this test needs Node.js and npm (npm ci in {}): {e}", dir.display()));
        assert!(npm.status.success(), "npm ci in {}: {}", dir.display(), String::from_utf8_lossy(&npm.stderr));
    }
    dir
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

pub fn days_ago(n: u64) -> String {
    (today() - Days::new(n)).to_string()
}

pub fn years_ago(years: u32) -> String {
    (today().checked_sub_months(chrono::Months::new(12 * years)).unwrap() - Days::new(10)).to_string()
}

/// An admission of a mother and `children` children (ages 2, 7, 14, …), all with custody
/// by the mother and `worker` as responsible worker.
pub fn family_input(org: &Org, children: usize) -> Value {
    let ages = [2, 7, 14, 9, 16, 0, 5, 12];
    let mut members = vec![json!({
        "ref": "mum", "role": "CARING_PARENT", "givenName": "Sara", "familyName": "Jansen",
        "dateOfBirth": years_ago(34), "bsn": "111222333", "sex": "FEMALE",
    })];
    for i in 0..children {
        members.push(json!({
            "role": "CHILD", "givenName": format!("Kind{i}"), "familyName": "Jansen",
            "dateOfBirth": years_ago(ages[i % ages.len()]), "custodianRefs": ["mum"],
        }));
    }
    json!({
        "locationId": org.location_id(),
        "responsibleWorkerId": Org::worker_gid(&org.worker),
        "members": members,
    })
}

pub const ADMIT: &str = "mutation($input: AdmitFamilyInput!) { admitFamily(input: $input) { family { id children { id person { id givenName } trajectory { phase responsibleWorker { name } } } members { role person { id givenName } } } } }";

/// Admits a family and returns the `admitFamily` object.
pub async fn admit(app: &TestApp, org: &Org, input: Value) -> Value {
    app.gql(&org.worker_token, ADMIT, json!({ "input": input })).await["admitFamily"]["family"].clone()
}

/// How many migrations to revert to undo `name` and every one after it (for tests that put data
/// in the shape it had before a migration).
pub fn since(name: &str) -> u32 {
    use migrations::{Migrator, MigratorTrait};
    let all = Migrator::migrations();
    let at = all.iter().position(|m| m.name() == name).unwrap_or_else(|| panic!("no migration {name}"));
    (all.len() - at) as u32
}

/// Removes the BSN so several families from `family_input` can be admitted.
pub fn without_bsn(mut input: Value) -> Value {
    input["members"][0].as_object_mut().unwrap().remove("bsn");
    input
}

/// A valid BSN (elfproef) for test number `n`; distinct `n` give distinct BSNs.
pub fn bsn(n: u32) -> String {
    (0u32..)
        .map(|k| 10_000_000 + n * 10 + k)
        .find_map(|stem| {
            let d: Vec<u32> = format!("{stem:08}").bytes().map(|b| (b - b'0') as u32).collect();
            let sum: u32 = d.iter().zip((2..=9).rev()).map(|(x, w)| x * w).sum();
            let check = sum % 11;
            (check < 10).then(|| format!("{stem:08}{check}"))
        })
        .unwrap()
}

/// Polls `probe` until it returns `Some`, for what the server does on its own (the delivery
/// worker inside `serve`). It returns as soon as the condition holds; the generous limit only
/// stops a broken test, so a loaded machine cannot fail it. To wait for a simulator's
/// callbacks, use its `common.settled()` instead.
pub async fn eventually<T, F: std::future::Future<Output = Option<T>>>(mut probe: impl FnMut() -> F) -> T {
    for _ in 0..1200 {
        if let Some(v) = probe().await {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("condition not reached within a minute")
}

/// One access-log entry as the tests read it: an event, one part of the record it names and
/// one person it concerns.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub person_id: Uuid,
    pub organisation_id: Uuid,
    pub action: AccessAction,
    pub area: String,
    pub ground: String,
    pub actor_worker_id: Option<Uuid>,
    pub actor_partner: Option<String>,
}

/// The whole access log, in the order it was written (events by id, then their areas, then
/// their persons).
pub async fn access_log(db: &DatabaseConnection) -> Vec<LogEntry> {
    let events =
        access_event::Entity::find().order_by_asc(access_event::Column::Id).all(db).await.expect("access events");
    events
        .into_iter()
        .flat_map(|e| {
            // An aggregate read (figures without person data) names no persons.
            let persons: Vec<Uuid> =
                e.persons.split(',').filter(|p| !p.is_empty()).map(|p| p.parse().expect("a person id")).collect();
            let areas: Vec<String> = e.area.split(',').map(str::to_string).collect();
            areas.into_iter().flat_map(move |area| {
                let e = e.clone();
                persons.clone().into_iter().map(move |person_id| LogEntry {
                    person_id,
                    organisation_id: e.organisation_id,
                    action: e.action,
                    area: area.clone(),
                    ground: e.ground.clone(),
                    actor_worker_id: e.actor_worker_id,
                    actor_partner: e.actor_partner.clone(),
                })
            })
        })
        .collect()
}

/// The youth-team simulator on loopback, registered as the organisation's chain partner
/// "wijkteam-noord".
pub struct Team {
    pub sim: std::sync::Arc<integrations::simulator::youth_team::YouthTeam>,
    pub id: Value,
    pub inbox_url: String,
}

pub const TEAM_SIGNING_SECRET: &str = "team-signing-secret-0123456789";

pub async fn youth_team(app: &TestApp, org: &Org) -> Team {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (sim, addr) = integrations::simulator::youth_team::YouthTeam::start(listener).await.unwrap();
    let base = format!("http://{addr}");
    let input = json!({
        "slug": "wijkteam-noord", "name": "Wijkteam Noord", "kind": "YOUTH_TEAM", "adapter": "YOUTH_TEAM",
        "endpointUrl": base, "tokenUrl": format!("{base}/oauth/token"), "clientId": "de-haven",
        "clientSecret": "team-client-secret", "signingSecret": TEAM_SIGNING_SECRET,
    });
    let q =
        "mutation($input: ChainPartnerInput!) { createChainPartner(input: $input) { chainPartner { id inboxUrl } } }";
    let p = app.gql(&org.admin_token, q, json!({ "input": input })).await["createChainPartner"]["chainPartner"].clone();
    let inbox_url = p["inboxUrl"].as_str().unwrap().to_string();
    sim.common.add_client(integrations::simulator::SimClient {
        client_id: "de-haven".into(),
        client_secret: "team-client-secret".into(),
        signing_secret: TEAM_SIGNING_SECRET.into(),
        callback_url: Some(inbox_url.clone()),
    });
    Team { sim, id: p["id"].clone(), inbox_url }
}

/// Every record of a child the API lists, by id and type (issue 14, item 10).
const CHILD_RECORDS: &str = "query($id: ID!) { child(id: $id) { id __typename
  person { id __typename } family { id __typename }
  firstContact { id __typename } intake { id __typename } contacts { id __typename }
  safetyAssessments { id __typename } safetyPlanVersions { id __typename } reportingCodeTracks { id __typename }
  screenings { id __typename }
  actionPlan { id __typename goals { id __typename actions { id __typename } } evaluations { id __typename } }
  network { id __typename } involvements { id __typename } consents { id __typename }
  referenceIndexSignals { id __typename matches { id __typename } }
  partnerGrants { id __typename } intakeObservations { id __typename }
  handleWithCareNotices { id __typename } nonAccompanyingParents { id __typename }
  livingClimateChecks { id __typename } activities { id __typename } psychoEducation { id __typename } } }";

/// Every record `token` sees of `child` is a Node: `node(id:)` finds it as the same type (and
/// logs what it shows, as every request of the suite is checked), and finds nothing for a worker
/// of another organisation. Returns the types checked.
pub async fn child_records_are_nodes(app: &TestApp, token: &str, child: &Value) -> BTreeSet<String> {
    let outsider = org(app, &format!("outsider-{}", Uuid::now_v7().simple())).await;
    let records = app.gql(token, CHILD_RECORDS, json!({ "id": child })).await;
    let mut found = Vec::new();
    for_each_object(&records, &mut |fields| {
        if let (Some(Value::String(id)), Some(Value::String(kind))) = (fields.get("id"), fields.get("__typename")) {
            found.push((id.clone(), kind.clone()));
        }
    });
    let node = "query($id: ID!) { node(id: $id) { id __typename } }";
    for (id, kind) in &found {
        let seen = app.gql(token, node, json!({ "id": id })).await;
        assert_eq!(seen["node"], json!({ "id": id, "__typename": kind }), "node({id}) of a {kind}");
        let other = app.gql(&outsider.worker_token, node, json!({ "id": id })).await;
        assert_eq!(other["node"], Value::Null, "another organisation's worker finds no {kind}");
    }
    found.into_iter().map(|(_, kind)| kind).collect()
}
