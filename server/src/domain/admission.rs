//! Rules for admitting a family (opname) and for the person records it creates.

use super::age::age_on;
use crate::error::Violation;
use chrono::NaiveDate;
use entities::{Bsn, MembershipRole};
use std::collections::{HashMap, HashSet};

/// A person as entered by a worker.
#[derive(Debug, Clone)]
pub struct PersonDraft {
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
    pub bsn: Option<String>,
}

/// A member of a family to be admitted.
#[derive(Debug, Clone)]
pub struct MemberDraft {
    /// The caller's own reference, used to point at custodians within the same input.
    pub reference: Option<String>,
    pub role: MembershipRole,
    pub person: PersonDraft,
    /// References of the adults holding custody (gezag) over this child.
    pub custodian_refs: Vec<String>,
}

/// An admission that passed every rule: the parsed BSNs and, per member, the indexes of
/// the members holding custody over them.
#[derive(Debug)]
pub struct CheckedAdmission {
    pub bsns: Vec<Option<Bsn>>,
    pub custodians: Vec<Vec<usize>>,
}

/// Adults are 18 or over; only they can hold custody (minderjarige ouders hebben geen gezag).
pub const AGE_OF_MAJORITY: i32 = 18;

/// Checks names, date of birth and BSN of one person; returns the parsed BSN.
pub fn check_person(p: &PersonDraft, path: &str, today: NaiveDate, v: &mut Vec<Violation>) -> Option<Bsn> {
    if p.given_name.trim().is_empty() {
        v.push(Violation::new(format!("{path}.givenName"), "a given name is required"));
    }
    if p.family_name.trim().is_empty() {
        v.push(Violation::new(format!("{path}.familyName"), "a family name is required"));
    }
    check_date_of_birth(p.date_of_birth, &format!("{path}.dateOfBirth"), today, v);
    p.bsn.as_deref().and_then(|b| check_bsn(b, &format!("{path}.bsn"), v))
}

pub fn check_date_of_birth(dob: NaiveDate, field: &str, today: NaiveDate, v: &mut Vec<Violation>) {
    if dob > today {
        v.push(Violation::new(field, "the date of birth lies in the future"));
    }
}

pub fn check_bsn(bsn: &str, field: &str, v: &mut Vec<Violation>) -> Option<Bsn> {
    Bsn::parse(bsn).map_err(|e| v.push(Violation::new(field, e.to_string()))).ok()
}

/// A child is a client of the shelter only while under 18 at admission.
pub fn check_child_age(dob: NaiveDate, admission_date: NaiveDate, field: &str, v: &mut Vec<Violation>) {
    if age_on(dob, admission_date) >= AGE_OF_MAJORITY {
        v.push(Violation::new(field, "a child must be under 18 at admission"));
    }
}

/// Custody (gezag) is held only by an adult member of the family.
pub fn check_custodian(role: MembershipRole, dob: NaiveDate, on: NaiveDate, field: &str, v: &mut Vec<Violation>) {
    if !role.is_adult_role() || age_on(dob, on) < AGE_OF_MAJORITY {
        v.push(Violation::new(field, "custody can only be held by an adult (18 or over)"));
    }
}

pub fn check_admission(
    members: &[MemberDraft],
    admission_date: NaiveDate,
    today: NaiveDate,
) -> Result<CheckedAdmission, Vec<Violation>> {
    let mut v = Vec::new();
    if admission_date > today {
        v.push(Violation::new("input.admissionDate", "the admission date lies in the future"));
    }
    if !members.iter().any(|m| m.role.is_adult_role()) {
        v.push(Violation::new("input.members", "a family needs at least one adult"));
    }
    if !members.iter().any(|m| m.role == MembershipRole::Child) {
        v.push(Violation::new("input.members", "a family is admitted with at least one child"));
    }

    let mut by_ref = HashMap::new();
    for (i, m) in members.iter().enumerate() {
        if let Some(r) = &m.reference
            && by_ref.insert(r.as_str(), i).is_some()
        {
            v.push(Violation::new(format!("input.members[{i}].ref"), "this reference is used twice"));
        }
    }

    let mut bsns = Vec::with_capacity(members.len());
    let mut seen_bsn = HashSet::new();
    let mut custodians = Vec::with_capacity(members.len());
    for (i, m) in members.iter().enumerate() {
        let path = format!("input.members[{i}]");
        let bsn = check_person(&m.person, &path, today, &mut v);
        if let Some(b) = bsn
            && !seen_bsn.insert(b)
        {
            v.push(Violation::new(format!("{path}.bsn"), "two members have the same BSN"));
        }
        bsns.push(bsn);
        if matches!(m.role, MembershipRole::Child | MembershipRole::ChildNotAdmitted) {
            check_child_age(m.person.date_of_birth, admission_date, &format!("{path}.dateOfBirth"), &mut v);
        }
        let mut mine = Vec::new();
        for (j, r) in m.custodian_refs.iter().enumerate() {
            let field = format!("{path}.custodianRefs[{j}]");
            if m.role != MembershipRole::Child {
                v.push(Violation::new(field, "only children have custodians"));
                continue;
            }
            match by_ref.get(r.as_str()) {
                None => v.push(Violation::new(field, format!("no member has the reference {r:?}"))),
                Some(&k) => {
                    let adult = &members[k];
                    check_custodian(adult.role, adult.person.date_of_birth, admission_date, &field, &mut v);
                    if !mine.contains(&k) {
                        mine.push(k);
                    }
                }
            }
        }
        custodians.push(mine);
    }
    if v.is_empty() { Ok(CheckedAdmission { bsns, custodians }) } else { Err(v) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MembershipRole::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    const TODAY: (i32, u32, u32) = (2026, 11, 24);
    fn today() -> NaiveDate {
        d(TODAY.0, TODAY.1, TODAY.2)
    }

    fn member(reference: &str, role: MembershipRole, dob: NaiveDate, custodians: &[&str]) -> MemberDraft {
        MemberDraft {
            reference: Some(reference.into()),
            role,
            person: PersonDraft { given_name: "A".into(), family_name: "B".into(), date_of_birth: dob, bsn: None },
            custodian_refs: custodians.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn fields(r: Result<CheckedAdmission, Vec<Violation>>) -> Vec<String> {
        r.unwrap_err().into_iter().map(|v| v.field).collect()
    }

    #[test]
    fn a_valid_family_maps_custodians_to_members() {
        let members = [member("mum", CaringParent, d(1990, 1, 1), &[]), member("kid", Child, d(2018, 5, 5), &["mum"])];
        let ok = check_admission(&members, today(), today()).unwrap();
        assert_eq!(ok.custodians, vec![vec![], vec![0]]);
    }

    #[test]
    fn needs_an_adult_and_a_child() {
        let only_child = [member("kid", Child, d(2018, 5, 5), &[])];
        assert_eq!(fields(check_admission(&only_child, today(), today())), ["input.members"]);
        let only_adult = [member("mum", CaringParent, d(1990, 1, 1), &[])];
        assert_eq!(fields(check_admission(&only_adult, today(), today())), ["input.members"]);
    }

    #[test]
    fn child_must_be_under_18_at_admission_and_born() {
        let admitted = d(2026, 1, 1);
        let members = [
            member("mum", CaringParent, d(1990, 1, 1), &[]),
            member("old", Child, d(2008, 1, 1), &[]),
            member("unborn", Child, d(2027, 1, 1), &[]),
            member("ok", Child, d(2008, 1, 2), &[]),
        ];
        assert_eq!(
            fields(check_admission(&members, admitted, today())),
            ["input.members[1].dateOfBirth", "input.members[2].dateOfBirth"]
        );
    }

    #[test]
    fn custody_only_by_adults_within_the_family() {
        let members = [
            member("mum", CaringParent, d(1990, 1, 1), &[]),
            member("teen", StepParent, d(2010, 1, 1), &[]),
            member("kid", Child, d(2018, 5, 5), &["teen", "nobody"]),
            member("kid2", Child, d(2019, 5, 5), &["kid"]),
        ];
        assert_eq!(
            fields(check_admission(&members, today(), today())),
            [
                "input.members[2].custodianRefs[0]",
                "input.members[2].custodianRefs[1]",
                "input.members[3].custodianRefs[0]"
            ]
        );
    }

    #[test]
    fn bsn_must_pass_the_elfproef_and_be_unique() {
        let mut members =
            vec![member("mum", CaringParent, d(1990, 1, 1), &[]), member("kid", Child, d(2018, 5, 5), &[])];
        members[0].person.bsn = Some("123456789".into());
        assert_eq!(fields(check_admission(&members, today(), today())), ["input.members[0].bsn"]);
        members[0].person.bsn = Some("123456782".into());
        members[1].person.bsn = Some("123456782".into());
        assert_eq!(fields(check_admission(&members, today(), today())), ["input.members[1].bsn"]);
    }

    #[test]
    fn admission_date_not_in_future_and_names_required() {
        let mut members =
            vec![member("mum", CaringParent, d(1990, 1, 1), &[]), member("kid", Child, d(2018, 5, 5), &[])];
        members[1].person.given_name = "  ".into();
        assert_eq!(
            fields(check_admission(&members, d(2026, 12, 1), today())),
            ["input.admissionDate", "input.members[1].givenName"]
        );
    }
}
