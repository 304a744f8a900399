//! Gzip streams: a `.tar.gz`/`.tgz` (the tar inside is opened as a tar) or one
//! compressed file, shown as `notes.txt.gz!notes.txt`.

use flate2::bufread::MultiGzDecoder;

use super::inflate::{Inflated, inflate};
use super::{SEPARATOR, Walk, join};
use crate::source::SkipReason;

/// Scans the gzip `bytes` at `path`, `depth` archives deep.
pub(super) fn scan(walk: &mut Walk<'_>, path: &str, bytes: &[u8], depth: usize) {
    let total = bytes.len() as u64;
    let result = inflate(
        MultiGzDecoder::new(bytes),
        |d| total - d.get_ref().len() as u64,
        walk.read.max_file_size,
        walk.limits,
        &mut walk.budget,
    );
    match result {
        Inflated::Done(content) => match super::detect(&content) {
            // A tar.gz lists its tar's entries right under the .gz.
            Some(kind) => walk.archive(path, kind, &content, depth),
            None => {
                let name = join(path, &inner_name(path));
                walk.entry(&name, &content, depth);
            }
        },
        Inflated::TooLarge => {
            let name = join(path, &inner_name(path));
            walk.visitor.skipped(&name, SkipReason::TooLarge);
        }
        other => walk.inflated(path, other, depth),
    }
}

/// The name of a gzip's single file: its own name without `.gz`/`.gzip`
/// (`x.tgz` gives `x.tar`).
fn inner_name(path: &str) -> String {
    let base = path.rsplit(['/', '\\', SEPARATOR]).next().unwrap_or(path);
    let lower = base.to_ascii_lowercase();
    if lower.ends_with(".tgz") {
        return format!("{}.tar", &base[..base.len() - 4]);
    }
    for suffix in [".gz", ".gzip"] {
        if lower.ends_with(suffix) && base.len() > suffix.len() {
            return base[..base.len() - suffix.len()].to_string();
        }
    }
    base.to_string()
}

#[cfg(test)]
mod tests {
    use super::inner_name;

    #[test]
    fn names_of_the_inner_file() {
        assert_eq!(inner_name("logs/app.log.gz"), "app.log");
        assert_eq!(inner_name("a.zip!b.txt.GZ"), "b.txt");
        assert_eq!(inner_name("x.tgz"), "x.tar");
        assert_eq!(inner_name("blob"), "blob");
        assert_eq!(inner_name(".gz"), ".gz");
    }
}
