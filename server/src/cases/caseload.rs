//! The caseload (cliëntenbestand) as the method reads it: which children to list, and per
//! trajectory the records its cadence (ritme) depends on. Shared by the API's lists and loaders,
//! the agenda and the reports, so that "overdue" means the same everywhere.

use crate::domain::{
    age::{AgeBand, born_on_or_before},
    cadence::{
        CHILD_TALK_EVERY_DAYS, CHILD_TALK_FROM_AGE, CadenceFacts, EVALUATION_EVERY_DAYS, PARENT_TALK_EVERY_DAYS,
        PARENT_TALK_KINDS, SEEN_WITH_PARENT_KINDS,
    },
    phase::PHASE_1_MAX_DAYS,
};
use chrono::{Days, NaiveDate};
use entities::{ContactKind, Phase, action_plan, contact, evaluation, family, person, safety_plan, trajectory};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Select,
    sea_query::{Alias, Expr, ExprTrait, Func, Query, SelectStatement},
};
use std::collections::HashMap;
use uuid::Uuid;

/// Which children of the organisation to list; every condition left out holds.
#[derive(Debug, Clone, Default)]
pub struct CaseloadFilter {
    pub location_id: Option<Uuid>,
    pub phase: Option<Phase>,
    /// Closed trajectories too, when no phase is given.
    pub include_closed: bool,
    pub responsible_worker_id: Option<Uuid>,
    pub age_band: Option<AgeBand>,
    /// Only children whose phase 1 has run over six weeks (or only those whose has not).
    pub phase1_overdue: Option<bool>,
    /// Only children with something overdue in the cadence (or only those without).
    pub overdue: Option<bool>,
}

/// The trajectories of the children `f` selects, in SQL so that the list pages in the database.
pub fn select_children(organisation_id: Uuid, f: &CaseloadFilter, today: NaiveDate) -> Select<trajectory::Entity> {
    let overdue_before = today - Days::new(PHASE_1_MAX_DAYS as u64);
    trajectory::Entity::find()
        .filter(trajectory::Column::OrganisationId.eq(organisation_id))
        .apply_if(f.phase, |q, ph| q.filter(trajectory::Column::Phase.eq(ph)))
        .apply_if((f.phase.is_none() && !f.include_closed).then_some(()), |q, _| {
            q.filter(trajectory::Column::Phase.ne(Phase::Closed))
        })
        .apply_if(f.responsible_worker_id, |q, w| q.filter(trajectory::Column::ResponsibleWorkerId.eq(w)))
        .apply_if(f.location_id, |q, l| {
            q.filter(
                trajectory::Column::FamilyId.in_subquery(
                    Query::select()
                        .column(family::Column::Id)
                        .from(family::Entity)
                        .and_where(family::Column::LocationId.eq(l))
                        .to_owned(),
                ),
            )
        })
        .apply_if(f.age_band, |q, band| {
            let (after, on_or_before) = band.birth_dates(today);
            q.filter(
                trajectory::Column::ChildId.in_subquery(
                    Query::select()
                        .column(person::Column::Id)
                        .from(person::Entity)
                        .and_where(person::Column::DateOfBirth.gt(after))
                        .and_where(person::Column::DateOfBirth.lte(on_or_before))
                        .to_owned(),
                ),
            )
        })
        .apply_if(f.phase1_overdue, |q, overdue| {
            let late =
                trajectory::Column::Phase.eq(Phase::Phase1).and(trajectory::Column::AdmissionDate.lt(overdue_before));
            q.filter(if overdue { late } else { late.not() })
        })
        .apply_if(f.overdue, |q, overdue| {
            let late = overdue_condition(today);
            q.filter(if overdue { late } else { late.not() })
        })
}

/// A worker's caseload: the open trajectories they are responsible worker for.
pub async fn open_trajectories_of<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    worker_id: Uuid,
) -> Result<Vec<trajectory::Model>, DbErr> {
    trajectory::Entity::find()
        .filter(trajectory::Column::OrganisationId.eq(organisation_id))
        .filter(trajectory::Column::ResponsibleWorkerId.eq(worker_id))
        .filter(trajectory::Column::Phase.ne(Phase::Closed))
        .order_by_asc(trajectory::Column::Id)
        .all(db)
        .await
}

/// The records the cadence of a trajectory depends on.
#[derive(Debug, Clone, Default)]
pub struct CadenceRecords {
    pub last_child_talk: Option<NaiveDate>,
    pub last_parent_talk: Option<NaiveDate>,
    pub last_seen_with_parent: Option<NaiveDate>,
    pub plan_drawn_up_on: Option<NaiveDate>,
    pub last_evaluation: Option<NaiveDate>,
    pub safety_plan_review_on: Option<NaiveDate>,
}

/// Four statements for any number of trajectories: the last held contact per kind, the
/// plans, the last evaluation per plan, and the safety plans' review dates. Trajectory ids come from tenant-checked rows.
pub async fn cadence_records<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<HashMap<Uuid, CadenceRecords>, DbErr> {
    let ids = ids.to_vec();
    let mut out: HashMap<Uuid, CadenceRecords> = HashMap::new();
    let talks: Vec<(Uuid, ContactKind, Option<NaiveDate>)> = contact::Entity::find()
        .select_only()
        .column(contact::Column::TrajectoryId)
        .column(contact::Column::Kind)
        .column_as(Expr::from(Func::max(Expr::col(contact::Column::HeldOn))), "last")
        .filter(contact::Column::TrajectoryId.is_in(ids.clone()))
        // By child too, so that the (child, kind, held_on) index serves the lookup.
        .filter(
            contact::Column::ChildId.in_subquery(
                Query::select()
                    .column(trajectory::Column::ChildId)
                    .from(trajectory::Entity)
                    .and_where(trajectory::Column::Id.is_in(ids.clone()))
                    .to_owned(),
            ),
        )
        .filter(contact::Column::HeldOn.is_not_null())
        .group_by(contact::Column::TrajectoryId)
        .group_by(contact::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    for (t, kind, last) in talks {
        let r = out.entry(t).or_default();
        let slot = match kind {
            ContactKind::ChildTalk => &mut r.last_child_talk,
            k if PARENT_TALK_KINDS.contains(&k) => &mut r.last_parent_talk,
            k if SEEN_WITH_PARENT_KINDS.contains(&k) => &mut r.last_seen_with_parent,
            _ => continue,
        };
        *slot = std::cmp::max(*slot, last);
    }
    let safety_plans: Vec<(Uuid, i32, NaiveDate)> = safety_plan::Entity::find()
        .select_only()
        .columns([safety_plan::Column::TrajectoryId, safety_plan::Column::Version, safety_plan::Column::ReviewOn])
        .filter(safety_plan::Column::TrajectoryId.is_in(ids.clone()))
        .order_by_asc(safety_plan::Column::Version)
        .into_tuple()
        .all(db)
        .await?;
    for (t, _, review_on) in safety_plans {
        // In version order: the newest plan's date stays.
        out.entry(t).or_default().safety_plan_review_on = Some(review_on);
    }
    let plans = action_plan::Entity::find()
        .filter(action_plan::Column::TrajectoryId.is_in(ids))
        .order_by_asc(action_plan::Column::Id)
        .all(db)
        .await?;
    let mut plan_of = HashMap::new();
    for p in &plans {
        let r = out.entry(p.trajectory_id).or_default();
        r.plan_drawn_up_on = Some(r.plan_drawn_up_on.map_or(p.drawn_up_on, |d| std::cmp::min(d, p.drawn_up_on)));
        plan_of.insert(p.id, p.trajectory_id);
    }
    if !plan_of.is_empty() {
        let evaluations: Vec<(Uuid, Option<NaiveDate>)> = evaluation::Entity::find()
            .select_only()
            .column(evaluation::Column::PlanId)
            .column_as(Expr::from(Func::max(Expr::col(evaluation::Column::HeldOn))), "last")
            .filter(evaluation::Column::PlanId.is_in(plan_of.keys().copied()))
            .group_by(evaluation::Column::PlanId)
            .into_tuple()
            .all(db)
            .await?;
        for (plan, last) in evaluations {
            let r = out.entry(plan_of[&plan]).or_default();
            r.last_evaluation = std::cmp::max(r.last_evaluation, last);
        }
    }
    Ok(out)
}

/// The facts for one child: its trajectory and date of birth with the loaded records.
pub fn facts(t: &trajectory::Model, date_of_birth: NaiveDate, r: CadenceRecords) -> CadenceFacts {
    CadenceFacts {
        phase: Some(t.phase),
        admission_date: t.admission_date,
        date_of_birth,
        last_child_talk: r.last_child_talk,
        last_parent_talk: r.last_parent_talk,
        last_seen_with_parent: r.last_seen_with_parent,
        plan_drawn_up_on: r.plan_drawn_up_on,
        last_evaluation: r.last_evaluation,
        safety_plan_review_on: r.safety_plan_review_on,
    }
}

fn trajectory_col(c: trajectory::Column) -> Expr {
    Expr::col((trajectory::Entity, c))
}

/// The last held contact of the given kinds in the trajectory, as a correlated subquery.
fn last_contact(kinds: &[ContactKind]) -> SelectStatement {
    Query::select()
        .expr(Func::max(Expr::col((contact::Entity, contact::Column::HeldOn))))
        .from(contact::Entity)
        .and_where(
            Expr::col((contact::Entity, contact::Column::ChildId))
                .equals((trajectory::Entity, trajectory::Column::ChildId)),
        )
        .and_where(
            Expr::col((contact::Entity, contact::Column::TrajectoryId))
                .equals((trajectory::Entity, trajectory::Column::Id)),
        )
        .and_where(Expr::col((contact::Entity, contact::Column::Kind)).is_in(kinds.iter().map(|k| k.as_str())))
        .to_owned()
}

/// `overdue` of [`cadence::overdue`] as a condition on `trajectory` rows, so that the filter
/// pages in SQL. A test compares the two on the same data.
pub fn overdue_condition(today: NaiveDate) -> Condition {
    let before = |days: u64| today - Days::new(days);
    let since = |last: SelectStatement, otherwise: Expr| Expr::expr(Func::coalesce([Expr::from(last), otherwise]));
    let born = |cond: fn(person::Column, NaiveDate) -> sea_orm::sea_query::SimpleExpr, on: NaiveDate| {
        trajectory::Column::ChildId.in_subquery(
            Query::select()
                .column(person::Column::Id)
                .from(person::Entity)
                .and_where(cond(person::Column::DateOfBirth, on))
                .to_owned(),
        )
    };
    let four_today = born_on_or_before(today, CHILD_TALK_FROM_AGE);
    let talk_by = before(CHILD_TALK_EVERY_DAYS);
    // Without a talk yet, the first is due two weeks after admission or the 4th birthday,
    // whichever is later: late when both lie before `talk_by`.
    let child_talk_late = Condition::all()
        .add(born(|c, d| c.lte(d), four_today))
        .add(
            since(last_contact(&[ContactKind::ChildTalk]), trajectory_col(trajectory::Column::AdmissionDate))
                .lt(talk_by),
        )
        .add(
            Condition::any()
                .add(Expr::from(last_contact(&[ContactKind::ChildTalk])).is_not_null())
                .add(born(|c, d| c.lte(d), born_on_or_before(talk_by - Days::new(1), CHILD_TALK_FROM_AGE))),
        );
    let seen_with_parent_late = Condition::all().add(born(|c, d| c.gt(d), four_today)).add(
        since(last_contact(&SEEN_WITH_PARENT_KINDS), trajectory_col(trajectory::Column::AdmissionDate)).lt(talk_by),
    );
    let newest_plan_version = Query::select()
        .expr(Func::max(Expr::col((Alias::new("newest"), safety_plan::Column::Version))))
        .from_as(safety_plan::Entity, Alias::new("newest"))
        .and_where(
            Expr::col((Alias::new("newest"), safety_plan::Column::TrajectoryId))
                .equals((trajectory::Entity, trajectory::Column::Id)),
        )
        .to_owned();
    let safety_plan_review_late = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(safety_plan::Entity)
            .and_where(
                Expr::col((safety_plan::Entity, safety_plan::Column::TrajectoryId))
                    .equals((trajectory::Entity, trajectory::Column::Id)),
            )
            .and_where(Expr::col((safety_plan::Entity, safety_plan::Column::ReviewOn)).lt(today))
            .and_where(
                Expr::col((safety_plan::Entity, safety_plan::Column::Version)).eq(Expr::from(newest_plan_version)),
            )
            .to_owned(),
    );
    let parent_talk_late = since(last_contact(&PARENT_TALK_KINDS), trajectory_col(trajectory::Column::AdmissionDate))
        .lt(before(PARENT_TALK_EVERY_DAYS));
    let plan_of_trajectory = |q: &mut SelectStatement| {
        q.and_where(
            Expr::col((action_plan::Entity, action_plan::Column::TrajectoryId))
                .equals((trajectory::Entity, trajectory::Column::Id)),
        );
    };
    let mut first_plan = Query::select();
    first_plan
        .expr(Func::min(Expr::col((action_plan::Entity, action_plan::Column::DrawnUpOn))))
        .from(action_plan::Entity);
    plan_of_trajectory(&mut first_plan);
    let mut last_evaluation = Query::select();
    last_evaluation
        .expr(Func::max(Expr::col((evaluation::Entity, evaluation::Column::HeldOn))))
        .from(evaluation::Entity)
        .inner_join(
            action_plan::Entity,
            Expr::col((action_plan::Entity, action_plan::Column::Id))
                .equals((evaluation::Entity, evaluation::Column::PlanId)),
        );
    plan_of_trajectory(&mut last_evaluation);
    // Without a plan nothing is due; EXISTS keeps the condition false rather than NULL, so
    // that `overdue: false` (NOT …) finds those children too.
    let mut any_plan = Query::select();
    any_plan.expr(Expr::val(1)).from(action_plan::Entity);
    plan_of_trajectory(&mut any_plan);
    let evaluation_late = Condition::all()
        .add(Expr::exists(any_plan))
        .add(since(last_evaluation, Expr::from(first_plan)).lt(before(EVALUATION_EVERY_DAYS)));
    let phase1_late = Condition::all()
        .add(trajectory::Column::Phase.eq(Phase::Phase1))
        .add(trajectory::Column::AdmissionDate.lt(before(PHASE_1_MAX_DAYS as u64)));
    Condition::all().add(trajectory::Column::Phase.ne(Phase::Closed)).add(
        Condition::any()
            .add(phase1_late)
            .add(child_talk_late)
            .add(seen_with_parent_late)
            .add(parent_talk_late)
            .add(evaluation_late)
            .add(safety_plan_review_late),
    )
}
