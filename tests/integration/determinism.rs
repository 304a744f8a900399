//! Determinism: the same input gives byte-identical JSON and SARIF with 1
//! and 8 worker threads (`--no-timestamps` removes the only timing field).

use crate::common::{ACME_RULES, EXIT_FINDINGS, FakeSecrets, Tree, run_in};
use crate::git::{Repo, git_available};

/// Writes `count` files over several directories into `write`, about one in
/// five holding a secret of one of several rules (some repeated in several
/// files, so findings have many locations, and one password repeated under
/// different users, so locations disagree on a part).
fn populate(count: usize, mut write: impl FnMut(&str, String)) {
    let mut fake = FakeSecrets::new(77);
    let shared = fake.github_pat();
    let shared_password = fake.string(
        b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789",
        18,
    );
    for i in 0..count {
        let dir = ["src", "config", "deploy/prod", "deploy/dev", "docs"][i % 5];
        let body = match i % 10 {
            0 => format!("token = \"{}\"\n", fake.github_pat()),
            1 => format!(
                "DATABASE_URL={}://svc{}:{shared_password}@db.internal/app\n",
                "postgres",
                i % 7
            ),
            2 => format!("STRIPE_KEY={}\n", fake.stripe_live()),
            4 => format!("ACME_ID={}\nACME={}\n", fake.acme_id(), fake.acme_token()),
            6 => format!("# copy\nGH={shared}\n"),
            8 => format!(
                "db:\n  password: \"{}\"\n",
                fake.string(
                    b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789",
                    16
                )
            ),
            _ => format!("fn f{i}() -> u32 {{ {i} }}\n"),
        };
        let ext = ["rs", "env", "yaml", "py", "md"][i % 5];
        write(&format!("{dir}/f{i:04}.{ext}"), body);
    }
}

#[track_caller]
fn same_output_for_1_and_8_threads(dir: &std::path::Path, base: &[&str]) {
    for format in ["json", "sarif"] {
        let outputs: Vec<String> = ["1", "8"]
            .iter()
            .map(|threads| {
                let mut args = base.to_vec();
                args.extend(["-f", format, "--no-timestamps", "-j", threads]);
                let run = run_in(dir, &args);
                run.expect_code(EXIT_FINDINGS);
                run.stdout
            })
            .collect();
        assert!(outputs[0].len() > 1000, "{format}: a real report");
        if format == "json" {
            assert!(outputs[0].contains("\"elapsed_ms\": 0"), "no timing");
        }
        assert!(
            outputs[0] == outputs[1],
            "{base:?} -f {format}: -j 1 and -j 8 differ"
        );
    }
}

#[test]
fn reports_are_identical_for_any_thread_count() {
    let tree = Tree::new();
    tree.write("rules/acme.toml", ACME_RULES);
    populate(400, |rel, body| {
        tree.write(rel, body);
    });
    same_output_for_1_and_8_threads(tree.path(), &["scan", ".", "--rules", "rules/acme.toml"]);
}

#[test]
fn git_history_reports_are_identical_for_any_thread_count() {
    if !git_available() {
        return;
    }
    let mut repo = Repo::new();
    let mut files: Vec<(String, String)> = Vec::new();
    populate(120, |rel, body| files.push((rel.to_string(), body)));
    // Several commits by several authors, a file deleted later on.
    for (n, chunk) in files.chunks(30).enumerate() {
        for (rel, body) in chunk {
            repo.write(rel, body);
        }
        repo.commit(&format!("commit {n}"), ["Ann", "Bob"][n % 2]);
    }
    let _ = std::fs::remove_file(repo.path().join(&files[0].0));
    repo.commit("remove one", "Ann");
    same_output_for_1_and_8_threads(repo.path(), &["scan", "--git", "."]);
}
