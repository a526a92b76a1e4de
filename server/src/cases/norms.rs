//! The norm figures counted in SQL over the tables (never by walking children one by one): per
//! indicator one query lists the children in its denominator with a `detail` (days to the first
//! contact, talks held, …) and whether they meet it; the figure counts that query, the
//! drill-down pages through it. Populations as in method-review §1: C(P) open in P, A(P,N)
//! admitted in P at least N days before its end, L(P) closed in P.

use crate::{
    auth::Principal,
    domain::{
        age::{AgeBand, born_on_or_before},
        norms::{CATALOGUE, Indicator, Measure, Period, indicator},
    },
    error::{AppError, AppResult},
};
use chrono::Days;
use entities::{
    CareSetting, ContactKind, LocationKind, MembershipRole, Phase, action_plan, child_activity, contact, family, family_membership,
    first_contact, location, non_accompanying_parent, person, phase_change, psycho_education, safety_assessment, screening,
    trajectory,
};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, FromQueryResult,
    sea_query::{Alias, Asterisk, Cond, Expr, ExprTrait, Func, Order, Query, SelectStatement, SimpleExpr},
};
use uuid::Uuid;

/// Whose figures, over which period, narrowed by any of the filters.
#[derive(Debug, Clone)]
pub struct NormScope {
    pub organisation_id: Uuid,
    pub period: Period,
    pub location_id: Option<Uuid>,
    pub location_kind: Option<LocationKind>,
    pub setting: Option<CareSetting>,
    /// The child's age band at the end of the period.
    pub age_band: Option<AgeBand>,
}

/// What a user asks for: a period (as written) and, optionally, part of the organisation and
/// some of the indicators.
#[derive(Debug, Clone, Default)]
pub struct NormRequest {
    pub period: String,
    /// Organisation slug; the user's own when left out (another's is refused).
    pub organisation: Option<String>,
    pub location_id: Option<Uuid>,
    pub location_kind: Option<LocationKind>,
    pub setting: Option<CareSetting>,
    pub age_band: Option<AgeBand>,
    /// Only these indicator codes; all when left out.
    pub codes: Option<Vec<String>>,
}

/// One indicator's figure over the period and the one before.
pub struct Figure {
    pub indicator: &'static Indicator,
    pub count: Option<Count>,
    pub previous: Option<Count>,
}

/// The figures a principal asked for, with the scope they were counted in (for the
/// drill-down). Two statements per counted indicator, however much data there is.
pub async fn overview<C: ConnectionTrait>(db: &C, p: &Principal, req: NormRequest) -> AppResult<(NormScope, Vec<Figure>)> {
    if req.organisation.as_ref().is_some_and(|slug| *slug != p.organisation_slug) {
        return Err(AppError::Forbidden("the figures of another organisation".into()));
    }
    let period = Period::parse(&req.period).map_err(|e| AppError::invalid("filter.period", e.to_string()))?;
    if let Some(unknown) = req.codes.iter().flatten().find(|c| indicator(c).is_none()) {
        return Err(AppError::invalid("filter.codes", format!("no indicator {unknown:?}")));
    }
    let scope = NormScope {
        organisation_id: p.organisation_id,
        period,
        location_id: req.location_id,
        location_kind: req.location_kind,
        setting: req.setting,
        age_band: req.age_band,
    };
    let previous = NormScope { period: period.previous(), ..scope.clone() };
    let wanted = |code: &str| req.codes.as_ref().is_none_or(|codes| codes.iter().any(|c| c == code));
    let figures = futures::future::try_join_all(CATALOGUE.iter().filter(|i| wanted(i.code)).map(async |indicator| {
        let (count, before) = futures::try_join!(count(db, indicator.code, &scope), count(db, indicator.code, &previous))?;
        Ok::<_, DbErr>(Figure { indicator, count, previous: before })
    }))
    .await?;
    Ok((scope, figures))
}

/// A figure: how many children are counted, and how many of them meet the indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub numerator: i64,
    pub denominator: i64,
}

/// A child behind a figure, with why it is in or out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormCase {
    pub trajectory_id: Uuid,
    pub child_id: Uuid,
    pub met: bool,
    pub reason: String,
}

#[derive(FromQueryResult)]
struct CountRow {
    denominator: i64,
    numerator: i64,
}

#[derive(FromQueryResult)]
struct CaseRow {
    trajectory_id: Uuid,
    child_id: Uuid,
    detail: Option<i64>,
    met: i32,
}

/// How one indicator is counted.
struct Definition {
    /// The children counted, each with its `detail`.
    population: fn(&Sql, &NormScope) -> SelectStatement,
    /// Met, as a condition on `detail`.
    met: fn() -> SimpleExpr,
    /// Why a child is in or out, from its detail.
    reason: fn(bool, Option<i64>) -> String,
}

fn definition(code: &str) -> Option<Definition> {
    Some(match code {
        "1" => Definition {
            population: |sql, s| {
                let first = of_trajectory(
                    first_contact::Entity,
                    Func::min(Expr::col((first_contact::Entity, first_contact::Column::ContactOn))),
                    first_contact::Column::TrajectoryId,
                )
                .to_owned();
                admitted(s, 7)
                    .expr_as(
                        sql.days(trajectory_col(trajectory::Column::AdmissionDate), Expr::from(first)),
                        Alias::new("detail"),
                    )
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).lte(7),
            reason: |_, days| match days {
                Some(d) => format!("first contact on day {d}"),
                None => "no first contact".into(),
            },
        },
        "1a" => Definition {
            population: |_, s| {
                let all_four = Cond::all()
                    .add(Expr::col(first_contact::Column::WarmWelcome).eq(true))
                    .add(Expr::col(first_contact::Column::HouseRulesExplained).eq(true))
                    .add(Expr::col(first_contact::Column::ComplaintsProcedureExplained).eq(true))
                    .add(Expr::col(first_contact::Column::ConfidantExplained).eq(true));
                let complete = of_trajectory(
                    first_contact::Entity,
                    Func::max(Expr::case(all_four, 1).finally(0)),
                    first_contact::Column::TrajectoryId,
                )
                .to_owned();
                admitted(s, 7).expr_as(Expr::from(complete), Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).eq(1),
            reason: |met, detail| match (met, detail) {
                (true, _) => "welcome, house rules, complaints procedure and confidant covered".into(),
                (false, Some(_)) => {
                    "first contact without all of welcome, house rules, complaints procedure and confidant".into()
                }
                (false, None) => "no first contact".into(),
            },
        },
        "6c" => Definition {
            population: |_, s| {
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
                let parent_looked_into = of_trajectory(
                    non_accompanying_parent::Entity,
                    Expr::val(1),
                    non_accompanying_parent::Column::TrajectoryId,
                );
                // 1: the activities recorded; 2: left with an exit reason instead; 3: the parent
                // who did not come along was not looked into (IB 2167).
                let outcome = Expr::case(trajectory_col(trajectory::Column::Phase1ExitReason).is_not_null(), 2)
                    .case(
                        Cond::all().add(Expr::from(caring_parents).lt(2)).add(Expr::exists(parent_looked_into).not()),
                        3,
                    )
                    .finally(1);
                left_phase_1_in(s).expr_as(outcome, Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).eq(1),
            reason: |_, outcome| match outcome {
                Some(1) => "left phase 1 with its activities recorded".into(),
                Some(2) => "left phase 1 with an exit reason instead of all its activities".into(),
                _ => "left phase 1 without looking into the parent who did not come along".into(),
            },
        },
        "6c.2" => Definition {
            population: |sql, s| {
                let days = sql.days(trajectory_col(trajectory::Column::AdmissionDate), Expr::from(left_phase_1()));
                left_phase_1_in(s).expr_as(days, Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).lte(crate::domain::phase::PHASE_1_MAX_DAYS),
            reason: |_, days| format!("left phase 1 on day {}", days.unwrap_or_default()),
        },
        "7" => Definition {
            population: |sql, s| {
                let talks = held_in_period(s, ContactKind::ChildTalk);
                in_care(sql, s, 14).and_where(born_by(s, 4)).expr_as(Expr::from(talks), Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).gt(0),
            reason: |_, talks| match talks.unwrap_or_default() {
                0 => "no kindgesprek in the period".into(),
                1 => "1 kindgesprek in the period".into(),
                n => format!("{n} kindgesprekken in the period"),
            },
        },
        "8" => Definition {
            population: |sql, s| {
                let plan = of_trajectory(
                    action_plan::Entity,
                    Func::min(Expr::col((action_plan::Entity, action_plan::Column::DrawnUpOn))),
                    action_plan::Column::TrajectoryId,
                )
                .to_owned();
                admitted(s, 42)
                    .expr_as(
                        sql.days(trajectory_col(trajectory::Column::AdmissionDate), Expr::from(plan)),
                        Alias::new("detail"),
                    )
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).lte(42),
            reason: |_, days| match days {
                Some(d) => format!("action plan on day {d}"),
                None => "no action plan".into(),
            },
        },
        "10" => Definition {
            population: |sql, s| {
                let offered = of_trajectory(
                    psycho_education::Entity,
                    Func::count(Expr::col((psycho_education::Entity, psycho_education::Column::Id))),
                    psycho_education::Column::TrajectoryId,
                )
                .and_where(
                    Expr::col((psycho_education::Entity, psycho_education::Column::OfferedOn))
                        .between(s.period.from, s.period.to),
                )
                .to_owned();
                in_care(sql, s, 28)
                    .and_where(born_by(s, 4))
                    .expr_as(Expr::from(offered), Alias::new("detail"))
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).gt(0),
            reason: |met, _| {
                if met {
                    "psycho-education offered in the period".into()
                } else {
                    "no psycho-education offered in the period".into()
                }
            },
        },
        "2g" => Definition {
            population: |sql, s| {
                let took_part = of_trajectory(
                    child_activity::Entity,
                    Func::count(Expr::col((child_activity::Entity, child_activity::Column::Id))),
                    child_activity::Column::TrajectoryId,
                )
                .and_where(Expr::col((child_activity::Entity, child_activity::Column::ChildTookPart)).eq(true))
                .and_where(
                    Expr::col((child_activity::Entity, child_activity::Column::HeldOn))
                        .between(s.period.from, s.period.to),
                )
                .to_owned();
                in_care(sql, s, 28)
                    .and_where(born_by(s, 4))
                    .expr_as(Expr::from(took_part), Alias::new("detail"))
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).gt(0),
            reason: |met, _| {
                if met {
                    "took part in an activity in the period".into()
                } else {
                    "no activity taken part in during the period".into()
                }
            },
        },
        "3" => Definition {
            population: |sql, s| {
                // Days from the latest assessment to the period's end, or to the day the child left.
                let latest = of_trajectory(
                    safety_assessment::Entity,
                    Func::max(Expr::col((safety_assessment::Entity, safety_assessment::Column::AssessedOn))),
                    safety_assessment::Column::TrajectoryId,
                )
                .and_where(
                    Expr::col((safety_assessment::Entity, safety_assessment::Column::AssessedOn)).lte(s.period.to),
                )
                .to_owned();
                let end = trajectory_col(trajectory::Column::EndDate);
                let until =
                    Expr::case(Cond::all().add(end.clone().is_not_null()).add(end.clone().lt(s.period.to)), end)
                        .finally(Expr::val(s.period.to));
                in_care(sql, s, 42).expr_as(sql.days(Expr::from(latest), until.into()), Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).lte(90),
            reason: |_, days| match days {
                Some(d) => format!("last safety assessment {d} days before the period's end or leaving"),
                None => "no safety assessment".into(),
            },
        },
        "9a" => Definition {
            population: |sql, s| {
                let cries = of_trajectory(
                    screening::Entity,
                    Func::min(Expr::col((screening::Entity, screening::Column::AdministeredOn))),
                    screening::Column::TrajectoryId,
                )
                .and_where(Expr::col((screening::Entity, screening::Column::Instrument)).eq("CRIES_13"))
                .to_owned();
                let trauma_seen = Query::select()
                    .column(first_contact::Column::TrajectoryId)
                    .from(first_contact::Entity)
                    .and_where(Expr::col(first_contact::Column::RiskTrauma).eq(true))
                    .to_owned();
                admitted(s, 28)
                    .and_where(born_by(s, 8))
                    .and_where(trajectory_col(trajectory::Column::Id).in_subquery(trauma_seen))
                    .expr_as(
                        sql.days(trajectory_col(trajectory::Column::AdmissionDate), Expr::from(cries)),
                        Alias::new("detail"),
                    )
                    .to_owned()
            },
            met: || Expr::col(Alias::new("detail")).lte(28),
            reason: |_, days| match days {
                Some(d) => format!("CRIES-13 on day {d}"),
                None => "no CRIES-13".into(),
            },
        },
        "11d.2" => Definition {
            population: |sql, s| {
                let contacts = held_in_period(s, ContactKind::NetworkContact);
                in_care(sql, s, 28).expr_as(Expr::from(contacts), Alias::new("detail")).to_owned()
            },
            met: || Expr::col(Alias::new("detail")).gt(0),
            reason: |met, _| {
                if met { "a network contact in the period".into() } else { "no network contact in the period".into() }
            },
        },
        _ => return None,
    })
}

/// Expressions that differ between the databases.
pub struct Sql(DatabaseBackend);

impl Sql {
    pub fn new(backend: DatabaseBackend) -> Self {
        Self(backend)
    }

    /// Whole days from `a` to `b` (dates), NULL when either is.
    fn days(&self, a: Expr, b: Expr) -> Expr {
        match self.0 {
            // SQLite's builder fills `?` in order (PostgreSQL's numbers them).
            DatabaseBackend::Sqlite => Expr::cust_with_exprs("CAST(julianday(?) - julianday(?) AS INTEGER)", [b, a]),
            _ => Expr::cust_with_exprs("($2 - $1)", [a, b]),
        }
    }
}

fn trajectory_col(c: trajectory::Column) -> Expr {
    Expr::col((trajectory::Entity, c))
}

/// The organisation's trajectories within the scope's filters, selecting the ids.
fn base(s: &NormScope) -> SelectStatement {
    let mut q = Query::select();
    q.expr_as(trajectory_col(trajectory::Column::Id), Alias::new("trajectory_id"))
        .expr_as(trajectory_col(trajectory::Column::ChildId), Alias::new("child_id"))
        .from(trajectory::Entity)
        .and_where(trajectory_col(trajectory::Column::OrganisationId).eq(s.organisation_id));
    if let Some(setting) = s.setting {
        q.and_where(trajectory_col(trajectory::Column::Setting).eq(setting.as_str()));
    }
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
        q.and_where(trajectory_col(trajectory::Column::FamilyId).in_subquery(families));
    }
    if let Some(band) = s.age_band {
        let (after, on_or_before) = band.birth_dates(s.period.to);
        q.and_where(
            trajectory_col(trajectory::Column::ChildId).in_subquery(
                Query::select()
                    .column(person::Column::Id)
                    .from(person::Entity)
                    .and_where(Expr::col(person::Column::DateOfBirth).gt(after))
                    .and_where(Expr::col(person::Column::DateOfBirth).lte(on_or_before))
                    .to_owned(),
            ),
        );
    }
    q
}

/// A(P, N): admitted in the period at least `days` before its end, so every child had them.
fn admitted(s: &NormScope, days: u64) -> SelectStatement {
    let mut q = base(s);
    q.and_where(
        trajectory_col(trajectory::Column::AdmissionDate).between(s.period.from, s.period.to - Days::new(days)),
    );
    q
}

/// C(P) with at least `days` days in care within the period.
fn in_care(sql: &Sql, s: &NormScope, days: u64) -> SelectStatement {
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
fn born_by(s: &NormScope, years: i32) -> SimpleExpr {
    trajectory_col(trajectory::Column::ChildId).in_subquery(
        Query::select()
            .column(person::Column::Id)
            .from(person::Entity)
            .and_where(Expr::col(person::Column::DateOfBirth).lte(born_on_or_before(s.period.to, years)))
            .to_owned(),
    )
}

/// The day the child first left phase 1, as a correlated subquery.
fn left_phase_1() -> SelectStatement {
    of_trajectory(
        phase_change::Entity,
        Func::min(Expr::col((phase_change::Entity, phase_change::Column::EffectiveOn))),
        phase_change::Column::TrajectoryId,
    )
    .and_where(Expr::col((phase_change::Entity, phase_change::Column::FromPhase)).eq(Phase::Phase1.as_str()))
    .to_owned()
}

/// The children who first left phase 1 in the period.
fn left_phase_1_in(s: &NormScope) -> SelectStatement {
    let mut q = base(s);
    q.and_where(Expr::expr(Expr::from(left_phase_1())).between(s.period.from, s.period.to));
    q
}

/// An aggregate over the rows of `entity` that belong to the outer query's trajectory, as a
/// correlated subquery.
fn of_trajectory<E: EntityTrait>(entity: E, aggregate: impl Into<Expr>, trajectory_id: E::Column) -> SelectStatement {
    Query::select()
        .expr(aggregate)
        .from(entity)
        .and_where(Expr::col((entity, trajectory_id)).equals((trajectory::Entity, trajectory::Column::Id)))
        .to_owned()
}

/// How many contacts of `kind` were held with the trajectory's child in the period.
fn held_in_period(s: &NormScope, kind: ContactKind) -> SelectStatement {
    of_trajectory(
        contact::Entity,
        Func::count(Expr::col((contact::Entity, contact::Column::Id))),
        contact::Column::TrajectoryId,
    )
    .and_where(Expr::col((contact::Entity, contact::Column::Kind)).eq(kind.as_str()))
    .and_where(Expr::col((contact::Entity, contact::Column::HeldOn)).between(s.period.from, s.period.to))
    .to_owned()
}

/// The children of the population with `met` as 0 or 1.
fn cases_query(d: &Definition, sql: &Sql, s: &NormScope) -> SelectStatement {
    Query::select()
        .columns([Alias::new("trajectory_id"), Alias::new("child_id")])
        // Days come as INT4 on PostgreSQL, counts as INT8: one type for the decoder.
        .expr_as(Expr::col(Alias::new("detail")).cast_as("BIGINT"), Alias::new("detail"))
        .expr_as(Expr::case((d.met)(), 1).finally(0), Alias::new("met"))
        .from_subquery((d.population)(sql, s), Alias::new("population"))
        .to_owned()
}

/// The figure of indicator `code`; none for an indicator the records cannot count.
pub async fn count<C: ConnectionTrait>(db: &C, code: &str, scope: &NormScope) -> Result<Option<Count>, DbErr> {
    let Some(d) = counted(code) else { return Ok(None) };
    let sql = Sql::new(db.get_database_backend());
    let q = Query::select()
        .expr_as(Func::count(Expr::col(Asterisk)), Alias::new("denominator"))
        .expr_as(
            Func::coalesce([Expr::from(Func::sum(Expr::col(Alias::new("met")))), Expr::val(0)]),
            Alias::new("numerator"),
        )
        .from_subquery(cases_query(&d, &sql, scope), Alias::new("cases"))
        .to_owned();
    let row = CountRow::find_by_statement(db.get_database_backend().build(&q)).one(db).await?;
    Ok(row.map(|r| Count { numerator: r.numerator, denominator: r.denominator }))
}

/// A page of the children behind a figure (those that meet it, those that do not, or both),
/// in a stable order, after the trajectory `after`.
pub async fn cases<C: ConnectionTrait>(
    db: &C,
    code: &str,
    scope: &NormScope,
    met: Option<bool>,
    after: Option<Uuid>,
    first: u64,
) -> Result<Vec<NormCase>, DbErr> {
    let Some(d) = counted(code) else { return Ok(Vec::new()) };
    let sql = Sql::new(db.get_database_backend());
    let mut q = Query::select();
    q.column(Asterisk)
        .from_subquery(cases_query(&d, &sql, scope), Alias::new("cases"))
        .order_by(Alias::new("trajectory_id"), Order::Asc)
        .limit(first);
    if let Some(met) = met {
        q.and_where(Expr::col(Alias::new("met")).eq(i32::from(met)));
    }
    if let Some(after) = after {
        q.and_where(Expr::col(Alias::new("trajectory_id")).gt(after));
    }
    let rows = CaseRow::find_by_statement(db.get_database_backend().build(&q)).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let met = r.met == 1;
            NormCase { trajectory_id: r.trajectory_id, child_id: r.child_id, met, reason: (d.reason)(met, r.detail) }
        })
        .collect())
}

/// The definition of an indicator the records can count.
fn counted(code: &str) -> Option<Definition> {
    match indicator(code)?.measure {
        Measure::Counted => definition(code),
        Measure::NotRecordable(_) => None,
    }
}

/// Every counted indicator of the catalogue has its query, and nothing else has one.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_counted_indicator_has_a_query() {
        for i in CATALOGUE {
            assert_eq!(definition(i.code).is_some(), i.measure == Measure::Counted, "{}", i.code);
        }
    }

    #[test]
    fn days_are_counted_the_same_way_on_both_databases() {
        let a = Expr::col(Alias::new("a"));
        let b = Expr::col(Alias::new("b"));
        let q = |backend| {
            backend_sql(backend, Query::select().expr(Sql::new(backend).days(a.clone(), b.clone())).to_owned())
        };
        assert_eq!(q(DatabaseBackend::Sqlite), r#"SELECT CAST(julianday("b") - julianday("a") AS INTEGER)"#);
        assert_eq!(q(DatabaseBackend::Postgres), r#"SELECT ("b" - "a")"#);
    }

    fn backend_sql(backend: DatabaseBackend, q: SelectStatement) -> String {
        backend.build(&q).to_string()
    }
}
