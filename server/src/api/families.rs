//! Families (gezin): admission, members, custody, and moving between locations.

use super::{
    children::Child,
    context::{ContextExt, in_transaction},
    ids,
    loaders::{Along, ChildrenOf, FamilyId, LocationId, MembersOf, TrajectoryOf, WorkerId},
    method::{check, decode_into},
    organisation::Location,
    pagination::{self, Conn, TotalCount},
    payload::payload,
    persons::Person,
    scalars::Date,
};
use crate::{
    cases::admission::{self, AddFamilyMember, AdmitFamily, MoveFamily, NewMember},
    error::{AppError, AppResult, Violation},
    policy,
};
use async_graphql::{Context, ID, InputObject, Object};
use entities::{CareSetting, MembershipRole, Sex, family, placement};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};
use uuid::Uuid;

/// Gezin: the system around the children, as registered at admission.
pub struct Family(pub family::Model);

impl Family {
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        policy::read_cases(ctx.principal()?)?;
        let f = ctx.loader().load_one(FamilyId(id)).await?.ok_or(AppError::NotFound("family"))?;
        Ok(Self(f))
    }
}

crate::parts_loader!(
    /// The placements of a family, oldest first.
    PlacementsOf,
    placement,
    FamilyId,
    family_id
);

crate::parts_loader!(
    /// The Meldcode tracks about a family's children.
    FamilyTracksOf,
    reporting_code_track,
    FamilyId,
    family_id
);

/// Verblijf: a location the family stayed at, from when until when.
pub struct Placement(placement::Model);

#[Object]
impl Placement {
    async fn location(&self, ctx: &Context<'_>) -> AppResult<Location> {
        let l = ctx.loader().load_one(LocationId(self.0.location_id)).await?;
        l.map(Location).ok_or(AppError::NotFound("location"))
    }
    /// The day the family came.
    #[graphql(name = "from")]
    async fn from_date(&self) -> Date {
        Date(self.0.from_date)
    }
    /// The day the family left; none while it stays.
    #[graphql(name = "until")]
    async fn until_date(&self) -> Option<Date> {
        self.0.until_date.map(Date)
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
    /// Verblijfsgeschiedenis: every location the family stayed at, oldest first (moves count
    /// for norm 2a).
    async fn placements(&self, ctx: &Context<'_>) -> AppResult<Vec<Placement>> {
        let ground = policy::read_cases(ctx.principal()?)?;
        // Where a family stayed is part of every member's record (a move is logged for each).
        for (_, member) in ctx.loader().load_one(MembersOf(self.0.id)).await?.unwrap_or_default() {
            ctx.log_read(member.id, "placement", &ground);
        }
        Ok(ctx
            .loader()
            .load_one(PlacementsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Placement)
            .collect())
    }
    /// Warme overdrachten of the family, oldest first (as `handovers(familyId)`).
    async fn handovers(&self, ctx: &Context<'_>) -> AppResult<Vec<super::handovers::Handover>> {
        super::handovers::Handover::of_family(ctx, self.0.id).await
    }
    /// Meldcode tracks about children of the family who did not come to the shelter (norm 4);
    /// an admitted child's tracks are on `Child.reportingCodeTracks`.
    async fn reporting_code_tracks(&self, ctx: &Context<'_>) -> AppResult<Vec<super::safety::ReportingCodeTrack>> {
        let ground = policy::read_cases(ctx.principal()?)?;
        let tracks = ctx.loader().load_one(FamilyTracksOf(self.0.id)).await?.unwrap_or_default();
        Ok(tracks
            .into_iter()
            .filter(|t| t.trajectory_id.is_none())
            .map(|t| {
                ctx.log_read(t.child_id, "safety", &ground);
                super::safety::ReportingCodeTrack(t)
            })
            .collect())
    }
    /// Everyone registered in the family.
    async fn members(&self, ctx: &Context<'_>) -> AppResult<Vec<FamilyMember>> {
        let ground = policy::read_cases(ctx.principal()?)?;
        let members = ctx.loader().load_one(MembersOf(self.0.id)).await?.unwrap_or_default();
        Ok(members.into_iter().map(|(role, p)| FamilyMember { role, person: Person::read(ctx, p, &ground) }).collect())
    }
    /// The children, each a client in their own right.
    async fn children(&self, ctx: &Context<'_>) -> AppResult<Vec<Child>> {
        let ground = policy::read_cases(ctx.principal()?)?;
        let loader = ctx.loader();
        let children = loader.load_one(ChildrenOf(self.0.id, Child::along(ctx.field()))).await?.unwrap_or_default();
        // What came along answers the children's fields without a statement of their own.
        loader.prime_many(children.iter().filter_map(|c| Some((TrajectoryOf(c.person.id), c.trajectory.clone()?))));
        loader.prime_many(children.iter().filter_map(|c| Some((WorkerId(c.worker.as_ref()?.id), c.worker.clone()?))));
        Ok(children
            .iter()
            .map(|c| {
                ctx.log_read(c.person.id, "identity", &ground);
                Child(c.person.clone())
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
        #[graphql(desc = "Only those matching this filter.")] filter: Option<FamilyFilter>,
        #[graphql(desc = "At most this many, from the start (after `after`); at most `limits.max_page_size`.")]
        first: Option<i32>,
        #[graphql(desc = "Cursor: the ones after it (the `endCursor` of the page before).")] after: Option<String>,
        #[graphql(desc = "At most this many, from the end (before `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor: the ones before it (the `startCursor` of the page after).")] before: Option<String>,
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
        // The families' children come in the page's statement when the page shows them (as
        // `Family.children` would load them: for each way the query asks for them).
        let alongs: Vec<Along> = ctx
            .look_ahead()
            .field("edges")
            .field("node")
            .field("children")
            .selection_fields()
            .into_iter()
            .map(Child::along)
            .collect();
        let Some(most) = alongs.iter().max() else {
            let (rows, prev, next) = pagination::fetch(ctx, select, family::Column::Id, &page).await?;
            return Ok(pagination::connection(rows, prev, next, total, |f| f.id, Family));
        };
        let query = pagination::page_of(select, family::Column::Id, &page).into_query();
        let loader = ctx.loader();
        let (rows, prev, next) = page.cut(loader.loader().families_with_children(query, page.backward, *most).await?);
        loader.prime_many(
            rows.iter().flat_map(|(f, children)| alongs.iter().map(|a| (ChildrenOf(f.id, *a), children.clone()))),
        );
        Ok(pagination::connection(rows, prev, next, total, |(f, _)| f.id, |(f, _)| Family(f)))
    }

    /// A family by id; null when there is none here.
    async fn family(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The family's id.")] id: ID,
    ) -> AppResult<Option<Family>> {
        ids::found(Family::find(ctx, ids::decode(&id, "Family", "id")?).await)
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
    fn command(self, field: &str, v: &mut Vec<Violation>) -> NewMember {
        NewMember {
            responsible_worker_id: self
                .responsible_worker_id
                .and_then(|id| decode_into(&id, "Worker", &format!("{field}.responsibleWorkerId"), v)),
            reference: self.reference,
            role: self.role,
            given_name: self.given_name,
            family_name: self.family_name,
            date_of_birth: self.date_of_birth.0,
            bsn: self.bsn,
            sex: self.sex,
            gender_identity: self.gender_identity,
            custodian_refs: self.custodian_refs,
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

impl AdmitFamilyInput {
    fn command(self) -> AppResult<AdmitFamily> {
        let location_id = ids::decode(&self.location_id, "Location", "input.locationId")?;
        let mut v = Vec::new();
        let responsible_worker_id =
            self.responsible_worker_id.and_then(|id| decode_into(&id, "Worker", "input.responsibleWorkerId", &mut v));
        let referral_id = self.referral_id.and_then(|id| decode_into(&id, "Referral", "input.referralId", &mut v));
        let members = self
            .members
            .into_iter()
            .enumerate()
            .map(|(i, m)| m.command(&format!("input.members[{i}]"), &mut v))
            .collect();
        check(v)?;
        Ok(AdmitFamily {
            location_id,
            admission_date: self.admission_date.map(|d| d.0),
            setting: self.setting,
            responsible_worker_id,
            members,
            referral_id,
        })
    }
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

impl AddFamilyMemberInput {
    fn command(self) -> AppResult<AddFamilyMember> {
        let family_id = ids::decode(&self.family_id, "Family", "input.familyId")?;
        let mut v = Vec::new();
        let member = self.member.command("input.member", &mut v);
        let list = |ids: &[ID], kind, field: &str, v: &mut Vec<Violation>| -> Vec<Uuid> {
            ids.iter().enumerate().filter_map(|(i, id)| decode_into(id, kind, &format!("{field}[{i}]"), v)).collect()
        };
        let custodian_ids = list(&self.custodian_ids, "Person", "input.custodianIds", &mut v);
        let custody_over_child_ids = list(&self.custody_over_child_ids, "Child", "input.custodyOverChildIds", &mut v);
        check(v)?;
        Ok(AddFamilyMember {
            family_id,
            member,
            custodian_ids,
            custody_over_child_ids,
            admission_date: self.admission_date.map(|d| d.0),
        })
    }
}

#[derive(InputObject)]
pub struct MoveFamilyInput {
    pub family_id: ID,
    pub location_id: ID,
    /// The day of the move; today when left out.
    pub moved_on: Option<Date>,
}

payload! {
    /// The result of `admitFamily`.
    AdmitFamilyPayload { family: Family }
}

payload! {
    /// The result of `addFamilyMember`.
    AddFamilyMemberPayload { family: Family }
}

payload! {
    /// The result of `moveFamily`.
    MoveFamilyPayload { family: Family }
}

#[derive(Default)]
pub struct FamilyMutation;

#[Object]
impl FamilyMutation {
    /// Opname: registers a family with its members and custody, and opens a trajectory in
    /// phase 1 for every child, each with a responsible worker. All or nothing.
    async fn admit_family(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: AdmitFamilyInput,
    ) -> AppResult<AdmitFamilyPayload> {
        let command = input.command()?;
        let admitted =
            in_transaction(ctx, async |actor, txn| admission::admit_family(actor, txn, command).await).await?;
        Ok(AdmitFamilyPayload::new(Family(admitted.family)))
    }

    /// Adds a person to a family: a child gets a trajectory in phase 1; an adult can be
    /// given custody over children of the family.
    async fn add_family_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: AddFamilyMemberInput,
    ) -> AppResult<AddFamilyMemberPayload> {
        let command = input.command()?;
        in_transaction(ctx, async |actor, txn| admission::add_family_member(actor, txn, command).await)
            .await
            .map(|r| AddFamilyMemberPayload::new(Family(r)))
    }

    /// Verhuizing: the family moves to another location of the organisation.
    async fn move_family(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: MoveFamilyInput,
    ) -> AppResult<MoveFamilyPayload> {
        let command = MoveFamily {
            family_id: ids::decode(&input.family_id, "Family", "input.familyId")?,
            location_id: ids::decode(&input.location_id, "Location", "input.locationId")?,
            moved_on: input.moved_on.map(|d| d.0),
        };
        in_transaction(ctx, async |actor, txn| admission::move_family(actor, txn, command).await)
            .await
            .map(|r| MoveFamilyPayload::new(Family(r)))
    }
}
