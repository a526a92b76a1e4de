//! Contacts (kindgesprek, oudergesprek, driegesprek, …): planned and held, with who took part,
//! the core tasks served, a short summary and agreements. The cadence is computed from them.

use super::{
    children::Child,
    context::{ContextExt, in_transaction},
    ids,
    method::{read_records, recorded_by},
    organisation::Worker,
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::contacts::{self, HeldDetails, RecordContact, RecordContactHeld},
    error::AppResult,
};
use async_graphql::{Context, ID, InputObject, Object};
use entities::{ContactKind, ContactTopic, CoreTask, contact, list_from_json};
use uuid::Uuid;

crate::child_records_loader!(
    /// The contacts about a child.
    ContactsOf,
    contact
);

/// Contact: a conversation or visit about the child, planned or held.
pub struct Contact(pub contact::Model);

super::ids::find_in_child_list!(Contact, contact, |r| r.0.id, |ctx, child, trajectory| contacts_of(
    ctx,
    child,
    trajectory.id,
    None,
    None
));

#[Object]
impl Contact {
    pub async fn id(&self) -> ID {
        ids::encode("Contact", self.0.id)
    }
    async fn kind(&self) -> ContactKind {
        self.0.kind
    }
    /// When it is planned, for a contact still to be held (gepland).
    async fn planned_on(&self) -> Option<Date> {
        self.0.planned_on.map(Date)
    }
    /// When it was held; empty while only planned.
    async fn held_on(&self) -> Option<Date> {
        self.0.held_on.map(Date)
    }
    /// Who took part (deelnemers).
    async fn participants(&self) -> Vec<String> {
        serde_json::from_value(self.0.participants.clone()).unwrap_or_default()
    }
    /// Kerntaken served.
    async fn core_tasks(&self) -> Vec<CoreTask> {
        list_from_json(&self.0.core_tasks)
    }
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// Afspraken.
    async fn agreements(&self) -> Option<&str> {
        self.0.agreements.as_deref()
    }
    /// How long it took, in minutes.
    async fn duration_minutes(&self) -> Option<i32> {
        self.0.duration_minutes
    }
    /// What it was about.
    async fn topics(&self) -> Vec<ContactTopic> {
        list_from_json(&self.0.topics)
    }
    /// For a kindgesprek: held with this child alone, apart from brothers and sisters.
    async fn individual(&self) -> Option<bool> {
        self.0.individual
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// The child's contacts in its current trajectory, newest first; only held or only planned
/// ones when `held` is given.
pub async fn contacts_of(
    ctx: &Context<'_>,
    child_id: Uuid,
    trajectory_id: Uuid,
    kind: Option<ContactKind>,
    held: Option<bool>,
) -> AppResult<Vec<Contact>> {
    read_records(ctx, child_id, "contacts")?;
    let all = ctx.loader().load_one(ContactsOf(child_id)).await?.unwrap_or_default();
    let mut list: Vec<Contact> = all
        .into_iter()
        .filter(|c| c.trajectory_id == trajectory_id)
        .filter(|c| kind.is_none_or(|k| c.kind == k))
        .filter(|c| held.is_none_or(|h| c.held_on.is_some() == h))
        .map(Contact)
        .collect();
    list.sort_by_key(|c| std::cmp::Reverse(c.0.held_on.or(c.0.planned_on)));
    Ok(list)
}

#[derive(InputObject)]
pub struct RecordContactInput {
    pub child_id: ID,
    pub kind: ContactKind,
    /// For a contact still to be held: the day it is planned (may lie in the future).
    pub planned_on: Option<Date>,
    /// When it was held; today when neither date is given.
    pub held_on: Option<Date>,
    #[graphql(default)]
    pub participants: Vec<String>,
    #[graphql(default)]
    pub core_tasks: Vec<CoreTask>,
    pub summary: Option<String>,
    pub agreements: Option<String>,
    /// How long it took (1–600), once held.
    pub duration_minutes: Option<i32>,
    /// What it was about.
    #[graphql(default)]
    pub topics: Vec<ContactTopic>,
    /// For a kindgesprek: held with this child alone, apart from brothers and sisters.
    pub individual: Option<bool>,
}

#[derive(InputObject)]
pub struct RecordContactHeldInput {
    /// A planned contact.
    pub contact_id: ID,
    /// Today when left out.
    pub held_on: Option<Date>,
    #[graphql(default)]
    pub participants: Vec<String>,
    #[graphql(default)]
    pub core_tasks: Vec<CoreTask>,
    pub summary: Option<String>,
    pub agreements: Option<String>,
    /// How long it took (1–600).
    pub duration_minutes: Option<i32>,
    /// What it was about.
    #[graphql(default)]
    pub topics: Vec<ContactTopic>,
    /// For a kindgesprek: held with this child alone, apart from brothers and sisters.
    pub individual: Option<bool>,
}

impl RecordContactInput {
    pub fn command(self, field: &str) -> AppResult<RecordContact> {
        Ok(RecordContact {
            child_id: ids::decode(&self.child_id, "Child", field)?,
            kind: self.kind,
            planned_on: self.planned_on.map(|d| d.0),
            held_on: self.held_on.map(|d| d.0),
            participants: self.participants,
            core_tasks: self.core_tasks,
            summary: self.summary,
            agreements: self.agreements,
            details: HeldDetails {
                duration_minutes: self.duration_minutes,
                topics: self.topics,
                individual: self.individual,
            },
        })
    }
}

payload! {
    /// The result of `recordContact`.
    RecordContactPayload { contact: Contact, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `recordContactHeld`.
    RecordContactHeldPayload { contact: Contact, child: Child = |r| r.0.child_id }
}

#[derive(Default)]
pub struct ContactMutation;

#[Object]
impl ContactMutation {
    /// Records a contact about the child: held (with a summary) or planned.
    async fn record_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordContactInput,
    ) -> AppResult<RecordContactPayload> {
        let command = input.command("input.childId")?;
        in_transaction(ctx, async |actor, txn| contacts::record_contact(actor, txn, command).await)
            .await
            .map(|r| RecordContactPayload::new(Contact(r)))
    }

    /// Records that a planned contact was held.
    async fn record_contact_held(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordContactHeldInput,
    ) -> AppResult<RecordContactHeldPayload> {
        let command = RecordContactHeld {
            contact_id: ids::decode(&input.contact_id, "Contact", "input.contactId")?,
            held_on: input.held_on.map(|d| d.0),
            participants: input.participants,
            core_tasks: input.core_tasks,
            summary: input.summary,
            agreements: input.agreements,
            details: HeldDetails {
                duration_minutes: input.duration_minutes,
                topics: input.topics,
                individual: input.individual,
            },
        };
        in_transaction(ctx, async |actor, txn| contacts::record_contact_held(actor, txn, command).await)
            .await
            .map(|r| RecordContactHeldPayload::new(Contact(r)))
    }
}
