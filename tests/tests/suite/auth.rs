//! Authentication: every way a token can be wrong is refused with 401 and UNAUTHENTICATED.

use serde_json::{Value, json};
use server::auth::{Claims, dev_issuer::DevIssuer};
use tests::{identity_provider::IdentityProvider, *};

const VIEWER: &str = "{ viewer { subject roles organisation { slug } worker { name } } }";

async fn refused(app: &TestApp, token: &str) -> Value {
    let res =
        app.client.post(app.url("/graphql")).bearer_auth(token).json(&json!({ "query": VIEWER })).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{body}");
    assert!(body.get("data").is_none(), "{body}");
    body
}

#[tokio::test]
async fn a_valid_token_identifies_the_viewer() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let data = app.gql(&org.lead_token, VIEWER, json!({})).await;
    assert_eq!(data["viewer"]["roles"], json!(["TEAM_LEAD"]));
    assert_eq!(data["viewer"]["organisation"]["slug"], "haven");
    assert_eq!(data["viewer"]["worker"]["name"], org.lead.name);
}

#[tokio::test]
async fn without_a_token_every_field_is_unauthenticated() {
    let app = spawn_app().await;
    org(&app, "haven").await;
    let (status, body) = app.post(None, "{ viewer { subject } families { totalCount } }", json!({})).await;
    assert_eq!(status, 200);
    let codes: Vec<_> =
        body["errors"].as_array().unwrap().iter().map(|e| e["extensions"]["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["UNAUTHENTICATED", "UNAUTHENTICATED"]);
}

#[tokio::test]
async fn wrong_tokens_are_refused() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let other = tests::org(&app, "anker").await;
    let base = app.claims("haven", &[entities::Role::TeamLead], Some(org.lead.id));

    let mut expired = base.clone();
    expired.exp = chrono::Utc::now().timestamp() - 120;
    refused(&app, &app.sign(&expired)).await;

    let mut audience = base.clone();
    audience.aud = "someone-else".into();
    refused(&app, &app.sign(&audience)).await;
    audience.aud = server::auth::Audience::Many(vec!["account".into(), "someone-else".into()]);
    refused(&app, &app.sign(&audience)).await;

    let mut issuer = base.clone();
    issuer.iss = "https://evil.example".into();
    refused(&app, &app.sign(&issuer)).await;

    // A valid token whose signature bytes were altered.
    let token = app.sign(&base);
    let (rest, signature) = token.rsplit_once('.').unwrap();
    let flipped: String = signature.chars().rev().collect();
    refused(&app, &format!("{rest}.{flipped}")).await;

    // Signed by a key the issuer never published.
    let dir = tempfile::tempdir().unwrap();
    let stranger = DevIssuer::load_or_create(&dir.path().join("k.pem")).unwrap();
    refused(&app, &stranger.sign(&base).unwrap()).await;

    refused(&app, "not-a-jwt").await;

    let mut unknown_org = base.clone();
    unknown_org.org = "nowhere".into();
    unknown_org.worker_id = None;
    refused(&app, &app.sign(&unknown_org)).await;

    // A worker of another organisation cannot act within this one.
    let mut foreign_worker = base.clone();
    foreign_worker.worker_id = Some(other.lead.id);
    refused(&app, &app.sign(&foreign_worker)).await;

    // A role we do not know grants nothing: the token names roles, none of them the worker's.
    let mut role = base.clone();
    role.roles = vec!["SUPERUSER".into()];
    let superuser = app.sign(&role);
    assert_eq!(app.gql(&superuser, "{ viewer { roles } }", json!({})).await["viewer"]["roles"], json!([]));
    let err = app.gql_error(&superuser, "{ families { totalCount } }", json!({})).await;
    assert_eq!(err["extensions"]["code"], "FORBIDDEN", "{err}");
}

/// Tokens as Keycloak and Entra ID issue them (issue 14, item 8): `aud` an array holding ours
/// among others, roles of the identity provider's own beside ours, no `iat`.
#[tokio::test]
async fn tokens_shaped_as_keycloak_and_entra_issue_them_are_accepted() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let mut keycloak = app.claims("haven", &[entities::Role::TeamLead], Some(org.lead.id));
    keycloak.aud = server::auth::Audience::Many(vec!["account".into(), app.config.auth.audience.clone()]);
    keycloak.roles = vec![
        "offline_access".into(),
        "uma_authorization".into(),
        "default-roles-veerkracht".into(),
        "TEAM_LEAD".into(),
    ];
    keycloak.iat = None;
    let data = app.gql(&app.sign(&keycloak), "{ viewer { roles } families { totalCount } }", json!({})).await;
    assert_eq!(data["viewer"]["roles"], json!(["TEAM_LEAD"]));

    // A municipality user of such a provider: its own roles beside MUNICIPALITY are passed over,
    // a role of an organisation's worker is not.
    let mut municipality = app.claims("", &[], None);
    municipality.municipality = Some("utrecht".into());
    municipality.roles = vec!["offline_access".into(), "MUNICIPALITY".into()];
    let (status, body) = app.post(Some(&app.sign(&municipality)), "{ viewer { subject } }", json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{body}");
    municipality.roles.push("TEAM_LEAD".into());
    refused(&app, &app.sign(&municipality)).await;
}

const WHO: &str = "{ viewer { roles organisation { slug } worker { name } } families { totalCount } }";

/// Keycloak (issue 14, item 8), from an identity provider on loopback: keys found through the
/// realm's OpenID discovery (beside an encryption key), the organisation in Keycloak's
/// `organization` claim, roles at `realm_access.roles`, the worker id from a user attribute.
#[tokio::test]
async fn keycloak_tokens_are_read_where_keycloak_puts_the_claims() {
    let idp = IdentityProvider::start().await;
    let issuer = idp.keycloak_issuer();
    let app = spawn_app_with(|c| {
        c.auth.issuer = issuer.clone();
        c.auth.audience = "veerkracht-api".into();
        c.auth.dev_issuer = Some(false);
        c.auth.claims.organisation = "organization".into();
        c.auth.claims.roles = "realm_access.roles".into();
    })
    .await;
    let org = org(&app, "haven").await;
    let now = chrono::Utc::now().timestamp();
    let realm_roles = json!(["offline_access", "uma_authorization", "default-roles-veerkracht", "TEAM_LEAD"]);
    let token = |aud: Value, organization: Value, roles: &Value| {
        idp.sign(&json!({
            "exp": now + 300, "iat": now, "auth_time": now, "jti": "onrtac:3f1b", "iss": issuer, "aud": aud,
            "sub": "0b7d6c2e-4f55-4c1d-9a51-2c1f3f7c9e10", "typ": "Bearer", "azp": "veerkracht-web",
            "sid": "9d3c", "acr": "1", "allowed-origins": ["https://app.example.nl"],
            "realm_access": { "roles": roles },
            "resource_access": { "account": { "roles": ["manage-account", "view-profile"] } },
            "scope": "openid profile email", "email_verified": true, "name": "Ada de Vries",
            "preferred_username": "ada", "organization": organization, "worker_id": org.lead.id,
        }))
    };
    let data =
        app.gql(&token(json!(["veerkracht-api", "account"]), json!(["haven"]), &realm_roles), WHO, json!({})).await;
    assert_eq!(data["viewer"]["roles"], json!(["TEAM_LEAD"]));
    assert_eq!(data["viewer"]["organisation"]["slug"], "haven");
    assert_eq!(data["viewer"]["worker"]["name"], org.lead.name);
    let keyed = token(json!("veerkracht-api"), json!({ "haven": { "id": "c0ffee" } }), &realm_roles);
    assert_eq!(app.gql(&keyed, WHO, json!({})).await["viewer"]["organisation"]["slug"], "haven");
    // The realm roles are what narrow the worker's: without TEAM_LEAD among them, none.
    let withheld = token(json!("veerkracht-api"), json!("haven"), &json!(["offline_access"]));
    assert_eq!(app.gql(&withheld, "{ viewer { roles } }", json!({})).await["viewer"]["roles"], json!([]));

    // Keycloak's audience without an audience mapper, two organisations at once, and a token
    // of the development issuer (not trusted here) are refused.
    refused(&app, &token(json!("account"), json!(["haven"]), &realm_roles)).await;
    let body = refused(&app, &token(json!("veerkracht-api"), json!(["haven", "anker"]), &realm_roles)).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("organization"), "{body}");
    refused(&app, &app.sign(&app.claims("haven", &[entities::Role::TeamLead], Some(org.lead.id)))).await;
}

/// Entra ID (issue 14, item 8): a v2.0 access token for the API's app registration — `aud` its
/// client id, app roles in `roles`, the organisation and worker id from directory extension
/// attributes as optional claims (`extn.…`); keys as the tenant publishes them (no `alg`).
#[tokio::test]
async fn entra_id_tokens_are_read_where_entra_puts_the_claims() {
    let idp = IdentityProvider::start().await;
    let tenant = "3f2b8c1e-7d4a-4e59-b0c6-1a9e5d7f2c48";
    let client_id = "a61c0f0e-5b1d-4c7b-9d0e-8f2a4c6b1e37";
    let issuer = IdentityProvider::entra_issuer(tenant);
    let jwks_url = idp.entra_jwks_url(tenant);
    let app = spawn_app_with(|c| {
        c.auth.issuer = issuer.clone();
        c.auth.audience = client_id.into();
        c.auth.jwks_url = Some(jwks_url);
        c.auth.dev_issuer = Some(false);
        c.auth.claims.organisation = "extn.veerkrachtOrganisation".into();
        c.auth.claims.worker_id = "extn.veerkrachtWorkerId".into();
    })
    .await;
    let org = org(&app, "haven").await;
    let now = chrono::Utc::now().timestamp();
    let token = |iss: &str, roles: Value| {
        idp.sign(&json!({
            "aud": client_id, "iss": iss, "iat": now, "nbf": now, "exp": now + 3600,
            "aio": "AWQAm/8", "azp": "5e2b7a90-1c3d-4f6e-8a9b-0c1d2e3f4a5b", "azpacr": "0",
            "name": "Ada de Vries", "oid": "d4c3b2a1-0f9e-4d8c-b7a6-958473625140",
            "preferred_username": "ada@haven.example.nl", "rh": "0.AU4A", "roles": roles,
            "scp": "access_as_user", "sub": "r3Yz0QzKk2w", "tid": tenant, "uti": "x9Q", "ver": "2.0",
            "extn.veerkrachtOrganisation": "haven", "extn.veerkrachtWorkerId": org.lead.id,
        }))
    };
    let data = app.gql(&token(&issuer, json!(["TEAM_LEAD"])), WHO, json!({})).await;
    assert_eq!(data["viewer"]["roles"], json!(["TEAM_LEAD"]));
    assert_eq!(data["viewer"]["organisation"]["slug"], "haven");
    assert_eq!(data["viewer"]["worker"]["name"], org.lead.name);
    let withheld = token(&issuer, json!(["Reader"]));
    assert_eq!(app.gql(&withheld, "{ viewer { roles } }", json!({})).await["viewer"]["roles"], json!([]));

    // A v1.0 token of the same tenant and a token of another tenant are refused.
    refused(&app, &token(&format!("https://sts.windows.net/{tenant}/"), json!(["TEAM_LEAD"]))).await;
    refused(
        &app,
        &token(&IdentityProvider::entra_issuer("0d1e2f3a-4b5c-4d6e-8f70-819203a4b5c6"), json!(["TEAM_LEAD"])),
    )
    .await;
}

/// A worker acts in the roles the organisation gave them: a token can narrow them, never widen
/// them (issue 11, item 3).
#[tokio::test]
async fn roles_come_from_the_worker_not_from_the_token() {
    use entities::Role::*;
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let token = |roles: &[entities::Role], worker: &entities::worker::Model| {
        app.sign(&app.claims("haven", roles, Some(worker.id)))
    };
    let roles = async |token: &str| app.gql(token, "{ viewer { roles } }", json!({})).await["viewer"]["roles"].clone();

    // A child and family worker whose token claims to lead the team and run the organisation.
    let inflated = token(&[TeamLead, OrgAdmin], &org.worker);
    assert_eq!(roles(&inflated).await, json!([]));
    let err = app.gql_error(&inflated, "{ verifyAccessLog { valid } }", json!({})).await;
    assert_eq!(err["extensions"]["code"], "FORBIDDEN", "{err}");
    let err = app.gql_error(&inflated, "{ families { totalCount } }", json!({})).await;
    assert_eq!(err["extensions"]["code"], "FORBIDDEN", "the token withheld the worker's own role: {err}");

    // The token's roles narrow what is stored; without roles the stored ones apply.
    assert_eq!(roles(&token(&[TeamLead, OrgAdmin], &org.lead)).await, json!(["TEAM_LEAD"]));
    assert_eq!(roles(&token(&[], &org.admin)).await, json!(["ORG_ADMIN"]));
    app.gql(&token(&[], &org.admin), "{ verifyAccessLog { valid } }", json!({})).await;
}

/// A query of a token seen before runs without waiting for its principal, which is read again
/// beside it: a worker whose roles changed since gets the answer of their roles now, nothing
/// read for the old ones is logged, and a worker deactivated since is refused.
#[tokio::test]
async fn a_principal_changed_since_the_token_s_last_request_is_what_counts() {
    use entities::{Role, access_event, worker, worker_role};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, sea_query::Expr};
    const PAGE: &str =
        "{ viewer { roles } families(first: 5) { edges { node { children { person { givenName } } } } } }";
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    admit(&app, &org, without_bsn(family_input(&org, 1))).await;
    let logged = async || {
        access_event::Entity::find()
            .filter(access_event::Column::ActorWorkerId.eq(org.lead.id))
            .count(&app.db)
            .await
            .unwrap()
    };

    let data = app.gql(&org.lead_token, PAGE, json!({})).await;
    assert_eq!(data["viewer"]["roles"], json!(["TEAM_LEAD"]));
    assert_eq!(data["families"]["edges"][0]["node"]["children"].as_array().unwrap().len(), 1);
    let before = logged().await;
    assert!(before > 0);

    // The lead steps down: the token still claims TEAM_LEAD, the organisation no longer gives it.
    worker_role::Entity::delete_many()
        .filter(worker_role::Column::WorkerId.eq(org.lead.id))
        .exec(&app.db)
        .await
        .unwrap();
    worker_role::ActiveModel { worker_id: Set(org.lead.id), role: Set(Role::ChildFamilyWorker) }
        .insert(&app.db)
        .await
        .unwrap();
    let (status, body) = app.post(Some(&org.lead_token), PAGE, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["viewer"]["roles"], json!([]), "{body}");
    assert_eq!(body["data"]["families"], Value::Null, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "{body}");
    assert_eq!(logged().await, before, "the page read for the old roles was logged");

    worker::Entity::update_many()
        .col_expr(worker::Column::Active, Expr::value(false))
        .filter(worker::Column::Id.eq(org.lead.id))
        .exec(&app.db)
        .await
        .unwrap();
    for _ in 0..2 {
        refused(&app, &org.lead_token).await;
    }
}

/// `nbf` and `iat` are held to the clock with the same leeway as `exp`; `iat` may be absent
/// (issue 11, item 8).
#[tokio::test]
async fn tokens_not_valid_yet_or_issued_in_the_future_are_refused() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let now = chrono::Utc::now().timestamp();
    let base = app.claims("haven", &[entities::Role::TeamLead], Some(org.lead.id));

    let body = refused(&app, &app.sign(&Claims { nbf: Some(now + 3600), ..base.clone() })).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("nbf"), "{body}");
    let body = refused(&app, &app.sign(&Claims { iat: Some(now + 5 * 365 * 86_400), ..base.clone() })).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("iat"), "{body}");

    // Within the leeway, in the past, or without `iat`: accepted.
    for claims in [
        Claims { nbf: Some(now + 10), iat: Some(now + 10), ..base.clone() },
        Claims { nbf: Some(now - 60), ..base.clone() },
        Claims { iat: None, ..base },
    ] {
        assert_eq!(
            app.gql(&app.sign(&claims), "{ viewer { roles } }", json!({})).await["viewer"]["roles"],
            json!(["TEAM_LEAD"])
        );
    }
}
