//! Command line: clap definitions and flag -> library config translation.
//! Nothing below this module sees clap.

mod completions;
mod debug;
mod inventory;
mod merge;
mod output;
mod progress;
mod project;
mod report;
mod rules;
mod scan;
mod sweep;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit code: nothing found.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: findings (or rule problems for `rules check`).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: an error stopped the command.
pub const EXIT_ERROR: u8 = 2;

/// keyhound: find hardcoded secrets and the machine identities they belong to.
#[derive(Debug, Parser)]
#[command(name = "keyhound", version, about, propagate_version = true)]
#[command(after_help = "Exit codes: 0 no findings, 1 findings, 2 error.")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Scan files, directories or standard input (`-`) for secrets.
    Scan(scan::ScanArgs),
    /// Scan, then list the machine identities found, riskiest first (table,
    /// or -f inventory|csv|html); `inventory diff OLD NEW` compares two runs.
    Inventory(inventory::InventoryArgs),
    /// Sweep many repositories (every git repository under DIRs, or a
    /// --repos list), full history, into one report and inventory.
    Sweep(sweep::SweepArgs),
    /// Merge JSON reports of disjoint runs (sweep shards) into one report.
    Merge(merge::MergeArgs),
    /// Report what a sweep datastore holds, without scanning.
    Report(report::ReportArgs),
    /// Baselines: accept today's findings so that only new ones fail a build.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// List or check rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Developer tools (for training and debugging; not a stable interface).
    #[command(subcommand, hide = true)]
    Debug(DebugCommand),
    #[command(flatten)]
    Shell(completions::ShellCommand),
}

#[derive(Debug, Subcommand)]
enum DebugCommand {
    /// Print every generic candidate with its scorer features (JSON lines).
    Features {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum BaselineCommand {
    /// Scan (same flags as `scan`) and write the findings' fingerprints as a
    /// baseline (`-o FILE`; no timestamps or line numbers, so it merges cleanly).
    Create(scan::ScanArgs),
}

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// Print every rule: id, name, provider, confidence, severity.
    List {
        /// Extra rule files (add rules or override built-ins by id).
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Lint a rule file (default: the built-in pack) and run every example and
    /// negative example through the full detector.
    Check {
        /// Rule file to check, on top of the built-in pack.
        file: Option<PathBuf>,
    },
}

/// Format of `rules list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

/// When to color text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color when stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// A panic prints where it happened but not its message, which may quote
/// scanned content (a secret) — unless `KEYHOUND_PANIC_MESSAGES` is set.
/// The process then exits with Rust's panic code, 101.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if std::env::var_os("KEYHOUND_PANIC_MESSAGES").is_some() {
            let payload = info
                .payload()
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            eprintln!("keyhound: internal error{location}: {payload}");
        } else {
            eprintln!(
                "keyhound: internal error{location} (a bug: please report it); its message is \
                 withheld as it may quote scanned content (KEYHOUND_PANIC_MESSAGES=1 shows it)"
            );
        }
    }));
}

/// Parses the command line, runs it and returns the exit code.
pub fn main() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Inventory(args) => inventory::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Report(args) => report::run(args),
        Command::Baseline(BaselineCommand::Create(args)) => scan::create_baseline(args),
        Command::Rules(RulesCommand::List { rules, format }) => {
            rules::list(&rules, format == ListFormat::Json)
        }
        Command::Rules(RulesCommand::Check { file }) => rules::check(file.as_deref()),
        Command::Debug(DebugCommand::Features { paths }) => debug::features(&paths),
        Command::Shell(command) => completions::run(command),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader went away (`keyhound rules list | head`): stop quietly with
        // the status a tool killed by SIGPIPE has, as grep or cat would.
        Err(err) if is_broken_pipe(&err) => ExitCode::from(141),
        Err(err) => {
            eprintln!("keyhound: error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// True when `err` comes from writing to a pipe whose reader has exited.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
