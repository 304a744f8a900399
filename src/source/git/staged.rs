//! Staged changes: blobs in the index that differ from HEAD.

use std::collections::HashMap;

use gix::ObjectId;
use gix::bstr::ByteSlice;
use gix::diff::tree::recorder::Change;
use gix::prelude::FindExt;

use super::{GitError, Repo};

/// One staged file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedBlob {
    /// Path in the index.
    pub path: String,
    /// Blob id in the index.
    pub blob: ObjectId,
    /// Blob at the same path in HEAD, when the file is modified.
    pub previous: Option<ObjectId>,
}

/// Index entries (stage 0, regular or executable files) whose blob differs
/// from HEAD's blob at the same path, sorted by path.
pub fn staged_blobs(repo: &Repo) -> Result<Vec<StagedBlob>, GitError> {
    let r = &repo.repo;
    let index = r
        .index_or_empty()
        .map_err(|err| GitError::read(&repo.name, "index", err))?;
    let head = head_entries(r);
    let mut staged = Vec::new();
    for entry in index.entries() {
        let is_file = entry
            .mode
            .to_tree_entry_mode()
            .is_some_and(|mode| mode.is_blob() && !mode.is_link());
        if entry.stage_raw() != 0 || !is_file {
            continue;
        }
        let path = entry.path(&index);
        let previous = head.get(path.as_bytes()).copied();
        if previous == Some(entry.id) {
            continue;
        }
        staged.push(StagedBlob {
            path: path.to_str_lossy().into_owned(),
            blob: entry.id,
            previous,
        });
    }
    Ok(staged)
}

/// Path -> blob id for every file in HEAD's tree (empty when HEAD is unborn).
fn head_entries(r: &gix::Repository) -> HashMap<Vec<u8>, ObjectId> {
    let Ok(tree) = r.head_tree_id() else {
        return HashMap::new();
    };
    let mut buffer = Vec::new();
    let Ok(new_iter) = r.objects.find_tree_iter(&tree, &mut buffer) else {
        return HashMap::new();
    };
    let old_iter = gix::objs::TreeRefIter::from_bytes(&[], r.object_hash());
    let mut recorder = gix::diff::tree::Recorder::default();
    let mut state = gix::diff::tree::State::default();
    if gix::diff::tree(old_iter, new_iter, &mut state, &r.objects, &mut recorder).is_err() {
        return HashMap::new();
    }
    recorder
        .records
        .into_iter()
        .filter_map(|change| match change {
            Change::Addition {
                entry_mode,
                oid,
                path,
                ..
            } if entry_mode.is_blob() => Some((path.into(), oid)),
            _ => None,
        })
        .collect()
}
