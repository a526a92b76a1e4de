//! Kind in beeld, fase 1: the first contact (norm 1) and the child intake (kinderintake).

use super::{
    children::Child,
    context::{ContextExt, in_transaction},
    ids,
    method::{check, decode_into, read_records, recorded_by},
    organisation::Worker,
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::intake::{NewParticipant, RecordFirstContact, RecordIntake, record_first_contact, record_intake},
    error::AppResult,
};
use async_graphql::{Context, ID, InputObject, Object};
use entities::{EducationKind, first_contact, intake, intake_participant};
use uuid::Uuid;

crate::child_records_loader!(
    /// The first contact of a child (one per trajectory; the newest trajectory's wins).
    FirstContactOf,
    first_contact
);
crate::child_records_loader!(
    /// The intake of a child.
    IntakeOf,
    intake
);
crate::parts_loader!(ParticipantsOf, intake_participant, IntakeId, intake_id);

/// The child's first contact in the current trajectory, if recorded.
pub async fn first_contact_of(
    ctx: &Context<'_>,
    child_id: Uuid,
    trajectory_id: Uuid,
) -> AppResult<Option<FirstContact>> {
    read_records(ctx, child_id, "first-contact")?;
    let all = ctx.loader().load_one(FirstContactOf(child_id)).await?.unwrap_or_default();
    Ok(all.into_iter().find(|r| r.trajectory_id == trajectory_id).map(FirstContact))
}

/// The child's intake in the current trajectory, if recorded.
pub async fn intake_of(ctx: &Context<'_>, child_id: Uuid, trajectory_id: Uuid) -> AppResult<Option<Intake>> {
    read_records(ctx, child_id, "intake")?;
    let all = ctx.loader().load_one(IntakeOf(child_id)).await?.unwrap_or_default();
    Ok(all.into_iter().find(|r| r.trajectory_id == trajectory_id).map(Intake))
}

/// Eerste contact (norm 1): a warm welcome, practical information, attention to risks and
/// the network mapped with the parent.
pub struct FirstContact(first_contact::Model);

super::ids::find_in_child_list!(FirstContact, first_contact, |r| r.0.id, |ctx, child, trajectory| first_contact_of(
    ctx,
    child,
    trajectory.id
));

#[Object]
impl FirstContact {
    pub async fn id(&self) -> ID {
        ids::encode("FirstContact", self.0.id)
    }
    async fn contact_on(&self) -> Date {
        Date(self.0.contact_on)
    }
    /// Warm welkom.
    async fn warm_welcome(&self) -> bool {
        self.0.warm_welcome
    }
    /// Huisregels uitgelegd.
    async fn house_rules_explained(&self) -> bool {
        self.0.house_rules_explained
    }
    /// Klachtenprocedure uitgelegd.
    async fn complaints_procedure_explained(&self) -> bool {
        self.0.complaints_procedure_explained
    }
    /// Vertrouwenspersoon uitgelegd.
    async fn confidant_explained(&self) -> bool {
        self.0.confidant_explained
    }
    /// Risico op geweld opgemerkt.
    async fn risk_violence(&self) -> bool {
        self.0.risk_violence
    }
    /// Signs of trauma noticed.
    async fn risk_trauma(&self) -> bool {
        self.0.risk_trauma
    }
    /// Developmental risks noticed (ontwikkeling).
    async fn risk_development(&self) -> bool {
        self.0.risk_development
    }
    async fn risk_notes(&self) -> Option<&str> {
        self.0.risk_notes.as_deref()
    }
    /// School, clubs and custody mapped with the parent.
    async fn network_mapped_with_parent(&self) -> bool {
        self.0.network_mapped_with_parent
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// Kinderintake.
pub struct Intake(intake::Model);

super::ids::find_in_child_list!(Intake, intake, |r| r.0.id, |ctx, child, trajectory| intake_of(
    ctx,
    child,
    trajectory.id
));

impl From<intake::Model> for Intake {
    fn from(m: intake::Model) -> Self {
        Self(m)
    }
}

/// Someone who took part in an intake (deelnemer), possibly from outside the organisation.
pub struct IntakeParticipant(intake_participant::Model);

#[Object]
impl IntakeParticipant {
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn organisation_name(&self) -> Option<&str> {
        self.0.organisation_name.as_deref()
    }
    async fn role(&self) -> &str {
        &self.0.role
    }
    async fn worker(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.worker_id).await
    }
}

#[Object]
impl Intake {
    pub async fn id(&self) -> ID {
        ids::encode("Intake", self.0.id)
    }
    async fn held_on(&self) -> Date {
        Date(self.0.held_on)
    }
    /// School or day care (kinderopvang).
    async fn education_kind(&self) -> EducationKind {
        self.0.education_kind
    }
    async fn education_name(&self) -> Option<&str> {
        self.0.education_name.as_deref()
    }
    /// The contact person at school or day care.
    async fn education_contact_name(&self) -> Option<&str> {
        self.0.education_contact_name.as_deref()
    }
    async fn education_contact_phone(&self) -> Option<&str> {
        self.0.education_contact_phone.as_deref()
    }
    async fn education_contact_email(&self) -> Option<&str> {
        self.0.education_contact_email.as_deref()
    }
    /// Verenigingen and activities.
    async fn clubs(&self) -> Option<&str> {
        self.0.clubs.as_deref()
    }
    /// Health, including the jeugdarts.
    async fn health(&self) -> Option<&str> {
        self.0.health.as_deref()
    }
    /// Help already involved (bestaande hulp).
    async fn existing_help(&self) -> Option<&str> {
        self.0.existing_help.as_deref()
    }
    /// Gezagssituatie as described at intake.
    async fn custody_situation(&self) -> Option<&str> {
        self.0.custody_situation.as_deref()
    }
    /// How the child experiences the situation (from age 4).
    async fn child_experience(&self) -> Option<&str> {
        self.0.child_experience.as_deref()
    }
    async fn participants(&self, ctx: &Context<'_>) -> AppResult<Vec<IntakeParticipant>> {
        let list = ctx.loader().load_one(ParticipantsOf(self.0.id)).await?.unwrap_or_default();
        Ok(list.into_iter().map(IntakeParticipant).collect())
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

#[derive(InputObject)]
pub struct RecordFirstContactInput {
    pub child_id: ID,
    /// Today when left out.
    pub contact_on: Option<Date>,
    pub warm_welcome: bool,
    pub house_rules_explained: bool,
    pub complaints_procedure_explained: bool,
    pub confidant_explained: bool,
    #[graphql(default)]
    pub risk_violence: bool,
    #[graphql(default)]
    pub risk_trauma: bool,
    #[graphql(default)]
    pub risk_development: bool,
    pub risk_notes: Option<String>,
    pub network_mapped_with_parent: bool,
    pub notes: Option<String>,
}

#[derive(InputObject)]
pub struct IntakeParticipantInput {
    pub name: String,
    /// For participants from outside the organisation, e.g. the wijkteam.
    pub organisation_name: Option<String>,
    /// Their role in the conversation, e.g. "moeder", "wijkteammedewerker".
    pub role: String,
    /// When the participant is a worker of this organisation.
    pub worker_id: Option<ID>,
}

#[derive(InputObject)]
pub struct RecordIntakeInput {
    pub child_id: ID,
    /// Today when left out.
    pub held_on: Option<Date>,
    pub education_kind: EducationKind,
    pub education_name: Option<String>,
    pub education_contact_name: Option<String>,
    pub education_contact_phone: Option<String>,
    pub education_contact_email: Option<String>,
    pub clubs: Option<String>,
    pub health: Option<String>,
    pub existing_help: Option<String>,
    pub custody_situation: Option<String>,
    /// Only for children of 4 and over.
    pub child_experience: Option<String>,
    #[graphql(default)]
    pub participants: Vec<IntakeParticipantInput>,
}

impl RecordIntakeInput {
    fn into_command(self) -> AppResult<RecordIntake> {
        let child_id = ids::decode(&self.child_id, "Child", "input.childId")?;
        let mut v = Vec::new();
        let participants = self
            .participants
            .into_iter()
            .enumerate()
            .map(|(i, p)| NewParticipant {
                worker_id: p
                    .worker_id
                    .and_then(|id| decode_into(&id, "Worker", &format!("input.participants[{i}].workerId"), &mut v)),
                name: p.name,
                organisation_name: p.organisation_name,
                role: p.role,
            })
            .collect();
        check(v)?;
        Ok(RecordIntake {
            child_id,
            held_on: self.held_on.map(|d| d.0),
            education_kind: self.education_kind,
            education_name: self.education_name,
            education_contact_name: self.education_contact_name,
            education_contact_phone: self.education_contact_phone,
            education_contact_email: self.education_contact_email,
            clubs: self.clubs,
            health: self.health,
            existing_help: self.existing_help,
            custody_situation: self.custody_situation,
            child_experience: self.child_experience,
            participants,
        })
    }
}

payload! {
    /// The result of `recordFirstContact`.
    RecordFirstContactPayload { first_contact: FirstContact, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `recordIntake`.
    RecordIntakePayload { intake: Intake, child: Child = |r| r.0.child_id }
}

#[derive(Default)]
pub struct IntakeMutation;

#[Object]
impl IntakeMutation {
    /// Records (or corrects) the child's first contact in the current trajectory.
    async fn record_first_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordFirstContactInput,
    ) -> AppResult<RecordFirstContactPayload> {
        let command = RecordFirstContact {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            contact_on: input.contact_on.map(|d| d.0),
            warm_welcome: input.warm_welcome,
            house_rules_explained: input.house_rules_explained,
            complaints_procedure_explained: input.complaints_procedure_explained,
            confidant_explained: input.confidant_explained,
            risk_violence: input.risk_violence,
            risk_trauma: input.risk_trauma,
            risk_development: input.risk_development,
            risk_notes: input.risk_notes,
            network_mapped_with_parent: input.network_mapped_with_parent,
            notes: input.notes,
        };
        in_transaction(ctx, async |actor, txn| record_first_contact(actor, txn, command).await)
            .await
            .map(|r| RecordFirstContactPayload::new(FirstContact(r)))
    }

    /// Records (or corrects) the child's intake in the current trajectory, with who took part.
    async fn record_intake(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordIntakeInput,
    ) -> AppResult<RecordIntakePayload> {
        let command = input.into_command()?;
        in_transaction(ctx, async |actor, txn| record_intake(actor, txn, command).await)
            .await
            .map(|r| RecordIntakePayload::new(Intake(r)))
    }
}
