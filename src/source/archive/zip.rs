//! Zip archives: the central directory is read with the `zip` crate; entry
//! data is taken straight from the in-memory slice (stored) or inflated here
//! (deflate), so decompression stays bounded by [`super::inflate`].

use std::io::Cursor;

use flate2::bufread::DeflateDecoder;
use zip::{CompressionMethod, ZipArchive};

use super::inflate::inflate;
use super::{Walk, join};

/// Scans the entries of the zip `bytes` at `path`, `depth` archives deep.
pub(super) fn scan(walk: &mut Walk<'_>, path: &str, bytes: &[u8], depth: usize) {
    let mut archive = match ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(err) => {
            return walk
                .visitor
                .error(path, format!("cannot read zip archive {path}: {err}"));
        }
    };
    let mut entries = 0usize;
    for index in 0..archive.len() {
        if walk.exhausted() {
            return;
        }
        let entry = archive.by_index_raw(index);
        if entry.as_ref().is_ok_and(|e| !e.is_file()) {
            continue;
        }
        // Unreadable entries count too, so a broken archive cannot flood
        // the report with more than `max_entries` errors.
        entries += 1;
        if entries > walk.limits.max_entries {
            return walk.too_many_entries(path);
        }
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                walk.visitor.error(
                    path,
                    format!("cannot read entry {index} of zip archive {path}: {err}"),
                );
                continue;
            }
        };
        let name = join(path, &String::from_utf8_lossy(entry.name_raw()));
        let method = entry.compression();
        let encrypted = entry.encrypted();
        let declared = entry.compressed_size();
        let data = entry
            .data_start()
            .and_then(|start| {
                let start = usize::try_from(start).ok()?;
                let end = start.checked_add(usize::try_from(declared).ok()?)?;
                bytes.get(start..end)
            })
            .unwrap_or_default();
        drop(entry);
        if data.len() as u64 != declared {
            walk.visitor.error(
                &name,
                format!("cannot read {name}: entry data is truncated"),
            );
            continue;
        }
        if encrypted {
            walk.visitor
                .error(&name, format!("cannot read {name}: entry is encrypted"));
            continue;
        }
        // `DEFLATE` is a constant, so this reads the same whether or not the
        // zip crate's own decompressors are compiled in.
        match method {
            CompressionMethod::Stored => walk.entry(&name, data, depth),
            m if m == CompressionMethod::DEFLATE => {
                let total = data.len() as u64;
                let result = inflate(
                    DeflateDecoder::new(data),
                    |d| total - d.get_ref().len() as u64,
                    walk.read.max_file_size,
                    walk.limits,
                    &mut walk.budget,
                );
                walk.inflated(&name, result, depth);
            }
            other => walk.visitor.error(
                &name,
                format!("cannot read {name}: unsupported compression method {other}"),
            ),
        }
    }
}
