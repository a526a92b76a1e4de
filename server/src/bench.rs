//! `veerkracht bench-delivery`: drains a burst of queued messages to the Verwijsindex
//! simulator on loopback and reports throughput and enqueue-to-delivered latency.

use crate::{
    audit::RequestMeta,
    auth::Principal,
    cases::{
        Actor,
        chain_partners::{self, PartnerSettings, RegisterPartner},
    },
    config::Config,
    db,
    metrics::Metrics,
    seed,
};
use chrono::Utc;
use entities::{MessageKind, MessageStatus, PartnerAdapter, PartnerKind, Role, outbox_message};
use integrations::{
    outbox::{self, DeliveryWorker, NewMessage},
    simulator::{SimClient, verwijsindex::Verwijsindex},
    verwijsindex::{ContactPoint, Registration},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use std::{sync::Arc, time::Instant};
use uuid::Uuid;

pub async fn delivery(config: &Config, messages: usize) -> anyhow::Result<()> {
    let db = db::connect(config, Arc::new(Metrics::default())).await?;
    db::migrate(&db).await?;
    let secrets = Arc::new(config.secrets()?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let (vi, addr) = Verwijsindex::start(listener).await?;
    let org =
        seed::create_organisation(&db, &format!("bench-delivery-{}", Uuid::now_v7().simple()), "Delivery benchmark")
            .await?;
    let client_id = org.slug.clone();
    let (client_secret, signing_secret) =
        ("bench-client-secret".to_string(), "bench-signing-secret-0123456789".to_string());
    vi.common.add_client(SimClient {
        client_id: client_id.clone(),
        client_secret: client_secret.clone(),
        signing_secret: signing_secret.clone(),
        callback_url: None,
    });
    let now = Utc::now();
    // Registered like any partner, by an administrator of the organisation.
    let admin = Principal {
        subject: "bench-delivery".into(),
        organisation_id: org.id,
        organisation_slug: org.slug.clone(),
        worker_id: None,
        roles: vec![Role::OrgAdmin],
        partner: None,
        municipality: None,
    };
    let meta = RequestMeta::default();
    let registration = RegisterPartner {
        slug: "verwijsindex".into(),
        name: "Verwijsindex simulator".into(),
        kind: PartnerKind::Verwijsindex,
        settings: PartnerSettings {
            adapter: Some(PartnerAdapter::Verwijsindex),
            endpoint_url: Some(format!("http://{addr}")),
            token_url: Some(format!("http://{addr}/oauth/token")),
            client_id: Some(client_id),
            client_secret: Some(client_secret),
            signing_secret: Some(signing_secret),
            ..PartnerSettings::default()
        },
    };
    let txn = db.begin().await?;
    let partner = chain_partners::register_partner(
        Actor { principal: &admin, meta: &meta },
        &txn,
        &secrets,
        &config.egress(),
        registration,
    )
    .await?;
    txn.commit().await?;

    let started = Instant::now();
    let txn = db.begin().await?;
    for i in 0..messages {
        let registration = Registration {
            signal_id: Uuid::now_v7(),
            bsn: format!("{:09}", 100_000_000 + i),
            contact: ContactPoint {
                organisation: org.name.clone(),
                name: "Bench".into(),
                phone: Some("030".into()),
                email: None,
            },
            start_on: now.date_naive(),
            end_on: now.date_naive() + chrono::Days::new(365),
        };
        let message = NewMessage {
            organisation_id: org.id,
            partner_id: partner.id,
            child_id: None,
            subject_id: Some(registration.signal_id),
            kind: MessageKind::ReferenceIndexRegister,
            payload: serde_json::to_string(&registration)?,
            ground: "bench".into(),
        };
        outbox::enqueue(&txn, Uuid::now_v7(), message).await?;
    }
    txn.commit().await?;
    let enqueued = started.elapsed();

    let worker = DeliveryWorker::new(db.clone(), secrets, config.worker_settings());
    let drain = Instant::now();
    while worker.run_once().await? > 0 {}
    let drained = drain.elapsed();

    let rows = outbox_message::Entity::find().filter(outbox_message::Column::PartnerId.eq(partner.id)).all(&db).await?;
    let delivered: Vec<_> = rows.iter().filter(|m| m.status == MessageStatus::Delivered).collect();
    let mut latencies: Vec<i64> =
        delivered.iter().filter_map(|m| Some((m.delivered_at? - m.created_at).num_milliseconds())).collect();
    latencies.sort_unstable();
    let pct =
        |p: f64| latencies.get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(0);
    println!("database:           {}", if config.is_sqlite() { "SQLite" } else { "PostgreSQL" });
    println!(
        "messages:           {messages} ({} delivered, {} received by the simulator)",
        delivered.len(),
        vi.common.received().len()
    );
    println!(
        "enqueue:            {:.2} s ({:.0} messages/s, one transaction)",
        enqueued.as_secs_f64(),
        messages as f64 / enqueued.as_secs_f64()
    );
    println!(
        "drain:              {:.2} s ({:.0} messages/s, batch {}, concurrency {})",
        drained.as_secs_f64(),
        delivered.len() as f64 / drained.as_secs_f64(),
        config.delivery.batch_size,
        config.delivery.concurrency
    );
    println!("enqueue→delivered:  p50 {} ms, p99 {} ms, max {} ms", pct(0.50), pct(0.99), pct(1.0));
    anyhow::ensure!(delivered.len() == messages, "not every message was delivered");
    Ok(())
}
