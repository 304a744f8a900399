//! `rules list`, `rules check`, and user rule files given with `--rules`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{
    ACME_RULES, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, FORMATS, FakeSecrets, Tree, sample,
};

/// A complete rule whose example is too short to match its own pattern.
const FAILING_EXAMPLE: &str = r#"
[[rule]]
id = "acme.widget-token"
name = "Acme widget token"
provider = "acme"
identity = "acme.widget-token"
keywords = ["acmew_"]
pattern = '''\b(?P<secret>acmew_[A-Za-z0-9]{24})\b'''
min_entropy = 3.0
examples = ["ACME_WIDGET=acmew_Q7rT2mX9"]
negative_examples = ["ACME_WIDGET=acmew_none"]
"#;

/// A rule whose negative example is reported.
const REPORTED_NEGATIVE: &str = r#"
[[rule]]
id = "acme.gadget-token"
name = "Acme gadget token"
provider = "acme"
identity = "acme.gadget-token"
keywords = ["acmeg_"]
pattern = '''\b(?P<secret>acmeg_[A-Za-z0-9]{24})\b'''
min_entropy = 3.0
examples = ["GADGET=acmeg_Q7rT2mX9pL4vK8nB3cZ6hJ1w"]
negative_examples = ["GADGET=acmeg_W3nR8kT1vZ6pM2xQ9cL5hB7d"]
"#;

/// Not TOML: an unterminated string on line 4.
const SYNTAX_ERROR: &str =
    "[[rule]]\nid = \"acme.broken\"\nprovider = \"acme\"\nname = \"Acme broken\n";

/// A regex that does not compile.
const BAD_REGEX: &str = r#"
[[rule]]
id = "acme.bad-regex"
name = "Acme bad regex"
provider = "acme"
identity = "acme.token"
keywords = ["acmeb_"]
pattern = '''\b(?P<secret>acmeb_[A-Za-z0-9{24})\b'''
"#;

/// A regex without the `secret` group.
const NO_SECRET_GROUP: &str = r#"
[[rule]]
id = "acme.no-group"
name = "Acme no group"
provider = "acme"
identity = "acme.token"
keywords = ["acmen_"]
pattern = '''\bacmen_[A-Za-z0-9]{24}\b'''
"#;

/// A misspelt field (the schema denies unknown fields).
const UNKNOWN_FIELD: &str = r#"
[[rule]]
id = "acme.typo"
name = "Acme typo"
provider = "acme"
identity = "acme.token"
keywords = ["acmet_"]
pattern = '''\b(?P<secret>acmet_[A-Za-z0-9]{24})\b'''
severty = "high"
"#;

/// An id that is not dotted lowercase.
const BAD_ID: &str = r#"
[[rule]]
id = "Acme Token"
name = "Acme token"
provider = "acme"
identity = "acme.token"
keywords = ["acmei_"]
pattern = '''\b(?P<secret>acmei_[A-Za-z0-9]{24})\b'''
"#;

/// A user rule replacing the built-in GitHub classic PAT rule.
const OVERRIDE_GITHUB: &str = r#"
[[rule]]
id = "github.pat-classic"
name = "Overridden GitHub token rule"
provider = "github"
identity = "github.personal-access-token"
keywords = ["ghp_"]
pattern = '''\b(?P<secret>ghp_[A-Za-z0-9]{36})\b'''
confidence = "low"
severity = "low"
"#;

fn list_json(tree: &Tree, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["rules", "list", "--format", "json"];
    args.extend_from_slice(extra);
    let run = tree.run(&args);
    run.expect_code(EXIT_CLEAN);
    run.json()
        .as_array()
        .cloned()
        .expect("rules list --format json is an array")
}

#[test]
fn rules_list_prints_every_rule_and_a_count() {
    let tree = Tree::new();
    let run = tree.run(&["rules", "list"]);
    run.expect_code(EXIT_CLEAN);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let (footer, rows) = lines.split_last().expect("some output");
    assert!(!rows.is_empty(), "at least one rule:\n{}", run.stdout);
    assert_eq!(*footer, format!("{} rules", rows.len()), "{}", run.stdout);
    for id in [
        "github.pat-classic",
        "stripe.secret-key-live",
        "private-key.rsa",
    ] {
        let row = rows
            .iter()
            .find(|r| r.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id} not listed:\n{}", run.stdout));
        assert!(row.contains("high") || row.contains("critical"), "{row}");
    }
    let stripe = rows
        .iter()
        .find(|r| r.starts_with("stripe.secret-key-live "))
        .expect("listed");
    let columns: Vec<&str> = stripe.split_whitespace().collect();
    assert_eq!(
        &columns[..4],
        ["stripe.secret-key-live", "stripe", "high", "critical"]
    );
    assert!(stripe.ends_with("Stripe live secret key"), "{stripe}");
}

#[test]
fn rules_list_json_matches_the_text_listing() {
    let tree = Tree::new();
    let rows = list_json(&tree, &[]);
    let text = tree.run(&["rules", "list"]);
    assert_eq!(text.stdout.lines().count(), rows.len() + 1);
    let ids: BTreeSet<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids.len(), rows.len(), "rule ids are unique");
    for row in &rows {
        for field in [
            "id",
            "name",
            "provider",
            "identity",
            "confidence",
            "severity",
            "origin",
        ] {
            assert!(
                row[field].as_str().is_some_and(|v| !v.is_empty()),
                "{field} missing in {row}"
            );
        }
        assert!(
            row["keywords"].as_array().is_some_and(|k| !k.is_empty()),
            "{row}"
        );
    }
    let scan = sample().tree.run(&["scan", ".", "-f", "json"]).json();
    assert_eq!(
        scan["rules"]["count"],
        rows.len() as u64,
        "scan reports the same pack"
    );
}

#[test]
fn rules_list_includes_user_rules_and_overrides() {
    let tree = Tree::new();
    tree.write("acme.toml", ACME_RULES);
    tree.write("override.toml", OVERRIDE_GITHUB);
    let builtin = list_json(&tree, &[]);
    let with_user = list_json(&tree, &["--rules", "acme.toml", "--rules", "override.toml"]);
    assert_eq!(with_user.len(), builtin.len() + 1);
    let acme = with_user
        .iter()
        .find(|r| r["id"] == "acme.widget-token")
        .expect("user rule listed");
    assert_eq!(acme["origin"], "acme.toml");
    let github: Vec<&Value> = with_user
        .iter()
        .filter(|r| r["id"] == "github.pat-classic")
        .collect();
    assert_eq!(github.len(), 1, "an override replaces the built-in rule");
    assert_eq!(github[0]["name"], "Overridden GitHub token rule");
    assert_eq!(github[0]["origin"], "override.toml");
}

#[test]
fn rules_check_passes_on_the_builtin_pack() {
    let tree = Tree::new();
    let run = tree.run(&["rules", "check"]);
    run.expect_code(EXIT_CLEAN);
    let last = run.stdout.lines().last().unwrap_or_default();
    assert!(
        last.ends_with("rules checked, 0 problems"),
        "{}",
        run.stdout
    );
    let count: usize = last
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(count >= 1, "{last}");
}

#[test]
fn rules_check_passes_on_a_good_user_file() {
    let tree = Tree::new();
    tree.write("acme.toml", ACME_RULES);
    let run = tree.run(&["rules", "check", "acme.toml"]);
    run.expect_code(EXIT_CLEAN);
    assert_eq!(run.stdout, "1 rules checked, 0 problems\n");
}

#[test]
fn rules_check_fails_on_an_example_that_is_not_found() {
    let tree = Tree::new();
    tree.write("failing.toml", FAILING_EXAMPLE);
    let run = tree.run(&["rules", "check", "failing.toml"]);
    run.expect_code(EXIT_FINDINGS);
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("failing.toml: rule acme.widget-token: example 1 is not found"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("1 rules checked, 1 problem\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn rules_check_fails_on_a_negative_example_that_is_reported() {
    let tree = Tree::new();
    tree.write("negative.toml", REPORTED_NEGATIVE);
    let run = tree.run(&["rules", "check", "negative.toml"]);
    run.expect_code(EXIT_FINDINGS);
    assert!(
        run.stdout
            .contains("negative.toml: rule acme.gadget-token: negative example 1 is reported"),
        "{}",
        run.stdout
    );
}

#[test]
fn rules_check_reports_invalid_patterns_as_problems() {
    let tree = Tree::new();
    for (file, text, id, what) in [
        (
            "bad-regex.toml",
            BAD_REGEX,
            "acme.bad-regex",
            "does not compile",
        ),
        ("no-group.toml", NO_SECRET_GROUP, "acme.no-group", "secret"),
    ] {
        tree.write(file, text);
        let run = tree.run(&["rules", "check", file]);
        run.expect_code(EXIT_FINDINGS);
        assert!(
            run.stdout.contains(&format!("{file}: rule {id}: ")) && run.stdout.contains(what),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn rules_check_on_unparsable_or_missing_file_is_an_error() {
    let tree = Tree::new();
    tree.write("syntax.toml", SYNTAX_ERROR);
    let run = tree.run(&["rules", "check", "syntax.toml"]);
    run.expect_code(EXIT_ERROR);
    assert!(run.stderr.contains("syntax.toml"), "{}", run.stderr);
    let run = tree.run(&["rules", "check", "absent.toml"]);
    run.expect_code(EXIT_ERROR);
    assert!(run.stderr.contains("absent.toml"), "{}", run.stderr);
}

#[test]
fn user_rules_find_their_tokens_and_override_builtins() {
    let s = sample();
    let token = FakeSecrets::new(51).acme_token();
    s.tree.write("acme.toml", ACME_RULES);
    s.tree.write("override.toml", OVERRIDE_GITHUB);
    s.tree
        .write("src/widget.cfg", format!("widget_ref: {token}\n"));

    let run = s
        .tree
        .run(&["scan", "src", "--rules", "acme.toml", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    let acme = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "acme.widget-token")
        .unwrap_or_else(|| panic!("user rule did not fire: {report:#}"));
    assert_eq!(acme["severity"], "medium");
    assert_eq!(acme["locations"][0]["path"], "src/widget.cfg");
    assert_eq!(acme["locations"][0]["column"], 13);

    // Without the rule file the token is not a finding.
    let run = s.tree.run(&["scan", "src/widget.cfg", "-f", "json"]);
    run.expect_code(EXIT_CLEAN);

    let run = s
        .tree
        .run(&["scan", "src", "--rules", "override.toml", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let finding = &run.json()["findings"][0];
    assert_eq!(finding["rule_id"], "github.pat-classic");
    assert_eq!(finding["rule_name"], "Overridden GitHub token rule");
    assert_eq!(finding["severity"], "low");
    assert_eq!(finding["confidence"], "low");

    // The rules hash changes with user rules.
    let plain = s.tree.run(&["scan", "src", "-f", "json"]).json();
    let with_user = s
        .tree
        .run(&["scan", "src", "--rules", "acme.toml", "-f", "json"])
        .json();
    assert_ne!(plain["rules"]["hash"], with_user["rules"]["hash"]);
    assert_eq!(
        with_user["rules"]["count"].as_u64(),
        plain["rules"]["count"].as_u64().map(|n| n + 1)
    );
}

/// `(file, contents, what stderr must name besides the file)`.
const MALFORMED: [(&str, &str, &str); 5] = [
    ("syntax.toml", SYNTAX_ERROR, "line 4"),
    ("bad-regex.toml", BAD_REGEX, "acme.bad-regex"),
    ("no-group.toml", NO_SECRET_GROUP, "acme.no-group"),
    ("unknown-field.toml", UNKNOWN_FIELD, "severty"),
    ("bad-id.toml", BAD_ID, "Acme Token"),
];

#[test]
fn malformed_user_rule_file_stops_the_scan() {
    let s = sample();
    for (file, text, named) in MALFORMED {
        s.tree.write(file, text);
        for format in FORMATS {
            let run = s.tree.run(&["scan", "src", "--rules", file, "-f", format]);
            run.expect_code(EXIT_ERROR);
            assert_eq!(run.stdout, "", "no report when the rules are bad");
            assert!(
                run.stderr.contains(file) && run.stderr.contains(named),
                "stderr must name {file} and {named:?}:\n{}",
                run.stderr
            );
        }
        let run = s.tree.run(&["rules", "list", "--rules", file]);
        run.expect_code(EXIT_ERROR);
        assert!(run.stderr.contains(file), "{}", run.stderr);
    }
    let run = s.tree.run(&["scan", "src", "--rules", "bad-regex.toml"]);
    assert!(run.stderr.contains("does not compile"), "{}", run.stderr);
    let run = s.tree.run(&["scan", "src", "--rules", "no-group.toml"]);
    assert!(run.stderr.contains("`secret`"), "{}", run.stderr);
    // A bad file among good ones still fails.
    s.tree.write("acme.toml", ACME_RULES);
    let run = s.tree.run(&[
        "scan",
        "src",
        "--rules",
        "acme.toml",
        "--rules",
        "bad-regex.toml",
    ]);
    run.expect_code(EXIT_ERROR);
}

#[test]
fn missing_user_rule_file_is_an_error_naming_it() {
    let s = sample();
    let run = s
        .tree
        .run(&["scan", "src", "--rules", "nowhere/rules.toml"]);
    run.expect_code(EXIT_ERROR);
    assert!(run.stderr.contains("nowhere/rules.toml"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn missing_user_rule_file_error_is_not_repeated() {
    let s = sample();
    let run = s
        .tree
        .run(&["scan", "src", "--rules", "nowhere/rules.toml"]);
    run.expect_code(EXIT_ERROR);
    let error_line = run.stderr.lines().next().unwrap_or_default();
    assert_eq!(error_line.matches("os error").count(), 1, "{error_line}");
}

/// Two rules with the same id in one user file.
fn duplicate_ids() -> String {
    let rule = |name: &str, severity: &str| {
        format!(
            "[[rule]]\nid = \"acme.dup\"\nname = \"{name}\"\nprovider = \"acme\"\n\
             identity = \"acme.dup\"\nkeywords = [\"acmew_\"]\n\
             pattern = '''\\b(?P<secret>acmew_[A-Za-z0-9]{{24}})\\b'''\n\
             severity = \"{severity}\"\n\n"
        )
    };
    rule("First", "low") + &rule("Second", "critical")
}

#[test]
fn rules_check_rejects_duplicate_ids_in_a_user_file() {
    let tree = Tree::new();
    tree.write("dup.toml", duplicate_ids());
    let run = tree.run(&["rules", "check", "dup.toml"]);
    run.expect_code(EXIT_ERROR);
    assert!(
        run.stderr.contains("dup.toml") && run.stderr.contains("acme.dup"),
        "{}",
        run.stderr
    );
}

#[test]
fn scan_rejects_duplicate_ids_in_a_user_file() {
    let tree = Tree::new();
    tree.write("dup.toml", duplicate_ids());
    tree.write("empty/.keep", "");
    let run = tree.run(&["scan", "empty", "--rules", "dup.toml"]);
    run.expect_code(EXIT_ERROR);
    assert!(
        run.stderr.contains("dup.toml") && run.stderr.contains("acme.dup"),
        "{}",
        run.stderr
    );
}

#[test]
fn rules_hash_changes_when_any_user_rule_field_changes() {
    let tree = Tree::new();
    tree.write("empty/.keep", "");
    tree.write("a.toml", ACME_RULES);
    tree.write(
        "b.toml",
        ACME_RULES.replace("severity = \"medium\"", "severity = \"critical\""),
    );
    let a = tree
        .run(&["scan", "empty", "--rules", "a.toml", "-f", "json"])
        .json();
    let b = tree
        .run(&["scan", "empty", "--rules", "b.toml", "-f", "json"])
        .json();
    assert_ne!(a["rules"]["hash"], b["rules"]["hash"]);
}
