//! Markdown summary: a table of findings for `$GITHUB_STEP_SUMMARY` and
//! pull-request comments.

use std::io::{self, Write};

use crate::scan::ScanOutcome;

use super::ReportOptions;

/// Writes the markdown summary.
pub fn write(
    outcome: &ScanOutcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let _ = options;
    writeln!(out, "## keyhound: {} findings", outcome.findings.len())
}
