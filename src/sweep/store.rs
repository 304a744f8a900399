//! The datastore (`--datastore PATH`, SQLite): what earlier sweeps scanned,
//! so that a re-run skips it.
//!
//! - `meta`: schema version and the hash of the rule pack the rows were made
//!   with; opening with another rule pack empties the store (every blob must
//!   be scanned again with the new rules).
//! - `blobs`: the id of every blob scanned.
//! - `matches`: the hits of blobs that matched (rule ids, secrets, spans).
//! - `repos`: per repository, the ref tips scanned and what the repository
//!   contributed (its locations of matched blobs, errors, notes).
//!
//! Each repository is written in one transaction, by one thread: an
//! interrupted run leaves every finished repository stored and the next run
//! resumes. The store holds secret values: protect it like the repositories.

use std::collections::HashMap;
use std::path::Path;

use gix::ObjectId;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::finding::{Part, Secret};
use crate::rules::{Confidence, RuleSet};
use crate::scan::{BlobMatches, BlobMemory, Hit, RepoContext, ScanIssue, Skipped, Span};
use crate::source::git::RepositoryInfo;

/// Schema version written to `meta`.
const SCHEMA: &str = "1";

/// Why the datastore could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("datastore: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored record could not be read or written.
    #[error("datastore record: {0}")]
    Record(#[from] serde_json::Error),
    /// The file is a datastore of another schema version.
    #[error("datastore schema {found}, expected {SCHEMA}")]
    Schema {
        /// Version found.
        found: String,
    },
}

/// What one repository contributed to the sweep that stored it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RepoRecord {
    /// The repository as reports describe it.
    pub info: Option<RepositoryInfo>,
    /// Ref tips (and HEAD) scanned, sorted hex ids.
    pub tips: Vec<String>,
    /// When it was last swept, scanned or found unchanged (RFC 3339): the
    /// `last_seen` of its locations a later sweep no longer finds. Absent in
    /// records of older versions.
    #[serde(default)]
    pub swept_at: Option<String>,
    /// Commits walked.
    pub commits: u64,
    /// Its locations of matched blobs.
    pub contexts: Vec<RepoContext>,
    /// Errors met.
    pub errors: Vec<ScanIssue>,
    /// Notes.
    pub notes: Vec<String>,
    /// Blobs skipped for size.
    pub skipped: Vec<Skipped>,
    /// Its CODEOWNERS text, when it has one.
    pub owners: Option<String>,
}

/// One stored hit (rules by id, so the store does not depend on rule order).
#[derive(Debug, Serialize, Deserialize)]
struct StoredHit {
    rule: String,
    secret: String,
    entropy: f64,
    confidence: Confidence,
    parts: Vec<(String, String)>,
    span: (usize, usize, usize, usize),
    bytes: (usize, usize),
    #[serde(default)]
    section: Option<String>,
    #[serde(default)]
    encoding: Vec<String>,
}

/// An open datastore.
pub struct Datastore {
    conn: Connection,
}

impl Datastore {
    /// Opens (creating it when missing) the datastore at `path` for rules
    /// with hash `rules_hash`; a store made with other rules is emptied.
    pub fn open(path: &Path, rules_hash: &str) -> Result<Self, StoreError> {
        let store = Datastore::open_existing(path)?;
        let stored: Option<String> = store
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'rules'", [], |row| {
                row.get(0)
            })
            .optional()?;
        if stored.as_deref() != Some(rules_hash) {
            store.conn.execute_batch(
                "BEGIN; DELETE FROM blobs; DELETE FROM matches; DELETE FROM repos; COMMIT;",
            )?;
            store.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('rules', ?1)",
                params![rules_hash],
            )?;
        }
        Ok(store)
    }

    /// Opens the datastore at `path` as it is (for `keyhound report`).
    pub fn open_existing(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS blobs (id BLOB PRIMARY KEY) WITHOUT ROWID;
             CREATE TABLE IF NOT EXISTS matches (id BLOB PRIMARY KEY, hits TEXT NOT NULL) WITHOUT ROWID;
             CREATE TABLE IF NOT EXISTS repos (identity TEXT PRIMARY KEY, record TEXT NOT NULL);",
        )?;
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?1)",
            params![SCHEMA],
        )?;
        let schema: String =
            conn.query_row("SELECT value FROM meta WHERE key = 'schema'", [], |row| {
                row.get(0)
            })?;
        if schema != SCHEMA {
            return Err(StoreError::Schema { found: schema });
        }
        Ok(Datastore { conn })
    }

    /// Loads every stored blob (and the hits of matched ones) into `memory`;
    /// returns how many blobs. Hits of rules `rules` no longer has are dropped.
    pub fn load(&self, rules: &RuleSet, memory: &mut BlobMemory) -> Result<usize, StoreError> {
        let index: HashMap<&str, usize> = rules
            .rules()
            .iter()
            .enumerate()
            .map(|(i, rule)| (rule.spec.id.as_str(), i))
            .collect();
        let mut matched: HashMap<ObjectId, BlobMatches> = HashMap::new();
        let mut statement = self.conn.prepare("SELECT id, hits FROM matches")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let id: Vec<u8> = row.get(0)?;
            let hits: String = row.get(1)?;
            let Ok(id) = ObjectId::try_from(id.as_slice()) else {
                continue;
            };
            let stored: Vec<StoredHit> = serde_json::from_str(&hits)?;
            let hits = stored
                .into_iter()
                .filter_map(|hit| from_stored(hit, &index))
                .collect();
            matched.insert(
                id,
                BlobMatches {
                    path: None,
                    blob_id: id.to_hex().to_string(),
                    hits,
                },
            );
        }
        let mut statement = self.conn.prepare("SELECT id FROM blobs")?;
        let mut rows = statement.query([])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let id: Vec<u8> = row.get(0)?;
            if let Ok(id) = ObjectId::try_from(id.as_slice()) {
                memory.remember(id, matched.remove(&id));
                count += 1;
            }
        }
        Ok(count)
    }

    /// The record of the repository `identity`, when stored.
    pub fn repository(&self, identity: &str) -> Result<Option<RepoRecord>, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT record FROM repos WHERE identity = ?1",
                params![identity],
                |row| row.get(0),
            )
            .optional()?;
        Ok(match text {
            Some(text) => Some(serde_json::from_str(&text)?),
            None => None,
        })
    }

    /// Every stored repository record, by identity.
    pub fn repositories(&self) -> Result<Vec<(String, RepoRecord)>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT identity, record FROM repos ORDER BY identity")?;
        let mut rows = statement.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let identity: String = row.get(0)?;
            let text: String = row.get(1)?;
            out.push((identity, serde_json::from_str(&text)?));
        }
        Ok(out)
    }

    /// Records that the repository `identity` was found unchanged by the
    /// sweep running at `swept_at` (RFC 3339).
    pub fn touch_repository(&self, identity: &str, swept_at: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE repos SET record = json_set(record, '$.swept_at', ?2) WHERE identity = ?1",
            params![identity, swept_at],
        )?;
        Ok(())
    }

    /// Stores one repository in one transaction: the blobs scanned for it,
    /// the hits of those that matched, and its record.
    pub fn save_repository(
        &mut self,
        identity: &str,
        record: &RepoRecord,
        scanned: &[ObjectId],
        matched: &[BlobMatches],
        rules: &RuleSet,
    ) -> Result<(), StoreError> {
        let record = serde_json::to_string(record)?;
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare("INSERT OR IGNORE INTO blobs (id) VALUES (?1)")?;
            for id in scanned {
                insert.execute(params![id.as_bytes()])?;
            }
            let mut insert =
                tx.prepare("INSERT OR REPLACE INTO matches (id, hits) VALUES (?1, ?2)")?;
            for matches in matched {
                let Ok(id) = ObjectId::from_hex(matches.blob_id.as_bytes()) else {
                    continue;
                };
                let hits: Vec<StoredHit> = matches
                    .hits
                    .iter()
                    .map(|hit| to_stored(hit, rules))
                    .collect();
                insert.execute(params![id.as_bytes(), serde_json::to_string(&hits)?])?;
            }
            tx.execute(
                "INSERT OR REPLACE INTO repos (identity, record) VALUES (?1, ?2)",
                params![identity, record],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

fn to_stored(hit: &Hit, rules: &RuleSet) -> StoredHit {
    StoredHit {
        rule: rules
            .rules()
            .get(hit.rule)
            .map(|rule| rule.spec.id.clone())
            .unwrap_or_default(),
        secret: hit.secret.expose().to_string(),
        entropy: hit.entropy,
        confidence: hit.confidence,
        parts: hit
            .parts
            .iter()
            .map(|p| (p.name.clone(), p.value.expose().to_string()))
            .collect(),
        span: (
            hit.span.line,
            hit.span.column,
            hit.span.end_line,
            hit.span.end_column,
        ),
        bytes: (hit.start_byte, hit.end_byte),
        section: hit.section.clone(),
        encoding: hit.encoding.clone(),
    }
}

fn from_stored(hit: StoredHit, index: &HashMap<&str, usize>) -> Option<Hit> {
    Some(Hit {
        rule: *index.get(hit.rule.as_str())?,
        secret: Secret::from_bytes(hit.secret.as_bytes()),
        entropy: hit.entropy,
        confidence: hit.confidence,
        parts: hit
            .parts
            .into_iter()
            .map(|(name, value)| Part {
                name,
                value: Secret::from_bytes(value.as_bytes()),
            })
            .collect(),
        span: Span {
            line: hit.span.0,
            column: hit.span.1,
            end_line: hit.span.2,
            end_column: hit.span.3,
        },
        start_byte: hit.bytes.0,
        end_byte: hit.bytes.1,
        section: hit.section,
        encoding: hit.encoding,
    })
}
