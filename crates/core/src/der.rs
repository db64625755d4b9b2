//! A minimal BER/DER reader: just enough to walk PKCS#7 and PKCS#12 containers
//! without a password. Certificates themselves are parsed by `x509-parser`.

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
        long.extend(std::iter::repeat(7).take(0x80));
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
}
