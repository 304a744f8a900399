//! gitleaks migration: a gitleaks TOML configuration read as keyhound rules
//! and allowlists (see `docs/GITLEAKS.md` for what maps and what does not).
//!
//! The user's file is translated at run time; nothing of gitleaks' own
//! default configuration is used (keyhound's built-in pack takes its place).
//!
//! - `[[rules]]` become rules `gitleaks.<id>`: the regex with the secret
//!   capture group (`secretGroup`, else group 1, else the whole match)
//!   renamed `secret`, `entropy` as `min_entropy`, `keywords` as keywords
//!   (or, when they cannot serve as keyhound keywords, literals every match
//!   must contain; failing both the rule runs on every file).
//! - Allowlists (global and per rule) become [`AllowlistSpec`]s.
//! - Whatever cannot be translated is skipped with a note; a configuration
//!   that is not TOML, or has a value of the wrong type, is an error.

mod pattern;
mod raw;

use std::collections::HashMap;
use std::path::Path;

use super::load::RuleError;
use super::schema::{CompanionSpec, Confidence, RuleSpec, Severity};
use crate::suppress::AllowlistSpec;
use raw::{RawAllowlist, RawRule};

/// Size limit of a translated rule regex (the detector's own limit).
const RULE_REGEX_SIZE_LIMIT: usize = 16 * 1024 * 1024;
/// Size limit of an allowlist regex (the allowlist compiler's own limit).
const ALLOWLIST_REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A gitleaks configuration translated to keyhound.
#[derive(Debug, Clone, Default)]
pub struct GitleaksConfig {
    /// The configuration's rules as keyhound rules (ids `gitleaks.<id>`).
    pub rules: Vec<RuleSpec>,
    /// Global and per-rule allowlists.
    pub allowlists: Vec<AllowlistSpec>,
    /// What could not be translated, for the user.
    pub notes: Vec<String>,
}

impl GitleaksConfig {
    /// The rules in the form [`crate::rules::RuleSet::load_with`] takes
    /// (`extra`), each with `origin` (normally the configuration's path).
    pub fn extra_rules(&self, origin: &str) -> Vec<(String, RuleSpec)> {
        self.rules
            .iter()
            .map(|spec| (origin.to_string(), spec.clone()))
            .collect()
    }
}

/// Reads and translates a gitleaks configuration file, following
/// `[extend] path` (relative to the file's directory, at most two levels,
/// cycles cut). Errors only when a file cannot be read, is not TOML or has a
/// value of the wrong type; untranslatable parts become [`GitleaksConfig::notes`].
pub fn load(path: &Path) -> Result<GitleaksConfig, RuleError> {
    let mut notes = Vec::new();
    let raw = raw::load(path, &mut notes)?;
    let mut config = translate(raw, &mut notes);
    config.notes = notes;
    Ok(config)
}

/// The keyhound id of gitleaks rule `id`: `gitleaks.` + the id lowercased,
/// every character outside `[a-z0-9-]` replaced by `-`.
pub fn rule_id(id: &str) -> String {
    let mut out = String::from("gitleaks.");
    let body: String = id
        .trim()
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    out.push_str(if body.is_empty() { "rule" } else { &body });
    out
}

/// A rule that translated, before companions are attached.
struct Translated {
    raw: RawRule,
    spec: RuleSpec,
}

fn translate(raw: raw::RawConfig, notes: &mut Vec<String>) -> GitleaksConfig {
    let mut translated: Vec<Translated> = Vec::new();
    // gitleaks id -> keyhound id, for every rule that translated.
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut skipped: Vec<String> = Vec::new();
    for rule in raw.rules {
        let at = format!("{}: rule {:?}", rule.file, rule.id);
        if rule.id.trim().is_empty() {
            notes.push(format!("{}: a rule without `id` skipped", rule.file));
            continue;
        }
        match translate_rule(&rule, &at, notes) {
            Some(mut spec) => {
                let base = spec.id.clone();
                let mut n = 1;
                while translated.iter().any(|t| t.spec.id == spec.id) {
                    n += 1;
                    spec.id = format!("{base}-{n}");
                }
                if n > 1 {
                    notes.push(format!(
                        "{at}: id {base} is taken by another rule; this one is {}",
                        spec.id
                    ));
                }
                ids.insert(rule.id.clone(), spec.id.clone());
                translated.push(Translated { raw: rule, spec });
            }
            None => skipped.push(rule.id.clone()),
        }
    }
    attach_companions(&mut translated, notes);

    let mut allowlists = Vec::new();
    for rule in &translated {
        for allowlist in &rule.raw.allowlists {
            let at = format!("{}: rule {:?} allowlist", allowlist.file, rule.raw.id);
            if let Some(spec) =
                translate_allowlist(allowlist, vec![rule.spec.id.clone()], &at, notes)
            {
                allowlists.push(spec);
            }
        }
    }
    for (i, allowlist) in raw.allowlists.iter().enumerate() {
        let at = format!("{}: global allowlist #{}", allowlist.file, i + 1);
        let mut targets = Vec::new();
        for target in &allowlist.target_rules {
            match ids.get(target) {
                Some(id) => targets.push(id.clone()),
                None if skipped.contains(target) => {}
                None => notes.push(format!(
                    "{at}: targetRules {target:?} is not a rule of this configuration (a gitleaks \
                     default rule?): keyhound has no such rule, so this target is dropped"
                )),
            }
        }
        if !allowlist.target_rules.is_empty() && targets.is_empty() {
            notes.push(format!(
                "{at}: none of its targetRules exist: allowlist not used"
            ));
            continue;
        }
        if let Some(spec) = translate_allowlist(allowlist, targets, &at, notes) {
            allowlists.push(spec);
        }
    }
    GitleaksConfig {
        rules: translated
            .into_iter()
            .filter(|t| !t.raw.skip_report)
            .map(|t| t.spec)
            .collect(),
        allowlists,
        notes: Vec::new(),
    }
}

/// Translates one rule, or returns `None` after noting why it cannot be.
fn translate_rule(rule: &RawRule, at: &str, notes: &mut Vec<String>) -> Option<RuleSpec> {
    let Some(regex) = rule.regex.as_deref().filter(|r| !r.is_empty()) else {
        if rule.path.is_some() {
            notes.push(format!(
                "{at}: path-only rule (it reports files by name) skipped: keyhound rules \
                 match content"
            ));
        } else {
            notes.push(format!("{at}: neither `regex` nor `path`: skipped"));
        }
        return None;
    };
    if let Some(path) = &rule.path {
        notes.push(format!(
            "{at}: path restriction {path:?} not supported: the rule runs on every file"
        ));
    }
    let secret_group = match u32::try_from(rule.secret_group) {
        Ok(group) => group,
        Err(_) => {
            notes.push(format!(
                "{at}: secretGroup {} is not a group number: skipped",
                rule.secret_group
            ));
            return None;
        }
    };
    let pattern = match pattern::with_secret_group(regex, secret_group) {
        Ok(pattern) => pattern,
        Err(err) => {
            notes.push(format!("{at}: regex not usable ({err}): skipped"));
            return None;
        }
    };
    if let Err(err) = regex::bytes::RegexBuilder::new(&pattern)
        .unicode(false)
        .size_limit(RULE_REGEX_SIZE_LIMIT)
        .build()
    {
        let first = err.to_string();
        let first = first.lines().last().unwrap_or_default().trim().to_string();
        notes.push(format!(
            "{at}: regex does not compile as a keyhound pattern (bytes, Unicode classes off): \
             {first}: skipped"
        ));
        return None;
    }
    let keywords = keywords(rule, &pattern, at, notes);
    let min_entropy = min_entropy(rule.entropy, at, notes);
    let id = rule_id(&rule.id);
    let (provider, identity) = provider_identity(&id);
    if rule.secret_group == 0 && capture_count(regex) > 1 {
        notes.push(format!(
            "{at}: no secretGroup and several capture groups: the secret is group 1 \
             (gitleaks takes the first non-empty group)"
        ));
    }
    Some(RuleSpec {
        name: if rule.description.trim().is_empty() {
            rule.id.clone()
        } else {
            rule.description.trim().to_string()
        },
        id,
        provider,
        identity,
        keywords,
        pattern,
        min_entropy,
        confidence: Confidence::Medium,
        severity: severity(&rule.tags),
        generic: false,
        scored: true,
        quoted_values: false,
        stopwords: Vec::new(),
        inventory_only: false,
        decoded_wins: false,
        decodes_to: None,
        validate: Vec::new(),
        references: Vec::new(),
        requires: Vec::new(),
        examples: Vec::new(),
        negative_examples: Vec::new(),
    })
}

fn capture_count(regex: &str) -> usize {
    regex::Regex::new(regex).map_or(0, |r| r.captures_len().saturating_sub(1))
}

/// The rule's own keywords when all can be keyhound keywords (ASCII, at least
/// 3 characters), else literals every match contains, else none (the rule
/// then runs on every file).
fn keywords(rule: &RawRule, pattern: &str, at: &str, notes: &mut Vec<String>) -> Vec<String> {
    let own: Vec<String> = rule
        .keywords
        .iter()
        .map(|k| k.to_ascii_lowercase())
        .collect();
    let usable = !own.is_empty() && own.iter().all(|k| k.len() >= 3 && k.is_ascii());
    if usable {
        let mut own = own;
        own.sort();
        own.dedup();
        return own;
    }
    let derived = pattern::derive_keywords(pattern);
    if !own.is_empty() {
        notes.push(format!(
            "{at}: keywords {:?} include one shorter than 3 characters or not ASCII; {}",
            rule.keywords,
            if derived.is_empty() {
                "the rule runs on every file".to_string()
            } else {
                format!("keywords taken from the regex instead: {derived:?}")
            }
        ));
    } else if derived.is_empty() {
        notes.push(format!(
            "{at}: no keywords and none can be derived from the regex: the rule runs on every \
             file (slower)"
        ));
    }
    derived
}

/// gitleaks drops a secret whose entropy is `<=` the threshold, keyhound one
/// `<` it: the smallest float above the threshold gives the same result.
fn min_entropy(entropy: f64, at: &str, notes: &mut Vec<String>) -> f64 {
    if !entropy.is_finite() || entropy <= 0.0 {
        if entropy != 0.0 {
            notes.push(format!("{at}: entropy {entropy} ignored"));
        }
        return 0.0;
    }
    if entropy >= 8.0 {
        notes.push(format!(
            "{at}: entropy {entropy} is above the maximum of 8 bits per byte: set to 8"
        ));
        return 8.0;
    }
    f64::from_bits(entropy.to_bits() + 1)
}

/// Provider and identity from the id's words: `gitleaks.acme-api-key` is
/// provider `acme`, identity `acme.api-key` (the inventory files it by the
/// words of its kind); a one-word id is provider `gitleaks`.
fn provider_identity(id: &str) -> (String, String) {
    let body = id.strip_prefix("gitleaks.").unwrap_or(id);
    let words: Vec<&str> = body.split('-').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [first, rest @ ..]
            if !rest.is_empty() && first.chars().any(|c| c.is_ascii_alphabetic()) =>
        {
            (first.to_string(), format!("{first}.{}", rest.join("-")))
        }
        _ => (
            "gitleaks".to_string(),
            format!("gitleaks.{}", if body.is_empty() { "secret" } else { body }),
        ),
    }
}

fn severity(tags: &[String]) -> Severity {
    let has = |name: &str| tags.iter().any(|t| t.trim().eq_ignore_ascii_case(name));
    if has("critical") {
        Severity::Critical
    } else if has("high") {
        Severity::High
    } else if has("medium") {
        Severity::Medium
    } else if has("low") {
        Severity::Low
    } else {
        Severity::High
    }
}

/// `[[rules.required]]` (composite rules) as companion parts: the required
/// rule's pattern, searched `withinLines` around the secret.
fn attach_companions(translated: &mut [Translated], notes: &mut Vec<String>) {
    let patterns: HashMap<String, String> = translated
        .iter()
        .map(|t| (t.raw.id.clone(), t.spec.pattern.clone()))
        .collect();
    for rule in translated.iter_mut() {
        let at = format!("{}: rule {:?}", rule.raw.file, rule.raw.id);
        if rule.raw.skip_report {
            notes.push(format!(
                "{at}: skipReport: not reported on its own (used only as a required part)"
            ));
        }
        for required in &rule.raw.required {
            let Some(pattern) = patterns.get(&required.id) else {
                notes.push(format!(
                    "{at}: required rule {:?} is not a usable rule of this configuration: \
                     part dropped",
                    required.id
                ));
                continue;
            };
            if required.within_columns.is_some() {
                notes.push(format!(
                    "{at}: required {:?}: withinColumns is not supported (lines only)",
                    required.id
                ));
            }
            let within_lines = required
                .within_lines
                .map_or(u32::MAX, |n| u32::try_from(n.max(0)).unwrap_or(u32::MAX));
            rule.spec.requires.push(CompanionSpec {
                name: required.id.clone(),
                pattern: pattern.clone(),
                within_lines,
                optional: false,
            });
        }
        if !rule.raw.required.is_empty() {
            notes.push(format!(
                "{at}: required parts are companions: a match without them is still reported, \
                 at lower confidence (gitleaks drops it)"
            ));
        }
    }
}

/// Checks an allowlist regex the way the allowlist compiler builds it.
fn regex_ok(text: &str) -> Result<(), String> {
    regex::RegexBuilder::new(text)
        .size_limit(ALLOWLIST_REGEX_SIZE_LIMIT)
        .build()
        .map(|_| ())
        .map_err(|err| {
            let message = err.to_string();
            message
                .lines()
                .last()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
}

/// Translates one allowlist for `rules` (empty: every rule).
fn translate_allowlist(
    allowlist: &RawAllowlist,
    rules: Vec<String>,
    at: &str,
    notes: &mut Vec<String>,
) -> Option<AllowlistSpec> {
    let match_all = match allowlist
        .condition
        .as_deref()
        .map(|c| c.trim().to_ascii_uppercase())
        .as_deref()
    {
        None | Some("" | "OR" | "||") => false,
        Some("AND" | "&&") => true,
        Some(other) => {
            notes.push(format!(
                "{at}: unknown condition {other:?} (gitleaks accepts OR and AND): allowlist not used"
            ));
            return None;
        }
    };
    let mut dropped = false;
    let mut keep = |kind: &str, items: &[String]| -> Vec<String> {
        let mut out = Vec::new();
        for item in items {
            match regex_ok(item) {
                Ok(()) => out.push(item.clone()),
                Err(err) => {
                    dropped = true;
                    notes.push(format!(
                        "{at}: {kind} regex {item:?} does not compile ({err})"
                    ));
                }
            }
        }
        out
    };
    let path_regexes = keep("path", &allowlist.paths);
    let regexes = keep("content", &allowlist.regexes);
    if dropped && match_all {
        notes.push(format!(
            "{at}: condition AND with a regex dropped would allow more than intended: \
             allowlist not used"
        ));
        return None;
    }
    match allowlist.regex_target.as_deref().map(str::trim) {
        None | Some("" | "secret") => {}
        Some(target @ ("match" | "line")) => {
            if !regexes.is_empty() {
                notes.push(format!(
                    "{at}: regexTarget {target:?} approximated: keyhound matches the regexes \
                     against the secret only"
                ));
            }
        }
        Some(other) => {
            notes.push(format!(
                "{at}: unknown regexTarget {other:?} (gitleaks accepts secret, match, line): \
                 allowlist not used"
            ));
            return None;
        }
    }
    let spec = AllowlistSpec {
        description: allowlist.description.clone().filter(|d| !d.is_empty()),
        rules,
        paths: Vec::new(),
        path_regexes,
        regexes,
        stopwords: allowlist
            .stopwords
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.to_lowercase())
            .collect(),
        commits: allowlist
            .commits
            .iter()
            .map(|c| c.trim().to_ascii_lowercase())
            .filter(|c| !c.is_empty())
            .collect(),
        match_all,
    };
    let empty = spec.path_regexes.is_empty()
        && spec.regexes.is_empty()
        && spec.stopwords.is_empty()
        && spec.commits.is_empty();
    if empty {
        notes.push(format!(
            "{at}: no usable commits, paths, regexes or stopwords: allowlist not used"
        ));
        return None;
    }
    Some(spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn load_text(text: &str) -> GitleaksConfig {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => panic!("{err}"),
        };
        let path = dir.path().join("gitleaks.toml");
        if let Err(err) = fs::write(&path, text) {
            panic!("{err}");
        }
        match load(&path) {
            Ok(config) => config,
            Err(err) => panic!("{err}"),
        }
    }

    fn note_with(config: &GitleaksConfig, needle: &str) -> bool {
        config.notes.iter().any(|n| n.contains(needle))
    }

    #[test]
    fn ids_are_sanitised() {
        assert_eq!(rule_id("AWS_Access Key"), "gitleaks.aws-access-key");
        assert_eq!(rule_id("github-pat"), "gitleaks.github-pat");
        assert_eq!(rule_id(""), "gitleaks.rule");
    }

    #[test]
    fn provider_and_identity_from_id_words() {
        assert_eq!(
            provider_identity("gitleaks.acme-api-key"),
            ("acme".to_string(), "acme.api-key".to_string())
        );
        assert_eq!(
            provider_identity("gitleaks.mytoken"),
            ("gitleaks".to_string(), "gitleaks.mytoken".to_string())
        );
    }

    #[test]
    fn entropy_threshold_is_exclusive_like_gitleaks() {
        let mut notes = Vec::new();
        let e = min_entropy(3.5, "x", &mut notes);
        assert!(e > 3.5 && e < 3.500_001);
        assert_eq!(min_entropy(0.0, "x", &mut notes), 0.0);
        assert_eq!(min_entropy(9.0, "x", &mut notes), 8.0);
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn a_rule_translates_with_case_insensitive_keys() {
        let config = load_text(
            r#"
title = "mine"
[[rules]]
ID = "Acme-Token"
Description = "Acme token"
regex = '''(?i)acme[_-]?token\s*=\s*['"]?([a-z0-9]{24})'''
SecretGroup = 1
Entropy = 3
Keywords = ["ACME"]
tags = ["key", "Critical"]
"#,
        );
        assert_eq!(config.rules.len(), 1, "{:?}", config.notes);
        let rule = &config.rules[0];
        assert_eq!(rule.id, "gitleaks.acme-token");
        assert_eq!(rule.name, "Acme token");
        assert_eq!(rule.keywords, ["acme"]);
        assert!(rule.pattern.contains("(?P<secret>[a-z0-9]{24})"));
        assert!(rule.min_entropy > 3.0);
        assert_eq!(rule.severity, Severity::Critical);
        assert!(config.notes.is_empty(), "{:?}", config.notes);
    }

    #[test]
    fn short_keywords_are_replaced_by_derived_ones() {
        let config = load_text(
            r#"
[[rules]]
id = "short"
regex = '''sk_live_[0-9a-z]{24}'''
keywords = ["sk"]
"#,
        );
        assert_eq!(config.rules[0].keywords, ["sk_live_"]);
        assert!(note_with(&config, "shorter than 3"));
    }

    #[test]
    fn untranslatable_rules_are_skipped_with_notes() {
        let config = load_text(
            r#"
[[rules]]
id = "pkcs12"
path = '''\.p12$'''

[[rules]]
id = "bad"
regex = '''(unclosed'''

[[rules]]
id = "unicode"
regex = '''\p{Greek}+tok'''

[[rules]]
id = "group"
regex = '''(a)(b)'''
secretGroup = 5

[[rules]]
id = "fine"
regex = '''fine_[a-z]{10}'''
"#,
        );
        let ids: Vec<&str> = config.rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["gitleaks.fine"]);
        assert!(note_with(&config, "path-only"));
        assert!(note_with(&config, "\"bad\": regex not usable"));
        assert!(note_with(&config, "\"unicode\": regex does not compile"));
        assert!(note_with(&config, "secretGroup 5 does not exist"));
    }

    #[test]
    fn allowlists_translate() {
        let config = load_text(
            r#"
[[rules]]
id = "acme"
regex = '''acme_[a-z]{10}'''
[rules.allowlist]
regexes = ['''acme_example''']

[[rules]]
id = "other"
regex = '''other_[a-z]{10}'''
[[rules.allowlists]]
condition = "AND"
paths = ['''^test/''']
stopwords = ["DUMMY"]

[allowlist]
description = "global"
paths = ['''(^|/)vendor/''']
commits = ["ABCDEF1"]

[[allowlists]]
targetRules = ["acme", "generic-api-key"]
regexTarget = "line"
regexes = ['''EXAMPLE''']
"#,
        );
        assert_eq!(config.allowlists.len(), 4, "{:?}", config.notes);
        let a = &config.allowlists[0];
        assert_eq!(a.rules, ["gitleaks.acme"]);
        assert_eq!(a.regexes, ["acme_example"]);
        let b = &config.allowlists[1];
        assert_eq!(b.rules, ["gitleaks.other"]);
        assert!(b.match_all);
        assert_eq!(b.path_regexes, ["^test/"]);
        assert_eq!(b.stopwords, ["dummy"]);
        let c = &config.allowlists[2];
        assert!(c.rules.is_empty());
        assert_eq!(c.description.as_deref(), Some("global"));
        assert_eq!(c.commits, ["abcdef1"]);
        let d = &config.allowlists[3];
        assert_eq!(d.rules, ["gitleaks.acme"]);
        assert!(note_with(&config, "\"generic-api-key\""));
        assert!(note_with(&config, "regexTarget \"line\" approximated"));
    }

    #[test]
    fn bad_allowlists_are_dropped() {
        let config = load_text(
            r#"
[[allowlists]]
condition = "AND"
paths = ['''ok/''']
regexes = ['''(broken''']

[[allowlists]]
description = "nothing"

[[allowlists]]
condition = "XOR"
paths = ['''x''']
"#,
        );
        assert!(config.allowlists.is_empty());
        assert!(note_with(&config, "would allow more than intended"));
        assert!(note_with(&config, "no usable commits"));
        assert!(note_with(&config, "unknown condition"));
    }

    #[test]
    fn extend_path_merges_and_disables() {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => panic!("{err}"),
        };
        let base = r#"
[extend]
path = "main.toml"
[[rules]]
id = "base-one"
regex = '''one_[a-z]{10}'''
[[rules]]
id = "base-two"
regex = '''two_[a-z]{10}'''
description = "Two"
[[rules]]
id = "base-three"
regex = '''three_[a-z]{10}'''
"#;
        let main = r#"
[extend]
path = "base.toml"
disabledRules = ["base-three", "nope"]
[[rules]]
id = "base-two"
entropy = 2.0
keywords = ["twotwo"]
"#;
        for (name, text) in [("base.toml", base), ("main.toml", main)] {
            if let Err(err) = fs::write(dir.path().join(name), text) {
                panic!("{err}");
            }
        }
        let config = match load(&dir.path().join("main.toml")) {
            Ok(config) => config,
            Err(err) => panic!("{err}"),
        };
        let ids: Vec<&str> = config.rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["gitleaks.base-two", "gitleaks.base-one"]);
        let two = &config.rules[0];
        assert_eq!(two.name, "Two");
        assert!(two.min_entropy > 2.0);
        assert!(two.keywords.contains(&"twotwo".to_string()));
        assert!(note_with(&config, "\"nope\" is not in the extended"));
        assert!(note_with(&config, "cycle"));
    }

    #[test]
    fn use_default_is_noted() {
        let config = load_text("[extend]\nuseDefault = true\ndisabledRules = [\"x\"]\n");
        assert!(note_with(&config, "built-in rule pack is used instead"));
        assert!(note_with(&config, "disabledRules (x)"));
    }

    #[test]
    fn malformed_toml_and_wrong_types_are_parse_errors() {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => panic!("{err}"),
        };
        for text in [
            "[[rules]\nid = 1",
            "[[rules]]\nid = \"x\"\nentropy = \"high\"\n",
            "rules = 3\n",
        ] {
            let path = dir.path().join("bad.toml");
            if let Err(err) = fs::write(&path, text) {
                panic!("{err}");
            }
            match load(&path) {
                Err(RuleError::Parse { file, message }) => {
                    assert!(file.ends_with("bad.toml"));
                    assert!(!message.is_empty());
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
        assert!(matches!(
            load(&dir.path().join("missing.toml")),
            Err(RuleError::Io { .. })
        ));
    }

    #[test]
    fn required_rules_become_companions() {
        let config = load_text(
            r#"
[[rules]]
id = "acme-id"
regex = '''acmeid_[a-z0-9]{8}'''
skipReport = true

[[rules]]
id = "acme-secret"
regex = '''acmesecret_([a-z0-9]{16})'''
[[rules.required]]
id = "acme-id"
withinLines = 3
"#,
        );
        assert_eq!(config.rules.len(), 1);
        let rule = &config.rules[0];
        assert_eq!(rule.requires.len(), 1);
        assert_eq!(rule.requires[0].within_lines, 3);
        assert!(rule.requires[0].pattern.contains("(?P<secret>"));
    }

    #[test]
    fn duplicate_sanitised_ids_get_suffixes() {
        let config = load_text(
            r#"
[[rules]]
id = "my_rule"
regex = '''aaa_[a-z]{4}'''
[[rules]]
id = "my.rule"
regex = '''bbb_[a-z]{4}'''
"#,
        );
        let ids: Vec<&str> = config.rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["gitleaks.my-rule", "gitleaks.my-rule-2"]);
    }
}
