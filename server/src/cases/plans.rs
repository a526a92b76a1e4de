//! The action plan (plan van aanpak): goals in the family's own words tied to sub-goals a–j and
//! a core task, actions with an owner and due date, and evaluations every six weeks.

use super::{
    Actor,
    records::{RecordWrite, check, record_date},
};
use crate::error::{AppError, AppResult, Violation};
use chrono::{NaiveDate, Utc};
use entities::{
    AccessAction, CoreTask, GoalStatus, SubGoal, action_plan, evaluation, goal, goal_action, goal_progress,
    list_to_json,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use std::collections::HashSet;
use uuid::Uuid;

const AREA: &str = "action-plan";

/// An action towards a goal.
#[derive(Debug, Clone)]
pub struct NewAction {
    pub description: String,
    /// Who does it (a name or role, e.g. "moeder", "mentor").
    pub owner: String,
    pub due_on: NaiveDate,
}

/// Doel: a goal in the family's own words.
#[derive(Debug, Clone)]
pub struct NewGoal {
    pub text: String,
    pub sub_goals: Vec<SubGoal>,
    pub core_task: CoreTask,
    pub actions: Vec<NewAction>,
}

/// Plan van aanpak with its first goals.
#[derive(Debug, Clone)]
pub struct RecordActionPlan {
    pub child_id: Uuid,
    /// Today when left out.
    pub drawn_up_on: Option<NaiveDate>,
    pub child_language_summary: String,
    pub goals: Vec<NewGoal>,
}

/// Draws up the child's action plan with its first goals and actions.
pub async fn record_action_plan(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordActionPlan,
) -> AppResult<action_plan::Model> {
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let drawn_up_on = record_date(cmd.drawn_up_on, w.trajectory.admission_date, "input.drawnUpOn")?;
    let mut v = Vec::new();
    if cmd.child_language_summary.trim().is_empty() {
        v.push(Violation::new("input.childLanguageSummary", "write the plan so the child understands it"));
    }
    if cmd.goals.is_empty() {
        v.push(Violation::new("input.goals", "a plan has at least one goal"));
    }
    for (i, g) in cmd.goals.iter().enumerate() {
        check_goal(g, &format!("input.goals[{i}]"), &mut v);
    }
    check(v)?;
    let existing =
        action_plan::Entity::find().filter(action_plan::Column::TrajectoryId.eq(w.trajectory.id)).one(txn).await?;
    if existing.is_some() {
        return Err(AppError::Conflict("the child has an action plan; add goals to it with addGoal".into()));
    }
    let now = Utc::now();
    let plan = action_plan::ActiveModel::from(action_plan::Model {
        id: Uuid::now_v7(),
        organisation_id: w.organisation_id(),
        child_id: w.child_id,
        trajectory_id: w.trajectory.id,
        recorded_by_worker_id: w.worker_id(),
        drawn_up_on,
        child_language_summary: cmd.child_language_summary.trim().into(),
        created_at: now,
        updated_at: now,
    })
    .insert(txn)
    .await?;
    for g in cmd.goals {
        insert_goal(txn, plan.id, g).await?;
    }
    w.log(AccessAction::Create, AREA).await?;
    Ok(plan)
}

/// Adds a goal (with its actions) to a plan.
pub async fn add_goal(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    plan_id: Uuid,
    goal: NewGoal,
) -> AppResult<goal::Model> {
    let (w, plan) = plan_for_write(actor, txn, plan_id).await?;
    let mut v = Vec::new();
    check_goal(&goal, "input.goal", &mut v);
    check(v)?;
    let saved = insert_goal(txn, plan.id, goal).await?;
    w.log(AccessAction::Update, AREA).await?;
    Ok(saved)
}

/// A goal worded or tied anew (bijstellen, IB 258-259).
#[derive(Debug, Clone)]
pub struct ReviseGoal {
    pub goal_id: Uuid,
    /// Unchanged when left out.
    pub text: Option<String>,
    /// Unchanged when left out; at least one.
    pub sub_goals: Option<Vec<SubGoal>>,
    pub core_task: Option<CoreTask>,
}

/// Rewords a goal or ties it to other sub-goals or another core task. A goal marked for review
/// (its sub-goals were stored under the letters' old meanings) is reviewed by choosing its
/// sub-goals: that clears the mark.
pub async fn revise_goal(actor: Actor<'_>, txn: &DatabaseTransaction, cmd: ReviseGoal) -> AppResult<goal::Model> {
    let (w, _, found) = goal_for_write(actor, txn, cmd.goal_id).await?;
    let mut v = Vec::new();
    if cmd.text.as_deref().is_some_and(|t| t.trim().is_empty()) {
        v.push(Violation::new("input.text", "a goal needs words"));
    }
    if cmd.sub_goals.as_ref().is_some_and(Vec::is_empty) {
        v.push(Violation::new("input.subGoals", "tie the goal to at least one sub-goal a–j"));
    }
    if cmd.text.is_none() && cmd.sub_goals.is_none() && cmd.core_task.is_none() {
        v.push(Violation::new("input", "say what changes: text, subGoals or coreTask"));
    }
    check(v)?;
    let mut m: goal::ActiveModel = found.into();
    if let Some(text) = cmd.text {
        m.text = Set(text.trim().into());
    }
    if let Some(sub_goals) = cmd.sub_goals {
        m.sub_goals = Set(list_to_json(&in_order(sub_goals)));
        m.needs_review = Set(false);
        m.review_note = Set(None);
    }
    if let Some(core_task) = cmd.core_task {
        m.core_task = Set(core_task);
    }
    let saved = m.update(txn).await?;
    w.log(AccessAction::Update, AREA).await?;
    Ok(saved)
}

fn in_order(mut sub_goals: Vec<SubGoal>) -> Vec<SubGoal> {
    sub_goals.sort_by_key(|s| s.as_str());
    sub_goals.dedup();
    sub_goals
}

/// Marks an action done; `done_on` is today when left out.
pub async fn record_action_done(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    action_id: Uuid,
    done_on: Option<NaiveDate>,
) -> AppResult<goal_action::Model> {
    let action = goal_action::Entity::find_by_id(action_id).one(txn).await?.ok_or(AppError::NotFound("action"))?;
    let (w, plan, _) = goal_for_write(actor, txn, action.goal_id).await.map_err(|e| match e {
        AppError::NotFound(_) => AppError::NotFound("action"),
        e => e,
    })?;
    let done_on = record_date(done_on, plan.drawn_up_on, "input.doneOn")?;
    let mut m: goal_action::ActiveModel = action.into();
    m.done_on = Set(Some(done_on));
    let saved = m.update(txn).await?;
    w.log(AccessAction::Update, AREA).await?;
    Ok(saved)
}

/// Progress on one goal at an evaluation.
#[derive(Debug, Clone)]
pub struct ProgressOnGoal {
    pub goal_id: Uuid,
    /// 0–10.
    pub score: Option<i32>,
    pub status: GoalStatus,
}

/// Evaluatie of the plan with parent and child.
#[derive(Debug, Clone)]
pub struct RecordEvaluation {
    pub plan_id: Uuid,
    /// Today when left out.
    pub held_on: Option<NaiveDate>,
    pub parent_took_part: bool,
    pub child_took_part: bool,
    pub notes: Option<String>,
    /// Progress on every goal of the plan.
    pub progress: Vec<ProgressOnGoal>,
}

/// Records an evaluation of the plan with progress on every goal and who took part.
pub async fn record_evaluation(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordEvaluation,
) -> AppResult<evaluation::Model> {
    let (w, plan) = plan_for_write(actor, txn, cmd.plan_id).await?;
    let held_on = record_date(cmd.held_on, plan.drawn_up_on, "input.heldOn")?;
    let goals = goal::Entity::find().filter(goal::Column::PlanId.eq(plan.id)).all(txn).await?;
    let mut v = Vec::new();
    let mut seen = HashSet::new();
    for (i, p) in cmd.progress.iter().enumerate() {
        let field = format!("input.progress[{i}]");
        if p.score.is_some_and(|s| !(0..=10).contains(&s)) {
            v.push(Violation::new(format!("{field}.score"), "progress is scored 0 to 10"));
        }
        if !goals.iter().any(|g| g.id == p.goal_id) {
            v.push(Violation::new(format!("{field}.goalId"), "not a goal of this plan"));
        } else if !seen.insert(p.goal_id) {
            v.push(Violation::new(format!("{field}.goalId"), "this goal is evaluated twice"));
        }
    }
    if let Some(missing) = goals.iter().find(|g| !seen.contains(&g.id)) {
        v.push(Violation::new("input.progress", format!("the goal \"{}\" of the plan is not evaluated", missing.text)));
    }
    check(v)?;
    let now = Utc::now();
    let saved = evaluation::ActiveModel::from(evaluation::Model {
        id: Uuid::now_v7(),
        plan_id: plan.id,
        held_on,
        parent_took_part: cmd.parent_took_part,
        child_took_part: cmd.child_took_part,
        notes: cmd.notes,
        recorded_by_worker_id: w.worker_id(),
        created_at: now,
    })
    .insert(txn)
    .await?;
    let progress: Vec<goal_progress::ActiveModel> = cmd
        .progress
        .into_iter()
        .map(|p| {
            goal_progress::Model {
                id: Uuid::now_v7(),
                evaluation_id: saved.id,
                goal_id: p.goal_id,
                score: p.score,
                status: p.status,
                created_at: now,
            }
            .into()
        })
        .collect();
    if !progress.is_empty() {
        goal_progress::Entity::insert_many(progress).exec_without_returning(txn).await?;
    }
    w.log(AccessAction::Update, AREA).await?;
    Ok(saved)
}

fn check_goal(g: &NewGoal, path: &str, v: &mut Vec<Violation>) {
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

async fn insert_goal(txn: &DatabaseTransaction, plan_id: Uuid, g: NewGoal) -> AppResult<goal::Model> {
    let now = Utc::now();
    let sub_goals = in_order(g.sub_goals);
    let saved = goal::ActiveModel::from(goal::Model {
        id: Uuid::now_v7(),
        plan_id,
        text: g.text.trim().into(),
        sub_goals: list_to_json(&sub_goals),
        core_task: g.core_task,
        needs_review: false,
        review_note: None,
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
                due_on: a.due_on,
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

/// A goal of a plan in the child's current trajectory, with a write opened on its child. The plan
/// lookup checks the organisation: another organisation's goal is not found.
async fn goal_for_write<'a>(
    actor: Actor<'a>,
    txn: &'a DatabaseTransaction,
    id: Uuid,
) -> AppResult<(RecordWrite<'a>, action_plan::Model, goal::Model)> {
    let goal = goal::Entity::find_by_id(id).one(txn).await?.ok_or(AppError::NotFound("goal"))?;
    let (w, plan) = plan_for_write(actor, txn, goal.plan_id).await.map_err(|e| match e {
        AppError::NotFound(_) => AppError::NotFound("goal"),
        e => e,
    })?;
    Ok((w, plan, goal))
}

/// A plan of the actor's organisation in the child's current trajectory, with a write opened on
/// its child.
async fn plan_for_write<'a>(
    actor: Actor<'a>,
    txn: &'a DatabaseTransaction,
    id: Uuid,
) -> AppResult<(RecordWrite<'a>, action_plan::Model)> {
    let plan = action_plan::Entity::find_by_id(id)
        .filter(action_plan::Column::OrganisationId.eq(actor.principal.organisation_id))
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("action plan"))?;
    let w = RecordWrite::begin(actor, txn, plan.child_id).await?;
    if plan.trajectory_id != w.trajectory.id {
        return Err(AppError::Conflict("this plan belongs to an earlier trajectory".into()));
    }
    Ok((w, plan))
}
