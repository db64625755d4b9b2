//! The storage and lifecycle layer on real parts (SQLite files, OCSP/CRL servers on
//! 127.0.0.1, the test PKI): one test binary for the crate.

mod alerts;
mod audit;
mod chains;
mod csr;
mod harness;
mod metrics;
mod notify;
mod revocation;
mod scan;
