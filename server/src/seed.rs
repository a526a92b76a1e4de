//! Organisation set-up (organisations, locations, workers) and the demo and benchmark data
//! sets. Families and their records go through the same use cases as the API's, so seeded data
//! obeys every rule and appears in the access log like any other.

use crate::{
    audit::{GENESIS_HASH, RequestMeta},
    auth::Principal,
    cases::{
        Actor,
        activities::{
            self, DecideAftercare, LivingClimateCheck, NonAccompanyingParentFindings, Participant, RecordActivity,
            RecordPsychoEducation,
        },
        admission::{self, AdmitFamily, NewMember},
        board::{self, ConfirmBoardResult},
        consent::{self as consents, RecordConsent},
        contacts::{self, HeldDetails, RecordContact},
        intake::{self, RecordFirstContact, RecordIntake},
        municipality_access,
        network::{self, NetworkMemberDetails},
        plans::{self, NewAction, NewGoal, ProgressOnGoal, RecordActionPlan, RecordEvaluation},
        quality::{self, SaveAssessment},
        safety::{
            self, CloseReportingCodeTrack, OpenReportingCodeTrack, RecordReportingCodeStep, RecordSafetyAssessment,
            RecordSafetyPlan, ScaleAnswer,
        },
        screening::{self, RecordScreening, RecordScreeningFollowUp},
        trajectories::{self, AdvancePhase},
    },
    domain::screening::{Answer, Informant},
    error::{AppError, AppResult},
};
use chrono::{Datelike, Days, NaiveDate, Utc};
use entities::{
    ActivityKind, AftercareDecision, CareSetting, ConsentDecision, ConsentPurpose, ContactKind, ContactTopic, CoreTask,
    EducationKind, EndReason, GoalStatus, LivingClimateItem, LocationKind, MeldcodeDecision, MembershipRole,
    NetworkRelation, NonAccompanyingParentOutcome, ParentRisk, Phase, PsychoEducationAudience, PsychoEducationForm,
    ReportingCodeSignal, Role, SafetyAgreement, SafetyJudgement, SafetyRespondent, SafetyTool, Sex, SubGoal,
    access_log_head, custody, family_membership, goal as goal_row, location, organisation, person,
    reporting_code_track, trajectory, worker, worker_role,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use uuid::Uuid;

/// Creates an organisation together with the head of its access-log chain.
pub async fn create_organisation(
    db: &DatabaseConnection,
    slug: &str,
    name: &str,
) -> anyhow::Result<organisation::Model> {
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
    access_log_head::ActiveModel::from(access_log_head::Model {
        organisation_id: org.id,
        seq: 0,
        hash: GENESIS_HASH.into(),
    })
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

pub async fn create_location(
    db: &DatabaseConnection,
    organisation_id: Uuid,
    l: NewLocation<'_>,
) -> anyhow::Result<location::Model> {
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

pub async fn create_worker(
    db: &DatabaseConnection,
    organisation_id: Uuid,
    name: &str,
    roles: &[Role],
) -> anyhow::Result<worker::Model> {
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

const GIVEN_GIRLS: &[&str] =
    &["Noor", "Emma", "Saar", "Yara", "Fenna", "Sofie", "Aya", "Lina", "Zoë", "Mila", "Fatima", "Tess"];
const GIVEN_BOYS: &[&str] =
    &["Daan", "Sem", "Liam", "Noah", "Mohammed", "Finn", "Levi", "Adam", "Milan", "Luuk", "Yusuf", "Bram"];
const ADULT_WOMEN: &[&str] =
    &["Sanne", "Fleur", "Amina", "Marieke", "Nadia", "Esther", "Samira", "Inge", "Priya", "Monique"];
const ADULT_MEN: &[&str] = &["Kevin", "Rachid", "Jeroen", "Dennis", "Mehmet", "Patrick", "Sander", "Youssef"];
const FAMILY_NAMES: &[&str] = &[
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "El Amrani",
    "Yilmaz",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Kaya",
    "Brouwer",
    "de Groot",
    "Öztürk",
    "van Dijk",
];

struct DemoOrg {
    slug: &'static str,
    name: &'static str,
    kind: LocationKind,
    locations: &'static [(&'static str, CareSetting, bool, &'static str, &'static str, &'static str)],
    families: usize,
    /// A municipality the organisation lets read its figures.
    municipality: Option<&'static str>,
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
        municipality: Some("utrecht"),
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
        municipality: None,
    },
];

/// Loads the demo data set unless it is already there. Returns false when it was present.
pub async fn seed_demo(db: &DatabaseConnection) -> anyhow::Result<bool> {
    let present = organisation::Entity::find().filter(organisation::Column::Slug.eq(DEMO[0].slug)).one(db).await?;
    if present.is_some() {
        return Ok(false);
    }
    // Admissions over most of a year, so that the last full quarter and the year so far both
    // have children arriving, staying and leaving (the norm figures).
    let mut families = FamilyGenerator::new(20261124, 330);
    for demo in DEMO {
        let org = create_organisation(db, demo.slug, demo.name).await?;
        let mut locations = Vec::new();
        for (name, setting, secret, street, postal_code, city) in demo.locations {
            let l = NewLocation {
                name,
                kind: demo.kind,
                setting: *setting,
                secret_address: *secret,
                street,
                postal_code,
                city,
            };
            locations.push(create_location(db, org.id, l).await?);
        }
        let prefix = if demo.slug == "de-haven" { "Haven" } else { "Anker" };
        let mut cfw = Vec::new();
        for n in ["Anouk", "Bas", "Carmen"] {
            cfw.push(create_worker(db, org.id, &format!("{n} {prefix}"), &[Role::ChildFamilyWorker]).await?);
        }
        create_worker(db, org.id, &format!("Dirk {prefix}"), &[Role::BehaviouralExpert]).await?;
        let lead =
            create_worker(db, org.id, &format!("Eva {prefix}"), &[Role::TeamLead, Role::ChildFamilyWorker]).await?;
        let admin = create_worker(db, org.id, &format!("Frank {prefix}"), &[Role::OrgAdmin]).await?;
        create_worker(db, org.id, &format!("Greet {prefix}"), &[Role::QualityOfficer]).await?;

        let seeder = Seeder::new(db, &org, &lead);
        // The kwaliteitsinstrument: the first location's self-assessment of this year signed in
        // the spring, the second's a draft (norm 5).
        {
            let meta = Seeder::meta();
            let txn = db.begin().await?;
            let actor = seeder.actor(&meta);
            let year = families.today.year();
            let scores = |n: usize| {
                crate::domain::quality::ITEMS
                    .iter()
                    .enumerate()
                    .take(n)
                    .map(|(i, item)| (item.key.to_string(), [2, 1, 2][i % 3]))
                    .collect()
            };
            let plan =
                Some("Kindgesprekken vaker individueel plannen; buitenspelen met de gemeente regelen.".to_string());
            let first = SaveAssessment {
                location_id: locations[0].id,
                year,
                scores: scores(usize::MAX),
                improvement_plan: plan,
            };
            quality::save(actor, &txn, first).await?;
            let spring =
                NaiveDate::from_ymd_opt(year, 4, 15).filter(|d| *d <= families.today).unwrap_or(families.today);
            quality::sign(actor, &txn, locations[0].id, year, Some(spring)).await?;
            quality::save(
                actor,
                &txn,
                SaveAssessment { location_id: locations[1].id, year, scores: scores(8), improvement_plan: None },
            )
            .await?;
            txn.commit().await?;
        }
        if let Some(municipality) = demo.municipality {
            // The admin lets the municipality read the figures (aggregates only).
            let principal =
                Principal { worker_id: Some(admin.id), roles: vec![Role::OrgAdmin], ..seeder.principal.clone() };
            let meta = Seeder::meta();
            let txn = db.begin().await?;
            municipality_access::grant(Actor { principal: &principal, meta: &meta }, &txn, municipality.into()).await?;
            txn.commit().await?;
        }
        for i in 0..demo.families {
            let family = families.next(i, &locations, &cfw);
            let admitted = family.admission_date.expect("generated families have an admission date");
            let admitted_family = seeder.admit(family).await?;
            // Some families move to the other location a month into their stay (2a).
            let stayed = (families.today - admitted).num_days().max(0) as u64;
            if i % 4 == 1 && stayed > 60 {
                let elsewhere = locations.iter().find(|l| l.id != admitted_family.family.location_id).map(|l| l.id);
                if let Some(location_id) = elsewhere {
                    seeder.move_family(admitted_family.family.id, location_id, admitted + Days::new(30)).await?;
                }
            }
            for (c, child) in admitted_family.children.iter().enumerate() {
                let variant = (i + c) as u64;
                // Half the long stays have ended: their story stops on the day the child left,
                // at least 100 days after admission.
                let left = (variant.is_multiple_of(2) && stayed > 150)
                    .then(|| families.today - Days::new(14 + (variant * 11) % (stayed - 114)));
                let story = DemoStory {
                    child: child.id,
                    born: child.date_of_birth,
                    admitted,
                    today: left.unwrap_or(families.today),
                    leaves: left.is_some(),
                    variant,
                };
                let meta = Seeder::meta();
                let txn = db.begin().await?;
                story.record(seeder.actor(&meta), &txn).await?;
                txn.commit().await?;
            }
        }
    }
    Ok(true)
}

/// Loads `families` generated families (about 2.5 children each, each child with a safety
/// assessment and, from 4 to 17, a screening) into a fresh organisation `slug`, through the
/// use cases like every other admission, for the load tests in `bench/`.
pub async fn seed_bench(db: &DatabaseConnection, slug: &str, families: usize) -> anyhow::Result<()> {
    let present = organisation::Entity::find().filter(organisation::Column::Slug.eq(slug)).one(db).await?;
    anyhow::ensure!(present.is_none(), "organisation {slug:?} already exists; seed another slug or an empty database");
    let org = create_organisation(db, slug, "Benchmark (synthetic data)").await?;
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
    let seeder = Seeder::new(db, &org, &lead);
    let mut generator = FamilyGenerator::new(42, 120);
    for i in 0..families {
        let meta = Seeder::meta();
        let actor = seeder.actor(&meta);
        let txn = db.begin().await?;
        let admitted = admission::admit_family(actor, &txn, generator.next(i, &locations, &workers)).await?;
        for (c, child) in admitted.children.iter().enumerate() {
            bench_records(actor, &txn, child, (i + c) as u64).await?;
        }
        txn.commit().await?;
        if (i + 1) % 1000 == 0 {
            tracing::info!(families = i + 1, "benchmark data");
        }
    }
    Ok(())
}

/// What the deeper benchmark page reads of every child: a safety assessment (with the worker's
/// and, from 4, the child's scale answer) and, from 4 to 17, an SDQ screening by the parent.
async fn bench_records(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    child: &person::Model,
    variant: u64,
) -> AppResult<()> {
    let age = crate::domain::age::age_on(child.date_of_birth, Utc::now().date_naive());
    safety::record_safety_assessment(actor, txn, assessment(child.id, None, age, variant)).await?;
    if (4..=17).contains(&age) {
        screening::record_screening(actor, txn, parent_sdq(child.id, None, variant)).await?;
    }
    Ok(())
}

/// A safety assessment as the demo and benchmark data have it: the worker's scale answer and,
/// from 4, the child's; "niet goed genoeg" for one child in five.
fn assessment(child_id: Uuid, assessed_on: Option<NaiveDate>, age: i32, variant: u64) -> RecordSafetyAssessment {
    let not_good_enough = variant.is_multiple_of(5);
    let score =
        |respondent, score| ScaleAnswer { respondent, respondent_person_id: None, respondent_name: None, score };
    let mut scores = vec![
        score(SafetyRespondent::Worker, if not_good_enough { 3 } else { 6 }),
        ScaleAnswer {
            respondent: SafetyRespondent::Parent,
            respondent_person_id: None,
            respondent_name: Some("moeder".into()),
            score: 4 + (variant % 3) as i32,
        },
    ];
    if age >= 4 {
        scores.push(score(SafetyRespondent::Child, 5 + (variant % 4) as i32));
    }
    RecordSafetyAssessment {
        child_id,
        assessed_on,
        worries: "Het kind was getuige van geweld door de partner van moeder.".into(),
        complicating_factors: None,
        what_works_well: Some("Moeder zoekt steun en houdt zich aan de afspraken.".into()),
        safety_goals: "Het kind is veilig in de opvang en op school.".into(),
        judgement: if not_good_enough { SafetyJudgement::NotGoodEnough } else { SafetyJudgement::GoodEnough },
        tools_used: vec![SafetyTool::SafeAtHomeCard],
        scores,
    }
}

/// An SDQ filled in by a parent, its answers varying with `variant`.
fn parent_sdq(child_id: Uuid, administered_on: Option<NaiveDate>, variant: u64) -> RecordScreening {
    const OPTIONS: [&str; 3] = ["NOT_TRUE", "SOMEWHAT_TRUE", "CERTAINLY_TRUE"];
    let answers = (1..=25u64)
        .map(|i| Answer { item: i as u32, answer: OPTIONS[((i * 7 + variant) % 5).min(2) as usize].into() })
        .collect();
    RecordScreening {
        child_id,
        instrument: "SDQ".into(),
        informant: Informant::Parent,
        administered_on,
        answers,
        filled_in_by: None,
    }
}

/// The method's records for one demo child, as far as its time in the shelter allows: phase 1
/// activities in the first weeks, kindgesprekken and oudergesprekken on (or a little behind)
/// cadence in phase 2, and for the longest stays phase 3 or a closed trajectory.
struct DemoStory {
    child: Uuid,
    born: NaiveDate,
    admitted: NaiveDate,
    /// The last day of the story: today, or the day the child left.
    today: NaiveDate,
    /// The child left on `today`.
    leaves: bool,
    /// Varies the story between children: the judgement, who falls behind, who leaves.
    variant: u64,
}

impl DemoStory {
    /// A day of the stay, never after today.
    fn day(&self, n: u64) -> NaiveDate {
        std::cmp::min(self.admitted + Days::new(n), self.today)
    }

    /// Records the story through the use cases, in `txn`.
    async fn record(&self, actor: Actor<'_>, txn: &DatabaseTransaction) -> AppResult<()> {
        let stay = (self.today - self.admitted).num_days().max(0) as u64;
        let age = crate::domain::age::age_on(self.born, self.today);
        let (child, v) = (self.child, self.variant);
        intake::record_first_contact(
            actor,
            txn,
            RecordFirstContact {
                child_id: child,
                contact_on: Some(self.day(0)),
                warm_welcome: true,
                house_rules_explained: true,
                complaints_procedure_explained: true,
                confidant_explained: v % 4 != 0,
                risk_violence: true,
                risk_trauma: v % 3 == 0,
                risk_development: false,
                risk_notes: None,
                network_mapped_with_parent: stay >= 2,
                notes: None,
            },
        )
        .await?;
        if stay < 3 {
            return Ok(());
        }
        let young = age < 4;
        intake::record_intake(
            actor,
            txn,
            RecordIntake {
                child_id: child,
                held_on: Some(self.day(2)),
                education_kind: if young { EducationKind::DayCare } else { EducationKind::School },
                education_name: Some(
                    if young { "Kinderopvang Het Speelhuis" } else { "Basisschool De Regenboog" }.into(),
                ),
                education_contact_name: Some("Mw. Bakker".into()),
                education_contact_phone: None,
                education_contact_email: None,
                clubs: None,
                health: Some("Jeugdarts: inentingen bijgewerkt".into()),
                existing_help: None,
                custody_situation: None,
                child_experience: (!young).then(|| "Het is hier druk, maar ik slaap wel beter.".into()),
                participants: Vec::new(),
            },
        )
        .await?;
        self.talk(actor, txn, ContactKind::ParentTalk, 2, "Oudergesprek: hoe het met het kind gaat sinds de opname.")
            .await?;
        // The parents' consent to the child's own support; one child in five still lacks it.
        if v % 5 != 0 {
            let custodians: Vec<Uuid> = custody::Entity::find()
                .filter(custody::Column::ChildId.eq(child))
                .all(txn)
                .await?
                .iter()
                .map(|c| c.custodian_id)
                .collect();
            // Who decides under the WGBO: the parents under 12, parents and child from 12, the child from 16.
            let decided_by = match age {
                16.. => vec![child],
                12..=15 => custodians.into_iter().chain([child]).collect(),
                _ => custodians,
            };
            consents::record_consent(
                actor,
                txn,
                RecordConsent {
                    child_id: child,
                    purpose: ConsentPurpose::ChildSupport,
                    partner_id: None,
                    partner_kind: None,
                    scope: Vec::new(),
                    decision: ConsentDecision::Given,
                    decided_by,
                    decided_on: Some(self.day(1)),
                    valid_until: None,
                    note: None,
                },
            )
            .await?;
        }
        if stay < 5 {
            return Ok(());
        }
        self.phase_1_surroundings(actor, txn, v).await?;
        let assessed =
            safety::record_safety_assessment(actor, txn, assessment(child, Some(self.day(4)), age, v)).await?;
        if assessed.judgement == SafetyJudgement::NotGoodEnough {
            // "Niet goed genoeg" opened a Meldcode track.
            let track = reporting_code_track::Entity::find()
                .filter(reporting_code_track::Column::SafetyAssessmentId.eq(assessed.id))
                .one(txn)
                .await?
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("no Meldcode track opened")))?;
            // Half the tracks are decided within six weeks (norm 4), the others are at step 2.
            let steps = [
                (1, "Signalen in kaart gebracht met de kindcheck.", None, None),
                (2, "Overlegd met de aandachtsfunctionaris en Veilig Thuis.", Some(true), None),
                (3, "Gesprek met moeder over de zorgen.", None, None),
                (
                    4,
                    "Geen acute of structurele onveiligheid.",
                    None,
                    Some(MeldcodeDecision::NoAcuteOrStructuralUnsafety),
                ),
                (5, "Hulp georganiseerd en veiligheid gemonitord.", None, Some(MeldcodeDecision::OrganiseHelp)),
            ];
            let reached = if v.is_multiple_of(2) && stay >= 45 { 5 } else { 2 };
            for (step, outcome, consulted_veilig_thuis, decision) in steps.into_iter().take(reached) {
                safety::record_reporting_code_step(
                    actor,
                    txn,
                    RecordReportingCodeStep {
                        track_id: track.id,
                        step,
                        recorded_on: Some(self.day(4 + 8 * step as u64)),
                        outcome: outcome.into(),
                        consulted_veilig_thuis,
                        decision,
                    },
                )
                .await?;
            }
        }
        safety::record_safety_plan(
            actor,
            txn,
            RecordSafetyPlan {
                child_id: child,
                child_language_text: "Als ik me niet veilig voel, ga ik naar mama of naar de begeleider op de groep."
                    .into(),
                agreements: vec![SafetyAgreement {
                    who: "moeder".into(),
                    what: "haalt het kind zelf op van school".into(),
                    when: Some("elke dag".into()),
                }],
                agreed_by: vec!["moeder".into(), "begeleider".into()],
                // A review date may not lie in the past, not even for a child who has left since.
                review_on: Utc::now().date_naive() + Days::new(14 + v % 14),
            },
        )
        .await?;
        if (4..=17).contains(&age) && stay >= 10 {
            let sdq = screening::record_screening(actor, txn, parent_sdq(child, Some(self.day(9)), v)).await?;
            screening::record_screening_follow_up(
                actor,
                txn,
                RecordScreeningFollowUp {
                    screening_id: sdq.id,
                    discussed_with_parent_on: Some(self.day(10)),
                    discussed_with_child_on: (age >= 8).then(|| self.day(10)),
                    follow_up: None,
                    note: None,
                },
            )
            .await?;
        }
        // A trauma risk seen at the first contact: the CRIES-13 from 8, mostly within 28 days (9a).
        if v.is_multiple_of(3)
            && crate::domain::age::age_on(self.born, self.day(20)) >= 8
            && stay >= 25
            && !v.is_multiple_of(9)
        {
            const OPTIONS: [&str; 4] = ["NOT_AT_ALL", "RARELY", "SOMETIMES", "OFTEN"];
            let answers = (1..=13u64)
                .map(|i| Answer { item: i as u32, answer: OPTIONS[((i + v) % 4) as usize].into() })
                .collect();
            let cries = RecordScreening {
                child_id: child,
                instrument: "CRIES_13".into(),
                informant: Informant::SelfReport,
                administered_on: Some(self.day(20)),
                answers,
                filled_in_by: None,
            };
            screening::record_screening(actor, txn, cries).await?;
        }
        network::add_network_member(
            actor,
            txn,
            child,
            NetworkMemberDetails {
                name: "Oma Riet".into(),
                relation: NetworkRelation::Family,
                person_id: None,
                role_for_child: Some("logeeradres in de vakanties".into()),
                contact_safe: true,
                restrictions: None,
                contact_details: None,
                what_they_can_do: Some("oppassen op woensdag".into()),
                agreed_to_be_named: true,
            },
        )
        .await?;
        if stay < 14 {
            return Ok(());
        }
        let goal =
            |text: &str, sub_goals, core_task, actions| NewGoal { text: text.into(), sub_goals, core_task, actions };
        let plan = plans::record_action_plan(
            actor,
            txn,
            RecordActionPlan {
                child_id: child,
                drawn_up_on: Some(self.day(14)),
                child_language_summary: "We zorgen samen dat je je veilig voelt en dat je weer fijn naar school gaat."
                    .into(),
                goals: vec![
                    goal(
                        "Veilig wonen en slapen",
                        vec![SubGoal::A, SubGoal::B],
                        CoreTask::ChildInView,
                        vec![NewAction {
                            description: "Veiligheidsplan met het kind bespreken".into(),
                            owner: "begeleider".into(),
                            due_on: self.day(21),
                        }],
                    ),
                    goal(
                        "Mama en kind praten over wat er gebeurd is",
                        vec![SubGoal::C, SubGoal::D, SubGoal::G],
                        CoreTask::ParentsAndParenting,
                        vec![],
                    ),
                ],
            },
        )
        .await?;
        if stay <= 35 {
            return Ok(());
        }
        let advance =
            |cmd: AdvancePhase| trajectories::advance_phase(actor, txn, AdvancePhase { child_id: child, ..cmd });
        advance(AdvancePhase { effective_on: Some(self.day(30)), ..Default::default() }).await?;
        // Talks on cadence since phase 2, except that some children fall behind lately.
        let behind = if v % 3 == 0 { 21 } else { 0 };
        let mut day = 31;
        while day + behind <= stay {
            if (day - 31).is_multiple_of(14) {
                if age >= 4 {
                    self.talk(actor, txn, ContactKind::ChildTalk, day, "Kindgesprek: tekenen over thuis en school.")
                        .await?;
                } else {
                    self.talk(
                        actor,
                        txn,
                        ContactKind::Observation,
                        day,
                        "Observatie: spel van moeder en kind op de groep.",
                    )
                    .await?;
                }
            }
            self.talk(actor, txn, ContactKind::ParentTalk, day, "Oudergesprek over hoe het met het kind gaat.").await?;
            // Most children keep in touch with oma (11d).
            if (day - 31).is_multiple_of(28) && v % 3 != 1 {
                self.talk(actor, txn, ContactKind::NetworkContact, day, "Bij oma Riet op bezoek geweest.").await?;
            }
            day += 7;
        }
        let goals = goal_row::Entity::find()
            .filter(goal_row::Column::PlanId.eq(plan.id))
            .order_by_asc(goal_row::Column::Id)
            .all(txn)
            .await?;
        let mut at = 14 + 42;
        while at <= stay {
            // From the third evaluation on, some goals are achieved.
            let progress = goals
                .iter()
                .enumerate()
                .map(|(n, g)| ProgressOnGoal {
                    goal_id: g.id,
                    score: Some((4 + (at / 42) as i32).min(10)),
                    status: if at >= 14 + 3 * 42 && (n as u64 + v).is_multiple_of(2) {
                        GoalStatus::Achieved
                    } else {
                        GoalStatus::InProgress
                    },
                })
                .collect();
            plans::record_evaluation(
                actor,
                txn,
                RecordEvaluation {
                    plan_id: plan.id,
                    held_on: Some(self.day(at)),
                    parent_took_part: true,
                    child_took_part: age >= 4,
                    notes: None,
                    progress,
                },
            )
            .await?;
            at += 42;
        }
        // Safety assessed again, and the SDQ filled in again, in phase 2 (the outcome figures).
        if stay >= 80 {
            safety::record_safety_assessment(actor, txn, assessment(child, Some(self.day(70)), age, v + 1)).await?;
            if (4..=17).contains(&age) {
                screening::record_screening(actor, txn, parent_sdq(child, Some(self.day(75)), v + 2)).await?;
            }
        }
        self.phase_2_extras(actor, txn, age, v).await?;
        if stay > 90 && v % 2 == 0 {
            advance(AdvancePhase {
                effective_on: Some(self.today),
                expected_departure_on: Some(self.today + Days::new(21)),
                ..Default::default()
            })
            .await?;
            self.talk(
                actor,
                txn,
                ContactKind::ParentTalk,
                stay,
                "Vertrek voorbereid: wat gaat goed, wat vraagt nog aandacht.",
            )
            .await?;
            if self.leaves {
                // Where they went, and the aftercare decided on leaving (11a, 11e).
                let (end_reason, aftercare) = match (v / 2) % 4 {
                    0 => (EndReason::IndependentHousing, AftercareDecision::NoFollowUpNeeded),
                    1 => (EndReason::ReturnedHome, AftercareDecision::AftercareByShelter),
                    2 => (EndReason::TransferredElsewhere, AftercareDecision::NoFollowUpNeeded),
                    _ => (EndReason::IndependentHousing, AftercareDecision::AftercareByShelter),
                };
                advance(AdvancePhase {
                    to: Some(Phase::Closed),
                    effective_on: Some(self.today),
                    end_reason: Some(end_reason),
                    aftercare_decision: Some(aftercare),
                    ..Default::default()
                })
                .await?;
            } else {
                activities::decide_aftercare(
                    actor,
                    txn,
                    DecideAftercare {
                        child_id: child,
                        decision: AftercareDecision::AftercareByShelter,
                        handover_id: None,
                        safety_monitoring: Some("De begeleider belt moeder de eerste zes weken elke week.".into()),
                        note: None,
                    },
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Phase 1 beyond the child itself: the living climate checked, the father who stayed
    /// behind looked into.
    async fn phase_1_surroundings(&self, actor: Actor<'_>, txn: &DatabaseTransaction, v: u64) -> AppResult<()> {
        let mut met = vec![
            LivingClimateItem::BasicCareArranged,
            LivingClimateItem::ChildShownAround,
            LivingClimateItem::HousingSafe,
        ];
        if !v.is_multiple_of(3) {
            met.push(LivingClimateItem::ChildFeelsWelcome);
        }
        activities::record_living_climate_check(
            actor,
            txn,
            LivingClimateCheck { child_id: self.child, checked_on: Some(self.day(3)), met, notes: None },
        )
        .await?;
        let family = trajectory::Entity::find()
            .filter(trajectory::Column::ChildId.eq(self.child))
            .one(txn)
            .await?
            .map(|t| t.family_id);
        let father = family_membership::Entity::find()
            .filter(family_membership::Column::FamilyId.eq(family))
            .filter(family_membership::Column::Role.eq(MembershipRole::NonAccompanyingParent))
            .one(txn)
            .await?;
        let unsafe_father = v.is_multiple_of(2);
        activities::record_non_accompanying_parent(
            actor,
            txn,
            self.child,
            NonAccompanyingParentFindings {
                person_id: father.as_ref().map(|f| f.person_id),
                name: father.is_none().then(|| "Vader (niet geregistreerd)".into()),
                investigated_on: Some(self.day(4)),
                has_custody: Some(father.is_some()),
                risk: if unsafe_father { ParentRisk::Danger } else { ParentRisk::Concerns },
                informed_how: (!unsafe_father).then(|| "Per brief over school en gezondheid, via de advocaat.".into()),
                involvement: None,
                contact_arrangement: (!unsafe_father).then(|| "Begeleid contact, eens per twee weken.".into()),
                outcome: if unsafe_father {
                    NonAccompanyingParentOutcome::NoContactUnsafe
                } else {
                    NonAccompanyingParentOutcome::KeptInformed
                },
                notes: None,
            },
        )
        .await?;
        Ok(())
    }

    /// Phase 2 beyond the talks: an activity, psycho-education for the mother, the living
    /// climate monitored, a result confirmed; and for some a signal in a talk that the Meldcode
    /// looks into and does not confirm.
    async fn phase_2_extras(&self, actor: Actor<'_>, txn: &DatabaseTransaction, age: i32, v: u64) -> AppResult<()> {
        let child = self.child;
        let (kind, description) = if age >= 6 {
            (ActivityKind::Club, "Voetbaltraining bij de club in de wijk")
        } else {
            (ActivityKind::Play, "Spelochtend op de groep")
        };
        activities::record_activity(
            actor,
            txn,
            RecordActivity {
                kind,
                description: description.into(),
                held_on: Some(self.day(33)),
                continues_after_departure: false,
                children: vec![Participant { child_id: child, took_part: v % 4 != 1, parent_took_part: Some(age < 6) }],
            },
        )
        .await?;
        activities::record_psycho_education(
            actor,
            txn,
            RecordPsychoEducation {
                child_id: child,
                audience: PsychoEducationAudience::Parent,
                form: PsychoEducationForm::Group,
                external: false,
                took_part: true,
                offered_on: Some(self.day(34)),
                topic: Some("Wat huiselijk geweld met kinderen doet".into()),
                duration_minutes: Some(90),
            },
        )
        .await?;
        activities::record_living_climate_check(
            actor,
            txn,
            LivingClimateCheck {
                child_id: child,
                checked_on: Some(self.day(35)),
                met: if v.is_multiple_of(3) { vec![] } else { vec![LivingClimateItem::ClimateSufficient] },
                notes: None,
            },
        )
        .await?;
        board::confirm_board_result(
            actor,
            txn,
            ConfirmBoardResult {
                child_id: child,
                key: "WORKING_RELATIONSHIP_BEGUN".into(),
                achieved_on: Some(self.day(20)),
                note: Some("Moeder en begeleider werken goed samen.".into()),
            },
        )
        .await?;
        let open = reporting_code_track::Entity::find()
            .filter(reporting_code_track::Column::ChildId.eq(child))
            .filter(reporting_code_track::Column::ClosedOn.is_null())
            .one(txn)
            .await?;
        if v % 5 == 2 && open.is_none() {
            let track = safety::open_reporting_code_track(
                actor,
                txn,
                OpenReportingCodeTrack {
                    child_id: child,
                    signal: ReportingCodeSignal::Disclosure,
                    description: "In het kindgesprek vertelde het kind over slaan door een oom.".into(),
                    opened_on: Some(self.day(32)),
                },
            )
            .await?;
            for step in 1..=3 {
                safety::record_reporting_code_step(
                    actor,
                    txn,
                    RecordReportingCodeStep {
                        track_id: track.id,
                        step,
                        recorded_on: Some(self.day(32 + step as u64)),
                        outcome: "Signalen besproken; moeder en school gesproken.".into(),
                        consulted_veilig_thuis: (step == 2).then_some(false),
                        decision: None,
                    },
                )
                .await?;
            }
            safety::close_reporting_code_track(
                actor,
                txn,
                CloseReportingCodeTrack {
                    track_id: track.id,
                    closed_on: Some(self.day(36)),
                    suspicion_not_confirmed: true,
                    note: Some("Het ging om een spel met de oom; geen andere signalen, school bevestigt.".into()),
                },
            )
            .await?;
        }
        Ok(())
    }

    async fn talk(
        &self,
        actor: Actor<'_>,
        txn: &DatabaseTransaction,
        kind: ContactKind,
        day: u64,
        summary: &str,
    ) -> AppResult<()> {
        contacts::record_contact(
            actor,
            txn,
            RecordContact {
                child_id: self.child,
                kind,
                planned_on: None,
                held_on: Some(self.day(day)),
                participants: vec!["moeder".into(), "begeleider".into()],
                core_tasks: vec![CoreTask::ChildInView],
                summary: Some(summary.into()),
                agreements: None,
                details: HeldDetails {
                    duration_minutes: Some(if kind == ContactKind::ChildTalk { 30 } else { 45 }),
                    topics: match kind {
                        ContactKind::ParentTalk if self.variant.is_multiple_of(2) => {
                            vec![ContactTopic::HelpingTheChildCope]
                        }
                        ContactKind::ParentTalk => vec![ContactTopic::ParentingSupport],
                        _ => vec![],
                    },
                    individual: (kind == ContactKind::ChildTalk).then_some(true),
                },
            },
        )
        .await?;
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
    /// Admissions fall in this many days up to today.
    spread_days: u64,
}

impl FamilyGenerator {
    fn new(seed: u64, spread_days: u64) -> Self {
        Self { rng: Lcg(seed), today: Utc::now().date_naive(), next_bsn: 10_000_000 + seed % 1_000_000, spread_days }
    }

    fn next(&mut self, i: usize, locations: &[location::Model], workers: &[worker::Model]) -> AdmitFamily {
        let rng = &mut self.rng;
        let family_name = rng.pick(FAMILY_NAMES);
        let admitted = self.today - Days::new(rng.next(self.spread_days));
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
        let mut members = vec![NewMember {
            bsn: Some(bsn(&mut self.next_bsn)),
            ..member(Some("mother"), MembershipRole::CaringParent, rng.pick(ADULT_WOMEN), mother_born, Sex::Female)
        }];
        let father_has_custody = rng.next(2) == 0;
        if father_has_custody {
            let born = date(admitted, 27 + rng.next(20), rng);
            members.push(member(
                Some("father"),
                MembershipRole::NonAccompanyingParent,
                rng.pick(ADULT_MEN),
                born,
                Sex::Male,
            ));
        }
        let custodians: Vec<String> =
            if father_has_custody { vec!["mother".into(), "father".into()] } else { vec!["mother".into()] };
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

/// Acts as the organisation's team lead, through the use cases (so seeded data obeys every rule
/// and is in the access log).
struct Seeder<'a> {
    db: &'a DatabaseConnection,
    principal: Principal,
}

impl<'a> Seeder<'a> {
    fn new(db: &'a DatabaseConnection, org: &organisation::Model, lead: &worker::Model) -> Self {
        let principal = Principal {
            subject: "seed".into(),
            organisation_id: org.id,
            organisation_slug: org.slug.clone(),
            worker_id: Some(lead.id),
            roles: vec![Role::TeamLead, Role::ChildFamilyWorker],
            partner: None,
            municipality: None,
        };
        Self { db, principal }
    }

    fn meta() -> RequestMeta {
        RequestMeta {
            request_id: format!("seed-{}", Uuid::now_v7()),
            client_address: None,
            user_agent: Some("veerkracht seed".into()),
        }
    }

    fn actor<'m>(&'m self, meta: &'m RequestMeta) -> Actor<'m> {
        Actor { principal: &self.principal, meta }
    }

    /// Admits a family through the admission use case.
    async fn admit(&self, family: AdmitFamily) -> anyhow::Result<admission::Admitted> {
        let meta = Self::meta();
        let txn = self.db.begin().await?;
        let admitted = admission::admit_family(self.actor(&meta), &txn, family).await?;
        txn.commit().await?;
        Ok(admitted)
    }

    /// Moves a family to another location on `moved_on`.
    async fn move_family(&self, family_id: Uuid, location_id: Uuid, moved_on: NaiveDate) -> anyhow::Result<()> {
        let meta = Self::meta();
        let txn = self.db.begin().await?;
        let cmd = admission::MoveFamily { family_id, location_id, moved_on: Some(moved_on) };
        admission::move_family(self.actor(&meta), &txn, cmd).await?;
        txn.commit().await?;
        Ok(())
    }
}
