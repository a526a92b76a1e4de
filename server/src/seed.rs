//! Organisation set-up (organisations, locations, workers) and the demo data set.
//! Families are admitted through the same use cases as the API's, so seeded data obeys every
//! rule and appears in the access log like any other admission.

use crate::{
    api::{self, context::ApiSettings, ids},
    audit::{GENESIS_HASH, RequestMeta},
    auth::Principal,
    cases::{
        Actor,
        admission::{self, AdmitFamily, NewMember},
    },
    config::Config,
};
use chrono::{Days, NaiveDate, Utc};
use entities::{
    CareSetting, LocationKind, MembershipRole, Role, Sex, access_log_head, location, organisation, person, worker, worker_role,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

/// Creates an organisation together with the head of its access-log chain.
pub async fn create_organisation(db: &DatabaseConnection, slug: &str, name: &str) -> anyhow::Result<organisation::Model> {
    let now = Utc::now();
    let txn = db.begin().await?;
    let org = organisation::ActiveModel::from(organisation::Model {
        id: Uuid::now_v7(),
        slug: slug.into(),
        name: name.into(),
        reference_index_register_at_admission: false,
        reference_index_contact_phone: None,
        reference_index_contact_email: None,
        created_at: now,
        updated_at: now,
    })
    .insert(&txn)
    .await?;
    access_log_head::ActiveModel::from(access_log_head::Model { organisation_id: org.id, seq: 0, hash: GENESIS_HASH.into() })
        .insert(&txn)
        .await?;
    txn.commit().await?;
    Ok(org)
}

pub struct NewLocation<'a> {
    pub name: &'a str,
    pub kind: LocationKind,
    pub setting: CareSetting,
    pub secret_address: bool,
    pub street: &'a str,
    pub postal_code: &'a str,
    pub city: &'a str,
}

pub async fn create_location(db: &DatabaseConnection, organisation_id: Uuid, l: NewLocation<'_>) -> anyhow::Result<location::Model> {
    let now = Utc::now();
    Ok(location::ActiveModel::from(location::Model {
        id: Uuid::now_v7(),
        organisation_id,
        name: l.name.into(),
        kind: l.kind,
        setting: l.setting,
        secret_address: l.secret_address,
        street: l.street.into(),
        postal_code: l.postal_code.into(),
        city: l.city.into(),
        created_at: now,
        updated_at: now,
    })
    .insert(db)
    .await?)
}

pub async fn create_worker(db: &DatabaseConnection, organisation_id: Uuid, name: &str, roles: &[Role]) -> anyhow::Result<worker::Model> {
    let now = Utc::now();
    let txn = db.begin().await?;
    let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
    let w = worker::ActiveModel::from(worker::Model {
        id: Uuid::now_v7(),
        organisation_id,
        name: name.into(),
        email,
        skj_registration_number: Some(format!("1000{:05}", now.timestamp_subsec_micros() % 100_000)),
        skj_registration_expires_on: now.date_naive().checked_add_days(Days::new(400)),
        active: true,
        created_at: now,
        updated_at: now,
    })
    .insert(&txn)
    .await?;
    for role in roles {
        worker_role::ActiveModel::from(worker_role::Model { worker_id: w.id, role: *role }).insert(&txn).await?;
    }
    txn.commit().await?;
    Ok(w)
}

/// A small deterministic generator, so the demo data is the same on every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.next(list.len() as u64) as usize]
    }
}

const GIVEN_GIRLS: &[&str] = &["Noor", "Emma", "Saar", "Yara", "Fenna", "Sofie", "Aya", "Lina", "Zoë", "Mila", "Fatima", "Tess"];
const GIVEN_BOYS: &[&str] = &["Daan", "Sem", "Liam", "Noah", "Mohammed", "Finn", "Levi", "Adam", "Milan", "Luuk", "Yusuf", "Bram"];
const ADULT_WOMEN: &[&str] = &["Sanne", "Fleur", "Amina", "Marieke", "Nadia", "Esther", "Samira", "Inge", "Priya", "Monique"];
const ADULT_MEN: &[&str] = &["Kevin", "Rachid", "Jeroen", "Dennis", "Mehmet", "Patrick", "Sander", "Youssef"];
const FAMILY_NAMES: &[&str] = &[
    "de Vries", "Jansen", "Bakker", "Visser", "El Amrani", "Yilmaz", "Smit", "Meijer", "de Boer", "Mulder",
    "Bos", "Vos", "Peters", "Hendriks", "Dekker", "Kaya", "Brouwer", "de Groot", "Öztürk", "van Dijk",
];

struct DemoOrg {
    slug: &'static str,
    name: &'static str,
    kind: LocationKind,
    locations: &'static [(&'static str, CareSetting, bool, &'static str, &'static str, &'static str)],
    families: usize,
}

const DEMO: &[DemoOrg] = &[
    DemoOrg {
        slug: "de-haven",
        name: "Stichting De Haven (vrouwenopvang)",
        kind: LocationKind::Vo,
        locations: &[
            ("Blijf-huis Noord", CareSetting::Residential, true, "Verborgen Laan 1", "9700 AA", "Groningen"),
            ("De Haven Ambulant", CareSetting::Ambulant, false, "Hereweg 12", "9725 AE", "Groningen"),
        ],
        families: 14,
    },
    DemoOrg {
        slug: "het-anker",
        name: "Het Anker (maatschappelijke opvang)",
        kind: LocationKind::Mo,
        locations: &[
            ("Het Anker Centrum", CareSetting::Residential, false, "Kade 5", "8011 AB", "Zwolle"),
            ("Gezinshuis De Linde", CareSetting::Residential, false, "Lindelaan 40", "8012 CD", "Zwolle"),
        ],
        families: 8,
    },
];

/// Loads the demo data set unless it is already there. Returns false when it was present.
pub async fn seed_demo(db: &DatabaseConnection, config: &Config) -> anyhow::Result<bool> {
    let present = organisation::Entity::find().filter(organisation::Column::Slug.eq(DEMO[0].slug)).one(db).await?;
    if present.is_some() {
        return Ok(false);
    }
    let schema = api::build_schema(config);
    let settings = ApiSettings::from_config(config)?;
    let mut families = FamilyGenerator::new(20261124);
    for demo in DEMO {
        let org = create_organisation(db, demo.slug, demo.name).await?;
        let mut locations = Vec::new();
        for (name, setting, secret, street, postal_code, city) in demo.locations {
            let l = NewLocation { name, kind: demo.kind, setting: *setting, secret_address: *secret, street, postal_code, city };
            locations.push(create_location(db, org.id, l).await?);
        }
        let prefix = if demo.slug == "de-haven" { "Haven" } else { "Anker" };
        let mut cfw = Vec::new();
        for n in ["Anouk", "Bas", "Carmen"] {
            cfw.push(create_worker(db, org.id, &format!("{n} {prefix}"), &[Role::ChildFamilyWorker]).await?);
        }
        create_worker(db, org.id, &format!("Dirk {prefix}"), &[Role::BehaviouralExpert]).await?;
        let lead = create_worker(db, org.id, &format!("Eva {prefix}"), &[Role::TeamLead, Role::ChildFamilyWorker]).await?;
        create_worker(db, org.id, &format!("Frank {prefix}"), &[Role::OrgAdmin]).await?;

        let seeder = Seeder::new(db, &schema, &settings, &org, &lead);
        for i in 0..demo.families {
            let family = families.next(i, &locations, &cfw);
            let admitted = family.admission_date.expect("generated families have an admission date");
            for (c, child) in seeder.admit(family).await?.iter().enumerate() {
                let id = json!(ids::encode("Child", child.id).0);
                let story = DemoStory { child: &id, born: child.date_of_birth, admitted, today: families.today, variant: (i + c) as u64 };
                story.record(&seeder).await?;
            }
        }
    }
    Ok(true)
}

/// Loads `families` generated families (about 2.5 children each) into a fresh organisation `bench`,
/// through the admission use case like every other admission, for the load test in `bench/`.
pub async fn seed_bench(db: &DatabaseConnection, config: &Config, families: usize) -> anyhow::Result<()> {
    const SLUG: &str = "bench";
    let present = organisation::Entity::find().filter(organisation::Column::Slug.eq(SLUG)).one(db).await?;
    anyhow::ensure!(present.is_none(), "organisation {SLUG:?} already exists; seed the benchmark into an empty database");
    let schema = api::build_schema(config);
    let settings = ApiSettings::from_config(config)?;
    let org = create_organisation(db, SLUG, "Benchmark (synthetic data)").await?;
    let mut locations = Vec::new();
    for n in 0..10 {
        let name = format!("Locatie {n}");
        let l = NewLocation {
            name: &name,
            kind: if n % 2 == 0 { LocationKind::Vo } else { LocationKind::Mo },
            setting: if n % 3 == 0 { CareSetting::Ambulant } else { CareSetting::Residential },
            secret_address: n % 2 == 0,
            street: "Teststraat 1",
            postal_code: "1234 AB",
            city: "Utrecht",
        };
        locations.push(create_location(db, org.id, l).await?);
    }
    // A caseload of about a dozen children per worker.
    let mut workers = Vec::new();
    for n in 0..families.div_ceil(5).max(1) {
        workers.push(create_worker(db, org.id, &format!("Worker {n}"), &[Role::ChildFamilyWorker]).await?);
    }
    let lead = create_worker(db, org.id, "Bench Lead", &[Role::TeamLead]).await?;
    let seeder = Seeder::new(db, &schema, &settings, &org, &lead);
    let mut generator = FamilyGenerator::new(42);
    for i in 0..families {
        seeder.admit(generator.next(i, &locations, &workers)).await?;
        if (i + 1) % 1000 == 0 {
            tracing::info!(families = i + 1, "benchmark data");
        }
    }
    Ok(())
}

/// The method's records for one demo child, as far as its time in the shelter allows: phase 1
/// activities in the first weeks, kindgesprekken and oudergesprekken on (or a little behind)
/// cadence in phase 2, and for the longest stays phase 3 or a closed trajectory.
struct DemoStory<'a> {
    child: &'a serde_json::Value,
    born: NaiveDate,
    admitted: NaiveDate,
    today: NaiveDate,
    /// Varies the story between children: the judgement, who falls behind, who leaves.
    variant: u64,
}

impl DemoStory<'_> {
    /// A day of the stay, never after today.
    fn day(&self, n: u64) -> String {
        std::cmp::min(self.admitted + Days::new(n), self.today).to_string()
    }

    async fn record(&self, s: &Seeder<'_>) -> anyhow::Result<()> {
        let stay = (self.today - self.admitted).num_days().max(0) as u64;
        let age = crate::domain::age::age_on(self.born, self.today);
        let child = self.child;
        let v = self.variant;
        s.run("mutation($i: RecordFirstContactInput!) { recordFirstContact(input: $i) { id } }", json!({ "i": {
            "childId": child, "contactOn": self.day(0), "warmWelcome": true, "houseRulesExplained": true,
            "complaintsProcedureExplained": true, "confidantExplained": v % 4 != 0, "riskViolence": true,
            "riskTrauma": v % 3 == 0, "networkMappedWithParent": stay >= 2 } })).await?;
        if stay < 3 {
            return Ok(());
        }
        s.run("mutation($i: RecordIntakeInput!) { recordIntake(input: $i) { id } }", json!({ "i": {
            "childId": child, "heldOn": self.day(2),
            "educationKind": if age < 4 { "DAY_CARE" } else { "SCHOOL" },
            "educationName": if age < 4 { "Kinderopvang Het Speelhuis" } else { "Basisschool De Regenboog" },
            "educationContactName": "Mw. Bakker", "health": "Jeugdarts: inentingen bijgewerkt",
            "childExperience": if age >= 4 { json!("Het is hier druk, maar ik slaap wel beter.") } else { serde_json::Value::Null } } })).await?;
        if stay < 5 {
            return Ok(());
        }
        let not_good_enough = v % 5 == 0;
        let mut scores = vec![json!({ "respondent": "WORKER", "score": if not_good_enough { 3 } else { 6 } })];
        if age >= 4 {
            scores.push(json!({ "respondent": "CHILD", "score": 5 + (v % 4) as i32 }));
        }
        s.run("mutation($i: RecordSafetyAssessmentInput!) { recordSafetyAssessment(input: $i) { id } }", json!({ "i": {
            "childId": child, "assessedOn": self.day(4),
            "worries": "Het kind was getuige van geweld door de partner van moeder.",
            "whatWorksWell": "Moeder zoekt steun en houdt zich aan de afspraken.",
            "safetyGoals": "Het kind is veilig in de opvang en op school.",
            "judgement": if not_good_enough { "NOT_GOOD_ENOUGH" } else { "GOOD_ENOUGH" },
            "toolsUsed": ["SAFE_AT_HOME_CARD"], "scores": scores } })).await?;
        if not_good_enough {
            let tracks = s.run("query($id: ID!) { child(id: $id) { reportingCodeTracks { id } } }", json!({ "id": child })).await?;
            let track = &tracks["child"]["reportingCodeTracks"][0]["id"];
            for (step, outcome, extra) in [
                (1, "Signalen in kaart gebracht met de kindcheck.", json!({})),
                (2, "Overlegd met de aandachtsfunctionaris en Veilig Thuis.", json!({ "consultedVeiligThuis": true })),
            ] {
                let mut input = json!({ "trackId": track, "step": step, "recordedOn": self.day(4 + step), "outcome": outcome });
                input.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
                s.run("mutation($i: RecordReportingCodeStepInput!) { recordReportingCodeStep(input: $i) { id } }", json!({ "i": input })).await?;
            }
        }
        s.run("mutation($i: RecordSafetyPlanInput!) { recordSafetyPlan(input: $i) { id } }", json!({ "i": {
            "childId": child, "childLanguageText": "Als ik me niet veilig voel, ga ik naar mama of naar de begeleider op de groep.",
            "agreements": [{ "who": "moeder", "what": "haalt het kind zelf op van school", "when": "elke dag" }],
            "agreedBy": ["moeder", "begeleider"], "reviewOn": (self.today + Days::new(14 + v % 14)).to_string() } })).await?;
        if (4..=17).contains(&age) && stay >= 10 {
            const OPTIONS: [&str; 3] = ["NOT_TRUE", "SOMEWHAT_TRUE", "CERTAINLY_TRUE"];
            let answers: Vec<_> = (1..=25u64).map(|i| json!({ "item": i, "answer": OPTIONS[((i * 7 + v) % 5).min(2) as usize] })).collect();
            s.run("mutation($i: RecordScreeningInput!) { recordScreening(input: $i) { id } }", json!({ "i": {
                "childId": child, "instrument": "SDQ", "informant": "PARENT", "administeredOn": self.day(9), "answers": answers } })).await?;
        }
        s.run("mutation($i: AddNetworkMemberInput!) { addNetworkMember(input: $i) { id } }", json!({ "i": { "childId": child, "member": {
            "name": "Oma Riet", "relation": "FAMILY", "roleForChild": "logeeradres in de vakanties", "contactSafe": true,
            "whatTheyCanDo": "oppassen op woensdag", "agreedToBeNamed": true } } })).await?;
        if stay < 14 {
            return Ok(());
        }
        let plan = s.run("mutation($i: RecordActionPlanInput!) { recordActionPlan(input: $i) { id goals { id } } }", json!({ "i": {
            "childId": child, "drawnUpOn": self.day(14),
            "childLanguageSummary": "We zorgen samen dat je je veilig voelt en dat je weer fijn naar school gaat.",
            "goals": [
                { "text": "Veilig wonen en slapen", "subGoals": ["A", "C"], "coreTask": "CHILD_IN_VIEW",
                  "actions": [{ "description": "Veiligheidsplan met het kind bespreken", "owner": "begeleider", "dueOn": self.day(21) }] },
                { "text": "Mama en kind praten over wat er gebeurd is", "subGoals": ["F", "J"], "coreTask": "PARENTS_AND_PARENTING" },
            ] } })).await?;
        if stay <= 35 {
            return Ok(());
        }
        s.run("mutation($i: AdvancePhaseInput!) { advancePhase(input: $i) { id } }",
            json!({ "i": { "childId": child, "effectiveOn": self.day(30) } })).await?;
        // Talks on cadence since phase 2, except that some children fall behind lately.
        let behind = if v % 3 == 0 { 21 } else { 0 };
        let mut day = 31;
        while day + behind <= stay {
            if age >= 4 && (day - 31) % 14 == 0 {
                self.talk(s, "CHILD_TALK", day, "Kindgesprek: tekenen over thuis en school.").await?;
            }
            self.talk(s, "PARENT_TALK", day, "Oudergesprek over hoe het met het kind gaat.").await?;
            day += 7;
        }
        let goals: Vec<_> = plan["recordActionPlan"]["goals"].as_array().into_iter().flatten().map(|g| g["id"].clone()).collect();
        let mut at = 14 + 42;
        while at <= stay {
            let progress: Vec<_> = goals.iter().map(|g| json!({ "goalId": g, "score": 4 + (at / 42) as i32, "status": "IN_PROGRESS" })).collect();
            s.run("mutation($i: RecordEvaluationInput!) { recordEvaluation(input: $i) { id } }", json!({ "i": {
                "planId": plan["recordActionPlan"]["id"], "heldOn": self.day(at), "parentTookPart": true, "childTookPart": age >= 4,
                "progress": progress } })).await?;
            at += 42;
        }
        if stay > 90 && v % 2 == 0 {
            s.run("mutation($i: AdvancePhaseInput!) { advancePhase(input: $i) { id } }", json!({ "i": {
                "childId": child, "expectedDepartureOn": (self.today + Days::new(21)).to_string() } })).await?;
            if v % 4 == 0 {
                s.run("mutation($i: AdvancePhaseInput!) { advancePhase(input: $i) { id } }", json!({ "i": {
                    "childId": child, "to": "CLOSED", "endReason": "INDEPENDENT_HOUSING", "aftercareDecision": "AFTERCARE_BY_SHELTER" } })).await?;
            }
        }
        Ok(())
    }

    async fn talk(&self, s: &Seeder<'_>, kind: &str, day: u64, summary: &str) -> anyhow::Result<()> {
        s.run("mutation($i: RecordContactInput!) { recordContact(input: $i) { id } }", json!({ "i": {
            "childId": self.child, "kind": kind, "heldOn": self.day(day), "participants": ["moeder", "begeleider"],
            "coreTasks": ["CHILD_IN_VIEW"], "summary": summary } })).await?;
        Ok(())
    }
}

/// Generates admission inputs: a mother, sometimes a father with custody who stays behind,
/// and one to four children spread over every age band.
struct FamilyGenerator {
    rng: Lcg,
    today: NaiveDate,
    /// Serial for BSNs, so generated BSNs never collide.
    next_bsn: u64,
}

impl FamilyGenerator {
    fn new(seed: u64) -> Self {
        Self { rng: Lcg(seed), today: Utc::now().date_naive(), next_bsn: 10_000_000 + seed % 1_000_000 }
    }

    fn next(&mut self, i: usize, locations: &[location::Model], workers: &[worker::Model]) -> AdmitFamily {
        let rng = &mut self.rng;
        let family_name = rng.pick(FAMILY_NAMES);
        let admitted = self.today - Days::new(rng.next(120));
        let member = |reference: Option<&str>, role, given_name: &str, date_of_birth, sex| NewMember {
            reference: reference.map(str::to_string),
            role,
            given_name: given_name.into(),
            family_name: family_name.into(),
            date_of_birth,
            bsn: None,
            sex,
            gender_identity: None,
            custodian_refs: Vec::new(),
            responsible_worker_id: None,
        };
        let mother_born = date(admitted, 25 + rng.next(18), rng);
        let mut members =
            vec![NewMember { bsn: Some(bsn(&mut self.next_bsn)), ..member(Some("mother"), MembershipRole::CaringParent, rng.pick(ADULT_WOMEN), mother_born, Sex::Female) }];
        let father_has_custody = rng.next(2) == 0;
        if father_has_custody {
            let born = date(admitted, 27 + rng.next(20), rng);
            members.push(member(Some("father"), MembershipRole::NonAccompanyingParent, rng.pick(ADULT_MEN), born, Sex::Male));
        }
        let custodians: Vec<String> = if father_has_custody { vec!["mother".into(), "father".into()] } else { vec!["mother".into()] };
        for c in 0..=rng.next(4) {
            // Spread ages over every band: 0–17 in turn, shuffled a little.
            let age = ((i as u64) * 5 + c * 7 + rng.next(3)) % 18;
            let girl = rng.next(2) == 0;
            let has_bsn = rng.next(4) != 0;
            let (names, sex) = if girl { (GIVEN_GIRLS, Sex::Female) } else { (GIVEN_BOYS, Sex::Male) };
            let (given, born) = (rng.pick(names), date(admitted, age, rng));
            members.push(NewMember {
                bsn: has_bsn.then(|| bsn(&mut self.next_bsn)),
                custodian_refs: custodians.clone(),
                responsible_worker_id: Some(workers[(i + c as usize) % workers.len()].id),
                ..member(None, MembershipRole::Child, given, born, sex)
            });
        }
        AdmitFamily {
            location_id: locations[i % locations.len()].id,
            admission_date: Some(admitted),
            setting: None,
            responsible_worker_id: None,
            members,
            referral_id: None,
        }
    }
}

/// The next BSN from a serial: eight digits plus the elfproef check digit (serials whose
/// check digit would be 10 are skipped).
fn bsn(serial: &mut u64) -> String {
    loop {
        *serial += 1;
        let digits: Vec<u64> = format!("{:08}", *serial % 100_000_000).bytes().map(|b| u64::from(b - b'0')).collect();
        let sum: u64 = digits.iter().zip((2..=9).rev()).map(|(d, w)| d * w).sum();
        let check = sum % 11;
        if check < 10 {
            return digits.iter().chain([&check]).map(|d| d.to_string()).collect();
        }
    }
}

/// A date of birth `age` years (and a few days) before `on`.
fn date(on: NaiveDate, age: u64, rng: &mut Lcg) -> NaiveDate {
    on.checked_sub_months(chrono::Months::new(12 * age as u32)).unwrap_or(on) - Days::new(1 + rng.next(300))
}

/// Acts as the organisation's team lead: admissions through the use case, the demo's method
/// records still through the schema until their workflows are use cases too.
struct Seeder<'a> {
    db: &'a DatabaseConnection,
    schema: &'a api::AppSchema,
    settings: &'a ApiSettings,
    principal: Principal,
}

impl<'a> Seeder<'a> {
    fn new(db: &'a DatabaseConnection, schema: &'a api::AppSchema, settings: &'a ApiSettings, org: &organisation::Model, lead: &worker::Model) -> Self {
        let principal = Principal {
            subject: "seed".into(),
            organisation_id: org.id,
            organisation_slug: org.slug.clone(),
            worker_id: Some(lead.id),
            roles: vec![Role::TeamLead, Role::ChildFamilyWorker],
            partner: None,
        };
        Self { db, schema, settings, principal }
    }

    /// Admits a family through the admission use case; returns its children.
    async fn admit(&self, family: AdmitFamily) -> anyhow::Result<Vec<person::Model>> {
        let meta = self.meta();
        let txn = self.db.begin().await?;
        let admitted = admission::admit_family(Actor { principal: &self.principal, meta: &meta }, &txn, family).await?;
        txn.commit().await?;
        Ok(admitted.children)
    }

    fn meta(&self) -> RequestMeta {
        RequestMeta { request_id: format!("seed-{}", Uuid::now_v7()), client_address: None, user_agent: Some("veerkracht seed".into()) }
    }

    async fn run(&self, query: &str, vars: serde_json::Value) -> anyhow::Result<serde_json::Value> {
        let request = async_graphql::Request::new(query).variables(async_graphql::Variables::from_json(vars));
        let res = api::execute(self.schema, self.db, Some(self.principal.clone()), self.meta(), self.settings, request).await?;
        if !res.errors.is_empty() {
            anyhow::bail!("seed data rejected: {:?}", res.errors);
        }
        Ok(res.data.into_json()?)
    }
}
