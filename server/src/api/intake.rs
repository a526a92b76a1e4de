//! Kind in beeld, fase 1: the first contact (norm 1) and the child intake (kinderintake).

use super::{
    context::ContextExt,
    ids,
    method::{RecordWrite, check, decode_into, read_records, record_date, recorded_by},
    organisation::Worker,
    scalars::Date,
};
use crate::{
    domain::age::age_on,
    error::{AppError, AppResult, Violation},
};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::Utc;
use entities::{AccessAction, EducationKind, first_contact, intake, intake_participant};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
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
pub async fn first_contact_of(ctx: &Context<'_>, child_id: Uuid, trajectory_id: Uuid) -> AppResult<Option<FirstContact>> {
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

#[Object]
impl FirstContact {
    async fn id(&self) -> ID {
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
    async fn id(&self) -> ID {
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

#[derive(Default)]
pub struct IntakeMutation;

#[Object]
impl IntakeMutation {
    /// Records (or corrects) the child's first contact in the current trajectory.
    async fn record_first_contact(&self, ctx: &Context<'_>, input: RecordFirstContactInput) -> AppResult<FirstContact> {
        let w = RecordWrite::begin(ctx, &input.child_id, "input.childId").await?;
        let contact_on = record_date(input.contact_on, w.trajectory.admission_date, "input.contactOn")?;
        let existing = first_contact::Entity::find()
            .filter(first_contact::Column::TrajectoryId.eq(w.trajectory.id))
            .one(&w.txn)
            .await?;
        let now = Utc::now();
        let mut m = match &existing {
            Some(e) => first_contact::ActiveModel::from(e.clone()),
            None => first_contact::ActiveModel {
                id: Set(Uuid::now_v7()),
                organisation_id: Set(w.principal.organisation_id),
                child_id: Set(w.child_id),
                trajectory_id: Set(w.trajectory.id),
                created_at: Set(now),
                ..Default::default()
            },
        };
        m.recorded_by_worker_id = Set(w.worker_id());
        m.contact_on = Set(contact_on);
        m.warm_welcome = Set(input.warm_welcome);
        m.house_rules_explained = Set(input.house_rules_explained);
        m.complaints_procedure_explained = Set(input.complaints_procedure_explained);
        m.confidant_explained = Set(input.confidant_explained);
        m.risk_violence = Set(input.risk_violence);
        m.risk_trauma = Set(input.risk_trauma);
        m.risk_development = Set(input.risk_development);
        m.risk_notes = Set(input.risk_notes);
        m.network_mapped_with_parent = Set(input.network_mapped_with_parent);
        m.notes = Set(input.notes);
        m.updated_at = Set(now);
        let saved = if existing.is_some() { m.update(&w.txn).await? } else { m.insert(&w.txn).await? };
        let action = if existing.is_some() { AccessAction::Update } else { AccessAction::Create };
        w.commit(ctx, action, "first-contact").await?;
        Ok(FirstContact(saved))
    }

    /// Records (or corrects) the child's intake in the current trajectory, with who took part.
    async fn record_intake(&self, ctx: &Context<'_>, input: RecordIntakeInput) -> AppResult<Intake> {
        let w = RecordWrite::begin(ctx, &input.child_id, "input.childId").await?;
        let held_on = record_date(input.held_on, w.trajectory.admission_date, "input.heldOn")?;
        let mut v = Vec::new();
        let child = entities::person::Entity::find_by_id(w.child_id).one(&w.txn).await?.ok_or(AppError::NotFound("child"))?;
        if input.child_experience.is_some() && age_on(child.date_of_birth, held_on) < 4 {
            v.push(Violation::new("input.childExperience", "asked of children from 4"));
        }
        if input.education_kind == EducationKind::None && input.education_name.is_some() {
            v.push(Violation::new("input.educationName", "no school or day care was given as the kind"));
        }
        let mut participants = Vec::new();
        for (i, p) in input.participants.iter().enumerate() {
            if p.name.trim().is_empty() {
                v.push(Violation::new(format!("input.participants[{i}].name"), "a name is required"));
            }
            let worker = p.worker_id.as_ref().and_then(|id| decode_into(id, "Worker", &format!("input.participants[{i}].workerId"), &mut v));
            participants.push((p, worker));
        }
        check(v)?;
        for (i, (_, worker)) in participants.iter().enumerate() {
            if let Some(id) = worker {
                let found = entities::worker::Entity::find_by_id(*id)
                    .filter(entities::worker::Column::OrganisationId.eq(w.principal.organisation_id))
                    .one(&w.txn)
                    .await?;
                if found.is_none() {
                    return Err(AppError::invalid(format!("input.participants[{i}].workerId"), "not a worker of your organisation"));
                }
            }
        }

        let existing = intake::Entity::find().filter(intake::Column::TrajectoryId.eq(w.trajectory.id)).one(&w.txn).await?;
        let now = Utc::now();
        let mut m = match &existing {
            Some(e) => intake::ActiveModel::from(e.clone()),
            None => intake::ActiveModel {
                id: Set(Uuid::now_v7()),
                organisation_id: Set(w.principal.organisation_id),
                child_id: Set(w.child_id),
                trajectory_id: Set(w.trajectory.id),
                created_at: Set(now),
                ..Default::default()
            },
        };
        m.recorded_by_worker_id = Set(w.worker_id());
        m.held_on = Set(held_on);
        m.education_kind = Set(input.education_kind);
        m.education_name = Set(input.education_name);
        m.education_contact_name = Set(input.education_contact_name);
        m.education_contact_phone = Set(input.education_contact_phone);
        m.education_contact_email = Set(input.education_contact_email);
        m.clubs = Set(input.clubs);
        m.health = Set(input.health);
        m.existing_help = Set(input.existing_help);
        m.custody_situation = Set(input.custody_situation);
        m.child_experience = Set(input.child_experience);
        m.updated_at = Set(now);
        let saved = if existing.is_some() { m.update(&w.txn).await? } else { m.insert(&w.txn).await? };
        // The participants given replace those recorded before.
        intake_participant::Entity::delete_many()
            .filter(intake_participant::Column::IntakeId.eq(saved.id))
            .exec(&w.txn)
            .await?;
        let rows: Vec<intake_participant::ActiveModel> = participants
            .into_iter()
            .map(|(p, worker)| {
                intake_participant::Model {
                    id: Uuid::now_v7(),
                    intake_id: saved.id,
                    name: p.name.trim().to_string(),
                    organisation_name: p.organisation_name.clone(),
                    role: p.role.clone(),
                    worker_id: worker,
                    created_at: now,
                }
                .into()
            })
            .collect();
        if !rows.is_empty() {
            intake_participant::Entity::insert_many(rows).exec_without_returning(&w.txn).await?;
        }
        let action = if existing.is_some() { AccessAction::Update } else { AccessAction::Create };
        w.commit(ctx, action, "intake").await?;
        Ok(Intake(saved))
    }
}
