//! Children as clients in their own right: each with a trajectory (begeleidingstraject),
//! a responsible worker, a phase and the flags derived from the method.

use super::{
    context::{ContextExt, in_transaction},
    families::Family,
    ids,
    loaders::{Along, CustodiansOf, PersonId, PhaseHistoryOf, TrajectoryOf, WorkerId},
    organisation::Worker,
    pagination::{self, Conn, TotalCount},
    payload::payload,
    persons::Person,
    scalars::Date,
};
use crate::{
    cases::{
        caseload::{self, CaseloadFilter},
        trajectories::{self, AdvancePhase, AssignResponsibleWorker},
    },
    domain::{
        age::{self, age_on},
        phase::{self, PHASE_1_MAX_DAYS},
    },
    error::{AppError, AppResult},
    policy,
};
use async_graphql::{Context, Enum, ID, InputObject, Object, SelectionField};
use chrono::{Days, NaiveDate, Utc};
use entities::{AftercareDecision, CareSetting, ContactKind, EndReason, Phase, person, phase_change, trajectory};
use uuid::Uuid;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Kind: a child as a client of the shelter.
pub struct Child(pub person::Model);

impl Child {
    pub async fn find(ctx: &Context<'_>, id: Uuid) -> AppResult<Self> {
        let ground = policy::read_cases(ctx.principal()?)?;
        let (person, trajectory) =
            futures::future::try_join(ctx.loader().load_one(PersonId(id)), ctx.loader().load_one(TrajectoryOf(id)))
                .await?;
        match (person, trajectory) {
            (Some(p), Some(_)) => {
                ctx.log_read(p.id, "identity", &ground);
                Ok(Self(p))
            }
            _ => Err(AppError::NotFound("child")),
        }
    }

    /// The child whose trajectory a mutation has just changed (and committed).
    pub async fn changed(ctx: &Context<'_>, t: trajectory::Model) -> AppResult<Self> {
        let child_id = t.child_id;
        ctx.loader().prime_many([(TrajectoryOf(child_id), t)]);
        Self::find(ctx, child_id).await
    }

    /// What a load of children brings along for the fields `selection` asks of each.
    pub fn along(selection: SelectionField<'_>) -> Along {
        along_for(selection.selection_set().map(|f| {
            let name = f.name();
            (name, name == "trajectory" && f.selection_set().any(|t| t.name() == "responsibleWorker"))
        }))
    }

    async fn trajectory_model(&self, ctx: &Context<'_>) -> AppResult<trajectory::Model> {
        ctx.loader()
            .load_one(TrajectoryOf(self.0.id))
            .await?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("child {} has no trajectory", self.0.id)))
    }
}

/// What a load of children brings along, from the names of the fields asked of each child (and
/// whether `trajectory` asks for its responsible worker). The trajectory comes along unless only
/// the child's identity is asked for: most fields of a child read it, and an unneeded join costs
/// less than a wave of its own. The worker comes along when the page shows it.
fn along_for<'a>(fields: impl Iterator<Item = (&'a str, bool)>) -> Along {
    let mut along = Along::Nothing;
    for (name, with_worker) in fields {
        match name {
            "__typename" | "id" | "person" | "age" | "ageBand" | "custodians" => {}
            _ if with_worker => return Along::TrajectoryAndWorker,
            _ => along = Along::Trajectory,
        }
    }
    along
}

#[Object]
impl Child {
    pub async fn id(&self) -> ID {
        ids::encode("Child", self.0.id)
    }
    /// The child's person record (identity).
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Person> {
        Ok(Person::read(ctx, self.0.clone(), &policy::read_cases(ctx.principal()?)?))
    }
    /// Age in completed years today.
    async fn age(&self) -> i32 {
        age_on(self.0.date_of_birth, today())
    }
    /// Leeftijdsgroep: 0–4, 4–12 or 12–18.
    async fn age_band(&self) -> Option<AgeBand> {
        age::AgeBand::for_age(age_on(self.0.date_of_birth, today())).map(Into::into)
    }
    /// Begeleidingstraject.
    async fn trajectory(&self, ctx: &Context<'_>) -> AppResult<Trajectory> {
        let ground = policy::read_cases(ctx.principal()?)?;
        ctx.log_read(self.0.id, "trajectory", &ground);
        Ok(Trajectory(self.trajectory_model(ctx).await?))
    }
    /// Fase 1 overschreden: phase 1 has lasted longer than six weeks.
    async fn phase1_overdue(&self, ctx: &Context<'_>) -> AppResult<bool> {
        let t = self.trajectory_model(ctx).await?;
        Ok(phase::phase_1_overdue(t.phase, t.admission_date, today()))
    }
    async fn family(&self, ctx: &Context<'_>) -> AppResult<Family> {
        let t = self.trajectory_model(ctx).await?;
        Family::find(ctx, t.family_id).await
    }
    /// Eerste contact (norm 1) in the current trajectory.
    async fn first_contact(&self, ctx: &Context<'_>) -> AppResult<Option<super::intake::FirstContact>> {
        let t = self.trajectory_model(ctx).await?;
        super::intake::first_contact_of(ctx, self.0.id, t.id).await
    }
    /// Kinderintake in the current trajectory.
    async fn intake(&self, ctx: &Context<'_>) -> AppResult<Option<super::intake::Intake>> {
        let t = self.trajectory_model(ctx).await?;
        super::intake::intake_of(ctx, self.0.id, t.id).await
    }
    /// Contacten in the current trajectory, newest first; of one kind, or only held or only
    /// planned ones, when asked.
    async fn contacts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only contacts of this kind.")] kind: Option<ContactKind>,
        #[graphql(desc = "true: only contacts that took place; false: only those still planned.")] held: Option<bool>,
    ) -> AppResult<Vec<super::contacts::Contact>> {
        let t = self.trajectory_model(ctx).await?;
        super::contacts::contacts_of(ctx, self.0.id, t.id, kind, held).await
    }
    /// Veiligheidstaxaties in the current trajectory, newest first.
    async fn safety_assessments(&self, ctx: &Context<'_>) -> AppResult<Vec<super::safety::SafetyAssessment>> {
        let t = self.trajectory_model(ctx).await?;
        let with_scores = ctx.look_ahead().field("scores").exists();
        super::safety::assessments_of(ctx, self.0.id, t.id, with_scores).await
    }
    /// Every answer on the safety scale in the current trajectory, oldest first (the trend).
    async fn safety_scale_trend(&self, ctx: &Context<'_>) -> AppResult<Vec<super::safety::SafetyScalePoint>> {
        let t = self.trajectory_model(ctx).await?;
        super::safety::scale_trend(ctx, self.0.id, t.id).await
    }
    /// Het huidige veiligheidsplan (the newest version). Only for the responsible worker, a
    /// team lead or the behavioural expert.
    async fn safety_plan(&self, ctx: &Context<'_>) -> AppResult<Option<super::safety::SafetyPlan>> {
        Ok(super::safety::safety_plans_of(ctx, self.0.id).await?.into_iter().next())
    }
    /// Every version of the safety plan, newest first; readable as `safetyPlan`.
    async fn safety_plan_versions(&self, ctx: &Context<'_>) -> AppResult<Vec<super::safety::SafetyPlan>> {
        super::safety::safety_plans_of(ctx, self.0.id).await
    }
    /// Meldcode-trajecten in the current trajectory, newest first.
    async fn reporting_code_tracks(&self, ctx: &Context<'_>) -> AppResult<Vec<super::safety::ReportingCodeTrack>> {
        let t = self.trajectory_model(ctx).await?;
        super::safety::tracks_of(ctx, self.0.id, t.id).await
    }
    /// Screenings (SDQ, CRIES-13) in the current trajectory, newest first.
    async fn screenings(&self, ctx: &Context<'_>) -> AppResult<Vec<super::screening::Screening>> {
        let t = self.trajectory_model(ctx).await?;
        super::screening::screenings_of(ctx, self.0.id, t.id).await
    }
    /// Plan van aanpak of the current trajectory.
    async fn action_plan(&self, ctx: &Context<'_>) -> AppResult<Option<super::plans::ActionPlan>> {
        let t = self.trajectory_model(ctx).await?;
        super::plans::plan_of(ctx, self.0.id, t.id).await
    }
    /// Netwerk: the people around the child.
    async fn network(&self, ctx: &Context<'_>) -> AppResult<Vec<super::network::NetworkMember>> {
        super::network::network_of(ctx, self.0.id).await
    }
    /// Betrokken partners and professionals.
    async fn involvements(&self, ctx: &Context<'_>) -> AppResult<Vec<super::partners::Involvement>> {
        super::partners::involvements_of(ctx, self.0.id).await
    }
    /// Toestemmingen: consent given, refused or overridden for sharing parts of the record.
    async fn consents(&self, ctx: &Context<'_>) -> AppResult<Vec<super::consent::Consent>> {
        super::consent::consents_of(ctx, self.0.id).await
    }
    /// Signalen in de Verwijsindex, with their matches.
    async fn reference_index_signals(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Vec<super::reference_index::ReferenceIndexSignal>> {
        super::reference_index::signals_of(ctx, self.0.id).await
    }
    /// Partner grants: which partners co-run the intake, until when.
    async fn partner_grants(&self, ctx: &Context<'_>) -> AppResult<Vec<super::partner_grants::PartnerGrant>> {
        super::partner_grants::grants_of(ctx, self.0.id).await
    }
    /// What partners added to the intake under a grant.
    async fn intake_observations(&self, ctx: &Context<'_>) -> AppResult<Vec<super::partner_grants::IntakeObservation>> {
        super::partner_grants::observations_of(ctx, self.0.id).await
    }
    /// The school the child attends, for Handle with Care.
    async fn school_enrolment(&self, ctx: &Context<'_>) -> AppResult<Option<super::handle_with_care::SchoolEnrolment>> {
        super::handle_with_care::enrolment_of(ctx, self.0.id).await
    }
    /// Handle with Care notices sent to the child's school.
    async fn handle_with_care_notices(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Vec<super::handle_with_care::HandleWithCareNotice>> {
        super::handle_with_care::notices_of(ctx, self.0.id).await
    }
    /// Onderzoek niet-meegekomen ouder: what looking into the parent who did not come along found.
    async fn non_accompanying_parents(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Vec<super::activities::NonAccompanyingParent>> {
        super::activities::non_accompanying_parents_of(ctx, self.0.id).await
    }
    /// Leef- en opvoedklimaat: the checklist per phase as found, newest last.
    async fn living_climate_checks(&self, ctx: &Context<'_>) -> AppResult<Vec<super::activities::LivingClimateCheck>> {
        super::activities::living_climate_of(ctx, self.0.id).await
    }
    /// Activiteiten the child was invited to, with participation.
    async fn activities(&self, ctx: &Context<'_>) -> AppResult<Vec<super::activities::ChildActivity>> {
        super::activities::activities_of(ctx, self.0.id).await
    }
    /// Psycho-educatie offered to the child or its parents.
    async fn psycho_education(&self, ctx: &Context<'_>) -> AppResult<Vec<super::activities::PsychoEducation>> {
        super::activities::psycho_education_of(ctx, self.0.id).await
    }
    /// Kerntaken × fasen (bijlage 1): the 56 activities and 46 results of the method in their
    /// core task and phase, each DONE, DUE, OVERDUE, LATER or NOT_APPLICABLE with the reason.
    async fn board(&self, ctx: &Context<'_>) -> AppResult<Vec<super::board::BoardItem>> {
        super::board::board_of(ctx, &self.0).await
    }
    /// Ritme: what is due next for this child and whether anything is overdue.
    async fn cadence(&self, ctx: &Context<'_>) -> AppResult<super::cadence::Cadence> {
        let ground = policy::read_cases(ctx.principal()?)?;
        ctx.log_read(self.0.id, "cadence", &ground);
        super::cadence::cadence_of(ctx, &self.0).await
    }
    /// Gezaghebbenden: the adults holding custody over this child.
    async fn custodians(&self, ctx: &Context<'_>) -> AppResult<Vec<Person>> {
        let ground = policy::read_cases(ctx.principal()?)?;
        ctx.log_read(self.0.id, "custody", &ground);
        let adults = ctx.loader().load_one(CustodiansOf(self.0.id)).await?.unwrap_or_default();
        Ok(adults.into_iter().map(|a| Person::read(ctx, a, &ground)).collect())
    }
}

/// Begeleidingstraject: one child's track as a client.
pub struct Trajectory(pub trajectory::Model);

#[Object]
impl Trajectory {
    /// Fase.
    async fn phase(&self) -> Phase {
        self.0.phase
    }
    async fn setting(&self) -> CareSetting {
        self.0.setting
    }
    /// Opnamedatum.
    async fn admission_date(&self) -> Date {
        Date(self.0.admission_date)
    }
    async fn phase_started_on(&self) -> Date {
        Date(self.0.phase_started_on)
    }
    /// The last day phase 1 may run (six weeks after admission).
    async fn phase1_deadline(&self) -> Date {
        Date(self.0.admission_date + Days::new(PHASE_1_MAX_DAYS as u64))
    }
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(Date)
    }
    async fn end_reason(&self) -> Option<EndReason> {
        self.0.end_reason
    }
    /// Verwachte vertrekdatum, recorded on entering phase 3.
    async fn expected_departure_on(&self) -> Option<Date> {
        self.0.expected_departure_on.map(Date)
    }
    /// Besluit over overdracht en nazorg, taken in phase 3 (`decideAftercare`) or on closing.
    async fn aftercare_decision(&self) -> Option<AftercareDecision> {
        self.0.aftercare_decision
    }
    async fn aftercare_decided_on(&self) -> Option<Date> {
        self.0.aftercare_decided_on.map(Date)
    }
    /// The warm handover a WARM_HANDOVER decision leads to (read it with `handover`).
    async fn aftercare_handover_id(&self) -> Option<ID> {
        self.0.aftercare_handover_id.map(|id| ids::encode("Handover", id))
    }
    /// Afspraken over het monitoren van de veiligheid na vertrek (IB 2514).
    async fn safety_monitoring(&self) -> Option<&str> {
        self.0.safety_monitoring.as_deref()
    }
    async fn aftercare_note(&self) -> Option<&str> {
        self.0.aftercare_note.as_deref()
    }
    /// Why phase 1 ended before all its activities were recorded, if it did.
    async fn phase1_exit_reason(&self) -> Option<&str> {
        self.0.phase1_exit_reason.as_deref()
    }
    /// Kind- en gezinsbegeleider responsible for this child.
    async fn responsible_worker(&self, ctx: &Context<'_>) -> AppResult<Worker> {
        let w = ctx.loader().load_one(WorkerId(self.0.responsible_worker_id)).await?;
        w.map(Worker).ok_or(AppError::NotFound("worker"))
    }
    /// Every phase change, oldest first.
    async fn phase_history(&self, ctx: &Context<'_>) -> AppResult<Vec<PhaseChange>> {
        let list = ctx.loader().load_one(PhaseHistoryOf(self.0.id)).await?.unwrap_or_default();
        Ok(list.into_iter().map(PhaseChange).collect())
    }
}

/// A recorded move between phases.
pub struct PhaseChange(phase_change::Model);

#[Object]
impl PhaseChange {
    async fn from_phase(&self) -> Option<Phase> {
        self.0.from_phase
    }
    async fn to_phase(&self) -> Phase {
        self.0.to_phase
    }
    async fn effective_on(&self) -> Date {
        Date(self.0.effective_on)
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    async fn changed_by(&self, ctx: &Context<'_>) -> AppResult<Option<Worker>> {
        match self.0.changed_by_worker_id {
            Some(id) => Ok(ctx.loader().load_one(WorkerId(id)).await?.map(Worker)),
            None => Ok(None),
        }
    }
    async fn recorded_at(&self) -> chrono::DateTime<Utc> {
        self.0.created_at
    }
}

/// Age band (leeftijdsgroep) used by the method for activities and instruments.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "age::AgeBand")]
pub enum AgeBand {
    /// 0 tot 4 jaar.
    #[graphql(name = "AGE_0_4")]
    Age0To4,
    /// 4 tot 12 jaar.
    #[graphql(name = "AGE_4_12")]
    Age4To12,
    /// 12 tot 18 jaar.
    #[graphql(name = "AGE_12_18")]
    Age12To18,
}

#[derive(InputObject, Default)]
pub struct ChildFilter {
    pub location_id: Option<ID>,
    pub phase: Option<Phase>,
    pub responsible_worker_id: Option<ID>,
    pub age_band: Option<AgeBand>,
    /// Only children whose phase 1 has run over six weeks (or only those whose has not).
    pub phase1_overdue: Option<bool>,
    /// Only children with something overdue in the method's cadence (kindgesprek,
    /// oudergesprek, evaluation, phase 1), or only those without.
    pub overdue: Option<bool>,
    /// Include closed trajectories when no phase is given; default false.
    #[graphql(default)]
    pub include_closed: bool,
}

impl ChildFilter {
    fn into_filter(self) -> AppResult<CaseloadFilter> {
        let decode = |id: Option<ID>, kind, field| id.map(|id| ids::decode(&id, kind, field)).transpose();
        Ok(CaseloadFilter {
            location_id: decode(self.location_id, "Location", "filter.locationId")?,
            phase: self.phase,
            include_closed: self.include_closed,
            responsible_worker_id: decode(self.responsible_worker_id, "Worker", "filter.responsibleWorkerId")?,
            age_band: self.age_band.map(Into::into),
            phase1_overdue: self.phase1_overdue,
            overdue: self.overdue,
        })
    }
}

#[derive(Default)]
pub struct ChildQuery;

#[Object]
impl ChildQuery {
    /// Children as clients (kinderen als cliënt), filtered; ordered by admission.
    #[graphql(complexity = "first.or(last).unwrap_or(20) as usize * child_complexity")]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only those matching this filter.")] filter: Option<ChildFilter>,
        #[graphql(desc = "At most this many, from the start (after `after`); at most `limits.max_page_size`.")]
        first: Option<i32>,
        #[graphql(desc = "Cursor: the ones after it (the `endCursor` of the page before).")] after: Option<String>,
        #[graphql(desc = "At most this many, from the end (before `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor: the ones before it (the `startCursor` of the page after).")] before: Option<String>,
    ) -> AppResult<Conn<Child>> {
        let p = ctx.principal()?;
        let ground = policy::read_cases(p)?;
        let page = pagination::page(first, after, last, before, ctx.state().max_page_size)?;
        let select = caseload::select_children(p.organisation_id, &filter.unwrap_or_default().into_filter()?, today());
        let total = TotalCount::of(ctx, &select, trajectory::Column::Id);
        let (rows, prev, next) = pagination::fetch(ctx, select, trajectory::Column::Id, &page).await?;
        let persons = ctx.loader().load_many(rows.iter().map(|t| PersonId(t.child_id))).await?;
        // An open trajectory is its child's current one (a closed one may not be).
        ctx.loader().prime_many(
            rows.iter().filter(|t| t.phase != Phase::Closed).map(|t| (TrajectoryOf(t.child_id), t.clone())),
        );
        let children: Vec<(Uuid, person::Model)> =
            rows.iter().filter_map(|t| Some((t.id, persons.get(&PersonId(t.child_id))?.clone()))).collect();
        for (_, c) in &children {
            ctx.log_read(c.id, "identity", &ground);
        }
        Ok(pagination::connection(children, prev, next, total, |(id, _)| *id, |(_, c)| Child(c)))
    }

    /// One child by id.
    /// A child by id; null when there is none here.
    async fn child(&self, ctx: &Context<'_>, #[graphql(desc = "The child's id.")] id: ID) -> AppResult<Option<Child>> {
        ids::found(Child::find(ctx, ids::decode(&id, "Child", "id")?).await)
    }
}

#[derive(InputObject)]
pub struct AssignResponsibleWorkerInput {
    pub child_id: ID,
    pub worker_id: ID,
}

#[derive(InputObject)]
pub struct AdvancePhaseInput {
    pub child_id: ID,
    /// The phase to move to; the next phase when left out.
    pub to: Option<Phase>,
    /// When the new phase began; today when left out.
    pub effective_on: Option<Date>,
    /// Required when closing.
    pub end_reason: Option<EndReason>,
    /// Besluit over overdracht en nazorg; required when closing.
    pub aftercare_decision: Option<AftercareDecision>,
    pub aftercare_note: Option<String>,
    /// Verwachte vertrekdatum; required when entering phase 3.
    pub expected_departure_on: Option<Date>,
    /// Why phase 1 ends before its activities (first contact, intake, safety assessment,
    /// action plan) are all recorded; only then needed.
    pub phase1_exit_reason: Option<String>,
    /// A note with the change; required when phase 3 goes back to phase 2 (why the departure
    /// fell through).
    pub note: Option<String>,
}

payload! {
    /// The result of `assignResponsibleWorker`.
    AssignResponsibleWorkerPayload { child: Child }
}

payload! {
    /// The result of `advancePhase`.
    AdvancePhasePayload { child: Child }
}

payload! {
    /// The result of `changeExpectedDeparture`.
    ChangeExpectedDeparturePayload { child: Child }
}

#[derive(Default)]
pub struct ChildMutation;

#[Object]
impl ChildMutation {
    /// Makes a worker the child's responsible kind- en gezinsbegeleider.
    async fn assign_responsible_worker(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: AssignResponsibleWorkerInput,
    ) -> AppResult<AssignResponsibleWorkerPayload> {
        let command = AssignResponsibleWorker {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            worker_id: ids::decode(&input.worker_id, "Worker", "input.workerId")?,
        };
        let t =
            in_transaction(ctx, async |actor, txn| trajectories::assign_responsible_worker(actor, txn, command).await)
                .await?;
        Child::changed(ctx, t).await.map(AssignResponsibleWorkerPayload::new)
    }

    /// Moves a child's trajectory to the next phase (1 → 2 → 3), or closes it with an end
    /// reason and the aftercare decision. Leaving phase 1 needs its activities recorded (or a
    /// reason); entering phase 3 records the expected departure. Only the responsible worker
    /// or a team lead can do this.
    async fn advance_phase(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: AdvancePhaseInput,
    ) -> AppResult<AdvancePhasePayload> {
        let command = AdvancePhase {
            child_id: ids::decode(&input.child_id, "Child", "input.childId")?,
            to: input.to,
            effective_on: input.effective_on.map(|d| d.0),
            end_reason: input.end_reason,
            aftercare_decision: input.aftercare_decision,
            aftercare_note: input.aftercare_note,
            expected_departure_on: input.expected_departure_on.map(|d| d.0),
            phase1_exit_reason: input.phase1_exit_reason,
            note: input.note,
        };
        let t = in_transaction(ctx, async |actor, txn| trajectories::advance_phase(actor, txn, command).await).await?;
        Child::changed(ctx, t).await.map(AdvancePhasePayload::new)
    }

    /// Moves the expected departure (verwachte vertrekdatum) of a child in phase 3. Only the
    /// responsible worker or a team lead.
    async fn change_expected_departure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to record or change; its fields are described on the input type.")]
        input: ChangeExpectedDepartureInput,
    ) -> AppResult<ChangeExpectedDeparturePayload> {
        let child_id = ids::decode(&input.child_id, "Child", "input.childId")?;
        let on = input.expected_departure_on.0;
        let t = in_transaction(ctx, async |actor, txn| {
            trajectories::change_expected_departure(actor, txn, child_id, on).await
        })
        .await?;
        Child::changed(ctx, t).await.map(ChangeExpectedDeparturePayload::new)
    }
}

#[derive(InputObject)]
pub struct ChangeExpectedDepartureInput {
    pub child_id: ID,
    pub expected_departure_on: Date,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_bring_along_what_their_fields_read() {
        let along = |fields: &[(&'static str, bool)]| along_for(fields.iter().copied());
        assert_eq!(along(&[("id", false), ("person", false), ("ageBand", false)]), Along::Nothing);
        assert_eq!(along(&[("id", false), ("phase1Overdue", false)]), Along::Trajectory);
        assert_eq!(along(&[("trajectory", false), ("person", false)]), Along::Trajectory);
        assert_eq!(along(&[("person", false), ("trajectory", true), ("contacts", false)]), Along::TrajectoryAndWorker);
    }
}
