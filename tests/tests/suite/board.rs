//! Issue 12: the kerntaken × fasen board of bijlage 1 over GraphQL. One boy is walked through
//! all three phases to closing, and after each step every one of the 56 activities is checked:
//! in its core task and phase, and in the state the records put it.

use chrono::Days;
use integrations::youth_team::TeamMessage;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tests::*;

/// Bijlage 1 (IB 2114-2691), as method-review §3.2 numbers it: per phase and core task the
/// activities in their order. Independent of the server's catalogue on purpose.
const BIJLAGE_1: &[(&str, &str, &[&str])] = &[
    (
        "PHASE_1",
        "CHILD_IN_VIEW",
        &[
            "ACQUAINTANCE",
            "PARENT_TALK_ABOUT_CHILD",
            "GATHER_INFORMATION",
            "ASSESS_SAFETY",
            "CHILD_TALKS_PHASE_1",
            "SCREENING",
            "ACTION_PLAN",
        ],
    ),
    ("PHASE_1", "PARENTS_AND_PARENTING", &["WORKING_RELATIONSHIP", "NON_ACCOMPANYING_PARENT", "PARENT_TALKS_PHASE_1"]),
    ("PHASE_1", "LIVING_CLIMATE", &["ARRANGE_DAILY_BASICS", "SHOW_CHILD_AROUND", "CALM_AND_STABILITY"]),
    ("PHASE_1", "NETWORK", &["EXPLAIN_THE_NETWORK", "MAP_THE_NETWORK", "CONNECT_WITH_THE_NETWORK"]),
    ("PHASE_1", "CHAIN_COOPERATION", &["MAP_SERVICES", "START_REFERRAL"]),
    ("PHASE_2", "CHILD_IN_VIEW", &["CHILD_TALKS", "CHILD_IN_PARENT_TALKS", "SIGNS_OF_CONCERN", "EVALUATE_PROGRESS"]),
    (
        "PHASE_2",
        "PARENTS_AND_PARENTING",
        &[
            "PARENT_TALKS",
            "SUPPORT_THE_PARENTS",
            "HELP_PARENTS_HELP_THE_CHILD_COPE",
            "PARENTING_SUPPORT",
            "SIGNS_OF_CONCERN_WITH_PARENTS",
            "EVALUATE_WITH_PARENTS",
        ],
    ),
    ("PHASE_2", "LIVING_CLIMATE", &["MONITOR_LIVING_CLIMATE", "PROVIDE_ACTIVITIES", "ENCOURAGE_TAKING_PART"]),
    (
        "PHASE_2",
        "NETWORK",
        &["STRENGTHEN_THE_FAMILY_S_NETWORK", "STRENGTHEN_SOCIAL_TIES", "SUPPORT_CONTACT_WITH_FRIENDS"],
    ),
    (
        "PHASE_2",
        "CHAIN_COOPERATION",
        &["REFER_TO_OUTSIDE_CARE", "FOLLOW_OUTSIDE_HELP", "COORDINATE_WITH_PROFESSIONALS"],
    ),
    (
        "PHASE_3",
        "CHILD_IN_VIEW",
        &[
            "REVIEW_WITH_THE_CHILD",
            "PREPARE_THE_CHILD",
            "CLOSE_THE_SUPPORT",
            "ARRANGE_FAREWELL",
            "AGREE_ON_SAFETY_MONITORING",
            "ARRANGE_HANDOVER",
        ],
    ),
    (
        "PHASE_3",
        "PARENTS_AND_PARENTING",
        &[
            "PARENT_TALKS_PHASE_3",
            "REVIEW_WITH_THE_PARENTS",
            "PREPARE_THE_PARENTS",
            "DISCUSS_RELAPSE_RISK",
            "SUPPORT_IN_THE_NEW_SITUATION",
        ],
    ),
    ("PHASE_3", "LIVING_CLIMATE", &["FOCUS_ON_DEPARTURE", "CHILD_SAYS_GOODBYE", "CONTINUITY_INTO_THE_NEW_SITUATION"]),
    ("PHASE_3", "NETWORK", &["WHO_CAN_DO_WHAT", "AGREEMENTS_FOR_AFTER_SUPPORT"]),
    (
        "PHASE_3",
        "CHAIN_COOPERATION",
        &["OWN_STRENGTH_AND_HELP_NEEDED", "AGREE_WITH_PROFESSIONALS", "ARRANGE_FOLLOW_UP_HELP"],
    ),
];

const BOARD: &str =
    "query($id: ID!) { child(id: $id) { board { key coreTask phase kind importance state reason done } } }";

struct Walk<'a> {
    app: &'a TestApp,
    org: &'a Org,
    child: Value,
    admitted: chrono::NaiveDate,
}

impl Walk<'_> {
    /// The date `days` after admission.
    fn on(&self, days: u64) -> String {
        (self.admitted + Days::new(days)).to_string()
    }

    async fn run(&self, query: &str, input: Value) -> Value {
        self.app.gql(&self.org.worker_token, query, json!({ "input": input })).await
    }

    async fn contact(&self, kind: &str, day: u64, topics: &[&str], core_tasks: &[&str]) {
        let q = "mutation($input: RecordContactInput!) { recordContact(input: $input) { contact { id } } }";
        self.run(
            q,
            json!({ "childId": self.child, "kind": kind, "heldOn": self.on(day), "summary": "Gesprek gevoerd.",
            "topics": topics, "coreTasks": core_tasks, "durationMinutes": 45 }),
        )
        .await;
    }

    async fn climate(&self, day: u64, met: &[&str]) {
        let q = "mutation($input: RecordLivingClimateCheckInput!) { recordLivingClimateCheck(input: $input) { livingClimateCheck { id } } }";
        self.run(q, json!({ "childId": self.child, "checkedOn": self.on(day), "met": met })).await;
    }

    async fn activity(&self, kind: &str, day: u64, continues: bool) {
        let q = "mutation($input: RecordActivityInput!) { recordActivity(input: $input) { activities { id } } }";
        self.run(q, json!({ "kind": kind, "description": "Samen met andere kinderen.", "heldOn": self.on(day), "continuesAfterDeparture": continues,
            "children": [{ "childId": self.child, "tookPart": true, "parentTookPart": false }] })).await;
    }

    async fn confirm(&self, key: &str) {
        let q = "mutation($input: ConfirmBoardResultInput!) { confirmBoardResult(input: $input) { confirmedBoardResult { key achievedOn } child { id } } }";
        let r =
            self.run(q, json!({ "childId": self.child, "key": key, "note": "Besproken in het teamoverleg." })).await;
        assert_eq!(r["confirmBoardResult"]["child"]["id"], self.child);
        assert_eq!(
            r["confirmBoardResult"]["confirmedBoardResult"],
            json!({ "key": key, "achievedOn": today().to_string() })
        );
    }

    async fn advance(&self, input: Value) {
        let mut input = input;
        input["childId"] = self.child.clone();
        self.run(
            "mutation($input: AdvancePhaseInput!) { advancePhase(input: $input) { child { trajectory { phase } } } }",
            input,
        )
        .await;
    }

    async fn board(&self) -> Vec<Value> {
        self.app.gql(&self.org.worker_token, BOARD, json!({ "id": self.child })).await["child"]["board"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// Checks every activity: its core task and phase as bijlage 1 has them; its state LATER
    /// for a phase not reached, else `default` unless listed in `open`.
    async fn expect(&self, current: &str, default: &str, open: &[(&str, &str)]) -> BTreeMap<String, Value> {
        let board = self.board().await;
        let activities: Vec<&Value> = board.iter().filter(|i| i["kind"] == "ACTIVITY").collect();
        let listed: Vec<(&str, &str, &str)> = activities
            .iter()
            .map(|i| (i["phase"].as_str().unwrap(), i["coreTask"].as_str().unwrap(), i["key"].as_str().unwrap()))
            .collect();
        let expected: Vec<(&str, &str, &str)> =
            BIJLAGE_1.iter().flat_map(|(phase, task, keys)| keys.iter().map(move |k| (*phase, *task, *k))).collect();
        assert_eq!(listed, expected, "the 56 activities of bijlage 1 in their core task and phase");
        let rank = |p: &str| ["PHASE_1", "PHASE_2", "PHASE_3", "CLOSED"].iter().position(|x| *x == p).unwrap();
        let mut wrong = Vec::new();
        for i in &activities {
            let key = i["key"].as_str().unwrap();
            let want = match open.iter().find(|(k, _)| *k == key) {
                Some((_, state)) => *state,
                None if rank(i["phase"].as_str().unwrap()) > rank(current) => "LATER",
                None => default,
            };
            if i["state"] != want {
                wrong.push(format!("{key}: {} ({}), expected {want}", i["state"], i["reason"]));
            }
            assert_eq!(i["done"], i["state"] == "DONE");
        }
        assert!(wrong.is_empty(), "in {current}:\n{}", wrong.join("\n"));
        board.into_iter().map(|i| (i["key"].as_str().unwrap().to_string(), i)).collect()
    }
}

/// Daan (9) came with his mother; his father, who has custody, stayed behind. Admitted 30 days ago.
#[tokio::test]
async fn the_board_follows_one_child_through_all_three_phases() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let team = youth_team(&app, &org).await;
    let admitted = today() - Days::new(30);
    let input = json!({
        "locationId": org.location_id(), "responsibleWorkerId": Org::worker_gid(&org.worker), "admissionDate": admitted.to_string(),
        "members": [
            { "ref": "mum", "role": "CARING_PARENT", "givenName": "Sara", "familyName": "Jansen", "dateOfBirth": years_ago(34) },
            { "ref": "dad", "role": "NON_ACCOMPANYING_PARENT", "givenName": "Kevin", "familyName": "Jansen", "dateOfBirth": years_ago(37) },
            { "role": "CHILD", "givenName": "Daan", "familyName": "Jansen", "dateOfBirth": years_ago(9), "custodianRefs": ["mum", "dad"] },
        ],
    });
    let family = admit(&app, &org, input).await;
    let person = |role: &str| {
        family["members"].as_array().unwrap().iter().find(|m| m["role"] == role).unwrap()["person"]["id"].clone()
    };
    let (mum, dad) = (person("CARING_PARENT"), person("NON_ACCOMPANYING_PARENT"));
    let w = Walk { app: &app, org: &org, child: family["children"][0]["id"].clone(), admitted };
    let child = w.child.clone();

    // ── Admitted, nothing recorded: phase 1 is due, the first contact (a week) and the weekly
    // oudergesprek are late, no referral is needed yet; phases 2 and 3 come later.
    let b = w
        .expect(
            "PHASE_1",
            "DUE",
            &[("ACQUAINTANCE", "OVERDUE"), ("PARENT_TALKS_PHASE_1", "OVERDUE"), ("START_REFERRAL", "NOT_APPLICABLE")],
        )
        .await;
    assert_eq!(b["ACQUAINTANCE"]["reason"], format!("was due by {}", w.on(7)));
    assert_eq!(b["GATHER_INFORMATION"]["reason"], format!("due by {}", w.on(42)));
    assert_eq!(b["START_REFERRAL"]["reason"], "no need found: no raised screening result or referral");
    assert_eq!(b.values().filter(|i| i["kind"] == "RESULT").count(), 46);
    assert_eq!(b["ACQUAINTANCE"]["importance"], "CORE");
    assert_eq!(b["SHOW_CHILD_AROUND"]["importance"], "OPTIONAL");

    // ── Phase 1: every activity of bijlage 1 recorded.
    w.run("mutation($input: RecordFirstContactInput!) { recordFirstContact(input: $input) { firstContact { id } } }", json!({
        "childId": child, "contactOn": w.on(1), "warmWelcome": true, "houseRulesExplained": true, "complaintsProcedureExplained": true,
        "confidantExplained": true, "riskViolence": true, "networkMappedWithParent": true })).await;
    w.run(
        "mutation($input: RecordIntakeInput!) { recordIntake(input: $input) { intake { id } } }",
        json!({
        "childId": child, "heldOn": w.on(2), "educationKind": "SCHOOL", "educationName": "De Regenboog",
        "existingHelp": "Schoolmaatschappelijk werk sinds vorig jaar." }),
    )
    .await;
    w.run("mutation($input: RecordSafetyAssessmentInput!) { recordSafetyAssessment(input: $input) { safetyAssessment { id } } }", json!({
        "childId": child, "assessedOn": w.on(3), "worries": "Vader dreigde Daan mee te nemen.", "safetyGoals": "Daan is veilig op school.",
        "judgement": "NOT_GOOD_ENOUGH", "scores": [{ "respondent": "WORKER", "score": 3 }] })).await;
    w.run("mutation($input: RecordSafetyPlanInput!) { recordSafetyPlan(input: $input) { safetyPlan { version } } }", json!({
        "childId": child, "childLanguageText": "Als papa bij school komt, ga ik naar juf Anja.", "agreedBy": ["Sara", "Daan"],
        "reviewOn": (today() + Days::new(30)).to_string() })).await;
    let sdq = (1..=25).map(|i| json!({ "item": i, "answer": "CERTAINLY_TRUE" })).collect::<Vec<_>>();
    let screening = w
        .run(
            "mutation($input: RecordScreeningInput!) { recordScreening(input: $input) { screening { id band } } }",
            json!({
        "childId": child, "instrument": "SDQ", "informant": "PARENT", "administeredOn": w.on(4), "answers": sdq }),
        )
        .await["recordScreening"]["screening"]
        .clone();
    assert_eq!(screening["band"], "ABNORMAL");
    w.expect(
        "PHASE_1",
        "DUE",
        &[
            ("ACQUAINTANCE", "DONE"),
            ("GATHER_INFORMATION", "DONE"),
            ("ASSESS_SAFETY", "DONE"),
            ("SCREENING", "DONE"),
            ("MAP_SERVICES", "DONE"),
            ("SHOW_CHILD_AROUND", "DONE"),
            ("PARENT_TALKS_PHASE_1", "OVERDUE"),
        ],
    )
    .await;
    // A raised score asks for a referral; it is discussed with the mother and one follows.
    w.run(
        "mutation($input: RecordScreeningFollowUpInput!) { recordScreeningFollowUp(input: $input) { screening { id } } }",
        json!({
        "screeningId": screening["id"], "discussedWithParentOn": w.on(5), "followUp": "REFERRAL" }),
    )
    .await;
    w.contact("PARENT_TALK", 5, &["IMPORTANCE_OF_THE_NETWORK"], &["PARENTS_AND_PARENTING"]).await;
    w.contact("CHILD_TALK", 6, &[], &["CHILD_IN_VIEW"]).await;
    w.contact("NETWORK_CONTACT", 7, &[], &["NETWORK"]).await;
    w.contact("PARENT_TALK", 11, &[], &["LIVING_CLIMATE"]).await;
    w.run("mutation($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id } } }", json!({
        "childId": child, "purpose": "CHILD_SUPPORT", "decision": "GIVEN", "decidedBy": [mum, dad], "decidedOn": w.on(1) })).await;
    w.run("mutation($input: RecordNonAccompanyingParentInput!) { recordNonAccompanyingParent(input: $input) { nonAccompanyingParent { id } } }", json!({
        "childId": child, "personId": dad, "investigatedOn": w.on(6), "hasCustody": true, "risk": "CONCERNS",
        "informedHow": "Schriftelijk, via zijn advocaat, over school en gezondheid.", "contactArrangement": "Begeleid contact, eens per twee weken.",
        "outcome": "KEPT_INFORMED" })).await;
    w.climate(
        8,
        &[
            "BASIC_CARE_ARRANGED",
            "PARENTS_PROVIDE_BASIC_CARE",
            "CHILD_SHOWN_AROUND",
            "CHILD_FEELS_WELCOME",
            "HOUSING_SAFE",
        ],
    )
    .await;
    w.run("mutation($input: RecordActionPlanInput!) { recordActionPlan(input: $input) { actionPlan { id } } }", json!({
        "childId": child, "drawnUpOn": w.on(9), "childLanguageSummary": "We zorgen dat je veilig bent.",
        "goals": [{ "text": "Daan voelt zich veilig op school", "subGoals": ["A", "B"], "coreTask": "CHILD_IN_VIEW",
                    "actions": [{ "description": "Afspraken met school maken", "owner": "moeder", "dueOn": w.on(16) }] }] })).await;
    let member = |name: &str, relation: &str, can_do: Option<&str>| {
        json!({ "childId": child, "member": {
        "name": name, "relation": relation, "contactSafe": true, "agreedToBeNamed": true, "whatTheyCanDo": can_do } })
    };
    w.run(
        "mutation($input: AddNetworkMemberInput!) { addNetworkMember(input: $input) { networkMember { id } } }",
        member("Juf Anja", "TEACHER", None),
    )
    .await;
    let b = w.expect("PHASE_1", "DONE", &[("PARENT_TALKS_PHASE_1", "OVERDUE")]).await;
    assert_eq!(
        b["PARENT_TALKS_PHASE_1"]["reason"],
        format!("was due on {}", w.on(18)),
        "each rhythm has its own state"
    );
    assert_eq!(b["SAFETY_MEASURES"]["state"], "DONE", "a safety plan where the assessment asks for one");
    // A result no record shows is confirmed by the worker; one the records show is not.
    assert_eq!(b["WORKING_RELATIONSHIP_BEGUN"]["state"], "DUE");
    w.confirm("WORKING_RELATIONSHIP_BEGUN").await;
    let confirm = "mutation($input: ConfirmBoardResultInput!) { confirmBoardResult(input: $input) { confirmedBoardResult { key } } }";
    for key in ["CHILD_FEELS_WELCOME", "ACQUAINTANCE", "NO_SUCH_ITEM"] {
        let e = app.gql_error(&org.worker_token, confirm, json!({ "input": { "childId": child, "key": key } })).await;
        assert_eq!(
            (e["extensions"]["code"].as_str(), e["extensions"]["field"].as_str()),
            (Some("BAD_USER_INPUT"), Some("input.key")),
            "{key}"
        );
    }
    let again = app
        .gql_error(
            &org.worker_token,
            confirm,
            json!({ "input": { "childId": child, "key": "WORKING_RELATIONSHIP_BEGUN" } }),
        )
        .await;
    assert_eq!(again["extensions"]["code"], "CONFLICT", "confirmed once");

    // ── Phase 2 from day 12: the rhythms, the topics of the weekly talks, the living climate,
    // activities, the network, and outside help with the professionals involved.
    w.advance(json!({ "effectiveOn": w.on(12) })).await;
    w.contact(
        "PARENT_TALK",
        13,
        &["PARENT_SUPPORT", "HELPING_THE_CHILD_COPE", "STRENGTHENING_THE_NETWORK"],
        &["PARENTS_AND_PARENTING"],
    )
    .await;
    w.contact("CHILD_TALK", 14, &[], &["CHILD_IN_VIEW"]).await;
    w.run(
        "mutation($input: AddInvolvementInput!) { addInvolvement(input: $input) { involvement { id } } }",
        json!({
        "childId": child, "professionalName": "Mirjam (GGZ jeugd)", "role": "Traumabehandeling", "since": w.on(15) }),
    )
    .await;
    w.run("mutation($input: RecordSafetyAssessmentInput!) { recordSafetyAssessment(input: $input) { safetyAssessment { id } } }", json!({
        "childId": child, "assessedOn": w.on(15), "worries": "Minder dreiging.", "safetyGoals": "Daan is veilig op school.",
        "judgement": "GOOD_ENOUGH", "scores": [{ "respondent": "WORKER", "score": 6 }] })).await;
    w.contact("NETWORK_CONTACT", 16, &["SOCIAL_TIES"], &["NETWORK"]).await;
    w.contact(
        "PARENT_TALK",
        20,
        &["PARENTING_SUPPORT", "SIGNS_OF_CONCERN"],
        &["PARENTS_AND_PARENTING", "CHAIN_COOPERATION"],
    )
    .await;
    w.climate(21, &["CLIMATE_SUFFICIENT"]).await;
    w.activity("CLUB", 21, false).await;
    let plan = app
        .gql(
            &org.worker_token,
            "query($id: ID!) { child(id: $id) { actionPlan { id goals { id } } } }",
            json!({ "id": child }),
        )
        .await;
    let plan = &plan["child"]["actionPlan"];
    w.run(
        "mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { evaluation { id } } }",
        json!({
        "planId": plan["id"], "heldOn": w.on(22), "parentTookPart": true, "childTookPart": true,
        "progress": [{ "goalId": plan["goals"][0]["id"], "status": "IN_PROGRESS" }] }),
    )
    .await;
    w.contact("THREE_WAY_TALK", 23, &[], &["CHAIN_COOPERATION"]).await;
    w.contact("CHILD_TALK", 24, &[], &["CHILD_IN_VIEW"]).await;
    w.contact("PARENT_TALK", 24, &[], &["PARENTS_AND_PARENTING"]).await;
    let b = w.expect("PHASE_2", "DONE", &[("SUPPORT_CONTACT_WITH_FRIENDS", "DUE")]).await;
    assert_eq!(b["CHILD_TALKS"]["reason"], format!("next due on {}", w.on(38)));
    assert_eq!(b["PARENT_TALKS"]["reason"], format!("next due on {}", w.on(31)));
    w.confirm("PARENTS_FEEL_SUPPORTED").await;

    // ── Phase 3 from day 25: departure in three weeks.
    w.advance(json!({ "effectiveOn": w.on(25), "expectedDepartureOn": (today() + Days::new(21)).to_string() })).await;
    w.contact(
        "PARENT_TALK",
        26,
        &["WHAT_GOES_WELL", "PREPARING_DEPARTURE", "RELAPSE_RISK", "SUPPORT_AFTER_DEPARTURE"],
        &["PARENTS_AND_PARENTING"],
    )
    .await;
    w.contact("CHILD_TALK", 27, &["WHAT_GOES_WELL", "PREPARING_DEPARTURE", "FAREWELL"], &["CHILD_IN_VIEW"]).await;
    w.contact("NETWORK_CONTACT", 27, &["NETWORK_AGREEMENTS", "OWN_STRENGTH_AND_HELP_NEEDED"], &["NETWORK"]).await;
    w.contact("PROFESSIONAL_CONSULTATION", 28, &[], &["CHAIN_COOPERATION"]).await;
    w.climate(28, &["FOCUS_ON_DEPARTURE"]).await;
    w.activity("FAREWELL", 28, false).await;
    w.activity("SPORT", 29, true).await;
    w.run(
        "mutation($input: AddNetworkMemberInput!) { addNetworkMember(input: $input) { networkMember { id } } }",
        member("Oma Jansen", "FAMILY", Some("Haalt Daan twee keer per week uit school.")),
    )
    .await;
    // The warm handover to the neighbourhood team, with consent, linked to the decision.
    w.run("mutation($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id } } }", json!({
        "childId": child, "purpose": "HANDOVER", "partnerId": team.id, "scope": ["IDENTITY"], "decision": "GIVEN", "decidedBy": [mum, dad] })).await;
    let handover = app.gql(&org.worker_token, "mutation($input: CreateHandoverInput!) { createHandover(input: $input) { handover { id } } }", json!({ "input": {
        "familyId": family["id"], "partnerId": team.id, "direction": "OUTFLOW", "reason": "Eigen woning in de wijk.", "question": "Gezinsbegeleiding." } })).await["createHandover"]["handover"]["id"].clone();
    let decide = "mutation($input: DecideAftercareInput!) { decideAftercare(input: $input) { child { trajectory { aftercareDecision aftercareHandoverId safetyMonitoring } } } }";
    let decided = w.run(decide, json!({ "childId": child, "decision": "WARM_HANDOVER", "handoverId": handover,
        "safetyMonitoring": "Het wijkteam belt moeder de eerste maand wekelijks; school meldt zorgen aan het wijkteam." })).await;
    assert_eq!(decided["decideAftercare"]["child"]["trajectory"]["aftercareHandoverId"], handover);
    let b = w
        .expect(
            "PHASE_3",
            "DONE",
            &[
                ("SUPPORT_CONTACT_WITH_FRIENDS", "OVERDUE"),
                ("CLOSE_THE_SUPPORT", "DUE"),
                ("ARRANGE_FOLLOW_UP_HELP", "DUE"),
            ],
        )
        .await;
    assert_eq!(b["SUPPORT_CONTACT_WITH_FRIENDS"]["reason"], "not done in phase 2");
    assert_eq!(b["CLOSE_THE_SUPPORT"]["reason"], format!("due by {}", today() + Days::new(21)));

    // The team accepts the handover: the follow-up help is arranged.
    app.gql(
        &org.worker_token,
        "mutation($id: ID!) { sendHandover(id: $id) { handover { status } } }",
        json!({ "id": handover }),
    )
    .await;
    assert_eq!(app.deliver().await, 1);
    let handover_id = server::api::ids::uuid_of(handover.as_str().unwrap(), "Handover").unwrap();
    team.sim.send("de-haven", &TeamMessage::Accepted { handover_id }).await;
    w.expect("PHASE_3", "DONE", &[("SUPPORT_CONTACT_WITH_FRIENDS", "OVERDUE"), ("CLOSE_THE_SUPPORT", "DUE")]).await;

    // ── Closing: the decision of phase 3 stands.
    w.advance(json!({ "to": "CLOSED", "endReason": "INDEPENDENT_HOUSING" })).await;
    let b = w.expect("CLOSED", "DONE", &[("SUPPORT_CONTACT_WITH_FRIENDS", "OVERDUE")]).await;

    // The results: read from the records where they can be, confirmed by a worker where not.
    let open_results = |b: &BTreeMap<String, Value>| -> Vec<String> {
        b.values()
            .filter(|i| i["kind"] == "RESULT" && i["state"] != "DONE")
            .map(|i| i["key"].as_str().unwrap().to_string())
            .collect()
    };
    let unconfirmed = [
        "PARENTING_STRENGTHS_INVENTORIED",
        "AWARE_OF_CHILD_S_SITUATION",
        "CONCERNS_ADDRESSED",
        "CHILD_HAS_MORE_GRIP",
        "STRENGTHS_AND_CONCERNS_IN_VIEW",
        "PARENTS_ABLE_TO_SUPPORT_THE_CHILD",
        "GOOD_ENOUGH_PARENTING",
        "FAMILY_HAS_SOCIAL_SUPPORT",
        "CHILD_HAS_PEER_CONTACT",
        "PARENTS_ABLE_TO_PROVIDE_LASTING_SAFETY",
        "PARENTING_MONITORING_CLEAR",
    ];
    let mut expected_open: Vec<String> = unconfirmed.iter().map(|k| k.to_string()).collect();
    expected_open.push("REGISTERED_IN_REFERENCE_INDEX".into());
    expected_open.sort();
    assert_eq!(open_results(&b), expected_open, "only results that need a worker's word, and the Verwijsindex");
    assert_eq!(b["REGISTERED_IN_REFERENCE_INDEX"]["state"], "OVERDUE");
    assert_eq!(b["PARENTS_FEEL_SUPPORTED"]["state"], "DONE");
    assert_eq!(b["GOOD_ENOUGH_PARENTING"]["reason"], "not done in phase 2");

    // Issue 14, item 10: the walk's records are Nodes.
    let kinds = child_records_are_nodes(&app, &org.worker_token, &w.child).await;
    for kind in ["NonAccompanyingParent", "LivingClimateCheck", "ChildActivity", "Involvement"] {
        assert!(kinds.contains(kind), "no {kind} among {kinds:?}");
    }
}

/// The records the board reads refuse what does not fit, each on its field, and write nothing.
#[tokio::test]
async fn the_new_records_refuse_bad_input_on_their_field_and_write_nothing() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let t = &org.worker_token;
    let mut input = without_bsn(family_input(&org, 2)); // ages 2 and 7, with their mother
    input["members"].as_array_mut().unwrap().push(json!({ "role": "NON_ACCOMPANYING_PARENT", "givenName": "Kevin", "familyName": "Jansen", "dateOfBirth": years_ago(37) }));
    let family = admit(&app, &org, input).await;
    let (toddler, child) = (family["children"][0]["id"].clone(), family["children"][1]["id"].clone());
    let mum = family["members"][0]["person"]["id"].clone();
    let anker = tests::org(&app, "anker").await;
    let other = admit(&app, &anker, without_bsn(family_input(&anker, 1))).await;
    let refused = async |query: &str, input: Value| -> Vec<(String, String)> {
        let e = app.gql_error(t, query, json!({ "input": input })).await;
        match e["extensions"]["violations"].as_array() {
            Some(v) => {
                v.iter().map(|v| ("BAD_USER_INPUT".to_string(), v["field"].as_str().unwrap().to_string())).collect()
            }
            None => vec![(
                e["extensions"]["code"].as_str().unwrap().to_string(),
                e["extensions"]["field"].as_str().unwrap_or("").to_string(),
            )],
        }
    };
    let bad = |f: &str| vec![("BAD_USER_INPUT".to_string(), f.to_string())];

    let parent = "mutation($input: RecordNonAccompanyingParentInput!) { recordNonAccompanyingParent(input: $input) { nonAccompanyingParent { id } } }";
    assert_eq!(
        refused(parent, json!({ "childId": child, "risk": "NONE_KNOWN", "outcome": "NOT_REACHABLE" })).await,
        bad("input.personId")
    );
    assert_eq!(
        refused(parent, json!({ "childId": child, "name": "Kevin", "risk": "DANGER", "outcome": "INVOLVED" })).await,
        [bad("input.outcome"), bad("input.informedHow"), bad("input.involvement")].concat()
    );
    let as_mother = json!({ "childId": child, "personId": mum, "risk": "NONE_KNOWN", "outcome": "NOT_REACHABLE" });
    assert_eq!(refused(parent, as_mother).await, bad("input.personId"), "the mother came along");

    let climate = "mutation($input: RecordLivingClimateCheckInput!) { recordLivingClimateCheck(input: $input) { livingClimateCheck { id } } }";
    let later = json!({ "childId": child, "met": ["HOUSING_SAFE", "CLIMATE_SUFFICIENT", "FOCUS_ON_DEPARTURE"] });
    assert_eq!(
        refused(climate, later).await,
        [bad("input.met[1]"), bad("input.met[2]")].concat(),
        "items of phases 2 and 3"
    );

    let activity = "mutation($input: RecordActivityInput!) { recordActivity(input: $input) { activities { id } } }";
    assert_eq!(
        refused(activity, json!({ "kind": "PLAY", "description": " ", "children": [] })).await,
        [bad("input.description"), bad("input.children")].concat()
    );
    let twice = json!({ "kind": "PLAY", "description": "Spel", "children": [{ "childId": child, "tookPart": true }, { "childId": child, "tookPart": false }] });
    assert_eq!(refused(activity, twice).await, bad("input.children[1].childId"));
    // A child of another organisation: nothing is written for the first child either.
    let stranger = json!({ "kind": "PLAY", "description": "Spel", "children": [{ "childId": toddler, "tookPart": true }, { "childId": other["children"][0]["id"], "tookPart": true }] });
    assert_eq!(refused(activity, stranger).await[0].0, "NOT_FOUND");

    let psycho = "mutation($input: RecordPsychoEducationInput!) { recordPsychoEducation(input: $input) { psychoEducation { id } } }";
    let not_taken =
        json!({ "childId": child, "audience": "PARENT", "form": "GROUP", "tookPart": false, "durationMinutes": 90 });
    assert_eq!(refused(psycho, not_taken).await, bad("input.durationMinutes"));

    let screen = "mutation($input: RecordScreeningInput!) { recordScreening(input: $input) { screening { id } } }";
    let answers: Vec<Value> = (1..=25).map(|i| json!({ "item": i, "answer": "NOT_TRUE" })).collect();
    let teacher = json!({ "childId": child, "instrument": "SDQ", "informant": "TEACHER", "answers": answers });
    assert_eq!(refused(screen, teacher).await, bad("input.filledInBy"), "who filled in the teacher form");
    let parent_form = json!({ "childId": child, "instrument": "SDQ", "informant": "PARENT", "filledInBy": "WORKER", "answers": answers });
    assert_eq!(refused(screen, parent_form).await, bad("input.filledInBy"));

    let decide = "mutation($input: DecideAftercareInput!) { decideAftercare(input: $input) { child { id } } }";
    assert_eq!(
        refused(decide, json!({ "childId": child, "decision": "NO_FOLLOW_UP_NEEDED" })).await[0].0,
        "CONFLICT",
        "aftercare is decided in phase 3"
    );

    let q = "query($id: ID!) { child(id: $id) { nonAccompanyingParents { id } livingClimateChecks { id } activities { id } psychoEducation { id } screenings { id } trajectory { aftercareDecision } } }";
    for c in [&child, &toddler] {
        let r = app.gql(t, q, json!({ "id": c })).await["child"].clone();
        assert_eq!(
            r,
            json!({ "nonAccompanyingParents": [], "livingClimateChecks": [], "activities": [], "psychoEducation": [], "screenings": [],
            "trajectory": { "aftercareDecision": null } })
        );
    }
    // What fits is kept, with who recorded it; the teacher form says who filled it in.
    let kept = app.gql(t, "mutation($input: RecordScreeningInput!) { recordScreening(input: $input) { screening { filledInBy } } }",
        json!({ "input": { "childId": child, "instrument": "SDQ", "informant": "TEACHER", "filledInBy": "WORKER", "answers": answers } })).await;
    assert_eq!(kept["recordScreening"]["screening"]["filledInBy"], "WORKER");
    let p = app.gql(t, "mutation($input: RecordPsychoEducationInput!) { recordPsychoEducation(input: $input) { psychoEducation { audience form external tookPart durationMinutes recordedBy { name } } } }",
        json!({ "input": { "childId": child, "audience": "CHILD", "form": "GROUP", "external": true, "tookPart": true, "durationMinutes": 90, "topic": "Kindergroep 'Ik ben niet alleen'" } })).await;
    assert_eq!(p["recordPsychoEducation"]["psychoEducation"]["durationMinutes"], 90);
    assert!(p["recordPsychoEducation"]["psychoEducation"]["recordedBy"]["name"].is_string());
    let c = app.gql(t, "mutation($input: RecordLivingClimateCheckInput!) { recordLivingClimateCheck(input: $input) { livingClimateCheck { phase met notMet } } }",
        json!({ "input": { "childId": toddler, "met": ["HOUSING_SAFE"] } })).await;
    assert_eq!(c["recordLivingClimateCheck"]["livingClimateCheck"]["met"], json!(["HOUSING_SAFE"]));
    assert_eq!(
        c["recordLivingClimateCheck"]["livingClimateCheck"]["notMet"].as_array().unwrap().len(),
        5,
        "the rest of phase 1's checklist"
    );
    let a = app.gql(t, "mutation($input: RecordActivityInput!) { recordActivity(input: $input) { activities { kind tookPart } } }", json!({ "input": {
        "kind": "OUTING", "description": "Naar de kinderboerderij", "children": [{ "childId": child, "tookPart": false }, { "childId": toddler, "tookPart": true }] } })).await;
    assert_eq!(
        a["recordActivity"]["activities"],
        json!([{ "kind": "OUTING", "tookPart": false }, { "kind": "OUTING", "tookPart": true }]),
        "in the order given"
    );

    // What was found about a registered parent is in that parent's log too, written and read.
    let kevin = family["members"].as_array().unwrap().iter().find(|m| m["role"] == "NON_ACCOMPANYING_PARENT").unwrap()
        ["person"]["id"]
        .clone();
    app.gql(
        t,
        parent,
        json!({ "input": { "childId": child, "personId": kevin, "risk": "CONCERNS", "outcome": "KEPT_INFORMED",
        "informedHow": "Per brief." } }),
    )
    .await;
    app.gql(t, "query($id: ID!) { child(id: $id) { nonAccompanyingParents { personId } } }", json!({ "id": child }))
        .await;
    let kevin_id = server::api::ids::uuid_of(kevin.as_str().unwrap(), "Person").unwrap();
    let parent_log: Vec<(entities::AccessAction, String)> =
        access_log(&app.db).await.into_iter().filter(|e| e.person_id == kevin_id).map(|e| (e.action, e.area)).collect();
    for action in [entities::AccessAction::Create, entities::AccessAction::Read] {
        assert!(
            parent_log.contains(&(action, "non_accompanying_parent".into())),
            "{action:?} of Kevin's part not logged"
        );
    }
    // A note on a screening goes with a follow-up.
    let follow = "mutation($input: RecordScreeningFollowUpInput!) { recordScreeningFollowUp(input: $input) { screening { id } } }";
    let sdq_id = app.gql(t, "query($id: ID!) { child(id: $id) { screenings { id } } }", json!({ "id": child })).await["child"]["screenings"][0]["id"].clone();
    assert_eq!(refused(follow, json!({ "screeningId": sdq_id, "note": "besproken" })).await, bad("input.note"));

    // Every record written and read is in the access log, for the child it concerns.
    let (child_id, toddler_id) = (uuid_of(&child), uuid_of(&toddler));
    let log: Vec<(uuid::Uuid, entities::AccessAction, String)> =
        access_log(&app.db).await.into_iter().map(|e| (e.person_id, e.action, e.area)).collect();
    use entities::AccessAction::{Create, Read};
    for entry in [
        (child_id, Create, "screening"),
        (child_id, Create, "psycho_education"),
        (toddler_id, Create, "living_climate"),
        (toddler_id, Create, "activities"),
        (child_id, Create, "activities"),
        (child_id, Read, "non_accompanying_parent"),
        (child_id, Read, "living_climate"),
        (child_id, Read, "activities"),
        (child_id, Read, "psycho_education"),
        (toddler_id, Read, "activities"),
    ] {
        assert!(log.contains(&(entry.0, entry.1, entry.2.to_string())), "{entry:?} not logged");
    }
}

fn uuid_of(child: &Value) -> uuid::Uuid {
    server::api::ids::uuid_of(child.as_str().unwrap(), "Child").unwrap()
}
