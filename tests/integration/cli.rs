//! Command-line surface: help, version, usage errors.

use crate::common::{EXIT_CLEAN, EXIT_ERROR, Tree};

#[test]
fn help_documents_exit_codes_and_subcommands() {
    let tree = Tree::new();
    let run = tree.run(&["--help"]);
    run.expect_code(EXIT_CLEAN);
    for needle in [
        "scan",
        "rules",
        "Exit codes: 0 no findings, 1 findings, 2 error.",
    ] {
        assert!(
            run.stdout.contains(needle),
            "missing {needle:?}:\n{}",
            run.stdout
        );
    }
    let run = tree.run(&["scan", "--help"]);
    run.expect_code(EXIT_CLEAN);
    for flag in [
        "--format",
        "--output",
        "--show-secrets",
        "--rules",
        "--threads",
        "--max-file-size",
        "--scan-binary",
        "--respect-gitignore",
        "--follow-symlinks",
        "--color",
        "--quiet",
    ] {
        assert!(
            run.stdout.contains(flag),
            "scan --help lacks {flag}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn version_is_printed() {
    let tree = Tree::new();
    let run = tree.run(&["--version"]);
    run.expect_code(EXIT_CLEAN);
    let version = run.stdout.trim();
    let number = version.strip_prefix("keyhound ").unwrap_or_default();
    assert!(
        !number.is_empty() && number.split('.').count() >= 3,
        "version: {version:?}"
    );
    let json = crate::common::sample()
        .tree
        .run(&["scan", ".", "-f", "json"])
        .json();
    assert_eq!(json["version"], number, "JSON version is the binary's");
}

#[test]
fn usage_errors_exit_2() {
    let tree = Tree::new();
    for args in [
        &["scan", ".", "-f", "xml"][..],
        &["scan", ".", "--threads", "many"],
        &["scan", ".", "--color", "sometimes"],
        &["scan", ".", "--no-such-flag"],
        &["frobnicate"],
        &[],
    ] {
        let run = tree.run(args);
        run.expect_code(EXIT_ERROR);
        assert!(!run.stderr.is_empty(), "{args:?}: an explanation on stderr");
        assert_eq!(run.stdout, "", "{args:?}");
    }
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    // `keyhound rules list | head -1`: the reader leaves after one line.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("keyhound"))
        .args(["rules", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("keyhound starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("one line");
    assert!(!first.is_empty());
    let out = child.wait_with_output().expect("keyhound exits");
    // 141 (as if killed by SIGPIPE), or 0 if the pipe took the whole list.
    assert!(
        matches!(out.status.code(), Some(141 | 0)),
        "status {:?}",
        out.status
    );
    assert!(
        out.stderr.is_empty(),
        "no error message: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
