//! The populations of method-review §1 and the per-trajectory summaries of the record tables the
//! definitions read, built with sea-query for SQLite and PostgreSQL alike.
//!
//! Every figure about children is counted over one *frame*: the organisation's trajectories
//! that overlap the period, with their child and the summaries the figures ask for. For the
//! overview each summary is one grouped pass over its table, joined to the trajectories, so
//! all figures of a period come from one statement whatever the number of children. For a
//! drill-down page a summary is a subquery per trajectory, so that only the rows shown are
//! read.

use super::NormScope;
use crate::domain::age::born_on_or_before;
use chrono::{Days, NaiveDate};
use entities::{
    ContactKind, MembershipRole, Phase, SafetyRespondent, action_plan, child_activity, contact, evaluation, family,
    family_membership, first_contact, intake, location, non_accompanying_parent, person, phase_change,
    psycho_education, reporting_code_track, safety_assessment, safety_scale_score, screening, trajectory,
};
use sea_orm::{
    DatabaseBackend,
    sea_query::{Alias, Cond, Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement},
};
use std::cell::{Cell, RefCell};

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

    /// Keeps PostgreSQL from merging subquery `q` into the query around it (OFFSET 0), where it
    /// would evaluate each of its expressions once per use instead of once per row. SQLite
    /// neither needs nor parses it.
    pub(super) fn fence(&self, q: &mut SelectStatement) {
        if self.0 == DatabaseBackend::Postgres {
            q.offset(0);
        }
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
        .from(trajectory::Entity);
    scoped(&mut q, s);
    q
}

/// The organisation's trajectories within the scope's filters.
fn scoped(q: &mut SelectStatement, s: &NormScope) {
    q.and_where(trajectory_col(trajectory::Column::OrganisationId).eq(s.organisation_id));
    if let Some(setting) = s.setting {
        q.and_where(trajectory_col(trajectory::Column::Setting).eq(setting.as_str()));
    }
    narrow(q, s, trajectory_col(trajectory::Column::FamilyId), trajectory_col(trajectory::Column::ChildId));
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
    q.expr_as(trajectory_col(trajectory::Column::FamilyId), Alias::new("family_id")).cond_where(overlaps(s));
    q
}

/// The `key` column of a population, for `IN`.
pub(super) fn keys(population: SelectStatement) -> SelectStatement {
    Query::select().column(Alias::new("key")).from_subquery(population, Alias::new("population")).to_owned()
}

/// The trajectory was open on some day of the period.
fn overlaps(s: &NormScope) -> Cond {
    Cond::all().add(trajectory_col(trajectory::Column::AdmissionDate).lte(s.period.to)).add(
        Cond::any()
            .add(trajectory_col(trajectory::Column::EndDate).is_null())
            .add(trajectory_col(trajectory::Column::EndDate).gte(s.period.from)),
    )
}

/// C(P) with at least `days` days in care within the period.
pub(super) fn in_care(sql: &Sql, s: &NormScope, days: u64) -> Cond {
    let (from, to) = (s.period.from, s.period.to);
    let span = days - 1;
    Cond::all().add(trajectory_col(trajectory::Column::AdmissionDate).lte(to - Days::new(span))).add(
        Cond::any().add(trajectory_col(trajectory::Column::EndDate).is_null()).add(
            Cond::all().add(trajectory_col(trajectory::Column::EndDate).gte(from + Days::new(span))).add(
                sql.days(
                    trajectory_col(trajectory::Column::AdmissionDate),
                    trajectory_col(trajectory::Column::EndDate),
                )
                .gte(span as i64),
            ),
        ),
    )
}

/// 1 when `cond` holds, else 0 (to add up reasons, or to test as a number).
pub(super) fn flag(cond: impl sea_orm::sea_query::IntoCondition, value: i64) -> Expr {
    Expr::case(cond, value).finally(0).into()
}

/// How a frame reads the summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// One grouped pass per table, joined to the trajectories: for counting them all.
    Joined,
    /// A subquery per trajectory: for a page of a few.
    PerRow,
}

/// A per-trajectory summary of one record table: aggregates over its rows, grouped by the
/// column `of` that names the trajectory (or the child or family) they belong to.
pub(super) struct Summary {
    alias: String,
    /// The rows summarised: FROM and WHERE, no selection.
    rows: SelectStatement,
    of: Expr,
    /// The trajectory's column `of` is matched against.
    on: trajectory::Column,
    columns: Vec<(&'static str, Expr)>,
}

impl Summary {
    /// A summary of `rows`, matching `of` against the trajectory's column `on`.
    fn new(alias: impl Into<String>, rows: SelectStatement, of: Expr, on: trajectory::Column) -> Self {
        Self { alias: alias.into(), rows, of, on, columns: Vec::new() }
    }

    fn column(mut self, name: &'static str, aggregate: impl Into<Expr>) -> Self {
        self.columns.push((name, aggregate.into()));
        self
    }

    fn aggregate(&self, name: &str) -> Expr {
        let found = self.columns.iter().find(|(n, _)| *n == name);
        found.unwrap_or_else(|| panic!("summary {} has no column {name}", self.alias)).1.clone()
    }

    /// The summary as one grouped pass, to join on `of`.
    fn grouped(&self) -> SelectStatement {
        let mut q = self.rows.clone();
        q.expr_as(self.of.clone(), Alias::new("of"));
        for (name, aggregate) in &self.columns {
            q.expr_as(aggregate.clone(), Alias::new(*name));
        }
        q.add_group_by([self.of.clone()]);
        q
    }

    /// One column of the summary for the outer query's trajectory.
    fn per_row(&self, name: &str) -> Expr {
        let mut q = self.rows.clone();
        q.expr(self.aggregate(name)).and_where(self.of.clone().equals((trajectory::Entity, self.on)));
        Expr::from(q)
    }
}

/// The trajectories a figure is counted over, with the summaries its definition reads: the
/// definitions build their conditions and details on it, and it joins what they used.
pub(super) struct Frame<'a> {
    pub sql: &'a Sql,
    pub s: &'a NormScope,
    mode: Mode,
    joined: RefCell<Vec<Summary>>,
    person: Cell<bool>,
}

impl<'a> Frame<'a> {
    pub fn new(sql: &'a Sql, s: &'a NormScope, mode: Mode) -> Self {
        Self { sql, s, mode, joined: RefCell::new(Vec::new()), person: Cell::new(false) }
    }

    /// Column `name` of a summary: NULL for a trajectory without rows.
    pub fn get(&self, summary: impl FnOnce(&NormScope) -> Summary, name: &str) -> Expr {
        let summary = summary(self.s);
        match self.mode {
            Mode::PerRow => summary.per_row(name),
            Mode::Joined => {
                let column = Expr::col((Alias::new(&summary.alias), Alias::new(name)));
                summary.aggregate(name); // a misspelt column fails here, not in the database
                let mut joined = self.joined.borrow_mut();
                if joined.iter().all(|j| j.alias != summary.alias) {
                    joined.push(summary);
                }
                column
            }
        }
    }

    /// Column `name` of a summary read per trajectory, in any mode: for the detail of a figure
    /// of few children (admitted in the period, say) that no figure of many reads, where a
    /// look-up per child counted costs less than a pass over the whole table.
    pub fn probe(&self, summary: impl FnOnce(&NormScope) -> Summary, name: &str) -> Expr {
        summary(self.s).per_row(name)
    }

    /// A count or sum of a summary: 0 for a trajectory without rows.
    pub fn number(&self, summary: impl FnOnce(&NormScope) -> Summary, name: &str) -> Expr {
        Func::coalesce([self.get(summary, name), Expr::val(0)]).into()
    }

    /// Whether the trajectory has rows in a summary (one with a column `rows`).
    pub fn has(&self, summary: impl FnOnce(&NormScope) -> Summary) -> Expr {
        self.number(summary, "rows").gt(0)
    }

    /// The tables joined so far (each a pass over it).
    pub fn joined(&self) -> Vec<String> {
        let person = self.person.get().then(|| "person".to_owned());
        self.joined.borrow().iter().map(|s| s.alias.clone()).chain(person).collect()
    }

    /// The trajectories of the scope open in the period, with what was read about them.
    pub fn select(&self) -> SelectStatement {
        let mut q = Query::select();
        q.from(trajectory::Entity);
        scoped(&mut q, self.s);
        q.cond_where(overlaps(self.s));
        if self.person.get() {
            q.join(
                JoinType::InnerJoin,
                person::Entity,
                Expr::col((person::Entity, person::Column::Id))
                    .equals((trajectory::Entity, trajectory::Column::ChildId)),
            );
        }
        for summary in self.joined.borrow().iter() {
            let mut grouped = summary.grouped();
            // PostgreSQL hashes the rows it groups: only those of the frame's trajectories, not
            // all the organisation's history. SQLite groups them in the order of their index on
            // the trajectory, and a list of the frame's to look them up by took it twice as long.
            if self.sql.0 == DatabaseBackend::Postgres {
                let mut frame = Query::select();
                frame.expr(trajectory_col(summary.on)).from(trajectory::Entity).cond_where(overlaps(self.s));
                scoped(&mut frame, self.s);
                grouped.and_where(summary.of.clone().in_subquery(frame));
            }
            q.join_subquery(
                JoinType::LeftJoin,
                grouped,
                Alias::new(&summary.alias),
                Expr::col((Alias::new(&summary.alias), Alias::new("of"))).equals((trajectory::Entity, summary.on)),
            );
        }
        q
    }

    /// A(P, N): admitted in the period at least `days` before its end, so every child had them.
    pub fn admitted(&self, days: u64) -> Cond {
        Cond::all().add(
            trajectory_col(trajectory::Column::AdmissionDate)
                .between(self.s.period.from, self.s.period.to - Days::new(days)),
        )
    }

    /// C(P) with at least `days` days in care within the period.
    pub fn in_care(&self, days: u64) -> Cond {
        in_care(self.sql, self.s, days)
    }

    /// L(P): the children who left care in the period.
    pub fn closed_in(&self) -> Cond {
        Cond::all().add(trajectory_col(trajectory::Column::EndDate).between(self.s.period.from, self.s.period.to))
    }

    /// The day the child's time in the period ends: the day it left, or the period's end.
    pub fn until(&self) -> Expr {
        let end = trajectory_col(trajectory::Column::EndDate);
        Expr::case(Cond::all().add(end.clone().is_not_null()).add(end.clone().lt(self.s.period.to)), end)
            .finally(Expr::val(self.s.period.to))
            .into()
    }

    /// The child was at least `years` old at the end of the period.
    pub fn born_by(&self, years: i32) -> Expr {
        self.person.set(true);
        Expr::col((person::Entity, person::Column::DateOfBirth)).lte(born_on_or_before(self.s.period.to, years))
    }

    /// Whole days from the admission to `on`.
    pub fn days_from_admission(&self, on: Expr) -> Expr {
        self.sql.days(trajectory_col(trajectory::Column::AdmissionDate), on)
    }

    /// The day the child first left phase 1.
    pub fn left_phase_1(&self) -> Expr {
        self.get(phase_changes, "left_phase_1")
    }

    /// The child came with fewer than two caring parents: the other is to be looked into
    /// (IB 2167).
    pub fn came_with_one_parent(&self) -> Expr {
        self.number(caring_parents, "rows").lt(2)
    }
}

/// A summary of `entity`'s rows per trajectory.
macro_rules! per_trajectory {
    ($alias:expr, $entity:ident) => {
        Summary::new(
            $alias,
            Query::select().from($entity::Entity).to_owned(),
            Expr::col(($entity::Entity, $entity::Column::TrajectoryId)),
            trajectory::Column::Id,
        )
    };
}

/// `value` where `cond` holds, else NULL (for MIN and MAX to pass over).
fn when(cond: Expr, value: Expr) -> Expr {
    Expr::case(cond, value).into()
}

fn count_rows() -> Expr {
    Func::count(Expr::val(1)).into()
}

/// 1 for a row where `cond` holds, to add up.
fn counts(cond: impl sea_orm::sea_query::IntoCondition) -> Expr {
    Func::sum(flag(cond, 1)).into()
}

/// The first contact (kennismaking) and what it covered.
pub(super) fn first_contacts(_: &NormScope) -> Summary {
    use entities::first_contact::{Column, Entity};
    let c = |c| Expr::col((Entity, c));
    let all_four = Cond::all()
        .add(c(Column::WarmWelcome).eq(true))
        .add(c(Column::HouseRulesExplained).eq(true))
        .add(c(Column::ComplaintsProcedureExplained).eq(true))
        .add(c(Column::ConfidantExplained).eq(true));
    per_trajectory!("first_contacts", first_contact)
        .column("first_on", Func::min(c(Column::ContactOn)))
        .column("complete", Func::max(flag(all_four, 1)))
        .column("network_mapped", Func::max(flag(c(Column::NetworkMappedWithParent).eq(true), 1)))
        .column("trauma_seen", Func::max(flag(c(Column::RiskTrauma).eq(true), 1)))
}

/// The intakes: the first, and what they recorded.
pub(super) fn intakes(_: &NormScope) -> Summary {
    use entities::{
        EducationKind,
        intake::{Column, Entity},
    };
    let c = |c| Expr::col((Entity, c));
    let at_school = when(c(Column::EducationKind).eq(EducationKind::School.as_str()), c(Column::HeldOn));
    per_trajectory!("intakes", intake)
        .column("rows", count_rows())
        .column("first_on", Func::min(c(Column::HeldOn)))
        .column("child_experience", Func::max(flag(c(Column::ChildExperience).is_not_null(), 1)))
        .column("first_at_school_on", Func::min(at_school))
}

/// The custody recorded for the child.
pub(super) fn custodies(_: &NormScope) -> Summary {
    use entities::custody::{Column, Entity};
    Summary::new(
        "custodies",
        Query::select().from(Entity).to_owned(),
        Expr::col((Entity, Column::ChildId)),
        trajectory::Column::ChildId,
    )
    .column("rows", count_rows())
}

/// The family's caring parents.
fn caring_parents(_: &NormScope) -> Summary {
    let c = |c| Expr::col((family_membership::Entity, c));
    let rows = Query::select()
        .from(family_membership::Entity)
        .and_where(c(family_membership::Column::Role).eq(MembershipRole::CaringParent.as_str()))
        .to_owned();
    Summary::new("caring_parents", rows, c(family_membership::Column::FamilyId), trajectory::Column::FamilyId)
        .column("rows", count_rows())
}

/// The phase changes: the day phase 1 was first left.
fn phase_changes(_: &NormScope) -> Summary {
    let c = |c| Expr::col((phase_change::Entity, c));
    let rows = Query::select()
        .from(phase_change::Entity)
        .and_where(c(phase_change::Column::FromPhase).eq(Phase::Phase1.as_str()))
        .to_owned();
    Summary::new("phase_changes", rows, c(phase_change::Column::TrajectoryId), trajectory::Column::Id)
        .column("left_phase_1", Func::min(c(phase_change::Column::EffectiveOn)))
}

/// The action plans: the first and the latest.
pub(super) fn plans(_: &NormScope) -> Summary {
    let c = |c| Expr::col((action_plan::Entity, c));
    per_trajectory!("plans", action_plan)
        .column("rows", count_rows())
        .column("first_on", Func::min(c(action_plan::Column::DrawnUpOn)))
        .column("latest_on", Func::max(c(action_plan::Column::DrawnUpOn)))
}

/// A summary of the rows of a table joined to their action plan, per the plan's trajectory.
fn of_plans(alias: &str, table: impl sea_orm::sea_query::IntoTableRef, plan_id: Expr) -> Summary {
    let rows = Query::select()
        .from(table)
        .join(
            JoinType::InnerJoin,
            action_plan::Entity,
            Expr::col((action_plan::Entity, action_plan::Column::Id)).eq(plan_id),
        )
        .to_owned();
    Summary::new(
        alias,
        rows,
        Expr::col((action_plan::Entity, action_plan::Column::TrajectoryId)),
        trajectory::Column::Id,
    )
}

/// The evaluations of the trajectory's plans: up to the period's end and in it.
pub(super) fn evaluations(s: &NormScope) -> Summary {
    let c = |c| Expr::col((evaluation::Entity, c));
    let in_period = || c(evaluation::Column::HeldOn).between(s.period.from, s.period.to);
    let latest = when(c(evaluation::Column::HeldOn).lte(s.period.to), c(evaluation::Column::HeldOn));
    of_plans("evaluations", evaluation::Entity, c(evaluation::Column::PlanId))
        .column("latest_on", Func::max(latest))
        .column("in_period", counts(in_period()))
        .column(
            "without_child_in_period",
            counts(Cond::all().add(in_period()).add(c(evaluation::Column::ChildTookPart).eq(false))),
        )
        .column("child_took_part", Func::max(flag(c(evaluation::Column::ChildTookPart).eq(true), 1)))
}

/// The goals of the trajectory's plans: all, those for the parents, those achieved at their
/// latest evaluation.
pub(super) fn goals(_: &NormScope) -> Summary {
    use entities::{GoalStatus, goal, goal_progress};
    let c = |c| Expr::col((goal::Entity, c));
    let serves = |letter: &str| c(goal::Column::SubGoals).cast_as("TEXT").like(format!("%\"{letter}\"%"));
    // A goal's status at its latest evaluation (a goal has a few: read per goal).
    let latest_status = Query::select()
        .column((goal_progress::Entity, goal_progress::Column::Status))
        .from(goal_progress::Entity)
        .inner_join(
            evaluation::Entity,
            Expr::col((evaluation::Entity, evaluation::Column::Id))
                .equals((goal_progress::Entity, goal_progress::Column::EvaluationId)),
        )
        .and_where(
            Expr::col((goal_progress::Entity, goal_progress::Column::GoalId)).equals((goal::Entity, goal::Column::Id)),
        )
        .order_by((evaluation::Entity, evaluation::Column::HeldOn), Order::Desc)
        .order_by((goal_progress::Entity, goal_progress::Column::CreatedAt), Order::Desc)
        .limit(1)
        .to_owned();
    of_plans("goals", goal::Entity, c(goal::Column::PlanId))
        .column("rows", count_rows())
        .column("for_parents", counts(Cond::any().add(serves("G")).add(serves("H")).add(serves("I")).add(serves("J"))))
        .column("achieved", counts(Expr::expr(Expr::from(latest_status)).eq(GoalStatus::Achieved.as_str())))
}

/// The safety assessments: the latest up to the period's end.
pub(super) fn safety_assessments(s: &NormScope) -> Summary {
    let on = Expr::col((safety_assessment::Entity, safety_assessment::Column::AssessedOn));
    per_trajectory!("safety_assessments", safety_assessment)
        .column("rows", count_rows())
        .column("latest_on", Func::max(when(on.clone().lte(s.period.to), on)))
}

/// The safety-scale answers of `respondent` joined to their assessments, up to `until`.
fn scale_answers(respondent: SafetyRespondent, until: Option<NaiveDate>) -> SelectStatement {
    let mut q = Query::select().from(safety_assessment::Entity).to_owned();
    q.inner_join(
        safety_scale_score::Entity,
        Expr::col((safety_assessment::Entity, safety_assessment::Column::Id))
            .equals((safety_scale_score::Entity, safety_scale_score::Column::AssessmentId)),
    )
    .and_where(Expr::col((safety_scale_score::Entity, safety_scale_score::Column::Respondent)).eq(respondent.as_str()));
    if let Some(until) = until {
        q.and_where(Expr::col((safety_assessment::Entity, safety_assessment::Column::AssessedOn)).lte(until));
    }
    q
}

/// How often `respondent` answered the safety scale, up to `until` (ever without it).
pub(super) fn scale_answered(
    respondent: SafetyRespondent,
    until: Option<NaiveDate>,
) -> impl FnOnce(&NormScope) -> Summary {
    move |_| {
        let alias = format!("scale_{}_{}", respondent.as_str().to_lowercase(), until.map_or("ever", |_| "by_end"));
        Summary::new(
            alias,
            scale_answers(respondent, until),
            Expr::col((safety_assessment::Entity, safety_assessment::Column::TrajectoryId)),
            trajectory::Column::Id,
        )
        .column("rows", count_rows())
    }
}

/// The change of `respondent`'s safety-scale score from the first assessment to the latest up
/// to the period's end: read per trajectory (only for those who answered twice).
pub(super) fn scale_change(s: &NormScope, respondent: SafetyRespondent) -> Expr {
    let score = |order: Order| {
        scale_answers(respondent, Some(s.period.to))
            .column((safety_scale_score::Entity, safety_scale_score::Column::Score))
            .and_where(
                Expr::col((safety_assessment::Entity, safety_assessment::Column::TrajectoryId))
                    .equals((trajectory::Entity, trajectory::Column::Id)),
            )
            .order_by((safety_assessment::Entity, safety_assessment::Column::AssessedOn), order.clone())
            .order_by((safety_assessment::Entity, safety_assessment::Column::CreatedAt), order)
            .limit(1)
            .to_owned()
    };
    Expr::expr(Expr::from(score(Order::Desc))).sub(Expr::from(score(Order::Asc)))
}

/// The screenings: the first CRIES-13.
pub(super) fn screenings(_: &NormScope) -> Summary {
    use entities::screening::{Column, Entity};
    let cries =
        when(Expr::col((Entity, Column::Instrument)).eq("CRIES_13"), Expr::col((Entity, Column::AdministeredOn)));
    per_trajectory!("screenings", screening).column("first_cries_on", Func::min(cries))
}

/// The SDQs the parent filled in up to the period's end.
fn parent_sdqs(s: &NormScope) -> SelectStatement {
    use crate::domain::screening::Informant;
    use entities::screening::{Column, Entity};
    Query::select()
        .from(Entity)
        .and_where(Expr::col((Entity, Column::Instrument)).eq("SDQ"))
        .and_where(Expr::col((Entity, Column::Informant)).eq(Informant::Parent.as_str()))
        .and_where(Expr::col((Entity, Column::AdministeredOn)).lte(s.period.to))
        .to_owned()
}

/// How many SDQs the parent filled in up to the period's end.
pub(super) fn sdqs(s: &NormScope) -> Summary {
    use entities::screening::{Column, Entity};
    Summary::new("sdqs", parent_sdqs(s), Expr::col((Entity, Column::TrajectoryId)), trajectory::Column::Id)
        .column("rows", count_rows())
}

/// The change of the parent's SDQ band from the first to the latest (first minus latest: bands
/// run NORMAL 0 to ABNORMAL 2), read per trajectory.
pub(super) fn sdq_change(sql: &Sql, s: &NormScope) -> Expr {
    use entities::screening::{Column, Entity};
    let band = |order: Order| {
        parent_sdqs(s)
            .expr(sql.band_rank(Expr::col((Entity, Column::Result))))
            .and_where(Expr::col((Entity, Column::TrajectoryId)).equals((trajectory::Entity, trajectory::Column::Id)))
            .order_by((Entity, Column::AdministeredOn), order.clone())
            .order_by((Entity, Column::CreatedAt), order)
            .limit(1)
            .to_owned()
    };
    Expr::expr(Expr::from(band(Order::Asc))).sub(Expr::from(band(Order::Desc)))
}

/// The contacts held in the period: kindgesprekken, network contacts, minutes.
pub(super) fn contacts_in_period(s: &NormScope) -> Summary {
    let c = |c| Expr::col((contact::Entity, c));
    let mut rows = Query::select().from(contact::Entity).to_owned();
    rows.and_where(c(contact::Column::HeldOn).between(s.period.from, s.period.to));
    Summary::new("contacts", rows, c(contact::Column::TrajectoryId), trajectory::Column::Id)
        .column("child_talks", counts(c(contact::Column::Kind).eq(ContactKind::ChildTalk.as_str())))
        .column("network_contacts", counts(c(contact::Column::Kind).eq(ContactKind::NetworkContact.as_str())))
        .column("minutes", Func::sum(c(contact::Column::DurationMinutes)))
}

/// Psycho-education offered in the period.
pub(super) fn psycho_education_in_period(s: &NormScope) -> Summary {
    use entities::psycho_education::{Column, Entity};
    let mut summary = per_trajectory!("psycho_education", psycho_education).column("rows", count_rows());
    summary.rows.and_where(Expr::col((Entity, Column::OfferedOn)).between(s.period.from, s.period.to));
    summary
}

/// Activities the child took part in during the period.
pub(super) fn activities_in_period(s: &NormScope) -> Summary {
    use entities::child_activity::{Column, Entity};
    let mut summary = per_trajectory!("activities", child_activity).column("rows", count_rows());
    summary
        .rows
        .and_where(Expr::col((Entity, Column::HeldOn)).between(s.period.from, s.period.to))
        .and_where(Expr::col((Entity, Column::ChildTookPart)).eq(true));
    summary
}

/// The parent who did not come along, looked into.
pub(super) fn other_parents(_: &NormScope) -> Summary {
    per_trajectory!("other_parents", non_accompanying_parent).column("rows", count_rows())
}
