//! CertiSanté's domain: everything a user can do is a function here first. No Tauri,
//! no terminal: the desktop shell and the `certisante` CLI only translate.

pub mod alerts;
pub mod audit;
pub mod card;
pub mod card_access;
pub mod certs;
pub mod csr;
pub mod dashboard;
pub mod doctor;
mod der;
pub mod export;
pub mod igc;
pub mod install;
pub mod inventory;
pub mod keys;
pub mod lifecycle;
pub mod net;
pub mod registry;
pub mod revocation;
pub mod secret;
pub mod stores;
pub mod token;
pub mod view;

pub use secret::Sensitive;
