//! Text helpers shared by the validators: tolerant base64, PEM extraction
//! from secrets as they are found (escaped inside JSON, indented, base64
//! wrapped), hashing and time formatting. Nothing here panics on any input.

use std::borrow::Cow;

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use sha2::{Digest, Sha256};

const TOLERANT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, TOLERANT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, TOLERANT);

/// Decodes base64 in either alphabet, with or without padding, ignoring
/// whitespace. `None` when it is not base64.
pub(crate) fn b64_decode(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return None;
    }
    if compact.contains(['-', '_']) {
        URL_SAFE.decode(compact.as_bytes()).ok()
    } else {
        STANDARD.decode(compact.as_bytes()).ok()
    }
}

/// Decodes base64url (JWT segments, macaroons, GitLab payloads), tolerating
/// padding and the standard alphabet.
pub(crate) fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE
        .decode(text.as_bytes())
        .ok()
        .or_else(|| STANDARD.decode(text.as_bytes()).ok())
}

/// Lower-case hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Undoes the escaping a multi-line secret picks up when stored in a string:
/// literal `\n`, `\r`, `\t` (also doubly escaped) and JSON's `\/`.
pub(crate) fn unescape(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        // Collapse runs of backslashes (`\\n` inside doubly escaped JSON).
        while chars.peek() == Some(&'\\') {
            chars.next();
        }
        match chars.next() {
            Some('n') | Some('r') => out.push('\n'),
            Some('t') => out.push(' '),
            Some(other) => out.push(other),
            None => {}
        }
    }
    Cow::Owned(out)
}

/// The text of a secret that carries PEM: the secret itself (unescaped) when
/// it contains a `-----BEGIN` line, or the decoded text when it is base64 of
/// a PEM document (kubeconfig `client-key-data`, Kubernetes Secret data).
pub(crate) fn pem_text(secret: &str) -> Option<String> {
    if secret.contains("-----BEGIN") {
        return Some(unescape(secret).into_owned());
    }
    let trimmed = secret.trim().trim_matches(['"', '\'']);
    if trimmed.starts_with("LS0tLS1CRUdJ") {
        let bytes = b64_decode(trimmed)?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if text.contains("-----BEGIN") {
            return Some(unescape(&text).into_owned());
        }
    }
    None
}

/// One PEM block as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PemBlock {
    /// The label (`RSA PRIVATE KEY`).
    pub label: String,
    /// Encapsulated headers (`Proc-Type`, `DEK-Info`), names as written.
    pub headers: Vec<(String, String)>,
    /// Decoded body; `None` when the base64 does not decode.
    pub der: Option<Vec<u8>>,
    /// The `-----END label-----` line was present.
    pub complete: bool,
}

impl PemBlock {
    /// Value of a header, names compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Finds the first PEM block whose label satisfies `wanted`.
pub(crate) fn find_pem(text: &str, wanted: impl Fn(&str) -> bool) -> Option<PemBlock> {
    const BEGIN: &str = "-----BEGIN ";
    let mut rest = text;
    while let Some(at) = rest.find(BEGIN) {
        let after = &rest[at + BEGIN.len()..];
        let label_end = after.find("-----")?;
        let label = after[..label_end].trim();
        let body_and_rest = &after[label_end + 5..];
        let valid_label = !label.is_empty()
            && label.len() <= 64
            && label
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b == b' ' || b.is_ascii_digit());
        if valid_label && wanted(label) {
            let end_marker = format!("-----END {label}-----");
            let (body, complete) = match body_and_rest.find(&end_marker) {
                Some(end) => (&body_and_rest[..end], true),
                None => {
                    // Truncated: stop at a following block, if any.
                    let stop = body_and_rest.find("-----").unwrap_or(body_and_rest.len());
                    (&body_and_rest[..stop], false)
                }
            };
            return Some(parse_body(label, body, complete));
        }
        rest = body_and_rest;
    }
    None
}

/// The pieces of a PEM body that hold its text. A body written as string
/// literals joined in code (`"MIIE…\n" +` in Java, Kotlin or JS, a Python
/// list of lines, adjacent C literals) starts inside the literal its BEGIN
/// line opened, so every other piece between its quotes is code; a body
/// without quotes is one piece.
fn literal_pieces(body: &str) -> impl Iterator<Item = &str> {
    let quote = body.chars().find(|c| matches!(c, '"' | '\''));
    let step = if quote.is_some() { 2 } else { 1 };
    body.split(move |c| Some(c) == quote).step_by(step)
}

/// Splits a PEM body into RFC 1421 headers and base64, and decodes it.
fn parse_body(label: &str, body: &str, complete: bool) -> PemBlock {
    let mut headers = Vec::new();
    let mut b64 = String::new();
    let mut tokens = literal_pieces(body).flat_map(str::split_ascii_whitespace);
    while let Some(token) = tokens.next() {
        if let Some((name, value)) = token.split_once(':') {
            let value = if value.is_empty() {
                tokens.next().unwrap_or_default()
            } else {
                value
            };
            headers.push((name.to_string(), value.to_string()));
        } else if token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        {
            b64.push_str(token);
        }
    }
    let der = if complete {
        b64_decode(&b64)
    } else {
        // A truncated body: decode the whole quads that are there.
        let usable = b64.trim_end_matches('=');
        let cut = usable.len() - usable.len() % 4;
        usable.get(..cut).and_then(b64_decode)
    };
    PemBlock {
        label: label.to_string(),
        headers,
        der,
        complete,
    }
}

/// Formats Unix seconds as RFC 3339 UTC (`2024-03-05T12:42:35Z`).
pub(crate) fn rfc3339(secs: i64) -> Option<String> {
    // Years 0..=9999 only: what RFC 3339 can write.
    if !(-62_167_219_200..=253_402_300_799).contains(&secs) {
        return None;
    }
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

/// Base62 (`0-9A-Za-z`) of `n`, left-padded with `0` to `width`.
pub(crate) fn base62(mut n: u64, width: usize) -> String {
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS[(n % 62) as usize]);
        n /= 62;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks the GitHub/npm token checksum: the last 6 characters of `body` are
/// the base62 CRC32 of the characters before them.
pub(crate) fn crc32_base62_ok(body: &str) -> Option<bool> {
    if body.len() < 7 || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let (data, check) = body.split_at(body.len() - 6);
    let crc = crc32fast::hash(data.as_bytes());
    Some(base62(u64::from(crc), 6) == check)
}

/// Truncates long decoded strings so attributes stay small.
pub(crate) fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base62_checksum_matches_a_published_reference() {
        // A third-party implementation's test vector for CRC32 + base62.
        let data = "fIkRGaBu5PeKsznMzXQOg3kETH1Sgx";
        assert_eq!(
            base62(u64::from(crc32fast::hash(data.as_bytes())), 6),
            "2oIfSC"
        );
        assert_eq!(crc32_base62_ok(&format!("{data}2oIfSC")), Some(true));
        assert_eq!(crc32_base62_ok(&format!("{data}2oIfSD")), Some(false));
        assert_eq!(crc32_base62_ok("short"), None);
        assert_eq!(crc32_base62_ok("ééééééééé"), None);
    }

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(rfc3339(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            rfc3339(951_782_400).as_deref(),
            Some("2000-02-29T00:00:00Z")
        );
        assert_eq!(
            rfc3339(1_709_642_555).as_deref(),
            Some("2024-03-05T12:42:35Z")
        );
        assert_eq!(rfc3339(-1).as_deref(), Some("1969-12-31T23:59:59Z"));
        assert_eq!(rfc3339(i64::MAX), None);
        assert_eq!(rfc3339(i64::MIN), None);
    }

    #[test]
    fn unescape_handles_json_and_double_escapes() {
        assert_eq!(unescape("a\\nb\\\\nc\\/d"), "a\nb\nc/d");
        assert_eq!(unescape("trailing\\"), "trailing");
        assert!(matches!(unescape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn pem_blocks_with_headers_truncation_and_garbage() {
        let begin = "-----BEGIN ";
        let text = format!(
            "x {begin}RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\nAAEC\n-----END RSA PRIVATE KEY-----"
        );
        let block = find_pem(&text, |l| l.ends_with("PRIVATE KEY")).expect("block");
        assert_eq!(block.label, "RSA PRIVATE KEY");
        assert_eq!(block.header("proc-type"), Some("4,ENCRYPTED"));
        assert_eq!(block.header("DEK-Info"), Some("AES-128-CBC,00FF"));
        assert_eq!(block.der.as_deref(), Some(&[0u8, 1, 2][..]));
        assert!(block.complete);

        let truncated = format!("{begin}PRIVATE KEY-----\nAAECAwQF");
        let block = find_pem(&truncated, |_| true).expect("block");
        assert!(!block.complete);
        assert_eq!(block.der.as_deref(), Some(&[0u8, 1, 2, 3, 4, 5][..]));

        for junk in [
            "-----BEGIN ",
            "-----BEGIN -----",
            "-----BEGIN é-----",
            "-----BEGIN X-----\u{e9}\u{e9}",
            "-----BEGIN X----",
        ] {
            let _ = find_pem(junk, |_| true);
        }
        assert!(find_pem("no pem here", |_| true).is_none());
    }

    #[test]
    fn pem_text_reads_base64_wrapped_pem() {
        let pem = format!("{}CERTIFICATE-----\nAAAA\n", "-----BEGIN ");
        let wrapped = base64::engine::general_purpose::STANDARD.encode(&pem);
        assert_eq!(pem_text(&wrapped).as_deref(), Some(pem.as_str()));
        assert_eq!(pem_text("LS0tLS1CRUdJ!!"), None);
        assert_eq!(pem_text("nothing"), None);
    }

    #[test]
    fn clip_respects_char_boundaries() {
        assert_eq!(clip("ééé", 2), "éé…");
        assert_eq!(clip("ab", 2), "ab");
    }
}
