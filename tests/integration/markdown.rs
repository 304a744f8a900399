//! `-f markdown`: the GitHub step-summary / pull-request table.

use crate::common::{EXIT_CLEAN, EXIT_FINDINGS, FakeSecrets, GITHUB_FILE, STRIPE_FILE, Tree};
use crate::git::{Repo, git_available};

/// Redaction as the README defines it: at most the first 4 characters and at
/// most a quarter of the value, then `…`.
fn redacted(secret: &str) -> String {
    let keep = 4.min(secret.chars().count() / 4);
    format!("{}…", secret.chars().take(keep).collect::<String>())
}

/// Table rows (lines starting with `|`), header and separator excluded.
fn rows(markdown: &str) -> Vec<&str> {
    markdown
        .lines()
        .filter(|line| line.starts_with('|'))
        .skip(2)
        .collect()
}

/// Number of cell separators: `|` not escaped with a backslash.
fn unescaped_pipes(line: &str) -> usize {
    let bytes = line.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
        .count()
}

#[test]
fn table_of_two_findings_with_redacted_secrets() {
    let sample = crate::common::sample();
    let run = sample.tree.run(&["scan", ".", "-f", "markdown"]);
    run.expect_code(EXIT_FINDINGS);
    let md = &run.stdout;
    assert!(md.starts_with("## keyhound: 2 secrets found\n"), "{md}");
    assert!(
        md.contains(
            "| Severity | Confidence | Rule | Secret | Location | Identity risk |\n| --- | --- | --- | --- | --- | --- |\n"
        ),
        "{md}"
    );
    let table = rows(md);
    assert_eq!(table.len(), 2, "{md}");
    for row in &table {
        assert_eq!(unescaped_pipes(row), 7, "{row}");
    }
    // Most severe first: the Stripe live key (critical) then the GitHub token.
    assert!(table[0].contains("`stripe.secret-key-live`"), "{md}");
    assert!(
        table[0].contains(&format!("`{STRIPE_FILE}:2` +1 more")),
        "{md}"
    );
    assert!(table[1].contains("`github.pat-classic`"), "{md}");
    assert!(table[1].contains(&format!("`{GITHUB_FILE}:2`")), "{md}");
    assert!(
        table[0].contains(&format!("`{}`", redacted(&sample.stripe))),
        "{md}"
    );
    assert!(
        table[1].contains(&format!("`{}`", redacted(&sample.github))),
        "{md}"
    );
    // Identity risk from the inventory.
    assert!(table[0].contains("/100"), "{md}");
    assert!(table[0].contains("leaked"), "{md}");
    // Never the raw secret, and no timing (deterministic).
    assert!(!md.contains(&sample.stripe), "{md}");
    assert!(!md.contains(&sample.github), "{md}");
    let again = sample.tree.run(&["scan", ".", "-f", "markdown"]);
    assert_eq!(again.stdout, run.stdout);

    let shown = sample
        .tree
        .run(&["scan", ".", "-f", "markdown", "--show-secrets"]);
    assert!(shown.stdout.contains(&sample.stripe), "{}", shown.stdout);
}

#[test]
fn clean_scan_says_no_secrets_found() {
    let tree = crate::common::clean_tree();
    let run = tree.run(&["scan", ".", "-f", "markdown"]);
    run.expect_code(EXIT_CLEAN);
    assert!(
        run.stdout.starts_with("## keyhound: No secrets found\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("| Severity"), "{}", run.stdout);
}

#[test]
fn cells_are_escaped() {
    let mut secrets = FakeSecrets::new(601);
    let tree = Tree::new();
    let name = "odd|name<b>`x`.env";
    let path = tree.write(name, format!("TOKEN={}\n", secrets.github_pat()));
    if !path.exists() {
        eprintln!("skipping: the file system refused the name {name:?}");
        return;
    }
    let run = tree.run(&["scan", ".", "-f", "markdown"]);
    run.expect_code(EXIT_FINDINGS);
    let table = rows(&run.stdout);
    assert_eq!(table.len(), 1, "{}", run.stdout);
    assert_eq!(unescaped_pipes(table[0]), 7, "{}", run.stdout);
    // A code span with a fence longer than the backticks inside, `|` escaped.
    assert!(
        table[0].contains("``odd\\|name<b>`x`.env:1``"),
        "{}",
        run.stdout
    );
}

#[test]
fn rows_are_capped_at_100() {
    let mut secrets = FakeSecrets::new(602);
    let tree = Tree::new();
    let body: String = (0..105)
        .map(|i| format!("TOKEN_{i}={}\n", secrets.github_pat()))
        .collect();
    tree.write("tokens.env", body);
    let run = tree.run(&["scan", ".", "-f", "markdown"]);
    run.expect_code(EXIT_FINDINGS);
    assert!(
        run.stdout.starts_with("## keyhound: 105 secrets found\n"),
        "{}",
        run.stdout
    );
    assert_eq!(rows(&run.stdout).len(), 100);
    assert!(
        run.stdout
            .contains("… and 5 more findings (see the SARIF or JSON report)."),
        "{}",
        run.stdout
    );
}

#[test]
fn git_scans_show_the_commit() {
    if !git_available() {
        return;
    }
    let mut secrets = FakeSecrets::new(603);
    let token = secrets.github_pat();
    let mut repo = Repo::new();
    repo.write("README.md", "# app\n");
    repo.commit("initial", "Bob Builder");
    repo.write("app.env", &format!("TOKEN={token}\n"));
    let commit = repo.commit("add settings", "Alice Dev");
    let run = crate::common::run_in(repo.path(), &["scan", "--git", ".", "-f", "markdown"]);
    run.expect_code(EXIT_FINDINGS);
    assert!(
        run.stdout.contains(
            "| Severity | Confidence | Rule | Secret | Location | Commit | Identity risk |"
        ),
        "{}",
        run.stdout
    );
    let table = rows(&run.stdout);
    assert_eq!(table.len(), 1, "{}", run.stdout);
    assert!(
        table[0].contains(&format!("`{}`", &commit[..7])),
        "{}",
        run.stdout
    );
    assert!(table[0].contains("`app.env:1`"), "{}", run.stdout);
    assert!(!run.stdout.contains(&token));
}
