//! The action plan (plan van aanpak): goals in the family's own words tied to sub-goals a–j and
//! a core task, actions with an owner and due date, and evaluations every six weeks.

use super::{
    children::Child,
    context::{ContextExt, in_transaction},
    ids,
    method::{check, decode_into, read_records, recorded_by},
    organisation::Worker,
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::plans::{self, NewAction, NewGoal, ProgressOnGoal, RecordActionPlan, RecordEvaluation},
    domain::sub_goals,
    error::{AppError, AppResult},
};
use async_graphql::{Context, ID, InputObject, Object};
use entities::{
    CoreTask, GoalStatus, SubGoal, action_plan, evaluation, goal, goal_action, goal_progress, list_from_json,
};
use sea_orm::EntityTrait;
use uuid::Uuid;

crate::child_records_loader!(
    /// The action plans of a child (one per trajectory).
    PlansOf,
    action_plan
);
crate::parts_loader!(GoalsOf, goal, PlanId, plan_id);
crate::parts_loader!(ActionsOf, goal_action, GoalId, goal_id);
crate::parts_loader!(EvaluationsOf, evaluation, PlanId, plan_id);
crate::parts_loader!(ProgressOf, goal_progress, EvaluationId, evaluation_id);

/// Plan van aanpak for one child.
pub struct ActionPlan(action_plan::Model);

super::ids::find_in_child_list!(ActionPlan, action_plan, |r| r.0.id, |ctx, child, trajectory| plan_of(
    ctx,
    child,
    trajectory.id
));

#[Object]
impl ActionPlan {
    pub async fn id(&self) -> ID {
        ids::encode("ActionPlan", self.0.id)
    }
    async fn drawn_up_on(&self) -> Date {
        Date(self.0.drawn_up_on)
    }
    /// The plan in words the child understands.
    async fn child_language_summary(&self) -> &str {
        &self.0.child_language_summary
    }
    /// Doelen, in the order they were set.
    async fn goals(&self, ctx: &Context<'_>) -> AppResult<Vec<Goal>> {
        Ok(ctx.loader().load_one(GoalsOf(self.0.id)).await?.unwrap_or_default().into_iter().map(Goal).collect())
    }
    /// Evaluaties, oldest first.
    async fn evaluations(&self, ctx: &Context<'_>) -> AppResult<Vec<Evaluation>> {
        Ok(ctx
            .loader()
            .load_one(EvaluationsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Evaluation)
            .collect())
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// Doel, in the family's own words.
pub struct Goal(goal::Model);

impl Goal {
    /// A goal, when its action plan is found (so under the plan's rules).
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        let row = goal::Entity::find_by_id(id).one(ctx.db()).await?.ok_or(AppError::NotFound("goal"))?;
        ActionPlan::find(ctx, row.plan_id).await?;
        Ok(Self(row))
    }
}

#[Object]
impl Goal {
    pub async fn id(&self) -> ID {
        ids::encode("Goal", self.0.id)
    }
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// Subdoelen a–j it serves (see the `subGoals` query for what each means).
    async fn sub_goals(&self) -> Vec<SubGoal> {
        list_from_json(&self.0.sub_goals)
    }
    /// True when the sub-goals were recorded under the letters' old meanings and one had no
    /// counterpart in the method: choose them again with `reviseGoal`.
    async fn needs_review(&self) -> bool {
        self.0.needs_review
    }
    /// What the old letters meant, while the goal needs review.
    async fn review_note(&self) -> Option<&str> {
        self.0.review_note.as_deref()
    }
    /// Kerntaak.
    async fn core_task(&self) -> CoreTask {
        self.0.core_task
    }
    /// Acties.
    async fn actions(&self, ctx: &Context<'_>) -> AppResult<Vec<GoalAction>> {
        Ok(ctx.loader().load_one(ActionsOf(self.0.id)).await?.unwrap_or_default().into_iter().map(GoalAction).collect())
    }
}

/// Actie: who does what, by when.
pub struct GoalAction(goal_action::Model);

impl GoalAction {
    /// An action, when its goal is found.
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        let row = goal_action::Entity::find_by_id(id).one(ctx.db()).await?.ok_or(AppError::NotFound("goal action"))?;
        Goal::find(ctx, row.goal_id).await?;
        Ok(Self(row))
    }
}

#[Object]
impl GoalAction {
    pub async fn id(&self) -> ID {
        ids::encode("GoalAction", self.0.id)
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn owner(&self) -> &str {
        &self.0.owner
    }
    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }
    async fn done_on(&self) -> Option<Date> {
        self.0.done_on.map(Date)
    }
}

/// Evaluatie of the plan, with parent and child.
pub struct Evaluation(evaluation::Model);

impl Evaluation {
    /// An evaluation, when its action plan is found.
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        let row = evaluation::Entity::find_by_id(id).one(ctx.db()).await?.ok_or(AppError::NotFound("evaluation"))?;
        ActionPlan::find(ctx, row.plan_id).await?;
        Ok(Self(row))
    }
}

#[Object]
impl Evaluation {
    pub async fn id(&self) -> ID {
        ids::encode("Evaluation", self.0.id)
    }
    async fn held_on(&self) -> Date {
        Date(self.0.held_on)
    }
    async fn parent_took_part(&self) -> bool {
        self.0.parent_took_part
    }
    async fn child_took_part(&self) -> bool {
        self.0.child_took_part
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// Voortgang per doel.
    async fn progress(&self, ctx: &Context<'_>) -> AppResult<Vec<GoalProgress>> {
        Ok(ctx
            .loader()
            .load_one(ProgressOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(GoalProgress)
            .collect())
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// Progress on one goal at an evaluation.
pub struct GoalProgress(goal_progress::Model);

#[Object]
impl GoalProgress {
    async fn goal_id(&self) -> ID {
        ids::encode("Goal", self.0.goal_id)
    }
    /// 0–10, when scored.
    async fn score(&self) -> Option<i32> {
        self.0.score
    }
    async fn status(&self) -> GoalStatus {
        self.0.status
    }
}

/// The action plan of the current trajectory.
pub async fn plan_of(ctx: &Context<'_>, child_id: Uuid, trajectory_id: Uuid) -> AppResult<Option<ActionPlan>> {
    read_records(ctx, child_id, "action-plan")?;
    let all = ctx.loader().load_one(PlansOf(child_id)).await?.unwrap_or_default();
    Ok(all.into_iter().find(|p| p.trajectory_id == trajectory_id).map(ActionPlan))
}

#[derive(InputObject)]
pub struct GoalActionInput {
    pub description: String,
    /// Who does it (a name or role, e.g. "moeder", "mentor").
    pub owner: String,
    pub due_on: Date,
}

#[derive(InputObject)]
pub struct GoalInput {
    /// The goal in the family's own words.
    pub text: String,
    pub sub_goals: Vec<SubGoal>,
    pub core_task: CoreTask,
    #[graphql(default)]
    pub actions: Vec<GoalActionInput>,
}

#[derive(InputObject)]
pub struct RecordActionPlanInput {
    pub child_id: ID,
    /// Today when left out.
    pub drawn_up_on: Option<Date>,
    pub child_language_summary: String,
    pub goals: Vec<GoalInput>,
}

#[derive(InputObject)]
pub struct AddGoalInput {
    pub plan_id: ID,
    pub goal: GoalInput,
}

#[derive(InputObject)]
pub struct ReviseGoalInput {
    pub id: ID,
    /// New wording; unchanged when left out.
    pub text: Option<String>,
    /// New sub-goals (at least one); choosing them clears `needsReview`.
    pub sub_goals: Option<Vec<SubGoal>>,
    pub core_task: Option<CoreTask>,
}

#[derive(InputObject)]
pub struct RecordActionDoneInput {
    pub action_id: ID,
    /// Today when left out.
    pub done_on: Option<Date>,
}

#[derive(InputObject)]
pub struct GoalProgressInput {
    pub goal_id: ID,
    /// 0–10.
    pub score: Option<i32>,
    pub status: GoalStatus,
}

#[derive(InputObject)]
pub struct RecordEvaluationInput {
    pub plan_id: ID,
    /// Today when left out.
    pub held_on: Option<Date>,
    pub parent_took_part: bool,
    pub child_took_part: bool,
    pub notes: Option<String>,
    /// Progress on every goal of the plan.
    pub progress: Vec<GoalProgressInput>,
}

impl RecordEvaluationInput {
    fn into_command(self) -> AppResult<RecordEvaluation> {
        let plan_id = ids::decode(&self.plan_id, "ActionPlan", "input.planId")?;
        let mut v = Vec::new();
        let progress = self
            .progress
            .into_iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let goal_id = decode_into(&p.goal_id, "Goal", &format!("input.progress[{i}].goalId"), &mut v)?;
                Some(ProgressOnGoal { goal_id, score: p.score, status: p.status })
            })
            .collect();
        check(v)?;
        Ok(RecordEvaluation {
            plan_id,
            held_on: self.held_on.map(|d| d.0),
            parent_took_part: self.parent_took_part,
            child_took_part: self.child_took_part,
            notes: self.notes,
            progress,
        })
    }
}

impl GoalInput {
    fn command(self) -> NewGoal {
        NewGoal {
            text: self.text,
            sub_goals: self.sub_goals,
            core_task: self.core_task,
            actions: self
                .actions
                .into_iter()
                .map(|a| NewAction { description: a.description, owner: a.owner, due_on: a.due_on.0 })
                .collect(),
        }
    }
}

/// Whom a sub-goal concerns.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum SubGoalConcern {
    /// Subdoelen gericht op het kind (a–f).
    Child,
    /// Subdoelen gericht op de ouders (g–j): the parent who came along and the one who did not.
    Parent,
}

/// Subdoel: one of the sub-goals a–j of the Veerkracht method (IB 172-205).
pub struct SubGoalDefinition(&'static sub_goals::Definition);

#[Object]
impl SubGoalDefinition {
    async fn letter(&self) -> SubGoal {
        self.0.letter
    }
    async fn concerns(&self) -> SubGoalConcern {
        match self.0.concerns {
            sub_goals::Concern::Child => SubGoalConcern::Child,
            sub_goals::Concern::Parent => SubGoalConcern::Parent,
        }
    }
    /// An English rendering.
    async fn description(&self) -> &str {
        self.0.description
    }
    /// The method's own sentence.
    async fn description_nl(&self) -> &str {
        self.0.description_nl
    }
}

#[derive(Default)]
pub struct PlanQuery;

#[Object]
impl PlanQuery {
    /// Subdoelen a–j as the method defines them, in order: what a goal's `subGoals` mean.
    async fn sub_goals(&self, ctx: &Context<'_>) -> AppResult<Vec<SubGoalDefinition>> {
        crate::policy::read_organisation(ctx.principal()?)?;
        Ok(sub_goals::SUB_GOALS.iter().map(SubGoalDefinition).collect())
    }
}

payload! {
    /// The result of `recordActionPlan`.
    RecordActionPlanPayload { action_plan: ActionPlan, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `addGoal`.
    AddGoalPayload { goal: Goal, action_plan: ActionPlan = |r| r.0.plan_id }
}

payload! {
    /// The result of `reviseGoal`.
    ReviseGoalPayload { goal: Goal, action_plan: ActionPlan = |r| r.0.plan_id }
}

payload! {
    /// The result of `recordActionDone`.
    RecordActionDonePayload { goal_action: GoalAction, goal: Goal = |r| r.0.goal_id }
}

payload! {
    /// The result of `recordEvaluation`.
    RecordEvaluationPayload { evaluation: Evaluation, action_plan: ActionPlan = |r| r.0.plan_id }
}

#[derive(Default)]
pub struct PlanMutation;

#[Object]
impl PlanMutation {
    /// Draws up the child's action plan with its first goals and actions.
    async fn record_action_plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordActionPlanInput,
    ) -> AppResult<RecordActionPlanPayload> {
        let command = RecordActionPlan {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            drawn_up_on: input.drawn_up_on.map(|d| d.0),
            child_language_summary: input.child_language_summary,
            goals: input.goals.into_iter().map(GoalInput::command).collect(),
        };
        in_transaction(ctx, async |actor, txn| plans::record_action_plan(actor, txn, command).await)
            .await
            .map(|r| RecordActionPlanPayload::new(ActionPlan(r)))
    }

    /// Adds a goal (with its actions) to a plan.
    async fn add_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")] input: AddGoalInput,
    ) -> AppResult<AddGoalPayload> {
        let plan_id = ids::decode(&input.plan_id, "ActionPlan", "input.planId")?;
        in_transaction(ctx, async |actor, txn| plans::add_goal(actor, txn, plan_id, input.goal.command()).await)
            .await
            .map(|r| AddGoalPayload::new(Goal(r)))
    }

    /// Rewords a goal or ties it to other sub-goals or another core task (bijstellen).
    async fn revise_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: ReviseGoalInput,
    ) -> AppResult<ReviseGoalPayload> {
        let command = plans::ReviseGoal {
            goal_id: ids::decode(&input.id, "Goal", "input.id")?,
            text: input.text,
            sub_goals: input.sub_goals,
            core_task: input.core_task,
        };
        in_transaction(ctx, async |actor, txn| plans::revise_goal(actor, txn, command).await)
            .await
            .map(|r| ReviseGoalPayload::new(Goal(r)))
    }

    /// Marks an action done.
    async fn record_action_done(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordActionDoneInput,
    ) -> AppResult<RecordActionDonePayload> {
        let action_id = ids::decode(&input.action_id, "GoalAction", "input.actionId")?;
        in_transaction(ctx, async |actor, txn| {
            plans::record_action_done(actor, txn, action_id, input.done_on.map(|d| d.0)).await
        })
        .await
        .map(|r| RecordActionDonePayload::new(GoalAction(r)))
    }

    /// Records an evaluation of the plan with progress on every goal and who took part.
    async fn record_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordEvaluationInput,
    ) -> AppResult<RecordEvaluationPayload> {
        let command = input.into_command()?;
        in_transaction(ctx, async |actor, txn| plans::record_evaluation(actor, txn, command).await)
            .await
            .map(|r| RecordEvaluationPayload::new(Evaluation(r)))
    }
}
