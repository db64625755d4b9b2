//! A minimal BER/DER reader: just enough to walk PKCS#7 and PKCS#12 containers
//! without a password, and the matching DER writer for the PKCS#12 files the application
//! exports. Certificates themselves are parsed by `x509-parser`.

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerError {
    Truncated,
    Invalid,
}

pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;
pub const INTEGER: u8 = 0x02;
pub const OCTET_STRING: u8 = 0x04;
pub const OCTET_STRING_CONSTRUCTED: u8 = 0x24;
pub const OID: u8 = 0x06;
pub const CONTEXT_0: u8 = 0xA0;
pub const NULL: u8 = 0x05;
pub const BMP_STRING: u8 = 0x1E;

/// Object identifiers of PKCS#7 and PKCS#12, as DER content bytes.
pub mod oid {
    pub const DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
    pub const ENCRYPTED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x06];
    pub const KEY_BAG: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x0A, 0x01, 0x01];
    pub const SHROUDED_KEY_BAG: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x0A, 0x01, 0x02];
    pub const CERT_BAG: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x0A, 0x01, 0x03];
    pub const X509_CERTIFICATE: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x16, 0x01];
    pub const FRIENDLY_NAME: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x14];
    pub const LOCAL_KEY_ID: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x15];
}

/// One tag-length-value; `content` borrows the input except for BER constructed
/// octet strings, which are concatenated.
#[derive(Debug, Clone)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    /// The whole encoding (tag, length and content), for re-parsing with another library.
    pub raw: &'a [u8],
}

/// Reads one TLV at the start of `input`; returns it and the rest.
pub fn read(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), DerError> {
    let (&tag, after_tag) = input.split_first().ok_or(DerError::Truncated)?;
    if tag & 0x1F == 0x1F {
        return Err(DerError::Invalid); // multi-byte tags never occur in these structures
    }
    let (&first, mut rest) = after_tag.split_first().ok_or(DerError::Truncated)?;
    let header_len;
    let content_len = if first < 0x80 {
        header_len = 2;
        first as usize
    } else if first == 0x80 {
        // BER indefinite length: only for constructed forms; ends at 00 00.
        if tag & 0x20 == 0 {
            return Err(DerError::Invalid);
        }
        let len = indefinite_content_len(rest)?;
        let content = &rest[..len];
        let total = 2 + len + 2;
        return Ok((Tlv { tag, content, raw: &input[..total] }, &input[total..]));
    } else {
        let count = (first & 0x7F) as usize;
        if count > 4 || rest.len() < count {
            return Err(if count > 4 { DerError::Invalid } else { DerError::Truncated });
        }
        let mut len = 0usize;
        for &b in &rest[..count] {
            len = (len << 8) | b as usize;
        }
        rest = &rest[count..];
        header_len = 2 + count;
        len
    };
    if rest.len() < content_len {
        return Err(DerError::Truncated);
    }
    let total = header_len + content_len;
    Ok((Tlv { tag, content: &rest[..content_len], raw: &input[..total] }, &input[total..]))
}

fn indefinite_content_len(input: &[u8]) -> Result<usize, DerError> {
    let mut pos = 0;
    loop {
        let rest = &input[pos..];
        if rest.len() < 2 {
            return Err(DerError::Truncated);
        }
        if rest[0] == 0 && rest[1] == 0 {
            return Ok(pos);
        }
        let (tlv, _) = read(rest)?;
        pos += tlv.raw.len();
    }
}

/// Reads a TLV that must carry `tag`.
pub fn expect(input: &[u8], tag: u8) -> Result<(Tlv<'_>, &[u8]), DerError> {
    let (tlv, rest) = read(input)?;
    if tlv.tag != tag {
        return Err(DerError::Invalid);
    }
    Ok((tlv, rest))
}

/// All the TLVs inside a constructed value.
pub fn children(content: &[u8]) -> Result<Vec<Tlv<'_>>, DerError> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (tlv, r) = read(rest)?;
        out.push(tlv);
        rest = r;
    }
    Ok(out)
}

/// The bytes of an OCTET STRING, primitive (DER) or constructed (BER).
pub fn octet_string<'a>(tlv: &Tlv<'a>) -> Result<Cow<'a, [u8]>, DerError> {
    match tlv.tag {
        OCTET_STRING => Ok(Cow::Borrowed(tlv.content)),
        OCTET_STRING_CONSTRUCTED => {
            let mut joined = Vec::new();
            for part in children(tlv.content)? {
                joined.extend_from_slice(&octet_string(&part)?);
            }
            Ok(Cow::Owned(joined))
        }
        _ => Err(DerError::Invalid),
    }
}

/// DER writing: each function returns one complete TLV.
pub mod write {
    use super::*;

    pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let len = content.len();
        let mut out = Vec::with_capacity(len + 6);
        out.push(tag);
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes = (len as u32).to_be_bytes();
            let skip = bytes.iter().take_while(|&&b| b == 0).count();
            out.push(0x80 | (4 - skip) as u8);
            out.extend_from_slice(&bytes[skip..]);
        }
        out.extend_from_slice(content);
        out
    }

    pub fn sequence(parts: &[&[u8]]) -> Vec<u8> {
        tlv(SEQUENCE, &parts.concat())
    }

    /// A SET OF, its elements sorted by their encoding as DER requires.
    pub fn set_of(mut elements: Vec<Vec<u8>>) -> Vec<u8> {
        elements.sort();
        tlv(SET, &elements.concat())
    }

    pub fn oid(content: &[u8]) -> Vec<u8> {
        tlv(OID, content)
    }

    pub fn octet_string(bytes: &[u8]) -> Vec<u8> {
        tlv(OCTET_STRING, bytes)
    }

    pub fn null() -> Vec<u8> {
        tlv(NULL, &[])
    }

    /// A non-negative INTEGER.
    pub fn integer(value: u64) -> Vec<u8> {
        let bytes = value.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
        let mut content = bytes[skip..].to_vec();
        if content[0] & 0x80 != 0 {
            content.insert(0, 0); // keep it positive
        }
        tlv(INTEGER, &content)
    }

    /// `[n] EXPLICIT`: a constructed context-specific tag around one encoding.
    pub fn explicit(n: u8, inner: &[u8]) -> Vec<u8> {
        tlv(CONTEXT_0 | n, inner)
    }

    /// A BMPString (UTF-16BE); `None` if `text` has characters outside the BMP.
    pub fn bmp_string(text: &str) -> Option<Vec<u8>> {
        bmp_bytes(text).map(|bytes| tlv(BMP_STRING, &bytes))
    }

    /// UTF-16BE bytes of `text`; `None` if it has characters outside the BMP, which a
    /// BMPString cannot hold.
    pub fn bmp_bytes(text: &str) -> Option<Vec<u8>> {
        text.chars().map(|c| u16::try_from(u32::from(c)).ok()).collect::<Option<Vec<u16>>>().map(|units| units.iter().flat_map(|u| u.to_be_bytes()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let short = [0x04, 0x02, 0xAA, 0xBB, 0xFF];
        let (tlv, rest) = read(&short).unwrap();
        assert_eq!(tlv.content, &[0xAA, 0xBB]);
        assert_eq!(rest, &[0xFF]);
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend(std::iter::repeat_n(7, 0x80));
        assert_eq!(read(&long).unwrap().0.content.len(), 0x80);
    }

    #[test]
    fn truncated_input_is_reported() {
        assert_eq!(read(&[0x30, 0x05, 0x01]).unwrap_err(), DerError::Truncated);
        assert_eq!(read(&[0x30]).unwrap_err(), DerError::Truncated);
        assert_eq!(read(&[]).unwrap_err(), DerError::Truncated);
    }

    #[test]
    fn ber_indefinite_and_constructed_octet_strings() {
        // 24 80 (04 01 41) (04 01 42) 00 00
        let ber = [0x24, 0x80, 0x04, 0x01, 0x41, 0x04, 0x01, 0x42, 0x00, 0x00];
        let (tlv, rest) = read(&ber).unwrap();
        assert!(rest.is_empty());
        assert_eq!(&*octet_string(&tlv).unwrap(), b"AB");
    }

    #[test]
    fn writer_output_reads_back() {
        for len in [0usize, 1, 0x7F, 0x80, 0xFF, 0x100, 0x1_0000] {
            let content = vec![0x5A; len];
            let encoded = write::octet_string(&content);
            let (tlv, rest) = read(&encoded).unwrap();
            assert!(rest.is_empty());
            assert_eq!(tlv.content.len(), len, "length {len}");
        }
        assert_eq!(write::integer(0), [0x02, 0x01, 0x00]);
        assert_eq!(write::integer(2048), [0x02, 0x02, 0x08, 0x00]);
        assert_eq!(write::integer(0x80), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(write::integer(10_000), [0x02, 0x02, 0x27, 0x10]);
        assert_eq!(write::bmp_string("é").unwrap(), [0x1E, 0x02, 0x00, 0xE9]);
        assert_eq!(write::bmp_string("\u{1F600}"), None);
        // DER sorts SET OF elements by their encoding.
        assert_eq!(write::set_of(vec![vec![0x04, 0x01, 0x02], vec![0x04, 0x01, 0x01]]), [0x31, 0x06, 0x04, 0x01, 0x01, 0x04, 0x01, 0x02]);
    }
}
