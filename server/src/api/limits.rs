//! Limits async-graphql does not enforce itself: the number of aliases in a document.
//! (Depth, complexity and directives are set on the schema; body size on the router.)

use async_graphql::{
    ServerError, ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};
use std::sync::Arc;

/// Refuses documents with more aliases than allowed: aliases let one request ask for the
/// same expensive field many times while staying under the depth limit.
pub struct AliasLimit(pub usize);

impl ExtensionFactory for AliasLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AliasLimit(self.0))
    }
}

#[async_trait::async_trait]
impl Extension for AliasLimit {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let count = count_aliases(&doc);
        if count > self.0 {
            return Err(ServerError::new(format!("the query uses {count} aliases; at most {} are allowed", self.0), None));
        }
        Ok(doc)
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
