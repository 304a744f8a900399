//! Full-history scans that share work across repositories (sweeps): a blob is
//! scanned once per run however many repositories hold it, and the matches of
//! every matched blob are remembered so that each repository still gives it
//! its own locations (path, commit, author).

use std::collections::{BTreeMap, HashMap};

use gix::ObjectId;
use serde::{Deserialize, Serialize};

use crate::finding::GitProvenance;
use crate::rules::RuleSet;
use crate::source::ReadOptions;
use crate::source::git::{self, GitError, Repo, WalkSpec, hex};

use super::git::{Seen, scan_layout};
use super::{BlobMatches, Collector};

/// Blobs scanned so far in a run (ids only) and the matches of those that
/// matched. Memory: one id per unique blob, plus the hits of matched blobs.
#[derive(Default)]
pub struct BlobMemory {
    seen: Seen,
    matched: HashMap<ObjectId, BlobMatches>,
}

impl BlobMemory {
    /// An empty memory.
    pub fn new() -> Self {
        BlobMemory::default()
    }

    /// Number of blobs remembered as scanned.
    pub fn scanned(&self) -> usize {
        self.seen.len()
    }

    /// Records `id` as scanned, with its matches when it matched.
    pub fn remember(&mut self, id: ObjectId, matches: Option<BlobMatches>) {
        self.seen.insert(id);
        if let Some(matches) = matches {
            self.matched.insert(id, matches);
        }
    }

    /// The matches of a remembered blob, when it matched.
    pub fn matches(&self, id: &ObjectId) -> Option<&BlobMatches> {
        self.matched.get(id)
    }
}

/// One place a matched blob was seen in a repository.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RepoContext {
    /// Hex blob id.
    pub blob_id: String,
    /// Path in the repository (empty for a blob no commit introduces).
    pub path: String,
    /// Introducing commit and author (none for a blob no commit introduces).
    pub git: Option<GitProvenance>,
}

/// What scanning one repository added to a sweep.
#[derive(Debug, Default)]
pub struct RepoScan {
    /// Ids of the objects scanned now (not seen before in the run).
    pub scanned: Vec<ObjectId>,
    /// Matches of the blobs scanned now that matched.
    pub matched: Vec<BlobMatches>,
    /// Locations this repository gives to matched blobs (new or remembered), sorted.
    pub contexts: Vec<RepoContext>,
    /// Commits walked.
    pub commits: u64,
}

/// Scans the full history of `repo` (every ref), skipping blobs `memory`
/// holds, and adds the repository's locations of every matched blob it holds
/// (scanned now or before) to `collector`. `memory` learns the blobs scanned now.
pub fn scan_history_shared(
    rules: &RuleSet,
    pool: &rayon::ThreadPool,
    repo: &Repo,
    read: &ReadOptions,
    memory: &mut BlobMemory,
    collector: &mut Collector<'_>,
) -> Result<RepoScan, GitError> {
    let spec = WalkSpec {
        tips: git::resolve_tips(repo, None)?,
        ..WalkSpec::default()
    };
    let mut errors = Vec::new();
    let layout = git::object_layout(repo, &mut errors)?;
    for message in errors {
        collector.add_error(&repo.name, message);
    }
    let shared = repo.repo.clone().into_sync();
    let name = repo.name.clone();
    let seen = &memory.seen;
    let ((matched, scanned), walk) = std::thread::scope(|scope| {
        let walker = scope.spawn(|| {
            let local = Repo {
                repo: shared.to_thread_local(),
                name,
            };
            git::walk(&local, &spec, |_| true)
        });
        let scanned = scan_layout(rules, pool, repo, &layout, read, Some(seen), collector);
        let walk = walker.join().unwrap_or_else(|_| {
            Err(GitError::read(
                &repo.name,
                "history",
                "the commit walk panicked",
            ))
        });
        (scanned, walk)
    });
    let walk = walk?;
    for id in &scanned {
        memory.seen.insert(*id);
    }
    let mut new_matches: Vec<BlobMatches> = Vec::with_capacity(matched.len());
    for (id, matches) in matched {
        new_matches.push(matches.clone());
        memory.matched.insert(id, matches);
    }
    new_matches.sort_by(|a, b| a.blob_id.cmp(&b.blob_id));

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
    let head = git::head_blobs(repo);
    let mut places: BTreeMap<ObjectId, Vec<(String, Option<GitProvenance>)>> = BTreeMap::new();
    for intro in &walk.introductions {
        if !memory.matched.contains_key(&intro.blob) {
            continue;
        }
        let commit = &walk.commits[intro.commit as usize];
        places.entry(intro.blob).or_default().push((
            walk.paths[intro.path as usize].clone(),
            Some(GitProvenance {
                repository: repo.name.clone(),
                commit: hex(&commit.id),
                author_name: commit.author_name.clone(),
                author_email: commit.author_email.clone(),
                author_date: commit.author_date(),
                summary: commit.summary.clone(),
                present_at_head: head.contains(&intro.blob),
            }),
        ));
    }
    // Matched blobs this repository holds but no walked commit introduces
    // (dangling objects) are reported without a path, as `scan --git` does.
    for id in memory.matched.keys() {
        if !places.contains_key(id) && repo.repo.has_object(id) {
            places.insert(*id, vec![(String::new(), None)]);
        }
    }
    let mut contexts = Vec::new();
    for (id, list) in &places {
        if let Some(matches) = memory.matched.get(id) {
            collector.add_blob(matches, list);
            contexts.extend(list.iter().map(|(path, git)| RepoContext {
                blob_id: hex(id),
                path: path.clone(),
                git: git.clone(),
            }));
        }
    }
    Ok(RepoScan {
        scanned,
        matched: new_matches,
        contexts,
        commits: walk.commits.len() as u64,
    })
}
