//! `inventory diff`: identities added, removed and changed between two runs
//! (the rotation check: a rotated key disappears, its successor appears).

use serde::Serialize;

use super::Identity;

/// What changed about an identity present in both runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Identity id.
    pub id: String,
    /// Kind and provider, for people.
    pub label: String,
    /// Field-level changes, as `field: old -> new`.
    pub changes: Vec<String>,
}

/// The difference between two inventories.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InventoryDiff {
    /// In the new run only.
    pub added: Vec<Identity>,
    /// In the old run only (rotated away or removed).
    pub removed: Vec<Identity>,
    /// In both, with different locations, risk, expiry or presence at HEAD.
    pub changed: Vec<Change>,
    /// In both and unchanged.
    pub unchanged: usize,
}

impl InventoryDiff {
    /// True when nothing was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares identities by id.
pub fn diff(old: &[Identity], new: &[Identity]) -> InventoryDiff {
    let mut result = InventoryDiff::default();
    for identity in new {
        match old.iter().find(|o| o.id == identity.id) {
            None => result.added.push(identity.clone()),
            Some(before) => {
                let changes = changes(before, identity);
                if changes.is_empty() {
                    result.unchanged += 1;
                } else {
                    result.changed.push(Change {
                        id: identity.id.clone(),
                        label: format!("{} {}", identity.provider, identity.kind),
                        changes,
                    });
                }
            }
        }
    }
    result.removed = old
        .iter()
        .filter(|o| !new.iter().any(|n| n.id == o.id))
        .cloned()
        .collect();
    result
}

fn changes(old: &Identity, new: &Identity) -> Vec<String> {
    let mut changes = Vec::new();
    let mut compare = |field: &str, a: String, b: String| {
        if a != b {
            changes.push(format!("{field}: {a} -> {b}"));
        }
    };
    compare(
        "risk",
        old.risk.score.to_string(),
        new.risk.score.to_string(),
    );
    compare(
        "locations",
        old.locations.len().to_string(),
        new.locations.len().to_string(),
    );
    compare(
        "repositories",
        old.repositories.join(","),
        new.repositories.join(","),
    );
    compare("expires", show(&old.expires), show(&new.expires));
    compare(
        "present_at_head",
        show(&old.present_at_head),
        show(&new.present_at_head),
    );
    compare(
        "origins",
        old.origins
            .iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>()
            .join(","),
        new.origins
            .iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>()
            .join(","),
    );
    compare(
        "permissions",
        old.permissions.len().to_string(),
        new.permissions.len().to_string(),
    );
    compare(
        "confidence",
        old.confidence.as_str().into(),
        new.confidence.as_str().into(),
    );
    changes
}

fn show<T: std::fmt::Display>(value: &Option<T>) -> String {
    value.as_ref().map_or_else(|| "-".to_string(), T::to_string)
}
