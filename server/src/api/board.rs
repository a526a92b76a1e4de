//! The "kerntaken × fasen" board of a child, gathered from the record loaders (one batched
//! statement per kind of record, however many children are on the page), and the results a
//! worker confirms.

use super::{
    activities::{ActivitiesOf, BoardResultsOf, LivingClimateOf, NonAccompanyingParentsOf, PsychoEducationOf},
    cadence::CadenceOf,
    children::Child,
    consent::ConsentsOf,
    contacts::ContactsOf,
    context::{ContextExt, in_transaction},
    ids,
    intake::{FirstContactOf, IntakeOf},
    loaders::{HandoverId, MembersOf, PhaseHistoryOf, TrajectoryOf},
    network::NetworkOf,
    partners::InvolvementsOf,
    payload::payload,
    plans::{ActionsOf, EvaluationsOf, GoalsOf, PlansOf},
    reference_index::SignalsOf,
    safety::{AssessmentsOf, SafetyPlansOf, ScoresOfChild, TracksOf},
    scalars::Date,
    screening::ScreeningsOf,
};
use crate::{
    cases::{
        self,
        board::{BoardRecords, ConfirmBoardResult},
        partners::consent_record,
    },
    domain::board,
    error::{AppError, AppResult},
    policy,
};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::Utc;
use entities::{CoreTask, Phase, person};
use uuid::Uuid;

/// Activiteit or resultaat of bijlage 1.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "board::ItemKind")]
pub enum BoardItemKind {
    /// Activiteit.
    Activity,
    /// Resultaat.
    Result,
}

/// Kern (asked with every child) or facultatief (where it fits); IB 2074-2082.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "board::Importance")]
pub enum Importance {
    Core,
    Optional,
}

/// Where a board item stands for the child today.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "board::State")]
pub enum BoardItemState {
    /// The records show it done (a rhythm: on time).
    Done,
    /// Open in the current phase, not late.
    Due,
    /// Late: past its date, or its phase is over.
    Overdue,
    /// For a phase the child has not reached.
    Later,
    /// Does not apply to this child (the reason says why).
    NotApplicable,
}

/// One activity or result of bijlage 1 on the kerntaken × fasen board.
#[derive(SimpleObject)]
pub struct BoardItem {
    /// Stable key, e.g. ACQUAINTANCE (kennismaking).
    pub key: &'static str,
    /// Kerntaak.
    pub core_task: CoreTask,
    /// Fase.
    pub phase: Phase,
    pub kind: BoardItemKind,
    pub importance: Importance,
    /// The item as bijlage 1 names it (Dutch).
    pub description: &'static str,
    pub state: BoardItemState,
    /// Why: what it waits for, when it was or is due, or why it does not apply.
    pub reason: Option<String>,
    /// State DONE.
    pub done: bool,
}

impl From<board::BoardItem> for BoardItem {
    fn from(i: board::BoardItem) -> Self {
        let item = i.item;
        Self {
            done: i.done(),
            key: item.key,
            core_task: item.core_task,
            phase: item.phase,
            kind: item.kind.into(),
            importance: item.importance.into(),
            description: item.description,
            state: i.state.into(),
            reason: i.reason,
        }
    }
}

pub async fn board_of(ctx: &Context<'_>, child: &person::Model) -> AppResult<Vec<BoardItem>> {
    let ground = policy::read_cases(ctx.principal()?)?;
    ctx.log_read(child.id, "board", &ground);
    let l = ctx.loader();
    let t = l.load_one(TrajectoryOf(child.id)).await?.ok_or(AppError::NotFound("child"))?;
    let key = child.id;
    let (
        first_contacts,
        intakes,
        involvements,
        screenings,
        assessments,
        scores,
        safety_plans,
        tracks,
        plans,
        contacts,
        network,
    ) = futures::try_join!(
        l.load_one(FirstContactOf(key)),
        l.load_one(IntakeOf(key)),
        l.load_one(InvolvementsOf(key)),
        l.load_one(ScreeningsOf(key)),
        l.load_one(AssessmentsOf(key)),
        // Beside the assessments, not in a wave after them (as `safety::assessments_of`).
        l.load_one(ScoresOfChild(key)),
        l.load_one(SafetyPlansOf(key)),
        l.load_one(TracksOf(key)),
        l.load_one(PlansOf(key)),
        l.load_one(ContactsOf(key)),
        l.load_one(NetworkOf(key)),
    )?;
    let (members, history, cadence, consents, parents, climate, activities, psycho_education, signals, confirmed) = futures::try_join!(
        l.load_one(MembersOf(t.family_id)),
        l.load_one(PhaseHistoryOf(t.id)),
        l.load_one(CadenceOf(t.id)),
        l.load_one(ConsentsOf(key)),
        l.load_one(NonAccompanyingParentsOf(key)),
        l.load_one(LivingClimateOf(key)),
        l.load_one(ActivitiesOf(key)),
        l.load_one(PsychoEducationOf(key)),
        l.load_one(SignalsOf(key)),
        l.load_one(BoardResultsOf(key)),
    )?;
    let (assessments, plans) = (assessments.unwrap_or_default(), plans.unwrap_or_default());
    let current_plans: Vec<_> = plans.iter().filter(|p| p.trajectory_id == t.id).map(|p| p.id).collect();
    let (goals, evaluations, handover) = futures::try_join!(
        l.load_many(current_plans.iter().map(|&p| GoalsOf(p))),
        l.load_many(current_plans.iter().map(|&p| EvaluationsOf(p))),
        async { if let Some(h) = t.aftercare_handover_id { l.load_one(HandoverId(h)).await } else { Ok(None) } },
    )?;
    let actions = l.load_many(goals.values().flatten().map(|g| ActionsOf(g.id))).await?;
    let records = BoardRecords {
        phase_history: history.unwrap_or_default(),
        first_contacts: first_contacts.unwrap_or_default(),
        intakes: intakes.unwrap_or_default(),
        involvements: involvements.unwrap_or_default(),
        screenings: screenings.unwrap_or_default(),
        assessments,
        scores: scores.unwrap_or_default(),
        safety_plans: safety_plans.unwrap_or_default(),
        tracks: tracks.unwrap_or_default(),
        plans,
        actions: actions.into_values().flatten().collect(),
        evaluations: evaluations.into_values().flatten().collect(),
        contacts: contacts.unwrap_or_default(),
        network: network.unwrap_or_default(),
        family_roles: members.unwrap_or_default().iter().map(|(role, _)| *role).collect(),
        consents: consents.unwrap_or_default().iter().map(consent_record).collect(),
        cadence: cadence.unwrap_or_default(),
        non_accompanying_parents: parents.unwrap_or_default(),
        living_climate: climate.unwrap_or_default(),
        activities: activities.unwrap_or_default(),
        psycho_education: psycho_education.unwrap_or_default(),
        signals: signals.unwrap_or_default(),
        aftercare_handover: handover,
        confirmed: confirmed.unwrap_or_default(),
    };
    let facts = cases::board::facts(child, &t, records, Utc::now());
    Ok(board::board(&facts).into_iter().map(Into::into).collect())
}

#[derive(InputObject)]
pub struct ConfirmBoardResultInput {
    pub child_id: ID,
    /// The key of a result of kind RESULT that no record shows (e.g. CHILD_FEELS_WELCOME is
    /// read from the living-climate checklist; WORKING_RELATIONSHIP_BEGUN is confirmed).
    pub key: String,
    /// Today when left out.
    pub achieved_on: Option<Date>,
    pub note: Option<String>,
}

/// A result confirmed by a worker.
#[derive(SimpleObject)]
pub struct ConfirmedBoardResult {
    pub key: String,
    pub achieved_on: Date,
    pub note: Option<String>,
    #[graphql(skip)]
    pub child_id: Uuid,
}

payload! {
    /// The result of `confirmBoardResult`.
    ConfirmBoardResultPayload { confirmed_board_result: ConfirmedBoardResult, child: Child = |r| r.child_id }
}

#[derive(Default)]
pub struct BoardMutation;

#[Object]
impl BoardMutation {
    /// Resultaat behaald: confirms a result of bijlage 1 that no record can show (e.g. "Ouders
    /// voelen zich gesteund"). Results and activities the records show are refused on `key`.
    async fn confirm_board_result(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: ConfirmBoardResultInput,
    ) -> AppResult<ConfirmBoardResultPayload> {
        let command = ConfirmBoardResult {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            key: input.key,
            achieved_on: input.achieved_on.map(|d| d.0),
            note: input.note,
        };
        let saved =
            in_transaction(ctx, async |actor, txn| cases::board::confirm_board_result(actor, txn, command).await)
                .await?;
        Ok(ConfirmBoardResultPayload::new(ConfirmedBoardResult {
            key: saved.key,
            achieved_on: Date(saved.achieved_on),
            note: saved.note,
            child_id: saved.child_id,
        }))
    }
}
