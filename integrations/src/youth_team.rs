//! Warm handover (warme overdracht) with youth and neighbourhood teams: the package we send,
//! versioned and published as a JSON Schema (`schemas/handover-package.v1.json`), and what
//! a team sends back — acknowledgement, acceptance or refusal, and referrals of families.
//! Every part of a child's package is optional: a part without consent is left out, not
//! emptied. There is no field for an address.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMA_VERSION: &str = "veerkracht.handover-package/1";
pub const PACKAGE_SCHEMA: &str = include_str!("../schemas/handover-package.v1.json");
pub const HANDOVER_PATH: &str = "/handovers";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Direction {
    Inflow,
    Throughflow,
    Outflow,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Person {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Meeting {
    pub proposed_at: Option<DateTime<Utc>>,
    pub place: Option<String>,
    /// Date and place still to be agreed with the receiver.
    pub to_be_agreed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Identity {
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
    /// Only for receivers that may use the BSN.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bsn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Professional {
    pub organisation: Option<String>,
    pub name: Option<String>,
    pub role: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SafetyPlan {
    pub version: i32,
    /// The plan in the child's own words.
    pub child_language_text: String,
    pub review_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Goal {
    pub text: String,
    pub core_task: String,
    /// The latest evaluation's status and score, if evaluated.
    pub status: Option<String>,
    pub score: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScreeningOutcome {
    pub instrument: String,
    pub informant: String,
    pub administered_on: NaiveDate,
    /// NORMAL, BORDERLINE or ABNORMAL for the total; never the answers.
    pub band: Option<String>,
    pub flag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NetworkMember {
    pub name: String,
    pub relation: String,
    pub role_for_child: Option<String>,
}

/// One child's part of the package; parts without consent are absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChildPackage {
    pub identity: Identity,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub custody: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub involved_professionals: Option<Vec<Professional>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub safety_plan: Option<SafetyPlan>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub goals: Option<Vec<Goal>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub screening: Option<Vec<ScreeningOutcome>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub network: Option<Vec<NetworkMember>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HandoverPackage {
    pub schema_version: String,
    pub handover_id: Uuid,
    pub direction: Direction,
    pub from_organisation: String,
    pub contact: Person,
    /// Why the handover, and what is asked of the receiver.
    pub reason: String,
    pub question: String,
    pub meeting: Meeting,
    pub children: Vec<ChildPackage>,
    pub went_well: Option<String>,
    pub open_worries: Option<String>,
    /// Agreements on monitoring safety after departure.
    pub safety_monitoring: Option<String>,
}

/// A family member in a referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReferredPerson {
    /// CARING_PARENT, OTHER_ADULT or CHILD.
    pub role: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
    pub bsn: Option<String>,
}

/// What a youth team sends us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE", deny_unknown_fields)]
pub enum TeamMessage {
    #[serde(rename_all = "camelCase")]
    Acknowledged { handover_id: Uuid },
    #[serde(rename_all = "camelCase")]
    Accepted { handover_id: Uuid },
    #[serde(rename_all = "camelCase")]
    Declined { handover_id: Uuid, reason: String },
    /// A family the team asks the shelter to take in.
    #[serde(rename_all = "camelCase")]
    Referral { referral_id: Uuid, reason: String, question: String, contact: Person, members: Vec<ReferredPerson> },
}

/// The published package schema, compiled.
pub fn package_validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(PACKAGE_SCHEMA).expect("the package schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the package schema is a valid JSON Schema")
}

/// Every way `package` departs from the published schema.
pub fn schema_errors(validator: &jsonschema::Validator, package: &serde_json::Value) -> Vec<String> {
    validator.iter_errors(package).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn full() -> HandoverPackage {
        HandoverPackage {
            schema_version: SCHEMA_VERSION.into(),
            handover_id: Uuid::nil(),
            direction: Direction::Outflow,
            from_organisation: "De Haven".into(),
            contact: Person { name: "Wendy".into(), phone: Some("030".into()), email: None },
            reason: "Vertrek naar eigen woning".into(),
            question: "Ambulante begeleiding van moeder en kind".into(),
            meeting: Meeting { proposed_at: None, place: None, to_be_agreed: true },
            children: vec![ChildPackage {
                identity: Identity {
                    given_name: "Sam".into(),
                    family_name: "J".into(),
                    date_of_birth: "2018-01-01".parse().unwrap(),
                    bsn: Some("111222333".into()),
                },
                custody: Some(vec!["Sara J".into()]),
                involved_professionals: Some(vec![Professional {
                    organisation: Some("GGD".into()),
                    name: None,
                    role: "jeugdarts".into(),
                    phone: None,
                    email: None,
                }]),
                safety_plan: Some(SafetyPlan {
                    version: 2,
                    child_language_text: "Als mama en papa ruzie maken ga ik naar de buren.".into(),
                    review_on: "2026-12-01".parse().unwrap(),
                }),
                goals: Some(vec![Goal {
                    text: "Sam slaapt weer door".into(),
                    core_task: "CHILD_SUPPORT".into(),
                    status: Some("ACHIEVED".into()),
                    score: Some(8),
                }]),
                screening: Some(vec![ScreeningOutcome {
                    instrument: "SDQ".into(),
                    informant: "PARENT".into(),
                    administered_on: "2026-11-01".parse().unwrap(),
                    band: Some("BORDERLINE".into()),
                    flag: None,
                }]),
                network: Some(vec![NetworkMember {
                    name: "Oma".into(),
                    relation: "GRANDPARENT".into(),
                    role_for_child: None,
                }]),
            }],
            went_well: Some("Sam ging graag naar school".into()),
            open_worries: None,
            safety_monitoring: Some("Wijkteam belt na twee weken".into()),
        }
    }

    #[test]
    fn our_packages_meet_the_published_schema_and_extra_fields_do_not() {
        let v = package_validator();
        let package = serde_json::to_value(full()).unwrap();
        assert_eq!(schema_errors(&v, &package), Vec::<String>::new());
        let mut minimal = full();
        minimal.children[0] = ChildPackage {
            identity: minimal.children[0].identity.clone(),
            custody: None,
            involved_professionals: None,
            safety_plan: None,
            goals: None,
            screening: None,
            network: None,
        };
        assert!(schema_errors(&v, &serde_json::to_value(minimal).unwrap()).is_empty());
        let mut with_address = package.clone();
        with_address["children"][0]["address"] = json!("Geheimstraat 1");
        assert!(!schema_errors(&v, &with_address).is_empty());
        let mut with_answers = package;
        with_answers["children"][0]["screening"][0]["answers"] = json!([1, 2]);
        assert!(!schema_errors(&v, &with_answers).is_empty());
    }
}
