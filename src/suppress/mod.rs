//! Suppression, all content-based: baselines, `.keyhoundignore`, inline
//! `keyhound:allow` (in the scan itself), allowlists and the project
//! configuration `.keyhound.toml`. Suppressed findings are not reported and
//! never set the exit code; `stats.suppressed` counts them.

mod allowlist;
pub mod baseline;
pub mod config;
pub mod gitleaksignore;
pub mod ignore_file;

use std::collections::BTreeSet;

pub use allowlist::{Allowlist, AllowlistError, AllowlistSpec};
pub use baseline::{BaselineDocument, BaselineError};
pub use config::{ConfigError, ConfigKind, ProjectConfig};
pub use ignore_file::IgnoreFile;

use crate::scan::ScanOutcome;

/// Markers that allow a finding on its own line (gitleaks' marker is honoured too).
pub const INLINE_MARKERS: &[&str] = &["keyhound:allow", "gitleaks:allow"];

/// Everything that can suppress a finding.
#[derive(Debug, Default)]
pub struct Suppressions {
    /// Fingerprints of a baseline: known findings.
    pub baseline: BTreeSet<String>,
    /// `.keyhoundignore` entries.
    pub ignore: IgnoreFile,
    /// Allowlists (project configuration, gitleaks configuration).
    pub allowlists: Vec<Allowlist>,
    /// `.gitleaksignore` entries.
    pub gitleaks_ignore: Vec<gitleaksignore::IgnoreEntry>,
    /// Scan roots as given (paths are matched relative to them).
    pub roots: Vec<String>,
}

/// How many findings each mechanism suppressed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Suppressed {
    /// In the baseline.
    pub baseline: u64,
    /// In `.keyhoundignore`.
    pub ignored: u64,
    /// Every location allowlisted (allowlists, `.gitleaksignore`).
    pub allowlisted: u64,
}

impl Suppressed {
    /// Total.
    pub fn total(&self) -> u64 {
        self.baseline + self.ignored + self.allowlisted
    }
}

impl Suppressions {
    /// True when nothing is configured.
    pub fn is_empty(&self) -> bool {
        self.baseline.is_empty()
            && self.ignore.fingerprints.is_empty()
            && self.allowlists.is_empty()
            && self.gitleaks_ignore.is_empty()
    }

    /// `path` relative to the scan root it starts with (and without `./`).
    fn relative<'a>(&self, path: &'a str) -> &'a str {
        // `./src`, `src` and `src/` are one root, whichever way the path is written.
        let path = path.trim_start_matches("./");
        let stripped = self
            .roots
            .iter()
            .map(|root| root.trim_start_matches("./").trim_end_matches('/'))
            .filter(|root| !root.is_empty() && *root != ".")
            .find_map(|root| path.strip_prefix(root).filter(|rest| rest.starts_with('/')))
            .unwrap_or(path);
        stripped.trim_start_matches("./").trim_start_matches('/')
    }

    /// Removes suppressed findings (and allowlisted locations) from `outcome`.
    pub fn apply(&self, outcome: &mut ScanOutcome) -> Suppressed {
        let mut counts = Suppressed::default();
        if self.is_empty() {
            return counts;
        }
        outcome.findings.retain_mut(|finding| {
            if self.baseline.contains(&finding.fingerprint) {
                counts.baseline += 1;
                return false;
            }
            if self.ignore.contains(&finding.fingerprint) {
                counts.ignored += 1;
                return false;
            }
            finding.locations.retain(|location| {
                let path = self.relative(&location.path);
                let commit = location.git.as_ref().map(|g| g.commit.as_str());
                let allowed = self
                    .allowlists
                    .iter()
                    .any(|a| a.allows(&finding.rule_id, finding.secret.expose(), path, commit))
                    || self.gitleaks_ignore.iter().any(|e| e.matches(location));
                !allowed
            });
            if finding.locations.is_empty() {
                counts.allowlisted += 1;
                return false;
            }
            true
        });
        outcome.stats.findings = outcome.findings.len() as u64;
        outcome.stats.suppressed += counts.total();
        counts
    }
}
