//! The GitHub Action (`action.yml` + `action/run.sh`), run locally with the
//! environment GitHub sets, against temporary repositories; and the README's
//! workflow snippet checked against `action.yml`. Skips (with a message) when
//! `bash` or `git` is missing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use serde_json::{Value, json};

use crate::common::{FakeSecrets, Tree, parse_json};
use crate::git::{Repo, git_available};

const ZERO: &str = "0000000000000000000000000000000000000000";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bash_available() -> bool {
    let ok = Process::new("bash")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipping: bash is not installed");
    }
    ok
}

/// What one run of `action/run.sh scan` left behind.
struct ActionRun {
    code: Option<i32>,
    log: String,
    /// `$GITHUB_OUTPUT` as `name=value` pairs.
    outputs: Vec<(String, String)>,
    /// `$GITHUB_STEP_SUMMARY`.
    summary: String,
    /// `keyhound.sarif`, when written.
    sarif: Option<Value>,
}

impl ActionRun {
    fn output(&self, name: &str) -> Option<&str> {
        self.outputs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    #[track_caller]
    fn expect(&self, code: i32, findings: &str) {
        assert_eq!(self.code, Some(code), "{}", self.log);
        assert_eq!(self.output("findings"), Some(findings), "{}", self.log);
        assert_eq!(
            self.output("exit-code"),
            Some(code.to_string().as_str()),
            "{}",
            self.log
        );
    }

    /// Rule ids of the SARIF results, sorted and deduplicated.
    fn sarif_rules(&self) -> Vec<String> {
        let sarif = self.sarif.as_ref().expect("a SARIF report");
        let mut rules: Vec<String> = sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|r| r["ruleId"].as_str().map(str::to_string))
            .collect();
        rules.sort();
        rules.dedup();
        rules
    }
}

/// Runs `action/run.sh scan` in `workspace` for `event` with payload `payload`,
/// using the already built binary (no cargo install).
fn run_action(
    workspace: &Path,
    event: &str,
    payload: &Value,
    extra_env: &[(&str, &str)],
) -> ActionRun {
    let scratch = Tree::new();
    let event_path = scratch.write("event.json", payload.to_string());
    let output_file = scratch.write("github_output", "");
    let summary_file = scratch.write("step_summary", "");
    let out_dir = scratch.mkdir("out");
    let git_config = scratch.write("gitconfig", "");
    let mut cmd = Process::new("bash");
    cmd.arg(repo_root().join("action/run.sh")).arg("scan");
    // Nothing from a surrounding CI job may leak in.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if ["GITHUB_", "RUNNER_", "INPUT_", "KEYHOUND_"]
            .iter()
            .any(|prefix| key.starts_with(prefix))
        {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(scratch.path())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", event)
        .env("GITHUB_EVENT_PATH", &event_path)
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_STEP_SUMMARY", &summary_file)
        .env("GITHUB_WORKSPACE", workspace)
        .env("KEYHOUND_BIN", env!("CARGO_BIN_EXE_keyhound"))
        .env("KEYHOUND_OUTPUT_DIR", &out_dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", &git_config)
        .env("NO_COLOR", "1");
    for (key, value) in extra_env {
        cmd.env(key, value);
    }
    let output = cmd.output().expect("bash runs");
    let log = format!(
        "--- stdout ---\n{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let outputs = fs::read_to_string(&output_file)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let sarif_path = out_dir.join("keyhound.sarif");
    let sarif = sarif_path
        .exists()
        .then(|| parse_json(&fs::read_to_string(&sarif_path).unwrap_or_default()));
    ActionRun {
        code: output.status.code(),
        log,
        outputs,
        summary: fs::read_to_string(&summary_file).unwrap_or_default(),
        sarif,
    }
}

/// A repository whose base commit holds an OLD Stripe key and whose head
/// commit adds a NEW GitHub token. Returns `(repo, base, head, old, new)`.
fn pr_repo(seed: u64) -> (Repo, String, String, String, String) {
    let mut secrets = FakeSecrets::new(seed);
    let old = secrets.stripe_live();
    let new = secrets.github_pat();
    let mut repo = Repo::new();
    repo.write("README.md", "# app\n");
    repo.write("config/old.env", &format!("STRIPE_KEY={old}\n"));
    let base = repo.commit("base with an old secret", "Bob Builder");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/new.env", &format!("GITHUB_TOKEN={new}\n"));
    let head = repo.commit("add a new secret", "Alice Dev");
    (repo, base, head, old, new)
}

fn pull_request(base: &str, head: &str) -> Value {
    json!({
        "action": "synchronize",
        "pull_request": {"base": {"sha": base}, "head": {"sha": head}},
    })
}

fn available() -> bool {
    bash_available() && git_available()
}

#[test]
fn pull_request_reports_only_the_new_secret() {
    if !available() {
        return;
    }
    let (repo, base, head, old, new) = pr_repo(701);
    let run = run_action(
        repo.path(),
        "pull_request",
        &pull_request(&base, &head),
        &[],
    );
    run.expect(1, "1");
    assert_eq!(run.sarif_rules(), ["github.pat-classic"], "{}", run.log);
    let sarif = run.sarif.as_ref().map(Value::to_string).unwrap_or_default();
    assert!(sarif.contains("src/new.env"), "{sarif}");
    assert!(!sarif.contains("config/old.env"), "{sarif}");
    assert!(
        !sarif.contains(&new) && !sarif.contains(&old),
        "secrets are redacted"
    );
    assert_eq!(
        run.output("sarif").map(|p| p.ends_with("keyhound.sarif")),
        Some(true),
        "{}",
        run.log
    );
    // The step summary: what was scanned, then the table.
    assert!(
        run.summary
            .contains(&format!("pull request: commits {base}..{head}")),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("## keyhound: 1 secret found"),
        "{}",
        run.summary
    );
    assert!(
        run.summary
            .contains("| Severity | Confidence | Rule | Secret | Location | Commit |"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("`src/new.env:1`"), "{}", run.summary);
    assert!(
        run.summary.contains(&format!("`{}`", &head[..7])),
        "{}",
        run.summary
    );
    assert!(!run.summary.contains(&new), "{}", run.summary);
    // A GitHub error annotation says why the step failed.
    assert!(
        run.log
            .contains("::error title=keyhound::keyhound found 1 new secret"),
        "{}",
        run.log
    );
}

#[test]
fn clean_pull_request_passes() {
    if !available() {
        return;
    }
    let (mut repo, _, head, _, _) = pr_repo(702);
    repo.write("docs/usage.md", "# Usage\n\nRun it.\n");
    let clean = repo.commit("docs", "Alice Dev");
    let run = run_action(
        repo.path(),
        "pull_request",
        &pull_request(&head, &clean),
        &[],
    );
    run.expect(0, "0");
    assert_eq!(run.sarif_rules(), Vec::<String>::new());
    assert!(
        run.summary.contains("## keyhound: No secrets found"),
        "{}",
        run.summary
    );
}

#[test]
fn push_events_scan_the_pushed_commits() {
    if !available() {
        return;
    }
    let (repo, base, head, _, _) = pr_repo(703);
    let push = |before: &str| {
        json!({
            "ref": "refs/heads/feature",
            "before": before,
            "after": head,
            "deleted": false,
            "repository": {"default_branch": "main"},
        })
    };
    let run = run_action(repo.path(), "push", &push(&base), &[]);
    run.expect(1, "1");
    assert_eq!(run.sarif_rules(), ["github.pat-classic"]);

    // A new branch (`before` all zeros) without the default branch in the
    // clone: all of the branch's history, so the old secret too.
    let run = run_action(repo.path(), "push", &push(ZERO), &[]);
    run.expect(1, "2");
    assert_eq!(
        run.sarif_rules(),
        ["github.pat-classic", "stripe.secret-key-live"]
    );
    assert!(run.summary.contains("all history of"), "{}", run.summary);

    // With origin/main in the clone (as actions/checkout with fetch-depth: 0
    // leaves it): only what the branch adds over main.
    repo.git(&["update-ref", "refs/remotes/origin/main", &base]);
    let run = run_action(repo.path(), "push", &push(ZERO), &[]);
    run.expect(1, "1");
    assert_eq!(run.sarif_rules(), ["github.pat-classic"]);
    assert!(
        run.summary.contains("commits not on main"),
        "{}",
        run.summary
    );

    // Deleting a branch scans nothing.
    let deleted =
        json!({"ref": "refs/heads/feature", "before": head, "after": ZERO, "deleted": true});
    let run = run_action(repo.path(), "push", &deleted, &[]);
    run.expect(0, "0");
    assert!(run.sarif.is_none(), "{}", run.log);
}

#[test]
fn other_events_scan_the_work_tree() {
    if !available() {
        return;
    }
    let (repo, _, _, _, _) = pr_repo(704);
    let run = run_action(repo.path(), "workflow_dispatch", &json!({}), &[]);
    run.expect(1, "2");
    assert!(
        run.summary.contains("the whole work tree"),
        "{}",
        run.summary
    );
    // Extra arguments go through: one per line.
    let run = run_action(
        repo.path(),
        "workflow_dispatch",
        &json!({}),
        &[("INPUT_ARGS", "--min-confidence\nhigh\n")],
    );
    assert_eq!(run.code, Some(1), "{}", run.log);
    assert!(run.log.contains("--min-confidence high"), "{}", run.log);
}

#[test]
fn a_missing_base_is_a_clear_error() {
    if !available() {
        return;
    }
    let (repo, _, head, _, _) = pr_repo(705);
    let run = run_action(
        repo.path(),
        "pull_request",
        &pull_request(&"1".repeat(40), &head),
        &[],
    );
    assert_eq!(run.code, Some(2), "{}", run.log);
    assert!(run.log.contains("fetch-depth: 0"), "{}", run.log);
}

/// `key:` entries directly under the top-level `section:` of a YAML file
/// (two-space indentation, as `action.yml` is written).
fn yaml_keys(yaml: &str, section: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut inside = false;
    for line in yaml.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            inside = line.trim_end() == format!("{section}:");
            continue;
        }
        if inside {
            if let Some(key) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':')) {
                if !key.starts_with(' ') && !key.starts_with('#') {
                    keys.push(key.to_string());
                }
            }
        }
    }
    keys
}

fn read(rel: &str) -> String {
    fs::read_to_string(repo_root().join(rel)).unwrap_or_else(|err| panic!("{rel}: {err}"))
}

/// The fenced code blocks of a README section (`## title` up to the next `## `).
fn section_blocks(readme: &str, title: &str) -> Vec<String> {
    let start = readme
        .find(&format!("\n## {title}\n"))
        .unwrap_or_else(|| panic!("README has no section {title:?}"));
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in rest[..end].lines() {
        if line.starts_with("```") {
            match current.take() {
                Some(block) => blocks.push(block),
                None => current = Some(String::new()),
            }
        } else if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks
}

#[test]
fn readme_workflow_uses_only_real_inputs() {
    let action = read("action.yml");
    let inputs = yaml_keys(&action, "inputs");
    assert_eq!(
        inputs,
        ["args", "baseline", "config", "fail-on", "sarif-upload"]
    );
    let outputs = yaml_keys(&action, "outputs");
    assert!(outputs.contains(&"findings".to_string()) && outputs.contains(&"sarif".to_string()));
    assert!(action.contains("using: composite"));

    let readme = read("README.md");
    let blocks = section_blocks(&readme, "Use in GitHub Actions");
    let workflow = blocks
        .iter()
        .find(|b| b.contains("uses: keyhound/keyhound@"))
        .expect("a workflow snippet using the action");
    assert!(workflow.contains("fetch-depth: 0"), "{workflow}");
    assert!(workflow.contains("security-events: write"), "{workflow}");
    // The `with:` block of the keyhound step: lines indented deeper than it.
    let ours = &workflow[workflow.find("uses: keyhound/keyhound@").unwrap_or(0)..];
    let mut with_keys = Vec::new();
    let mut with_indent = None;
    for line in ours.lines().skip(1) {
        let indent = line.len() - line.trim_start().len();
        match with_indent {
            None if line.trim() == "with:" => with_indent = Some(indent),
            None => {}
            Some(base) if indent > base => {
                if let Some((key, _)) = line.trim().split_once(':') {
                    with_keys.push(key.to_string());
                }
            }
            Some(_) => break,
        }
    }
    assert!(!with_keys.is_empty(), "{workflow}");
    for key in &with_keys {
        assert!(
            inputs.contains(key),
            "README uses input {key:?} that action.yml lacks"
        );
    }
    // The README's input table lists every input.
    for input in &inputs {
        assert!(
            readme.contains(&format!("| `{input}` |")),
            "README does not describe input {input}"
        );
    }
}

#[test]
fn action_steps_call_run_sh() {
    let action = read("action.yml");
    for mode in ["cache-key", "install", "scan"] {
        assert!(
            action.contains(&format!(
                "run: bash \"$GITHUB_ACTION_PATH/action/run.sh\" {mode}"
            )),
            "action.yml does not run run.sh {mode}"
        );
    }
    assert!(action.contains("github/codeql-action/upload-sarif@v3"));
    let script = read("action/run.sh");
    assert!(script.contains("set -euo pipefail"));
}
