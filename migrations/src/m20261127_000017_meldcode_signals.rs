//! The Meldcode opened from any signal, not only from a "niet goed genoeg" safety assessment
//! (a risk at the first contact, a disclosure in a talk, an observation; review §2.8), also for
//! a child of the family who did not come to the shelter (norm 4, NK 146); and closed without a
//! step-5 decision when the suspicion is not confirmed, with the reason.
//!
//! `reporting_code_track` gets `family_id`, `signal`, `signal_description`, `close_reason` and
//! `close_note`; `safety_assessment_id` and `trajectory_id` may be empty. SQLite cannot drop a
//! NOT NULL, so both tables are rebuilt (on both databases, one code path): the steps are set
//! aside, both tables dropped, the new track table renamed into place and the steps restored,
//! so that no foreign key is ever left dangling. Existing tracks came from an assessment; the
//! closed ones were closed after step 5.

use crate::{fk, index};
use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TRACK: &str = "reporting_code_track";
const STEP: &str = "reporting_code_step";

fn track_table(name: &'static str, signals: bool) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(name)
        .col(pk_uuid("id"))
        .col(uuid("organisation_id"))
        .col(uuid("child_id"))
        .col(uuid_null("recorded_by_worker_id"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .col(date("opened_on"))
        .col(date_null("closed_on"))
        .foreign_key(&mut fk(name, "organisation_id", "organisation"))
        .foreign_key(&mut fk(name, "child_id", "person"))
        .foreign_key(&mut fk(name, "trajectory_id", "trajectory"))
        .foreign_key(&mut fk(name, "recorded_by_worker_id", "worker"))
        .foreign_key(&mut fk(name, "safety_assessment_id", "safety_assessment"));
    if signals {
        t.col(uuid_null("trajectory_id"))
            .col(uuid_null("safety_assessment_id"))
            .col(uuid("family_id"))
            .col(string_len("signal", 40))
            .col(text_null("signal_description"))
            .col(string_len_null("close_reason", 40))
            .col(text_null("close_note"))
            .foreign_key(&mut fk(name, "family_id", "family"));
    } else {
        t.col(uuid("trajectory_id")).col(uuid("safety_assessment_id"));
    }
    t.take()
}

/// The step table; the copy that keeps the steps aside has no foreign keys.
fn step_table(name: &'static str, with_keys: bool) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(name)
        .col(pk_uuid("id"))
        .col(uuid("track_id"))
        .col(timestamp_with_time_zone("created_at"))
        .col(integer("step"))
        .col(date("recorded_on"))
        .col(uuid_null("worker_id"))
        .col(text("outcome"))
        .col(boolean_null("consulted_veilig_thuis"))
        .col(string_len_null("decision", 40));
    if with_keys {
        t.foreign_key(&mut fk(name, "track_id", TRACK)).foreign_key(&mut fk(name, "worker_id", "worker"));
    }
    t.take()
}

/// Copies every step from one step table to another.
fn copy_steps(from: &'static str, to: &'static str) -> Result<InsertStatement, DbErr> {
    Ok(Query::insert()
        .into_table(to)
        .columns(STEP_COLUMNS)
        .select_from(Query::select().columns(STEP_COLUMNS).from(from).take())
        .map_err(|e| DbErr::Migration(e.to_string()))?
        .take())
}

const STEP_COLUMNS: [&str; 9] = [
    "id",
    "track_id",
    "created_at",
    "step",
    "recorded_on",
    "worker_id",
    "outcome",
    "consulted_veilig_thuis",
    "decision",
];
const OLD_COLUMNS: [&str; 10] = [
    "id",
    "organisation_id",
    "child_id",
    "trajectory_id",
    "recorded_by_worker_id",
    "created_at",
    "updated_at",
    "safety_assessment_id",
    "opened_on",
    "closed_on",
];

/// Rebuilds both tables into the shape `signals` says, copying the rows through `copy_tracks`
/// (an INSERT … SELECT from the old track table into "reporting_code_track_new").
async fn rebuild(m: &SchemaManager<'_>, signals: bool, copy_tracks: InsertStatement) -> Result<(), DbErr> {
    let db = m.get_connection();
    m.create_table(track_table("reporting_code_track_new", signals)).await?;
    db.execute(&copy_tracks).await?;
    m.create_table(step_table("reporting_code_step_kept", false)).await?;
    db.execute(&copy_steps(STEP, "reporting_code_step_kept")?).await?;
    m.drop_table(Table::drop().table(STEP).take()).await?;
    m.drop_table(Table::drop().table(TRACK).take()).await?;
    m.rename_table(Table::rename().table("reporting_code_track_new", TRACK).take()).await?;
    if db.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
        // The primary key's index keeps the name it was made under; give it the table's, so
        // that a later rebuild (the way down) can use the temporary name again.
        db.execute_unprepared("ALTER INDEX reporting_code_track_new_pkey RENAME TO reporting_code_track_pkey").await?;
    }
    m.create_index(index(TRACK, &["child_id"], false)).await?;
    m.create_table(step_table(STEP, true)).await?;
    db.execute(&copy_steps("reporting_code_step_kept", STEP)?).await?;
    m.drop_table(Table::drop().table("reporting_code_step_kept").take()).await?;
    m.create_index(index(STEP, &["track_id", "step"], true)).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut columns: Vec<&str> = OLD_COLUMNS.to_vec();
        columns.extend(["family_id", "signal", "close_reason"]);
        let mut select = Query::select();
        select
            .columns(OLD_COLUMNS.map(|c| (Alias::new(TRACK), Alias::new(c))))
            .from(TRACK)
            .inner_join("trajectory", Expr::col(("trajectory", "id")).equals((TRACK, "trajectory_id")));
        select.expr(Expr::col(("trajectory", "family_id"))).expr(Expr::val("SAFETY_ASSESSMENT")).expr(
            Expr::case(Expr::col((TRACK, "closed_on")).is_null(), Expr::value(Option::<String>::None))
                .finally(Expr::val("DECIDED")),
        );
        let copy = Query::insert()
            .into_table("reporting_code_track_new")
            .columns(columns)
            .select_from(select)
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .take();
        rebuild(m, true, copy).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Tracks that the old shape cannot hold (no assessment, or a child not admitted) go.
        let db = m.get_connection();
        let unheld = Query::select()
            .column("id")
            .from(TRACK)
            .cond_where(
                Condition::any()
                    .add(Expr::col("safety_assessment_id").is_null())
                    .add(Expr::col("trajectory_id").is_null()),
            )
            .take();
        db.execute(
            &Query::delete().from_table(STEP).and_where(Expr::col("track_id").in_subquery(unheld.clone())).take(),
        )
        .await?;
        db.execute(&Query::delete().from_table(TRACK).and_where(Expr::col("id").in_subquery(unheld)).take()).await?;
        let copy = Query::insert()
            .into_table("reporting_code_track_new")
            .columns(OLD_COLUMNS)
            .select_from(Query::select().columns(OLD_COLUMNS).from(TRACK).take())
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .take();
        rebuild(m, false, copy).await
    }
}
