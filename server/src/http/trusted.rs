//! Trusted documents: the GraphQL documents a frontend was built with, loaded from its
//! persisted-documents manifest, answered by id — and, when the allow-list is enforced, the only
//! documents this server runs. A client that may send any document can probe the whole schema;
//! one limited to its own build's operations cannot, whatever token it holds.

use std::{
    collections::{HashMap, HashSet},
    path::PathBuf,
    sync::Arc,
};

/// Why a request's document is not run.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// An id, and no manifest is loaded.
    NotSupported,
    /// An id the manifests do not hold.
    NotFound,
    /// A document not among the trusted ones while only those may run.
    NotTrusted,
}

impl Refusal {
    /// Message and code; the messages are those Apollo Client and Relay recognise.
    pub fn message_and_code(&self) -> (&'static str, &'static str) {
        match self {
            Refusal::NotSupported => ("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED"),
            Refusal::NotFound => ("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"),
            Refusal::NotTrusted => (
                "only trusted documents run here: send the documentId of an operation your build was made with",
                "DOCUMENT_NOT_TRUSTED",
            ),
        }
    }

    /// The refusal as a request error carrying its code, for HTTP and WebSocket alike.
    pub fn error(&self) -> async_graphql::ServerError {
        let (message, code) = self.message_and_code();
        let mut error = async_graphql::ServerError::new(message, None);
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        extensions.set("code", code);
        error.extensions = Some(extensions);
        error
    }
}

#[derive(Default)]
pub struct TrustedDocuments {
    by_id: HashMap<String, Arc<str>>,
    texts: HashSet<Arc<str>>,
    /// Refuse every document not in `by_id`.
    only: bool,
}

impl TrustedDocuments {
    /// Loads the manifests: graphql-codegen's and Relay's `{ "<id>": "<document>" }`, or Apollo's
    /// persisted-query manifest (`{ "format": "apollo-persisted-query-manifest", "operations":
    /// [{ "id", "body" }] }`). Every document must parse, so that a broken build stops the start.
    pub fn load(paths: &[PathBuf], only: bool) -> anyhow::Result<Self> {
        let mut trusted = Self { only, ..Self::default() };
        for path in paths {
            let read = || -> anyhow::Result<Vec<(String, String)>> {
                let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(path)?)?;
                if manifest["format"] == "apollo-persisted-query-manifest" {
                    #[derive(serde::Deserialize)]
                    struct Operation {
                        id: String,
                        body: String,
                    }
                    let operations: Vec<Operation> = serde_json::from_value(manifest["operations"].clone())?;
                    return Ok(operations.into_iter().map(|o| (o.id, o.body)).collect());
                }
                Ok(serde_json::from_value::<HashMap<String, String>>(manifest)?.into_iter().collect())
            };
            let documents = read().map_err(|e| anyhow::anyhow!("trusted documents {}: {e}", path.display()))?;
            for (id, text) in documents {
                async_graphql::parser::parse_query(&text).map_err(|e| {
                    anyhow::anyhow!("trusted documents {}: document {id} does not parse: {e}", path.display())
                })?;
                let text: Arc<str> = text.into();
                trusted.texts.insert(text.clone());
                trusted.by_id.insert(bare(&id).to_string(), text);
            }
        }
        Ok(trusted)
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Puts the document of `document_id` (GraphQL over HTTP's trusted documents; `sha256:`
    /// prefix or not) or of Apollo's `extensions.persistedQuery.sha256Hash` into the request, or
    /// refuses it. A document sent as text runs when it is trusted or the list is not enforced.
    pub fn resolve(&self, request: &mut async_graphql::Request, document_id: Option<&str>) -> Result<(), Refusal> {
        let apollo = request.extensions.get("persistedQuery").and_then(|p| match p {
            async_graphql::Value::Object(p) => match p.get("sha256Hash") {
                Some(async_graphql::Value::String(hash)) => Some(hash.clone()),
                _ => None,
            },
            _ => None,
        });
        let id = document_id.map(str::to_string).or(apollo);
        if !request.query.trim().is_empty() {
            return if self.only && !self.texts.contains(request.query.as_str()) {
                Err(Refusal::NotTrusted)
            } else {
                Ok(())
            };
        }
        let Some(id) = id else { return Ok(()) };
        match self.by_id.get(bare(&id)) {
            Some(text) => {
                request.query = text.to_string();
                Ok(())
            }
            None if self.by_id.is_empty() => Err(Refusal::NotSupported),
            None => Err(Refusal::NotFound),
        }
    }
}

/// An id without the `sha256:` that graphql-codegen writes and Apollo's `sha256Hash` leaves out.
fn bare(id: &str) -> &str {
    id.strip_prefix("sha256:").unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(dir: &std::path::Path, name: &str, body: serde_json::Value) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, body.to_string()).unwrap();
        path
    }

    fn request(query: &str) -> async_graphql::Request {
        async_graphql::Request::new(query)
    }

    #[test]
    fn documents_are_found_by_id_in_either_manifest_format() {
        let dir = tempfile::tempdir().unwrap();
        let codegen =
            manifest(dir.path(), "codegen.json", serde_json::json!({ "abc": "query A { viewer { subject } }" }));
        let apollo = manifest(
            dir.path(),
            "apollo.json",
            serde_json::json!({ "format": "apollo-persisted-query-manifest", "version": 1,
                "operations": [{ "id": "def", "name": "B", "type": "query", "body": "query B { viewer { roles } }" }] }),
        );
        let trusted = TrustedDocuments::load(&[codegen, apollo], true).unwrap();
        assert_eq!(trusted.len(), 2);
        for id in ["abc", "sha256:abc"] {
            let mut r = request("");
            trusted.resolve(&mut r, Some(id)).unwrap();
            assert_eq!(r.query, "query A { viewer { subject } }");
        }
        let mut r = request("");
        r.extensions.insert(
            "persistedQuery".into(),
            async_graphql::Value::from_json(serde_json::json!({ "version": 1, "sha256Hash": "def" })).unwrap(),
        );
        trusted.resolve(&mut r, None).unwrap();
        assert_eq!(r.query, "query B { viewer { roles } }");
        assert_eq!(trusted.resolve(&mut request(""), Some("nope")), Err(Refusal::NotFound));
        // The same text as a trusted document runs; any other does not.
        assert_eq!(trusted.resolve(&mut request("query A { viewer { subject } }"), None), Ok(()));
        assert_eq!(trusted.resolve(&mut request("{ viewer { subject } }"), None), Err(Refusal::NotTrusted));
    }

    #[test]
    fn without_enforcement_any_document_runs_and_without_manifests_ids_are_not_supported() {
        let dir = tempfile::tempdir().unwrap();
        let codegen = manifest(dir.path(), "codegen.json", serde_json::json!({ "abc": "{ viewer { subject } }" }));
        let open = TrustedDocuments::load(&[codegen], false).unwrap();
        assert_eq!(open.resolve(&mut request("{ families { totalCount } }"), None), Ok(()));
        let none = TrustedDocuments::load(&[], false).unwrap();
        assert_eq!(none.resolve(&mut request(""), Some("abc")), Err(Refusal::NotSupported));
    }

    #[test]
    fn a_manifest_that_does_not_parse_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let broken = manifest(dir.path(), "broken.json", serde_json::json!({ "abc": "query { viewer {" }));
        let err = TrustedDocuments::load(&[broken], true).err().unwrap().to_string();
        assert!(err.contains("abc") && err.contains("broken.json"), "{err}");
        let missing = TrustedDocuments::load(&[dir.path().join("missing.json")], true).err().unwrap();
        assert!(missing.to_string().contains("missing.json"));
    }
}
