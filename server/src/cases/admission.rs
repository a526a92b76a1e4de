//! Opname: a family arrives (members, custody, a trajectory per child), a member joins later,
//! or the family moves to another location.

use super::{Actor, handovers, reference_index, trajectories};
use crate::{
    audit::{self, AccessEvent},
    domain::admission::{self, MemberDraft, PersonDraft},
    error::{AppError, AppResult, Violation},
    policy::{self, Ground},
};
use chrono::{NaiveDate, Utc};
use entities::{
    AccessAction, CareSetting, MembershipRole, Sex, custody, family, family_membership, location, person, phase_change,
    placement, trajectory,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use uuid::Uuid;

/// A person joining a family (gezinslid).
#[derive(Debug, Clone)]
pub struct NewMember {
    /// The caller's own reference for this member, to name them in `custodian_refs`.
    pub reference: Option<String>,
    pub role: MembershipRole,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
    pub bsn: Option<String>,
    pub sex: Sex,
    pub gender_identity: Option<String>,
    /// For a child: the references of the adults holding custody (gezag).
    pub custodian_refs: Vec<String>,
    /// For a child: the responsible worker, when not the family's default.
    pub responsible_worker_id: Option<Uuid>,
}

impl NewMember {
    fn draft(&self) -> MemberDraft {
        MemberDraft {
            reference: self.reference.clone(),
            role: self.role,
            person: PersonDraft {
                given_name: self.given_name.clone(),
                family_name: self.family_name.clone(),
                date_of_birth: self.date_of_birth,
                bsn: self.bsn.clone(),
            },
            custodian_refs: self.custodian_refs.clone(),
        }
    }

    fn person(&self, organisation_id: Uuid, bsn: Option<String>) -> person::Model {
        let now = Utc::now();
        person::Model {
            id: Uuid::now_v7(),
            organisation_id,
            given_name: self.given_name.trim().to_string(),
            family_name: self.family_name.trim().to_string(),
            date_of_birth: self.date_of_birth,
            bsn,
            sex: self.sex,
            gender_identity: self.gender_identity.clone(),
            created_at: now,
            updated_at: now,
        }
    }
}

/// Opname: a family arrives at a location.
#[derive(Debug, Clone)]
pub struct AdmitFamily {
    pub location_id: Uuid,
    /// Today when left out.
    pub admission_date: Option<NaiveDate>,
    /// The location's setting when left out.
    pub setting: Option<CareSetting>,
    /// Responsible worker for every child without one of their own.
    pub responsible_worker_id: Option<Uuid>,
    pub members: Vec<NewMember>,
    /// The referral (aanmelding) from a partner this admission confirms.
    pub referral_id: Option<Uuid>,
}

/// What an admission created.
#[derive(Debug, Clone)]
pub struct Admitted {
    pub family: family::Model,
    /// The children, each now a client with a trajectory, in the order given.
    pub children: Vec<person::Model>,
}

/// Registers a family with its members and custody, and opens a trajectory in phase 1 for
/// every child, each with a responsible worker; registers the children in the Verwijsindex when
/// the organisation's policy says so. All or nothing within `txn`.
pub async fn admit_family(actor: Actor<'_>, txn: &DatabaseTransaction, cmd: AdmitFamily) -> AppResult<Admitted> {
    let p = actor.principal;
    let ground = policy::edit_cases(p)?;
    let org = p.organisation_id;
    let today = Utc::now().date_naive();
    let admission_date = cmd.admission_date.unwrap_or(today);

    let mut violations = Vec::new();
    let mut child_workers = Vec::new();
    for (i, m) in cmd.members.iter().enumerate() {
        let field = format!("input.members[{i}].responsibleWorkerId");
        let own = m.responsible_worker_id;
        match (m.role, own.or(cmd.responsible_worker_id)) {
            (MembershipRole::Child, Some(w)) => {
                child_workers.push((w, own.map_or("input.responsibleWorkerId".into(), |_| field)))
            }
            (MembershipRole::Child, None) => {
                violations.push(Violation::new(field, "every child needs a responsible worker"))
            }
            (_, _) if own.is_some() => {
                violations.push(Violation::new(field, "only children have a responsible worker"))
            }
            _ => {}
        }
    }
    let drafts: Vec<MemberDraft> = cmd.members.iter().map(NewMember::draft).collect();
    let checked = match admission::check_admission(&drafts, admission_date, today) {
        Ok(c) if violations.is_empty() => c,
        Ok(_) => return Err(AppError::BadUserInput(violations)),
        Err(mut v) => {
            v.append(&mut violations);
            return Err(AppError::BadUserInput(v));
        }
    };

    let location = location_in_org(txn, org, cmd.location_id).await?;
    trajectories::check_responsible_workers(txn, org, &child_workers).await?;

    let now = Utc::now();
    let family = family::Model {
        id: Uuid::now_v7(),
        organisation_id: org,
        location_id: location.id,
        admitted_on: admission_date,
        created_at: now,
        updated_at: now,
    };
    let setting = cmd.setting.unwrap_or(location.setting);
    let mut rows = NewRows::default();
    let persons: Vec<person::Model> =
        cmd.members.iter().zip(&checked.bsns).map(|(m, bsn)| m.person(org, bsn.map(|b| b.to_string()))).collect();
    let mut workers = child_workers.into_iter().map(|(w, _)| w);
    let mut children = Vec::new();
    for (i, (m, person)) in cmd.members.iter().zip(&persons).enumerate() {
        rows.membership(family.id, person.id, m.role);
        rows.events.push(AccessEvent::new(person.id, AccessAction::Create, "identity", &ground));
        for &k in &checked.custodians[i] {
            rows.custody(person.id, persons[k].id, &ground);
        }
        if m.role == MembershipRole::Child {
            let worker = workers.next().expect("one worker per child was checked above");
            children.push((person.clone(), worker));
            rows.trajectory(
                trajectories::open(org, person.id, family.id, worker, setting, admission_date, p.worker_id),
                &ground,
            );
        }
    }
    for (i, person) in persons.into_iter().enumerate() {
        rows.person(person, format!("input.members[{i}].bsn"));
    }
    let family = family::ActiveModel::from(family).insert(txn).await?;
    placement::Entity::insert(placement(&family, family.location_id, admission_date))
        .exec_without_returning(txn)
        .await?;
    let events = rows.insert(txn).await?;
    audit::append(txn, p, actor.meta, &events).await?;
    reference_index::register_at_admission(txn, p, actor.meta, &ground, &children).await?;
    if let Some(referral) = cmd.referral_id {
        handovers::admit_referral(txn, org, referral, family.id).await?;
    }
    Ok(Admitted { family, children: children.into_iter().map(|(child, _)| child).collect() })
}

/// A person joins a family already admitted.
#[derive(Debug, Clone)]
pub struct AddFamilyMember {
    pub family_id: Uuid,
    pub member: NewMember,
    /// For a child: members of the family holding custody over them.
    pub custodian_ids: Vec<Uuid>,
    /// For an adult: children of the family they hold custody over.
    pub custody_over_child_ids: Vec<Uuid>,
    /// For a child: the admission date of their trajectory; today when left out.
    pub admission_date: Option<NaiveDate>,
}

/// Adds a person to a family: a child gets a trajectory in phase 1; an adult can be given
/// custody over children of the family.
pub async fn add_family_member(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: AddFamilyMember,
) -> AppResult<family::Model> {
    let p = actor.principal;
    let ground = policy::edit_cases(p)?;
    let org = p.organisation_id;
    let today = Utc::now().date_naive();
    let m = &cmd.member;
    let admission_date = cmd.admission_date.unwrap_or(today);
    let is_child = m.role == MembershipRole::Child;

    let mut v = Vec::new();
    let bsn = admission::check_person(&m.draft().person, "input.member", today, &mut v);
    if is_child || m.role == MembershipRole::ChildNotAdmitted {
        admission::check_child_age(m.date_of_birth, admission_date, "input.member.dateOfBirth", &mut v);
    }
    if !is_child && !cmd.custodian_ids.is_empty() {
        v.push(Violation::new("input.custodianIds", "only children have custodians"));
    }
    if !is_child && !cmd.custody_over_child_ids.is_empty() {
        admission::check_custodian(m.role, m.date_of_birth, today, "input.custodyOverChildIds", &mut v);
    }
    if is_child && !cmd.custody_over_child_ids.is_empty() {
        v.push(Violation::new("input.custodyOverChildIds", "a child cannot hold custody"));
    }
    if !m.custodian_refs.is_empty() {
        v.push(Violation::new("input.member.custodianRefs", "name existing members with custodianIds"));
    }
    if cmd.admission_date.is_some_and(|d| d > today) {
        v.push(Violation::new("input.admissionDate", "the admission date lies in the future"));
    }
    match (is_child, m.responsible_worker_id) {
        (true, None) => {
            v.push(Violation::new("input.member.responsibleWorkerId", "every child needs a responsible worker"))
        }
        (false, Some(_)) => {
            v.push(Violation::new("input.member.responsibleWorkerId", "only children have a responsible worker"))
        }
        _ => {}
    }
    if !v.is_empty() {
        return Err(AppError::BadUserInput(v));
    }

    let family = family_in_org(txn, org, cmd.family_id).await?;
    let members = family_membership::Entity::find()
        .find_also_related(person::Entity)
        .filter(family_membership::Column::FamilyId.eq(family.id))
        .all(txn)
        .await?;
    let member = |id: Uuid| members.iter().find(|(ms, _)| ms.person_id == id);
    for (i, c) in cmd.custodian_ids.iter().enumerate() {
        match member(*c) {
            Some((ms, Some(adult))) => admission::check_custodian(
                ms.role,
                adult.date_of_birth,
                today,
                &format!("input.custodianIds[{i}]"),
                &mut v,
            ),
            _ => v.push(Violation::new(format!("input.custodianIds[{i}]"), "not a member of this family")),
        }
    }
    for (i, c) in cmd.custody_over_child_ids.iter().enumerate() {
        if !matches!(member(*c), Some((ms, _)) if ms.role == MembershipRole::Child) {
            v.push(Violation::new(format!("input.custodyOverChildIds[{i}]"), "not a child of this family"));
        }
    }
    if !v.is_empty() {
        return Err(AppError::BadUserInput(v));
    }
    if let Some(worker) = m.responsible_worker_id {
        trajectories::check_responsible_workers(txn, org, &[(worker, "input.member.responsibleWorkerId".into())])
            .await?;
    }
    let person = m.person(org, bsn.map(|b| b.to_string()));
    let mut rows = NewRows::default();
    rows.membership(family.id, person.id, m.role);
    rows.events.push(AccessEvent::new(person.id, AccessAction::Create, "identity", &ground));
    for &c in &cmd.custodian_ids {
        rows.custody(person.id, c, &ground);
    }
    for &child in &cmd.custody_over_child_ids {
        rows.custody(child, person.id, &ground);
    }
    if let Some(worker) = m.responsible_worker_id {
        let location = location_in_org(txn, org, family.location_id).await?;
        rows.trajectory(
            trajectories::open(org, person.id, family.id, worker, location.setting, admission_date, p.worker_id),
            &ground,
        );
    }
    rows.person(person, "input.member.bsn".into());
    let events = rows.insert(txn).await?;
    audit::append(txn, p, actor.meta, &events).await?;
    Ok(family)
}

/// Verhuizing: the family moves to another location of the organisation.
#[derive(Debug, Clone)]
pub struct MoveFamily {
    pub family_id: Uuid,
    pub location_id: Uuid,
    /// Today when left out.
    pub moved_on: Option<NaiveDate>,
}

/// Moves the family: its current placement ends on the day of the move and the next begins.
pub async fn move_family(actor: Actor<'_>, txn: &DatabaseTransaction, cmd: MoveFamily) -> AppResult<family::Model> {
    let p = actor.principal;
    let ground = policy::edit_cases(p)?;
    // Locked, so that two moves of one family at once end one placement each in turn.
    let family = family::Entity::find_by_id(cmd.family_id)
        .filter(family::Column::OrganisationId.eq(p.organisation_id))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("family"))?;
    location_in_org(txn, p.organisation_id, cmd.location_id).await?;
    if family.location_id == cmd.location_id {
        return Err(AppError::invalid("input.locationId", "the family already stays at this location"));
    }
    let today = Utc::now().date_naive();
    let moved_on = cmd.moved_on.unwrap_or(today);
    if moved_on > today {
        return Err(AppError::invalid("input.movedOn", "the move lies in the future"));
    }
    let current = placement::Entity::find()
        .filter(placement::Column::FamilyId.eq(family.id))
        .filter(placement::Column::UntilDate.is_null())
        .one(txn)
        .await?;
    if let Some(c) = &current
        && moved_on < c.from_date
    {
        return Err(AppError::invalid(
            "input.movedOn",
            format!("before the family came to its current location on {}", c.from_date),
        ));
    }
    if let Some(c) = current {
        let mut ended: placement::ActiveModel = c.into();
        ended.until_date = Set(Some(moved_on));
        ended.update(txn).await?;
    }
    placement::Entity::insert(placement(&family, cmd.location_id, moved_on)).exec_without_returning(txn).await?;
    let members =
        family_membership::Entity::find().filter(family_membership::Column::FamilyId.eq(family.id)).all(txn).await?;
    let mut m: family::ActiveModel = family.into();
    m.location_id = Set(cmd.location_id);
    m.updated_at = Set(Utc::now());
    let family = m.update(txn).await?;
    let events: Vec<_> =
        members.iter().map(|ms| AccessEvent::new(ms.person_id, AccessAction::Update, "placement", &ground)).collect();
    audit::append(txn, p, actor.meta, &events).await?;
    Ok(family)
}

fn placement(family: &family::Model, location_id: Uuid, from: NaiveDate) -> placement::ActiveModel {
    placement::Model {
        id: Uuid::now_v7(),
        organisation_id: family.organisation_id,
        family_id: family.id,
        location_id,
        from_date: from,
        until_date: None,
        created_at: Utc::now(),
    }
    .into()
}

/// Rows to insert for one admission, written in dependency order.
#[derive(Default)]
struct NewRows {
    persons: Vec<person::ActiveModel>,
    /// The persons with a BSN, and the input field that gave it.
    bsn_fields: Vec<(Uuid, String)>,
    memberships: Vec<family_membership::ActiveModel>,
    custody: Vec<custody::ActiveModel>,
    trajectories: Vec<trajectory::ActiveModel>,
    phase_changes: Vec<phase_change::ActiveModel>,
    events: Vec<AccessEvent>,
}

impl NewRows {
    fn person(&mut self, person: person::Model, bsn_field: String) {
        if person.bsn.is_some() {
            self.bsn_fields.push((person.id, bsn_field));
        }
        self.persons.push(person.into());
    }

    /// Inserts the persons, leaving out any whose BSN is registered in the organisation
    /// already (the unique index `ux_person_bsn` decides, also between simultaneous
    /// admissions: the later one waits for the earlier and then finds the BSN taken), and
    /// answers CONFLICT naming the first such member's field. `ON CONFLICT DO NOTHING` rather
    /// than catching the violation: on PostgreSQL a violation aborts the transaction.
    async fn insert_persons(&mut self, txn: &DatabaseTransaction) -> AppResult<()> {
        let count = self.persons.len() as u64;
        if count == 0 {
            return Ok(());
        }
        let registered_once = OnConflict::columns([person::Column::OrganisationId, person::Column::Bsn])
            .target_and_where(Expr::col(person::Column::Bsn).is_not_null())
            .do_nothing()
            .to_owned();
        let inserted = person::Entity::insert_many(std::mem::take(&mut self.persons))
            .on_conflict(registered_once)
            .exec_without_returning(txn)
            .await?;
        if inserted == count {
            return Ok(());
        }
        let written: Vec<Uuid> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::Id.is_in(self.bsn_fields.iter().map(|(id, _)| *id)))
            .into_tuple()
            .all(txn)
            .await?;
        let field = self.bsn_fields.iter().find(|(id, _)| !written.contains(id)).map_or("bsn", |(_, f)| f.as_str());
        Err(AppError::Taken(Violation::new(field, "a person with this BSN is already registered in your organisation")))
    }

    fn membership(&mut self, family_id: Uuid, person_id: Uuid, role: MembershipRole) {
        let now = Utc::now();
        self.memberships.push(
            family_membership::Model {
                id: Uuid::now_v7(),
                family_id,
                person_id,
                role,
                created_at: now,
                updated_at: now,
            }
            .into(),
        );
    }

    fn custody(&mut self, child_id: Uuid, custodian_id: Uuid, ground: &Ground) {
        let now = Utc::now();
        self.custody.push(
            custody::Model { id: Uuid::now_v7(), child_id, custodian_id, created_at: now, updated_at: now }.into(),
        );
        self.events.push(AccessEvent::new(child_id, AccessAction::Create, "custody", ground));
    }

    fn trajectory(&mut self, (t, change): (trajectory::Model, phase_change::Model), ground: &Ground) {
        self.events.push(AccessEvent::new(t.child_id, AccessAction::Create, "trajectory", ground));
        self.trajectories.push(t.into());
        self.phase_changes.push(change.into());
    }

    async fn insert(mut self, txn: &DatabaseTransaction) -> AppResult<Vec<AccessEvent>> {
        async fn all<A: ActiveModelTrait + Send>(txn: &DatabaseTransaction, rows: Vec<A>) -> AppResult<()>
        where
            <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
        {
            if !rows.is_empty() {
                <A::Entity as EntityTrait>::insert_many(rows).exec_without_returning(txn).await?;
            }
            Ok(())
        }
        self.insert_persons(txn).await?;
        all(txn, self.memberships).await?;
        all(txn, self.custody).await?;
        all(txn, self.trajectories).await?;
        all(txn, self.phase_changes).await?;
        Ok(self.events)
    }
}

async fn family_in_org<C: ConnectionTrait>(db: &C, organisation_id: Uuid, id: Uuid) -> AppResult<family::Model> {
    family::Entity::find_by_id(id)
        .filter(family::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("family"))
}

pub(super) async fn location_in_org<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    id: Uuid,
) -> AppResult<location::Model> {
    location::Entity::find_by_id(id)
        .filter(location::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("location"))
}
