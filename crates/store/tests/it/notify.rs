//! E-mail and webhook alerts against real servers on 127.0.0.1: aiosmtpd (STARTTLS,
//! implicit TLS, AUTH, a plain listener, a silent one, a port where nothing listens) and
//! an HTTP(S) receiver (tests/harness/smtp.sh, webhook.sh; see `harness`). Messages are
//! read back as a mail client would (Python's email package).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use certisante_devices::keys::{Keystore, OsKeystore};
use certisante_pki::Sensitive;
use certisante_store::alerts::{self, Channel};
use certisante_store::inventory::ScanOptions;
use certisante_store::notify::{self, MailOptions, MailSecurity, MailSettings, SendOptions, WebhookOptions, WebhookSettings};
use certisante_store::registry::Registry;
use certisante_store::settings::Settings;
use certisante_testpki::{Hierarchy, LeafSpec, Usage};
use chrono::Utc;

use crate::harness::{self, mails_to, read_mail, smtp, unique, webhook, webhook_requests};

struct World {
    _dir: tempfile::TempDir,
    certs: PathBuf,
    /// The test hierarchy's anchors: its certificates are classified (TEST, ORG, usage).
    anchors: PathBuf,
    registry: Registry,
    keystore: OsKeystore,
    /// Unique to this test: in addresses and webhook paths.
    id: String,
}

/// Certificates ending in 3, 20 and 100 days (the test PKI's establishment), another
/// establishment's in 25 days, and the CAs; watched and scanned.
fn world(test: &str) -> World {
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    let hierarchy = Hierarchy::new();
    let mut specs: Vec<LeafSpec> =
        [(3, "TROIS JOURS"), (20, "VINGT JOURS"), (100, "CENT JOURS")].into_iter().map(|(d, cn)| LeafSpec::new(Usage::AuthCli, cn, d)).collect();
    let mut other = LeafSpec::new(Usage::Sign, "AUTRE ÉTABLISSEMENT", 25);
    other.structure_id = "10B0123456".into();
    other.organization = "CLINIQUE DES ÉCRINS".into();
    specs.push(other);
    for (serial, spec) in specs.iter_mut().enumerate() {
        spec.serial = 20 + serial as u64;
        std::fs::write(certs.join(format!("{}.pem", spec.cn.replace(' ', "-"))), hierarchy.issue(spec).cert_pem).unwrap();
    }
    std::fs::write(certs.join("chain.pem"), hierarchy.chain_pem()).unwrap();
    let anchors = hierarchy.write_anchor_dir(&dir.path().join("anchors"));
    let registry = Registry::open(&dir.path().join("registry.sqlite3")).unwrap();
    registry.save_settings(&Settings { include_os_stores: false, ..Settings::default() }).unwrap();
    registry.add_watch(&certs).unwrap();
    registry.scan(&|_| {}).unwrap();
    World { _dir: dir, certs, anchors, registry, keystore: harness::keystore(), id: unique(test) }
}

fn options(world: &World) -> SendOptions {
    SendOptions {
        extra_anchors: Some(world.anchors.clone()),
        mail: MailOptions { timeout: Duration::from_secs(3) },
        webhook: WebhookOptions { connect_timeout: Duration::from_secs(2), timeout: Duration::from_secs(2), attempts: 3, pause: Duration::from_millis(50) },
        workstation: "POSTE-TEST".into(),
    }
}

impl World {
    /// The registry's listing, classified with the test anchors.
    fn list(&self) -> certisante_store::inventory::ScanReport {
        self.registry.list(&ScanOptions { extra_anchors: Some(self.anchors.clone()), ..ScanOptions::default() }).unwrap()
    }

    fn shared(&self) -> String {
        format!("dsi-{}@certisante.test", self.id)
    }

    fn establishment(&self) -> String {
        format!("etab-{}@certisante.test", self.id)
    }

    /// E-mail through the harness's STARTTLS port with its account; the password goes to
    /// the keystore under a fresh id, as the API does.
    fn mail(&self, password: &str, change: impl FnOnce(&mut MailSettings)) -> MailSettings {
        let env = smtp();
        let keystore_id = notify::new_keystore_id("mail");
        self.keystore.put(&notify::smtp_password_name(&keystore_id), &Sensitive::new(password.as_bytes().to_vec())).unwrap();
        let mut mail = MailSettings {
            host: env["SMTP_HOST"].clone(),
            port: Some(env["SMTP_STARTTLS_PORT"].parse().unwrap()),
            security: MailSecurity::Starttls,
            username: Some(env["SMTP_USER"].clone()),
            from: "alertes@certisante.test".into(),
            recipients: vec![self.shared()],
            recipients_by_structure: BTreeMap::from([("10B0123456".to_owned(), vec![self.establishment()])]),
            ca_file: Some(env["SMTP_CA"].clone()),
            keystore_id: Some(keystore_id),
        };
        change(&mut mail);
        let mut settings = self.registry.settings().unwrap();
        settings.mail = Some(mail.clone());
        self.registry.save_settings(&settings).unwrap();
        mail
    }

    fn language(&self, language: &str) {
        let mut settings = self.registry.settings().unwrap();
        settings.language = language.into();
        self.registry.save_settings(&settings).unwrap();
    }

    fn send(&self) -> notify::DeliveryReport {
        notify::send_due(&self.registry, &self.keystore, Utc::now(), &options(self)).unwrap()
    }

    fn webhook(&self, name: &str, url: &str, ca_file: Option<String>) {
        let keystore_id = notify::new_keystore_id(name);
        self.keystore.put(&notify::webhook_url_name(&keystore_id), &Sensitive::new(url.as_bytes().to_vec())).unwrap();
        let mut settings = self.registry.settings().unwrap();
        settings.webhooks.push(WebhookSettings { name: name.into(), host: "127.0.0.1".into(), ca_file, keystore_id });
        self.registry.save_settings(&settings).unwrap();
    }
}

fn sent_cns(report: &notify::DeliveryReport, channel: &str) -> Vec<String> {
    let mut cns: Vec<String> = report.sent.iter().filter(|d| d.channel == channel).map(|d| d.cn.clone()).collect();
    cns.sort();
    cns
}

#[test]
fn each_threshold_is_mailed_once_in_french_with_what_to_do() {
    let world = world("mail-fr");
    world.mail(&smtp()["SMTP_PASSWORD"], |_| {});
    let report = world.send();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    // The shared mailbox hears of every certificate due; the establishment's recipient of
    // its own only. 100 days: no threshold crossed yet; the CAs: never.
    assert_eq!(sent_cns(&report, &format!("mail:{}", world.shared())), ["AUTRE ÉTABLISSEMENT", "TROIS JOURS", "VINGT JOURS"]);
    assert_eq!(sent_cns(&report, &format!("mail:{}", world.establishment())), ["AUTRE ÉTABLISSEMENT"]);

    let mail_dir = &smtp()["SMTP_MAIL_DIR"];
    let received = mails_to(mail_dir, &world.shared());
    assert_eq!(received.len(), 3);
    let messages: Vec<serde_json::Value> = received.iter().map(|p| read_mail(p)).collect();
    let three = messages.iter().find(|m| m["headers"]["Subject"].as_str().unwrap().contains("TROIS JOURS")).expect("the 3-day certificate's message");
    let subject = three["headers"]["Subject"].as_str().unwrap();
    assert!(
        subject.starts_with("[CertiSanté] Certificat à renouveler : TROIS JOURS (CENTRE HOSPITALIER DE TEST, 11B0073160) — plus utilisable dans "),
        "{subject}"
    );
    // Accents travel as RFC 2047 encoded words in a 7-bit header, and read back intact.
    let raw_subject = three["raw_headers"]["Subject"].as_str().unwrap();
    assert!(raw_subject.is_ascii() && raw_subject.contains("=?utf-8?"), "{raw_subject}");
    assert_eq!(three["headers"]["From"], "CertiSanté <alertes@certisante.test>");
    assert_eq!(three["headers"]["To"], world.shared());
    assert_eq!(three["headers"]["Auto-Submitted"], "auto-generated");
    assert!(three["headers"]["Date"].as_str().is_some() && three["headers"]["Message-ID"].as_str().is_some(), "{three}");
    assert_eq!((three["content_type"].as_str(), three["charset"].as_str()), (Some("text/plain"), Some("utf-8")));
    let sha = three["headers"]["X-CertiSante-Certificate"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    let body = three["body"].as_str().unwrap();
    for expected in [
        "Bonjour,",
        "TROIS JOURS expire dans ",
        "Le certificat",
        "Organisation :",
        "CENTRE HOSPITALIER DE TEST",
        "11B0073160 (FINESS)",
        "ORG AUTH_CLI, environnement TEST",
        "Utilisable jusqu'au : ",
        "Où il se trouve (poste POSTE-TEST)",
        &format!("  - fichier {}", world.certs.canonicalize().unwrap().join("TROIS-JOURS.pem").display()),
        "Que faire",
        "  1. Commander le nouveau certificat sur la plateforme IGC-Santé (https://pfc-auth.eservices.esante.gouv.fr)",
        "certisante import FICHIER",
        "Plateforme IGC-Santé : https://pfc-auth.eservices.esante.gouv.fr",
        "Prochain rappel : le jour de la fin.",
        "une seule fois pour ce seuil (7 jours)",
        sha,
    ] {
        assert!(body.contains(expected), "missing {expected:?} in:\n{body}");
    }
    // Delivered over TLS after STARTTLS, logged in with the harness's account.
    let envelope = &three["envelope"];
    assert_eq!(envelope["listener"], "starttls");
    assert!(envelope["tls"].as_str().is_some_and(|v| v.starts_with("TLSv1.")), "{envelope}");
    assert_eq!(envelope["auth_user"], smtp()["SMTP_USER"]);
    assert_eq!(envelope["mail_from"], "alertes@certisante.test");
    let twenty = messages.iter().find(|m| m["headers"]["Subject"].as_str().unwrap().contains("VINGT JOURS")).unwrap();
    assert!(twenty["body"].as_str().unwrap().contains("Prochains rappels : 7 jours avant la fin, puis le jour même."), "{twenty}");

    // The establishment's recipient: its certificate, its words (accents in the body).
    let theirs = read_mail(&mails_to(mail_dir, &world.establishment())[0]);
    assert!(theirs["headers"]["Subject"].as_str().unwrap().contains("AUTRE ÉTABLISSEMENT (CLINIQUE DES ÉCRINS, 10B0123456)"), "{theirs}");
    assert!(theirs["body"].as_str().unwrap().contains("ORG SIGN"), "{theirs}");

    // Once per threshold: nothing more at the next run, nothing more in the mailboxes.
    let again = world.send();
    assert!(again.sent.is_empty() && again.failed.is_empty(), "{again:?}");
    assert_eq!(mails_to(mail_dir, &world.shared()).len(), 3);
    assert_eq!(notify::failures(&world.registry).unwrap(), []);
}

#[test]
fn english_when_chosen_and_implicit_tls() {
    let world = world("mail-en");
    world.language("en");
    let env = smtp();
    world.mail(&env["SMTP_PASSWORD"], |m| {
        m.security = MailSecurity::Tls;
        m.port = Some(env["SMTP_SMTPS_PORT"].parse().unwrap());
        m.recipients_by_structure.clear();
    });
    let report = world.send();
    assert_eq!(report.sent.len(), 3, "{:?}", report.failed);
    let message = read_mail(&mails_to(&env["SMTP_MAIL_DIR"], &world.shared())[0]);
    assert_eq!(message["envelope"]["listener"], "smtps");
    let subject = message["headers"]["Subject"].as_str().unwrap();
    assert!(subject.starts_with("[CertiSanté] Certificate to renew: "), "{subject}");
    let body = message["body"].as_str().unwrap();
    for expected in ["Hello,", "Where it is (workstation POSTE-TEST)", "What to do", "IGC-Santé platform: https://pfc-auth.eservices.esante.gouv.fr"] {
        assert!(body.contains(expected), "missing {expected:?} in:\n{body}");
    }
}

#[test]
fn a_refused_login_is_reported_and_tried_again() {
    let world = world("mail-login");
    let shared = world.shared();
    let channel = format!("mail:{shared}");
    world.mail("pas-le-bon-mot-de-passe", |m| m.recipients_by_structure.clear());
    let report = world.send();
    assert!(report.sent.is_empty());
    assert_eq!(report.failed.len(), 3, "every alert due is reported: {:?}", report.failed);
    assert!(report.failed.iter().all(|f| f.code == "notify.mail_auth_refused" && f.channel == channel), "{:?}", report.failed);
    assert!(report.failed[0].message.contains("535"), "the server's reply is kept: {}", report.failed[0].message);
    assert!(!report.failed[0].message.contains("pas-le-bon"), "never the password");
    let failures = notify::failures(&world.registry).unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!((failures[0].channel.as_str(), failures[0].code.as_str(), failures[0].pending), (channel.as_str(), "notify.mail_auth_refused", 3));
    assert!(mails_to(&smtp()["SMTP_MAIL_DIR"], &shared).is_empty());

    // The right password: what failed goes out at the next run, and the failure is gone.
    world.mail(&smtp()["SMTP_PASSWORD"], |m| m.recipients_by_structure.clear());
    assert_eq!(world.send().sent.len(), 3);
    assert_eq!(notify::failures(&world.registry).unwrap(), []);
    assert_eq!(mails_to(&smtp()["SMTP_MAIL_DIR"], &shared).len(), 3);
}

#[test]
fn a_server_that_is_down_or_silent_is_reported_within_bounds() {
    let world = world("mail-down");
    let env = smtp();
    world.mail(&env["SMTP_PASSWORD"], |m| {
        m.port = Some(env["SMTP_DOWN_PORT"].parse().unwrap());
        m.recipients_by_structure.clear();
    });
    let report = world.send();
    assert_eq!(report.failed.len(), 3);
    assert!(report.failed.iter().all(|f| f.code == "notify.mail_unreachable"), "{:?}", report.failed);

    world.mail(&env["SMTP_PASSWORD"], |m| {
        m.port = Some(env["SMTP_HANG_PORT"].parse().unwrap());
        m.recipients_by_structure.clear();
    });
    let started = std::time::Instant::now();
    let report = world.send();
    // One timeout stops the channel for the pass: the other two are not tried.
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert!(report.failed.iter().all(|f| f.code == "notify.mail_timeout"), "{:?}", report.failed);
    assert_eq!(
        alerts::due_on(&world.registry, &Channel::mail(&world.shared()), &world.list().certificates, &world.registry.settings().unwrap(), Utc::now())
            .unwrap()
            .len(),
        3,
        "released: due again"
    );
}

#[test]
fn a_server_that_comes_back_gets_what_was_missed() {
    // A private SMTP server of this test: stopped, then started again on the same port.
    let world = world("mail-back");
    let dir = tempfile::tempdir().unwrap();
    let script = harness::repo_root().join("tests/harness/smtp.sh");
    let run = |action: &str| {
        assert!(std::process::Command::new("bash").arg(&script).arg(action).arg(dir.path()).output().unwrap().status.success(), "smtp.sh {action}")
    };
    run("start");
    let env = harness::read_env(dir.path());
    world.mail(&env["SMTP_PASSWORD"], |m| {
        m.port = Some(env["SMTP_STARTTLS_PORT"].parse().unwrap());
        m.ca_file = Some(env["SMTP_CA"].clone());
        m.recipients_by_structure.clear();
    });
    run("down");
    let report = world.send();
    assert!(report.sent.is_empty() && report.failed.iter().all(|f| f.code == "notify.mail_unreachable"), "{report:?}");
    run("up");
    let report = world.send();
    assert_eq!(report.sent.len(), 3, "{:?}", report.failed);
    assert_eq!(mails_to(&env["SMTP_MAIL_DIR"], &world.shared()).len(), 3);
    run("stop");
}

#[test]
fn no_password_ever_goes_to_a_server_without_tls() {
    let world = world("mail-plain");
    let env = smtp();
    // STARTTLS required, the server does not offer it: refused before any login.
    world.mail(&env["SMTP_PASSWORD"], |m| {
        m.port = Some(env["SMTP_PLAIN_PORT"].parse().unwrap());
        m.recipients_by_structure.clear();
    });
    let report = world.send();
    assert!(report.failed.iter().all(|f| f.code == "notify.mail_tls"), "{:?}", report.failed);
    assert!(mails_to(&env["SMTP_MAIL_DIR"], &world.shared()).is_empty());
    // And a login without TLS cannot even be saved.
    let mut settings = world.registry.settings().unwrap();
    let mail = settings.mail.as_mut().unwrap();
    mail.security = MailSecurity::Plain;
    assert_eq!(mail.validate().unwrap_err().code(), "notify.login_without_tls");
    assert_eq!(world.registry.save_settings(&settings).unwrap_err().code(), "registry.invalid_setting");
}

#[test]
fn a_refused_recipient_does_not_stop_the_others() {
    let world = world("mail-reject");
    let rejected = format!("reject-{}@certisante.test", world.id);
    world.mail(&smtp()["SMTP_PASSWORD"], |m| m.recipients = vec![rejected.clone(), world.shared()]);
    let report = world.send();
    assert_eq!(sent_cns(&report, &format!("mail:{}", world.shared())).len(), 3);
    assert_eq!(report.failed.len(), 3);
    assert!(report.failed.iter().all(|f| f.code == "notify.mail_rejected" && f.channel == format!("mail:{rejected}")), "{:?}", report.failed);
    // Next run: the refused one is tried again, the others receive nothing twice.
    let again = world.send();
    assert!(again.sent.is_empty() && again.failed.len() == 3, "{again:?}");
    assert_eq!(mails_to(&smtp()["SMTP_MAIL_DIR"], &world.shared()).len(), 3);
}

#[test]
fn a_desktop_notification_does_not_stop_the_mail() {
    let world = world("mail-desktop");
    let now = Utc::now();
    let shown = alerts::claim(&world.registry, &alerts::due(&world.registry, now).unwrap(), now).unwrap();
    assert_eq!(shown.len(), 3, "the desktop channel claimed its own");
    world.mail(&smtp()["SMTP_PASSWORD"], |m| m.recipients_by_structure.clear());
    assert_eq!(world.send().sent.len(), 3, "the e-mail channel still has all of them");
    assert_eq!(alerts::due(&world.registry, now).unwrap(), [], "and the desktop none again");
}

#[test]
fn a_killed_sender_leaves_a_lease_that_runs_out() {
    let world = world("mail-lease");
    world.mail(&smtp()["SMTP_PASSWORD"], |m| m.recipients_by_structure.clear());
    let channel = Channel::mail(&world.shared());
    let now = Utc::now();
    let listing = world.list();
    let settings = world.registry.settings().unwrap();
    let due = alerts::due_on(&world.registry, &channel, &listing.certificates, &settings, now).unwrap();
    // A process claims them and dies before sending or releasing.
    assert_eq!(alerts::claim_on(&world.registry, &channel, &due, now).unwrap().len(), 3);
    assert_eq!(alerts::claim_on(&world.registry, &channel, &due, now).unwrap(), [], "held: nobody else sends them meanwhile");
    assert!(world.send().sent.is_empty());
    // Past the lease, the next run sends them.
    let later = now + alerts::CLAIM_LEASE + chrono::Duration::seconds(1);
    let report = notify::send_due(&world.registry, &world.keystore, later, &options(&world)).unwrap();
    assert_eq!(report.sent.len(), 3, "{:?}", report.failed);
}

#[test]
fn webhooks_get_a_text_field_once_per_threshold() {
    let world = world("hook-ok");
    let path = format!("/ok/{}", world.id);
    world.webhook("mattermost", &format!("{}{path}", webhook()["WEBHOOK_URL"]), None);
    let report = world.send();
    assert_eq!(sent_cns(&report, "webhook:mattermost"), ["AUTRE ÉTABLISSEMENT", "TROIS JOURS", "VINGT JOURS"]);
    let requests = webhook_requests(&path);
    assert_eq!(requests.len(), 3);
    let request = &requests[0];
    assert_eq!(request["method"], "POST");
    let content_type = request["headers"].as_array().unwrap().iter().find(|h| h[0].as_str().unwrap().eq_ignore_ascii_case("content-type")).unwrap();
    assert_eq!(content_type[1], "application/json; charset=utf-8");
    let bodies: Vec<serde_json::Value> = requests.iter().map(|r| serde_json::from_str(r["body"].as_str().unwrap()).unwrap()).collect();
    let three = bodies.iter().find(|b| b["certisante"]["cn"] == "TROIS JOURS").unwrap();
    let text = three["text"].as_str().unwrap();
    assert!(text.starts_with("Certificat à renouveler : TROIS JOURS (CENTRE HOSPITALIER DE TEST, 11B0073160) — plus utilisable dans "), "{text}");
    assert!(text.contains("Poste : POSTE-TEST") && text.contains("Renouvellement : https://pfc-auth.eservices.esante.gouv.fr"), "{text}");
    assert_eq!(three["certisante"]["threshold_days"], 7);
    assert_eq!(three["certisante"]["environment"], "TEST");
    assert!(world.send().sent.is_empty(), "once per threshold");
    assert_eq!(webhook_requests(&path).len(), 3);
}

#[test]
fn webhooks_are_tried_again_within_bounds() {
    let world = world("hook-retry");
    let base = &webhook()["WEBHOOK_URL"];
    // 500 twice, then 200: the third attempt of the first alert gets through.
    let flaky = format!("/fail-twice/{}", world.id);
    world.webhook("flaky", &format!("{base}{flaky}"), None);
    // Always 503: three attempts, then the failure is kept and the alerts wait.
    let broken = format!("/status/503/{}", world.id);
    world.webhook("broken", &format!("{base}{broken}"), None);
    let report = world.send();
    assert_eq!(sent_cns(&report, "webhook:flaky").len(), 3, "{:?}", report.failed);
    assert_eq!(webhook_requests(&flaky).len(), 5, "2 failures, then 3 alerts");
    let failed: Vec<&notify::FailedDelivery> = report.failed.iter().filter(|f| f.channel == "webhook:broken").collect();
    assert_eq!(failed.len(), 3);
    assert!(failed.iter().all(|f| f.code == "notify.webhook_status" && f.message.contains("503")), "{failed:?}");
    assert_eq!(webhook_requests(&broken).len(), 3, "bounded: 3 attempts, then the channel waits for the next run");
    assert!(!failed[0].message.contains(&world.id), "the URL (its token) never appears: {}", failed[0].message);
    let failures = notify::failures(&world.registry).unwrap();
    assert_eq!(failures.iter().map(|f| f.channel.as_str()).collect::<Vec<_>>(), ["webhook:broken"]);
    let again = world.send();
    assert!(again.sent.is_empty() && again.failed.len() == 3, "tried again at the next run");
}

#[test]
fn webhooks_over_tls_and_their_failures() {
    let world = world("hook-tls");
    let env = webhook();
    let path = format!("/ok/{}", world.id);
    world.webhook("teams", &format!("{}{path}", env["WEBHOOK_HTTPS_URL"]), Some(env["WEBHOOK_CA"].clone()));
    world.webhook("nowhere", &format!("{}/ok/{}", env["WEBHOOK_DOWN_URL"], world.id), None);
    world.webhook("silent", &format!("{}/hang/{}", env["WEBHOOK_URL"], world.id), None);
    let started = std::time::Instant::now();
    let report = world.send();
    assert_eq!(sent_cns(&report, "webhook:teams").len(), 3, "{:?}", report.failed);
    assert_eq!(webhook_requests(&path)[0]["listener"], "https");
    let codes = |channel: &str| report.failed.iter().filter(|f| f.channel == channel).map(|f| f.code.clone()).collect::<Vec<_>>();
    assert_eq!(codes("webhook:nowhere"), ["notify.webhook_unreachable"; 3]);
    assert_eq!(codes("webhook:silent"), ["notify.webhook_timeout"; 3]);
    // 3 attempts of 2 s, once for the channel: bounded.
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    // Plain http is for this machine only: a token must not cross a network in clear.
    assert_eq!(notify::webhook::check_url("http://mattermost.ch-exemple.fr/hooks/abc").unwrap_err().code(), "notify.webhook_not_https");
    assert_eq!(notify::webhook::check_url("https://outlook.office.com/webhook/x").unwrap(), "outlook.office.com");
}

#[test]
fn trust_anchor_files_are_full_paths_and_readable_when_saved() {
    let world = world("mail-ca");
    world.mail(&smtp()["SMTP_PASSWORD"], |_| {});
    let mut settings = world.registry.settings().unwrap();
    let mail = settings.mail.as_mut().unwrap();
    // Relative to which folder? The app's, the CLI's and the scheduled task's differ.
    mail.ca_file = Some("internal-ca.pem".into());
    assert_eq!(mail.validate().unwrap_err().code(), "notify.ca_file_not_full_path");
    mail.ca_file = Some(" ".into());
    assert_eq!(mail.validate().unwrap_err().code(), "notify.ca_file_not_full_path");
    let webhook = WebhookSettings { name: "dsi".into(), host: "x".into(), ca_file: Some("ca.pem".into()), keystore_id: "k".into() };
    assert_eq!(notify::check_webhooks(&[webhook]).unwrap_err().code(), "notify.ca_file_not_full_path");
    // Saved through the API, the file is read at once: a typo is told then, not at the first alert.
    let missing = std::env::temp_dir().join("certisante-no-such-ca.pem");
    assert_eq!(notify::check_ca_file(&missing.display().to_string()).unwrap_err().code(), "notify.ca_file");
    assert!(notify::check_ca_file(&smtp()["SMTP_CA"]).is_ok());
}
