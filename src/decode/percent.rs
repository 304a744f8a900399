//! Percent-encoding (`%XX` escapes), decoded by hand: only tokens with several
//! escapes are worth it.

/// Fewest valid `%XX` escapes a token must have.
pub const MIN_ESCAPES: usize = 3;

/// True for bytes that may appear in a percent-encoded token: URL unreserved
/// and sub-delimiter characters that rarely delimit code (`'"(),;<>` and
/// whitespace end a token).
pub fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'%' | b'-'
                | b'.'
                | b'_'
                | b'~'
                | b'+'
                | b'='
                | b'&'
                | b'/'
                | b':'
                | b'?'
                | b'#'
                | b'@'
                | b'!'
                | b'$'
                | b'*'
        )
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Number of valid `%XX` escapes in `token`.
pub fn escapes(token: &[u8]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'%', &token[i..]) {
        let at = i + p;
        if at + 2 < token.len() && hex(token[at + 1]).is_some() && hex(token[at + 2]).is_some() {
            count += 1;
            i = at + 3;
        } else {
            i = at + 1;
        }
    }
    count
}

/// Decodes `token` into `out` (cleared first). `%XX` becomes the byte; a `%`
/// without two hex digits and every other byte (`+` included) stay as they are.
pub fn decode(token: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < token.len() {
        let b = token[i];
        if b == b'%' && i + 2 < token.len() {
            if let (Some(h), Some(l)) = (hex(token[i + 1]), hex(token[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes() {
        let mut out = Vec::new();
        decode(b"a%20b%3Dc%2", &mut out);
        assert_eq!(out, b"a b=c%2");
        assert_eq!(escapes(b"a%20b%3Dc%2"), 2);
        assert_eq!(escapes(b"%s%d%zz"), 0);
    }
}
