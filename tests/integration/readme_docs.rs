//! The README's "Baselines and ignores" and "Migrating from gitleaks" snippets,
//! and the examples of `docs/CONFIG.md` and `docs/GITLEAKS.md`, run as written
//! against the real binary in temporary trees and repositories: commands are
//! taken from the shell blocks, configuration files are written verbatim, and
//! each does what the text around it says.

use std::fs;
use std::path::PathBuf;

use serde_json::Value;

use crate::common::{
    ACME_RULES, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, FakeSecrets, Run, Tree, github_checksum,
    run_in, run_with_stdin,
};
use crate::git::{Repo, git_available};

const BASE62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER36: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

const BASELINES: &str = "Baselines and ignores";
const GITLEAKS: &str = "Migrating from gitleaks";
/// The rule id the gitleaks example of docs/GITLEAKS.md translates to.
const ACME_GITLEAKS_RULE: &str = "gitleaks.acme-api-key";

fn repo_file(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// One fenced code block: its language and its text, de-indented by the
/// fence's own indentation (blocks inside list items are indented).
#[derive(Debug)]
struct Block {
    lang: String,
    text: String,
}

/// The fenced code blocks between `## title` (or `### title`) and the next
/// heading of the same or a higher level, outside code blocks.
fn section_blocks(markdown: &str, title: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut level: Option<usize> = None;
    let mut open: Option<(usize, Block)> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if let Some((indent, block)) = open.as_mut() {
            if trimmed.starts_with("```") {
                if let Some((_, block)) = open.take() {
                    blocks.push(block);
                }
            } else {
                let cut = line
                    .char_indices()
                    .take_while(|(i, c)| *i < *indent && *c == ' ')
                    .count();
                block.text.push_str(&line[cut..]);
                block.text.push('\n');
            }
            continue;
        }
        if line.starts_with('#') {
            let hashes = line.chars().take_while(|c| *c == '#').count();
            let heading = line[hashes..].trim();
            match level {
                Some(l) if hashes <= l => break,
                None if heading == title => level = Some(hashes),
                _ => {}
            }
            continue;
        }
        if level.is_some() && trimmed.starts_with("```") {
            let indent = line.len() - trimmed.len();
            let lang = trimmed.trim_start_matches('`').trim().to_string();
            open = Some((
                indent,
                Block {
                    lang,
                    text: String::new(),
                },
            ));
        }
    }
    assert!(level.is_some(), "no section {title:?}");
    blocks
}

/// The one block of `lang` in the section (several: the `index`th).
fn block(markdown: &str, title: &str, lang: &str, index: usize) -> String {
    let all: Vec<Block> = section_blocks(markdown, title)
        .into_iter()
        .filter(|b| b.lang == lang)
        .collect();
    match all.into_iter().nth(index) {
        Some(b) => b.text,
        None => panic!("section {title:?} has no {lang} block #{index}"),
    }
}

/// The `keyhound ...` command lines of a shell block, comments removed, as arguments.
fn commands(shell: &str) -> Vec<Vec<String>> {
    shell
        .lines()
        .map(|line| line.split(" #").next().unwrap_or("").trim())
        .filter_map(|line| line.strip_prefix("keyhound "))
        .map(|rest| rest.split_whitespace().map(str::to_string).collect())
        .collect()
}

fn args_of(command: &[String]) -> Vec<&str> {
    command.iter().map(String::as_str).collect()
}

/// The value after `flag` in `command`.
fn flag_value<'a>(command: &'a [String], flag: &str) -> Option<&'a str> {
    command
        .iter()
        .position(|a| a == flag)
        .and_then(|i| command.get(i + 1))
        .map(String::as_str)
}

fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

/// `(rule_id, path, line)` of every location, sorted.
fn locations(report: &Value) -> Vec<(String, String, u64)> {
    let mut all: Vec<(String, String, u64)> = findings(report)
        .iter()
        .flat_map(|f| {
            let rule = f["rule_id"].as_str().unwrap_or_default().to_string();
            f["locations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |l| {
                    (
                        rule.clone(),
                        l["path"].as_str().unwrap_or_default().to_string(),
                        l["line"].as_u64().unwrap_or_default(),
                    )
                })
        })
        .collect();
    all.sort();
    all
}

fn paths(report: &Value) -> Vec<String> {
    let mut all: Vec<String> = locations(report).into_iter().map(|(_, p, _)| p).collect();
    all.sort();
    all.dedup();
    all
}

fn fingerprint_at(report: &Value, path: &str) -> String {
    findings(report)
        .iter()
        .find(|f| f["locations"][0]["path"] == path)
        .and_then(|f| f["fingerprint"].as_str())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no finding at {path}: {report:#}"))
}

/// Runs `command` (with `extra` arguments) in `dir` and parses its JSON report.
#[track_caller]
fn json_run(dir: &std::path::Path, command: &[String], extra: &[&str], code: i32) -> (Run, Value) {
    let mut args = args_of(command);
    args.extend_from_slice(extra);
    let run = run_in(dir, &args);
    run.expect_code(code);
    let report = run.json();
    (run, report)
}

/// A GitHub classic token whose random part starts with `prefix` (valid checksum).
fn github_pat_with_prefix(fake: &mut FakeSecrets, prefix: &str) -> String {
    let random = format!("{prefix}{}", fake.string(BASE62, 30 - prefix.len()));
    format!(
        "{}{random}{}",
        ["gh", "p_"].concat(),
        github_checksum(&random)
    )
}

/// A key for the example gitleaks rule: 32 of `[a-z0-9]`, starting with `prefix`.
fn acme_key(fake: &mut FakeSecrets, prefix: &str) -> String {
    format!("{prefix}{}", fake.string(LOWER36, 32 - prefix.len()))
}

fn acme_line(key: &str) -> String {
    format!("acme_key = \"{key}\"\n")
}

#[test]
fn readme_baseline_commands_work_as_written() {
    let readme = repo_file("README.md");
    let commands = commands(&block(&readme, BASELINES, "sh", 0));
    assert_eq!(commands.len(), 2, "{commands:?}");
    let (create, scan) = (&commands[0], &commands[1]);
    assert_eq!(args_of(&create[..2]), ["baseline", "create"]);
    assert_eq!(scan[0], "scan");
    let file = flag_value(create, "-o").expect("baseline create -o FILE");
    assert_eq!(flag_value(scan, "--baseline"), Some(file));

    let mut fake = FakeSecrets::new(901);
    let (old, new) = (fake.github_pat(), fake.github_pat());
    let tree = Tree::new();
    tree.write("src/app.env", format!("TOKEN={old}\n"));
    let run = tree.run(&args_of(create));
    run.expect_code(EXIT_CLEAN);
    assert!(
        run.stderr.contains("baseline of 1 findings"),
        "{}",
        run.stderr
    );
    let text = fs::read_to_string(tree.join(file)).expect("the baseline file is written");
    assert!(!text.contains(&old), "a baseline holds no secret");
    assert!(!text.contains("\"line\""), "no line numbers: {text}");
    // Nothing new: clean.
    tree.run(&args_of(scan)).expect_code(EXIT_CLEAN);
    // The old secret moved and a new one added: only the new one counts.
    tree.write("src/app.env", format!("# moved down\n\nTOKEN={old}\n"));
    tree.write("src/new.env", format!("TOKEN={new}\n"));
    let (_, report) = json_run(tree.path(), scan, &["-f", "json"], EXIT_FINDINGS);
    assert_eq!(paths(&report), ["src/new.env"]);
    assert_eq!(report["stats"]["suppressed"], 1);
    // "a previous `scan -f json` report works as a baseline too".
    tree.run(&["scan", ".", "-f", "json", "-o", "previous.json"])
        .expect_code(EXIT_FINDINGS);
    tree.run(&["scan", ".", "--baseline", "previous.json"])
        .expect_code(EXIT_CLEAN);
}

#[test]
fn readme_keyhoundignore_lines_suppress_by_fingerprint_prefix() {
    let readme = repo_file("README.md");
    let example = block(&readme, BASELINES, "text", 0);
    let mut fake = FakeSecrets::new(902);
    let (accepted, other) = (fake.github_pat(), fake.github_pat());
    let tree = Tree::new();
    tree.write("a.env", format!("TOKEN={accepted}\n"));
    tree.write("b.env", format!("TOKEN={other}\n"));
    // As written: every line is valid (no "not a fingerprint" note).
    tree.write(".keyhoundignore", &example);
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    assert!(!run.stderr.contains("not a fingerprint"), "{}", run.stderr);
    let report = run.json();
    let real = fingerprint_at(&report, "a.env");
    // The same lines with a real finding's fingerprint, at the length shown.
    let mut replaced = 0;
    let with_real: String = example
        .lines()
        .map(|line| {
            let entry = line.split('#').next().unwrap_or("").trim();
            if entry.is_empty() {
                return format!("{line}\n");
            }
            assert!(
                entry.len() >= 12 && entry.bytes().all(|b| b.is_ascii_hexdigit()),
                "README .keyhoundignore entry {entry:?} is not a fingerprint"
            );
            replaced += 1;
            format!("{}\n", line.replacen(entry, &real[..entry.len()], 1))
        })
        .collect();
    assert_eq!(replaced, 1, "{example}");
    tree.write(".keyhoundignore", with_real);
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    assert_eq!(paths(&run.json()), ["b.env"]);
    assert!(
        run.stderr
            .contains("1 known findings not reported (0 in the baseline, 1 in .keyhoundignore"),
        "{}",
        run.stderr
    );
}

#[test]
fn readme_inline_allow_line_is_not_reported() {
    let readme = repo_file("README.md");
    let example = block(&readme, BASELINES, "python", 0);
    assert!(example.contains("keyhound:allow"), "{example}");
    let placeholder = "ghp_…";
    assert!(example.contains(placeholder), "{example}");
    let mut fake = FakeSecrets::new(903);
    let token = fake.github_pat();
    let line = example.replace(placeholder, &token);
    let tree = Tree::new();
    for (marker, code) in [
        ("keyhound:allow", EXIT_CLEAN),
        ("gitleaks:allow", EXIT_CLEAN),
        ("no marker", EXIT_FINDINGS),
    ] {
        tree.write("tests/fixtures.py", line.replace("keyhound:allow", marker));
        let run = tree.run(&["scan", ".", "-f", "json"]);
        run.expect_code(code);
        let expected = if code == EXIT_CLEAN { 1 } else { 0 };
        assert_eq!(run.json()["stats"]["suppressed"], expected, "{marker}");
    }
}

/// A tree for the README's `.keyhound.toml`: what each of its settings is
/// about, plus one finding none of them touches (`src/real.env`).
fn config_tree(seed: u64) -> Tree {
    let mut fake = FakeSecrets::new(seed);
    let tree = Tree::new();
    tree.write("vendor/lib/a.env", format!("TOKEN={}\n", fake.github_pat()));
    tree.write(
        "app/testdata/b.env",
        format!("TOKEN={}\n", fake.github_pat()),
    );
    tree.write(
        "src/ci.env",
        format!("CI_TOKEN={}\n", github_pat_with_prefix(&mut fake, "CI")),
    );
    tree.write(
        "src/stripe.env",
        format!(
            "STRIPE_KEY={}{}\n",
            ["sk", "test", ""].join("_"),
            fake.string(BASE62, 24)
        ),
    );
    // A lone Twilio API key (its secret part is missing): low confidence.
    tree.write(
        "src/twilio.env",
        format!("TWILIO_API_KEY=SK{}\n", fake.string(HEX, 32)),
    );
    tree.write("src/real.env", format!("TOKEN={}\n", fake.github_pat()));
    tree
}

#[test]
fn readme_keyhound_toml_has_the_documented_effect() {
    let readme = repo_file("README.md");
    let config = block(&readme, BASELINES, "toml", 0);
    let tree = config_tree(904);
    let all = tree.run(&["scan", ".", "-f", "json"]);
    all.expect_code(EXIT_FINDINGS);
    let all = all.json();
    assert_eq!(
        paths(&all),
        [
            "app/testdata/b.env",
            "src/ci.env",
            "src/real.env",
            "src/stripe.env",
            "src/twilio.env",
            "vendor/lib/a.env"
        ],
        "without a configuration everything is reported"
    );
    let twilio = findings(&all)
        .into_iter()
        .find(|f| f["locations"][0]["path"] == "src/twilio.env")
        .unwrap_or_default();
    assert_eq!(twilio["confidence"], "low", "{twilio:#}");
    let stripe = findings(&all)
        .into_iter()
        .find(|f| f["locations"][0]["path"] == "src/stripe.env")
        .unwrap_or_default();
    assert_eq!(stripe["rule_id"], "stripe.secret-key-test");

    tree.write(".keyhound.toml", &config);
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    // vendor/ and testdata/ by path, the CI token by regex, the test-mode key
    // disabled, the low-confidence finding below min_confidence.
    assert_eq!(paths(&report), ["src/real.env"], "{report:#}");
    assert_eq!(report["stats"]["suppressed"], 3);
    assert!(
        run.stderr.contains(
            "3 known findings not reported (0 in the baseline, 0 in .keyhoundignore, 3 allowlisted)"
        ),
        "{}",
        run.stderr
    );
    // "the flag wins".
    let run = tree.run(&["scan", ".", "-f", "json", "--min-confidence", "low"]);
    assert_eq!(paths(&run.json()), ["src/real.env", "src/twilio.env"]);
    // "--no-config ignores .keyhound.toml".
    let run = tree.run(&["scan", ".", "-f", "json", "--no-config"]);
    assert_eq!(paths(&run.json()).len(), 6);
    // Suppressed findings never set the exit code.
    std::fs::remove_file(tree.join("src/real.env")).expect("remove a file");
    tree.run(&["scan", "."]).expect_code(EXIT_CLEAN);
}

/// A git repository with the gitleaks example of docs/GITLEAKS.md as its
/// `.gitleaks.toml` and one committed Acme key.
fn gitleaks_repo(fake: &mut FakeSecrets) -> Repo {
    let config = block(
        &repo_file("docs/GITLEAKS.md"),
        "Loading the configuration",
        "toml",
        0,
    );
    let mut repo = Repo::new();
    repo.write(".gitleaks.toml", &config);
    repo.write("src/settings.py", &acme_line(&acme_key(fake, "")));
    repo.commit("settings", "Alice Dev");
    repo
}

fn has_rule(report: &Value, rule: &str) -> bool {
    findings(report).iter().any(|f| f["rule_id"] == rule)
}

#[test]
fn readme_gitleaks_commands_use_the_gitleaks_configuration() {
    if !git_available() {
        return;
    }
    let readme = repo_file("README.md");
    let commands = commands(&block(&readme, GITLEAKS, "sh", 0));
    assert!(commands.len() >= 4, "{commands:?}");
    let mut fake = FakeSecrets::new(905);
    let repo = gitleaks_repo(&mut fake);
    let gitleaks_toml = fs::read_to_string(repo.path().join(".gitleaks.toml")).unwrap_or_default();
    for command in &commands {
        let mut stdin: Option<String> = None;
        if let Some(file) = flag_value(command, "--config") {
            // The configuration must come from --config, not from the lookup.
            let path = repo.path().join(file);
            fs::create_dir_all(path.parent().unwrap_or(repo.path())).expect("mkdir");
            fs::write(&path, &gitleaks_toml).expect("write the configuration");
            fs::remove_file(repo.path().join(".gitleaks.toml")).expect("remove .gitleaks.toml");
        }
        if command.iter().any(|a| a == "--staged") {
            repo.write("src/staged.py", &acme_line(&acme_key(&mut fake, "")));
            repo.git(&["add", "src/staged.py"]);
        }
        if command.iter().any(|a| a == "-") {
            stdin = Some(acme_line(&acme_key(&mut fake, "")));
        }
        let mut args = args_of(command);
        args.extend_from_slice(&["-f", "json"]);
        let run = match &stdin {
            Some(input) => run_with_stdin(repo.path(), &args, input.as_bytes()),
            None => run_in(repo.path(), &args),
        };
        run.expect_code(EXIT_FINDINGS);
        let report = run.json();
        assert!(
            has_rule(&report, ACME_GITLEAKS_RULE),
            "{command:?}: {report:#}"
        );
        if command.iter().any(|a| a == "--git") {
            assert!(
                findings(&report)
                    .iter()
                    .any(|f| f["locations"][0]["git"]["commit"].is_string()),
                "{command:?}: history findings carry their commit"
            );
        }
        if command.iter().any(|a| a == "--staged") {
            assert_eq!(paths(&report), ["src/staged.py"], "{command:?}");
            repo.git(&["reset", "-q", "src/staged.py"]);
            fs::remove_file(repo.path().join("src/staged.py")).expect("remove");
        }
        if flag_value(command, "--config").is_some() {
            fs::write(repo.path().join(".gitleaks.toml"), &gitleaks_toml).expect("restore");
        }
    }
}

#[test]
fn readme_gitleaksignore_entry_suppresses_its_line() {
    let readme = repo_file("README.md");
    let ignore = block(&readme, GITLEAKS, "text", 0);
    let entry = ignore
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .expect("a .gitleaksignore entry");
    let fields: Vec<&str> = entry.split(':').collect();
    assert_eq!(fields.len(), 3, "path:rule:line form: {entry}");
    let (path, line) = (
        fields[0],
        fields[2].parse::<usize>().expect("a line number"),
    );
    assert!(line >= 1);
    let mut fake = FakeSecrets::new(906);
    let mut content = String::new();
    for _ in 1..line {
        content.push_str("# settings\n");
    }
    content.push_str(&acme_line(&acme_key(&mut fake, "")));
    content.push_str(&acme_line(&acme_key(&mut fake, "")));
    let tree = Tree::new();
    tree.write(
        ".gitleaks.toml",
        block(
            &repo_file("docs/GITLEAKS.md"),
            "Loading the configuration",
            "toml",
            0,
        ),
    );
    tree.write(path, &content);
    let (_, report) = json_run(
        tree.path(),
        &["scan".into(), ".".into()],
        &["-f", "json"],
        EXIT_FINDINGS,
    );
    assert_eq!(report["stats"]["findings"], 2, "{report:#}");
    tree.write(".gitleaksignore", &ignore);
    let (_, report) = json_run(
        tree.path(),
        &["scan".into(), ".".into()],
        &["-f", "json"],
        EXIT_FINDINGS,
    );
    let left = locations(&report);
    assert_eq!(
        left,
        [(
            ACME_GITLEAKS_RULE.to_string(),
            path.to_string(),
            line as u64 + 1
        )],
        "only the listed line is suppressed"
    );
    assert_eq!(report["stats"]["suppressed"], 1);
}

#[test]
fn gitleaksignore_commit_entries_apply_to_history_scans_only() {
    if !git_available() {
        return;
    }
    let mut fake = FakeSecrets::new(907);
    let repo = gitleaks_repo(&mut fake);
    let commit = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    // gitleaks 8.26+ writes 7 hex digits, older versions 40.
    for id in [&commit[..7], commit.as_str()] {
        repo.write(
            ".gitleaksignore",
            &format!("# .gitleaksignore\n{id}:src/settings.py:acme-api-key:1\n"),
        );
        let history = run_in(repo.path(), &["scan", "--git", ".", "-f", "json"]);
        history.expect_code(EXIT_CLEAN);
        assert_eq!(history.json()["stats"]["suppressed"], 1);
        let files = run_in(repo.path(), &["scan", ".", "-f", "json"]);
        files.expect_code(EXIT_FINDINGS);
        assert!(has_rule(&files.json(), ACME_GITLEAKS_RULE));
    }
}

#[test]
fn docs_gitleaks_example_behaves_as_documented() {
    let config = block(
        &repo_file("docs/GITLEAKS.md"),
        "Loading the configuration",
        "toml",
        0,
    );
    let mut fake = FakeSecrets::new(908);
    let tree = Tree::new();
    tree.write(".gitleaks.toml", &config);
    tree.write("src/a.py", acme_line(&acme_key(&mut fake, "")));
    tree.write("vendor/lib/b.py", acme_line(&acme_key(&mut fake, "")));
    tree.write("src/c.py", acme_line(&acme_key(&mut fake, "sandbox")));
    tree.write(
        "src/d.py",
        format!(
            "acme_key = '{}'  # gitleaks:allow\n",
            acme_key(&mut fake, "")
        ),
    );
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(
        locations(&report),
        [(ACME_GITLEAKS_RULE.to_string(), "src/a.py".to_string(), 1)],
        "{report:#}"
    );
    let finding = &findings(&report)[0];
    assert_eq!(finding["severity"], "critical");
    assert_eq!(finding["confidence"], "medium");
    assert_eq!(finding["provider"], "acme");
    assert_eq!(report["stats"]["suppressed"], 3);
    assert!(
        run.stderr
            .contains("[extend] useDefault: gitleaks' default rules are not loaded"),
        "{}",
        run.stderr
    );
    // --config with another name finds the same, and tells the format by content.
    fs::rename(tree.join(".gitleaks.toml"), tree.join("rules.toml")).expect("rename");
    let run = tree.run(&["scan", ".", "-f", "json", "--config", "rules.toml"]);
    run.expect_code(EXIT_FINDINGS);
    assert!(has_rule(&run.json(), ACME_GITLEAKS_RULE));
    // A default rule's allowlist alone is skipped, as the page says.
    tree.write(
        "default-allowlist.toml",
        block(&repo_file("docs/GITLEAKS.md"), "`[extend]`", "toml", 0),
    );
    let run = tree.run(&["scan", ".", "--config", "default-allowlist.toml"]);
    assert!(
        run.stderr.contains("neither `regex` nor `path`: skipped"),
        "{}",
        run.stderr
    );
}

/// The keys a configuration table accepts, from the binary's own error message
/// for an unknown key.
fn accepted_keys(config: &str) -> Vec<String> {
    let tree = Tree::new();
    tree.write(".keyhound.toml", config);
    let run = tree.run(&["scan", "."]);
    run.expect_code(EXIT_ERROR);
    let list = run
        .stderr
        .split("expected one of")
        .nth(1)
        .unwrap_or_else(|| panic!("no key list in {}", run.stderr));
    let list = list.lines().next().unwrap_or_default();
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn docs_config_documents_every_key() {
    let doc = repo_file("docs/CONFIG.md");
    let top = accepted_keys("not_a_key = 1\n");
    let allowlist = accepted_keys("[[allowlist]]\nnot_a_key = 1\n");
    assert!(top.contains(&"disabled_rules".to_string()), "{top:?}");
    assert!(
        allowlist.contains(&"match_all".to_string()),
        "{allowlist:?}"
    );
    for key in top.iter().chain(&allowlist) {
        let row = if key == "allowlist" {
            "| `[[allowlist]]` |".to_string()
        } else {
            format!("| `{key}` |")
        };
        assert!(
            doc.contains(&row),
            "docs/CONFIG.md has no table row for {key}"
        );
    }
}

#[test]
fn docs_config_examples_work() {
    let doc = repo_file("docs/CONFIG.md");
    let config = block(&doc, "`.keyhound.toml`", "toml", 0);
    let mut fake = FakeSecrets::new(909);
    let tree = config_tree(910);
    tree.write("security/rules.toml", ACME_RULES);
    tree.write("src/acme.env", format!("ACME={}\n", fake.acme_token()));
    tree.write(
        "ui/__snapshots__/page.snap",
        format!("TOKEN={}\n", fake.github_pat()),
    );
    tree.write(".keyhound.toml", &config);
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    // The rule file is loaded (its own example is found too); vendor/,
    // testdata/ and *.snap are allowlisted, the CI token too, the test-mode
    // key disabled, the low-confidence finding below min_confidence.
    assert_eq!(
        paths(&report),
        ["security/rules.toml", "src/acme.env", "src/real.env"],
        "{report:#}"
    );
    assert_eq!(report["stats"]["suppressed"], 4);
    // The .keyhoundignore example: valid as written.
    let ignore = block(&doc, "`.keyhoundignore`", "text", 0);
    tree.write(".keyhoundignore", &ignore);
    let run = tree.run(&["scan", ".", "-f", "json"]);
    assert!(!run.stderr.contains("not a fingerprint"), "{}", run.stderr);
    // The baseline commands of the page.
    let shell = block(&doc, "Baselines", "sh", 0);
    let keyhound_commands = commands(&shell);
    assert_eq!(keyhound_commands.len(), 2, "{shell}");
    tree.run(&args_of(&keyhound_commands[0]))
        .expect_code(EXIT_CLEAN);
    tree.run(&args_of(&keyhound_commands[1]))
        .expect_code(EXIT_CLEAN);
}

#[test]
fn docs_and_readme_hold_no_secret() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let run = run_in(
        &root,
        &[
            "scan",
            "README.md",
            "docs/CONFIG.md",
            "docs/GITLEAKS.md",
            "--no-config",
            "-f",
            "json",
        ],
    );
    run.expect_code(EXIT_CLEAN);
    assert_eq!(
        run.json()["stats"]["suppressed"],
        0,
        "no inline allow hides one either"
    );
}
