//! The per-thread worker: runs the detector on each blob and sends the matches
//! (with line/column spans, without paths) to the collector. Paths and git
//! provenance are attached later: content apart from provenance.

use std::sync::mpsc::Sender;

use crate::detect::{Detector, Match};
use crate::finding::{Part, Secret, blob_id};
use crate::rules::{Confidence, RuleSet};
use crate::source::{BlobVisitor, SkipReason};

use super::locate::{Locator, Span};
use super::{ScanIssue, Skipped, Stats};

/// One match made ready for collecting: the secret value and where in the blob.
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
    /// Lines and columns of the secret.
    pub span: Span,
    /// Byte offset of the secret's start.
    pub start_byte: usize,
    /// Byte offset just past the secret.
    pub end_byte: usize,
    /// Enclosing configuration keys (`production.database`), if any.
    pub section: Option<String>,
}

/// The hits of one blob.
#[derive(Debug, Clone)]
pub struct BlobMatches {
    /// Path for filesystem and stdin blobs; `None` for git blobs, whose paths
    /// come from the history walk.
    pub path: Option<String>,
    /// Git blob id of the content.
    pub blob_id: String,
    /// Hits, sorted by position.
    pub hits: Vec<Hit>,
}

/// What workers send to the collector.
#[derive(Debug)]
pub enum Event {
    /// Hits of one blob (only blobs with hits are sent).
    Blob(BlobMatches),
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
    /// Scratch for the second look at configuration files.
    config_matches: Vec<Match>,
    sender: Sender<Event>,
    stats: Stats,
}

impl<'r> Worker<'r> {
    /// A worker sending to `sender`.
    pub fn new(rules: &'r RuleSet, sender: Sender<Event>) -> Self {
        Worker {
            detector: Detector::new(rules),
            matches: Vec::new(),
            config_matches: Vec::new(),
            sender,
            stats: Stats::default(),
        }
    }

    fn send(&self, event: Event) {
        // The collector only goes away after every worker is done.
        let _ = self.sender.send(event);
    }

    /// Scans one blob. `blob_id` is computed from the content when not given.
    pub fn scan_blob(&mut self, path: Option<&str>, blob_id_hex: Option<String>, bytes: &[u8]) {
        self.stats.files += 1;
        self.stats.bytes += bytes.len() as u64;
        self.matches.clear();
        self.detector.scan(bytes, &mut self.matches);
        if let Some(view) = super::config_view::build(path, bytes) {
            view.scan(
                &mut self.detector,
                bytes,
                &mut self.config_matches,
                &mut self.matches,
            );
        }
        if self.matches.is_empty() {
            return;
        }
        let before = self.matches.len();
        self.matches
            .retain(|m| !allowed_inline(bytes, m.secret.start, m.secret.end));
        self.stats.suppressed += (before - self.matches.len()) as u64;
        if self.matches.is_empty() {
            return;
        }
        let mut locator = Locator::new(bytes);
        let hits = self
            .matches
            .iter()
            .map(|m| Hit {
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
                span: locator.span(&m.secret),
                start_byte: m.secret.start,
                end_byte: m.secret.end,
                section: super::section::enclosing(bytes, m.secret.start),
            })
            .collect();
        self.send(Event::Blob(BlobMatches {
            path: path.map(str::to_string),
            blob_id: blob_id_hex.unwrap_or_else(|| blob_id(bytes)),
            hits,
        }));
    }
}

/// True when a line the secret spans carries an inline allow marker
/// (`keyhound:allow`, or gitleaks' `gitleaks:allow`), e.g. in a comment.
fn allowed_inline(bytes: &[u8], start: usize, end: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |p| p + 1);
    let line_end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |p| end + p);
    let line = &bytes[line_start..line_end];
    crate::suppress::INLINE_MARKERS
        .iter()
        .any(|marker| memchr::memmem::find(line, marker.as_bytes()).is_some())
}

impl BlobVisitor for Worker<'_> {
    fn blob(&mut self, path: &str, bytes: &[u8]) {
        self.scan_blob(Some(path), None, bytes);
    }

    fn skipped(&mut self, path: &str, reason: SkipReason) {
        match reason {
            SkipReason::Binary => self.stats.skipped_binary += 1,
            SkipReason::TooLarge => self.stats.skipped_large += 1,
            SkipReason::ArchiveTooDeep | SkipReason::ArchiveBomb | SkipReason::ArchiveLimit => {}
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
