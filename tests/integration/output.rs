//! `--output FILE` and determinism across thread counts.

use std::fs;

use crate::common::{
    EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, FORMATS, FakeSecrets, Tree, parse_json, sample,
    without_elapsed,
};

#[test]
fn output_file_receives_the_report_and_stdout_stays_empty() {
    let s = sample();
    let run = s
        .tree
        .run(&["scan", ".", "-f", "json", "-o", "report.json"]);
    run.expect_code(EXIT_FINDINGS);
    assert_eq!(run.stdout, "", "the report goes to the file only");
    assert!(
        run.stderr.contains("keyhound: scanned") && run.stderr.contains("2 findings"),
        "a summary still goes to stderr: {}",
        run.stderr
    );
    let written = fs::read_to_string(s.tree.join("report.json")).expect("report written");
    assert!(written.ends_with("}\n"));
    let report = parse_json(&written);
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        report["stats"]["files"], 3,
        "the report file itself is not scanned"
    );

    let stdout_report = s.tree.run(&["scan", "src", "config", "-f", "json"]);
    let file_run = s.tree.run(&[
        "scan", "src", "config", "-f", "json", "--output", "two.json",
    ]);
    file_run.expect_code(EXIT_FINDINGS);
    let written = fs::read_to_string(s.tree.join("two.json")).expect("report written");
    assert_eq!(
        without_elapsed(&written),
        without_elapsed(&stdout_report.stdout),
        "file and stdout reports are the same"
    );
}

#[test]
fn output_file_works_for_every_format() {
    let s = sample();
    let out_dir = Tree::new();
    for format in FORMATS {
        let target = out_dir.join(&format!("report.{format}"));
        let target_arg = target.to_str().expect("temp path is UTF-8");
        let run = s.tree.run(&["scan", ".", "-f", format, "-o", target_arg]);
        run.expect_code(EXIT_FINDINGS);
        assert_eq!(run.stdout, "", "--format {format}");
        let written = fs::read_to_string(&target).expect("report written");
        assert!(
            written.contains("stripe.secret-key-live") && written.contains("github.pat-classic"),
            "--format {format}: {written}"
        );
        match format {
            "json" | "sarif" => {
                parse_json(&written);
            }
            "jsonl" => {
                assert_eq!(written.lines().map(parse_json).count(), 2);
            }
            _ => assert!(written.contains("keyhound: scanned 3 files"), "{written}"),
        }
    }
}

#[test]
fn output_file_is_overwritten() {
    let s = sample();
    s.tree.write(
        "out/report.jsonl",
        "stale content that must disappear\n".repeat(50),
    );
    let run = s
        .tree
        .run(&["scan", "src", "-f", "jsonl", "-o", "out/report.jsonl"]);
    run.expect_code(EXIT_FINDINGS);
    let written = fs::read_to_string(s.tree.join("out/report.jsonl")).expect("report written");
    assert!(!written.contains("stale"), "{written}");
    assert_eq!(written.lines().count(), 1);
}

#[test]
fn clean_scan_with_output_file_exits_zero() {
    let tree = crate::common::clean_tree();
    let out = Tree::new();
    let target = out.join("clean.sarif");
    let run = tree.run(&[
        "scan",
        ".",
        "-f",
        "sarif",
        "-o",
        target.to_str().expect("UTF-8"),
    ]);
    run.expect_code(EXIT_CLEAN);
    let log = parse_json(&fs::read_to_string(&target).expect("written"));
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn unwritable_output_file_is_an_error_naming_it() {
    let s = sample();
    let run = s
        .tree
        .run(&["scan", ".", "-f", "json", "-o", "missing-dir/report.json"]);
    run.expect_code(EXIT_ERROR);
    assert!(
        run.stderr.contains("missing-dir/report.json"),
        "{}",
        run.stderr
    );
    // A directory is not a writable file either.
    let run = s.tree.run(&["scan", ".", "-f", "json", "-o", "src"]);
    run.expect_code(EXIT_ERROR);
    assert!(run.stderr.contains("src"), "{}", run.stderr);
}

/// A tree big enough to spread over several threads: 24 directories of 8
/// files, some secrets repeated across files.
fn wide_tree() -> Tree {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(77);
    let shared_github = secrets.github_pat();
    let shared_stripe = secrets.stripe_live();
    for d in 0..24 {
        for f in 0..8 {
            let mut content = String::new();
            for line in 0..40 {
                content.push_str(&format!("line {line} of file {f} in dir {d}: nothing\n"));
            }
            match (d + f) % 5 {
                0 => content.push_str(&format!("gh = {}\n", secrets.github_pat())),
                1 => content.push_str(&format!("conn = \"{shared_stripe}\"\n")),
                2 => content.insert_str(0, &format!("shared {shared_github}\n")),
                3 => {
                    content.push_str(&format!(
                        "a {} b {}\n",
                        secrets.stripe_live(),
                        shared_github
                    ));
                }
                _ => {}
            }
            tree.write(&format!("d{d:02}/sub/file{f}.txt"), content);
        }
    }
    tree
}

#[test]
fn thread_count_does_not_change_the_report() {
    let tree = wide_tree();
    let one = tree.run(&["scan", ".", "-f", "json", "--threads", "1"]);
    one.expect_code(EXIT_FINDINGS);
    let eight = tree.run(&["scan", ".", "-f", "json", "--threads", "8"]);
    eight.expect_code(EXIT_FINDINGS);
    let all = tree.run(&["scan", ".", "-f", "json", "-j", "0"]);
    all.expect_code(EXIT_FINDINGS);

    let report = one.json();
    assert_eq!(report["stats"]["files"], 24 * 8);
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings.len() > 40, "{} findings", findings.len());
    let shared = findings
        .iter()
        .map(|f| f["locations"].as_array().map_or(0, Vec::len))
        .max()
        .unwrap_or(0);
    assert!(shared > 20, "a shared secret has many locations ({shared})");

    assert_eq!(
        without_elapsed(&one.stdout),
        without_elapsed(&eight.stdout),
        "--threads 1 and --threads 8 differ"
    );
    assert_eq!(without_elapsed(&one.stdout), without_elapsed(&all.stdout));

    // The other formats carry no timing at all (text only in its summary).
    for format in ["jsonl", "sarif"] {
        let one = tree.run(&["scan", ".", "-f", format, "-j", "1"]);
        let eight = tree.run(&["scan", ".", "-f", format, "-j", "8"]);
        assert_eq!(one.stdout, eight.stdout, "--format {format}");
    }
    let strip_summary = |text: &str| -> String {
        text.lines()
            .filter(|l| !l.starts_with("keyhound: scanned"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let one = tree.run(&["scan", ".", "-j", "1"]);
    let eight = tree.run(&["scan", ".", "-j", "8"]);
    assert_eq!(strip_summary(&one.stdout), strip_summary(&eight.stdout));
}

#[test]
fn repeated_runs_are_identical() {
    let tree = wide_tree();
    let first = tree.run(&["scan", ".", "-f", "sarif"]);
    let second = tree.run(&["scan", ".", "-f", "sarif"]);
    first.expect_code(EXIT_FINDINGS);
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn text_report_to_a_file_still_prints_a_summary_on_stderr() {
    let s = sample();
    let run = s.tree.run(&["scan", ".", "-o", "report.txt"]);
    run.expect_code(EXIT_FINDINGS);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("keyhound: scanned 3 files"),
        "stderr: {:?}",
        run.stderr
    );
}
