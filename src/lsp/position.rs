//! Byte offsets (what every span in redress is) to and from the protocol's
//! positions: a line and a column counted in UTF-16 code units, which is
//! what editors mean by a character unless told otherwise.

use lsp_types::{Position, Range};

use crate::syntax::ast::Span;

/// The start of every line of a text, for converting in both directions
/// without rescanning the text from the top each time.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// The position of a byte offset; an offset inside a character or past
    /// the end is moved back to the nearest boundary.
    pub(crate) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(to_u32(line), to_u32(character))
    }

    pub(crate) fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position; a column past the end of its line is
    /// the end of the line, a line past the end is the end of the text, as
    /// the protocol asks.
    pub(crate) fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_and_round_trip() {
        // `é` is two bytes and one unit; `𝒜` is four bytes and two units.
        let text = "ab\né𝒜x\n";
        let lines = Lines::new(text);
        let x = text.find('x').unwrap_or_default();
        assert_eq!(lines.position(x), Position::new(1, 3));
        assert_eq!(lines.offset(Position::new(1, 3)), x);
        assert_eq!(
            lines.offset(Position::new(1, 99)),
            text.len() - 1,
            "end of its line"
        );
        assert_eq!(
            lines.offset(Position::new(9, 0)),
            text.len(),
            "past the last line"
        );
        assert_eq!(lines.position(text.len()), Position::new(2, 0));
    }
}
