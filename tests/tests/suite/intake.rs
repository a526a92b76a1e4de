//! Kind in beeld, fase 1: first contact and intake.

use serde_json::json;
use tests::*;

const FIRST: &str = "mutation($input: RecordFirstContactInput!) { recordFirstContact(input: $input) { firstContact { contactOn warmWelcome riskViolence recordedBy { name } } } }";
const INTAKE: &str = "mutation($input: RecordIntakeInput!) { recordIntake(input: $input) { intake { educationKind educationName childExperience participants { name organisationName role } } } }";

#[tokio::test]
async fn first_contact_and_intake_are_recorded_per_trajectory() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let family = admit(&app, &org, family_input(&org, 2)).await; // ages 2 and 7
    let toddler = family["children"][0]["id"].clone();
    let child = family["children"][1]["id"].clone();

    let first = json!({ "childId": child, "warmWelcome": true, "houseRulesExplained": true, "complaintsProcedureExplained": true,
        "confidantExplained": false, "riskViolence": true, "networkMappedWithParent": true });
    let data = app.gql(&org.worker_token, FIRST, json!({ "input": first })).await;
    assert_eq!(data["recordFirstContact"]["firstContact"]["contactOn"], today().to_string());
    assert_eq!(data["recordFirstContact"]["firstContact"]["recordedBy"]["name"], org.worker.name);

    let intake = json!({ "childId": child, "educationKind": "SCHOOL", "educationName": "De Regenboog",
        "educationContactName": "Juf Anja", "childExperience": "Ik mis mijn kamer",
        "participants": [{ "name": "Sara Jansen", "role": "moeder" }, { "name": "Kees", "organisationName": "Wijkteam Noord", "role": "wijkteammedewerker" }] });
    let data = app.gql(&org.worker_token, INTAKE, json!({ "input": intake })).await;
    assert_eq!(data["recordIntake"]["intake"]["participants"].as_array().unwrap().len(), 2);

    let q = "query($id: ID!) { child(id: $id) { firstContact { warmWelcome riskViolence } intake { educationName participants { organisationName } } } }";
    let c = app.gql(&org.expert_token, q, json!({ "id": child })).await["child"].clone();
    assert_eq!(c["firstContact"], json!({ "warmWelcome": true, "riskViolence": true }));
    assert_eq!(c["intake"]["educationName"], "De Regenboog");
    assert_eq!(c["intake"]["participants"][1]["organisationName"], "Wijkteam Noord");

    // Asking a two-year-old how they experience the situation is not part of the method.
    let bad = json!({ "childId": toddler, "educationKind": "DAY_CARE", "childExperience": "?" });
    let err = app.gql_error(&org.worker_token, INTAKE, json!({ "input": bad })).await;
    assert_eq!(err["extensions"]["field"], "input.childExperience");
    let future =
        json!({ "childId": child, "educationKind": "NONE", "heldOn": (today() + chrono::Days::new(2)).to_string() });
    assert_eq!(
        app.gql_error(&org.worker_token, INTAKE, json!({ "input": future })).await["extensions"]["field"],
        "input.heldOn"
    );

    // Another organisation's worker cannot record or read anything of this child.
    let other = tests::org(&app, "anker").await;
    let err = app
        .gql_error(&other.worker_token, INTAKE, json!({ "input": { "childId": child, "educationKind": "NONE" } }))
        .await;
    assert_eq!(err["extensions"]["code"], "NOT_FOUND");
    // An admin does not work with case files.
    let err = app.gql_error(&org.admin_token, FIRST, json!({ "input": first_contact_input(&child) })).await;
    assert_eq!(err["extensions"]["code"], "FORBIDDEN");
}

fn first_contact_input(child: &serde_json::Value) -> serde_json::Value {
    json!({ "childId": child, "warmWelcome": true, "houseRulesExplained": true, "complaintsProcedureExplained": true,
        "confidantExplained": true, "networkMappedWithParent": true })
}
