//! Human terminal view: findings grouped by rule, colored on a TTY, with a
//! summary line.

use std::io::{self, Write};

use crate::rules::Severity;
use crate::scan::ScanOutcome;

use super::ReportOptions;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(&self, severity: Severity) -> String {
        let code = match severity {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
        };
        self.wrap(code, severity.as_str())
    }
}

/// Writes the text report.
pub fn write(
    outcome: &ScanOutcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paint = Paint { on: options.color };
    let mut by_rule: Vec<_> = outcome.findings.iter().collect();
    by_rule.sort_by(|a, b| (&a.rule_id, a.first_location()).cmp(&(&b.rule_id, b.first_location())));
    let mut current: Option<&str> = None;
    for finding in by_rule {
        if current != Some(finding.rule_id.as_str()) {
            if current.is_some() {
                writeln!(out)?;
            }
            current = Some(&finding.rule_id);
            writeln!(
                out,
                "{} {} [{}]",
                paint.wrap("1", &finding.rule_name),
                paint.wrap("2", &format!("({})", finding.rule_id)),
                paint.severity(finding.severity),
            )?;
        }
        let mut parts = String::new();
        for part in &finding.parts {
            parts.push_str(&format!("  {}={}", part.name, options.secret(&part.value)));
        }
        writeln!(
            out,
            "  {}  {} confidence  fp {}{}",
            paint.wrap("1;33", &options.secret(&finding.secret)),
            finding.confidence.as_str(),
            &finding.fingerprint[..12.min(finding.fingerprint.len())],
            parts
        )?;
        if finding.present_at_head() == Some(false) {
            writeln!(
                out,
                "    {}",
                paint.wrap("1;31", "removed from HEAD but still in history: rotate it")
            )?;
        }
        for location in &finding.locations {
            let place = if location.path.is_empty() {
                format!("blob {} (not reachable from any ref)", location.blob_id)
            } else {
                location.path.clone()
            };
            write!(
                out,
                "    {}:{}:{}",
                paint.wrap("32", &place),
                location.line,
                location.column
            )?;
            if !location.encoding.is_empty() {
                write!(out, " ({})", location.encoding.join(" > "))?;
            }
            match &location.git {
                Some(git) if !git.commit.is_empty() => writeln!(
                    out,
                    "  {} {} <{}> {}  {}",
                    paint.wrap("33", &git.commit[..git.commit.len().min(10)]),
                    git.author_name,
                    git.author_email,
                    git.author_date.get(..10).unwrap_or(&git.author_date),
                    git.summary
                )?,
                _ => writeln!(out)?,
            }
        }
    }
    if !outcome.findings.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{}", summary(outcome, options))
}

/// One-line summary: files, bytes, findings by severity, problems, elapsed
/// (unless [`ReportOptions::no_timestamps`]).
pub fn summary(outcome: &ScanOutcome, options: &ReportOptions) -> String {
    let stats = &outcome.stats;
    let unit = if outcome.repositories.is_empty() {
        "file"
    } else {
        "blob"
    };
    let commits = if stats.commits > 0 {
        format!(" from {} commits", stats.commits)
    } else {
        String::new()
    };
    let elapsed = if options.no_timestamps {
        String::new()
    } else {
        format!(" in {:.2}s", stats.elapsed_ms as f64 / 1000.0)
    };
    let mut line = format!(
        "keyhound: scanned {} {unit}{} ({}){commits}{elapsed}: ",
        stats.files,
        if stats.files == 1 { "" } else { "s" },
        human_bytes(stats.bytes),
    );
    if outcome.findings.is_empty() {
        line.push_str("no findings");
    } else {
        let count = |s: Severity| outcome.findings.iter().filter(|f| f.severity == s).count();
        let by_severity: Vec<String> = [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
        ]
        .into_iter()
        .filter(|&s| count(s) > 0)
        .map(|s| format!("{} {}", count(s), s.as_str()))
        .collect();
        line.push_str(&format!(
            "{} finding{} ({})",
            outcome.findings.len(),
            if outcome.findings.len() == 1 { "" } else { "s" },
            by_severity.join(", ")
        ));
    }
    if stats.errors > 0 {
        line.push_str(&format!("; {} unreadable", stats.errors));
    }
    if stats.skipped_large > 0 {
        line.push_str(&format!("; {} skipped (too large)", stats.skipped_large));
    }
    if stats.skipped_binary > 0 {
        line.push_str(&format!("; {} binary skipped", stats.skipped_binary));
    }
    line
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
