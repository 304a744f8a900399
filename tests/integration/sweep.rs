//! `keyhound sweep`, `merge` and `report --datastore` over several generated
//! repositories: a shared blob, a fork, a bare clone, an empty and a corrupt
//! repository.

use std::path::Path;

use serde_json::Value;

use crate::common::{EXIT_FINDINGS, FakeSecrets, Run, Tree, parse_json};
use crate::git::{git_available, git_in};

/// An organisation's worth of repositories under one directory, and the
/// secrets committed to them.
struct Org {
    tree: Tree,
    shared: String,
    only_a: String,
    only_b: String,
}

fn git(dir: &Path, args: &[&str]) -> String {
    git_in(dir, args, 1_700_000_000)
}

fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

impl Org {
    fn new() -> Self {
        let tree = Tree::new();
        let mut fake = FakeSecrets::new(8);
        let (shared, only_a, only_b) = (fake.github_pat(), fake.github_pat(), fake.stripe_live());
        for name in ["a", "b"] {
            let dir = tree.mkdir(name);
            git(&dir, &["init", "-q", "-b", "main"]);
            tree.write(
                &format!("{name}/config/shared.env"),
                format!("GITHUB_TOKEN={shared}\n"),
            );
        }
        tree.write("a/deploy.env", format!("TOKEN={only_a}\n"));
        tree.write("b/billing.env", format!("STRIPE_KEY={only_b}\n"));
        commit_all(&tree.join("a"), "a");
        commit_all(&tree.join("b"), "b");
        let root = tree.path();
        git(root, &["clone", "-q", "a", "fork"]);
        git(root, &["clone", "-q", "--bare", "b", "mirrors/b.git"]);
        git(&tree.mkdir("empty"), &["init", "-q"]);
        tree.write("corrupt/.git/HEAD", "not a ref\n");
        tree.write("notes/readme.txt", "not a repository\n");
        Org {
            tree,
            shared,
            only_a,
            only_b,
        }
    }

    fn sweep(&self, extra: &[&str]) -> Value {
        let mut args = vec!["sweep", "org", "-f", "json", "--show-secrets", "-q"];
        args.extend(extra);
        let run = self.run_org(&args);
        run.expect_code(EXIT_FINDINGS);
        run.json()
    }

    /// Runs keyhound in the organisation's directory (`org` stands for it,
    /// so reports name repositories `a`, `mirrors/b.git`...), with a fixed "now".
    fn run_org(&self, args: &[&str]) -> Run {
        let mut cmd = crate::common::keyhound();
        cmd.current_dir(self.tree.path())
            .env("SOURCE_DATE_EPOCH", "1750000000");
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if *a == "org" {
                    ".".to_string()
                } else {
                    a.to_string()
                }
            })
            .collect();
        let output = cmd.args(&args).output().expect("keyhound runs");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            args,
        }
    }
}

/// (secret, repositories) of every finding.
fn secrets(report: &Value) -> Vec<(String, Vec<String>)> {
    report["findings"]
        .as_array()
        .map(|findings| {
            findings
                .iter()
                .map(|f| {
                    let mut repos: Vec<String> = f["locations"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|l| l["git"]["repository"].as_str().map(String::from))
                        .collect();
                    repos.sort();
                    repos.dedup();
                    (f["secret"].as_str().unwrap_or_default().to_string(), repos)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn repos_of<'a>(found: &'a [(String, Vec<String>)], secret: &str) -> Option<&'a Vec<String>> {
    found.iter().find(|(s, _)| s == secret).map(|(_, r)| r)
}

#[test]
fn sweep_finds_every_secret_with_every_repository() {
    if !git_available() {
        return;
    }
    let org = Org::new();
    let report = org.sweep(&[]);
    let found = secrets(&report);
    assert_eq!(
        repos_of(&found, &org.shared).map(Vec::as_slice),
        Some(
            &[
                "a".to_string(),
                "b".into(),
                "fork".into(),
                "mirrors/b.git".into()
            ][..]
        ),
        "{found:?}"
    );
    assert_eq!(
        repos_of(&found, &org.only_a).map(Vec::as_slice),
        Some(&["a".to_string(), "fork".into()][..])
    );
    assert_eq!(
        repos_of(&found, &org.only_b).map(Vec::as_slice),
        Some(&["b".to_string(), "mirrors/b.git".into()][..])
    );
    // Three distinct blobs with secrets: each scanned once across the five repositories.
    assert_eq!(report["stats"]["files"], 3, "{}", report["stats"]);
    let errors = report["errors"].to_string();
    assert!(errors.contains("corrupt"), "{errors}");
    assert!(!errors.contains("notes"), "{errors}");
    let names: Vec<&str> = report["repositories"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names, ["a", "b", "empty", "fork", "mirrors/b.git"]);
    assert!(!report["identities"].as_array().is_none_or(Vec::is_empty));
}

/// The report without what differs between runs of different shapes: wall
/// time, and the work counters (a blob two shards hold is scanned by both).
fn normalized(mut report: Value) -> Value {
    if let Some(stats) = report["stats"].as_object_mut() {
        for key in ["elapsed_ms", "files", "bytes"] {
            stats.remove(key);
        }
    }
    report
}

#[test]
fn shards_merged_equal_the_whole_sweep() {
    if !git_available() {
        return;
    }
    let org = Org::new();
    let whole = org.sweep(&[]);
    let mut names = Vec::new();
    for shard in 0..3 {
        let run = org.run_org(&[
            "sweep",
            "org",
            "-f",
            "json",
            "--show-secrets",
            "-q",
            "--shard",
            &format!("{shard}/3"),
        ]);
        let name = format!("shard-{shard}.json");
        org.tree.write(&name, &run.stdout);
        names.push(name);
    }
    let mut args = vec!["merge", "-q", "-f", "json"];
    args.extend(names.iter().map(String::as_str));
    let merged = org.run_org(&args);
    merged.expect_code(EXIT_FINDINGS);
    assert_eq!(normalized(merged.json()), normalized(whole));

    // Redacted shard reports merge into the redacted whole report.
    let whole = parse_json(&org.run_org(&["sweep", "org", "-f", "json", "-q"]).stdout);
    let mut names = Vec::new();
    for shard in 0..3 {
        let spec = format!("{shard}/3");
        let run = org.run_org(&["sweep", "org", "-f", "json", "-q", "--shard", &spec]);
        let name = format!("redacted-{shard}.json");
        org.tree.write(&name, &run.stdout);
        names.push(name);
    }
    let mut args = vec!["merge", "-q"];
    args.extend(names.iter().map(String::as_str));
    assert_eq!(normalized(org.run_org(&args).json()), normalized(whole));
}

#[test]
fn datastore_skips_what_was_scanned_and_picks_up_new_commits() {
    if !git_available() {
        return;
    }
    let org = Org::new();
    let store = org.tree.join("sweep.db");
    let store = store.to_string_lossy().into_owned();
    let first = org.sweep(&["--datastore", &store]);
    assert_eq!(first["stats"]["files"], 3);
    let second = org.sweep(&["--datastore", &store]);
    assert_eq!(second["stats"]["files"], 0, "{}", second["stats"]);
    assert_eq!(secrets(&second), secrets(&first));
    assert_eq!(second["findings"], first["findings"]);

    let mut fake = FakeSecrets::new(99);
    let new_secret = fake.github_pat();
    org.tree
        .write("a/later.env", format!("TOKEN={new_secret}\n"));
    git_in(&org.tree.join("a"), &["add", "-A"], 1_700_000_600);
    git_in(
        &org.tree.join("a"),
        &["commit", "-q", "-m", "later"],
        1_700_000_600,
    );
    let third = org.sweep(&["--datastore", &store]);
    assert_eq!(third["stats"]["files"], 1, "{}", third["stats"]);
    let found = secrets(&third);
    assert_eq!(
        repos_of(&found, &new_secret).map(Vec::as_slice),
        Some(&["a".to_string()][..])
    );
    assert_eq!(found.len(), secrets(&first).len() + 1);

    let report = org.run_org(&[
        "report",
        "--datastore",
        &store,
        "-f",
        "json",
        "--show-secrets",
    ]);
    report.expect_code(EXIT_FINDINGS);
    assert_eq!(report.json()["findings"], third["findings"]);
    assert_eq!(report.json()["identities"], third["identities"]);
}
