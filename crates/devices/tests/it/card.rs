//! Readers and cards on real components: pcscd with the vsmartcard-vpcd driver, and
//! virtual cards (certisante-vcard) inserted and removed on demand. Run:
//!
//!     bash tests/harness/pcscd.sh start
//!     CARGO_TARGET_DIR=/work/target-card cargo test -p certisante-devices --test it card::
//!     bash tests/harness/pcscd.sh stop
//!
//! The harness pcscd listens on a private socket; the tests find it through
//! PCSCLITE_CSOCK_NAME, or else the harness's `env` file, and fail (never skip) without it.
//! Tests share two readers, so they run one at a time; one restarts that pcscd.

use std::collections::HashMap;
use std::ffi::CString;
use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use certisante_devices::card::{self, CardEvent, CardWatcher, ReaderStatus, WatcherOptions};
use certisante_vcard::{atr, parse_hex, InsertedCard, Script, VirtualCard};

const READER_0: &str = "Virtual PCD 00 00";
const READER_1: &str = "Virtual PCD 00 01";
/// Generous: pcscd checks vpcd's readers every 400 ms; CI shares 2 cores with builds. A
/// sanity bound (an event that never comes), not a benchmark.
const LATENCY_BOUND: Duration = Duration::from_secs(10);
const EVENT_WAIT: Duration = Duration::from_secs(30);

struct Harness {
    dir: PathBuf,
    port: u16,
}

impl Harness {
    fn port(&self, reader: &str) -> u16 {
        if reader == READER_1 {
            self.port + 1
        } else {
            self.port
        }
    }

    fn insert(&self, reader: &str, atr_hex: &str, script: Script) -> InsertedCard {
        VirtualCard::insert(self.port(reader), &parse_hex(atr_hex).unwrap(), script).expect("insert the virtual card")
    }

    /// Runs tests/harness/pcscd.sh with this harness's directory and ports.
    fn script(&self, command: &str) {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/harness/pcscd.sh");
        let out = Command::new("bash")
            .arg(&path)
            .arg(command)
            .env("CERTISANTE_PCSCD_DIR", &self.dir)
            .env("CERTISANTE_VPCD_PORT", self.port.to_string())
            .output()
            .expect("run tests/harness/pcscd.sh");
        assert!(out.status.success(), "pcscd.sh {command} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
}

fn default_dir() -> PathBuf {
    #[cfg(unix)]
    let uid = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(0)
    };
    #[cfg(not(unix))]
    let uid = 0;
    PathBuf::from(std::env::var("TMPDIR").unwrap_or_else(|_| "/tmp".into())).join(format!("certisante-pcscd-{uid}"))
}

fn missing(why: &str) -> ! {
    panic!(
        "\n\nThese tests need the harness pcscd (pcscd + vsmartcard-vpcd on a private socket), and {why}.\n\
         Start it first:\n\n    bash tests/harness/pcscd.sh start\n\n\
         (set CERTISANTE_PCSCD_DIR if it was started with one; packages: pcscd vsmartcard-vpcd pcsc-tools)\n"
    )
}

fn setup() -> Harness {
    let dir = std::env::var_os("CERTISANTE_PCSCD_DIR").map(PathBuf::from).unwrap_or_else(default_dir);
    let file = dir.join("env");
    let saved: HashMap<String, String> =
        std::fs::read_to_string(&file).unwrap_or_default().lines().filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))).collect();
    let socket = std::env::var("PCSCLITE_CSOCK_NAME")
        .ok()
        .or_else(|| saved.get("PCSCLITE_CSOCK_NAME").cloned())
        .unwrap_or_else(|| missing(&format!("neither PCSCLITE_CSOCK_NAME nor {} is set", file.display())));
    let port = std::env::var("CERTISANTE_VPCD_PORT")
        .ok()
        .or_else(|| saved.get("CERTISANTE_VPCD_PORT").cloned())
        .map(|p| p.parse().expect("CERTISANTE_VPCD_PORT is a port number"))
        .unwrap_or(certisante_vcard::VPCD_PORT_0);
    // libpcsclite reads this once, at its first call: set it before any PC/SC use.
    std::env::set_var("PCSCLITE_CSOCK_NAME", &socket);
    match card::list_readers() {
        Ok(readers) => {
            let names: Vec<&str> = readers.iter().map(|r| r.name.as_str()).collect();
            if !names.contains(&READER_0) || !names.contains(&READER_1) {
                missing(&format!("the pcscd at {socket} shows {names:?}, not the vpcd readers"));
            }
        }
        Err(e) => missing(&format!("the pcscd at {socket} does not answer: {e}")),
    }
    Harness { dir, port }
}

/// The harness, locked for the whole test.
fn harness() -> MutexGuard<'static, Harness> {
    static HARNESS: OnceLock<Mutex<Harness>> = OnceLock::new();
    let harness = HARNESS.get_or_init(|| Mutex::new(setup()));
    // A failed test must not fail the others through poisoning.
    let guard = harness.lock().unwrap_or_else(|p| p.into_inner());
    wait_readers_empty();
    guard
}

/// Cards removed by the previous test are seen by pcscd at its next check of the reader.
fn wait_readers_empty() {
    let deadline = Instant::now() + EVENT_WAIT;
    loop {
        let readers = card::list_readers().expect("list readers");
        if readers.iter().all(|r| r.status == ReaderStatus::Empty) {
            return;
        }
        assert!(Instant::now() < deadline, "readers still hold a card: {readers:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

type Timed = (Instant, CardEvent);

/// A watcher whose events carry the instant the callback received them.
fn watch(options: WatcherOptions) -> (CardWatcher, Receiver<Timed>) {
    let (tx, rx) = mpsc::channel();
    let watcher = CardWatcher::start_with(options, move |event| {
        let _ = tx.send((Instant::now(), event));
    })
    .expect("start the watcher");
    (watcher, rx)
}

/// Waits for the event `what` matches, skipping others; fails with what was seen.
fn expect(rx: &Receiver<Timed>, what: &str, matches: impl Fn(&CardEvent) -> bool) -> Timed {
    let deadline = Instant::now() + EVENT_WAIT;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((at, event)) if matches(&event) => return (at, event),
            Ok((_, event)) => seen.push(event),
            Err(_) => panic!("no {what} within {EVENT_WAIT:?}; events seen meanwhile: {seen:?}"),
        }
    }
}

/// Every event arriving within `window`.
fn collect(rx: &Receiver<Timed>, window: Duration) -> Vec<CardEvent> {
    let deadline = Instant::now() + window;
    let mut events = Vec::new();
    while let Ok((_, event)) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        events.push(event);
    }
    events
}

fn reader_added(reader: &'static str) -> impl Fn(&CardEvent) -> bool {
    move |e| matches!(e, CardEvent::ReaderAdded { reader: r } if r == reader)
}

fn card_inserted(reader: &'static str) -> impl Fn(&CardEvent) -> bool {
    move |e| matches!(e, CardEvent::CardInserted { reader: r, .. } if r == reader)
}

fn card_removed(reader: &'static str) -> impl Fn(&CardEvent) -> bool {
    move |e| matches!(e, CardEvent::CardRemoved { reader: r } if r == reader)
}

fn started(options: WatcherOptions) -> (CardWatcher, Receiver<Timed>) {
    let (w, rx) = watch(options);
    expect(&rx, "initial ReaderAdded 00 00", reader_added(READER_0));
    expect(&rx, "initial ReaderAdded 00 01", reader_added(READER_1));
    (w, rx)
}

#[test]
fn readers_are_listed_with_their_state() {
    let h = harness();
    let readers = card::list_readers().unwrap();
    for name in [READER_0, READER_1] {
        let reader = readers.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("{name} in {readers:?}"));
        assert_eq!(reader.status, ReaderStatus::Empty);
        assert_eq!(reader.atr, None);
        assert_eq!(reader.card, None);
    }
    let err = card::readers_with_card().unwrap_err();
    assert_eq!(err.code(), "card.no_card", "{err}");

    let (watcher, rx) = started(WatcherOptions::default());
    let inserted = h.insert(READER_1, atr::CPS3_CONTACT, Script::new().wrong_pin(2).on([0x00, 0xA4], [0x90, 0x00]));
    expect(&rx, "CardInserted 00 01", card_inserted(READER_1));

    let readers = card::list_readers().unwrap();
    let r1 = readers.iter().find(|r| r.name == READER_1).unwrap();
    assert_eq!(r1.status, ReaderStatus::CardPresent);
    assert_eq!(r1.atr.as_deref(), Some(atr::CPS3_CONTACT));
    let card = r1.card.as_ref().unwrap();
    assert_eq!(card.model.as_deref(), Some("cps3_contact"));
    assert!(card.can_sign);
    assert_eq!(readers.iter().find(|r| r.name == READER_0).unwrap().status, ReaderStatus::Empty);
    let with_card = card::readers_with_card().unwrap();
    assert_eq!(with_card.len(), 1);
    assert_eq!(with_card[0].name, READER_1);

    // An application holding the card: "in use". Its APDUs reach the scripted card.
    {
        let ctx = pcsc::Context::establish(pcsc::Scope::User).unwrap();
        let handle = ctx.connect(&CString::new(READER_1).unwrap(), pcsc::ShareMode::Shared, pcsc::Protocols::ANY).unwrap();
        let readers = card::list_readers().unwrap();
        assert_eq!(readers.iter().find(|r| r.name == READER_1).unwrap().status, ReaderStatus::CardInUse);
        let mut buffer = [0u8; 258];
        let verify = parse_hex("00 20 00 01 08 30 30 30 30 FF FF FF FF").unwrap();
        assert_eq!(handle.transmit(&verify, &mut buffer).unwrap(), &[0x63, 0xC2]);
        assert_eq!(handle.transmit(&parse_hex("00 A4 04 00 00").unwrap(), &mut buffer).unwrap(), &[0x90, 0x00]);
        assert_eq!(handle.transmit(&parse_hex("00 B0 00 00 00").unwrap(), &mut buffer).unwrap(), &[0x6D, 0x00]);
    }
    assert!(inserted.apdus().contains(&parse_hex("00 20 00 01 08 30 30 30 30 FF FF FF FF").unwrap()));
    // Being opened and closed is not a new card.
    let events = collect(&rx, Duration::from_millis(600));
    assert!(events.is_empty(), "{events:?}");

    inserted.remove().unwrap();
    expect(&rx, "CardRemoved 00 01", card_removed(READER_1));
    assert_eq!(card::readers_with_card().unwrap_err().code(), "card.no_card");
    watcher.stop();
}

#[test]
fn insertion_and_removal_are_reported_with_the_card_identified() {
    let h = harness();
    let (watcher, rx) = started(WatcherOptions::default());
    let cases = [
        (atr::CPS3_CONTACT, Some("cps3_contact"), true),
        (atr::CPS4, Some("cps4"), true),
        (atr::CPS3_CONTACTLESS, Some("cps3_contactless"), false),
        (atr::CPS4_T0, Some("cps4_t0"), true),
        (atr::UNKNOWN, None, false),
    ];
    let mut figures = Vec::new();
    for (atr_hex, model, can_sign) in cases {
        let before = Instant::now();
        let inserted = h.insert(READER_0, atr_hex, Script::new());
        let (at, event) = expect(&rx, "CardInserted 00 00", card_inserted(READER_0));
        let insertion = at - before;
        let CardEvent::CardInserted { atr, card, status, .. } = event else { unreachable!() };
        assert_eq!(atr, atr_hex);
        assert_eq!(card.atr, atr_hex);
        assert_eq!(card.model.as_deref(), model, "{atr_hex}");
        assert_eq!(card.recognized, model.is_some());
        assert_eq!(card.can_sign, can_sign, "{atr_hex}");
        assert_eq!(status, ReaderStatus::CardPresent);
        if model.is_none() {
            assert_eq!(card.label_fr, "Carte non reconnue");
            assert_eq!(card.summary_fr(), format!("Carte non reconnue (ATR : {atr_hex})"));
        }

        let before = Instant::now();
        inserted.remove().unwrap();
        let (at, _) = expect(&rx, "CardRemoved 00 00", card_removed(READER_0));
        let removal = at - before;
        figures.push((model.unwrap_or("unknown"), insertion, removal));
    }
    for (model, insertion, removal) in &figures {
        eprintln!("latency {model:<18} insertion→event {insertion:>10.1?}   removal→event {removal:>10.1?}");
        assert!(*insertion < LATENCY_BOUND && *removal < LATENCY_BOUND, "{model}: {insertion:?} / {removal:?}");
    }
    // Nothing happened to the other reader.
    let stray = collect(&rx, Duration::from_millis(100));
    assert!(stray.iter().all(|e| !matches!(e, CardEvent::CardInserted { reader, .. } if reader == READER_1)), "{stray:?}");
    watcher.stop();
}

#[test]
fn a_card_already_inserted_is_reported_at_start() {
    let h = harness();
    let (w, rx) = started(WatcherOptions::default());
    let inserted = h.insert(READER_1, atr::CPS4_RC, Script::new());
    expect(&rx, "CardInserted 00 01", card_inserted(READER_1));
    w.stop();

    let (w, rx) = watch(WatcherOptions::default());
    let events: Vec<CardEvent> = (0..3).map(|_| rx.recv_timeout(EVENT_WAIT).expect("initial events").1).collect();
    assert_eq!(events[0], CardEvent::ReaderAdded { reader: READER_0.into() });
    assert_eq!(events[1], CardEvent::ReaderAdded { reader: READER_1.into() });
    match &events[2] {
        CardEvent::CardInserted { reader, card, .. } => {
            assert_eq!(reader, READER_1);
            assert_eq!(card.model.as_deref(), Some("cps4_rc"));
        }
        other => panic!("{other:?}"),
    }
    inserted.remove().unwrap();
    expect(&rx, "CardRemoved 00 01", card_removed(READER_1));
    w.stop();
}

#[test]
fn the_watcher_sleeps_between_events_and_stops_promptly() {
    let h = harness();
    let (watcher, rx) = started(WatcherOptions::default());
    // Let the first wake-ups (initial state) pass.
    std::thread::sleep(Duration::from_millis(300));
    let idle = watcher.stats();
    assert!(idle.pnp_notification, "this pcscd should support \\\\?PnP?\\Notification");
    assert_eq!(idle.connections, 1);
    std::thread::sleep(Duration::from_millis(2000));
    let after = watcher.stats();
    assert_eq!(after.wakeups, idle.wakeups, "the watcher woke up with nothing happening: it polls");

    let inserted = h.insert(READER_0, atr::CPS4, Script::new());
    expect(&rx, "CardInserted 00 00", card_inserted(READER_0));
    assert!(watcher.stats().wakeups > after.wakeups);
    inserted.remove().unwrap();
    expect(&rx, "CardRemoved 00 00", card_removed(READER_0));

    // Blocked in SCardGetStatusChange(INFINITE): only SCardCancel can end it this fast.
    let before = Instant::now();
    watcher.stop();
    let stop = before.elapsed();
    eprintln!("watcher stop took {stop:.1?} (wake-ups over the test: {})", after.wakeups);
    assert!(stop < Duration::from_millis(500), "stop took {stop:?}");
    // Its callback (and channel sender) is gone with the thread.
    assert!(matches!(rx.recv_timeout(Duration::from_millis(100)), Err(mpsc::RecvTimeoutError::Disconnected)));
}

/// Restarts pcscd on drop, should a test stop it and then fail.
struct Restart<'a>(&'a Harness, bool);

impl Drop for Restart<'_> {
    fn drop(&mut self) {
        if self.1 {
            self.0.script("start");
        }
    }
}

#[test]
fn service_loss_is_reported_once_then_recovered() {
    let h = harness();
    let fast = WatcherOptions { retry_min: Duration::from_millis(100), retry_max: Duration::from_millis(400) };
    let (watcher, rx) = started(fast);
    let inserted = h.insert(READER_1, atr::CPS3_CONTACT, Script::new());
    expect(&rx, "CardInserted 00 01", card_inserted(READER_1));

    let mut restart = Restart(&h, true);
    let before = Instant::now();
    h.script("stop");
    // pcscd may drop its readers one by one while it exits (seen as unplugged readers)
    // or just vanish: either way the card goes before its reader, both readers go, and
    // the service is reported once, last.
    let mut events = Vec::new();
    while !matches!(events.last(), Some(CardEvent::ServiceUnavailable { .. })) {
        let (_, event) = rx.recv_timeout(EVENT_WAIT).unwrap_or_else(|_| panic!("no ServiceUnavailable; events: {events:?}"));
        events.push(event);
    }
    eprintln!("after pcscd stop: {events:?}");
    let position = |wanted: CardEvent| events.iter().position(|e| *e == wanted).unwrap_or_else(|| panic!("{wanted:?} missing in {events:?}"));
    assert!(position(CardEvent::CardRemoved { reader: READER_1.into() }) < position(CardEvent::ReaderRemoved { reader: READER_1.into() }));
    position(CardEvent::ReaderRemoved { reader: READER_0.into() });
    assert_eq!(events.len(), 4, "{events:?}");
    match events.last().unwrap() {
        CardEvent::ServiceUnavailable { code, message } => {
            assert_eq!(code, "card.pcsc_unavailable");
            assert!(message.contains(card::SERVICE_HINT), "{message}");
        }
        _ => unreachable!(),
    }
    eprintln!("pcscd stop → ServiceUnavailable in {:.1?}", before.elapsed());

    let err = card::list_readers().unwrap_err();
    assert_eq!(err.code(), "card.pcsc_unavailable");
    assert!(err.to_string().contains("pcscd"), "{err}");

    // A watcher started while the service is absent says so first.
    let (late, late_rx) = watch(fast);
    let (_, first) = expect(&late_rx, "ServiceUnavailable", |_| true);
    assert!(matches!(first, CardEvent::ServiceUnavailable { .. }), "{first:?}");

    // Waiting for the service to come back does not delay stopping.
    let (waiting, waiting_rx) = watch(WatcherOptions::default());
    expect(&waiting_rx, "ServiceUnavailable", |e| matches!(e, CardEvent::ServiceUnavailable { .. }));
    let before_stop = Instant::now();
    waiting.stop();
    assert!(before_stop.elapsed() < Duration::from_millis(500), "stop during an outage took {:?}", before_stop.elapsed());

    // Several retries later, still exactly one report.
    let quiet = collect(&rx, Duration::from_millis(1500));
    assert!(quiet.is_empty(), "the outage was reported again: {quiet:?}");
    assert!(!inserted.is_inserted(), "the virtual card saw its reader go away");

    h.script("start");
    restart.1 = false;
    let back = Instant::now();
    expect(&rx, "ServiceRestored", |e| *e == CardEvent::ServiceRestored);
    eprintln!("pcscd start → ServiceRestored in {:.1?}", back.elapsed());
    expect(&rx, "ReaderAdded 00 00", reader_added(READER_0));
    expect(&rx, "ReaderAdded 00 01", reader_added(READER_1));
    assert!(watcher.stats().connections >= 2);
    for watched in [&rx, &late_rx] {
        let events = collect(watched, Duration::ZERO);
        assert!(events.iter().all(|e| !matches!(e, CardEvent::ServiceUnavailable { .. })), "{events:?}");
    }
    expect(&late_rx, "late watcher ServiceRestored", |e| *e == CardEvent::ServiceRestored);
    expect(&late_rx, "late watcher ReaderAdded 00 01", reader_added(READER_1));

    // Cards are seen again on the new context.
    let inserted = h.insert(READER_0, atr::CPS4, Script::new());
    let (_, event) = expect(&rx, "CardInserted 00 00", card_inserted(READER_0));
    assert!(matches!(event, CardEvent::CardInserted { card, .. } if card.model.as_deref() == Some("cps4")));
    expect(&late_rx, "late watcher CardInserted 00 00", card_inserted(READER_0));
    inserted.remove().unwrap();
    expect(&rx, "CardRemoved 00 00", card_removed(READER_0));
    late.stop();
    watcher.stop();
    drop(restart);
}
