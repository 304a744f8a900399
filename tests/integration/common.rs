//! Shared helpers: running the binary, temporary trees, fake secrets, and the
//! small sample tree most tests scan.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// Every report format `scan -f` accepts.
pub const FORMATS: [&str; 4] = ["text", "json", "jsonl", "sarif"];

/// Exit codes documented in the README.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// A `keyhound` command with a clean environment for colors.
pub fn keyhound() -> Command {
    let mut cmd = Command::cargo_bin("keyhound").expect("the keyhound binary is built");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
    /// Arguments, for failure messages.
    pub args: Vec<String>,
}

impl Run {
    /// Panics with the full output unless the exit code is `expected`.
    #[track_caller]
    pub fn expect_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "keyhound {:?} exited with {:?}, expected {expected}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args,
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Standard output parsed as one JSON document.
    #[track_caller]
    pub fn json(&self) -> Value {
        parse_json(&self.stdout)
    }

    /// Standard output and standard error together.
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Parses a JSON document or panics showing it.
#[track_caller]
pub fn parse_json(text: &str) -> Value {
    match serde_json::from_str(text) {
        Ok(value) => value,
        Err(err) => panic!("not JSON ({err}):\n{text}"),
    }
}

/// Runs `keyhound ARGS` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run(dir, args, None)
}

/// Runs `keyhound ARGS` in `dir` with `input` on standard input.
pub fn run_with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Run {
    run(dir, args, Some(input))
}

fn run(dir: &Path, args: &[&str], input: Option<&[u8]>) -> Run {
    let mut cmd = keyhound();
    cmd.current_dir(dir).args(args);
    if let Some(input) = input {
        cmd.write_stdin(input.to_vec());
    }
    let output = cmd.output().expect("keyhound runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        args: args.iter().map(ToString::to_string).collect(),
    }
}

/// A temporary directory tree, removed when dropped.
pub struct Tree {
    dir: TempDir,
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Self {
        Tree {
            dir: tempfile::Builder::new()
                .prefix("keyhound-it-")
                .tempdir()
                .expect("create a temporary directory"),
        }
    }

    /// Root of the tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Absolute path of `rel`.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `contents` to `rel`, creating parent directories.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent directories");
        }
        fs::write(&path, contents).expect("write a test file");
        path
    }

    /// Creates directory `rel` (and its parents).
    pub fn mkdir(&self, rel: &str) -> PathBuf {
        let path = self.join(rel);
        fs::create_dir_all(&path).expect("create a directory");
        path
    }

    /// Runs `keyhound ARGS` with this tree as the current directory.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }

    /// Like [`Tree::run`] with `input` on standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: &[u8]) -> Run {
        run_with_stdin(self.path(), args, input)
    }
}

/// A tiny deterministic PRNG (64-bit LCG, Knuth's MMIX constants) so fake
/// secrets are the same on every run and never appear literally in the source.
pub struct FakeSecrets {
    state: u64,
}

const BASE62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl FakeSecrets {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        let mut generator = FakeSecrets {
            state: seed ^ 0x9E37_79B9_7F4A_7C15,
        };
        generator.next();
        generator
    }

    fn next(&mut self) -> u64 {
        self.state = self
            .state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.state >> 33
    }

    /// `len` characters from `alphabet` that pass keyhound's placeholder
    /// filters (no run of 3 equal characters, no obvious sequence or marker).
    pub fn string(&mut self, alphabet: &[u8], len: usize) -> String {
        loop {
            let candidate: String = (0..len)
                .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char)
                .collect();
            if plausible(&candidate) {
                return candidate;
            }
        }
    }

    /// A GitHub classic personal access token shape: `ghp_` + 30 base62 +
    /// the 6-character base62 CRC32 of those 30 (a valid checksum).
    pub fn github_pat(&mut self) -> String {
        let random = self.string(BASE62, 30);
        format!(
            "{}{random}{}",
            ["gh", "p_"].concat(),
            github_checksum(&random)
        )
    }

    /// Like [`FakeSecrets::github_pat`] with a wrong checksum.
    pub fn github_pat_bad_checksum(&mut self) -> String {
        let token = self.github_pat();
        let (body, last) = token.split_at(token.len() - 1);
        format!("{body}{}", if last == "A" { "B" } else { "A" })
    }

    /// A Stripe live secret key shape: `sk_live_` + 24 base62.
    pub fn stripe_live(&mut self) -> String {
        format!(
            "{}{}",
            ["sk", "live", ""].join("_"),
            self.string(BASE62, 24)
        )
    }

    /// A token for the user rule of [`ACME_RULES`]: `acmew_` + 24 base62.
    pub fn acme_token(&mut self) -> String {
        format!("acmew_{}", self.string(BASE62, 24))
    }

    /// A companion id for the user rule of [`ACME_RULES`]: `acmeid_` + 16 base62.
    pub fn acme_id(&mut self) -> String {
        format!("acmeid_{}", self.string(BASE62, 16))
    }

    /// An RSA (PKCS#1) PEM block shape: random base64 body of `lines` lines of
    /// 64 characters, `\n` line ends, no trailing newline.
    pub fn rsa_private_key(&mut self, lines: usize) -> String {
        let kind = ["RSA", "PRIVATE", "KEY"].join(" ");
        let mut pem = format!("-----BEGIN {kind}-----\n");
        for i in 0..lines {
            let body = self.string(BASE64, 64);
            if i == 0 {
                pem.push_str("MIIE");
                pem.push_str(&body[4..]);
            } else {
                pem.push_str(&body);
            }
            pem.push('\n');
        }
        pem.push_str(&format!("-----END {kind}-----"));
        pem
    }
}

/// CRC32 of `random`, base62 (`0-9A-Za-z`), left-padded with `0` to 6 characters.
pub fn github_checksum(random: &str) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = u64::from(crc32fast::hash(random.as_bytes()));
    let mut out = vec![b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn plausible(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let markers = [
        "123456",
        "abcdef",
        "qwerty",
        "example",
        "xxxx",
        "dummy",
        "redacted",
        "placeholder",
        "changeme",
        "your",
        "test",
        "sample",
        "fake",
    ];
    let bytes = value.as_bytes();
    !markers.iter().any(|m| lower.contains(m))
        && !bytes.windows(3).any(|w| w[0] == w[1] && w[1] == w[2])
}

/// Hex SHA-256 fingerprint as the README defines it.
pub fn fingerprint(rule_id: &str, secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"v1\0");
    hasher.update(rule_id.as_bytes());
    hasher.update(b"\0");
    hasher.update(secret.as_bytes());
    hex(&hasher.finalize())
}

/// Git blob id (`git hash-object`) of `content`.
pub fn git_blob_id(content: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(format!("blob {}\0", content.len()).as_bytes());
    hasher.update(content);
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A user rule file with one rule (`acme.widget-token`) and a companion part
/// (`widget_id`), both with shapes no built-in rule knows.
pub const ACME_RULES: &str = r#"
[[rule]]
id = "acme.widget-token"
name = "Acme widget token"
provider = "acme"
identity = "acme.widget-token"
keywords = ["acmew_"]
pattern = '''\b(?P<secret>acmew_[A-Za-z0-9]{24})\b'''
min_entropy = 3.0
confidence = "high"
severity = "medium"
references = ["https://acme.invalid/docs/widget-tokens"]
examples = ["ACME_WIDGET=acmew_Q7rT2mX9pL4vK8nB3cZ6hJ1w"]
negative_examples = ["ACME_WIDGET=acmew_Q7rT2mX9"]

[[rule.requires]]
name = "widget_id"
pattern = '''\b(?P<secret>acmeid_[A-Za-z0-9]{16})\b'''
within_lines = 3
"#;

/// The sample tree: two credentials (one seen twice), one clean file.
pub struct Sample {
    /// The tree.
    pub tree: Tree,
    /// The GitHub token in `src/main.rs`.
    pub github: String,
    /// The Stripe key, twice in `config/app.env`.
    pub stripe: String,
}

/// Relative path of the file with the Stripe key.
pub const STRIPE_FILE: &str = "config/app.env";
/// Relative path of the file with the GitHub token.
pub const GITHUB_FILE: &str = "src/main.rs";

/// Builds the sample tree. Its layout is fixed (the snapshot tests depend on it):
///
/// ```text
/// config/app.env   line 1 "# café settings"
///                  line 2 "naïve_clé=<stripe>"          column 11 (code points), byte 29
///                  line 3 "mirror: \"<stripe>\""        column 10, byte 71
/// docs/README.md   no secret
/// src/main.rs      line 2 "    let gh = \"<github>\";"  column 15, byte 26
/// ```
pub fn sample() -> Sample {
    let mut secrets = FakeSecrets::new(2024);
    let github = secrets.github_pat();
    let stripe = secrets.stripe_live();
    let tree = Tree::new();
    tree.write(
        STRIPE_FILE,
        format!("# café settings\nnaïve_clé={stripe}\nmirror: \"{stripe}\"\n"),
    );
    tree.write(
        GITHUB_FILE,
        format!("fn main() {{\n    let gh = \"{github}\";\n    println!(\"{{gh}}\");\n}}\n"),
    );
    tree.write(
        "docs/README.md",
        "# Docs\n\nNothing to see here: just prose and a list.\n\n- one\n- two\n",
    );
    Sample {
        tree,
        github,
        stripe,
    }
}

/// A clean tree: text and code, nothing secret.
pub fn clean_tree() -> Tree {
    let tree = Tree::new();
    tree.write("README.md", "# Hello\n\nA project with no credentials.\n");
    tree.write(
        "src/lib.rs",
        "pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n",
    );
    tree
}

/// The JSON report with its one timing field removed, for byte comparisons.
pub fn without_elapsed(json: &str) -> String {
    json.lines()
        .filter(|line| !line.trim_start().starts_with("\"elapsed_ms\""))
        .map(|line| format!("{line}\n"))
        .collect()
}
