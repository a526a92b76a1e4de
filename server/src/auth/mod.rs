//! Authentication: bearer JWTs from an OIDC issuer, mapped to a [`Principal`].

pub mod dev_issuer;
pub mod jwt;

use crate::error::{AppError, AppResult};
use entities::{Role, organisation, worker};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The claims Veerkracht reads from a token, besides the registered ones checked by the
/// validator (`iss`, `aud`, `exp`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    /// Slug of the shelter organisation the user acts within.
    pub org: String,
    #[serde(default)]
    pub roles: Vec<String>,
    /// The worker record of this user, when they are a worker of the organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_id: Option<Uuid>,
    /// Slug of the chain partner a partner user works for (e.g. a neighbourhood team).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Who is making the request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub subject: String,
    pub organisation_id: Uuid,
    pub organisation_slug: String,
    pub worker_id: Option<Uuid>,
    pub roles: Vec<Role>,
    pub partner: Option<String>,
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn roles_label(&self) -> String {
        self.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// Maps validated claims to a principal in one statement: the organisation (and, for a
/// worker, the worker row) must exist, and a worker must be active and belong to it.
pub async fn resolve_principal(db: &DatabaseConnection, claims: Claims) -> AppResult<Principal> {
    let unknown = || AppError::Unauthenticated("the token's organisation or worker is not known here".into());
    let roles = claims
        .roles
        .iter()
        .map(|r| Role::parse(r).ok_or_else(|| AppError::Unauthenticated(format!("unknown role {r:?} in token"))))
        .collect::<AppResult<Vec<_>>>()?;
    let organisation_id = match claims.worker_id {
        Some(worker_id) => {
            let (worker, org) = worker::Entity::find_by_id(worker_id)
                .find_also_related(organisation::Entity)
                .one(db)
                .await?
                .ok_or_else(unknown)?;
            let org = org.ok_or_else(unknown)?;
            if org.slug != claims.org || !worker.active {
                return Err(unknown());
            }
            org.id
        }
        None => {
            organisation::Entity::find()
                .filter(organisation::Column::Slug.eq(&claims.org))
                .one(db)
                .await?
                .ok_or_else(unknown)?
                .id
        }
    };
    Ok(Principal {
        subject: claims.sub,
        organisation_id,
        organisation_slug: claims.org,
        worker_id: claims.worker_id,
        roles,
        partner: claims.partner,
    })
}
