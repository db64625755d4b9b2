//! The machine policy: settings an IT department forces on every user of a computer, where
//! each OS's deployment tools write them. A forced setting shows as forced and cannot be
//! changed by the user (the API refuses with `policy.forced`).
//!
//! - Windows: the values of `HKLM\Software\Policies\CertiSante` (what a GPO writes, see
//!   `packaging/windows/policy/CertiSante.admx`), read with `RegGetValueW`.
//! - Linux and other unixes: `/etc/certisante/policy.json`.
//! - Debug builds (the tests), on Windows and unixes, read `CERTISANTE_POLICY_FILE` instead
//!   when it is set; a shipped build never does, so a user cannot point it at a file of
//!   their own.
//! - macOS: the managed preferences of the domain `fr.certisante.desktop` (a configuration
//!   profile), through CFPreferences; only values the profile forces count.
//!
//! Keys (the same names everywhere): `ReadOnly`, `WatchedPaths`, `AlertDays`,
//! `Pkcs11Module`, `GroupDatabaseUrl`. A policy that cannot be read or holds a value of the
//! wrong type is an error (`policy.unreadable`, `policy.invalid`) and the workstation is
//! read-only until it is fixed: a broken policy never gives more rights than none.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::settings::check_alert_days;

/// The machine policy's file on Linux (and other unixes but macOS).
pub const POLICY_FILE: &str = "/etc/certisante/policy.json";

/// Environment variable naming another policy file: honoured by debug builds only (tests).
pub const POLICY_FILE_ENV: &str = "CERTISANTE_POLICY_FILE";

/// The registry key a GPO writes, under HKEY_LOCAL_MACHINE.
pub const POLICY_KEY: &str = r"Software\Policies\CertiSante";

/// The macOS preferences domain (the application identifier).
pub const PREFERENCES_DOMAIN: &str = "fr.certisante.desktop";

/// The largest policy accepted: a file, or one registry string (a list of folders).
pub const MAX_POLICY_LEN: u64 = 64 * 1024;

/// At most this many watched paths, each at most `MAX_TEXT_LEN` characters.
pub const MAX_WATCHED_PATHS: usize = 256;
const MAX_TEXT_LEN: usize = 4096;

/// What the machine policy forces; `None`: not forced, the user's setting applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MachinePolicy {
    /// `ReadOnly`: a secretary's workstation (true), or never read-only (false).
    #[serde(rename = "ReadOnly", default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub read_only: Option<bool>,
    /// `WatchedPaths`: exactly the folders and files watched.
    #[serde(rename = "WatchedPaths", default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub watched_paths: Option<Vec<String>>,
    /// `AlertDays`: days before expiry at which alerts are sent.
    #[serde(rename = "AlertDays", default, skip_serializing_if = "Option::is_none")]
    #[ts(as = "Option<Vec<i32>>", optional)]
    pub alert_days: Option<Vec<i64>>,
    /// `Pkcs11Module`: the full path of the card's PKCS#11 module.
    #[serde(rename = "Pkcs11Module", default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub pkcs11_module: Option<String>,
    /// `GroupDatabaseUrl`: the group registry's PostgreSQL address (the setting
    /// `group_database_url`, which it overrides).
    #[serde(rename = "GroupDatabaseUrl", default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub group_database_url: Option<String>,
}

/// The settings (as named in [`crate::settings::Settings`]) each policy key forces.
pub const FORCED_SETTINGS: &[(&str, &str)] = &[
    ("ReadOnly", "read_only"),
    ("WatchedPaths", "watched_paths"),
    ("AlertDays", "alert_days"),
    ("Pkcs11Module", "pkcs11_module"),
    ("GroupDatabaseUrl", "group_database_url"),
];

impl MachinePolicy {
    /// The settings this policy forces, by their setting names.
    pub fn forced_settings(&self) -> Vec<&'static str> {
        let set = [
            self.read_only.is_some(),
            self.watched_paths.is_some(),
            self.alert_days.is_some(),
            self.pkcs11_module.is_some(),
            self.group_database_url.is_some(),
        ];
        FORCED_SETTINGS.iter().zip(set).filter(|(_, set)| *set).map(|((_, setting), _)| *setting).collect()
    }

    /// Checks every value; the first bad one is the error.
    pub fn validate(&self, source: &str) -> Result<(), PolicyError> {
        let invalid = |key: &str, detail: String| PolicyError::Invalid { origin: source.to_owned(), key: key.to_owned(), detail };
        if let Some(paths) = &self.watched_paths {
            if paths.len() > MAX_WATCHED_PATHS {
                return Err(invalid("WatchedPaths", format!("{} paths (at most {MAX_WATCHED_PATHS})", paths.len())));
            }
            for path in paths {
                check_full_path(path).map_err(|detail| invalid("WatchedPaths", detail))?;
            }
        }
        if let Some(days) = &self.alert_days {
            check_alert_days(days).map_err(|e| invalid("AlertDays", e.to_string()))?;
        }
        if let Some(module) = &self.pkcs11_module {
            check_full_path(module).map_err(|detail| invalid("Pkcs11Module", detail))?;
        }
        if let Some(url) = &self.group_database_url {
            check_database_url(url).map_err(|detail| invalid("GroupDatabaseUrl", detail))?;
        }
        Ok(())
    }
}

/// A path the policy names: full (a bare name would be looked for in the current folder),
/// one line, bounded.
fn check_full_path(path: &str) -> Result<(), String> {
    if path.len() > MAX_TEXT_LEN || path.contains(['\0', '\n', '\r']) {
        return Err(format!("{:?}…: not a path", path.chars().take(60).collect::<String>()));
    }
    // Unix full paths, and Windows' (C:\…, \\server\share\…), whatever the OS reading them
    // (the tests read both); a bare name or a relative path never.
    let bytes = path.as_bytes();
    let windows_full = bytes.len() > 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && matches!(bytes[2], b'\\' | b'/') || path.starts_with(r"\\");
    if !(path.starts_with('/') || windows_full) {
        return Err(format!("{path:?} is not a full path"));
    }
    Ok(())
}

/// A PostgreSQL URL without a password: policy values are readable by every user of the
/// machine (and, for a GPO, by every user of the domain).
fn check_database_url(url: &str) -> Result<(), String> {
    if url.len() > MAX_TEXT_LEN || url.contains(char::is_whitespace) {
        return Err("not a URL".into());
    }
    let Some(rest) = url.strip_prefix("postgresql://").or_else(|| url.strip_prefix("postgres://")) else {
        return Err("a postgresql:// address is expected".into());
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    if authority.rsplit_once('@').is_some_and(|(user, _)| user.contains(':')) || url.to_ascii_lowercase().contains("password=") {
        return Err("the address holds a password: every user can read the policy, give it another way".into());
    }
    Ok(())
}

/// "90,60,30,7,0" (commas, semicolons or spaces) as a REG_SZ or a macOS string holds it.
pub fn parse_days(text: &str) -> Result<Vec<i64>, String> {
    text.split([',', ';', ' '])
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse::<i64>().map_err(|_| format!("{s:?} is not a number of days")))
        .collect()
}

/// Why the machine policy could not be used. Codes are stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the machine policy ({origin}) cannot be read: {detail}; the workstation stays read-only until it is fixed")]
    Unreadable { origin: String, detail: String },
    #[error("the machine policy ({origin}) has an invalid {key}: {detail}; the workstation stays read-only until it is fixed")]
    Invalid { origin: String, key: String, detail: String },
    #[error("the setting {setting} is forced by the machine policy ({origin}): it cannot be changed here")]
    Forced { setting: String, origin: String },
}

certisante_pki::error_codes!(PolicyError {
    Self::Unreadable { .. } => "policy.unreadable",
    Self::Invalid { .. } => "policy.invalid",
    Self::Forced { .. } => "policy.forced",
});

/// The machine policy as read: where from, what it forces, and why it could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyState {
    /// The registry key, the file or the preferences domain.
    pub source: String,
    pub policy: MachinePolicy,
    /// Set when the policy is broken: the workstation is then read-only.
    pub error: Option<PolicyError>,
}

impl PolicyState {
    /// No policy at all (the tests' hosts, a source that does not exist).
    pub fn none(source: &str) -> Self {
        Self { source: source.to_owned(), ..Self::default() }
    }

    /// Read-only, by the policy or because it is broken (the most restrictive mode).
    pub fn forces_read_only(&self) -> bool {
        self.error.is_some() || self.policy.read_only == Some(true)
    }

    /// The refusal of a change to `setting`, when the policy forces it.
    pub fn refuse_change(&self, setting: &str) -> Result<(), PolicyError> {
        if self.policy.forced_settings().contains(&setting) {
            return Err(PolicyError::Forced { setting: setting.to_owned(), origin: self.source.clone() });
        }
        Ok(())
    }

    fn checked(source: String, policy: MachinePolicy, error: Option<PolicyError>) -> Self {
        let error = error.or_else(|| policy.validate(&source).err());
        Self { source, policy, error }
    }
}

/// Reads this computer's machine policy.
pub fn read() -> PolicyState {
    platform::read()
}

/// Reads a policy file (Linux's format, also the tests'): absent is no policy; present, it
/// must be a regular file of at most [`MAX_POLICY_LEN`] bytes holding one JSON object of
/// the known keys.
pub fn read_file(path: &std::path::Path) -> PolicyState {
    let source = path.display().to_string();
    let bytes = match certisante_devices::files::read_bounded(path, MAX_POLICY_LEN) {
        Ok(bytes) => bytes,
        Err(certisante_devices::files::FileError::NotFound { .. }) => return PolicyState::none(&source),
        Err(e) => return PolicyState { error: Some(PolicyError::Unreadable { origin: source.clone(), detail: e.to_string() }), source, ..Default::default() },
    };
    match serde_json::from_slice::<MachinePolicy>(&bytes) {
        Ok(policy) => PolicyState::checked(source, policy, None),
        Err(e) => {
            let error = PolicyError::Invalid { origin: source.clone(), key: "(file)".into(), detail: e.to_string() };
            PolicyState { source, policy: MachinePolicy::default(), error: Some(error) }
        }
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
mod platform {
    use super::*;

    pub(super) fn read() -> PolicyState {
        #[cfg(debug_assertions)]
        if let Some(path) = std::env::var_os(POLICY_FILE_ENV).filter(|v| !v.is_empty()) {
            return read_file(std::path::Path::new(&path));
        }
        read_file(std::path::Path::new(POLICY_FILE))
    }
}

#[cfg(windows)]
mod platform {
    use super::*;

    pub(super) fn read() -> PolicyState {
        // Debug builds only, as on unix: the shell's IPC tests, built for Windows and run
        // under Wine, give the app a policy of their own without writing HKLM.
        #[cfg(debug_assertions)]
        if let Some(path) = std::env::var_os(POLICY_FILE_ENV).filter(|v| !v.is_empty()) {
            return read_file(std::path::Path::new(&path));
        }
        registry::read(windows_sys::Win32::System::Registry::HKEY_LOCAL_MACHINE, "HKLM", POLICY_KEY)
    }

    /// The policy's values under `root\subkey` (HKLM in the product, another key in tests).
    pub(crate) mod registry {
        use std::ptr;

        use windows_sys::Win32::Foundation::{ERROR_FILE_NOT_FOUND, ERROR_MORE_DATA, ERROR_SUCCESS, ERROR_UNSUPPORTED_TYPE};
        use windows_sys::Win32::System::Registry::{
            RegGetValueW, HKEY, RRF_RT_REG_DWORD, RRF_RT_REG_MULTI_SZ, RRF_RT_REG_SZ, RRF_SUBKEY_WOW6464KEY, RRF_ZEROONFAILURE,
        };

        use super::super::*;

        /// What one value gave.
        enum Value<T> {
            Absent,
            Present(T),
            Bad(String),
        }

        pub(crate) fn read(root: HKEY, root_name: &str, subkey: &str) -> PolicyState {
            let source = format!(r"{root_name}\{subkey}");
            let mut policy = MachinePolicy::default();
            let mut error = None;
            let mut note = |key: &str, detail: String, unreadable: bool| {
                if error.is_none() {
                    error = Some(if unreadable {
                        PolicyError::Unreadable { origin: source.clone(), detail: format!("{key}: {detail}") }
                    } else {
                        PolicyError::Invalid { origin: source.clone(), key: key.to_owned(), detail }
                    });
                }
            };
            let key = wide(subkey);
            match dword(root, &key, "ReadOnly") {
                Value::Present(0) => policy.read_only = Some(false),
                Value::Present(1) => policy.read_only = Some(true),
                Value::Present(other) => note("ReadOnly", format!("{other} (0 or 1)"), false),
                Value::Bad(detail) => note("ReadOnly", detail, false),
                Value::Absent => {}
            }
            match strings(root, &key, "WatchedPaths", RRF_RT_REG_MULTI_SZ) {
                Value::Present(paths) => policy.watched_paths = Some(paths.into_iter().filter(|p| !p.is_empty()).collect()),
                Value::Bad(detail) => note("WatchedPaths", detail, false),
                Value::Absent => {}
            }
            match strings(root, &key, "AlertDays", RRF_RT_REG_SZ) {
                Value::Present(text) => match parse_days(text.first().map(String::as_str).unwrap_or("")) {
                    Ok(days) => policy.alert_days = Some(days),
                    Err(detail) => note("AlertDays", detail, false),
                },
                Value::Bad(detail) => note("AlertDays", detail, false),
                Value::Absent => {}
            }
            for (name, slot) in [("Pkcs11Module", &mut policy.pkcs11_module), ("GroupDatabaseUrl", &mut policy.group_database_url)] {
                match strings(root, &key, name, RRF_RT_REG_SZ) {
                    Value::Present(text) => *slot = Some(text.into_iter().next().unwrap_or_default()),
                    Value::Bad(detail) => note(name, detail, false),
                    Value::Absent => {}
                }
            }
            PolicyState::checked(source, policy, error)
        }

        fn wide(text: &str) -> Vec<u16> {
            text.encode_utf16().chain(std::iter::once(0)).collect()
        }

        /// A failed read in words: the type is not the one the key takes, or another error.
        fn failure(code: u32) -> String {
            if code == ERROR_UNSUPPORTED_TYPE {
                "the value has another type than the one this key takes (see docs/windows.md)".into()
            } else {
                format!("RegGetValueW failed with Win32 error {code}")
            }
        }

        fn dword(root: HKEY, key: &[u16], name: &str) -> Value<u32> {
            let name = wide(name);
            let mut data: u32 = 0;
            let mut size = std::mem::size_of::<u32>() as u32;
            // SAFETY: NUL-terminated key and value names; `data` holds `size` bytes.
            let status = unsafe {
                RegGetValueW(
                    root,
                    key.as_ptr(),
                    name.as_ptr(),
                    RRF_RT_REG_DWORD | RRF_SUBKEY_WOW6464KEY,
                    ptr::null_mut(),
                    &mut data as *mut u32 as *mut _,
                    &mut size,
                )
            };
            match status {
                ERROR_SUCCESS => Value::Present(data),
                ERROR_FILE_NOT_FOUND => Value::Absent,
                code => Value::Bad(failure(code)),
            }
        }

        /// A REG_SZ (one string, REG_EXPAND_SZ expanded) or a REG_MULTI_SZ (each string),
        /// bounded by MAX_POLICY_LEN.
        fn strings(root: HKEY, key: &[u16], name: &str, kind: u32) -> Value<Vec<String>> {
            let name = wide(name);
            let flags = kind | RRF_SUBKEY_WOW6464KEY | RRF_ZEROONFAILURE;
            // The value may change between the two calls: ask again once when it grew.
            for _ in 0..2 {
                let mut size: u32 = 0;
                // SAFETY: NUL-terminated names; a null buffer asks for the size only.
                let status = unsafe { RegGetValueW(root, key.as_ptr(), name.as_ptr(), flags, ptr::null_mut(), ptr::null_mut(), &mut size) };
                match status {
                    ERROR_SUCCESS => {}
                    ERROR_FILE_NOT_FOUND => return Value::Absent,
                    code => return Value::Bad(failure(code)),
                }
                if u64::from(size) > MAX_POLICY_LEN {
                    return Value::Bad(format!("{size} bytes (at most {MAX_POLICY_LEN})"));
                }
                let mut buffer = vec![0u16; (size as usize).div_ceil(2) + 1];
                let mut size = (buffer.len() * 2) as u32;
                // SAFETY: `buffer` holds `size` bytes.
                let status = unsafe { RegGetValueW(root, key.as_ptr(), name.as_ptr(), flags, ptr::null_mut(), buffer.as_mut_ptr() as *mut _, &mut size) };
                match status {
                    ERROR_SUCCESS => {}
                    ERROR_MORE_DATA => continue,
                    ERROR_FILE_NOT_FOUND => return Value::Absent,
                    code => return Value::Bad(failure(code)),
                }
                buffer.truncate((size as usize) / 2);
                let texts: Result<Vec<String>, _> = buffer.split(|&c| c == 0).filter(|s| !s.is_empty()).map(String::from_utf16).collect();
                return match texts {
                    Ok(texts) if kind == RRF_RT_REG_SZ => Value::Present(vec![texts.into_iter().next().unwrap_or_default()]),
                    Ok(texts) => Value::Present(texts),
                    Err(_) => Value::Bad("not valid UTF-16 text".into()),
                };
            }
            Value::Bad("the value kept changing while it was read".into())
        }
    }
}

/// macOS: a configuration profile's managed preferences. Compiled on macOS only, which
/// cannot be built or run from Linux (see docs/windows.md, "macOS").
#[cfg(target_os = "macos")]
mod platform {
    use core_foundation::array::CFArray;
    use core_foundation::base::{CFType, TCFType};
    use core_foundation::boolean::CFBoolean;
    use core_foundation::number::CFNumber;
    use core_foundation::string::CFString;
    use core_foundation_sys::base::Boolean;
    use core_foundation_sys::preferences::CFPreferencesCopyAppValue;
    use core_foundation_sys::string::CFStringRef;

    use super::*;

    #[link(name = "CoreFoundation", kind = "framework")]
    extern "C" {
        // Not in core-foundation-sys: whether a configuration profile forces the value.
        fn CFPreferencesAppValueIsForced(key: CFStringRef, application_id: CFStringRef) -> Boolean;
    }

    pub(super) fn read() -> PolicyState {
        let source = format!("managed preferences {PREFERENCES_DOMAIN}");
        let mut policy = MachinePolicy::default();
        let mut error = None;
        let mut bad = |key: &str| {
            if error.is_none() {
                error = Some(PolicyError::Invalid { origin: source.clone(), key: key.to_owned(), detail: "a value of another type".into() });
            }
        };
        if let Some(value) = forced("ReadOnly") {
            match value.downcast::<CFBoolean>() {
                Some(flag) => policy.read_only = Some(flag.into()),
                None => bad("ReadOnly"),
            }
        }
        if let Some(value) = forced("WatchedPaths") {
            match value.downcast::<CFArray>().map(|list| texts(&list)) {
                Some(Some(paths)) => policy.watched_paths = Some(paths),
                _ => bad("WatchedPaths"),
            }
        }
        if let Some(value) = forced("AlertDays") {
            let days = if let Some(text) = value.downcast::<CFString>() {
                parse_days(&text.to_string()).ok()
            } else if let Some(list) = value.downcast::<CFArray>() {
                list.iter().map(|item| unsafe { CFType::wrap_under_get_rule(*item as _) }.downcast::<CFNumber>().and_then(|n| n.to_i64())).collect()
            } else {
                None
            };
            match days {
                Some(days) => policy.alert_days = Some(days),
                None => bad("AlertDays"),
            }
        }
        for (key, slot) in [("Pkcs11Module", &mut policy.pkcs11_module), ("GroupDatabaseUrl", &mut policy.group_database_url)] {
            if let Some(value) = forced(key) {
                match value.downcast::<CFString>() {
                    Some(text) => *slot = Some(text.to_string()),
                    None => bad(key),
                }
            }
        }
        PolicyState::checked(source, policy, error)
    }

    /// The value of `key` when a profile forces it (a user's own preference is not policy).
    fn forced(key: &str) -> Option<CFType> {
        let key = CFString::new(key);
        let domain = CFString::new(PREFERENCES_DOMAIN);
        // SAFETY: both strings are valid CFStrings for the calls; a copied value is owned
        // (create rule) and released by the wrapper.
        unsafe {
            if CFPreferencesAppValueIsForced(key.as_concrete_TypeRef(), domain.as_concrete_TypeRef()) == 0 {
                return None;
            }
            let value = CFPreferencesCopyAppValue(key.as_concrete_TypeRef(), domain.as_concrete_TypeRef());
            (!value.is_null()).then(|| CFType::wrap_under_create_rule(value))
        }
    }

    fn texts(list: &CFArray) -> Option<Vec<String>> {
        // SAFETY: the array's items are CF objects retained by the array while it lives.
        list.iter().map(|item| unsafe { CFType::wrap_under_get_rule(*item as _) }.downcast::<CFString>().map(|s| s.to_string())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (tempfile::TempDir, PolicyState) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.json");
        std::fs::write(&path, text).unwrap();
        let state = read_file(&path);
        (dir, state)
    }

    #[test]
    fn a_policy_file_forces_its_keys() {
        let (_dir, state) = file(
            r#"{"ReadOnly": true, "WatchedPaths": ["/srv/certificats"], "AlertDays": [90, 30, 0],
                "Pkcs11Module": "/usr/lib/libcps3_pkcs11_lux.so", "GroupDatabaseUrl": "postgresql://inventaire@pg.hopital.local/certisante"}"#,
        );
        assert_eq!(state.error, None);
        assert!(state.forces_read_only());
        assert_eq!(state.policy.alert_days, Some(vec![90, 30, 0]));
        assert_eq!(state.policy.forced_settings(), ["read_only", "watched_paths", "alert_days", "pkcs11_module", "group_database_url"]);
        assert_eq!(state.refuse_change("alert_days").unwrap_err().code(), "policy.forced");
        assert!(state.refuse_change("language").is_ok());
    }

    #[test]
    fn no_file_is_no_policy_and_a_partial_one_forces_only_its_keys() {
        let dir = tempfile::tempdir().unwrap();
        let none = read_file(&dir.path().join("absent.json"));
        assert_eq!(none.error, None);
        assert!(none.policy.forced_settings().is_empty() && !none.forces_read_only());
        let (_dir, partial) = file(r#"{"ReadOnly": false}"#);
        assert_eq!(partial.policy.forced_settings(), ["read_only"]);
        assert!(!partial.forces_read_only());
    }

    #[test]
    fn a_broken_policy_is_an_error_and_read_only() {
        for (text, code) in [
            ("{not json", "policy.invalid"),
            (r#"{"ReadOnly": 1}"#, "policy.invalid"),
            (r#"{"ReadOnly": true, "Unknown": 1}"#, "policy.invalid"),
            (r#"{"AlertDays": [30, 30]}"#, "policy.invalid"),
            (r#"{"AlertDays": [-1]}"#, "policy.invalid"),
            (r#"{"Pkcs11Module": "libcps3.so"}"#, "policy.invalid"),
            (r#"{"WatchedPaths": ["relative/folder"]}"#, "policy.invalid"),
            (r#"{"GroupDatabaseUrl": "postgresql://u:secret@pg/db"}"#, "policy.invalid"),
            (r#"{"GroupDatabaseUrl": "mysql://pg/db"}"#, "policy.invalid"),
        ] {
            let (_dir, state) = file(text);
            let error = state.error.as_ref().unwrap_or_else(|| panic!("{text} was accepted"));
            assert_eq!(error.code(), code, "{text}");
            assert!(state.forces_read_only(), "{text}");
            assert!(!error.to_string().contains("secret"), "no password in the message: {error}");
        }
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.json");
        std::fs::write(&big, vec![b' '; MAX_POLICY_LEN as usize + 1]).unwrap();
        assert_eq!(read_file(&big).error.unwrap().code(), "policy.unreadable");
        assert_eq!(read_file(dir.path()).error.unwrap().code(), "policy.unreadable", "a folder is not a policy file");
    }

    #[test]
    fn days_and_paths_as_the_registry_holds_them() {
        assert_eq!(parse_days("90,60,30,7,0").unwrap(), [90, 60, 30, 7, 0]);
        assert_eq!(parse_days("90; 30 7").unwrap(), [90, 30, 7]);
        assert_eq!(parse_days("").unwrap(), Vec::<i64>::new());
        assert!(parse_days("90,soon").is_err());
        for full in [r"C:\Windows\System32\cps3_pkcs11_w64.dll", r"\\serveur\partage\certificats", "D:/Certificats", "/etc/ssl"] {
            assert!(check_full_path(full).is_ok(), "{full}");
        }
        for bad in ["cps3_pkcs11_w64.dll", r"C:relative", "", "a\nb"] {
            assert!(check_full_path(bad).is_err(), "{bad:?}");
        }
        assert!(check_database_url("postgresql://inventaire@pg.hopital.local/certisante?sslmode=verify-full").is_ok());
        assert!(check_database_url("postgres://pg/certisante?password=x").is_err());
    }
}

/// The registry reader against a key of the test's own (HKCU), under Wine in the test
/// command (`cargo test --target x86_64-pc-windows-gnu`).
#[cfg(all(test, windows))]
mod windows_tests {
    use windows_sys::Win32::System::Registry::{RegDeleteTreeW, RegSetKeyValueW, HKEY_CURRENT_USER, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ};

    use super::platform::registry;

    fn wide(text: &str) -> Vec<u16> {
        text.encode_utf16().chain(std::iter::once(0)).collect()
    }

    struct TestKey(String);

    impl TestKey {
        fn new(name: &str) -> Self {
            let key = TestKey(format!(r"Software\CertiSanteTests\{name}-{}", std::process::id()));
            key.clear();
            key
        }

        fn set(&self, name: &str, kind: u32, data: &[u8]) {
            let (key, name) = (wide(&self.0), wide(name));
            // SAFETY: NUL-terminated names; `data` holds its length in bytes.
            let status = unsafe { RegSetKeyValueW(HKEY_CURRENT_USER, key.as_ptr(), name.as_ptr(), kind, data.as_ptr() as *const _, data.len() as u32) };
            assert_eq!(status, 0, "RegSetKeyValueW {}", self.0);
        }

        fn text(&self, name: &str, kind: u32, texts: &[&str]) {
            let mut units: Vec<u16> = Vec::new();
            for text in texts {
                units.extend(text.encode_utf16());
                units.push(0);
            }
            if kind == REG_MULTI_SZ {
                units.push(0);
            }
            let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
            self.set(name, kind, &bytes);
        }

        fn read(&self) -> super::PolicyState {
            registry::read(HKEY_CURRENT_USER, "HKCU", &self.0)
        }

        fn clear(&self) {
            let key = wide(&self.0);
            // SAFETY: a NUL-terminated key name of the test's own.
            unsafe { RegDeleteTreeW(HKEY_CURRENT_USER, key.as_ptr()) };
        }
    }

    impl Drop for TestKey {
        fn drop(&mut self) {
            self.clear();
        }
    }

    #[test]
    fn the_registry_policy_is_read_with_its_types() {
        let key = TestKey::new("typed");
        assert_eq!(key.read().policy, super::MachinePolicy::default(), "no key: no policy");
        key.set("ReadOnly", REG_DWORD, &1u32.to_le_bytes());
        key.text("AlertDays", REG_SZ, &["90,60,30,7,0"]);
        key.text("Pkcs11Module", REG_EXPAND_SZ, &[r"%SystemRoot%\System32\cps3_pkcs11_w64.dll"]);
        key.text("GroupDatabaseUrl", REG_SZ, &["postgresql://inventaire@pg.hopital.local/certisante"]);
        key.text("WatchedPaths", REG_MULTI_SZ, &[r"C:\Certificats", r"D:\Partage\Données sécurisées"]);
        let state = key.read();
        assert_eq!(state.error, None, "{:?}", state.error);
        assert_eq!(state.policy.read_only, Some(true));
        assert_eq!(state.policy.alert_days, Some(vec![90, 60, 30, 7, 0]));
        let module = state.policy.pkcs11_module.unwrap();
        assert!(module.to_ascii_lowercase().ends_with(r"\system32\cps3_pkcs11_w64.dll") && !module.contains('%'), "expanded: {module}");
        assert_eq!(state.policy.watched_paths.unwrap(), [r"C:\Certificats", r"D:\Partage\Données sécurisées"]);
        assert!(state.source.starts_with(r"HKCU\Software\CertiSanteTests"));
    }

    #[test]
    fn a_value_of_the_wrong_type_is_invalid_and_read_only() {
        let key = TestKey::new("wrong");
        key.text("ReadOnly", REG_SZ, &["1"]);
        let state = key.read();
        assert_eq!(state.error.as_ref().map(|e| e.code()), Some("policy.invalid"));
        assert!(state.forces_read_only());
        key.set("ReadOnly", REG_DWORD, &2u32.to_le_bytes());
        assert_eq!(key.read().error.map(|e| e.code()), Some("policy.invalid"));
        key.set("ReadOnly", REG_DWORD, &0u32.to_le_bytes());
        key.text("AlertDays", REG_MULTI_SZ, &["90"]);
        assert_eq!(key.read().error.map(|e| e.code()), Some("policy.invalid"));
    }
}
