//! Bytes of a calendar or bank-holidays file to text, and positions in it,
//! so that every problem with those files can name its line.

/// Where a file stops being UTF-8.
pub(crate) struct NotUtf8 {
    pub(crate) line: usize,
    pub(crate) column: usize,
    /// The byte offset of the first bad byte in `lossy`.
    pub(crate) offset: usize,
    /// The file with bad bytes replaced, to show around the place.
    pub(crate) lossy: String,
}

pub(crate) fn decode(bytes: &[u8]) -> Result<String, NotUtf8> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            // Everything before the bad byte is valid, so its offset is the
            // same in the lossy text.
            let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            Err(NotUtf8 {
                line,
                column,
                offset: e.valid_up_to(),
                lossy: String::from_utf8_lossy(bytes).into_owned(),
            })
        }
    }
}

/// The byte offset of a 1-based line and column, clamped into `text` and
/// onto a character boundary.
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let mut offset = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_byte_is_placed_by_line_and_column() {
        let Err(bad) = decode(b"base: scotland\nname: caf\xe9\n") else {
            panic!("accepted a non-UTF-8 file");
        };
        assert_eq!((bad.line, bad.column, bad.offset), (2, 10, 24));
    }

    #[test]
    fn offsets_follow_lines_and_stay_in_the_text() {
        let text = "ab\ncd\n";
        assert_eq!(offset_of(text, 2, 2), 4);
        assert_eq!(offset_of(text, 9, 9), text.len());
        assert_eq!(offset_of(text, 1, 0), 0);
    }
}
