//! Resolution across files: declarations that name each other (an access
//! key and its user, a binding and its service account, a password and its
//! application) become one identity; policies and roles lend it their
//! permissions and trust.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::{Declaration, DeclaredReason, Expiry};
use crate::inventory::Kind;

/// Seconds in a year: a declared secret valid for longer is long-lived.
const YEAR: i64 = 365 * 86_400;

/// Where a declared identity is declared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeclaredLocation {
    /// Path of the file.
    pub path: String,
    /// Line of the declaring block.
    pub line: usize,
    /// Last line of the declaring block or document.
    pub end_line: usize,
    /// Resource type declared there.
    pub resource_type: String,
    /// Repository and introducing commit (git scans).
    pub git: Option<super::DeclaredGit>,
}

/// One declared identity after resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredIdentity {
    /// Kind of the main declaration (the user, role or account).
    pub kind: Kind,
    /// Provider of the main declaration.
    pub provider: String,
    /// Resource type of the main declaration.
    pub resource_type: String,
    /// Every declaration that makes it up (`aws_iam_user.ci`, `aws_iam_access_key.ci`).
    pub resources: Vec<String>,
    /// Who it is.
    pub principal: Option<String>,
    /// Permissions, its own and those of the policies and roles it has.
    pub permissions: Vec<String>,
    /// Who may assume it.
    pub trust: Vec<String>,
    /// Risk reasons, at their declaring lines.
    pub reasons: Vec<DeclaredReason>,
    /// Attributes of its declarations.
    pub attributes: BTreeMap<String, Value>,
    /// Declaring blocks (sorted).
    pub locations: Vec<DeclaredLocation>,
    /// Names it answers to (for linking leaked credentials, sorted).
    pub keys: Vec<String>,
    /// Stable anchor of its id (the main declaration's first key).
    pub anchor: String,
}

/// Resolves the declarations of every scanned file into identities, as of
/// `now` (Unix seconds, for end dates). Sorted by first location.
pub fn resolve(declarations: &[Declaration], now: i64) -> Vec<DeclaredIdentity> {
    let members: Vec<&Declaration> = declarations.iter().filter(|d| !d.source).collect();
    let mut sources: HashMap<&str, Vec<&Declaration>> = HashMap::new();
    for source in declarations.iter().filter(|d| d.source) {
        for key in &source.keys {
            sources.entry(key.as_str()).or_default().push(source);
        }
    }
    let mut holders: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, member) in members.iter().enumerate() {
        for key in &member.keys {
            holders.entry(key.as_str()).or_default().push(index);
        }
    }
    let mut parent: Vec<usize> = (0..members.len()).collect();
    for (index, member) in members.iter().enumerate() {
        for key in member.keys.iter().chain(&member.joins) {
            for &other in holders.get(key.as_str()).into_iter().flatten() {
                union(&mut parent, index, other);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<&Declaration>> = BTreeMap::new();
    for (index, member) in members.iter().enumerate() {
        let root = find(&mut parent, index);
        groups.entry(root).or_default().push(member);
    }
    let mut out: Vec<DeclaredIdentity> = groups
        .into_values()
        .filter(|group| group.iter().any(|d| d.standalone && d.kind.is_some()))
        .filter_map(|group| identity(&group, &sources, now))
        .collect();
    out.sort_by(|a, b| {
        a.locations
            .cmp(&b.locations)
            .then_with(|| a.anchor.cmp(&b.anchor))
    });
    out
}

/// Identities first, then secrets held by CI, then credentials.
fn rank(kind: Kind) -> u8 {
    match kind {
        Kind::IamUser
        | Kind::IamRole
        | Kind::CloudServiceAccount
        | Kind::ServicePrincipal
        | Kind::KubernetesServiceAccount
        | Kind::CiJobToken
        | Kind::DeployKey => 0,
        Kind::CiSecret => 2,
        _ => 1,
    }
}

fn identity(
    group: &[&Declaration],
    sources: &HashMap<&str, Vec<&Declaration>>,
    now: i64,
) -> Option<DeclaredIdentity> {
    let primary = group
        .iter()
        .filter(|d| d.standalone)
        .filter_map(|d| d.kind.map(|k| (k, *d)))
        .min_by_key(|(kind, d)| (rank(*kind), d.principal.is_none(), d.path.clone(), d.line))?;
    let (kind, main) = primary;
    let mut identity = DeclaredIdentity {
        kind,
        provider: main.provider.clone(),
        resource_type: main.resource_type.clone(),
        resources: Vec::new(),
        principal: main.principal.clone(),
        permissions: Vec::new(),
        trust: Vec::new(),
        reasons: Vec::new(),
        attributes: BTreeMap::new(),
        locations: Vec::new(),
        keys: Vec::new(),
        anchor: main
            .keys
            .first()
            .cloned()
            .unwrap_or_else(|| format!("{}:{}", main.path, main.resource)),
    };
    for member in group {
        push_unique(&mut identity.resources, &member.resource);
        if identity.principal.is_none() {
            identity.principal.clone_from(&member.principal);
        }
        identity.locations.push(DeclaredLocation {
            path: member.path.clone(),
            line: member.line,
            end_line: member.end_line,
            resource_type: member.resource_type.clone(),
            git: member.git.clone(),
        });
        identity.keys.extend(member.keys.iter().cloned());
        lend(&mut identity, &member.permissions, &member.reasons);
        lend_trust(&mut identity, &member.trust, &member.trust_reasons);
        for key in &member.grants_from {
            for source in sources.get(key.as_str()).into_iter().flatten() {
                lend(&mut identity, &source.permissions, &source.reasons);
            }
        }
        for key in &member.trust_from {
            for source in sources.get(key.as_str()).into_iter().flatten() {
                lend_trust(&mut identity, &source.trust, &source.trust_reasons);
            }
        }
        for (key, value) in &member.attributes {
            match (identity.attributes.get_mut(key), value) {
                (Some(Value::Array(items)), Value::Array(more)) => {
                    for item in more {
                        if !items.contains(item) {
                            items.push(item.clone());
                        }
                    }
                }
                (Some(_), _) => {}
                (None, _) => {
                    identity.attributes.insert(key.clone(), value.clone());
                }
            }
        }
        if let Some(expiry) = &member.expiry {
            expiry_reason(&mut identity, member, expiry, now);
        }
    }
    identity.locations.sort();
    identity.locations.dedup();
    identity.keys.sort();
    identity.keys.dedup();
    identity
        .reasons
        .sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.cmp(b)));
    Some(identity)
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|i| i == item) {
        list.push(item.to_string());
    }
}

fn lend(identity: &mut DeclaredIdentity, permissions: &[String], reasons: &[DeclaredReason]) {
    for permission in permissions {
        push_unique(&mut identity.permissions, permission);
    }
    for reason in reasons {
        if !identity.reasons.contains(reason) {
            identity.reasons.push(reason.clone());
        }
    }
}

fn lend_trust(identity: &mut DeclaredIdentity, trust: &[String], reasons: &[DeclaredReason]) {
    for principal in trust {
        push_unique(&mut identity.trust, principal);
    }
    lend(identity, &[], reasons);
}

fn expiry_reason(identity: &mut DeclaredIdentity, member: &Declaration, expiry: &Expiry, now: i64) {
    let seconds = match expiry {
        Expiry::Never => None,
        Expiry::Date(date) => {
            identity
                .attributes
                .insert("end_date".to_string(), Value::String(date.clone()));
            match gix::date::parse(date, None) {
                Ok(time) => Some(time.seconds - now),
                Err(_) => return,
            }
        }
        Expiry::Hours(hours) => Some(hours.saturating_mul(3600)),
    };
    let reason = match seconds {
        None => member.make_reason(
            "no-end-date",
            "NHI7",
            15,
            format!(
                "{} has no end_date: the secret is long-lived",
                member.resource
            ),
        ),
        Some(left) if left > YEAR => member.make_reason(
            "far-end-date",
            "NHI7",
            10,
            format!("{} is valid for more than a year", member.resource),
        ),
        Some(_) => return,
    };
    identity.reasons.push(reason);
}

fn find(parent: &mut [usize], mut index: usize) -> usize {
    while parent[index] != index {
        parent[index] = parent[parent[index]];
        index = parent[index];
    }
    index
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    if a != b {
        parent[a.max(b)] = a.min(b);
    }
}
