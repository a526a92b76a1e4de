//! The one error type, and the one place where it becomes a client-facing error.

use async_graphql::{ErrorExtensionValues, ServerError, Value};
use std::sync::Arc;

/// A field-level problem with the caller's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path of the offending input field, e.g. `input.members[1].bsn`.
    pub field: String,
    pub message: String,
}

impl Violation {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    /// Also used for objects of other organisations, so that their existence does not leak.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{}", .0.first().map(|v| v.message.as_str()).unwrap_or("invalid input"))]
    BadUserInput(Vec<Violation>),
    #[error("{0}")]
    Conflict(String),
    /// A value that must be unique is taken, e.g. a BSN already registered.
    #[error("{}", .0.message)]
    Taken(Violation),
    /// The database cannot be reached (down, restarting, or every connection busy for longer
    /// than `database_acquire_timeout_ms`): worth retrying later.
    #[error("the service is temporarily unavailable; try again shortly")]
    Unavailable(Arc<sea_orm::DbErr>),
    /// A subscription fell so far behind that changes were dropped: the client should read
    /// the current state again (the subscription goes on).
    #[error("this subscription fell behind and missed updates; read the current state again")]
    UpdatesMissed,
    #[error("internal error")]
    Internal(Arc<anyhow::Error>),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput(vec![Violation::new(field, message)])
    }

    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Self::Internal(Arc::new(err.into()))
    }

    /// The HTTP status of a request that failed with this error as a whole.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadUserInput(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) | Self::Taken(_) => StatusCode::CONFLICT,
            Self::Unavailable(_) | Self::UpdatesMissed => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadUserInput(_) => "BAD_USER_INPUT",
            Self::Conflict(_) | Self::Taken(_) => "CONFLICT",
            Self::Unavailable(_) => "SERVICE_UNAVAILABLE",
            Self::UpdatesMissed => "UPDATES_MISSED",
            Self::Internal(_) => "INTERNAL",
        }
    }
}

/// The same error on a plain HTTP endpoint (the partner inbox): a status and a JSON body
/// with the code, the message and the fields concerned.
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        match &self {
            Self::Internal(e) => tracing::error!(error = ?e, "internal error"),
            Self::Unavailable(e) => tracing::warn!(error = %e, "database unavailable"),
            _ => {}
        }
        let status = self.status();
        let fields: Vec<_> = match &self {
            Self::BadUserInput(v) => {
                v.iter().map(|v| serde_json::json!({ "field": v.field, "message": v.message })).collect()
            }
            Self::Taken(v) => vec![serde_json::json!({ "field": v.field, "message": v.message })],
            _ => vec![],
        };
        let body =
            serde_json::json!({ "error": { "code": self.code(), "message": self.to_string(), "fields": fields } });
        (status, axum::Json(body)).into_response()
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        Arc::new(err).into()
    }
}

impl From<Arc<sea_orm::DbErr>> for AppError {
    fn from(err: Arc<sea_orm::DbErr>) -> Self {
        if unreachable(&err) {
            Self::Unavailable(err)
        } else if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) {
            // The last line behind every "look, then insert": of simultaneous requests making
            // the same record, the database lets one through; the others lost a race, which is
            // not an internal error. Rules with a field of their own answer before this.
            Self::Conflict("another request made the same change at the same moment; reload and try again".into())
        } else {
            Self::internal(anyhow::anyhow!("{err}"))
        }
    }
}

/// Whether the database could not be reached at all, as opposed to refusing a statement.
fn unreachable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, SqlxError};
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => matches!(
            **e,
            SqlxError::Io(_)
                | SqlxError::Tls(_)
                | SqlxError::PoolTimedOut
                | SqlxError::PoolClosed
                | SqlxError::WorkerCrashed
        ),
        _ => false,
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(e) => e.into(),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

/// Gives every error of a GraphQL response its `extensions.code`. Errors raised as
/// `AppError` keep their code (and field); internal errors are logged with the request id
/// and replaced by a message that carries only that id. Errors from async-graphql itself
/// (parse, validation, input coercion, limits) are the caller's: BAD_USER_INPUT.
pub fn finalize_errors(errors: &mut [ServerError], request_id: &str) {
    for err in errors {
        let mut ext = err.extensions.take().unwrap_or_default();
        let code = match err.source::<AppError>().cloned() {
            Some(app) => {
                if let AppError::Internal(inner) = &app {
                    tracing::error!(request_id, error = ?inner, path = ?err.path, "internal error");
                    err.message = format!("Internal error. Quote request id {request_id} when reporting it.");
                    ext.set("requestId", request_id);
                }
                match &app {
                    AppError::BadUserInput(violations) => add_violations(&mut ext, violations),
                    AppError::Taken(violation) => add_violations(&mut ext, std::slice::from_ref(violation)),
                    _ => {}
                }
                app.code()
            }
            None if ext.get("code").is_some() => {
                err.extensions = Some(ext);
                continue;
            }
            None => "BAD_USER_INPUT",
        };
        ext.set("code", code);
        err.extensions = Some(ext);
    }
}

fn add_violations(ext: &mut ErrorExtensionValues, violations: &[Violation]) {
    if let Some(first) = violations.first() {
        ext.set("field", first.field.as_str());
    }
    if violations.len() > 1 {
        let list = violations
            .iter()
            .map(|v| {
                let mut m = async_graphql::indexmap::IndexMap::new();
                m.insert(async_graphql::Name::new("field"), Value::from(v.field.as_str()));
                m.insert(async_graphql::Name::new("message"), Value::from(v.message.as_str()));
                Value::Object(m)
            })
            .collect::<Vec<_>>();
        ext.set("violations", Value::List(list));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_error(err: AppError) -> ServerError {
        let e: async_graphql::Error = err.into();
        e.into_server_error(async_graphql::Pos::default())
    }

    #[test]
    fn internal_errors_hide_details_but_carry_the_request_id() {
        let mut errors = vec![server_error(AppError::internal(anyhow::anyhow!("secret detail")))];
        finalize_errors(&mut errors, "req-1");
        let json = serde_json::to_value(&errors[0]).unwrap();
        assert!(!json.to_string().contains("secret detail"));
        assert_eq!(json["extensions"]["code"], "INTERNAL");
        assert_eq!(json["extensions"]["requestId"], "req-1");
    }

    #[test]
    fn bad_input_names_the_field() {
        let mut errors = vec![server_error(AppError::BadUserInput(vec![
            Violation::new("input.bsn", "bad"),
            Violation::new("input.dateOfBirth", "future"),
        ]))];
        finalize_errors(&mut errors, "r");
        let json = serde_json::to_value(&errors[0]).unwrap();
        assert_eq!(json["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(json["extensions"]["field"], "input.bsn");
        assert_eq!(json["extensions"]["violations"][1]["field"], "input.dateOfBirth");
    }

    #[test]
    fn foreign_errors_default_to_bad_user_input() {
        let mut errors = vec![ServerError::new("Unknown field", None)];
        finalize_errors(&mut errors, "r");
        assert_eq!(errors[0].extensions.as_ref().unwrap().get("code"), Some(&Value::from("BAD_USER_INPUT")));
    }
}
