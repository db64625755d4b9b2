//! A revocation lab: a TEST-like hierarchy whose leaves name an OCSP responder and CRL
//! locations on 127.0.0.1, with what the real servers need (`openssl ocsp`'s index file
//! and signer, the CRL files for a plain HTTP server). tests/harness/revocation.sh starts
//! the servers on the ports given here.
//!
//! Layout of a lab folder:
//! - `anchors/test/`: root and intermediate, for `CERTISANTE_EXTRA_ANCHORS=DIR/anchors`;
//! - `ca/intermediate.pem|.key`: the issuing CA (signs the direct responder's answers);
//! - `ca/ocsp-signer.pem|.key`: a delegated responder (EKU OCSPSigning, issued by the CA);
//! - `ca/index.txt`: OpenSSL's CA database (good and revoked leaves);
//! - `crl/valid.crl`, `crl/wrong-key.crl`, `crl/expired.crl`: DER CRLs, served over HTTP;
//! - `certs/<leaf>.pem`: one leaf per scenario (see `SCENARIOS`);
//! - `lab.env`: the ports, for the harness.

use std::path::{Path, PathBuf};

use rcgen::{
    CertificateParams, CertificateRevocationListParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, Issuer, KeyIdMethod, KeyUsagePurpose,
    RevocationReason, RevokedCertParams, SerialNumber,
};
use time::{Duration, OffsetDateTime};

use crate::{ca_params, rsa_key, Hierarchy, Leaf, LeafSpec, Usage};

/// Ports of the lab's servers on 127.0.0.1.
#[derive(Debug, Clone, Copy)]
pub struct LabPorts {
    /// `openssl ocsp` answering with the delegated responder certificate.
    pub ocsp: u16,
    /// `openssl ocsp` answering with the CA's own key.
    pub ocsp_direct: u16,
    /// The plain HTTP server of the `crl/` folder.
    pub http: u16,
    /// A listener that accepts connections and never answers.
    pub hang: u16,
    /// Nothing listens there: connections are refused.
    pub down: u16,
}

/// Where each leaf's AIA and CDP point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ocsp {
    None,
    Delegated,
    Direct,
    Down,
    Hang,
}

/// (file name, serial, OCSP responder, CRL file or "", revocation reason in the CA's
/// records: None good, Some(None) revoked without a reason).
#[allow(clippy::type_complexity)]
const SCENARIOS: &[(&str, u64, Ocsp, &str, Option<Option<RevocationReason>>)] = &[
    ("ocsp-good", 0x1001, Ocsp::Delegated, "valid.crl", None),
    ("ocsp-revoked", 0x1002, Ocsp::Direct, "valid.crl", Some(Some(RevocationReason::KeyCompromise))),
    ("ocsp-direct-good", 0x1003, Ocsp::Direct, "", None),
    ("crl-good", 0x1004, Ocsp::None, "valid.crl", None),
    ("crl-revoked", 0x1005, Ocsp::None, "valid.crl", Some(Some(RevocationReason::AffiliationChanged))),
    ("crl-revoked-no-reason", 0x1006, Ocsp::None, "valid.crl", Some(None)),
    ("crl-wrong-key", 0x1007, Ocsp::None, "wrong-key.crl", None),
    ("crl-expired", 0x1008, Ocsp::None, "expired.crl", None),
    ("ocsp-down", 0x1009, Ocsp::Down, "", None),
    ("ocsp-hang", 0x100A, Ocsp::Hang, "", None),
    ("no-source", 0x100B, Ocsp::None, "", None),
];

pub struct Lab {
    pub dir: PathBuf,
    pub hierarchy: Hierarchy,
    /// When the revoked leaves were revoked (whole seconds).
    pub revoked_at: OffsetDateTime,
    /// The leaves by file name (without `.pem`).
    pub leaves: Vec<(String, Leaf)>,
}

impl Lab {
    pub fn leaf(&self, name: &str) -> &Leaf {
        &self.leaves.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no leaf {name}")).1
    }

    pub fn leaf_path(&self, name: &str) -> PathBuf {
        self.dir.join("certs").join(format!("{name}.pem"))
    }

    pub fn anchors(&self) -> PathBuf {
        self.dir.join("anchors")
    }

    /// The names of every scenario's leaf.
    pub fn names() -> impl Iterator<Item = &'static str> {
        SCENARIOS.iter().map(|s| s.0)
    }
}

fn reason_name(reason: Option<RevocationReason>) -> &'static str {
    match reason {
        None => "",
        Some(RevocationReason::KeyCompromise) => "keyCompromise",
        Some(RevocationReason::AffiliationChanged) => "affiliationChanged",
        Some(RevocationReason::Superseded) => "superseded",
        Some(RevocationReason::CessationOfOperation) => "cessationOfOperation",
        Some(_) => "unspecified",
    }
}

/// OpenSSL's index time: YYMMDDHHMMSSZ.
fn index_time(t: OffsetDateTime) -> String {
    format!("{:02}{:02}{:02}{:02}{:02}{:02}Z", t.year() % 100, t.month() as u8, t.day(), t.hour(), t.minute(), t.second())
}

/// Writes the lab into `dir` for servers on `ports`.
pub fn write_lab(dir: &Path, ports: LabPorts) -> Lab {
    let hierarchy = Hierarchy::new();
    hierarchy.write_anchor_dir(&dir.join("anchors"));
    let ca = dir.join("ca");
    let crl = dir.join("crl");
    let certs = dir.join("certs");
    for d in [&ca, &crl, &certs] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(ca.join("intermediate.pem"), hierarchy.intermediate_pem()).unwrap();
    std::fs::write(ca.join("intermediate.key"), hierarchy.intermediate.key().serialize_pem()).unwrap();

    // The delegated responder: issued by the CA, EKU OCSPSigning.
    let mut signer = CertificateParams::new(Vec::<String>::new()).unwrap();
    signer.distinguished_name = DistinguishedName::new();
    signer.distinguished_name.push(DnType::CountryName, "FR");
    signer.distinguished_name.push(DnType::OrganizationName, "ASIP-SANTE");
    signer.distinguished_name.push(DnType::CommonName, "TEST OCSP IGC-SANTE ELEMENTAIRE ORGANISATIONS");
    signer.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    signer.extended_key_usages = vec![ExtendedKeyUsagePurpose::OcspSigning];
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    signer.not_before = now - Duration::days(30);
    signer.not_after = now + Duration::days(365);
    signer.serial_number = Some(SerialNumber::from(vec![0x0F, 0x01]));
    let signer_key = rsa_key();
    let signer_cert = signer.signed_by(&signer_key, &hierarchy.intermediate).unwrap();
    std::fs::write(ca.join("ocsp-signer.pem"), signer_cert.pem()).unwrap();
    std::fs::write(ca.join("ocsp-signer.key"), signer_key.serialize_pem()).unwrap();

    let url = |port: u16, path: &str| format!("http://127.0.0.1:{port}/{path}");
    let revoked_at = now - Duration::days(2);
    let mut leaves = Vec::new();
    let mut index = String::new();
    let mut revoked = Vec::new();
    for &(name, serial, ocsp, crl_file, revocation) in SCENARIOS {
        let mut spec = LeafSpec::new(Usage::AuthCli, &format!("REVOCATION {}", name.to_uppercase()), 300);
        spec.serial = serial;
        spec.ocsp_url = match ocsp {
            Ocsp::None => None,
            Ocsp::Delegated => Some(url(ports.ocsp, "")),
            Ocsp::Direct => Some(url(ports.ocsp_direct, "")),
            Ocsp::Down => Some(url(ports.down, "")),
            Ocsp::Hang => Some(url(ports.hang, "")),
        };
        if !crl_file.is_empty() {
            spec.crl_urls = vec![url(ports.http, crl_file)];
        }
        let leaf = hierarchy.issue(&spec);
        std::fs::write(certs.join(format!("{name}.pem")), &leaf.cert_pem).unwrap();
        let expiry = index_time(now + Duration::days(spec.ends_in_days));
        let serial_hex = format!("{serial:04X}");
        let subject = format!("/C=FR/O=CENTRE HOSPITALIER DE TEST/CN={}", spec.cn);
        match revocation {
            None => index.push_str(&format!("V\t{expiry}\t\t{serial_hex}\tunknown\t{subject}\n")),
            Some(reason) => {
                let mut when = index_time(revoked_at);
                if reason.is_some() {
                    when = format!("{when},{}", reason_name(reason));
                }
                index.push_str(&format!("R\t{expiry}\t{when}\t{serial_hex}\tunknown\t{subject}\n"));
                revoked.push(RevokedCertParams {
                    serial_number: SerialNumber::from(serial.to_be_bytes().to_vec()),
                    revocation_time: revoked_at,
                    reason_code: reason,
                    invalidity_date: None,
                });
            }
        }
        leaves.push((name.to_string(), leaf));
    }
    std::fs::write(ca.join("index.txt"), index).unwrap();
    std::fs::write(ca.join("index.txt.attr"), "unique_subject = no\n").unwrap();

    let crl_params = |this_update: OffsetDateTime, next_update: OffsetDateTime, number: u64| CertificateRevocationListParams {
        this_update,
        next_update,
        crl_number: SerialNumber::from(number.to_be_bytes().to_vec()),
        issuing_distribution_point: None,
        revoked_certs: revoked.clone(),
        key_identifier_method: KeyIdMethod::Sha256,
    };
    let valid = crl_params(now - Duration::hours(1), now + Duration::days(1), 10).signed_by(&hierarchy.intermediate).unwrap();
    std::fs::write(crl.join("valid.crl"), valid.der()).unwrap();
    // Same name as the CA, another key: must be rejected.
    let impostor = Issuer::new(ca_params("TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS"), rsa_key());
    let wrong = crl_params(now - Duration::hours(1), now + Duration::days(1), 11).signed_by(&impostor).unwrap();
    std::fs::write(crl.join("wrong-key.crl"), wrong.der()).unwrap();
    let expired = crl_params(now - Duration::days(10), now - Duration::days(3), 9).signed_by(&hierarchy.intermediate).unwrap();
    std::fs::write(crl.join("expired.crl"), expired.der()).unwrap();

    std::fs::write(
        dir.join("lab.env"),
        format!(
            "OCSP_PORT={}\nOCSP_DIRECT_PORT={}\nHTTP_PORT={}\nHANG_PORT={}\nDOWN_PORT={}\n",
            ports.ocsp, ports.ocsp_direct, ports.http, ports.hang, ports.down
        ),
    )
    .unwrap();
    Lab { dir: dir.to_path_buf(), hierarchy, revoked_at, leaves }
}

/// A lab with its servers running (tests/harness/revocation.sh), stopped on drop.
pub struct RunningLab {
    pub lab: Lab,
    pub ports: LabPorts,
    _dir: Option<tempfile::TempDir>,
}

/// The tools the servers need, or what is missing.
pub fn missing_tools() -> Option<String> {
    let missing: Vec<&str> = [("openssl", "version"), ("python3", "--version")]
        .into_iter()
        .filter(|(tool, arg)| std::process::Command::new(tool).arg(arg).output().map_or(true, |o| !o.status.success()))
        .map(|(tool, _)| tool)
        .collect();
    (!missing.is_empty()).then(|| format!("missing on PATH: {}", missing.join(", ")))
}

fn harness() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/harness/revocation.sh")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl RunningLab {
    /// Writes a lab in a new temporary folder and starts its servers.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let ports = LabPorts { ocsp: free_port(), ocsp_direct: free_port(), http: free_port(), hang: free_port(), down: free_port() };
        let lab = write_lab(&dir.path().join("lab"), ports);
        let running = Self { lab, ports, _dir: Some(dir) };
        running.harness("start", &[]);
        running
    }

    fn harness(&self, command: &str, extra: &[&str]) -> String {
        let out = std::process::Command::new("bash").arg(harness()).arg(command).arg(&self.lab.dir).args(extra).output().expect("run revocation.sh");
        assert!(out.status.success(), "revocation.sh {command} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Stops every server (the lab stays): "offline".
    pub fn stop(&self) {
        self.harness("stop", &[]);
    }

    /// How many times the HTTP server served `crl/<file>`.
    pub fn downloads(&self, file: &str) -> usize {
        self.harness("requests", &[file]).trim().parse().unwrap_or(0)
    }

    pub fn crl_url(&self, file: &str) -> String {
        format!("http://127.0.0.1:{}/{file}", self.ports.http)
    }
}

impl Drop for RunningLab {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bash").arg(harness()).arg("stop").arg(&self.lab.dir).output();
    }
}
