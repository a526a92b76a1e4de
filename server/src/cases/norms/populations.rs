//! The populations of method-review §1 and the subqueries the definitions share, built with
//! sea-query for SQLite and PostgreSQL alike.

use super::NormScope;
use crate::domain::age::born_on_or_before;
use chrono::{Days, NaiveDate};
use entities::{
    ContactKind, MembershipRole, Phase, SafetyRespondent, action_plan, contact, evaluation, family, family_membership,
    location, person, phase_change, reporting_code_track, safety_assessment, safety_scale_score, trajectory,
};
use sea_orm::{
    DatabaseBackend, EntityTrait,
    sea_query::{
        Alias, Asterisk, Cond, Expr, ExprTrait, Func, IntoCondition, Order, Query, SelectStatement, SimpleExpr,
    },
};

/// Expressions that differ between the databases.
pub struct Sql(DatabaseBackend);

impl Sql {
    pub fn new(backend: DatabaseBackend) -> Self {
        Self(backend)
    }

    /// The rank of a screening's total band (NORMAL 0, BORDERLINE 1, ABNORMAL 2) from its
    /// stored result, NULL without a band.
    pub(super) fn band_rank(&self, result: Expr) -> Expr {
        let band = match self.0 {
            DatabaseBackend::Sqlite => Expr::cust_with_exprs("json_extract(?, '$.total.band')", [result]),
            _ => Expr::cust_with_exprs("($1 -> 'total' ->> 'band')", [result]),
        };
        Expr::case(band.clone().eq("NORMAL"), 0)
            .case(band.clone().eq("BORDERLINE"), 1)
            .case(band.eq("ABNORMAL"), 2)
            .into()
    }

    /// Whole days from `a` to `b` (dates), NULL when either is.
    pub(super) fn days(&self, a: Expr, b: Expr) -> Expr {
        match self.0 {
            // SQLite's builder fills `?` in order (PostgreSQL's numbers them).
            DatabaseBackend::Sqlite => Expr::cust_with_exprs("CAST(julianday(?) - julianday(?) AS INTEGER)", [b, a]),
            _ => Expr::cust_with_exprs("($2 - $1)", [a, b]),
        }
    }
}

pub(super) fn trajectory_col(c: trajectory::Column) -> Expr {
    Expr::col((trajectory::Entity, c))
}

/// The organisation's trajectories within the scope's filters, selecting `key` (the
/// trajectory) and `child_id`.
pub(super) fn base(s: &NormScope) -> SelectStatement {
    let mut q = Query::select();
    q.expr_as(trajectory_col(trajectory::Column::Id), Alias::new("key"))
        .expr_as(trajectory_col(trajectory::Column::ChildId), Alias::new("child_id"))
        .from(trajectory::Entity)
        .and_where(trajectory_col(trajectory::Column::OrganisationId).eq(s.organisation_id));
    if let Some(setting) = s.setting {
        q.and_where(trajectory_col(trajectory::Column::Setting).eq(setting.as_str()));
    }
    narrow(&mut q, s, trajectory_col(trajectory::Column::FamilyId), trajectory_col(trajectory::Column::ChildId));
    q
}

/// The organisation's Meldcode tracks within the scope's filters (a child who did not come
/// along has no trajectory, so no setting: a setting filter leaves it out), as `key` (the
/// track) and `child_id`.
pub(super) fn tracks(s: &NormScope) -> SelectStatement {
    let track = |c| Expr::col((reporting_code_track::Entity, c));
    let mut q = Query::select();
    q.expr_as(track(reporting_code_track::Column::Id), Alias::new("key"))
        .expr_as(track(reporting_code_track::Column::ChildId), Alias::new("child_id"))
        .from(reporting_code_track::Entity)
        .and_where(track(reporting_code_track::Column::OrganisationId).eq(s.organisation_id));
    if let Some(setting) = s.setting {
        q.and_where(
            track(reporting_code_track::Column::TrajectoryId).in_subquery(
                Query::select()
                    .column(trajectory::Column::Id)
                    .from(trajectory::Entity)
                    .and_where(Expr::col(trajectory::Column::Setting).eq(setting.as_str()))
                    .to_owned(),
            ),
        );
    }
    narrow(&mut q, s, track(reporting_code_track::Column::FamilyId), track(reporting_code_track::Column::ChildId));
    q
}

/// The location, location-kind and age-band filters, on a family and a child column.
fn narrow(q: &mut SelectStatement, s: &NormScope, family_id: Expr, child_id: Expr) {
    if s.location_id.is_some() || s.location_kind.is_some() {
        let mut families = Query::select();
        families.column(family::Column::Id).from(family::Entity);
        if let Some(l) = s.location_id {
            families.and_where(Expr::col(family::Column::LocationId).eq(l));
        }
        if let Some(kind) = s.location_kind {
            families.and_where(
                Expr::col(family::Column::LocationId).in_subquery(
                    Query::select()
                        .column(location::Column::Id)
                        .from(location::Entity)
                        .and_where(Expr::col(location::Column::Kind).eq(kind.as_str()))
                        .to_owned(),
                ),
            );
        }
        q.and_where(family_id.in_subquery(families));
    }
    if let Some(band) = s.age_band {
        let (after, on_or_before) = band.birth_dates(s.period.to);
        q.and_where(
            child_id.in_subquery(
                Query::select()
                    .column(person::Column::Id)
                    .from(person::Entity)
                    .and_where(Expr::col(person::Column::DateOfBirth).gt(after))
                    .and_where(Expr::col(person::Column::DateOfBirth).lte(on_or_before))
                    .to_owned(),
            ),
        );
    }
}

/// The families of the children of the scope in care in the period, as `family_id`.
pub(super) fn in_care_families(s: &NormScope) -> SelectStatement {
    let mut q = base(s);
    q.expr_as(trajectory_col(trajectory::Column::FamilyId), Alias::new("family_id"))
        .and_where(trajectory_col(trajectory::Column::AdmissionDate).lte(s.period.to))
        .cond_where(
            Cond::any()
                .add(trajectory_col(trajectory::Column::EndDate).is_null())
                .add(trajectory_col(trajectory::Column::EndDate).gte(s.period.from)),
        );
    q
}

/// The `key` column of a population, for `IN`.
pub(super) fn keys(population: SelectStatement) -> SelectStatement {
    Query::select().column(Alias::new("key")).from_subquery(population, Alias::new("population")).to_owned()
}

/// L(P): the children who left care in the period.
pub(super) fn closed_in(s: &NormScope) -> SelectStatement {
    let mut q = base(s);
    q.and_where(trajectory_col(trajectory::Column::EndDate).between(s.period.from, s.period.to));
    q
}

/// The day the child's time in the period ends: the day it left, or the period's end.
pub(super) fn until(s: &NormScope) -> Expr {
    let end = trajectory_col(trajectory::Column::EndDate);
    Expr::case(Cond::all().add(end.clone().is_not_null()).add(end.clone().lt(s.period.to)), end)
        .finally(Expr::val(s.period.to))
        .into()
}

/// Whether the trajectory has a row in `entity`.
pub(super) fn has<E: EntityTrait>(entity: E, trajectory_id: E::Column) -> SimpleExpr {
    Expr::exists(of_trajectory(entity, Expr::val(1), trajectory_id))
}

/// 1 when `cond` holds, else 0 (to add up reasons, or to test as a number).
pub(super) fn flag(cond: impl IntoCondition, value: i64) -> Expr {
    Expr::case(cond, value).finally(0).into()
}

/// The child came with fewer than two caring parents: the other is to be looked into
/// (IB 2167).
pub(super) fn came_with_one_parent() -> SimpleExpr {
    let caring_parents = Query::select()
        .expr(Func::count(Expr::col((family_membership::Entity, family_membership::Column::PersonId))))
        .from(family_membership::Entity)
        .and_where(
            Expr::col((family_membership::Entity, family_membership::Column::FamilyId))
                .equals((trajectory::Entity, trajectory::Column::FamilyId)),
        )
        .and_where(
            Expr::col((family_membership::Entity, family_membership::Column::Role))
                .eq(MembershipRole::CaringParent.as_str()),
        )
        .to_owned();
    Expr::expr(Expr::from(caring_parents)).lt(2)
}

/// The evaluations of the trajectory's plans, as a correlated subquery selecting `what`.
pub(super) fn evaluations(what: impl Into<Expr>) -> SelectStatement {
    Query::select()
        .expr(what)
        .from(evaluation::Entity)
        .and_where(Expr::col((evaluation::Entity, evaluation::Column::PlanId)).in_subquery(of_trajectory(
            action_plan::Entity,
            Expr::col((action_plan::Entity, action_plan::Column::Id)),
            action_plan::Column::TrajectoryId,
        )))
        .to_owned()
}

/// A(P, N): admitted in the period at least `days` before its end, so every child had them.
pub(super) fn admitted(s: &NormScope, days: u64) -> SelectStatement {
    let mut q = base(s);
    q.and_where(
        trajectory_col(trajectory::Column::AdmissionDate).between(s.period.from, s.period.to - Days::new(days)),
    );
    q
}

/// C(P) with at least `days` days in care within the period.
pub(super) fn in_care(sql: &Sql, s: &NormScope, days: u64) -> SelectStatement {
    let (from, to) = (s.period.from, s.period.to);
    let span = days - 1;
    let mut q = base(s);
    q.and_where(trajectory_col(trajectory::Column::AdmissionDate).lte(to - Days::new(span))).cond_where(
        Cond::any().add(trajectory_col(trajectory::Column::EndDate).is_null()).add(
            Cond::all().add(trajectory_col(trajectory::Column::EndDate).gte(from + Days::new(span))).add(
                sql.days(
                    trajectory_col(trajectory::Column::AdmissionDate),
                    trajectory_col(trajectory::Column::EndDate),
                )
                .gte(span as i64),
            ),
        ),
    );
    q
}

/// The child was at least `years` old at the end of the period.
pub(super) fn born_by(s: &NormScope, years: i32) -> SimpleExpr {
    trajectory_col(trajectory::Column::ChildId).in_subquery(
        Query::select()
            .column(person::Column::Id)
            .from(person::Entity)
            .and_where(Expr::col(person::Column::DateOfBirth).lte(born_on_or_before(s.period.to, years)))
            .to_owned(),
    )
}

/// The day the child first left phase 1, as a correlated subquery.
pub(super) fn left_phase_1() -> SelectStatement {
    of_trajectory(
        phase_change::Entity,
        Func::min(Expr::col((phase_change::Entity, phase_change::Column::EffectiveOn))),
        phase_change::Column::TrajectoryId,
    )
    .and_where(Expr::col((phase_change::Entity, phase_change::Column::FromPhase)).eq(Phase::Phase1.as_str()))
    .to_owned()
}

/// The children who first left phase 1 in the period.
pub(super) fn left_phase_1_in(s: &NormScope) -> SelectStatement {
    let mut q = base(s);
    q.and_where(Expr::expr(Expr::from(left_phase_1())).between(s.period.from, s.period.to));
    q
}

/// An aggregate over the rows of `entity` that belong to the outer query's trajectory, as a
/// correlated subquery.
pub(super) fn of_trajectory<E: EntityTrait>(
    entity: E,
    aggregate: impl Into<Expr>,
    trajectory_id: E::Column,
) -> SelectStatement {
    Query::select()
        .expr(aggregate)
        .from(entity)
        .and_where(Expr::col((entity, trajectory_id)).equals((trajectory::Entity, trajectory::Column::Id)))
        .to_owned()
}

/// How many contacts of `kind` were held with the trajectory's child in the period.
pub(super) fn held_in_period(s: &NormScope, kind: ContactKind) -> SelectStatement {
    in_period(s, contact::Entity, contact::Column::TrajectoryId, contact::Column::HeldOn)
        .and_where(Expr::col((contact::Entity, contact::Column::Kind)).eq(kind.as_str()))
        .to_owned()
}

/// How many rows of `entity` of the trajectory fall in the period (by the date `on`), as a
/// correlated subquery.
pub(super) fn in_period<E: EntityTrait>(
    s: &NormScope,
    entity: E,
    trajectory_id: E::Column,
    on: E::Column,
) -> SelectStatement {
    of_trajectory(entity, Func::count(Expr::col(Asterisk)), trajectory_id)
        .and_where(Expr::col((entity, on)).between(s.period.from, s.period.to))
        .to_owned()
}

/// The safety-scale answers of `respondent` for the trajectory up to `until`, joined to their
/// assessments: select from it.
fn scale_answers(respondent: SafetyRespondent, until: NaiveDate) -> SelectStatement {
    Query::select()
        .from(safety_scale_score::Entity)
        .inner_join(
            safety_assessment::Entity,
            Expr::col((safety_assessment::Entity, safety_assessment::Column::Id))
                .equals((safety_scale_score::Entity, safety_scale_score::Column::AssessmentId)),
        )
        .and_where(
            Expr::col((safety_assessment::Entity, safety_assessment::Column::TrajectoryId))
                .equals((trajectory::Entity, trajectory::Column::Id)),
        )
        .and_where(
            Expr::col((safety_scale_score::Entity, safety_scale_score::Column::Respondent)).eq(respondent.as_str()),
        )
        .and_where(Expr::col((safety_assessment::Entity, safety_assessment::Column::AssessedOn)).lte(until))
        .to_owned()
}

/// The change of `respondent`'s safety-scale score from the first assessment to the latest, up
/// to the period's end, of the children in care in the period who answered at least twice.
pub(super) fn safety_scale_change(sql: &Sql, s: &NormScope, respondent: SafetyRespondent) -> SelectStatement {
    let score = |order: Order| {
        scale_answers(respondent, s.period.to)
            .column((safety_scale_score::Entity, safety_scale_score::Column::Score))
            .order_by((safety_assessment::Entity, safety_assessment::Column::AssessedOn), order.clone())
            .order_by((safety_assessment::Entity, safety_assessment::Column::CreatedAt), order)
            .limit(1)
            .to_owned()
    };
    let answered = scale_answers(respondent, s.period.to)
        .expr(Func::count(Expr::col((safety_scale_score::Entity, safety_scale_score::Column::Id))))
        .to_owned();
    in_care(sql, s, 1)
        .and_where(Expr::expr(Expr::from(answered)).gte(2))
        .expr_as(Expr::expr(Expr::from(score(Order::Desc))).sub(Expr::from(score(Order::Asc))), Alias::new("detail"))
        .to_owned()
}
