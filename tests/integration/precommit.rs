//! keyhound as a pre-commit hook, driven by the real `pre-commit` tool: a
//! commit adding a secret is refused, a clean one goes through. pre-commit is
//! taken from PATH, else installed once into a virtual environment under
//! `CARGO_TARGET_TMPDIR` (`python3 -m venv` + `pip install pre-commit`); when
//! python3, pip or the network are missing the test says so and passes.
//! Also checks the README's snippets against `.pre-commit-hooks.yaml`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};
use std::sync::OnceLock;

use crate::common::{FakeSecrets, Tree};
use crate::git::{Repo, git_available};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn succeeded(program: &Path, args: &[&str]) -> bool {
    Process::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The `pre-commit` executable, or why there is none.
fn pre_commit() -> Result<PathBuf, String> {
    static TOOL: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    TOOL.get_or_init(find_or_install_pre_commit).clone()
}

fn find_or_install_pre_commit() -> Result<PathBuf, String> {
    let on_path = PathBuf::from("pre-commit");
    if succeeded(&on_path, &["--version"]) {
        return Ok(on_path);
    }
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-venv");
    let bin = |venv: &Path, name: &str| {
        if cfg!(windows) {
            venv.join("Scripts").join(format!("{name}.exe"))
        } else {
            venv.join("bin").join(name)
        }
    };
    if succeeded(&bin(&venv, "pre-commit"), &["--version"]) {
        return Ok(bin(&venv, "pre-commit"));
    }
    let python = PathBuf::from("python3");
    if !succeeded(&python, &["--version"]) {
        return Err("python3 is not installed".into());
    }
    // Built where it stays: a virtual environment cannot be moved (its
    // scripts' `#!` lines name the directory it was made in). One test
    // process asks once (the OnceLock above); a broken leftover is replaced.
    let _ = fs::remove_dir_all(&venv);
    let venv_made = Process::new(&python)
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .map_err(|err| format!("python3 -m venv: {err}"))?;
    if !venv_made.status.success() {
        let _ = fs::remove_dir_all(&venv);
        return Err(format!(
            "python3 -m venv failed: {}",
            String::from_utf8_lossy(&venv_made.stderr).trim()
        ));
    }
    let pip = Process::new(bin(&venv, "python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--timeout",
            "20",
            "--retries",
            "1",
            "pre-commit",
        ])
        .output()
        .map_err(|err| format!("pip: {err}"))?;
    if !pip.status.success() {
        let _ = fs::remove_dir_all(&venv);
        return Err(format!(
            "pip install pre-commit failed (no network?): {}",
            String::from_utf8_lossy(&pip.stderr).trim()
        ));
    }
    Ok(bin(&venv, "pre-commit"))
}

/// Runs `program ARGS` in `dir` with git isolated from the user's
/// configuration (as `crate::git` does) and pre-commit's cache in `home`.
fn run(program: &Path, dir: &Path, home: &Path, args: &[&str]) -> Output {
    run_with(program, dir, home, args, &[])
}

/// [`run`] with extra environment variables.
fn run_with(
    program: &Path,
    dir: &Path,
    home: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let git_config = home.join("gitconfig");
    if !git_config.exists() {
        fs::write(&git_config, "").expect("write an empty git config");
    }
    let mut cmd = Process::new(program);
    cmd.env_remove("SKIP");
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", &git_config)
        .env("GIT_AUTHOR_NAME", "Alice Dev")
        .env("GIT_AUTHOR_EMAIL", "alice.dev@example.test")
        .env("GIT_COMMITTER_NAME", "Committer")
        .env("GIT_COMMITTER_EMAIL", "committer@example.test")
        .env("PRE_COMMIT_HOME", home.join("pre-commit-cache"))
        .env("PRE_COMMIT_COLOR", "never")
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|err| panic!("{} runs: {err}", program.display()))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `entry:` value for pre-commit (shlex-split): the built binary, quoted when needed.
fn entry() -> String {
    let bin = env!("CARGO_BIN_EXE_keyhound");
    let quoted = if bin.contains(|c: char| c.is_whitespace() || c == '\'' || c == '"') {
        format!("'{}'", bin.replace('\'', "'\"'\"'"))
    } else {
        bin.to_string()
    };
    format!("{quoted} scan --staged")
}

#[test]
fn pre_commit_blocks_a_secret_and_lets_a_clean_commit_through() {
    if !git_available() {
        return;
    }
    let tool = match pre_commit() {
        Ok(tool) => tool,
        Err(why) => {
            eprintln!("skipping: pre-commit is not available: {why}");
            return;
        }
    };
    let home = Tree::new();
    let mut repo = Repo::new();
    // The README's `repo: local` variant, pointing at the binary under test.
    repo.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: local\n    hooks:\n      - id: keyhound\n        name: keyhound\n        entry: {}\n        language: system\n        pass_filenames: false\n        always_run: true\n",
            entry()
        ),
    );
    repo.write("README.md", "# app\n");
    repo.commit("initial", "Bob Builder");
    let git = PathBuf::from("git");
    let install = run(&tool, repo.path(), home.path(), &["install"]);
    assert!(
        install.status.success(),
        "pre-commit install: {}",
        text(&install)
    );

    // A commit adding a secret is refused.
    let mut secrets = FakeSecrets::new(801);
    let token = secrets.github_pat();
    repo.write("config/app.env", &format!("GITHUB_TOKEN={token}\n"));
    repo.git(&["add", "config/app.env"]);
    let blocked = run(
        &git,
        repo.path(),
        home.path(),
        &["commit", "-q", "-m", "add settings"],
    );
    let output = text(&blocked);
    assert!(
        !blocked.status.success(),
        "the commit went through:\n{output}"
    );
    assert!(output.contains("keyhound"), "{output}");
    assert!(output.contains("Failed"), "{output}");
    assert!(output.contains("github.pat-classic"), "{output}");
    assert!(output.contains("config/app.env:1"), "{output}");
    assert!(
        output.contains("keyhound: commit blocked: the staged changes add a secret"),
        "the hook says why the commit was refused and what to do:\n{output}"
    );
    assert!(
        !output.contains(&token),
        "the secret is redacted:\n{output}"
    );
    let head = repo.git(&["log", "--format=%s", "-1"]);
    assert_eq!(head.trim(), "initial", "nothing was committed");
    // A clean commit goes through.
    repo.git(&["rm", "-q", "--cached", "config/app.env"]);
    fs::remove_file(repo.path().join("config/app.env")).expect("remove the secret");
    repo.write(
        "src/lib.rs",
        "pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n",
    );
    repo.git(&["add", "src/lib.rs"]);
    let clean = run(
        &git,
        repo.path(),
        home.path(),
        &["commit", "-q", "-m", "add code"],
    );
    assert!(
        clean.status.success(),
        "clean commit refused:\n{}",
        text(&clean)
    );
    assert!(text(&clean).contains("Passed"), "{}", text(&clean));
    let head = repo.git(&["log", "--format=%s", "-1"]);
    assert_eq!(head.trim(), "add code");

    // SKIP=keyhound lets a flagged commit through (what the README says).
    repo.write("config/app.env", &format!("GITHUB_TOKEN={token}\n"));
    repo.git(&["add", "config/app.env"]);
    let forced = run_with(
        &git,
        repo.path(),
        home.path(),
        &["commit", "-q", "-m", "fixture with a fake token"],
        &[("SKIP", "keyhound")],
    );
    assert!(
        forced.status.success(),
        "SKIP=keyhound did not skip:\n{}",
        text(&forced)
    );
    assert!(text(&forced).contains("Skipped"), "{}", text(&forced));

    // The published hook manifest is valid for pre-commit.
    let manifest = repo_root().join(".pre-commit-hooks.yaml");
    let manifest = manifest.to_string_lossy().into_owned();
    let valid = run(
        &tool,
        repo.path(),
        home.path(),
        &["validate-manifest", &manifest],
    );
    assert!(
        valid.status.success(),
        "validate-manifest: {}",
        text(&valid)
    );
}

/// `key: value` of the first hook in `.pre-commit-hooks.yaml` (a line scan).
fn hook_field(manifest: &str, key: &str) -> String {
    manifest
        .lines()
        .map(|line| line.trim_start_matches(['-', ' ']))
        .find_map(|line| line.strip_prefix(&format!("{key}:")))
        .map(|value| value.trim().trim_matches('"').to_string())
        .unwrap_or_else(|| panic!(".pre-commit-hooks.yaml has no {key}"))
}

#[test]
fn readme_snippets_match_the_hook_manifest() {
    let manifest = fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml"))
        .expect("read .pre-commit-hooks.yaml");
    let id = hook_field(&manifest, "id");
    let hook_entry = hook_field(&manifest, "entry");
    assert_eq!(id, "keyhound");
    assert_eq!(hook_entry, "keyhound scan --staged");
    assert_eq!(hook_field(&manifest, "language"), "rust");
    assert_eq!(hook_field(&manifest, "pass_filenames"), "false");

    let readme = fs::read_to_string(repo_root().join("README.md")).expect("read README.md");
    let start = readme
        .find("\n## Use as a pre-commit hook\n")
        .expect("README section \"Use as a pre-commit hook\"");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let remote = section
        .split("```yaml")
        .nth(1)
        .expect("a pre-commit snippet using the published hook");
    assert!(remote.contains("- repo: https://github.com/"), "{remote}");
    assert!(remote.contains(&format!("- id: {id}")), "{remote}");
    let local = section
        .split("```yaml")
        .nth(2)
        .expect("a `repo: local` snippet");
    assert!(local.contains("- repo: local"), "{local}");
    assert!(local.contains(&format!("- id: {id}")), "{local}");
    assert!(local.contains(&format!("entry: {hook_entry}")), "{local}");
    assert!(local.contains("language: system"), "{local}");
    assert!(local.contains("pass_filenames: false"), "{local}");
}
