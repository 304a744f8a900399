//! Hostile input: every case is generated at test time, and each must end
//! without a panic, with a clear message where something was not scanned,
//! with the rest of the scan complete (a planted secret next to the bad
//! input is still found) and with the documented exit code (1: findings,
//! 0: none, 2: an error that stops the command). docs/RELIABILITY.md lists
//! the cases and what held.

use std::fs;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::common::{EXIT_ERROR, EXIT_FINDINGS, FakeSecrets, Run, Tree, keyhound};

/// A tree with one planted GitHub token in `good/app.env`; returns it and the token.
fn tree_with_a_secret(seed: u64) -> (Tree, String) {
    let token = FakeSecrets::new(seed).github_pat();
    let tree = Tree::new();
    tree.write("good/app.env", format!("GITHUB_TOKEN={token}\n"));
    (tree, token)
}

/// Runs `keyhound ARGS` in `dir`, killed after `seconds`: a hang fails the test.
fn run_with_timeout(dir: &Path, args: &[&str], seconds: u64) -> Run {
    let output = keyhound()
        .current_dir(dir)
        .args(args)
        .timeout(Duration::from_secs(seconds))
        .output()
        .expect("keyhound runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        args: args.iter().map(ToString::to_string).collect(),
    }
}

/// `(path, line, column)` of every location of a JSON report.
fn locations(report: &Value) -> Vec<(String, u64, u64)> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|f| f["locations"].as_array().into_iter().flatten())
        .map(|l| {
            (
                l["path"].as_str().unwrap_or_default().to_string(),
                l["line"].as_u64().unwrap_or(0),
                l["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// Asserts the planted secret of [`tree_with_a_secret`] was found (the rest
/// of the scan completed) and no panic message was printed.
#[track_caller]
fn assert_scan_completed(run: &Run, token: &str) -> Value {
    run.expect_code(EXIT_FINDINGS);
    assert!(!run.stderr.contains("panicked") && !run.stderr.contains("internal error"));
    let report = run.json();
    assert!(
        locations(&report)
            .iter()
            .any(|(p, _, _)| p == "good/app.env"),
        "the planted secret was not found:\n{}",
        run.stdout
    );
    assert!(!run.stdout.contains(token), "redacted");
    report
}

/// `skipped` entries of a report as `(path, reason)`.
fn skipped(report: &Value) -> Vec<(String, String)> {
    report["skipped"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["path"].as_str().unwrap_or_default().to_string(),
                s["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Deterministic pseudo-random bytes.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect()
}

#[test]
fn binary_and_random_bytes() {
    let (tree, token) = tree_with_a_secret(1);
    tree.write("bin/random.bin", noise(1 << 20, 7));
    // Random bytes without a NUL are scanned as text; invalid UTF-8 is fine.
    let no_nul: Vec<u8> = noise(1 << 20, 8).into_iter().map(|b| b.max(1)).collect();
    tree.write("bin/random-no-nul.dat", no_nul);
    tree.write("bin/token-in-binary.bin", {
        let mut b = noise(4096, 9);
        b.extend_from_slice(format!("\0{token}\0").as_bytes());
        b
    });
    let run = tree.run(&["scan", ".", "-f", "json"]);
    let report = assert_scan_completed(&run, &token);
    assert_eq!(report["stats"]["skipped_binary"], 2, "{}", run.stdout);
    // --scan-binary reads them all, and finds the token inside the binary.
    let run = tree.run(&["scan", ".", "-f", "json", "--scan-binary"]);
    let report = assert_scan_completed(&run, &token);
    assert!(
        locations(&report)
            .iter()
            .any(|(p, _, _)| p == "bin/token-in-binary.bin")
    );
}

#[test]
fn sparse_two_gib_file_is_skipped_by_size_or_sniffed_via_mmap() {
    let (tree, token) = tree_with_a_secret(2);
    let file = fs::File::create(tree.join("huge.img")).expect("create");
    // Sparse: no disk space and no time to write.
    file.set_len(2 << 30).expect("a sparse 2 GiB file");
    let run = run_with_timeout(tree.path(), &["scan", ".", "-f", "json"], 60);
    let report = assert_scan_completed(&run, &token);
    assert_eq!(
        skipped(&report),
        [("huge.img".to_string(), "too-large".to_string())]
    );
    assert!(
        run.stderr
            .contains("skipped huge.img: larger than --max-file-size")
    );
    // Under a 4 GiB limit it is memory-mapped and only its first 8 KiB are
    // read before it is skipped as binary (zeros).
    let run = run_with_timeout(
        tree.path(),
        &["scan", ".", "-f", "json", "--max-file-size", "4GiB"],
        60,
    );
    let report = assert_scan_completed(&run, &token);
    assert_eq!(report["stats"]["skipped_binary"], 1);
}

#[test]
fn long_single_line_is_scanned_to_its_end() {
    // 6 MB rather than the issue's 50 MB: a debug build scans about 3 MB/s
    // of this keyword-dense text (50 MB take 17 s in debug, well under a
    // second in release). 6 MB is over the 4 MiB memory-map threshold, so the
    // mmap path is exercised too.
    let (tree, token) = tree_with_a_secret(3);
    let words = [
        "lorem", "ipsum", "dolor", "value", "config", "x=1;", "key", "url",
    ];
    let mut line = String::with_capacity(6_100_000);
    let mut i = 0usize;
    while line.len() < 6_000_000 {
        line.push_str(words[i % words.len()]);
        line.push(' ');
        i = i.wrapping_mul(31).wrapping_add(7) % 1_000_003;
    }
    let column = line.len() + "GITHUB_TOKEN=".len() + 1;
    line.push_str(&format!("GITHUB_TOKEN={token}"));
    tree.write("long/one-line.txt", &line);
    let run = run_with_timeout(tree.path(), &["scan", ".", "-f", "json"], 120);
    let report = assert_scan_completed(&run, &token);
    assert!(
        locations(&report).contains(&("long/one-line.txt".to_string(), 1, column as u64)),
        "{:?}",
        locations(&report)
    );
}

/// 20,000 rather than the issue's 100,000: creating and scanning 100,000
/// files took 11.5 s of this test suite's time on 2 shared cores; 20,000 take
/// about 2 s and cross the same code paths (parallel walk, per-file read).
const TINY_FILES: u32 = 20_000;

#[test]
fn many_tiny_files() {
    let (tree, token) = tree_with_a_secret(4);
    for i in 0..TINY_FILES {
        let dir = tree.join(&format!("many/d{:03}", i % 500));
        if i < 500 {
            fs::create_dir_all(&dir).expect("mkdir");
        }
        fs::write(dir.join(format!("f{i}.txt")), format!("n = {i}\n")).expect("write");
    }
    let run = run_with_timeout(tree.path(), &["scan", ".", "-f", "json"], 300);
    let report = assert_scan_completed(&run, &token);
    assert_eq!(report["stats"]["files"], u64::from(TINY_FILES) + 1);
}

#[test]
fn two_hundred_deep_directories() {
    let (tree, token) = tree_with_a_secret(5);
    let deep: String = (0..200).map(|i| format!("d{}/", i % 10)).collect();
    tree.write(&format!("{deep}deep.env"), format!("TOKEN={token}\n"));
    let run = tree.run(&["scan", ".", "-f", "json"]);
    let report = assert_scan_completed(&run, &token);
    assert!(
        locations(&report)
            .iter()
            .any(|(p, _, _)| p.ends_with("/deep.env") && p.matches('/').count() == 200)
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_once_and_the_walk_goes_on() {
    use std::os::unix::fs::symlink;
    let (tree, token) = tree_with_a_secret(6);
    tree.mkdir("loops/sub");
    symlink("..", tree.join("loops/sub/up")).expect("symlink");
    symlink("self", tree.join("loops/self")).expect("symlink");
    symlink("a", tree.join("loops/b")).expect("symlink");
    symlink("b", tree.join("loops/a")).expect("symlink");
    let run = run_with_timeout(
        tree.path(),
        &["scan", ".", "-f", "json", "--follow-symlinks"],
        60,
    );
    let report = assert_scan_completed(&run, &token);
    assert!(
        run.stderr
            .contains("File system loop found: ./loops/sub/up"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Too many levels of symbolic links"));
    let errors = report["errors"].as_array().map_or(0, Vec::len);
    assert_eq!(errors, 4, "{}", run.stdout);
    // Without --follow-symlinks, links are not followed and nothing is said.
    let run = tree.run(&["scan", ".", "-f", "json"]);
    let report = assert_scan_completed(&run, &token);
    assert_eq!(report["errors"], Value::Array(Vec::new()));
}

/// Creates a FIFO with `mkfifo` (false when the tool is missing).
#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_skipped_never_read() {
    use std::os::unix::fs::symlink;
    let (tree, token) = tree_with_a_secret(7);
    if !mkfifo(&tree.join("pipe")) {
        eprintln!("mkfifo is not available: skipping the FIFO case");
        return;
    }
    // Reading any of these would block (FIFO with no writer) or never end.
    symlink("/dev/zero", tree.join("zero")).expect("symlink");
    symlink("/dev/urandom", tree.join("urandom")).expect("symlink");
    for args in [
        &["scan", ".", "-f", "json"][..],
        &["scan", ".", "-f", "json", "--follow-symlinks"],
        &["scan", "pipe", "good", "-f", "json"],
        &[
            "scan",
            "pipe",
            "zero",
            "good",
            "-f",
            "json",
            "--scan-binary",
        ],
    ] {
        let run = run_with_timeout(tree.path(), args, 60);
        let report = assert_scan_completed(&run, &token);
        let special: Vec<String> = skipped(&report)
            .into_iter()
            .filter(|(_, reason)| reason == "special-file")
            .map(|(path, _)| path)
            .collect();
        assert!(
            special.contains(&"pipe".to_string()),
            "{args:?}: {special:?}"
        );
        if args.contains(&"--follow-symlinks") {
            assert!(special.contains(&"zero".to_string()), "{special:?}");
            assert!(special.contains(&"urandom".to_string()), "{special:?}");
        }
        assert!(run.stderr.contains("skipped pipe: not a regular file"));
    }
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_reported_and_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let (tree, token) = tree_with_a_secret(8);
    // Root (as in many CI containers) reads every file whatever its mode:
    // then the scan runs as `nobody` through setpriv(1), when it is there.
    let as_nobody = !crate::hygiene::permissions_enforced(&tree);
    if as_nobody && !setpriv_available() {
        eprintln!(
            "running as root and cannot run the binary as nobody (no setpriv, or its directory is closed): file modes are not enforced, skipping"
        );
        return;
    }
    let file = tree.write("locked/secret.env", format!("T={token}\n"));
    let dir = tree.write("closed/inner/x.env", "x = 1\n");
    let closed = tree.join("closed");
    if as_nobody {
        // `nobody` must be able to walk the rest of the tree.
        open_to_all(tree.path());
    }
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).expect("chmod");
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o000)).expect("chmod");
    let run = if as_nobody {
        run_as_nobody(tree.path(), &["scan", ".", "-f", "json"])
    } else {
        tree.run(&["scan", ".", "-f", "json"])
    };
    let _ = fs::set_permissions(&closed, fs::Permissions::from_mode(0o755));
    let _ = dir;
    let report = assert_scan_completed(&run, &token);
    assert!(run.stderr.contains("locked/secret.env"), "{}", run.stderr);
    assert!(run.stderr.contains("closed"), "{}", run.stderr);
    assert_eq!(report["stats"]["errors"], 2);
}

/// True when setpriv(1) can drop root's privileges here and `nobody` can
/// run the binary under test (its directories may be closed to others).
#[cfg(unix)]
fn setpriv_available() -> bool {
    std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_keyhound"))
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Makes `dir` and everything under it readable and searchable by all.
#[cfg(unix)]
fn open_to_all(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o755));
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            open_to_all(&path);
        } else {
            let _ = fs::set_permissions(&path, fs::Permissions::from_mode(0o644));
        }
    }
}

/// Runs the binary as `nobody` (uid 65534) in `dir`.
#[cfg(unix)]
fn run_as_nobody(dir: &std::path::Path, args: &[&str]) -> crate::common::Run {
    let output = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_keyhound"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("setpriv runs");
    crate::common::Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        args: args.iter().map(|a| a.to_string()).collect(),
    }
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let (tree, token) = tree_with_a_secret(9);
    let name = OsStr::from_bytes(b"bad-\xff\xfe-name.env");
    fs::write(tree.path().join(name), format!("TOKEN={token}\n")).expect("write");
    let run = tree.run(&["scan", ".", "-f", "json"]);
    let report = assert_scan_completed(&run, &token);
    assert!(
        locations(&report)
            .iter()
            .any(|(p, _, _)| p == "bad-\u{FFFD}\u{FFFD}-name.env"),
        "{:?}",
        locations(&report)
    );
    for format in ["sarif", "text", "csv", "html", "markdown"] {
        tree.run(&["scan", ".", "-f", format])
            .expect_code(EXIT_FINDINGS);
    }
}

#[cfg(unix)]
#[test]
fn files_vanishing_during_the_scan() {
    use std::os::unix::fs::symlink;
    let (tree, token) = tree_with_a_secret(10);
    // The closest race-free stand-in for a file deleted between the walk and
    // the read: a link whose target is gone, and a file removed after its
    // directory was listed by a running scan cannot be staged reliably.
    symlink("deleted-target.env", tree.join("vanished.env")).expect("symlink");
    let run = tree.run(&["scan", ".", "-f", "json", "--follow-symlinks"]);
    let report = assert_scan_completed(&run, &token);
    let errors = report["errors"].to_string();
    assert!(errors.contains("vanished.env"), "{errors}");
    assert!(run.stderr.contains("vanished.env"), "{}", run.stderr);
    // A file given on the command line that does not exist is an error (2).
    let run = tree.run(&["scan", "good", "missing.env"]);
    run.expect_code(EXIT_ERROR);
    assert!(
        run.stderr.contains("path not found: missing.env"),
        "{}",
        run.stderr
    );
}

#[test]
fn utf16_text_is_decoded_with_right_lines() {
    let (tree, token) = tree_with_a_secret(11);
    let text = format!("first\nsecond\n  token = \"{token}\"\n");
    let utf16 = |big: bool| -> Vec<u8> {
        let mut out = if big {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.replace('\n', "\r\n").encode_utf16() {
            out.extend_from_slice(&if big {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    };
    tree.write("win/utf16le.txt", utf16(false));
    tree.write("win/utf16be.txt", utf16(true));
    tree.write(
        "win/bundle.zip",
        crate::archive::zip_of(&[("inner.txt", &utf16(false))]),
    );
    let run = tree.run(&["scan", ".", "-f", "json"]);
    let report = assert_scan_completed(&run, &token);
    let found = locations(&report);
    for file in [
        "win/utf16le.txt",
        "win/utf16be.txt",
        "win/bundle.zip!inner.txt",
    ] {
        assert!(
            found.contains(&(file.to_string(), 3, 12)),
            "{file}: {found:?}"
        );
    }
    // Standard input too.
    let run = tree.run_with_stdin(&["scan", "-", "-f", "json"], &utf16(false));
    run.expect_code(EXIT_FINDINGS);
    assert_eq!(locations(&run.json()), [("<stdin>".to_string(), 3, 12)]);
}

#[test]
fn crlf_and_cr_only_line_endings_give_right_lines() {
    let (tree, token) = tree_with_a_secret(12);
    for (name, eol) in [("lf.txt", "\n"), ("crlf.txt", "\r\n"), ("cr.txt", "\r")] {
        tree.write(
            &format!("eol/{name}"),
            format!("one{eol}two{eol}three{eol}  key: {token}{eol}five{eol}"),
        );
    }
    let run = tree.run(&["scan", ".", "-f", "json"]);
    let report = assert_scan_completed(&run, &token);
    let found = locations(&report);
    for name in ["lf.txt", "crlf.txt", "cr.txt"] {
        assert!(
            found.contains(&(format!("eol/{name}"), 4, 8)),
            "{name}: {found:?}"
        );
    }
}

#[test]
fn malformed_rule_files_and_malicious_regexes_are_clear_errors() {
    let (tree, token) = tree_with_a_secret(13);
    let head = "[[rule]]\nid = \"evil.rule\"\nname = \"n\"\nprovider = \"p\"\nidentity = \"p.t\"\n\
                confidence = \"high\"\nseverity = \"high\"\nkeywords = [\"aaaa\"]\n\
                examples = [\"aaaa\"]\nnegative_examples = [\"b\"]\n";
    let cases = [
        // Compiles to far more than the size limit.
        (
            format!("{head}pattern = '''(?P<secret>(?:[a-z0-9]{{1000}}){{1000}})'''\n"),
            "size limit",
        ),
        // Nested deeper than the parser allows.
        (
            format!(
                "{head}pattern = '''{}a{}'''\n",
                "(".repeat(300),
                ")".repeat(300)
            ),
            "nest",
        ),
        (
            format!("{head}pattern = '''(?P<secret>(a'''\n"),
            "unclosed group",
        ),
        (
            format!("{head}pattern = '''a{{99999999}}'''\n"),
            "evil.rule",
        ),
        ("[[rule]\nid = 1\n".to_string(), "line 1"),
        ("\u{0}\u{1}binary".to_string(), "line 1"),
        (
            format!("{head}pattern = '''(?P<secret>a)'''\nbogus_key = 1\n"),
            "bogus_key",
        ),
    ];
    for (text, expected) in &cases {
        tree.write("evil.toml", text);
        let run = run_with_timeout(tree.path(), &["scan", "good", "--rules", "evil.toml"], 60);
        run.expect_code(EXIT_ERROR);
        assert!(
            run.stderr.contains("evil.toml") && run.stderr.contains(expected),
            "{expected}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"));
    }
    // A pattern that backtracks exponentially elsewhere is linear here.
    tree.write(
        "slow.toml",
        format!("{head}pattern = '''(?P<secret>(a+)+b)'''\n")
            .replace("examples = [\"aaaa\"]", "examples = [\"aaab\"]"),
    );
    tree.write("good/aaaa.txt", "a".repeat(200_000));
    let run = run_with_timeout(
        tree.path(),
        &["scan", ".", "-f", "json", "--rules", "slow.toml"],
        60,
    );
    assert_scan_completed(&run, &token);
}

#[test]
fn per_file_time_budget_stops_detection_with_a_warning() {
    let (tree, token) = tree_with_a_secret(14);
    // A budget of a microsecond runs out before the first rule of any file.
    let run = tree.run(&[
        "scan",
        "good",
        "-f",
        "json",
        "--file-time-budget",
        "0.000001",
    ]);
    run.expect_code(crate::common::EXIT_CLEAN);
    assert!(
        run.stderr.contains("good/app.env: scan stopped after")
            && run.stderr.contains("per-file time budget"),
        "{}",
        run.stderr
    );
    assert_eq!(run.json()["stats"]["errors"], 1);
    assert!(!run.all_output().contains(&token));
    // 0 means no budget.
    let run = tree.run(&["scan", "good", "-f", "json", "--file-time-budget", "0"]);
    assert_scan_completed(&run, &token);
}
