//! Authentication: every way a token can be wrong is refused with 401 and UNAUTHENTICATED.

use serde_json::{Value, json};
use server::auth::{Claims, dev_issuer::DevIssuer};
use tests::*;

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
