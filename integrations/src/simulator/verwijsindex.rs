//! A Verwijsindex simulator: takes signals from several organisations, finds matches (the
//! same BSN registered by two organisations) and family matches (children sharing a parent,
//! from its own small population register), and calls each organisation back, signed.

use super::{Common, Refusal, SimClient, common_routes};
use crate::verwijsindex::{ContactPoint, Notice, REGISTER_PATH, Registration, WITHDRAW_PATH, Withdrawal};
use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use chrono::{Months, Utc};
use serde::Deserialize;
use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct StoredSignal {
    pub client_id: String,
    pub registration: Registration,
    pub active: bool,
    /// How many times this signal was applied; a resent message must leave it at 1.
    pub applied: u32,
}

#[derive(Default)]
pub struct Verwijsindex {
    pub common: Arc<Common>,
    signals: Mutex<HashMap<Uuid, StoredSignal>>,
    /// Child BSN → parents' BSNs: the simulator's stand-in for the BRP.
    parents: Mutex<HashMap<String, Vec<String>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().expect("simulator state lock")
}

impl Verwijsindex {
    pub fn signals(&self) -> Vec<StoredSignal> {
        lock(&self.signals).values().cloned().collect()
    }

    /// Records a child's parents in the simulated population register.
    pub fn set_parents(&self, child_bsn: &str, parent_bsns: &[&str]) {
        lock(&self.parents).insert(child_bsn.into(), parent_bsns.iter().map(|p| p.to_string()).collect());
    }

    fn siblings(&self, bsn: &str) -> Vec<String> {
        let parents = lock(&self.parents);
        let Some(mine) = parents.get(bsn) else { return vec![] };
        parents
            .iter()
            .filter(|(child, theirs)| child.as_str() != bsn && theirs.iter().any(|p| mine.contains(p)))
            .map(|(child, _)| child.clone())
            .collect()
    }

    /// Stores a registration and returns the notices it causes, per client.
    fn register(&self, client: &SimClient, message_id: &str, r: Registration) -> Vec<(String, Notice)> {
        let today = Utc::now().date_naive();
        let mut notices = vec![(
            client.client_id.clone(),
            Notice::Registered { signal_id: r.signal_id, message_id: message_id.parse().unwrap_or_default() },
        )];
        let siblings = self.siblings(&r.bsn);
        let mut signals = lock(&self.signals);
        let entry = signals.entry(r.signal_id).or_insert_with(|| StoredSignal {
            client_id: client.client_id.clone(),
            registration: r.clone(),
            active: true,
            applied: 0,
        });
        entry.applied += 1;
        if entry.applied > 1 {
            return notices;
        }
        for other in signals.values() {
            let live = other.active && other.registration.end_on >= today && other.client_id != client.client_id;
            if !live {
                continue;
            }
            let theirs = &other.registration;
            let make = |family: bool, signal_id: Uuid, contact: &ContactPoint| {
                let other = contact.clone();
                if family {
                    Notice::FamilyMatch { signal_id, other, matched_on: today }
                } else {
                    Notice::Match { signal_id, other, matched_on: today }
                }
            };
            let family = if theirs.bsn == r.bsn {
                false
            } else if siblings.contains(&theirs.bsn) {
                true
            } else {
                continue;
            };
            notices.push((client.client_id.clone(), make(family, r.signal_id, &theirs.contact)));
            notices.push((other.client_id.clone(), make(family, theirs.signal_id, &r.contact)));
        }
        notices
    }

    fn check(r: &Registration) -> Result<(), String> {
        if r.bsn.len() != 9 || !r.bsn.bytes().all(|b| b.is_ascii_digit()) {
            return Err("bsn: nine digits expected".into());
        }
        let latest = r.start_on.checked_add_months(Months::new(24)).ok_or("startOn out of range")?;
        if r.end_on <= r.start_on || r.end_on > latest {
            return Err("endOn: after startOn and at most two years later".into());
        }
        Ok(())
    }

    async fn notify(&self, notices: Vec<(String, Notice)>) {
        for (client_id, notice) in notices {
            if let Some(client) = self.common.client(&client_id) {
                let body = serde_json::to_value(&notice).expect("notice as JSON");
                self.common.call_back(&client, &body).await;
            }
        }
    }
}

async fn register(State(vi): State<Arc<Verwijsindex>>, headers: HeaderMap, body: Bytes) -> Result<StatusCode, Refusal> {
    let (client, id, duplicate) = vi.common.accept(REGISTER_PATH, &headers, &body).await?;
    if duplicate {
        return Ok(StatusCode::OK);
    }
    let r: Registration =
        serde_json::from_slice(&body).map_err(|e| Refusal(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    Verwijsindex::check(&r).map_err(|e| Refusal(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    let notices = vi.register(&client, &id, r);
    // Callbacks go out after the answer, as a real index would process asynchronously.
    let index = vi.clone();
    vi.common.call_back_later(async move { index.notify(notices).await });
    Ok(StatusCode::ACCEPTED)
}

async fn withdraw(State(vi): State<Arc<Verwijsindex>>, headers: HeaderMap, body: Bytes) -> Result<StatusCode, Refusal> {
    let (client, _, _) = vi.common.accept(WITHDRAW_PATH, &headers, &body).await?;
    let w: Withdrawal =
        serde_json::from_slice(&body).map_err(|e| Refusal(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    match lock(&vi.signals).get_mut(&w.signal_id) {
        Some(s) if s.client_id == client.client_id => s.active = false,
        _ => return Err(Refusal(StatusCode::NOT_FOUND, "no such signal of yours".into())),
    }
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ParentsInput {
    child_bsn: String,
    parent_bsns: Vec<String>,
}

async fn set_parents(State(vi): State<Arc<Verwijsindex>>, Json(p): Json<ParentsInput>) -> StatusCode {
    let parents: Vec<&str> = p.parent_bsns.iter().map(String::as_str).collect();
    vi.set_parents(&p.child_bsn, &parents);
    StatusCode::NO_CONTENT
}

impl Verwijsindex {
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route(REGISTER_PATH, post(register))
            .route(WITHDRAW_PATH, post(withdraw))
            .route("/_sim/parents", post(set_parents))
            .with_state(self.clone())
            .merge(common_routes(self.common.clone()))
    }

    /// Starts a simulator on `listener`; returns it and its address.
    pub async fn start(listener: tokio::net::TcpListener) -> std::io::Result<(Arc<Self>, SocketAddr)> {
        let vi = Arc::new(Self::default());
        let addr = super::spawn(vi.router(), listener).await?;
        Ok((vi, addr))
    }
}
