//! Files that are not scanned (unreadable, binary, too large), paths that do
//! not exist, and standard input.

use std::fs;

use serde_json::json;

use crate::common::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, FORMATS, FakeSecrets, Tree};

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_a_warning_and_the_scan_goes_on() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(41);
    let github = secrets.github_pat();
    let stripe = secrets.stripe_live();
    tree.write("ok.txt", format!("gh {github}\n"));
    let locked = tree.write("locked.txt", format!("conn {stripe}\n"));
    set_mode(&locked, 0o000);
    // Root (and some CI sandboxes) can read a mode-000 file anyway.
    let still_readable = fs::read(&locked).is_ok();

    let run = tree.run(&["scan", ".", "-f", "json"]);
    set_mode(&locked, 0o644);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    if still_readable {
        println!(
            "note: running with privileges that ignore file modes (root?); \
             skipping the unreadable-file assertions"
        );
        assert_eq!(report["stats"]["errors"], 0);
        return;
    }
    assert_eq!(report["stats"]["errors"], 1, "{report:#}");
    assert_eq!(report["stats"]["files"], 1);
    assert_eq!(report["errors"][0]["path"], "locked.txt");
    let message = report["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("locked.txt"), "{message}");
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(1));
    assert!(
        run.stderr.contains("warning") && run.stderr.contains("locked.txt"),
        "stderr warns about the unreadable file: {}",
        run.stderr
    );

    set_mode(&locked, 0o000);
    let text = tree.run(&["scan", "."]);
    let quiet = tree.run(&["scan", ".", "-q"]);
    set_mode(&locked, 0o644);
    text.expect_code(EXIT_FINDINGS);
    assert!(text.stdout.contains("1 unreadable"), "{}", text.stdout);
    assert!(!quiet.stderr.contains("locked.txt"), "-q: {}", quiet.stderr);
}

#[cfg(unix)]
#[test]
fn unreadable_directory_is_a_warning_and_the_scan_goes_on() {
    let tree = Tree::new();
    tree.write("open/notes.txt", "nothing\n");
    tree.write("closed/inner.txt", "nothing either\n");
    let closed = tree.join("closed");
    set_mode(&closed, 0o000);
    let still_readable = fs::read_dir(&closed).is_ok();
    let run = tree.run(&["scan", ".", "-f", "json"]);
    set_mode(&closed, 0o755);
    run.expect_code(EXIT_CLEAN);
    let report = run.json();
    if still_readable {
        println!(
            "note: running with privileges that ignore directory modes (root?); \
             skipping the unreadable-directory assertions"
        );
        assert_eq!(report["stats"]["files"], 2);
        return;
    }
    assert_eq!(report["stats"]["files"], 1, "{report:#}");
    assert_eq!(report["stats"]["errors"], 1);
    let path = report["errors"][0]["path"].as_str().unwrap_or_default();
    assert!(path.contains("closed"), "{report:#}");
}

/// Works even as root: a followed symlink that points nowhere cannot be read.
#[cfg(unix)]
#[test]
fn dangling_symlink_is_reported_when_followed() {
    let tree = Tree::new();
    let github = FakeSecrets::new(42).github_pat();
    tree.write("ok.txt", format!("gh {github}\n"));
    std::os::unix::fs::symlink("nowhere/at-all.txt", tree.join("dangling")).expect("symlink");

    let run = tree.run(&["scan", ".", "-f", "json", "--follow-symlinks"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(report["stats"]["errors"], 1, "{report:#}");
    assert_eq!(report["errors"][0]["path"], "dangling");
    assert_eq!(report["stats"]["files"], 1);
    assert!(run.stderr.contains("dangling"), "{}", run.stderr);

    // Not followed: a symlink is neither a file nor an error.
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(report["stats"]["errors"], 0, "{report:#}");
    assert_eq!(report["errors"], json!([]));
}

#[cfg(unix)]
#[test]
fn symlinked_file_is_scanned_only_when_following_symlinks() {
    let tree = Tree::new();
    let stripe = FakeSecrets::new(43).stripe_live();
    tree.write("outside/real.env", format!("conn={stripe}\n"));
    tree.mkdir("inside");
    std::os::unix::fs::symlink("../outside/real.env", tree.join("inside/link.env"))
        .expect("symlink");
    tree.run(&["scan", "inside"]).expect_code(EXIT_CLEAN);
    let run = tree.run(&["scan", "inside", "-f", "json", "--follow-symlinks"]);
    run.expect_code(EXIT_FINDINGS);
    assert_eq!(
        run.json()["findings"][0]["locations"][0]["path"],
        "inside/link.env"
    );
}

#[test]
fn binary_file_is_skipped_and_counted_unless_scan_binary() {
    let tree = Tree::new();
    let stripe = FakeSecrets::new(44).stripe_live();
    let mut blob = b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec();
    blob.extend_from_slice(format!("\nconn={stripe}\n").as_bytes());
    tree.write("bin/app", &blob);
    tree.write("notes.txt", "plain text\n");

    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_CLEAN);
    let report = run.json();
    assert_eq!(report["stats"]["skipped_binary"], 1, "{report:#}");
    assert_eq!(report["stats"]["files"], 1);
    assert_eq!(report["findings"], json!([]));
    assert_eq!(
        report["skipped"],
        json!([]),
        "binary skips are only counted"
    );

    let text = tree.run(&["scan", "."]);
    text.expect_code(EXIT_CLEAN);
    assert!(text.stdout.contains("1 binary skipped"), "{}", text.stdout);

    let run = tree.run(&["scan", ".", "-f", "json", "--scan-binary"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(report["stats"]["skipped_binary"], 0, "{report:#}");
    assert_eq!(report["stats"]["files"], 2);
    let location = &report["findings"][0]["locations"][0];
    assert_eq!(location["path"], "bin/app");
    assert_eq!(location["line"], 2);
    assert_eq!(location["column"], 6);
}

#[test]
fn nul_byte_after_the_first_8_kib_does_not_make_a_file_binary() {
    let tree = Tree::new();
    let github = FakeSecrets::new(45).github_pat();
    let mut content = format!("gh = {github}\n").into_bytes();
    content.extend(std::iter::repeat_n(b'.', 9000));
    content.push(0);
    content.push(b'\n');
    tree.write("late-nul.dat", &content);
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    assert_eq!(run.json()["stats"]["skipped_binary"], 0);
}

#[test]
fn file_over_max_file_size_is_skipped_with_a_note() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(46);
    let stripe = secrets.stripe_live();
    let github = secrets.github_pat();
    // 2 KiB with a secret on the first line.
    let mut big = format!("conn={stripe}\n");
    while big.len() < 2048 {
        big.push_str("filler filler filler filler filler filler filler\n");
    }
    tree.write("big.txt", &big);
    // Exactly at the limit: scanned (only larger files are skipped).
    let mut exact = format!("gh {github}\n");
    exact.push_str(&"-".repeat(1023 - exact.len()));
    exact.push('\n');
    assert_eq!(exact.len(), 1024);
    tree.write("exact.txt", &exact);

    let run = tree.run(&["scan", ".", "-f", "json", "--max-file-size", "1K"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(
        report["skipped"],
        json!([{"path": "big.txt", "reason": "too-large"}]),
        "{report:#}"
    );
    assert_eq!(report["stats"]["skipped_large"], 1);
    assert_eq!(report["stats"]["files"], 1);
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["findings"][0]["locations"][0]["path"], "exact.txt");
    assert!(
        run.stderr.contains("note") && run.stderr.contains("big.txt"),
        "stderr names the skipped file: {}",
        run.stderr
    );
    assert!(run.stderr.contains("max-file-size"), "{}", run.stderr);

    let text = tree.run(&["scan", ".", "--max-file-size", "1024"]);
    assert!(
        text.stdout.contains("1 skipped (too large)"),
        "{}",
        text.stdout
    );
    let quiet = tree.run(&["scan", ".", "--max-file-size", "1KiB", "-q"]);
    quiet.expect_code(EXIT_FINDINGS);
    assert!(!quiet.stderr.contains("big.txt"), "-q: {}", quiet.stderr);

    // Under the default limit both files are scanned.
    let run = tree.run(&["scan", ".", "-f", "json"]);
    assert_eq!(run.json()["stats"]["skipped_large"], 0);
    assert_eq!(run.json()["findings"].as_array().map(Vec::len), Some(2));
}

#[test]
fn invalid_max_file_size_is_a_usage_error() {
    let tree = Tree::new();
    for bad in ["ten", "5 parsecs", "1Q"] {
        let run = tree.run(&["scan", ".", "--max-file-size", bad]);
        run.expect_code(EXIT_ERROR);
        assert!(run.stderr.contains("max-file-size"), "{}", run.stderr);
    }
}

#[test]
fn file_above_the_mmap_threshold_is_scanned() {
    let tree = Tree::new();
    let github = FakeSecrets::new(47).github_pat();
    let line = "a quiet line of filler text, nothing to report here\n";
    let lines = 5 * 1024 * 1024 / line.len() + 1;
    let mut content = line.repeat(lines);
    content.push_str(&format!("last: {github}\n"));
    assert!(content.len() > 5 * 1024 * 1024);
    tree.write("huge.log", &content);
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let location = &run.json()["findings"][0]["locations"][0];
    assert_eq!(location["line"], lines as u64 + 1);
    assert_eq!(location["column"], 7);
    assert_eq!(location["start_byte"], (content.len() - 41) as u64);
}

#[test]
fn nonexistent_path_is_an_error_naming_it() {
    let tree = Tree::new();
    tree.write("present.txt", "hello\n");
    for format in FORMATS {
        let run = tree.run(&["scan", "no-such-dir", "-f", format]);
        run.expect_code(EXIT_ERROR);
        assert!(run.stderr.contains("no-such-dir"), "{}", run.stderr);
        assert_eq!(run.stdout, "", "no report on error");
    }
    // One missing path among existing ones still fails.
    let run = tree.run(&["scan", "present.txt", "missing-file.env"]);
    run.expect_code(EXIT_ERROR);
    assert!(run.stderr.contains("missing-file.env"), "{}", run.stderr);
}

#[test]
fn standard_input_is_scanned_as_one_blob() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(48);
    let github = secrets.github_pat();
    let input = format!("first line\n  gh={github}\n");

    let run = tree.run_with_stdin(&["scan", "-", "-f", "json"], input.as_bytes());
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(report["stats"]["files"], 1, "{report:#}");
    assert_eq!(report["stats"]["bytes"], input.len() as u64);
    let finding = &report["findings"][0];
    assert_eq!(finding["rule_id"], "github.pat-classic");
    let location = &finding["locations"][0];
    assert_eq!(location["path"], "<stdin>");
    assert_eq!(location["line"], 2);
    assert_eq!(location["column"], 6);
    assert_eq!(location["start_byte"], 16);

    let text = tree.run_with_stdin(&["scan", "-"], input.as_bytes());
    text.expect_code(EXIT_FINDINGS);
    assert!(text.stdout.contains("<stdin>:2:6"), "{}", text.stdout);

    let sarif = tree.run_with_stdin(&["scan", "-", "-f", "sarif"], input.as_bytes());
    sarif.expect_code(EXIT_FINDINGS);
    assert_eq!(
        sarif.json()["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "stdin"
    );

    let clean = tree.run_with_stdin(&["scan", "-", "-f", "json"], b"nothing to see\n");
    clean.expect_code(EXIT_CLEAN);
    let empty = tree.run_with_stdin(&["scan", "-", "-f", "json"], b"");
    empty.expect_code(EXIT_CLEAN);
}

#[test]
fn standard_input_with_paths_and_limits() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(49);
    let github = secrets.github_pat();
    let stripe = secrets.stripe_live();
    tree.write("dir/file.txt", format!("conn {stripe}\n"));
    let input = format!("gh {github}\n");

    let run = tree.run_with_stdin(&["scan", "dir", "-", "-f", "json"], input.as_bytes());
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(report["stats"]["files"], 2, "{report:#}");
    let mut paths: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            f["locations"][0]["path"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    paths.sort();
    assert_eq!(paths, ["<stdin>", "dir/file.txt"]);

    let mut binary = b"\x00\x01\x02".to_vec();
    binary.extend_from_slice(input.as_bytes());
    let run = tree.run_with_stdin(&["scan", "-", "-f", "json"], &binary);
    run.expect_code(EXIT_CLEAN);
    assert_eq!(run.json()["stats"]["skipped_binary"], 1);
    let run = tree.run_with_stdin(&["scan", "-", "-f", "json", "--scan-binary"], &binary);
    run.expect_code(EXIT_FINDINGS);

    let run = tree.run_with_stdin(
        &["scan", "-", "-f", "json", "--max-file-size", "8"],
        input.as_bytes(),
    );
    run.expect_code(EXIT_CLEAN);
    let report = run.json();
    assert_eq!(report["stats"]["skipped_large"], 1, "{report:#}");
    assert_eq!(report["skipped"][0]["path"], "<stdin>");
}
