//! The Verwijsindex risicojongeren protocol. The message types carry the fact of
//! involvement and how to reach the professional — there is no field for a concern, so none
//! can be sent. Unknown fields are refused both ways.

use chrono::NaiveDate;
use entities::{MessageKind, WithdrawalReason};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How to reach the professional behind a signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContactPoint {
    pub organisation: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Signaal afgeven: `POST {endpoint}/signals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Registration {
    pub signal_id: Uuid,
    pub bsn: String,
    pub contact: ContactPoint,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
}

/// Signaal intrekken: `POST {endpoint}/signals/withdrawals`. Only a reason code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Withdrawal {
    pub signal_id: Uuid,
    pub reason: WithdrawalReasonCode,
}

/// [`WithdrawalReason`] on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WithdrawalReasonCode {
    CareEnded,
    ConcernResolved,
    RegisteredInError,
    Other,
}

impl From<WithdrawalReason> for WithdrawalReasonCode {
    fn from(r: WithdrawalReason) -> Self {
        match r {
            WithdrawalReason::CareEnded => Self::CareEnded,
            WithdrawalReason::ConcernResolved => Self::ConcernResolved,
            WithdrawalReason::RegisteredInError => Self::RegisteredInError,
            WithdrawalReason::Other => Self::Other,
        }
    }
}

/// What the Verwijsindex sends us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE", deny_unknown_fields)]
pub enum Notice {
    /// Our registration is in the index; `messageId` is the id of the message that asked for it.
    #[serde(rename_all = "camelCase")]
    Registered { signal_id: Uuid, message_id: Uuid },
    /// Another organisation registered the same child.
    #[serde(rename_all = "camelCase")]
    Match { signal_id: Uuid, other: ContactPoint, matched_on: NaiveDate },
    /// Another organisation registered a child sharing a parent with ours.
    #[serde(rename_all = "camelCase")]
    FamilyMatch { signal_id: Uuid, other: ContactPoint, matched_on: NaiveDate },
}

impl Notice {
    pub fn kind(&self) -> MessageKind {
        match self {
            Notice::Registered { .. } => MessageKind::ReferenceIndexRegistered,
            Notice::Match { .. } => MessageKind::ReferenceIndexMatch,
            Notice::FamilyMatch { .. } => MessageKind::ReferenceIndexFamilyMatch,
        }
    }
}

pub const REGISTER_PATH: &str = "/signals";
pub const WITHDRAW_PATH: &str = "/signals/withdrawals";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_registration_has_no_room_for_a_concern() {
        let with_concern = json!({
            "signalId": Uuid::nil(), "bsn": "111222333", "startOn": "2026-01-01", "endOn": "2027-01-01",
            "contact": { "organisation": "De Haven", "name": "W", "phone": null, "email": null },
            "concern": "witnessed violence",
        });
        assert!(serde_json::from_value::<Registration>(with_concern).is_err());
    }

    #[test]
    fn notices_are_tagged_by_type() {
        let n: Notice = serde_json::from_value(json!({
            "type": "FAMILY_MATCH", "signalId": Uuid::nil(), "matchedOn": "2026-11-25",
            "other": { "organisation": "Jeugdzorg", "name": "J", "phone": "030", "email": null },
        }))
        .unwrap();
        assert_eq!(n.kind(), MessageKind::ReferenceIndexFamilyMatch);
        assert!(serde_json::from_value::<Notice>(json!({ "type": "CONCERN", "signalId": Uuid::nil() })).is_err());
    }
}
