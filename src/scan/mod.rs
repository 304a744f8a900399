//! The scan engine: drives a source with one detecting worker per thread, and
//! collects their hits into sorted, deterministic findings.
//!
//! ```text
//! source (walker threads) ──► Worker (Detector + scratch) ──► channel ──► Collector
//! ```

mod collect;
mod config_view;
mod git;
mod locate;
mod section;
mod shared;
mod worker;

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::rules::RuleSet;
use crate::source::{self, SkipReason, fs::WalkOptions};

pub use collect::Collector;

pub use git::{GitMode, GitScanOptions, owner_file_in_head, scan_git};
pub use locate::Span;
pub use shared::{BlobMemory, Earlier, RepoContext, RepoScan, scan_history_shared};
pub use worker::{BlobMatches, Event, Hit, Worker};

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file or directory.
    Path(PathBuf),
    /// Standard input (`-` on the command line).
    Stdin,
    /// Standard input holding an exported config store (`--stdin --store KIND`).
    Store(source::stores::StoreKind),
}

/// Why a scan could not start.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// A path given by the user does not exist.
    #[error("path not found: {0}")]
    NotFound(PathBuf),
    /// A repository could not be opened or read.
    #[error(transparent)]
    Git(#[from] crate::source::git::GitError),
    /// Standard input is not an export of the store asked for.
    #[error(transparent)]
    Store(#[from] crate::source::stores::StoreError),
    /// The worker thread pool could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// Counters for a whole scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Files, stdin or git blobs scanned.
    pub files: u64,
    /// Git commits walked (0 for filesystem scans).
    pub commits: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Findings reported.
    pub findings: u64,
    /// Findings not reported: in the baseline, ignored or allowlisted.
    pub suppressed: u64,
    /// Files skipped because they look binary.
    pub skipped_binary: u64,
    /// Files skipped because they exceed the size limit.
    pub skipped_large: u64,
    /// Files or directories that could not be read.
    pub errors: u64,
    /// Wall time of the scan in milliseconds.
    pub elapsed_ms: u64,
}

/// A problem met during the scan; the scan went on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScanIssue {
    /// Path concerned (may be empty when the walker could not name one).
    pub path: String,
    /// What happened.
    pub message: String,
}

/// A file deliberately not scanned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Skipped {
    /// Path of the file.
    pub path: String,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// Everything a scan produced, sorted.
#[derive(Debug, Clone, Default)]
pub struct ScanOutcome {
    /// Findings, sorted by first location then rule.
    pub findings: Vec<Finding>,
    /// Matches of inventory-only rules (certificates): evidence for the
    /// inventory, not findings; they never set the exit code.
    pub observations: Vec<Finding>,
    /// Counters.
    pub stats: Stats,
    /// Read errors (sorted by path).
    pub errors: Vec<ScanIssue>,
    /// Files over the size limit and archive limits hit (sorted by path);
    /// binary skips are only counted.
    pub skipped: Vec<Skipped>,
    /// Git repositories scanned (sorted by name).
    pub repositories: Vec<crate::source::git::RepositoryInfo>,
    /// Things the user should know that are not errors (sorted), e.g. a
    /// shallow clone or an empty range.
    pub notes: Vec<String>,
    /// Machine identities built from the findings (see [`crate::inventory::build`];
    /// empty until the caller builds them).
    pub identities: Vec<crate::inventory::Identity>,
    /// CODEOWNERS files of the scanned roots and repositories (for inventory owners).
    pub owner_files: Vec<OwnerFile>,
    /// Identities declared by infrastructure code in the scanned files
    /// (filesystem scans; resolved into the inventory by
    /// [`crate::inventory::build`]).
    pub declarations: Vec<crate::declared::Declaration>,
}

/// A CODEOWNERS file and the locations it governs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OwnerFile {
    /// For git scans: the repository name its locations carry.
    pub repository: Option<String>,
    /// For filesystem scans: the scanned root that location paths start with.
    pub root: String,
    /// The file's text.
    pub text: String,
}

/// Reads the first CODEOWNERS file found under a scanned directory.
fn owner_file_on_disk(root: &std::path::Path) -> Option<OwnerFile> {
    crate::inventory::CODEOWNERS_PATHS
        .iter()
        .find_map(|candidate| {
            let text = std::fs::read_to_string(root.join(candidate)).ok()?;
            Some(OwnerFile {
                repository: None,
                root: crate::source::fs::display_path(root),
                text,
            })
        })
}

impl ScanOutcome {
    /// Keeps only findings of at least `minimum` confidence (a finding's
    /// confidence is the highest over its locations).
    pub fn retain_min_confidence(&mut self, minimum: crate::rules::Confidence) {
        self.findings.retain(|f| f.confidence >= minimum);
        self.stats.findings = self.findings.len() as u64;
    }

    /// Replaces every fingerprint (findings and observations) by its salted
    /// form ([`crate::finding::salted_fingerprint`], `--fingerprint-salt`).
    pub fn salt_fingerprints(&mut self, salt: &str) {
        for finding in self.findings.iter_mut().chain(self.observations.iter_mut()) {
            finding.fingerprint =
                crate::finding::salted_fingerprint(salt, &finding.rule_id, &finding.secret);
        }
    }

    /// Builds [`ScanOutcome::identities`] from the findings and observations.
    pub fn build_inventory(&mut self, options: &crate::inventory::InventoryOptions) {
        self.identities = crate::inventory::build(self, options);
    }
}

/// Scans `targets` with `rules`. Paths must exist; unreadable files inside
/// them are recorded in [`ScanOutcome::errors`] and the scan goes on.
pub fn scan(
    rules: &RuleSet,
    targets: &[Target],
    options: &WalkOptions,
) -> Result<ScanOutcome, ScanError> {
    let started = Instant::now();
    let mut paths = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut stdin = false;
    let mut store = None;
    for target in targets {
        match target {
            Target::Path(path) => {
                if std::fs::symlink_metadata(path).is_err() {
                    return Err(ScanError::NotFound(path.clone()));
                }
                // The same root given twice (`scan src src`) is walked once.
                let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                if !seen.contains(&canonical) {
                    seen.push(canonical);
                    paths.push(path.clone());
                }
            }
            Target::Stdin => stdin = true,
            Target::Store(kind) => store = Some(*kind),
        }
    }
    let owner_files: Vec<OwnerFile> = paths
        .iter()
        .filter(|p| p.is_dir())
        .filter_map(|p| owner_file_on_disk(p))
        .collect();
    let (sender, receiver) = mpsc::channel::<Event>();
    let mut collector = Collector::new(rules);
    let mut store_result = Ok(());
    std::thread::scope(|scope| {
        let walker_sender = sender.clone();
        scope.spawn(move || {
            source::fs::walk(&paths, options, || {
                Worker::new(rules, walker_sender.clone())
                    .with_decode(options.read.decode)
                    .with_time_budget(options.read.time_budget)
                    .with_declared(options.read.declared)
            });
        });
        if stdin {
            let mut worker = Worker::new(rules, sender.clone())
                .with_decode(options.read.decode)
                .with_time_budget(options.read.time_budget)
                .with_declared(options.read.declared);
            source::stdin::scan_reader(std::io::stdin().lock(), &options.read, &mut worker);
        }
        if let Some(kind) = store {
            let mut worker =
                Worker::new(rules, sender.clone()).with_time_budget(options.read.time_budget);
            let stdin = std::io::stdin().lock();
            store_result = source::stores::scan_reader(stdin, kind, &options.read, &mut worker);
        }
        drop(sender);
        for event in receiver {
            collector.add(event);
        }
    });
    store_result?;
    let mut outcome = collector.finish();
    outcome.owner_files = owner_files;
    outcome.stats.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(outcome)
}

/// Scans one in-memory blob and returns its findings, inventory-only
/// observations included (used by `rules check`,
/// tests and benchmarks).
pub fn scan_bytes(rules: &RuleSet, path: &str, bytes: &[u8]) -> Vec<Finding> {
    let (sender, receiver) = mpsc::channel();
    {
        let mut worker = Worker::new(rules, sender);
        crate::source::BlobVisitor::blob(&mut worker, path, bytes);
    }
    let mut collector = Collector::new(rules);
    for event in receiver {
        collector.add(event);
    }
    let outcome = collector.finish();
    outcome
        .findings
        .into_iter()
        .chain(outcome.observations)
        .collect()
}
