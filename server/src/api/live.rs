//! Live updates (subscriptions, over the graphql-transport-ws protocol): what a frontend shows
//! live. Each update is read when it is sent, as the matching query reads it — the same policy,
//! the same access log entries — and only changes of the viewer's organisation are seen.
//! (The fields return `Result`, not `AppResult`: async-graphql tells a stream's errors by that name.)

use super::{
    cadence::{self, AgendaItem},
    context::ContextExt,
    handovers::{Handover, Referral},
    ids,
    loaders::{HandoverId, TrajectoryOf},
    partners::PartnerMessage,
    scalars::Date,
};
use crate::{
    error::{AppError, AppResult},
    policy,
};
use async_graphql::{Context, ID, Subscription};
use futures::{Stream, StreamExt};
use integrations::live::{Change, Subject};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

#[derive(Default)]
pub struct LiveSubscription;

#[Subscription]
impl LiveSubscription {
    /// Agenda, live: the worker's agenda at once, then again each time it changes (a record of
    /// a child in the caseload written, a child assigned or handed on). Arguments as `agenda`.
    async fn agenda<'a>(
        &self,
        ctx: &'a Context<'_>,
        #[graphql(desc = "Whose agenda: the viewer's own when left out; another worker's for a team lead.")] worker_id: Option<ID>,
        #[graphql(desc = "First day of what is due (default: today); overdue items come whatever it is.")] from: Option<
            Date,
        >,
        #[graphql(desc = "Last day of what is due.")] to: Date,
    ) -> Result<impl Stream<Item = AppResult<Vec<AgendaItem>>> + 'a, AppError> {
        // Listening before the first read: no change falls between the two.
        let changes = changes_of_organisation(ctx)?;
        let first = cadence::agenda_of(ctx, worker_id.as_ref(), from, to).await?;
        let initial = futures::stream::iter([Ok(first.items.clone())]);
        let updates = futures::stream::unfold((Box::pin(changes), first), move |(mut changes, mut last)| {
            let worker_id = worker_id.clone();
            async move {
                loop {
                    match changes.next().await? {
                        Some(c) if c.subject != Subject::Person => continue,
                        Some(c) if !last.caseload.contains(&c.id) && !responsible(ctx, c.id, last.worker).await => {
                            continue;
                        }
                        // A change of the caseload, or missed changes: read the agenda again.
                        _ => {}
                    }
                    match cadence::agenda_of(ctx, worker_id.as_ref(), from, to).await {
                        Ok(agenda) if agenda.items == last.items => last = agenda,
                        Ok(agenda) => {
                            let items = agenda.items.clone();
                            return Some((Ok(items), (changes, agenda)));
                        }
                        Err(e) => return Some((Err(e), (changes, last))),
                    }
                }
            }
        });
        Ok(initial.chain(updates))
    }

    /// A message to a partner changed status (queued, sent, delivered, acknowledged, failed,
    /// dead, retried): the message as it is now. Every partner's, or one partner's.
    async fn partner_message_changed<'a>(
        &self,
        ctx: &'a Context<'_>,
        #[graphql(desc = "Only messages to this partner.")] partner_id: Option<ID>,
    ) -> Result<impl Stream<Item = AppResult<PartnerMessage>> + 'a, AppError> {
        policy::read_partner_messages(ctx.principal()?)?;
        let partner = partner_id.map(|id| ids::decode(&id, "ChainPartner", "partnerId")).transpose()?;
        let changes = changes_of_organisation(ctx)?;
        Ok(updates(changes, Subject::PartnerMessage, move |id| async move {
            let m = PartnerMessage::find(ctx, id).await?;
            Ok(partner.is_none_or(|p| m.0.partner_id == p).then_some(m))
        }))
    }

    /// A warm handover changed status (sent, delivered, acknowledged, accepted or declined,
    /// meeting held, completed): the handover as it is now. Every handover, one family's, or one.
    async fn handover_changed<'a>(
        &self,
        ctx: &'a Context<'_>,
        #[graphql(desc = "Only this handover.")] id: Option<ID>,
        #[graphql(desc = "Only the handovers of this family.")] family_id: Option<ID>,
    ) -> Result<impl Stream<Item = AppResult<Handover>> + 'a, AppError> {
        policy::read_cases(ctx.principal()?)?;
        let only = id.map(|id| ids::decode(&id, "Handover", "id")).transpose()?;
        let family = family_id.map(|id| ids::decode(&id, "Family", "familyId")).transpose()?;
        let changes = changes_of_organisation(ctx)?;
        Ok(updates(changes, Subject::Handover, move |id| async move {
            if only.is_some_and(|only| only != id) {
                return Ok(None);
            }
            // Filtered before it is read, which logs the handover's children.
            match ctx.loader().load_one(HandoverId(id)).await? {
                Some(h) if family.is_none_or(|f| h.family_id == f) => Handover::read(ctx, h).map(Some),
                _ => Ok(None),
            }
        }))
    }

    /// Aanmelding: a partner referred a family to the organisation.
    async fn referral_received<'a>(
        &self,
        ctx: &'a Context<'_>,
    ) -> Result<impl Stream<Item = AppResult<Referral>> + 'a, AppError> {
        policy::edit_cases(ctx.principal()?)?;
        let changes = changes_of_organisation(ctx)?;
        Ok(updates(changes, Subject::Referral, move |id| async move { Referral::find(ctx, id).await.map(Some) }))
    }
}

/// Every change of the viewer's organisation from now on, or `None` where some were missed.
fn changes_of_organisation<'a>(ctx: &'a Context<'_>) -> AppResult<impl Stream<Item = Option<Change>> + 'a> {
    let organisation = ctx.principal()?.organisation_id;
    let rx = ctx.state().settings.live.subscribe();
    Ok(futures::stream::unfold(rx, move |mut rx| async move {
        loop {
            let change = match rx.recv().await {
                Ok(Some(c)) if c.organisation_id == organisation => Some(c),
                Ok(Some(_)) => continue,
                Ok(None) | Err(RecvError::Lagged(_)) => None,
                Err(RecvError::Closed) => return None,
            };
            // Each change is read afresh, not as the rows were when the subscription last read them.
            ctx.loader().forget();
            return Some((change, rx));
        }
    }))
}

/// The changes of `subject`, each read by `read` (None: not for this subscription; not found:
/// gone or not visible, skipped), with UPDATES_MISSED where changes were missed.
fn updates<'a, T, F, Fut>(
    changes: impl Stream<Item = Option<Change>> + 'a,
    subject: Subject,
    read: F,
) -> impl Stream<Item = AppResult<T>> + 'a
where
    F: Fn(Uuid) -> Fut + 'a,
    Fut: Future<Output = AppResult<Option<T>>> + 'a,
    T: 'a,
{
    changes.filter_map(move |change| {
        let read = match change {
            Some(c) if c.subject == subject => Some(read(c.id)),
            Some(_) => None,
            None => return futures::future::Either::Left(std::future::ready(Some(Err(AppError::UpdatesMissed)))),
        };
        futures::future::Either::Right(async move {
            match read?.await {
                Ok(found) => found.map(Ok),
                Err(AppError::NotFound(_)) => None,
                Err(e) => Some(Err(e)),
            }
        })
    })
}

/// Whether `child` is now in `worker`'s caseload (its current trajectory is theirs).
async fn responsible(ctx: &Context<'_>, child: Uuid, worker: Uuid) -> bool {
    matches!(ctx.loader().load_one(TrajectoryOf(child)).await, Ok(Some(t)) if t.responsible_worker_id == worker)
}
