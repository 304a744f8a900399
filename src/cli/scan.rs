//! `keyhound scan`: flags -> scan options -> report -> exit code.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use keyhound::report::{self, Format, ReportOptions};
use keyhound::rules::{Confidence, RuleSet, Severity};
use keyhound::scan::{GitMode, GitScanOptions, ScanOutcome, Target};
use keyhound::source::ReadOptions;
use keyhound::source::archive::ArchiveLimits;
use keyhound::source::fs::WalkOptions;
use keyhound::source::stores::StoreKind;

use super::{ColorChoice, EXIT_CLEAN, EXIT_FINDINGS};

/// Most warnings printed to stderr per kind before summarising the rest.
const MAX_WARNINGS: usize = 20;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input [default: `.`,
    /// none with --stdin].
    #[arg(value_name = "PATH")]
    paths: Vec<String>,
    /// Read standard input (same as the PATH `-`).
    #[arg(long)]
    stdin: bool,
    /// Standard input is an exported config store (needs --stdin): each
    /// entry is scanned on its own and reported as e.g. `k8s:NAMESPACE/NAME/KEY`.
    #[arg(long, value_enum, value_name = "KIND")]
    store: Option<StoreArg>,
    /// Output format: findings (text, json, jsonl, sarif) or the identity
    /// inventory (inventory = JSON, csv, html; `keyhound inventory` prints a table).
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print secret values in full (they are redacted by default).
    #[arg(long)]
    show_secrets: bool,
    /// Key fingerprints and identity ids with SALT (HMAC-SHA256) for reports
    /// shared outside the team: without the salt nobody can test a guessed
    /// secret against them. Baselines and ignore files match either form.
    #[arg(long, value_name = "SALT")]
    fingerprint_salt: Option<String>,
    /// Leave elapsed times out of reports (JSON `stats.elapsed_ms` is 0, the
    /// text summary has no time), so runs compare byte for byte.
    #[arg(long)]
    no_timestamps: bool,
    /// Extra rule files (add rules or override built-ins by id).
    #[arg(long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Worker threads (0 = one per core).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Skip files larger than SIZE (bytes, or with K/M/G, KiB/MiB/GiB suffix)
    /// [default: 25MiB, or max_file_size in .keyhound.toml].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_file_size: Option<u64>,
    /// Scan files that look binary (NUL byte in the first 8 KiB).
    #[arg(long)]
    scan_binary: bool,
    /// Do not open archives (zip/jar/war/whl/apk/docx, tar, tar.gz, .gz,
    /// docker save images); they are then treated as binary files.
    #[arg(long)]
    no_archives: bool,
    /// Decompress at most SIZE per top-level archive, nested ones included
    /// (bytes, or with K/M/G, KiB/MiB/GiB suffix) [default: 256MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    archive_max_bytes: Option<u64>,
    /// Decode base64, hex and percent-encoded tokens this many levels deep
    /// and scan the decoded text (0 = off).
    #[arg(long, value_name = "N", default_value_t = keyhound::decode::DEFAULT_DEPTH)]
    decode_depth: usize,
    /// Stop detecting in a file after SECS seconds (0 = no limit), with a
    /// warning naming it: a pathological file cannot stall the run.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    file_time_budget: f64,
    /// Honour .gitignore/.ignore files (off by default: ignored .env files leak too).
    #[arg(long)]
    respect_gitignore: bool,
    /// Follow symbolic links.
    #[arg(long)]
    follow_symlinks: bool,
    /// Color the text report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Do not print warnings (unreadable or skipped files) to standard error.
    #[arg(short, long)]
    quiet: bool,
    /// Report only findings of at least this confidence [default: low, or
    /// min_confidence in .keyhound.toml].
    #[arg(long, value_enum)]
    min_confidence: Option<MinConfidence>,
    /// Only findings whose fingerprint is not in FILE (a baseline from
    /// `keyhound baseline create`, or a previous `scan -f json` report) are
    /// reported and set the exit code.
    #[arg(long, value_name = "FILE", help_heading = "Suppression")]
    baseline: Option<PathBuf>,
    /// Project configuration: a .keyhound.toml, or a gitleaks configuration
    /// (told apart by content). Default: .keyhound.toml, else .gitleaks.toml,
    /// in the scan root or the current directory.
    #[arg(long, value_name = "FILE", help_heading = "Suppression")]
    config: Option<PathBuf>,
    /// Ignore .keyhound.toml, .gitleaks.toml, .keyhoundignore and
    /// .gitleaksignore found next to the scan.
    #[arg(long, help_heading = "Suppression", conflicts_with = "config")]
    no_config: bool,
    /// Lowest severity that sets the exit code; findings below it are still
    /// reported.
    #[arg(long, value_enum, default_value_t = FailOn::Low, value_name = "SEVERITY", help_heading = "Exit code")]
    fail_on: FailOn,
    /// Also fail on risks of identities declared by infrastructure code
    /// (NHI5/NHI6/NHI7 reasons of at least this severity); by default they
    /// are reported only.
    #[arg(long, value_enum, value_name = "SEVERITY", help_heading = "Exit code")]
    fail_on_declared: Option<FailOn>,
    /// Do not parse infrastructure code (Terraform, CloudFormation,
    /// Kubernetes, workflows) for declared identities.
    #[arg(long)]
    no_declared: bool,
    /// Exit code when findings of at least --fail-on severity remain (0 =
    /// warn only).
    #[arg(long, value_name = "N", default_value_t = EXIT_FINDINGS, help_heading = "Exit code")]
    exit_code: u8,
    /// Scan git history: PATHs are repositories (work trees, bare or mirror
    /// clones); every blob reachable from any ref is scanned once.
    #[arg(long, help_heading = "Git")]
    git: bool,
    /// With --git: only history reachable from REF.
    #[arg(long, value_name = "REF", help_heading = "Git")]
    branch: Option<String>,
    /// With --git: only commits authored on or after DATE (2024-01-31,
    /// 2024-01-31T12:00:00Z, "2 weeks ago", or seconds since the epoch).
    #[arg(long, value_name = "DATE", value_parser = parse_date, help_heading = "Git")]
    since: Option<i64>,
    /// With --git: only the newest N commits.
    #[arg(long, value_name = "N", help_heading = "Git")]
    max_commits: Option<usize>,
    /// Scan only what the commits of BASE..HEAD add (pull requests, pushes);
    /// implies --git. An all-zero or empty BASE scans all of HEAD's history.
    #[arg(
        long,
        value_name = "BASE..HEAD",
        help_heading = "Git",
        conflicts_with = "staged"
    )]
    range: Option<String>,
    /// Scan staged changes (index vs HEAD), added lines only: for pre-commit hooks.
    #[arg(long, help_heading = "Git", conflicts_with_all = ["branch", "since", "max_commits"])]
    staged: bool,
}

/// Parses a date for --since into seconds since the epoch.
fn parse_date(text: &str) -> Result<i64, String> {
    if let Ok(seconds) = text.trim().parse::<i64>() {
        return Ok(seconds);
    }
    gix::date::parse(text, Some(gix::date::Zoned::now()))
        .map(|time| time.seconds)
        .map_err(|err| format!("invalid date {text:?}: {err}"))
}

/// Exported config stores `--store` reads from standard input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StoreArg {
    /// `kubectl get secrets -A -o json`
    K8s,
    /// `consul kv export`
    Consul,
    /// `etcdctl get "" --prefix -w json`
    Etcd,
    /// `vault kv get -format=json PATH`
    Vault,
    /// `aws ssm get-parameters-by-path --with-decryption --path PATH`
    Ssm,
    /// `env` or `printenv`
    Env,
    /// `docker inspect CONTAINER...`
    Docker,
}

impl From<StoreArg> for StoreKind {
    fn from(value: StoreArg) -> Self {
        match value {
            StoreArg::K8s => StoreKind::K8s,
            StoreArg::Consul => StoreKind::Consul,
            StoreArg::Etcd => StoreKind::Etcd,
            StoreArg::Vault => StoreKind::Vault,
            StoreArg::Ssm => StoreKind::Ssm,
            StoreArg::Env => StoreKind::Env,
            StoreArg::Docker => StoreKind::Docker,
        }
    }
}

impl ScanArgs {
    /// The PATHs as given, else `.` (unless --stdin reads standard input).
    fn roots(&self) -> Vec<String> {
        if self.paths.is_empty() && !self.stdin {
            vec![".".to_string()]
        } else {
            self.paths.clone()
        }
    }

    /// What to scan: the roots, standard input once (as the --store export
    /// when given).
    fn targets(&self, roots: &[String]) -> Result<Vec<Target>> {
        let mut targets: Vec<Target> = roots
            .iter()
            .filter(|p| *p != "-")
            .map(|p| Target::Path(PathBuf::from(p)))
            .collect();
        let stdin = self.stdin || roots.iter().any(|p| p == "-");
        match (self.store, stdin) {
            (Some(kind), true) => targets.push(Target::Store(kind.into())),
            (Some(_), false) => {
                anyhow::bail!("--store reads standard input: add --stdin (or the PATH `-`)")
            }
            (None, true) => targets.push(Target::Stdin),
            (None, false) => {}
        }
        Ok(targets)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MinConfidence {
    Low,
    Medium,
    High,
}

impl From<MinConfidence> for Confidence {
    fn from(value: MinConfidence) -> Self {
        match value {
            MinConfidence::Low => Confidence::Low,
            MinConfidence::Medium => Confidence::Medium,
            MinConfidence::High => Confidence::High,
        }
    }
}

/// Severity threshold of `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum FailOn {
    Critical,
    High,
    Medium,
    Low,
}

impl From<FailOn> for Severity {
    fn from(value: FailOn) -> Self {
        match value {
            FailOn::Critical => Severity::Critical,
            FailOn::High => Severity::High,
            FailOn::Medium => Severity::Medium,
            FailOn::Low => Severity::Low,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    Text,
    Json,
    Jsonl,
    Sarif,
    Inventory,
    Csv,
    Html,
    Markdown,
}

impl From<OutputFormat> for Format {
    fn from(format: OutputFormat) -> Self {
        match format {
            OutputFormat::Text => Format::Text,
            OutputFormat::Json => Format::Json,
            OutputFormat::Jsonl => Format::Jsonl,
            OutputFormat::Sarif => Format::Sarif,
            OutputFormat::Inventory => Format::Inventory,
            OutputFormat::Csv => Format::Csv,
            OutputFormat::Html => Format::Html,
            OutputFormat::Markdown => Format::Markdown,
        }
    }
}

/// Runs `keyhound scan`.
pub fn run(args: ScanArgs) -> Result<u8> {
    let format = Format::from(args.format);
    run_as(args, format, &[])
}

/// "Now" for expiry and age: `SOURCE_DATE_EPOCH` when set (reproducible
/// reports), else the clock.
pub(super) fn now() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        })
}

/// Scans as `args` say, writes the report in `format` (to `--output` or
/// standard output) and each `(format, file)` of `extra`; returns the exit code.
pub fn run_as(args: ScanArgs, format: Format, extra: &[(Format, PathBuf)]) -> Result<u8> {
    let (outcome, rules) = scan_with(&args, args.baseline.as_deref())?;
    let output = super::output::Output {
        format,
        path: args.output.as_deref(),
        show_secrets: args.show_secrets,
        color: args.color,
        quiet: args.quiet,
        no_timestamps: args.no_timestamps,
    };
    let report_options = output.report_options();
    let locations: usize = outcome.findings.iter().map(|f| f.locations.len()).sum();
    let sarif_written = format == Format::Sarif || extra.iter().any(|(f, _)| *f == Format::Sarif);
    if sarif_written && locations > report::MAX_SARIF_RESULTS {
        eprintln!(
            "keyhound: warning: SARIF holds the first {} of {locations} results (GitHub's limit per run); the rest are counted in runs[0].properties[\"keyhound/omittedResults\"] and listed in -f json",
            report::MAX_SARIF_RESULTS
        );
    }
    for (extra_format, path) in extra {
        write_file(&outcome, &rules, *extra_format, &report_options, path)?;
    }
    super::output::emit(&outcome, &rules, &output)?;
    let threshold = Severity::from(args.fail_on);
    let declared_failing = args.fail_on_declared.map_or(0, |minimum| {
        let minimum = Severity::from(minimum);
        outcome
            .identities
            .iter()
            .flat_map(|i| &i.risk.reasons)
            .filter(|r| r.path.is_some())
            .filter(|r| matches!(r.nhi.as_deref(), Some("NHI5" | "NHI6" | "NHI7")))
            .filter(|r| keyhound::inventory::declared_reason_severity(r.points) >= minimum)
            .count()
    });
    let failing = outcome
        .findings
        .iter()
        .filter(|f| f.severity >= threshold)
        .count()
        + declared_failing;
    if failing == 0 {
        return Ok(EXIT_CLEAN);
    }
    if args.staged && !args.quiet {
        eprintln!("{}", commit_blocked_message(failing));
    }
    Ok(args.exit_code)
}

/// What a pre-commit hook says when it refuses a commit: what happened and
/// the ways forward.
fn commit_blocked_message(failing: usize) -> String {
    let what = if failing == 1 {
        "a secret".to_string()
    } else {
        format!("{failing} secrets")
    };
    format!(
        "keyhound: commit blocked: the staged changes add {what} (above).\n  \
         Remove it from the staged file (edit, then `git add`) and rotate it if it is real.\n  \
         A false alarm? Put `keyhound:allow` in a comment on that line, add its fingerprint to \
         .keyhoundignore, or skip this hook once (`SKIP=keyhound git commit` / `git commit --no-verify`)."
    )
}

/// Runs `keyhound baseline create`: the findings of a scan (honouring
/// ignore files and allowlists) as a baseline document.
pub fn create_baseline(args: ScanArgs) -> Result<u8> {
    let (outcome, _) = scan_with(&args, None)?;
    let document = keyhound::suppress::BaselineDocument::of(&outcome.findings);
    let mut text = serde_json::to_string_pretty(&document)?;
    text.push('\n');
    match &args.output {
        Some(path) => write_atomically(path, |out| out.write_all(text.as_bytes()))?,
        None => print!("{text}"),
    }
    if !args.quiet {
        eprintln!(
            "keyhound: baseline of {} findings{}",
            outcome.findings.len(),
            args.output
                .as_ref()
                .map(|p| format!(" written to {}", p.display()))
                .unwrap_or_default()
        );
    }
    Ok(EXIT_CLEAN)
}

/// Loads the project, scans, filters by confidence, applies suppressions
/// (`baseline` among them) and builds the inventory.
fn scan_with(args: &ScanArgs, baseline: Option<&Path>) -> Result<(ScanOutcome, RuleSet)> {
    let roots = args.roots();
    let project = super::project::load(
        &super::project::ProjectFlags {
            roots: &roots,
            config: args.config.as_deref(),
            no_config: args.no_config,
            rule_files: &args.rules,
            baseline,
        },
        parse_size,
    )?;
    let rules = project.rules;
    let max_file_size = args
        .max_file_size
        .or(project.max_file_size)
        .unwrap_or(DEFAULT_MAX_FILE_SIZE);
    let min_confidence: Confidence = args
        .min_confidence
        .map(Confidence::from)
        .or(project.min_confidence)
        .unwrap_or(Confidence::Low);
    let targets = args.targets(&roots)?;
    let options = WalkOptions {
        read: ReadOptions {
            max_file_size,
            scan_binary: args.scan_binary,
            archives: archive_limits(args),
            decode: keyhound::decode::Limits::with_depth(args.decode_depth),
            time_budget: (args.file_time_budget > 0.0)
                .then(|| std::time::Duration::try_from_secs_f64(args.file_time_budget).ok())
                .flatten(),
            declared: !args.no_declared,
        },
        respect_gitignore: args.respect_gitignore,
        follow_symlinks: args.follow_symlinks,
        threads: args.threads,
    };
    let git_mode = if args.staged {
        Some(GitMode::Staged)
    } else if let Some(range) = &args.range {
        Some(GitMode::Range(range.clone()))
    } else if args.git {
        Some(GitMode::History)
    } else {
        None
    };
    let mut outcome = match git_mode {
        Some(mode) => {
            if targets
                .iter()
                .any(|t| matches!(t, Target::Stdin | Target::Store(_)))
            {
                anyhow::bail!("`-` (standard input) cannot be combined with git scans");
            }
            let repos: Vec<PathBuf> = roots.iter().map(PathBuf::from).collect();
            let git_options = GitScanOptions {
                mode,
                branch: args.branch.clone(),
                since: args.since,
                max_commits: args.max_commits,
                read: options.read.clone(),
                threads: args.threads,
            };
            keyhound::scan::scan_git(&rules, &repos, &git_options)?
        }
        None => {
            if args.branch.is_some() || args.since.is_some() || args.max_commits.is_some() {
                anyhow::bail!("--branch, --since and --max-commits need --git");
            }
            keyhound::scan(&rules, &targets, &options)?
        }
    };
    outcome.retain_min_confidence(min_confidence);
    let mut suppressed = project.suppressions.apply(&mut outcome);
    if let Some(salt) = &args.fingerprint_salt {
        outcome.salt_fingerprints(salt);
        // A baseline or ignore file written from salted reports matches now.
        let again = project.suppressions.apply(&mut outcome);
        suppressed.baseline += again.baseline;
        suppressed.ignored += again.ignored;
        suppressed.allowlisted += again.allowlisted;
    }
    if args.no_timestamps {
        outcome.stats.elapsed_ms = 0;
    }
    outcome.notes.extend(project.notes);
    if suppressed.total() > 0 {
        outcome.notes.push(format!(
            "{} known findings not reported ({} in the baseline, {} in {}, {} allowlisted)",
            suppressed.total(),
            suppressed.baseline,
            suppressed.ignored,
            super::project::IGNORE_FILE,
            suppressed.allowlisted
        ));
    }
    outcome.notes.sort();
    outcome.build_inventory(&keyhound::inventory::InventoryOptions {
        now: now(),
        salt: args.fingerprint_salt.clone(),
    });
    if !args.quiet {
        warn(&outcome, max_file_size);
    }
    Ok((outcome, rules))
}

/// Archive limits from `--no-archives` and `--archive-max-bytes`.
fn archive_limits(args: &ScanArgs) -> Option<ArchiveLimits> {
    let defaults = ArchiveLimits::default();
    (!args.no_archives).then(|| ArchiveLimits {
        max_total_bytes: args.archive_max_bytes.unwrap_or(defaults.max_total_bytes),
        ..defaults
    })
}

/// Default of `--max-file-size`.
pub(super) const DEFAULT_MAX_FILE_SIZE: u64 = 25 << 20;

/// Writes one report to `path` ([`write_atomically`]).
pub(super) fn write_file(
    outcome: &ScanOutcome,
    rules: &RuleSet,
    format: Format,
    options: &ReportOptions,
    path: &Path,
) -> Result<()> {
    write_atomically(path, |out| {
        report::write_report(outcome, rules, format, options, out)
    })
}

/// Writes `path` atomically: `write` fills a temporary file in the same
/// directory (created with mode 0600 on unix: reports name secrets), which
/// is flushed, synced and renamed over `path`. A reader never sees half a
/// report, and a failed write leaves any previous file untouched.
pub(crate) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    // Only a regular file (or a new one) is replaced by rename: `/dev/null`,
    // `/dev/stdout`, a FIFO are written in place, and a symbolic link keeps
    // pointing where it did (its target is replaced).
    let resolved;
    let path = match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            let mut out = BufWriter::new(file);
            return write(&mut out)
                .and_then(|()| out.flush())
                .with_context(|| format!("cannot write {}", path.display()));
        }
        Ok(_) if path.is_symlink() => {
            resolved = std::fs::canonicalize(path)
                .with_context(|| format!("cannot resolve {}", path.display()))?;
            resolved.as_path()
        }
        _ => path,
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create output file {}", path.display()))?;
    let mut out = BufWriter::new(temp);
    write(&mut out)
        .and_then(|()| out.flush())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let temp = out
        .into_inner()
        .map_err(|err| err.into_error())
        .with_context(|| format!("cannot write {}", path.display()))?;
    temp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    temp.persist(path)
        .map_err(|err| err.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn warn(outcome: &ScanOutcome, limit: u64) {
    for note in &outcome.notes {
        eprintln!("keyhound: note: {note}");
    }
    for issue in outcome.errors.iter().take(MAX_WARNINGS) {
        eprintln!("keyhound: warning: {}", issue.message);
    }
    if outcome.errors.len() > MAX_WARNINGS {
        eprintln!(
            "keyhound: warning: ... and {} more unreadable paths (see the JSON report's `errors`)",
            outcome.errors.len() - MAX_WARNINGS
        );
    }
    for skipped in outcome.skipped.iter().take(MAX_WARNINGS) {
        eprintln!(
            "keyhound: note: skipped {}: {}",
            skipped.path,
            skipped.reason.describe(limit)
        );
    }
    if outcome.skipped.len() > MAX_WARNINGS {
        eprintln!(
            "keyhound: note: ... and {} more files over the size or archive limits",
            outcome.skipped.len() - MAX_WARNINGS
        );
    }
}

/// Parses `1234`, `10K`, `25M`, `1G`, `512KiB`, `25MiB` (binary multiples).
pub(super) fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("invalid size {text:?}: expected e.g. 1048576, 512K, 25MiB"))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("invalid size unit {other:?} in {text:?}")),
    };
    number
        .checked_mul(multiplier)
        .ok_or_else(|| format!("size {text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("25MiB"), Ok(25 << 20));
        assert_eq!(parse_size("1k"), Ok(1024));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }

    #[test]
    fn dates() {
        use super::parse_date;
        assert_eq!(parse_date("1700000000"), Ok(1_700_000_000));
        assert_eq!(parse_date("2023-12-01"), Ok(1_701_388_800));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let two_weeks_ago = parse_date("2 weeks ago").unwrap_or(0);
        assert!(
            (now - 14 * 86_400 - two_weeks_ago).abs() < 3_600,
            "{two_weeks_ago}"
        );
        assert!(parse_date("not a date").is_err());
    }
}
