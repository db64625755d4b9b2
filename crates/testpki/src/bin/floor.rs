//! `floor DIR [THREADS] [verify]`: the floor `certisante list` is measured against in
//! `bench/list.sh` — bare x509-parser parsing of the corpus's certificates, in process.
//!
//! What it measures, from process start to exit (the script times the whole process):
//! 1. listing `DIR/certs/` (one `read_dir`, names sorted);
//! 2. reading every file whole (`std::fs::read`), the same bytes `certisante list` reads;
//! 3. extracting the certificates' DER the simplest way: `.cer` files are taken as they
//!    are; `.pem` files go through a minimal scan for `-----BEGIN CERTIFICATE-----` blocks
//!    and a minimal base64 decoder; the bytes of `.p7b` and `.p12` files are read but not
//!    walked: their certificates come from `DIR/floor.der`, extracted once at corpus time
//!    (read here as one file and split by DER length headers);
//! 4. `x509_parser::parse_x509_certificate` on every one of these certificates, once
//!    (14,000 for a 10,000-file corpus: the leaves, plus the intermediate of every
//!    `.p7b` and the intermediate and root of every `.p12`), touching `not_after`.
//!
//! Not measured, because the floor does not do it: walking the PKCS#7 and PKCS#12
//! structures, deduplication (SHA-256), extracting the facts of each certificate,
//! signature verification of chains, building views, JSON output.
//!
//! THREADS = 1 (default) runs everything on the main thread; THREADS > 1 runs steps 2–4
//! on a rayon pool of that many threads, like `certisante list` does with its files.
//! A summary goes to stderr, including the in-process time (without process start-up).
//!
//! With `verify` (a second reference, not the floor): steps 1–4 on the pool (all the
//! certificates kept in memory), then 5. the signature of every certificate that is not
//! a CA is verified with the key of the CA certificate whose subject is its issuer
//! (x509-parser's `verify_signature`, ring: 10,000 RSA-2048 verifications for 10,000
//! files) — the one cryptographic operation `certisante list` cannot avoid when it
//! verifies chains (it verifies each distinct certificate once; the intermediate once).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let verify = args.last().is_some_and(|a| a == "verify");
    if verify {
        args.pop();
    }
    let threads = args.get(1).map(|t| t.parse::<usize>().ok().filter(|&t| t > 0));
    let (dir, threads) = match (args.first(), threads, args.len()) {
        (Some(dir), None, 1) => (PathBuf::from(dir), 1),
        (Some(dir), Some(Some(t)), 2) => (PathBuf::from(dir), t),
        _ => {
            eprintln!("usage: floor DIR [THREADS] [verify]   (DIR as written by `corpus`)");
            std::process::exit(2);
        }
    };
    if verify {
        return parse_and_verify(&dir, threads);
    }
    let started = Instant::now();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("certs")).expect("DIR/certs is readable").map(|e| e.expect("directory entry").path()).collect();
    files.sort();

    let (certificates, parsed, checksum) = if threads == 1 {
        let (mut certificates, mut parsed, mut checksum) = (0, 0, 0i64);
        let mut count = |der: &[u8]| {
            certificates += 1;
            if let Some(t) = parse(der) {
                parsed += 1;
                checksum = checksum.wrapping_add(t);
            }
        };
        for file in &files {
            for der in file_certificates(file) {
                count(&der);
            }
        }
        let containers = std::fs::read(dir.join("floor.der")).expect("DIR/floor.der is readable");
        for der in split_der(&containers) {
            count(der);
        }
        (certificates, parsed, checksum)
    } else {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let tally = |ders: &mut dyn Iterator<Item = &[u8]>| {
                ders.fold((0usize, 0usize, 0i64), |(c, p, s), der| match parse(der) {
                    Some(t) => (c + 1, p + 1, s.wrapping_add(t)),
                    None => (c + 1, p, s),
                })
            };
            let add = |a: (usize, usize, i64), b: (usize, usize, i64)| (a.0 + b.0, a.1 + b.1, a.2.wrapping_add(b.2));
            let from_files = files
                .par_iter()
                .map(|file| {
                    let ders = file_certificates(file);
                    tally(&mut ders.iter().map(Vec::as_slice))
                })
                .reduce(|| (0, 0, 0), add);
            let containers = std::fs::read(dir.join("floor.der")).expect("DIR/floor.der is readable");
            let slices: Vec<&[u8]> = split_der(&containers).collect();
            let from_containers = slices.par_iter().map(|der| tally(&mut std::iter::once(*der))).reduce(|| (0, 0, 0), add);
            add(from_files, from_containers)
        })
    };
    eprintln!(
        "floor: threads={threads} files={} certificates={certificates} parsed={parsed} in {:.1} ms (in process) checksum={checksum}",
        files.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    if parsed != certificates {
        std::process::exit(1);
    }
}

/// Step 5: every certificate parsed and kept, then the non-CA ones verified.
fn parse_and_verify(dir: &Path, threads: usize) {
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let (files, certificates, parsed, verified) = pool.install(|| {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(dir.join("certs")).expect("DIR/certs is readable").map(|e| e.expect("directory entry").path()).collect();
        files.sort();
        let mut ders: Vec<Vec<u8>> = files.par_iter().flat_map_iter(|file| file_certificates(file)).collect();
        let containers = std::fs::read(dir.join("floor.der")).expect("DIR/floor.der is readable");
        ders.extend(split_der(&containers).map(<[u8]>::to_vec));
        let certs: Vec<_> = ders.par_iter().filter_map(|der| x509_parser::parse_x509_certificate(der).ok().map(|(_, c)| c)).collect();
        let issuers: HashMap<&[u8], _> = certs.iter().filter(|c| c.is_ca()).map(|c| (c.subject().as_raw(), c.public_key())).collect();
        let verified = certs
            .par_iter()
            .filter(|c| !c.is_ca())
            .filter(|c| issuers.get(c.issuer().as_raw()).is_some_and(|key| c.verify_signature(Some(key)).is_ok()))
            .count();
        let leaves = certs.iter().filter(|c| !c.is_ca()).count();
        (files.len(), ders.len(), certs.len(), (verified, leaves))
    });
    eprintln!(
        "floor verify: threads={threads} files={files} certificates={certificates} parsed={parsed} verified={}/{} in {:.1} ms (in process)",
        verified.0,
        verified.1,
        started.elapsed().as_secs_f64() * 1000.0
    );
    if parsed != certificates || verified.0 != verified.1 {
        std::process::exit(1);
    }
}

/// Parses one certificate; its notAfter (Unix time) so that the work is not optimized away.
fn parse(der: &[u8]) -> Option<i64> {
    x509_parser::parse_x509_certificate(der).ok().map(|(_, cert)| cert.validity().not_after.timestamp())
}

/// Reads the file; the DER of its certificates for PEM and DER files, none for containers.
fn file_certificates(path: &Path) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).expect("corpus file is readable");
    match path.extension().and_then(|e| e.to_str()) {
        Some("cer") => vec![bytes],
        Some("pem") => pem_certificates(&bytes),
        _ => vec![], // .p7b, .p12: certificates from DIR/floor.der
    }
}

fn pem_certificates(bytes: &[u8]) -> Vec<Vec<u8>> {
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = bytes;
    while let Some(start) = find(rest, BEGIN) {
        let body = &rest[start + BEGIN.len()..];
        let Some(end) = find(body, END) else { break };
        out.extend(base64_decode(&body[..end]));
        rest = &body[end + END.len()..];
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\r' | b'\n' | b' ' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// Splits concatenated DER values (definite lengths) into slices.
fn split_der(mut data: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        if data.len() < 2 {
            return None;
        }
        let (header, len) = match data[1] {
            l if l < 0x80 => (2, l as usize),
            l => {
                let n = (l & 0x7F) as usize;
                (2 + n, data.get(2..2 + n)?.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize))
            }
        };
        let (one, rest) = data.split_at((header + len).min(data.len()));
        data = rest;
        Some(one)
    })
}
