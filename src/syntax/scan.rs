//! The one place that knows how strings and comments are delimited in
//! `.proc` text, for the code that reads text without parsing it (the
//! nesting pre-scan, trimming spans, finding comments to keep).

/// What a stretch of text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// Tokens and white space.
    Code,
    /// A string literal, quotes included.
    String,
    /// A `//` comment, to the end of its line (the newline excluded).
    Comment,
}

/// Calls `visit` with each stretch of `text` in order, as byte ranges. An
/// unterminated string runs to the end of the text.
pub fn regions(text: &str, mut visit: impl FnMut(Region, usize, usize)) {
    let bytes = text.as_bytes();
    let mut code_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                if code_start < i {
                    visit(Region::Code, code_start, i);
                }
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                visit(Region::String, start, i);
                code_start = i;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                if code_start < i {
                    visit(Region::Code, code_start, i);
                }
                let start = i;
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                visit(Region::Comment, start, i);
                code_start = i;
            }
            _ => i += 1,
        }
    }
    if code_start < bytes.len() {
        visit(Region::Code, code_start, bytes.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_hide_comment_markers_and_comments_hide_quotes() {
        let text = "a \"x // y\" b // c \"d\"\ne";
        let mut seen = Vec::new();
        regions(text, |r, s, e| seen.push((r, &text[s..e])));
        assert_eq!(
            seen,
            [
                (Region::Code, "a "),
                (Region::String, "\"x // y\""),
                (Region::Code, " b "),
                (Region::Comment, "// c \"d\""),
                (Region::Code, "\ne"),
            ]
        );
    }
}
