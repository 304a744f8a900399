//! Quoted literals with symbols: the value of a rule with `quoted_values`
//! runs to its closing quote, and a strong generated password is a literal
//! even when it holds brackets or `|`, which otherwise mark code.

use std::ops::Range;

use super::filters::is_quote;

/// The longest quoted value read to its closing quote (the longest generic value).
const MAX_QUOTED: usize = 128;

/// The whole quoted literal around a rule's `secret` range, when the value is
/// opened by a quote and the whole literal [`looks_generated`]: the group may
/// start with the opening quote itself (the rule's quoted branch, for values
/// whose first byte is a symbol) or right after it. The literal ends at the
/// same quote on the same line; one opened by an escaped quote (`\"` inside a
/// JSON string) ends at the escaped quote. Otherwise `secret` stays as the
/// regex matched it, or becomes empty when the group started with the quote
/// (a few bytes of some other string).
pub fn whole_literal(bytes: &[u8], secret: Range<usize>) -> Range<usize> {
    let mut start = secret.start;
    let mut fallback = secret.clone();
    if bytes.get(start).is_some_and(is_quote) {
        // The closing quote of an empty string (`password=""`) opens nothing.
        if start > 0 && is_quote(&bytes[start - 1]) {
            return start..start;
        }
        start += 1;
        fallback = start..start;
    }
    match closing_quote(bytes, start) {
        Some(end) if looks_generated(&bytes[start..end]) => start..end,
        _ => fallback,
    }
}

/// Where the quoted literal starting at `start` ends: the quote right before
/// `start` again, on the same line, within [`MAX_QUOTED`] bytes, with no
/// whitespace or backslash between (an escaped opening quote needs an escaped
/// closing one).
fn closing_quote(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = *bytes.get(start.checked_sub(1)?)?;
    if !is_quote(&quote) {
        return None;
    }
    let escaped = start >= 2 && bytes[start - 2] == b'\\';
    let limit = bytes.len().min(start + MAX_QUOTED + 1);
    let at = (start..limit).find(|&at| {
        let b = bytes[at];
        b == quote || b == b'\\' || b.is_ascii_whitespace()
    })?;
    let closes = if escaped {
        bytes[at] == b'\\' && bytes.get(at + 1) == Some(&quote)
    } else {
        bytes[at] == quote
    };
    (closes && at > start).then_some(at)
}

/// True for a value shaped like a generated password: at least eight bytes
/// with lowercase and uppercase letters, digits and a symbol other than the
/// `.`, `_` and `-` of names and the `+`, `/` and `=` of base64 (values made
/// of those are read whole by the rules and judged by the scorer), and no template slot (`#{name}`, `$(cmd)`, `%s`,
/// `{0}`, `&lt;name&gt;`), and not a crypt(3) hash (`$2b$12$…`). Such a value is a literal even though brackets,
/// `|` or a leading `$`/`@` would mark code in a name.
pub fn looks_generated(value: &[u8]) -> bool {
    let classes = [
        value.iter().any(u8::is_ascii_lowercase),
        value.iter().any(u8::is_ascii_uppercase),
        value.iter().any(u8::is_ascii_digit),
        value.iter().any(|b| {
            b.is_ascii_punctuation() && !matches!(b, b'.' | b'_' | b'-' | b'+' | b'/' | b'=')
        }),
    ];
    value.len() >= 8
        && value.len() <= MAX_QUOTED
        && value.iter().all(u8::is_ascii_graphic)
        && classes.iter().all(|&has| has)
        && !has_template_slot(value)
        && !is_crypt_hash(value)
        && !is_encrypted_value(value)
        && !looks_like_regex(value)
}

/// A regular expression, such as a password policy's
/// (`^(?=.*[A-Z])(?=.*[0-9]).{8,}$`, `[A-Za-z0-9]{12}`): anchors at both ends,
/// groups, character ranges or quantified classes.
fn looks_like_regex(value: &[u8]) -> bool {
    const SHAPES: &[&[u8]] = &[
        b"(?", b".*", b".+", b"a-z", b"A-Z", b"0-9", b"]{", b"]+", b"]*", b"\\d", b"\\w",
    ];
    let anchored = value.first() == Some(&b'^') && value.last() == Some(&b'$');
    anchored
        || SHAPES
            .iter()
            .any(|shape| value.windows(shape.len()).any(|w| w == *shape))
}

/// A value encrypted in place by SOPS (`ENC[AES256_GCM,data:…]`), Jasypt
/// (`ENC(…)`) or Jenkins (base64 in braces, `{AQAAABAAAAA…}`): safe to commit
/// by design.
fn is_encrypted_value(value: &[u8]) -> bool {
    let marked = value.get(..4).is_some_and(|head| {
        head.eq_ignore_ascii_case(b"enc[") || head.eq_ignore_ascii_case(b"enc(")
    });
    let braced_base64 = value.len() > 2
        && value.first() == Some(&b'{')
        && value.last() == Some(&b'}')
        && value[1..value.len() - 1]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    marked || braced_base64
}

/// A crypt(3) password hash, `$id$…$…`: stored by design, reported by its own rules.
fn is_crypt_hash(value: &[u8]) -> bool {
    value.first() == Some(&b'$') && value[1..].contains(&b'$')
}

/// Interpolations and format slots that a quoted password never holds.
fn has_template_slot(value: &[u8]) -> bool {
    const SLOTS: &[&[u8]] = &[
        b"#{", b"${", b"$(", b"{{", b"%s", b"%d", b"{}", b"{0}", b"{1}", b"&lt;", b"&gt;",
    ];
    SLOTS
        .iter()
        .any(|slot| value.windows(slot.len()).any(|w| w == *slot))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(text: &str, start: usize, end: usize) -> &str {
        let range = whole_literal(text.as_bytes(), start..end);
        &text[range]
    }

    #[test]
    fn a_value_opened_by_a_quote_runs_to_its_closing_quote() {
        // Values are assembled at run time: no credential-shaped literal in our source.
        let first = ["5Msl)}", "@f;Y5]=]"].concat();
        let second = ["(B*=:rD", "?Sx0<Oy"].concat();
        // The regex stopped at `)`; the literal goes on to the quote.
        let text = format!("db_password = \"{first}\";");
        assert_eq!(literal(&text, 15, 19), first);
        // The quoted branch matched the opening quote too.
        let text = format!("pwd = \"{second}\";");
        assert_eq!(literal(&text, 6, 9), second);
        // An escaped quote inside a JSON string ends at the escaped quote.
        let text = r#""{\"password\": \"Rk4)vN8q\"}""#;
        let start = text.find("Rk4").unwrap_or_default();
        assert_eq!(literal(text, start, start + 3), "Rk4)vN8q");
    }

    #[test]
    fn an_unclosed_or_spaced_literal_keeps_the_regex_match() {
        let text = r#"password = "abc(def ghi)""#;
        assert_eq!(literal(text, 12, 15), "abc");
        let text = "password = \"abc(def\nghi\"";
        assert_eq!(literal(text, 12, 15), "abc");
        let text = "password = abc(def)";
        assert_eq!(literal(text, 11, 14), "abc");
        // A quoted literal that does not look generated is not taken whole.
        let text = r#"password = "abc(def)""#;
        assert_eq!(literal(text, 12, 15), "abc");
        // The closing quote of an empty string opens no literal.
        let text = r#"$password="",$timeout="0""#;
        assert_eq!(literal(text, 11, 16), "");
        // The quoted branch's few bytes of an unclosed string are no value.
        let text = r#"password = "<your password>""#;
        assert_eq!(literal(text, 11, 16), "");
    }

    #[test]
    fn generated_passwords_have_every_class_and_no_template_slot() {
        for value in ["u>b(iheyE;d7P4", "$R7P]Am[pBFXl", "P@ss(w0rd)2024"] {
            assert!(looks_generated(value.as_bytes()), "{value}");
        }
        for value in [
            "user[0].pass",
            "#{Password1}",
            "${DB_PASS:-x9}",
            "Hello %s, A1!",
            "getPassword()",
            "Ab1!",
            "s.Z4bTMtngfLeQ18",
            "G4TgaJOuZ0/otNM59ui5lew6QO3n+IKB0KMdS=",
            "&lt;Passw0rd&gt;",
            "$2b$12$Qz3vLxT1bR8cWm4nPq7kUe",
            "ENC[AES256_GCM,data:O+5l4g==,iv:c/dS4B]",
            "ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)",
            "{AQAAABAAAAAgPT7JbBVgyWiivobt0CJEduLyP0lB3u+D5W=}",
            "^(?=.*[A-Z])(?=.*[0-9])[A-Za-z0-9!@#]{8,}$",
            "[A-Za-z0-9]{12}",
        ] {
            assert!(!looks_generated(value.as_bytes()), "{value}");
        }
    }
}
