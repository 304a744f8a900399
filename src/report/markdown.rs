//! Markdown summary: a table of findings for `$GITHUB_STEP_SUMMARY` and
//! pull-request comments (GitHub-flavoured markdown).
//!
//! Deterministic (no timings), secrets redacted unless `--show-secrets`,
//! every cell escaped so a path or rule name cannot break the table or inject
//! HTML, and at most [`MAX_ROWS`] rows so the summary stays far below GitHub's
//! 1 MiB step-summary limit.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::finding::Finding;
use crate::inventory::Identity;
use crate::rules::Severity;
use crate::scan::ScanOutcome;

use super::ReportOptions;

/// Most table rows; the rest are counted in a "… and N more" line.
pub const MAX_ROWS: usize = 100;

/// Longest cell, in characters, before it is cut with `…`.
const MAX_CELL: usize = 200;

/// Most scan notes listed under the table.
const MAX_NOTES: usize = 20;

/// Most risk reasons named in one cell.
const MAX_REASONS: usize = 3;

/// Writes the markdown summary.
pub fn write(
    outcome: &ScanOutcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let count = outcome.findings.len();
    if count == 0 {
        writeln!(out, "## keyhound: No secrets found")?;
    } else {
        writeln!(
            out,
            "## keyhound: {count} secret{} found",
            if count == 1 { "" } else { "s" }
        )?;
    }
    writeln!(out)?;
    writeln!(out, "{}", scanned_line(outcome))?;

    if count > 0 {
        let git = outcome
            .findings
            .iter()
            .flat_map(|f| &f.locations)
            .any(|l| l.git.is_some());
        let risks = risk_by_fingerprint(&outcome.identities);
        writeln!(out)?;
        let mut header = vec!["Severity", "Confidence", "Rule", "Secret", "Location"];
        if git {
            header.push("Commit");
        }
        header.push("Identity risk");
        writeln!(out, "| {} |", header.join(" | "))?;
        writeln!(out, "|{}", " --- |".repeat(header.len()))?;
        for finding in sorted(&outcome.findings).into_iter().take(MAX_ROWS) {
            let mut cells = vec![
                severity_cell(finding.severity),
                text(finding.confidence.as_str()),
                format!("{} ({})", text(&finding.rule_name), code(&finding.rule_id)),
                code(&options.secret(&finding.secret)),
                location_cell(finding),
            ];
            if git {
                cells.push(commit_cell(finding));
            }
            cells.push(match risks.get(finding.fingerprint.as_str()) {
                Some(identity) => risk_cell(identity),
                None => String::new(),
            });
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
        if count > MAX_ROWS {
            writeln!(out)?;
            writeln!(
                out,
                "… and {} more finding{} (see the SARIF or JSON report).",
                count - MAX_ROWS,
                if count - MAX_ROWS == 1 { "" } else { "s" }
            )?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "Secrets are {}. Rotate each leaked credential: deleting it from the code does not revoke it.",
            if options.show_secrets {
                "shown in full (--show-secrets)"
            } else {
                "redacted"
            }
        )?;
    }

    if !outcome.notes.is_empty() || !outcome.errors.is_empty() {
        writeln!(out)?;
        for note in outcome.notes.iter().take(MAX_NOTES) {
            writeln!(out, "- note: {}", text(note))?;
        }
        if outcome.notes.len() > MAX_NOTES {
            writeln!(
                out,
                "- … and {} more notes",
                outcome.notes.len() - MAX_NOTES
            )?;
        }
        if !outcome.errors.is_empty() {
            writeln!(
                out,
                "- {} path{} could not be read (see the JSON report's `errors`)",
                outcome.errors.len(),
                if outcome.errors.len() == 1 { "" } else { "s" }
            )?;
        }
    }
    Ok(())
}

/// "Scanned 12 files (3.4 KiB): 1 critical, 2 high." without timings.
fn scanned_line(outcome: &ScanOutcome) -> String {
    let stats = &outcome.stats;
    let unit = if outcome.repositories.is_empty() {
        "file"
    } else {
        "blob"
    };
    let mut line = format!(
        "Scanned {} {unit}{}",
        stats.files,
        if stats.files == 1 { "" } else { "s" }
    );
    if stats.commits > 0 {
        line.push_str(&format!(
            " from {} commit{}",
            stats.commits,
            if stats.commits == 1 { "" } else { "s" }
        ));
    }
    let by_severity: Vec<String> = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ]
    .into_iter()
    .filter_map(|severity| {
        let n = outcome
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count();
        (n > 0).then(|| format!("{n} {}", severity.as_str()))
    })
    .collect();
    if by_severity.is_empty() {
        line.push('.');
    } else {
        line.push_str(&format!(": {}.", by_severity.join(", ")));
    }
    line
}

/// Findings most severe first, then most confident, then by rule and location.
fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut rows: Vec<&Finding> = findings.iter().collect();
    rows.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.confidence.cmp(&a.confidence))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.first_location().cmp(&b.first_location()))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    rows
}

/// The identity each finding belongs to, by fingerprint.
fn risk_by_fingerprint(identities: &[Identity]) -> BTreeMap<&str, &Identity> {
    let mut map = BTreeMap::new();
    for identity in identities {
        for fingerprint in &identity.findings {
            map.entry(fingerprint.as_str()).or_insert(identity);
        }
    }
    map
}

fn severity_cell(severity: Severity) -> String {
    match severity {
        Severity::Critical | Severity::High => format!("**{}**", severity.as_str()),
        Severity::Medium | Severity::Low => severity.as_str().to_string(),
    }
}

/// `path:line` of the first location, `+N more` when there are others.
fn location_cell(finding: &Finding) -> String {
    let Some(first) = finding.first_location() else {
        return String::new();
    };
    let place = if first.path.is_empty() {
        format!("blob {}", short(&first.blob_id, 12))
    } else {
        format!("{}:{}", first.path, first.line)
    };
    let mut cell = code(&place);
    if finding.locations.len() > 1 {
        cell.push_str(&format!(" +{} more", finding.locations.len() - 1));
    }
    cell
}

fn commit_cell(finding: &Finding) -> String {
    match finding.first_location().and_then(|l| l.git.as_ref()) {
        Some(git) if !git.commit.is_empty() => {
            let mut cell = code(short(&git.commit, 7));
            if !git.present_at_head {
                cell.push_str(" (removed from HEAD)");
            }
            cell
        }
        _ => String::new(),
    }
}

/// `85/100: leaked (NHI2), long-lived-key (NHI7)`.
fn risk_cell(identity: &Identity) -> String {
    let reasons: Vec<String> = identity
        .risk
        .reasons
        .iter()
        .filter(|reason| reason.points > 0)
        .take(MAX_REASONS)
        .map(|reason| match &reason.nhi {
            Some(nhi) => format!("{} ({nhi})", reason.code),
            None => reason.code.clone(),
        })
        .collect();
    let score = format!("{}/100", identity.risk.score);
    if reasons.is_empty() {
        score
    } else {
        format!("{score}: {}", text(&reasons.join(", ")))
    }
}

fn short(id: &str, len: usize) -> &str {
    id.get(..len).unwrap_or(id)
}

/// One line, at most [`MAX_CELL`] characters, control characters as spaces.
fn flatten(value: &str) -> String {
    let mut line: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_CELL + 1)
        .collect();
    if line.chars().count() > MAX_CELL {
        line = line.chars().take(MAX_CELL - 1).collect();
        line.push('…');
    }
    line
}

/// Plain text for a table cell: markdown punctuation backslash-escaped, HTML
/// special characters as entities, newlines as spaces.
fn text(value: &str) -> String {
    let mut escaped = String::new();
    for c in flatten(value).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A code span for a table cell: a backtick fence longer than any run of
/// backticks inside, `|` escaped (GitHub splits cells before parsing code
/// spans), newlines as spaces. `<` and `>` are literal inside code spans.
fn code(value: &str) -> String {
    let line = flatten(value).replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in line.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if line.starts_with('`') || line.ends_with('`') || line.trim().is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{line}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::{code, text};

    #[test]
    fn text_cells_are_escaped() {
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(text("<script>"), "&lt;script&gt;");
        assert_eq!(text("x`y"), "x\\`y");
        assert_eq!(text("one\ntwo\r\nthree"), "one two  three");
        assert_eq!(text("a_b*c"), "a\\_b\\*c");
    }

    #[test]
    fn code_cells_cannot_close_early() {
        assert_eq!(code("src/main.rs:2"), "`src/main.rs:2`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a\nb"), "`a b`");
        assert_eq!(code("<b>"), "`<b>`");
    }

    #[test]
    fn long_cells_are_cut() {
        let long = "x".repeat(500);
        let cell = text(&long);
        assert_eq!(cell.chars().count(), super::MAX_CELL);
        assert!(cell.ends_with('…'));
    }
}
