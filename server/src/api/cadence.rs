//! The cadence of the method in the API: per child what is due next, the `overdue` filter on
//! `children` (the same rules as `domain::cadence`, in SQL) and a worker's `agenda`.

use super::{
    children::Child,
    context::ContextExt,
    contacts::{Contact, ContactsOf},
    ids,
    loaders::{PersonId, TrajectoryOf},
    scalars::Date,
};
use crate::{
    domain::{
        age::born_on_or_before,
        cadence::{self, CHILD_TALK_EVERY_DAYS, CHILD_TALK_FROM_AGE, CadenceFacts, DueKind, EVALUATION_EVERY_DAYS, PARENT_TALK_EVERY_DAYS, PARENT_TALK_KINDS},
        phase::PHASE_1_MAX_DAYS,
    },
    error::{AppError, AppResult},
    policy,
};
use super::batch::Load;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{Days, NaiveDate, Utc};
use entities::{ContactKind, Phase, action_plan, contact, evaluation, person, trajectory};
use sea_orm::{
    ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, Query, SelectStatement},
};
use std::{collections::HashMap, sync::Arc};
use uuid::Uuid;

/// The records the cadence of a trajectory depends on, by trajectory id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CadenceOf(pub Uuid);

#[derive(Debug, Clone, Default)]
pub struct CadenceRecords {
    pub last_child_talk: Option<NaiveDate>,
    pub last_parent_talk: Option<NaiveDate>,
    pub plan_drawn_up_on: Option<NaiveDate>,
    pub last_evaluation: Option<NaiveDate>,
}

impl Load<CadenceOf> for super::loaders::Loaders {
    type Value = CadenceRecords;
    type Error = Arc<DbErr>;

    /// Three statements for any number of trajectories: the last held contact per kind, the
    /// plans, and the last evaluation per plan. Trajectory ids come from tenant-checked rows.
    async fn load(&self, keys: &[CadenceOf]) -> Result<HashMap<CadenceOf, CadenceRecords>, Self::Error> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let mut out: HashMap<CadenceOf, CadenceRecords> = keys.iter().map(|k| (*k, CadenceRecords::default())).collect();
        let talks: Vec<(Uuid, ContactKind, Option<NaiveDate>)> = contact::Entity::find()
            .select_only()
            .column(contact::Column::TrajectoryId)
            .column(contact::Column::Kind)
            .column_as(Expr::from(Func::max(Expr::col(contact::Column::HeldOn))), "last")
            .filter(contact::Column::TrajectoryId.is_in(ids.clone()))
            // By child too, so that the (child, kind, held_on) index serves the lookup.
            .filter(contact::Column::ChildId.in_subquery(
                Query::select().column(trajectory::Column::ChildId).from(trajectory::Entity).and_where(trajectory::Column::Id.is_in(ids.clone())).to_owned(),
            ))
            .filter(contact::Column::HeldOn.is_not_null())
            .group_by(contact::Column::TrajectoryId)
            .group_by(contact::Column::Kind)
            .into_tuple()
            .all(&self.db)
            .await?;
        for (t, kind, last) in talks {
            let r = out.entry(CadenceOf(t)).or_default();
            let slot = match kind {
                ContactKind::ChildTalk => &mut r.last_child_talk,
                k if PARENT_TALK_KINDS.contains(&k) => &mut r.last_parent_talk,
                _ => continue,
            };
            *slot = std::cmp::max(*slot, last);
        }
        let plans = action_plan::Entity::find()
            .filter(action_plan::Column::TrajectoryId.is_in(ids))
            .order_by_asc(action_plan::Column::Id)
            .all(&self.db)
            .await?;
        let mut plan_of = HashMap::new();
        for p in &plans {
            let r = out.entry(CadenceOf(p.trajectory_id)).or_default();
            r.plan_drawn_up_on = Some(r.plan_drawn_up_on.map_or(p.drawn_up_on, |d| std::cmp::min(d, p.drawn_up_on)));
            plan_of.insert(p.id, p.trajectory_id);
        }
        if !plan_of.is_empty() {
            let evaluations: Vec<(Uuid, Option<NaiveDate>)> = evaluation::Entity::find()
                .select_only()
                .column(evaluation::Column::PlanId)
                .column_as(Expr::from(Func::max(Expr::col(evaluation::Column::HeldOn))), "last")
                .filter(evaluation::Column::PlanId.is_in(plan_of.keys().copied()))
                .group_by(evaluation::Column::PlanId)
                .into_tuple()
                .all(&self.db)
                .await?;
            for (plan, last) in evaluations {
                let r = out.entry(CadenceOf(plan_of[&plan])).or_default();
                r.last_evaluation = std::cmp::max(r.last_evaluation, last);
            }
        }
        Ok(out)
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The facts for one child: its trajectory and date of birth with the loaded records.
pub fn facts(t: &trajectory::Model, date_of_birth: NaiveDate, r: CadenceRecords) -> CadenceFacts {
    CadenceFacts {
        phase: Some(t.phase),
        admission_date: t.admission_date,
        date_of_birth,
        last_child_talk: r.last_child_talk,
        last_parent_talk: r.last_parent_talk,
        plan_drawn_up_on: r.plan_drawn_up_on,
        last_evaluation: r.last_evaluation,
    }
}

/// Something due for a child (kindgesprek, oudergesprek, evaluatie, einde fase 1).
#[derive(SimpleObject, Clone)]
pub struct DueItem {
    pub kind: DueKind,
    pub due_on: Date,
    /// Due before today.
    pub overdue: bool,
}

/// Ritme: what the method asks next for this child, computed from the records.
#[derive(SimpleObject)]
pub struct Cadence {
    /// Next kindgesprek (every 2 weeks from age 4); empty under 4 and when closed.
    pub next_child_talk_due: Option<Date>,
    /// Next oudergesprek about this child (weekly).
    pub next_parent_talk_due: Option<Date>,
    /// Next evaluation of the action plan (6 weeks after the last, or after the plan).
    pub next_evaluation_due: Option<Date>,
    /// Anything overdue.
    pub overdue: bool,
    pub items: Vec<DueItem>,
}

/// The cadence of a child, as `Child.cadence` shows it.
pub async fn cadence_of(ctx: &Context<'_>, child: &person::Model) -> AppResult<Cadence> {
    let t = ctx.loader().load_one(TrajectoryOf(child.id)).await?.ok_or(AppError::NotFound("child"))?;
    let records = ctx.loader().load_one(CadenceOf(t.id)).await?.unwrap_or_default();
    let f = facts(&t, child.date_of_birth, records);
    let today = today();
    let items: Vec<DueItem> = cadence::due_items(&f, today)
        .into_iter()
        .map(|d| DueItem { kind: d.kind, due_on: Date(d.due_on), overdue: d.overdue(today) })
        .collect();
    let next = |k: DueKind| items.iter().find(|i| i.kind == k).map(|i| i.due_on);
    Ok(Cadence {
        next_child_talk_due: next(DueKind::ChildTalk),
        next_parent_talk_due: next(DueKind::ParentTalk),
        next_evaluation_due: next(DueKind::Evaluation),
        overdue: items.iter().any(|i| i.overdue),
        items,
    })
}

fn trajectory_col(c: trajectory::Column) -> Expr {
    Expr::col((trajectory::Entity, c))
}

/// The last held contact of the given kinds in the trajectory, as a correlated subquery.
fn last_contact(kinds: &[ContactKind]) -> SelectStatement {
    Query::select()
        .expr(Func::max(Expr::col((contact::Entity, contact::Column::HeldOn))))
        .from(contact::Entity)
        .and_where(Expr::col((contact::Entity, contact::Column::ChildId)).equals((trajectory::Entity, trajectory::Column::ChildId)))
        .and_where(Expr::col((contact::Entity, contact::Column::TrajectoryId)).equals((trajectory::Entity, trajectory::Column::Id)))
        .and_where(Expr::col((contact::Entity, contact::Column::Kind)).is_in(kinds.iter().map(|k| k.as_str())))
        .to_owned()
}

/// `overdue` of [`cadence::overdue`] as a condition on `trajectory` rows, so that the filter
/// pages in SQL. A test compares the two on the same data.
pub fn overdue_condition(today: NaiveDate) -> Condition {
    let before = |days: u64| today - Days::new(days);
    let since = |last: SelectStatement, otherwise: Expr| Expr::expr(Func::coalesce([Expr::from(last), otherwise]));
    let child_talk_late = Condition::all()
        .add(
            trajectory::Column::ChildId.in_subquery(
                Query::select()
                    .column(person::Column::Id)
                    .from(person::Entity)
                    .and_where(person::Column::DateOfBirth.lte(born_on_or_before(today, CHILD_TALK_FROM_AGE)))
                    .to_owned(),
            ),
        )
        .add(
            since(last_contact(&[ContactKind::ChildTalk]), trajectory_col(trajectory::Column::AdmissionDate))
                .lt(before(CHILD_TALK_EVERY_DAYS)),
        );
    let parent_talk_late =
        since(last_contact(&PARENT_TALK_KINDS), trajectory_col(trajectory::Column::AdmissionDate)).lt(before(PARENT_TALK_EVERY_DAYS));
    let plan_of_trajectory = |q: &mut SelectStatement| {
        q.and_where(Expr::col((action_plan::Entity, action_plan::Column::TrajectoryId)).equals((trajectory::Entity, trajectory::Column::Id)));
    };
    let mut first_plan = Query::select();
    first_plan.expr(Func::min(Expr::col((action_plan::Entity, action_plan::Column::DrawnUpOn)))).from(action_plan::Entity);
    plan_of_trajectory(&mut first_plan);
    let mut last_evaluation = Query::select();
    last_evaluation
        .expr(Func::max(Expr::col((evaluation::Entity, evaluation::Column::HeldOn))))
        .from(evaluation::Entity)
        .inner_join(
            action_plan::Entity,
            Expr::col((action_plan::Entity, action_plan::Column::Id)).equals((evaluation::Entity, evaluation::Column::PlanId)),
        );
    plan_of_trajectory(&mut last_evaluation);
    // Without a plan nothing is due; EXISTS keeps the condition false rather than NULL, so
    // that `overdue: false` (NOT …) finds those children too.
    let mut any_plan = Query::select();
    any_plan.expr(Expr::val(1)).from(action_plan::Entity);
    plan_of_trajectory(&mut any_plan);
    let evaluation_late = Condition::all()
        .add(Expr::exists(any_plan))
        .add(since(last_evaluation, Expr::from(first_plan)).lt(before(EVALUATION_EVERY_DAYS)));
    let phase1_late = Condition::all()
        .add(trajectory::Column::Phase.eq(Phase::Phase1))
        .add(trajectory::Column::AdmissionDate.lt(before(PHASE_1_MAX_DAYS as u64)));
    Condition::all().add(trajectory::Column::Phase.ne(Phase::Closed)).add(
        Condition::any().add(phase1_late).add(child_talk_late).add(parent_talk_late).add(evaluation_late),
    )
}

/// Kind of an agenda item: the cadence's due items, and contacts planned by hand.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum AgendaItemKind {
    /// Kindgesprek due.
    ChildTalk,
    /// Oudergesprek due.
    ParentTalk,
    /// Evaluatie due.
    Evaluation,
    /// Einde fase 1.
    Phase1End,
    /// A contact planned by hand (e.g. a driegesprek).
    PlannedContact,
}

impl From<DueKind> for AgendaItemKind {
    fn from(k: DueKind) -> Self {
        match k {
            DueKind::ChildTalk => Self::ChildTalk,
            DueKind::ParentTalk => Self::ParentTalk,
            DueKind::Evaluation => Self::Evaluation,
            DueKind::Phase1End => Self::Phase1End,
        }
    }
}

/// One line of a worker's agenda.
pub struct AgendaItem {
    kind: AgendaItemKind,
    due_on: NaiveDate,
    overdue: bool,
    child: person::Model,
    contact: Option<contact::Model>,
}

#[Object]
impl AgendaItem {
    async fn kind(&self) -> AgendaItemKind {
        self.kind
    }
    async fn due_on(&self) -> Date {
        Date(self.due_on)
    }
    /// Due before today and not done.
    async fn overdue(&self) -> bool {
        self.overdue
    }
    async fn child(&self) -> Child {
        Child(self.child.clone())
    }
    /// The planned contact, for PLANNED_CONTACT items.
    async fn contact(&self) -> Option<Contact> {
        self.contact.clone().map(Contact)
    }
}

#[derive(Default)]
pub struct AgendaQuery;

#[Object]
impl AgendaQuery {
    /// Agenda: the due and overdue items across a worker's caseload (the children they are
    /// responsible worker for): everything due from `from` to `to`, plus everything overdue.
    /// The viewer's own agenda when `workerId` is left out; another worker's for a team lead.
    async fn agenda(&self, ctx: &Context<'_>, worker_id: Option<ID>, from: Option<Date>, to: Date) -> AppResult<Vec<AgendaItem>> {
        let p = ctx.principal()?;
        let worker = match &worker_id {
            Some(id) => ids::decode(id, "Worker", "workerId")?,
            None => p.worker_id.ok_or_else(|| AppError::invalid("workerId", "your token names no worker; give a workerId"))?,
        };
        let ground = policy::read_agenda(p, worker)?;
        let today = today();
        let from = from.map_or(today, |d| d.0);
        if to.0 < from {
            return Err(AppError::invalid("to", "the end lies before the start"));
        }
        let caseload = trajectory::Entity::find()
            .filter(trajectory::Column::OrganisationId.eq(p.organisation_id))
            .filter(trajectory::Column::ResponsibleWorkerId.eq(worker))
            .filter(trajectory::Column::Phase.ne(Phase::Closed))
            .order_by_asc(trajectory::Column::Id)
            .all(ctx.db())
            .await?;
        let loader = ctx.loader();
        let (persons, records, contacts) = futures::future::try_join3(
            loader.load_many(caseload.iter().map(|t| PersonId(t.child_id))),
            loader.load_many(caseload.iter().map(|t| CadenceOf(t.id))),
            loader.load_many(caseload.iter().map(|t| ContactsOf(t.child_id))),
        )
        .await?;
        // Open trajectories only: each is its child's current one.
        loader.prime_many(caseload.iter().map(|t| (TrajectoryOf(t.child_id), t.clone())));
        let in_window = |d: NaiveDate, overdue: bool| overdue || (from..=to.0).contains(&d);
        let mut items = Vec::new();
        for t in &caseload {
            let Some(child) = persons.get(&PersonId(t.child_id)) else { continue };
            ctx.log_read(child.id, "agenda", &ground);
            let f = facts(t, child.date_of_birth, records.get(&CadenceOf(t.id)).cloned().unwrap_or_default());
            for d in cadence::due_items(&f, today) {
                if in_window(d.due_on, d.overdue(today)) {
                    items.push(AgendaItem { kind: d.kind.into(), due_on: d.due_on, overdue: d.overdue(today), child: child.clone(), contact: None });
                }
            }
            let planned = contacts.get(&ContactsOf(t.child_id)).into_iter().flatten();
            for c in planned.filter(|c| c.trajectory_id == t.id && c.held_on.is_none()) {
                let Some(on) = c.planned_on else { continue };
                if in_window(on, on < today) {
                    let item = AgendaItem { kind: AgendaItemKind::PlannedContact, due_on: on, overdue: on < today, child: child.clone(), contact: Some(c.clone()) };
                    items.push(item);
                }
            }
        }
        items.sort_by_key(|i| (i.due_on, i.child.family_name.clone(), i.child.given_name.clone()));
        Ok(items)
    }
}
