//! Taking back what the portal delivers: a certificate (PEM, DER, PKCS#7, with or without
//! its chain) matched to its pending order by public key, or a .p12 whose key the platform
//! made, which then moves into the OS keystore.

use serde::Serialize;
use ts_rs::TS;

use super::store::{self, Imported};
use super::{checkpoint, get_order, LifecycleError, Order, Result};
use crate::audit::Actor;
use crate::certs::{read_container, CertificateFacts, CertsError, ChainStatus, ContainerFormat};
use crate::csr::{self, OrderRequest, SubjectFields};
use crate::igc::{self, Environment};
use crate::keys::{self, Keystore, PrivateKey};
use crate::Sensitive;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] CertsError),
    #[error("this file holds no end-entity certificate (only authorities)")]
    NoLeaf,
    #[error("no CertiSanté key matches this certificate ({subject}): it was issued for another request, or its key was made elsewhere")]
    NoMatchingKey { subject: String },
    #[error("this certificate's chain does not lead to a known IGC-Santé authority ({status}): check that the file comes from the platform")]
    ChainNotVerified { status: String },
    #[error("the issued certificate does not match the request: {field} ordered '{ordered}', issued '{issued}'")]
    Mismatch { field: &'static str, ordered: String, issued: String },
    #[error("this .p12 file holds a private key: its password is needed to put it in the OS keystore")]
    PasswordRequired,
    #[error("the private key of this .p12 file matches none of its certificates")]
    KeyWithoutCertificate,
    #[error("this certificate's profile is not recognised as an IGC-Santé software certificate")]
    UnknownProfile,
}

certisante_pki::error_codes!(ImportError {
    Self::NoLeaf => "import.no_leaf",
    Self::NoMatchingKey { .. } => "import.no_matching_key",
    Self::ChainNotVerified { .. } => "import.chain_not_verified",
    Self::Mismatch { .. } => "import.mismatch",
    Self::PasswordRequired => "import.password_required",
    Self::KeyWithoutCertificate => "import.key_without_certificate",
    Self::UnknownProfile => "import.unknown_profile",
} wraps {
    Read(CertsError),
});

/// What an import did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportOutcome {
    /// The orders that received their certificate (or were created from a .p12).
    pub orders: Vec<Order>,
    /// Orders that already had this certificate: importing twice changes nothing.
    pub already_imported: Vec<String>,
}

/// Imports one file's content. `source` names it in the audit log.
pub fn import_file(
    registry: &crate::registry::Registry,
    keystore: &dyn Keystore,
    actor: &Actor,
    bytes: &[u8],
    source: &str,
    password: Option<&Sensitive<String>>,
) -> Result<ImportOutcome> {
    let container = read_container(bytes, password).map_err(ImportError::from)?;
    let ders: Vec<Vec<u8>> = container.certificates.iter().map(|c| c.der.clone()).collect();
    let has_key = container.certificates.iter().any(|c| c.has_private_key);
    if container.format == ContainerFormat::Pkcs12 && has_key {
        let password = password.ok_or(ImportError::PasswordRequired)?;
        return import_p12(registry, keystore, actor, bytes, &ders, source, password);
    }
    let mut outcome = ImportOutcome { orders: vec![], already_imported: vec![] };
    let leaves: Vec<(Vec<u8>, CertificateFacts)> =
        ders.iter().filter_map(|der| CertificateFacts::from_der(der).ok().map(|f| (der.clone(), f))).filter(|(_, f)| !f.is_ca).collect();
    if leaves.is_empty() {
        return Err(ImportError::NoLeaf.into());
    }
    for (leaf, facts) in &leaves {
        let public_key = subject_public_key(leaf)?;
        let orders = store::by_public_key(registry, &public_key)?;
        let leaf_hash = crate::certs::fingerprint(leaf);
        if let Some(done) = orders.iter().find(|o| o.certificate_sha256.as_deref() == Some(leaf_hash.as_str())) {
            outcome.already_imported.push(done.id.clone());
            continue;
        }
        let Some(order) = orders.iter().find(|o| o.state.awaits_certificate()) else {
            return Err(ImportError::NoMatchingKey { subject: facts.subject.clone() }.into());
        };
        let chain = verified_chain(leaf, &ders, order.request.environment)?;
        check_matches_order(&order.request, facts)?;
        checkpoint("before_import");
        store::certificate_imported(registry, actor, &order.id, &Imported { chain: &chain, not_after: facts.not_after, source })?;
        outcome.orders.push(get_order(registry, &order.id)?);
    }
    Ok(outcome)
}

fn import_p12(
    registry: &crate::registry::Registry,
    keystore: &dyn Keystore,
    actor: &Actor,
    bytes: &[u8],
    ders: &[Vec<u8>],
    source: &str,
    password: &Sensitive<String>,
) -> Result<ImportOutcome> {
    let pkcs8 = p12_private_key(bytes, password)?;
    let key = PrivateKey::from_pkcs8(pkcs8)?;
    let public_key = key.public_key_der();
    let leaf = ders.iter().find(|der| subject_public_key(der).map(|k| k == public_key).unwrap_or(false)).ok_or(ImportError::KeyWithoutCertificate)?.clone();
    let leaf_hash = crate::certs::fingerprint(&leaf);
    let existing = store::by_public_key(registry, &public_key)?;
    if let Some(done) = existing.iter().find(|o| o.certificate_sha256.as_deref() == Some(leaf_hash.as_str())) {
        return Ok(ImportOutcome { orders: vec![], already_imported: vec![done.id.clone()] });
    }
    let facts = CertificateFacts::from_der(&leaf).map_err(ImportError::from)?;
    let verifier = verifier_with(ders);
    let verdict = verifier.verify(&leaf);
    if verdict.status != ChainStatus::Trusted {
        return Err(ImportError::ChainNotVerified { status: format!("{:?}", verdict.status) }.into());
    }
    let request = request_from_certificate(&facts, verdict.environment)?;
    let chain = chain_from(&leaf, ders);
    let id = super::new_order_id();
    // The keystore first: a crash before the registry row leaves an unused secret, never an
    // order without its key (and the .p12 file still holds the key).
    keys::store_private_key(keystore, &id, &key)?;
    checkpoint("p12_key_stored");
    store::portal_order(registry, actor, &id, &request, key.kind(), &public_key, &Imported { chain: &chain, not_after: facts.not_after, source })?;
    Ok(ImportOutcome { orders: vec![get_order(registry, &id)?], already_imported: vec![] })
}

/// The PKCS#8 key of a .p12 (the first key; portal files hold one).
fn p12_private_key(bytes: &[u8], password: &Sensitive<String>) -> Result<Sensitive<Vec<u8>>> {
    use p12_keystore::error::Error as P12Error;
    let store = p12_keystore::KeyStore::from_pkcs12(bytes, password.expose(), p12_keystore::Pkcs12ImportPolicy::Relaxed).map_err(|e| match e {
        P12Error::MacError(_) | P12Error::UnpadError => ImportError::Read(CertsError::Pkcs12BadPassword),
        P12Error::UnsupportedEncryptionScheme | P12Error::UnsupportedMacAlgorithm => ImportError::Read(CertsError::Pkcs12Unsupported),
        _ => ImportError::Read(CertsError::Pkcs12Invalid),
    })?;
    let (_, chain) = store.private_key_chain().ok_or(ImportError::KeyWithoutCertificate)?;
    Ok(Sensitive::new(chain.key().as_der().to_vec()))
}

/// The SubjectPublicKeyInfo DER of a certificate: what ties it to its key.
fn subject_public_key(der: &[u8]) -> Result<Vec<u8>> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).map_err(|e| ImportError::Read(CertsError::CertificateInvalid(e.to_string())))?;
    Ok(cert.tbs_certificate.subject_pki.raw.to_vec())
}

fn verifier_with(ders: &[Vec<u8>]) -> crate::certs::ChainVerifier {
    let mut verifier = crate::trust::chain_verifier(crate::trust::extra_anchors_from_env().as_deref());
    for der in ders {
        verifier.add_to_pool(der);
    }
    verifier
}

/// Verifies the leaf up to an IGC-Santé anchor of the ordered environment and returns the
/// chain to keep (leaf first, then its issuers up to the root).
fn verified_chain(leaf: &[u8], ders: &[Vec<u8>], environment: Environment) -> Result<Vec<Vec<u8>>> {
    let verdict = verifier_with(ders).verify(leaf);
    if verdict.status != ChainStatus::Trusted {
        return Err(ImportError::ChainNotVerified { status: format!("{:?}", verdict.status) }.into());
    }
    if verdict.environment != environment {
        return Err(ImportError::Mismatch { field: "environnement", ordered: format!("{environment:?}"), issued: format!("{:?}", verdict.environment) }.into());
    }
    Ok(chain_from(leaf, ders))
}

/// Leaf first, then each issuer found by name among the file's certificates, the shipped
/// CAs and the extra anchors, up to a self-issued root.
fn chain_from(leaf: &[u8], ders: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut pool: Vec<Vec<u8>> = ders.to_vec();
    pool.extend(igc::shipped_cas().into_iter().map(|ca| ca.der));
    pool.extend(crate::trust::extra_anchors(crate::trust::extra_anchors_from_env().as_deref()).into_iter().map(|(der, _)| der));
    let facts: Vec<Option<CertificateFacts>> = pool.iter().map(|d| CertificateFacts::from_der(d).ok()).collect();
    let mut chain = vec![leaf.to_vec()];
    let mut current = CertificateFacts::from_der(leaf).ok();
    while let Some(cert) = current.take() {
        if cert.self_issued || chain.len() > 8 {
            break;
        }
        // Same-named CAs exist (a renewed CA, a test hierarchy): the issuer is the one whose
        // key verifies the signature, not the first with the name.
        let child = chain.last().expect("the chain starts with the leaf").clone();
        let issuer = pool
            .iter()
            .zip(&facts)
            .find(|(der, f)| f.as_ref().is_some_and(|f| f.subject == cert.issuer && f.is_ca) && !chain.contains(der) && signed_by(&child, der));
        if let Some((der, f)) = issuer {
            chain.push(der.clone());
            current = f.clone();
        }
    }
    chain
}

fn signed_by(child: &[u8], issuer: &[u8]) -> bool {
    let (Ok((_, child)), Ok((_, issuer))) = (x509_parser::parse_x509_certificate(child), x509_parser::parse_x509_certificate(issuer)) else {
        return false;
    };
    child.verify_signature(Some(issuer.public_key())).is_ok()
}

/// What was issued must be what was ordered: subject field by field, and the profile.
fn check_matches_order(request: &OrderRequest, facts: &CertificateFacts) -> Result<()> {
    let validated = csr::validate(request).map_err(LifecycleError::Invalid)?;
    let expected = &validated.subject;
    let ou = facts.organizational_units.first().cloned().unwrap_or_default();
    let issued = SubjectFields {
        country: facts.country.clone().unwrap_or_default(),
        state: facts.state.clone().unwrap_or_default(),
        organization: facts.organization.clone().unwrap_or_default(),
        organizational_unit: ou,
        common_name: facts.common_name.clone().unwrap_or_default(),
    };
    let pairs = [
        ("C", &expected.country, &issued.country),
        ("ST", &expected.state, &issued.state),
        ("O", &expected.organization, &issued.organization),
        ("OU", &expected.organizational_unit, &issued.organizational_unit),
        ("CN", &expected.common_name, &issued.common_name),
    ];
    for (field, ordered, got) in pairs {
        if ordered != got {
            return Err(ImportError::Mismatch { field, ordered: ordered.clone(), issued: got.clone() }.into());
        }
    }
    let profile = igc::classify_profile(facts, request.environment).ok_or(ImportError::UnknownProfile)?;
    if profile.offer != request.offer || profile.usage != request.usage {
        return Err(ImportError::Mismatch {
            field: "usage",
            ordered: format!("{:?} {:?}", request.offer, request.usage),
            issued: format!("{:?} {:?}", profile.offer, profile.usage),
        }
        .into());
    }
    Ok(())
}

/// The request a platform-made certificate answers, read back from it (for a .p12 whose
/// order CertiSanté never saw).
fn request_from_certificate(facts: &CertificateFacts, environment: Environment) -> Result<OrderRequest> {
    let profile = igc::classify_profile(facts, environment).ok_or(ImportError::UnknownProfile)?;
    Ok(OrderRequest {
        environment,
        offer: profile.offer,
        usage: profile.usage,
        organization: facts.organization.clone().unwrap_or_default(),
        structure_id: facts.organizational_units.first().cloned().unwrap_or_default(),
        department: facts.state.as_deref().and_then(igc::department_code).unwrap_or_default(),
        common_name: facts.common_name.clone().unwrap_or_default(),
    })
}
