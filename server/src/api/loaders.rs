//! DataLoaders for every relation: each batch is one `IN (…)` query, scoped to the
//! principal's organisation as a second line of defence behind the policy checks.

use super::batch::Load;
use crate::db::rows::{self, ByPosition};
use entities::{
    MembershipRole, Role, chain_partner, custody, family, family_membership, handover, location, organisation,
    outbox_message, person, phase_change, referral, trajectory, worker, worker_role,
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, DbErr, EntityTrait, Iterable, JoinType, QueryFilter,
    QueryOrder,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};
use std::{collections::HashMap, hash::Hash, sync::Arc};
use uuid::Uuid;

pub struct Loaders {
    pub db: DatabaseConnection,
    pub organisation_id: Uuid,
}

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<DbErr>>;

fn ids<K: Copy + Into<Uuid>>(keys: &[K]) -> Vec<Uuid> {
    keys.iter().map(|k| (*k).into()).collect()
}

pub fn group<K: Eq + Hash, V>(pairs: impl IntoIterator<Item = (K, V)>) -> HashMap<K, Vec<V>> {
    let mut map: HashMap<K, Vec<V>> = HashMap::new();
    for (k, v) in pairs {
        map.entry(k).or_default().push(v);
    }
    map
}

macro_rules! key {
    ($($(#[$m:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub Uuid);
        impl From<$name> for Uuid {
            fn from(k: $name) -> Uuid { k.0 }
        }
    )+};
}

key! {
    OrganisationId, LocationId, WorkerId, FamilyId, PersonId, ChainPartnerId, OutboxMessageId, HandoverId, ReferralId,
    /// The messages about a record (e.g. a Verwijsindex signal), by the record's id.
    MessagesAbout,
    /// The roles of a worker.
    RolesOf,
    /// The members of a family with their role.
    MembersOf,
    /// The current trajectory of a child.
    TrajectoryOf,
    /// The adults holding custody over a child.
    CustodiansOf,
    /// The phase history of a trajectory.
    PhaseHistoryOf,
    /// The handovers of a family.
    HandoversOf,
}

/// Loaders for rows looked up by their own id, within the organisation; `by position` for
/// the rows a page runs through most (see [`rows`]).
macro_rules! by_id {
    ($key:ident, $entity:ident, $org:expr $(, $by_position:ident)?) => {
        impl Load<$key> for Loaders {
            type Value = $entity::Model;
            type Error = Arc<DbErr>;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, Self::Value> {
                let query = $entity::Entity::find()
                    .filter($entity::Column::Id.is_in(ids(keys)))
                    .filter($org.eq(self.organisation_id));
                let rows = by_id!(@all self, query $(, $by_position)?);
                Ok(rows.into_iter().map(|r| ($key(r.id), r)).collect())
            }
        }
    };
    (@all $self:ident, $query:ident) => { $query.all(&$self.db).await? };
    (@all $self:ident, $query:ident, by_position) => { rows::models(&$self.db, $query).await? };
}

by_id!(OrganisationId, organisation, organisation::Column::Id);
by_id!(LocationId, location, location::Column::OrganisationId);
by_id!(WorkerId, worker, worker::Column::OrganisationId, by_position);
by_id!(FamilyId, family, family::Column::OrganisationId, by_position);
by_id!(PersonId, person, person::Column::OrganisationId, by_position);
by_id!(ChainPartnerId, chain_partner, chain_partner::Column::OrganisationId);
by_id!(OutboxMessageId, outbox_message, outbox_message::Column::OrganisationId);
by_id!(HandoverId, handover, handover::Column::OrganisationId);
by_id!(ReferralId, referral, referral::Column::OrganisationId);

impl Load<MessagesAbout> for Loaders {
    type Value = Vec<outbox_message::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[MessagesAbout]) -> LoadResult<MessagesAbout, Self::Value> {
        let rows = outbox_message::Entity::find()
            .filter(outbox_message::Column::SubjectId.is_in(ids(keys)))
            .filter(outbox_message::Column::OrganisationId.eq(self.organisation_id))
            .order_by_asc(outbox_message::Column::Id)
            .all(&self.db)
            .await?;
        Ok(group(rows.into_iter().filter_map(|m| Some((MessagesAbout(m.subject_id?), m)))))
    }
}

impl Load<RolesOf> for Loaders {
    type Value = Vec<Role>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[RolesOf]) -> LoadResult<RolesOf, Self::Value> {
        let rows = worker_role::Entity::find()
            .filter(worker_role::Column::WorkerId.is_in(ids(keys)))
            .order_by_asc(worker_role::Column::Role)
            .all(&self.db)
            .await?;
        Ok(group(rows.into_iter().map(|r| (RolesOf(r.worker_id), r.role))))
    }
}

impl Load<MembersOf> for Loaders {
    type Value = Vec<(MembershipRole, person::Model)>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[MembersOf]) -> LoadResult<MembersOf, Self::Value> {
        let members = self.members(ids(keys), None, Along::Nothing).await?;
        Ok(group(members.into_iter().map(|(family, role, child)| (MembersOf(family), (role, child.person)))))
    }
}

/// What a load of children brings along in the same statement: what the page shows of them
/// (`Family.children` looks ahead), so that it needs no statement of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Along {
    Nothing,
    Trajectory,
    TrajectoryAndWorker,
}

/// The children of a family (a page of families often asks for nothing else).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChildrenOf(pub Uuid, pub Along);

/// A member of a family, with their current trajectory and its responsible worker when those
/// were brought along (children).
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub person: person::Model,
    pub trajectory: Option<trajectory::Model>,
    pub worker: Option<worker::Model>,
}

impl Load<ChildrenOf> for Loaders {
    type Value = Arc<[MemberRow]>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[ChildrenOf]) -> LoadResult<ChildrenOf, Self::Value> {
        // One statement for the wave, bringing along the most any key asked for.
        let along = keys.iter().map(|k| k.1).max().unwrap_or(Along::Nothing);
        let children = self.members(keys.iter().map(|k| k.0).collect(), Some(MembershipRole::Child), along).await?;
        let by_family: HashMap<Uuid, Arc<[MemberRow]>> =
            group(children.into_iter().map(|(family, _, child)| (family, child)))
                .into_iter()
                .map(|(f, c)| (f, c.into()))
                .collect();
        Ok(keys.iter().filter_map(|k| Some((*k, by_family.get(&k.0)?.clone()))).collect())
    }
}

impl Loaders {
    /// The members of the families (only those in `role`, if given) with their persons, and
    /// `along` their trajectories and workers, in one statement, decoded by position. SQLite
    /// plans joins without statistics and drove this one from every person of the
    /// organisation (800 ms instead of 1 ms at 20,000 families); its CROSS JOIN keeps the
    /// memberships the outer loop. The rows are put in order here, not by the database: its
    /// sort of ~130 wide rows was a twelfth of PostgreSQL's work for the nested caseload page.
    async fn members(
        &self,
        families: Vec<Uuid>,
        role: Option<MembershipRole>,
        along: Along,
    ) -> Result<Vec<(Uuid, MembershipRole, MemberRow)>, DbErr> {
        use family_membership::Column as M;
        let mut q = Query::select();
        q.column((family_membership::Entity, M::Id))
            .column((family_membership::Entity, M::FamilyId))
            .column((family_membership::Entity, M::Role))
            .columns(person::Column::iter().map(|c| (person::Entity, c)))
            .from(family_membership::Entity);
        match self.db.get_database_backend() {
            // sea-query writes a CROSS JOIN without its ON: the condition goes in WHERE.
            DbBackend::Sqlite => q
                .join(JoinType::CrossJoin, person::Entity, Condition::all())
                .and_where(self.person_of_membership().into()),
            _ => q.join(JoinType::InnerJoin, person::Entity, self.person_of_membership()),
        };
        q.and_where(Expr::col((family_membership::Entity, M::FamilyId)).is_in(families));
        if let Some(role) = role {
            q.and_where(Expr::col((family_membership::Entity, M::Role)).eq(role));
        }
        self.bring_along(&mut q, along);
        let rows = rows::all(&self.db, &q, |row| Self::member(row, 0, along)).await?;
        Ok(in_order(rows.into_iter().flatten().collect()))
    }

    /// A page of families (`page`: a statement selecting the families' columns, with the
    /// page's limit) with their children and `along` what the page shows of them, in one
    /// statement: the statement for the page and the one for its children were two round trips
    /// where one does. The families come in id order, descending when `backward`.
    pub async fn families_with_children(
        &self,
        page: SelectStatement,
        backward: bool,
        along: Along,
    ) -> Result<Vec<(family::Model, Arc<[MemberRow]>)>, DbErr> {
        use family_membership::Column as M;
        let mut q = Query::select();
        q.columns(family::Column::iter().map(|c| (family::Entity, c)))
            .column((family_membership::Entity, M::Id))
            .column((family_membership::Entity, M::FamilyId))
            .column((family_membership::Entity, M::Role))
            .columns(person::Column::iter().map(|c| (person::Entity, c)))
            .from_subquery(page, family::Entity)
            .join(
                JoinType::LeftJoin,
                family_membership::Entity,
                Expr::col((family_membership::Entity, M::FamilyId))
                    .equals((family::Entity, family::Column::Id))
                    .and(Expr::col((family_membership::Entity, M::Role)).eq(MembershipRole::Child)),
            )
            .join(JoinType::LeftJoin, person::Entity, self.person_of_membership());
        self.bring_along(&mut q, along);
        let at = family::Model::FIELDS.len();
        let rows = rows::all(&self.db, &q, |row| Ok((family::Model::from_row(row, 0)?, Self::member(row, at, along)?)))
            .await?;
        let mut families: HashMap<Uuid, (family::Model, Vec<Member>)> = HashMap::new();
        for (family, child) in rows {
            families.entry(family.id).or_insert_with(|| (family, Vec::new())).1.extend(child);
        }
        let mut families: Vec<_> = families.into_values().collect();
        families.sort_unstable_by_key(|(f, _)| f.id);
        if backward {
            families.reverse();
        }
        Ok(families
            .into_iter()
            .map(|(f, children)| (f, in_order(children).into_iter().map(|(_, _, c)| c).collect()))
            .collect())
    }

    /// A membership's person, within the organisation.
    fn person_of_membership(&self) -> Condition {
        Condition::all()
            .add(
                Expr::col((person::Entity, person::Column::Id))
                    .equals((family_membership::Entity, family_membership::Column::PersonId)),
            )
            .add(Expr::col((person::Entity, person::Column::OrganisationId)).eq(self.organisation_id))
    }

    /// Adds to a select of memberships and their persons the persons' trajectories and workers,
    /// as far as `along` asks.
    fn bring_along(&self, q: &mut SelectStatement, along: Along) {
        if along >= Along::Trajectory {
            q.columns(trajectory::Column::iter().map(|c| (trajectory::Entity, c))).left_join(
                trajectory::Entity,
                Expr::col((trajectory::Entity, trajectory::Column::ChildId))
                    .equals((person::Entity, person::Column::Id))
                    .and(Expr::col((trajectory::Entity, trajectory::Column::OrganisationId)).eq(self.organisation_id)),
            );
        }
        if along == Along::TrajectoryAndWorker {
            q.columns(worker::Column::iter().map(|c| (worker::Entity, c))).left_join(
                worker::Entity,
                Expr::col((worker::Entity, worker::Column::Id))
                    .equals((trajectory::Entity, trajectory::Column::ResponsibleWorkerId))
                    .and(Expr::col((worker::Entity, worker::Column::OrganisationId)).eq(self.organisation_id)),
            );
        }
    }

    /// The membership read from column `at` on (membership, family, role, person, and what came
    /// `along`); none where a LEFT JOIN found no member.
    fn member(row: &rows::Row, at: usize, along: Along) -> Result<Option<Member>, DbErr> {
        let person_at = at + 3;
        let trajectory_at = person_at + person::Model::FIELDS.len();
        let worker_at = trajectory_at + trajectory::Model::FIELDS.len();
        let Some(person) = person::Model::from_row_nullable(row, person_at)? else { return Ok(None) };
        Ok(Some((
            row.get::<Uuid>(at)?,
            row.get::<Uuid>(at + 1)?,
            row.get::<MembershipRole>(at + 2)?,
            MemberRow {
                person,
                trajectory: match along {
                    Along::Nothing => None,
                    _ => trajectory::Model::from_row_nullable(row, trajectory_at)?,
                },
                worker: match along {
                    Along::TrajectoryAndWorker => worker::Model::from_row_nullable(row, worker_at)?,
                    _ => None,
                },
            },
        )))
    }
}

/// A membership as read: its id, family, role and member.
type Member = (Uuid, Uuid, MembershipRole, MemberRow);

/// Memberships in the order they joined their family, a re-admitted child once per trajectory
/// with the last one kept (as `TrajectoryOf`, the last trajectory wins).
fn in_order(mut rows: Vec<Member>) -> Vec<(Uuid, MembershipRole, MemberRow)> {
    rows.sort_unstable_by_key(|(membership, _, _, m)| (*membership, m.trajectory.as_ref().map(|t| t.id)));
    let mut members: Vec<(Uuid, MembershipRole, MemberRow)> = Vec::with_capacity(rows.len());
    for (_, family, role, member) in rows {
        let member = (family, role, member);
        match members.last_mut() {
            Some(last) if last.0 == member.0 && last.2.person.id == member.2.person.id => *last = member,
            _ => members.push(member),
        }
    }
    members
}

impl Loaders {
    /// Persons by id within the organisation. Looked up apart from the link rows rather than
    /// joined: SQLite without statistics would drive such a join from every person of the
    /// organisation (seen in the benchmark: 800 ms instead of 1 ms at 20,000 families).
    async fn persons(&self, ids: impl Iterator<Item = Uuid>) -> Result<HashMap<Uuid, person::Model>, DbErr> {
        let ids: Vec<Uuid> = ids.collect::<std::collections::HashSet<_>>().into_iter().collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let query = person::Entity::find()
            .filter(person::Column::Id.is_in(ids))
            .filter(person::Column::OrganisationId.eq(self.organisation_id));
        Ok(rows::models(&self.db, query).await?.into_iter().map(|p| (p.id, p)).collect())
    }
}

impl Load<TrajectoryOf> for Loaders {
    type Value = trajectory::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[TrajectoryOf]) -> LoadResult<TrajectoryOf, Self::Value> {
        let query = trajectory::Entity::find()
            .filter(trajectory::Column::ChildId.is_in(ids(keys)))
            .filter(trajectory::Column::OrganisationId.eq(self.organisation_id))
            .order_by_asc(trajectory::Column::Id);
        let rows = rows::models(&self.db, query).await?;
        // Ascending UUIDv7 order: the last trajectory of a child (a re-admission) wins.
        Ok(rows.into_iter().map(|t| (TrajectoryOf(t.child_id), t)).collect())
    }
}

impl Load<CustodiansOf> for Loaders {
    type Value = Vec<person::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[CustodiansOf]) -> LoadResult<CustodiansOf, Self::Value> {
        let links = custody::Entity::find()
            .filter(custody::Column::ChildId.is_in(ids(keys)))
            .order_by_asc(custody::Column::Id)
            .all(&self.db)
            .await?;
        let persons = self.persons(links.iter().map(|c| c.custodian_id)).await?;
        Ok(group(
            links.into_iter().filter_map(|c| Some((CustodiansOf(c.child_id), persons.get(&c.custodian_id)?.clone()))),
        ))
    }
}

impl Load<PhaseHistoryOf> for Loaders {
    type Value = Vec<phase_change::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[PhaseHistoryOf]) -> LoadResult<PhaseHistoryOf, Self::Value> {
        // Trajectory ids reach this loader only from tenant-checked trajectories.
        let rows = phase_change::Entity::find()
            .filter(phase_change::Column::TrajectoryId.is_in(ids(keys)))
            .order_by_asc(phase_change::Column::Id)
            .all(&self.db)
            .await?;
        Ok(group(rows.into_iter().map(|c| (PhaseHistoryOf(c.trajectory_id), c))))
    }
}

impl Load<HandoversOf> for Loaders {
    type Value = Vec<handover::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[HandoversOf]) -> LoadResult<HandoversOf, Self::Value> {
        let rows = handover::Entity::find()
            .filter(handover::Column::FamilyId.is_in(ids(keys)))
            .filter(handover::Column::OrganisationId.eq(self.organisation_id))
            .order_by_asc(handover::Column::Id)
            .all(&self.db)
            .await?;
        Ok(group(rows.into_iter().map(|h| (HandoversOf(h.family_id), h))))
    }
}

/// Reads the models of `$query` from `$db`: by name, as sea-orm does, or `by_position` for a
/// table a page reads many rows of (see `db::rows`).
#[macro_export]
macro_rules! read_models {
    ($db:expr, $query:expr) => {
        $query.all(&$db).await?
    };
    ($db:expr, $query:expr, by_position) => {
        $crate::db::rows::models(&$db, $query).await?
    };
}

/// Declares a key type and a loader for all records of one table about each child
/// (`child_id`), within the organisation, oldest first.
#[macro_export]
macro_rules! child_records_loader {
    ($(#[$m:meta])* $key:ident, $entity:ident $(, $how:ident)?) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub uuid::Uuid);

        impl $crate::api::batch::Load<$key> for $crate::api::loaders::Loaders {
            type Value = Vec<entities::$entity::Model>;
            type Error = std::sync::Arc<sea_orm::DbErr>;

            async fn load(&self, keys: &[$key]) -> Result<std::collections::HashMap<$key, Self::Value>, Self::Error> {
                use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
                let query = entities::$entity::Entity::find()
                    .filter(entities::$entity::Column::ChildId.is_in(keys.iter().map(|k| k.0)))
                    .filter(entities::$entity::Column::OrganisationId.eq(self.organisation_id));
                let mut rows: Vec<entities::$entity::Model> = $crate::read_models!(self.db, query $(, $how)?);
                // In id order (oldest first), sorted here rather than by the database (as `members`).
                rows.sort_unstable_by_key(|r| r.id);
                Ok($crate::api::loaders::group(rows.into_iter().map(|r| ($key(r.child_id), r))))
            }
        }
    };
}

/// Declares a key type and a loader for the parts of a record (e.g. the scores of an
/// assessment), by the parent's id. Parents reach it only from tenant-checked records.
#[macro_export]
macro_rules! parts_loader {
    ($(#[$m:meta])* $key:ident, $entity:ident, $column:ident, $field:ident $(, $how:ident)?) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub uuid::Uuid);

        impl $crate::api::batch::Load<$key> for $crate::api::loaders::Loaders {
            type Value = Vec<entities::$entity::Model>;
            type Error = std::sync::Arc<sea_orm::DbErr>;

            async fn load(&self, keys: &[$key]) -> Result<std::collections::HashMap<$key, Self::Value>, Self::Error> {
                use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
                let query = entities::$entity::Entity::find()
                    .filter(entities::$entity::Column::$column.is_in(keys.iter().map(|k| k.0)));
                let mut rows: Vec<entities::$entity::Model> = $crate::read_models!(self.db, query $(, $how)?);
                // In id order (oldest first), sorted here rather than by the database (as `members`).
                rows.sort_unstable_by_key(|r| r.id);
                Ok($crate::api::loaders::group(rows.into_iter().map(|r| ($key(r.$field), r))))
            }
        }
    };
}
