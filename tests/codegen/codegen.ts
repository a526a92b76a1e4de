// graphql-codegen's client preset as a frontend would configure it, with persisted documents:
// writes src/gql/ and src/gql/persisted-documents.json ({ "sha256:<hash>": "<document>" }), the
// manifest an operator loads as `graphql.trusted_documents`. `npm run generate` copies it to
// ../fixtures/persisted-documents.json. With SCHEMA_URL the schema is read from a running server
// by introspection (and OUT says where to write), as a frontend team does.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: process.env.SCHEMA_URL ?? "../../schema.graphql",
  documents: ["src/**/*.ts", "!src/gql/**"],
  generates: {
    [process.env.OUT ?? "src/gql/"]: {
      preset: "client",
      presetConfig: { persistedDocuments: { hashAlgorithm: "sha256" } },
    },
  },
};
export default config;
