//! The card code on REAL PKCS#11 tokens standing for a CPS card: SoftHSM2 (never locks)
//! and opencryptoki's soft token (locks after wrong PINs like a card). Set them up first:
//!
//!   tests/harness/tokens.sh all <dir>
//!   CERTISANTE_TOKEN_HARNESS=<dir> cargo test -p certisante-devices --test token
//!
//! Without the harness every test fails with that message: no silent skip.
//!
//! Each module is loaded through a private copy of OpenSC's pkcs11-spy, whose log shows
//! every C_Login and the PIN it carried: the tests count logins and check that the code
//! never sent a PIN the test did not pass.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use certisante_devices::token::{read_tokens, CardType, InfoSource, KeyAlgorithm, KeyRole, Module, ModuleSource, SignMechanism, Token};
use certisante_pki::Sensitive;

const HARNESS_ENV: &str = "CERTISANTE_TOKEN_HARNESS";

struct Side {
    env: HashMap<String, String>,
    module: Module,
    spy_log: PathBuf,
}

struct Harness {
    softhsm: Side,
    ock: Side,
}

fn read_env(path: &Path) -> HashMap<String, String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}. The token harness did not run (completely): run `tests/harness/tokens.sh all <dir>` first", path.display()));
    text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect()
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let dir = std::env::var_os(HARNESS_ENV).map(PathBuf::from).unwrap_or_else(|| {
            panic!(
                "{HARNESS_ENV} is not set: these tests need the real PKCS#11 tokens of the harness. Run\n  \
                 tests/harness/tokens.sh all <dir>\n  {HARNESS_ENV}=<dir> cargo test -p certisante-devices --test token"
            )
        });
        let softhsm = read_env(&dir.join("softhsm.env"));
        let ock = read_env(&dir.join("opencryptoki.env"));
        // SAFETY (of env mutation): done once, before any module is loaded, under the
        // OnceLock; the spies read these variables when loaded just below.
        std::env::set_var("SOFTHSM2_CONF", &softhsm["SOFTHSM2_CONF"]);
        let load = |env: &HashMap<String, String>, real: &str, spy: &str, name: &str| {
            let log = dir.join("spy").join(format!("{name}-{}.log", std::process::id()));
            let _ = std::fs::remove_file(&log);
            std::env::set_var("PKCS11SPY", &env[real]);
            std::env::set_var("PKCS11SPY_OUTPUT", &log);
            let module = Module::open(Some(Path::new(&env[spy]))).unwrap_or_else(|e| panic!("cannot load {} through the spy: {e} [{}]", env[real], e.code()));
            Side { env: env.clone(), module, spy_log: log }
        };
        let softhsm = load(&softhsm, "SOFTHSM_MODULE", "SOFTHSM_SPY", "softhsm");
        let ock = load(&ock, "OCK_MODULE", "OCK_SPY", "opencryptoki");
        Harness { softhsm, ock }
    })
}

/// Login state is per process and token, and the spy log is per module: tests on one
/// module run one at a time.
fn lock(which: &'static Mutex<()>) -> MutexGuard<'static, ()> {
    which.lock().unwrap_or_else(|e| e.into_inner())
}
static SOFTHSM: Mutex<()> = Mutex::new(());
static OCK: Mutex<()> = Mutex::new(());

fn token(side: &Side, label: &str) -> Token {
    let tokens = side.module.tokens().expect("slots with a token");
    tokens
        .into_iter()
        .find(|t| t.details().ok().and_then(|d| d.label).as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no token labelled {label} in {}: did the harness run?", side.module.path().display()))
}

fn pin(text: &str) -> Sensitive<String> {
    Sensitive::new(text.to_string())
}

/// Every user C_Login the spy saw, with the PIN bytes it carried (`None`: no PIN).
fn spy_logins(side: &Side) -> Vec<Option<Vec<u8>>> {
    let text = std::fs::read_to_string(&side.spy_log).unwrap_or_default();
    let mut logins = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim_start().split(": ").nth(1).is_none_or(|f| f.trim() != "C_Login") {
            continue;
        }
        let (mut user, mut pin, mut want) = (false, None::<Vec<u8>>, 0usize);
        while let Some(next) = lines.peek() {
            let l = next.trim();
            if l.starts_with("Returned:") || l.is_empty() {
                break;
            }
            if l.starts_with("[in] userType") {
                user = l.ends_with("CKU_USER");
            } else if let Some(rest) = l.strip_prefix("[in] pPin[ulPinLen]") {
                want = rest.rsplit('/').next().and_then(|n| n.trim().parse().ok()).unwrap_or(0);
                pin = (want > 0).then(Vec::new);
            } else if let Some(bytes) = pin.as_mut() {
                // "00000000  31 32 33 34   1234": the offset, then `want` hex bytes.
                for tok in l.split_whitespace().skip(1) {
                    if bytes.len() == want {
                        break;
                    }
                    bytes.push(u8::from_str_radix(tok, 16).expect("spy hex dump"));
                }
            }
            lines.next();
        }
        if user {
            logins.push(pin);
        }
    }
    logins
}

fn new_logins(side: &Side, before: usize) -> Vec<Option<Vec<u8>>> {
    spy_logins(side).split_off(before)
}

fn verify(cert_der: &[u8], alg: &'static dyn VerificationAlgorithm, message: &[u8], sig: &[u8]) {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).expect("certificate");
    let key = cert.public_key().subject_public_key.data.to_vec();
    UnparsedPublicKey::new(alg, key).verify(message, sig).expect("the signature verifies with the certificate's key");
}

#[test]
fn a_missing_module_names_the_paths_tried() {
    let err = Module::open(Some(Path::new("/nonexistent/galss/libcps3_pkcs11_lux.so"))).unwrap_err();
    assert_eq!(err.code(), "token.module_not_found");
    assert!(err.to_string().contains("/nonexistent/galss/libcps3_pkcs11_lux.so"), "{err}");
}

#[test]
fn certificates_and_holder_are_read_without_the_pin() {
    let h = harness();
    let _guard = lock(&SOFTHSM);
    let before = spy_logins(&h.softhsm).len();

    let cps = token(&h.softhsm, "CPS-TEST");
    let view = cps.view().expect("token view");
    assert_eq!(view.details.source, InfoSource::Token);
    assert_eq!(view.details.initialized, Some(true));
    assert_eq!(view.details.pin.min_length, Some(4));
    assert!(view.details.pin.known && view.details.pin.initialized && !view.details.pin.locked);
    // SoftHSM never sets it; the decision logic is unit-tested in token::pin.
    assert!(!view.details.pin.protected_authentication_path);
    assert!(view.warnings.is_empty(), "{:?}", view.warnings);

    let ids: Vec<(&str, KeyRole)> = view.certificates.iter().map(|c| (c.id.as_str(), c.role)).collect();
    assert_eq!(ids, vec![("cc20", KeyRole::Authentication), ("cc10", KeyRole::Signature)]);
    let pki = PathBuf::from(&h.softhsm.env["PKI_DIR"]);
    let certs = cps.certificates().unwrap();
    assert_eq!(certs[0].der, std::fs::read(pki.join("CPS-TEST-cc20.der")).unwrap());
    assert_eq!(certs[1].der, std::fs::read(pki.join("CPS-TEST-cc10.der")).unwrap());
    assert_eq!(certs[0].label.as_deref(), Some("CPS authentication"));
    let auth = &view.certificates[0];
    assert_eq!(auth.status, Some(certisante_pki::view::Status::Valid));
    assert!((1090..=1095).contains(&auth.days_left.unwrap()), "{:?}", auth.days_left);
    assert!(auth.subject.as_deref().unwrap().contains("899700218896/JEAN DUPONT"));

    let holder = view.holder.expect("holder");
    assert_eq!(holder.name.as_deref(), Some("JEAN DUPONT"));
    assert_eq!(holder.identifier.as_deref(), Some("899700218896"));
    assert_eq!(holder.card_type, CardType::Cps);
    assert_eq!(holder.structure_id.as_deref(), Some("110B0073160"));

    let cpe = token(&h.softhsm, "CPE-TEST").view().unwrap();
    let holder = cpe.holder.expect("holder");
    assert_eq!((holder.card_type, holder.identifier.as_deref(), holder.name.as_deref()), (CardType::Cpe, Some("310B0073160/CPET00001"), Some("MARIE MARTIN")));

    // The module-level read skips SoftHSM's blank spare slot.
    let all = read_tokens(Some(h.softhsm.module.path())).unwrap();
    assert_eq!(all.module.source, ModuleSource::Setting);
    let mut labels: Vec<_> = all.tokens.iter().filter_map(|t| t.details.label.clone()).collect();
    labels.sort();
    assert_eq!(labels, vec!["CPE-TEST", "CPS-TEST"]);

    assert_eq!(new_logins(&h.softhsm, before), vec![], "reading certificates must not log in");
}

#[test]
fn a_wrong_pin_is_one_login_and_comes_back_with_the_fresh_state() {
    let h = harness();
    let _guard = lock(&SOFTHSM);
    let cps = token(&h.softhsm, "CPS-TEST");
    let before = spy_logins(&h.softhsm).len();

    let err = cps.login(Some(&pin("9876"))).unwrap_err();
    assert_eq!(err.code(), "token.pin_incorrect");
    let status = err.pin_status().expect("status re-read after the failure");
    assert!(status.known && status.count_low, "{status:?}");
    assert!(!err.to_string().contains("9876"));
    assert_eq!(new_logins(&h.softhsm, before), vec![Some(b"9876".to_vec())], "exactly one C_Login, with the PIN given");

    // A good login afterwards clears the count (and proves the wrong one was not retried).
    let before = spy_logins(&h.softhsm).len();
    drop(cps.login(Some(&pin(&h.softhsm.env["USER_PIN"]))).expect("right PIN"));
    assert_eq!(new_logins(&h.softhsm, before), vec![Some(b"1234".to_vec())]);
    assert!(!cps.pin_status().unwrap().count_low);
}

#[test]
fn pins_the_token_cannot_take_never_reach_it() {
    let h = harness();
    let _guard = lock(&SOFTHSM);
    let cps = token(&h.softhsm, "CPS-TEST");
    let before = spy_logins(&h.softhsm).len();
    assert_eq!(cps.login(Some(&pin("12"))).unwrap_err().code(), "token.pin_length");
    assert_eq!(cps.login(Some(&pin(""))).unwrap_err().code(), "token.pin_required");
    // No protected authentication path on SoftHSM: no PIN, no login.
    assert_eq!(cps.login(None).unwrap_err().code(), "token.pin_required");
    assert_eq!(new_logins(&h.softhsm, before), vec![]);
}

#[test]
fn the_right_pin_signs_with_the_non_extractable_authentication_key() {
    let h = harness();
    let _guard = lock(&SOFTHSM);
    let cps = token(&h.softhsm, "CPS-TEST");
    let cert = cps.certificates().unwrap().into_iter().find(|c| c.role == KeyRole::Authentication).unwrap();
    let before = spy_logins(&h.softhsm).len();
    let session = cps.login(Some(&pin("1234"))).expect("login");
    assert_eq!(new_logins(&h.softhsm, before).len(), 1);

    let key = session.authentication_key().unwrap().expect("authentication key");
    assert_eq!((key.id.as_str(), key.algorithm, key.bits), ("cc20", KeyAlgorithm::Rsa, Some(2048)));
    assert_eq!((key.sensitive, key.extractable, key.never_extractable), (Some(true), Some(false), Some(true)));
    assert_eq!(session.private_keys().unwrap().len(), 2);

    let message = b"TLS 1.3, client CertificateVerify";
    let id = hex::decode(&key.id).unwrap();
    let cases: [(SignMechanism, &'static dyn VerificationAlgorithm); 4] = [
        (SignMechanism::RsaPkcs1Sha256, &signature::RSA_PKCS1_2048_8192_SHA256),
        (SignMechanism::RsaPkcs1Sha384, &signature::RSA_PKCS1_2048_8192_SHA384),
        (SignMechanism::RsaPssSha256, &signature::RSA_PSS_2048_8192_SHA256),
        (SignMechanism::RsaPssSha512, &signature::RSA_PSS_2048_8192_SHA512),
    ];
    for (mechanism, alg) in cases {
        let sig = session.sign(&id, mechanism, message).unwrap_or_else(|e| panic!("{mechanism:?}: {e}"));
        verify(&cert.der, alg, message, &sig);
    }
    assert_eq!(session.sign(&id, SignMechanism::EcdsaSha256, message).unwrap_err().code(), "token.mechanism_mismatch");
    assert_eq!(session.sign(&[0xde, 0xad], SignMechanism::RsaPkcs1Sha256, message).unwrap_err().code(), "token.key_not_found");

    // One login per token and process: a second one is refused without touching the card.
    let before = spy_logins(&h.softhsm).len();
    assert_eq!(cps.login(Some(&pin("1234"))).unwrap_err().code(), "token.already_logged_in");
    assert_eq!(new_logins(&h.softhsm, before), vec![]);

    // Dropping the session logs out: signing needs a new login, which works.
    drop(session);
    let session = cps.login(Some(&pin("1234"))).expect("login after logout");
    session.logout().expect("explicit logout");
}

#[test]
fn an_ec_card_signs_with_ecdsa() {
    let h = harness();
    let _guard = lock(&SOFTHSM);
    let cpe = token(&h.softhsm, "CPE-TEST");
    let cert = cpe.certificates().unwrap().remove(0);
    let session = cpe.login(Some(&pin("1234"))).expect("login");
    let key = session.authentication_key().unwrap().expect("authentication key");
    assert_eq!(key.algorithm, KeyAlgorithm::Ec);
    let id = hex::decode(&key.id).unwrap();
    let message = b"TLS 1.2, client CertificateVerify";
    let sig = session.sign(&id, SignMechanism::EcdsaSha256, message).unwrap();
    verify(&cert.der, &signature::ECDSA_P256_SHA256_ASN1, message, &sig);
    let sig = session.sign(&id, SignMechanism::EcdsaSha384, message).unwrap();
    verify(&cert.der, &signature::ECDSA_P256_SHA384_ASN1, message, &sig);
    assert_eq!(session.sign(&id, SignMechanism::RsaPssSha256, message).unwrap_err().code(), "token.mechanism_mismatch");
}

/// Unblocks the user PIN with the SO PIN in a separate process (as an administrator would),
/// so that the test starts and ends with a usable token, whatever an earlier run left.
fn ock_unblock(h: &Harness) {
    let pkcsconf = ["/usr/sbin/pkcsconf", "pkcsconf"].into_iter().find(|p| !p.contains('/') || Path::new(p).exists()).unwrap();
    let out = std::process::Command::new(pkcsconf)
        .args(["-u", "-c", &h.ock.env["OCK_SLOT"], "-S", &h.ock.env["OCK_SO_PIN"], "-n", &h.ock.env["USER_PIN"]])
        .output()
        .expect("pkcsconf runs");
    assert!(out.status.success(), "pkcsconf -u failed: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn opencryptoki_locks_and_then_refuses_even_the_right_pin() {
    let h = harness();
    let _guard = lock(&OCK);
    ock_unblock(h);
    let ock = token(&h.ock, "CPS-OCK");

    // This token's info is read (raw), with its PIN limits.
    let details = ock.details().unwrap();
    assert_eq!((details.source, details.pin.max_length), (InfoSource::Token, Some(8)));
    assert!(details.pin.known && !details.pin.locked, "{:?}", details.pin);
    assert_eq!(ock.certificates().unwrap().len(), 2, "certificates readable without the PIN");

    let wrong = ["1111", "2222", "3333", "4444", "5555", "6666", "7777", "8888"];
    let mut results = Vec::new();
    for p in wrong {
        let before = spy_logins(&h.ock).len();
        let err = ock.login(Some(&pin(p))).expect_err("a wrong PIN never logs in");
        let sent = new_logins(&h.ock, before);
        assert!(sent.len() <= 1, "one call, at most one C_Login: {sent:?}");
        if let Some(s) = sent.first() {
            assert_eq!(s.as_deref(), Some(p.as_bytes()), "the only PIN sent is the one passed");
        }
        if err.code() == "token.pin_incorrect" {
            assert_eq!(sent.len(), 1, "a refused PIN was sent exactly once");
            assert!(err.pin_status().unwrap().known);
        }
        let locked = err.code() == "token.pin_locked";
        results.push((p, err.code(), sent.len()));
        if locked {
            break;
        }
    }
    let (_, last, _) = *results.last().unwrap();
    assert_eq!(last, "token.pin_locked", "the token locked: {results:?}");
    assert!(results.len() >= 2, "{results:?}");
    assert!(results[..results.len() - 1].iter().all(|(_, c, _)| *c == "token.pin_incorrect"), "{results:?}");
    // opencryptoki reports the lock in its flags as soon as it happens.
    assert!(ock.pin_status().unwrap().locked);

    // Locked: the right PIN is refused as well, and never sent.
    let before = spy_logins(&h.ock).len();
    let err = ock.login(Some(&pin("1234"))).unwrap_err();
    assert_eq!(err.code(), "token.pin_locked");
    assert!(err.to_string().contains("unblock code"), "{err}");
    assert_eq!(new_logins(&h.ock, before), vec![]);

    // Every PIN the spy ever saw on this module was one the tests passed.
    let passed: Vec<&[u8]> = wrong.iter().map(|p| p.as_bytes()).chain([b"1234".as_slice()]).collect();
    for sent in spy_logins(&h.ock) {
        let sent = sent.expect("a PIN");
        assert!(passed.contains(&sent.as_slice()), "unexpected PIN sent: {sent:?}");
    }

    // Unblocked by the SO, the right PIN works again and the card signs.
    ock_unblock(h);
    assert!(!ock.pin_status().unwrap().locked);
    let cert = ock.certificates().unwrap().remove(0);
    let session = ock.login(Some(&pin("1234"))).expect("login after unblock");
    let message = b"after unblock";
    let sig = session.sign(&[0xcc, 0x20], SignMechanism::RsaPkcs1Sha256, message).unwrap();
    verify(&cert.der, &signature::RSA_PKCS1_2048_8192_SHA256, message, &sig);
}
