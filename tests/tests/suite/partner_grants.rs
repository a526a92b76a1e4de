//! A neighbourhood team co-runs an intake under a partner grant, with its own token, and
//! reaches nothing else; nothing after revocation or expiry.

use entities::partner_grant;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use tests::*;

const GRANT: &str = "mutation($input: CreatePartnerGrantInput!) { createPartnerGrant(input: $input) { partnerGrant { id validUntil active ground } } }";
const GRANTED: &str = "query($id: ID!) { grantedIntake(grantId: $id) { givenName familyName age family { givenName role } intake { heldOn } observations { author observation agreements } } }";

fn partner_token(app: &TestApp, org: &str, partner: &str, sub: &str) -> String {
    let mut c = app.claims(org, &[], None);
    c.partner = Some(partner.into());
    c.sub = sub.into();
    app.sign(&c)
}

async fn setup(app: &TestApp, org: &Org) -> (Value, Value, Value) {
    let q = "mutation($input: ChainPartnerInput!) { createChainPartner(input: $input) { chainPartner { id } } }";
    let team = app
        .gql(
            &org.lead_token,
            q,
            json!({ "input": { "slug": "wijkteam-noord", "name": "Wijkteam Noord", "kind": "YOUTH_TEAM" } }),
        )
        .await;
    let family = admit(app, org, without_bsn(family_input(org, 2))).await;
    (team["createChainPartner"]["chainPartner"]["id"].clone(), family["children"][0]["id"].clone(), family)
}

async fn consent(app: &TestApp, org: &Org, family: &Value, child: &Value, team: &Value) -> Value {
    let q = "mutation($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id } } }";
    let input = json!({ "input": { "childId": child, "purpose": "CO_RUN_INTAKE", "partnerId": team, "scope": ["INTAKE", "IDENTITY"],
        "decision": "GIVEN", "decidedBy": [family["members"][0]["person"]["id"]] } });
    app.gql(&org.worker_token, q, input).await["recordConsent"]["consent"]["id"].clone()
}

#[tokio::test]
async fn a_partner_user_co_runs_the_granted_intake_and_reaches_nothing_else() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let (team, child, family) = setup(&app, &org).await;
    let other_child = family["children"][1]["id"].clone();
    let input = json!({ "input": { "childId": child, "partnerId": team } });
    assert_eq!(
        app.gql_error(&org.worker_token, GRANT, input.clone()).await["extensions"]["code"],
        "FORBIDDEN",
        "no consent yet"
    );
    consent(&app, &org, &family, &child, &team).await;
    assert_eq!(
        app.gql_error(&org.other_worker_token, GRANT, input.clone()).await["extensions"]["code"],
        "FORBIDDEN",
        "not the responsible worker"
    );
    let grant = app.gql(&org.worker_token, GRANT, input).await["createPartnerGrant"]["partnerGrant"].clone();
    assert_eq!(grant["active"], true);
    assert_eq!(grant["validUntil"], (today() + chrono::Days::new(14)).to_string());

    let token = partner_token(&app, "de-haven", "wijkteam-noord", "anouk@wijkteam");
    let seen = app.gql(&token, GRANTED, json!({ "id": grant["id"] })).await["grantedIntake"].clone();
    assert_eq!((seen["givenName"].as_str(), seen["age"].as_i64()), (Some("Kind0"), Some(2)));
    assert_eq!(seen["family"].as_array().unwrap().len(), 3);
    assert!(!seen.to_string().contains("111222333") && !seen.to_string().contains("Geheimstraat"));

    // Everyone the partner was shown is in the access log, under the partner (issue 11, item 4).
    let shown: std::collections::HashSet<uuid::Uuid> = access_log(&app.db)
        .await
        .into_iter()
        .filter(|e| e.actor_partner.as_deref() == Some("wijkteam-noord") && e.area == "identity")
        .map(|e| e.person_id)
        .collect();
    for member in family["members"].as_array().unwrap() {
        let id = server::api::ids::uuid_of(member["person"]["id"].as_str().unwrap(), "Person").unwrap();
        assert!(shown.contains(&id), "{} shown to the partner but not logged", member["person"]["givenName"]);
    }

    // Of the workers on the intake a partner sees the name, nothing else (issue 11, item 2).
    let intake =
        json!({ "input": { "childId": child, "educationKind": "DAY_CARE", "educationName": "'t Kinderhuis" } });
    app.gql(
        &org.worker_token,
        "mutation($input: RecordIntakeInput!) { recordIntake(input: $input) { intake { heldOn } } }",
        intake,
    )
    .await;
    let by = "query($id: ID!) { grantedIntake(grantId: $id) { intake { recordedBy { name } } } }";
    let recorded_by =
        app.gql(&token, by, json!({ "id": grant["id"] })).await["grantedIntake"]["intake"]["recordedBy"].clone();
    assert_eq!(recorded_by["name"], org.worker.name.as_str());
    for field in ["id", "email", "roles", "skjRegistrationNumber", "active"] {
        let q =
            format!("query($id: ID!) {{ grantedIntake(grantId: $id) {{ intake {{ recordedBy {{ {field} }} }} }} }}");
        let e = app.gql_error(&token, &q, json!({ "id": grant["id"] })).await;
        assert_eq!(e["extensions"]["code"], "FORBIDDEN", "{field}: {e}");
    }

    // The payload's `child` is read under the child's own rules: the partner may write the
    // observation but not read the case, so `child` is null with FORBIDDEN, and the write stands.
    let add = "mutation($input: AddIntakeObservationInput!) { addIntakeObservation(input: $input) {
        intakeObservation { author observation } child { id trajectory { phase } } } }";
    let obs = json!({ "input": { "grantId": grant["id"], "observation": "Moeder wil hulp bij opvoeding; kind speelt graag buiten.", "agreements": "Wijkteam belt school." } });
    let (_, body) = app.post(Some(&token), add, obs).await;
    assert_eq!(body["data"]["addIntakeObservation"]["intakeObservation"]["author"], "anouk@wijkteam");
    assert_eq!(body["data"]["addIntakeObservation"]["child"], Value::Null);
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(body["errors"][0]["path"], json!(["addIntakeObservation", "child"]));
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let q = "query($id: ID!) { node(id: $id) { ... on Child { intakeObservations { author agreements } partnerGrants { active ground } } } }";
    let worker_view = app.gql(&org.worker_token, q, json!({ "id": child })).await["node"].clone();
    assert_eq!(worker_view["intakeObservations"][0]["agreements"], "Wijkteam belt school.");
    assert!(worker_view["partnerGrants"][0]["ground"].as_str().unwrap().starts_with("consent:"));

    // Nothing beyond the granted intake: other children, families, the case files, safety
    // plans, screenings, locations with their secret address.
    for query in [
        "{ families(first: 5) { totalCount } }",
        "{ children(first: 5) { totalCount } }",
        "{ locations(first: 5) { edges { node { name } } } }",
        "{ partnerMessages { totalCount } }",
        "{ chainPartners { name } }",
    ] {
        let e = app.gql_error(&token, query, json!({})).await;
        assert!(matches!(e["extensions"]["code"].as_str(), Some("FORBIDDEN" | "NOT_FOUND")), "{query}: {e}");
    }
    for id in [&child, &other_child] {
        let q = "query($id: ID!) { node(id: $id) { ... on Child { safetyPlan { version } screenings { id } } } }";
        let e = app.gql_error(&token, q, json!({ "id": id })).await;
        assert!(matches!(e["extensions"]["code"].as_str(), Some("FORBIDDEN" | "NOT_FOUND")), "{e}");
    }
    // Another team's user does not find the grant at all.
    let stranger = partner_token(&app, "de-haven", "wijkteam-zuid", "piet@zuid");
    assert_eq!(
        app.gql_error(&stranger, GRANTED, json!({ "id": grant["id"] })).await["extensions"]["code"],
        "NOT_FOUND"
    );

    // Every use is in the access log with the grant as ground and the partner as actor.
    let grant_uuid = server::api::ids::uuid_of(grant["id"].as_str().unwrap(), "PartnerGrant").unwrap();
    let uses: Vec<_> =
        access_log(&app.db).await.into_iter().filter(|e| e.ground == format!("grant:{grant_uuid}")).collect();
    assert!(uses.len() >= 4, "{uses:?}");
    assert!(uses.iter().all(|u| u.actor_partner.as_deref() == Some("wijkteam-noord")));

    // Revoked: nothing any more.
    let revoke = "mutation($id: ID!) { revokePartnerGrant(id: $id) { partnerGrant { active } } }";
    assert_eq!(
        app.gql(&org.worker_token, revoke, json!({ "id": grant["id"] })).await["revokePartnerGrant"]["partnerGrant"]["active"],
        false
    );
    assert_eq!(app.gql_error(&token, GRANTED, json!({ "id": grant["id"] })).await["extensions"]["code"], "FORBIDDEN");

    // Issue 14, item 10: the grant, the team's observations (and psycho-education) are Nodes.
    let psycho = "mutation($input: RecordPsychoEducationInput!) { recordPsychoEducation(input: $input) { psychoEducation { id } } }";
    let input =
        json!({ "childId": child, "audience": "PARENT", "form": "GROUP", "tookPart": true, "durationMinutes": 90 });
    app.gql(&org.worker_token, psycho, json!({ "input": input })).await;
    let kinds = child_records_are_nodes(&app, &org.worker_token, &child).await;
    for kind in ["PartnerGrant", "IntakeObservation", "PsychoEducation"] {
        assert!(kinds.contains(kind), "no {kind} among {kinds:?}");
    }
}

#[tokio::test]
async fn nothing_after_expiry_or_when_consent_is_withdrawn() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let (team, child, family) = setup(&app, &org).await;
    let consent_id = consent(&app, &org, &family, &child, &team).await;
    let too_long = json!({ "input": { "childId": child, "partnerId": team, "validUntil": (today() + chrono::Days::new(15)).to_string() } });
    assert_eq!(app.gql_error(&org.worker_token, GRANT, too_long).await["extensions"]["field"], "input.validUntil");
    let grant = app.gql(&org.worker_token, GRANT, json!({ "input": { "childId": child, "partnerId": team } })).await["createPartnerGrant"]["partnerGrant"].clone();
    let token = partner_token(&app, "de-haven", "wijkteam-noord", "anouk@wijkteam");
    app.gql(&token, GRANTED, json!({ "id": grant["id"] })).await;

    let withdraw =
        "mutation($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { consent { withdrawnAt } } }";
    app.gql(
        &org.worker_token,
        withdraw,
        json!({ "input": { "id": consent_id, "reason": "moeder wil het zelf vertellen" } }),
    )
    .await;
    assert_eq!(app.gql_error(&token, GRANTED, json!({ "id": grant["id"] })).await["extensions"]["code"], "FORBIDDEN");

    consent(&app, &org, &family, &child, &team).await;
    app.gql(&token, GRANTED, json!({ "id": grant["id"] })).await;
    let uuid = server::api::ids::uuid_of(grant["id"].as_str().unwrap(), "PartnerGrant").unwrap();
    let mut expired: partner_grant::ActiveModel =
        partner_grant::Entity::find_by_id(uuid).one(&app.db).await.unwrap().unwrap().into();
    expired.valid_until = sea_orm::Set(today() - chrono::Days::new(1));
    sea_orm::ActiveModelTrait::update(expired, &app.db).await.unwrap();
    let e = app.gql_error(&token, GRANTED, json!({ "id": grant["id"] })).await;
    assert_eq!(
        (e["extensions"]["code"].as_str(), e["message"].as_str()),
        (Some("FORBIDDEN"), Some("this grant has expired"))
    );
}

/// Issue 11, item 10: a grant revoked, or consent withdrawn, by several requests at once
/// changes once; the others are told it already happened.
#[tokio::test]
async fn a_grant_revoked_or_consent_withdrawn_several_times_at_once_changes_once() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let (team, child, family) = setup(&app, &org).await;
    let consent_id = consent(&app, &org, &family, &child, &team).await;
    let grant = app.gql(&org.worker_token, GRANT, json!({ "input": { "childId": child, "partnerId": team } })).await["createPartnerGrant"]["partnerGrant"]["id"].clone();
    let revoke = "mutation($id: ID!) { revokePartnerGrant(id: $id) { partnerGrant { revokedAt } } }";
    let (revoked, refused) = app.at_once(&org.worker_token, revoke, json!({ "id": grant }), 8).await;
    assert_eq!((revoked, refused), (1, vec!["CONFLICT".to_string(); 7]));
    let withdraw =
        "mutation($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { consent { withdrawnAt } } }";
    let input = json!({ "input": { "id": consent_id, "reason": "moeder wil het zelf vertellen" } });
    let (withdrawn, refused) = app.at_once(&org.worker_token, withdraw, input, 8).await;
    assert_eq!((withdrawn, refused), (1, vec!["CONFLICT".to_string(); 7]));
}

/// What a partner user may receive, by `Type.field` (`Type.*`: a catalogue without person
/// data). Anything else a partner reaches fails the walk below: a new field must be guarded
/// (refused to partners) or listed here on purpose.
const PARTNER_MAY_SEE: &[&str] = &[
    "Query.grantedIntake",
    "Query.viewer",
    "Query.screeningInstruments",
    "GrantedIntake.*",
    "FamilyBasics.*",
    "IntakeObservation.*",
    "Intake.*",
    "IntakeParticipant.*",
    "Worker.name",
    "Viewer.*",
    "ScreeningInstrument.*",
];

/// Issue 11, item 3: walks the schema from every root field a partner user can call with the
/// ids they might hold, down every field, one request per field, and fails when data comes
/// back from a field not on [`PARTNER_MAY_SEE`].
#[tokio::test]
async fn everything_a_partner_user_reaches_is_on_the_partner_list() {
    let app = spawn_app().await;
    let org = org(&app, "de-haven").await;
    let (team, child, family) = setup(&app, &org).await;
    consent(&app, &org, &family, &child, &team).await;
    let grant = app.gql(&org.worker_token, GRANT, json!({ "input": { "childId": child, "partnerId": team } })).await["createPartnerGrant"]["partnerGrant"]["id"].clone();
    let intake = json!({ "input": { "childId": child, "educationKind": "DAY_CARE", "educationName": "'t Kinderhuis",
        "participants": [{ "name": "Anouk", "organisationName": "Wijkteam Noord", "role": "wijkcoach" },
                         { "name": org.worker.name, "role": "mentor", "workerId": Org::worker_gid(&org.worker) }] } });
    app.gql(
        &org.worker_token,
        "mutation($input: RecordIntakeInput!) { recordIntake(input: $input) { intake { heldOn } } }",
        intake,
    )
    .await;
    let token = partner_token(&app, "de-haven", "wijkteam-noord", "anouk@wijkteam");
    let obs = json!({ "input": { "grantId": grant, "observation": "Kind speelt graag buiten.", "agreements": "Wijkteam belt school." } });
    app.gql(
        &token,
        "mutation($input: AddIntakeObservationInput!) { addIntakeObservation(input: $input) { intakeObservation { author } } }",
        obs,
    )
    .await;

    let schema = Introspected::load(&app, &org.lead_token).await;
    let family_id = family["id"].clone();
    let person_id = family["members"][0]["person"]["id"].clone();
    let ids: Vec<(&str, Vec<Value>)> = vec![
        ("grantId", vec![grant]),
        ("familyId", vec![family_id.clone()]),
        ("personId", vec![child.clone(), person_id.clone()]),
        ("workerId", vec![json!(Org::worker_gid(&org.worker))]),
        ("id", vec![child, family_id, person_id, json!(Org::worker_gid(&org.worker))]),
    ];
    // (selection path from the root, the types along it, the type of its last field)
    let mut pending: Vec<(Vec<String>, Vec<String>, String)> = Vec::new();
    for field in schema.fields("Query") {
        for args in schema.argument_sets(field, &ids) {
            pending.push((
                vec![format!("{}{args}", field["name"].as_str().unwrap())],
                vec!["Query".into()],
                "Query".into(),
            ));
        }
    }
    let mut reached = std::collections::BTreeSet::new();
    let mut requests = 0;
    while let Some((path, types, parent)) = pending.pop() {
        let field_name = path.last().unwrap().split(['(', ' ']).next().unwrap().to_string();
        let Some(field) = schema.fields(&parent).iter().find(|f| f["name"] == field_name.as_str()) else { continue };
        let ty = named_type(&field["type"]);
        let kind = schema.kind(ty);
        let leaf = if matches!(kind, "OBJECT" | "INTERFACE" | "UNION") { "{ __typename }" } else { "" };
        let query = path.iter().rev().fold(leaf.to_string(), |inner, step| format!("{{ {step} {inner} }}"));
        requests += 1;
        let (_, body) = app.post(Some(&token), &query, json!({})).await;
        for e in body["errors"].as_array().into_iter().flatten() {
            assert_ne!(e["extensions"]["code"], "INTERNAL", "{query}: {e}");
        }
        if !has_data(&body["data"], &path) {
            continue;
        }
        reached.insert(format!("{parent}.{field_name}"));
        if leaf.is_empty() || types.len() >= 6 || types.iter().any(|t| t == ty) {
            continue;
        }
        let mut types = types.clone();
        types.push(ty.to_string());
        for concrete in schema.possible_types(ty) {
            for sub in schema.fields(&concrete) {
                for args in schema.argument_sets(sub, &ids) {
                    let mut path = path.clone();
                    let step = format!("{}{args}", sub["name"].as_str().unwrap());
                    // Inline fragments reach the fields of an interface's implementations.
                    path.push(if concrete == ty { step } else { format!("... on {concrete} {{ {step}") + " }" });
                    pending.push((path, types.clone(), concrete.clone()));
                }
            }
        }
    }
    let allowed = |reach: &String| {
        let ty = reach.split('.').next().unwrap();
        PARTNER_MAY_SEE.iter().any(|a| a == reach || *a == format!("{ty}.*"))
    };
    let unlisted: Vec<_> = reached.iter().filter(|r| !allowed(r)).collect();
    assert!(unlisted.is_empty(), "a partner user receives {unlisted:?} ({requests} requests)");
    for expected in [
        "GrantedIntake.family",
        "Intake.recordedBy",
        "Worker.name",
        "IntakeParticipant.name",
        "IntakeObservation.agreements",
    ] {
        assert!(reached.contains(expected), "the walk did not reach {expected}: {reached:?}");
    }
}

/// The schema as introspection tells it.
struct Introspected(Vec<Value>);

impl Introspected {
    async fn load(app: &TestApp, token: &str) -> Self {
        let q = "{ __schema { types { name kind possibleTypes { name } fields { name type { ...T } args { name type { ...T } } } } } }
                 fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";
        Self(app.gql(token, q, json!({})).await["__schema"]["types"].as_array().unwrap().clone())
    }
    fn get(&self, name: &str) -> &Value {
        self.0.iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("no type {name}"))
    }
    fn kind(&self, name: &str) -> &str {
        self.get(name)["kind"].as_str().unwrap()
    }
    fn fields(&self, name: &str) -> &[Value] {
        self.get(name)["fields"].as_array().map_or(&[], Vec::as_slice)
    }
    fn possible_types(&self, name: &str) -> Vec<String> {
        match self.get(name)["possibleTypes"].as_array() {
            Some(types) => types.iter().map(|t| t["name"].as_str().unwrap().to_string()).collect(),
            None => vec![name.to_string()],
        }
    }
    /// Every way to fill a field's required arguments from the ids a partner might hold (and a
    /// date); none when one cannot be filled.
    fn argument_sets(&self, field: &Value, ids: &[(&str, Vec<Value>)]) -> Vec<String> {
        let mut sets = vec![String::new()];
        for arg in field["args"].as_array().into_iter().flatten().filter(|a| a["type"]["kind"] == "NON_NULL") {
            let name = arg["name"].as_str().unwrap();
            let values: Vec<Value> = match named_type(&arg["type"]) {
                "Date" => vec![json!(today().to_string())],
                "ID" => ids.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default(),
                _ => vec![],
            };
            sets = sets.iter().flat_map(|s| values.iter().map(move |v| format!("{s} {name}: {v}"))).collect();
        }
        sets.into_iter().map(|s| if s.is_empty() { s } else { format!("({s})") }).collect()
    }
}

fn named_type(ty: &Value) -> &str {
    ty["name"].as_str().unwrap_or_else(|| named_type(&ty["ofType"]))
}

/// Whether anything non-null came back at the end of `path` (through lists and fragments).
fn has_data(value: &Value, path: &[String]) -> bool {
    let Some((step, rest)) = path.split_first() else { return !value.is_null() };
    let key = step.trim_start_matches("... on ").split(['(', ' ']).next().unwrap();
    let key = if step.starts_with("... on ") {
        step.split("{ ").nth(1).unwrap().split(['(', ' ']).next().unwrap()
    } else {
        key
    };
    match value {
        Value::Array(items) => items.iter().any(|v| has_data(v, path)),
        Value::Object(fields) => fields.get(key).is_some_and(|v| has_data(v, rest)),
        _ => false,
    }
}
