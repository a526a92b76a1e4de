//! `schema.graphql` at the repository root is generated from the code; this fails when it drifts.

use async_graphql::parser::types::{TypeDefinition, TypeKind, TypeSystemDefinition};

#[test]
fn checked_in_schema_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let generated = server::api::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "schema.graphql is out of date; regenerate it with `cargo run -p server -- print-schema > schema.graphql` \
         (or UPDATE_SCHEMA=1 cargo test -p tests --test schema)"
    );
}

/// Every GraphQL example of the README parses and validates against `schema.graphql`, checked by
/// graphql-js (the reference implementation, from npm at the version its lockfile pins). Needs
/// Node.js and npm; the first run installs the package under `tests/readme/node_modules`.
#[test]
fn every_graphql_example_in_the_readme_is_valid() {
    use std::process::Command;
    let dir = tests::npm_package("readme");
    let check = Command::new("node")
        .args(["check.mjs", "../../README.md", "../../schema.graphql"])
        .current_dir(&dir)
        .output()
        .expect("this test needs Node.js");
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "README examples invalid against schema.graphql:\n{report}{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// graphql-codegen reads the schema from the running server's URL, as a frontend team does
/// (issue 14: introspection past the depth limit), and writes the same persisted documents as
/// from `schema.graphql` (the trusted-documents fixture). Needs Node.js and npm.
#[tokio::test]
async fn graphql_codegen_builds_from_the_running_url() {
    let app = tests::spawn_app().await;
    let dir = tests::npm_package("codegen");
    let out = tempfile::tempdir().unwrap();
    let (url, target) = (app.url("/graphql"), format!("{}/gql/", out.path().display()));
    let run = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node_modules/.bin/graphql-codegen")
            .args(["--config", "codegen.ts"])
            .env("SCHEMA_URL", url)
            .env("OUT", target)
            .current_dir(dir)
            .output()
            .expect("this test needs Node.js")
    })
    .await
    .unwrap();
    assert!(run.status.success(), "{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    let read = |path: std::path::PathBuf| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    };
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/persisted-documents.json");
    assert_eq!(read(out.path().join("gql/persisted-documents.json")), read(fixture));
}

/// The type definitions of the checked-in `schema.graphql`.
fn checked_in_types() -> Vec<TypeDefinition> {
    let doc =
        async_graphql::parser::parse_schema(include_str!("../../../schema.graphql")).expect("schema.graphql parses");
    doc.definitions
        .into_iter()
        .filter_map(|d| match d {
            TypeSystemDefinition::Type(ty) => Some(ty.node),
            _ => None,
        })
        .collect()
}

/// Every argument of every field says what it does (issue 14, item 10): an integrator reads
/// the schema in GraphiQL's Docs or in generated code, not our sources.
#[test]
fn every_argument_is_described() {
    let mut undescribed = Vec::new();
    for ty in checked_in_types() {
        let fields = match &ty.kind {
            TypeKind::Object(object) => &object.fields,
            TypeKind::Interface(interface) => &interface.fields,
            _ => continue,
        };
        for field in fields {
            for argument in &field.node.arguments {
                if argument.node.description.is_none() {
                    undescribed.push(format!("{}.{}({})", ty.name.node, field.node.name.node, argument.node.name.node));
                }
            }
        }
    }
    assert!(undescribed.is_empty(), "arguments without a description: {undescribed:?}");
}

/// Every object with an `id: ID!` is a Relay `Node` (issue 14, item 10), so that a client's
/// cache can refetch any of them by `node(id:)`.
#[test]
fn every_object_with_an_id_is_a_node() {
    let mut missing = Vec::new();
    for ty in checked_in_types() {
        let TypeKind::Object(object) = &ty.kind else { continue };
        let has_id = object.fields.iter().any(|f| f.node.name.node == "id" && f.node.ty.node.to_string() == "ID!");
        let is_node = object.implements.iter().any(|i| i.node == "Node");
        if has_id && !is_node {
            missing.push(ty.name.node.to_string());
        }
    }
    assert!(missing.is_empty(), "objects with an id that are not a Node: {missing:?}");
}

/// Every mutation answers a `<MutationName>Payload` (issue 14, item 10) holding what it wrote
/// and `query: Query!`, so a client updates its cache from the answer instead of guessing.
#[test]
fn every_mutation_returns_its_payload() {
    let types = checked_in_types();
    let object = |name: &str| {
        types.iter().find(|t| t.name.node == name).and_then(|t| match &t.kind {
            TypeKind::Object(o) => Some(o),
            _ => None,
        })
    };
    let mutation = object("Mutation").expect("a Mutation type");
    let mut wrong = Vec::new();
    for field in &mutation.fields {
        let name = &field.node.name.node;
        let expected = format!("{}{}Payload!", name[..1].to_uppercase(), &name[1..]);
        let returns = field.node.ty.node.to_string();
        let payload = object(returns.trim_end_matches('!'));
        let has_query = payload.is_some_and(|p| {
            p.fields.iter().any(|f| f.node.name.node == "query" && f.node.ty.node.to_string() == "Query!")
        });
        if returns != expected || !has_query || payload.is_some_and(|p| p.fields.len() < 2) {
            wrong.push(format!("{name}: {returns}"));
        }
    }
    assert!(wrong.is_empty(), "mutations without their payload: {wrong:?}");
}
