//! Byte spans into the source text.
//!
//! Every span is a pair of byte offsets (logos gives bytes, and ariadne is run in byte
//! mode), so labels never drift on multi-byte characters such as `µm` or `°C`.

use serde::Serialize;

/// A half-open byte range `start..end` into the one source file being compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        // INVARIANT: sources are limited to `MAX_SOURCE_BYTES` (< 4 GiB), so offsets fit.
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether `other` lies within this span.
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Line and column of byte offsets, both 1-based; columns count characters, as editors do.
pub struct LineIndex<'src> {
    source: &'src str,
    line_starts: Vec<usize>,
}

impl<'src> LineIndex<'src> {
    pub fn new(source: &'src str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { source, line_starts }
    }

    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line];
        let column = self
            .source
            .get(line_start..offset)
            .map_or(offset - line_start, |prefix| prefix.chars().count());
        (line + 1, column + 1)
    }
}

/// How columns are counted at a boundary that is not byte offsets: the language server
/// protocol counts UTF-16 code units unless client and server agree on UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnUnit {
    Utf8,
    Utf16,
}

impl LineIndex<'_> {
    /// The 0-based line and column (in `unit`) of a byte offset.
    pub fn position(&self, offset: usize, unit: ColumnUnit) -> (u32, u32) {
        let offset = floor_char_boundary(self.source, offset.min(self.source.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let prefix = &self.source[self.line_starts[line]..offset];
        let column = match unit {
            ColumnUnit::Utf8 => prefix.len(),
            ColumnUnit::Utf16 => prefix.encode_utf16().count(),
        };
        (line as u32, column as u32)
    }

    /// The byte offset of a 0-based line and column (in `unit`). A position past the end
    /// of its line is the end of the line, one past the last line is the end of the text,
    /// and one inside a character is that character's start: clients may send any of them.
    pub fn offset(&self, line: u32, column: u32, unit: ColumnUnit) -> usize {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return self.source.len();
        };
        let end = self
            .line_starts
            .get(line as usize + 1)
            .map_or(self.source.len(), |next| next - 1);
        let text = &self.source[start..end];
        let mut counted = 0;
        for (at, c) in text.char_indices() {
            let width = match unit {
                ColumnUnit::Utf8 => c.len_utf8(),
                ColumnUnit::Utf16 => c.len_utf16(),
            };
            if counted + width > column as usize {
                return start + at;
            }
            counted += width;
        }
        end
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let index = LineIndex::new("a\nµm x\n");
        assert_eq!(index.line_column(0), (1, 1));
        assert_eq!(index.line_column(2), (2, 1));
        // `x` sits after `µm ` (4 bytes, 3 characters).
        assert_eq!(index.line_column(6), (2, 4));
        assert_eq!(index.line_column(100), (3, 1));
    }

    #[test]
    fn utf16_and_utf8_columns_round_trip() {
        // `µ` and `°` are 2 bytes and 1 UTF-16 unit; `𐐀` is 4 bytes and 2 units.
        let source = "a µm\n25 °C 𐐀b\n";
        let index = LineIndex::new(source);
        let b = source.find('b').unwrap();
        assert_eq!(index.position(b, ColumnUnit::Utf16), (1, 8));
        assert_eq!(index.position(b, ColumnUnit::Utf8), (1, 11));
        assert_eq!(index.offset(1, 8, ColumnUnit::Utf16), b);
        assert_eq!(index.offset(1, 11, ColumnUnit::Utf8), b);
        for offset in source.char_indices().map(|(i, _)| i) {
            for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16] {
                let (line, column) = index.position(offset, unit);
                assert_eq!(index.offset(line, column, unit), offset);
            }
        }
        // Inside the surrogate pair: the character's start; past the line: its end.
        assert_eq!(index.offset(1, 7, ColumnUnit::Utf16), source.find('𐐀').unwrap());
        assert_eq!(index.offset(0, 99, ColumnUnit::Utf16), 5);
        assert_eq!(index.offset(9, 0, ColumnUnit::Utf16), source.len());
        // An offset inside `µ` counts from the start of `µ`.
        assert_eq!(index.position(3, ColumnUnit::Utf16), (0, 2));
    }
}
