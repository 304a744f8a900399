//! The per-thread worker: a [`BlobVisitor`] that runs the detector on each blob
//! and sends hits (with locations) to the collector.

use std::sync::mpsc::Sender;

use crate::detect::{Detector, Match};
use crate::finding::{Location, Part, Secret, blob_id};
use crate::rules::{Confidence, RuleSet};
use crate::source::{BlobVisitor, SkipReason};

use super::locate::Locator;
use super::{ScanIssue, Skipped, Stats};

/// One match made ready for collecting: the secret value and where it was.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Rule index in the rule set.
    pub rule: usize,
    /// Secret value.
    pub secret: Secret,
    /// Entropy of the secret.
    pub entropy: f64,
    /// Confidence after companion checks.
    pub confidence: Confidence,
    /// Companion parts.
    pub parts: Vec<Part>,
    /// Where it was found.
    pub location: Location,
}

/// What workers send to the collector.
#[derive(Debug)]
pub enum Event {
    /// Hits of one blob.
    Hits(Vec<Hit>),
    /// A file that was skipped.
    Skipped(Skipped),
    /// A read error.
    Error(ScanIssue),
    /// A worker's counters, sent once when it is dropped.
    Stats(Stats),
}

/// Per-thread detecting visitor.
pub struct Worker<'r> {
    detector: Detector<'r>,
    matches: Vec<Match>,
    sender: Sender<Event>,
    stats: Stats,
}

impl<'r> Worker<'r> {
    /// A worker sending to `sender`.
    pub fn new(rules: &'r RuleSet, sender: Sender<Event>) -> Self {
        Worker {
            detector: Detector::new(rules),
            matches: Vec::new(),
            sender,
            stats: Stats::default(),
        }
    }

    fn send(&self, event: Event) {
        // The collector only goes away after every worker is done.
        let _ = self.sender.send(event);
    }
}

impl BlobVisitor for Worker<'_> {
    fn blob(&mut self, path: &str, bytes: &[u8]) {
        self.stats.files += 1;
        self.stats.bytes += bytes.len() as u64;
        self.matches.clear();
        self.detector.scan(bytes, &mut self.matches);
        if self.matches.is_empty() {
            return;
        }
        let id = blob_id(bytes);
        let mut locator = Locator::new(bytes);
        let hits = self
            .matches
            .iter()
            .map(|m| {
                let span = locator.span(&m.secret);
                Hit {
                    rule: m.rule,
                    secret: Secret::from_bytes(&bytes[m.secret.clone()]),
                    entropy: m.entropy,
                    confidence: m.confidence,
                    parts: m
                        .parts
                        .iter()
                        .map(|(name, range)| Part {
                            name: name.clone(),
                            value: Secret::from_bytes(&bytes[range.clone()]),
                        })
                        .collect(),
                    location: Location {
                        path: path.to_string(),
                        line: span.line,
                        column: span.column,
                        end_line: span.end_line,
                        end_column: span.end_column,
                        start_byte: m.secret.start,
                        end_byte: m.secret.end,
                        blob_id: id.clone(),
                    },
                }
            })
            .collect();
        self.send(Event::Hits(hits));
    }

    fn skipped(&mut self, path: &str, reason: SkipReason) {
        match reason {
            SkipReason::Binary => self.stats.skipped_binary += 1,
            SkipReason::TooLarge => self.stats.skipped_large += 1,
        }
        self.send(Event::Skipped(Skipped {
            path: path.to_string(),
            reason,
        }));
    }

    fn error(&mut self, path: &str, message: String) {
        self.stats.errors += 1;
        self.send(Event::Error(ScanIssue {
            path: path.to_string(),
            message,
        }));
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        let stats = std::mem::take(&mut self.stats);
        self.send(Event::Stats(stats));
    }
}
