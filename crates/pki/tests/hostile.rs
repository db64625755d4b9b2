//! Hostile inputs (issue 13): files, server answers and keys crafted to crash, hang or
//! exhaust the readers. Each must end in a coded error, quickly, without aborting the
//! process (a stack overflow is an abort, not a catchable panic: one such test failing
//! takes the whole binary down, which is why these live in their own).

use std::sync::mpsc;
use std::time::Duration;

use certisante_pki::certs::{read_container, CertificateFacts, CertsError};
use certisante_pki::der::{self, write};
use certisante_pki::keys::PrivateKey;
use certisante_pki::revocation::{parse_ocsp_response, verify_crl};
use certisante_pki::Sensitive;

/// Runs `work` on a thread with a deadline, so that a hang fails the test instead of
/// stalling the run (the thread is left behind; the test process ends anyway).
fn within<T: Send + 'static>(seconds: u64, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(work());
    });
    match receive.recv_timeout(Duration::from_secs(seconds)) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("still working after {seconds} s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the work panicked (see above)"),
    }
}

fn password(text: &str) -> Sensitive<String> {
    Sensitive::new(text.to_owned())
}

/// `30 80` repeated: SEQUENCEs of indefinite length nested ~500,000 deep (1 MB).
fn nested_indefinite(size: usize) -> Vec<u8> {
    [0x30, 0x80].repeat(size / 2)
}

/// A definite-length TLV with the given tag nested `depth` times around `inner`, written
/// in one pass (headers from the outside in, then `inner`): wrapping level by level would
/// copy the whole value at each level.
fn nested_definite(tag: u8, depth: usize, inner: Vec<u8>) -> Vec<u8> {
    let header = |len: usize| write::tlv(tag, &[]).len() + if len < 0x80 { 0 } else { (usize::BITS - len.leading_zeros()).div_ceil(8) as usize };
    let mut lengths = Vec::with_capacity(depth);
    let mut len = inner.len();
    for _ in 0..depth {
        lengths.push(len);
        len += header(len);
    }
    let mut out = Vec::with_capacity(len);
    for &content_len in lengths.iter().rev() {
        let full = write::tlv(tag, &[]);
        out.push(full[0]);
        if content_len < 0x80 {
            out.push(content_len as u8);
        } else {
            let bytes = (content_len as u32).to_be_bytes();
            let skip = bytes.iter().take_while(|&&b| b == 0).count();
            out.push(0x80 | (4 - skip) as u8);
            out.extend_from_slice(&bytes[skip..]);
        }
    }
    out.extend(inner);
    out
}

fn pem(label: &str, der: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n")).into_bytes()
}

/// A PFX whose authSafe content is `auth_safe_octets` (an OCTET STRING TLV, primitive or
/// constructed), without MAC.
fn pfx_around(auth_safe_octets: &[u8]) -> Vec<u8> {
    let content_info = write::sequence(&[&write::oid(der::oid::DATA), &write::explicit(0, auth_safe_octets)]);
    write::sequence(&[&write::integer(3), &content_info])
}

#[test]
fn nested_indefinite_lengths_are_refused_not_a_stack_overflow() {
    let hostile = nested_indefinite(1 << 20);
    let data = hostile.clone();
    let (direct, container, with_password, in_pem, ocsp) = within(60, move || {
        let direct = der::read(&data).map(|_| ()).unwrap_err();
        let container = read_container(&data, None).unwrap_err();
        let with_password = read_container(&data, Some(&password("x"))).unwrap_err();
        let in_pem = read_container(&pem("PKCS7", &data), None).unwrap_err();
        let ocsp = parse_ocsp_response(&data).map(|_| ()).unwrap_err();
        (direct, container, with_password, in_pem, ocsp)
    });
    assert_eq!(direct, der::DerError::TooDeep);
    assert_eq!(container.code(), "certs.der_too_deep");
    assert_eq!(with_password.code(), "certs.der_too_deep");
    assert_eq!(in_pem.code(), "certs.der_too_deep");
    assert_eq!(ocsp.code(), "revocation.ocsp_invalid");
}

#[test]
fn indefinite_lengths_as_deep_as_genuine_ber_still_read() {
    // 16 nested indefinite SEQUENCEs around an OCTET STRING: deeper than any genuine file.
    let mut ber = [0x30, 0x80].repeat(16);
    ber.extend([0x04, 0x01, 0x41]);
    ber.extend([0x00, 0x00].repeat(16));
    let (tlv, rest) = der::read(&ber).unwrap();
    assert!(rest.is_empty());
    assert_eq!(tlv.raw.len(), ber.len());
}

#[test]
fn nested_constructed_octet_strings_in_a_pkcs12_are_refused() {
    // 200,000 levels (a stack overflow before), and 5,000 levels around 8 MB (each level
    // copied the whole value: 40 GB).
    for (depth, payload) in [(200_000, 1), (5_000, 8 << 20)] {
        let octets = nested_definite(der::OCTET_STRING_CONSTRUCTED, depth, write::octet_string(&vec![0x41; payload]));
        let pfx = pfx_around(&octets);
        let started = std::time::Instant::now();
        let error = within(60, move || read_container(&pfx, None).unwrap_err());
        assert_eq!(error, CertsError::DerTooDeep, "depth {depth}");
        assert!(started.elapsed() < Duration::from_secs(5), "depth {depth}: {:?}", started.elapsed());
    }
}

#[test]
fn deep_definite_sequences_and_huge_lengths_stay_handled() {
    // 100,000 nested definite-length SEQUENCEs.
    let deep = nested_definite(der::SEQUENCE, 100_000, vec![]);
    let data = deep.clone();
    let (container, facts, ocsp) = within(60, move || {
        (read_container(&data, None).unwrap_err(), CertificateFacts::from_der(&data).unwrap_err(), parse_ocsp_response(&data).map(|_| ()).unwrap_err())
    });
    assert_eq!(container.code(), "certs.certificate_invalid");
    assert_eq!(facts.code(), "certs.certificate_invalid");
    assert_eq!(ocsp.code(), "revocation.ocsp_invalid");
    // A length claiming 4 GiB in a few bytes.
    let huge = [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x30, 0x00];
    assert_eq!(der::read(&huge).unwrap_err(), der::DerError::Truncated);
    assert_eq!(read_container(&huge, None).unwrap_err().code(), "certs.der_truncated");
    // More than four length octets.
    assert_eq!(der::read(&[0x30, 0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap_err(), der::DerError::Invalid);
}

#[test]
fn too_many_elements_are_refused() {
    // A PKCS#7 whose certificate set holds 2,000,000 NULLs (4 MB): not a 80 MB list.
    let nulls = write::tlv(der::CONTEXT_0, &[0x05, 0x00].repeat(2_000_000));
    let signed_data = write::sequence(&[&write::integer(1), &write::tlv(der::SET, &[]), &write::sequence(&[&write::oid(der::oid::DATA)]), &nulls]);
    let p7 = write::sequence(&[&write::oid(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]), &write::explicit(0, &signed_data)]);
    let error = within(60, move || read_container(&p7, None).unwrap_err());
    assert_eq!(error.code(), "certs.der_too_many_elements");
    assert_eq!(der::children(&[0x05, 0x00].repeat(der::MAX_ELEMENTS + 1)).unwrap_err(), der::DerError::TooManyElements);
}

#[test]
fn containers_over_the_size_cap_are_refused_unread() {
    let big = vec![b' '; certisante_pki::certs::MAX_FILE_SIZE as usize + 1];
    assert_eq!(read_container(&big, None).unwrap_err().code(), "certs.file_too_large");
}

#[test]
fn pem_labels_are_bounded() {
    let mut long = b"-----BEGIN ".to_vec();
    long.extend(vec![b'A'; 1 << 20]);
    long.extend(b"-----\n");
    assert_eq!(read_container(&long, None).unwrap_err(), CertsError::PemInvalid("label too long"));
}

#[test]
fn hostile_private_keys_are_refused_with_a_code() {
    for data in [nested_indefinite(1 << 20), nested_definite(der::SEQUENCE, 100_000, vec![])] {
        let error = within(60, move || PrivateKey::from_pkcs8(Sensitive::new(data)).unwrap_err());
        assert_eq!(error.code(), "keys.invalid");
    }
}

#[test]
fn hostile_crls_are_refused_with_a_code() {
    let issuer = certisante_testpki::Hierarchy::new();
    let issuer_der = certisante_pki::certs::read_container(issuer.intermediate_pem().as_bytes(), None).unwrap().certificates.remove(0).der;
    for data in [nested_indefinite(1 << 20), nested_definite(der::SEQUENCE, 100_000, vec![]), vec![0x30; 21 << 20]] {
        let issuer_der = issuer_der.clone();
        let error = within(60, move || verify_crl(&data, &issuer_der, chrono::Utc::now()).unwrap_err());
        assert!(matches!(error.code(), "revocation.crl_invalid" | "revocation.crl_too_large"), "{error:?}");
    }
}

// ---------------------------------------------------------------- PKCS#12 key derivation

const OID_PBES2: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D];
const P12_PASSWORD: &str = "secret";

/// PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) at `iterations`: the AlgorithmIdentifier and
/// `plain` encrypted with [`P12_PASSWORD`].
fn pbes2(iterations: u32, plain: &[u8]) -> (Vec<u8>, Vec<u8>) {
    use pkcs5::der::Encode;
    let params = pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(iterations, &[7; 16], [9; 16]).unwrap();
    let encrypted = params.encrypt(P12_PASSWORD, plain).unwrap();
    (write::sequence(&[&write::oid(OID_PBES2), &params.to_der().unwrap()]), encrypted)
}

fn leaf_der() -> Vec<u8> {
    let hierarchy = certisante_testpki::Hierarchy::new();
    read_container(hierarchy.intermediate_pem().as_bytes(), None).unwrap().certificates.remove(0).der
}

fn cert_bag(der: &[u8]) -> Vec<u8> {
    let cert_bag = write::sequence(&[&write::oid(der::oid::X509_CERTIFICATE), &write::explicit(0, &write::octet_string(der))]);
    write::sequence(&[&write::oid(der::oid::CERT_BAG), &write::explicit(0, &cert_bag)])
}

/// A pkcs8ShroudedKeyBag of an EC key, encrypted at `iterations`.
fn shrouded_key_bag(iterations: u32) -> Vec<u8> {
    let key = PrivateKey::generate(certisante_pki::keys::KeyKind::EcP256).unwrap();
    let (algorithm, encrypted) = pbes2(iterations, key.pkcs8().expose());
    let info = write::sequence(&[&algorithm, &write::octet_string(&encrypted)]);
    write::sequence(&[&write::oid(der::oid::SHROUDED_KEY_BAG), &write::explicit(0, &info)])
}

fn plain_safe(bags: &[Vec<u8>]) -> Vec<u8> {
    let contents = write::sequence(&bags.iter().map(Vec::as_slice).collect::<Vec<_>>());
    write::sequence(&[&write::oid(der::oid::DATA), &write::explicit(0, &write::octet_string(&contents))])
}

fn encrypted_safe(iterations: u32, bags: &[Vec<u8>]) -> Vec<u8> {
    let contents = write::sequence(&bags.iter().map(Vec::as_slice).collect::<Vec<_>>());
    let (algorithm, encrypted) = pbes2(iterations, &contents);
    let info = write::sequence(&[&write::oid(der::oid::DATA), &algorithm, &write::tlv(0x80, &encrypted)]);
    let encrypted_data = write::sequence(&[&write::integer(0), &info]);
    write::sequence(&[&write::oid(der::oid::ENCRYPTED_DATA), &write::explicit(0, &encrypted_data)])
}

/// A PFX without MAC (p12-keystore then skips it) around `safes`.
fn pfx(safes: &[Vec<u8>]) -> Vec<u8> {
    let auth_safe = write::sequence(&safes.iter().map(Vec::as_slice).collect::<Vec<_>>());
    pfx_around(&write::octet_string(&auth_safe))
}

/// One derivation at p12-keystore's per-step cap takes about half a second; these files
/// ask for several, each allowed alone, and were opened whole before.
#[test]
fn pkcs12_key_derivation_work_is_capped_in_total() {
    let leaf = leaf_der();
    // 16 encrypted safes (one encrypted once, copied), each at the library's 1,000,000.
    let safe = encrypted_safe(1_000_000, std::slice::from_ref(&cert_bag(&leaf)));
    let many_safes = pfx(&vec![safe; 16]);
    // 8 shrouded keys at 1,000,000 in a plain safe.
    let key = shrouded_key_bag(1_000_000);
    let many_keys = pfx(&[plain_safe(&[vec![cert_bag(&leaf)], vec![key.clone(); 8]].concat())]);
    // The same keys hidden inside a cheap encrypted safe.
    let hidden_keys = pfx(&[encrypted_safe(2048, &[vec![cert_bag(&leaf)], vec![key; 8]].concat())]);
    for (name, file) in [("safes", many_safes), ("keys", many_keys), ("hidden keys", hidden_keys)] {
        let started = std::time::Instant::now();
        let error = within(60, move || read_container(&file, Some(&password(P12_PASSWORD))).unwrap_err());
        assert_eq!(error, CertsError::Pkcs12TooCostly, "{name}");
        // At most the two derivations counted before the cap is reached.
        assert!(started.elapsed() < Duration::from_secs(20), "{name}: {:?}", started.elapsed());
    }
}

#[test]
fn pkcs12_safes_and_bags_are_bounded() {
    let leaf = leaf_der();
    let bag = cert_bag(&leaf);
    let safes = pfx(&vec![plain_safe(std::slice::from_ref(&bag)); certisante_pki::certs::MAX_P12_SAFES + 1]);
    let bags = pfx(&[plain_safe(&vec![bag; certisante_pki::certs::MAX_P12_BAGS + 1])]);
    for file in [safes, bags] {
        let without = file.clone();
        let errors = within(60, move || (read_container(&file, Some(&password(P12_PASSWORD))).unwrap_err(), read_container(&without, None).unwrap_err()));
        assert_eq!(errors, (CertsError::Pkcs12TooManyEntries, CertsError::Pkcs12TooManyEntries));
    }
    // A MAC asking for 2^31 iterations.
    let mac = write::sequence(&[
        &write::sequence(&[&write::sequence(&[&write::oid(&[0x2B, 0x0E, 0x03, 0x02, 0x1A]), &write::null()]), &write::octet_string(&[0; 20])]),
        &write::octet_string(&[1; 8]),
        &write::tlv(der::INTEGER, &[0x7F, 0xFF, 0xFF, 0xFF]),
    ]);
    let content_info = write::sequence(&[&write::oid(der::oid::DATA), &write::explicit(0, &write::octet_string(&write::sequence(&[])))]);
    let with_mac = write::sequence(&[&write::integer(3), &content_info, &mac]);
    assert_eq!(read_container(&with_mac, Some(&password(P12_PASSWORD))).unwrap_err(), CertsError::Pkcs12TooCostly);
}

#[test]
fn pkcs12_within_the_limits_still_opens() {
    let leaf = leaf_der();
    let file = pfx(&[encrypted_safe(10_000, std::slice::from_ref(&cert_bag(&leaf))), plain_safe(&[shrouded_key_bag(10_000)])]);
    let container = read_container(&file, Some(&password(P12_PASSWORD))).unwrap();
    assert_eq!(container.certificates.len(), 1);
    // Without a MAC, p12-keystore reports a wrong PBES2 password as a broken file.
    let wrong = read_container(&file, Some(&password("wrong"))).unwrap_err();
    assert!(matches!(wrong, CertsError::Pkcs12BadPassword | CertsError::Pkcs12Invalid), "{wrong:?}");
}

#[test]
fn oversized_rsa_keys_never_reach_aws_lc() {
    // A PKCS#8 RSA key whose modulus claims 16,384 bits (the rest is junk: refused on size
    // before aws-lc would check it, seconds of modular arithmetic).
    let mut modulus = vec![0x00];
    modulus.extend(vec![0xC5; 2048]);
    let rsa = write::sequence(&[&write::integer(0), &write::tlv(der::INTEGER, &modulus), &write::integer(65537)]);
    let algorithm = write::sequence(&[&write::oid(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]), &write::null()]);
    let pkcs8 = write::sequence(&[&write::integer(0), &algorithm, &write::octet_string(&rsa)]);
    let error = PrivateKey::from_pkcs8(Sensitive::new(pkcs8)).unwrap_err();
    assert_eq!(error.code(), "keys.unsupported");
    assert!(error.to_string().contains("RSA 16384 bits"), "{error}");
}

/// An OCSPResponse (successful, basic) around `basic`'s content.
fn ocsp_response(basic_fields: &[&[u8]]) -> Vec<u8> {
    let basic = write::sequence(basic_fields);
    let oid_basic = [0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];
    let response_bytes = write::sequence(&[&write::oid(&oid_basic), &write::octet_string(&basic)]);
    write::sequence(&[&write::tlv(0x0A, &[0]), &write::explicit(0, &response_bytes)])
}

#[test]
fn ocsp_responses_are_bounded() {
    let tbs = write::sequence(&[]);
    let algorithm = write::sequence(&[&write::oid(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B])]);
    let signature = write::tlv(0x03, &[0, 1, 2]);
    // More certificates than any responder sends.
    let leaf = leaf_der();
    let certs: Vec<&[u8]> = vec![&leaf; certisante_pki::revocation::MAX_OCSP_CERTS + 1];
    let many = ocsp_response(&[&tbs, &algorithm, &signature, &write::explicit(0, &write::sequence(&certs))]);
    let error = parse_ocsp_response(&many).map(|_| ()).unwrap_err();
    assert_eq!(error.code(), "revocation.ocsp_invalid");
    assert!(error.to_string().contains("more certificates"), "{error}");
    // Larger than any response (the fetcher stops at the same size).
    let mut huge = ocsp_response(&[&tbs, &algorithm, &signature]);
    huge.resize(certisante_pki::revocation::MAX_OCSP_RESPONSE_SIZE + 1, 0);
    assert_eq!(parse_ocsp_response(&huge).map(|_| ()).unwrap_err().code(), "revocation.ocsp_invalid");
}

/// Every reader the fuzz targets drive, on 1 MB of every kind of nesting (indefinite and
/// definite lengths; SEQUENCE, SET, constructed OCTET STRING, [0], [3]), on a thread with
/// the default 2 MB stack: data-driven recursion anywhere, ours or a library's, would
/// overflow it. The fuzzer's inputs are too small to find that.
#[test]
fn every_reader_survives_deep_nesting_of_every_kind() {
    for tag in [der::SEQUENCE, der::SET, der::OCTET_STRING_CONSTRUCTED, der::CONTEXT_0, 0xA3] {
        let indefinite = [tag, 0x80].repeat(1 << 19);
        let definite = nested_definite(tag, 200_000, write::octet_string(b"A"));
        for input in [indefinite, definite] {
            within(120, move || {
                for (_, run) in certisante_pki::fuzzing::TARGETS {
                    run(&input);
                }
            });
        }
    }
}

/// The same inside a PKCS#12 where our reader does not look but p12-keystore's does: a
/// bag attribute's value, read with and without the password.
#[test]
fn deep_nesting_inside_pkcs12_bag_attributes_is_survived() {
    let leaf = leaf_der();
    for tag in [der::SEQUENCE, der::SET, der::CONTEXT_0] {
        let deep = nested_definite(tag, 200_000, vec![]);
        let attribute = write::sequence(&[&write::oid(der::oid::FRIENDLY_NAME), &write::tlv(der::SET, &deep)]);
        let mut bag = cert_bag(&leaf);
        let (outer, _) = der::read(&bag).unwrap();
        bag = write::tlv(der::SEQUENCE, &[outer.content, &write::tlv(der::SET, &attribute)].concat());
        let file = pfx(&[plain_safe(&[bag])]);
        within(120, move || {
            let _ = read_container(&file, None);
            let _ = read_container(&file, Some(&password(P12_PASSWORD)));
        });
    }
}
