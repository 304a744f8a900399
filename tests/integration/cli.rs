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
