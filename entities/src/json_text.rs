//! A JSON document kept as its text.

use sea_orm::FromJsonQueryResult;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::value::RawValue;

/// A JSON column read as its text, without building a tree of values: whoever reads it parses
/// it straight into the type it expects, and only when it needs it. A page of screenings built
/// a `serde_json::Value` of every answer and score and then read the scores from that tree; it
/// was a seventh of the server's time on the deep caseload page.
#[derive(Clone, Debug, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(transparent)]
pub struct JsonText(Box<RawValue>);

impl JsonText {
    /// `value` written as JSON.
    pub fn of<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Self> {
        serde_json::value::to_raw_value(value).map(Self)
    }

    /// The document read as a `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(self.0.get())
    }

    /// The document's text.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }
}

/// Equal when written alike: documents come back from the database as they were written.
impl PartialEq for JsonText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for JsonText {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_written_and_read_back_as_its_type() {
        let text = JsonText::of(&vec![(1, "a"), (2, "b")]).unwrap();
        assert_eq!(text.as_str(), r#"[[1,"a"],[2,"b"]]"#);
        assert_eq!(text.parse::<Vec<(u8, String)>>().unwrap(), vec![(1, "a".to_string()), (2, "b".to_string())]);
        assert!(text.parse::<Vec<String>>().is_err());
    }
}
