//! The "kerntaken × fasen" board of a child, gathered from the record loaders (one batched
//! statement per kind of record, however many children are on the page).

use super::{
    cadence::CadenceOf,
    consent::ConsentsOf,
    contacts::ContactsOf,
    context::ContextExt,
    intake::{FirstContactOf, IntakeOf},
    loaders::{MembersOf, TrajectoryOf},
    network::NetworkOf,
    plans::PlansOf,
    safety::{AssessmentsOf, SafetyPlansOf},
    screening::ScreeningsOf,
};
use crate::{
    cases::{
        caseload::{CadenceRecords, facts as cadence_facts},
        partners::consent_record,
    },
    domain::{
        age::age_on,
        board::{self, Facts},
        cadence,
        consent::{ConsentRecord, support_agreed},
    },
    error::{AppError, AppResult},
    policy,
};
use async_graphql::{Context, SimpleObject};
use chrono::{NaiveDate, Utc};
use entities::{
    ContactKind, CoreTask, MembershipRole, Phase, SafetyJudgement, action_plan, contact, first_contact, intake, person, safety_assessment, safety_plan,
    screening, trajectory,
};

/// One activity of bijlage 1 on the kerntaken × fasen board.
#[derive(SimpleObject)]
pub struct BoardItem {
    /// Stable key of the activity, e.g. FIRST_CONTACT.
    pub key: &'static str,
    /// Kerntaak.
    pub core_task: CoreTask,
    /// Fase.
    pub phase: Phase,
    /// The activity as the method names it.
    pub description: &'static str,
    pub done: bool,
}

impl From<board::BoardItem> for BoardItem {
    fn from(i: board::BoardItem) -> Self {
        Self { key: i.key, core_task: i.core_task, phase: i.phase, description: i.description, done: i.done }
    }
}

/// The child's records, loaded for the board.
struct Records {
    trajectory: trajectory::Model,
    first_contact: Vec<first_contact::Model>,
    intake: Vec<intake::Model>,
    screenings: Vec<screening::Model>,
    assessments: Vec<safety_assessment::Model>,
    safety_plans: Vec<safety_plan::Model>,
    plans: Vec<action_plan::Model>,
    contacts: Vec<contact::Model>,
    network: usize,
    has_non_accompanying_parent: bool,
    cadence: CadenceRecords,
    consents: Vec<ConsentRecord>,
}

pub async fn board_of(ctx: &Context<'_>, child: &person::Model) -> AppResult<Vec<BoardItem>> {
    let ground = policy::read_cases(ctx.principal()?)?;
    ctx.log_read(child.id, "board", &ground);
    let l = ctx.loader();
    let trajectory = l.load_one(TrajectoryOf(child.id)).await?.ok_or(AppError::NotFound("child"))?;
    let key = child.id;
    let (first_contact, intake, screenings, assessments, safety_plans, plans, contacts, network, members, cadence, consents) = futures::try_join!(
        l.load_one(FirstContactOf(key)),
        l.load_one(IntakeOf(key)),
        l.load_one(ScreeningsOf(key)),
        l.load_one(AssessmentsOf(key)),
        l.load_one(SafetyPlansOf(key)),
        l.load_one(PlansOf(key)),
        l.load_one(ContactsOf(key)),
        l.load_one(NetworkOf(key)),
        l.load_one(MembersOf(trajectory.family_id)),
        l.load_one(CadenceOf(trajectory.id)),
        l.load_one(ConsentsOf(key)),
    )?;
    let records = Records {
        trajectory,
        first_contact: first_contact.unwrap_or_default(),
        intake: intake.unwrap_or_default(),
        screenings: screenings.unwrap_or_default(),
        assessments: assessments.unwrap_or_default(),
        safety_plans: safety_plans.unwrap_or_default(),
        plans: plans.unwrap_or_default(),
        contacts: contacts.unwrap_or_default(),
        network: network.map_or(0, |n| n.len()),
        has_non_accompanying_parent: members.unwrap_or_default().iter().any(|(role, _)| *role == MembershipRole::NonAccompanyingParent),
        cadence: cadence.unwrap_or_default(),
        consents: consents.unwrap_or_default().iter().map(consent_record).collect(),
    };
    Ok(board::board(&facts(child, records, Utc::now().date_naive())).into_iter().map(Into::into).collect())
}

/// What the board's rules look at, from the records of the child's current trajectory.
fn facts(child: &person::Model, r: Records, today: NaiveDate) -> Facts {
    let current = r.trajectory.id;
    let first_contact = r.first_contact.iter().find(|f| f.trajectory_id == current);
    let contacts: Vec<_> = r.contacts.iter().filter(|c| c.trajectory_id == current && c.held_on.is_some()).collect();
    let held = |k: ContactKind| contacts.iter().filter(|c| c.kind == k).count();
    let on_cadence = !cadence::overdue(&cadence_facts(&r.trajectory, child.date_of_birth, r.cadence.clone()), today);
    Facts {
        age: age_on(child.date_of_birth, today),
        network_mapped_with_parent: first_contact.is_some_and(|f| f.network_mapped_with_parent),
        first_contact: first_contact.is_some(),
        intake: r.intake.iter().any(|x| x.trajectory_id == current),
        screenings: r.screenings.iter().filter(|x| x.trajectory_id == current).count(),
        safety_assessments: r.assessments.iter().filter(|x| x.trajectory_id == current).count(),
        judged_safe: r
            .assessments
            .iter()
            .filter(|x| x.trajectory_id == current)
            .max_by_key(|x| (x.assessed_on, x.id))
            .is_some_and(|x| x.judgement == SafetyJudgement::Good),
        safety_plan: r.safety_plans.iter().any(|x| x.trajectory_id == current),
        action_plan: r.plans.iter().any(|x| x.trajectory_id == current),
        evaluated: r.cadence.last_evaluation.is_some(),
        child_talks: held(ContactKind::ChildTalk),
        parent_talks: held(ContactKind::ParentTalk),
        parent_child_talks: held(ContactKind::ParentChildTalk),
        non_accompanying_parent_contacts: held(ContactKind::NonAccompanyingParentContact),
        has_non_accompanying_parent: r.has_non_accompanying_parent,
        network_members: r.network,
        network_contacts: held(ContactKind::NetworkContact),
        three_way_talks: held(ContactKind::ThreeWayTalk),
        on_cadence,
        expected_departure_known: r.trajectory.expected_departure_on.is_some(),
        aftercare_decided: r.trajectory.aftercare_decision.is_some(),
        support_agreed: support_agreed(&r.consents, Utc::now()),
    }
}
