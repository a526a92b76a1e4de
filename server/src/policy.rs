//! The one place that decides access. Resolvers ask here; they never check roles themselves.
//!
//! Tenancy: a worker sees only their own organisation, and an object of another
//! organisation is reported as not found so that its existence does not leak.
//! Every allowed access returns the [`Ground`] it rests on, which the access log records.

use crate::{
    auth::Principal,
    error::{AppError, AppResult},
};
use entities::Role::{self, *};
use std::borrow::Cow;
use uuid::Uuid;

/// Why access was allowed (grondslag), as recorded in the access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ground {
    Role(Role),
    /// The worker is the child's responsible worker (relationship).
    ResponsibleWorker,
    /// A partner user acting under a partner grant.
    Grant(Uuid),
    /// A municipality user reading aggregates the organisation granted it.
    MunicipalityAccess(Uuid),
}

impl Ground {
    /// The ground as the access log records it; borrowed for the common grounds, since every
    /// person a page returns is logged with one.
    pub fn label(&self) -> Cow<'static, str> {
        match self {
            Ground::Role(r) => Cow::Borrowed(match r {
                ChildFamilyWorker => "role:CHILD_FAMILY_WORKER",
                BehaviouralExpert => "role:BEHAVIOURAL_EXPERT",
                TeamLead => "role:TEAM_LEAD",
                OrgAdmin => "role:ORG_ADMIN",
                QualityOfficer => "role:QUALITY_OFFICER",
            }),
            Ground::ResponsibleWorker => Cow::Borrowed("relationship:responsible-worker"),
            Ground::Grant(id) => Cow::Owned(format!("grant:{id}")),
            Ground::MunicipalityAccess(id) => Cow::Owned(format!("municipality-access:{id}")),
        }
    }
}

/// Roles that work with case files (dossier).
const CASE_ROLES: [Role; 3] = [ChildFamilyWorker, BehaviouralExpert, TeamLead];
/// Roles that record admissions and change family and person records.
const CASE_EDIT_ROLES: [Role; 2] = [ChildFamilyWorker, TeamLead];
/// Roles that need a secret address: the people who place families and run locations.
const SECRET_ADDRESS_ROLES: [Role; 3] = [ChildFamilyWorker, TeamLead, OrgAdmin];
/// Roles that may read the access log (NEN 7513 controle).
const ACCESS_LOG_ROLES: [Role; 2] = [TeamLead, OrgAdmin];

fn first_role(p: &Principal, allowed: &[Role]) -> Option<Role> {
    allowed.iter().copied().find(|r| p.has_role(*r))
}

fn forbidden(what: &str) -> AppError {
    AppError::Forbidden(format!("your role does not allow {what}"))
}

/// A worker of the organisation; partner users only reach what a grant gives them, municipality
/// users only the aggregates granted to them.
pub fn organisation_member(p: &Principal) -> AppResult<()> {
    if p.partner.is_some() {
        return Err(AppError::Forbidden("partner users can only reach what a grant gives them".into()));
    }
    if p.municipality.is_some() {
        return Err(AppError::Forbidden(
            "municipality users read only the aggregate norm figures granted to them".into(),
        ));
    }
    Ok(())
}

fn with_role(p: &Principal, allowed: &[Role], what: &str) -> AppResult<Ground> {
    organisation_member(p)?;
    first_role(p, allowed).map(Ground::Role).ok_or_else(|| forbidden(what))
}

/// Objects of another organisation do not exist for this principal.
pub fn same_tenant(p: &Principal, organisation_id: Uuid, what: &'static str) -> AppResult<()> {
    if p.organisation_id == organisation_id { Ok(()) } else { Err(AppError::NotFound(what)) }
}

/// Roles that read the norm figures of their organisation and the children behind them.
const NORM_ROLES: [Role; 3] = [QualityOfficer, TeamLead, OrgAdmin];

/// The norm figures (Normenkader) and their drill-down: the quality officer's work; team leads
/// and admins too. The drill-down is a person read, logged per child shown.
pub fn read_norm_figures(p: &Principal) -> AppResult<Ground> {
    with_role(p, &NORM_ROLES, "reading the norm figures")
}

/// A municipality reads the aggregate figures of an organisation that granted it access (and
/// has not revoked it); never the children behind them (`read_norm_figures` refuses it).
pub fn read_municipal_norm_figures(
    p: &Principal,
    access: Option<&entities::municipality_access::Model>,
) -> AppResult<Ground> {
    let refused =
        || AppError::Forbidden("this organisation has not granted your municipality access to its figures".into());
    let municipality = p.municipality.as_deref().ok_or_else(|| forbidden("reading figures as a municipality"))?;
    match access {
        Some(a) if a.municipality == municipality && a.revoked_at.is_none() => Ok(Ground::MunicipalityAccess(a.id)),
        _ => Err(refused()),
    }
}

/// Which municipalities may read the figures: the organisation's admin decides.
pub fn manage_municipality_access(p: &Principal) -> AppResult<Ground> {
    with_role(p, &[OrgAdmin], "granting municipalities access to the figures")
}

/// The kwaliteitsinstrument: read by whoever reads the figures; filled in and signed by a
/// manager — a team lead or the organisation's admin (IB 924-925).
pub fn read_quality_assessments(p: &Principal) -> AppResult<Ground> {
    with_role(p, &NORM_ROLES, "reading the quality self-assessments")
}

pub fn assess_quality(p: &Principal) -> AppResult<Ground> {
    with_role(p, &[TeamLead, OrgAdmin], "filling in the quality self-assessment")
}

pub fn read_cases(p: &Principal) -> AppResult<Ground> {
    with_role(p, &CASE_ROLES, "reading case files")
}

pub fn edit_cases(p: &Principal) -> AppResult<Ground> {
    with_role(p, &CASE_EDIT_ROLES, "changing case files")
}

/// Workers who carry out the method record its activities: first contact, intake,
/// contacts, safety assessments, screenings, plans and the network.
pub fn record_method(p: &Principal) -> AppResult<Ground> {
    with_role(p, &CASE_ROLES, "recording the method's activities")
}

/// The child's own safety plan wording is for the responsible worker, the team lead and
/// the behavioural expert only.
pub fn read_safety_plan(p: &Principal, responsible_worker_id: Uuid) -> AppResult<Ground> {
    organisation_member(p)?;
    if p.worker_id == Some(responsible_worker_id) && p.has_role(ChildFamilyWorker) {
        return Ok(Ground::ResponsibleWorker);
    }
    first_role(p, &[TeamLead, BehaviouralExpert]).map(Ground::Role).ok_or_else(|| {
        AppError::Forbidden(
            "only the responsible worker, a team lead or the behavioural expert reads the safety plan".into(),
        )
    })
}

/// A worker's agenda: their own for anyone working with case files; another worker's for a
/// team lead (who divides the work).
pub fn read_agenda(p: &Principal, worker_id: Uuid) -> AppResult<Ground> {
    let ground = read_cases(p)?;
    if p.worker_id == Some(worker_id) {
        return Ok(ground);
    }
    with_role(p, &[TeamLead], "reading another worker's agenda")
}

/// Only a team lead assigns the responsible worker (casusregie).
pub fn assign_responsible_worker(p: &Principal) -> AppResult<Ground> {
    with_role(p, &[TeamLead], "assigning responsible workers")
}

/// The child's responsible worker or a team lead moves a trajectory between phases.
pub fn change_phase(p: &Principal, responsible_worker_id: Uuid) -> AppResult<Ground> {
    organisation_member(p)?;
    if p.has_role(TeamLead) {
        return Ok(Ground::Role(TeamLead));
    }
    if p.worker_id == Some(responsible_worker_id) && p.has_role(ChildFamilyWorker) {
        return Ok(Ground::ResponsibleWorker);
    }
    Err(AppError::Forbidden("only the responsible worker or a team lead changes a child's phase".into()))
}

/// Organisation structure (locations, workers) is visible to every worker of the organisation.
pub fn read_organisation(p: &Principal) -> AppResult<()> {
    organisation_member(p)?;
    if p.roles.is_empty() {
        return Err(forbidden("reading organisation data without any role"));
    }
    Ok(())
}

pub fn see_secret_address(p: &Principal) -> bool {
    p.partner.is_none() && first_role(p, &SECRET_ADDRESS_ROLES).is_some()
}

/// Chain partners and the organisation's Verwijsindex practice are set up by an
/// organisation admin or a team lead.
pub fn manage_partners(p: &Principal) -> AppResult<Ground> {
    with_role(p, &[OrgAdmin, TeamLead], "managing chain partners")
}

/// Who is involved with a child: kept by the admin and team lead, and by the workers who
/// learn it in their contacts with the family.
pub fn manage_involvements(p: &Principal) -> AppResult<Ground> {
    with_role(p, &[OrgAdmin, TeamLead, ChildFamilyWorker], "recording involved partners")
}

/// Sharing without consent on a legal ground is weighed by a team lead or the behavioural
/// expert, never decided by the worker alone.
pub fn override_consent(p: &Principal) -> AppResult<Ground> {
    with_role(p, &[TeamLead, BehaviouralExpert], "sharing without consent (override)")
}

/// The delivery status of every message to partners; an admin retries failed ones.
pub fn read_partner_messages(p: &Principal) -> AppResult<Ground> {
    with_role(p, &[OrgAdmin, TeamLead], "reading the organisation's partner messages")
}

pub fn retry_partner_message(p: &Principal) -> AppResult<Ground> {
    with_role(p, &[OrgAdmin], "retrying partner messages")
}

/// The child's responsible worker (or a team lead) lets a partner co-run the intake.
pub fn grant_partner_access(p: &Principal, responsible_worker_id: Uuid) -> AppResult<Ground> {
    change_phase(p, responsible_worker_id)
        .map_err(|_| AppError::Forbidden("only the responsible worker or a team lead grants a partner access".into()))
}

/// A partner user reaches one child's intake through a grant for their own partner, while
/// it is neither revoked nor expired. Someone else's grant does not exist for them.
pub fn use_partner_grant(
    p: &Principal,
    grant: &entities::partner_grant::Model,
    partner_slug: &str,
    today: chrono::NaiveDate,
) -> AppResult<Ground> {
    if p.partner.as_deref() != Some(partner_slug) || p.organisation_id != grant.organisation_id {
        return Err(AppError::NotFound("grant"));
    }
    if grant.revoked_at.is_some() {
        return Err(AppError::Forbidden("this grant was revoked".into()));
    }
    if today > grant.valid_until {
        return Err(AppError::Forbidden("this grant has expired".into()));
    }
    Ok(Ground::Grant(grant.id))
}

pub fn read_access_log(p: &Principal) -> AppResult<Ground> {
    with_role(p, &ACCESS_LOG_ROLES, "reading the access log")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_ground_is_labelled_with_the_role_name() {
        use sea_orm::Iterable;
        for role in Role::iter() {
            assert_eq!(Ground::Role(role).label(), format!("role:{}", role.as_str()));
        }
    }

    fn principal(roles: &[Role]) -> Principal {
        Principal {
            subject: "s".into(),
            organisation_id: Uuid::nil(),
            organisation_slug: "o".into(),
            worker_id: Some(Uuid::from_u128(1)),
            roles: roles.to_vec(),
            partner: None,
            municipality: None,
        }
    }

    #[test]
    fn case_files_need_a_case_role() {
        assert_eq!(read_cases(&principal(&[BehaviouralExpert])).unwrap(), Ground::Role(BehaviouralExpert));
        assert!(matches!(read_cases(&principal(&[OrgAdmin])), Err(AppError::Forbidden(_))));
        assert!(matches!(edit_cases(&principal(&[BehaviouralExpert])), Err(AppError::Forbidden(_))));
    }

    #[test]
    fn partner_users_get_nothing_without_a_grant() {
        let mut p = principal(&[TeamLead]);
        p.partner = Some("wijkteam".into());
        assert!(read_cases(&p).is_err());
        assert!(!see_secret_address(&p));
    }

    #[test]
    fn a_municipality_reads_granted_aggregates_and_nothing_else() {
        let mut p = principal(&[]);
        p.worker_id = None;
        p.municipality = Some("utrecht".into());
        let access = |municipality: &str, revoked: bool| entities::municipality_access::Model {
            id: Uuid::from_u128(7),
            organisation_id: Uuid::from_u128(9),
            municipality: municipality.into(),
            granted_by_worker_id: None,
            granted_at: chrono::Utc::now(),
            revoked_by_worker_id: None,
            revoked_at: revoked.then(chrono::Utc::now),
        };
        assert_eq!(
            read_municipal_norm_figures(&p, Some(&access("utrecht", false))).unwrap(),
            Ground::MunicipalityAccess(Uuid::from_u128(7))
        );
        assert!(read_municipal_norm_figures(&p, Some(&access("utrecht", true))).is_err());
        assert!(read_municipal_norm_figures(&p, Some(&access("amersfoort", false))).is_err());
        assert!(read_municipal_norm_figures(&p, None).is_err());
        assert!(read_norm_figures(&p).is_err(), "no drill-down");
        assert!(read_cases(&p).is_err());
        assert!(organisation_member(&p).is_err());
        assert!(read_municipal_norm_figures(&principal(&[QualityOfficer]), Some(&access("utrecht", false))).is_err());
    }

    #[test]
    fn phase_changes_by_responsible_worker_or_team_lead() {
        let p = principal(&[ChildFamilyWorker]);
        assert_eq!(change_phase(&p, Uuid::from_u128(1)).unwrap(), Ground::ResponsibleWorker);
        assert!(change_phase(&p, Uuid::from_u128(2)).is_err());
        assert_eq!(change_phase(&principal(&[TeamLead]), Uuid::from_u128(2)).unwrap(), Ground::Role(TeamLead));
    }

    #[test]
    fn safety_plans_are_read_by_the_responsible_worker_lead_and_expert() {
        let responsible = Uuid::from_u128(1);
        assert_eq!(read_safety_plan(&principal(&[ChildFamilyWorker]), responsible).unwrap(), Ground::ResponsibleWorker);
        assert!(read_safety_plan(&principal(&[ChildFamilyWorker]), Uuid::from_u128(2)).is_err());
        assert!(read_safety_plan(&principal(&[BehaviouralExpert]), Uuid::from_u128(2)).is_ok());
        assert!(read_safety_plan(&principal(&[OrgAdmin]), responsible).is_err());
    }

    #[test]
    fn overrides_need_a_lead_or_the_expert_and_retries_an_admin() {
        assert!(override_consent(&principal(&[ChildFamilyWorker])).is_err());
        assert_eq!(override_consent(&principal(&[BehaviouralExpert])).unwrap(), Ground::Role(BehaviouralExpert));
        assert!(retry_partner_message(&principal(&[TeamLead])).is_err());
        assert!(manage_partners(&principal(&[ChildFamilyWorker])).is_err());
        assert!(manage_partners(&principal(&[OrgAdmin])).is_ok());
    }

    #[test]
    fn other_tenants_objects_are_not_found() {
        let p = principal(&[TeamLead]);
        assert!(same_tenant(&p, Uuid::nil(), "family").is_ok());
        assert!(matches!(same_tenant(&p, Uuid::from_u128(9), "family"), Err(AppError::NotFound("family"))));
    }

    #[test]
    fn secret_addresses_only_for_roles_that_place_families() {
        assert!(see_secret_address(&principal(&[ChildFamilyWorker])));
        assert!(!see_secret_address(&principal(&[BehaviouralExpert])));
    }
}
