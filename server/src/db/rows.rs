//! Rows decoded by position, for the loaders a page runs through most.
//!
//! sea-orm decodes every column by name: a hash lookup per column, a formatted prefix per
//! column of a joined model, and for every NULL a formatted error it then throws away. On the
//! nested caseload page that was a sixth of the server's time, for some 250 rows. A hot loader
//! selects an entity's columns in the entity's own order (what `Entity::find()` does) and
//! decodes them here by index, straight from sqlx's row. On PostgreSQL a result's column types
//! are those of its statement, so each column is checked against its field once, where it is
//! first read, not for every value (sqlx's per-value check was a twentieth of the server's time).

use entities::{
    AftercareDecision, CareSetting, EndReason, JsonText, MembershipRole, Phase, SafetyJudgement, SafetyRespondent,
    ScreeningFollowUp, Sex, TeacherFormBy, family, person, safety_assessment, safety_scale_score, screening,
    trajectory, worker,
};
use futures::TryStreamExt;
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryResult, QueryTrait, Select, Statement, StreamTrait,
    sea_query::{PostgresQueryBuilder, QueryBuilder, SelectStatement, SqlWriter, SqliteQueryBuilder, Value},
    sqlx::{
        self, Row as _, TypeInfo as _, ValueRef as _,
        postgres::{PgRow, PgTypeInfo},
        sqlite::SqliteRow,
    },
};
use std::{
    cell::Cell,
    fmt::{self, Write as _},
};

/// One row of a result, read by position.
pub struct Row<'a> {
    backend: Backend<'a>,
    /// The columns of this result whose type has been checked (bit `i` for column `i`; from
    /// column 64 on, every value is checked). See the module doc.
    checked: &'a Cell<u64>,
}

enum Backend<'a> {
    Postgres(&'a PgRow),
    Sqlite(&'a SqliteRow),
}

impl<'a> Row<'a> {
    /// A row of a result whose checked columns are `checked`.
    fn of(result: &'a QueryResult, checked: &'a Cell<u64>) -> Result<Self, DbErr> {
        if let Some(row) = result.try_as_pg_row() {
            Ok(Self { backend: Backend::Postgres(row), checked })
        } else if let Some(row) = result.try_as_sqlite_row() {
            Ok(Self { backend: Backend::Sqlite(row), checked })
        } else {
            Err(DbErr::Type("rows are read by position only from PostgreSQL and SQLite".into()))
        }
    }

    /// The value at position `i`.
    pub fn get<T: Field>(&self, i: usize) -> Result<T, DbErr> {
        T::get(self, i)
    }

    /// Checks column `i` against `T` the first time it is read in this result.
    fn check_once<T: sqlx::Type<sqlx::Postgres>>(&self, row: &PgRow, i: usize) -> Result<(), DbErr> {
        self.check_once_that(row, i, T::compatible, std::any::type_name::<T>())
    }

    /// Checks that column `i` is of a type `fits`, the first time it is read in this result.
    fn check_once_that(
        &self,
        row: &PgRow,
        i: usize,
        fits: impl Fn(&PgTypeInfo) -> bool,
        expected: &str,
    ) -> Result<(), DbErr> {
        let bit = if i < 64 { 1u64 << i } else { 0 };
        if self.checked.get() & bit == 0 {
            check_column(row, i, fits, expected)?;
            self.checked.set(self.checked.get() | bit);
        }
        Ok(())
    }

    fn is_null(&self, i: usize) -> Result<bool, DbErr> {
        match self.backend {
            Backend::Postgres(r) => r.try_get_raw(i).map(|v| v.is_null()),
            Backend::Sqlite(r) => r.try_get_raw(i).map(|v| v.is_null()),
        }
        .map_err(type_error)
    }
}

fn type_error(e: sqlx::Error) -> DbErr {
    DbErr::Type(e.to_string())
}

/// A column type both databases decode the same way (as sea-orm does it).
pub trait Scalar: Sized {
    fn get_nullable(row: &Row, i: usize) -> Result<Option<Self>, DbErr>;
}

/// What a field can be: a scalar, or an optional one.
pub trait Field: Sized {
    fn get(row: &Row, i: usize) -> Result<Self, DbErr>;
}

impl<T: Scalar> Field for T {
    fn get(row: &Row, i: usize) -> Result<Self, DbErr> {
        T::get_nullable(row, i)?.ok_or_else(|| DbErr::Type(format!("column {i} is NULL")))
    }
}

impl<T: Scalar> Field for Option<T> {
    fn get(row: &Row, i: usize) -> Result<Self, DbErr> {
        T::get_nullable(row, i)
    }
}

/// Whether column `i` is of a type that `fits`: from the statement's column type, so also when
/// the value is NULL (which sqlx's own check skips).
fn check_column(row: &PgRow, i: usize, fits: impl Fn(&PgTypeInfo) -> bool, expected: &str) -> Result<(), DbErr> {
    use sqlx::Column as _;
    let column = row.columns().get(i).ok_or_else(|| DbErr::Type(format!("no column {i}")))?;
    if fits(column.type_info()) {
        Ok(())
    } else {
        Err(DbErr::Type(format!("column {i} is {}, not {expected}", column.type_info())))
    }
}

macro_rules! sqlx_columns {
    ($($t:ty),+) => {$(
        impl Scalar for $t {
            fn get_nullable(row: &Row, i: usize) -> Result<Option<Self>, DbErr> {
                match row.backend {
                    Backend::Postgres(r) => {
                        row.check_once::<$t>(r, i)?;
                        r.try_get_unchecked::<Option<$t>, _>(i)
                    }
                    // SQLite types each value, not each column: checked every time.
                    Backend::Sqlite(r) => r.try_get::<Option<$t>, _>(i),
                }
                .map_err(type_error)
            }
        }
    )+};
}

sqlx_columns!(uuid::Uuid, String, bool, i32);

/// PostgreSQL's binary dates and timestamps count days and microseconds from 2000-01-01. Read
/// here from their bytes: sqlx built that date anew for every value and added the count to it
/// as a duration, 7% of the server's time on the nested caseload page.
const POSTGRES_EPOCH_DAYS_FROM_CE: i32 = 730_120;
const POSTGRES_EPOCH_UNIX_MICROS: i64 = 946_684_800_000_000;

/// Column `i` of a PostgreSQL row decoded from its `N` bytes by `decode`. A value in text
/// format (a statement without parameters goes by the simple protocol) is left to sqlx.
fn from_binary<T, const N: usize>(
    row: &Row,
    r: &PgRow,
    i: usize,
    decode: fn([u8; N]) -> Option<T>,
) -> Result<Option<T>, DbErr>
where
    T: sqlx::Type<sqlx::Postgres> + for<'r> sqlx::Decode<'r, sqlx::Postgres>,
{
    row.check_once::<T>(r, i)?;
    let value = r.try_get_raw(i).map_err(type_error)?;
    if value.is_null() {
        return Ok(None);
    }
    if value.format() == sqlx::postgres::PgValueFormat::Text {
        return r.try_get_unchecked::<Option<T>, _>(i).map_err(type_error);
    }
    let wrong = || DbErr::Type(format!("column {i}: not a {}", std::any::type_name::<T>()));
    let bytes = value.as_bytes().map_err(|_| wrong())?;
    decode(bytes.try_into().map_err(|_| wrong())?).map(Some).ok_or_else(wrong)
}

impl Scalar for chrono::NaiveDate {
    fn get_nullable(row: &Row, i: usize) -> Result<Option<Self>, DbErr> {
        match row.backend {
            Backend::Postgres(r) => from_binary(row, r, i, |days: [u8; 4]| {
                let days = i32::from_be_bytes(days).checked_add(POSTGRES_EPOCH_DAYS_FROM_CE)?;
                chrono::NaiveDate::from_num_days_from_ce_opt(days)
            }),
            Backend::Sqlite(r) => r.try_get(i).map_err(type_error),
        }
    }
}

impl Scalar for chrono::DateTime<chrono::Utc> {
    fn get_nullable(row: &Row, i: usize) -> Result<Option<Self>, DbErr> {
        match row.backend {
            Backend::Postgres(r) => from_binary(row, r, i, |micros: [u8; 8]| {
                let micros = i64::from_be_bytes(micros).checked_add(POSTGRES_EPOCH_UNIX_MICROS)?;
                chrono::DateTime::from_timestamp_micros(micros)
            }),
            Backend::Sqlite(r) => r.try_get(i).map_err(type_error),
        }
    }
}

/// A `json` column's text, unparsed (see [`JsonText`]). PostgreSQL sends a `json` value as its
/// text; a `jsonb` one would begin with a version byte, so only `json` is taken.
impl Scalar for JsonText {
    fn get_nullable(row: &Row, i: usize) -> Result<Option<Self>, DbErr> {
        match row.backend {
            Backend::Postgres(r) => {
                row.check_once_that(r, i, |t| t.name() == "JSON", "json")?;
                r.try_get_unchecked::<Option<String>, _>(i)
            }
            Backend::Sqlite(r) => r.try_get::<Option<String>, _>(i),
        }
        .map(|text| text.map(JsonText::from_column))
        .map_err(type_error)
    }
}

/// A JSON column parsed into a tree, as sea-orm reads `Json`.
impl Scalar for serde_json::Value {
    fn get_nullable(row: &Row, i: usize) -> Result<Option<Self>, DbErr> {
        JsonText::get_nullable(row, i)?.map(|t| t.parse()).transpose().map_err(|e| DbErr::Json(e.to_string()))
    }
}

/// Enumerations stored as their string value.
macro_rules! enum_columns {
    ($($t:ty),+) => {$(
        impl Scalar for $t {
            fn get_nullable(row: &Row, i: usize) -> Result<Option<Self>, DbErr> {
                // Read as borrowed text: no string is made for a value only matched.
                match row.backend {
                    Backend::Postgres(r) => {
                        row.check_once::<String>(r, i)?;
                        r.try_get_unchecked::<Option<&str>, _>(i)
                    }
                    Backend::Sqlite(r) => r.try_get::<Option<&str>, _>(i),
                }
                .map_err(type_error)?
                .map(|s| <$t>::parse(s).ok_or_else(|| DbErr::Type(format!("column {i}: {s:?} is no {}", stringify!($t)))))
                .transpose()
            }
        }
    )+};
}

enum_columns!(
    Phase,
    CareSetting,
    EndReason,
    AftercareDecision,
    Sex,
    MembershipRole,
    SafetyJudgement,
    SafetyRespondent,
    ScreeningFollowUp,
    TeacherFormBy
);

/// A model read from consecutive columns, in the order of its entity's columns.
pub trait ByPosition: Sized {
    /// The field names, in column order.
    const FIELDS: &'static [&'static str];

    fn from_row(row: &Row, at: usize) -> Result<Self, DbErr>;

    /// The model of a LEFT JOIN, absent when its first column (the id) is NULL.
    fn from_row_nullable(row: &Row, at: usize) -> Result<Option<Self>, DbErr> {
        if row.is_null(at)? { Ok(None) } else { Self::from_row(row, at).map(Some) }
    }
}

macro_rules! positional {
    ($($model:path { $($field:ident),+ $(,)? })+) => {$(
        impl ByPosition for $model {
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),+];

            #[allow(unused_assignments)]
            fn from_row(row: &Row, at: usize) -> Result<Self, DbErr> {
                let mut i = at;
                Ok(Self {$($field: {
                    // Named in the error: a schema that no longer matches shows where.
                    let v = row.get(i).map_err(|e| {
                        DbErr::Type(format!("{}.{}: {e}", stringify!($model), stringify!($field)))
                    })?;
                    i += 1;
                    v
                }),+})
            }
        }
    )+};
}

positional! {
    person::Model {
        id, organisation_id, given_name, family_name, date_of_birth, bsn, sex, gender_identity, created_at, updated_at,
    }
    trajectory::Model {
        id, organisation_id, child_id, family_id, responsible_worker_id, phase, setting, admission_date,
        phase_started_on, end_date, end_reason, expected_departure_on, aftercare_decision, aftercare_note,
        aftercare_decided_on, aftercare_handover_id, safety_monitoring, phase1_exit_reason, created_at, updated_at,
    }
    worker::Model {
        id, organisation_id, name, email, skj_registration_number, skj_registration_expires_on, active, created_at,
        updated_at,
    }
    family::Model { id, organisation_id, location_id, admitted_on, created_at, updated_at }
    screening::Model {
        id, organisation_id, child_id, trajectory_id, recorded_by_worker_id, instrument, instrument_version,
        informant, administered_on, answers, result, discussed_with_parent_on, discussed_with_child_on, follow_up,
        follow_up_note, filled_in_by, created_at, updated_at,
    }
    safety_assessment::Model {
        id, organisation_id, child_id, trajectory_id, recorded_by_worker_id, assessed_on, worries,
        complicating_factors, what_works_well, safety_goals, judgement, tools_used, created_at, updated_at,
    }
    safety_scale_score::Model {
        id, assessment_id, respondent, respondent_person_id, respondent_name, score, created_at,
    }
}

/// Runs `query` and decodes each row with `decode`, as it arrives: PostgreSQL sends a page's
/// rows as it finds them, and decoding the first ones while it finds the rest shortens the page.
pub async fn all<T>(
    db: &(impl ConnectionTrait + StreamTrait),
    query: &SelectStatement,
    decode: impl Fn(&Row) -> Result<T, DbErr>,
) -> Result<Vec<T>, DbErr> {
    let rows = db.stream_raw(statement(ConnectionTrait::get_database_backend(db), query)).await?;
    let mut rows = std::pin::pin!(rows);
    let checked = Cell::new(0);
    let mut decoded = Vec::new();
    while let Some(row) = rows.try_next().await? {
        decoded.push(decode(&Row::of(&row, &checked)?)?);
    }
    Ok(decoded)
}

/// `query` as sea-orm builds it, except that a LIMIT is written as its number rather than bound
/// as a parameter. PostgreSQL plans a statement whose LIMIT is bound anew for every execution:
/// a generic plan has to assume the limit lets a tenth of the rows through, so it never beats
/// the custom plan. A page of families with its children was planned on every request (0.39 ms,
/// beside 0.87 ms to run it). Each page size is then a statement of its own, as each number of
/// ids in an `IN` list already is.
pub fn statement(backend: DbBackend, query: &SelectStatement) -> Statement {
    let mut sql = LimitWritten { sql: String::with_capacity(1024), values: Vec::new() };
    match backend {
        DbBackend::Postgres => query.build_collect_any_into(&PostgresQueryBuilder, &mut sql),
        DbBackend::Sqlite => query.build_collect_any_into(&SqliteQueryBuilder, &mut sql),
        _ => return backend.build(query),
    }
    Statement::from_sql_and_values(backend, sql.sql, sql.values)
}

/// A statement's text and parameters, the LIMIT written into the text.
struct LimitWritten {
    sql: String,
    values: Vec<Value>,
}

impl fmt::Write for LimitWritten {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.sql.push_str(s);
        Ok(())
    }
}

impl fmt::Display for LimitWritten {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql)
    }
}

impl SqlWriter for LimitWritten {
    fn push_param<T: QueryBuilder>(&mut self, value: Value, builder: &T) {
        // Only sea-query's LIMIT clause writes ` LIMIT ` right before a parameter (a column of
        // that name is quoted), and it binds the limit as an unsigned number.
        if let Value::BigUnsigned(Some(limit)) = value
            && self.sql.ends_with(" LIMIT ")
        {
            let _ = write!(self.sql, "{limit}");
            return;
        }
        self.values.push(value);
        let (mark, numbered) = builder.placeholder();
        self.sql.push_str(mark);
        if numbered {
            let _ = write!(self.sql, "{}", self.values.len());
        }
    }

    fn as_writer(&mut self) -> &mut dyn fmt::Write {
        self
    }
}

/// The models an `Entity::find()` query selects.
pub async fn models<E: EntityTrait>(
    db: &(impl ConnectionTrait + StreamTrait),
    query: Select<E>,
) -> Result<Vec<E::Model>, DbErr>
where
    E::Model: ByPosition,
{
    all(db, &query.into_query(), |row| E::Model::from_row(row, 0)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{EntityTrait, IdenStatic, Iterable};

    /// A page's LIMIT is written as its number; every other value stays a parameter, numbered
    /// without a gap on PostgreSQL, including one that reads " LIMIT ".
    #[test]
    fn a_limit_is_written_as_its_number() {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
        let page = person::Entity::find()
            .filter(person::Column::GivenName.eq("Sam LIMIT "))
            .filter(person::Column::FamilyName.eq("de Vries"))
            .order_by_asc(person::Column::Id)
            .limit(51)
            .into_query();
        let mut outer = page.clone();
        outer.and_where(person::Column::Id.in_subquery(page));
        let postgres = statement(DbBackend::Postgres, &outer);
        assert!(postgres.sql.ends_with(" LIMIT 51) ORDER BY \"person\".\"id\" ASC LIMIT 51"), "{}", postgres.sql);
        for n in 1..=4 {
            assert_eq!(postgres.sql.matches(&format!("${n}")).count(), 1, "${n} in {}", postgres.sql);
        }
        assert!(!postgres.sql.contains("$5"), "{}", postgres.sql);
        let values = |s: &Statement| s.values.as_ref().map(|v| v.0.clone()).unwrap_or_default();
        assert_eq!(values(&postgres), ["Sam LIMIT ", "de Vries", "Sam LIMIT ", "de Vries"].map(Value::from).to_vec());
        let sqlite = statement(DbBackend::Sqlite, &outer);
        assert_eq!(sqlite.sql.matches('?').count(), 4, "{}", sqlite.sql);
        assert_eq!(sqlite.sql.matches("LIMIT 51").count(), 2, "{}", sqlite.sql);
        assert_eq!(values(&sqlite), values(&postgres));
    }

    fn columns<E: EntityTrait>() -> Vec<&'static str> {
        E::Column::iter().map(|c| c.as_str()).collect()
    }

    /// Two fields of one type in the wrong order would decode without an error, each into the
    /// other: the fields must be the entity's columns, in its order.
    #[test]
    fn fields_follow_the_entity_columns() {
        assert_eq!(person::Model::FIELDS, columns::<person::Entity>());
        assert_eq!(trajectory::Model::FIELDS, columns::<trajectory::Entity>());
        assert_eq!(worker::Model::FIELDS, columns::<worker::Entity>());
        assert_eq!(family::Model::FIELDS, columns::<family::Entity>());
        assert_eq!(screening::Model::FIELDS, columns::<screening::Entity>());
        assert_eq!(safety_assessment::Model::FIELDS, columns::<safety_assessment::Entity>());
        assert_eq!(safety_scale_score::Model::FIELDS, columns::<safety_scale_score::Entity>());
    }
}
