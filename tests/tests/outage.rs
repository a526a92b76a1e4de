//! A database outage: requests fail fast with 503 and recover without a restart. A test binary
//! of its own: its proxy's connections to PostgreSQL would confuse the socket checks of
//! `postgres.rs`.

use tests::*;

/// A TCP proxy on loopback in front of PostgreSQL that can be cut: the database "goes down"
/// for the server while the test keeps its own connection.
struct Outage {
    addr: std::net::SocketAddr,
    down: std::sync::Arc<std::sync::atomic::AtomicBool>,
    cut: tokio::sync::broadcast::Sender<()>,
}

impl Outage {
    async fn in_front_of(target: std::net::SocketAddr) -> Self {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let down = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (cut, _) = tokio::sync::broadcast::channel(1);
        let (flag, cuts) = (down.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if flag.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is closed at once
                }
                let mut cut = cuts.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(target).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.recv() => {}
                    }
                });
            }
        });
        Self { addr, down, cut }
    }

    fn set_down(&self, down: bool) {
        self.down.store(down, std::sync::atomic::Ordering::SeqCst);
        if down {
            self.cut.send(()).ok();
        }
    }
}

/// While the database is down requests fail fast with 503 SERVICE_UNAVAILABLE and `/readyz`
/// answers within a second; when it is back, requests succeed again without a restart
/// (issue 11, item 13).
#[tokio::test]
async fn a_database_outage_is_answered_quickly_with_503_and_recovered_from() {
    if database_kind() != "postgres" {
        eprintln!("skipped: an outage needs a database server (the PostgreSQL leg runs this)");
        return;
    }
    use std::time::{Duration, Instant};
    let server = reqwest::Url::parse(&std::env::var("TEST_DATABASE_URL").unwrap()).unwrap();
    let target = (server.host_str().unwrap().to_string(), server.port().unwrap_or(5432));
    let outage = Outage::in_front_of(std::net::ToSocketAddrs::to_socket_addrs(&target).unwrap().next().unwrap()).await;
    let app = spawn_app_with(|c| {
        let mut url = reqwest::Url::parse(&c.database_url).unwrap();
        url.set_port(Some(outage.addr.port())).unwrap();
        c.database_url = url.to_string();
    })
    .await;
    let org = org(&app, "haven").await;
    let query = "{ families { totalCount } }";
    app.gql(&org.lead_token, query, serde_json::json!({})).await;

    outage.set_down(true);
    let started = Instant::now();
    let (status, body) = app.post(Some(&org.lead_token), query, serde_json::json!({})).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE", "{body}");
    assert!(started.elapsed() < Duration::from_secs(5), "answered after {:?}", started.elapsed());
    let started = Instant::now();
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    assert!(started.elapsed() < Duration::from_millis(1500), "readyz answered after {:?}", started.elapsed());

    outage.set_down(false);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = app.post(Some(&org.lead_token), query, serde_json::json!({})).await;
        if status == 200 && body["errors"].is_null() {
            break;
        }
        assert!(Instant::now() < deadline, "not recovered: {status} {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status(), 200);
}
