//! Exported config stores on standard input: `kubectl get secrets -o json`,
//! `consul kv export`, `etcdctl get -w json`, `vault kv get -format=json`,
//! `aws ssm get-parameters-by-path`, `env` and `docker inspect`.
//!
//! Each store's export is parsed into entries (object name, key, value); every
//! entry is handed to the [`BlobVisitor`] as one small blob `<key>=<value>\n`
//! (the form the generic `key=value` rules read best) whose path names the
//! object, e.g. `k8s:prod/db-creds/password`. An entry that cannot be read (bad
//! base64, wrong type) is reported as an error of its path and the rest is
//! scanned; input that holds no readable entry at all is a [`StoreError`].

mod env;
mod k8s;
mod kv;

use std::fmt;
use std::io::Read;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::Value;

use super::stdin::STDIN_PATH;
use super::{BlobVisitor, ReadOptions, SkipReason, looks_binary};

/// Which exported store standard input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreKind {
    /// `kubectl get secrets -A -o json`: a `List` of `Secret`s (and
    /// `ConfigMap`s), or one `Secret`.
    K8s,
    /// `consul kv export`: `[{key, flags, value (base64)}]`.
    Consul,
    /// `etcdctl get "" --prefix -w json`: `{header, kvs: [{key, value}]}`, both base64.
    Etcd,
    /// `vault kv get -format=json`: `data.data` (KV v2) or `data` (KV v1).
    Vault,
    /// `aws ssm get-parameters-by-path --with-decryption`: `{Parameters: [{Name, Value}]}`.
    Ssm,
    /// `env` / `printenv`: `KEY=VALUE` lines (or NUL-separated with `-0`).
    Env,
    /// `docker inspect`: containers' `Config.Env` and `Config.Labels`.
    Docker,
}

impl StoreKind {
    /// Every kind, in the order help texts list them.
    pub const ALL: [StoreKind; 7] = [
        StoreKind::K8s,
        StoreKind::Consul,
        StoreKind::Etcd,
        StoreKind::Vault,
        StoreKind::Ssm,
        StoreKind::Env,
        StoreKind::Docker,
    ];

    /// The kind's name on the command line and its location prefix (`k8s`).
    pub fn name(self) -> &'static str {
        match self {
            StoreKind::K8s => "k8s",
            StoreKind::Consul => "consul",
            StoreKind::Etcd => "etcd",
            StoreKind::Vault => "vault",
            StoreKind::Ssm => "ssm",
            StoreKind::Env => "env",
            StoreKind::Docker => "docker",
        }
    }

    /// The command whose output this kind reads.
    pub fn command(self) -> &'static str {
        match self {
            StoreKind::K8s => "kubectl get secrets -A -o json",
            StoreKind::Consul => "consul kv export",
            StoreKind::Etcd => "etcdctl get \"\" --prefix -w json",
            StoreKind::Vault => "vault kv get -format=json PATH",
            StoreKind::Ssm => "aws ssm get-parameters-by-path --with-decryption",
            StoreKind::Env => "env",
            StoreKind::Docker => "docker inspect",
        }
    }
}

impl fmt::Display for StoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for StoreKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        StoreKind::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                let names: Vec<&str> = StoreKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown store {text:?}: expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Why standard input could not be read as a store export at all.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Standard input could not be read.
    #[error("cannot read standard input: {0}")]
    Read(#[from] std::io::Error),
    /// Standard input was empty (the exporting command probably failed).
    #[error("standard input is empty: expected the output of `{}`", .0.command())]
    Empty(StoreKind),
    /// Standard input is not JSON.
    #[error("standard input is not a {kind} export (the output of `{}`): not JSON", .kind.command())]
    NotJson {
        /// The store asked for.
        kind: StoreKind,
        /// The parser's complaint.
        source: serde_json::Error,
    },
    /// Standard input is JSON (or text) of another shape.
    #[error("standard input is not a {kind} export (the output of `{}`): {problem}", .kind.command())]
    Shape {
        /// The store asked for.
        kind: StoreKind,
        /// What was expected and not found.
        problem: String,
    },
    /// Every entry of the export was malformed.
    #[error("no entry of the {kind} export could be read ({count} malformed; first: {first})")]
    NothingReadable {
        /// The store asked for.
        kind: StoreKind,
        /// Malformed entries.
        count: usize,
        /// The first entry's problem.
        first: String,
    },
}

/// One value of a store: `path` names it in reports, `key` gives the value
/// its context for the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Location path, e.g. `k8s:prod/db-creds/password`.
    pub path: String,
    /// The key the value is stored under (`password`, `DB_PASSWORD`).
    pub key: String,
    /// The value, decoded.
    pub value: Vec<u8>,
}

impl Entry {
    /// The blob scanned for this entry: `<key>=<value>\n`.
    pub fn blob(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.key.len() + self.value.len() + 2);
        bytes.extend_from_slice(self.key.as_bytes());
        bytes.push(b'=');
        bytes.extend_from_slice(&self.value);
        if !self.value.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        bytes
    }
}

/// An entry that could not be read; the rest of the export is scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Location path of the entry (or `<stdin>`).
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

/// What a store's parser made of its input.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Readable entries, in input order.
    pub entries: Vec<Entry>,
    /// Malformed entries.
    pub problems: Vec<Problem>,
}

impl Parsed {
    fn entry(&mut self, path: String, key: &str, value: impl Into<Vec<u8>>) {
        self.entries.push(Entry {
            path,
            key: key.to_string(),
            value: value.into(),
        });
    }

    fn problem(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }
}

/// Parses `bytes` as an export of `kind`.
pub fn parse(kind: StoreKind, bytes: &[u8]) -> Result<Parsed, StoreError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(StoreError::Empty(kind));
    }
    let mut parsed = match kind {
        StoreKind::Env => env::parse_env(bytes)?,
        _ => {
            let mut parsed = Parsed::default();
            for document in json_documents(kind, bytes, &mut parsed)? {
                match kind {
                    StoreKind::K8s => k8s::parse(&document, &mut parsed)?,
                    StoreKind::Consul => kv::parse_consul(&document, &mut parsed)?,
                    StoreKind::Etcd => kv::parse_etcd(&document, &mut parsed)?,
                    StoreKind::Vault => kv::parse_vault(&document, &mut parsed)?,
                    StoreKind::Ssm => kv::parse_ssm(&document, &mut parsed)?,
                    StoreKind::Docker => env::parse_docker(&document, &mut parsed)?,
                    StoreKind::Env => {}
                }
            }
            parsed
        }
    };
    if parsed.entries.is_empty() {
        if let Some(first) = parsed.problems.first() {
            return Err(StoreError::NothingReadable {
                kind,
                count: parsed.problems.len(),
                first: format!("{}: {}", first.path, first.message),
            });
        }
    }
    for problem in &mut parsed.problems {
        problem.message = format!("{}: {}", problem.path, problem.message);
    }
    Ok(parsed)
}

/// Reads all of `input` (up to `--max-file-size`), parses it as an export of
/// `kind` and hands every entry to `visitor`. Malformed entries are reported
/// through [`BlobVisitor::error`]; an error is returned only when nothing in
/// the input could be read.
pub fn scan_reader(
    input: impl Read,
    kind: StoreKind,
    options: &ReadOptions,
    visitor: &mut dyn BlobVisitor,
) -> Result<(), StoreError> {
    let mut bytes = Vec::new();
    input
        .take(options.max_file_size.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > options.max_file_size {
        visitor.skipped(STDIN_PATH, SkipReason::TooLarge);
        return Ok(());
    }
    let parsed = parse(kind, &bytes)?;
    for problem in parsed.problems {
        visitor.error(&problem.path, problem.message);
    }
    for entry in parsed.entries {
        let blob = entry.blob();
        if !options.scan_binary && looks_binary(&entry.value) {
            visitor.skipped(&entry.path, SkipReason::Binary);
        } else {
            visitor.blob(&entry.path, &blob);
        }
    }
    Ok(())
}

/// The JSON documents of `bytes` (several may follow each other, e.g. one
/// `vault kv get` per secret). The first must parse; a later one that does
/// not is a problem and ends the stream.
fn json_documents(
    kind: StoreKind,
    bytes: &[u8],
    parsed: &mut Parsed,
) -> Result<Vec<Value>, StoreError> {
    let mut documents = Vec::new();
    for document in serde_json::Deserializer::from_slice(bytes).into_iter::<Value>() {
        match document {
            Ok(value) => documents.push(value),
            Err(source) if documents.is_empty() => {
                return Err(StoreError::NotJson { kind, source });
            }
            Err(err) => {
                parsed.problem(
                    STDIN_PATH,
                    format!(
                        "input after JSON document {} is not JSON ({err}); the rest is ignored",
                        documents.len()
                    ),
                );
                break;
            }
        }
    }
    Ok(documents)
}

/// Base64 as stores write it: standard alphabet, padding optional.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes a base64 field, with a message naming the field on failure.
fn decode_base64(field: &str, text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    BASE64
        .decode(compact.as_bytes())
        .map_err(|err| format!("invalid base64 in `{field}`: {err}"))
}

/// A JSON value as text: strings as they are, anything else as JSON.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A wrong-shape error for `kind`.
fn shape(kind: StoreKind, problem: impl Into<String>) -> StoreError {
    StoreError::Shape {
        kind,
        problem: problem.into(),
    }
}

/// A short description of a JSON value's type, for error messages.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in StoreKind::ALL {
            assert_eq!(kind.name().parse::<StoreKind>(), Ok(kind));
        }
        assert!("redis".parse::<StoreKind>().is_err());
    }

    #[test]
    fn entry_blob_is_key_equals_value() {
        let entry = Entry {
            path: "k8s:prod/db/password".into(),
            key: "password".into(),
            value: b"xy".to_vec(),
        };
        assert_eq!(entry.blob(), b"password=xy\n");
    }

    #[test]
    fn empty_and_non_json_input_are_errors() {
        assert!(matches!(
            parse(StoreKind::K8s, b"  \n"),
            Err(StoreError::Empty(StoreKind::K8s))
        ));
        assert!(matches!(
            parse(StoreKind::Consul, b"Error: connection refused"),
            Err(StoreError::NotJson { .. })
        ));
        assert!(matches!(
            parse(StoreKind::Ssm, b"[1, 2]"),
            Err(StoreError::Shape { .. })
        ));
    }

    /// Records what a store hands to its visitor.
    #[derive(Default)]
    struct Recorder {
        events: Vec<String>,
    }

    impl BlobVisitor for Recorder {
        fn blob(&mut self, path: &str, bytes: &[u8]) {
            let text = String::from_utf8_lossy(bytes);
            self.events.push(format!("blob {path} {text:?}"));
        }
        fn skipped(&mut self, path: &str, reason: SkipReason) {
            self.events.push(format!("skipped {path} {reason:?}"));
        }
        fn error(&mut self, path: &str, message: String) {
            self.events.push(format!("error {path} {message}"));
        }
    }

    #[test]
    fn scan_reader_hands_entries_problems_and_skips_to_the_visitor() {
        let input =
            br#"[{"key":"a","value":"eHk="},{"key":"b","value":"AAE="},{"key":"c","value":"?"}]"#;
        let mut recorder = Recorder::default();
        let result = scan_reader(
            &input[..],
            StoreKind::Consul,
            &ReadOptions::default(),
            &mut recorder,
        );
        assert!(result.is_ok());
        assert_eq!(
            recorder.events,
            vec![
                "error consul:c consul:c: invalid base64 in `value`: Invalid symbol 63, offset 0."
                    .to_string(),
                "blob consul:a \"a=xy\\n\"".to_string(),
                "skipped consul:b Binary".to_string(),
            ]
        );

        let mut recorder = Recorder::default();
        let small = ReadOptions {
            max_file_size: 10,
            ..ReadOptions::default()
        };
        assert!(scan_reader(&input[..], StoreKind::Consul, &small, &mut recorder).is_ok());
        assert_eq!(
            recorder.events,
            vec!["skipped <stdin> TooLarge".to_string()]
        );
    }

    #[test]
    fn base64_padding_is_optional() {
        assert_eq!(decode_base64("v", "aGk="), Ok(b"hi".to_vec()));
        assert_eq!(decode_base64("v", "aGk"), Ok(b"hi".to_vec()));
        assert!(decode_base64("v", "not base64!").is_err());
    }
}
