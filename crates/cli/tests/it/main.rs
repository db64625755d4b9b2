//! The `certisante` command line, run as a user would (the built binary, real files, the
//! test PKI, the keyring harness, pcscd + vpcd): one test binary for the crate.

mod audit;
mod card;
mod cli;
mod export;
mod faults;
mod group;
mod hostile;
mod lifecycle;
mod places;
mod revocation;
mod state;
mod supervision;
mod teleservices;
