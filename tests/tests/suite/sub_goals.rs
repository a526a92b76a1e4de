//! The sub-goals a–j as the method defines them (IB 172-205; issue 12): the catalogue, goals
//! revised, and goals stored under the old meanings moved by the migration or marked for review.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectionTrait,
    sea_query::{Alias, Expr, ExprTrait, Query},
};
use serde_json::{Value, json};
use tests::*;

const PLAN: &str = "mutation($input: RecordActionPlanInput!) { recordActionPlan(input: $input) { actionPlan { id goals { id subGoals needsReview reviewNote } } } }";
const GOALS: &str =
    "query($id: ID!) { child(id: $id) { actionPlan { goals { text subGoals needsReview reviewNote } } } }";
const REVISE: &str = "mutation($input: ReviseGoalInput!) { reviseGoal(input: $input) { goal { text subGoals coreTask needsReview reviewNote } } }";

async fn plan(app: &TestApp, org: &Org, child: &Value, goals: Value) -> Value {
    let input = json!({ "input": { "childId": child, "childLanguageSummary": "We zorgen samen dat je veilig bent.", "goals": goals } });
    app.gql(&org.worker_token, PLAN, input).await["recordActionPlan"]["actionPlan"].clone()
}

#[tokio::test]
async fn the_catalogue_reads_as_the_method() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let q = "{ subGoals { letter concerns description descriptionNl } }";
    let list = app.gql(&org.worker_token, q, json!({})).await["subGoals"].as_array().unwrap().clone();
    let letters: Vec<&str> = list.iter().map(|d| d["letter"].as_str().unwrap()).collect();
    assert_eq!(letters, ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]);
    let concerns: Vec<&str> = list.iter().map(|d| d["concerns"].as_str().unwrap()).collect();
    assert_eq!(concerns, [["CHILD"; 6].as_slice(), ["PARENT"; 4].as_slice()].concat());
    assert_eq!(
        list[1]["descriptionNl"],
        "Het kind ervaart veiligheid, rust en stabiliteit in de dagelijkse leefsituatie."
    );
    assert!(list[5]["descriptionNl"].as_str().unwrap().starts_with("Mogelijke problemen en posttraumatische klachten"));
    assert!(list[8]["description"].as_str().unwrap().contains("including the parent who is not present"));
}

#[tokio::test]
async fn a_goal_is_revised_and_bad_revisions_name_their_field() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let family = admit(&app, &org, family_input(&org, 1)).await;
    let child = family["children"][0]["id"].clone();
    let p =
        plan(&app, &org, &child, json!([{ "text": "Veilig slapen", "subGoals": ["A"], "coreTask": "CHILD_IN_VIEW" }]))
            .await;
    let goal = p["goals"][0]["id"].clone();
    let r = app
        .gql(
            &org.worker_token,
            REVISE,
            json!({ "input": { "id": goal, "text": "Rustig slapen op de groep", "subGoals": ["B", "A", "B"] } }),
        )
        .await;
    assert_eq!(
        r["reviseGoal"]["goal"],
        json!({ "text": "Rustig slapen op de groep", "subGoals": ["A", "B"], "coreTask": "CHILD_IN_VIEW", "needsReview": false, "reviewNote": null })
    );
    for (input, field) in [
        (json!({ "id": goal, "subGoals": [] }), "input.subGoals"),
        (json!({ "id": goal, "text": "  " }), "input.text"),
        (json!({ "id": goal }), "input"),
    ] {
        let e = app.gql_error(&org.worker_token, REVISE, json!({ "input": input })).await;
        assert_eq!(
            (e["extensions"]["code"].as_str(), e["extensions"]["field"].as_str()),
            (Some("BAD_USER_INPUT"), Some(field)),
            "{e}"
        );
    }
    // Another organisation's worker does not find the goal.
    let other = tests::org(&app, "het-anker").await;
    let e = app.gql_error(&other.worker_token, REVISE, json!({ "input": { "id": goal, "subGoals": ["C"] } })).await;
    assert_eq!(e["extensions"]["code"], "NOT_FOUND");
}

/// Goals stored before the letters followed the method: moved by meaning, or marked for review
/// with what the old letter meant, and cleared when the worker chooses the sub-goals again.
#[tokio::test]
async fn goals_under_the_old_letters_move_by_meaning_or_wait_for_review() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let family = admit(&app, &org, family_input(&org, 1)).await;
    let child = family["children"][0]["id"].clone();
    plan(
        &app,
        &org,
        &child,
        json!([
            { "text": "Veilig wonen en slapen", "subGoals": ["A"], "coreTask": "CHILD_IN_VIEW" },
            { "text": "Praten over wat er gebeurd is", "subGoals": ["A"], "coreTask": "CHILD_IN_VIEW" },
            { "text": "Weer naar school", "subGoals": ["A"], "coreTask": "CHILD_IN_VIEW" },
        ]),
    )
    .await;
    // Back to the schema before the fix, with letters in their old meanings: C "stable daily
    // life", F + J "feelings" and "parent-child problems", D "school continues".
    Migrator::down(&app.db, Some(since("m20261127_000012_sub_goals"))).await.unwrap();
    for (text, old) in [
        ("Veilig wonen en slapen", json!(["A", "C"])),
        ("Praten over wat er gebeurd is", json!(["F", "J"])),
        ("Weer naar school", json!(["D"])),
    ] {
        let mut update = Query::update();
        update
            .table(Alias::new("goal"))
            .value(Alias::new("sub_goals"), old)
            .and_where(Expr::col(Alias::new("text")).eq(text));
        app.db.execute(&update).await.unwrap();
    }
    Migrator::up(&app.db, None).await.unwrap();

    let goals = app.gql(&org.worker_token, GOALS, json!({ "id": child })).await["child"]["actionPlan"]["goals"].clone();
    assert_eq!(
        goals[0],
        json!({ "text": "Veilig wonen en slapen", "subGoals": ["A", "B"], "needsReview": false, "reviewNote": null })
    );
    assert_eq!(
        goals[1],
        json!({ "text": "Praten over wat er gebeurd is", "subGoals": ["D", "J"], "needsReview": false, "reviewNote": null })
    );
    assert_eq!(
        (&goals[2]["subGoals"], &goals[2]["needsReview"]),
        (&json!(["D"]), &json!(true)),
        "kept, never silently remapped"
    );
    assert!(goals[2]["reviewNote"].as_str().unwrap().contains("d meant “School of kinderopvang loopt door”"));

    let school = app
        .gql(
            &org.worker_token,
            "query($id: ID!) { child(id: $id) { actionPlan { goals { id } } } }",
            json!({ "id": child }),
        )
        .await;
    let id = school["child"]["actionPlan"]["goals"][2]["id"].clone();
    let r = app.gql(&org.worker_token, REVISE, json!({ "input": { "id": id, "subGoals": ["B", "E"] } })).await["reviseGoal"]["goal"].clone();
    assert_eq!(
        (&r["subGoals"], &r["needsReview"], &r["reviewNote"]),
        (&json!(["B", "E"]), &json!(false), &Value::Null)
    );
}
