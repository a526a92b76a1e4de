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
    // The pools open their connections in the background: one in its handshake has not been
    // through `after_connect` yet. Every connection must have the option within 5 s.
    let mut without = 0;
    for _ in 0..50 {
        let (seen, lacking) = database_sockets(port);
        assert!(seen > 0, "no connection to the database was found");
        without = lacking;
        if without == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{without} database connections without TCP_NODELAY");
}

/// The process's sockets towards `port`, and how many of them lack TCP_NODELAY.
#[cfg(target_os = "linux")]
fn database_sockets(port: u16) -> (usize, usize) {
    let (mut seen, mut lacking) = (0, 0);
    for_each_socket(|socket| {
        if socket.peer_addr().ok().and_then(|a| a.as_socket()).is_some_and(|a| a.port() == port) {
            seen += 1;
            lacking += usize::from(!socket.tcp_nodelay().unwrap_or(false));
        }
    });
    (seen, lacking)
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

/// The PostgreSQL pool is opened to its full size and kept there: a pool that grew under a
/// burst made requests wait for new connections, up to the acquire timeout (503s).
#[tokio::test]
async fn the_pool_is_kept_at_its_full_size() {
    if database_kind() != "postgres" {
        eprintln!("skipped: PostgreSQL only");
        return;
    }
    let app = spawn_app_with(|c| c.database_max_connections = 4).await;
    let pool = app.db.get_postgres_connection_pool();
    for _ in 0..50 {
        if pool.size() == 4 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{} connections open, not 4", pool.size());
}
