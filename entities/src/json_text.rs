//! A JSON document kept as its text.

use sea_orm::FromJsonQueryResult;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::DeserializeOwned};
use serde_json::value::RawValue;

/// A JSON column read as its text, without building a tree of values: whoever reads it parses
/// it straight into the type it expects, and only when it needs it. A page of screenings built
/// a `serde_json::Value` of every answer and score and then read the scores from that tree; it
/// was a seventh of the server's time on the deep caseload page.
#[derive(Clone, Debug, PartialEq, Eq, FromJsonQueryResult)]
pub struct JsonText(String);

impl JsonText {
    /// `value` written as JSON.
    pub fn of<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Self> {
        serde_json::to_string(value).map(Self)
    }

    /// A column's text as it was read, not yet checked to be JSON: [`JsonText::parse`] checks it.
    pub fn from_column(text: String) -> Self {
        Self(text)
    }

    /// The document read as a `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(&self.0)
    }

    /// The document's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Written as the document itself, not as a string holding it.
impl Serialize for JsonText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_json::from_str::<&RawValue>(&self.0).map_err(serde::ser::Error::custom)?.serialize(s)
    }
}

impl<'de> Deserialize<'de> for JsonText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(d).map(|raw| Self(Box::<str>::from(raw).into_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_written_and_read_back_as_its_type() {
        let text = JsonText::of(&vec![(1, "a"), (2, "b")]).unwrap();
        assert_eq!(text.as_str(), r#"[[1,"a"],[2,"b"]]"#);
        assert_eq!(text.parse::<Vec<(u8, String)>>().unwrap(), vec![(1, "a".to_string()), (2, "b".to_string())]);
        assert!(text.parse::<Vec<String>>().is_err());
        // As a value (how sea-orm binds it) it is the document, not a string.
        assert_eq!(serde_json::to_value(&text).unwrap(), serde_json::json!([[1, "a"], [2, "b"]]));
        assert_eq!(serde_json::from_str::<JsonText>(r#" {"a": [1]} "#).unwrap().as_str(), r#"{"a": [1]}"#);
        assert!(serde_json::to_value(JsonText::from_column("{not json".into())).is_err());
    }
}
