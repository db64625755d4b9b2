//! Where a certificate says its revocation status is published: the OCSP responder of
//! its AIA extension and the HTTP locations of its CRL distribution points. LDAP
//! locations (IGC-Santé also publishes there, with delta CRLs) are ignored: HTTP carries
//! the same full CRLs and needs no directory client.

use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_OCSP;
use x509_parser::prelude::*;

use super::{Result, RevocationError};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevocationUrls {
    /// The first HTTP OCSP responder.
    pub ocsp: Option<String>,
    /// HTTP CRL locations, in the certificate's order, without repeats.
    pub crls: Vec<String>,
}

impl RevocationUrls {
    pub fn is_empty(&self) -> bool {
        self.ocsp.is_none() && self.crls.is_empty()
    }
}

fn is_http(uri: &str) -> bool {
    uri.get(..7).is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"))
}

pub fn revocation_urls(der: &[u8]) -> Result<RevocationUrls> {
    let (_, cert) = parse_x509_certificate(der).map_err(|e| RevocationError::CertificateInvalid(e.to_string()))?;
    let mut urls = RevocationUrls::default();
    for extension in cert.extensions() {
        match extension.parsed_extension() {
            ParsedExtension::AuthorityInfoAccess(aia) => {
                let responders = aia.iter().filter(|d| d.access_method == OID_PKIX_ACCESS_DESCRIPTOR_OCSP);
                urls.ocsp = responders
                    .filter_map(|d| match d.access_location {
                        GeneralName::URI(uri) if is_http(uri) => Some(uri.to_owned()),
                        _ => None,
                    })
                    .next();
            }
            ParsedExtension::CRLDistributionPoints(points) => {
                for point in points.iter() {
                    let Some(DistributionPointName::FullName(names)) = &point.distribution_point else { continue };
                    for name in names {
                        if let GeneralName::URI(uri) = name {
                            if is_http(uri) && !urls.crls.iter().any(|u| u == uri) {
                                urls.crls.push((*uri).to_owned());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(urls)
}
