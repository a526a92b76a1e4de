//! NEN 7513 access logging: who accessed whose record, what they did, when, from where and
//! on what grounds. Entries are appended to a per-organisation hash chain: each entry carries
//! the hash of the one before it, so any change or removal breaks the chain on verification.

use crate::{
    auth::Principal,
    error::AppResult,
    policy::Ground,
};
use chrono::{DateTime, SubsecRound, Utc};
use entities::{AccessAction, access_log, access_log_head};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use sha2::{Digest, Sha256};
use std::{collections::HashSet, sync::Mutex};
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
    pub person_id: Uuid,
    pub action: AccessAction,
    /// Which part of the record, e.g. `identity`, `trajectory`, `custody`.
    pub area: &'static str,
    pub ground: String,
}

impl AccessEvent {
    pub fn new(person_id: Uuid, action: AccessAction, area: &'static str, ground: &Ground) -> Self {
        Self { person_id, action, area, ground: ground.label() }
    }
}

/// Reads collected during one request, written in one go before the response leaves.
#[derive(Default)]
pub struct AuditBuffer {
    events: Mutex<(Vec<AccessEvent>, HashSet<AccessEvent>)>,
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

/// Appends `events` to the organisation's chain inside `txn`, which must be a transaction:
/// the head row is locked (`FOR UPDATE` on PostgreSQL; SQLite has one writer) until commit.
pub async fn append<C: ConnectionTrait>(
    txn: &C,
    principal: &Principal,
    meta: &RequestMeta,
    events: &[AccessEvent],
) -> AppResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let org = principal.organisation_id;
    let head = access_log_head::Entity::find_by_id(org).lock_exclusive().one(txn).await?;
    let (mut seq, mut prev) = match &head {
        Some(h) => (h.seq, h.hash.clone()),
        None => (0, GENESIS_HASH.to_string()),
    };
    let occurred_at = Utc::now().trunc_subsecs(6);
    let roles = principal.roles_label();
    let mut rows = Vec::with_capacity(events.len());
    for event in events {
        seq += 1;
        let mut row = access_log::Model {
            id: Uuid::now_v7(),
            organisation_id: org,
            seq,
            occurred_at,
            actor_subject: principal.subject.clone(),
            actor_worker_id: principal.worker_id,
            actor_roles: roles.clone(),
            actor_partner: principal.partner.clone(),
            person_id: event.person_id,
            action: event.action,
            area: event.area.to_string(),
            request_id: meta.request_id.clone(),
            client_address: meta.client_address.clone(),
            user_agent: meta.user_agent.clone(),
            ground: event.ground.clone(),
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        row.hash = entry_hash(&row);
        prev = row.hash.clone();
        rows.push(access_log::ActiveModel::from(row));
    }
    // Stay well below SQLite's limit on bound parameters per statement.
    for chunk in rows.chunks(500) {
        access_log::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    let new_head = access_log_head::ActiveModel { organisation_id: Set(org), seq: Set(seq), hash: Set(prev) };
    match head {
        Some(_) => access_log_head::Entity::update(new_head).exec(txn).await.map(drop)?,
        None => access_log_head::Entity::insert(new_head).exec(txn).await.map(drop)?,
    }
    Ok(())
}

/// Writes the buffered events of a request in their own transaction.
pub async fn flush(db: &DatabaseConnection, principal: &Principal, meta: &RequestMeta, buffer: &AuditBuffer) -> AppResult<()> {
    let events = buffer.take();
    if events.is_empty() {
        return Ok(());
    }
    let txn = db.begin().await?;
    append(&txn, principal, meta, &events).await?;
    txn.commit().await?;
    Ok(())
}

/// SHA-256 over the previous hash and every field of the entry, each prefixed with its
/// length so that field boundaries cannot be shifted.
pub fn entry_hash(e: &access_log::Model) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let fields = [
        e.prev_hash.clone(),
        e.organisation_id.to_string(),
        e.seq.to_string(),
        timestamp(&e.occurred_at),
        e.actor_subject.clone(),
        e.actor_worker_id.map(|w| w.to_string()).unwrap_or_default(),
        e.actor_roles.clone(),
        opt(&e.actor_partner),
        e.person_id.to_string(),
        e.action.as_str().to_string(),
        e.area.clone(),
        e.request_id.clone(),
        opt(&e.client_address),
        opt(&e.user_agent),
        e.ground.clone(),
        e.id.to_string(),
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

/// Result of walking an organisation's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub entries_checked: i64,
    pub valid: bool,
    /// The first entry whose link or hash does not match, if any.
    pub first_broken_seq: Option<i64>,
}

pub async fn verify(db: &DatabaseConnection, organisation_id: Uuid) -> AppResult<ChainReport> {
    let mut prev = GENESIS_HASH.to_string();
    let mut expected_seq = 1;
    let broken = |seq, checked| Ok(ChainReport { entries_checked: checked, valid: false, first_broken_seq: Some(seq) });
    loop {
        let page = access_log::Entity::find()
            .filter(access_log::Column::OrganisationId.eq(organisation_id))
            .filter(access_log::Column::Seq.gte(expected_seq))
            .order_by_asc(access_log::Column::Seq)
            .limit(1000)
            .all(db)
            .await?;
        if page.is_empty() {
            break;
        }
        for e in page {
            if e.seq != expected_seq || e.prev_hash != prev || entry_hash(&e) != e.hash {
                return broken(expected_seq, expected_seq - 1);
            }
            prev = e.hash;
            expected_seq += 1;
        }
    }
    let checked = expected_seq - 1;
    // The head guards against removal of the newest entries.
    let head = access_log_head::Entity::find_by_id(organisation_id).one(db).await?;
    let head_ok = match head {
        Some(h) => h.seq == checked && h.hash == prev,
        None => checked == 0,
    };
    if !head_ok {
        return broken(expected_seq, checked);
    }
    Ok(ChainReport { entries_checked: checked, valid: true, first_broken_seq: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> access_log::Model {
        access_log::Model {
            id: Uuid::from_u128(7),
            organisation_id: Uuid::from_u128(1),
            seq: 1,
            occurred_at: DateTime::from_timestamp(1_700_000_000, 123_456_000).unwrap(),
            actor_subject: "w1".into(),
            actor_worker_id: None,
            actor_roles: "TEAM_LEAD".into(),
            actor_partner: None,
            person_id: Uuid::from_u128(2),
            action: AccessAction::Read,
            area: "identity".into(),
            request_id: "r".into(),
            client_address: None,
            user_agent: None,
            ground: "role:TEAM_LEAD".into(),
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let base = entry_hash(&entry());
        let mut e = entry();
        e.area = "custody".into();
        assert_ne!(entry_hash(&e), base);
        let mut e = entry();
        e.prev_hash = "1".repeat(64);
        assert_ne!(entry_hash(&e), base);
        let mut e = entry();
        e.actor_subject = "w1T".into();
        e.actor_roles = "EAM_LEAD".into();
        assert_ne!(entry_hash(&e), base, "field boundaries cannot be shifted");
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
}
