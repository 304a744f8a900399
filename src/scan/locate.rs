//! Byte offsets to 1-based lines and code-point columns.

use std::ops::Range;

/// Line and column span of a byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First line (1-based).
    pub line: usize,
    /// First column (1-based, code points).
    pub column: usize,
    /// Last line (1-based).
    pub end_line: usize,
    /// Column just past the end (1-based, code points).
    pub end_column: usize,
}

/// Incremental locator: call [`Locator::span`] with non-decreasing starts to
/// count each newline once.
pub struct Locator<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Locator<'a> {
    /// A locator at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Locator {
            bytes,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// Span of `range`; restarts from the top if `range` starts before the last call.
    pub fn span(&mut self, range: &Range<usize>) -> Span {
        if range.start < self.offset {
            *self = Locator::new(self.bytes);
        }
        let (line, line_start) = self.advance(range.start);
        let column = columns(&self.bytes[line_start..range.start]) + 1;
        let (end_line, end_line_start) = position(self.bytes, line, line_start, range.end);
        let end_column = columns(&self.bytes[end_line_start..range.end]) + 1;
        Span {
            line,
            column,
            end_line,
            end_column,
        }
    }

    fn advance(&mut self, to: usize) -> (usize, usize) {
        let (line, line_start) = position(self.bytes, self.line, self.line_start, to);
        self.offset = to;
        self.line = line;
        self.line_start = line_start;
        (line, line_start)
    }
}

/// Line number and line start of `to`, counting from a known line start.
/// Lines end with `\n`, `\r\n` or a lone `\r` (classic Mac files).
fn position(bytes: &[u8], line: usize, line_start: usize, to: usize) -> (usize, usize) {
    let mut found = (line, line_start);
    for at in memchr::memchr2_iter(b'\n', b'\r', &bytes[line_start..to]) {
        let at = line_start + at;
        // The `\r` of a `\r\n` pair: its `\n` ends the line.
        if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            continue;
        }
        found = (found.0 + 1, at + 1);
    }
    found
}

/// Code points in `bytes` (UTF-8 continuation bytes are not counted).
fn columns(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_cr_only_line_endings() {
        for text in [
            "a\nbb\nccc KEY",
            "a\r\nbb\r\nccc KEY",
            "a\rbb\rccc KEY",
            "a\r\nbb\rccc KEY",
        ] {
            let at = text.find("KEY").unwrap_or(0);
            let span = Locator::new(text.as_bytes()).span(&(at..at + 3));
            assert_eq!(
                (span.line, span.column, span.end_column),
                (3, 5, 8),
                "{text:?}"
            );
        }
        // A range ending between `\r` and `\n` does not count the line twice.
        let text = b"ab\r\ncd";
        let mut locator = Locator::new(text);
        assert_eq!(locator.span(&(0..3)).end_line, 1);
        assert_eq!(locator.span(&(5..6)).line, 2);
    }

    #[test]
    fn lines_and_columns() {
        let text = "ab\ncdé fg\nhij";
        let bytes = text.as_bytes();
        let mut locator = Locator::new(bytes);
        let f = text.find('f').unwrap_or(0);
        assert_eq!(
            locator.span(&(f..f + 2)),
            Span {
                line: 2,
                column: 5,
                end_line: 2,
                end_column: 7
            }
        );
        let h = text.find('h').unwrap_or(0);
        assert_eq!(locator.span(&(h..h + 1)).line, 3);
        assert_eq!(
            locator.span(&(0..4)),
            Span {
                line: 1,
                column: 1,
                end_line: 2,
                end_column: 2
            }
        );
    }
}
