//! Mutation payloads (issue 14, item 10): a mutation answers what it wrote, the record whose
//! lists the change touched, and the query root, so a client updates its cache from the answer.
//! The parent is read under its own rules and logged as a read of it.

use entities::AccessAction;
use serde_json::{Value, json};
use tests::*;

/// How often the child's identity was read, by anyone.
async fn identity_reads(app: &TestApp, child: &Value) -> usize {
    let id = server::api::ids::uuid_of(child.as_str().unwrap(), "Child").unwrap();
    access_log(&app.db)
        .await
        .iter()
        .filter(|e| e.person_id == id && e.area == "identity" && e.action == AccessAction::Read)
        .count()
}

#[tokio::test]
async fn a_payload_answers_the_record_its_parent_and_the_query_root() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let family = admit(&app, &org, family_input(&org, 2)).await;
    let child = family["children"][0]["id"].clone();
    let t = &org.worker_token;

    // A new record, and the child's list that now holds it, in one answer.
    let contact = "mutation($input: RecordContactInput!, $child: ID!) { recordContact(input: $input) {
        contact { id } child { id contacts { id } } query { child(id: $child) { contacts { id } } } } }";
    let planned_on = (today() + chrono::Days::new(3)).to_string();
    let input = json!({ "childId": child, "kind": "CHILD_TALK", "plannedOn": planned_on });
    let reads = identity_reads(&app, &child).await;
    let r = &app.gql(t, contact, json!({ "input": input, "child": child })).await["recordContact"];
    assert_eq!(identity_reads(&app, &child).await, reads + 1, "one event for the request");
    assert_eq!(r["child"]["id"], child);
    assert_eq!(r["child"]["contacts"], json!([{ "id": r["contact"]["id"] }]));
    assert_eq!(r["query"]["child"]["contacts"], r["child"]["contacts"]);

    // A part answers the record that holds it: a goal its plan, an action its goal.
    let plan = "mutation($input: RecordActionPlanInput!) { recordActionPlan(input: $input) { actionPlan { id } child { actionPlan { id } } } }";
    let goal = json!({ "text": "Veilig naar school", "subGoals": ["A"], "coreTask": "CHILD_IN_VIEW",
        "actions": [{ "description": "School bellen", "owner": "moeder", "dueOn": today().to_string() }] });
    let r = app
        .gql(
            t,
            plan,
            json!({ "input": { "childId": child, "childLanguageSummary": "Jij bent veilig.", "goals": [goal] } }),
        )
        .await;
    let plan_id = r["recordActionPlan"]["actionPlan"]["id"].clone();
    assert_eq!(r["recordActionPlan"]["child"]["actionPlan"]["id"], plan_id);
    let add = "mutation($input: AddGoalInput!) { addGoal(input: $input) { goal { id actions { id } } actionPlan { id goals { id } } } }";
    let r = app.gql(t, add, json!({ "input": { "planId": plan_id, "goal": goal } })).await["addGoal"].clone();
    assert_eq!(r["actionPlan"]["id"], plan_id);
    let goals = r["actionPlan"]["goals"].as_array().unwrap();
    assert_eq!(goals.len(), 2);
    assert_eq!(goals[1]["id"], r["goal"]["id"]);
    let done = "mutation($input: RecordActionDoneInput!) { recordActionDone(input: $input) { goalAction { id doneOn } goal { id actions { doneOn } } } }";
    let action = r["goal"]["actions"][0]["id"].clone();
    let r = app.gql(t, done, json!({ "input": { "actionId": action } })).await["recordActionDone"].clone();
    assert_eq!(r["goal"]["id"], goals[1]["id"]);
    assert_eq!(r["goal"]["actions"][0]["doneOn"], r["goalAction"]["doneOn"]);

    // A removal answers the id to drop and the list without it.
    let member = json!({ "name": "Oma", "relation": "FAMILY", "contactSafe": true });
    let add = "mutation($input: AddNetworkMemberInput!) { addNetworkMember(input: $input) { networkMember { id } child { network { id } } } }";
    let r =
        app.gql(t, add, json!({ "input": { "childId": child, "member": member } })).await["addNetworkMember"].clone();
    let member_id = r["networkMember"]["id"].clone();
    assert_eq!(r["child"]["network"], json!([{ "id": member_id }]));
    let remove = "mutation($input: RemoveNetworkMemberInput!) { removeNetworkMember(input: $input) { removedNetworkMemberId child { network { id } } } }";
    let r = app.gql(t, remove, json!({ "input": { "id": member_id } })).await["removeNetworkMember"].clone();
    assert_eq!(r["removedNetworkMemberId"], member_id);
    assert_eq!(r["child"]["network"], json!([]));

    // An activity of several children answers each child.
    let activity = "mutation($input: RecordActivityInput!) { recordActivity(input: $input) { activities { id } children { id activities { id } } } }";
    let both: Vec<Value> = family["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json!({ "childId": c["id"], "tookPart": true }))
        .collect();
    let r = app
        .gql(t, activity, json!({ "input": { "kind": "CREATIVE", "description": "Knutselen", "children": both } }))
        .await["recordActivity"]
        .clone();
    for (i, c) in family["children"].as_array().unwrap().iter().enumerate() {
        assert_eq!(r["children"][i]["id"], c["id"]);
        assert_eq!(r["children"][i]["activities"], json!([{ "id": r["activities"][i]["id"] }]));
    }

    // The parent is read, and logged, when it is selected, and only then.
    let planned = json!({ "input": { "childId": child, "kind": "CHILD_TALK", "plannedOn": planned_on } });
    let reads = identity_reads(&app, &child).await;
    let bare = "mutation($input: RecordContactInput!) { recordContact(input: $input) { contact { id } } }";
    app.gql(t, bare, planned.clone()).await;
    assert_eq!(identity_reads(&app, &child).await, reads);
    let with_child = "mutation($input: RecordContactInput!) { recordContact(input: $input) { child { id } } }";
    app.gql(t, with_child, planned).await;
    assert_eq!(identity_reads(&app, &child).await, reads + 1);
}

/// A parent the viewer may not read is null with FORBIDDEN on its path, and the write stands:
/// an organisation's admin records a child's involved partners but does not read case files.
#[tokio::test]
async fn a_parent_the_viewer_may_not_read_is_null_and_the_write_stands() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let family = admit(&app, &org, family_input(&org, 1)).await;
    let child = family["children"][0]["id"].clone();
    let team = youth_team(&app, &org).await;
    let add = "mutation($input: AddInvolvementInput!) { addInvolvement(input: $input) { involvement { id role } child { id } } }";
    let input = json!({ "input": { "childId": child, "partnerId": team.id, "role": "gezinscoach" } });
    let reads = identity_reads(&app, &child).await;
    let (_, body) = app.post(Some(&org.admin_token), add, input).await;
    assert_eq!(body["data"]["addInvolvement"]["involvement"]["role"], "gezinscoach", "{body}");
    assert_eq!(body["data"]["addInvolvement"]["child"], Value::Null);
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(body["errors"][0]["path"], json!(["addInvolvement", "child"]));
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert_eq!(identity_reads(&app, &child).await, reads, "nothing read, nothing logged");
    let q = "query($id: ID!) { node(id: $id) { ... on Child { involvements { role } } } }";
    let listed = app.gql(&org.worker_token, q, json!({ "id": child })).await;
    assert_eq!(listed["node"]["involvements"], json!([{ "role": "gezinscoach" }]));
}

/// A Meldcode track about a child who did not come to the shelter is listed on the family, so
/// its payload answers the family beside a null child; a handover's payload answers the family
/// whose `handovers` hold it.
#[tokio::test]
async fn a_payload_answers_the_family_that_lists_the_record() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let t = &org.worker_token;
    let mut input = family_input(&org, 1);
    input["members"].as_array_mut().unwrap().push(json!({ "role": "CHILD_NOT_ADMITTED", "givenName": "Mila", "familyName": "Jansen", "dateOfBirth": years_ago(15) }));
    let family = admit(&app, &org, input).await;
    let mila = family["members"].as_array().unwrap().iter().find(|m| m["role"] == "CHILD_NOT_ADMITTED").unwrap()["person"]["id"].clone();
    let open = "mutation($input: OpenReportingCodeTrackInput!) { openReportingCodeTrack(input: $input) {
        reportingCodeTrack { id } child { id } family { id reportingCodeTracks { id } } } }";
    let signal = json!({ "childId": mila, "signal": "REPORTED_BY_OTHERS", "description": "School belde over Mila." });
    let (_, body) = app.post(Some(t), open, json!({ "input": signal })).await;
    assert!(body.get("errors").is_none(), "no child is no error: {body}");
    let r = &body["data"]["openReportingCodeTrack"];
    assert_eq!(r["child"], Value::Null);
    assert_eq!(r["family"]["id"], family["id"]);
    assert_eq!(r["family"]["reportingCodeTracks"], json!([{ "id": r["reportingCodeTrack"]["id"] }]));

    let team = youth_team(&app, &org).await;
    let create = "mutation($input: CreateHandoverInput!) { createHandover(input: $input) { handover { id } family { handovers { id status } } } }";
    let input = json!({ "familyId": family["id"], "partnerId": team.id, "direction": "OUTFLOW",
        "reason": "Eigen woning in de wijk.", "question": "Gezinsbegeleiding." });
    let r = app.gql(t, create, json!({ "input": input })).await["createHandover"].clone();
    assert_eq!(r["family"]["handovers"], json!([{ "id": r["handover"]["id"], "status": "DRAFT" }]));
}
