//! The group benchmark's driver (bench/group.sh runs it; not a test): N simulated
//! workstations × M certificates publishing to a PostgreSQL on loopback, each with a real
//! registry (SQLite, for its backlog) and real publication code, beside a `COPY` of the
//! same rows; then an unchanged publication per workstation, and `group list` / the
//! Groupe view's rows over everything, timed.
//!
//!   certisante-group-bench --admin URL --publisher-url TEMPLATE --templates DIR
//!       [--workstations 500] [--certificates 40] [--concurrency 50] [--runs 20] [--work DIR]
//!
//! TEMPLATE is a libpq URL with `{role}` and `{password}` where each workstation's login
//! role and password go (roles `bench_ws_N` are created as members of the publisher role).
//! DIR holds certificate files (the test fixtures): their views are the templates of the
//! simulated certificates (each made unique: fingerprint, name, dates, establishment, path).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use certisante_group::publish::{publish, PublishOutcome};
use certisante_group::read::{self, ReadOptions};
use certisante_group::{schema, snapshot, Address};
use certisante_pki::view::{CertificateView, Thresholds};
use certisante_store::group_outbox::{GroupItem, ItemKind};
use certisante_store::inventory::{scan_paths, ScanOptions, ScanReport};
use certisante_store::registry::Registry;
use chrono::{Duration as Days, Utc};
use sha2::{Digest, Sha256};

struct Options {
    admin: String,
    publisher_url: String,
    templates: PathBuf,
    workstations: usize,
    certificates: usize,
    concurrency: usize,
    runs: usize,
    work: PathBuf,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let number = |name: &str, default: usize| value(name).map_or(default, |v| v.parse().unwrap_or_else(|_| fail(&format!("{name} takes a number"))));
    Options {
        admin: value("--admin").unwrap_or_else(|| fail("--admin URL is required")),
        publisher_url: value("--publisher-url").unwrap_or_else(|| fail("--publisher-url TEMPLATE is required")),
        templates: value("--templates").map(PathBuf::from).unwrap_or_else(|| fail("--templates DIR is required")),
        workstations: number("--workstations", 500),
        certificates: number("--certificates", 40),
        concurrency: number("--concurrency", 50),
        runs: number("--runs", 20),
        work: value("--work").map(PathBuf::from).unwrap_or_else(|| std::env::temp_dir().join("certisante-group-bench")),
    }
}

fn fail(why: &str) -> ! {
    eprintln!("certisante-group-bench: {why}");
    std::process::exit(2);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// CPU seconds (user + system) of a process from /proc: its own, plus its reaped children's
/// when `children` (a PostgreSQL postmaster: every ended session). None off Linux.
fn cpu_seconds(pid: &str, children: bool) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<f64> = stat.rsplit_once(") ")?.1.split(' ').skip(11).take(4).map(|f| f.parse().unwrap_or(0.0)).collect();
    let ticks = if children { fields.iter().sum::<f64>() } else { fields[0] + fields[1] };
    Some(ticks / 100.0) // USER_HZ is 100 on Linux
}

/// The CPU this process and the server spent between two readings.
#[derive(Clone, Copy)]
struct Cpu(Option<f64>, Option<f64>);

fn cpu_now(server_pid: &Option<String>) -> Cpu {
    Cpu(cpu_seconds("self", false), server_pid.as_deref().and_then(|pid| cpu_seconds(pid, true)))
}

fn cpu_since(start: Cpu, server_pid: &Option<String>) -> String {
    // The server counts a session's CPU once its process has exited and been waited for.
    std::thread::sleep(Duration::from_millis(300));
    let now = cpu_now(server_pid);
    let part = |a: Option<f64>, b: Option<f64>| a.zip(b).map_or("?".to_owned(), |(a, b)| format!("{:.2} s", b - a));
    format!("CPU: bench {}, server {}", part(start.0, now.0), part(start.1, now.1))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn summary(mut times: Vec<f64>) -> (f64, f64, f64) {
    times.sort_by(|a, b| a.total_cmp(b));
    (percentile(&times, 50.0), percentile(&times, 99.0), times.last().copied().unwrap_or(f64::NAN))
}

/// Simulated certificate `index` of workstation `ws`: a template's view, made unique.
fn simulated(template: &CertificateView, ws: usize, index: usize) -> CertificateView {
    let mut view = template.clone();
    let fingerprint = hex::encode(Sha256::digest(format!("bench {ws} {index}").as_bytes()));
    view.sha256 = fingerprint.clone();
    view.sha1 = fingerprint[..40].to_owned();
    view.cn = Some(format!("{}-{ws:03}-{index:02}", template.cn.as_deref().unwrap_or("CERT")));
    view.serial = format!("{ws:04x}{index:04x}");
    let shift = Days::days(((ws * 37 + index * 11) % 900) as i64 - 60);
    view.not_after = template.not_after.min(Utc::now() + Days::days(1200)) - Days::days(400) + shift;
    view.usable_until = view.not_after;
    view.private_key_usage_end = None;
    view.structure_id = Some(format!("1{:09}", 310_000_000 + (ws % 50)));
    view.organization = Some(format!("CENTRE HOSPITALIER {}", ws % 50));
    let path = format!("/srv/certs/ws{ws:03}/cert{index:02}.pem");
    for place in &mut view.places {
        place.path = path.clone();
    }
    view.paths = vec![path];
    view
}

fn items_for(name: &str, templates: &[CertificateView], ws: usize, count: usize) -> Vec<GroupItem> {
    let certificates = (0..count).map(|i| simulated(&templates[(ws + i) % templates.len()], ws, i)).collect();
    snapshot::items(name, &ScanReport { certificates, errors: vec![] }, &[])
}

fn main() {
    let o = options();
    let _ = std::fs::remove_dir_all(&o.work);
    std::fs::create_dir_all(&o.work).unwrap();
    let report = scan_paths(std::slice::from_ref(&o.templates), &ScanOptions::default(), &|_| {});
    let templates: Vec<CertificateView> = report.certificates.into_iter().filter(|c| !c.is_ca).collect();
    if templates.is_empty() {
        fail("no certificate in --templates");
    }
    let admin_address = Address::parse(&o.admin).unwrap_or_else(|e| fail(&e.to_string()));
    let admin = certisante_group::connect(&admin_address, None).unwrap_or_else(|e| fail(&e.to_string()));
    schema::init(&admin).unwrap_or_else(|e| fail(&e.to_string()));
    drop(admin);

    // One login role per workstation, as an IT team would make them.
    let started = Instant::now();
    let mut sql = String::new();
    for ws in 0..o.workstations {
        sql.push_str(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_ws_{ws}') THEN CREATE ROLE bench_ws_{ws} LOGIN PASSWORD 'bench-{ws}' IN ROLE certisante_publisher, certisante_reader; END IF; END $$;\n"
        ));
    }
    psql(&o.admin, &sql);
    psql(&o.admin, "TRUNCATE certisante.workstations CASCADE");
    let server = postmaster_pid(&o.admin);
    eprintln!("roles ready in {:.1} s", started.elapsed().as_secs_f64());

    let url = |ws: usize| o.publisher_url.replace("{role}", &format!("bench_ws_{ws}")).replace("{password}", &format!("bench-{ws}"));
    let registries: Vec<Mutex<Registry>> =
        (0..o.workstations).map(|ws| Mutex::new(Registry::open(&o.work.join(format!("ws{ws:03}.sqlite3"))).unwrap_or_else(|e| fail(&e.to_string())))).collect();
    let items: Vec<Vec<GroupItem>> = (0..o.workstations).map(|ws| items_for(&format!("POSTE-{ws:03}"), &templates, ws, o.certificates)).collect();
    let rows = o.workstations * o.certificates;
    let bytes: usize = items.iter().flatten().filter(|i| i.kind == ItemKind::Certificate).map(|i| i.payload.len()).sum();

    // `work(ws)` for every workstation, `concurrency` threads at a time; the elapsed time.
    let each_workstation = |work: &(dyn Fn(usize) + Sync)| -> Duration {
        let next = AtomicUsize::new(0);
        let started = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..o.concurrency.min(o.workstations) {
                scope.spawn(|| loop {
                    let ws = next.fetch_add(1, Ordering::Relaxed);
                    if ws >= o.workstations {
                        break;
                    }
                    work(ws);
                });
            }
        });
        started.elapsed()
    };
    // 1. Every workstation's first publication.
    let run_all = |label: &str| -> (Duration, Vec<f64>) {
        let times = Mutex::new(Vec::with_capacity(o.workstations));
        let elapsed = each_workstation(&|ws| {
            let address = Address::parse(&url(ws)).unwrap();
            let registry = registries[ws].lock().unwrap();
            let one = Instant::now();
            let summary = publish(&registry, &address, None, &format!("POSTE-{ws:03}"), &items[ws]).unwrap_or_else(|e| fail(&format!("{label} {ws}: {e}")));
            times.lock().unwrap().push(ms(one.elapsed()));
            if summary.outcome == PublishOutcome::Queued {
                fail(&format!("{label} {ws}: queued: {:?}", summary.error));
            }
        });
        (elapsed, times.into_inner().unwrap())
    };
    // What any publication of every workstation costs before its first row: a session each
    // (a server process, TLS, SCRAM) and the schema check.
    let cpu = cpu_now(&server);
    let connections = each_workstation(&|ws| {
        let address = Address::parse(&url(ws)).unwrap();
        let session = certisante_group::connect(&address, None).unwrap_or_else(|e| fail(&format!("connection {ws}: {e}")));
        schema::check(&session).unwrap_or_else(|e| fail(&format!("connection {ws}: {e}")));
    });
    let connections_cpu = cpu_since(cpu, &server);
    let cpu = cpu_now(&server);
    let (first, first_times) = run_all("first publication");
    let first_cpu = cpu_since(cpu, &server);
    let (p50_first, p99_first, _) = summary(first_times);

    // 2. The COPY floor: the same rows, one COPY on one connection (superuser, no RLS).
    let copy_file = o.work.join("rows.copy");
    write_copy_file(&copy_file, &items);
    psql(&o.admin, "DROP TABLE IF EXISTS certisante.copy_floor; CREATE TABLE certisante.copy_floor (LIKE certisante.certificates INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)");
    let (started, cpu) = (Instant::now(), cpu_now(&server));
    psql(&o.admin, &format!("\\copy certisante.copy_floor (workstation, sha256, hash, document, places, paths, has_private_key, cn, organization, structure_id, structure_kind, structure_number, environment, offer, usage, not_before, not_after, usable_until, revoked, replaced) FROM '{}'", copy_file.display()));
    let copy = started.elapsed();
    let copy_cpu = cpu_since(cpu, &server);
    psql(&o.admin, "DROP TABLE certisante.copy_floor");

    // 3. Unchanged publications, one workstation at a time (what a scheduled run costs).
    let mut unchanged = Vec::new();
    for ws in (0..o.workstations).step_by((o.workstations / o.runs.max(1)).max(1)).take(o.runs.max(1) * 2) {
        let address = Address::parse(&url(ws)).unwrap();
        let registry = registries[ws].lock().unwrap();
        let started = Instant::now();
        let summary = publish(&registry, &address, None, &format!("POSTE-{ws:03}"), &items[ws]).unwrap();
        unchanged.push(ms(started.elapsed()));
        assert_eq!(summary.outcome, PublishOutcome::Unchanged, "{summary:?}");
    }
    let (p50_unchanged, p99_unchanged, _) = summary(unchanged);
    // The same, all concurrently.
    let cpu = cpu_now(&server);
    let (unchanged_all, _) = run_all("unchanged publication");
    let unchanged_cpu = cpu_since(cpu, &server);

    // 4. Reading the group: `group list` (every document) and the Groupe view's rows.
    let reader = Address::parse(&url(0)).unwrap();
    let options = ReadOptions { thresholds: Thresholds::default(), now: Utc::now() };
    let (mut list_times, mut rows_times, mut listed, mut list_bytes) = (Vec::new(), Vec::new(), 0, 0);
    for _ in 0..o.runs {
        let started = Instant::now();
        let session = certisante_group::connect(&reader, None).unwrap();
        // As `group list --json > /dev/null` makes it.
        let listing = read::raw_list(&session, &options).unwrap();
        let mut out = Counted(std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create("/dev/null").unwrap()), 0);
        listing.write_json(&mut out).unwrap();
        out.flush().unwrap();
        (listed, list_bytes) = (listing.certificates(), out.1);
        list_times.push(ms(started.elapsed()));
        let started = Instant::now();
        let rows = read::rows(&session, &options).unwrap();
        assert_eq!(rows.rows.len(), listed);
        rows_times.push(ms(started.elapsed()));
    }
    let (p50_list, p99_list, _) = summary(list_times);
    let (p50_rows, p99_rows, _) = summary(rows_times);

    println!("workstations={} certificates_each={} rows={} concurrency={} certificate_bytes={}", o.workstations, o.certificates, rows, o.concurrency, bytes);
    println!("{:<44} {:>12} {:>12}", "measure", "value", "goal");
    println!("{:<44} {:>10.0} ms {:>12}", "COPY floor (same rows, one COPY)", ms(copy), "");
    println!("{:<44} {:>10.0} ms {:>12}", "first publication, all workstations", ms(first), format!("< {:.0} ms", 3.0 * ms(copy)));
    println!("{:<44} {:>10.1} x  {:>12}", "  … ÷ COPY floor", ms(first) / ms(copy), "< 3 x");
    println!("{:<44} {:>9.0} /s {:>12}", "  … certificates published per second", rows as f64 / first.as_secs_f64(), "");
    println!("{:<44} {:>10.0} ms {:>12}", "  … of which sessions alone (TLS, SCRAM, check)", ms(connections), "");
    println!("{:<44} {:>10.1} x  {:>12}", "  … the rest ÷ COPY floor", (ms(first) - ms(connections)).max(0.0) / ms(copy), "");
    println!("{:<44} {:>10.1} x  {:>12}", "  … ÷ (sessions alone + COPY floor)", ms(first) / (ms(connections) + ms(copy)), "");
    println!("{:<44} {:>10.1} ms {:>12}", "  … one workstation's first, p50", p50_first, "");
    println!("{:<44} {:>10.1} ms {:>12}", "  … one workstation's first, p99", p99_first, "");
    println!("{:<44} {:>10.1} ms {:>12}", "unchanged publication, p50 (one at a time)", p50_unchanged, "< 50 ms");
    println!("{:<44} {:>10.1} ms {:>12}", "unchanged publication, p99", p99_unchanged, "");
    println!("{:<44} {:>10.0} ms {:>12}", "unchanged, all workstations concurrently", ms(unchanged_all), "");
    println!("{:<44} {:>10.1} ms {:>12}", format!("group list ({listed} certificates), p50"), p50_list, "< 150 ms");
    println!("{:<44} {:>10.1} ms {:>12}", "group list, p99", p99_list, "");
    println!("{:<44} {:>10.1} MB {:>12}", "group list, JSON size", list_bytes as f64 / 1e6, "");
    println!("{:<44} {:>10.1} ms {:>12}", "Groupe view rows, p50", p50_rows, "");
    println!("{:<44} {:>10.1} ms {:>12}", "Groupe view rows, p99", p99_rows, "");
    println!("CPU by phase (the bench's process: the publishing code, TLS, SQLite; the server: its sessions):");
    for (phase, cpu) in [
        ("COPY floor (psql's CPU not counted)", copy_cpu),
        ("sessions alone", connections_cpu),
        ("first publication", first_cpu),
        ("unchanged, concurrently", unchanged_cpu),
    ] {
        println!("  {phase:<42} {cpu}");
    }
}

/// A writer that counts the bytes written through it.
struct Counted<W>(W, usize);

impl<W: std::io::Write> std::io::Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1 += n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// The rows of every certificate item in COPY's text format, as the publication writes them.
fn write_copy_file(path: &Path, items: &[Vec<GroupItem>]) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for (ws, list) in items.iter().enumerate() {
        for item in list.iter().filter(|i| i.kind == ItemKind::Certificate) {
            let row: serde_json::Value = serde_json::from_str(&item.payload).unwrap();
            let text = |v: &serde_json::Value| match v {
                serde_json::Value::Null => "\\N".to_owned(),
                serde_json::Value::String(s) => escape(s),
                other => escape(&other.to_string()),
            };
            let fields = [
                escape(&format!("POSTE-{ws:03}")),
                escape(&item.key),
                escape(&item.hash),
                text(&row["document"]),
                text(&row["places"]),
                text(&row["paths"]),
                text(&row["has_private_key"]),
                text(&row["cn"]),
                text(&row["organization"]),
                text(&row["structure_id"]),
                text(&row["structure_kind"]),
                text(&row["structure_number"]),
                text(&row["environment"]),
                text(&row["offer"]),
                text(&row["usage"]),
                text(&row["not_before"]),
                text(&row["not_after"]),
                text(&row["usable_until"]),
                text(&row["revoked"]),
                text(&row["replaced"]),
            ];
            writeln!(out, "{}", fields.join("\t")).unwrap();
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r")
}

/// Runs SQL with psql (PG_BIN from the harness's env, else PATH) as `url`'s role: its
/// output, unaligned, or why it failed.
fn try_psql(url: &str, sql: &str) -> Result<String, String> {
    let bin = std::env::var("PG_BIN").map(|b| Path::new(&b).join("psql")).unwrap_or_else(|_| PathBuf::from("psql"));
    let out = std::process::Command::new(bin)
        .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .map_err(|e| format!("psql: {e}"))?;
    if !out.status.success() {
        return Err(format!("psql: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `try_psql`, the bench stopping when it fails.
fn psql(url: &str, sql: &str) -> String {
    try_psql(url, sql).unwrap_or_else(|why| fail(&why))
}

/// The server's postmaster, when it runs on this machine and its folder can be read (the
/// CPU its sessions spend is then printed).
fn postmaster_pid(admin: &str) -> Option<String> {
    let data = try_psql(admin, "SHOW data_directory").ok().filter(|d| !d.is_empty())?;
    let pid = std::fs::read_to_string(Path::new(&data).join("postmaster.pid")).ok()?;
    let pid = pid.lines().next()?.trim().to_owned();
    Path::new("/proc").join(&pid).exists().then_some(pid)
}
