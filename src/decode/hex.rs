//! Hexadecimal: a cheap shape test and a decoder.

/// Value of one hex digit.
fn digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// True when every character is a hex digit, the length is even, and the
/// high digit of (nearly) every byte is 2..=7 or `0` (ASCII text and tabs or
/// newlines): a hash or random hex string fails almost surely, without decoding.
pub fn looks_like_text(token: &[u8]) -> bool {
    if !token.len().is_multiple_of(2) {
        return false;
    }
    let mut off = 0usize;
    for pair in token.chunks_exact(2) {
        let (Some(high), Some(_)) = (digit(pair[0]), digit(pair[1])) else {
            return false;
        };
        if !matches!(high, 0 | 2..=7) {
            off += 1;
        }
    }
    // UTF-8 text may have a few non-ASCII bytes; hashes have about 60%.
    off * 10 <= token.len() / 2
}

/// Decodes `token` into `out` (cleared first); false on an invalid digit or odd length.
pub fn decode(token: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    if !token.len().is_multiple_of(2) {
        return false;
    }
    for pair in token.chunks_exact(2) {
        match (digit(pair[0]), digit(pair[1])) {
            (Some(h), Some(l)) => out.push(h << 4 | l),
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_screens() {
        let mut out = Vec::new();
        assert!(decode(b"68756e746572", &mut out));
        assert_eq!(out, b"hunter");
        assert!(!decode(b"6g", &mut out));
        assert!(!decode(b"686", &mut out));
        assert!(looks_like_text(b"70617373776f72643d73656372657421"));
        // A SHA-256 is not text.
        assert!(!looks_like_text(
            b"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        ));
    }
}
