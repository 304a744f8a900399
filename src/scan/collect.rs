//! The collector: merges hits from all workers into findings (one per rule and
//! secret value), then sorts everything so output is identical whatever the
//! thread count.

use std::collections::BTreeMap;

use crate::finding::{Finding, Secret, fingerprint};
use crate::rules::RuleSet;
use crate::source::SkipReason;

use super::{Event, ScanOutcome};

/// Accumulates worker events; single-threaded, at the edge of the pipeline.
pub struct Collector<'r> {
    rules: &'r RuleSet,
    findings: BTreeMap<(usize, Secret), Finding>,
    outcome: ScanOutcome,
}

impl<'r> Collector<'r> {
    /// An empty collector for findings of `rules`.
    pub fn new(rules: &'r RuleSet) -> Self {
        Collector {
            rules,
            findings: BTreeMap::new(),
            outcome: ScanOutcome::default(),
        }
    }

    /// Takes one event.
    pub fn add(&mut self, event: Event) {
        match event {
            Event::Hits(hits) => {
                for hit in hits {
                    let key = (hit.rule, hit.secret.clone());
                    match self.findings.get_mut(&key) {
                        Some(finding) => {
                            finding.confidence = finding.confidence.max(hit.confidence);
                            for part in hit.parts {
                                if !finding.parts.iter().any(|p| p.name == part.name) {
                                    finding.parts.push(part);
                                }
                            }
                            finding.locations.push(hit.location);
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
                                    secret: hit.secret,
                                    entropy: hit.entropy,
                                    parts: hit.parts,
                                    locations: vec![hit.location],
                                },
                            );
                        }
                    }
                }
            }
            Event::Skipped(skipped) => {
                if skipped.reason == SkipReason::TooLarge {
                    self.outcome.skipped.push(skipped);
                }
            }
            Event::Error(issue) => self.outcome.errors.push(issue),
            Event::Stats(stats) => {
                let total = &mut self.outcome.stats;
                total.files += stats.files;
                total.bytes += stats.bytes;
                total.skipped_binary += stats.skipped_binary;
                total.skipped_large += stats.skipped_large;
                total.errors += stats.errors;
            }
        }
    }

    /// Sorted findings, errors and skips.
    pub fn finish(self) -> ScanOutcome {
        let mut outcome = self.outcome;
        let mut findings: Vec<Finding> = self.findings.into_values().collect();
        for finding in &mut findings {
            finding.locations.sort();
            finding.locations.dedup();
            finding.parts.sort_by(|a, b| a.name.cmp(&b.name));
        }
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
        outcome
    }
}
