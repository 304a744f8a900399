//! Findings: one rule plus one secret value with every location it was seen at.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::rules::{Confidence, Severity};

/// A secret value. `Debug` and `Display` never show it; reports call
/// [`Secret::redacted`] unless the user asked for `--show-secrets`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Secret(String, bool);

impl Secret {
    /// Wraps a raw value (invalid UTF-8 is replaced).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Secret(String::from_utf8_lossy(bytes).into_owned(), false)
    }

    /// Wraps a value read back from a report: `redacted` when the report
    /// only held its redacted form (it is then shown as is, never redacted twice).
    pub fn from_report(value: String, redacted: bool) -> Self {
        Secret(value, redacted)
    }

    /// True when only the redacted form is known (a merged redacted report).
    pub fn is_redacted(&self) -> bool {
        self.1
    }

    /// The raw value (or the redacted form when that is all that is known).
    /// Only report code with `--show-secrets` should call this.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A short prefix and `…`: at most 4 characters, and at most a quarter of the value.
    pub fn redacted(&self) -> String {
        if self.1 {
            return self.0.clone();
        }
        let chars = self.0.chars().count();
        let shown = (chars / 4).min(4);
        let prefix: String = self.0.chars().take(shown).collect();
        format!("{prefix}…")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Location-free identity of a finding: hex SHA-256 of `"v1\0" + rule_id + "\0" + secret`.
/// It survives moved lines and matches across commits and repositories.
pub fn fingerprint(rule_id: &str, secret: &Secret) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"v1\0");
    hasher.update(rule_id.as_bytes());
    hasher.update(b"\0");
    hasher.update(secret.expose().as_bytes());
    hex(&hasher.finalize())
}

/// [`fingerprint`] keyed with `salt` (`--fingerprint-salt`): hex
/// HMAC-SHA256 with key `salt` over the same input, `"v1\0" + rule_id +
/// "\0" + secret`. Without the salt, nobody can check a guessed secret
/// against a shared report; with it, fingerprints stay stable across runs.
pub fn salted_fingerprint(salt: &str, rule_id: &str, secret: &Secret) -> String {
    use hmac::Mac;
    let mut mac = hmac_with(salt);
    Mac::update(&mut mac, b"v1\0");
    Mac::update(&mut mac, rule_id.as_bytes());
    Mac::update(&mut mac, b"\0");
    Mac::update(&mut mac, secret.expose().as_bytes());
    hex(&Mac::finalize(mac).into_bytes())
}

/// `id` (an identity id or another secret-derived hash) keyed with `salt`:
/// hex HMAC-SHA256 over `id`, cut to the length of `id` (at most 64 digits).
pub fn salted_id(salt: &str, id: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac_with(salt);
    Mac::update(&mut mac, b"keyhound-salted-id-v1\0");
    Mac::update(&mut mac, id.as_bytes());
    let mut out = hex(&Mac::finalize(mac).into_bytes());
    out.truncate(id.len().min(64));
    out
}

/// An HMAC-SHA256 keyed with `salt` (any key length is accepted).
fn hmac_with(salt: &str) -> hmac::Hmac<Sha256> {
    use hmac::digest::KeyInit;
    // HMAC takes keys of every length (long ones are hashed first), so
    // `new_from_slice` cannot fail; the fallback only satisfies the type.
    <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(salt.as_bytes())
        .unwrap_or_else(|_| <hmac::Hmac<Sha256> as KeyInit>::new(&Default::default()))
}

/// Git blob id of `content`: SHA-1 of `blob <len>\0<content>`, so a file on disk
/// and the same content in history share one id.
pub fn blob_id(content: &[u8]) -> String {
    use sha1::Sha1;
    let mut hasher = Sha1::new();
    hasher.update(format!("blob {}\0", content.len()).as_bytes());
    hasher.update(content);
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Where a secret was seen. Lines and columns are 1-based; columns count
/// Unicode code points; `end_column` is exclusive. Byte offsets are 0-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path as given or found by the walker (`-` style inputs use `<stdin>`).
    pub path: String,
    /// First line of the secret.
    pub line: usize,
    /// Column of the secret's first character.
    pub column: usize,
    /// Last line of the secret.
    pub end_line: usize,
    /// Column just past the secret's last character.
    pub end_column: usize,
    /// Byte offset of the secret's start.
    pub start_byte: usize,
    /// Byte offset just past the secret.
    pub end_byte: usize,
    /// Git blob id of the content the secret was found in.
    pub blob_id: String,
    /// Enclosing configuration keys (`production.database` in a YAML file,
    /// `[production]` in an INI file), when the secret sits in a section.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub section: Option<String>,
    /// For a secret found by decoding: the encodings of the token at this
    /// location, outermost first (`["base64"]`, `["percent", "base64"]`);
    /// the line and column span is the encoded token's.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub encoding: Vec<String>,
    /// Where git history has this blob at this path (git sources only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub git: Option<GitProvenance>,
}

/// Which commit first brought a blob to a path, and who made it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct GitProvenance {
    /// Repository as given on the command line (path or URL).
    pub repository: String,
    /// Full id of the commit that first introduced this blob at this path
    /// (empty for staged content, which has no commit yet).
    pub commit: String,
    /// Author name of that commit.
    pub author_name: String,
    /// Author email of that commit.
    pub author_email: String,
    /// Author date, RFC 3339 in UTC.
    pub author_date: String,
    /// First line of the commit message.
    pub summary: String,
    /// True when the blob is in the tree of HEAD (the default branch tip).
    pub present_at_head: bool,
    /// Sweeps with a datastore: the commit is no longer reachable from the
    /// repository's refs (force-push, deleted branch); the time (RFC 3339)
    /// of the last sweep that still saw it. `None` while it is reachable.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub last_seen: Option<String>,
}

/// A companion part of a multi-part credential (e.g. the AWS key id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Part name from the rule (`access_key_id`).
    pub name: String,
    /// The part's value (redacted in reports like the secret).
    pub value: Secret,
}

/// One rule plus one secret value, with all its locations (sorted).
#[derive(Debug, Clone)]
pub struct Finding {
    /// See [`fingerprint`].
    pub fingerprint: String,
    /// Rule id.
    pub rule_id: String,
    /// Rule name.
    pub rule_name: String,
    /// Provider of the credential.
    pub provider: String,
    /// Non-human identity kind.
    pub identity: String,
    /// Highest confidence over all locations.
    pub confidence: Confidence,
    /// Severity of the rule.
    pub severity: Severity,
    /// The secret value.
    pub secret: Secret,
    /// Shannon entropy of the secret.
    pub entropy: f64,
    /// Companion parts found next to the secret.
    pub parts: Vec<Part>,
    /// Every place the secret was seen.
    pub locations: Vec<Location>,
    /// What offline validators decoded from the secret.
    pub evidence: crate::validate::Evidence,
}

impl Finding {
    /// The first location (findings always have at least one).
    pub fn first_location(&self) -> Option<&Location> {
        self.locations.first()
    }

    /// For git findings: is the secret still in HEAD in any location? `None`
    /// when no location comes from git.
    pub fn present_at_head(&self) -> Option<bool> {
        let mut git = self
            .locations
            .iter()
            .filter_map(|l| l.git.as_ref())
            .peekable();
        git.peek()?;
        Some(git.any(|g| g.present_at_head))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_id_matches_git() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn redaction_shows_little() {
        let s = Secret::from_report("ghp_abcdefghijklmnop".into(), false);
        assert_eq!(s.redacted(), "ghp_…");
        assert_eq!(
            Secret::from_report("hunter2".into(), false).redacted(),
            "h…"
        );
        assert_eq!(format!("{s:?}"), "Secret(ghp_…)");
    }

    #[test]
    fn secret_display_and_debug_redact() {
        let raw = "s3cr3tValueThatMustNotLeak";
        let s = Secret::from_bytes(raw.as_bytes());
        for shown in [
            format!("{s}"),
            format!("{s:?}"),
            format!("{s:#?}"),
            format!(
                "{:?}",
                Part {
                    name: "p".into(),
                    value: s.clone()
                }
            ),
        ] {
            assert!(!shown.contains(raw), "{shown}");
            assert!(!shown.contains("ValueThat"), "{shown}");
        }
        assert_eq!(format!("{s}"), "s3cr…");
    }

    #[test]
    fn salted_fingerprints_differ_by_salt_and_stay_stable() {
        let secret = Secret::from_bytes(b"s");
        let plain = fingerprint("r.x", &secret);
        let a = salted_fingerprint("team-a", "r.x", &secret);
        assert_eq!(a.len(), 64);
        assert_ne!(a, plain);
        assert_eq!(a, salted_fingerprint("team-a", "r.x", &secret));
        assert_ne!(a, salted_fingerprint("team-b", "r.x", &secret));
        assert_ne!(a, salted_fingerprint("team-a", "r.y", &secret));
        // RFC 4231 test case 2: HMAC-SHA256 with key "Jefe".
        let mut mac = hmac_with("Jefe");
        hmac::Mac::update(&mut mac, b"what do ya want for nothing?");
        assert_eq!(
            hex(&hmac::Mac::finalize(mac).into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let id = salted_id("team-a", "0123456789abcdef0123456789abcdef");
        assert_eq!(id.len(), 32);
        assert_ne!(id, salted_id("team-b", "0123456789abcdef0123456789abcdef"));
    }

    #[test]
    fn fingerprint_is_stable() {
        let a = fingerprint("r.x", &Secret::from_report("s".into(), false));
        assert_eq!(a.len(), 64);
        assert_eq!(
            a,
            fingerprint("r.x", &Secret::from_report("s".into(), false))
        );
        assert_ne!(
            a,
            fingerprint("r.y", &Secret::from_report("s".into(), false))
        );
    }
}
