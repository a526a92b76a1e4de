//! The nested queries of a caseload take a constant number of SQL statements, however many
//! families and children they return: one per level, plus authentication and the access log.

use serde_json::json;
use tests::*;

const NESTED: &str = "{ families(first: 50) { edges { node { children { trajectory { responsibleWorker { name } } } } } } }";
const CASELOAD: &str = "{ children(first: 50) { totalCount edges { node { ageBand phase1Overdue person { givenName } \
    custodians { givenName } family { location { name } } trajectory { phase responsibleWorker { name roles } } } } } }";

async fn statements_for(app: &TestApp, token: &str, query: &str) -> (u64, serde_json::Value) {
    let before = app.sql_statements().await;
    let data = app.gql(token, query, json!({})).await;
    (app.sql_statements().await - before, data)
}

#[tokio::test]
async fn nested_family_query_takes_constant_statements() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    for _ in 0..2 {
        admit(&app, &org, without_bsn(family_input(&org, 2))).await;
    }
    let (small, data) = statements_for(&app, &org.lead_token, NESTED).await;
    assert_eq!(data["families"]["edges"].as_array().unwrap().len(), 2);

    for _ in 0..10 {
        admit(&app, &org, without_bsn(family_input(&org, 3))).await;
    }
    let (large, data) = statements_for(&app, &org.lead_token, NESTED).await;
    let families = data["families"]["edges"].as_array().unwrap();
    assert_eq!(families.len(), 12);
    let workers: usize = families.iter().map(|f| f["node"]["children"].as_array().unwrap().len()).sum();
    assert_eq!(workers, 34);

    eprintln!("nested family query: {large} SQL statements");
    assert_eq!(small, large, "statement count grew with the result size");
    // principal + families + members + trajectories + workers, then the access log
    // (lock head, insert entries, move head).
    assert!(large <= 8, "{large} statements");
}

#[tokio::test]
async fn caseload_query_takes_constant_statements() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    admit(&app, &org, without_bsn(family_input(&org, 1))).await;
    let (small, _) = statements_for(&app, &org.lead_token, CASELOAD).await;
    for _ in 0..8 {
        admit(&app, &org, without_bsn(family_input(&org, 4))).await;
    }
    let (large, data) = statements_for(&app, &org.lead_token, CASELOAD).await;
    assert_eq!(data["children"]["totalCount"], 33);
    eprintln!("caseload query: {large} SQL statements");
    assert_eq!(small, large, "statement count grew with the result size");
    assert!(large <= 14, "{large} statements");
}
