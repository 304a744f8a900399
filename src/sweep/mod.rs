//! Org-wide sweeps: many repositories in one run, one merged report and
//! inventory, blobs shared between repositories scanned once, shards for
//! spreading the work over machines, and a datastore for incremental
//! re-runs. See `docs/SWEEPS.md`.
//!
//! ```text
//! discover / --repos ──► shard filter ──► per repository: open ──► tips unchanged
//!   in the datastore? reuse its record : scan_history_shared (skips blobs in
//!   BlobMemory) ──► Collector (one for the whole run) ──► ScanOutcome
//! ```

mod discover;
mod merge;
mod progress;
mod remote;
mod shard;
mod store;

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use gix::ObjectId;

use crate::rules::RuleSet;
use crate::scan::{BlobMemory, Collector, Earlier, Event, OwnerFile, ScanOutcome};
use crate::source::ReadOptions;
use crate::source::git::{self, GitError};

pub use discover::{RepoSource, discover, is_repository};
pub use merge::{MergeError, merge_reports};
pub use progress::{NoProgress, Progress, Snapshot};
pub use remote::{ListProblem, cache_path, default_cache_dir, entries, is_url, prepare};
pub use shard::{Shard, ShardError};
pub use store::{Datastore, RepoRecord, StoreError};

/// Options of a sweep.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// Size limit and binary handling.
    pub read: ReadOptions,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// When the sweep runs (seconds since the Unix epoch): stored with each
    /// repository, it becomes the `last_seen` of locations a later run no
    /// longer finds.
    pub now: i64,
}

/// Why a sweep could not run (a repository that cannot be read is an error
/// in the report instead).
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The worker thread pool could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    /// The datastore failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Sweeps `repos` in order: one collector for all, each blob scanned once.
/// With `store`, repositories whose ref tips are unchanged are taken from it,
/// blobs it holds are not scanned again, and each repository is saved once
/// done. `interrupt` stops the sweep between repositories.
pub fn sweep(
    rules: &RuleSet,
    repos: &[RepoSource],
    options: &SweepOptions,
    mut store: Option<&mut Datastore>,
    progress: &dyn Progress,
    interrupt: &AtomicBool,
) -> Result<ScanOutcome, SweepError> {
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|err| SweepError::Threads(err.to_string()))?;
    let mut memory = BlobMemory::new();
    if let Some(store) = store.as_deref() {
        store.load(rules, &mut memory)?;
    }
    let mut collector = Collector::new(rules);
    let mut owner_files = Vec::new();
    let mut snapshot = Snapshot {
        repos_total: repos.len() as u64,
        ..Snapshot::default()
    };
    let mut reused = 0usize;
    for (done, source) in repos.iter().enumerate() {
        if interrupt.load(Ordering::SeqCst) {
            collector.add_note(format!(
                "interrupted: {} of {} repositories not scanned",
                repos.len() - done,
                repos.len()
            ));
            break;
        }
        progress.repository_started(&source.name, &snapshot);
        let outcome = sweep_one(
            rules,
            &pool,
            source,
            options,
            &mut memory,
            store.as_deref_mut(),
            &mut collector,
        )?;
        match outcome {
            RepoOutcome::Failed(message) => collector.add_error(&source.name, message),
            RepoOutcome::Done { owners, reused: r } => {
                owner_files.extend(owners);
                reused += usize::from(r);
            }
        }
        let stats = collector.progress();
        snapshot = Snapshot {
            repos_done: done as u64 + 1,
            repos_total: repos.len() as u64,
            blobs: stats.files,
            bytes: stats.bytes,
            findings: stats.findings,
        };
        progress.repository_done(&source.name, &snapshot);
    }
    if reused > 0 {
        collector.add_note(format!(
            "{reused} repositories unchanged since the datastore's last run: their findings come from it"
        ));
    }
    let mut outcome = collector.finish();
    owner_files.sort();
    outcome.owner_files = owner_files;
    outcome.stats.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(outcome)
}

enum RepoOutcome {
    Failed(String),
    Done {
        owners: Option<OwnerFile>,
        reused: bool,
    },
}

fn sweep_one(
    rules: &RuleSet,
    pool: &rayon::ThreadPool,
    source: &RepoSource,
    options: &SweepOptions,
    memory: &mut BlobMemory,
    store: Option<&mut Datastore>,
    collector: &mut Collector<'_>,
) -> Result<RepoOutcome, StoreError> {
    let repo = match open(source) {
        Ok(repo) => repo,
        Err(err) => return Ok(RepoOutcome::Failed(err.to_string())),
    };
    let tips = match current_tips(&repo) {
        Ok(tips) => tips,
        Err(err) => return Ok(RepoOutcome::Failed(err.to_string())),
    };
    // The stored record of this repository, when it was stored under the
    // same name (locations carry the name).
    let stored = match store.as_deref() {
        Some(store) => store
            .repository(&source.identity)?
            .filter(|record| record.info.as_ref().is_some_and(|i| i.name == source.name)),
        None => None,
    };
    let swept_at = crate::inventory::format_date(options.now);
    if let Some(record) = &stored
        && record.tips == tips
    {
        if let Some(store) = store {
            store.touch_repository(&source.identity, &swept_at)?;
        }
        let owners = replay(record, memory, collector);
        return Ok(RepoOutcome::Done {
            owners,
            reused: true,
        });
    }
    let walked = stored
        .as_ref()
        .and_then(|record| walked_before(&repo, &record.tips));
    let earlier = stored.as_ref().map(|record| Earlier {
        contexts: &record.contexts,
        walked: walked.as_deref(),
        seen_at: record.swept_at.as_deref(),
    });
    let mark = collector.mark();
    let info = git::describe(&repo);
    collector.add_repository(info.clone());
    let owners = crate::scan::owner_file_in_head(&repo);
    let scan = match crate::scan::scan_history_shared(
        rules,
        pool,
        &repo,
        &options.read,
        memory,
        collector,
        earlier,
    ) {
        Ok(scan) => scan,
        Err(err) => {
            collector.add_error(&source.name, err.to_string());
            return Ok(RepoOutcome::Done {
                owners,
                reused: false,
            });
        }
    };
    if let Some(store) = store {
        let (errors, notes, skipped) = collector.since(mark);
        let earlier_commits = match (&stored, &walked) {
            (Some(record), Some(_)) => record.commits,
            _ => 0,
        };
        let record = RepoRecord {
            info: Some(info),
            tips,
            swept_at: Some(swept_at),
            commits: earlier_commits + scan.commits,
            contexts: scan.contexts,
            errors,
            notes,
            skipped,
            owners: owners.as_ref().map(|o| o.text.clone()),
        };
        store.save_repository(
            &source.identity,
            &record,
            &scan.scanned,
            &scan.matched,
            rules,
        )?;
    }
    Ok(RepoOutcome::Done {
        owners,
        reused: false,
    })
}

/// Opens exactly the repository at `source.path` (no search upwards: a
/// listed directory that is not a repository is an error, not its parent).
fn open(source: &RepoSource) -> Result<git::Repo, GitError> {
    let not_a_repo = |message: String| GitError::NotARepository {
        path: source.path.clone(),
        message,
    };
    let mut repo = gix::open(&source.path).map_err(|err| not_a_repo(err.to_string()))?;
    git::prepare(&mut repo);
    // A corrupt repository may open; reading HEAD's target and refs tells.
    drop(
        repo.references()
            .map_err(|err| not_a_repo(err.to_string()))?,
    );
    Ok(git::Repo {
        repo,
        name: source.name.clone(),
    })
}

/// The stored tips of an earlier scan of `repo` when every one is still
/// reachable from the current refs (refs only moved forward, or were added):
/// their history was walked then, and the walk may hide it now. `None` when
/// one is gone (history rewritten, branch or tag deleted), when there were
/// none, or when reachability cannot be checked: the whole history is walked.
fn walked_before(repo: &git::Repo, stored: &[String]) -> Option<Vec<ObjectId>> {
    let r = &repo.repo;
    let current = git::resolve_tips(repo, None).ok()?;
    let current_set: HashSet<&ObjectId> = current.iter().collect();
    let mut earlier = Vec::new();
    for tip in stored {
        if tip.starts_with("HEAD=") {
            continue; // HEAD is among the refs' tips too
        }
        earlier.push(ObjectId::from_hex(tip.as_bytes()).ok()?);
    }
    if earlier.is_empty() || current.is_empty() {
        return None;
    }
    let cache = r.commit_graph_if_enabled().ok()?;
    let mut graph = r.revision_graph(cache.as_ref());
    for id in &earlier {
        if current_set.contains(id) {
            continue;
        }
        if !r.has_object(id) {
            return None;
        }
        // `id` is reachable from the current tips exactly when it is their
        // best merge base with it (git merge-base id tip1 tip2 ...).
        let bases = r
            .merge_bases_many_with_graph(*id, &current, &mut graph)
            .ok()?;
        if !bases.iter().any(|base| base.detach() == *id) {
            return None;
        }
    }
    Some(earlier)
}

/// The ref tips and HEAD of `repo` as sorted hex ids (`HEAD=<id>` first).
fn current_tips(repo: &git::Repo) -> Result<Vec<String>, GitError> {
    let mut tips: Vec<String> = git::resolve_tips(repo, None)?
        .iter()
        .map(git::hex)
        .collect();
    tips.sort();
    let head = repo
        .repo
        .head_id()
        .map(|id| id.to_string())
        .unwrap_or_default();
    tips.insert(0, format!("HEAD={head}"));
    Ok(tips)
}

/// Adds a stored repository's contribution to `collector`; returns its
/// CODEOWNERS file.
fn replay(
    record: &RepoRecord,
    memory: &BlobMemory,
    collector: &mut Collector<'_>,
) -> Option<OwnerFile> {
    let info = record.info.clone()?;
    let name = info.name.clone();
    collector.add_repository(info);
    for issue in &record.errors {
        collector.add_error(&issue.path, issue.message.clone());
    }
    for note in &record.notes {
        collector.add_note(note.clone());
    }
    for skipped in &record.skipped {
        collector.add(Event::Skipped(skipped.clone()));
    }
    let mut places: BTreeMap<&str, Vec<(String, Option<crate::finding::GitProvenance>)>> =
        BTreeMap::new();
    for context in &record.contexts {
        places
            .entry(&context.blob_id)
            .or_default()
            .push((context.path.clone(), context.git.clone()));
    }
    for (blob, list) in places {
        let Ok(id) = ObjectId::from_hex(blob.as_bytes()) else {
            continue;
        };
        if let Some(matches) = memory.matches(&id) {
            collector.add_blob(matches, &list);
        }
    }
    record.owners.as_ref().map(|text| OwnerFile {
        repository: Some(name),
        root: String::new(),
        text: text.clone(),
    })
}

/// Rebuilds the outcome of the sweeps stored in `store` without scanning
/// (`keyhound report --datastore`): every stored repository, its findings
/// and errors; the counters of work done are zero except commits.
pub fn report_from_store(rules: &RuleSet, store: &Datastore) -> Result<ScanOutcome, StoreError> {
    let mut memory = BlobMemory::new();
    store.load(rules, &mut memory)?;
    let mut collector = Collector::new(rules);
    let mut owner_files = Vec::new();
    for (_, record) in store.repositories()? {
        collector.add_commits(record.commits);
        owner_files.extend(replay(&record, &memory, &mut collector));
    }
    let mut outcome = collector.finish();
    owner_files.sort();
    outcome.owner_files = owner_files;
    Ok(outcome)
}
