//! Live reader and card events, without polling.
//!
//! A dedicated thread blocks in `SCardGetStatusChange` with an INFINITE timeout on every
//! reader plus the `\\?PnP?\Notification` pseudo-reader (reader plugged or unplugged), so
//! it wakes only when something changes. [`CardWatcher::stop`] wakes it with
//! `SCardCancel` from the caller's thread.
//!
//! When the PC/SC service is absent or goes away (pcscd stopped, the Windows service
//! stopped), the watcher reports it once ([`CardEvent::ServiceUnavailable`]), removes the
//! readers it knew, and tries to establish a new context after a delay that doubles up to
//! [`WatcherOptions::retry_max`]. That retry asks only "is the service back?": PC/SC has no
//! notification for it (Windows restarts its service when a reader is plugged in).
//! Once back, [`CardEvent::ServiceRestored`] is followed by the readers and cards found.
//!
//! The first events describe the current state: one `ReaderAdded` per reader, then one
//! `CardInserted` per card already inserted.

use std::collections::BTreeMap;
use std::ffi::CStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pcsc::{ReaderState, State};
use serde::Serialize;
use ts_rs::TS;

use super::{atr_hex, identify, reader_names, CardError, CardIdentity, ReaderStatus};

/// A change of readers or cards, or of the PC/SC service itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CardEvent {
    ReaderAdded {
        reader: String,
    },
    /// Preceded by `CardRemoved` when the reader held a card.
    ReaderRemoved {
        reader: String,
    },
    CardInserted {
        reader: String,
        atr: String,
        card: CardIdentity,
        status: ReaderStatus,
    },
    CardRemoved {
        reader: String,
    },
    /// The service is missing or failed (`card.pcsc_unavailable`, `card.pcsc_error`):
    /// reported once per outage; the readers known before were reported removed.
    ServiceUnavailable {
        code: String,
        message: String,
    },
    ServiceRestored,
}

#[derive(Debug, Clone, Copy)]
pub struct WatcherOptions {
    /// First delay before trying the service again after it went away.
    pub retry_min: Duration,
    /// The delay doubles up to this.
    pub retry_max: Duration,
}

impl Default for WatcherOptions {
    fn default() -> Self {
        Self { retry_min: Duration::from_millis(250), retry_max: Duration::from_secs(5) }
    }
}

/// Counters that let tests and diagnostics check the watcher's behaviour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WatcherStats {
    /// Returns of `SCardGetStatusChange`: it grows with events only, never with time.
    pub wakeups: u64,
    /// Contexts established: 1, plus one per return of the service.
    pub connections: u64,
    /// Whether `\\?PnP?\Notification` is in use. PC/SC stacks without it make the
    /// watcher re-list readers every [`FALLBACK_RELIST`] instead (cards are still
    /// reported without delay).
    pub pnp_notification: bool,
}

/// Reader re-listing period, only on PC/SC stacks that lack the PnP pseudo-reader.
pub const FALLBACK_RELIST: Duration = Duration::from_secs(2);

/// How long [`CardWatcher::stop`] waits for the thread before leaving it behind.
const STOP_WAIT: Duration = Duration::from_secs(2);

struct Shared {
    stop: AtomicBool,
    /// The context the thread blocks on, for `cancel` from other threads.
    context: Mutex<Option<pcsc::Context>>,
    pause: (Mutex<()>, Condvar),
    stats: Mutex<WatcherStats>,
}

impl Shared {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Sleeps `delay` unless stopped first; returns whether the watcher is stopped.
    fn pause(&self, delay: Duration) -> bool {
        let guard = self.pause.0.lock().unwrap();
        let _ = self.pause.1.wait_timeout_while(guard, delay, |_| !self.stopped());
        self.stopped()
    }
}

/// Watches readers and cards on a dedicated thread; events go to a callback, called on
/// that thread (keep it short: hand the event over, e.g. to a channel).
pub struct CardWatcher {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl CardWatcher {
    pub fn start<F>(on_event: F) -> std::io::Result<Self>
    where
        F: FnMut(CardEvent) + Send + 'static,
    {
        Self::start_with(WatcherOptions::default(), on_event)
    }

    pub fn start_with<F>(options: WatcherOptions, mut on_event: F) -> std::io::Result<Self>
    where
        F: FnMut(CardEvent) + Send + 'static,
    {
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            context: Mutex::new(None),
            pause: (Mutex::new(()), Condvar::new()),
            stats: Mutex::new(WatcherStats { pnp_notification: true, ..WatcherStats::default() }),
        });
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new().name("card-watcher".into()).spawn(move || run(&thread_shared, options, &mut on_event))?;
        Ok(Self { shared, thread: Some(thread) })
    }

    /// A watcher whose events arrive on a channel.
    pub fn channel() -> std::io::Result<(Self, Receiver<CardEvent>)> {
        let (tx, rx) = mpsc::channel();
        let watcher = Self::start(move |event| {
            let _ = tx.send(event);
        })?;
        Ok((watcher, rx))
    }

    pub fn stats(&self) -> WatcherStats {
        *self.shared.stats.lock().unwrap()
    }

    /// Stops the thread: cancels its blocking call and waits for it (at most 2 s; a PC/SC
    /// call that ignores the cancel is left behind rather than freezing the caller).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let Some(thread) = self.thread.take() else { return };
        self.shared.stop.store(true, Ordering::SeqCst);
        {
            let _guard = self.shared.pause.0.lock().unwrap();
            self.shared.pause.1.notify_all();
        }
        let deadline = Instant::now() + STOP_WAIT;
        let mut next_cancel = Instant::now();
        // Cancel again until the thread ends: a cancel that lands between the thread's
        // check of `stop` and its next blocking call would be lost.
        while !thread.is_finished() {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            if now >= next_cancel {
                if let Some(ctx) = self.shared.context.lock().unwrap().as_ref() {
                    let _ = ctx.cancel();
                }
                next_cancel = now + Duration::from_millis(50);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = thread.join();
    }
}

impl Drop for CardWatcher {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run(shared: &Shared, options: WatcherOptions, emit: &mut dyn FnMut(CardEvent)) {
    let mut tracker = Tracker::default();
    let mut link = Link { outage: false, delay: options.retry_min };
    while !shared.stopped() {
        let ctx = match pcsc::Context::establish(pcsc::Scope::User) {
            Ok(ctx) => ctx,
            Err(e) => {
                if link.down(e, shared, options, &mut tracker, emit) {
                    break;
                }
                continue;
            }
        };
        *shared.context.lock().unwrap() = Some(ctx.clone());
        shared.stats.lock().unwrap().connections += 1;
        let since = Instant::now();
        let result = watch(&ctx, shared, options, &mut tracker, &mut link, emit);
        *shared.context.lock().unwrap() = None;
        drop(ctx);
        match result {
            Ok(()) => break,
            // A context that worked for a while and then failed (pcscd exited: "internal
            // communications error") is replaced at once; only failing to get a new one is
            // an outage. The tracker carries over, so a quick reconnection emits nothing.
            Err(_) if since.elapsed() >= Duration::from_secs(1) => continue,
            Err(e) => {
                if link.down(e, shared, options, &mut tracker, emit) {
                    break;
                }
            }
        }
    }
}

struct Link {
    outage: bool,
    delay: Duration,
}

impl Link {
    /// The service is unreachable: forget the readers, report it once per outage, wait.
    /// Returns whether the watcher was stopped meanwhile.
    fn down(&mut self, e: pcsc::Error, shared: &Shared, options: WatcherOptions, tracker: &mut Tracker, emit: &mut dyn FnMut(CardEvent)) -> bool {
        tracker.clear(emit);
        if !self.outage {
            self.outage = true;
            let error = CardError::from(e);
            let code = match error {
                CardError::PcscUnavailable(_) => error.code(),
                // Any other failure of the service ends the same way: wait for a new context.
                _ => "card.pcsc_error",
            };
            emit(CardEvent::ServiceUnavailable { code: code.into(), message: error.to_string() });
        }
        let stopped = shared.pause(self.delay);
        self.delay = (self.delay * 2).min(options.retry_max);
        stopped
    }
}

/// Blocks on one context until stopped (Ok) or until the context fails (Err).
fn watch(
    ctx: &pcsc::Context,
    shared: &Shared,
    options: WatcherOptions,
    tracker: &mut Tracker,
    link: &mut Link,
    emit: &mut dyn FnMut(CardEvent),
) -> Result<(), pcsc::Error> {
    let pnp: &CStr = pcsc::PNP_NOTIFICATION();
    let mut pnp_supported = true;
    let mut states = vec![ReaderState::new(pnp.to_owned(), State::UNAWARE)];
    let mut first = true;
    loop {
        // Re-list at every wake-up: wakes come from events only, and the PnP pseudo-reader
        // says "readers changed" without saying which.
        let names = reader_names(ctx)?;
        if first {
            first = false;
            if link.outage {
                link.outage = false;
                emit(CardEvent::ServiceRestored);
            }
            link.delay = options.retry_min;
        }
        let listed: Vec<String> = names.iter().map(|n| n.to_string_lossy().into_owned()).collect();
        tracker.set_readers(&listed, emit);
        states.retain(|s| s.name() == pnp || names.iter().any(|n| n.as_c_str() == s.name()));
        for name in names {
            if !states.iter().any(|s| s.name() == name.as_c_str()) {
                states.push(ReaderState::new(name, State::UNAWARE));
            }
        }
        for state in &mut states {
            state.sync_current_state();
        }

        if shared.stopped() {
            return Ok(());
        }
        let timeout = if pnp_supported { None } else { Some(FALLBACK_RELIST) };
        match ctx.get_status_change(timeout, &mut states) {
            Ok(()) => {}
            Err(pcsc::Error::Timeout) => continue,
            Err(pcsc::Error::Cancelled) if shared.stopped() => return Ok(()),
            Err(pcsc::Error::Cancelled) => continue,
            Err(e) => return Err(e),
        }
        shared.stats.lock().unwrap().wakeups += 1;
        for state in &states {
            let event = state.event_state();
            if state.name() == pnp {
                if event.contains(State::UNKNOWN) {
                    pnp_supported = false;
                }
                continue;
            }
            // A reader that went away is dropped by the listing above.
            if event.contains(State::CHANGED) && !event.intersects(State::UNKNOWN | State::IGNORE) {
                tracker.observe(&state.name().to_string_lossy(), event, state.atr(), state.event_count(), emit);
            }
        }
        if !pnp_supported {
            states.retain(|s| s.name() != pnp);
            shared.stats.lock().unwrap().pnp_notification = false;
        }
    }
}

/// What the consumer was told, so that every change becomes exactly the right events.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    readers: BTreeMap<String, Option<Seen>>,
}

#[derive(Debug, PartialEq, Eq)]
struct Seen {
    atr: Vec<u8>,
    /// The card event counter PC/SC keeps per reader: a change while a card is present
    /// means it was swapped between two wake-ups.
    count: u32,
}

impl Tracker {
    pub(crate) fn set_readers(&mut self, names: &[String], emit: &mut dyn FnMut(CardEvent)) {
        let gone: Vec<String> = self.readers.keys().filter(|k| !names.contains(k)).cloned().collect();
        for reader in gone {
            self.remove(&reader, emit);
        }
        for name in names {
            if !self.readers.contains_key(name) {
                self.readers.insert(name.clone(), None);
                emit(CardEvent::ReaderAdded { reader: name.clone() });
            }
        }
    }

    pub(crate) fn clear(&mut self, emit: &mut dyn FnMut(CardEvent)) {
        let all: Vec<String> = self.readers.keys().cloned().collect();
        for reader in all {
            self.remove(&reader, emit);
        }
    }

    fn remove(&mut self, reader: &str, emit: &mut dyn FnMut(CardEvent)) {
        if let Some(card) = self.readers.remove(reader) {
            if card.is_some() {
                emit(CardEvent::CardRemoved { reader: reader.into() });
            }
            emit(CardEvent::ReaderRemoved { reader: reader.into() });
        }
    }

    pub(crate) fn observe(&mut self, reader: &str, state: State, atr: &[u8], count: u32, emit: &mut dyn FnMut(CardEvent)) {
        let Some(slot) = self.readers.get_mut(reader) else { return };
        let status = ReaderStatus::from_state(state);
        if !status.has_card() {
            if slot.take().is_some() {
                emit(CardEvent::CardRemoved { reader: reader.into() });
            }
            return;
        }
        let seen = Seen { atr: atr.to_vec(), count };
        if slot.as_ref() == Some(&seen) {
            return; // same card, another state change (in use, released)
        }
        if slot.replace(seen).is_some() {
            emit(CardEvent::CardRemoved { reader: reader.into() });
        }
        emit(CardEvent::CardInserted { reader: reader.into(), atr: atr_hex(atr), card: identify(atr), status });
    }
}
