//! The norm figures (Normenkader kinderen in de MO) for quality officers: per indicator the
//! figure over a period with its threshold, status and the previous period's share, and the
//! children behind it. The overview is one aggregate access-log event without persons; every
//! child the drill-down shows is logged.

use super::{
    children::AgeBand,
    context::{ContextExt, in_transaction},
    ids,
    loaders::{LocationId, PersonId, WorkerId},
    pagination,
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::{
        municipality_access as municipality_access_cases,
        norms::{self, NormRequest, NormScope, Subject},
    },
    domain::norms::{Better, Measure, Ratio, Status},
    error::{AppError, AppResult},
    policy, reports,
};
use async_graphql::{
    Context, Enum, ID, InputObject, Object, SimpleObject,
    connection::{Connection, Edge},
};
use chrono::{DateTime, Utc};
use entities::{CareSetting, LocationKind, municipality_access};
use uuid::Uuid;

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

impl NormFilter {
    fn into_request(self) -> AppResult<NormRequest> {
        Ok(NormRequest {
            period: self.period,
            organisation: self.organisation,
            location_id: self.location_id.map(|id| ids::decode(&id, "Location", "filter.locationId")).transpose()?,
            location_kind: self.location_kind,
            setting: self.setting,
            age_band: self.age_band.map(Into::into),
            codes: self.codes,
        })
    }
}

/// A report's file format.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ReportFormat {
    /// Printable, self-contained, in Dutch.
    Html,
    /// For a spreadsheet (a municipality's).
    Csv,
    Json,
}

/// A report to download: save `content` as `filename`.
#[derive(SimpleObject)]
pub struct ReportFile {
    pub filename: String,
    pub content_type: String,
    pub content: String,
}

/// Where a figure stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "Status")]
pub enum NormStatus {
    /// At or beyond the threshold.
    Met,
    NotMet,
    /// A figure to follow over time: the sources set no threshold.
    NoThreshold,
    /// Nobody in the denominator in this period.
    NoData,
    /// The records the indicator needs are not kept.
    NotRecordable,
    /// A count from 1 to 4, too small to show a municipality without pointing at persons:
    /// the numbers are left out.
    Suppressed,
}

/// What a figure is.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum NormRatio {
    /// The share of those counted who meet it, 0 to 1.
    Share,
    /// A mean per child counted (moves, days, hours).
    Mean,
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
    figure: norms::Figure,
    scope: NormScope,
}

#[Object]
impl NormFigure {
    /// As in the Normenkader: `1`, `1a` … `11e`; a second indicator of a norm ends in `.2`.
    async fn code(&self) -> &str {
        self.figure.indicator.code
    }
    /// The norm it belongs to.
    async fn norm(&self) -> &str {
        self.figure.indicator.norm
    }
    async fn name(&self) -> &str {
        self.figure.indicator.name
    }
    /// De naam van de indicator.
    async fn name_nl(&self) -> &str {
        self.figure.indicator.name_nl
    }
    /// Who is counted (noemer).
    async fn denominator_definition(&self) -> &str {
        self.figure.indicator.denominator
    }
    /// Who of them meet it (teller).
    async fn numerator_definition(&self) -> &str {
        self.figure.indicator.numerator
    }
    async fn numerator(&self) -> Option<i64> {
        self.figure.count.map(|c| c.numerator)
    }
    async fn denominator(&self) -> Option<i64> {
        self.figure.count.map(|c| c.denominator)
    }
    /// The figure: numerator over denominator (0 to 1) for a SHARE; the mean per child for a
    /// MEAN (e.g. hours).
    async fn share(&self) -> Option<f64> {
        self.figure.share()
    }
    async fn ratio(&self) -> NormRatio {
        match self.figure.indicator.ratio {
            Ratio::Share => NormRatio::Share,
            Ratio::Mean { .. } => NormRatio::Mean,
        }
    }
    /// The figure that counts as met; none for a trend the sources set no threshold for.
    async fn threshold(&self) -> Option<f64> {
        self.figure.indicator.threshold
    }
    /// Whether a higher figure is better (false for e.g. moves per child).
    async fn higher_is_better(&self) -> bool {
        self.figure.indicator.better == Better::Higher
    }
    async fn status(&self) -> NormStatus {
        self.figure.status.into()
    }
    /// Why the records cannot count it, for a NOT_RECORDABLE figure.
    async fn not_recordable_because(&self) -> Option<&str> {
        match self.figure.indicator.measure {
            Measure::NotRecordable(why, _) => Some(why),
            Measure::Counted => None,
        }
    }
    /// The same figure over the previous period of the same kind (the trend).
    async fn previous_share(&self) -> Option<f64> {
        self.figure.previous_share()
    }
    /// The children behind the figure, each with why it is in or out; those that meet it or
    /// those that do not when `met` is given. Every child shown is in the access log.
    async fn cases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "true: only the cases that meet the norm; false: only those that do not; unset: all.")]
        met: Option<bool>,
        #[graphql(desc = "At most this many, from the start (after `after`); at most `limits.max_page_size`.")]
        first: Option<i32>,
        #[graphql(desc = "Cursor: the ones after it (the `endCursor` of the page before).")] after: Option<String>,
    ) -> AppResult<Connection<String, NormCase>> {
        let ground = policy::read_norm_figures(ctx.principal()?)?;
        let page = pagination::page(first, after, None, None, ctx.state().max_page_size)?;
        let mut found =
            norms::cases(ctx.db(), self.figure.indicator.code, &self.scope, met, page.after, page.limit + 1).await?;
        let more = found.len() as u64 > page.limit;
        found.truncate(page.limit as usize);
        let persons = ctx.loader().load_many(found.iter().filter_map(|c| match c.subject {
            Subject::Child(id) => Some(PersonId(id)),
            _ => None,
        }));
        let workers = ctx.loader().load_many(found.iter().filter_map(|c| match c.subject {
            Subject::Worker(id) => Some(WorkerId(id)),
            _ => None,
        }));
        let locations = ctx.loader().load_many(found.iter().filter_map(|c| match c.subject {
            Subject::Location(id) => Some(LocationId(id)),
            _ => None,
        }));
        let (persons, workers, locations) = futures::try_join!(persons, workers, locations)?;
        let missing = |what: &str, id| AppError::internal(anyhow::anyhow!("{what} {id} not found"));
        let mut connection = Connection::new(page.after.is_some(), more);
        for c in found {
            let mut case = NormCase {
                child_id: None,
                worker_id: None,
                location_id: None,
                name: String::new(),
                met: c.met,
                reason: c.reason,
            };
            match c.subject {
                Subject::Child(id) => {
                    let person = persons.get(&PersonId(id)).ok_or_else(|| missing("child", id))?;
                    ctx.log_read(id, "norms", &ground);
                    case.child_id = Some(ids::encode("Child", id));
                    case.name = format!("{} {}", person.given_name, person.family_name);
                }
                Subject::Worker(id) => {
                    case.worker_id = Some(ids::encode("Worker", id));
                    case.name = workers.get(&WorkerId(id)).ok_or_else(|| missing("worker", id))?.name.clone();
                }
                Subject::Location(id) => {
                    case.location_id = Some(ids::encode("Location", id));
                    case.name = locations.get(&LocationId(id)).ok_or_else(|| missing("location", id))?.name.clone();
                }
            }
            connection.edges.push(Edge::new(pagination::cursor(c.key), case));
        }
        Ok(connection)
    }
}

/// A child behind a figure (a worker for SKJ registration, a location for the
/// kwaliteitsinstrument): who, and why it is in or out. Only the name: the quality officer
/// follows up with the child's worker, who has the file.
#[derive(SimpleObject)]
pub struct NormCase {
    pub child_id: Option<ID>,
    pub worker_id: Option<ID>,
    pub location_id: Option<ID>,
    pub name: String,
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
    /// the previous period's share; `cases` on a figure lists the children behind it. A
    /// municipality user names an organisation that granted it access and sees aggregates only.
    async fn norm_figures(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Period, and optionally locations, of the figures.")] filter: NormFilter,
    ) -> AppResult<NormOverview> {
        let p = ctx.principal()?;
        let request = filter.into_request()?;
        let overview = norms::overview(ctx.db(), p, request).await?;
        ctx.state().audit.record(overview.read_event("norm-figures"));
        let period = overview.scope.period;
        let scope = overview.scope;
        let figures = overview.figures.into_iter().map(|figure| NormFigure { figure, scope: scope.clone() }).collect();
        Ok(NormOverview { from: Date(period.from), to: Date(period.to), period: period.label(), figures })
    }

    /// The same figures as a file: HTML to print (in Dutch, with bar charts), CSV or JSON
    /// (`{organisation, period: {from, to}, figures: [...]}`), as `veerkracht report norms`
    /// writes it.
    async fn norm_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Period, and optionally locations, of the report.")] filter: NormFilter,
        #[graphql(desc = "The file to make.")] format: ReportFormat,
    ) -> AppResult<ReportFile> {
        let (organisation, overview) = norms::report(ctx.db(), ctx.principal()?, filter.into_request()?).await?;
        ctx.state().audit.record(overview.read_event("norm-report"));
        let format = match format {
            ReportFormat::Html => reports::Format::Html,
            ReportFormat::Csv => reports::Format::Csv,
            ReportFormat::Json => reports::Format::Json,
        };
        let file = reports::render(&organisation, &overview, format);
        Ok(ReportFile { filename: file.filename, content_type: file.content_type.into(), content: file.body })
    }
}

/// Inzage gemeente: a municipality that may read the organisation's figures (aggregates only,
/// counts of 1 to 4 suppressed, never a child).
#[derive(SimpleObject)]
pub struct MunicipalityAccess {
    #[graphql(owned)]
    pub id: ID,
    /// The municipality's slug, as in its users' tokens (e.g. `utrecht`).
    pub municipality: String,
    pub granted_at: DateTime<Utc>,
    /// None while the access stands.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl MunicipalityAccess {
    /// A municipality's access, found in the organisation's list of them (org admin).
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        let list = municipality_access_cases::list(ctx.actor()?, ctx.db()).await?;
        list.into_iter().find(|m| m.id == id).map(Into::into).ok_or(AppError::NotFound("municipality access"))
    }
}

impl From<municipality_access::Model> for MunicipalityAccess {
    fn from(m: municipality_access::Model) -> Self {
        Self {
            id: ids::encode("MunicipalityAccess", m.id),
            municipality: m.municipality,
            granted_at: m.granted_at,
            revoked_at: m.revoked_at,
        }
    }
}

#[derive(Default)]
pub struct MunicipalityAccessQuery;

#[Object]
impl MunicipalityAccessQuery {
    /// The municipalities granted access to the figures, standing and revoked (org admin).
    async fn municipality_access(&self, ctx: &Context<'_>) -> AppResult<Vec<MunicipalityAccess>> {
        Ok(municipality_access_cases::list(ctx.actor()?, ctx.db()).await?.into_iter().map(Into::into).collect())
    }
}

payload! {
    /// The result of `grantMunicipalityAccess`.
    GrantMunicipalityAccessPayload { municipality_access: MunicipalityAccess }
}

payload! {
    /// The result of `revokeMunicipalityAccess`.
    RevokeMunicipalityAccessPayload { municipality_access: MunicipalityAccess }
}

#[derive(Default)]
pub struct NormMutation;

#[Object]
impl NormMutation {
    /// Lets a municipality's users read the organisation's norm figures, aggregates only (org
    /// admin).
    async fn grant_municipality_access(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the municipality (gemeente), e.g. `utrecht`.")] municipality: String,
    ) -> AppResult<GrantMunicipalityAccessPayload> {
        in_transaction(ctx, async |actor, txn| municipality_access_cases::grant(actor, txn, municipality).await)
            .await
            .map(|r| GrantMunicipalityAccessPayload::new(r.into()))
    }

    /// Takes a municipality's access back.
    async fn revoke_municipality_access(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the municipality (gemeente) whose access ends.")] municipality: String,
    ) -> AppResult<RevokeMunicipalityAccessPayload> {
        in_transaction(ctx, async |actor, txn| municipality_access_cases::revoke(actor, txn, &municipality).await)
            .await
            .map(|r| RevokeMunicipalityAccessPayload::new(r.into()))
    }
}
