//! The finder: one pass over a blob's bytes for encoded tokens, each decoded
//! and kept only when it is mostly printable text.

use std::ops::Range;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::limits::Budget;
use super::{Encoding, hex, percent, printable};

/// Shortest base64 or base64url token (12 decoded bytes); also the probe
/// stride of the scan, so shorter runs cost about one look per 16 bytes.
pub const MIN_BASE64_LEN: usize = 16;
/// Shortest hex token (12 decoded bytes).
pub const MIN_HEX_LEN: usize = 24;
/// Shortest percent-encoded token.
pub const MIN_PERCENT_LEN: usize = 16;
/// Most bytes of the line before a token given to the detector as key context.
pub const MAX_PREFIX_LEN: usize = 80;

/// Byte flags, one table lookup per byte of a run: `TOKEN` for every
/// base64/base64url/hex character; the others say what a run holds, so one
/// OR over the run classifies it.
const TOKEN: u8 = 1;
/// `+` or `/`: standard base64 only.
const STD_SYMBOL: u8 = 2;
/// `-` or `_`: base64url only.
const URL_SYMBOL: u8 = 4;
/// `A-Z`.
const UPPER: u8 = 8;
/// `a-z`.
const LOWER: u8 = 16;
/// Not a hex digit.
const NOT_HEX: u8 = 32;

const FLAGS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut flags = 0;
        if c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'-' || c == b'_' {
            flags |= TOKEN;
            if !c.is_ascii_hexdigit() {
                flags |= NOT_HEX;
            }
        }
        if c == b'+' || c == b'/' {
            flags |= STD_SYMBOL;
        }
        if c == b'-' || c == b'_' {
            flags |= URL_SYMBOL;
        }
        if c.is_ascii_uppercase() {
            flags |= UPPER;
        }
        if c.is_ascii_lowercase() {
            flags |= LOWER;
        }
        table[b] = flags;
        b += 1;
    }
    table
};

const fn engine(alphabet: &alphabet::Alphabet) -> GeneralPurpose {
    GeneralPurpose::new(
        alphabet,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    )
}

/// Standard base64, padding optional.
const BASE64: GeneralPurpose = engine(&alphabet::STANDARD);
/// URL-safe base64, padding optional.
const BASE64_URL: GeneralPurpose = engine(&alphabet::URL_SAFE);

/// One encoded token and its decoded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Byte range of the encoded token (padding included) in the scanned bytes.
    pub span: Range<usize>,
    /// How it was encoded.
    pub encoding: Encoding,
    /// The decoding: mostly printable UTF-8 text.
    pub text: String,
}

/// Finds and decodes encoded tokens; holds a scratch buffer, so keep one per thread.
#[derive(Debug, Default)]
pub struct Finder {
    scratch: Vec<u8>,
}

impl Finder {
    /// A finder with an empty scratch buffer.
    pub fn new() -> Self {
        Finder::default()
    }

    /// Appends to `out`, sorted by position, the tokens of `bytes` whose
    /// decoding is mostly printable text, while `budget` lasts. Cheap
    /// screens (length, character mix, the shape of text in the encoding)
    /// run before anything is decoded; each decoded token takes one candidate
    /// and its decoded size from `budget`.
    pub fn find(&mut self, bytes: &[u8], budget: &mut Budget, out: &mut Vec<Decoded>) {
        let first = out.len();
        self.find_base64_and_hex(bytes, budget, out);
        if memchr::memchr(b'%', bytes).is_some() {
            self.find_percent(bytes, budget, out);
        }
        out[first..].sort_by_key(|d| d.span.start);
    }

    /// Runs of base64/base64url/hex characters of at least
    /// [`MIN_BASE64_LEN`]: probe the last byte a run of that length starting
    /// at `i` would need; a miss skips the whole window.
    fn find_base64_and_hex(&mut self, bytes: &[u8], budget: &mut Budget, out: &mut Vec<Decoded>) {
        let n = bytes.len();
        // `i`: the next block's start; `carry`: how many token bytes end the
        // previous block (a run may start there). Blocks are classified
        // without branches; only a run of MIN_BASE64_LEN token bytes takes
        // the byte-by-byte path.
        let mut i = 0;
        let mut carry = 0usize;
        while i < n && !budget.exhausted() {
            let block = &bytes[i..n.min(i + BLOCK)];
            let mask = token_mask(block);
            let leading = mask.trailing_ones() as usize;
            if carry + leading < MIN_BASE64_LEN && leading < block.len() {
                // No run this long starts before the block's last non-token byte.
                carry = (mask.leading_ones() as usize).min(block.len());
                if block.len() < BLOCK {
                    carry = 0;
                }
                i += block.len();
                continue;
            }
            if carry + leading < MIN_BASE64_LEN {
                // The whole (last, short) block is token bytes, still too short.
                break;
            }
            let start = i - carry;
            let mut seen = 0u8;
            let mut end = start;
            while end < n {
                let flags = FLAGS[bytes[end] as usize];
                if flags == 0 {
                    break;
                }
                seen |= flags;
                end += 1;
            }
            let mut padded = end;
            while padded < n && padded - end < 2 && bytes[padded] == b'=' {
                padded += 1;
            }
            if padded - start <= budget.max_token_len() {
                self.run(bytes, start..end, padded, seen, budget, out);
            }
            i = padded.max(end + 1);
            carry = 0;
        }
    }

    /// Screens and decodes one run `run` (padding up to `padded`) whose
    /// bytes' flags OR to `seen`.
    fn run(
        &mut self,
        bytes: &[u8],
        run: Range<usize>,
        padded: usize,
        seen: u8,
        budget: &mut Budget,
        out: &mut Vec<Decoded>,
    ) {
        let token = &bytes[run.clone()];
        if seen & NOT_HEX == 0 {
            // Hex digits only: hex or nothing (base64 of text almost never is all hex).
            if padded == run.end && token.len() >= MIN_HEX_LEN && hex::looks_like_text(token) {
                let estimate = token.len() / 2;
                if budget.take(estimate) && hex::decode(token, &mut self.scratch) {
                    self.keep(run.start..run.end, Encoding::Hex, out);
                }
            }
            return;
        }
        let encoding = match (seen & STD_SYMBOL != 0, seen & URL_SYMBOL != 0) {
            // `+` or `/` mixed with `-` or `_`: a path or an identifier.
            (true, true) => return,
            (false, true) => Encoding::Base64Url,
            // Letters and digits only decode the same in either alphabet.
            _ => Encoding::Base64,
        };
        let pad = padded - run.end;
        if seen & UPPER == 0
            || seen & LOWER == 0
            || token.len() % 4 == 1
            || (pad > 0 && !(token.len() + pad).is_multiple_of(4))
            || !base64_looks_like_text(token)
        {
            return;
        }
        if !budget.take(token.len() / 4 * 3 + 2) {
            return;
        }
        self.scratch.clear();
        let engine = match encoding {
            Encoding::Base64Url => &BASE64_URL,
            _ => &BASE64,
        };
        if engine
            .decode_vec(&bytes[run.start..padded], &mut self.scratch)
            .is_ok()
        {
            self.keep(run.start..padded, encoding, out);
        }
    }

    /// `%XX` tokens: around each `%` not yet inside a token, the run of URL
    /// characters, kept when long enough and with several valid escapes.
    fn find_percent(&mut self, bytes: &[u8], budget: &mut Budget, out: &mut Vec<Decoded>) {
        let mut next = 0;
        for at in memchr::memchr_iter(b'%', bytes) {
            if at < next {
                continue;
            }
            if budget.exhausted() {
                return;
            }
            let mut start = at;
            while start > next && percent::is_token_byte(bytes[start - 1]) {
                start -= 1;
            }
            let mut end = at + 1;
            while end < bytes.len() && percent::is_token_byte(bytes[end]) {
                end += 1;
            }
            next = end;
            let token = &bytes[start..end];
            if token.len() < MIN_PERCENT_LEN
                || token.len() > budget.max_token_len()
                || percent::escapes(token) < percent::MIN_ESCAPES
                || !budget.take(token.len())
            {
                continue;
            }
            percent::decode(token, &mut self.scratch);
            self.keep(start..end, Encoding::Percent, out);
        }
    }

    /// Pushes the scratch buffer as a token when it is mostly printable text.
    fn keep(&mut self, span: Range<usize>, encoding: Encoding, out: &mut Vec<Decoded>) {
        if let Some(text) = printable::as_text(&self.scratch) {
            out.push(Decoded {
                span,
                encoding,
                text: text.to_string(),
            });
        }
    }
}

/// Bytes classified at once.
const BLOCK: usize = 16;

/// Bit `k` set when `block[k]` is a token byte; a short block leaves its
/// missing bytes clear.
fn token_mask(block: &[u8]) -> u16 {
    #[cfg(target_arch = "x86_64")]
    if let Ok(full) = <&[u8; BLOCK]>::try_from(block) {
        return sse2::token_mask(full);
    }
    let mut mask = 0u16;
    for (k, &b) in block.iter().enumerate().take(BLOCK) {
        mask |= u16::from(FLAGS[b as usize] & TOKEN) << k;
    }
    mask
}

/// SSE2 (every x86_64 processor has it): sixteen bytes classified with a
/// handful of compares.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_loadu_si128,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    /// `lo <= x <= hi` per byte (signed compares: bytes >= 0x80 are negative
    /// and fall outside every ASCII range, as they should).
    #[inline(always)]
    fn in_range(x: __m128i, lo: u8, hi: u8) -> __m128i {
        // SAFETY: SSE2 is part of the x86_64 baseline.
        unsafe {
            _mm_and_si128(
                _mm_cmpgt_epi8(x, _mm_set1_epi8(lo as i8 - 1)),
                _mm_cmpgt_epi8(_mm_set1_epi8(hi as i8 + 1), x),
            )
        }
    }

    #[inline(always)]
    fn equals(x: __m128i, byte: u8) -> __m128i {
        // SAFETY: SSE2 is part of the x86_64 baseline.
        unsafe { _mm_cmpeq_epi8(x, _mm_set1_epi8(byte as i8)) }
    }

    /// Bit `k` set when `block[k]` is one of `A-Za-z0-9+/-_`.
    pub fn token_mask(block: &[u8; super::BLOCK]) -> u16 {
        // SAFETY: SSE2 is part of the x86_64 baseline; the load reads the
        // 16 bytes of `block` (unaligned load).
        unsafe {
            let x = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
            // `-./0-9` without `.`, then `+`, `_`, `A-Z`, `a-z`.
            let digits_dash_slash = _mm_andnot_si128(equals(x, b'.'), in_range(x, b'-', b'9'));
            let symbols = _mm_or_si128(equals(x, b'+'), equals(x, b'_'));
            let letters = _mm_or_si128(in_range(x, b'A', b'Z'), in_range(x, b'a', b'z'));
            let token = _mm_or_si128(_mm_or_si128(digits_dash_slash, symbols), letters);
            _mm_movemask_epi8(token) as u16
        }
    }
}

/// Index of a base64 or base64url character (`+`/`-` are 62, `/`/`_` 63).
fn sextet(b: u8) -> u8 {
    match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' | b'-' => 62,
        _ => 63,
    }
}

/// Base64 of ASCII text (bytes `\t` to `~`) has a fixed shape in every
/// 4-character group: the 1st character holds a byte's top six bits (2..=31),
/// the 2nd ends with the next byte's high nibble (0 or 2..=7), the 3rd ends
/// with the top two bits of the third byte (0 or 1). At least 80% of the
/// groups must fit, so a camelCase identifier, a path or a run of `A`s fails
/// before anything is decoded (a random group fits with odds of about 1 in 12).
pub(crate) fn base64_looks_like_text(token: &[u8]) -> bool {
    let groups = token.len().div_ceil(4);
    // More misfits than this and the token fails: stop as soon as it does.
    // `textual * 5 >= groups * 4`, counted as misfits.
    let allowed = groups - (groups * 4).div_ceil(5);
    let mut misfits = 0usize;
    for group in token.chunks(4) {
        let first = matches!(sextet(group[0]), 2..=31);
        let second = group
            .get(1)
            .is_none_or(|&c| matches!(sextet(c) & 15, 0 | 2..=7));
        let third = group.get(2).is_none_or(|&c| sextet(c) & 3 <= 1);
        if !(first && second && third) {
            misfits += 1;
            if misfits > allowed {
                return false;
            }
        }
    }
    true
}

/// The text before `start` on its line, at most `MAX_PREFIX_LEN` bytes and
/// starting on a character boundary: the key context (`  password: `) the
/// detector sees in front of a decoded token.
pub fn line_prefix(bytes: &[u8], start: usize) -> &[u8] {
    let start = start.min(bytes.len());
    let floor = start.saturating_sub(MAX_PREFIX_LEN);
    let mut from = memchr::memrchr(b'\n', &bytes[floor..start]).map_or(floor, |p| floor + p + 1);
    while from < start && bytes[from] & 0xC0 == 0x80 {
        from += 1;
    }
    &bytes[from..start]
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};

    use super::*;
    use crate::decode::Limits;

    fn find(bytes: &[u8]) -> (Vec<Decoded>, Budget) {
        let mut budget = Budget::new(&Limits::DEFAULT);
        let mut out = Vec::new();
        Finder::new().find(bytes, &mut budget, &mut out);
        (out, budget)
    }

    fn texts(bytes: &[u8]) -> Vec<(Encoding, String)> {
        find(bytes)
            .0
            .into_iter()
            .map(|d| (d.encoding, d.text))
            .collect()
    }

    #[test]
    fn decode_base64_padded_and_unpadded() {
        let padded = STANDARD.encode("user:hunter2-and-more!");
        let doc = format!("auth: \"{padded}\"\n");
        let (found, _) = find(doc.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].encoding, Encoding::Base64);
        assert_eq!(found[0].text, "user:hunter2-and-more!");
        assert_eq!(&doc[found[0].span.clone()], padded);
        assert!(padded.ends_with('='));

        let plain = ["name", "value?with?more"].join("=");
        let unpadded = STANDARD_NO_PAD.encode(&plain);
        assert_eq!(
            texts(format!("x {unpadded} y").as_bytes()),
            vec![(Encoding::Base64, plain)]
        );
    }

    #[test]
    fn decode_base64url() {
        // Chosen so the encoding has `-` or `_`.
        let text = "{\"k\":\"v>>>?\",\"token\":\"abc~~~def\"}";
        let encoded = URL_SAFE_NO_PAD.encode(text);
        assert!(encoded.contains(['-', '_']), "{encoded}");
        assert_eq!(
            texts(encoded.as_bytes()),
            vec![(Encoding::Base64Url, text.to_string())]
        );
    }

    #[test]
    fn decode_percent_and_hex() {
        assert_eq!(
            texts(b"url = \"user%3Apass%40word%21%21@host\"\n"),
            vec![(Encoding::Percent, "user:pass@word!!@host".to_string())]
        );
        // One or two escapes are ordinary URLs.
        assert!(texts(b"see https://example.com/a%20b/c?d=e%20f").is_empty());
        let plain = ["user", "name:text-hex"].join("_");
        let hex: String = plain.bytes().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            texts(format!("blob: {hex}\n").as_bytes()),
            vec![(Encoding::Hex, plain)]
        );
    }

    #[test]
    fn decode_truncated_and_invalid_base64() {
        let full = STANDARD.encode("client_secret: AbCdEf0123456789xyz");
        // Cut to a length of 4n+1: not base64 at all.
        let cut = &full[..full.len() - full.len() % 4 - 3];
        assert_eq!(cut.len() % 4, 1);
        assert!(texts(cut.as_bytes()).is_empty());
        // Cut to 4n+2: decodes to a prefix of the text.
        let cut = &full[..full.len() - full.len() % 4 - 2];
        let found = texts(cut.as_bytes());
        assert_eq!(found.len(), 1);
        assert!("client_secret: AbCdEf0123456789xyz".starts_with(&found[0].1));
        // Bad padding, and padding in the middle, are rejected or split.
        assert!(texts(format!("{}===", &full[..20]).as_bytes()).len() <= 1);
        assert!(
            texts(b"dXNlcjpwYXNzd29yZA=Zm9v")
                .iter()
                .all(|(_, t)| t.len() < 16)
        );
    }

    #[test]
    fn decode_skips_identifiers_hashes_and_paths() {
        let code = b"getElementsByTagNameAndClass AbstractSingletonProxyFactoryBean \
            MAX_CONNECTIONS_PER_HOST_DEFAULT src/main/java/com/example/FooBar \
            9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 \
            {\"someLongPropertyName\":\"anotherLongValueHere\"} thisIsAVeryLongCamelCaseName";
        let (found, budget) = find(code);
        assert!(found.is_empty(), "{found:?}");
        // Screened out before decoding: no budget spent.
        assert_eq!(budget.bytes_left(), Limits::DEFAULT.max_decoded_bytes);
    }

    #[test]
    fn block_masks_agree_with_the_byte_table() {
        for start in (0..=255u16).step_by(16) {
            let block: Vec<u8> = (start..start + 16).map(|b| b as u8).collect();
            let scalar = block.iter().enumerate().fold(0u16, |m, (k, &b)| {
                m | (u16::from(FLAGS[b as usize] & TOKEN) << k)
            });
            assert_eq!(token_mask(&block), scalar, "bytes {start}..");
        }
    }

    #[test]
    fn tokens_are_found_at_every_offset_across_block_edges() {
        let text = "user:hunter2-and-more!";
        let token = STANDARD.encode(text);
        for offset in 0..40 {
            for tail in ["", " ", " x", ".rest of the line"] {
                let prefix = "ab c.".repeat(offset);
                let doc = format!("{} {token}{tail}", prefix.get(..offset).unwrap_or(""));
                let found = texts(doc.as_bytes());
                assert_eq!(found, vec![(Encoding::Base64, text.to_string())], "{doc:?}");
            }
        }
    }

    #[test]
    fn decode_binary_junk_is_dropped() {
        let junk: Vec<u8> = (0..48u8).map(|i| i.wrapping_mul(37) ^ 0xA5).collect();
        assert!(texts(STANDARD.encode(junk).as_bytes()).is_empty());
    }

    #[test]
    fn decode_long_line_and_runs_of_a_stay_in_budget() {
        // One 10 MB base64 line: longer than max_token_len, never decoded.
        let chunk = STANDARD.encode("some text that repeats and repeats! ");
        assert!(!chunk.ends_with('='));
        let line = chunk.repeat(10_000_000 / chunk.len() + 1);
        assert!(line.len() >= 10_000_000);
        let (found, budget) = find(line.as_bytes());
        assert!(found.is_empty());
        assert_eq!(budget.bytes_left(), Limits::DEFAULT.max_decoded_bytes);
        // A long run of `A`s (zero bytes once decoded), short and long.
        for len in [64, 40_000, 3_000_000] {
            let (found, budget) = find("A".repeat(len).as_bytes());
            assert!(found.is_empty());
            assert_eq!(budget.bytes_left(), Limits::DEFAULT.max_decoded_bytes);
        }
        // Many decodable tokens: at most max_candidates decoded, within the byte budget.
        let token = STANDARD.encode("key: value value value value value!");
        let many = format!("{token}\n").repeat(5_000);
        let (found, budget) = find(many.as_bytes());
        assert_eq!(found.len(), Limits::DEFAULT.max_candidates);
        assert!(budget.exhausted());
        let decoded: usize = found.iter().map(|d| d.text.len()).sum();
        assert!(decoded <= Limits::DEFAULT.max_decoded_bytes);
    }

    #[test]
    fn decode_line_prefix_is_bounded() {
        let doc = b"data:\n  password: dG9rZW4=";
        let at = doc.len() - 8;
        assert_eq!(line_prefix(doc, at), b"  password: ");
        let long = format!("{}é{}", "k".repeat(100), "v".repeat(10));
        let prefix = line_prefix(long.as_bytes(), long.len());
        assert!(prefix.len() <= MAX_PREFIX_LEN);
        assert!(std::str::from_utf8(prefix).is_ok());
        assert_eq!(line_prefix(b"abc", 0), b"");
    }
}
