//! Issue 13: the norm figures counted in SQL, on both sides of every boundary, on SQLite and
//! PostgreSQL. (The GraphQL overview comes next; these call the counting directly.)

use chrono::{Days, NaiveDate};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use server::{
    cases::norms::{self, NormCase, NormScope, Subject},
    domain::norms::{Count, Period},
};
use tests::*;

/// One child of its own family, born `age` years before the period's end, admitted on `admitted`.
async fn child(app: &TestApp, org: &Org, admitted: NaiveDate, born: NaiveDate) -> (Value, uuid::Uuid) {
    let mut input = without_bsn(family_input(org, 1));
    input["admissionDate"] = json!(admitted.to_string());
    input["members"][1]["dateOfBirth"] = json!(born.to_string());
    let id = admit(app, org, input).await["children"][0]["id"].clone();
    let uuid = server::api::ids::uuid_of(id.as_str().unwrap(), "Child").unwrap();
    (id, uuid)
}

/// A first contact on `on`; `complete`: the confidant was explained too.
async fn first_contact(app: &TestApp, org: &Org, child: &Value, on: NaiveDate, complete: bool) {
    let q = "mutation($input: RecordFirstContactInput!) { recordFirstContact(input: $input) { firstContact { id } } }";
    app.gql(&org.worker_token, q, json!({ "input": { "childId": child, "contactOn": on.to_string(), "warmWelcome": true,
        "houseRulesExplained": true, "complaintsProcedureExplained": true, "confidantExplained": complete, "networkMappedWithParent": true } })).await;
}

fn scope(org: &Org, period: Period) -> NormScope {
    NormScope {
        organisation_id: org.org.id,
        period,
        location_id: None,
        location_kind: None,
        setting: None,
        age_band: None,
    }
}

/// The child behind a drill-down row.
fn child_of(c: &NormCase) -> uuid::Uuid {
    match c.subject {
        Subject::Child(id) => id,
        other => panic!("{other:?} where a child was expected"),
    }
}

fn days(d: NaiveDate, n: u64) -> NaiveDate {
    d + Days::new(n)
}

#[tokio::test]
async fn norm_1_counts_a_first_contact_by_day_7_of_children_admitted_7_days_before_the_end() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let (from, to) = (today() - Days::new(100), today() - Days::new(50));
    let period = Period::parse(&format!("{from}..{to}")).unwrap();
    let born = today() - Days::new(9 * 365);
    let (a, a_id) = child(&app, &org, from, born).await;
    first_contact(&app, &org, &a, days(from, 7), true).await;
    let (b, b_id) = child(&app, &org, days(from, 1), born).await;
    first_contact(&app, &org, &b, days(from, 9), false).await;
    let (_, c_id) = child(&app, &org, to - Days::new(7), born).await; // the last day that counts
    let (d, _) = child(&app, &org, to - Days::new(6), born).await; // had no full week in the period
    first_contact(&app, &org, &d, to, true).await;
    let (e, _) = child(&app, &org, from - Days::new(1), born).await; // admitted before the period
    first_contact(&app, &org, &e, from, true).await;
    // Another organisation's child is never counted.
    let anker = tests::org(&app, "anker").await;
    child(&app, &anker, from, born).await;

    let s = scope(&org, period);
    assert_eq!(norms::count(&app.db, "1", &s).await.unwrap(), Some(Count { numerator: 1, denominator: 3 }));
    let cases = norms::cases(&app.db, "1", &s, None, None, 10).await.unwrap();
    let seen: Vec<(uuid::Uuid, bool, &str)> = cases.iter().map(|c| (child_of(c), c.met, c.reason.as_str())).collect();
    assert_eq!(
        seen,
        [
            (a_id, true, "first contact on day 7"),
            (b_id, false, "first contact on day 8"),
            (c_id, false, "no first contact")
        ]
    );
    let missed = norms::cases(&app.db, "1", &s, Some(false), None, 10).await.unwrap();
    assert_eq!(missed.iter().map(child_of).collect::<Vec<_>>(), [b_id, c_id]);
    let page = norms::cases(&app.db, "1", &s, None, Some(cases[0].key), 1).await.unwrap();
    assert_eq!(child_of(&page[0]), b_id, "paged after a trajectory");
    // Norm 1a reads the same first contacts: child a's covered all four, b's not the confidant.
    assert_eq!(norms::count(&app.db, "1a", &s).await.unwrap(), Some(Count { numerator: 1, denominator: 3 }));
    let reasons: Vec<String> =
        norms::cases(&app.db, "1a", &s, Some(false), None, 10).await.unwrap().into_iter().map(|c| c.reason).collect();
    assert_eq!(
        reasons,
        ["first contact without all of welcome, house rules, complaints procedure and confidant", "no first contact"]
    );
    assert_eq!(norms::count(&app.db, "1b", &s).await.unwrap(), None, "not recordable");
}

#[tokio::test]
async fn norm_8_asks_for_a_plan_within_42_days_and_norm_7_for_a_talk_in_the_period_from_age_4() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let (from, to) = (today() - Days::new(200), today() - Days::new(60));
    let s = scope(&org, Period::parse(&format!("{from}..{to}")).unwrap());
    let plan = |child: Value, on: NaiveDate| {
        json!({ "input": { "childId": child, "drawnUpOn": on.to_string(), "childLanguageSummary": "Plan",
        "goals": [{ "text": "Doel", "subGoals": ["A"], "coreTask": "CHILD_IN_VIEW" }] } })
    };
    let q = "mutation($input: RecordActionPlanInput!) { recordActionPlan(input: $input) { actionPlan { id } } }";
    // Four on the 4th birthday at the period's end, and one a day short of it.
    let four = to - Days::new(4 * 365 + 1);
    let (on_time, _) = child(&app, &org, from, four).await;
    app.gql(&org.worker_token, q, plan(on_time.clone(), days(from, 42))).await;
    let (late, _) = child(&app, &org, from, four).await;
    app.gql(&org.worker_token, q, plan(late.clone(), days(from, 43))).await;
    assert_eq!(norms::count(&app.db, "8", &s).await.unwrap(), Some(Count { numerator: 1, denominator: 2 }));

    let talk = "mutation($input: RecordContactInput!) { recordContact(input: $input) { contact { id } } }";
    app.gql(
        &org.worker_token,
        talk,
        json!({ "input": { "childId": on_time, "kind": "CHILD_TALK", "heldOn": to.to_string(), "summary": "ok" } }),
    )
    .await;
    app.gql(&org.worker_token, talk, json!({ "input": { "childId": late, "kind": "CHILD_TALK", "heldOn": days(to, 1).to_string(), "summary": "ok" } })).await;
    child(&app, &org, from, to - Days::new(3 * 365)).await;
    // The toddler is under 4: not counted; the talk a day after the period does not count.
    assert_eq!(norms::count(&app.db, "7", &s).await.unwrap(), Some(Count { numerator: 1, denominator: 2 }));
    let reasons: Vec<String> =
        norms::cases(&app.db, "7", &s, None, None, 10).await.unwrap().into_iter().map(|c| c.reason).collect();
    assert_eq!(reasons, ["1 kindgesprek in the period", "no kindgesprek in the period"]);
}

#[tokio::test]
async fn norm_6c_counts_phase_1_left_within_six_weeks_and_norm_10_psycho_education_offered() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let (from, to) = (today() - Days::new(200), today() - Days::new(60));
    let s = scope(&org, Period::parse(&format!("{from}..{to}")).unwrap());
    let born = today() - Days::new(9 * 365);
    let advance =
        "mutation($input: AdvancePhaseInput!) { advancePhase(input: $input) { child { trajectory { phase } } } }";
    let leave = |child: &Value, on: NaiveDate| json!({ "input": { "childId": child, "effectiveOn": on.to_string(), "phase1ExitReason": "Test van norm 6c." } });
    let (six_weeks, _) = child(&app, &org, from, born).await;
    app.gql(&org.worker_token, advance, leave(&six_weeks, days(from, 42))).await;
    let (a_day_more, _) = child(&app, &org, from, born).await;
    app.gql(&org.worker_token, advance, leave(&a_day_more, days(from, 43))).await;
    let (after_the_period, _) = child(&app, &org, from, born).await;
    app.gql(&org.worker_token, advance, leave(&after_the_period, days(to, 1))).await;
    assert_eq!(norms::count(&app.db, "6c.2", &s).await.unwrap(), Some(Count { numerator: 1, denominator: 2 }));
    let reasons: Vec<String> =
        norms::cases(&app.db, "6c.2", &s, None, None, 10).await.unwrap().into_iter().map(|c| c.reason).collect();
    assert_eq!(reasons, ["left phase 1 on day 42", "left phase 1 on day 43"]);

    // 6c: phase 1's activities recorded (not an exit reason), and the other parent looked into.
    let toddler = today() - Days::new(2 * 365);
    for looked_into in [true, false] {
        let (c, _) = child(&app, &org, from, toddler).await;
        first_contact(&app, &org, &c, days(from, 1), true).await;
        let t = &org.worker_token;
        app.gql(
            t,
            "mutation($input: RecordIntakeInput!) { recordIntake(input: $input) { intake { id } } }",
            json!({ "input": { "childId": c, "heldOn": days(from, 2).to_string(), "educationKind": "DAY_CARE" } }),
        )
        .await;
        app.gql(t, "mutation($input: RecordSafetyAssessmentInput!) { recordSafetyAssessment(input: $input) { safetyAssessment { id } } }", json!({ "input": {
            "childId": c, "assessedOn": days(from, 3).to_string(), "worries": "w", "safetyGoals": "g", "judgement": "GOOD" } })).await;
        app.gql(
            t,
            "mutation($input: RecordActionPlanInput!) { recordActionPlan(input: $input) { actionPlan { id } } }",
            json!({ "input": {
            "childId": c, "drawnUpOn": days(from, 10).to_string(), "childLanguageSummary": "Plan",
            "goals": [{ "text": "Doel", "subGoals": ["A"], "coreTask": "CHILD_IN_VIEW" }] } }),
        )
        .await;
        if looked_into {
            app.gql(t, "mutation($input: RecordNonAccompanyingParentInput!) { recordNonAccompanyingParent(input: $input) { nonAccompanyingParent { id } } }", json!({ "input": {
                "childId": c, "name": "Vader", "investigatedOn": days(from, 4).to_string(), "risk": "DANGER", "outcome": "NO_CONTACT_UNSAFE" } })).await;
        }
        app.gql(t, advance, json!({ "input": { "childId": c, "effectiveOn": days(from, 20).to_string() } })).await;
    }
    assert_eq!(norms::count(&app.db, "6c", &s).await.unwrap(), Some(Count { numerator: 1, denominator: 4 }));
    let reasons: Vec<String> =
        norms::cases(&app.db, "6c", &s, None, None, 10).await.unwrap().into_iter().map(|c| c.reason).collect();
    assert_eq!(
        reasons,
        [
            "left phase 1 with an exit reason instead of all its activities",
            "left phase 1 with an exit reason instead of all its activities",
            "left phase 1 with its activities recorded",
            "left phase 1 without looking into the parent who did not come along",
        ]
    );

    // Psycho-education: every child above has 28 days and more in care; one is offered it in
    // the period, one after it.
    let q = "mutation($input: RecordPsychoEducationInput!) { recordPsychoEducation(input: $input) { psychoEducation { id } } }";
    let offer = |child: &Value, on: NaiveDate| json!({ "input": { "childId": child, "audience": "PARENT", "form": "GROUP", "tookPart": true, "offeredOn": on.to_string() } });
    app.gql(&org.worker_token, q, offer(&six_weeks, days(from, 50))).await;
    app.gql(&org.worker_token, q, offer(&a_day_more, days(to, 1))).await;
    // 27 days in care within the period are too few to count; 28 are enough.
    child(&app, &org, to - Days::new(26), born).await;
    child(&app, &org, to - Days::new(27), born).await;
    assert_eq!(norms::count(&app.db, "10", &s).await.unwrap(), Some(Count { numerator: 1, denominator: 4 }));
}

const OVERVIEW: &str = "query($filter: NormFilter!) { normFigures(filter: $filter) { from to period figures { code nameNl numerator denominator share threshold status previousShare } } }";

/// A quality officer reads the figures and the children behind a shortfall — by name only,
/// each in the access log — and no case file; a worker reads no figures.
#[tokio::test]
async fn a_quality_officer_sees_the_figures_and_the_children_behind_them() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let (from, to) = (today() - Days::new(100), today() - Days::new(50));
    let born = today() - Days::new(9 * 365);
    let (a, _) = child(&app, &org, days(from, 1), born).await;
    first_contact(&app, &org, &a, days(from, 3), true).await;
    let (late, late_id) = child(&app, &org, days(from, 2), born).await;
    first_contact(&app, &org, &late, days(from, 12), true).await;
    // The period before: one child, on time.
    let (before, _) = child(&app, &org, from - Days::new(40), born).await;
    first_contact(&app, &org, &before, from - Days::new(39), true).await;

    let officer = app.sign(&app.claims("de-haven", &[entities::Role::QualityOfficer], None));
    let filter = json!({ "filter": { "period": format!("{from}..{to}") } });
    let overview = app.gql(&officer, OVERVIEW, filter.clone()).await["normFigures"].clone();
    assert_eq!(
        (overview["from"].as_str(), overview["to"].as_str()),
        (Some(from.to_string().as_str()), Some(to.to_string().as_str()))
    );
    let figure =
        |code: &str| overview["figures"].as_array().unwrap().iter().find(|f| f["code"] == code).unwrap().clone();
    assert_eq!(
        figure("1"),
        json!({ "code": "1", "nameNl": "Eerste contact binnen 7 dagen", "numerator": 1, "denominator": 2,
        "share": 0.5, "threshold": 0.95, "status": "NOT_MET", "previousShare": 1.0 })
    );
    assert_eq!(figure("1b")["status"], "NOT_RECORDABLE");
    assert_eq!(
        (figure("7")["numerator"].clone(), figure("7")["status"].clone()),
        (json!(0), json!("NOT_MET")),
        "no kindgesprek held"
    );
    assert_eq!(figure("6c.2")["status"], "NO_DATA", "nobody left phase 1");

    let q = "query($filter: NormFilter!) { normFigures(filter: $filter) { figures { code cases(met: false) { edges { node { childId name met reason } } } } } }";
    let shortfall = app.gql(&officer, q, filter.clone()).await;
    let one =
        shortfall["normFigures"]["figures"].as_array().unwrap().iter().find(|f| f["code"] == "1").unwrap().clone();
    let nodes: Vec<Value> = one["cases"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect();
    assert_eq!(
        nodes,
        [json!({ "childId": late, "name": "Kind0 Jansen", "met": false, "reason": "first contact on day 10" })]
    );
    // The overview is one event without persons; the child shown is logged by name.
    let log = access_log(&app.db).await;
    assert!(log.iter().any(|e| e.person_id == late_id && e.area == "norms"), "the child behind the figure is logged");
    let aggregates = entities::access_event::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.area == "norm-figures")
        .collect::<Vec<_>>();
    assert!(!aggregates.is_empty() && aggregates.iter().all(|e| e.persons.is_empty()), "aggregate reads name nobody");

    // No case file for the quality officer; no figures for a worker; only one's own organisation.
    let file = app
        .gql_error(&officer, "query($id: ID!) { child(id: $id) { firstContact { contactOn } } }", json!({ "id": late }))
        .await;
    assert_eq!(file["extensions"]["code"], "FORBIDDEN");
    assert_eq!(app.gql_error(&org.worker_token, OVERVIEW, filter).await["extensions"]["code"], "FORBIDDEN");
    let other = json!({ "filter": { "period": "2026-Q3", "organisation": "anker" } });
    assert_eq!(app.gql_error(&officer, OVERVIEW, other).await["extensions"]["code"], "FORBIDDEN");
    let bad = app.gql_error(&officer, OVERVIEW, json!({ "filter": { "period": "2026-Q5" } })).await;
    assert_eq!(
        (bad["extensions"]["code"].as_str(), bad["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("filter.period"))
    );
    let unknown =
        app.gql_error(&officer, OVERVIEW, json!({ "filter": { "period": "2026-Q3", "codes": ["1", "99"] } })).await;
    assert_eq!(unknown["extensions"]["field"], "filter.codes");
    let one =
        app.gql(&officer, OVERVIEW, json!({ "filter": { "period": format!("{from}..{to}"), "codes": ["1"] } })).await;
    assert_eq!(one["normFigures"]["figures"].as_array().unwrap().len(), 1, "only the figure asked for");
    // The sealed log still verifies with events that name nobody.
    let verify = app
        .gql(
            &app.sign(&app.claims("de-haven", &[entities::Role::OrgAdmin], None)),
            "{ verifyAccessLog { valid entriesChecked } }",
            json!({}),
        )
        .await;
    assert_eq!(verify["verifyAccessLog"]["valid"], true, "{verify}");
}

#[tokio::test]
async fn norms_2g_3_9a_and_11d_count_activities_recent_safety_trauma_screening_and_network_contacts() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let t = &org.worker_token;
    let (from, to) = (today() - Days::new(200), today() - Days::new(60));
    let s = scope(&org, Period::parse(&format!("{from}..{to}")).unwrap());
    let born = today() - Days::new(9 * 365);
    let assess = |child: &Value, on: NaiveDate| {
        json!({ "input": { "childId": child, "assessedOn": on.to_string(), "worries": "w",
        "safetyGoals": "g", "judgement": "GOOD_ENOUGH", "scores": [{ "respondent": "WORKER", "score": 6 }] } })
    };
    let assessment = "mutation($input: RecordSafetyAssessmentInput!) { recordSafetyAssessment(input: $input) { safetyAssessment { id } } }";
    let (x, _) = child(&app, &org, from - Days::new(10), born).await;
    app.gql(t, assessment, assess(&x, to - Days::new(90))).await;
    let (y, _) = child(&app, &org, from - Days::new(10), born).await;
    app.gql(t, assessment, assess(&y, to - Days::new(91))).await;
    // Z left 30 days before the end: 90 days before leaving counts.
    let (z, _) = child(&app, &org, from - Days::new(10), born).await;
    app.gql(t, assessment, assess(&z, to - Days::new(120))).await;
    app.gql(t, "mutation($input: AdvancePhaseInput!) { advancePhase(input: $input) { child { trajectory { phase } } } }", json!({ "input": {
        "childId": z, "to": "CLOSED", "effectiveOn": (to - Days::new(30)).to_string(), "endReason": "INDEPENDENT_HOUSING",
        "aftercareDecision": "NO_FOLLOW_UP_NEEDED" } })).await;
    // W was in care 41 days of the period: too short for norm 3, enough for 2g and 11d.
    child(&app, &org, to - Days::new(40), born).await;
    assert_eq!(norms::count(&app.db, "3", &s).await.unwrap(), Some(Count { numerator: 2, denominator: 3 }));
    let reasons: Vec<String> =
        norms::cases(&app.db, "3", &s, Some(false), None, 10).await.unwrap().into_iter().map(|c| c.reason).collect();
    assert_eq!(reasons, ["last safety assessment 91 days before the period's end or leaving"]);

    let activity = "mutation($input: RecordActivityInput!) { recordActivity(input: $input) { activities { id } } }";
    app.gql(
        t,
        activity,
        json!({ "input": { "kind": "CLUB", "description": "Voetbal", "heldOn": (from + Days::new(5)).to_string(),
        "children": [{ "childId": x, "tookPart": true }, { "childId": y, "tookPart": false }] } }),
    )
    .await;
    assert_eq!(
        norms::count(&app.db, "2g", &s).await.unwrap(),
        Some(Count { numerator: 1, denominator: 4 }),
        "y was invited, did not take part"
    );
    let contact = "mutation($input: RecordContactInput!) { recordContact(input: $input) { contact { id } } }";
    let network = |c: &Value, on: NaiveDate| json!({ "input": { "childId": c, "kind": "NETWORK_CONTACT", "heldOn": on.to_string(), "summary": "Oma" } });
    app.gql(t, contact, network(&x, to)).await;
    app.gql(t, contact, network(&y, to + Days::new(1))).await;
    assert_eq!(norms::count(&app.db, "11d.2", &s).await.unwrap(), Some(Count { numerator: 1, denominator: 4 }));

    // 9a: a trauma risk seen at the first contact asks for a CRIES-13 within 28 days, from age 8.
    let anker = tests::org(&app, "anker").await;
    let s = scope(&anker, s.period);
    let cries: Vec<Value> = (1..=13).map(|i| json!({ "item": i, "answer": "NOT_AT_ALL" })).collect();
    let screen = |c: &Value, on: NaiveDate| json!({ "input": { "childId": c, "instrument": "CRIES_13", "informant": "SELF", "administeredOn": on.to_string(), "answers": cries } });
    let first = |c: &Value, trauma: bool| {
        json!({ "input": { "childId": c, "contactOn": from.to_string(), "warmWelcome": true, "houseRulesExplained": true,
        "complaintsProcedureExplained": true, "confidantExplained": true, "riskTrauma": trauma, "networkMappedWithParent": true } })
    };
    let fc = "mutation($input: RecordFirstContactInput!) { recordFirstContact(input: $input) { firstContact { id } } }";
    let scr = "mutation($input: RecordScreeningInput!) { recordScreening(input: $input) { screening { id } } }";
    for (day, trauma, age_days) in [(28, true, 9 * 365), (29, true, 9 * 365), (5, false, 9 * 365), (5, true, 7 * 365)] {
        let (c, _) = child(&app, &anker, from, today() - Days::new(age_days)).await;
        app.gql(&anker.worker_token, fc, first(&c, trauma)).await;
        if age_days >= 8 * 365 {
            app.gql(&anker.worker_token, scr, screen(&c, from + Days::new(day))).await;
        }
    }
    assert_eq!(
        norms::count(&app.db, "9a", &s).await.unwrap(),
        Some(Count { numerator: 1, denominator: 2 }),
        "no trauma seen, or under 8: not counted"
    );
    let reasons: Vec<String> =
        norms::cases(&app.db, "9a", &s, None, None, 10).await.unwrap().into_iter().map(|c| c.reason).collect();
    assert_eq!(reasons, ["CRIES-13 on day 28", "CRIES-13 on day 29"]);
}

/// A municipality reads the aggregates of an organisation that granted it access: small counts
/// suppressed, no child, nothing else of the organisation; an admin grants and revokes.
#[tokio::test]
async fn a_municipality_sees_aggregates_only_and_only_while_granted() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let (from, to) = (today() - Days::new(100), today() - Days::new(50));
    let born = today() - Days::new(9 * 365);
    // Norm 1: six on time and one late (one short of the denominator: suppressed); norm 1a: all
    // seven complete (nobody outside: shown).
    for i in 0..7 {
        let (c, _) = child(&app, &org, days(from, i), born).await;
        first_contact(&app, &org, &c, days(from, i + if i == 0 { 9 } else { 2 }), true).await;
    }
    let utrecht = app.municipality_token("utrecht");
    let filter = json!({ "filter": { "period": format!("{from}..{to}"), "organisation": "de-haven" } });
    let refused = app.gql_error(&utrecht, OVERVIEW, filter.clone()).await;
    assert_eq!(refused["extensions"]["code"], "FORBIDDEN", "no access granted yet");

    let admin = app.sign(&app.claims("de-haven", &[entities::Role::OrgAdmin], None));
    let grant = "mutation($m: String!) { grantMunicipalityAccess(municipality: $m) { municipalityAccess { municipality revokedAt } } }";
    assert_eq!(
        app.gql(&admin, grant, json!({ "m": "utrecht" })).await["grantMunicipalityAccess"]["municipalityAccess"],
        json!({ "municipality": "utrecht", "revokedAt": null })
    );
    assert_eq!(app.gql_error(&admin, grant, json!({ "m": "utrecht" })).await["extensions"]["code"], "CONFLICT");
    let bad = app.gql_error(&admin, grant, json!({ "m": "Utrecht!" })).await;
    assert_eq!(
        (bad["extensions"]["code"].as_str(), bad["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("municipality"))
    );
    assert_eq!(
        app.gql_error(&org.lead_token, grant, json!({ "m": "zeist" })).await["extensions"]["code"],
        "FORBIDDEN",
        "the admin decides"
    );
    // Issue 14, item 10: a grant is a Node, for the admin who manages them.
    let list = app.gql(&admin, "{ municipalityAccess { id municipality } }", json!({})).await;
    let node = "query($id: ID!) { node(id: $id) { ... on MunicipalityAccess { municipality } } }";
    let id = json!({ "id": list["municipalityAccess"][0]["id"] });
    assert_eq!(app.gql(&admin, node, id.clone()).await["node"]["municipality"], "utrecht");
    assert_eq!(app.gql_error(&org.lead_token, node, id).await["extensions"]["code"], "FORBIDDEN");

    let overview = app.gql(&utrecht, OVERVIEW, filter.clone()).await["normFigures"].clone();
    let figure =
        |code: &str| overview["figures"].as_array().unwrap().iter().find(|f| f["code"] == code).unwrap().clone();
    assert_eq!(
        figure("1"),
        json!({ "code": "1", "nameNl": "Eerste contact binnen 7 dagen", "numerator": null, "denominator": null,
        "share": null, "threshold": 0.95, "status": "SUPPRESSED", "previousShare": null })
    );
    assert_eq!((figure("1a")["numerator"].clone(), figure("1a")["status"].clone()), (json!(7), json!("MET")));
    // The quality officer of the organisation sees the same figure in full.
    let officer = app.sign(&app.claims("de-haven", &[entities::Role::QualityOfficer], None));
    let own = app.gql(&officer, OVERVIEW, json!({ "filter": { "period": format!("{from}..{to}") } })).await;
    let one = own["normFigures"]["figures"].as_array().unwrap().iter().find(|f| f["code"] == "1").unwrap().clone();
    assert_eq!((one["numerator"].clone(), one["status"].clone()), (json!(6), json!("NOT_MET")));

    // Never a child, never a case file, never another organisation's figures.
    let drill = "query($filter: NormFilter!) { normFigures(filter: $filter) { figures { cases { edges { node { name } } } } } }";
    assert_eq!(app.gql_error(&utrecht, drill, filter.clone()).await["extensions"]["code"], "FORBIDDEN");
    assert_eq!(
        app.gql_error(&utrecht, "{ families { totalCount } }", json!({})).await["extensions"]["code"],
        "FORBIDDEN"
    );
    let anker = json!({ "filter": { "period": "2026", "organisation": "anker" } });
    tests::org(&app, "anker").await;
    assert_eq!(app.gql_error(&utrecht, OVERVIEW, anker).await["extensions"]["code"], "FORBIDDEN");
    let unnamed = app.gql_error(&utrecht, OVERVIEW, json!({ "filter": { "period": "2026" } })).await;
    assert_eq!(unnamed["extensions"]["field"], "filter.organisation");
    assert_eq!(
        app.gql_error(&app.municipality_token("zeist"), OVERVIEW, filter.clone()).await["extensions"]["code"],
        "FORBIDDEN"
    );
    // The read is in the organisation's log, naming nobody, on the grant's ground.
    let events = entities::access_event::Entity::find().all(&app.db).await.unwrap();
    let read = events.iter().find(|e| e.actor_subject == "utrecht-user").expect("the municipality's read is logged");
    assert_eq!(
        (read.organisation_id, read.persons.as_str(), read.actor_roles.as_str()),
        (org.org.id, "", "MUNICIPALITY")
    );
    assert!(read.ground.starts_with("municipality-access:"), "{}", read.ground);

    let listed = app.gql(&admin, "{ municipalityAccess { municipality revokedAt } }", json!({})).await;
    assert_eq!(listed["municipalityAccess"], json!([{ "municipality": "utrecht", "revokedAt": null }]));
    let revoke =
        "mutation { revokeMunicipalityAccess(municipality: \"utrecht\") { municipalityAccess { revokedAt } } }";
    assert!(
        app.gql(&admin, revoke, json!({})).await["revokeMunicipalityAccess"]["municipalityAccess"]["revokedAt"]
            .is_string()
    );
    assert_eq!(app.gql_error(&utrecht, OVERVIEW, filter).await["extensions"]["code"], "FORBIDDEN", "revoked");
    assert_eq!(app.gql_error(&admin, revoke, json!({})).await["extensions"]["code"], "NOT_FOUND");
}

/// Leaving (moves, length of stay, where to, aftercare), the Meldcode followed through within
/// 42 days, the SKJ registration of the workers involved, hours of contact, and the parent who
/// did not come along.
#[tokio::test]
async fn norms_2a_4_6a_11a_11e_and_the_veerkracht_figures() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let t = &org.worker_token;
    let (from, to) = (today() - Days::new(200), today() - Days::new(60));
    let s = scope(&org, Period::parse(&format!("{from}..{to}")).unwrap());
    let born = today() - Days::new(9 * 365);
    let close =
        "mutation($input: AdvancePhaseInput!) { advancePhase(input: $input) { child { trajectory { phase } } } }";
    let leave = |c: &Value, on: NaiveDate, reason: &str, aftercare: &str| {
        json!({ "input": { "childId": c, "to": "CLOSED",
        "effectiveOn": on.to_string(), "endReason": reason, "aftercareDecision": aftercare } })
    };
    let (p, p_id) = child(&app, &org, from - Days::new(10), born).await;
    let (q, _) = child(&app, &org, from - Days::new(10), born).await;
    let (r, _) = child(&app, &org, from - Days::new(10), born).await;
    app.gql(t, close, leave(&p, to - Days::new(30), "INDEPENDENT_HOUSING", "NO_FOLLOW_UP_NEEDED")).await;
    app.gql(t, close, leave(&q, to - Days::new(20), "LEFT_WITHOUT_NOTICE", "NOT_REACHABLE")).await;
    app.gql(t, close, leave(&r, to + Days::new(1), "RETURNED_HOME", "NO_FOLLOW_UP_NEEDED")).await; // after the period
    // P's family moved once during the stay.
    let p_trajectory = entities::trajectory::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.child_id == p_id)
        .unwrap();
    entities::placement::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        organisation_id: Set(org.org.id),
        family_id: Set(p_trajectory.family_id),
        location_id: Set(org.ambulant_location.id),
        from_date: Set(from + Days::new(5)),
        until_date: Set(None),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&app.db)
    .await
    .unwrap();
    assert_eq!(
        norms::count(&app.db, "2a", &s).await.unwrap(),
        Some(Count { numerator: 1, denominator: 2 }),
        "one move over two stays"
    );
    assert_eq!(
        norms::count(&app.db, "2a.2", &s).await.unwrap(),
        Some(Count { numerator: 120 + 130, denominator: 2 }),
        "days stayed"
    );
    assert_eq!(norms::count(&app.db, "11e", &s).await.unwrap(), Some(Count { numerator: 1, denominator: 2 }));
    assert_eq!(
        norms::count(&app.db, "11a", &s).await.unwrap(),
        Some(Count { numerator: 1, denominator: 1 }),
        "left without notice is not counted"
    );
    let reasons: Vec<String> =
        norms::cases(&app.db, "2a", &s, None, None, 10).await.unwrap().into_iter().map(|c| c.reason).collect();
    assert_eq!(reasons.len(), 2);
    assert!(
        reasons.contains(&"1 move during the stay".to_string())
            && reasons.contains(&"no move during the stay".to_string())
    );

    // Norm 4: a track decided on day 42 is followed through, one closed on day 48 is not, one
    // opened 41 days before the end has not had its 42 days.
    let (x, _) = child(&app, &org, from - Days::new(10), born).await;
    let open = "mutation($input: OpenReportingCodeTrackInput!) { openReportingCodeTrack(input: $input) { reportingCodeTrack { id } } }";
    let track = |c: &Value, on: NaiveDate| json!({ "input": { "childId": c, "signal": "DISCLOSURE", "description": "vertelde over thuis", "openedOn": on.to_string() } });
    let step = "mutation($input: RecordReportingCodeStepInput!) { recordReportingCodeStep(input: $input) { reportingCodeTrack { reachedStep } } }";
    let decided =
        app.gql(t, open, track(&x, from + Days::new(1))).await["openReportingCodeTrack"]["reportingCodeTrack"]["id"]
            .clone();
    for (n, decision) in
        [(1, None), (2, None), (3, None), (4, Some("NO_ACUTE_OR_STRUCTURAL_UNSAFETY")), (5, Some("ORGANISE_HELP"))]
    {
        let on = from + Days::new(if n == 5 { 43 } else { 1 + n });
        app.gql(t, step, json!({ "input": { "trackId": decided, "step": n, "recordedOn": on.to_string(), "outcome": "gezet", "decision": decision } })).await;
    }
    let (y, _) = child(&app, &org, from - Days::new(10), born).await;
    let unconfirmed =
        app.gql(t, open, track(&y, from + Days::new(2))).await["openReportingCodeTrack"]["reportingCodeTrack"]["id"]
            .clone();
    for n in 1..=3 {
        app.gql(t, step, json!({ "input": { "trackId": unconfirmed, "step": n, "recordedOn": (from + Days::new(3)).to_string(), "outcome": "gezet" } })).await;
    }
    app.gql(t, "mutation($input: CloseReportingCodeTrackInput!) { closeReportingCodeTrack(input: $input) { reportingCodeTrack { closedOn } } }", json!({ "input": {
        "trackId": unconfirmed, "closedOn": (from + Days::new(50)).to_string(), "suspicionNotConfirmed": true, "note": "niet bevestigd" } })).await;
    app.gql(t, open, track(&y, to - Days::new(41))).await;
    assert_eq!(norms::count(&app.db, "4", &s).await.unwrap(), Some(Count { numerator: 1, denominator: 2 }));
    let reasons: Vec<String> =
        norms::cases(&app.db, "4", &s, Some(false), None, 10).await.unwrap().into_iter().map(|c| c.reason).collect();
    assert_eq!(reasons, ["Meldcode followed through on day 48"]);

    // Norm 6a: the workers responsible for a child in care; one registered until after the
    // period's end, one whose registration lapsed on its last day but one.
    let register = async |w: &entities::worker::Model, expires: NaiveDate| {
        let mut a = w.clone().into_active_model();
        a.skj_registration_number = Set(Some("SKJ123".into()));
        a.skj_registration_expires_on = Set(Some(expires));
        a.update(&app.db).await.unwrap();
    };
    register(&org.worker, to).await;
    let six_a = norms::cases(&app.db, "6a", &s, None, None, 10).await.unwrap();
    assert_eq!(six_a.len(), 1, "every child here has the same responsible worker");
    assert_eq!((six_a[0].subject, six_a[0].met), (Subject::Worker(org.worker.id), true));
    register(&org.worker, to - Days::new(1)).await;
    let lapsed = norms::cases(&app.db, "6a", &s, None, None, 10).await.unwrap();
    assert_eq!((lapsed[0].met, lapsed[0].reason.as_str()), (false, "SKJ registration lapsed before the period's end"));

    // Hours per child: minutes held in the period over the children in care.
    let contact = "mutation($input: RecordContactInput!) { recordContact(input: $input) { contact { id } } }";
    let talk = |c: &Value, on: NaiveDate, minutes: i32| {
        json!({ "input": { "childId": c, "kind": "CHILD_TALK", "heldOn": on.to_string(),
        "summary": "gesprek", "durationMinutes": minutes, "individual": true } })
    };
    app.gql(t, contact, talk(&x, from + Days::new(3), 90)).await;
    app.gql(t, contact, talk(&x, to + Days::new(1), 600)).await; // after the period
    app.gql(t, contact, talk(&y, from, 30)).await;
    let hours = norms::count(&app.db, "hours_per_child", &s).await.unwrap().unwrap();
    assert_eq!(hours, Count { numerator: 120, denominator: 5 }, "p, q, r, x and y were in care");
    assert_eq!(server::domain::norms::indicator("hours_per_child").unwrap().figure(hours), Some(0.4));

    // The parent who did not come along: every child here came with one parent.
    let looked_into = "mutation($input: RecordNonAccompanyingParentInput!) { recordNonAccompanyingParent(input: $input) { nonAccompanyingParent { id } } }";
    app.gql(t, looked_into, json!({ "input": { "childId": x, "name": "Vader", "investigatedOn": from.to_string(), "risk": "NONE_KNOWN", "outcome": "KEPT_INFORMED", "informedHow": "per brief" } })).await;
    let parent = norms::count(&app.db, "process.parent", &s).await.unwrap().unwrap();
    assert_eq!(parent, Count { numerator: 1, denominator: 5 });
}

/// The last full quarter before `day`, as a period.
fn last_full_quarter(day: NaiveDate) -> String {
    use chrono::Datelike;
    let (year, quarter) = match day.month0() / 3 {
        0 => (day.year() - 1, 4),
        q => (day.year(), q),
    };
    format!("{year}-Q{quarter}")
}

/// The demo organisation's quality officer downloads the report of the last quarter: printable
/// HTML in Dutch with a bar per figure, nothing loaded from elsewhere; JSON and CSV alike; the
/// municipality's CSV leaves small counts out. Each download is one read in the access log.
#[tokio::test]
async fn the_report_renders_for_the_demo_organisation() {
    let app = spawn_app().await;
    server::seed::seed_demo(&app.db).await.unwrap();
    let officer = app.sign(&app.claims("de-haven", &[entities::Role::QualityOfficer], None));
    let quarter = last_full_quarter(today());
    let q = "query($f: NormFilter!, $format: ReportFormat!) { normReport(filter: $f, format: $format) { filename contentType content } }";
    let report = |token: &str, format: &str, filter: Value| {
        let (token, format) = (token.to_string(), format.to_string());
        let app = &app;
        async move { app.gql(&token, q, json!({ "f": filter, "format": format })).await["normReport"].clone() }
    };
    let html = report(&officer, "HTML", json!({ "period": quarter })).await;
    assert_eq!(html["filename"], format!("normenkader-de-haven-{quarter}.html"));
    assert_eq!(html["contentType"], "text/html; charset=utf-8");
    let page = html["content"].as_str().unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<html lang=\"nl\">"));
    assert!(page.contains("Stichting De Haven (vrouwenopvang)") && page.contains(&format!("periode {quarter}")));
    for indicator in server::domain::norms::CATALOGUE {
        assert!(page.contains(&format!("<td>{}</td>", indicator.code)), "{} missing", indicator.code);
        // Described in Dutch, not in the API's English.
        assert!(indicator.numerator.is_empty() || !page.contains(indicator.numerator), "{} in English", indicator.code);
    }
    assert!(
        page.contains("Kinderen opgenomen in de periode, minstens 7 dagen voor het einde: van wie het eerste contact")
    );
    assert!(page.contains("Niet vast te leggen: "));
    assert!(page.matches("<svg").count() >= 5, "bars for the figures with data");
    assert!(page.contains("gehaald") || page.contains("niet gehaald"));
    assert!(
        !page.contains("<script") && !page.contains("http://") && !page.contains("https://") && !page.contains("src="),
        "self-contained"
    );

    let data: Value =
        serde_json::from_str(report(&officer, "JSON", json!({ "period": quarter })).await["content"].as_str().unwrap())
            .unwrap();
    assert_eq!(data["organisation"], "de-haven");
    let figures = data["figures"].as_array().unwrap();
    assert_eq!(figures.len(), server::domain::norms::CATALOGUE.len());
    let keys: Vec<&str> = figures[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 10, "{keys:?}");
    let with_data = figures.iter().filter(|f| f["denominator"].as_i64().is_some_and(|d| d > 0)).count();
    assert!(with_data >= 10, "the demo has figures for the last quarter: {with_data}");

    // The municipality's CSV: the figures it may see, small counts left out.
    let csv =
        report(&app.municipality_token("utrecht"), "CSV", json!({ "period": quarter, "organisation": "de-haven" }))
            .await;
    let content = csv["content"].as_str().unwrap();
    assert!(
        content.starts_with("code,norm,name,name_nl,numerator,denominator,share,threshold,status,previous_share\r\n")
    );
    let suppressed: Vec<&str> = content.lines().filter(|l| l.contains(",SUPPRESSED,")).collect();
    assert!(
        suppressed.iter().all(|l| l.split(',').nth(4) == Some("") && l.split(',').nth(5) == Some("")),
        "{suppressed:?}"
    );
    for line in content.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        for n in [cells[cells.len() - 6], cells[cells.len() - 5]] {
            assert!(!matches!(n.parse::<i64>(), Ok(1..=4)), "a small count shown: {line}");
        }
    }
    let refused = app
        .gql_error(
            &app.municipality_token("utrecht"),
            q,
            json!({ "f": { "period": quarter, "organisation": "het-anker" }, "format": "CSV" }),
        )
        .await;
    assert_eq!(refused["extensions"]["code"], "FORBIDDEN");

    // The command line writes the same report, logged as the organisation's quality officer.
    let file =
        server::reports::norm_report_as_operator(&app.db, "de-haven", quarter.clone(), server::reports::Format::Json)
            .await
            .unwrap();
    let cli: Value = serde_json::from_str(&file.body).unwrap();
    assert_eq!(cli["figures"], data["figures"]);
    let reads = entities::access_event::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.area == "norm-report")
        .collect::<Vec<_>>();
    assert_eq!(reads.len(), 4, "two downloads by the officer, one by the municipality, one on the command line");
    assert!(reads.iter().all(|e| e.persons.is_empty()));
}

/// The outcomes: the safety scale from the first assessment to the latest (per respondent), the
/// parents' SDQ band, and the goals achieved by the children who left.
#[tokio::test]
async fn outcome_figures_compare_the_first_record_with_the_latest() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let t = &org.worker_token;
    let (from, to) = (today() - Days::new(200), today() - Days::new(60));
    let s = scope(&org, Period::parse(&format!("{from}..{to}")).unwrap());
    let born = today() - Days::new(9 * 365);
    let assess = |c: &Value, on: NaiveDate, worker: i32| {
        json!({ "input": { "childId": c, "assessedOn": on.to_string(), "worries": "w", "safetyGoals": "g",
            "judgement": "GOOD_ENOUGH", "scores": [{ "respondent": "WORKER", "score": worker }] } })
    };
    let assessment = "mutation($input: RecordSafetyAssessmentInput!) { recordSafetyAssessment(input: $input) { safetyAssessment { id } } }";
    let (up, _) = child(&app, &org, from, born).await;
    app.gql(t, assessment, assess(&up, from + Days::new(3), 3)).await;
    app.gql(t, assessment, assess(&up, from + Days::new(60), 6)).await;
    app.gql(t, assessment, assess(&up, to + Days::new(1), 1)).await; // after the period: not the latest
    let (down, _) = child(&app, &org, from, born).await;
    app.gql(t, assessment, assess(&down, from + Days::new(3), 6)).await;
    app.gql(t, assessment, assess(&down, from + Days::new(60), 5)).await;
    let (once, _) = child(&app, &org, from, born).await;
    app.gql(t, assessment, assess(&once, from + Days::new(3), 5)).await;
    assert_eq!(
        norms::count(&app.db, "outcome.safety.worker", &s).await.unwrap(),
        Some(Count { numerator: 1, denominator: 2 })
    );
    let reasons: Vec<String> = norms::cases(&app.db, "outcome.safety.worker", &s, None, None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.reason)
        .collect();
    assert_eq!(reasons, ["safety scale up 3", "safety scale down 1"]);
    assert_eq!(
        norms::count(&app.db, "outcome.safety.child", &s).await.unwrap(),
        Some(Count { numerator: 0, denominator: 0 })
    );

    // The SDQ band: all "not true" is NORMAL, all "certainly true" ABNORMAL.
    let sdq = |c: &Value, on: NaiveDate, answer: &str| {
        let answers: Vec<Value> = (1..=25).map(|i| json!({ "item": i, "answer": answer })).collect();
        json!({ "input": { "childId": c, "instrument": "SDQ", "informant": "PARENT", "administeredOn": on.to_string(), "answers": answers } })
    };
    let screening = "mutation($input: RecordScreeningInput!) { recordScreening(input: $input) { screening { band } } }";
    assert_eq!(
        app.gql(t, screening, sdq(&up, from + Days::new(10), "CERTAINLY_TRUE")).await["recordScreening"]["screening"]["band"],
        "ABNORMAL"
    );
    assert_eq!(
        app.gql(t, screening, sdq(&up, from + Days::new(70), "NOT_TRUE")).await["recordScreening"]["screening"]["band"],
        "NORMAL"
    );
    app.gql(t, screening, sdq(&down, from + Days::new(10), "NOT_TRUE")).await;
    app.gql(t, screening, sdq(&down, from + Days::new(70), "CERTAINLY_TRUE")).await;
    app.gql(t, screening, sdq(&once, from + Days::new(10), "NOT_TRUE")).await;
    assert_eq!(norms::count(&app.db, "outcome.sdq", &s).await.unwrap(), Some(Count { numerator: 1, denominator: 2 }));
    let reasons: Vec<String> =
        norms::cases(&app.db, "outcome.sdq", &s, None, None, 10).await.unwrap().into_iter().map(|c| c.reason).collect();
    assert_eq!(reasons, ["SDQ band better", "SDQ band worse"]);

    // Goals: at the last evaluation before leaving, one of two achieved counts (at least half);
    // none of two does not.
    let plan = "mutation($input: RecordActionPlanInput!) { recordActionPlan(input: $input) { actionPlan { id goals { id } } } }";
    let evaluate = "mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { evaluation { id } } }";
    let close =
        "mutation($input: AdvancePhaseInput!) { advancePhase(input: $input) { child { trajectory { phase } } } }";
    for (c, last) in [(&up, ["ACHIEVED", "IN_PROGRESS"]), (&down, ["IN_PROGRESS", "NOT_STARTED"])] {
        let made = app.gql(t, plan, json!({ "input": { "childId": c, "drawnUpOn": (from + Days::new(14)).to_string(), "childLanguageSummary": "Plan",
            "goals": [{ "text": "Veilig", "subGoals": ["A"], "coreTask": "CHILD_IN_VIEW" }, { "text": "Praten", "subGoals": ["D"], "coreTask": "CHILD_IN_VIEW" }] } })).await;
        let goals = made["recordActionPlan"]["actionPlan"]["goals"].as_array().unwrap().clone();
        for (on, statuses) in [(56, ["ACHIEVED", "ACHIEVED"]), (98, last)] {
            let progress: Vec<Value> =
                goals.iter().zip(statuses).map(|(g, status)| json!({ "goalId": g["id"], "status": status })).collect();
            app.gql(t, evaluate, json!({ "input": { "planId": made["recordActionPlan"]["actionPlan"]["id"], "heldOn": (from + Days::new(on)).to_string(),
                "parentTookPart": true, "childTookPart": true, "progress": progress } })).await;
        }
        app.gql(
            t,
            close,
            json!({ "input": { "childId": c, "to": "CLOSED", "effectiveOn": (from + Days::new(100)).to_string(),
            "endReason": "RETURNED_HOME", "aftercareDecision": "NO_FOLLOW_UP_NEEDED" } }),
        )
        .await;
    }
    assert_eq!(
        norms::count(&app.db, "outcome.goals", &s).await.unwrap(),
        Some(Count { numerator: 1, denominator: 2 }),
        "the child without a plan is not counted"
    );
    let reasons: Vec<String> = norms::cases(&app.db, "outcome.goals", &s, None, None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.reason)
        .collect();
    assert_eq!(
        reasons,
        ["1 of 2 goals achieved at the last evaluation", "0 of 2 goals achieved at the last evaluation"]
    );
}

/// The kwaliteitsinstrument: a team lead opens the location's self-assessment for the year,
/// pre-filled from the figures, scores it, writes the improvement plan and signs it; signed, it
/// no longer changes, and norm 5 counts the location.
#[tokio::test]
async fn the_kwaliteitsinstrument_is_prefilled_scored_signed_and_counted_by_norm_5() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let year = chrono::Datelike::year(&today());
    let admitted =
        NaiveDate::from_ymd_opt(year, 1, 2).unwrap().max(today() - Days::new(60)).min(today() - Days::new(8));
    let (c, _) = child(&app, &org, admitted, today() - Days::new(9 * 365)).await;
    first_contact(&app, &org, &c, admitted, true).await;
    let s = scope(&org, Period::parse(&year.to_string()).unwrap());
    assert_eq!(
        norms::count(&app.db, "5", &s).await.unwrap(),
        Some(Count { numerator: 0, denominator: 1 }),
        "the location housed a child"
    );

    let lead = &org.lead_token;
    let location = json!(org.location_id());
    let read = "query($l: ID!, $y: Int!) { qualityAssessment(locationId: $l, year: $y) { location { name } items { key part score suggestedScore figureCode figureNumerator figureDenominator } parts { part score } totalScore signedOn } }";
    let draft = app.gql(lead, read, json!({ "l": location, "y": year })).await["qualityAssessment"].clone();
    let items = draft["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), server::domain::quality::ITEMS.len());
    let first = items.iter().find(|i| i["key"] == "CHILD_IN_VIEW_FIRST_CONTACT").unwrap();
    assert_eq!(
        (
            first["figureCode"].clone(),
            first["figureNumerator"].clone(),
            first["figureDenominator"].clone(),
            first["suggestedScore"].clone()
        ),
        (json!("1"), json!(1), json!(1), json!(2)),
        "pre-filled from norm 1"
    );
    let talks = items.iter().find(|i| i["key"] == "CHILD_IN_VIEW_TALKS").unwrap();
    assert_eq!(talks["suggestedScore"], 0, "no kindgesprek held");
    assert!(
        items.iter().find(|i| i["key"] == "GENERAL_REFLECTION").unwrap()["suggestedScore"].is_null(),
        "no figure measures it"
    );
    assert!(draft["totalScore"].is_null() && draft["signedOn"].is_null());

    let save = "mutation($input: SaveQualityAssessmentInput!) { saveQualityAssessment(input: $input) { qualityAssessment { totalScore parts { part score } signedOn } } }";
    let bad = app.gql_error(lead, save, json!({ "input": { "locationId": location, "year": year, "scores": [{ "key": "NOPE", "score": 1 }, { "key": "GENERAL_SKJ", "score": 3 }] } })).await;
    assert_eq!(bad["extensions"]["code"], "BAD_USER_INPUT");
    let fields: Vec<&str> =
        bad["extensions"]["violations"].as_array().unwrap().iter().filter_map(|x| x["field"].as_str()).collect();
    assert_eq!(fields, ["input.scores[0].key", "input.scores[1].score"], "{bad}");
    assert_eq!(
        app.gql_error(&org.worker_token, save, json!({ "input": { "locationId": location, "year": year } })).await["extensions"]
            ["code"],
        "FORBIDDEN"
    );
    let officer = app.sign(&app.claims("de-haven", &[entities::Role::QualityOfficer], None));
    assert_eq!(
        app.gql_error(&officer, save, json!({ "input": { "locationId": location, "year": year } })).await["extensions"]
            ["code"],
        "FORBIDDEN"
    );
    assert!(
        app.gql(&officer, read, json!({ "l": location, "y": year })).await["qualityAssessment"]["items"].is_array(),
        "the quality officer reads it"
    );

    let sign = "mutation($l: ID!, $y: Int!) { signQualityAssessment(locationId: $l, year: $y) { qualityAssessment { signedOn } } }";
    let half: Vec<Value> = items.iter().take(5).map(|i| json!({ "key": i["key"], "score": 2 })).collect();
    app.gql(lead, save, json!({ "input": { "locationId": location, "year": year, "scores": half } })).await;
    let unsigned = app.gql_error(lead, sign, json!({ "l": location, "y": year })).await;
    assert_eq!(
        (unsigned["extensions"]["code"].as_str(), unsigned["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("scores")),
        "{unsigned}"
    );
    // Every item fully, but one partly: (21 × 2 + 1) / 44.
    let all: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(n, i)| json!({ "key": i["key"], "score": if n == 0 { 1 } else { 2 } }))
        .collect();
    let saved = app
        .gql(
            lead,
            save,
            json!({ "input": { "locationId": location, "year": year, "scores": all,
        "improvementPlan": "Kindgesprekken vaker en individueel plannen." } }),
        )
        .await["saveQualityAssessment"]["qualityAssessment"]
        .clone();
    let total = saved["totalScore"].as_f64().unwrap();
    assert!((total - 43.0 / 44.0).abs() < 1e-9, "{total}");
    let child_in_view =
        saved["parts"].as_array().unwrap().iter().find(|p| p["part"] == "CHILD_IN_VIEW").unwrap()["score"]
            .as_f64()
            .unwrap();
    assert!((child_in_view - 0.9).abs() < 1e-9, "{child_in_view}");
    let sign_on = "mutation($l: ID!, $y: Int!, $on: Date) { signQualityAssessment(locationId: $l, year: $y, signedOn: $on) { qualityAssessment { signedOn } } }";
    let future = app
        .gql_error(lead, sign_on, json!({ "l": location, "y": year, "on": (today() + Days::new(1)).to_string() }))
        .await;
    assert_eq!(future["extensions"]["field"], "signedOn");
    assert_eq!(
        app.gql(lead, sign, json!({ "l": location, "y": year })).await["signQualityAssessment"]["qualityAssessment"]["signedOn"],
        today().to_string()
    );
    assert_eq!(
        app.gql_error(lead, save, json!({ "input": { "locationId": location, "year": year } })).await["extensions"]["code"],
        "CONFLICT"
    );

    assert_eq!(norms::count(&app.db, "5", &s).await.unwrap(), Some(Count { numerator: 1, denominator: 1 }));
    let drill = "query($p: String!) { normFigures(filter: { period: $p, codes: [\"5\"] }) { figures { status cases { edges { node { locationId name met reason } } } } } }";
    let five = app.gql(&officer, drill, json!({ "p": year.to_string() })).await["normFigures"]["figures"][0].clone();
    assert_eq!(five["status"], "MET");
    assert_eq!(
        five["cases"]["edges"][0]["node"],
        json!({ "locationId": location, "name": org.secret_location.name, "met": true,
        "reason": "self-assessment signed in the twelve months up to the period's end" })
    );
    // Another organisation's location does not exist here.
    let anker = tests::org(&app, "anker").await;
    let foreign = app.gql_error(lead, read, json!({ "l": anker.location_id(), "y": year })).await;
    assert_eq!(foreign["extensions"]["code"], "NOT_FOUND");
}

/// The figure and the reasons of the drill-down (sorted: the rows come in key order).
async fn figure(app: &TestApp, code: &str, s: &NormScope) -> (Option<Count>, Vec<String>) {
    let count = norms::count(&app.db, code, s).await.unwrap();
    let mut reasons: Vec<String> =
        norms::cases(&app.db, code, s, None, None, 50).await.unwrap().into_iter().map(|c| c.reason).collect();
    reasons.sort();
    (count, reasons)
}

fn count(numerator: i64, denominator: i64) -> Option<Count> {
    Some(Count { numerator, denominator })
}

/// Norms 1c, 6b, 8b, 8c, 8e, 11d, reach, the process figures and the parent's safety scale, each
/// on both sides of its boundaries (days after admission, age, the period's end), in an
/// organisation of its own.
#[tokio::test]
async fn norms_1c_6b_8b_8c_8e_11d_reach_and_the_process_figures() {
    let app = spawn_app().await;
    let (from, to) = (today() - Days::new(200), today() - Days::new(60));
    let period = Period::parse(&format!("{from}..{to}")).unwrap();
    let (nine, three, eighteen) =
        (today() - Days::new(9 * 365), today() - Days::new(61 + 3 * 365), today() - Days::new(55 + 18 * 366));
    let intake = "mutation($input: RecordIntakeInput!) { recordIntake(input: $input) { intake { id } } }";
    let first =
        "mutation($input: RecordFirstContactInput!) { recordFirstContact(input: $input) { firstContact { id } } }";
    let assessment = "mutation($input: RecordSafetyAssessmentInput!) { recordSafetyAssessment(input: $input) { safetyAssessment { id } } }";
    let plan = "mutation($input: RecordActionPlanInput!) { recordActionPlan(input: $input) { actionPlan { id goals { id } } } }";
    let evaluate = "mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { evaluation { id } } }";
    let school = |c: &Value, on: NaiveDate, kind: &str| json!({ "input": { "childId": c, "heldOn": on.to_string(), "educationKind": kind, "educationName": "De Regenboog" } });
    let assess = |c: &Value, on: NaiveDate, respondent: &str, score: i64| {
        json!({ "input": { "childId": c, "assessedOn": on.to_string(), "worries": "w", "safetyGoals": "g", "judgement": "GOOD_ENOUGH",
        "scores": [{ "respondent": respondent, "respondentName": "Sara", "score": score }] } })
    };
    let contact = |c: &Value, on: NaiveDate, mapped: bool| {
        json!({ "input": { "childId": c, "contactOn": on.to_string(), "warmWelcome": true, "houseRulesExplained": true,
        "complaintsProcedureExplained": true, "confidantExplained": true, "networkMappedWithParent": mapped } })
    };

    // 1c: network mapped with the parent, custody recorded and an intake by day 14, of the
    // children admitted at least 14 days before the period's end.
    let o = org(&app, "een-c").await;
    let s = scope(&o, period);
    let (a, _) = child(&app, &o, from, nine).await;
    app.gql(&o.worker_token, first, contact(&a, from, true)).await;
    app.gql(&o.worker_token, intake, school(&a, days(from, 14), "SCHOOL")).await;
    let (b, _) = child(&app, &o, from, nine).await;
    app.gql(&o.worker_token, first, contact(&b, from, true)).await;
    app.gql(&o.worker_token, intake, school(&b, days(from, 15), "SCHOOL")).await;
    let mut input = without_bsn(family_input(&o, 1));
    input["admissionDate"] = json!(from.to_string());
    input["members"][1].as_object_mut().unwrap().remove("custodianRefs");
    let c = admit(&app, &o, input).await["children"][0]["id"].clone();
    app.gql(&o.worker_token, first, contact(&c, from, false)).await;
    app.gql(&o.worker_token, intake, school(&c, days(from, 1), "SCHOOL")).await;
    child(&app, &o, to - Days::new(13), nine).await; // admitted too late to be counted
    assert_eq!(
        figure(&app, "1c", &s).await,
        (
            count(1, 3),
            vec![
                "network mapped with the parent, custody recorded, intake within 14 days".to_string(),
                "network not mapped with the parent, no custody recorded".into(),
                "no intake within 14 days".into(),
            ]
        )
    );

    // 6b: the child's own view, from 4, admitted at least 42 days before the end; and the
    // parent's safety scale, first against latest.
    let o = org(&app, "zes-b").await;
    let s = scope(&o, period);
    let t = &o.worker_token;
    let (a, _) = child(&app, &o, from, nine).await;
    app.gql(t, intake, json!({ "input": { "childId": a, "heldOn": days(from, 3).to_string(), "educationKind": "SCHOOL", "childExperience": "Ik mis mijn kat" } })).await;
    let (b, _) = child(&app, &o, from, nine).await;
    app.gql(t, assessment, assess(&b, days(from, 3), "CHILD", 5)).await;
    child(&app, &o, from, nine).await;
    child(&app, &o, from, three).await; // 3 at the period's end
    child(&app, &o, to - Days::new(41), nine).await; // admitted too late
    assert_eq!(
        figure(&app, "6b", &s).await,
        (
            count(2, 3),
            vec![
                "the child scored the safety scale".to_string(),
                "the child's own experience recorded at the intake".into(),
                "the child's own view not recorded".into(),
            ]
        )
    );
    let (f, _) = child(&app, &o, from - Days::new(10), nine).await;
    app.gql(t, assessment, assess(&f, days(from, 1), "PARENT", 4)).await;
    app.gql(t, assessment, assess(&f, to, "PARENT", 6)).await;
    app.gql(t, assessment, assess(&f, to + Days::new(1), "PARENT", 2)).await; // after the period
    assert_eq!(figure(&app, "outcome.safety.parent", &s).await, (count(1, 1), vec!["safety scale up 2".to_string()]));

    // 8b (evaluations of the period with the child), 8c (a plan evaluated in the last 49 days)
    // and 8e (a goal for the parents).
    let o = org(&app, "acht").await;
    let s = scope(&o, period);
    let t = &o.worker_token;
    let plan_for = |c: &Value, on: NaiveDate, sub_goal: &str| {
        json!({ "input": { "childId": c, "drawnUpOn": on.to_string(), "childLanguageSummary": "Plan",
        "goals": [{ "text": "Doel", "subGoals": [sub_goal], "coreTask": "CHILD_IN_VIEW" }] } })
    };
    let evaluation = |made: &Value, on: NaiveDate, child_took_part: bool| {
        let goal = &made["recordActionPlan"]["actionPlan"]["goals"][0]["id"];
        json!({ "input": { "planId": made["recordActionPlan"]["actionPlan"]["id"], "heldOn": on.to_string(), "parentTookPart": true,
        "childTookPart": child_took_part, "progress": [{ "goalId": goal, "status": "IN_PROGRESS" }] } })
    };
    let (a, _) = child(&app, &o, from - Days::new(10), nine).await;
    let made = app.gql(t, plan, plan_for(&a, days(from, 10), "G")).await;
    app.gql(t, evaluate, evaluation(&made, to - Days::new(49), true)).await;
    let (b, _) = child(&app, &o, from - Days::new(10), nine).await;
    let made = app.gql(t, plan, plan_for(&b, days(from, 10), "A")).await;
    app.gql(t, evaluate, evaluation(&made, days(from, 20), true)).await;
    app.gql(t, evaluate, evaluation(&made, to - Days::new(50), false)).await;
    let (c, _) = child(&app, &o, from - Days::new(10), nine).await;
    let made = app.gql(t, plan, plan_for(&c, to - Days::new(41), "H")).await; // too new for 8c
    app.gql(t, evaluate, evaluation(&made, to + Days::new(1), false)).await; // after the period: not in 8b
    assert_eq!(
        figure(&app, "8b", &s).await,
        (
            count(1, 2),
            vec!["not at 1 evaluation of the period".to_string(), "took part in every evaluation of the period".into()]
        )
    );
    assert_eq!(
        figure(&app, "8c", &s).await,
        (
            count(1, 2),
            vec![
                "plan last evaluated 49 days before the period's end or leaving".to_string(),
                "plan last evaluated 50 days before the period's end or leaving".into(),
            ]
        )
    );
    assert_eq!(norms::count(&app.db, "8e", &s).await.unwrap(), count(2, 3), "sub-goals g and h serve the parents");

    // 11d (at school by an intake within 7 days, from 4 to 17), reach (a first contact up to
    // the period's end, under 18) and the process figures (a record at all).
    let o = org(&app, "elf-d").await;
    let s = scope(&o, period);
    let t = &o.worker_token;
    let (a, _) = child(&app, &o, from, nine).await;
    app.gql(t, intake, school(&a, days(from, 7), "SCHOOL")).await;
    app.gql(t, first, contact(&a, days(from, 1), true)).await;
    let (b, _) = child(&app, &o, from, nine).await;
    app.gql(t, intake, school(&b, days(from, 8), "SCHOOL")).await;
    app.gql(t, first, contact(&b, to + Days::new(1), true)).await;
    let (c, _) = child(&app, &o, from, three).await;
    let (d, _) = child(&app, &o, from, eighteen).await;
    app.gql(t, intake, school(&d, days(from, 1), "SCHOOL")).await;
    let (e, _) = child(&app, &o, from, nine).await;
    app.gql(t, intake, school(&e, days(from, 2), "DAY_CARE")).await;
    assert_eq!(
        figure(&app, "11d", &s).await,
        (
            count(1, 3),
            vec![
                "at school by the intake on day 7".to_string(),
                "at school by the intake on day 8".into(),
                "no school recorded at an intake".into(),
            ]
        )
    );
    assert_eq!(norms::count(&app.db, "reach", &s).await.unwrap(), count(1, 4), "18 is not counted; b reached too late");
    assert_eq!(norms::count(&app.db, "process.intake", &s).await.unwrap(), count(4, 5));
    assert_eq!(norms::count(&app.db, "process.safety", &s).await.unwrap(), count(0, 5));
    app.gql(t, assessment, assess(&c, to + Days::new(5), "WORKER", 5)).await;
    assert_eq!(norms::count(&app.db, "process.safety", &s).await.unwrap(), count(1, 5), "a record at all");
    assert_eq!(norms::count(&app.db, "process.plan", &s).await.unwrap(), count(0, 5));
}
