//! `--repos FILE`: a list of local paths and clone URLs, one per line (`#`
//! starts a comment). URLs are cloned with `git clone --mirror` into a cache
//! directory and fetched again on later runs; only the hosts the list names
//! are contacted.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use super::RepoSource;

/// An entry of a repository list that could not be made ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListProblem {
    /// The entry as written.
    pub entry: String,
    /// What went wrong.
    pub message: String,
}

/// True for clone URLs (`scheme://...` or scp-like `user@host:path`).
pub fn is_url(entry: &str) -> bool {
    entry.contains("://")
        || entry
            .split_once(':')
            .is_some_and(|(head, _)| head.contains('@') && !head.contains('/'))
}

/// The entries of a repository list file's text.
pub fn entries(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Directory under `cache` holding the mirror of `url`: a readable tail of
/// the URL plus a hash, so two URLs never share one.
pub fn cache_path(cache: &Path, url: &str) -> PathBuf {
    let digest = Sha256::digest(url.as_bytes());
    let tail: String = url
        .trim_end_matches('/')
        .rsplit(['/', ':'])
        .next()
        .unwrap_or("repo")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(40)
        .collect();
    let short: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    cache.join(format!("{tail}-{short}"))
}

/// Makes every entry ready: local paths as they are (identity: the path as
/// written), URLs mirrored under `cache` (identity and name: the URL).
pub fn prepare(list: &[String], cache: &Path) -> (Vec<RepoSource>, Vec<ListProblem>) {
    let mut ready = Vec::new();
    let mut problems = Vec::new();
    for entry in list {
        if !is_url(entry) {
            ready.push(RepoSource {
                identity: entry.clone(),
                name: entry.clone(),
                path: PathBuf::from(entry),
            });
            continue;
        }
        let path = cache_path(cache, entry);
        match mirror(entry, &path) {
            Ok(()) => ready.push(RepoSource {
                identity: entry.clone(),
                name: entry.clone(),
                path,
            }),
            Err(message) => problems.push(ListProblem {
                entry: entry.clone(),
                message,
            }),
        }
    }
    ready.sort();
    ready.dedup_by(|a, b| a.identity == b.identity);
    (ready, problems)
}

/// Clones `url` as a mirror into `path`, or fetches it when already there.
fn mirror(url: &str, path: &Path) -> Result<(), String> {
    let mut command = Command::new("git");
    if path.join("HEAD").is_file() {
        command
            .arg("-C")
            .arg(path)
            .args(["remote", "update", "--prune"]);
    } else {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
        }
        command
            .args(["clone", "--mirror", "--quiet", "--", url])
            .arg(path);
    }
    let output = command
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "git failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Default cache directory: `$XDG_CACHE_HOME/keyhound/repos`, else
/// `~/Library/Caches/keyhound/repos` on macOS, `%LOCALAPPDATA%` on Windows,
/// `~/.cache/keyhound/repos` elsewhere.
pub fn default_cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            if cfg!(windows) {
                std::env::var_os("LOCALAPPDATA").map(PathBuf::from)
            } else {
                std::env::var_os("HOME").map(|home| {
                    if cfg!(target_os = "macos") {
                        PathBuf::from(home).join("Library/Caches")
                    } else {
                        PathBuf::from(home).join(".cache")
                    }
                })
            }
        })
        .unwrap_or_else(std::env::temp_dir);
    base.join("keyhound").join("repos")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths() {
        assert!(is_url("https://example.test/a.git"));
        assert!(is_url("file:///tmp/a"));
        assert!(is_url("git@example.test:org/a.git"));
        assert!(!is_url("/srv/repos/a"));
        assert!(!is_url("C:/repos/a"));
        assert_eq!(entries("# list\n a \n\nb\n"), vec!["a", "b"]);
        let cache = Path::new("/c");
        assert_ne!(
            cache_path(cache, "https://x.test/a.git"),
            cache_path(cache, "https://y.test/a.git")
        );
    }
}
