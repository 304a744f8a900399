//! Project settings: `.keyhound.toml`, a gitleaks configuration, baselines and
//! ignore files, found next to what is scanned, turned into the rule set and
//! the suppressions of one run.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use keyhound::rules::{Confidence, RuleSet, RuleSpec};
use keyhound::suppress::{
    Allowlist, AllowlistSpec, ConfigKind, IgnoreFile, ProjectConfig, Suppressions, baseline,
    config, gitleaksignore,
};

/// File names looked for in the scan root (then the current directory).
pub const PROJECT_CONFIG: &str = ".keyhound.toml";
/// gitleaks' configuration file name.
pub const GITLEAKS_CONFIG: &str = ".gitleaks.toml";
/// Fingerprints of accepted findings.
pub const IGNORE_FILE: &str = ".keyhoundignore";
/// gitleaks' ignore file.
pub const GITLEAKS_IGNORE: &str = ".gitleaksignore";

/// What the flags say about project files.
#[derive(Debug, Default)]
pub struct ProjectFlags<'a> {
    /// Scan roots as given.
    pub roots: &'a [String],
    /// `--config FILE` (keyhound or gitleaks, told apart by content).
    pub config: Option<&'a Path>,
    /// `--no-config`: ignore project files found next to the scan.
    pub no_config: bool,
    /// `--rules FILE...`.
    pub rule_files: &'a [PathBuf],
    /// `--baseline FILE`.
    pub baseline: Option<&'a Path>,
}

/// The rule set, suppressions and defaults of one run.
pub struct Project {
    /// Rules to run.
    pub rules: RuleSet,
    /// What suppresses findings.
    pub suppressions: Suppressions,
    /// `min_confidence` from the project configuration.
    pub min_confidence: Option<Confidence>,
    /// `max_file_size` from the project configuration (bytes).
    pub max_file_size: Option<u64>,
    /// Things to tell the user (gitleaks rules that could not be translated...).
    pub notes: Vec<String>,
}

/// The first of `root/name` (for the first root that is a directory) and `./name` that exists.
fn find(roots: &[String], name: &str) -> Option<PathBuf> {
    let root = roots
        .iter()
        .map(Path::new)
        .find(|p| p.is_dir())
        .map(Path::to_path_buf);
    root.into_iter()
        .chain(std::iter::once(PathBuf::from(".")))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Loads everything the flags and the project files say.
pub fn load(
    flags: &ProjectFlags<'_>,
    parse_size: fn(&str) -> Result<u64, String>,
) -> Result<Project> {
    let found = |name: &str| {
        if flags.no_config {
            None
        } else {
            find(flags.roots, name)
        }
    };
    let mut keyhound_config: Option<PathBuf> = None;
    let mut gitleaks_config: Option<PathBuf> = None;
    match flags.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read configuration {}", path.display()))?;
            match config::kind_of(&text) {
                ConfigKind::Keyhound => keyhound_config = Some(path.to_path_buf()),
                ConfigKind::Gitleaks => gitleaks_config = Some(path.to_path_buf()),
            }
        }
        None => {
            keyhound_config = found(PROJECT_CONFIG);
            if keyhound_config.is_none() {
                gitleaks_config = found(GITLEAKS_CONFIG);
            }
        }
    }
    let project = match &keyhound_config {
        Some(path) => ProjectConfig::read(path)?,
        None => ProjectConfig::default(),
    };
    if gitleaks_config.is_none() {
        gitleaks_config = project.gitleaks_config.clone();
    }
    let mut notes = Vec::new();
    let mut extra: Vec<(String, RuleSpec)> = Vec::new();
    let mut allowlist_specs: Vec<AllowlistSpec> = project.allowlists.clone();
    if let Some(path) = &gitleaks_config {
        let translated = keyhound::rules::gitleaks::load(path)
            .with_context(|| format!("cannot load gitleaks configuration {}", path.display()))?;
        let origin = path.display().to_string();
        extra.extend(translated.rules.into_iter().map(|r| (origin.clone(), r)));
        allowlist_specs.extend(translated.allowlists);
        // The translator's notes already name the file (and the rule).
        notes.extend(translated.notes);
    }
    let mut rule_files: Vec<&Path> = project.rule_files.iter().map(PathBuf::as_path).collect();
    rule_files.extend(flags.rule_files.iter().map(PathBuf::as_path));
    let rules = RuleSet::load_with(&rule_files, &extra, &project.disabled_rules)
        .context("cannot load rules")?;
    for id in rules.unknown_disabled() {
        notes.push(format!(
            "{PROJECT_CONFIG}: disabled_rules names {id:?}, which is no rule (see `keyhound rules list`); ignored"
        ));
    }
    let allowlists = allowlist_specs
        .iter()
        .map(Allowlist::new)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| match &keyhound_config {
            Some(path) => format!("invalid allowlist in {}", path.display()),
            None => "invalid allowlist".to_string(),
        })?;
    let mut suppressions = Suppressions {
        allowlists,
        roots: flags.roots.to_vec(),
        ..Suppressions::default()
    };
    if let Some(path) = flags.baseline {
        suppressions.baseline = baseline::read(path)?;
    }
    if let Some(path) = found(IGNORE_FILE) {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let ignore = IgnoreFile::parse(&text);
        for (line, entry) in &ignore.invalid {
            notes.push(format!(
                "{}:{line}: {entry:?} is not a fingerprint (64 hex digits, or at least 12); ignored",
                path.display()
            ));
        }
        suppressions.ignore = ignore;
    }
    if let Some(path) = found(GITLEAKS_IGNORE) {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        for (line, entry) in gitleaksignore::invalid_lines(&text) {
            notes.push(format!(
                "{}:{line}: {entry:?} is not a .gitleaksignore entry (a gitleaks fingerprint: [COMMIT:]PATH:RULE:LINE); ignored",
                path.display()
            ));
        }
        suppressions.gitleaks_ignore = gitleaksignore::parse(&text);
    }
    let max_file_size = project
        .max_file_size
        .as_deref()
        .map(parse_size)
        .transpose()
        .map_err(|err| anyhow::anyhow!("max_file_size in {PROJECT_CONFIG}: {err}"))?;
    Ok(Project {
        rules,
        suppressions,
        min_confidence: project.min_confidence,
        max_file_size,
        notes,
    })
}
