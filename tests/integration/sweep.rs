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
        self.sweep_at(NOW, extra)
    }

    /// A sweep run at `now` (seconds since the epoch).
    fn sweep_at(&self, now: &str, extra: &[&str]) -> Value {
        let mut args = vec!["sweep", "org", "-f", "json", "--show-secrets", "-q"];
        args.extend(extra);
        let run = self.run_org_at(now, &args);
        run.expect_code(EXIT_FINDINGS);
        run.json()
    }

    /// Runs keyhound in the organisation's directory (`org` stands for it,
    /// so reports name repositories `a`, `mirrors/b.git`...), with a fixed "now".
    fn run_org(&self, args: &[&str]) -> Run {
        self.run_org_at(NOW, args)
    }

    fn command(&self, now: &str, args: &[&str]) -> (std::process::Command, Vec<String>) {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_keyhound"));
        cmd.current_dir(self.tree.path())
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", now);
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
        cmd.args(&args);
        (cmd, args)
    }

    fn run_org_at(&self, now: &str, args: &[&str]) -> Run {
        let (mut cmd, args) = self.command(now, args);
        let output = cmd.output().expect("keyhound runs");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            args,
        }
    }
}

/// The "now" of test runs (2025-06-15T15:06:40Z).
const NOW: &str = "1750000000";

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

/// A sweep reads what is stored, as `scan --git` does: a `git replace` that
/// shows a clean commit in place of the one adding a secret hides nothing.
#[test]
fn sweep_ignores_replace_refs() {
    if !git_available() {
        return;
    }
    let org = Org::new();
    let a = org.tree.join("a");
    let introducing = git(&a, &["rev-parse", "HEAD"]);
    let introducing = introducing.trim();
    let empty_tree = git(&a, &["hash-object", "-t", "tree", "-w", "--stdin"]);
    let decoy = git(
        &a,
        &["commit-tree", empty_tree.trim(), "-m", "nothing here"],
    );
    git(&a, &["replace", introducing, decoy.trim()]);
    let report = org.sweep(&[]);
    let commits: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["secret"] == org.only_a.as_str())
        .flat_map(|f| f["locations"].as_array().into_iter().flatten())
        .filter(|l| l["git"]["repository"] == "a")
        .filter_map(|l| l["git"]["commit"].as_str())
        .collect();
    assert_eq!(commits, [introducing], "{report:#}");
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

/// The report without what differs between a datastore re-run and a fresh
/// sweep: the work counters (walked commits, scanned blobs), wall time and
/// the datastore's note.
fn outcome_only(report: &Value) -> Value {
    let mut report = normalized(report.clone());
    if let Some(stats) = report["stats"].as_object_mut() {
        stats.remove("commits");
    }
    if let Some(notes) = report["notes"].as_array_mut() {
        notes.retain(|n| !n.as_str().is_some_and(|n| n.contains("datastore")));
    }
    report
}

/// Every location of every finding in repository `repo`: (secret, path,
/// present_at_head, last_seen).
fn locations_in(report: &Value, repo: &str) -> Vec<(String, String, bool, Option<String>)> {
    let mut out = Vec::new();
    for finding in report["findings"].as_array().into_iter().flatten() {
        for location in finding["locations"].as_array().into_iter().flatten() {
            let git = &location["git"];
            if git["repository"] != repo {
                continue;
            }
            out.push((
                finding["secret"].as_str().unwrap_or_default().to_string(),
                location["path"].as_str().unwrap_or_default().to_string(),
                git["present_at_head"].as_bool().unwrap_or_default(),
                git["last_seen"].as_str().map(String::from),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn datastore_rerun_walks_only_new_commits_and_equals_a_fresh_sweep() {
    if !git_available() {
        return;
    }
    let org = Org::new();
    let store = org.tree.join("sweep.db").to_string_lossy().into_owned();
    org.sweep(&["--datastore", &store]);

    // On `a`: main drops the shared file and gains a secret; a new branch
    // copies the shared blob to another path.
    let a = org.tree.join("a");
    let later = FakeSecrets::new(7).stripe_live();
    git_in(&a, &["rm", "-q", "config/shared.env"], 1_700_000_100);
    org.tree.write("a/later.env", format!("KEY={later}\n"));
    git_in(&a, &["add", "-A"], 1_700_000_100);
    git_in(&a, &["commit", "-q", "-m", "later"], 1_700_000_100);
    git_in(
        &a,
        &["checkout", "-q", "-b", "copy", "HEAD~1"],
        1_700_000_200,
    );
    org.tree.write(
        "a/copy/shared.env",
        format!("GITHUB_TOKEN={}\n", org.shared),
    );
    git_in(&a, &["add", "-A"], 1_700_000_200);
    git_in(&a, &["commit", "-q", "-m", "copy"], 1_700_000_200);
    git_in(&a, &["checkout", "-q", "main"], 1_700_000_200);

    let rerun = org.sweep(&["--datastore", &store]);
    // Only the two new commits of `a` are walked; the other repositories
    // are unchanged and reused.
    assert_eq!(rerun["stats"]["commits"], 2, "{}", rerun["stats"]);
    assert_eq!(rerun["stats"]["files"], 1, "{}", rerun["stats"]);
    let fresh = org.sweep(&[]);
    assert_eq!(outcome_only(&rerun), outcome_only(&fresh));
    let in_a = locations_in(&rerun, "a");
    assert!(
        in_a.contains(&(org.shared.clone(), "config/shared.env".into(), false, None)),
        "{in_a:?}"
    );
    assert!(
        in_a.contains(&(org.shared.clone(), "copy/shared.env".into(), false, None)),
        "{in_a:?}"
    );
    assert!(
        in_a.contains(&(later, "later.env".into(), true, None)),
        "{in_a:?}"
    );
    // The stored total matches a full walk.
    let report = org.run_org(&[
        "report",
        "--datastore",
        &store,
        "-f",
        "json",
        "--show-secrets",
    ]);
    assert_eq!(report.json()["stats"]["commits"], fresh["stats"]["commits"]);
}

#[test]
fn locations_of_rewritten_history_stay_with_last_seen() {
    if !git_available() {
        return;
    }
    let org = Org::new();
    let store = org.tree.join("sweep.db").to_string_lossy().into_owned();
    org.sweep(&["--datastore", &store]);

    // `b` is rewritten: one new root commit without billing.env.
    let b = org.tree.join("b");
    git_in(
        &b,
        &["checkout", "-q", "--orphan", "rewritten"],
        1_700_000_300,
    );
    git_in(&b, &["rm", "-q", "--cached", "billing.env"], 1_700_000_300);
    std::fs::remove_file(b.join("billing.env")).expect("remove");
    git_in(&b, &["commit", "-q", "-m", "rewritten"], 1_700_000_300);
    git_in(&b, &["branch", "-q", "-D", "main"], 1_700_000_300);
    git_in(&b, &["branch", "-q", "-m", "main"], 1_700_000_300);

    let later = "1760000000";
    let rerun = org.sweep_at(later, &["--datastore", &store]);
    let in_b = locations_in(&rerun, "b");
    // The secret only the old history had stays, with the first run's time.
    let gone: Vec<_> = in_b.iter().filter(|l| l.0 == org.only_b).collect();
    assert_eq!(gone.len(), 1, "{in_b:?}");
    assert_eq!(gone[0].1, "billing.env");
    assert!(!gone[0].2);
    assert!(
        gone[0]
            .3
            .as_deref()
            .is_some_and(|t| t.starts_with("2025-06-15T15:06:40")),
        "{gone:?}"
    );
    // The shared blob is at the same path in the new history: found again.
    assert!(
        in_b.contains(&(org.shared.clone(), "config/shared.env".into(), true, None)),
        "{in_b:?}"
    );
    // A fresh sweep has no trace of the old history of `b`.
    let fresh = org.sweep(&[]);
    assert!(!locations_in(&fresh, "b").iter().any(|l| l.0 == org.only_b));

    // Unchanged re-runs and `report --datastore` keep the gone location as it was.
    let again = org.sweep_at("1770000000", &["--datastore", &store]);
    assert_eq!(locations_in(&again, "b"), in_b);
    let report = org.run_org(&[
        "report",
        "--datastore",
        &store,
        "-f",
        "json",
        "--show-secrets",
    ]);
    assert_eq!(locations_in(&report.json(), "b"), in_b);
    crate::report_schema::assert_report_valid(&again);
}

#[test]
fn killed_sweep_resumes_from_the_datastore() {
    if !git_available() {
        return;
    }
    use std::io::{BufRead, BufReader};
    let org = Org::new();
    let whole = org.sweep(&[]);
    let store = org.tree.join("sweep.db").to_string_lossy().into_owned();
    let (mut cmd, _) = org.command(
        NOW,
        &[
            "sweep",
            "org",
            "-f",
            "json",
            "--show-secrets",
            "-q",
            "--datastore",
            &store,
        ],
    );
    let mut child = cmd
        .env("KEYHOUND_TEST_STALL_AFTER_REPOS", "2")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("keyhound starts");
    let stderr = child.stderr.take().expect("piped stderr");
    let stalled = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains("stalled after 2 repositories"));
    assert!(stalled, "the sweep did not reach the test hook");
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("wait");
    assert!(!status.success());

    // The store holds exactly the two repositories done, consistently.
    let conn = rusqlite::Connection::open(&store).expect("open the store");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok");
    let stored: Vec<String> = conn
        .prepare("SELECT identity FROM repos ORDER BY identity")
        .and_then(|mut s| {
            s.query_map([], |row| row.get(0))?
                .collect::<Result<Vec<String>, _>>()
        })
        .expect("repos");
    assert_eq!(stored, ["a", "b"]);
    drop(conn);
    let partial = org.run_org(&["report", "--datastore", &store, "-f", "json", "-q"]);
    let names: Vec<String> = partial.json()["repositories"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str().map(String::from))
        .collect();
    assert_eq!(names, ["a", "b"]);

    let resumed = org.sweep(&["--datastore", &store]);
    assert!(
        resumed["notes"]
            .to_string()
            .contains("2 repositories unchanged"),
        "{}",
        resumed["notes"]
    );
    assert_eq!(outcome_only(&resumed), outcome_only(&whole));
}

#[test]
fn repos_list_mirrors_file_urls_and_fetches_them_again() {
    if !git_available() {
        return;
    }
    let org = Org::new();
    let url = |name: &str| format!("file://{}", org.tree.join(name).display());
    let local = org.tree.join("mirrors/b.git").display().to_string();
    org.tree.write(
        "repos.txt",
        format!("# the organisation\n{}\n{}\n{local}\n", url("a"), url("b")),
    );
    let args = [
        "sweep",
        "--repos",
        "repos.txt",
        "--cache-dir",
        "cache",
        "-f",
        "json",
        "--show-secrets",
        "-q",
    ];
    let first = org.run_org(&args);
    first.expect_code(EXIT_FINDINGS);
    let found = secrets(&first.json());
    assert_eq!(
        repos_of(&found, &org.only_a).map(Vec::as_slice),
        Some(&[url("a")][..]),
        "{found:?}"
    );
    assert_eq!(
        repos_of(&found, &org.only_b).map(Vec::as_slice),
        Some(&[local.clone(), url("b")][..])
    );
    let cached = std::fs::read_dir(org.tree.join("cache")).map_or(0, Iterator::count);
    assert_eq!(cached, 2);

    // A new commit upstream is fetched into the cache by the next run.
    let later = FakeSecrets::new(42).github_pat();
    org.tree.write("a/later.env", format!("TOKEN={later}\n"));
    commit_all(&org.tree.join("a"), "later");
    let second = org.run_org(&args);
    second.expect_code(EXIT_FINDINGS);
    let found = secrets(&second.json());
    assert_eq!(
        repos_of(&found, &later).map(Vec::as_slice),
        Some(&[url("a")][..]),
        "{found:?}"
    );
}

#[test]
fn config_and_baseline_apply_to_every_repository() {
    if !git_available() {
        return;
    }
    let org = Org::new();
    let whole = org.sweep(&[]);
    let rule_of = |secret: &str| {
        whole["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["secret"] == secret)
            .and_then(|f| f["rule_id"].as_str())
            .expect("the finding")
            .to_string()
    };
    let stripe_rule = rule_of(&org.only_b);
    org.tree.write(
        "sweep.toml",
        format!("disabled_rules = [\"{stripe_rule}\"]\n"),
    );
    let configured = org.sweep(&["--config", "sweep.toml"]);
    let found = secrets(&configured);
    assert!(repos_of(&found, &org.only_b).is_none(), "{found:?}");
    assert!(repos_of(&found, &org.only_a).is_some());
    // A repository's own .keyhound.toml is not read.
    org.tree.write(
        "a/.keyhound.toml",
        format!("disabled_rules = [\"{}\"]\n", rule_of(&org.only_a)),
    );
    commit_all(&org.tree.join("a"), "config");
    assert!(repos_of(&secrets(&org.sweep(&[])), &org.only_a).is_some());

    // With the first report as the baseline, only a new secret is reported.
    org.tree.write("baseline.json", whole.to_string());
    let later = FakeSecrets::new(43).github_pat();
    org.tree.write("b/later.env", format!("TOKEN={later}\n"));
    commit_all(&org.tree.join("b"), "later");
    let run = org.run_org(&[
        "sweep",
        "org",
        "-f",
        "json",
        "--show-secrets",
        "-q",
        "--baseline",
        "baseline.json",
    ]);
    run.expect_code(EXIT_FINDINGS);
    let found = secrets(&run.json());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, later);
}
