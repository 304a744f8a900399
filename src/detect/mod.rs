//! Detection: bytes in, matches out. The detector never sees paths or git.
//!
//! 1. One Aho-Corasick pass over the blob finds which rules' keywords occur,
//!    and where.
//! 2. Each candidate rule's regex (compiled lazily, shared) runs over the blob,
//!    or only over the lines around its keywords when the rule allows it
//!    ([`Rule::lines_around_keyword`]).
//! 3. The `secret` group goes through entropy, placeholder, stopword and (for
//!    generic rules) value filters; companion parts are looked up nearby.
//! 4. Overlaps are resolved: a specific rule beats a generic one on the same
//!    bytes, and a match that is another match's companion part is folded in.

pub mod entropy;
pub mod filters;
pub mod quoted;
pub mod score;

use std::ops::Range;
use std::time::Instant;

use aho_corasick::Input;
use regex::bytes::CaptureLocations;

use crate::rules::{Confidence, KeywordHit, MAX_SPAN_NEWLINES, Rule, RuleSet};

/// One rule hit in one blob.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index of the rule in its [`RuleSet`].
    pub rule: usize,
    /// Byte range of the secret in the blob.
    pub secret: Range<usize>,
    /// Confidence after companion checks.
    pub confidence: Confidence,
    /// Shannon entropy of the secret (bits per byte).
    pub entropy: f64,
    /// Companion parts found: `(part name, byte range)`.
    pub parts: Vec<(String, Range<usize>)>,
}

/// A per-thread detector: holds scratch buffers, borrows the shared rule set.
pub struct Detector<'r> {
    rules: &'r RuleSet,
    candidate: Vec<bool>,
    candidates: Vec<usize>,
    /// Per rule: the lines (merged, in order) of the current blob that hold
    /// one of its keywords; used for rules searchable by line.
    windows: Vec<Vec<Range<usize>>>,
    /// The current blob's keyword occurrences, in order (reused per blob).
    hits: Vec<KeywordHit>,
    /// Rules search keyword lines only (set with the DFA, past
    /// [`LARGE_SCAN`]): a small scan, such as a pre-commit hook's, saves more
    /// by not analysing the rules' patterns than windows would save it.
    windowed: bool,
    /// Capture slots per rule, made on the rule's first use and reused for
    /// every later blob (no allocation per blob and rule).
    locations: Vec<Option<CaptureLocations>>,
    /// Bytes scanned so far; past [`LARGE_SCAN`] the DFA prefilter pays off.
    scanned: usize,
    /// When set, every generic candidate that passes the hard filters is kept
    /// (whatever the model says) and recorded here with its features.
    explained: Option<Vec<Explained>>,
    /// The current blob's deadline (per-file time budget), checked between rules.
    deadline: Option<Instant>,
    /// The deadline passed: rules were skipped since [`Detector::set_deadline`].
    timed_out: bool,
}

/// A generic candidate with its scorer features (see [`Detector::explaining`]).
#[derive(Debug, Clone)]
pub struct Explained {
    /// Rule index.
    pub rule: usize,
    /// Byte range of the secret.
    pub secret: Range<usize>,
    /// Scorer features.
    pub features: score::Features,
    /// Model probability (`None` without a model).
    pub probability: Option<f32>,
}

/// After this many bytes a detector switches to the keyword DFA (its few ms
/// of build time are then cheap against the bytes it speeds up).
const LARGE_SCAN: usize = 2 * 1024 * 1024;

impl<'r> Detector<'r> {
    /// A detector over `rules`; make one per thread.
    pub fn new(rules: &'r RuleSet) -> Self {
        Detector {
            rules,
            candidate: vec![false; rules.len()],
            candidates: Vec::new(),
            windows: vec![Vec::new(); rules.len()],
            hits: Vec::new(),
            windowed: false,
            locations: vec![None; rules.len()],
            scanned: 0,
            explained: None,
            deadline: None,
            timed_out: false,
        }
    }

    /// Starts a blob's time budget: once `deadline` passes, [`Detector::scan`]
    /// runs no further rule (checked between rules, so one regex over one
    /// blob, linear in its size, is the most it overruns) until the next call.
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
        self.timed_out = false;
    }

    /// True when the deadline of [`Detector::set_deadline`] cut a scan short.
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }

    /// Checks the deadline; true (and remembered) once it has passed.
    fn out_of_time(&mut self) -> bool {
        if !self.timed_out && self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.timed_out = true;
        }
        self.timed_out
    }

    /// A detector for training and debugging the generic scorer: it keeps
    /// every generic candidate and records its features.
    pub fn explaining(rules: &'r RuleSet) -> Self {
        Detector {
            explained: Some(Vec::new()),
            ..Detector::new(rules)
        }
    }

    /// Takes the generic candidates recorded since the last call.
    pub fn take_explained(&mut self) -> Vec<Explained> {
        self.explained
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The rule set this detector uses.
    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    /// Adds to `parts` the companion parts of rule `rule` it does not hold
    /// yet, found around `secret` in `bytes` as a scan finds them (for a
    /// match made elsewhere, such as in the configuration view, placed back
    /// in its file).
    pub fn add_companions_near(
        &self,
        rule: usize,
        bytes: &[u8],
        secret: &Range<usize>,
        parts: &mut Vec<(String, Range<usize>)>,
    ) {
        let Some(rule) = self.rules.rules().get(rule) else {
            return;
        };
        for companion in &rule.companions {
            let name = &companion.spec.name;
            if parts.iter().any(|(n, _)| n == name) {
                continue;
            }
            if let Some(range) = find_companion(companion, bytes, secret) {
                parts.push((name.clone(), range));
            }
        }
    }

    /// Scans `bytes`, appending matches to `out` sorted by secret start.
    pub fn scan(&mut self, bytes: &[u8], out: &mut Vec<Match>) {
        let start = out.len();
        if self.out_of_time() {
            return;
        }
        self.select_candidates(bytes);
        for i in 0..self.candidates.len() {
            if self.out_of_time() {
                break;
            }
            let rule_index = self.candidates[i];
            let rule = &self.rules.rules()[rule_index];
            let locations = &mut self.locations[rule_index];
            let whole = 0..bytes.len();
            let ranges = if self.windowed && rule.lines_around_keyword().is_some() {
                self.windows[rule_index].as_slice()
            } else {
                std::slice::from_ref(&whole)
            };
            for range in ranges {
                run_rule(
                    rule_index,
                    rule,
                    bytes,
                    range.clone(),
                    out,
                    locations,
                    self.explained.as_mut(),
                );
            }
        }
        resolve_overlaps(self.rules, bytes, out, start);
    }

    fn select_candidates(&mut self, bytes: &[u8]) {
        for &i in &self.candidates {
            self.candidate[i] = false;
        }
        self.candidates.clear();
        // Leftmost-longest matches, restarting one byte after each match start:
        // see `RuleSet::from_rules` for why this finds every keyword present.
        self.scanned = self.scanned.saturating_add(bytes.len());
        self.windowed = self.scanned >= LARGE_SCAN;
        let mut hits = std::mem::take(&mut self.hits);
        hits.clear();
        // Small scans never build the DFA: its build costs more than it saves.
        let dfa = if self.windowed {
            self.rules.keyword_dfa()
        } else {
            None
        };
        match dfa {
            Some(dfa) => dfa.find_all(bytes, &mut hits),
            None => {
                let mut at = 0;
                while let Some(hit) = self.rules.prefilter().find(Input::new(bytes).range(at..)) {
                    at = hit.start() + 1;
                    hits.push(KeywordHit {
                        start: hit.start(),
                        end: hit.end(),
                        keyword: hit.pattern().as_usize(),
                    });
                }
            }
        }
        // The line of the last hit, and that line widened by `n` lines for
        // each `n` a rule asked for: hits cluster on lines, so each line's
        // windows are computed once, however long its neighbours.
        let mut line = 0..0;
        let mut widened: [Option<Range<usize>>; MAX_SPAN_NEWLINES + 1] = Default::default();
        for hit in &hits {
            if hit.end > line.end || hit.start < line.start {
                line = line_window(bytes, &hit.range(), 0);
                widened = Default::default();
                widened[0] = Some(line.clone());
            }
            for &rule in self.rules.rules_for_keyword(hit.keyword) {
                if !self.candidate[rule] {
                    self.candidate[rule] = true;
                    self.candidates.push(rule);
                    self.windows[rule].clear();
                }
                if !self.windowed {
                    continue;
                }
                if let Some(n) = self.rules.rules()[rule].lines_around_keyword() {
                    let window =
                        widened[n].get_or_insert_with(|| line_window(bytes, &hit.range(), n));
                    add_window(&mut self.windows[rule], window);
                }
            }
        }
        self.hits = hits;
        // Keyword-less rules (translated from gitleaks) run on every blob.
        for &rule in self.rules.always_candidates() {
            if !self.candidate[rule] {
                self.candidate[rule] = true;
                self.candidates.push(rule);
            }
        }
        self.candidates.sort_unstable();
    }
}

/// Windows closer than this are searched as one: the lines between them hold
/// no keyword, so they cannot match, and one longer search costs less than
/// two searches' set-up.
const WINDOW_GAP: usize = 4096;

/// Appends `line` to a rule's windows, merged with the last one when they are
/// less than [`WINDOW_GAP`] apart.
fn add_window(windows: &mut Vec<Range<usize>>, line: &Range<usize>) {
    match windows.last_mut() {
        Some(last) if line.start <= last.end.saturating_add(WINDOW_GAP) => {
            last.end = last.end.max(line.end);
        }
        _ => windows.push(line.clone()),
    }
}

/// Runs one rule's regex over `range` of the blob (the whole blob, or the
/// lines around its keywords) and pushes the matches that pass the filters.
/// The regex sees the bytes before `range` (for `\b`) and none after it: a
/// window ends after a newline or at the blob's end.
fn run_rule(
    rule_index: usize,
    rule: &Rule,
    bytes: &[u8],
    range: Range<usize>,
    out: &mut Vec<Match>,
    locations: &mut Option<CaptureLocations>,
    mut explained: Option<&mut Vec<Explained>>,
) {
    let haystack = &bytes[..range.end];
    let mut at = range.start;
    // No match of the relaxed regex, none of the rule's: the rule regex is
    // then not even compiled. One starts no later than the first relaxed one.
    if let Some(relaxed) = rule.relaxed_regex() {
        match relaxed.find_at(haystack, at) {
            Some(first) => at = first.start(),
            None => return,
        }
    }
    let Ok(regex) = rule.regex() else {
        return; // built-in regexes are tested; user regexes are checked at load
    };
    let Some(group) = secret_group(regex) else {
        return;
    };
    let locations = locations.get_or_insert_with(|| regex.capture_locations());
    while at <= haystack.len() {
        let Some(whole) = regex.captures_read_at(locations, haystack, at) else {
            break;
        };
        at = if whole.end() > whole.start() {
            whole.end()
        } else {
            whole.end() + 1
        };
        let Some((s, e)) = locations.get(group) else {
            continue;
        };
        let secret = if rule.spec.quoted_values {
            quoted::whole_literal(bytes, s..e)
        } else {
            s..e
        };
        let candidate = Candidate {
            rule_index,
            key_start: whole.start(),
            secret,
        };
        if let Some(mut found) = accept(rule, bytes, candidate, explained.as_deref_mut()) {
            add_captured_parts(regex, locations, group, &mut found.parts);
            out.push(found);
        }
    }
}

/// Named groups of the rule's own pattern other than `secret` (`user` of
/// `postgres://user:pass@host`) become parts of the match, in pattern order.
fn add_captured_parts(
    regex: &regex::bytes::Regex,
    locations: &CaptureLocations,
    secret: usize,
    parts: &mut Vec<(String, Range<usize>)>,
) {
    for (index, name) in regex.capture_names().enumerate() {
        let Some(name) = name else { continue };
        if index == secret {
            continue;
        }
        if let Some((start, end)) = locations.get(index)
            && end > start
        {
            parts.push((name.to_string(), start..end));
        }
    }
}

fn secret_group(regex: &regex::bytes::Regex) -> Option<usize> {
    regex
        .capture_names()
        .position(|name| name == Some("secret"))
}

/// A regex match: the rule, where the whole match starts, the secret group.
struct Candidate {
    rule_index: usize,
    key_start: usize,
    secret: Range<usize>,
}

/// Applies the filters of DESIGN.md section 4 to one candidate secret.
fn accept(
    rule: &Rule,
    bytes: &[u8],
    candidate: Candidate,
    explained: Option<&mut Vec<Explained>>,
) -> Option<Match> {
    let Candidate {
        rule_index,
        key_start,
        secret,
    } = candidate;
    let value = &bytes[secret.clone()];
    if value.is_empty() {
        return None;
    }
    let entropy = entropy::shannon(value);
    let delimited = filters::is_delimited_literal(bytes, &secret);
    // A whole quoted literal shaped like a generated password is a literal,
    // brackets and sigils included, for the value filter; under a rule with
    // `quoted_values` it is also judged by its shape alone: the scorer,
    // trained on few such values, reads its symbols and dots as code.
    let generated = quoted::looks_generated(value);
    let generated_literal =
        generated && (delimited || filters::is_quoted_pair_password(bytes, &secret));
    let scored = rule.scored() && !(rule.spec.quoted_values && delimited && generated);
    // Generic rules of machine-made values (tokens, keys, salts) drop phrases
    // of words, scored or not.
    let machine_made = rule.spec.generic && score::is_machine_made_rule(&rule.spec.id);
    if entropy < rule.spec.min_entropy
        || filters::is_placeholder(value)
        || filters::decodes_to_placeholder(value)
        || filters::has_stopword(value, &rule.stopwords)
        || rule
            .spec
            .decodes_to
            .is_some_and(|shape| !filters::decodes_to(shape, value))
        || (rule.spec.generic && generated_literal && filters::is_textbook_value(value))
        // A provider's password rule (a database URI's password) reads the same
        // textbook values the generic rules drop.
        || (!rule.spec.generic && rule.spec.id.contains("pass") && filters::is_textbook_value(value))
        || (rule.spec.generic
            && !generated_literal
            && (filters::is_non_literal(
                value,
                &bytes[secret.end..bytes.len().min(secret.end + 2)],
                delimited,
            ) || filters::is_compared_or_substituted(bytes, &secret)
                || filters::is_passwd_format(bytes, &secret)
                || filters::is_namespaced_command(bytes, &secret)
                || (score::is_password_rule(&rule.spec.id)
                    && filters::repeats_the_user_name(bytes, key_start, &secret))
                || filters::repeats_a_key_word(bytes, key_start, &secret)
                || filters::is_message_catalog_entry(bytes, key_start)
                || filters::is_test_result_line(bytes, key_start, &secret)
                || filters::is_processing_pass(bytes, key_start)
                || filters::is_markup_binding(bytes, key_start, &secret)
                || filters::is_ldap_name_part(bytes, &secret)
                || filters::is_enum_of_ids(bytes, &secret)
                || filters::is_beside_documented_example(bytes, &secret)
                || filters::names_a_secret(value)))
        || (scored && filters::is_code_context(bytes, key_start, &secret))
        // The unscored generic rules of a format or provider read the name too
        // (`JWT_SECRET_SHA256 = "…"`); a salt rule is about salts.
        || (rule.spec.generic
            && !scored
            && !score::is_salt_rule(&rule.spec.id)
            && filters::is_assigned_to_public_name(bytes, &secret))
        // Keys and tokens are machine-made; passwords are made of words. A
        // provider's key is never a camelCase phrase of words either
        // (`UniformBucketLevelAccess` after a provider name inside a word).
        || (!rule.spec.generic && !rule.spec.id.contains("pass") && filters::is_word_identifier(value))
        || ((scored || machine_made)
            && !score::is_password_rule(&rule.spec.id)
            && filters::is_word_identifier(value))
        || (machine_made
            && (filters::is_word_phrase(value)
                || filters::is_word_path(value)
                || filters::is_lone_word(value)
                || filters::encodes_small_plain_json(value)))
        // Last: it lowercases the rest of the line, the other checks only look.
        || (rule.spec.generic && filters::is_translated_label(rest_of_line(bytes, &secret)))
    {
        return None;
    }
    let mut confidence = rule.spec.confidence;
    if scored {
        let scored = score::Candidate {
            rule_id: &rule.spec.id,
            bytes,
            key_start,
            secret: secret.clone(),
            entropy,
        };
        let features = score::features(&scored);
        let model = score::MODEL.as_ref();
        let probability = model.map(|m| m.probability(&features));
        let judged = model.zip(probability).map(|(m, p)| m.confidence(p));
        match (explained, judged) {
            (Some(sink), _) => sink.push(Explained {
                rule: rule_index,
                secret: secret.clone(),
                features,
                probability,
            }),
            (None, Some(None)) => return None,
            (None, Some(Some(judged))) => confidence = judged,
            (None, None) => {}
        }
    }
    // Any missing part lowers the confidence one level (not one per part: a
    // lone Azure or GCP secret is still as dangerous as a lone AWS one);
    // optional parts are context and lower nothing.
    let mut parts = Vec::new();
    let mut missing = false;
    for companion in &rule.companions {
        match find_companion(companion, bytes, &secret) {
            Some(range) => parts.push((companion.spec.name.clone(), range)),
            None => missing |= !companion.spec.optional,
        }
    }
    if missing {
        confidence = confidence.lowered();
    }
    Some(Match {
        rule: rule_index,
        secret,
        confidence,
        entropy,
        parts,
    })
}

/// The secret and what follows it on its line, at most 96 bytes in all.
fn rest_of_line<'a>(bytes: &'a [u8], secret: &Range<usize>) -> &'a [u8] {
    let limit = bytes.len().min(secret.end.max(secret.start + 96));
    let end = memchr::memchr(b'\n', &bytes[secret.end..limit]).map_or(limit, |at| secret.end + at);
    &bytes[secret.start..end]
}

/// Finds a companion part within its line window around `secret`, nearest first.
fn find_companion(
    companion: &crate::rules::Companion,
    bytes: &[u8],
    secret: &Range<usize>,
) -> Option<Range<usize>> {
    let regex = companion.regex().ok()?;
    let lines = companion.spec.within_lines as usize;
    let window = line_window(bytes, secret, lines);
    let group = secret_group(regex);
    let mut best: Option<Range<usize>> = None;
    let mut locations = regex.capture_locations();
    let mut at = window.start;
    while at < window.end {
        let Some(whole) = regex.captures_read_at(&mut locations, &bytes[..window.end], at) else {
            break;
        };
        at = whole.end().max(whole.start() + 1);
        let range = match group.and_then(|g| locations.get(g)) {
            Some((s, e)) => s..e,
            None => whole.start()..whole.end(),
        };
        if range.start < secret.end && secret.start < range.end {
            continue; // the secret itself is not its own companion
        }
        let distance = |r: &Range<usize>| r.start.abs_diff(secret.start);
        if best.as_ref().is_none_or(|b| distance(&range) < distance(b)) {
            best = Some(range);
        }
    }
    best
}

/// Byte range covering `lines` lines above and below `range`.
fn line_window(bytes: &[u8], range: &Range<usize>, lines: usize) -> Range<usize> {
    let mut start = range.start;
    for _ in 0..=lines {
        match memchr::memrchr(b'\n', &bytes[..start]) {
            Some(newline) => start = newline,
            None => {
                start = 0;
                break;
            }
        }
    }
    let mut end = range.end;
    for _ in 0..=lines {
        match memchr::memchr(b'\n', &bytes[end..]) {
            Some(offset) => end += offset + 1,
            None => {
                end = bytes.len();
                break;
            }
        }
    }
    start..end
}

/// How many sorted neighbours on each side are compared when resolving overlaps.
const OVERLAP_NEIGHBOURS: usize = 64;

/// Drops, among `out[start..]`: generic matches of a value a disabled rule
/// matches, generic matches overlapping a specific match, matches that are
/// another match's companion part, and the weaker of two overlapping generic
/// matches. Leaves the rest sorted by position, then rule.
fn resolve_overlaps(rules: &RuleSet, bytes: &[u8], out: &mut Vec<Match>, start: usize) {
    let mut found = out.split_off(start);
    if rules.has_disabled() {
        found.retain(|m| {
            !rules.rules()[m.rule].spec.generic
                || !rules.disabled_rule_matches(&bytes[m.secret.clone()])
        });
    }
    if found.len() > 1 {
        found.sort_by_key(|m| (m.secret.start, m.rule));
        let keep: Vec<bool> = (0..found.len())
            .map(|i| !is_shadowed(rules, &found, i))
            .collect();
        hand_over_parts(rules, &mut found, &keep);
        let mut flags = keep.into_iter();
        found.retain(|_| flags.next().unwrap_or(true));
    }
    out.extend(found);
}

/// A generic match that gives way to a specific rule's match of the same
/// secret hands over the parts it read and the winner lacks (the `machine`
/// and login of a `.netrc` entry whose password is a Heroku API key).
fn hand_over_parts(rules: &RuleSet, found: &mut [Match], keep: &[bool]) {
    let generic = |m: &Match| rules.rules()[m.rule].spec.generic;
    for i in 0..found.len() {
        if keep[i] || !generic(&found[i]) || found[i].parts.is_empty() {
            continue;
        }
        let low = i.saturating_sub(OVERLAP_NEIGHBOURS);
        let high = (i + OVERLAP_NEIGHBOURS + 1).min(found.len());
        let winner = (low..high)
            .find(|&j| keep[j] && !generic(&found[j]) && found[j].secret == found[i].secret);
        if let Some(j) = winner {
            let parts = std::mem::take(&mut found[i].parts);
            for (name, range) in parts {
                if !found[j].parts.iter().any(|(n, _)| *n == name) {
                    found[j].parts.push((name, range));
                }
            }
        }
    }
}

fn is_shadowed(rules: &RuleSet, found: &[Match], i: usize) -> bool {
    let generic = |m: &Match| rules.rules()[m.rule].spec.generic;
    let overlaps = |a: &Range<usize>, b: &Range<usize>| a.start < b.end && b.start < a.end;
    // Among generic rules, one that knows its file format (`.npmrc`) beats a
    // scored catch-all, then higher confidence, then more parts found, then
    // the earlier rule.
    let strength = |m: &Match| {
        let rule = &rules.rules()[m.rule];
        (
            !rule.scored(),
            m.confidence,
            m.parts.len(),
            std::cmp::Reverse(m.rule),
        )
    };
    let m = &found[i];
    let low = i.saturating_sub(OVERLAP_NEIGHBOURS);
    let high = (i + OVERLAP_NEIGHBOURS + 1).min(found.len());
    (low..high).filter(|&j| j != i).any(|j| {
        let other = &found[j];
        if other.rule == m.rule {
            return false;
        }
        let companion_of_other = other
            .parts
            .iter()
            .any(|(_, part)| part.start <= m.secret.start && m.secret.end <= part.end);
        let both_overlap = overlaps(&m.secret, &other.secret);
        let beaten_by_specific = generic(m) && !generic(other) && both_overlap;
        let beaten_by_stronger_generic =
            generic(m) && generic(other) && both_overlap && strength(other) > strength(m);
        companion_of_other || beaten_by_specific || beaten_by_stronger_generic
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RuleFile, RuleSet};

    fn rule_set(toml_text: &str) -> RuleSet {
        let file: RuleFile = match toml::from_str(toml_text) {
            Ok(file) => file,
            Err(err) => panic!("{err}"),
        };
        let specs = file.rules.into_iter().map(|s| (s, "test.toml".to_string()));
        match RuleSet::from_specs(specs.collect()) {
            Ok(set) => set,
            Err(err) => panic!("{err}"),
        }
    }

    fn rule(id: &str, keyword: &str) -> String {
        format!(
            "[[rule]]\nid = \"t.{id}\"\nname = \"{id}\"\nprovider = \"t\"\nidentity = \"t.x\"\n\
             keywords = [\"{keyword}\"]\npattern = '''(?P<secret>{keyword}[0-9]+)'''\n"
        )
    }

    #[test]
    fn a_rule_with_a_long_bound_finds_what_its_exact_regex_finds() {
        // The relaxed regex (`{8,}`) first matches the 100-letter run the
        // rule rejects; the search must go on to the valid value after it.
        let text = "[[rule]]\nid = \"t.long\"\nname = \"long\"\nprovider = \"t\"\n\
                    identity = \"t.x\"\nkeywords = [\"tok_\"]\n\
                    pattern = '''tok_(?P<secret>[a-z]{8,80})\\b'''\n";
        let rules = rule_set(text);
        let rule = &rules.rules()[0];
        assert!(rule.relaxed_regex().is_some());
        let too_long = "q".repeat(100);
        let blob = format!("a tok_{too_long} b tok_xkqvmzbtrw c");
        let mut out = Vec::new();
        Detector::new(&rules).scan(blob.as_bytes(), &mut out);
        let found: Vec<&[u8]> = out
            .iter()
            .map(|m| &blob.as_bytes()[m.secret.clone()])
            .collect();
        assert_eq!(found, vec![b"xkqvmzbtrw".as_slice()]);
        out.clear();
        Detector::new(&rules).scan(format!("tok_{too_long}").as_bytes(), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn prefilter_finds_contained_and_overlapping_keywords() {
        // At offset 3 the longest keyword is "password", which contains "passw",
        // "word" and "sword": each keyword present must enable its own rule.
        let text = [
            rule("a", "passw"),
            rule("b", "password"),
            rule("c", "word"),
            rule("d", "sword"),
            rule("e", "absent"),
        ]
        .concat();
        let rules = rule_set(&text);
        let mut detector = Detector::new(&rules);
        detector.select_candidates(b"xx password yy");
        let ids: Vec<&str> = detector
            .candidates
            .iter()
            .map(|&i| rules.rules()[i].id())
            .collect();
        assert_eq!(ids, ["t.a", "t.b", "t.c", "t.d"]);
    }

    #[test]
    fn nfa_and_dfa_prefilters_select_the_same_rules() {
        let rules = RuleSet::builtin_for_test();
        let text = b"db_password = x; ghp_ token AKIA postgres://u:p@h -----BEGIN RSA PRIVATE KEY----- xoxb- sk_live_ %3D pat";
        let mut small = Detector::new(&rules);
        small.select_candidates(text);
        let mut large = Detector::new(&rules);
        large.scanned = LARGE_SCAN;
        large.select_candidates(text);
        assert!(!small.candidates.is_empty());
        assert_eq!(small.candidates, large.candidates);
        // Only the large scan built the DFA (a pre-commit scan never pays for it).
        assert!(rules.keyword_dfa_built());
        let fresh = RuleSet::builtin_for_test();
        Detector::new(&fresh).select_candidates(text);
        assert!(!fresh.keyword_dfa_built());
    }

    #[test]
    fn named_groups_and_optional_companions_become_parts() {
        let text = "[[rule]]\nid = \"t.url\"\nname = \"u\"\nprovider = \"t\"\nidentity = \"t.x\"\n\
                    keywords = [\"db://\"]\n\
                    pattern = '''db://(?P<user>[a-z]*):(?P<secret>[A-Za-z0-9]{8,})@'''\n\
                    [[rule.requires]]\nname = \"region\"\npattern = '''region=(?P<secret>[a-z0-9-]+)'''\n\
                    within_lines = 0\noptional = true\n";
        let rules = rule_set(text);
        let mut detector = Detector::new(&rules);
        let mut out = Vec::new();
        // Assembled so that keyhound's own source holds no URL credential.
        let blob = concat!(
            "db://svc:",
            "Qm7vTzR2kWp9@h region=eu-1\n",
            "db://:",
            "Lx4Nq8Zp2Vw7@h\n"
        );
        let blob = blob.as_bytes();
        detector.scan(blob, &mut out);
        let parts: Vec<Vec<(&str, &[u8])>> = out
            .iter()
            .map(|m| {
                m.parts
                    .iter()
                    .map(|(name, range)| (name.as_str(), &blob[range.clone()]))
                    .collect()
            })
            .collect();
        assert_eq!(
            parts,
            [
                vec![("region", &b"eu-1"[..]), ("user", &b"svc"[..])],
                vec![]
            ]
        );
        // A missing optional companion leaves the confidence as it was.
        assert!(out.iter().all(|m| m.confidence == Confidence::Medium));
    }

    #[test]
    fn generic_match_loses_to_specific_match_on_same_bytes() {
        let text = "[[rule]]\nid = \"t.specific\"\nname = \"s\"\nprovider = \"t\"\nidentity = \"t.x\"\n\
                    keywords = [\"tok_\"]\npattern = '''(?P<secret>tok_[a-z0-9]{8})'''\n\
                    [[rule]]\nid = \"t.generic\"\nname = \"g\"\nprovider = \"t\"\nidentity = \"t.x\"\n\
                    generic = true\nkeywords = [\"key\"]\npattern = '''key=(?P<secret>\\S+)'''\n";
        let rules = rule_set(text);
        let mut detector = Detector::new(&rules);
        let mut out = Vec::new();
        detector.scan(b"key=tok_q8z2m4k7\nkey=Zq9v2LmT7kWx\n", &mut out);
        let ids: Vec<&str> = out.iter().map(|m| rules.rules()[m.rule].id()).collect();
        assert_eq!(ids, ["t.specific", "t.generic"]);
    }

    #[test]
    fn an_unscored_generic_rule_keeps_its_confidence_after_the_value_filter() {
        let text = "[[rule]]\nid = \"generic.t-define\"\nname = \"d\"\nprovider = \"generic\"\n\
                    identity = \"generic.secret\"\ngeneric = true\nscored = false\nconfidence = \"high\"\n\
                    keywords = [\"define\"]\npattern = '''define \\w+ \"(?P<secret>[^\"]+)\"'''\n";
        let rules = rule_set(text);
        assert!(!rules.rules()[0].scored());
        let blob = b"define DB_PW \"Zq9v2LmT7kWx\"\ndefine KIND \"string\"\n";
        let mut detector = Detector::new(&rules);
        let mut out = Vec::new();
        detector.scan(blob, &mut out);
        let found: Vec<(&[u8], Confidence)> = out
            .iter()
            .map(|m| (&blob[m.secret.clone()], m.confidence))
            .collect();
        // The code word is dropped by the value filter; the literal keeps `high`.
        assert_eq!(found, [(&b"Zq9v2LmT7kWx"[..], Confidence::High)]);
    }

    #[test]
    fn a_provider_key_is_never_a_camel_case_phrase_of_words() {
        let text = "[[rule]]\nid = \"t.bucket-key\"\nname = \"b\"\nprovider = \"t\"\n\
                    identity = \"t.x\"\nkeywords = [\"bucket\"]\n\
                    pattern = '''(?i:bucket)[\\w ]{0,12}?(?i:access) (?P<secret>[A-Za-z0-9]{20,64})'''\n";
        let rules = rule_set(text);
        let blob = b"UniformBucketLevelAccess UniformBucketLevelAccess\n\
                     bucket access Qx7vLm2Zt9Kw4Rb8Nc3Hd\n";
        let mut out = Vec::new();
        Detector::new(&rules).scan(blob, &mut out);
        let found: Vec<&[u8]> = out.iter().map(|m| &blob[m.secret.clone()]).collect();
        assert_eq!(found, [&b"Qx7vLm2Zt9Kw4Rb8Nc3Hd"[..]]);
    }

    #[test]
    fn rules_searched_by_line_find_what_a_whole_blob_search_finds() {
        let text = r#"
[[rule]]
id = "t.local"
name = "l"
provider = "t"
identity = "t.x"
keywords = ["tok_"]
pattern = '''\b(?P<secret>tok_[a-z0-9]{8})\b'''

[[rule]]
id = "t.trigger"
name = "t"
provider = "t"
identity = "t.y"
keywords = ["vendor"]
pattern = '''\b(?P<secret>zz_[a-z0-9]{8})\b'''

[[rule]]
id = "t.start"
name = "s"
provider = "t"
identity = "t.z"
keywords = ["st-"]
pattern = '''(?:\A|[^a-z])(?P<secret>st-[a-z0-9]{8})(?:[^a-z0-9]|(?m:$))'''
"#;
        let rules = rule_set(text);
        let local = rules.rules().iter().position(|r| r.id() == "t.local");
        let trigger = rules.rules().iter().position(|r| r.id() == "t.trigger");
        let (Some(local), Some(trigger)) = (local, trigger) else {
            panic!("rules missing");
        };
        assert_eq!(rules.rules()[local].lines_around_keyword(), Some(0));
        assert_eq!(rules.rules()[trigger].lines_around_keyword(), None);
        let start = rules.rules().iter().position(|r| r.id() == "t.start");
        assert_eq!(
            start.and_then(|i| rules.rules()[i].lines_around_keyword()),
            Some(2)
        );
        // Keywords far apart (separate windows), at the very start and end of
        // the blob (no final newline), twice on one line, a word boundary at
        // stake, and a trigger-only rule whose match lies far from its keyword.
        let filler = format!("{}\n", "x".repeat(3 * WINDOW_GAP));
        let blob = format!(
            "st-w2e4r6t8 tok_q8z2m4k7 first\n{filler}vendor\n{filler}a tok_m3x9v1p6 b tok_h7w2c5n8 xtok_r5t7y9u2\n\
             {filler}zz_k4j6h8g2 st-p9o8i7u6 ast-y5t4r3e2\n{filler}end tok_b4j8r6t1"
        );
        // `\A` matches at the blob's start only, not at a window's start.
        let expected = [
            "st-w2e4r6t8",
            "tok_q8z2m4k7",
            "tok_m3x9v1p6",
            "tok_h7w2c5n8",
            "zz_k4j6h8g2",
            "st-p9o8i7u6",
            "tok_b4j8r6t1",
        ];
        // A large scan searches keyword lines; a small one, whole blobs.
        for large in [true, false] {
            let mut detector = Detector::new(&rules);
            if large {
                detector.scanned = LARGE_SCAN;
            }
            let mut out = Vec::new();
            detector.scan(blob.as_bytes(), &mut out);
            let found: Vec<&str> = out.iter().map(|m| &blob[m.secret.clone()]).collect();
            assert_eq!(found, expected, "large scan: {large}");
            assert_eq!(detector.windowed, large);
            if large {
                assert_eq!(
                    detector.windows[local].len(),
                    3,
                    "{:?}",
                    detector.windows[local]
                );
            }
        }
    }
}
