//! Handle with Care end to end: a school with an agreement, parents informed, consent, the
//! notice through the school simulator, and the driegesprek it plans.

use integrations::simulator::{SimClient, school::School};
use serde_json::{Value, json};
use tests::*;

const SEND: &str =
    "mutation($input: SendHandleWithCareInput!) { sendHandleWithCare(input: $input) { handleWithCareNotice {
    id incidentKind dueBy onTime plannedConversationId message { status kind } school { name } } } }";

async fn school_partner(app: &TestApp, org: &Org) -> (std::sync::Arc<School>, Value) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (school, addr) = School::start(listener).await.unwrap();
    let base = format!("http://{addr}");
    let input = json!({
        "slug": "de-wilg", "name": "Basisschool De Wilg", "kind": "SCHOOL", "adapter": "SCHOOL",
        "endpointUrl": base, "tokenUrl": format!("{base}/oauth/token"), "clientId": "de-haven",
        "clientSecret": "school-client-secret", "signingSecret": "school-signing-secret-123",
        "contactPersons": [
            { "name": "Meester Bas", "role": "groepsleerkracht", "phone": null, "email": null },
            { "name": "Ilse de Vries", "role": "intern begeleider", "phone": "030-2", "email": "ilse@wilg.nl", "handleWithCare": true },
        ],
    });
    let q = "mutation($input: ChainPartnerInput!) { createChainPartner(input: $input) { chainPartner { id capabilities { sends } } } }";
    let partner =
        app.gql(&org.admin_token, q, json!({ "input": input })).await["createChainPartner"]["chainPartner"].clone();
    assert_eq!(partner["capabilities"]["sends"], json!(["HANDLE_WITH_CARE_NOTICE"]));
    school.common.add_client(SimClient {
        client_id: "de-haven".into(),
        client_secret: "school-client-secret".into(),
        signing_secret: "school-signing-secret-123".into(),
        callback_url: None,
    });
    (school, partner)
}

fn code_of(e: &Value) -> (String, String) {
    (e["extensions"]["code"].as_str().unwrap_or_default().into(), e["message"].as_str().unwrap_or_default().into())
}

#[tokio::test]
async fn a_school_gets_exactly_name_date_of_birth_and_the_code_word_before_the_next_school_day() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let (school, partner) = school_partner(&app, &org).await;
    let family = admit(&app, &org, without_bsn(family_input(&org, 2))).await;
    let child = family["children"][1]["id"].as_str().unwrap().to_string(); // 7 years old
    let mum = family["members"][0]["person"]["id"].clone();
    let occurred = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let send = json!({ "input": { "childId": child, "incidentKind": "ARRIVAL_AFTER_DOMESTIC_VIOLENCE", "occurredAt": occurred } });

    // Each precondition in turn gives a clear error, and nothing is queued.
    let e = code_of(&app.gql_error(&org.worker_token, SEND, send.clone()).await);
    assert!(e.0 == "BAD_USER_INPUT" && e.1.contains("no school"), "{e:?}");
    let enrol = "mutation($input: SchoolEnrolmentInput!) { recordSchoolEnrolment(input: $input) { schoolEnrolment { school { name } parentsInformedOn } } }";
    app.gql(&org.worker_token, enrol, json!({ "input": { "childId": child, "schoolId": partner["id"] } })).await;
    let e = code_of(&app.gql_error(&org.worker_token, SEND, send.clone()).await);
    assert!(e.1.contains("no Handle with Care agreement"), "{e:?}");
    let agree = "mutation($input: CooperationAgreementInput!) { recordCooperationAgreement(input: $input) { chainPartner { agreementSignedOn } } }";
    app.gql(&org.lead_token, agree, json!({ "input": { "partnerId": partner["id"], "signedOn": days_ago(100) } }))
        .await;
    let e = code_of(&app.gql_error(&org.worker_token, SEND, send.clone()).await);
    assert!(e.1.contains("parents have not been informed"), "{e:?}");
    let informed =
        json!({ "input": { "childId": child, "schoolId": partner["id"], "parentsInformedOn": days_ago(0) } });
    app.gql(&org.worker_token, enrol, informed).await;
    let e = code_of(&app.gql_error(&org.worker_token, SEND, send.clone()).await);
    assert_eq!(e.0, "FORBIDDEN", "no consent yet: {e:?}");
    assert_eq!(entities::outbox_message::Entity::find().all(&app.db).await.unwrap().len(), 0);
    use sea_orm::EntityTrait;

    let consent = "mutation($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id } } }";
    let given = json!({ "input": { "childId": child, "purpose": "HANDLE_WITH_CARE", "partnerKind": "SCHOOL", "scope": ["IDENTITY"], "decision": "GIVEN", "decidedBy": [mum] } });
    app.gql(&org.worker_token, consent, given).await;
    let sent = app.gql(&org.worker_token, SEND, send).await["sendHandleWithCare"]["handleWithCareNotice"].clone();
    assert_eq!(sent["message"]["status"], "QUEUED");
    assert_eq!(sent["onTime"], Value::Null, "on its way, still in time");
    let due: chrono::DateTime<chrono::Utc> = sent["dueBy"].as_str().unwrap().parse().unwrap();
    assert!(due > chrono::Utc::now() - chrono::Duration::minutes(1));

    assert_eq!(app.deliver().await, 1);
    let notices = school.notices();
    assert_eq!(notices.len(), 1);
    let n = &notices[0];
    let mut keys: Vec<&String> = n.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["child", "codeWord", "contactPerson", "noticeId", "school"]);
    assert_eq!(n["child"], json!({ "givenName": "Kind1", "familyName": "Jansen", "dateOfBirth": years_ago(7) }));
    assert_eq!(
        (n["codeWord"].as_str(), n["contactPerson"].as_str()),
        (Some("Handle with Care"), Some("Ilse de Vries"))
    );
    assert!(!n.to_string().contains("Geheimstraat") && !n.to_string().contains("DOMESTIC"), "no address, no incident");

    let q = "query($id: ID!) { node(id: $id) { ... on Child { handleWithCareNotices { onTime message { status } }
        contacts { id kind plannedOn heldOn participants } } } }";
    let after = app.gql(&org.worker_token, q, json!({ "id": child })).await["node"].clone();
    assert_eq!(after["handleWithCareNotices"][0], json!({ "onTime": true, "message": { "status": "DELIVERED" } }));
    let talk = after["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "THREE_WAY_TALK")
        .expect("driegesprek planned")
        .clone();
    assert_eq!(talk["heldOn"], Value::Null);
    assert!(talk["participants"].to_string().contains("Ilse de Vries (Basisschool De Wilg)"));
    assert_eq!(talk["id"], sent["plannedConversationId"]);
    let held =
        "mutation($input: RecordContactHeldInput!) { recordContactHeld(input: $input) { contact { heldOn kind } } }";
    let summary = "Met moeder en juf Ilse afgesproken hoe de school Sam deze weken opvangt.";
    let r = app.gql(&org.worker_token, held, json!({ "input": { "contactId": talk["id"], "summary": summary } })).await;
    assert_eq!(r["recordContactHeld"]["contact"]["kind"], "THREE_WAY_TALK");

    // Issue 14, item 10: the notice is a Node.
    let kinds = child_records_are_nodes(&app, &org.worker_token, &json!(child)).await;
    assert!(kinds.contains("HandleWithCareNotice"), "{kinds:?}");
}

#[tokio::test]
async fn without_a_designated_contact_or_an_active_connection_nothing_is_sent() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let input = json!({ "slug": "de-eik", "name": "De Eik", "kind": "SCHOOL",
        "contactPersons": [{ "name": "Juf Anna", "role": "leerkracht", "phone": null, "email": null }] });
    let q = "mutation($input: ChainPartnerInput!) { createChainPartner(input: $input) { chainPartner { id } } }";
    let partner =
        app.gql(&org.admin_token, q, json!({ "input": input })).await["createChainPartner"]["chainPartner"].clone();
    let family = admit(&app, &org, without_bsn(family_input(&org, 2))).await;
    let child = family["children"][1]["id"].as_str().unwrap().to_string();
    let enrol = "mutation($input: SchoolEnrolmentInput!) { recordSchoolEnrolment(input: $input) { schoolEnrolment { parentsInformedOn } } }";
    app.gql(
        &org.worker_token,
        enrol,
        json!({ "input": { "childId": child, "schoolId": partner["id"], "parentsInformedOn": days_ago(1) } }),
    )
    .await;
    let agree = "mutation($input: CooperationAgreementInput!) { recordCooperationAgreement(input: $input) { chainPartner { agreementSignedOn } } }";
    app.gql(&org.admin_token, agree, json!({ "input": { "partnerId": partner["id"], "signedOn": days_ago(10) } }))
        .await;
    let send = json!({ "input": { "childId": child, "incidentKind": "POLICE_INVOLVEMENT", "occurredAt": chrono::Utc::now().to_rfc3339() } });
    let e = code_of(&app.gql_error(&org.worker_token, SEND, send).await);
    assert!(e.1.contains("no active Handle with Care connection"), "{e:?}");
    let future = json!({ "input": { "childId": child, "incidentKind": "POLICE_INVOLVEMENT", "occurredAt": (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339() } });
    assert_eq!(app.gql_error(&org.worker_token, SEND, future).await["extensions"]["field"], "input.occurredAt");
}
