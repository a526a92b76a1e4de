//! Request-scoped batching of loads in waves.
//!
//! A timer-based DataLoader sends a batch a fixed delay after its first key, so on a busy
//! machine the loads of one nesting level fall into two or three batches, and the number of
//! SQL statements a query takes depends on the clock. Here a batch leaves only when the
//! request's execution can make no other progress: every load asked for by then goes out
//! together, one batch per kind of key, and the next wave leaves only after every batch of this
//! one has answered. The statements of a query are then a function of the query and its data.
//!
//! [`Batcher::run`] drives one execution and decides when a wave leaves; outside it (no driver)
//! a load is sent at once.

use foldhash::{HashMap as FastMap, HashMapExt, HashSet as FastSet};
use futures::channel::oneshot;
use std::{
    any::{Any, TypeId},
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex, MutexGuard, atomic::Ordering},
    task::{Context, Poll, Wake, Waker},
};
use tracing::Instrument;

/// Loads the values of many keys at once, typically one `IN (…)` query.
pub trait Load<K>: Send + Sync + 'static {
    type Value: Send + Sync + Clone + 'static;
    type Error: Send + Sync + Clone + 'static;

    fn load(&self, keys: &[K]) -> impl Future<Output = Result<HashMap<K, Self::Value>, Self::Error>> + Send;
}

/// Keys per statement: well under the bind-parameter limits of SQLite and PostgreSQL.
const MAX_KEYS_PER_LOAD: usize = 5000;

pub struct Batcher<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Clone for Batcher<T> {
    fn clone(&self) -> Self {
        Self { shared: self.shared.clone() }
    }
}

struct Shared<T> {
    loader: T,
    state: Mutex<State<T>>,
}

struct State<T> {
    /// Answers known without a load, per key type (a [`Primed<K, V>`]): see [`Batcher::prime_many`].
    primed: FastMap<TypeId, Box<dyn Any + Send>>,
    /// The keys asked for since the last wave left, per key type.
    queued: FastMap<TypeId, Box<dyn Queue<T>>>,
    /// Batches of the current wave still loading.
    in_flight: usize,
    /// Wakes the execution being driven; `None` when nothing drives this batcher.
    driver: Option<Waker>,
}

type Answer<K, V, E> = Result<Arc<FastMap<K, V>>, E>;

/// The primed answers of one key type. Keys are ids the request read, not input an attacker
/// chooses, so a fast hasher serves: these maps are looked up for every object of a page.
type Primed<K, V> = FastMap<K, V>;

/// The keys of one type waiting for the next wave, and who waits for them.
struct Pending<K, V, E> {
    keys: FastSet<K>,
    waiters: Vec<oneshot::Sender<Answer<K, V, E>>>,
}

/// A [`Pending`] with its key type erased, so that one wave can hold every kind of key.
trait Queue<T>: Any + Send {
    /// The batch's load, answering every waiter when it completes.
    fn batch(self: Box<Self>, shared: Arc<Shared<T>>) -> Batch;
}

type Batch = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

impl<T, K> Queue<T> for Pending<K, T::Value, T::Error>
where
    T: Load<K>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    fn batch(self: Box<Self>, shared: Arc<Shared<T>>) -> Batch {
        let Pending { keys, waiters } = *self;
        let keys: Vec<K> = keys.into_iter().collect();
        let batch = async move {
            // Counted down even if the load panics, so that the next wave is not held up.
            let _landed = InFlight(shared.clone());
            let mut all = FastMap::with_capacity(keys.len());
            let mut answer = Ok(());
            for chunk in keys.chunks(MAX_KEYS_PER_LOAD) {
                match shared.loader.load(chunk).await {
                    Ok(found) => all.extend(found),
                    Err(e) => {
                        answer = Err(e);
                        break;
                    }
                }
            }
            let answer = answer.map(|()| Arc::new(all));
            for w in waiters {
                let _ = w.send(answer.clone());
            }
        };
        // The batch keeps the request's span, and so its request id.
        Box::pin(batch.in_current_span())
    }
}

/// One batch of a wave in flight; dropping it (answered or panicked) counts it down and wakes
/// the driver, after the answers were sent, so the driver sees them before the count.
struct InFlight<T>(Arc<Shared<T>>);

impl<T> Drop for InFlight<T> {
    fn drop(&mut self) {
        let driver = {
            let mut state = self.0.lock();
            state.in_flight -= 1;
            state.driver.clone()
        };
        if let Some(w) = driver {
            w.wake();
        }
    }
}

impl<T> State<T> {
    /// The primed answers for keys of type `K`.
    fn primed_of<K: 'static, V: 'static>(&self) -> Option<&Primed<K, V>> {
        self.primed.get(&TypeId::of::<K>())?.downcast_ref()
    }
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panic while holding the lock cannot leave the state half-changed.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T: Send + Sync + 'static> Batcher<T> {
    pub fn new(loader: T) -> Self {
        Self {
            shared: Arc::new(Shared {
                loader,
                state: Mutex::new(State { primed: FastMap::new(), queued: FastMap::new(), in_flight: 0, driver: None }),
            }),
        }
    }

    pub async fn load_one<K>(&self, key: K) -> Result<Option<T::Value>, T::Error>
    where
        T: Load<K>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        // Most loads of a page's objects are answered by what their parent primed.
        if let Some(value) = self.primed(&key) {
            return Ok(Some(value));
        }
        let mut found = self.load_many([key.clone()]).await?;
        Ok(found.remove(&key))
    }

    /// The answer primed for `key`, if any.
    fn primed<K>(&self, key: &K) -> Option<T::Value>
    where
        T: Load<K>,
        K: Hash + Eq + 'static,
    {
        self.shared.lock().primed_of::<K, T::Value>()?.get(key).cloned()
    }

    pub async fn load_many<K>(&self, keys: impl IntoIterator<Item = K>) -> Result<HashMap<K, T::Value>, T::Error>
    where
        T: Load<K>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let mut keys: Vec<K> = keys.into_iter().collect();
        let mut out = HashMap::new();
        let (tx, rx) = oneshot::channel();
        {
            let mut state = self.shared.lock();
            if let Some(primed) = state.primed_of::<K, T::Value>() {
                keys.retain(|k| match primed.get(k) {
                    Some(v) => {
                        out.insert(k.clone(), v.clone());
                        false
                    }
                    None => true,
                });
            }
            if keys.is_empty() {
                return Ok(out);
            }
            let queue = state.queued.entry(TypeId::of::<K>()).or_insert_with(|| {
                Box::new(Pending::<K, T::Value, T::Error> { keys: FastSet::default(), waiters: Vec::new() })
            });
            let pending = (&mut **queue as &mut dyn Any)
                .downcast_mut::<Pending<K, T::Value, T::Error>>()
                .expect("queues are keyed by their key type");
            pending.keys.extend(keys.iter().cloned());
            pending.waiters.push(tx);
            if state.driver.is_none() {
                for batch in self.take_wave(state) {
                    tokio::spawn(batch);
                }
            }
        }
        let all = rx.await.expect("a batch load panicked")?;
        out.extend(keys.into_iter().filter_map(|k| Some((k.clone(), all.get(&k)?.clone()))));
        Ok(out)
    }

    /// The loader itself, for a statement that loads more than one key type at once and primes
    /// them (a page of families with their children).
    pub fn loader(&self) -> &T {
        &self.shared.loader
    }

    /// Makes these the answers for their keys for the rest of the request, without a load: for
    /// rows a resolver has just read or written itself. Code that changes such a row later in
    /// the same request primes it again.
    pub fn prime_many<K>(&self, answers: impl IntoIterator<Item = (K, T::Value)>)
    where
        T: Load<K>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let mut state = self.shared.lock();
        let primed = state.primed.entry(TypeId::of::<K>()).or_insert_with(|| Box::new(Primed::<K, T::Value>::new()));
        primed
            .downcast_mut::<Primed<K, T::Value>>()
            .expect("primed answers are keyed by their key type")
            .extend(answers);
    }

    /// Forgets every primed answer: after a change is committed, and for each change a
    /// subscription reads, the rows are read afresh, not as they were when last looked at.
    pub fn forget(&self) {
        self.shared.lock().primed.clear();
    }

    /// Every queued key as a wave, one batch per key type, counted as in flight.
    fn take_wave(&self, mut state: MutexGuard<'_, State<T>>) -> Vec<Batch> {
        let wave: Vec<Box<dyn Queue<T>>> = state.queued.drain().map(|(_, q)| q).collect();
        state.in_flight += wave.len();
        drop(state);
        wave.into_iter().map(|queue| queue.batch(self.shared.clone())).collect()
    }

    /// Drives `execution` (one GraphQL request), sending a wave whenever it can make no other
    /// progress and the previous wave has fully answered. The batches run inside this future
    /// rather than as tasks of their own, and what becomes ready while this future is being
    /// polled is polled again at once: a wake-up of the running task would make tokio hand it
    /// to the scheduler as a yield and wake another worker thread, which showed in profiles as
    /// a tenth of the server's time.
    pub async fn run<F: Future>(&self, execution: F) -> F::Output {
        /// Rounds within one poll before handing back to the scheduler, which also renews
        /// tokio's cooperative budget (an exhausted budget wakes the task at once).
        const ROUNDS: usize = 64;
        let mut execution = std::pin::pin!(execution);
        let mut batches = futures::stream::FuturesUnordered::new();
        let flag = Arc::new(WakeFlag::default());
        let _driving = Driving::start(&self.shared, Waker::from(flag.clone()));
        std::future::poll_fn(|cx| {
            flag.enter(cx.waker());
            let waker = Waker::from(flag.clone());
            let mut inner = Context::from_waker(&waker);
            for _ in 0..ROUNDS {
                while let Poll::Ready(Some(())) = futures::StreamExt::poll_next_unpin(&mut batches, &mut inner) {}
                if let Poll::Ready(out) = execution.as_mut().poll(&mut inner) {
                    flag.leave();
                    return Poll::Ready(out);
                }
                if flag.take_wake() {
                    continue;
                }
                // Read under the lock: a batch sends its answers (which wake the execution)
                // before it counts down, so an empty flight here means every answer was seen.
                let state = self.shared.lock();
                if state.in_flight == 0 && !state.queued.is_empty() {
                    batches.extend(self.take_wave(state));
                    continue;
                }
                drop(state);
                if flag.leave() {
                    return Poll::Pending;
                }
                // Woken between the check and leaving: poll again.
                flag.enter(cx.waker());
            }
            flag.leave();
            cx.waker().wake_by_ref();
            Poll::Pending
        })
        .await
    }
}

/// Marks the batcher as driven for the duration of [`Batcher::run`].
struct Driving<'a, T>(&'a Shared<T>);

impl<'a, T> Driving<'a, T> {
    fn start(shared: &'a Shared<T>, waker: Waker) -> Self {
        shared.lock().driver = Some(waker);
        Self(shared)
    }
}

impl<T> Drop for Driving<'_, T> {
    fn drop(&mut self) {
        self.0.lock().driver = None;
    }
}

/// The waker handed to the execution and the batches. While the driver polls them, a wake-up
/// is only noted (the driver looks again before it returns); otherwise it is passed on to the
/// task that polls the driver.
#[derive(Default)]
struct WakeFlag {
    /// `POLLING` and `WOKEN` bits.
    state: std::sync::atomic::AtomicU8,
    outer: Mutex<Option<Waker>>,
}

const POLLING: u8 = 1;
const WOKEN: u8 = 2;

impl WakeFlag {
    /// The driver starts polling, for the task that `outer` wakes.
    fn enter(&self, outer: &Waker) {
        {
            let mut slot = self.outer.lock().unwrap_or_else(|e| e.into_inner());
            if !slot.as_ref().is_some_and(|w| w.will_wake(outer)) {
                *slot = Some(outer.clone());
            }
        }
        self.state.store(POLLING, Ordering::Release);
    }

    /// Whether something woke since the last look; clears the note.
    fn take_wake(&self) -> bool {
        self.state.fetch_and(!WOKEN, Ordering::AcqRel) & WOKEN != 0
    }

    /// The driver stops polling; false when a wake-up came in meanwhile (it was not passed on,
    /// so the driver must look again).
    fn leave(&self) -> bool {
        self.state.compare_exchange(POLLING, 0, Ordering::AcqRel, Ordering::Acquire).is_ok()
    }
}

impl Wake for WakeFlag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.state.fetch_or(WOKEN, Ordering::AcqRel) & POLLING == 0
            && let Some(w) = self.outer.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
        {
            w.wake_by_ref();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::{sync::atomic::AtomicUsize, time::Duration};

    /// Doubles numbers, counting its calls; slow, so that batches overlap resolvers.
    #[derive(Default)]
    struct Doubler {
        calls: AtomicUsize,
        batches: Mutex<Vec<Vec<u32>>>,
    }

    impl Load<u32> for Doubler {
        type Value = u32;
        type Error = Arc<str>;

        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, Self::Error> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let mut sorted = keys.to_vec();
            sorted.sort();
            self.batches.lock().unwrap().push(sorted);
            tokio::time::sleep(Duration::from_millis(5)).await;
            if keys.contains(&999) {
                return Err("unlucky".into());
            }
            Ok(keys.iter().map(|k| (*k, k * 2)).collect())
        }
    }

    /// A resolver that works for a while (blocking its thread, as a busy machine would) and then
    /// loads, twice in a row: the second load depends on the first.
    async fn resolve(b: &Batcher<Doubler>, n: u32, busy: Duration) -> u32 {
        std::thread::sleep(busy);
        let once = b.load_one(n).await.unwrap().unwrap();
        tokio::task::yield_now().await;
        b.load_one(once + 1000).await.unwrap().unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_batch_per_level_however_slow_the_resolvers() {
        let b = Batcher::new(Doubler::default());
        let out = b
            .run(futures::future::join_all(
                (0..40).map(|n| resolve(&b, n, Duration::from_micros(300 * u64::from(n % 3)))),
            ))
            .await;
        assert_eq!(out[3], (3 * 2 + 1000) * 2);
        let batches = b.shared.loader.batches.lock().unwrap().clone();
        assert_eq!(batches.len(), 2, "{batches:?}");
        assert_eq!(batches[0], (0..40).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn errors_reach_every_waiter_and_loads_work_without_a_driver() {
        let b = Batcher::new(Doubler::default());
        let (a, c) = b.run(futures::future::join(b.load_one(999), b.load_one(2))).await;
        assert_eq!(&*a.unwrap_err(), "unlucky");
        assert_eq!(&*c.unwrap_err(), "unlucky", "one batch, one answer");
        assert_eq!(b.load_many([1, 2]).await.unwrap(), HashMap::from([(1, 2), (2, 4)]));
        assert_eq!(b.shared.loader.calls.load(Ordering::SeqCst), 2);
        assert_eq!(b.load_many(Vec::<u32>::new()).await.unwrap(), HashMap::new());
    }

    #[tokio::test]
    async fn primed_answers_need_no_load() {
        let b = Batcher::new(Doubler::default());
        b.prime_many([(1, 100), (2, 200)]);
        let found = b.run(b.load_many([1, 2, 3])).await.unwrap();
        assert_eq!(found, HashMap::from([(1, 100), (2, 200), (3, 6)]));
        assert_eq!(b.shared.loader.batches.lock().unwrap().clone(), [vec![3]], "only the unknown key is loaded");
        assert_eq!(b.run(b.load_one(2)).await.unwrap(), Some(200));
        assert_eq!(b.shared.loader.calls.load(Ordering::SeqCst), 1);
        assert_eq!(b.run(b.load_one(4)).await.unwrap(), Some(8), "a key not primed is loaded");
        assert_eq!(b.shared.loader.calls.load(Ordering::SeqCst), 2);
    }
}
