//! Suppression on the real binary: baselines, `.keyhoundignore`, inline
//! allows, `.keyhound.toml` allowlists and settings, and the exit-code options.

use base64::Engine;
use serde_json::Value;

use crate::common::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, FakeSecrets, Tree, parse_json};

fn fingerprints(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|x| x["fingerprint"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn paths(report: &Value) -> Vec<String> {
    let mut all: Vec<String> = report["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .flat_map(|x| x["locations"].as_array().cloned().unwrap_or_default())
                .filter_map(|l| l["path"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    all.sort();
    all
}

#[test]
fn baseline_reports_only_new_findings_and_merges_cleanly() {
    let mut fake = FakeSecrets::new(601);
    let (old, new) = (fake.github_pat(), fake.github_pat());
    let tree = Tree::new();
    tree.write("app/old.env", format!("TOKEN={old}\n"));
    tree.run(&["baseline", "create", "app", "-o", "baseline.json"])
        .expect_code(EXIT_CLEAN);
    let text = std::fs::read_to_string(tree.join("baseline.json")).unwrap_or_default();
    assert!(!text.contains(&old), "the baseline holds no secret");
    assert!(
        !text.contains("\"line\"") && !text.contains("elapsed"),
        "{text}"
    );
    let baseline = parse_json(&text);
    assert_eq!(baseline["document"], "baseline");

    // Nothing new: clean exit, with a note about the known finding.
    let run = tree.run(&["scan", "app", "--baseline", "baseline.json"]);
    run.expect_code(EXIT_CLEAN);
    assert!(
        run.stderr
            .contains("1 known findings not reported (1 in the baseline"),
        "{}",
        run.stderr
    );

    // A new secret (and the old one moved to another line) : only the new one counts.
    tree.write("app/old.env", format!("# moved\n\nTOKEN={old}\n"));
    tree.write("app/new.env", format!("TOKEN={new}\n"));
    let run = tree.run(&["scan", "app", "--baseline", "baseline.json", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(paths(&report), ["app/new.env"]);
    assert_eq!(report["stats"]["suppressed"], 1);

    // A full JSON report works as a baseline too.
    let full = tree.run(&["scan", "app", "-f", "json", "-o", "report.json"]);
    full.expect_code(EXIT_FINDINGS);
    tree.run(&["scan", "app", "--baseline", "report.json"])
        .expect_code(EXIT_CLEAN);

    let bad = tree.run(&["scan", "app", "--baseline", "missing.json"]);
    bad.expect_code(EXIT_ERROR);
    assert!(
        bad.stderr.contains("cannot read baseline missing.json"),
        "{}",
        bad.stderr
    );
    tree.write("junk.json", "{\"no\": 1}");
    let junk = tree.run(&["scan", "app", "--baseline", "junk.json"]);
    junk.expect_code(EXIT_ERROR);
    assert!(
        junk.stderr.contains("not a keyhound baseline"),
        "{}",
        junk.stderr
    );
}

#[test]
fn keyhoundignore_and_inline_allows() {
    let mut fake = FakeSecrets::new(602);
    let tokens: Vec<String> = (0..5).map(|_| fake.github_pat()).collect();
    let tree = Tree::new();
    tree.write("a.env", format!("TOKEN={}\n", tokens[0]));
    tree.write("b.env", format!("TOKEN={}\n", tokens[1]));
    tree.write(
        "c.py",
        format!("token = \"{}\"  # keyhound:allow test fixture\n", tokens[2]),
    );
    tree.write(
        "d.js",
        format!("const t = '{}'; // gitleaks:allow\n", tokens[3]),
    );
    tree.write("e.env", format!("TOKEN={}\n", tokens[4]));
    let report = tree.run(&["scan", ".", "-f", "json"]).json();
    assert_eq!(
        paths(&report),
        ["a.env", "b.env", "e.env"],
        "inline allows honoured"
    );
    assert_eq!(report["stats"]["suppressed"], 2);
    let all = fingerprints(&report);
    let by_path = |p: &str| {
        report["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|x| x["locations"][0]["path"] == p))
            .and_then(|x| x["fingerprint"].as_str())
            .map(str::to_string)
            .unwrap_or_default()
    };
    assert_eq!(all.len(), 3);
    tree.write(
        ".keyhoundignore",
        format!(
            "# accepted findings\n{}  # a.env: revoked 2026-01-02\n{} # b.env by its short form\nnot-a-fingerprint\n",
            by_path("a.env"),
            &by_path("b.env")[..12]
        ),
    );
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    assert_eq!(paths(&run.json()), ["e.env"]);
    assert!(
        run.stderr.contains("is not a fingerprint"),
        "{}",
        run.stderr
    );
    // --no-config ignores the project files.
    let all_again = tree.run(&["scan", ".", "-f", "json", "--no-config"]).json();
    assert_eq!(paths(&all_again), ["a.env", "b.env", "e.env"]);
}

#[test]
fn project_configuration_allowlists_rules_and_defaults() {
    let mut fake = FakeSecrets::new(603);
    let tokens: Vec<String> = (0..4).map(|_| fake.github_pat()).collect();
    let stripe = fake.stripe_live();
    let acme = fake.acme_token();
    let tree = Tree::new();
    tree.write("vendor/lib/a.env", format!("TOKEN={}\n", tokens[0]));
    tree.write("src/b.env", format!("TOKEN={}\n", tokens[1]));
    tree.write("src/c.env", format!("SANDBOX_TOKEN={}\n", tokens[2]));
    tree.write("src/d.env", format!("STRIPE={stripe}\nACME={acme}\n"));
    tree.write(
        "big.env",
        format!("{}\nTOKEN={}\n", "#".repeat(3000), tokens[3]),
    );
    tree.write("rules/acme.toml", crate::common::ACME_RULES);
    tree.write(
        ".keyhound.toml",
        format!(
            r#"rule_files = ["rules/acme.toml"]
disabled_rules = ["stripe.secret-key-live"]
max_file_size = "2KiB"

[[allowlist]]
description = "third-party code, and our rule file's own examples"
paths = ["vendor/", "rules/*.toml"]

[[allowlist]]
rules = ["github.pat-classic"]
regexes = ["^{}"]
"#,
            &tokens[2][..10]
        ),
    );
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    let rules: Vec<String> = report["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|x| x["rule_id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(paths(&report), ["src/b.env", "src/d.env"], "{report:#}");
    assert!(
        rules.iter().any(|r| r.starts_with("acme")),
        "extra rule file loaded: {rules:?}"
    );
    assert!(
        !rules.iter().any(|r| r.starts_with("stripe")),
        "disabled rule: {rules:?}"
    );
    assert_eq!(
        report["stats"]["skipped_large"], 1,
        "max_file_size from the config"
    );
    // The command line wins over the configuration.
    let run = tree.run(&["scan", ".", "-f", "json", "--max-file-size", "1MiB"]);
    assert!(paths(&run.json()).contains(&"big.env".to_string()));

    tree.write(".keyhound.toml", "min_confidence = \"sometimes\"\n");
    let bad = tree.run(&["scan", "."]);
    bad.expect_code(EXIT_ERROR);
    assert!(
        bad.stderr.contains(".keyhound.toml is not valid"),
        "{}",
        bad.stderr
    );
    tree.write(".keyhound.toml", "[[allowlist]]\nregexes = [\"(\"]\n");
    let bad = tree.run(&["scan", "."]);
    bad.expect_code(EXIT_ERROR);
    assert!(bad.stderr.contains("invalid allowlist"), "{}", bad.stderr);
}

#[test]
fn fail_on_and_exit_code_allow_warn_only_rollouts() {
    let mut fake = FakeSecrets::new(604);
    // A JWT: medium severity.
    let segment = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    let jwt = format!(
        "{}.{}.{}",
        segment(r#"{"alg":"HS256","typ":"JWT"}"#),
        segment(r#"{"sub":"svc-sync","iat":1700000000}"#),
        fake.string(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            43
        )
    );
    let tree = Tree::new();
    tree.write("client.env", format!("API_TOKEN={jwt}\n"));
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    assert_eq!(run.json()["findings"][0]["severity"], "medium");
    // Below the --fail-on threshold: still reported, exit 0.
    let run = tree.run(&["scan", ".", "--fail-on", "high", "-f", "json"]);
    run.expect_code(EXIT_CLEAN);
    assert_eq!(fingerprints(&run.json()).len(), 1);
    tree.run(&["scan", ".", "--fail-on", "medium"])
        .expect_code(EXIT_FINDINGS);
    // Warn-only and custom codes.
    tree.run(&["scan", ".", "--exit-code", "0"])
        .expect_code(EXIT_CLEAN);
    tree.run(&["scan", ".", "--exit-code", "3"]).expect_code(3);
}

#[test]
fn allowlist_paths_match_however_the_root_is_written_and_mistakes_are_noted() {
    let tree = Tree::new();
    let stripe = FakeSecrets::new(811).stripe_live();
    tree.write("src/gen/a.env", format!("KEY={stripe}\n"));
    tree.write(
        ".keyhound.toml",
        "disabled_rules = [\"no.such-rule\"]\n[[allowlist]]\npaths = [\"gen/\"]\n",
    );
    tree.write(".gitleaksignore", "not an entry\n");
    for root in ["src", "src/", "./src"] {
        let run = tree.run(&["scan", root, "-f", "json"]);
        run.expect_code(EXIT_CLEAN);
        assert_eq!(run.json()["stats"]["suppressed"], 1, "{root}");
        assert!(
            run.stderr
                .contains("disabled_rules names \"no.such-rule\", which is no rule"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains(":1: \"not an entry\" is not a .gitleaksignore entry"),
            "{}",
            run.stderr
        );
    }
}
