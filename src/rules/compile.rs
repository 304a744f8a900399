//! Compiling rule specs into an immutable [`RuleSet`] shared by all scan threads:
//! one Aho-Corasick automaton over every keyword, and per-rule regexes compiled
//! lazily on first use so start-up stays in milliseconds.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::bytes::{Regex, RegexBuilder};
use sha2::{Digest, Sha256};

use super::keyword_dfa::KeywordDfa;
use super::load::{RuleError, builtin_sources, parse_rule_file, read_rule_file};
use super::schema::{CompanionSpec, RuleSpec};

/// Offline validators a rule may name in `validate` (a closed set, see
/// [`crate::validate::VALIDATORS`]).
pub const KNOWN_VALIDATORS: &[&str] = crate::validate::VALIDATORS;

/// Upper bound on a compiled regex program; patterns beyond it are rejected.
const REGEX_SIZE_LIMIT: usize = 16 * 1024 * 1024;

/// A rule ready for matching.
#[derive(Debug)]
pub struct Rule {
    /// The rule as written.
    pub spec: RuleSpec,
    /// File the rule came from (built-in file name or user path).
    pub origin: String,
    /// Lowercased stopwords for the per-rule filter.
    pub(crate) stopwords: Vec<String>,
    /// Companion parts of a multi-part credential.
    pub companions: Vec<Companion>,
    /// Translated from another scanner's configuration (gitleaks): may have
    /// no keyword (it then runs on every blob) and carries no examples.
    translated: bool,
    regex: LazyRegex,
    /// How many lines around each keyword the regex must search, when it
    /// need not search the whole blob (see [`super::locality`]); worked out
    /// on first use, like the regex.
    lines_around_keyword: OnceLock<Option<usize>>,
}

/// A compiled companion part.
#[derive(Debug)]
pub struct Companion {
    /// The companion as written.
    pub spec: CompanionSpec,
    regex: LazyRegex,
}

/// A regex compiled on first use; the compile result is kept.
#[derive(Debug)]
struct LazyRegex {
    pattern: String,
    compiled: OnceLock<Result<Regex, String>>,
    /// The relaxed form (see [`super::relax`]), compiled on first use;
    /// `None` when the pattern has no long repeat.
    relaxed: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    fn new(pattern: &str) -> Self {
        LazyRegex {
            pattern: pattern.to_string(),
            compiled: OnceLock::new(),
            relaxed: OnceLock::new(),
        }
    }

    fn get(&self) -> Result<&Regex, &str> {
        self.compiled
            .get_or_init(|| compile_regex(&self.pattern))
            .as_ref()
            .map_err(String::as_str)
    }

    fn relaxed(&self) -> Option<&Regex> {
        self.relaxed
            .get_or_init(|| {
                let pattern = super::relax::relaxed_pattern(&self.pattern)?;
                compile_regex(&pattern).ok()
            })
            .as_ref()
    }
}

/// Compiles a rule regex the way the detector runs it: bytes, Unicode off.
fn compile_regex(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|err| regex_error_message(&err))
}

/// A regex error without the pattern the regex crate quotes (a pattern may
/// hold a literal secret): `regex parse error at column N: what`, or the
/// size-limit message as is.
pub(crate) fn regex_error_message(err: &regex::Error) -> String {
    let text = err.to_string();
    let lines: Vec<&str> = text.lines().collect();
    let Some(what) = lines
        .iter()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
    else {
        return match err {
            regex::Error::Syntax(_) => "regex parse error".to_string(),
            _ => text,
        };
    };
    // The caret line under the quoted pattern (indented by 4) gives the column.
    match lines
        .iter()
        .find(|l| l.trim_start().starts_with('^'))
        .and_then(|l| l.find('^'))
    {
        Some(caret) => format!(
            "regex parse error at column {}: {what}",
            caret.saturating_sub(4) + 1
        ),
        None => format!("regex parse error: {what}"),
    }
}

impl Rule {
    /// Whether the generic scorer judges this rule's matches: the catch-all
    /// rules of provider `generic` (assignments, URLs with credentials), not
    /// generic rules of a known file format such as `.npmrc`, nor those that
    /// declare `scored = false` (a precise context).
    pub fn scored(&self) -> bool {
        self.spec.generic && self.spec.provider == "generic" && self.spec.scored
    }

    fn new(spec: RuleSpec, origin: &str) -> Self {
        Rule {
            stopwords: spec
                .stopwords
                .iter()
                .map(|w| w.to_ascii_lowercase())
                .collect(),
            companions: spec
                .requires
                .iter()
                .map(|c| Companion {
                    regex: LazyRegex::new(&c.pattern),
                    spec: c.clone(),
                })
                .collect(),
            regex: LazyRegex::new(&spec.pattern),
            lines_around_keyword: OnceLock::new(),
            origin: origin.to_string(),
            translated: false,
            spec,
        }
    }

    /// A rule translated from a gitleaks configuration (see [`Rule::translated`]).
    fn new_translated(spec: RuleSpec, origin: &str) -> Self {
        Rule {
            translated: true,
            ..Rule::new(spec, origin)
        }
    }

    /// True for a rule translated from a gitleaks configuration: it may have
    /// no keyword (then it runs on every blob) and has no examples, so
    /// `rules check` should not ask for them.
    pub fn translated(&self) -> bool {
        self.translated
    }

    /// The rule's regex, compiled on first call. Errors carry the regex message.
    pub fn regex(&self) -> Result<&Regex, &str> {
        self.regex.get()
    }

    /// A cheaper regex whose matches start no later than the rule regex's
    /// (its long repeats unbounded, see `src/rules/relax.rs`), compiled on
    /// first call; `None` when the rule regex is as cheap. Search with it
    /// first: where it finds nothing, the rule regex finds nothing.
    pub fn relaxed_regex(&self) -> Option<&Regex> {
        self.regex.relaxed()
    }

    /// `Some(n)` when every match of the rule contains one of its keywords
    /// and spans at most `n` newlines: searching `n` lines around each line
    /// where the keyword automaton found a keyword then finds every match
    /// (see `src/rules/locality.rs`). `None`: the rule searches whole blobs.
    pub fn lines_around_keyword(&self) -> Option<usize> {
        *self.lines_around_keyword.get_or_init(|| {
            let keywords: Vec<String> = self
                .spec
                .keywords
                .iter()
                .map(|k| k.to_ascii_lowercase())
                .collect();
            super::locality::lines_around_keyword(&self.spec.pattern, &keywords)
        })
    }

    /// Rule id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// Checks schema constraints that need no example run: id shape, keywords,
    /// a compiling regex with exactly one `secret` group, companions.
    pub fn validate(&self) -> Result<(), RuleError> {
        let invalid = |reason: String| RuleError::Invalid {
            file: self.origin.clone(),
            rule: self.spec.id.clone(),
            reason,
        };
        let spec = &self.spec;
        if !is_valid_id(&spec.id) {
            return Err(invalid(
                "id must be dotted lowercase like `provider.kind` ([a-z0-9-] parts)".into(),
            ));
        }
        for (field, value) in [
            ("name", &spec.name),
            ("provider", &spec.provider),
            ("identity", &spec.identity),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(format!("`{field}` must not be empty")));
            }
        }
        if spec.keywords.is_empty() && !self.translated {
            return Err(invalid("at least one keyword is required".into()));
        }
        if let Some(bad) = spec.keywords.iter().find(|k| k.len() < 3 || !k.is_ascii()) {
            return Err(invalid(format!(
                "keyword {bad:?} must be ASCII and at least 3 characters"
            )));
        }
        if !(0.0..=8.0).contains(&spec.min_entropy) {
            return Err(invalid("min_entropy must be between 0 and 8".into()));
        }
        if let Some(name) = spec
            .validate
            .iter()
            .find(|v| !KNOWN_VALIDATORS.contains(&v.as_str()))
        {
            return Err(invalid(format!(
                "unknown validator {name:?} (known: {})",
                if KNOWN_VALIDATORS.is_empty() {
                    "none yet".to_string()
                } else {
                    KNOWN_VALIDATORS.join(", ")
                }
            )));
        }
        let regex = self
            .regex()
            .map_err(|err| invalid(format!("pattern does not compile: {err}")))?;
        let secret_groups = regex
            .capture_names()
            .filter(|name| *name == Some("secret"))
            .count();
        if secret_groups != 1 {
            return Err(invalid(
                "pattern must have exactly one named group `secret`".into(),
            ));
        }
        for companion in &self.companions {
            companion.regex().map_err(|err| {
                invalid(format!(
                    "companion `{}` pattern does not compile: {err}",
                    companion.spec.name
                ))
            })?;
        }
        Ok(())
    }
}

impl Companion {
    /// The companion's regex, compiled on first call.
    pub fn regex(&self) -> Result<&Regex, &str> {
        self.regex.get()
    }
}

fn is_valid_id(id: &str) -> bool {
    let mut parts = 0;
    for part in id.split('.') {
        parts += 1;
        if part.is_empty()
            || !part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return false;
        }
    }
    parts >= 2
}

/// The immutable, compiled rule pack shared by every scan thread.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Lowercased keywords; pattern ids of both automata index this list.
    keywords: Vec<String>,
    /// Keyword automaton as a contiguous NFA: built in ~1 ms, for small scans.
    prefilter_nfa: AhoCorasick,
    /// The same keywords as an interleaved DFA (~5x faster per byte than the
    /// NFA, a few ms to build), built on first use by a detector that has
    /// scanned enough bytes; `None` when the keywords do not fit its table.
    keyword_dfa: OnceLock<Option<KeywordDfa>>,
    /// For each keyword pattern of the automaton, the rules it enables (its own
    /// and those of every keyword it contains).
    keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords (translated ones only): candidates for every blob.
    always: Vec<usize>,
    /// Ids given to [`RuleSet::load_with`] as disabled that named no rule.
    unknown_disabled: Vec<String>,
    /// Rules disabled by the user: never run, but a generic match whose secret
    /// one of them matches on its own is dropped too.
    disabled: Vec<Rule>,
    hash: String,
}

impl RuleSet {
    /// The built-in pack embedded in the binary.
    pub fn builtin() -> Result<Self, RuleError> {
        Self::load(&[])
    }

    /// The built-in pack plus user rule files; a user rule replaces the
    /// built-in rule with the same id. User rules are validated eagerly so a
    /// malformed file fails before the scan starts.
    pub fn load(user_files: &[&Path]) -> Result<Self, RuleError> {
        Self::load_with(user_files, &[], &[])
    }

    /// Like [`RuleSet::load`], plus rules given as specs, minus the rules
    /// whose ids are in `disabled`.
    ///
    /// `extra` holds `(origin, spec)` pairs translated from a gitleaks
    /// configuration (see [`crate::rules::gitleaks::GitleaksConfig::extra_rules`]).
    /// They are validated like user rules (a bad one is an error naming its
    /// origin), except that they may have no keyword (they then run on every
    /// blob). Precedence by id: built-in < `extra` < user rule files; two
    /// `extra` specs with one id are an error.
    ///
    /// `disabled` ids (built-in, user or extra rules) are removed after the
    /// merge. An id that names no rule is not an error: it is reported by
    /// [`RuleSet::unknown_disabled`].
    ///
    /// With no `extra` and no `disabled`, the set and its hash are exactly
    /// those of [`RuleSet::load`].
    pub fn load_with(
        user_files: &[&Path],
        extra: &[(String, RuleSpec)],
        disabled: &[String],
    ) -> Result<Self, RuleError> {
        let mut specs: Vec<(RuleSpec, String)> = Vec::new();
        let mut hasher = Sha256::new();
        for (file, text) in builtin_sources() {
            hasher.update(file.as_bytes());
            hasher.update(text.as_bytes());
            for spec in parse_rule_file(file, text)? {
                specs.push((spec, (*file).to_string()));
            }
        }
        let mut user_rules: Vec<Rule> = Vec::new();
        for path in user_files {
            let origin = path.display().to_string();
            let (specs, text) = read_rule_file(path)?;
            hasher.update(origin.as_bytes());
            hasher.update(text.as_bytes());
            for spec in specs {
                let rule = Rule::new(spec, &origin);
                rule.validate()?;
                if let Some(first) = user_rules.iter().find(|r| r.spec.id == rule.spec.id) {
                    return Err(RuleError::Invalid {
                        file: origin,
                        rule: rule.spec.id.clone(),
                        reason: format!("duplicate rule id (also defined in {})", first.origin),
                    });
                }
                user_rules.push(rule);
            }
        }
        let mut extra_rules: Vec<Rule> = Vec::new();
        for (origin, spec) in extra {
            hasher.update(b"\0extra\0");
            hasher.update(origin.as_bytes());
            hasher.update(format!("{spec:?}").as_bytes());
            let rule = Rule::new_translated(spec.clone(), origin);
            rule.validate()?;
            if let Some(first) = extra_rules.iter().find(|r| r.spec.id == rule.spec.id) {
                return Err(RuleError::Invalid {
                    file: origin.clone(),
                    rule: rule.spec.id.clone(),
                    reason: format!("duplicate rule id (also defined in {})", first.origin),
                });
            }
            extra_rules.push(rule);
        }
        let mut rules: Vec<Rule> = specs
            .into_iter()
            .map(|(spec, origin)| Rule::new(spec, &origin))
            .collect();
        for rule in extra_rules.into_iter().chain(user_rules) {
            match rules.iter().position(|r| r.spec.id == rule.spec.id) {
                Some(i) => rules[i] = rule,
                None => rules.push(rule),
            }
        }
        let mut unknown_disabled = Vec::new();
        let mut disabled_rules = Vec::new();
        for id in disabled {
            hasher.update(b"\0disabled\0");
            hasher.update(id.as_bytes());
            match rules.iter().position(|r| &r.spec.id == id) {
                Some(i) => disabled_rules.push(rules.remove(i)),
                None if !unknown_disabled.contains(id) => unknown_disabled.push(id.clone()),
                None => {}
            }
        }
        let mut set = Self::from_rules(rules, format!("{:x}", hasher.finalize()))?;
        set.unknown_disabled = unknown_disabled;
        set.disabled = disabled_rules;
        Ok(set)
    }

    /// Builds a set from already-made rules (duplicate ids are an error).
    pub fn from_rules(rules: Vec<Rule>, hash: String) -> Result<Self, RuleError> {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for rule in &rules {
            if let Some(first) = seen.insert(&rule.spec.id, &rule.origin) {
                return Err(RuleError::Invalid {
                    file: rule.origin.clone(),
                    rule: rule.spec.id.clone(),
                    reason: format!("duplicate rule id (also defined in {first})"),
                });
            }
        }
        let mut keyword_index: HashMap<String, usize> = HashMap::new();
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for (rule_index, rule) in rules.iter().enumerate() {
            for keyword in &rule.spec.keywords {
                let key = keyword.to_ascii_lowercase();
                let slot = *keyword_index.entry(key.clone()).or_insert_with(|| {
                    keywords.push(key);
                    keyword_rules.push(Vec::new());
                    keywords.len() - 1
                });
                if !keyword_rules[slot].contains(&rule_index) {
                    keyword_rules[slot].push(rule_index);
                }
            }
        }
        // On small scans the detector walks the NFA's leftmost-longest matches
        // restarting one byte after each match start, which visits the longest
        // keyword at every start position; a shorter keyword found there is a
        // substring of it, so each keyword also enables the rules of every
        // keyword it contains. The set of enabled rules is then exactly "rules
        // with a keyword in the blob", at about 5x the speed of an overlapping
        // NFA search. (The DFA of large scans reports every occurrence; the
        // closure changes nothing there.)
        let keyword_rules = close_over_substrings(&keywords, &keyword_rules);
        let prefilter_nfa = build_prefilter(&keywords, AhoCorasickKind::ContiguousNFA)?;
        let always = rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| rule.spec.keywords.is_empty())
            .map(|(i, _)| i)
            .collect();
        Ok(RuleSet {
            rules,
            keywords,
            prefilter_nfa,
            keyword_dfa: OnceLock::new(),
            keyword_rules,
            always,
            unknown_disabled: Vec::new(),
            disabled: Vec::new(),
            hash,
        })
    }

    /// True when the user disabled any rule (see [`RuleSet::disabled_rule_matches`]).
    pub fn has_disabled(&self) -> bool {
        !self.disabled.is_empty()
    }

    /// True when a rule the user disabled matches `secret` on its own. Generic
    /// rules then leave the value alone too: disabling a provider's rule must
    /// not hand its tokens over to a catch-all (`STRIPE_KEY=` to `generic.key`).
    pub fn disabled_rule_matches(&self, secret: &[u8]) -> bool {
        self.disabled
            .iter()
            .any(|rule| rule.regex().is_ok_and(|regex| regex.is_match(secret)))
    }

    /// All rules, in load order (rule index = position).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when the set has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The quick-to-build keyword automaton (patterns are lowercased
    /// keywords), searched leftmost-longest: small scans use it.
    pub(crate) fn prefilter(&self) -> &AhoCorasick {
        &self.prefilter_nfa
    }

    /// The keyword DFA of large scans (every occurrence of every keyword),
    /// built on first use; `None` when the pack's keywords do not fit it.
    pub(crate) fn keyword_dfa(&self) -> Option<&KeywordDfa> {
        self.keyword_dfa
            .get_or_init(|| KeywordDfa::new(&self.keywords))
            .as_ref()
    }

    /// Rules enabled by keyword pattern `pattern`.
    pub(crate) fn rules_for_keyword(&self, pattern: usize) -> &[usize] {
        self.keyword_rules.get(pattern).map_or(&[], Vec::as_slice)
    }

    /// Rules without keywords, candidates for every blob (only translated
    /// rules may have none; see [`Rule::translated`]).
    pub(crate) fn always_candidates(&self) -> &[usize] {
        &self.always
    }

    /// Ids passed as `disabled` to [`RuleSet::load_with`] that named no rule,
    /// in the order given (for a warning; not an error).
    pub fn unknown_disabled(&self) -> &[String] {
        &self.unknown_disabled
    }

    /// SHA-256 over the pack's sources: changes whenever any rule changes.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Looks a rule up by id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.spec.id == id)
    }

    /// Makes a set from specs alone (used by `rules check` on a single file).
    pub fn from_specs(specs: Vec<(RuleSpec, String)>) -> Result<Self, RuleError> {
        let rules = specs
            .into_iter()
            .map(|(spec, origin)| Rule::new(spec, &origin))
            .collect();
        Self::from_rules(rules, String::new())
    }
}

#[cfg(test)]
impl RuleSet {
    /// The built-in pack, for tests: a pack that does not load fails the test.
    pub(crate) fn builtin_for_test() -> Self {
        match Self::builtin() {
            Ok(rules) => rules,
            Err(err) => panic!("built-in pack does not load: {err}"),
        }
    }

    /// True once a large scan has built the keyword DFA.
    pub(crate) fn keyword_dfa_built(&self) -> bool {
        self.keyword_dfa.get().is_some()
    }
}

/// The keyword automaton: ASCII case-insensitive, leftmost-longest.
fn build_prefilter(keywords: &[String], kind: AhoCorasickKind) -> Result<AhoCorasick, RuleError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(kind))
        .build(keywords)
        .map_err(|err| RuleError::Invalid {
            file: "<rule pack>".into(),
            rule: "<keywords>".into(),
            reason: format!("cannot build keyword automaton: {err}"),
        })
}

/// The detector walks leftmost-longest matches restarting one byte after each
/// match start, which visits the longest keyword at every start position; a
/// shorter keyword found there is a substring of it, so each keyword also
/// enables the rules of every keyword it contains. The set of enabled rules is
/// then exactly "rules with a keyword in the blob", at about 5x the speed of an
/// overlapping search. Substrings are looked up in a map: linear in the total
/// keyword length squared per keyword, not in the number of keyword pairs.
fn close_over_substrings(keywords: &[String], own_rules: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let index: HashMap<&str, usize> = keywords
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    keywords
        .iter()
        .map(|keyword| {
            let mut enabled = Vec::new();
            for start in 0..keyword.len() {
                for end in start + 1..=keyword.len() {
                    if let Some(&other) = keyword.get(start..end).and_then(|sub| index.get(sub)) {
                        enabled.extend_from_slice(&own_rules[other]);
                    }
                }
            }
            enabled.sort_unstable();
            enabled.dedup();
            enabled
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn regex_errors_do_not_quote_the_pattern() {
        let value = ["s3cr3t", "Value", "Kept", "Out"].concat();
        let message = super::compile_regex(&format!("(?P<secret>{value}"))
            .err()
            .unwrap_or_default();
        assert_eq!(message, "regex parse error at column 1: unclosed group");
        let huge = super::compile_regex("(?:[a-z0-9]{1000}){1000}")
            .err()
            .unwrap_or_default();
        assert!(huge.contains("size limit"), "{huge}");
    }
}
