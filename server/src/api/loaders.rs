//! DataLoaders for every relation: each batch is one `IN (…)` query, scoped to the
//! principal's organisation as a second line of defence behind the policy checks.

use super::batch::Load;
use entities::{
    MembershipRole, Role, chain_partner, custody, family, family_membership, handover, location, organisation,
    outbox_message, person, phase_change, referral, trajectory, worker, worker_role,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, RelationTrait,
    sea_query::{Expr, ExprTrait},
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
    /// The children of a family (a page of families often asks for nothing else).
    ChildrenOf,
    /// The current trajectory of a child.
    TrajectoryOf,
    /// The adults holding custody over a child.
    CustodiansOf,
    /// The phase history of a trajectory.
    PhaseHistoryOf,
    /// The handovers of a family.
    HandoversOf,
}

/// Loaders for rows looked up by their own id, within the organisation.
macro_rules! by_id {
    ($key:ident, $entity:ident, $org:expr) => {
        impl Load<$key> for Loaders {
            type Value = $entity::Model;
            type Error = Arc<DbErr>;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, Self::Value> {
                let rows = $entity::Entity::find()
                    .filter($entity::Column::Id.is_in(ids(keys)))
                    .filter($org.eq(self.organisation_id))
                    .all(&self.db)
                    .await?;
                Ok(rows.into_iter().map(|r| ($key(r.id), r)).collect())
            }
        }
    };
}

by_id!(OrganisationId, organisation, organisation::Column::Id);
by_id!(LocationId, location, location::Column::OrganisationId);
by_id!(WorkerId, worker, worker::Column::OrganisationId);
by_id!(FamilyId, family, family::Column::OrganisationId);
by_id!(PersonId, person, person::Column::OrganisationId);
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
        Ok(group(
            self.members(ids(keys), None).await?.into_iter().map(|(family, role, p)| (MembersOf(family), (role, p))),
        ))
    }
}

impl Load<ChildrenOf> for Loaders {
    type Value = Vec<person::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[ChildrenOf]) -> LoadResult<ChildrenOf, Self::Value> {
        let children = self.members(ids(keys), Some(MembershipRole::Child)).await?;
        Ok(group(children.into_iter().map(|(family, _, p)| (ChildrenOf(family), p))))
    }
}

impl Loaders {
    /// The members of the families (only those in `role`, if given) with their persons, in one
    /// statement. SQLite plans joins without statistics and drove this one from every person
    /// of the organisation (800 ms instead of 1 ms at 20,000 families); its CROSS JOIN keeps
    /// the memberships the outer loop.
    async fn members(
        &self,
        families: Vec<Uuid>,
        role: Option<MembershipRole>,
    ) -> Result<Vec<(Uuid, MembershipRole, person::Model)>, DbErr> {
        let join = match self.db.get_database_backend() {
            DbBackend::Sqlite => JoinType::CrossJoin,
            _ => JoinType::InnerJoin,
        };
        let rows = family_membership::Entity::find()
            .join(join, family_membership::Relation::Person.def())
            // The join's condition, in WHERE too: sea-query writes a CROSS JOIN without its ON.
            .filter(
                Expr::col((person::Entity, person::Column::Id))
                    .equals((family_membership::Entity, family_membership::Column::PersonId)),
            )
            .filter(family_membership::Column::FamilyId.is_in(families))
            .apply_if(role, |q, role| q.filter(family_membership::Column::Role.eq(role)))
            .filter(person::Column::OrganisationId.eq(self.organisation_id))
            .select_also(person::Entity)
            .order_by_asc(family_membership::Column::Id)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().filter_map(|(m, p)| Some((m.family_id, m.role, p?))).collect())
    }
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
        let rows = person::Entity::find()
            .filter(person::Column::Id.is_in(ids))
            .filter(person::Column::OrganisationId.eq(self.organisation_id))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|p| (p.id, p)).collect())
    }
}

impl Load<TrajectoryOf> for Loaders {
    type Value = trajectory::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[TrajectoryOf]) -> LoadResult<TrajectoryOf, Self::Value> {
        let rows = trajectory::Entity::find()
            .filter(trajectory::Column::ChildId.is_in(ids(keys)))
            .filter(trajectory::Column::OrganisationId.eq(self.organisation_id))
            .order_by_asc(trajectory::Column::Id)
            .all(&self.db)
            .await?;
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

/// Declares a key type and a loader for all records of one table about each child
/// (`child_id`), within the organisation, oldest first.
#[macro_export]
macro_rules! child_records_loader {
    ($(#[$m:meta])* $key:ident, $entity:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub uuid::Uuid);

        impl $crate::api::batch::Load<$key> for $crate::api::loaders::Loaders {
            type Value = Vec<entities::$entity::Model>;
            type Error = std::sync::Arc<sea_orm::DbErr>;

            async fn load(&self, keys: &[$key]) -> Result<std::collections::HashMap<$key, Self::Value>, Self::Error> {
                use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
                let rows = entities::$entity::Entity::find()
                    .filter(entities::$entity::Column::ChildId.is_in(keys.iter().map(|k| k.0)))
                    .filter(entities::$entity::Column::OrganisationId.eq(self.organisation_id))
                    .order_by_asc(entities::$entity::Column::Id)
                    .all(&self.db)
                    .await?;
                Ok($crate::api::loaders::group(rows.into_iter().map(|r| ($key(r.child_id), r))))
            }
        }
    };
}

/// Declares a key type and a loader for the parts of a record (e.g. the scores of an
/// assessment), by the parent's id. Parents reach it only from tenant-checked records.
#[macro_export]
macro_rules! parts_loader {
    ($(#[$m:meta])* $key:ident, $entity:ident, $column:ident, $field:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub uuid::Uuid);

        impl $crate::api::batch::Load<$key> for $crate::api::loaders::Loaders {
            type Value = Vec<entities::$entity::Model>;
            type Error = std::sync::Arc<sea_orm::DbErr>;

            async fn load(&self, keys: &[$key]) -> Result<std::collections::HashMap<$key, Self::Value>, Self::Error> {
                use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
                let rows = entities::$entity::Entity::find()
                    .filter(entities::$entity::Column::$column.is_in(keys.iter().map(|k| k.0)))
                    .order_by_asc(entities::$entity::Column::Id)
                    .all(&self.db)
                    .await?;
                Ok($crate::api::loaders::group(rows.into_iter().map(|r| ($key(r.$field), r))))
            }
        }
    };
}
