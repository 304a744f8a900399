//! The collector: merges hits from all workers into findings (one per rule and
//! secret value), then sorts everything so output is identical whatever the
//! thread count.

use std::collections::BTreeMap;

use crate::finding::{Finding, GitProvenance, Location, Part, Secret, fingerprint};
use crate::rules::RuleSet;
use crate::source::SkipReason;

use super::worker::{BlobMatches, Hit};
use super::{Event, ScanIssue, ScanOutcome, Skipped, Stats};

/// Accumulates worker events; single-threaded, at the edge of the pipeline.
pub struct Collector<'r> {
    rules: &'r RuleSet,
    findings: BTreeMap<(usize, Secret), Finding>,
    /// Where each finding's part was seen, parallel to its `parts`: when
    /// locations disagree on a part (two config files naming different hosts
    /// beside one password), the part of the first location wins, whatever
    /// order the workers delivered them in.
    part_origins: BTreeMap<(usize, Secret), Vec<Location>>,
    outcome: ScanOutcome,
}

impl<'r> Collector<'r> {
    /// An empty collector for findings of `rules`.
    pub fn new(rules: &'r RuleSet) -> Self {
        Collector {
            rules,
            findings: BTreeMap::new(),
            part_origins: BTreeMap::new(),
            outcome: ScanOutcome::default(),
        }
    }

    /// Takes one event. Blob hits are located at their own path (no git provenance).
    pub fn add(&mut self, event: Event) {
        match event {
            Event::Blob(matches) => {
                let path = matches.path.clone().unwrap_or_default();
                self.add_blob(&matches, &[(path, None)]);
            }
            Event::Skipped(skipped) => {
                if skipped.reason != SkipReason::Binary {
                    self.outcome.skipped.push(skipped);
                }
            }
            Event::Error(issue) => self.outcome.errors.push(issue),
            Event::Stats(stats) => self.add_stats(&stats),
            Event::Declared(found) => {
                self.outcome.notes.extend(found.notes);
                self.outcome.declarations.extend(found.declarations);
            }
        }
    }

    /// Counters so far; `findings` counts the distinct findings collected so far.
    pub fn progress(&self) -> Stats {
        let mut stats = self.outcome.stats.clone();
        stats.findings = self.findings.len() as u64;
        stats
    }

    /// How many errors, notes and skipped files are recorded (for [`Collector::since`]).
    pub fn mark(&self) -> (usize, usize, usize) {
        let o = &self.outcome;
        (o.errors.len(), o.notes.len(), o.skipped.len())
    }

    /// Errors, notes and skipped files recorded after `mark`.
    pub fn since(
        &self,
        mark: (usize, usize, usize),
    ) -> (Vec<ScanIssue>, Vec<String>, Vec<Skipped>) {
        let o = &self.outcome;
        (
            o.errors.get(mark.0..).unwrap_or_default().to_vec(),
            o.notes.get(mark.1..).unwrap_or_default().to_vec(),
            o.skipped.get(mark.2..).unwrap_or_default().to_vec(),
        )
    }

    /// Adds counters.
    pub fn add_stats(&mut self, stats: &Stats) {
        let total = &mut self.outcome.stats;
        total.files += stats.files;
        total.bytes += stats.bytes;
        total.skipped_binary += stats.skipped_binary;
        total.skipped_large += stats.skipped_large;
        total.errors += stats.errors;
        total.suppressed += stats.suppressed;
    }

    /// Records a scanned repository.
    pub fn add_repository(&mut self, info: crate::source::git::RepositoryInfo) {
        self.outcome.repositories.push(info);
    }

    /// Records a note for the user.
    pub fn add_note(&mut self, note: String) {
        self.outcome.notes.push(note);
    }

    /// Counts walked commits.
    pub fn add_commits(&mut self, commits: u64) {
        self.outcome.stats.commits += commits;
    }

    /// Records a problem met outside the workers.
    pub fn add_error(&mut self, path: &str, message: String) {
        self.outcome.stats.errors += 1;
        self.outcome.errors.push(ScanIssue {
            path: path.to_string(),
            message,
        });
    }

    /// Adds the hits of one blob once per place the blob was seen: each
    /// `(path, provenance)` context gives every hit one location.
    pub fn add_blob(
        &mut self,
        matches: &BlobMatches,
        contexts: &[(String, Option<GitProvenance>)],
    ) {
        for hit in &matches.hits {
            for (path, git) in contexts {
                self.add_hit(hit, location(hit, path, &matches.blob_id, git.clone()));
            }
        }
    }

    fn add_hit(&mut self, hit: &Hit, location: Location) {
        let key = (hit.rule, hit.secret.clone());
        if !hit.parts.is_empty() {
            let origins = self.part_origins.entry(key.clone()).or_default();
            let parts = self.findings.get_mut(&key).map(|f| &mut f.parts);
            merge_parts(parts, origins, &hit.parts, &location);
        }
        match self.findings.get_mut(&key) {
            Some(finding) => {
                finding.confidence = finding.confidence.max(hit.confidence);
                finding.locations.push(location);
            }
            None => {
                let spec = &self.rules.rules()[hit.rule].spec;
                self.findings.insert(
                    key,
                    Finding {
                        fingerprint: fingerprint(&spec.id, &hit.secret),
                        rule_id: spec.id.clone(),
                        rule_name: spec.name.clone(),
                        provider: spec.provider.clone(),
                        identity: spec.identity.clone(),
                        confidence: hit.confidence,
                        severity: spec.severity,
                        secret: hit.secret.clone(),
                        entropy: hit.entropy,
                        parts: hit.parts.clone(),
                        locations: vec![location],
                        evidence: crate::validate::Evidence::default(),
                    },
                );
            }
        }
    }

    /// Sorted findings, errors and skips.
    pub fn finish(self) -> ScanOutcome {
        let mut outcome = self.outcome;
        let rules = self.rules.rules();
        let mut findings: Vec<Finding> = Vec::with_capacity(self.findings.len());
        let mut observations: Vec<Finding> = Vec::new();
        for ((rule, _), mut finding) in self.findings {
            let scored = rules.get(rule).is_some_and(crate::rules::Rule::scored);
            let only_in = |kind: fn(&str) -> bool| finding.locations.iter().all(|l| kind(&l.path));
            // Type declarations hold no values: a catch-all match there is a
            // type annotation (`password: Incomplete` in a `.pyi` stub).
            // Translation catalogs hold interface text (`confirm_password:
            // Potwierdź moje konto`), not credentials.
            if scored && (only_in(is_type_declaration_path) || only_in(is_translation_catalog_path))
            {
                continue;
            }
            if scored && only_in(is_test_or_doc_path) {
                finding.confidence = finding.confidence.lowered();
            }
            finding.locations.sort();
            finding.locations.dedup();
            finding.parts.sort_by(|a, b| a.name.cmp(&b.name));
            if let Some(rule) = rules.get(rule) {
                finding.evidence = examine(rule, &finding);
                if finding.evidence.checksum_valid == Some(false) {
                    finding.confidence = finding.confidence.lowered();
                }
                if rule.spec.inventory_only {
                    observations.push(finding);
                    continue;
                }
            }
            findings.push(finding);
        }
        observations.sort_by(|a, b| {
            (a.first_location(), &a.fingerprint).cmp(&(b.first_location(), &b.fingerprint))
        });
        outcome.observations = observations;
        findings.sort_by(|a, b| {
            (a.first_location(), &a.rule_id, &a.fingerprint).cmp(&(
                b.first_location(),
                &b.rule_id,
                &b.fingerprint,
            ))
        });
        outcome.stats.findings = findings.len() as u64;
        outcome.findings = findings;
        outcome.errors.sort();
        outcome.skipped.sort();
        outcome.repositories.sort();
        outcome.notes.sort();
        outcome
            .declarations
            .sort_by(|a, b| (&a.path, a.line, &a.resource).cmp(&(&b.path, b.line, &b.resource)));
        outcome
    }
}

/// Merges a hit's parts, seen at `location`, into a finding's (`parts` is
/// `None` for a new finding, which takes the hit's own): a new name is added,
/// a known one keeps the value seen at the earlier location.
fn merge_parts(
    parts: Option<&mut Vec<Part>>,
    origins: &mut Vec<Location>,
    new: &[Part],
    location: &Location,
) {
    let Some(parts) = parts else {
        *origins = vec![location.clone(); new.len()];
        return;
    };
    for part in new {
        match parts.iter().position(|p| p.name == part.name) {
            Some(at) => {
                if origins.get(at).is_none_or(|origin| location < origin) {
                    parts[at] = part.clone();
                    if let Some(origin) = origins.get_mut(at) {
                        *origin = location.clone();
                    }
                }
            }
            None => {
                parts.push(part.clone());
                origins.push(location.clone());
            }
        }
    }
}

/// Runs the offline validators on one finding.
fn examine(rule: &crate::rules::Rule, finding: &Finding) -> crate::validate::Evidence {
    let parts: Vec<crate::validate::PartRef<'_>> = finding
        .parts
        .iter()
        .map(|p| crate::validate::PartRef {
            name: &p.name,
            value: p.value.expose(),
        })
        .collect();
    crate::validate::examine(&crate::validate::Subject {
        rule_id: &finding.rule_id,
        provider: &finding.provider,
        identity: &finding.identity,
        validators: &rule.spec.validate,
        secret: finding.secret.expose(),
        parts: &parts,
    })
}

/// Directory names of tests, fixtures, examples and documentation.
const TEST_OR_DOC_DIRS: &[&str] = &[
    "test",
    "tests",
    "spec",
    "specs",
    "__tests__",
    "testdata",
    "test-data",
    "fixtures",
    "fixture",
    "examples",
    "example",
    "samples",
    "sample",
    "docs",
    "doc",
    "guides",
    "demo",
    "mock",
    "mocks",
];

/// True for paths of tests, fixtures, examples and documentation, where a
/// generic credential is usually a made-up value: scored generic findings
/// found only in such paths are lowered one confidence level.
pub fn is_test_or_doc_path(path: &str) -> bool {
    if path.is_empty() {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.split(['/', '\\']).peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            let file = part;
            return [".md", ".rst", ".adoc", ".markdown"]
                .iter()
                .any(|ext| file.ends_with(ext))
                || ["_test.", ".test.", "_spec.", ".spec.", "tests."]
                    .iter()
                    .any(|marker| file.contains(marker))
                || file.starts_with("test_");
        }
        if TEST_OR_DOC_DIRS.contains(&part) {
            return true;
        }
    }
    false
}

/// True for type declaration files, which declare names and types but hold
/// no values: Python stubs (`.pyi`) and TypeScript declarations (`.d.ts`).
pub fn is_type_declaration_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".pyi", ".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Directories that hold translation catalogs.
const TRANSLATION_DIRS: &[&str] = &["locale", "locales", "i18n", "l10n", "lang", "translations"];

/// Extensions of translation catalogs, wherever they are.
const CATALOG_EXTENSIONS: &[&str] = &[".po", ".pot", ".xlf", ".xliff", ".strings", ".arb"];

/// Extensions of the data files a translation directory holds.
const TRANSLATION_DATA_EXTENSIONS: &[&str] = &[".yml", ".yaml", ".json", ".properties", ".resx"];

/// True for translation catalogs: gettext `.po`/`.pot`, XLIFF, Apple
/// `.strings`, Flutter `.arb` files anywhere, and catalogs or data files
/// (YAML, JSON, properties, `.resx`) under a `locale(s)`, `i18n`, `l10n`,
/// `lang` or `translations` directory. Their values are interface text.
pub fn is_translation_catalog_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split(['/', '\\']).collect();
    let Some(file) = parts.pop() else {
        return false;
    };
    let has = |extensions: &[&str]| extensions.iter().any(|ext| file.ends_with(ext));
    has(CATALOG_EXTENSIONS)
        || (parts.iter().any(|p| TRANSLATION_DIRS.contains(p)) && has(TRANSLATION_DATA_EXTENSIONS))
}

fn location(hit: &Hit, path: &str, blob_id: &str, git: Option<GitProvenance>) -> Location {
    Location {
        path: path.to_string(),
        line: hit.span.line,
        column: hit.span.column,
        end_line: hit.span.end_line,
        end_column: hit.span.end_column,
        start_byte: hit.start_byte,
        end_byte: hit.end_byte,
        blob_id: blob_id.to_string(),
        section: hit.section.clone(),
        encoding: hit.encoding.clone(),
        git,
    }
}

#[cfg(test)]
mod tests {
    use super::{
        Location, Part, Secret, is_test_or_doc_path, is_translation_catalog_path,
        is_type_declaration_path, merge_parts,
    };

    #[test]
    fn disagreeing_parts_take_the_first_location_in_any_order() {
        let at = |path: &str| Location {
            path: path.to_string(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            start_byte: 0,
            end_byte: 1,
            blob_id: String::new(),
            section: None,
            encoding: Vec::new(),
            git: None,
        };
        let host = |value: &str| Part {
            name: "host".into(),
            value: Secret::from_bytes(value.as_bytes()),
        };
        let merged = |first: (&Location, Part), second: (&Location, Part)| {
            let mut origins = Vec::new();
            merge_parts(None, &mut origins, std::slice::from_ref(&first.1), first.0);
            let mut parts = vec![first.1];
            merge_parts(Some(&mut parts), &mut origins, &[second.1], second.0);
            parts[0].value.expose().to_string()
        };
        let (a, b) = (at("a/config.yml"), at("b/config.yml"));
        assert_eq!(merged((&a, host("tcp")), (&b, host("127.0.0.1"))), "tcp");
        assert_eq!(merged((&b, host("127.0.0.1")), (&a, host("tcp"))), "tcp");
    }

    #[test]
    fn translation_catalogs_are_recognised() {
        for path in [
            "config/locales/pl.yml",
            "src/i18n/de.json",
            "app/src/main/res/lang/messages.properties",
            "po/fr.po",
            "ios/App/en.lproj/Localizable.strings",
        ] {
            assert!(is_translation_catalog_path(path), "{path}");
        }
        for path in ["config/settings.yml", "src/locale.rs", "locales/loader.py"] {
            assert!(!is_translation_catalog_path(path), "{path}");
        }
    }

    #[test]
    fn type_declaration_paths() {
        assert!(is_type_declaration_path("stubs/requests/models.pyi"));
        assert!(is_type_declaration_path("types/index.d.ts"));
        assert!(!is_type_declaration_path("src/models.py"));
        assert!(!is_type_declaration_path("src/index.ts"));
    }

    #[test]
    fn test_and_doc_paths() {
        for path in [
            "actionpack/test/controller/x.rb",
            "src/__tests__/a.js",
            "pkg/server_test.go",
            "README.md",
            "app/spec/models/user_spec.rb",
            "tests.py",
            "test_settings.py",
        ] {
            assert!(is_test_or_doc_path(path), "{path}");
        }
        for path in [
            "config/app.env",
            "src/contest.rs",
            "",
            "latest/settings.yml",
        ] {
            assert!(!is_test_or_doc_path(path), "{path}");
        }
    }
}
