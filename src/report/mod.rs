//! Reports: turn a [`ScanOutcome`] into text, JSON, JSONL or SARIF. Reports see
//! rule metadata (names, severities, references) but never a regex.
//! Secrets are redacted unless [`ReportOptions::show_secrets`] is set.

mod csv;
mod html;
mod inventory;
mod json;
mod markdown;
mod sarif;
mod sarif_declared;
mod text;

use std::io::{self, Write};

use crate::finding::Secret;
use crate::rules::RuleSet;
use crate::scan::ScanOutcome;

pub use json::{JsonReport, finding_view};
pub use sarif::MAX_RESULTS as MAX_SARIF_RESULTS;
pub use text::summary;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Human terminal view grouped by rule.
    #[default]
    Text,
    /// One JSON document.
    Json,
    /// One JSON finding per line.
    Jsonl,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// Inventory table of identities, riskiest first (terminal).
    InventoryTable,
    /// Inventory JSON document (`{tool, version, identities}`).
    Inventory,
    /// Inventory as CSV, one identity per row.
    Csv,
    /// Self-contained static HTML inventory report.
    Html,
    /// Markdown summary table (`$GITHUB_STEP_SUMMARY`, pull-request comments).
    Markdown,
}

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions {
    /// Print secret values instead of redacted prefixes.
    pub show_secrets: bool,
    /// ANSI colors (text format only).
    pub color: bool,
    /// `--no-timestamps`: leave the elapsed time out of the text summary
    /// (the CLI also zeroes `stats.elapsed_ms`), so runs compare byte for byte.
    pub no_timestamps: bool,
}

impl ReportOptions {
    /// The secret as this report may show it.
    pub fn secret(&self, secret: &Secret) -> String {
        if self.show_secrets && !secret.is_redacted() {
            secret.expose().to_string()
        } else {
            secret.redacted()
        }
    }
}

/// Writes `outcome` in `format` to `out`.
pub fn write_report(
    outcome: &ScanOutcome,
    rules: &RuleSet,
    format: Format,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(outcome, options, out),
        Format::Json => json::write_document(outcome, rules, options, out),
        Format::Jsonl => json::write_lines(outcome, options, out),
        Format::Sarif => sarif::write(outcome, rules, options, out),
        Format::InventoryTable => inventory::write_table(outcome, options, out),
        Format::Inventory => inventory::write_document(outcome, out),
        Format::Csv => csv::write(outcome, out),
        Format::Html => html::write(outcome, options, out),
        Format::Markdown => markdown::write(outcome, options, out),
    }
}
