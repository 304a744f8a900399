//! Sources: where blobs come from. A source reads content and hands each blob
//! (path + bytes) to a per-thread [`BlobVisitor`]; it never detects anything.

pub mod fs;
pub mod git;
pub mod stdin;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// NUL byte in the first 8 KiB and `--scan-binary` not given.
    Binary,
    /// Larger than `--max-file-size`.
    TooLarge,
}

/// Options shared by the file-reading sources.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Files larger than this many bytes are skipped with a note.
    pub max_file_size: u64,
    /// Scan files that look binary.
    pub scan_binary: bool,
    /// Limits of decoding encoded tokens (`--decode-depth`).
    pub decode: crate::decode::Limits,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_file_size: 25 * 1024 * 1024,
            scan_binary: false,
            decode: crate::decode::Limits::DEFAULT,
        }
    }
}

/// How many leading bytes are inspected for a NUL byte.
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// True when `bytes` looks binary (a NUL byte in the first 8 KiB).
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF_LEN)]).is_some()
}
