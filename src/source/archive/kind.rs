//! Telling archives apart by their first bytes (magic numbers), never by name.

/// The archive formats keyhound opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    /// A zip file (jar, war, ear, whl, apk, nupkg, docx, xlsx, odt, ...).
    Zip,
    /// A POSIX (ustar) or GNU tar file.
    Tar,
    /// A gzip stream: a `.tar.gz`/`.tgz` or one compressed file.
    Gzip,
}

/// Bytes needed to recognise every supported format (a tar header block).
pub const SNIFF_LEN: usize = 512;

/// Offset of the `ustar` magic in a tar header.
const TAR_MAGIC_AT: usize = 257;

/// The archive format `bytes` starts with, if any. Looks at the first 512
/// bytes only, so plain files cost a few comparisons.
pub fn detect(bytes: &[u8]) -> Option<ArchiveKind> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some(ArchiveKind::Zip)
    } else if bytes.starts_with(&[0x1f, 0x8b, 0x08]) {
        Some(ArchiveKind::Gzip)
    } else if is_tar_header(bytes) {
        Some(ArchiveKind::Tar)
    } else {
        None
    }
}

/// True when `bytes` starts with a ustar/GNU tar header whose checksum is
/// right (a text file with `ustar` at offset 257 is not taken for a tar).
fn is_tar_header(bytes: &[u8]) -> bool {
    let Some(header) = bytes.get(..SNIFF_LEN) else {
        return false;
    };
    if header.get(TAR_MAGIC_AT..TAR_MAGIC_AT + 5) != Some(b"ustar".as_slice()) {
        return false;
    }
    let Some(stored) = parse_octal(&header[148..156]) else {
        return false;
    };
    // The checksum counts its own eight bytes as spaces.
    let sum: u64 = header
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    sum == stored
}

/// Parses a NUL- or space-terminated octal field.
fn parse_octal(field: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(field).ok()?;
    let digits = text.trim_matches(|c: char| c == '\0' || c == ' ');
    u64::from_str_radix(digits, 8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_header() -> Vec<u8> {
        let mut header = ::tar::Header::new_ustar();
        header.set_path("a.txt").expect("short path");
        header.set_size(0);
        header.set_cksum();
        header.as_bytes().to_vec()
    }

    #[test]
    fn detects_by_magic() {
        assert_eq!(detect(b"PK\x03\x04rest"), Some(ArchiveKind::Zip));
        assert_eq!(detect(&[0x1f, 0x8b, 0x08, 0]), Some(ArchiveKind::Gzip));
        assert_eq!(detect(&tar_header()), Some(ArchiveKind::Tar));
        assert_eq!(detect(b"plain text"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn ustar_in_text_is_not_a_tar() {
        let mut text = vec![b'x'; 600];
        text[257..262].copy_from_slice(b"ustar");
        assert_eq!(detect(&text), None);
        let mut header = tar_header();
        header[0] ^= 1;
        assert_eq!(detect(&header), None, "bad checksum");
    }
}
