//! A client of GraphQL over WebSocket (graphql-transport-ws), speaking the protocol frame by
//! frame so that tests can see every message and close code.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{Message, client::IntoClientRequest, protocol::frame::coding::CloseCode},
};

pub struct LiveClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Sent as `x-request-id` with the upgrade: the access log names the connection by it.
    pub request_id: String,
    /// Messages that came while waiting for something else.
    pending: std::collections::VecDeque<Value>,
}

/// How long a test waits for a message that should come.
const PATIENCE: Duration = Duration::from_secs(15);

impl LiveClient {
    /// Opens the socket at `url` (ws://…/graphql) with the protocol, without `connection_init`.
    pub async fn open(url: &str) -> Self {
        let request_id = format!("live-{}", uuid::Uuid::now_v7());
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
        request.headers_mut().insert("x-request-id", request_id.parse().unwrap());
        let (ws, response) = tokio_tungstenite::connect_async(request).await.expect("websocket upgrade");
        assert_eq!(response.headers()["sec-websocket-protocol"], "graphql-transport-ws");
        Self { ws, request_id, pending: Default::default() }
    }

    /// Opens the socket and sends `connection_init` with `payload`, without waiting for the ack.
    pub async fn init(url: &str, payload: Value) -> Self {
        let mut client = Self::open(url).await;
        client.send(json!({ "type": "connection_init", "payload": payload })).await;
        client
    }

    /// Connected and acknowledged, with the bearer token.
    pub async fn connect(url: &str, token: &str) -> Self {
        let mut client = Self::init(url, json!({ "Authorization": format!("Bearer {token}") })).await;
        assert_eq!(client.receive().await["type"], "connection_ack");
        client
    }

    pub async fn send(&mut self, message: Value) {
        self.ws.send(Message::Text(message.to_string().into())).await.expect("send");
    }

    /// Subscribes, then waits for a ping's pong: the server has taken the subscription up
    /// (it polls a new subscription before it answers the next message).
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }))
            .await;
        self.send(json!({ "type": "ping" })).await;
        loop {
            let message = self.frame().await;
            if message["type"] == "pong" {
                return;
            }
            self.pending.push_back(message);
        }
    }

    /// The next protocol message (pings answered on the way).
    pub async fn receive(&mut self) -> Value {
        match self.pending.pop_front() {
            Some(message) => message,
            None => self.frame().await,
        }
    }

    async fn frame(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("a message within the patience")
                .expect("the socket is open")
                .expect("a frame");
            match frame {
                Message::Text(text) => {
                    let message: Value = serde_json::from_str(&text).unwrap();
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return message;
                }
                Message::Close(frame) => panic!("closed: {frame:?}"),
                _ => continue,
            }
        }
    }

    /// The payload of the next `next` message of subscription `id`.
    pub async fn next(&mut self, id: &str) -> Value {
        let message = self.receive().await;
        assert_eq!((message["type"].as_str(), message["id"].as_str()), (Some("next"), Some(id)), "{message}");
        message["payload"].clone()
    }

    /// Fails when any message arrives within `wait`.
    pub async fn nothing_for(&mut self, wait: Duration) {
        if let Ok(frame) = tokio::time::timeout(wait, self.ws.next()).await {
            panic!("expected nothing, got {frame:?}");
        }
    }

    /// Keeps reading (and so answering pings) for `wait`; messages that come are kept for later.
    pub async fn listen_for(&mut self, wait: Duration) {
        let until = tokio::time::Instant::now() + wait;
        while let Ok(frame) = tokio::time::timeout_at(until, self.ws.next()).await {
            match frame.expect("the socket is open").expect("a frame") {
                Message::Text(text) => self.pending.push_back(serde_json::from_str(&text).unwrap()),
                Message::Close(frame) => panic!("closed: {frame:?}"),
                _ => continue,
            }
        }
    }

    /// Whether the server dropped the connection without a close frame (what it does to a peer
    /// that stopped answering).
    pub async fn dropped(&mut self) -> bool {
        loop {
            match tokio::time::timeout(PATIENCE, self.ws.next()).await.expect("ended within the patience") {
                None | Some(Err(_)) => return true,
                Some(Ok(Message::Close(_))) => return false,
                Some(Ok(_)) => continue,
            }
        }
    }

    /// The close code and reason the server ends the connection with.
    pub async fn closed(&mut self) -> (u16, String) {
        loop {
            match tokio::time::timeout(PATIENCE, self.ws.next()).await.expect("closed within the patience") {
                Some(Ok(Message::Close(Some(frame)))) => return (u16::from(frame.code), frame.reason.to_string()),
                Some(Ok(Message::Close(None))) | None => return (u16::from(CloseCode::Status), String::new()),
                Some(Ok(_)) => continue,
                Some(Err(e)) => panic!("socket error before the close: {e}"),
            }
        }
    }
}
