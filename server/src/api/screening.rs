//! Screening (SDQ, CRIES-13): answers stored by item number, scores computed by the engine in
//! `domain::screening`, never typed in by a worker.

use super::{
    children::Child,
    context::{ContextExt, in_transaction},
    ids,
    method::{read_records, recorded_by},
    organisation::Worker,
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::{
        self,
        screening::{RecordScreening, RecordScreeningFollowUp},
    },
    domain::screening::{self, Answer, Outcome, ScaleScore},
    error::{AppError, AppResult},
};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entities::{ScreeningFollowUp, TeacherFormBy, screening as screening_row};
use uuid::Uuid;

crate::child_records_loader!(
    /// The screenings of a child.
    ScreeningsOf,
    screening,
    by_position
);

/// Afname of a screening instrument, with its computed outcome.
pub struct Screening {
    row: screening_row::Model,
    outcome: Outcome,
}

super::ids::find_in_child_list!(Screening, screening, |r| r.row.id, |ctx, child, trajectory| screenings_of(
    ctx,
    child,
    trajectory.id
));

impl Screening {
    fn new(row: screening_row::Model) -> AppResult<Self> {
        let outcome = row.result.parse().map_err(AppError::internal)?;
        Ok(Self { row, outcome })
    }
}

/// Who filled in the form (informant).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ScreeningInformant", remote = "screening::Informant")]
pub enum Informant {
    /// Ouder (parent form).
    Parent,
    /// Leerkracht (teacher form).
    Teacher,
    /// Jongere / kind zelf (self-report).
    #[graphql(name = "SELF")]
    SelfReport,
}

/// Band of a score.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ScreeningBand", remote = "screening::Band")]
pub enum Band {
    /// Normaal.
    Normal,
    /// Twijfelachtig (borderline).
    Borderline,
    /// Zorgelijk (abnormal).
    Abnormal,
}

/// A subscale or total score.
#[derive(SimpleObject)]
#[graphql(name = "ScreeningScore")]
pub struct ScoreView {
    pub code: String,
    pub score: i32,
    /// Items answered.
    pub answered: i32,
    /// Scaled up from fewer answered items (prorated).
    pub prorated: bool,
    /// Normaal / twijfelachtig / zorgelijk, where the instrument has bands for this informant.
    pub band: Option<Band>,
}

impl From<&ScaleScore> for ScoreView {
    fn from(s: &ScaleScore) -> Self {
        Self {
            code: s.code.clone(),
            score: s.score as i32,
            answered: s.answered as i32,
            prorated: s.prorated,
            band: s.band.map(Into::into),
        }
    }
}

#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "ScreeningAnswerInput", name = "ScreeningAnswer")]
pub struct AnswerView {
    /// Item number (the wording is the instrument owner's and not shipped).
    pub item: i32,
    /// Answer option code, e.g. NOT_TRUE / SOMEWHAT_TRUE / CERTAINLY_TRUE.
    pub answer: String,
}

#[Object]
impl Screening {
    pub async fn id(&self) -> ID {
        ids::encode("Screening", self.row.id)
    }
    /// Instrument code, e.g. SDQ or CRIES_13.
    async fn instrument(&self) -> &str {
        &self.row.instrument
    }
    /// Version of the scoring key used.
    async fn instrument_version(&self) -> &str {
        &self.row.instrument_version
    }
    async fn informant(&self) -> Option<Informant> {
        screening::Informant::parse(&self.row.informant).map(Into::into)
    }
    async fn administered_on(&self) -> Date {
        Date(self.row.administered_on)
    }
    async fn subscales(&self) -> Vec<ScoreView> {
        self.outcome.subscales.iter().map(ScoreView::from).collect()
    }
    /// Total (SDQ: totale problemenscore, without prosocial behaviour).
    async fn total(&self) -> ScoreView {
        ScoreView::from(&self.outcome.total)
    }
    /// Band of the total: normaal / twijfelachtig / zorgelijk.
    async fn band(&self) -> Option<Band> {
        self.outcome.total.band.map(Into::into)
    }
    /// A flag raised by the total, e.g. RAISED_PTSS_RISK for CRIES-13 from 30.
    async fn flag(&self) -> Option<&str> {
        self.outcome.flag.as_deref()
    }
    /// What the flag asks of the worker.
    async fn flag_description(&self) -> Option<&str> {
        self.outcome.flag.as_ref()?;
        screening::instrument(&self.row.instrument)?.total.flag.as_ref().map(|f| f.description.as_str())
    }
    /// The answers given, by item number.
    async fn answers(&self) -> AppResult<Vec<AnswerView>> {
        let answers: Vec<Answer> = self.row.answers.parse().map_err(AppError::internal)?;
        Ok(answers.into_iter().map(|a| AnswerView { item: a.item as i32, answer: a.answer }).collect())
    }
    /// When the result was talked through with the parent.
    async fn discussed_with_parent_on(&self) -> Option<Date> {
        self.row.discussed_with_parent_on.map(Date)
    }
    /// When the result was talked through with the child.
    async fn discussed_with_child_on(&self) -> Option<Date> {
        self.row.discussed_with_child_on.map(Date)
    }
    /// Vervolg: what follows the result.
    async fn follow_up(&self) -> Option<ScreeningFollowUp> {
        self.row.follow_up
    }
    async fn follow_up_note(&self) -> Option<&str> {
        self.row.follow_up_note.as_deref()
    }
    /// Who filled in a teacher form: the teacher or the worker.
    async fn filled_in_by(&self) -> Option<TeacherFormBy> {
        self.row.filled_in_by
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.row.recorded_by_worker_id).await
    }
}

/// The screenings of the current trajectory, newest first.
pub async fn screenings_of(ctx: &Context<'_>, child_id: Uuid, trajectory_id: Uuid) -> AppResult<Vec<Screening>> {
    read_records(ctx, child_id, "screening")?;
    let all = ctx.loader().load_one(ScreeningsOf(child_id)).await?.unwrap_or_default();
    all.into_iter().rev().filter(|s| s.trajectory_id == trajectory_id).map(Screening::new).collect()
}

/// An instrument the system can score, without item wordings.
#[derive(SimpleObject)]
pub struct ScreeningInstrument {
    pub code: String,
    pub version: String,
    pub name: String,
    pub item_count: i32,
    /// Answer option codes, in the order of the form.
    pub answer_options: Vec<String>,
    pub forms: Vec<ScreeningForm>,
    pub subscales: Vec<String>,
}

/// Who can fill in an instrument, for which ages.
#[derive(SimpleObject)]
pub struct ScreeningForm {
    pub informant: Informant,
    pub min_age: i32,
    pub max_age: i32,
}

#[derive(InputObject)]
pub struct RecordScreeningInput {
    pub child_id: ID,
    /// Instrument code (see `screeningInstruments`).
    pub instrument: String,
    pub informant: Informant,
    /// Today when left out.
    pub administered_on: Option<Date>,
    pub answers: Vec<AnswerView>,
    /// For the teacher form (informant TEACHER): whether the teacher or the worker filled it
    /// in (IB 438-439); required there, refused for other forms.
    pub filled_in_by: Option<TeacherFormBy>,
}

#[derive(Default)]
pub struct ScreeningQuery;

#[Object]
impl ScreeningQuery {
    /// Screeningsinstrumenten the engine scores.
    async fn screening_instruments(&self, ctx: &Context<'_>) -> AppResult<Vec<ScreeningInstrument>> {
        crate::policy::read_organisation(ctx.principal()?)?;
        Ok(screening::INSTRUMENTS
            .iter()
            .map(|i| ScreeningInstrument {
                code: i.code.clone(),
                version: i.version.clone(),
                name: i.name.clone(),
                item_count: i.item_count as i32,
                answer_options: i.options.iter().map(|o| o.code.clone()).collect(),
                forms: i
                    .informants
                    .iter()
                    .map(|f| ScreeningForm { informant: f.informant.into(), min_age: f.min_age, max_age: f.max_age })
                    .collect(),
                subscales: i.subscales.iter().map(|s| s.code.clone()).collect(),
            })
            .collect())
    }
}

payload! {
    /// The result of `recordScreening`.
    RecordScreeningPayload { screening: Screening, child: Child = |r| r.row.child_id }
}

payload! {
    /// The result of `recordScreeningFollowUp`.
    RecordScreeningFollowUpPayload { screening: Screening, child: Child = |r| r.row.child_id }
}

#[derive(Default)]
pub struct ScreeningMutation;

#[Object]
impl ScreeningMutation {
    /// Records a screening's answers and returns the computed scores, band and flag.
    async fn record_screening(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordScreeningInput,
    ) -> AppResult<RecordScreeningPayload> {
        let command = RecordScreening {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            instrument: input.instrument,
            informant: input.informant.into(),
            administered_on: input.administered_on.map(|d| d.0),
            // Negative item numbers become 0, which the engine reports as an unknown item.
            answers: input
                .answers
                .into_iter()
                .map(|a| Answer { item: u32::try_from(a.item).unwrap_or(0), answer: a.answer })
                .collect(),
            filled_in_by: input.filled_in_by,
        };
        let saved =
            in_transaction(ctx, async |actor, txn| cases::screening::record_screening(actor, txn, command).await)
                .await?;
        Screening::new(saved).map(RecordScreeningPayload::new)
    }

    /// Records that the result was discussed with the parent and the child, and what follows
    /// it (a raised score asks for further assessment, a referral, or a reasoned decision).
    async fn record_screening_follow_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordScreeningFollowUpInput,
    ) -> AppResult<RecordScreeningFollowUpPayload> {
        let command = RecordScreeningFollowUp {
            screening_id: ids::decode(&input.screening_id, "Screening", "input.screeningId")?,
            discussed_with_parent_on: input.discussed_with_parent_on.map(|d| d.0),
            discussed_with_child_on: input.discussed_with_child_on.map(|d| d.0),
            follow_up: input.follow_up,
            note: input.note,
        };
        let saved = in_transaction(ctx, async |actor, txn| {
            cases::screening::record_screening_follow_up(actor, txn, command).await
        })
        .await?;
        Screening::new(saved).map(RecordScreeningFollowUpPayload::new)
    }
}

#[derive(InputObject)]
pub struct RecordScreeningFollowUpInput {
    pub screening_id: ID,
    pub discussed_with_parent_on: Option<Date>,
    pub discussed_with_child_on: Option<Date>,
    pub follow_up: Option<ScreeningFollowUp>,
    /// Why; required when no further step follows.
    pub note: Option<String>,
}
