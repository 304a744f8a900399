//! Inventory outputs: the identities table for terminals and the inventory
//! JSON document (`docs/inventory.schema.json`).

use std::io::{self, Write};

use serde::Serialize;

use crate::inventory::Identity;
use crate::scan::ScanOutcome;

use super::ReportOptions;

/// The inventory JSON document.
#[derive(Debug, Serialize)]
pub struct InventoryDocument<'a> {
    /// Always `keyhound`.
    pub tool: &'static str,
    /// keyhound version.
    pub version: &'static str,
    /// Kind of document: always `inventory`.
    pub document: &'static str,
    /// Identities, riskiest first.
    pub identities: &'a [Identity],
}

/// Writes the inventory JSON document (pretty-printed, trailing newline).
pub fn write_document(outcome: &ScanOutcome, out: &mut dyn Write) -> io::Result<()> {
    let document = InventoryDocument {
        tool: "keyhound",
        version: env!("CARGO_PKG_VERSION"),
        document: "inventory",
        identities: &outcome.identities,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// Writes a table of identities, riskiest first, with the top reason of each.
pub fn write_table(
    outcome: &ScanOutcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let identities = &outcome.identities;
    if identities.is_empty() {
        return writeln!(out, "No machine identities found.");
    }
    let (bold, red, yellow, reset) = if options.color {
        ("\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    // The KIND column fits the longest kind shown (at least 22 wide).
    let kind_width = identities
        .iter()
        .map(|i| i.kind.as_str().len())
        .max()
        .unwrap_or(0)
        .max(22);
    writeln!(
        out,
        "{bold}{:>4}  {:<kind_width$} {:<14} {:<34} {:>5}  WHERE / WHY{reset}",
        "RISK", "KIND", "PROVIDER", "PRINCIPAL", "LOCS"
    )?;
    for identity in identities {
        let color = match identity.risk.score {
            60.. => red,
            30..=59 => yellow,
            _ => "",
        };
        let principal = identity.principal.as_deref().unwrap_or("-");
        let place = identity
            .locations
            .first()
            .map_or_else(String::new, |l| format!("{}:{}", l.path, l.line));
        writeln!(
            out,
            "{color}{:>4}{reset}  {:<kind_width$} {:<14} {:<34} {:>5}  {}",
            identity.risk.score,
            identity.kind.as_str(),
            clip(&identity.provider, 14),
            clip(principal, 34),
            identity.locations.len(),
            place
        )?;
        for reason in identity.risk.reasons.iter().take(3) {
            let nhi = reason.nhi.as_deref().unwrap_or("");
            writeln!(out, "{:>4}  {:<6} {}", "", nhi, reason.message)?;
        }
    }
    let high = identities.iter().filter(|i| i.risk.score >= 60).count();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    writeln!(
        out,
        "\n{} ({} with risk >= 60) from {}.",
        plural(identities.len(), "identity", "identities"),
        high,
        plural(outcome.findings.len(), "finding", "findings")
    )
}

/// At most `width` characters, with `…` when cut.
fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let kept: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}
