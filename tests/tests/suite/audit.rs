//! NEN 7513: every read and change of a person's record is logged, append-only, sealed into a
//! hash chain with signed checkpoints; verification notices changed, removed, re-chained and
//! wiped entries, and a read whose entry cannot be written is refused.

use sea_orm::ConnectionTrait;
use serde_json::json;
use tests::*;

const LOG: &str = "query($id: ID!) { accessLog(personId: $id, first: 100) { totalCount edges { node { \
    seq action areas ground actorSubject actorWorkerId actorRoles requestId clientAddress userAgent hash prevHash } } } }";
const VERIFY: &str = "{ verifyAccessLog { valid entriesChecked firstBrokenSeq checkpointSize problem } }";

#[tokio::test]
async fn reads_and_changes_are_logged_with_who_what_where_and_why() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let family = admit(&app, &org, family_input(&org, 1)).await;
    let child = family["children"][0]["id"].clone();

    let res = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&org.expert_token)
        .header("user-agent", "case-ui/1.0")
        .json(&json!({ "query": "query($id: ID!) { child(id: $id) { person { givenName } custodians { givenName } } }", "variables": { "id": child } }))
        .send()
        .await
        .unwrap();
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(res.json::<serde_json::Value>().await.unwrap()["errors"].is_null());

    let log = app.gql(&org.lead_token, LOG, json!({ "id": child })).await["accessLog"].clone();
    let entries: Vec<_> = log["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect();
    let areas = |e: &serde_json::Value| {
        e["areas"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    let created: Vec<_> = entries.iter().filter(|e| e["action"] == "CREATE").flat_map(areas).collect();
    assert_eq!(created, ["identity", "custody", "trajectory"]);
    assert!(entries.iter().all(|e| e["actorSubject"] == org.worker.id.to_string() || e["action"] == "READ"));

    let reads: Vec<_> = entries.iter().filter(|e| e["requestId"] == request_id.as_str()).collect();
    let mut read: Vec<_> = reads.iter().flat_map(|e| areas(e)).collect();
    read.sort();
    assert_eq!(read, ["custody", "identity"]);
    for e in reads {
        assert_eq!(e["action"], "READ");
        assert_eq!(e["ground"], "role:BEHAVIOURAL_EXPERT");
        assert_eq!(e["actorRoles"], json!(["BEHAVIOURAL_EXPERT"]));
        assert_eq!(e["actorWorkerId"], Org::worker_gid(&org.expert));
        assert_eq!(e["clientAddress"], "127.0.0.1");
        assert_eq!(e["userAgent"], "case-ui/1.0");
    }

    // Only roles that check access may read the log.
    let err = app.gql_error(&org.worker_token, LOG, json!({ "id": child })).await;
    assert_eq!(err["extensions"]["code"], "FORBIDDEN");

    // Changing a record logs an UPDATE.
    let mum = family["members"][0]["person"]["id"].clone();
    app.gql(
        &org.worker_token,
        "mutation($id: ID!) { updatePerson(input: { id: $id, givenName: \"Sarah\" }) { person { id } } }",
        json!({ "id": mum }),
    )
    .await;
    let log = app.gql(&org.lead_token, LOG, json!({ "id": mum })).await;
    assert!(log["accessLog"]["edges"].as_array().unwrap().iter().any(|e| e["node"]["action"] == "UPDATE"));
}

/// The suite checks every response against the access log of its request (issue 11, item 4);
/// a person shown under a request that logged nobody must fail that check, whether the
/// response names them by id or only by name.
#[tokio::test]
async fn the_suite_s_log_check_notices_a_person_shown_but_not_logged() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let family = admit(&app, &org, family_input(&org, 1)).await;
    let member = &family["members"][0]["person"];
    for shown in
        [json!({ "id": member["id"], "age": 30 }), json!({ "givenName": member["givenName"], "role": "CARING_PARENT" })]
    {
        let body = json!({ "data": { "shown": shown } });
        let check = std::panic::AssertUnwindSafe(app.assert_persons_logged("a-request-that-logged-nothing", &body));
        assert!(futures::FutureExt::catch_unwind(check).await.is_err(), "{shown} passed the check");
    }
}

/// Runs `sql` as someone with full power over the database would: past the append-only guards.
async fn tamper(app: &TestApp, sql: &str) {
    match database_kind() {
        "postgres" => {
            app.db
                .execute_unprepared(&format!("BEGIN; SET LOCAL session_replication_role = replica; {sql}; COMMIT;"))
                .await
        }
        _ => {
            for guard in [
                "access_event_no_update",
                "access_event_no_delete",
                "access_event_person_scope_no_update",
                "access_event_person_scope_no_delete",
                "access_checkpoint_no_update",
                "access_checkpoint_no_delete",
            ] {
                app.db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {guard}")).await.unwrap();
            }
            app.db.execute_unprepared(sql).await
        }
    }
    .unwrap();
}

/// `sql` on SQLite, where the person index is a full-text index apart from the events
/// (`access_event_person_index`); nothing on PostgreSQL, where it is a GIN index over them.
fn person_index(sql: &str) -> String {
    if database_kind() == "sqlite" { sql.to_string() } else { String::new() }
}

/// SQLite: the person index's document of an event `e` (migration 22), and the events with
/// their organisation's number `s`.
const DOCUMENT: &str = "s.scope * 1099511627776 + e.seq";
const EVENTS: &str = "access_event e JOIN access_event_person_scope s ON s.organisation_id = e.organisation_id";

/// SQLite: takes `words` (SQL over the event `e`) of the events `which` out of the person
/// index, as someone with write access to the database file can.
fn unindex(words: &str, which: &str) -> String {
    format!(
        "INSERT INTO access_event_person_index (access_event_person_index, rowid, persons) \
         SELECT 'delete', {DOCUMENT}, {words} FROM {EVENTS} WHERE {which}"
    )
}

async fn verify(app: &TestApp, org: &Org) -> serde_json::Value {
    app.gql(&org.admin_token, VERIFY, json!({})).await["verifyAccessLog"].clone()
}

/// An organisation with a few sealed entries, and the chain's length.
async fn logged(app: &TestApp) -> (Org, i64) {
    let org = org(app, "haven").await;
    admit(app, &org, family_input(&org, 2)).await;
    app.gql(&org.lead_token, "{ families { edges { node { members { person { givenName } } } } } }", json!({})).await;
    let report = verify(app, &org).await;
    assert_eq!(report["valid"], true, "{report}");
    (org, report["entriesChecked"].as_i64().unwrap())
}

#[tokio::test]
async fn the_chain_is_intact_append_only_and_tampering_is_detected() {
    let app = spawn_app().await;
    let (org, total) = logged(&app).await;
    assert!(total >= 5, "{total} events");
    let report = verify(&app, &org).await;
    assert_eq!(report["checkpointSize"], total, "every seal signs a checkpoint: {report}");

    // Each entry carries the previous entry's hash.
    let person = app.gql(&org.lead_token, "{ families { edges { node { children { id } } } } }", json!({})).await;
    let child = person["families"]["edges"][0]["node"]["children"][0]["id"].clone();
    let log = app.gql(&org.lead_token, LOG, json!({ "id": child })).await;
    let edges = log["accessLog"]["edges"].as_array().unwrap();
    assert_eq!(edges[0]["node"]["seq"], 1, "the admission was logged first");
    assert_eq!(edges[1]["node"]["prevHash"].as_str().unwrap().len(), 64);

    // The database refuses to rewrite history.
    let mut refused = vec![
        "UPDATE access_event SET area = 'x'",
        "UPDATE access_event SET seq = seq + 100",
        "DELETE FROM access_event",
        "DELETE FROM access_checkpoint",
    ];
    if database_kind() == "sqlite" {
        // The full-text index holds no content, so it has no rows to delete or change.
        refused.extend([
            "DELETE FROM access_event_person_index",
            "UPDATE access_event_person_index SET persons = ''",
            "DELETE FROM access_event_person_scope",
            "UPDATE access_event_person_scope SET scope = scope + 1",
        ]);
    }
    for sql in refused {
        assert!(app.db.execute_unprepared(sql).await.is_err(), "{sql} was allowed");
    }
    if database_kind() == "postgres" {
        for table in ["access_event", "access_checkpoint"] {
            assert!(
                app.db.execute_unprepared(&format!("TRUNCATE {table} CASCADE")).await.is_err(),
                "TRUNCATE {table} was allowed"
            );
        }
    }

    // Someone with enough power to pass the guard still cannot hide a change.
    tamper(&app, "UPDATE access_event SET ground = 'override' WHERE seq = 3").await;
    let report = verify(&app, &org).await;
    assert_eq!(report["valid"], false);
    assert_eq!(report["firstBrokenSeq"], 3);
}

/// SQLite's person index is kept apart from the events (PostgreSQL's is a GIN index over the
/// hashed column, which cannot be changed apart from it).
#[tokio::test]
async fn removing_a_person_from_the_index_is_detected() {
    if database_kind() != "sqlite" {
        return;
    }
    let app = spawn_app().await;
    let (org, _) = logged(&app).await;
    tamper(
        &app,
        // FTS5's own command for taking a document's words out of a contentless index: here
        // the first person entry 1 names.
        &unindex("substr(e.persons, 1, 36)", "e.seq = 1"),
    )
    .await;
    let report = verify(&app, &org).await;
    assert_eq!((report["valid"].clone(), report["firstBrokenSeq"].clone()), (json!(false), json!(1)), "{report}");
}

/// An entry listed for a person it does not name would show in that person's access log.
#[tokio::test]
async fn adding_a_person_to_the_index_is_detected() {
    if database_kind() != "sqlite" {
        return;
    }
    let app = spawn_app().await;
    let (org, _) = logged(&app).await;
    // The first person of entry 1, added to the first later entry that does not name them.
    let person = "(SELECT substr(persons, 1, 36) FROM access_event WHERE seq = 1)";
    let which = format!("e.seq = (SELECT min(seq) FROM access_event WHERE seq > 1 AND instr(persons, {person}) = 0)");
    let (seq, named): (i64, String) = {
        use sea_orm::{ConnectionTrait, Statement};
        let sql = format!("SELECT e.seq, {person} FROM access_event e WHERE {which}");
        let row = app.db.query_one_raw(Statement::from_string(app.db.get_database_backend(), sql)).await.unwrap();
        let row = row.unwrap();
        (row.try_get_by_index(0).unwrap(), row.try_get_by_index(1).unwrap())
    };
    tamper(
        &app,
        &format!(
            "INSERT INTO access_event_person_index (rowid, persons) SELECT {DOCUMENT}, {person} FROM {EVENTS} WHERE {which}"
        ),
    )
    .await;
    let report = verify(&app, &org).await;
    assert_eq!((report["valid"].clone(), report["firstBrokenSeq"].clone()), (json!(false), json!(seq)), "{report}");
    assert!(report["problem"].as_str().unwrap().contains("persons indexed"), "{report}");
    // Nor does the person's access log show it: an entry found is held to its own list.
    let id = server::api::ids::encode("Person", named.parse().unwrap());
    let log = app.gql(&org.lead_token, LOG, json!({ "id": id })).await;
    let seqs: Vec<i64> =
        log["accessLog"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["seq"].as_i64().unwrap()).collect();
    assert!(!seqs.is_empty() && !seqs.contains(&seq), "{seqs:?} shows entry {seq}");
}

#[tokio::test]
async fn removing_the_newest_entries_is_detected_against_the_signed_checkpoint() {
    let app = spawn_app().await;
    let (org, total) = logged(&app).await;
    // Remove the newest entry and move the head back so that the chain looks whole.
    tamper(
        &app,
        &format!(
            "{index}DELETE FROM access_event WHERE seq = {total}; \
             UPDATE access_log_head SET seq = {last}, hash = (SELECT hash FROM access_event WHERE seq = {last})",
            last = total - 1,
            index = person_index(&format!("{}; ", unindex("e.persons", &format!("e.seq = {total}")))),
        ),
    )
    .await;
    let report = verify(&app, &org).await;
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["firstBrokenSeq"], total);
    assert!(report["problem"].as_str().unwrap().contains("removed"), "{report}");
}

#[tokio::test]
async fn wiping_an_organisation_s_log_is_detected_from_the_copy_outside_the_database() {
    let app = spawn_app().await;
    let (org, total) = logged(&app).await;
    // The organisation is the only one in this database: its log is every row.
    let wipe = format!(
        "{}DELETE FROM access_event; DELETE FROM access_checkpoint; UPDATE access_log_head SET seq = 0, hash = '{}'",
        person_index("INSERT INTO access_event_person_index (access_event_person_index) VALUES ('delete-all'); "),
        server::audit::GENESIS_HASH
    );
    tamper(&app, &wipe).await;
    let report = verify(&app, &org).await;
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["entriesChecked"], 0);
    assert_eq!(report["checkpointSize"], total, "the copy outside the database still knows the size");
}

#[tokio::test]
async fn a_re_chained_log_does_not_match_its_signed_checkpoint() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let app = spawn_app().await;
    let (org, total) = logged(&app).await;
    // Change an entry, then recompute every hash after it (the algorithm is public) and the head.
    tamper(&app, "UPDATE access_event SET ground = 'override' WHERE seq = 2").await;
    let events = entities::access_event::Entity::find()
        .filter(entities::access_event::Column::OrganisationId.eq(org.org.id))
        .order_by_asc(entities::access_event::Column::Seq)
        .all(&app.db)
        .await
        .unwrap();
    let mut prev = server::audit::GENESIS_HASH.to_string();
    let mut rewrite = Vec::new();
    for e in &events {
        let hash = server::audit::event_hash(&prev, e.seq.unwrap(), e);
        rewrite.push(format!(
            "UPDATE access_event SET prev_hash = '{prev}', hash = '{hash}' WHERE seq = {}",
            e.seq.unwrap()
        ));
        prev = hash;
    }
    rewrite.push(format!("UPDATE access_log_head SET hash = '{prev}'"));
    tamper(&app, &rewrite.join("; ")).await;
    let report = verify(&app, &org).await;
    assert_eq!(report["valid"], false, "{report}");
    assert!(report["problem"].as_str().unwrap().contains("checkpoint"), "{report}");
    assert!(report["firstBrokenSeq"].as_i64().unwrap() <= total);

    // Nor does a checkpoint forged in the database help: it is not signed with the key.
    tamper(
        &app,
        &format!(
            "INSERT INTO access_checkpoint (organisation_id, size, root, signed_at, key_id, signature) \
             SELECT organisation_id, {size}, hash, occurred_at, 'forged', 'AAAA' FROM access_event WHERE seq = {total}",
            size = total + 100
        ),
    )
    .await;
    let report = verify(&app, &org).await;
    assert!(report["problem"].as_str().unwrap().contains("not signed"), "{report}");
}

#[tokio::test]
async fn a_read_whose_log_entry_cannot_be_written_is_refused() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let family = admit(&app, &org, family_input(&org, 1)).await;
    let refuse = match database_kind() {
        "postgres" => {
            "CREATE FUNCTION refuse_log() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'log unavailable'; END; $$ LANGUAGE plpgsql; \
                       CREATE TRIGGER refuse_log BEFORE INSERT ON access_event FOR EACH ROW EXECUTE FUNCTION refuse_log();"
        }
        _ => {
            "CREATE TRIGGER refuse_log BEFORE INSERT ON access_event BEGIN SELECT RAISE(ABORT, 'log unavailable'); END;"
        }
    };
    const CHILD: &str = "query($id: ID!) { child(id: $id) { person { givenName } } }";
    let child = json!({ "id": family["children"][0]["id"] });
    // Read once before: the token's next query runs beside the reading of its principal, and
    // its answer is made while the log entry is written.
    app.gql(&org.lead_token, CHILD, child.clone()).await;
    app.db.execute_unprepared(refuse).await.unwrap();
    let (_, body) = app.post(Some(&org.lead_token), CHILD, child).await;
    assert!(body["data"].is_null(), "data left without its log entry: {body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
}

#[tokio::test]
async fn entries_of_the_old_log_move_over_and_are_sealed_again() {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, Statement};
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(dir.path()).await;
    let db = sea_orm::Database::connect(&database.url).await.unwrap();
    // The schema before the access log moved: one hash-chained row per person.
    Migrator::up(&db, Some(7)).await.unwrap();
    let org = server::seed::create_organisation(&db, "old", "Old log").await.unwrap();
    let persons = [uuid::Uuid::now_v7(), uuid::Uuid::now_v7()];
    let backend = db.get_database_backend();
    for (i, person) in persons.iter().enumerate() {
        let sql = "INSERT INTO access_log (id, organisation_id, seq, occurred_at, actor_subject, actor_worker_id, actor_roles, \
                   actor_partner, person_id, action, area, request_id, client_address, user_agent, ground, prev_hash, hash) \
                   VALUES ($1, $2, $3, $4, 'w1', NULL, 'TEAM_LEAD', NULL, $5, 'READ', 'identity', 'r1', NULL, NULL, 'role:TEAM_LEAD', $6, $7)";
        let sql = if database_kind() == "postgres" { sql.to_string() } else { sql.replace('$', "?") };
        let values: Vec<sea_orm::Value> = vec![
            uuid::Uuid::now_v7().into(),
            org.id.into(),
            (i as i64 + 1).into(),
            chrono::Utc::now().into(),
            (*person).into(),
            "0".repeat(64).into(),
            "1".repeat(64).into(),
        ];
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await.unwrap();
    }
    Migrator::up(&db, None).await.unwrap();

    let key = server::keys::load_or_create(&dir.path().join("key.pem")).unwrap();
    let sealer = server::audit::Sealer::new(&key, dir.path().join("checkpoints")).unwrap();
    assert_eq!(server::audit::seal(&db, &sealer, org.id).await.unwrap(), 2);
    let report = server::audit::verify(&db, &sealer, org.id).await.unwrap();
    assert!(report.valid && report.entries_checked == 2 && report.checkpoint_size == Some(2), "{report:?}");
    let moved: Vec<uuid::Uuid> = access_log(&db).await.iter().map(|e| e.person_id).collect();
    assert_eq!(moved, persons, "each old entry is an event naming its person");
    for person in persons {
        let naming = server::audit::naming(backend, org.id, person);
        let found = entities::access_event::Entity::find().filter(naming).all(&db).await.unwrap();
        assert_eq!(found.len(), 1, "the moved entry is found by its person");
    }
}

/// An unsealed read naming `persons`, as someone with database access writes it.
fn written_by_hand(organisation_id: uuid::Uuid, persons: String) -> entities::access_event::Model {
    entities::access_event::Model {
        id: uuid::Uuid::now_v7(),
        organisation_id,
        occurred_at: chrono::Utc::now(),
        actor_subject: "by-hand".into(),
        actor_worker_id: None,
        actor_roles: "TEAM_LEAD".into(),
        actor_partner: None,
        action: entities::AccessAction::Read,
        area: "identity".into(),
        ground: "role:TEAM_LEAD".into(),
        request_id: "r1".into(),
        client_address: None,
        user_agent: None,
        persons,
        seq: None,
        prev_hash: None,
        hash: None,
    }
}

/// SQLite: the person index of events sealed before it became a full-text index moves over.
#[tokio::test]
async fn sealed_events_move_into_the_full_text_person_index() {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryFilter};
    if database_kind() != "sqlite" {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(dir.path()).await;
    let db = sea_orm::Database::connect(&database.url).await.unwrap();
    Migrator::up(&db, Some(21)).await.unwrap();
    let org = server::seed::create_organisation(&db, "sealed", "Sealed before").await.unwrap();
    let persons = [uuid::Uuid::now_v7(), uuid::Uuid::now_v7()];
    let mut event = written_by_hand(org.id, format!("{},{}", persons[0], persons[1]));
    (event.seq, event.prev_hash) = (Some(1), Some(server::audit::GENESIS_HASH.into()));
    let hash = server::audit::event_hash(server::audit::GENESIS_HASH, 1, &event);
    event.hash = Some(hash.clone());
    entities::access_event::ActiveModel::from(event).insert(&db).await.unwrap();
    let head = entities::access_log_head::Model { organisation_id: org.id, seq: 1, hash };
    entities::access_log_head::ActiveModel::from(head).reset_all().update(&db).await.unwrap();
    Migrator::up(&db, None).await.unwrap();

    for person in persons {
        let naming = server::audit::naming(sea_orm::DbBackend::Sqlite, org.id, person);
        let found = entities::access_event::Entity::find().filter(naming).all(&db).await.unwrap();
        assert_eq!(found.len(), 1, "the sealed event is found by its person");
    }
    let key = server::keys::load_or_create(&dir.path().join("key.pem")).unwrap();
    let sealer = server::audit::Sealer::new(&key, dir.path().join("checkpoints")).unwrap();
    let report = server::audit::verify(&db, &sealer, org.id).await.unwrap();
    assert!(report.valid && report.entries_checked == 1, "{report:?}");

    // And back: a row per event and person.
    Migrator::down(&db, Some(1)).await.unwrap();
    let rows = db.query_one_raw(sea_orm::Statement::from_string(
        sea_orm::DbBackend::Sqlite,
        "SELECT count(*) FROM access_event_person",
    ));
    assert_eq!(rows.await.unwrap().unwrap().try_get_by_index::<i64>(0).unwrap(), 2);
}

/// On SQLite the sealer indexes each event's list of persons as it was hashed. A list written
/// in the database by hand before sealing, with a quote in it, does not stop the sealer: the
/// event is sealed, and its person is found.
#[tokio::test]
async fn a_list_of_persons_written_by_hand_does_not_stop_the_sealer() {
    use sea_orm::{ActiveModelTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter};
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    let org = org(&app, "haven").await;
    let sealer = app.config.sealer().unwrap();
    server::audit::seal(&app.db, &sealer, org.org.id).await.unwrap();
    let person = uuid::Uuid::now_v7();
    entities::access_event::ActiveModel::from(written_by_hand(org.org.id, format!("{person},\"x")))
        .insert(&app.db)
        .await
        .unwrap();
    assert_eq!(server::audit::seal(&app.db, &sealer, org.org.id).await.unwrap(), 1);
    // The index reads the list as it was hashed: the person is found, the rest is never asked for.
    let report = server::audit::verify(&app.db, &sealer, org.org.id).await.unwrap();
    assert!(report.valid, "{report:?}");
    let naming =
        entities::access_event::Entity::find().filter(server::audit::naming(DbBackend::Sqlite, org.org.id, person));
    assert_eq!(naming.count(&app.db).await.unwrap(), 1);
}

#[tokio::test]
async fn the_sequencer_seals_in_batches_and_in_order() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let principal = server::auth::Principal {
        subject: "sequencer-test".into(),
        organisation_id: org.org.id,
        organisation_slug: org.org.slug.clone(),
        worker_id: None,
        roles: vec![entities::Role::TeamLead],
        partner: None,
        municipality: None,
    };
    let ground = server::policy::Ground::Role(entities::Role::TeamLead);
    // More events than one batch of the sequencer holds, each in a request of its own.
    for _ in 0..1234 {
        let event =
            server::audit::AccessEvent::new(uuid::Uuid::now_v7(), entities::AccessAction::Read, "identity", &ground);
        server::audit::append(&app.db, &principal, &Default::default(), &[event]).await.unwrap();
    }
    let sealer = app.config.sealer().unwrap();
    let checkpoints = async || {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let of_org = entities::access_checkpoint::Column::OrganisationId.eq(org.org.id);
        entities::access_checkpoint::Entity::find().filter(of_org).count(&app.db).await.unwrap()
    };
    let before = checkpoints().await;
    // One checkpoint for all the batches.
    assert!(server::audit::seal(&app.db, &sealer, org.org.id).await.unwrap() >= 1234);
    assert_eq!(checkpoints().await, before + 1);
    let report = server::audit::verify(&app.db, &sealer, org.org.id).await.unwrap();
    assert!(report.valid, "{report:?}");
    assert_eq!(report.checkpoint_size, Some(report.entries_checked));
    assert_eq!(server::audit::seal(&app.db, &sealer, org.org.id).await.unwrap(), 0, "nothing left to seal");
}

/// On PostgreSQL a long list of persons is compressed with LZ4 (migration 21), and the chain
/// sealed over it verifies.
#[tokio::test]
async fn a_long_list_of_persons_is_compressed_with_lz4_on_postgresql() {
    use sea_orm::{DbBackend, Statement};
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let org = org(&app, "haven").await;
    for _ in 0..25 {
        admit(&app, &org, without_bsn(family_input(&org, 2))).await;
    }
    app.gql(
        &org.lead_token,
        "{ families(first: 50) { edges { node { members { person { givenName } } } } } }",
        json!({}),
    )
    .await;
    let longest = "SELECT pg_column_compression(persons) AS method, length(persons) AS length FROM access_event \
        ORDER BY length(persons) DESC LIMIT 1";
    let row = app.db.query_one_raw(Statement::from_string(DbBackend::Postgres, longest)).await.unwrap().unwrap();
    let (method, length): (Option<String>, i32) =
        (row.try_get("", "method").unwrap(), row.try_get("", "length").unwrap());
    assert!(length > 2500, "{length} characters: too short to be compressed");
    assert_eq!(method.as_deref(), Some("lz4"));
    let report = verify(&app, &org).await;
    assert_eq!(report["valid"], true, "{report}");
}

/// A person's log pages forwards and backwards, with the same total on every page (on SQLite
/// counted in the person index).
#[tokio::test]
async fn a_persons_log_pages_both_ways_with_its_total() {
    use sea_orm::ActiveModelTrait;
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let sealer = app.config.sealer().unwrap();
    let person = uuid::Uuid::now_v7();
    for i in 0..4 {
        let mut event = written_by_hand(org.org.id, person.to_string());
        event.request_id = format!("r{i}");
        entities::access_event::ActiveModel::from(event).insert(&app.db).await.unwrap();
        server::audit::seal(&app.db, &sealer, org.org.id).await.unwrap();
    }
    const PAGE: &str = "query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
        accessLog(personId: $id, first: $first, after: $after, last: $last, before: $before) {
            totalCount pageInfo { hasPreviousPage hasNextPage startCursor endCursor } edges { node { requestId } } } }";
    let id = server::api::ids::encode("Person", person).0;
    let page = async |variables: serde_json::Value| {
        let mut variables = variables;
        variables["id"] = json!(id);
        let log = app.gql(&org.lead_token, PAGE, variables).await["accessLog"].clone();
        assert_eq!(log["totalCount"], 4);
        let requests: Vec<String> =
            log["edges"].as_array().unwrap().iter().map(|e| e["node"]["requestId"].as_str().unwrap().into()).collect();
        (requests, log["pageInfo"].clone())
    };
    let (first, info) = page(json!({ "first": 2 })).await;
    assert_eq!(first, ["r0", "r1"]);
    assert_eq!((info["hasPreviousPage"].clone(), info["hasNextPage"].clone()), (json!(false), json!(true)));
    let (next, info) = page(json!({ "first": 2, "after": info["endCursor"] })).await;
    assert_eq!(next, ["r2", "r3"]);
    assert_eq!((info["hasPreviousPage"].clone(), info["hasNextPage"].clone()), (json!(true), json!(false)));
    let (last, info) = page(json!({ "last": 2 })).await;
    assert_eq!(last, ["r2", "r3"]);
    let (before, info) = page(json!({ "last": 2, "before": info["startCursor"] })).await;
    assert_eq!(before, ["r0", "r1"]);
    assert_eq!((info["hasPreviousPage"].clone(), info["hasNextPage"].clone()), (json!(false), json!(true)));
}
