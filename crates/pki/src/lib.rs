//! CertiSanté's bottom layer: public-key infrastructure as pure computation, no I/O.
//! DER, certificate containers and facts, chains, IGC-Santé profiles and classification,
//! CSRs, key material, revocation data, the certificate view, `Sensitive` and the error
//! model. Every other crate builds on this one; it depends on none of them.

pub mod certs;
pub mod csr;
pub mod der;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod igc;
pub mod keys;
pub mod order;
pub mod procedure;
pub mod revocation;
pub mod secret;
pub mod view;

pub use error::{ApiError, CodedError};
pub use secret::Sensitive;
