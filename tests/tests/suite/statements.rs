//! The nested queries of a caseload take a constant number of SQL statements, however many
//! families and children they return: one per level, plus authentication and the access log.

use serde_json::json;
use tests::*;

const NESTED: &str =
    "{ families(first: 50) { edges { node { children { trajectory { responsibleWorker { name } } } } } } }";
const CASELOAD: &str = "{ children(first: 50) { totalCount edges { node { ageBand phase1Overdue person { givenName } \
    custodians { givenName } family { location { name } } trajectory { phase responsibleWorker { name roles } } } } } }";

/// The SQL statements one request for `query` takes, and its data. The query runs three times
/// and must take the same number each time: a count that depends on timing (a level of loads
/// split over several batches) fails here, loudly, instead of now and then.
async fn statements_for(app: &TestApp, token: &str, query: &str) -> (u64, serde_json::Value) {
    statements_with(app, token, query, json!({})).await
}

async fn statements_with(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: serde_json::Value,
) -> (u64, serde_json::Value) {
    let mut counts = Vec::new();
    let mut data = serde_json::Value::Null;
    for _ in 0..3 {
        let before = app.sql_statements().await;
        data = app.gql(token, query, variables.clone()).await;
        counts.push(app.sql_statements().await - before);
    }
    assert!(
        counts.windows(2).all(|w| w[0] == w[1]),
        "the same request took {counts:?} statements: batching depends on timing"
    );
    (counts[0], data)
}

#[tokio::test]
async fn nested_family_query_takes_constant_statements() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    for _ in 0..2 {
        admit(&app, &org, without_bsn(family_input(&org, 2))).await;
    }
    let (small, data) = statements_for(&app, &org.lead_token, NESTED).await;
    assert_eq!(data["families"]["edges"].as_array().unwrap().len(), 2);

    for _ in 0..10 {
        admit(&app, &org, without_bsn(family_input(&org, 3))).await;
    }
    let (large, data) = statements_for(&app, &org.lead_token, NESTED).await;
    let families = data["families"]["edges"].as_array().unwrap();
    assert_eq!(families.len(), 12);
    let workers: usize = families.iter().map(|f| f["node"]["children"].as_array().unwrap().len()).sum();
    assert_eq!(workers, 34);

    eprintln!("nested family query: {large} SQL statements");
    assert_eq!(small, large, "statement count grew with the result size");
    // principal + the page of families joined to their children's persons, trajectories and
    // workers, then the access log (one insert).
    assert!(large <= 3, "{large} statements");
}

/// A page of families brings along, in its own statement, its children and what it shows of
/// them: their trajectories, with their workers when it shows those. What came along is what a
/// child read alone shows, a re-admitted child's last trajectory included, on pages taken
/// forward and backward. (Which fields bring what along is unit-tested beside `Child::along`.)
#[tokio::test]
async fn what_a_page_of_families_brings_along_is_what_each_child_shows() {
    use entities::{Phase, trajectory};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    for children in [1, 3, 2] {
        admit(&app, &org, without_bsn(family_input(&org, children))).await;
    }
    // A child re-admitted: a second, later trajectory with another phase and worker.
    let first = trajectory::Entity::find().order_by_asc(trajectory::Column::Id).one(&app.db).await.unwrap().unwrap();
    let again = trajectory::Model {
        id: uuid::Uuid::now_v7(),
        phase: Phase::Phase2,
        responsible_worker_id: org.other_worker.id,
        ..first.clone()
    };
    trajectory::ActiveModel::from(again).insert(&app.db).await.unwrap();
    let trajectories = trajectory::Entity::find().filter(trajectory::Column::ChildId.eq(first.child_id));
    assert_eq!(trajectories.all(&app.db).await.unwrap().len(), 2);

    let page = "{ families(first: 50) { edges { node { children { id person { givenName } \
        trajectory { phase admissionDate endDate responsibleWorker { id name } } phase1Overdue } } } } }";
    let (count, data) = statements_for(&app, &org.lead_token, page).await;
    assert_eq!(count, 3, "principal, families with their children and what they bring along, access log");
    let children: Vec<serde_json::Value> = data["families"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["node"]["children"].as_array().unwrap().clone())
        .collect();
    assert_eq!(children.len(), 6, "a re-admitted child is listed once");
    for child in &children {
        let alone = app
            .gql(
                &org.lead_token,
                "query($id: ID!) { child(id: $id) { id person { givenName } \
                 trajectory { phase admissionDate endDate responsibleWorker { id name } } phase1Overdue } }",
                json!({ "id": child["id"] }),
            )
            .await;
        assert_eq!(&alone["child"], child);
    }
    let readmitted = children.iter().find(|c| c["trajectory"]["phase"] == "PHASE_2").expect("the last trajectory");
    assert_eq!(readmitted["trajectory"]["responsibleWorker"]["name"], org.other_worker.name.as_str());

    // Each shape of page takes the same statements.
    for page in [
        "{ families(first: 50) { edges { node { children { id } } } } }",
        "{ families(first: 50) { edges { node { children { phase1Overdue } } } } }",
        "{ families(first: 50) { edges { node { children { trajectory { phase } } } } } }",
    ] {
        let (count, _) = statements_for(&app, &org.lead_token, page).await;
        assert_eq!(count, 3, "{page}");
    }

    // Pages forward and backward hold their own families, each with the children it has when
    // read alone, and tell whether more pages follow.
    let paged = "query($first: Int, $last: Int) { families(first: $first, last: $last) { \
        pageInfo { hasNextPage hasPreviousPage } edges { node { id children { id } } } } }";
    let alone = "query($id: ID!) { family(id: $id) { children { id } } }";
    let mut seen = Vec::new();
    for (page, next, previous) in [(json!({ "first": 2 }), true, false), (json!({ "last": 2 }), false, true)] {
        let data = app.gql(&org.lead_token, paged, page.clone()).await;
        let info = &data["families"]["pageInfo"];
        assert_eq!((info["hasNextPage"].as_bool(), info["hasPreviousPage"].as_bool()), (Some(next), Some(previous)));
        let edges = data["families"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), 2, "{page}");
        for edge in edges {
            let family = &edge["node"];
            let own = app.gql(&org.lead_token, alone, json!({ "id": family["id"] })).await;
            assert_eq!(family["children"], own["family"]["children"], "{page}");
            seen.push(family["id"].clone());
        }
    }
    let all = app.gql(&org.lead_token, "{ families(first: 50) { edges { node { id } } } }", json!({})).await;
    let all: Vec<_> = all["families"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["id"].clone()).collect();
    assert_eq!(seen, [0, 1, 1, 2].map(|i| all[i].clone()), "each page in the families' order");

    // Asked twice in two shapes: both from the page's statement.
    let twice = "{ families(first: 50) { edges { node { a: children { id } \
        b: children { id trajectory { responsibleWorker { name } } } } } } }";
    let (count, data) = statements_for(&app, &org.lead_token, twice).await;
    assert_eq!(count, 3);
    for edge in data["families"]["edges"].as_array().unwrap() {
        let ids = |key: &str| edge["node"][key].as_array().unwrap().iter().map(|c| c["id"].clone()).collect::<Vec<_>>();
        assert_eq!(ids("a"), ids("b"));
    }
}

#[tokio::test]
async fn caseload_query_takes_constant_statements() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    admit(&app, &org, without_bsn(family_input(&org, 1))).await;
    let (small, _) = statements_for(&app, &org.lead_token, CASELOAD).await;
    for _ in 0..8 {
        admit(&app, &org, without_bsn(family_input(&org, 4))).await;
    }
    let (large, data) = statements_for(&app, &org.lead_token, CASELOAD).await;
    assert_eq!(data["children"]["totalCount"], 33);
    eprintln!("caseload query: {large} SQL statements");
    assert_eq!(small, large, "statement count grew with the result size");
    // principal + page + count + custody (links, persons) + families + workers + locations +
    // roles, then the access log (one insert).
    assert!(large <= 11, "{large} statements");
}

const METHOD_CASELOAD: &str = "{ children(first: 50, filter: { overdue: true }) { totalCount edges { node { \
    cadence { overdue nextChildTalkDue items { kind dueOn } } board { key done } \
    firstContact { warmWelcome } contacts { kind summary recordedBy { name } } \
    safetyAssessments { judgement scores { score } } safetyScaleTrend { score } reportingCodeTracks { steps { step } } \
    screenings { band total { score } } network { name } \
    actionPlan { goals { text actions { owner } } evaluations { progress { status } } } } } } }";
const AGENDA: &str =
    "query($to: Date!) { agenda(to: $to) { kind dueOn overdue child { person { givenName } } contact { kind } } }";

/// Records of each kind for a child, so that every loader of the method has rows to batch.
async fn record_method(app: &TestApp, org: &Org, child: &serde_json::Value) {
    let t = &org.worker_token;
    app.gql(
        t,
        "mutation($i: RecordFirstContactInput!) { recordFirstContact(input: $i) { firstContact { id } } }",
        json!({ "i": {
        "childId": child, "warmWelcome": true, "houseRulesExplained": true, "complaintsProcedureExplained": true,
        "confidantExplained": true, "networkMappedWithParent": true } }),
    )
    .await;
    app.gql(
        t,
        "mutation($i: RecordSafetyAssessmentInput!) { recordSafetyAssessment(input: $i) { safetyAssessment { id } } }",
        json!({ "i": {
        "childId": child, "worries": "zorgen", "safetyGoals": "doelen", "judgement": "NOT_GOOD_ENOUGH",
        "scores": [{ "respondent": "WORKER", "score": 4 }] } }),
    )
    .await;
    app.gql(
        t,
        "mutation($i: RecordContactInput!) { recordContact(input: $i) { contact { id } } }",
        json!({ "i": {
        "childId": child, "kind": "PARENT_TALK", "summary": "gesprek" } }),
    )
    .await;
    app.gql(
        t,
        "mutation($i: RecordContactInput!) { recordContact(input: $i) { contact { id } } }",
        json!({ "i": {
        "childId": child, "kind": "THREE_WAY_TALK", "plannedOn": (today() + chrono::Days::new(2)).to_string() } }),
    )
    .await;
    app.gql(
        t,
        "mutation($i: AddNetworkMemberInput!) { addNetworkMember(input: $i) { networkMember { id } } }",
        json!({ "i": {
        "childId": child, "member": { "name": "Oma", "relation": "FAMILY", "contactSafe": true } } }),
    )
    .await;
    let plan = app.gql(t, "mutation($i: RecordActionPlanInput!) { recordActionPlan(input: $i) { actionPlan { id goals { id } } } }", json!({ "i": {
        "childId": child, "childLanguageSummary": "plan", "goals": [{ "text": "doel", "subGoals": ["A"], "coreTask": "NETWORK",
        "actions": [{ "description": "actie", "owner": "moeder", "dueOn": today().to_string() }] }] } })).await;
    app.gql(
        t,
        "mutation($i: RecordEvaluationInput!) { recordEvaluation(input: $i) { evaluation { id } } }",
        json!({ "i": {
        "planId": plan["recordActionPlan"]["actionPlan"]["id"], "parentTookPart": true, "childTookPart": false,
        "progress": [{ "goalId": plan["recordActionPlan"]["actionPlan"]["goals"][0]["id"], "status": "IN_PROGRESS" }] } }),
    )
    .await;
}

async fn admit_with_records(app: &TestApp, org: &Org, children: usize) {
    let mut input = without_bsn(family_input(org, children));
    input["admissionDate"] = json!(days_ago(30));
    let family = admit(app, org, input).await;
    for c in family["children"].as_array().unwrap() {
        record_method(app, org, &c["id"]).await;
    }
}

#[tokio::test]
async fn method_caseload_and_agenda_take_constant_statements() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    admit_with_records(&app, &org, 2).await;
    let to = json!({ "to": (today() + chrono::Days::new(14)).to_string() });
    let (small, _) = statements_for(&app, &org.lead_token, METHOD_CASELOAD).await;
    let (small_agenda, _) = statements_with(&app, &org.worker_token, AGENDA, to.clone()).await;

    for _ in 0..5 {
        admit_with_records(&app, &org, 3).await;
    }
    let (large, data) = statements_for(&app, &org.lead_token, METHOD_CASELOAD).await;
    // In the 30 days since admission no child from 4 had a kindgesprek and no toddler was seen
    // with the parent: all 17 are overdue.
    assert_eq!(data["children"]["totalCount"], 17);
    let first = &data["children"]["edges"][0]["node"];
    assert_eq!(first["actionPlan"]["evaluations"][0]["progress"][0]["status"], "IN_PROGRESS");
    assert_eq!(first["contacts"].as_array().unwrap().len(), 2);
    let (large_agenda, agenda) = statements_with(&app, &org.worker_token, AGENDA, to).await;
    let planned = agenda["agenda"].as_array().unwrap().iter().filter(|i| i["kind"] == "PLANNED_CONTACT").count();
    assert_eq!(planned, 17);

    eprintln!("method caseload query: {large} SQL statements; agenda: {large_agenda}");
    // One statement per kind of record (the board alone reads some thirty kinds), plus auth,
    // paging and the access log; per-child queries would add 17 or more per kind.
    assert_eq!(small, large, "caseload statement count grew with the result size");
    assert!(large <= 45, "{large} statements");
    assert_eq!(small_agenda, large_agenda, "agenda statement count grew with the caseload");
    // The agenda also reads consents (a child without consent to its support) and safety plans.
    assert!(large_agenda <= 10, "{large_agenda} statements");
}

const PARTNER_CASELOAD: &str = "{ children(first: 50) { totalCount edges { node { \
    involvements { role partner { name } } consents { decision partner { name } } partnerGrants { active partner { name } } \
    intakeObservations { author } schoolEnrolment { school { name } } handleWithCareNotices { onTime message { status } } \
    referenceIndexSignals { status matches { kind } messages { status } } } } } }";

/// A family of two young children, each with an involved partner, a consent, a partner
/// grant and a school.
async fn admit_with_partners(app: &TestApp, org: &Org, team: &serde_json::Value, school: &serde_json::Value) {
    let t = &org.worker_token;
    let family = admit(app, org, without_bsn(family_input(org, 2))).await;
    let mum = family["members"][0]["person"]["id"].clone();
    for c in family["children"].as_array().unwrap() {
        let child = &c["id"];
        app.gql(
            t,
            "mutation($i: AddInvolvementInput!) { addInvolvement(input: $i) { involvement { id } } }",
            json!({ "i": {
            "childId": child, "partnerId": team, "role": "wijkcoach" } }),
        )
        .await;
        app.gql(
            t,
            "mutation($i: RecordConsentInput!) { recordConsent(input: $i) { consent { id } } }",
            json!({ "i": {
            "childId": child, "purpose": "CO_RUN_INTAKE", "partnerId": team, "scope": ["INTAKE", "IDENTITY"],
            "decision": "GIVEN", "decidedBy": [mum] } }),
        )
        .await;
        app.gql(
            t,
            "mutation($i: CreatePartnerGrantInput!) { createPartnerGrant(input: $i) { partnerGrant { id } } }",
            json!({ "i": {
            "childId": child, "partnerId": team } }),
        )
        .await;
        app.gql(
            t,
            "mutation($i: SchoolEnrolmentInput!) { recordSchoolEnrolment(input: $i) { schoolEnrolment { parentsInformedOn } } }",
            json!({ "i": {
            "childId": child, "schoolId": school } }),
        )
        .await;
    }
}

#[tokio::test]
async fn partner_fields_of_a_caseload_take_constant_statements() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let create = "mutation($i: ChainPartnerInput!) { createChainPartner(input: $i) { chainPartner { id } } }";
    let team = app
        .gql(&org.admin_token, create, json!({ "i": { "slug": "wijkteam", "name": "Wijkteam", "kind": "YOUTH_TEAM" } }))
        .await["createChainPartner"]["chainPartner"]["id"]
        .clone();
    let school = app
        .gql(&org.admin_token, create, json!({ "i": { "slug": "school", "name": "De Wilg", "kind": "SCHOOL" } }))
        .await["createChainPartner"]["chainPartner"]["id"]
        .clone();
    admit_with_partners(&app, &org, &team, &school).await;
    let (small, data) = statements_for(&app, &org.lead_token, PARTNER_CASELOAD).await;
    assert_eq!(data["children"]["edges"][0]["node"]["partnerGrants"][0]["partner"]["name"], "Wijkteam");
    for _ in 0..4 {
        admit_with_partners(&app, &org, &team, &school).await;
    }
    let (large, data) = statements_for(&app, &org.lead_token, PARTNER_CASELOAD).await;
    assert_eq!(data["children"]["totalCount"], 10);
    eprintln!("partner fields of a caseload: {large} SQL statements");
    assert_eq!(small, large, "2 children: {small} statements, 10 children: {large}");
    assert!(large <= 13, "{large} statements");
}

/// Issue 13: the norm overview takes a fixed number of statements, however many children,
/// records and indicators there are: per period two for all figures about children, one for
/// each of the three others (Meldcode tracks, workers, locations); plus auth and the access
/// log. So does one figure's drill-down page.
#[tokio::test]
async fn the_norm_overview_takes_constant_statements() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let officer = app.sign(&app.claims("haven", &[entities::Role::QualityOfficer], None));
    let q = "{ normFigures(filter: { period: \"2026\" }) { figures { code numerator denominator previousShare } } }";
    let drill = "{ normFigures(filter: { period: \"2026\", codes: [\"1\"] }) { figures { code cases(first: 20) { edges { node { name reason } } } } } }";
    admit_with_records(&app, &org, 1).await;
    app.gql(&officer, q, json!({})).await; // the first request of a token also looks up its user
    let (small, _) = statements_for(&app, &officer, q).await;
    let (small_drill, _) = statements_for(&app, &officer, drill).await;
    for _ in 0..4 {
        admit_with_records(&app, &org, 3).await;
    }
    let (large, data) = statements_for(&app, &officer, q).await;
    let (large_drill, _) = statements_for(&app, &officer, drill).await;
    let counted =
        data["normFigures"]["figures"].as_array().unwrap().iter().filter(|f| !f["denominator"].is_null()).count()
            as u64;
    eprintln!(
        "norm overview: {large} SQL statements for {counted} counted indicators; one figure's drill-down page: {large_drill}"
    );
    assert_eq!(small, large, "overview statement count grew with the data");
    assert_eq!(small_drill, large_drill, "drill-down statement count grew with the data");
    assert!(counted > 30, "{counted} counted indicators");
    assert!(large <= 2 * (2 + 3) + 4, "{large} statements");
}

/// A page showing its children's safety assessments with their scale answers loads the answers
/// beside the assessments (primed for each assessment): what each assessment shows is what the
/// child's scale trend, which reads the answers by assessment, holds; assessments without
/// answers show none, and the statements do not grow with the page.
#[tokio::test]
async fn a_page_brings_the_scale_answers_with_the_assessments() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let assess =
        "mutation($i: RecordSafetyAssessmentInput!) { recordSafetyAssessment(input: $i) { safetyAssessment { id } } }";
    let page = "{ families(first: 50) { edges { node { children { id \
        safetyAssessments { scores { respondent score } } } } } } }";
    let mut counts = Vec::new();
    for round in 0..2 {
        admit(&app, &org, without_bsn(family_input(&org, 2))).await;
        let families =
            app.gql(&org.lead_token, "{ families(first: 50) { edges { node { children { id } } } } }", json!({})).await;
        for (i, child) in
            families["families"]["edges"][round]["node"]["children"].as_array().unwrap().iter().enumerate()
        {
            for n in 0..(i + 1) {
                let scores: Vec<_> = (0..n)
                    .map(|s| json!({ "respondent": "CHILD", "respondentName": format!("kind {s}"), "score": s + 3 }))
                    .collect();
                app.gql(
                    &org.worker_token,
                    assess,
                    json!({ "i": { "childId": child["id"], "worries": "zorgen",
                    "safetyGoals": "doelen", "judgement": "GOOD_ENOUGH", "scores": scores } }),
                )
                .await;
            }
        }
        let (count, data) = statements_for(&app, &org.lead_token, page).await;
        counts.push(count);
        let trend = "query($id: ID!) { child(id: $id) { safetyScaleTrend { respondent score } } }";
        let mut assessments = 0;
        for family in data["families"]["edges"].as_array().unwrap() {
            for child in family["node"]["children"].as_array().unwrap() {
                let list = child["safetyAssessments"].as_array().unwrap();
                assessments += list.len();
                // The trend is oldest first; the page lists assessments newest first.
                let shown: Vec<_> = list.iter().rev().flat_map(|a| a["scores"].as_array().unwrap().clone()).collect();
                let alone = app.gql(&org.lead_token, trend, json!({ "id": child["id"] })).await;
                assert_eq!(shown, *alone["child"]["safetyScaleTrend"].as_array().unwrap(), "{child}");
            }
        }
        assert_eq!(assessments, 3 * (round + 1));
    }
    assert_eq!(counts[0], counts[1], "statement count grew with the page");
    // principal, families with children and their trajectories, assessments, their answers, log.
    assert_eq!(counts[0], 5);
}
