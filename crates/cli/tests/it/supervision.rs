//! Supervision through `certisante`, on real servers on 127.0.0.1: `metrics` checked by
//! promtool and scraped by a real Prometheus with the shipped rules (tests/harness/
//! prometheus.sh), `watch` mailing through aiosmtpd (smtp.sh) with its password in
//! gnome-keyring (keyring.sh), showing desktop notifications to a real notification
//! server (certisante-notifyd on a private bus), webhooks to a local receiver
//! (webhook.sh). The servers' folders come from CERTISANTE_SMTP_HARNESS,
//! CERTISANTE_WEBHOOK_HARNESS and CERTISANTE_KEYRING_HARNESS (scripts/test.sh starts them);
//! without them these tests fail saying so.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use certisante_testpki::{Hierarchy, LeafSpec, Usage};
use serde_json::Value;

fn certisante() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_certisante"))
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read_env(dir: &Path) -> HashMap<String, String> {
    let path = dir.join("env");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}: the harness is not running there", path.display()));
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("export ").and_then(|l| l.split_once('=')))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('\'').to_owned()))
        .collect()
}

fn harness(variable: &str, script: &str) -> HashMap<String, String> {
    let dir = std::env::var_os(variable).unwrap_or_else(|| {
        panic!("{variable} is not set: start the server with `tests/harness/{script} start <dir>` and set {variable}=<dir> (scripts/test.sh does both)")
    });
    read_env(Path::new(&dir))
}

fn smtp() -> &'static HashMap<String, String> {
    static ENV: OnceLock<HashMap<String, String>> = OnceLock::new();
    ENV.get_or_init(|| harness("CERTISANTE_SMTP_HARNESS", "smtp.sh"))
}

fn webhook() -> &'static HashMap<String, String> {
    static ENV: OnceLock<HashMap<String, String>> = OnceLock::new();
    ENV.get_or_init(|| harness("CERTISANTE_WEBHOOK_HARNESS", "webhook.sh"))
}

fn keyring_bus() -> &'static str {
    static BUS: OnceLock<String> = OnceLock::new();
    BUS.get_or_init(|| harness("CERTISANTE_KEYRING_HARNESS", "keyring.sh")["DBUS_SESSION_BUS_ADDRESS"].clone())
}

fn unique(test: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{test}-{}-{nanos}", std::process::id())
}

/// One registry watching a folder of certificates ending in 3 and 20 days (and 200 days
/// for a SIGN certificate whose key ends in 150), with their CAs.
struct World {
    dir: tempfile::TempDir,
    id: String,
}

impl World {
    fn new(test: &str) -> Self {
        let world = Self { dir: tempfile::tempdir().unwrap(), id: unique(test) };
        let hierarchy = Hierarchy::new();
        let certs = world.path("certs");
        std::fs::create_dir_all(&certs).unwrap();
        std::fs::create_dir_all(world.path("home")).unwrap();
        hierarchy.write_anchor_dir(&world.path("anchors"));
        let specs = [
            LeafSpec { serial: 30, ..LeafSpec::new(Usage::AuthCli, "TROIS JOURS", 3) },
            LeafSpec { serial: 31, ..LeafSpec::new(Usage::AuthCli, "VINGT JOURS", 20) },
            LeafSpec { serial: 32, key_usage_ends_in_days: Some(150), ..LeafSpec::new(Usage::Sign, "SIGNATURE", 200) },
        ];
        for spec in &specs {
            std::fs::write(certs.join(format!("{}.pem", spec.cn.replace(' ', "-"))), hierarchy.issue(spec).cert_pem).unwrap();
        }
        std::fs::write(certs.join("chain.pem"), hierarchy.chain_pem()).unwrap();
        world.ok(&["watch", "add", certs.to_str().unwrap()]);
        world
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(certisante());
        command
            .args(args)
            .env("CERTISANTE_DATA_DIR", self.path("data"))
            .env("CERTISANTE_EXTRA_ANCHORS", self.path("anchors"))
            .env("HOME", self.path("home"))
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/certisante-test-bus")
            .env_remove("CERTISANTE_READ_ONLY")
            .env_remove("CREDENTIALS_DIRECTORY")
            .env_remove("XDG_RUNTIME_DIR");
        command
    }

    /// With the keyring harness's bus (the OS keystore holds the SMTP password).
    fn keyring_command(&self, args: &[&str]) -> Command {
        let mut command = self.command(args);
        command.env("DBUS_SESSION_BUS_ADDRESS", keyring_bus());
        command
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.keyring_command(args).output().unwrap();
        assert!(
            out.status.success(),
            "certisante {args:?} failed ({:?}): {}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.keyring_command(args).output().unwrap()
    }

    fn shared(&self) -> String {
        format!("secretariat-{}@certisante.test", self.id)
    }

    /// E-mail alerts through the SMTP harness (STARTTLS, its account, its CA), with
    /// `port` instead of the STARTTLS port when given.
    fn set_mail(&self, port: Option<&str>) {
        let env = smtp();
        let password = self.path("smtp-password");
        std::fs::write(&password, format!("{}\n", env["SMTP_PASSWORD"])).unwrap();
        let port = port.unwrap_or(&env["SMTP_STARTTLS_PORT"]).to_owned();
        let shared = self.shared();
        self.ok(&[
            "alerts",
            "mail",
            "set",
            "--host",
            &env["SMTP_HOST"],
            "--port",
            &port,
            "--user",
            &env["SMTP_USER"],
            "--password-file",
            password.to_str().unwrap(),
            "--from",
            "CertiSanté Alertes <alertes@certisante.test>",
            "--to",
            &shared,
            "--ca-file",
            &env["SMTP_CA"],
        ]);
    }
}

fn mails_to(recipient: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(&smtp()["SMTP_MAIL_DIR"])
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .filter(|p| std::fs::read_to_string(p.with_extension("json")).unwrap().contains(recipient))
        .collect();
    out.sort();
    out
}

fn read_mail(path: &Path) -> Value {
    let out = Command::new("python3").arg(repo_root().join("tests/harness/read-mail.py")).arg(path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn promtool_check(text: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool (Debian's prometheus package; scripts/setup.sh test installs it)");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn metrics_of_the_registry_and_of_paths_pass_promtool() {
    let world = World::new("metrics-text");
    world.ok(&["scan"]);
    let text = world.ok(&["metrics"]);
    let (valid, said) = promtool_check(&text);
    assert!(valid && said.trim().is_empty(), "promtool: {said}\n{text}");
    let listed: Value = serde_json::from_str(&world.ok(&["list", "--json"])).unwrap();
    let three = listed["certificates"].as_array().unwrap().iter().find(|c| c["cn"] == "TROIS JOURS").unwrap();
    let until = chrono::DateTime::parse_from_rfc3339(three["usable_until"].as_str().unwrap()).unwrap().timestamp();
    let line = text.lines().find(|l| l.starts_with("certisante_certificate_usable_until_timestamp_seconds{") && l.contains("cn=\"TROIS JOURS\"")).unwrap();
    assert!(line.ends_with(&format!(" {until}")), "{line}");
    assert!(
        line.contains(&format!("sha256=\"{}\"", three["sha256"].as_str().unwrap())) && line.contains("environment=\"TEST\",offer=\"ORG\",usage=\"AUTH_CLI\""),
        "{line}"
    );
    // The signing key's period ends 50 days before notAfter: usable_until says so.
    let sign = |metric: &str| {
        text.lines().find(|l| l.starts_with(metric) && l.contains("cn=\"SIGNATURE\"")).unwrap().rsplit(' ').next().unwrap().parse::<i64>().unwrap()
    };
    assert_eq!((sign("certisante_certificate_not_after_timestamp_seconds") - sign("certisante_certificate_usable_until_timestamp_seconds")) / 86400, 50);

    // PATHs, without the registry; and to a file, atomically.
    let certs = world.path("certs");
    let of_paths = world.ok(&["metrics", certs.to_str().unwrap()]);
    assert!(promtool_check(&of_paths).0);
    assert!(of_paths.contains(&format!("certisante_source_up{{source=\"{}\"}} 1", certs.display())), "{of_paths}");
    let file = world.path("textfile/certisante.prom");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    world.ok(&["metrics", "--output", file.to_str().unwrap()]);
    assert!(promtool_check(&std::fs::read_to_string(&file).unwrap()).0);
}

/// The CLI serving /metrics, killed when dropped.
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The Prometheus of tests/harness/prometheus.sh, stopped when dropped.
struct Prometheus {
    dir: tempfile::TempDir,
    url: String,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = Command::new("bash").arg(repo_root().join("tests/harness/prometheus.sh")).arg("stop").arg(self.dir.path()).output();
    }
}

impl Prometheus {
    fn start(target: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("bash")
            .arg(repo_root().join("tests/harness/prometheus.sh"))
            .arg("start")
            .arg(dir.path())
            .arg(target)
            .arg("--rules")
            .arg(repo_root().join("packaging/monitoring/prometheus/certisante.rules.yml"))
            .output()
            .unwrap();
        assert!(out.status.success(), "prometheus.sh start: {}", String::from_utf8_lossy(&out.stderr));
        let url = read_env(dir.path())["PROMETHEUS_URL"].clone();
        Self { dir, url }
    }

    /// The series of an instant query, once it returns some (bounded wait).
    fn query(&self, expression: &str) -> Vec<Value> {
        let out = Command::new("python3")
            .arg(repo_root().join("tests/harness/prometheus-query.py"))
            .args(["--url", &self.url, "--timeout", "40", expression])
            .output()
            .unwrap();
        assert!(out.status.success(), "{expression}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

#[test]
fn prometheus_scrapes_metrics_listen_and_the_shipped_rules_fire() {
    let world = World::new("metrics-listen");
    world.ok(&["scan"]);
    let mut child = world.command(&["metrics", "--listen", "127.0.0.1:0"]).stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let serving = Serving(child);
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    // "métriques servies sur http://127.0.0.1:PORT/metrics"
    let address = line.trim().rsplit("http://").next().unwrap().trim_end_matches("/metrics").to_owned();
    assert!(address.starts_with("127.0.0.1:"), "{line}");

    // The endpoint itself: only GET /metrics.
    let get = |request: &str| {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    let answer = get("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.contains("certisante_certificate_usable_until_timestamp_seconds{"), "{answer}");
    assert!(get("GET /other HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));

    let prometheus = Prometheus::start(&address);
    let up = prometheus.query("up{job=\"certisante\"} == 1");
    assert_eq!(up.len(), 1, "{up:?}");
    let listed: Value = serde_json::from_str(&world.ok(&["list", "--json"])).unwrap();
    let three = listed["certificates"].as_array().unwrap().iter().find(|c| c["cn"] == "TROIS JOURS").unwrap();
    let until = chrono::DateTime::parse_from_rfc3339(three["usable_until"].as_str().unwrap()).unwrap().timestamp();
    let series = prometheus.query("certisante_certificate_usable_until_timestamp_seconds{cn=\"TROIS JOURS\"}");
    assert_eq!(series.len(), 1, "{series:?}");
    assert_eq!(series[0]["value"].as_f64().unwrap() as i64, until);
    let labels = &series[0]["metric"];
    assert_eq!((labels["environment"].as_str(), labels["offer"].as_str(), labels["usage"].as_str()), (Some("TEST"), Some("ORG"), Some("AUTH_CLI")));
    assert_eq!(labels["sha256"], three["sha256"]);
    assert_eq!(labels["structure_id"], "11B0073160");
    // Days left, computed in PromQL as the rules do.
    let days = prometheus.query("floor((certisante_certificate_usable_until_timestamp_seconds{cn=\"VINGT JOURS\"} - time()) / 86400)");
    assert_eq!(days[0]["value"].as_f64().unwrap() as i64, 19);
    // The shipped rules, on our own series: the 3-day certificate is critical, the 20-day
    // one in the 30-day band, the SIGN certificate (150 days of key left) raises nothing.
    let firing = prometheus.query("ALERTS{alertstate=\"firing\", alertname=\"CertiSanteCertificateExpiresIn7Days\"}");
    assert_eq!(firing[0]["metric"]["cn"], "TROIS JOURS");
    assert_eq!(firing[0]["metric"]["severity"], "critical");
    let thirty = prometheus.query("ALERTS{alertstate=\"firing\", alertname=\"CertiSanteCertificateExpiresIn30Days\"}");
    assert_eq!(thirty[0]["metric"]["cn"], "VINGT JOURS");
    let sources = prometheus.query("certisante_source_up == 1");
    assert!(sources.iter().any(|s| s["metric"]["source"].as_str().unwrap().ends_with("/certs")), "{sources:?}");
    let duration = prometheus.query("certisante_scrape_duration_seconds");
    assert!(duration[0]["value"].as_f64().unwrap() < 10.0);
    drop(prometheus);
    drop(serving);
}

#[test]
fn watch_mails_each_threshold_once_and_exits_with_the_nagios_code() {
    let world = World::new("watch-mail");
    world.set_mail(None);
    let out = world.run(&["watch", "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    // The 3-day certificate is critical: exit 2, as `status` would.
    assert_eq!(out.status.code(), Some(2), "{report}");
    // Counted as `status` counts: the three certificates and the two CAs of chain.pem.
    assert!(report["status"]["line"].as_str().unwrap().starts_with("CERTISANTE CRITICAL - 5 certificates, soonest expiry in 2 days (TROIS JOURS)"), "{report}");
    assert_eq!(report["scan"]["files_seen"], 4);
    assert!(report["revocation"].is_object());
    assert_eq!(report["desktop"]["skipped"], "desktop.no_session", "no session bus here");
    let sent: Vec<&str> = report["deliveries"]["sent"].as_array().unwrap().iter().map(|d| d["cn"].as_str().unwrap()).collect();
    assert_eq!(sent.len(), 2, "{report}");
    assert!(sent.contains(&"TROIS JOURS") && sent.contains(&"VINGT JOURS"));
    assert_eq!(report["group"], serde_json::Value::Null, "no group inventory configured: nothing published");
    let received = mails_to(&world.shared());
    assert_eq!(received.len(), 2);
    let message = read_mail(&received[0]);
    assert_eq!(message["headers"]["From"], "CertiSanté Alertes <alertes@certisante.test>");
    assert!(message["body"].as_str().unwrap().contains("https://pfc-auth.eservices.esante.gouv.fr"));

    // The next pass: nothing sent twice, the same Nagios verdict, in text this time.
    let out = world.run(&["watch"]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().next().unwrap().starts_with("CERTISANTE CRITICAL - "), "{text}");
    assert!(!text.contains("alerte envoyée"), "{text}");
    assert_eq!(mails_to(&world.shared()).len(), 2);
}

#[test]
fn a_failed_send_is_reported_and_sent_at_the_next_run() {
    let world = World::new("watch-down");
    // Only the 20-day certificate, so that the certificates alone are a WARNING.
    std::fs::remove_file(world.path("certs/TROIS-JOURS.pem")).unwrap();
    world.set_mail(Some(&smtp()["SMTP_DOWN_PORT"]));
    let out = world.run(&["watch"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{text}");
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("CERTISANTE WARNING - ") && first.contains("1 alerts not sent (notify.mail_unreachable)"), "{first}");
    assert!(text.contains("ÉCHEC de l'alerte (e-mail ") && text.contains("(notify.mail_unreachable)"), "{text}");
    // `alerts show` names the failing recipient (exit 1) until a message goes out.
    let out = world.run(&["alerts", "show", "--json"]);
    assert_eq!(out.status.code(), Some(0), "JSON is data: exit 0");
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["failures"][0]["channel"], format!("mail:{}", world.shared()));
    assert_eq!(shown["failures"][0]["code"], "notify.mail_unreachable");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&smtp()["SMTP_PASSWORD"]), "no password in the settings");
    assert_eq!(world.run(&["alerts", "show"]).status.code(), Some(1));

    // The server is back (the right port): the next run sends what was missed.
    world.set_mail(None);
    let out = world.run(&["alerts", "send"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("alerte envoyée (e-mail "));
    assert_eq!(mails_to(&world.shared()).len(), 1);
    assert_eq!(world.run(&["alerts", "show"]).status.code(), Some(0));
    // A refused login: a code of its own, exit 1 from the test command.
    let wrong = world.path("wrong");
    std::fs::write(&wrong, "pas-le-bon").unwrap();
    let env = smtp();
    world.ok(&[
        "alerts",
        "mail",
        "set",
        "--host",
        &env["SMTP_HOST"],
        "--port",
        &env["SMTP_STARTTLS_PORT"],
        "--user",
        &env["SMTP_USER"],
        "--password-file",
        wrong.to_str().unwrap(),
        "--from",
        "alertes@certisante.test",
        "--to",
        &world.shared(),
        "--ca-file",
        &env["SMTP_CA"],
    ]);
    let out = world.run(&["alerts", "mail", "test"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("(notify.mail_auth_refused)") && !said.contains("pas-le-bon"), "{said}");
}

#[test]
fn watch_shows_desktop_notifications_where_a_session_exists() {
    let world = World::new("watch-desktop");
    let notifyd = certisante().with_file_name("certisante-notifyd");
    assert!(notifyd.exists(), "{} is missing: run `cargo build --workspace --bins` first", notifyd.display());
    let log = world.path("notifications.jsonl");
    // A private session bus for this test alone, a real notification server on it, then
    // one pass.
    let script = r#"
        "$NOTIFYD" "$LOG" > "$LOG.out" 2>&1 &
        server=$!
        for _ in $(seq 100); do grep -q ready "$LOG.out" && break; sleep 0.1; done
        "$CERTISANTE" watch --json > "$LOG.watch"
        echo $? > "$LOG.code"
        kill $server
    "#;
    let status = Command::new("dbus-run-session")
        .args(["--", "bash", "-c", script])
        .env("NOTIFYD", &notifyd)
        .env("LOG", &log)
        .env("CERTISANTE", certisante())
        .env("CERTISANTE_DATA_DIR", world.path("data"))
        .env("CERTISANTE_EXTRA_ANCHORS", world.path("anchors"))
        .env("HOME", world.path("home"))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("XDG_RUNTIME_DIR")
        .status()
        .unwrap();
    assert!(status.success());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(log.with_extension("jsonl.watch")).unwrap()).unwrap();
    assert_eq!(report["desktop"]["shown"].as_array().unwrap().len(), 2, "{report}");
    let shown: Vec<Value> = std::fs::read_to_string(&log).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(shown.len(), 2);
    assert!(shown.iter().all(|n| n["app_name"] == "CertiSanté" && n["summary"] == "Certificat à renouveler"), "{shown:?}");
    assert!(shown.iter().any(|n| n["body"].as_str().unwrap().starts_with("TROIS JOURS expire dans ")), "{shown:?}");
    assert_eq!(std::fs::read_to_string(log.with_extension("jsonl.code")).unwrap().trim(), "2");
    // Claimed once: the app (or the next pass) shows them no more.
    let out = world.command(&["watch", "--json"]).output().unwrap();
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again["desktop"]["shown"], serde_json::json!([]), "{again}");
}

#[test]
fn webhooks_from_the_command_line() {
    let world = World::new("webhook-cli");
    let path = format!("/ok/{}", world.id);
    let url = world.path("url");
    std::fs::write(&url, format!("{}{path}\n", webhook()["WEBHOOK_URL"])).unwrap();
    world.ok(&["alerts", "webhook", "add", "mattermost", "--url-file", url.to_str().unwrap()]);
    let shown: Value = serde_json::from_str(&world.ok(&["alerts", "show", "--json"])).unwrap();
    assert_eq!(shown["webhooks"][0]["name"], "mattermost");
    assert_eq!(shown["webhooks"][0]["host"], "127.0.0.1");
    assert!(!shown.to_string().contains(&world.id), "the URL (its token) is in the keystore, not the settings: {shown}");
    world.ok(&["alerts", "webhook", "test", "mattermost"]);
    // `alerts send` tells about what the registry holds: scanned first (`watch` does both).
    world.ok(&["scan"]);
    world.ok(&["alerts", "send"]);
    let requests = || -> Vec<Value> {
        std::fs::read_to_string(&webhook()["WEBHOOK_LOG"])
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|r| r["path"] == path)
            .collect()
    };
    let bodies: Vec<Value> = requests().iter().map(|r| serde_json::from_str(r["body"].as_str().unwrap()).unwrap()).collect();
    assert_eq!(bodies.len(), 3, "the test, then one per certificate due");
    assert!(bodies[0]["text"].as_str().unwrap().starts_with("Message d'essai de CertiSanté"), "{:?}", bodies[0]);
    assert!(bodies[1..].iter().all(|b| b["text"].as_str().unwrap().starts_with("Certificat à renouveler : ")));
    world.ok(&["alerts", "send"]);
    assert_eq!(requests().len(), 3, "once per threshold");
    // An address in clear to another machine is refused; removing forgets it.
    std::fs::write(&url, "http://mattermost.ch-exemple.fr/hooks/secret-token").unwrap();
    let out = world.run(&["alerts", "webhook", "add", "other", "--url-file", url.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("(notify.webhook_not_https)") && !said.contains("secret-token"), "{said}");
    world.ok(&["alerts", "webhook", "remove", "mattermost"]);
    let shown: Value = serde_json::from_str(&world.ok(&["alerts", "show", "--json"])).unwrap();
    assert_eq!(shown["webhooks"], serde_json::json!([]));
}

#[test]
fn alert_settings_are_refused_on_a_read_only_workstation() {
    let world = World::new("alerts-read-only");
    let out = world.run(&["--read-only", "alerts", "mail", "set", "--host", "smtp.ch-exemple.fr", "--from", "a@ch-exemple.fr", "--to", "b@ch-exemple.fr"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("(app.read_only)"));
    // Watching and metrics are reading: allowed.
    assert!(world.run(&["--read-only", "metrics"]).status.success());
    let started = Instant::now();
    let out = world.run(&["--read-only", "watch"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_trust_anchors_file_and_a_changed_login_are_checked_when_saved() {
    fn as_refs(args: &[String]) -> Vec<&str> {
        args.iter().map(String::as_str).collect()
    }
    let world = World::new("mail-checked");
    let env = smtp();
    let refused = |args: &[&str], code: &str| {
        let out = world.run(args);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && said.contains(&format!("({code})")), "{args:?}: {said}");
    };
    let set = |ca: &str, user: &str, password_file: Option<&str>| -> Vec<String> {
        let mut args: Vec<String> = ["alerts", "mail", "set", "--host", &env["SMTP_HOST"], "--port", &env["SMTP_STARTTLS_PORT"], "--user", user]
            .iter()
            .map(|a| a.to_string())
            .collect();
        if let Some(file) = password_file {
            args.extend(["--password-file".to_owned(), file.to_owned()]);
        }
        args.extend(["--from", "alertes@certisante.test", "--to", "dsi@certisante.test", "--ca-file", ca].iter().map(|a| a.to_string()));
        args
    };
    let password = world.path("smtp-password");
    std::fs::write(&password, format!("{}\n", env["SMTP_PASSWORD"])).unwrap();
    let password = password.to_str().unwrap();
    let not_pem = world.path("not-a-ca.txt");
    std::fs::write(&not_pem, "not a certificate\n").unwrap();
    let missing = world.path("no-such-ca.pem");

    // A file that cannot be read, or holds no certificate: told when saved, nothing saved.
    refused(&as_refs(&set(missing.to_str().unwrap(), &env["SMTP_USER"], Some(password))), "notify.ca_file");
    refused(&as_refs(&set(not_pem.to_str().unwrap(), &env["SMTP_USER"], Some(password))), "notify.ca_file");
    assert!(!world.ok(&["alerts", "show", "--json"]).contains("certisante.test"), "nothing saved");
    let url = world.path("url");
    std::fs::write(&url, format!("{}/ok/checked", webhook()["WEBHOOK_HTTPS_URL"])).unwrap();
    refused(&["alerts", "webhook", "add", "dsi", "--url-file", url.to_str().unwrap(), "--ca-file", not_pem.to_str().unwrap()], "notify.ca_file");

    // The right file saves; another login without its password does not keep the first
    // login's password (it would fail at the first alert).
    world.ok(&as_refs(&set(&env["SMTP_CA"], &env["SMTP_USER"], Some(password))));
    refused(&as_refs(&set(&env["SMTP_CA"], "autre@certisante.test", None)), "notify.password_missing");
    world.ok(&as_refs(&set(&env["SMTP_CA"], &env["SMTP_USER"], None)));
}
