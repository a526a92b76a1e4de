//! Partner grants: a neighbourhood team co-runs one child's intake. The responsible worker
//! grants it (consent of purpose CO_RUN_INTAKE needed, 14 days by default, revocable); the
//! team's workers — tokens whose `partner` claim names the partner — read the intake and the
//! family basics and add observations, and reach nothing else. Every use is logged with the
//! grant as ground.

use super::{
    children::Child,
    context::{ContextExt, in_transaction},
    ids,
    intake::Intake,
    loaders::MembersOf,
    method::{read_records, recorded_by},
    organisation::Worker,
    partners::ChainPartner,
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::grants::{self, AddObservation, CreateGrant, READ_AREAS},
    domain::age::age_on,
    error::AppResult,
};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{MembershipRole, intake, intake_observation, partner_grant};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
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

super::ids::find_in_child_list!(PartnerGrant, partner_grant, |r| r.0.id, |ctx, child, trajectory| grants_of(
    ctx, child
));

#[Object]
impl PartnerGrant {
    pub async fn id(&self) -> ID {
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
    #[graphql(owned)]
    pub id: ID,
    author: String,
    observation: String,
    agreements: Option<String>,
    created_at: DateTime<Utc>,
    #[graphql(skip)]
    child_id: Uuid,
}

super::ids::find_in_child_list!(
    IntakeObservation,
    intake_observation,
    |r| ids::uuid_of(&r.id, "IntakeObservation").unwrap_or_default(),
    |ctx, child, trajectory| observations_of(ctx, child)
);

impl From<intake_observation::Model> for IntakeObservation {
    fn from(m: intake_observation::Model) -> Self {
        Self {
            id: ids::encode("IntakeObservation", m.id),
            author: m.author,
            observation: m.observation,
            agreements: m.agreements,
            created_at: m.created_at,
            child_id: m.child_id,
        }
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
pub struct GrantedIntake(grants::GrantedIntake);

#[Object]
impl GrantedIntake {
    async fn grant_id(&self) -> ID {
        ids::encode("PartnerGrant", self.0.grant.id)
    }
    async fn valid_until(&self) -> Date {
        Date(self.0.grant.valid_until)
    }
    async fn given_name(&self) -> &str {
        &self.0.child.given_name
    }
    async fn family_name(&self) -> &str {
        &self.0.child.family_name
    }
    async fn date_of_birth(&self) -> Date {
        Date(self.0.child.date_of_birth)
    }
    async fn age(&self) -> i32 {
        age_on(self.0.child.date_of_birth, Utc::now().date_naive())
    }
    /// The family: names and roles, nothing more. Each person shown is in the access log.
    async fn family(&self, ctx: &Context<'_>) -> AppResult<Vec<FamilyBasics>> {
        let members = ctx.loader().load_one(MembersOf(self.0.trajectory.family_id)).await?.unwrap_or_default();
        Ok(members
            .into_iter()
            .map(|(role, p)| {
                ctx.log_read(p.id, "identity", &self.0.ground);
                FamilyBasics { given_name: p.given_name, family_name: p.family_name, role }
            })
            .collect())
    }
    /// The intake as recorded so far (none yet when the conversation is still to come).
    async fn intake(&self, ctx: &Context<'_>) -> AppResult<Option<Intake>> {
        let found =
            intake::Entity::find().filter(intake::Column::TrajectoryId.eq(self.0.trajectory.id)).one(ctx.db()).await?;
        Ok(found.map(Intake::from))
    }
    async fn observations(&self, ctx: &Context<'_>) -> AppResult<Vec<IntakeObservation>> {
        observations(ctx.db(), self.0.child.id).await
    }
}

#[derive(Default)]
pub struct PartnerGrantQuery;

#[Object]
impl PartnerGrantQuery {
    /// For a partner user: the intake their grant opens.
    async fn granted_intake(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The grant under which the partner co-runs the intake.")] grant_id: ID,
    ) -> AppResult<GrantedIntake> {
        let grant_id = ids::decode(&grant_id, "PartnerGrant", "grantId")?;
        let opened = grants::granted_intake(ctx.principal()?, ctx.db(), grant_id).await?;
        for area in READ_AREAS {
            ctx.log_read(opened.grant.child_id, area, &opened.ground);
        }
        Ok(GrantedIntake(opened))
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

payload! {
    /// The result of `createPartnerGrant`.
    CreatePartnerGrantPayload { partner_grant: PartnerGrant, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `revokePartnerGrant`.
    RevokePartnerGrantPayload { partner_grant: PartnerGrant, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `addIntakeObservation`.
    AddIntakeObservationPayload { intake_observation: IntakeObservation, child: Child = |r| r.child_id }
}

#[derive(Default)]
pub struct PartnerGrantMutation;

#[Object]
impl PartnerGrantMutation {
    /// Lets a partner's workers co-run the child's intake (responsible worker or team lead);
    /// needs consent of purpose CO_RUN_INTAKE covering INTAKE and IDENTITY for that partner.
    async fn create_partner_grant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: CreatePartnerGrantInput,
    ) -> AppResult<CreatePartnerGrantPayload> {
        let command = CreateGrant {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            partner_id: ids::decode(&input.partner_id, "ChainPartner", "input.partnerId")?,
            valid_until: input.valid_until.map(|d| d.0),
        };
        in_transaction(ctx, async |actor, txn| grants::create_grant(actor, txn, command).await)
            .await
            .map(|r| CreatePartnerGrantPayload::new(PartnerGrant(r)))
    }

    /// Ends a grant now.
    async fn revoke_partner_grant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The grant to end.")] id: ID,
    ) -> AppResult<RevokePartnerGrantPayload> {
        let id = ids::decode(&id, "PartnerGrant", "id")?;
        in_transaction(ctx, async |actor, txn| grants::revoke_grant(actor, txn, id).await)
            .await
            .map(|r| RevokePartnerGrantPayload::new(PartnerGrant(r)))
    }

    /// For a partner user: adds an observation (and agreements) to the granted intake.
    async fn add_intake_observation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: AddIntakeObservationInput,
    ) -> AppResult<AddIntakeObservationPayload> {
        let command = AddObservation {
            grant_id: ids::decode(&input.grant_id, "PartnerGrant", "input.grantId")?,
            observation: input.observation,
            agreements: input.agreements,
        };
        in_transaction(ctx, async |actor, txn| grants::add_observation(actor, txn, command).await)
            .await
            .map(|r| AddIntakeObservationPayload::new(r.into()))
    }
}
