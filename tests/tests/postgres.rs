//! PostgreSQL connections are opened with TCP_NODELAY (sqlx leaves Nagle's algorithm on). A
//! test binary of its own: the check looks at every socket of the process towards the database.

use tests::*;

#[cfg(target_os = "linux")]
#[tokio::test]
async fn database_connections_have_tcp_nodelay() {
    if database_kind() != "postgres" {
        eprintln!("skipped: the SQLite leg has no database sockets (the PostgreSQL leg runs this)");
        return;
    }
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    app.gql(&org.lead_token, "{ families { totalCount } }", serde_json::json!({})).await;
    let port = reqwest::Url::parse(&app.config.database_url).unwrap().port().unwrap_or(5432);
    let mut seen = 0;
    for entry in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        let Ok(fd) = entry.file_name().to_string_lossy().parse::<std::os::fd::RawFd>() else { continue };
        if !std::fs::read_link(entry.path()).is_ok_and(|l| l.to_string_lossy().starts_with("socket:")) {
            continue;
        }
        // SAFETY: the test's own descriptors, open for the duration of the checks.
        let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
        let socket = socket2::SockRef::from(&fd);
        if socket.peer_addr().ok().and_then(|a| a.as_socket()).is_some_and(|a| a.port() == port) {
            seen += 1;
            assert!(socket.tcp_nodelay().unwrap(), "a database connection without TCP_NODELAY");
        }
    }
    assert!(seen > 0, "no connection to the database was found");
}

/// The server's PostgreSQL connections run without JIT compilation (it took seconds to compile
/// the norm overview's statement that runs in under one) and without parallel workers.
#[tokio::test]
async fn database_connections_neither_jit_compile_nor_start_parallel_workers() {
    use sea_orm::ConnectionTrait;
    if database_kind() != "postgres" {
        eprintln!("skipped: PostgreSQL only");
        return;
    }
    let app = spawn_app().await;
    for (setting, expected) in [("jit", "off"), ("max_parallel_workers_per_gather", "0")] {
        let show = sea_orm::Statement::from_string(app.db.get_database_backend(), format!("SHOW {setting}"));
        let value: String = app.db.query_one_raw(show).await.unwrap().unwrap().try_get("", setting).unwrap();
        assert_eq!(value, expected, "{setting}");
    }
}
