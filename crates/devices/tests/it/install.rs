//! Install targets checked with the real tools: OpenSSL 3 reads our .p12 and PEM files,
//! pk12util/certutil import into a fresh NSS database, and the core's own readers read
//! both back.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use base64::Engine;
use certisante_devices::install::{self, export_p12, write_file_atomically, write_pem_files, P12Encryption};
use certisante_pki::certs::{read_container, Integrity};
use certisante_pki::Sensitive;
use certisante_testpki::{Hierarchy, LeafSpec, Usage};

const PASSWORD: &str = "Mot de passe d'export é";

struct Fixture {
    /// PKCS#8 DER of the leaf's key.
    key: Vec<u8>,
    /// Leaf, intermediate, root.
    chain: Vec<Vec<u8>>,
    root_pem: String,
    /// A key of another certificate.
    other_key: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let hierarchy = Hierarchy::new();
        let leaf = hierarchy.issue(&LeafSpec::new(Usage::AuthCli, "DMP", 400));
        let other = hierarchy.issue(&LeafSpec::new(Usage::AuthCli, "INSI-AUTO", 400));
        let mut chain = vec![leaf.cert_der.clone()];
        chain.extend(read_container(hierarchy.chain_pem().as_bytes(), None).unwrap().certificates.into_iter().map(|c| c.der));
        Fixture { key: pkcs8_der(&leaf.key_pem), chain, root_pem: hierarchy.root_pem(), other_key: pkcs8_der(&other.key_pem) }
    })
}

fn pkcs8_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD.decode(body).unwrap()
}

fn key() -> Sensitive<Vec<u8>> {
    Sensitive::new(fixture().key.clone())
}

fn password() -> Sensitive<String> {
    Sensitive::new(PASSWORD.to_string())
}

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program).args(args).env("LC_ALL", "C").output().unwrap_or_else(|e| panic!("{program} is installed: {e}"))
}

fn ok(program: &str, args: &[&str]) -> String {
    let out = run(program, args);
    assert!(out.status.success(), "{program} {args:?}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Writes the .p12 and a password file next to it; returns their paths.
fn p12_on_disk(dir: &Path, encryption: P12Encryption) -> (PathBuf, PathBuf) {
    let p12 = export_p12(&key(), &fixture().chain, &password(), encryption, "DMP CH Test").unwrap();
    let (file, pw) = (dir.join("export.p12"), dir.join("pw"));
    std::fs::write(&file, p12.expose()).unwrap();
    std::fs::write(&pw, PASSWORD).unwrap();
    (file, pw)
}

#[test]
fn openssl_reads_both_protections_with_the_expected_algorithms() {
    for (encryption, expected) in [
        (
            P12Encryption::Modern,
            [
                "MAC: sha256, Iteration 10000",
                "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256",
                "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256",
            ],
        ),
        (
            P12Encryption::Legacy,
            [
                "MAC: sha1, Iteration 2048",
                "PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048",
                "Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048",
            ],
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (file, pw) = p12_on_disk(dir.path(), encryption);
        let passin = format!("file:{}", s(&pw));
        // No -legacy: OpenSSL 3's default provider has 3DES (only RC2 and RC4 moved out).
        let info = ok("openssl", &["pkcs12", "-info", "-noout", "-in", s(&file), "-passin", &passin]);
        for line in expected {
            assert!(info.contains(line), "{encryption:?}: {line:?} missing from\n{info}");
        }
        // friendlyName and localKeyID on the key and the leaf only.
        let bags = ok("openssl", &["pkcs12", "-info", "-nodes", "-in", s(&file), "-passin", &passin]);
        assert_eq!(bags.matches("friendlyName: DMP CH Test").count(), 2, "{bags}");
        assert_eq!(bags.matches("localKeyID:").count(), 2, "{bags}");

        let certs_pem = ok("openssl", &["pkcs12", "-nokeys", "-in", s(&file), "-passin", &passin]);
        let certs: Vec<Vec<u8>> = read_container(certs_pem.as_bytes(), None).unwrap().certificates.into_iter().map(|c| c.der).collect();
        assert_eq!(certs, fixture().chain, "{encryption:?}: the same certificates, leaf first");

        let key_file = dir.path().join("key.pem");
        ok("openssl", &["pkcs12", "-nocerts", "-nodes", "-in", s(&file), "-passin", &passin, "-out", s(&key_file)]);
        let cert_file = dir.path().join("leaf.pem");
        ok("openssl", &["pkcs12", "-nokeys", "-clcerts", "-in", s(&file), "-passin", &passin, "-out", s(&cert_file)]);
        let key_spki = ok("openssl", &["pkey", "-in", s(&key_file), "-pubout"]);
        let cert_spki = ok("openssl", &["x509", "-in", s(&cert_file), "-pubkey", "-noout"]);
        assert_eq!(key_spki, cert_spki, "{encryption:?}: the key is the leaf's");

        std::fs::write(&pw, "wrong password").unwrap();
        assert!(!run("openssl", &["pkcs12", "-info", "-noout", "-in", s(&file), "-passin", &passin]).status.success());
    }
}

#[test]
fn our_reader_verifies_the_mac_and_pairs_key_and_leaf() {
    for encryption in [P12Encryption::Modern, P12Encryption::Legacy] {
        let p12 = export_p12(&key(), &fixture().chain, &password(), encryption, "DMP").unwrap();
        let container = read_container(p12.expose(), Some(&password())).unwrap();
        assert_eq!(container.integrity, Integrity::Verified, "{encryption:?}");
        let ders: Vec<&Vec<u8>> = container.certificates.iter().map(|c| &c.der).collect();
        assert_eq!(ders, fixture().chain.iter().collect::<Vec<_>>());
        let keys: Vec<bool> = container.certificates.iter().map(|c| c.has_private_key).collect();
        assert_eq!(keys, [true, false, false], "{encryption:?}");
        let wrong = read_container(p12.expose(), Some(&Sensitive::new("nope".to_string()))).unwrap_err();
        assert_eq!(wrong.code(), "certs.p12_bad_password");
        // Certificates are encrypted too: without the password, the file says so.
        assert_eq!(read_container(p12.expose(), None).unwrap_err().code(), "certs.p12_password_required");
    }
}

#[test]
fn a_key_that_is_not_the_leafs_is_refused() {
    let other = Sensitive::new(fixture().other_key.clone());
    let err = export_p12(&other, &fixture().chain, &password(), P12Encryption::Modern, "x").unwrap_err();
    assert_eq!(err.code(), "install.key_mismatch");
    assert!(err.to_string().contains("CN=DMP"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let err = write_pem_files(dir.path(), "dmp", &other, &fixture().chain, false).unwrap_err();
    assert_eq!(err.code(), "install.key_mismatch");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
    let garbage = Sensitive::new(vec![0x30, 0x03, 0x02, 0x01, 0x00]);
    assert_eq!(export_p12(&garbage, &fixture().chain, &password(), P12Encryption::Modern, "x").unwrap_err().code(), "install.key_invalid");
    let empty = Sensitive::new(String::new());
    assert_eq!(export_p12(&key(), &fixture().chain, &empty, P12Encryption::Modern, "x").unwrap_err().code(), "install.password_invalid");
}

#[test]
fn pem_files_are_what_openssl_expects() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_pem_files(dir.path(), "dmp", &key(), &fixture().chain, false).unwrap();
    assert_eq!(files.key, dir.path().join("dmp-key.pem"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&files.key), 0o600);
        assert_eq!(mode(&files.certificate), 0o644);
    }
    let check = ok("openssl", &["pkey", "-check", "-noout", "-in", s(&files.key)]);
    assert!(check.contains("Key is valid"), "{check}");
    let root = dir.path().join("root.pem");
    std::fs::write(&root, &fixture().root_pem).unwrap();
    let verified = ok("openssl", &["verify", "-CAfile", s(&root), "-untrusted", s(&files.chain), s(&files.certificate)]);
    assert!(verified.contains(": OK"), "{verified}");
    ok("openssl", &["verify", "-CAfile", s(&root), "-untrusted", s(&files.full_chain), s(&files.certificate)]);
    let full = read_container(&std::fs::read(&files.full_chain).unwrap(), None).unwrap();
    assert_eq!(full.certificates.len(), 3);
    assert!(full.certificates.iter().all(|c| !c.has_private_key));

    // Nothing is replaced without the flag, and nothing is left behind either way.
    let before = std::fs::read(&files.key).unwrap();
    let err = write_pem_files(dir.path(), "dmp", &key(), &fixture().chain, false).unwrap_err();
    assert_eq!(err.code(), "install.exists");
    assert_eq!(std::fs::read(&files.key).unwrap(), before);
    write_pem_files(dir.path(), "dmp", &key(), &fixture().chain, true).unwrap();
    let names: Vec<String> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 5, "4 files and root.pem, no temporary file: {names:?}");
    assert_eq!(write_pem_files(dir.path(), "../dmp", &key(), &fixture().chain, true).unwrap_err().code(), "install.invalid_name");
}

// ------------------------------------------------------------ full disk, read-only folder
//
// Neither can be made without root in this folder: each runs a child test of this binary
// in a private mount namespace (`unshare -rm`, an unprivileged user namespace) over a
// tiny or read-only tmpfs. Where user namespaces are off, the read-only case falls back to
// a 0555 folder (which root ignores) and the full disk to the unit test of the errno
// mapping (install::tests).

const CHILD_DIR: &str = "CERTISANTE_INSTALL_CHILD_DIR";
const CHILD_RAN: &str = "CHILD-RAN";

/// Runs `child` in a mount namespace where the child's folder is a tmpfs mounted with
/// `options`; `None` when the namespace cannot be made here.
fn in_mount_namespace(child: &str, options: &str) -> Option<Output> {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let child = test_name(child);
    let script = format!(r#"mount -t tmpfs -o {options} certisante-test "$1" && exec "$2" --exact {child} --nocapture --test-threads=1"#);
    let out = Command::new("unshare").args(["-rm", "sh", "-c", &script, "sh", s(dir.path()), s(&exe)]).env(CHILD_DIR, dir.path()).output().ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !stdout.contains(CHILD_RAN) {
        eprintln!("no private mount namespace here ({}): skipped", String::from_utf8_lossy(&out.stderr).trim());
        return None;
    }
    Some(out)
}

/// A test's name as the test binary knows it: the binary holds every module of the crate's
/// tests, so the name is given in full (a bare one would run nothing, silently).
fn test_name(name: &str) -> String {
    format!("{}::{name}", module_path!().split_once("::").map_or(module_path!(), |(_, module)| module))
}

fn assert_child_passed(out: &Output) {
    assert!(out.status.success(), "child failed:\n{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// The child side: only does something when started by `in_mount_namespace`.
fn child_dir() -> Option<PathBuf> {
    let dir = std::env::var_os(CHILD_DIR)?;
    println!("{CHILD_RAN}");
    Some(dir.into())
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

#[test]
fn child_full_disk() {
    let Some(dir) = child_dir() else { return };
    let target = dir.join("big.p12");
    let err = write_file_atomically(&target, &vec![0x42; 1 << 20], true, false).unwrap_err();
    assert_eq!(err.code(), "install.disk_full", "{err}");
    assert!(err.to_string().contains("big.p12"), "{err}");
    assert_eq!(entries(&dir), Vec::<String>::new(), "nothing left behind");
}

#[test]
fn child_read_only_folder() {
    let Some(dir) = child_dir() else { return };
    let err = write_file_atomically(&dir.join("dmp.p12"), b"data", true, false).unwrap_err();
    assert_eq!(err.code(), "install.permission_denied", "{err}");
    assert_eq!(entries(&dir), Vec::<String>::new());
}

#[test]
fn a_full_disk_leaves_nothing_and_says_so() {
    if let Some(out) = in_mount_namespace("child_full_disk", "size=64k") {
        assert_child_passed(&out);
    }
}

#[test]
fn a_read_only_folder_leaves_nothing_and_says_so() {
    if let Some(out) = in_mount_namespace("child_read_only_folder", "ro") {
        assert_child_passed(&out);
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let dir = tempfile::tempdir().unwrap();
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
            let result = write_file_atomically(&dir.path().join("dmp.p12"), b"data", true, false);
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            match result {
                Err(err) => assert_eq!(err.code(), "install.permission_denied"),
                Ok(()) => eprintln!("running as root: a 0555 folder is writable, skipped"),
            }
        }
    }
}

// ------------------------------------------------------------ NSS

fn nss_tools() -> bool {
    let found = Command::new("pk12util").arg("-h").output().is_ok() && Command::new("certutil").arg("-H").output().is_ok();
    if !found {
        eprintln!("libnss3-tools missing: NSS import not tested");
    }
    found
}

#[test]
fn nss_import_lists_the_nickname_and_the_key() {
    if !nss_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nssdb");
    std::fs::create_dir(&db).unwrap();
    let sql = format!("sql:{}", s(&db));
    ok("certutil", &["-N", "-d", &sql, "--empty-password"]);
    // A portal-like file (3DES) whose friendlyName is not the nickname asked for.
    let p12 = export_p12(&key(), &fixture().chain, &password(), P12Encryption::Legacy, "asip-p12-EL-TEST-ORG").unwrap();
    let nickname = "CertiSanté DMP";
    install::install_nss(&db, &p12, &password(), nickname).unwrap();

    let listed = ok("certutil", &["-L", "-d", &sql]);
    assert!(listed.contains(nickname), "{listed}");
    let keys = ok("certutil", &["-K", "-d", &sql]);
    assert!(keys.contains(nickname), "{keys}");
    let leaf = ok("certutil", &["-L", "-d", &sql, "-n", nickname, "-a"]);
    assert_eq!(read_container(leaf.as_bytes(), None).unwrap().certificates[0].der, fixture().chain[0]);

    let store = certisante_devices::stores::read_nss_database(&db).unwrap();
    let found = store.certificates.iter().find(|c| c.der == fixture().chain[0]).expect("the leaf is in the store");
    assert!(found.has_private_key, "the core's NSS reader sees its key");
}

#[test]
fn nss_import_creates_a_missing_database_and_refuses_a_wrong_password() {
    if !nss_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new/nssdb");
    let p12 = export_p12(&key(), &fixture().chain, &password(), P12Encryption::Modern, "DMP").unwrap();
    let err = install::install_nss(&db, &p12, &Sensitive::new("wrong".to_string()), "DMP").unwrap_err();
    assert_eq!(err.code(), "install.p12_bad_password");
    assert!(!db.exists(), "nothing created for a file that cannot be opened");
    install::install_nss(&db, &p12, &password(), "DMP").unwrap();
    assert!(db.join("cert9.db").is_file() && db.join("key4.db").is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&db).unwrap().permissions().mode() & 0o777, 0o700);
    }
    let store = certisante_devices::stores::read_nss_database(&db).unwrap();
    assert_eq!(store.certificates.iter().filter(|c| c.has_private_key).count(), 1);
    // Again: the same certificate under the same nickname is fine...
    install::install_nss(&db, &p12, &password(), "DMP").unwrap();
    // ...but NSS keeps one nickname per subject, and says nothing: we do.
    let err = install::install_nss(&db, &p12, &password(), "Another name").unwrap_err();
    assert_eq!(err.code(), "install.nss_failed");
    assert!(err.to_string().contains("another nickname"), "{err}");
}

/// Imports into a new database protected by a password of its own: refused, with a
/// message that says why.
fn refused_by_protected_database(dir: &Path) {
    let db = dir.join("nssdb");
    std::fs::create_dir(&db).unwrap();
    let db_password = dir.join("dbpw");
    std::fs::write(&db_password, "mot de passe de la base\n").unwrap();
    ok("certutil", &["-N", "-d", &format!("sql:{}", s(&db)), "-f", s(&db_password)]);
    let p12 = export_p12(&key(), &fixture().chain, &password(), P12Encryption::Modern, "DMP").unwrap();
    let err = install::install_nss(&db, &p12, &password(), "DMP").unwrap_err();
    assert_eq!(err.code(), "install.nss_failed");
    assert!(err.to_string().contains("protected by its own password"), "{err}");
}

#[test]
fn child_protected_database_under_a_terminal() {
    let Some(dir) = child_dir() else { return };
    refused_by_protected_database(&dir);
}

#[test]
fn nss_database_with_its_own_password_is_refused_without_prompting() {
    if !nss_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Under a terminal pk12util asks for the database's password and waits: run the
    // import in a child with a pseudo-terminal (util-linux `script`), bounded in time.
    let exe = std::env::current_exe().unwrap();
    let command = format!("timeout 60 {} --exact {} --nocapture --test-threads=1", s(&exe), test_name("child_protected_database_under_a_terminal"));
    match Command::new("script").args(["-qec", &command, "/dev/null"]).env(CHILD_DIR, dir.path()).stdin(std::process::Stdio::null()).output() {
        Ok(out) if String::from_utf8_lossy(&out.stdout).contains(CHILD_RAN) => {
            assert!(out.status.success(), "child under a terminal failed or waited:\n{}", String::from_utf8_lossy(&out.stdout));
        }
        _ => {
            eprintln!("no `script` to give the child a terminal: checked without one");
            refused_by_protected_database(dir.path());
        }
    }
}
