//! A minimal BER/DER reader: just enough to walk PKCS#7 and PKCS#12 containers
//! without a password, and the matching DER writer for the PKCS#12 files the application
//! exports. Certificates themselves are parsed by `x509-parser`.

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerError {
    Truncated,
    Invalid,
    /// Indefinite-length values or constructed OCTET STRINGs nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// More than [`MAX_ELEMENTS`] elements in one constructed value.
    TooManyElements,
}

/// Deepest nesting of BER indefinite-length values (and of constructed OCTET STRINGs)
/// accepted. The deepest genuine BER we read is a PKCS#7 SignedData's signed attribute
/// value (ContentInfo, [0], SignedData, SignerInfos, SignerInfo, [0], Attribute, SET,
/// value: 9 levels; a PKCS#12 EncryptedData needs 7). 32 leaves room for unusual encoders
/// while the reader's work and memory stay bounded whatever a file nests.
pub const MAX_DEPTH: usize = 32;

/// Most elements [`children`] lists in one constructed value. The longest genuine list we
/// walk is a PKCS#7 or PKCS#12 trust bundle (the Mozilla root store holds ~150
/// certificates); a 16 MB file of 2-byte elements would otherwise make a list of eight
/// million entries (hundreds of MB).
pub const MAX_ELEMENTS: usize = 4096;

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

/// A TLV's tag and length octets: how long they are and what length they give.
struct Header {
    tag: u8,
    len: usize,
    /// `None` for BER's indefinite length (the content ends at `00 00`).
    content_len: Option<usize>,
}

fn header(input: &[u8]) -> Result<Header, DerError> {
    let (&tag, after_tag) = input.split_first().ok_or(DerError::Truncated)?;
    if tag & 0x1F == 0x1F {
        return Err(DerError::Invalid); // multi-byte tags never occur in these structures
    }
    let (&first, rest) = after_tag.split_first().ok_or(DerError::Truncated)?;
    if first < 0x80 {
        return Ok(Header { tag, len: 2, content_len: Some(first as usize) });
    }
    if first == 0x80 {
        // BER indefinite length: only for constructed forms.
        if tag & 0x20 == 0 {
            return Err(DerError::Invalid);
        }
        return Ok(Header { tag, len: 2, content_len: None });
    }
    let count = (first & 0x7F) as usize;
    if count > 4 {
        return Err(DerError::Invalid); // 4 GiB and more: no container comes near
    }
    let octets = rest.get(..count).ok_or(DerError::Truncated)?;
    let content_len = octets.iter().fold(0usize, |len, &b| (len << 8) | b as usize);
    Ok(Header { tag, len: 2 + count, content_len: Some(content_len) })
}

/// Reads one TLV at the start of `input`; returns it and the rest.
pub fn read(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), DerError> {
    let header = header(input)?;
    let after_header = &input[header.len..];
    let (content_len, trailer) = match header.content_len {
        Some(len) => (len, 0),
        None => (indefinite_content_len(after_header)?, 2),
    };
    if after_header.len() < content_len {
        return Err(DerError::Truncated);
    }
    let total = header.len + content_len + trailer;
    Ok((Tlv { tag: header.tag, content: &after_header[..content_len], raw: &input[..total] }, &input[total..]))
}

/// Where the content of an indefinite-length value ends (its `00 00` is not counted).
/// Iterative: nested indefinite values are counted, not recursed into, so their depth
/// costs no stack, and it is capped at [`MAX_DEPTH`]; definite-length values are skipped
/// whole. One pass over the content.
fn indefinite_content_len(input: &[u8]) -> Result<usize, DerError> {
    let mut pos = 0;
    // Indefinite-length values opened inside this one and not closed yet.
    let mut open = 0usize;
    loop {
        let rest = &input[pos..];
        if rest.len() < 2 {
            return Err(DerError::Truncated);
        }
        if rest[0] == 0 && rest[1] == 0 {
            if open == 0 {
                return Ok(pos);
            }
            open -= 1;
            pos += 2;
            continue;
        }
        let header = header(rest)?;
        match header.content_len {
            Some(len) => {
                let total = header.len.checked_add(len).filter(|&total| total <= rest.len()).ok_or(DerError::Truncated)?;
                pos += total;
            }
            None => {
                open += 1;
                // This value is one level, each open one inside another.
                if open + 1 > MAX_DEPTH {
                    return Err(DerError::TooDeep);
                }
                pos += header.len;
            }
        }
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

/// All the TLVs inside a constructed value (at most [`MAX_ELEMENTS`]).
pub fn children(content: &[u8]) -> Result<Vec<Tlv<'_>>, DerError> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        if out.len() == MAX_ELEMENTS {
            return Err(DerError::TooManyElements);
        }
        let (tlv, r) = read(rest)?;
        out.push(tlv);
        rest = r;
    }
    Ok(out)
}

/// The bytes of an OCTET STRING, primitive (DER) or constructed (BER). BER lets the
/// segments of a constructed one be constructed too: they are walked with a stack of at
/// most [`MAX_DEPTH`] levels, each segment copied once.
pub fn octet_string<'a>(tlv: &Tlv<'a>) -> Result<Cow<'a, [u8]>, DerError> {
    match tlv.tag {
        OCTET_STRING => Ok(Cow::Borrowed(tlv.content)),
        OCTET_STRING_CONSTRUCTED => {
            let mut joined = Vec::new();
            // What is left to read of each constructed level being walked.
            let mut levels: Vec<&[u8]> = vec![tlv.content];
            while let Some(level) = levels.last_mut() {
                if level.is_empty() {
                    levels.pop();
                    continue;
                }
                let (part, rest) = read(level)?;
                *level = rest;
                match part.tag {
                    OCTET_STRING => joined.extend_from_slice(part.content),
                    OCTET_STRING_CONSTRUCTED if levels.len() < MAX_DEPTH => levels.push(part.content),
                    OCTET_STRING_CONSTRUCTED => return Err(DerError::TooDeep),
                    _ => return Err(DerError::Invalid),
                }
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
    fn constructed_octet_string_segments_may_nest() {
        // 24 80 (04 01 41) (24 06 (04 01 42) (04 01 43)) 00 00
        let ber = [0x24, 0x80, 0x04, 0x01, 0x41, 0x24, 0x06, 0x04, 0x01, 0x42, 0x04, 0x01, 0x43, 0x00, 0x00];
        let (tlv, _) = read(&ber).unwrap();
        assert_eq!(&*octet_string(&tlv).unwrap(), b"ABC");
        let nest = |levels: usize| (0..levels).fold(write::octet_string(b"A"), |inner, _| write::tlv(OCTET_STRING_CONSTRUCTED, &inner));
        assert_eq!(&*octet_string(&read(&nest(MAX_DEPTH)).unwrap().0).unwrap(), b"A");
        assert_eq!(octet_string(&read(&nest(MAX_DEPTH + 1)).unwrap().0).unwrap_err(), DerError::TooDeep);
    }

    #[test]
    fn indefinite_nesting_is_capped() {
        let nest = |levels: usize| [[0x30, 0x80].repeat(levels), [0x00, 0x00].repeat(levels)].concat();
        assert_eq!(read(&nest(MAX_DEPTH)).unwrap().0.raw.len(), 4 * MAX_DEPTH);
        assert_eq!(read(&nest(MAX_DEPTH + 1)).unwrap_err(), DerError::TooDeep);
        // Unterminated, or a definite length running past the end, inside.
        assert_eq!(read(&[0x30, 0x80, 0x30, 0x80, 0x00, 0x00]).unwrap_err(), DerError::Truncated);
        assert_eq!(read(&[0x30, 0x80, 0x04, 0x05, 0x00, 0x00]).unwrap_err(), DerError::Truncated);
        // Indefinite primitive.
        assert_eq!(read(&[0x04, 0x80, 0x00, 0x00]).unwrap_err(), DerError::Invalid);
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
