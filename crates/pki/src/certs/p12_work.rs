//! What opening a PKCS#12 with its password will cost, checked before p12-keystore does
//! it. The library caps each key derivation (1,000,000 iterations) but not their number:
//! a file of many encrypted safes or shrouded keys, each at that cap, would keep it busy
//! for hours. Here the file is walked with the crate's bounded DER reader, the derivations
//! it asks for are added up (the MAC, every encrypted safe, every shrouded key, those
//! inside encrypted safes too, which are decrypted here to be seen), and a file asking for
//! more than any genuine one is refused before the library starts.

use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, KeyIvInit};
use pkcs12::kdf::{derive_key_utf8, Pkcs12KeyType};
use pkcs5::der::Decode;

use super::CertsError;
use crate::der::{self, oid, DerError, Tlv};
use crate::secret::Sensitive;

/// Most key-derivation work one PKCS#12 may ask for, in hash compressions (what a
/// derivation costs per iteration: see [`step_cost`]); about five seconds on a slow
/// computer. Genuine files ask for tens of thousands (the IGC-Santé portal and OpenSSL use
/// 2,048 iterations, Java and Windows 2,000 to 10,000); a file protected everywhere at
/// OWASP's 600,000 PBKDF2 iterations needs about 8 million here.
pub const MAX_P12_KDF_WORK: u64 = 16_000_000;

/// Most safes (ContentInfos of the authenticated safe) in one PKCS#12: genuine files have
/// one or two (certificates encrypted, key shrouded), a few tools three.
pub const MAX_P12_SAFES: usize = 16;

/// Most bags in one PKCS#12, all safes together: a trust bundle exported from a Java
/// keystore holds one per certificate (the Mozilla root store: ~150).
pub const MAX_P12_BAGS: usize = 1024;

const OID_SECRET_BAG: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x0A, 0x01, 0x05];
const OID_PBES2: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D];
const OID_PBKDF2: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0C];
const OID_PBE_SHA1_3DES: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x01, 0x03];
const OID_PBE_SHA1_RC2_40: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x01, 0x06];

/// The work counted so far.
struct Work {
    kdf: u64,
    bags: usize,
}

impl Work {
    fn charge(&mut self, cost: u64) -> Result<(), CertsError> {
        self.kdf = self.kdf.saturating_add(cost);
        if self.kdf > MAX_P12_KDF_WORK {
            return Err(CertsError::Pkcs12TooCostly);
        }
        Ok(())
    }
}

fn invalid(e: DerError) -> CertsError {
    match e {
        DerError::TooDeep => CertsError::DerTooDeep,
        DerError::TooManyElements => CertsError::DerTooManyElements,
        DerError::Truncated | DerError::Invalid => CertsError::Pkcs12Invalid,
    }
}

/// Checks that opening `pfx` (a PKCS#12 DER) with `password` stays within the limits above.
/// An `Ok` means p12-keystore may be called; errors carry their code
/// (`certs.p12_too_costly`, `certs.p12_too_many_entries`, ...).
pub fn check_pkcs12_work(pfx: &[u8], password: &Sensitive<String>) -> Result<(), CertsError> {
    let mut work = Work { kdf: 0, bags: 0 };
    let (pfx, _) = der::expect(pfx, der::SEQUENCE).map_err(invalid)?;
    let (_version, rest) = der::expect(pfx.content, der::INTEGER).map_err(invalid)?;
    let (auth_safe, rest) = der::expect(rest, der::SEQUENCE).map_err(invalid)?;
    if !rest.is_empty() {
        // MacData: digest, salt, iterations (DEFAULT 1). The key is one block.
        let (mac_data, _) = der::expect(rest, der::SEQUENCE).map_err(invalid)?;
        let fields = der::children(mac_data.content).map_err(invalid)?;
        let iterations = fields.get(2).map_or(Ok(1), |f| iteration_count(f))?;
        work.charge(iterations)?;
    }
    let (content_type, rest) = der::expect(auth_safe.content, der::OID).map_err(invalid)?;
    if content_type.content != oid::DATA {
        return Err(CertsError::Pkcs12Unsupported);
    }
    let safes_der = explicit_octets(rest)?;
    let (safes, _) = der::expect(&safes_der, der::SEQUENCE).map_err(invalid)?;
    let safes = der::children(safes.content).map_err(invalid)?;
    if safes.len() > MAX_P12_SAFES {
        return Err(CertsError::Pkcs12TooManyEntries);
    }
    for safe in safes {
        let (content_type, rest) = der::expect(safe.content, der::OID).map_err(invalid)?;
        match content_type.content {
            oid::DATA => count_bags(&explicit_octets(rest)?, &mut work)?,
            oid::ENCRYPTED_DATA => {
                // [0] EncryptedData: version, EncryptedContentInfo (type, algorithm, [0] IMPLICIT content).
                let (explicit, _) = der::expect(rest, der::CONTEXT_0).map_err(invalid)?;
                let (encrypted_data, _) = der::expect(explicit.content, der::SEQUENCE).map_err(invalid)?;
                let (_version, rest) = der::expect(encrypted_data.content, der::INTEGER).map_err(invalid)?;
                let (info, _) = der::expect(rest, der::SEQUENCE).map_err(invalid)?;
                let (_type, rest) = der::expect(info.content, der::OID).map_err(invalid)?;
                let (algorithm, rest) = der::expect(rest, der::SEQUENCE).map_err(invalid)?;
                // Decrypted twice: here, to see its bags, then by p12-keystore.
                work.charge(step_cost(&algorithm)?.saturating_mul(2))?;
                if rest.is_empty() {
                    continue; // no content: nothing to decrypt
                }
                let (content, _) = der::read(rest).map_err(invalid)?;
                let ciphertext = match content.tag {
                    0x80 => content.content.to_vec(),
                    0xA0 => der::octet_string(&Tlv { tag: der::OCTET_STRING_CONSTRUCTED, ..content }).map_err(invalid)?.into_owned(),
                    _ => return Err(CertsError::Pkcs12Invalid),
                };
                // A safe that does not decrypt (a wrong password) or whose content does not
                // parse stops p12-keystore too (at the MAC, the padding or the parse), before
                // the safes after it: they cost nothing, and its error says which it was.
                let Ok(plain) = decrypt(&algorithm, &ciphertext, password) else { return Ok(()) };
                match count_bags(&plain, &mut work) {
                    Err(CertsError::Pkcs12Invalid) => return Ok(()),
                    other => other?,
                }
            }
            // p12-keystore refuses the others (enveloped data...) before any work.
            _ => return Err(CertsError::Pkcs12Unsupported),
        }
    }
    Ok(())
}

/// The bytes of `[0] EXPLICIT OCTET STRING` (primitive or BER constructed).
fn explicit_octets(input: &[u8]) -> Result<Vec<u8>, CertsError> {
    let (explicit, _) = der::expect(input, der::CONTEXT_0).map_err(invalid)?;
    let (octets, _) = der::read(explicit.content).map_err(invalid)?;
    Ok(der::octet_string(&octets).map_err(invalid)?.into_owned())
}

/// Counts the bags of one SafeContents and charges the shrouded keys' derivations.
fn count_bags(safe_contents: &[u8], work: &mut Work) -> Result<(), CertsError> {
    let (bags, _) = der::expect(safe_contents, der::SEQUENCE).map_err(invalid)?;
    for bag in der::children(bags.content).map_err(invalid)? {
        work.bags += 1;
        if work.bags > MAX_P12_BAGS {
            return Err(CertsError::Pkcs12TooManyEntries);
        }
        let (bag_id, rest) = der::expect(bag.content, der::OID).map_err(invalid)?;
        match bag_id.content {
            oid::SHROUDED_KEY_BAG => {
                // [0] EncryptedPrivateKeyInfo: algorithm, encrypted key.
                let (explicit, _) = der::expect(rest, der::CONTEXT_0).map_err(invalid)?;
                let (info, _) = der::expect(explicit.content, der::SEQUENCE).map_err(invalid)?;
                let (algorithm, _) = der::expect(info.content, der::SEQUENCE).map_err(invalid)?;
                work.charge(step_cost(&algorithm)?)?;
            }
            // p12-keystore tries to decrypt a secret bag's key with the password; its
            // algorithm is wrapped further: charged at the library's per-step cap.
            OID_SECRET_BAG => work.charge(LIBRARY_STEP_CAP * PBES2_COST_PER_ITERATION)?,
            _ => {}
        }
    }
    Ok(())
}

/// p12-keystore's own cap on one derivation's iterations.
const LIBRARY_STEP_CAP: u64 = 1_000_000;
/// PKCS#12 PBE (RFC 7292 B.2) with SHA-1: a 3DES key is two SHA-1 blocks, its IV one.
const PBES1_COST_PER_ITERATION: u64 = 3;
/// PBKDF2: an HMAC is two compressions, and an AES-256 key is two HMAC-SHA-1 blocks.
const PBES2_COST_PER_ITERATION: u64 = 4;

/// What one derivation with this AlgorithmIdentifier costs, in hash compressions.
/// Algorithms p12-keystore does not read are refused here, before any work.
fn step_cost(algorithm: &Tlv<'_>) -> Result<u64, CertsError> {
    let (algorithm_oid, rest) = der::expect(algorithm.content, der::OID).map_err(invalid)?;
    let (params, _) = der::expect(rest, der::SEQUENCE).map_err(invalid)?;
    match algorithm_oid.content {
        OID_PBE_SHA1_3DES | OID_PBE_SHA1_RC2_40 => {
            // salt, iterations
            let fields = der::children(params.content).map_err(invalid)?;
            let iterations = fields.get(1).ok_or(CertsError::Pkcs12Invalid).and_then(iteration_count)?;
            Ok(iterations.saturating_mul(PBES1_COST_PER_ITERATION))
        }
        OID_PBES2 => {
            // keyDerivationFunc (PBKDF2 only: no genuine PKCS#12 uses scrypt), encryptionScheme
            let (kdf, _) = der::expect(params.content, der::SEQUENCE).map_err(invalid)?;
            let (kdf_oid, rest) = der::expect(kdf.content, der::OID).map_err(invalid)?;
            if kdf_oid.content != OID_PBKDF2 {
                return Err(CertsError::Pkcs12Unsupported);
            }
            let (pbkdf2, _) = der::expect(rest, der::SEQUENCE).map_err(invalid)?;
            let fields = der::children(pbkdf2.content).map_err(invalid)?;
            let iterations = fields.get(1).ok_or(CertsError::Pkcs12Invalid).and_then(iteration_count)?;
            Ok(iterations.saturating_mul(PBES2_COST_PER_ITERATION))
        }
        _ => Err(CertsError::Pkcs12Unsupported),
    }
}

/// An iteration count (a non-negative INTEGER); larger than any derivation allows counts
/// as too costly, whatever the library would say.
fn iteration_count(field: &Tlv<'_>) -> Result<u64, CertsError> {
    if field.tag != der::INTEGER || field.content.is_empty() {
        return Err(CertsError::Pkcs12Invalid);
    }
    if field.content[0] & 0x80 != 0 {
        return Ok(0); // negative: no iteration is run
    }
    let digits = field.content.iter().skip_while(|&&b| b == 0).count();
    if digits > 4 {
        return Err(CertsError::Pkcs12TooCostly);
    }
    Ok(field.content.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)))
}

/// Decrypts one encrypted safe as p12-keystore would (same algorithms, same crates).
fn decrypt(algorithm: &Tlv<'_>, ciphertext: &[u8], password: &Sensitive<String>) -> Result<Vec<u8>, CertsError> {
    let (algorithm_oid, rest) = der::expect(algorithm.content, der::OID).map_err(invalid)?;
    let (params, _) = der::expect(rest, der::SEQUENCE).map_err(invalid)?;
    match algorithm_oid.content {
        OID_PBE_SHA1_3DES | OID_PBE_SHA1_RC2_40 => {
            let fields = der::children(params.content).map_err(invalid)?;
            let salt = fields.first().filter(|f| f.tag == der::OCTET_STRING).ok_or(CertsError::Pkcs12Invalid)?.content;
            let iterations = fields.get(1).ok_or(CertsError::Pkcs12Invalid).and_then(iteration_count)?;
            let rounds = i32::try_from(iterations).map_err(|_| CertsError::Pkcs12TooCostly)?;
            let three_des = algorithm_oid.content == OID_PBE_SHA1_3DES;
            let derive = |kind, len| derive_key_utf8::<sha1::Sha1>(password.expose(), salt, kind, rounds, len).map_err(|_| CertsError::Pkcs12Invalid);
            let key = zeroize::Zeroizing::new(derive(Pkcs12KeyType::EncryptionKey, if three_des { 24 } else { 5 })?);
            let iv = derive(Pkcs12KeyType::Iv, 8)?;
            let plain = if three_des {
                cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv).map_err(|_| CertsError::Pkcs12Invalid)?.decrypt_padded_vec::<Pkcs7>(ciphertext)
            } else {
                cbc::Decryptor::<rc2::Rc2>::new_from_slices(&key, &iv).map_err(|_| CertsError::Pkcs12Invalid)?.decrypt_padded_vec::<Pkcs7>(ciphertext)
            };
            plain.map_err(|_| CertsError::Pkcs12BadPassword)
        }
        OID_PBES2 => {
            let parameters = pkcs5::pbes2::Parameters::from_der(params.raw).map_err(|_| CertsError::Pkcs12Unsupported)?;
            // Only wrong passwords reach here with a readable algorithm: bad padding.
            parameters.decrypt(password.expose().as_bytes(), ciphertext).map_err(|_| CertsError::Pkcs12BadPassword)
        }
        _ => Err(CertsError::Pkcs12Unsupported),
    }
}
