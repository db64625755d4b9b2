//! `card-latency`: how long the app's card watcher takes to report a card inserted into or
//! removed from a reader, over N insert/remove cycles of a virtual card in the harness
//! pcscd's vpcd reader. A benchmark run on demand by `bench/card.sh` (it prints figures and
//! fails on nothing slow); see bench/README.md.
//!
//!     card-latency [--port PORT] [--cycles N] [--card NAME] [--idle SECS] [--poll-ms MS]
//!
//! The environment chooses the pcscd (PCSCLITE_CSOCK_NAME, as for every PC/SC client);
//! PORT defaults to $CERTISANTE_VPCD_PORT, else 35963.
//!
//! One cycle: wait a dither delay, insert the card (t0 = just before the TCP connect), wait
//! for the watcher's `CardInserted` (t1 = when the callback runs, stamped inside it), wait
//! another dither delay, remove the card (t2 = just before the socket is shut down), wait
//! for `CardRemoved` (t3). vpcd has no interrupt: pcscd asks the driver whether a card is
//! there every 400 ms, so t1 - t0 is "time to pcscd's next check" (uniform over 0-400 ms,
//! because the dither delays spread the insertions over the whole period) plus the rest.
//! The rest (the driver's work after the check, pcscd's notification, libpcsclite, the
//! watcher, the callback; for insertion, vpcd's power-up of the card) cannot be timed
//! from the outside, so two things bound it:
//!  - a bare PC/SC client on its own thread (one SCardGetStatusChange on the reader, no
//!    re-listing, no callback), woken by the same pcscd notification: the watcher's time
//!    minus the bare client's is the watcher's own overhead;
//!  - the shortest latency: over N phases spread evenly, one insertion lands just before a
//!    check, so the minimum is the fixed part plus about 400/N ms.
//!
//! Then, with a card left in, the watcher's wake-ups and its thread's CPU over --idle
//! seconds (no polling: zero wake-ups, no CPU).

use std::collections::BTreeMap;
use std::ffi::CString;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use certisante_devices::card::{CardEvent, CardWatcher};
use certisante_vcard::{atr, parse_hex, Script, VirtualCard, VPCD_PORT_0};

const EVENT_WAIT: Duration = Duration::from_secs(10);

const USAGE: &str = "usage: card-latency [--port PORT] [--cycles N] [--card NAME] [--idle SECS] [--poll-ms MS]

  --port PORT   vpcd reader port (default $CERTISANTE_VPCD_PORT, else 35963)
  --cycles N    insert/remove cycles (default 100)
  --card NAME   cps3 (default), cps3-cl, cps4, cps4-rc, cps4-t0, unknown
  --idle SECS   then, a card left in for SECS seconds: the watcher's wake-ups and CPU (default 10; 0: skip)
  --poll-ms MS  pcscd's check period for vpcd readers, for the dither and the analysis (default 400)

PCSCLITE_CSOCK_NAME chooses the pcscd, as for any PC/SC client.";

struct Args {
    port: u16,
    cycles: usize,
    card: String,
    idle: Duration,
    poll: f64,
}

fn parse_args() -> Result<Args, String> {
    let port = match std::env::var("CERTISANTE_VPCD_PORT") {
        Ok(p) if !p.is_empty() => p.parse().map_err(|_| format!("CERTISANTE_VPCD_PORT={p:?} is not a port"))?,
        _ => VPCD_PORT_0,
    };
    let mut args = Args { port, cycles: 100, card: "cps3".into(), idle: Duration::from_secs(10), poll: 400.0 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => args.port = value()?.parse().map_err(|_| "--port needs a TCP port")?,
            "--cycles" => args.cycles = value()?.parse().ok().filter(|n| *n > 0).ok_or("--cycles needs a positive number")?,
            "--card" => args.card = value()?,
            "--idle" => args.idle = Duration::from_secs(value()?.parse().map_err(|_| "--idle needs seconds")?),
            "--poll-ms" => args.poll = value()?.parse().ok().filter(|p: &f64| *p > 0.0).ok_or("--poll-ms needs milliseconds")?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    atr::by_name(&args.card).ok_or_else(|| format!("unknown card {:?}", args.card))?;
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("card-latency: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("card-latency: {e}");
            ExitCode::FAILURE
        }
    }
}

type Stamped = (Instant, CardEvent);

/// The watcher's events, each stamped inside the callback.
struct Events {
    rx: Receiver<Stamped>,
    /// Events that were not the one waited for (another reader, a duplicate).
    unexpected: Vec<CardEvent>,
}

impl Events {
    /// The first event `want` accepts, within EVENT_WAIT.
    fn wait<T>(&mut self, what: &str, mut want: impl FnMut(&CardEvent) -> Option<T>) -> Result<(Instant, T), String> {
        let deadline = Instant::now() + EVENT_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((at, event)) => match want(&event) {
                    Some(v) => return Ok((at, v)),
                    None => {
                        if let CardEvent::ServiceUnavailable { message, .. } = &event {
                            return Err(format!("pcscd went away while waiting for {what}: {message}"));
                        }
                        self.unexpected.push(event);
                    }
                },
                Err(RecvTimeoutError::Timeout) => return Err(format!("no {what} within {EVENT_WAIT:?}")),
                Err(RecvTimeoutError::Disconnected) => return Err("the watcher stopped".into()),
            }
        }
    }

    /// Everything that arrives until `quiet` passes without an event (at most `limit`).
    fn drain(&self, quiet: Duration, limit: Duration) -> Vec<CardEvent> {
        let end = Instant::now() + limit;
        let mut out = Vec::new();
        while let Ok((_, e)) = self.rx.recv_timeout(quiet.min(end.saturating_duration_since(Instant::now()))) {
            out.push(e);
        }
        out
    }
}

/// A bare PC/SC client: one context, one reader, SCardGetStatusChange in a loop; every
/// return is stamped with whether a card is present.
struct BareClient {
    stop: Arc<AtomicBool>,
    ctx: pcsc::Context,
    rx: Receiver<(Instant, bool)>,
    thread: Option<JoinHandle<()>>,
}

impl BareClient {
    fn start(reader: &str) -> Result<Self, String> {
        let ctx = pcsc::Context::establish(pcsc::Scope::User).map_err(|e| format!("bare client: {e}"))?;
        let name = CString::new(reader).map_err(|_| "reader name with NUL")?;
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let (thread_ctx, thread_stop) = (ctx.clone(), Arc::clone(&stop));
        let thread = std::thread::Builder::new()
            .name("pcsc-bare".into())
            .spawn(move || {
                let mut states = [pcsc::ReaderState::new(name, pcsc::State::UNAWARE)];
                while !thread_stop.load(Ordering::SeqCst) {
                    match thread_ctx.get_status_change(None, &mut states) {
                        Ok(()) => {
                            let at = Instant::now();
                            let present = states[0].event_state().contains(pcsc::State::PRESENT);
                            let _ = tx.send((at, present));
                            states[0].sync_current_state();
                        }
                        Err(pcsc::Error::Cancelled) => continue,
                        Err(e) => {
                            eprintln!("card-latency: bare client: {e}");
                            return;
                        }
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        let client = Self { stop, ctx, rx, thread: Some(thread) };
        // The first call returns at once with the current state: the thread is then set.
        client.rx.recv_timeout(Duration::from_secs(5)).map_err(|_| "bare client: no first state")?;
        Ok(client)
    }

    fn finish(mut self) -> Vec<(Instant, bool)> {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            while !thread.is_finished() {
                let _ = self.ctx.cancel();
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = thread.join();
        }
        self.rx.try_iter().collect()
    }
}

struct Cycle {
    /// Insertion: t0 (connect) and t1 (CardInserted callback).
    t0: Instant,
    t1: Instant,
    /// Removal: t2 (shutdown) and t3 (CardRemoved callback).
    t2: Instant,
    t3: Instant,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Low-discrepancy dither in [0, 1): N cycles spread evenly over pcscd's period.
fn dither(i: usize, step: f64, start: f64) -> f64 {
    (start + i as f64 * step).fract()
}

fn run(args: &Args) -> Result<(), String> {
    let card_atr = parse_hex(atr::by_name(&args.card).unwrap()).unwrap();
    let socket = std::env::var("PCSCLITE_CSOCK_NAME").unwrap_or_else(|_| "(default: the system pcscd)".into());

    let (tx, rx) = mpsc::channel::<Stamped>();
    let watcher = CardWatcher::start(move |event| {
        let _ = tx.send((Instant::now(), event));
    })
    .map_err(|e| format!("the watcher did not start: {e}"))?;
    let mut events = Events { rx, unexpected: Vec::new() };

    // The first events describe the current state: the readers, and cards already in.
    let initial = events.drain(Duration::from_millis(800), Duration::from_secs(10));
    if let Some(CardEvent::ServiceUnavailable { message, .. }) = initial.iter().find(|e| matches!(e, CardEvent::ServiceUnavailable { .. })) {
        return Err(format!("no pcscd at {socket}: {message}"));
    }
    let readers: Vec<&str> = initial.iter().filter_map(|e| if let CardEvent::ReaderAdded { reader } = e { Some(reader.as_str()) } else { None }).collect();
    if readers.is_empty() {
        return Err(format!("pcscd at {socket} has no reader"));
    }

    // Warm-up (not counted): which reader is on this port, and the first connection's costs.
    let card = VirtualCard::insert(args.port, &card_atr, Script::new()).map_err(|e| e.to_string())?;
    let (_, (reader, identity)) = events.wait("CardInserted (warm-up)", |e| match e {
        CardEvent::CardInserted { reader, card, .. } => Some((reader.clone(), card.label_en.clone())),
        _ => None,
    })?;
    card.remove().map_err(|e| e.to_string())?;
    events.wait("CardRemoved (warm-up)", |e| matches!(e, CardEvent::CardRemoved { reader: r } if *r == reader).then_some(()))?;
    events.unexpected.clear();

    println!("card-latency: {} insert/remove cycles of a virtual {} ({identity}) on vpcd port {}", args.cycles, args.card, args.port);
    println!("  reader {reader:?}, pcscd socket {socket}");
    println!("  readers seen at start: {}", readers.join(", "));
    eprintln!("card-latency: running {} cycles (about {:.0} s)...", args.cycles, args.cycles as f64 * 3.0 * args.poll / 1e3);

    let bare = BareClient::start(&reader)?;
    let wakeups_before = watcher.stats().wakeups;
    let period = Duration::from_secs_f64(args.poll / 1e3);
    let mut cycles = Vec::with_capacity(args.cycles);
    for i in 0..args.cycles {
        std::thread::sleep(period.mul_f64(dither(i, 0.618_033_988_75, 0.5)));
        let t0 = Instant::now();
        let card = VirtualCard::insert(args.port, &card_atr, Script::new()).map_err(|e| e.to_string())?;
        let (t1, ()) = events.wait("CardInserted", |e| matches!(e, CardEvent::CardInserted { reader: r, .. } if *r == reader).then_some(()))?;
        std::thread::sleep(period.mul_f64(dither(i, 0.414_213_562_37, 0.25)));
        let t2 = Instant::now();
        card.remove().map_err(|e| e.to_string())?;
        let (t3, ()) = events.wait("CardRemoved", |e| matches!(e, CardEvent::CardRemoved { reader: r } if *r == reader).then_some(()))?;
        cycles.push(Cycle { t0, t1, t2, t3 });
    }
    let wakeups_cycles = watcher.stats().wakeups - wakeups_before;
    let bare_wakes = bare.finish();

    let inserted: Vec<f64> = cycles.iter().map(|c| ms(c.t1 - c.t0)).collect();
    let removed: Vec<f64> = cycles.iter().map(|c| ms(c.t3 - c.t2)).collect();

    println!();
    println!("Latency, ms: from the card's TCP connect (insertion) or shutdown (removal) to the CardWatcher callback");
    println!("  {:<22} {:>8} {:>8} {:>8} {:>8} {:>8}", "", "median", "p90", "max", "min", "mean");
    for (label, v) in [("insertion", &inserted), ("removal", &removed)] {
        let s = sorted(v);
        println!("  {:<22} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1}", label, pct(&s, 50.0), pct(&s, 90.0), s[s.len() - 1], s[0], mean(v));
    }

    // The watcher against a bare client woken by the same pcscd notification.
    let mut over_in = Vec::new();
    let mut over_out = Vec::new();
    for c in &cycles {
        if let Some(&(b, _)) = bare_wakes.iter().find(|(at, present)| *present && *at >= c.t0 && *at <= c.t2) {
            over_in.push(signed_ms(c.t1, b));
        }
        if let Some(&(b, _)) = bare_wakes.iter().find(|(at, present)| !*present && *at >= c.t2 && *at <= c.t3 + Duration::from_secs(1)) {
            over_out.push(signed_ms(c.t3, b));
        }
    }
    println!();
    println!("What the figures are made of. pcscd checks vpcd readers every {:.0} ms (vpcd has no card-detect", args.poll);
    println!("interrupt), so the latency is dominated by the wait for pcscd's next check, not by the app:");
    for (label, v) in [("insertion", &inserted), ("removal", &removed)] {
        println!("  {label:<10} histogram (ms): {}", histogram(v, args.poll / 8.0));
    }
    println!("  The dither spreads the {} insertions and removals evenly over the {:.0} ms period: each latency is", args.cycles, args.poll);
    println!("  the wait for pcscd's next check (uniform: the spread max - min is pcscd's period) plus a fixed part");
    println!("  (everything after the check: the driver, pcscd's notification, libpcsclite, the watcher), which");
    println!("  the shortest latency bounds to within ~{:.0} ms:", args.poll / args.cycles as f64);
    for (label, v) in [("insertion", &inserted), ("removal", &removed)] {
        let s = sorted(v);
        println!("  {label:<10} fixed part <= {:.1} ms (min); spread {:.1} ms (max - min)", s[0], s[s.len() - 1] - s[0]);
    }
    println!();
    println!("The app-side part, measured against a bare PC/SC client (one SCardGetStatusChange on the reader,");
    println!("its own context and thread in this process, woken by the same pcscd notification):");
    println!("  watcher callback minus bare client wake-up, ms (negative: the watcher's thread ran first)");
    println!("  {:<22} {:>8} {:>8} {:>8} {:>8} {:>7}", "", "median", "p90", "max", "min", "cycles");
    for (label, v) in [("insertion", &over_in), ("removal", &over_out)] {
        if v.is_empty() {
            println!("  {label:<22} (no bare-client wake-up matched)");
            continue;
        }
        let s = sorted(v);
        println!("  {:<22} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>7}", label, pct(&s, 50.0), pct(&s, 90.0), s[s.len() - 1], s[0], v.len());
    }

    let stats = watcher.stats();
    println!();
    println!(
        "Watcher wake-ups (SCardGetStatusChange returns) during the cycles: {wakeups_cycles} for {} card events ({:.2} per event); total {}, contexts {}, PnP notification {}",
        2 * args.cycles,
        wakeups_cycles as f64 / (2 * args.cycles) as f64,
        stats.wakeups,
        stats.connections,
        if stats.pnp_notification { "yes" } else { "no (readers re-listed every 2 s)" }
    );
    if !events.unexpected.is_empty() {
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        for e in &events.unexpected {
            *kinds.entry(format!("{e:?}").split([' ', '{']).next().unwrap_or("?").to_string()).or_default() += 1;
        }
        println!("  other events during the cycles: {kinds:?}");
    }

    if !args.idle.is_zero() {
        idle(args, &card_atr, &reader, &watcher, &mut events)?;
    }
    watcher.stop();
    Ok(())
}

/// A card left in: the watcher must not wake, and its thread must not use CPU.
fn idle(args: &Args, card_atr: &[u8], reader: &str, watcher: &CardWatcher, events: &mut Events) -> Result<(), String> {
    let card = VirtualCard::insert(args.port, card_atr, Script::new()).map_err(|e| e.to_string())?;
    events.wait("CardInserted (idle)", |e| matches!(e, CardEvent::CardInserted { reader: r, .. } if r == reader).then_some(()))?;
    std::thread::sleep(Duration::from_secs(1));
    let names = ["card-watcher".to_string(), format!("vcard-{}", args.port)];
    let before_threads: Vec<Option<ThreadUse>> = names.iter().map(|n| ThreadUse::of(n)).collect();
    let before_process = ThreadUse::process();
    let before = watcher.stats().wakeups;
    let started = Instant::now();
    std::thread::sleep(args.idle);
    let secs = started.elapsed().as_secs_f64();
    let wakeups = watcher.stats().wakeups - before;
    let after_threads: Vec<Option<ThreadUse>> = names.iter().map(|n| ThreadUse::of(n)).collect();
    let after_process = ThreadUse::process();
    let late = events.drain(Duration::from_millis(10), Duration::from_millis(10));
    card.remove().map_err(|e| e.to_string())?;

    println!();
    println!("Idle, a card left in for {secs:.1} s:");
    println!("  watcher wake-ups: {wakeups}; events: {}", late.len());
    let tick = clock_tick();
    println!("  {:<34} {:>10} {:>12} {:>14}", "thread (this process)", "CPU (ms)", "CPU (%)", "wake-ups/s");
    let labels = ["card-watcher (the app's watcher)", "vcard (answers pcscd's probes)"];
    for ((label, b), a) in labels.iter().zip(&before_threads).zip(&after_threads) {
        match (b, a) {
            (Some(b), Some(a)) => {
                let cpu = (a.ticks - b.ticks) as f64 * tick * 1e3;
                println!("  {:<34} {:>10.0} {:>12.3} {:>14.2}", label, cpu, cpu / 10.0 / secs, (a.switches - b.switches) as f64 / secs);
            }
            _ => println!("  {label:<34} (not found in /proc/self/task)"),
        }
    }
    if let (Some(b), Some(a)) = (before_process, after_process) {
        let cpu = (a.ticks - b.ticks) as f64 * tick * 1e3;
        println!("  {:<34} {:>10.0} {:>12.3} {:>14}", "whole process", cpu, cpu / 10.0 / secs, "");
    }
    println!("  (CPU from /proc utime+stime, {:.0} ms resolution; wake-ups = context switches of the thread.)", tick * 1e3);
    Ok(())
}

#[derive(Clone, Copy)]
struct ThreadUse {
    ticks: u64,
    switches: u64,
}

impl ThreadUse {
    /// utime+stime (clock ticks) and context switches of this process's thread named `name`.
    fn of(name: &str) -> Option<Self> {
        for entry in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
            let dir = entry.path();
            if std::fs::read_to_string(dir.join("comm")).ok()?.trim_end() == name {
                let ticks = stat_ticks(&std::fs::read_to_string(dir.join("stat")).ok()?)?;
                let status = std::fs::read_to_string(dir.join("status")).ok()?;
                let switches = status
                    .lines()
                    .filter(|l| l.starts_with("voluntary_ctxt_switches:") || l.starts_with("nonvoluntary_ctxt_switches:"))
                    .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                    .sum();
                return Some(Self { ticks, switches });
            }
        }
        None
    }

    fn process() -> Option<Self> {
        Some(Self { ticks: stat_ticks(&std::fs::read_to_string("/proc/self/stat").ok()?)?, switches: 0 })
    }
}

/// utime + stime from a /proc stat line (fields 14 and 15; the command may hold spaces).
fn stat_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// Seconds per clock tick (USER_HZ: 100 on Linux; no libc dependency for sysconf).
fn clock_tick() -> f64 {
    0.01
}

fn signed_ms(a: Instant, b: Instant) -> f64 {
    if a >= b {
        ms(a - b)
    } else {
        -ms(b - a)
    }
}

fn sorted(v: &[f64]) -> Vec<f64> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s
}

/// Nearest-rank percentile of sorted values.
fn pct(s: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * s.len() as f64).ceil().max(1.0) as usize;
    s[rank.min(s.len()) - 1]
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn histogram(v: &[f64], width: f64) -> String {
    let mut bins: BTreeMap<u64, usize> = BTreeMap::new();
    for x in v {
        *bins.entry((x / width).floor().max(0.0) as u64).or_default() += 1;
    }
    let last = bins.keys().last().copied().unwrap_or(0);
    (0..=last).map(|b| format!("{:.0}-{:.0}:{}", b as f64 * width, (b + 1) as f64 * width, bins.get(&b).copied().unwrap_or(0))).collect::<Vec<_>>().join(" ")
}
