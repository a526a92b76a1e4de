//! `schema.graphql` at the repository root is generated from the code; this fails when it drifts.

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
