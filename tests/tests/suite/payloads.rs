//! Mutation payloads (issue 14, item 10): a mutation answers what it wrote, the record whose
//! lists the change touched, and the query root, so a client updates its cache from the answer.
//! The parent is read under its own rules; `TestApp::post` checks every person shown is logged.

use serde_json::{Value, json};
use tests::*;

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
    let r = &app.gql(t, contact, json!({ "input": input, "child": child })).await["recordContact"];
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
}
