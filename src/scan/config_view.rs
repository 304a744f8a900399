//! A second look at configuration files. The entries of a parsed
//! configuration file ([`crate::source::config`]) whose key names a secret
//! are written out one per line as `key = "value"`, scanned with the same
//! detector, and each match is placed back where its secret sits in the
//! file. Matches the raw scan already made at that place are not repeated.

use std::ops::Range;

use crate::detect::{Detector, Match, quoted};
use crate::source::config::{self, Entry, Format};

/// The synthesized text and where each of its lines came from.
pub struct View {
    /// One line per entry: `key = "value"` or an embedded code block.
    pub text: String,
    /// Byte range of each line's value (or code) in [`View::text`], in order.
    values: Vec<Range<usize>>,
    /// Byte range of the key naming each value in [`View::text`] (empty for
    /// code), parallel to `values`.
    keys: Vec<Range<usize>>,
}

/// The format of a blob: by its path when it has one, else by a look at its
/// first bytes (git blobs are scanned before their paths are known).
fn format_of(path: Option<&str>, bytes: &[u8]) -> Option<Format> {
    if let Some(path) = path {
        return config::format_of(path);
    }
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &bytes[start..bytes.len().min(start + 512)];
    match head.first() {
        Some(b'{') if memchr::memmem::find(head, b"\"nbformat\"").is_some() => {
            Some(Format::Notebook)
        }
        Some(b'{' | b'[') => Some(Format::Json),
        Some(b'<') => Some(Format::Xml),
        _ if head.starts_with(b"apiVersion:") || head.starts_with(b"---") => Some(Format::Yaml),
        _ => None,
    }
}

/// Builds the view of `bytes` when it is a configuration file worth a second
/// look: a known format, small enough, mentioning a secret word, parsing.
pub fn build(path: Option<&str>, bytes: &[u8]) -> Option<View> {
    let format = format_of(path, bytes)?;
    if bytes.len() > config::MAX_PARSED_SIZE
        || (!matches!(format, Format::TokenFile(_)) && !config::mentions_secret_words(bytes))
        || (format == Format::Yaml && config::is_unrendered_template(bytes))
    {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let entries = config::entries(format, text).ok()?;
    let mut view = View {
        text: String::new(),
        values: Vec::new(),
        keys: Vec::new(),
    };
    for entry in entries {
        let (key, value) = match entry {
            Entry::KeyValue { key, value } => (key, value),
            // Side by side in the raw text already. The view reads an
            // unquoted generated password whole (the raw scan stops at its
            // first bracket), and judges a `- NAME=value` item of a YAML or
            // JSON list (a Compose file's environment) as a setting, not as
            // the bullet of a Markdown list the raw line resembles. Other
            // lines of a properties or INI file are left to the raw scan,
            // which sees their context (a translation catalog, `tox.ini`).
            Entry::Setting { key, value }
                if format != Format::Lines || quoted::looks_generated(value.as_bytes()) =>
            {
                (key, value)
            }
            Entry::Setting { .. } => continue,
            Entry::Code(code) => {
                let start = view.text.len();
                view.keys.push(start..start);
                view.text.push_str(&code);
                view.values.push(start..view.text.len());
                view.text.push('\n');
                continue;
            }
        };
        if !config::is_secret_key(&key) || value.contains(['\n', '\r']) {
            continue;
        }
        let quote = if value.contains('"') { '\'' } else { '"' };
        let key_start = view.text.len();
        view.text.push_str(&key);
        view.keys.push(key_start..view.text.len());
        view.text.push_str(": ");
        view.text.push(quote);
        let start = view.text.len();
        view.text.push_str(&value);
        view.values.push(start..view.text.len());
        view.text.push(quote);
        view.text.push('\n');
    }
    (!view.values.is_empty()).then_some(view)
}

impl View {
    /// Scans the view with `detector` and appends to `out` the matches it
    /// finds, moved to their place in `bytes` (the file the view was built
    /// from). Matches that cannot be placed, that lie outside a value, or
    /// that overlap a match already in `out` are dropped.
    pub fn scan(
        &self,
        detector: &mut Detector<'_>,
        bytes: &[u8],
        scratch: &mut Vec<Match>,
        out: &mut Vec<Match>,
    ) {
        scratch.clear();
        detector.scan(self.text.as_bytes(), scratch);
        let raw = out.len();
        let rules = detector.rules().rules();
        // Parts of the matches the view adds: a raw match of one (the lone
        // AWS key id beside the secret key the view paired it with) is
        // folded in, as the detector folds companions within one scan.
        let mut view_parts: Vec<Range<usize>> = Vec::new();
        for found in scratch.drain(..) {
            let Some(value) = self.value_holding(&found.secret) else {
                continue;
            };
            let Some(secret) = self.place_secret(bytes, value, &found.secret) else {
                continue;
            };
            let overlapping = out[..raw]
                .iter()
                .position(|m| m.secret.start < secret.end && secret.start < m.secret.end);
            if let Some(at) = overlapping {
                let prefix = &mut out[at];
                if prefix.rule == found.rule
                    && prefix.secret.start == secret.start
                    && prefix.secret.end < secret.end
                {
                    // The raw scan stopped inside the value (`a(b;c` read up
                    // to `(`): the whole value the view read replaces that prefix.
                    prefix.secret = secret;
                    prefix.confidence = prefix.confidence.max(found.confidence);
                    prefix.entropy = found.entropy;
                } else if prefix.secret == secret
                    && rules[prefix.rule].spec.generic
                    && !rules[found.rule].spec.generic
                {
                    // The view named the value (a Terraform state's `secret`
                    // is an AWS secret key): the specific rule wins, as it
                    // does on the same bytes in one scan.
                    let parts = self.placed_parts(bytes, &found.parts);
                    view_parts.extend(parts.iter().map(|(_, range)| range.clone()));
                    *prefix = Match {
                        rule: found.rule,
                        secret,
                        confidence: found.confidence,
                        entropy: found.entropy,
                        parts,
                    };
                }
                continue;
            }
            if out[raw..]
                .iter()
                .any(|m| m.rule == found.rule && m.secret == secret)
            {
                continue;
            }
            let mut parts = self.placed_parts(bytes, &found.parts);
            // The view holds only secret-named values: parts it could not
            // see (the `<username>` beside a Maven `<password>`) are looked
            // for around the secret's place in the file.
            detector.add_companions_near(found.rule, bytes, &secret, &mut parts);
            view_parts.extend(parts.iter().map(|(_, range)| range.clone()));
            out.push(Match {
                rule: found.rule,
                secret,
                confidence: found.confidence,
                entropy: found.entropy,
                parts,
            });
        }
        if !view_parts.is_empty() {
            out.retain(|m| {
                !view_parts
                    .iter()
                    .any(|p| p.start <= m.secret.start && m.secret.end <= p.end)
            });
        }
        out.sort_by_key(|m| (m.secret.start, m.secret.end, m.rule));
    }

    /// A match's companion parts (ranges in the view) placed in `bytes`;
    /// parts that cannot be placed are left out.
    fn placed_parts(
        &self,
        bytes: &[u8],
        parts: &[(String, Range<usize>)],
    ) -> Vec<(String, Range<usize>)> {
        parts
            .iter()
            .filter_map(|(name, range)| {
                let value = self.text.as_bytes().get(range.clone())?;
                Some((name.clone(), place(bytes, value)?))
            })
            .collect()
    }

    /// The value (range in the view) that holds `range`, and the key naming
    /// it, if one does.
    fn value_holding(&self, range: &Range<usize>) -> Option<(Range<usize>, Range<usize>)> {
        let index = self.values.partition_point(|v| v.end < range.end);
        let value = self
            .values
            .get(index)
            .filter(|v| v.start <= range.start && range.end <= v.end)?;
        Some((value.clone(), self.keys.get(index)?.clone()))
    }

    /// Where the secret at `secret` (in the view, inside `value`) sits in
    /// `bytes`: at the same offset in the value's first verbatim occurrence
    /// on a line of its key, else after its key's first occurrence (a value
    /// may also appear earlier under another key), else its first occurrence
    /// anywhere, else the secret's own first occurrence (values the file escapes).
    fn place_secret(
        &self,
        bytes: &[u8],
        (value, key): (Range<usize>, Range<usize>),
        secret: &Range<usize>,
    ) -> Option<Range<usize>> {
        let text = self.text.as_bytes();
        let (key, needle) = (&text[key], &text[value.clone()]);
        // The key written with the value on its line (`token: v-2` where
        // an earlier `token:` holds something else and `v-2` also follows
        // another key after it); else the value after the key's first occurrence (a
        // Kubernetes `name:` / `value:` pair), else anywhere.
        let base = on_the_line_of(bytes, key, needle)
            .or_else(|| {
                let after_key = place(bytes, key).map_or(0, |k| k.end);
                place(&bytes[after_key..], needle).map(|r| r.start + after_key..r.end + after_key)
            })
            .or_else(|| place(bytes, needle));
        if let Some(base) = base {
            let start = base.start + (secret.start - value.start);
            return Some(start..start + secret.len());
        }
        place(bytes, &text[secret.clone()])
    }
}

/// Where `needle` first occurs on the rest of a line that `key` occurs on.
fn on_the_line_of(bytes: &[u8], key: &[u8], needle: &[u8]) -> Option<Range<usize>> {
    if key.is_empty() {
        return None;
    }
    memchr::memmem::find_iter(bytes, key).find_map(|at| {
        let from = at + key.len();
        let line_end = memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |i| from + i);
        place(&bytes[from..line_end], needle).map(|r| r.start + from..r.end + from)
    })
}

/// Where `needle` first occurs in `bytes`.
fn place(bytes: &[u8], needle: &[u8]) -> Option<Range<usize>> {
    if needle.is_empty() {
        return None;
    }
    let start = memchr::memmem::find(bytes, needle)?;
    Some(start..start + needle.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_secret_keys_and_code_make_lines() {
        let yaml = b"env:\n  - name: DB_PASSWORD\n    value: v-1\n  - name: HOST\n    value: db\n";
        let view = build(Some("deploy.yaml"), yaml);
        let text = view.map(|v| v.text).unwrap_or_default();
        assert_eq!(text, "DB_PASSWORD: \"v-1\"\n");
    }

    #[test]
    fn compose_environment_items_are_settings_properties_lines_are_not() {
        let key = ["VENDOR_API", "KEY"].concat();
        let compose = format!("services:\n  app:\n    environment:\n      - {key}=v-1\n");
        let text = build(Some("docker-compose.yml"), compose.as_bytes()).map(|v| v.text);
        assert_eq!(text.as_deref(), Some(format!("{key}: \"v-1\"\n").as_str()));
        // A properties file's lines are read by the raw scan in their context
        // (a translation catalog); only generated-looking values join the view.
        let catalog = format!("{key}=Salas\u{f5}na\n");
        assert!(build(Some("messages_et.properties"), catalog.as_bytes()).is_none());
    }

    #[test]
    fn a_value_is_placed_on_the_line_of_its_key() {
        let yaml = b"a:\n  token: v-1\n  other: v-2\nb:\n  token: v-2\n";
        let view = View {
            text: "token: \"v-2\"\n".to_string(),
            values: std::iter::once(8..11).collect(),
            keys: std::iter::once(0..5).collect(),
        };
        let placed = view.place_secret(yaml, (8..11, 0..5), &(8..11));
        let at = yaml.len() - "v-2\n".len();
        assert_eq!(placed, Some(at..at + 3));
    }

    #[test]
    fn a_token_file_is_read_under_its_name() {
        let token = ["s.", "Lq3mVx8pTz2RwK7nB4cY9hJd"].concat();
        let text = build(
            Some("home/ci/.vault-token"),
            format!("{token}\n").as_bytes(),
        )
        .map(|v| v.text);
        assert_eq!(text, Some(format!("VAULT_TOKEN: \"{token}\"\n")));
        assert!(build(Some("docs/vault-token.md"), token.as_bytes()).is_none());
    }

    #[test]
    fn har_captures_give_header_names_as_keys() {
        let har = br#"{"log": {"entries": [{"request": {"headers": [
            {"name": "Accept", "value": "application/json"},
            {"name": "X-Api-Key", "value": "k-1"}]}}]}}"#;
        let text = build(Some("login.har"), har).map(|v| v.text);
        assert_eq!(text.as_deref(), Some("X-Api-Key: \"k-1\"\n"));
    }

    #[test]
    fn files_without_secret_words_are_not_parsed() {
        assert!(build(Some("a.json"), b"{\"name\": \"x\"}").is_none());
        assert!(build(Some("a.rs"), b"let password = 1;").is_none());
    }

    #[test]
    fn git_blobs_are_recognised_by_content() {
        assert_eq!(format_of(None, b"  {\"a\": 1}"), Some(Format::Json));
        assert_eq!(
            format_of(None, b"<?xml version=\"1.0\"?>"),
            Some(Format::Xml)
        );
        assert_eq!(format_of(None, b"apiVersion: v1\n"), Some(Format::Yaml));
        assert_eq!(format_of(None, b"fn main() {}"), None);
    }

    #[test]
    fn a_value_is_placed_after_its_key() {
        let value = concat!("Qx7", "vLm2", "Rt9k");
        let json = format!("{{\"name\": \"{value}\",\n \"db_password\": \"{value}\"}}\n");
        let view = build(Some("a.json"), json.as_bytes()).map(|v| {
            let at = v.text.find(value).unwrap_or(0);
            v.place_secret(
                json.as_bytes(),
                v.value_holding(&(at..at + value.len())).unwrap_or_default(),
                &(at..at + value.len()),
            )
        });
        let second = json.rfind(value).unwrap_or(0);
        assert_eq!(view.flatten(), Some(second..second + value.len()));
    }
}
