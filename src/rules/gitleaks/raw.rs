//! A gitleaks configuration file as gitleaks reads it: keys are
//! case-insensitive (`secretGroup`, `secretgroup`), `[allowlist]` and
//! `[rules.allowlist]` are the older singular forms, and `[extend] path`
//! merges another file in (at most two levels deep, like gitleaks).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::{Table, Value};

use crate::rules::RuleError;

/// Files followed through `[extend] path` below the first (gitleaks' limit).
const MAX_EXTEND_DEPTH: usize = 2;

/// A configuration with its extensions merged in.
#[derive(Debug, Default)]
pub(super) struct RawConfig {
    /// Rules, in file order (extended rules after the file's own).
    pub rules: Vec<RawRule>,
    /// Global allowlists (`[allowlist]`, `[[allowlists]]`).
    pub allowlists: Vec<RawAllowlist>,
}

/// `[extend]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawExtend {
    #[serde(rename = "usedefault")]
    use_default: bool,
    path: Option<String>,
    url: Option<String>,
    #[serde(rename = "disabledrules")]
    disabled_rules: Vec<String>,
}

/// One `[[rules]]` table.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct RawRule {
    pub id: String,
    pub description: String,
    pub regex: Option<String>,
    #[serde(rename = "secretgroup")]
    pub secret_group: i64,
    pub entropy: f64,
    pub keywords: Vec<String>,
    pub path: Option<String>,
    pub tags: Vec<String>,
    /// `[rules.allowlist]` (older form).
    allowlist: Option<RawAllowlist>,
    /// `[[rules.allowlists]]` (plus the older form, after loading).
    pub allowlists: Vec<RawAllowlist>,
    pub required: Vec<RawRequired>,
    #[serde(rename = "skipreport")]
    pub skip_report: bool,
    /// File the rule was read from.
    #[serde(skip)]
    pub file: String,
}

/// One `[[rules.required]]` table (composite rules).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct RawRequired {
    pub id: String,
    #[serde(rename = "withinlines")]
    pub within_lines: Option<i64>,
    #[serde(rename = "withincolumns")]
    pub within_columns: Option<i64>,
}

/// An allowlist, global or per rule.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct RawAllowlist {
    pub description: Option<String>,
    pub condition: Option<String>,
    pub commits: Vec<String>,
    pub paths: Vec<String>,
    #[serde(rename = "regextarget")]
    pub regex_target: Option<String>,
    pub regexes: Vec<String>,
    pub stopwords: Vec<String>,
    /// Global allowlists only: the rules it applies to.
    #[serde(rename = "targetrules")]
    pub target_rules: Vec<String>,
    /// File the allowlist was read from.
    #[serde(skip)]
    pub file: String,
}

const TOP_KEYS: &[&str] = &[
    "title",
    "description",
    "minversion",
    "extend",
    "rules",
    "allowlist",
    "allowlists",
];
const EXTEND_KEYS: &[&str] = &["usedefault", "path", "url", "disabledrules"];
const RULE_KEYS: &[&str] = &[
    "id",
    "description",
    "regex",
    "secretgroup",
    "entropy",
    "keywords",
    "path",
    "tags",
    "allowlist",
    "allowlists",
    "required",
    "skipreport",
];
const ALLOWLIST_KEYS: &[&str] = &[
    "description",
    "condition",
    "commits",
    "paths",
    "regextarget",
    "regexes",
    "stopwords",
    "targetrules",
];
const REQUIRED_KEYS: &[&str] = &["id", "withinlines", "withincolumns"];

/// Reads `path` and the files it extends, merged as gitleaks merges them.
pub(super) fn load(path: &Path, notes: &mut Vec<String>) -> Result<RawConfig, RuleError> {
    let mut visited = Vec::new();
    load_at(path, 0, &mut visited, notes)
}

fn load_at(
    path: &Path,
    depth: usize,
    visited: &mut Vec<PathBuf>,
    notes: &mut Vec<String>,
) -> Result<RawConfig, RuleError> {
    let file = path.display().to_string();
    visited.push(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()));
    let text = std::fs::read_to_string(path).map_err(|source| RuleError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let (mut config, extend) = parse(&file, &text, notes)?;
    if extend.use_default {
        notes.push(format!(
            "{file}: [extend] useDefault: gitleaks' default rules are not loaded; \
             keyhound's built-in rule pack is used instead"
        ));
    }
    if !extend.disabled_rules.is_empty() && extend.path.is_none() {
        notes.push(format!(
            "{file}: [extend] disabledRules ({}) name gitleaks default rules, which keyhound \
             does not load; to turn off keyhound rules, disable them by their keyhound id",
            extend.disabled_rules.join(", ")
        ));
    }
    if let Some(url) = &extend.url {
        notes.push(format!(
            "{file}: [extend] url {url:?} is not supported (gitleaks ignores it too)"
        ));
    }
    let Some(extended) = extend.path.as_deref().filter(|p| !p.is_empty()) else {
        return Ok(config);
    };
    if extend.use_default {
        notes.push(format!(
            "{file}: [extend] sets both useDefault and path (gitleaks refuses this); \
             the path is followed"
        ));
    }
    if depth >= MAX_EXTEND_DEPTH {
        notes.push(format!(
            "{file}: [extend] path {extended:?} not followed: gitleaks extends at most \
             {MAX_EXTEND_DEPTH} levels deep"
        ));
        return Ok(config);
    }
    let target = resolve(path, extended);
    let canonical = std::fs::canonicalize(&target).unwrap_or_else(|_| target.clone());
    if visited.contains(&canonical) {
        notes.push(format!(
            "{file}: [extend] path {extended:?} not followed: it extends a file already loaded \
             (cycle)"
        ));
        return Ok(config);
    }
    let base = load_at(&target, depth + 1, visited, notes)?;
    merge(&mut config, base, &extend.disabled_rules, &file, notes);
    Ok(config)
}

/// `[extend] path` relative to the configuration's directory, else (as
/// gitleaks reads it) relative to the working directory.
fn resolve(config: &Path, extended: &str) -> PathBuf {
    let given = PathBuf::from(extended);
    if given.is_absolute() {
        return given;
    }
    let beside = config
        .parent()
        .map_or_else(|| given.clone(), |dir| dir.join(&given));
    if beside.exists() || !given.exists() {
        beside
    } else {
        given
    }
}

/// gitleaks' `Config.extend`: the extended file's rules are added; a rule in
/// both takes the extending file's non-empty fields and the union of lists.
fn merge(
    config: &mut RawConfig,
    base: RawConfig,
    disabled: &[String],
    file: &str,
    notes: &mut Vec<String>,
) {
    for id in disabled {
        if !base.rules.iter().any(|r| &r.id == id) {
            notes.push(format!(
                "{file}: [extend] disabledRules: rule {id:?} is not in the extended configuration"
            ));
        }
    }
    for mut rule in base.rules {
        if disabled.contains(&rule.id) {
            continue;
        }
        match config.rules.iter().position(|r| r.id == rule.id) {
            None => config.rules.push(rule),
            Some(i) => {
                let current = std::mem::take(&mut config.rules[i]);
                if !current.description.is_empty() {
                    rule.description = current.description;
                }
                if current.entropy != 0.0 {
                    rule.entropy = current.entropy;
                }
                if current.secret_group != 0 {
                    rule.secret_group = current.secret_group;
                }
                if current.regex.is_some() {
                    rule.regex = current.regex;
                }
                if current.path.is_some() {
                    rule.path = current.path;
                }
                if !current.required.is_empty() {
                    rule.required = current.required;
                }
                rule.tags.extend(current.tags);
                rule.keywords.extend(current.keywords);
                rule.allowlists.extend(current.allowlists);
                rule.file = current.file;
                config.rules[i] = rule;
            }
        }
    }
    config.allowlists.extend(base.allowlists);
}

fn parse_error(file: &str, message: impl std::fmt::Display) -> RuleError {
    RuleError::Parse {
        file: file.to_string(),
        message: crate::rules::redact_quoted(message.to_string().trim_end()),
    }
}

/// Parses one file (no extension followed).
fn parse(
    file: &str,
    text: &str,
    notes: &mut Vec<String>,
) -> Result<(RawConfig, RawExtend), RuleError> {
    let table: Table = toml::from_str(text)
        .map_err(|err| parse_error(file, crate::rules::toml_error_message(text, &err)))?;
    let table = lowercase_keys(table, file, "", notes);
    note_unknown(&table, TOP_KEYS, file, "top level", notes);
    let extend: RawExtend = match table.get("extend") {
        Some(value) => {
            if let Value::Table(t) = value {
                note_unknown(t, EXTEND_KEYS, file, "[extend]", notes);
            }
            value
                .clone()
                .try_into()
                .map_err(|err| parse_error(file, format!("[extend]: {err}")))?
        }
        None => RawExtend::default(),
    };
    let mut config = RawConfig::default();
    for (i, value) in array_of_tables(&table, "rules", file)?.iter().enumerate() {
        let where_ = match value.get("id").and_then(Value::as_str) {
            Some(id) => format!("rule {id:?}"),
            None => format!("rule #{}", i + 1),
        };
        if let Value::Table(t) = value {
            note_unknown(t, RULE_KEYS, file, &where_, notes);
            for key in ["allowlist", "allowlists"] {
                match t.get(key) {
                    Some(Value::Table(a)) => {
                        note_unknown(a, ALLOWLIST_KEYS, file, &format!("{where_} {key}"), notes)
                    }
                    Some(Value::Array(items)) => {
                        for a in items.iter().filter_map(Value::as_table) {
                            note_unknown(a, ALLOWLIST_KEYS, file, &format!("{where_} {key}"), notes)
                        }
                    }
                    _ => {}
                }
            }
            if let Some(Value::Array(items)) = t.get("required") {
                for r in items.iter().filter_map(Value::as_table) {
                    note_unknown(r, REQUIRED_KEYS, file, &format!("{where_} required"), notes);
                }
            }
        }
        let mut rule: RawRule = value
            .clone()
            .try_into()
            .map_err(|err| parse_error(file, format!("{where_}: {err}")))?;
        rule.file = file.to_string();
        if let Some(old) = rule.allowlist.take() {
            rule.allowlists.insert(0, old);
        }
        for allowlist in &mut rule.allowlists {
            allowlist.file = file.to_string();
        }
        config.rules.push(rule);
    }
    if let Some(value) = table.get("allowlist") {
        if let Value::Table(t) = value {
            note_unknown(t, ALLOWLIST_KEYS, file, "[allowlist]", notes);
        }
        let mut allowlist: RawAllowlist = value
            .clone()
            .try_into()
            .map_err(|err| parse_error(file, format!("[allowlist]: {err}")))?;
        allowlist.file = file.to_string();
        config.allowlists.push(allowlist);
    }
    for (i, value) in array_of_tables(&table, "allowlists", file)?
        .iter()
        .enumerate()
    {
        let where_ = format!("[[allowlists]] #{}", i + 1);
        if let Value::Table(t) = value {
            note_unknown(t, ALLOWLIST_KEYS, file, &where_, notes);
        }
        let mut allowlist: RawAllowlist = value
            .clone()
            .try_into()
            .map_err(|err| parse_error(file, format!("{where_}: {err}")))?;
        allowlist.file = file.to_string();
        config.allowlists.push(allowlist);
    }
    Ok((config, extend))
}

fn array_of_tables<'t>(table: &'t Table, key: &str, file: &str) -> Result<&'t [Value], RuleError> {
    match table.get(key) {
        None => Ok(&[]),
        Some(Value::Array(items)) => {
            if items.iter().all(Value::is_table) {
                Ok(items)
            } else {
                Err(parse_error(
                    file,
                    format!("`{key}` must be an array of tables"),
                ))
            }
        }
        Some(_) => Err(parse_error(
            file,
            format!("`{key}` must be an array of tables ([[{key}]])"),
        )),
    }
}

/// gitleaks (viper) matches keys case-insensitively: lowercase every table key.
fn lowercase_keys(table: Table, file: &str, at: &str, notes: &mut Vec<String>) -> Table {
    let mut out = Table::new();
    for (key, value) in table {
        let lower = key.to_ascii_lowercase();
        let path = if at.is_empty() {
            lower.clone()
        } else {
            format!("{at}.{lower}")
        };
        let value = lowercase_value(value, file, &path, notes);
        if out.contains_key(&lower) {
            notes.push(format!(
                "{file}: key `{path}` appears twice with different case; the first is used"
            ));
            continue;
        }
        out.insert(lower, value);
    }
    out
}

fn lowercase_value(value: Value, file: &str, at: &str, notes: &mut Vec<String>) -> Value {
    match value {
        Value::Table(table) => Value::Table(lowercase_keys(table, file, at, notes)),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| lowercase_value(v, file, at, notes))
                .collect(),
        ),
        other => other,
    }
}

fn note_unknown(table: &Table, known: &[&str], file: &str, at: &str, notes: &mut Vec<String>) {
    for key in table.keys() {
        if !known.contains(&key.as_str()) {
            notes.push(format!("{file}: {at}: unknown key `{key}` ignored"));
        }
    }
}
