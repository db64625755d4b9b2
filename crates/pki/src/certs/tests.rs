use super::*;

const SAMPLE: &str = include_str!("../../../../tests/fixtures/igc/TEST-ORG-AUTH_CLI-leaf.pem");

fn sample_der() -> Vec<u8> {
    read_container(SAMPLE.as_bytes(), None).unwrap().certificates.remove(0).der
}

#[test]
fn pem_with_text_around_and_several_blocks() {
    let text = format!("Subject: whatever\n{SAMPLE}\nsome notes\n{SAMPLE}trailing");
    let container = read_container(text.as_bytes(), None).unwrap();
    assert_eq!(container.format, ContainerFormat::Pem);
    assert_eq!(container.certificates.len(), 2);
    assert_eq!(container.certificates[1].position, 1);
}

#[test]
fn der_is_read() {
    let der = sample_der();
    let container = read_container(&der, None).unwrap();
    assert_eq!(container.format, ContainerFormat::Der);
    assert_eq!(container.certificates[0].der, der);
}

#[test]
fn malformed_inputs_have_their_codes() {
    let der = sample_der();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (vec![], "certs.empty_file"),
        (b"  \n".to_vec(), "certs.empty_file"),
        (der[..der.len() / 2].to_vec(), "certs.der_truncated"),
        (b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".to_vec(), "certs.pem_invalid"),
        (b"-----BEGIN CERTIFICATE-----\nMIIB".to_vec(), "certs.pem_invalid"),
        (b"hello world".to_vec(), "certs.unrecognized_format"),
        (b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n".to_vec(), "certs.no_certificate"),
    ];
    for (bytes, code) in cases {
        let error = read_container(&bytes, None).unwrap_err();
        assert_eq!(error.code(), code, "{error}");
    }
}

#[test]
fn random_bytes_are_refused_cleanly() {
    // A deterministic pseudo-random megabyte, starting like a DER SEQUENCE.
    let mut state = 0x2545F4914F6CDD1Du64;
    let mut bytes: Vec<u8> = (0..1 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    bytes[0] = 0x30;
    bytes[1] = 0x84;
    assert!(read_container(&bytes, None).is_err());
}

#[test]
fn pem_key_beside_its_certificate_is_detected() {
    let (other_cert, key) = {
        let hierarchy = certisante_testpki::Hierarchy::new();
        let leaf = hierarchy.issue(&certisante_testpki::LeafSpec::new(certisante_testpki::Usage::AuthCli, "DMP", 100));
        (leaf.cert_pem, leaf.key_pem)
    };
    let with_key = read_container(format!("{key}{other_cert}").as_bytes(), None).unwrap();
    assert!(with_key.certificates[0].has_private_key);
    let unrelated = read_container(format!("{key}{SAMPLE}").as_bytes(), None).unwrap();
    assert!(!unrelated.certificates[0].has_private_key);
}

#[test]
fn private_key_usage_period_end_is_read() {
    let spec =
        certisante_testpki::LeafSpec { key_usage_ends_in_days: Some(50), ..certisante_testpki::LeafSpec::new(certisante_testpki::Usage::Sign, "SIGN", 80) };
    let leaf = certisante_testpki::Hierarchy::new().issue(&spec);
    let facts = CertificateFacts::from_der(&leaf.cert_der).unwrap();
    let end = facts.private_key_usage_end.expect("read");
    assert_eq!((facts.not_after - end).num_days(), 30);
    assert_eq!(CertificateFacts::from_der(&sample_der()).unwrap().private_key_usage_end, None, "an AUTH_CLI certificate has none");
}

#[test]
fn generalized_times_are_strict() {
    use super::facts::generalized_time;
    assert_eq!(generalized_time(b"20270223010624Z").unwrap().to_rfc3339(), "2027-02-23T01:06:24+00:00");
    for bad in [&b"20270223010624"[..], b"2027022301062Z", b"20271323010624Z", b"2027022301062+Z", b"202702230106240Z", b"20270223250624Z"] {
        assert_eq!(generalized_time(bad), None, "{}", String::from_utf8_lossy(bad));
    }
}
