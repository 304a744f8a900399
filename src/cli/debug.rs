//! `keyhound debug features`: every generic candidate under the given paths
//! with its scorer features, as JSON lines. Hidden from help: it exists for
//! `scripts/eval/train-generic.py`, which trains the generic scorer on
//! features computed by the same code that uses them.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use keyhound::RuleSet;
use keyhound::detect::Detector;
use keyhound::source::looks_binary;

use super::EXIT_CLEAN;

/// Prints one JSON object per generic candidate: path (relative to the given
/// root), line, rule, model probability and features.
pub fn features(roots: &[PathBuf]) -> Result<u8> {
    let rules = RuleSet::load(&[]).context("cannot load rules")?;
    let mut detector = Detector::explaining(&rules);
    let mut matches = Vec::new();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for root in roots {
        let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .build()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
            .map(|entry| entry.into_path())
            .collect();
        files.sort();
        for file in files {
            let Ok(bytes) = std::fs::read(&file) else {
                eprintln!("keyhound: cannot read {}", file.display());
                continue;
            };
            if looks_binary(&bytes) {
                continue;
            }
            matches.clear();
            detector.scan(&bytes, &mut matches);
            let relative = file.strip_prefix(root).unwrap_or(&file);
            for candidate in detector.take_explained() {
                let line = 1 + memchr::memchr_iter(b'\n', &bytes[..candidate.secret.start]).count();
                let row = serde_json::json!({
                    "path": relative.to_string_lossy(),
                    "line": line,
                    "rule": rules.rules()[candidate.rule].spec.id,
                    "probability": candidate.probability,
                    "features": candidate.features.to_vec(),
                });
                writeln!(out, "{row}")?;
            }
        }
    }
    out.flush()?;
    Ok(EXIT_CLEAN)
}
