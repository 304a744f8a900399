//! JSON document and JSON Lines outputs (schema: `docs/report.schema.json`).

use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{Finding, Location};
use crate::rules::{Confidence, RuleSet, Severity};
use crate::scan::{ScanIssue, ScanOutcome, Skipped, Stats};
use crate::source::git::RepositoryInfo;

use super::ReportOptions;

/// The JSON document: `{tool, version, rules, stats, findings, errors, skipped}`.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    /// Always `keyhound`.
    pub tool: &'static str,
    /// keyhound version.
    pub version: &'static str,
    /// Rule pack in use.
    pub rules: RulePackView<'a>,
    /// Counters.
    pub stats: &'a Stats,
    /// Findings, sorted.
    pub findings: Vec<FindingView<'a>>,
    /// Read errors.
    pub errors: &'a [ScanIssue],
    /// Files skipped for size, and archive limits hit.
    pub skipped: &'a [Skipped],
    /// Git repositories scanned (empty for filesystem scans).
    pub repositories: &'a [RepositoryInfo],
    /// Notes for the user (shallow clone, empty range, skipped submodules).
    pub notes: &'a [String],
    /// Machine identities, riskiest first (`docs/INVENTORY.md`).
    pub identities: &'a [crate::inventory::Identity],
}

/// Which rule pack produced a report.
#[derive(Debug, Serialize)]
pub struct RulePackView<'a> {
    /// Number of rules.
    pub count: usize,
    /// SHA-256 of the pack's sources.
    pub hash: &'a str,
}

/// One finding as JSON shows it.
#[derive(Debug, Serialize)]
pub struct FindingView<'a> {
    /// Location-free fingerprint.
    pub fingerprint: &'a str,
    /// Rule id.
    pub rule_id: &'a str,
    /// Rule name.
    pub rule_name: &'a str,
    /// Provider.
    pub provider: &'a str,
    /// Non-human identity kind.
    pub identity: &'a str,
    /// Confidence.
    pub confidence: Confidence,
    /// Severity.
    pub severity: Severity,
    /// Secret (redacted unless `--show-secrets`).
    pub secret: String,
    /// True when `secret` is redacted.
    pub redacted: bool,
    /// Entropy of the secret, rounded to 2 decimals.
    pub entropy: f64,
    /// Companion parts.
    pub parts: Vec<PartView>,
    /// Git scans: whether the secret is still in HEAD at any location
    /// (`false` = removed from HEAD but alive in history: rotate it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub present_at_head: Option<bool>,
    /// Every location.
    pub locations: &'a [Location],
    /// What offline validators decoded (never the secret itself).
    pub evidence: &'a crate::validate::Evidence,
}

/// A companion part as JSON shows it.
#[derive(Debug, Serialize)]
pub struct PartView {
    /// Part name.
    pub name: String,
    /// Value (redacted unless `--show-secrets`).
    pub value: String,
}

/// The JSON view of one finding.
pub fn finding_view<'a>(finding: &'a Finding, options: &ReportOptions) -> FindingView<'a> {
    FindingView {
        fingerprint: &finding.fingerprint,
        rule_id: &finding.rule_id,
        rule_name: &finding.rule_name,
        provider: &finding.provider,
        identity: &finding.identity,
        confidence: finding.confidence,
        severity: finding.severity,
        secret: options.secret(&finding.secret),
        redacted: !options.show_secrets || finding.secret.is_redacted(),
        entropy: (finding.entropy * 100.0).round() / 100.0,
        parts: finding
            .parts
            .iter()
            .map(|p| PartView {
                name: p.name.clone(),
                value: options.secret(&p.value),
            })
            .collect(),
        present_at_head: finding.present_at_head(),
        locations: &finding.locations,
        evidence: &finding.evidence,
    }
}

/// Writes the whole JSON document (pretty-printed, trailing newline).
pub fn write_document(
    outcome: &ScanOutcome,
    rules: &RuleSet,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let report = JsonReport {
        tool: "keyhound",
        version: env!("CARGO_PKG_VERSION"),
        rules: RulePackView {
            count: rules.len(),
            hash: rules.hash(),
        },
        stats: &outcome.stats,
        findings: outcome
            .findings
            .iter()
            .map(|f| finding_view(f, options))
            .collect(),
        errors: &outcome.errors,
        skipped: &outcome.skipped,
        repositories: &outcome.repositories,
        notes: &outcome.notes,
        identities: &outcome.identities,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

/// Writes one compact JSON finding per line.
pub fn write_lines(
    outcome: &ScanOutcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    for finding in &outcome.findings {
        serde_json::to_writer(&mut *out, &finding_view(finding, options))?;
        writeln!(out)?;
    }
    Ok(())
}
