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
