//! Declared identities in the inventory: each resolved declaration becomes an
//! identity with `origins: ["declared"]`, and a leaked credential that is the
//! same identity (its GCP `client_email`, AWS key id or Kubernetes
//! service-account subject names it, or it sits inside the declaring
//! document) joins it, giving `origins: ["declared", "leaked"]`.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

use crate::declared::DeclaredIdentity;
use crate::finding::Finding;
use crate::rules::{Confidence, Severity};
use crate::scan::OwnerFile;

use super::{
    CodeOwners, Identity, IdentityLocation, Origin, Owner, Reason, Risk, code_owners, environment,
};

/// Names a leaked credential answers to, for linking it to a declaration:
/// `aws-key-id:AKIA...` (its secret or a part), `gcp-sa-email:` / `gcp-sa-id:`
/// (a service-account key's `client_email`), `k8s-sa:NS/NAME` (a
/// service-account token's subject).
pub fn link_keys(members: &[&Finding]) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for member in members {
        let values = std::iter::once(member.secret.expose())
            .chain(member.parts.iter().map(|p| p.value.expose()));
        for value in values {
            if value.len() == 20 && (value.starts_with("AKIA") || value.starts_with("ASIA")) {
                keys.insert(format!("aws-key-id:{value}"));
            }
        }
        let Some(principal) = member.evidence.principal.as_deref() else {
            continue;
        };
        if let Some((id, domain)) = principal.split_once('@') {
            if domain.ends_with(".iam.gserviceaccount.com") {
                keys.insert(format!("gcp-sa-email:{principal}"));
                keys.insert(format!("gcp-sa-id:{id}"));
            }
        }
        if let Some(rest) = principal.strip_prefix("system:serviceaccount:") {
            if let Some((namespace, name)) = rest.split_once(':') {
                keys.insert(format!("k8s-sa:{namespace}/{name}"));
            }
        }
        if principal.len() == 20 && principal.starts_with("AKIA") {
            keys.insert(format!("aws-key-id:{principal}"));
        }
    }
    keys
}

/// Adds the declared identities to `leaked` (identities built from findings,
/// with their link keys), merging each leaked identity into the first
/// declared identity it links to.
pub fn merge(
    leaked: Vec<(Identity, BTreeSet<String>)>,
    declared: &[DeclaredIdentity],
    owners: &[(&OwnerFile, CodeOwners)],
) -> Vec<Identity> {
    let mut taken = vec![false; leaked.len()];
    let mut out = Vec::new();
    for item in declared {
        let mut identity = from_declared(item, owners);
        let mut linked = false;
        for (index, (other, keys)) in leaked.iter().enumerate() {
            if taken[index] {
                continue;
            }
            let by_key = item.keys.iter().any(|k| keys.contains(k));
            let inside = other.locations.iter().any(|l| {
                item.locations.iter().any(|d| {
                    d.path == l.path
                        && d.git.as_ref().map(|g| &g.repository) == l.repository.as_ref()
                        && d.end_line > d.line
                        && (d.line..=d.end_line).contains(&l.line)
                })
            });
            if by_key || inside {
                taken[index] = true;
                absorb(&mut identity, other);
                linked = true;
            }
        }
        if linked {
            identity.risk = risk(item, &identity);
        }
        out.push(identity);
    }
    out.extend(
        leaked
            .into_iter()
            .zip(taken)
            .filter(|(_, taken)| !taken)
            .map(|((identity, _), _)| identity),
    );
    out
}

/// A stable id for a declared identity: SHA-256 (first 16 bytes, hex) of
/// its anchor (the main declaration's key, `tf:DIR:aws_iam_user.ci`).
fn declared_id(anchor: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"keyhound-identity-v1\0declared\0")
        .chain_update(anchor.as_bytes())
        .finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

fn from_declared(item: &DeclaredIdentity, owners: &[(&OwnerFile, CodeOwners)]) -> Identity {
    let mut environments = BTreeSet::new();
    let mut owner_set = BTreeSet::new();
    let mut locations = BTreeSet::new();
    let mut repositories = BTreeSet::new();
    for location in &item.locations {
        let git = location.git.as_ref();
        let repository = git.map(|g| g.repository.clone());
        environments.extend(environment::of_path(&location.path));
        for owner in code_owners(owners, repository.as_deref(), &location.path) {
            owner_set.insert(Owner {
                name: owner.clone(),
                source: "codeowners".to_string(),
            });
        }
        if let Some(author) = git.and_then(|g| g.author.clone()) {
            owner_set.insert(Owner {
                name: author,
                source: "commit-author".to_string(),
            });
        }
        repositories.extend(repository.clone());
        locations.insert(IdentityLocation {
            repository,
            path: location.path.clone(),
            line: location.line,
            commit: git.and_then(|g| g.commit.clone()),
            rule_id: format!("declared:{}", location.resource_type),
            environments: environment::of_path(&location.path),
        });
    }
    let mut identity = Identity {
        id: declared_id(&item.anchor),
        origins: vec![Origin::Declared],
        kind: item.kind,
        provider: item.provider.clone(),
        credential_type: item.resource_type.clone(),
        principal: item.principal.clone(),
        confidence: Confidence::High,
        severity: Severity::Low,
        attributes: item.attributes.clone(),
        created: None,
        expires: None,
        first_seen: None,
        last_seen: None,
        present_at_head: None,
        environments: environments.into_iter().collect(),
        owners: owner_set.into_iter().collect(),
        repositories: repositories.into_iter().collect(),
        locations: locations.into_iter().collect(),
        findings: Vec::new(),
        rules: Vec::new(),
        resources: item.resources.clone(),
        permissions: item.permissions.clone(),
        trust: item.trust.clone(),
        risk: Risk::default(),
    };
    identity.risk = risk(item, &identity);
    identity.severity = severity(&identity.risk);
    identity
}

/// The severity of a declared identity: from its weightiest reason.
fn severity(risk: &Risk) -> Severity {
    reason_severity(risk.reasons.iter().map(|r| r.points).max().unwrap_or(0))
}

/// The severity of a declared risk reason of `points` points (40 and more
/// critical, 25 high, 15 medium, else low): SARIF levels and
/// `--fail-on-declared` use it.
pub fn reason_severity(points: i32) -> Severity {
    match points {
        40.. => Severity::Critical,
        25..=39 => Severity::High,
        15..=24 => Severity::Medium,
        _ => Severity::Low,
    }
}

/// Declared reasons, the leaked reasons of linked credentials, and NHI1
/// when nobody owns it.
fn risk(item: &DeclaredIdentity, identity: &Identity) -> Risk {
    let mut reasons: Vec<Reason> = identity
        .risk
        .reasons
        .iter()
        .filter(|r| r.path.is_none() && r.code != "no-owner")
        .cloned()
        .collect();
    reasons.extend(item.reasons.iter().map(|r| Reason {
        code: r.code.clone(),
        nhi: Some(r.nhi.clone()),
        points: r.points,
        message: r.message.clone(),
        path: Some(r.path.clone()),
        line: Some(r.line),
    }));
    if identity.owners.is_empty() {
        reasons.push(Reason {
            code: "no-owner".to_string(),
            nhi: Some("NHI1".to_string()),
            points: 5,
            message: "no owner: no CODEOWNERS entry or commit author covers its declaration"
                .to_string(),
            path: None,
            line: None,
        });
    }
    Risk::of(reasons)
}

/// Adds a linked leaked identity to a declared one.
fn absorb(identity: &mut Identity, other: &Identity) {
    if !identity.origins.contains(&Origin::Leaked) {
        identity.origins.push(Origin::Leaked);
    }
    identity.credential_type.clone_from(&other.credential_type);
    if identity.principal.is_none() {
        identity.principal.clone_from(&other.principal);
    }
    identity.confidence = other.confidence;
    identity.severity = identity.severity.max(other.severity);
    for (key, value) in &other.attributes {
        identity
            .attributes
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }
    identity
        .attributes
        .entry("linked_credential".to_string())
        .or_insert_with(|| serde_json::Value::String(other.id.clone()));
    identity.created = identity.created.clone().or_else(|| other.created.clone());
    identity.expires = identity.expires.clone().or_else(|| other.expires.clone());
    identity.first_seen = other
        .first_seen
        .clone()
        .or_else(|| identity.first_seen.clone());
    identity.last_seen = other
        .last_seen
        .clone()
        .or_else(|| identity.last_seen.clone());
    identity.present_at_head = other.present_at_head.or(identity.present_at_head);
    let union = |a: &mut Vec<String>, b: &[String]| {
        a.extend(b.iter().cloned());
        a.sort();
        a.dedup();
    };
    union(&mut identity.findings, &other.findings);
    union(&mut identity.rules, &other.rules);
    union(&mut identity.repositories, &other.repositories);
    identity
        .environments
        .extend(other.environments.iter().copied());
    identity.environments.sort();
    identity.environments.dedup();
    identity.owners.extend(other.owners.iter().cloned());
    identity.owners.sort();
    identity.owners.dedup();
    identity.locations.extend(other.locations.iter().cloned());
    identity.locations.sort();
    identity.locations.dedup();
    // The leaked credential's own reasons (leaked, long-lived...) join the
    // declared ones; `risk` re-adds the declared reasons.
    identity.risk.reasons = other.risk.reasons.clone();
}
