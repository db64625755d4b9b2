//! Writing PKCS#12 files (RFC 7292) with our own DER writer and RustCrypto.
//!
//! p12-keystore 0.4 can write both protections, but it names every certificate bag
//! after its subject DN (stores then show that DN as the name) and keeps plaintext key
//! copies it does not zeroize; writing the few structures here avoids both. The layout
//! is OpenSSL's: one encrypted SafeContents with the certificates (leaf first), one plain
//! SafeContents with the pkcs8ShroudedKeyBag, friendlyName and localKeyID (SHA-1 of the
//! leaf, as OpenSSL sets it) on the key and the leaf, and a password MAC over both.

use cbc::cipher::{block_padding::Pkcs7, BlockModeEncrypt, KeyIvInit};
use hmac::{KeyInit, Mac};
use pkcs12::kdf::{derive_key, Pkcs12KeyType};
use sha1::Digest;
use zeroize::Zeroizing;

use super::{InstallError, P12Encryption};
use crate::der::{oid, write};
use crate::Sensitive;

/// PBKDF2 and MAC iterations of [`P12Encryption::Modern`] (Java's default since JDK 12;
/// OpenSSL 3 writes 2048).
pub const MODERN_ITERATIONS: u32 = 10_000;
/// Iterations of [`P12Encryption::Legacy`], as the IGC-Santé portal writes them.
pub const LEGACY_ITERATIONS: u32 = 2048;

const OID_PBES2: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D];
const OID_PBKDF2: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0C];
const OID_HMAC_SHA256: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x09];
const OID_AES256_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2A];
const OID_PBE_SHA1_3DES: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x01, 0x03];
const OID_SHA1: &[u8] = &[0x2B, 0x0E, 0x03, 0x02, 0x1A];
const OID_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];

/// Writes `pkcs8` and `chain` (leaf first) as a .p12 protected by `password`. The key must
/// be the leaf's; `friendly_name` names the key and the leaf in the stores that import it.
pub fn export_p12(
    pkcs8: &Sensitive<Vec<u8>>,
    chain: &[Vec<u8>],
    password: &Sensitive<String>,
    encryption: P12Encryption,
    friendly_name: &str,
) -> Result<Sensitive<Vec<u8>>, InstallError> {
    check_key_matches(pkcs8, chain)?;
    let secret = Secret::new(password)?;
    let name = write::bmp_string(friendly_name).ok_or(InstallError::InvalidName { name: friendly_name.to_string(), reason: "characters outside the BMP" })?;
    let local_key_id = write::octet_string(&sha1::Sha1::digest(&chain[0]));
    let attributes = write::set_of(vec![
        write::sequence(&[&write::oid(oid::FRIENDLY_NAME), &write::set_of(vec![name])]),
        write::sequence(&[&write::oid(oid::LOCAL_KEY_ID), &write::set_of(vec![local_key_id])]),
    ]);

    let cert_bags: Vec<Vec<u8>> = chain
        .iter()
        .enumerate()
        .map(|(i, der)| {
            let cert_bag = write::sequence(&[&write::oid(oid::X509_CERTIFICATE), &write::explicit(0, &write::octet_string(der))]);
            let bag_attributes: &[u8] = if i == 0 { &attributes } else { &[] };
            write::sequence(&[&write::oid(oid::CERT_BAG), &write::explicit(0, &cert_bag), bag_attributes])
        })
        .collect();
    let cert_contents = write::sequence(&cert_bags.iter().map(Vec::as_slice).collect::<Vec<_>>());
    let (algorithm, encrypted) = secret.encrypt(encryption, &cert_contents)?;
    let encrypted_data = write::sequence(&[&write::integer(0), &write::sequence(&[&write::oid(oid::DATA), &algorithm, &write::tlv(0x80, &encrypted)])]);
    let certs_info = write::sequence(&[&write::oid(oid::ENCRYPTED_DATA), &write::explicit(0, &encrypted_data)]);

    let (algorithm, encrypted) = secret.encrypt(encryption, pkcs8.expose())?;
    let shrouded = write::sequence(&[&algorithm, &write::octet_string(&encrypted)]);
    let key_bag = write::sequence(&[&write::oid(oid::SHROUDED_KEY_BAG), &write::explicit(0, &shrouded), &attributes]);
    let key_info = write::sequence(&[&write::oid(oid::DATA), &write::explicit(0, &write::octet_string(&write::sequence(&[&key_bag])))]);

    let auth_safe = write::sequence(&[&certs_info, &key_info]);
    let mac_data = secret.mac(encryption, &auth_safe)?;
    let content_info = write::sequence(&[&write::oid(oid::DATA), &write::explicit(0, &write::octet_string(&auth_safe))]);
    Ok(Sensitive::new(write::sequence(&[&write::integer(3), &content_info, &mac_data])))
}

/// Refuses a key that is not the leaf's: a .p12 whose key opens nothing would only show up
/// as an obscure TLS failure later.
pub(super) fn check_key_matches(pkcs8: &Sensitive<Vec<u8>>, chain: &[Vec<u8>]) -> Result<(), InstallError> {
    let leaf = chain.first().ok_or_else(|| InstallError::ChainInvalid("no certificate".into()))?;
    for (i, der) in chain.iter().enumerate() {
        if x509_parser::parse_x509_certificate(der).is_err() {
            return Err(InstallError::ChainInvalid(format!("certificate {} is not valid X.509 DER", i + 1)));
        }
    }
    let key_id = crate::certs::pkcs8_public_id(pkcs8.expose()).ok_or(InstallError::KeyInvalid("not an RSA or EC key with its public part"))?;
    if crate::certs::public_key_id(leaf).as_ref() != Some(&key_id) {
        let subject = x509_parser::parse_x509_certificate(leaf).map(|(_, c)| c.subject().to_string()).unwrap_or_default();
        return Err(InstallError::KeyMismatch { subject });
    }
    Ok(())
}

/// The password in both forms PKCS#12 uses: UTF-8 for PBKDF2 (as OpenSSL 3 does), and
/// NUL-terminated UTF-16BE for the PKCS#12 KDF (3DES and the MAC).
struct Secret<'a> {
    utf8: &'a [u8],
    bmp: Zeroizing<Vec<u8>>,
}

impl<'a> Secret<'a> {
    fn new(password: &'a Sensitive<String>) -> Result<Self, InstallError> {
        let text = password.expose();
        if text.is_empty() {
            // An empty password is encoded differently by each tool: refuse it rather than
            // write a file some of them cannot open.
            return Err(InstallError::PasswordInvalid("it is empty"));
        }
        let mut bmp = Zeroizing::new(write::bmp_bytes(text).ok_or(InstallError::PasswordInvalid("characters outside the BMP (emoji...)"))?);
        bmp.extend_from_slice(&[0, 0]);
        Ok(Self { utf8: text.as_bytes(), bmp })
    }

    /// Encrypts `plaintext`; returns the AlgorithmIdentifier and the ciphertext.
    fn encrypt(&self, encryption: P12Encryption, plaintext: &[u8]) -> Result<(Vec<u8>, Vec<u8>), InstallError> {
        let failed = |_| InstallError::P12Failed("cipher setup".into());
        match encryption {
            P12Encryption::Modern => {
                let salt: [u8; 16] = random()?;
                let iv: [u8; 16] = random()?;
                let mut key = Zeroizing::new([0u8; 32]);
                pbkdf2::pbkdf2_hmac::<sha2::Sha256>(self.utf8, &salt, MODERN_ITERATIONS, key.as_mut());
                let encrypted = cbc::Encryptor::<aes::Aes256>::new_from_slices(key.as_ref(), &iv).map_err(failed)?.encrypt_padded_vec::<Pkcs7>(plaintext);
                let kdf = write::sequence(&[
                    &write::oid(OID_PBKDF2),
                    &write::sequence(&[
                        &write::octet_string(&salt),
                        &write::integer(MODERN_ITERATIONS.into()),
                        &write::sequence(&[&write::oid(OID_HMAC_SHA256), &write::null()]),
                    ]),
                ]);
                let cipher = write::sequence(&[&write::oid(OID_AES256_CBC), &write::octet_string(&iv)]);
                Ok((write::sequence(&[&write::oid(OID_PBES2), &write::sequence(&[&kdf, &cipher])]), encrypted))
            }
            P12Encryption::Legacy => {
                let salt: [u8; 8] = random()?;
                let rounds = LEGACY_ITERATIONS as i32;
                let key = Zeroizing::new(derive_key::<sha1::Sha1>(&self.bmp, &salt, Pkcs12KeyType::EncryptionKey, rounds, 24));
                let iv = derive_key::<sha1::Sha1>(&self.bmp, &salt, Pkcs12KeyType::Iv, rounds, 8);
                let encrypted = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv).map_err(failed)?.encrypt_padded_vec::<Pkcs7>(plaintext);
                let params = write::sequence(&[&write::octet_string(&salt), &write::integer(LEGACY_ITERATIONS.into())]);
                Ok((write::sequence(&[&write::oid(OID_PBE_SHA1_3DES), &params]), encrypted))
            }
        }
    }

    /// MacData over the AuthenticatedSafe's encoding, keyed by the PKCS#12 KDF.
    fn mac(&self, encryption: P12Encryption, auth_safe: &[u8]) -> Result<Vec<u8>, InstallError> {
        let (digest_oid, salt, iterations, digest) = match encryption {
            P12Encryption::Modern => {
                let salt: [u8; 16] = random()?;
                (OID_SHA256, salt.to_vec(), MODERN_ITERATIONS, self.hmac::<sha2::Sha256>(&salt, MODERN_ITERATIONS, auth_safe)?)
            }
            P12Encryption::Legacy => {
                let salt: [u8; 8] = random()?;
                (OID_SHA1, salt.to_vec(), LEGACY_ITERATIONS, self.hmac::<sha1::Sha1>(&salt, LEGACY_ITERATIONS, auth_safe)?)
            }
        };
        let digest_info = write::sequence(&[&write::sequence(&[&write::oid(digest_oid), &write::null()]), &write::octet_string(&digest)]);
        Ok(write::sequence(&[&digest_info, &write::octet_string(&salt), &write::integer(iterations.into())]))
    }

    /// HMAC-`D` of `data` under the PKCS#12 KDF's MAC key (as long as `D`'s output).
    fn hmac<D>(&self, salt: &[u8], iterations: u32, data: &[u8]) -> Result<Vec<u8>, InstallError>
    where
        D: hmac::EagerHash + hmac::digest::FixedOutputReset + hmac::digest::block_api::BlockSizeUser,
    {
        let length = <D as hmac::digest::OutputSizeUser>::output_size();
        let key = Zeroizing::new(derive_key::<D>(&self.bmp, salt, Pkcs12KeyType::Mac, iterations as i32, length));
        let mut mac = hmac::Hmac::<D>::new_from_slice(&key).map_err(|_| InstallError::P12Failed("MAC setup".into()))?;
        mac.update(data);
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

fn random<const N: usize>() -> Result<[u8; N], InstallError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| InstallError::P12Failed(format!("no system randomness: {e}")))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_that_tools_disagree_on_are_refused() {
        for bad in ["", "mot de passe 😀"] {
            let password = Sensitive::new(bad.to_string());
            assert!(Secret::new(&password).is_err(), "{bad:?}");
        }
        let ok = Sensitive::new("pässwörd".to_string());
        let secret = Secret::new(&ok).unwrap();
        assert_eq!(&secret.bmp[..4], &[0x00, b'p', 0x00, 0xE4]);
        assert_eq!(&secret.bmp[secret.bmp.len() - 2..], &[0, 0]);
    }

    #[test]
    fn a_missing_chain_is_refused() {
        let key = Sensitive::new(vec![0x30, 0x00]);
        let err = check_key_matches(&key, &[]).unwrap_err();
        assert_eq!(err.code(), "install.chain_invalid");
        let err = check_key_matches(&key, &[vec![0x30, 0x00]]).unwrap_err();
        assert_eq!(err.code(), "install.chain_invalid");
    }
}
