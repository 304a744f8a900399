//! `keyhound debug features`: every generic candidate under the given paths
//! with its scorer features, as JSON lines. Hidden from help: it exists for
//! `scripts/eval/train-generic.py`, which trains the generic scorer on
//! features computed by the same code that uses them.

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};

use anyhow::{Context, Result};

use keyhound::RuleSet;
use keyhound::detect::Detector;
use keyhound::source::fs::{WalkOptions, display_path, walk};
use keyhound::source::{BlobVisitor, SkipReason};

use super::EXIT_CLEAN;

/// Prints one JSON object per generic candidate, sorted: path (relative to
/// the root given), line, rule, model probability and features.
pub fn features(roots: &[PathBuf]) -> Result<u8> {
    let rules = RuleSet::load(&[]).context("cannot load rules")?;
    let mut rows = Vec::new();
    for root in roots {
        let (sender, receiver) = channel();
        let prefix = format!("{}/", display_path(root));
        walk(std::slice::from_ref(root), &WalkOptions::default(), || {
            Explainer {
                detector: Detector::explaining(&rules),
                matches: Vec::new(),
                prefix: &prefix,
                rows: sender.clone(),
            }
        });
        drop(sender);
        rows.extend(receiver);
    }
    rows.sort();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (_, _, row) in rows {
        writeln!(out, "{row}")?;
    }
    out.flush()?;
    Ok(EXIT_CLEAN)
}

/// Sort key (path, line) and the JSON line of one candidate.
type Row = (String, usize, String);

/// A walker thread's visitor: explains every blob it is given.
struct Explainer<'a> {
    detector: Detector<'a>,
    matches: Vec<keyhound::detect::Match>,
    prefix: &'a str,
    rows: Sender<Row>,
}

impl BlobVisitor for Explainer<'_> {
    fn blob(&mut self, path: &str, bytes: &[u8]) {
        self.matches.clear();
        self.detector.scan(bytes, &mut self.matches);
        let path = path.strip_prefix(self.prefix).unwrap_or(path);
        let rules = self.detector.rules().rules();
        for candidate in self.detector.take_explained() {
            let line = 1 + memchr::memchr_iter(b'\n', &bytes[..candidate.secret.start]).count();
            let row = serde_json::json!({
                "path": path,
                "line": line,
                "rule": rules[candidate.rule].spec.id,
                "probability": candidate.probability,
                "features": candidate.features.to_vec(),
            });
            let _ = self.rows.send((path.to_string(), line, row.to_string()));
        }
    }

    fn skipped(&mut self, _: &str, _: SkipReason) {}

    fn error(&mut self, _: &str, message: String) {
        eprintln!("keyhound: {message}");
    }
}
