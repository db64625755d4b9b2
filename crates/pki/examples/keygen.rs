//! Times what the app does to start a certificate order: a new key, then a signed CSR.
//! Prints one line per round: total, key generation and CSR signing, in milliseconds.
//! `bench/keygen.sh` runs it beside `openssl req -newkey`.
//!
//!   keygen [N=20] [rsa|ec]

use std::time::Instant;

use certisante_pki::keys::{KeyKind, PrivateKey};
use rcgen::{CertificateParams, DnType};

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().map(|a| a.parse().expect("N must be a number")).unwrap_or(20);
    let kind = match args.next().as_deref() {
        None | Some("rsa") => KeyKind::Rsa2048,
        Some("ec") => KeyKind::EcP256,
        Some(other) => panic!("unknown key kind {other}: rsa or ec"),
    };
    for _ in 0..rounds {
        let start = Instant::now();
        let key = PrivateKey::generate(kind).expect("key generation");
        let generated = start.elapsed();

        let pair = key.rcgen_key_pair().expect("rcgen key pair");
        let mut params = CertificateParams::default();
        let dn = &mut params.distinguished_name;
        dn.push(DnType::CountryName, "FR");
        dn.push(DnType::StateOrProvinceName, "Paris (75)");
        dn.push(DnType::OrganizationName, "CENTRE HOSPITALIER DE TEST");
        dn.push(DnType::OrganizationalUnitName, "110B0073160");
        dn.push(DnType::CommonName, "teleservice.ch-test.example");
        let pem = params.serialize_request(&pair).expect("CSR").pem().expect("CSR PEM");
        std::hint::black_box(pem);
        let total = start.elapsed();

        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        println!("{:.3} {:.3} {:.3}", ms(total), ms(generated), ms(total - generated));
    }
}
