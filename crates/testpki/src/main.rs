//! `certisante-testpki fixtures DIR`: writes a TEST-like hierarchy's anchor and a folder
//! of certificates (every profile, several expiries, every format, a forged one and
//! malformed files) for end-to-end tests and demonstrations.

use std::path::PathBuf;

use certisante_testpki::{write_containers, Hierarchy, LeafSpec, Usage};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("fixtures") if args.len() == 3 => fixtures(PathBuf::from(&args[2])),
        _ => {
            eprintln!("usage: certisante-testpki fixtures DIR");
            std::process::exit(2);
        }
    }
}

fn fixtures(dir: PathBuf) {
    let hierarchy = Hierarchy::new();
    hierarchy.write_anchor_dir(&dir.join("anchors"));
    let certs = dir.join("certs");
    let leaves = [
        (Usage::AuthCli, "DMP", 400, "dmp"),
        (Usage::AuthCli, "INSI-AUTO", 25, "insi"),
        (Usage::Sign, "MSSANTE SIGNATURE", 80, "sign"),
        (Usage::Conf, "MSSANTE CHIFFREMENT", 5, "conf"),
        (Usage::SslServ, "portail.ch-test.fr", 100, "ssl"),
        (Usage::AuthCli, "ROC", -3, "roc-expired"),
    ];
    for (i, (usage, cn, days, name)) in leaves.into_iter().enumerate() {
        let mut spec = LeafSpec::new(usage, cn, days);
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
