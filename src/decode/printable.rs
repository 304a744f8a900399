//! "Mostly printable UTF-8 text": what a decoding must be to be scanned.

/// Share of characters that must be printable (or `\t`, `\n`, `\r`), in percent.
const MIN_PRINTABLE_PERCENT: usize = 95;

/// The decoded bytes as text when they are valid UTF-8 (a character cut off
/// at the very end is dropped), contain no NUL, and at least 95% of their
/// characters are printable or ASCII whitespace. Binary junk (what random
/// identifiers decode to) fails.
pub fn as_text(bytes: &[u8]) -> Option<&str> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        // A token cut short may end inside a character: keep what precedes it.
        Err(err) if err.error_len().is_none() => {
            std::str::from_utf8(&bytes[..err.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    if text.is_empty() {
        return None;
    }
    let mut total = 0usize;
    let mut unprintable = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return None;
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') || c == '\u{FFFD}' {
            unprintable += 1;
        }
    }
    (unprintable * 100 <= total * (100 - MIN_PRINTABLE_PERCENT)).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::as_text;

    #[test]
    fn text_passes_binary_fails() {
        assert_eq!(as_text(b"user:password\n"), Some("user:password\n"));
        assert_eq!(as_text("naïve café".as_bytes()), Some("naïve café"));
        assert_eq!(as_text(b"a\0b"), None);
        assert_eq!(as_text(&[0x8a, 0x12, 0xff, 0x41]), None);
        assert_eq!(as_text(b"\x01\x02\x03abcdefgh"), None);
        assert_eq!(as_text(b""), None);
        // A two-byte character cut in half at the end is dropped.
        assert_eq!(as_text(b"caf\xc3"), Some("caf"));
    }
}
