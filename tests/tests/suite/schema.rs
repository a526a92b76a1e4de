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
