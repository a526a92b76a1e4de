//! The demo and benchmark data sets load through the use cases, obey every rule and appear in
//! the access log.

use entities::{family, organisation, trajectory};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tests::*;

#[tokio::test]
async fn the_demo_data_set_loads_once() {
    let app = spawn_app().await;
    assert!(server::seed::seed_demo(&app.db).await.unwrap());
    assert!(!server::seed::seed_demo(&app.db).await.unwrap(), "loaded a second time");
    assert_eq!(organisation::Entity::find().count(&app.db).await.unwrap(), 2);
    assert_eq!(family::Entity::find().count(&app.db).await.unwrap(), 22);
    let closed = trajectory::Entity::find()
        .filter(trajectory::Column::Phase.eq(entities::Phase::Closed))
        .count(&app.db)
        .await
        .unwrap();
    let open = trajectory::Entity::find()
        .filter(trajectory::Column::Phase.ne(entities::Phase::Closed))
        .count(&app.db)
        .await
        .unwrap();
    assert!(open > 22 && closed > 0, "{open} open, {closed} closed trajectories");
    let created =
        access_log(&app.db).await.into_iter().filter(|e| e.action == entities::AccessAction::Create).count() as u64;
    assert!(created > open, "admissions are in the access log ({created} entries)");
    // The demo is usable through the API: a team lead of de-haven sees its families.
    let lead = app.sign(&app.claims("de-haven", &[entities::Role::TeamLead], None));
    let data = app.gql(&lead, "{ families { totalCount } }", serde_json::json!({})).await;
    assert_eq!(data["families"]["totalCount"], 14);
    // Every record of the method is in the demo, and the board reads them.
    for (table, n) in [
        ("non_accompanying_parent", entities::non_accompanying_parent::Entity::find().count(&app.db).await.unwrap()),
        ("living_climate_check", entities::living_climate_check::Entity::find().count(&app.db).await.unwrap()),
        ("child_activity", entities::child_activity::Entity::find().count(&app.db).await.unwrap()),
        ("psycho_education", entities::psycho_education::Entity::find().count(&app.db).await.unwrap()),
        ("board_result", entities::board_result::Entity::find().count(&app.db).await.unwrap()),
        ("consent", entities::consent::Entity::find().count(&app.db).await.unwrap()),
    ] {
        assert!(n > 0, "no {table} in the demo");
    }
    let signals = entities::reporting_code_track::Entity::find()
        .filter(
            entities::reporting_code_track::Column::CloseReason
                .eq(entities::ReportingCodeCloseReason::SuspicionNotConfirmed),
        )
        .count(&app.db)
        .await
        .unwrap();
    assert!(signals > 0, "a Meldcode track closed without a report");
    let q = "{ children(first: 100) { edges { node { board { key state } } } } }";
    let children = app.gql(&lead, q, serde_json::json!({})).await;
    let states = |key: &str| -> Vec<String> {
        children["children"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e["node"]["board"].as_array().unwrap().iter().find(|i| i["key"] == key).unwrap()["state"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert!(states("NON_ACCOMPANYING_PARENT").contains(&"DONE".to_string()));
    assert!(states("WORKING_RELATIONSHIP_BEGUN").contains(&"DONE".to_string()));
    let consent = states("WORKING_RELATIONSHIP");
    assert!(
        consent.iter().any(|s| s == "DONE") && consent.iter().any(|s| s != "DONE"),
        "some children still lack consent: {consent:?}"
    );
    // The demo's quality officer sees figures over the year so far.
    let officer = app.sign(&app.claims("de-haven", &[entities::Role::QualityOfficer], None));
    let year = today().format("%Y").to_string();
    let q = "query($p: String!) { normFigures(filter: { period: $p }) { figures { code denominator status } } }";
    let figures = app.gql(&officer, q, serde_json::json!({ "p": year })).await["normFigures"]["figures"].clone();
    let with_data =
        figures.as_array().unwrap().iter().filter(|f| f["denominator"].as_i64().is_some_and(|d| d > 0)).count();
    assert!(with_data >= 5, "the demo gives figures: {figures}");
}

#[tokio::test]
async fn the_benchmark_data_set_loads_into_its_own_organisation() {
    let app = spawn_app().await;
    server::seed::seed_bench(&app.db, "bench", 25).await.unwrap();
    let bench = organisation::Entity::find()
        .filter(organisation::Column::Slug.eq("bench"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        family::Entity::find().filter(family::Column::OrganisationId.eq(bench.id)).count(&app.db).await.unwrap(),
        25
    );
    let children = trajectory::Entity::find()
        .filter(trajectory::Column::OrganisationId.eq(bench.id))
        .count(&app.db)
        .await
        .unwrap();
    assert!((25..=100).contains(&children), "{children} children");
    // Every child has what the deeper benchmark page reads.
    let assessed = entities::safety_assessment::Entity::find()
        .filter(entities::safety_assessment::Column::OrganisationId.eq(bench.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(assessed, children);
    assert!(entities::screening::Entity::find().count(&app.db).await.unwrap() > 0);
    assert!(
        server::seed::seed_bench(&app.db, "bench", 1).await.is_err(),
        "a second load into the same organisation is refused"
    );
    server::seed::seed_bench(&app.db, "bench-2", 2).await.expect("a second organisation beside it");
}
