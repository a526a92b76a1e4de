//! Tenancy and roles: an organisation's objects do not exist for another organisation's
//! workers (NOT_FOUND, never FORBIDDEN, never data), and each role reaches what it needs.

use serde_json::{Value, json};
use server::api::ids;
use tests::*;

struct Two {
    app: TestApp,
    a: Org,
    b: Org,
    family_a: Value,
}

async fn two_organisations() -> Two {
    let app = spawn_app().await;
    let a = org(&app, "a").await;
    let b = org(&app, "b").await;
    let family_a = admit(&app, &a, family_input(&a, 2)).await;
    admit(&app, &b, family_input(&b, 1)).await;
    Two { app, a, b, family_a }
}

fn code(err: &Value) -> &str {
    err["extensions"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn another_organisations_objects_are_not_found_by_any_query() {
    let Two { app, a, b, family_a } = two_organisations().await;
    let child = family_a["children"][0]["id"].clone();
    let person = family_a["members"][0]["person"]["id"].clone();
    let ids_of_a = [
        family_a["id"].clone(),
        child.clone(),
        person.clone(),
        json!(ids::encode("Location", a.secret_location.id).0),
        json!(ids::encode("Worker", a.worker.id).0),
        json!(ids::encode("Organisation", a.org.id).0),
    ];
    // Another organisation's objects are not there: null, as for an id that finds nothing.
    for id in &ids_of_a {
        let data = app.gql(&b.lead_token, "query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
        assert_eq!(data["node"], Value::Null, "node({id}): {data}");
        // The owner sees it.
        let data = app.gql(&a.lead_token, "query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
        assert_eq!(data["node"]["id"], *id);
    }
    let data =
        app.gql(&b.lead_token, "query($id: ID!) { family(id: $id) { id } }", json!({ "id": family_a["id"] })).await;
    assert_eq!(data["family"], Value::Null);
    let data = app.gql(&b.lead_token, "query($id: ID!) { child(id: $id) { id } }", json!({ "id": child })).await;
    assert_eq!(data["child"], Value::Null);

    // Lists hold only one's own organisation.
    let q = "{ families { totalCount } children { totalCount } locations { totalCount edges { node { name } } } workers { totalCount } }";
    let data = app.gql(&b.lead_token, q, json!({})).await;
    assert_eq!(data["families"]["totalCount"], 1);
    assert_eq!(data["children"]["totalCount"], 1);
    assert_eq!(data["locations"]["totalCount"], 2);
    assert_eq!(data["workers"]["totalCount"], 5);
    let log = app
        .gql(&b.lead_token, "query($id: ID!) { accessLog(personId: $id) { totalCount } }", json!({ "id": person }))
        .await;
    assert_eq!(log["accessLog"]["totalCount"], 0);
}

#[tokio::test]
async fn another_organisations_objects_cannot_be_changed() {
    let Two { app, a, b, family_a } = two_organisations().await;
    let child = family_a["children"][0]["id"].clone();
    let person = family_a["members"][0]["person"]["id"].clone();
    let location_a = ids::encode("Location", a.secret_location.id).0;
    let mutations = [
        (
            "mutation($id: ID!) { updatePerson(input: { id: $id, givenName: \"X\" }) { person { id } } }",
            json!({ "id": person }),
        ),
        (
            "mutation($id: ID!) { addFamilyMember(input: { familyId: $id, member: { role: OTHER_ADULT, givenName: \"X\", familyName: \"Y\", dateOfBirth: \"1980-01-01\" } }) { family { id } } }",
            json!({ "id": family_a["id"] }),
        ),
        (
            "mutation($id: ID!, $w: ID!) { assignResponsibleWorker(input: { childId: $id, workerId: $w }) { child { id } } }",
            json!({ "id": child, "w": Org::worker_gid(&b.worker) }),
        ),
        (
            "mutation($id: ID!) { advancePhase(input: { childId: $id, phase1ExitReason: \"x\" }) { child { id } } }",
            json!({ "id": child }),
        ),
        (
            "mutation($id: ID!, $l: ID!) { moveFamily(input: { familyId: $id, locationId: $l }) { family { id } } }",
            json!({ "id": family_a["id"], "l": ids::encode("Location", b.ambulant_location.id).0 }),
        ),
    ];
    for (m, vars) in mutations {
        let err = app.gql_error(&b.lead_token, m, vars).await;
        assert_eq!(code(&err), "NOT_FOUND", "{m}: {err}");
    }
    // Nor can B place its own family at A's location, or admit a family there.
    let family_b = app.gql(&b.lead_token, "{ families { edges { node { id } } } }", json!({})).await["families"]["edges"][0]["node"]["id"].clone();
    let err = app
        .gql_error(
            &b.lead_token,
            "mutation($id: ID!, $l: ID!) { moveFamily(input: { familyId: $id, locationId: $l }) { family { id } } }",
            json!({ "id": family_b, "l": location_a }),
        )
        .await;
    assert_eq!(code(&err), "NOT_FOUND");
    let mut input = without_bsn(family_input(&b, 1));
    input["locationId"] = json!(location_a);
    assert_eq!(code(&app.gql_error(&b.worker_token, ADMIT, json!({ "input": input })).await), "NOT_FOUND");

    // A's records are untouched.
    let data = app
        .gql(
            &a.lead_token,
            "query($id: ID!) { node(id: $id) { ... on Person { givenName } } }",
            json!({ "id": person }),
        )
        .await;
    assert_eq!(data["node"]["givenName"], "Sara");
}

#[tokio::test]
async fn roles_reach_what_they_need_and_no_more() {
    let Two { app, a, .. } = two_organisations().await;
    // An administrator manages the organisation, not case files.
    assert_eq!(code(&app.gql_error(&a.admin_token, "{ families { totalCount } }", json!({})).await), "FORBIDDEN");
    assert_eq!(app.gql(&a.admin_token, "{ locations { totalCount } }", json!({})).await["locations"]["totalCount"], 2);
    // A behavioural expert reads case files but does not admit families.
    assert_eq!(app.gql(&a.expert_token, "{ children { totalCount } }", json!({})).await["children"]["totalCount"], 2);
    let input = without_bsn(family_input(&a, 1));
    assert_eq!(code(&app.gql_error(&a.expert_token, ADMIT, json!({ "input": input })).await), "FORBIDDEN");

    // The secret address is for those who place families.
    let q = "{ locations { edges { node { secretAddress address { street } } } } }";
    let street = |data: Value| -> Vec<Value> {
        data["locations"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["node"]["secretAddress"] == true)
            .map(|e| e["node"]["address"].clone())
            .collect()
    };
    for token in [&a.worker_token, &a.lead_token, &a.admin_token] {
        assert_eq!(street(app.gql(token, q, json!({})).await), [json!({ "street": "Geheimstraat 1" })]);
    }
    assert_eq!(street(app.gql(&a.expert_token, q, json!({})).await), [Value::Null]);

    // A partner user reaches nothing without a grant.
    let mut claims = app.claims("a", &[entities::Role::TeamLead], None);
    claims.partner = Some("wijkteam-noord".into());
    let partner = app.sign(&claims);
    for q in ["{ families { totalCount } }", "{ children { totalCount } }", "{ locations { totalCount } }"] {
        assert_eq!(code(&app.gql_error(&partner, q, json!({})).await), "FORBIDDEN", "{q}");
    }
}
