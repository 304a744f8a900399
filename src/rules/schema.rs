//! The on-disk rule format (`rules/*.toml`), exactly as users write it.
//! See `docs/RULES.md` for the annotated schema.

use serde::Deserialize;

/// One rule file: a list of `[[rule]]` tables.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The rules of this file, in file order.
    #[serde(rename = "rule", default)]
    pub rules: Vec<RuleSpec>,
}

/// One rule as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable unique id, dotted lowercase (`github.pat-classic`).
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Provider the credential belongs to (`github`).
    pub provider: String,
    /// Non-human-identity kind this credential is (`github.personal-access-token`).
    pub identity: String,
    /// Case-insensitive literals; the rule only runs on blobs containing one.
    pub keywords: Vec<String>,
    /// Regex (bytes, Unicode off) with exactly one named group `secret`.
    pub pattern: String,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub min_entropy: f64,
    /// How sure a match is to be a real credential.
    #[serde(default)]
    pub confidence: Confidence,
    /// Impact if the credential is real.
    #[serde(default)]
    pub severity: Severity,
    /// Catch-all rule: loses to specific rules on the same bytes; stricter value filter.
    #[serde(default)]
    pub generic: bool,
    /// For a generic rule of provider `generic`: judged by the generic scorer
    /// (the default). `false` marks a precise context (`#define DB_PASSWORD
    /// "…"`) whose matches keep their declared confidence.
    #[serde(default = "scored_by_default")]
    pub scored: bool,
    /// A value opened by a quote runs to its closing quote on the same line
    /// when the whole literal looks like a generated password: its symbols
    /// (`"u>b(iheyE;d7P4"`) are part of the secret, and it keeps the rule's
    /// confidence without the scorer. The `secret` group may start with the
    /// opening quote itself, which is not part of the secret.
    #[serde(default)]
    pub quoted_values: bool,
    /// Secrets containing one of these (case-insensitive) are dropped.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Evidence, not a secret (certificates): matches feed the inventory
    /// (linking a private key to its certificate) but are not findings and
    /// never set the exit code.
    #[serde(default)]
    pub inventory_only: bool,
    /// Names of offline validators to run, from a closed set (see `KNOWN_VALIDATORS`).
    #[serde(default)]
    pub validate: Vec<String>,
    /// What the secret must decode to before it is reported (a hard check,
    /// unlike `validate`, which only grades): `basic-auth`, `random-bytes`.
    #[serde(default)]
    pub decodes_to: Option<DecodesTo>,
    /// The secret is a container of another credential (a Kubernetes
    /// Secret's data value): when any rule matches its decoding, that match
    /// is the finding and this one is dropped (generic rules only).
    #[serde(default)]
    pub decoded_wins: bool,
    /// Documentation of the provider's token format.
    #[serde(default)]
    pub references: Vec<String>,
    /// Companion parts of a multi-part credential.
    #[serde(default)]
    pub requires: Vec<CompanionSpec>,
    /// Texts the full detector must report under this rule.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Texts the full detector must not report under this rule.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// A companion part of a multi-part credential (e.g. the AWS key id next to its secret).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanionSpec {
    /// Part name shown in reports (`access_key_id`).
    pub name: String,
    /// Regex; its `secret` group (or the whole match) is the part's value.
    pub pattern: String,
    /// Lines above and below the main match searched for the part.
    #[serde(default = "default_within_lines")]
    pub within_lines: u32,
    /// Context, not a required part: when it is missing the confidence stays
    /// (the user name next to a connection string's password).
    #[serde(default)]
    pub optional: bool,
}

fn default_within_lines() -> u32 {
    5
}

/// How likely a match is to be a real credential.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Weak evidence: context-only or generic match.
    Low,
    /// Plausible: shape plus context.
    #[default]
    Medium,
    /// Distinctive documented format.
    High,
}

impl Confidence {
    /// One level lower (used when a companion part is missing).
    pub fn lowered(self) -> Self {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }

    /// Lowercase name as written in rules and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Impact of a leaked credential.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Little impact (public identifiers, test-mode keys).
    Low,
    /// Limited impact.
    Medium,
    /// Account or service access.
    #[default]
    High,
    /// Cloud-wide, payment or private-key compromise.
    Critical,
}

impl Severity {
    /// Lowercase name as written in rules and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// GitHub code scanning `security-severity` score (0.0–10.0).
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Low => "3.0",
            Severity::Medium => "5.5",
            Severity::High => "8.0",
            Severity::Critical => "9.5",
        }
    }
}

/// A decoding the secret must pass to be reported (`decodes_to` in a rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum DecodesTo {
    /// Base64 of a printable `user:password` pair (HTTP Basic authentication).
    #[serde(rename = "basic-auth")]
    BasicAuth,
    /// Base64 of random bytes, not of text: key material (an Azure storage
    /// account key is 64 random bytes; base64 of 64 letters is a passphrase
    /// someone encoded, under a name that only looks like Azure's).
    #[serde(rename = "random-bytes")]
    RandomBytes,
}

/// Generic rules of provider `generic` are scored unless they say otherwise.
fn scored_by_default() -> bool {
    true
}
