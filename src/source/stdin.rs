//! Standard input as one blob named `<stdin>`.

use std::io::Read;

use super::{BlobVisitor, ReadOptions, SkipReason, looks_binary};

/// Path shown for content read from standard input.
pub const STDIN_PATH: &str = "<stdin>";

/// Reads all of `input` (up to the size limit) and hands it to `visitor`.
pub fn scan_reader(input: impl Read, options: &ReadOptions, visitor: &mut dyn BlobVisitor) {
    let mut bytes = Vec::new();
    let limit = options.max_file_size.saturating_add(1);
    if let Err(err) = input.take(limit).read_to_end(&mut bytes) {
        visitor.error(STDIN_PATH, format!("cannot read standard input: {err}"));
        return;
    }
    if bytes.len() as u64 > options.max_file_size {
        visitor.skipped(STDIN_PATH, SkipReason::TooLarge);
    } else if let Some(text) = super::decode_utf16(&bytes) {
        visitor.blob(STDIN_PATH, &text);
    } else if !options.scan_binary && looks_binary(&bytes) {
        visitor.skipped(STDIN_PATH, SkipReason::Binary);
    } else {
        visitor.blob(STDIN_PATH, &bytes);
    }
}
