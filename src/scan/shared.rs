//! Full-history scans that share work across repositories (sweeps): a blob is
//! scanned once per run however many repositories hold it, and the matches of
//! every matched blob are remembered so that each repository still gives it
//! its own locations (path, commit, author).

use std::collections::{BTreeMap, HashMap, HashSet};

use gix::ObjectId;
use serde::{Deserialize, Serialize};

use crate::finding::GitProvenance;
use crate::rules::RuleSet;
use crate::source::ReadOptions;
use crate::source::git::{self, GitError, Repo, WalkSpec, hex};

use super::git::{Seen, introductions, record_walk, scan_beside_walk, scan_layout};
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

/// What an earlier sweep stored of the same repository (datastore re-runs).
#[derive(Debug, Clone, Copy)]
pub struct Earlier<'a> {
    /// The locations it found (some possibly already gone, with `last_seen`).
    pub contexts: &'a [RepoContext],
    /// When set, every commit reachable from these (the earlier tips, all
    /// still reachable from the current refs) was walked before: only newer
    /// commits are walked and the earlier locations are kept as they are.
    /// When `None`, the whole history is walked again and earlier locations
    /// no longer found are kept with `last_seen` set to `seen_at`.
    pub walked: Option<&'a [ObjectId]>,
    /// When the earlier sweep ran (RFC 3339): the `last_seen` of its
    /// locations that are gone now (their commit's date when unknown).
    pub seen_at: Option<&'a str>,
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
///
/// With `earlier` (what a datastore kept of the repository), the commit walk
/// skips the history already walked when [`Earlier::walked`] says so, and
/// earlier locations are carried over (see [`Earlier`]).
pub fn scan_history_shared(
    rules: &RuleSet,
    pool: &rayon::ThreadPool,
    repo: &Repo,
    read: &ReadOptions,
    memory: &mut BlobMemory,
    collector: &mut Collector<'_>,
    earlier: Option<Earlier<'_>>,
) -> Result<RepoScan, GitError> {
    let spec = WalkSpec {
        tips: git::resolve_tips(repo, None)?,
        hidden: earlier
            .and_then(|e| e.walked)
            .map(<[ObjectId]>::to_vec)
            .unwrap_or_default(),
        ..WalkSpec::default()
    };
    let seen = &memory.seen;
    let ((matched, scanned), walk) =
        scan_beside_walk(repo, &spec, collector, |layout, collector| {
            scan_layout(rules, pool, repo, layout, read, Some(seen), collector)
        })?;
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

    let head = record_walk(repo, &walk, collector);
    let mut places: Places = BTreeMap::new();
    for (blob, path, provenance) in
        introductions(repo, &walk, &head, |b| memory.matched.contains_key(b))
    {
        places
            .entry(blob)
            .or_default()
            .push((path, Some(provenance)));
    }
    if let Some(earlier) = earlier {
        carry_over(&earlier, &mut places, &memory.matched, &head);
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

type Places = BTreeMap<ObjectId, Vec<(String, Option<GitProvenance>)>>;

/// Adds the locations of an earlier scan to those of this one (`places`):
/// a (blob, path) found again keeps this scan's location, or the earlier one
/// when the walk was incremental and the earlier commit is older; one not
/// found again is kept as it was (incremental walk: its commit was not
/// walked again) or marked gone with `last_seen` (full walk: its commit is no
/// longer reachable). Locations without a path (dangling blobs) are not
/// carried over: this scan finds them again when they are still there.
fn carry_over(
    earlier: &Earlier<'_>,
    places: &mut Places,
    matched: &HashMap<ObjectId, BlobMatches>,
    head: &HashSet<ObjectId>,
) {
    let incremental = earlier.walked.is_some();
    for context in earlier.contexts {
        let Some(old) = &context.git else {
            continue;
        };
        let Ok(id) = ObjectId::from_hex(context.blob_id.as_bytes()) else {
            continue;
        };
        if !matched.contains_key(&id) {
            continue; // its rule is gone
        }
        let mut old = old.clone();
        let live = old.last_seen.is_none();
        if live && incremental {
            old.present_at_head = head.contains(&id);
        } else {
            old.present_at_head = false;
            if live {
                let seen = earlier.seen_at.unwrap_or(&old.author_date);
                old.last_seen = Some(seen.to_string());
            }
        }
        let list = places.entry(id).or_default();
        match list.iter_mut().find(|(path, _)| *path == context.path) {
            Some((_, Some(now))) => {
                if live && incremental && old.author_date < now.author_date {
                    *now = old;
                }
            }
            Some((_, slot)) => *slot = Some(old),
            None => list.push((context.path.clone(), Some(old))),
        }
    }
}
