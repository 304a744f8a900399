//! `.keyhoundignore`: fingerprints of accepted findings, one per line, each
//! with an optional `# comment` (why it is accepted). A fingerprint may be
//! shortened to the 12-character prefix the text report prints.

/// Shortest fingerprint prefix accepted.
pub const MIN_PREFIX: usize = 12;

/// The parsed file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreFile {
    /// Fingerprints or prefixes, lowercase.
    pub fingerprints: Vec<String>,
    /// Lines that are not fingerprints: `(line number, text)`.
    pub invalid: Vec<(usize, String)>,
}

impl IgnoreFile {
    /// Parses the file's text.
    pub fn parse(text: &str) -> Self {
        let mut file = IgnoreFile::default();
        for (index, line) in text.lines().enumerate() {
            let entry = line.split('#').next().unwrap_or("").trim();
            if entry.is_empty() {
                continue;
            }
            let hex = entry.len() >= MIN_PREFIX
                && entry.len() <= 64
                && entry.bytes().all(|b| b.is_ascii_hexdigit());
            if hex {
                file.fingerprints.push(entry.to_ascii_lowercase());
            } else {
                file.invalid.push((index + 1, entry.to_string()));
            }
        }
        file
    }

    /// True when `fingerprint` is listed (in full or by prefix).
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints
            .iter()
            .any(|listed| fingerprint.starts_with(listed.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::IgnoreFile;

    #[test]
    fn fingerprints_prefixes_and_comments() {
        let file = IgnoreFile::parse(
            "# accepted\n0123456789abCDEF0123456789abcdef0123456789abcdef0123456789abcdef # test key\n\nfedcba987654\nnot-a-fingerprint\nabc\n",
        );
        assert_eq!(file.fingerprints.len(), 2);
        assert!(file.contains("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
        assert!(file.contains("fedcba9876540000"));
        assert!(!file.contains("aaaa"));
        assert_eq!(
            file.invalid,
            [(5, "not-a-fingerprint".to_string()), (6, "abc".to_string())]
        );
    }
}
