//! `keyhound merge`: JSON reports of shards into one report.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use keyhound::report::Format;
use keyhound::rules::RuleSet;

use super::ColorChoice;
use super::output::{ExitArgs, Output, emit};
use super::scan::OutputFormat;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports (`-f json`) of disjoint runs, e.g. the shards of a sweep.
    #[arg(value_name = "REPORT", required = true)]
    reports: Vec<PathBuf>,
    /// Output format (as `keyhound scan`).
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    /// Write the merged report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Extra rule files the shards used (for the rule pack named in the report).
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

/// Runs `keyhound merge`.
pub fn run(args: MergeArgs) -> Result<u8> {
    let paths: Vec<&std::path::Path> = args.rules.iter().map(PathBuf::as_path).collect();
    let rules = RuleSet::load(&paths).context("cannot load rules")?;
    let mut reports = Vec::new();
    for path in &args.reports {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        reports.push((path.display().to_string(), text));
    }
    let outcome = keyhound::sweep::merge_reports(&reports, super::scan::now())?;
    // Secrets of redacted reports stay redacted; shown ones stay shown.
    emit(
        &outcome,
        &rules,
        &Output {
            format: Format::from(args.format),
            path: args.output.as_deref(),
            show_secrets: true,
            color: args.color,
            quiet: args.quiet,
            no_timestamps: false,
        },
    )?;
    Ok(args.exit.code(&outcome))
}
