//! Relay cursor connections over UUIDv7 keys: ordering by id is stable and follows creation.

use super::context::ContextExt;
use crate::{
    db::rows,
    error::{AppError, AppResult},
};
use async_graphql::{
    Context, Object, OutputType,
    connection::{Connection, Edge},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Statement,
    sea_query::{Expr, Func},
};
use uuid::Uuid;

pub const DEFAULT_PAGE_SIZE: u64 = 20;

/// The page a client asked for (`first`/`after` or `last`/`before`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub after: Option<Uuid>,
    pub before: Option<Uuid>,
    pub limit: u64,
    /// Counting back from the end (`last`).
    pub backward: bool,
}

pub fn cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode_cursor(raw: &str, field: &str) -> AppResult<Uuid> {
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|b| Uuid::from_slice(&b).ok())
        .ok_or_else(|| AppError::invalid(field, "not a cursor from this connection"))
}

pub fn page(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
    max: u64,
) -> AppResult<Page> {
    let size = |n: i32, field: &str| -> AppResult<u64> {
        match u64::try_from(n) {
            Ok(n) if n <= max => Ok(n),
            Ok(_) => Err(AppError::invalid(field, format!("at most {max} items per page"))),
            Err(_) => Err(AppError::invalid(field, "must not be negative")),
        }
    };
    if first.is_some() && last.is_some() {
        return Err(AppError::invalid("last", "use either first or last, not both"));
    }
    let after = after.as_deref().map(|c| decode_cursor(c, "after")).transpose()?;
    let before = before.as_deref().map(|c| decode_cursor(c, "before")).transpose()?;
    Ok(match (first, last) {
        (_, Some(last)) => Page { after, before, limit: size(last, "last")?, backward: true },
        (first, None) => Page {
            after,
            before,
            limit: first.map_or(Ok(DEFAULT_PAGE_SIZE.min(max)), |f| size(f, "first"))?,
            backward: false,
        },
    })
}

/// Fetches one page of `select` ordered by `id`, plus whether pages exist before and after.
pub async fn fetch<E, C>(
    ctx: &Context<'_>,
    select: Select<E>,
    id: C,
    page: &Page,
) -> AppResult<(Vec<E::Model>, bool, bool)>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let db = ctx.db();
    let query = rows::statement(db.get_database_backend(), &page_of(select, id, page).into_query());
    Ok(page.cut(E::find().from_raw_sql(query).all(db).await?))
}

/// `select` narrowed to the page: after and before its cursors, ordered by `id` in the page's
/// direction, one more than the page holds (to tell whether another page follows).
pub fn page_of<E: EntityTrait, C: ColumnTrait>(select: Select<E>, id: C, page: &Page) -> Select<E> {
    let mut q = select;
    if let Some(a) = page.after {
        q = q.filter(id.gt(a));
    }
    if let Some(b) = page.before {
        q = q.filter(id.lt(b));
    }
    q = if page.backward { q.order_by_desc(id) } else { q.order_by_asc(id) };
    q.limit(page.limit + 1)
}

impl Page {
    /// The rows of [`page_of`] cut to the page, in id order, plus whether pages exist before
    /// and after.
    pub fn cut<M>(&self, mut rows: Vec<M>) -> (Vec<M>, bool, bool) {
        let more = rows.len() as u64 > self.limit;
        rows.truncate(self.limit as usize);
        if self.backward {
            rows.reverse();
            (rows, more, self.before.is_some())
        } else {
            (rows, self.after.is_some(), more)
        }
    }
}

/// `totalCount`, counted only when a client asks for it.
pub struct TotalCount(Statement);

impl TotalCount {
    /// Counted by `stmt`, which names the count `total`.
    pub fn from_statement(stmt: Statement) -> Self {
        Self(stmt)
    }

    pub fn of<E: EntityTrait, C: ColumnTrait>(ctx: &Context<'_>, select: &Select<E>, id: C) -> Self {
        let backend = ctx.db().get_database_backend();
        let stmt = select
            .clone()
            .select_only()
            .column_as(Expr::from(Func::count(Expr::col((E::default(), id)))), "total")
            .build(backend);
        Self(stmt)
    }
}

#[Object]
impl TotalCount {
    /// Number of items matching the filter, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        let row = ctx.db().query_one_raw(self.0.clone()).await?;
        Ok(row.map(|r| r.try_get::<i64>("", "total")).transpose()?.unwrap_or(0))
    }
}

pub type Conn<N> = Connection<String, N, TotalCount>;

pub fn connection<M, N: OutputType>(
    rows: Vec<M>,
    has_previous: bool,
    has_next: bool,
    total: TotalCount,
    id: impl Fn(&M) -> Uuid,
    node: impl Fn(M) -> N,
) -> Conn<N> {
    let mut c = Connection::with_additional_fields(has_previous, has_next, total);
    c.edges.extend(rows.into_iter().map(|m| Edge::new(cursor(id(&m)), node(m))));
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_arguments_are_checked_with_their_field() {
        let field = |r: AppResult<Page>| match r {
            Err(AppError::BadUserInput(v)) => v[0].field.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(page(None, None, None, None, 100).unwrap().limit, DEFAULT_PAGE_SIZE);
        assert_eq!(field(page(Some(101), None, None, None, 100)), "first");
        assert_eq!(field(page(Some(-1), None, None, None, 100)), "first");
        assert_eq!(field(page(Some(1), None, Some(1), None, 100)), "last");
        assert_eq!(field(page(None, Some("%%".into()), None, None, 100)), "after");
        let id = Uuid::now_v7();
        let p = page(None, None, Some(5), Some(cursor(id)), 100).unwrap();
        assert_eq!(p, Page { after: None, before: Some(id), limit: 5, backward: true });
    }
}
