//! Issue 14, item 11: subscriptions over graphql-transport-ws — a worker's agenda, a
//! handover's and a partner message's status, new referrals — read through the policy and the
//! access log like queries, only within the subscriber's organisation, and on PostgreSQL
//! across replicas.

use super::handovers::{drafted, referral};
use integrations::youth_team::TeamMessage;
use serde_json::{Value, json};
use std::time::Duration;
use tests::{live::LiveClient, *};

fn ws(app: &TestApp) -> String {
    format!("ws://{}/graphql", app.addr)
}

const HANDOVERS: &str = "subscription($family: ID) { handoverChanged(familyId: $family) { id status childIds } }";
const MESSAGES: &str = "subscription { partnerMessageChanged { id status kind } }";

#[tokio::test]
async fn a_handover_s_status_reaches_its_subscribers_within_the_organisation() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let other = tests::org(&app, "het-anker").await;
    let team = youth_team(&app, &org).await;
    let (family, h) = drafted(&app, &org, &team, json!(["IDENTITY"])).await;

    let mut worker = LiveClient::connect(&ws(&app), &org.worker_token).await;
    worker.subscribe("h", HANDOVERS, json!({ "family": family["id"] })).await;
    let mut admin = LiveClient::connect(&ws(&app), &org.admin_token).await;
    admin.subscribe("m", MESSAGES, json!({})).await;
    let mut outsider = LiveClient::connect(&ws(&app), &other.admin_token).await;
    outsider.subscribe("h", "subscription { handoverChanged { id status } }", json!({})).await;
    outsider.subscribe("m", MESSAGES, json!({})).await;

    app.gql(
        &org.worker_token,
        "mutation($id: ID!) { sendHandover(id: $id) { handover { status } } }",
        json!({ "id": h["id"] }),
    )
    .await;
    let sent = worker.next("h").await;
    assert_eq!(sent["data"]["handoverChanged"]["status"], "SENT", "{sent}");
    assert_eq!(sent["data"]["handoverChanged"]["id"], h["id"]);
    assert_eq!(admin.next("m").await["data"]["partnerMessageChanged"]["status"], "QUEUED");

    // Delivery (the worker claims, then records): the handover follows its package. Each
    // update is read when it is sent, so the claim's may already show the delivery.
    assert_eq!(app.deliver().await, 1);
    reaches(&mut admin, "m", "partnerMessageChanged", "DELIVERED", &["SENT"]).await;
    reaches(&mut worker, "h", "handoverChanged", "DELIVERED", &["SENT"]).await;

    // The team answers through its inbox: a change made outside any request.
    let handover_id = server::api::ids::uuid_of(h["id"].as_str().unwrap(), "Handover").unwrap();
    team.sim.send("de-haven", &TeamMessage::Accepted { handover_id }).await;
    reaches(&mut worker, "h", "handoverChanged", "ACCEPTED", &["DELIVERED"]).await;
    reaches(&mut admin, "m", "partnerMessageChanged", "ACKNOWLEDGED", &["DELIVERED"]).await;

    // Another organisation's subscribers heard nothing of it.
    outsider.nothing_for(Duration::from_millis(300)).await;

    // Issue 14, item 10: what an update names is a Node, found by id under the same rules.
    let node = "query($id: ID!) { node(id: $id) { id ... on Handover { status } ... on PartnerMessage { status } } }";
    let found = app.gql(&org.worker_token, node, json!({ "id": h["id"] })).await;
    assert_eq!(found["node"]["status"], "ACCEPTED");
    assert_eq!(app.gql(&other.worker_token, node, json!({ "id": h["id"] })).await["node"], Value::Null);
    let message = app
        .gql(
            &org.worker_token,
            "query($id: ID!) { node(id: $id) { ... on Handover { message { id } } } }",
            json!({ "id": h["id"] }),
        )
        .await["node"]["message"]["id"]
        .clone();
    assert_eq!(app.gql(&org.admin_token, node, json!({ "id": message })).await["node"]["status"], "ACKNOWLEDGED");
    let refused = app.gql_error(&org.worker_token, node, json!({ "id": message })).await;
    assert_eq!(refused["extensions"]["code"], "FORBIDDEN", "partner messages are for those who follow them");
}

/// Reads updates of subscription `id` until `field`'s status is `status`, passing only through
/// `before`.
async fn reaches(live: &mut LiveClient, id: &str, field: &str, status: &str, before: &[&str]) {
    loop {
        let update = live.next(id).await;
        match update["data"][field]["status"].as_str() {
            Some(s) if s == status => return,
            Some(s) if before.contains(&s) => continue,
            _ => panic!("expected {status} (after {before:?}), got {update}"),
        }
    }
}

#[tokio::test]
async fn the_agenda_is_sent_at_once_and_again_when_it_changes_and_every_child_is_logged() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let family = admit(&app, &org, family_input(&org, 1)).await;
    let child = family["children"][0]["id"].clone();
    let query = "subscription($to: Date!) { agenda(to: $to) { kind dueOn child { id person { givenName } } } }";
    let to = (today() + chrono::Days::new(30)).to_string();

    let mut live = LiveClient::connect(&ws(&app), &org.worker_token).await;
    live.subscribe("a", query, json!({ "to": to })).await;
    let first = live.next("a").await;
    let kinds = |payload: &Value| -> Vec<String> {
        payload["data"]["agenda"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap().to_string()).collect()
    };
    assert!(!kinds(&first).is_empty() && !kinds(&first).contains(&"PLANNED_CONTACT".to_string()), "{first}");
    app.assert_persons_logged(&live.request_id, &first).await;

    // A write to another worker's child leaves this agenda as it is.
    let mut theirs = without_bsn(family_input(&org, 1));
    theirs["responsibleWorkerId"] = json!(Org::worker_gid(&org.other_worker));
    admit(&app, &org, theirs).await;
    live.nothing_for(Duration::from_millis(300)).await;

    // Planning a talk with the child changes it.
    let planned_on = (today() + chrono::Days::new(3)).to_string();
    let plan = "mutation($input: RecordContactInput!) { recordContact(input: $input) { contact { id } } }";
    app.gql(
        &org.worker_token,
        plan,
        json!({ "input": { "childId": child, "kind": "CHILD_TALK", "plannedOn": planned_on } }),
    )
    .await;
    let second = live.next("a").await;
    assert!(kinds(&second).contains(&"PLANNED_CONTACT".to_string()), "{second}");
    assert_eq!(kinds(&second).len(), kinds(&first).len() + 1);
    app.assert_persons_logged(&live.request_id, &second).await;
}

#[tokio::test]
async fn a_referral_reaches_those_who_admit_families() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let team = youth_team(&app, &org).await;
    let mut live = LiveClient::connect(&ws(&app), &org.worker_token).await;
    live.subscribe("r", "subscription { referralReceived { id status members { givenName } } }", json!({})).await;
    team.sim.send("de-haven", &referral()).await;
    let r = live.next("r").await;
    assert_eq!(r["data"]["referralReceived"]["status"], "RECEIVED", "{r}");
    assert_eq!(r["data"]["referralReceived"]["members"][1]["givenName"], "Yasmin");
}

#[tokio::test]
async fn a_connection_needs_a_valid_token_first_and_ends_when_it_expires() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;

    // No subprotocol: no upgrade.
    let res = app
        .client
        .get(app.url("/graphql"))
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    // A bad token: 4403 Forbidden, as the protocol says.
    let mut bad = LiveClient::init(&ws(&app), json!({ "Authorization": "Bearer not-a-token" })).await;
    assert_eq!(bad.closed().await.0, 4403);
    // No token at all: the same.
    let mut none = LiveClient::init(&ws(&app), json!({})).await;
    assert_eq!(none.closed().await.0, 4403);
    // A subscription before the handshake: 4401 Unauthorized.
    let mut early = LiveClient::open(&ws(&app)).await;
    early.send(json!({ "id": "1", "type": "subscribe", "payload": { "query": MESSAGES } })).await;
    assert_eq!(early.closed().await.0, 4401);

    // Not a message of the protocol: 4400, with a reason that fits a close frame (at most 123
    // bytes, however long what the client sent).
    let mut garbled = LiveClient::connect(&ws(&app), &org.worker_token).await;
    garbled.send(json!({ "type": "x".repeat(300) })).await;
    let (code, reason) = garbled.closed().await;
    assert_eq!(code, 4400, "{reason}");
    assert!(reason.len() <= 123, "{} bytes", reason.len());

    // A role the field's policy refuses: that subscription ends with FORBIDDEN, the connection
    // stays, and the error is counted as over HTTP.
    let forbidden = async || {
        let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        let line = metrics.lines().find(|l| l.starts_with("veerkracht_graphql_errors_total{code=\"FORBIDDEN\"}"));
        line.and_then(|l| l.rsplit(' ').next()?.parse::<u64>().ok()).expect("the FORBIDDEN counter")
    };
    let before = forbidden().await;
    let mut worker = LiveClient::connect(&ws(&app), &org.worker_token).await;
    worker.send(json!({ "id": "m", "type": "subscribe", "payload": { "query": MESSAGES } })).await;
    let refused = worker.receive().await;
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
    assert_eq!(worker.receive().await["type"], "complete");
    assert_eq!(forbidden().await, before + 1);

    // A token about to expire: the server closes the connection when it does.
    let mut claims = app.claims("de-haven", &[entities::Role::ChildFamilyWorker], Some(org.worker.id));
    claims.exp = chrono::Utc::now().timestamp() + 2;
    let mut short = LiveClient::connect(&ws(&app), &app.sign(&claims)).await;
    let (code, reason) = short.closed().await;
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.contains("expired"), "{reason}");
}

/// Several replicas on one PostgreSQL database: a change made through one reaches the
/// subscribers of another (LISTEN/NOTIFY). SQLite runs as one process, so there is nothing to
/// share there.
#[tokio::test]
async fn on_postgres_a_change_through_one_replica_reaches_the_subscribers_of_another() {
    if database_kind() != "postgres" {
        return;
    }
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let replica = spawn_replica(&app).await;
    let family = admit(&app, &org, family_input(&org, 1)).await;
    let child = family["children"][0]["id"].clone();
    let query = "subscription($to: Date!) { agenda(to: $to) { kind } }";
    let mut live = LiveClient::connect(&ws(&replica), &org.worker_token).await;
    live.subscribe("a", query, json!({ "to": (today() + chrono::Days::new(30)).to_string() })).await;
    let before = live.next("a").await["data"]["agenda"].as_array().unwrap().len();
    let plan = "mutation($input: RecordContactInput!) { recordContact(input: $input) { contact { id } } }";
    let planned_on = (today() + chrono::Days::new(3)).to_string();
    app.gql(
        &org.worker_token,
        plan,
        json!({ "input": { "childId": child, "kind": "CHILD_TALK", "plannedOn": planned_on } }),
    )
    .await;
    assert_eq!(live.next("a").await["data"]["agenda"].as_array().unwrap().len(), before + 1);

    // A refused change announces nothing.
    let bad =
        json!({ "input": { "childId": child, "kind": "CHILD_TALK", "plannedOn": planned_on, "durationMinutes": 0 } });
    app.gql_error(&org.worker_token, plan, bad).await;
    live.nothing_for(Duration::from_millis(500)).await;
}

/// The graphql-ws library's own client (what frontends use) speaks to the server: a refused
/// token closes with 4403, the agenda comes at once and again after a change.
#[tokio::test]
async fn the_graphql_ws_client_subscribes_to_the_agenda() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let family = admit(&app, &org, family_input(&org, 1)).await;
    let child = family["children"][0]["id"].as_str().unwrap().to_string();
    let dir = tests::npm_package("graphql-ws");
    let args = [ws(&app), app.url("/graphql"), org.worker_token.clone(), child];
    let run = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg("client.mjs")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("this test needs Node.js")
    })
    .await
    .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{}\n{out}", String::from_utf8_lossy(&run.stderr));
    let seen: Value = serde_json::from_str(out.trim()).expect("one JSON line");
    assert_eq!(seen["refused"], 4403, "{seen}");
    assert_eq!(seen["errors"], json!([]), "{seen}");
    let (first, second) = (seen["first"].as_array().unwrap(), seen["second"].as_array().unwrap());
    assert!(!first.is_empty(), "{seen}");
    assert_eq!(second.len(), first.len() + 1, "{seen}");
    assert!(second.contains(&json!("PLANNED_CONTACT")), "{seen}");
}

/// An id names one operation while it runs: a second `subscribe` with it closes the connection
/// with 4409, as the protocol says; once the operation completed the id is free again.
#[tokio::test]
async fn a_subscribe_with_an_id_in_use_closes_the_connection() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let mut live = LiveClient::connect(&ws(&app), &org.admin_token).await;
    live.subscribe("a", MESSAGES, json!({})).await;
    live.send(json!({ "id": "a", "type": "complete" })).await;
    live.subscribe("a", MESSAGES, json!({})).await;
    // An operation the server completed (a query answers once) frees its id too.
    for _ in 0..2 {
        live.subscribe("q", "{ __typename }", json!({})).await;
        while live.receive().await != json!({ "id": "q", "type": "complete" }) {}
    }
    live.send(json!({ "id": "a", "type": "subscribe", "payload": { "query": MESSAGES } })).await;
    assert_eq!(live.closed().await, (4409, "Subscriber for a already exists".to_string()));
}

/// A client whose network went away answers no ping: its connection ends one interval later,
/// and with it the reads its subscriptions would make; a client that answers stays connected.
#[tokio::test]
async fn a_client_that_answers_no_ping_is_dropped() {
    let app = spawn_app_with(|c| c.limits.live_ping_seconds = 1).await;
    let org = org(&app, "de-haven").await;
    let mut answering = LiveClient::connect(&ws(&app), &org.admin_token).await;
    answering.subscribe("m", MESSAGES, json!({})).await;
    let mut silent = LiveClient::connect(&ws(&app), &org.admin_token).await;
    silent.subscribe("m", MESSAGES, json!({})).await;
    let open = async || {
        let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        metrics.lines().find_map(|l| l.strip_prefix("veerkracht_live_connections ")?.parse::<u64>().ok()).unwrap()
    };
    assert_eq!(open().await, 2);
    answering.listen_for(Duration::from_millis(3500)).await;
    assert_eq!(open().await, 1, "the silent one is gone");
    assert!(silent.dropped().await, "dropped without a close handshake");
    answering.subscribe("n", MESSAGES, json!({})).await;
}

/// A server shutting down (SIGTERM) closes its subscriptions with 1012 "service restart", on
/// which graphql-ws clients connect again — to another replica — rather than holding the
/// shutdown up or dropping the connection unannounced.
#[tokio::test]
async fn a_server_shutting_down_closes_its_subscriptions_for_the_clients_to_reconnect() {
    let mut app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let mut live = LiveClient::connect(&ws(&app), &org.admin_token).await;
    live.subscribe("m", MESSAGES, json!({})).await;
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("\nveerkracht_live_connections 1\n"), "{metrics}");
    tokio::time::timeout(Duration::from_secs(10), app.shut_down()).await.expect("the shutdown is not held up");
    assert_eq!(live.closed().await.0, 1012);
}

/// A worker deactivated while connected loses the connection within the re-check interval.
#[tokio::test]
async fn a_deactivated_worker_s_connection_is_closed() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let app = spawn_app_with(|c| c.limits.live_recheck_seconds = 1).await;
    let org = org(&app, "de-haven").await;
    let mut live = LiveClient::connect(&ws(&app), &org.worker_token).await;
    live.subscribe("h", HANDOVERS, json!({})).await;
    entities::worker::Entity::update_many()
        .col_expr(entities::worker::Column::Active, Expr::value(false))
        .filter(entities::worker::Column::Id.eq(org.worker.id))
        .exec(&app.db)
        .await
        .unwrap();
    let (code, reason) = live.closed().await;
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.contains("access changed"), "{reason}");
}
