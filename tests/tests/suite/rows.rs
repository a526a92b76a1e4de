//! Rows read by position (`server::db::rows`, the hot loaders' decoding) equal what sea-orm
//! reads, and a column of another type than its field is refused, not decoded.

use entities::{person, safety_assessment, safety_scale_score, screening};
use sea_orm::{
    DbBackend, EntityTrait, Iterable, QueryOrder, QueryTrait,
    sea_query::{Alias, Expr},
};
use server::db::rows;
use tests::*;

#[tokio::test]
async fn rows_by_position_equal_sea_orms_and_refuse_a_column_of_another_type() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    admit(&app, &org, family_input(&org, 2)).await;
    admit(&app, &org, without_bsn(family_input(&org, 1))).await;
    let persons = person::Entity::find().order_by_asc(person::Column::Bsn);
    let read = rows::models(&app.db, persons.clone()).await.unwrap();
    assert!(read.len() > 3 && read.iter().any(|p| p.bsn.is_none()) && read.iter().any(|p| p.bsn.is_some()));
    assert_eq!(read, persons.clone().all(&app.db).await.unwrap());

    // The BSN read as a number: NULL on the first row, a number on the rest. PostgreSQL types
    // a column once per statement, and its first read checks it, NULL or not (SQLite types each
    // value, and checks each).
    if app.db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let mut query = persons.into_query();
    query.clear_selects();
    for column in person::Column::iter() {
        match column {
            person::Column::Bsn => query.expr_as(
                Expr::cust(r#"CASE WHEN "person"."bsn" IS NULL THEN NULL ELSE CAST(1 AS bigint) END"#),
                Alias::new("bsn"),
            ),
            c => query.column((person::Entity, c)),
        };
    }
    // NULLs sort last in PostgreSQL: put them first.
    query.clear_order_by().order_by_expr(Expr::cust(r#""person"."bsn" IS NULL"#), sea_orm::Order::Desc);
    let error = rows::all(&app.db, &query, |row| row.get::<Option<String>>(5)).await.unwrap_err();
    assert!(error.to_string().contains("INT8"), "{error}");
    // Also when the first row does not read it (a LEFT JOIN's model absent there).
    let first = std::cell::Cell::new(true);
    let error = rows::all(&app.db, &query, |row| match first.replace(false) {
        true => Ok(None),
        false => row.get::<Option<String>>(5),
    })
    .await
    .unwrap_err();
    assert!(error.to_string().contains("INT8"), "{error}");
}

/// The records of the deep caseload page (screenings, safety assessments, their scale answers)
/// read by position equal sea-orm's reading, JSON documents included; a `jsonb` column, whose
/// values begin with a version byte, is not read as JSON text.
#[tokio::test]
async fn records_by_position_equal_sea_orms() {
    let app = spawn_app().await;
    server::seed::seed_bench(&app.db, "rows", 8).await.unwrap();
    let screenings = screening::Entity::find().order_by_asc(screening::Column::Id);
    let read = rows::models(&app.db, screenings.clone()).await.unwrap();
    assert!(!read.is_empty());
    assert_eq!(read, screenings.clone().all(&app.db).await.unwrap());
    let outcome: serde_json::Value = read[0].result.parse().unwrap();
    assert!(outcome["total"]["score"].is_number(), "{}", read[0].result.as_str());
    let assessments = safety_assessment::Entity::find().order_by_asc(safety_assessment::Column::Id);
    let read = rows::models(&app.db, assessments.clone()).await.unwrap();
    assert!(!read.is_empty());
    assert_eq!(read, assessments.all(&app.db).await.unwrap());
    let scores = safety_scale_score::Entity::find().order_by_asc(safety_scale_score::Column::Id);
    let read = rows::models(&app.db, scores.clone()).await.unwrap();
    assert!(read.iter().any(|s| s.respondent_name.is_some()) && read.iter().any(|s| s.respondent_name.is_none()));
    assert_eq!(read, scores.all(&app.db).await.unwrap());

    if app.db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let mut query = screenings.into_query();
    query.clear_selects();
    query.expr(Expr::cust(r#"CAST("screening"."result" AS jsonb)"#));
    let error = rows::all(&app.db, &query, |row| row.get::<entities::JsonText>(0)).await.unwrap_err();
    assert!(error.to_string().contains("JSONB"), "{error}");
}

/// SQLite allocates with mimalloc, as the rest of the process does (`db::connect` sets it before
/// SQLite's first use): what SQLite allocates lies in mimalloc's heap.
#[tokio::test]
async fn sqlite_allocates_with_mimalloc() {
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    // SAFETY: a block SQLite allocates, asked about and given back.
    unsafe {
        let block = libsqlite3_sys::sqlite3_malloc(100);
        assert!(!block.is_null());
        let in_mimalloc = libmimalloc_sys::mi_is_in_heap_region(block);
        libsqlite3_sys::sqlite3_free(block);
        assert!(in_mimalloc, "SQLite allocates with the C library's malloc");
    }
}

/// PostgreSQL dates and timestamps, read from their bytes (binary format, a statement with
/// parameters) and through sqlx (text format, one without): around the protocol's epoch
/// (2000-01-01), long before it, with microseconds, and NULL.
#[tokio::test]
async fn dates_and_timestamps_read_from_their_bytes() {
    use chrono::{DateTime, NaiveDate, Utc};
    use sea_orm::sea_query::{ExprTrait, Query};
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let dates = ["1969-07-20", "1999-12-31", "2000-01-01", "2000-01-02", "2026-11-29"];
    let times = ["1999-12-31T23:59:59.999999Z", "2000-01-01T00:00:00Z", "2026-11-29T00:02:03.456789Z"];
    let mut query = Query::select();
    for d in dates {
        query.expr(Expr::cust(format!("DATE '{d}'")));
    }
    for t in times {
        query.expr(Expr::cust(format!("TIMESTAMPTZ '{t}'")));
    }
    query.expr(Expr::cust("CAST(NULL AS date)")).expr(Expr::cust("CAST(NULL AS timestamptz)"));
    let decode = |row: &rows::Row| {
        let d: Vec<NaiveDate> = (0..dates.len()).map(|i| row.get(i)).collect::<Result<_, _>>()?;
        let t: Vec<DateTime<Utc>> =
            (dates.len()..dates.len() + times.len()).map(|i| row.get(i)).collect::<Result<_, _>>()?;
        let nulls: (Option<NaiveDate>, Option<DateTime<Utc>>) =
            (row.get(dates.len() + times.len())?, row.get(dates.len() + times.len() + 1)?);
        Ok((d, t, nulls))
    };
    let expected = (
        dates.map(|d| d.parse::<NaiveDate>().unwrap()).to_vec(),
        times.map(|t| t.parse::<DateTime<Utc>>().unwrap()).to_vec(),
        (None, None),
    );
    let text = rows::all(&app.db, &query, decode).await.unwrap();
    query.and_where(Expr::val(1).eq(1));
    let binary = rows::all(&app.db, &query, decode).await.unwrap();
    assert_eq!(binary, std::slice::from_ref(&expected));
    assert_eq!(text, [expected]);
}
