//! `keyhound merge`: JSON reports of disjoint runs (shards) into one outcome.
//! Findings are united by fingerprint (one rule plus one secret): locations
//! unioned, deduplicated and sorted, confidence the highest; counters are
//! summed (wall time: the longest); the inventory is merged by identity id
//! (see [`crate::inventory::merge_identities`]).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::finding::{Finding, Location, Part, Secret};
use crate::inventory::Identity;
use crate::rules::{Confidence, Severity};
use crate::scan::{ScanIssue, ScanOutcome, Skipped, Stats};
use crate::source::git::RepositoryInfo;
use crate::validate::{Evidence, VALIDATORS, Weakness};

/// Why reports could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A report is not a keyhound JSON report.
    #[error("{name}: not a keyhound JSON report (-f json): {message}")]
    NotAReport {
        /// Report name as given.
        name: String,
        /// What the parser said.
        message: String,
    },
}

#[derive(Deserialize)]
struct ReportIn {
    tool: String,
    rules: RulesIn,
    stats: Stats,
    findings: Vec<FindingIn>,
    errors: Vec<ScanIssue>,
    skipped: Vec<Skipped>,
    repositories: Vec<RepositoryInfo>,
    notes: Vec<String>,
    identities: Vec<Identity>,
}

#[derive(Deserialize)]
struct RulesIn {
    hash: String,
}

#[derive(Deserialize)]
struct FindingIn {
    fingerprint: String,
    rule_id: String,
    rule_name: String,
    provider: String,
    identity: String,
    confidence: Confidence,
    severity: Severity,
    secret: String,
    redacted: bool,
    entropy: f64,
    parts: Vec<PartIn>,
    locations: Vec<Location>,
    evidence: EvidenceIn,
}

#[derive(Deserialize)]
struct PartIn {
    name: String,
    value: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EvidenceIn {
    validators: Vec<String>,
    checksum_valid: Option<bool>,
    principal: Option<String>,
    attributes: BTreeMap<String, serde_json::Value>,
    created: Option<i64>,
    expires: Option<i64>,
    public_key_sha256: Option<String>,
    weaknesses: Vec<Weakness>,
}

impl From<EvidenceIn> for Evidence {
    fn from(e: EvidenceIn) -> Self {
        Evidence {
            validators: e
                .validators
                .iter()
                .filter_map(|name| VALIDATORS.iter().find(|v| **v == name.as_str()).copied())
                .collect(),
            checksum_valid: e.checksum_valid,
            principal: e.principal,
            attributes: e.attributes,
            created: e.created,
            expires: e.expires,
            public_key_sha256: e.public_key_sha256,
            weaknesses: e.weaknesses,
        }
    }
}

impl FindingIn {
    fn into_finding(self) -> Finding {
        let redacted = self.redacted;
        Finding {
            fingerprint: self.fingerprint,
            rule_id: self.rule_id,
            rule_name: self.rule_name,
            provider: self.provider,
            identity: self.identity,
            confidence: self.confidence,
            severity: self.severity,
            secret: Secret::from_report(self.secret, redacted),
            entropy: self.entropy,
            parts: self
                .parts
                .into_iter()
                .map(|p| Part {
                    name: p.name,
                    value: Secret::from_report(p.value, redacted),
                })
                .collect(),
            locations: self.locations,
            evidence: self.evidence.into(),
        }
    }
}

/// Merges `(name, JSON text)` reports into one outcome; `now` (Unix
/// seconds) is for the risk of identities seen in several reports.
pub fn merge_reports(reports: &[(String, String)], now: i64) -> Result<ScanOutcome, MergeError> {
    let mut outcome = ScanOutcome::default();
    let mut findings: BTreeMap<String, Finding> = BTreeMap::new();
    let mut identities = Vec::new();
    let mut hashes = Vec::new();
    for (name, text) in reports {
        let report: ReportIn =
            serde_json::from_str(text).map_err(|err| MergeError::NotAReport {
                name: name.clone(),
                message: err.to_string(),
            })?;
        if report.tool != "keyhound" {
            return Err(MergeError::NotAReport {
                name: name.clone(),
                message: format!("tool is {:?}", report.tool),
            });
        }
        hashes.push(report.rules.hash);
        add_stats(&mut outcome.stats, &report.stats);
        outcome.errors.extend(report.errors);
        outcome.skipped.extend(report.skipped);
        outcome.repositories.extend(report.repositories);
        outcome.notes.extend(report.notes);
        identities.extend(report.identities);
        for finding in report.findings {
            let finding = finding.into_finding();
            match findings.get_mut(&finding.fingerprint) {
                Some(existing) => {
                    existing.confidence = existing.confidence.max(finding.confidence);
                    existing.locations.extend(finding.locations);
                    for part in finding.parts {
                        if !existing.parts.iter().any(|p| p.name == part.name) {
                            existing.parts.push(part);
                        }
                    }
                }
                None => {
                    findings.insert(finding.fingerprint.clone(), finding);
                }
            }
        }
    }
    hashes.sort();
    hashes.dedup();
    if hashes.len() > 1 {
        outcome.notes.push(format!(
            "merged reports made with {} different rule packs",
            hashes.len()
        ));
    }
    let mut findings: Vec<Finding> = findings.into_values().collect();
    for finding in &mut findings {
        finding.locations.sort();
        finding.locations.dedup();
        finding.parts.sort_by(|a, b| a.name.cmp(&b.name));
    }
    findings.sort_by(|a, b| {
        (a.first_location(), &a.rule_id, &a.fingerprint).cmp(&(
            b.first_location(),
            &b.rule_id,
            &b.fingerprint,
        ))
    });
    outcome.stats.findings = findings.len() as u64;
    outcome.identities = crate::inventory::merge_identities(identities, &findings, now);
    outcome.findings = findings;
    outcome.notes.sort();
    outcome.notes.dedup();
    outcome.errors.sort();
    outcome.errors.dedup();
    outcome.skipped.sort();
    outcome.skipped.dedup();
    outcome.repositories.sort();
    outcome.repositories.dedup();
    Ok(outcome)
}

fn add_stats(total: &mut Stats, stats: &Stats) {
    total.files += stats.files;
    total.commits += stats.commits;
    total.bytes += stats.bytes;
    total.suppressed += stats.suppressed;
    total.skipped_binary += stats.skipped_binary;
    total.skipped_large += stats.skipped_large;
    total.errors += stats.errors;
    total.elapsed_ms = total.elapsed_ms.max(stats.elapsed_ms);
}
