//! The whole per-blob pipeline over arbitrary bytes with the built-in rules:
//! keyword prefilter, regexes, filters, decoding, configuration parsing
//! (chosen by the path's extension) and the offline validators.
#![no_main]

use std::sync::OnceLock;

use keyhound::RuleSet;
use libfuzzer_sys::fuzz_target;

static RULES: OnceLock<RuleSet> = OnceLock::new();

/// Paths whose extensions select each configuration parser (or none).
const PATHS: [&str; 6] = [
    "fuzz.txt",
    "fuzz.json",
    "fuzz.yaml",
    "fuzz.toml",
    "fuzz.xml",
    "fuzz.ipynb",
];

fuzz_target!(|data: &[u8]| {
    let rules = RULES.get_or_init(|| RuleSet::builtin().expect("the built-in rules compile"));
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let path = PATHS[usize::from(selector) % PATHS.len()];
    let _ = keyhound::scan::scan_bytes(rules, path, bytes);
});
