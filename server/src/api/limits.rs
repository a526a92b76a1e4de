//! Checks of a request before it executes that async-graphql does not make itself: the number
//! of aliases in a document, text no database can store, and whether a document asks only
//! about the schema. (Depth, complexity and directives
//! are set on the schema; body size on the router.)

use async_graphql::{
    ErrorExtensionValues, Request, ServerError, Value,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// The checks every document passes before it runs: aliases, then text.
pub fn check(request: &mut Request, max_aliases: usize) -> Result<(), ServerError> {
    check_aliases(request, max_aliases)?;
    check_text(request)
}

/// Refuses documents with more aliases than allowed: aliases let one request ask for the
/// same expensive field many times while staying under the depth limit.
///
/// Checked on the parsed document before execution, which then reuses it. Not an
/// async-graphql extension: with any extension installed, every field of every response goes
/// through the extension chain (a boxed future and a registry lookup per field), which cost
/// about a tenth of a large page's time.
pub fn check_aliases(request: &mut Request, max: usize) -> Result<(), ServerError> {
    // A document that does not parse is left to execution, which reports it.
    let Ok(doc) = request.parsed_query() else { return Ok(()) };
    match count_aliases(doc) {
        count if count > max => {
            Err(ServerError::new(format!("the query uses {count} aliases; at most {max} are allowed"), None))
        }
        _ => Ok(()),
    }
}

/// Refuses text containing the NUL character anywhere in the request's variables or in the
/// arguments written in the document, naming the field (`input.summary`). PostgreSQL cannot
/// store it in a text column and answered INTERNAL; one check here covers every string input.
pub fn check_text(request: &mut Request) -> Result<(), ServerError> {
    let mut found = request.variables.iter().find_map(|(name, value)| nul_in(value, name.to_string()));
    if found.is_none()
        && let Ok(doc) = request.parsed_query()
    {
        let sets = doc
            .operations
            .iter()
            .map(|(_, op)| &op.node.selection_set.node)
            .chain(doc.fragments.values().map(|f| &f.node.selection_set.node));
        found = sets.into_iter().find_map(nul_in_arguments);
    }
    let Some(field) = found else { return Ok(()) };
    let mut error = ServerError::new(format!("{field}: text must not contain the NUL character (U+0000)"), None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", "BAD_USER_INPUT");
    extensions.set("field", field);
    error.extensions = Some(extensions);
    Err(error)
}

fn nul_in(value: &Value, path: String) -> Option<String> {
    match value {
        Value::String(s) => s.contains('\0').then_some(path),
        Value::List(items) => items.iter().enumerate().find_map(|(i, v)| nul_in(v, format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| nul_in(v, format!("{path}.{k}"))),
        _ => None,
    }
}

fn nul_in_arguments(set: &SelectionSet) -> Option<String> {
    set.items.iter().find_map(|s| match &s.node {
        Selection::Field(f) => f
            .node
            .arguments
            .iter()
            .find_map(|(name, value)| {
                // Variables in the literal are checked with the request's variables.
                let literal =
                    value.node.clone().into_const_with(|_| Ok::<_, std::convert::Infallible>(Value::Null)).ok()?;
                nul_in(&literal, name.node.to_string())
            })
            .or_else(|| nul_in_arguments(&f.node.selection_set.node)),
        Selection::InlineFragment(f) => nul_in_arguments(&f.node.selection_set.node),
        Selection::FragmentSpread(_) => None,
    })
}

/// Whether every operation of the document asks only about the schema (`__schema`, `__type`,
/// `__typename` at its root, also through fragments).
pub fn only_introspection(doc: &ExecutableDocument) -> bool {
    fn walk(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> bool {
        // Fragments spreading each other in a cycle are refused by validation; stop here.
        depth < 16
            && set.items.iter().all(|s| match &s.node {
                Selection::Field(f) => f.node.name.node.starts_with("__"),
                Selection::InlineFragment(f) => walk(doc, &f.node.selection_set.node, depth + 1),
                Selection::FragmentSpread(spread) => doc
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .is_some_and(|f| walk(doc, &f.node.selection_set.node, depth + 1)),
            })
    }
    doc.operations.iter().all(|(_, op)| walk(doc, &op.node.selection_set.node, 0))
}

pub fn count_aliases(doc: &ExecutableDocument) -> usize {
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|s| match &s.node {
                Selection::Field(f) => usize::from(f.node.alias.is_some()) + walk(&f.node.selection_set.node),
                Selection::InlineFragment(f) => walk(&f.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    doc.operations.iter().map(|(_, op)| walk(&op.node.selection_set.node)).sum::<usize>()
        + doc.fragments.values().map(|f| walk(&f.node.selection_set.node)).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_a_document_that_asks_only_about_the_schema() {
        let only = |q: &str| only_introspection(&async_graphql::parser::parse_query(q).unwrap());
        assert!(only("{ __schema { types { name } } __type(name: \"Child\") { name } }"));
        assert!(only("query Q { ...S } fragment S on Query { ... on Query { __schema { queryType { name } } } }"));
        assert!(!only("{ __schema { queryType { name } } viewer { subject } }"));
        assert!(!only("{ ...S } fragment S on Query { viewer { subject } }"));
        assert!(!only("query A { __typename } query B { viewer { subject } }"), "every operation counts");
    }

    #[test]
    fn counts_aliases_in_operations_and_fragments() {
        let doc = async_graphql::parser::parse_query(
            "query { a: viewer { x: subject } viewer { subject } ...F } fragment F on Query { b: viewer { subject } }",
        )
        .unwrap();
        assert_eq!(count_aliases(&doc), 3);
    }

    #[test]
    fn nul_characters_are_found_with_their_field() {
        let field = |query: &str, variables: serde_json::Value| {
            let mut request = Request::new(query).variables(async_graphql::Variables::from_json(variables));
            check_text(&mut request).err().map(|e| e.extensions.unwrap().get("field").unwrap().to_string())
        };
        let q = "mutation($input: X!) { a(input: $input) { id } }";
        assert_eq!(field(q, serde_json::json!({ "input": { "summary": "ok" } })), None);
        assert_eq!(
            field(q, serde_json::json!({ "input": { "tags": ["ok", "a\u{0}b"] } })).as_deref(),
            Some("\"input.tags[1]\"")
        );
        let inline = "mutation { a(input: { notes: { text: \"x\\u0000\" } }) { id } }";
        assert_eq!(field(inline, serde_json::json!({})).as_deref(), Some("\"input.notes.text\""));
    }
}
