//! History: which commits to walk, the blobs they introduce (with path and
//! commit), every blob in the object database, and the blobs of HEAD.

use std::collections::{HashMap, HashSet};

use gix::ObjectId;
use gix::bstr::ByteSlice;
use gix::diff::tree::recorder::Change;
use gix::prelude::FindExt;

use super::packs::{ObjectLayout, PackReader};
use super::{GitError, Repo, hex};

/// Metadata of one walked commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Commit id.
    pub id: ObjectId,
    /// Author name.
    pub author_name: String,
    /// Author email.
    pub author_email: String,
    /// Author time, seconds since the Unix epoch.
    pub author_time: i64,
    /// First line of the message.
    pub summary: String,
}

impl CommitInfo {
    /// Author date as RFC 3339 in UTC.
    pub fn author_date(&self) -> String {
        gix::date::Time::new(self.author_time, 0)
            .format_or_unix(gix::date::time::format::ISO8601_STRICT)
    }
}

/// A commit bringing a blob to a path (added, or modified from `previous`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introduction {
    /// The blob.
    pub blob: ObjectId,
    /// Index of its path in [`Walk::paths`].
    pub path: u32,
    /// Index of the commit in [`Walk::commits`].
    pub commit: u32,
    /// The blob at the same path in the first parent, when modified.
    pub previous: Option<ObjectId>,
}

/// What a commit walk found. Paths are interned: a history has far fewer
/// distinct paths than (blob, path) pairs.
#[derive(Debug, Default)]
pub struct Walk {
    /// Walked commits.
    pub commits: Vec<CommitInfo>,
    /// Distinct paths (`/`-separated), indexed by [`Introduction::path`].
    pub paths: Vec<String>,
    /// For each (blob, path) kept, the earliest commit introducing it, sorted
    /// by blob then path index.
    pub introductions: Vec<Introduction>,
    /// Submodule entries met (not scanned).
    pub submodules: usize,
    /// Commits or trees that could not be read (the walk went on).
    pub errors: Vec<String>,
}

/// Which commits to walk.
#[derive(Debug, Clone, Default)]
pub struct WalkSpec {
    /// Start points (newest commits).
    pub tips: Vec<ObjectId>,
    /// Commits reachable from these are not walked (`BASE` of `BASE..HEAD`).
    pub hidden: Vec<ObjectId>,
    /// Only commits at or after this time (seconds since the epoch).
    pub since: Option<i64>,
    /// At most this many commits, newest first.
    pub max_commits: Option<usize>,
}

/// The commits every ref points at (branches, tags, remotes, stash), or just
/// `branch` when given. Refs to non-commits are ignored.
pub fn resolve_tips(repo: &Repo, branch: Option<&str>) -> Result<Vec<ObjectId>, GitError> {
    let r = &repo.repo;
    if let Some(spec) = branch {
        return Ok(vec![resolve_commit(repo, spec)?]);
    }
    let refs = r
        .references()
        .map_err(|err| GitError::read(&repo.name, "refs", err))?;
    let all = refs
        .all()
        .map_err(|err| GitError::read(&repo.name, "refs", err))?;
    let mut tips = HashSet::new();
    for reference in all {
        let Ok(mut reference) = reference else {
            continue;
        };
        let Ok(id) = reference.peel_to_id() else {
            continue;
        };
        if id
            .object()
            .is_ok_and(|o| o.kind == gix::object::Kind::Commit)
        {
            tips.insert(id.detach());
        }
    }
    if let Ok(head) = r.head_id() {
        tips.insert(head.detach());
    }
    let mut tips: Vec<ObjectId> = tips.into_iter().collect();
    tips.sort();
    Ok(tips)
}

/// Resolves `BASE..HEAD` (or `HEAD` alone, or a zero `BASE` for a new branch)
/// into `(tips, hidden)`. Returns `None` when `BASE` and `HEAD` are the same commit.
pub fn resolve_range(
    repo: &Repo,
    range: &str,
) -> Result<Option<(ObjectId, Option<ObjectId>)>, GitError> {
    let (base, head) = match range.split_once("..") {
        Some((base, head)) => (base.trim(), head.trim().trim_start_matches('.')),
        None => ("", range.trim()),
    };
    let head = resolve_commit(repo, if head.is_empty() { "HEAD" } else { head })?;
    let no_base = base.is_empty() || base.bytes().all(|b| b == b'0');
    if no_base {
        return Ok(Some((head, None)));
    }
    let base = resolve_commit(repo, base)?;
    if base == head {
        return Ok(None);
    }
    Ok(Some((head, Some(base))))
}

fn resolve_commit(repo: &Repo, spec: &str) -> Result<ObjectId, GitError> {
    let err = |message: String| GitError::Revision {
        repo: repo.name.clone(),
        spec: spec.to_string(),
        message,
    };
    let id = repo
        .repo
        .rev_parse_single(spec)
        .map_err(|e| err(e.to_string()))?;
    let object = id.object().map_err(|e| err(e.to_string()))?;
    let commit = object.peel_to_commit().map_err(|e| err(e.to_string()))?;
    Ok(commit.id)
}

/// Walks the commits of `spec` newest first, diffing each against its first
/// parent (a root or shallow-boundary commit against the empty tree), and keeps
/// the introductions of blobs for which `keep` is true: one per (blob, path),
/// the earliest by author time.
///
/// With `packs`, commits and trees are read from those mapped packs (the
/// mappings the blob scan reads too) before the object database.
pub fn walk(
    repo: &Repo,
    spec: &WalkSpec,
    packs: Option<&ObjectLayout>,
    keep: impl Fn(&ObjectId) -> bool,
) -> Result<Walk, GitError> {
    // Replacement refs (`git replace`) are ignored (see `ignore_replacements`):
    // the walk reads the commits and trees that are stored.
    match packs {
        Some(layout) => walk_with(repo, spec, &PackReader::new(layout, &repo.repo), keep),
        None => walk_with(repo, spec, &repo.repo.objects, keep),
    }
}

fn walk_with(
    repo: &Repo,
    spec: &WalkSpec,
    objects: &impl gix::objs::Find,
    keep: impl Fn(&ObjectId) -> bool,
) -> Result<Walk, GitError> {
    let r = &repo.repo;
    let mut out = Walk::default();
    if spec.tips.is_empty() {
        return Ok(out);
    }
    // What `Repository::rev_walk(..).all()` builds, reading commits through
    // `objects`: newest first by commit time, shallow boundaries respected.
    let commit_error =
        |err: &dyn std::fmt::Display| GitError::read(&repo.name, "commit graph", err);
    let shallow = r.shallow_commits().map_err(|err| commit_error(&err))?;
    let mut grafted_parents_to_skip: Vec<ObjectId> = Vec::new();
    let mut graft_buffer = Vec::new();
    let walk = gix::traverse::commit::Simple::filtered(
        spec.tips.iter().copied(),
        objects,
        move |id: &gix::oid| match shallow.as_ref() {
            Some(commits) => {
                let id = id.to_owned();
                if let Ok(index) = grafted_parents_to_skip.binary_search(&id) {
                    grafted_parents_to_skip.remove(index);
                    return false;
                }
                if commits.binary_search(&id).is_ok() {
                    if let Ok(commit) = objects.find_commit_iter(&id, &mut graft_buffer) {
                        grafted_parents_to_skip.extend(commit.parent_ids());
                        grafted_parents_to_skip.sort();
                    }
                }
                true
            }
            None => true,
        },
    )
    .sorting(gix::traverse::commit::simple::Sorting::ByCommitTime(
        Default::default(),
    ))
    .map_err(|err| commit_error(&err))?
    .commit_graph(r.commit_graph_if_enabled().ok().flatten())
    .hide(spec.hidden.iter().copied())
    .map_err(|err| commit_error(&err))?;
    // Keyed by blob id alone (gix's id hasher: no SipHash over 20 bytes), with
    // the few paths a blob has in a small list.
    let mut first: gix::hashtable::HashMap<ObjectId, Vec<Introduction>> = Default::default();
    let mut path_index: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut buffers = (Vec::new(), Vec::new(), Vec::new());
    let mut state = gix::diff::tree::State::default();
    for info in walk {
        if spec.max_commits.is_some_and(|max| out.commits.len() >= max) {
            break;
        }
        let info = match info {
            Ok(info) => info,
            Err(err) => {
                out.errors.push(format!("commit walk: {err}"));
                continue;
            }
        };
        let id = info.id;
        let (commit, tree, parent) = match read_commit(objects, &id, &mut buffers.0) {
            Ok(read) => read,
            Err(message) => {
                out.errors.push(format!("commit {}: {message}", hex(&id)));
                continue;
            }
        };
        if spec.since.is_some_and(|since| commit.author_time < since) {
            continue;
        }
        let parent_tree = parent.and_then(|p| {
            read_commit(objects, &p, &mut buffers.0)
                .ok()
                .map(|(_, t, _)| t)
        });
        let index = out.commits.len();
        out.commits.push(commit);
        let changes = match diff_trees(
            objects,
            r.object_hash(),
            parent_tree,
            tree,
            &mut state,
            &mut buffers.1,
            &mut buffers.2,
        ) {
            Ok(changes) => changes,
            Err(message) => {
                out.errors.push(format!("commit {}: {message}", hex(&id)));
                continue;
            }
        };
        for change in changes {
            let (mode, blob, path, previous) = match change {
                Change::Addition {
                    entry_mode,
                    oid,
                    path,
                    ..
                } => (entry_mode, oid, path, None),
                Change::Modification {
                    previous_oid,
                    previous_entry_mode,
                    entry_mode,
                    oid,
                    path,
                } => {
                    let previous = previous_entry_mode.is_blob().then_some(previous_oid);
                    (entry_mode, oid, path, previous)
                }
                Change::Deletion { .. } => continue,
            };
            if mode.is_commit() {
                out.submodules += 1;
                continue;
            }
            if !mode.is_blob() || !keep(&blob) {
                continue;
            }
            let path = match path_index.get(path.as_slice()) {
                Some(&index) => index,
                None => {
                    let index = out.paths.len() as u32;
                    out.paths.push(path.to_str_lossy().into_owned());
                    path_index.insert(path.into(), index);
                    index
                }
            };
            let candidate = Introduction {
                blob,
                path,
                commit: index as u32,
                previous,
            };
            let time = out.commits[index].author_time;
            let places = first.entry(blob).or_default();
            match places.iter_mut().find(|existing| existing.path == path) {
                Some(existing) => {
                    if time <= out.commits[existing.commit as usize].author_time {
                        *existing = candidate;
                    }
                }
                None => places.push(candidate),
            }
        }
    }
    let mut introductions: Vec<Introduction> = first.into_values().flatten().collect();
    introductions.sort_by_key(|intro| (intro.blob, intro.path));
    out.introductions = introductions;
    Ok(out)
}

type CommitRead = (CommitInfo, ObjectId, Option<ObjectId>);

fn read_commit(
    objects: &impl gix::objs::Find,
    id: &ObjectId,
    buffer: &mut Vec<u8>,
) -> Result<CommitRead, String> {
    let commit = objects.find_commit(id, buffer).map_err(|e| e.to_string())?;
    let tree = commit.tree();
    let parent = commit.parents().next();
    let (author_name, author_email, author_time) = match commit.author() {
        Ok(author) => (
            author.name.to_str_lossy().into_owned(),
            author.email.to_str_lossy().into_owned(),
            author.time().map(|t| t.seconds).unwrap_or_default(),
        ),
        Err(_) => (String::new(), String::new(), 0),
    };
    let summary = commit.message().summary().to_str_lossy().into_owned();
    let info = CommitInfo {
        id: *id,
        author_name,
        author_email,
        author_time,
        summary,
    };
    Ok((info, tree, parent))
}

/// Changes from `old` (or the empty tree) to `new`, with full paths.
fn diff_trees(
    objects: &impl gix::objs::Find,
    hash: gix::hash::Kind,
    old: Option<ObjectId>,
    new: ObjectId,
    state: &mut gix::diff::tree::State,
    old_buffer: &mut Vec<u8>,
    new_buffer: &mut Vec<u8>,
) -> Result<Vec<Change>, String> {
    let old_iter = match old {
        Some(id) => objects
            .find_tree_iter(&id, old_buffer)
            .map_err(|e| e.to_string())?,
        None => gix::objs::TreeRefIter::from_bytes(&[], hash),
    };
    let new_iter = objects
        .find_tree_iter(&new, new_buffer)
        .map_err(|e| e.to_string())?;
    let mut recorder = gix::diff::tree::Recorder::default();
    gix::diff::tree(old_iter, new_iter, state, objects, &mut recorder)
        .map_err(|e| e.to_string())?;
    Ok(recorder.records)
}

/// Every blob of HEAD's tree as `(path, blob)`, in tree order (empty when
/// HEAD is unborn or unreadable).
fn head_tree_blobs(repo: &Repo) -> impl Iterator<Item = (gix::bstr::BString, ObjectId)> {
    let r = &repo.repo;
    let changes = r.head_tree_id().ok().and_then(|tree| {
        let mut state = gix::diff::tree::State::default();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        diff_trees(
            &r.objects,
            r.object_hash(),
            None,
            tree.detach(),
            &mut state,
            &mut a,
            &mut b,
        )
        .ok()
    });
    changes
        .into_iter()
        .flatten()
        .filter_map(|change| match change {
            Change::Addition {
                entry_mode,
                oid,
                path,
                ..
            } if entry_mode.is_blob() => Some((path, oid)),
            _ => None,
        })
}

/// Blob ids in the tree of HEAD (empty when HEAD is unborn).
pub fn head_blobs(repo: &Repo) -> HashSet<ObjectId> {
    head_tree_blobs(repo).map(|(_, oid)| oid).collect()
}

/// The blobs of HEAD's tree whose path passes `keep`, as `(path, blob)`
/// sorted by path (empty when HEAD is unborn or unreadable).
pub fn head_files(repo: &Repo, keep: impl Fn(&str) -> bool) -> Vec<(String, ObjectId)> {
    let mut files: Vec<(String, ObjectId)> = head_tree_blobs(repo)
        .filter_map(|(path, oid)| {
            let path = path.to_str_lossy().into_owned();
            keep(&path).then_some((path, oid))
        })
        .collect();
    files.sort();
    files
}
