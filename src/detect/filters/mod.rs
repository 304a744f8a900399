//! Content filters applied to a candidate secret after the regex: placeholders,
//! repeated or sequential characters, rule stopwords, and (for generic rules)
//! values that are code rather than literals.

mod context;
mod names;
mod placeholders;
#[cfg(test)]
mod tests;
mod values;

pub use context::{
    is_assigned_to_public_name, is_beside_documented_example, is_code_context,
    is_compared_or_substituted, is_enum_of_ids, is_ldap_name_part, is_markup_binding,
    is_message_catalog_entry, is_namespaced_command, is_passwd_format, is_processing_pass,
    is_test_result_line, repeats_a_key_word, repeats_the_user_name,
};
pub use names::{is_lone_word, is_word_identifier, is_word_path, is_word_phrase, names_a_secret};
pub use placeholders::{
    decodes_to, decodes_to_placeholder, encodes_small_plain_json, has_stopword, is_placeholder,
    is_translated_label,
};
pub use values::{
    is_delimited_literal, is_identifier_shaped, is_non_literal, is_quoted_pair_password,
    is_textbook_value,
};

use aho_corasick::AhoCorasick;

/// One case-insensitive automaton per marker list, built on first use: a
/// single pass per candidate instead of one substring search per marker.
fn matcher(words: &[&[&str]]) -> AhoCorasick {
    let all: Vec<&str> = words.iter().flat_map(|w| w.iter().copied()).collect();
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(all)
        .unwrap_or_else(|err| unreachable!("fixed marker lists always build: {err}"))
}

/// True when `word` is one of `names`, ignoring ASCII case.
fn is_one_of(word: &[u8], names: &[&str]) -> bool {
    names
        .iter()
        .any(|n| word.eq_ignore_ascii_case(n.as_bytes()))
}

/// A quote that opens or closes a string literal.
pub(crate) fn is_quote(b: &u8) -> bool {
    matches!(b, b'"' | b'\'' | b'`')
}

/// A byte of a plain identifier: `[A-Za-z0-9_]`.
pub(crate) fn is_word_byte(b: &u8) -> bool {
    b.is_ascii_alphanumeric() || *b == b'_'
}

/// True when `value` is an identifier: a letter or `_`, then letters, digits, `_`.
pub(crate) fn is_identifier(value: &[u8]) -> bool {
    value
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && value.iter().all(is_word_byte)
}

/// Start of the run of `part` bytes that ends at `end`.
pub(crate) fn run_start(bytes: &[u8], end: usize, part: impl Fn(&u8) -> bool) -> usize {
    bytes[..end]
        .iter()
        .rposition(|b| !part(b))
        .map_or(0, |i| i + 1)
}

/// Start of the line that holds byte `at`.
pub(crate) fn line_start(bytes: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1)
}

/// End of the line that holds byte `at`: its line break, or the end of `bytes`.
fn line_end(bytes: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i)
}

/// `bytes` up to its first line break.
fn first_line(bytes: &[u8]) -> &[u8] {
    &bytes[..line_end(bytes, 0)]
}

/// The lines before and after the line `start..end` (`end` at its line
/// break), where there are such lines.
fn neighbour_lines(bytes: &[u8], start: usize, end: usize) -> [Option<&[u8]>; 2] {
    let previous = start
        .checked_sub(1)
        .map(|newline| &bytes[line_start(bytes, newline)..newline]);
    let next = bytes.get(end + 1..).map(first_line);
    [previous, next]
}

fn trim_end<'a>(bytes: &'a [u8], strip: &[u8]) -> &'a [u8] {
    let end = bytes
        .iter()
        .rposition(|b| !strip.contains(b))
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

/// True when `bytes` holds a run of `n` or more equal bytes.
pub(crate) fn has_run(bytes: &[u8], n: usize) -> bool {
    let mut run = 1;
    for pair in bytes.windows(2) {
        if pair[0] == pair[1] {
            run += 1;
            if run >= n {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

/// A UUID in its canonical 8-4-4-4-12 hexadecimal form.
pub(crate) fn is_uuid(value: &[u8]) -> bool {
    value.len() == 36
        && value.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// ASCII case-insensitive prefix test.
fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// ASCII case-insensitive suffix test.
fn ends_with_ignore_case(bytes: &[u8], suffix: &[u8]) -> bool {
    bytes.len() >= suffix.len() && bytes[bytes.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Attributes that open the parts of an LDAP distinguished name
/// (`cn=lockout,ou=policies,dc=example,dc=com`).
const LDAP_NAME_ATTRIBUTES: &[&str] = &["cn=", "uid=", "ou=", "dc=", "o="];

/// ASCII case-insensitive substring test, without allocating.
fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}
