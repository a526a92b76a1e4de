//! The action plan (plan van aanpak): goals in the family's own words tied to sub-goals a–j and
//! a core task, actions with an owner and due date, and evaluations every six weeks.

use super::{
    ids,
    method::{RecordWrite, check, decode_into, read_records, record_date, recorded_by},
    organisation::Worker,
    scalars::Date,
};
use crate::{
    error::{AppError, AppResult, Violation},
    api::context::ContextExt,
};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{NaiveDate, Utc};
use entities::{AccessAction, CoreTask, GoalStatus, SubGoal, action_plan, evaluation, goal, goal_action, goal_progress, list_from_json, list_to_json};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use std::collections::HashSet;
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

#[Object]
impl ActionPlan {
    async fn id(&self) -> ID {
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
        Ok(ctx.loader().load_one(EvaluationsOf(self.0.id)).await?.unwrap_or_default().into_iter().map(Evaluation).collect())
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// Doel, in the family's own words.
pub struct Goal(goal::Model);

#[Object]
impl Goal {
    async fn id(&self) -> ID {
        ids::encode("Goal", self.0.id)
    }
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// Subdoelen a–j it serves.
    async fn sub_goals(&self) -> Vec<SubGoal> {
        list_from_json(&self.0.sub_goals)
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

#[Object]
impl GoalAction {
    async fn id(&self) -> ID {
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

#[Object]
impl Evaluation {
    async fn id(&self) -> ID {
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
        Ok(ctx.loader().load_one(ProgressOf(self.0.id)).await?.unwrap_or_default().into_iter().map(GoalProgress).collect())
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

fn check_goal(g: &GoalInput, path: &str, v: &mut Vec<Violation>) {
    if g.text.trim().is_empty() {
        v.push(Violation::new(format!("{path}.text"), "a goal needs words"));
    }
    if g.sub_goals.is_empty() {
        v.push(Violation::new(format!("{path}.subGoals"), "tie the goal to at least one sub-goal a–j"));
    }
    for (i, a) in g.actions.iter().enumerate() {
        if a.description.trim().is_empty() || a.owner.trim().is_empty() {
            v.push(Violation::new(format!("{path}.actions[{i}]"), "an action says what, and who does it"));
        }
    }
}

async fn insert_goal(txn: &DatabaseTransaction, plan_id: Uuid, g: GoalInput) -> AppResult<goal::Model> {
    let now = Utc::now();
    let mut sub_goals = g.sub_goals.clone();
    sub_goals.sort_by_key(|s| s.as_str());
    sub_goals.dedup();
    let saved = goal::ActiveModel::from(goal::Model {
        id: Uuid::now_v7(),
        plan_id,
        text: g.text.trim().into(),
        sub_goals: list_to_json(&sub_goals),
        core_task: g.core_task,
        created_at: now,
    })
    .insert(txn)
    .await?;
    let actions: Vec<goal_action::ActiveModel> = g
        .actions
        .into_iter()
        .map(|a| {
            goal_action::Model {
                id: Uuid::now_v7(),
                goal_id: saved.id,
                description: a.description.trim().into(),
                owner: a.owner.trim().into(),
                due_on: a.due_on.0,
                done_on: None,
                created_at: now,
            }
            .into()
        })
        .collect();
    if !actions.is_empty() {
        goal_action::Entity::insert_many(actions).exec_without_returning(txn).await?;
    }
    Ok(saved)
}

/// The plan, with a write opened on its child.
async fn plan_for_write<'a>(ctx: &'a Context<'_>, plan: &ID, field: &str) -> AppResult<(RecordWrite<'a>, action_plan::Model)> {
    let id = ids::decode(plan, "ActionPlan", field)?;
    let org = ctx.principal()?.organisation_id;
    let plan = action_plan::Entity::find_by_id(id)
        .filter(action_plan::Column::OrganisationId.eq(org))
        .one(ctx.db())
        .await?
        .ok_or(AppError::NotFound("action plan"))?;
    let w = RecordWrite::begin_for(ctx, plan.child_id).await?;
    if plan.trajectory_id != w.trajectory.id {
        return Err(AppError::Conflict("this plan belongs to an earlier trajectory".into()));
    }
    Ok((w, plan))
}

#[derive(Default)]
pub struct PlanMutation;

#[Object]
impl PlanMutation {
    /// Draws up the child's action plan with its first goals and actions.
    async fn record_action_plan(&self, ctx: &Context<'_>, input: RecordActionPlanInput) -> AppResult<ActionPlan> {
        let w = RecordWrite::begin(ctx, &input.child_id, "input.childId").await?;
        let drawn_up_on = record_date(input.drawn_up_on, w.trajectory.admission_date, "input.drawnUpOn")?;
        let mut v = Vec::new();
        if input.child_language_summary.trim().is_empty() {
            v.push(Violation::new("input.childLanguageSummary", "write the plan so the child understands it"));
        }
        if input.goals.is_empty() {
            v.push(Violation::new("input.goals", "a plan has at least one goal"));
        }
        for (i, g) in input.goals.iter().enumerate() {
            check_goal(g, &format!("input.goals[{i}]"), &mut v);
        }
        check(v)?;
        let existing = action_plan::Entity::find().filter(action_plan::Column::TrajectoryId.eq(w.trajectory.id)).one(&w.txn).await?;
        if existing.is_some() {
            return Err(AppError::Conflict("the child has an action plan; add goals to it with addGoal".into()));
        }
        let now = Utc::now();
        let plan = action_plan::ActiveModel::from(action_plan::Model {
            id: Uuid::now_v7(),
            organisation_id: w.principal.organisation_id,
            child_id: w.child_id,
            trajectory_id: w.trajectory.id,
            recorded_by_worker_id: w.worker_id(),
            drawn_up_on,
            child_language_summary: input.child_language_summary.trim().into(),
            created_at: now,
            updated_at: now,
        })
        .insert(&w.txn)
        .await?;
        for g in input.goals {
            insert_goal(&w.txn, plan.id, g).await?;
        }
        w.commit(ctx, AccessAction::Create, "action-plan").await?;
        Ok(ActionPlan(plan))
    }

    /// Adds a goal (with its actions) to a plan.
    async fn add_goal(&self, ctx: &Context<'_>, input: AddGoalInput) -> AppResult<Goal> {
        let (w, plan) = plan_for_write(ctx, &input.plan_id, "input.planId").await?;
        let mut v = Vec::new();
        check_goal(&input.goal, "input.goal", &mut v);
        check(v)?;
        let saved = insert_goal(&w.txn, plan.id, input.goal).await?;
        w.commit(ctx, AccessAction::Update, "action-plan").await?;
        Ok(Goal(saved))
    }

    /// Marks an action done.
    async fn record_action_done(&self, ctx: &Context<'_>, input: RecordActionDoneInput) -> AppResult<GoalAction> {
        let id = ids::decode(&input.action_id, "GoalAction", "input.actionId")?;
        let action = goal_action::Entity::find_by_id(id).one(ctx.db()).await?.ok_or(AppError::NotFound("action"))?;
        let goal = goal::Entity::find_by_id(action.goal_id).one(ctx.db()).await?.ok_or(AppError::NotFound("action"))?;
        let plan_id = ids::encode("ActionPlan", goal.plan_id);
        // The plan lookup checks the organisation: another organisation's action is not found.
        let (w, plan) = plan_for_write(ctx, &plan_id, "input.actionId").await.map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound("action"),
            e => e,
        })?;
        let done_on: NaiveDate = record_date(input.done_on, plan.drawn_up_on, "input.doneOn")?;
        let mut m: goal_action::ActiveModel = action.into();
        m.done_on = Set(Some(done_on));
        let saved = m.update(&w.txn).await?;
        w.commit(ctx, AccessAction::Update, "action-plan").await?;
        Ok(GoalAction(saved))
    }

    /// Records an evaluation of the plan with progress on every goal and who took part.
    async fn record_evaluation(&self, ctx: &Context<'_>, input: RecordEvaluationInput) -> AppResult<Evaluation> {
        let (w, plan) = plan_for_write(ctx, &input.plan_id, "input.planId").await?;
        let held_on = record_date(input.held_on, plan.drawn_up_on, "input.heldOn")?;
        let goals: Vec<Uuid> = goal::Entity::find().filter(goal::Column::PlanId.eq(plan.id)).all(&w.txn).await?.into_iter().map(|g| g.id).collect();
        let mut v = Vec::new();
        let mut seen = HashSet::new();
        let mut rows = Vec::new();
        for (i, p) in input.progress.iter().enumerate() {
            let field = format!("input.progress[{i}]");
            if p.score.is_some_and(|s| !(0..=10).contains(&s)) {
                v.push(Violation::new(format!("{field}.score"), "progress is scored 0 to 10"));
            }
            let Some(goal) = decode_into(&p.goal_id, "Goal", &format!("{field}.goalId"), &mut v) else { continue };
            if !goals.contains(&goal) {
                v.push(Violation::new(format!("{field}.goalId"), "not a goal of this plan"));
            } else if !seen.insert(goal) {
                v.push(Violation::new(format!("{field}.goalId"), "this goal is evaluated twice"));
            }
            rows.push((goal, p));
        }
        if let Some(missing) = goals.iter().position(|g| !seen.contains(g)) {
            v.push(Violation::new("input.progress", format!("goal {} of the plan is not evaluated", ids::encode("Goal", goals[missing]).0)));
        }
        check(v)?;
        let now = Utc::now();
        let saved = evaluation::ActiveModel::from(evaluation::Model {
            id: Uuid::now_v7(),
            plan_id: plan.id,
            held_on,
            parent_took_part: input.parent_took_part,
            child_took_part: input.child_took_part,
            notes: input.notes,
            recorded_by_worker_id: w.worker_id(),
            created_at: now,
        })
        .insert(&w.txn)
        .await?;
        let progress: Vec<goal_progress::ActiveModel> = rows
            .into_iter()
            .map(|(goal_id, p)| {
                goal_progress::Model { id: Uuid::now_v7(), evaluation_id: saved.id, goal_id, score: p.score, status: p.status, created_at: now }.into()
            })
            .collect();
        if !progress.is_empty() {
            goal_progress::Entity::insert_many(progress).exec_without_returning(&w.txn).await?;
        }
        w.commit(ctx, AccessAction::Update, "action-plan").await?;
        Ok(Evaluation(saved))
    }
}
