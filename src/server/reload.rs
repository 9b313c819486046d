//! Hot reload: loads and validates the data files off the request path, then swaps the new
//! snapshot in whole. Calls in flight finish on the snapshot they started with; a data file with
//! problems is rejected (each problem logged with file and line) and the old model keeps serving.
//! Triggered by SIGHUP and, unless disabled, by changes to the data folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};
use tokio::task::JoinHandle;

use crate::api::SharedSnapshot;
use crate::metrics::Metrics;
use crate::model::LoadError;
use crate::snapshot::Snapshot;

/// Editors write a file in several steps; changes closer together than this are one reload.
const CHANGE_SETTLE_TIME: Duration = Duration::from_millis(200);

/// What a successful reload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadOutcome {
    /// The version now served.
    pub version: String,
    /// False when the data had not changed (same content hash): nothing was swapped.
    pub changed: bool,
}

/// Reloads the model of one data path into the shared snapshot. Cheap to clone.
#[derive(Clone)]
pub struct Reloader {
    data: PathBuf,
    shared: SharedSnapshot,
    metrics: Arc<Metrics>,
    /// One reload at a time, so a slow load cannot overwrite a newer one.
    serial: Arc<tokio::sync::Mutex<()>>,
}

impl Reloader {
    pub fn new(data: PathBuf, shared: SharedSnapshot, metrics: Arc<Metrics>) -> Reloader {
        Reloader {
            data,
            shared,
            metrics,
            serial: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// Loads the data path again and, when it is valid, swaps it in.
    ///
    /// # Errors
    /// Every problem of the data files; the old model then keeps serving.
    pub async fn reload(&self, trigger: &str) -> Result<ReloadOutcome, LoadError> {
        let _serial = self.serial.lock().await;
        let data = self.data.clone();
        let loaded = tokio::task::spawn_blocking(move || Snapshot::load(&data))
            .await
            .unwrap_or_else(|error| {
                Err(LoadError {
                    problems: vec![crate::model::Problem {
                        file: self.data.clone(),
                        line: 1,
                        message: format!("the load task failed: {error}"),
                    }],
                })
            });
        match loaded {
            Ok(snapshot) => {
                self.metrics.record_reload(true);
                let version = snapshot.model.version.clone();
                let changed = self.shared.load().model.version != version;
                if changed {
                    self.metrics.record_model(&snapshot.model);
                    self.shared.store(Arc::new(snapshot));
                    tracing::info!(%trigger, %version, "model reloaded");
                } else {
                    tracing::info!(%trigger, %version, "model reloaded: unchanged");
                }
                Ok(ReloadOutcome { version, changed })
            }
            Err(error) => {
                self.metrics.record_reload(false);
                for problem in &error.problems {
                    tracing::error!(%trigger, %problem, "model reload rejected");
                }
                tracing::error!(
                    %trigger,
                    problems = error.problems.len(),
                    serving = %self.shared.load().model.version,
                    "model reload rejected; the current model keeps serving"
                );
                Err(error)
            }
        }
    }

    /// Reloads on every SIGHUP until the task is aborted.
    pub fn spawn_on_sighup(&self) -> JoinHandle<()> {
        let reloader = self.clone();
        tokio::spawn(async move {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{signal, SignalKind};
                let mut hangups = match signal(SignalKind::hangup()) {
                    Ok(hangups) => hangups,
                    Err(error) => {
                        tracing::error!(%error, "cannot listen for SIGHUP; reload on signal is off");
                        return;
                    }
                };
                while hangups.recv().await.is_some() {
                    let _ = reloader.reload("SIGHUP").await;
                }
            }
            #[cfg(not(unix))]
            drop(reloader);
        })
    }

    /// Reloads when a file in the data folder changes, until the task is aborted.
    ///
    /// # Errors
    /// When the folder cannot be watched.
    pub fn spawn_on_change(&self) -> notify::Result<JoinHandle<()>> {
        let folder = watched_folder(&self.data);
        let (changed, mut changes) = tokio::sync::mpsc::channel::<()>(1);
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event {
                let relevant = matches!(
                    event.kind,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                ) && event.paths.iter().any(|path| is_data_file(path));
                if relevant {
                    // A full channel already holds a pending reload: this change joins it.
                    let _ = changed.try_send(());
                }
            }
        })?;
        watcher.watch(&folder, RecursiveMode::NonRecursive)?;
        tracing::info!(folder = %folder.display(), "watching the data folder for changes");
        let reloader = self.clone();
        Ok(tokio::spawn(async move {
            // The watcher lives as long as this task.
            let _watcher = watcher;
            while changes.recv().await.is_some() {
                tokio::time::sleep(CHANGE_SETTLE_TIME).await;
                while changes.try_recv().is_ok() {}
                let _ = reloader.reload("file change").await;
            }
        }))
    }
}

/// The folder to watch: the data folder itself, or the folder of a data file (editors replace
/// files by renaming, which a watch on the file alone would miss).
fn watched_folder(data: &Path) -> PathBuf {
    if data.is_dir() {
        data.to_path_buf()
    } else {
        match data.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// Skips editor swap and backup files, which change while a person types.
fn is_data_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    !(name.is_empty()
        || name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp"))
}
