//! Load for the benchmarks in `bench/`.
//! - `veerkracht bench-delivery`: drains a burst of queued messages to the Verwijsindex
//!   simulator on loopback and reports throughput and enqueue-to-delivered latency.
//! - `veerkracht seed-access-log`: appends a large access log, for `bench/access-log.sh`.

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

/// Appends `events` unsealed access-log events to the organisation `slug`, each naming one
/// person: one person in `per_person` of them spread evenly, the others one of 50,000. Returns
/// that one person's id, whose log `bench/access-log.sh` reads.
pub async fn access_log(config: &Config, slug: &str, events: usize, per_person: usize) -> anyhow::Result<Uuid> {
    use entities::{AccessAction, access_event, organisation};
    use rand::Rng;
    anyhow::ensure!((1..=events).contains(&per_person), "--per-person must be between 1 and --events");
    let db = db::connect(config, Arc::new(Metrics::default())).await?;
    db::migrate(&db).await?;
    let org = organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(slug))
        .one(&db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no organisation {slug}; seed it first (seed-bench)"))?;
    let person = Uuid::now_v7();
    let others: Vec<Uuid> = (0..50_000).map(|_| Uuid::now_v7()).collect();
    let every = events / per_person;
    let mut rng = rand::thread_rng();
    // 1,000 rows of 17 columns: well under SQLite's 32,766 parameters.
    for start in (0..events).step_by(1_000) {
        let now = Utc::now();
        let rows = (start..events.min(start + 1_000)).map(|i| {
            let named = if i % every == every - 1 && i / every < per_person {
                person
            } else {
                others[rng.gen_range(0..others.len())]
            };
            access_event::ActiveModel::from(access_event::Model {
                id: Uuid::now_v7(),
                organisation_id: org.id,
                occurred_at: now,
                actor_subject: "bench-access-log".into(),
                actor_worker_id: None,
                actor_roles: Role::ChildFamilyWorker.as_str().into(),
                actor_partner: None,
                action: AccessAction::Read,
                area: "identity".into(),
                ground: format!("role:{}", Role::ChildFamilyWorker.as_str()),
                request_id: format!("bench-{i}"),
                client_address: Some("127.0.0.1".into()),
                user_agent: Some("bench/access-log.sh".into()),
                persons: named.to_string(),
                seq: None,
                prev_hash: None,
                hash: None,
            })
        });
        access_event::Entity::insert_many(rows).exec_without_returning(&db).await?;
    }
    Ok(person)
}
