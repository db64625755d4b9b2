//! Hostile files (issue 13): each listed alone, each must give its coded error in the JSON
//! and a normal exit, never a crash (these aborted the process with a stack overflow).
//! Needs no harness: listing paths touches neither the registry nor the keyring.

use std::path::Path;
use std::process::{Command, Output};

use base64::Engine;
use certisante_pki::der::{self, write};

fn list_json(path: &Path, data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_certisante")).args(["list", "--json", path.to_str().unwrap()]).env("CERTISANTE_DATA_DIR", data_dir).output().unwrap()
}

/// `30 80` repeated: SEQUENCEs of indefinite length nested half a million deep (1 MB).
fn nested_indefinite() -> Vec<u8> {
    [0x30, 0x80].repeat(1 << 19)
}

/// A PKCS#12 whose authSafe is 200,000 constructed OCTET STRINGs nested in each other.
fn nested_octet_strings_p12() -> Vec<u8> {
    let octets = (0..200_000).fold(write::octet_string(b"A"), |inner, _| write::tlv(der::OCTET_STRING_CONSTRUCTED, &inner));
    let content_info = write::sequence(&[&write::oid(der::oid::DATA), &write::explicit(0, &octets)]);
    write::sequence(&[&write::integer(3), &content_info])
}

fn pem(label: &str, der: &[u8]) -> Vec<u8> {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n")).into_bytes()
}

#[test]
fn hostile_files_give_a_coded_error_and_a_normal_exit() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let files = [
        ("nested.der", nested_indefinite(), "certs.der_too_deep"),
        ("nested-pkcs7.pem", pem("PKCS7", &nested_indefinite()), "certs.der_too_deep"),
        ("nested-octets.p12", nested_octet_strings_p12(), "certs.der_too_deep"),
    ];
    for (name, bytes, code) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = list_json(&path, data.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.code().is_some(), "{name}: killed by a signal: {stderr}");
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: no JSON ({e}): {stderr}"));
        let errors = value["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{name}: {value}");
        assert_eq!(errors[0]["code"], code, "{name}");
        assert!(errors[0]["path"].as_str().unwrap().ends_with(name));
        assert_eq!(value["certificates"].as_array().unwrap().len(), 0);
    }
}

/// A folder whose name is not UTF-8 (possible on Linux): listed when named or found inside a
/// watched folder; watching it by that name is refused with a code, since the registry keeps
/// paths as text (this panicked the CLI: a lossy display name looked up as the key just
/// inserted).
#[test]
fn a_folder_whose_name_is_not_utf8_is_listed_never_a_panic() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let root = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let folder = root.path().join(OsStr::from_bytes(b"dossier-\xff\xfe"));
    std::fs::create_dir(&folder).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/igc/TEST-ORG-AUTH_CLI-leaf.pem");
    std::fs::copy(&sample, folder.join("leaf.pem")).unwrap();
    let certisante = |args: &[&OsStr]| Command::new(env!("CARGO_BIN_EXE_certisante")).args(args).env("CERTISANTE_DATA_DIR", data.path()).output().unwrap();
    let listed = |out: Output| -> serde_json::Value {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let direct = listed(certisante(&["list".as_ref(), "--json".as_ref(), folder.as_os_str()]));
    assert_eq!(direct["certificates"].as_array().unwrap().len(), 1, "{direct}");

    let refused = certisante(&["watch".as_ref(), "add".as_ref(), folder.as_os_str()]);
    assert!(matches!(refused.status.code(), Some(1 | 3)), "an error exit, not a crash: {:?}", refused.status);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("(registry.path_not_text)"));

    // Inside a watched folder, the scan reads it like any other.
    assert!(certisante(&["watch".as_ref(), "add".as_ref(), root.path().as_os_str()]).status.success());
    assert!(certisante(&["scan".as_ref()]).status.success());
    let registry = listed(certisante(&["list".as_ref(), "--json".as_ref()]));
    assert_eq!(registry["certificates"].as_array().unwrap().len(), 1, "{registry}");
}
