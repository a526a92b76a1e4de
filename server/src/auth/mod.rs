//! Authentication: bearer JWTs from an OIDC issuer, mapped to a [`Principal`].

pub mod dev_issuer;
pub mod jwt;

use crate::error::{AppError, AppResult};
use entities::{Role, organisation, worker, worker_role};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The claims Veerkracht reads from a token, besides the registered ones checked by the
/// validator (`iss`, `aud`, `exp`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: Audience,
    pub sub: String,
    pub exp: i64,
    /// When the token was issued; optional (Entra ID and Keycloak send it, not every issuer
    /// does), but never later than now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Not valid before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Slug of the shelter organisation the user acts within (none for a municipality user).
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub roles: Vec<String>,
    /// The worker record of this user, when they are a worker of the organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_id: Option<Uuid>,
    /// Slug of the chain partner a partner user works for (e.g. a neighbourhood team).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    /// Slug of the municipality a municipality user works for (e.g. `utrecht`), with the role
    /// `MUNICIPALITY`: aggregate norm figures of the organisations that granted it access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `aud`: one audience or several (Keycloak and Entra ID may send an array); the validator
/// checks that ours is among them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl<S: Into<String>> From<S> for Audience {
    fn from(audience: S) -> Self {
        Self::One(audience.into())
    }
}

/// The token role of a municipality user (gemeente): not a role of the organisation's workers.
pub const MUNICIPALITY_ROLE: &str = "MUNICIPALITY";

/// Who is making the request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub subject: String,
    pub organisation_id: Uuid,
    pub organisation_slug: String,
    pub worker_id: Option<Uuid>,
    pub roles: Vec<Role>,
    pub partner: Option<String>,
    /// A municipality user: belongs to no organisation (its id is nil, so that nothing of an
    /// organisation is found) and reads only what `policy` lets a municipality read.
    pub municipality: Option<String>,
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn roles_label(&self) -> String {
        if self.municipality.is_some() {
            return MUNICIPALITY_ROLE.into();
        }
        self.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// Maps validated claims to a principal in one statement: the organisation (and, for a
/// worker, the worker row with its roles) must exist, and a worker must be active and belong
/// to it.
///
/// A worker acts in the roles stored for them, narrowed to the token's roles when the token
/// names any: an identity provider can withhold a role, never grant one the organisation did
/// not give (a token for a child and family worker that claims TEAM_LEAD acts as a child and
/// family worker). Users without a worker record (partner users) act in the token's roles.
pub async fn resolve_principal(db: &DatabaseConnection, claims: Claims) -> AppResult<Principal> {
    let unknown = || AppError::Unauthenticated("the token's organisation or worker is not known here".into());
    if let Some(municipality) = claims.municipality {
        return municipality_principal(claims.sub, municipality, &claims.roles, claims.worker_id, claims.partner);
    }
    // Identity providers add roles of their own (Keycloak's `offline_access`,
    // `uma_authorization`): passed over. A token that names roles still narrows the worker's to
    // those of them we know, so one naming only others leaves none.
    let names_roles = !claims.roles.is_empty();
    let claimed: Vec<Role> = claims.roles.iter().filter_map(|r| Role::parse(r)).collect();
    let (organisation_id, roles) = match claims.worker_id {
        Some(worker_id) => {
            // One row per stored role (one with no role when the worker holds none).
            let rows: Vec<(bool, Uuid, String, Option<Role>)> = worker::Entity::find_by_id(worker_id)
                .select_only()
                .column(worker::Column::Active)
                .column(organisation::Column::Id)
                .column(organisation::Column::Slug)
                .column(worker_role::Column::Role)
                .join(JoinType::InnerJoin, worker::Relation::Organisation.def())
                .join_rev(
                    JoinType::LeftJoin,
                    worker_role::Entity::belongs_to(worker::Entity)
                        .from(worker_role::Column::WorkerId)
                        .to(worker::Column::Id)
                        .into(),
                )
                .order_by_asc(worker_role::Column::Role)
                .into_tuple()
                .all(db)
                .await?;
            let (active, organisation_id, slug, _) = rows.first().ok_or_else(unknown)?;
            if *slug != claims.org || !active {
                return Err(unknown());
            }
            let stored = rows.iter().filter_map(|r| r.3);
            let roles = stored.filter(|r| !names_roles || claimed.contains(r)).collect();
            (*organisation_id, roles)
        }
        None => {
            let organisation = organisation::Entity::find()
                .filter(organisation::Column::Slug.eq(&claims.org))
                .one(db)
                .await?
                .ok_or_else(unknown)?;
            (organisation.id, claimed)
        }
    };
    Ok(Principal {
        subject: claims.sub,
        organisation_id,
        organisation_slug: claims.org,
        worker_id: claims.worker_id,
        roles,
        partner: claims.partner,
        municipality: None,
    })
}

/// A municipality user: the role MUNICIPALITY and nothing else, no worker, no partner.
fn municipality_principal(
    subject: String,
    municipality: String,
    roles: &[String],
    worker_id: Option<Uuid>,
    partner: Option<String>,
) -> AppResult<Principal> {
    // Roles of the identity provider's own (not ours) are passed over, as for workers.
    let organisation_role = roles.iter().any(|r| Role::parse(r).is_some());
    if organisation_role || !roles.iter().any(|r| r == MUNICIPALITY_ROLE) || worker_id.is_some() || partner.is_some() {
        return Err(AppError::Unauthenticated(format!(
            "a token with a municipality claim carries the role {MUNICIPALITY_ROLE} only, and no worker or partner"
        )));
    }
    Ok(Principal {
        subject,
        organisation_id: Uuid::nil(),
        organisation_slug: String::new(),
        worker_id: None,
        roles: Vec::new(),
        partner: None,
        municipality: Some(municipality),
    })
}
