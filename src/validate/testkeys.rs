//! Test-only helpers: keys and certificates are generated at run time (with
//! rcgen, or with `openssl` / `ssh-keygen` when they are on PATH; tests that
//! need a missing tool print a message and skip). No key is committed.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::{Evidence, PartRef, Subject, examine};

/// A scratch directory where external tools write keys.
pub(crate) struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    /// A fresh directory.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Path of `name` inside the directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `tool args...` in the directory. `None` (with a message) when
    /// the tool is not installed; a failing run is a test failure.
    pub fn run(&self, tool: &str, args: &[&str]) -> Option<()> {
        let output = Command::new(tool)
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output();
        match output {
            Ok(out) if out.status.success() => Some(()),
            Ok(out) => panic!(
                "{tool} {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(err) => {
                eprintln!("skipped: {tool} is not available ({err})");
                None
            }
        }
    }

    /// Text of a file the tool wrote.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).expect("tool output")
    }
}

/// Runs [`examine`] with `validators` named by the rule and no parts.
pub(crate) fn examine_with(secret: &str, validators: &[&str]) -> Evidence {
    let named: Vec<String> = validators.iter().map(|s| s.to_string()).collect();
    let parts: [PartRef<'_>; 0] = [];
    examine(&Subject {
        rule_id: "test.key",
        provider: "test",
        identity: "test.key",
        validators: &named,
        secret,
        parts: &parts,
    })
}

/// `text` as it looks inside a JSON string (`\n` escapes).
pub(crate) fn json_escaped(text: &str) -> String {
    text.replace('\n', "\\n")
}

/// `text` indented as in a YAML block scalar.
pub(crate) fn indented(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// `text` as string literals joined in code, one line of `text` per literal,
/// each ending in an escaped newline and followed by `join` (` +` for Java,
/// Kotlin or JS, `,` for a Python list, nothing for adjacent C literals).
pub(crate) fn code_literals(text: &str, quote: char, join: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|l| format!("    {quote}{l}\\n{quote}"))
        .collect();
    format!("key = (\n{}\n)\n", lines.join(&format!("{join}\n")))
}

/// A string cut to `len` bytes (ASCII input).
pub(crate) fn cut(text: &str, len: usize) -> String {
    text.chars().take(len).collect()
}
