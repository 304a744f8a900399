//! Each output format on the sample tree, a clean tree and an empty directory.

use std::fs;

use serde_json::{Value, json};

use crate::common::{
    EXIT_CLEAN, EXIT_FINDINGS, FORMATS, GITHUB_FILE, STRIPE_FILE, Tree, clean_tree, fingerprint,
    git_blob_id, parse_json, sample,
};

const STRIPE_RULE: &str = "stripe.secret-key-live";
const GITHUB_RULE: &str = "github.pat-classic";

/// `(line, column, end_line, end_column, start_byte, end_byte)` of a location.
fn span(location: &Value) -> (u64, u64, u64, u64, u64, u64) {
    let field = |name: &str| {
        location[name]
            .as_u64()
            .unwrap_or_else(|| panic!("location.{name} is not an unsigned integer: {location}"))
    };
    (
        field("line"),
        field("column"),
        field("end_line"),
        field("end_column"),
        field("start_byte"),
        field("end_byte"),
    )
}

#[test]
fn json_report_has_findings_rules_paths_and_positions() {
    let s = sample();
    let run = s.tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();

    assert_eq!(report["tool"], "keyhound");
    assert!(report["version"].as_str().is_some_and(|v| !v.is_empty()));
    assert!(report["rules"]["count"].as_u64().is_some_and(|n| n > 0));
    let hash = report["rules"]["hash"].as_str().unwrap_or_default();
    assert_eq!(hash.len(), 64, "rules.hash is a hex SHA-256: {hash:?}");
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));

    let stripe_file = fs::read(s.tree.join(STRIPE_FILE)).expect("read back");
    let github_file = fs::read(s.tree.join(GITHUB_FILE)).expect("read back");
    let readme = fs::read(s.tree.join("docs/README.md")).expect("read back");
    let stats = &report["stats"];
    assert_eq!(stats["files"], 3);
    assert_eq!(
        stats["bytes"],
        (stripe_file.len() + github_file.len() + readme.len()) as u64
    );
    assert_eq!(stats["findings"], 2);
    assert_eq!(stats["skipped_binary"], 0);
    assert_eq!(stats["skipped_large"], 0);
    assert_eq!(stats["errors"], 0);
    assert!(stats["elapsed_ms"].is_u64());
    assert_eq!(report["errors"], json!([]));
    assert_eq!(report["skipped"], json!([]));

    let findings = report["findings"].as_array().expect("findings array");
    assert_eq!(findings.len(), 2, "{report:#}");

    // Sorted by first location: config/app.env before src/main.rs.
    let stripe = &findings[0];
    assert_eq!(stripe["rule_id"], STRIPE_RULE);
    assert_eq!(stripe["rule_name"], "Stripe live secret key");
    assert_eq!(stripe["provider"], "stripe");
    assert_eq!(stripe["identity"], "stripe.secret-key");
    assert_eq!(stripe["confidence"], "high");
    assert_eq!(stripe["severity"], "critical");
    assert_eq!(stripe["redacted"], true);
    assert_eq!(stripe["parts"], json!([]));
    assert_eq!(stripe["fingerprint"], fingerprint(STRIPE_RULE, &s.stripe));
    assert!(
        stripe["entropy"]
            .as_f64()
            .is_some_and(|e| e > 3.5 && e <= 8.0)
    );
    let locations = stripe["locations"].as_array().expect("locations");
    assert_eq!(locations.len(), 2, "the key is seen twice: {stripe:#}");
    for location in locations {
        assert_eq!(location["path"], STRIPE_FILE);
        assert_eq!(location["blob_id"], git_blob_id(&stripe_file));
    }
    // Line 2 is `naïve_clé=<key>`: 10 code points (12 bytes) before the key.
    assert_eq!(span(&locations[0]), (2, 11, 2, 43, 29, 61));
    // Line 3 is `mirror: "<key>"`.
    assert_eq!(span(&locations[1]), (3, 10, 3, 42, 71, 103));
    for location in locations {
        let (.., start, end) = span(location);
        assert_eq!(
            &stripe_file[start as usize..end as usize],
            s.stripe.as_bytes()
        );
    }

    let github = &findings[1];
    assert_eq!(github["rule_id"], GITHUB_RULE);
    assert_eq!(github["provider"], "github");
    assert_eq!(github["severity"], "high");
    assert_eq!(github["fingerprint"], fingerprint(GITHUB_RULE, &s.github));
    let locations = github["locations"].as_array().expect("locations");
    assert_eq!(locations.len(), 1);
    assert_eq!(locations[0]["path"], GITHUB_FILE);
    assert_eq!(locations[0]["blob_id"], git_blob_id(&github_file));
    assert_eq!(span(&locations[0]), (2, 15, 2, 55, 26, 66));
}

#[test]
fn jsonl_report_is_one_finding_per_line_matching_the_json_document() {
    let s = sample();
    let document = s.tree.run(&["scan", ".", "-f", "json"]);
    document.expect_code(EXIT_FINDINGS);
    let lines = s.tree.run(&["scan", ".", "-f", "jsonl"]);
    lines.expect_code(EXIT_FINDINGS);

    assert!(lines.stdout.ends_with('\n'));
    let parsed: Vec<Value> = lines.stdout.lines().map(parse_json).collect();
    assert_eq!(parsed.len(), 2, "{}", lines.stdout);
    assert_eq!(parsed[0]["rule_id"], STRIPE_RULE);
    assert_eq!(parsed[1]["rule_id"], GITHUB_RULE);
    assert_eq!(parsed[1]["locations"][0]["path"], GITHUB_FILE);
    assert_eq!(parsed[1]["locations"][0]["line"], 2);
    assert_eq!(parsed[1]["locations"][0]["column"], 15);
    assert_eq!(
        Value::Array(parsed),
        document.json()["findings"],
        "JSONL findings equal the JSON document's"
    );
}

#[test]
fn text_report_groups_findings_by_rule_with_every_location() {
    let s = sample();
    let run = s.tree.run(&["scan", ".", "-f", "text", "--color", "never"]);
    run.expect_code(EXIT_FINDINGS);
    let out = &run.stdout;
    assert!(!out.contains('\x1b'), "no color with --color never: {out}");

    let github_header = out
        .find("GitHub personal access token (classic) (github.pat-classic) [high]")
        .unwrap_or_else(|| panic!("github rule header missing:\n{out}"));
    let stripe_header = out
        .find("Stripe live secret key (stripe.secret-key-live) [critical]")
        .unwrap_or_else(|| panic!("stripe rule header missing:\n{out}"));
    assert!(
        github_header < stripe_header,
        "groups sorted by rule id:\n{out}"
    );

    for needle in [
        "    src/main.rs:2:15\n",
        "    config/app.env:2:11\n",
        "    config/app.env:3:10\n",
        "high confidence",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }
    let stripe_fp = fingerprint(STRIPE_RULE, &s.stripe);
    assert!(out.contains(&format!("fp {}", &stripe_fp[..12])), "{out}");
    let github_fp = fingerprint(GITHUB_RULE, &s.github);
    assert!(out.contains(&format!("fp {}", &github_fp[..12])), "{out}");

    let summary = out.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("keyhound: scanned 3 files"),
        "summary: {summary}"
    );
    assert!(
        summary.ends_with("2 findings (1 critical, 1 high)"),
        "summary: {summary}"
    );
}

#[test]
fn text_report_colors_only_when_asked() {
    let s = sample();
    let colored = s.tree.run(&["scan", ".", "--color", "always"]);
    colored.expect_code(EXIT_FINDINGS);
    assert!(colored.stdout.contains("\x1b["), "{}", colored.stdout);
    // `auto` with stdout a pipe: no color.
    let auto = s.tree.run(&["scan", "."]);
    auto.expect_code(EXIT_FINDINGS);
    assert!(!auto.stdout.contains('\x1b'), "{}", auto.stdout);
}

#[test]
fn sarif_report_has_one_result_per_location() {
    let s = sample();
    let run = s.tree.run(&["scan", ".", "-f", "sarif"]);
    run.expect_code(EXIT_FINDINGS);
    let log = run.json();
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["tool"]["driver"]["name"], "keyhound");
    let results = runs[0]["results"].as_array().expect("results");
    let seen: Vec<(String, String, u64, u64, u64, u64)> = results
        .iter()
        .map(|r| {
            let physical = &r["locations"][0]["physicalLocation"];
            let region = &physical["region"];
            let n = |k: &str| region[k].as_u64().unwrap_or(0);
            (
                r["ruleId"].as_str().unwrap_or_default().to_string(),
                physical["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                n("startLine"),
                n("startColumn"),
                n("endLine"),
                n("endColumn"),
            )
        })
        .collect();
    let expected = [
        (STRIPE_RULE, STRIPE_FILE, 2, 11, 2, 43),
        (STRIPE_RULE, STRIPE_FILE, 3, 10, 3, 42),
        (GITHUB_RULE, GITHUB_FILE, 2, 15, 2, 55),
    ]
    .map(|(rule, uri, a, b, c, d)| (rule.to_string(), uri.to_string(), a, b, c, d));
    assert_eq!(seen, expected, "{log:#}");
}

#[test]
fn default_path_is_the_current_directory() {
    let s = sample();
    let explicit = s.tree.run(&["scan", ".", "-f", "jsonl"]);
    let implicit = s.tree.run(&["scan", "-f", "jsonl"]);
    implicit.expect_code(EXIT_FINDINGS);
    assert_eq!(implicit.stdout, explicit.stdout);
}

#[test]
fn paths_can_be_files_subdirectories_or_several() {
    let s = sample();

    let only_src = s.tree.run(&["scan", "src", "-f", "json"]);
    only_src.expect_code(EXIT_FINDINGS);
    let report = only_src.json();
    assert_eq!(report["stats"]["files"], 1);
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["findings"][0]["rule_id"], GITHUB_RULE);
    assert_eq!(report["findings"][0]["locations"][0]["path"], GITHUB_FILE);

    let one_file = s.tree.run(&["scan", STRIPE_FILE, "-f", "json"]);
    one_file.expect_code(EXIT_FINDINGS);
    let report = one_file.json();
    assert_eq!(report["findings"][0]["locations"][0]["path"], STRIPE_FILE);
    assert_eq!(report["findings"][0]["locations"][1]["line"], 3);

    let clean_dir = s.tree.run(&["scan", "docs", "-f", "json"]);
    clean_dir.expect_code(EXIT_CLEAN);

    let both = s
        .tree
        .run(&["scan", "src", "docs", STRIPE_FILE, "-f", "json"]);
    both.expect_code(EXIT_FINDINGS);
    let report = both.json();
    assert_eq!(report["stats"]["files"], 3);
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(2));
}

#[test]
fn absolute_paths_are_reported_as_given() {
    let s = sample();
    let root = s.tree.path().join("src");
    let root = root.to_str().expect("temp path is UTF-8");
    let run = s.tree.run(&["scan", root, "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let path = run.json()["findings"][0]["locations"][0]["path"].clone();
    assert_eq!(path, format!("{root}/main.rs"));

    let sarif = s.tree.run(&["scan", root, "-f", "sarif"]).json();
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/src/main.rs"),
        "absolute paths become file:// URIs: {uri}"
    );
}

#[test]
fn multi_line_secret_has_end_line_and_end_column() {
    let tree = Tree::new();
    let key = crate::common::FakeSecrets::new(7).rsa_private_key(16);
    tree.write("deploy/key.pem", format!("# deploy key\n{key}\n"));
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    let finding = &report["findings"][0];
    assert_eq!(finding["rule_id"], "private-key.rsa", "{report:#}");
    assert_eq!(finding["severity"], "critical");
    let location = &finding["locations"][0];
    assert_eq!(location["path"], "deploy/key.pem");
    let footer_len = key.lines().last().map(str::len).unwrap_or(0) as u64;
    // BEGIN line 2, 16 body lines, END line 19; end_column is exclusive.
    assert_eq!(
        span(location),
        (2, 1, 19, footer_len + 1, 13, 13 + key.len() as u64)
    );
}

#[test]
fn clean_tree_exits_zero_in_every_format() {
    let tree = clean_tree();
    for format in FORMATS {
        let run = tree.run(&["scan", ".", "-f", format]);
        run.expect_code(EXIT_CLEAN);
        match format {
            "text" => assert!(
                run.stdout.contains("scanned 2 files") && run.stdout.contains("no findings"),
                "{}",
                run.stdout
            ),
            "json" => {
                let report = run.json();
                assert_eq!(report["findings"], json!([]));
                assert_eq!(report["stats"]["files"], 2);
                assert_eq!(report["stats"]["findings"], 0);
            }
            "jsonl" => assert_eq!(run.stdout, ""),
            "sarif" => {
                let log = run.json();
                assert_eq!(log["runs"][0]["results"], json!([]));
                assert_eq!(log["runs"][0]["tool"]["driver"]["rules"], json!([]));
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn empty_directory_exits_zero_in_every_format() {
    let tree = Tree::new();
    tree.mkdir("empty");
    for format in FORMATS {
        let run = tree.run(&["scan", "empty", "-f", format]);
        run.expect_code(EXIT_CLEAN);
        match format {
            "text" => assert!(run.stdout.contains("scanned 0 files"), "{}", run.stdout),
            "json" => {
                let report = run.json();
                assert_eq!(report["stats"]["files"], 0);
                assert_eq!(report["stats"]["bytes"], 0);
                assert_eq!(report["findings"], json!([]));
            }
            "jsonl" => assert_eq!(run.stdout, ""),
            "sarif" => assert_eq!(run.json()["runs"][0]["results"], json!([])),
            _ => unreachable!(),
        }
    }
}

#[test]
fn git_directories_are_never_walked() {
    let tree = Tree::new();
    let github = crate::common::FakeSecrets::new(99).github_pat();
    tree.write(".git/config", format!("[remote]\n  url = {github}\n"));
    tree.write(".hidden/notes.txt", "nothing here\n");
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_CLEAN);
    assert_eq!(
        run.json()["stats"]["files"],
        1,
        "hidden dirs other than .git are walked"
    );
}

#[test]
fn gitignored_files_are_scanned_unless_asked() {
    let tree = Tree::new();
    let stripe = crate::common::FakeSecrets::new(5).stripe_live();
    tree.write(".gitignore", ".env\n");
    tree.write(".env", format!("conn={stripe}\n"));
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    assert_eq!(run.json()["findings"][0]["locations"][0]["path"], ".env");
    let run = tree.run(&["scan", ".", "-f", "json", "--respect-gitignore"]);
    run.expect_code(EXIT_CLEAN);
}

#[test]
fn columns_count_code_points_across_crlf_tabs_and_a_missing_final_newline() {
    let tree = Tree::new();
    let mut secrets = crate::common::FakeSecrets::new(8);
    let stripe = secrets.stripe_live();
    let github = secrets.github_pat();
    // Tab, an astral-plane emoji (1 code point, 2 UTF-16 units, 4 bytes) and é.
    tree.write("crlf.txt", format!("first\r\n\t😀 é = {stripe}\r\nlast"));
    tree.write("no-eol.txt", format!("x {github}"));
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2, "{report:#}");
    assert_eq!(findings[0]["locations"][0]["path"], "crlf.txt");
    assert_eq!(span(&findings[0]["locations"][0]), (2, 8, 2, 40, 18, 50));
    assert_eq!(findings[1]["locations"][0]["path"], "no-eol.txt");
    assert_eq!(span(&findings[1]["locations"][0]), (1, 3, 1, 43, 2, 42));
}

#[test]
fn overlapping_paths_count_each_file_once() {
    let s = sample();
    let once = s.tree.run(&["scan", "src", "-f", "json"]).json();
    let twice = s.tree.run(&["scan", "src", "src", "-f", "json"]);
    twice.expect_code(EXIT_FINDINGS);
    let twice = twice.json();
    assert_eq!(
        twice["findings"], once["findings"],
        "locations are deduplicated"
    );
    assert_eq!(twice["stats"]["files"], once["stats"]["files"]);
    assert_eq!(twice["stats"]["bytes"], once["stats"]["bytes"]);
}

#[test]
fn min_confidence_drops_weaker_findings() {
    let s = sample();
    // A generic password assignment is a medium-confidence finding.
    s.tree.write("db.env", "DB_PASSWORD=Vr7#kq2Lmz\n");
    let all = s.tree.run(&["scan", ".", "-f", "json"]).json();
    let rules = |report: &Value| -> Vec<String> {
        report["findings"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(|x| x["rule_id"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(
        rules(&all).contains(&"generic.password".to_string()),
        "{all:#}"
    );
    let high = s
        .tree
        .run(&["scan", ".", "-f", "json", "--min-confidence", "high"]);
    high.expect_code(EXIT_FINDINGS);
    let high = high.json();
    assert!(
        !rules(&high).contains(&"generic.password".to_string()),
        "{high:#}"
    );
    assert_eq!(
        high["stats"]["findings"].as_u64(),
        Some(rules(&high).len() as u64)
    );
    assert!(rules(&high).contains(&"github.pat-classic".to_string()));
    // Nothing left: exit 0.
    let clean = Tree::new();
    clean.write("db.env", "DB_PASSWORD=Vr7#kq2Lmz\n");
    clean
        .run(&["scan", ".", "--min-confidence", "high"])
        .expect_code(EXIT_CLEAN);
}
