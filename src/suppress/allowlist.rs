//! Allowlists: content- and path-based rules that mark findings as accepted,
//! globally or for some rules. Written in `.keyhound.toml` (`[[allowlist]]`)
//! or translated from a gitleaks configuration.

use serde::Deserialize;

/// One allowlist as written (TOML, snake_case keys).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSpec {
    /// What this allowlist is for (shown nowhere; for people reading the file).
    #[serde(default)]
    pub description: Option<String>,
    /// Rule ids it applies to; empty = every rule.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Path globs (gitignore-style, matched against the location's path):
    /// `vendor/**`, `**/*.lock`, `docs/`.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Path regexes (gitleaks `paths` are regexes).
    #[serde(default)]
    pub path_regexes: Vec<String>,
    /// Regexes matched against the secret value.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Case-insensitive substrings of the secret value.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Commit ids (git scans): locations introduced by these commits.
    #[serde(default)]
    pub commits: Vec<String>,
    /// `true`: every condition kind given must match (gitleaks `condition = "AND"`);
    /// `false` (default): any one matching is enough.
    #[serde(default)]
    pub match_all: bool,
}

/// A compiled allowlist.
#[derive(Debug)]
pub struct Allowlist {
    rules: Vec<String>,
    paths: Option<globset::GlobSet>,
    path_regexes: Vec<regex::Regex>,
    regexes: Vec<regex::Regex>,
    stopwords: Vec<String>,
    commits: Vec<String>,
    match_all: bool,
}

/// Why an allowlist could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum AllowlistError {
    /// A glob does not parse.
    #[error("allowlist path glob {glob:?}: {message}")]
    Glob {
        /// The glob.
        glob: String,
        /// Parser message.
        message: String,
    },
    /// A regex does not compile (or is too large).
    #[error("allowlist regex {regex:?}: {message}")]
    Regex {
        /// The regex.
        regex: String,
        /// Compiler message.
        message: String,
    },
}

/// Size limit of an allowlist regex program (a hostile config cannot blow up memory).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

fn compile_regex(text: &str) -> Result<regex::Regex, AllowlistError> {
    regex::RegexBuilder::new(text)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|err| AllowlistError::Regex {
            regex: text.to_string(),
            message: err.to_string(),
        })
}

/// gitignore-flavoured glob: a pattern without `/` matches at any depth, a
/// trailing `/` means everything below that directory.
fn glob_variants(pattern: &str) -> Vec<String> {
    let pattern = pattern.trim_start_matches("./");
    let (anchored, body) = match pattern.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (pattern.contains('/') && !pattern.ends_with('/'), pattern),
    };
    let body = match body.strip_suffix('/') {
        Some(dir) => format!("{dir}/**"),
        None => body.to_string(),
    };
    if anchored || body.starts_with("**/") {
        vec![body.clone(), format!("{body}/**")]
    } else {
        vec![format!("**/{body}"), format!("**/{body}/**")]
    }
}

impl Allowlist {
    /// Compiles `spec`.
    pub fn new(spec: &AllowlistSpec) -> Result<Self, AllowlistError> {
        let paths = if spec.paths.is_empty() {
            None
        } else {
            let mut builder = globset::GlobSetBuilder::new();
            for pattern in &spec.paths {
                for variant in glob_variants(pattern) {
                    let glob = globset::GlobBuilder::new(&variant)
                        .literal_separator(true)
                        .build()
                        .map_err(|err| AllowlistError::Glob {
                            glob: pattern.clone(),
                            message: err.to_string(),
                        })?;
                    builder.add(glob);
                }
            }
            Some(builder.build().map_err(|err| AllowlistError::Glob {
                glob: spec.paths.join(", "),
                message: err.to_string(),
            })?)
        };
        Ok(Allowlist {
            rules: spec.rules.clone(),
            paths,
            path_regexes: spec
                .path_regexes
                .iter()
                .map(|r| compile_regex(r))
                .collect::<Result<_, _>>()?,
            regexes: spec
                .regexes
                .iter()
                .map(|r| compile_regex(r))
                .collect::<Result<_, _>>()?,
            stopwords: spec.stopwords.iter().map(|s| s.to_lowercase()).collect(),
            commits: spec.commits.clone(),
            match_all: spec.match_all,
        })
    }

    /// True when this allowlist accepts `secret` of rule `rule_id` at `path`
    /// (relative to the scan root) introduced by `commit` (git scans).
    pub fn allows(&self, rule_id: &str, secret: &str, path: &str, commit: Option<&str>) -> bool {
        if !self.rules.is_empty() && !self.rules.iter().any(|r| r == rule_id) {
            return false;
        }
        let mut checks: Vec<bool> = Vec::with_capacity(4);
        if self.paths.is_some() || !self.path_regexes.is_empty() {
            let by_glob = self.paths.as_ref().is_some_and(|set| set.is_match(path));
            checks.push(by_glob || self.path_regexes.iter().any(|r| r.is_match(path)));
        }
        if !self.regexes.is_empty() {
            checks.push(self.regexes.iter().any(|r| r.is_match(secret)));
        }
        if !self.stopwords.is_empty() {
            let lower = secret.to_lowercase();
            checks.push(self.stopwords.iter().any(|s| lower.contains(s.as_str())));
        }
        if !self.commits.is_empty() {
            checks.push(commit.is_some_and(|c| {
                self.commits
                    .iter()
                    .any(|allowed| !allowed.is_empty() && c.starts_with(allowed.as_str()))
            }));
        }
        if checks.is_empty() {
            return false;
        }
        if self.match_all {
            checks.iter().all(|c| *c)
        } else {
            checks.iter().any(|c| *c)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowlist(spec: AllowlistSpec) -> Allowlist {
        match Allowlist::new(&spec) {
            Ok(a) => a,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn paths_regexes_stopwords_commits_and_rules() {
        let a = allowlist(AllowlistSpec {
            paths: vec!["vendor/".into(), "*.lock".into(), "/docs/*.md".into()],
            ..AllowlistSpec::default()
        });
        assert!(a.allows("r", "s", "vendor/x/y.js", None));
        assert!(a.allows("r", "s", "app/Cargo.lock", None));
        assert!(a.allows("r", "s", "docs/a.md", None));
        assert!(!a.allows("r", "s", "src/docs/a.md", None));
        assert!(!a.allows("r", "s", "src/main.rs", None));
        let b = allowlist(AllowlistSpec {
            rules: vec!["generic.password".into()],
            regexes: vec!["^dev-".into()],
            stopwords: vec!["Sandbox".into()],
            ..AllowlistSpec::default()
        });
        assert!(b.allows("generic.password", "dev-123", "a", None));
        assert!(b.allows("generic.password", "mysandboxkey", "a", None));
        assert!(!b.allows("other.rule", "dev-123", "a", None));
        assert!(!b.allows("generic.password", "prod-123", "a", None));
        let c = allowlist(AllowlistSpec {
            paths: vec!["tests/".into()],
            regexes: vec!["fake".into()],
            match_all: true,
            ..AllowlistSpec::default()
        });
        assert!(c.allows("r", "a-fake-one", "tests/x", None));
        assert!(!c.allows("r", "a-real-one", "tests/x", None));
        let d = allowlist(AllowlistSpec {
            commits: vec!["abc123".into()],
            ..AllowlistSpec::default()
        });
        assert!(d.allows("r", "s", "p", Some("abc123def")));
        assert!(!d.allows("r", "s", "p", None));
        assert!(!allowlist(AllowlistSpec::default()).allows("r", "s", "p", None));
        assert!(
            Allowlist::new(&AllowlistSpec {
                regexes: vec!["(".into()],
                ..AllowlistSpec::default()
            })
            .is_err()
        );
    }
}
