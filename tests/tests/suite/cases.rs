//! The use cases of `server::cases`, called directly: no HTTP server, no GraphQL.
//!
//! Every test builds a fresh SQLite database in a temporary directory with one organisation
//! (two child and family workers, a behavioural expert, a team lead and an organisation admin),
//! acts as one of them — or as a partner user — through the use cases, and checks the rows
//! written and the access-log entries (person, action, area) they leave. Every workflow also has
//! a test of rules it enforces: a policy refusal (`Forbidden`), an input error naming its field
//! (`BadUserInput`) or a `Conflict`; a refused use case must leave every table exactly as it was
//! ([`World::refused`] compares the full contents of the database before and after).
//!
//! Areas, in the order below: admission, trajectories, intake, contacts, screening, safety,
//! plans, network, persons, involvements, consent, chain partners, grants, handovers, Handle with
//! Care and the Verwijsindex. Partners and consent are set up through the use cases themselves.
//! The black-box suite in the other files drives the same workflows over GraphQL.

use chrono::{Days, Months, NaiveDate, Utc};
use entities::{
    AccessAction::{self, Create, Delete, Export, Update},
    AftercareDecision, CareSetting, ConsentDecision, ConsentPurpose, ConsentScope, ContactKind, ContactPerson,
    CoreTask, EducationKind, EndReason, GoalStatus, HandoverDirection, HandoverStatus, IncidentKind, LocationKind,
    MeldcodeDecision, MembershipRole, MessageKind, MessageStatus, NetworkRelation, PartnerAdapter, PartnerKind, Phase,
    ReferralStatus, ReportingCodeCloseReason, ReportingCodeSignal, Role, SafetyAgreement, SafetyJudgement,
    SafetyRespondent, SafetyTool, Sex, SignalStatus, SubGoal, WithdrawalReason, action_plan, chain_partner, consent,
    contact, custody, evaluation, family, family_membership, first_contact, goal, goal_action, goal_progress,
    handle_with_care_notice, handover, intake, intake_observation, intake_participant, involvement, location,
    network_member, organisation, outbox_message, partner_grant, person, phase_change, reference_index_signal,
    referral, reporting_code_step, reporting_code_track, safety_plan, safety_scale_score, school_enrolment, screening,
    trajectory,
};
use integrations::{
    backoff::RetryPolicy,
    outbox,
    secrets::SecretBox,
    transport::SendError,
    youth_team::{Person as TeamContact, ReferredPerson, TeamMessage},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    PrimaryKeyTrait, QueryFilter, QueryOrder, Statement, TransactionTrait,
};
use server::{
    audit::{RequestMeta, Sealer},
    auth::Principal,
    cases::{
        Actor,
        admission::{self, AddFamilyMember, AdmitFamily, MoveFamily, NewMember},
        chain_partners::{self, ChangePartner, PartnerSettings, RegisterPartner},
        consent::{self as consents, OverrideConsent, RecordConsent},
        contacts::{self, RecordContact, RecordContactHeld},
        grants::{self, AddObservation, CreateGrant},
        handle_with_care::{self, RecordCooperationAgreement, RecordSchoolEnrolment, SendHandleWithCare},
        handovers::{self, DraftHandover},
        intake::{self as intakes, NewParticipant, RecordFirstContact, RecordIntake},
        involvements::{self, AddInvolvement},
        network::{self, NetworkMemberDetails},
        persons::{self, UpdatePerson},
        plans::{self, NewAction, NewGoal, ProgressOnGoal, RecordActionPlan, RecordEvaluation},
        reference_index::{self, RegisterSignal, SetPolicy},
        safety::{self, RecordReportingCodeStep, RecordSafetyAssessment, RecordSafetyPlan, ScaleAnswer},
        screening::{self as screenings, RecordScreening},
        trajectories::{self, AdvancePhase, AssignResponsibleWorker},
    },
    domain::screening::{Answer, Informant},
    error::{AppError, AppResult},
    policy::Ground,
    seed::{self, NewLocation},
};
use std::{collections::BTreeMap, ops::Deref};
use tests::{LogEntry, access_log, bsn};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

/// Families in these tests arrived this many days ago, so records can be dated before today.
const ADMITTED_DAYS_AGO: u64 = 20;
const SIGNING_SECRET: &str = "partner-signing-secret-0123";

/// One access-log entry as the tests compare it: whose record, what was done, which part.
type Entry = (Uuid, AccessAction, String);

fn entry(person: Uuid, action: AccessAction, area: &str) -> Entry {
    (person, action, area.to_string())
}

fn sorted(mut entries: Vec<Entry>) -> Vec<Entry> {
    entries.sort_by_key(|(p, a, area)| (*p, a.as_str(), area.clone()));
    entries
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn days_ago(n: u64) -> NaiveDate {
    today() - Days::new(n)
}

fn in_days(n: u64) -> NaiveDate {
    today() + Days::new(n)
}

/// A date of birth that makes a person `years` old both today and at the admission.
fn born(years: u32) -> NaiveDate {
    today().checked_sub_months(Months::new(12 * years)).unwrap() - Days::new(60)
}

/// A worker of the organisation and the principal they act as.
struct Staff {
    id: Uuid,
    principal: Principal,
}

impl Deref for Staff {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.principal
    }
}

fn principal(org: &organisation::Model, worker_id: Option<Uuid>, roles: &[Role], partner: Option<&str>) -> Principal {
    Principal {
        subject: worker_id.map_or_else(|| format!("user@{}", partner.unwrap_or("nowhere")), |w| w.to_string()),
        organisation_id: org.id,
        organisation_slug: org.slug.clone(),
        worker_id,
        roles: roles.to_vec(),
        partner: partner.map(str::to_string),
        municipality: None,
    }
}

/// A family admitted by the fixture: its id, the mother (custodian of every child) and the
/// children in the order given.
struct Family {
    id: Uuid,
    mum: Uuid,
    children: Vec<Uuid>,
}

struct World {
    db: DatabaseConnection,
    org: organisation::Model,
    residential: location::Model,
    ambulant: location::Model,
    /// The responsible worker of every child the fixture admits.
    worker: Staff,
    other_worker: Staff,
    expert: Staff,
    lead: Staff,
    admin: Staff,
    secrets: SecretBox,
    /// Partner addresses as in development (loopback allowed).
    egress: integrations::egress::EgressPolicy,
    sealer: Sealer,
    _dir: tempfile::TempDir,
}

impl World {
    async fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("cases.sqlite").display());
        let db = Database::connect(&url).await.expect("connect to SQLite");
        server::db::migrate(&db).await.expect("migrations");
        let org = seed::create_organisation(&db, "de-haven", "Stichting De Haven").await.unwrap();
        let location = async |name: &str, setting: CareSetting, secret_address: bool| {
            let l = NewLocation {
                name,
                kind: LocationKind::Vo,
                setting,
                secret_address,
                street: "Laan 1",
                postal_code: "1234 AB",
                city: "Utrecht",
            };
            seed::create_location(&db, org.id, l).await.unwrap()
        };
        let residential = location("Safe house", CareSetting::Residential, true).await;
        let ambulant = location("Ambulant team", CareSetting::Ambulant, false).await;
        let staff = async |name: &str, role: Role| {
            let w = seed::create_worker(&db, org.id, name, &[role]).await.unwrap();
            Staff { id: w.id, principal: principal(&org, Some(w.id), &[role], None) }
        };
        let worker = staff("Wendy Werker", Role::ChildFamilyWorker).await;
        let other_worker = staff("Olaf Werker", Role::ChildFamilyWorker).await;
        let expert = staff("Gerda Deskundige", Role::BehaviouralExpert).await;
        let lead = staff("Tom Teamleider", Role::TeamLead).await;
        let admin = staff("Ada Beheerder", Role::OrgAdmin).await;
        let secrets = SecretBox::from_base64(&SecretBox::generate_key()).expect("secrets key");
        let key = server::keys::load_or_create(&dir.path().join("checkpoint-key.pem")).unwrap();
        let sealer = Sealer::new(&key, dir.path().join("checkpoints")).unwrap();
        let egress = integrations::egress::EgressPolicy { allow_loopback: true, ..Default::default() };
        Self {
            db,
            org,
            residential,
            ambulant,
            worker,
            other_worker,
            expert,
            lead,
            admin,
            secrets,
            egress,
            sealer,
            _dir: dir,
        }
    }

    /// A user of the chain partner `slug`: no worker, no roles, only what a grant gives.
    fn partner_user(&self, slug: &str) -> Principal {
        principal(&self.org, None, &[], Some(slug))
    }

    /// Runs one use case in its own transaction, committed only when it succeeds.
    async fn run<T>(
        &self,
        p: &Principal,
        case: impl AsyncFnOnce(Actor<'_>, &DatabaseTransaction) -> AppResult<T>,
    ) -> AppResult<T> {
        let meta = RequestMeta {
            request_id: format!("test-{}", Uuid::now_v7()),
            client_address: Some("127.0.0.1".into()),
            user_agent: Some("cases test".into()),
        };
        let txn = self.db.begin().await.expect("begin");
        match case(Actor { principal: p, meta: &meta }, &txn).await {
            Ok(out) => {
                txn.commit().await.expect("commit");
                Ok(out)
            }
            Err(e) => {
                txn.rollback().await.expect("rollback");
                Err(e)
            }
        }
    }

    /// Runs a use case that must succeed.
    async fn ok<T>(&self, p: &Principal, case: impl AsyncFnOnce(Actor<'_>, &DatabaseTransaction) -> AppResult<T>) -> T {
        self.run(p, case).await.unwrap_or_else(|e| panic!("the use case failed: {e:?}"))
    }

    /// Runs a use case that must fail, checks that it wrote nothing at all, and returns the error.
    async fn refused<T>(
        &self,
        p: &Principal,
        case: impl AsyncFnOnce(Actor<'_>, &DatabaseTransaction) -> AppResult<T>,
    ) -> AppError {
        let before = self.snapshot().await;
        let err = error(self.run(p, case).await);
        self.assert_unchanged(&before, &format!("{err:?}")).await;
        err
    }

    /// The full contents of every table, one text per table.
    async fn snapshot(&self) -> BTreeMap<String, String> {
        let sql = |s: String| Statement::from_string(DbBackend::Sqlite, s);
        let tables = self
            .db
            .query_all_raw(sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name".into(),
            ))
            .await
            .unwrap();
        let mut out = BTreeMap::new();
        for t in tables {
            let table: String = t.try_get("", "name").unwrap();
            let columns =
                self.db.query_all_raw(sql(format!("SELECT name FROM pragma_table_info('{table}')"))).await.unwrap();
            let row = columns
                .iter()
                .map(|c| format!("quote(\"{}\")", c.try_get::<String>("", "name").unwrap()))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let dump = format!(
                "SELECT COALESCE(group_concat(r, char(10)), '') AS content FROM (SELECT {row} AS r FROM \"{table}\" ORDER BY r)"
            );
            let content: String =
                self.db.query_one_raw(sql(dump)).await.unwrap().unwrap().try_get("", "content").unwrap();
            out.insert(table, content);
        }
        out
    }

    async fn assert_unchanged(&self, before: &BTreeMap<String, String>, what: &str) {
        let after = self.snapshot().await;
        let changed: Vec<&String> = after.keys().filter(|t| before.get(*t) != after.get(*t)).collect();
        assert!(changed.is_empty(), "{what}, yet these tables changed: {changed:?}");
    }

    /// How many access-log entries the organisation has now.
    async fn log_mark(&self) -> usize {
        self.log_since(0).await.len()
    }

    /// The organisation's access-log entries after the first `mark`, in the order written.
    async fn log_since(&self, mark: usize) -> Vec<LogEntry> {
        access_log(&self.db).await.into_iter().filter(|e| e.organisation_id == self.org.id).skip(mark).collect()
    }

    /// The access-log entries written after `mark`, in order.
    async fn entries_since(&self, mark: usize) -> Vec<Entry> {
        self.log_since(mark).await.into_iter().map(|e| (e.person_id, e.action, e.area)).collect()
    }

    async fn assert_log_chain_valid(&self) {
        server::audit::seal(&self.db, &self.sealer, self.org.id).await.unwrap();
        let report = server::audit::verify(&self.db, &self.sealer, self.org.id).await.unwrap();
        assert!(report.valid, "the access-log chain is broken: {report:?}");
    }

    async fn rows<E: EntityTrait>(&self) -> Vec<E::Model> {
        E::find().all(&self.db).await.unwrap()
    }

    async fn get<E: EntityTrait>(&self, id: Uuid) -> E::Model
    where
        Uuid: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
    {
        E::find_by_id(id).one(&self.db).await.unwrap().expect("the row exists")
    }

    async fn person_named(&self, given_name: &str) -> person::Model {
        person::Entity::find()
            .filter(person::Column::GivenName.eq(given_name))
            .one(&self.db)
            .await
            .unwrap()
            .expect("person")
    }

    async fn trajectory_of(&self, child: Uuid) -> trajectory::Model {
        trajectory::Entity::find()
            .filter(trajectory::Column::ChildId.eq(child))
            .one(&self.db)
            .await
            .unwrap()
            .expect("trajectory")
    }

    async fn outbox_of(&self, kind: MessageKind) -> Vec<outbox_message::Model> {
        outbox_message::Entity::find().filter(outbox_message::Column::Kind.eq(kind)).all(&self.db).await.unwrap()
    }

    /// A mother ("mum", 34, custodian of every child) and children of the given ages, admitted
    /// to the residential location `ADMITTED_DAYS_AGO` days ago with `worker` responsible.
    fn admit_cmd(&self, child_ages: &[u32]) -> AdmitFamily {
        let mut members =
            vec![NewMember { reference: Some("mum".into()), ..member(MembershipRole::CaringParent, "Sara", 34) }];
        for (i, age) in child_ages.iter().enumerate() {
            members.push(NewMember {
                custodian_refs: vec!["mum".into()],
                ..member(MembershipRole::Child, &format!("Kind{i}"), *age)
            });
        }
        AdmitFamily {
            location_id: self.residential.id,
            admission_date: Some(days_ago(ADMITTED_DAYS_AGO)),
            setting: None,
            responsible_worker_id: Some(self.worker.id),
            members,
            referral_id: None,
        }
    }

    async fn admit_with(&self, cmd: AdmitFamily) -> Family {
        let admitted = self.ok(&self.worker, async |a, t| admission::admit_family(a, t, cmd).await).await;
        let mum = family_membership::Entity::find()
            .filter(family_membership::Column::FamilyId.eq(admitted.family.id))
            .filter(family_membership::Column::Role.ne(MembershipRole::Child))
            .one(&self.db)
            .await
            .unwrap()
            .expect("an adult")
            .person_id;
        Family { id: admitted.family.id, mum, children: admitted.children.iter().map(|c| c.id).collect() }
    }

    async fn admit(&self, child_ages: &[u32]) -> Family {
        self.admit_with(self.admit_cmd(child_ages)).await
    }

    /// Registers a chain partner as the organisation admin.
    async fn register(&self, cmd: RegisterPartner) -> chain_partner::Model {
        self.ok(&self.admin, async |a, t| {
            chain_partners::register_partner(a, t, &self.secrets, &self.egress, cmd).await
        })
        .await
    }

    /// Records consent given, as the responsible worker.
    async fn give(&self, cmd: RecordConsent) -> consent::Model {
        self.ok(&self.worker, async |a, t| consents::record_consent(a, t, cmd).await).await
    }
}

/// `ok!(w.lead, module::use_case(args…))` runs `module::use_case(actor, txn, args…)` as `w.lead`
/// (or `ok!(w, &principal, …)` as any principal) in its own transaction with [`World::ok`]: it
/// must succeed, and its result is returned.
macro_rules! ok {
    ($w:ident . $who:ident, $($case:ident)::+ ($($arg:expr),* $(,)?)) => {
        $w.ok(&$w.$who, async |a, t| $($case)::+(a, t, $($arg),*).await).await
    };
    ($w:ident, $who:expr, $($case:ident)::+ ($($arg:expr),* $(,)?)) => {
        $w.ok($who, async |a, t| $($case)::+(a, t, $($arg),*).await).await
    };
}

/// `refused!(w.worker, module::use_case(args…))`: like [`ok!`], with [`World::refused`]; the use
/// case must fail without writing anything, and its error is returned.
macro_rules! refused {
    ($w:ident . $who:ident, $($case:ident)::+ ($($arg:expr),* $(,)?)) => {
        $w.refused(&$w.$who, async |a, t| $($case)::+(a, t, $($arg),*).await).await
    };
    ($w:ident, $who:expr, $($case:ident)::+ ($($arg:expr),* $(,)?)) => {
        $w.refused($who, async |a, t| $($case)::+(a, t, $($arg),*).await).await
    };
}

fn member(role: MembershipRole, given_name: &str, age: u32) -> NewMember {
    NewMember {
        reference: None,
        role,
        given_name: given_name.into(),
        family_name: "Jansen".into(),
        date_of_birth: born(age),
        bsn: None,
        sex: Sex::Female,
        gender_identity: None,
        custodian_refs: vec![],
        responsible_worker_id: None,
    }
}

/// A partner; with an adapter, also its endpoint and signing secret.
fn partner(slug: &str, kind: PartnerKind, adapter: PartnerAdapter) -> RegisterPartner {
    let connected = adapter != PartnerAdapter::None;
    RegisterPartner {
        slug: slug.into(),
        name: format!("Partner {slug}"),
        kind,
        settings: PartnerSettings {
            adapter: Some(adapter),
            endpoint_url: connected.then(|| format!("https://{slug}.example.org/api")),
            signing_secret: connected.then(|| SIGNING_SECRET.into()),
            ..Default::default()
        },
    }
}

/// Consent given for one partner.
fn consent_for(
    child: Uuid,
    purpose: ConsentPurpose,
    partner: Uuid,
    scope: &[ConsentScope],
    decided_by: &[Uuid],
) -> RecordConsent {
    RecordConsent {
        child_id: child,
        purpose,
        partner_id: Some(partner),
        partner_kind: None,
        scope: scope.to_vec(),
        decision: ConsentDecision::Given,
        decided_by: decided_by.to_vec(),
        decided_on: None,
        valid_until: None,
        note: None,
    }
}

fn error<T>(result: AppResult<T>) -> AppError {
    match result {
        Err(e) => e,
        Ok(_) => panic!("the use case should have been refused"),
    }
}

#[track_caller]
fn assert_forbidden(e: &AppError) {
    assert!(matches!(e, AppError::Forbidden(_)), "expected FORBIDDEN, got {e:?}");
}

#[track_caller]
fn assert_conflict(e: &AppError) {
    assert_eq!(e.code(), "CONFLICT", "expected CONFLICT, got {e:?}");
}

#[track_caller]
fn assert_not_found(e: &AppError) {
    assert!(matches!(e, AppError::NotFound(_)), "expected NOT_FOUND, got {e:?}");
}

/// The error is an input error naming `field`.
#[track_caller]
fn assert_invalid(e: &AppError, field: &str) {
    match e {
        AppError::BadUserInput(v) => {
            assert!(v.iter().any(|x| x.field == field), "expected a violation of {field}, got {v:?}")
        }
        other => panic!("expected BAD_USER_INPUT on {field}, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Admission
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn admitting_a_family_writes_members_custody_and_a_phase_1_trajectory_per_child() {
    let w = World::new().await;
    let mark = w.log_mark().await;
    let family = w.admit(&[7, 14]).await;
    let [c0, c1] = family.children[..] else { panic!("two children") };

    let f = w.get::<family::Entity>(family.id).await;
    assert_eq!((f.location_id, f.admitted_on), (w.residential.id, days_ago(ADMITTED_DAYS_AGO)));
    assert_eq!(w.rows::<person::Entity>().await.len(), 3);
    let mut roles: Vec<_> =
        w.rows::<family_membership::Entity>().await.iter().map(|m| (m.person_id, m.role.as_str())).collect();
    roles.sort();
    let mut expected = vec![(family.mum, "CARING_PARENT"), (c0, "CHILD"), (c1, "CHILD")];
    expected.sort();
    assert_eq!(roles, expected);
    let mut custody: Vec<_> = w.rows::<custody::Entity>().await.iter().map(|c| (c.child_id, c.custodian_id)).collect();
    custody.sort();
    assert_eq!(custody, [(c0, family.mum), (c1, family.mum)]);
    for child in [c0, c1] {
        let t = w.trajectory_of(child).await;
        assert_eq!(
            (t.phase, t.responsible_worker_id, t.setting),
            (Phase::Phase1, w.worker.id, CareSetting::Residential)
        );
        assert_eq!((t.admission_date, t.phase_started_on, t.family_id), (f.admitted_on, f.admitted_on, family.id));
    }
    let changes = w.rows::<phase_change::Entity>().await;
    assert_eq!(changes.len(), 2);
    assert!(
        changes.iter().all(|c| c.from_phase.is_none()
            && c.to_phase == Phase::Phase1
            && c.changed_by_worker_id == Some(w.worker.id))
    );

    // One event per part of the record, each with the persons it concerns.
    assert_eq!(
        sorted(w.entries_since(mark).await),
        sorted(vec![
            entry(family.mum, Create, "identity"),
            entry(c0, Create, "identity"),
            entry(c0, Create, "custody"),
            entry(c0, Create, "trajectory"),
            entry(c1, Create, "identity"),
            entry(c1, Create, "custody"),
            entry(c1, Create, "trajectory"),
        ])
    );
    let log = w.log_since(mark).await;
    assert!(log.iter().all(|e| e.ground == "role:CHILD_FAMILY_WORKER" && e.actor_worker_id == Some(w.worker.id)));
    w.assert_log_chain_valid().await;
}

#[tokio::test]
async fn admission_is_refused_to_an_expert_without_a_responsible_worker_and_for_a_registered_bsn() {
    let w = World::new().await;
    let e = refused!(w.expert, admission::admit_family(w.admit_cmd(&[7])));
    assert_forbidden(&e);

    let mut no_worker = w.admit_cmd(&[7]);
    no_worker.responsible_worker_id = None;
    let e = refused!(w.worker, admission::admit_family(no_worker));
    assert_invalid(&e, "input.members[1].responsibleWorkerId");

    let mut lead_responsible = w.admit_cmd(&[7]);
    lead_responsible.responsible_worker_id = Some(w.lead.id);
    let e = refused!(w.worker, admission::admit_family(lead_responsible));
    assert_invalid(&e, "input.responsibleWorkerId");

    let mut with_bsn = w.admit_cmd(&[7]);
    with_bsn.members[0].bsn = Some(bsn(1));
    w.admit_with(with_bsn.clone()).await;
    let e = refused!(w.worker, admission::admit_family(with_bsn));
    assert_conflict(&e);
}

#[tokio::test]
async fn a_child_joining_later_gets_a_trajectory_and_an_adult_joining_can_take_custody() {
    let w = World::new().await;
    let family = w.admit(&[7]).await;
    let c0 = family.children[0];
    let mark = w.log_mark().await;

    let baby = NewMember { responsible_worker_id: Some(w.other_worker.id), ..member(MembershipRole::Child, "Baby", 1) };
    let joined = AddFamilyMember {
        family_id: family.id,
        member: baby,
        custodian_ids: vec![family.mum],
        custody_over_child_ids: vec![],
        admission_date: None,
    };
    ok!(w.worker, admission::add_family_member(joined));
    let baby = w.person_named("Baby").await;
    let t = w.trajectory_of(baby.id).await;
    assert_eq!(
        (t.phase, t.responsible_worker_id, t.admission_date, t.family_id),
        (Phase::Phase1, w.other_worker.id, today(), family.id)
    );

    let dad = NewMember { sex: Sex::Male, ..member(MembershipRole::NonAccompanyingParent, "Karel", 40) };
    let joined = AddFamilyMember {
        family_id: family.id,
        member: dad,
        custodian_ids: vec![],
        custody_over_child_ids: vec![c0],
        admission_date: None,
    };
    ok!(w.lead, admission::add_family_member(joined));
    let dad = w.person_named("Karel").await;
    let no_trajectory =
        trajectory::Entity::find().filter(trajectory::Column::ChildId.eq(dad.id)).one(&w.db).await.unwrap();
    assert!(no_trajectory.is_none(), "adults have no trajectory");
    let mut custody: Vec<_> = w.rows::<custody::Entity>().await.iter().map(|c| (c.child_id, c.custodian_id)).collect();
    custody.sort();
    let mut expected = vec![(c0, family.mum), (baby.id, family.mum), (c0, dad.id)];
    expected.sort();
    assert_eq!(custody, expected);
    assert_eq!(
        w.entries_since(mark).await,
        [
            entry(baby.id, Create, "identity"),
            entry(baby.id, Create, "custody"),
            entry(baby.id, Create, "trajectory"),
            entry(dad.id, Create, "identity"),
            entry(c0, Create, "custody"),
        ]
    );

    let adult_with_worker = AddFamilyMember {
        family_id: family.id,
        member: NewMember { responsible_worker_id: Some(w.worker.id), ..member(MembershipRole::OtherAdult, "Oom", 30) },
        custodian_ids: vec![],
        custody_over_child_ids: vec![],
        admission_date: None,
    };
    let e = refused!(w.worker, admission::add_family_member(adult_with_worker));
    assert_invalid(&e, "input.member.responsibleWorkerId");
    let stranger_as_custodian = AddFamilyMember {
        family_id: family.id,
        member: NewMember { responsible_worker_id: Some(w.worker.id), ..member(MembershipRole::Child, "Zus", 3) },
        custodian_ids: vec![Uuid::now_v7()],
        custody_over_child_ids: vec![],
        admission_date: None,
    };
    let e = refused!(w.worker, admission::add_family_member(stranger_as_custodian.clone()));
    assert_invalid(&e, "input.custodianIds[0]");
    let e = refused!(w.expert, admission::add_family_member(stranger_as_custodian));
    assert_forbidden(&e);
}

#[tokio::test]
async fn a_family_moves_to_another_location_and_every_member_s_placement_is_logged() {
    let w = World::new().await;
    let family = w.admit(&[7]).await;
    let mark = w.log_mark().await;
    let moved = ok!(
        w.worker,
        admission::move_family(MoveFamily { family_id: family.id, location_id: w.ambulant.id, moved_on: None })
    );
    assert_eq!(moved.location_id, w.ambulant.id);
    assert_eq!(w.get::<family::Entity>(family.id).await.location_id, w.ambulant.id);
    assert_eq!(
        sorted(w.entries_since(mark).await),
        sorted(vec![entry(family.mum, Update, "placement"), entry(family.children[0], Update, "placement")])
    );

    let e = refused!(
        w.worker,
        admission::move_family(MoveFamily { family_id: family.id, location_id: w.ambulant.id, moved_on: None })
    );
    assert_invalid(&e, "input.locationId");
    let e = refused!(
        w.expert,
        admission::move_family(MoveFamily { family_id: family.id, location_id: w.residential.id, moved_on: None })
    );
    assert_forbidden(&e);
}

// ---------------------------------------------------------------------------------------------
// Trajectories
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_team_lead_assigns_the_responsible_worker_from_the_child_and_family_workers() {
    let w = World::new().await;
    let child = w.admit(&[7]).await.children[0];
    let assign = |worker_id| AssignResponsibleWorker { child_id: child, worker_id };

    let e = refused!(w.worker, trajectories::assign_responsible_worker(assign(w.other_worker.id)));
    assert_forbidden(&e);
    let e = refused!(w.lead, trajectories::assign_responsible_worker(assign(w.expert.id)));
    assert_invalid(&e, "input.workerId");

    let mark = w.log_mark().await;
    let t = ok!(w.lead, trajectories::assign_responsible_worker(assign(w.other_worker.id)));
    assert_eq!(t.responsible_worker_id, w.other_worker.id);
    assert_eq!(w.trajectory_of(child).await.responsible_worker_id, w.other_worker.id);
    assert_eq!(w.entries_since(mark).await, [entry(child, Update, "trajectory")]);
    assert_eq!(w.log_since(mark).await[0].ground, "role:TEAM_LEAD");
}

#[tokio::test]
async fn a_trajectory_moves_through_the_phases_as_the_method_requires_and_then_stays_closed() {
    let w = World::new().await;
    let child = w.admit(&[7]).await.children[0];
    let advance = |cmd: AdvancePhase| AdvancePhase { child_id: child, ..cmd };
    let reason = || Some("Crisisplaatsing; de intake volgt na de vakantie.".to_string());

    let e = refused!(w.worker, trajectories::advance_phase(advance(AdvancePhase::default())));
    assert_invalid(&e, "input.phase1ExitReason");
    let with_reason = advance(AdvancePhase { phase1_exit_reason: reason(), ..Default::default() });
    let e = refused!(w.other_worker, trajectories::advance_phase(with_reason.clone()));
    assert_forbidden(&e);

    let mark = w.log_mark().await;
    let t = ok!(w.worker, trajectories::advance_phase(with_reason));
    assert_eq!((t.phase, t.phase_started_on, t.phase1_exit_reason), (Phase::Phase2, today(), reason()));

    let e = refused!(w.lead, trajectories::advance_phase(advance(AdvancePhase::default())));
    assert_invalid(&e, "input.expectedDepartureOn");
    let to_phase_3 = advance(AdvancePhase { expected_departure_on: Some(in_days(30)), ..Default::default() });
    let t = ok!(w.lead, trajectories::advance_phase(to_phase_3));
    assert_eq!((t.phase, t.expected_departure_on), (Phase::Phase3, Some(in_days(30))));

    let no_end_reason = advance(AdvancePhase {
        to: Some(Phase::Closed),
        aftercare_decision: Some(AftercareDecision::WarmHandover),
        ..Default::default()
    });
    let e = refused!(w.worker, trajectories::advance_phase(no_end_reason.clone()));
    assert_invalid(&e, "input.endReason");
    let close = AdvancePhase { end_reason: Some(EndReason::IndependentHousing), ..no_end_reason };
    let t = ok!(w.worker, trajectories::advance_phase(close));
    assert_eq!(
        (t.phase, t.end_date, t.end_reason),
        (Phase::Closed, Some(today()), Some(EndReason::IndependentHousing))
    );
    assert_eq!(t.aftercare_decision, Some(AftercareDecision::WarmHandover));

    let history: Vec<_> = phase_change::Entity::find()
        .filter(phase_change::Column::TrajectoryId.eq(t.id))
        .order_by_asc(phase_change::Column::Id)
        .all(&w.db)
        .await
        .unwrap()
        .iter()
        .map(|c| (c.from_phase, c.to_phase))
        .collect();
    assert_eq!(
        history,
        [
            (None, Phase::Phase1),
            (Some(Phase::Phase1), Phase::Phase2),
            (Some(Phase::Phase2), Phase::Phase3),
            (Some(Phase::Phase3), Phase::Closed)
        ]
    );
    assert_eq!(w.entries_since(mark).await, vec![entry(child, Update, "trajectory"); 3]);
    let grounds: Vec<String> = w.log_since(mark).await.into_iter().map(|e| e.ground).collect();
    assert_eq!(grounds, ["relationship:responsible-worker", "role:TEAM_LEAD", "relationship:responsible-worker"]);

    // Closed means closed: no further phase, no new worker, no new records.
    let e = refused!(w.worker, trajectories::advance_phase(advance(AdvancePhase::default())));
    assert_invalid(&e, "input.to");
    let reassign = AssignResponsibleWorker { child_id: child, worker_id: w.other_worker.id };
    assert_conflict(&refused!(w.lead, trajectories::assign_responsible_worker(reassign)));
    assert_conflict(&refused!(w.worker, intakes::record_first_contact(first_contact_cmd(child))));
}

// ---------------------------------------------------------------------------------------------
// Intake (first contact, kinderintake)
// ---------------------------------------------------------------------------------------------

fn first_contact_cmd(child: Uuid) -> RecordFirstContact {
    RecordFirstContact {
        child_id: child,
        contact_on: None,
        warm_welcome: true,
        house_rules_explained: true,
        complaints_procedure_explained: true,
        confidant_explained: false,
        risk_violence: true,
        risk_trauma: false,
        risk_development: false,
        risk_notes: None,
        network_mapped_with_parent: true,
        notes: None,
    }
}

fn intake_cmd(child: Uuid, participants: Vec<NewParticipant>) -> RecordIntake {
    RecordIntake {
        child_id: child,
        held_on: None,
        education_kind: EducationKind::School,
        education_name: Some("Basisschool De Regenboog".into()),
        education_contact_name: None,
        education_contact_phone: None,
        education_contact_email: None,
        clubs: None,
        health: Some("Inentingen bijgewerkt".into()),
        existing_help: None,
        custody_situation: None,
        child_experience: None,
        participants,
    }
}

fn participant(name: &str, role: &str, organisation_name: Option<&str>, worker_id: Option<Uuid>) -> NewParticipant {
    NewParticipant {
        name: name.into(),
        organisation_name: organisation_name.map(str::to_string),
        role: role.into(),
        worker_id,
    }
}

#[tokio::test]
async fn the_first_contact_is_recorded_once_and_corrected_in_place() {
    let w = World::new().await;
    let child = w.admit(&[7]).await.children[0];
    let mark = w.log_mark().await;
    let first = ok!(w.worker, intakes::record_first_contact(first_contact_cmd(child)));
    let corrected = RecordFirstContact {
        risk_trauma: true,
        notes: Some("Moeder vertelt over de nacht van vertrek.".into()),
        ..first_contact_cmd(child)
    };
    let second = ok!(w.expert, intakes::record_first_contact(corrected));

    let rows = w.rows::<first_contact::Entity>().await;
    assert_eq!(rows.len(), 1);
    assert_eq!((first.id, rows[0].id), (second.id, second.id));
    assert_eq!(
        (rows[0].contact_on, rows[0].risk_trauma, rows[0].recorded_by_worker_id),
        (today(), true, Some(w.expert.id))
    );
    assert_eq!(rows[0].trajectory_id, w.trajectory_of(child).await.id);
    assert_eq!(
        w.entries_since(mark).await,
        [entry(child, Create, "first-contact"), entry(child, Update, "first-contact")]
    );

    let before_admission =
        RecordFirstContact { contact_on: Some(days_ago(ADMITTED_DAYS_AGO + 1)), ..first_contact_cmd(child) };
    assert_invalid(&refused!(w.worker, intakes::record_first_contact(before_admission)), "input.contactOn");
    let future = RecordFirstContact { contact_on: Some(in_days(1)), ..first_contact_cmd(child) };
    assert_invalid(&refused!(w.worker, intakes::record_first_contact(future)), "input.contactOn");
    assert_forbidden(&refused!(w.admin, intakes::record_first_contact(first_contact_cmd(child))));
}

#[tokio::test]
async fn an_intake_records_who_took_part_and_hears_the_child_only_from_four() {
    let w = World::new().await;
    let family = w.admit(&[7, 2]).await;
    let [child, toddler] = family.children[..] else { panic!("two children") };
    let mark = w.log_mark().await;
    let three = vec![
        participant("Sara Jansen", "moeder", None, None),
        participant(" Wendy Werker ", "begeleider", None, Some(w.worker.id)),
        participant("Jan de Wit", "wijkteammedewerker", Some("Wijkteam Noord"), None),
    ];
    let cmd = RecordIntake {
        child_experience: Some("Het is hier druk, maar ik slaap beter.".into()),
        ..intake_cmd(child, three)
    };
    let saved = ok!(w.worker, intakes::record_intake(cmd));
    let participants = w.rows::<intake_participant::Entity>().await;
    assert_eq!(participants.len(), 3);
    assert!(participants.iter().all(|p| p.intake_id == saved.id));
    assert!(
        participants.iter().any(|p| p.name == "Wendy Werker" && p.worker_id == Some(w.worker.id)),
        "names are trimmed"
    );

    // A correction replaces the participants.
    let corrected = intake_cmd(child, vec![participant("Sara Jansen", "moeder", None, None)]);
    let again = ok!(w.worker, intakes::record_intake(corrected));
    assert_eq!(again.id, saved.id);
    assert_eq!(w.rows::<intake::Entity>().await.len(), 1);
    assert_eq!(w.rows::<intake_participant::Entity>().await.len(), 1);
    assert_eq!(w.get::<intake::Entity>(saved.id).await.child_experience, None);
    assert_eq!(w.entries_since(mark).await, [entry(child, Create, "intake"), entry(child, Update, "intake")]);

    let heard_too_young = RecordIntake { child_experience: Some("...".into()), ..intake_cmd(toddler, vec![]) };
    assert_invalid(&refused!(w.worker, intakes::record_intake(heard_too_young)), "input.childExperience");
    let stranger = intake_cmd(toddler, vec![participant("Onbekend", "begeleider", None, Some(Uuid::now_v7()))]);
    assert_invalid(&refused!(w.worker, intakes::record_intake(stranger)), "input.participants[0].workerId");
    let no_school_named = RecordIntake { education_kind: EducationKind::None, ..intake_cmd(toddler, vec![]) };
    assert_invalid(&refused!(w.worker, intakes::record_intake(no_school_named)), "input.educationName");
}

// ---------------------------------------------------------------------------------------------
// Contacts
// ---------------------------------------------------------------------------------------------

fn contact_cmd(child: Uuid, kind: ContactKind, planned_on: Option<NaiveDate>, summary: Option<&str>) -> RecordContact {
    RecordContact {
        child_id: child,
        kind,
        planned_on,
        held_on: None,
        participants: vec!["moeder".into(), " begeleider ".into()],
        core_tasks: vec![CoreTask::ChildInView],
        summary: summary.map(str::to_string),
        agreements: None,
        details: Default::default(),
    }
}

fn held(contact_id: Uuid, summary: Option<&str>) -> RecordContactHeld {
    RecordContactHeld {
        contact_id,
        held_on: None,
        participants: vec!["moeder".into()],
        core_tasks: vec![CoreTask::ParentsAndParenting],
        summary: summary.map(str::to_string),
        agreements: Some("Volgende week weer".into()),
        details: Default::default(),
    }
}

#[tokio::test]
async fn contacts_are_recorded_as_held_with_a_summary_or_planned_and_held_later() {
    let w = World::new().await;
    let child = w.admit(&[7]).await.children[0];
    let mark = w.log_mark().await;
    let talk = contact_cmd(child, ContactKind::ChildTalk, None, Some("Tekenen over thuis en school."));
    let talked = ok!(w.worker, contacts::record_contact(talk));
    assert_eq!((talked.held_on, talked.planned_on), (Some(today()), None));
    assert_eq!(talked.participants, serde_json::json!(["moeder", "begeleider"]));

    let plan = contact_cmd(child, ContactKind::ParentTalk, Some(in_days(7)), None);
    let planned = ok!(w.worker, contacts::record_contact(plan));
    assert_eq!((planned.held_on, planned.planned_on), (None, Some(in_days(7))));
    let done = ok!(w.worker, contacts::record_contact_held(held(planned.id, Some("Over de school."))));
    assert_eq!((done.id, done.held_on, done.planned_on), (planned.id, Some(today()), Some(in_days(7))));
    assert_eq!(w.get::<contact::Entity>(planned.id).await.agreements.as_deref(), Some("Volgende week weer"));
    assert_eq!(w.rows::<contact::Entity>().await.len(), 2);
    assert_eq!(
        w.entries_since(mark).await,
        [entry(child, Create, "contacts"), entry(child, Create, "contacts"), entry(child, Update, "contacts")]
    );

    let no_summary = contact_cmd(child, ContactKind::ChildTalk, None, None);
    assert_invalid(&refused!(w.worker, contacts::record_contact(no_summary)), "input.summary");
    let too_far_ahead = contact_cmd(child, ContactKind::ParentTalk, Some(in_days(100)), None);
    assert_invalid(&refused!(w.worker, contacts::record_contact(too_far_ahead)), "input.plannedOn");
    let twice = held(planned.id, Some("Nog een keer."));
    assert_conflict(&refused!(w.worker, contacts::record_contact_held(twice)));
    let planned_again =
        ok!(w.worker, contacts::record_contact(contact_cmd(child, ContactKind::HomeVisit, Some(in_days(3)), None)));
    let without_summary = held(planned_again.id, Some("  "));
    assert_invalid(&refused!(w.worker, contacts::record_contact_held(without_summary)), "input.summary");
}

// ---------------------------------------------------------------------------------------------
// Screening
// ---------------------------------------------------------------------------------------------

fn sdq(child: Uuid, answer: &str) -> RecordScreening {
    RecordScreening {
        child_id: child,
        instrument: "SDQ".into(),
        informant: Informant::Parent,
        administered_on: None,
        answers: (1..=25).map(|item| Answer { item, answer: answer.into() }).collect(),
        filled_in_by: None,
    }
}

#[tokio::test]
async fn a_screening_stores_the_answers_with_the_scores_the_engine_computes() {
    let w = World::new().await;
    let family = w.admit(&[7, 2]).await;
    let [child, toddler] = family.children[..] else { panic!("two children") };
    let mark = w.log_mark().await;
    let saved = ok!(w.expert, screenings::record_screening(sdq(child, "SOMEWHAT_TRUE")));
    let row = w.get::<screening::Entity>(saved.id).await;
    assert_eq!((row.instrument.as_str(), row.informant.as_str(), row.administered_on), ("SDQ", "PARENT", today()));
    assert_eq!(row.answers.parse::<Vec<serde_json::Value>>().unwrap().len(), 25);
    // Twenty difficulty items answered "somewhat true" (1 point each, reverse-keyed ones too).
    let result: serde_json::Value = row.result.parse().unwrap();
    assert_eq!(result["total"]["code"], "TOTAL_DIFFICULTIES");
    assert_eq!(result["total"]["score"], 20);
    assert_eq!(result["total"]["band"], "ABNORMAL");
    assert_eq!(w.entries_since(mark).await, [entry(child, Create, "screening")]);

    let unknown = RecordScreening { instrument: "XYZ".into(), ..sdq(child, "NOT_TRUE") };
    assert_invalid(&refused!(w.worker, screenings::record_screening(unknown)), "input.instrument");
    assert_invalid(&refused!(w.worker, screenings::record_screening(sdq(toddler, "NOT_TRUE"))), "input.informant");
    assert_invalid(&refused!(w.worker, screenings::record_screening(sdq(child, "MAYBE"))), "input.answers[0].answer");
    assert_forbidden(&refused!(w.admin, screenings::record_screening(sdq(child, "NOT_TRUE"))));
}

// ---------------------------------------------------------------------------------------------
// Safety (assessment, Meldcode track, safety plan)
// ---------------------------------------------------------------------------------------------

fn score(respondent: SafetyRespondent, respondent_person_id: Option<Uuid>, score: i32) -> ScaleAnswer {
    ScaleAnswer { respondent, respondent_person_id, respondent_name: None, score }
}

fn assessment(child: Uuid, judgement: SafetyJudgement, scores: Vec<ScaleAnswer>) -> RecordSafetyAssessment {
    RecordSafetyAssessment {
        child_id: child,
        assessed_on: None,
        worries: "Het kind was getuige van geweld.".into(),
        complicating_factors: None,
        what_works_well: Some("Moeder zoekt steun.".into()),
        safety_goals: "Het kind is veilig in de opvang en op school.".into(),
        judgement,
        tools_used: vec![SafetyTool::SafeAtHomeCard],
        scores,
    }
}

fn step(
    track_id: Uuid,
    step: i32,
    consulted_veilig_thuis: Option<bool>,
    decision: Option<MeldcodeDecision>,
) -> RecordReportingCodeStep {
    RecordReportingCodeStep {
        track_id,
        step,
        recorded_on: None,
        outcome: format!("Stap {step} gezet."),
        consulted_veilig_thuis,
        decision,
    }
}

fn safety_plan_cmd(child: Uuid) -> RecordSafetyPlan {
    RecordSafetyPlan {
        child_id: child,
        child_language_text: "Als ik me niet veilig voel, ga ik naar mama of de begeleider.".into(),
        agreements: vec![SafetyAgreement {
            who: "moeder".into(),
            what: "haalt het kind op van school".into(),
            when: Some("elke dag".into()),
        }],
        agreed_by: vec!["moeder".into(), "begeleider".into()],
        review_on: in_days(14),
    }
}

#[tokio::test]
async fn a_safety_assessment_stores_its_scale_and_checks_who_answered() {
    let w = World::new().await;
    let family = w.admit(&[7, 2]).await;
    let [child, toddler] = family.children[..] else { panic!("two children") };
    let mark = w.log_mark().await;
    let scores = vec![
        score(SafetyRespondent::Worker, None, 6),
        score(SafetyRespondent::Child, None, 7),
        score(SafetyRespondent::Parent, Some(family.mum), 5),
    ];
    let saved = ok!(w.worker, safety::record_safety_assessment(assessment(child, SafetyJudgement::GoodEnough, scores)));
    assert_eq!((saved.judgement, saved.assessed_on), (SafetyJudgement::GoodEnough, today()));
    let mut stored: Vec<_> = w
        .rows::<safety_scale_score::Entity>()
        .await
        .iter()
        .map(|s| (s.assessment_id, s.respondent.as_str(), s.score))
        .collect();
    stored.sort();
    assert_eq!(stored, [(saved.id, "CHILD", 7), (saved.id, "PARENT", 5), (saved.id, "WORKER", 6)]);
    assert!(w.rows::<reporting_code_track::Entity>().await.is_empty(), "good enough opens no Meldcode track");
    assert_eq!(w.entries_since(mark).await, [entry(child, Create, "safety")]);

    let off_scale = assessment(child, SafetyJudgement::Good, vec![score(SafetyRespondent::Worker, None, 11)]);
    assert_invalid(&refused!(w.worker, safety::record_safety_assessment(off_scale)), "input.scores[0].score");
    let toddler_asked = assessment(toddler, SafetyJudgement::Good, vec![score(SafetyRespondent::Child, None, 8)]);
    assert_invalid(&refused!(w.worker, safety::record_safety_assessment(toddler_asked)), "input.scores[0].respondent");
    let child_as_parent =
        assessment(child, SafetyJudgement::Good, vec![score(SafetyRespondent::Parent, Some(toddler), 8)]);
    assert_invalid(
        &refused!(w.worker, safety::record_safety_assessment(child_as_parent)),
        "input.scores[0].respondentPersonId",
    );
    let no_worries =
        RecordSafetyAssessment { worries: "  ".into(), ..assessment(child, SafetyJudgement::Good, vec![]) };
    assert_invalid(&refused!(w.worker, safety::record_safety_assessment(no_worries)), "input.worries");
}

#[tokio::test]
async fn not_good_enough_opens_a_meldcode_track_whose_steps_follow_in_order_until_it_closes() {
    let w = World::new().await;
    let child = w.admit(&[7]).await.children[0];
    let mark = w.log_mark().await;
    let unsafe_now = assessment(child, SafetyJudgement::NotGoodEnough, vec![score(SafetyRespondent::Worker, None, 3)]);
    let assessed = ok!(w.worker, safety::record_safety_assessment(unsafe_now));
    let tracks = w.rows::<reporting_code_track::Entity>().await;
    assert_eq!(tracks.len(), 1);
    let track = &tracks[0];
    assert_eq!(
        (track.safety_assessment_id, track.child_id, track.signal, track.opened_on, track.closed_on),
        (Some(assessed.id), child, ReportingCodeSignal::SafetyAssessment, today(), None)
    );

    let e = refused!(w.worker, safety::record_reporting_code_step(step(track.id, 2, Some(true), None)));
    assert_invalid(&e, "input.step");
    let close = || safety::CloseReportingCodeTrack { track_id: track.id, ..Default::default() };
    let e = refused!(w.worker, safety::close_reporting_code_track(close()));
    assert_invalid(&e, "input.trackId");
    for s in [
        step(track.id, 1, None, None),
        step(track.id, 2, Some(true), None),
        step(track.id, 3, None, None),
        step(track.id, 4, None, Some(MeldcodeDecision::AcuteOrStructuralUnsafety)),
    ] {
        ok!(w.worker, safety::record_reporting_code_step(s));
    }
    let only_help = step(track.id, 5, None, Some(MeldcodeDecision::OrganiseHelp));
    assert_invalid(&refused!(w.expert, safety::record_reporting_code_step(only_help)), "input.decision");
    let report = step(track.id, 5, None, Some(MeldcodeDecision::ReportAndOrganiseHelp));
    ok!(w.expert, safety::record_reporting_code_step(report));
    let mut steps: Vec<_> = w
        .rows::<reporting_code_step::Entity>()
        .await
        .iter()
        .map(|s| (s.step, s.decision, s.consulted_veilig_thuis))
        .collect();
    steps.sort_by_key(|s| s.0);
    assert_eq!(
        steps,
        [
            (1, None, None),
            (2, None, Some(true)),
            (3, None, None),
            (4, Some(MeldcodeDecision::AcuteOrStructuralUnsafety), None),
            (5, Some(MeldcodeDecision::ReportAndOrganiseHelp), None),
        ]
    );

    let closed = ok!(w.lead, safety::close_reporting_code_track(close()));
    assert_eq!((closed.closed_on, closed.close_reason), (Some(today()), Some(ReportingCodeCloseReason::Decided)));
    assert_eq!(w.get::<reporting_code_track::Entity>(track.id).await.closed_on, Some(today()));
    let mut expected = vec![entry(child, Create, "safety")];
    expected.extend(vec![entry(child, Update, "safety"); 6]);
    assert_eq!(w.entries_since(mark).await, expected);

    let after_close = step(track.id, 5, None, Some(MeldcodeDecision::Report));
    assert_conflict(&refused!(w.worker, safety::record_reporting_code_step(after_close)));
}

#[tokio::test]
async fn the_safety_plan_is_versioned_and_written_only_by_the_responsible_worker_lead_or_expert() {
    let w = World::new().await;
    let child = w.admit(&[7]).await.children[0];
    let mark = w.log_mark().await;
    let v1 = ok!(w.worker, safety::record_safety_plan(safety_plan_cmd(child)));
    let v2 = ok!(w.expert, safety::record_safety_plan(safety_plan_cmd(child)));
    assert_eq!((v1.version, v2.version), (1, 2));
    assert_eq!(w.get::<safety_plan::Entity>(v2.id).await.agreed_by, serde_json::json!(["moeder", "begeleider"]));
    assert_eq!(w.entries_since(mark).await, [entry(child, Create, "safety-plan"), entry(child, Create, "safety-plan")]);
    let grounds: Vec<String> = w.log_since(mark).await.into_iter().map(|e| e.ground).collect();
    assert_eq!(grounds, ["relationship:responsible-worker", "role:BEHAVIOURAL_EXPERT"]);

    assert_forbidden(&refused!(w.other_worker, safety::record_safety_plan(safety_plan_cmd(child))));
    let overdue_review = RecordSafetyPlan { review_on: days_ago(1), ..safety_plan_cmd(child) };
    assert_invalid(&refused!(w.worker, safety::record_safety_plan(overdue_review)), "input.reviewOn");
    let agreed_by_nobody = RecordSafetyPlan { agreed_by: vec!["  ".into()], ..safety_plan_cmd(child) };
    assert_invalid(&refused!(w.worker, safety::record_safety_plan(agreed_by_nobody)), "input.agreedBy");
}

// ---------------------------------------------------------------------------------------------
// Action plan
// ---------------------------------------------------------------------------------------------

fn new_goal(text: &str, sub_goals: &[SubGoal], actions: Vec<NewAction>) -> NewGoal {
    NewGoal { text: text.into(), sub_goals: sub_goals.to_vec(), core_task: CoreTask::ChildInView, actions }
}

fn action_plan_cmd(child: Uuid, goals: Vec<NewGoal>) -> RecordActionPlan {
    RecordActionPlan {
        child_id: child,
        drawn_up_on: None,
        child_language_summary: "We zorgen samen dat je je veilig voelt.".into(),
        goals,
    }
}

fn progress(goal_id: Uuid, score: i32) -> ProgressOnGoal {
    ProgressOnGoal { goal_id, score: Some(score), status: GoalStatus::InProgress }
}

#[tokio::test]
async fn an_action_plan_grows_goals_its_actions_get_done_and_every_goal_is_evaluated() {
    let w = World::new().await;
    let child = w.admit(&[7]).await.children[0];
    let mark = w.log_mark().await;
    let action = NewAction {
        description: "Veiligheidsplan met het kind bespreken".into(),
        owner: "begeleider".into(),
        due_on: in_days(7),
    };
    let goals = vec![
        new_goal("Veilig wonen en slapen", &[SubGoal::B, SubGoal::A, SubGoal::A], vec![action]),
        new_goal("Praten over thuis", &[SubGoal::D], vec![]),
    ];
    let plan = ok!(w.worker, plans::record_action_plan(action_plan_cmd(child, goals.clone())));
    assert_eq!(plan.drawn_up_on, today());
    let stored_goals = w.rows::<goal::Entity>().await;
    assert_eq!(stored_goals.len(), 2);
    let safe = stored_goals.iter().find(|g| g.text == "Veilig wonen en slapen").unwrap();
    assert_eq!(safe.sub_goals, serde_json::json!(["A", "B"]), "sub-goals sorted without repeats");
    let actions = w.rows::<goal_action::Entity>().await;
    assert_eq!(actions.iter().map(|a| (a.goal_id, a.done_on)).collect::<Vec<_>>(), [(safe.id, None)]);

    assert_conflict(&refused!(w.worker, plans::record_action_plan(action_plan_cmd(child, goals))));
    assert_invalid(&refused!(w.worker, plans::record_action_plan(action_plan_cmd(child, vec![]))), "input.goals");

    let school = ok!(w.worker, plans::add_goal(plan.id, new_goal("Weer naar school", &[SubGoal::B], vec![])));
    assert_eq!(school.plan_id, plan.id);
    let untied = new_goal("Zonder subdoel", &[], vec![]);
    assert_invalid(&refused!(w.worker, plans::add_goal(plan.id, untied)), "input.goal.subGoals");

    let action_id = actions[0].id;
    let e = refused!(w.worker, plans::record_action_done(action_id, Some(days_ago(1))));
    assert_invalid(&e, "input.doneOn");
    let done = ok!(w.worker, plans::record_action_done(action_id, None));
    assert_eq!(w.get::<goal_action::Entity>(done.id).await.done_on, Some(today()));

    let all_goals: Vec<Uuid> = w.rows::<goal::Entity>().await.iter().map(|g| g.id).collect();
    let evaluation_of = |progress: Vec<ProgressOnGoal>| RecordEvaluation {
        plan_id: plan.id,
        held_on: None,
        parent_took_part: true,
        child_took_part: true,
        notes: None,
        progress,
    };
    let one_missing = evaluation_of(all_goals[1..].iter().map(|g| progress(*g, 5)).collect());
    assert_invalid(&refused!(w.worker, plans::record_evaluation(one_missing)), "input.progress");
    let off_scale = evaluation_of(all_goals.iter().map(|g| progress(*g, 11)).collect());
    assert_invalid(&refused!(w.worker, plans::record_evaluation(off_scale)), "input.progress[0].score");
    let evaluated =
        ok!(w.worker, plans::record_evaluation(evaluation_of(all_goals.iter().map(|g| progress(*g, 6)).collect())));
    assert_eq!((evaluated.plan_id, evaluated.held_on), (plan.id, today()));
    let scored = w.rows::<goal_progress::Entity>().await;
    assert_eq!(scored.len(), 3);
    assert!(scored.iter().all(|p| p.evaluation_id == evaluated.id && p.score == Some(6)));
    assert_eq!(w.rows::<evaluation::Entity>().await.len(), 1);
    assert_eq!(w.rows::<action_plan::Entity>().await.len(), 1);

    let mut expected = vec![entry(child, Create, "action-plan")];
    expected.extend(vec![entry(child, Update, "action-plan"); 3]);
    assert_eq!(w.entries_since(mark).await, expected);
}

// ---------------------------------------------------------------------------------------------
// Network
// ---------------------------------------------------------------------------------------------

fn network_member_details(name: &str) -> NetworkMemberDetails {
    NetworkMemberDetails {
        name: name.into(),
        relation: NetworkRelation::Family,
        person_id: None,
        role_for_child: Some("logeeradres".into()),
        contact_safe: true,
        restrictions: None,
        contact_details: None,
        what_they_can_do: Some("oppassen op woensdag".into()),
        agreed_to_be_named: true,
    }
}

#[tokio::test]
async fn a_network_member_is_added_corrected_and_removed() {
    let w = World::new().await;
    let family = w.admit(&[7]).await;
    let child = family.children[0];
    let mark = w.log_mark().await;
    let added = ok!(w.worker, network::add_network_member(child, network_member_details(" Oma Riet ")));
    assert_eq!(
        (added.child_id, added.name.as_str(), added.recorded_by_worker_id),
        (child, "Oma Riet", Some(w.worker.id))
    );

    let restricted = NetworkMemberDetails {
        contact_safe: false,
        restrictions: Some("alleen onder begeleiding".into()),
        person_id: Some(family.mum),
        relation: NetworkRelation::Parent,
        ..network_member_details("Sara Jansen")
    };
    ok!(w.expert, network::update_network_member(added.id, restricted));
    let stored = w.get::<network_member::Entity>(added.id).await;
    assert_eq!(
        (stored.contact_safe, stored.person_id, stored.recorded_by_worker_id),
        (false, Some(family.mum), Some(w.expert.id))
    );
    assert_eq!(stored.restrictions.as_deref(), Some("alleen onder begeleiding"));

    let unrestricted = NetworkMemberDetails { contact_safe: false, ..network_member_details("Buurman") };
    let e = refused!(w.worker, network::update_network_member(added.id, unrestricted.clone()));
    assert_invalid(&e, "input.member.restrictions");
    assert_invalid(&refused!(w.worker, network::add_network_member(child, unrestricted)), "input.member.restrictions");
    let unknown_person = NetworkMemberDetails { person_id: Some(Uuid::now_v7()), ..network_member_details("Iemand") };
    assert_invalid(&refused!(w.worker, network::add_network_member(child, unknown_person)), "input.member.personId");
    assert_forbidden(&refused!(w.admin, network::remove_network_member(added.id)));

    ok!(w.worker, network::remove_network_member(added.id));
    assert!(w.rows::<network_member::Entity>().await.is_empty());
    assert_eq!(
        w.entries_since(mark).await,
        [entry(child, Create, "network"), entry(child, Update, "network"), entry(child, Delete, "network")]
    );
}

// ---------------------------------------------------------------------------------------------
// Persons
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_person_s_record_is_corrected_within_the_rules_of_admission() {
    let w = World::new().await;
    let family = w.admit(&[7]).await;
    let child = family.children[0];
    let mut other = w.admit_cmd(&[5]);
    other.members[0].bsn = Some(bsn(2));
    w.admit_with(other).await;
    let mark = w.log_mark().await;

    let correction =
        UpdatePerson { id: child, given_name: Some(" Noor ".into()), bsn: Some(Some(bsn(3))), ..Default::default() };
    let (updated, ground) = ok!(w.worker, persons::update_person(correction));
    assert_eq!(ground, Ground::Role(Role::ChildFamilyWorker));
    let stored = w.get::<person::Entity>(child).await;
    assert_eq!((stored.given_name.as_str(), stored.bsn.clone()), ("Noor", Some(bsn(3))));
    assert_eq!((updated.family_name.as_str(), updated.date_of_birth), ("Jansen", born(7)), "fields left out stay");
    assert_eq!(w.entries_since(mark).await, [entry(child, Update, "identity")]);

    let taken = UpdatePerson { id: child, bsn: Some(Some(bsn(2))), ..Default::default() };
    assert_conflict(&refused!(w.worker, persons::update_person(taken)));
    let bad_bsn = UpdatePerson { id: child, bsn: Some(Some("12345".into())), ..Default::default() };
    assert_invalid(&refused!(w.worker, persons::update_person(bad_bsn)), "input.bsn");
    let adult_child = UpdatePerson { id: child, date_of_birth: Some(born(19)), ..Default::default() };
    assert_invalid(&refused!(w.worker, persons::update_person(adult_child)), "input.dateOfBirth");
    let minor_custodian = UpdatePerson { id: family.mum, date_of_birth: Some(born(16)), ..Default::default() };
    assert_invalid(&refused!(w.lead, persons::update_person(minor_custodian)), "input.dateOfBirth");
    let blank_name = UpdatePerson { id: child, given_name: Some(" ".into()), ..Default::default() };
    assert_invalid(&refused!(w.worker, persons::update_person(blank_name)), "input.givenName");
    let by_expert = UpdatePerson { id: child, given_name: Some("Fenna".into()), ..Default::default() };
    assert_forbidden(&refused!(w.expert, persons::update_person(by_expert)));
}

// ---------------------------------------------------------------------------------------------
// Involvements
// ---------------------------------------------------------------------------------------------

fn involvement_cmd(child: Uuid, partner_id: Option<Uuid>, professional_name: Option<&str>) -> AddInvolvement {
    AddInvolvement {
        child_id: child,
        partner_id,
        professional_name: professional_name.map(str::to_string),
        role: "jeugdconsulent".into(),
        phone: Some(" ".into()),
        email: None,
        since: None,
    }
}

#[tokio::test]
async fn involved_professionals_are_recorded_and_their_involvement_ended() {
    let w = World::new().await;
    let child = w.admit(&[7]).await.children[0];
    let team = w.register(partner("wijkteam", PartnerKind::YouthTeam, PartnerAdapter::None)).await;
    let mark = w.log_mark().await;
    let doctor = ok!(w.worker, involvements::add_involvement(involvement_cmd(child, None, Some(" Dr. Bakker "))));
    assert_eq!(
        (doctor.professional_name.as_deref(), doctor.phone.as_deref(), doctor.since, doctor.until),
        (Some("Dr. Bakker"), None, today(), None)
    );
    let since_last_week = AddInvolvement { since: Some(days_ago(7)), ..involvement_cmd(child, Some(team.id), None) };
    let consultant = ok!(w.admin, involvements::add_involvement(since_last_week));
    assert_eq!(
        (consultant.partner_id, consultant.since, consultant.recorded_by_worker_id),
        (Some(team.id), days_ago(7), Some(w.admin.id))
    );

    let e = refused!(w.lead, involvements::end_involvement(doctor.id, Some(days_ago(1))));
    assert_invalid(&e, "input.until");
    let ended = ok!(w.lead, involvements::end_involvement(consultant.id, None));
    assert_eq!(w.get::<involvement::Entity>(ended.id).await.until, Some(today()));
    assert_eq!(w.rows::<involvement::Entity>().await.len(), 2);
    assert_eq!(
        w.entries_since(mark).await,
        [
            entry(child, Create, "involvements"),
            entry(child, Create, "involvements"),
            entry(child, Update, "involvements")
        ]
    );

    assert_forbidden(&refused!(w.expert, involvements::add_involvement(involvement_cmd(child, None, Some("X")))));
    assert_invalid(
        &refused!(w.worker, involvements::add_involvement(involvement_cmd(child, None, Some(" ")))),
        "input.partnerId",
    );
    let unknown_partner = involvement_cmd(child, Some(Uuid::now_v7()), None);
    assert_invalid(&refused!(w.worker, involvements::add_involvement(unknown_partner)), "input.partnerId");
    assert_forbidden(&refused!(w.expert, involvements::end_involvement(doctor.id, None)));
}

// ---------------------------------------------------------------------------------------------
// Consent
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn consent_is_decided_by_whom_the_wgbo_names_and_can_be_withdrawn_once() {
    let w = World::new().await;
    let family = w.admit(&[7, 14]).await;
    let [child, teenager] = family.children[..] else { panic!("two children") };
    let team = w.register(partner("wijkteam", PartnerKind::YouthTeam, PartnerAdapter::None)).await;
    let scope = [ConsentScope::Identity, ConsentScope::Network, ConsentScope::Identity];
    let mark = w.log_mark().await;

    let given = w.give(consent_for(child, ConsentPurpose::Handover, team.id, &scope, &[family.mum])).await;
    assert_eq!((given.decision, given.decided_on, given.partner_id), (ConsentDecision::Given, today(), Some(team.id)));
    assert_eq!(given.scope, serde_json::json!(["IDENTITY", "NETWORK"]), "the scope without repeats");
    assert_eq!(given.given_by, serde_json::json!([family.mum]));

    let parent_alone = consent_for(teenager, ConsentPurpose::Handover, team.id, &scope, &[family.mum]);
    assert_invalid(&refused!(w.worker, consents::record_consent(parent_alone)), "input.decidedBy");
    let both = w.give(consent_for(teenager, ConsentPurpose::Handover, team.id, &scope, &[teenager, family.mum])).await;
    assert_eq!(both.given_by, serde_json::json!([teenager, family.mum]));

    let withdrawn = ok!(w.worker, consents::withdraw_consent(given.id, " Moeder wil het niet meer. "));
    let stored = w.get::<consent::Entity>(withdrawn.id).await;
    assert!(stored.withdrawn_at.is_some());
    assert_eq!(stored.withdrawal_reason.as_deref(), Some("Moeder wil het niet meer."));
    assert_eq!(
        w.entries_since(mark).await,
        [entry(child, Create, "consent"), entry(teenager, Create, "consent"), entry(child, Update, "consent")]
    );

    assert_conflict(&refused!(w.worker, consents::withdraw_consent(given.id, "nogmaals")));
    assert_invalid(&refused!(w.worker, consents::withdraw_consent(both.id, "  ")), "input.reason");
    let as_override = RecordConsent {
        decision: ConsentDecision::Override,
        ..consent_for(child, ConsentPurpose::Handover, team.id, &scope, &[family.mum])
    };
    assert_invalid(&refused!(w.worker, consents::record_consent(as_override)), "input.decision");
    let partner_and_kind = RecordConsent {
        partner_kind: Some(PartnerKind::School),
        ..consent_for(child, ConsentPurpose::Handover, team.id, &scope, &[family.mum])
    };
    assert_invalid(&refused!(w.worker, consents::record_consent(partner_and_kind)), "input.partnerId");
    let by_admin = consent_for(child, ConsentPurpose::Handover, team.id, &scope, &[family.mum]);
    assert_forbidden(&refused!(w.admin, consents::record_consent(by_admin)));
}

#[tokio::test]
async fn sharing_without_consent_is_weighed_by_a_lead_or_expert_and_lapses_within_two_weeks() {
    let w = World::new().await;
    let child = w.admit(&[7]).await.children[0];
    let team = w.register(partner("wijkteam", PartnerKind::YouthTeam, PartnerAdapter::None)).await;
    let cmd = |reason: &str, valid_until: Option<NaiveDate>| OverrideConsent {
        child_id: child,
        purpose: ConsentPurpose::Handover,
        partner_id: Some(team.id),
        scope: vec![ConsentScope::Identity],
        reason: reason.into(),
        valid_until,
    };
    let ground = "Art. 7.3.11 Jeugdwet: acuut gevaar, moeder onbereikbaar.";
    let mark = w.log_mark().await;
    let overridden = ok!(w.lead, consents::override_consent(cmd(ground, None)));
    let stored = w.get::<consent::Entity>(overridden.id).await;
    assert_eq!(
        (stored.decision, stored.valid_until, stored.reason.as_deref()),
        (ConsentDecision::Override, Some(in_days(14)), Some(ground))
    );
    assert_eq!(stored.given_by, serde_json::json!([]));
    assert_eq!(w.entries_since(mark).await, [entry(child, Create, "consent-override")]);
    assert_eq!(w.log_since(mark).await[0].ground, "role:TEAM_LEAD");

    assert_forbidden(&refused!(w.worker, consents::override_consent(cmd(ground, None))));
    assert_invalid(&refused!(w.expert, consents::override_consent(cmd("te kort", None))), "input.reason");
    assert_invalid(&refused!(w.expert, consents::override_consent(cmd(ground, Some(in_days(15))))), "input.validUntil");
}

// ---------------------------------------------------------------------------------------------
// Chain partners
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn chain_partners_are_registered_with_sealed_secrets_and_changed_by_an_admin_or_lead() {
    let w = World::new().await;
    let mark = w.log_mark().await;
    let with_client = |slug: &str| {
        let mut cmd = partner(slug, PartnerKind::YouthTeam, PartnerAdapter::YouthTeam);
        cmd.settings.token_url = Some(format!("https://{slug}.example.org/oauth/token"));
        cmd.settings.client_id = Some("de-haven".into());
        cmd.settings.client_secret = Some("client-secret-of-de-haven".into());
        cmd
    };
    let team = w.register(with_client("wijkteam-noord")).await;
    let stored = w.get::<chain_partner::Entity>(team.id).await;
    assert_eq!(
        (stored.slug.as_str(), stored.adapter, stored.active),
        ("wijkteam-noord", PartnerAdapter::YouthTeam, true)
    );
    let sealed = stored.client_secret_sealed.clone().expect("client secret stored");
    assert!(!sealed.contains("client-secret-of-de-haven"), "stored sealed");
    assert_eq!(w.secrets.open(&sealed).unwrap(), "client-secret-of-de-haven");
    assert_eq!(w.secrets.open(stored.signing_secret_sealed.as_deref().unwrap()).unwrap(), SIGNING_SECRET);

    assert_forbidden(&refused!(
        w.worker,
        chain_partners::register_partner(&w.secrets, &w.egress, with_client("wijkteam-zuid"))
    ));
    assert_invalid(
        &refused!(w.admin, chain_partners::register_partner(&w.secrets, &w.egress, with_client("wijkteam-noord"))),
        "input.slug",
    );
    assert_invalid(
        &refused!(w.admin, chain_partners::register_partner(&w.secrets, &w.egress, with_client("Wijkteam Zuid!"))),
        "input.slug",
    );
    let mut no_endpoint = with_client("wijkteam-oost");
    no_endpoint.settings.endpoint_url = None;
    assert_invalid(
        &refused!(w.admin, chain_partners::register_partner(&w.secrets, &w.egress, no_endpoint)),
        "input.endpointUrl",
    );
    let mut short_secret = with_client("wijkteam-west");
    short_secret.settings.signing_secret = Some("short".into());
    assert_invalid(
        &refused!(w.admin, chain_partners::register_partner(&w.secrets, &w.egress, short_secret)),
        "input.signingSecret",
    );

    let rename = ChangePartner {
        id: team.id,
        name: Some(" Wijkteam Noord-Oost ".into()),
        kind: None,
        settings: PartnerSettings { active: Some(false), ..Default::default() },
    };
    let changed = ok!(w.lead, chain_partners::change_partner(&w.secrets, &w.egress, rename));
    let after = w.get::<chain_partner::Entity>(team.id).await;
    assert_eq!(
        (changed.name.as_str(), after.name.as_str(), after.active),
        ("Wijkteam Noord-Oost", "Wijkteam Noord-Oost", false)
    );
    assert_eq!(
        (after.client_secret_sealed, after.signing_secret_sealed),
        (stored.client_secret_sealed, stored.signing_secret_sealed),
        "secrets kept"
    );

    let school = w.register(partner("de-wilg", PartnerKind::School, PartnerAdapter::None)).await;
    let client_without_secret = |id| ChangePartner {
        id,
        name: None,
        kind: None,
        settings: PartnerSettings {
            token_url: Some("https://de-wilg.example.org/token".into()),
            client_id: Some("de-haven".into()),
            ..Default::default()
        },
    };
    let e = refused!(w.admin, chain_partners::change_partner(&w.secrets, &w.egress, client_without_secret(school.id)));
    assert_invalid(&e, "input.clientSecret");
    let e = refused!(w.worker, chain_partners::change_partner(&w.secrets, &w.egress, client_without_secret(school.id)));
    assert_forbidden(&e);
    assert!(w.entries_since(mark).await.is_empty(), "partner settings are no one's record: nothing in the access log");
}

#[tokio::test]
async fn an_admin_puts_a_dead_partner_message_back_in_the_queue() {
    let w = World::new().await;
    w.register(partner("verwijsindex", PartnerKind::Verwijsindex, PartnerAdapter::Verwijsindex)).await;
    let mut cmd = w.admit_cmd(&[7]);
    cmd.members[1].bsn = Some(bsn(4));
    let child = w.admit_with(cmd).await.children[0];
    let signal = RegisterSignal {
        child_id: child,
        contact_worker_id: None,
        contact_phone: None,
        contact_email: None,
        start_on: None,
        end_on: None,
    };
    ok!(w.worker, reference_index::register_signal(signal));
    // The partner refuses it for good: the delivery worker marks it dead.
    let claimed = outbox::claim(&w.db, 10, std::time::Duration::from_secs(60)).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let failure = outbox::Outcome::Failed(SendError::Permanent("422 rejected".into()));
    outbox::record(&w.db, &claimed[0], failure, &RetryPolicy::default()).await.unwrap();
    let message = w.get::<outbox_message::Entity>(claimed[0].id).await;
    assert_eq!((message.status, message.attempts), (MessageStatus::Dead, 1));

    assert_forbidden(&refused!(w.lead, chain_partners::retry_message(message.id)));
    let mark = w.log_mark().await;
    let retried = ok!(w.admin, chain_partners::retry_message(message.id));
    assert_eq!((retried.status, retried.attempts), (MessageStatus::Queued, 0));
    assert_eq!(w.get::<outbox_message::Entity>(message.id).await.status, MessageStatus::Queued);
    assert!(w.entries_since(mark).await.is_empty(), "a retry reads no one's record");
    assert_conflict(&refused!(w.admin, chain_partners::retry_message(message.id)));
    assert_not_found(&refused!(w.admin, chain_partners::retry_message(Uuid::now_v7())));
}

// ---------------------------------------------------------------------------------------------
// Partner grants
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_partner_co_runs_an_intake_under_a_grant_backed_by_consent_until_it_is_revoked() {
    let w = World::new().await;
    let family = w.admit(&[7]).await;
    let child = family.children[0];
    let team = w.register(partner("wijkteam", PartnerKind::YouthTeam, PartnerAdapter::None)).await;
    let grant_cmd = |valid_until| CreateGrant { child_id: child, partner_id: team.id, valid_until };

    assert_forbidden(&refused!(w.worker, grants::create_grant(grant_cmd(None))));
    let consent = w.give(consent_for(child, ConsentPurpose::CoRunIntake, team.id, &grants::PARTS, &[family.mum])).await;
    assert_forbidden(&refused!(w.other_worker, grants::create_grant(grant_cmd(None))));
    assert_invalid(&refused!(w.worker, grants::create_grant(grant_cmd(Some(in_days(15))))), "input.validUntil");

    let mark = w.log_mark().await;
    let grant = ok!(w.worker, grants::create_grant(grant_cmd(None)));
    let stored = w.get::<partner_grant::Entity>(grant.id).await;
    assert_eq!((stored.child_id, stored.partner_id, stored.valid_until), (child, team.id, in_days(14)));
    assert_eq!(
        (stored.ground, stored.revoked_at, stored.granted_by_worker_id),
        (format!("consent:{}", consent.id), None, Some(w.worker.id))
    );

    // The partner's user reaches this child's intake, and nothing more.
    let partner_user = w.partner_user("wijkteam");
    let (used, ground) = grants::use_grant(&partner_user, &w.db, grant.id).await.expect("the grant can be used");
    assert_eq!((used.id, ground), (grant.id, Ground::Grant(grant.id)));
    let opened = grants::granted_intake(&partner_user, &w.db, grant.id).await.expect("the granted intake");
    assert_eq!((opened.child.id, opened.trajectory.child_id, opened.ground), (child, child, Ground::Grant(grant.id)));
    assert_not_found(&error(grants::use_grant(&w.partner_user("elders"), &w.db, grant.id).await));
    assert_not_found(&error(grants::granted_intake(&w.partner_user("elders"), &w.db, grant.id).await));

    let observation =
        |text: &str| AddObservation { grant_id: grant.id, observation: text.into(), agreements: Some("  ".into()) };
    let added = ok!(w, &partner_user, grants::add_observation(observation(" Moeder wil hulp bij de schuldhulp. ")));
    let stored = w.get::<intake_observation::Entity>(added.id).await;
    assert_eq!(
        (stored.observation.as_str(), stored.agreements, stored.author),
        ("Moeder wil hulp bij de schuldhulp.", None, partner_user.subject.clone())
    );
    assert_invalid(&refused!(w, &partner_user, grants::add_observation(observation(" "))), "input.observation");
    let intake_entry =
        w.log_since(mark).await.into_iter().find(|e| e.area == "intake").expect("the observation is logged");
    assert_eq!(
        (intake_entry.actor_partner.as_deref(), intake_entry.ground),
        (Some("wijkteam"), format!("grant:{}", grant.id))
    );

    // Consent withdrawn: the grant no longer opens anything.
    ok!(w.worker, consents::withdraw_consent(consent.id, "Moeder trekt toestemming in."));
    let e = error(grants::use_grant(&partner_user, &w.db, grant.id).await);
    assert!(matches!(&e, AppError::Forbidden(m) if m.contains("consent")), "{e:?}");

    assert_forbidden(&refused!(w.other_worker, grants::revoke_grant(grant.id)));
    let revoked = ok!(w.worker, grants::revoke_grant(grant.id));
    assert!(w.get::<partner_grant::Entity>(revoked.id).await.revoked_at.is_some());
    assert_conflict(&refused!(w.worker, grants::revoke_grant(grant.id)));
    let e = error(grants::use_grant(&partner_user, &w.db, grant.id).await);
    assert!(matches!(&e, AppError::Forbidden(m) if m.contains("revoked")), "{e:?}");
    assert_forbidden(&refused!(w, &partner_user, grants::add_observation(observation("Nog iets."))));

    assert_eq!(
        w.entries_since(mark).await,
        [
            entry(child, Create, "partner-grants"),
            entry(child, Create, "intake"),
            entry(child, Update, "consent"),
            entry(child, Update, "partner-grants"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Handovers and referrals
// ---------------------------------------------------------------------------------------------

fn draft_cmd(family_id: Uuid, partner_id: Uuid, child_ids: Option<Vec<Uuid>>) -> DraftHandover {
    DraftHandover {
        family_id,
        child_ids,
        partner_id,
        direction: HandoverDirection::Outflow,
        reason: "Moeder en kinderen verhuizen naar een eigen woning in de wijk.".into(),
        question: "Ambulante gezinsbegeleiding en een vinger aan de pols bij de veiligheid.".into(),
        meeting_proposed_at: None,
        meeting_place: Some("  ".into()),
        went_well: Some("Moeder heeft een netwerk opgebouwd.".into()),
        open_worries: None,
        safety_monitoring: None,
    }
}

#[tokio::test]
async fn a_warm_handover_is_drafted_sent_within_consent_met_and_completed() {
    let w = World::new().await;
    let family = w.admit(&[2, 7]).await;
    let team = w.register(partner("wijkteam-noord", PartnerKind::YouthTeam, PartnerAdapter::YouthTeam)).await;
    let [c0, c1] = family.children[..] else { panic!("two children") };
    ok!(w.worker, network::add_network_member(c0, network_member_details("Oma Riet")));
    for child in [c0, c1] {
        w.give(consent_for(
            child,
            ConsentPurpose::Handover,
            team.id,
            &[ConsentScope::Identity, ConsentScope::Network],
            &[family.mum],
        ))
        .await;
    }
    let mark = w.log_mark().await;

    let draft = ok!(w.worker, handovers::draft_handover(draft_cmd(family.id, team.id, None)));
    let kids = handovers::children_of(&draft);
    assert_eq!(sorted_ids(kids.clone()), sorted_ids(vec![c0, c1]), "all children of the family when none are named");
    assert_eq!(
        (draft.status, draft.meeting_place.clone(), draft.created_by_worker_id),
        (HandoverStatus::Draft, None, Some(w.worker.id))
    );

    // The preview is the package as it would go: identity and network, nothing without consent.
    let before = w.snapshot().await;
    let preview = handovers::preview_handover(&w.worker, &w.db, draft.id).await.expect("preview");
    w.assert_unchanged(&before, "a preview only reads").await;
    let package = &preview.built.package;
    assert_eq!((package.handover_id, package.children.len()), (draft.id, 2));
    let first = package.children.iter().find(|c| c.identity.given_name == "Kind0").unwrap();
    let names: Vec<&str> = first.network.as_ref().expect("network shared").iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Oma Riet"]);
    assert!(first.safety_plan.is_none() && first.custody.is_none());
    assert!(preview.built.omitted.iter().any(|o| o.child_id == c0 && o.part == ConsentScope::SafetyPlan));
    assert_eq!(preview.ground, Ground::Role(Role::ChildFamilyWorker));

    let sent = ok!(w.worker, handovers::send_handover(draft.id));
    assert_eq!(sent.status, HandoverStatus::Sent);
    let messages = w.outbox_of(MessageKind::HandoverPackage).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(
        (Some(messages[0].id), messages[0].status, messages[0].subject_id),
        (sent.message_id, MessageStatus::Queued, Some(draft.id))
    );
    let payload: serde_json::Value = serde_json::from_str(&messages[0].payload).unwrap();
    assert_eq!(payload["handoverId"], serde_json::json!(draft.id));

    let e = refused!(w.worker, handovers::record_meeting(draft.id, today(), None));
    assert_conflict(&e);
    handovers::apply(&w.db, &team, "accepted-1", TeamMessage::Accepted { handover_id: draft.id }).await.unwrap();
    assert_eq!(w.get::<handover::Entity>(draft.id).await.status, HandoverStatus::Accepted);
    let e = refused!(w.worker, handovers::record_meeting(draft.id, in_days(1), None));
    assert_invalid(&e, "input.heldOn");
    let met =
        ok!(w.worker, handovers::record_meeting(draft.id, today(), Some("Kennismaking bij moeder thuis.".into())));
    assert_eq!((met.status, met.meeting_held_on), (HandoverStatus::MeetingHeld, Some(today())));
    let done = ok!(w.lead, handovers::complete_handover(draft.id));
    assert_eq!(w.get::<handover::Entity>(done.id).await.status, HandoverStatus::Completed);
    assert_conflict(&refused!(w.lead, handovers::complete_handover(draft.id)));

    let each = |action, area: &str| kids.iter().map(|c| entry(*c, action, area)).collect::<Vec<_>>();
    let mut expected = each(Create, "handover");
    expected.extend(kids.iter().flat_map(|c| [entry(*c, Export, "IDENTITY"), entry(*c, Export, "NETWORK")]));
    for _ in 0..4 {
        // send, the team's acceptance, the meeting, the completion
        expected.extend(each(Update, "handover"));
    }
    assert_eq!(w.entries_since(mark).await, expected);
    w.assert_log_chain_valid().await;
}

fn sorted_ids(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort();
    ids
}

#[tokio::test]
async fn a_handover_needs_a_youth_team_children_of_the_family_and_consent_for_their_identity() {
    let w = World::new().await;
    let family = w.admit(&[7]).await;
    let other_child = w.admit(&[5]).await.children[0];
    let team = w.register(partner("wijkteam-noord", PartnerKind::YouthTeam, PartnerAdapter::YouthTeam)).await;
    let school = w.register(partner("de-wilg", PartnerKind::School, PartnerAdapter::None)).await;

    assert_forbidden(&refused!(w.admin, handovers::draft_handover(draft_cmd(family.id, team.id, None))));
    assert_invalid(
        &refused!(
            w.worker,
            handovers::draft_handover(DraftHandover { reason: " ".into(), ..draft_cmd(family.id, team.id, None) })
        ),
        "input.reason",
    );
    assert_invalid(
        &refused!(w.worker, handovers::draft_handover(draft_cmd(family.id, school.id, None))),
        "input.partnerId",
    );
    assert_invalid(
        &refused!(w.worker, handovers::draft_handover(draft_cmd(family.id, team.id, Some(vec![other_child])))),
        "input.childIds[0]",
    );
    assert_invalid(
        &refused!(w.worker, handovers::draft_handover(draft_cmd(family.id, team.id, Some(vec![])))),
        "input.childIds",
    );

    let drafted = ok!(w.worker, handovers::draft_handover(draft_cmd(family.id, team.id, None)));
    assert_forbidden(&error(handovers::preview_handover(&w.admin, &w.db, drafted.id).await));
    let e = error(handovers::preview_handover(&w.worker, &w.db, drafted.id).await);
    assert!(matches!(&e, AppError::Forbidden(m) if m.contains("Kind0")), "the refusal names the child: {e:?}");
    assert_forbidden(&refused!(w.worker, handovers::send_handover(drafted.id)));
    assert_eq!(w.get::<handover::Entity>(drafted.id).await.status, HandoverStatus::Draft);

    w.give(consent_for(
        family.children[0],
        ConsentPurpose::Handover,
        team.id,
        &[ConsentScope::Identity],
        &[family.mum],
    ))
    .await;
    ok!(w.worker, handovers::send_handover(drafted.id));
    assert_conflict(&refused!(w.worker, handovers::send_handover(drafted.id)));
    assert_eq!(w.outbox_of(MessageKind::HandoverPackage).await.len(), 1);
}

fn referral_message(referral_id: Uuid) -> TeamMessage {
    TeamMessage::Referral {
        referral_id,
        reason: "Moeder en kind moeten weg bij de partner.".into(),
        question: "Opvang voor moeder en kind.".into(),
        contact: TeamContact { name: "Jan de Wit".into(), phone: Some("030-1234567".into()), email: None },
        members: vec![ReferredPerson {
            role: "CARING_PARENT".into(),
            given_name: "Sara".into(),
            family_name: "Jansen".into(),
            date_of_birth: born(34),
            bsn: None,
        }],
    }
}

#[tokio::test]
async fn a_referral_from_a_youth_team_is_admitted_or_declined_once() {
    let w = World::new().await;
    let team = w.register(partner("wijkteam-noord", PartnerKind::YouthTeam, PartnerAdapter::YouthTeam)).await;
    let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
    for (message_id, referral_id) in [("m1", first), ("m2", second), ("m3", first)] {
        handovers::apply(&w.db, &team, message_id, referral_message(referral_id)).await.unwrap();
    }
    let referrals = w.rows::<referral::Entity>().await;
    assert_eq!(referrals.len(), 2, "a referral sent twice is kept once");
    let id_of = |external| referrals.iter().find(|r| r.external_id == external).unwrap().id;
    let (to_admit, to_decline) = (id_of(first), id_of(second));

    assert_forbidden(&refused!(w.expert, handovers::decline_referral(to_decline)));
    let mark = w.log_mark().await;
    let declined = ok!(w.worker, handovers::decline_referral(to_decline));
    assert_eq!(w.get::<referral::Entity>(declined.id).await.status, ReferralStatus::Declined);
    assert!(w.entries_since(mark).await.is_empty(), "declining a referral touches no client's record");
    assert_conflict(&refused!(w.worker, handovers::decline_referral(to_decline)));

    let family = w.admit_with(AdmitFamily { referral_id: Some(to_admit), ..w.admit_cmd(&[7]) }).await;
    let admitted = w.get::<referral::Entity>(to_admit).await;
    assert_eq!((admitted.status, admitted.family_id), (ReferralStatus::Admitted, Some(family.id)));
    assert_conflict(&refused!(w.worker, handovers::decline_referral(to_admit)));
    // The whole admission is undone when its referral was handled already.
    let again = AdmitFamily { referral_id: Some(to_admit), ..w.admit_cmd(&[5]) };
    assert_conflict(&refused!(w.worker, admission::admit_family(again)));
}

// ---------------------------------------------------------------------------------------------
// Handle with Care
// ---------------------------------------------------------------------------------------------

fn school_partner() -> RegisterPartner {
    let mut cmd = partner("de-wilg", PartnerKind::School, PartnerAdapter::School);
    cmd.name = "Basisschool De Wilg".into();
    let person = |name: &str, handle_with_care| ContactPerson {
        name: name.into(),
        role: None,
        phone: None,
        email: None,
        handle_with_care,
    };
    cmd.settings.contact_persons = Some(vec![person("Meester Bas", false), person("Ilse de Vries", true)]);
    cmd
}

#[tokio::test]
async fn handle_with_care_tells_the_school_before_the_next_school_day_and_plans_a_three_way_talk() {
    let w = World::new().await;
    let family = w.admit(&[7]).await;
    let child = family.children[0];
    let school = w.register(school_partner()).await;
    let team = w.register(partner("wijkteam", PartnerKind::YouthTeam, PartnerAdapter::None)).await;

    let agreement =
        |signed_on, valid_until| RecordCooperationAgreement { partner_id: school.id, signed_on, valid_until };
    let e = refused!(w.worker, handle_with_care::record_cooperation_agreement(agreement(days_ago(100), None)));
    assert_forbidden(&e);
    let e =
        refused!(w.lead, handle_with_care::record_cooperation_agreement(agreement(days_ago(100), Some(days_ago(101)))));
    assert_invalid(&e, "input.validUntil");
    let e = refused!(w.lead, handle_with_care::record_cooperation_agreement(agreement(in_days(1), None)));
    assert_invalid(&e, "input.signedOn");
    let mark = w.log_mark().await;
    let agreed = ok!(w.lead, handle_with_care::record_cooperation_agreement(agreement(days_ago(100), None)));
    let stored = w.get::<chain_partner::Entity>(agreed.id).await;
    assert_eq!((stored.agreement_signed_on, stored.agreement_valid_until), (Some(days_ago(100)), None));
    assert!(w.entries_since(mark).await.is_empty(), "an agreement with a school is no one's record");

    let send_cmd = |occurred_at| SendHandleWithCare {
        child_id: child,
        incident_kind: IncidentKind::ArrivalAfterDomesticViolence,
        occurred_at,
    };
    let a_minute_ago = Utc::now() - chrono::Duration::minutes(1);
    let e = refused!(w.worker, handle_with_care::send_handle_with_care(send_cmd(a_minute_ago)));
    assert!(
        matches!(&e, AppError::BadUserInput(v) if v[0].field == "input.childId" && v[0].message.contains("no school")),
        "{e:?}"
    );

    let enrol =
        |school_id, parents_informed_on| RecordSchoolEnrolment { child_id: child, school_id, parents_informed_on };
    let e = refused!(w.worker, handle_with_care::record_school_enrolment(enrol(team.id, None)));
    assert_invalid(&e, "input.schoolId");
    let e = refused!(w.worker, handle_with_care::record_school_enrolment(enrol(school.id, Some(in_days(1)))));
    assert_invalid(&e, "input.parentsInformedOn");
    let mark = w.log_mark().await;
    let enrolled = ok!(w.worker, handle_with_care::record_school_enrolment(enrol(school.id, None)));
    assert_eq!((enrolled.partner_id, enrolled.parents_informed_on), (school.id, None));
    let e = refused!(w.worker, handle_with_care::send_handle_with_care(send_cmd(a_minute_ago)));
    assert!(
        matches!(&e, AppError::BadUserInput(v) if v[0].message.contains("parents have not been informed")),
        "{e:?}"
    );
    let informed = ok!(w.worker, handle_with_care::record_school_enrolment(enrol(school.id, Some(today()))));
    let stored = w.get::<school_enrolment::Entity>(enrolled.id).await;
    assert_eq!(
        (informed.id, stored.parents_informed_on, stored.parents_informed_by_worker_id),
        (enrolled.id, Some(today()), Some(w.worker.id))
    );
    assert_eq!(w.rows::<school_enrolment::Entity>().await.len(), 1);
    assert_eq!(
        w.entries_since(mark).await,
        vec![entry(child, Create, "handle-with-care"), entry(child, Update, "handle-with-care")]
    );

    assert_forbidden(&refused!(w.worker, handle_with_care::send_handle_with_care(send_cmd(a_minute_ago))));
    let to_schools = RecordConsent {
        partner_id: None,
        partner_kind: Some(PartnerKind::School),
        ..consent_for(child, ConsentPurpose::HandleWithCare, school.id, &[ConsentScope::Identity], &[family.mum])
    };
    let consent = w.give(to_schools).await;
    assert_invalid(
        &refused!(w.worker, handle_with_care::send_handle_with_care(send_cmd(Utc::now() + chrono::Duration::hours(2)))),
        "input.occurredAt",
    );

    let mark = w.log_mark().await;
    let notice = ok!(w.worker, handle_with_care::send_handle_with_care(send_cmd(a_minute_ago)));
    let stored = w.get::<handle_with_care_notice::Entity>(notice.id).await;
    assert_eq!(
        (stored.child_id, stored.partner_id, stored.incident_kind),
        (child, school.id, IncidentKind::ArrivalAfterDomesticViolence)
    );
    assert!(stored.due_by > stored.occurred_at, "due before the next school day");
    let message = w.get::<outbox_message::Entity>(stored.message_id).await;
    assert_eq!(
        (message.kind, message.status, message.ground.clone()),
        (MessageKind::HandleWithCareNotice, MessageStatus::Queued, format!("consent:{}", consent.id))
    );
    let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap();
    let mut keys: Vec<&String> = payload.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["child", "codeWord", "contactPerson", "noticeId", "school"],
        "name, date of birth, school and code word only"
    );
    assert_eq!(payload["contactPerson"], "Ilse de Vries");
    let talk = w.get::<contact::Entity>(stored.contact_id.expect("a driegesprek is planned")).await;
    assert_eq!((talk.kind, talk.held_on), (ContactKind::ThreeWayTalk, None));
    assert!(talk.planned_on.is_some_and(|d| d >= today()));
    assert!(talk.participants.to_string().contains("Ilse de Vries (Basisschool De Wilg)"));
    assert_eq!(
        w.entries_since(mark).await,
        [entry(child, Export, "IDENTITY"), entry(child, Create, "handle-with-care")]
    );
}

// ---------------------------------------------------------------------------------------------
// Verwijsindex
// ---------------------------------------------------------------------------------------------

fn signal_cmd(child: Uuid) -> RegisterSignal {
    RegisterSignal {
        child_id: child,
        contact_worker_id: None,
        contact_phone: Some("030-7654321".into()),
        contact_email: None,
        start_on: None,
        end_on: None,
    }
}

#[tokio::test]
async fn the_organisation_s_verwijsindex_practice_needs_an_active_partner_and_registers_children_at_admission() {
    let w = World::new().await;
    let policy = |register_at_admission| SetPolicy {
        register_at_admission,
        contact_phone: Some("030-1234567".into()),
        contact_email: Some("  ".into()),
    };
    assert_forbidden(&refused!(w.worker, reference_index::set_policy(policy(false))));
    let e = refused!(w.lead, reference_index::set_policy(policy(true)));
    assert_invalid(&e, "input.registerAtAdmission");
    let mut cmd = w.admit_cmd(&[7]);
    cmd.members[1].bsn = Some(bsn(11));
    let early = w.admit_with(cmd).await.children[0];
    assert_conflict(&refused!(w.worker, reference_index::register_signal(signal_cmd(early))));
    assert!(
        w.rows::<reference_index_signal::Entity>().await.is_empty(),
        "no policy, no partner: no signal at admission"
    );

    w.register(partner("verwijsindex", PartnerKind::Verwijsindex, PartnerAdapter::Verwijsindex)).await;
    let mark = w.log_mark().await;
    let org = ok!(w.admin, reference_index::set_policy(policy(true)));
    let stored = w.get::<organisation::Entity>(org.id).await;
    assert_eq!(
        (
            stored.reference_index_register_at_admission,
            stored.reference_index_contact_phone.as_deref(),
            stored.reference_index_contact_email
        ),
        (true, Some("030-1234567"), None)
    );
    assert!(w.entries_since(mark).await.is_empty());

    let mut cmd = w.admit_cmd(&[7, 9]);
    cmd.members[1].bsn = Some(bsn(12));
    let family = w.admit_with(cmd).await;
    let [with_bsn, without_bsn] = family.children[..] else { panic!("two children") };
    let signals = w.rows::<reference_index_signal::Entity>().await;
    assert_eq!(
        signals.iter().map(|s| (s.child_id, s.status, s.contact_worker_id)).collect::<Vec<_>>(),
        [(with_bsn, SignalStatus::Requested, Some(w.worker.id))]
    );
    assert_eq!(signals[0].contact_phone.as_deref(), Some("030-1234567"), "the organisation's contact line");
    assert_eq!(w.outbox_of(MessageKind::ReferenceIndexRegister).await.len(), 1);
    let entries = w.entries_since(mark).await;
    assert!(
        entries.contains(&entry(with_bsn, Export, "IDENTITY"))
            && entries.contains(&entry(with_bsn, Create, "reference-index")),
        "{entries:?}"
    );
    assert!(!entries.iter().any(|(p, _, area)| *p == without_bsn && area == "reference-index"));
}

#[tokio::test]
async fn a_signal_is_registered_the_family_informed_and_withdrawn_with_a_reason_code_only() {
    let w = World::new().await;
    w.register(partner("verwijsindex", PartnerKind::Verwijsindex, PartnerAdapter::Verwijsindex)).await;
    let mut cmd = w.admit_cmd(&[7, 9]);
    cmd.members[1].bsn = Some(bsn(21));
    let family = w.admit_with(cmd).await;
    let [child, without_bsn] = family.children[..] else { panic!("two children") };
    let mark = w.log_mark().await;

    let signal = ok!(w.worker, reference_index::register_signal(signal_cmd(child)));
    let stored = w.get::<reference_index_signal::Entity>(signal.id).await;
    assert_eq!(
        (stored.status, stored.contact_worker_id, stored.start_on),
        (SignalStatus::Requested, Some(w.worker.id), today())
    );
    assert_eq!(stored.end_on, today().checked_add_months(Months::new(24)).unwrap(), "two years");
    let register = w.outbox_of(MessageKind::ReferenceIndexRegister).await;
    assert_eq!(
        (register.len(), register[0].subject_id, register[0].ground.as_str()),
        (1, Some(signal.id), "statute:jeugdwet-7.1.3.1")
    );
    assert!(
        register[0].payload.contains(&bsn(21)) && !register[0].payload.contains("Kind0"),
        "the BSN, never the name"
    );
    assert_eq!(
        w.entries_since(mark).await,
        [entry(child, Export, "IDENTITY"), entry(child, Create, "reference-index")]
    );

    assert_conflict(&refused!(w.worker, reference_index::register_signal(signal_cmd(child))));
    assert_invalid(&refused!(w.worker, reference_index::register_signal(signal_cmd(without_bsn))), "input.childId");
    assert_forbidden(&refused!(w.admin, reference_index::register_signal(signal_cmd(without_bsn))));

    let e = refused!(w.worker, reference_index::record_informed(signal.id, None, None));
    assert_invalid(&e, "input.parentInformedOn");
    let e = refused!(w.worker, reference_index::record_informed(signal.id, None, Some(today())));
    assert_invalid(&e, "input.childInformedOn");
    let mark = w.log_mark().await;
    ok!(w.worker, reference_index::record_informed(signal.id, Some(today()), None));
    let stored = w.get::<reference_index_signal::Entity>(signal.id).await;
    assert_eq!(
        (stored.parent_informed_on, stored.parent_informed_by_worker_id, stored.child_informed_on),
        (Some(today()), Some(w.worker.id), None)
    );

    let withdrawn = ok!(
        w.lead,
        reference_index::withdraw_signal(
            signal.id,
            WithdrawalReason::CareEnded,
            Some("Gezin verhuisd naar Zwolle".into())
        )
    );
    let stored = w.get::<reference_index_signal::Entity>(withdrawn.id).await;
    assert_eq!((stored.status, stored.withdrawal_reason), (SignalStatus::Withdrawn, Some(WithdrawalReason::CareEnded)));
    assert!(stored.ended_at.is_some());
    let withdrawal = w.outbox_of(MessageKind::ReferenceIndexWithdraw).await;
    assert_eq!(withdrawal.len(), 1);
    assert!(!withdrawal[0].payload.contains("Zwolle"), "the note stays here");
    assert_eq!(
        w.entries_since(mark).await,
        [
            entry(child, Update, "reference-index"),
            entry(child, Export, "IDENTITY"),
            entry(child, Update, "reference-index")
        ]
    );

    let e = refused!(w.lead, reference_index::withdraw_signal(signal.id, WithdrawalReason::Other, None));
    assert_conflict(&e);
}
