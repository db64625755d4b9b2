//! Finding and loading the PKCS#11 module of the CPS card middleware (Cryptolib CPS).
//!
//! Where to look is data (`assets/pkcs11-modules.json`). A user setting wins over the
//! `CERTISANTE_PKCS11_MODULE` environment variable, which wins over the shipped list: an
//! explicit choice is never silently replaced by another module.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, Rv, RvError};
use cryptoki::slot::Slot;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::TokenError;

/// Environment variable naming the PKCS#11 module to use.
pub const MODULE_ENV: &str = "CERTISANTE_PKCS11_MODULE";

#[derive(Deserialize)]
struct ModuleTable {
    modules: Vec<Candidate>,
}

#[derive(Deserialize)]
struct Candidate {
    os: String,
    #[serde(default)]
    arch: Vec<String>,
    path: String,
}

fn table() -> &'static ModuleTable {
    static TABLE: OnceLock<ModuleTable> = OnceLock::new();
    TABLE.get_or_init(|| serde_json::from_str(include_str!("../../assets/pkcs11-modules.json")).expect("assets/pkcs11-modules.json is valid"))
}

/// The shipped Cryptolib CPS locations for this OS and architecture, in the order tried.
pub fn default_module_paths() -> Vec<String> {
    candidates_for(std::env::consts::OS, std::env::consts::ARCH, |name| std::env::var(name).ok())
}

fn candidates_for(os: &str, arch: &str, env: impl Fn(&str) -> Option<String>) -> Vec<String> {
    table().modules.iter().filter(|c| c.os == os && (c.arch.is_empty() || c.arch.iter().any(|a| a == arch))).filter_map(|c| expand(&c.path, &env)).collect()
}

/// Replaces `%NAME%` by the environment variable NAME; `None` when one is unset, so that a
/// path that cannot be built is not tried.
fn expand(path: &str, env: &impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('%') {
        let after = &rest[start + 1..];
        let end = after.find('%')?;
        out.push_str(&rest[..start]);
        out.push_str(&env(&after[..end]).filter(|v| !v.is_empty())?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Where the module path came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ModuleSource {
    Setting,
    Environment,
    Default,
}

/// The paths to try, in order, and why these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleChoice {
    pub paths: Vec<PathBuf>,
    pub source: ModuleSource,
}

/// The setting alone, else the environment variable alone, else the shipped defaults.
pub fn module_choice(setting: Option<&Path>) -> ModuleChoice {
    choose(setting, std::env::var_os(MODULE_ENV), default_module_paths())
}

fn choose(setting: Option<&Path>, env: Option<OsString>, defaults: Vec<String>) -> ModuleChoice {
    if let Some(path) = setting.filter(|p| !p.as_os_str().is_empty()) {
        return ModuleChoice { paths: vec![path.to_path_buf()], source: ModuleSource::Setting };
    }
    if let Some(path) = env.filter(|v| !v.is_empty()) {
        return ModuleChoice { paths: vec![PathBuf::from(path)], source: ModuleSource::Environment };
    }
    ModuleChoice { paths: defaults.into_iter().map(PathBuf::from).collect(), source: ModuleSource::Default }
}

/// One loaded, initialised module. Loaded once per process and kept: PKCS#11 allows one
/// `C_Initialize` per process, and other parts of the app (TLS) share the same module.
pub(crate) struct Loaded {
    pub(crate) path: PathBuf,
    pub(crate) ctx: Pkcs11,
    raw: RawFunctions,
    /// Slots this process is logged in to: login state is per application and token in
    /// PKCS#11, so a second login (or a logout on drop) would disturb a live session.
    logged_in: Mutex<HashSet<u64>>,
}

type GetTokenInfoFn = unsafe extern "C" fn(cryptoki_sys::CK_SLOT_ID, *mut cryptoki_sys::CK_TOKEN_INFO) -> cryptoki_sys::CK_RV;

/// `C_GetTokenInfo` called directly: cryptoki's typed reader rejects a whole token info
/// whose clock field it cannot parse (opencryptoki's soft token), losing the PIN flags.
struct RawFunctions {
    // Keeps the library mapped while the function pointer is used.
    _library: cryptoki_sys::Pkcs11,
    get_token_info: GetTokenInfoFn,
}

impl RawFunctions {
    fn load(path: &Path) -> Result<Self, String> {
        // SAFETY: the same file cryptoki just loaded and initialised: the OS returns the same
        // mapped library, and we only read its function list.
        unsafe {
            let library = cryptoki_sys::Pkcs11::new(path.as_os_str()).map_err(|e| e.to_string())?;
            if library.C_GetFunctionList.is_err() {
                return Err("no C_GetFunctionList symbol".into());
            }
            let mut list: *mut cryptoki_sys::CK_FUNCTION_LIST = std::ptr::null_mut();
            let rv = library.C_GetFunctionList(&mut list);
            if rv != cryptoki_sys::CKR_OK || list.is_null() {
                return Err(format!("C_GetFunctionList failed ({rv:#x})"));
            }
            let get_token_info = (*list).C_GetTokenInfo.ok_or("no C_GetTokenInfo function")?;
            Ok(Self { _library: library, get_token_info })
        }
    }
}

/// The fields of CK_TOKEN_INFO this application uses, read tolerantly: bad text is
/// replaced, unavailable numbers are `None`, nothing fails.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RawTokenInfo {
    pub label: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub flags: u64,
    pub token_initialized: bool,
    pub min_pin_len: Option<u32>,
    pub max_pin_len: Option<u32>,
}

pub(crate) fn padded_text(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_matches(|c: char| c == ' ' || c == '\0').trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn known_length(value: cryptoki_sys::CK_ULONG) -> Option<u32> {
    if value == cryptoki_sys::CK_UNAVAILABLE_INFORMATION || value == 0 {
        None
    } else {
        // CK_ULONG is a C `unsigned long`: 64 bits on unix, already 32 on Windows.
        #[allow(clippy::useless_conversion)]
        u32::try_from(value).ok()
    }
}

impl Loaded {
    pub(crate) fn token_info(&self, slot: Slot) -> Result<RawTokenInfo, RvError> {
        let mut info = cryptoki_sys::CK_TOKEN_INFO::default();
        // SAFETY: a valid function of an initialised module, writing into our own struct.
        let rv = unsafe { (self.raw.get_token_info)(slot.into(), &mut info) };
        if let Rv::Error(e) = Rv::from(rv) {
            return Err(e);
        }
        // Copies: the struct is packed on Windows.
        let (label, manufacturer, model, serial) = (info.label, info.manufacturerID, info.model, info.serialNumber);
        let (flags, min, max) = (info.flags, info.ulMinPinLen, info.ulMaxPinLen);
        Ok(RawTokenInfo {
            label: padded_text(&label),
            manufacturer: padded_text(&manufacturer),
            model: padded_text(&model),
            serial_number: padded_text(&serial),
            #[allow(clippy::useless_conversion)] // CK_FLAGS is u32 on Windows
            flags: u64::from(flags),
            token_initialized: flags & cryptoki_sys::CKF_TOKEN_INITIALIZED != 0,
            min_pin_len: known_length(min),
            max_pin_len: known_length(max),
        })
    }

    /// Marks `slot` as logged in by this process; false if it already was.
    pub(crate) fn claim_login(&self, slot: u64) -> bool {
        self.logged_in.lock().unwrap_or_else(|e| e.into_inner()).insert(slot)
    }

    pub(crate) fn release_login(&self, slot: u64) {
        self.logged_in.lock().unwrap_or_else(|e| e.into_inner()).remove(&slot);
    }
}

fn loaded_modules() -> &'static Mutex<HashMap<PathBuf, Arc<Loaded>>> {
    static MODULES: OnceLock<Mutex<HashMap<PathBuf, Arc<Loaded>>>> = OnceLock::new();
    MODULES.get_or_init(Default::default)
}

/// Loads and initialises `path`, or returns the module already loaded from it.
pub(crate) fn load(path: &Path) -> Result<Arc<Loaded>, String> {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut modules = loaded_modules().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(loaded) = modules.get(&key) {
        return Ok(loaded.clone());
    }
    let ctx = Pkcs11::new(path).map_err(|e| match e {
        CkError::LibraryLoading(e) => e.to_string(),
        other => other.to_string(),
    })?;
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        // Another component of this process initialised it first: usable as is.
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(format!("C_Initialize failed: {e}")),
    }
    let raw = RawFunctions::load(path)?;
    let loaded = Arc::new(Loaded { path: path.to_path_buf(), ctx, raw, logged_in: Mutex::new(HashSet::new()) });
    modules.insert(key, loaded.clone());
    Ok(loaded)
}

/// Tries the chosen paths in order and loads the first that works.
pub(crate) fn open(choice: &ModuleChoice) -> Result<Arc<Loaded>, TokenError> {
    let mut tried = Vec::new();
    let mut first_failure: Option<(String, String)> = None;
    for path in &choice.paths {
        let shown = path.display().to_string();
        // A native library is loaded by its full path only: a bare name would be looked for
        // along the OS search order (on Windows the current folder too), where anyone who
        // can drop a file could plant one.
        if !path.is_absolute() {
            tried.push(format!("{shown} (not a full path: not loaded)"));
            continue;
        }
        if !path.exists() {
            tried.push(format!("{shown} (absent)"));
            continue;
        }
        match load(path) {
            Ok(loaded) => return Ok(loaded),
            Err(reason) => {
                tried.push(format!("{shown} (not loadable)"));
                first_failure.get_or_insert((shown, reason));
            }
        }
    }
    match first_failure {
        Some((path, reason)) => Err(TokenError::ModuleNotLoadable { path, reason }),
        None => Err(TokenError::ModuleNotFound { tried, chosen_by: choice.source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn only_full_paths_are_loaded() {
        let error = match open(&module_choice(Some(Path::new("libsofthsm2.so")))) {
            Err(e) => e,
            Ok(_) => panic!("a bare name must not be loaded"),
        };
        assert_eq!(error.code(), "token.module_not_found");
        assert!(error.to_string().contains("libsofthsm2.so (not a full path: not loaded)"), "{error}");
        for candidate in table().modules.iter() {
            assert!(candidate.path.starts_with('%') || candidate.path.starts_with('/'), "{} is not a full path", candidate.path);
        }
    }

    #[test]
    fn windows_paths_follow_the_process_architecture() {
        let vars = env(&[("SystemRoot", r"C:\Windows"), ("ProgramFiles", r"C:\Program Files")]);
        let x64 = candidates_for("windows", "x86_64", &vars);
        assert_eq!(x64, [r"C:\Windows\System32\cps3_pkcs11_w64.dll", r"C:\Program Files\santesocial\CPS\cps3_pkcs11_w64.dll"]);
        let x86 = candidates_for("windows", "x86", &vars);
        assert!(x86.iter().all(|p| p.ends_with("cps3_pkcs11_w32.dll") && p.starts_with(r"C:\")), "{x86:?}");
        assert!(x86.contains(&r"C:\Program Files\santesocial\CPS\cps3_pkcs11_w32.dll".to_string()), "{x86:?}");
        // Without SystemRoot no path is guessed, and no bare name is left to the DLL search
        // order (DLL planting).
        assert!(candidates_for("windows", "x86_64", env(&[])).is_empty());
    }

    #[test]
    fn linux_and_macos_paths_come_from_the_data() {
        let linux = candidates_for("linux", "x86_64", env(&[]));
        assert_eq!(linux[0], "/usr/local/galss/libcps3_pkcs11_lux.so");
        assert!(linux.contains(&"/usr/lib/x86_64-linux-gnu/libcps3_pkcs11_lux.so".to_string()));
        assert!(!linux.iter().any(|p| p.contains("aarch64")));
        let mac = candidates_for("macos", "aarch64", env(&[]));
        assert_eq!(mac, vec!["/usr/local/lib/libcps3_pkcs11_osx.dylib", "/Library/Frameworks/cps3.framework/cps3_pkcs11"]);
    }

    #[test]
    fn setting_beats_environment_beats_defaults() {
        let defaults = vec!["/a.so".to_string(), "/b.so".to_string()];
        let c = choose(Some(Path::new("/set.so")), Some("/env.so".into()), defaults.clone());
        assert_eq!((c.paths, c.source), (vec![PathBuf::from("/set.so")], ModuleSource::Setting));
        let c = choose(None, Some("/env.so".into()), defaults.clone());
        assert_eq!((c.paths, c.source), (vec![PathBuf::from("/env.so")], ModuleSource::Environment));
        let c = choose(Some(Path::new("")), Some("".into()), defaults);
        assert_eq!(c.source, ModuleSource::Default);
        assert_eq!(c.paths.len(), 2);
    }

    #[test]
    fn missing_module_lists_every_path_tried() {
        let dir = tempfile::tempdir().unwrap();
        let absent = dir.path().join("libcps3_pkcs11_lux.so");
        let choice = ModuleChoice { paths: vec![absent.clone(), dir.path().join("other.so")], source: ModuleSource::Default };
        let err = open(&choice).err().expect("nothing to load");
        assert_eq!(err.code(), "token.module_not_found");
        let message = err.to_string();
        assert!(message.contains(&absent.display().to_string()) && message.contains("other.so"), "{message}");
    }

    #[test]
    fn a_file_that_is_not_a_library_is_not_loadable() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("libcps3_pkcs11_lux.so");
        std::fs::write(&fake, b"not a library").unwrap();
        let choice = ModuleChoice { paths: vec![fake.clone()], source: ModuleSource::Setting };
        let err = open(&choice).err().expect("not a library");
        assert_eq!(err.code(), "token.module_not_loadable");
        assert!(err.to_string().contains(&fake.display().to_string()));
    }

    #[test]
    fn token_text_is_trimmed_and_tolerant() {
        assert_eq!(padded_text(b"CPS-TEST                        "), Some("CPS-TEST".into()));
        assert_eq!(padded_text(b"                "), None);
        assert_eq!(padded_text(&[0xff, b'A', b' ']), Some("\u{fffd}A".into()));
        assert_eq!(known_length(cryptoki_sys::CK_UNAVAILABLE_INFORMATION), None);
        assert_eq!(known_length(0), None);
        assert_eq!(known_length(8), Some(8));
    }
}
