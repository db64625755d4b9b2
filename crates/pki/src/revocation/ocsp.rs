//! OCSP (RFC 6960): the request for one certificate (CertID with SHA-1 hashes, as every
//! responder accepts), and the response read with the crate's DER walker and verified:
//! signed by the issuer itself or by a responder certificate the issuer delegated
//! (EKU OCSPSigning) and included in the response; about the certificate asked; current.
//! No nonce: many responders (pre-computed answers) ignore it; freshness comes from
//! thisUpdate/nextUpdate.

use chrono::{DateTime, NaiveDateTime, Utc};
use sha1::{Digest, Sha1};
use x509_parser::prelude::*;
use x509_parser::x509::AlgorithmIdentifier;

use super::{Answer, CrlReason, Result, RevocationError, RevocationSource, RevocationState, ALLOWED_SKEW};
use crate::der::{self, write, Tlv, CONTEXT_0, INTEGER, OCTET_STRING, OID, SEQUENCE};

const ENUMERATED: u8 = 0x0A;
const GENERALIZED_TIME: u8 = 0x18;
const BIT_STRING: u8 = 0x03;
/// certStatus: good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL.
const STATUS_GOOD: u8 = 0x80;
const STATUS_REVOKED: u8 = 0xA1;
const STATUS_UNKNOWN: u8 = 0x82;

const OID_SHA1: &[u8] = &[0x2B, 0x0E, 0x03, 0x02, 0x1A];
/// id-pkix-ocsp-basic (1.3.6.1.5.5.7.48.1.1).
const OID_OCSP_BASIC: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];

/// Largest OCSP response read: what the fetcher accepts (`certisante-store`'s
/// `MAX_OCSP_SIZE`); a response about one certificate weighs a few KB.
pub const MAX_OCSP_RESPONSE_SIZE: usize = 1024 * 1024;

/// Most certificates a response may carry to prove its signer: responders send their
/// own, sometimes with its chain (1 to 3). Each is parsed and its signature checked.
pub const MAX_OCSP_CERTS: usize = 8;

fn invalid(what: &str) -> RevocationError {
    RevocationError::OcspInvalid(what.to_owned())
}

fn read<'a>(input: &'a [u8], tag: u8, what: &str) -> Result<(Tlv<'a>, &'a [u8])> {
    der::expect(input, tag).map_err(|e| match e {
        der::DerError::TooDeep => invalid(&format!("{what}: nested too deeply")),
        der::DerError::TooManyElements => invalid(&format!("{what}: too many elements")),
        _ => invalid(what),
    })
}

/// The CertID fields of a certificate, given its issuer's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertId {
    pub name_hash: Vec<u8>,
    pub key_hash: Vec<u8>,
    /// Content octets of the serial INTEGER.
    pub serial: Vec<u8>,
}

impl CertId {
    pub fn new(der: &[u8], issuer_der: &[u8]) -> Result<Self> {
        let (_, cert) = parse_x509_certificate(der).map_err(|e| RevocationError::CertificateInvalid(e.to_string()))?;
        let (_, issuer) = parse_x509_certificate(issuer_der).map_err(|e| RevocationError::CertificateInvalid(e.to_string()))?;
        Ok(Self {
            name_hash: Sha1::digest(issuer.subject().as_raw()).to_vec(),
            key_hash: Sha1::digest(&issuer.public_key().subject_public_key.data).to_vec(),
            serial: cert.raw_serial().to_vec(),
        })
    }

    fn to_der(&self) -> Vec<u8> {
        let algorithm = write::sequence(&[&write::oid(OID_SHA1), &write::null()]);
        write::sequence(&[&algorithm, &write::octet_string(&self.name_hash), &write::octet_string(&self.key_hash), &write::tlv(INTEGER, &self.serial)])
    }
}

/// An OCSPRequest (DER) for `der`, issued by `issuer_der`: one Request, no extension,
/// unsigned.
pub fn build_request(der: &[u8], issuer_der: &[u8]) -> Result<Vec<u8>> {
    let id = CertId::new(der, issuer_der)?;
    let request = write::sequence(&[&id.to_der()]);
    let request_list = write::sequence(&[&request]);
    let tbs_request = write::sequence(&[&request_list]);
    Ok(write::sequence(&[&tbs_request]))
}

/// The status one SingleResponse gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingleResponse {
    pub id: CertId,
    pub hash_algorithm: Vec<u8>,
    pub state: RevocationState,
    pub revoked_at: Option<DateTime<Utc>>,
    pub reason: Option<CrlReason>,
    pub this_update: DateTime<Utc>,
    pub next_update: Option<DateTime<Utc>>,
}

/// A BasicOCSPResponse, its signature not checked yet.
pub struct BasicResponse<'a> {
    /// The DER of ResponseData: what the signature covers.
    pub tbs: &'a [u8],
    pub signature_algorithm: &'a [u8],
    pub signature: &'a [u8],
    pub certs: Vec<&'a [u8]>,
    pub responses: Vec<SingleResponse>,
}

pub fn parse_response(bytes: &[u8]) -> Result<BasicResponse<'_>> {
    if bytes.len() > MAX_OCSP_RESPONSE_SIZE {
        return Err(invalid("larger than any OCSP response"));
    }
    let (outer, _) = read(bytes, SEQUENCE, "OCSPResponse")?;
    let (status, rest) = read(outer.content, ENUMERATED, "responseStatus")?;
    match status.content {
        [0] => {}
        [1] => return Err(RevocationError::OcspRefused("malformedRequest")),
        [2] => return Err(RevocationError::OcspRefused("internalError")),
        [3] => return Err(RevocationError::OcspRefused("tryLater")),
        [5] => return Err(RevocationError::OcspRefused("sigRequired")),
        [6] => return Err(RevocationError::OcspRefused("unauthorized")),
        _ => return Err(invalid("unknown responseStatus")),
    }
    let (bytes_tagged, _) = read(rest, CONTEXT_0, "responseBytes")?;
    let (response_bytes, _) = read(bytes_tagged.content, SEQUENCE, "ResponseBytes")?;
    let (kind, rest) = read(response_bytes.content, OID, "responseType")?;
    if kind.content != OID_OCSP_BASIC {
        return Err(invalid("not a basic OCSP response"));
    }
    let (basic_octets, _) = read(rest, OCTET_STRING, "response")?;
    let (basic, _) = read(basic_octets.content, SEQUENCE, "BasicOCSPResponse")?;
    let (tbs, rest) = read(basic.content, SEQUENCE, "ResponseData")?;
    let (algorithm, rest) = read(rest, SEQUENCE, "signatureAlgorithm")?;
    let (signature, rest) = read(rest, BIT_STRING, "signature")?;
    let mut certs = Vec::new();
    if let Ok((tagged, _)) = der::expect(rest, CONTEXT_0) {
        let (list, _) = read(tagged.content, SEQUENCE, "certs")?;
        certs = der::children(list.content).map_err(|_| invalid("certs"))?.into_iter().map(|c| c.raw).collect();
        if certs.len() > MAX_OCSP_CERTS {
            return Err(invalid("more certificates than any responder sends"));
        }
    }
    Ok(BasicResponse { tbs: tbs.raw, signature_algorithm: algorithm.raw, signature: signature.raw, certs, responses: parse_response_data(tbs.content)? })
}

fn parse_response_data(content: &[u8]) -> Result<Vec<SingleResponse>> {
    let mut rest = content;
    // version [0] EXPLICIT, optional.
    if let Ok((_, after)) = der::expect(rest, CONTEXT_0) {
        rest = after;
    }
    // responderID: byName [1] or byKey [2]; the signature check finds the signer anyway.
    let (_, after_responder) = der::read(rest).map_err(|_| invalid("responderID"))?;
    let (_, after_produced) = read(after_responder, GENERALIZED_TIME, "producedAt")?;
    let (responses, _) = read(after_produced, SEQUENCE, "responses")?;
    der::children(responses.content).map_err(|_| invalid("responses"))?.iter().map(|r| parse_single(r.content)).collect()
}

fn parse_single(content: &[u8]) -> Result<SingleResponse> {
    let (cert_id, rest) = read(content, SEQUENCE, "certID")?;
    let (algorithm, id_rest) = read(cert_id.content, SEQUENCE, "hashAlgorithm")?;
    let (algorithm_oid, _) = read(algorithm.content, OID, "hashAlgorithm")?;
    let (name_hash, id_rest) = read(id_rest, OCTET_STRING, "issuerNameHash")?;
    let (key_hash, id_rest) = read(id_rest, OCTET_STRING, "issuerKeyHash")?;
    let (serial, _) = read(id_rest, INTEGER, "serialNumber")?;
    let (status, rest) = der::read(rest).map_err(|_| invalid("certStatus"))?;
    let (mut revoked_at, mut reason) = (None, None);
    let state = match status.tag {
        STATUS_GOOD => RevocationState::Good,
        STATUS_UNKNOWN => RevocationState::Unknown,
        STATUS_REVOKED => {
            let (time, after) = read(status.content, GENERALIZED_TIME, "revocationTime")?;
            revoked_at = Some(generalized_time(time.content)?);
            reason = Some(CrlReason::Unspecified);
            if let Ok((tagged, _)) = der::expect(after, CONTEXT_0) {
                let (code, _) = read(tagged.content, ENUMERATED, "revocationReason")?;
                reason = Some(CrlReason::from_code(code.content.last().copied().unwrap_or(0)));
            }
            RevocationState::Revoked
        }
        _ => return Err(invalid("certStatus")),
    };
    let (this_update, rest) = read(rest, GENERALIZED_TIME, "thisUpdate")?;
    let mut next_update = None;
    if let Ok((tagged, _)) = der::expect(rest, CONTEXT_0) {
        let (time, _) = read(tagged.content, GENERALIZED_TIME, "nextUpdate")?;
        next_update = Some(generalized_time(time.content)?);
    }
    Ok(SingleResponse {
        id: CertId { name_hash: name_hash.content.to_vec(), key_hash: key_hash.content.to_vec(), serial: serial.content.to_vec() },
        hash_algorithm: algorithm_oid.content.to_vec(),
        state,
        revoked_at,
        reason,
        this_update: generalized_time(this_update.content)?,
        next_update,
    })
}

/// YYYYMMDDHHMMSS[.fff]Z.
fn generalized_time(content: &[u8]) -> Result<DateTime<Utc>> {
    let text = std::str::from_utf8(content).map_err(|_| invalid("time"))?;
    let text = text.strip_suffix('Z').ok_or_else(|| invalid("time without Z"))?;
    let whole = text.split('.').next().unwrap_or(text);
    NaiveDateTime::parse_from_str(whole, "%Y%m%d%H%M%S").map(|t| t.and_utc()).map_err(|_| invalid("time"))
}

/// `spki` (SubjectPublicKeyInfo) verifies `signature` (a BIT STRING TLV) made with
/// `algorithm` (an AlgorithmIdentifier TLV) over `data`.
fn signature_verifies(spki: &SubjectPublicKeyInfo<'_>, algorithm: &[u8], signature: &[u8], data: &[u8]) -> bool {
    let Ok((_, algorithm)) = AlgorithmIdentifier::from_der(algorithm) else { return false };
    let Ok((bits, _)) = der::expect(signature, BIT_STRING) else { return false };
    let Some((&unused, value)) = bits.content.split_first() else { return false };
    let value = x509_parser::der_parser::asn1_rs::BitString::new(unused, value);
    x509_parser::verify::verify_signature(spki, &algorithm, &value, data).is_ok()
}

/// Checks the response: its signer, that it answers about `id`, and its times.
pub fn verify_response(bytes: &[u8], id: &CertId, issuer_der: &[u8], now: DateTime<Utc>) -> Result<Answer> {
    let response = parse_response(bytes)?;
    let (_, issuer) = parse_x509_certificate(issuer_der).map_err(|e| RevocationError::CertificateInvalid(e.to_string()))?;
    if !signed_by_issuer_or_delegate(&response, &issuer, now) {
        return Err(RevocationError::OcspBadSignature);
    }
    let single =
        response.responses.into_iter().find(|r| r.hash_algorithm == OID_SHA1 && same_cert_id(&r.id, id)).ok_or(RevocationError::OcspWrongCertificate)?;
    if single.this_update > now + ALLOWED_SKEW {
        return Err(RevocationError::OcspNotYetValid(single.this_update));
    }
    if let Some(next) = single.next_update.filter(|next| *next < now) {
        return Err(RevocationError::OcspExpired(next));
    }
    Ok(Answer {
        state: single.state,
        source: RevocationSource::Ocsp,
        revoked_at: single.revoked_at,
        reason: single.reason,
        this_update: Some(single.this_update),
        next_update: single.next_update,
        checked_at: now,
    })
}

fn same_cert_id(a: &CertId, b: &CertId) -> bool {
    a.name_hash == b.name_hash && a.key_hash == b.key_hash && super::crl::same_serial(&a.serial, &b.serial)
}

fn signed_by_issuer_or_delegate(response: &BasicResponse<'_>, issuer: &X509Certificate<'_>, now: DateTime<Utc>) -> bool {
    let verifies = |spki: &SubjectPublicKeyInfo<'_>| signature_verifies(spki, response.signature_algorithm, response.signature, response.tbs);
    if verifies(issuer.public_key()) {
        return true;
    }
    response.certs.iter().any(|der| {
        let Ok((_, responder)) = parse_x509_certificate(der) else { return false };
        let delegated = responder.issuer().as_raw() == issuer.subject().as_raw()
            && responder.verify_signature(Some(issuer.public_key())).is_ok()
            && responder.extended_key_usage().ok().flatten().is_some_and(|eku| eku.value.ocsp_signing)
            && responder.validity().not_before.timestamp() <= now.timestamp()
            && now.timestamp() <= responder.validity().not_after.timestamp();
        delegated && verifies(responder.public_key())
    })
}
