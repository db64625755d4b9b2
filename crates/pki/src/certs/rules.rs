//! What RFC 5280 path validation asks of each certificate of a path, read once per
//! certificate: its extensions (no duplicate, no critical one left unprocessed), whether it
//! may issue certificates (as an intermediate, as the trust anchor), its path length
//! constraint and its validity period.

use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::*;

use super::chain::ChainStatus;

/// Extensions whose criticality does not stop path validation: those processed here
/// (basicConstraints, keyUsage), and those that carry information but no constraint on the
/// path (identifiers, names, where to find CRLs and issuers, policies: without
/// policyConstraints, RFC 5280 6.1's outcome does not depend on them; extended key usage is
/// the certificate's own business, read by its profile).
///
/// Left out on purpose: nameConstraints, policyConstraints, inhibitAnyPolicy and
/// policyMappings. They restrict what a CA may issue and are not enforced here, so a
/// certificate marking them critical is refused (RFC 5280 4.2: an extension that is not
/// recognised must not be ignored when critical) rather than trusted beyond its limits.
/// IGC-Santé's CAs carry none; enforcing them comes first if one ever does.
const RECOGNISED: &[&str] = &[
    "2.5.29.19",               // basicConstraints
    "2.5.29.15",               // keyUsage
    "2.5.29.37",               // extKeyUsage
    "2.5.29.14",               // subjectKeyIdentifier
    "2.5.29.35",               // authorityKeyIdentifier
    "2.5.29.17",               // subjectAltName
    "2.5.29.18",               // issuerAltName
    "2.5.29.9",                // subjectDirectoryAttributes
    "2.5.29.16",               // privateKeyUsagePeriod
    "2.5.29.32",               // certificatePolicies
    "2.5.29.31",               // cRLDistributionPoints
    "2.5.29.46",               // freshestCRL
    "1.3.6.1.5.5.7.1.1",       // authorityInfoAccess
    "1.3.6.1.5.5.7.1.11",      // subjectInfoAccess
    "1.3.6.1.5.5.7.48.1.5",    // id-pkix-ocsp-nocheck
    "1.3.6.1.4.1.11129.2.4.2", // Certificate Transparency SCT list
];

/// DER contents of the basicConstraints and keyUsage OIDs.
const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1D, 0x13];
const KEY_USAGE: &[u8] = &[0x55, 0x1D, 0x0F];

/// Whether a certificate is within its validity period at the time of checking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Dates {
    Valid,
    NotYetValid,
    Expired,
}

/// The path-validation facts of one certificate.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    /// Why no path may contain this certificate, wherever it stands (itself included).
    pub own: Option<ChainStatus>,
    /// Why it may not issue certificates as an intermediate CA.
    pub as_intermediate: Option<ChainStatus>,
    /// Why it may not issue certificates as the trust anchor.
    pub as_anchor: Option<ChainStatus>,
    pub path_len: Option<u32>,
    /// Validity period, in seconds since the epoch.
    pub not_before: i64,
    pub not_after: i64,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
}

impl Rules {
    pub fn of(cert: &X509Certificate<'_>) -> Self {
        let mut own = None;
        let mut seen: Vec<&[u8]> = Vec::with_capacity(cert.extensions().len());
        let (mut basic_constraints, mut key_usage) = (None, None);
        let (mut subject_key_id, mut authority_key_id) = (None, None);
        for extension in cert.extensions() {
            let oid = extension.oid.as_bytes();
            let problem = if seen.contains(&oid) {
                // RFC 5280 4.2: a certificate must not include an extension twice.
                Some(ChainStatus::InvalidExtensions)
            } else if extension.critical && !RECOGNISED.contains(&extension.oid.to_id_string().as_str()) {
                Some(ChainStatus::UnknownCriticalExtension)
            } else {
                match extension.parsed_extension() {
                    ParsedExtension::BasicConstraints(bc) => {
                        basic_constraints = Some((bc.clone(), extension.critical));
                        None
                    }
                    ParsedExtension::KeyUsage(ku) => {
                        key_usage = Some(ku.key_cert_sign());
                        None
                    }
                    ParsedExtension::SubjectKeyIdentifier(id) => {
                        subject_key_id = Some(id.0.to_vec());
                        None
                    }
                    ParsedExtension::AuthorityKeyIdentifier(aki) => {
                        authority_key_id = aki.key_identifier.as_ref().map(|id| id.0.to_vec());
                        None
                    }
                    // The extensions that decide whether it may issue must be readable, and
                    // so must any critical one.
                    ParsedExtension::ParseError { .. } | ParsedExtension::Unparsed if extension.critical || oid == BASIC_CONSTRAINTS || oid == KEY_USAGE => {
                        Some(ChainStatus::InvalidExtensions)
                    }
                    _ => None,
                }
            };
            seen.push(oid);
            own = own.or(problem);
        }
        let is_ca = basic_constraints.as_ref().is_some_and(|(bc, _)| bc.ca);
        // RFC 5280 4.2.1.3 and 4.2.1.9: keyCertSign without cA is a contradiction.
        if key_usage == Some(true) && !is_ca {
            own = own.or(Some(ChainStatus::InvalidExtensions));
        }
        let v3 = cert.version() == X509Version::V3;
        let may_sign_certificates = is_ca && key_usage != Some(false);
        // RFC 5280 6.1.4(k): a v1 or v2 certificate is not a CA (nothing out of band says it
        // is); a v3 one says so in basicConstraints, and its keyUsage, if any, allows it.
        let as_intermediate = (!(v3 && may_sign_certificates)).then_some(ChainStatus::IssuerNotCa);
        // The anchor is trusted out of band, but what its certificate says is still held
        // against it, as x509-limbo expects: RFC 5280 6.1 takes only its name and key, yet
        // nothing signs the anchor's certificate, so its profile is the one check it gets.
        // A v1 anchor (no extensions) is a CA by being configured as one. A v3 anchor must be
        // a well-formed CA certificate: basicConstraints cA, marked critical as RFC 5280
        // 4.2.1.9 requires of CAs, and keyCertSign if it has a keyUsage. (An intermediate's
        // non-critical basicConstraints is accepted, as 6.1.4(k) does: its issuer vouched for
        // it.) Its unknown critical extensions are refused like anyone's (`own`), and its
        // dates are checked like any CA's: an expired root makes the chain not valid now.
        let as_anchor =
            (v3 && !(may_sign_certificates && basic_constraints.as_ref().is_some_and(|(_, critical)| *critical))).then_some(ChainStatus::IssuerNotCa);
        Self {
            own,
            as_intermediate,
            as_anchor,
            path_len: basic_constraints.and_then(|(bc, _)| bc.path_len_constraint),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            subject_key_id,
            authority_key_id,
        }
    }

    /// Valid from `not_before` through `not_after`, both included, at `time` (in whole
    /// seconds: the precision certificates have).
    pub fn dates_at(&self, time: i64) -> Dates {
        if time < self.not_before {
            Dates::NotYetValid
        } else if time > self.not_after {
            Dates::Expired
        } else {
            Dates::Valid
        }
    }

    /// RFC 5280 6.1.4(l)(m): at most `path_len` non-self-issued intermediates may follow.
    pub fn allows_below(&self, intermediates_below: usize) -> bool {
        self.path_len.is_none_or(|max| intermediates_below <= max as usize)
    }
}
