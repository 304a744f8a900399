//! Filesystem source: `ignore`'s parallel walker over files and directories.
//! `.git` directories are skipped; `.gitignore` is honoured only on request
//! (security sweeps want ignored `.env` files too); symlinks are not followed
//! unless asked; large files are memory-mapped.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkState};
use memmap2::Mmap;

use super::{BlobVisitor, ReadOptions, SkipReason, archive, looks_binary};

/// Files at least this large are memory-mapped instead of read.
const MMAP_THRESHOLD: u64 = 4 * 1024 * 1024;

/// Options for a filesystem walk.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Size limit and binary handling.
    pub read: ReadOptions,
    /// Honour `.gitignore`, `.ignore` and git excludes.
    pub respect_gitignore: bool,
    /// Follow symbolic links.
    pub follow_symlinks: bool,
    /// Walker threads (0 = all cores).
    pub threads: usize,
}

/// Walks `roots` (files or directories) in parallel; each walker thread gets its
/// own visitor from `make_visitor`.
pub fn walk<V, F>(roots: &[PathBuf], options: &WalkOptions, make_visitor: F)
where
    F: Fn() -> V + Sync,
    V: BlobVisitor + Send,
{
    let Some((first, rest)) = roots.split_first() else {
        return;
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .standard_filters(false)
        .hidden(false)
        .follow_links(options.follow_symlinks)
        .threads(options.threads)
        .filter_entry(|entry| entry.file_name() != ".git");
    if options.respect_gitignore {
        builder
            .git_ignore(true)
            .git_exclude(true)
            .git_global(true)
            .ignore(true)
            .parents(true)
            .require_git(false);
    }
    builder.build_parallel().run(|| {
        let mut visitor = make_visitor();
        let mut buffer = Vec::new();
        let read = options.read.clone();
        Box::new(move |result| {
            match result {
                Ok(entry) => match entry.file_type() {
                    Some(t) if t.is_file() => {
                        read_file(entry.path(), &read, &mut buffer, &mut visitor);
                    }
                    // Unfollowed symlinks are not scanned (see --follow-symlinks).
                    Some(t) if t.is_dir() || t.is_symlink() => {}
                    // FIFOs, sockets, devices: never opened.
                    Some(_) => {
                        visitor.skipped(&display_path(entry.path()), SkipReason::SpecialFile)
                    }
                    None => {}
                },
                Err(err) => {
                    let path = error_path(&err).unwrap_or_default();
                    visitor.error(&path, err.to_string());
                }
            }
            WalkState::Continue
        })
    });
}

/// Reads one file and hands it to the visitor (or reports why not).
pub fn read_file(
    path: &Path,
    options: &ReadOptions,
    buffer: &mut Vec<u8>,
    visitor: &mut dyn BlobVisitor,
) {
    let shown = display_path(path);
    let fail = |visitor: &mut dyn BlobVisitor, err: std::io::Error| {
        visitor.error(&shown, format!("cannot read {shown}: {err}"))
    };
    let file = match open_nonblocking(path) {
        Ok(file) => file,
        Err(err) => return fail(visitor, err),
    };
    let len = match file.metadata() {
        // Replaced by a FIFO or device since the walk saw it: never read.
        Ok(meta) if !meta.is_file() => return visitor.skipped(&shown, SkipReason::SpecialFile),
        Ok(meta) => meta.len(),
        Err(err) => return fail(visitor, err),
    };
    if len > options.max_file_size && !big_archive(&file, len, options) {
        return visitor.skipped(&shown, SkipReason::TooLarge);
    }
    if len >= MMAP_THRESHOLD {
        // SAFETY: the map is read-only and dropped before this function returns.
        // A file truncated concurrently may fault, as in ripgrep; we accept that
        // for files this large rather than copying them.
        match unsafe { Mmap::map(&file) } {
            Ok(map) => return hand_over(&shown, &map, options, visitor),
            Err(err) => return fail(visitor, err),
        }
    }
    buffer.clear();
    let limit = options.max_file_size.max(len).saturating_add(1);
    if let Err(err) = file.take(limit).read_to_end(buffer) {
        return fail(visitor, err);
    }
    hand_over(&shown, buffer, options, visitor);
}

/// Opens `path` for reading; on unix with `O_NONBLOCK`, so a file replaced
/// by a FIFO between the walk and the open cannot block the scan (the flag
/// does not change reads of regular files).
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// The archive format of `bytes` when archives are opened (a look at the
/// first bytes only, so trees without archives do not slow down).
fn archive_kind(bytes: &[u8], options: &ReadOptions) -> Option<archive::ArchiveKind> {
    options.archives.as_ref()?;
    archive::detect(bytes)
}

/// True when a file over `--max-file-size` is an archive small enough to be
/// opened anyway (its entries are held to the size limit one by one).
fn big_archive(file: &File, len: u64, options: &ReadOptions) -> bool {
    let Some(limits) = &options.archives else {
        return false;
    };
    if len > limits.max_total_bytes {
        return false;
    }
    let mut head = Vec::with_capacity(archive::SNIFF_LEN);
    let mut reader: &File = file;
    let read = reader
        .by_ref()
        .take(archive::SNIFF_LEN as u64)
        .read_to_end(&mut head);
    let rewound = reader.seek(SeekFrom::Start(0));
    read.is_ok() && rewound.is_ok() && archive::detect(&head).is_some()
}

fn hand_over(path: &str, bytes: &[u8], options: &ReadOptions, visitor: &mut dyn BlobVisitor) {
    if let Some(text) = super::decode_utf16(bytes) {
        // UTF-16 with a byte-order mark: scanned as the UTF-8 text it holds
        // (offsets and the blob id are then those of the decoding).
        if text.len() as u64 > options.max_file_size {
            return visitor.skipped(path, SkipReason::TooLarge);
        }
        return visitor.blob(path, &text);
    }
    if let (Some(kind), Some(limits)) = (archive_kind(bytes, options), &options.archives) {
        archive::scan(path, kind, bytes, options, limits, visitor);
    } else if bytes.len() as u64 > options.max_file_size {
        visitor.skipped(path, SkipReason::TooLarge);
    } else if !options.scan_binary && looks_binary(bytes) {
        visitor.skipped(path, SkipReason::Binary);
    } else {
        visitor.blob(path, bytes);
    }
}

/// The path as reports show it: lossy UTF-8, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let trimmed = text.strip_prefix("./").unwrap_or(&text);
    trimmed.to_string()
}

fn error_path(err: &ignore::Error) -> Option<String> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(display_path(path)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.first().and_then(error_path),
        ignore::Error::Loop { child, .. } => Some(display_path(child)),
        _ => None,
    }
}
