//! The app state: the core's registry behind a mutex, opened once at start.

use std::sync::{Arc, Mutex};

use certisante_core::dashboard::ApiError;
use certisante_core::registry::Registry;

#[derive(Clone)]
pub struct AppState {
    registry: Arc<Mutex<Result<Registry, ApiError>>>,
    /// Read-only forced by the deployment (`--read-only` or CERTISANTE_READ_ONLY=1).
    read_only_forced: bool,
}

/// The command-line flag of a secretary's workstation shortcut.
pub const READ_ONLY_FLAG: &str = "--read-only";

impl AppState {
    pub fn open() -> Self {
        let registry = Registry::open_default().map_err(ApiError::from);
        let read_only_forced = std::env::args().any(|a| a == READ_ONLY_FLAG) || certisante_core::dashboard::read_only_forced_by_env();
        Self { registry: Arc::new(Mutex::new(registry)), read_only_forced }
    }

    pub fn read_only_forced(&self) -> bool {
        self.read_only_forced
    }

    /// Like `with_registry`, for key, card and order actions: refused with `app.read_only`
    /// on a read-only workstation (the UI does not offer them there; this is the backstop).
    pub async fn with_registry_writable<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Registry) -> Result<T, ApiError> + Send + 'static,
    {
        let forced = self.read_only_forced;
        self.with_registry(move |registry| {
            let settings = registry.settings()?;
            if certisante_core::dashboard::ReadOnly::new(&settings, forced).enabled {
                return Err(read_only_refusal());
            }
            work(registry)
        })
        .await
    }

    /// Runs `work` with the registry on a blocking thread, so that the window never waits
    /// on disk or a long scan.
    pub async fn with_registry<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Registry) -> Result<T, ApiError> + Send + 'static,
    {
        let registry = self.registry.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = registry.lock().unwrap_or_else(|e| e.into_inner());
            match guard.as_mut() {
                Ok(registry) => work(registry),
                Err(e) => Err(e.clone()),
            }
        })
        .await
        .map_err(|e| ApiError { code: "app.internal".into(), message: e.to_string() })?
    }
}

pub fn read_only_refusal() -> ApiError {
    ApiError {
        code: "app.read_only".into(),
        message: "read-only workstation: key, card and order actions are not available here".into(),
    }
}
