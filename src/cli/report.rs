//! `keyhound report --datastore`: a report of the stored sweeps, without scanning.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use keyhound::report::Format;
use keyhound::rules::RuleSet;
use keyhound::sweep::Datastore;

use super::ColorChoice;
use super::output::{ExitArgs, Output, emit};
use super::scan::OutputFormat;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The datastore of `keyhound sweep --datastore`.
    #[arg(long, value_name = "PATH", required = true)]
    datastore: PathBuf,
    /// Output format (as `keyhound scan`).
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print secret values in full (they are redacted by default).
    #[arg(long)]
    show_secrets: bool,
    /// Extra rule files the sweep used.
    #[arg(long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Color the text report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// No summary on standard error.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    exit: ExitArgs,
}

/// Runs `keyhound report`.
pub fn run(args: ReportArgs) -> Result<u8> {
    let paths: Vec<&Path> = args.rules.iter().map(PathBuf::as_path).collect();
    let rules = RuleSet::load(&paths).context("cannot load rules")?;
    if !args.datastore.is_file() {
        anyhow::bail!("no datastore at {}", args.datastore.display());
    }
    let store = Datastore::open_existing(&args.datastore)
        .with_context(|| format!("cannot open {}", args.datastore.display()))?;
    let mut outcome = keyhound::sweep::report_from_store(&rules, &store)?;
    outcome.build_inventory(&keyhound::inventory::InventoryOptions {
        now: super::scan::now(),
        salt: None,
    });
    emit(
        &outcome,
        &rules,
        &Output {
            format: Format::from(args.format),
            path: args.output.as_deref(),
            show_secrets: args.show_secrets,
            color: args.color,
            quiet: args.quiet,
            no_timestamps: false,
        },
    )?;
    Ok(args.exit.code(&outcome))
}
