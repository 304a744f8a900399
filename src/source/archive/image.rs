//! `docker save` image tarballs: a tar with a `manifest.json` whose `Layers`
//! name layer tars (`<id>/layer.tar`, or `blobs/sha256/<digest>` in the OCI
//! layout Docker 25+ writes), plain or gzip-compressed.
//!
//! Every layer's files are scanned, in manifest order, and shown as
//! `image.tar!<layer-id-short>/path`. Whiteout markers (`.wh.<name>`,
//! `.wh..wh..opq`) are not scanned, but the files they delete from lower
//! layers are still reported: a secret removed by a later layer still ships in
//! the image (`docker save`, `docker history`, any registry pull hands it out)
//! and must be rotated. Files outside the layers (image config, manifests)
//! are scanned too: build-time `ENV` values live in the config.

use super::inflate::{Inflated, inflate};
use super::tar::{TarFile, finish, list};
use super::{SEPARATOR, Walk, join};

/// Characters of a layer id shown in locations.
const SHORT_ID_LEN: usize = 12;

/// Prefix of whiteout entries in a layer.
const WHITEOUT_PREFIX: &str = ".wh.";

#[derive(serde::Deserialize)]
struct ManifestEntry {
    #[serde(rename = "Layers", default)]
    layers: Vec<String>,
}

/// The layer paths of a `docker save` tarball in order (each once), or
/// `None` when `files` holds no `manifest.json` naming layers.
pub(super) fn layers(files: &[TarFile<'_>]) -> Option<Vec<String>> {
    let manifest = files
        .iter()
        .find(|f| f.name.trim_start_matches("./") == "manifest.json")?;
    let entries: Vec<ManifestEntry> = serde_json::from_slice(manifest.data).ok()?;
    let mut layers: Vec<String> = Vec::new();
    for layer in entries.into_iter().flat_map(|e| e.layers) {
        if !layers.contains(&layer) {
            layers.push(layer);
        }
    }
    (!layers.is_empty()).then_some(layers)
}

/// Scans an image tarball at `path`: its non-layer files, then each layer.
pub(super) fn scan(
    walk: &mut Walk<'_>,
    path: &str,
    files: &[TarFile<'_>],
    layers: &[String],
    depth: usize,
) {
    let is_layer = |name: &str| layers.iter().any(|l| l == name.trim_start_matches("./"));
    for file in files.iter().filter(|f| !is_layer(&f.name)) {
        if walk.exhausted() {
            return;
        }
        walk.entry(&join(path, &file.name), file.data, depth);
    }
    for layer in layers {
        if walk.exhausted() {
            return;
        }
        let Some(file) = files
            .iter()
            .find(|f| f.name.trim_start_matches("./") == layer)
        else {
            walk.visitor.error(
                path,
                format!("cannot read image {path}: layer {layer} is missing"),
            );
            continue;
        };
        let shown = format!("{path}{SEPARATOR}{}", short_id(layer));
        scan_layer(walk, &shown, file.data, depth);
    }
}

/// Scans one layer (a tar, or a gzip-compressed tar) shown as `shown`.
fn scan_layer(walk: &mut Walk<'_>, shown: &str, data: &[u8], depth: usize) {
    match super::detect(data) {
        Some(super::ArchiveKind::Tar) => scan_layer_tar(walk, shown, data, depth),
        Some(super::ArchiveKind::Gzip) => {
            let total = data.len() as u64;
            let result = inflate(
                flate2::bufread::MultiGzDecoder::new(data),
                |d| total - d.get_ref().len() as u64,
                walk.read.max_file_size,
                walk.limits,
                &mut walk.budget,
            );
            match result {
                Inflated::Done(tar) => scan_layer_tar(walk, shown, &tar, depth),
                other => walk.inflated(shown, other, depth),
            }
        }
        // Empty layers, or formats not opened here (zstd): scanned as a file.
        _ => walk.entry(shown, data, depth),
    }
}

/// Scans the files of an uncompressed layer tar; whiteouts are skipped.
fn scan_layer_tar(walk: &mut Walk<'_>, shown: &str, tar: &[u8], depth: usize) {
    let listing = list(tar, walk.limits.max_entries);
    for file in &listing.files {
        if walk.exhausted() {
            return;
        }
        let base = file.name.rsplit('/').next().unwrap_or(&file.name);
        if base.starts_with(WHITEOUT_PREFIX) {
            continue;
        }
        let name = format!("{shown}/{}", file.name.trim_start_matches("./"));
        walk.entry(&name, file.data, depth);
    }
    finish(walk, shown, &listing);
}

/// The short id of a layer path: `<id>/layer.tar` gives the id,
/// `blobs/sha256/<digest>` the digest, cut to 12 characters.
fn short_id(layer: &str) -> String {
    let trimmed = layer.strip_suffix("/layer.tar").unwrap_or(layer);
    let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
    let last = last.strip_prefix("sha256:").unwrap_or(last);
    let last = last
        .strip_suffix(".tar.gz")
        .or_else(|| last.strip_suffix(".tar"))
        .unwrap_or(last);
    last.chars().take(SHORT_ID_LEN).collect()
}

#[cfg(test)]
mod tests {
    use super::short_id;

    #[test]
    fn short_ids() {
        assert_eq!(short_id("0123456789abcdef/layer.tar"), "0123456789ab");
        assert_eq!(short_id("blobs/sha256/fedcba9876543210"), "fedcba987654");
        assert_eq!(short_id("abc.tar"), "abc");
    }
}
