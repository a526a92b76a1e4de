//! Records of the method that had no place before: the non-accompanying parent looked into,
//! the living-climate checklist, activities for children, psycho-education, and the
//! aftercare decided in phase 3.

use super::{
    children::Child,
    context::ContextExt,
    context::in_transaction,
    ids,
    method::{check, decode_into, read_records, recorded_by},
    organisation::Worker,
    payload::payload,
    scalars::Date,
};
use crate::{
    cases::{
        self,
        activities::{
            DecideAftercare, LivingClimateCheck as Check, NonAccompanyingParentFindings, Participant, RecordActivity,
            RecordPsychoEducation,
        },
    },
    error::AppResult,
};
use async_graphql::{Context, ID, InputObject, Object};
use entities::{
    ActivityKind, AftercareDecision, LivingClimateItem, NonAccompanyingParentOutcome, ParentRisk, Phase,
    PsychoEducationAudience, PsychoEducationForm, child_activity, list_from_json, living_climate_check,
    non_accompanying_parent, psycho_education,
};
use sea_orm::Iterable;
use uuid::Uuid;

crate::child_records_loader!(
    /// What looking into a child's non-accompanying parent found.
    NonAccompanyingParentsOf,
    non_accompanying_parent
);
crate::child_records_loader!(
    /// The living-climate checks of a child.
    LivingClimateOf,
    living_climate_check
);
crate::child_records_loader!(
    /// The activities a child was invited to.
    ActivitiesOf,
    child_activity
);
crate::child_records_loader!(
    /// Psycho-education offered for a child.
    PsychoEducationOf,
    psycho_education
);
crate::child_records_loader!(
    /// Results of the board confirmed by a worker.
    BoardResultsOf,
    board_result
);

/// Niet-meegekomen ouder: what the investigation of the parent who did not come along found.
pub struct NonAccompanyingParent(non_accompanying_parent::Model);

super::ids::find_in_child_list!(
    NonAccompanyingParent,
    non_accompanying_parent,
    |r| r.0.id,
    |ctx, child, trajectory| non_accompanying_parents_of(ctx, child)
);

#[Object]
impl NonAccompanyingParent {
    pub async fn id(&self) -> ID {
        ids::encode("NonAccompanyingParent", self.0.id)
    }
    /// The parent as a member of the family (read the person through the family).
    async fn person_id(&self) -> Option<ID> {
        self.0.person_id.map(|id| ids::encode("Person", id))
    }
    /// The parent's name, when not a registered family member.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }
    async fn investigated_on(&self) -> Date {
        Date(self.0.investigated_on)
    }
    /// Gezag; empty when not known.
    async fn has_custody(&self) -> Option<bool> {
        self.0.has_custody
    }
    async fn risk(&self) -> ParentRisk {
        self.0.risk
    }
    /// How the parent is kept informed about the child.
    async fn informed_how(&self) -> Option<&str> {
        self.0.informed_how.as_deref()
    }
    /// How the parent is involved in the child's support.
    async fn involvement(&self) -> Option<&str> {
        self.0.involvement.as_deref()
    }
    /// Omgangsregeling.
    async fn contact_arrangement(&self) -> Option<&str> {
        self.0.contact_arrangement.as_deref()
    }
    async fn outcome(&self) -> NonAccompanyingParentOutcome {
        self.0.outcome
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// Leef- en opvoedklimaat: the checklist of one phase as found on one day.
pub struct LivingClimateCheck(living_climate_check::Model);

super::ids::find_in_child_list!(LivingClimateCheck, living_climate_check, |r| r.0.id, |ctx, child, trajectory| {
    living_climate_of(ctx, child)
});

#[Object]
impl LivingClimateCheck {
    pub async fn id(&self) -> ID {
        ids::encode("LivingClimateCheck", self.0.id)
    }
    async fn phase(&self) -> Phase {
        self.0.phase
    }
    async fn checked_on(&self) -> Date {
        Date(self.0.checked_on)
    }
    /// The items of the phase's checklist found in order.
    async fn met(&self) -> Vec<LivingClimateItem> {
        list_from_json(&self.0.met)
    }
    /// The items of the phase's checklist not (yet) in order.
    async fn not_met(&self) -> Vec<LivingClimateItem> {
        let met: Vec<LivingClimateItem> = list_from_json(&self.0.met);
        LivingClimateItem::iter().filter(|i| i.phase() == self.0.phase && !met.contains(i)).collect()
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// Activiteit: something organised for the child, and whether it took part.
pub struct ChildActivity(child_activity::Model);

super::ids::find_in_child_list!(ChildActivity, child_activity, |r| r.0.id, |ctx, child, trajectory| activities_of(
    ctx, child
));

#[Object]
impl ChildActivity {
    pub async fn id(&self) -> ID {
        ids::encode("ChildActivity", self.0.id)
    }
    async fn held_on(&self) -> Date {
        Date(self.0.held_on)
    }
    async fn kind(&self) -> ActivityKind {
        self.0.kind
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn took_part(&self) -> bool {
        self.0.child_took_part
    }
    async fn parent_took_part(&self) -> Option<bool> {
        self.0.parent_took_part
    }
    /// It goes on after the stay (continuity into the new situation, IB 2613).
    async fn continues_after_departure(&self) -> bool {
        self.0.continues_after_departure
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

/// Psycho-educatie offered to the child or a parent (norm 10).
pub struct PsychoEducation(psycho_education::Model);

super::ids::find_in_child_list!(PsychoEducation, psycho_education, |r| r.0.id, |ctx, child, trajectory| {
    psycho_education_of(ctx, child)
});

#[Object]
impl PsychoEducation {
    pub async fn id(&self) -> ID {
        ids::encode("PsychoEducation", self.0.id)
    }
    async fn offered_on(&self) -> Date {
        Date(self.0.offered_on)
    }
    async fn audience(&self) -> PsychoEducationAudience {
        self.0.audience
    }
    async fn form(&self) -> PsychoEducationForm {
        self.0.form
    }
    /// Given by another organisation.
    async fn external(&self) -> bool {
        self.0.external
    }
    async fn took_part(&self) -> bool {
        self.0.took_part
    }
    async fn topic(&self) -> Option<&str> {
        self.0.topic.as_deref()
    }
    async fn duration_minutes(&self) -> Option<i32> {
        self.0.duration_minutes
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        recorded_by(ctx, self.0.recorded_by_worker_id).await
    }
}

pub async fn non_accompanying_parents_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Vec<NonAccompanyingParent>> {
    let ground = read_records(ctx, child_id, "non_accompanying_parent")?;
    let found = ctx.loader().load_one(NonAccompanyingParentsOf(child_id)).await?.unwrap_or_default();
    // What was found about a registered parent is part of that parent's record too.
    for parent in found.iter().filter_map(|p| p.person_id) {
        ctx.log_read(parent, "non_accompanying_parent", &ground);
    }
    Ok(found.into_iter().map(NonAccompanyingParent).collect())
}

pub async fn living_climate_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Vec<LivingClimateCheck>> {
    read_records(ctx, child_id, "living_climate")?;
    Ok(ctx
        .loader()
        .load_one(LivingClimateOf(child_id))
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(LivingClimateCheck)
        .collect())
}

pub async fn activities_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Vec<ChildActivity>> {
    read_records(ctx, child_id, "activities")?;
    Ok(ctx
        .loader()
        .load_one(ActivitiesOf(child_id))
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(ChildActivity)
        .collect())
}

pub async fn psycho_education_of(ctx: &Context<'_>, child_id: Uuid) -> AppResult<Vec<PsychoEducation>> {
    read_records(ctx, child_id, "psycho_education")?;
    Ok(ctx
        .loader()
        .load_one(PsychoEducationOf(child_id))
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(PsychoEducation)
        .collect())
}

#[derive(InputObject)]
pub struct RecordNonAccompanyingParentInput {
    pub child_id: ID,
    /// The parent as a family member with role NON_ACCOMPANYING_PARENT; or give `name`.
    pub person_id: Option<ID>,
    pub name: Option<String>,
    /// Today when left out.
    pub investigated_on: Option<Date>,
    pub has_custody: Option<bool>,
    pub risk: ParentRisk,
    /// Required when the parent is kept informed or involved.
    pub informed_how: Option<String>,
    /// Required when the parent is involved.
    pub involvement: Option<String>,
    pub contact_arrangement: Option<String>,
    pub outcome: NonAccompanyingParentOutcome,
    pub notes: Option<String>,
}

#[derive(InputObject)]
pub struct RecordLivingClimateCheckInput {
    pub child_id: ID,
    /// Today when left out.
    pub checked_on: Option<Date>,
    /// The items of the current phase's checklist found in order.
    pub met: Vec<LivingClimateItem>,
    pub notes: Option<String>,
}

/// A child invited to an activity.
#[derive(InputObject)]
pub struct ActivityParticipantInput {
    pub child_id: ID,
    pub took_part: bool,
    pub parent_took_part: Option<bool>,
}

#[derive(InputObject)]
pub struct RecordActivityInput {
    pub kind: ActivityKind,
    pub description: String,
    /// Today when left out.
    pub held_on: Option<Date>,
    /// It goes on after the stay (e.g. a club near the new home).
    #[graphql(default)]
    pub continues_after_departure: bool,
    pub children: Vec<ActivityParticipantInput>,
}

#[derive(InputObject)]
pub struct RecordPsychoEducationInput {
    pub child_id: ID,
    pub audience: PsychoEducationAudience,
    pub form: PsychoEducationForm,
    /// Given by another organisation.
    #[graphql(default)]
    pub external: bool,
    pub took_part: bool,
    /// Today when left out.
    pub offered_on: Option<Date>,
    pub topic: Option<String>,
    pub duration_minutes: Option<i32>,
}

#[derive(InputObject)]
pub struct DecideAftercareInput {
    pub child_id: ID,
    pub decision: AftercareDecision,
    /// The outflow or throughflow handover of this child; required for WARM_HANDOVER.
    pub handover_id: Option<ID>,
    /// How the child's safety is monitored after departure.
    pub safety_monitoring: Option<String>,
    pub note: Option<String>,
}

payload! {
    /// The result of `recordNonAccompanyingParent`.
    RecordNonAccompanyingParentPayload { non_accompanying_parent: NonAccompanyingParent, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `recordLivingClimateCheck`.
    RecordLivingClimateCheckPayload { living_climate_check: LivingClimateCheck, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `recordPsychoEducation`.
    RecordPsychoEducationPayload { psycho_education: PsychoEducation, child: Child = |r| r.0.child_id }
}

payload! {
    /// The result of `decideAftercare`.
    DecideAftercarePayload { child: Child }
}

pub struct RecordActivityPayload(Vec<ChildActivity>);

/// The result of `recordActivity`: one record per child.
#[Object]
impl RecordActivityPayload {
    /// What the mutation wrote, one record per child, in the order of the input.
    async fn activities(&self) -> &[ChildActivity] {
        &self.0
    }
    /// The children whose activities the change touched, in the order of the input, read
    /// under their own rules: the list is null, with an error, when the viewer may not read one.
    async fn children(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<Option<Child>>>> {
        let children = self.0.iter().map(|a| async { ids::found(Child::find(ctx, a.0.child_id).await) });
        futures::future::try_join_all(children).await.map(Some)
    }
    /// The query root, to read again in the same round trip what the change touched.
    async fn query(&self) -> super::Query {
        super::Query::default()
    }
}

#[derive(Default)]
pub struct ActivityMutation;

#[Object]
impl ActivityMutation {
    /// Records what looking into the non-accompanying parent found (Ouders en opvoeding, fase
    /// 1; IB 2167): always done when a child came with one parent.
    async fn record_non_accompanying_parent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordNonAccompanyingParentInput,
    ) -> AppResult<RecordNonAccompanyingParentPayload> {
        let child_id = ids::decode(&input.child_id, "Child", "input.childId")?;
        let person_id = input.person_id.as_ref().map(|id| ids::decode(id, "Person", "input.personId")).transpose()?;
        let found = NonAccompanyingParentFindings {
            person_id,
            name: input.name,
            investigated_on: input.investigated_on.map(|d| d.0),
            has_custody: input.has_custody,
            risk: input.risk,
            informed_how: input.informed_how,
            involvement: input.involvement,
            contact_arrangement: input.contact_arrangement,
            outcome: input.outcome,
            notes: input.notes,
        };
        let saved = in_transaction(ctx, async |actor, txn| {
            cases::activities::record_non_accompanying_parent(actor, txn, child_id, found).await
        })
        .await?;
        Ok(RecordNonAccompanyingParentPayload::new(NonAccompanyingParent(saved)))
    }

    /// Records the living-climate checklist of the child's current phase (Positief leef- en
    /// opvoedklimaat): items of another phase's list are refused.
    async fn record_living_climate_check(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordLivingClimateCheckInput,
    ) -> AppResult<RecordLivingClimateCheckPayload> {
        let command = Check {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            checked_on: input.checked_on.map(|d| d.0),
            met: input.met,
            notes: input.notes,
        };
        let saved = in_transaction(ctx, async |actor, txn| {
            cases::activities::record_living_climate_check(actor, txn, command).await
        })
        .await?;
        Ok(RecordLivingClimateCheckPayload::new(LivingClimateCheck(saved)))
    }

    /// Records an activity for one or more children, each with whether it took part.
    async fn record_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordActivityInput,
    ) -> AppResult<RecordActivityPayload> {
        let mut v = Vec::new();
        let children: Vec<Participant> = input
            .children
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let child_id = decode_into(&c.child_id, "Child", &format!("input.children[{i}].childId"), &mut v)?;
                Some(Participant { child_id, took_part: c.took_part, parent_took_part: c.parent_took_part })
            })
            .collect();
        check(v)?;
        let command = RecordActivity {
            kind: input.kind,
            description: input.description,
            held_on: input.held_on.map(|d| d.0),
            continues_after_departure: input.continues_after_departure,
            children,
        };
        let saved =
            in_transaction(ctx, async |actor, txn| cases::activities::record_activity(actor, txn, command).await)
                .await?;
        Ok(RecordActivityPayload(saved.into_iter().map(ChildActivity).collect()))
    }

    /// Records psycho-education offered to the child or a parent (norm 10).
    async fn record_psycho_education(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: RecordPsychoEducationInput,
    ) -> AppResult<RecordPsychoEducationPayload> {
        let command = RecordPsychoEducation {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            audience: input.audience,
            form: input.form,
            external: input.external,
            took_part: input.took_part,
            offered_on: input.offered_on.map(|d| d.0),
            topic: input.topic,
            duration_minutes: input.duration_minutes,
        };
        let saved = in_transaction(ctx, async |actor, txn| {
            cases::activities::record_psycho_education(actor, txn, command).await
        })
        .await?;
        Ok(RecordPsychoEducationPayload::new(PsychoEducation(saved)))
    }

    /// Besluit over overdracht en nazorg in phase 3, before the family leaves: a warm handover
    /// names its handover. Closing then needs no decision of its own.
    async fn decide_aftercare(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: DecideAftercareInput,
    ) -> AppResult<DecideAftercarePayload> {
        let command = DecideAftercare {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            decision: input.decision,
            handover_id: input
                .handover_id
                .as_ref()
                .map(|id| ids::decode(id, "Handover", "input.handoverId"))
                .transpose()?,
            safety_monitoring: input.safety_monitoring,
            note: input.note,
        };
        let t = in_transaction(ctx, async |actor, txn| cases::activities::decide_aftercare(actor, txn, command).await)
            .await?;
        Child::changed(ctx, t).await.map(DecideAftercarePayload::new)
    }
}
