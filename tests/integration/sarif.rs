//! SARIF: the official 2.1.0 schema, and what GitHub code scanning requires
//! on top of it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::Value;

use crate::common::{
    ACME_RULES, EXIT_CLEAN, EXIT_FINDINGS, FakeSecrets, Run, Tree, clean_tree, parse_json, sample,
};

const SCHEMA_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/sarif-schema-2.1.0.json"
);

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let text = std::fs::read_to_string(SCHEMA_PATH).expect("vendored SARIF schema");
        let schema = parse_json(&text);
        // Formats (`uri`, `uri-reference`, `date-time`) are checked too.
        match jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(&schema)
        {
            Ok(validator) => validator,
            Err(err) => panic!("the SARIF schema does not compile: {err}"),
        }
    })
}

/// Panics listing every schema violation of `log`.
#[track_caller]
pub(crate) fn assert_schema_valid(log: &Value, context: &str) {
    let errors: Vec<String> = validator()
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{context}: SARIF does not validate against the 2.1.0 schema:\n{}\n{log:#}",
        errors.join("\n")
    );
}

/// The checks GitHub code scanning applies beyond the schema.
#[track_caller]
fn assert_github_rules(log: &Value, context: &str) {
    assert_eq!(log["version"], "2.1.0", "{context}");
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "{context}: one run");
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "keyhound", "{context}");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().unwrap_or(""))
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "{context}: duplicate rule ids {ids:?}"
    );
    for rule in rules {
        let id = rule["id"].as_str().unwrap_or_default();
        assert!(!id.is_empty(), "{context}: rule without id");
        let severity = rule["properties"]["security-severity"]
            .as_str()
            .unwrap_or_else(|| {
                panic!("{context}: {id}: security-severity must be a string: {rule}")
            });
        let score: f64 = severity
            .parse()
            .unwrap_or_else(|_| panic!("{context}: {id}: security-severity {severity:?}"));
        assert!((0.0..=10.0).contains(&score), "{context}: {id}: {score}");
        let precision = rule["properties"]["precision"].as_str().unwrap_or_default();
        assert!(
            ["very-high", "high", "medium", "low"].contains(&precision),
            "{context}: {id}: precision {precision:?}"
        );
        let tags = rule["properties"]["tags"].as_array().expect("tags");
        assert!(
            tags.iter().any(|t| t == "security"),
            "{context}: {id}: {tags:?}"
        );
        assert!(
            rule["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "{context}: {id}: shortDescription"
        );
    }
    let results = run["results"].as_array().expect("results");
    for result in results {
        let rule_id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            ids.get(index).copied(),
            Some(rule_id),
            "{context}: ruleIndex {index} does not point at {rule_id}"
        );
        let fingerprint = result["partialFingerprints"]["keyhound/v1"]
            .as_str()
            .unwrap_or_else(|| panic!("{context}: partialFingerprints missing: {result}"));
        assert!(
            fingerprint.len() == 64 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()),
            "{context}: fingerprint {fingerprint:?}"
        );
        assert!(
            ["error", "warning", "note", "none"].contains(&result["level"].as_str().unwrap_or("")),
            "{context}: level {}",
            result["level"]
        );
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "{context}: message"
        );
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1, "{context}: one location per result");
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().unwrap_or("");
        assert!(
            !uri.is_empty() && !uri.contains(' '),
            "{context}: uri {uri:?}"
        );
        let region = &physical["region"];
        let n = |k: &str| region[k].as_u64().unwrap_or(0);
        let (start_line, start_column) = (n("startLine"), n("startColumn"));
        let (end_line, end_column) = (n("endLine"), n("endColumn"));
        assert!(
            start_line >= 1 && start_column >= 1,
            "{context}: 1-based region {region}"
        );
        assert!(
            end_line >= start_line && end_column >= 1,
            "{context}: region {region}"
        );
        if end_line == start_line {
            assert!(
                end_column > start_column,
                "{context}: empty region {region}"
            );
        }
    }
}

fn sarif(run: &Run, code: i32) -> Value {
    run.expect_code(code);
    run.json()
}

#[test]
fn sarif_validates_against_the_schema_in_every_scenario() {
    let s = sample();
    let key_tree = Tree::new();
    let mut secrets = FakeSecrets::new(61);
    key_tree.write("keys/deploy.pem", secrets.rsa_private_key(14));
    key_tree.write(
        "odd names/my file #1.env",
        format!("conn={}\n", secrets.stripe_live()),
    );
    key_tree.write("acme.toml", ACME_RULES);
    key_tree.write(
        "acme/w.ini",
        format!("id = {}\nw = {}\n", secrets.acme_id(), secrets.acme_token()),
    );
    let absolute = s.tree.path().join("src");
    let absolute = absolute.to_str().expect("UTF-8 temp path");
    let github = secrets.github_pat();

    let scenarios: Vec<(&str, Value)> = vec![
        (
            "sample",
            sarif(&s.tree.run(&["scan", ".", "-f", "sarif"]), EXIT_FINDINGS),
        ),
        (
            "sample --show-secrets",
            sarif(
                &s.tree.run(&["scan", ".", "-f", "sarif", "--show-secrets"]),
                EXIT_FINDINGS,
            ),
        ),
        (
            "absolute path",
            sarif(
                &s.tree.run(&["scan", absolute, "-f", "sarif"]),
                EXIT_FINDINGS,
            ),
        ),
        (
            "private key and odd file names",
            sarif(
                &key_tree.run(&["scan", "keys", "odd names", "-f", "sarif"]),
                EXIT_FINDINGS,
            ),
        ),
        (
            "user rule with a companion part",
            sarif(
                &key_tree.run(&["scan", "acme", "--rules", "acme.toml", "-f", "sarif"]),
                EXIT_FINDINGS,
            ),
        ),
        (
            "stdin",
            sarif(
                &s.tree.run_with_stdin(
                    &["scan", "-", "-f", "sarif"],
                    format!("x {github}\n").as_bytes(),
                ),
                EXIT_FINDINGS,
            ),
        ),
        (
            "clean tree",
            sarif(&clean_tree().run(&["scan", ".", "-f", "sarif"]), EXIT_CLEAN),
        ),
    ];
    for (name, log) in &scenarios {
        assert_schema_valid(log, name);
        assert_github_rules(log, name);
    }
}

#[test]
fn sarif_file_names_are_percent_encoded_relative_uris() {
    let tree = Tree::new();
    let stripe = FakeSecrets::new(62).stripe_live();
    tree.write("odd names/my file #1.env", format!("conn={stripe}\n"));
    let log = sarif(&tree.run(&["scan", ".", "-f", "sarif"]), EXIT_FINDINGS);
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "odd%20names/my%20file%20%231.env"
    );
}

#[test]
fn sarif_results_agree_with_the_json_report() {
    let s = sample();
    let json = s.tree.run(&["scan", ".", "-f", "json"]).json();
    let log = sarif(&s.tree.run(&["scan", ".", "-f", "sarif"]), EXIT_FINDINGS);
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");

    let mut expected = Vec::new();
    for finding in json["findings"].as_array().expect("findings") {
        for location in finding["locations"].as_array().expect("locations") {
            expected.push((
                finding["rule_id"].clone(),
                finding["fingerprint"].clone(),
                location["path"].clone(),
                [
                    location["line"].clone(),
                    location["column"].clone(),
                    location["end_line"].clone(),
                    location["end_column"].clone(),
                ],
            ));
        }
    }
    let actual: Vec<_> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let physical = &r["locations"][0]["physicalLocation"];
            let region = &physical["region"];
            (
                r["ruleId"].clone(),
                r["partialFingerprints"]["keyhound/v1"].clone(),
                physical["artifactLocation"]["uri"].clone(),
                [
                    region["startLine"].clone(),
                    region["startColumn"].clone(),
                    region["endLine"].clone(),
                    region["endColumn"].clone(),
                ],
            )
        })
        .collect();
    assert_eq!(actual, expected);

    // One descriptor per rule used, with GitHub's severity and precision.
    let rules: BTreeMap<&str, &Value> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| (r["id"].as_str().unwrap_or_default(), r))
        .collect();
    assert_eq!(
        rules.keys().copied().collect::<Vec<_>>(),
        ["github.pat-classic", "stripe.secret-key-live"]
    );
    let stripe = rules["stripe.secret-key-live"];
    assert_eq!(stripe["properties"]["precision"], "high");
    let critical: f64 = stripe["properties"]["security-severity"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0);
    let high: f64 = rules["github.pat-classic"]["properties"]["security-severity"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0);
    assert!(
        critical >= 9.0,
        "critical maps to GitHub's critical band: {critical}"
    );
    assert!(
        (7.0..9.0).contains(&high),
        "high maps to GitHub's high band: {high}"
    );
    for result in run["results"].as_array().expect("results") {
        assert_eq!(
            result["level"], "error",
            "critical and high findings are errors"
        );
    }
}

#[test]
fn sarif_multi_line_region_and_levels_by_severity() {
    let tree = Tree::new();
    let key = FakeSecrets::new(63).rsa_private_key(10);
    tree.write("k.pem", format!("\n{key}\n"));
    tree.write("acme.toml", ACME_RULES);
    tree.write(
        "w.cfg",
        format!("w = {}\n", FakeSecrets::new(64).acme_token()),
    );
    let log = sarif(
        &tree.run(&["scan", ".", "--rules", "acme.toml", "-f", "sarif"]),
        EXIT_FINDINGS,
    );
    let results = log["runs"][0]["results"].as_array().expect("results");
    let by_rule: BTreeMap<&str, &Value> = results
        .iter()
        .map(|r| (r["ruleId"].as_str().unwrap_or_default(), r))
        .collect();
    let key_result = by_rule["private-key.rsa"];
    let region = &key_result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 2);
    assert_eq!(region["startColumn"], 1);
    assert_eq!(region["endLine"], 13);
    assert_eq!(
        region["endColumn"],
        key.lines().last().map_or(0, str::len) as u64 + 1
    );
    assert_eq!(key_result["level"], "error");
    // The user rule is `severity = "medium"`: a warning.
    assert_eq!(by_rule["acme.widget-token"]["level"], "warning");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let acme = rules
        .iter()
        .find(|r| r["id"] == "acme.widget-token")
        .expect("descriptor");
    assert_eq!(acme["helpUri"], "https://acme.invalid/docs/widget-tokens");
}

#[test]
fn sarif_messages_are_redacted() {
    let s = sample();
    let log = sarif(&s.tree.run(&["scan", ".", "-f", "sarif"]), EXIT_FINDINGS);
    for result in log["runs"][0]["results"].as_array().expect("results") {
        let text = result["message"]["text"].as_str().unwrap_or_default();
        assert!(text.contains('…'), "{text}");
        assert!(
            !text.contains(&s.stripe) && !text.contains(&s.github),
            "{text}"
        );
    }
}

#[test]
fn sarif_caps_results_at_25000_and_counts_the_rest() {
    let tree = Tree::new();
    let stripe = FakeSecrets::new(65).stripe_live();
    tree.write("many.txt", format!("k {stripe}\n").repeat(25_003));
    let scan = tree.run(&["scan", ".", "-f", "sarif"]);
    assert!(
        scan.stderr
            .contains("SARIF holds the first 25000 of 25003 results"),
        "truncation is announced: {}",
        scan.stderr
    );
    assert_within_github_upload_limit(&scan.stdout);
    let log = sarif(&scan, EXIT_FINDINGS);
    let run = &log["runs"][0];
    assert_eq!(run["results"].as_array().map(Vec::len), Some(25_000));
    assert_eq!(run["properties"]["keyhound/omittedResults"], 3);
    assert_schema_valid(&log, "25,003 locations");
    assert_github_rules(&log, "25,003 locations");
    // Under the cap there is no such property.
    let s = sample();
    let small = sarif(&s.tree.run(&["scan", ".", "-f", "sarif"]), EXIT_FINDINGS);
    assert!(small["runs"][0].get("properties").is_none(), "{small:#}");
}

/// GitHub rejects SARIF uploads over 10 MB gzip-compressed. Checked with the
/// system `gzip` when it is installed (the uncompressed size is reported too).
fn assert_within_github_upload_limit(text: &str) {
    use std::io::Write;
    let child = std::process::Command::new("gzip")
        .arg("-c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("gzip is not installed: skipping the compressed-size check");
        return;
    };
    // Feed gzip from a thread while this one drains its output: writing all
    // of stdin first deadlocks once gzip's output fills the pipe.
    let writer = child.stdin.take().map(|mut stdin| {
        let bytes = text.as_bytes().to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        })
    });
    let output = child.wait_with_output().expect("gzip runs");
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    let compressed = output.stdout.len();
    eprintln!("SARIF: {} bytes, {compressed} gzip", text.len());
    assert!(compressed < 10 * 1024 * 1024, "{compressed} bytes gzip");
}

#[test]
fn sarif_results_carry_a_primary_location_line_hash() {
    let mut fake = FakeSecrets::new(66);
    let (a, b) = (fake.stripe_live(), fake.stripe_live());
    let tree = Tree::new();
    tree.write("one.env", format!("K={a}\nL={a}\nM={b}\n"));
    tree.write("two.env", format!("K={a}\n"));
    let log = sarif(&tree.run(&["scan", ".", "-f", "sarif"]), EXIT_FINDINGS);
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 4);
    let hashes: Vec<String> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let unique: BTreeSet<&String> = hashes.iter().collect();
    assert_eq!(unique.len(), 4, "one hash per result: {hashes:?}");
    for hash in &hashes {
        let (hex, occurrence) = hash.split_once(':').unwrap_or_default();
        assert_eq!(hex.len(), 16, "{hash}");
        assert!(occurrence.parse::<u32>().is_ok_and(|n| n >= 1), "{hash}");
    }
    // The same secret twice in one file: same hash, occurrences 1 and 2.
    assert!(hashes.iter().any(|h| h.ends_with(":2")), "{hashes:?}");
    // Content-based: moving the lines keeps the hashes.
    tree.write("one.env", format!("# header\n\nK={a}\nL={a}\nM={b}\n"));
    let moved = sarif(&tree.run(&["scan", ".", "-f", "sarif"]), EXIT_FINDINGS);
    let moved_hashes: BTreeSet<String> = moved["runs"][0]["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|x| {
                    x["partialFingerprints"]["primaryLocationLineHash"]
                        .to_string()
                        .trim_matches('"')
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(moved_hashes, hashes.iter().cloned().collect());
}

/// Negative controls: the validator used above does reject broken logs.
#[test]
fn schema_validator_rejects_broken_logs() {
    let s = sample();
    let log = sarif(&s.tree.run(&["scan", ".", "-f", "sarif"]), EXIT_FINDINGS);
    assert!(validator().is_valid(&log));
    let location = "/runs/0/results/0/locations/0/physicalLocation";
    let breakages = [
        ("/version".to_string(), Value::from("2.0.0")),
        (format!("{location}/region/startLine"), Value::from(0)),
        ("/runs/0/results/0/ruleIndex".to_string(), Value::from(-2)),
        (
            format!("{location}/artifactLocation/uri"),
            Value::from("not a uri reference"),
        ),
    ];
    for (pointer, bad) in breakages {
        let mut broken = log.clone();
        *broken
            .pointer_mut(&pointer)
            .unwrap_or_else(|| panic!("{pointer} exists")) = bad;
        assert!(
            !validator().is_valid(&broken),
            "{pointer} change not caught"
        );
    }
}
