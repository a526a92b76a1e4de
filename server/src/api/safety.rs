//! Safety first (Signs of Safety, Meldcode): safety assessments with their 0–10 scales, the
//! versioned safety plan in the child's words, and the Meldcode track a "niet goed genoeg" opens.

use super::{
    children::Child,
    context::{ContextExt, in_transaction},
    families::Family,
    ids,
    loaders::TrajectoryOf,
    method::{check, decode_into, read_records, recorded_by},
    organisation::Worker,
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::safety::{
        self, CloseReportingCodeTrack, OpenReportingCodeTrack, RecordReportingCodeStep, RecordSafetyAssessment,
        RecordSafetyPlan, ScaleAnswer,
    },
    db::rows,
    error::{AppError, AppResult},
    policy,
};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::Utc;
use entities::{
    MeldcodeDecision, ReportingCodeCloseReason, ReportingCodeSignal, SafetyAgreement, SafetyJudgement,
    SafetyRespondent, SafetyTool, list_from_json, reporting_code_step, reporting_code_track, safety_assessment,
    safety_plan, safety_scale_score,
};
use std::collections::HashMap;
use uuid::Uuid;

crate::child_records_loader!(
    /// The safety assessments of a child.
    AssessmentsOf,
    safety_assessment,
    by_position
);
crate::child_records_loader!(
    /// Every version of a child's safety plan.
    SafetyPlansOf,
    safety_plan
);
crate::child_records_loader!(
    /// The Meldcode tracks of a child.
    TracksOf,
    reporting_code_track
);
crate::parts_loader!(ScoresOf, safety_scale_score, AssessmentId, assessment_id, by_position);
crate::parts_loader!(StepsOf, reporting_code_step, TrackId, track_id);

/// The scale answers of every safety assessment of a child, oldest first: loaded beside the
/// assessments when a page shows their answers, rather than in a wave after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScoresOfChild(pub Uuid);

impl super::batch::Load<ScoresOfChild> for super::loaders::Loaders {
    type Value = Vec<safety_scale_score::Model>;
    type Error = std::sync::Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[ScoresOfChild]) -> Result<HashMap<ScoresOfChild, Self::Value>, Self::Error> {
        use safety_assessment::Column as A;
        use sea_orm::{
            ColumnTrait, EntityTrait, QueryTrait,
            sea_query::{Expr, ExprTrait},
        };
        let mut query = safety_scale_score::Entity::find().into_query();
        query
            .column((safety_assessment::Entity, A::ChildId))
            .inner_join(
                safety_assessment::Entity,
                Expr::col((safety_assessment::Entity, A::Id))
                    .equals((safety_scale_score::Entity, safety_scale_score::Column::AssessmentId)),
            )
            .and_where(A::ChildId.is_in(keys.iter().map(|k| k.0)))
            .and_where(A::OrganisationId.eq(self.organisation_id));
        let child_at = <safety_scale_score::Model as rows::ByPosition>::FIELDS.len();
        let mut scores = rows::all(&self.db, &query, |row| {
            Ok((ScoresOfChild(row.get(child_at)?), <safety_scale_score::Model as rows::ByPosition>::from_row(row, 0)?))
        })
        .await?;
        // In id order, as `ScoresOf`.
        scores.sort_unstable_by_key(|(_, s)| s.id);
        Ok(super::loaders::group(scores))
    }
}

/// Veiligheidstaxatie (Signs of Safety).
pub struct SafetyAssessment(safety_assessment::Model);

super::ids::find_in_child_list!(SafetyAssessment, safety_assessment, |r| r.0.id, |ctx, child, trajectory| {
    assessments_of(ctx, child, trajectory.id, ctx.look_ahead().field("scores").exists())
});

#[Object]
impl SafetyAssessment {
    pub async fn id(&self) -> ID {
        ids::encode("SafetyAssessment", self.0.id)
    }
    async fn assessed_on(&self) -> Date {
        Date(self.0.assessed_on)
    }
    /// Zorgen, including danger statements (gevaarsuitspraken).
    async fn worries(&self) -> &str {
        &self.0.worries
    }
    /// Complicerende factoren.
    async fn complicating_factors(&self) -> Option<&str> {
        self.0.complicating_factors.as_deref()
    }
    /// Wat gaat goed.
    async fn what_works_well(&self) -> Option<&str> {
        self.0.what_works_well.as_deref()
    }
    /// Wat moet er gebeuren (veiligheidsdoelen).
    async fn safety_goals(&self) -> &str {
        &self.0.safety_goals
    }
    /// Oordeel: goed / goed genoeg / niet goed genoeg.
    async fn judgement(&self) -> SafetyJudgement {
        self.0.judgement
    }
    async fn tools_used(&self) -> Vec<SafetyTool> {
        list_from_json(&self.0.tools_used)
    }
    /// Schaalvragen: 0 = certain the child will be harmed again, 10 = safe enough.
    async fn scores(&self, ctx: &Context<'_>) -> AppResult<Vec<SafetyScore>> {
        let list = ctx.loader().load_one(ScoresOf(self.0.id)).await?.unwrap_or_default();
        Ok(list.into_iter().map(SafetyScore).collect())
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// One respondent's answer on the safety scale (schaalvraag).
pub struct SafetyScore(safety_scale_score::Model);

#[Object]
impl SafetyScore {
    async fn respondent(&self) -> SafetyRespondent {
        self.0.respondent
    }
    /// The parent who answered, when registered.
    async fn respondent_person_id(&self) -> Option<ID> {
        self.0.respondent_person_id.map(|id| ids::encode("Person", id))
    }
    async fn respondent_name(&self) -> Option<&str> {
        self.0.respondent_name.as_deref()
    }
    async fn score(&self) -> i32 {
        self.0.score
    }
}

/// A point of the safety scale over time, for a trend line.
#[derive(SimpleObject)]
pub struct SafetyScalePoint {
    pub assessed_on: Date,
    pub respondent: SafetyRespondent,
    pub respondent_name: Option<String>,
    pub score: i32,
}

/// Veiligheidsplan, one version; the newest version is the current one.
pub struct SafetyPlan(safety_plan::Model);

super::ids::find_in_child_list!(SafetyPlan, safety_plan, |r| r.0.id, |ctx, child, trajectory| safety_plans_of(
    ctx, child
));

#[Object]
impl SafetyPlan {
    pub async fn id(&self) -> ID {
        ids::encode("SafetyPlan", self.0.id)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The plan in words the child understands.
    async fn child_language_text(&self) -> &str {
        &self.0.child_language_text
    }
    async fn agreements(&self) -> Vec<SafetyAgreement> {
        serde_json::from_value(self.0.agreements.clone()).unwrap_or_default()
    }
    /// Who agreed to this version.
    async fn agreed_by(&self) -> Vec<String> {
        serde_json::from_value(self.0.agreed_by.clone()).unwrap_or_default()
    }
    /// Evaluatiedatum.
    async fn review_on(&self) -> Date {
        Date(self.0.review_on)
    }
    async fn recorded_at(&self) -> chrono::DateTime<Utc> {
        self.0.created_at
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// Meldcode-traject: the five steps after a signal of domestic violence or child abuse.
pub struct ReportingCodeTrack(pub reporting_code_track::Model);

super::ids::find_in_child_list!(ReportingCodeTrack, reporting_code_track, |r| r.0.id, |ctx, child, trajectory| {
    tracks_of(ctx, child, trajectory.id)
});

#[Object]
impl ReportingCodeTrack {
    pub async fn id(&self) -> ID {
        ids::encode("ReportingCodeTrack", self.0.id)
    }
    async fn opened_on(&self) -> Date {
        Date(self.0.opened_on)
    }
    async fn closed_on(&self) -> Option<Date> {
        self.0.closed_on.map(Date)
    }
    /// The child it concerns (for a child who did not come to the shelter: a family member).
    async fn person_id(&self) -> ID {
        ids::encode("Person", self.0.child_id)
    }
    /// What opened the track (signaal).
    async fn signal(&self) -> ReportingCodeSignal {
        self.0.signal
    }
    async fn signal_description(&self) -> Option<&str> {
        self.0.signal_description.as_deref()
    }
    /// The assessment whose judgement opened the track, if one did.
    async fn safety_assessment_id(&self) -> Option<ID> {
        self.0.safety_assessment_id.map(|id| ids::encode("SafetyAssessment", id))
    }
    /// How it ended: step 5 decided, or the suspicion not confirmed.
    async fn close_reason(&self) -> Option<ReportingCodeCloseReason> {
        self.0.close_reason
    }
    async fn close_note(&self) -> Option<&str> {
        self.0.close_note.as_deref()
    }
    /// Every recorded step, in order.
    async fn steps(&self, ctx: &Context<'_>) -> AppResult<Vec<ReportingCodeStep>> {
        let list = ctx.loader().load_one(StepsOf(self.0.id)).await?.unwrap_or_default();
        Ok(list.into_iter().map(ReportingCodeStep).collect())
    }
    /// The step the track has reached (0 before step 1).
    async fn reached_step(&self, ctx: &Context<'_>) -> AppResult<i32> {
        let list = ctx.loader().load_one(StepsOf(self.0.id)).await?.unwrap_or_default();
        Ok(list.iter().map(|s| s.step).max().unwrap_or(0))
    }
}

/// Meldcode-stap.
pub struct ReportingCodeStep(reporting_code_step::Model);

#[Object]
impl ReportingCodeStep {
    /// 1 signalen in kaart (kindcheck) · 2 collegiale consultatie / Veilig Thuis · 3 gesprek
    /// met ouder en kind · 4 wegen (afwegingskader) · 5 beslissen: hulp organiseren en/of melden.
    async fn step(&self) -> i32 {
        self.0.step
    }
    async fn recorded_on(&self) -> Date {
        Date(self.0.recorded_on)
    }
    async fn outcome(&self) -> &str {
        &self.0.outcome
    }
    /// Step 2: whether Veilig Thuis was consulted.
    async fn consulted_veilig_thuis(&self) -> Option<bool> {
        self.0.consulted_veilig_thuis
    }
    async fn decision(&self) -> Option<MeldcodeDecision> {
        self.0.decision
    }
    async fn worker(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.worker_id).await
    }
}

fn current_trajectory<T>(
    list: Vec<T>,
    trajectory_id: Uuid,
    of: impl Fn(&T) -> Uuid,
) -> impl DoubleEndedIterator<Item = T> {
    list.into_iter().filter(move |r| of(r) == trajectory_id)
}

/// Assessments of the current trajectory, newest first; `with_scores`, their scale answers come
/// in the same wave (primed for `SafetyAssessment.scores`), not in a wave after them. Every
/// caller that goes on to read the answers asks for them so: were some to read them through
/// `ScoresOf` afterwards, whether that took a statement would depend on which resolver ran first.
pub async fn assessments_of(
    ctx: &Context<'_>,
    child_id: Uuid,
    trajectory_id: Uuid,
    with_scores: bool,
) -> AppResult<Vec<SafetyAssessment>> {
    read_records(ctx, child_id, "safety")?;
    let loader = ctx.loader();
    let all = if with_scores {
        let (all, scores) =
            futures::try_join!(loader.load_one(AssessmentsOf(child_id)), loader.load_one(ScoresOfChild(child_id)))?;
        let all = all.unwrap_or_default();
        let mut of: HashMap<Uuid, Vec<safety_scale_score::Model>> = all.iter().map(|a| (a.id, Vec::new())).collect();
        for score in scores.unwrap_or_default() {
            if let Some(list) = of.get_mut(&score.assessment_id) {
                list.push(score);
            }
        }
        loader.prime_many(of.into_iter().map(|(assessment, scores)| (ScoresOf(assessment), scores)));
        all
    } else {
        loader.load_one(AssessmentsOf(child_id)).await?.unwrap_or_default()
    };
    let mut list: Vec<_> = current_trajectory(all, trajectory_id, |a| a.trajectory_id).map(SafetyAssessment).collect();
    list.sort_by_key(|a| std::cmp::Reverse((a.0.assessed_on, a.0.id)));
    Ok(list)
}

/// Every scale answer of the current trajectory, oldest first.
pub async fn scale_trend(ctx: &Context<'_>, child_id: Uuid, trajectory_id: Uuid) -> AppResult<Vec<SafetyScalePoint>> {
    let mut assessments = assessments_of(ctx, child_id, trajectory_id, true).await?;
    assessments.reverse();
    let scores = ctx.loader().load_many(assessments.iter().map(|a| ScoresOf(a.0.id))).await?;
    Ok(assessments
        .iter()
        .flat_map(|a| {
            scores.get(&ScoresOf(a.0.id)).into_iter().flatten().map(|s| SafetyScalePoint {
                assessed_on: Date(a.0.assessed_on),
                respondent: s.respondent,
                respondent_name: s.respondent_name.clone(),
                score: s.score,
            })
        })
        .collect())
}

/// The safety plan versions of the current trajectory, newest first — for those who may read
/// the child's own wording.
pub async fn safety_plans_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Vec<SafetyPlan>> {
    let t = ctx.loader().load_one(TrajectoryOf(child_id)).await?.ok_or(AppError::NotFound("child"))?;
    let ground = policy::read_safety_plan(ctx.principal()?, t.responsible_worker_id)?;
    ctx.log_read(child_id, "safety-plan", &ground);
    let all = ctx.loader().load_one(SafetyPlansOf(child_id)).await?.unwrap_or_default();
    Ok(current_trajectory(all, t.id, |p| p.trajectory_id).rev().map(SafetyPlan).collect())
}

/// Meldcode tracks of the current trajectory, newest first.
pub async fn tracks_of(ctx: &Context<'_>, child_id: Uuid, trajectory_id: Uuid) -> AppResult<Vec<ReportingCodeTrack>> {
    read_records(ctx, child_id, "safety")?;
    let all = ctx.loader().load_one(TracksOf(child_id)).await?.unwrap_or_default();
    Ok(all.into_iter().filter(|t| t.trajectory_id == Some(trajectory_id)).rev().map(ReportingCodeTrack).collect())
}

#[derive(InputObject)]
pub struct SafetyScoreInput {
    pub respondent: SafetyRespondent,
    /// For a parent: the registered person.
    pub respondent_person_id: Option<ID>,
    pub respondent_name: Option<String>,
    /// 0 (certain the child will be harmed again) to 10 (safe enough).
    pub score: i32,
}

#[derive(InputObject)]
pub struct RecordSafetyAssessmentInput {
    pub child_id: ID,
    /// Today when left out.
    pub assessed_on: Option<Date>,
    pub worries: String,
    pub complicating_factors: Option<String>,
    pub what_works_well: Option<String>,
    pub safety_goals: String,
    pub judgement: SafetyJudgement,
    #[graphql(default)]
    pub tools_used: Vec<SafetyTool>,
    #[graphql(default)]
    pub scores: Vec<SafetyScoreInput>,
}

impl RecordSafetyAssessmentInput {
    fn into_command(self) -> AppResult<RecordSafetyAssessment> {
        let child_id = ids::decode(&self.child_id, "Child", "input.childId")?;
        let mut v = Vec::new();
        let scores = self
            .scores
            .into_iter()
            .enumerate()
            .map(|(i, s)| ScaleAnswer {
                respondent_person_id: s.respondent_person_id.and_then(|id| {
                    decode_into(&id, "Person", &format!("input.scores[{i}].respondentPersonId"), &mut v)
                }),
                respondent: s.respondent,
                respondent_name: s.respondent_name,
                score: s.score,
            })
            .collect();
        check(v)?;
        Ok(RecordSafetyAssessment {
            child_id,
            assessed_on: self.assessed_on.map(|d| d.0),
            worries: self.worries,
            complicating_factors: self.complicating_factors,
            what_works_well: self.what_works_well,
            safety_goals: self.safety_goals,
            judgement: self.judgement,
            tools_used: self.tools_used,
            scores,
        })
    }
}

#[derive(InputObject)]
pub struct RecordSafetyPlanInput {
    pub child_id: ID,
    pub child_language_text: String,
    #[graphql(default)]
    pub agreements: Vec<SafetyAgreement>,
    /// Who agreed to this version (names).
    pub agreed_by: Vec<String>,
    pub review_on: Date,
}

#[derive(InputObject)]
pub struct RecordReportingCodeStepInput {
    pub track_id: ID,
    pub step: i32,
    /// Today when left out.
    pub recorded_on: Option<Date>,
    /// What happened and was concluded.
    pub outcome: String,
    /// Step 2 only.
    pub consulted_veilig_thuis: Option<bool>,
    /// Step 4: the weighing; step 5: the decision.
    pub decision: Option<MeldcodeDecision>,
}

#[derive(InputObject)]
pub struct OpenReportingCodeTrackInput {
    /// An admitted child (Child id), or a family member with role CHILD_NOT_ADMITTED (Person id).
    pub child_id: ID,
    pub signal: ReportingCodeSignal,
    /// What was seen, heard or told.
    pub description: String,
    /// Today when left out.
    pub opened_on: Option<Date>,
}

#[derive(InputObject)]
pub struct CloseReportingCodeTrackInput {
    pub track_id: ID,
    /// Today when left out.
    pub closed_on: Option<Date>,
    /// Steps 1 to 3 did not confirm the suspicion (afwegingsvraag 1): close without a step-5
    /// decision, saying why in `note`.
    #[graphql(default)]
    pub suspicion_not_confirmed: bool,
    pub note: Option<String>,
}

payload! {
    /// The result of `recordSafetyAssessment`.
    RecordSafetyAssessmentPayload { safety_assessment: SafetyAssessment, child: Child = |r| r.0.child_id }
}
payload! {
    /// The result of `recordSafetyPlan`.
    RecordSafetyPlanPayload { safety_plan: SafetyPlan, child: Child = |r| r.0.child_id }
}
payload! {
    /// The result of `recordReportingCodeStep`.
    RecordReportingCodeStepPayload { reporting_code_track: ReportingCodeTrack, child: Child = |r| r.0.child_id, family: Family = |r| r.0.family_id }
}
payload! {
    /// The result of `closeReportingCodeTrack`.
    CloseReportingCodeTrackPayload { reporting_code_track: ReportingCodeTrack, child: Child = |r| r.0.child_id, family: Family = |r| r.0.family_id }
}
payload! {
    /// The result of `openReportingCodeTrack`. The track of a child who did not come to the
    /// shelter is listed on `family` (`child` is null).
    OpenReportingCodeTrackPayload { reporting_code_track: ReportingCodeTrack, child: Child = |r| r.0.child_id, family: Family = |r| r.0.family_id }
}

#[derive(Default)]
pub struct SafetyMutation;

#[Object]
impl SafetyMutation {
    /// Records a safety assessment with its scale answers. A judgement "niet goed genoeg"
    /// opens a Meldcode track (unless one is open already), in the same transaction.
    async fn record_safety_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordSafetyAssessmentInput,
    ) -> AppResult<RecordSafetyAssessmentPayload> {
        let command = input.into_command()?;
        in_transaction(ctx, async |actor, txn| safety::record_safety_assessment(actor, txn, command).await)
            .await
            .map(|r| RecordSafetyAssessmentPayload::new(SafetyAssessment(r)))
    }

    /// Records a new version of the child's safety plan; it becomes the current one. Only the
    /// responsible worker, a team lead or the behavioural expert write (and read) it.
    async fn record_safety_plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordSafetyPlanInput,
    ) -> AppResult<RecordSafetyPlanPayload> {
        let command = RecordSafetyPlan {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            child_language_text: input.child_language_text,
            agreements: input.agreements,
            agreed_by: input.agreed_by,
            review_on: input.review_on.0,
        };
        in_transaction(ctx, async |actor, txn| safety::record_safety_plan(actor, txn, command).await)
            .await
            .map(|r| RecordSafetyPlanPayload::new(SafetyPlan(r)))
    }

    /// Records a step of a Meldcode track (who: the viewer; when; outcome; decision).
    async fn record_reporting_code_step(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordReportingCodeStepInput,
    ) -> AppResult<RecordReportingCodeStepPayload> {
        let command = RecordReportingCodeStep {
            track_id: ids::decode(&input.track_id, "ReportingCodeTrack", "input.trackId")?,
            step: input.step,
            recorded_on: input.recorded_on.map(|d| d.0),
            outcome: input.outcome,
            consulted_veilig_thuis: input.consulted_veilig_thuis,
            decision: input.decision,
        };
        in_transaction(ctx, async |actor, txn| safety::record_reporting_code_step(actor, txn, command).await)
            .await
            .map(|r| RecordReportingCodeStepPayload::new(ReportingCodeTrack(r)))
    }

    /// Closes a Meldcode track: once step 5 is decided, or without a report when steps 1 to 3
    /// did not confirm the suspicion.
    async fn close_reporting_code_track(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: CloseReportingCodeTrackInput,
    ) -> AppResult<CloseReportingCodeTrackPayload> {
        let command = CloseReportingCodeTrack {
            track_id: ids::decode(&input.track_id, "ReportingCodeTrack", "input.trackId")?,
            closed_on: input.closed_on.map(|d| d.0),
            suspicion_not_confirmed: input.suspicion_not_confirmed,
            note: input.note,
        };
        in_transaction(ctx, async |actor, txn| safety::close_reporting_code_track(actor, txn, command).await)
            .await
            .map(|r| CloseReportingCodeTrackPayload::new(ReportingCodeTrack(r)))
    }

    /// Opens a Meldcode track on a signal: a risk at the first contact, a disclosure, an
    /// observation, a report by others — for an admitted child, or for a child of the family
    /// who did not come to the shelter (role CHILD_NOT_ADMITTED; norm 4).
    async fn open_reporting_code_track(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: OpenReportingCodeTrackInput,
    ) -> AppResult<OpenReportingCodeTrackPayload> {
        let command = OpenReportingCodeTrack {
            child_id: ids::decode_any(&input.child_id, &["Child", "Person"], "input.childId")?,
            signal: input.signal,
            description: input.description,
            opened_on: input.opened_on.map(|d| d.0),
        };
        in_transaction(ctx, async |actor, txn| safety::open_reporting_code_track(actor, txn, command).await)
            .await
            .map(|r| OpenReportingCodeTrackPayload::new(ReportingCodeTrack(r)))
    }
}
