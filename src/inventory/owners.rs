//! CODEOWNERS: who owns a path. The last matching pattern wins, as on GitHub
//! and GitLab; patterns use gitignore syntax.

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Where CODEOWNERS files are looked for, relative to a repository root.
pub const CODEOWNERS_PATHS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// A parsed CODEOWNERS file.
#[derive(Debug, Default)]
pub struct CodeOwners {
    rules: Vec<(Gitignore, Vec<String>)>,
}

impl CodeOwners {
    /// Parses CODEOWNERS text. Lines that are not `pattern owner...` (comments,
    /// section headers, patterns gitignore syntax rejects) are skipped.
    pub fn parse(text: &str) -> Self {
        let mut rules = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
                continue;
            }
            let mut fields = line.split_whitespace();
            let Some(pattern) = fields.next() else {
                continue;
            };
            let owners: Vec<String> = fields
                .take_while(|f| !f.starts_with('#'))
                .map(str::to_string)
                .collect();
            let mut builder = GitignoreBuilder::new("/");
            if builder.add_line(None, pattern).is_err() {
                continue;
            }
            if let Ok(matcher) = builder.build() {
                rules.push((matcher, owners));
            }
        }
        CodeOwners { rules }
    }

    /// Owners of `path` (relative to the repository root, `/`-separated);
    /// empty when no pattern matches or the last match names nobody.
    pub fn owners_of(&self, path: &str) -> &[String] {
        let absolute = format!("/{}", path.trim_start_matches("./").trim_start_matches('/'));
        self.rules
            .iter()
            .rev()
            .find(|(matcher, _)| {
                matcher
                    .matched_path_or_any_parents(&absolute, false)
                    .is_ignore()
            })
            .map_or(&[], |(_, owners)| owners.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::CodeOwners;

    #[test]
    fn last_match_wins() {
        let owners = CodeOwners::parse(
            "# owners\n* @org/everyone\n/config/ @org/platform ops@example.com\n*.tf @org/infra # terraform\n/config/legacy/\n",
        );
        assert_eq!(owners.owners_of("src/main.rs"), ["@org/everyone"]);
        assert_eq!(
            owners.owners_of("config/app.env"),
            ["@org/platform", "ops@example.com"]
        );
        assert_eq!(owners.owners_of("config/main.tf"), ["@org/infra"]);
        assert!(owners.owners_of("config/legacy/old.env").is_empty());
        assert!(CodeOwners::parse("").owners_of("a").is_empty());
    }
}
