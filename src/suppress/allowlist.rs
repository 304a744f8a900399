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
