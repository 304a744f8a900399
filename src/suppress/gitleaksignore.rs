//! `.gitleaksignore`: gitleaks finding fingerprints (`commit:path:rule:line`
//! or `path:rule:line`), honoured by path and line.
//!
//! gitleaks fingerprints name gitleaks rule ids, which keyhound's rule ids
//! differ from, so the rule is kept but not compared: an entry suppresses
//! every keyhound finding at that path and line (and commit, when given).

use crate::finding::Location;

/// One `.gitleaksignore` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreEntry {
    /// Commit id, for history findings (lowercase; a prefix of the full id is fine).
    pub commit: Option<String>,
    /// Path (`\` turned into `/`, without a leading `./`).
    pub path: String,
    /// gitleaks rule id (not compared: keyhound's rule ids differ).
    pub rule_id: String,
    /// Line (1-based); `None` matches any line ([`parse`] always sets it).
    pub line: Option<usize>,
}

impl IgnoreEntry {
    /// True when the entry names `location`: the same path (or `location`'s
    /// path ends with `/` + the entry's path, for scans started from another
    /// directory than gitleaks' was), the same line (the secret's first line),
    /// and, for an entry with a commit, a location whose git provenance
    /// commit starts with it (a location without a commit never matches such
    /// an entry). The rule id is not compared.
    pub fn matches(&self, location: &Location) -> bool {
        if self.line.is_some_and(|line| line != location.line) {
            return false;
        }
        if let Some(commit) = &self.commit {
            let found = location
                .git
                .as_ref()
                .map(|git| git.commit.to_ascii_lowercase())
                .unwrap_or_default();
            if found.is_empty() || !found.starts_with(commit.as_str()) {
                return false;
            }
        }
        let path = normalise(&location.path);
        let wanted = self.path.as_str();
        if wanted.is_empty() {
            return false;
        }
        path == wanted
            || path
                .strip_suffix(wanted)
                .is_some_and(|head| head.ends_with('/'))
    }
}

/// A path as compared: `/` separators, no leading `./`.
fn normalise(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_string()
}

/// A commit id: 7 to 64 hex digits.
fn is_commit(text: &str) -> bool {
    (7..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses one line; `None` for a comment, a blank or a malformed line.
fn parse_line(line: &str) -> Option<IgnoreEntry> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    // The rule and the line are the last two fields; the path may itself
    // contain `:` (a commit, when present, is the first field).
    let (rest, number) = line.rsplit_once(':')?;
    let (rest, rule_id) = rest.rsplit_once(':')?;
    let number: usize = number.trim().parse().ok()?;
    let (commit, path) = match rest.split_once(':') {
        Some((first, path)) if is_commit(first) && !path.is_empty() => {
            (Some(first.to_ascii_lowercase()), path)
        }
        _ => (None, rest),
    };
    let path = normalise(path);
    if path.is_empty() || rule_id.is_empty() {
        return None;
    }
    Some(IgnoreEntry {
        commit,
        path,
        rule_id: rule_id.to_string(),
        line: Some(number),
    })
}

/// Parses a `.gitleaksignore` file (comments and blank lines skipped; lines
/// that are not fingerprints are skipped too, as gitleaks warns and moves on).
pub fn parse(text: &str) -> Vec<IgnoreEntry> {
    text.lines().filter_map(parse_line).collect()
}

/// The lines of `text` that are neither blank, comments nor fingerprints
/// (1-based line number and text), for a warning.
pub fn invalid_lines(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let trimmed = line.trim();
            !trimmed.is_empty() && !trimmed.starts_with('#') && parse_line(trimmed).is_none()
        })
        .map(|(i, line)| (i + 1, line.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::GitProvenance;

    const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

    fn location(path: &str, line: usize, commit: Option<&str>) -> Location {
        Location {
            path: path.to_string(),
            line,
            column: 1,
            end_line: line,
            end_column: 10,
            start_byte: 0,
            end_byte: 9,
            blob_id: String::new(),
            section: None,
            encoding: Vec::new(),
            git: commit.map(|c| GitProvenance {
                repository: ".".into(),
                commit: c.to_string(),
                author_name: String::new(),
                author_email: String::new(),
                author_date: String::new(),
                summary: String::new(),
                present_at_head: true,
                last_seen: None,
            }),
        }
    }

    #[test]
    fn parses_both_forms_comments_and_blanks() {
        let text = format!(
            "# fingerprints\n\n{COMMIT}:src/app.py:generic-api-key:12\n\
             ./config\\prod.yml:aws-access-token:3\n  \nnot a fingerprint\nx:y:z\n"
        );
        let entries = parse(&text);
        assert_eq!(
            entries,
            [
                IgnoreEntry {
                    commit: Some(COMMIT.into()),
                    path: "src/app.py".into(),
                    rule_id: "generic-api-key".into(),
                    line: Some(12),
                },
                IgnoreEntry {
                    commit: None,
                    path: "config/prod.yml".into(),
                    rule_id: "aws-access-token".into(),
                    line: Some(3),
                },
            ]
        );
        assert_eq!(
            invalid_lines(&text),
            [
                (6, "not a fingerprint".to_string()),
                (7, "x:y:z".to_string())
            ]
        );
    }

    #[test]
    fn paths_with_colons_split_from_the_right() {
        let entries = parse("C:/work/a:b.txt:rule:7\nabc1234:dir/x:y.env:rule:8\n");
        assert_eq!(entries[0].commit, None);
        assert_eq!(entries[0].path, "C:/work/a:b.txt");
        assert_eq!(entries[0].line, Some(7));
        assert_eq!(entries[1].commit.as_deref(), Some("abc1234"));
        assert_eq!(entries[1].path, "dir/x:y.env");
    }

    #[test]
    fn matches_by_path_and_line() {
        let entry = &parse("src/app.py:generic-api-key:12")[0];
        assert!(entry.matches(&location("src/app.py", 12, None)));
        assert!(entry.matches(&location("./src/app.py", 12, Some(COMMIT))));
        assert!(entry.matches(&location("repo/src/app.py", 12, None)));
        assert!(!entry.matches(&location("repo/xsrc/app.py", 12, None)));
        assert!(!entry.matches(&location("src/app.py", 13, None)));
        assert!(!entry.matches(&location("src/app.pyc", 12, None)));
    }

    #[test]
    fn commit_entries_need_the_commit() {
        let entry = &parse(&format!("{}:src/app.py:r:12", &COMMIT[..12]))[0];
        assert!(entry.matches(&location("src/app.py", 12, Some(COMMIT))));
        assert!(!entry.matches(&location("src/app.py", 12, None)));
        assert!(!entry.matches(&location("src/app.py", 12, Some(""))));
        let other = "f".repeat(40);
        assert!(!entry.matches(&location("src/app.py", 12, Some(&other))));
    }
}
