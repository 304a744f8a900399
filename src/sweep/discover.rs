//! Finding the git repositories under a directory: work trees (a `.git`
//! entry), bare and mirror clones (`HEAD`, `objects/` and `refs/`). A found
//! repository is not descended into, and neither is any `.git` directory.

use std::path::{Path, PathBuf};

/// A repository to sweep.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RepoSource {
    /// Stable identity: the path relative to the swept directory (`/`
    /// separated, `.` for the directory itself), or the clone URL. Shards and
    /// the datastore key on it.
    pub identity: String,
    /// Name in reports: the path as reached from the command line, or the URL.
    pub name: String,
    /// Where the repository is on disk.
    pub path: PathBuf,
}

/// True when `dir` looks like a repository: a work tree or a bare clone.
pub fn is_repository(dir: &Path) -> bool {
    dir.join(".git").exists() || is_bare(dir)
}

fn is_bare(dir: &Path) -> bool {
    dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir()
}

/// Every repository under `root` (itself included), sorted by identity.
/// Unreadable directories are returned in the second list with the reason.
pub fn discover(root: &Path) -> (Vec<RepoSource>, Vec<(String, String)>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let dir = root.join(&relative);
        if is_repository(&dir) {
            let identity = if relative.as_os_str().is_empty() {
                ".".to_string()
            } else {
                relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            };
            found.push(RepoSource {
                identity,
                name: crate::source::fs::display_path(&dir),
                path: dir,
            });
            continue;
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) => {
                problems.push((crate::source::fs::display_path(&dir), err.to_string()));
                continue;
            }
        };
        for entry in entries.flatten() {
            // Symbolic links are not followed (no cycles, no repository twice).
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && entry.file_name() != ".git" {
                stack.push(relative.join(entry.file_name()));
            }
        }
    }
    found.sort();
    problems.sort();
    (found, problems)
}
