//! Authentication: bearer JWTs from an OIDC issuer, mapped to a [`Principal`].

pub mod dev_issuer;
pub mod jwt;

use crate::error::{AppError, AppResult};
use entities::{Role, organisation, worker, worker_role};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};
use serde::{Deserialize, Serialize};
use std::{collections::HashMap, sync::Mutex};
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

/// Where in a token each claim Veerkracht reads beside the registered ones is found
/// (`auth.claims.*`): a claim's name, or a dotted path into nested objects, e.g. Keycloak's realm
/// roles at `realm_access.roles` or a client's at `resource_access.veerkracht.roles`. A claim
/// whose whole name matches (Entra ID's `extn.…` claims hold a dot) is taken before a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClaimNames {
    pub organisation: String,
    pub roles: String,
    pub worker_id: String,
    pub partner: String,
    pub municipality: String,
    pub name: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        Self {
            organisation: "org".into(),
            roles: "roles".into(),
            worker_id: "worker_id".into(),
            partner: "partner".into(),
            municipality: "municipality".into(),
            name: "name".into(),
        }
    }
}

/// The registered claims, always under their own names (RFC 7519).
#[derive(Deserialize)]
struct Registered {
    iss: String,
    aud: Audience,
    sub: String,
    exp: i64,
    #[serde(default)]
    iat: Option<i64>,
    #[serde(default)]
    nbf: Option<i64>,
}

impl ClaimNames {
    fn paths(&self) -> [(&'static str, &str); 6] {
        [
            ("organisation", &self.organisation),
            ("roles", &self.roles),
            ("worker_id", &self.worker_id),
            ("partner", &self.partner),
            ("municipality", &self.municipality),
            ("name", &self.name),
        ]
    }

    /// Refuses names that would read one claim for two things, or a registered claim: each
    /// must be a place of its own in the token.
    pub fn check(&self) -> anyhow::Result<()> {
        let registered = ["iss", "aud", "sub", "exp", "iat", "nbf"];
        let within = |path: &str, other: &str| path == other || path.starts_with(&format!("{other}."));
        for (i, (setting, path)) in self.paths().into_iter().enumerate() {
            anyhow::ensure!(!path.is_empty(), "auth.claims.{setting} is empty");
            if let Some(claim) = registered.iter().find(|r| within(path, r)) {
                anyhow::bail!("auth.claims.{setting} ({path}) would read the registered claim {claim}");
            }
            for (other_setting, other) in self.paths().into_iter().skip(i + 1) {
                anyhow::ensure!(
                    !within(path, other) && !within(other, path),
                    "auth.claims.{setting} ({path}) and auth.claims.{other_setting} ({other}) overlap"
                );
            }
        }
        Ok(())
    }

    /// Reads a token's payload into [`Claims`]; the error names the claim that is malformed.
    pub fn read(&self, payload: serde_json::Value) -> Result<Claims, String> {
        let text = |path: &str| match lookup(&payload, path) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("the claim {path} is not a string")),
        };
        // One role may come as a string (some providers send a lone value so).
        let roles = match lookup(&payload, &self.roles) {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::String(role)) => vec![role.clone()],
            Some(serde_json::Value::Array(roles)) => {
                roles.iter().filter_map(|r| r.as_str().map(str::to_string)).collect()
            }
            Some(_) => return Err(format!("the claim {} is not a list of roles", self.roles)),
        };
        let worker_id = text(&self.worker_id)?
            .map(|id| Uuid::parse_str(&id).map_err(|_| format!("the claim {} is not a worker id", self.worker_id)))
            .transpose()?;
        // Keycloak's organisations come as a list of aliases, or an object keyed by alias.
        let organisation = match lookup(&payload, &self.organisation) {
            Some(serde_json::Value::Array(list)) if list.len() == 1 && list[0].is_string() => {
                list[0].as_str().map(str::to_string)
            }
            Some(serde_json::Value::Object(map)) if map.len() == 1 => map.keys().next().cloned(),
            Some(serde_json::Value::Array(_) | serde_json::Value::Object(_)) => {
                return Err(format!("the claim {} does not name one organisation", self.organisation));
            }
            _ => text(&self.organisation)?,
        };
        let (partner, municipality, name) = (text(&self.partner)?, text(&self.municipality)?, text(&self.name)?);
        let registered: Registered =
            serde_json::from_value(payload).map_err(|e| format!("registered claims malformed: {e}"))?;
        Ok(Claims {
            iss: registered.iss,
            aud: registered.aud,
            sub: registered.sub,
            exp: registered.exp,
            iat: registered.iat,
            nbf: registered.nbf,
            org: organisation.unwrap_or_default(),
            roles,
            worker_id,
            partner,
            municipality,
            name,
        })
    }

    /// A token's payload with the claims where [`read`](Self::read) looks for them: what the
    /// development issuer signs, so that its tokens follow the configured names too.
    pub fn write(&self, claims: &Claims) -> serde_json::Value {
        let mut payload =
            serde_json::json!({ "iss": claims.iss, "aud": claims.aud, "sub": claims.sub, "exp": claims.exp });
        let values: [Option<serde_json::Value>; 6] = [
            Some(claims.org.clone().into()),
            Some(claims.roles.clone().into()),
            claims.worker_id.map(|w| w.to_string().into()),
            claims.partner.clone().map(Into::into),
            claims.municipality.clone().map(Into::into),
            claims.name.clone().map(Into::into),
        ];
        let registered = [("iat", claims.iat.map(Into::into)), ("nbf", claims.nbf.map(Into::into))];
        // Paths do not overlap (`check`), so each step goes through an object or a new one.
        let mapped = self.paths().into_iter().map(|(_, path)| path).zip(values);
        for (path, value) in registered.into_iter().chain(mapped) {
            let Some(value) = value else { continue };
            let mut parts = path.split('.').peekable();
            let mut object = &mut payload;
            while let Some(part) = parts.next() {
                if parts.peek().is_none() {
                    object[part] = value;
                    break;
                }
                object = &mut object[part];
            }
        }
        payload
    }
}

/// The value at `path`: the claim of that whole name, else the dotted path through objects.
fn lookup<'a>(payload: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    payload.get(path).or_else(|| path.split('.').try_fold(payload, |value, part| value.get(part)))
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
#[derive(Debug, Clone, PartialEq)]
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

/// What is known of each token until it expires: its checked claims (see `jwt`), and the
/// principal it had at its last request on this instance (see `http::graphql`: a query runs
/// for it while the principal is read again beside it, and the answer leaves only when the two
/// agree; nothing here is trusted alone, so instances need not tell each other of a change).
/// Past `MAX` tokens, those expired are dropped, and then all.
pub struct PerToken<T> {
    /// By token: the value, and until when it holds (Unix seconds).
    entries: Mutex<HashMap<String, (T, u64)>>,
}

pub type KnownPrincipals = PerToken<Principal>;

impl<T> Default for PerToken<T> {
    fn default() -> Self {
        Self { entries: Mutex::default() }
    }
}

impl<T: Clone> PerToken<T> {
    const MAX: usize = 10_000;

    pub fn get(&self, token: &str) -> Option<T> {
        let now = jsonwebtoken::get_current_timestamp();
        self.lock().get(token).filter(|(_, until)| *until > now).map(|(value, _)| value.clone())
    }

    pub fn insert(&self, token: &str, value: T, until: u64) {
        let mut entries = self.lock();
        if entries.len() >= Self::MAX && !entries.contains_key(token) {
            let now = jsonwebtoken::get_current_timestamp();
            entries.retain(|_, (_, until)| *until > now);
            if entries.len() >= Self::MAX {
                entries.clear();
            }
        }
        entries.insert(token.to_string(), (value, until));
    }

    pub fn remove(&self, token: &str) {
        self.lock().remove(token);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (T, u64)>> {
        // Each change is one call on the map: a panic elsewhere cannot leave it half-changed.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims() -> Claims {
        Claims {
            iss: "https://idp.example/realms/veerkracht".into(),
            aud: Audience::Many(vec!["veerkracht".into(), "account".into()]),
            sub: "8c1f".into(),
            exp: 2_000_000_000,
            iat: None,
            nbf: Some(1_900_000_000),
            org: "haven".into(),
            roles: vec!["TEAM_LEAD".into(), "offline_access".into()],
            worker_id: Some(Uuid::from_u128(7)),
            partner: None,
            municipality: None,
            name: Some("Ada".into()),
        }
    }

    fn keycloak() -> ClaimNames {
        ClaimNames {
            organisation: "organization".into(),
            roles: "realm_access.roles".into(),
            worker_id: "veerkracht.worker_id".into(),
            ..ClaimNames::default()
        }
    }

    #[test]
    fn claims_written_under_the_configured_names_read_back_the_same() {
        for names in [ClaimNames::default(), keycloak()] {
            let payload = names.write(&claims());
            let back = names.read(payload.clone()).unwrap();
            assert_eq!(serde_json::to_value(back).unwrap(), serde_json::to_value(claims()).unwrap(), "{payload}");
        }
        let payload = keycloak().write(&claims());
        assert_eq!(payload["realm_access"]["roles"], json!(["TEAM_LEAD", "offline_access"]));
        assert_eq!(payload["veerkracht"]["worker_id"], Uuid::from_u128(7).to_string());
        assert!(payload.get("roles").is_none() && payload.get("org").is_none());
    }

    #[test]
    fn an_organisation_comes_as_a_name_a_list_of_one_or_an_object_of_one() {
        let names = keycloak();
        let base = json!({ "iss": "i", "aud": "a", "sub": "s", "exp": 1 });
        let with = |organisation: serde_json::Value| {
            let mut payload = base.clone();
            payload["organization"] = organisation;
            names.read(payload)
        };
        assert_eq!(with(json!("haven")).unwrap().org, "haven");
        assert_eq!(with(json!(["haven"])).unwrap().org, "haven");
        assert_eq!(with(json!({ "haven": { "id": "42" } })).unwrap().org, "haven");
        assert!(with(json!(["haven", "anker"])).unwrap_err().contains("organization"));
        assert!(with(json!(7)).unwrap_err().contains("organization"));
        // A claim whose whole name holds a dot is found before a path (Entra ID's `extn.…`).
        let entra = ClaimNames { organisation: "extn.veerkrachtOrganisation".into(), ..ClaimNames::default() };
        let mut payload = base.clone();
        payload["extn.veerkrachtOrganisation"] = json!("haven");
        assert_eq!(entra.read(payload).unwrap().org, "haven");
    }

    #[test]
    fn malformed_claims_are_named() {
        let names = ClaimNames::default();
        let base = json!({ "iss": "i", "aud": "a", "sub": "s", "exp": 1 });
        let read = |claim: &str, value: serde_json::Value| {
            let mut payload = base.clone();
            payload[claim] = value;
            names.read(payload)
        };
        assert!(read("roles", json!(3)).unwrap_err().contains("roles"));
        assert!(read("worker_id", json!("w-12")).unwrap_err().contains("worker_id"));
        assert!(read("partner", json!(["a"])).unwrap_err().contains("partner"));
        assert_eq!(read("roles", json!("TEAM_LEAD")).unwrap().roles, ["TEAM_LEAD"]);
        assert!(names.read(json!({ "iss": "i", "aud": "a", "exp": 1 })).unwrap_err().contains("sub"));
    }

    #[test]
    fn names_that_overlap_or_read_a_registered_claim_are_refused() {
        assert!(ClaimNames::default().check().is_ok() && keycloak().check().is_ok());
        let overlap = ClaimNames { roles: "veerkracht".into(), ..keycloak() };
        assert!(overlap.check().unwrap_err().to_string().contains("overlap"));
        let same = ClaimNames { partner: "org".into(), ..ClaimNames::default() };
        assert!(same.check().is_err());
        let registered = ClaimNames { name: "sub".into(), ..ClaimNames::default() };
        assert!(registered.check().unwrap_err().to_string().contains("registered"));
        let empty = ClaimNames { roles: String::new(), ..ClaimNames::default() };
        assert!(empty.check().is_err());
    }

    /// Full, the map drops the tokens that expired, and only when none did, all of them; a
    /// value past its time is not given out.
    #[test]
    fn tokens_kept_are_bounded_and_expire() {
        let known = PerToken::<u32>::default();
        let later = jsonwebtoken::get_current_timestamp() + 3600;
        known.insert("expired", 0, 1);
        assert_eq!(known.get("expired"), None);
        for i in 1..PerToken::<u32>::MAX {
            known.insert(&i.to_string(), i as u32, later);
        }
        known.insert("new", 1, later);
        assert_eq!(known.get("1"), Some(1), "a token still valid was dropped");
        assert_eq!(known.lock().len(), PerToken::<u32>::MAX);
        known.insert("newer", 2, later);
        assert_eq!(known.lock().len(), 1);
        assert_eq!(known.get("newer"), Some(2));
        known.remove("newer");
        assert_eq!(known.get("newer"), None);
    }
}
