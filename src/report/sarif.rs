//! SARIF 2.1.0 for GitHub code scanning: one `tool.driver.rules` entry per rule
//! used, one result per location, `partialFingerprints["keyhound/v1"]`,
//! `security-severity`, 1-based code-point regions, redacted messages.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde_sarif::sarif::{
    ArtifactLocation, Location as SarifLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, Region, ReportingDescriptor, Result as SarifResult, ResultLevel,
    Run, Sarif, Tool, ToolComponent, VersionControlDetails,
};

use crate::finding::Finding;
use crate::inventory::Identity;
use crate::rules::{Confidence, RuleSet, Severity};
use crate::scan::ScanOutcome;
use crate::source::stdin::STDIN_PATH;

use super::ReportOptions;

/// GitHub code scanning accepts at most this many results per run.
pub const MAX_RESULTS: usize = 25_000;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/keyhound/keyhound";

/// Writes the SARIF log (pretty-printed, trailing newline).
pub fn write(
    outcome: &ScanOutcome,
    rules: &RuleSet,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let used: BTreeSet<&str> = outcome
        .findings
        .iter()
        .map(|f| f.rule_id.as_str())
        .collect();
    let index: BTreeMap<&str, usize> = used.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut descriptors = used
        .iter()
        .map(|id| descriptor(rules, id))
        .collect::<Vec<_>>();
    let (declared_descriptors, declared_results) =
        super::sarif_declared::results(&outcome.identities, descriptors.len());
    descriptors.extend(declared_descriptors);

    let identity_of: BTreeMap<&str, &Identity> = outcome
        .identities
        .iter()
        .flat_map(|identity| {
            identity
                .findings
                .iter()
                .map(move |f| (f.as_str(), identity))
        })
        .collect();
    let mut results = Vec::new();
    let mut total = 0usize;
    let mut occurrences: BTreeMap<String, usize> = BTreeMap::new();
    for finding in &outcome.findings {
        let identity = identity_of.get(finding.fingerprint.as_str()).copied();
        for location in finding.locations.iter().filter(|l| !l.path.is_empty()) {
            total += 1;
            if results.len() < MAX_RESULTS {
                let rule_index = index.get(finding.rule_id.as_str()).copied().unwrap_or(0);
                let line_hash = line_hash(finding, location, &mut occurrences);
                results.push(result(
                    finding, identity, location, rule_index, line_hash, options,
                ));
            }
        }
    }
    for result in declared_results {
        total += 1;
        if results.len() < MAX_RESULTS {
            results.push(result);
        }
    }
    let mut run_properties = BTreeMap::new();
    if total > results.len() {
        run_properties.insert(
            "keyhound/omittedResults".to_string(),
            (total - results.len()).into(),
        );
    }
    let driver = ToolComponent::builder()
        .name("keyhound")
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(descriptors)
        .build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .column_kind(serde_json::Value::from("unicodeCodePoints"))
        .build();
    if !outcome.repositories.is_empty() {
        run.version_control_provenance = Some(
            outcome
                .repositories
                .iter()
                .map(|repo| {
                    let mut details = VersionControlDetails::builder()
                        .repository_uri(repository_uri(&repo.uri))
                        .build();
                    details.revision_id = repo.head.clone();
                    details.branch = repo.branch.clone();
                    details
                })
                .collect(),
        );
    }
    if !run_properties.is_empty() {
        run.properties = Some(
            PropertyBag::builder()
                .additional_properties(run_properties)
                .build(),
        );
    }
    let log = Sarif::builder()
        .schema(SCHEMA)
        .version(serde_json::Value::from("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn descriptor(rules: &RuleSet, id: &str) -> ReportingDescriptor {
    let Some(rule) = rules.get(id) else {
        return ReportingDescriptor::builder().id(id).build();
    };
    let spec = &rule.spec;
    let mut help = format!(
        "{} ({}). Rotate the credential, remove it from the code and its history, \
         and load it from a secret store instead.",
        spec.name, spec.provider
    );
    for reference in &spec.references {
        help.push_str("\nFormat: ");
        help.push_str(reference);
    }
    let mut properties = BTreeMap::new();
    properties.insert(
        "security-severity".to_string(),
        spec.severity.security_severity().into(),
    );
    properties.insert("precision".to_string(), precision(spec.confidence).into());
    let builder = ReportingDescriptor::builder()
        .id(id)
        .name(sarif_name(id))
        .short_description(text(&spec.name))
        .full_description(text(&format!("{} found in the code.", spec.name)))
        .help(text(&help))
        .properties(
            PropertyBag::builder()
                .tags(vec![
                    "security".to_string(),
                    "secret".to_string(),
                    spec.provider.clone(),
                ])
                .additional_properties(properties)
                .build(),
        );
    match spec.references.first() {
        Some(uri) => builder.help_uri(uri.clone()).build(),
        None => builder.build(),
    }
}

/// `primaryLocationLineHash`: GitHub's upload API does not compute it (only
/// the CodeQL action does), and alerts without it are duplicated on every
/// upload. Ours is content-based like GitHub's: the first 16 hex digits of
/// SHA-256 over the rule, the finding's location-free fingerprint and the
/// path, then `:` and the occurrence number of that hash in the run, so a
/// moved line keeps its alert and two copies in one file stay distinct.
fn line_hash(
    finding: &Finding,
    location: &crate::finding::Location,
    occurrences: &mut BTreeMap<String, usize>,
) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(finding.rule_id.as_bytes())
        .chain_update(b"\0")
        .chain_update(finding.fingerprint.as_bytes())
        .chain_update(b"\0")
        .chain_update(location.path.as_bytes())
        .finalize();
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let count = occurrences.entry(hash.clone()).or_insert(0);
    *count += 1;
    format!("{hash}:{count}")
}

fn result(
    finding: &Finding,
    identity: Option<&Identity>,
    location: &crate::finding::Location,
    rule_index: usize,
    line_hash: String,
    options: &ReportOptions,
) -> SarifResult {
    let region = Region::builder()
        .start_line(location.line as i64)
        .start_column(location.column as i64)
        .end_line(location.end_line as i64)
        .end_column(location.end_column as i64)
        .build();
    let physical = PhysicalLocation::builder()
        .artifact_location(
            ArtifactLocation::builder()
                .uri(path_uri(&location.path))
                .build(),
        )
        .region(region)
        .build();
    let mut message = format!(
        "{} found: {} ({} confidence)",
        finding.rule_name,
        options.secret(&finding.secret),
        finding.confidence.as_str()
    );
    if let Some(identity) = identity {
        let reasons: Vec<String> = identity
            .risk
            .reasons
            .iter()
            .filter(|r| r.points > 0 || r.code == "expired")
            .map(|r| match &r.nhi {
                Some(nhi) => format!("{} [{nhi}]", r.message),
                None => r.message.clone(),
            })
            .collect();
        message.push_str(&format!(". Risk {}/100", identity.risk.score));
        if !reasons.is_empty() {
            message.push_str(": ");
            message.push_str(&reasons.join("; "));
        }
        message.push('.');
    }
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("keyhound/v1".to_string(), finding.fingerprint.clone());
    fingerprints.insert("primaryLocationLineHash".to_string(), line_hash);
    let mut properties = BTreeMap::new();
    if let Some(identity) = identity {
        properties.insert("identity".to_string(), identity.id.clone().into());
        properties.insert("identityKind".to_string(), identity.kind.as_str().into());
        properties.insert("riskScore".to_string(), identity.risk.score.into());
    }
    if !location.encoding.is_empty() {
        properties.insert("encoding".to_string(), location.encoding.clone().into());
    }
    if let Some(git) = &location.git {
        properties.insert("repository".to_string(), git.repository.clone().into());
        if !git.commit.is_empty() {
            properties.insert("commit".to_string(), git.commit.clone().into());
            properties.insert("author".to_string(), git.author_name.clone().into());
            properties.insert("authorEmail".to_string(), git.author_email.clone().into());
            properties.insert("authorDate".to_string(), git.author_date.clone().into());
            properties.insert("commitSummary".to_string(), git.summary.clone().into());
        }
        properties.insert("presentAtHead".to_string(), git.present_at_head.into());
    }
    let mut result = SarifResult::builder()
        .rule_id(finding.rule_id.clone())
        .rule_index(rule_index as i64)
        .level(level(finding.severity))
        .message(Message::builder().text(message).build())
        .locations(vec![
            SarifLocation::builder().physical_location(physical).build(),
        ])
        .partial_fingerprints(fingerprints)
        .build();
    if !properties.is_empty() {
        result.properties = Some(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        );
    }
    result
}

/// An absolute URI for `versionControlProvenance`: scp-like remotes
/// (`git@host:org/repo.git`) become `ssh://git@host/org/repo.git`.
fn repository_uri(remote: &str) -> String {
    if remote.contains("://") {
        return remote.to_string();
    }
    match remote.split_once(':') {
        Some((host, path)) if !host.contains('/') && !host.is_empty() => {
            format!("ssh://{host}/{}", path.trim_start_matches('/'))
        }
        _ => format!("file://{}", percent_encode(remote)),
    }
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

/// A PascalCase name from a rule id, as SARIF viewers like it.
fn sarif_name(id: &str) -> String {
    id.split(['.', '-', '_'])
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low => ResultLevel::Note,
    }
}

fn precision(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

/// A URI reference for a report path: relative paths stay relative (GitHub
/// resolves them against the repository root), absolute ones become `file://`.
pub fn path_uri(path: &str) -> String {
    if path == STDIN_PATH {
        return "stdin".to_string();
    }
    let normalized = path.replace('\\', "/");
    let encoded = percent_encode(&normalized);
    if normalized.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(path_uri("src/a b.rs"), "src/a%20b.rs");
        assert_eq!(path_uri("/tmp/x.env"), "file:///tmp/x.env");
        assert_eq!(path_uri(STDIN_PATH), "stdin");
        assert_eq!(sarif_name("github.pat-classic"), "GithubPatClassic");
        assert_eq!(
            repository_uri("git@github.com:o/r.git"),
            "ssh://git@github.com/o/r.git"
        );
        assert_eq!(repository_uri("https://h/o/r"), "https://h/o/r");
    }
}
