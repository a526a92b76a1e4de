//! Limits async-graphql does not enforce itself: the number of aliases in a document.
//! (Depth, complexity and directives are set on the schema; body size on the router.)

use async_graphql::{
    Request, ServerError,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

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
        count if count > max => Err(ServerError::new(format!("the query uses {count} aliases; at most {max} are allowed"), None)),
        _ => Ok(()),
    }
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
    fn counts_aliases_in_operations_and_fragments() {
        let doc = async_graphql::parser::parse_query(
            "query { a: viewer { x: subject } viewer { subject } ...F } fragment F on Query { b: viewer { subject } }",
        )
        .unwrap();
        assert_eq!(count_aliases(&doc), 3);
    }
}
