//! Trust anchors beyond the shipped IGC-Santé hierarchy: a folder of extra anchors (`prod/`
//! and `test/` sub-folders) for a new ANS root before an update ships it, and for test
//! hierarchies. Named by `CERTISANTE_EXTRA_ANCHORS` or given explicitly.

use std::path::{Path, PathBuf};

use certisante_pki::certs::{read_container, ChainVerifier, Environment};
use certisante_pki::igc;

/// Environment variable naming the extra-anchors folder.
pub const EXTRA_ANCHORS_ENV: &str = "CERTISANTE_EXTRA_ANCHORS";

/// The certificates of the extra-anchors folder, with the environment each stands for.
/// Unreadable files are skipped: an anchor that cannot be read trusts nothing.
pub fn extra_anchors(dir: Option<&Path>) -> Vec<(Vec<u8>, Environment)> {
    let mut found = Vec::new();
    let Some(dir) = dir else { return found };
    for (sub, environment) in [("prod", Environment::Prod), ("test", Environment::Test)] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else { continue };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let Ok(bytes) = crate::files::read_bounded(&path, crate::certs::MAX_FILE_SIZE) else { continue };
            if let Ok(container) = read_container(&bytes, None) {
                found.extend(container.certificates.into_iter().map(|c| (c.der, environment)));
            }
        }
    }
    found
}

/// The extra-anchors folder from the environment, if set.
pub fn extra_anchors_from_env() -> Option<PathBuf> {
    std::env::var_os(EXTRA_ANCHORS_ENV).filter(|v| !v.is_empty()).map(Into::into)
}

/// The verifier over the shipped hierarchy and the extra anchors of `dir`.
pub fn chain_verifier(dir: Option<&Path>) -> ChainVerifier {
    igc::chain_verifier(&extra_anchors(dir))
}
