//! Tar archives held in memory: entry data is sliced out of the buffer, never
//! copied. A tar with a `manifest.json` naming layers is a `docker save` image
//! and goes to [`super::image`].

use std::io::Cursor;

use super::{Walk, join};

/// One regular file of a tar.
pub(super) struct TarFile<'a> {
    /// Path inside the tar (long GNU and PAX names resolved), lossy UTF-8.
    pub name: String,
    /// Content, a slice of the tar.
    pub data: &'a [u8],
}

/// The regular files of a tar, as far as it could be read.
pub(super) struct Listing<'a> {
    /// Files in tar order, at most `max_entries`.
    pub files: Vec<TarFile<'a>>,
    /// More than `max_entries` files: the rest are not listed.
    pub truncated: bool,
    /// The tar is corrupt or truncated after `files`.
    pub error: Option<String>,
}

/// Lists up to `max_entries` regular files of the tar `bytes`.
pub(super) fn list(bytes: &[u8], max_entries: usize) -> Listing<'_> {
    let mut listing = Listing {
        files: Vec::new(),
        truncated: false,
        error: None,
    };
    let mut archive = ::tar::Archive::new(Cursor::new(bytes));
    let entries = match archive.entries_with_seek() {
        Ok(entries) => entries,
        Err(err) => {
            listing.error = Some(err.to_string());
            return listing;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                listing.error = Some(err.to_string());
                break;
            }
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        if listing.files.len() >= max_entries {
            listing.truncated = true;
            break;
        }
        let data = usize::try_from(entry.raw_file_position())
            .ok()
            .zip(usize::try_from(entry.size()).ok())
            .and_then(|(start, len)| bytes.get(start..start.checked_add(len)?));
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        match data {
            Some(data) => listing.files.push(TarFile { name, data }),
            None => {
                listing.error = Some(format!("entry {name} is truncated"));
                break;
            }
        }
    }
    listing
}

/// Scans the entries of the tar `bytes` at `path`, `depth` archives deep.
pub(super) fn scan(walk: &mut Walk<'_>, path: &str, bytes: &[u8], depth: usize) {
    let listing = list(bytes, walk.limits.max_entries);
    if let Some(layers) = super::image::layers(&listing.files) {
        super::image::scan(walk, path, &listing.files, &layers, depth);
    } else {
        for file in &listing.files {
            if walk.exhausted() {
                return;
            }
            walk.entry(&join(path, &file.name), file.data, depth);
        }
    }
    finish(walk, path, &listing);
}

/// Notes a truncated listing or a read error of the tar at `path`.
pub(super) fn finish(walk: &mut Walk<'_>, path: &str, listing: &Listing<'_>) {
    if listing.truncated {
        walk.too_many_entries(path);
    }
    if let Some(err) = &listing.error {
        walk.visitor
            .error(path, format!("cannot read tar archive {path}: {err}"));
    }
}
