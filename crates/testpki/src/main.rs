//! `certisante-testpki fixtures DIR`: writes a TEST-like hierarchy's anchor and a folder
//! of certificates (every profile, several expiries, every format, a forged one and
//! malformed files) for end-to-end tests and demonstrations.
//!
//! `certisante-testpki portal init|sign|p12 DIR ...`: a stand-in for the IGC-Santé
//! platform with a persistent CA folder (see `portal.rs`).
//!
//! `certisante-testpki revocation DIR [--ocsp-port N ...]`: a revocation lab (see
//! `revocation.rs`); ports not given are picked free on 127.0.0.1. Prints the ports.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use certisante_testpki::portal::{encode, IssueProfile, OutputFormat, Portal, Subject};
use certisante_testpki::revocation::{write_lab, LabPorts};
use certisante_testpki::{write_containers, Hierarchy, LeafSpec, Usage};

const USAGE: &str = "usage:
  certisante-testpki fixtures DIR
  certisante-testpki portal init DIR
  certisante-testpki portal sign DIR --csr FILE --offer ORG|SERV --usage USAGE --out CERT [--chain] [--format pem|der|p7b] [--days N]
  certisante-testpki revocation DIR [--ocsp-port N] [--ocsp-direct-port N] [--http-port N] [--hang-port N] [--down-port N]
  certisante-testpki portal p12 DIR --offer ORG|SERV --usage USAGE --org O --ou OU --state ST --cn CN --password-file F --out FILE|DIR";

fn usage_error(why: &str) -> ! {
    eprintln!("{why}\n{USAGE}");
    std::process::exit(2);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("fixtures") if args.len() == 3 => fixtures(PathBuf::from(&args[2])),
        Some("revocation") if args.len() >= 3 => revocation(Path::new(&args[2]), &args[3..]),
        Some("portal") if args.len() >= 4 => {
            if let Err(e) = portal(&args[2], Path::new(&args[3]), &args[4..]) {
                eprintln!("certisante-testpki portal: {e}");
                std::process::exit(1);
            }
        }
        _ => usage_error("unknown command"),
    }
}

/// `--name value` pairs and bare `--flag`s.
fn options(rest: &[String], flags: &[&str]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        let Some(name) = arg.strip_prefix("--") else { usage_error(&format!("unexpected argument {arg}")) };
        if flags.contains(&name) {
            out.insert(name.to_string(), String::new());
        } else {
            let Some(value) = it.next() else { usage_error(&format!("--{name} needs a value")) };
            out.insert(name.to_string(), value.clone());
        }
    }
    out
}

fn portal(command: &str, dir: &Path, rest: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let opts = options(rest, &["chain"]);
    let need = |name: &str| opts.get(name).cloned().unwrap_or_else(|| usage_error(&format!("--{name} is required")));
    match command {
        "init" => {
            let portal = Portal::init(dir)?;
            println!("{}", portal.anchors_dir().display());
        }
        "sign" => {
            let portal = Portal::open(dir)?;
            let profile = IssueProfile::test(&need("offer"), &need("usage"))?;
            let days = opts.get("days").map(|d| d.parse::<i64>().unwrap_or_else(|_| usage_error("--days takes a number")));
            let format = match opts.get("format").map(String::as_str).unwrap_or("pem") {
                "pem" => OutputFormat::Pem,
                "der" => OutputFormat::Der,
                "p7b" => OutputFormat::P7b,
                other => usage_error(&format!("unknown format {other}")),
            };
            let csr_path = need("csr");
            let request = std::fs::read(&csr_path).map_err(|e| format!("{csr_path}: {e}"))?;
            let issued = portal.sign(&request, &profile, days)?;
            let bytes = encode(&issued, portal.chain_pem(), format, opts.contains_key("chain"))?;
            let out = need("out");
            std::fs::write(&out, bytes).map_err(|e| format!("{out}: {e}"))?;
            println!("{out}");
        }
        "p12" => {
            let portal = Portal::open(dir)?;
            let profile = IssueProfile::test(&need("offer"), &need("usage"))?;
            let subject = Subject { state: need("state"), organization: need("org"), organizational_unit: need("ou"), common_name: need("cn") };
            let path = portal.p12(&profile, &subject, Path::new(&need("password-file")), Path::new(&need("out")))?;
            println!("{}", path.display());
        }
        other => usage_error(&format!("unknown portal command {other}")),
    }
    Ok(())
}

fn revocation(dir: &Path, rest: &[String]) {
    let opts = options(rest, &[]);
    let port = |name: &str| match opts.get(name) {
        Some(p) => p.parse::<u16>().unwrap_or_else(|_| usage_error(&format!("--{name} takes a port number"))),
        None => std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port"),
    };
    let ports =
        LabPorts { ocsp: port("ocsp-port"), ocsp_direct: port("ocsp-direct-port"), http: port("http-port"), hang: port("hang-port"), down: port("down-port") };
    write_lab(dir, ports);
    print!("{}", std::fs::read_to_string(dir.join("lab.env")).expect("lab.env written"));
}

fn fixtures(dir: PathBuf) {
    let hierarchy = Hierarchy::new();
    hierarchy.write_anchor_dir(&dir.join("anchors"));
    let certs = dir.join("certs");
    let leaves = [
        (Usage::AuthCli, "DMP", 400, "dmp"),
        (Usage::AuthCli, "INSI-AUTO", 25, "insi"),
        // Its key may sign for 80 more days; the certificate itself ends a month later.
        (Usage::Sign, "MSSANTE SIGNATURE", 80, "sign"),
        (Usage::Conf, "MSSANTE CHIFFREMENT", 5, "conf"),
        (Usage::SslServ, "portail.ch-test.fr", 100, "ssl"),
        (Usage::AuthCli, "ROC", -3, "roc-expired"),
    ];
    for (i, (usage, cn, days, name)) in leaves.into_iter().enumerate() {
        let mut spec = match usage {
            Usage::Sign => LeafSpec { key_usage_ends_in_days: Some(days), ..LeafSpec::new(usage, cn, days + 30) },
            _ => LeafSpec::new(usage, cn, days),
        };
        spec.serial = 100 + i as u64;
        let leaf = hierarchy.issue(&spec);
        if name == "dmp" {
            write_containers(&certs, name, &leaf, &hierarchy, "test-password");
        } else {
            std::fs::create_dir_all(&certs).unwrap();
            std::fs::write(certs.join(format!("{name}.pem")), &leaf.cert_pem).unwrap();
        }
    }
    let forged = hierarchy.forged(&LeafSpec::new(Usage::AuthCli, "FAUX SAS", 200));
    std::fs::write(certs.join("forged.pem"), &forged.cert_pem).unwrap();
    std::fs::write(certs.join("truncated.cer"), &forged.cert_der[..forged.cert_der.len() / 2]).unwrap();
    std::fs::write(certs.join("empty.pem"), b"").unwrap();
    std::fs::write(certs.join("broken.pem"), b"-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n").unwrap();
    println!("{}", dir.display());
}
