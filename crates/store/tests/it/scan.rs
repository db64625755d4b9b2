//! The core against a generated IGC-Santé-like hierarchy, every profile in every
//! container, the real public certificates, and malformed files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use certisante_pki::certs::{read_container, ChainStatus, Integrity};
use certisante_pki::igc::{Environment, Offer, StructureKind, Usage};
use certisante_pki::view::{CertificateView, Status, Thresholds};
use certisante_pki::Sensitive;
use certisante_store::inventory::{scan_paths, ScanOptions, ScanReport};
use certisante_testpki::{write_containers, Containers, Hierarchy, LeafSpec, Usage as TestUsage};

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    anchors: PathBuf,
    dmp: Containers,
}

const PASSWORD: &str = "mot de passe portail";

/// Built once: RSA keys take a moment.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("certs");
        let hierarchy = Hierarchy::new();
        let anchors = hierarchy.write_anchor_dir(&dir.path().join("anchors"));
        let mut spec = LeafSpec::new(TestUsage::AuthCli, "DMP", 400);
        spec.structure_id = "318751275100020".into();
        let dmp = write_containers(&root.join("dmp"), "dmp", &hierarchy.issue(&spec), &hierarchy, PASSWORD);
        for (usage, cn, days, name) in [
            (TestUsage::Sign, "MSSANTE SIGNATURE", 80, "sign"),
            (TestUsage::Conf, "MSSANTE CHIFFREMENT", 25, "conf"),
            (TestUsage::SslServ, "portail.ch-test.fr", 5, "ssl"),
            (TestUsage::AuthCli, "INSI-AUTO", -3, "insi"),
        ] {
            let leaf = hierarchy.issue(&LeafSpec::new(usage, cn, days));
            write_containers(&root.join(name), name, &leaf, &hierarchy, PASSWORD);
        }
        let forged = hierarchy.forged(&LeafSpec::new(TestUsage::AuthCli, "FAUX", 200));
        std::fs::write(root.join("forged.pem"), forged.cert_pem).unwrap();
        Fixture { _dir: dir, root, anchors, dmp }
    })
}

fn options() -> ScanOptions {
    ScanOptions { extra_anchors: Some(fixture().anchors.clone()), ..ScanOptions::default() }
}

fn scan(paths: &[&Path], options: &ScanOptions) -> ScanReport {
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.to_path_buf()).collect();
    scan_paths(&paths, options, &|_| {})
}

fn by_cn<'a>(report: &'a ScanReport, cn: &str) -> &'a CertificateView {
    report.certificates.iter().find(|c| c.cn.as_deref() == Some(cn)).unwrap_or_else(|| panic!("{cn} not listed"))
}

#[test]
fn every_profile_is_classified_in_every_container() {
    let f = fixture();
    let report = scan(&[&f.root], &options());
    let expected = [
        ("DMP", Offer::Org, Usage::AuthCli, Status::Valid),
        ("MSSANTE SIGNATURE", Offer::Org, Usage::Sign, Status::Valid),
        ("MSSANTE CHIFFREMENT", Offer::Org, Usage::Conf, Status::Expiring),
        ("portail.ch-test.fr", Offer::Serv, Usage::SslServ, Status::Expiring),
        ("INSI-AUTO", Offer::Org, Usage::AuthCli, Status::Expired),
    ];
    for (cn, offer, usage, status) in expected {
        let cert = by_cn(&report, cn);
        assert_eq!((cert.offer, cert.usage, cert.status), (Some(offer), Some(usage), status), "{cn}");
        assert_eq!(cert.environment, Environment::Test, "{cn}");
        assert_eq!(cert.chain.status, ChainStatus::Trusted);
        // .pem, .cer, .p7b, .p7c, -with-key.pem, -portal.p12 (the AES one needs the password)
        assert_eq!(cert.paths.len(), 6, "{cn}: {:?}", cert.paths);
        assert!(cert.has_private_key, "{cn}: the key is in the portal .p12 and the PEM");
    }
    let dmp = by_cn(&report, "DMP");
    assert_eq!(dmp.structure_kind, StructureKind::Siret);
    assert_eq!(dmp.structure_id.as_deref(), Some("318751275100020"));
    assert_eq!(dmp.department.as_deref(), Some("75"));
    assert_eq!(dmp.key_algorithm, "RSA");
    assert_eq!(dmp.key_bits, 2048);
    assert_eq!(dmp.chain.path, vec!["TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS", "TEST AC RACINE IGC-SANTE ELEMENTAIRE"]);
    // Soonest expiry first.
    let days: Vec<i64> = report.certificates.iter().map(|c| c.days_left).collect();
    assert!(days.windows(2).all(|w| w[0] <= w[1]), "{days:?}");
    // The AES .p12 encrypts its certificates: one clear error each, the scan went on.
    let aes_errors: Vec<_> = report.errors.iter().filter(|e| e.path.ends_with("-aes.p12")).collect();
    assert_eq!(aes_errors.len(), 5);
    assert!(aes_errors.iter().all(|e| e.code == "certs.p12_password_required"));
}

#[test]
fn portal_p12_lists_without_password_and_verifies_with_it() {
    let f = fixture();
    let bytes = std::fs::read(&f.dmp.portal_p12).unwrap();
    let without = read_container(&bytes, None).unwrap();
    assert_eq!(without.integrity, Integrity::Unverified);
    assert_eq!(without.certificates.len(), 3, "leaf, intermediate and root bags");
    assert!(without.certificates[0].has_private_key && !without.certificates[1].has_private_key);

    let good = Sensitive::new(PASSWORD.to_string());
    let with = read_container(&bytes, Some(&good)).unwrap();
    assert_eq!(with.integrity, Integrity::Verified);
    assert!(with.certificates.iter().any(|c| c.has_private_key));

    let wrong = Sensitive::new("wrong".to_string());
    assert_eq!(read_container(&bytes, Some(&wrong)).unwrap_err().code(), "certs.p12_bad_password");

    let aes = std::fs::read(&f.dmp.aes_p12).unwrap();
    assert_eq!(read_container(&aes, None).unwrap_err().code(), "certs.p12_password_required");
    let opened = read_container(&aes, Some(&good)).unwrap();
    assert_eq!((opened.integrity, opened.certificates.len()), (Integrity::Verified, 3));
    assert_eq!(read_container(&aes, Some(&wrong)).unwrap_err().code(), "certs.p12_bad_password");
}

#[test]
fn forged_igc_issuer_is_other_with_a_warning() {
    let f = fixture();
    let report = scan(&[&f.root.join("forged.pem")], &options());
    let forged = by_cn(&report, "FAUX");
    assert_eq!(forged.environment, Environment::Other);
    assert_eq!((forged.offer, forged.usage), (None, None));
    assert_eq!(forged.warnings[0].code, "igc.forged_issuer");
    // Without the test anchors, the same hierarchy's leaves are not trusted either: their
    // issuer's name is the real TEST intermediate's, whose key does not verify them.
    let untrusted = scan(&[&f.dmp.pem], &ScanOptions { extra_anchors: None, ..ScanOptions::default() });
    assert_eq!(untrusted.certificates[0].environment, Environment::Other);
    assert_eq!(untrusted.certificates[0].warnings[0].code, "igc.forged_issuer");
    // A certificate whose claimed IGC-Santé issuer is nowhere to be found.
    let orphan = scan(&[&f.dmp.pem], &ScanOptions { extra_anchors: Some(f.root.join("no-anchors")), ..ScanOptions::default() });
    assert_eq!(orphan.certificates[0].environment, Environment::Other);
}

#[test]
fn real_public_igc_certificates_are_classified() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/igc");
    let ca = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../pki/assets/ca");
    let report = scan(&[&shared, &ca], &ScanOptions { extra_anchors: None, ..ScanOptions::default() });
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let leaf = by_cn(&report, "EMA");
    assert_eq!(leaf.environment, Environment::Test);
    assert_eq!((leaf.offer, leaf.usage), (Some(Offer::Org), Some(Usage::AuthCli)));
    assert_eq!(leaf.structure_kind, StructureKind::Finess);
    assert_eq!(leaf.organization.as_deref(), Some("HOPITAL DES 3. DAMES"));
    assert_eq!(leaf.not_after.to_rfc3339(), "2028-04-03T15:33:00+00:00");
    for cn in ["AC RACINE IGC-SANTE ELEMENTAIRE", "AC IGC-SANTE ELEMENTAIRE ORGANISATIONS", "AC IGC-SANTE FORT PERSONNES"] {
        let ca = by_cn(&report, cn);
        assert_eq!((ca.environment, ca.is_ca, ca.offer), (Environment::Prod, true, None), "{cn}");
    }
    let test_root = by_cn(&report, "TEST AC RACINE IGC-SANTE ELEMENTAIRE");
    assert_eq!(test_root.environment, Environment::Test);
    assert_eq!(report.certificates.len(), 11);
}

#[test]
fn malformed_files_get_errors_and_the_rest_is_listed() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let der = std::fs::read(&f.dmp.der).unwrap();
    std::fs::write(dir.path().join("truncated.cer"), &der[..der.len() - 40]).unwrap();
    std::fs::write(dir.path().join("broken.pem"), "-----BEGIN CERTIFICATE-----\nMIIB%%%\n-----END CERTIFICATE-----\n").unwrap();
    std::fs::write(dir.path().join("empty.crt"), "").unwrap();
    let random: Vec<u8> = (0..5_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(dir.path().join("large.p12"), random).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a certificate, not an error").unwrap();
    std::fs::copy(&f.dmp.pem, dir.path().join("good.pem")).unwrap();
    let mut bad_password = ScanOptions { pkcs12_password: Some(Sensitive::new("faux".to_string())), ..options() };
    bad_password.extra_anchors = options().extra_anchors;
    std::fs::copy(&f.dmp.portal_p12, dir.path().join("portal.p12")).unwrap();
    let report = scan(&[dir.path()], &bad_password);
    let code = |name: &str| report.errors.iter().find(|e| e.path.ends_with(name)).map(|e| e.code.as_str());
    assert_eq!(code("truncated.cer"), Some("certs.der_truncated"));
    assert_eq!(code("broken.pem"), Some("certs.pem_invalid"));
    assert_eq!(code("empty.crt"), Some("certs.empty_file"));
    assert!(matches!(code("large.p12"), Some("certs.der_invalid" | "certs.der_truncated" | "certs.unrecognized_format")));
    assert_eq!(code("portal.p12"), Some("certs.p12_bad_password"));
    assert_eq!(code("notes.txt"), None);
    assert_eq!(report.errors.len(), 5, "{:?}", report.errors);
    assert_eq!(report.certificates.len(), 1);
    assert!(report.errors.iter().all(|e| !e.message.contains("faux")), "no password in messages");
}

#[test]
fn thresholds_are_configurable() {
    let f = fixture();
    let strict = ScanOptions { thresholds: Thresholds { warn_days: 500, crit_days: 450 }, ..options() };
    let report = scan(&[&f.dmp.pem], &strict);
    assert_eq!(report.certificates[0].status, Status::Expiring);
    assert_eq!(report.certificates[0].severity, certisante_pki::view::Severity::Critical);
}

#[test]
fn registry_rescans_only_changed_files() {
    let f = fixture();
    let data = tempfile::tempdir().unwrap();
    let watched = tempfile::tempdir().unwrap();
    std::fs::copy(&f.dmp.pem, watched.path().join("a.pem")).unwrap();
    std::fs::copy(&f.dmp.der, watched.path().join("b.cer")).unwrap();
    let registry = certisante_store::registry::Registry::open(&data.path().join("r.sqlite3")).unwrap();
    registry.add_watch(watched.path()).unwrap();
    let first = registry.scan(&|_| {}).unwrap();
    assert_eq!((first.files_seen, first.files_parsed), (2, 2));
    let listed = registry.list(&options()).unwrap();
    assert_eq!(listed.certificates.len(), 1, "deduplicated by fingerprint");
    assert_eq!(listed.certificates[0].places.len(), 2);
    assert!(listed.certificates[0].first_seen.is_some());

    let second = registry.scan(&|_| {}).unwrap();
    assert_eq!((second.files_parsed, second.files_unchanged), (0, 2));

    std::fs::write(watched.path().join("b.cer"), "garbage").unwrap();
    let third = registry.scan(&|_| {}).unwrap();
    assert_eq!((third.files_parsed, third.files_unchanged), (1, 1));
    let listed = registry.list(&options()).unwrap();
    assert_eq!(listed.certificates[0].places.len(), 1);
    assert_eq!(listed.errors[0].code, "certs.unrecognized_format");

    std::fs::remove_file(watched.path().join("a.pem")).unwrap();
    registry.scan(&|_| {}).unwrap();
    assert!(registry.list(&options()).unwrap().certificates.is_empty());

    // Reopening keeps the watched folder.
    drop(registry);
    let reopened = certisante_store::registry::Registry::open(&data.path().join("r.sqlite3")).unwrap();
    assert_eq!(reopened.watched().unwrap().len(), 1);
}

#[test]
fn nss_database_is_read() {
    if std::process::Command::new("certutil").arg("-H").output().is_err() {
        panic!("certutil (libnss3-tools) is required: the README test command installs it");
    }
    let f = fixture();
    let db = tempfile::tempdir().unwrap();
    let sql = format!("sql:{}", db.path().display());
    let run = |args: &[&str]| {
        let out = std::process::Command::new("certutil").args(args).output().unwrap();
        assert!(out.status.success(), "certutil {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["-N", "-d", &sql, "--empty-password"]);
    run(&["-A", "-d", &sql, "-n", "dmp", "-t", ",,", "-i", f.dmp.pem.to_str().unwrap()]);
    let content = certisante_devices::stores::read_nss_database(db.path()).unwrap();
    assert_eq!(content.certificates.len(), 1);
    assert!(!content.certificates[0].has_private_key);
    let pk12 = std::process::Command::new("pk12util").args(["-i", f.dmp.portal_p12.to_str().unwrap(), "-d", &sql, "-W", PASSWORD]).output().unwrap();
    assert!(pk12.status.success(), "{}", String::from_utf8_lossy(&pk12.stderr));
    let content = certisante_devices::stores::read_nss_database(db.path()).unwrap();
    assert!(content.certificates.iter().any(|c| c.has_private_key), "the imported key is seen");
}

/// A folder holding one real certificate and the links and special files that used to
/// stop or exhaust a scan: links into `/proc`, to `/`, a ladder of links, a FIFO, a link
/// to `/dev/zero`. The scan ends, lists the certificate once, and says what it skipped.
#[test]
#[cfg(target_os = "linux")]
fn hostile_links_and_special_files_never_stop_a_scan() {
    use std::os::unix::fs::symlink;
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::copy(&f.dmp.pem, root.join("dmp.pem")).unwrap();
    symlink("/proc/self", root.join("proc-self")).unwrap();
    symlink("/", root.join("whole-disk")).unwrap();
    symlink("/dev/zero", root.join("zero.pem")).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(root.join("pipe.pem")).status().unwrap().success());
    // A ladder: each rung links twice to the next, 2^20 paths without the visited set.
    for level in 0..20 {
        let rung = root.join(format!("rung{level}"));
        std::fs::create_dir(&rung).unwrap();
        if level > 0 {
            let previous = root.join(format!("rung{}", level - 1));
            symlink(&rung, previous.join("a")).unwrap();
            symlink(&rung, previous.join("b")).unwrap();
        }
    }
    let started = std::time::Instant::now();
    let report = scan(&[root], &options());
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_eq!(report.certificates.len(), 1, "the certificate, once");
    let codes: Vec<(&str, &str)> = report.errors.iter().map(|e| (e.path.rsplit('/').next().unwrap(), e.code.as_str())).collect();
    assert!(codes.contains(&("proc-self", "scan.pseudo_filesystem")), "{codes:?}");
    assert!(codes.contains(&("whole-disk", "scan.link_to_ancestor")), "{codes:?}");
    assert!(codes.contains(&("zero.pem", "scan.pseudo_filesystem")), "{codes:?}");

    // Watched by the registry: what the walk refused is listed too, once per scan, and
    // goes when the walk no longer meets it.
    let data = tempfile::tempdir().unwrap();
    let registry = certisante_store::registry::Registry::open(&data.path().join("registry.sqlite3")).unwrap();
    registry.save_settings(&certisante_store::settings::Settings { include_os_stores: false, ..Default::default() }).unwrap();
    registry.add_watch(root).unwrap();
    for _ in 0..2 {
        registry.scan(&|_| {}).unwrap();
        let listed = registry.list(&options()).unwrap();
        let refused: Vec<&str> = listed.errors.iter().filter(|e| e.code == "scan.pseudo_filesystem").map(|e| e.path.rsplit('/').next().unwrap()).collect();
        assert_eq!(refused, ["proc-self", "zero.pem"], "{:?}", listed.errors);
    }
    std::fs::remove_file(root.join("proc-self")).unwrap();
    registry.scan(&|_| {}).unwrap();
    let listed = registry.list(&options()).unwrap();
    assert!(!listed.errors.iter().any(|e| e.path.ends_with("proc-self")), "{:?}", listed.errors);

    // Named directly, a FIFO and a device are refused with a code, without blocking.
    let direct = scan(&[&root.join("pipe.pem"), Path::new("/dev/zero")], &options());
    let codes: Vec<&str> = direct.errors.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["file.special", "file.special"], "{:?}", direct.errors);
}

#[test]
fn connections_migrating_a_fresh_registry_together_all_succeed() {
    // Eight connections open the same new registry at the same moment (the CLI's test does
    // it with processes): the migrations run once, under the write lock; the others wait,
    // then find them done.
    let data = tempfile::tempdir().unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let path = data.path().join("registry.sqlite3");
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                certisante_store::registry::Registry::open(&path).map(|_| ()).map_err(|e| e.to_string())
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap().expect("every opener succeeds");
    }
    let registry = certisante_store::registry::Registry::open(&data.path().join("registry.sqlite3")).unwrap();
    assert!(registry.watched().unwrap().is_empty());
}

#[test]
fn a_registry_from_a_newer_version_is_refused_and_left_untouched() {
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join("registry.sqlite3");
    drop(certisante_store::registry::Registry::open(&path).unwrap());
    set_user_version(&path, 99);
    let error = certisante_store::registry::Registry::open(&path).err().expect("refused");
    assert_eq!(error.code(), "registry.newer_schema");
    assert!(error.to_string().contains("schema 99"), "{error}");
    assert_eq!(set_user_version(&path, 99), 99, "the version is left as it was");
}

/// Sets the database's user_version with the sqlite3 tool (as a newer CertiSanté would
/// have), and reads it back.
fn set_user_version(path: &Path, version: u32) -> u32 {
    let set = std::process::Command::new("sqlite3").arg(path).arg(format!("PRAGMA user_version = {version};")).status().unwrap();
    assert!(set.success());
    let out = std::process::Command::new("sqlite3").arg(path).arg("PRAGMA user_version;").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

#[test]
fn corrupt_settings_are_an_error_never_a_silent_reset() {
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join("registry.sqlite3");
    let registry = certisante_store::registry::Registry::open(&path).unwrap();
    registry.save_settings(&certisante_store::settings::Settings { read_only: true, ..Default::default() }).unwrap();
    drop(registry);
    let status =
        std::process::Command::new("sqlite3").arg(&path).arg("UPDATE settings SET value = '{\"read_only\": tru' WHERE key = 'settings';").status().unwrap();
    assert!(status.success());
    let registry = certisante_store::registry::Registry::open(&path).unwrap();
    assert_eq!(registry.settings().unwrap_err().code(), "registry.corrupt_settings");
}
