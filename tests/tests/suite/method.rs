//! The Veerkracht method end to end over GraphQL: one family from admission through phase 1,
//! phase 2 and phase 3 to closure, with the agenda checked at every step.

use chrono::Days;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use tests::*;

const AGENDA: &str = "query($to: Date!) { agenda(to: $to) { kind dueOn overdue child { id } } }";
const ADVANCE: &str =
    "mutation($input: AdvancePhaseInput!) { advancePhase(input: $input) { child { trajectory { phase } } } }";
const CONTACT: &str =
    "mutation($input: RecordContactInput!) { recordContact(input: $input) { contact { id kind heldOn plannedOn } } }";
const SCREEN: &str = "mutation($input: RecordScreeningInput!) { recordScreening(input: $input) { screening { instrument informant total { score } band flag subscales { code score band } } } }";
const ASSESS: &str = "mutation($input: RecordSafetyAssessmentInput!) { recordSafetyAssessment(input: $input) { safetyAssessment { id judgement scores { respondent score } } } }";
const STEP: &str = "mutation($input: RecordReportingCodeStepInput!) { recordReportingCodeStep(input: $input) { reportingCodeTrack { reachedStep } } }";
const CLOSE_TRACK: &str = "mutation($input: CloseReportingCodeTrackInput!) { closeReportingCodeTrack(input: $input) { reportingCodeTrack { closedOn steps { step decision } } } }";
const PLAN: &str = "mutation($input: RecordActionPlanInput!) { recordActionPlan(input: $input) { actionPlan { id goals { id subGoals coreTask actions { owner } } } } }";

fn in_days(n: u64) -> String {
    (today() + Days::new(n)).to_string()
}

/// A mother, a father with custody who stayed behind, and a boy of 9 (SDQ and CRIES-13 apply).
fn family(org: &Org, admitted: &str) -> Value {
    json!({
        "locationId": org.location_id(),
        "responsibleWorkerId": Org::worker_gid(&org.worker),
        "admissionDate": admitted,
        "members": [
            { "ref": "mum", "role": "CARING_PARENT", "givenName": "Sara", "familyName": "Jansen", "dateOfBirth": years_ago(34) },
            { "ref": "dad", "role": "NON_ACCOMPANYING_PARENT", "givenName": "Kevin", "familyName": "Jansen", "dateOfBirth": years_ago(37) },
            { "role": "CHILD", "givenName": "Daan", "familyName": "Jansen", "dateOfBirth": years_ago(9), "custodianRefs": ["mum", "dad"] },
        ],
    })
}

/// (kind, dueOn, overdue) of the agenda items about one child.
async fn agenda(app: &TestApp, token: &str, child: &Value, to: &str) -> Vec<(String, String, bool)> {
    let items = app.gql(token, AGENDA, json!({ "to": to })).await["agenda"].as_array().unwrap().clone();
    items
        .into_iter()
        .filter(|i| &i["child"]["id"] == child)
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_string(),
                i["dueOn"].as_str().unwrap().to_string(),
                i["overdue"].as_bool().unwrap(),
            )
        })
        .collect()
}

async fn overdue_children(app: &TestApp, token: &str) -> Vec<Value> {
    let q = "{ children(filter: { overdue: true }, first: 100) { edges { node { id } } } }";
    app.gql(token, q, json!({})).await["children"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].clone())
        .collect()
}

fn answers(values: &[&str]) -> Value {
    values.iter().enumerate().map(|(i, a)| json!({ "item": i + 1, "answer": a })).collect()
}

#[tokio::test]
async fn a_family_walks_through_every_phase_of_the_method() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let t = &org.worker_token;
    let admitted = today() - Days::new(100);
    let admitted_s = admitted.to_string();
    let f = admit(&app, &org, family(&org, &admitted_s)).await;
    let child = f["children"][0]["id"].clone();
    let dad = f["members"].as_array().unwrap().iter().find(|m| m["role"] == "NON_ACCOMPANYING_PARENT").unwrap()["person"]["id"].clone();
    let mum = f["members"][0]["person"]["id"].clone();
    let on = |days_after_admission: u64| (admitted + Days::new(days_after_admission)).to_string();

    // Nothing recorded, 100 days in: every cadence item and the end of phase 1 are overdue,
    // and the parents' consent to Daan's support has been asked for since admission.
    let items = agenda(&app, t, &child, &today().to_string()).await;
    assert_eq!(
        items,
        vec![
            ("CHILD_SUPPORT_CONSENT".into(), on(0), true),
            ("PARENT_TALK".into(), on(7), true),
            ("CHILD_TALK".into(), on(14), true),
            ("PHASE_1_END".into(), on(42), true),
        ]
    );
    assert_eq!(overdue_children(&app, t).await, vec![child.clone()]);
    // Leaving phase 1 without its activities needs a reason.
    let err = app.gql_error(t, ADVANCE, json!({ "input": { "childId": child, "effectiveOn": on(30) } })).await;
    assert_eq!(err["extensions"]["field"], "input.phase1ExitReason");

    // Phase 1: first contact, intake.
    app.gql(t, "mutation($input: RecordFirstContactInput!) { recordFirstContact(input: $input) { firstContact { id } } }", json!({ "input": {
        "childId": child, "contactOn": on(0), "warmWelcome": true, "houseRulesExplained": true, "complaintsProcedureExplained": true,
        "confidantExplained": true, "riskViolence": true, "riskTrauma": true, "networkMappedWithParent": true } })).await;
    app.gql(t, "mutation($input: RecordIntakeInput!) { recordIntake(input: $input) { intake { id } } }", json!({ "input": {
        "childId": child, "heldOn": on(2), "educationKind": "SCHOOL", "educationName": "De Regenboog", "educationContactName": "Juf Anja",
        "childExperience": "Ik mis papa soms, maar ik ben niet meer bang 's nachts." } })).await;

    // A safety assessment judged "niet goed genoeg" opens the Meldcode.
    let assessment = app.gql(t, ASSESS, json!({ "input": {
        "childId": child, "assessedOn": on(3), "worries": "Vader heeft gedreigd het kind mee te nemen.",
        "safetyGoals": "Daan is veilig op school en in de opvang.", "judgement": "NOT_GOOD_ENOUGH",
        "toolsUsed": ["SAFE_AT_HOME_CARD"],
        "scores": [{ "respondent": "WORKER", "score": 3 }, { "respondent": "PARENT", "respondentPersonId": mum, "score": 4 },
                   { "respondent": "CHILD", "respondentName": "Daan", "score": 5 }] } })).await;
    assert_eq!(assessment["recordSafetyAssessment"]["safetyAssessment"]["scores"].as_array().unwrap().len(), 3);
    let q = "query($id: ID!) { child(id: $id) { reportingCodeTracks { id reachedStep closedOn } } }";
    let track = app.gql(t, q, json!({ "id": child })).await["child"]["reportingCodeTracks"][0].clone();
    assert_eq!(track["reachedStep"], 0);
    let track_id = track["id"].clone();
    let step = |n: i32, day: u64, extra: Value| {
        let mut input =
            json!({ "trackId": track_id, "step": n, "recordedOn": on(day), "outcome": format!("stap {n} gezet") });
        input.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        input
    };
    app.gql(t, STEP, json!({ "input": step(1, 3, json!({})) })).await;
    // The track cannot be closed before step 5 is decided, and steps follow each other.
    let err = app.gql_error(t, CLOSE_TRACK, json!({ "input": { "trackId": track_id } })).await;
    assert_eq!(err["extensions"]["field"], "input.trackId");
    let err = app
        .gql_error(t, STEP, json!({ "input": step(4, 4, json!({ "decision": "NO_ACUTE_OR_STRUCTURAL_UNSAFETY" })) }))
        .await;
    assert_eq!(err["extensions"]["field"], "input.step");
    app.gql(t, STEP, json!({ "input": step(2, 4, json!({ "consultedVeiligThuis": true })) })).await;
    app.gql(t, STEP, json!({ "input": step(3, 5, json!({})) })).await;
    app.gql(t, STEP, json!({ "input": step(4, 6, json!({ "decision": "ACUTE_OR_STRUCTURAL_UNSAFETY" })) })).await;
    let err = app.gql_error(t, STEP, json!({ "input": step(5, 7, json!({ "decision": "ORGANISE_HELP" })) })).await;
    assert_eq!(err["extensions"]["field"], "input.decision", "acute unsafety must be reported");
    let data =
        app.gql(t, STEP, json!({ "input": step(5, 7, json!({ "decision": "REPORT_AND_ORGANISE_HELP" })) })).await;
    assert_eq!(data["recordReportingCodeStep"]["reportingCodeTrack"]["reachedStep"], 5);
    let closed = app.gql(t, CLOSE_TRACK, json!({ "input": { "trackId": track_id, "closedOn": on(8) } })).await;
    assert_eq!(closed["closeReportingCodeTrack"]["reportingCodeTrack"]["closedOn"], on(8));
    assert_eq!(
        closed["closeReportingCodeTrack"]["reportingCodeTrack"]["steps"][4],
        json!({ "step": 5, "decision": "REPORT_AND_ORGANISE_HELP" })
    );

    // Safety plan in the child's words.
    app.gql(t, "mutation($input: RecordSafetyPlanInput!) { recordSafetyPlan(input: $input) { safetyPlan { version } } }", json!({ "input": {
        "childId": child, "childLanguageText": "Als papa bij school komt, ga ik naar juf Anja.", "agreedBy": ["Sara", "Daan"],
        "agreements": [{ "who": "juf Anja", "what": "belt de opvang als vader op school komt", "when": "direct" }],
        "reviewOn": in_days(30) } })).await;

    // Screening: SDQ by parent and teacher, CRIES-13 by the child.
    let sdq = answers(&["CERTAINLY_TRUE"; 25]);
    let parent = app.gql(t, SCREEN, json!({ "input": { "childId": child, "instrument": "SDQ", "informant": "PARENT", "administeredOn": on(10), "answers": sdq } })).await;
    assert_eq!(parent["recordScreening"]["screening"]["total"]["score"], 30);
    assert_eq!(parent["recordScreening"]["screening"]["band"], "ABNORMAL");
    let teacher_answers = answers(&["NOT_TRUE"; 25]);
    let teacher = app.gql(t, SCREEN, json!({ "input": { "childId": child, "instrument": "SDQ", "informant": "TEACHER", "filledInBy": "TEACHER", "administeredOn": on(12), "answers": teacher_answers } })).await;
    assert_eq!(
        teacher["recordScreening"]["screening"]["total"]["score"], 10,
        "reverse-keyed items score 2 when answered 'not true'"
    );
    assert_eq!(teacher["recordScreening"]["screening"]["band"], "NORMAL");
    let mut cries = vec!["OFTEN"; 6];
    cries.extend(["NOT_AT_ALL"; 7]);
    let c = app.gql(t, SCREEN, json!({ "input": { "childId": child, "instrument": "CRIES_13", "informant": "SELF", "administeredOn": on(12), "answers": answers(&cries) } })).await;
    assert_eq!(c["recordScreening"]["screening"]["total"]["score"], 30);
    assert_eq!(c["recordScreening"]["screening"]["flag"], "RAISED_PTSS_RISK");
    // A nine-year-old does not fill in the SDQ self-report.
    let err = app.gql_error(t, SCREEN, json!({ "input": { "childId": child, "instrument": "SDQ", "informant": "SELF", "answers": answers(&["NOT_TRUE"; 25]) } })).await;
    assert_eq!(err["extensions"]["field"], "input.informant");

    // Action plan and network.
    let plan = app.gql(t, PLAN, json!({ "input": { "childId": child, "drawnUpOn": on(14),
        "childLanguageSummary": "We zorgen dat je veilig bent en weer lekker naar school gaat.",
        "goals": [
            { "text": "Daan voelt zich veilig op school", "subGoals": ["A", "B"], "coreTask": "CHILD_IN_VIEW",
              "actions": [{ "description": "Afspraken met school maken", "owner": "moeder", "dueOn": on(21) }] },
            { "text": "Mama en Daan praten over wat er thuis gebeurde", "subGoals": ["G", "J"], "coreTask": "PARENTS_AND_PARENTING" },
        ] } })).await["recordActionPlan"]["actionPlan"].clone();
    let goals: Vec<Value> = plan["goals"].as_array().unwrap().iter().map(|g| g["id"].clone()).collect();
    assert_eq!(plan["goals"][0]["subGoals"], json!(["A", "B"]));
    let add_member = "mutation($input: AddNetworkMemberInput!) { addNetworkMember(input: $input) { networkMember { id contactSafe } } }";
    app.gql(
        t,
        add_member,
        json!({ "input": { "childId": child, "member": { "name": "Kevin Jansen", "relation": "PARENT",
        "personId": dad, "contactSafe": false, "restrictions": "alleen begeleid contact" } } }),
    )
    .await;
    app.gql(
        t,
        add_member,
        json!({ "input": { "childId": child, "member": { "name": "Juf Anja", "relation": "TEACHER",
        "roleForChild": "vertrouwenspersoon op school", "contactSafe": true, "agreedToBeNamed": true } } }),
    )
    .await;

    // Both parents with custody agree to Daan's own support.
    app.gql(t, "mutation($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id } } }", json!({ "input": {
        "childId": child, "purpose": "CHILD_SUPPORT", "decision": "GIVEN", "decidedBy": [mum, dad], "decidedOn": on(1) } })).await;

    // Phase 1 is complete on the board; on to phase 2.
    let board =
        app.gql(t, "query($id: ID!) { child(id: $id) { board { key phase done } } }", json!({ "id": child })).await;
    let done = |key: &str| {
        board["child"]["board"].as_array().unwrap().iter().find(|i| i["key"] == key).unwrap()["done"].clone()
    };
    for key in [
        "ACQUAINTANCE",
        "GATHER_INFORMATION",
        "ASSESS_SAFETY",
        "SCREENING",
        "ACTION_PLAN",
        "SAFETY_MEASURES",
        "MAP_THE_NETWORK",
    ] {
        assert_eq!(done(key), true, "{key}");
    }
    assert_eq!(done("CHILD_TALKS"), false);
    let moved = app.gql(t, ADVANCE, json!({ "input": { "childId": child, "effectiveOn": on(20) } })).await;
    assert_eq!(moved["advancePhase"]["child"]["trajectory"]["phase"], "PHASE_2");
    // The end of phase 1 leaves the agenda; the talks and the first evaluation are overdue.
    let items = agenda(&app, t, &child, &today().to_string()).await;
    assert_eq!(
        items,
        vec![
            ("PARENT_TALK".into(), on(7), true),
            ("CHILD_TALK".into(), on(14), true),
            ("EVALUATION".into(), on(56), true),
        ]
    );

    // Phase 2: kindgesprekken on cadence, a weekly oudergesprek, an evaluation, a planned driegesprek.
    let held = |kind: &str, day: String| {
        json!({ "input": { "childId": child, "kind": kind, "heldOn": day,
        "participants": ["Daan", "Wendy"], "coreTasks": ["CHILD_IN_VIEW"], "summary": "Gaat goed op school.", "agreements": "Volgende keer tekenen." } })
    };
    app.gql(t, CONTACT, held("CHILD_TALK", (today() - Days::new(20)).to_string())).await;
    app.gql(t, CONTACT, held("CHILD_TALK", (today() - Days::new(6)).to_string())).await;
    app.gql(t, CONTACT, held("PARENT_TALK", (today() - Days::new(3)).to_string())).await;
    let evaluation = "mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { evaluation { progress { status score } } } }";
    let progress = json!([{ "goalId": goals[0], "score": 7, "status": "IN_PROGRESS" }]);
    let err = app.gql_error(t, evaluation, json!({ "input": { "planId": plan["id"], "parentTookPart": true, "childTookPart": true, "progress": progress } })).await;
    assert_eq!(err["extensions"]["field"], "input.progress", "every goal is evaluated");
    app.gql(t, evaluation, json!({ "input": { "planId": plan["id"], "heldOn": (today() - Days::new(5)).to_string(),
        "parentTookPart": true, "childTookPart": true,
        "progress": [{ "goalId": goals[0], "score": 7, "status": "IN_PROGRESS" }, { "goalId": goals[1], "status": "NOT_STARTED" }] } })).await;
    let planned = app
        .gql(
            t,
            CONTACT,
            json!({ "input": { "childId": child, "kind": "THREE_WAY_TALK", "plannedOn": in_days(3),
        "participants": ["Sara", "Wendy", "Juf Anja"] } }),
        )
        .await;
    assert_eq!(planned["recordContact"]["contact"]["heldOn"], Value::Null);

    let items = agenda(&app, t, &child, &in_days(10)).await;
    assert_eq!(
        items,
        vec![
            ("PLANNED_CONTACT".into(), in_days(3), false),
            ("PARENT_TALK".into(), in_days(4), false),
            ("CHILD_TALK".into(), in_days(8), false),
        ],
        "the evaluation is due in 37 days, outside the window"
    );
    assert!(overdue_children(&app, t).await.is_empty());
    let cadence = app.gql(t, "query($id: ID!) { child(id: $id) { cadence { nextChildTalkDue nextParentTalkDue nextEvaluationDue overdue } } }", json!({ "id": child })).await;
    assert_eq!(
        cadence["child"]["cadence"],
        json!({ "nextChildTalkDue": in_days(8), "nextParentTalkDue": in_days(4), "nextEvaluationDue": in_days(37), "overdue": false })
    );

    // Holding the planned driegesprek takes it off the agenda.
    let hold = "mutation($input: RecordContactHeldInput!) { recordContactHeld(input: $input) { contact { heldOn } } }";
    let id = planned["recordContact"]["contact"]["id"].clone();
    let err = app.gql_error(t, hold, json!({ "input": { "contactId": id } })).await;
    assert_eq!(err["extensions"]["field"], "input.summary");
    app.gql(t, hold, json!({ "input": { "contactId": id, "summary": "Afspraken met school gemaakt." } })).await;
    let items = agenda(&app, t, &child, &in_days(10)).await;
    assert!(items.iter().all(|(k, _, _)| k != "PLANNED_CONTACT"));

    // Phase 3 records the expected departure; closing records the aftercare decision.
    let err = app.gql_error(t, ADVANCE, json!({ "input": { "childId": child } })).await;
    assert_eq!(err["extensions"]["field"], "input.expectedDepartureOn");
    let moved = app.gql(t, ADVANCE, json!({ "input": { "childId": child, "expectedDepartureOn": in_days(20) } })).await;
    assert_eq!(moved["advancePhase"]["child"]["trajectory"]["phase"], "PHASE_3");
    assert_eq!(agenda(&app, t, &child, &in_days(10)).await.len(), 2, "the talks go on in phase 3");
    let closed = app
        .gql(
            t,
            ADVANCE,
            json!({ "input": { "childId": child, "to": "CLOSED", "endReason": "INDEPENDENT_HOUSING",
        "aftercareDecision": "WARM_HANDOVER" } }),
        )
        .await;
    assert_eq!(closed["advancePhase"]["child"]["trajectory"]["phase"], "CLOSED");
    assert!(agenda(&app, t, &child, &in_days(60)).await.is_empty(), "nothing is due for a closed trajectory");
    let board = app.gql(t, "query($id: ID!) { child(id: $id) { board { key done } } }", json!({ "id": child })).await;
    let open: Vec<&Value> =
        board["child"]["board"].as_array().unwrap().iter().filter(|i| i["done"] == false).map(|i| &i["key"]).collect();
    assert!(!open.contains(&&json!("ARRANGE_HANDOVER")) && !open.contains(&&json!("CLOSE_THE_SUPPORT")), "{open:?}");
    assert!(open.contains(&&json!("PREPARE_THE_CHILD")), "departure was not talked through with Daan: {open:?}");

    // Issue 14, item 10: every record of the walk is a Node, found by id under its list's rules.
    let kinds = child_records_are_nodes(&app, t, &child).await;
    for kind in [
        "Child",
        "Person",
        "Family",
        "FirstContact",
        "Intake",
        "Contact",
        "SafetyAssessment",
        "SafetyPlan",
        "ReportingCodeTrack",
        "Screening",
        "ActionPlan",
        "Goal",
        "GoalAction",
        "Evaluation",
        "NetworkMember",
        "Consent",
    ] {
        assert!(kinds.contains(kind), "no {kind} among {kinds:?}");
    }
}

#[tokio::test]
async fn the_safety_plan_is_for_the_responsible_worker_lead_and_expert() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let f = admit(&app, &org, family_input(&org, 1)).await;
    let child = f["children"][0]["id"].clone();
    let record =
        "mutation($input: RecordSafetyPlanInput!) { recordSafetyPlan(input: $input) { safetyPlan { version } } }";
    let input = |text: &str| json!({ "input": { "childId": child, "childLanguageText": text, "agreedBy": ["Sara"], "reviewOn": in_days(14) } });
    assert_eq!(
        app.gql(&org.worker_token, record, input("Versie een")).await["recordSafetyPlan"]["safetyPlan"]["version"],
        1
    );
    assert_eq!(
        app.gql(&org.lead_token, record, input("Versie twee")).await["recordSafetyPlan"]["safetyPlan"]["version"],
        2
    );
    let err = app.gql_error(&org.other_worker_token, record, input("Niet van mij")).await;
    assert_eq!(err["extensions"]["code"], "FORBIDDEN");

    let q = "query($id: ID!) { child(id: $id) { safetyPlan { version childLanguageText } safetyPlanVersions { version } } }";
    for token in [&org.worker_token, &org.lead_token, &org.expert_token] {
        let c = app.gql(token, q, json!({ "id": child })).await;
        assert_eq!(c["child"]["safetyPlan"], json!({ "version": 2, "childLanguageText": "Versie twee" }));
        assert_eq!(c["child"]["safetyPlanVersions"], json!([{ "version": 2 }, { "version": 1 }]));
    }
    // Another worker of the same organisation reads the case, not the child's safety plan.
    let err = app.gql_error(&org.other_worker_token, q, json!({ "id": child })).await;
    assert_eq!(err["extensions"]["code"], "FORBIDDEN");
    let other = tests::org(&app, "anker").await;
    assert_eq!(app.gql(&other.lead_token, q, json!({ "id": child })).await["child"], Value::Null);
}

#[tokio::test]
async fn bad_method_input_names_the_field_and_writes_nothing() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let t = &org.worker_token;
    let f = admit(&app, &org, family_input(&org, 2)).await; // ages 2 and 7
    let toddler = f["children"][0]["id"].clone();
    let child = f["children"][1]["id"].clone();

    let mut bad = answers(&["NOT_TRUE"; 25]);
    bad[3]["answer"] = json!("OFTEN");
    bad.as_array_mut().unwrap().push(json!({ "item": 26, "answer": "NOT_TRUE" }));
    let res = app
        .post(
            Some(t),
            SCREEN,
            json!({ "input": { "childId": child, "instrument": "SDQ", "informant": "PARENT", "answers": bad } }),
        )
        .await
        .1;
    let fields: Vec<&str> = res["errors"][0]["extensions"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["input.answers[3].answer", "input.answers[25].item"]);
    let err = app
        .gql_error(
            t,
            SCREEN,
            json!({ "input": { "childId": child, "instrument": "CBCL", "informant": "PARENT", "answers": [] } }),
        )
        .await;
    assert_eq!(err["extensions"]["field"], "input.instrument");
    let err = app.gql_error(t, SCREEN, json!({ "input": { "childId": child, "instrument": "CRIES_13", "informant": "SELF", "answers": answers(&["OFTEN"; 13]) } })).await;
    assert_eq!(err["extensions"]["field"], "input.informant", "CRIES-13 is from 8");

    let err = app
        .gql_error(
            t,
            ASSESS,
            json!({ "input": { "childId": toddler, "worries": "w", "safetyGoals": "g", "judgement": "GOOD",
        "scores": [{ "respondent": "CHILD", "score": 6 }, { "respondent": "WORKER", "score": 11 }] } }),
        )
        .await;
    let fields: Vec<&str> =
        err["extensions"]["violations"].as_array().unwrap().iter().map(|v| v["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["input.scores[0].respondent", "input.scores[1].score"]);
    let err = app.gql_error(t, CONTACT, json!({ "input": { "childId": child, "kind": "CHILD_TALK" } })).await;
    assert_eq!(err["extensions"]["field"], "input.summary");
    let err = app.gql_error(t, PLAN, json!({ "input": { "childId": child, "childLanguageSummary": "Plan", "goals": [{ "text": "Doel", "subGoals": [], "coreTask": "NETWORK" }] } })).await;
    assert_eq!(err["extensions"]["field"], "input.goals[0].subGoals");
    let add_member =
        "mutation($input: AddNetworkMemberInput!) { addNetworkMember(input: $input) { networkMember { id } } }";
    let err = app.gql_error(t, add_member, json!({ "input": { "childId": child, "member": { "name": "Oom Piet", "relation": "FAMILY", "contactSafe": false } } })).await;
    assert_eq!(err["extensions"]["field"], "input.member.restrictions");

    // Nothing of it was written.
    let q = "query($id: ID!) { child(id: $id) { screenings { id } safetyAssessments { id } contacts { id } actionPlan { id } network { id } } }";
    let c = app.gql(t, q, json!({ "id": child })).await["child"].clone();
    assert_eq!(
        c,
        json!({ "screenings": [], "safetyAssessments": [], "contacts": [], "actionPlan": null, "network": [] })
    );
    let c = app.gql(t, q, json!({ "id": toddler })).await["child"].clone();
    assert_eq!(c["safetyAssessments"], json!([]));
}

/// The `overdue` filter (SQL) and `cadence.overdue` (Rust) agree child by child.
#[tokio::test]
async fn the_overdue_filter_agrees_with_the_computed_cadence() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let t = &org.worker_token;
    let mut children = Vec::new();
    // Admitted 0, 5, 9, 20 and 50 days ago; some with talks held, one with a plan and evaluation.
    for admitted in [0u64, 5, 9, 20, 50] {
        let mut input = without_bsn(family_input(&org, 3)); // ages 2, 7, 14
        input["admissionDate"] = json!(days_ago(admitted));
        let f = admit(&app, &org, input).await;
        for (j, c) in f["children"].as_array().unwrap().iter().enumerate() {
            let id = c["id"].clone();
            let talk = |kind: &str, ago: u64| json!({ "input": { "childId": id, "kind": kind, "heldOn": days_ago(ago), "summary": "ok" } });
            if admitted >= 9 && j == 1 {
                app.gql(t, CONTACT, talk("PARENT_TALK", 2)).await;
            }
            if admitted >= 20 && j == 2 {
                app.gql(t, CONTACT, talk("CHILD_TALK", admitted - 1)).await;
                app.gql(t, CONTACT, talk("PARENT_CHILD_TALK", 1)).await;
            }
            if admitted == 50 && j == 2 {
                app.gql(
                    t,
                    PLAN,
                    json!({ "input": { "childId": id, "drawnUpOn": days_ago(45), "childLanguageSummary": "Plan",
                    "goals": [{ "text": "Doel", "subGoals": ["A"], "coreTask": "CHILD_IN_VIEW" }] } }),
                )
                .await;
            }
            children.push(id);
        }
    }
    // A toddler seen with the parent three days ago, one not seen at all; a child who turned 4 ten days ago (first
    // talk not yet due) and one who did so twenty days ago (overdue), both with a recent
    // oudergesprek; a safety plan whose review date has passed.
    let mut toddler_seen = None;
    for (born_days_ago, parent_talk) in
        [(365 * 2, false), (365 * 2, true), (4 * 365 + 11, true), (4 * 365 + 21, true), (365 * 7, true)]
    {
        let mut input = without_bsn(family_input(&org, 1));
        input["admissionDate"] = json!(days_ago(40));
        input["members"][1]["dateOfBirth"] = json!(days_ago(born_days_ago));
        let id = admit(&app, &org, input).await["children"][0]["id"].clone();
        let talk = |kind: &str, ago: u64| json!({ "input": { "childId": id, "kind": kind, "heldOn": days_ago(ago), "summary": "ok" } });
        if parent_talk {
            app.gql(t, CONTACT, talk("PARENT_TALK", 1)).await;
        } else {
            app.gql(t, CONTACT, talk("OBSERVATION", 3)).await;
            app.gql(t, CONTACT, talk("PARENT_TALK", 1)).await;
            toddler_seen = Some(id.clone());
        }
        children.push(id);
    }
    let late_plan = children.last().unwrap().clone();
    let plan =
        "mutation($input: RecordSafetyPlanInput!) { recordSafetyPlan(input: $input) { safetyPlan { version } } }";
    app.gql(
        t,
        CONTACT,
        json!({ "input": { "childId": late_plan, "kind": "CHILD_TALK", "heldOn": days_ago(2), "summary": "ok" } }),
    )
    .await;
    for _ in 0..2 {
        app.gql(t, plan, json!({ "input": { "childId": late_plan, "childLanguageText": "Plan", "agreedBy": ["Sara"], "reviewOn": today().to_string() } })).await;
    }
    // Reviews fall due with time; the newest version's date counts.
    for (version, review_on) in [(1, "2099-01-01"), (2, "2000-01-01")] {
        entities::safety_plan::Entity::update_many()
            .col_expr(
                entities::safety_plan::Column::ReviewOn,
                Expr::value(review_on.parse::<chrono::NaiveDate>().unwrap()),
            )
            .filter(entities::safety_plan::Column::Version.eq(version))
            .exec(&app.db)
            .await
            .unwrap();
    }
    let q = "{ children(first: 100) { edges { node { id cadence { overdue items { kind } } } } } }";
    let all = app.gql(t, q, json!({})).await;
    let node = |id: &Value| {
        all["children"]["edges"].as_array().unwrap().iter().find(|e| &e["node"]["id"] == id).unwrap()["node"]["cadence"]
            .clone()
    };
    let n = children.len();
    assert_eq!(
        children[n - 5..].iter().map(|c| node(c)["overdue"].clone()).collect::<Vec<_>>(),
        [json!(false), json!(true), json!(false), json!(true), json!(true)],
        "seen with the parent; not seen; 4 for ten days; 4 for twenty days; the plan's review passed"
    );
    assert_eq!(
        node(&late_plan)["items"],
        json!([{ "kind": "CHILD_TALK" }, { "kind": "PARENT_TALK" }, { "kind": "SAFETY_PLAN_REVIEW" }, { "kind": "PHASE_1_END" }])
    );
    assert_eq!(node(toddler_seen.as_ref().unwrap())["items"][0], json!({ "kind": "SEEN_WITH_PARENT" }));
    let computed: Vec<Value> = all["children"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["cadence"]["overdue"] == true)
        .map(|e| e["node"]["id"].clone())
        .collect();
    assert_eq!(all["children"]["edges"].as_array().unwrap().len(), children.len());
    assert_eq!(overdue_children(&app, t).await, computed);
    assert!(
        !computed.is_empty() && computed.len() < children.len(),
        "both kinds present: {} of {}",
        computed.len(),
        children.len()
    );
    let not_overdue = "{ children(filter: { overdue: false }, first: 100) { totalCount } }";
    assert_eq!(
        app.gql(t, not_overdue, json!({})).await["children"]["totalCount"],
        json!(children.len() - computed.len())
    );
}

/// Issue 12: a contact records how long it took, what it was about and (a kindgesprek) whether
/// the child was seen alone; details that do not fit are refused on their field.
#[tokio::test]
async fn contacts_record_duration_topics_and_a_talk_with_the_child_alone() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let admitted = admit(&app, &org, family(&org, &days_ago(10))).await;
    let child = admitted["children"][0]["id"].clone();
    let t = &org.worker_token;
    let q = "mutation($input: RecordContactInput!) { recordContact(input: $input) { contact { kind durationMinutes topics individual } } }";
    let talk = json!({ "input": { "childId": child, "kind": "CHILD_TALK", "summary": "Tekenen over thuis.", "durationMinutes": 30, "individual": true } });
    assert_eq!(
        app.gql(t, q, talk).await["recordContact"]["contact"],
        json!({ "kind": "CHILD_TALK", "durationMinutes": 30, "topics": [], "individual": true })
    );
    let parents = json!({ "input": { "childId": child, "kind": "PARENT_TALK", "summary": "Over slapen en school.", "durationMinutes": 45,
        "topics": ["PSYCHO_EDUCATION", "PARENTING_SUPPORT"] } });
    assert_eq!(
        app.gql(t, q, parents).await["recordContact"]["contact"]["topics"],
        json!(["PSYCHO_EDUCATION", "PARENTING_SUPPORT"])
    );
    for (input, field) in [
        (
            json!({ "childId": child, "kind": "CHILD_TALK", "summary": "x", "durationMinutes": 0 }),
            "input.durationMinutes",
        ),
        (
            json!({ "childId": child, "kind": "CHILD_TALK", "summary": "x", "durationMinutes": 601 }),
            "input.durationMinutes",
        ),
        (
            json!({ "childId": child, "kind": "CHILD_TALK", "plannedOn": in_days(3), "durationMinutes": 30 }),
            "input.durationMinutes",
        ),
        (json!({ "childId": child, "kind": "PARENT_TALK", "summary": "x", "individual": true }), "input.individual"),
    ] {
        let e = app.gql_error(t, q, json!({ "input": input })).await;
        assert_eq!(
            (e["extensions"]["code"].as_str(), e["extensions"]["field"].as_str()),
            (Some("BAD_USER_INPUT"), Some(field)),
            "{e}"
        );
    }
    // A planned talk gets its details when it is held.
    let planned = app
        .gql(
            t,
            "mutation($input: RecordContactInput!) { recordContact(input: $input) { contact { id } } }",
            json!({ "input": { "childId": child, "kind": "CHILD_TALK", "plannedOn": in_days(2) } }),
        )
        .await["recordContact"]["contact"]["id"]
        .clone();
    let held = "mutation($input: RecordContactHeldInput!) { recordContactHeld(input: $input) { contact { durationMinutes individual } } }";
    let r = app.gql(t, held, json!({ "input": { "contactId": planned, "summary": "Samen met zus gespeeld.", "durationMinutes": 20, "individual": false } })).await;
    assert_eq!(r["recordContactHeld"]["contact"], json!({ "durationMinutes": 20, "individual": false }));
    let contacts =
        app.gql(t, "query($id: ID!) { child(id: $id) { contacts { durationMinutes } } }", json!({ "id": child })).await;
    assert_eq!(contacts["child"]["contacts"].as_array().unwrap().len(), 3, "the refused ones wrote nothing");
}

/// Issue 12 (IB 150-154, 771): the parents' consent to the child's own support is a record of
/// its own, shown on the board; a refusal leaves it open, the legal guideline's override closes
/// it; it names no partner and no parts of the record.
#[tokio::test]
async fn consent_to_the_child_s_support_is_recorded_and_on_the_board() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let admitted = admit(&app, &org, family(&org, &days_ago(3))).await;
    let child = admitted["children"][0]["id"].clone();
    let parents: Vec<Value> = admitted["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] != "CHILD")
        .map(|m| m["person"]["id"].clone())
        .collect();
    // With a first oudergesprek held, the working relationship waits only for the consent.
    app.gql(&org.worker_token, CONTACT, json!({ "input": { "childId": child, "kind": "PARENT_TALK", "heldOn": days_ago(1), "summary": "Kennismaking." } })).await;
    let board = async || {
        let b = app
            .gql(&org.worker_token, "query($id: ID!) { child(id: $id) { board { key done } } }", json!({ "id": child }))
            .await;
        b["child"]["board"].as_array().unwrap().iter().find(|i| i["key"] == "WORKING_RELATIONSHIP").unwrap()["done"]
            .clone()
    };
    let on_agenda = async || {
        agenda(&app, &org.worker_token, &child, &today().to_string())
            .await
            .iter()
            .any(|(k, _, _)| k == "CHILD_SUPPORT_CONSENT")
    };
    assert_eq!(board().await, false);
    assert!(on_agenda().await);
    let record =
        "mutation($input: RecordConsentInput!) { recordConsent(input: $input) { consent { purpose decision } } }";
    let with_partner = json!({ "input": { "childId": child, "purpose": "CHILD_SUPPORT", "partnerKind": "YOUTH_TEAM", "decision": "GIVEN", "decidedBy": parents } });
    assert_eq!(app.gql_error(&org.worker_token, record, with_partner).await["extensions"]["field"], "input.partnerId");
    let given = json!({ "input": { "childId": child, "purpose": "CHILD_SUPPORT", "decision": "GIVEN", "decidedBy": [parents[0]] } });
    assert_eq!(
        app.gql_error(&org.worker_token, record, given).await["extensions"]["field"],
        "input.decidedBy",
        "agreeing takes both parents with custody"
    );
    // One parent with custody who does not agree is enough (IB 150-152).
    let refused = json!({ "input": { "childId": child, "purpose": "CHILD_SUPPORT", "decision": "REFUSED", "decidedBy": [parents[1]], "note": "vader wil geen hulp voor Daan" } });
    app.gql(&org.worker_token, record, refused).await;
    assert_eq!(board().await, false, "a refusal is the contra-indication");
    let overrule =
        "mutation($input: OverrideConsentInput!) { overrideConsent(input: $input) { consent { purpose decision } } }";
    let input = json!({ "input": { "childId": child, "purpose": "CHILD_SUPPORT",
        "reason": "Juridische richtlijn: begeleiding in het belang van het kind, overlegd met de gedragsdeskundige." } });
    let o = app.gql(&org.lead_token, overrule, input).await;
    assert_eq!(o["overrideConsent"]["consent"], json!({ "purpose": "CHILD_SUPPORT", "decision": "OVERRIDE" }));
    assert_eq!(board().await, true);
    assert!(!on_agenda().await);
}

/// Issue 12: in phase 3 the expected departure can move, and when it falls through the child
/// goes back to phase 2 (saying why), with the expected departure cleared.
#[tokio::test]
async fn a_departure_moves_or_falls_through_back_to_phase_2() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let admitted = admit(&app, &org, family(&org, &days_ago(20))).await;
    let child = admitted["children"][0]["id"].clone();
    let t = &org.worker_token;
    let q = "query($id: ID!) { child(id: $id) { trajectory { phase expectedDepartureOn } } }";
    let change = "mutation($input: ChangeExpectedDepartureInput!) { changeExpectedDeparture(input: $input) { child { trajectory { phase expectedDepartureOn } } } }";
    assert_eq!(
        app.gql_error(t, change, json!({ "input": { "childId": child, "expectedDepartureOn": in_days(30) } })).await["extensions"]
            ["code"],
        "CONFLICT",
        "not in phase 3"
    );
    let reason = json!({ "input": { "childId": child, "effectiveOn": days_ago(10), "phase1ExitReason": "spoedplaatsing; intake volgt" } });
    app.gql(t, ADVANCE, reason).await;
    app.gql(
        t,
        ADVANCE,
        json!({ "input": { "childId": child, "effectiveOn": days_ago(2), "expectedDepartureOn": in_days(14) } }),
    )
    .await;
    let moved = app.gql(t, change, json!({ "input": { "childId": child, "expectedDepartureOn": in_days(30) } })).await;
    assert_eq!(
        moved["changeExpectedDeparture"]["child"]["trajectory"],
        json!({ "phase": "PHASE_3", "expectedDepartureOn": in_days(30) })
    );
    let early =
        app.gql_error(t, change, json!({ "input": { "childId": child, "expectedDepartureOn": days_ago(5) } })).await;
    assert_eq!(early["extensions"]["field"], "input.expectedDepartureOn");
    assert_eq!(
        app.gql_error(
            &org.other_worker_token,
            change,
            json!({ "input": { "childId": child, "expectedDepartureOn": in_days(20) } })
        )
        .await["extensions"]["code"],
        "FORBIDDEN"
    );

    let back = json!({ "input": { "childId": child, "to": "PHASE_2" } });
    assert_eq!(app.gql_error(t, ADVANCE, back.clone()).await["extensions"]["field"], "input.note");
    let mut back = back;
    back["input"]["note"] = json!("De woning ging niet door.");
    app.gql(t, ADVANCE, back).await;
    assert_eq!(
        app.gql(t, q, json!({ "id": child })).await["child"]["trajectory"],
        json!({ "phase": "PHASE_2", "expectedDepartureOn": null })
    );
    let history = app
        .gql(
            t,
            "query($id: ID!) { child(id: $id) { trajectory { phaseHistory { toPhase note } } } }",
            json!({ "id": child }),
        )
        .await;
    let last = history["child"]["trajectory"]["phaseHistory"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last, json!({ "toPhase": "PHASE_2", "note": "De woning ging niet door." }));
}

/// Issue 12 (IB 2146): a safety plan is asked for where the assessment needs one; after a GOOD
/// judgement the board does not ask for it, after a later worse one it does again.
#[tokio::test]
async fn a_safety_plan_is_asked_for_only_where_the_assessment_needs_one() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let admitted = admit(&app, &org, family(&org, &days_ago(10))).await;
    let child = admitted["children"][0]["id"].clone();
    let t = &org.worker_token;
    let asks = async || {
        let b = app.gql(t, "query($id: ID!) { child(id: $id) { board { key state } } }", json!({ "id": child })).await;
        b["child"]["board"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["key"] == "SAFETY_MEASURES" && i["state"] != "NOT_APPLICABLE")
    };
    assert!(asks().await, "not assessed yet");
    let assess = |on: String, judgement: &str| {
        json!({ "input": { "childId": child, "assessedOn": on, "worries": "Geen directe zorgen.",
        "safetyGoals": "Daan blijft veilig.", "judgement": judgement, "scores": [{ "respondent": "WORKER", "score": 8 }] } })
    };
    app.gql(t, ASSESS, assess(days_ago(8), "GOOD")).await;
    assert!(!asks().await, "judged GOOD: no plan needed");
    app.gql(t, ASSESS, assess(days_ago(1), "GOOD_ENOUGH")).await;
    assert!(asks().await);
}

/// Issue 12 (IB 2134): leaving phase 1 asks for an SDQ from age 4, not for a toddler.
#[tokio::test]
async fn phase_1_asks_for_an_sdq_from_age_four() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let nine = admit(&app, &org, family(&org, &days_ago(10))).await["children"][0]["id"].clone();
    let two = admit(&app, &org, without_bsn(family_input(&org, 1))).await["children"][0]["id"].clone();
    let missing = async |child: &Value| {
        let e = app.gql_error(&org.worker_token, ADVANCE, json!({ "input": { "childId": child } })).await;
        assert_eq!(e["extensions"]["field"], "input.phase1ExitReason");
        e["message"].as_str().unwrap().to_string()
    };
    assert!(missing(&nine).await.contains("SDQ"));
    assert!(!missing(&two).await.contains("SDQ"));
}

/// Issue 12: a screening's result is discussed with parent and child and gets a follow-up; no
/// further step needs a reason; dates before the screening or in the future are refused.
#[tokio::test]
async fn a_screening_result_is_discussed_and_followed_up() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let child = admit(&app, &org, family(&org, &days_ago(10))).await["children"][0]["id"].clone();
    let t = &org.worker_token;
    let answers: Vec<Value> = (1..=25).map(|i| json!({ "item": i, "answer": "CERTAINLY_TRUE" })).collect();
    let sdq = json!({ "input": { "childId": child, "instrument": "SDQ", "informant": "PARENT", "administeredOn": days_ago(5), "answers": answers } });
    let id = app
        .gql(t, "mutation($input: RecordScreeningInput!) { recordScreening(input: $input) { screening { id } } }", sdq)
        .await["recordScreening"]["screening"]["id"]
        .clone();
    let q = "mutation($input: RecordScreeningFollowUpInput!) { recordScreeningFollowUp(input: $input) { screening { discussedWithParentOn discussedWithChildOn followUp followUpNote } } }";
    for (input, field) in [
        (json!({ "screeningId": id, "discussedWithParentOn": days_ago(6) }), "input.discussedWithParentOn"),
        (json!({ "screeningId": id, "discussedWithChildOn": in_days(1) }), "input.discussedWithChildOn"),
        (json!({ "screeningId": id, "followUp": "NO_FURTHER_STEP" }), "input.note"),
    ] {
        let e = app.gql_error(t, q, json!({ "input": input })).await;
        assert_eq!(
            (e["extensions"]["code"].as_str(), e["extensions"]["field"].as_str()),
            (Some("BAD_USER_INPUT"), Some(field)),
            "{e}"
        );
    }
    app.gql(t, q, json!({ "input": { "screeningId": id, "discussedWithParentOn": days_ago(4) } })).await;
    let r = app.gql(t, q, json!({ "input": { "screeningId": id, "discussedWithChildOn": days_ago(3), "followUp": "REFERRAL", "note": "Aangemeld bij de GGZ." } })).await;
    assert_eq!(
        r["recordScreeningFollowUp"]["screening"],
        json!({ "discussedWithParentOn": days_ago(4), "discussedWithChildOn": days_ago(3), "followUp": "REFERRAL", "followUpNote": "Aangemeld bij de GGZ." })
    );
    let other = tests::org(&app, "het-anker").await;
    assert_eq!(
        app.gql_error(&other.worker_token, q, json!({ "input": { "screeningId": id, "followUp": "REFERRAL" } })).await
            ["extensions"]["code"],
        "NOT_FOUND"
    );
}

/// Issue 12 (review §2.8; norm 4): the Meldcode opens on any signal — also for a child of the
/// family who did not come to the shelter — and closes without a report when steps 1 to 3 do
/// not confirm the suspicion, with the reason.
#[tokio::test]
async fn the_meldcode_opens_on_any_signal_and_closes_when_the_suspicion_is_not_confirmed() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let t = &org.worker_token;
    let mut input = family(&org, &days_ago(10));
    input["members"].as_array_mut().unwrap().push(json!({ "role": "CHILD_NOT_ADMITTED", "givenName": "Mila", "familyName": "Jansen", "dateOfBirth": years_ago(15) }));
    let f = admit(&app, &org, input).await;
    let daan = f["children"][0]["id"].clone();
    assert_eq!(f["children"].as_array().unwrap().len(), 1, "Mila stayed with her father: no client of the shelter");
    let mila =
        f["members"].as_array().unwrap().iter().find(|m| m["role"] == "CHILD_NOT_ADMITTED").unwrap()["person"]["id"]
            .clone();

    let open = "mutation($input: OpenReportingCodeTrackInput!) { openReportingCodeTrack(input: $input) { reportingCodeTrack { id signal signalDescription safetyAssessmentId personId closedOn closeReason } } }";
    let disclosure = json!({ "childId": daan, "signal": "DISCLOSURE", "description": "Daan vertelde in het kindgesprek dat papa hem sloeg." });
    let track =
        app.gql(t, open, json!({ "input": disclosure })).await["openReportingCodeTrack"]["reportingCodeTrack"].clone();
    assert_eq!((track["signal"].as_str(), track["safetyAssessmentId"].is_null()), (Some("DISCLOSURE"), true));
    let e = app.gql_error(t, open, json!({ "input": disclosure })).await;
    assert_eq!(e["extensions"]["code"], "CONFLICT", "one open track per child");
    for (input, field) in [
        (json!({ "childId": daan, "signal": "SAFETY_ASSESSMENT", "description": "x" }), "input.signal"),
        (json!({ "childId": daan, "signal": "OBSERVATION", "description": " " }), "input.description"),
    ] {
        assert_eq!(app.gql_error(t, open, json!({ "input": input })).await["extensions"]["field"], field);
    }

    // Steps 1 to 3 do not confirm it: the track closes without a report, with the reason.
    let id = track["id"].clone();
    for n in 1..=3 {
        app.gql(t, STEP, json!({ "input": { "trackId": id, "step": n, "outcome": format!("stap {n} gezet") } })).await;
    }
    assert_eq!(
        app.gql_error(t, CLOSE_TRACK, json!({ "input": { "trackId": id } })).await["extensions"]["field"],
        "input.trackId"
    );
    let no_reason =
        app.gql_error(t, CLOSE_TRACK, json!({ "input": { "trackId": id, "suspicionNotConfirmed": true } })).await;
    assert_eq!(no_reason["extensions"]["field"], "input.note");
    let close = "mutation($input: CloseReportingCodeTrackInput!) { closeReportingCodeTrack(input: $input) { reportingCodeTrack { closedOn closeReason closeNote } } }";
    let closed = app
        .gql(
            t,
            close,
            json!({ "input": { "trackId": id, "suspicionNotConfirmed": true,
        "note": "Daan bedoelde zijn oom in een spel; moeder en school bevestigen, geen andere signalen." } }),
        )
        .await;
    assert_eq!(closed["closeReportingCodeTrack"]["reportingCodeTrack"]["closeReason"], "SUSPICION_NOT_CONFIRMED");

    // Mila did not come along: the school's worry opens a track about her, kept with the family.
    let about_mila = json!({ "childId": mila, "signal": "REPORTED_BY_OTHERS", "description": "School meldt blauwe plekken bij Mila." });
    let track =
        app.gql(t, open, json!({ "input": about_mila })).await["openReportingCodeTrack"]["reportingCodeTrack"].clone();
    assert_eq!(track["personId"], mila);
    let id = track["id"].clone();
    for (n, decision) in
        [(1, None), (2, None), (3, None), (4, Some("ACUTE_OR_STRUCTURAL_UNSAFETY")), (5, Some("REPORT"))]
    {
        app.gql(t, STEP, json!({ "input": { "trackId": id, "step": n, "outcome": "gedaan", "decision": decision } }))
            .await;
    }
    let closed = app.gql(t, close, json!({ "input": { "trackId": id } })).await;
    assert_eq!(closed["closeReportingCodeTrack"]["reportingCodeTrack"]["closeReason"], "DECIDED");
    let q =
        "query($id: ID!) { family(id: $id) { reportingCodeTracks { personId signal closeReason steps { step } } } }";
    let tracks = app.gql(t, q, json!({ "id": f["id"] })).await["family"]["reportingCodeTracks"].clone();
    assert_eq!(tracks.as_array().unwrap().len(), 1, "only Mila's: Daan's is on his own record");
    assert_eq!(tracks[0]["steps"].as_array().unwrap().len(), 5);
    let q = "query($id: ID!) { child(id: $id) { reportingCodeTracks { signal closeReason } } }";
    assert_eq!(
        app.gql(t, q, json!({ "id": daan })).await["child"]["reportingCodeTracks"],
        json!([{ "signal": "DISCLOSURE", "closeReason": "SUSPICION_NOT_CONFIRMED" }])
    );
    // Another organisation cannot reach her.
    let other = tests::org(&app, "anker").await;
    assert_eq!(
        app.gql_error(&other.worker_token, open, json!({ "input": about_mila })).await["extensions"]["code"],
        "NOT_FOUND"
    );
}

/// Migration 17 rebuilds the Meldcode tables: tracks and their steps survive the way down and
/// up again; tracks opened before it came from an assessment, and the closed ones were decided.
/// (On the way down, tracks the old shape cannot hold are dropped.)
#[tokio::test]
async fn meldcode_tracks_and_steps_survive_the_rebuild_of_their_tables() {
    use migrations::{Migrator, MigratorTrait};
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let t = &org.worker_token;
    let f = admit(&app, &org, without_bsn(family_input(&org, 3))).await;
    let ids: Vec<Value> = f["children"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect();
    let q = "query($id: ID!) { child(id: $id) { reportingCodeTracks { id signal closeReason steps { step decision outcome } } } }";
    for child in &ids[..2] {
        app.gql(t, ASSESS, json!({ "input": { "childId": child, "worries": "w", "safetyGoals": "g", "judgement": "NOT_GOOD_ENOUGH" } })).await;
    }
    let first = app.gql(t, q, json!({ "id": ids[0] })).await["child"]["reportingCodeTracks"][0]["id"].clone();
    for (n, decision) in
        [(1, None), (2, None), (3, None), (4, Some("NO_ACUTE_OR_STRUCTURAL_UNSAFETY")), (5, Some("ORGANISE_HELP"))]
    {
        app.gql(
            t,
            STEP,
            json!({ "input": { "trackId": first, "step": n, "outcome": format!("stap {n}"), "decision": decision } }),
        )
        .await;
    }
    app.gql(t, CLOSE_TRACK, json!({ "input": { "trackId": first } })).await;
    let open = "mutation($input: OpenReportingCodeTrackInput!) { openReportingCodeTrack(input: $input) { reportingCodeTrack { id } } }";
    app.gql(
        t,
        open,
        json!({ "input": { "childId": ids[2], "signal": "OBSERVATION", "description": "Schrikreacties." } }),
    )
    .await;
    let before: Vec<Value> = futures::future::join_all(ids.iter().map(|c| app.gql(t, q, json!({ "id": c })))).await;

    Migrator::down(&app.db, Some(since("m20261127_000017_meldcode_signals"))).await.unwrap();
    Migrator::up(&app.db, None).await.unwrap();
    let after: Vec<Value> = futures::future::join_all(ids.iter().map(|c| app.gql(t, q, json!({ "id": c })))).await;
    assert_eq!(after[..2], before[..2], "assessment tracks and their steps kept");
    assert_eq!(after[0]["child"]["reportingCodeTracks"][0]["closeReason"], "DECIDED");
    assert_eq!(after[0]["child"]["reportingCodeTracks"][0]["steps"].as_array().unwrap().len(), 5);
    assert_eq!(after[1]["child"]["reportingCodeTracks"][0]["closeReason"], Value::Null);
    assert_eq!(
        after[2]["child"]["reportingCodeTracks"],
        json!([]),
        "the observation track had no place in the old shape"
    );
    // The rebuilt tables take new tracks and steps.
    let again = app
        .gql(t, open, json!({ "input": { "childId": ids[2], "signal": "OBSERVATION", "description": "Opnieuw." } }))
        .await;
    app.gql(
        t,
        STEP,
        json!({ "input": { "trackId": again["openReportingCodeTrack"]["reportingCodeTrack"]["id"], "step": 1, "outcome": "kindcheck" } }),
    )
    .await;
}
