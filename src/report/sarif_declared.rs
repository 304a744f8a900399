//! SARIF results for declared identities: one result per NHI5 / NHI6 / NHI7
//! reason, at the declaring line, `note` or `warning` (never `error`), so
//! they do not fail code scanning unless asked (`--fail-on-declared`).

use std::collections::{BTreeMap, BTreeSet};

use serde_sarif::sarif::{
    ArtifactLocation, Location as SarifLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, Region, ReportingDescriptor, Result as SarifResult, ResultLevel,
};

use crate::inventory::{Identity, Reason, declared_reason_severity};
use crate::rules::Severity;

/// Rule id of a declared reason (`keyhound.declared.wildcard-action`).
fn rule_id(reason: &Reason) -> String {
    format!("keyhound.declared.{}", reason.code)
}

/// The declared reasons SARIF reports: NHI5, NHI6 and NHI7 with a location.
fn reported(identities: &[Identity]) -> Vec<(&Identity, &Reason, &str, usize)> {
    let mut out = Vec::new();
    for identity in identities {
        for reason in &identity.risk.reasons {
            let nhi = reason.nhi.as_deref().unwrap_or("");
            if let (Some(path), Some(line), true) = (
                reason.path.as_deref(),
                reason.line,
                matches!(nhi, "NHI5" | "NHI6" | "NHI7"),
            ) {
                out.push((identity, reason, path, line));
            }
        }
    }
    out
}

/// Descriptors and results for the declared reasons of `identities`; rule
/// indexes start at `first_index`.
pub fn results(
    identities: &[Identity],
    first_index: usize,
) -> (Vec<ReportingDescriptor>, Vec<SarifResult>) {
    let reported = reported(identities);
    let ids: BTreeSet<String> = reported.iter().map(|(_, r, _, _)| rule_id(r)).collect();
    let index: BTreeMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), first_index + i))
        .collect();
    let descriptors = ids
        .iter()
        .map(|id| {
            ReportingDescriptor::builder()
                .id(id.clone())
                .name("DeclaredIdentityRisk")
                .short_description(
                    MultiformatMessageString::builder()
                        .text(format!(
                            "Declared machine identity: {}",
                            id.trim_start_matches("keyhound.declared.")
                        ))
                        .build(),
                )
                .build()
        })
        .collect();
    let results = reported
        .iter()
        .map(|(identity, reason, path, line)| {
            let id = rule_id(reason);
            let level = if declared_reason_severity(reason.points) >= Severity::High {
                ResultLevel::Warning
            } else {
                ResultLevel::Note
            };
            let region = Region::builder().start_line(*line as i64).build();
            let physical = PhysicalLocation::builder()
                .artifact_location(
                    ArtifactLocation::builder()
                        .uri(super::sarif::path_uri(path))
                        .build(),
                )
                .region(region)
                .build();
            let principal = identity.principal.as_deref().unwrap_or("-");
            let text = format!(
                "{} {principal}: {} [{}]",
                identity.kind.as_str(),
                reason.message,
                reason.nhi.as_deref().unwrap_or("")
            );
            let mut fingerprints = BTreeMap::new();
            fingerprints.insert(
                "keyhound/v1".to_string(),
                format!("{}:{}", identity.id, reason.code),
            );
            let mut properties = BTreeMap::new();
            properties.insert("identity".to_string(), identity.id.clone().into());
            properties.insert("identityKind".to_string(), identity.kind.as_str().into());
            properties.insert("riskScore".to_string(), identity.risk.score.into());
            properties.insert("origin".to_string(), "declared".into());
            let mut result = SarifResult::builder()
                .rule_id(id.clone())
                .rule_index(index.get(id.as_str()).copied().unwrap_or(first_index) as i64)
                .level(level)
                .message(Message::builder().text(text).build())
                .locations(vec![
                    SarifLocation::builder().physical_location(physical).build(),
                ])
                .partial_fingerprints(fingerprints)
                .build();
            result.properties = Some(
                PropertyBag::builder()
                    .additional_properties(properties)
                    .build(),
            );
            result
        })
        .collect();
    (descriptors, results)
}
