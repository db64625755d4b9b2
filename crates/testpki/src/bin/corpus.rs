//! `corpus DIR N`: writes a benchmark corpus of N distinct leaf certificates in mixed
//! formats, for `bench/list.sh`.
//!
//! Layout:
//! - `DIR/certs/`: N files, one leaf each (distinct serials and CNs, the four profiles,
//!   expiries spread from 100 days ago to ~1000 days ahead, one shared RSA-2048 key):
//!   - ~40% `.pem`: the leaf alone; every other one has text before and after the block;
//!   - ~30% `.cer`: the leaf in DER;
//!   - ~20% `.p7b`: a certs-only PKCS#7 SignedData in DER (leaf + intermediate), written
//!     here directly, in the shape `openssl crl2pkcs7 -nocrl -outform DER` gives;
//!   - ~10% `.p12`: written by `openssl pkcs12 -export` like the IGC-Santé portal's
//!     (key: PBE-SHA1-3DES; certificates: not encrypted; MAC: SHA-1, 2048 iterations;
//!     leaf + intermediate + root; password `bench`), two processes at a time.
//! - `DIR/anchors/test/root.pem`: the root, for `CERTISANTE_EXTRA_ANCHORS=DIR/anchors`.
//! - `DIR/floor.der`: the certificates held by the `.p7b` and `.p12` files (in file
//!   order, concatenated DER), extracted here once so that the `floor` program need not
//!   walk those containers.
//! - `DIR/corpus.txt`: what was written (counts per format).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use certisante_testpki::{rsa_key, Hierarchy, LeafSpec, Usage};
use rayon::prelude::*;

/// The password of every `.p12` file of the corpus.
const P12_PASSWORD: &str = "bench";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Pem,
    Der,
    Pkcs7,
    Pkcs12,
}

/// 4 PEM, 3 DER, 2 PKCS#7, 1 PKCS#12 in every 10 files, interleaved.
fn format_of(i: usize) -> Format {
    match i % 10 {
        0 | 2 | 5 | 8 => Format::Pem,
        1 | 4 | 7 => Format::Der,
        3 | 6 => Format::Pkcs7,
        _ => Format::Pkcs12,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dir, n) = match (args.get(1), args.get(2).and_then(|n| n.parse::<usize>().ok()), args.len()) {
        (Some(dir), Some(n), 3) if n > 0 => (PathBuf::from(dir), n),
        _ => {
            eprintln!("usage: corpus DIR N   (writes DIR/certs/, DIR/anchors/, DIR/floor.der)");
            std::process::exit(2);
        }
    };
    let certs = dir.join("certs");
    if certs.exists() {
        eprintln!("corpus: {} already exists; remove it first", certs.display());
        std::process::exit(2);
    }
    std::fs::create_dir_all(&certs).unwrap();
    let started = std::time::Instant::now();

    let hierarchy = Hierarchy::new();
    hierarchy.write_anchor_dir(&dir.join("anchors"));
    let key_pem = rsa_key().serialize_pem();
    let intermediate_der = pem_to_der(&hierarchy.intermediate_pem());
    let root_der = pem_to_der(&hierarchy.root_pem());

    // Issuing is RSA signing: spread it over the cores.
    let leaves: Vec<(String, Vec<u8>)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let leaf = hierarchy.issue(&spec(i, &key_pem));
            (leaf.cert_pem, leaf.cert_der)
        })
        .collect();
    eprintln!("corpus: {n} leaves issued in {:.1?}", started.elapsed());

    let work = dir.join(".work");
    std::fs::create_dir_all(&work).unwrap();
    let key_file = work.join("key.pem");
    let chain_file = work.join("chain.pem");
    std::fs::write(&key_file, &key_pem).unwrap();
    std::fs::write(&chain_file, hierarchy.chain_pem()).unwrap();

    let mut counts = [0usize; 4];
    let mut p12_jobs = Vec::new();
    for (i, (pem, der)) in leaves.iter().enumerate() {
        let format = format_of(i);
        counts[format as usize] += 1;
        let stem = certs.join(format!("{i:05}-{}", file_word(i)));
        match format {
            Format::Pem if i % 20 < 10 => std::fs::write(stem.with_extension("pem"), pem).unwrap(),
            Format::Pem => std::fs::write(
                stem.with_extension("pem"),
                format!("Certificat n°{i} (bench)\nÉmis par TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS\n\n{pem}\nfin\n"),
            )
            .unwrap(),
            Format::Der => std::fs::write(stem.with_extension("cer"), der).unwrap(),
            Format::Pkcs7 => std::fs::write(stem.with_extension("p7b"), pkcs7_certs_only(&[der, &intermediate_der])).unwrap(),
            Format::Pkcs12 => p12_jobs.push((stem.with_extension("p12"), pem.as_str())),
        }
    }
    eprintln!("corpus: PEM, DER and PKCS#7 files written at {:.1?}; {} openssl pkcs12 runs...", started.elapsed(), p12_jobs.len());

    p12_jobs.par_iter().for_each(|(path, pem)| openssl_pkcs12(path, pem, &key_file, &chain_file));
    std::fs::remove_dir_all(&work).unwrap();

    // The certificates inside the containers, in the order of the files, for the floor.
    let mut floor = Vec::new();
    for (i, (_, der)) in leaves.iter().enumerate() {
        match format_of(i) {
            Format::Pkcs7 => floor.extend([der.as_slice(), &intermediate_der].concat()),
            Format::Pkcs12 => floor.extend([der.as_slice(), &intermediate_der, &root_der].concat()),
            _ => {}
        }
    }
    std::fs::write(dir.join("floor.der"), floor).unwrap();

    let summary = format!(
        "files={n} pem={} der={} p7b={} p12={} certificates_in_files={} distinct={}\n",
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        counts[0] + counts[1] + 2 * counts[2] + 3 * counts[3],
        n + if counts[2] + counts[3] > 0 { 1 } else { 0 } + if counts[3] > 0 { 1 } else { 0 },
    );
    std::fs::write(dir.join("corpus.txt"), &summary).unwrap();
    eprint!("corpus: done in {:.1?}: {summary}", started.elapsed());
    println!("{}", dir.display());
}

fn spec(i: usize, key_pem: &str) -> LeafSpec {
    let usage = [Usage::AuthCli, Usage::Sign, Usage::Conf, Usage::SslServ][i % 4];
    let cn = match usage {
        Usage::SslServ => format!("srv{i:05}.ch-bench.test"),
        _ => format!("BENCH {i:05} {}", ["DMP", "MSSANTE SIGNATURE", "MSSANTE CHIFFREMENT", ""][i % 4]).trim_end().to_owned(),
    };
    // Expiries from 100 days ago to ~1000 days ahead, spread by a stride prime to 1100.
    let ends_in_days = (i as i64 * 37) % 1100 - 100;
    let mut spec = LeafSpec::new(usage, &cn, ends_in_days);
    spec.serial = 1_000_000 + i as u64;
    spec.key = Some(key_pem.to_owned());
    spec
}

fn file_word(i: usize) -> &'static str {
    ["dmp", "signature", "chiffrement", "ssl"][i % 4]
}

fn openssl_pkcs12(out: &Path, cert_pem: &str, key_file: &Path, chain_file: &Path) {
    let s = |p: &Path| p.to_str().unwrap().to_owned();
    let mut child = Command::new("openssl")
        .args(["pkcs12", "-export", "-inkey", &s(key_file), "-certfile", &s(chain_file)])
        .args(["-keypbe", "PBE-SHA1-3DES", "-certpbe", "NONE", "-macalg", "sha1", "-iter", "2048"])
        .args(["-passout", &format!("pass:{P12_PASSWORD}"), "-out", &s(out)])
        .stdin(Stdio::piped())
        .spawn()
        .expect("openssl is installed");
    child.stdin.take().unwrap().write_all(cert_pem.as_bytes()).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "openssl pkcs12 -export failed for {}", out.display());
}

// ---------------------------------------------------------------- DER writing

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    match len {
        0..0x80 => out.push(len as u8),
        0x80..0x100 => out.extend([0x81, len as u8]),
        0x100..0x1_0000 => out.extend([0x82, (len >> 8) as u8, len as u8]),
        _ => out.extend([0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]),
    }
    out.extend_from_slice(content);
    out
}

/// ContentInfo { signedData, [0] SignedData { version 1, digestAlgorithms {},
/// encapContentInfo { data }, [0] IMPLICIT certificates, signerInfos {} } }. The
/// certificates are a SET OF: in DER, sorted by their encodings (as OpenSSL writes them).
fn pkcs7_certs_only(certs: &[&[u8]]) -> Vec<u8> {
    let mut certs = certs.to_vec();
    certs.sort();
    const OID_SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];
    const OID_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
    let signed_data = [tlv(0x02, &[1]), tlv(0x31, &[]), tlv(0x30, &tlv(0x06, OID_DATA)), tlv(0xA0, &certs.concat()), tlv(0x31, &[])].concat();
    tlv(0x30, &[tlv(0x06, OID_SIGNED_DATA), tlv(0xA0, &tlv(0x30, &signed_data))].concat())
}

// ---------------------------------------------------------------- PEM reading

fn pem_to_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64_decode(body.as_bytes()).expect("rcgen writes valid PEM")
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
