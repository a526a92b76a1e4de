//! Opaque global IDs (Relay `Node`): base64url of `Type:uuid`.

use super::{
    activities::ChildActivity,
    activities::LivingClimateCheck,
    activities::NonAccompanyingParent,
    activities::PsychoEducation,
    children::Child,
    consent::Consent,
    contacts::Contact,
    context::ContextExt,
    families::Family,
    handle_with_care::HandleWithCareNotice,
    handovers::{Handover, Referral},
    intake::FirstContact,
    intake::Intake,
    network::NetworkMember,
    norms::MunicipalityAccess,
    organisation::{Location, Organisation, Worker},
    partner_grants::IntakeObservation,
    partner_grants::PartnerGrant,
    partners::Involvement,
    partners::{ChainPartner, PartnerMessage},
    persons::Person,
    plans::ActionPlan,
    plans::Evaluation,
    plans::Goal,
    plans::GoalAction,
    reference_index::ReferenceIndexMatch,
    reference_index::ReferenceIndexSignal,
    safety::ReportingCodeTrack,
    safety::SafetyAssessment,
    safety::SafetyPlan,
    screening::Screening,
};
use crate::error::{AppError, AppResult};
use async_graphql::{Context, ID, Interface, Object};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

pub fn encode(kind: &str, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

fn split(id: &str) -> Option<(String, Uuid)> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(id).ok()?).ok()?;
    let (kind, uuid) = raw.split_once(':')?;
    Some((kind.to_string(), Uuid::parse_str(uuid).ok()?))
}

/// The UUID in a global id of `kind`, for callers outside GraphQL (the CLI, tests).
pub fn uuid_of(raw: &str, kind: &str) -> Option<Uuid> {
    decode(&ID(raw.to_string()), kind, "id").ok()
}

/// Decodes an ID that must be of `kind`; anything else is a BAD_USER_INPUT on `field`.
pub fn decode(id: &ID, kind: &str, field: &str) -> AppResult<Uuid> {
    decode_any(id, &[kind], field)
}

/// Decodes an id of any of `kinds` (e.g. a Child or a Person id for the same person).
pub fn decode_any(id: &ID, kinds: &[&str], field: &str) -> AppResult<Uuid> {
    match split(id) {
        Some((k, uuid)) if kinds.contains(&k.as_str()) => Ok(uuid),
        _ => Err(AppError::invalid(field, format!("not a {} id", kinds.join(" or ")))),
    }
}

/// Anything with a global ID.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global identifier."))]
pub enum Node {
    Organisation(Organisation),
    Location(Location),
    Worker(Worker),
    Family(Family),
    Person(Person),
    Child(Child),
    ChainPartner(ChainPartner),
    PartnerMessage(PartnerMessage),
    Handover(Handover),
    Referral(Referral),
    ActionPlan(ActionPlan),
    Goal(Goal),
    GoalAction(GoalAction),
    Evaluation(Evaluation),
    NonAccompanyingParent(NonAccompanyingParent),
    LivingClimateCheck(LivingClimateCheck),
    ChildActivity(ChildActivity),
    PsychoEducation(PsychoEducation),
    Consent(Consent),
    Contact(Contact),
    FirstContact(FirstContact),
    Intake(Intake),
    HandleWithCareNotice(HandleWithCareNotice),
    NetworkMember(NetworkMember),
    Involvement(Involvement),
    PartnerGrant(PartnerGrant),
    IntakeObservation(IntakeObservation),
    ReferenceIndexSignal(ReferenceIndexSignal),
    ReferenceIndexMatch(ReferenceIndexMatch),
    SafetyAssessment(SafetyAssessment),
    SafetyPlan(SafetyPlan),
    ReportingCodeTrack(ReportingCodeTrack),
    Screening(Screening),
    MunicipalityAccess(MunicipalityAccess),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any object by its global ID: null when there is none — objects of other
    /// organisations included, so that their existence does not leak (as Relay expects).
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The global id of any object (Relay `Node`).")] id: ID,
    ) -> AppResult<Option<Node>> {
        let (kind, uuid) = split(&id).ok_or_else(|| AppError::invalid("id", "not a valid id"))?;
        let _ = ctx.principal()?;
        found(find_node(ctx, &kind, uuid).await)
    }
}

async fn find_node(ctx: &Context<'_>, kind: &str, uuid: Uuid) -> AppResult<Node> {
    Ok(match kind {
        "Organisation" => Node::Organisation(Organisation::find(ctx, uuid).await?),
        "Location" => Node::Location(Location::find(ctx, uuid).await?),
        "Worker" => Node::Worker(Worker::find(ctx, uuid).await?),
        "Family" => Node::Family(Family::find(ctx, uuid).await?),
        "Person" => Node::Person(Person::find(ctx, uuid).await?),
        "Child" => Node::Child(Child::find(ctx, uuid).await?),
        "ChainPartner" => Node::ChainPartner(ChainPartner::find(ctx, uuid).await?),
        "PartnerMessage" => Node::PartnerMessage(PartnerMessage::find(ctx, uuid).await?),
        "Handover" => Node::Handover(Handover::find(ctx, uuid).await?),
        "Referral" => Node::Referral(Referral::find(ctx, uuid).await?),
        "ActionPlan" => Node::ActionPlan(ActionPlan::find(ctx, uuid).await?),
        "Goal" => Node::Goal(Goal::find(ctx, uuid).await?),
        "GoalAction" => Node::GoalAction(GoalAction::find(ctx, uuid).await?),
        "Evaluation" => Node::Evaluation(Evaluation::find(ctx, uuid).await?),
        "NonAccompanyingParent" => Node::NonAccompanyingParent(NonAccompanyingParent::find(ctx, uuid).await?),
        "LivingClimateCheck" => Node::LivingClimateCheck(LivingClimateCheck::find(ctx, uuid).await?),
        "ChildActivity" => Node::ChildActivity(ChildActivity::find(ctx, uuid).await?),
        "PsychoEducation" => Node::PsychoEducation(PsychoEducation::find(ctx, uuid).await?),
        "Consent" => Node::Consent(Consent::find(ctx, uuid).await?),
        "Contact" => Node::Contact(Contact::find(ctx, uuid).await?),
        "FirstContact" => Node::FirstContact(FirstContact::find(ctx, uuid).await?),
        "Intake" => Node::Intake(Intake::find(ctx, uuid).await?),
        "HandleWithCareNotice" => Node::HandleWithCareNotice(HandleWithCareNotice::find(ctx, uuid).await?),
        "NetworkMember" => Node::NetworkMember(NetworkMember::find(ctx, uuid).await?),
        "Involvement" => Node::Involvement(Involvement::find(ctx, uuid).await?),
        "PartnerGrant" => Node::PartnerGrant(PartnerGrant::find(ctx, uuid).await?),
        "IntakeObservation" => Node::IntakeObservation(IntakeObservation::find(ctx, uuid).await?),
        "ReferenceIndexSignal" => Node::ReferenceIndexSignal(ReferenceIndexSignal::find(ctx, uuid).await?),
        "ReferenceIndexMatch" => Node::ReferenceIndexMatch(ReferenceIndexMatch::find(ctx, uuid).await?),
        "SafetyAssessment" => Node::SafetyAssessment(SafetyAssessment::find(ctx, uuid).await?),
        "SafetyPlan" => Node::SafetyPlan(SafetyPlan::find(ctx, uuid).await?),
        "ReportingCodeTrack" => Node::ReportingCodeTrack(ReportingCodeTrack::find(ctx, uuid).await?),
        "Screening" => Node::Screening(Screening::find(ctx, uuid).await?),
        "MunicipalityAccess" => Node::MunicipalityAccess(MunicipalityAccess::find(ctx, uuid).await?),
        _ => return Err(AppError::invalid("id", "not a valid id")),
    })
}

/// A lookup by id whose miss is null rather than an error (Relay's `node` and the by-id
/// fields): NOT_FOUND becomes None; any other error stays.
pub fn found<T>(lookup: AppResult<T>) -> AppResult<Option<T>> {
    match lookup {
        Ok(value) => Ok(Some(value)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `find` for a record of a child by id: found only when the child's list of such records, as
/// `Child` shows it (`list`), holds it — so that list's policy, access log entries and scope (the
/// current trajectory) hold for the lookup too, and a Node is no way around them.
macro_rules! find_in_child_list {
    ($ty:ident, $entity:ident, $uuid:expr, |$ctx:ident, $child:ident, $trajectory:ident| $list:expr) => {
        impl $ty {
            #[allow(unused_variables)]
            pub async fn find($ctx: &async_graphql::Context<'_>, id: uuid::Uuid) -> $crate::error::AppResult<Self> {
                use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
                use $crate::api::context::ContextExt;
                let missing = || $crate::error::AppError::NotFound(stringify!($ty));
                let row = entities::$entity::Entity::find_by_id(id)
                    .filter(entities::$entity::Column::OrganisationId.eq($ctx.principal()?.organisation_id))
                    .one($ctx.db())
                    .await?
                    .ok_or_else(missing)?;
                let $child = row.child_id;
                let $trajectory =
                    $ctx.loader().load_one($crate::api::loaders::TrajectoryOf($child)).await?.ok_or_else(missing)?;
                let uuid_of: fn(&$ty) -> uuid::Uuid = $uuid;
                $list.await?.into_iter().find(|r| uuid_of(r) == id).ok_or_else(missing)
            }
        }
    };
}
pub(crate) use find_in_child_list;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_check_their_kind() {
        let u = Uuid::now_v7();
        let id = encode("Family", u);
        assert_eq!(decode(&id, "Family", "id").unwrap(), u);
        assert!(decode(&id, "Person", "id").is_err());
        assert!(decode(&ID("nonsense".into()), "Family", "id").is_err());
        assert!(!id.contains(&u.to_string()), "ids are opaque");
    }
}
