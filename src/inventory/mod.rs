//! The inventory of non-human identities: every distinct credential once, with
//! what offline validators decoded, where it lives, who owns it, and how risky
//! it is. See `docs/INVENTORY.md`.
//!
//! Findings are grouped into identities by:
//! - the same secret value (found by two rules, or in many files);
//! - a companion part equal to another finding's secret (an AWS secret key and
//!   its key id);
//! - the same public key (a private key and its certificate).

mod declared;
mod diff;
mod environment;
mod group;
mod kind;
mod merge;
mod origin;
mod owners;
mod risk;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::rules::{Confidence, Severity};
use crate::scan::{OwnerFile, ScanOutcome};
use crate::validate::Weakness;

pub use declared::reason_severity as declared_reason_severity;
pub use diff::{Change, InventoryDiff, diff};
pub use environment::Environment;
pub use kind::Kind;
pub use merge::merge_identities;
pub use origin::Origin;
pub use owners::{CODEOWNERS_PATHS, CodeOwners};
pub use risk::{Reason, Risk};

/// One machine identity: a credential across all its findings and locations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// Stable id: derived from the public key, the AWS key id or the secret,
    /// so the same credential has the same id in every run.
    pub id: String,
    /// Where it comes from: `leaked` (found in the files), `declared`
    /// (infrastructure code creates it), or both (sorted).
    #[serde(default)]
    pub origins: Vec<Origin>,
    /// Kind, from a closed list ([`Kind`]).
    pub kind: Kind,
    /// Provider (`aws`, `github`...).
    pub provider: String,
    /// The rule's credential type (`github.personal-access-token`).
    pub credential_type: String,
    /// Who the credential acts as, when its format says (key id, account
    /// email, JWT `sub`, certificate subject, `user@host`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub principal: Option<String>,
    /// Highest confidence over the findings.
    pub confidence: Confidence,
    /// Highest severity over the findings.
    pub severity: Severity,
    /// Attributes decoded offline (never the secret itself).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
    /// Issued at (JWT `iat`, certificate not-before), RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub created: Option<String>,
    /// Expires at (JWT `exp`, certificate not-after), RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expires: Option<String>,
    /// Earliest sighting: commit date in history scans, file mtime otherwise.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub first_seen: Option<String>,
    /// Latest sighting, same sources.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub last_seen: Option<String>,
    /// Git scans: still in HEAD somewhere (`false`: only in history).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub present_at_head: Option<bool>,
    /// Environments suggested by the locations' paths.
    pub environments: Vec<Environment>,
    /// Owners: CODEOWNERS entries of the paths, authors of introducing commits.
    pub owners: Vec<Owner>,
    /// Repositories it was seen in (git scans).
    pub repositories: Vec<String>,
    /// Every location (sorted).
    pub locations: Vec<IdentityLocation>,
    /// Fingerprints of the findings grouped here (sorted).
    pub findings: Vec<String>,
    /// Rules that matched (sorted).
    pub rules: Vec<String>,
    /// Declared identities: the resources that declare it
    /// (`aws_iam_user.ci`, `ServiceAccount ci/deployer`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub resources: Vec<String>,
    /// Declared identities: its permissions, summarised (`Allow s3:* on *`,
    /// `roles/owner on project p`, `get,list on pods`), wildcards as written.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub permissions: Vec<String>,
    /// Declared identities: who may assume it (`AWS: *`, `Service:
    /// ec2.amazonaws.com`, `OIDC: arn:...`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub trust: Vec<String>,
    /// Risk score and reasons.
    pub risk: Risk,
}

/// Where an identity was seen.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IdentityLocation {
    /// Repository (git scans).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub repository: Option<String>,
    /// Path.
    pub path: String,
    /// Line.
    pub line: usize,
    /// Commit that introduced it (git scans).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub commit: Option<String>,
    /// Rule that matched here.
    pub rule_id: String,
    /// Environments this location suggests (its path, its configuration
    /// section, a config store's object name: `k8s:prod/...`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub environments: Vec<Environment>,
}

/// Someone responsible for an identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Owner {
    /// `@org/team`, `user@example.com`, or `Name <email>` for commit authors.
    pub name: String,
    /// `codeowners`, `commit-author` or `key-comment` (an SSH key's comment).
    pub source: String,
}

/// What the inventory needs besides the findings.
#[derive(Debug, Clone, Default)]
pub struct InventoryOptions {
    /// "Now" in Unix seconds, for expiry and age (the CLI honours
    /// `SOURCE_DATE_EPOCH` so runs can be reproduced).
    pub now: i64,
    /// `--fingerprint-salt`: identity ids are keyed with it
    /// ([`crate::finding::salted_id`]), like the findings' fingerprints.
    pub salt: Option<String>,
}

/// Orders identities: highest risk first, then id.
fn by_risk(a: &Identity, b: &Identity) -> std::cmp::Ordering {
    b.risk
        .score
        .cmp(&a.risk.score)
        .then_with(|| a.id.cmp(&b.id))
}

/// Builds the identities of a scan, sorted by risk (highest first), then id.
pub fn build(outcome: &ScanOutcome, options: &InventoryOptions) -> Vec<Identity> {
    let members: Vec<&Finding> = outcome
        .findings
        .iter()
        .chain(outcome.observations.iter())
        .collect();
    let leaked: Vec<bool> = outcome
        .findings
        .iter()
        .map(|_| true)
        .chain(outcome.observations.iter().map(|_| false))
        .collect();
    let owners: Vec<(&OwnerFile, CodeOwners)> = outcome
        .owner_files
        .iter()
        .map(|file| (file, CodeOwners::parse(&file.text)))
        .collect();
    let found: Vec<(Identity, BTreeSet<String>)> = group::groups(&members)
        .into_iter()
        .map(|group| {
            let links = declared::link_keys(&group.iter().map(|&i| members[i]).collect::<Vec<_>>());
            let group: Vec<(&Finding, bool)> =
                group.into_iter().map(|i| (members[i], leaked[i])).collect();
            (identity(&group, &owners, options.now), links)
        })
        .collect();
    let declarations = crate::declared::resolve(&outcome.declarations, options.now);
    let mut identities = declared::merge(found, &declarations, &owners);
    if let Some(salt) = &options.salt {
        for identity in &mut identities {
            identity.id = crate::finding::salted_id(salt, &identity.id);
        }
    }
    identities.sort_by(by_risk);
    identities
}

/// Orders members: findings before certificates, then confidence, severity,
/// specific before generic, fingerprint. The first member names the identity.
fn primary_order(a: &(&Finding, bool), b: &(&Finding, bool)) -> std::cmp::Ordering {
    let key = |(f, leaked): &(&Finding, bool)| {
        (
            std::cmp::Reverse(*leaked),
            std::cmp::Reverse(f.confidence),
            std::cmp::Reverse(f.severity),
            f.provider == "generic",
            // A bare private key names the identity only when nothing more
            // specific (a key file's account) is in the group.
            f.provider == "private-key",
            f.fingerprint.clone(),
        )
    };
    key(a).cmp(&key(b))
}

fn identity(group: &[(&Finding, bool)], owners: &[(&OwnerFile, CodeOwners)], now: i64) -> Identity {
    let mut group = group.to_vec();
    group.sort_by(primary_order);
    let (primary, _) = group[0];
    let evidence: Vec<&crate::validate::Evidence> =
        group.iter().map(|(f, _)| &f.evidence).collect();
    let findings: Vec<&Finding> = group.iter().filter(|(_, l)| *l).map(|(f, _)| *f).collect();

    let mut attributes = BTreeMap::new();
    for e in &evidence {
        for (key, value) in &e.attributes {
            attributes
                .entry(key.clone())
                .or_insert_with(|| value.clone());
        }
    }
    // The first principal, or a fuller form of it another member names
    // (`app_rw@db.internal` beside a bare `app_rw`).
    let principal = evidence
        .iter()
        .find_map(|e| e.principal.clone())
        .map(|first| {
            let fuller = format!("{first}@");
            evidence
                .iter()
                .filter_map(|e| e.principal.as_ref())
                .find(|p| p.starts_with(&fuller))
                .cloned()
                .unwrap_or(first)
        });
    let created = evidence.iter().filter_map(|e| e.created).min();
    let expires = evidence.iter().filter_map(|e| e.expires).min();
    let mut weaknesses: Vec<Weakness> = evidence
        .iter()
        .flat_map(|e| e.weaknesses.iter().copied())
        .collect();
    weaknesses.sort();
    weaknesses.dedup();

    let mut locations = BTreeSet::new();
    let mut repositories = BTreeSet::new();
    let mut files = BTreeSet::new();
    let mut environments = BTreeSet::new();
    let mut owner_set = BTreeSet::new();
    let mut seen: Vec<i64> = Vec::new();
    let mut in_dotfiles = false;
    for (finding, leaked) in &group {
        for location in &finding.locations {
            let repository = location.git.as_ref().map(|g| g.repository.clone());
            // Where the secret itself is stored (a certificate file is not a copy of it).
            if *leaked || findings.is_empty() {
                files.insert((repository.clone(), location.path.clone()));
            }
            let mut here = environment::of_path(&location.path);
            if let Some(section) = &location.section {
                here.extend(environment::of_path(section));
                here.sort();
                here.dedup();
            }
            environments.extend(here.iter().copied());
            in_dotfiles |= is_personal_dotfile(&location.path);
            match &location.git {
                Some(git) => {
                    repositories.insert(git.repository.clone());
                    if !git.author_name.is_empty() || !git.author_email.is_empty() {
                        owner_set.insert(Owner {
                            name: format!("{} <{}>", git.author_name, git.author_email),
                            source: "commit-author".to_string(),
                        });
                    }
                    if let Some(seconds) = parse_date(&git.author_date) {
                        seen.push(seconds);
                    }
                }
                None => seen.extend(modified(&location.path)),
            }
            for owner in code_owners(owners, repository.as_deref(), &location.path) {
                owner_set.insert(Owner {
                    name: owner.clone(),
                    source: "codeowners".to_string(),
                });
            }
            locations.insert(IdentityLocation {
                repository,
                path: location.path.clone(),
                line: location.line,
                commit: location
                    .git
                    .as_ref()
                    .map(|g| g.commit.clone())
                    .filter(|c| !c.is_empty()),
                rule_id: finding.rule_id.clone(),
                environments: here,
            });
        }
    }
    // An SSH key's comment names who made it (`ssh-keygen -C`, by default
    // `user@host`): an owner hint beside CODEOWNERS and commit authors.
    for e in &evidence {
        if let Some(comment) = e.attributes.get("comment").and_then(|c| c.as_str()) {
            let comment = comment.trim();
            if !comment.is_empty() && comment.len() <= 128 {
                owner_set.insert(Owner {
                    name: comment.to_string(),
                    source: "key-comment".to_string(),
                });
            }
        }
    }
    let present_at_head = group
        .iter()
        .filter_map(|(f, _)| f.present_at_head())
        .reduce(|a, b| a || b);
    let first_seen = seen.iter().copied().min();
    let last_seen = seen.iter().copied().max();
    let environments: Vec<Environment> = environments.into_iter().collect();
    let kind = Kind::of_credential_type(&primary.identity);
    let facts = risk::Facts {
        leaked: !findings.is_empty(),
        severity: findings.iter().map(|f| f.severity).max(),
        confidence: findings.iter().map(|f| f.confidence).max(),
        files: files.len(),
        repositories: repositories.len(),
        environments: environments.clone(),
        weaknesses,
        long_lived_key: attributes.get("long_lived") == Some(&serde_json::Value::Bool(true)),
        is_token_with_claims: kind == Kind::Jwt,
        validity_days: attributes
            .get("validity_days")
            .and_then(serde_json::Value::as_i64),
        first_seen,
        expires,
        present_at_head,
        in_dotfiles,
        plaintext_password: matches!(kind, Kind::Password | Kind::DatabaseCredential),
    };
    let mut finding_ids: Vec<String> = findings.iter().map(|f| f.fingerprint.clone()).collect();
    finding_ids.sort();
    let mut rules: Vec<String> = group.iter().map(|(f, _)| f.rule_id.clone()).collect();
    rules.sort();
    rules.dedup();
    Identity {
        id: group::identity_id(&group.iter().map(|(f, _)| *f).collect::<Vec<_>>()),
        origins: vec![Origin::Leaked],
        kind,
        provider: primary.provider.clone(),
        credential_type: primary.identity.clone(),
        principal,
        confidence: group
            .iter()
            .map(|(f, _)| f.confidence)
            .max()
            .unwrap_or_default(),
        severity: group
            .iter()
            .map(|(f, _)| f.severity)
            .max()
            .unwrap_or_default(),
        attributes,
        created: created.map(format_date),
        expires: expires.map(format_date),
        first_seen: first_seen.map(format_date),
        last_seen: last_seen.map(format_date),
        present_at_head,
        environments,
        owners: owner_set.into_iter().collect(),
        repositories: repositories.into_iter().collect(),
        locations: locations.into_iter().collect(),
        findings: finding_ids,
        rules,
        resources: Vec::new(),
        permissions: Vec::new(),
        trust: Vec::new(),
        risk: risk::assess(&facts, now),
    }
}

/// Owners of a location from the CODEOWNERS file of its repository or root.
fn code_owners<'a>(
    owners: &'a [(&OwnerFile, CodeOwners)],
    repository: Option<&str>,
    path: &str,
) -> &'a [String] {
    for (file, parsed) in owners {
        let relative = match (repository, &file.repository) {
            (Some(repo), Some(owner_repo)) if repo == owner_repo => Some(path),
            (None, None) => {
                let root = file.root.trim_end_matches('/');
                if root.is_empty() || root == "." {
                    Some(path.trim_start_matches("./"))
                } else {
                    path.strip_prefix(root)
                        .map(|rest| rest.trim_start_matches('/'))
                }
            }
            _ => None,
        };
        if let Some(relative) = relative {
            return parsed.owners_of(relative);
        }
    }
    &[]
}

/// Personal dotfiles and shell histories: a machine credential a person uses
/// by hand (OWASP NHI10).
fn is_personal_dotfile(path: &str) -> bool {
    const FILES: &[&str] = &[
        ".bash_history",
        ".zsh_history",
        ".sh_history",
        ".history",
        ".psql_history",
        ".mysql_history",
        ".python_history",
        ".node_repl_history",
        ".irb_history",
        ".rediscli_history",
        ".bashrc",
        ".zshrc",
        ".bash_profile",
        ".profile",
        ".zprofile",
        ".netrc",
        ".git-credentials",
        ".pgpass",
        "fish_history",
    ];
    let lower = path.to_ascii_lowercase().replace('\\', "/");
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    FILES.contains(&file)
        || lower
            .split('/')
            .any(|dir| dir == "dotfiles" || dir == ".dotfiles")
        || lower.contains(".aws/credentials")
        || lower.contains(".docker/config.json")
        || lower.contains(".config/gcloud/")
}

/// Unix seconds of an RFC 3339 / ISO 8601 date.
fn parse_date(text: &str) -> Option<i64> {
    gix::date::parse(text, None).ok().map(|t| t.seconds)
}

/// RFC 3339 in UTC.
pub fn format_date(seconds: i64) -> String {
    gix::date::Time::new(seconds, 0).format_or_unix(gix::date::time::format::ISO8601_STRICT)
}

/// Modification time of a file on disk, Unix seconds.
fn modified(path: &str) -> Option<i64> {
    let time = std::fs::metadata(path).ok()?.modified().ok()?;
    let seconds = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(seconds).ok()
}
