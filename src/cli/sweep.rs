//! `keyhound sweep`: every git repository under directories (or in a list),
//! full history, one merged report and inventory (docs/SWEEPS.md).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use clap::Args;

use keyhound::report::Format;
use keyhound::source::ReadOptions;
use keyhound::sweep::{self, Datastore, NoProgress, Progress, RepoSource, Shard, SweepOptions};

use super::ColorChoice;
use super::output::{ExitArgs, Output, emit};
use super::scan::{DEFAULT_MAX_FILE_SIZE, OutputFormat, parse_size};

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Directories to search for git repositories (work trees, bare and
    /// mirror clones); found repositories are not searched further.
    #[arg(value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// A file listing repositories, one per line: local paths, or clone URLs
    /// (mirrored with `git clone --mirror` into --cache-dir, fetched again on re-runs).
    #[arg(long, value_name = "FILE")]
    repos: Option<PathBuf>,
    /// Where clone URLs of --repos are mirrored [default: the OS cache
    /// directory, e.g. ~/.cache/keyhound/repos].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Only the repositories of shard I of N (0-based): SHA-256 of the
    /// repository identity (path relative to DIR, or URL) modulo N.
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// SQLite datastore for incremental re-runs: blobs already scanned with
    /// the same rules are skipped, unchanged repositories reused.
    #[arg(long, value_name = "PATH")]
    datastore: Option<PathBuf>,
    /// Output format (as `keyhound scan`).
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print secret values in full (they are redacted by default).
    #[arg(long)]
    show_secrets: bool,
    /// Configuration for every repository: a .keyhound.toml or a gitleaks
    /// configuration (rules, disabled rules, allowlists, min_confidence,
    /// max_file_size). Files inside the swept repositories are not read.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Only findings whose fingerprint is not in FILE (a baseline from
    /// `keyhound baseline create`, or a previous JSON report) are reported.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Extra rule files (add rules or override built-ins by id).
    #[arg(long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Worker threads (0 = one per core).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Skip blobs larger than SIZE (bytes, or with K/M/G, KiB/MiB/GiB suffix) [default: 25MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_file_size: Option<u64>,
    /// Scan blobs that look binary.
    #[arg(long)]
    scan_binary: bool,
    /// Decode base64, hex and percent-encoded tokens this many levels deep (0 = off).
    #[arg(long, value_name = "N", default_value_t = keyhound::decode::DEFAULT_DEPTH)]
    decode_depth: usize,
    /// Color the text report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// No progress and no warnings on standard error.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    exit: ExitArgs,
}

/// Runs `keyhound sweep`.
pub fn run(args: SweepArgs) -> Result<u8> {
    if args.dirs.is_empty() && args.repos.is_none() {
        anyhow::bail!("give directories to search (DIR...) or a list (--repos FILE)");
    }
    // Only the configuration and baseline named on the command line: a
    // repository's own .keyhound.toml or ignore file could hide its findings.
    let project = super::project::load(
        &super::project::ProjectFlags {
            roots: &[],
            config: args.config.as_deref(),
            no_config: true,
            rule_files: &args.rules,
            baseline: args.baseline.as_deref(),
        },
        parse_size,
    )?;
    let rules = project.rules;
    let (mut repos, mut problems) = find_repositories(&args)?;
    if let Some(shard) = args.shard {
        repos.retain(|r| shard.owns(&r.identity));
        problems.retain(|(name, _)| shard.owns(name));
    }
    let mut store = match &args.datastore {
        Some(path) => Some(
            Datastore::open(path, rules.hash())
                .with_context(|| format!("cannot open the datastore {}", path.display()))?,
        ),
        None => None,
    };
    let interrupt = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupt);
    // First Ctrl-C: finish the repository at hand (its datastore
    // transaction), then stop and report; a second one exits at once.
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("keyhound: interrupted: finishing the current repository (Ctrl-C again to quit)");
    });
    let options = SweepOptions {
        read: ReadOptions {
            max_file_size: args
                .max_file_size
                .or(project.max_file_size)
                .unwrap_or(DEFAULT_MAX_FILE_SIZE),
            scan_binary: args.scan_binary,
            archives: None,
            decode: keyhound::decode::Limits::with_depth(args.decode_depth),
            time_budget: Some(keyhound::source::DEFAULT_FILE_TIME_BUDGET),
            declared: false,
        },
        threads: args.threads,
        now: super::scan::now(),
    };
    let mut progress: Box<dyn Progress> = if args.quiet {
        Box::new(NoProgress)
    } else {
        super::progress::display(repos.len() as u64)
    };
    if let Some(after) = std::env::var(STALL_AFTER)
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        progress = Box::new(StallAfter {
            inner: progress,
            after,
        });
    }
    let mut outcome = sweep::sweep(
        &rules,
        &repos,
        &options,
        store.as_mut(),
        progress.as_ref(),
        &interrupt,
    )?;
    drop(progress);
    for (name, message) in problems {
        outcome.stats.errors += 1;
        outcome.errors.push(keyhound::scan::ScanIssue {
            path: name,
            message,
        });
    }
    outcome.errors.sort();
    if let Some(min) = project.min_confidence {
        outcome.retain_min_confidence(min);
    }
    let suppressed = project.suppressions.apply(&mut outcome);
    outcome.notes.extend(project.notes);
    if suppressed.total() > 0 {
        outcome.notes.push(format!(
            "{} known findings not reported ({} in the baseline, {} allowlisted)",
            suppressed.total(),
            suppressed.baseline,
            suppressed.allowlisted
        ));
    }
    outcome.notes.sort();
    outcome.build_inventory(&keyhound::inventory::InventoryOptions {
        now: super::scan::now(),
        salt: None,
    });
    if !args.quiet {
        for note in &outcome.notes {
            eprintln!("keyhound: note: {note}");
        }
        for issue in &outcome.errors {
            eprintln!("keyhound: warning: {}: {}", issue.path, issue.message);
        }
    }
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
    if interrupt.load(Ordering::SeqCst) {
        return Ok(130);
    }
    Ok(args.exit.code(&outcome))
}

/// Test hook (not a user option): after this many repositories are done
/// (each saved to the datastore), the sweep says so on standard error and
/// stalls, so that a test can kill it at a known point.
const STALL_AFTER: &str = "KEYHOUND_TEST_STALL_AFTER_REPOS";

/// Progress that stalls the sweep after `after` repositories ([`STALL_AFTER`]).
struct StallAfter {
    inner: Box<dyn Progress>,
    after: u64,
}

impl Progress for StallAfter {
    fn repository_started(&self, name: &str, snapshot: &sweep::Snapshot) {
        self.inner.repository_started(name, snapshot);
    }

    fn repository_done(&self, name: &str, snapshot: &sweep::Snapshot) {
        self.inner.repository_done(name, snapshot);
        if snapshot.repos_done == self.after {
            eprintln!("keyhound: test: stalled after {} repositories", self.after);
            loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
        }
    }
}

/// A repository that could not be made ready: (identity, message).
type Problem = (String, String);

/// Repositories under the DIRs and in --repos, sorted by identity and
/// deduplicated; problems as (identity, message).
fn find_repositories(args: &SweepArgs) -> Result<(Vec<RepoSource>, Vec<Problem>)> {
    let mut repos = Vec::new();
    let mut problems = Vec::new();
    for dir in &args.dirs {
        if !dir.is_dir() {
            anyhow::bail!("not a directory: {}", dir.display());
        }
        let (found, unreadable) = sweep::discover(dir);
        repos.extend(found);
        problems.extend(unreadable);
    }
    if let Some(list) = &args.repos {
        let text = std::fs::read_to_string(list)
            .with_context(|| format!("cannot read {}", list.display()))?;
        let cache = args
            .cache_dir
            .clone()
            .unwrap_or_else(sweep::default_cache_dir);
        let (ready, failed) = sweep::prepare(&sweep::entries(&text), &cache);
        repos.extend(ready);
        problems.extend(failed.into_iter().map(|p| (p.entry, p.message)));
    }
    repos.sort();
    repos.dedup_by(|a, b| a.identity == b.identity);
    Ok((repos, problems))
}
