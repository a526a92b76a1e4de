//! The cadence of the method in the API: per child what is due next, and a worker's `agenda`.

use super::batch::Load;
use super::{
    children::Child,
    consent::ConsentsOf,
    contacts::{Contact, ContactsOf},
    context::ContextExt,
    ids,
    loaders::{PersonId, TrajectoryOf},
    scalars::Date,
};
use crate::{
    cases::{
        caseload::{self, CadenceRecords, facts},
        partners::consent_record,
    },
    domain::{cadence, consent::support_agreed},
    error::{AppError, AppResult},
    policy,
};
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{NaiveDate, Utc};
use entities::{contact, person, trajectory};
use sea_orm::DbErr;
use std::{collections::HashMap, sync::Arc};
use uuid::Uuid;

/// The records the cadence of a trajectory depends on, by trajectory id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CadenceOf(pub Uuid);

impl Load<CadenceOf> for super::loaders::Loaders {
    type Value = CadenceRecords;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[CadenceOf]) -> Result<HashMap<CadenceOf, CadenceRecords>, Self::Error> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let mut found = caseload::cadence_records(&self.db, &ids).await?;
        Ok(keys.iter().map(|k| (*k, found.remove(&k.0).unwrap_or_default())).collect())
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Kind of a due item.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "cadence::DueKind")]
pub enum DueKind {
    /// Kindgesprek (every 2 weeks, from age 4).
    ChildTalk,
    /// A child under 4 seen with the parent: an observation or ouder-kindgesprek (every 2 weeks).
    SeenWithParent,
    /// Oudergesprek about the child (weekly).
    ParentTalk,
    /// Evaluatie van het plan van aanpak (every 6 weeks).
    Evaluation,
    /// Evaluatie van het veiligheidsplan, on the review date of the newest plan.
    SafetyPlanReview,
    /// End of phase 1 (6 weeks after admission).
    Phase1End,
}

/// Something due for a child (kindgesprek, observatie, oudergesprek, evaluatie, veiligheidsplan, einde fase 1).
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
        .map(|d| DueItem { kind: d.kind.into(), due_on: Date(d.due_on), overdue: d.overdue(today) })
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

/// Kind of an agenda item: the cadence's due items, contacts planned by hand, and a child
/// whose support still lacks the parents' consent.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum AgendaItemKind {
    /// Kindgesprek due.
    ChildTalk,
    /// A child under 4 to be seen with the parent (observatie).
    SeenWithParent,
    /// Oudergesprek due.
    ParentTalk,
    /// Evaluatie due.
    Evaluation,
    /// Evaluatie van het veiligheidsplan due.
    SafetyPlanReview,
    /// Einde fase 1.
    Phase1End,
    /// A contact planned by hand (e.g. a driegesprek).
    PlannedContact,
    /// No consent of the parents with a say to the child's own support is on record, and no
    /// override under the legal guideline (IB 150-154): due from admission.
    ChildSupportConsent,
}

impl From<DueKind> for AgendaItemKind {
    fn from(k: DueKind) -> Self {
        match k {
            DueKind::ChildTalk => Self::ChildTalk,
            DueKind::SeenWithParent => Self::SeenWithParent,
            DueKind::ParentTalk => Self::ParentTalk,
            DueKind::Evaluation => Self::Evaluation,
            DueKind::SafetyPlanReview => Self::SafetyPlanReview,
            DueKind::Phase1End => Self::Phase1End,
        }
    }
}

/// One line of a worker's agenda.
#[derive(Clone, PartialEq)]
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
    async fn agenda(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whose agenda: the viewer's own when left out; another worker's for a team lead.")] worker_id: Option<ID>,
        #[graphql(desc = "First day of what is due (default: today); overdue items come whatever it is.")] from: Option<
            Date,
        >,
        #[graphql(desc = "Last day of what is due.")] to: Date,
    ) -> AppResult<Vec<AgendaItem>> {
        Ok(agenda_of(ctx, worker_id.as_ref(), from, to).await?.items)
    }
}

/// A worker's agenda, and the children of their caseload it was made of.
pub struct Agenda {
    pub worker: Uuid,
    pub items: Vec<AgendaItem>,
    pub caseload: std::collections::HashSet<Uuid>,
}

/// The agenda of `worker_id` (the viewer's own when None), as `agenda` answers it.
pub async fn agenda_of(ctx: &Context<'_>, worker_id: Option<&ID>, from: Option<Date>, to: Date) -> AppResult<Agenda> {
    let p = ctx.principal()?;
    let worker = match worker_id {
        Some(id) => ids::decode(id, "Worker", "workerId")?,
        None => {
            p.worker_id.ok_or_else(|| AppError::invalid("workerId", "your token names no worker; give a workerId"))?
        }
    };
    let ground = policy::read_agenda(p, worker)?;
    let today = today();
    let from = from.map_or(today, |d| d.0);
    if to.0 < from {
        return Err(AppError::invalid("to", "the end lies before the start"));
    }
    let caseload = caseload::open_trajectories_of(ctx.db(), p.organisation_id, worker).await?;
    let loader = ctx.loader();
    let (persons, records, contacts, consents) = futures::future::try_join4(
        loader.load_many(caseload.iter().map(|t| PersonId(t.child_id))),
        loader.load_many(caseload.iter().map(|t| CadenceOf(t.id))),
        loader.load_many(caseload.iter().map(|t| ContactsOf(t.child_id))),
        loader.load_many(caseload.iter().map(|t| ConsentsOf(t.child_id))),
    )
    .await?;
    // Open trajectories only: each is its child's current one.
    loader.prime_many(caseload.iter().map(|t| (TrajectoryOf(t.child_id), t.clone())));
    let mut items = Vec::new();
    for t in &caseload {
        let Some(child) = persons.get(&PersonId(t.child_id)) else { continue };
        ctx.log_read(child.id, "agenda", &ground);
        let records = records.get(&CadenceOf(t.id)).cloned().unwrap_or_default();
        let planned = contacts.get(&ContactsOf(t.child_id)).map_or(&[][..], |c| c.as_slice());
        let consents: Vec<_> =
            consents.get(&ConsentsOf(t.child_id)).into_iter().flatten().map(consent_record).collect();
        let agreed = support_agreed(&consents, Utc::now());
        items.extend(child_items(t, child, records, planned, agreed, (from, to.0), today));
    }
    items.sort_by_key(|i| (i.due_on, i.child.family_name.clone(), i.child.given_name.clone()));
    Ok(Agenda { worker, items, caseload: caseload.iter().map(|t| t.child_id).collect() })
}

/// A child's agenda lines due in `window`, and everything overdue: the cadence, the planned
/// contacts, and — without the parents' consent to its support — that consent, due from admission.
fn child_items(
    t: &trajectory::Model,
    child: &person::Model,
    records: CadenceRecords,
    contacts: &[contact::Model],
    support_agreed: bool,
    (from, to): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Vec<AgendaItem> {
    let shown = |d: NaiveDate, overdue: bool| overdue || (from..=to).contains(&d);
    let line = |kind, due_on: NaiveDate, contact| AgendaItem {
        kind,
        due_on,
        overdue: due_on < today,
        child: child.clone(),
        contact,
    };
    let due = cadence::due_items(&facts(t, child.date_of_birth, records), today)
        .into_iter()
        .filter(|d| shown(d.due_on, d.overdue(today)))
        .map(|d| AgendaItem { overdue: d.overdue(today), ..line(DueKind::from(d.kind).into(), d.due_on, None) });
    let planned = contacts
        .iter()
        .filter(|c| c.trajectory_id == t.id && c.held_on.is_none())
        .filter_map(|c| Some((c, c.planned_on?)))
        .filter(|(_, on)| shown(*on, *on < today))
        .map(|(c, on)| line(AgendaItemKind::PlannedContact, on, Some(c.clone())));
    let consent = (!support_agreed && shown(t.admission_date, t.admission_date < today))
        .then(|| line(AgendaItemKind::ChildSupportConsent, t.admission_date, None));
    due.chain(planned).chain(consent).collect()
}
