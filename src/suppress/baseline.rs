//! Baselines: the fingerprints of findings a team has already seen. A
//! baseline is a small JSON document keyed by location-free fingerprints (no
//! timestamps, no line numbers), so it does not conflict when code moves; a
//! full `keyhound scan -f json` report works as a baseline too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::finding::Finding;

/// Why a baseline or ignore file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be read.
    #[error("cannot read baseline {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The file is not a keyhound report or baseline.
    #[error("{path} is not a keyhound baseline or JSON report: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// The baseline document written by `keyhound baseline create`.
#[derive(Debug, Serialize)]
pub struct BaselineDocument {
    /// Always `keyhound`.
    pub tool: &'static str,
    /// Always `baseline`.
    pub document: &'static str,
    /// Known findings, sorted by fingerprint.
    pub findings: Vec<BaselineEntry>,
}

/// One known finding.
#[derive(Debug, Serialize)]
pub struct BaselineEntry {
    /// Location-free fingerprint (what is compared).
    pub fingerprint: String,
    /// Rule id (for people reviewing the baseline).
    pub rule_id: String,
    /// Paths it was seen at (for people; not compared).
    pub paths: Vec<String>,
}

impl BaselineDocument {
    /// A baseline of `findings`.
    pub fn of(findings: &[Finding]) -> Self {
        let mut entries: BTreeMap<&str, BaselineEntry> = BTreeMap::new();
        for finding in findings {
            let paths: BTreeSet<String> =
                finding.locations.iter().map(|l| l.path.clone()).collect();
            entries.insert(
                &finding.fingerprint,
                BaselineEntry {
                    fingerprint: finding.fingerprint.clone(),
                    rule_id: finding.rule_id.clone(),
                    paths: paths.into_iter().collect(),
                },
            );
        }
        BaselineDocument {
            tool: "keyhound",
            document: "baseline",
            findings: entries.into_values().collect(),
        }
    }
}

/// Reads the fingerprints of a baseline document or a JSON report.
pub fn read(path: &Path) -> Result<BTreeSet<String>, BaselineError> {
    let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let format = |message: String| BaselineError::Format {
        path: path.to_path_buf(),
        message,
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|err| format(err.to_string()))?;
    let findings = value
        .get("findings")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| format("no `findings` array".to_string()))?;
    findings
        .iter()
        .map(|f| {
            f.get("fingerprint")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format("a finding has no `fingerprint`".to_string()))
        })
        .collect()
}
