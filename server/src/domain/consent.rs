//! Consent (toestemming) for sharing a child's information, and the one gate every outbound
//! message passes: [`may_share`].
//!
//! The WGBO decides who consents: under 12 the custodial parent(s); from 12 to 15 the child
//! and the custodial parent(s); from 16 the child alone. Consent is judged against the
//! child's age on the day of sharing, so a parents-only consent given at 11 no longer carries
//! once the child is 12. A later refusal outweighs an earlier consent; a withdrawn or lapsed
//! consent counts for nothing. An override (sharing without consent on a legal ground)
//! carries on its own. The Verwijsindex takes identity on the statutory ground of the
//! Jeugdwet (art. 7.1.3.1), which needs no consent.

use super::age::age_on;
use chrono::{DateTime, NaiveDate, Utc};
use entities::{ConsentDecision, ConsentPurpose, ConsentScope, PartnerKind};
use uuid::Uuid;

/// Whom the WGBO asks for consent at a given age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consenters {
    pub child: bool,
    pub custodians: bool,
}

pub fn consenters(age: i32) -> Consenters {
    match age {
        ..12 => Consenters { child: false, custodians: true },
        12..16 => Consenters { child: true, custodians: true },
        _ => Consenters { child: true, custodians: false },
    }
}

/// The child as far as consent is concerned.
#[derive(Debug, Clone)]
pub struct ConsentSubject {
    pub child_id: Uuid,
    pub date_of_birth: NaiveDate,
    /// The persons with custody (gezag) of the child.
    pub custodians: Vec<Uuid>,
}

impl ConsentSubject {
    /// Checks that `decided_by` are exactly the persons who decide on `on`; the message
    /// names who is missing or who has no say.
    pub fn check_deciders(&self, decided_by: &[Uuid], on: NaiveDate) -> Result<(), String> {
        let age = age_on(self.date_of_birth, on);
        let who = consenters(age);
        if decided_by.iter().any(|p| *p != self.child_id && !self.custodians.contains(p)) {
            return Err("only the child and the parents with custody decide on consent".into());
        }
        if who.child && !decided_by.contains(&self.child_id) {
            return Err(format!("at {age} the child decides {}", if who.custodians { "too" } else { "(16 or older)" }));
        }
        if who.custodians {
            if self.custodians.is_empty() {
                return Err("no parent with custody is recorded for this child".into());
            }
            if self.custodians.iter().any(|c| !decided_by.contains(c)) {
                return Err(format!("at {age} every parent with custody decides"));
            }
        }
        Ok(())
    }

    /// Checks that everyone in `decided_by` has a say on `on`. One of them is enough to refuse:
    /// a single parent with custody who does not agree is the contra-indication (IB 150-152).
    pub fn check_refusers(&self, decided_by: &[Uuid], on: NaiveDate) -> Result<(), String> {
        let who = consenters(age_on(self.date_of_birth, on));
        if decided_by.is_empty() {
            return Err("name who refused".into());
        }
        let has_say = |p: &Uuid| (*p == self.child_id && who.child) || (who.custodians && self.custodians.contains(p));
        if !decided_by.iter().all(has_say) {
            return Err(
                "only the child (from 12) and the parents with custody (while the child is under 16) decide on consent"
                    .into(),
            );
        }
        Ok(())
    }
}

/// A consent record as the gate sees it.
#[derive(Debug, Clone)]
pub struct ConsentRecord {
    pub id: Uuid,
    pub purpose: ConsentPurpose,
    pub partner_id: Option<Uuid>,
    pub partner_kind: Option<PartnerKind>,
    pub scope: Vec<ConsentScope>,
    pub decision: ConsentDecision,
    pub decided_by: Vec<Uuid>,
    pub decided_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl ConsentRecord {
    fn covers(&self, partner: &SharePartner, purpose: ConsentPurpose, part: ConsentScope) -> bool {
        let partner_matches = match (self.partner_id, self.partner_kind) {
            (Some(id), _) => id == partner.id,
            (None, Some(kind)) => kind == partner.kind,
            (None, None) => false,
        };
        partner_matches && self.purpose == purpose && self.scope.contains(&part)
    }

    fn in_force(&self, at: DateTime<Utc>) -> bool {
        let day = at.date_naive();
        self.decided_on <= day && self.valid_until.is_none_or(|u| day <= u) && self.withdrawn_at.is_none_or(|w| at < w)
    }
}

/// Whether the child's support (begeleiding) has the parents' agreement at `at`, or is given
/// under the legal guideline without it (an override in force): the method's one
/// contra-indication is a parent with custody who does not agree (IB 150-154, 771). The latest
/// decision counts; who had to decide was checked when it was recorded.
pub fn support_agreed(consents: &[ConsentRecord], at: DateTime<Utc>) -> bool {
    let applicable = consents.iter().filter(|c| c.purpose == ConsentPurpose::ChildSupport && c.in_force(at));
    if applicable.clone().any(|c| c.decision == ConsentDecision::Override) {
        return true;
    }
    applicable
        .enumerate()
        .max_by_key(|(i, c)| (c.decided_on, *i))
        .is_some_and(|(_, c)| c.decision == ConsentDecision::Given)
}

/// The receiving partner.
#[derive(Debug, Clone, Copy)]
pub struct SharePartner {
    pub id: Uuid,
    pub kind: PartnerKind,
}

/// The ground a share rests on, as recorded with the message and in the access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareGround {
    Consent(Uuid),
    Override(Uuid),
    /// A statutory task that needs no consent.
    Statute(&'static str),
}

impl ShareGround {
    pub fn label(&self) -> String {
        match self {
            ShareGround::Consent(id) => format!("consent:{id}"),
            ShareGround::Override(id) => format!("override:{id}"),
            ShareGround::Statute(s) => format!("statute:{s}"),
        }
    }
}

/// Permission to share some parts of one child's record with one partner. Only
/// [`may_share`] makes one, so a message cannot be queued without passing it.
#[derive(Debug, Clone)]
pub struct Permit {
    pub child_id: Uuid,
    pub partner_id: Uuid,
    pub grounds: Vec<(ConsentScope, ShareGround)>,
}

impl Permit {
    pub fn label(&self) -> String {
        let mut labels: Vec<String> = self.grounds.iter().map(|(_, g)| g.label()).collect();
        labels.dedup();
        labels.join(",")
    }
}

/// Why sharing is refused; the message is for the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub part: ConsentScope,
    pub reason: String,
}

const REFERENCE_INDEX_STATUTE: &str = "jeugdwet-7.1.3.1";

/// May `parts` of the child's record be shared with `partner` for `purpose` at `at`?
/// `consents` are the child's consent records in the order they were made.
pub fn may_share(
    subject: &ConsentSubject,
    partner: SharePartner,
    purpose: ConsentPurpose,
    parts: &[ConsentScope],
    at: DateTime<Utc>,
    consents: &[ConsentRecord],
) -> Result<Permit, Refusal> {
    let grounds = parts
        .iter()
        .map(|&part| ground_for(subject, partner, purpose, part, at, consents).map(|g| (part, g)))
        .collect::<Result<_, _>>()?;
    Ok(Permit { child_id: subject.child_id, partner_id: partner.id, grounds })
}

fn ground_for(
    subject: &ConsentSubject,
    partner: SharePartner,
    purpose: ConsentPurpose,
    part: ConsentScope,
    at: DateTime<Utc>,
    consents: &[ConsentRecord],
) -> Result<ShareGround, Refusal> {
    if partner.kind == PartnerKind::Verwijsindex
        && purpose == ConsentPurpose::ShareWithPartner
        && part == ConsentScope::Identity
    {
        return Ok(ShareGround::Statute(REFERENCE_INDEX_STATUTE));
    }
    let refuse = |reason: String| Refusal { part, reason };
    let applicable = consents.iter().filter(|c| c.covers(&partner, purpose, part) && c.in_force(at));
    if let Some(o) = applicable.clone().find(|c| c.decision == ConsentDecision::Override) {
        return Ok(ShareGround::Override(o.id));
    }
    // The latest decision counts: by date, then by the order recorded.
    let latest = applicable
        .filter(|c| c.decision != ConsentDecision::Override)
        .enumerate()
        .max_by_key(|(i, c)| (c.decided_on, *i))
        .map(|(_, c)| c);
    match latest {
        None => Err(refuse(format!("no consent to share {} with this partner", part.as_str()))),
        Some(c) if c.decision == ConsentDecision::Refused => {
            Err(refuse(format!("consent to share {} was refused", part.as_str())))
        }
        Some(c) => match subject.check_deciders(&c.decided_by, at.date_naive()) {
            Ok(()) => Ok(ShareGround::Consent(c.id)),
            Err(why) => Err(refuse(format!("the consent on record no longer suffices: {why}"))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_parent_with_custody_is_enough_to_refuse() {
        let (child, mum, dad, aunt) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let subject = ConsentSubject {
            child_id: child,
            date_of_birth: "2017-01-01".parse().unwrap(),
            custodians: vec![mum, dad],
        };
        let on = "2026-11-20".parse().unwrap();
        assert!(subject.check_refusers(&[dad], on).is_ok());
        assert!(subject.check_deciders(&[dad], on).is_err(), "agreeing takes both");
        assert!(subject.check_refusers(&[aunt], on).is_err());
        assert!(subject.check_refusers(&[child], on).is_err(), "a child of 9 has no say yet");
        assert!(subject.check_refusers(&[], on).is_err());
    }

    #[test]
    fn support_needs_the_latest_decision_to_agree_or_an_override() {
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
        let record = |decision, on: &str| ConsentRecord {
            id: Uuid::now_v7(),
            purpose: ConsentPurpose::ChildSupport,
            partner_id: None,
            partner_kind: None,
            scope: vec![],
            decision,
            decided_by: vec![],
            decided_on: day(on),
            valid_until: None,
            withdrawn_at: None,
        };
        assert!(!support_agreed(&[], at), "none recorded");
        assert!(support_agreed(&[record(ConsentDecision::Given, "2026-11-01")], at));
        let changed_mind =
            [record(ConsentDecision::Given, "2026-11-01"), record(ConsentDecision::Refused, "2026-11-10")];
        assert!(!support_agreed(&changed_mind, at), "the latest decision counts");
        let overridden = [changed_mind[1].clone(), record(ConsentDecision::Override, "2026-11-15")];
        assert!(support_agreed(&overridden, at), "acting under the legal guideline");
        let mut withdrawn = record(ConsentDecision::Given, "2026-11-01");
        withdrawn.withdrawn_at = Some(Utc.with_ymd_and_hms(2026, 11, 5, 9, 0, 0).unwrap());
        assert!(!support_agreed(&[withdrawn], at));
        let mut sharing = record(ConsentDecision::Given, "2026-11-01");
        sharing.purpose = ConsentPurpose::Handover;
        assert!(!support_agreed(&[sharing], at), "consent to share is not consent to support");
    }
    use chrono::{Days, TimeZone};

    const CHILD: Uuid = Uuid::from_u128(1);
    const MUM: Uuid = Uuid::from_u128(2);
    const DAD: Uuid = Uuid::from_u128(3);
    const TEAM: SharePartner = SharePartner { id: Uuid::from_u128(10), kind: PartnerKind::YouthTeam };

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn at(s: &str) -> DateTime<Utc> {
        Utc.from_utc_datetime(&day(s).and_hms_opt(12, 0, 0).unwrap())
    }
    fn subject(born: &str, custodians: &[Uuid]) -> ConsentSubject {
        ConsentSubject { child_id: CHILD, date_of_birth: day(born), custodians: custodians.to_vec() }
    }
    fn record(n: u128, decision: ConsentDecision, by: &[Uuid], on: &str) -> ConsentRecord {
        ConsentRecord {
            id: Uuid::from_u128(100 + n),
            purpose: ConsentPurpose::Handover,
            partner_id: Some(TEAM.id),
            partner_kind: None,
            scope: vec![ConsentScope::Identity, ConsentScope::Goals],
            decision,
            decided_by: by.to_vec(),
            decided_on: day(on),
            valid_until: None,
            withdrawn_at: None,
        }
    }
    fn share(
        s: &ConsentSubject,
        parts: &[ConsentScope],
        when: &str,
        consents: &[ConsentRecord],
    ) -> Result<Permit, Refusal> {
        may_share(s, TEAM, ConsentPurpose::Handover, parts, at(when), consents)
    }

    #[test]
    fn who_consents_follows_the_wgbo_ages() {
        assert_eq!(consenters(11), Consenters { child: false, custodians: true });
        assert_eq!(consenters(12), Consenters { child: true, custodians: true });
        assert_eq!(consenters(15), Consenters { child: true, custodians: true });
        assert_eq!(consenters(16), Consenters { child: true, custodians: false });
        let young = subject("2020-01-01", &[MUM, DAD]);
        assert!(young.check_deciders(&[MUM], day("2026-11-25")).unwrap_err().contains("every parent"));
        assert!(young.check_deciders(&[MUM, DAD], day("2026-11-25")).is_ok());
        let teen = subject("2012-01-01", &[MUM]);
        assert!(teen.check_deciders(&[MUM], day("2026-11-25")).unwrap_err().contains("the child decides too"));
        assert!(teen.check_deciders(&[MUM, CHILD], day("2026-11-25")).is_ok());
        let older = subject("2009-01-01", &[MUM]);
        assert!(older.check_deciders(&[CHILD], day("2026-11-25")).is_ok());
        assert!(older.check_deciders(&[MUM], day("2026-11-25")).is_err());
        assert!(older.check_deciders(&[CHILD, Uuid::from_u128(99)], day("2026-11-25")).is_err());
    }

    #[test]
    fn consent_covers_only_its_partner_purpose_and_parts() {
        let s = subject("2018-05-01", &[MUM]);
        let c = [record(1, ConsentDecision::Given, &[MUM], "2026-11-01")];
        let permit = share(&s, &[ConsentScope::Identity, ConsentScope::Goals], "2026-11-25", &c).unwrap();
        assert_eq!(permit.label(), format!("consent:{}", c[0].id));
        assert_eq!(
            share(&s, &[ConsentScope::SafetyPlan], "2026-11-25", &c).unwrap_err().part,
            ConsentScope::SafetyPlan
        );
        let other = SharePartner { id: Uuid::from_u128(11), kind: PartnerKind::YouthTeam };
        assert!(
            may_share(&s, other, ConsentPurpose::Handover, &[ConsentScope::Identity], at("2026-11-25"), &c).is_err()
        );
        assert!(
            may_share(&s, TEAM, ConsentPurpose::HandleWithCare, &[ConsentScope::Identity], at("2026-11-25"), &c)
                .is_err()
        );
        // A consent for a kind of partner covers every partner of that kind.
        let kind = [ConsentRecord { partner_id: None, partner_kind: Some(PartnerKind::YouthTeam), ..c[0].clone() }];
        assert!(
            may_share(&s, other, ConsentPurpose::Handover, &[ConsentScope::Identity], at("2026-11-25"), &kind).is_ok()
        );
    }

    #[test]
    fn refusal_withdrawal_and_lapse_stop_sharing() {
        let s = subject("2018-05-01", &[MUM]);
        let given = record(1, ConsentDecision::Given, &[MUM], "2026-11-01");
        let refused = record(2, ConsentDecision::Refused, &[MUM], "2026-11-10");
        assert!(share(&s, &[ConsentScope::Identity], "2026-11-05", &[given.clone(), refused.clone()]).is_ok());
        assert!(
            share(&s, &[ConsentScope::Identity], "2026-11-25", &[given.clone(), refused.clone()])
                .unwrap_err()
                .reason
                .contains("refused")
        );
        let withdrawn = ConsentRecord { withdrawn_at: Some(at("2026-11-20")), ..given.clone() };
        assert!(share(&s, &[ConsentScope::Identity], "2026-11-19", std::slice::from_ref(&withdrawn)).is_ok());
        assert!(share(&s, &[ConsentScope::Identity], "2026-11-21", &[withdrawn]).is_err());
        let lapsing = ConsentRecord { valid_until: Some(day("2026-11-15")), ..given.clone() };
        assert!(share(&s, &[ConsentScope::Identity], "2026-11-16", &[lapsing]).is_err());
        assert!(share(&s, &[ConsentScope::Identity], "2026-10-31", &[given]).is_err(), "not before it was given");
    }

    #[test]
    fn a_parents_consent_no_longer_carries_once_the_child_turns_twelve() {
        let s = subject("2014-12-01", &[MUM]);
        let c = [record(1, ConsentDecision::Given, &[MUM], "2026-11-01")];
        assert!(share(&s, &[ConsentScope::Identity], "2026-11-30", &c).is_ok());
        let after = at("2026-11-30") + Days::new(1);
        let refusal = may_share(&s, TEAM, ConsentPurpose::Handover, &[ConsentScope::Identity], after, &c).unwrap_err();
        assert!(refusal.reason.contains("no longer suffices"), "{refusal:?}");
    }

    #[test]
    fn an_override_carries_without_consent_and_the_reference_index_takes_identity_by_statute() {
        let s = subject("2018-05-01", &[MUM]);
        let refused = record(1, ConsentDecision::Refused, &[MUM], "2026-11-01");
        let o = ConsentRecord { decided_by: vec![], ..record(2, ConsentDecision::Override, &[], "2026-11-02") };
        assert_eq!(
            share(&s, &[ConsentScope::Goals], "2026-11-25", &[refused, o.clone()]).unwrap().grounds[0].1,
            ShareGround::Override(o.id)
        );
        let vi = SharePartner { id: Uuid::from_u128(20), kind: PartnerKind::Verwijsindex };
        let permit =
            may_share(&s, vi, ConsentPurpose::ShareWithPartner, &[ConsentScope::Identity], at("2026-11-25"), &[])
                .unwrap();
        assert_eq!(permit.label(), "statute:jeugdwet-7.1.3.1");
        assert!(
            may_share(&s, vi, ConsentPurpose::ShareWithPartner, &[ConsentScope::SafetyPlan], at("2026-11-25"), &[])
                .is_err()
        );
    }
}
