//! Git scans: history (every unique blob once, then one commit walk for the
//! provenance of blobs that matched), ranges (`BASE..HEAD`: the blobs the
//! range's commits introduce, added lines only) and staged changes.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Instant;

use gix::ObjectId;
use gix::objs::FindHeader;
use gix::prelude::FindExt;
use rayon::prelude::*;

use crate::finding::GitProvenance;
use crate::rules::RuleSet;
use crate::source::git::{self, GitError, Repo, WalkSpec, hex};
use crate::source::{BlobVisitor, ReadOptions, SkipReason, looks_binary};

use super::{BlobMatches, Collector, Event, ScanError, ScanOutcome, Worker};

/// Which part of a repository to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitMode {
    /// Every blob reachable from the refs (or narrowed by branch/since/max-commits).
    History,
    /// `BASE..HEAD`: blobs introduced by the range's commits, added lines only.
    Range(String),
    /// Index entries that differ from HEAD, added lines only.
    Staged,
}

/// Options of a git scan.
#[derive(Debug, Clone)]
pub struct GitScanOptions {
    /// What to scan.
    pub mode: GitMode,
    /// Only history reachable from this revision.
    pub branch: Option<String>,
    /// Only commits authored at or after this time (seconds since the epoch).
    pub since: Option<i64>,
    /// Only the newest N commits.
    pub max_commits: Option<usize>,
    /// Size limit and binary handling.
    pub read: ReadOptions,
    /// Worker threads (0 = one per core).
    pub threads: usize,
}

/// One blob to scan, and the version it replaces (for added-line filtering).
pub(super) struct Job {
    pub(super) blob: ObjectId,
    pub(super) previous: Option<ObjectId>,
}

/// Scans each repository in `repos` as `options` say.
pub fn scan_git(
    rules: &RuleSet,
    repos: &[PathBuf],
    options: &GitScanOptions,
) -> Result<ScanOutcome, ScanError> {
    let started = Instant::now();
    let mut collector = Collector::new(rules);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|err| ScanError::Threads(err.to_string()))?;
    let mut owner_files = Vec::new();
    for path in repos {
        let repo = git::open(path)?;
        collector.add_repository(git::describe(&repo));
        owner_files.extend(owner_file_in_head(&repo));
        scan_repo(rules, &pool, &repo, options, &mut collector)?;
    }
    let mut outcome = collector.finish();
    owner_files.sort();
    outcome.owner_files = owner_files;
    outcome.stats.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(outcome)
}

/// The CODEOWNERS file in HEAD of `repo`, if any.
pub fn owner_file_in_head(repo: &git::Repo) -> Option<super::OwnerFile> {
    crate::inventory::CODEOWNERS_PATHS
        .iter()
        .find_map(|candidate| {
            let bytes = git::read_head_file(repo, candidate)?;
            Some(super::OwnerFile {
                repository: Some(repo.name.clone()),
                root: String::new(),
                text: String::from_utf8_lossy(&bytes).into_owned(),
            })
        })
}

fn scan_repo(
    rules: &RuleSet,
    pool: &rayon::ThreadPool,
    repo: &Repo,
    options: &GitScanOptions,
    collector: &mut Collector<'_>,
) -> Result<(), GitError> {
    if repo.repo.is_shallow().unwrap_or(false) {
        collector.add_note(format!(
            "{}: shallow clone; history before the shallow boundary is not scanned",
            repo.name
        ));
    }
    match &options.mode {
        GitMode::Staged => scan_staged(rules, pool, repo, &options.read, collector),
        GitMode::Range(range) => {
            let Some((head, base)) = git::resolve_range(repo, range)? else {
                collector.add_note(format!(
                    "{}: {range}: base and head are the same commit, nothing to scan",
                    repo.name
                ));
                return Ok(());
            };
            let spec = WalkSpec {
                tips: vec![head],
                hidden: base.into_iter().collect(),
                since: options.since,
                max_commits: options.max_commits,
            };
            scan_walked(rules, pool, repo, &spec, true, options, &mut [], collector)
        }
        GitMode::History => {
            let mut iac = if options.read.declared {
                declared_at_head(repo, &options.read)
            } else {
                Vec::new()
            };
            let narrowed = options.branch.is_some()
                || options.since.is_some()
                || options.max_commits.is_some();
            let spec = WalkSpec {
                tips: git::resolve_tips(repo, options.branch.as_deref())?,
                hidden: Vec::new(),
                since: options.since,
                max_commits: options.max_commits,
            };
            let scanned = if narrowed {
                scan_walked(
                    rules, pool, repo, &spec, false, options, &mut iac, collector,
                )
            } else {
                scan_everything(rules, pool, repo, &spec, options, &mut iac, collector)
            };
            for file in iac {
                collector.add(Event::Declared(file.found));
            }
            scanned
        }
    }
}

/// Full history: every blob of the object database once, then one walk over
/// all commits keeping only the paths of blobs that matched.
fn scan_everything(
    rules: &RuleSet,
    pool: &rayon::ThreadPool,
    repo: &Repo,
    spec: &WalkSpec,
    options: &GitScanOptions,
    iac: &mut [IacFile],
    collector: &mut Collector<'_>,
) -> Result<(), GitError> {
    let (matched, walk) = scan_beside_walk(repo, spec, collector, |layout, collector| {
        scan_layout(rules, pool, repo, layout, &options.read, None, collector).0
    })?;
    attach(repo, walk?, matched, iac, collector);
    Ok(())
}

/// Opens `repo`'s object layout and runs `scan` over it while the commit walk
/// of `spec` (single-threaded) runs beside it: the walk records every
/// introduction compactly, and only matched blobs keep theirs. Pack pages are
/// released meanwhile, and the layout is dropped before returning.
pub(super) fn scan_beside_walk<'c, T>(
    repo: &Repo,
    spec: &WalkSpec,
    collector: &mut Collector<'c>,
    scan: impl FnOnce(&git::ObjectLayout, &mut Collector<'c>) -> T,
) -> Result<(T, Result<git::Walk, GitError>), GitError> {
    let mut errors = Vec::new();
    let layout = git::object_layout(repo, &mut errors)?;
    for message in errors {
        collector.add_error(&repo.name, message);
    }
    let shared = repo.repo.clone().into_sync();
    let name = repo.name.clone();
    Ok(releasing_pages(&layout, || {
        std::thread::scope(|scope| {
            let walker = scope.spawn(|| {
                let local = Repo {
                    repo: git::thread_local(&shared),
                    name,
                };
                git::walk(&local, spec, Some(&layout), |_| true)
            });
            let scanned = scan(&layout, collector);
            let walk = walker.join().unwrap_or_else(|_| {
                Err(GitError::read(
                    &repo.name,
                    "history",
                    "the commit walk panicked",
                ))
            });
            (scanned, walk)
        })
    }))
}

/// Runs `work` while a helper thread releases the resident pages of the
/// layout's mapped packs twice a second: a whole-history scan touches every
/// page of every pack, and would otherwise keep them all in its RSS.
fn releasing_pages<T>(layout: &git::ObjectLayout, work: impl FnOnce() -> T) -> T {
    let (stop, stopped) = mpsc::channel::<()>();
    std::thread::scope(|scope| {
        let stop = stop; // dropped on return or unwinding, ending the helper
        scope.spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(std::time::Duration::from_millis(500))
            {
                layout.release_pages();
            }
        });
        let out = work();
        drop(stop);
        out
    })
}

/// Narrowed history or a range: walk first, then scan the blobs the walked
/// commits introduce.
#[allow(clippy::too_many_arguments)]
fn scan_walked(
    rules: &RuleSet,
    pool: &rayon::ThreadPool,
    repo: &Repo,
    spec: &WalkSpec,
    added_lines_only: bool,
    options: &GitScanOptions,
    iac: &mut [IacFile],
    collector: &mut Collector<'_>,
) -> Result<(), GitError> {
    let walk = git::walk(repo, spec, None, |_| true)?;
    // Each blob once; its base is the version it replaced in its earliest introduction.
    let mut previous: HashMap<ObjectId, (i64, Option<ObjectId>)> = HashMap::new();
    for intro in &walk.introductions {
        let time = walk.commits[intro.commit as usize].author_time;
        let entry = previous.entry(intro.blob).or_insert((time, intro.previous));
        if time < entry.0 {
            *entry = (time, intro.previous);
        }
    }
    let mut jobs: Vec<Job> = previous
        .into_iter()
        .map(|(blob, (_, previous))| Job {
            blob,
            previous: if added_lines_only { previous } else { None },
        })
        .collect();
    jobs.sort_by_key(|job| job.blob);
    let mut matched = scan_jobs(rules, pool, repo, &jobs, &options.read, collector);
    if added_lines_only {
        let bases: HashMap<ObjectId, ObjectId> = jobs
            .iter()
            .filter_map(|job| job.previous.map(|p| (job.blob, p)))
            .collect();
        keep_added_lines(repo, &mut matched, &bases);
    }
    attach(repo, walk, matched, iac, collector);
    Ok(())
}

/// Staged changes: index blobs that differ from HEAD, added lines only.
fn scan_staged(
    rules: &RuleSet,
    pool: &rayon::ThreadPool,
    repo: &Repo,
    read: &ReadOptions,
    collector: &mut Collector<'_>,
) -> Result<(), GitError> {
    let staged = git::staged_blobs(repo)?;
    let mut jobs: Vec<Job> = staged
        .iter()
        .map(|s| Job {
            blob: s.blob,
            previous: s.previous,
        })
        .collect();
    jobs.sort_by_key(|job| job.blob);
    jobs.dedup_by_key(|job| job.blob);
    let mut matched = scan_jobs(rules, pool, repo, &jobs, read, collector);
    let bases: HashMap<ObjectId, ObjectId> = staged
        .iter()
        .filter_map(|s| s.previous.map(|p| (s.blob, p)))
        .collect();
    keep_added_lines(repo, &mut matched, &bases);
    for s in &staged {
        if let Some(matches) = matched.get(&s.blob) {
            collector.add_blob(matches, &[(s.path.clone(), None)]);
        }
    }
    Ok(())
}

/// Blob ids a sweep has already scanned in this run.
pub(super) type Seen = gix::hashtable::HashSet<ObjectId>;

/// Scans every object of `layout`: each pack decoded whole (a pack whose
/// traversal fails is read object by object instead), then the loose rest.
/// With `seen` (sweeps), blobs in it are not scanned again, and the ids of
/// the objects scanned now are returned.
pub(super) fn scan_layout(
    rules: &RuleSet,
    pool: &rayon::ThreadPool,
    repo: &Repo,
    layout: &git::ObjectLayout,
    read: &ReadOptions,
    seen: Option<&Seen>,
    collector: &mut Collector<'_>,
) -> (HashMap<ObjectId, BlobMatches>, Vec<ObjectId>) {
    let threads = Some(pool.current_num_threads().max(1));
    let mut matched = HashMap::new();
    let (ids_sender, ids_receiver) = mpsc::channel::<Vec<ObjectId>>();
    let unseen = |ids: &[ObjectId]| -> Vec<Job> {
        as_jobs(
            &ids.iter()
                .copied()
                .filter(|id| seen.is_none_or(|seen| !seen.contains(id)))
                .collect::<Vec<_>>(),
        )
    };
    for pack in 0..layout.packs.len() {
        let traversal = drain(collector, &mut matched, |sender| {
            git::traverse_pack(layout, pack, threads, || {
                let mut worker = Worker::new(rules, sender.clone())
                    .with_decode(read.decode)
                    .with_time_budget(read.time_budget);
                let mut tally = Tally {
                    ids: Vec::new(),
                    sender: ids_sender.clone(),
                };
                move |id: &ObjectId, data: &[u8]| {
                    if let Some(seen) = seen {
                        if seen.contains(id) {
                            return;
                        }
                        tally.ids.push(*id);
                    }
                    scan_data(hex(id), data, read, &mut worker)
                }
            })
        });
        if let Err(err) = traversal {
            collector.add_error(
                &repo.name,
                format!("{err}; reading its objects one by one instead"),
            );
            match git::pack_objects(layout, pack) {
                Ok(ids) => {
                    let jobs = unseen(&ids);
                    if seen.is_some() {
                        let _ = ids_sender.send(jobs.iter().map(|job| job.blob).collect());
                    }
                    matched.extend(scan_jobs(rules, pool, repo, &jobs, read, collector));
                }
                Err(err) => collector.add_error(&repo.name, err.to_string()),
            }
        }
    }
    let jobs = unseen(&layout.rest);
    if seen.is_some() {
        let _ = ids_sender.send(jobs.iter().map(|job| job.blob).collect());
    }
    matched.extend(scan_jobs(rules, pool, repo, &jobs, read, collector));
    drop(ids_sender);
    let scanned = ids_receiver.into_iter().flatten().collect();
    (matched, scanned)
}

/// The blob ids one traversal thread scanned, handed over when it is done.
struct Tally {
    ids: Vec<ObjectId>,
    sender: mpsc::Sender<Vec<ObjectId>>,
}

impl Drop for Tally {
    fn drop(&mut self) {
        if !self.ids.is_empty() {
            let _ = self.sender.send(std::mem::take(&mut self.ids));
        }
    }
}

pub(super) fn as_jobs(ids: &[ObjectId]) -> Vec<Job> {
    ids.iter()
        .map(|&blob| Job {
            blob,
            previous: None,
        })
        .collect()
}

/// Runs `produce` on its own thread while this one hands its events to the
/// collector, keeping the matches of git blobs by id.
pub(super) fn drain<T: Send>(
    collector: &mut Collector<'_>,
    matched: &mut HashMap<ObjectId, BlobMatches>,
    produce: impl FnOnce(mpsc::Sender<Event>) -> T + Send,
) -> T {
    let (sender, receiver) = mpsc::channel::<Event>();
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || produce(sender));
        for event in receiver {
            match event {
                Event::Blob(matches) => {
                    if let Ok(id) = ObjectId::from_hex(matches.blob_id.as_bytes()) {
                        matched.insert(id, matches);
                    }
                }
                other => collector.add(other),
            }
        }
        match producer.join() {
            Ok(value) => value,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Scans `jobs` in parallel (one repository handle and one worker per chunk)
/// and returns the hits of the blobs that matched.
pub(super) fn scan_jobs(
    rules: &RuleSet,
    pool: &rayon::ThreadPool,
    repo: &Repo,
    jobs: &[Job],
    read: &ReadOptions,
    collector: &mut Collector<'_>,
) -> HashMap<ObjectId, BlobMatches> {
    let shared = repo.repo.clone().into_sync();
    let threads = pool.current_num_threads().max(1);
    // Few, large chunks in pack order: each chunk's handle keeps its delta-base
    // cache warm (16 chunks per thread cost ~7% more CPU than 4 on rails).
    let chunk = (jobs.len() / (threads * 4)).max(64);
    let mut matched = HashMap::new();
    drain(collector, &mut matched, |sender| {
        pool.install(|| {
            jobs.par_chunks(chunk)
                .for_each_with(sender, |sender, chunk| {
                    let local = git::thread_local(&shared);
                    let mut worker = Worker::new(rules, sender.clone())
                        .with_decode(read.decode)
                        .with_time_budget(read.time_budget);
                    let mut buffer = Vec::new();
                    for job in chunk {
                        read_and_scan(&local, &job.blob, read, &mut buffer, &mut worker);
                    }
                });
        });
    });
    matched
}

/// Reads one object; scans it when it is a blob within the limits.
fn read_and_scan(
    repo: &gix::Repository,
    id: &ObjectId,
    read: &ReadOptions,
    buffer: &mut Vec<u8>,
    worker: &mut Worker<'_>,
) {
    let name = hex(id);
    let header = match repo.objects.try_header(id) {
        Ok(Some(header)) => header,
        Ok(None) => return worker.error(&name, format!("object {name} is missing")),
        Err(err) => return worker.error(&name, format!("cannot read object {name}: {err}")),
    };
    if header.kind != gix::object::Kind::Blob {
        return;
    }
    if header.size > read.max_file_size {
        return worker.skipped(&name, SkipReason::TooLarge);
    }
    match repo.objects.find_blob(id, buffer) {
        Ok(blob) => scan_data(name, blob.data, read, worker),
        Err(err) => worker.error(&name, format!("cannot read blob {name}: {err}")),
    }
}

/// Scans one blob's content (`name`: its hex id) when it is within the limits.
fn scan_data(name: String, data: &[u8], read: &ReadOptions, worker: &mut Worker<'_>) {
    if data.len() as u64 > read.max_file_size {
        return worker.skipped(&name, SkipReason::TooLarge);
    }
    if !read.scan_binary && looks_binary(data) {
        return worker.skipped(&name, SkipReason::Binary);
    }
    worker.scan_blob(None, Some(name), data);
}

/// Drops hits that are not on lines added relative to the blob's base version.
fn keep_added_lines(
    repo: &Repo,
    matched: &mut HashMap<ObjectId, BlobMatches>,
    bases: &HashMap<ObjectId, ObjectId>,
) {
    let (mut new_buffer, mut old_buffer) = (Vec::new(), Vec::new());
    for (blob, matches) in matched.iter_mut() {
        let Some(base) = bases.get(blob) else {
            continue; // a new file: every line is added
        };
        let (Ok(new), Ok(old)) = (
            repo.repo.objects.find_blob(blob, &mut new_buffer),
            repo.repo.objects.find_blob(base, &mut old_buffer),
        ) else {
            continue; // unreadable base: keep every hit rather than lose one
        };
        let added = git::added_lines(old.data, new.data);
        matches.hits.retain(|hit| {
            (hit.span.line..=hit.span.end_line)
                .any(|line| added.get(line - 1).copied().unwrap_or(true))
        });
    }
    matched.retain(|_, matches| !matches.hits.is_empty());
}

/// Each introduction of a blob `wanted` keeps, with its path and provenance
/// (the introducing commit, its author, and whether HEAD still has the blob).
pub(super) fn introductions<'w>(
    repo: &'w Repo,
    walk: &'w git::Walk,
    head: &'w HashSet<ObjectId>,
    wanted: impl Fn(&ObjectId) -> bool + 'w,
) -> impl Iterator<Item = (ObjectId, String, GitProvenance)> + 'w {
    walk.introductions
        .iter()
        .filter(move |intro| wanted(&intro.blob))
        .map(move |intro| {
            let commit = &walk.commits[intro.commit as usize];
            let provenance = GitProvenance {
                repository: repo.name.clone(),
                commit: hex(&commit.id),
                author_name: commit.author_name.clone(),
                author_email: commit.author_email.clone(),
                author_date: commit.author_date(),
                summary: commit.summary.clone(),
                present_at_head: head.contains(&intro.blob),
                last_seen: None,
            };
            (
                intro.blob,
                walk.paths[intro.path as usize].clone(),
                provenance,
            )
        })
}

/// Records what a commit walk of `repo` counted (commits, skipped submodule
/// entries, errors) and returns the blob ids of HEAD's tree.
pub(super) fn record_walk(
    repo: &Repo,
    walk: &git::Walk,
    collector: &mut Collector<'_>,
) -> HashSet<ObjectId> {
    collector.add_commits(walk.commits.len() as u64);
    if walk.submodules > 0 {
        collector.add_note(format!(
            "{}: {} submodule entries skipped (scan the submodule repositories themselves)",
            repo.name, walk.submodules
        ));
    }
    for message in &walk.errors {
        collector.add_error(&repo.name, message.clone());
    }
    git::head_blobs(repo)
}

/// Gives every matched blob its locations: one per (path, introducing commit);
/// blobs no walked commit introduces are reported without a path.
fn attach(
    repo: &Repo,
    walk: git::Walk,
    matched: HashMap<ObjectId, BlobMatches>,
    iac: &mut [IacFile],
    collector: &mut Collector<'_>,
) {
    introduced_by(&walk, iac);
    let head = record_walk(repo, &walk, collector);
    let mut contexts: HashMap<ObjectId, Vec<(String, Option<GitProvenance>)>> = HashMap::new();
    for (blob, path, provenance) in introductions(repo, &walk, &head, |b| matched.contains_key(b)) {
        contexts
            .entry(blob)
            .or_default()
            .push((path, Some(provenance)));
    }
    let mut blobs: Vec<&ObjectId> = matched.keys().collect();
    blobs.sort();
    for blob in blobs {
        let matches = &matched[blob];
        match contexts.get(blob) {
            Some(places) => collector.add_blob(matches, places),
            None => collector.add_blob(matches, &[(String::new(), None)]),
        }
    }
}

/// An infrastructure-code file of HEAD and its declarations.
pub(super) struct IacFile {
    path: String,
    blob: ObjectId,
    found: crate::declared::FileDeclarations,
}

/// Declarations of the files of HEAD that look like infrastructure code
/// (only those paths are read: the history scan itself is not touched).
fn declared_at_head(repo: &Repo, read: &ReadOptions) -> Vec<IacFile> {
    let files = git::head_files(repo, crate::declared::may_be_iac);
    let mut out = Vec::new();
    let mut buffer = Vec::new();
    for (path, blob) in files {
        let small = matches!(
            repo.repo.objects.try_header(&blob),
            Ok(Some(header)) if header.size <= read.max_file_size
                && header.size <= crate::declared::MAX_BYTES as u64
        );
        if !small {
            continue;
        }
        let Ok(data) = repo.repo.objects.find_blob(&blob, &mut buffer) else {
            continue;
        };
        let Some(mut found) = crate::declared::discover(&path, data.data) else {
            continue;
        };
        for declaration in &mut found.declarations {
            declaration.git = Some(crate::declared::DeclaredGit {
                repository: repo.name.clone(),
                commit: None,
                author: None,
            });
        }
        for note in &mut found.notes {
            *note = format!("{}: {note}", repo.name);
        }
        out.push(IacFile { path, blob, found });
    }
    out
}

/// Gives the declarations of each HEAD file the commit that introduced its
/// version at that path, and its author.
fn introduced_by(walk: &git::Walk, iac: &mut [IacFile]) {
    if iac.is_empty() {
        return;
    }
    let mut by_blob: HashMap<ObjectId, Vec<usize>> = HashMap::new();
    for (index, file) in iac.iter().enumerate() {
        by_blob.entry(file.blob).or_default().push(index);
    }
    for intro in &walk.introductions {
        let Some(indexes) = by_blob.get(&intro.blob) else {
            continue;
        };
        let path = &walk.paths[intro.path as usize];
        let commit = &walk.commits[intro.commit as usize];
        for &index in indexes {
            let file = &mut iac[index];
            if &file.path != path {
                continue;
            }
            let author = (!commit.author_name.is_empty() || !commit.author_email.is_empty())
                .then(|| format!("{} <{}>", commit.author_name, commit.author_email));
            for declaration in &mut file.found.declarations {
                if let Some(git) = &mut declaration.git {
                    git.commit = Some(hex(&commit.id));
                    git.author.clone_from(&author);
                }
            }
        }
    }
}
