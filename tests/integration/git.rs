//! Git sources: history with provenance, staged changes, ranges, odd repositories.
//! Repositories are built at test time with the `git` command line; when git is
//! not installed the tests say so and pass.

use std::path::Path;
use std::process::Command as Process;

use serde_json::Value;

use crate::common::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, FakeSecrets, Run, Tree, parse_json};

/// A throwaway repository driven by the real `git`, with fixed identities and dates.
pub(crate) struct Repo {
    tree: Tree,
    clock: u64,
}

pub(crate) fn git_available() -> bool {
    let ok = Process::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("git is not installed: skipping this git test");
    }
    ok
}

impl Repo {
    pub(crate) fn new() -> Self {
        let repo = Repo {
            tree: Tree::new(),
            clock: 1_700_000_000,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub(crate) fn path(&self) -> &Path {
        self.tree.path()
    }

    /// Runs git in the repository; panics with its output on failure.
    #[track_caller]
    pub(crate) fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args, self.clock)
    }

    pub(crate) fn write(&self, rel: &str, contents: &str) {
        self.tree.write(rel, contents);
    }

    /// Stages everything and commits as `author` one minute after the last commit.
    #[track_caller]
    pub(crate) fn commit(&mut self, message: &str, author: &str) -> String {
        self.clock += 60;
        self.git(&["add", "-A"]);
        let identity = format!(
            "{author} <{}@example.test>",
            author.to_lowercase().replace(' ', ".")
        );
        self.git(&[
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
            "--author",
            &identity,
        ]);
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    fn scan(&self, args: &[&str]) -> Run {
        self.tree.run(args)
    }
}

#[track_caller]
pub(crate) fn git_in(dir: &Path, args: &[&str], clock: u64) -> String {
    let date = format!("@{clock} +0000");
    let output = Process::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", empty_config())
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .env("GIT_COMMITTER_NAME", "Committer")
        .env("GIT_COMMITTER_EMAIL", "committer@example.test")
        .env("GIT_AUTHOR_NAME", "Default Author")
        .env("GIT_AUTHOR_EMAIL", "default@example.test")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An empty file for `GIT_CONFIG_GLOBAL`, so the user's git configuration does
/// not leak into the tests (not `/dev/null`: other tools have been seen
/// replacing it with a regular file).
fn empty_config() -> &'static Path {
    static CONFIG: std::sync::OnceLock<tempfile::NamedTempFile> = std::sync::OnceLock::new();
    CONFIG
        .get_or_init(|| tempfile::NamedTempFile::new().expect("create an empty git config"))
        .path()
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings array")
}

fn secret_env(secret: &str) -> String {
    format!("# service settings\nSTRIPE_KEY={secret}\n")
}

/// A repository whose second commit (by Alice Dev) adds a Stripe key in
/// `config/app.env` and whose third deletes it: `(repo, key, second commit)`.
fn repo_with_deleted_secret(seed: u64) -> (Repo, String, String) {
    let mut secrets = FakeSecrets::new(seed);
    let stripe = secrets.stripe_live();
    let mut repo = Repo::new();
    repo.write("README.md", "# app\n");
    repo.commit("initial", "Bob Builder");
    repo.write("config/app.env", &secret_env(&stripe));
    let introducing = repo.commit("add app settings", "Alice Dev");
    std::fs::remove_file(repo.path().join("config/app.env")).expect("remove");
    repo.commit("remove settings", "Bob Builder");
    (repo, stripe, introducing)
}

#[test]
fn deleted_secret_is_found_with_its_introducing_commit() {
    if !git_available() {
        return;
    }
    let (repo, stripe, introducing) = repo_with_deleted_secret(301);

    // Nothing on disk, the secret only lives in history.
    repo.scan(&["scan", ".", "-q"]).expect_code(EXIT_CLEAN);
    let run = repo.scan(&["scan", "--git", ".", "-f", "json", "--show-secrets"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    crate::report_schema::assert_report_valid(&report);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    let finding = &found[0];
    assert_eq!(finding["secret"], stripe.as_str());
    assert_eq!(finding["present_at_head"], false);
    let location = &finding["locations"][0];
    assert_eq!(location["path"], "config/app.env");
    assert_eq!(location["line"], 2);
    let git = &location["git"];
    assert_eq!(git["commit"], introducing.as_str());
    assert_eq!(git["author_name"], "Alice Dev");
    assert_eq!(git["author_email"], "alice.dev@example.test");
    assert_eq!(git["summary"], "add app settings");
    assert_eq!(git["author_date"], "2023-11-14T22:15:20+00:00");
    assert_eq!(git["present_at_head"], false);
    assert_eq!(report["stats"]["commits"], 3);
    assert_eq!(report["repositories"][0]["branch"], "main");

    // The text report tells the user to rotate.
    let text = repo.scan(&["scan", "--git", "."]);
    assert!(text.stdout.contains("removed from HEAD"), "{}", text.stdout);
    assert!(text.stdout.contains("Alice Dev"), "{}", text.stdout);
}

#[test]
fn blob_id_is_shared_between_disk_and_history() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(302);
    let mut repo = Repo::new();
    repo.write("app.env", &secret_env(&secrets.stripe_live()));
    repo.commit("add", "Alice Dev");
    let disk = repo.scan(&["scan", "app.env", "-f", "json"]).json();
    let history = repo.scan(&["scan", "--git", ".", "-f", "json"]).json();
    let blob = |r: &Value| r["findings"][0]["locations"][0]["blob_id"].clone();
    assert_eq!(blob(&disk), blob(&history));
    let expected = repo.git(&["rev-parse", "HEAD:app.env"]);
    assert_eq!(blob(&history), expected.trim());
    assert_eq!(history["findings"][0]["present_at_head"], true);
}

#[test]
fn same_secret_on_two_branches_is_one_finding_with_two_locations() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(303);
    let stripe = secrets.stripe_live();
    let mut repo = Repo::new();
    repo.write("README.md", "# app\n");
    repo.commit("initial", "Bob Builder");
    repo.git(&["checkout", "-q", "-b", "feature-a"]);
    repo.write("a/settings.env", &secret_env(&stripe));
    repo.commit("feature a", "Alice Dev");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["checkout", "-q", "-b", "feature-b"]);
    repo.write("b/other.env", &format!("KEY={stripe}\n"));
    repo.commit("feature b", "Carol Ops");
    repo.git(&["checkout", "-q", "main"]);

    let report = repo.scan(&["scan", "--git", ".", "-f", "json"]).json();
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    let paths: Vec<&str> = found[0]["locations"]
        .as_array()
        .expect("locations")
        .iter()
        .filter_map(|l| l["path"].as_str())
        .collect();
    assert_eq!(paths, ["a/settings.env", "b/other.env"]);

    // --branch narrows to one branch's history.
    let narrowed = repo
        .scan(&["scan", "--git", ".", "--branch", "feature-b", "-f", "json"])
        .json();
    let locations = &narrowed["findings"][0]["locations"];
    assert_eq!(locations.as_array().map(Vec::len), Some(1));
    assert_eq!(locations[0]["path"], "b/other.env");
    assert_eq!(locations[0]["git"]["author_name"], "Carol Ops");
}

#[test]
fn renamed_file_keeps_both_paths() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(304);
    let mut repo = Repo::new();
    repo.write("old.env", &secret_env(&secrets.stripe_live()));
    let first = repo.commit("add", "Alice Dev");
    repo.git(&["mv", "old.env", "new.env"]);
    let second = repo.commit("rename", "Bob Builder");
    let report = repo.scan(&["scan", "--git", ".", "-f", "json"]).json();
    let locations = report["findings"][0]["locations"]
        .as_array()
        .expect("locations")
        .clone();
    let seen: Vec<(String, String, bool)> = locations
        .iter()
        .map(|l| {
            (
                l["path"].as_str().unwrap_or_default().to_string(),
                l["git"]["commit"].as_str().unwrap_or_default().to_string(),
                l["git"]["present_at_head"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("new.env".to_string(), second, true),
            ("old.env".to_string(), first, true)
        ]
    );
}

#[test]
fn merge_and_tag_only_commits_are_scanned() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(305);
    let merged = secrets.stripe_live();
    let tagged = secrets.github_pat();
    let mut repo = Repo::new();
    repo.write("README.md", "# app\n");
    repo.commit("initial", "Bob Builder");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("topic.env", &secret_env(&merged));
    let topic_commit = repo.commit("topic work", "Alice Dev");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("main.txt", "main work\n");
    repo.commit("main work", "Bob Builder");
    repo.clock += 60;
    repo.git(&["merge", "-q", "--no-ff", "topic", "-m", "merge topic"]);
    // A commit reachable only from a tag.
    repo.git(&["checkout", "-q", "--detach"]);
    repo.write("release.txt", &format!("token: {tagged}\n"));
    repo.commit("release", "Dana Release");
    repo.git(&["tag", "v1"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["branch", "-D", "topic"]);

    let report = repo.scan(&["scan", "--git", ".", "-f", "json"]).json();
    let found = findings(&report);
    let rules: Vec<&str> = found.iter().filter_map(|f| f["rule_id"].as_str()).collect();
    assert!(rules.contains(&"stripe.secret-key-live"), "{report:#}");
    assert!(rules.contains(&"github.pat-classic"), "{report:#}");
    let stripe = found
        .iter()
        .find(|f| f["rule_id"] == "stripe.secret-key-live")
        .expect("stripe");
    assert_eq!(
        stripe["locations"][0]["git"]["commit"],
        topic_commit.as_str()
    );
    assert_eq!(stripe["present_at_head"], true);
    let github = found
        .iter()
        .find(|f| f["rule_id"] == "github.pat-classic")
        .expect("github");
    assert_eq!(github["present_at_head"], false, "the tag is not HEAD");
}

#[test]
fn staged_scan_reports_only_added_lines_of_staged_files() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(306);
    let old = secrets.stripe_live();
    let new = secrets.github_pat();
    let unstaged = secrets.stripe_live();
    let mut repo = Repo::new();
    repo.write("settings.env", &secret_env(&old));
    repo.commit("old secret, already known", "Alice Dev");
    // Staged: one new line with a new secret; the old secret line stays.
    repo.write(
        "settings.env",
        &format!("{}GH_TOKEN={new}\n", secret_env(&old)),
    );
    repo.git(&["add", "settings.env"]);
    // Unstaged: in the work tree only.
    repo.write("scratch.env", &format!("KEY={unstaged}\n"));

    let run = repo.scan(&["scan", "--staged", "-f", "json", "--show-secrets"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["secret"], new.as_str());
    assert_eq!(found[0]["locations"][0]["path"], "settings.env");
    assert_eq!(found[0]["locations"][0]["line"], 3);

    // A clean staged change passes, and text output blocks with a clear message otherwise.
    repo.git(&["reset", "-q"]);
    repo.scan(&["scan", "--staged"]).expect_code(EXIT_CLEAN);
}

#[test]
fn range_scans_only_the_commits_of_the_range() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(307);
    let before = secrets.stripe_live();
    let in_range = secrets.github_pat();
    let mut repo = Repo::new();
    repo.write("a.env", &secret_env(&before));
    let base = repo.commit("before the pull request", "Alice Dev");
    repo.write(
        "a.env",
        &format!("{}TOKEN={in_range}\n", secret_env(&before)),
    );
    repo.commit("pull request commit 1", "Bob Builder");
    repo.write("b.txt", "docs\n");
    let head = repo.commit("pull request commit 2", "Bob Builder");

    let range = format!("{base}..{head}");
    let report = repo
        .scan(&[
            "scan",
            "--git",
            ".",
            "--range",
            &range,
            "-f",
            "json",
            "--show-secrets",
        ])
        .json();
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["secret"], in_range.as_str());
    assert_eq!(
        found[0]["locations"][0]["git"]["summary"],
        "pull request commit 1"
    );
    assert_eq!(report["stats"]["commits"], 2);

    // --range alone implies --git; an all-zero base (new branch) scans everything.
    let zero = format!("{}..{head}", "0".repeat(40));
    let all = repo.scan(&["scan", "--range", &zero, "-f", "json"]).json();
    assert_eq!(findings(&all).len(), 2, "{all:#}");

    // BASE == HEAD: nothing to scan, exit 0 with a message.
    let same = repo.scan(&["scan", "--range", &format!("{head}..{head}")]);
    same.expect_code(EXIT_CLEAN);
    assert!(same.stderr.contains("nothing to scan"), "{}", same.stderr);

    // An unknown base is a clear error.
    let bad = repo.scan(&["scan", "--range", "no-such-ref..HEAD"]);
    bad.expect_code(EXIT_ERROR);
    assert!(bad.stderr.contains("no-such-ref"), "{}", bad.stderr);
}

#[test]
fn since_and_max_commits_narrow_history() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(308);
    let mut repo = Repo::new();
    repo.write("old.env", &secret_env(&secrets.stripe_live()));
    repo.commit("old", "Alice Dev");
    repo.clock += 86_400 * 30;
    repo.write("new.env", &format!("TOKEN={}\n", secrets.github_pat()));
    repo.commit("new", "Bob Builder");
    let newest_only = repo
        .scan(&["scan", "--git", ".", "--max-commits", "1", "-f", "json"])
        .json();
    assert_eq!(findings(&newest_only).len(), 1);
    assert_eq!(
        newest_only["findings"][0]["locations"][0]["path"],
        "new.env"
    );
    let since = repo
        .scan(&["scan", "--git", ".", "--since", "2023-12-01", "-f", "json"])
        .json();
    assert_eq!(findings(&since).len(), 1);
    assert_eq!(since["findings"][0]["locations"][0]["path"], "new.env");
    let all = repo.scan(&["scan", "--git", ".", "-f", "json"]).json();
    assert_eq!(findings(&all).len(), 2);
}

#[test]
fn replace_refs_do_not_hide_history() {
    if !git_available() {
        return;
    }
    let (repo, _, introducing) = repo_with_deleted_secret(311);
    // `git replace` makes git show a clean, parentless commit in place of the
    // one that added the secret; the scan reads what is stored.
    let empty_tree = repo.git(&["hash-object", "-t", "tree", "-w", "--stdin"]);
    let empty_tree = empty_tree.trim();
    let decoy = repo.git(&["commit-tree", empty_tree, "-m", "nothing here"]);
    repo.git(&["replace", &introducing, decoy.trim()]);
    assert!(
        !repo
            .git(&["log", "--format=%s"])
            .contains("add app settings")
    );

    let run = repo.scan(&["scan", "--git", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    let git = &found[0]["locations"][0]["git"];
    assert_eq!(git["commit"], introducing.as_str(), "{report:#}");
    assert_eq!(git["author_name"], "Alice Dev");
}

#[test]
fn empty_bare_and_shallow_repositories() {
    if !git_available() {
        return;
    }
    // Empty repository: nothing to scan, exit 0.
    let empty = Repo::new();
    empty.scan(&["scan", "--git", "."]).expect_code(EXIT_CLEAN);
    empty.scan(&["scan", "--staged"]).expect_code(EXIT_CLEAN);

    let mut secrets = FakeSecrets::new(309);
    let mut repo = Repo::new();
    repo.write("first.env", &secret_env(&secrets.stripe_live()));
    repo.commit("first", "Alice Dev");
    repo.write("second.env", &format!("TOKEN={}\n", secrets.github_pat()));
    repo.commit("second", "Bob Builder");

    let clones = Tree::new();
    let source = format!("file://{}", repo.path().display());
    git_in(
        clones.path(),
        &["clone", "-q", "--bare", &source, "bare.git"],
        0,
    );
    git_in(
        clones.path(),
        &["clone", "-q", "--depth", "1", &source, "shallow"],
        0,
    );

    let bare = crate::common::run_in(clones.path(), &["scan", "--git", "bare.git", "-f", "json"]);
    bare.expect_code(EXIT_FINDINGS);
    assert_eq!(findings(&bare.json()).len(), 2);

    let shallow = crate::common::run_in(clones.path(), &["scan", "--git", "shallow", "-f", "json"]);
    shallow.expect_code(EXIT_FINDINGS);
    let report = shallow.json();
    // The shallow clone has both files at its only commit.
    assert_eq!(findings(&report).len(), 2, "{report:#}");
    let notes = report["notes"].as_array().expect("notes");
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().is_some_and(|s| s.contains("shallow"))),
        "{report:#}"
    );

    // A `--shared` clone holds no objects of its own: they are in the source's
    // pack, read through `objects/info/alternates`.
    repo.git(&["gc", "-q"]);
    let source_path = repo.path().display().to_string();
    git_in(
        clones.path(),
        &[
            "clone",
            "-q",
            "--shared",
            "--bare",
            &source_path,
            "shared.git",
        ],
        0,
    );
    let shared = crate::common::run_in(
        clones.path(),
        &["scan", "--git", "shared.git", "-f", "json"],
    );
    shared.expect_code(EXIT_FINDINGS);
    let report = shared.json();
    assert_eq!(findings(&report).len(), 2, "{report:#}");
    assert_eq!(
        report["errors"].as_array().map(Vec::len),
        Some(0),
        "{report:#}"
    );
}

#[test]
fn corrupt_object_is_reported_and_the_scan_goes_on() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(310);
    let mut repo = Repo::new();
    repo.write("good.env", &secret_env(&secrets.stripe_live()));
    repo.write("victim.txt", "this blob will be corrupted on disk\n");
    repo.commit("add", "Alice Dev");
    let victim = repo.git(&["rev-parse", "HEAD:victim.txt"]);
    let victim = victim.trim();
    let object = repo
        .path()
        .join(".git/objects")
        .join(&victim[..2])
        .join(&victim[2..]);
    let mut permissions = std::fs::metadata(&object)
        .expect("loose object")
        .permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&object, permissions).expect("make writable");
    std::fs::write(&object, b"\x78\x9cthis is not zlib data at all").expect("corrupt");

    let run = repo.scan(&["scan", "--git", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(findings(&report).len(), 1, "the good blob is still scanned");
    let errors = report["errors"].as_array().expect("errors");
    assert!(
        errors
            .iter()
            .any(|e| e["message"].as_str().is_some_and(|m| m.contains(victim))),
        "{report:#}"
    );
    assert!(run.stderr.contains(victim), "{}", run.stderr);
}

#[test]
fn not_a_repository_is_a_clear_error() {
    let tree = Tree::new();
    tree.write("file.txt", "hello\n");
    let run = tree.run(&["scan", "--git", "."]);
    run.expect_code(EXIT_ERROR);
    assert!(
        run.stderr.contains("not a git repository"),
        "{}",
        run.stderr
    );
    let staged = tree.run(&["scan", "--staged"]);
    staged.expect_code(EXIT_ERROR);
}

#[test]
fn git_sarif_has_commit_properties_and_version_control_provenance() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(311);
    let mut repo = Repo::new();
    repo.write("app.env", &secret_env(&secrets.stripe_live()));
    let commit = repo.commit("add", "Alice Dev");
    let run = repo.scan(&["scan", "--git", ".", "-f", "sarif"]);
    run.expect_code(EXIT_FINDINGS);
    let log = parse_json(&run.stdout);
    crate::sarif::assert_schema_valid(&log, "git scan");
    let run0 = &log["runs"][0];
    assert_eq!(run0["results"][0]["properties"]["commit"], commit.as_str());
    assert_eq!(
        run0["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app.env"
    );
    let provenance = &run0["versionControlProvenance"][0];
    assert_eq!(provenance["revisionId"], commit.as_str());
    assert_eq!(provenance["branch"], "main");
    assert!(
        provenance["repositoryUri"]
            .as_str()
            .is_some_and(|u| u.starts_with("file://"))
    );
}

#[test]
fn submodules_are_skipped_with_a_note() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(312);
    let mut inner = Repo::new();
    inner.write("inner.env", &secret_env(&secrets.stripe_live()));
    inner.commit("inner", "Alice Dev");
    let mut outer = Repo::new();
    outer.write("README.md", "# outer\n");
    outer.commit("initial", "Bob Builder");
    let url = format!("file://{}", inner.path().display());
    outer.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        &url,
        "vendor/inner",
    ]);
    outer.commit("add submodule", "Bob Builder");

    let run = outer.scan(&["scan", "--git", ".", "-f", "json"]);
    run.expect_code(EXIT_CLEAN);
    let report = run.json();
    let notes = report["notes"].as_array().expect("notes");
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().is_some_and(|s| s.contains("submodule"))),
        "{report:#}"
    );
}

#[test]
fn dangling_blob_is_reported_without_a_path() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(313);
    let mut repo = Repo::new();
    repo.write("README.md", "# app\n");
    repo.commit("initial", "Alice Dev");
    // Written to the object database, never committed: no ref reaches it.
    repo.write("loose.env", &secret_env(&secrets.stripe_live()));
    let blob = repo.git(&["hash-object", "-w", "loose.env"]);
    std::fs::remove_file(repo.path().join("loose.env")).expect("remove");

    let report = repo.scan(&["scan", "--git", ".", "-f", "json"]).json();
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    let location = &found[0]["locations"][0];
    assert_eq!(location["path"], "");
    assert_eq!(location["blob_id"], blob.trim());
    assert!(location.get("git").is_none(), "{report:#}");
    // SARIF has no location to show, so the result is left out, and the log stays valid.
    let log = parse_json(&repo.scan(&["scan", "--git", ".", "-f", "sarif"]).stdout);
    crate::sarif::assert_schema_valid(&log, "dangling blob");
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(0));
}

#[test]
fn packed_history_is_scanned_once_and_a_damaged_pack_is_read_object_by_object() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(312);
    let (first, second) = (secrets.stripe_live(), secrets.stripe_live());
    let mut repo = Repo::new();
    for i in 0..20 {
        repo.write(&format!("src/file{i}.txt"), &format!("plain text {i}\n"));
    }
    repo.write("config/app.env", &secret_env(&first));
    repo.commit("add settings", "Alice Dev");
    repo.git(&["gc", "-q"]);
    std::fs::remove_file(repo.path().join("config/app.env")).expect("remove");
    repo.write("config/other.env", &secret_env(&second));
    repo.commit("swap settings", "Bob Builder");
    // A second pack beside the first (incremental repack), one object in both.
    repo.git(&["repack", "-q"]);

    let run = repo.scan(&["scan", "--git", ".", "-f", "json", "--show-secrets"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    let found = findings(&report);
    assert_eq!(found.len(), 2, "{report:#}");
    let removed = found
        .iter()
        .find(|f| f["secret"] == first.as_str())
        .expect("the removed secret");
    assert_eq!(removed["present_at_head"], false);
    assert_eq!(removed["locations"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(0));

    // Truncate the older pack: its traversal fails, its objects are read one by
    // one (the readable ones still scanned), and the run reports it and goes on.
    let pack_dir = repo.path().join(".git/objects/pack");
    let mut packs: Vec<_> = std::fs::read_dir(&pack_dir)
        .expect("pack dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pack"))
        .collect();
    packs.sort_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0));
    let biggest = packs.last().expect("a pack");
    let length = std::fs::metadata(biggest).expect("pack").len();
    let mut permissions = std::fs::metadata(biggest).expect("pack").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(biggest, permissions).expect("make writable");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(biggest)
        .expect("open pack");
    file.set_len(length / 2).expect("truncate");
    drop(file);

    let run = repo.scan(&["scan", "--git", ".", "-f", "json"]);
    assert!(
        run.code == Some(EXIT_CLEAN) || run.code == Some(EXIT_FINDINGS),
        "{}",
        run.stderr
    );
    let report = run.json();
    let errors = report["errors"].as_array().expect("errors");
    assert!(!errors.is_empty(), "{report:#}");
    assert!(run.stderr.contains("one by one"), "{}", run.stderr);
}
