//! Het Kwaliteitsinstrument Veerkracht (IB 920-932) over GraphQL: a location's self-assessment
//! for a year, pre-filled from the norm figures, saved as a draft and signed by a manager.

use super::{
    context::{ContextExt, in_transaction},
    ids,
    organisation::Location,
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::quality::{self, AssessedItem, Assessment, SaveAssessment},
    domain::quality::Part,
    error::AppResult,
};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entities::CoreTask;

/// A part of the instrument: a kerntaak, or the general items.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum QualityPart {
    /// Kind in beeld.
    ChildInView,
    /// Ouders en opvoeding.
    ParentsAndParenting,
    /// Leef- en opvoedklimaat.
    LivingClimate,
    /// Netwerk.
    Network,
    /// Ketensamenwerking.
    ChainCooperation,
    /// Algemene items.
    General,
}

impl From<Part> for QualityPart {
    fn from(p: Part) -> Self {
        match p {
            Part::CoreTask(CoreTask::ChildInView) => Self::ChildInView,
            Part::CoreTask(CoreTask::ParentsAndParenting) => Self::ParentsAndParenting,
            Part::CoreTask(CoreTask::LivingClimate) => Self::LivingClimate,
            Part::CoreTask(CoreTask::Network) => Self::Network,
            Part::CoreTask(CoreTask::ChainCooperation) => Self::ChainCooperation,
            Part::General => Self::General,
        }
    }
}

/// Kwaliteitsinstrument Veerkracht: a location's self-assessment for a year.
pub struct QualityAssessment(Assessment);

#[Object]
impl QualityAssessment {
    async fn location(&self) -> Location {
        Location(self.0.location.clone())
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// Every item of the checklist, in the instrument's order.
    async fn items(&self) -> Vec<QualityItem<'_>> {
        self.0.items.iter().map(QualityItem).collect()
    }
    /// The score per part (points over the maximum of the items scored, 0 to 1).
    async fn parts(&self) -> Vec<QualityPartScore> {
        quality::part_scores(&self.0)
            .0
            .into_iter()
            .map(|(part, score)| QualityPartScore { part: part.into(), score })
            .collect()
    }
    /// The score over every item scored, 0 to 1.
    async fn total_score(&self) -> Option<f64> {
        quality::part_scores(&self.0).1
    }
    /// Verbeterplan.
    async fn improvement_plan(&self) -> Option<&str> {
        self.0.record.as_ref().and_then(|r| r.improvement_plan.as_deref())
    }
    /// None while it is a draft.
    async fn signed_on(&self) -> Option<Date> {
        self.0.record.as_ref().and_then(|r| r.signed_on).map(Date)
    }
    async fn signed_by_worker_id(&self) -> Option<ID> {
        self.0.record.as_ref().and_then(|r| r.signed_by_worker_id).map(|w| ids::encode("Worker", w))
    }
}

/// One item: the manager's score, and what the norm figure over the year suggests.
pub struct QualityItem<'a>(&'a AssessedItem);

#[Object]
impl QualityItem<'_> {
    async fn key(&self) -> &str {
        self.0.item.key
    }
    async fn part(&self) -> QualityPart {
        self.0.item.part.into()
    }
    /// Het item.
    async fn text_nl(&self) -> &str {
        self.0.item.text_nl
    }
    async fn text(&self) -> &str {
        self.0.item.text
    }
    /// 0 (niet), 1 (deels) or 2 (volledig); none until scored.
    async fn score(&self) -> Option<i32> {
        self.0.score.map(i32::from)
    }
    /// The score the norm figure suggests (fully at its threshold, partly at half of it).
    async fn suggested_score(&self) -> Option<i32> {
        self.0.suggested.map(i32::from)
    }
    /// The norm figure that measures the item, over the location's year.
    async fn figure_code(&self) -> Option<&str> {
        self.0.item.figure
    }
    async fn figure_numerator(&self) -> Option<i64> {
        self.0.figure.map(|c| c.numerator)
    }
    async fn figure_denominator(&self) -> Option<i64> {
        self.0.figure.map(|c| c.denominator)
    }
}

#[derive(SimpleObject)]
pub struct QualityPartScore {
    pub part: QualityPart,
    /// 0 to 1; none when no item of the part is scored.
    pub score: Option<f64>,
}

#[derive(InputObject)]
pub struct QualityScoreInput {
    pub key: String,
    /// 0 (niet), 1 (deels) or 2 (volledig).
    pub score: i32,
}

#[derive(InputObject)]
pub struct SaveQualityAssessmentInput {
    pub location_id: ID,
    pub year: i32,
    /// Items left out keep their score.
    #[graphql(default)]
    pub scores: Vec<QualityScoreInput>,
    pub improvement_plan: Option<String>,
}

#[derive(Default)]
pub struct QualityQuery;

#[Object]
impl QualityQuery {
    /// Kwaliteitsinstrument Veerkracht: the self-assessment of a location for a year, pre-filled
    /// from the norm figures of that year (quality officers, team leads, admins).
    async fn quality_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The location of the self-assessment.")] location_id: ID,
        #[graphql(desc = "The calendar year it covers.")] year: i32,
    ) -> AppResult<QualityAssessment> {
        let location_id = ids::decode(&location_id, "Location", "locationId")?;
        Ok(QualityAssessment(quality::assessment(ctx.db(), ctx.actor()?, location_id, year).await?))
    }
}

payload! {
    /// The result of `saveQualityAssessment`.
    SaveQualityAssessmentPayload { quality_assessment: QualityAssessment }
}

payload! {
    /// The result of `signQualityAssessment`.
    SignQualityAssessmentPayload { quality_assessment: QualityAssessment }
}

#[derive(Default)]
pub struct QualityMutation;

#[Object]
impl QualityMutation {
    /// Saves scores and the improvement plan of a draft self-assessment (team lead or admin).
    async fn save_quality_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: SaveQualityAssessmentInput,
    ) -> AppResult<SaveQualityAssessmentPayload> {
        let cmd = SaveAssessment {
            location_id: ids::decode(&input.location_id, "Location", "input.locationId")?,
            year: input.year,
            scores: input.scores.into_iter().map(|s| (s.key, s.score)).collect(),
            improvement_plan: input.improvement_plan,
        };
        let (location_id, year) = (cmd.location_id, cmd.year);
        in_transaction(ctx, async |actor, txn| quality::save(actor, txn, cmd).await).await?;
        Ok(SaveQualityAssessmentPayload::new(QualityAssessment(
            quality::assessment(ctx.db(), ctx.actor()?, location_id, year).await?,
        )))
    }

    /// Signs the self-assessment: every item scored, the improvement plan written. Signed, it
    /// no longer changes; norm 5 counts it for twelve months. `signedOn`: today when left out.
    async fn sign_quality_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The location whose self-assessment is signed.")] location_id: ID,
        #[graphql(desc = "The calendar year the self-assessment covers.")] year: i32,
        #[graphql(desc = "The day it was signed (not in the future).")] signed_on: Option<Date>,
    ) -> AppResult<SignQualityAssessmentPayload> {
        let location_id = ids::decode(&location_id, "Location", "locationId")?;
        let signed_on = signed_on.map(|d| d.0);
        in_transaction(ctx, async |actor, txn| quality::sign(actor, txn, location_id, year, signed_on).await).await?;
        Ok(SignQualityAssessmentPayload::new(QualityAssessment(
            quality::assessment(ctx.db(), ctx.actor()?, location_id, year).await?,
        )))
    }
}
