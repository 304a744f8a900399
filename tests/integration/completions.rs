//! `keyhound completions SHELL` and `keyhound man`.

use crate::common::{EXIT_CLEAN, EXIT_ERROR, Tree};

#[test]
fn bash_completion_script_names_the_commands() {
    let tree = Tree::new();
    let run = tree.run(&["completions", "bash"]);
    run.expect_code(EXIT_CLEAN);
    assert!(run.stdout.contains("keyhound"), "{}", run.stdout);
    assert!(run.stdout.contains("scan"), "{}", run.stdout);
    assert!(run.stdout.contains("--staged"), "{}", run.stdout);
    assert!(run.stdout.contains("complete "), "{}", run.stdout);
}

#[test]
fn every_shell_gets_a_script() {
    let tree = Tree::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = tree.run(&["completions", shell]);
        run.expect_code(EXIT_CLEAN);
        assert!(
            run.stdout.contains("keyhound") && run.stdout.contains("inventory"),
            "{shell}: {}",
            run.stdout
        );
    }
    tree.run(&["completions", "tcsh"]).expect_code(EXIT_ERROR);
}

#[test]
fn man_page_is_roff() {
    let tree = Tree::new();
    let run = tree.run(&["man"]);
    run.expect_code(EXIT_CLEAN);
    assert!(run.stdout.contains(".TH keyhound 1"), "{}", run.stdout);
    assert!(run.stdout.contains(".SH NAME"), "{}", run.stdout);
    assert!(run.stdout.contains("keyhound\\-scan(1)"), "{}", run.stdout);

    let scan = tree.run(&["man", "scan"]);
    scan.expect_code(EXIT_CLEAN);
    assert!(
        scan.stdout.contains(".TH keyhound-scan 1"),
        "{}",
        scan.stdout
    );
    assert!(scan.stdout.contains("\\-\\-staged"), "{}", scan.stdout);

    let unknown = tree.run(&["man", "nosuch"]);
    unknown.expect_code(EXIT_ERROR);
    assert!(
        unknown.stderr.contains("unknown subcommand"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn man_out_dir_writes_one_page_per_command() {
    let tree = Tree::new();
    tree.run(&["man", "--out-dir", "man"])
        .expect_code(EXIT_CLEAN);
    for page in [
        "keyhound.1",
        "keyhound-scan.1",
        "keyhound-inventory.1",
        "keyhound-rules.1",
    ] {
        let text = std::fs::read_to_string(tree.join("man").join(page))
            .unwrap_or_else(|err| panic!("{page}: {err}"));
        assert!(text.contains(".TH "), "{page}: {text}");
    }
    assert!(
        !tree.join("man/keyhound-debug.1").exists(),
        "hidden commands get no page"
    );
}
