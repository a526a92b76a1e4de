//! Warm handover: building the package from the case within the consent given, and what a
//! youth team's answers change.

use super::partners::{consent_records, consent_subject, permit_from, system_principal};
use crate::{
    audit::{self, AccessEvent, RequestMeta},
    domain::{consent::Permit, screening::Outcome},
    error::{AppError, AppResult},
};
use chrono::{DateTime, Utc};
use entities::{
    AccessAction, ConsentPurpose, ConsentScope, HandoverStatus, PartnerKind, ReferralStatus, action_plan, chain_partner, goal,
    goal_progress, handover, involvement, network_member, organisation, person, referral, safety_plan, screening, trajectory, worker,
};
use integrations::{
    outbox,
    youth_team::{self, ChildPackage, Direction, HandoverPackage, Identity, Meeting, TeamMessage},
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
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
    matches!(kind, PartnerKind::YouthTeam | PartnerKind::YouthCare | PartnerKind::Ggz | PartnerKind::VeiligThuis | PartnerKind::Health)
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
}

/// Builds the package as it would go out now. Identity needs consent for every child (a
/// FORBIDDEN names the first refusal); other parts are left out without it.
pub async fn build<C: ConnectionTrait>(
    db: &C,
    organisation: &organisation::Model,
    h: &handover::Model,
    partner: &chain_partner::Model,
    contact: Option<&worker::Model>,
    at: DateTime<Utc>,
) -> AppResult<Built> {
    let mut children = Vec::new();
    let mut permits = Vec::new();
    let mut omitted = Vec::new();
    for child_id in children_of(h) {
        let (child, subject) = consent_subject(db, organisation.id, child_id).await?;
        let consents = consent_records(db, child_id).await?;
        let mut child_permit = permit_from(&consents, &subject, partner, ConsentPurpose::Handover, &[ConsentScope::Identity], at)
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
            match permit_from(&consents, &subject, partner, ConsentPurpose::Handover, &[part], at) {
                Ok(p) => {
                    child_permit.grounds.extend(p.grounds);
                    fill(db, &mut package, &child, &subject.custodians, part).await?;
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
        meeting: Meeting { proposed_at: h.meeting_proposed_at, place: h.meeting_place.clone(), to_be_agreed: h.meeting_proposed_at.is_none() },
        children,
        went_well: h.went_well.clone(),
        open_worries: h.open_worries.clone(),
        safety_monitoring: h.safety_monitoring.clone(),
    };
    Ok(Built { package, permits, omitted })
}

/// Puts one consented part of the child's record into the package.
async fn fill<C: ConnectionTrait>(db: &C, p: &mut ChildPackage, child: &person::Model, custodians: &[Uuid], part: ConsentScope) -> AppResult<()> {
    match part {
        ConsentScope::Custody => {
            let persons = person::Entity::find().filter(person::Column::Id.is_in(custodians.to_vec())).all(db).await?;
            p.custody = Some(persons.into_iter().map(|c| format!("{} {}", c.given_name, c.family_name)).collect());
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
                        organisation: r.partner_id.and_then(|id| partners.iter().find(|x| x.id == id)).map(|x| x.name.clone()),
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
            p.safety_plan = plan.map(|s| youth_team::SafetyPlan { version: s.version, child_language_text: s.child_language_text, review_on: s.review_on });
        }
        ConsentScope::Goals => {
            let trajectory = trajectory::Entity::find().filter(trajectory::Column::ChildId.eq(child.id)).order_by_desc(trajectory::Column::Id).one(db).await?;
            let plan = match trajectory {
                Some(t) => action_plan::Entity::find().filter(action_plan::Column::TrajectoryId.eq(t.id)).one(db).await?,
                None => None,
            };
            let mut goals = Vec::new();
            if let Some(plan) = plan {
                let rows = goal::Entity::find().filter(goal::Column::PlanId.eq(plan.id)).order_by_asc(goal::Column::Id).all(db).await?;
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
            let rows = screening::Entity::find().filter(screening::Column::ChildId.eq(child.id)).order_by_asc(screening::Column::Id).all(db).await?;
            p.screening = Some(
                rows.into_iter()
                    .map(|s| {
                        let outcome: Option<Outcome> = serde_json::from_value(s.result).ok();
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
                    .map(|m| youth_team::NetworkMember { name: m.name, relation: m.relation.as_str().into(), role_for_child: m.role_for_child })
                    .collect(),
            );
        }
        ConsentScope::Identity | ConsentScope::Intake => {}
    }
    Ok(())
}

/// Applies a youth team's message, in the inbox transaction.
pub async fn apply<C: ConnectionTrait>(db: &C, partner: &chain_partner::Model, message_id: &str, message: TeamMessage) -> AppResult<()> {
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
            referral::Entity::insert(referral::ActiveModel::from(row)).exec_without_returning(db).await?;
            return Ok(());
        }
        TeamMessage::Acknowledged { handover_id } => (handover_id, HandoverStatus::Acknowledged, None),
        TeamMessage::Accepted { handover_id } => (handover_id, HandoverStatus::Accepted, None),
        TeamMessage::Declined { handover_id, reason } => (handover_id, HandoverStatus::Declined, Some(reason)),
    };
    let h = handover::Entity::find_by_id(handover_id)
        .filter(handover::Column::OrganisationId.eq(partner.organisation_id))
        .filter(handover::Column::PartnerId.eq(partner.id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("handoverId", "no such handover to this partner"))?;
    if let Some(m) = h.message_id {
        outbox::acknowledge(db, partner.id, m).await?;
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
    a.update(db).await?;
    let actor = system_principal(partner.organisation_id, &format!("partner:{}", partner.slug), Some(&partner.slug));
    let meta = RequestMeta { request_id: format!("inbox-{message_id}"), ..Default::default() };
    let events: Vec<AccessEvent> = children
        .into_iter()
        .map(|c| AccessEvent { person_id: c, action: AccessAction::Update, area: AREA, ground: format!("partner-message:{message_id}") })
        .collect();
    audit::append(db, &actor, &meta, &events).await
}

/// Marks a partner's referral (aanmelding) as admitted into `family_id`.
pub async fn admit_referral<C: ConnectionTrait>(db: &C, organisation_id: Uuid, referral_id: Uuid, family_id: Uuid) -> AppResult<()> {
    let r = referral::Entity::find_by_id(referral_id)
        .filter(referral::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("input.referralId", "no such referral"))?;
    if r.status != ReferralStatus::Received {
        return Err(AppError::Conflict("this referral was handled already".into()));
    }
    let mut a: referral::ActiveModel = r.into();
    a.status = Set(ReferralStatus::Admitted);
    a.family_id = Set(Some(family_id));
    a.updated_at = Set(Utc::now());
    a.update(db).await?;
    Ok(())
}
