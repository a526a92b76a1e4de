//! A youth/neighbourhood team simulator: validates every handover package against the
//! published JSON Schema, stores it, and answers — acknowledgement, acceptance, refusal, or a
//! referral of its own — signed, to our inbox.

use super::{Common, Refusal, common_routes};
use crate::youth_team::{HANDOVER_PATH, TeamMessage, package_validator, schema_errors};
use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use serde_json::Value;
use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

pub struct YouthTeam {
    pub common: Arc<Common>,
    validator: jsonschema::Validator,
    packages: Mutex<Vec<Value>>,
    /// Packages refused, with the schema errors.
    rejected: Mutex<Vec<Vec<String>>>,
}

impl YouthTeam {
    pub fn packages(&self) -> Vec<Value> {
        self.packages.lock().expect("simulator state lock").clone()
    }

    pub fn rejected(&self) -> Vec<Vec<String>> {
        self.rejected.lock().expect("simulator state lock").clone()
    }

    /// Sends `message` to the client's inbox, signed, as the team's system would.
    pub async fn send(&self, client_id: &str, message: &TeamMessage) {
        if let Some(client) = self.common.client(client_id) {
            self.common.call_back(&client, &serde_json::to_value(message).expect("message as JSON")).await;
        }
    }

    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route(HANDOVER_PATH, post(receive))
            .route("/_sim/send", post(send))
            .with_state(self.clone())
            .merge(common_routes(self.common.clone()))
    }

    pub async fn start(listener: tokio::net::TcpListener) -> std::io::Result<(Arc<Self>, SocketAddr)> {
        let team = Arc::new(Self {
            common: Arc::default(),
            validator: package_validator(),
            packages: Mutex::default(),
            rejected: Mutex::default(),
        });
        let addr = super::spawn(team.router(), listener).await?;
        Ok((team, addr))
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SendInput {
    client_id: String,
    message: TeamMessage,
}

/// For demos: makes the team send `message` (ACKNOWLEDGED, ACCEPTED, DECLINED, REFERRAL).
async fn send(State(team): State<Arc<YouthTeam>>, axum::Json(input): axum::Json<SendInput>) -> StatusCode {
    if team.common.client(&input.client_id).is_none() {
        return StatusCode::NOT_FOUND;
    }
    team.send(&input.client_id, &input.message).await;
    StatusCode::NO_CONTENT
}

async fn receive(State(team): State<Arc<YouthTeam>>, headers: HeaderMap, body: Bytes) -> Result<StatusCode, Refusal> {
    let (_, _, duplicate) = team.common.accept(HANDOVER_PATH, &headers, &body).await?;
    if duplicate {
        return Ok(StatusCode::OK);
    }
    let package: Value = serde_json::from_slice(&body).map_err(|e| Refusal(StatusCode::BAD_REQUEST, e.to_string()))?;
    let errors = schema_errors(&team.validator, &package);
    if !errors.is_empty() {
        let message = errors.join("; ");
        team.rejected.lock().expect("simulator state lock").push(errors);
        return Err(Refusal(StatusCode::UNPROCESSABLE_ENTITY, message));
    }
    team.packages.lock().expect("simulator state lock").push(package);
    Ok(StatusCode::ACCEPTED)
}
