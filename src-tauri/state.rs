//! The app state: the API session of the window's commands (one registry connection,
//! opened at start), and the host it was opened for.

use std::sync::{Arc, Mutex};

use certisante_api::model::ApiError;
use certisante_api::policy::READ_ONLY_FLAG;
use certisante_api::{Api, AppError, Host};

#[derive(Clone)]
pub struct AppState {
    session: Arc<Mutex<Result<Api, ApiError>>>,
    host: Host,
}

impl AppState {
    pub fn open() -> Self {
        let host = Host::os(std::env::args().any(|a| a == READ_ONLY_FLAG));
        Self { session: Arc::new(Mutex::new(Api::open(host.clone()))), host }
    }

    pub fn host(&self) -> &Host {
        &self.host
    }

    /// Runs `work` with the window's session on a blocking thread, so that the window never
    /// waits on disk or a long scan.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Api) -> Result<T, ApiError> + Send + 'static,
    {
        let session = self.session.clone();
        blocking(move || {
            let mut guard = session.lock().unwrap_or_else(|e| e.into_inner());
            match guard.as_mut() {
                Ok(api) => work(api),
                Err(e) => Err(e.clone()),
            }
        })
        .await
    }

    /// Runs `work` with a session of its own, for what may take long (the card, the
    /// network): the window's commands do not wait for it.
    pub async fn run_apart<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Api) -> Result<T, ApiError> + Send + 'static,
    {
        let host = self.host.clone();
        blocking(move || work(&mut Api::open(host)?)).await
    }
}

/// `work` on a blocking thread; a thread that dies is an internal error, coded.
pub async fn blocking<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(work).await.map_err(|e| ApiError::from(AppError::Internal(e.to_string())))?
}
