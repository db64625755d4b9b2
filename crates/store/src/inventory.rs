//! Finding certificates: walking files and folders, reading each container, and
//! assembling one view per certificate (deduplicated by SHA-256, with every place).

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::Serialize;
use ts_rs::TS;

use certisante_pki::CodedError;

use crate::certs::{self, CertificateFacts, CertsError, ChainVerifier, ContainerFormat, FoundCertificate, Integrity};
use crate::stores::{self, StoreContent};
use crate::view::{build_view, CertificateView, Place, PlaceKind, Thresholds};
use crate::Sensitive;

/// A file or store that could not be read (the scan goes on without it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ScanError {
    pub path: String,
    pub code: String,
    pub message: String,
}

impl ScanError {
    pub fn new(path: impl Into<String>, error: &impl CodedError) -> Self {
        Self { path: path.into(), code: error.code().into(), message: error.to_string() }
    }
}

/// Why part of a folder was not walked (the rest of the scan goes on).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalkError {
    #[error("folders nested deeper than {MAX_WALK_DEPTH} levels are not read")]
    TooDeep,
    #[error("the walk stopped after {MAX_WALK_FILES} files: watch fewer or smaller folders")]
    TooManyFiles,
    #[error("a link into {0} (a system pseudo-filesystem) is not followed")]
    PseudoFilesystem(String),
    #[error("a link or mount point to another filesystem is not followed: watch that folder itself to read it")]
    OtherFilesystem,
    #[error("a link to a folder that holds the watched folder (such as /) is not followed")]
    LinkToAncestor,
    #[error("cannot read: {0}")]
    Io(String),
    #[error("reading this file stopped CertiSanté during an earlier scan: it is set aside, and read again when it changes or when you ask")]
    SetAside,
}

certisante_pki::error_codes!(WalkError {
    Self::TooDeep => "scan.too_deep",
    Self::TooManyFiles => "scan.too_many_files",
    Self::PseudoFilesystem(_) => "scan.pseudo_filesystem",
    Self::OtherFilesystem => "scan.other_filesystem",
    Self::LinkToAncestor => "scan.link_to_ancestor",
    Self::Io(_) => "scan.io",
    Self::SetAside => "scan.set_aside",
});

/// Deeper than any certificate folder; a ladder of links ends here.
pub const MAX_WALK_DEPTH: usize = 32;
/// Files collected from the watched paths, at most: a link to `/` or a share of a whole
/// disk stops here instead of walking for hours.
pub const MAX_WALK_FILES: usize = 500_000;
/// Never walked into, even through a link: their files are not files (`/proc/self/pagemap`
/// reads without end, devices block).
const PSEUDO_FILESYSTEMS: &[&str] = &["/proc", "/sys", "/dev"];

/// What `list` prints and the dashboard shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ScanReport {
    pub certificates: Vec<CertificateView>,
    pub errors: Vec<ScanError>,
}

/// Progress of a long scan, sent to the UI as events.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ScanProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
    pub current: String,
}

/// File extensions that announce a certificate container: their read errors are
/// reported. Other files met in folders are read silently and kept only if they parse.
const CERTIFICATE_EXTENSIONS: &[&str] = &["pem", "crt", "cer", "der", "cert", "p7b", "p7c", "p7", "p12", "pfx", "ca-bundle"];

#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    /// Named by the user (errors always reported) rather than met inside a folder.
    pub explicit: bool,
}

impl Candidate {
    fn reports_errors(&self) -> bool {
        self.explicit || has_certificate_extension(&self.path)
    }
}

pub fn has_certificate_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| CERTIFICATE_EXTENSIONS.iter().any(|known| known.eq_ignore_ascii_case(e)))
}

/// Expands files and folders: recursively, following links within limits (depth, count,
/// never into `/proc`, `/sys` or `/dev`, never onto another filesystem than the watched
/// folder's, each real folder once), never twice the same file.
pub fn collect_candidates(paths: &[PathBuf]) -> (Vec<Candidate>, Vec<ScanError>) {
    let mut walk = Walk::default();
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) => walk.errors.push(ScanError::new(path.display().to_string(), &CertsError::Io(e.to_string()))),
            Ok(meta) if meta.is_dir() => walk.folder(path, &meta),
            // A file named by the user is read whatever its kind: the reader refuses
            // special files with their own code.
            Ok(_) => walk.candidates.push(Candidate { path: path.clone(), explicit: true }),
        }
    }
    let Walk { mut candidates, errors, .. } = walk;
    candidates.sort_by(|a, b| a.path.cmp(&b.path));
    candidates.dedup_by(|a, b| a.path == b.path);
    (candidates, errors)
}

#[derive(Default)]
struct Walk {
    candidates: Vec<Candidate>,
    errors: Vec<ScanError>,
    /// Real folders already walked (by device and inode on unix, canonical path elsewhere):
    /// loops and ladders of links walk each folder once.
    visited: HashSet<FolderId>,
    stopped: bool,
}

#[cfg(unix)]
type FolderId = (u64, u64);
#[cfg(not(unix))]
type FolderId = PathBuf;

#[cfg(unix)]
fn folder_id(_path: &Path, meta: &std::fs::Metadata) -> Option<FolderId> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn folder_id(path: &Path, _meta: &std::fs::Metadata) -> Option<FolderId> {
    std::fs::canonicalize(path).ok()
}

#[cfg(unix)]
fn same_filesystem(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev()
}

#[cfg(not(unix))]
fn same_filesystem(_a: &std::fs::Metadata, _b: &std::fs::Metadata) -> bool {
    true
}

fn in_pseudo_filesystem(path: &Path) -> Option<&'static str> {
    let real = std::fs::canonicalize(path).ok()?;
    PSEUDO_FILESYSTEMS.iter().copied().find(|root| real.starts_with(root))
}

impl Walk {
    /// Walks one watched folder, iteratively (no recursion on the stack).
    fn folder(&mut self, root: &Path, root_meta: &std::fs::Metadata) {
        if let Some(pseudo) = in_pseudo_filesystem(root) {
            self.errors.push(ScanError::new(root.display().to_string(), &WalkError::PseudoFilesystem(pseudo.into())));
            return;
        }
        let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut pending = vec![(root.to_path_buf(), 0usize)];
        if let Some(id) = folder_id(root, root_meta) {
            self.visited.insert(id);
        }
        while let Some((dir, depth)) = pending.pop() {
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) => {
                    self.errors.push(ScanError::new(dir.display().to_string(), &WalkError::Io(e.to_string())));
                    continue;
                }
            };
            let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            // Depth-first in name order: pushed in reverse so the first name pops first.
            let mut folders = Vec::new();
            for path in paths {
                if self.stopped {
                    return;
                }
                let Ok(link_meta) = std::fs::symlink_metadata(&path) else { continue };
                let is_link = link_meta.file_type().is_symlink();
                let meta = if is_link {
                    if let Some(pseudo) = in_pseudo_filesystem(&path) {
                        self.errors.push(ScanError::new(path.display().to_string(), &WalkError::PseudoFilesystem(pseudo.into())));
                        continue;
                    }
                    // A link up the tree (to `/`, to a parent) would walk far more than was watched.
                    if std::fs::canonicalize(&path).is_ok_and(|target| target != real_root && real_root.starts_with(&target)) {
                        self.errors.push(ScanError::new(path.display().to_string(), &WalkError::LinkToAncestor));
                        continue;
                    }
                    match std::fs::metadata(&path) {
                        Ok(meta) => meta,
                        Err(_) => continue, // a dangling link: nothing to read
                    }
                } else {
                    link_meta
                };
                if meta.is_dir() {
                    if !same_filesystem(&meta, root_meta) {
                        self.errors.push(ScanError::new(path.display().to_string(), &WalkError::OtherFilesystem));
                        continue;
                    }
                    if depth + 1 > MAX_WALK_DEPTH {
                        self.errors.push(ScanError::new(path.display().to_string(), &WalkError::TooDeep));
                        continue;
                    }
                    if folder_id(&path, &meta).is_some_and(|id| !self.visited.insert(id)) {
                        continue;
                    }
                    folders.push((path, depth + 1));
                } else if meta.is_file() {
                    if self.candidates.len() >= MAX_WALK_FILES {
                        self.errors.push(ScanError::new(root.display().to_string(), &WalkError::TooManyFiles));
                        self.stopped = true;
                        return;
                    }
                    self.candidates.push(Candidate { path, explicit: false });
                }
                // Devices, pipes and sockets met in a folder are not certificate files.
            }
            pending.extend(folders.into_iter().rev());
        }
    }
}

/// One container read from a file or a store.
#[derive(Debug)]
pub struct SourceRead {
    pub path: String,
    pub kind: PlaceKind,
    pub format: ContainerFormat,
    pub integrity: Integrity,
    pub certificates: Vec<FoundCertificate>,
}

impl SourceRead {
    pub fn places(&self) -> impl Iterator<Item = (&FoundCertificate, Place)> + '_ {
        self.certificates.iter().map(|found| {
            (
                found,
                Place {
                    path: self.path.clone(),
                    kind: self.kind,
                    format: self.format,
                    position: found.position,
                    has_private_key: found.has_private_key,
                    integrity: self.integrity,
                    managed: false,
                },
            )
        })
    }
}

impl SourceRead {
    /// `places`, giving up the certificates' DER instead of copying it.
    pub fn into_places(self) -> impl Iterator<Item = (Vec<u8>, Option<Place>)> {
        let Self { path, kind, format, integrity, certificates } = self;
        certificates.into_iter().map(move |found| {
            let place = Place { path: path.clone(), kind, format, position: found.position, has_private_key: found.has_private_key, integrity, managed: false };
            (found.der, Some(place))
        })
    }
}

impl From<StoreContent> for SourceRead {
    fn from(store: StoreContent) -> Self {
        Self { path: store.source, kind: store.kind, format: ContainerFormat::Store, integrity: Integrity::NotApplicable, certificates: store.certificates }
    }
}

/// Outcome of reading one candidate file.
pub enum FileOutcome {
    Read(SourceRead, Vec<ScanError>),
    /// A file met in a folder that is not a certificate container: not an error.
    Skipped,
    Failed(ScanError),
}

/// Fault injection for the tests: the process aborts when it reads a file of this name, as
/// a stack overflow in a dependency would (which no code can catch).
pub const FAULT_ABORT_ENV: &str = "CERTISANTE_FAULT_ABORT_READING";

pub fn read_file(candidate: &Candidate, password: Option<&Sensitive<String>>) -> FileOutcome {
    if let Some(name) = std::env::var_os(FAULT_ABORT_ENV) {
        if candidate.path.file_name() == Some(name.as_os_str()) {
            eprintln!("certisante: fault injected: aborting while reading {}", candidate.path.display());
            std::process::abort();
        }
    }
    let path = candidate.path.display().to_string();
    let report = candidate.reports_errors();
    let bytes = match crate::files::read_bounded(&candidate.path, certs::MAX_FILE_SIZE) {
        Ok(bytes) => bytes,
        Err(e) if report => return FileOutcome::Failed(ScanError::new(path, &e)),
        Err(_) => return FileOutcome::Skipped,
    };
    let fail = |e: CertsError| if report { FileOutcome::Failed(ScanError::new(path.clone(), &e)) } else { FileOutcome::Skipped };
    match certs::read_container(&bytes, password) {
        Ok(container) => {
            let problems = container.problems.iter().map(|p| ScanError::new(path.clone(), p)).collect();
            let read =
                SourceRead { path, kind: PlaceKind::File, format: container.format, integrity: container.integrity, certificates: container.certificates };
            FileOutcome::Read(read, problems)
        }
        Err(e) => fail(e),
    }
}

pub struct ScanOptions {
    pub thresholds: Thresholds,
    pub now: DateTime<Utc>,
    pub extra_anchors: Option<PathBuf>,
    /// The password for PKCS#12 files (verifies their MAC and decrypts encrypted bags).
    pub pkcs12_password: Option<Sensitive<String>>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self { thresholds: Thresholds::default(), now: Utc::now(), extra_anchors: crate::trust::extra_anchors_from_env(), pkcs12_password: None }
    }
}

/// Reads files in parallel, reporting progress as each one is done.
pub fn read_candidates(
    candidates: &[Candidate],
    password: Option<&Sensitive<String>>,
    progress: &(dyn Fn(ScanProgress) + Sync),
) -> (Vec<SourceRead>, Vec<ScanError>) {
    let done = std::sync::atomic::AtomicU64::new(0);
    let total = candidates.len() as u64;
    let outcomes: Vec<FileOutcome> = candidates
        .par_iter()
        .map(|candidate| {
            let outcome = read_file(candidate, password);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if n == total || n.is_multiple_of(64) {
                progress(ScanProgress { done: n, total, current: candidate.path.display().to_string() });
            }
            outcome
        })
        .collect();
    let mut reads = Vec::new();
    let mut errors = Vec::new();
    for outcome in outcomes {
        match outcome {
            FileOutcome::Read(read, problems) => {
                reads.push(read);
                errors.extend(problems);
            }
            FileOutcome::Skipped => {}
            FileOutcome::Failed(e) => errors.push(e),
        }
    }
    (reads, errors)
}

/// Scans the given files and folders without touching the registry.
pub fn scan_paths(paths: &[PathBuf], options: &ScanOptions, progress: &(dyn Fn(ScanProgress) + Sync)) -> ScanReport {
    let (candidates, mut errors) = collect_candidates(paths);
    let (reads, read_errors) = read_candidates(&candidates, options.pkcs12_password.as_ref(), progress);
    errors.extend(read_errors);
    let observations = reads.into_iter().flat_map(SourceRead::into_places);
    let mut certificates = assemble(observations, options);
    crate::view::warn_about_teleservices(&mut certificates);
    ScanReport { certificates, errors }
}

/// Reads the OS stores (NSS, Windows, macOS) as sources.
pub fn read_stores() -> (Vec<SourceRead>, Vec<ScanError>) {
    let mut reads = Vec::new();
    let mut errors = Vec::new();
    for store in stores::read_os_stores() {
        match store {
            Ok(content) => reads.push(content.into()),
            Err(e) => errors.push(ScanError { path: e.store().to_string(), code: e.code().into(), message: e.to_string() }),
        }
    }
    (reads, errors)
}

/// Builds one view per distinct certificate, soonest expiry first. An observation without a
/// place is a certificate known otherwise (by its order): listed, with no place of its own.
pub fn assemble(observations: impl IntoIterator<Item = (Vec<u8>, Option<Place>)>, options: &ScanOptions) -> Vec<CertificateView> {
    use sha2::Digest;
    let observations: Vec<(Vec<u8>, Option<Place>)> = observations.into_iter().collect();
    let hashes: Vec<[u8; 32]> = observations.par_iter().map(|(der, _)| sha2::Sha256::digest(der).into()).collect();

    // Distinct certificates in order of first sight (DER moved, not copied), each with
    // its places in order and without repeats.
    let mut index: HashMap<[u8; 32], usize> = HashMap::with_capacity(observations.len());
    let mut unique: Vec<([u8; 32], Vec<u8>)> = Vec::new();
    let mut places: Vec<Vec<Place>> = Vec::new();
    // (certificate, position, hash of the path) of every place kept: a place equal to one
    // already kept has the same triple, so only a triple seen before needs a comparison.
    let path_hasher = std::collections::hash_map::RandomState::new();
    let mut seen: HashSet<(usize, u32, u64)> = HashSet::with_capacity(observations.len());
    for ((der, place), hash) in observations.into_iter().zip(hashes) {
        let i = *index.entry(hash).or_insert_with(|| {
            unique.push((hash, der));
            places.push(Vec::new());
            unique.len() - 1
        });
        let Some(place) = place else { continue };
        if !seen.insert((i, place.position, path_hasher.hash_one(&place.path))) && places[i].contains(&place) {
            continue;
        }
        places[i].push(place);
    }

    // One parse per distinct certificate: its facts and what its chain verification needs.
    let parsed: Vec<_> = unique.par_iter().map(|(hash, der)| CertificateFacts::with_chain_input(der, *hash)).collect();
    let mut verifier: ChainVerifier = crate::trust::chain_verifier(options.extra_anchors.as_deref()).at(options.now);
    for ((_, der), parsed) in unique.iter().zip(&parsed) {
        if parsed.as_ref().is_some_and(|(facts, _)| facts.is_ca) {
            verifier.add_to_pool(der);
        }
    }
    let mut views: Vec<CertificateView> = parsed
        .into_par_iter()
        .zip(places)
        .filter_map(|(parsed, places)| {
            let (facts, input) = parsed?;
            let chain = verifier.verify_input(&input);
            Some(build_view(&facts, chain, places, options.now, options.thresholds))
        })
        .collect();
    sort_for_dashboard(&mut views);
    views
}

/// Soonest expiry first; ties by name, then fingerprint, for a stable order.
pub fn sort_for_dashboard(views: &mut [CertificateView]) {
    views.sort_by(|a, b| a.usable_until.cmp(&b.usable_until).then_with(|| a.cn.cmp(&b.cn)).then_with(|| a.sha256.cmp(&b.sha256)));
}
