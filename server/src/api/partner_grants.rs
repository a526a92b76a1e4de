//! Partner grants: a neighbourhood team co-runs one child's intake. The responsible worker
//! grants it (consent of purpose CO_RUN_INTAKE needed, 14 days by default, revocable); the
//! team's workers — tokens whose `partner` claim names the partner — read the intake and the
//! family basics and add observations, and reach nothing else. Every use is logged with the
//! grant as ground.

use super::{
    context::ContextExt,
    ids,
    intake::Intake,
    method::{read_records, recorded_by},
    organisation::Worker,
    partners::ChainPartner,
    scalars::Date,
};
use crate::{
    audit::{self, AccessEvent},
    domain::age::age_on,
    error::{AppError, AppResult},
    cases::{
        grants::{self, CreateGrant, PARTS},
        partners::{consent_subject, permit},
    },
    policy::{self, Ground},
};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{
    AccessAction, ConsentPurpose, MembershipRole, chain_partner, family_membership, intake, intake_observation,
    partner_grant, person, trajectory,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use uuid::Uuid;


crate::child_records_loader!(
    /// The partner grants on a child.
    GrantsOf,
    partner_grant
);
crate::child_records_loader!(
    /// What partners added to a child's intake.
    ObservationsOf,
    intake_observation
);

/// A partner grant, as the shelter's workers see it.
pub struct PartnerGrant(partner_grant::Model);

#[Object]
impl PartnerGrant {
    async fn id(&self) -> ID {
        ids::encode("PartnerGrant", self.0.id)
    }
    async fn partner(&self, ctx: &Context<'_>) -> AppResult<ChainPartner> {
        ChainPartner::load(ctx, self.0.partner_id).await
    }
    async fn valid_until(&self) -> Date {
        Date(self.0.valid_until)
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    /// Neither revoked nor expired.
    async fn active(&self) -> bool {
        self.0.revoked_at.is_none() && Utc::now().date_naive() <= self.0.valid_until
    }
    /// The consent it rests on.
    async fn ground(&self) -> &str {
        &self.0.ground
    }
    async fn granted_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.granted_by_worker_id).await
    }
}

/// Waarneming: what a partner's worker added to the intake.
#[derive(SimpleObject)]
pub struct IntakeObservation {
    id: ID,
    author: String,
    observation: String,
    agreements: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<intake_observation::Model> for IntakeObservation {
    fn from(m: intake_observation::Model) -> Self {
        Self { id: ids::encode("IntakeObservation", m.id), author: m.author, observation: m.observation, agreements: m.agreements, created_at: m.created_at }
    }
}

async fn observations<C: sea_orm::ConnectionTrait>(db: &C, child_id: Uuid) -> AppResult<Vec<IntakeObservation>> {
    let rows = intake_observation::Entity::find()
        .filter(intake_observation::Column::ChildId.eq(child_id))
        .order_by_asc(intake_observation::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// For the shelter's workers: the child's grants and what partners added.
pub async fn grants_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Vec<PartnerGrant>> {
    read_records(ctx, child_id, "partner-grants")?;
    Ok(ctx.loader().load_one(GrantsOf(child_id)).await?.unwrap_or_default().into_iter().map(PartnerGrant).collect())
}

pub async fn observations_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Vec<IntakeObservation>> {
    read_records(ctx, child_id, "intake")?;
    Ok(ctx.loader().load_one(ObservationsOf(child_id)).await?.unwrap_or_default().into_iter().map(Into::into).collect())
}

/// A member of the child's family as a co-running partner sees them: name and role only.
#[derive(SimpleObject)]
pub struct FamilyBasics {
    given_name: String,
    family_name: String,
    role: MembershipRole,
}

/// What a partner user sees under a grant.
pub struct GrantedIntake {
    grant: partner_grant::Model,
    child: person::Model,
    trajectory: trajectory::Model,
}

#[Object]
impl GrantedIntake {
    async fn grant_id(&self) -> ID {
        ids::encode("PartnerGrant", self.grant.id)
    }
    async fn valid_until(&self) -> Date {
        Date(self.grant.valid_until)
    }
    async fn given_name(&self) -> &str {
        &self.child.given_name
    }
    async fn family_name(&self) -> &str {
        &self.child.family_name
    }
    async fn date_of_birth(&self) -> Date {
        Date(self.child.date_of_birth)
    }
    async fn age(&self) -> i32 {
        age_on(self.child.date_of_birth, Utc::now().date_naive())
    }
    /// The family: names and roles, nothing more.
    async fn family(&self, ctx: &Context<'_>) -> AppResult<Vec<FamilyBasics>> {
        let links = family_membership::Entity::find()
            .filter(family_membership::Column::FamilyId.eq(self.trajectory.family_id))
            .all(ctx.db())
            .await?;
        let persons = person::Entity::find().filter(person::Column::Id.is_in(links.iter().map(|l| l.person_id))).all(ctx.db()).await?;
        Ok(links
            .iter()
            .filter_map(|l| {
                let p = persons.iter().find(|p| p.id == l.person_id)?;
                Some(FamilyBasics { given_name: p.given_name.clone(), family_name: p.family_name.clone(), role: l.role })
            })
            .collect())
    }
    /// The intake as recorded so far (none yet when the conversation is still to come).
    async fn intake(&self, ctx: &Context<'_>) -> AppResult<Option<Intake>> {
        let found = intake::Entity::find().filter(intake::Column::TrajectoryId.eq(self.trajectory.id)).one(ctx.db()).await?;
        Ok(found.map(Intake::from))
    }
    async fn observations(&self, ctx: &Context<'_>) -> AppResult<Vec<IntakeObservation>> {
        observations(ctx.db(), self.child.id).await
    }
}

/// The grant a partner user names, checked for them; logs the use of `areas`.
async fn use_grant(ctx: &Context<'_>, id: &ID, field: &str, areas: &[&'static str], action: AccessAction) -> AppResult<(partner_grant::Model, Ground)> {
    let p = ctx.principal()?;
    let id = ids::decode(id, "PartnerGrant", field)?;
    let grant = partner_grant::Entity::find_by_id(id)
        .filter(partner_grant::Column::OrganisationId.eq(p.organisation_id))
        .one(ctx.db())
        .await?
        .ok_or(AppError::NotFound("grant"))?;
    let partner = chain_partner::Entity::find_by_id(grant.partner_id).one(ctx.db()).await?.ok_or(AppError::NotFound("grant"))?;
    let ground = policy::use_partner_grant(p, &grant, &partner.slug, Utc::now().date_naive())?;
    if !partner.active {
        return Err(AppError::Forbidden("the partner is no longer active".into()));
    }
    // The consent behind the grant must still hold (it may have been withdrawn).
    let (_, subject) = consent_subject(ctx.db(), p.organisation_id, grant.child_id).await?;
    permit(ctx.db(), &subject, &partner, ConsentPurpose::CoRunIntake, &PARTS, Utc::now()).await?;
    for area in areas {
        ctx.state().audit.record(AccessEvent::new(grant.child_id, action, area, &ground));
    }
    Ok((grant, ground))
}

#[derive(Default)]
pub struct PartnerGrantQuery;

#[Object]
impl PartnerGrantQuery {
    /// For a partner user: the intake their grant opens.
    async fn granted_intake(&self, ctx: &Context<'_>, grant_id: ID) -> AppResult<GrantedIntake> {
        let (grant, _) = use_grant(ctx, &grant_id, "grantId", &["identity", "family", "intake"], AccessAction::Read).await?;
        let child = person::Entity::find_by_id(grant.child_id).one(ctx.db()).await?.ok_or(AppError::NotFound("child"))?;
        let trajectory = trajectory::Entity::find()
            .filter(trajectory::Column::ChildId.eq(grant.child_id))
            .order_by_desc(trajectory::Column::Id)
            .one(ctx.db())
            .await?
            .ok_or(AppError::NotFound("child"))?;
        Ok(GrantedIntake { grant, child, trajectory })
    }
}

#[derive(InputObject)]
pub struct CreatePartnerGrantInput {
    pub child_id: ID,
    /// The partner whose workers co-run the intake.
    pub partner_id: ID,
    /// At most, and by default, 14 days from today.
    pub valid_until: Option<Date>,
}

#[derive(InputObject)]
pub struct AddIntakeObservationInput {
    pub grant_id: ID,
    pub observation: String,
    pub agreements: Option<String>,
}

#[derive(Default)]
pub struct PartnerGrantMutation;

#[Object]
impl PartnerGrantMutation {
    /// Lets a partner's workers co-run the child's intake (responsible worker or team lead);
    /// needs consent of purpose CO_RUN_INTAKE covering INTAKE and IDENTITY for that partner.
    async fn create_partner_grant(&self, ctx: &Context<'_>, input: CreatePartnerGrantInput) -> AppResult<PartnerGrant> {
        let command = CreateGrant {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            partner_id: ids::decode(&input.partner_id, "ChainPartner", "input.partnerId")?,
            valid_until: input.valid_until.map(|d| d.0),
        };
        let txn = ctx.db().begin().await?;
        let saved = grants::create_grant(ctx.actor()?, &txn, command).await?;
        txn.commit().await?;
        Ok(PartnerGrant(saved))
    }

    /// Ends a grant now.
    async fn revoke_partner_grant(&self, ctx: &Context<'_>, id: ID) -> AppResult<PartnerGrant> {
        let grant_id = ids::decode(&id, "PartnerGrant", "id")?;
        let txn = ctx.db().begin().await?;
        let saved = grants::revoke_grant(ctx.actor()?, &txn, grant_id).await?;
        txn.commit().await?;
        Ok(PartnerGrant(saved))
    }

    /// For a partner user: adds an observation (and agreements) to the granted intake.
    async fn add_intake_observation(&self, ctx: &Context<'_>, input: AddIntakeObservationInput) -> AppResult<IntakeObservation> {
        if input.observation.trim().is_empty() {
            return Err(AppError::invalid("input.observation", "write the observation"));
        }
        let (grant, ground) = use_grant(ctx, &input.grant_id, "input.grantId", &[], AccessAction::Create).await?;
        let p = ctx.principal()?;
        let txn = ctx.db().begin().await?;
        let saved = intake_observation::ActiveModel::from(intake_observation::Model {
            id: Uuid::now_v7(),
            organisation_id: grant.organisation_id,
            grant_id: grant.id,
            child_id: grant.child_id,
            author: p.subject.clone(),
            observation: input.observation.trim().into(),
            agreements: input.agreements.filter(|a| !a.trim().is_empty()),
            created_at: Utc::now(),
        })
        .insert(&txn)
        .await?;
        audit::append(&txn, p, &ctx.state().meta, &[AccessEvent::new(grant.child_id, AccessAction::Create, "intake", &ground)]).await?;
        txn.commit().await?;
        Ok(saved.into())
    }
}
