//! `certisante-testpki portal ...` as a process, against requests OpenSSL makes itself.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_certisante-testpki");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(program: &str, args: &[&str]) -> Run {
    let out = Command::new(program).args(args).output().unwrap();
    Run { code: out.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&out.stdout).into(), stderr: String::from_utf8_lossy(&out.stderr).into() }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A request made by OpenSSL, subject laid out like the real certificates'.
fn openssl_request(dir: &Path, cn: &str) -> std::path::PathBuf {
    let csr = dir.join(format!("{cn}.csr"));
    let subject = format!("/C=FR/ST=Paris (75)/O=CLINIQUE DE TEST/OU=318751275100020/CN={cn}");
    let made = run(
        "openssl",
        &["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", s(&dir.join(format!("{cn}.key"))), "-subj", &subject, "-utf8", "-out", s(&csr)],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    csr
}

#[test]
fn portal_init_sign_and_refusals() {
    let tmp = tempfile::tempdir().unwrap();
    let portal = tmp.path().join("portal");
    let init = run(BIN, &["portal", "init", s(&portal)]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert_eq!(init.stdout.trim(), s(&portal.join("anchors")));
    for file in [
        "ca/ACR-EL-TEST.pem",
        "ca/ACR-EL-TEST.key",
        "ca/ACI-EL-ORG-TEST.pem",
        "ca/ACI-EL-ORG-TEST.key",
        "chain.pem",
        "anchors/test/ACR-EL-TEST.pem",
        "anchors/test/ACI-EL-ORG-TEST.pem",
    ] {
        assert!(portal.join(file).is_file(), "{file}");
    }
    let again = run(BIN, &["portal", "init", s(&portal)]);
    assert_eq!(again.code, 1, "a portal CA is never overwritten");
    assert!(again.stderr.contains("portal.exists"), "{}", again.stderr);

    let csr = openssl_request(tmp.path(), "DMP");
    let chain = portal.join("chain.pem");
    let cert = tmp.path().join("dmp.pem");
    let signed = run(BIN, &["portal", "sign", s(&portal), "--csr", s(&csr), "--offer", "ORG", "--usage", "AUTH_CLI", "--out", s(&cert)]);
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    let verify = run("openssl", &["verify", "-CAfile", s(&chain), s(&cert)]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
    let subject = run("openssl", &["x509", "-in", s(&cert), "-noout", "-subject", "-nameopt", "RFC2253"]);
    assert_eq!(subject.stdout.trim(), "subject=CN=DMP,OU=318751275100020,O=CLINIQUE DE TEST,ST=Paris (75),C=FR");
    let text = run("openssl", &["x509", "-in", s(&cert), "-noout", "-text"]).stdout;
    assert!(text.contains("TLS Web Client Authentication") && text.contains("Digital Signature"), "{text}");

    // --chain, the formats, --days.
    let bundle = tmp.path().join("bundle.pem");
    let signed =
        run(BIN, &["portal", "sign", s(&portal), "--csr", s(&csr), "--offer", "ORG", "--usage", "SIGN", "--out", s(&bundle), "--chain", "--days", "10"]);
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    assert_eq!(std::fs::read_to_string(&bundle).unwrap().matches("BEGIN CERTIFICATE").count(), 3);
    let pem = std::fs::read(&bundle).unwrap();
    let (_, block) = x509_parser::pem::parse_x509_pem(&pem).unwrap();
    let leaf = block.parse_x509().unwrap();
    assert_eq!(leaf.validity().not_after.timestamp() - leaf.validity().not_before.timestamp(), 10 * 86400);
    let text = run("openssl", &["x509", "-in", s(&bundle), "-noout", "-text"]).stdout;
    assert!(text.contains("Private Key Usage Period") && text.contains("Non Repudiation"), "{text}");

    let der = tmp.path().join("dmp.cer");
    assert_eq!(
        run(BIN, &["portal", "sign", s(&portal), "--csr", s(&csr), "--offer", "ORG", "--usage", "AUTH_CLI", "--out", s(&der), "--format", "der"]).code,
        0
    );
    assert_eq!(run("openssl", &["x509", "-inform", "DER", "-in", s(&der), "-noout"]).code, 0);
    let refused =
        run(BIN, &["portal", "sign", s(&portal), "--csr", s(&csr), "--offer", "ORG", "--usage", "AUTH_CLI", "--out", s(&der), "--format", "der", "--chain"]);
    assert!(refused.code == 1 && refused.stderr.contains("portal.der_chain"), "{}", refused.stderr);
    let p7b = tmp.path().join("dmp.p7b");
    assert_eq!(
        run(BIN, &["portal", "sign", s(&portal), "--csr", s(&csr), "--offer", "ORG", "--usage", "AUTH_CLI", "--out", s(&p7b), "--format", "p7b", "--chain"])
            .code,
        0
    );
    let certs = run("openssl", &["pkcs7", "-inform", "DER", "-in", s(&p7b), "-print_certs", "-noout"]);
    assert_eq!(certs.stdout.matches("subject=").count(), 3, "{}", certs.stdout);

    let unknown = run(BIN, &["portal", "sign", s(&portal), "--csr", s(&csr), "--offer", "ORG", "--usage", "SSL_SERV", "--out", s(&der)]);
    assert!(unknown.code == 1 && unknown.stderr.contains("portal.unknown_profile"), "{}", unknown.stderr);

    // A request whose signature no longer matches: its last byte flipped.
    let der_csr = tmp.path().join("dmp-csr.der");
    assert_eq!(run("openssl", &["req", "-in", s(&csr), "-outform", "DER", "-out", s(&der_csr)]).code, 0);
    let mut bytes = std::fs::read(&der_csr).unwrap();
    *bytes.last_mut().unwrap() ^= 0x01;
    let tampered = tmp.path().join("tampered.der");
    std::fs::write(&tampered, bytes).unwrap();
    let out = tmp.path().join("never.pem");
    let refused = run(BIN, &["portal", "sign", s(&portal), "--csr", s(&tampered), "--offer", "ORG", "--usage", "AUTH_CLI", "--out", s(&out)]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("portal.csr_bad_signature"), "{}", refused.stderr);
    assert!(!out.exists());
}

#[test]
fn portal_p12_is_like_the_platforms() {
    let tmp = tempfile::tempdir().unwrap();
    let portal = tmp.path().join("portal");
    assert_eq!(run(BIN, &["portal", "init", s(&portal)]).code, 0);
    let password = tmp.path().join("pw");
    std::fs::write(&password, "secret du portail\n").unwrap();
    let p12 = run(
        BIN,
        &[
            "portal",
            "p12",
            s(&portal),
            "--offer",
            "SERV",
            "--usage",
            "SSL_SERV",
            "--org",
            "CLINIQUE DE TEST",
            "--ou",
            "318751275100020",
            "--state",
            "Corse-du-Sud (2A)",
            "--cn",
            "portail.clinique-test.fr",
            "--password-file",
            s(&password),
            "--out",
            s(tmp.path()),
        ],
    );
    assert_eq!(p12.code, 0, "{}", p12.stderr);
    let path = p12.stdout.trim().to_string();
    let name = Path::new(&path).file_name().unwrap().to_str().unwrap().to_string();
    assert!(name.starts_with("asip-p12-EL-TEST-SERV-SSL_SERV-") && name.ends_with(".p12"), "{name}");
    let info = run("openssl", &["pkcs12", "-in", &path, "-info", "-noout", "-passin", &format!("file:{}", s(&password))]);
    assert_eq!(info.code, 0, "{}", info.stderr);
    assert!(info.stderr.contains("Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048"), "{}", info.stderr);
    let wrong = run("openssl", &["pkcs12", "-in", &path, "-info", "-noout", "-passin", "pass:wrong"]);
    assert_ne!(wrong.code, 0);
    let certs = run("openssl", &["pkcs12", "-in", &path, "-nokeys", "-passin", &format!("file:{}", s(&password))]);
    assert_eq!(certs.stdout.matches("BEGIN CERTIFICATE").count(), 3, "leaf, ACI and ACR: {}", certs.stdout);

    let out = tmp.path().join("named.p12");
    let named = run(
        BIN,
        &[
            "portal",
            "p12",
            s(&portal),
            "--offer",
            "ORG",
            "--usage",
            "CONF",
            "--org",
            "CH",
            "--ou",
            "11B0073160",
            "--state",
            "Paris (75)",
            "--cn",
            "MSSANTE",
            "--password-file",
            s(&password),
            "--out",
            s(&out),
        ],
    );
    assert_eq!(named.code, 0, "{}", named.stderr);
    assert!(out.is_file());
}
