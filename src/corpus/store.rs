//! Where the corpus is kept: the [`Store`] trait the corpus writes through, and [`RedbStore`],
//! the embedded store that is the default (one redb file under `--store DIR`).
//!
//! A store writes a batch of changes atomically and durably: when [`Store::apply`] returns
//! `Ok`, the batch survives a crash of the process or the machine (redb fsyncs its commit), and
//! when it fails, nothing of the batch is visible. Documents are kept as two records: what was
//! read from them (JSON, small, read whole on start) and their text (read only when asked for).

use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

use super::StoredDocument;

/// A failure of the store: the disk, the file, or what it holds.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds the store (a second server, or `actorgraph ingest` while one runs).
    #[error("the corpus store {0} is in use by another process; stop it, or give this one its own --store")]
    InUse(PathBuf),
    /// The store was written by another version of actorgraph.
    #[error("the corpus store {path} has schema version {found}; this build reads version {expected}")]
    Schema { path: PathBuf, found: u64, expected: u64 },
    /// A record that does not read back (a bug, or a file edited by hand).
    #[error("the corpus store holds a record {id:?} that does not read: {reason}")]
    Corrupt { id: String, reason: String },
    /// The disk or the database failed.
    #[error("the corpus store failed: {0}")]
    Io(String),
}

impl From<redb::Error> for StoreError {
    fn from(error: redb::Error) -> StoreError {
        StoreError::Io(error.to_string())
    }
}

/// One change of a batch.
#[derive(Debug, Clone)]
pub enum Change {
    /// Store a document (replacing any of the same id) with its text.
    Put {
        document: Box<StoredDocument>,
        text: String,
    },
    /// Forget a document and its text.
    Delete(String),
}

/// Durable storage of the corpus's documents.
pub trait Store: Send + Sync {
    /// Calls `visit` with every stored document (without its text), in id order.
    ///
    /// # Errors
    /// When the store cannot be read or holds a record that does not read.
    fn for_each_document(&self, visit: &mut dyn FnMut(StoredDocument)) -> Result<(), StoreError>;

    /// The texts of several stored documents, read together (`None` for one not stored).
    ///
    /// # Errors
    /// When the store cannot be read.
    fn texts(&self, ids: &[&str]) -> Result<Vec<Option<String>>, StoreError>;

    /// Applies a batch of changes atomically and durably.
    ///
    /// # Errors
    /// When the store cannot write; then none of the batch was applied.
    fn apply(&self, changes: &[Change]) -> Result<(), StoreError>;

    /// The store's size on disk, in bytes (0 when unknown).
    fn size_bytes(&self) -> u64;
}

const DOCUMENTS: TableDefinition<&str, &[u8]> = TableDefinition::new("documents");
const TEXTS: TableDefinition<&str, &str> = TableDefinition::new("texts");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// The layout of the tables above; a store of another version is refused, not guessed at.
pub const SCHEMA_VERSION: u64 = 1;
/// The store's page cache, in bytes.
const STORE_CACHE_BYTES: usize = 32 * 1024 * 1024;
/// The file name inside the store folder.
pub const STORE_FILE: &str = "corpus.redb";

/// The embedded store: one redb file in a folder.
pub struct RedbStore {
    database: Database,
    path: PathBuf,
}

impl RedbStore {
    /// Opens the store in `folder` (created when missing), or creates an empty one.
    ///
    /// # Errors
    /// When the folder or file cannot be created or opened, another process holds it, or it
    /// was written with another schema version.
    pub fn open(folder: &Path) -> Result<RedbStore, StoreError> {
        std::fs::create_dir_all(folder)
            .map_err(|error| StoreError::Io(format!("cannot create the folder {}: {error}", folder.display())))?;
        let path = folder.join(STORE_FILE);
        // The page cache is the store's only memory beyond the index: kept small, since
        // answers read few pages (texts for quotes) and ingest writes sequentially.
        let database = Database::builder()
            .set_cache_size(STORE_CACHE_BYTES)
            .create(&path)
            .map_err(|error| match error {
                redb::DatabaseError::DatabaseAlreadyOpen => StoreError::InUse(path.clone()),
                other => StoreError::Io(format!("cannot open {}: {other}", path.display())),
            })?;
        let store = RedbStore { database, path };
        store.check_schema()?;
        Ok(store)
    }

    /// Creates the tables of a new store, and checks the schema version of an old one.
    fn check_schema(&self) -> Result<(), StoreError> {
        let write = self.database.begin_write().map_err(redb::Error::from)?;
        {
            let mut meta = write.open_table(META).map_err(redb::Error::from)?;
            let found = meta.get("schema").map_err(redb::Error::from)?.map(|v| v.value());
            match found {
                Some(version) if version != SCHEMA_VERSION => {
                    return Err(StoreError::Schema {
                        path: self.path.clone(),
                        found: version,
                        expected: SCHEMA_VERSION,
                    });
                }
                Some(_) => {}
                None => {
                    meta.insert("schema", SCHEMA_VERSION).map_err(redb::Error::from)?;
                }
            }
            write.open_table(DOCUMENTS).map_err(redb::Error::from)?;
            write.open_table(TEXTS).map_err(redb::Error::from)?;
        }
        write.commit().map_err(redb::Error::from)?;
        Ok(())
    }
}

impl Store for RedbStore {
    fn for_each_document(&self, visit: &mut dyn FnMut(StoredDocument)) -> Result<(), StoreError> {
        let read = self.database.begin_read().map_err(redb::Error::from)?;
        let table = read.open_table(DOCUMENTS).map_err(redb::Error::from)?;
        for entry in table.iter().map_err(redb::Error::from)? {
            let (id, bytes) = entry.map_err(redb::Error::from)?;
            let document: StoredDocument =
                serde_json::from_slice(bytes.value()).map_err(|error| StoreError::Corrupt {
                    id: id.value().to_owned(),
                    reason: error.to_string(),
                })?;
            visit(document);
        }
        Ok(())
    }

    fn texts(&self, ids: &[&str]) -> Result<Vec<Option<String>>, StoreError> {
        let read = self.database.begin_read().map_err(redb::Error::from)?;
        let table = read.open_table(TEXTS).map_err(redb::Error::from)?;
        ids.iter()
            .map(|id| Ok(table.get(*id).map_err(redb::Error::from)?.map(|v| v.value().to_owned())))
            .collect()
    }

    fn apply(&self, changes: &[Change]) -> Result<(), StoreError> {
        let write = self.database.begin_write().map_err(redb::Error::from)?;
        {
            let mut documents = write.open_table(DOCUMENTS).map_err(redb::Error::from)?;
            let mut texts = write.open_table(TEXTS).map_err(redb::Error::from)?;
            for change in changes {
                match change {
                    Change::Put { document, text } => {
                        let bytes = serde_json::to_vec(document).map_err(|error| StoreError::Corrupt {
                            id: document.id.clone(),
                            reason: error.to_string(),
                        })?;
                        documents
                            .insert(document.id.as_str(), bytes.as_slice())
                            .map_err(redb::Error::from)?;
                        texts
                            .insert(document.id.as_str(), text.as_str())
                            .map_err(redb::Error::from)?;
                    }
                    Change::Delete(id) => {
                        documents.remove(id.as_str()).map_err(redb::Error::from)?;
                        texts.remove(id.as_str()).map_err(redb::Error::from)?;
                    }
                }
            }
        }
        // redb's default durability: the commit is on disk when this returns.
        write.commit().map_err(redb::Error::from)?;
        Ok(())
    }

    fn size_bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_read_together_and_a_missing_one_is_none() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let store = RedbStore::open(folder.path()).expect("a new store opens");
        store
            .apply(&[Change::Put {
                document: Box::new(document("a")),
                text: "text a".into(),
            }])
            .expect("the batch commits");
        let texts = store.texts(&["a", "b"]).expect("reads");
        assert_eq!(texts, [Some("text a".to_owned()), None]);
    }

    fn document(id: &str) -> StoredDocument {
        StoredDocument {
            id: id.to_owned(),
            title: "t".into(),
            url: String::new(),
            publisher: String::new(),
            published_date: "2026-01-02".into(),
            content_sha256: "00".into(),
            text_bytes: 6,
            mention_count: 1,
            events: Vec::new(),
            model_version: "v".into(),
        }
    }

    #[test]
    fn a_reopened_store_holds_what_was_committed_and_not_what_was_deleted() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        {
            let store = RedbStore::open(folder.path()).expect("a new store opens");
            store
                .apply(&[
                    Change::Put {
                        document: Box::new(document("a")),
                        text: "text a".into(),
                    },
                    Change::Put {
                        document: Box::new(document("b")),
                        text: "text b".into(),
                    },
                ])
                .expect("the batch commits");
            store.apply(&[Change::Delete("a".into())]).expect("the delete commits");
        }
        let store = RedbStore::open(folder.path()).expect("the store reopens");
        let mut ids = Vec::new();
        store
            .for_each_document(&mut |d| ids.push(d.id))
            .expect("the store reads");
        assert_eq!(ids, ["b"]);
        let texts = store.texts(&["b", "a"]).expect("reads");
        assert_eq!(texts, [Some("text b".to_owned()), None]);
    }

    #[test]
    fn a_second_opener_of_one_store_is_told_it_is_in_use() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let _first = RedbStore::open(folder.path()).expect("a new store opens");
        let second = RedbStore::open(folder.path());
        assert!(matches!(second, Err(StoreError::InUse(_))), "got {:?}", second.err());
    }
}
