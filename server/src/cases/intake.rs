//! Kind in beeld, fase 1: the first contact (norm 1) and the child intake (kinderintake).

use super::{
    Actor,
    records::{RecordWrite, check, record_date},
};
use crate::{
    domain::age::age_on,
    error::{AppError, AppResult, Violation},
};
use chrono::{NaiveDate, Utc};
use entities::{AccessAction, EducationKind, first_contact, intake, intake_participant, person, worker};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Eerste contact (norm 1): a warm welcome, practical information, attention to risks and the
/// network mapped with the parent.
#[derive(Debug, Clone)]
pub struct RecordFirstContact {
    pub child_id: Uuid,
    /// Today when left out.
    pub contact_on: Option<NaiveDate>,
    pub warm_welcome: bool,
    pub house_rules_explained: bool,
    pub complaints_procedure_explained: bool,
    pub confidant_explained: bool,
    pub risk_violence: bool,
    pub risk_trauma: bool,
    pub risk_development: bool,
    pub risk_notes: Option<String>,
    pub network_mapped_with_parent: bool,
    pub notes: Option<String>,
}

/// Records (or corrects) the child's first contact in the current trajectory.
pub async fn record_first_contact(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: RecordFirstContact,
) -> AppResult<first_contact::Model> {
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let contact_on = record_date(cmd.contact_on, w.trajectory.admission_date, "input.contactOn")?;
    let existing =
        first_contact::Entity::find().filter(first_contact::Column::TrajectoryId.eq(w.trajectory.id)).one(txn).await?;
    let now = Utc::now();
    let mut m = match &existing {
        Some(e) => first_contact::ActiveModel::from(e.clone()),
        None => first_contact::ActiveModel {
            id: Set(Uuid::now_v7()),
            organisation_id: Set(w.organisation_id()),
            child_id: Set(w.child_id),
            trajectory_id: Set(w.trajectory.id),
            created_at: Set(now),
            ..Default::default()
        },
    };
    m.recorded_by_worker_id = Set(w.worker_id());
    m.contact_on = Set(contact_on);
    m.warm_welcome = Set(cmd.warm_welcome);
    m.house_rules_explained = Set(cmd.house_rules_explained);
    m.complaints_procedure_explained = Set(cmd.complaints_procedure_explained);
    m.confidant_explained = Set(cmd.confidant_explained);
    m.risk_violence = Set(cmd.risk_violence);
    m.risk_trauma = Set(cmd.risk_trauma);
    m.risk_development = Set(cmd.risk_development);
    m.risk_notes = Set(cmd.risk_notes);
    m.network_mapped_with_parent = Set(cmd.network_mapped_with_parent);
    m.notes = Set(cmd.notes);
    m.updated_at = Set(now);
    let (saved, action) = match existing {
        Some(_) => (m.update(txn).await?, AccessAction::Update),
        None => (m.insert(txn).await?, AccessAction::Create),
    };
    w.log(action, "first-contact").await?;
    Ok(saved)
}

/// Someone who took part in an intake (deelnemer), possibly from outside the organisation.
#[derive(Debug, Clone)]
pub struct NewParticipant {
    pub name: String,
    /// For participants from outside the organisation, e.g. the wijkteam.
    pub organisation_name: Option<String>,
    /// Their role in the conversation, e.g. "moeder", "wijkteammedewerker".
    pub role: String,
    /// When the participant is a worker of this organisation.
    pub worker_id: Option<Uuid>,
}

/// Kinderintake.
#[derive(Debug, Clone)]
pub struct RecordIntake {
    pub child_id: Uuid,
    /// Today when left out.
    pub held_on: Option<NaiveDate>,
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
    /// Replace those recorded before.
    pub participants: Vec<NewParticipant>,
}

/// Records (or corrects) the child's intake in the current trajectory, with who took part.
pub async fn record_intake(actor: Actor<'_>, txn: &DatabaseTransaction, cmd: RecordIntake) -> AppResult<intake::Model> {
    let w = RecordWrite::begin(actor, txn, cmd.child_id).await?;
    let held_on = record_date(cmd.held_on, w.trajectory.admission_date, "input.heldOn")?;
    let mut v = Vec::new();
    let child = person::Entity::find_by_id(w.child_id).one(txn).await?.ok_or(AppError::NotFound("child"))?;
    if cmd.child_experience.is_some() && age_on(child.date_of_birth, held_on) < 4 {
        v.push(Violation::new("input.childExperience", "asked of children from 4"));
    }
    if cmd.education_kind == EducationKind::None && cmd.education_name.is_some() {
        v.push(Violation::new("input.educationName", "no school or day care was given as the kind"));
    }
    for (i, p) in cmd.participants.iter().enumerate() {
        if p.name.trim().is_empty() {
            v.push(Violation::new(format!("input.participants[{i}].name"), "a name is required"));
        }
    }
    check(v)?;
    for (i, p) in cmd.participants.iter().enumerate() {
        if let Some(id) = p.worker_id {
            let found = worker::Entity::find_by_id(id)
                .filter(worker::Column::OrganisationId.eq(w.organisation_id()))
                .one(txn)
                .await?;
            if found.is_none() {
                return Err(AppError::invalid(
                    format!("input.participants[{i}].workerId"),
                    "not a worker of your organisation",
                ));
            }
        }
    }

    let existing = intake::Entity::find().filter(intake::Column::TrajectoryId.eq(w.trajectory.id)).one(txn).await?;
    let now = Utc::now();
    let mut m = match &existing {
        Some(e) => intake::ActiveModel::from(e.clone()),
        None => intake::ActiveModel {
            id: Set(Uuid::now_v7()),
            organisation_id: Set(w.organisation_id()),
            child_id: Set(w.child_id),
            trajectory_id: Set(w.trajectory.id),
            created_at: Set(now),
            ..Default::default()
        },
    };
    m.recorded_by_worker_id = Set(w.worker_id());
    m.held_on = Set(held_on);
    m.education_kind = Set(cmd.education_kind);
    m.education_name = Set(cmd.education_name);
    m.education_contact_name = Set(cmd.education_contact_name);
    m.education_contact_phone = Set(cmd.education_contact_phone);
    m.education_contact_email = Set(cmd.education_contact_email);
    m.clubs = Set(cmd.clubs);
    m.health = Set(cmd.health);
    m.existing_help = Set(cmd.existing_help);
    m.custody_situation = Set(cmd.custody_situation);
    m.child_experience = Set(cmd.child_experience);
    m.updated_at = Set(now);
    let (saved, action) = match existing {
        Some(_) => (m.update(txn).await?, AccessAction::Update),
        None => (m.insert(txn).await?, AccessAction::Create),
    };
    intake_participant::Entity::delete_many()
        .filter(intake_participant::Column::IntakeId.eq(saved.id))
        .exec(txn)
        .await?;
    let rows: Vec<intake_participant::ActiveModel> = cmd
        .participants
        .into_iter()
        .map(|p| {
            intake_participant::Model {
                id: Uuid::now_v7(),
                intake_id: saved.id,
                name: p.name.trim().to_string(),
                organisation_name: p.organisation_name,
                role: p.role,
                worker_id: p.worker_id,
                created_at: now,
            }
            .into()
        })
        .collect();
    if !rows.is_empty() {
        intake_participant::Entity::insert_many(rows).exec_without_returning(txn).await?;
    }
    w.log(action, "intake").await?;
    Ok(saved)
}
