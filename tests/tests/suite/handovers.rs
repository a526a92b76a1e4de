//! Warm handover end to end with the youth-team simulator (which validates every package
//! against the published schema), and referrals coming in.

use entities::{inbox_message, outbox_message};
use integrations::{
    signing,
    youth_team::{Person, ReferredPerson, TeamMessage},
};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tests::*;

async fn consent(app: &TestApp, org: &Org, child: &Value, mum: &Value, team: &Value, scope: Value) {
    let q = "mutation($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id } } }";
    let input = json!({ "input": { "childId": child, "purpose": "HANDOVER", "partnerId": team, "scope": scope, "decision": "GIVEN", "decidedBy": [mum] } });
    app.gql(&org.worker_token, q, input).await;
}

const CREATE: &str =
    "mutation($input: CreateHandoverInput!) { createHandover(input: $input) { handover { id status } } }";
const PREVIEW: &str = "query($id: ID!) { handoverPreview(id: $id) { package omittedParts { childId part reason } } }";

async fn status(app: &TestApp, org: &Org, family: &Value) -> Value {
    let q = "query($id: ID!) { handovers(familyId: $id) { status declineReason meetingHeldOn message { status } } }";
    app.gql(&org.worker_token, q, json!({ "id": family })).await["handovers"][0].clone()
}

#[tokio::test]
async fn an_outflowing_family_is_handed_over_warmly_within_consent() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let team = youth_team(&app, &org).await;
    let mut input = family_input(&org, 2);
    input["members"][1]["bsn"] = json!(bsn(5));
    let family = admit(&app, &org, input).await;
    let (child0, child1) = (family["children"][0]["id"].clone(), family["children"][1]["id"].clone());
    let mum = family["members"][0]["person"]["id"].clone();
    let add = "mutation($input: AddNetworkMemberInput!) { addNetworkMember(input: $input) { networkMember { id } } }";
    for (name, agreed) in [("Oma Jansen", true), ("Buurman Piet", false)] {
        let member = json!({ "name": name, "relation": "FAMILY", "contactSafe": true, "agreedToBeNamed": agreed });
        app.gql(&org.worker_token, add, json!({ "input": { "childId": child0, "member": member } })).await;
    }
    for c in [&child0, &child1] {
        consent(&app, &org, c, &mum, &team.id, json!(["IDENTITY", "NETWORK"])).await;
    }

    let create = json!({ "input": {
        "familyId": family["id"], "partnerId": team.id, "direction": "OUTFLOW",
        "reason": "Moeder en kinderen verhuizen naar een eigen woning in de wijk.",
        "question": "Ambulante gezinsbegeleiding en een vinger aan de pols bij de veiligheid.",
        "wentWell": "Sam en Kind1 vonden snel hun plek op school.", "safetyMonitoring": "Wijkteam belt moeder wekelijks de eerste maand.",
    } });
    let h = app.gql(&org.worker_token, CREATE, create).await["createHandover"]["handover"].clone();
    assert_eq!(h["status"], "DRAFT");

    let preview = app.gql(&org.worker_token, PREVIEW, json!({ "id": h["id"] })).await["handoverPreview"].clone();
    let package = &preview["package"];
    let first = &package["children"][0];
    assert_eq!(first["identity"]["givenName"], "Kind0");
    assert_eq!(first["identity"]["bsn"], bsn(5), "a youth team may use the BSN");
    assert_eq!(
        first["network"],
        json!([{ "name": "Oma Jansen", "relation": "FAMILY", "roleForChild": null }]),
        "only who agreed to be named"
    );
    assert!(first.get("custody").is_none(), "no consent for custody: the part is absent");
    assert!(first.get("safetyPlan").is_none() && first.get("goals").is_none());
    let omitted: Vec<&str> =
        preview["omittedParts"].as_array().unwrap().iter().map(|o| o["part"].as_str().unwrap()).collect();
    assert!(omitted.contains(&"CUSTODY"));
    let text = package.to_string();
    assert!(
        !text.contains("Geheimstraat") && !text.contains("1234 AB") && !text.contains("Utrecht"),
        "never the secret address"
    );
    assert!(!text.contains("111222333"), "the mother's BSN is not part of a child's package");

    let send = "mutation($id: ID!) { sendHandover(id: $id) { handover { status } } }";
    assert_eq!(
        app.gql(&org.worker_token, send, json!({ "id": h["id"] })).await["sendHandover"]["handover"]["status"],
        "SENT"
    );
    assert_eq!(
        app.gql_error(&org.worker_token, send, json!({ "id": h["id"] })).await["extensions"]["code"],
        "CONFLICT"
    );
    assert_eq!(app.deliver().await, 1);
    assert_eq!(team.sim.rejected(), Vec::<Vec<String>>::new());
    assert_eq!(team.sim.packages().len(), 1);
    assert_eq!(team.sim.packages()[0], *package, "what was previewed is what was sent");
    assert_eq!(status(&app, &org, &family["id"]).await["status"], "DELIVERED");

    let handover_id = server::api::ids::uuid_of(h["id"].as_str().unwrap(), "Handover").unwrap();
    team.sim.send("de-haven", &TeamMessage::Acknowledged { handover_id }).await;
    team.sim.send("de-haven", &TeamMessage::Accepted { handover_id }).await;
    team.sim.send("de-haven", &TeamMessage::Acknowledged { handover_id }).await; // late, out of order
    let s = status(&app, &org, &family["id"]).await;
    assert_eq!((s["status"].as_str(), s["message"]["status"].as_str()), (Some("ACCEPTED"), Some("ACKNOWLEDGED")));

    let meeting = "mutation($input: RecordHandoverMeetingInput!) { recordHandoverMeeting(input: $input) { handover { status meetingHeldOn } } }";
    let m = app.gql(&org.worker_token, meeting, json!({ "input": { "id": h["id"], "heldOn": today().to_string(), "notes": "Kennismaking bij moeder thuis." } })).await;
    assert_eq!(m["recordHandoverMeeting"]["handover"]["status"], "MEETING_HELD");
    let done = app
        .gql(
            &org.worker_token,
            "mutation($id: ID!) { completeHandover(id: $id) { handover { status } } }",
            json!({ "id": h["id"] }),
        )
        .await;
    assert_eq!(done["completeHandover"]["handover"]["status"], "COMPLETED");
}

/// A team refers Fatima and her daughter Yasmin.
pub(crate) fn referral() -> TeamMessage {
    let person = |role: &str, given_name: &str, born: &str| ReferredPerson {
        role: role.into(),
        given_name: given_name.into(),
        family_name: "El Amrani".into(),
        date_of_birth: born.parse().unwrap(),
        bsn: None,
    };
    TeamMessage::Referral {
        referral_id: uuid::Uuid::now_v7(),
        reason: "Huiselijk geweld; moeder en kind kunnen niet thuis blijven.".into(),
        question: "Opvang en begeleiding voor moeder en kind.".into(),
        contact: Person { name: "Anouk (wijkteam)".into(), phone: Some("030-9".into()), email: None },
        members: vec![person("CARING_PARENT", "Fatima", "1990-03-04"), person("CHILD", "Yasmin", "2019-06-07")],
    }
}

/// The admission of a referral as listed (`referrals { id members { … } }`): the first member
/// the mother, the others her children.
fn admission_of(org: &Org, r: &Value) -> Value {
    let members: Vec<Value> = r["members"].as_array().unwrap().iter().enumerate().map(|(i, m)| {
        let mut v = json!({ "role": m["role"], "givenName": m["givenName"], "familyName": m["familyName"], "dateOfBirth": m["dateOfBirth"], "sex": "FEMALE" });
        if i == 0 { v["ref"] = json!("mum"); } else { v["custodianRefs"] = json!(["mum"]); }
        v
    }).collect();
    json!({ "locationId": org.location_id(), "responsibleWorkerId": Org::worker_gid(&org.worker), "members": members, "referralId": r["id"] })
}

/// Issue 11, item 10: two workers admitting one referral at once make one admission.
#[tokio::test]
async fn a_referral_admitted_several_times_at_once_is_admitted_once() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let team = youth_team(&app, &org).await;
    team.sim.send("de-haven", &referral()).await;
    let q = "{ referrals(status: RECEIVED) { id members { role givenName familyName dateOfBirth } } }";
    let r = app.gql(&org.worker_token, q, json!({})).await["referrals"][0].clone();
    let admit = "mutation($input: AdmitFamilyInput!) { admitFamily(input: $input) { family { id } } }";
    let (admitted, refused) =
        app.at_once(&org.worker_token, admit, json!({ "input": admission_of(&org, &r) }), 6).await;
    assert_eq!((admitted, refused), (1, vec!["CONFLICT".to_string(); 5]));
    assert_eq!(entities::family::Entity::find().count(&app.db).await.unwrap(), 1, "the losers wrote nothing");
}

/// A family of one child admitted, consent to share `scope` with the team, and a handover
/// drafted: (family, handover).
pub(crate) async fn drafted(app: &TestApp, org: &Org, team: &Team, scope: Value) -> (Value, Value) {
    let family = admit(app, org, without_bsn(family_input(org, 1))).await;
    consent(app, org, &family["children"][0]["id"], &family["members"][0]["person"]["id"], &team.id, scope).await;
    let create = json!({ "input": { "familyId": family["id"], "partnerId": team.id, "direction": "THROUGHFLOW", "reason": "Doorstroom", "question": "Opvang elders" } });
    let h = app.gql(&org.worker_token, CREATE, create).await["createHandover"]["handover"].clone();
    (family, h)
}

/// Issue 11, item 9: text with the NUL character from a partner (which PostgreSQL cannot
/// store) is refused as bad input before anything is written.
#[tokio::test]
async fn a_partner_message_with_a_nul_character_is_refused() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let team = youth_team(&app, &org).await;
    let (family, h) = drafted(&app, &org, &team, json!(["IDENTITY"])).await;
    app.gql(
        &org.worker_token,
        "mutation($id: ID!) { sendHandover(id: $id) { handover { status } } }",
        json!({ "id": h["id"] }),
    )
    .await;
    app.deliver().await;
    let handover_id = server::api::ids::uuid_of(h["id"].as_str().unwrap(), "Handover").unwrap();
    let body = serde_json::to_string(&TeamMessage::Declined { handover_id, reason: "Geen plek\u{0}.".into() }).unwrap();
    let headers =
        signing::sign(TEAM_SIGNING_SECRET.as_bytes(), "msg_nul_1", chrono::Utc::now().timestamp(), body.as_bytes())
            .unwrap();
    let res = app.client.post(&team.inbox_url).headers(headers).body(body).send().await.unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "BAD_USER_INPUT");
    assert_eq!(inbox_message::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(status(&app, &org, &family["id"]).await["status"], "DELIVERED");
}

/// Issue 11, item 10: a handover sent by several requests at once goes out once.
#[tokio::test]
async fn a_handover_sent_several_times_at_once_is_queued_once() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let team = youth_team(&app, &org).await;
    let (_, h) = drafted(&app, &org, &team, json!(["IDENTITY"])).await;
    let send = "mutation($id: ID!) { sendHandover(id: $id) { handover { status } } }";
    let (sent, refused) = app.at_once(&org.worker_token, send, json!({ "id": h["id"] }), 8).await;
    assert_eq!((sent, refused), (1, vec!["CONFLICT".to_string(); 7]));
    assert_eq!(outbox_message::Entity::find().count(&app.db).await.unwrap(), 1);
}

#[tokio::test]
async fn without_consent_for_identity_nothing_is_sent_and_a_declined_handover_says_why() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let team = youth_team(&app, &org).await;
    let family = admit(&app, &org, without_bsn(family_input(&org, 1))).await;
    let create = json!({ "input": { "familyId": family["id"], "partnerId": team.id, "direction": "THROUGHFLOW", "reason": "Doorstroom", "question": "Opvang elders" } });
    let h = app.gql(&org.worker_token, CREATE, create).await["createHandover"]["handover"].clone();
    let send = "mutation($id: ID!) { sendHandover(id: $id) { handover { status } } }";
    assert_eq!(
        app.gql_error(&org.worker_token, send, json!({ "id": h["id"] })).await["extensions"]["code"],
        "FORBIDDEN"
    );
    assert_eq!(outbox_message::Entity::find().count(&app.db).await.unwrap(), 0);

    let mum = family["members"][0]["person"]["id"].clone();
    consent(&app, &org, &family["children"][0]["id"], &mum, &team.id, json!(["IDENTITY"])).await;
    app.gql(&org.worker_token, send, json!({ "id": h["id"] })).await;
    app.deliver().await;
    let handover_id = server::api::ids::uuid_of(h["id"].as_str().unwrap(), "Handover").unwrap();
    team.sim.send("de-haven", &TeamMessage::Declined { handover_id, reason: "Buiten ons werkgebied".into() }).await;
    let s = status(&app, &org, &family["id"]).await;
    assert_eq!((s["status"].as_str(), s["declineReason"].as_str()), (Some("DECLINED"), Some("Buiten ons werkgebied")));
}

#[tokio::test]
async fn a_referral_from_a_team_becomes_an_admission_and_duplicates_are_applied_once() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let team = youth_team(&app, &org).await;
    let referral = referral();
    // The same message delivered twice (same id), and the same referral again under a new id.
    let body = serde_json::to_string(&referral).unwrap();
    for _ in 0..2 {
        let headers =
            signing::sign(TEAM_SIGNING_SECRET.as_bytes(), "msg_ref_1", chrono::Utc::now().timestamp(), body.as_bytes())
                .unwrap();
        let res = app.client.post(&team.inbox_url).headers(headers).body(body.clone()).send().await.unwrap();
        assert_eq!(res.status(), 200);
    }
    team.sim.send("de-haven", &referral).await;
    assert_eq!(inbox_message::Entity::find().count(&app.db).await.unwrap(), 2, "two distinct message ids");

    let q =
        "{ referrals(status: RECEIVED) { id reason contactName members { role givenName familyName dateOfBirth } } }";
    let list = app.gql(&org.worker_token, q, json!({})).await["referrals"].clone();
    assert_eq!(list.as_array().unwrap().len(), 1, "one referral");
    let r = &list[0];
    assert_eq!(r["members"][1]["givenName"], "Yasmin");

    let input = admission_of(&org, r);
    let admitted = app
        .gql(
            &org.worker_token,
            "mutation($input: AdmitFamilyInput!) { admitFamily(input: $input) { family { id } } }",
            json!({ "input": input.clone() }),
        )
        .await;
    let q = "{ referrals { status family { id } } }";
    let after = app.gql(&org.worker_token, q, json!({})).await["referrals"][0].clone();
    assert_eq!(
        (after["status"].as_str(), &after["family"]["id"]),
        (Some("ADMITTED"), &admitted["admitFamily"]["family"]["id"])
    );
    let again = app
        .gql_error(
            &org.worker_token,
            "mutation($input: AdmitFamilyInput!) { admitFamily(input: $input) { family { id } } }",
            json!({ "input": input }),
        )
        .await;
    assert_eq!(again["extensions"]["code"], "CONFLICT", "a referral is admitted once, and nothing else is written");
}

/// The custodians a package names are in the access log as persons of their own: read when
/// the package is previewed, exported when it is sent (issue 11, item 4).
#[tokio::test]
async fn custodians_named_in_a_package_are_logged_when_previewed_and_sent() {
    use entities::AccessAction;
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let team = youth_team(&app, &org).await;
    let (family, h) = drafted(&app, &org, &team, json!(["IDENTITY", "CUSTODY"])).await;
    let mum = family["members"][0]["person"]["id"].clone();
    let mum_id = server::api::ids::uuid_of(mum.as_str().unwrap(), "Person").unwrap();
    let logged = async |action: AccessAction| {
        access_log(&app.db)
            .await
            .into_iter()
            .any(|e| e.person_id == mum_id && e.action == action && e.area == "identity")
    };
    let reads_before =
        access_log(&app.db).await.iter().filter(|e| e.person_id == mum_id && e.action == AccessAction::Read).count();

    let preview = app.gql(&org.worker_token, PREVIEW, json!({ "id": h["id"] })).await["handoverPreview"].clone();
    assert_eq!(preview["package"]["children"][0]["custody"], json!(["Sara Jansen"]));
    let reads_after =
        access_log(&app.db).await.iter().filter(|e| e.person_id == mum_id && e.action == AccessAction::Read).count();
    assert!(reads_after > reads_before, "the mother's name was shown without a log entry");

    assert!(!logged(AccessAction::Export).await);
    app.gql(
        &org.worker_token,
        "mutation($id: ID!) { sendHandover(id: $id) { handover { status } } }",
        json!({ "id": h["id"] }),
    )
    .await;
    assert!(logged(AccessAction::Export).await, "the mother's name left without a log entry");
}

/// A package is no way around a field's rule: a child and family worker who is not the child's
/// responsible worker may not read the safety plan, so it is left out of what they preview and
/// send, and `omittedParts` says why (issue 11, item 1).
#[tokio::test]
async fn the_safety_plan_goes_into_a_package_only_for_whoever_may_read_it() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let team = youth_team(&app, &org).await;
    let (family, h) = drafted(&app, &org, &team, json!(["IDENTITY", "SAFETY_PLAN"])).await;
    let child = family["children"][0]["id"].clone();
    let plan = json!({ "input": { "childId": child, "childLanguageText": "Als papa bij school komt, ga ik naar juf Anja.",
        "agreedBy": ["Sara"], "reviewOn": (today() + chrono::Days::new(30)).to_string() } });
    app.gql(
        &org.worker_token,
        "mutation($input: RecordSafetyPlanInput!) { recordSafetyPlan(input: $input) { safetyPlan { version } } }",
        plan,
    )
    .await;

    let responsible = app.gql(&org.worker_token, PREVIEW, json!({ "id": h["id"] })).await["handoverPreview"].clone();
    assert_eq!(responsible["package"]["children"][0]["safetyPlan"]["version"], 1);

    let colleague =
        app.gql(&org.other_worker_token, PREVIEW, json!({ "id": h["id"] })).await["handoverPreview"].clone();
    assert!(colleague["package"]["children"][0].get("safetyPlan").is_none(), "{colleague}");
    let omitted = colleague["omittedParts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["part"] == "SAFETY_PLAN")
        .cloned()
        .unwrap_or_default();
    assert!(omitted["reason"].as_str().unwrap().contains("responsible worker"), "{omitted}");

    app.gql(
        &org.other_worker_token,
        "mutation($id: ID!) { sendHandover(id: $id) { handover { status } } }",
        json!({ "id": h["id"] }),
    )
    .await;
    app.deliver().await;
    assert!(team.sim.packages()[0]["children"][0].get("safetyPlan").is_none(), "the colleague's send left it out too");
}
