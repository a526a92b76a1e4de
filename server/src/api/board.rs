//! The "kerntaken × fasen" board of a child, gathered from the record loaders (one batched
//! statement per kind of record, however many children are on the page).

use super::{
    cadence::{CadenceOf, facts as cadence_facts},
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
    domain::{
        age::age_on,
        board::{self, BoardItem, Facts},
        cadence,
    },
    error::{AppError, AppResult},
    policy,
};
use async_graphql::Context;
use chrono::Utc;
use entities::{ContactKind, MembershipRole, person};

pub async fn board_of(ctx: &Context<'_>, child: &person::Model) -> AppResult<Vec<BoardItem>> {
    let ground = policy::read_cases(ctx.principal()?)?;
    ctx.log_read(child.id, "board", &ground);
    let l = ctx.loader();
    let t = l.load_one(TrajectoryOf(child.id)).await?.ok_or(AppError::NotFound("child"))?;
    let key = child.id;
    let (first_contact, intake, screenings, assessments, safety_plans, plans, contacts, network, members, cadence) = futures::try_join!(
        l.load_one(FirstContactOf(key)),
        l.load_one(IntakeOf(key)),
        l.load_one(ScreeningsOf(key)),
        l.load_one(AssessmentsOf(key)),
        l.load_one(SafetyPlansOf(key)),
        l.load_one(PlansOf(key)),
        l.load_one(ContactsOf(key)),
        l.load_one(NetworkOf(key)),
        l.load_one(MembersOf(t.family_id)),
        l.load_one(CadenceOf(t.id)),
    )?;
    let cadence = cadence.unwrap_or_default();
    let current = t.id;
    let first_contact = first_contact.unwrap_or_default().into_iter().find(|r| r.trajectory_id == current);
    let plan = plans.unwrap_or_default().into_iter().find(|p| p.trajectory_id == current);
    let contacts: Vec<_> = contacts.unwrap_or_default().into_iter().filter(|c| c.trajectory_id == current && c.held_on.is_some()).collect();
    let held = |k: ContactKind| contacts.iter().filter(|c| c.kind == k).count();
    let on_cadence = !cadence::overdue(&cadence_facts(&t, child.date_of_birth, cadence.clone()), Utc::now().date_naive());
    let facts = Facts {
        age: age_on(child.date_of_birth, Utc::now().date_naive()),
        network_mapped_with_parent: first_contact.as_ref().is_some_and(|f| f.network_mapped_with_parent),
        first_contact: first_contact.is_some(),
        intake: intake.unwrap_or_default().iter().any(|r| r.trajectory_id == current),
        screenings: screenings.unwrap_or_default().iter().filter(|r| r.trajectory_id == current).count(),
        safety_assessments: assessments.unwrap_or_default().iter().filter(|r| r.trajectory_id == current).count(),
        safety_plan: safety_plans.unwrap_or_default().iter().any(|r| r.trajectory_id == current),
        action_plan: plan.is_some(),
        evaluated: cadence.last_evaluation.is_some(),
        child_talks: held(ContactKind::ChildTalk),
        parent_talks: held(ContactKind::ParentTalk),
        parent_child_talks: held(ContactKind::ParentChildTalk),
        non_accompanying_parent_contacts: held(ContactKind::NonAccompanyingParentContact),
        has_non_accompanying_parent: members.unwrap_or_default().iter().any(|(role, _)| *role == MembershipRole::NonAccompanyingParent),
        network_members: network.unwrap_or_default().len(),
        network_contacts: held(ContactKind::NetworkContact),
        three_way_talks: held(ContactKind::ThreeWayTalk),
        on_cadence,
        expected_departure_known: t.expected_departure_on.is_some(),
        aftercare_decided: t.aftercare_decision.is_some(),
    };
    Ok(board::board(&facts))
}
