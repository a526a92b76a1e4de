//! Chain partners, consent, delivery and the Verwijsindex, end to end over GraphQL against
//! the Verwijsindex simulator on loopback.

use entities::{MessageStatus, inbox_message, outbox_message};
use integrations::{
    signing,
    simulator::{Availability, SimClient, verwijsindex::Verwijsindex},
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::sync::Arc;
use tests::*;

const CLIENT_SECRET: &str = "client-secret-of-the-shelter";

struct Partner {
    uuid: uuid::Uuid,
    inbox_url: String,
    signing_secret: String,
}

async fn simulator() -> (Arc<Verwijsindex>, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (vi, addr) = Verwijsindex::start(listener).await.unwrap();
    (vi, format!("http://{addr}"))
}

const CREATE_PARTNER: &str = "mutation($input: ChainPartnerInput!) { createChainPartner(input: $input) { chainPartner {
    id slug kind adapter hasClientSecret hasSigningSecret inboxUrl capabilities { sends receives } } } }";

/// Registers the simulator as the organisation's Verwijsindex (as its admin would) and the
/// organisation as a client of the simulator.
async fn connect_verwijsindex(app: &TestApp, org: &Org, vi: &Verwijsindex, base: &str) -> Partner {
    let slug = org.org.slug.clone();
    let signing_secret = format!("signing-secret-{slug}-0123456789");
    let input = json!({
        "slug": "verwijsindex", "name": "Verwijsindex Utrecht", "kind": "VERWIJSINDEX", "adapter": "VERWIJSINDEX",
        "endpointUrl": base, "tokenUrl": format!("{base}/oauth/token"), "clientId": slug,
        "clientSecret": CLIENT_SECRET, "signingSecret": signing_secret,
        "contactPersons": [{ "name": "Servicedesk", "role": "beheer", "phone": "030-0000000", "email": null }],
    });
    let p = app.gql(&org.admin_token, CREATE_PARTNER, json!({ "input": input })).await["createChainPartner"]["chainPartner"].clone();
    assert_eq!(p["hasClientSecret"], true);
    assert_eq!(p["capabilities"]["sends"], json!(["REFERENCE_INDEX_REGISTER", "REFERENCE_INDEX_WITHDRAW"]));
    let inbox_url = p["inboxUrl"].as_str().unwrap().to_string();
    vi.common.add_client(SimClient {
        client_id: slug.clone(),
        client_secret: CLIENT_SECRET.into(),
        signing_secret: signing_secret.clone(),
        callback_url: Some(inbox_url.clone()),
    });
    let uuid = inbox_url.trim_end_matches("/inbox").rsplit('/').next().unwrap().parse().unwrap();
    Partner { uuid, inbox_url, signing_secret }
}

/// A family of a mother and one child, both with a BSN.
fn family_with_bsns(org: &Org, mother: &str, child: &str) -> Value {
    let mut input = family_input(org, 1);
    input["members"][0]["bsn"] = json!(mother);
    input["members"][1]["bsn"] = json!(child);
    input
}

const SIGNALS: &str = "query($id: ID!) { node(id: $id) { ... on Child { referenceIndexSignals {
    id status contactName contactEmail endOn parentInformedOn parentInformedBy { name }
    matches { kind otherOrganisation otherContactName otherContactEmail }
    messages { kind status attempts lastError } } } } }";

async fn signals(app: &TestApp, token: &str, child: &str) -> Vec<Value> {
    app.gql(token, SIGNALS, json!({ "id": child })).await["node"]["referenceIndexSignals"].as_array().unwrap().clone()
}

async fn set_register_at_admission(app: &TestApp, org: &Org) {
    let q = "mutation { setReferenceIndexPolicy(input: { registerAtAdmission: true, contactPhone: \"030-1234567\" }) { referenceIndexPolicy { registerAtAdmission contactPhone } } }";
    app.gql(&org.admin_token, q, json!({})).await;
}

const REGISTER: &str = "mutation($input: RegisterReferenceIndexSignalInput!) { registerReferenceIndexSignal(input: $input) { referenceIndexSignal { id status } } }";

#[tokio::test]
async fn admitting_with_bsns_registers_signals_and_a_second_organisation_yields_matches() {
    let app = spawn_app().await;
    let (vi, base) = simulator().await;
    let haven = org(&app, "de-haven").await;
    let anker = org(&app, "het-anker").await;
    connect_verwijsindex(&app, &haven, &vi, &base).await;
    connect_verwijsindex(&app, &anker, &vi, &base).await;
    set_register_at_admission(&app, &haven).await;
    let (mum, child, sibling) = (bsn(1), bsn(2), bsn(3));
    vi.set_parents(&child, &[&mum]);
    vi.set_parents(&sibling, &[&mum]);

    // De Haven admits mother and child: the policy queues a registration in the same transaction.
    let family = admit(&app, &haven, family_with_bsns(&haven, &mum, &child)).await;
    let child_id = family["children"][0]["id"].as_str().unwrap().to_string();
    let s = signals(&app, &haven.worker_token, &child_id).await;
    assert_eq!(s.len(), 1);
    assert_eq!(s[0]["status"], "REQUESTED");
    assert_eq!(s[0]["messages"][0]["status"], "QUEUED");
    assert_eq!(app.deliver().await, 1);

    // The index confirms asynchronously: the message is acknowledged, the signal registered.
    vi.common.settled().await;
    let s = signals(&app, &haven.worker_token, &child_id).await;
    assert_eq!(s[0]["status"], "REGISTERED");
    assert_eq!(s[0]["messages"][0]["status"], "ACKNOWLEDGED");
    assert_eq!(s[0]["contactName"], haven.worker.name.as_str());

    // Only the fact of involvement went out: exactly these fields.
    let sent = vi.common.received();
    let mut keys: Vec<&String> = sent[0].body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["bsn", "contact", "endOn", "signalId", "startOn"]);
    assert_eq!(sent[0].body["bsn"], child.as_str());
    assert_eq!(sent[0].body["contact"]["phone"], "030-1234567");

    // Het Anker registers the same child (their own record of her) and a sibling.
    let mut theirs = family_with_bsns(&anker, &bsn(4), &child);
    theirs["members"].as_array_mut().unwrap().push(json!({
        "role": "CHILD", "givenName": "Broer", "familyName": "Jansen", "dateOfBirth": years_ago(9),
        "bsn": sibling, "custodianRefs": ["mum"],
    }));
    let their_family = admit(&app, &anker, theirs).await;
    for c in their_family["children"].as_array().unwrap() {
        app.gql(&anker.worker_token, REGISTER, json!({ "input": { "childId": c["id"] } })).await;
    }
    assert_eq!(app.deliver().await, 2);

    vi.common.settled().await;
    let matches = signals(&app, &haven.worker_token, &child_id).await[0]["matches"].as_array().unwrap().clone();
    assert_eq!(matches.len(), 2, "{matches:?}");
    let kinds: Vec<&str> = matches.iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"MATCH") && kinds.contains(&"FAMILY_MATCH"), "{matches:?}");
    assert!(matches.iter().all(|m| m["otherOrganisation"] == "Organisation het-anker"));
    // Issue 14, item 10: the signal and its matches are Nodes.
    let kinds = child_records_are_nodes(&app, &haven.worker_token, &json!(child_id)).await;
    assert!(kinds.contains("ReferenceIndexSignal") && kinds.contains("ReferenceIndexMatch"), "{kinds:?}");
    assert_eq!(matches[0]["otherContactName"], anker.worker.name.as_str());

    // Het Anker's child got the match the other way round.
    let their_child = their_family["children"][0]["id"].as_str().unwrap();
    let theirs = signals(&app, &anker.worker_token, their_child).await;
    assert_eq!(theirs[0]["matches"][0]["otherOrganisation"], "Organisation de-haven");

    // The registration was a share of identity on the statutory ground, in the access log.
    let exports: Vec<_> = access_log(&app.db)
        .await
        .into_iter()
        .filter(|e| e.organisation_id == haven.org.id && e.action == entities::AccessAction::Export)
        .collect();
    assert_eq!(exports.len(), 1);
    assert_eq!((exports[0].area.as_str(), exports[0].ground.as_str()), ("IDENTITY", "statute:jeugdwet-7.1.3.1"));
}

#[tokio::test]
async fn a_signal_needs_a_bsn_is_informed_and_withdrawn_with_a_code_only() {
    let app = spawn_app().await;
    let (vi, base) = simulator().await;
    let org = org(&app, "de-haven").await;
    let without = admit(&app, &org, family_input(&org, 1)).await;
    let no_bsn = without["children"][0]["id"].as_str().unwrap();
    let e = app.gql_error(&org.worker_token, REGISTER, json!({ "input": { "childId": no_bsn } })).await;
    assert_eq!(e["extensions"]["code"], "CONFLICT", "no Verwijsindex partner yet: {e}");
    connect_verwijsindex(&app, &org, &vi, &base).await;
    let e = app.gql_error(&org.worker_token, REGISTER, json!({ "input": { "childId": no_bsn } })).await;
    assert_eq!(
        (e["extensions"]["code"].as_str(), e["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("input.childId")),
        "{e}"
    );

    let family = admit(&app, &org, without_bsn(family_with_bsns(&org, &bsn(1), &bsn(2)))).await;
    let child = family["children"][0]["id"].as_str().unwrap();
    assert!(signals(&app, &org.worker_token, child).await.is_empty(), "no policy, no registration at admission");
    let too_long = json!({ "input": { "childId": child, "endOn": (today() + chrono::Days::new(800)).to_string() } });
    let e = app.gql_error(&org.worker_token, REGISTER, too_long).await;
    assert_eq!(e["extensions"]["field"], "input.endOn");
    let signal = app.gql(&org.worker_token, REGISTER, json!({ "input": { "childId": child } })).await["registerReferenceIndexSignal"]["referenceIndexSignal"].clone();
    let again = app.gql_error(&org.worker_token, REGISTER, json!({ "input": { "childId": child } })).await;
    assert_eq!(again["extensions"]["code"], "CONFLICT");

    let informed = "mutation($input: RecordReferenceIndexInformedInput!) { recordReferenceIndexInformed(input: $input) { referenceIndexSignal { parentInformedOn parentInformedBy { name } } } }";
    let r = app
        .gql(
            &org.worker_token,
            informed,
            json!({ "input": { "id": signal["id"], "parentInformedOn": today().to_string() } }),
        )
        .await;
    assert_eq!(
        r["recordReferenceIndexInformed"]["referenceIndexSignal"]["parentInformedBy"]["name"],
        org.worker.name.as_str()
    );
    // The child is 2: informing the child is for 12 and older.
    let e = app
        .gql_error(
            &org.worker_token,
            informed,
            json!({ "input": { "id": signal["id"], "childInformedOn": today().to_string() } }),
        )
        .await;
    assert_eq!(e["extensions"]["field"], "input.childInformedOn");

    app.deliver().await;
    let withdraw = "mutation($input: WithdrawReferenceIndexSignalInput!) { withdrawReferenceIndexSignal(input: $input) { referenceIndexSignal { status withdrawalNote } } }";
    let note = "mother asked; the situation at home is safe again";
    let w = app
        .gql(
            &org.worker_token,
            withdraw,
            json!({ "input": { "id": signal["id"], "reason": "CONCERN_RESOLVED", "note": note } }),
        )
        .await;
    assert_eq!(w["withdrawReferenceIndexSignal"]["referenceIndexSignal"]["status"], "WITHDRAWN");
    app.deliver().await;
    let received = vi.common.received();
    let withdrawal = received.iter().find(|r| r.path == "/signals/withdrawals").expect("withdrawal sent");
    assert_eq!(withdrawal.body, json!({ "signalId": withdrawal.body["signalId"], "reason": "CONCERN_RESOLVED" }));
    assert!(!vi.signals()[0].active);
}

/// Issue 11, item 10: a signal registered or withdrawn by several requests at once is
/// registered once and withdrawn once (one message each to the Verwijsindex).
#[tokio::test]
async fn a_signal_registered_or_withdrawn_several_times_at_once_goes_out_once() {
    let app = spawn_app().await;
    let (vi, base) = simulator().await;
    let org = org(&app, "de-haven").await;
    connect_verwijsindex(&app, &org, &vi, &base).await;
    let family = admit(&app, &org, without_bsn(family_with_bsns(&org, &bsn(1), &bsn(2)))).await;
    let child = family["children"][0]["id"].as_str().unwrap();
    let (registered, refused) =
        app.at_once(&org.worker_token, REGISTER, json!({ "input": { "childId": child } }), 8).await;
    assert_eq!((registered, refused), (1, vec!["CONFLICT".to_string(); 7]));
    let signal = signals(&app, &org.worker_token, child).await[0]["id"].clone();
    let withdraw = "mutation($input: WithdrawReferenceIndexSignalInput!) { withdrawReferenceIndexSignal(input: $input) { referenceIndexSignal { status } } }";
    let input = json!({ "input": { "id": signal, "reason": "CONCERN_RESOLVED" } });
    let (withdrawn, refused) = app.at_once(&org.worker_token, withdraw, input, 8).await;
    assert_eq!((withdrawn, refused), (1, vec!["CONFLICT".to_string(); 7]));
    let kinds: Vec<String> = signals(&app, &org.worker_token, child).await[0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds.len(), 2, "one registration and one withdrawal: {kinds:?}");
}

/// Issue 11, item 10: of simultaneous requests creating one partner slug, one wins and the
/// others are told the slug is taken (not INTERNAL, as the late unique violation answered).
#[tokio::test]
async fn a_slug_claimed_several_times_at_once_is_given_once() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let q = "mutation($input: ChainPartnerInput!) { createChainPartner(input: $input) { chainPartner { id } } }";
    // The window is narrow (between the look and the insert): several rounds make sure a race
    // happens.
    for round in 0..5 {
        let input =
            json!({ "input": { "slug": format!("wijkteam-{round}"), "name": "Wijkteam", "kind": "YOUTH_TEAM" } });
        let (created, refused) = app.at_once(&org.admin_token, q, input.clone(), 16).await;
        assert_eq!((created, refused), (1, vec!["BAD_USER_INPUT".to_string(); 15]), "round {round}");
        assert_eq!(app.gql_error(&org.admin_token, q, input).await["extensions"]["field"], "input.slug");
    }
}

#[tokio::test]
async fn signals_expire_on_their_end_date() {
    let app = spawn_app().await;
    let (vi, base) = simulator().await;
    let org = org(&app, "de-haven").await;
    connect_verwijsindex(&app, &org, &vi, &base).await;
    let mut input = family_with_bsns(&org, &bsn(1), &bsn(2));
    input["admissionDate"] = json!(days_ago(20));
    let family = admit(&app, &org, input).await;
    let child = family["children"][0]["id"].as_str().unwrap();
    let input = json!({ "input": { "childId": child, "startOn": days_ago(10), "endOn": (today() + chrono::Days::new(1)).to_string() } });
    app.gql(&org.worker_token, REGISTER, input).await;
    let expire = |day| server::cases::reference_index::expire_due(&app.db, day);
    assert_eq!(expire(today()).await.unwrap(), 0);
    assert_eq!(expire(today() + chrono::Days::new(1)).await.unwrap(), 1);
    assert_eq!(signals(&app, &org.worker_token, child).await[0]["status"], "EXPIRED");
    assert_eq!(expire(today() + chrono::Days::new(2)).await.unwrap(), 0, "once");
}

const MESSAGES: &str = "query($status: MessageStatus) { partnerMessages(filter: { status: $status }) { totalCount edges { node { id status attempts lastError nextAttemptAt kind } } } }";

/// One figure of `/metrics`.
async fn metric(app: &TestApp, series: &str) -> f64 {
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let value = text.lines().find_map(|l| l.strip_prefix(series).and_then(|v| v.strip_prefix(' ')));
    value.unwrap_or_else(|| panic!("no {series} in {text}")).parse().unwrap()
}

async fn registered_child(app: &TestApp, org: &Org, n: u32) -> String {
    let family = admit(app, org, without_bsn(family_with_bsns(org, &bsn(100 + n), &bsn(200 + n)))).await;
    let child = family["children"][0]["id"].as_str().unwrap().to_string();
    app.gql(&org.worker_token, REGISTER, json!({ "input": { "childId": child } })).await;
    child
}

async fn message_status(app: &TestApp) -> Vec<MessageStatus> {
    outbox_message::Entity::find().all(&app.db).await.unwrap().into_iter().map(|m| m.status).collect()
}

/// Lets time pass for failed messages: their next attempt is due now.
async fn make_due(app: &TestApp) {
    use sea_orm::sea_query::Expr;
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::NextAttemptAtMs, Expr::value(integrations::outbox::now_ms()))
        .filter(outbox_message::Column::Status.eq(MessageStatus::Failed))
        .exec(&app.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_partner_that_is_down_gets_the_message_later_and_after_the_limit_it_is_dead() {
    // Backoff of seconds, so "not yet due" holds however slow the machine; time is moved on
    // by making failed messages due.
    let app = spawn_app_with(|c| {
        c.delivery.retry_base_ms = 2_000;
        c.delivery.retry_cap_ms = 4_000;
    })
    .await;
    let (vi, base) = simulator().await;
    let org = org(&app, "de-haven").await;
    connect_verwijsindex(&app, &org, &vi, &base).await;
    registered_child(&app, &org, 1).await;

    vi.common.set_availability(Availability::Failing(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(app.deliver().await, 1);
    let failed = app.gql(&org.admin_token, MESSAGES, json!({ "status": "FAILED" })).await;
    let node = &failed["partnerMessages"]["edges"][0]["node"];
    assert_eq!(node["attempts"], 1);
    assert!(node["lastError"].as_str().unwrap().starts_with("503"), "{node}");
    assert!(node["nextAttemptAt"].is_string());
    let row = outbox_message::Entity::find().one(&app.db).await.unwrap().unwrap();
    let wait = row.next_attempt_at_ms - row.updated_at.timestamp_millis();
    assert!((1_000..=2_000).contains(&wait), "between half the base and the base: {wait} ms");
    assert_eq!(app.deliver().await, 0, "not before its backoff has passed");
    make_due(&app).await;
    assert_eq!(app.deliver().await, 1);
    assert_eq!(message_status(&app).await, [MessageStatus::Failed]);
    // What an operator watches: the message waits, and has waited since it was queued.
    assert_eq!(metric(&app, "veerkracht_outbox_messages{status=\"FAILED\"}").await, 1.0);
    assert!(metric(&app, "veerkracht_outbox_oldest_waiting_seconds").await > 0.0);
    assert_eq!(metric(&app, "veerkracht_outbox_delivery_seconds_count").await, 0.0);

    vi.common.set_availability(Availability::Up);
    make_due(&app).await;
    assert_eq!(app.deliver().await, 1);
    assert!(matches!(message_status(&app).await[..], [MessageStatus::Delivered | MessageStatus::Acknowledged]));
    assert_eq!(vi.signals().len(), 1);
    assert_eq!(metric(&app, "veerkracht_outbox_delivery_seconds_count").await, 1.0);
    assert_eq!(metric(&app, "veerkracht_outbox_oldest_waiting_seconds").await, 0.0, "nothing waits");

    // Refused connections: the endpoint points at a port nobody listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let partner_id =
        app.gql(&org.admin_token, "{ chainPartners { id } }", json!({})).await["chainPartners"][0]["id"].clone();
    let update = "mutation($input: UpdateChainPartnerInput!) { updateChainPartner(input: $input) { chainPartner { endpointUrl } } }";
    app.gql(&org.admin_token, update, json!({ "input": { "id": partner_id, "endpointUrl": closed_url } })).await;
    registered_child(&app, &org, 2).await;
    for _ in 0..4 {
        assert_eq!(app.deliver().await, 1);
        make_due(&app).await;
    }
    assert_eq!(app.deliver().await, 0, "a dead message is not tried again");
    let dead = app.gql(&org.admin_token, MESSAGES, json!({ "status": "DEAD" })).await;
    let node = dead["partnerMessages"]["edges"][0]["node"].clone();
    assert_eq!(
        (node["attempts"].as_i64(), node["lastError"].as_str()),
        (Some(4), Some("connection refused or unreachable")),
        "{dead}"
    );
    assert_eq!(metric(&app, "veerkracht_outbox_messages{status=\"DEAD\"}").await, 1.0);

    // An admin retries it once the endpoint is right again; a team lead may not.
    app.gql(&org.admin_token, update, json!({ "input": { "id": partner_id, "endpointUrl": base } })).await;
    let retry = "mutation($id: ID!) { retryPartnerMessage(id: $id) { partnerMessage { status attempts } } }";
    let e = app.gql_error(&org.lead_token, retry, json!({ "id": node["id"] })).await;
    assert_eq!(e["extensions"]["code"], "FORBIDDEN");
    let r = app.gql(&org.admin_token, retry, json!({ "id": node["id"] })).await;
    assert_eq!(r["retryPartnerMessage"]["partnerMessage"], json!({ "status": "QUEUED", "attempts": 0 }));
    assert_eq!(app.deliver().await, 1);
    assert_eq!(vi.signals().len(), 2);
}

#[tokio::test]
async fn a_message_sent_before_a_crash_is_sent_again_and_applied_once() {
    let app = spawn_app().await;
    let (vi, base) = simulator().await;
    let org = org(&app, "de-haven").await;
    connect_verwijsindex(&app, &org, &vi, &base).await;
    let child = registered_child(&app, &org, 1).await;
    app.deliver().await;
    // Wait for the index's confirmation, so that it cannot overtake the simulated crash.
    vi.common.settled().await;
    assert_eq!(signals(&app, &org.worker_token, &child).await[0]["status"], "REGISTERED");
    let sent = outbox_message::Entity::find().one(&app.db).await.unwrap().unwrap();
    // The worker died after the partner took the message and before it was marked: the row
    // is SENT and its lease has lapsed.
    let mut crashed: outbox_message::ActiveModel = sent.clone().into();
    crashed.status = sea_orm::Set(MessageStatus::Sent);
    crashed.leased_until_ms = sea_orm::Set(Some(integrations::outbox::now_ms() - 1));
    sea_orm::ActiveModelTrait::update(crashed, &app.db).await.unwrap();

    assert_eq!(app.deliver().await, 1, "taken over after the lease");
    let received = vi.common.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].message_id, received[1].message_id, "same message id");
    assert_eq!(received[0].message_id, sent.id.to_string());
    assert!(received[1].duplicate);
    let signal = &vi.signals()[0];
    assert_eq!(signal.applied, 1, "the receiver applied it once");
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_no_message_is_lost() {
    let app = spawn_app().await;
    let (vi, base) = simulator().await;
    let org = org(&app, "de-haven").await;
    connect_verwijsindex(&app, &org, &vi, &base).await;
    registered_child(&app, &org, 1).await;
    app.deliver().await;
    assert_eq!(vi.common.tokens_issued(), 1);
    vi.common.expire_tokens();
    registered_child(&app, &org, 2).await;
    assert_eq!(app.deliver().await, 1);
    assert_eq!(vi.common.tokens_issued(), 2);
    assert_eq!(vi.signals().len(), 2);
    assert!(
        message_status(&app).await.iter().all(|s| matches!(s, MessageStatus::Delivered | MessageStatus::Acknowledged))
    );
}

/// Posts `body` to the partner's inbox signed with `secret`, `age` seconds ago.
async fn post_inbox(app: &TestApp, url: &str, secret: &str, id: &str, age: i64, body: &str) -> StatusCode {
    let headers = signing::sign(secret.as_bytes(), id, chrono::Utc::now().timestamp() - age, body.as_bytes()).unwrap();
    app.client
        .post(url)
        .headers(headers)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn the_inbox_rejects_tampered_unsigned_old_and_replayed_messages() {
    let app = spawn_app().await;
    let (vi, base) = simulator().await;
    let org = org(&app, "de-haven").await;
    let partner = connect_verwijsindex(&app, &org, &vi, &base).await;
    let child = registered_child(&app, &org, 1).await;
    let signal_id = signals(&app, &org.worker_token, &child).await[0]["id"].as_str().unwrap().to_string();
    let signal_uuid = server::api::ids::uuid_of(&signal_id, "ReferenceIndexSignal").unwrap();
    let body = json!({
        "type": "MATCH", "signalId": signal_uuid, "matchedOn": today().to_string(),
        "other": { "organisation": "Jeugdbescherming", "name": "Jan", "phone": "030-1", "email": null },
    })
    .to_string();
    let stored = || async {
        inbox_message::Entity::find()
            .filter(inbox_message::Column::PartnerId.eq(partner.uuid))
            .count(&app.db)
            .await
            .unwrap()
    };
    let url = &partner.inbox_url;
    let secret = &partner.signing_secret;

    let tampered = body.replace("Jeugdbescherming", "Someone else");
    let headers = signing::sign(secret.as_bytes(), "m-1", chrono::Utc::now().timestamp(), body.as_bytes()).unwrap();
    let res = app.client.post(url).headers(headers).body(tampered).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        post_inbox(&app, url, "not-the-partners-secret-at-all", "m-1", 0, &body).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(post_inbox(&app, url, secret, "m-1", 600, &body).await, StatusCode::UNAUTHORIZED, "old timestamp");
    assert_eq!(
        app.client.post(url).body(body.clone()).send().await.unwrap().status(),
        StatusCode::BAD_REQUEST,
        "unsigned"
    );
    let unknown = url.replace(&partner.uuid.to_string(), &uuid::Uuid::now_v7().to_string());
    assert_eq!(post_inbox(&app, &unknown, secret, "m-1", 0, &body).await, StatusCode::NOT_FOUND);
    let concern = json!({ "type": "CONCERN", "signalId": signal_uuid, "text": "…" }).to_string();
    assert_eq!(post_inbox(&app, url, secret, "m-2", 0, &concern).await, StatusCode::UNPROCESSABLE_ENTITY);
    // Ids are bounded, even when signed (issue 11, item 7).
    assert_eq!(
        post_inbox(&app, url, secret, &"m".repeat(5000), 0, &body).await,
        StatusCode::BAD_REQUEST,
        "a 5,000-character id"
    );
    assert_eq!(
        post_inbox(&app, url, secret, &"m".repeat(signing::MAX_ID_LEN), 0, &concern).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the longest id is read"
    );
    assert_eq!(stored().await, 0, "nothing stored from rejected messages");

    assert_eq!(post_inbox(&app, url, secret, "m-1", 0, &body).await, StatusCode::OK);
    assert_eq!(
        post_inbox(&app, url, secret, "m-1", 0, &body).await,
        StatusCode::OK,
        "a replay is answered, not applied"
    );
    assert_eq!(stored().await, 1);
    let s = signals(&app, &org.worker_token, &child).await;
    assert_eq!(s[0]["matches"].as_array().unwrap().len(), 1);
    assert_eq!(s[0]["matches"][0]["otherOrganisation"], "Jeugdbescherming");
}

#[tokio::test]
async fn sharing_without_consent_is_refused_and_an_override_is_audited() {
    use entities::{ConsentPurpose, ConsentScope, MessageKind, chain_partner};
    use server::cases::partners::{consent_subject, permit, queue, system_principal};
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let team = json!({ "slug": "wijkteam-noord", "name": "Wijkteam Noord", "kind": "YOUTH_TEAM" });
    let team =
        app.gql(&org.lead_token, CREATE_PARTNER, json!({ "input": team })).await["createChainPartner"]["chainPartner"]
            .clone();
    let family = admit(&app, &org, without_bsn(family_input(&org, 1))).await;
    let child_gid = family["children"][0]["id"].as_str().unwrap().to_string();
    let child_id = server::api::ids::uuid_of(&child_gid, "Child").unwrap();
    let partner = chain_partner::Entity::find().one(&app.db).await.unwrap().unwrap();
    let parts = [ConsentScope::Identity, ConsentScope::Goals];
    let ask = || async {
        let (_, subject) = consent_subject(&app.db, org.org.id, child_id).await.unwrap();
        permit(&app.db, &subject, &partner, ConsentPurpose::Handover, &parts, chrono::Utc::now()).await
    };
    let refusal = ask().await.unwrap_err();
    assert_eq!(refusal.code(), "FORBIDDEN");
    assert_eq!(outbox_message::Entity::find().count(&app.db).await.unwrap(), 0);

    // The mother refuses; the child is 2, so hers is the decision.
    let mum = family["members"][0]["person"]["id"].clone();
    let record = "mutation($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id decision } } }";
    let refuse = json!({ "input": { "childId": child_gid, "purpose": "HANDOVER", "partnerId": team["id"], "scope": ["IDENTITY", "GOALS"], "decision": "REFUSED", "decidedBy": [mum] } });
    app.gql(&org.worker_token, record, refuse).await;
    assert!(ask().await.unwrap_err().to_string().contains("refused"));
    let by_child = json!({ "input": { "childId": child_gid, "purpose": "HANDOVER", "partnerId": team["id"], "scope": ["IDENTITY"], "decision": "GIVEN", "decidedBy": [server::api::ids::encode("Person", child_id).0] } });
    let e = app.gql_error(&org.worker_token, record, by_child).await;
    assert_eq!(e["extensions"]["code"], "BAD_USER_INPUT");

    // An override needs a lead or the expert, and a reason.
    let over = "mutation($input: OverrideConsentInput!) { overrideConsent(input: $input) { consent { id decision validUntil } } }";
    let input = |reason: &str| json!({ "input": { "childId": child_gid, "purpose": "HANDOVER", "partnerId": team["id"], "scope": ["IDENTITY", "GOALS"], "reason": reason } });
    let reason =
        "Acute onveiligheid: de jeugdbeschermer moet vandaag weten waar het kind is begeleid (conflict van plichten).";
    assert_eq!(app.gql_error(&org.worker_token, over, input(reason)).await["extensions"]["code"], "FORBIDDEN");
    assert_eq!(app.gql_error(&org.lead_token, over, input("because")).await["extensions"]["field"], "input.reason");
    let o = app.gql(&org.lead_token, over, input(reason)).await["overrideConsent"]["consent"].clone();
    assert_eq!(o["decision"], "OVERRIDE");
    let logged: Vec<_> = access_log(&app.db).await.into_iter().filter(|e| e.area == "consent-override").collect();
    assert_eq!((logged.len(), logged[0].ground.as_str()), (1, "role:TEAM_LEAD"));

    let permit = ask().await.expect("the override carries");
    let actor = system_principal(org.org.id, "test", None);
    let message = queue(
        &app.db,
        &actor,
        &Default::default(),
        std::slice::from_ref(&permit),
        MessageKind::ReferenceIndexRegister,
        None,
        &json!({}),
    )
    .await
    .unwrap();
    assert!(message.ground.starts_with("override:"));
    let exports: Vec<_> =
        access_log(&app.db).await.into_iter().filter(|e| e.action == entities::AccessAction::Export).collect();
    assert_eq!(exports.len(), 2, "identity and goals, each on the override");
    assert!(exports.iter().all(|e| e.ground.starts_with("override:")));
}

#[tokio::test]
async fn partners_are_managed_by_admins_and_leads_and_secrets_never_come_back() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let input = json!({ "slug": "Wijkteam!", "name": "", "kind": "YOUTH_TEAM", "adapter": "VERWIJSINDEX", "signingSecret": "short" });
    let e = app.gql_error(&org.worker_token, CREATE_PARTNER, json!({ "input": input.clone() })).await;
    assert_eq!(e["extensions"]["code"], "FORBIDDEN");
    let (_, body) = app.post(Some(&org.admin_token), CREATE_PARTNER, json!({ "input": input })).await;
    let fields: Vec<&str> = body["errors"][0]["extensions"]["violations"]
        .as_array()
        .map_or(vec![], |v| v.iter().filter_map(|v| v["field"].as_str()).collect());
    for f in ["input.slug", "input.name", "input.signingSecret", "input.adapter", "input.endpointUrl"] {
        assert!(fields.contains(&f) || body.to_string().contains(f), "{f} in {body}");
    }
    let ok = json!({ "slug": "school-de-wilg", "name": "Basisschool De Wilg", "kind": "SCHOOL", "contactPersons": [{ "name": "Ilse", "role": "intern begeleider", "phone": null, "email": "ilse@wilg.nl" }] });
    app.gql(&org.lead_token, CREATE_PARTNER, json!({ "input": ok.clone() })).await;
    let e = app.gql_error(&org.admin_token, CREATE_PARTNER, json!({ "input": ok })).await;
    assert_eq!(e["extensions"]["field"], "input.slug");
    let stored = entities::chain_partner::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(stored.len(), 1);

    let (vi, base) = simulator().await;
    connect_verwijsindex(&app, &org, &vi, &base).await;
    let raw = entities::chain_partner::Entity::find().all(&app.db).await.unwrap();
    let sealed = raw.iter().find_map(|p| p.client_secret_sealed.clone()).unwrap();
    assert!(!sealed.contains(CLIENT_SECRET), "stored sealed");
    let everything = app
        .gql(
            &org.admin_token,
            "{ chainPartners { name slug clientId hasClientSecret contactPersons { name } } }",
            json!({}),
        )
        .await;
    assert!(!everything.to_string().contains(CLIENT_SECRET) && !everything.to_string().contains("signing-secret"));

    // Involvements on a child.
    let family = admit(&app, &org, without_bsn(family_input(&org, 1))).await;
    let child = family["children"][0]["id"].clone();
    let partner_id =
        app.gql(&org.admin_token, "{ chainPartners(kind: SCHOOL) { id } }", json!({})).await["chainPartners"][0]["id"]
            .clone();
    let add = "mutation($input: AddInvolvementInput!) { addInvolvement(input: $input) { involvement { id role partner { name } } } }";
    let inv = app
        .gql(
            &org.worker_token,
            add,
            json!({ "input": { "childId": child, "partnerId": partner_id, "role": "school van het kind" } }),
        )
        .await;
    assert_eq!(inv["addInvolvement"]["involvement"]["partner"]["name"], "Basisschool De Wilg");
    let q = "query($id: ID!) { node(id: $id) { ... on Child { involvements { role until } } } }";
    let listed = app.gql(&org.expert_token, q, json!({ "id": child })).await;
    assert_eq!(listed["node"]["involvements"], json!([{ "role": "school van het kind", "until": null }]));
}

#[tokio::test]
async fn the_worker_inside_serve_delivers_on_its_own() {
    let app = spawn_app_with(|c| {
        c.delivery.worker = true;
        c.delivery.poll_interval_ms = 20;
    })
    .await;
    let (vi, base) = simulator().await;
    let org = org(&app, "de-haven").await;
    connect_verwijsindex(&app, &org, &vi, &base).await;
    set_register_at_admission(&app, &org).await;
    let family = admit(&app, &org, family_with_bsns(&org, &bsn(1), &bsn(2))).await;
    let child = family["children"][0]["id"].as_str().unwrap().to_string();
    let s = eventually(|| async {
        let s = signals(&app, &org.worker_token, &child).await;
        (s[0]["messages"][0]["status"] == "ACKNOWLEDGED" && s[0]["status"] == "REGISTERED").then_some(s)
    })
    .await;
    assert_eq!(s[0]["messages"][0]["attempts"], 1);
}

#[tokio::test]
async fn workers_draining_side_by_side_never_send_a_message_twice() {
    let app = spawn_app_with(|c| c.delivery.batch_size = 3).await;
    let (vi, base) = simulator().await;
    let org = org(&app, "de-haven").await;
    connect_verwijsindex(&app, &org, &vi, &base).await;
    for n in 0..12 {
        registered_child(&app, &org, n).await;
    }
    let drain = || async {
        let mut n = 0;
        loop {
            match app.deliver().await {
                0 => return n,
                k => n += k,
            }
        }
    };
    let (a, b, c) = tokio::join!(drain(), drain(), drain());
    assert_eq!(a + b + c, 12, "each message claimed once");
    let received = vi.common.received();
    assert_eq!(received.len(), 12);
    assert!(received.iter().all(|r| !r.duplicate));
}

/// A partner cannot be pointed into the deployment's own network: internal addresses are
/// refused when saved, and again when connecting (a stored endpoint re-pointed inside, as DNS
/// rebinding would, sends nothing); a refusing partner's answer body is never kept
/// (issue 11, item 6).
#[tokio::test]
async fn partner_addresses_inside_the_deployment_are_refused() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let base = json!({ "slug": "wijkteam", "name": "Wijkteam", "kind": "YOUTH_TEAM", "adapter": "YOUTH_TEAM",
        "signingSecret": "a-signing-secret-long-enough" });
    for (field, url) in [
        ("endpointUrl", "http://169.254.169.254/latest/meta-data/"),
        ("endpointUrl", "http://10.0.0.5:8080/"),
        ("endpointUrl", "http://[fd00::1]/"),
        ("tokenUrl", "http://192.168.1.10/oauth/token"),
    ] {
        let mut input = base.clone();
        input["endpointUrl"] = json!("https://wijkteam.example/");
        input[field] = json!(url);
        if field == "tokenUrl" {
            input["clientId"] = json!("de-haven");
            input["clientSecret"] = json!("a-client-secret");
        }
        let err = app.gql_error(&org.admin_token, CREATE_PARTNER, json!({ "input": input })).await;
        assert_eq!(err["extensions"]["code"], "BAD_USER_INPUT", "{url}: {err}");
        assert_eq!(err["extensions"]["field"], format!("input.{field}"), "{url}: {err}");
    }

    // Saved while it pointed outside; since then it points at the cloud's metadata service.
    let (vi, sim) = simulator().await;
    let partner = connect_verwijsindex(&app, &org, &vi, &sim).await;
    let repointed = entities::chain_partner::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(partner.uuid),
        endpoint_url: sea_orm::ActiveValue::Set(Some("http://169.254.169.254/".into())),
        ..Default::default()
    };
    sea_orm::ActiveModelTrait::update(repointed, &app.db).await.unwrap();
    registered_child(&app, &org, 1).await;
    app.deliver().await;
    let message = outbox_message::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_ne!(message.status, MessageStatus::Delivered);
    assert!(message.last_error.as_deref().unwrap_or_default().contains("internal address"), "{:?}", message.last_error);
    assert!(vi.common.received().is_empty(), "nothing reached anyone");
}

/// Several workers and a partner slower than the lease: each message is sent exactly once,
/// because the lease is extended while it is on its way and only the claim's holder records an
/// outcome (issue 11, item 11).
#[tokio::test]
async fn slow_partners_and_several_workers_send_each_message_once() {
    use integrations::outbox::{DeliveryWorker, WorkerSettings};
    let app = spawn_app().await;
    let (vi, sim) = simulator().await;
    let org = org(&app, "de-haven").await;
    connect_verwijsindex(&app, &org, &vi, &sim).await;
    for n in 0..12 {
        registered_child(&app, &org, n).await;
    }
    let messages = outbox_message::Entity::find().all(&app.db).await.unwrap().len();
    vi.common.set_response_delay(std::time::Duration::from_millis(1500));
    let settings = WorkerSettings {
        lease: std::time::Duration::from_millis(600),
        batch: 6,
        concurrency: 3,
        ..app.config.worker_settings()
    };
    let secrets = Arc::new(app.config.secrets().unwrap());
    let db = &app.db;
    let workers = (0..4).map(|_| {
        let worker = DeliveryWorker::new(db.clone(), secrets.clone(), settings.clone());
        async move {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            loop {
                worker.run_once().await.unwrap();
                let pending = outbox_message::Entity::find()
                    .filter(outbox_message::Column::Status.is_in([
                        MessageStatus::Queued,
                        MessageStatus::Sent,
                        MessageStatus::Failed,
                    ]))
                    .count(db)
                    .await
                    .unwrap();
                if pending == 0 || std::time::Instant::now() > deadline {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    });
    futures::future::join_all(workers).await;
    let done = [MessageStatus::Delivered, MessageStatus::Acknowledged];
    assert!(message_status(&app).await.iter().all(|s| done.contains(s)), "{:?}", message_status(&app).await);
    let received = vi.common.received();
    let mut ids: Vec<_> = received.iter().map(|r| r.message_id.clone()).collect();
    ids.sort();
    let sent = ids.len();
    ids.dedup();
    assert_eq!((sent, ids.len()), (messages, messages), "every message sent once");
}

/// On SIGTERM the delivery worker gets the grace period to finish its sends, then releases
/// the claims of what it could not send, so that they go out at once after a restart rather
/// than when their lease lapses; the process does not exit before (issue 11, item 12).
#[tokio::test]
async fn shutdown_releases_what_the_worker_could_not_send() {
    use std::time::{Duration, Instant};
    let mut app = spawn_app_with(|c| {
        c.delivery.worker = true;
        c.delivery.poll_interval_ms = 20;
        c.shutdown_grace_seconds = 1;
    })
    .await;
    let (vi, sim) = simulator().await;
    let org = org(&app, "de-haven").await;
    connect_verwijsindex(&app, &org, &vi, &sim).await;
    vi.common.set_response_delay(Duration::from_secs(5)); // slower than the grace period
    for n in 0..3 {
        registered_child(&app, &org, n).await;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while !message_status(&app).await.contains(&MessageStatus::Sent) {
        assert!(Instant::now() < deadline, "the worker claimed nothing");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let started = Instant::now();
    app.shut_down().await;
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(3), "shut down in {took:?}");
    let now = integrations::outbox::now_ms();
    for m in outbox_message::Entity::find().all(&app.db).await.unwrap() {
        assert_eq!(m.status, MessageStatus::Queued, "{m:?}");
        assert!(m.claim_token.is_none() && m.leased_until_ms.is_none() && m.next_attempt_at_ms <= now, "{m:?}");
    }
    vi.common.set_response_delay(Duration::ZERO);
    assert_eq!(app.deliver().await, 3, "sent at once by the next worker");
}

/// A trace collector on loopback taking OTLP/HTTP JSON, as an OpenTelemetry collector does.
async fn collector() -> (String, Arc<std::sync::Mutex<Vec<Value>>>) {
    let spans = Arc::new(std::sync::Mutex::new(Vec::new()));
    let received = spans.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |axum::Json(body): axum::Json<Value>| async move {
            for resource in body["resourceSpans"].as_array().into_iter().flatten() {
                assert_eq!(resource["resource"]["attributes"][0]["value"]["stringValue"], "veerkracht");
                for scope in resource["scopeSpans"].as_array().into_iter().flatten() {
                    received.lock().unwrap().extend(scope["spans"].as_array().into_iter().flatten().cloned());
                }
            }
            axum::Json(json!({}))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, spans)
}

/// Traces (issue 14, observability): with a collector configured, a request's span joins its
/// caller's trace and reaches the collector; a delivery to a partner is a span of its own whose
/// `traceparent` the partner receives. Spans name what happened, never a person.
#[tokio::test]
async fn spans_of_requests_and_deliveries_reach_the_collector() {
    let (endpoint, spans) = collector().await;
    let app = spawn_app_with(|c| c.telemetry.otlp_endpoint = Some(endpoint.clone())).await;
    let (vi, base) = simulator().await;
    let org = org(&app, "de-haven").await;
    connect_verwijsindex(&app, &org, &vi, &base).await;
    let caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let res = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&org.lead_token)
        .header("traceparent", caller)
        .json(&json!({ "query": "{ viewer { subject } }" }))
        .send()
        .await
        .unwrap();
    let ours = res.headers()["traceparent"].to_str().unwrap().to_string();
    registered_child(&app, &org, 1).await;
    assert_eq!(app.deliver().await, 1);

    let (request, delivery) = eventually(async || {
        let spans = spans.lock().unwrap().clone();
        let request = spans.iter().find(|s| s["traceId"] == "4bf92f3577b34da6a3ce929d0e0e4736")?.clone();
        let delivery = spans.iter().find(|s| s["name"] == "deliver REFERENCE_INDEX_REGISTER")?.clone();
        Some((request, delivery))
    })
    .await;
    assert_eq!(request["name"], "POST /graphql");
    assert_eq!(request["parentSpanId"], "00f067aa0ba902b7");
    assert_eq!(ours, format!("00-4bf92f3577b34da6a3ce929d0e0e4736-{}-01", request["spanId"].as_str().unwrap()));
    assert_eq!(request["kind"], 2);
    let status = request["attributes"].as_array().unwrap().iter().find(|a| a["key"] == "http.response.status_code");
    assert_eq!(status.unwrap()["value"]["intValue"], "200");

    assert_eq!(delivery["kind"], 3);
    let sent = vi.common.received().into_iter().find_map(|r| r.traceparent).expect("a traceparent at the partner");
    assert_eq!(
        sent,
        format!("00-{}-{}-01", delivery["traceId"].as_str().unwrap(), delivery["spanId"].as_str().unwrap())
    );
    let text = spans.lock().unwrap().iter().map(Value::to_string).collect::<String>();
    assert!(!text.contains("Kind") && !text.contains("Jansen"), "no person's data in spans: {text}");
}
