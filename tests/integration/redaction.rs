//! Secrets are redacted by default in every format; `--show-secrets` reveals them.

use std::fs;

use crate::common::{ACME_RULES, EXIT_FINDINGS, FORMATS, FakeSecrets, Tree, sample};

/// Panics if `output` contains `secret` or any 8-character piece of it after
/// its first 4 characters (the most a redacted value may show).
#[track_caller]
pub fn assert_hidden(output: &str, secret: &str, context: &str) {
    assert!(
        !output.contains(secret),
        "{context}: the raw secret leaked:\n{output}"
    );
    let tail: Vec<char> = secret.chars().skip(4).collect();
    for window in tail.windows(8) {
        let piece: String = window.iter().collect();
        if piece.contains('\n') {
            continue;
        }
        assert!(
            !output.contains(&piece),
            "{context}: a piece of the secret ({piece:?}) leaked:\n{output}"
        );
    }
}

#[test]
fn secrets_are_redacted_by_default_in_every_format() {
    let s = sample();
    for format in FORMATS {
        let run = s.tree.run(&["scan", ".", "-f", format]);
        run.expect_code(EXIT_FINDINGS);
        assert!(!run.stdout.is_empty(), "{format}: empty report");
        let context = format!("--format {format}");
        assert_hidden(&run.stdout, &s.github, &context);
        assert_hidden(&run.stdout, &s.stripe, &context);
        assert_hidden(&run.stderr, &s.github, &context);
        assert_hidden(&run.stderr, &s.stripe, &context);
    }
}

#[test]
fn show_secrets_reveals_them_in_every_format() {
    let s = sample();
    for format in FORMATS {
        let run = s.tree.run(&["scan", ".", "-f", format, "--show-secrets"]);
        run.expect_code(EXIT_FINDINGS);
        for secret in [&s.github, &s.stripe] {
            assert!(
                run.stdout.contains(secret.as_str()),
                "--format {format} --show-secrets does not show {secret}:\n{}",
                run.stdout
            );
        }
    }
    let report = s
        .tree
        .run(&["scan", ".", "-f", "json", "--show-secrets"])
        .json();
    assert_eq!(report["findings"][0]["secret"], s.stripe.as_str());
    assert_eq!(report["findings"][0]["redacted"], false);
    assert_eq!(report["findings"][1]["secret"], s.github.as_str());
}

#[test]
fn redacted_value_is_a_short_prefix_and_an_ellipsis() {
    let s = sample();
    let report = s.tree.run(&["scan", ".", "-f", "json"]).json();
    for (finding, raw) in report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .zip([&s.stripe, &s.github])
    {
        assert_eq!(finding["redacted"], true);
        let shown = finding["secret"].as_str().expect("secret is a string");
        let prefix = shown
            .strip_suffix('…')
            .unwrap_or_else(|| panic!("redacted value ends with …: {shown:?}"));
        assert!(
            raw.starts_with(prefix),
            "{shown:?} is a prefix of the secret"
        );
        let len = prefix.chars().count();
        assert!(
            len <= 4 && len <= raw.chars().count() / 4,
            "{shown:?} shows too much"
        );
    }
    assert_eq!(report["findings"][0]["secret"], "sk_l…");
    assert_eq!(report["findings"][1]["secret"], "ghp_…");
}

#[test]
fn report_written_to_a_file_is_redacted_too() {
    let s = sample();
    for format in FORMATS {
        let out = s.tree.path().join(format!("report.{format}"));
        let out_arg = out.to_str().expect("temp path is UTF-8");
        let run = s
            .tree
            .run(&["scan", "src", "config", "-f", format, "-o", out_arg]);
        run.expect_code(EXIT_FINDINGS);
        let written = fs::read_to_string(&out).expect("report file written");
        let context = format!("--format {format} --output");
        assert_hidden(&written, &s.github, &context);
        assert_hidden(&written, &s.stripe, &context);
        assert_hidden(&run.all_output(), &s.github, &context);
        assert_hidden(&run.all_output(), &s.stripe, &context);
    }
}

#[test]
fn private_key_body_is_never_printed() {
    let tree = Tree::new();
    let key = FakeSecrets::new(11).rsa_private_key(12);
    tree.write("id_rsa", format!("{key}\n"));
    let body: Vec<&str> = key.lines().filter(|l| !l.starts_with("-----")).collect();
    for format in FORMATS {
        let run = tree.run(&["scan", ".", "-f", format]);
        run.expect_code(EXIT_FINDINGS);
        let output = run.all_output();
        for line in &body {
            assert_hidden(&output, line, &format!("private key, --format {format}"));
        }
    }
    let shown = tree
        .run(&["scan", ".", "-f", "json", "--show-secrets"])
        .json();
    assert_eq!(shown["findings"][0]["secret"], key.as_str());
}

#[test]
fn companion_parts_are_redacted_unless_shown() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(31);
    let token = secrets.acme_token();
    let id = secrets.acme_id();
    tree.write("acme.toml", ACME_RULES);
    tree.write(
        "conf/widget.ini",
        format!("[widget]\nid = {id}\ncredential = {token}\n"),
    );
    for format in FORMATS {
        let run = tree.run(&["scan", "conf", "--rules", "acme.toml", "-f", format]);
        run.expect_code(EXIT_FINDINGS);
        let context = format!("companion part, --format {format}");
        assert_hidden(&run.all_output(), &token, &context);
        assert_hidden(&run.all_output(), &id, &context);
    }

    let report = tree
        .run(&["scan", "conf", "--rules", "acme.toml", "-f", "json"])
        .json();
    let finding = &report["findings"][0];
    assert_eq!(finding["rule_id"], "acme.widget-token", "{report:#}");
    assert_eq!(
        finding["confidence"], "high",
        "companion found: confidence kept"
    );
    assert_eq!(finding["parts"][0]["name"], "widget_id");
    assert_eq!(finding["parts"][0]["value"], "acme…");

    let text = tree.run(&["scan", "conf", "--rules", "acme.toml", "--show-secrets"]);
    assert!(
        text.stdout.contains(&format!("widget_id={id}")) && text.stdout.contains(&token),
        "{}",
        text.stdout
    );
    let shown = tree
        .run(&[
            "scan",
            "conf",
            "--rules",
            "acme.toml",
            "-f",
            "json",
            "--show-secrets",
        ])
        .json();
    assert_eq!(shown["findings"][0]["parts"][0]["value"], id.as_str());
}

#[test]
fn lone_part_is_reported_one_confidence_level_lower() {
    let tree = Tree::new();
    let token = FakeSecrets::new(32).acme_token();
    tree.write("acme.toml", ACME_RULES);
    tree.write("conf/widget.ini", format!("credential = {token}\n"));
    let report = tree
        .run(&["scan", "conf", "--rules", "acme.toml", "-f", "json"])
        .json();
    let finding = &report["findings"][0];
    assert_eq!(finding["rule_id"], "acme.widget-token", "{report:#}");
    assert_eq!(finding["confidence"], "medium");
    assert_eq!(finding["parts"], serde_json::json!([]));
}
