//! NEN 7513: every read and change of a person's record is logged, append-only and
//! hash-chained; the chain's verification notices tampering.

use sea_orm::ConnectionTrait;
use serde_json::json;
use tests::*;

const LOG: &str = "query($id: ID!) { accessLog(personId: $id, first: 100) { totalCount edges { node { \
    seq action area ground actorSubject actorWorkerId actorRoles requestId clientAddress userAgent hash prevHash } } } }";
const VERIFY: &str = "{ verifyAccessLog { valid entriesChecked firstBrokenSeq } }";

#[tokio::test]
async fn reads_and_changes_are_logged_with_who_what_where_and_why() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let family = admit(&app, &org, family_input(&org, 1)).await;
    let child = family["children"][0]["id"].clone();

    let res = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&org.expert_token)
        .header("user-agent", "case-ui/1.0")
        .json(&json!({ "query": "query($id: ID!) { child(id: $id) { person { givenName } custodians { givenName } } }", "variables": { "id": child } }))
        .send()
        .await
        .unwrap();
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(res.json::<serde_json::Value>().await.unwrap()["errors"].is_null());

    let log = app.gql(&org.lead_token, LOG, json!({ "id": child })).await["accessLog"].clone();
    let entries: Vec<_> = log["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect();
    let created: Vec<_> = entries.iter().filter(|e| e["action"] == "CREATE").map(|e| e["area"].as_str().unwrap()).collect();
    assert_eq!(created, ["identity", "custody", "trajectory"]);
    assert!(entries.iter().all(|e| e["actorSubject"] == org.worker.id.to_string() || e["action"] == "READ"));

    let reads: Vec<_> = entries.iter().filter(|e| e["requestId"] == request_id.as_str()).collect();
    let mut areas: Vec<_> = reads.iter().map(|e| e["area"].as_str().unwrap()).collect();
    areas.sort();
    assert_eq!(areas, ["custody", "identity"]);
    for e in reads {
        assert_eq!(e["action"], "READ");
        assert_eq!(e["ground"], "role:BEHAVIOURAL_EXPERT");
        assert_eq!(e["actorRoles"], json!(["BEHAVIOURAL_EXPERT"]));
        assert_eq!(e["actorWorkerId"], Org::worker_gid(&org.expert));
        assert_eq!(e["clientAddress"], "127.0.0.1");
        assert_eq!(e["userAgent"], "case-ui/1.0");
    }

    // Only roles that check access may read the log.
    let err = app.gql_error(&org.worker_token, LOG, json!({ "id": child })).await;
    assert_eq!(err["extensions"]["code"], "FORBIDDEN");

    // Changing a record logs an UPDATE.
    let mum = family["members"][0]["person"]["id"].clone();
    app.gql(&org.worker_token, "mutation($id: ID!) { updatePerson(input: { id: $id, givenName: \"Sarah\" }) { id } }", json!({ "id": mum }))
        .await;
    let log = app.gql(&org.lead_token, LOG, json!({ "id": mum })).await;
    assert!(log["accessLog"]["edges"].as_array().unwrap().iter().any(|e| e["node"]["action"] == "UPDATE"));
}

#[tokio::test]
async fn the_chain_is_intact_append_only_and_tampering_is_detected() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let family = admit(&app, &org, family_input(&org, 2)).await;
    app.gql(&org.lead_token, "{ families { edges { node { members { person { givenName } } } } } }", json!({})).await;

    let report = app.gql(&org.admin_token, VERIFY, json!({})).await["verifyAccessLog"].clone();
    assert_eq!(report["valid"], true, "{report}");
    let total = report["entriesChecked"].as_i64().unwrap();
    assert!(total >= 10, "{report}");

    // Each entry carries the previous entry's hash.
    let log = app.gql(&org.lead_token, LOG, json!({ "id": family["children"][0]["id"] })).await;
    let edges = log["accessLog"]["edges"].as_array().unwrap();
    assert_eq!(edges[0]["node"]["seq"], 2, "the mother was logged first");
    assert_eq!(edges[0]["node"]["prevHash"].as_str().unwrap().len(), 64);

    // The database refuses to rewrite history.
    assert!(app.db.execute_unprepared("UPDATE access_log SET area = 'x'").await.is_err());
    assert!(app.db.execute_unprepared("DELETE FROM access_log").await.is_err());

    // Someone with enough power to disable the guard still cannot hide a change.
    let (disable, enable) = match database_kind() {
        "postgres" => (
            "ALTER TABLE access_log DISABLE TRIGGER access_log_no_update",
            "ALTER TABLE access_log ENABLE TRIGGER access_log_no_update",
        ),
        _ => ("DROP TRIGGER access_log_no_update", "SELECT 1"),
    };
    app.db.execute_unprepared(disable).await.unwrap();
    app.db.execute_unprepared("UPDATE access_log SET ground = 'override' WHERE seq = 5").await.unwrap();
    app.db.execute_unprepared(enable).await.unwrap();
    let report = app.gql(&org.admin_token, VERIFY, json!({})).await["verifyAccessLog"].clone();
    assert_eq!(report["valid"], false);
    assert_eq!(report["firstBrokenSeq"], 5);
}

#[tokio::test]
async fn removing_the_newest_entries_is_detected() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    admit(&app, &org, family_input(&org, 1)).await;
    let disable = match database_kind() {
        "postgres" => "ALTER TABLE access_log DISABLE TRIGGER access_log_no_update",
        _ => "DROP TRIGGER access_log_no_delete",
    };
    app.db.execute_unprepared(disable).await.unwrap();
    app.db.execute_unprepared("DELETE FROM access_log WHERE seq = (SELECT MAX(seq) FROM access_log)").await.unwrap();
    let report = app.gql(&org.admin_token, VERIFY, json!({})).await["verifyAccessLog"].clone();
    assert_eq!(report["valid"], false, "{report}");
}
