//! Database connection: SQLite by default, PostgreSQL via `DATABASE_URL`.

pub mod rows;

use crate::{config::Config, metrics::Metrics};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use std::{sync::Arc, time::Duration};

/// A pooled connection idle this long is pinged before use: one dropped by the server, a
/// proxy or a firewall is replaced instead of failing a request. sqlx's default pings on every
/// checkout, a round trip more for every statement (on PostgreSQL a third of a page's latency).
const STALE_AFTER: Duration = Duration::from_secs(30);

/// Connects the pool that writes, switches SQLite to WAL, and counts every statement into `metrics`.
pub async fn connect(config: &Config, metrics: Arc<Metrics>) -> anyhow::Result<DatabaseConnection> {
    if config.is_sqlite() {
        sqlite_allocates_with_mimalloc();
    }
    let max = if config.is_sqlite() { 1 } else { config.database_max_connections };
    // The PostgreSQL pool is kept at its full size. When it had to grow, an acquire that set out
    // to open a connection waited for that one, not for the next one released: at the start of
    // a burst after a quiet spell, requests took up to the 2 s acquire timeout and some were
    // answered 503 (bench/README.md, 2026-11-28 evening).
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(max)
        .min_connections(if config.is_sqlite() { 1 } else { max })
        .acquire_timeout(Duration::from_millis(config.database_acquire_timeout_ms))
        .test_before_acquire_if_idle_for(STALE_AFTER)
        .sqlx_logging(false);
    if let Some(port) = postgres_port(&config.database_url) {
        // PostgreSQL's JIT compiles a statement whose estimated cost is high, and the estimate
        // of a statement with subqueries per row is: the norm overview took 8 s to compile and
        // 0.8 s to run. Parallel workers serve one statement with several cores, which a
        // server of many requests at once takes from the others; the norm overview's workers
        // each built the same hash tables (twice the work for one core's gain). This service's
        // statements are short, or run side by side by design.
        options.map_sqlx_postgres_opts(|o| o.options([("jit", "off"), ("max_parallel_workers_per_gather", "0")]));
        options.map_sqlx_postgres_pool_opts(move |pool| {
            pool.after_connect(move |_, _| {
                Box::pin(async move {
                    set_nodelay_towards(port);
                    Ok(())
                })
            })
        });
    }
    let mut db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers of other processes (backups, `veerkracht migrate --status`) run
        // beside the server; foreign keys are on by default in sqlx.
        db.execute_unprepared("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;").await?;
        optimize(&db).await?;
    }
    db.set_metric_callback(move |_| metrics.sql_statement());
    Ok(db)
}

/// The connections reads go through. On SQLite a pool of read-only connections beside the one
/// writer: WAL lets them read a committed snapshot while the writer writes, so reads run in
/// parallel and never queue behind a write. On PostgreSQL (and for an in-memory SQLite
/// database, which a second pool cannot see) the writer's pool itself.
pub async fn connect_reader(
    config: &Config,
    writer: &DatabaseConnection,
    metrics: Arc<Metrics>,
) -> anyhow::Result<DatabaseConnection> {
    if !config.is_sqlite() || config.database_url.contains(":memory:") || config.database_url.contains("mode=memory") {
        return Ok(writer.clone());
    }
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(sqlite_readers(config.database_max_connections, cores()))
        .min_connections(0)
        .acquire_timeout(Duration::from_millis(config.database_acquire_timeout_ms))
        .test_before_acquire_if_idle_for(STALE_AFTER)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| o.read_only(true).create_if_missing(false));
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(move |_| metrics.sql_statement());
    Ok(db)
}

/// How many read connections SQLite gets: `database_max_connections`, but at most two per CPU
/// core. Each connection runs its statements on a thread of its own, on this machine's cores;
/// more threads than that only take turns on them (the deep caseload page, 8 clients, 2 cores:
/// 166–219 req/s with 10 connections, 224–257 with 4, 237–265 with 6).
fn sqlite_readers(configured: u32, cores: usize) -> u32 {
    configured.clamp(1, 2 * cores.max(1) as u32)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// SQLite plans without statistics unless asked to gather them, and then picks poor indexes
/// (the trajectories of a page through the organisation's index rather than the children's:
/// 20 ms instead of 1 at 20,000 families). `PRAGMA optimize` analyses the tables whose
/// statistics are missing or stale, within `analysis_limit` rows each; run at start and hourly
/// by `serve`. Does nothing on PostgreSQL, whose autovacuum keeps statistics.
pub async fn optimize(db: &DatabaseConnection) -> anyhow::Result<()> {
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;").await?;
    }
    Ok(())
}

/// SQLite allocates with the C library's `malloc`, not with the process's allocator: on the
/// caseload pages at 8 connections glibc's allocator was 15% of the SQLite server's time (sqlx
/// copies every value of every row it reads, and a reader refills its page cache after each
/// commit by another connection). This gives SQLite mimalloc, which the rest of the process
/// uses, and stops SQLite counting the memory in use. SQLite takes both only before its first use
/// in the process; later it keeps its own, which works the same, more slowly.
fn sqlite_allocates_with_mimalloc() {
    use libmimalloc_sys as mi;
    use libsqlite3_sys as sqlite;
    use std::ffi::{c_int, c_void};

    unsafe extern "C" fn malloc(size: c_int) -> *mut c_void {
        // SAFETY: SQLite asks for a positive size; mimalloc returns null when it cannot.
        unsafe { mi::mi_malloc(size as usize) }
    }
    unsafe extern "C" fn free(p: *mut c_void) {
        // SAFETY: `p` came from `malloc` or `realloc` above.
        unsafe { mi::mi_free(p) }
    }
    unsafe extern "C" fn realloc(p: *mut c_void, size: c_int) -> *mut c_void {
        // SAFETY: as `malloc` and `free`.
        unsafe { mi::mi_realloc(p, size as usize) }
    }
    unsafe extern "C" fn size(p: *mut c_void) -> c_int {
        // SAFETY: as `free`. SQLite allows a size larger than asked for.
        unsafe { mi::mi_usable_size(p) as c_int }
    }
    unsafe extern "C" fn roundup(size: c_int) -> c_int {
        // SAFETY: a pure function of the size.
        unsafe { mi::mi_good_size(size as usize) as c_int }
    }
    unsafe extern "C" fn init(_: *mut c_void) -> c_int {
        sqlite::SQLITE_OK
    }
    unsafe extern "C" fn shutdown(_: *mut c_void) {}

    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let methods = sqlite::sqlite3_mem_methods {
            xMalloc: Some(malloc),
            xFree: Some(free),
            xRealloc: Some(realloc),
            xSize: Some(size),
            xRoundup: Some(roundup),
            xInit: Some(init),
            xShutdown: Some(shutdown),
            pAppData: std::ptr::null_mut(),
        };
        // SAFETY: SQLite copies `methods` before returning; it refuses (SQLITE_MISUSE) once
        // initialised, and then nothing changes.
        let allocator = unsafe { sqlite::sqlite3_config(sqlite::SQLITE_CONFIG_MALLOC, &methods as *const _) };
        // SQLite's count of memory in use takes a process-wide mutex and asks the size of each
        // block it frees; nothing here reads the count.
        // SAFETY: as above, before SQLite's first use.
        let count = unsafe { sqlite::sqlite3_config(sqlite::SQLITE_CONFIG_MEMSTATUS, 0 as c_int) };
        if allocator != sqlite::SQLITE_OK || count != sqlite::SQLITE_OK {
            tracing::info!(
                allocator,
                count,
                "SQLite keeps its own allocator: it was in use before the database was opened"
            );
        }
    });
}

fn postgres_port(url: &str) -> Option<u16> {
    let url = reqwest::Url::parse(url).ok()?;
    matches!(url.scheme(), "postgres" | "postgresql").then(|| url.port().unwrap_or(5432))
}

/// sqlx opens PostgreSQL connections without TCP_NODELAY, so a request's small messages wait on
/// Nagle's algorithm for the server's delayed ACK (measured on one connection: 70 → 35 ms a
/// page). sqlx offers no hook on the socket, so right after each new connection this sets the
/// option on every TCP socket of the process whose peer listens on the database's port.
#[cfg(target_os = "linux")]
pub fn set_nodelay_towards(port: u16) {
    use std::os::fd::{BorrowedFd, RawFd};
    let Ok(fds) = std::fs::read_dir("/proc/self/fd") else { return };
    for entry in fds.flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse::<RawFd>().ok()) else { continue };
        if !std::fs::read_link(entry.path()).is_ok_and(|l| l.to_string_lossy().starts_with("socket:")) {
            continue;
        }
        // SAFETY: the descriptor is only passed to getsockopt/setsockopt/getpeername; when it
        // was closed meanwhile they fail with EBADF, and when it was reused for another socket
        // the checks below apply to that one.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let socket = socket2::SockRef::from(&fd);
        let towards_db = socket.peer_addr().ok().and_then(|a| a.as_socket()).is_some_and(|a| a.port() == port);
        if towards_db
            && socket.tcp_nodelay().is_ok_and(|on| !on)
            && let Err(e) = socket.set_tcp_nodelay(true)
        {
            tracing::warn!(error = %e, "could not set TCP_NODELAY on a database connection");
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn set_nodelay_towards(_port: u16) {}

pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// One line per migration: its name and whether it is applied.
pub async fn migration_status(db: &DatabaseConnection) -> anyhow::Result<Vec<(String, bool)>> {
    let list = Migrator::get_migration_with_status(db).await?;
    Ok(list.iter().map(|m| (m.name().to_string(), m.status() == migrations::MigrationStatus::Applied)).collect())
}

#[cfg(test)]
mod tests {
    use super::sqlite_readers;

    #[test]
    fn sqlite_reads_get_at_most_two_connections_per_core() {
        assert_eq!(sqlite_readers(10, 2), 4);
        assert_eq!(sqlite_readers(3, 8), 3, "fewer when configured so");
        assert_eq!(sqlite_readers(0, 2), 1, "at least one");
        assert_eq!(sqlite_readers(10, 1), 2);
    }
}
