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
use crate::metrics::{Metrics, ReloadResult};
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
    /// The model's layers, in order.
    data: Vec<PathBuf>,
    shared: SharedSnapshot,
    metrics: Arc<Metrics>,
    /// An automatic reload is refused when it would leave any layer with fewer than this
    /// percentage of the records it has now; 0 turns the guard off.
    min_kept_percent: u8,
    /// The largest data file read (`--max-data-file-bytes`).
    max_file_bytes: u64,
    /// The longest a load may take before it is given up on (`--reload-timeout-seconds`).
    max_duration: Duration,
    /// One reload at a time, so a slow load cannot overwrite a newer one.
    serial: Arc<tokio::sync::Mutex<()>>,
}

impl Reloader {
    pub fn new(
        data: Vec<PathBuf>,
        shared: SharedSnapshot,
        metrics: Arc<Metrics>,
        min_kept_percent: u8,
        max_file_bytes: u64,
        max_duration: Duration,
    ) -> Reloader {
        Reloader {
            data,
            max_file_bytes,
            max_duration,
            shared,
            metrics,
            min_kept_percent,
            serial: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// Loads the data path again and, when it is valid, swaps it in, however much smaller it is:
    /// an operator's explicit reload (SIGHUP).
    ///
    /// # Errors
    /// Every problem of the data files; the old model then keeps serving.
    pub async fn reload(&self, trigger: &str) -> Result<ReloadOutcome, LoadError> {
        self.reload_with(trigger, false).await
    }

    /// As [`Reloader::reload`], for reloads nobody asked for (a file changed): a valid model
    /// that keeps fewer than the configured share of the served model's entities is refused,
    /// since it is far more often a truncated or half-copied file than an intended change.
    ///
    /// # Errors
    /// Every problem of the data files, or the refusal; the old model then keeps serving.
    pub async fn reload_on_change(&self) -> Result<ReloadOutcome, LoadError> {
        self.reload_with("file change", true).await
    }

    async fn reload_with(&self, trigger: &str, guarded: bool) -> Result<ReloadOutcome, LoadError> {
        let _serial = self.serial.lock().await;
        let data = self.data.clone();
        let max_file_bytes = self.max_file_bytes;
        let load = tokio::task::spawn_blocking(move || Snapshot::load_layers_within(&data, max_file_bytes));
        // A load that stalls (a data folder on a hung network mount) is given up on: its thread
        // finishes, or not, on its own, and its result is dropped.
        let Ok(loaded) = tokio::time::timeout(self.max_duration, load).await else {
            self.metrics.record_reload(ReloadResult::Abandoned);
            let seconds = self.max_duration.as_secs_f64();
            tracing::error!(
                %trigger,
                seconds,
                serving = %self.shared.load().model.version,
                "model reload abandoned: the data files were not read within the reload timeout \
                 (--reload-timeout-seconds); the current model keeps serving"
            );
            return Err(LoadError::at(
                &self.data.first().cloned().unwrap_or_default(),
                format!(
                    "the model was not read within {seconds} s (--reload-timeout-seconds); the reload was abandoned"
                ),
            ));
        };
        let loaded = loaded.unwrap_or_else(|error| {
            Err(LoadError {
                problems: vec![crate::model::Problem {
                    file: self.data.last().cloned().unwrap_or_default(),
                    line: 1,
                    message: format!("the load task failed: {error}"),
                }],
            })
        });
        let shrink = match &loaded {
            Ok(snapshot) if guarded => self.shrinks_too_much(snapshot),
            _ => None,
        };
        match (loaded, shrink) {
            (Ok(_), Some(shrink)) => Err(self.refuse(trigger, shrink)),
            (Ok(snapshot), None) => {
                self.metrics.record_reload(ReloadResult::Success);
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
            (Err(error), _) => {
                self.metrics.record_reload(ReloadResult::Failure);
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

    /// The first layer of a new model that keeps fewer than the configured share of the
    /// served layer's records, with the two counts: layer by layer, so that the small article
    /// layer emptied over the large world layer is seen.
    fn shrinks_too_much(&self, snapshot: &Snapshot) -> Option<(usize, usize, usize)> {
        let served = self.shared.load();
        let kept = usize::from(self.min_kept_percent);
        served
            .model
            .layer_records
            .iter()
            .zip(&snapshot.model.layer_records)
            .enumerate()
            .find(|(_, (&old, &new))| new * 100 < old * kept)
            .map(|(layer, (&old, &new))| (layer, old, new))
    }

    /// Logs, counts and describes a refused automatic reload: `(layer, served, new)` records.
    fn refuse(&self, trigger: &str, (layer, served, new): (usize, usize, usize)) -> LoadError {
        self.metrics.record_reload(ReloadResult::Refused);
        let path = self
            .data
            .get(layer)
            .map_or_else(String::new, |p| p.display().to_string());
        let message = format!(
            "reload refused: layer {path} would hold {new} records, under {}% of the {served} served; \
             if that is intended, send SIGHUP (it loads any valid model) or lower --reload-min-kept-percent",
            self.min_kept_percent
        );
        tracing::error!(%trigger, layer = %path, new_records = new, served_records = served, serving = %self.shared.load().model.version, "{message}");
        LoadError {
            problems: vec![crate::model::Problem {
                file: self.data.last().cloned().unwrap_or_default(),
                line: 1,
                message,
            }],
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

    /// Reloads when a file in a layer's folder changes, until the task is aborted.
    ///
    /// # Errors
    /// When the folder cannot be watched.
    pub fn spawn_on_change(&self) -> notify::Result<JoinHandle<()>> {
        let mut folders: Vec<PathBuf> = self.data.iter().map(|path| watched_folder(path)).collect();
        folders.sort();
        folders.dedup();
        let (changed, mut changes) = tokio::sync::mpsc::channel::<()>(1);
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event {
                let relevant = matches!(
                    event.kind,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                ) && event.paths.iter().any(|path| is_relevant_change(path));
                if relevant {
                    // A full channel already holds a pending reload: this change joins it.
                    let _ = changed.try_send(());
                }
            }
        })?;
        for folder in &folders {
            watcher.watch(folder, RecursiveMode::NonRecursive)?;
            tracing::info!(folder = %folder.display(), "watching the data folder for changes");
        }
        let reloader = self.clone();
        Ok(tokio::spawn(async move {
            // The watcher lives as long as this task.
            let _watcher = watcher;
            while changes.recv().await.is_some() {
                tokio::time::sleep(CHANGE_SETTLE_TIME).await;
                while changes.try_recv().is_ok() {}
                let _ = reloader.reload_on_change().await;
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

/// Whether a change to this path may change the model. Names that start with `..` are the
/// kubelet's: a mounted ConfigMap or Secret is updated by writing a new `..TIMESTAMP` folder and
/// renaming a `..data_tmp` symlink over `..data`, which the data files point through. Other
/// hidden names, and editor swap and backup files, change while a person types and are skipped.
fn is_relevant_change(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with("..") {
        return true;
    }
    !(name.is_empty()
        || name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubelet_swaps_count_and_editor_files_do_not() {
        for relevant in ["model.toml", "..data", "..data_tmp", "..2026_11_27_10_00_00.123456789"] {
            assert!(is_relevant_change(Path::new(relevant)), "{relevant}");
        }
        for skipped in [".model.toml.swp", ".#model.toml", "model.toml~", "x.tmp", ".hidden"] {
            assert!(!is_relevant_change(Path::new(skipped)), "{skipped}");
        }
    }

    #[tokio::test]
    async fn a_load_past_the_reload_timeout_is_abandoned_and_the_model_kept() {
        let data = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")];
        let snapshot = Snapshot::load_layers(&data).expect("the shipped article's model loads");
        let served = snapshot.model.version.clone();
        let shared: SharedSnapshot = Arc::new(arc_swap::ArcSwap::from_pointee(snapshot));
        let metrics = Arc::new(Metrics::new());
        // No load of a real model finishes within a nanosecond: this one stands for a stalled one.
        let stalled = Reloader::new(
            data.clone(),
            Arc::clone(&shared),
            Arc::clone(&metrics),
            50,
            u64::MAX,
            Duration::from_nanos(1),
        );
        let error = stalled.reload("test").await.expect_err("the reload is abandoned");
        assert!(error.to_string().contains("--reload-timeout-seconds"), "{error}");
        assert!(
            metrics
                .encode()
                .contains(r#"actorgraph_model_reloads_total{result="abandoned"} 1"#),
            "{}",
            metrics.encode()
        );
        assert_eq!(shared.load().model.version, served);
        // With time to read, the same reloader's twin loads the model.
        let patient = Reloader::new(data, shared, metrics, 50, u64::MAX, Duration::from_secs(60));
        assert!(patient.reload("test").await.is_ok());
    }
}
