//! Git sources: history (every blob reachable from the refs, or the commits of
//! a range), and the index (staged changes). Built on gix.
//!
//! This module reads git and describes where blobs came from; it never
//! detects. Blob content goes to the scan engine, provenance (path, commit,
//! author, date) comes from one walk over the commits that diffs each against
//! its first parent.

mod history;
mod lines;
mod packs;
mod staged;

use std::path::{Path, PathBuf};

use gix::ObjectId;

pub use history::{
    CommitInfo, Introduction, Walk, WalkSpec, head_blobs, head_files, resolve_range, resolve_tips,
    walk,
};
pub use lines::added_lines;
pub use packs::{ObjectLayout, PackReader, object_layout, pack_objects, traverse_pack};
pub use staged::{StagedBlob, staged_blobs};

/// Why a repository could not be scanned.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The path is not inside a git repository.
    #[error("{path} is not a git repository ({message})")]
    NotARepository {
        /// Path given.
        path: PathBuf,
        /// What gix said.
        message: String,
    },
    /// A revision (branch, range end) could not be resolved.
    #[error("cannot resolve {spec:?} in {repo}: {message}")]
    Revision {
        /// Repository.
        repo: String,
        /// The revision as given.
        spec: String,
        /// What gix said.
        message: String,
    },
    /// Any other failure to read the repository as a whole.
    #[error("cannot read {what} in {repo}: {message}")]
    Read {
        /// Repository.
        repo: String,
        /// What was being read.
        what: String,
        /// What gix said.
        message: String,
    },
}

impl GitError {
    pub(crate) fn read(repo: &str, what: &str, err: impl std::fmt::Display) -> Self {
        GitError::Read {
            repo: repo.to_string(),
            what: what.to_string(),
            message: err.to_string(),
        }
    }
}

/// An opened repository and how reports name it.
pub struct Repo {
    /// The repository handle.
    pub repo: gix::Repository,
    /// Name shown in reports (the path as given).
    pub name: String,
}

/// Opens the repository containing `path` (work tree, bare or mirror clone).
pub fn open(path: &Path) -> Result<Repo, GitError> {
    let mut repo = gix::discover(path).map_err(|err| GitError::NotARepository {
        path: path.to_path_buf(),
        message: err.to_string(),
    })?;
    prepare(&mut repo);
    Ok(Repo {
        repo,
        name: crate::source::fs::display_path(path),
    })
}

/// Sets up a freshly opened repository handle for scanning: a large object
/// cache for tree diffs (packs already have their own delta cache), and
/// replacements ignored. Every opener (`open`, a sweep's exact open) uses it.
pub fn prepare(repo: &mut gix::Repository) {
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    ignore_replacements(repo);
}

/// Makes `repo` read what is stored, not what `refs/replace/` says to show
/// instead: a replacement could hide a committed secret from the walk, and
/// gix skips the commit-graph file while replacements are on (a single
/// replace ref made the rails history 20% slower).
fn ignore_replacements(repo: &mut gix::Repository) {
    repo.objects.ignore_replacements = true;
}

/// A thread's own handle on a shared repository, replacements ignored.
pub fn thread_local(shared: &gix::ThreadSafeRepository) -> gix::Repository {
    let mut repo = shared.to_thread_local();
    ignore_replacements(&mut repo);
    repo
}

/// What reports say about a scanned repository.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct RepositoryInfo {
    /// Name as given on the command line.
    pub name: String,
    /// `remote.origin.url` when set, else a `file://` URI of the git directory.
    pub uri: String,
    /// Commit id of HEAD, when HEAD points at a commit.
    pub head: Option<String>,
    /// Branch HEAD points at (`main`), when it is a branch.
    pub branch: Option<String>,
}

/// Describes `repo` for reports.
pub fn describe(repo: &Repo) -> RepositoryInfo {
    let r = &repo.repo;
    let uri = r
        .find_remote("origin")
        .ok()
        .and_then(|remote| {
            remote
                .url(gix::remote::Direction::Fetch)
                .map(|url| url.to_bstring().to_string())
        })
        .unwrap_or_else(|| {
            let dir =
                std::fs::canonicalize(r.git_dir()).unwrap_or_else(|_| r.git_dir().to_path_buf());
            format!("file://{}", dir.display())
        });
    let head = r.head_id().ok().map(|id| id.to_string());
    let branch = r
        .head_name()
        .ok()
        .flatten()
        .map(|name| name.shorten().to_string());
    RepositoryInfo {
        name: repo.name.clone(),
        uri,
        head,
        branch,
    }
}

/// Hex form of an object id.
pub fn hex(id: &ObjectId) -> String {
    id.to_hex().to_string()
}

/// The content of `path` in the tree of HEAD, when HEAD is a commit and the
/// path is a blob there (used to read CODEOWNERS from bare clones too).
pub fn read_head_file(repo: &Repo, path: &str) -> Option<Vec<u8>> {
    let tree = repo.repo.head_commit().ok()?.tree().ok()?;
    let entry = tree.lookup_entry_by_path(path).ok()??;
    if !entry.mode().is_blob() {
        return None;
    }
    Some(entry.object().ok()?.detach().data)
}
