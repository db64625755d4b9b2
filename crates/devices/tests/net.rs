//! Card-authenticated HTTPS against a real TLS server (`openssl s_server -Verify 1`, spawned
//! per test on a free port through tests/harness/tls-server.sh), first with software keys
//! that play the card, then with the SoftHSM2 tokens of the token harness:
//!
//!   tests/harness/tokens.sh softhsm <dir>
//!   CERTISANTE_TOKEN_HARNESS=<dir> cargo test -p certisante-devices --test net
//!
//! Without the token harness the token tests fail with that message: no silent skip.

use std::collections::HashMap;
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, EcdsaKeyPair, RsaKeyPair};
use certisante_devices::net::{card_client, card_client_with, CardClientOptions, ClientKey, KeyError, NetError, SignScheme, TokenClientKey};
use certisante_devices::token::{Module, Token};
use certisante_pki::Sensitive;

/// Bound on any request of these tests: a failure must come back, not hang.
const REQUEST_BOUND: Duration = Duration::from_secs(20);

fn harness_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/harness/tls-server.sh")
}

/// The test PKI, made once per test process by tls-server.sh.
struct Pki {
    dir: PathBuf,
    _keep: tempfile::TempDir,
}

impl Pki {
    fn der(&self, name: &str) -> Vec<u8> {
        pem_to_der(&std::fs::read_to_string(self.dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}")))
    }

    fn bytes(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn roots(&self) -> Vec<Vec<u8>> {
        vec![self.der("ca.pem")]
    }
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let keep = tempfile::tempdir().expect("temp dir");
        let dir = keep.path().join("pki");
        let out = Command::new("bash").arg(harness_script()).arg("pki").arg(&dir).output().expect("run tls-server.sh");
        assert!(out.status.success(), "tls-server.sh pki failed: {}", String::from_utf8_lossy(&out.stderr));
        Pki { dir, _keep: keep }
    })
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    use base64::Engine;
    let body: String = pem.lines().skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE")).skip(1).take_while(|l| !l.starts_with("-----END")).collect();
    base64::engine::general_purpose::STANDARD.decode(body).expect("PEM body")
}

/// One `openssl s_server`, killed on drop.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    /// `version`: tls1_2, tls1_3 or any. `client_ca`: a CA accepted besides the test CA.
    fn start(version: &str, client_ca: Option<&Path>) -> Server {
        let pki = pki();
        // A free port can be taken between our probe and s_server's bind: try a few.
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let log = pki.dir.join(format!("s_server-{port}.log"));
            let out = File::create(&log).unwrap();
            let mut command = Command::new("bash");
            command.arg(harness_script()).arg("serve").arg(&pki.dir).arg(port.to_string()).arg(version);
            if let Some(ca) = client_ca {
                command.arg(ca);
            }
            let child = command.stdin(Stdio::null()).stdout(out.try_clone().unwrap()).stderr(out).spawn().expect("spawn s_server");
            let mut server = Server { child, port, log };
            if server.wait_listening() {
                return server;
            }
        }
        panic!("openssl s_server did not start");
    }

    fn wait_listening(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.child.try_wait().unwrap().is_some() {
                return false;
            }
            // Printed once bound; not a TCP probe, which another test's server on a
            // recycled port could answer.
            if self.log().lines().any(|l| l.trim() == "ACCEPT") {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}/", self.port)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

enum SoftPrivate {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

/// A software key playing the card: it records every signature it is asked for and can be
/// "pulled out" (then it answers as a card middleware does: card removed).
struct SoftCard {
    chain: Vec<Vec<u8>>,
    schemes: Vec<SignScheme>,
    key: SoftPrivate,
    present: AtomicBool,
    /// Pull the card out at the next signature, i.e. in the middle of a handshake.
    pull_at_next_sign: AtomicBool,
    delay: Duration,
    signed: Mutex<Vec<SignScheme>>,
}

impl SoftCard {
    fn rsa(schemes: &[SignScheme]) -> Arc<SoftCard> {
        let pki = pki();
        let key = RsaKeyPair::from_pkcs8(&pki.bytes("client.pk8")).expect("RSA PKCS#8");
        Self::new(pki.der("client.pem"), schemes, SoftPrivate::Rsa(key))
    }

    fn ec() -> Arc<SoftCard> {
        let pki = pki();
        let key = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, &pki.bytes("client-ec.pk8")).expect("EC PKCS#8");
        Self::new(pki.der("client-ec.pem"), &[SignScheme::EcdsaSha256], SoftPrivate::Ec(key))
    }

    fn new(cert: Vec<u8>, schemes: &[SignScheme], key: SoftPrivate) -> Arc<SoftCard> {
        Arc::new(SoftCard {
            chain: vec![cert],
            schemes: schemes.to_vec(),
            key,
            present: AtomicBool::new(true),
            pull_at_next_sign: AtomicBool::new(false),
            delay: Duration::ZERO,
            signed: Mutex::new(Vec::new()),
        })
    }

    fn signed(&self) -> Vec<SignScheme> {
        self.signed.lock().unwrap().clone()
    }
}

impl ClientKey for SoftCard {
    fn certificate_chain(&self) -> Vec<Vec<u8>> {
        self.chain.clone()
    }

    fn schemes(&self) -> Vec<SignScheme> {
        self.schemes.clone()
    }

    fn sign(&self, scheme: SignScheme, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.signed.lock().unwrap().push(scheme);
        std::thread::sleep(self.delay);
        if self.pull_at_next_sign.swap(false, Ordering::SeqCst) {
            self.present.store(false, Ordering::SeqCst);
        }
        if !self.present.load(Ordering::SeqCst) {
            return Err(KeyError::CardRemoved);
        }
        let rng = SystemRandom::new();
        match &self.key {
            SoftPrivate::Rsa(key) => {
                let padding: &'static dyn signature::RsaEncoding = match scheme {
                    SignScheme::RsaPkcs1Sha256 => &signature::RSA_PKCS1_SHA256,
                    SignScheme::RsaPkcs1Sha384 => &signature::RSA_PKCS1_SHA384,
                    SignScheme::RsaPkcs1Sha512 => &signature::RSA_PKCS1_SHA512,
                    SignScheme::RsaPssSha256 => &signature::RSA_PSS_SHA256,
                    SignScheme::RsaPssSha384 => &signature::RSA_PSS_SHA384,
                    SignScheme::RsaPssSha512 => &signature::RSA_PSS_SHA512,
                    other => panic!("an RSA key asked for {other:?}"),
                };
                let mut out = vec![0; key.public_modulus_len()];
                key.sign(padding, &rng, message, &mut out).map_err(|_| KeyError::Failed { code: "test.sign", message: "ring".into() })?;
                Ok(out)
            }
            SoftPrivate::Ec(key) => {
                assert_eq!(scheme, SignScheme::EcdsaSha256);
                let sig = key.sign(&rng, message).map_err(|_| KeyError::Failed { code: "test.sign", message: "ring".into() })?;
                Ok(sig.as_ref().to_vec())
            }
        }
    }
}

const RSA_ALL: [SignScheme; 6] = [
    SignScheme::RsaPssSha256,
    SignScheme::RsaPssSha384,
    SignScheme::RsaPssSha512,
    SignScheme::RsaPkcs1Sha256,
    SignScheme::RsaPkcs1Sha384,
    SignScheme::RsaPkcs1Sha512,
];
const RSA_PKCS1: [SignScheme; 3] = [SignScheme::RsaPkcs1Sha256, SignScheme::RsaPkcs1Sha384, SignScheme::RsaPkcs1Sha512];

/// GET `url`; the s_server status page on success.
async fn get(client: &reqwest::Client, url: &str) -> Result<String, NetError> {
    let request = async {
        let response = client.get(url).send().await?;
        assert!(response.status().is_success(), "status {}", response.status());
        response.text().await
    };
    match tokio::time::timeout(REQUEST_BOUND, request).await {
        Ok(result) => result.map_err(NetError::from),
        Err(_) => panic!("the request to {url} hung for {REQUEST_BOUND:?}"),
    }
}

fn protocol(page: &str) -> &str {
    page.lines().find_map(|l| l.trim().strip_prefix("Protocol  : ")).unwrap_or_else(|| panic!("no protocol in page:\n{page}"))
}

fn expect_ok(result: Result<String, NetError>, server: &Server) -> String {
    result.unwrap_or_else(|e| panic!("request failed: {e} [{}]\ns_server log:\n{}", e.code(), server.log()))
}

#[tokio::test]
async fn tls12_request_authenticates_with_the_key_preferring_pss() {
    let server = Server::start("tls1_2", None);
    let card = SoftCard::rsa(&RSA_ALL);
    let client = card_client(card.clone(), &pki().roots()).unwrap();
    let page = expect_ok(get(&client, &server.url()).await, &server);
    assert_eq!(protocol(&page), "TLSv1.2");
    assert!(page.contains("CN=SOFTWARE CARD RSA"), "the server did not see the card's certificate:\n{page}");
    assert_eq!(card.signed(), [SignScheme::RsaPssSha256]);
}

#[tokio::test]
async fn tls13_request_authenticates_with_rsa_pss() {
    let server = Server::start("tls1_3", None);
    let card = SoftCard::rsa(&RSA_ALL);
    let client = card_client(card.clone(), &pki().roots()).unwrap();
    let page = expect_ok(get(&client, &server.url()).await, &server);
    assert_eq!(protocol(&page), "TLSv1.3");
    assert!(page.contains("CN=SOFTWARE CARD RSA"), "{page}");
    assert_eq!(card.signed(), [SignScheme::RsaPssSha256]);
}

#[tokio::test]
async fn a_pkcs1_only_key_signs_pkcs1_on_tls12_and_never_offers_tls13() {
    let server = Server::start("tls1_2", None);
    let card = SoftCard::rsa(&RSA_PKCS1);
    let client = card_client(card.clone(), &pki().roots()).unwrap();
    let page = expect_ok(get(&client, &server.url()).await, &server);
    assert_eq!(protocol(&page), "TLSv1.2");
    assert_eq!(card.signed(), [SignScheme::RsaPkcs1Sha256]);

    // A server that would take TLS 1.3 gets TLS 1.2: the key could not sign in 1.3.
    let server = Server::start("any", None);
    let page = expect_ok(get(&client, &server.url()).await, &server);
    assert_eq!(protocol(&page), "TLSv1.2");
    assert_eq!(card.signed(), [SignScheme::RsaPkcs1Sha256; 2]);
}

#[tokio::test]
async fn an_ec_key_authenticates_with_ecdsa_over_both_versions() {
    let card = SoftCard::ec();
    let client = card_client(card.clone(), &pki().roots()).unwrap();
    for version in ["tls1_3", "tls1_2"] {
        let server = Server::start(version, None);
        let page = expect_ok(get(&client, &server.url()).await, &server);
        assert_eq!(protocol(&page), version.replace("tls1_", "TLSv1."));
        assert!(page.contains("CN=SOFTWARE CARD EC"), "{page}");
    }
    assert_eq!(card.signed(), [SignScheme::EcdsaSha256; 2]);
}

#[tokio::test]
async fn every_request_makes_the_card_sign_again() {
    for version in ["tls1_2", "tls1_3"] {
        let server = Server::start(version, None);
        let card = SoftCard::rsa(&RSA_ALL);
        let client = card_client(card.clone(), &pki().roots()).unwrap();
        for n in 1..=3 {
            let page = expect_ok(get(&client, &server.url()).await, &server);
            // s_server offers resumption (session IDs, tickets): only the client refuses it.
            assert!(page.contains(&format!("New, {}", protocol(&page))), "{version} request {n} was not a new session:\n{page}");
            assert_eq!(card.signed().len(), n, "{version}: request {n} did not make the card sign");
        }
    }
}

/// The control for the test above: with rustls' default resumption put back, the same
/// server resumes the session and the card is not asked again. This is what
/// `card_client` prevents, and it shows the "New," check can see a resumption.
#[tokio::test]
async fn with_resumption_on_a_connection_would_skip_the_card() {
    for version in ["tls1_2", "tls1_3"] {
        let server = Server::start(version, None);
        let card = SoftCard::rsa(&RSA_ALL);
        let mut config = certisante_devices::net::card_tls_config(card.clone(), &pki().roots(), &CardClientOptions::default()).unwrap();
        config.resumption = rustls::client::Resumption::default();
        let client = reqwest::Client::builder().tls_backend_preconfigured(config).pool_max_idle_per_host(0).build().unwrap();
        expect_ok(get(&client, &server.url()).await, &server);
        let page = expect_ok(get(&client, &server.url()).await, &server);
        assert!(page.contains("Reused, "), "{version}: the control did not resume:\n{page}");
        assert_eq!(card.signed().len(), 1, "{version}");
    }
}

#[tokio::test]
async fn a_client_without_certificate_is_refused() {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(rustls::pki_types::CertificateDer::from(pki().der("ca.pem"))).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    // TLS 1.3: the refusal comes after the client's Finished, racing with the request; when
    // the request reaches the server first, the alert is lost in a reset connection.
    let refused_13: &[&str] = &["net.client_certificate_refused", "net.connection_closed"];
    for (version, codes) in [("tls1_3", refused_13), ("tls1_2", &["net.handshake_refused"][..])] {
        let server = Server::start(version, None);
        let config = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots.clone())
            .with_no_client_auth();
        let client = reqwest::Client::builder().tls_backend_preconfigured(config).build().unwrap();
        let e = get(&client, &server.url()).await.expect_err("a client without a certificate got an answer");
        assert!(codes.contains(&e.code()), "{version}: {e} [{}]", e.code());
    }
}

#[tokio::test]
async fn pulling_the_card_out_mid_handshake_fails_that_request_cleanly() {
    for version in ["tls1_2", "tls1_3"] {
        let server = Server::start(version, None);
        let card = SoftCard::rsa(&RSA_ALL);
        let client = card_client(card.clone(), &pki().roots()).unwrap();
        expect_ok(get(&client, &server.url()).await, &server);

        card.pull_at_next_sign.store(true, Ordering::SeqCst);
        let e = get(&client, &server.url()).await.expect_err("a request succeeded without the card");
        assert_eq!(e, NetError::CardRemoved, "{version}");
        assert_eq!(e.code(), "net.card_removed");
        assert_eq!(card.signed().len(), 2);

        // Still out: every new request needs the card.
        assert_eq!(get(&client, &server.url()).await.unwrap_err(), NetError::CardRemoved);
        // Put back: the same client works again.
        card.present.store(true, Ordering::SeqCst);
        expect_ok(get(&client, &server.url()).await, &server);
        assert_eq!(card.signed().len(), 4);
    }
}

#[tokio::test]
async fn a_card_that_does_not_answer_fails_the_request_in_time() {
    let server = Server::start("tls1_3", None);
    let mut card = Arc::try_unwrap(SoftCard::rsa(&RSA_ALL)).ok().unwrap();
    card.delay = Duration::from_secs(10);
    let options = CardClientOptions { sign_timeout: Duration::from_millis(500), ..CardClientOptions::default() };
    let client = card_client_with(Arc::new(card), &pki().roots(), &options).unwrap();
    let started = Instant::now();
    let e = get(&client, &server.url()).await.unwrap_err();
    assert_eq!(e.code(), "net.card_timeout", "{e}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_server_outside_the_given_roots_is_refused() {
    let server = Server::start("any", None);
    let card = SoftCard::rsa(&RSA_ALL);
    let client = card_client(card.clone(), &[pki().der("other-ca.pem")]).unwrap();
    let e = get(&client, &server.url()).await.unwrap_err();
    assert_eq!(e.code(), "net.server_untrusted", "{e}");
    // The card is never asked to sign for a server it should not talk to.
    assert!(card.signed().is_empty());
}

#[tokio::test]
async fn plain_http_is_refused() {
    let card = SoftCard::rsa(&RSA_ALL);
    let client = card_client(card, &pki().roots()).unwrap();
    let e = get(&client, "http://127.0.0.1:9/").await.unwrap_err();
    assert_eq!(e.code(), "net.http", "{e}");
}

// ---- The real token: SoftHSM2 tokens of tests/harness/tokens.sh ------------------------

const HARNESS_ENV: &str = "CERTISANTE_TOKEN_HARNESS";

struct TokenHarness {
    env: HashMap<String, String>,
    module: Module,
}

fn token_harness() -> &'static TokenHarness {
    static HARNESS: OnceLock<TokenHarness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let dir = std::env::var_os(HARNESS_ENV).map(PathBuf::from).unwrap_or_else(|| {
            panic!(
                "{HARNESS_ENV} is not set: these tests need the SoftHSM2 tokens of the harness. Run\n  \
                 tests/harness/tokens.sh softhsm <dir>\n  {HARNESS_ENV}=<dir> cargo test -p certisante-devices --test net"
            )
        });
        let path = dir.join("softhsm.env");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}. The token harness did not run: run `tests/harness/tokens.sh softhsm <dir>` first", path.display()));
        let env: HashMap<String, String> = text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
        // Before the module is loaded: SoftHSM reads it at C_Initialize.
        std::env::set_var("SOFTHSM2_CONF", &env["SOFTHSM2_CONF"]);
        let module =
            Module::open(Some(Path::new(&env["SOFTHSM_MODULE"]))).unwrap_or_else(|e| panic!("cannot load {}: {e} [{}]", env["SOFTHSM_MODULE"], e.code()));
        TokenHarness { env, module }
    })
}

/// Login state is per process and token: token tests run one at a time.
fn token_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn harness_token(label: &str) -> Token {
    let h = token_harness();
    h.module
        .tokens()
        .expect("slots with a token")
        .into_iter()
        .find(|t| t.details().ok().and_then(|d| d.label).as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no token labelled {label}: did tests/harness/tokens.sh softhsm run?"))
}

/// The card's CA (the token harness's), for the server to accept its certificate.
fn token_ca() -> PathBuf {
    PathBuf::from(&token_harness().env["PKI_DIR"]).join("ca.pem")
}

/// Closes every session of the slot in the PKCS#11 module itself, as a middleware does
/// when the card leaves the reader: the next C_Sign gets CKR_SESSION_HANDLE_INVALID.
fn pull_out(slot_id: u64) {
    let path = &token_harness().env["SOFTHSM_MODULE"];
    // SAFETY: the library the token module already loaded and initialised (the OS returns
    // the same mapping); only its function list and C_CloseAllSessions are used.
    unsafe {
        let library = cryptoki_sys::Pkcs11::new(path).expect("dlopen SoftHSM");
        let mut list: *mut cryptoki_sys::CK_FUNCTION_LIST = std::ptr::null_mut();
        assert_eq!(library.C_GetFunctionList(&mut list), cryptoki_sys::CKR_OK);
        let close_all = (*list).C_CloseAllSessions.expect("C_CloseAllSessions");
        assert_eq!(close_all(slot_id as cryptoki_sys::CK_SLOT_ID), cryptoki_sys::CKR_OK);
    }
}

/// The token key, counting signatures; `pull` pulls the card out at the next signature.
struct Counted {
    inner: TokenClientKey,
    slot_id: u64,
    signs: AtomicUsize,
    pull: AtomicBool,
    schemes_used: Mutex<Vec<SignScheme>>,
}

impl ClientKey for Counted {
    fn certificate_chain(&self) -> Vec<Vec<u8>> {
        self.inner.certificate_chain()
    }

    fn schemes(&self) -> Vec<SignScheme> {
        self.inner.schemes()
    }

    fn sign(&self, scheme: SignScheme, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.signs.fetch_add(1, Ordering::SeqCst);
        self.schemes_used.lock().unwrap().push(scheme);
        if self.pull.swap(false, Ordering::SeqCst) {
            pull_out(self.slot_id);
        }
        self.inner.sign(scheme, message)
    }
}

fn token_key(label: &str) -> Arc<Counted> {
    let token = harness_token(label);
    let pin = Sensitive::new(token_harness().env["USER_PIN"].clone());
    let session = token.login(Some(&pin)).unwrap_or_else(|e| panic!("login on {label}: {e} [{}]", e.code()));
    let key = TokenClientKey::authentication(&token, session).unwrap_or_else(|e| panic!("{label}: {e} [{}]", e.code()));
    assert!(key.key_id().ends_with(&[0x20]), "not the authentication key: {}", hex::encode(key.key_id()));
    Arc::new(Counted { inner: key, slot_id: token.slot_id(), signs: AtomicUsize::new(0), pull: AtomicBool::new(false), schemes_used: Mutex::new(Vec::new()) })
}

// Each #[tokio::test] has its own runtime and thread: holding a std lock across awaits
// is what keeps the token tests one at a time.
#[allow(clippy::await_holding_lock)]
#[tokio::test]
async fn softhsm_rsa_card_authenticates_over_tls12_and_tls13_then_is_pulled_out() {
    let _lock = token_lock();
    let key = token_key("CPS-TEST");
    // SoftHSM signs RSA-PSS: the key offers it first, and PKCS#1 v1.5 too (for TLS 1.2).
    assert_eq!(key.schemes().first(), Some(&SignScheme::RsaPssSha256));
    assert!(key.schemes().contains(&SignScheme::RsaPkcs1Sha256));
    let client = card_client(key.clone(), &pki().roots()).unwrap();
    let ca = token_ca();
    for (n, version) in ["tls1_2", "tls1_3"].into_iter().enumerate() {
        let server = Server::start(version, Some(&ca));
        for request in 0..2 {
            let page = expect_ok(get(&client, &server.url()).await, &server);
            assert_eq!(protocol(&page), version.replace("tls1_", "TLSv1."));
            assert!(page.contains("SN=DUPONT, GN=JEAN"), "the server did not see the card's certificate:\n{page}");
            assert_eq!(key.signs.load(Ordering::SeqCst), n * 2 + request + 1, "{version}: every connection must make the card sign");
        }
    }
    assert!(key.schemes_used.lock().unwrap().iter().all(|s| *s == SignScheme::RsaPssSha256));

    // The card leaves the reader during the next handshake.
    let server = Server::start("tls1_3", Some(&ca));
    key.pull.store(true, Ordering::SeqCst);
    let e = get(&client, &server.url()).await.expect_err("a request succeeded after the card was pulled out");
    assert_eq!(e.code(), "net.card_removed", "{e}");
    assert_eq!(get(&client, &server.url()).await.unwrap_err().code(), "net.card_removed");
}

#[allow(clippy::await_holding_lock)]
#[tokio::test]
async fn softhsm_ec_card_authenticates_with_ecdsa() {
    let _lock = token_lock();
    let key = token_key("CPE-TEST");
    assert_eq!(key.schemes(), [SignScheme::EcdsaSha256]);
    let client = card_client(key.clone(), &pki().roots()).unwrap();
    for version in ["tls1_3", "tls1_2"] {
        let server = Server::start(version, Some(&token_ca()));
        let page = expect_ok(get(&client, &server.url()).await, &server);
        assert_eq!(protocol(&page), version.replace("tls1_", "TLSv1."));
        assert!(page.contains("CN=MARIE MARTIN"), "{page}");
    }
    assert_eq!(key.signs.load(Ordering::SeqCst), 2);
}
