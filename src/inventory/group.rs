//! Grouping findings into identities (union-find over shared keys) and the
//! identities' stable ids.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::finding::Finding;

/// Groups member indexes: two members share an identity when they have the
/// same secret, when a companion part of one is the secret of the other (AWS
/// key id + secret key), or when they have the same public key (private key +
/// certificate), or when a private key sits in the same blob as a key
/// file's id, within [`KEY_FILE_LINES`] lines (a GCP service-account key
/// JSON's `private_key` is that account's key, not a second identity).
/// Groups come out sorted by their smallest member index.
pub fn groups(members: &[&Finding]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..members.len()).collect();
    let mut by_secret: HashMap<&str, usize> = HashMap::new();
    let mut by_public_key: HashMap<&str, usize> = HashMap::new();
    for (index, member) in members.iter().enumerate() {
        if let Some(&other) = by_secret.get(member.secret.expose()) {
            union(&mut parent, index, other);
        } else {
            by_secret.insert(member.secret.expose(), index);
        }
        if let Some(key) = member.evidence.public_key_sha256.as_deref() {
            match by_public_key.get(key) {
                Some(&other) => union(&mut parent, index, other),
                None => {
                    by_public_key.insert(key, index);
                }
            }
        }
    }
    for (index, member) in members.iter().enumerate() {
        if KEY_FILE_RULES.contains(&member.rule_id.as_str()) {
            for (other, key) in members.iter().enumerate() {
                if key.rule_id.starts_with("private-key.") && same_key_file(member, key) {
                    union(&mut parent, index, other);
                }
            }
        }
        for part in &member.parts {
            if let Some(&other) = by_secret.get(part.value.expose()) {
                union(&mut parent, index, other);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for index in 0..members.len() {
        let root = find(&mut parent, index);
        let at = *slot.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[at].push(index);
    }
    groups
}

/// Rules whose secret names a key file (JSON) that also holds the private key.
const KEY_FILE_RULES: &[&str] = &["gcp.service-account-key"];

/// How far (in lines) a key file's private key may sit from its id.
pub const KEY_FILE_LINES: usize = 10;

/// Does a location of `key` sit in the same blob as a location of
/// `file`, within [`KEY_FILE_LINES`] lines?
fn same_key_file(file: &Finding, key: &Finding) -> bool {
    file.locations.iter().any(|a| {
        key.locations
            .iter()
            .any(|b| a.blob_id == b.blob_id && a.line.abs_diff(b.line) <= KEY_FILE_LINES)
    })
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

/// A stable id for a group: SHA-256 (first 16 bytes, hex) of its anchor, which
/// is the public key when there is one, else a secret another member names as
/// a part (the AWS key id), else the smallest secret. New sightings of the same
/// credential in later runs keep the id, which is what `inventory diff` needs.
pub fn identity_id(group: &[&Finding]) -> String {
    let anchor = if let Some(key) = group
        .iter()
        .filter_map(|f| f.evidence.public_key_sha256.as_deref())
        .min()
    {
        format!("public-key\0{key}")
    } else if let Some(id) = group
        .iter()
        .flat_map(|f| f.parts.iter())
        .map(|p| p.value.expose())
        .filter(|value| group.iter().any(|f| f.secret.expose() == *value))
        .min()
    {
        format!("credential-id\0{id}")
    } else {
        let secret = group
            .iter()
            .map(|f| f.secret.expose())
            .min()
            .unwrap_or_default();
        format!("secret\0{secret}")
    };
    let digest = Sha256::new()
        .chain_update(b"keyhound-identity-v1\0")
        .chain_update(anchor.as_bytes())
        .finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}
