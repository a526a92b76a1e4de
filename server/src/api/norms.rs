//! The norm figures (Normenkader kinderen in de MO) for quality officers: per indicator the
//! figure over a period with its threshold, status and the previous period's share, and the
//! children behind it. The overview is one aggregate access-log event without persons; every
//! child the drill-down shows is logged.

use super::{
    children::AgeBand,
    context::ContextExt,
    ids,
    loaders::PersonId,
    pagination,
    scalars::Date,
};
use crate::{
    audit::AccessEvent,
    cases::norms::{self, Count, NormRequest, NormScope},
    domain::norms::{Indicator, Measure},
    error::{AppError, AppResult},
    policy,
};
use async_graphql::{
    Context, Enum, ID, InputObject, Object, SimpleObject,
    connection::{Connection, Edge},
};
use entities::{CareSetting, LocationKind};

/// Which figures: a period and, optionally, part of the organisation.
#[derive(InputObject)]
pub struct NormFilter {
    /// "2026-Q3", "2026-11", "2026" or "2026-07-01..2026-09-30".
    pub period: String,
    /// Organisation slug; your own when left out.
    pub organisation: Option<String>,
    pub location_id: Option<ID>,
    pub location_kind: Option<LocationKind>,
    pub setting: Option<CareSetting>,
    /// The child's age band at the end of the period.
    pub age_band: Option<AgeBand>,
    /// Only these indicators (e.g. the one a user drills into); all when left out.
    pub codes: Option<Vec<String>>,
}

/// Where a figure stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum NormStatus {
    /// At or beyond the threshold.
    Met,
    NotMet,
    /// Nobody in the denominator in this period.
    NoData,
    /// The records the indicator needs are not kept.
    NotRecordable,
    /// A count too small to show without pointing at persons.
    Suppressed,
}

/// The figures of one period.
#[derive(SimpleObject)]
pub struct NormOverview {
    pub from: Date,
    pub to: Date,
    /// The period as written, e.g. "2026-Q3".
    pub period: String,
    pub figures: Vec<NormFigure>,
}

/// One indicator's figure.
pub struct NormFigure {
    indicator: &'static Indicator,
    scope: NormScope,
    count: Option<Count>,
    previous: Option<Count>,
}

fn share(c: Count) -> Option<f64> {
    (c.denominator > 0).then(|| c.numerator as f64 / c.denominator as f64)
}

#[Object]
impl NormFigure {
    /// As in the Normenkader: `1`, `1a` … `11e`; a second indicator of a norm ends in `.2`.
    async fn code(&self) -> &str {
        self.indicator.code
    }
    /// The norm it belongs to.
    async fn norm(&self) -> &str {
        self.indicator.norm
    }
    async fn name(&self) -> &str {
        self.indicator.name
    }
    /// De naam van de indicator.
    async fn name_nl(&self) -> &str {
        self.indicator.name_nl
    }
    /// Who is counted (noemer).
    async fn denominator_definition(&self) -> &str {
        self.indicator.denominator
    }
    /// Who of them meet it (teller).
    async fn numerator_definition(&self) -> &str {
        self.indicator.numerator
    }
    async fn numerator(&self) -> Option<i64> {
        self.count.map(|c| c.numerator)
    }
    async fn denominator(&self) -> Option<i64> {
        self.count.map(|c| c.denominator)
    }
    /// Numerator over denominator, 0 to 1.
    async fn share(&self) -> Option<f64> {
        self.count.and_then(share)
    }
    /// The share that counts as met.
    async fn threshold(&self) -> Option<f64> {
        self.indicator.threshold
    }
    async fn status(&self) -> NormStatus {
        match (self.indicator.measure, self.count.and_then(share)) {
            (Measure::NotRecordable(_), _) => NormStatus::NotRecordable,
            (_, None) => NormStatus::NoData,
            (_, Some(s)) => match self.indicator.met(s) {
                Some(false) => NormStatus::NotMet,
                _ => NormStatus::Met,
            },
        }
    }
    /// Why the records cannot count it, for a NOT_RECORDABLE figure.
    async fn not_recordable_because(&self) -> Option<&str> {
        match self.indicator.measure {
            Measure::NotRecordable(why) => Some(why),
            Measure::Counted => None,
        }
    }
    /// The same figure over the previous period of the same kind (the trend).
    async fn previous_share(&self) -> Option<f64> {
        self.previous.and_then(share)
    }
    /// The children behind the figure, each with why it is in or out; those that meet it or
    /// those that do not when `met` is given. Every child shown is in the access log.
    async fn cases(&self, ctx: &Context<'_>, met: Option<bool>, first: Option<i32>, after: Option<String>) -> AppResult<Connection<String, NormCase>> {
        let ground = policy::read_norm_figures(ctx.principal()?)?;
        let page = pagination::page(first, after, None, None, ctx.state().max_page_size)?;
        let mut found = norms::cases(ctx.db(), self.indicator.code, &self.scope, met, page.after, page.limit + 1).await?;
        let more = found.len() as u64 > page.limit;
        found.truncate(page.limit as usize);
        let persons = ctx.loader().load_many(found.iter().map(|c| PersonId(c.child_id))).await?;
        let mut connection = Connection::new(page.after.is_some(), more);
        for c in found {
            let person = persons.get(&PersonId(c.child_id)).ok_or_else(|| AppError::internal(anyhow::anyhow!("child {} not found", c.child_id)))?;
            ctx.log_read(c.child_id, "norms", &ground);
            let case = NormCase {
                child_id: ids::encode("Child", c.child_id),
                given_name: person.given_name.clone(),
                family_name: person.family_name.clone(),
                met: c.met,
                reason: c.reason,
            };
            connection.edges.push(Edge::new(pagination::cursor(c.trajectory_id), case));
        }
        Ok(connection)
    }
}

/// A child behind a figure: who, and why it is in or out. Only the name: the quality officer
/// follows up with the child's worker, who has the file.
#[derive(SimpleObject)]
pub struct NormCase {
    pub child_id: ID,
    pub given_name: String,
    pub family_name: String,
    /// Counted in the numerator.
    pub met: bool,
    /// E.g. "first contact on day 9".
    pub reason: String,
}

#[derive(Default)]
pub struct NormQuery;

#[Object]
impl NormQuery {
    /// Normenkader: the figures of the indicators over a period, with threshold, status and
    /// the previous period's share; `cases` on a figure lists the children behind it.
    async fn norm_figures(&self, ctx: &Context<'_>, filter: NormFilter) -> AppResult<NormOverview> {
        let p = ctx.principal()?;
        let ground = policy::read_norm_figures(p)?;
        let request = NormRequest {
            period: filter.period,
            organisation: filter.organisation,
            location_id: filter.location_id.map(|id| ids::decode(&id, "Location", "filter.locationId")).transpose()?,
            location_kind: filter.location_kind,
            setting: filter.setting,
            age_band: filter.age_band.map(Into::into),
            codes: filter.codes,
        };
        let (scope, found) = norms::overview(ctx.db(), p, request).await?;
        ctx.state().audit.record(AccessEvent::aggregate("norm-figures", &ground));
        let period = scope.period;
        let figures = found.into_iter().map(|f| NormFigure { indicator: f.indicator, scope: scope.clone(), count: f.count, previous: f.previous }).collect();
        Ok(NormOverview { from: Date(period.from), to: Date(period.to), period: period.label(), figures })
    }
}
