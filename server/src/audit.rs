//! NEN 7513 access logging: who accessed whose record, what they did, when, from where and on
//! what grounds.
//!
//! Appending takes no lock and one statement: a request writes one event per action, part of
//! the record and ground, naming the persons it concerns. Order and tamper-evidence come
//! afterwards, from the sequencer ([`seal`]): it takes an organisation's new events in id
//! order, gives each its place in the organisation's hash chain (each event's hash covers the
//! one before it and every field, its persons too), and writes a checkpoint — the chain's size and last hash — signed
//! with a key kept outside the database, as Certificate Transparency's signed tree heads. A
//! copy of each checkpoint goes to a directory outside the database and to the service log,
//! so that [`verify`] notices a changed, removed, re-chained or wiped log against the last
//! checkpoint even when the database's own checkpoints went with it.
//!
//! "Who accessed this person's record" ([`naming`]) is answered from the sealed events: on
//! PostgreSQL by a GIN index over their persons, on SQLite by a full-text index (FTS5) over
//! them, `access_event_person_index`, that the sequencer writes and [`verify`] holds against
//! the chain.

use crate::{
    auth::Principal,
    error::{AppError, AppResult},
    policy::Ground,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, SubsecRound, Utc};
use entities::{AccessAction, access_checkpoint, access_event, access_log_head};
use integrations::live::{self, Change, Subject};
use p256::ecdsa::{
    Signature, SigningKey, VerifyingKey,
    signature::{Signer, Verifier},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Statement, TransactionTrait,
    sea_query::{Alias, BinOper, CommonTableExpression, Expr, ExprTrait, Query, SubQueryStatement, Values, WithClause},
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::{
    borrow::Cow,
    collections::HashMap,
    io::{BufRead, Write},
    path::PathBuf,
    sync::Mutex,
};
use uuid::Uuid;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where a request came from.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub request_id: String,
    pub client_address: Option<String>,
    pub user_agent: Option<String>,
}

/// One access to one person's record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccessEvent {
    /// The person whose record was touched; none for an aggregate read (figures without
    /// person data, e.g. the norm overview).
    pub person_id: Option<Uuid>,
    pub action: AccessAction,
    /// Which part of the record, e.g. `identity`, `trajectory`, `custody`.
    pub area: &'static str,
    pub ground: Cow<'static, str>,
    /// The organisation whose log holds the event when it is not the reader's own (a
    /// municipality reading an organisation's figures).
    pub organisation_id: Option<Uuid>,
}

impl AccessEvent {
    pub fn new(person_id: Uuid, action: AccessAction, area: &'static str, ground: &Ground) -> Self {
        Self { person_id: Some(person_id), action, area, ground: ground.label(), organisation_id: None }
    }

    /// A read of figures about many persons of `organisation_id` that shows none of them:
    /// logged without persons, in that organisation's log.
    pub fn aggregate(area: &'static str, ground: &Ground, organisation_id: Uuid) -> Self {
        Self {
            person_id: None,
            action: AccessAction::Read,
            area,
            ground: ground.label(),
            organisation_id: Some(organisation_id),
        }
    }
}

/// Reads collected during one request, written in one go before the response leaves.
#[derive(Default)]
pub struct AuditBuffer {
    /// In order of first reading, and as a set: every object a page returns records a read,
    /// so the set takes a fast hasher (what it holds are ids the request read, not free input).
    events: Mutex<(Vec<AccessEvent>, foldhash::HashSet<AccessEvent>)>,
}

impl AuditBuffer {
    pub fn record(&self, event: AccessEvent) {
        let mut guard = self.events.lock().expect("audit buffer lock");
        let (list, seen) = &mut *guard;
        if seen.insert(event.clone()) {
            list.push(event);
        }
    }

    pub fn take(&self) -> Vec<AccessEvent> {
        let mut guard = self.events.lock().expect("audit buffer lock");
        guard.1.clear();
        std::mem::take(&mut guard.0)
    }
}

/// Appends `events` to the log in one statement: one row per action and ground for each set
/// of persons, naming the parts of their records read (`area`, comma-separated: a page that
/// shows the children's identity and trajectory is one row, not two). No shared row is
/// touched, so appends of one organisation run side by side.
pub async fn append<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    meta: &RequestMeta,
    events: &[AccessEvent],
) -> AppResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    // The persons of each organisation, action, ground and area, in the order they first occur.
    type Key<'a> = (Uuid, AccessAction, &'a str);
    let mut areas: Vec<(Key, &str, Vec<Uuid>)> = Vec::new();
    let mut index: HashMap<(Key, &str), usize> = HashMap::new();
    for e in events {
        let key = (e.organisation_id.unwrap_or(principal.organisation_id), e.action, &*e.ground);
        let i = *index.entry((key, e.area)).or_insert_with(|| {
            areas.push((key, e.area, Vec::new()));
            areas.len() - 1
        });
        areas[i].2.extend(e.person_id);
    }
    // Areas of one organisation, action and ground that concern the same persons share a row.
    let mut groups: Vec<(Key, Vec<&str>, Vec<Uuid>)> = Vec::new();
    for (key, area, mut ids) in areas {
        ids.sort();
        ids.dedup();
        match groups.iter_mut().find(|g| g.0 == key && g.2 == ids) {
            Some(group) => group.1.push(area),
            None => groups.push((key, vec![area], ids)),
        }
    }
    let occurred_at = Utc::now().trunc_subsecs(6);
    let roles = principal.roles_label();
    let mut rows = Vec::with_capacity(groups.len());
    for ((organisation_id, action, ground), areas, ids) in groups {
        // A written record changes what subscribers show (an agenda, a caseload).
        if matches!(action, AccessAction::Create | AccessAction::Update | AccessAction::Delete) {
            ids.iter().for_each(|&id| live::note(Change::new(organisation_id, Subject::Person, id)));
        }
        rows.push(access_event::ActiveModel::from(access_event::Model {
            id: Uuid::now_v7(),
            organisation_id,
            occurred_at,
            actor_subject: principal.subject.clone(),
            actor_worker_id: principal.worker_id,
            actor_roles: roles.clone(),
            actor_partner: principal.partner.clone(),
            action,
            area: areas.join(","),
            ground: ground.to_string(),
            request_id: meta.request_id.clone(),
            client_address: meta.client_address.clone(),
            user_agent: meta.user_agent.clone(),
            persons: ids.iter().map(Uuid::to_string).collect::<Vec<_>>().join(","),
            seq: None,
            prev_hash: None,
            hash: None,
        }));
    }
    access_event::Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(())
}

/// Writes the buffered reads of a request. When this fails the request fails: nothing is read
/// without its log entry.
pub async fn flush(
    db: &DatabaseConnection,
    principal: &Principal,
    meta: &RequestMeta,
    buffer: &AuditBuffer,
) -> AppResult<()> {
    append(db, principal, meta, &buffer.take()).await
}

/// SHA-256 over the previous hash and every field of the event, each prefixed with its length
/// so that field boundaries cannot be shifted.
pub fn event_hash(prev_hash: &str, seq: i64, e: &access_event::Model) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let fields = [
        prev_hash.to_string(),
        e.organisation_id.to_string(),
        seq.to_string(),
        timestamp(&e.occurred_at),
        e.actor_subject.clone(),
        e.actor_worker_id.map(|w| w.to_string()).unwrap_or_default(),
        e.actor_roles.clone(),
        opt(&e.actor_partner),
        e.action.as_str().to_string(),
        e.area.clone(),
        e.ground.clone(),
        e.request_id.clone(),
        opt(&e.client_address),
        opt(&e.user_agent),
        e.id.to_string(),
        e.persons.clone(),
    ];
    let mut hasher = Sha256::new();
    for f in fields {
        hasher.update(format!("{}:", f.len()));
        hasher.update(f);
    }
    hex::encode(hasher.finalize())
}

fn timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Signs checkpoints, checks them, and keeps their copies outside the database.
pub struct Sealer {
    key: SigningKey,
    key_id: String,
    /// One file per organisation, a checkpoint per line.
    copies: PathBuf,
}

/// What a checkpoint states, as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub organisation_id: Uuid,
    pub size: i64,
    pub root: String,
    pub signed_at: DateTime<Utc>,
    pub key_id: String,
    pub signature: String,
}

impl Checkpoint {
    fn statement(organisation_id: Uuid, size: i64, root: &str, signed_at: &DateTime<Utc>) -> String {
        format!("veerkracht access-log checkpoint v1\n{organisation_id}\n{size}\n{root}\n{}\n", timestamp(signed_at))
    }
}

impl From<access_checkpoint::Model> for Checkpoint {
    fn from(m: access_checkpoint::Model) -> Self {
        Self {
            organisation_id: m.organisation_id,
            size: m.size,
            root: m.root,
            signed_at: m.signed_at,
            key_id: m.key_id,
            signature: m.signature,
        }
    }
}

impl Sealer {
    /// `pem`: the PKCS#8 P-256 key; `copies`: the directory for the copies of checkpoints.
    pub fn new(pem: &str, copies: PathBuf) -> anyhow::Result<Self> {
        let key = SigningKey::from(crate::keys::from_pem(pem)?);
        let point = key.verifying_key().to_encoded_point(false);
        let key_id = hex::encode(&Sha256::digest(point.as_bytes())[..8]);
        Ok(Self { key, key_id, copies })
    }

    fn sign(&self, organisation_id: Uuid, size: i64, root: &str) -> Checkpoint {
        let signed_at = Utc::now().trunc_subsecs(6);
        let signature: Signature =
            self.key.sign(Checkpoint::statement(organisation_id, size, root, &signed_at).as_bytes());
        Checkpoint {
            organisation_id,
            size,
            root: root.to_string(),
            signed_at,
            key_id: self.key_id.clone(),
            signature: STANDARD.encode(signature.to_bytes()),
        }
    }

    /// Whether this key signed `c` as it stands.
    fn signed(&self, c: &Checkpoint) -> bool {
        let verifying: &VerifyingKey = self.key.verifying_key();
        let statement = Checkpoint::statement(c.organisation_id, c.size, &c.root, &c.signed_at);
        c.key_id == self.key_id
            && STANDARD
                .decode(&c.signature)
                .ok()
                .and_then(|b| Signature::from_slice(&b).ok())
                .is_some_and(|s| verifying.verify(statement.as_bytes(), &s).is_ok())
    }

    fn copy_path(&self, organisation_id: Uuid) -> PathBuf {
        self.copies.join(format!("{organisation_id}.checkpoints"))
    }

    fn keep_copy(&self, c: &Checkpoint) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.copies)?;
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(self.copy_path(c.organisation_id))?;
        writeln!(file, "{}", serde_json::to_string(c).map_err(std::io::Error::other)?)
    }

    /// The newest checkpoint kept outside the database (none when no copy exists).
    fn last_copy(&self, organisation_id: Uuid) -> std::io::Result<Option<Checkpoint>> {
        let file = match std::fs::File::open(self.copy_path(organisation_id)) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut last = None;
        for line in std::io::BufReader::new(file).lines() {
            let line = line?;
            if !line.trim().is_empty() {
                last = Some(serde_json::from_str(&line).map_err(std::io::Error::other)?);
            }
        }
        Ok(last)
    }
}

/// Events sealed per statement round trip.
const SEAL_BATCH: u64 = 500;

/// Seals the organisation's new events into its chain, in id order, and signs a checkpoint of
/// the result. Returns how many events were sealed. Sequencers of several instances take
/// turns on the organisation's head row; requests never wait for it.
pub async fn seal(db: &DatabaseConnection, sealer: &Sealer, organisation_id: Uuid) -> AppResult<u64> {
    let txn = db.begin().await?;
    let head = access_log_head::Entity::find_by_id(organisation_id).lock_exclusive().one(&txn).await?;
    let (mut seq, mut prev) = head.as_ref().map_or((0, GENESIS_HASH.to_string()), |h| (h.seq, h.hash.clone()));
    let mut sealed = 0;
    // From where the last batch ended: the index entries of the events sealed in this
    // transaction stay until it commits, and scanning past them again made each batch slower.
    let mut after: Option<Uuid> = None;
    let index_apart = person_index_apart(db.get_database_backend());
    loop {
        let batch = access_event::Entity::find()
            .filter(access_event::Column::OrganisationId.eq(organisation_id))
            .filter(access_event::Column::Seq.is_null())
            .apply_if(after, |q, id| q.filter(access_event::Column::Id.gt(id)))
            .order_by_asc(access_event::Column::Id)
            .limit(SEAL_BATCH)
            .all(&txn)
            .await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        let first = seq + 1;
        let mut links = Vec::with_capacity(batch.len());
        for e in &batch {
            seq += 1;
            let hash = event_hash(&prev, seq, e);
            links.push((e.id, seq, std::mem::replace(&mut prev, hash.clone()), hash));
        }
        set_links(&txn, &links).await?;
        if index_apart {
            index_persons(&txn, organisation_id, first, seq).await?;
        }
        sealed += batch.len() as u64;
    }
    if sealed == 0 {
        txn.rollback().await?;
        return Ok(0);
    }
    let new_head =
        access_log_head::ActiveModel { organisation_id: Set(organisation_id), seq: Set(seq), hash: Set(prev.clone()) };
    match head {
        Some(_) => access_log_head::Entity::update(new_head).exec(&txn).await.map(drop)?,
        None => access_log_head::Entity::insert(new_head).exec(&txn).await.map(drop)?,
    }
    let checkpoint = sealer.sign(organisation_id, seq, &prev);
    access_checkpoint::Entity::insert(access_checkpoint::ActiveModel::from(access_checkpoint::Model {
        organisation_id,
        size: checkpoint.size,
        root: checkpoint.root.clone(),
        signed_at: checkpoint.signed_at,
        key_id: checkpoint.key_id.clone(),
        signature: checkpoint.signature.clone(),
    }))
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    // Published outside the database: the service log and the copies directory.
    tracing::info!(organisation = %organisation_id, size = checkpoint.size, root = %checkpoint.root,
        signature = %checkpoint.signature, key_id = %checkpoint.key_id, "access-log checkpoint");
    sealer
        .keep_copy(&checkpoint)
        .map_err(|e| AppError::internal(anyhow::anyhow!("keeping a copy of the checkpoint: {e}")))?;
    Ok(sealed)
}

/// Seals every organisation with new events; what the sequencer job runs.
pub async fn seal_all(db: &DatabaseConnection, sealer: &Sealer) -> AppResult<u64> {
    let organisations: Vec<Uuid> = access_event::Entity::find()
        .select_only()
        .column(access_event::Column::OrganisationId)
        .filter(access_event::Column::Seq.is_null())
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut sealed = 0;
    for organisation_id in organisations {
        sealed += seal(db, sealer, organisation_id).await?;
    }
    Ok(sealed)
}

/// Whether the persons are indexed apart from the events, so that the index could differ from
/// the chain: on SQLite, by the sequencer, in a full-text index (migration 22). PostgreSQL
/// answers "who read this person" from a GIN index over the hashed column itself.
fn person_index_apart(backend: DbBackend) -> bool {
    backend == DbBackend::Sqlite
}

/// An organisation's documents in SQLite's person index are numbered `scope × SCOPE_SPAN +
/// seq`, `scope` being the organisation's number in `access_event_person_scope`.
const SCOPE_SPAN: i64 = 1 << 40;

/// SQLite: for each of a list of persons, the places in the chain (`seq`) of the
/// organisation's events from `first` to `last` that the person index lists for them. Values:
/// the span, the organisation, the persons as a JSON array of phrases ([`phrases`]), `first`,
/// `last`. Columns: `person` (the person's position in the array) and `seq`. One statement for
/// any number of persons: the index is asked once for each, inside SQLite.
const INDEXED_SEQS: &str = "SELECT j.key AS person, i.rowid - s.base AS seq
    FROM (SELECT scope * ? AS base FROM access_event_person_scope WHERE organisation_id = ?) s,
        json_each(?) j, access_event_person_index i
    WHERE i.access_event_person_index MATCH j.value AND i.rowid BETWEEN s.base + ? AND s.base + ?";

/// Persons' ids as full-text queries, in a JSON array: each quoted, for the `-` in it.
fn phrases(persons: impl IntoIterator<Item = Uuid>) -> String {
    serde_json::Value::from(persons.into_iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>()).to_string()
}

/// The values of [`INDEXED_SEQS`] for one person and the organisation's whole chain.
fn indexed_for(organisation_id: Uuid, person: Uuid) -> [sea_orm::Value; 5] {
    [SCOPE_SPAN.into(), organisation_id.into(), phrases([person]).into(), 1.into(), (SCOPE_SPAN - 1).into()]
}

/// The events of an organisation that name `person`, as a condition on `access_event`: to
/// count them. For a page of them, see [`naming_in_order`].
pub fn naming(backend: DbBackend, organisation_id: Uuid, person: Uuid) -> Condition {
    let of_organisation = Condition::all().add(access_event::Column::OrganisationId.eq(organisation_id));
    match backend {
        // The expression of the GIN index `ix_access_event_persons` (migration 9), which covers
        // sealed events only. `x::uuid[]` is written `CAST(x AS uuid ARRAY)`: sea-query reads
        // brackets in a custom expression as quotes.
        DbBackend::Postgres => of_organisation.add(access_event::Column::Seq.is_not_null()).add(
            Expr::cust(r#"CAST(string_to_array("access_event"."persons", ',') AS uuid ARRAY)"#).binary(
                BinOper::Custom("@>"),
                Expr::cust_with_values("CAST($1 AS uuid ARRAY)", [format!("{{{person}}}")]),
            ),
        ),
        _ => of_organisation.add(Expr::cust_with_values(
            format!(r#""access_event"."seq" IN (SELECT seq FROM ({INDEXED_SEQS}))"#),
            indexed_for(organisation_id, person),
        )),
    }
}

/// [`naming`], for a page in id order. On PostgreSQL the events found through the GIN index
/// are handed to the page as an array: with the plain condition the planner walks the primary
/// key in page order and filters every event since the first (120 ms for a person read
/// 65,000 times among 2 million).
pub fn naming_in_order(backend: DbBackend, organisation_id: Uuid, person: Uuid) -> Condition {
    match backend {
        DbBackend::Postgres => {
            let hits = access_event::Entity::find()
                .select_only()
                .column(access_event::Column::Id)
                .filter(naming(backend, organisation_id, person))
                .into_query();
            let hits = Expr::SubQuery(None, Box::new(SubQueryStatement::from(hits)));
            Condition::all()
                .add(access_event::Column::OrganisationId.eq(organisation_id))
                .add(Expr::cust_with_exprs(r#""access_event"."id" = ANY(ARRAY($1))"#, [hits]))
        }
        _ => naming(backend, organisation_id, person),
    }
}

/// SQLite: how many of the organisation's sealed events the person index lists for `person`,
/// named `total`. The index alone answers: looking up each event took 25 ms for a person named
/// 10,000 times among 2 million. PostgreSQL: none; count the events [`naming`] the person.
pub fn counted_in_index(backend: DbBackend, organisation_id: Uuid, person: Uuid) -> Option<Statement> {
    person_index_apart(backend).then(|| {
        let values = indexed_for(organisation_id, person);
        Statement::from_sql_and_values(backend, format!("SELECT count(*) AS total FROM ({INDEXED_SEQS})"), values)
    })
}

/// The persons an event names.
fn persons(e: &access_event::Model) -> impl Iterator<Item = Uuid> + '_ {
    e.persons.split(',').filter_map(|p| p.parse().ok())
}

/// Whether the event's own, hashed, list names `person`: what an event found through the
/// person index is held to before it is shown (on SQLite the index is kept apart from the
/// list, and [`verify`] compares the two for the persons named in each stretch of entries).
pub fn names(e: &access_event::Model, person: Uuid) -> bool {
    persons(e).any(|p| p == person)
}

/// How many (entry, person) pairs [`Named`] gathers before it asks the index about them: the
/// index is asked once per person in each stretch, and a longer stretch also catches an entry
/// added to a person's list anywhere in it. About 20 MB at most.
const NAMED_PER_CHECK: usize = 1_000_000;

/// SQLite: the persons named by a stretch of sealed entries, to hold against the person index.
#[derive(Default)]
struct Named {
    first: Option<i64>,
    last: i64,
    pairs: usize,
    seqs: HashMap<Uuid, Vec<i64>>,
}

impl Named {
    fn add(&mut self, e: &access_event::Model) {
        let Some(seq) = e.seq else { return };
        self.first.get_or_insert(seq);
        self.last = seq;
        for person in persons(e) {
            let seqs = self.seqs.entry(person).or_default();
            // A person named twice is indexed once.
            if seqs.last() != Some(&seq) {
                seqs.push(seq);
                self.pairs += 1;
            }
        }
    }

    /// The first entry of the stretch whose persons the index does not hold as the entry names
    /// them: a person left out, or, for a person named in the stretch, an entry listed that does
    /// not name them. Starts a new stretch.
    async fn first_misindexed<C: ConnectionTrait>(&mut self, db: &C, organisation_id: Uuid) -> AppResult<Option<i64>> {
        let Named { first, last, seqs, .. } = std::mem::take(self);
        let Some(first) = first else { return Ok(None) };
        let (persons, expected): (Vec<Uuid>, Vec<Vec<i64>>) = seqs.into_iter().unzip();
        let values: [sea_orm::Value; 5] =
            [SCOPE_SPAN.into(), organisation_id.into(), phrases(persons).into(), first.into(), last.into()];
        let mut indexed = vec![Vec::new(); expected.len()];
        for row in db.query_all_raw(Statement::from_sql_and_values(DbBackend::Sqlite, INDEXED_SEQS, values)).await? {
            let (person, seq): (i64, i64) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
            indexed[person as usize].push(seq);
        }
        Ok(expected
            .iter()
            .zip(&mut indexed)
            .filter_map(|(expected, indexed)| {
                indexed.sort_unstable();
                first_difference(expected, indexed)
            })
            .min())
    }
}

/// The first value that is in one of two sorted lists and not in the other.
fn first_difference(a: &[i64], b: &[i64]) -> Option<i64> {
    let (mut i, mut j) = (0, 0);
    loop {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => (i, j) = (i + 1, j + 1),
            // The smaller of the two is not in the other list: all before it matched.
            (Some(x), Some(y)) => return Some(*Ord::min(x, y)),
            (x, y) => return x.or(y).copied(),
        }
    }
}

/// Adds the organisation's events `first..=last` (just sealed) to SQLite's person index,
/// numbering the organisation first if it has no number yet. The index reads each event's
/// list as it was hashed; what in it is not a person's id is indexed too, and never asked for.
async fn index_persons<C: ConnectionTrait>(db: &C, organisation_id: Uuid, first: i64, last: i64) -> AppResult<()> {
    let number = "INSERT OR IGNORE INTO access_event_person_scope (organisation_id, scope)
        SELECT ?, coalesce(max(scope), 0) + 1 FROM access_event_person_scope";
    db.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, number, [organisation_id.into()])).await?;
    let index = "INSERT INTO access_event_person_index (rowid, persons)
        SELECT s.scope * ? + e.seq, e.persons
        FROM access_event e JOIN access_event_person_scope s ON s.organisation_id = e.organisation_id
        WHERE e.organisation_id = ? AND e.seq BETWEEN ? AND ?";
    let values: [sea_orm::Value; 4] = [SCOPE_SPAN.into(), organisation_id.into(), first.into(), last.into()];
    db.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, index, values)).await?;
    Ok(())
}

/// An event's place in the chain: id, seq, previous hash, hash.
type Link = (Uuid, i64, String, String);

/// Sets `seq`, `prev_hash` and `hash` of a batch of events in one statement, joining the
/// events to the batch's values by id. (A CASE per column compared every row with every id: a
/// batch of 500 took 100 ms of the database's time, most of a second's sealing at load.)
async fn set_links<C: ConnectionTrait>(db: &C, links: &[Link]) -> AppResult<()> {
    if links.is_empty() {
        return Ok(());
    }
    let batch = Alias::new("links");
    let of_batch = |column: &str| Expr::col((batch.clone(), Alias::new(column)));
    let values = links.iter().map(|(id, seq, prev_hash, hash)| {
        Values(vec![(*id).into(), (*seq).into(), prev_hash.clone().into(), hash.clone().into()])
    });
    let cte = CommonTableExpression::new()
        .table_name(batch.clone())
        .columns(["id", "seq", "prev_hash", "hash"].map(Alias::new))
        .values(values.collect())
        .to_owned();
    let update = Query::update()
        .table(access_event::Entity)
        .value(access_event::Column::Seq, of_batch("seq"))
        .value(access_event::Column::PrevHash, of_batch("prev_hash"))
        .value(access_event::Column::Hash, of_batch("hash"))
        .from(batch.clone())
        .and_where(Expr::col((access_event::Entity, access_event::Column::Id)).equals((batch, Alias::new("id"))))
        .to_owned()
        .with(WithClause::new().cte(cte).to_owned());
    db.execute(&update).await?;
    Ok(())
}

/// Result of checking an organisation's chain against its checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Sealed events checked.
    pub entries_checked: i64,
    pub valid: bool,
    /// The first entry whose link, hash or persons do not match, or the first one missing.
    pub first_broken_seq: Option<i64>,
    /// The size of the newest signed checkpoint the chain was held against.
    pub checkpoint_size: Option<i64>,
    /// What is wrong, in words.
    pub problem: Option<String>,
}

/// How many sealed events [`verify`] reads at a time.
const VERIFY_PAGE: u64 = 5_000;

/// Walks the organisation's sealed events from the first, recomputing every link, and holds
/// the chain against its signed checkpoints: those in the database and the newest copy kept
/// outside it. A checkpoint that is not signed by the sealer's key counts as tampering.
pub async fn verify(db: &DatabaseConnection, sealer: &Sealer, organisation_id: Uuid) -> AppResult<ChainReport> {
    let mut checkpoints: Vec<Checkpoint> = access_checkpoint::Entity::find()
        .filter(access_checkpoint::Column::OrganisationId.eq(organisation_id))
        .all(db)
        .await?
        .into_iter()
        .map(Checkpoint::from)
        .collect();
    let copy = sealer
        .last_copy(organisation_id)
        .map_err(|e| AppError::internal(anyhow::anyhow!("reading the checkpoint copies: {e}")))?;
    checkpoints.extend(copy);
    let broken = |seq: i64, checked: i64, checkpoint_size, problem: String| {
        Ok(ChainReport {
            entries_checked: checked,
            valid: false,
            first_broken_seq: Some(seq),
            checkpoint_size,
            problem: Some(problem),
        })
    };
    if let Some(c) = checkpoints.iter().find(|c| !sealer.signed(c)) {
        return broken(c.size, 0, None, format!("checkpoint {} is not signed by this installation's key", c.size));
    }
    let roots: HashMap<i64, &str> = checkpoints.iter().map(|c| (c.size, c.root.as_str())).collect();
    let newest = checkpoints.iter().map(|c| c.size).max();
    let mut prev = GENESIS_HASH.to_string();
    let mut expected = 1;
    // Only a person index apart from the events could differ from the chain.
    let index_apart = person_index_apart(db.get_database_backend());
    let mut named = Named::default();
    // The next page is read (on another thread) while this one is hashed.
    let read_after = |seq: i64| {
        let db = db.clone();
        tokio::spawn(async move {
            access_event::Entity::find()
                .filter(access_event::Column::OrganisationId.eq(organisation_id))
                .filter(access_event::Column::Seq.gt(seq))
                .order_by_asc(access_event::Column::Seq)
                .limit(VERIFY_PAGE)
                .all(&db)
                .await
        })
    };
    let mut next = Some(read_after(0));
    while let Some(reading) = next.take() {
        let page = reading.await.map_err(|e| AppError::internal(anyhow::anyhow!("reading the access log: {e}")))??;
        if page.len() == VERIFY_PAGE as usize {
            next = page.last().and_then(|e| e.seq).map(read_after);
        }
        let end = next.is_none();
        // The first entry that breaks the chain: its seq, how many were checked, what is wrong.
        let mut breach = None;
        for e in page {
            let linked = e.seq == Some(expected) && e.prev_hash.as_deref() == Some(prev.as_str());
            let hash = event_hash(&prev, expected, &e);
            if !linked || e.hash.as_deref() != Some(hash.as_str()) {
                breach = Some((expected, expected - 1, format!("entry {expected} was changed, removed or re-chained")));
                break;
            }
            if roots.get(&expected).is_some_and(|root| *root != hash) {
                breach =
                    Some((expected, expected, format!("entry {expected} does not match the checkpoint of that size")));
                break;
            }
            if index_apart {
                named.add(&e);
            }
            prev = hash;
            expected += 1;
        }
        // The entries before a breach are held against the index too: what went wrong first is reported.
        if index_apart
            && (end || breach.is_some() || named.pairs >= NAMED_PER_CHECK)
            && let Some(seq) = named.first_misindexed(db, organisation_id).await?
        {
            return broken(seq, seq - 1, newest, format!("the persons indexed for entry {seq} were changed"));
        }
        if let Some((seq, checked, problem)) = breach {
            return broken(seq, checked, newest, problem);
        }
    }
    let checked = expected - 1;
    if let Some(size) = newest.filter(|size| *size > checked) {
        return broken(
            expected,
            checked,
            newest,
            format!("the chain ends at {checked} but was signed at {size}: entries were removed"),
        );
    }
    // The head guards the newest entries between checkpoints.
    let head = access_log_head::Entity::find_by_id(organisation_id).one(db).await?;
    if !head.map_or(checked == 0, |h| h.seq == checked && h.hash == prev) {
        return broken(expected, checked, newest, "the chain's head does not match its last entry".into());
    }
    Ok(ChainReport {
        entries_checked: checked,
        valid: true,
        first_broken_seq: None,
        checkpoint_size: newest,
        problem: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> access_event::Model {
        access_event::Model {
            id: Uuid::from_u128(7),
            organisation_id: Uuid::from_u128(1),
            occurred_at: DateTime::from_timestamp(1_700_000_000, 123_456_000).unwrap(),
            actor_subject: "w1".into(),
            actor_worker_id: None,
            actor_roles: "TEAM_LEAD".into(),
            actor_partner: None,
            action: AccessAction::Read,
            area: "identity".into(),
            ground: "role:TEAM_LEAD".into(),
            request_id: "r".into(),
            client_address: None,
            user_agent: None,
            persons: format!("{},{}", Uuid::from_u128(2), Uuid::from_u128(3)),
            seq: None,
            prev_hash: None,
            hash: None,
        }
    }

    #[test]
    fn every_field_and_person_is_covered_by_the_hash() {
        let base = event_hash(GENESIS_HASH, 1, &event());
        let mut e = event();
        e.area = "custody".into();
        assert_ne!(event_hash(GENESIS_HASH, 1, &e), base);
        assert_ne!(event_hash(&"1".repeat(64), 1, &event()), base, "the link");
        assert_ne!(event_hash(GENESIS_HASH, 2, &event()), base, "the position");
        let mut e = event();
        e.persons = Uuid::from_u128(2).to_string();
        assert_ne!(event_hash(GENESIS_HASH, 1, &e), base, "a person left out");
        let mut e = event();
        e.actor_subject = "w1T".into();
        e.actor_roles = "EAM_LEAD".into();
        assert_ne!(event_hash(GENESIS_HASH, 1, &e), base, "field boundaries cannot be shifted");
    }

    #[test]
    fn the_first_difference_of_two_lists_is_the_smallest_value_in_one_only() {
        assert_eq!(first_difference(&[1, 2, 3], &[1, 2, 3]), None);
        assert_eq!(first_difference(&[1, 2, 3], &[1, 3]), Some(2), "left out");
        assert_eq!(first_difference(&[1, 3], &[1, 2, 3]), Some(2), "added");
        assert_eq!(first_difference(&[1, 2], &[1, 2, 5]), Some(5), "added at the end");
        assert_eq!(first_difference(&[4, 7], &[]), Some(4), "none indexed");
        assert_eq!(first_difference(&[5, 9], &[6, 9]), Some(5));
    }

    #[test]
    fn buffer_dedupes_repeated_reads() {
        let b = AuditBuffer::default();
        let g = Ground::Role(entities::Role::TeamLead);
        b.record(AccessEvent::new(Uuid::nil(), AccessAction::Read, "identity", &g));
        b.record(AccessEvent::new(Uuid::nil(), AccessAction::Read, "identity", &g));
        b.record(AccessEvent::new(Uuid::nil(), AccessAction::Read, "trajectory", &g));
        assert_eq!(b.take().len(), 2);
        assert!(b.take().is_empty());
    }

    fn sealer(dir: &std::path::Path) -> Sealer {
        let pem = crate::keys::load_or_create(&dir.join("key.pem")).unwrap();
        Sealer::new(&pem, dir.join("copies")).unwrap()
    }

    #[test]
    fn checkpoints_are_signed_and_any_change_breaks_the_signature() {
        let dir = tempfile::tempdir().unwrap();
        let s = sealer(dir.path());
        let c = s.sign(Uuid::from_u128(1), 42, &"a".repeat(64));
        assert!(s.signed(&c));
        assert!(!s.signed(&Checkpoint { size: 41, ..c.clone() }));
        assert!(!s.signed(&Checkpoint { root: "b".repeat(64), ..c.clone() }));
        assert!(!s.signed(&Checkpoint { organisation_id: Uuid::from_u128(2), ..c.clone() }));
        let other = tempfile::tempdir().unwrap();
        assert!(!sealer(other.path()).signed(&c), "another installation's key");
    }

    #[test]
    fn the_newest_copy_of_a_checkpoint_is_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let s = sealer(dir.path());
        let org = Uuid::from_u128(1);
        assert_eq!(s.last_copy(org).unwrap(), None);
        for size in [3, 8] {
            s.keep_copy(&s.sign(org, size, &"c".repeat(64))).unwrap();
        }
        assert_eq!(s.last_copy(org).unwrap().map(|c| c.size), Some(8));
    }
}
