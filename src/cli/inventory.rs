//! `keyhound inventory`: scan, then show machine identities (table, JSON,
//! CSV, HTML); `keyhound inventory diff OLD NEW` compares two inventory files.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use keyhound::inventory::{Identity, InventoryDiff};
use keyhound::report::Format;

use super::scan::{OutputFormat, ScanArgs};
use super::{EXIT_CLEAN, EXIT_FINDINGS};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct InventoryArgs {
    #[command(subcommand)]
    command: Option<InventoryCommand>,
    #[command(flatten)]
    scan: ScanArgs,
    /// Also write the inventory JSON document to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Also write the inventory as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Also write the HTML report to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum InventoryCommand {
    /// Identities added, removed and changed between two inventory (or
    /// `scan -f json`) files: the rotation check. Exit 1 when anything differs.
    Diff {
        /// The older inventory.
        old: PathBuf,
        /// The newer inventory.
        new: PathBuf,
        /// Print the difference as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `keyhound inventory`. Exit code 0 unless an error stops it: an
/// inventory is a report, not a gate.
pub fn run(args: InventoryArgs) -> Result<u8> {
    match args.command {
        Some(InventoryCommand::Diff { old, new, json }) => diff(&old, &new, json),
        None => {
            let format = match args.scan.format {
                OutputFormat::Text => Format::InventoryTable,
                other => Format::from(other),
            };
            let extra: Vec<(Format, PathBuf)> = [
                (Format::Inventory, args.json),
                (Format::Csv, args.csv),
                (Format::Html, args.html),
            ]
            .into_iter()
            .filter_map(|(format, path)| path.map(|p| (format, p)))
            .collect();
            super::scan::run_as(args.scan, format, &extra).map(|_| EXIT_CLEAN)
        }
    }
}

fn diff(old: &Path, new: &Path, json: bool) -> Result<u8> {
    let before = read(old)?;
    let after = read(new)?;
    let difference = keyhound::inventory::diff(&before, &after);
    if json {
        println!("{}", serde_json::to_string_pretty(&difference)?);
    } else {
        print_diff(&difference);
    }
    Ok(if difference.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

fn print_diff(difference: &InventoryDiff) {
    let line = |sign: &str, identity: &Identity| {
        println!(
            "{sign} {} {} {} {} (risk {})",
            identity.id,
            identity.kind,
            identity.provider,
            identity.principal.as_deref().unwrap_or("-"),
            identity.risk.score
        );
    };
    for identity in &difference.added {
        line("+", identity);
    }
    for identity in &difference.removed {
        line("-", identity);
    }
    for change in &difference.changed {
        println!(
            "~ {} {}: {}",
            change.id,
            change.label,
            change.changes.join(", ")
        );
    }
    println!(
        "{} added, {} removed, {} changed, {} unchanged",
        difference.added.len(),
        difference.removed.len(),
        difference.changed.len(),
        difference.unchanged
    );
}

/// Reads identities from an inventory document or a full JSON report.
fn read(path: &Path) -> Result<Vec<Identity>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let identities = value.get("identities").cloned().with_context(|| {
        format!(
            "{} has no `identities`: expected `keyhound inventory -f inventory` or `keyhound scan -f json` output",
            path.display()
        )
    })?;
    serde_json::from_value(identities).with_context(|| {
        format!(
            "{}: `identities` does not match the inventory schema",
            path.display()
        )
    })
}
