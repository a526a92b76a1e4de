// Starts GraphiQL against this server's /graphql. A file of its own, not an inline script: the
// page's Content-Security-Policy runs scripts of this origin only.
"use strict";
const defaultQuery = `# Veerkracht GraphQL API.
#
# Add your token in the Headers pane below, e.g.
#   { "Authorization": "Bearer <token>" }
# (in development: \`veerkracht dev-token --organisation de-haven --role TEAM_LEAD\`).
# Headers are not stored in this browser.

{
  viewer { subject roles organisation { name } }
}
`;
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: new URL("/graphql", window.location.href).href }),
    defaultQuery,
    defaultEditorToolsVisibility: "headers",
    shouldPersistHeaders: false,
  }),
);
