//! Archives met by the filesystem source: zip (jar, war, ear, whl, apk,
//! nupkg, docx/xlsx/pptx, odt, ...), tar, gzip (`.tar.gz`/`.tgz` or one
//! compressed file) and `docker save` image tarballs. Formats are told apart
//! by magic bytes, not by extension.
//!
//! Everything happens in memory: each entry is handed to the
//! [`BlobVisitor`] as a blob named `outer.zip!inner/path` (nested:
//! `a.jar!lib/b.jar!c.properties`), with the usual binary sniffing and
//! `--max-file-size`; archives inside archives are opened in turn.
//!
//! Every limit is in [`ArchiveLimits`]; reaching one records a skip (or an
//! error for corrupt data) at the path concerned and the scan goes on.

mod gzip;
mod image;
mod inflate;
mod kind;
mod tar;
mod zip;

pub use kind::{ArchiveKind, SNIFF_LEN, detect};

use super::{BlobVisitor, ReadOptions, SkipReason, looks_binary};

/// Separates an archive's path from the path of an entry inside it.
pub const SEPARATOR: char = '!';

/// Bounds on what one top-level archive may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Archives inside archives opened at most this deep (the top-level
    /// archive is depth 1): deeper ones are skipped as `archive-too-deep`.
    pub max_depth: usize,
    /// Entries read per archive; the rest are skipped as `archive-limit`.
    pub max_entries: usize,
    /// Bytes decompressed per top-level archive, nested ones included; when
    /// they run out the rest is skipped as `archive-limit`. Also the largest
    /// archive file opened when it exceeds `--max-file-size`.
    pub max_total_bytes: u64,
    /// Output-to-input ratio of a compressed entry above which (together with
    /// `ratio_floor`) it is taken for a bomb and skipped as `archive-bomb`.
    pub max_ratio: u64,
    /// Entries are never called bombs below this many decompressed bytes.
    pub ratio_floor: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_depth: 3,
            max_entries: 10_000,
            max_total_bytes: 256 << 20,
            max_ratio: 100,
            ratio_floor: 1 << 20,
        }
    }
}

/// Decompressed bytes left for one top-level archive.
#[derive(Debug)]
pub(crate) struct Budget {
    remaining: u64,
    exhausted: bool,
}

impl Budget {
    /// A budget of `bytes`.
    pub(crate) fn new(bytes: u64) -> Self {
        Budget {
            remaining: bytes,
            exhausted: false,
        }
    }

    /// Spends `bytes`; false once the budget is overdrawn.
    pub(crate) fn charge(&mut self, bytes: u64) -> bool {
        match self.remaining.checked_sub(bytes) {
            Some(left) => {
                self.remaining = left;
                true
            }
            None => {
                self.remaining = 0;
                self.exhausted = true;
                false
            }
        }
    }
}

/// Opens the archive `bytes` (whose format `detect` found) shown as `path`
/// and hands its entries to `visitor`.
pub fn scan(
    path: &str,
    kind: ArchiveKind,
    bytes: &[u8],
    read: &ReadOptions,
    limits: &ArchiveLimits,
    visitor: &mut dyn BlobVisitor,
) {
    let mut walk = Walk {
        read,
        limits,
        visitor,
        budget: Budget::new(limits.max_total_bytes),
    };
    walk.archive(path, kind, bytes, 1);
}

/// State of the walk through one top-level archive.
struct Walk<'a> {
    read: &'a ReadOptions,
    limits: &'a ArchiveLimits,
    visitor: &'a mut dyn BlobVisitor,
    budget: Budget,
}

impl Walk<'_> {
    /// Opens archive `bytes` at `path`, `depth` archives deep.
    fn archive(&mut self, path: &str, kind: ArchiveKind, bytes: &[u8], depth: usize) {
        if depth > self.limits.max_depth {
            return self.visitor.skipped(path, SkipReason::ArchiveTooDeep);
        }
        match kind {
            ArchiveKind::Zip => zip::scan(self, path, bytes, depth),
            ArchiveKind::Tar => tar::scan(self, path, bytes, depth),
            ArchiveKind::Gzip => gzip::scan(self, path, bytes, depth),
        }
    }

    /// Hands over one entry found `depth` archives deep: a nested archive is
    /// opened, anything else is scanned as a file.
    fn entry(&mut self, path: &str, bytes: &[u8], depth: usize) {
        if let Some(kind) = detect(bytes) {
            return self.archive(path, kind, bytes, depth + 1);
        }
        if bytes.len() as u64 > self.read.max_file_size {
            self.visitor.skipped(path, SkipReason::TooLarge);
        } else if let Some(text) = super::decode_utf16(bytes) {
            self.visitor.blob(path, &text);
        } else if !self.read.scan_binary && looks_binary(bytes) {
            self.visitor.skipped(path, SkipReason::Binary);
        } else {
            self.visitor.blob(path, bytes);
        }
    }

    /// Reports what stopped a bounded decompression at `path`; hands the
    /// content over when it completed.
    fn inflated(&mut self, path: &str, result: inflate::Inflated, depth: usize) {
        match result {
            inflate::Inflated::Done(bytes) => self.entry(path, &bytes, depth),
            inflate::Inflated::Bomb => self.visitor.skipped(path, SkipReason::ArchiveBomb),
            inflate::Inflated::TooLarge => self.visitor.skipped(path, SkipReason::TooLarge),
            inflate::Inflated::OverBudget => self.visitor.skipped(path, SkipReason::ArchiveLimit),
            inflate::Inflated::Failed(err) => self
                .visitor
                .error(path, format!("cannot decompress {path}: {err}")),
        }
    }

    /// True once the budget has run out: the entry where it did was noted,
    /// the rest of the top-level archive is not read.
    fn exhausted(&self) -> bool {
        self.budget.exhausted
    }

    /// Notes that `path` has more than `max_entries` entries.
    fn too_many_entries(&mut self, path: &str) {
        self.visitor.skipped(path, SkipReason::ArchiveLimit);
    }
}

/// `outer!inner`, with `inner` stripped of leading `./` and `/`.
fn join(outer: &str, inner: &str) -> String {
    let mut inner = inner;
    loop {
        if let Some(rest) = inner.strip_prefix("./") {
            inner = rest;
        } else if let Some(rest) = inner.strip_prefix('/') {
            inner = rest;
        } else {
            break;
        }
    }
    format!("{outer}{SEPARATOR}{inner}")
}

#[cfg(test)]
mod tests;
