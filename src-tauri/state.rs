//! The app state: the core's registry behind a mutex, opened once at start.

use std::sync::{Arc, Mutex};

use certisante_core::dashboard::ApiError;
use certisante_core::registry::Registry;

#[derive(Clone)]
pub struct AppState {
    registry: Arc<Mutex<Result<Registry, ApiError>>>,
}

impl AppState {
    pub fn open() -> Self {
        let registry = Registry::open_default().map_err(ApiError::from);
        Self { registry: Arc::new(Mutex::new(registry)) }
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
