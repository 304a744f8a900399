//! Secret hygiene: no raw secret in any report format, on standard error
//! (warnings and errors included) or in output files, which are written
//! atomically with mode 0600; salted fingerprints.

use std::fs;
use std::path::Path;

use crate::common::{
    ACME_RULES, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, FakeSecrets, Run, Tree, parse_json,
};
use crate::redaction::assert_hidden;

/// A tree with fake secrets of several kinds; returns the tree and them.
fn planted() -> (Tree, Vec<String>) {
    let mut fake = FakeSecrets::new(909);
    let github = fake.github_pat();
    let stripe = fake.stripe_live();
    let acme = fake.acme_token();
    let acme_id = fake.acme_id();
    let password = fake.string(
        b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789",
        14,
    );
    let tree = Tree::new();
    tree.write("rules/acme.toml", ACME_RULES);
    tree.write(
        "src/app.py",
        format!("GH = \"{github}\"\nSTRIPE = '{stripe}'\n"),
    );
    tree.write(
        "deploy/prod.env",
        format!("ACME_ID={acme_id}\nACME_TOKEN={acme}\nDB_PASSWORD={password}\n"),
    );
    tree.write(
        "config/prod.yaml",
        format!("db:\n  password: \"{password}\"\n"),
    );
    (tree, vec![github, stripe, acme, acme_id, password])
}

#[track_caller]
fn assert_all_hidden(text: &str, secrets: &[String], context: &str) {
    for secret in secrets {
        assert_hidden(text, secret, context);
    }
}

#[track_caller]
fn assert_run_hidden(run: &Run, secrets: &[String], context: &str) {
    assert_all_hidden(&run.stdout, secrets, &format!("{context} (stdout)"));
    assert_all_hidden(&run.stderr, secrets, &format!("{context} (stderr)"));
}

/// True when file modes are enforced (not root): a mode-000 file cannot be read.
#[cfg(unix)]
pub fn permissions_enforced(tree: &Tree) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = tree.write(".probe", "x");
    let _ = fs::set_permissions(&probe, fs::Permissions::from_mode(0o000));
    let enforced = fs::read(&probe).is_err();
    let _ = fs::set_permissions(&probe, fs::Permissions::from_mode(0o600));
    let _ = fs::remove_file(&probe);
    enforced
}

#[test]
fn no_format_and_no_message_shows_a_planted_secret() {
    let (tree, secrets) = planted();
    #[cfg(unix)]
    {
        // A warning on stderr too: an unreadable file (root reads everything).
        use std::os::unix::fs::PermissionsExt;
        let locked = tree.write("locked.env", format!("X={}\n", secrets[0]));
        let _ = fs::set_permissions(&locked, fs::Permissions::from_mode(0o000));
    }
    let formats = [
        "text",
        "json",
        "jsonl",
        "sarif",
        "markdown",
        "csv",
        "html",
        "inventory",
    ];
    let mut found_any = false;
    for format in formats {
        let run = tree.run(&["scan", ".", "--rules", "rules/acme.toml", "-f", format]);
        run.expect_code(EXIT_FINDINGS);
        assert!(!run.stdout.is_empty(), "{format}: empty report");
        assert_run_hidden(&run, &secrets, &format!("scan -f {format}"));
        found_any |= run.stdout.contains("acme");
    }
    assert!(found_any, "the user rule's finding is reported");
    let table = tree.run(&["inventory", ".", "--rules", "rules/acme.toml"]);
    table.expect_code(EXIT_CLEAN);
    assert_run_hidden(&table, &secrets, "inventory table");
    #[cfg(unix)]
    if permissions_enforced(&tree) {
        let run = tree.run(&["scan", ".", "-f", "json"]);
        assert!(run.stderr.contains("locked.env"), "{}", run.stderr);
    }
}

#[test]
fn error_messages_about_malformed_files_do_not_quote_secrets() {
    let (tree, secrets) = planted();
    let github = &secrets[0];
    let rule_head = "[[rule]]\nid = \"x.y\"\nname = \"n\"\nprovider = \"p\"\nidentity = \"p.t\"\n\
                     confidence = \"high\"\nseverity = \"high\"\nnegative_examples = [\"no\"]\n";
    let broken_rules = [
        // TOML syntax: the parser would quote the line.
        format!("{rule_head}keywords = [\"{github}\"\nexamples = [\n"),
        // A wrong type: serde would quote the value.
        format!("{rule_head}keywords = [\"k\"]\nmin_entropy = \"{github}\"\n"),
        // A regex that does not compile: the regex crate would quote it.
        format!(
            "{rule_head}keywords = [\"k\"]\npattern = \"(?P<secret>{github}\"\nexamples = [\"k\"]\n"
        ),
        // An unknown enum value.
        format!(
            "{rule_head}keywords = [\"k\"]\npattern = \"(?P<secret>k)\"\nexamples = [\"k\"]\nconfidence = \"{github}\"\n"
        ),
    ];
    for (i, text) in broken_rules.iter().enumerate() {
        tree.write("bad.toml", text);
        let run = tree.run(&["scan", "src", "--rules", "bad.toml"]);
        run.expect_code(EXIT_ERROR);
        assert!(run.stderr.contains("bad.toml"), "{}", run.stderr);
        assert_run_hidden(&run, &secrets, &format!("broken rule file {i}"));
    }
    // A malformed project configuration holding a secret as a stopword.
    tree.write(
        "cfg/.keyhound.toml",
        format!("[allowlist]\nstopwords = [\"{github}\"\n"),
    );
    let run = tree.run(&["scan", "src", "--config", "cfg/.keyhound.toml"]);
    run.expect_code(EXIT_ERROR);
    assert_run_hidden(&run, &secrets, "broken .keyhound.toml");
    // A malformed config-store export on standard input.
    let export = format!("{{\"items\": [{{\"kind\": \"Secret\", \"data\": {{\"k\": \"{github}\"");
    let run = tree.run_with_stdin(&["scan", "--stdin", "--store", "k8s"], export.as_bytes());
    run.expect_code(EXIT_ERROR);
    assert_run_hidden(&run, &secrets, "broken k8s export");
}

/// Mode bits of `path` (unix).
#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0)
}

#[test]
fn output_files_are_private_atomic_and_redacted() {
    let (tree, secrets) = planted();
    tree.mkdir("out");
    // A previous world-readable report is replaced, not rewritten in place.
    tree.write("out/report.json", "old");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(
            tree.join("out/report.json"),
            fs::Permissions::from_mode(0o644),
        );
    }
    for (format, file) in [
        ("json", "report.json"),
        ("sarif", "report.sarif"),
        ("text", "report.txt"),
        ("jsonl", "report.jsonl"),
        ("markdown", "report.md"),
    ] {
        let out = format!("out/{file}");
        tree.run(&["scan", "src", "deploy", "-f", format, "-o", &out])
            .expect_code(EXIT_FINDINGS);
    }
    tree.run(&[
        "inventory",
        "src",
        "deploy",
        "--json",
        "out/inv.json",
        "--csv",
        "out/inv.csv",
        "--html",
        "out/inv.html",
    ])
    .expect_code(EXIT_CLEAN);
    tree.run(&[
        "baseline",
        "create",
        "src",
        "deploy",
        "-o",
        "out/baseline.json",
    ])
    .expect_code(EXIT_CLEAN);
    let mut names: Vec<String> = fs::read_dir(tree.join("out"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    assert_eq!(
        names,
        [
            "baseline.json",
            "inv.csv",
            "inv.html",
            "inv.json",
            "report.json",
            "report.jsonl",
            "report.md",
            "report.sarif",
            "report.txt"
        ],
        "no temporary file is left behind"
    );
    for name in &names {
        let path = tree.join(&format!("out/{name}"));
        let text = fs::read_to_string(&path).unwrap_or_default();
        assert!(!text.is_empty() && text != "old", "{name} was written");
        assert_all_hidden(&text, &secrets, name);
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600, "{name} is private");
    }
}

#[test]
fn output_to_a_missing_directory_fails_cleanly() {
    let (tree, _) = planted();
    let run = tree.run(&["scan", "src", "-f", "json", "-o", "nowhere/report.json"]);
    run.expect_code(EXIT_ERROR);
    assert!(run.stderr.contains("nowhere/report.json"), "{}", run.stderr);
}

/// `fingerprint` of every finding of a JSON report, and every identity id.
fn ids(run: &Run) -> (Vec<String>, Vec<String>) {
    let report = run.json();
    let collect = |key: &str, field: &str| -> Vec<String> {
        report[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f[field].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    (
        collect("findings", "fingerprint"),
        collect("identities", "id"),
    )
}

#[test]
fn fingerprint_salt_keys_fingerprints_and_identity_ids() {
    let (tree, _) = planted();
    let plain = tree.run(&["scan", "src", "-f", "json"]);
    plain.expect_code(EXIT_FINDINGS);
    let salted = tree.run(&["scan", "src", "-f", "json", "--fingerprint-salt", "team-a"]);
    let again = tree.run(&["scan", "src", "-f", "json", "--fingerprint-salt", "team-a"]);
    let other = tree.run(&["scan", "src", "-f", "json", "--fingerprint-salt", "team-b"]);
    let (plain_fp, plain_ids) = ids(&plain);
    let (salted_fp, salted_ids) = ids(&salted);
    assert_eq!(plain_fp.len(), 2);
    assert_eq!(salted_fp.len(), plain_fp.len());
    assert!(
        salted_fp
            .iter()
            .all(|f| f.len() == 64 && !plain_fp.contains(f))
    );
    assert!(
        salted_ids
            .iter()
            .all(|i| i.len() == 32 && !plain_ids.contains(i))
    );
    assert_eq!(ids(&again), (salted_fp.clone(), salted_ids));
    assert!(ids(&other).0.iter().all(|f| !salted_fp.contains(f)));
    // The default is unsalted: the README's definition.
    let secrets = plain.json();
    let first = &secrets["findings"][0];
    assert_eq!(first["fingerprint"].as_str().map(str::len), Some(64));
    // Baselines work with salted reports, and unsalted baselines with salted scans.
    tree.run(&[
        "baseline",
        "create",
        "src",
        "--fingerprint-salt",
        "team-a",
        "-o",
        "b1.json",
    ])
    .expect_code(EXIT_CLEAN);
    let base = parse_json(&fs::read_to_string(tree.join("b1.json")).unwrap_or_default());
    assert!(base.to_string().contains(&salted_fp[0]), "{base}");
    tree.run(&[
        "scan",
        "src",
        "--fingerprint-salt",
        "team-a",
        "--baseline",
        "b1.json",
    ])
    .expect_code(EXIT_CLEAN);
    tree.run(&["baseline", "create", "src", "-o", "b2.json"])
        .expect_code(EXIT_CLEAN);
    tree.run(&[
        "scan",
        "src",
        "--fingerprint-salt",
        "team-b",
        "--baseline",
        "b2.json",
    ])
    .expect_code(EXIT_CLEAN);
}

#[test]
fn test_and_fuzz_sources_hold_no_credential_shaped_literal() {
    // Test secrets are built at run time (FakeSecrets), never written whole;
    // `medium` leaves out the low-confidence generic guesses at test data
    // at the deliberately weak fixtures of some tests.
    let root = env!("CARGO_MANIFEST_DIR");
    let run = Tree::new().run(&[
        "scan",
        &format!("{root}/src"),
        &format!("{root}/tests"),
        &format!("{root}/fuzz/fuzz_targets"),
        "--min-confidence",
        "medium",
        "--no-config",
        "-q",
    ]);
    run.expect_code(EXIT_CLEAN);
}

/// `-o` at something that is not a regular file (a FIFO here; `/dev/null`
/// and `/dev/stdout` in use) is written in place, not replaced by a file,
/// and a symbolic link keeps pointing at its target, which gets the report.
#[cfg(unix)]
#[test]
fn output_to_a_fifo_or_a_symlink_keeps_it_what_it_was() {
    use std::io::Read;
    let (tree, _) = planted();
    let fifo = tree.join("out.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let reader_path = fifo.clone();
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = fs::File::open(reader_path).and_then(|mut f| f.read_to_string(&mut text));
            text
        });
        let fifo_arg = fifo.to_string_lossy().into_owned();
        tree.run(&["scan", ".", "-f", "json", "-q", "-o", &fifo_arg]);
        let text = reader.join().unwrap_or_default();
        assert!(
            text.contains("\"findings\""),
            "the report went through the FIFO"
        );
        let kind = fs::symlink_metadata(&fifo).map(|m| m.file_type());
        assert!(
            kind.is_ok_and(|t| std::os::unix::fs::FileTypeExt::is_fifo(&t)),
            "the FIFO is still a FIFO"
        );
    } else {
        eprintln!("mkfifo is not available: skipping the FIFO half");
    }
    let target = tree.join("reports/real.json");
    fs::create_dir_all(tree.join("reports")).expect("mkdir");
    fs::write(&target, "old").expect("write");
    let link = tree.join("latest.json");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    tree.run(&["scan", ".", "-f", "json", "-q", "-o", "latest.json"]);
    assert!(fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
    let written = fs::read_to_string(&target).unwrap_or_default();
    assert!(
        written.contains("\"findings\""),
        "the link's target holds the report"
    );
}
