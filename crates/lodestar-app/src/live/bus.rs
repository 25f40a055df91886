//! The bus of one process: subscriptions by person, and the one task that hears the
//! database's signals and hands each to the subscriptions of the people it names.
//!
//! A signal costs a map lookup per recipient and a `try_send` per open stream of theirs,
//! whatever the number of other streams: nothing is broadcast to every stream to filter.
//! Each subscription has a bounded buffer; one that is full is dropped rather than waited
//! for or grown, and its stream ends (the client reconnects and catches up).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};

use lodestar_domain::PersonId;
use lodestar_store::Db;
use lodestar_store::signals::Heard;
use tokio::sync::{mpsc, watch};

use super::LiveSignal;
use crate::AppError;

/// Deliveries a subscription may hold unread before it is dropped as too slow.
const BUFFER: usize = 128;
/// Open streams one person may have at once (tabs, devices, API clients); more are
/// refused, so that one account cannot take the server's connections.
pub const MAX_STREAMS_PER_PERSON: usize = 16;

/// What a subscription receives.
#[derive(Clone, Debug)]
pub enum Delivery {
    /// Something happened that concerns the subscriber.
    Signal(Arc<LiveSignal>),
    /// Signals may have been missed (the process's listener reconnected or fell behind):
    /// look in the database for what came after the last thing sent.
    CatchUp,
}

/// The live bus of this process. Cheap to clone; clones share it.
#[derive(Clone)]
pub struct Live {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live")
            .field("subscriptions", &self.subscriptions())
            .finish_non_exhaustive()
    }
}

struct Inner {
    db: Db,
    people: Mutex<HashMap<PersonId, Vec<Slot>>>,
    next_id: AtomicU64,
    /// Set once the listener task runs (it starts with the first subscription).
    listening: OnceLock<()>,
    closed: AtomicBool,
    /// Tells the listener task to stop; dropping it (with the bus) stops it too.
    stop: watch::Sender<bool>,
    /// Whether the listener is connected and hearing signals.
    hearing: watch::Sender<bool>,
}

struct Slot {
    id: u64,
    deliveries: mpsc::Sender<Delivery>,
}

/// One open stream's share of the bus. Dropping it unsubscribes.
pub struct Subscription {
    person: PersonId,
    id: u64,
    deliveries: mpsc::Receiver<Delivery>,
    bus: Weak<Inner>,
}

impl Subscription {
    /// The next delivery; `None` once the subscription was dropped for being slow or the
    /// bus closed (the stream should end).
    pub async fn recv(&mut self) -> Option<Delivery> {
        self.deliveries.recv().await
    }

    pub fn person(&self) -> PersonId {
        self.person
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(bus) = self.bus.upgrade() {
            bus.remove(self.person, self.id);
        }
    }
}

impl Live {
    pub fn new(db: Db) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                people: Mutex::default(),
                next_id: AtomicU64::new(1),
                listening: OnceLock::new(),
                closed: AtomicBool::new(false),
                stop: watch::channel(false).0,
                hearing: watch::channel(false).0,
            }),
        }
    }

    /// Subscribes to what concerns `person`. The first subscription starts the process's
    /// listener (so a process nobody streams from holds no `LISTEN` connection). Refused
    /// once the bus is closed, and beyond [`MAX_STREAMS_PER_PERSON`].
    pub fn subscribe(&self, person: PersonId) -> Result<Subscription, AppError> {
        if self.inner.closed.load(Ordering::Acquire) {
            return Err(AppError::Busy {
                retry_after_secs: 1,
            });
        }
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let (sender, deliveries) = mpsc::channel(BUFFER);
        {
            let mut people = self.inner.lock();
            let slots = people.entry(person).or_default();
            if slots.len() >= MAX_STREAMS_PER_PERSON {
                return Err(AppError::Conflict {
                    code: "too_many_streams",
                    field: None,
                    message: format!(
                        "you have {MAX_STREAMS_PER_PERSON} live streams open already; close one first"
                    ),
                });
            }
            slots.push(Slot {
                id,
                deliveries: sender,
            });
        }
        metrics::gauge!("lodestar_live_subscriptions").increment(1.0);
        // After the slot is in: the listener's first word, a catch-up, reaches it.
        self.inner.listening.get_or_init(|| self.start_listening());
        Ok(Subscription {
            person,
            id,
            deliveries,
            bus: Arc::downgrade(&self.inner),
        })
    }

    /// Hands `signal` to the subscriptions of each person it names, in this process only
    /// (signals from the database arrive here through the listener).
    pub fn dispatch(&self, signal: LiveSignal) {
        metrics::counter!("lodestar_live_signals_total", "kind" => signal.kind()).increment(1);
        let signal = Arc::new(signal);
        let mut people = self.inner.lock();
        for person in signal.recipients() {
            if let Some(slots) = people.get_mut(person) {
                deliver(slots, &Delivery::Signal(signal.clone()));
                if slots.is_empty() {
                    people.remove(person);
                }
            }
        }
    }

    /// Tells every subscription to look for what it may have missed.
    pub fn catch_up_all(&self) {
        let mut people = self.inner.lock();
        people.retain(|_, slots| {
            deliver(slots, &Delivery::CatchUp);
            !slots.is_empty()
        });
    }

    /// Ends every subscription (their streams end) and refuses new ones: for shutdown, so
    /// that open streams do not hold it up until its deadline.
    pub fn close(&self) {
        self.inner.closed.store(true, Ordering::Release);
        self.inner.stop.send_replace(true);
        let dropped: usize = self.inner.lock().drain().map(|(_, s)| s.len()).sum();
        metrics::gauge!("lodestar_live_subscriptions").decrement(dropped as f64);
    }

    /// Waits until this process hears the database's signals (its listener starts with the
    /// first subscription; on PostgreSQL it then connects). Until then a signal can be
    /// missed, and streams catch up on what was, from the database, once it hears.
    pub async fn hearing(&self) {
        let mut hearing = self.inner.hearing.subscribe();
        let _ = hearing.wait_for(|hearing| *hearing).await;
    }

    /// Open subscriptions in this process.
    pub fn subscriptions(&self) -> usize {
        self.inner.lock().values().map(Vec::len).sum()
    }

    /// Starts the task that hears the database's signals. It holds the bus weakly and
    /// ends with it, or when the bus closes.
    fn start_listening(&self) {
        let mut listener = self.inner.db.listen();
        let mut stop = self.inner.stop.subscribe();
        let bus = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            loop {
                let heard = tokio::select! {
                    heard = listener.next() => heard,
                    // Closed, or the bus (and with it the sender) is gone.
                    _ = stop.wait_for(|stop| *stop) => return,
                };
                let Some(inner) = bus.upgrade() else { return };
                let live = Live { inner };
                match heard {
                    Heard::Signal(text) => match serde_json::from_str::<LiveSignal>(&text) {
                        Ok(signal) => live.dispatch(signal),
                        // A newer process may speak of kinds this one does not know.
                        Err(e) => tracing::debug!(error = %e, "ignored a live signal"),
                    },
                    Heard::Gap => {
                        live.catch_up_all();
                        live.inner.hearing.send_replace(true);
                    }
                }
            }
        });
    }
}

/// Offers `delivery` to each slot, dropping those that are full (too slow) or gone.
fn deliver(slots: &mut Vec<Slot>, delivery: &Delivery) {
    let before = slots.len();
    slots.retain(|slot| match slot.deliveries.try_send(delivery.clone()) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Full(_)) => {
            metrics::counter!("lodestar_live_dropped_total").increment(1);
            tracing::debug!("dropped a live stream that did not keep up");
            false
        }
        Err(mpsc::error::TrySendError::Closed(_)) => false,
    });
    let gone = before - slots.len();
    if gone > 0 {
        metrics::gauge!("lodestar_live_subscriptions").decrement(gone as f64);
    }
}

impl Inner {
    /// The map, even if a thread panicked while holding it (every change to it is a
    /// single push or retain, so it is never left half-done).
    fn lock(&self) -> MutexGuard<'_, HashMap<PersonId, Vec<Slot>>> {
        self.people
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn remove(&self, person: PersonId, id: u64) {
        let mut people = self.lock();
        if let Some(slots) = people.get_mut(&person) {
            let before = slots.len();
            slots.retain(|slot| slot.id != id);
            if slots.len() < before {
                metrics::gauge!("lodestar_live_subscriptions").decrement(1.0);
            }
            if slots.is_empty() {
                people.remove(&person);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use lodestar_domain::NotificationId;
    use lodestar_store::testing::ScratchDb;

    /// A bus whose listener never starts, so only what a test dispatches arrives.
    fn quiet(db: &Db) -> Live {
        let live = Live::new(db.clone());
        let _ = live.inner.listening.set(());
        live
    }

    fn notification(person: PersonId) -> LiveSignal {
        LiveSignal::Notification {
            person,
            id: NotificationId::new(),
            at: 1,
        }
    }

    #[tokio::test]
    async fn a_signal_reaches_only_the_people_it_names() {
        let scratch = ScratchDb::sqlite().await;
        let live = quiet(&scratch.db);
        let (ana, bo) = (PersonId::new(), PersonId::new());
        let mut ana_tab = live.subscribe(ana).unwrap();
        let mut ana_phone = live.subscribe(ana).unwrap();
        let mut bo_tab = live.subscribe(bo).unwrap();
        live.dispatch(notification(ana));
        for sub in [&mut ana_tab, &mut ana_phone] {
            assert!(matches!(sub.recv().await, Some(Delivery::Signal(_))));
        }
        assert!(bo_tab.deliveries.try_recv().is_err());
        drop(ana_phone);
        assert_eq!(live.subscriptions(), 2);
        scratch.finish().await;
    }

    #[tokio::test]
    async fn a_subscriber_that_does_not_keep_up_is_dropped_and_others_are_not_held_up() {
        let scratch = ScratchDb::sqlite().await;
        let live = quiet(&scratch.db);
        let ana = PersonId::new();
        let mut slow = live.subscribe(ana).unwrap();
        let mut quick = live.subscribe(ana).unwrap();
        for _ in 0..BUFFER + 1 {
            live.dispatch(notification(ana));
            while quick.deliveries.try_recv().is_ok() {}
        }
        assert_eq!(live.subscriptions(), 1, "the slow one is gone");
        let mut buffered = 0;
        while let Some(delivery) = slow.recv().await {
            assert!(matches!(delivery, Delivery::Signal(_)));
            buffered += 1;
        }
        assert_eq!(
            buffered, BUFFER,
            "what was buffered is still read, then the stream ends"
        );
        live.dispatch(notification(ana));
        assert!(quick.recv().await.is_some());
        scratch.finish().await;
    }

    #[tokio::test]
    async fn one_person_may_hold_only_so_many_streams_and_a_closed_bus_ends_them_all() {
        let scratch = ScratchDb::sqlite().await;
        let live = quiet(&scratch.db);
        let ana = PersonId::new();
        let mut open: Vec<_> = (0..MAX_STREAMS_PER_PERSON)
            .map(|_| live.subscribe(ana).unwrap())
            .collect();
        assert!(matches!(
            live.subscribe(ana),
            Err(AppError::Conflict {
                code: "too_many_streams",
                ..
            })
        ));
        assert!(
            live.subscribe(PersonId::new()).is_ok(),
            "others are not affected"
        );
        live.close();
        for sub in &mut open {
            assert!(sub.recv().await.is_none());
        }
        assert!(matches!(live.subscribe(ana), Err(AppError::Busy { .. })));
        scratch.finish().await;
    }

    #[tokio::test]
    async fn a_committed_signal_is_heard_and_a_rolled_back_one_never() {
        let scratch = ScratchDb::sqlite().await;
        let live = Live::new(scratch.db.clone());
        let ana = PersonId::new();
        let mut sub = live.subscribe(ana).unwrap();
        // The listener starts by telling everyone to catch up.
        assert!(matches!(sub.recv().await, Some(Delivery::CatchUp)));
        let (kept, dropped) = (notification(ana), notification(ana));
        let mut tx = scratch.db.begin().await.unwrap();
        super::super::publish(&mut tx, &dropped).await.unwrap();
        tx.rollback().await.unwrap();
        let mut tx = scratch.db.begin().await.unwrap();
        super::super::publish(&mut tx, &kept).await.unwrap();
        tx.commit().await.unwrap();
        match sub.recv().await {
            Some(Delivery::Signal(signal)) => assert_eq!(*signal, kept),
            other => panic!("{other:?}"),
        }
        scratch.finish().await;
    }
}
