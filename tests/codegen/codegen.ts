// graphql-codegen's client preset as a frontend would configure it, with persisted documents:
// writes src/gql/ and src/gql/persisted-documents.json ({ "<sha256>": "<document>" }), the
// manifest an operator loads as `graphql.trusted_documents`. Copied to
// ../fixtures/persisted-documents.json by `npm run generate`.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/**/*.ts", "!src/gql/**"],
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { persistedDocuments: { hashAlgorithm: "sha256" } },
    },
  },
};
export default config;
