//! Which lines of a new blob are added relative to its previous version.

use std::collections::HashSet;

/// For each line of `new` (index 0 = line 1): true when no line with the same
/// content (ignoring a trailing `\r`) exists in `old`. A line moved within the
/// file is not "added", which is what a secret scan of a change wants.
pub fn added_lines(old: &[u8], new: &[u8]) -> Vec<bool> {
    let old_lines: HashSet<&[u8]> = split_lines(old).collect();
    split_lines(new)
        .map(|line| !old_lines.contains(line))
        .collect()
}

fn split_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
}

#[cfg(test)]
mod tests {
    use super::added_lines;

    #[test]
    fn only_new_content_is_added() {
        let old = b"a\nb\nc\n";
        let new = b"a\nsecret\r\nc\nb\n";
        assert_eq!(added_lines(old, new), [false, true, false, false, false]);
        assert!(added_lines(b"", b"x\ny").iter().all(|&added| added));
    }
}
