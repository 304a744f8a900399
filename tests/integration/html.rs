//! The HTML inventory report (`--format html`): one self-contained file with
//! a row per identity, no network assets, no secret values, hostile paths
//! escaped, the same bytes on every run; and, when a Chromium is installed,
//! its script runs in a real headless browser.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use crate::common::{EXIT_CLEAN, EXIT_FINDINGS, FakeSecrets, Run, Tree, keyhound, parse_json};

const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOWER_DIGITS: &[u8] = b"abcdefghijkmnopqrstuvwxyz23456789";

/// A path made of a directory `<script>alert(1)<` and a file `script>.env`.
const HOSTILE_SCRIPT: &str = "<script>alert(1)</script>.env";
/// A file name that closes an attribute and opens an element.
const HOSTILE_ATTR: &str = "x\"><img src=x onerror=alert(2)>'&.env";

/// A tree with an AWS key pair, a GitHub token (in two files, one of them
/// with a hostile name), a password and a second hostile file name.
struct Fixture {
    tree: Tree,
    /// Every secret value written to the tree.
    secrets: Vec<String>,
}

fn fixture() -> Fixture {
    let mut fake = FakeSecrets::new(4711);
    // Values assembled at run time: no credential-shaped literal in this source.
    let key_id = format!("{}{}", ["AK", "IA"].concat(), fake.string(UPPER_DIGITS, 16));
    let aws_secret = fake.string(BASE64, 40);
    let github = fake.github_pat();
    let password = format!("{}{}", ["Vr", "7q"].concat(), fake.string(LOWER_DIGITS, 10));
    let tree = Tree::new();
    tree.write(
        "config/prod.env",
        format!("AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={aws_secret}\n"),
    );
    tree.write("deploy.sh", format!("export GITHUB_TOKEN={github}\n"));
    tree.write(HOSTILE_SCRIPT, format!("TOKEN={github}\n"));
    tree.write(".env", format!("DB_PASSWORD=\"{password}\"\n"));
    tree.write(
        HOSTILE_ATTR,
        format!("AWS_SECRET_ACCESS_KEY={aws_secret}\n"),
    );
    Fixture {
        tree,
        secrets: vec![aws_secret, github, password],
    }
}

/// Runs `keyhound ARGS` in `dir` with a fixed clock.
fn run_fixed(dir: &Path, args: &[&str]) -> Run {
    let output = keyhound()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args(args)
        .output()
        .expect("keyhound runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        args: args.iter().map(ToString::to_string).collect(),
    }
}

/// Writes the HTML report of `tree` to a file outside it (so a second run
/// does not scan the first report) and returns its path and text.
fn html_report(tree: &Tree, out: &TempDir, name: &str, command: &str) -> (PathBuf, String) {
    let path = out.path().join(name);
    let target = path.to_str().expect("temporary paths are UTF-8");
    let run = run_fixed(
        tree.path(),
        &[command, ".", "--format", "html", "-o", target],
    );
    run.expect_code(if command == "scan" {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    });
    let text = fs::read_to_string(&path).expect("the report was written");
    (path, text)
}

/// The inventory JSON document of `tree` (same clock as the HTML runs).
fn identities(tree: &Tree) -> Vec<Value> {
    let run = run_fixed(tree.path(), &["inventory", ".", "-f", "inventory"]);
    run.expect_code(EXIT_CLEAN);
    parse_json(&run.stdout)["identities"]
        .as_array()
        .cloned()
        .expect("an identities array")
}

/// The text between `open` and the next `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).map(|at| at + open.len()).expect(open);
    let end = text[start..].find(close).expect(close);
    &text[start..start + end]
}

fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[test]
fn html_report_is_self_contained_escaped_and_secret_free() {
    let fixture = fixture();
    let out = tempfile::tempdir().expect("a temporary directory");
    let identities = identities(&fixture.tree);
    assert!(identities.len() >= 3, "{identities:#?}");
    let (_, html) = html_report(&fixture.tree, &out, "scan.html", "scan");

    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.trim_end().ends_with("</html>"));

    // One row per identity, with the attributes the filters read.
    assert_eq!(html.matches("<tr class=\"row\"").count(), identities.len());
    assert_eq!(html.matches(" data-kind=\"").count(), identities.len());
    for identity in &identities {
        let id = identity["id"].as_str().expect("an id");
        let kind = identity["kind"].as_str().expect("a kind");
        let score = &identity["risk"]["score"];
        assert!(
            html.contains(&format!("data-id=\"{id}\" data-kind=\"{kind}\"")),
            "no row for {id} ({kind})"
        );
        assert!(
            html.contains(&format!("data-risk=\"{score}\"")),
            "{id}: risk {score}"
        );
    }
    for kind in ["cloud-access-key", "personal-access-token", "password"] {
        assert!(
            html.contains(&format!("data-kind=\"{kind}\"")),
            "no {kind} row"
        );
    }
    assert!(html.contains("<dt>Identities</dt><dd>"));
    assert!(html.contains("NHI2"), "reasons carry their OWASP NHI ids");
    assert!(html.contains("config/prod.env:"), "locations are listed");
    assert!(html.contains("<details>"), "rows expand");

    // Self-contained: no external script, style, font, image or frame.
    for banned in [
        "<script src",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "@import",
        "url(",
        "http://",
        "https://",
        "//fonts.",
    ] {
        assert!(!html.contains(banned), "the report contains {banned:?}");
    }
    assert_eq!(html.matches("<script").count(), 1, "one inline script");
    assert_eq!(html.matches("<style").count(), 1, "one inline style");
    // The Content-Security-Policy allows exactly the inline style and script.
    let style = between(&html, "<style>", "</style>");
    let script = between(&html, "<script>", "</script>");
    let policy = between(&html, "Content-Security-Policy\" content=\"", "\"");
    assert!(policy.starts_with("default-src 'none';"), "{policy}");
    assert!(
        policy.contains(&format!("style-src {};", csp_hash(style))),
        "{policy}"
    );
    assert!(
        policy.contains(&format!("script-src {};", csp_hash(script))),
        "{policy}"
    );

    // No secret value, not even with --show-secrets.
    for secret in &fixture.secrets {
        assert!(
            !html.contains(secret.as_str()),
            "a secret value leaked into the HTML"
        );
    }
    let shown = out.path().join("shown.html");
    let target = shown.to_str().expect("temporary paths are UTF-8");
    run_fixed(
        fixture.tree.path(),
        &["scan", ".", "-f", "html", "--show-secrets", "-o", target],
    )
    .expect_code(EXIT_FINDINGS);
    let shown = fs::read_to_string(&shown).expect("the report was written");
    for secret in &fixture.secrets {
        assert!(
            !shown.contains(secret.as_str()),
            "--show-secrets leaked into the HTML"
        );
    }

    // Hostile paths are text, never markup.
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("onerror=alert(2)>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;.env"));
    assert!(html.contains("x&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;&amp;.env"));
}

#[test]
fn html_report_is_deterministic_and_the_same_from_scan_and_inventory() {
    let fixture = fixture();
    let out = tempfile::tempdir().expect("a temporary directory");
    let (_, first) = html_report(&fixture.tree, &out, "first.html", "scan");
    let (_, second) = html_report(&fixture.tree, &out, "second.html", "scan");
    let (_, inventory) = html_report(&fixture.tree, &out, "inventory.html", "inventory");
    assert!(first == second, "two runs gave different HTML");
    assert!(
        first == inventory,
        "scan -f html and inventory -f html differ"
    );
}

#[test]
fn html_report_of_a_clean_tree_says_so() {
    let tree = Tree::new();
    tree.write("README.md", "# Nothing here\n");
    let out = tempfile::tempdir().expect("a temporary directory");
    let (_, html) = html_report(&tree, &out, "clean.html", "inventory");
    assert!(html.contains("No machine identities found."));
    assert!(!html.contains("<tr class=\"row\""));
    assert!(html.contains("<table id=\"identities\">"));
}

/// A Chromium-family browser on PATH.
fn browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|candidate| candidate.is_file())
}

/// The DOM of `url` after its scripts ran, as headless `browser` dumps it.
fn dump_dom(browser: &Path, url: &str) -> String {
    let profile = tempfile::tempdir().expect("a temporary profile directory");
    let mut child = Command::new(browser)
        .arg("--headless")
        .arg("--disable-gpu")
        .arg("--no-sandbox")
        .arg("--no-first-run")
        .arg("--disable-extensions")
        .arg("--disable-dev-shm-usage")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the browser starts");
    // Drain both pipes on threads so a chatty browser cannot block on them.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the browser") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not finish within 90 s", browser.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let dom = out.join().unwrap_or_default();
    let log = err.join().unwrap_or_default();
    assert!(
        status.success() && dom.contains("</html>"),
        "{} failed ({status}):\n{log}",
        browser.display()
    );
    dom
}

/// `data-id`s of the rows in document order, visible or not.
fn row_ids(dom: &str) -> Vec<String> {
    dom.split("<tr class=\"row\" data-id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn html_report_script_runs_in_a_headless_browser() {
    let Some(browser) = browser() else {
        eprintln!("skipping: no chromium on PATH");
        return;
    };
    let fixture = fixture();
    let out = tempfile::tempdir().expect("a temporary directory");
    let identities = identities(&fixture.tree);
    let total = identities.len();
    let (path, _) = html_report(&fixture.tree, &out, "report.html", "inventory");
    let url = format!("file://{}", path.display());

    // The script ran: controls shown, headers turned into sort buttons, counter filled.
    let dom = dump_dom(&browser, &url);
    assert_eq!(dom.matches("<tr class=\"row\"").count(), total, "{dom}");
    assert!(dom.contains(&format!("{total} of {total} shown")), "{dom}");
    assert!(
        dom.contains("<form id=\"controls\" class=\"controls\">"),
        "{dom}"
    );
    assert!(dom.contains("<button type=\"button\" title=\"Sort by Risk\">Risk</button>"));
    assert!(!dom.contains("<script>alert"));

    // Filters preset from the fragment: one kind.
    let kind_rows = identities
        .iter()
        .filter(|i| i["kind"] == "password")
        .count();
    assert!(kind_rows >= 1);
    let dom = dump_dom(&browser, &format!("{url}#kind=password"));
    assert!(
        dom.contains(&format!("{kind_rows} of {total} shown")),
        "{dom}"
    );

    // Minimum risk above every score: nothing shown.
    let dom = dump_dom(&browser, &format!("{url}#risk=80&q=no-such-text-anywhere"));
    assert!(dom.contains(&format!("0 of {total} shown")), "{dom}");

    // Sorting by locations, most first: the GitHub token (two files) leads.
    let mut expected: Vec<(u64, usize, String)> = identities
        .iter()
        .enumerate()
        .map(|(index, i)| {
            let count = i["locations"].as_array().map_or(0, Vec::len) as u64;
            (
                count,
                index,
                i["id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let expected: Vec<String> = expected.into_iter().map(|(_, _, id)| id).collect();
    let dom = dump_dom(&browser, &format!("{url}#sort=locations&dir=desc"));
    assert_eq!(row_ids(&dom), expected);
    assert!(dom.contains("aria-sort=\"descending\""));
}

#[test]
fn html_report_shows_origins_permissions_and_trust_of_declared_identities() {
    let tree = Tree::new();
    tree.write(
        "infra/main.tf",
        "resource \"aws_iam_role\" \"app\" {\n  name = \"app\"\n  assume_role_policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = { Service = \"ec2.amazonaws.com\" } }] })\n  inline_policy {\n    name   = \"s3\"\n    policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"s3:GetObject\", Resource = \"arn:aws:s3:::bucket/*\" }] })\n  }\n}\n",
    );
    let out = tempfile::tempdir().expect("a temporary directory");
    let (_, html) = html_report(&tree, &out, "declared.html", "inventory");
    assert!(html.contains("<dt>Origins</dt><dd>declared</dd>"), "{html}");
    let permissions = between(&html, "<h3>Permissions</h3>", "</section>");
    assert!(permissions.contains("s3:GetObject"), "{permissions}");
    let trust = between(&html, "<h3>Trust</h3>", "</section>");
    assert!(trust.contains("ec2.amazonaws.com"), "{trust}");
}
