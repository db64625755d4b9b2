//! Distinguished names compared as RFC 5280 7.1 asks: same number of RDNs in the same
//! order, each RDN the same set of attributes (any order within it), each attribute the
//! same type with values equal after the LDAP string preparation of RFC 4518 (string type,
//! case and insignificant spaces do not matter). A name is turned into a key once; two
//! names match when their keys are equal.
//!
//! Not done of RFC 4518: NFKC normalisation and the prohibited-character check. Both only
//! decide whether exotic Unicode spellings match; IGC-Santé names are ASCII, and a name
//! that matches too loosely still has to verify the signature with the CA's key.

use x509_parser::der_parser::asn1_rs::Tag;
use x509_parser::prelude::*;

/// The comparison key of a distinguished name (an opaque, unambiguous encoding: values
/// are length-prefixed, so no value can pass for a separator).
pub(crate) type NameKey = Vec<u8>;

/// The key of a name given as DER; `None` if it does not parse (then nothing matches it).
pub(crate) fn raw_name_key(raw: &[u8]) -> Option<NameKey> {
    X509Name::from_der(raw).ok().map(|(_, name)| name_key(&name))
}

pub(crate) fn name_key(name: &X509Name<'_>) -> NameKey {
    let mut key = Vec::new();
    for rdn in name.iter() {
        let mut attributes: Vec<Vec<u8>> = rdn.iter().map(attribute_key).collect();
        // An RDN is a SET: the same attributes in another order are the same RDN.
        attributes.sort();
        push_len(&mut key, attributes.len());
        for attribute in attributes {
            push_len(&mut key, attribute.len());
            key.extend(attribute);
        }
    }
    key
}

/// Two names given as DER match (binary equality first: the usual case, and a match by
/// definition).
#[cfg(test)]
fn names_match(a: &[u8], b: &[u8]) -> bool {
    a == b || matches!((raw_name_key(a), raw_name_key(b)), (Some(a), Some(b)) if a == b)
}

fn attribute_key(attribute: &AttributeTypeAndValue<'_>) -> Vec<u8> {
    let mut key = Vec::new();
    let oid = attribute.attr_type().as_bytes();
    push_len(&mut key, oid.len());
    key.extend_from_slice(oid);
    let value = attribute.attr_value();
    match directory_string(value.tag(), value.data) {
        Some(text) => {
            key.push(b's');
            key.extend(prepare(&text).into_bytes());
        }
        // Not a character string (or not a valid one): compared as encoded.
        None => {
            key.push(b'b');
            key.extend(value.tag().0.to_be_bytes());
            key.extend_from_slice(value.data);
        }
    }
    key
}

/// The characters of a string value, whatever the ASN.1 string type it is encoded in.
fn directory_string(tag: Tag, data: &[u8]) -> Option<String> {
    match tag {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::NumericString | Tag::VisibleString => String::from_utf8(data.to_vec()).ok(),
        // T.61 in theory, Latin-1 in practice (as OpenSSL reads it).
        Tag::T61String => Some(data.iter().map(|&b| b as char).collect()),
        Tag::BmpString => {
            if !data.len().is_multiple_of(2) {
                return None;
            }
            char::decode_utf16(data.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]]))).collect::<Result<String, _>>().ok()
        }
        Tag::UniversalString => {
            if !data.len().is_multiple_of(4) {
                return None;
            }
            data.chunks(4).map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))).collect()
        }
        _ => None,
    }
}

/// RFC 4518's map step (characters mapped to nothing or to a space), case folding, and
/// insignificant space handling (no leading or trailing space, inner runs as one).
fn prepare(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut space = false;
    for c in value.chars() {
        if mapped_to_nothing(c) {
            continue;
        }
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// RFC 4518 2.2: soft hyphens, joiners, variation selectors, the object replacement
/// character, and control characters other than the whitespace ones.
fn mapped_to_nothing(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x08 | 0x0E..=0x1F | 0x7F..=0x84 | 0x86..=0x9F | 0xAD | 0x034F | 0x06DD | 0x070F | 0x1806 | 0x180B..=0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2063 | 0x206A..=0x206F | 0xFE00..=0xFE0F | 0xFEFF | 0xFFF9..=0xFFFC
        | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

fn push_len(key: &mut Vec<u8>, len: usize) {
    key.extend((len as u32).to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One attribute: OID content bytes, value tag, value bytes.
    type Attribute<'a> = (&'a [u8], u8, &'a [u8]);

    /// A DER name from RDNs of attributes.
    fn name(rdns: &[&[Attribute<'_>]]) -> Vec<u8> {
        fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
            assert!(content.len() < 128);
            [vec![tag, content.len() as u8], content.to_vec()].concat()
        }
        let rdns: Vec<u8> = rdns
            .iter()
            .flat_map(|rdn| {
                let set: Vec<u8> = rdn.iter().flat_map(|(oid, tag, value)| tlv(0x30, &[tlv(0x06, oid), tlv(*tag, value)].concat())).collect();
                tlv(0x31, &set)
            })
            .collect();
        tlv(0x30, &rdns)
    }

    const CN: &[u8] = &[0x55, 0x04, 0x03];
    const O: &[u8] = &[0x55, 0x04, 0x0A];
    const OU: &[u8] = &[0x55, 0x04, 0x0B];
    const PRINTABLE: u8 = 0x13;
    const UTF8: u8 = 0x0C;
    const BMP: u8 = 0x1E;

    #[test]
    fn string_type_case_and_spaces_do_not_matter() {
        let reference = name(&[&[(O, PRINTABLE, b"ASIP-SANTE")], &[(CN, PRINTABLE, b"AC IGC-SANTE ELEMENTAIRE")]]);
        let other_spelling = name(&[&[(O, UTF8, b"  asip-sante ")], &[(CN, UTF8, b"AC  igc-sante\tELEMENTAIRE")]]);
        assert!(names_match(&reference, &other_spelling));
        let bmp: Vec<u8> = "ASIP-SANTE".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let bmp_cn: Vec<u8> = "AC IGC-SANTE ELEMENTAIRE".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(names_match(&reference, &name(&[&[(O, BMP, &bmp)], &[(CN, BMP, &bmp_cn)]])));
        // Soft hyphens are mapped to nothing.
        assert!(names_match(&reference, &name(&[&[(O, UTF8, "ASIP-\u{AD}SANTE".as_bytes())], &[(CN, UTF8, b"AC IGC-SANTE ELEMENTAIRE")]])));
    }

    #[test]
    fn structure_matters() {
        let reference = name(&[&[(O, PRINTABLE, b"A")], &[(CN, PRINTABLE, b"B")]]);
        // Another attribute type, another order of RDNs, another value, one RDN more or less.
        assert!(!names_match(&reference, &name(&[&[(OU, PRINTABLE, b"A")], &[(CN, PRINTABLE, b"B")]])));
        assert!(!names_match(&reference, &name(&[&[(CN, PRINTABLE, b"B")], &[(O, PRINTABLE, b"A")]])));
        assert!(!names_match(&reference, &name(&[&[(O, PRINTABLE, b"A")], &[(CN, PRINTABLE, b"C")]])));
        assert!(!names_match(&reference, &name(&[&[(O, PRINTABLE, b"A")]])));
        assert!(!names_match(&reference, &name(&[&[(O, PRINTABLE, b"A")], &[(CN, PRINTABLE, b"B")], &[(CN, PRINTABLE, b"B")]])));
        // Two RDNs are not one multi-valued RDN, though a text rendering may not tell them apart.
        assert!(!names_match(&reference, &name(&[&[(O, PRINTABLE, b"A"), (CN, PRINTABLE, b"B")]])));
        // A value holding what a text rendering uses as separators is one value.
        assert!(!names_match(&reference, &name(&[&[(O, UTF8, b"A, CN=B")]])));
        // Inner spaces are kept (as one).
        assert!(!names_match(&name(&[&[(CN, UTF8, b"AB")]]), &name(&[&[(CN, UTF8, b"A B")]])));
    }

    #[test]
    fn attributes_of_one_rdn_are_a_set() {
        let one = name(&[&[(O, PRINTABLE, b"A"), (CN, PRINTABLE, b"B")]]);
        let other_order = name(&[&[(CN, UTF8, b"b"), (O, UTF8, b"a")]]);
        assert!(names_match(&one, &other_order));
    }

    #[test]
    fn non_string_values_compare_as_encoded() {
        let a = name(&[&[(CN, 0x04, b"\x01\x02")]]);
        assert!(names_match(&a, &name(&[&[(CN, 0x04, b"\x01\x02")]])));
        assert!(!names_match(&a, &name(&[&[(CN, 0x04, b"\x01\x03")]])));
        assert!(!names_match(&name(&[&[(CN, PRINTABLE, b"A")]]), &name(&[&[(CN, 0x04, b"A")]])));
    }
}
