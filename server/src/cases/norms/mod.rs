//! The norm figures counted in SQL over the tables (never by walking children one by one). Each
//! indicator defines its population with a `detail` per child (days to the first contact, talks
//! held, …) and when a child meets it (`definitions`), over the period's trajectories and
//! per-trajectory summaries of the record tables (`populations`). An overview counts all
//! figures about children of a period in two statements that share those summaries; a
//! drill-down pages through one figure's population. Populations as in method-review §1: C(P)
//! open in P, A(P,N) admitted in P at least N days before its end, L(P) closed in P.

use super::municipality_access;
use crate::{
    audit::AccessEvent,
    auth::Principal,
    domain::{
        age::AgeBand,
        norms::{CATALOGUE, Count, Indicator, Measure, Period, Ratio, Status, indicator},
    },
    error::{AppError, AppResult},
    policy::{self, Ground},
};
use definitions::{Counts, Definition, Population, definition};
use entities::{CareSetting, LocationKind, organisation, trajectory};
use futures::{StreamExt, TryStreamExt};
use populations::{Frame, Mode, Sql, trajectory_col};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, Order, Query, SelectStatement},
};
use uuid::Uuid;

mod definitions;
mod populations;

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

/// One indicator's figure over the period and the one before, as the reader may see it: for
/// an aggregate-only reader a small count is left out (this period's and the previous one's).
pub struct Figure {
    pub indicator: &'static Indicator,
    pub count: Option<Count>,
    pub previous: Option<Count>,
    pub status: Status,
}

impl Figure {
    fn new(indicator: &'static Indicator, count: Option<Count>, previous: Option<Count>, aggregate_only: bool) -> Self {
        let status = indicator.status(count, aggregate_only);
        let shown = |c: Option<Count>| c.filter(|_| indicator.status(c, aggregate_only) != Status::Suppressed);
        Self { indicator, count: shown(count), previous: shown(previous), status }
    }

    /// The figure: a share, or a mean.
    pub fn share(&self) -> Option<f64> {
        self.count.and_then(|c| self.indicator.figure(c))
    }

    pub fn previous_share(&self) -> Option<f64> {
        self.previous.and_then(|c| self.indicator.figure(c))
    }
}

/// The figures a principal asked for, with the scope they were counted in (for the
/// drill-down) and the ground they were read on.
pub struct Overview {
    pub scope: NormScope,
    pub figures: Vec<Figure>,
    pub ground: Ground,
}

/// Statements of an overview run side by side: the children's figures of the period and of
/// the one before, then the others. More at once would take pooled connections other requests
/// wait for, and gain nothing on a database server with a few cores.
const CONCURRENT_STATEMENTS: usize = 2;

/// The figures of `codes` over `scope`, in order.
pub async fn count_all<C: ConnectionTrait>(
    db: &C,
    codes: &[&str],
    scope: &NormScope,
) -> Result<Vec<Option<Count>>, DbErr> {
    Ok(count_periods(db, codes, &[scope]).await?.pop().unwrap_or_default())
}

/// One statement of the figures: all those about children over a period (one pass over its
/// trajectories), or one counted over rows of its own (Meldcode tracks, workers, locations).
enum Counting {
    Children { period: usize, figures: Vec<usize>, query: Box<SelectStatement> },
    Rows { period: usize, figure: usize, definition: Definition },
}

/// The figures of `codes` over each of `scopes`, in order: per period one statement for the
/// children's figures and one per other figure, however much data there is.
async fn count_periods<C: ConnectionTrait>(
    db: &C,
    codes: &[&str],
    scopes: &[&NormScope],
) -> Result<Vec<Vec<Option<Count>>>, DbErr> {
    let sql = Sql::new(db.get_database_backend());
    let mut work = Vec::new();
    // Which tables a figure reads does not depend on the period: shared out once.
    let shares = scopes.first().map(|scope| share_out(&sql, codes, scope, CONCURRENT_STATEMENTS)).unwrap_or_default();
    for (period, scope) in scopes.iter().enumerate() {
        for figures in &shares {
            let query = children_figures(&sql, codes, figures, scope);
            work.push(Counting::Children { period, figures: figures.clone(), query: Box::new(query) });
        }
    }
    for period in 0..scopes.len() {
        for (figure, code) in codes.iter().enumerate() {
            if let Some(definition @ Definition { population: Population::Rows(_), .. }) = counted(code) {
                work.push(Counting::Rows { period, figure, definition });
            }
        }
    }
    let counted = futures::stream::iter(work.into_iter().map(|counting| async {
        Ok::<_, DbErr>(match counting {
            Counting::Children { period, figures, query } => {
                let row = db.query_one(&*query).await?;
                let row = row.ok_or_else(|| DbErr::Custom("the norm figures: no row".into()))?;
                let mut counts = Vec::with_capacity(figures.len());
                for i in figures {
                    let (denominator, numerator) =
                        (row.try_get::<i64>("", &format!("d{i}"))?, row.try_get::<i64>("", &format!("n{i}"))?);
                    counts.push((period, i, Count { numerator, denominator }));
                }
                counts
            }
            Counting::Rows { period, figure, definition } => {
                let count = count_rows(db, &definition, &sql, scopes[period], ratio(codes[figure])).await?;
                vec![(period, figure, count)]
            }
        })
    }))
    .buffer_unordered(CONCURRENT_STATEMENTS)
    .try_collect::<Vec<_>>()
    .await?;
    let mut counts = vec![vec![None; codes.len()]; scopes.len()];
    for (period, figure, count) in counted.into_iter().flatten() {
        counts[period][figure] = Some(count);
    }
    Ok(counts)
}

/// The figures of `codes` about children (their positions), shared out over at most `parts`
/// statements to run side by side: each summary a figure reads is a pass over a table, so a
/// figure goes where the summaries it reads are already read, else to the statement reading
/// the fewest.
fn share_out(sql: &Sql, codes: &[&str], scope: &NormScope, parts: usize) -> Vec<Vec<usize>> {
    let mut figures: Vec<(usize, Vec<String>)> = codes
        .iter()
        .enumerate()
        .filter_map(|(i, code)| match counted(code)?.population {
            Population::Trajectories { counted, detail } => {
                let frame = Frame::new(sql, scope, Mode::Joined);
                // Building the figure on a frame of its own tells what it reads.
                counted(&frame);
                detail(&frame);
                Some((i, frame.joined()))
            }
            Population::Rows(_) => None,
        })
        .collect();
    figures.sort_by_key(|(_, reads)| std::cmp::Reverse(reads.len()));
    let mut shares: Vec<(Vec<usize>, Vec<String>)> = vec![Default::default(); parts.max(1)];
    for (figure, reads) in figures {
        let cost = |share: &(Vec<usize>, Vec<String>)| {
            (reads.iter().filter(|r| !share.1.contains(r)).count(), share.1.len(), share.0.len())
        };
        let share = shares.iter_mut().min_by_key(|share| cost(share)).expect("at least one share");
        share.0.push(figure);
        for read in reads {
            if !share.1.contains(&read) {
                share.1.push(read);
            }
        }
    }
    shares
        .into_iter()
        .map(|(mut figures, _)| {
            figures.sort_unstable();
            figures
        })
        .filter(|figures| !figures.is_empty())
        .collect()
}

/// The statement counting the `figures` (positions in `codes`) about children over `scope`:
/// per figure the children counted (`d<i>`) and its numerator (`n<i>`).
fn children_figures(sql: &Sql, codes: &[&str], figures: &[usize], scope: &NormScope) -> SelectStatement {
    let frame = Frame::new(sql, scope, Mode::Joined);
    let (mut columns, mut sums): (Vec<(Alias, Expr)>, _) = (Vec::new(), Query::select());
    for &i in figures {
        let code = codes[i];
        let Some(Definition { population: Population::Trajectories { counted, detail }, met, .. }) = counted(code)
        else {
            continue;
        };
        let (counted, detail) = (counted(&frame), detail(&frame));
        // Each child's detail is read only when it is counted.
        let (inside, value) = (format!("p{i}"), format!("v{i}"));
        columns.push((Alias::new(&inside), Expr::case(counted.clone(), 1).finally(0).into()));
        columns.push((Alias::new(&value), Expr::case(counted, detail).into()));
        let (inside, value) = (Expr::col(Alias::new(inside)), Expr::col(Alias::new(value)));
        let numerator = match ratio(code) {
            Ratio::Mean { .. } => Func::sum(value),
            Ratio::Share => Func::sum(Expr::case(inside.clone().eq(1).and(met(value)), 1).finally(0)),
        };
        sums.expr_as(total(Func::sum(inside)), Alias::new(format!("d{i}")))
            .expr_as(total(numerator), Alias::new(format!("n{i}")));
    }
    let mut trajectories = frame.select();
    for (alias, expr) in columns {
        trajectories.expr_as(expr, alias);
    }
    // Each population's condition once a child, not once for each sum that reads it.
    sql.fence(&mut trajectories);
    sums.from_subquery(trajectories, Alias::new("frame"));
    sums
}

/// A sum as a BIGINT (SUM of a BIGINT is NUMERIC on PostgreSQL), 0 over no rows.
fn total(sum: impl Into<Expr>) -> Expr {
    Expr::from(Func::coalesce([sum.into(), Expr::val(0)])).cast_as("BIGINT")
}

fn ratio(code: &str) -> Ratio {
    indicator(code).map_or(Ratio::Share, |i| i.ratio)
}

/// Counts the figures of the period and of the one before.
/// Workers read their own organisation's; a municipality names an organisation that granted
/// it access.
pub async fn overview<C: ConnectionTrait>(db: &C, p: &Principal, req: NormRequest) -> AppResult<Overview> {
    let (organisation_id, ground) = match &p.municipality {
        Some(municipality) => {
            let slug = req
                .organisation
                .as_deref()
                .ok_or_else(|| AppError::invalid("filter.organisation", "a municipality names the organisation"))?;
            let org = organisation::Entity::find().filter(organisation::Column::Slug.eq(slug)).one(db).await?;
            let access = match &org {
                Some(o) => municipality_access::standing(db, o.id, municipality).await?,
                None => None,
            };
            let ground = policy::read_municipal_norm_figures(p, access.as_ref())?;
            (access.map(|a| a.organisation_id).unwrap_or_default(), ground)
        }
        None => {
            let ground = policy::read_norm_figures(p)?;
            if req.organisation.as_ref().is_some_and(|slug| *slug != p.organisation_slug) {
                return Err(AppError::Forbidden("the figures of another organisation".into()));
            }
            (p.organisation_id, ground)
        }
    };
    let period = Period::parse(&req.period).map_err(|e| AppError::invalid("filter.period", e.to_string()))?;
    if let Some(unknown) = req.codes.iter().flatten().find(|c| indicator(c).is_none()) {
        return Err(AppError::invalid("filter.codes", format!("no indicator {unknown:?}")));
    }
    let scope = NormScope {
        organisation_id,
        period,
        location_id: req.location_id,
        location_kind: req.location_kind,
        setting: req.setting,
        age_band: req.age_band,
    };
    let previous = NormScope { period: period.previous(), ..scope.clone() };
    let wanted = |code: &str| req.codes.as_ref().is_none_or(|codes| codes.iter().any(|c| c == code));
    // A municipality reads aggregates only: small counts suppressed.
    let aggregate_only = p.municipality.is_some();
    let indicators: Vec<&'static Indicator> = CATALOGUE.iter().filter(|i| wanted(i.code)).collect();
    let codes: Vec<&str> = indicators.iter().map(|i| i.code).collect();
    let mut periods = count_periods(db, &codes, &[&scope, &previous]).await?.into_iter();
    let (counts, before) = (periods.next().unwrap_or_default(), periods.next().unwrap_or_default());
    let figures = indicators
        .into_iter()
        .zip(counts.into_iter().zip(before))
        .map(|(indicator, (count, before))| Figure::new(indicator, count, before, aggregate_only))
        .collect();
    Ok(Overview { scope, figures, ground })
}

/// The figures for a report (a file to print or hand to a municipality), with the
/// organisation it is about.
pub async fn report<C: ConnectionTrait>(
    db: &C,
    p: &Principal,
    req: NormRequest,
) -> AppResult<(organisation::Model, Overview)> {
    let overview = overview(db, p, req).await?;
    let organisation = organisation::Entity::find_by_id(overview.scope.organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("organisation"))?;
    Ok((organisation, overview))
}

impl Overview {
    /// The read of these figures for the access log: one event in the organisation's log that
    /// names nobody.
    pub fn read_event(&self, area: &'static str) -> AccessEvent {
        AccessEvent::aggregate(area, &self.ground, self.scope.organisation_id)
    }
}

/// Who a figure counts: children (most), workers (SKJ registration) or locations (the
/// kwaliteitsinstrument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Child(Uuid),
    Worker(Uuid),
    Location(Uuid),
}

/// A child (or worker) behind a figure, with why it is in or out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormCase {
    /// The row counted (a trajectory, a Meldcode track, a worker): the drill-down's cursor.
    pub key: Uuid,
    pub subject: Subject,
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
    key: Uuid,
    child_id: Option<Uuid>,
    detail: Option<i64>,
    met: i32,
}

/// The population of a definition with `key`, `child_id`, `detail` and `met` (0 or 1): the
/// children's summaries read per row, for a page of them.
fn cases_query(d: &Definition, sql: &Sql, s: &NormScope) -> SelectStatement {
    let (mut q, detail) = match &d.population {
        Population::Trajectories { counted, detail } => {
            let frame = Frame::new(sql, s, Mode::PerRow);
            let (counted, detail) = (counted(&frame), detail(&frame));
            let mut q = frame.select();
            q.expr_as(trajectory_col(trajectory::Column::Id), Alias::new("key"))
                .expr_as(trajectory_col(trajectory::Column::ChildId), Alias::new("child_id"))
                .cond_where(counted);
            (q, detail)
        }
        Population::Rows(population) => {
            let mut q = Query::select();
            q.columns([Alias::new("key"), Alias::new("child_id")])
                .from_subquery(population(sql, s), Alias::new("population"));
            (q, Expr::col(Alias::new("detail")))
        }
    };
    // Days come as INT4 on PostgreSQL, counts as INT8: one type for the decoder.
    q.expr_as(detail.clone().cast_as("BIGINT"), Alias::new("detail"))
        .expr_as(Expr::case((d.met)(detail), 1).finally(0), Alias::new("met"));
    q
}

/// A figure counted over rows of its own.
async fn count_rows<C: ConnectionTrait>(
    db: &C,
    d: &Definition,
    sql: &Sql,
    scope: &NormScope,
    ratio: Ratio,
) -> Result<Count, DbErr> {
    let summed = match ratio {
        Ratio::Mean { .. } => "detail",
        Ratio::Share => "met",
    };
    let q = Query::select()
        .expr_as(Func::count(Expr::col(Asterisk)), Alias::new("denominator"))
        .expr_as(total(Func::sum(Expr::col(Alias::new(summed)))), Alias::new("numerator"))
        .from_subquery(cases_query(d, sql, scope), Alias::new("cases"))
        .to_owned();
    let row = CountRow::find_by_statement(db.get_database_backend().build(&q)).one(db).await?;
    let row = row.ok_or_else(|| DbErr::Custom("a norm figure: no row".into()))?;
    Ok(Count { numerator: row.numerator, denominator: row.denominator })
}

/// The figure of indicator `code`; none for an indicator the records cannot count.
pub async fn count<C: ConnectionTrait>(db: &C, code: &str, scope: &NormScope) -> Result<Option<Count>, DbErr> {
    Ok(count_all(db, &[code], scope).await?.pop().flatten())
}

/// A page of the children behind a figure (those that meet it, those that do not, or both),
/// in a stable order, after the row `after`.
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
        .order_by(Alias::new("key"), Order::Asc)
        .limit(first);
    if let Some(met) = met {
        q.and_where(Expr::col(Alias::new("met")).eq(i32::from(met)));
    }
    if let Some(after) = after {
        q.and_where(Expr::col(Alias::new("key")).gt(after));
    }
    let rows = CaseRow::find_by_statement(db.get_database_backend().build(&q)).all(db).await?;
    rows.into_iter()
        .map(|r| {
            let met = r.met == 1;
            let subject = match (d.counts, r.child_id) {
                (Counts::Children, Some(child)) => Subject::Child(child),
                (Counts::Children, None) => {
                    return Err(DbErr::Custom(format!("indicator {code}: a row without its child")));
                }
                (Counts::Workers, _) => Subject::Worker(r.key),
                (Counts::Locations, _) => Subject::Location(r.key),
            };
            Ok(NormCase { key: r.key, subject, met, reason: (d.reason)(met, r.detail) })
        })
        .collect()
}

/// The definition of an indicator the records can count.
fn counted(code: &str) -> Option<Definition> {
    match indicator(code)?.measure {
        Measure::Counted => definition(code),
        Measure::NotRecordable(..) => None,
    }
}

/// Every counted indicator of the catalogue has its query, and nothing else has one.
#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::DatabaseBackend;

    #[test]
    fn every_counted_indicator_has_a_query() {
        for i in CATALOGUE {
            assert_eq!(definition(i.code).is_some(), i.measure == Measure::Counted, "{}", i.code);
        }
    }

    /// Every figure about children is counted in exactly one of the two statements, and
    /// figures reading the same tables share one.
    #[test]
    fn the_childrens_figures_are_shared_out_over_two_statements() {
        let scope = NormScope {
            organisation_id: Uuid::nil(),
            period: Period::parse("2026-Q3").unwrap(),
            location_id: None,
            location_kind: None,
            setting: None,
            age_band: None,
        };
        let sql = Sql::new(DatabaseBackend::Postgres);
        let codes: Vec<&str> = CATALOGUE.iter().map(|i| i.code).collect();
        let shares = share_out(&sql, &codes, &scope, 2);
        assert_eq!(shares.len(), 2);
        let mut shared: Vec<usize> = shares.concat();
        shared.sort_unstable();
        let children: Vec<usize> = (0..codes.len())
            .filter(|&i| matches!(counted(codes[i]).map(|d| d.population), Some(Population::Trajectories { .. })))
            .collect();
        assert_eq!(shared, children);
        let share_of =
            |code: &str| shares.iter().position(|s| s.contains(&codes.iter().position(|c| *c == code).unwrap()));
        // 7 and 11d.2 both count contacts in the period; 1 and 1a the first contact.
        assert_eq!(share_of("7"), share_of("11d.2"));
        assert_eq!(share_of("1"), share_of("1a"));
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
