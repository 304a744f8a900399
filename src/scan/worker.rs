//! The per-thread worker: runs the detector on each blob and sends the matches
//! (with line/column spans, without paths) to the collector. Paths and git
//! provenance are attached later: content apart from provenance.

use std::ops::Range;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use crate::decode::{Budget, Finder, Limits, line_prefix};
use crate::detect::{Detector, Match};
use crate::finding::{Part, Secret, blob_id};
use crate::rules::{Confidence, RuleSet};
use crate::source::{BlobVisitor, SkipReason};

use super::locate::{Locator, Span};
use super::{ScanIssue, Skipped, Stats};

/// One match made ready for collecting: the secret value and where in the blob.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Rule index in the rule set.
    pub rule: usize,
    /// Secret value.
    pub secret: Secret,
    /// Entropy of the secret.
    pub entropy: f64,
    /// Confidence after companion checks.
    pub confidence: Confidence,
    /// Companion parts.
    pub parts: Vec<Part>,
    /// Lines and columns of the secret.
    pub span: Span,
    /// Byte offset of the secret's start.
    pub start_byte: usize,
    /// Byte offset just past the secret.
    pub end_byte: usize,
    /// Enclosing configuration keys (`production.database`), if any.
    pub section: Option<String>,
    /// For a secret found in decoded text: the encodings of the token it was
    /// decoded from, outermost first (`["base64"]`); the span is the encoded
    /// token's. Empty for secrets found in the raw bytes.
    pub encoding: Vec<String>,
}

/// A match in decoded text, located at the encoded token it came from.
struct DecodedMatch {
    rule: usize,
    secret: Secret,
    entropy: f64,
    confidence: Confidence,
    parts: Vec<Part>,
    /// The outermost encoded token in the blob.
    token: Range<usize>,
    encoding: Vec<String>,
}

/// The hits of one blob.
#[derive(Debug, Clone)]
pub struct BlobMatches {
    /// Path for filesystem and stdin blobs; `None` for git blobs, whose paths
    /// come from the history walk.
    pub path: Option<String>,
    /// Git blob id of the content.
    pub blob_id: String,
    /// Hits, sorted by position.
    pub hits: Vec<Hit>,
}

/// What workers send to the collector.
#[derive(Debug)]
pub enum Event {
    /// Hits of one blob (only blobs with hits are sent).
    Blob(BlobMatches),
    /// A file that was skipped.
    Skipped(Skipped),
    /// A read error.
    Error(ScanIssue),
    /// A worker's counters, sent once when it is dropped.
    Stats(Stats),
    /// Identities declared by an infrastructure-code file.
    Declared(crate::declared::FileDeclarations),
}

/// Per-thread detecting visitor.
pub struct Worker<'r> {
    rules: &'r RuleSet,
    detector: Detector<'r>,
    matches: Vec<Match>,
    /// Scratch for the second look at configuration files.
    config_matches: Vec<Match>,
    sender: Sender<Event>,
    stats: Stats,
    decode: Limits,
    finder: Finder,
    /// Per-blob time budget (see [`Worker::with_time_budget`]).
    time_budget: Option<Duration>,
    /// Parse infrastructure-code files for declared identities.
    declared: bool,
}

impl<'r> Worker<'r> {
    /// A worker sending to `sender`.
    pub fn new(rules: &'r RuleSet, sender: Sender<Event>) -> Self {
        Worker {
            rules,
            detector: Detector::new(rules),
            matches: Vec::new(),
            config_matches: Vec::new(),
            sender,
            stats: Stats::default(),
            decode: Limits::default(),
            finder: Finder::new(),
            time_budget: Some(crate::source::DEFAULT_FILE_TIME_BUDGET),
            declared: true,
        }
    }

    /// Gives each blob at most `budget` of detection time (`None`: no
    /// limit). A blob that runs out keeps the matches found so far and is
    /// reported as a scan issue naming it.
    pub fn with_time_budget(mut self, budget: Option<Duration>) -> Self {
        self.time_budget = budget;
        self
    }

    /// The same worker decoding encoded tokens within `limits`
    /// (`max_depth` 0 disables decoding).
    pub fn with_decode(mut self, limits: Limits) -> Self {
        self.decode = limits;
        self
    }

    /// The same worker parsing infrastructure code for declared
    /// identities (`true`, the default) or not.
    pub fn with_declared(mut self, declared: bool) -> Self {
        self.declared = declared;
        self
    }

    fn send(&self, event: Event) {
        // The collector only goes away after every worker is done.
        let _ = self.sender.send(event);
    }

    /// Scans one blob. `blob_id` is computed from the content when not given.
    pub fn scan_blob(&mut self, path: Option<&str>, blob_id_hex: Option<String>, bytes: &[u8]) {
        let started = Instant::now();
        self.detector
            .set_deadline(self.time_budget.and_then(|b| started.checked_add(b)));
        self.scan_blob_within_budget(path, blob_id_hex, bytes);
        if self.detector.timed_out() {
            let shown = path.unwrap_or("<blob>");
            self.stats.errors += 1;
            self.send(Event::Error(ScanIssue {
                path: shown.to_string(),
                message: format!(
                    "{shown}: scan stopped after {:.1}s (the per-file time budget, \
                     --file-time-budget); matches found before are reported, later rules did not run",
                    started.elapsed().as_secs_f64()
                ),
            }));
        }
        self.detector.set_deadline(None);
    }

    fn scan_blob_within_budget(
        &mut self,
        path: Option<&str>,
        blob_id_hex: Option<String>,
        bytes: &[u8],
    ) {
        self.stats.files += 1;
        self.stats.bytes += bytes.len() as u64;
        // A path check first: only infrastructure code is parsed for declarations.
        let iac = path.filter(|p| self.declared && crate::declared::may_be_iac(p));
        if let Some(path) = iac {
            if let Some(found) = crate::declared::discover(path, bytes) {
                self.send(Event::Declared(found));
            }
        }
        self.matches.clear();
        self.detector.scan(bytes, &mut self.matches);
        if let Some(view) = super::config_view::build(path, bytes) {
            view.scan(
                &mut self.detector,
                bytes,
                &mut self.config_matches,
                &mut self.matches,
            );
        }
        let mut decoded = self.scan_decoded(bytes);
        if self.matches.is_empty() && decoded.is_empty() {
            return;
        }
        let before = self.matches.len() + decoded.len();
        self.matches
            .retain(|m| !allowed_inline(bytes, m.secret.start, m.secret.end));
        decoded.retain(|d| !allowed_inline(bytes, d.token.start, d.token.end));
        self.stats.suppressed += (before - self.matches.len() - decoded.len()) as u64;
        if self.matches.is_empty() && decoded.is_empty() {
            return;
        }
        let mut locator = Locator::new(bytes);
        let mut hits: Vec<Hit> = self
            .matches
            .iter()
            .map(|m| Hit {
                rule: m.rule,
                secret: Secret::from_bytes(&bytes[m.secret.clone()]),
                entropy: m.entropy,
                confidence: m.confidence,
                parts: m
                    .parts
                    .iter()
                    .map(|(name, range)| Part {
                        name: name.clone(),
                        value: Secret::from_bytes(&bytes[range.clone()]),
                    })
                    .collect(),
                span: locator.span(&m.secret),
                start_byte: m.secret.start,
                end_byte: m.secret.end,
                section: super::section::enclosing(bytes, m.secret.start),
                encoding: Vec::new(),
            })
            .collect();
        if !decoded.is_empty() {
            decoded.sort_by_key(|d| d.token.start);
            let mut locator = Locator::new(bytes);
            hits.extend(decoded.into_iter().map(|d| Hit {
                rule: d.rule,
                secret: d.secret,
                entropy: d.entropy,
                confidence: d.confidence,
                parts: d.parts,
                span: locator.span(&d.token),
                start_byte: d.token.start,
                end_byte: d.token.end,
                section: super::section::enclosing(bytes, d.token.start),
                encoding: d.encoding,
            }));
            hits.sort_by_key(|h| h.start_byte);
        }
        self.send(Event::Blob(BlobMatches {
            path: path.map(str::to_string),
            blob_id: blob_id_hex.unwrap_or_else(|| blob_id(bytes)),
            hits,
        }));
    }

    /// Matches in the decodings of the blob's encoded tokens, down to the
    /// depth limit, within one [`Budget`] for the whole blob. A rule that
    /// the raw scan already matched on a token is not reported again from
    /// its decoding (the same secret seen twice); other rules are (the
    /// GitHub token inside a Docker `auth` the raw scan reported as a whole).
    fn scan_decoded(&mut self, bytes: &[u8]) -> Vec<DecodedMatch> {
        let mut found = Vec::new();
        if !self.decode.enabled() {
            return found;
        }
        let mut budget = Budget::new(&self.decode);
        let mut tokens = Vec::new();
        self.finder.find(bytes, &mut budget, &mut tokens);
        // Generic matches that are exactly an encoded token (`password:
        // <base64>`, a Kubernetes Secret's data value): if the decoding
        // matches the same rule or a provider's rule, the decoded value is
        // the secret (`ghp_…` inside the base64) and the encoded text is
        // dropped below, so one credential is not reported twice.
        // (rule, the match's span, the token's span): a generic value may be
        // a prefix of a long token (its rule caps the value's length).
        let mut encoded_generic: Vec<(usize, Range<usize>, Range<usize>)> = Vec::new();
        // Tokens a provider rule read whole and judged by their decoding
        // (`decodes_to`: a Docker `auth`, a Basic header): a generic match
        // on the decoded `user:password` is that same credential.
        let mut read_whole: Vec<Range<usize>> = Vec::new();
        let rule_set: &'r RuleSet = self.rules;
        let rules = rule_set.rules();
        for token in tokens {
            // One look at the raw matches on this token: which rules already
            // reported it (not reported again from its decoding), which
            // generic ones its decoding may replace, and whether a provider
            // rule judged it by its decoding.
            let mut covered = Vec::new();
            let mut judged_whole = false;
            for m in self
                .matches
                .iter()
                .filter(|m| overlaps(&m.secret, &token.span))
            {
                let rule = &rules[m.rule];
                judged_whole |=
                    m.secret == token.span && !rule.spec.generic && rule.spec.decodes_to.is_some();
                // (Not a generic rule that reads the decoding itself.)
                let exact = m.secret.start == token.span.start
                    && m.secret.end <= token.span.end
                    && rule.spec.generic
                    && (rule.scored() || rule.spec.decodes_to.is_none());
                if exact {
                    encoded_generic.push((m.rule, m.secret.clone(), token.span.clone()));
                } else {
                    covered.push(m.rule);
                }
            }
            if judged_whole {
                read_whole.push(token.span.clone());
            }
            let level = Level {
                text: &token.text,
                prefix: line_prefix(bytes, token.span.start),
                token: token.span.clone(),
                encoding: vec![token.encoding.as_str().to_string()],
                depth: 1,
                covered,
            };
            self.scan_level(level, &mut budget, &mut found);
        }
        found.retain(|d| !(rules[d.rule].spec.generic && read_whole.contains(&d.token)));
        for (rule, span, token) in encoded_generic {
            // Unconfirmed by the decoding, the encoded match stays. A
            // container (`decoded_wins`) gives way to any rule's match.
            let confirmed = |d: &DecodedMatch| {
                d.token == token
                    && (d.rule == rule
                        || !rules[d.rule].spec.generic
                        || rules[rule].spec.decoded_wins)
            };
            let Some(at) = found.iter().position(confirmed) else {
                continue;
            };
            // The encoded match saw the lines around the token (the user
            // name above a `.npmrc` `_password`); the decoding only its own
            // line. Its parts go to the match that replaces it.
            if let Some(encoded) = self
                .matches
                .iter()
                .find(|m| m.rule == rule && m.secret == span)
            {
                for (name, range) in &encoded.parts {
                    if !found[at].parts.iter().any(|p| p.name == *name) {
                        found[at].parts.push(Part {
                            name: name.clone(),
                            value: Secret::from_bytes(&bytes[range.clone()]),
                        });
                    }
                }
            }
            self.matches
                .retain(|m| !(m.rule == rule && m.secret == span));
        }
        found
    }

    /// Scans one decoded text behind its key context, then the tokens
    /// encoded inside it while the depth limit allows.
    fn scan_level(&mut self, level: Level<'_>, budget: &mut Budget, found: &mut Vec<DecodedMatch>) {
        let base = level.prefix.len();
        let mut buffer = Vec::with_capacity(base + level.text.len());
        buffer.extend_from_slice(level.prefix);
        buffer.extend_from_slice(level.text.as_bytes());
        let mut matches = Vec::new();
        self.detector.scan(&buffer, &mut matches);
        // A match in the key context is the raw scan's business, and a rule
        // that already matched the encoded token itself has reported it.
        matches.retain(|m| m.secret.start >= base && !level.covered.contains(&m.rule));
        found.extend(matches.iter().map(|m| {
            DecodedMatch {
                rule: m.rule,
                secret: Secret::from_bytes(&buffer[m.secret.clone()]),
                entropy: m.entropy,
                confidence: m.confidence,
                parts: m
                    .parts
                    .iter()
                    .map(|(name, range)| Part {
                        name: name.clone(),
                        value: Secret::from_bytes(&buffer[range.clone()]),
                    })
                    .collect(),
                token: level.token.clone(),
                encoding: level.encoding.clone(),
            }
        }));
        if level.depth >= self.decode.max_depth || budget.exhausted() {
            return;
        }
        let mut inner = Vec::new();
        self.finder.find(level.text.as_bytes(), budget, &mut inner);
        for token in &inner {
            let shifted = token.span.start + base..token.span.end + base;
            let mut covered = level.covered.clone();
            covered.extend(
                matches
                    .iter()
                    .filter(|m| overlaps(&m.secret, &shifted))
                    .map(|m| m.rule),
            );
            // A token at the very start of the decoded text keeps the outer key context.
            let prefix = if token.span.start == 0 {
                level.prefix
            } else {
                line_prefix(level.text.as_bytes(), token.span.start)
            };
            let mut encoding = level.encoding.clone();
            encoding.push(token.encoding.as_str().to_string());
            let next = Level {
                text: &token.text,
                prefix,
                token: level.token.clone(),
                encoding,
                depth: level.depth + 1,
                covered,
            };
            self.scan_level(next, budget, found);
        }
    }
}

/// One decoded text to scan.
struct Level<'a> {
    /// The decoded text.
    text: &'a str,
    /// Key context put in front of it (the line before the token).
    prefix: &'a [u8],
    /// The outermost encoded token in the blob.
    token: Range<usize>,
    /// Encodings so far, outermost first.
    encoding: Vec<String>,
    /// 1 for tokens of the blob itself.
    depth: usize,
    /// Rules that matched this token (or a token enclosing it) before it was
    /// decoded: their decoded matches would report the same secret twice.
    covered: Vec<usize>,
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// True when a line the secret spans carries an inline allow marker
/// (`keyhound:allow`, or gitleaks' `gitleaks:allow`), e.g. in a comment.
fn allowed_inline(bytes: &[u8], start: usize, end: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |p| p + 1);
    let line_end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |p| end + p);
    let line = &bytes[line_start..line_end];
    crate::suppress::INLINE_MARKERS
        .iter()
        .any(|marker| memchr::memmem::find(line, marker.as_bytes()).is_some())
}

impl BlobVisitor for Worker<'_> {
    fn blob(&mut self, path: &str, bytes: &[u8]) {
        self.scan_blob(Some(path), None, bytes);
    }

    fn skipped(&mut self, path: &str, reason: SkipReason) {
        match reason {
            SkipReason::Binary => self.stats.skipped_binary += 1,
            SkipReason::TooLarge => self.stats.skipped_large += 1,
            SkipReason::ArchiveTooDeep
            | SkipReason::ArchiveBomb
            | SkipReason::ArchiveLimit
            | SkipReason::SpecialFile => {}
        }
        self.send(Event::Skipped(Skipped {
            path: path.to_string(),
            reason,
        }));
    }

    fn error(&mut self, path: &str, message: String) {
        self.stats.errors += 1;
        self.send(Event::Error(ScanIssue {
            path: path.to_string(),
            message,
        }));
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        let stats = std::mem::take(&mut self.stats);
        self.send(Event::Stats(stats));
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    use super::*;

    /// A Stripe-shaped key assembled at run time (no credential literal here).
    fn fake_key() -> String {
        ["sk", "live", "Qw7Er9Ty2Ui4Op6As8Df1Gh3"].join("_")
    }

    fn builtin() -> RuleSet {
        let Ok(rules) = RuleSet::builtin() else {
            panic!("built-in rules load");
        };
        rules
    }

    /// Asserts that `found` is one hit: `secret`, decoded from base64.
    fn only_decoded(found: &[Hit], secret: &str) {
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].secret.expose(), secret);
        assert_eq!(found[0].encoding, ["base64"]);
    }

    fn hits(rules: &RuleSet, depth: usize, bytes: &[u8]) -> Vec<Hit> {
        hits_in(rules, depth, "x", bytes)
    }

    /// The hits of a blob at `path` (the path decides the configuration view).
    fn hits_in(rules: &RuleSet, depth: usize, path: &str, bytes: &[u8]) -> Vec<Hit> {
        let (sender, receiver) = std::sync::mpsc::channel();
        {
            let mut worker = Worker::new(rules, sender).with_decode(Limits::with_depth(depth));
            worker.scan_blob(Some(path), None, bytes);
        }
        receiver
            .into_iter()
            .filter_map(|event| match event {
                Event::Blob(blob) => Some(blob.hits),
                _ => None,
            })
            .flatten()
            .collect()
    }

    #[test]
    fn decode_depth_limits_nesting() {
        let rules = builtin();
        let key = fake_key();
        let once = STANDARD.encode(format!("stripe: {key}"));
        let twice = STANDARD.encode(format!("value: {once}"));
        let doc = format!("first: 1\nblob: {twice}\n");
        let at = doc.find(&twice).unwrap_or(0);

        let found = hits(&rules, 2, doc.as_bytes());
        let hit = found
            .iter()
            .find(|h| h.secret.expose() == key)
            .unwrap_or_else(|| panic!("found at depth 2: {found:?}"));
        assert_eq!(hit.encoding, ["base64", "base64"]);
        assert_eq!((hit.start_byte, hit.end_byte), (at, at + twice.len()));
        assert_eq!((hit.span.line, hit.span.column), (2, 7));

        let found = hits(&rules, 1, doc.as_bytes());
        assert!(found.iter().all(|h| h.secret.expose() != key), "{found:?}");
        let found = hits(&rules, 0, doc.as_bytes());
        assert!(found.iter().all(|h| h.encoding.is_empty()), "{found:?}");
    }

    #[test]
    fn a_provider_token_in_base64_is_reported_once() {
        let rules = builtin();
        let key = fake_key();
        let doc = format!(
            "apiVersion: v1\nkind: Secret\ndata:\n  STRIPE_KEY: {}\n",
            STANDARD.encode(&key)
        );
        let found = hits(&rules, 2, doc.as_bytes());
        // The decoded Stripe key, not also the Secret's data value or a
        // generic key around the same base64.
        only_decoded(&found, &key);
    }

    #[test]
    fn a_long_encoded_value_gives_way_to_the_token_inside() {
        let rules = builtin();
        let key = fake_key();
        // Longer than a generic value may be: the generic match is a prefix
        // of the token, and still gives way to the decoded Stripe key.
        let config = format!(
            "{{\"region\": \"eu-west-1\", \"retries\": 3, \"stripe\": \"{key}\", \"note\": \"{}\"}}",
            "settings for the billing worker ".repeat(12)
        );
        let doc = format!("APP_SECRET={}\n", STANDARD.encode(&config));
        let found = hits(&rules, 2, doc.as_bytes());
        assert!(found.iter().any(|h| h.secret.expose() == key), "{found:?}");
        assert!(found.iter().all(|h| !h.encoding.is_empty()), "{found:?}");
    }

    #[test]
    fn a_secret_data_value_gives_way_to_the_password_inside() {
        let rules = builtin();
        let password = ["Vr7", "kq2", "Lmz", "4Tn", "9wQ", "Hx2"].concat();
        let doc = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: {}\n",
            STANDARD.encode(&password)
        );
        let found = hits(&rules, 2, doc.as_bytes());
        // The decoded password (which groups with the same password in
        // plain text), not also the data value as a Kubernetes secret.
        only_decoded(&found, &password);
    }

    #[test]
    fn terraform_state_secrets_are_read_for_what_they_are() {
        let rules = builtin();
        let key_id = ["AKIA", "2HF36KY5", "T7532GQ6"].concat();
        let secret_key = ["zpC3N8FeKjFTrKCb", "0Tz8BbwTKx8EqwtHmcOJEZqg"].concat();
        let password = ["Vr7kq2", "Lmz4Tn9wQHx2"].concat();
        let state = format!(
            r#"{{"version": 4, "terraform_version": "1.9.5", "resources": [
  {{"type": "aws_iam_access_key", "name": "ci", "instances": [{{"attributes": {{
    "id": "{key_id}",
    "secret": "{secret_key}",
    "user": "ci-bot"}}}}]}},
  {{"type": "random_password", "name": "db", "instances": [{{"attributes": {{
    "result": "{password}"}}}}]}}]}}"#
        );
        let found = hits_in(&rules, 2, "infra/terraform.tfstate", state.as_bytes());
        let ids: Vec<&str> = found
            .iter()
            .map(|h| rules.rules()[h.rule].spec.id.as_str())
            .collect();
        // The key pair once (not a lone key id and a generic `secret`), and
        // the random password.
        assert_eq!(
            ids,
            ["aws.secret-access-key", "generic.password"],
            "{found:?}"
        );
        assert_eq!(found[0].secret.expose(), secret_key);
        let parts: Vec<_> = found[0].parts.iter().map(|p| p.value.expose()).collect();
        assert_eq!(parts, [key_id.as_str()]);
        assert_eq!(found[1].secret.expose(), password);
    }

    #[test]
    fn credential_files_keep_the_account_beside_the_secret() {
        let rules = builtin();
        let user_of = |path: &str, text: &str| -> Vec<String> {
            hits_in(&rules, 2, path, text.as_bytes())
                .iter()
                .flat_map(|h| h.parts.iter())
                .filter(|p| p.name == "user")
                .map(|p| p.value.expose().to_string())
                .collect()
        };
        let password = ["Vr7kq2", "Lmz4Tn9wQHx2"].concat();
        // A `.npmrc` password is base64: the decoded match that replaces the
        // encoded one keeps the user name the encoded one saw.
        let npmrc = format!(
            "//npm.acme.io/:username=builder\n//npm.acme.io/:_password={}\n",
            STANDARD.encode(&password)
        );
        assert_eq!(user_of("home/ci/.npmrc", &npmrc), ["builder"]);
        // Maven: the password is found by the configuration view, the user
        // name beside it in the file.
        let maven = format!(
            "<settings>\n  <servers>\n    <server>\n      <id>releases</id>\n      <username>deployer</username>\n      <password>{password}</password>\n    </server>\n  </servers>\n</settings>\n"
        );
        assert_eq!(user_of("home/ci/.m2/settings.xml", &maven), ["deployer"]);
        // The GitHub CLI's hosts file names the account above the token.
        // (A wrong checksum lowers the confidence only.)
        let token = ["gho", "oiLGeaLq4KCg5zT3K9k1W2MSe7MXK7q5EVhf"].join("_");
        let hosts = format!("github.com:\n    user: octo-bot\n    oauth_token: {token}\n");
        assert_eq!(
            user_of("home/ci/.config/gh/hosts.yml", &hosts),
            ["octo-bot"]
        );
        // A kubeconfig token is listed under its `users:` entry.
        let entry = ["kubeconfig-u-4kq9z7xw2t", "Vx8mP2qLr7Tn4Wk9Zb3Hc6Jd1Fs5"].join(":");
        let kubeconfig = format!("users:\n- name: ci-deployer\n  user:\n    token: {entry}\n");
        assert_eq!(
            user_of("home/ci/.kube/config", &kubeconfig),
            ["ci-deployer"]
        );
    }

    #[test]
    fn a_docker_auth_is_one_registry_credential() {
        let rules = builtin();
        let password = ["Nq", "VwYS81VP7Hb1DX8pPd5khx"].concat();
        let doc = format!(
            "{{\n  \"auths\": {{\n    \"registry.example.com\": {{\n      \"auth\": \"{}\"\n    }}\n  }}\n}}\n",
            STANDARD.encode(format!("deploybot:{password}"))
        );
        let found = hits(&rules, 2, doc.as_bytes());
        // The registry credential with its registry, not also the decoded
        // `user:password` pair as a generic secret.
        assert_eq!(found.len(), 1, "{found:?}");
        let rule = &rules.rules()[found[0].rule];
        assert_eq!(rule.spec.id, "docker.registry-auth");
        let registry: Vec<_> = found[0].parts.iter().map(|p| p.value.expose()).collect();
        assert_eq!(registry, ["registry.example.com"]);

        // A provider token as the password is still its own finding.
        let token = fake_key();
        let doc = format!(
            "{{\"auths\": {{\"ghcr.io\": {{\"auth\": \"{}\"}}}}}}",
            STANDARD.encode(format!("deploybot:{token}"))
        );
        let found = hits(&rules, 2, doc.as_bytes());
        assert!(
            found.iter().any(|h| h.secret.expose() == token),
            "{found:?}"
        );
    }

    #[test]
    fn decode_prefix_gives_key_context_only() {
        let rules = builtin();
        let password = ["Vr7", "kq2", "Lmz", "4Tn", "9wQ"].concat();
        let doc = format!("data:\n  password: {}\n", STANDARD.encode(&password));
        let found = hits(&rules, 2, doc.as_bytes());
        // Whatever the raw scan makes of the base64 value, no hit lies in the
        // key context, and every hit is on the encoded value's line.
        assert!(!found.is_empty());
        for hit in &found {
            assert_eq!(hit.span.line, 2);
            assert!(hit.secret.expose() != "password");
        }
    }
}
