//! Merging the inventories of reports that cover disjoint repositories
//! (shards): identities with the same id are one credential. An identity
//! seen in one report is kept as it is; one seen in several is united
//! (locations, repositories, owners, environments, findings, rules,
//! sighting dates) and its risk is assessed again over the union.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::finding::Finding;

use super::{Identity, Kind, format_date, is_personal_dotfile, parse_date, risk};

/// Merges `identities` (from several reports) by id. `findings` are the
/// merged findings (their evidence gives weaknesses, their locations the
/// files); `now` is Unix seconds for age and expiry. Sorted like
/// [`super::build`]: riskiest first, then id.
pub fn merge_identities(
    identities: Vec<Identity>,
    findings: &[Finding],
    now: i64,
) -> Vec<Identity> {
    let mut by_id: BTreeMap<String, Vec<Identity>> = BTreeMap::new();
    for identity in identities {
        by_id.entry(identity.id.clone()).or_default().push(identity);
    }
    let by_fingerprint: HashMap<&str, &Finding> = findings
        .iter()
        .map(|f| (f.fingerprint.as_str(), f))
        .collect();
    let mut merged: Vec<Identity> = by_id
        .into_values()
        .filter_map(|mut group| {
            if group.len() == 1 {
                return group.pop();
            }
            Some(unite(group, &by_fingerprint, now))
        })
        .collect();
    merged.sort_by(|a, b| {
        b.risk
            .score
            .cmp(&a.risk.score)
            .then_with(|| a.id.cmp(&b.id))
    });
    merged
}

fn union<T: Ord + Clone>(group: &[Identity], field: impl Fn(&Identity) -> &Vec<T>) -> Vec<T> {
    group
        .iter()
        .flat_map(|i| field(i).iter().cloned())
        .collect::<BTreeSet<T>>()
        .into_iter()
        .collect()
}

fn unite(group: Vec<Identity>, by_fingerprint: &HashMap<&str, &Finding>, now: i64) -> Identity {
    let mut identity = group[0].clone();
    identity.locations = union(&group, |i| &i.locations);
    identity.repositories = union(&group, |i| &i.repositories);
    identity.owners = union(&group, |i| &i.owners);
    identity.environments = union(&group, |i| &i.environments);
    identity.findings = union(&group, |i| &i.findings);
    identity.rules = union(&group, |i| &i.rules);
    for other in &group[1..] {
        for (key, value) in &other.attributes {
            identity
                .attributes
                .entry(key.clone())
                .or_insert_with(|| value.clone());
        }
    }
    identity.confidence = group.iter().map(|i| i.confidence).max().unwrap_or_default();
    identity.severity = group.iter().map(|i| i.severity).max().unwrap_or_default();
    identity.principal = group.iter().find_map(|i| i.principal.clone());
    let dates = |pick: fn(&Identity) -> Option<&String>| -> Vec<i64> {
        group
            .iter()
            .filter_map(|i| pick(i).and_then(|d| parse_date(d)))
            .collect()
    };
    let first_seen = dates(|i| i.first_seen.as_ref()).into_iter().min();
    let last_seen = dates(|i| i.last_seen.as_ref()).into_iter().max();
    let created = dates(|i| i.created.as_ref()).into_iter().min();
    let expires = dates(|i| i.expires.as_ref()).into_iter().min();
    identity.first_seen = first_seen.map(format_date);
    identity.last_seen = last_seen.map(format_date);
    identity.created = created.map(format_date);
    identity.expires = expires.map(format_date);
    identity.present_at_head = group
        .iter()
        .filter_map(|i| i.present_at_head)
        .reduce(|a, b| a || b);

    let members: Vec<&Finding> = identity
        .findings
        .iter()
        .filter_map(|f| by_fingerprint.get(f.as_str()).copied())
        .collect();
    let mut files = BTreeSet::new();
    if members.is_empty() {
        for l in &identity.locations {
            files.insert((l.repository.clone(), l.path.clone()));
        }
    }
    let mut weaknesses = Vec::new();
    for finding in &members {
        weaknesses.extend(finding.evidence.weaknesses.iter().copied());
        for l in &finding.locations {
            files.insert((l.git.as_ref().map(|g| g.repository.clone()), l.path.clone()));
        }
    }
    weaknesses.sort();
    weaknesses.dedup();
    let kind = identity.kind;
    let facts = risk::Facts {
        leaked: !identity.findings.is_empty(),
        severity: members.iter().map(|f| f.severity).max(),
        confidence: members.iter().map(|f| f.confidence).max(),
        files: files.len(),
        repositories: identity.repositories.len(),
        environments: identity.environments.clone(),
        weaknesses,
        long_lived_key: identity.attributes.get("long_lived")
            == Some(&serde_json::Value::Bool(true)),
        is_token_with_claims: kind == Kind::Jwt,
        validity_days: identity
            .attributes
            .get("validity_days")
            .and_then(serde_json::Value::as_i64),
        first_seen,
        expires,
        present_at_head: identity.present_at_head,
        in_dotfiles: identity
            .locations
            .iter()
            .any(|l| is_personal_dotfile(&l.path)),
        plaintext_password: matches!(kind, Kind::Password | Kind::DatabaseCredential),
    };
    identity.risk = risk::assess(&facts, now);
    identity
}
