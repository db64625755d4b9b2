//! Key material made on this computer for a certificate request: generated in process
//! (aws-lc), held as PKCS#8 inside a [`crate::Sensitive`], with the public half that ties it
//! to the certificate the portal issues. Where keys are kept is `certisante-devices`' business.

mod private_key;

pub use private_key::{KeyError, KeyKind, PrivateKey};
