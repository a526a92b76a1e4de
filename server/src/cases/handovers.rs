//! Warm handover: building the package from the case within the consent given, and what a
//! youth team's answers change.

use super::{
    Actor,
    partners::{
        consent_records, consent_subject, input_partner, own_organisation, partner_in_org, permit_from, queue,
        system_principal,
    },
    records::{check, non_empty},
    trajectories,
};
use crate::{
    audit::{self, AccessEvent, RequestMeta},
    auth::Principal,
    domain::{consent::Permit, screening::Outcome},
    error::{AppError, AppResult, Violation},
    policy::{self, Ground},
};
use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    AccessAction, ConsentPurpose, ConsentScope, HandoverDirection, HandoverStatus, MembershipRole, MessageKind,
    PartnerAdapter, PartnerKind, ReferralStatus, action_plan, chain_partner, family, family_membership, goal,
    goal_progress, handover, involvement, network_member, organisation, person, referral, safety_plan, screening,
    trajectory, worker,
};
use integrations::{
    live::{self, Change, Subject},
    outbox,
    youth_team::{self, ChildPackage, Direction, HandoverPackage, Identity, Meeting, TeamMessage},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

pub const AREA: &str = "handover";

/// Parts beyond identity, each included only with consent.
const OPTIONAL_PARTS: [ConsentScope; 6] = [
    ConsentScope::Custody,
    ConsentScope::InvolvedProfessionals,
    ConsentScope::SafetyPlan,
    ConsentScope::Goals,
    ConsentScope::Screening,
    ConsentScope::Network,
];

/// Receivers that may use the BSN (they work under the Jeugdwet or the Wgbo).
fn may_use_bsn(kind: PartnerKind) -> bool {
    matches!(
        kind,
        PartnerKind::YouthTeam
            | PartnerKind::YouthCare
            | PartnerKind::Ggz
            | PartnerKind::VeiligThuis
            | PartnerKind::Health
    )
}

pub fn children_of(h: &handover::Model) -> Vec<Uuid> {
    serde_json::from_value(h.children.clone()).unwrap_or_default()
}

/// A part left out of the package, and why.
pub struct Omitted {
    pub child_id: Uuid,
    pub part: ConsentScope,
    pub reason: String,
}

pub struct Built {
    pub package: HandoverPackage,
    pub permits: Vec<Permit>,
    pub omitted: Vec<Omitted>,
    /// Persons other than the children whose names the package carries (custodians), with
    /// the ground they go on: each is logged as a read when previewed, an export when sent.
    pub others: Vec<(Uuid, String)>,
}

/// Builds the package as it would go out now, for `reader`. Identity needs consent for every
/// child (a FORBIDDEN names the first refusal); other parts are left out without it, and the
/// safety plan also when the reader may not read it (the rule of `Child.safetyPlan`: a package
/// is no way around it).
pub async fn build<C: ConnectionTrait>(
    db: &C,
    reader: &Principal,
    organisation: &organisation::Model,
    h: &handover::Model,
    partner: &chain_partner::Model,
    contact: Option<&worker::Model>,
    at: DateTime<Utc>,
) -> AppResult<Built> {
    let mut children = Vec::new();
    let mut permits = Vec::new();
    let mut others = Vec::new();
    let mut omitted = Vec::new();
    for child_id in children_of(h) {
        let (child, subject) = consent_subject(db, organisation.id, child_id).await?;
        let consents = consent_records(db, child_id).await?;
        let mut child_permit =
            permit_from(&consents, &subject, partner, ConsentPurpose::Handover, &[ConsentScope::Identity], at)
                .map_err(|e| AppError::Forbidden(format!("{} {}: {e}", child.given_name, child.family_name)))?;
        let mut package = ChildPackage {
            identity: Identity {
                given_name: child.given_name.clone(),
                family_name: child.family_name.clone(),
                date_of_birth: child.date_of_birth,
                bsn: child.bsn.clone().filter(|_| may_use_bsn(partner.kind)),
            },
            custody: None,
            involved_professionals: None,
            safety_plan: None,
            goals: None,
            screening: None,
            network: None,
        };
        for part in OPTIONAL_PARTS {
            if part == ConsentScope::SafetyPlan {
                let responsible = trajectories::current(db, organisation.id, child_id).await?.responsible_worker_id;
                if let Err(AppError::Forbidden(reason)) = policy::read_safety_plan(reader, responsible) {
                    omitted.push(Omitted { child_id, part, reason });
                    continue;
                }
            }
            match permit_from(&consents, &subject, partner, ConsentPurpose::Handover, &[part], at) {
                Ok(p) => {
                    let named = fill(db, &mut package, &child, &subject.custodians, part).await?;
                    others.extend(named.into_iter().map(|id| (id, p.label())));
                    child_permit.grounds.extend(p.grounds);
                }
                Err(AppError::Forbidden(reason)) => omitted.push(Omitted { child_id, part, reason }),
                Err(e) => return Err(e),
            }
        }
        children.push(package);
        permits.push(child_permit);
    }
    let package = HandoverPackage {
        schema_version: youth_team::SCHEMA_VERSION.into(),
        handover_id: h.id,
        direction: match h.direction {
            entities::HandoverDirection::Inflow => Direction::Inflow,
            entities::HandoverDirection::Throughflow => Direction::Throughflow,
            entities::HandoverDirection::Outflow => Direction::Outflow,
        },
        from_organisation: organisation.name.clone(),
        contact: youth_team::Person {
            name: contact.map_or_else(|| organisation.name.clone(), |w| w.name.clone()),
            phone: organisation.reference_index_contact_phone.clone(),
            email: contact.map(|w| w.email.clone()).filter(|e| !e.is_empty()),
        },
        reason: h.reason.clone(),
        question: h.question.clone(),
        meeting: Meeting {
            proposed_at: h.meeting_proposed_at,
            place: h.meeting_place.clone(),
            to_be_agreed: h.meeting_proposed_at.is_none(),
        },
        children,
        went_well: h.went_well.clone(),
        open_worries: h.open_worries.clone(),
        safety_monitoring: h.safety_monitoring.clone(),
    };
    Ok(Built { package, permits, omitted, others })
}

/// Puts one consented part of the child's record into the package; returns the other persons
/// it names.
async fn fill<C: ConnectionTrait>(
    db: &C,
    p: &mut ChildPackage,
    child: &person::Model,
    custodians: &[Uuid],
    part: ConsentScope,
) -> AppResult<Vec<Uuid>> {
    match part {
        ConsentScope::Custody => {
            let persons = person::Entity::find().filter(person::Column::Id.is_in(custodians.to_vec())).all(db).await?;
            p.custody = Some(persons.iter().map(|c| format!("{} {}", c.given_name, c.family_name)).collect());
            return Ok(persons.into_iter().map(|c| c.id).collect());
        }
        ConsentScope::InvolvedProfessionals => {
            let rows = involvement::Entity::find()
                .filter(involvement::Column::ChildId.eq(child.id))
                .filter(involvement::Column::Until.is_null())
                .all(db)
                .await?;
            let partners = chain_partner::Entity::find()
                .filter(chain_partner::Column::Id.is_in(rows.iter().filter_map(|r| r.partner_id)))
                .all(db)
                .await?;
            p.involved_professionals = Some(
                rows.into_iter()
                    .map(|r| youth_team::Professional {
                        organisation: r
                            .partner_id
                            .and_then(|id| partners.iter().find(|x| x.id == id))
                            .map(|x| x.name.clone()),
                        name: r.professional_name,
                        role: r.role,
                        phone: r.phone,
                        email: r.email,
                    })
                    .collect(),
            );
        }
        ConsentScope::SafetyPlan => {
            let plan = safety_plan::Entity::find()
                .filter(safety_plan::Column::ChildId.eq(child.id))
                .order_by_desc(safety_plan::Column::Version)
                .one(db)
                .await?;
            p.safety_plan = plan.map(|s| youth_team::SafetyPlan {
                version: s.version,
                child_language_text: s.child_language_text,
                review_on: s.review_on,
            });
        }
        ConsentScope::Goals => {
            let trajectory = trajectory::Entity::find()
                .filter(trajectory::Column::ChildId.eq(child.id))
                .order_by_desc(trajectory::Column::Id)
                .one(db)
                .await?;
            let plan = match trajectory {
                Some(t) => {
                    action_plan::Entity::find().filter(action_plan::Column::TrajectoryId.eq(t.id)).one(db).await?
                }
                None => None,
            };
            let mut goals = Vec::new();
            if let Some(plan) = plan {
                let rows = goal::Entity::find()
                    .filter(goal::Column::PlanId.eq(plan.id))
                    .order_by_asc(goal::Column::Id)
                    .all(db)
                    .await?;
                let progress = goal_progress::Entity::find()
                    .filter(goal_progress::Column::GoalId.is_in(rows.iter().map(|g| g.id)))
                    .order_by_desc(goal_progress::Column::Id)
                    .all(db)
                    .await?;
                for g in rows {
                    let latest = progress.iter().find(|pr| pr.goal_id == g.id);
                    goals.push(youth_team::Goal {
                        text: g.text,
                        core_task: g.core_task.as_str().into(),
                        status: latest.map(|l| l.status.as_str().into()),
                        score: latest.and_then(|l| l.score),
                    });
                }
            }
            p.goals = Some(goals);
        }
        ConsentScope::Screening => {
            let rows = screening::Entity::find()
                .filter(screening::Column::ChildId.eq(child.id))
                .order_by_asc(screening::Column::Id)
                .all(db)
                .await?;
            p.screening = Some(
                rows.into_iter()
                    .map(|s| {
                        let outcome: Option<Outcome> = s.result.parse().ok();
                        youth_team::ScreeningOutcome {
                            instrument: s.instrument,
                            informant: s.informant,
                            administered_on: s.administered_on,
                            band: outcome
                                .as_ref()
                                .and_then(|o| o.total.band)
                                .and_then(|b| serde_json::to_value(b).ok())
                                .and_then(|v| v.as_str().map(str::to_string)),
                            flag: outcome.and_then(|o| o.flag),
                        }
                    })
                    .collect(),
            );
        }
        ConsentScope::Network => {
            let rows = network_member::Entity::find()
                .filter(network_member::Column::ChildId.eq(child.id))
                .filter(network_member::Column::AgreedToBeNamed.eq(true))
                .order_by_asc(network_member::Column::Id)
                .all(db)
                .await?;
            p.network = Some(
                rows.into_iter()
                    .map(|m| youth_team::NetworkMember {
                        name: m.name,
                        relation: m.relation.as_str().into(),
                        role_for_child: m.role_for_child,
                    })
                    .collect(),
            );
        }
        ConsentScope::Identity | ConsentScope::Intake => {}
    }
    Ok(Vec::new())
}

/// Applies a youth team's message, in the inbox transaction.
pub async fn apply<C: ConnectionTrait>(
    db: &C,
    partner: &chain_partner::Model,
    message_id: &str,
    message: TeamMessage,
) -> AppResult<()> {
    let now = Utc::now();
    let (handover_id, next, decline_reason) = match message {
        TeamMessage::Referral { referral_id, .. } => {
            // The same referral sent again (under another message id) is kept once.
            let known = referral::Entity::find()
                .filter(referral::Column::PartnerId.eq(partner.id))
                .filter(referral::Column::ExternalId.eq(referral_id))
                .one(db)
                .await?;
            if known.is_some() {
                return Ok(());
            }
            let row = referral::Model {
                id: Uuid::now_v7(),
                organisation_id: partner.organisation_id,
                partner_id: partner.id,
                external_id: referral_id,
                payload: serde_json::to_string(&message).map_err(AppError::internal)?,
                status: ReferralStatus::Received,
                family_id: None,
                created_at: now,
                updated_at: now,
            };
            let (organisation_id, id) = (row.organisation_id, row.id);
            referral::Entity::insert(referral::ActiveModel::from(row)).exec_without_returning(db).await?;
            live::note(Change::new(organisation_id, Subject::Referral, id));
            return Ok(());
        }
        TeamMessage::Acknowledged { handover_id } => (handover_id, HandoverStatus::Acknowledged, None),
        TeamMessage::Accepted { handover_id } => (handover_id, HandoverStatus::Accepted, None),
        TeamMessage::Declined { handover_id, reason } => (handover_id, HandoverStatus::Declined, Some(reason)),
    };
    let h = handover_in_org(partner.organisation_id, handover_id)
        .filter(handover::Column::PartnerId.eq(partner.id))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("handoverId", "no such handover to this partner"))?;
    if let Some(m) = h.message_id {
        outbox::acknowledge(db, partner, m).await?;
    }
    let order = |s: HandoverStatus| match s {
        HandoverStatus::Draft => 0,
        HandoverStatus::Sent | HandoverStatus::Delivered => 1,
        HandoverStatus::Acknowledged => 2,
        HandoverStatus::Accepted | HandoverStatus::Declined => 3,
        HandoverStatus::MeetingHeld => 4,
        HandoverStatus::Completed => 5,
    };
    // Answers arrive in any order and may repeat; a handover never moves back.
    if order(next) <= order(h.status) || h.status == HandoverStatus::Draft {
        return Ok(());
    }
    let children = children_of(&h);
    let mut a: handover::ActiveModel = h.into();
    a.status = Set(next);
    a.decline_reason = Set(decline_reason);
    a.updated_at = Set(now);
    announce(&a.update(db).await?);
    let actor = system_principal(partner.organisation_id, &format!("partner:{}", partner.slug), Some(&partner.slug));
    let meta = RequestMeta { request_id: format!("inbox-{message_id}"), ..Default::default() };
    let events: Vec<AccessEvent> = children
        .into_iter()
        .map(|c| AccessEvent {
            person_id: Some(c),
            action: AccessAction::Update,
            area: AREA,
            ground: format!("partner-message:{message_id}").into(),
            organisation_id: None,
        })
        .collect();
    audit::append(db, &actor, &meta, &events).await
}

/// A drafted warm handover of one or more children of a family.
#[derive(Debug, Clone)]
pub struct DraftHandover {
    pub family_id: Uuid,
    /// The children handed over; all children of the family when `None`.
    pub child_ids: Option<Vec<Uuid>>,
    /// A partner with the YOUTH_TEAM adapter.
    pub partner_id: Uuid,
    pub direction: HandoverDirection,
    pub reason: String,
    /// What is asked of the receiver.
    pub question: String,
    pub meeting_proposed_at: Option<DateTime<Utc>>,
    pub meeting_place: Option<String>,
    pub went_well: Option<String>,
    pub open_worries: Option<String>,
    /// Agreements on monitoring safety after departure.
    pub safety_monitoring: Option<String>,
}

pub async fn draft_handover(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: DraftHandover,
) -> AppResult<handover::Model> {
    let p = actor.principal;
    let ground = policy::record_method(p)?;
    let mut v = Vec::new();
    for (text, field) in [(&cmd.reason, "input.reason"), (&cmd.question, "input.question")] {
        if text.trim().is_empty() {
            v.push(Violation::new(field, "required"));
        }
    }
    check(v)?;
    let family = family::Entity::find_by_id(cmd.family_id)
        .filter(family::Column::OrganisationId.eq(p.organisation_id))
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("family"))?;
    let partner = input_partner(txn, p.organisation_id, cmd.partner_id, "input.partnerId").await?;
    if partner.adapter != PartnerAdapter::YouthTeam {
        return Err(AppError::invalid("input.partnerId", "warm handovers go to a partner with the YOUTH_TEAM adapter"));
    }
    let family_children: Vec<Uuid> = family_membership::Entity::find()
        .filter(family_membership::Column::FamilyId.eq(family.id))
        .filter(family_membership::Column::Role.eq(MembershipRole::Child))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| m.person_id)
        .collect();
    let children = match cmd.child_ids {
        Some(w) if w.is_empty() => return Err(AppError::invalid("input.childIds", "name at least one child")),
        Some(w) => {
            if let Some(i) = w.iter().position(|c| !family_children.contains(c)) {
                return Err(AppError::invalid(format!("input.childIds[{i}]"), "not a child of this family"));
            }
            w
        }
        None => family_children,
    };
    let now = Utc::now();
    let saved = handover::ActiveModel::from(handover::Model {
        id: Uuid::now_v7(),
        organisation_id: p.organisation_id,
        partner_id: partner.id,
        family_id: family.id,
        children: serde_json::to_value(&children).map_err(AppError::internal)?,
        direction: cmd.direction,
        reason: cmd.reason.trim().into(),
        question: cmd.question.trim().into(),
        meeting_proposed_at: cmd.meeting_proposed_at,
        meeting_place: non_empty(cmd.meeting_place),
        went_well: cmd.went_well,
        open_worries: cmd.open_worries,
        safety_monitoring: cmd.safety_monitoring,
        status: HandoverStatus::Draft,
        decline_reason: None,
        message_id: None,
        meeting_held_on: None,
        meeting_notes: None,
        created_by_worker_id: p.worker_id,
        created_at: now,
        updated_at: now,
    })
    .insert(txn)
    .await?;
    announce(&saved);
    log_children(actor, txn, &children, AccessAction::Create, &ground).await?;
    Ok(saved)
}

/// The package exactly as it would be sent now, and whose records it read.
pub struct Preview {
    pub built: Built,
    pub children: Vec<Uuid>,
    pub ground: Ground,
}

pub async fn preview_handover<C: ConnectionTrait>(principal: &Principal, db: &C, id: Uuid) -> AppResult<Preview> {
    let ground = policy::read_cases(principal)?;
    let h = handover_in_org(principal.organisation_id, id).one(db).await?.ok_or(AppError::NotFound("handover"))?;
    let partner = partner_in_org(db, principal.organisation_id, h.partner_id).await?;
    let org = own_organisation(db, principal.organisation_id).await?;
    let contact = contact(db, h.created_by_worker_id).await?;
    let built = build(db, principal, &org, &h, &partner, contact.as_ref(), Utc::now()).await?;
    Ok(Preview { built, children: children_of(&h), ground })
}

/// Sends a drafted handover: the package (consented parts only) goes to the outbox.
pub async fn send_handover(actor: Actor<'_>, txn: &DatabaseTransaction, id: Uuid) -> AppResult<handover::Model> {
    let p = actor.principal;
    let ground = policy::record_method(p)?;
    let h = handover_for_update(txn, p.organisation_id, id).await?;
    if h.status != HandoverStatus::Draft {
        return Err(AppError::Conflict(format!("this handover was sent already ({})", h.status.as_str())));
    }
    let partner = partner_in_org(txn, p.organisation_id, h.partner_id).await?;
    if !partner.active {
        return Err(AppError::Conflict(format!("{} is not active", partner.name)));
    }
    let org = own_organisation(txn, p.organisation_id).await?;
    let contact = contact(txn, h.created_by_worker_id.or(p.worker_id)).await?;
    let built = build(txn, p, &org, &h, &partner, contact.as_ref(), Utc::now()).await?;
    let message =
        queue(txn, p, actor.meta, &built.permits, MessageKind::HandoverPackage, Some(h.id), &built.package).await?;
    let others: Vec<AccessEvent> = built
        .others
        .iter()
        .map(|(id, ground)| AccessEvent {
            person_id: Some(*id),
            action: AccessAction::Export,
            area: "identity",
            ground: ground.clone().into(),
            organisation_id: None,
        })
        .collect();
    audit::append(txn, p, actor.meta, &others).await?;
    let children = children_of(&h);
    let mut a: handover::ActiveModel = h.into();
    a.status = Set(HandoverStatus::Sent);
    a.message_id = Set(Some(message.id));
    a.updated_at = Set(Utc::now());
    let saved = a.update(txn).await?;
    announce(&saved);
    log_children(actor, txn, &children, AccessAction::Update, &ground).await?;
    Ok(saved)
}

/// Records the joint meeting (warme overdracht in person) after the receiver accepted.
pub async fn record_meeting(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    id: Uuid,
    held_on: NaiveDate,
    notes: Option<String>,
) -> AppResult<handover::Model> {
    policy::record_method(actor.principal)?;
    if held_on > Utc::now().date_naive() {
        return Err(AppError::invalid("input.heldOn", "this date lies in the future"));
    }
    advance(actor, txn, id, HandoverStatus::Accepted, HandoverStatus::MeetingHeld, |a| {
        a.meeting_held_on = Set(Some(held_on));
        a.meeting_notes = Set(notes);
    })
    .await
}

/// Closes a handover after the joint meeting.
pub async fn complete_handover(actor: Actor<'_>, txn: &DatabaseTransaction, id: Uuid) -> AppResult<handover::Model> {
    advance(actor, txn, id, HandoverStatus::MeetingHeld, HandoverStatus::Completed, |_| {}).await
}

/// Moves a handover one step on the worker's side (the partner's steps come through `apply`).
async fn advance(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    id: Uuid,
    from: HandoverStatus,
    to: HandoverStatus,
    change: impl FnOnce(&mut handover::ActiveModel),
) -> AppResult<handover::Model> {
    let p = actor.principal;
    let ground = policy::record_method(p)?;
    let h = handover_for_update(txn, p.organisation_id, id).await?;
    if h.status != from {
        return Err(AppError::Conflict(format!(
            "the handover is {}; this step needs {}",
            h.status.as_str(),
            from.as_str()
        )));
    }
    let children = children_of(&h);
    let mut a: handover::ActiveModel = h.into();
    a.status = Set(to);
    a.updated_at = Set(Utc::now());
    change(&mut a);
    let saved = a.update(txn).await?;
    announce(&saved);
    log_children(actor, txn, &children, AccessAction::Update, &ground).await?;
    Ok(saved)
}

/// Tells subscribers the handover changed (once the transaction commits).
fn announce(h: &handover::Model) {
    live::note(Change::new(h.organisation_id, Subject::Handover, h.id));
}

/// Logs a change of the handover in each child's record.
async fn log_children(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    children: &[Uuid],
    action: AccessAction,
    ground: &Ground,
) -> AppResult<()> {
    let events: Vec<AccessEvent> = children.iter().map(|c| AccessEvent::new(*c, action, AREA, ground)).collect();
    audit::append(txn, actor.principal, actor.meta, &events).await
}

fn handover_in_org(organisation_id: Uuid, id: Uuid) -> sea_orm::Select<handover::Entity> {
    handover::Entity::find_by_id(id).filter(handover::Column::OrganisationId.eq(organisation_id))
}

/// The handover, locked until the caller's transaction ends: simultaneous steps on one handover
/// (a double click on send, a partner's answer arriving meanwhile) run one after the other, each
/// seeing the status the one before left (issue 11, item 10).
async fn handover_for_update(txn: &DatabaseTransaction, organisation_id: Uuid, id: Uuid) -> AppResult<handover::Model> {
    handover_in_org(organisation_id, id).lock_exclusive().one(txn).await?.ok_or(AppError::NotFound("handover"))
}

/// The worker named as contact in the package.
async fn contact<C: ConnectionTrait>(db: &C, worker_id: Option<Uuid>) -> AppResult<Option<worker::Model>> {
    match worker_id {
        Some(id) => Ok(worker::Entity::find_by_id(id).one(db).await?),
        None => Ok(None),
    }
}

/// A referral (aanmelding) that no one has handled yet, locked until the caller's transaction
/// ends (two workers admitting one referral at once: one admission, the other a CONFLICT);
/// `missing` is the error when there is none.
async fn received_referral<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    id: Uuid,
    missing: AppError,
) -> AppResult<referral::Model> {
    let r = referral::Entity::find_by_id(id)
        .filter(referral::Column::OrganisationId.eq(organisation_id))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or(missing)?;
    if r.status != ReferralStatus::Received {
        return Err(AppError::Conflict("this referral was handled already".into()));
    }
    Ok(r)
}

/// Marks a partner's referral (aanmelding) as admitted into `family_id`.
pub async fn admit_referral<C: ConnectionTrait>(
    db: &C,
    organisation_id: Uuid,
    referral_id: Uuid,
    family_id: Uuid,
) -> AppResult<()> {
    let r =
        received_referral(db, organisation_id, referral_id, AppError::invalid("input.referralId", "no such referral"))
            .await?;
    let mut a: referral::ActiveModel = r.into();
    a.status = Set(ReferralStatus::Admitted);
    a.family_id = Set(Some(family_id));
    a.updated_at = Set(Utc::now());
    a.update(db).await?;
    Ok(())
}

/// Declines a referral (e.g. no place, or not our target group).
pub async fn decline_referral(actor: Actor<'_>, txn: &DatabaseTransaction, id: Uuid) -> AppResult<referral::Model> {
    let p = actor.principal;
    policy::edit_cases(p)?;
    let r = received_referral(txn, p.organisation_id, id, AppError::NotFound("referral")).await?;
    let mut a: referral::ActiveModel = r.into();
    a.status = Set(ReferralStatus::Declined);
    a.updated_at = Set(Utc::now());
    Ok(a.update(txn).await?)
}
