//! Inventory as CSV: one identity per row, for spreadsheets.

use std::io::{self, Write};

use crate::scan::ScanOutcome;

/// Column headers, in order.
pub const COLUMNS: &[&str] = &[
    "id",
    "risk",
    "kind",
    "provider",
    "credential_type",
    "principal",
    "confidence",
    "severity",
    "created",
    "expires",
    "first_seen",
    "last_seen",
    "present_at_head",
    "environments",
    "owners",
    "repositories",
    "locations",
    "first_location",
    "reasons",
    "origins",
    "permissions",
    "trust",
];

/// At most this many permissions are listed in a CSV cell; the rest are counted.
pub const MAX_PERMISSIONS: usize = 5;

/// The permissions of an identity for one cell: the first
/// [`MAX_PERMISSIONS`], then `(+N more)`.
pub fn summarise_permissions(permissions: &[String]) -> String {
    let mut cell = permissions
        .iter()
        .take(MAX_PERMISSIONS)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if permissions.len() > MAX_PERMISSIONS {
        cell.push_str(&format!(" (+{} more)", permissions.len() - MAX_PERMISSIONS));
    }
    cell
}

/// Writes the CSV (header row first).
pub fn write(outcome: &ScanOutcome, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(COLUMNS).map_err(io::Error::other)?;
    for identity in &outcome.identities {
        let join = |items: Vec<String>| items.join("; ");
        let record = [
            identity.id.clone(),
            identity.risk.score.to_string(),
            identity.kind.as_str().to_string(),
            identity.provider.clone(),
            identity.credential_type.clone(),
            identity.principal.clone().unwrap_or_default(),
            identity.confidence.as_str().to_string(),
            identity.severity.as_str().to_string(),
            identity.created.clone().unwrap_or_default(),
            identity.expires.clone().unwrap_or_default(),
            identity.first_seen.clone().unwrap_or_default(),
            identity.last_seen.clone().unwrap_or_default(),
            identity
                .present_at_head
                .map(|p| p.to_string())
                .unwrap_or_default(),
            join(
                identity
                    .environments
                    .iter()
                    .map(|e| format!("{e:?}").to_lowercase())
                    .collect(),
            ),
            join(identity.owners.iter().map(|o| o.name.clone()).collect()),
            join(identity.repositories.clone()),
            identity.locations.len().to_string(),
            identity
                .locations
                .first()
                .map(|l| format!("{}:{}", l.path, l.line))
                .unwrap_or_default(),
            join(
                identity
                    .risk
                    .reasons
                    .iter()
                    .map(|r| match &r.nhi {
                        Some(nhi) => format!("{nhi} {}", r.message),
                        None => r.message.clone(),
                    })
                    .collect(),
            ),
            join(
                identity
                    .origins
                    .iter()
                    .map(|o| o.as_str().to_string())
                    .collect(),
            ),
            summarise_permissions(&identity.permissions),
            join(identity.trust.clone()),
        ];
        writer.write_record(&record).map_err(io::Error::other)?;
    }
    writer.flush()
}
