//! Sources: where blobs come from. A source reads content and hands each blob
//! (path + bytes) to a per-thread [`BlobVisitor`]; it never detects anything.

pub mod archive;
pub mod config;
pub mod fs;
pub mod git;
pub mod stdin;
pub mod stores;

/// Receives what a source produces. One visitor per worker thread, so no locks.
pub trait BlobVisitor {
    /// A blob to scan: `path` as shown in reports, `bytes` its full content.
    fn blob(&mut self, path: &str, bytes: &[u8]);
    /// A file deliberately not scanned (binary, too large, symlink).
    fn skipped(&mut self, path: &str, reason: SkipReason);
    /// A file or directory that could not be read; the scan goes on.
    fn error(&mut self, path: &str, message: String);
}

/// Why a file was not scanned.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// NUL byte in the first 8 KiB and `--scan-binary` not given.
    Binary,
    /// Larger than `--max-file-size`.
    TooLarge,
    /// An archive nested deeper than the archive depth limit.
    ArchiveTooDeep,
    /// An archive entry whose compression ratio looks like a decompression bomb.
    ArchiveBomb,
    /// The rest of an archive: its entry count or decompressed-bytes budget ran out.
    ArchiveLimit,
    /// Not a regular file: a FIFO, socket or device, never opened (reading
    /// one could block forever or never end).
    SpecialFile,
}

impl SkipReason {
    /// Why, in words, for warnings (`limit` is `--max-file-size`).
    pub fn describe(self, limit: u64) -> String {
        match self {
            SkipReason::Binary => "looks binary".to_string(),
            SkipReason::TooLarge => format!("larger than --max-file-size ({limit} bytes)"),
            SkipReason::ArchiveTooDeep => "archive nested too deep, not opened".to_string(),
            SkipReason::ArchiveBomb => {
                "compression ratio of a decompression bomb, not read further".to_string()
            }
            SkipReason::ArchiveLimit => {
                "archive entry or size limit reached, the rest not read".to_string()
            }
            SkipReason::SpecialFile => {
                "not a regular file (FIFO, socket or device), not read".to_string()
            }
        }
    }
}

/// Options shared by the file-reading sources.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Files larger than this many bytes are skipped with a note.
    pub max_file_size: u64,
    /// Scan files that look binary.
    pub scan_binary: bool,
    /// Open archives (zip, tar, gzip, image tarballs) within these limits;
    /// `None` treats them as plain files. Only the filesystem source opens
    /// archives: blobs of git history never are (see docs/ARCHIVES.md).
    pub archives: Option<archive::ArchiveLimits>,
    /// Limits of decoding encoded tokens (`--decode-depth`).
    pub decode: crate::decode::Limits,
    /// Detection time allowed per file or blob (`--file-time-budget`);
    /// `None`: unlimited. See [`crate::scan::Worker::with_time_budget`].
    pub time_budget: Option<std::time::Duration>,
    /// Parse infrastructure-code files for declared identities
    /// (`--no-declared` turns it off).
    pub declared: bool,
}

/// Default of [`ReadOptions::time_budget`]: far above what any file takes
/// (a 25 MiB file scans in well under a second in a release build), so it
/// only ever stops a pathological blob and never makes output depend on load.
pub const DEFAULT_FILE_TIME_BUDGET: std::time::Duration = std::time::Duration::from_secs(60);

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_file_size: 25 * 1024 * 1024,
            scan_binary: false,
            archives: Some(archive::ArchiveLimits::default()),
            decode: crate::decode::Limits::DEFAULT,
            time_budget: Some(DEFAULT_FILE_TIME_BUDGET),
            declared: true,
        }
    }
}

/// UTF-16 text with a byte-order mark (`FF FE` little-endian, `FE FF`
/// big-endian) decoded to UTF-8 without the mark, so it is scanned like any
/// text with the right lines and columns; `None` for anything else. Unpaired
/// surrogates become U+FFFD; an odd last byte is dropped.
pub fn decode_utf16(bytes: &[u8]) -> Option<Vec<u8>> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units = bytes[2..].chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    let mut out = Vec::with_capacity(bytes.len());
    let mut utf8 = [0u8; 4];
    for c in char::decode_utf16(units) {
        let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    }
    Some(out)
}

/// How many leading bytes are inspected for a NUL byte.
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// True when `bytes` looks binary (a NUL byte in the first 8 KiB).
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF_LEN)]).is_some()
}
