//! `POST /partners/{partner}/inbox`: where partners deliver their messages. The signature
//! and timestamp are verified (five minutes' tolerance), the message id is recorded once per
//! partner (a repeat is answered 200 and not applied again), and the answer is 2xx only
//! after the message and its effects are committed.

use crate::cases::{handovers, reference_index};
use crate::{error::AppError, http::AppState};
use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use entities::{PartnerAdapter, chain_partner, inbox_message};
use integrations::{live, partner::adapter, signing, verwijsindex::Notice, youth_team::TeamMessage};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, SqlErr, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

fn refuse(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": { "code": code, "message": message.into() } }))).into_response()
}

pub async fn receive(
    State(state): State<AppState>,
    Path(partner): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &partner, &headers, &body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn handle(state: &AppState, partner: &str, headers: &HeaderMap, body: &[u8]) -> Result<Response, AppError> {
    let unknown = || refuse(StatusCode::NOT_FOUND, "NOT_FOUND", "no such partner inbox");
    let Ok(partner_id) = Uuid::parse_str(partner) else { return Ok(unknown()) };
    let Some(partner) = chain_partner::Entity::find_by_id(partner_id)
        .filter(chain_partner::Column::Active.eq(true))
        .one(&state.db)
        .await?
    else {
        return Ok(unknown());
    };
    let (Some(sealed), Some(adapter)) = (&partner.signing_secret_sealed, adapter(partner.adapter)) else {
        return Ok(unknown());
    };
    let secret = state.secrets.open(sealed).map_err(AppError::internal)?;
    let message_id = match signing::verify(secret.as_bytes(), headers, body) {
        Ok(id) => id,
        Err(e @ (signing::SignatureError::Headers | signing::SignatureError::Body | signing::SignatureError::Id)) => {
            return Ok(refuse(StatusCode::BAD_REQUEST, "BAD_SIGNATURE_HEADERS", e.to_string()));
        }
        Err(e) => return Ok(refuse(StatusCode::UNAUTHORIZED, "BAD_SIGNATURE", e.to_string())),
    };
    if serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| has_nul(&v)) {
        // PostgreSQL cannot store it; refused before anything is written, as in the API.
        return Ok(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "BAD_USER_INPUT",
            "text must not contain the NUL character (U+0000)",
        ));
    }
    let kind = match adapter.inbound_kind(body) {
        Ok(k) => k,
        Err(e) => return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, "BAD_USER_INPUT", e)),
    };
    let duplicate =
        || (StatusCode::OK, Json(json!({ "status": "duplicate", "messageId": message_id }))).into_response();
    let seen = inbox_message::Entity::find()
        .filter(inbox_message::Column::PartnerId.eq(partner.id))
        .filter(inbox_message::Column::MessageId.eq(&message_id))
        .one(&state.db)
        .await?;
    if seen.is_some() {
        return Ok(duplicate());
    }
    let txn = state.db.begin().await?;
    let row = inbox_message::Model {
        id: Uuid::now_v7(),
        organisation_id: partner.organisation_id,
        partner_id: partner.id,
        message_id: message_id.clone(),
        kind,
        payload: String::from_utf8_lossy(body).into_owned(),
        created_at: Utc::now(),
    };
    if let Err(e) =
        inbox_message::Entity::insert(inbox_message::ActiveModel::from(row)).exec_without_returning(&txn).await
    {
        // The same message arriving twice at once: the other copy is being applied.
        if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
            return Ok(duplicate());
        }
        return Err(e.into());
    }
    // What the message changes (a handover's status, a new referral) is announced once committed.
    let (applied, changes) = live::noting(async {
        match partner.adapter {
            PartnerAdapter::Verwijsindex => {
                let notice: Notice =
                    serde_json::from_slice(body).map_err(|e| AppError::invalid("body", e.to_string()))?;
                reference_index::apply(&txn, &partner, &message_id, notice).await?;
            }
            PartnerAdapter::YouthTeam => {
                let message: TeamMessage =
                    serde_json::from_slice(body).map_err(|e| AppError::invalid("body", e.to_string()))?;
                handovers::apply(&txn, &partner, &message_id, message).await?;
            }
            PartnerAdapter::School | PartnerAdapter::None => {
                return Err(AppError::invalid("body", "this partner sends no messages"));
            }
        }
        Ok(())
    })
    .await;
    applied?;
    state.api.live.commit(txn, changes).await?;
    Ok((StatusCode::OK, Json(json!({ "status": "accepted", "messageId": message_id }))).into_response())
}

fn has_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(has_nul),
        serde_json::Value::Object(fields) => fields.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}
