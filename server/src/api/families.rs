//! Families (gezin): admission, members, custody, and moving between locations.

use super::{
    children::{Child, check_responsible_workers, open_trajectory},
    context::ContextExt,
    ids,
    loaders::{FamilyId, LocationId, MembersOf},
    organisation::Location,
    pagination::{self, Conn, TotalCount},
    persons::{Person, ensure_bsn_free},
    scalars::Date,
};
use crate::{
    cases::reference_index,
    audit::{self, AccessEvent},
    domain::admission::{self, MemberDraft, PersonDraft},
    error::{AppError, AppResult, Violation},
    policy::{self, Ground},
};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::Utc;
use entities::{
    AccessAction, CareSetting, MembershipRole, Sex, custody, family, family_membership, location, person,
    phase_change, trajectory,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryTrait, TransactionTrait,
};
use uuid::Uuid;

/// Gezin: the system around the children, as registered at admission.
pub struct Family(pub family::Model);

impl Family {
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        policy::read_cases(ctx.principal()?)?;
        let f = ctx.loader().load_one(FamilyId(id)).await?.ok_or(AppError::NotFound("family"))?;
        Ok(Self(f))
    }

    async fn members_with_ground(&self, ctx: &Context<'_>) -> AppResult<(Vec<(MembershipRole, person::Model)>, Ground)> {
        let ground = policy::read_cases(ctx.principal()?)?;
        let members = ctx.loader().load_one(MembersOf(self.0.id)).await?.unwrap_or_default();
        Ok((members, ground))
    }
}

/// A person in a family, with their role in it.
pub struct FamilyMember {
    role: MembershipRole,
    person: Person,
}

#[Object]
impl FamilyMember {
    /// Rol in het gezin.
    async fn role(&self) -> MembershipRole {
        self.role
    }
    async fn person(&self) -> &Person {
        &self.person
    }
}

#[Object]
impl Family {
    pub async fn id(&self) -> ID {
        ids::encode("Family", self.0.id)
    }
    /// Opnamedatum of the family.
    async fn admitted_on(&self) -> Date {
        Date(self.0.admitted_on)
    }
    /// Where the family stays.
    async fn location(&self, ctx: &Context<'_>) -> AppResult<Location> {
        let l = ctx.loader().load_one(LocationId(self.0.location_id)).await?;
        l.map(Location).ok_or(AppError::NotFound("location"))
    }
    /// Everyone registered in the family.
    async fn members(&self, ctx: &Context<'_>) -> AppResult<Vec<FamilyMember>> {
        let (members, ground) = self.members_with_ground(ctx).await?;
        Ok(members.into_iter().map(|(role, p)| FamilyMember { role, person: Person::read(ctx, p, &ground) }).collect())
    }
    /// The children, each a client in their own right.
    async fn children(&self, ctx: &Context<'_>) -> AppResult<Vec<Child>> {
        let (members, ground) = self.members_with_ground(ctx).await?;
        Ok(members
            .into_iter()
            .filter(|(role, _)| *role == MembershipRole::Child)
            .map(|(_, p)| {
                ctx.log_read(p.id, "identity", &ground);
                Child(p)
            })
            .collect())
    }
}

#[derive(InputObject, Default)]
pub struct FamilyFilter {
    pub location_id: Option<ID>,
    pub admitted_from: Option<Date>,
    pub admitted_to: Option<Date>,
}

#[derive(Default)]
pub struct FamilyQuery;

#[Object]
impl FamilyQuery {
    /// Families of your organisation, oldest admission record first.
    #[graphql(complexity = "first.or(last).unwrap_or(20) as usize * child_complexity")]
    async fn families(
        &self,
        ctx: &Context<'_>,
        filter: Option<FamilyFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<Conn<Family>> {
        let p = ctx.principal()?;
        policy::read_cases(p)?;
        let page = pagination::page(first, after, last, before, ctx.state().max_page_size)?;
        let f = filter.unwrap_or_default();
        let location = f.location_id.as_ref().map(|id| ids::decode(id, "Location", "filter.locationId")).transpose()?;
        let select = family::Entity::find()
            .filter(family::Column::OrganisationId.eq(p.organisation_id))
            .apply_if(location, |q, l| q.filter(family::Column::LocationId.eq(l)))
            .apply_if(f.admitted_from, |q, d| q.filter(family::Column::AdmittedOn.gte(d.0)))
            .apply_if(f.admitted_to, |q, d| q.filter(family::Column::AdmittedOn.lte(d.0)));
        let total = TotalCount::of(ctx, &select, family::Column::Id);
        let (rows, prev, next) = pagination::fetch(ctx, select, family::Column::Id, &page).await?;
        Ok(pagination::connection(rows, prev, next, total, |f| f.id, Family))
    }

    async fn family(&self, ctx: &Context<'_>, id: ID) -> AppResult<Family> {
        Family::find(ctx, ids::decode(&id, "Family", "id")?).await
    }
}

/// A person joining a family.
#[derive(InputObject, Clone)]
pub struct NewMemberInput {
    /// Your own reference for this member, to name them in `custodianRefs`.
    #[graphql(name = "ref")]
    pub reference: Option<String>,
    pub role: MembershipRole,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Date,
    pub bsn: Option<String>,
    #[graphql(default_with = "Sex::Unknown")]
    pub sex: Sex,
    pub gender_identity: Option<String>,
    /// For a child: the `ref`s of the adults holding custody (gezag).
    #[graphql(default)]
    pub custodian_refs: Vec<String>,
    /// For a child: the responsible worker, when not the family's default.
    pub responsible_worker_id: Option<ID>,
}

impl NewMemberInput {
    fn draft(&self) -> MemberDraft {
        MemberDraft {
            reference: self.reference.clone(),
            role: self.role,
            person: PersonDraft {
                given_name: self.given_name.clone(),
                family_name: self.family_name.clone(),
                date_of_birth: self.date_of_birth.0,
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
            date_of_birth: self.date_of_birth.0,
            bsn,
            sex: self.sex,
            gender_identity: self.gender_identity.clone(),
            created_at: now,
            updated_at: now,
        }
    }
}

/// Opname: a family arrives at a location.
#[derive(InputObject)]
pub struct AdmitFamilyInput {
    pub location_id: ID,
    /// Today when left out.
    pub admission_date: Option<Date>,
    /// Residential or ambulant; the location's setting when left out.
    pub setting: Option<CareSetting>,
    /// Responsible worker for every child without one of their own.
    pub responsible_worker_id: Option<ID>,
    pub members: Vec<NewMemberInput>,
    /// The referral (aanmelding) from a partner this admission confirms.
    pub referral_id: Option<ID>,
}

#[derive(InputObject)]
pub struct AddFamilyMemberInput {
    pub family_id: ID,
    pub member: NewMemberInput,
    /// For a child: members of the family holding custody over them.
    #[graphql(default)]
    pub custodian_ids: Vec<ID>,
    /// For an adult: children of the family they hold custody over.
    #[graphql(default)]
    pub custody_over_child_ids: Vec<ID>,
    /// For a child: the admission date of their trajectory; today when left out.
    pub admission_date: Option<Date>,
}

#[derive(InputObject)]
pub struct MoveFamilyInput {
    pub family_id: ID,
    pub location_id: ID,
}

/// Rows to insert for one mutation, written in dependency order.
#[derive(Default)]
struct NewRows {
    persons: Vec<person::ActiveModel>,
    memberships: Vec<family_membership::ActiveModel>,
    custody: Vec<custody::ActiveModel>,
    trajectories: Vec<trajectory::ActiveModel>,
    phase_changes: Vec<phase_change::ActiveModel>,
    events: Vec<AccessEvent>,
}

impl NewRows {
    fn membership(&mut self, family_id: Uuid, person_id: Uuid, role: MembershipRole) {
        let now = Utc::now();
        self.memberships.push(
            family_membership::Model { id: Uuid::now_v7(), family_id, person_id, role, created_at: now, updated_at: now }.into(),
        );
    }

    fn custody(&mut self, child_id: Uuid, custodian_id: Uuid, ground: &Ground) {
        let now = Utc::now();
        self.custody.push(custody::Model { id: Uuid::now_v7(), child_id, custodian_id, created_at: now, updated_at: now }.into());
        self.events.push(AccessEvent::new(child_id, AccessAction::Create, "custody", ground));
    }

    async fn insert(self, txn: &DatabaseTransaction) -> AppResult<Vec<AccessEvent>> {
        async fn all<A: ActiveModelTrait + Send>(txn: &DatabaseTransaction, rows: Vec<A>) -> AppResult<()>
        where
            <A::Entity as sea_orm::EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
        {
            if !rows.is_empty() {
                <A::Entity as EntityTrait>::insert_many(rows).exec_without_returning(txn).await?;
            }
            Ok(())
        }
        all(txn, self.persons).await?;
        all(txn, self.memberships).await?;
        all(txn, self.custody).await?;
        all(txn, self.trajectories).await?;
        all(txn, self.phase_changes).await?;
        Ok(self.events)
    }
}

async fn location_in_org<C: ConnectionTrait>(db: &C, organisation_id: Uuid, id: Uuid) -> AppResult<location::Model> {
    location::Entity::find_by_id(id)
        .filter(location::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("location"))
}

/// Fails with CONFLICT when any of `bsns` is already registered in the organisation.
async fn ensure_bsns_free<C: ConnectionTrait>(db: &C, organisation_id: Uuid, bsns: Vec<String>) -> AppResult<()> {
    if bsns.is_empty() {
        return Ok(());
    }
    let taken = person::Entity::find()
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .filter(person::Column::Bsn.is_in(bsns))
        .one(db)
        .await?;
    match taken {
        Some(_) => Err(AppError::Conflict("a person with this BSN is already registered in your organisation".into())),
        None => Ok(()),
    }
}

#[derive(Default)]
pub struct FamilyMutation;

#[Object]
impl FamilyMutation {
    /// Opname: registers a family with its members and custody, and opens a trajectory in
    /// phase 1 for every child, each with a responsible worker. All or nothing.
    async fn admit_family(&self, ctx: &Context<'_>, input: AdmitFamilyInput) -> AppResult<Family> {
        let p = ctx.principal()?;
        let ground = policy::edit_cases(p)?;
        let org = p.organisation_id;
        let today = Utc::now().date_naive();
        let location_id = ids::decode(&input.location_id, "Location", "input.locationId")?;
        let admission_date = input.admission_date.map_or(today, |d| d.0);

        let mut violations = Vec::new();
        let default_worker = decode_optional(&input.responsible_worker_id, "Worker", "input.responsibleWorkerId", &mut violations);
        let mut child_workers = Vec::new();
        for (i, m) in input.members.iter().enumerate() {
            let field = format!("input.members[{i}].responsibleWorkerId");
            let own = decode_optional(&m.responsible_worker_id, "Worker", &field, &mut violations);
            match (m.role, own.or(default_worker)) {
                (MembershipRole::Child, Some(w)) => child_workers.push((w, own.map_or("input.responsibleWorkerId".into(), |_| field))),
                (MembershipRole::Child, None) => violations.push(Violation::new(field, "every child needs a responsible worker")),
                (_, _) if own.is_some() => violations.push(Violation::new(field, "only children have a responsible worker")),
                _ => {}
            }
        }
        let drafts: Vec<MemberDraft> = input.members.iter().map(NewMemberInput::draft).collect();
        let checked = admission::check_admission(&drafts, admission_date, today);
        let checked = match checked {
            Ok(c) if violations.is_empty() => c,
            Ok(_) => return Err(AppError::BadUserInput(violations)),
            Err(mut v) => {
                v.append(&mut violations);
                return Err(AppError::BadUserInput(v));
            }
        };

        let txn = ctx.db().begin().await?;
        let location = location_in_org(&txn, org, location_id).await?;
        check_responsible_workers(&txn, org, &child_workers).await?;
        ensure_bsns_free(&txn, org, checked.bsns.iter().flatten().map(|b| b.to_string()).collect()).await?;

        let now = Utc::now();
        let family = family::Model { id: Uuid::now_v7(), organisation_id: org, location_id, admitted_on: admission_date, created_at: now, updated_at: now };
        let setting = input.setting.unwrap_or(location.setting);
        let mut rows = NewRows::default();
        let persons: Vec<person::Model> = input
            .members
            .iter()
            .zip(&checked.bsns)
            .map(|(m, bsn)| m.person(org, bsn.map(|b| b.to_string())))
            .collect();
        let mut workers = child_workers.into_iter().map(|(w, _)| w);
        let mut children = Vec::new();
        for (i, (m, person)) in input.members.iter().zip(&persons).enumerate() {
            rows.membership(family.id, person.id, m.role);
            rows.events.push(AccessEvent::new(person.id, AccessAction::Create, "identity", &ground));
            for &k in &checked.custodians[i] {
                rows.custody(person.id, persons[k].id, &ground);
            }
            if m.role == MembershipRole::Child {
                let worker = workers.next().expect("one worker per child was checked above");
                children.push((person.clone(), worker));
                let (t, change) = open_trajectory(org, person.id, family.id, worker, setting, admission_date, p.worker_id);
                rows.trajectories.push(t);
                rows.phase_changes.push(change);
                rows.events.push(AccessEvent::new(person.id, AccessAction::Create, "trajectory", &ground));
            }
        }
        rows.persons = persons.into_iter().map(Into::into).collect();
        let family = family::ActiveModel::from(family).insert(&txn).await?;
        let events = rows.insert(&txn).await?;
        audit::append(&txn, p, &ctx.state().meta, &events).await?;
        reference_index::register_at_admission(&txn, p, &ctx.state().meta, &ground, &children).await?;
        if let Some(referral) = &input.referral_id {
            super::handovers::admit_referral(&txn, org, referral, family.id).await?;
        }
        txn.commit().await?;
        Ok(Family(family))
    }

    /// Adds a person to a family: a child gets a trajectory in phase 1; an adult can be
    /// given custody over children of the family.
    async fn add_family_member(&self, ctx: &Context<'_>, input: AddFamilyMemberInput) -> AppResult<Family> {
        let p = ctx.principal()?;
        let ground = policy::edit_cases(p)?;
        let org = p.organisation_id;
        let today = Utc::now().date_naive();
        let family_id = ids::decode(&input.family_id, "Family", "input.familyId")?;
        let m = &input.member;
        let admission_date = input.admission_date.map_or(today, |d| d.0);
        let is_child = m.role == MembershipRole::Child;

        let mut v = Vec::new();
        let bsn = admission::check_person(&m.draft().person, "input.member", today, &mut v);
        if is_child {
            admission::check_child_age(m.date_of_birth.0, admission_date, "input.member.dateOfBirth", &mut v);
        } else if !input.custodian_ids.is_empty() {
            v.push(Violation::new("input.custodianIds", "only children have custodians"));
        }
        if !is_child && !input.custody_over_child_ids.is_empty() {
            admission::check_custodian(m.role, m.date_of_birth.0, today, "input.custodyOverChildIds", &mut v);
        }
        if is_child && !input.custody_over_child_ids.is_empty() {
            v.push(Violation::new("input.custodyOverChildIds", "a child cannot hold custody"));
        }
        if !m.custodian_refs.is_empty() {
            v.push(Violation::new("input.member.custodianRefs", "name existing members with custodianIds"));
        }
        if input.admission_date.is_some_and(|d| d.0 > today) {
            v.push(Violation::new("input.admissionDate", "the admission date lies in the future"));
        }
        let worker = decode_optional(&m.responsible_worker_id, "Worker", "input.member.responsibleWorkerId", &mut v);
        match (is_child, worker) {
            (true, None) => v.push(Violation::new("input.member.responsibleWorkerId", "every child needs a responsible worker")),
            (false, Some(_)) => v.push(Violation::new("input.member.responsibleWorkerId", "only children have a responsible worker")),
            _ => {}
        }
        let custodians = decode_list(&input.custodian_ids, "Person", "input.custodianIds", &mut v);
        let wards = decode_list(&input.custody_over_child_ids, "Child", "input.custodyOverChildIds", &mut v);
        if !v.is_empty() {
            return Err(AppError::BadUserInput(v));
        }

        let txn = ctx.db().begin().await?;
        let family = family::Entity::find_by_id(family_id)
            .filter(family::Column::OrganisationId.eq(org))
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound("family"))?;
        let members = family_membership::Entity::find()
            .find_also_related(person::Entity)
            .filter(family_membership::Column::FamilyId.eq(family_id))
            .all(&txn)
            .await?;
        let member = |id: Uuid| members.iter().find(|(ms, _)| ms.person_id == id);
        for (i, c) in custodians.iter().enumerate() {
            match member(*c) {
                Some((ms, Some(adult))) => {
                    admission::check_custodian(ms.role, adult.date_of_birth, today, &format!("input.custodianIds[{i}]"), &mut v)
                }
                _ => v.push(Violation::new(format!("input.custodianIds[{i}]"), "not a member of this family")),
            }
        }
        for (i, c) in wards.iter().enumerate() {
            if !matches!(member(*c), Some((ms, _)) if ms.role == MembershipRole::Child) {
                v.push(Violation::new(format!("input.custodyOverChildIds[{i}]"), "not a child of this family"));
            }
        }
        if !v.is_empty() {
            return Err(AppError::BadUserInput(v));
        }
        if let Some(worker) = worker {
            check_responsible_workers(&txn, org, &[(worker, "input.member.responsibleWorkerId".into())]).await?;
        }
        if let Some(b) = &bsn {
            ensure_bsn_free(&txn, org, &b.to_string(), None).await?;
        }

        let person = m.person(org, bsn.map(|b| b.to_string()));
        let mut rows = NewRows::default();
        rows.membership(family_id, person.id, m.role);
        rows.events.push(AccessEvent::new(person.id, AccessAction::Create, "identity", &ground));
        for c in custodians {
            rows.custody(person.id, c, &ground);
        }
        for child in wards {
            rows.custody(child, person.id, &ground);
        }
        if let Some(worker) = worker {
            let location = location_in_org(&txn, org, family.location_id).await?;
            let (t, change) = open_trajectory(org, person.id, family_id, worker, location.setting, admission_date, p.worker_id);
            rows.trajectories.push(t);
            rows.phase_changes.push(change);
            rows.events.push(AccessEvent::new(person.id, AccessAction::Create, "trajectory", &ground));
        }
        rows.persons.push(person.into());
        let events = rows.insert(&txn).await?;
        audit::append(&txn, p, &ctx.state().meta, &events).await?;
        txn.commit().await?;
        Ok(Family(family))
    }

    /// Verhuizing: the family moves to another location of the organisation.
    async fn move_family(&self, ctx: &Context<'_>, input: MoveFamilyInput) -> AppResult<Family> {
        let p = ctx.principal()?;
        let ground = policy::edit_cases(p)?;
        let family_id = ids::decode(&input.family_id, "Family", "input.familyId")?;
        let location_id = ids::decode(&input.location_id, "Location", "input.locationId")?;
        let txn = ctx.db().begin().await?;
        let family = family::Entity::find_by_id(family_id)
            .filter(family::Column::OrganisationId.eq(p.organisation_id))
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound("family"))?;
        location_in_org(&txn, p.organisation_id, location_id).await?;
        if family.location_id == location_id {
            return Err(AppError::invalid("input.locationId", "the family already stays at this location"));
        }
        let members = family_membership::Entity::find()
            .filter(family_membership::Column::FamilyId.eq(family_id))
            .all(&txn)
            .await?;
        let mut m: family::ActiveModel = family.into();
        m.location_id = Set(location_id);
        m.updated_at = Set(Utc::now());
        let family = m.update(&txn).await?;
        let events: Vec<_> =
            members.iter().map(|ms| AccessEvent::new(ms.person_id, AccessAction::Update, "placement", &ground)).collect();
        audit::append(&txn, p, &ctx.state().meta, &events).await?;
        txn.commit().await?;
        Ok(Family(family))
    }
}

fn decode_optional(id: &Option<ID>, kind: &str, field: &str, v: &mut Vec<Violation>) -> Option<Uuid> {
    id.as_ref().and_then(|id| match ids::decode(id, kind, field) {
        Ok(u) => Some(u),
        Err(AppError::BadUserInput(mut e)) => {
            v.append(&mut e);
            None
        }
        Err(_) => None,
    })
}

fn decode_list(list: &[ID], kind: &str, field: &str, v: &mut Vec<Violation>) -> Vec<Uuid> {
    list.iter()
        .enumerate()
        .filter_map(|(i, id)| decode_optional(&Some(id.clone()), kind, &format!("{field}[{i}]"), v))
        .collect()
}
