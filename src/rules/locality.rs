//! Which rules may run only on the lines around their keywords.
//!
//! The detector normally runs a selected rule's regex over the whole blob. A
//! rule qualifies for *line windows* when two things hold for its regex:
//! - **bounded lines**: a match contains at most [`MAX_SPAN_NEWLINES`]
//!   newlines (counted over the pattern: a literal `\n`, one per class that
//!   admits `\n` times its repetition bound) and the pattern uses no
//!   end-of-haystack anchor (`\z`, or `$` without `m`): a window ends after
//!   a newline, not where the blob ends. `\A` is fine: the regex sees the
//!   blob from its first byte and only starts searching at the window;
//! - **keyword inside**: every match contains one of the rule's keywords
//!   (ASCII case-insensitively), proved from a run of the pattern whose
//!   language is a small finite set of strings, each holding a keyword.
//!
//! A match with at most `n` newlines that holds a keyword lies within `n`
//! lines of a line holding a keyword, and the keyword automaton reports every
//! occurrence, so searching only those lines finds exactly the matches a
//! whole-blob search finds, in one pass over the blob instead of one per rule.
//! Anything the analysis cannot prove leaves the rule on whole-blob search.

use regex_syntax::hir::literal::Extractor;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Rules whose matches may span more newlines than this search whole blobs.
pub(crate) const MAX_SPAN_NEWLINES: usize = 4;

/// For `pattern` (compiled as the detector compiles it: bytes, Unicode off),
/// the number of newlines a match may contain, when every match contains one
/// of `keywords` (lowercased) and that number is at most
/// [`MAX_SPAN_NEWLINES`]; `None` when the rule must search whole blobs.
pub(crate) fn lines_around_keyword(pattern: &str, keywords: &[String]) -> Option<usize> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    let newlines = max_newlines(&hir).filter(|&n| n <= MAX_SPAN_NEWLINES)?;
    (!keywords.is_empty() && contains_keyword(&fold_case(&hir), keywords)).then_some(newlines)
}

/// `hir` with every class that is one ASCII letter in both cases (what `(?i)`
/// makes of a letter) replaced by the lowercase letter: keywords are compared
/// lowercased anyway, and a case-insensitive word is then one string, not
/// 2^n of them.
fn fold_case(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Class(class) => match case_pair(class) {
            Some(lower) => Hir::literal([lower]),
            None => hir.clone(),
        },
        HirKind::Repetition(rep) => Hir::repetition(regex_syntax::hir::Repetition {
            sub: Box::new(fold_case(&rep.sub)),
            ..rep.clone()
        }),
        HirKind::Capture(cap) => Hir::capture(regex_syntax::hir::Capture {
            sub: Box::new(fold_case(&cap.sub)),
            ..cap.clone()
        }),
        HirKind::Concat(items) => Hir::concat(items.iter().map(fold_case).collect()),
        HirKind::Alternation(items) => Hir::alternation(items.iter().map(fold_case).collect()),
        _ => hir.clone(),
    }
}

/// The lowercase letter when `class` is exactly `[Xx]`.
fn case_pair(class: &Class) -> Option<u8> {
    let bytes: Vec<u8> = match class {
        Class::Bytes(c) => c
            .ranges()
            .iter()
            .flat_map(|r| r.start()..=r.end())
            .take(3)
            .collect(),
        Class::Unicode(c) => c
            .ranges()
            .iter()
            .flat_map(|r| r.start()..=r.end())
            .take(3)
            .map(|ch| u8::try_from(u32::from(ch)).unwrap_or(0))
            .collect(),
    };
    match bytes[..] {
        [upper, lower] if upper.is_ascii_uppercase() && lower == upper.to_ascii_lowercase() => {
            Some(lower)
        }
        _ => None,
    }
}

/// The most newlines a match of `hir` can contain (`None`: unbounded, or an
/// end-of-haystack anchor that a window would change).
fn max_newlines(hir: &Hir) -> Option<usize> {
    match hir.kind() {
        HirKind::Empty => Some(0),
        HirKind::Literal(lit) => Some(lit.0.iter().filter(|&&b| b == b'\n').count()),
        HirKind::Class(Class::Bytes(class)) => Some(usize::from(
            class
                .ranges()
                .iter()
                .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        )),
        HirKind::Class(Class::Unicode(class)) => Some(usize::from(
            class
                .ranges()
                .iter()
                .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        )),
        HirKind::Look(Look::End) => None,
        HirKind::Look(_) => Some(0),
        HirKind::Repetition(rep) => match max_newlines(&rep.sub)? {
            0 => Some(0),
            n => n.checked_mul(usize::try_from(rep.max?).ok()?),
        },
        HirKind::Capture(cap) => max_newlines(&cap.sub),
        HirKind::Concat(items) => items
            .iter()
            .try_fold(0usize, |sum, item| sum.checked_add(max_newlines(item)?)),
        HirKind::Alternation(items) => items
            .iter()
            .try_fold(0usize, |most, item| Some(most.max(max_newlines(item)?))),
    }
}

/// Every string `hir` matches contains one of `keywords`.
fn contains_keyword(hir: &Hir, keywords: &[String]) -> bool {
    if finite_language_holds_keyword(hir, keywords) {
        return true;
    }
    match hir.kind() {
        HirKind::Capture(cap) => contains_keyword(&cap.sub, keywords),
        HirKind::Repetition(rep) => rep.min >= 1 && contains_keyword(&rep.sub, keywords),
        HirKind::Alternation(branches) => branches.iter().all(|b| contains_keyword(b, keywords)),
        HirKind::Concat(items) => {
            // A case-insensitive word is a run of one-letter classes, so try
            // every run of consecutive items, not only single items.
            (0..items.len()).any(|start| {
                contains_keyword(&items[start], keywords)
                    || run_holds_keyword(&items[start..], keywords)
            })
        }
        _ => false,
    }
}

/// Some run `items[..n]` (n >= 2) matches a small finite set of strings, each
/// holding a keyword. Runs grow until their language stops being small.
fn run_holds_keyword(items: &[Hir], keywords: &[String]) -> bool {
    let mut run: Vec<Hir> = Vec::new();
    for item in items {
        run.push(item.clone());
        if run.len() < 2 {
            continue;
        }
        match finite_language(&Hir::concat(run.clone())) {
            Some(strings) if all_hold_keyword(&strings, keywords) => return true,
            Some(_) => {}
            None => return false,
        }
    }
    false
}

/// `hir` matches a small finite set of strings, and each one (lowercased)
/// contains a keyword.
fn finite_language_holds_keyword(hir: &Hir, keywords: &[String]) -> bool {
    finite_language(hir).is_some_and(|strings| all_hold_keyword(&strings, keywords))
}

/// The strings `hir` matches, when they are a small finite set (lowercased).
fn finite_language(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let seq = Extractor::new()
        .limit_class(16)
        .limit_repeat(8)
        .limit_literal_len(256)
        .limit_total(256)
        .extract(hir);
    let literals = seq.literals()?;
    if literals.is_empty() || !literals.iter().all(|lit| lit.is_exact()) {
        return None;
    }
    Some(
        literals
            .iter()
            .map(|lit| lit.as_bytes().to_ascii_lowercase())
            .collect(),
    )
}

fn all_hold_keyword(strings: &[Vec<u8>], keywords: &[String]) -> bool {
    strings.iter().all(|s| {
        keywords
            .iter()
            .any(|k| memchr::memmem::find(s, k.as_bytes()).is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::lines_around_keyword;

    fn searchable_by_line(pattern: &str, keywords: &[String]) -> bool {
        lines_around_keyword(pattern, keywords) == Some(0)
    }

    fn kw(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn assignment_rules_with_their_key_word_qualify() {
        let k = kw(&["password", "passwd", "pwd"]);
        assert!(searchable_by_line(
            r#"(?i)(?:(?:passw(?:or)?d|pwd)[\w.-]{0,20}?)["']?[ \t]*[:=][ \t]*(?P<secret>[^\s"']{4,64})"#,
            &k
        ));
        assert!(searchable_by_line(
            r"(?i)\bapi[_-]?key ?= ?(?P<secret>[a-z0-9]{32})",
            &kw(&["api_key", "apikey", "api-key"])
        ));
        assert!(searchable_by_line(
            r"\b(?P<secret>ghp_[A-Za-z0-9]{36})\b",
            &kw(&["ghp_"])
        ));
        // The blob's start (`\A`) is where it was: the regex sees the bytes
        // before a window. Each `[^a-z]` may be a newline: two lines' reach.
        assert_eq!(
            lines_around_keyword(
                r"(?:\A|[^a-z])(?P<secret>key-[0-9a-f]{32})(?:[^a-z]|(?m:$))",
                &kw(&["key-"])
            ),
            Some(2)
        );
    }

    #[test]
    fn rules_that_may_span_lines_or_lack_the_keyword_do_not() {
        let cases = [
            // `\s` admits a newline; `[^"]` too.
            (r"(?i)password\s*=\s*(?P<secret>\w+)", "password"),
            (r#"token="(?P<secret>[^"]+)""#, "token"),
            // The keyword is only a trigger: a match need not contain it.
            (r"\b(?P<secret>sk_[a-z0-9]{24})\b", "stripe"),
            // An optional keyword proves nothing.
            (r"(?:pat)?(?P<secret>[a-z]{8})", "pat"),
            // One branch without the keyword.
            (r"(?:key|id)=(?P<secret>[a-z]{8})", "key"),
            // The end-of-haystack anchor behaves differently on a window.
            (r"key=(?P<secret>[a-z]{8})\z", "key"),
            (r"key=(?P<secret>[a-z]{8})$", "key"),
            ("(", "key"),
        ];
        for (pattern, keyword) in cases {
            assert!(!searchable_by_line(pattern, &kw(&[keyword])), "{pattern}");
        }
    }

    #[test]
    fn a_bounded_number_of_newlines_widens_the_window() {
        let k = kw(&["getenv"]);
        let one = r#"getenv\([ \t]*(?:\r?\n[ \t]*)?"(?P<secret>[a-z]{8})""#;
        assert_eq!(lines_around_keyword(one, &k), Some(1));
        let two = r#"getenv\((?:\n)?"k",\n?"(?P<secret>[a-z]{8})""#;
        assert_eq!(lines_around_keyword(two, &k), Some(2));
        let many = r#"getenv\((?:[ \t]*\n){0,9}"(?P<secret>[a-z]{8})""#;
        assert_eq!(lines_around_keyword(many, &k), None);
        assert_eq!(
            lines_around_keyword(r#"getenv\(\s*"(?P<secret>[a-z]{8})""#, &k),
            None
        );
    }

    /// The rules that run on most blobs (generic assignments, URLs with a
    /// password) stay on keyword lines: a pattern edit that loses this
    /// (a `\s*`, a branch without a keyword) would make every history scan
    /// slower without failing any other test.
    #[test]
    fn frequent_rules_search_keyword_lines() {
        let rules = crate::rules::RuleSet::builtin_for_test();
        let frequent = [
            "generic.password",
            "generic.db-password",
            "generic.secret",
            "generic.token",
            "generic.key",
            "generic.api-key",
            "generic.auth-value",
            "generic.authorization-header",
            "generic.credential-argument",
            "generic.cli-password-flag",
            "generic.env-default",
            "url.basic-auth-credentials",
            "adonet.connection-string-password",
            "azure.storage-account-key",
            "oci.customer-secret-key",
            "npm.npmrc-basic-auth",
            "http.basic-auth-header",
            "generic.named-setting-call",
            "generic.basic-auth-pair",
            "generic.basic-auth-encode",
            "generic.sudo-stdin-password",
            "db.sql-identified-by",
            "db.sql-set-password",
            "mysql.go-dsn-password",
            "generic.expansion-default",
        ];
        let whole_blob: Vec<&str> = frequent
            .iter()
            .filter(|id| {
                rules
                    .get(id)
                    .is_none_or(|r| r.lines_around_keyword().is_none())
            })
            .copied()
            .collect();
        assert!(whole_blob.is_empty(), "search whole blobs: {whole_blob:?}");
    }
}
