//! Content filters applied to a candidate secret after the regex: placeholders,
//! repeated or sequential characters, rule stopwords, and (for generic rules)
//! values that are code rather than literals.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// Substrings (lowercase) that mark a placeholder, not a credential.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "example",
    "xxxx",
    "placeholder",
    "changeme",
    "change_me",
    "your_",
    "your-",
    "yourtoken",
    "yourkey",
    "dummy",
    "redacted",
    "****",
    "<",
    ">",
    "${",
    "{{",
    "%(",
];

/// Obvious sequences that no random token contains.
const SEQUENCES: &[&str] = &["123456", "abcdef", "qwerty", "asdfgh", "!@#$%"];

/// Markers still checked in long secrets (private key blocks, certificates),
/// where short markers such as `xxxx` or a run of `A`s occur by chance.
const LONG_PLACEHOLDER_MARKERS: &[&str] = &["example", "placeholder", "redacted", "${", "{{"];

/// Secrets at least this long only get [`LONG_PLACEHOLDER_MARKERS`].
const LONG_SECRET: usize = 128;

/// One case-insensitive automaton per marker list, built on first use: a
/// single pass per candidate instead of one substring search per marker.
fn matcher(words: &[&[&str]]) -> AhoCorasick {
    let all: Vec<&str> = words.iter().flat_map(|w| w.iter().copied()).collect();
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(all)
        .unwrap_or_else(|err| unreachable!("fixed marker lists always build: {err}"))
}

static SHORT_MARKERS: LazyLock<AhoCorasick> =
    LazyLock::new(|| matcher(&[PLACEHOLDER_MARKERS, SEQUENCES]));
static LONG_MARKERS: LazyLock<AhoCorasick> = LazyLock::new(|| matcher(&[LONG_PLACEHOLDER_MARKERS]));
static CODE: LazyLock<AhoCorasick> = LazyLock::new(|| matcher(&[CODE_MARKERS]));

/// True when `secret` looks like a placeholder or a made-up value.
pub fn is_placeholder(secret: &[u8]) -> bool {
    if secret.len() >= LONG_SECRET {
        return LONG_MARKERS.is_match(secret);
    }
    SHORT_MARKERS.is_match(secret) || has_run(secret, 6)
}

/// True when `secret` contains one of `words` (already lowercase).
pub fn has_stopword(secret: &[u8], words: &[String]) -> bool {
    if words.is_empty() {
        return false;
    }
    let lower = secret.to_ascii_lowercase();
    words.iter().any(|w| contains(&lower, w.as_bytes()))
}

/// Literal words a generic assignment's value may be without being a secret.
const NON_SECRET_VALUES: &[&str] = &[
    "null",
    "nil",
    "none",
    "true",
    "false",
    "undefined",
    "empty",
    "string",
    "password",
    "secret",
    "token",
    "required",
    "optional",
    "default",
    "test",
    "testing",
    "admin",
    "root",
    "user",
    "username",
    "pass",
    "passwd",
    "value",
    "hidden",
    "unset",
    "n/a",
];

/// True when a generic rule's value is code, a reference or a keyword rather
/// than a literal credential. `next` is the byte right after the value.
pub fn is_non_literal(value: &[u8], next: Option<u8>) -> bool {
    // A call or an index right after the value: `token = build_token(...)`.
    if matches!(next, Some(b'(' | b'[')) {
        return true;
    }
    // Variable references, interpolation, calls, instance variables.
    if matches!(value.first(), Some(b'$' | b'%' | b'@' | b':')) || CODE.is_match(value) {
        return true;
    }
    // Trailing punctuation of code or markup (`string!`, `production:`, `postgres/`).
    let trimmed = trim_end(value, b"!?:;/.");
    let trimmed_lower = trimmed.to_ascii_lowercase();
    if NON_SECRET_VALUES
        .iter()
        .any(|w| trimmed_lower == w.as_bytes())
    {
        return true;
    }
    // Lone words and camelCase identifiers: letters only and short.
    if trimmed.len() < 16 && trimmed.iter().all(u8::is_ascii_alphabetic) {
        return true;
    }
    // snake_case identifiers and lowercase paths: `build_tag_values`, `active_storage/disk`.
    let lowercase_name = trimmed
        .iter()
        .all(|&b| b.is_ascii_lowercase() || matches!(b, b'_' | b'/' | b'-'));
    if lowercase_name && trimmed.iter().any(|&b| matches!(b, b'_' | b'/')) {
        return true;
    }
    // Dotted or namespaced identifiers: config.password, settings::TOKEN.
    let identifier = |part: &[u8]| {
        !part.is_empty()
            && !part[0].is_ascii_digit()
            && part.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
    };
    let dotted: Vec<&[u8]> = value.split(|&b| b == b'.').collect();
    if dotted.len() > 1 && dotted.iter().all(|p| identifier(p)) {
        return true;
    }
    // UPPER_SNAKE constant names.
    value
        .iter()
        .all(|&b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
        && value.contains(&b'_')
}

/// Substrings (lowercase) that only occur in code, never in a literal secret.
const CODE_MARKERS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "|",
    "\\n",
    "process.env",
    "os.environ",
    "getenv",
    "env.",
];

fn trim_end<'a>(bytes: &'a [u8], strip: &[u8]) -> &'a [u8] {
    let end = bytes
        .iter()
        .rposition(|b| !strip.contains(b))
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

fn has_run(bytes: &[u8], n: usize) -> bool {
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

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        assert!(is_placeholder(b"AKIAIOSFODNN7EXAMPLE"));
        assert!(is_placeholder(b"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
        assert!(is_placeholder(b"${GITHUB_TOKEN}"));
        assert!(is_placeholder(b"<your token>"));
        assert!(is_placeholder(b"aaaaaaB3"));
        // Built from pieces so the source holds no token-shaped literal.
        let token = ["gh", "p_", "R8fKq2LmWz7Tn4Vb1Yc9", "Xd3Hs6Jp0Ga5Ue2Q"].concat();
        assert!(!is_placeholder(token.as_bytes()));
        // Long key blocks keep their natural runs (`AAAAAAAA`, indentation).
        let key = format!(
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAA{}",
            "q".repeat(0)
        ) + &"Zk2mQ9vLx7".repeat(12);
        assert!(!is_placeholder(key.as_bytes()));
    }

    #[test]
    fn non_literals() {
        for code in [
            "config.password",
            "$DB_PASSWORD",
            "os.environ",
            "get_secret()",
            "DB_PASSWORD",
            "null",
            "string!",
            "false)",
            "production:",
            "postgres/",
            "build_tag_values",
            "active_storage/disk",
            "@original_min_cost",
            "123\\nsome_namespace:",
        ] {
            assert!(is_non_literal(code.as_bytes(), None), "{code}");
        }
        assert!(is_non_literal(b"xor_bytes", Some(b'(')));
        assert!(!is_non_literal(b"hX9#kq2!Lm", None));
        assert!(!is_non_literal(b"Tr0ub4dor&3", Some(b'"')));
    }

    #[test]
    fn stopwords() {
        let words = vec!["sample".to_string()];
        assert!(has_stopword(b"mySAMPLEkey", &words));
        assert!(!has_stopword(b"mykey", &words));
    }
}
