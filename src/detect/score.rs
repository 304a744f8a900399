//! The generic-secret scorer: a small logistic model over token-shape and
//! context features decides whether a generic rule's candidate (a
//! secret-looking name assigned a literal) is a credential, and how confident
//! keyhound is. Hard filters (placeholders, code, references) run first; the
//! model judges what is left.
//!
//! Features are computed here and only here: the training script
//! (`scripts/eval/train-generic.py`) reads them from `keyhound debug features`,
//! so training and inference cannot drift apart. Weights are data
//! (`data/generic-scorer.json`), embedded at build time.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use serde::Deserialize;

use super::filters;
use crate::rules::Confidence;

/// Names of the features, in the order of [`Features`]; the model file must
/// list the same names in the same order.
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "len_log",
    "entropy",
    "entropy_ratio",
    "digit_frac",
    "upper_frac",
    "lower_frac",
    "special_frac",
    "classes",
    "letters_only",
    "digits_only",
    "hex_only",
    "uuid_shape",
    "camel_humps",
    "has_dot",
    "has_slash",
    "has_dash_or_underscore",
    "ends_padding",
    "quoted",
    "colon_separator",
    "comment_line",
    "fake_context",
    "key_fake",
    "key_meta",
    "key_len_log",
    "line_len_log",
    "repeats",
    "in_query",
    "comparison",
    "markup_line",
    "call_argument",
    "code_line",
    "unquoted_identifier",
    "quoted_identifier",
    "group_password",
    "group_secret",
    "group_token",
    "group_key",
    "group_auth",
    "group_url",
    "group_other",
    "delimited",
    "non_ascii",
    "names_secret",
    "capitalised_word",
];

/// Number of features.
pub const FEATURES: usize = 44;

/// One candidate's feature vector.
pub type Features = [f32; FEATURES];

/// Where a generic candidate sits in its blob.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    /// The rule's id (its group feature comes from it).
    pub rule_id: &'a str,
    /// The whole blob.
    pub bytes: &'a [u8],
    /// Start of the rule's whole match (the key name, for assignments).
    pub key_start: usize,
    /// The secret value.
    pub secret: Range<usize>,
    /// Shannon entropy of the secret (already computed by the detector).
    pub entropy: f64,
}

/// Computes the features of a candidate.
pub fn features(candidate: &Candidate<'_>) -> Features {
    let bytes = candidate.bytes;
    let value = &bytes[candidate.secret.clone()];
    let is_ident = |b: &u8| filters::is_word_byte(b) || matches!(b, b'-' | b'.');
    // The whole identifier around the rule's key word (`DB_PASSWORD`, not `PASSWORD`).
    let key_start = filters::run_start(
        bytes,
        candidate.key_start.min(candidate.secret.start),
        is_ident,
    );
    let key = &bytes[key_start..candidate.secret.start];
    let line_start = filters::line_start(bytes, key_start);
    let line_end = memchr::memchr(b'\n', &bytes[candidate.secret.end..])
        .map_or(bytes.len(), |i| candidate.secret.end + i);
    let line = &bytes[line_start..line_end];
    let before_key = &bytes[line_start..key_start];
    let after_value = &bytes[candidate.secret.end..line_end];

    let len = value.len().max(1) as f32;
    let count = |f: fn(&u8) -> bool| value.iter().filter(|b| f(b)).count() as f32;
    let digits = count(u8::is_ascii_digit);
    let upper = count(u8::is_ascii_uppercase);
    let lower = count(u8::is_ascii_lowercase);
    let special = len - digits - upper - lower;
    let classes = [digits, upper, lower, special]
        .iter()
        .filter(|&&n| n > 0.0)
        .count() as f32;
    let entropy = candidate.entropy as f32;
    let max_entropy = (value.len().clamp(2, 94) as f32).log2();
    // Word joints of camelCase (`getAccessToken`): an uppercase letter between two
    // lowercase pairs. Random mixed-case keys have one such joint in ~80 characters,
    // identifiers one per word, so the feature tells the two apart.
    let humps = value
        .windows(5)
        .filter(|w| {
            w[0].is_ascii_lowercase()
                && w[1].is_ascii_lowercase()
                && w[2].is_ascii_uppercase()
                && w[3].is_ascii_lowercase()
                && w[4].is_ascii_lowercase()
        })
        .count() as f32;
    let hex = value.iter().all(u8::is_ascii_hexdigit) && digits > 0.0 && value.len() >= 8;
    let ident_len = key.iter().take_while(|b| is_ident(b)).count();
    let key_ident = &key[..ident_len];
    let quote_before = candidate
        .secret
        .start
        .checked_sub(1)
        .and_then(|i| bytes.get(i))
        .is_some_and(filters::is_quote);
    let trimmed_line = line.trim_ascii_start();
    let group = group_of(candidate.rule_id);

    let mut f = [0.0f32; FEATURES];
    f[0] = len.ln();
    f[1] = entropy;
    f[2] = entropy / max_entropy;
    f[3] = digits / len;
    f[4] = upper / len;
    f[5] = lower / len;
    f[6] = special / len;
    f[7] = classes / 4.0;
    f[8] = flag(upper + lower == len);
    f[9] = flag(digits == len);
    f[10] = flag(hex);
    f[11] = flag(filters::is_uuid(value));
    f[12] = humps.min(4.0) / 4.0;
    f[13] = flag(value.contains(&b'.'));
    f[14] = flag(value.contains(&b'/'));
    f[15] = flag(value.iter().any(|b| matches!(b, b'-' | b'_')));
    f[16] = flag(value.ends_with(b"="));
    f[17] = flag(quote_before);
    f[18] = flag(key.contains(&b':') && !key.contains(&b'='));
    f[19] = flag(is_comment(trimmed_line));
    f[20] = flag(FAKE.is_match(before_key) || FAKE.is_match(after_value));
    f[21] = flag(FAKE.is_match(key_ident));
    f[22] = flag(META.is_match(key_ident));
    f[23] = (key_ident.len().max(1) as f32).ln();
    f[24] = (line.len().max(1) as f32).ln();
    f[25] = flag(filters::has_run(value, 3));
    f[26] = flag(before_key.last().is_some_and(|b| matches!(b, b'?' | b'&')));
    f[27] = flag(COMPARISON.is_match(line));
    f[28] = flag(matches!(
        trimmed_line.first(),
        Some(b'-' | b'*' | b'|' | b'>')
    ));
    f[29] = flag(key.contains(&b'('));
    f[30] = flag(CODE_LINE.is_match(line));
    f[31] = flag(!quote_before && filters::is_identifier(value));
    f[32] = flag(quote_before && filters::is_identifier_shaped(value));
    f[33 + group] = 1.0;
    f[40] = flag(filters::is_delimited_literal(bytes, &candidate.secret));
    f[41] = flag(value.iter().any(|b| !b.is_ascii()));
    f[42] = flag(NAMES_SECRET.is_match(value));
    f[43] = flag(
        value.len() >= 3
            && value[0].is_ascii_uppercase()
            && value[1..].iter().all(u8::is_ascii_lowercase),
    );
    f
}

/// True for the generic rules of the password group (`generic.password`,
/// `generic.cli-password-flag`...): values people choose, often of words.
pub(crate) fn is_password_rule(id: &str) -> bool {
    group_of(id) == 0
}

/// True for the generic rules of machine-made credentials, tokens and keys
/// (not passwords or secrets, which people may make of words).
pub(crate) fn is_token_or_key_rule(id: &str) -> bool {
    matches!(group_of(id), 2 | 3)
}

/// True for the generic rules of machine-made values: tokens, keys and
/// application salts (`generic.salt`, unscored, so outside the model's groups).
pub(crate) fn is_machine_made_rule(id: &str) -> bool {
    is_token_or_key_rule(id) || is_salt_rule(id)
}

/// True for the rules of application salts and peppers (`generic.salt`),
/// whose names the name checks would read as derived values.
pub(crate) fn is_salt_rule(id: &str) -> bool {
    id.contains("salt")
}

/// Feature groups of the generic rules, by their ids.
fn group_of(id: &str) -> usize {
    // Rule ids are dotted lowercase (checked when rules load).
    if id.contains("pass") || id.contains("pwd") {
        0
    } else if id.contains("secret") {
        1
    } else if id.contains("token") {
        2
    } else if id.contains("key") {
        3
    } else if id.contains("auth") {
        4
    } else if id.contains("url") || id.contains("uri") || id.contains("connection") {
        5
    } else {
        6
    }
}

/// Words that mark test, sample or documentation values around a candidate.
const FAKE_WORDS: &[&str] = &[
    "test", "example", "sample", "dummy", "fake", "mock", "demo", "default",
];

/// Key-name words of settings about a secret rather than the secret itself.
const META_WORDS: &[&str] = &[
    "hash",
    "salt",
    "digest",
    "length",
    "len",
    "policy",
    "field",
    "label",
    "prompt",
    "hint",
    "format",
    "regex",
    "pattern",
    "min",
    "max",
    "type",
    "name",
    "url",
    "file",
    "path",
    "dir",
    "mode",
    "header",
    "param",
    "expir",
    "ttl",
    "timeout",
    "count",
    "size",
    "id",
    "public",
    "publishable",
    "fingerprint",
    "cache",
    "primary",
    "foreign",
    "sort",
    "partition",
    "lookup",
    "index",
    "idempot",
    "checksum",
    "commit",
    "description",
    "homepage",
    "version",
    "duration",
];

/// Words of a value that names a credential rather than being one
/// (`"testGithubToken"`, `generated-credential`, `api_password`).
const NAMES_SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "credential",
    "apikey",
    "api_key",
];

/// Markers of a line of program code rather than configuration.
const CODE_LINE_WORDS: &[&str] = &[
    "self.", "this.", "let ", "const ", "var ", "def ", "pub ", "fn ", "func ", "private ",
    "public ", "static ", "final ", "return ", "(", ");",
];

/// Markers of comparisons and assertions (test code compares with fake values).
const COMPARISON_WORDS: &[&str] = &["==", "!=", "assert", "expect(", "should"];

fn flag(value: bool) -> f32 {
    if value { 1.0 } else { 0.0 }
}

fn is_comment(line: &[u8]) -> bool {
    ["#", "//", "/*", "* ", "--", ";", "<!--", "rem "]
        .iter()
        .any(|marker| line.starts_with(marker.as_bytes()))
}

fn words(list: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(list)
        .unwrap_or_else(|err| unreachable!("fixed word lists always build: {err}"))
}

static FAKE: LazyLock<AhoCorasick> = LazyLock::new(|| words(FAKE_WORDS));
static META: LazyLock<AhoCorasick> = LazyLock::new(|| words(META_WORDS));
static CODE_LINE: LazyLock<AhoCorasick> = LazyLock::new(|| words(CODE_LINE_WORDS));
static COMPARISON: LazyLock<AhoCorasick> = LazyLock::new(|| words(COMPARISON_WORDS));
static NAMES_SECRET: LazyLock<AhoCorasick> = LazyLock::new(|| words(NAMES_SECRET_WORDS));

/// The logistic model and the score thresholds that map to confidence.
#[derive(Debug, Deserialize)]
pub struct Model {
    /// Feature names, in order; must equal [`FEATURE_NAMES`].
    pub features: Vec<String>,
    /// One weight per feature.
    pub weights: Vec<f32>,
    /// Intercept.
    pub bias: f32,
    /// Candidates scoring below this are dropped.
    pub report_at: f32,
    /// At or above this a finding is medium confidence (else low).
    pub medium_at: f32,
    /// At or above this a finding is high confidence.
    pub high_at: f32,
}

impl Model {
    /// Probability that the candidate is a real credential.
    pub fn probability(&self, features: &Features) -> f32 {
        let z: f32 = self.bias
            + self
                .weights
                .iter()
                .zip(features.iter())
                .map(|(w, x)| w * x)
                .sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }

    /// Confidence for a probability, or `None` when the candidate is dropped.
    pub fn confidence(&self, probability: f32) -> Option<Confidence> {
        if probability >= self.high_at {
            Some(Confidence::High)
        } else if probability >= self.medium_at {
            Some(Confidence::Medium)
        } else if probability >= self.report_at {
            Some(Confidence::Low)
        } else {
            None
        }
    }
}

/// Parses a model and checks it against the compiled feature list.
pub fn parse_model(json: &str) -> Result<Model, String> {
    let model: Model = serde_json::from_str(json).map_err(|err| err.to_string())?;
    if model.features.len() != FEATURES
        || model.weights.len() != FEATURES
        || model
            .features
            .iter()
            .zip(FEATURE_NAMES)
            .any(|(a, b)| a != b)
    {
        return Err("the model's features do not match this build's feature list".into());
    }
    Ok(model)
}

/// The embedded model (`None` if it does not match this build, which a test
/// rules out; generic rules then keep their declared confidence).
pub static MODEL: LazyLock<Option<Model>> = LazyLock::new(|| {
    parse_model(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/generic-scorer.json"
    )))
    .ok()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_matches_the_feature_list() {
        assert!(MODEL.is_some());
    }

    #[test]
    fn features_of_an_assignment() {
        // Built from pieces so the source holds no credential-shaped literal.
        let value = ["Vr7", "#kq", "2Lmz"].concat();
        let text = format!("  # test\nDB_{} = \"{value}\" # prod\n", "PASSWORD");
        let bytes = text.as_bytes();
        let start = 9;
        let secret = 24..34;
        assert_eq!(&bytes[secret.clone()], value.as_bytes());
        let f = features(&Candidate {
            rule_id: "generic.password",
            bytes,
            key_start: start + 3,
            entropy: crate::detect::entropy::shannon(value.as_bytes()),
            secret,
        });
        assert_eq!(f[17], 1.0, "quoted");
        assert_eq!(f[19], 0.0, "not a comment line");
        assert_eq!(f[7], 1.0, "four classes");
        assert_eq!(f[33], 1.0, "password group");
        assert_eq!(f[20], 0.0, "no fake word on its line");
        assert_eq!(f[40], 1.0, "delimited");
        assert_eq!(f[41], 0.0, "ascii");
        assert_eq!(f[42], 0.0, "names no secret");
    }

    #[test]
    fn features_of_a_value_naming_a_secret() {
        let text = format!("{} = \"testGithubToken\"\n", "password");
        let bytes = text.as_bytes();
        let secret = 12..27;
        assert_eq!(&bytes[secret.clone()], b"testGithubToken");
        let f = features(&Candidate {
            rule_id: "generic.password",
            bytes,
            key_start: 0,
            entropy: crate::detect::entropy::shannon(&bytes[secret.clone()]),
            secret,
        });
        assert_eq!(f[42], 1.0, "names a secret");
        assert_eq!(f[43], 0.0, "not one capitalised word");
    }

    /// The camelCase feature of `key = "<value>"`.
    fn camel_humps(value: &str) -> f32 {
        let text = format!("key = \"{value}\"\n");
        let bytes = text.as_bytes();
        let secret = 7..7 + value.len();
        features(&Candidate {
            rule_id: "generic.key",
            bytes,
            key_start: 0,
            entropy: crate::detect::entropy::shannon(value.as_bytes()),
            secret,
        })[12]
    }

    #[test]
    fn camel_case_words_are_not_random_case() {
        assert_eq!(camel_humps("getAccessTokenFromServer"), 1.0);
        assert_eq!(camel_humps("smartCardAssociated"), 0.5);
        // A random mixed-case key switches case all the time, but rarely
        // between two lowercase pairs.
        let random = ["kQ7vXz2L", "mP9wRt4Y", "bN8cJ3hF"].concat();
        assert_eq!(camel_humps(&random), 0.0);
    }
}
