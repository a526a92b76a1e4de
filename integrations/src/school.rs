//! Handle with Care: after an incident, the school's contact person hears — before the next
//! school day — that the child should be handled with care. The notice carries the child's
//! name and date of birth, the school, the contact person and the code word; its type has
//! room for nothing else.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const CODE_WORD: &str = "Handle with Care";
pub const NOTICE_PATH: &str = "/handle-with-care/notices";

/// The only code word a notice can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeWord {
    #[serde(rename = "Handle with Care")]
    HandleWithCare,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NoticeChild {
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HandleWithCareNotice {
    pub notice_id: Uuid,
    pub child: NoticeChild,
    pub school: String,
    /// The school's designated contact person it is for.
    pub contact_person: String,
    pub code_word: CodeWord,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_notice_is_name_date_of_birth_school_contact_and_code_word() {
        let n = HandleWithCareNotice {
            notice_id: Uuid::nil(),
            child: NoticeChild {
                given_name: "Sam".into(),
                family_name: "Jansen".into(),
                date_of_birth: "2018-04-01".parse().unwrap(),
            },
            school: "De Wilg".into(),
            contact_person: "Ilse".into(),
            code_word: CodeWord::HandleWithCare,
        };
        let v = serde_json::to_value(&n).unwrap();
        assert_eq!(v["codeWord"], CODE_WORD);
        let mut with_reason = v.clone();
        with_reason["incident"] = json!("police at home");
        assert!(serde_json::from_value::<HandleWithCareNotice>(with_reason).is_err());
    }
}
