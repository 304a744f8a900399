//! Snapshots of the JSON, SARIF and text reports of the sample tree, scanned
//! with a relative path so paths are stable. Values that change with every
//! run, release or new rule (elapsed time, versions, rule count and hash) are
//! replaced by placeholders first, and so are the identities' sightings (file
//! modification times outside git).

use crate::common::{EXIT_FINDINGS, parse_json, sample};

/// Replaces the value of every `"key": value` line of pretty-printed JSON
/// with `placeholder` (a JSON literal), keeping indentation and any trailing
/// comma; panics unless exactly `expected` lines matched, so a format change
/// cannot slip a varying value into a snapshot.
fn replace_field(text: &str, key: &str, placeholder: &str, expected: usize) -> String {
    let prefix = format!("\"{key}\": ");
    let mut replaced = 0;
    let out: String = text
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with(&prefix) {
                replaced += 1;
                let indent = &line[..line.len() - trimmed.len()];
                let comma = if trimmed.ends_with(',') { "," } else { "" };
                format!("{indent}{prefix}{placeholder}{comma}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    assert_eq!(replaced, expected, "{key:?} lines in:\n{text}");
    out
}

/// The JSON report with elapsed time, version and rule pack identity replaced.
fn normalize_json(report: &str) -> String {
    let text = replace_field(report, "elapsed_ms", "0", 1);
    let text = replace_field(&text, "count", "\"COUNT\"", 1);
    let text = replace_field(&text, "hash", "\"HASH\"", 1);
    let text = replace_field(&text, "version", "\"VERSION\"", 1);
    // Outside git, first and last sightings are the files' modification times.
    let identities = parse_json(report)["identities"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(identities > 0, "the sample has identities");
    let text = replace_field(&text, "first_seen", "\"DATE\"", identities);
    let text = replace_field(&text, "last_seen", "\"DATE\"", identities);
    parse_json(&text);
    text
}

/// The SARIF log with the tool version replaced (the SARIF `version` is the
/// format's own, always 2.1.0, and stays).
fn normalize_sarif(log: &str) -> String {
    let text = replace_field(log, "semanticVersion", "\"VERSION\"", 1);
    assert_eq!(parse_json(&text)["version"], "2.1.0");
    text
}

#[test]
fn json_report_snapshot() {
    let s = sample();
    let run = s.tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    insta::assert_snapshot!("json_report", normalize_json(&run.stdout));
}

#[test]
fn json_report_of_a_subdirectory_snapshot() {
    let s = sample();
    let run = s.tree.run(&["scan", "config", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    insta::assert_snapshot!("json_report_config", normalize_json(&run.stdout));
}

#[test]
fn sarif_report_snapshot() {
    let s = sample();
    let run = s.tree.run(&["scan", ".", "-f", "sarif"]);
    run.expect_code(EXIT_FINDINGS);
    insta::assert_snapshot!("sarif_report", normalize_sarif(&run.stdout));
}

#[test]
fn text_report_snapshot() {
    let s = sample();
    let run = s.tree.run(&["scan", ".", "-f", "text", "--color", "never"]);
    run.expect_code(EXIT_FINDINGS);
    // The summary line carries the elapsed time: `... in 0.01s: ...`.
    let text: String = run
        .stdout
        .lines()
        .map(|line| match (line.find(" in "), line.find("s: ")) {
            (Some(start), Some(end)) if line.starts_with("keyhound: scanned") && start < end => {
                format!("{} in ELAPSED{}\n", &line[..start], &line[end + 1..])
            }
            _ => format!("{line}\n"),
        })
        .collect();
    insta::assert_snapshot!("text_report", text);
}
