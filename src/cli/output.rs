//! Writing a finished outcome (sweep, merge, report): to `-o FILE` or
//! standard output, in any format, and the exit code it implies.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result};

use keyhound::report::{self, Format, ReportOptions};
use keyhound::rules::{RuleSet, Severity};
use keyhound::scan::ScanOutcome;

use super::scan::FailOn;
use super::{ColorChoice, EXIT_CLEAN, EXIT_FINDINGS};

/// `--fail-on` and `--exit-code` of the commands that write a finished
/// outcome (`sweep`, `merge`, `report`).
#[derive(Debug, clap::Args)]
pub struct ExitArgs {
    /// Lowest severity that sets the exit code.
    #[arg(long, value_enum, default_value_t = FailOn::Low, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Exit code when findings of at least --fail-on severity remain (0 = warn only).
    #[arg(long, value_name = "N", default_value_t = EXIT_FINDINGS)]
    pub exit_code: u8,
}

impl ExitArgs {
    /// The exit code `outcome` implies under these flags.
    pub fn code(&self, outcome: &ScanOutcome) -> u8 {
        exit_code(outcome, Severity::from(self.fail_on), self.exit_code)
    }
}

/// Where and how to write a report.
pub struct Output<'a> {
    /// Format.
    pub format: Format,
    /// File, else standard output.
    pub path: Option<&'a Path>,
    /// `--show-secrets`.
    pub show_secrets: bool,
    /// `--color`.
    pub color: ColorChoice,
    /// `--quiet`: no summary line on stderr.
    pub quiet: bool,
    /// `--no-timestamps`.
    pub no_timestamps: bool,
}

impl Output<'_> {
    /// The report options this output implies (`--color auto`: only on a
    /// terminal, and not with `NO_COLOR`).
    pub fn report_options(&self) -> ReportOptions {
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                self.path.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none()
            }
        };
        ReportOptions {
            show_secrets: self.show_secrets,
            color,
            no_timestamps: self.no_timestamps,
        }
    }
}

/// Writes `outcome` as `output` says.
pub fn emit(outcome: &ScanOutcome, rules: &RuleSet, output: &Output<'_>) -> Result<()> {
    let options = output.report_options();
    match output.path {
        Some(path) => {
            super::scan::write_file(outcome, rules, output.format, &options, path)?;
            if !output.quiet {
                eprintln!("{}", report::summary(outcome, &options));
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            let written = report::write_report(outcome, rules, output.format, &options, &mut out)
                .and_then(|()| out.flush());
            match written {
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other.context("cannot write the report to standard output")?,
            }
        }
    }
    Ok(())
}

/// `exit_code` when a finding of at least `threshold` severity remains, else 0.
pub fn exit_code(outcome: &ScanOutcome, threshold: Severity, exit_code: u8) -> u8 {
    if outcome.findings.iter().any(|f| f.severity >= threshold) {
        exit_code
    } else {
        EXIT_CLEAN
    }
}
