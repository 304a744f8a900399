//! gitleaks regexes as keyhound patterns: the secret capture group renamed
//! `secret` (on the parsed syntax tree, by span), and prefilter keywords
//! derived from the literals every match must contain.

use std::collections::BTreeSet;

use regex_syntax::ast::{self, Ast, GroupKind};
use regex_syntax::hir::{Class, Hir, HirKind};

/// Largest set of alternative literals tracked (keywords of one rule).
const MAX_SET: usize = 32;
/// Longest literal tracked.
const MAX_LEN: usize = 64;
/// Most distinct bytes a class may match and still count as a literal
/// (`[Aa]` from case folding, `[-_]`).
const MAX_CLASS: usize = 4;
/// Shortest keyword the keyword automaton accepts.
const MIN_KEYWORD: usize = 3;

/// One capture group of a pattern, from the syntax tree.
struct Capture {
    /// Capture index (1-based, in order of opening parenthesis).
    index: u32,
    /// Byte offset of the group's `(`.
    open: usize,
    /// For a named group: the name and the byte range of the name.
    name: Option<(String, usize, usize)>,
}

/// Collects every capture group of an AST.
#[derive(Default)]
struct Captures(Vec<Capture>);

impl ast::Visitor for Captures {
    type Output = Vec<Capture>;
    type Err = ();

    fn finish(self) -> Result<Vec<Capture>, ()> {
        Ok(self.0)
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), ()> {
        if let Ast::Group(group) = ast {
            let open = group.span.start.offset;
            match &group.kind {
                GroupKind::CaptureIndex(index) => self.0.push(Capture {
                    index: *index,
                    open,
                    name: None,
                }),
                GroupKind::CaptureName { name, .. } => self.0.push(Capture {
                    index: name.index,
                    open,
                    name: Some((
                        name.name.clone(),
                        name.span.start.offset,
                        name.span.end.offset,
                    )),
                }),
                GroupKind::NonCapturing(_) => {}
            }
        }
        Ok(())
    }
}

fn parse_ast(pattern: &str) -> Result<Ast, String> {
    ast::parse::ParserBuilder::new()
        .build()
        .parse(pattern)
        .map_err(|err| err.kind().to_string())
}

/// Rewrites a gitleaks regex so that what gitleaks reports as the secret is
/// the named group `secret`: capture group `secret_group` when given (> 0),
/// else group 1 when the regex has groups, else the whole match.
///
/// Errors (the regex does not parse, `secret_group` does not exist) are
/// messages for the user.
pub(super) fn with_secret_group(pattern: &str, secret_group: u32) -> Result<String, String> {
    let tree = parse_ast(pattern)?;
    let captures = ast::visit(&tree, Captures::default()).unwrap_or_default();
    let wanted = if secret_group > 0 {
        Some(secret_group)
    } else if captures.is_empty() {
        None
    } else {
        Some(1)
    };
    let Some(wanted) = wanted else {
        return wrap_whole(pattern);
    };
    let Some(target) = captures.iter().find(|c| c.index == wanted) else {
        return Err(format!(
            "secretGroup {wanted} does not exist (the regex has {} capture groups)",
            captures.len()
        ));
    };
    // (start, end, replacement), applied from the right so offsets stay valid.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    match &target.name {
        None => edits.push((target.open, target.open + 1, "(?P<secret>".into())),
        Some((_, _, name_end)) => {
            // `(?P<name>` or `(?<name>`: up to and including the `>`.
            edits.push((target.open, name_end + 1, "(?P<secret>".into()));
        }
    }
    for capture in &captures {
        if capture.index == target.index {
            continue;
        }
        if let Some((name, start, end)) = &capture.name
            && name == "secret"
        {
            edits.push((*start, *end, format!("gitleaks_secret_{}", capture.index)));
        }
    }
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.0));
    let mut out = pattern.to_string();
    for (start, end, replacement) in edits {
        if end > out.len() || !out.is_char_boundary(start) || !out.is_char_boundary(end) {
            return Err("cannot locate the secret group in the regex".into());
        }
        out.replace_range(start..end, &replacement);
    }
    Ok(out)
}

/// The whole regex as the `secret` group. A trailing `(?x)` comment would
/// swallow the closing parenthesis: then it goes on a new line.
fn wrap_whole(pattern: &str) -> Result<String, String> {
    let wrapped = format!("(?P<secret>{pattern})");
    if parse_ast(&wrapped).is_ok() {
        return Ok(wrapped);
    }
    let wrapped = format!("(?P<secret>{pattern}\n)");
    parse_ast(&wrapped)?;
    Ok(wrapped)
}

/// Lowercase ASCII keywords (each at least 3 bytes) such that every match of
/// `pattern` contains at least one of them; empty when no such set is found.
/// `pattern` is read as the detector runs it (bytes, Unicode off).
pub(super) fn derive_keywords(pattern: &str) -> Vec<String> {
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
    else {
        return Vec::new();
    };
    let info = analyse(&hir);
    best(info.required, info.exact.and_then(as_required))
        .map(|set| {
            set.into_iter()
                .filter_map(|bytes| String::from_utf8(bytes).ok())
                .collect()
        })
        .unwrap_or_default()
}

type Set = BTreeSet<Vec<u8>>;

/// What is known of a sub-expression: the finite set of strings it matches
/// exactly (lowercased, when small), and a set of literals one of which every
/// match contains.
struct Info {
    exact: Option<Set>,
    required: Option<Set>,
}

fn single(bytes: &[u8]) -> Set {
    let mut set = Set::new();
    set.insert(bytes.to_ascii_lowercase());
    set
}

/// `set` as a requirement: usable only if every member can be a keyword.
fn as_required(set: Set) -> Option<Set> {
    let usable = !set.is_empty()
        && set
            .iter()
            .all(|s| s.len() >= MIN_KEYWORD && s.is_ascii() && !s.contains(&0));
    usable.then_some(set)
}

/// The better of two requirements: longer shortest literal, then fewer literals.
fn best(a: Option<Set>, b: Option<Set>) -> Option<Set> {
    let score = |s: &Set| {
        (
            s.iter().map(Vec::len).min().unwrap_or(0),
            std::cmp::Reverse(s.len()),
        )
    };
    match (a, b) {
        (Some(a), Some(b)) => Some(if score(&b) > score(&a) { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Every concatenation of a member of `a` with a member of `b`, if small.
fn product(a: &Set, b: &Set) -> Option<Set> {
    if a.len().saturating_mul(b.len()) > MAX_SET {
        return None;
    }
    let mut out = Set::new();
    for x in a {
        for y in b {
            if x.len() + y.len() > MAX_LEN {
                return None;
            }
            let mut joined = x.clone();
            joined.extend_from_slice(y);
            out.insert(joined);
        }
    }
    Some(out)
}

fn power(set: &Set, times: u32) -> Option<Set> {
    let mut acc = single(b"");
    for _ in 0..times {
        acc = product(&acc, set)?;
    }
    Some(acc)
}

/// The lowercased bytes a class matches, if there are few.
fn class_bytes(class: &Class) -> Option<Set> {
    let mut out = Set::new();
    let mut add = |bytes: Vec<u8>| {
        out.insert(bytes.to_ascii_lowercase());
        out.len() <= MAX_CLASS
    };
    match class {
        Class::Bytes(class) => {
            for range in class.iter() {
                for byte in range.start()..=range.end() {
                    if !add(vec![byte]) {
                        return None;
                    }
                }
            }
        }
        Class::Unicode(class) => {
            for range in class.iter() {
                let span = u32::from(range.end()) - u32::from(range.start());
                if span as usize >= 2 * MAX_CLASS {
                    return None;
                }
                for c in range.start()..=range.end() {
                    let mut buf = [0; 4];
                    if !add(c.encode_utf8(&mut buf).as_bytes().to_vec()) {
                        return None;
                    }
                }
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

fn analyse(hir: &Hir) -> Info {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Info {
            exact: Some(single(b"")),
            required: None,
        },
        HirKind::Literal(literal) => {
            let exact = (literal.0.len() <= MAX_LEN).then(|| single(&literal.0));
            Info {
                required: exact.clone().and_then(as_required),
                exact,
            }
        }
        HirKind::Class(class) => Info {
            exact: class_bytes(class),
            required: None,
        },
        HirKind::Capture(capture) => analyse(&capture.sub),
        HirKind::Repetition(rep) => {
            let sub = analyse(&rep.sub);
            if rep.min == 0 {
                let exact = match (rep.max, sub.exact) {
                    (Some(0), _) => Some(single(b"")),
                    (Some(1), Some(mut set)) => {
                        set.insert(Vec::new());
                        (set.len() <= MAX_SET).then_some(set)
                    }
                    _ => None,
                };
                return Info {
                    exact,
                    required: None,
                };
            }
            // At least `min` repetitions: the match starts with `min` of them.
            let leading = sub.exact.as_ref().and_then(|s| power(s, rep.min));
            let exact = if rep.max == Some(rep.min) {
                leading.clone()
            } else {
                None
            };
            Info {
                exact,
                required: best(sub.required, leading.and_then(as_required)),
            }
        }
        HirKind::Concat(items) => analyse_concat(items),
        HirKind::Alternation(items) => {
            let infos: Vec<Info> = items.iter().map(analyse).collect();
            let mut exact = Some(Set::new());
            let mut required = Some(Set::new());
            for info in infos {
                exact = match (exact, &info.exact) {
                    (Some(mut acc), Some(set)) => {
                        acc.extend(set.iter().cloned());
                        (acc.len() <= MAX_SET).then_some(acc)
                    }
                    _ => None,
                };
                let own = best(info.required, info.exact.and_then(as_required));
                required = match (required, own) {
                    (Some(mut acc), Some(set)) => {
                        acc.extend(set);
                        (acc.len() <= MAX_SET).then_some(acc)
                    }
                    _ => None,
                };
            }
            Info {
                exact,
                required: required.filter(|s| !s.is_empty()),
            }
        }
    }
}

fn analyse_concat(items: &[Hir]) -> Info {
    let infos: Vec<Info> = items.iter().map(analyse).collect();
    let mut required: Option<Set> = None;
    for info in &infos {
        required = best(required, info.required.clone());
    }
    // Runs of consecutive exactly-known items make longer literals.
    for start in 0..infos.len() {
        let mut acc = single(b"");
        for info in &infos[start..] {
            let Some(next) = info.exact.as_ref().and_then(|set| product(&acc, set)) else {
                break;
            };
            acc = next;
            required = best(required, as_required(acc.clone()));
        }
    }
    let mut exact = Some(single(b""));
    for info in &infos {
        exact = match (exact, &info.exact) {
            (Some(acc), Some(set)) => product(&acc, set),
            _ => None,
        };
    }
    Info { exact, required }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(pattern: &str, group: u32) -> String {
        match with_secret_group(pattern, group) {
            Ok(out) => out,
            Err(err) => panic!("{pattern}: {err}"),
        }
    }

    #[test]
    fn whole_match_is_wrapped() {
        assert_eq!(rewrite("tok_[a-z]{8}", 0), "(?P<secret>tok_[a-z]{8})");
        assert_eq!(rewrite("a|b", 0), "(?P<secret>a|b)");
    }

    #[test]
    fn first_group_is_the_default_secret() {
        assert_eq!(rewrite(r"key=(\w+)(;)?", 0), r"key=(?P<secret>\w+)(;)?");
        assert_eq!(
            rewrite(r"(?:x)key=(?<val>\w+)", 0),
            r"(?:x)key=(?P<secret>\w+)"
        );
    }

    #[test]
    fn secret_group_selects_by_index() {
        assert_eq!(
            rewrite(r"(id)=(?P<v>\w+)|(z)", 2),
            r"(id)=(?P<secret>\w+)|(z)"
        );
        assert_eq!(rewrite(r"(a)((b))", 3), r"(a)((?P<secret>b))");
    }

    #[test]
    fn a_group_already_named_secret_elsewhere_is_renamed() {
        assert_eq!(
            rewrite(r"(x)(?P<secret>y)", 1),
            r"(?P<secret>x)(?P<gitleaks_secret_2>y)"
        );
        assert_eq!(rewrite(r"(x)(?P<secret>y)", 2), r"(x)(?P<secret>y)");
    }

    #[test]
    fn missing_group_and_bad_syntax_are_errors() {
        assert!(with_secret_group(r"(a)", 3).is_err());
        assert!(with_secret_group(r"(a", 0).is_err());
        assert!(with_secret_group(r"\Qa.b\E", 0).is_err());
    }

    #[test]
    fn extended_mode_trailing_comment_is_closed_on_a_new_line() {
        let out = rewrite("(?x) abc # trailing comment", 0);
        assert!(regex::Regex::new(&out).is_ok(), "{out}");
    }

    fn keywords(pattern: &str) -> Vec<String> {
        derive_keywords(pattern)
    }

    #[test]
    fn keywords_from_literals() {
        assert_eq!(keywords(r"\b(AKIA[0-9A-Z]{16})\b"), ["akia"]);
        assert_eq!(keywords(r"(?i)\bacme_(\w{20})"), ["acme_"]);
        assert_eq!(keywords(r"(?i)(?:ghp|gho)_[a-z0-9]{36}"), ["gho_", "ghp_"]);
        assert_eq!(
            keywords(r"[\w.-]{0,50}?(?i:password|passwd)\s*[:=]\s*(\S{8,})"),
            ["passwd", "password"]
        );
        assert_eq!(
            keywords(r"-----BEGIN[ A-Z]*PRIVATE KEY-----"),
            ["private key-----"]
        );
        assert_eq!(keywords(r"(?:xy){2,}z"), ["xyxy"]);
    }

    #[test]
    fn no_keywords_when_nothing_is_required() {
        assert!(keywords(r"[a-f0-9]{32}").is_empty());
        assert!(keywords(r"(?:abc)?[0-9]+").is_empty());
        assert!(keywords(r"ab|[0-9]{3}").is_empty());
        assert!(keywords(r"a[0-9]b").is_empty());
    }
}
