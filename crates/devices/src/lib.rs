//! CertiSanté's devices layer: what stands outside the process on this computer. Smart-card
//! readers and the CPx card (PC/SC), the card's token (PKCS#11), the OS keystore that keeps
//! keys and secrets, the OS certificate stores, the installers that put a certificate and
//! its key somewhere, and card-authenticated TLS. Platform differences live here, behind
//! small traits with one implementation per OS (`cfg`).

pub mod card;
pub mod card_access;
pub mod desktop;
pub mod doctor;
pub mod files;
pub mod install;
pub mod keys;
#[cfg(feature = "card-tls")]
pub mod net;
pub mod stores;
pub mod token;

// The layer below, under the names this crate's modules use.
#[allow(unused_imports)]
use certisante_pki::{certs, der, igc, view, Sensitive};
